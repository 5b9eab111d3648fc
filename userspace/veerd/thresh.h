/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thresh.h: dynamic thresholds from a series' history and current load.
 *
 * A fixed number is a poor overload threshold: what a host can take moves
 * with its hardware, its mix of requests and what else runs on it.  veerd
 * combines three views:
 *
 *   history   the window's high quantile and mean + k * sd: "unusually
 *             high for this host" (the larger of the two);
 *   cap       the operator's fixed cap (capacity), never exceeded;
 *   current   a capacity estimate from current utilisation: when the
 *             host reports CPU (or another resource) at utilisation u while
 *             carrying load L, it would reach `util_target` at about
 *             L * util_target / u.
 *
 *   thr = blend * min(history, cap) + (1 - blend) * cap      (cap set)
 *       = history                                            (no cap)
 *   thr = min(max(thr, floor), cap, current estimate)
 *
 * While the window holds fewer than `min_samples` values the history view
 * is not trusted and thr is the cap (or +inf with no cap).
 */
#ifndef VEERD_THRESH_H
#define VEERD_THRESH_H

#include <stdbool.h>

struct dthresh_params {
	double quantile;	/* of the window, e.g. 0.99 */
	double k_sd;		/* mean + k * sd */
	double cap;		/* fixed cap, 0: none */
	double blend;		/* weight of history in [0, 1] */
	double floor;		/* lowest threshold, 0: none */
	double util_target;	/* utilisation to aim at, 0: unused */
	unsigned int min_samples;
};

struct dthresh {
	unsigned int size, n, head;
	unsigned int since_exact;
	double sum, sumsq;
	double *win;		/* [size] */
	double *scratch;	/* [size], for the quantile */
};

void dthresh_params_default(struct dthresh_params *p);
int dthresh_init(struct dthresh *t, unsigned int size);
void dthresh_free(struct dthresh *t);
/* NaN/inf are ignored (-EINVAL). */
int dthresh_push(struct dthresh *t, double x);
unsigned int dthresh_count(const struct dthresh *t);
double dthresh_mean(const struct dthresh *t);
double dthresh_sd(const struct dthresh *t);
/* Nearest-rank quantile of the window; NaN when empty. */
double dthresh_quantile(const struct dthresh *t, double q);
/* Capacity estimate from utilisation; 0 when not computable. */
double dthresh_util_capacity(double load, double util, double target);
/* The threshold; util_cap from dthresh_util_capacity() or 0. */
double dthresh_value(const struct dthresh *t, const struct dthresh_params *p,
		     double util_cap);

#endif /* VEERD_THRESH_H */
