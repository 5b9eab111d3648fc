/* SPDX-License-Identifier: GPL-2.0 */
/*
 * veerd_test.h: helpers shared by veerd's unit tests: a double-precision
 * "near" assertion (cmocka's float one rounds to float) and a small
 * deterministic PRNG so every test sees the same data on every run.
 */
#ifndef VEERD_TEST_H
#define VEERD_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>

static inline void near_(double a, double b, double eps, const char *ea,
			 const char *eb, const char *file, int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%s = %.12g is not within %g of %s = %.12g\n", ea, a,
		    eps, eb, b);
	_fail(file, line);
}

#define assert_near(a, b, eps) \
	near_((a), (b), (eps), #a, #b, __FILE__, __LINE__)

struct trng {
	uint64_t s;
};

static inline uint64_t trng_next(struct trng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static inline double trng_unif(struct trng *r)
{
	return ((trng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

static inline double trng_normal(struct trng *r)
{
	double u = trng_unif(r), v = trng_unif(r);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

#endif /* VEERD_TEST_H */
