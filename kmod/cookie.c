// SPDX-License-Identifier: GPL-2.0
/*
 * veer: extended SYN cookie codec.  See cookie.h for the interface and
 * Documentation/cookies.md for the layouts and the forgery bounds.
 *
 * The ISN is built and taken apart exactly as Linux does it: H1 (no minute
 * in it) hides the minute counter, which sits in the top 8 bits; H2, over
 * the minute and everything else the cookie vouches for, plus the MSS index
 * fill the low 24 bits.  Checking peels off H1 and the client's ISN, reads
 * the minute, recomputes H2 for that minute and what is left must be a
 * valid MSS index.  veer's differences: the key is the cluster's, H2 also
 * covers the client's ISN and the whole TSval, and the hash inputs are laid
 * out the same on every architecture, so routers check each other's cookies.
 */
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "cookie.h"
#include "maglev.h"

#define COOKIE_BITS	24		/* MAC and MSS index; minute above */
#define COOKIE_MASK	GENMASK(COOKIE_BITS - 1, 0)
#define COOKIE_MINUTE	GENMASK(31 - COOKIE_BITS, 0)

/*
 * Hash domains: one key serves several functions that must never be
 * confused, so the first word names the function (and a version, should the
 * layout ever change), the address family and the text "veer".
 */
#define COOKIE_DOMAIN	0x7665657200000000ULL	/* "veer" in the top bytes */
#define COOKIE_VERSION	1
enum {
	COOKIE_H1 = 1,		/* hides the minute */
	COOKIE_H2_TS,		/* the MAC, with the TSval */
	COOKIE_H2_NOTS,		/* the MAC of the reduced encoding */
	COOKIE_ENTRY,		/* the affinity of the reduced encoding */
};

/*
 * MSS values a cookie can keep, sorted; Linux's tables, chosen from measured
 * MSS distributions (IPv4: 1460 most common, PPPoE's 1440 and 1452, rare
 * small ones; IPv6: 1280-byte minimum MTU, 1480 and 1500, 9000 jumbo).
 */
static const u16 veer_cookie_mss4[] = { 536, 1300, 1440, 1460 };
static const u16 veer_cookie_mss6[] = { 1220, 1420, 1440, 8940 };
#define COOKIE_MSS_NUM	ARRAY_SIZE(veer_cookie_mss4)

/*
 * Hash input: 64-bit numbers (addresses and ports as numbers, not memory)
 * serialised as little-endian words, so every router hashes the same bytes
 * whatever its byte order.  w[0]: domain; w[1..4]: addresses; w[5]: ports
 * and client ISN; w[6] (MAC only): TSval and minute.
 */
struct veer_cookie_msg {
	__le64 w[7];
	u64 domain;
};

static u64 veer_cookie_be64(const __be32 *w)
{
	return ((u64)be32_to_cpu(w[0]) << 32) | be32_to_cpu(w[1]);
}

static void veer_cookie_msg_init(struct veer_cookie_msg *m,
				 const struct veer_cookie_tuple *t, u32 isn)
{
	u64 sp = be16_to_cpu(t->sport), dp = be16_to_cpu(t->dport);

	if (t->family == AF_INET6) {
		m->w[1] = cpu_to_le64(veer_cookie_be64(&t->saddr[0]));
		m->w[2] = cpu_to_le64(veer_cookie_be64(&t->saddr[2]));
		m->w[3] = cpu_to_le64(veer_cookie_be64(&t->daddr[0]));
		m->w[4] = cpu_to_le64(veer_cookie_be64(&t->daddr[2]));
		m->domain = COOKIE_DOMAIN | (COOKIE_VERSION << 16) | (6 << 8);
	} else {
		m->w[1] = 0;
		m->w[2] = cpu_to_le64(be32_to_cpu(t->saddr[0]));
		m->w[3] = 0;
		m->w[4] = cpu_to_le64(be32_to_cpu(t->daddr[0]));
		m->domain = COOKIE_DOMAIN | (COOKIE_VERSION << 16) | (4 << 8);
	}
	m->w[5] = cpu_to_le64((sp << 48) | (dp << 32) | isn);
}

static u32 veer_cookie_h1(const struct veer_cookie_key *key,
			  struct veer_cookie_msg *m)
{
	m->w[0] = cpu_to_le64(m->domain | COOKIE_H1);
	return (u32)siphash(m->w, 6 * sizeof(m->w[0]), &key->k);
}

static u32 veer_cookie_h2(const struct veer_cookie_key *key,
			  struct veer_cookie_msg *m, u32 minute, u32 tsval,
			  bool ts)
{
	m->w[0] = cpu_to_le64(m->domain | (ts ? COOKIE_H2_TS : COOKIE_H2_NOTS));
	m->w[6] = cpu_to_le64(((u64)tsval << 32) | minute);
	return (u32)siphash(m->w, 7 * sizeof(m->w[0]), &key->k);
}

