// SPDX-License-Identifier: GPL-2.0
/*
 * fc_models.c: EWMA, Holt, additive Holt-Winters and AR(p) models.
 *
 * Variance shapes follow Hyndman, Koehler, Ord & Snyder, "Forecasting with
 * Exponential Smoothing" (2008), table 6.1, for the ETS(A,N,N), (A,A,N)
 * and (A,A,A) state-space forms; the classical smoothing parameters used
 * here map to theirs as beta_ets = alpha * beta, gamma_ets = (1 - alpha) *
 * gamma.
 */
#include <math.h>
#include <string.h>

#include "fc_models.h"

/* ---- EWMA ---------------------------------------------------------- */

void fc_ewma_init(struct fc_ewma *m, double alpha)
{
	memset(m, 0, sizeof(*m));
	m->alpha = alpha;
}

void fc_ewma_update(struct fc_ewma *m, double y)
{
	if (!m->init) {
		m->level = y;
		m->init = true;
		return;
	}
	m->level += m->alpha * (y - m->level);
}

double fc_ewma_forecast(const struct fc_ewma *m)
{
	return m->level;
}

double fc_ewma_var_ratio(const struct fc_ewma *m, unsigned int h)
{
	return 1.0 + (h - 1.0) * m->alpha * m->alpha;
}

/* ---- Holt (damped when phi < 1) ------------------------------------- */

static double damp_sum(double phi, unsigned int h);

void fc_holt_init(struct fc_holt *m, double alpha, double beta, double phi,
		  const unsigned int *horizons)
{
	unsigned int k;

	memset(m, 0, sizeof(*m));
	m->alpha = alpha;
	m->beta = beta;
	m->phi = phi;
	m->horizons = horizons;
	for (k = 0; k < FC_NHORIZ; k++)
		m->damp[k] = damp_sum(phi, horizons[k]);
}

void fc_holt_update(struct fc_holt *m, double y)
{
	double prev;

	/*
	 * Start flat: a trend taken from the first difference is mostly
	 * noise and takes 1/beta steps to forget.
	 */
	if (!m->init) {
		m->level = y;
		m->trend = 0;
		m->init = true;
		return;
	}
	prev = m->level;
	m->level = m->alpha * y +
		   (1 - m->alpha) * (m->level + m->phi * m->trend);
	m->trend = m->beta * (m->level - prev) +
		   (1 - m->beta) * m->phi * m->trend;
}

/* phi + phi^2 + ... + phi^h */
static double damp_sum(double phi, unsigned int h)
{
	if (phi >= 1.0)
		return h;
	return phi * (1 - pow(phi, h)) / (1 - phi);
}

double fc_holt_forecast(const struct fc_holt *m, unsigned int h)
{
	return m->level + damp_sum(m->phi, h) * m->trend;
}

double fc_holt_forecast_tracked(const struct fc_holt *m, unsigned int k)
{
	return m->level + m->damp[k] * m->trend;
}

double fc_holt_var_ratio(double alpha, double beta, unsigned int h)
{
	double b = alpha * beta;	/* ETS form of the trend weight */
	double hh = h;

	return 1.0 + (hh - 1) * (alpha * alpha + alpha * b * hh +
				 b * b * hh * (2 * hh - 1) / 6);
}

/* ---- additive Holt-Winters ------------------------------------------ */

void fc_hw_init(struct fc_hw *m, double alpha, double beta, double gamma,
		unsigned int period, double *season)
{
	memset(m, 0, sizeof(*m));
	m->alpha = alpha;
	m->beta = beta;
	m->gamma = gamma;
	m->period = period;
	m->season = season;
	if (season)
		memset(season, 0, period * sizeof(*season));
}

bool fc_hw_ready(const struct fc_hw *m)
{
	return m->period && m->t >= m->period;
}

/*
 * The first season only records values: the level starts at its mean and
 * each phase's offset from that mean seeds the seasonal index.  This is
 * the usual simple initialisation; the trend starts at zero.
 */
static void hw_warm(struct fc_hw *m, double y)
{
	unsigned int i;

	m->season[m->t] = y;
	m->warm_sum += y;
	m->level = y;
	if (m->t + 1 < m->period)
		return;
	m->level = m->warm_sum / m->period;
	m->trend = 0;
	for (i = 0; i < m->period; i++)
		m->season[i] -= m->level;
}

