// SPDX-License-Identifier: GPL-2.0
/*
 * veerd-replay: run veerd's forecaster and shift policy over a recorded
 * load series and score them against two baselines in the same run.
 *
 *   veerd-replay [options] TRACE
 *
 * Policies, all driven by the same series and the same shift rule
 * (policy_shift_next):
 *   veer      forecast models with selection (forecast.h); shifts on a
 *             predicted breach (P(breach within horizon) >= --p-alarm)
 *             and on an anomaly of the deviation band
 *   naive     the same machinery with a random-walk forecast only
 *   reactive  no forecast: shifts when the current value is over the
 *             threshold, by the current excess
 *
 * Definitions (Documentation/veerd-forecasting.md has the reasoning):
 *   threshold  a number, or pNN: the NN-th percentile of the whole trace
 *   breach     an episode of the offered load above the threshold; runs
 *              closer than --merge seconds are one episode
 *   decision   made after each value y[t] is known; it takes effect on
 *              the next value (plus --delay steps)
 *   lead       from the decision to the start of the onset step:
 *              (T - 1 - t) * step for onset step T
 *   predicted  an episode with an alarm at some t with lead >= --lead and
 *              T - t <= horizon; its lead is that of the first decision of
 *              the alarm run containing the last such t
 *   precision  over decisions with the alarm on and y[t] <= threshold:
 *              the share followed by a value over the threshold within
 *              the horizon
 *   prevented  an episode none of whose values, once reduced by the share
 *              shifted to shadows, exceeds the threshold
 *   cycle      veerd's decision interval (--cycle, veerd's `interval`,
 *              1 s).  A trace step of several cycles (Twitter 10 s, NASA
 *              60 s) is decided once, with what the trace says, and the
 *              shift rule then runs once per cycle on the same inputs: a
 *              shift restores 1 point per cycle, so 60 points per 60 s
 *              step, as the daemon would, not 1 point per step
 *
 * Only decisions after --warmup and episodes whose whole horizon window
 * lies after it are scored.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "forecast.h"
#include "policy.h"

enum pol { POL_VEER, POL_NAIVE, POL_REACTIVE, POL_N };

static const char *const pol_names[POL_N] = { "veer", "naive", "reactive" };

struct opts {
	double step, horizon, lead, merge, warmup, season, p_alarm;
	double cycle;		/* veerd's interval, seconds */
	double thresh;		/* absolute; NAN: use percentile */
	double pct;		/* percentile when thresh is NAN */
	unsigned int delay;
	const char *config, *plot, *md, *log, *name;
	bool have_step;
	unsigned int policies;	/* bitmask of enum pol */
	struct fc_params fc;
};

struct trace {
	double *y;
	size_t n;
};

/* Per-policy results. */
struct result {
	bool forecasts;
	size_t episodes, predicted, prevented, early;
	double lead_sum;
	double *leads;
	uint64_t alarm_n, alarm_ok;
	double ae1, aeL;
	uint64_t e_n;
	uint64_t cov1, covL, rawL, cov_n;
	uint64_t over_offered, over_served;
	uint64_t shift_steps;
	double shift_load, load;
	double ns_update, ns_decide;
	unsigned int switches;
	uint64_t model_steps[FC_NMODELS];
	/* Per step, for plots and scoring. */
	unsigned char *alarm, *anom;
	unsigned char *share;
	double *prob;			/* P(breach within horizon) */
	double *fmean, *flo, *fhi;	/* lead-horizon forecast, by target */
};

struct episode {
	size_t start, end;	/* [start, end) */
};

/* ---- input ---------------------------------------------------------- */

static int read_trace(const char *path, struct trace *tr, struct opts *o)
{
	char line[256], *end;
	size_t cap = 0;
	double v, *tmp;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	memset(tr, 0, sizeof(*tr));
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			if (!o->have_step &&
			    sscanf(line, "# step %lf", &v) == 1 && v > 0)
				o->step = v;
			continue;
		}
		v = strtod(line, &end);
		if (end == line)
			continue;
		if (tr->n == cap) {
			cap = cap ? 2 * cap : 65536;
			tmp = realloc(tr->y, cap * sizeof(*tmp));
			if (!tmp) {
				fclose(f);
				return -ENOMEM;
			}
			tr->y = tmp;
		}
		tr->y[tr->n++] = v;
	}
	fclose(f);
	return tr->n ? 0 : -ENODATA;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile. */
