// SPDX-License-Identifier: GPL-2.0
/*
 * report.c: resource report wire format, HMAC and replay protection
 * (report.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "report.h"

/* Offsets (report.h has the table). */
#define OFF_VERSION	8
#define OFF_FLAGS	12
#define OFF_SEQ		16
#define OFF_TS		24
#define OFF_ADDR	32
#define OFF_FAMILY	48
#define OFF_PAD1	49	/* 3 bytes */
#define OFF_PORT	52
#define OFF_PAD2	54	/* 2 bytes */
#define OFF_CPU		56
#define OFF_MEM		60
#define OFF_RX		64
#define OFF_TX		72
#define OFF_CONNS	80
#define OFF_LOAD	84

#define LOAD_MAX	(UINT32_MAX / 1000.0)

static const char *const err_names[__REPORT_EMAX] = {
	[REPORT_OK]		= "ok",
	[REPORT_ESHORT]		= "too short",
	[REPORT_ELONG]		= "too long",
	[REPORT_EMAGIC]		= "not a veer report (bad magic)",
	[REPORT_EVERSION]	= "unknown report version",
	[REPORT_ENOKEY]		= "no report-key: reports refused",
	[REPORT_EAUTH]		= "bad HMAC (wrong key or altered)",
	[REPORT_EVALUE]		= "field out of range",
	[REPORT_ESTALE]		= "timestamp too far from ours",
	[REPORT_EREPLAY]	= "replayed or out-of-order sequence",
	[REPORT_EFULL]		= "too many senders",
};

