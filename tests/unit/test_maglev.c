// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Maglev tables (kmod/maglev.c), compiled on the host
 * with the kernel header shims of tests/unit/kshim.
 */
#include <errno.h>
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

#include "maglev.h"

#define M_BIG	65537
#define N_MAX	VEER_HOSTS_MAX

static u16 table_a[M_BIG], table_b[M_BIG];

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

/* splitmix64: deterministic, so every run tests the same cases. */
static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Host i: 10.(i / 256).(i % 256).1 port 8080, or 2001:db8::i port 443. */
static void host(struct veer_maglev_backend *b, unsigned int i, int v6)
{
	memset(b, 0, sizeof(*b));
	if (v6) {
		b->family = AF_INET6;
		b->addr[0] = htonl(0x20010db8);
		b->addr[3] = htonl(i + 1);
		b->port = htons(443);
	} else {
		b->family = AF_INET;
		b->addr[0] = htonl(0x0a000001 | (i << 8));
		b->port = htons(8080);
	}
	b->weight = 1;
	b->state = VEER_HOST_UP;
}

static void hosts(struct veer_maglev_backend *b, unsigned int n, int v6)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		host(&b[i], i, v6);
	assert_int_equal(veer_maglev_sort(b, n), 0);
}

static void count(const u16 *t, u32 m, unsigned int n, u32 *cnt)
{
	u32 e;

	memset(cnt, 0, n * sizeof(*cnt));
	for (e = 0; e < m; e++) {
		assert_true(t[e] < n);
		cnt[t[e]]++;
	}
}

/* Identity of a table entry's host, comparable across builds. */
static u64 ident(const struct veer_maglev_backend *b, const u16 *t, u32 e)
{
	const struct veer_maglev_backend *h;

	if (t[e] == VEER_MAGLEV_EMPTY)
		return ~0ULL;
	h = &b[t[e]];
	return ((u64)ntohl(h->addr[0]) << 32) ^ ntohl(h->addr[3]) ^
	       ((u64)ntohs(h->port) << 16);
}