static void veer_cookie_key_set(struct veer_cookie_key *key, u32 epoch,
				const u8 *raw)
{
	int i;

	/* Little-endian words, as SipHash's reference reads its key. */
	memset(key, 0, sizeof(*key));
	for (i = 7; i >= 0; i--) {
		key->k.key[0] = (key->k.key[0] << 8) | raw[i];
		key->k.key[1] = (key->k.key[1] << 8) | raw[8 + i];
	}
	key->epoch = epoch;
	key->present = 1;
}

/* Only the previous, current and next keys are used, whatever else lingers. */
static const struct veer_cookie_key *
veer_cookie_key_get(const struct veer_cookie_keys *ks, u32 epoch)
{
	const struct veer_cookie_key *key;

	key = &ks->slot[epoch % VEER_COOKIE_KEY_SLOTS];
	if (!key->present || key->epoch != epoch)
		return NULL;
	if (epoch - (ks->cur - 1) > 2)
		return NULL;
	return key;
}

/*
 * The epoch among the previous, current and next ones whose low bits are
 * @bits (higher bits of @bits are ignored); the one after next when none.
 */
static u32 veer_cookie_epoch_of(const struct veer_cookie_keys *ks, u32 bits)
{
	u32 base = ks->cur - 1;

	return base + (bits - base) % VEER_COOKIE_KEY_SLOTS;
}

/* Just one key, @epoch, current.  @raw: VEER_COOKIE_KEY_LEN bytes. */
void veer_cookie_keys_init(struct veer_cookie_keys *ks, u32 epoch,
			   const u8 *raw)
{
	memset(ks, 0, sizeof(*ks));
	veer_cookie_key_set(&ks->slot[epoch % VEER_COOKIE_KEY_SLOTS], epoch,
			    raw);
	ks->cur = epoch;
}

/*
 * Accepts cookies of the next epoch before this router makes any: the
 * daemon announces the next key everywhere, then rotates.  -EINVAL unless
 * @epoch is the current one plus one.
 */
int veer_cookie_keys_add_next(struct veer_cookie_keys *ks, u32 epoch,
			      const u8 *raw)
{
	if (epoch != ks->cur + 1)
		return -EINVAL;
	veer_cookie_key_set(&ks->slot[epoch % VEER_COOKIE_KEY_SLOTS], epoch,
			    raw);
	return 0;
}

/*
 * Makes @epoch (the current one plus one) current; the current key becomes
 * the previous one and the previous one is forgotten, so a cookie lives
 * through one rotation, not two.  Rotate no faster than a cookie lives
 * (VEER_COOKIE_MAX_AGE minutes) or good cookies fail.
 */
int veer_cookie_keys_rotate(struct veer_cookie_keys *ks, u32 epoch,
			    const u8 *raw)
{
	if (epoch != ks->cur + 1)
		return -EINVAL;
	veer_cookie_key_set(&ks->slot[epoch % VEER_COOKIE_KEY_SLOTS], epoch,
			    raw);
	memset(&ks->slot[(epoch - 2) % VEER_COOKIE_KEY_SLOTS], 0,
	       sizeof(ks->slot[0]));
	ks->cur = epoch;
	return 0;
}

/*
 * Makes the announced next key (veer_cookie_keys_add_next()) current, as
 * veer_cookie_keys_rotate() does with a key given.  -ENOKEY when no next key
 * was announced.
 */
int veer_cookie_keys_promote(struct veer_cookie_keys *ks)
{
	u32 epoch = ks->cur + 1;
	const struct veer_cookie_key *next;

	next = &ks->slot[epoch % VEER_COOKIE_KEY_SLOTS];
	if (!next->present || next->epoch != epoch)
		return -ENOKEY;
	memset(&ks->slot[(epoch - 2) % VEER_COOKIE_KEY_SLOTS], 0,
	       sizeof(ks->slot[0]));
	ks->cur = epoch;
	return 0;
}

/*
 * The Maglev entry of a connection that carries no affinity (no
 * timestamps): a keyed hash of the tuple, so that clients cannot aim at a
 * host, and the same on every router holding @key.
 */
u32 veer_cookie_tuple_entry(const struct veer_cookie_key *key,
			    const struct veer_cookie_tuple *t, u32 table_size)
{
	struct veer_cookie_msg m;
	u32 h;

	veer_cookie_msg_init(&m, t, 0);
	m.w[0] = cpu_to_le64(m.domain | COOKIE_ENTRY);
	h = (u32)siphash(m.w, 6 * sizeof(m.w[0]), &key->k);
	return veer_maglev_entry(h, table_size);
}

