// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the extended SYN cookie codec (kmod/cookie.c), compiled on
 * the host with the kernel header shims of tests/unit/kshim, whose SipHash
 * is checked here first against the reference vectors.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cookie.h"
#include "maglev.h"

#define MINUTE	28000000U	/* wall-clock minutes, around 2023 */
#define NOW_MS	0x5a5a5a5aU
#define TABLE	VEER_DEFAULT_TABLE_SIZE

static const u8 key1[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const u8 key2[16] = "veer test key 2";
static const u8 key3[16] = "veer test key 3";

static u64 rng_state = 0x0123456789abcdefULL;

/* splitmix64: deterministic, so every run tests the same ACKs. */
static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tuple4(struct veer_cookie_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET;
	t->saddr[0] = htonl(0xc6336407);	/* 198.51.100.7 */
	t->daddr[0] = htonl(0xc000020a);	/* 192.0.2.10 */
	t->sport = htons(40000);
	t->dport = htons(80);
}

static void tuple6(struct veer_cookie_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->family = AF_INET6;
	t->saddr[0] = htonl(0x20010db8);
	t->saddr[3] = htonl(7);
	t->daddr[0] = htonl(0x20010db8);
	t->daddr[1] = htonl(0xffff);
	t->daddr[3] = htonl(10);
	t->sport = htons(50123);
	t->dport = htons(443);
}

static void syn_init(struct veer_cookie_syn *s, int v6, int ts)
{
	memset(s, 0, sizeof(*s));
	if (v6)
		tuple6(&s->t);
	else
		tuple4(&s->t);
	s->isn = 0xdeadbeef;
	s->mss = 1460;
	s->wscale = 7;
	s->opts = VEER_COOKIE_OPT_WSCALE | VEER_COOKIE_OPT_SACK;
	if (ts)
		s->opts |= VEER_COOKIE_OPT_TS;
	s->reason = VEER_OFFLOAD_PROACTIVE;
	s->affinity = 42;
}

/* The client's ACK of @sa, as a conforming client sends it. */
static void ack_of(struct veer_cookie_ack *a, const struct veer_cookie_syn *s,
		   const struct veer_cookie_synack *sa)
{
	memset(a, 0, sizeof(*a));
	a->t = s->t;
	a->seq = s->isn + 1;
	a->ack_seq = sa->isn + 1;
	a->opts = sa->opts & VEER_COOKIE_OPT_TS;
	a->tsecr = sa->tsval;
}

static void make(const struct veer_cookie_keys *ks,
		 const struct veer_cookie_syn *s, u32 table, u32 minute,
		 struct veer_cookie_synack *sa)
{
	assert_int_equal(veer_cookie_make(ks, s, table, minute, NOW_MS, sa), 0);
}

static int check(const struct veer_cookie_keys *ks,
		 const struct veer_cookie_ack *a, u32 table, u32 minute,
		 struct veer_cookie_info *info)
{
	return veer_cookie_check(ks, a, table, minute, info);
}

/*
 * The shim's SipHash-2-4: the paper's worked example (appendix A: key
 * 00..0f, message 00..0e) and the reference implementation's 64 vectors
 * (github.com/veorq/SipHash, vectors.h: messages 00, 00 01, ... of 0 to 63
 * bytes), read as little-endian 64-bit numbers.
 */
static void test_siphash_vectors(void **state)
{
	static const u64 ref[64] = {
		0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL,
		0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
		0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
		0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
		0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL,
		0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
		0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL,
		0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
		0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL,
		0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
		0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL,
		0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
		0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL,
		0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
		0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL,
		0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
		0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL,
		0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
		0x314dffbe0815a3b4ULL, 0x027990f029623981ULL,
		0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
		0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL,
		0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
		0xf935451de4f21df2ULL, 0xa9538f0419755787ULL,
		0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
		0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL,
		0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
		0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL,
		0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
		0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL,
		0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
		0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL,
		0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
	};
	const siphash_key_t k = {
		{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL }
	};
	struct veer_cookie_keys ks;
	u8 msg[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < 64; i++)
		msg[i] = i;
	assert_true(siphash(msg, 15, &k) == 0xa129ca6149be45e5ULL);
	for (i = 0; i < 64; i++)
		assert_true(siphash(msg, i, &k) == ref[i]);
	/* The codec reads raw key bytes the way the reference does. */
	veer_cookie_keys_init(&ks, 0, key1);
	assert_memory_equal(&ks.slot[0].k, &k, sizeof(k));
}

static u16 mss_expect(int v6, u16 mss)
{
	static const u16 t4[] = { 536, 1300, 1440, 1460 };
	static const u16 t6[] = { 1220, 1420, 1440, 8940 };
	const u16 *t = v6 ? t6 : t4;
	int i;

	for (i = 3; i > 0; i--)
		if (mss >= t[i])
			break;
	return t[i];
}

static void test_roundtrip(void **state)
{
	static const u16 mss[] = { 0, 88, 535, 536, 537, 1219, 1220, 1299,
				   1300, 1400, 1420, 1440, 1452, 1459, 1460,
				   1461, 8940, 9000, 65535 };
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i;
	int v6, ts;

	(void)state;
	veer_cookie_keys_init(&ks, 5, key1);
	for (v6 = 0; v6 < 2; v6++) {
		for (ts = 0; ts < 2; ts++) {
			for (i = 0; i < sizeof(mss) / sizeof(mss[0]); i++) {
				syn_init(&s, v6, ts);
				s.mss = mss[i];
				s.isn = (u32)rnd();
				make(&ks, &s, TABLE, MINUTE, &sa);
				assert_int_equal(sa.mss, mss_expect(v6, mss[i]));
				assert_int_equal(sa.epoch, 5);
				ack_of(&a, &s, &sa);
				assert_int_equal(check(&ks, &a, TABLE, MINUTE,
						       &info), 0);
				assert_int_equal(info.mss, sa.mss);
				assert_int_equal(info.isn, s.isn);
				assert_int_equal(info.epoch, 5);
				assert_int_equal(info.affinity, sa.affinity);
				if (ts) {
					assert_int_equal(info.reason, s.reason);
					assert_int_equal(info.affinity, 42);
					assert_int_equal(info.opts, s.opts);
					assert_int_equal(info.wscale, 7);
					assert_int_equal(info.aff_derived, 0);
				}
			}
		}
	}
}

/* Every combination of window scale (absent, 0..14, too big), SACK, ECN. */
static void test_options(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	int v6, ws, sack, ecn, n = 0;

	(void)state;
	veer_cookie_keys_init(&ks, 1, key2);
	for (v6 = 0; v6 < 2; v6++)
	for (ws = -1; ws <= 16; ws++)
	for (sack = 0; sack < 2; sack++)
	for (ecn = 0; ecn < 2; ecn++) {
		syn_init(&s, v6, 1);
		s.opts = VEER_COOKIE_OPT_TS;
		if (ws >= 0) {
			s.opts |= VEER_COOKIE_OPT_WSCALE;
			s.wscale = ws == 16 ? 255 : ws;
		}
		if (sack)
			s.opts |= VEER_COOKIE_OPT_SACK;
		if (ecn)
			s.opts |= VEER_COOKIE_OPT_ECN;
		make(&ks, &s, TABLE, MINUTE, &sa);
		assert_int_equal(sa.opts, s.opts);
		/* Linux's six low bits, as tshark decodes them. */
		assert_int_equal(sa.tsval & 0xf, ws < 0 ? 15 : ws > 14 ? 14 : ws);
		assert_int_equal(!!(sa.tsval & 0x10), sack);
		assert_int_equal(!!(sa.tsval & 0x20), ecn);
		ack_of(&a, &s, &sa);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(info.opts, s.opts);
		if (ws >= 0)
			assert_int_equal(info.wscale, ws > 14 ? 14 : ws);
		n++;
	}
	assert_int_equal(n, 2 * 18 * 4);
}

static void test_reason_affinity(void **state)
{
	static const u32 sizes[] = { 7, 11, 13, 251, 257, 4099, 65521, 65537 };
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i, j, r;

	(void)state;
	veer_cookie_keys_init(&ks, 2, key3);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const u32 m = sizes[i];
		const u32 aff[] = { 0, 1, m / 2, m - 2, m - 1 };

		for (j = 0; j < 5; j++)
		for (r = 0; r <= VEER_OFFLOAD_MAX; r++) {
			syn_init(&s, (i + j) & 1, 1);
			s.reason = r;
			s.affinity = aff[j];
			make(&ks, &s, m, MINUTE, &sa);
			ack_of(&a, &s, &sa);
			assert_int_equal(check(&ks, &a, m, MINUTE, &info), 0);
			assert_int_equal(info.reason, r);
			assert_int_equal(info.affinity, aff[j]);
			assert_int_equal(info.aff_derived, 0);
		}
		syn_init(&s, 0, 1);
		s.affinity = m;
		assert_int_equal(veer_cookie_make(&ks, &s, m, MINUTE, NOW_MS,
						  &sa), -EINVAL);
	}
	syn_init(&s, 0, 1);
	s.reason = VEER_OFFLOAD_MAX + 1;
	assert_int_equal(veer_cookie_make(&ks, &s, TABLE, MINUTE, NOW_MS, &sa),
			 -EINVAL);

	/*
	 * Checked against a table of another size (a router whose service
	 * config differs): still authentic, and an affinity out of that table
	 * falls back to the tuple's entry.  (The field is as wide as the table
	 * needs: a table of another width reads other bits, in range or not.)
	 */
	syn_init(&s, 0, 1);
	s.affinity = 250;
	make(&ks, &s, 251, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	assert_int_equal(check(&ks, &a, 131, MINUTE, &info), 0);
	assert_int_equal(info.aff_derived, 1);
	assert_true(info.affinity < 131);
	assert_int_equal(info.affinity,
			 veer_cookie_tuple_entry(&ks.slot[2], &s.t, 131));
	assert_int_equal(check(&ks, &a, 65537, MINUTE, &info), 0);
	assert_true(info.affinity < 65537);
}

/* A cookie lives through one rotation, not two; next keys are accepted. */
static void test_rotation(void **state)
{
	struct veer_cookie_synack sa7, sa8, sb;
	struct veer_cookie_keys ks, other, none;
	struct veer_cookie_info info;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	int ts;

	(void)state;
	for (ts = 0; ts < 2; ts++) {
		syn_init(&s, ts, ts);
		veer_cookie_keys_init(&ks, 7, key1);
		make(&ks, &s, TABLE, MINUTE, &sa7);
		assert_int_equal(veer_cookie_keys_rotate(&ks, 9, key2),
				 -EINVAL);
		assert_int_equal(veer_cookie_keys_rotate(&ks, 8, key2), 0);
		make(&ks, &s, TABLE, MINUTE, &sa8);
		assert_int_equal(sa8.epoch, 8);
		assert_int_not_equal(sa7.isn, sa8.isn);

		ack_of(&a, &s, &sa7);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(info.epoch, 7);
		/* Reduced: the affinity is derived with the key that made it. */
		assert_int_equal(info.affinity, sa7.affinity);
		ack_of(&a, &s, &sa8);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(info.epoch, 8);

		assert_int_equal(veer_cookie_keys_rotate(&ks, 9, key3), 0);
		ack_of(&a, &s, &sa7);
		assert_int_not_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		if (ts)
			assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info),
					 -ENOKEY);
		ack_of(&a, &s, &sa8);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);

		/*
		 * Router "other" rotated to 10 first; ks knows 10 as its next
		 * key and checks other's cookies before making any itself.
		 */
		veer_cookie_keys_init(&other, 9, key3);
		assert_int_equal(veer_cookie_keys_rotate(&other, 10, key1), 0);
		make(&other, &s, TABLE, MINUTE, &sb);
		ack_of(&a, &s, &sb);
		assert_int_not_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(veer_cookie_keys_add_next(&ks, 11, key1),
				 -EINVAL);
		assert_int_equal(veer_cookie_keys_add_next(&ks, 10, key1), 0);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(info.epoch, 10);
		/* And still makes cookies with 9. */
		make(&ks, &s, TABLE, MINUTE, &sa8);
		assert_int_equal(sa8.epoch, 9);

		/*
		 * Promoting the announced key (netlink's rotate): 10 makes
		 * cookies, 9's still check, 8 is forgotten; no next, no
		 * promotion.
		 */
		assert_int_equal(veer_cookie_keys_promote(&ks), 0);
		assert_int_equal(ks.cur, 10);
		make(&ks, &s, TABLE, MINUTE, &sb);
		assert_int_equal(sb.epoch, 10);
		ack_of(&a, &s, &sa8);
		assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
		assert_int_equal(info.epoch, 9);
		assert_false(ks.slot[8 % VEER_COOKIE_KEY_SLOTS].present);
		assert_int_equal(veer_cookie_keys_promote(&ks), -ENOKEY);
		assert_int_equal(ks.cur, 10);
	}

	/* Epochs wrap. */
	syn_init(&s, 0, 1);
	veer_cookie_keys_init(&ks, 0xffffffffU, key1);
	make(&ks, &s, TABLE, MINUTE, &sa7);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 0, key2), 0);
	ack_of(&a, &s, &sa7);
	assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
	assert_int_equal(info.epoch, 0xffffffffU);

	/* No key, no cookie. */
	memset(&none, 0, sizeof(none));
	assert_int_equal(veer_cookie_make(&none, &s, TABLE, MINUTE, NOW_MS,
					  &sa7), -ENOKEY);
	assert_int_equal(check(&none, &a, TABLE, MINUTE, &info), -ENOKEY);
	a.opts = 0;
	assert_int_equal(check(&none, &a, TABLE, MINUTE, &info), -ENOKEY);
}

