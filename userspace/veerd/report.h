/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h: authenticated resource reports from the destination hosts.
 *
 * A host (tools/report-send.c: veerd-report) sends one UDP datagram per
 * interval to the router's veerd (config: report-port, report-key).  Wire
 * format, fixed size, every integer in network byte order:
 *
 *   off len
 *     0   8  magic "VEERRPT1"
 *     8   4  version, 1
 *    12   4  flags, 0
 *    16   8  sequence: strictly increasing per sender (time in ns)
 *    24   8  timestamp, ms since the epoch (sender's CLOCK_REALTIME)
 *    32  16  the host's address: 4 bytes and 12 zero bytes for IPv4
 *    48   1  its family: 4 or 6 (not the platform's AF_ constant)
 *    49   3  zero
 *    52   2  its port, 0: none (as in a [host SERVICE ADDRESS] section)
 *    54   2  zero, so that what follows is naturally aligned
 *    56   4  CPU utilisation, parts per million, <= 1000000
 *    60   4  memory utilisation, ppm, <= 1000000
 *    64   8  received bytes/s
 *    72   8  sent bytes/s
 *    80   4  established TCP connections
 *    84   4  load in milli-units (requests/s * 1000, or whatever the host
 *            calls its load)
 *    88  32  HMAC-SHA256 of bytes 0..87, keyed with report-key
 *   120      end
 *
 * The key is a shared secret of at least REPORT_KEY_MIN bytes (the daemon
 * takes it from report-key, the sender from a key file).  An empty key
 * refuses everything: report_encode() fails with -EINVAL and
 * report_decode() with REPORT_ENOKEY, so a daemon with report-port set and
 * no key accepts nothing rather than unauthenticated reports.
 *
 * report_decode() checks, in order: length, magic, version (so a sender
 * of another format hears why), the HMAC in constant time, then every
 * field's range.  Replay protection is separate (report_peers_*): a valid
 * report is accepted once, and only if newer than the last one accepted
 * from the same sender.
 */
#ifndef VEERD_REPORT_H
#define VEERD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_MAGIC		"VEERRPT1"	/* 8 bytes, no NUL */
#define REPORT_VERSION		1
#define REPORT_MAC_OFF		88
#define REPORT_MAC_LEN		32
#define REPORT_WIRE_LEN		(REPORT_MAC_OFF + REPORT_MAC_LEN)
#define REPORT_PPM		1000000
#define REPORT_KEY_MIN		16	/* bytes, required by veerd-report */
#define REPORT_PORT_DEFAULT	8337	/* veerd-report's, when none given */

struct report {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 */
	uint16_t port;		/* host order */
	uint64_t seq, ts_ms;
	double cpu_util, mem_util;	/* 0..1, to the ppm */
	uint64_t rx_bps, tx_bps;	/* bytes per second */
	uint32_t conns;
	double load;		/* 0..UINT32_MAX / 1000, to the thousandth */
};

enum report_err {
	REPORT_OK,
	REPORT_ESHORT,		/* fewer than REPORT_WIRE_LEN bytes */
	REPORT_ELONG,		/* more */
	REPORT_EMAGIC,		/* not a veer report */
	REPORT_EVERSION,	/* another version of the format */
	REPORT_ENOKEY,		/* no key configured: reports refused */
	REPORT_EAUTH,		/* HMAC mismatch: wrong key or altered */
	REPORT_EVALUE,		/* authentic, but a field out of range */
	REPORT_ESTALE,		/* timestamp too far from ours */
	REPORT_EREPLAY,		/* sequence not above the sender's last */
	REPORT_EFULL,		/* a new sender, and no room for it */
	__REPORT_EMAX
};

/* "bad HMAC (wrong key or altered)", ...: for logs. */
const char *report_err_name(enum report_err e);

/*
 * Write r into buf (len >= REPORT_WIRE_LEN).  Returns REPORT_WIRE_LEN,
 * -ENOSPC for a short buffer or -EINVAL for an empty key or a value that
 * does not fit the format (utilisation outside 0..1 or NaN, a family
 * other than AF_INET/AF_INET6, load out of range).
 */
int report_encode(const struct report *r, const void *key, size_t keylen,
		  uint8_t *buf, size_t len);

/* Check and decode a datagram; *out is written only on REPORT_OK. */
enum report_err report_decode(const uint8_t *buf, size_t len,
			      const void *key, size_t keylen,
			      struct report *out);

/*
 * Replay protection: the last sequence accepted from each sender (the
 * report's address, family and port), for up to `max` senders.  State is
 * in memory only; the timestamp check below bounds what can be replayed
 * after a restart.
 */
struct report_peers;

struct report_peers *report_peers_new(unsigned int max);
void report_peers_free(struct report_peers *ps);

/*
 * Accept a decoded report: REPORT_ESTALE when its timestamp is more than
 * max_skew_ms away from now_ms (0: no check; the clocks must be in sync
 * within it), REPORT_EREPLAY when its sequence is not above the sender's
 * last, REPORT_EFULL for a new sender when `max` are known.  Only
 * REPORT_OK records anything.
 */
enum report_err report_peers_accept(struct report_peers *ps,
				    const struct report *r, uint64_t now_ms,
				    uint64_t max_skew_ms);

#endif /* VEERD_REPORT_H */
