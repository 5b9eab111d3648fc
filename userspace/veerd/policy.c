// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c: veerd's decision rules (policy.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static const char *const reason_names[__VEERD_REASON_MAX] = {
	[VEERD_REASON_NONE] = "none",
	[VEERD_REASON_PROACTIVE] = "proactive",
	[VEERD_REASON_CONGESTION] = "congestion-predicted",
	[VEERD_REASON_ATTACK] = "suspected-attack",
};

const char *policy_reason_name(enum veerd_reason r)
{
	return (unsigned int)r < __VEERD_REASON_MAX ? reason_names[r] : "?";
}

/* ---- shifting ------------------------------------------------------- */

double policy_pred_severity(double peak, double thresh)
{
	if (!(thresh > 0) || !(peak > thresh) || !isfinite(peak))
		return 0;
	return 10 * (1 - thresh / peak);
}

static unsigned int shift_target(bool breach, double pred_sev,
				 bool anomaly, double anom_sev)
{
	double sev = 0, pct;

	if (breach && pred_sev > 0)
		sev += pred_sev;
	if (anomaly && anom_sev > 0)
		sev += anom_sev;
	pct = sev * 10;
	if (!(pct >= POLICY_SHIFT_MIN))	/* also NaN */
		pct = POLICY_SHIFT_MIN;
	if (pct > POLICY_SHIFT_MAX)
		pct = POLICY_SHIFT_MAX;
	/* 1e-9: 2.3 * 10 must not become 24. */
	return (unsigned int)ceil(pct - 1e-9);
}

unsigned int policy_shift_next(unsigned int cur, bool breach,
			       double pred_sev, bool anomaly,
			       double anom_sev)
{
	unsigned int target = 0, down;

	if (cur > POLICY_SHIFT_MAX)
		cur = POLICY_SHIFT_MAX;
	if (breach || anomaly)
		target = shift_target(breach, pred_sev, anomaly, anom_sev);
	if (target >= cur)
		return target;
	/* Hold while a breach is still predicted (policy.h). */
	if (breach)
		return cur;
	down = cur > POLICY_RESTORE_STEP ? cur - POLICY_RESTORE_STEP : 0;
	return down > target ? down : target;
}

unsigned int policy_split_shift(unsigned int pct, const uint32_t *weight,
				size_t n, unsigned int *out_centi)
{
	uint64_t total = (uint64_t)pct * 100, wsum = 0, given = 0, num, den;
	uint64_t rem, best_rem;
	size_t i, best;
	bool *got;

	if (!n)
		return 0;
	got = calloc(n, sizeof(*got));
	if (!got)
		return 0;
	for (i = 0; i < n; i++)
		wsum += weight[i];
	den = wsum ? wsum : n;
	for (i = 0; i < n; i++) {
		num = total * (wsum ? weight[i] : 1);
		out_centi[i] = (unsigned int)(num / den);
		given += out_centi[i];
	}
	/*
	 * Hamilton's method: the leftover hundredths (fewer than the number
	 * of parts) go one each to the largest remainders, lowest index
	 * first on ties, so the parts add up and the split is deterministic.
	 */
	while (given < total) {
		best = n;
		best_rem = 0;
		for (i = 0; i < n; i++) {
			num = total * (wsum ? weight[i] : 1);
			rem = num % den;
			if (got[i] || (wsum && !weight[i]))
				continue;
			if (best == n || rem > best_rem) {
				best = i;
				best_rem = rem;
			}
		}
		if (best == n)
			break;
		got[best] = true;
		out_centi[best]++;
		given++;
	}
	free(got);
	return (unsigned int)given;
}

/* ---- connection level ----------------------------------------------- */

enum veerd_reason policy_conn_decide(const struct policy_conn_in *in,
				     double level)
{
	if (!(in->p_exceed >= level))
		return VEERD_REASON_NONE;
	if (in->attack)
		return VEERD_REASON_ATTACK;
	if (in->host_breach)
		return VEERD_REASON_CONGESTION;
	return VEERD_REASON_PROACTIVE;
}

bool policy_attack_suspected(bool syn_anomaly, double syn_sev,
			     bool bytes_anomaly, double min_sev)
{
	return syn_anomaly && syn_sev >= min_sev && !bytes_anomaly;
}

/* ---- host level ----------------------------------------------------- */