static double percentile(const double *y, size_t n, double pct)
{
	double *v = malloc(n * sizeof(*v)), r;
	size_t k;

	if (!v)
		return NAN;
	memcpy(v, y, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)ceil(pct / 100 * n);
	k = k ? k - 1 : 0;
	r = v[k < n ? k : n - 1];
	free(v);
	return r;
}

/* ---- breach episodes ------------------------------------------------ */

static size_t find_episodes(const double *y, size_t n, double thr,
			    size_t merge, struct episode **out)
{
	struct episode *e = NULL, *tmp;
	size_t i, cnt = 0, cap = 0;

	for (i = 0; i < n; i++) {
		if (y[i] <= thr)
			continue;
		if (cnt && i - e[cnt - 1].end < merge) {
			e[cnt - 1].end = i + 1;
			continue;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			tmp = realloc(e, cap * sizeof(*e));
			if (!tmp)
				break;
			e = tmp;
		}
		e[cnt].start = i;
		e[cnt++].end = i + 1;
	}
	*out = e;
	return cnt;
}

/* ---- timing --------------------------------------------------------- */

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * CPU time (not wall time: the bench shares its machine) of the updates
 * alone, and of the breach query per decision, best of three passes.
 */
static void time_series(const struct fc_params *p, const struct trace *tr,
			unsigned int hsteps, double thr, struct result *r)
{
	struct fc_series *s;
	struct fc_breach b;
	double t0, best_u = INFINITY, best_d = INFINITY, sink = 0;
	size_t i;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		s = fc_series_new(p);
		if (!s)
			return;
		t0 = cpu_ns();
		for (i = 0; i < tr->n; i++)
			fc_update(s, tr->y[i]);
		best_u = fmin(best_u, (cpu_ns() - t0) / tr->n);
		t0 = cpu_ns();
		for (i = 0; i < tr->n; i++) {
			fc_breach(s, hsteps, thr * (1 + (i & 7) * 1e-3), &b);
			sink += b.prob;
		}
		best_d = fmin(best_d, (cpu_ns() - t0) / tr->n);
		fc_series_free(s);
	}
	r->ns_update = best_u;
	r->ns_decide = best_d + 0 * sink;
}

/* ---- simulation ----------------------------------------------------- */

static int result_alloc(struct result *r, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->alarm = calloc(n, 1);
	r->anom = calloc(n, 1);
	r->share = calloc(n, 1);
	r->prob = calloc(n, sizeof(double));
	r->fmean = malloc(n * sizeof(double));
	r->flo = malloc(n * sizeof(double));
	r->fhi = malloc(n * sizeof(double));
	r->leads = calloc(n, sizeof(double));
	if (!r->alarm || !r->anom || !r->share || !r->prob || !r->fmean ||
	    !r->flo ||
	    !r->fhi || !r->leads)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		r->fmean[i] = r->flo[i] = r->fhi[i] = NAN;
	return 0;
}

struct sim {
	const struct opts *o;
	const struct trace *tr;
	double thr;
	unsigned int lsteps, hsteps;	/* lead + 1 and horizon, in steps */
	unsigned int cycles;		/* veerd cycles per trace step */
	size_t warm;
};

/* Errors and interval hits of forecasts whose target is scored. */
static void score_forecast(const struct sim *sm, struct result *r,
			   struct fc_series *s, size_t t)
{
	struct fc_point p1, pl;
	size_t tl = t + sm->lsteps;
	double zl;

