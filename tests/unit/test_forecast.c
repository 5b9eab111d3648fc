// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's forecasting library: every model on a series with
 * a known answer, model selection, calibrated intervals, breach
 * probabilities, the anomaly band, and hostile input.
 */
#include <errno.h>
#include <string.h>

#include "veerd_test.h"
#include "fc_models.h"
#include "forecast.h"

static struct fc_params only(unsigned int mask)
{
	struct fc_params p;

	fc_params_default(&p);
	p.models = mask;
	return p;
}

static struct fc_series *feed_noise(const struct fc_params *p, double mean,
				    double sd, int n, uint64_t seed)
{
	struct fc_series *s = fc_series_new(p);
	struct trng r = { seed };
	int i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		assert_int_equal(fc_update(s, mean + sd * trng_normal(&r)), 0);
	return s;
}

/* ---- normal distribution -------------------------------------------- */

static void test_norm(void **state)
{
	(void)state;
	assert_near(fc_norm_quantile(0.95), 1.6448536269514722, 1e-12);
	assert_near(fc_norm_quantile(0.975), 1.959963984540054, 1e-12);
	assert_near(fc_norm_quantile(0.5), 0, 1e-15);
	assert_near(fc_norm_quantile(0.001), -3.090232306167813, 1e-11);
	assert_near(fc_norm_quantile(1e-10), -6.361340902404056, 1e-8);
	assert_true(isinf(fc_norm_quantile(0)));
	assert_true(isinf(fc_norm_quantile(1)));
	assert_near(fc_norm_cdf(1.959963984540054), 0.975, 1e-14);
	assert_near(fc_norm_cdf(0), 0.5, 1e-15);
}

/* ---- models on known series ----------------------------------------- */

static void test_ewma_step(void **state)
{
	struct fc_ewma m;
	int i;

	(void)state;
	fc_ewma_init(&m, 0.5);
	fc_ewma_update(&m, 0);
	for (i = 1; i <= 10; i++) {
		fc_ewma_update(&m, 1);
		assert_near(fc_ewma_forecast(&m), 1 - pow(0.5, i), 1e-15);
	}
	assert_near(fc_ewma_var_ratio(&m, 1), 1, 0);
	assert_near(fc_ewma_var_ratio(&m, 5), 1 + 4 * 0.25, 1e-15);
}

static void test_holt_ramp_exact(void **state)
{
	static const unsigned int hz[FC_NHORIZ] = { 1, 10, 100 };
	struct fc_params p = only(FC_MASK(FC_HOLT));
	struct fc_series *s;
	struct fc_point pt;
	struct fc_holt m;
	int t;
	unsigned int h;

	(void)state;
	fc_holt_init(&m, 0.5, 0.3, 1.0, hz);
	for (t = 0; t < 400; t++)
		fc_holt_update(&m, 5 + 2.0 * t);
	for (h = 1; h <= 100; h += 9)
		assert_near(fc_holt_forecast(&m, h), 5 + 2.0 * (399 + h), 1e-6);
	assert_near(fc_holt_forecast_tracked(&m, 2), 5 + 2.0 * 499, 1e-6);

	/* The same through a series, intervals shrinking to nothing. */
	p.holt_phi = 1;
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 4000; t++)
		assert_int_equal(fc_update(s, 5 + 2.0 * t), 0);
	assert_int_equal(fc_forecast(s, 30, &pt), 0);
	assert_near(pt.mean, 5 + 2.0 * 4029, 1e-6);
	assert_true(pt.hi - pt.lo < 1e-3);
	fc_series_free(s);
}

