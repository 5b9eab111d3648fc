// SPDX-License-Identifier: GPL-2.0
/*
 * veer: weighted Maglev lookup tables.  See maglev.h.
 *
 * Each host has a permutation of the M entries, entry(j) = (offset + j *
 * skip) mod M, with offset and skip from a hash of its identity (skip in
 * 1..M-1, so with M prime every permutation visits every entry).  Hosts then
 * take turns, in canonical order, each claiming the next entry of its own
 * permutation that nobody holds yet, until the table is full.  With equal
 * weights every host gets exactly one turn per round, as in the paper, so
 * shares differ by at most one entry.  With weights a host gets a turn in a
 * round when its credit (weight added every round) reaches the largest
 * weight: turns, hence entries, come in proportion to weights, and the
 * heaviest host takes a turn every round, so the fill always progresses.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/siphash.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "maglev.h"

/*
 * The permutation key is public and fixed on purpose: permutations must be
 * the same on every router and across reboots, and there is nothing to hide
 * in them (hosts are the operator's, not the attacker's, choice).  What an
 * attacker controls is the flow hash, and that one is keyed by a secret.
 * The bytes spell "veer-maglev-v1" and two NULs, read as little-endian words.
 */
static const siphash_key_t veer_maglev_key = {
	.key = { 0x67616d2d72656576ULL, 0x000031762d76656cULL },
};

static bool veer_maglev_eligible(const struct veer_maglev_backend *b)
{
	return b->state == VEER_HOST_UP && b->weight;
}

bool veer_maglev_size_ok(u32 m)
{
	u32 d;

	if (m < VEER_TABLE_SIZE_MIN || m > VEER_TABLE_SIZE_MAX)
		return false;
	if (!(m & 1))
		return false;
	for (d = 3; d * d <= m; d += 2)
		if (!(m % d))
			return false;
	return true;
}