/* Valid in the minute it was made and the next; not before, not after. */
static void test_aging(void **state)
{
	static const u32 starts[] = { MINUTE, 0x12ff, 0xffffffffU, 0, 255 };
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i;
	int ts;

	(void)state;
	veer_cookie_keys_init(&ks, 3, key1);
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		for (ts = 0; ts < 2; ts++) {
			const u32 m = starts[i];

			syn_init(&s, 0, ts);
			make(&ks, &s, TABLE, m, &sa);
			ack_of(&a, &s, &sa);
			assert_int_equal(check(&ks, &a, TABLE, m, &info), 0);
			assert_int_equal(check(&ks, &a, TABLE, m + 1, &info),
					 0);
			assert_int_equal(check(&ks, &a, TABLE, m + 2, &info),
					 -ESTALE);
			assert_int_equal(check(&ks, &a, TABLE, m + 200, &info),
					 -ESTALE);
			assert_int_equal(check(&ks, &a, TABLE, m - 1, &info),
					 -ESTALE);
			/* The 8-bit counter wrapped: the MAC has all 32. */
			assert_int_equal(check(&ks, &a, TABLE, m + 256, &info),
					 -EBADMSG);
			assert_int_equal(check(&ks, &a, TABLE, m + 257, &info),
					 -EBADMSG);
		}
	}
}