static bool veer_cookie_args_ok(const struct veer_cookie_tuple *t,
				u32 table_size)
{
	if (t->family != AF_INET && t->family != AF_INET6)
		return false;
	return table_size >= VEER_TABLE_SIZE_MIN &&
	       table_size <= VEER_TABLE_SIZE_MAX;
}

/* TSval bits below the clock: the fields, then the affinity. */
static unsigned int veer_cookie_ts_bits(u32 table_size)
{
	return VEER_COOKIE_TS_AFF_SHIFT + fls(table_size - 1);
}

static const u16 *veer_cookie_msstab(u16 family)
{
	return family == AF_INET6 ? veer_cookie_mss6 : veer_cookie_mss4;
}

/* The largest value not above @mss; the smallest when all are above. */
static u32 veer_cookie_mss_index(u16 family, u16 mss)
{
	const u16 *tab = veer_cookie_msstab(family);
	u32 i;

	for (i = COOKIE_MSS_NUM - 1; i; i--)
		if (mss >= tab[i])
			break;
	return i;
}

/*
 * The fields go in the low bits, the clock's top bits above them.  As
 * Linux's cookie_init_timestamp(), the result is never ahead of @now_ms:
 * when the fields exceed the clock's low bits, the clock part steps back
 * one period.  So whoever continues the timestamps from here (the router's
 * own clock, or the handoff's translation of the host's) only moves forward.
 */
static u32 veer_cookie_tsval(const struct veer_cookie_syn *syn, u32 epoch,
			     u32 table_size, u32 now_ms)
{
	u32 low = (u32)BIT(veer_cookie_ts_bits(table_size)) - 1;
	u32 v = VEER_COOKIE_NO_WSCALE, ts;

	if (syn->opts & VEER_COOKIE_OPT_WSCALE)
		v = min_t(u32, syn->wscale, VEER_COOKIE_WSCALE_MAX);
	if (syn->opts & VEER_COOKIE_OPT_SACK)
		v |= VEER_COOKIE_TS_SACK;
	if (syn->opts & VEER_COOKIE_OPT_ECN)
		v |= VEER_COOKIE_TS_ECN;
	v |= (u32)syn->reason << VEER_COOKIE_TS_REASON_SHIFT;
	v |= (epoch % VEER_COOKIE_KEY_SLOTS) << VEER_COOKIE_TS_EPOCH_SHIFT;
	v |= syn->affinity << VEER_COOKIE_TS_AFF_SHIFT;

	ts = (now_ms & ~low) | v;
	if ((s32)(ts - now_ms) > 0)
		ts -= low + 1;
	return ts;
}

/*
 * Makes the cookie for @syn with the current key: the SYN-ACK's ISN, and
 * its TSval when the SYN carried timestamps (then @syn->affinity, an entry
 * of the service's table of @table_size entries, travels in it).  Without
 * timestamps the affinity is the tuple's (veer_cookie_tuple_entry()), given
 * back in @out->affinity: use that one to pick the host.  @now_min: the
 * cluster's minute counter; @now_ms: the router's timestamp clock.
 * Returns 0, -EINVAL (bad arguments) or -ENOKEY (no current key).
 */
int veer_cookie_make(const struct veer_cookie_keys *ks,
		     const struct veer_cookie_syn *syn, u32 table_size,
		     u32 now_min, u32 now_ms, struct veer_cookie_synack *out)
{
	bool ts = syn->opts & VEER_COOKIE_OPT_TS;
	const struct veer_cookie_key *key;
	struct veer_cookie_msg m;
	u32 mssind, h1, h2;

	if (!veer_cookie_args_ok(&syn->t, table_size) ||
	    syn->reason > VEER_OFFLOAD_MAX ||
	    (ts && syn->affinity >= table_size))
		return -EINVAL;
	key = veer_cookie_key_get(ks, ks->cur);
	if (!key)
		return -ENOKEY;

	memset(out, 0, sizeof(*out));
	mssind = veer_cookie_mss_index(syn->t.family, syn->mss);
	out->mss = veer_cookie_msstab(syn->t.family)[mssind];
	out->epoch = key->epoch;
	if (ts) {
		out->opts = syn->opts & VEER_COOKIE_OPT_ALL;
		out->affinity = syn->affinity;
		out->tsval = veer_cookie_tsval(syn, key->epoch, table_size,
					       now_ms);
	} else {
		out->affinity = veer_cookie_tuple_entry(key, &syn->t,
							table_size);
	}

	veer_cookie_msg_init(&m, &syn->t, syn->isn);
	h1 = veer_cookie_h1(key, &m);
	h2 = veer_cookie_h2(key, &m, now_min, out->tsval, ts);
	out->isn = h1 + syn->isn + (now_min << COOKIE_BITS) +
		   ((h2 + mssind) & COOKIE_MASK);
	return 0;
}