const char *report_err_name(enum report_err e)
{
	if ((unsigned int)e >= __REPORT_EMAX)
		return "unknown error";
	return err_names[e];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int mac(const void *key, size_t keylen, const uint8_t *buf,
	       uint8_t out[REPORT_MAC_LEN])
{
	unsigned int n = 0;

	if (!keylen || keylen > INT_MAX)
		return -EINVAL;
	if (!HMAC(EVP_sha256(), key, (int)keylen, buf, REPORT_MAC_OFF, out,
		  &n) || n != REPORT_MAC_LEN)
		return -EIO;
	return 0;
}

/* 0..1 to ppm; -1 when out of range (NaN included). */
static int64_t to_ppm(double v)
{
	if (!(v >= 0 && v <= 1))
		return -1;
	return (int64_t)lround(v * REPORT_PPM);
}

int report_encode(const struct report *r, const void *key, size_t keylen,
		  uint8_t *buf, size_t len)
{
	int64_t cpu = to_ppm(r->cpu_util), mem = to_ppm(r->mem_util);
	int err;

	if (len < REPORT_WIRE_LEN)
		return -ENOSPC;
	if (!keylen || cpu < 0 || mem < 0 || !(r->load >= 0) ||
	    r->load > LOAD_MAX ||
	    (r->family != AF_INET && r->family != AF_INET6))
		return -EINVAL;
	memset(buf, 0, REPORT_WIRE_LEN);
	memcpy(buf, REPORT_MAGIC, 8);
	put32(buf + OFF_VERSION, REPORT_VERSION);
	put64(buf + OFF_SEQ, r->seq);
	put64(buf + OFF_TS, r->ts_ms);
	memcpy(buf + OFF_ADDR, r->addr, r->family == AF_INET ? 4 : 16);
	buf[OFF_FAMILY] = r->family == AF_INET ? 4 : 6;
	put16(buf + OFF_PORT, r->port);
	put32(buf + OFF_CPU, (uint32_t)cpu);
	put32(buf + OFF_MEM, (uint32_t)mem);
	put64(buf + OFF_RX, r->rx_bps);
	put64(buf + OFF_TX, r->tx_bps);
	put32(buf + OFF_CONNS, r->conns);
	put32(buf + OFF_LOAD, (uint32_t)llround(r->load * 1000));
	err = mac(key, keylen, buf, buf + REPORT_MAC_OFF);
	return err ? err : REPORT_WIRE_LEN;
}

enum report_err report_decode(const uint8_t *buf, size_t len,
			      const void *key, size_t keylen,
			      struct report *out)
{
	uint8_t want[REPORT_MAC_LEN];
	uint32_t cpu, mem;
	struct report r;
	uint8_t fam;

	if (len < REPORT_WIRE_LEN)
		return REPORT_ESHORT;
	if (len > REPORT_WIRE_LEN)
		return REPORT_ELONG;
	if (memcmp(buf, REPORT_MAGIC, 8))
		return REPORT_EMAGIC;
	if (get32(buf + OFF_VERSION) != REPORT_VERSION)
		return REPORT_EVERSION;
	if (!keylen)
		return REPORT_ENOKEY;
	if (mac(key, keylen, buf, want) ||
	    CRYPTO_memcmp(want, buf + REPORT_MAC_OFF, REPORT_MAC_LEN))
		return REPORT_EAUTH;

	fam = buf[OFF_FAMILY];
	cpu = get32(buf + OFF_CPU);
	mem = get32(buf + OFF_MEM);
	if (get32(buf + OFF_FLAGS) || (fam != 4 && fam != 6) ||
	    (fam == 4 && !all_zero(buf + OFF_ADDR + 4, 12)) ||
	    !all_zero(buf + OFF_PAD1, 3) || !all_zero(buf + OFF_PAD2, 2) ||
	    cpu > REPORT_PPM || mem > REPORT_PPM)
		return REPORT_EVALUE;

	memset(&r, 0, sizeof(r));
	r.family = fam == 4 ? AF_INET : AF_INET6;
	memcpy(r.addr, buf + OFF_ADDR, 16);
	r.port = get16(buf + OFF_PORT);
	r.seq = get64(buf + OFF_SEQ);
	r.ts_ms = get64(buf + OFF_TS);
	r.cpu_util = (double)cpu / REPORT_PPM;
	r.mem_util = (double)mem / REPORT_PPM;
	r.rx_bps = get64(buf + OFF_RX);
	r.tx_bps = get64(buf + OFF_TX);
	r.conns = get32(buf + OFF_CONNS);
	r.load = get32(buf + OFF_LOAD) / 1000.0;
	*out = r;
	return REPORT_OK;
}

/* ---- replay protection ---------------------------------------------- */

struct report_peer {
	int family;
	uint8_t addr[16];
	uint16_t port;
	uint64_t last_seq;
};

struct report_peers {
	unsigned int n, max;
	struct report_peer v[];
};

struct report_peers *report_peers_new(unsigned int max)
{
	struct report_peers *ps;

	ps = calloc(1, sizeof(*ps) + (size_t)max * sizeof(ps->v[0]));
	if (ps)
		ps->max = max;
	return ps;
}

void report_peers_free(struct report_peers *ps)
{
	free(ps);
}

/*
 * A linear scan: veerd has at most VCFG_HOSTS_MAX senders and one report
 * per host per interval.
 */
enum report_err report_peers_accept(struct report_peers *ps,
				    const struct report *r, uint64_t now_ms,
				    uint64_t max_skew_ms)
{
	struct report_peer *p;
	unsigned int i;

	if (max_skew_ms && (r->ts_ms > now_ms ? r->ts_ms - now_ms :
			    now_ms - r->ts_ms) > max_skew_ms)
		return REPORT_ESTALE;
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		if (p->family != r->family || p->port != r->port ||
		    memcmp(p->addr, r->addr, 16))
			continue;
		if (r->seq <= p->last_seq)
			return REPORT_EREPLAY;
		p->last_seq = r->seq;
		return REPORT_OK;
	}
	if (ps->n == ps->max)
		return REPORT_EFULL;
	p = &ps->v[ps->n++];
	p->family = r->family;
	memcpy(p->addr, r->addr, 16);
	p->port = r->port;
	p->last_seq = r->seq;
	return REPORT_OK;
}
