// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's resource reports (userspace/veerd/report.c): the
 * wire format at its documented offsets, round trips, that no single-bit
 * change survives authentication, range checks behind a valid HMAC (the
 * test re-signs patched datagrams itself), and replay protection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "veerd_test.h"
#include "report.h"

static const char key[] = "0123456789abcdef-test-key";
#define KEYLEN	(sizeof(key) - 1)

static void sample_v4(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.10", r->addr), 1);
	r->port = 8080;
	r->seq = 1700000000123456789ULL;
	r->ts_ms = 1700000000123ULL;
	r->cpu_util = 0.4375;
	r->mem_util = 0.812345;
	r->rx_bps = 125000000ULL;
	r->tx_bps = 9876543210ULL;
	r->conns = 4321;
	r->load = 1234.567;
}

static void sample_v6(struct report *r)
{
	sample_v4(r);
	memset(r->addr, 0, sizeof(r->addr));
	r->family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::42", r->addr), 1);
	r->port = 0;
	r->cpu_util = 1;
	r->mem_util = 0;
	r->load = 0;
}

static void encode(const struct report *r, uint8_t *buf)
{
	assert_int_equal(report_encode(r, key, KEYLEN, buf, REPORT_WIRE_LEN),
			 REPORT_WIRE_LEN);
}

/* Recompute the HMAC after patching a datagram, independently of report.c. */
static void resign(uint8_t *buf)
{
	unsigned int n = 0;

	assert_non_null(HMAC(EVP_sha256(), key, (int)KEYLEN, buf,
			     REPORT_MAC_OFF, buf + REPORT_MAC_OFF, &n));
	assert_int_equal(n, REPORT_MAC_LEN);
}

static void assert_same(const struct report *a, const struct report *b)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
	assert_int_equal(a->port, b->port);
	assert_true(a->seq == b->seq);
	assert_true(a->ts_ms == b->ts_ms);
	assert_near(a->cpu_util, b->cpu_util, 0.5e-6);
	assert_near(a->mem_util, b->mem_util, 0.5e-6);
	assert_true(a->rx_bps == b->rx_bps);
	assert_true(a->tx_bps == b->tx_bps);
	assert_int_equal(a->conns, b->conns);
	assert_near(a->load, b->load, 0.5e-3);
}

/* ---- format and round trips ----------------------------------------- */

static void test_wire_layout(void **state)
{
	uint8_t b[REPORT_WIRE_LEN];
	struct report r;

	(void)state;
	assert_int_equal(REPORT_WIRE_LEN, 120);
	sample_v4(&r);
	encode(&r, b);
	assert_memory_equal(b, "VEERRPT1", 8);
	assert_memory_equal(b + 8, "\0\0\0\1", 4);		/* version */
	assert_memory_equal(b + 12, "\0\0\0\0", 4);		/* flags */
	assert_memory_equal(b + 16, "\x17\x97\x9c\xfe\x3d\x85\xcd\x15", 8);
	assert_memory_equal(b + 24, "\0\0\x01\x8b\xcf\xe5\x68\x7b", 8);
	assert_memory_equal(b + 32, "\xc0\x00\x02\x0a", 4);
	assert_memory_equal(b + 36, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(b[48], 4);				/* family */
	assert_memory_equal(b + 49, "\0\0\0", 3);
	assert_memory_equal(b + 52, "\x1f\x90\0\0", 4);		/* 8080 */
	assert_memory_equal(b + 56, "\x00\x06\xac\xfc", 4);	/* 437500 */
	assert_memory_equal(b + 60, "\x00\x0c\x65\x39", 4);	/* 812345 */
	assert_memory_equal(b + 64, "\0\0\0\0\x07\x73\x59\x40", 8);
	assert_memory_equal(b + 72, "\0\0\0\x02\x4c\xb0\x16\xea", 8);
	assert_memory_equal(b + 80, "\0\0\x10\xe1", 4);		/* 4321 */
	assert_memory_equal(b + 84, "\0\x12\xd6\x87", 4);	/* 1234567 */
	sample_v6(&r);
	encode(&r, b);
	assert_int_equal(b[48], 6);
	assert_memory_equal(b + 32, "\x20\x01\x0d\xb8", 4);
}

static void test_round_trip_v4(void **state)
{
	uint8_t b[REPORT_WIRE_LEN + 8];
	struct report r, d;

	(void)state;
	sample_v4(&r);
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 REPORT_WIRE_LEN);
	assert_int_equal(report_decode(b, REPORT_WIRE_LEN, key, KEYLEN, &d),
			 REPORT_OK);
	assert_same(&r, &d);
	/* IPv4 comes back with the rest of the address zeroed. */
	assert_true(d.addr[4] == 0 && d.addr[15] == 0);
}