	if (fc_forecast(s, 1, &p1) || fc_forecast(s, sm->lsteps, &pl))
		return;
	if (tl < sm->tr->n) {
		r->fmean[tl] = pl.mean;
		r->flo[tl] = pl.lo;
		r->fhi[tl] = pl.hi;
	}
	if (t < sm->warm || tl >= sm->tr->n)
		return;
	r->e_n++;
	r->ae1 += fabs(sm->tr->y[t + 1] - p1.mean);
	r->aeL += fabs(sm->tr->y[tl] - pl.mean);
	r->cov1 += fabs(sm->tr->y[t + 1] - p1.mean) <= p1.hi - p1.mean;
	r->covL += fabs(sm->tr->y[tl] - pl.mean) <= pl.hi - pl.mean;
	/* The same interval without the online calibration. */
	zl = fc_norm_quantile(0.5 + sm->o->fc.level / 2) / fc_calib_z(s, 1);
	r->rawL += fabs(sm->tr->y[tl] - pl.mean) <= (pl.hi - pl.mean) * zl;
	r->cov_n++;
}

/*
 * The shift rule over the veerd cycles of one trace step: the inputs stay
 * what was known at the end of the step, the share rises at once and
 * restores by POLICY_RESTORE_STEP per cycle.
 */
static unsigned int shift_step(const struct sim *sm, unsigned int share,
			       bool breach, double pred_sev, bool anomaly,
			       double anom_sev)
{
	unsigned int c;

	for (c = 0; c < sm->cycles; c++)
		share = policy_shift_next(share, breach, pred_sev, anomaly,
					  anom_sev);
	return share;
}

static int run_forecaster(const struct sim *sm, enum pol pol,
			  struct result *r)
{
	struct fc_params p = sm->o->fc;
	const struct fc_anomaly *a;
	struct fc_series *s;
	struct fc_breach b;
	unsigned int share = 0;
	double sev, peak;
	size_t t;

	if (pol == POL_NAIVE)
		p.models = FC_MASK(FC_NAIVE);
	s = fc_series_new(&p);
	if (!s)
		return -EINVAL;
	r->forecasts = true;
	for (t = 0; t < sm->tr->n; t++) {
		fc_update(s, sm->tr->y[t]);
		score_forecast(sm, r, s, t);
		if (fc_breach(s, sm->hsteps, sm->thr, &b))
			b.prob = 0;
		r->prob[t] = b.prob;
		r->alarm[t] = b.prob >= sm->o->p_alarm;
		sev = 0;
		if (r->alarm[t] && !fc_max_quantile(s, sm->hsteps,
						     0.5 + p.level / 2, &peak))
			sev = policy_pred_severity(peak, sm->thr);
		a = fc_anomaly(s);
		r->anom[t] = a->active;
		share = shift_step(sm, share, r->alarm[t], sev, a->active,
				   a->severity);
		r->share[t] = share;
		if (t >= sm->warm)
			r->model_steps[fc_selected(s)]++;
	}
	r->switches = fc_switches(s);
	fc_series_free(s);
	time_series(&p, sm->tr, sm->hsteps, sm->thr, r);
	return 0;
}

static void run_reactive(const struct sim *sm, struct result *r)
{
	unsigned int share = 0;
	double y;
	size_t t;

	for (t = 0; t < sm->tr->n; t++) {
		y = sm->tr->y[t];
		r->alarm[t] = y > sm->thr;
		share = shift_step(sm, share, r->alarm[t],
				   policy_pred_severity(y, sm->thr), false, 0);
		r->share[t] = share;
	}
}

/* ---- scoring -------------------------------------------------------- */

/* Share in effect for value t: decided after t - 1 - delay. */
static unsigned int share_at(const struct sim *sm, const struct result *r,
			     size_t t)
{
	size_t back = 1 + sm->o->delay;

	return t >= back ? r->share[t - back] : 0;
}

static bool breach_within(const struct sim *sm, size_t t)
{
	size_t h;

	for (h = 1; h <= sm->hsteps && t + h < sm->tr->n; h++)
		if (sm->tr->y[t + h] > sm->thr)
			return true;
	return false;
}

static void score_precision(const struct sim *sm, struct result *r)
{
	size_t t;

	for (t = sm->warm; t + sm->hsteps < sm->tr->n; t++) {
		if (!r->alarm[t] || sm->tr->y[t] > sm->thr)
			continue;
		r->alarm_n++;
		r->alarm_ok += breach_within(sm, t);
	}
}

/*
 * An alarm that predicts: raised while the value is still under the
 * threshold (an alarm during a breach is a reaction, not a prediction).
 */
static bool predictive(const struct sim *sm, const struct result *r,
		       size_t t)
{
	return r->alarm[t] && sm->tr->y[t] <= sm->thr;
}

