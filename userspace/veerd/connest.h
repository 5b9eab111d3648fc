/* SPDX-License-Identifier: GPL-2.0 */
/*
 * connest.h: per-connection estimates.
 *
 * Latency: a connection's RTT samples (from the module's flow profile) feed
 * a tiny Holt filter with an exponentially weighted variance of its
 * one-step errors: 40 bytes per connection, so it scales to every tracked
 * flow where a full forecast series (forecast.h) would not.  From it,
 * P(latency > threshold at some point within the horizon).
 *
 * Lifetime: finished connections' durations feed a per-service model of
 * the lifetime distribution.  The remaining duration of a live connection
 * of age a is predicted from the conditional survival
 *
 *	P(T > a + r | T > a) = S(a + r) / S(a)
 *
 * with S the empirical survival (log-spaced histogram, exponentially
 * decayed so the model follows the traffic mix) while at least
 * LIFE_MIN_TAIL observed lifetimes exceed a, and beyond that a Lomax
 * (Pareto type II) tail S(t) = (1 + t / scale)^-alpha, whose alpha is the
 * maximum-likelihood estimate for the known scale.  Heavy tails are the
 * rule for connection lifetimes: the older a connection, the longer it is
 * likely to last, which is what makes offloading old connections pay.
 */
#ifndef VEERD_CONNEST_H
#define VEERD_CONNEST_H

#include <stdbool.h>
#include <stdint.h>

struct lat_params {
	double alpha, beta;	/* Holt smoothing of the latency */
	double var_alpha;	/* weight of new squared errors */
	unsigned int min_samples;	/* before any probability is given */
};

struct lat_est {
	double level, trend, var;
	uint32_t n;
};

void lat_params_default(struct lat_params *p);
void lat_est_init(struct lat_est *e);
/* NaN, inf and negative samples are rejected (-EINVAL). */
int lat_est_update(struct lat_est *e, const struct lat_params *p, double x);
/*
 * Largest P(latency[t+h] > thresh) over 1 <= h <= horizon samples (sparse
 * grid).  0 before min_samples samples.
 */
double lat_est_prob_exceed(const struct lat_est *e,
			   const struct lat_params *p, double thresh,
			   unsigned int horizon);

#define LIFE_BINS	60	/* half-octaves from LIFE_T0: 10 ms..12 days */
#define LIFE_T0		0.01	/* seconds */
#define LIFE_MIN_TAIL	30	/* observations beyond the age to trust S */

struct life_model {
	double count[LIFE_BINS + 1];	/* last bin: beyond the range */
	double total;
	double scale;			/* Lomax scale, seconds */
	double lomax_sum;		/* decayed sum of ln(1 + t / scale) */
	double decay;			/* per observation, e.g. 0.999 */
	uint64_t seen;
};

void life_init(struct life_model *m, double scale, double decay);
/* A finished connection's lifetime in seconds; -EINVAL when invalid. */
int life_observe(struct life_model *m, double duration);
double life_alpha(const struct life_model *m);
/* P(T > t), empirical where trusted, Lomax beyond. */
double life_survival(const struct life_model *m, double t);
/* P(remaining > r | age). */
double life_p_remaining(const struct life_model *m, double age, double r);
/*
 * Remaining duration r exceeded with probability `conf` by a connection of
 * this age: P(remaining > r | age) = conf.  With no data: 0.
 */
double life_remaining(const struct life_model *m, double age, double conf);

#endif /* VEERD_CONNEST_H */