/* Every bit of the TSval is under the MAC, the clock's included. */
static void test_tamper_tsval(void **state)
{
	static const u32 sizes[] = { 7, 251, 65537 };
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i, bit;
	int v6;

	(void)state;
	veer_cookie_keys_init(&ks, 4, key2);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 5, key3), 0);
	for (i = 0; i < 3; i++) {
		for (v6 = 0; v6 < 2; v6++) {
			syn_init(&s, v6, 1);
			s.affinity = sizes[i] - 1;
			s.reason = VEER_OFFLOAD_ATTACK;
			s.opts |= VEER_COOKIE_OPT_ECN;
			make(&ks, &s, sizes[i], MINUTE, &sa);
			ack_of(&a, &s, &sa);
			assert_int_equal(check(&ks, &a, sizes[i], MINUTE,
					       &info), 0);
			for (bit = 0; bit < 32; bit++) {
				a.tsecr = sa.tsval ^ (1U << bit);
				assert_int_not_equal(check(&ks, &a, sizes[i],
							   MINUTE, &info), 0);
			}
		}
	}
}

/*
 * The client ISN and the tuple are under the MAC.  The cookie's own low
 * two bits hold the MSS index (Linux's layout): changing them may give a
 * valid cookie with another MSS, never anything else.
 */