/* Lead of episode onset T in steps before the onset step, or -1. */
static long episode_lead(const struct sim *sm, const struct result *r,
			 size_t T)
{
	size_t lead_steps = sm->lsteps - 1, lo, t, first;

	if (T < sm->hsteps || T < lead_steps + 1)
		return -1;
	lo = T - sm->hsteps;
	for (t = T - 1 - lead_steps + 1; t-- > lo;) {
		if (!predictive(sm, r, t))
			continue;
		first = t;
		while (first > lo && predictive(sm, r, first - 1))
			first--;
		return (long)(T - 1 - first);
	}
	return -1;
}

static bool episode_prevented(const struct sim *sm, const struct result *r,
			      const struct episode *e)
{
	size_t t;

	for (t = e->start; t < e->end; t++)
		if (sm->tr->y[t] * (1 - share_at(sm, r, t) / 100.0) > sm->thr)
			return false;
	return true;
}

static void score_episodes(const struct sim *sm, struct result *r,
			   const struct episode *e, size_t ne)
{
	size_t i, need = sm->lsteps - 1;
	long lead;

	for (i = 0; i < ne; i++) {
		if (e[i].start < sm->warm + sm->hsteps)
			continue;
		r->episodes++;
		lead = episode_lead(sm, r, e[i].start);
		if (lead >= 0) {
			r->leads[r->predicted++] = lead * sm->o->step;
			r->lead_sum += lead * sm->o->step;
		}
		r->prevented += episode_prevented(sm, r, &e[i]);
		r->early += e[i].start > need &&
			    share_at(sm, r, e[i].start - need) > 0;
	}
}

static void score_load(const struct sim *sm, struct result *r)
{
	double y, sh;
	size_t t;

	for (t = sm->warm; t < sm->tr->n; t++) {
		y = sm->tr->y[t];
		sh = share_at(sm, r, t) / 100.0;
		r->over_offered += y > sm->thr;
		r->over_served += y * (1 - sh) > sm->thr;
		r->shift_steps += sh > 0;
		r->shift_load += y * sh;
		r->load += y;
	}
}

/* ---- output --------------------------------------------------------- */

static double median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : NAN;
}

static void print_text(FILE *f, const struct sim *sm, enum pol p,
		       const struct result *r, double med)
{
	size_t scored = sm->tr->n - sm->warm;

	fprintf(f, "%-8s episodes %zu predicted %zu (recall %.3f) precision %.3f"
	       " (%" PRIu64 " alarm decisions) lead median %.0f s"
	       " mean %.0f s\n",
	       pol_names[p], r->episodes, r->predicted,
	       ratio(r->predicted, r->episodes),
	       ratio(r->alarm_ok, r->alarm_n), r->alarm_n, med,
	       ratio(r->lead_sum, r->predicted));
	if (r->forecasts)
		fprintf(f, "%-8s MAE h=1 %.3f h=%u %.3f  coverage h=1 %.3f h=%u "
		       "%.3f (uncalibrated %.3f)  ns/update %.0f "
		       "ns/decision %.0f switches %u\n", "",
		       ratio(r->ae1, r->e_n), sm->lsteps,
		       ratio(r->aeL, r->e_n), ratio(r->cov1, r->cov_n),
		       sm->lsteps, ratio(r->covL, r->cov_n),
		       ratio(r->rawL, r->cov_n), r->ns_update, r->ns_decide,
		       r->switches);
	fprintf(f, "%-8s prevented %zu/%zu, shift in place >= lead before onset "
	       "%zu; steps over threshold %" PRIu64 " offered -> %" PRIu64
	       " served; shifting %.1f%% of the time, %.2f%% of the load\n",
	       "", r->prevented, r->episodes, r->early, r->over_offered,
	       r->over_served, 100 * ratio(r->shift_steps, scored),
	       100 * ratio(r->shift_load, r->load));
}

/* v with `prec` decimals, or "-" when undefined. */
static void fmt(char *buf, size_t len, int prec, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, v);
}