static void test_holt_damped(void **state)
{
	static const unsigned int hz[FC_NHORIZ] = { 1, 2, 3 };
	struct fc_holt m;

	(void)state;
	fc_holt_init(&m, 0.3, 0.1, 0.9, hz);
	m.init = true;
	m.level = 100;
	m.trend = 1;
	/* phi + ... + phi^h -> phi / (1 - phi) = 9 */
	assert_near(fc_holt_forecast(&m, 1), 100.9, 1e-12);
	assert_near(fc_holt_forecast(&m, 2), 100 + 0.9 + 0.81, 1e-12);
	assert_near(fc_holt_forecast(&m, 10000), 109, 1e-9);
	assert_near(fc_holt_forecast_tracked(&m, 2),
		    fc_holt_forecast(&m, 3), 1e-12);
}

static double seasonal(int t)
{
	static const double s[12] = { -5, -3, 0, 2, 6, 9, 7, 3, 0, -4, -7, -8 };

	return 20 + s[t % 12];
}

static void test_hw_pure_seasonal(void **state)
{
	double season[12];
	struct fc_hw m;
	int t;
	unsigned int h;

	(void)state;
	fc_hw_init(&m, 0.3, 0.1, 0.2, 12, season);
	for (t = 0; t < 11; t++) {
		fc_hw_update(&m, seasonal(t));
		assert_false(fc_hw_ready(&m));
	}
	for (; t < 100; t++) {
		fc_hw_update(&m, seasonal(t));
		assert_true(fc_hw_ready(&m));
		for (h = 1; h <= 30; h++)
			assert_near(fc_hw_forecast(&m, h),
				    seasonal(t + (int)h), 1e-9);
	}
	/* Within one season the variance shape is Holt's. */
	assert_near(fc_hw_var_ratio(&m, 12), fc_holt_var_ratio(0.3, 0.1, 12),
		    1e-12);
	assert_true(fc_hw_var_ratio(&m, 13) > fc_holt_var_ratio(0.3, 0.1, 13));
}

static void test_hw_series_selected(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct trng r = { 7 };
	struct fc_point pt;
	int t;

	(void)state;
	fc_params_default(&p);
	p.hw_period = 24;
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 24 * 200; t++)
		fc_update(s, 100 + 30 * sin(2 * M_PI * t / 24) +
			  trng_normal(&r));
	assert_int_equal(fc_selected(s), FC_HW);
	assert_int_equal(fc_forecast(s, 6, &pt), 0);
	assert_near(pt.mean, 100 + 30 * sin(2 * M_PI * (t + 5) / 24), 1.5);
	fc_series_free(s);
}

static void test_levinson_ar2(void **state)
{
	double phi1 = 0.5, phi2 = -0.3, c[4], phi[3], s2;
	double r1 = phi1 / (1 - phi2), r2 = phi1 * r1 + phi2;

	(void)state;
	c[0] = 1;
	c[1] = r1;
	c[2] = r2;
	c[3] = phi1 * r2 + phi2 * r1;
	assert_int_equal(fc_levinson(c, 3, phi, &s2), 3);
	assert_near(phi[0], phi1, 1e-12);
	assert_near(phi[1], phi2, 1e-12);
	assert_near(phi[2], 0, 1e-12);
	/* Innovation variance: c0 (1 - r1 phi1 - r2 phi2). */
	assert_near(s2, 1 - r1 * phi1 - r2 * phi2, 1e-12);
}

static void test_ar1_recovers_coefficient(void **state)
{
	struct fc_params p = only(FC_MASK(FC_AR));
	struct fc_series *s;
	struct trng r = { 42 };
	double x = 0, phi[FC_AR_MAX];
	struct fc_point pt;
	int t;

	(void)state;
	p.ar_order = 1;
	p.ar_window = 4000;
	p.ar_refit = 100;
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 8000; t++) {
		x = 0.7 * x + trng_normal(&r);
		fc_update(s, 50 + x);
	}
	assert_int_equal(fc_ar_coef(s, phi, FC_AR_MAX), 1);
	assert_near(phi[0], 0.7, 0.03);
	/* One step ahead: mean + phi (x - mean). */
	assert_int_equal(fc_forecast(s, 1, &pt), 0);
	assert_near(pt.mean, 50 + phi[0] * x, 0.2);
	/* Far ahead: the mean, with the AR(1) variance 1 / (1 - phi^2). */
	assert_int_equal(fc_forecast(s, 200, &pt), 0);
	assert_near(pt.mean, 50, 0.2);
	fc_series_free(s);
}