static void test_tamper_isn(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a, t;
	unsigned int bit;
	int v6, ts, err;

	(void)state;
	veer_cookie_keys_init(&ks, 4, key2);
	for (v6 = 0; v6 < 2; v6++) {
		for (ts = 0; ts < 2; ts++) {
			syn_init(&s, v6, ts);
			s.mss = 1440;
			make(&ks, &s, TABLE, MINUTE, &sa);
			ack_of(&a, &s, &sa);
			for (bit = 0; bit < 32; bit++) {
				t = a;
				t.seq ^= 1U << bit;
				assert_int_not_equal(check(&ks, &t, TABLE,
							   MINUTE, &info), 0);
				t = a;
				t.ack_seq ^= 1U << bit;
				err = check(&ks, &t, TABLE, MINUTE, &info);
				if (bit >= 2)
					assert_int_not_equal(err, 0);
				else if (!err)
					assert_int_not_equal(info.mss, sa.mss);
			}
			t = a;
			t.t.sport ^= htons(1);
			assert_int_not_equal(check(&ks, &t, TABLE, MINUTE,
						   &info), 0);
			t = a;
			t.t.dport ^= htons(0x100);
			assert_int_not_equal(check(&ks, &t, TABLE, MINUTE,
						   &info), 0);
			t = a;
			t.t.saddr[v6 ? 3 : 0] ^= htonl(1);
			assert_int_not_equal(check(&ks, &t, TABLE, MINUTE,
						   &info), 0);
			t = a;
			t.t.daddr[v6 ? 1 : 0] ^= htonl(0x80000000);
			assert_int_not_equal(check(&ks, &t, TABLE, MINUTE,
						   &info), 0);
		}
	}
	/* An IPv4 tuple and the IPv6 one with the same words differ. */
	syn_init(&s, 0, 1);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	a.t.family = AF_INET6;
	assert_int_not_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
}