static void print_md(const struct sim *sm, enum pol p,
		     const struct result *r, double med)
{
	char prec[16], rec[16], lead[16], mae1[16], maeL[16], c1[16], cl[16];
	char raw[16], ns[16];

	fmt(prec, sizeof(prec), 3, ratio(r->alarm_ok, r->alarm_n));
	fmt(rec, sizeof(rec), 3, ratio(r->predicted, r->episodes));
	fmt(lead, sizeof(lead), 0, med);
	fmt(mae1, sizeof(mae1), 2,
	    r->forecasts ? ratio(r->ae1, r->e_n) : NAN);
	fmt(maeL, sizeof(maeL), 2,
	    r->forecasts ? ratio(r->aeL, r->e_n) : NAN);
	fmt(c1, sizeof(c1), 3,
	    r->forecasts ? ratio(r->cov1, r->cov_n) : NAN);
	fmt(cl, sizeof(cl), 3,
	    r->forecasts ? ratio(r->covL, r->cov_n) : NAN);
	fmt(raw, sizeof(raw), 3,
	    r->forecasts ? ratio(r->rawL, r->cov_n) : NAN);
	fmt(ns, sizeof(ns), 0, r->forecasts ? r->ns_update : NAN);
	printf("| %s | %s | %zu | %zu | %s | %s | %s | %s | %s | %s | %s | %s "
	       "| %s | %zu | %" PRIu64 " / %" PRIu64 " | %.2f |\n",
	       sm->o->md, pol_names[p], r->episodes, r->predicted, rec, prec,
	       lead, mae1, maeL, c1, cl, raw, ns, r->prevented,
	       r->over_served, r->over_offered,
	       100 * ratio(r->shift_load, r->load));
}

static int write_plot(const struct sim *sm, struct result *res)
{
	FILE *f = fopen(sm->o->plot, "w");
	const struct result *v = &res[POL_VEER], *rc = &res[POL_REACTIVE];
	size_t t;

	if (!f)
		return -errno;
	fprintf(f, "# t y served mean lo hi alarm share anomaly thr "
		"reactive_share prob\n");
	for (t = 0; t < sm->tr->n; t++)
		fprintf(f, "%.0f %.6g %.6g %.6g %.6g %.6g %u %u %u %.6g %u "
			"%.4f\n",
			t * sm->o->step, sm->tr->y[t],
			sm->tr->y[t] * (1 - share_at(sm, v, t) / 100.0),
			v->fmean[t], v->flo[t], v->fhi[t], v->alarm[t],
			share_at(sm, v, t), v->anom[t], sm->thr,
			share_at(sm, rc, t), v->prob[t]);
	return fclose(f) ? -errno : 0;
}