static void test_round_trip_v6(void **state)
{
	uint8_t b[REPORT_WIRE_LEN];
	struct report r, d;

	(void)state;
	sample_v6(&r);
	encode(&r, b);
	assert_int_equal(report_decode(b, sizeof(b), key, KEYLEN, &d),
			 REPORT_OK);
	assert_same(&r, &d);

	/* The extremes of every field. */
	r.cpu_util = 0;
	r.mem_util = 1;
	r.seq = UINT64_MAX;
	r.rx_bps = UINT64_MAX;
	r.conns = UINT32_MAX;
	r.load = UINT32_MAX / 1000.0;
	r.port = 65535;
	encode(&r, b);
	assert_int_equal(report_decode(b, sizeof(b), key, KEYLEN, &d),
			 REPORT_OK);
	assert_same(&r, &d);
}

static void test_encode_rejects(void **state)
{
	uint8_t b[REPORT_WIRE_LEN];
	struct report r;

	(void)state;
	sample_v4(&r);
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b) - 1),
			 -ENOSPC);
	assert_int_equal(report_encode(&r, key, 0, b, sizeof(b)), -EINVAL);
	r.cpu_util = 1.000001;
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 -EINVAL);
	sample_v4(&r);
	r.mem_util = NAN;
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 -EINVAL);
	sample_v4(&r);
	r.load = -1;
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 -EINVAL);
	r.load = UINT32_MAX / 1000.0 + 1;
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 -EINVAL);
	sample_v4(&r);
	r.family = AF_UNIX;
	assert_int_equal(report_encode(&r, key, KEYLEN, b, sizeof(b)),
			 -EINVAL);
}

/* ---- authentication ------------------------------------------------- */

static void test_every_bit_flip(void **state)
{
	uint8_t b[REPORT_WIRE_LEN], c[REPORT_WIRE_LEN];
	struct report r, d;
	enum report_err e;
	size_t bit;

	(void)state;
	sample_v4(&r);
	encode(&r, b);
	for (bit = 0; bit < REPORT_WIRE_LEN * 8; bit++) {
		memcpy(c, b, sizeof(c));
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		memset(&d, 0x55, sizeof(d));
		e = report_decode(c, sizeof(c), key, KEYLEN, &d);
		if (e != REPORT_EAUTH && e != REPORT_EMAGIC &&
		    e != REPORT_EVERSION)
			print_error("bit %zu: %s\n", bit, report_err_name(e));
		assert_true(e == REPORT_EAUTH || e == REPORT_EMAGIC ||
			    e == REPORT_EVERSION);
		/* Nothing is written for a rejected report. */
		assert_int_equal(d.conns, 0x55555555);
	}
}

static void test_wrong_key(void **state)
{
	static const char other[] = "0123456789abcdef-test-kez";
	uint8_t b[REPORT_WIRE_LEN];
	struct report r, d;

	(void)state;
	sample_v6(&r);
	encode(&r, b);
	assert_int_equal(report_decode(b, sizeof(b), other, KEYLEN, &d),
			 REPORT_EAUTH);
	assert_int_equal(report_decode(b, sizeof(b), key, KEYLEN - 1, &d),
			 REPORT_EAUTH);
	/* No key: refused before any HMAC is computed. */
	assert_int_equal(report_decode(b, sizeof(b), key, 0, &d),
			 REPORT_ENOKEY);
	assert_string_equal(report_err_name(REPORT_EAUTH),
			    "bad HMAC (wrong key or altered)");
	assert_string_equal(report_err_name(__REPORT_EMAX), "unknown error");
}

static void test_lengths(void **state)
{
	uint8_t b[REPORT_WIRE_LEN + 1];
	struct report r, d;

	(void)state;
	sample_v4(&r);
	encode(&r, b);
	b[REPORT_WIRE_LEN] = 0;
	assert_int_equal(report_decode(b, 0, key, KEYLEN, &d), REPORT_ESHORT);
	assert_int_equal(report_decode(b, 8, key, KEYLEN, &d), REPORT_ESHORT);
	assert_int_equal(report_decode(b, REPORT_WIRE_LEN - 1, key, KEYLEN,
				       &d), REPORT_ESHORT);
	assert_int_equal(report_decode(b, REPORT_WIRE_LEN + 1, key, KEYLEN,
				       &d), REPORT_ELONG);
	assert_int_equal(report_decode(b, REPORT_WIRE_LEN, key, KEYLEN, &d),
			 REPORT_OK);
}

/* ---- range checks behind a valid HMAC ------------------------------- */

struct patch {
	size_t off;
	const char *bytes;
	size_t len;
	const char *why;
};

static const struct patch bad_values[] = {
	{ 12, "\0\0\0\1", 4, "flags set" },
	{ 48, "\0", 1, "family 0" },
	{ 48, "\x05", 1, "family 5" },
	{ 48, "\x02", 1, "AF_INET's value instead of 4" },
	{ 36, "\x01", 1, "IPv4 with a non-zero byte 5" },
	{ 47, "\x80", 1, "IPv4 with a non-zero byte 16" },
	{ 49, "\x01", 1, "pad after family" },
	{ 51, "\x01", 1, "last pad byte after family" },
	{ 54, "\0\x01", 2, "pad after port" },
	{ 56, "\0\x0f\x42\x41", 4, "cpu 1000001 ppm" },
	{ 56, "\xff\xff\xff\xff", 4, "cpu 2^32-1 ppm" },
	{ 60, "\0\x0f\x42\x41", 4, "mem 1000001 ppm" },
};