static void test_sizes(void **state)
{
	static const u32 good[] = { 7, 11, 13, 251, 1021, 65521, 65537 };
	static const u32 bad[] = { 0, 1, 2, 3, 5, 8, 9, 15, 25, 49, 121, 253,
				   65535, 65536, 65539, 131071 };
	struct veer_maglev_backend b[N_MAX + 1];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(veer_maglev_size_ok(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(veer_maglev_size_ok(bad[i]));
	hosts(b, 3, 0);
	assert_int_equal(veer_maglev_build(b, 3, table_a, 9), -EINVAL);
	assert_int_equal(veer_maglev_build(b, 3, table_a, 65539), -EINVAL);
	hosts(b, N_MAX + 1, 0);
	assert_int_equal(veer_maglev_build(b, N_MAX + 1, table_a, 251),
			 -EINVAL);
	assert_int_equal(veer_maglev_build(b, N_MAX, table_a, 251), N_MAX);
	/* An unknown family. */
	hosts(b, 3, 0);
	b[2].family = 99;
	assert_int_equal(veer_maglev_build(b, 3, table_a, 7), -EINVAL);
}

/* Equal weights: one entry per host per round, so shares differ by <= 1. */
static void test_balance_equal(void **state)
{
	static const struct { unsigned int n; u32 m; } c[] = {
		{ 1, 7 }, { 3, 7 }, { 7, 7 }, { 10, 7 }, { 5, 251 },
		{ 100, 251 }, { 256, 251 }, { 3, 65537 }, { 10, 65537 },
		{ 100, 65537 }, { 256, 65537 },
	};
	struct veer_maglev_backend b[N_MAX];
	u32 cnt[N_MAX], lo, hi, sum;
	unsigned int i, j;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (j = 0; j < 2; j++) {
			hosts(b, c[i].n, j);
			assert_int_equal(veer_maglev_build(b, c[i].n, table_a,
							   c[i].m), c[i].n);
			count(table_a, c[i].m, c[i].n, cnt);
			lo = ~0U;
			hi = sum = 0;
			for (unsigned int k = 0; k < c[i].n; k++) {
				lo = cnt[k] < lo ? cnt[k] : lo;
				hi = cnt[k] > hi ? cnt[k] : hi;
				sum += cnt[k];
			}
			assert_int_equal(sum, c[i].m);
			assert_true(hi - lo <= 1);
			assert_int_equal(lo, c[i].m / c[i].n);
		}
	}
}

/*
 * Weighted: after R whole rounds host i has had floor(R * w_i / w_max)
 * turns, one entry each, plus at most one in the last, partial round.  So
 * its share is off from M * w_i / W (W: the sum of the weights) by at most
 * n * w_i / W + 1 entries: the bound asserted.
 */
static void check_weighted(struct veer_maglev_backend *b, unsigned int n,
			   u32 m, double *worst)
{
	u32 cnt[N_MAX];
	double sum = 0, want, dev;
	unsigned int i;

	assert_int_equal(veer_maglev_build(b, n, table_a, m), n);
	count(table_a, m, n, cnt);
	for (i = 0; i < n; i++)
		sum += b[i].weight;
	for (i = 0; i < n; i++) {
		want = (double)m * b[i].weight / sum;
		dev = cnt[i] > want ? cnt[i] - want : want - cnt[i];
		assert_true(dev <= n * b[i].weight / sum + 1);
		if (dev / m > *worst)
			*worst = dev / m;
	}
}

static void test_weighted(void **state)
{
	struct veer_maglev_backend b[N_MAX];
	double worst = 0;
	unsigned int i, round;

	(void)state;
	hosts(b, 10, 0);
	for (i = 0; i < 10; i++)
		b[i].weight = i + 1;
	check_weighted(b, 10, M_BIG, &worst);
	check_weighted(b, 10, 251, &worst);

	/* Extremes: one host at the maximum, the others at 1. */
	hosts(b, 4, 0);
	b[2].weight = VEER_WEIGHT_MAX;
	check_weighted(b, 4, M_BIG, &worst);
	hosts(b, N_MAX, 1);
	b[0].weight = VEER_WEIGHT_MAX;
	check_weighted(b, N_MAX, M_BIG, &worst);

	/* Random weights, as veerd's dynamic ones. */
	for (round = 0; round < 20; round++) {
		unsigned int n = 2 + rnd() % 100;

		hosts(b, n, round & 1);
		for (i = 0; i < n; i++)
			b[i].weight = 1 + rnd() % 1000;
		check_weighted(b, n, round < 10 ? M_BIG : 1021, &worst);
	}
	print_message("# maglev: weighted shares off by at most %.4f%% of the table\n",
		      worst * 100);
}

/*
 * Moves when the hosts change: entries whose host is still there but
 * changed anyway are the disruption beyond the necessary.
 */
static void test_disruption(void **state)
{
	struct veer_maglev_backend a[N_MAX], b[N_MAX];
	const unsigned int n = 100;
	const u32 m = M_BIG;
	u32 e, gone_entries, extra, worst = 0, total = 0, trials = 0;
	unsigned int k;

	(void)state;
	hosts(a, n, 0);
	assert_int_equal(veer_maglev_build(a, n, table_a, m), n);

	/* Remove each of several hosts in turn. */
	for (k = 0; k < n; k += 7) {
		memcpy(b, a, sizeof(a));
		memmove(&b[k], &b[k + 1], (n - k - 1) * sizeof(b[0]));
		assert_int_equal(veer_maglev_build(b, n - 1, table_b, m),
				 n - 1);
		gone_entries = extra = 0;
		for (e = 0; e < m; e++) {
			if (table_a[e] == k) {
				gone_entries++;
				continue;
			}
			if (ident(a, table_a, e) != ident(b, table_b, e))
				extra++;
		}
		assert_true(gone_entries >= m / n && gone_entries <= m / n + 1);
		/* Its entries all moved, to the others. */
		for (e = 0; e < m; e++)
			if (table_a[e] == k)
				assert_int_not_equal(ident(a, table_a, e),
						     ident(b, table_b, e));
		worst = extra > worst ? extra : worst;
		total += extra;
		trials++;
	}
	print_message("# maglev: removing 1 of %u hosts (M=%u) moves its %u entries plus %.2f%% of the table on average, %.2f%% at worst\n",
		      n, m, m / n, 100.0 * total / trials / m,
		      100.0 * worst / m);
	assert_true(worst <= m / 50);	/* 2% */

	/* Adding one: entries move to it, few move between the others. */
	hosts(b, n + 1, 0);
	assert_int_equal(veer_maglev_build(b, n + 1, table_b, m), n + 1);
	extra = 0;
	for (e = 0; e < m; e++)
		if (ntohl(b[table_b[e]].addr[0]) != 0x0a000001 + (n << 8) &&
		    ident(a, table_a, e) != ident(b, table_b, e))
			extra++;
	print_message("# maglev: adding a host to %u moves %.2f%% of the table between the others\n",
		      n, 100.0 * extra / m);
	assert_true(extra <= m / 50);

	/* A 10% weight change on one host. */
	memcpy(b, a, sizeof(a));
	for (k = 0; k < n; k++) {
		a[k].weight = 10;
		b[k].weight = 10;
	}
	b[3].weight = 11;
	assert_int_equal(veer_maglev_build(a, n, table_a, m), n);
	assert_int_equal(veer_maglev_build(b, n, table_b, m), n);
	extra = 0;
	for (e = 0; e < m; e++)
		if (ident(a, table_a, e) != ident(b, table_b, e))
			extra++;
	print_message("# maglev: one host's weight +10%% (of %u) moves %.2f%% of the table\n",
		      n, 100.0 * extra / m);
	assert_true(extra <= m / 20);
}

/*
 * The same configuration builds the same table, whatever order the hosts
 * were added in; and this exact table on every version, since routers
 * running different versions must agree (the golden values).
 */
static void test_deterministic(void **state)
{
	static const u16 golden[16] = {
		1, 6, 7, 3, 7, 4, 5, 6, 6, 7, 7, 7, 4, 5, 3, 0,
	};
	struct veer_maglev_backend a[N_MAX], b[N_MAX], tmp;
	const unsigned int n = 50;
	unsigned int i, j;
	u32 e;

	(void)state;
	hosts(a, n, 0);
	assert_int_equal(veer_maglev_build(a, n, table_a, 251), n);
	memcpy(b, a, sizeof(a));
	assert_int_equal(veer_maglev_build(b, n, table_b, 251), n);
	assert_memory_equal(table_a, table_b, 251 * sizeof(u16));

	/* Shuffled: refused as it is, the same once sorted. */
	for (i = n - 1; i > 0; i--) {
		j = rnd() % (i + 1);
		tmp = b[i];
		b[i] = b[j];
		b[j] = tmp;
	}
	assert_int_equal(veer_maglev_build(b, n, table_b, 251), -EINVAL);
	assert_int_equal(veer_maglev_sort(b, n), 0);
	assert_int_equal(veer_maglev_build(b, n, table_b, 251), n);
	for (e = 0; e < 251; e++)
		assert_true(ident(a, table_a, e) == ident(b, table_b, e));

	/* Duplicates are refused. */
	b[7] = b[8];
	assert_int_equal(veer_maglev_sort(b, n), -EINVAL);

	/* Golden: 8 IPv4 hosts, weights 1..8, M = 251, first 16 entries. */
	hosts(a, 8, 0);
	for (i = 0; i < 8; i++)
		a[i].weight = i + 1;
	assert_int_equal(veer_maglev_build(a, 8, table_a, 251), 8);
	assert_memory_equal(table_a, golden, sizeof(golden));
}

/* Down, draining and weight-0 hosts take no entry. */
static void test_states(void **state)
{
	struct veer_maglev_backend b[N_MAX];
	u32 cnt[N_MAX], e;
	unsigned int i;

	(void)state;
	hosts(b, 10, 0);
	b[1].state = VEER_HOST_DOWN;
	b[4].state = VEER_HOST_DRAIN;
	b[7].weight = 0;
	assert_int_equal(veer_maglev_build(b, 10, table_a, 251), 7);
	count(table_a, 251, 10, cnt);
	assert_int_equal(cnt[1], 0);
	assert_int_equal(cnt[4], 0);
	assert_int_equal(cnt[7], 0);
	for (i = 0; i < 10; i++)
		if (i != 1 && i != 4 && i != 7)
			assert_true(cnt[i] >= 251 / 7 && cnt[i] <= 251 / 7 + 1);

	for (i = 0; i < 10; i++)
		b[i].state = VEER_HOST_DOWN;
	assert_int_equal(veer_maglev_build(b, 10, table_a, 251), 0);
	for (e = 0; e < 251; e++)
		assert_int_equal(table_a[e], VEER_MAGLEV_EMPTY);
	assert_int_equal(veer_maglev_lookup(table_a, 251, 12345),
			 VEER_MAGLEV_EMPTY);
	assert_int_equal(veer_maglev_build(b, 0, table_a, 7), 0);
}

static int eligible(const struct veer_maglev_backend *b)
{
	return b->state == VEER_HOST_UP && b->weight;
}

static void check_candidates(const struct veer_maglev_backend *b,
			     unsigned int n, const u16 *t, u32 m)
{
	unsigned int i, j, up = 0;
	u16 out[N_MAX], part[4];
	int cnt;
	u32 e;

	for (i = 0; i < n; i++)
		up += eligible(&b[i]);
	for (e = 0; e < m; e++) {
		cnt = veer_maglev_candidates(b, n, t, m, e, out, N_MAX);
		assert_int_equal(cnt, up);
		for (i = 0; i < (unsigned int)cnt; i++) {
			assert_true(out[i] < n);
			assert_true(eligible(&b[out[i]]));
			for (j = 0; j < i; j++)
				assert_int_not_equal(out[i], out[j]);
		}
		if (t[e] < n && eligible(&b[t[e]]))
			assert_int_equal(out[0], t[e]);
		/* A short list is the long one's beginning. */
		cnt = veer_maglev_candidates(b, n, t, m, e, part, 4);
		assert_int_equal(cnt, up < 4 ? up : 4);
		assert_memory_equal(part, out, cnt * sizeof(u16));
	}
}

static void test_candidates(void **state)
{
	struct veer_maglev_backend b[N_MAX], c[N_MAX];
	unsigned int n = 20, i, agree = 0, tried = 0;
	const u32 m = 1021;
	u16 out[N_MAX];
	u32 e;

	(void)state;
	hosts(b, n, 1);
	for (i = 0; i < n; i++)
		b[i].weight = 1 + i % 3;
	assert_int_equal(veer_maglev_build(b, n, table_a, m), n);
	check_candidates(b, n, table_a, m);

	/* Hosts go down after the build: the table still names them. */
	b[table_a[0]].state = VEER_HOST_DOWN;
	b[table_a[1]].state = VEER_HOST_DOWN;
	b[5].state = VEER_HOST_DRAIN;
	b[6].weight = 0;
	check_candidates(b, n, table_a, m);
	assert_int_equal(veer_maglev_candidates(b, n, table_a, m, 0, out, 1),
			 1);
	assert_int_not_equal(out[0], table_a[0]);
	assert_int_equal(b[out[0]].state, VEER_HOST_UP);

	/* Random states, many times. */
	for (i = 0; i < 30; i++) {
		for (unsigned int k = 0; k < n; k++) {
			b[k].state = rnd() % 3 ? VEER_HOST_UP :
				     (rnd() & 1 ? VEER_HOST_DOWN :
				      VEER_HOST_DRAIN);
		}
		if (i & 1)
			assert_true(veer_maglev_build(b, n, table_a, m) >= 0);
		check_candidates(b, n, table_a, m);
	}

	/*
	 * How often the second candidate is the host that really takes the
	 * entry once the first one is down and the table rebuilt.
	 */
	for (i = 0; i < n; i++) {
		b[i].state = VEER_HOST_UP;
		b[i].weight = 1 + i % 3;
	}
	assert_int_equal(veer_maglev_build(b, n, table_a, m), n);
	for (e = 0; e < m; e += 3) {
		memcpy(c, b, sizeof(b));
		assert_int_equal(veer_maglev_candidates(c, n, table_a, m, e,
							out, 2), 2);
		c[out[0]].state = VEER_HOST_DOWN;
		assert_int_equal(veer_maglev_build(c, n, table_b, m), n - 1);
		agree += table_b[e] == out[1];
		tried++;
	}
	print_message("# maglev: second candidate = owner after the first fails and a rebuild: %.1f%% of entries\n",
		      100.0 * agree / tried);
	assert_true(agree * 2 > tried);

	assert_int_equal(veer_maglev_candidates(b, n, table_a, m, m, out, 4),
			 -EINVAL);
	assert_int_equal(veer_maglev_candidates(b, n, table_a, m, 0, out, 0),
			 0);
}

static void test_lookup(void **state)
{
	static const u32 sizes[] = { 7, 251, 65537 };
	struct veer_maglev_backend b[N_MAX];
	u32 cnt[N_MAX];
	unsigned int i, k;

	(void)state;
	for (i = 0; i < 3; i++) {
		u32 m = sizes[i];

		assert_int_equal(veer_maglev_entry(0, m), 0);
		assert_int_equal(veer_maglev_entry(~0U, m), m - 1);
		assert_int_equal(veer_maglev_entry(0x80000000U, m), m / 2);
		hosts(b, 5, 0);
		assert_int_equal(veer_maglev_build(b, 5, table_a, m), 5);
		memset(cnt, 0, sizeof(cnt));
		for (k = 0; k < 100000; k++) {
			u16 h = veer_maglev_lookup(table_a, m, (u32)rnd());

			assert_true(h < 5);
			cnt[h]++;
		}
		/* Flows follow entries: M = 7 gives 2,2,1,1,1 sevenths. */
		for (k = 0; k < 5; k++)
			assert_true(cnt[k] > 100000 / 7 - 2000);
	}
}

/* The largest case, timed: 256 hosts, M = 65537. */
static void test_build_time(void **state)
{
	struct veer_maglev_backend b[N_MAX];
	struct timespec t0, t1;
	unsigned int i;

	(void)state;
	hosts(b, N_MAX, 1);
	for (i = 0; i < N_MAX; i++)
		b[i].weight = 1 + i;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(veer_maglev_build(b, N_MAX, table_a, M_BIG), N_MAX);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("# maglev: build of 256 weighted hosts, M=65537: %.1f ms\n",
		      (t1.tv_sec - t0.tv_sec) * 1e3 +
		      (t1.tv_nsec - t0.tv_nsec) / 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_balance_equal),
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_disruption),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_build_time),
	};

	return cmocka_run_group_tests_name("maglev", tests, NULL, NULL);
}