/* ---- options -------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
"usage: veerd-replay [options] TRACE\n"
"  --step S          seconds per value (default: trace header, else 1)\n"
"  --threshold X     a number, or pNN: that percentile of the trace (p95)\n"
"  --horizon S       breach prediction horizon, seconds (veerd's: 120)\n"
"  --lead S          lead time a prediction needs, seconds (veerd's: 10)\n"
"  --merge S         breaches closer than this are one episode\n"
"                    (default: the horizon)\n"
"  --warmup S        seconds not scored (1800)\n"
"  --season S        Holt-Winters period, seconds (0: off)\n"
"  --p-alarm P       breach probability that raises the alarm (0.7)\n"
"  --delay N         extra steps before a shift takes effect (0)\n"
"  --cycle S         veerd's decision interval, seconds (veerd's: 1); a\n"
"                    shift restores 1 point per cycle, step/S per step\n"
"  --config FILE     veerd.conf: forecasting and policy settings\n"
"  --plot FILE       per-step data for gnuplot\n"
"  --md NAME         print markdown table rows labelled NAME\n"
"  --log FILE        also write the text report to FILE\n");
	return 2;
}

static int num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "veerd-replay: bad number '%s'\n", s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_thresh(const char *s, struct opts *o)
{
	if (s[0] == 'p')
		return num(s + 1, 0, 100, &o->pct);
	o->thresh = 0;
	return num(s, -1e15, 1e15, &o->thresh);
}

enum {
	OPT_STEP = 256, OPT_THR, OPT_HOR, OPT_LEAD, OPT_MERGE, OPT_WARM,
	OPT_SEASON, OPT_PALARM, OPT_DELAY, OPT_CYCLE, OPT_CONFIG, OPT_PLOT,
	OPT_MD, OPT_LOG, OPT_HELP,
};

static const struct option longopts[] = {
	{ "step", 1, NULL, OPT_STEP },
	{ "threshold", 1, NULL, OPT_THR },
	{ "horizon", 1, NULL, OPT_HOR },
	{ "lead", 1, NULL, OPT_LEAD },
	{ "merge", 1, NULL, OPT_MERGE },
	{ "warmup", 1, NULL, OPT_WARM },
	{ "season", 1, NULL, OPT_SEASON },
	{ "p-alarm", 1, NULL, OPT_PALARM },
	{ "delay", 1, NULL, OPT_DELAY },
	{ "cycle", 1, NULL, OPT_CYCLE },
	{ "config", 1, NULL, OPT_CONFIG },
	{ "plot", 1, NULL, OPT_PLOT },
	{ "md", 1, NULL, OPT_MD },
	{ "log", 1, NULL, OPT_LOG },
	{ "help", 0, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int parse_opt(int c, const char *arg, struct opts *o)
{
	double d;

	switch (c) {
	case OPT_STEP:
		o->have_step = true;
		return num(arg, 1e-3, 86400, &o->step);
	case OPT_THR:
		return parse_thresh(arg, o);
	case OPT_HOR:
		return num(arg, 0, 1e6, &o->horizon);
	case OPT_LEAD:
		return num(arg, 0, 1e6, &o->lead);
	case OPT_MERGE:
		return num(arg, 0, 1e7, &o->merge);
	case OPT_WARM:
		return num(arg, 0, 1e9, &o->warmup);
	case OPT_SEASON:
		return num(arg, 0, 1e7, &o->season);
	case OPT_PALARM:
		return num(arg, 0, 1, &o->p_alarm);
	case OPT_DELAY:
		if (num(arg, 0, 1000, &d))
			return -1;
		o->delay = (unsigned int)d;
		return 0;
	case OPT_CYCLE:
		return num(arg, 1e-3, 86400, &o->cycle);
	case OPT_CONFIG:
		o->config = arg;
		return 0;
	case OPT_PLOT:
		o->plot = arg;
		return 0;
	case OPT_MD:
		o->md = arg;
		return 0;
	case OPT_LOG:
		o->log = arg;
		return 0;
	}
	return -1;
}

/* veerd's own defaults, so the bench measures what veerd would do. */
static void opts_default(struct opts *o)
{
	struct veerd_config c;

	veerd_config_default(&c);
	memset(o, 0, sizeof(*o));
	o->step = 1;
	o->horizon = c.horizon;
	o->lead = c.min_lead;
	o->merge = -1;		/* the horizon */
	o->warmup = 1800;
	o->p_alarm = c.breach_probability;
	o->cycle = c.interval;
	o->thresh = NAN;
	o->pct = 95;
	o->fc = c.fc;
}

/* Settings from a veerd.conf override the defaults, options override it. */
static int load_config(struct opts *o)
{
	struct veerd_config *cfg;

	if (!o->config)
		return 0;
	cfg = veerd_config_load(o->config, stderr);
	if (!cfg)
		return -1;
	o->fc = cfg->fc;
	o->p_alarm = cfg->breach_probability;
	o->horizon = cfg->horizon;
	o->lead = cfg->min_lead;
	o->cycle = cfg->interval;
	if (cfg->season > 0)
		o->season = cfg->season;
	veerd_config_free(cfg);
	return 0;
}

/* Steps from seconds, at least 1 (rounding up: never shorter). */
static unsigned int steps(double sec, double step)
{
	double s = ceil(sec / step - 1e-9);

	return s < 1 ? 1 : (unsigned int)s;
}