double policy_conn_relief(const struct policy_conn *c, double horizon,
			  double min_remaining)
{
	double life;

	if (!(c->remaining >= min_remaining) || !(c->remaining > 0) ||
	    !(c->bw > 0) || !(horizon > 0))
		return 0;
	life = c->remaining < horizon ? c->remaining : horizon;
	return c->bw * life / horizon;
}

struct cand {
	size_t idx;
	double relief;
	const struct policy_conn *c;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->c->critical != y->c->critical)
		return x->c->critical ? 1 : -1;
	if (x->relief != y->relief)
		return x->relief > y->relief ? -1 : 1;
	if (x->c->age != y->c->age)
		return x->c->age > y->c->age ? -1 : 1;
	if (x->c->id != y->c->id)
		return x->c->id < y->c->id ? -1 : 1;
	return 0;
}

size_t policy_pick_conns(const struct policy_conn *c, size_t n,
			 double need, double horizon, double min_remaining,
			 size_t *out, size_t max)
{
	struct cand *v;
	size_t i, m = 0, k = 0;
	double got = 0;

	if (!n || !max || !(need > 0))
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < n; i++) {
		v[m].relief = policy_conn_relief(&c[i], horizon, min_remaining);
		if (v[m].relief <= 0)
			continue;
		v[m].idx = i;
		v[m].c = &c[i];
		m++;
	}
	qsort(v, m, sizeof(*v), cand_cmp);
	for (i = 0; i < m && k < max && got < need; i++) {
		out[k++] = v[i].idx;
		got += v[i].relief;
	}
	free(v);
	return k;
}

static double host_cost(const struct policy_host *h, double extra,
			const struct policy_target_params *p)
{
	double util = (h->pred_load + extra) / h->capacity;
	double rtt = p->rtt_ref > 0 ? h->rtt / p->rtt_ref : 0;

	return util + p->rtt_weight * rtt;
}

int policy_pick_target(const struct policy_host *h, size_t n, double extra,
		       const struct policy_target_params *p)
{
	double cost, best_cost = INFINITY;
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (h[i].self || !h[i].healthy || !(h[i].capacity > 0))
			continue;
		if (!(h[i].pred_load + extra <= h[i].capacity))
			continue;
		cost = host_cost(&h[i], extra, p);
		if (cost < best_cost) {
			best_cost = cost;
			best = (int)i;
		}
	}
	return best;
}

void policy_weights(const struct policy_host *h, size_t n,
		    uint32_t scale, uint32_t *out)
{
	double head, w;
	size_t i;

	for (i = 0; i < n; i++) {
		out[i] = 0;
		if (!h[i].healthy)
			continue;
		head = h[i].capacity > 0 ?
		       1 - h[i].pred_load / h[i].capacity : 0;
		if (!(head > 0))
			head = 0;
		w = head * (h[i].weight ? h[i].weight : 1) * (double)scale;
		if (w > 65535)
			w = 65535;
		out[i] = w < 1 ? 1 : (uint32_t)lround(w);
	}
}

/* ---- leases --------------------------------------------------------- */

enum policy_lease policy_lease_decide(double now, double expiry,
				      double remaining_at_conf,
				      double renew_ahead, double threshold)
{
	if (expiry - now > renew_ahead)
		return POLICY_LEASE_WAIT;
	if (remaining_at_conf >= threshold)
		return POLICY_LEASE_RENEW;
	return POLICY_LEASE_EXPIRE;
}

/* ---- health --------------------------------------------------------- */

void health_init(struct health *h, enum health_state initial)
{
	memset(h, 0, sizeof(*h));
	h->state = initial;
}

enum health_change health_update(struct health *h, bool ok,
				 unsigned int rise, unsigned int fall)
{
	if (ok) {
		h->ok_run++;
		h->fail_run = 0;
	} else {
		h->fail_run++;
		h->ok_run = 0;
	}
	if (h->state == HEALTH_UP && h->fail_run >= (fall ? fall : 1)) {
		h->state = HEALTH_DOWN;
		h->transitions++;
		return HEALTH_WENT_DOWN;
	}
	if (h->state == HEALTH_DOWN && h->ok_run >= (rise ? rise : 1)) {
		h->state = HEALTH_UP;
		h->transitions++;
		return HEALTH_CAME_UP;
	}
	return HEALTH_SAME;
}