/* Stripping or adding timestamps does not carry a cookie across. */
static void test_downgrade(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i;

	(void)state;
	veer_cookie_keys_init(&ks, 4, key2);
	syn_init(&s, 0, 1);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	a.opts = 0;
	assert_int_not_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);

	syn_init(&s, 0, 0);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	a.opts = VEER_COOKIE_OPT_TS;
	for (i = 0; i < 1000; i++) {
		a.tsecr = (u32)rnd();
		assert_int_not_equal(check(&ks, &a, TABLE, MINUTE, &info), 0);
	}
}

/* No timestamps: MSS kept, options dropped, affinity from the tuple. */
static void test_reduced(void **state)
{
	static const u32 sizes[] = { 7, 251, 65537 };
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int i, j;
	int v6;

	(void)state;
	veer_cookie_keys_init(&ks, 20, key3);
	for (i = 0; i < 3; i++) {
		for (v6 = 0; v6 < 2; v6++) {
			for (j = 0; j < 50; j++) {
				syn_init(&s, v6, 0);
				s.t.sport = htons(1024 + j);
				s.opts |= VEER_COOKIE_OPT_ECN;
				s.affinity = 0;	/* ignored */
				make(&ks, &s, sizes[i], MINUTE, &sa);
				assert_int_equal(sa.opts, 0);
				assert_int_equal(sa.tsval, 0);
				assert_int_equal(sa.affinity,
					veer_cookie_tuple_entry(&ks.slot[0],
								&s.t,
								sizes[i]));
				ack_of(&a, &s, &sa);
				assert_int_equal(check(&ks, &a, sizes[i],
						       MINUTE + 1, &info), 0);
				assert_int_equal(info.opts, 0);
				assert_int_equal(info.reason,
						 VEER_OFFLOAD_NONE);
				assert_int_equal(info.aff_derived, 1);
				assert_int_equal(info.affinity, sa.affinity);
				assert_int_equal(info.mss, 1460 -
						 (v6 ? 20 : 0));
			}
		}
	}
}

/*
 * The TSval is never ahead of the clock, at most one period (2^(11 +
 * affinity bits) ms) behind, and never goes back as the clock advances.
 */
static void test_tsval_clock(void **state)
{
	static const u32 sizes[] = { 7, 251, 65537 };
	struct veer_cookie_synack sa;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	unsigned int i, k, period;
	u32 now, prev;

	(void)state;
	veer_cookie_keys_init(&ks, 4, key2);
	for (i = 0; i < 3; i++) {
		period = 1U << (11 + 32 - __builtin_clz(sizes[i] - 1));
		syn_init(&s, 0, 1);
		s.affinity = sizes[i] - 1;
		s.reason = VEER_OFFLOAD_OPERATOR;
		s.wscale = 14;
		s.opts |= VEER_COOKIE_OPT_ECN;
		now = 0xfffff000U;	/* wraps below */
		prev = 0;
		for (k = 0; k < 200000; k++) {
			now += (u32)(rnd() % (period / 64 + 1));
			assert_int_equal(veer_cookie_make(&ks, &s, sizes[i],
							  MINUTE, now, &sa),
					 0);
			assert_true((int32_t)(now - sa.tsval) >= 0);
			assert_true(now - sa.tsval < period);
			if (k)
				assert_true((int32_t)(sa.tsval - prev) >= 0);
			prev = sa.tsval;
		}
	}
}