static int setup_sim(struct opts *o, struct trace *tr, struct sim *sm)
{
	unsigned int lead = steps(o->lead, o->step);

	sm->o = o;
	sm->tr = tr;
	sm->thr = isnan(o->thresh) ? percentile(tr->y, tr->n, o->pct) :
				     o->thresh;
	sm->lsteps = lead + 1;
	sm->hsteps = steps(o->horizon, o->step);
	if (sm->hsteps < sm->lsteps)
		sm->hsteps = sm->lsteps;
	sm->warm = (size_t)(o->warmup / o->step);
	/* Whole cycles per step, at least one (a step shorter than a cycle
	 * is still decided once). */
	sm->cycles = o->step > o->cycle ? (unsigned int)floor(o->step /
							      o->cycle + 1e-9) : 1;
	if (sm->warm >= tr->n)
		return -1;
	o->fc.horizons[0] = 1;
	o->fc.horizons[1] = sm->lsteps;
	o->fc.horizons[2] = sm->hsteps;
	o->fc.hw_period = o->season > 0 ? steps(o->season, o->step) : 0;
	if (!o->fc.hw_period)
		o->fc.models &= ~FC_MASK(FC_HW);
	return 0;
}

static void report_text(FILE *f, const struct sim *sm, struct result *res,
			const double *med)
{
	int p;

	fprintf(f, "trace %s: %zu values, step %g s, threshold %.6g, "
		"horizon %u steps, lead %u steps, warm-up %zu, "
		"%u cycles per step\n",
		sm->o->name, sm->tr->n, sm->o->step, sm->thr, sm->hsteps,
		sm->lsteps - 1, sm->warm, sm->cycles);
	for (p = 0; p < POL_N; p++)
		print_text(f, sm, p, &res[p], med[p]);
	fprintf(f, "veer model use:");
	for (p = 0; p < FC_NMODELS; p++)
		if (res[POL_VEER].model_steps[p])
			fprintf(f, " %s %.1f%%", fc_model_name(p),
				100.0 * res[POL_VEER].model_steps[p] /
				(sm->tr->n - sm->warm));
	fprintf(f, "\n");
}

static int report(const struct sim *sm, struct result *res,
		  const struct episode *e, size_t ne)
{
	double med[POL_N];
	FILE *f;
	int p;

	for (p = 0; p < POL_N; p++) {
		score_precision(sm, &res[p]);
		score_episodes(sm, &res[p], e, ne);
		score_load(sm, &res[p]);
		med[p] = median(res[p].leads, res[p].predicted);
		if (sm->o->md)
			print_md(sm, p, &res[p], med[p]);
	}
	if (!sm->o->md)
		report_text(stdout, sm, res, med);
	if (!sm->o->log)
		return 0;
	f = fopen(sm->o->log, "w");
	if (!f)
		return -errno;
	report_text(f, sm, res, med);
	return fclose(f) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct result res[POL_N];
	struct episode *e = NULL;
	struct trace tr;
	struct opts o;
	struct sim sm;
	size_t ne, merge;
	int c, p;

	opts_default(&o);
	/* The config first, so that options on the command line win. */
	for (c = 1; c < argc - 1; c++)
		if (!strcmp(argv[c], "--config"))
			o.config = argv[c + 1];
	if (load_config(&o))
		return 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			usage();
			return 0;
		}
		if (parse_opt(c, optarg, &o))
			return usage();
	}
	if (optind + 1 != argc)
		return usage();
	o.name = argv[optind];
	if (read_trace(o.name, &tr, &o)) {
		fprintf(stderr, "veerd-replay: cannot read %s\n", o.name);
		return 1;
	}
	if (setup_sim(&o, &tr, &sm) || fc_params_check(&o.fc, NULL)) {
		fprintf(stderr, "veerd-replay: bad settings for this trace\n");
		return 1;
	}
	merge = o.merge < 0 ? sm.hsteps : steps(o.merge, o.step);
	ne = find_episodes(tr.y, tr.n, sm.thr, merge, &e);
	for (p = 0; p < POL_N; p++) {
		if (result_alloc(&res[p], tr.n))
			return 1;
		if (p == POL_REACTIVE)
			run_reactive(&sm, &res[p]);
		else if (run_forecaster(&sm, p, &res[p]))
			return 1;
	}
	if (report(&sm, res, e, ne)) {
		fprintf(stderr, "veerd-replay: cannot write %s\n", o.log);
		return 1;
	}
	if (o.plot && write_plot(&sm, res)) {
		fprintf(stderr, "veerd-replay: cannot write %s\n", o.plot);
		return 1;
	}
	return 0;
}