void fc_hw_update(struct fc_hw *m, double y)
{
	unsigned int i;
	double prev, s;

	if (!m->period)
		return;
	if (m->t < m->period) {
		hw_warm(m, y);
		m->t++;
		return;
	}
	i = m->t % m->period;
	s = m->season[i];
	prev = m->level;
	m->level = m->alpha * (y - s) +
		   (1 - m->alpha) * (m->level + m->trend);
	m->trend = m->beta * (m->level - prev) + (1 - m->beta) * m->trend;
	m->season[i] = m->gamma * (y - m->level) + (1 - m->gamma) * s;
	m->t++;
}

double fc_hw_forecast(const struct fc_hw *m, unsigned int h)
{
	uint64_t phase;

	if (!fc_hw_ready(m))
		return m->level;
	/* m->t values seen: the next one has phase t % period. */
	phase = (m->t + h - 1) % m->period;
	return m->level + (double)h * m->trend + m->season[phase];
}

double fc_hw_var_ratio(const struct fc_hw *m, unsigned int h)
{
	double g = (1 - m->alpha) * m->gamma;	/* ETS form */
	double b = m->alpha * m->beta;
	double k = m->period ? (double)((h - 1) / m->period) : 0;

	return fc_holt_var_ratio(m->alpha, m->beta, h) +
	       g * k * (2 * m->alpha + g + b * m->period * (k + 1));
}

/* ---- AR(p) on a sliding window -------------------------------------- */

void fc_ar_init(struct fc_ar *m, unsigned int order, unsigned int window,
		unsigned int refit, double *buf, const unsigned int *horizons)
{
	memset(m, 0, sizeof(*m));
	m->order = order;
	m->window = window;
	m->refit = refit;
	m->buf = buf;
	m->horizons = horizons;
}

bool fc_ar_ready(const struct fc_ar *m)
{
	return m->fitted;
}

/* The window, oldest first: count values. */
static const double *ar_values(const struct fc_ar *m)
{
	return m->buf + m->head + m->window - m->count;
}

/* The value j steps back from the newest (j = 0: newest, j < count). */
static double ar_back(const struct fc_ar *m, unsigned int j)
{
	return m->buf[m->head + m->window - 1 - j];
}

unsigned int fc_levinson(const double *c, unsigned int p, double *phi,
			 double *sigma2)
{
	double a[FC_AR_MAX], tmp[FC_AR_MAX], err = c[0], acc, k;
	unsigned int i, j, used = 0;

	memset(a, 0, sizeof(a));
	for (i = 1; i <= p && err > 0; i++) {
		acc = c[i];
		for (j = 1; j < i; j++)
			acc -= a[j - 1] * c[i - j];
		k = acc / err;
		/* |k| >= 1 only happens on numerically broken input. */
		if (!isfinite(k) || fabs(k) >= 1.0)
			break;
		for (j = 1; j < i; j++)
			tmp[j - 1] = a[j - 1] - k * a[i - j - 1];
		memcpy(a, tmp, (i - 1) * sizeof(*a));
		a[i - 1] = k;
		err *= 1 - k * k;
		used = i;
	}
	memcpy(phi, a, p * sizeof(*phi));
	*sigma2 = err > 0 ? err : 0;
	return used;
}

/* Biased (divide by n) autocovariances: positive semi-definite, so the
 * Levinson recursion yields a stationary model. */
static void ar_autocov(const struct fc_ar *m, double mean, double *c)
{
	const double *x = ar_values(m);
	unsigned int i, k, n = m->count;
	double acc;

	for (k = 0; k <= m->order; k++) {
		acc = 0;
		for (i = k; i < n; i++)
			acc += (x[i] - mean) * (x[i - k] - mean);
		c[k] = acc / n;
	}
}

/*
 * Weights of the h-step forecast on the last p deviations, for each
 * tracked horizon: F_h = sum_i phi_i F_{h-i}, with F_{h<=0} the unit
 * vector picking the observed deviation.  O(H * p^2) once per refit so
 * the per-update forecasts cost O(p) each.
 */