static void test_ar_constant_series(void **state)
{
	struct fc_params p = only(FC_MASK(FC_AR) | FC_MASK(FC_EWMA));
	struct fc_series *s;
	struct fc_point pt;
	double phi[FC_AR_MAX];
	int t;

	(void)state;
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 2000; t++)
		assert_int_equal(fc_update(s, 42), 0);
	assert_int_equal(fc_ar_coef(s, phi, FC_AR_MAX), 0);
	assert_int_equal(fc_forecast_model(s, FC_AR, 7, &pt), 0);
	assert_near(pt.mean, 42, 1e-12);
	assert_true(isfinite(pt.lo) && isfinite(pt.hi) && isfinite(pt.sd));
	assert_int_equal(fc_forecast(s, 120, &pt), 0);
	assert_near(pt.mean, 42, 1e-12);
	assert_true(isfinite(pt.hi) && pt.hi - pt.lo < 1e-3);
	fc_series_free(s);
}

static void test_rejects_hostile_values(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_point a, b;
	const double bad[] = { NAN, INFINITY, -INFINITY, 1e300, -2e15 };
	size_t i;

	(void)state;
	fc_params_default(&p);
	s = feed_noise(&p, 10, 1, 500, 3);
	assert_int_equal(fc_forecast(s, 5, &a), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fc_update(s, bad[i]), -EINVAL);
	assert_int_equal(fc_count(s), 500);
	assert_int_equal(fc_forecast(s, 5, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* Large but accepted values keep everything finite. */
	assert_int_equal(fc_update(s, 9e14), 0);
	assert_int_equal(fc_forecast(s, 5, &b), 0);
	assert_true(isfinite(b.mean) && isfinite(b.hi));
	fc_series_free(s);
}

static void test_bad_params(void **state)
{
	struct fc_params p;
	const char *why = NULL;

	(void)state;
	fc_params_default(&p);
	assert_int_equal(fc_params_check(&p, &why), 0);
	assert_null(why);

	p.ewma_alpha = 0;
	assert_int_equal(fc_params_check(&p, &why), -EINVAL);
	assert_non_null(why);
	assert_null(fc_series_new(&p));

	fc_params_default(&p);
	p.horizons[1] = 200;	/* above horizons[2] */
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
	fc_params_default(&p);
	p.horizons[0] = 2;
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
	fc_params_default(&p);
	p.ar_order = FC_AR_MAX + 1;
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
	fc_params_default(&p);
	p.level = 1;
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
	fc_params_default(&p);
	p.models = 0;
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
	fc_params_default(&p);
	p.anom_need = 3;
	p.anom_window = 2;
	assert_int_equal(fc_params_check(&p, NULL), -EINVAL);
}

static void test_query_errors(void **state)
{
	struct fc_params p = only(FC_MASK(FC_AR) | FC_MASK(FC_EWMA));
	struct fc_series *s = fc_series_new(&p);
	struct fc_point pt;
	struct fc_breach b;

	(void)state;
	assert_non_null(s);
	assert_int_equal(fc_forecast(s, 1, &pt), -EAGAIN);
	fc_update(s, 1);
	assert_int_equal(fc_forecast(s, 0, &pt), -EINVAL);
	assert_int_equal(fc_forecast(s, FC_HORIZON_MAX + 1, &pt), -EINVAL);
	assert_int_equal(fc_forecast_model(s, FC_AR, 1, &pt), -EAGAIN);
	assert_int_equal(fc_forecast_model(s, FC_NMODELS, 1, &pt), -EINVAL);
	assert_int_equal(fc_breach(s, 0, 1, &b), -EINVAL);
	assert_int_equal(fc_model_parse("holt"), FC_HOLT);
	assert_int_equal(fc_model_parse("arima"), -1);
	assert_string_equal(fc_model_name(FC_HW), "hw");
	fc_series_free(s);
}

/* ---- selection -------------------------------------------------------- */

static void test_selects_holt_on_ramp(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct trng r = { 11 };
	int t;

	(void)state;
	fc_params_default(&p);
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 4000; t++)
		fc_update(s, 100 + 0.5 * t + 2 * trng_normal(&r));
	assert_int_equal(fc_selected(s), FC_HOLT);
	fc_series_free(s);
}

static void test_selection_hysteresis(void **state)
{
	struct fc_params p;
	struct fc_series *s0, *s1;

	(void)state;
	/* White noise: EWMA and AR are nearly as good; a margin stops the
	 * selection from flapping between them. */
	fc_params_default(&p);
	p.select_margin = 0;
	s0 = feed_noise(&p, 100, 10, 20000, 5);
	p.select_margin = 0.10;
	s1 = feed_noise(&p, 100, 10, 20000, 5);
	assert_true(fc_switches(s1) <= fc_switches(s0));
	assert_true(fc_switches(s1) < 100);	/* < 0.5% of steps */
	assert_int_not_equal(fc_selected(s1), FC_HOLT);
	fc_series_free(s0);
	fc_series_free(s1);
}

/* ---- intervals -------------------------------------------------------- */

static void test_coverage_gaussian(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	uint64_t n;
	unsigned int k;

	(void)state;
	fc_params_default(&p);
	s = feed_noise(&p, 100, 10, 30000, 9);
	for (k = 0; k < FC_NHORIZ; k++) {
		assert_in_range((long)(1000 * fc_coverage(s, k, &n)), 880, 920);
		assert_true(n > 29000);
	}
	fc_series_free(s);
}

static void test_coverage_heavy_tails(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct trng r = { 13 };
	double u;
	int t;

	(void)state;
	/* Laplace noise: normal intervals of the right sd would cover 92.6%;
	 * the online calibration brings them back to 90%. */
	fc_params_default(&p);
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 30000; t++) {
		u = trng_unif(&r) - 0.5;
		fc_update(s, 100 - 10 * (u < 0 ? -1 : 1) *
			  log(1 - 2 * fabs(u)));
	}
	assert_in_range((long)(1000 * fc_coverage(s, 0, NULL)), 885, 915);
	assert_in_range((long)(1000 * fc_coverage(s, 2, NULL)), 885, 915);
	fc_series_free(s);
}

