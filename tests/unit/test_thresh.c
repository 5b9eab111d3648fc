// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's dynamic thresholds (userspace/veerd/thresh.c).
 */
#include <errno.h>

#include "veerd_test.h"
#include "thresh.h"

static void fill(struct dthresh *t, int n, double start)
{
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(dthresh_push(t, start + i), 0);
}

static void test_window_stats(void **state)
{
	struct dthresh t;

	(void)state;
	assert_int_equal(dthresh_init(&t, 100), 0);
	assert_true(isnan(dthresh_mean(&t)));
	assert_true(isnan(dthresh_quantile(&t, 0.5)));
	fill(&t, 100, 1);		/* 1..100 */
	assert_near(dthresh_mean(&t), 50.5, 1e-12);
	assert_near(dthresh_sd(&t), sqrt(100 * 101 / 12.0), 1e-9);
	assert_near(dthresh_quantile(&t, 0.95), 95, 0);
	assert_near(dthresh_quantile(&t, 0.99), 99, 0);
	assert_near(dthresh_quantile(&t, 1), 100, 0);
	assert_near(dthresh_quantile(&t, 0), 1, 0);
	/* Rolling: 1..100 leave as 101..200 come. */
	fill(&t, 100, 101);
	assert_int_equal(dthresh_count(&t), 100);
	assert_near(dthresh_mean(&t), 150.5, 1e-9);
	assert_near(dthresh_quantile(&t, 0.5), 150, 0);
	assert_int_equal(dthresh_push(&t, NAN), -EINVAL);
	assert_int_equal(dthresh_push(&t, INFINITY), -EINVAL);
	assert_near(dthresh_mean(&t), 150.5, 1e-9);
	dthresh_free(&t);
	assert_int_equal(dthresh_init(&t, 0), -EINVAL);
}

static void test_no_drift(void **state)
{
	struct dthresh t;
	int i;

	(void)state;
	/* Big values come and go; the running sums are redone each window
	 * so the small tail's statistics come out exact. */
	assert_int_equal(dthresh_init(&t, 50), 0);
	for (i = 0; i < 1000; i++)
		dthresh_push(&t, 1e12 + i);
	for (i = 0; i < 50; i++)
		dthresh_push(&t, 3);
	assert_near(dthresh_mean(&t), 3, 1e-9);
	assert_near(dthresh_sd(&t), 0, 1e-6);
	dthresh_free(&t);
}

static void test_util_capacity(void **state)
{
	(void)state;
	/* 600 req/s at 75% CPU reaches the 80% target at 640 req/s. */
	assert_near(dthresh_util_capacity(600, 0.75, 0.8), 640, 1e-9);
	assert_near(dthresh_util_capacity(600, 0.01, 0.8), 0, 0);
	assert_near(dthresh_util_capacity(0, 0.5, 0.8), 0, 0);
	assert_near(dthresh_util_capacity(600, NAN, 0.8), 0, 0);
	assert_near(dthresh_util_capacity(600, 0.5, 0), 0, 0);
}

static void test_value(void **state)
{
	struct dthresh_params p;
	struct dthresh t;
	double hist;

	(void)state;
	dthresh_params_default(&p);
	p.min_samples = 50;
	assert_int_equal(dthresh_init(&t, 100), 0);

	/* Too little history: the cap, or nothing (+inf) without one. */
	fill(&t, 10, 1);
	assert_true(isinf(dthresh_value(&t, &p, 0)));
	p.cap = 500;
	assert_near(dthresh_value(&t, &p, 0), 500, 0);

	fill(&t, 90, 11);		/* 1..100 */
	hist = fmax(dthresh_quantile(&t, 0.99),
		    dthresh_mean(&t) + 3 * dthresh_sd(&t));
	assert_near(hist, 50.5 + 3 * sqrt(100 * 101 / 12.0), 1e-9);

	p.cap = 0;
	assert_near(dthresh_value(&t, &p, 0), hist, 1e-9);
	p.cap = 500;
	p.blend = 1;
	assert_near(dthresh_value(&t, &p, 0), hist, 1e-9);
	p.blend = 0;
	assert_near(dthresh_value(&t, &p, 0), 500, 1e-9);
	p.blend = 0.5;
	assert_near(dthresh_value(&t, &p, 0), (hist + 500) / 2, 1e-9);
	/* History above the cap never lifts the threshold over it. */
	p.cap = 100;
	assert_near(dthresh_value(&t, &p, 0), 100, 1e-9);
	/* The utilisation estimate lowers it, never raises it. */
	assert_near(dthresh_value(&t, &p, 80), 80, 1e-9);
	assert_near(dthresh_value(&t, &p, 1000), 100, 1e-9);
	/* The floor lifts a quiet history, under the cap. */
	p.cap = 0;
	p.floor = 1000;
	assert_near(dthresh_value(&t, &p, 0), 1000, 1e-9);
	assert_near(dthresh_value(&t, &p, 700), 700, 1e-9);
	dthresh_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_stats),
		cmocka_unit_test(test_no_drift),
		cmocka_unit_test(test_util_capacity),
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests_name("veerd_thresh", tests, NULL, NULL);
}