/* Canonical order: family, then address, then port, all as numbers. */
static int veer_maglev_cmp(const struct veer_maglev_backend *a,
			   const struct veer_maglev_backend *b)
{
	int i, words = a->family == AF_INET6 ? 4 : 1;
	u32 x, y;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	for (i = 0; i < words; i++) {
		x = be32_to_cpu(a->addr[i]);
		y = be32_to_cpu(b->addr[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	x = be16_to_cpu(a->port);
	y = be16_to_cpu(b->port);
	if (x != y)
		return x < y ? -1 : 1;
	return 0;
}

/*
 * Puts the hosts in canonical order, so that routers whose host lists were
 * filled in different orders build the same table.  Insertion sort: at most
 * VEER_HOSTS_MAX hosts, and usually already sorted.  -EINVAL when two hosts
 * have the same identity.
 */
int veer_maglev_sort(struct veer_maglev_backend *b, unsigned int n)
{
	struct veer_maglev_backend tmp;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		tmp = b[i];
		for (j = i; j > 0 && veer_maglev_cmp(&b[j - 1], &tmp) > 0; j--)
			b[j] = b[j - 1];
		b[j] = tmp;
	}
	for (i = 1; i < n; i++)
		if (!veer_maglev_cmp(&b[i - 1], &b[i]))
			return -EINVAL;
	return 0;
}

/*
 * The identity hashed as little-endian 64-bit words of numbers (addresses
 * and port in host order), so every architecture hashes the same bytes.
 */
static u64 veer_maglev_be64(const __be32 *w)
{
	return ((u64)be32_to_cpu(w[0]) << 32) | be32_to_cpu(w[1]);
}

static u64 veer_maglev_id_hash(const struct veer_maglev_backend *b)
{
	__le64 w[4];
	u64 hi = 0, lo;

	if (b->family == AF_INET6) {
		hi = veer_maglev_be64(&b->addr[0]);
		lo = veer_maglev_be64(&b->addr[2]);
	} else {
		lo = be32_to_cpu(b->addr[0]);
	}
	w[0] = cpu_to_le64(b->family == AF_INET6 ? 6 : 4);
	w[1] = cpu_to_le64(hi);
	w[2] = cpu_to_le64(lo);
	w[3] = cpu_to_le64(be16_to_cpu(b->port));
	return siphash(w, sizeof(w), &veer_maglev_key);
}

/* a^-1 mod m for prime m and 0 < a < m (extended Euclid). */
static u32 veer_maglev_inverse(u32 a, u32 m)
{
	s64 t = 0, newt = 1, q, tmp;
	u32 r = m, newr = a, rtmp;

	while (newr) {
		q = r / newr;
		tmp = t - q * newt;
		t = newt;
		newt = tmp;
		rtmp = r - (u32)q * newr;
		r = newr;
		newr = rtmp;
	}
	return (u32)(t < 0 ? t + m : t);
}

static void veer_maglev_permute(struct veer_maglev_backend *b, u32 m)
{
	u64 h = veer_maglev_id_hash(b);

	/* Two independent 32-bit halves of one PRF output (the paper's two
	 * hash functions); their bias mod M is below M / 2^32.
	 */
	b->offset = (u32)h % m;
	b->skip = (u32)(h >> 32) % (m - 1) + 1;
	b->skip_inv = veer_maglev_inverse(b->skip, m);
}

/*
 * Builds the table of @m entries (a prime, VEER_TABLE_SIZE_MIN..MAX) for the
 * @n hosts in @b, which must be in canonical order (veer_maglev_sort()).
 * Hosts that are up with a weight above 0 take entries; the others get
 * their permutation computed too (for veer_maglev_candidates()) but no
 * entry.  Returns how many hosts took part: 0 leaves every entry
 * VEER_MAGLEV_EMPTY.  Cost: O(M log M) for equal weights; at most about
 * n * M steps when a few heavy hosts sit among many light ones.
 */
int veer_maglev_build(struct veer_maglev_backend *b, unsigned int n,
		      u16 *table, u32 m)
{
	unsigned int i, eligible = 0;
	u32 wmax = 0, filled = 0, e;

	if (!veer_maglev_size_ok(m) || n > VEER_HOSTS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (b[i].family != AF_INET && b[i].family != AF_INET6)
			return -EINVAL;
		if (i && veer_maglev_cmp(&b[i - 1], &b[i]) >= 0)
			return -EINVAL;
	}

	for (i = 0; i < m; i++)
		table[i] = VEER_MAGLEV_EMPTY;
	for (i = 0; i < n; i++) {
		veer_maglev_permute(&b[i], m);
		b[i].pos = b[i].offset;
		b[i].credit = 0;
		if (veer_maglev_eligible(&b[i])) {
			eligible++;
			wmax = max_t(u32, wmax, b[i].weight);
		}
	}
	if (!eligible)
		return 0;

	for (;;) {
		for (i = 0; i < n; i++) {
			if (!veer_maglev_eligible(&b[i]))
				continue;
			b[i].credit += b[i].weight;
			if (b[i].credit < wmax)
				continue;
			b[i].credit -= wmax;
			/* The next entry of its permutation still free. */
			do {
				e = b[i].pos;
				b[i].pos += b[i].skip;
				if (b[i].pos >= m)
					b[i].pos -= m;
			} while (table[e] != VEER_MAGLEV_EMPTY);
			table[e] = i;
			if (++filled == m)
				return eligible;
		}
	}
}

/* Where @entry sits in host @b's permutation: its rank j, 0..M-1. */
static u32 veer_maglev_rank(const struct veer_maglev_backend *b, u32 m,
			    u32 entry)
{
	u32 d = entry >= b->offset ? entry - b->offset : entry + m - b->offset;

	return (u32)((u64)d * b->skip_inv % m);
}

/*
 * Would @a reach the entry before @b?  A host with weight w reaches rank j
 * after about (j + 1) / w of the heaviest host's rounds; ties go to the
 * host that comes first in canonical order, as in the build.
 */
static bool veer_maglev_before(const struct veer_maglev_backend *b,
			       unsigned int a, unsigned int c, u32 m,
			       u32 entry)
{
	u64 ta = (u64)(veer_maglev_rank(&b[a], m, entry) + 1) * b[c].weight;
	u64 tc = (u64)(veer_maglev_rank(&b[c], m, entry) + 1) * b[a].weight;

	return ta < tc || (ta == tc && a < c);
}

/*
 * The hosts that should take @entry, best first, for the handoff to try in
 * turn: the table's own choice first (when it can still take new flows),
 * then every other host that can, in the order the build would reach the
 * entry for them were it free (their rank in their permutation over their
 * weight).  States and weights are read now, so a host that went down
 * after the build is never listed, let alone first.  Writes at most @max
 * indices to @out and returns how many, or -EINVAL.  Cost: n * max ranks.
 */
int veer_maglev_candidates(const struct veer_maglev_backend *b,
			   unsigned int n, const u16 *table, u32 m, u32 entry,
			   u16 *out, unsigned int max)
{
	unsigned int i, j, cnt = 0, first = 0;
	u16 owner;

	if (!veer_maglev_size_ok(m) || entry >= m || n > VEER_HOSTS_MAX)
		return -EINVAL;
	if (!max)
		return 0;
	owner = table[entry];
	if (owner < n && veer_maglev_eligible(&b[owner])) {
		out[cnt++] = owner;
		first = 1;
	}
	for (i = 0; i < n; i++) {
		if (i == owner || !veer_maglev_eligible(&b[i]))
			continue;
		/* Insert into out[first..cnt), dropping what falls off. */
		j = cnt;
		while (j > first &&
		       veer_maglev_before(b, i, out[j - 1], m, entry))
			j--;
		if (j >= max)
			continue;
		if (cnt < max)
			cnt++;
		memmove(&out[j + 1], &out[j], (cnt - 1 - j) * sizeof(*out));
		out[j] = i;
	}
	return cnt;
}
