/* SPDX-License-Identifier: GPL-2.0 */
/*
 * veer: extended SYN cookies, the codec (no packet handling).
 *
 * The ISN of a cookie SYN-ACK keeps Linux's layout (net/ipv4/syncookies.c):
 *
 *	ISN = H1 + client ISN + (minute << 24) + ((H2 + MSS index) mod 2^24)
 *
 * H1 and H2 are SipHash-2-4 under a cluster-wide key, so any router of the
 * cluster can check a cookie another one made.  When the client sends
 * timestamps, the TSval of the SYN-ACK carries more, from bit 0 up: Linux's
 * option bits (window scale, SACK, ECN), veer's offload reason, the key
 * epoch and the destination affinity (an entry of the service's Maglev
 * table), with the top bits of a millisecond clock above.  H2 covers the
 * whole TSval, so changing any of its bits fails the check.  Clients without
 * timestamps get a reduced encoding: MSS only in the cookie; the affinity is
 * derived again from the tuple.  Documentation/cookies.md has the layouts,
 * the reduced encoding and the forgery bounds.
 *
 * Time comes in as arguments, so tests can drive it: the minute counter must
 * be the same on every router (wall-clock minutes, routers in NTP sync), the
 * millisecond clock only shapes the TSval.  Pure code: tests/unit compiles it
 * on the host.  Callers publish keys to the packet path (RCU) themselves.
 */
#ifndef _VEER_COOKIE_H
#define _VEER_COOKIE_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/siphash.h>
#include <uapi/linux/veer.h>

/* enum veer_offload_reason (the uapi) is what a cookie's reason carries. */

#define VEER_COOKIE_KEY_LEN	16	/* bytes of a cluster key */
#define VEER_COOKIE_EPOCH_BITS	2	/* of the epoch in the TSval */
#define VEER_COOKIE_KEY_SLOTS	BIT(VEER_COOKIE_EPOCH_BITS)
#define VEER_COOKIE_MAX_AGE	2	/* minutes: this one and the last */

/* TSval of a cookie SYN-ACK, from bit 0 up (Documentation/cookies.md). */
#define VEER_COOKIE_TS_WSCALE	GENMASK(3, 0)	/* 15: no window scaling */
#define VEER_COOKIE_TS_SACK	BIT(4)
#define VEER_COOKIE_TS_ECN	BIT(5)
#define VEER_COOKIE_TS_REASON_SHIFT	6	/* 3 bits */
#define VEER_COOKIE_TS_REASON_MASK	GENMASK(8, 6)
#define VEER_COOKIE_TS_EPOCH_SHIFT	9	/* 2 bits */
#define VEER_COOKIE_TS_EPOCH_MASK	GENMASK(10, 9)
#define VEER_COOKIE_TS_AFF_SHIFT	11	/* fls(table size - 1) bits */
#define VEER_COOKIE_NO_WSCALE	15
#define VEER_COOKIE_WSCALE_MAX	14	/* RFC 7323 section 2.3 */

/* TCP options of the handshake (struct veer_cookie_*.opts). */
#define VEER_COOKIE_OPT_TS	BIT(0)	/* timestamps */
#define VEER_COOKIE_OPT_WSCALE	BIT(1)	/* window scaling, shift in wscale */
#define VEER_COOKIE_OPT_SACK	BIT(2)	/* SACK permitted */
#define VEER_COOKIE_OPT_ECN	BIT(3)	/* ECN setup SYN (ECE and CWR) */
#define VEER_COOKIE_OPT_ALL	GENMASK(3, 0)

/* One cluster key.  The epoch numbers rotations; its low bits name it. */
struct veer_cookie_key {
	siphash_key_t k;
	u32 epoch;
	u8 present;
};

/*
 * The keys a router holds: the current one (makes cookies), the one before
 * it (cookies made before the last rotation) and possibly the next one
 * (announced by the daemon before it becomes current, so a router that
 * rotates first makes no cookie its peers cannot check yet).  Slot: epoch
 * modulo VEER_COOKIE_KEY_SLOTS, the value carried in the TSval.
 */
struct veer_cookie_keys {
	struct veer_cookie_key slot[VEER_COOKIE_KEY_SLOTS];
	u32 cur;
};

/* A connection as the client sent it (addresses in network order). */
struct veer_cookie_tuple {
	__be32 saddr[4];	/* client; AF_INET: saddr[0] */
	__be32 daddr[4];	/* service address; AF_INET: daddr[0] */
	__be16 sport;
	__be16 dport;
	u16 family;		/* AF_INET or AF_INET6 */
};

/* What veer_cookie_make() needs from the SYN and the decision on it. */
struct veer_cookie_syn {
	struct veer_cookie_tuple t;
	u32 isn;		/* the SYN's sequence number */
	u16 mss;		/* its MSS option; 536 / 1220 when absent */
	u8 wscale;		/* its shift, with VEER_COOKIE_OPT_WSCALE */
	u8 opts;		/* VEER_COOKIE_OPT_* the SYN carried */
	u8 reason;		/* enum veer_offload_reason */
	u32 affinity;		/* Maglev entry < table size (timestamps) */
};

/* What the SYN-ACK must carry. */
struct veer_cookie_synack {
	u32 isn;		/* the cookie */
	u32 tsval;		/* with VEER_COOKIE_OPT_TS */
	u16 mss;		/* the MSS the cookie keeps: pass it on */
	u8 opts;		/* options to answer with (none without TS) */
	u32 affinity;		/* the entry the cookie names */
	u32 epoch;		/* of the key that made it */
};

/* The client's ACK of a cookie SYN-ACK. */
struct veer_cookie_ack {
	struct veer_cookie_tuple t;
	u32 seq;		/* its sequence number: client ISN + 1 */
	u32 ack_seq;		/* its acknowledgment number: cookie + 1 */
	u32 tsecr;		/* its echo, with VEER_COOKIE_OPT_TS */
	u8 opts;		/* VEER_COOKIE_OPT_TS when it has timestamps */
};

/* What a valid cookie gives back. */
struct veer_cookie_info {
	u32 isn;		/* the client's ISN */
	u32 epoch;		/* of the key that validated it */
	u32 affinity;		/* Maglev entry, < table size */
	u16 mss;
	u8 wscale;		/* with VEER_COOKIE_OPT_WSCALE */
	u8 opts;		/* VEER_COOKIE_OPT_* of the handshake */
	u8 reason;		/* enum veer_offload_reason */
	u8 aff_derived;		/* affinity from the tuple, not carried */
};

void veer_cookie_keys_init(struct veer_cookie_keys *ks, u32 epoch,
			   const u8 *raw);
int veer_cookie_keys_add_next(struct veer_cookie_keys *ks, u32 epoch,
			      const u8 *raw);
int veer_cookie_keys_rotate(struct veer_cookie_keys *ks, u32 epoch,
			    const u8 *raw);
int veer_cookie_keys_promote(struct veer_cookie_keys *ks);

u32 veer_cookie_tuple_entry(const struct veer_cookie_key *key,
			    const struct veer_cookie_tuple *t, u32 table_size);
int veer_cookie_make(const struct veer_cookie_keys *ks,
		     const struct veer_cookie_syn *syn, u32 table_size,
		     u32 now_min, u32 now_ms, struct veer_cookie_synack *out);
int veer_cookie_check(const struct veer_cookie_keys *ks,
		      const struct veer_cookie_ack *ack, u32 table_size,
		      u32 now_min, struct veer_cookie_info *out);

#endif /* _VEER_COOKIE_H */