/* ---- breach probability ---------------------------------------------- */

static void test_breach_probability(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_breach b1, b50, lo, hi;

	(void)state;
	fc_params_default(&p);
	s = feed_noise(&p, 100, 10, 10000, 21);
	assert_int_equal(fc_breach(s, 1, 100 + 1.645 * 10, &b1), 0);
	assert_near(b1.prob_max, 0.05, 0.03);
	assert_near(b1.prob, b1.prob_max, 1e-3);
	/* Any of 50 steps exceeding is far likelier than one of them. */
	assert_int_equal(fc_breach(s, 50, 100 + 1.645 * 10, &b50), 0);
	assert_true(b50.prob > 0.5);
	assert_true(b50.prob > 5 * b50.prob_max);
	assert_int_equal(fc_breach(s, 50, 200, &hi), 0);
	assert_true(hi.prob < 1e-6);
	assert_int_equal(fc_breach(s, 50, 60, &lo), 0);
	assert_true(lo.prob > 0.99);
	assert_true(hi.peak_hi < 200 && hi.peak_mean < 110);
	fc_series_free(s);
}

/*
 * Against a known answer: for white noise N(100, 10^2), P(any of 50 values
 * > 100 + 2.326 * 10) = 1 - 0.99^50 = 0.395 (the fitted level is nearly
 * exact after 10,000 values).
 */
