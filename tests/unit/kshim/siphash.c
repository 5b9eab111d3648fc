// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 for the host side of the unit tests (the kernel side uses
 * lib/siphash.c).  Written from the algorithm's description in the SipHash
 * paper: four 64-bit state words, two rounds per 8-byte message word, the
 * length in the top byte of the last word, four finalization rounds.
 * test_cookie checks it against the reference implementation's vectors.
 */
#include <endian.h>
#include <string.h>
#include <linux/siphash.h>

static inline u64 rotl64(u64 x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline u64 le64_load(const unsigned char *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

#define SIPROUND(v0, v1, v2, v3)				\
	do {							\
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0;	\
		v0 = rotl64(v0, 32);				\
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;	\
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;	\
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2;	\
		v2 = rotl64(v2, 32);				\
	} while (0)

u64 siphash(const void *data, size_t len, const siphash_key_t *key)
{
	const unsigned char *p = data;
	u64 v0 = key->key[0] ^ 0x736f6d6570736575ULL;	/* "somepseu" */
	u64 v1 = key->key[1] ^ 0x646f72616e646f6dULL;	/* "dorandom" */
	u64 v2 = key->key[0] ^ 0x6c7967656e657261ULL;	/* "lygenera" */
	u64 v3 = key->key[1] ^ 0x7465646279746573ULL;	/* "tedbytes" */
	u64 m, b = (u64)len << 56;
	size_t left = len;
	int i;

	for (; left >= 8; left -= 8, p += 8) {
		m = le64_load(p);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (i = (int)left - 1; i >= 0; i--)
		b |= (u64)p[i] << (8 * i);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