static void test_bad_args(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;

	(void)state;
	veer_cookie_keys_init(&ks, 4, key2);
	syn_init(&s, 0, 1);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	assert_int_equal(veer_cookie_make(&ks, &s, 6, MINUTE, 0, &sa),
			 -EINVAL);
	assert_int_equal(veer_cookie_make(&ks, &s, 65538, MINUTE, 0, &sa),
			 -EINVAL);
	assert_int_equal(check(&ks, &a, 65538, MINUTE, &info), -EINVAL);
	s.t.family = AF_UNIX;
	a.t.family = AF_UNIX;
	assert_int_equal(veer_cookie_make(&ks, &s, TABLE, MINUTE, 0, &sa),
			 -EINVAL);
	assert_int_equal(check(&ks, &a, TABLE, MINUTE, &info), -EINVAL);
}

/* Poisson tail: the smallest c with P(X > c) < 1e-6 for mean @lambda. */
static unsigned int poisson_cut(double lambda)
{
	double term = exp(-lambda), tail = 1;
	unsigned int k;

	for (k = 0; k < 1000; k++) {
		tail -= term;		/* now P(X > k) */
		if (tail < 1e-6)
			break;
		term *= lambda / (k + 1);
	}
	return k;
}

#define TRIALS		10000000U
#define TRIALS_REDUCED	4000000U
#define BOUND_TS	(1.0 / (1U << 29))	/* 2/256 minutes * 4/2^24 */
#define BOUND_TAMPER	(1.0 / (1U << 22))	/* 4/2^24 */

/*
 * Blind forgery: random (ACK, TSecr) pairs for one tuple, as a spoofer
 * who knows the tuple and the client ISN but has seen no cookie.  Keys:
 * current and previous, so half the epoch values name no key.
 */
static void test_forgery_blind(void **state)
{
	unsigned int ok = 0, nokey = 0, stale = 0, badmac = 0, i;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	double t0, mean, sd;
	u64 r;

	(void)state;
	veer_cookie_keys_init(&ks, 7, key1);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 8, key2), 0);
	syn_init(&s, 0, 1);
	memset(&a, 0, sizeof(a));
	a.t = s.t;
	a.seq = s.isn + 1;
	a.opts = VEER_COOKIE_OPT_TS;
	t0 = now_s();
	for (i = 0; i < TRIALS; i++) {
		r = rnd();
		a.ack_seq = (u32)r;
		a.tsecr = (u32)(r >> 32);
		switch (check(&ks, &a, TABLE, MINUTE, &info)) {
		case 0:
			ok++;
			break;
		case -ENOKEY:
			nokey++;
			break;
		case -ESTALE:
			stale++;
			break;
		case -EBADMSG:
			badmac++;
			break;
		default:
			fail();
		}
	}
	print_message("# cookie: blind forgery with timestamps: %u of %u accepted (rate %.3g; bound 2^-29 = %.3g per ACK); %u no key, %u stale, %u bad MAC; %.2f s\n",
		      ok, TRIALS, (double)ok / TRIALS, BOUND_TS, nokey, stale,
		      badmac, now_s() - t0);
	assert_true(ok <= poisson_cut(TRIALS * BOUND_TS));
	/* Each stage rejects what the layout says it does (6 sigma). */
	mean = TRIALS / 2.0;
	sd = sqrt(TRIALS * 0.25);
	assert_true(fabs(nokey - mean) < 6 * sd);
	mean = TRIALS / 2.0 * 2 / 256;
	sd = sqrt(mean);
	assert_true(fabs(badmac - mean) < 6 * sd);
}

/*
 * Tampering: the attacker holds a valid cookie and tries other TSvals for
 * it (to pick another affinity or reason), keeping the epoch bits.  Each
 * try passes with 4/2^24 (any MSS index will do): measurable in 10^7.
 */