static void test_breach_known(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_breach b;

	(void)state;
	fc_params_default(&p);
	s = feed_noise(&p, 100, 10, 10000, 25);
	assert_int_equal(fc_breach(s, 50, 100 + 2.3263 * 10, &b), 0);
	assert_near(b.prob, 1 - pow(0.99, 50), 0.08);
	fc_series_free(s);
}

/*
 * Where the level error dominates (a random walk: every horizon shares
 * it), P(any | level shift) is nearly a step in the shift, and a coarse
 * quadrature turned P(any) into a staircase (5 Gauss-Hermite nodes:
 * little else than 0.23, 0.77 and 0.99).  It must fall smoothly with the
 * threshold.
 */
static void test_breach_smooth(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_breach b;
	struct fc_point f;
	struct trng r = { 27 };
	double level = 1000, prev, lo, step;
	unsigned int i, mid = 0;

	(void)state;
	fc_params_default(&p);
	p.models = FC_MASK(FC_EWMA);
	s = fc_series_new(&p);
	assert_non_null(s);
	for (i = 0; i < 5000; i++) {
		level += 5 * trng_normal(&r);
		assert_int_equal(fc_update(s, level + trng_normal(&r)), 0);
	}
	assert_int_equal(fc_forecast(s, 120, &f), 0);
	step = f.sd / 10;
	lo = fc_last(s) + step;
	assert_int_equal(fc_breach(s, 120, lo, &b), 0);
	prev = b.prob;
	for (i = 0; i < 80; i++) {
		assert_int_equal(fc_breach(s, 120, lo + i * step, &b), 0);
		assert_true(b.prob <= prev + 1e-12);
		assert_true(prev - b.prob < 0.1);
		mid += b.prob > 0.05 && b.prob < 0.95;
		prev = b.prob;
	}
	/* The 0.05..0.95 range spans many thresholds, not one jump. */
	assert_true(mid >= 10);
	assert_true(prev < 0.05);
	fc_series_free(s);
}

static void test_max_quantile(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_breach b;
	double q;

	(void)state;
	fc_params_default(&p);
	s = feed_noise(&p, 100, 10, 10000, 23);
	assert_int_equal(fc_max_quantile(s, 60, 0.95, &q), 0);
	assert_int_equal(fc_breach(s, 60, q, &b), 0);
	assert_near(b.prob, 0.05, 0.002);
	/* Max of many steps sits above the one-step 95% bound. */
	assert_true(q > 100 + 1.645 * 10);
	assert_int_equal(fc_max_quantile(s, 60, 1.0, &q), -EINVAL);
	fc_series_free(s);
}

/* ---- anomaly band ----------------------------------------------------- */

static void test_anomaly_surge(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	const struct fc_anomaly *a;
	struct trng r = { 31 };
	int t, fired = 0;

	(void)state;
	fc_params_default(&p);
	s = fc_series_new(&p);
	assert_non_null(s);
	for (t = 0; t < 5000; t++) {
		fc_update(s, 100 + 5 * trng_normal(&r));
		fired += fc_anomaly(s)->active;
	}
	/* delta 3 on a mean absolute deviation is ~2.4 sd: ~0.8% fire. */
	assert_true(fired < 5000 * 0.02);
	fc_update(s, 200);
	a = fc_anomaly(s);
	assert_true(a->active && a->surge && !a->drop);
	assert_true(a->severity > 1 && a->severity <= 5);
	assert_true(a->upper < 200 && a->expected < 110);
	fc_update(s, 0);
	a = fc_anomaly(s);
	assert_true(a->drop && !a->surge);
	assert_near(a->severity, 0, 0);
	fc_series_free(s);
}

