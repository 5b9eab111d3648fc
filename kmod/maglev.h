/* SPDX-License-Identifier: GPL-2.0 */
/*
 * veer: Maglev lookup tables (Eisenbud et al., "Maglev: A Fast and Reliable
 * Software Network Load Balancer", NSDI 2016), weighted.
 *
 * A service's table has a prime number M of entries, each naming one of the
 * service's hosts.  A flow hash picks an entry (its index is the flow's
 * "affinity", the value SYN cookies carry) and the entry names the host.
 * Every router holding the same service configuration builds the same
 * table: permutations come from SipHash under a fixed, public key over each
 * host's address and port (never pointers or insertion order), and hosts are
 * taken in a canonical order (veer_maglev_sort()).  So an affinity chosen on
 * one router resolves to the same host on any other.
 *
 * The code is pure (no allocation, no locking): callers own the arrays and
 * serialise builds; tests/unit compiles it on the host.  The choices and
 * measurements are in Documentation/cookies.md ("Affinity and Maglev").
 */
#ifndef _VEER_MAGLEV_H
#define _VEER_MAGLEV_H

#include <linux/types.h>
#include <uapi/linux/veer.h>

/* A table entry no host took: the service has no host for new flows. */
#define VEER_MAGLEV_EMPTY	0xffffU

/*
 * One host of a service.  The caller fills in the identity, weight and
 * state; veer_maglev_build() fills in the rest.
 */
struct veer_maglev_backend {
	/* Identity, the same on every router: address and port. */
	__be32 addr[4];			/* AF_INET: addr[0] */
	__be16 port;
	u16 family;			/* AF_INET or AF_INET6 */

	u32 weight;			/* 0: takes no new flows */
	u8 state;			/* enum veer_host_state */

	/* The host's permutation of the entries (from its identity). */
	u32 offset;
	u32 skip;
	u32 skip_inv;			/* skip^-1 mod M: entry -> rank */

	/* Scratch of veer_maglev_build(). */
	u32 pos;
	u32 credit;
};

bool veer_maglev_size_ok(u32 m);
int veer_maglev_sort(struct veer_maglev_backend *b, unsigned int n);
int veer_maglev_build(struct veer_maglev_backend *b, unsigned int n,
		      u16 *table, u32 m);
int veer_maglev_candidates(const struct veer_maglev_backend *b,
			   unsigned int n, const u16 *table, u32 m, u32 entry,
			   u16 *out, unsigned int max);

/*
 * The entry of a 32-bit flow hash: multiply-shift rather than a division,
 * uniform to within 1/2^32 per entry.
 */
static inline u32 veer_maglev_entry(u32 hash, u32 m)
{
	return (u32)(((u64)hash * m) >> 32);
}

/* The host (index into the backends) of a flow hash, or VEER_MAGLEV_EMPTY. */
static inline u16 veer_maglev_lookup(const u16 *table, u32 m, u32 hash)
{
	return table[veer_maglev_entry(hash, m)];
}

#endif /* _VEER_MAGLEV_H */