static void test_forgery_tamper(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int ok = 0, i;
	const u32 epoch_bits = VEER_COOKIE_TS_EPOCH_MASK;
	double t0;

	(void)state;
	veer_cookie_keys_init(&ks, 7, key1);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 8, key2), 0);
	syn_init(&s, 1, 1);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	t0 = now_s();
	for (i = 0; i < TRIALS; i++) {
		a.tsecr = ((u32)rnd() & ~epoch_bits) | (sa.tsval & epoch_bits);
		if (a.tsecr == sa.tsval)
			continue;
		ok += !check(&ks, &a, TABLE, MINUTE, &info);
	}
	print_message("# cookie: TSval tampering on a valid cookie: %u of %u accepted (rate %.3g; bound 2^-22 = %.3g per ACK); %.2f s\n",
		      ok, TRIALS, (double)ok / TRIALS, BOUND_TAMPER,
		      now_s() - t0);
	assert_true(ok <= poisson_cut(TRIALS * BOUND_TAMPER));
}

/* Without timestamps every key is tried: the bound doubles (two keys). */
static void test_forgery_reduced(void **state)
{
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	unsigned int ok = 0, badmac = 0, i;
	double t0, mean;
	int err;

	(void)state;
	veer_cookie_keys_init(&ks, 7, key1);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 8, key2), 0);
	syn_init(&s, 0, 0);
	memset(&a, 0, sizeof(a));
	a.t = s.t;
	a.seq = s.isn + 1;
	t0 = now_s();
	for (i = 0; i < TRIALS_REDUCED; i++) {
		a.ack_seq = (u32)rnd();
		err = check(&ks, &a, TABLE, MINUTE, &info);
		ok += !err;
		badmac += err == -EBADMSG;
	}
	print_message("# cookie: blind forgery without timestamps: %u of %u accepted (rate %.3g; bound 2 keys * 2^-29 = %.3g per ACK); %u reached the MAC; %.2f s\n",
		      ok, TRIALS_REDUCED, (double)ok / TRIALS_REDUCED,
		      2 * BOUND_TS, badmac, now_s() - t0);
	assert_true(ok <= poisson_cut(TRIALS_REDUCED * 2 * BOUND_TS));
	/* Either key's minute window: 1 - (254/256)^2 of them. */
	mean = TRIALS_REDUCED * (1 - (254.0 / 256) * (254.0 / 256));
	assert_true(fabs(badmac - mean) < 6 * sqrt(mean));
}

/* Micro-benchmark: printed, not asserted (the CPU is shared). */
static void test_speed(void **state)
{
	struct veer_cookie_synack sa;
	struct veer_cookie_info info;
	struct veer_cookie_keys ks;
	struct veer_cookie_syn s;
	struct veer_cookie_ack a;
	const unsigned int n = 200000;
	double t0, t_make, t_check, t_red;
	unsigned int i, bad = 0;

	(void)state;
	veer_cookie_keys_init(&ks, 7, key1);
	assert_int_equal(veer_cookie_keys_rotate(&ks, 8, key2), 0);
	syn_init(&s, 0, 1);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		s.isn = i;
		bad += veer_cookie_make(&ks, &s, TABLE, MINUTE, i, &sa);
	}
	t_make = now_s() - t0;
	ack_of(&a, &s, &sa);
	t0 = now_s();
	for (i = 0; i < n; i++)
		bad += !!check(&ks, &a, TABLE, MINUTE, &info);
	t_check = now_s() - t0;
	syn_init(&s, 0, 0);
	make(&ks, &s, TABLE, MINUTE, &sa);
	ack_of(&a, &s, &sa);
	t0 = now_s();
	for (i = 0; i < n; i++)
		bad += !!check(&ks, &a, TABLE, MINUTE, &info);
	t_red = now_s() - t0;
	assert_int_equal(bad, 0);
	print_message("# cookie: make %.0f ns/op, check %.0f ns/op, check without timestamps %.0f ns/op (host SipHash, -O2)\n",
		      t_make * 1e9 / n, t_check * 1e9 / n, t_red * 1e9 / n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_reason_affinity),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_tamper_tsval),
		cmocka_unit_test(test_tamper_isn),
		cmocka_unit_test(test_downgrade),
		cmocka_unit_test(test_reduced),
		cmocka_unit_test(test_tsval_clock),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_forgery_blind),
		cmocka_unit_test(test_forgery_tamper),
		cmocka_unit_test(test_forgery_reduced),
		cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