static void test_anomaly_needs_window(void **state)
{
	struct fc_params p;
	struct fc_series *s;

	(void)state;
	fc_params_default(&p);
	p.anom_need = 2;
	p.anom_window = 3;
	s = feed_noise(&p, 100, 5, 3000, 37);
	fc_update(s, 200);
	assert_true(fc_anomaly(s)->surge);
	assert_false(fc_anomaly(s)->active);
	fc_update(s, 200);
	assert_true(fc_anomaly(s)->active);
	fc_series_free(s);
}

/* A flat (idle) series has no deviation: the floor keeps its first small
 * values from being surges, and larger ones still are. */
static void test_anomaly_floor(void **state)
{
	struct fc_params p;
	struct fc_series *s, *nofloor;
	int t;

	(void)state;
	fc_params_default(&p);
	nofloor = fc_series_new(&p);
	p.anom_floor = 2;
	s = fc_series_new(&p);
	assert_non_null(s);
	assert_non_null(nofloor);
	for (t = 0; t < 100; t++) {
		fc_update(s, 0);
		fc_update(nofloor, 0);
	}
	fc_update(nofloor, 1);
	assert_true(fc_anomaly(nofloor)->surge);
	assert_near(fc_anomaly(nofloor)->severity, 5, 0);
	fc_update(s, 1);
	assert_false(fc_anomaly(s)->surge);
	assert_near(fc_anomaly(s)->upper - fc_anomaly(s)->expected, 2, 1e-9);
	fc_update(s, 5);
	assert_true(fc_anomaly(s)->surge && fc_anomaly(s)->active);
	/* The floor of a live series follows a moving threshold. */
	assert_int_equal(fc_set_anomaly_floor(s, 100), 0);
	fc_update(s, 50);
	assert_false(fc_anomaly(s)->surge);
	assert_int_equal(fc_set_anomaly_floor(s, -1), -EINVAL);
	assert_int_equal(fc_set_anomaly_floor(s, NAN), -EINVAL);
	fc_series_free(s);
	fc_series_free(nofloor);
}

static void test_reset_and_size(void **state)
{
	struct fc_params p;
	struct fc_series *s;
	struct fc_point pt;

	(void)state;
	fc_params_default(&p);
	p.hw_period = 100;
	assert_true(fc_series_size(&p) > 100 * sizeof(double));
	s = feed_noise(&p, 5, 1, 300, 41);
	fc_series_reset(s);
	assert_int_equal(fc_count(s), 0);
	assert_int_equal(fc_forecast(s, 1, &pt), -EAGAIN);
	fc_update(s, 3);
	assert_int_equal(fc_forecast(s, 1, &pt), 0);
	assert_near(pt.mean, 3, 0);
	fc_series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_ewma_step),
		cmocka_unit_test(test_holt_ramp_exact),
		cmocka_unit_test(test_holt_damped),
		cmocka_unit_test(test_hw_pure_seasonal),
		cmocka_unit_test(test_hw_series_selected),
		cmocka_unit_test(test_levinson_ar2),
		cmocka_unit_test(test_ar1_recovers_coefficient),
		cmocka_unit_test(test_ar_constant_series),
		cmocka_unit_test(test_rejects_hostile_values),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_query_errors),
		cmocka_unit_test(test_selects_holt_on_ramp),
		cmocka_unit_test(test_selection_hysteresis),
		cmocka_unit_test(test_coverage_gaussian),
		cmocka_unit_test(test_coverage_heavy_tails),
		cmocka_unit_test(test_breach_probability),
		cmocka_unit_test(test_breach_known),
		cmocka_unit_test(test_breach_smooth),
		cmocka_unit_test(test_max_quantile),
		cmocka_unit_test(test_anomaly_surge),
		cmocka_unit_test(test_anomaly_needs_window),
		cmocka_unit_test(test_anomaly_floor),
		cmocka_unit_test(test_reset_and_size),
	};

	return cmocka_run_group_tests_name("veerd_forecast", tests, NULL, NULL);
}