/* One key's verdict on a cookie: 0 and the MSS index, or why not. */
static int veer_cookie_try(const struct veer_cookie_key *key,
			   struct veer_cookie_msg *m, u32 cookie, u32 isn,
			   u32 tsval, bool ts, u32 now_min, u32 *mssind)
{
	u32 v, age, data;

	v = cookie - veer_cookie_h1(key, m) - isn;
	/* v is now (minute << 24) + ((H2 + MSS index) mod 2^24). */
	age = (now_min - (v >> COOKIE_BITS)) & COOKIE_MINUTE;
	if (age >= VEER_COOKIE_MAX_AGE)
		return -ESTALE;
	data = (v - veer_cookie_h2(key, m, now_min - age, tsval, ts)) &
	       COOKIE_MASK;
	if (data >= COOKIE_MSS_NUM)
		return -EBADMSG;
	*mssind = data;
	return 0;
}

static void veer_cookie_decode_ts(u32 tsval, u32 table_size,
				  struct veer_cookie_info *out)
{
	u32 ws = tsval & VEER_COOKIE_TS_WSCALE, reason, aff;

	out->opts = VEER_COOKIE_OPT_TS;
	if (ws != VEER_COOKIE_NO_WSCALE) {
		out->opts |= VEER_COOKIE_OPT_WSCALE;
		out->wscale = ws;
	}
	if (tsval & VEER_COOKIE_TS_SACK)
		out->opts |= VEER_COOKIE_OPT_SACK;
	if (tsval & VEER_COOKIE_TS_ECN)
		out->opts |= VEER_COOKIE_OPT_ECN;
	/* Authentic but unknown to this version: a newer peer's. */
	reason = (tsval & VEER_COOKIE_TS_REASON_MASK) >>
		 VEER_COOKIE_TS_REASON_SHIFT;
	out->reason = reason > VEER_OFFLOAD_MAX ? VEER_OFFLOAD_NONE : reason;
	aff = (tsval >> VEER_COOKIE_TS_AFF_SHIFT) &
	      ((u32)BIT(fls(table_size - 1)) - 1);
	out->affinity = aff;
	/* Made for a table of another size: the caller falls back. */
	if (aff >= table_size)
		out->aff_derived = 1;
}

/*
 * Checks the cookie an ACK returns.  With timestamps the echoed TSval names
 * the key and carries the options, reason and affinity; without them every
 * key held is tried (current, previous, next) and the reduced encoding
 * applies: MSS only, no other option, reason NONE, affinity from the tuple.
 * Returns 0 and fills @out, or: -ENOKEY (no key of that epoch: rotated out,
 * or never known), -ESTALE (outside the minute window), -EBADMSG (the MAC
 * does not match), -EINVAL (bad arguments).  The error says which test
 * failed first, not what the ACK was: most random ACKs fail as stale.
 */
int veer_cookie_check(const struct veer_cookie_keys *ks,
		      const struct veer_cookie_ack *ack, u32 table_size,
		      u32 now_min, struct veer_cookie_info *out)
{
	u32 cookie = ack->ack_seq - 1, isn = ack->seq - 1, mssind = 0;
	u32 epochs[] = { ks->cur, ks->cur - 1, ks->cur + 1 };
	const struct veer_cookie_key *key = NULL;
	struct veer_cookie_msg m;
	int err = -ENOKEY, r;
	unsigned int i;
	u32 e;

	if (!veer_cookie_args_ok(&ack->t, table_size))
		return -EINVAL;
	veer_cookie_msg_init(&m, &ack->t, isn);

	if (ack->opts & VEER_COOKIE_OPT_TS) {
		e = veer_cookie_epoch_of(ks, ack->tsecr >>
					 VEER_COOKIE_TS_EPOCH_SHIFT);
		key = veer_cookie_key_get(ks, e);
		if (!key)
			return -ENOKEY;
		err = veer_cookie_try(key, &m, cookie, isn, ack->tsecr, true,
				      now_min, &mssind);
	} else {
		for (i = 0; i < ARRAY_SIZE(epochs); i++) {
			key = veer_cookie_key_get(ks, epochs[i]);
			if (!key)
				continue;
			r = veer_cookie_try(key, &m, cookie, isn, 0, false,
					    now_min, &mssind);
			/* Report the test that got furthest. */
			if (!r || r == -EBADMSG || err == -ENOKEY)
				err = r;
			if (!r)
				break;
		}
	}
	if (err)
		return err;

	memset(out, 0, sizeof(*out));
	out->isn = isn;
	out->epoch = key->epoch;
	out->mss = veer_cookie_msstab(ack->t.family)[mssind];
	if (ack->opts & VEER_COOKIE_OPT_TS)
		veer_cookie_decode_ts(ack->tsecr, table_size, out);
	else
		out->aff_derived = 1;
	if (out->aff_derived)
		out->affinity = veer_cookie_tuple_entry(key, &ack->t,
							table_size);
	return 0;
}
