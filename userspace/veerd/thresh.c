// SPDX-License-Identifier: GPL-2.0
/*
 * thresh.c: dynamic thresholds (see thresh.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "thresh.h"

void dthresh_params_default(struct dthresh_params *p)
{
	memset(p, 0, sizeof(*p));
	p->quantile = 0.99;
	p->k_sd = 3;
	p->blend = 0.5;
	p->util_target = 0.8;
	p->min_samples = 60;
}

int dthresh_init(struct dthresh *t, unsigned int size)
{
	memset(t, 0, sizeof(*t));
	if (!size || size > 10000000)
		return -EINVAL;
	t->win = calloc(size, sizeof(*t->win));
	t->scratch = calloc(size, sizeof(*t->scratch));
	if (!t->win || !t->scratch) {
		dthresh_free(t);
		return -ENOMEM;
	}
	t->size = size;
	return 0;
}

void dthresh_free(struct dthresh *t)
{
	free(t->win);
	free(t->scratch);
	memset(t, 0, sizeof(*t));
}

/* Running sums drift when values come and go; redo them once a window. */
static void resum(struct dthresh *t)
{
	unsigned int i;

	t->sum = t->sumsq = 0;
	for (i = 0; i < t->n; i++) {
		t->sum += t->win[i];
		t->sumsq += t->win[i] * t->win[i];
	}
	t->since_exact = 0;
}

int dthresh_push(struct dthresh *t, double x)
{
	double old;

	if (!isfinite(x))
		return -EINVAL;
	if (t->n == t->size) {
		old = t->win[t->head];
		t->sum -= old;
		t->sumsq -= old * old;
	} else {
		t->n++;
	}
	t->win[t->head] = x;
	t->sum += x;
	t->sumsq += x * x;
	if (++t->head == t->size)
		t->head = 0;
	if (++t->since_exact >= t->size)
		resum(t);
	return 0;
}

unsigned int dthresh_count(const struct dthresh *t)
{
	return t->n;
}

double dthresh_mean(const struct dthresh *t)
{
	return t->n ? t->sum / t->n : NAN;
}

double dthresh_sd(const struct dthresh *t)
{
	double m, v;

	if (t->n < 2)
		return 0;
	m = t->sum / t->n;
	v = (t->sumsq - t->n * m * m) / (t->n - 1);
	return v > 0 ? sqrt(v) : 0;
}

/* Wirth's selection: the k-th smallest of a[0..n-1], reordering a. */
static double select_kth(double *a, int n, int k)
{
	int l = 0, m = n - 1, i, j;
	double x, tmp;

	while (l < m) {
		x = a[k];
		i = l;
		j = m;
		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				tmp = a[i];
				a[i] = a[j];
				a[j] = tmp;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < k)
			l = i;
		if (k < i)
			m = j;
	}
	return a[k];
}

double dthresh_quantile(const struct dthresh *t, double q)
{
	unsigned int k;

	if (!t->n || !(q >= 0 && q <= 1))
		return NAN;
	memcpy(t->scratch, t->win, t->n * sizeof(*t->win));
	/* Nearest rank: the ceil(q n)-th smallest. */
	k = (unsigned int)ceil(q * t->n);
	k = k ? k - 1 : 0;
	if (k >= t->n)
		k = t->n - 1;
	return select_kth(t->scratch, (int)t->n, (int)k);
}

double dthresh_util_capacity(double load, double util, double target)
{
	/* Below 5% utilisation the ratio is mostly noise. */
	if (!(load > 0) || !(util >= 0.05) || !(target > 0) || util > 1.5)
		return 0;
	return load * target / util;
}

static double history_view(const struct dthresh *t,
			   const struct dthresh_params *p)
{
	double q = dthresh_quantile(t, p->quantile);
	double msd = dthresh_mean(t) + p->k_sd * dthresh_sd(t);

	return q > msd ? q : msd;
}

double dthresh_value(const struct dthresh *t, const struct dthresh_params *p,
		     double util_cap)
{
	double cap = p->cap > 0 ? p->cap : INFINITY;
	double thr, hist;

	if (t->n < p->min_samples || !t->n) {
		thr = cap;
	} else {
		hist = history_view(t, p);
		if (isinf(cap))
			thr = hist;
		else
			thr = p->blend * fmin(hist, cap) +
			      (1 - p->blend) * cap;
	}
	if (p->floor > 0 && thr < p->floor)
		thr = p->floor;
	if (util_cap > 0 && util_cap < cap)
		cap = util_cap;
	return fmin(thr, cap);
}
