// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's per-connection estimates: latency exceedance
 * probability and the lifetime model (userspace/veerd/connest.c).
 */
#include <errno.h>

#include "veerd_test.h"
#include "connest.h"

static void test_latency_flat(void **state)
{
	struct lat_params p;
	struct lat_est e;
	struct trng r = { 1 };
	double x;
	int i;

	(void)state;
	lat_params_default(&p);
	lat_est_init(&e);
	assert_near(lat_est_prob_exceed(&e, &p, 0.1, 30), 0, 0);
	for (i = 0; i < 200; i++) {
		x = 0.020 + 0.001 * trng_normal(&r);
		assert_int_equal(lat_est_update(&e, &p, x), 0);
	}
	/* 20 ms +- 1 ms never gets near 100 ms, always above 5 ms. */
	assert_true(lat_est_prob_exceed(&e, &p, 0.100, 30) < 1e-6);
	assert_true(lat_est_prob_exceed(&e, &p, 0.005, 30) > 0.999);
	/* Right at the level: about one half. */
	assert_near(lat_est_prob_exceed(&e, &p, e.level, 1), 0.5, 0.15);
}

static void test_latency_rising(void **state)
{
	struct lat_params p;
	struct lat_est up, flat;
	struct trng r = { 5 };
	double pu, pf;
	int i;

	(void)state;
	lat_params_default(&p);
	lat_est_init(&up);
	lat_est_init(&flat);
	/* Queueing builds: +1 ms per sample from 20 ms, against a flat
	 * connection that sits where the rising one is now. */
	for (i = 0; i < 40; i++) {
		lat_est_update(&up, &p, 0.020 + 0.001 * i);
		lat_est_update(&flat, &p, 0.058 + 0.0005 * trng_normal(&r));
	}
	assert_true(up.trend > 0.0003);
	pu = lat_est_prob_exceed(&up, &p, 0.062, 10);
	pf = lat_est_prob_exceed(&flat, &p, 0.062, 10);
	assert_true(pu > 0.2);
	assert_true(pf < 0.01);
	/* The trend is damped: no runaway extrapolation. */
	assert_true(lat_est_prob_exceed(&up, &p, 0.150, 30) < 1e-3);
	/* Longer horizons never lower the probability. */
	assert_true(lat_est_prob_exceed(&up, &p, 0.062, 30) >= pu);
}

static void test_latency_rejects(void **state)
{
	struct lat_params p;
	struct lat_est e;

	(void)state;
	lat_params_default(&p);
	lat_est_init(&e);
	assert_int_equal(lat_est_update(&e, &p, NAN), -EINVAL);
	assert_int_equal(lat_est_update(&e, &p, -1), -EINVAL);
	assert_int_equal(lat_est_update(&e, &p, INFINITY), -EINVAL);
	assert_int_equal(e.n, 0);
}

static void test_lomax_alpha(void **state)
{
	struct life_model m;
	struct trng r = { 3 };
	double alpha = 1.5, scale = 2;
	int i;

	(void)state;
	life_init(&m, scale, 1.0);
	/* Inverse CDF of Lomax: scale * (u^(-1/alpha) - 1). */
	for (i = 0; i < 20000; i++)
		assert_int_equal(life_observe(&m, scale *
					      (pow(trng_unif(&r), -1 / alpha) -
					       1)), 0);
	assert_near(life_alpha(&m), alpha, 0.05);
	/* Heavy tail: the older, the longer it is expected to last. */
	assert_true(life_remaining(&m, 100, 0.5) > life_remaining(&m, 10, 0.5));
	assert_true(life_remaining(&m, 10, 0.5) > life_remaining(&m, 1, 0.5));
	/* Lomax: median remaining at age a is (scale + a)(2^(1/alpha) - 1). */
	assert_near(life_remaining(&m, 1000, 0.5),
		    (scale + 1000) * (pow(2, 1 / alpha) - 1),
		    0.15 * (scale + 1000));
}

static void test_empirical_survival(void **state)
{
	struct life_model m;
	int i;

	(void)state;
	life_init(&m, 1, 1.0);
	/* Half live ~1 s, half ~100 s. */
	for (i = 0; i < 500; i++) {
		life_observe(&m, 1);
		life_observe(&m, 100);
	}
	assert_near(life_survival(&m, 0), 1, 0);
	assert_near(life_survival(&m, 10), 0.5, 0.02);
	assert_near(life_survival(&m, 50), 0.5, 0.02);
	/* A connection that outlived the short ones is a long one. */
	assert_true(life_p_remaining(&m, 10, 30) > 0.95);
	assert_true(life_p_remaining(&m, 0.5, 30) < 0.6);
	/* And at 90% confidence it lasts tens of seconds more. */
	assert_true(life_remaining(&m, 10, 0.9) > 30);
	assert_true(life_remaining(&m, 10, 0.9) < 100);
	/* Conditional survival never exceeds one. */
	assert_true(life_p_remaining(&m, 99, 0) <= 1);
}

static void test_no_data_and_invalid(void **state)
{
	struct life_model m;

	(void)state;
	life_init(&m, 1, 0.999);
	/* No data: the prior (Lomax, alpha 1) still answers sanely. */
	assert_near(life_alpha(&m), 1, 0);
	assert_near(life_remaining(&m, 9, 0.5), 10, 0.01);
	assert_int_equal(life_observe(&m, -1), -EINVAL);
	assert_int_equal(life_observe(&m, NAN), -EINVAL);
	assert_int_equal(life_observe(&m, INFINITY), -EINVAL);
	assert_true(isnan(life_remaining(&m, -1, 0.5)));
	assert_true(isnan(life_remaining(&m, 1, 1.5)));
	assert_true(isnan(life_p_remaining(&m, 1, -2)));
	assert_int_equal(m.seen, 0);
}

static void test_decay_follows_mix(void **state)
{
	struct life_model m;
	int i;

	(void)state;
	life_init(&m, 1, 0.99);
	for (i = 0; i < 2000; i++)
		life_observe(&m, 1000);
	for (i = 0; i < 2000; i++)
		life_observe(&m, 1);
	/* The old long-lived mix is forgotten: without decay half would
	 * survive 10 s; what is left is the smooth Lomax tail. */
	assert_true(life_survival(&m, 10) < 0.05);
	assert_true(m.total < 101);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency_flat),
		cmocka_unit_test(test_latency_rising),
		cmocka_unit_test(test_latency_rejects),
		cmocka_unit_test(test_lomax_alpha),
		cmocka_unit_test(test_empirical_survival),
		cmocka_unit_test(test_no_data_and_invalid),
		cmocka_unit_test(test_decay_follows_mix),
	};

	return cmocka_run_group_tests_name("veerd_connest", tests, NULL, NULL);
}