static void ar_weights(struct fc_ar *m)
{
	double f[FC_AR_MAX][FC_AR_MAX], cur[FC_AR_MAX];
	unsigned int p = m->p, hmax = m->horizons[FC_NHORIZ - 1];
	unsigned int h, i, j, k = 0, slot;

	memset(m->w, 0, sizeof(m->w));
	if (!p)
		return;
	for (h = 1; h <= hmax && k < FC_NHORIZ; h++) {
		memset(cur, 0, sizeof(cur));
		for (i = 1; i <= p; i++) {
			if (i >= h) {	/* observed: deviation i - h back */
				cur[i - h] += m->phi[i - 1];
				continue;
			}
			slot = (h - i) % FC_AR_MAX;
			for (j = 0; j < p; j++)
				cur[j] += m->phi[i - 1] * f[slot][j];
		}
		memcpy(f[h % FC_AR_MAX], cur, sizeof(cur));
		while (k < FC_NHORIZ && m->horizons[k] == h)
			memcpy(m->w[k++], cur, sizeof(cur));
	}
}

void fc_ar_fit(struct fc_ar *m)
{
	double c[FC_AR_MAX + 1], sum = 0, mean, s2;
	const double *x = ar_values(m);
	unsigned int i;

	m->since_fit = 0;
	if (m->count < 2 * m->order + 2)
		return;
	for (i = 0; i < m->count; i++)
		sum += x[i];
	mean = sum / m->count;
	ar_autocov(m, mean, c);
	if (!isfinite(c[0]))
		return;
	m->mean = mean;
	m->fitted = true;
	memset(m->phi, 0, sizeof(m->phi));
	/* A (numerically) constant window: forecast its mean. */
	if (c[0] <= 1e-12 * (mean * mean + 1e-12)) {
		m->p = 0;
		m->sigma2 = 0;
		ar_weights(m);
		return;
	}
	m->p = fc_levinson(c, m->order, m->phi, &s2);
	m->sigma2 = s2;
	ar_weights(m);
}

void fc_ar_update(struct fc_ar *m, double y)
{
	m->buf[m->head] = y;
	m->buf[m->head + m->window] = y;
	if (++m->head == m->window)
		m->head = 0;
	if (m->count < m->window)
		m->count++;
	m->since_fit++;
	if (!m->fitted ? m->count >= 2 * m->order + 2 :
			 m->since_fit >= m->refit)
		fc_ar_fit(m);
}

double fc_ar_forecast_tracked(const struct fc_ar *m, unsigned int k)
{
	double acc = m->mean;
	unsigned int j;

	for (j = 0; j < m->p; j++)
		acc += m->w[k][j] * (ar_back(m, j) - m->mean);
	return acc;
}

double fc_ar_forecast(const struct fc_ar *m, unsigned int h)
{
	double z[FC_AR_MAX], next;
	unsigned int i, j, p = m->p;

	if (!p)
		return m->mean;
	for (j = 0; j < p; j++)
		z[j] = ar_back(m, j) - m->mean;
	for (i = 0; i < h; i++) {
		next = 0;
		for (j = 0; j < p; j++)
			next += m->phi[j] * z[j];
		memmove(z + 1, z, (p - 1) * sizeof(*z));
		z[0] = next;
		/* A stationary fit decays to the mean: stop early. */
		if (fabs(next) < 1e-12 * (fabs(m->mean) + 1))
			break;
	}
	return m->mean + z[0];
}

double fc_ar_var_ratio(const struct fc_ar *m, unsigned int h)
{
	double psi[FC_AR_MAX], sum = 1, next;
	unsigned int i, j, p = m->p;

	if (!p)
		return 1;
	/* psi_0 = 1; psi_j = sum_i phi_i psi_{j-i}; keep the last p. */
	memset(psi, 0, sizeof(psi));
	psi[0] = 1;
	for (i = 1; i < h; i++) {
		next = 0;
		for (j = 0; j < p; j++)
			next += m->phi[j] * psi[j];
		memmove(psi + 1, psi, (p - 1) * sizeof(*psi));
		psi[0] = next;
		sum += next * next;
		if (fabs(next) < 1e-9)
			break;
	}
	return sum;
}