static void test_bad_values(void **state)
{
	uint8_t b[REPORT_WIRE_LEN], c[REPORT_WIRE_LEN];
	const struct patch *p;
	struct report r, d;
	enum report_err e;
	size_t i;

	(void)state;
	sample_v4(&r);
	encode(&r, b);
	/* The helper signs what report.c signs. */
	memcpy(c, b, sizeof(c));
	resign(c);
	assert_memory_equal(b, c, sizeof(b));

	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		p = &bad_values[i];
		memcpy(c, b, sizeof(c));
		memcpy(c + p->off, p->bytes, p->len);
		resign(c);
		e = report_decode(c, sizeof(c), key, KEYLEN, &d);
		if (e != REPORT_EVALUE)
			print_error("case %zu (%s): %s\n", i, p->why,
				    report_err_name(e));
		assert_int_equal(e, REPORT_EVALUE);
	}

	/* The limits themselves are fine; IPv6 may use all 16 bytes. */
	memcpy(c, b, sizeof(c));
	memcpy(c + 56, "\0\x0f\x42\x40", 4);
	resign(c);
	assert_int_equal(report_decode(c, sizeof(c), key, KEYLEN, &d),
			 REPORT_OK);
	assert_near(d.cpu_util, 1.0, 0);
	c[48] = 6;
	c[47] = 0x99;
	resign(c);
	assert_int_equal(report_decode(c, sizeof(c), key, KEYLEN, &d),
			 REPORT_OK);
	assert_int_equal(d.family, AF_INET6);
	assert_int_equal(d.addr[15], 0x99);

	/* Magic and version are checked before the HMAC. */
	memcpy(c, b, sizeof(c));
	c[11] = 2;
	resign(c);
	assert_int_equal(report_decode(c, sizeof(c), key, KEYLEN, &d),
			 REPORT_EVERSION);
}

/* ---- replay protection ---------------------------------------------- */

static void test_replay(void **state)
{
	struct report_peers *ps = report_peers_new(4);
	struct report r, other;

	(void)state;
	assert_non_null(ps);
	sample_v4(&r);
	r.seq = 100;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_OK);
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EREPLAY);
	r.seq = 99;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EREPLAY);
	/* A rejected report does not move the sender's sequence back. */
	r.seq = 100;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EREPLAY);
	r.seq = 101;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_OK);
	r.seq = 5000;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_OK);

	/* Senders are told apart by address, port and family. */
	other = r;
	other.seq = 1;
	other.port = 8081;
	assert_int_equal(report_peers_accept(ps, &other, 0, 0), REPORT_OK);
	sample_v6(&other);
	other.seq = 1;
	assert_int_equal(report_peers_accept(ps, &other, 0, 0), REPORT_OK);
	assert_int_equal(report_peers_accept(ps, &other, 0, 0),
			 REPORT_EREPLAY);
	report_peers_free(ps);
}

static void test_stale(void **state)
{
	struct report_peers *ps = report_peers_new(2);
	struct report r;

	(void)state;
	sample_v4(&r);
	r.ts_ms = 1000000;
	r.seq = 1;
	assert_int_equal(report_peers_accept(ps, &r, 1000000 + 30001, 30000),
			 REPORT_ESTALE);
	assert_int_equal(report_peers_accept(ps, &r, 1000000 - 30001, 30000),
			 REPORT_ESTALE);
	assert_int_equal(report_peers_accept(ps, &r, 1000000 + 30000, 30000),
			 REPORT_OK);
	r.seq = 2;
	assert_int_equal(report_peers_accept(ps, &r, 1000000 - 30000, 30000),
			 REPORT_OK);
	/* 0: no check. */
	r.seq = 3;
	assert_int_equal(report_peers_accept(ps, &r, UINT64_MAX, 0),
			 REPORT_OK);
	report_peers_free(ps);
}

static void test_peers_full(void **state)
{
	struct report_peers *ps = report_peers_new(3);
	struct report r;
	unsigned int i;

	(void)state;
	sample_v4(&r);
	for (i = 0; i < 3; i++) {
		r.addr[3] = (uint8_t)(10 + i);
		r.seq = 7;
		assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_OK);
	}
	r.addr[3] = 13;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EFULL);
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EFULL);
	/* Known senders still get through, and still replay-checked. */
	r.addr[3] = 11;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EREPLAY);
	r.seq = 8;
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_OK);
	report_peers_free(ps);

	/* A table of none refuses everyone. */
	ps = report_peers_new(0);
	assert_non_null(ps);
	assert_int_equal(report_peers_accept(ps, &r, 0, 0), REPORT_EFULL);
	report_peers_free(ps);
	report_peers_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_round_trip_v4),
		cmocka_unit_test(test_round_trip_v6),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_peers_full),
	};

	return cmocka_run_group_tests_name("veerd_report", tests, NULL, NULL);
}
