// SPDX-License-Identifier: GPL-2.0
/*
 * vd_publish.c: what veerd believes, for the operator.
 *
 * At the end of every cycle veerd writes four files into its state
 * directory (/run/veer by default): policy.txt and policy.json (the
 * decisions and their inputs: thresholds, breach probabilities, shift,
 * health, weights, the last decisions with their reasons), predict.txt and
 * predict.json (the forecasts: the model each series uses and why, the
 * forecast with its interval at each horizon, the anomaly band, the flows
 * at risk).  `veer policy show` and `veer predict show` print them.  Each
 * is written to a temporary file and renamed, so a reader never sees half
 * a file; text and JSON come from the same code (the CLI's print layer).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "print.h"
#include "vd.h"

#define AT_RISK_SHOWN	20	/* flows per service in predict show */

/* "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" */
static const char *addr_port(const struct vd_host *hs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(hs->cfg->addr.family, hs->cfg->addr.addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (!hs->cfg->addr.port)
		snprintf(buf, len, "%s", a);
	else if (hs->cfg->addr.family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, hs->cfg->addr.port);
	else
		snprintf(buf, len, "%s:%u", a, hs->cfg->addr.port);
	return buf;
}

static void print_counters(const struct vd *d)
{
	const struct vd_counters *n = &d->n;

	open_json_object("counters");
	print_nl_indent("  ");
	print_uint(PRINT_ANY, "cycles", "cycles", n->cycles);
	print_uint(PRINT_ANY, "applied", "applied", n->applied);
	print_uint(PRINT_ANY, "apply_errors", "apply-errors", n->apply_errors);
	print_uint(PRINT_ANY, "dry_run", "dry-run", n->dry_run);
	print_uint(PRINT_ANY, "resyncs", "resyncs", n->resyncs);
	print_uint(PRINT_ANY, "module_absent_cycles", "module-absent-cycles",
		   n->module_absent_cycles);
	print_nl_indent("  ");
	print_uint(PRINT_ANY, "leases_set", "leases-set", n->leases_set);
	print_uint(PRINT_ANY, "leases_renewed", "leases-renewed",
		   n->leases_renewed);
	print_uint(PRINT_ANY, "leases_lapsed", "leases-lapsed",
		   n->leases_lapsed);
	print_uint(PRINT_ANY, "flows_seen", "flows-seen", n->flows_seen);
	print_uint(PRINT_ANY, "flows_ended", "flows-ended", n->flows_ended);
	print_nl_indent("  ");
	print_uint(PRINT_ANY, "reports_ok", "reports-ok", n->reports_ok);
	print_uint(PRINT_ANY, "reports_bad", "reports-bad", n->reports_bad);
	print_uint(PRINT_ANY, "reloads", "reloads", n->reloads);
	print_uint(PRINT_ANY, "reload_errors", "reload-errors",
		   n->reload_errors);
	close_json_object();
	print_nl();
}

static void print_header(const struct vd *d)
{
	print_string(PRINT_ANY, "daemon", NULL, "veerd");
	print_uint(PRINT_ANY, "pid", "pid", (uint64_t)getpid());
	print_double(PRINT_ANY, "uptime", "up", "%.0fs", d->now - d->started);
	print_double(PRINT_ANY, "written", "at", "%.3f", vd_wall());
	print_double(PRINT_ANY, "interval", "interval", "%gs",
		     d->cfg->interval);
	print_double(PRINT_ANY, "horizon", "horizon", "%gs", d->cfg->horizon);
	print_string(PRINT_ANY, "module", "module",
		     d->h ? "reachable" : "absent");
	print_bool(PRINT_ANY, "dry_run", "dry-run", d->dry_run);
	print_nl();
}

static void print_router(const struct vd *d)
{
	open_json_object("router");
	print_string(PRINT_TEXT, NULL, NULL, "router");
	print_double(PRINT_ANY, "cpu_util", "cpu", "%.3f", d->cpu_util);
	print_double(PRINT_ANY, "mem_util", "mem", "%.3f", d->mem_util);
	print_double(PRINT_ANY, "rx_bps", "rx", "%.0fB/s", d->rx_bps);
	print_double(PRINT_ANY, "tx_bps", "tx", "%.0fB/s", d->tx_bps);
	print_uint(PRINT_ANY, "conntrack", "conntrack", d->conntrack);
	close_json_object();
	print_nl();
}

static void print_policy_services(const struct vd *d)
{
	unsigned int i, r;
	char hn[80];

	open_json_array("services");
	for (i = 0; i < d->nsvc; i++) {
		const struct vd_service *s = &d->svc[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "service", s->cfg->name);
		print_bool(PRINT_ANY, "in_module", "in-module", s->in_module);
		print_double(PRINT_ANY, "load", "load", "%.1f/s", s->load);
		print_double(PRINT_ANY, "threshold", "threshold", "%.1f/s",
			     s->thresh);
		print_double(PRINT_ANY, "threshold_cap", "cap", "%.1f/s",
			     s->cfg->load_threshold);
		print_bool(PRINT_ANY, "dynamic_threshold", "dynamic",
			   s->cfg->dynamic_threshold);
		print_nl_indent("  ");
		print_double(PRINT_ANY, "breach_probability", "p-breach", "%.3f",
			     s->breach.prob);
		print_double(PRINT_ANY, "predicted_peak", "predicted-peak",
			     "%.1f/s", s->breach.peak_hi);
		print_bool(PRINT_ANY, "breach_predicted", "breach-predicted",
			   s->breach_predicted);
		print_double(PRINT_ANY, "prediction_severity", "severity",
			     "%.2f", s->pred_sev);
		print_nl_indent("  ");
		print_bool(PRINT_ANY, "anomaly", "anomaly", s->anomaly);
		print_double(PRINT_ANY, "anomaly_severity", "anomaly-severity",
			     "%.2f", s->anom_sev);
		print_bool(PRINT_ANY, "attack_suspected", "attack-suspected",
			   s->attack);
		print_nl_indent("  ");
		print_uint(PRINT_ANY, "shift", "shift", s->shift);
		print_uint(PRINT_ANY, "shift_in_module", "shift-in-module",
			   s->in_module ? s->mod.shift_pct : 0);
		print_string(PRINT_ANY, "target", "offload-target",
			     s->target >= 0 ? vd_host_name(&d->host[s->target],
							hn, sizeof(hn)) :
					      "none");
		print_uint(PRINT_ANY, "flows", "flows", s->nflows);
		open_json_object("offloads");
		for (r = VEERD_REASON_PROACTIVE; r < __VEERD_REASON_MAX; r++)
			print_uint(PRINT_ANY, policy_reason_name(r),
				   policy_reason_name(r), s->offload_count[r]);
		close_json_object();
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static void print_policy_hosts(const struct vd *d)
{
	unsigned int i;
	char hn[80];

	open_json_array("hosts");
	for (i = 0; i < d->nhost; i++) {
		const struct vd_host *hs = &d->host[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "service", "host", hs->cfg->service);
		print_string(PRINT_ANY, "addr", NULL,
			     addr_port(hs, hn, sizeof(hn)));
		print_bool(PRINT_ANY, "in_module", "in-module", hs->in_module);
		print_string(PRINT_ANY, "health", "health",
			     hs->pool ? "up" : "down");
		print_string(PRINT_ANY, "state_in_module", "state-in-module",
			     hs->in_module ?
			     veer_host_state_name(hs->mod.state) ?: "?" : "-");
		print_nl_indent("  ");
		print_double(PRINT_ANY, "load", "load", "%.1f/s", hs->load);
		print_double(PRINT_ANY, "predicted_peak", "predicted-peak",
			     "%.1f/s", hs->pred_peak);
		print_double(PRINT_ANY, "capacity", "capacity", "%.1f/s",
			     hs->capacity);
		print_double(PRINT_ANY, "util", "util", "%.3f",
			     hs->util >= 0 ? hs->util : NAN);
		print_double(PRINT_ANY, "rtt", "rtt", "%.6fs", hs->rtt);
		print_nl_indent("  ");
		print_uint(PRINT_ANY, "weight", "weight", hs->weight);
		print_uint(PRINT_ANY, "weight_in_module", "weight-in-module",
			   hs->in_module ? hs->mod.weight : 0);
		print_uint(PRINT_ANY, "probes_ok", "probes-ok", hs->probes_ok);
		print_uint(PRINT_ANY, "probes_failed", "probes-failed",
			   hs->probes_failed);
		print_double(PRINT_ANY, "report_age", "report-age", "%.1fs",
			     hs->report_at ? d->now - hs->report_at : NAN);
		if (hs->probe_error[0])
			print_string(PRINT_ANY, "probe_error", "probe-error",
				     hs->probe_error);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static void print_decisions(const struct vd *d)
{
	unsigned int i, n = d->ndecisions < VD_DECISIONS_KEEP ?
			    d->ndecisions : VD_DECISIONS_KEEP;

	print_string(PRINT_TEXT, NULL, NULL, "decisions (newest first):");
	print_nl();
	open_json_array("decisions");
	for (i = 0; i < n; i++) {
		const struct vd_decision *x =
			&d->decisions[(d->ndecisions - 1 - i) %
				      VD_DECISIONS_KEEP];
		char ts[32];
		time_t t = (time_t)x->at;
		struct tm tm;

		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S",
			 localtime_r(&t, &tm));
		open_json_object(NULL);
		print_double(PRINT_JSON, "at", NULL, "%.3f", x->at);
		print_string(PRINT_TEXT, NULL, "  ", ts);
		print_bool(PRINT_ANY, "applied", "applied", x->applied);
		print_string(PRINT_ANY, "what", NULL, x->what);
		print_nl_indent("    ");
		print_string(PRINT_ANY, "why", "because", x->why);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static void print_series(const struct vd *d, const char *name,
			 const struct fc_series *s, double thresh)
{
	const struct fc_params *p = fc_series_params(s);
	const struct fc_anomaly *a = fc_anomaly(s);
	struct fc_model_stats ms;
	struct fc_point fp;
	unsigned int k, m;
	uint64_t checked;

	open_json_object(NULL);
	print_string(PRINT_ANY, "series", "series", name);
	print_string(PRINT_ANY, "model", "model",
		     fc_model_name(fc_selected(s)));
	print_uint(PRINT_ANY, "switches", "switches", fc_switches(s));
	print_uint(PRINT_ANY, "samples", "samples", fc_count(s));
	print_double(PRINT_ANY, "last", "last", "%.3f",
		     fc_count(s) ? fc_last(s) : NAN);
	print_double(PRINT_ANY, "threshold", "threshold", "%.3f", thresh);
	open_json_array("forecast");
	for (k = 0; k < FC_NHORIZ; k++) {
		char lbl[48];

		if (fc_forecast(s, p->horizons[k], &fp))
			continue;
		open_json_object(NULL);
		print_nl_indent("  ");
		snprintf(lbl, sizeof(lbl), "%gs",
			 p->horizons[k] * d->cfg->interval);
		print_double(PRINT_JSON, "ahead", NULL, "%g",
			     p->horizons[k] * d->cfg->interval);
		print_string(PRINT_TEXT, NULL, "ahead", lbl);
		print_double(PRINT_ANY, "mean", "mean", "%.3f", fp.mean);
		print_double(PRINT_ANY, "lo", "lo", "%.3f", fp.lo);
		print_double(PRINT_ANY, "hi", "hi", "%.3f", fp.hi);
		print_double(PRINT_ANY, "coverage", "coverage", "%.3f",
			     fc_coverage(s, k, &checked));
		close_json_object();
	}
	close_json_array();
	open_json_array("models");
	for (m = 0; m < FC_NMODELS; m++) {
		if (!(p->models & FC_MASK(m)) && m != FC_NAIVE)
			continue;
		fc_model_stats(s, m, &ms);
		if (!ms.ready)
			continue;
		open_json_object(NULL);
		print_nl_indent("  ");
		print_string(PRINT_ANY, "model", "model", fc_model_name(m));
		/* "-" (null) until a forecast at that horizon was checked. */
		print_double(PRINT_ANY, "mae_1", "mae-1", "%.3f",
			     ms.n[0] ? ms.mae[0] : NAN);
		print_double(PRINT_ANY, "mae_lead", "mae-lead", "%.3f",
			     ms.n[1] ? ms.mae[1] : NAN);
		print_double(PRINT_ANY, "mae_horizon", "mae-horizon", "%.3f",
			     ms.n[2] ? ms.mae[2] : NAN);
		close_json_object();
	}
	close_json_array();
	if (a) {
		open_json_object("anomaly");
		print_nl_indent("  ");
		print_bool(PRINT_ANY, "active", "anomaly", a->active);
		print_double(PRINT_ANY, "severity", "severity", "%.2f",
			     a->severity);
		print_double(PRINT_ANY, "expected", "expected", "%.3f",
			     a->expected);
		print_double(PRINT_ANY, "lower", "band", "%.3f", a->lower);
		print_double(PRINT_ANY, "upper", NULL, "..%.3f", a->upper);
		close_json_object();
	}
	close_json_object();
	print_nl();
}

static int by_risk(const void *a, const void *b)
{
	const struct vd_flow *x = *(const struct vd_flow *const *)a;
	const struct vd_flow *y = *(const struct vd_flow *const *)b;

	if (x->offload != y->offload)
		return x->offload ? -1 : 1;
	return x->p_exceed > y->p_exceed ? -1 : x->p_exceed < y->p_exceed;
}

static void print_flows_at_risk(const struct vd_service *s)
{
	const struct vd_flow **v;
	unsigned int i, n = s->nflows;
	char sa[INET6_ADDRSTRLEN], fs[128];

	v = calloc(n ?: 1, sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < n; i++)
		v[i] = &s->flows[i];
	qsort(v, n, sizeof(*v), by_risk);
	open_json_array("flows");
	for (i = 0; i < n && i < AT_RISK_SHOWN; i++) {
		const struct vd_flow *f = v[i];

		inet_ntop(f->key.family, &f->key.saddr, sa, sizeof(sa));
		snprintf(fs, sizeof(fs), "%s:%u", sa, f->key.sport);
		open_json_object(NULL);
		print_nl_indent("  ");
		print_string(PRINT_ANY, "client", "flow", fs);
		print_uint(PRINT_ANY, "ct_id", "ct-id", f->ct_id);
		print_double(PRINT_ANY, "age", "age", "%.1fs", f->age);
		print_uint(PRINT_ANY, "rtt_us", "rtt-us", f->rtt_us);
		print_double(PRINT_ANY, "p_exceed", "p-latency-over", "%.3f",
			     f->p_exceed);
		print_double(PRINT_ANY, "remaining", "remaining", "%.1fs",
			     f->remaining);
		print_bool(PRINT_ANY, "lease", "lease", f->lease);
		print_string(PRINT_ANY, "decision", "decision",
			     f->offload ? policy_reason_name(f->offload) :
					  "stay");
		close_json_object();
	}
	close_json_array();
	free(v);
}

static void write_policy(const struct vd *d)
{
	print_header(d);
	print_counters(d);
	print_router(d);
	print_policy_services(d);
	print_policy_hosts(d);
	print_decisions(d);
}

static void write_predict(const struct vd *d)
{
	unsigned int i;
	char name[96], hn[80];

	print_header(d);
	open_json_array("series");
	print_series(d, "router/cpu", d->fc_cpu, NAN);
	for (i = 0; i < d->nsvc; i++) {
		const struct vd_service *s = &d->svc[i];

		snprintf(name, sizeof(name), "service/%s/new-conns",
			 s->cfg->name);
		print_series(d, name, s->fc, s->thresh);
		snprintf(name, sizeof(name), "service/%s/bytes", s->cfg->name);
		print_series(d, name, s->fc_bytes, NAN);
	}
	for (i = 0; i < d->nhost; i++) {
		const struct vd_host *hs = &d->host[i];

		snprintf(name, sizeof(name), "host/%s/%s/new-conns",
			 hs->cfg->service, addr_port(hs, hn, sizeof(hn)));
		print_series(d, name, hs->fc, hs->capacity);
	}
	close_json_array();
	open_json_array("services");
	for (i = 0; i < d->nsvc; i++) {
		const struct vd_service *s = &d->svc[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "service", s->cfg->name);
		print_uint(PRINT_ANY, "flows", "flows", s->nflows);
		print_uint(PRINT_ANY, "flows_skipped", "flows-skipped",
			   s->flows_skipped);
		print_double(PRINT_ANY, "latency_threshold", "latency-threshold",
			     "%gs", s->cfg->latency_threshold);
		print_double(PRINT_ANY, "lifetime_tail", "lifetime-tail-alpha",
			     "%.3f", life_alpha(&s->life));
		print_flows_at_risk(s);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static int publish_one(const struct vd *d, const char *name, bool json,
		       void (*fn)(const struct vd *))
{
	char path[512], tmp[520];
	FILE *f;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s.%s", d->state_dir, name,
		 json ? "json" : "txt");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	print_init(f, json, json);
	if (json)
		open_json_object(NULL);
	fn(d);
	if (json)
		close_json_object();
	err = print_finish();
	if (fclose(f) || err) {
		unlink(tmp);
		return -1;
	}
	return rename(tmp, path);
}

int vd_publish(struct vd *d)
{
	if (mkdir(d->state_dir, 0755) && errno != EEXIST)
		return -1;
	if (publish_one(d, "policy", false, write_policy) ||
	    publish_one(d, "policy", true, write_policy) ||
	    publish_one(d, "predict", false, write_predict) ||
	    publish_one(d, "predict", true, write_predict))
		return -1;
	return 0;
}
