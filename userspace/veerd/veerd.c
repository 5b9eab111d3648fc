// SPDX-License-Identifier: GPL-2.0
/*
 * veerd: the forecasting and offload policy daemon of veer.
 *
 * One cycle per `interval`: read the router's metrics from /proc and the
 * services, hosts and flows from the module (vd_module.c), take the hosts'
 * reports and probe results that arrived meanwhile, forecast every load
 * series, decide (policy.c) and apply what changed through libveer, then
 * publish what veerd believes (vd_publish.c).  Between cycles it sleeps in
 * poll() on a timerfd, a signalfd, the health probes' sockets and the
 * resource-report socket.
 *
 * veerd owns no forwarding state: if it dies the module keeps forwarding
 * with the last weights and shift, and when it starts (or the module comes
 * back) it learns everything again from dumps.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "vd.h"

#ifndef VEER_VERSION
#define VEER_VERSION "0.1.0"
#endif

#define DEFAULT_CONFIG	"/etc/veer/veerd.conf"
#define DEFAULT_STATE	"/run/veer"

static bool log_stderr = true;
static int log_max = LOG_INFO;

void vd_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {
		[LOG_ERR] = "error", [LOG_WARNING] = "warning",
		[LOG_NOTICE] = "notice", [LOG_INFO] = "info",
		[LOG_DEBUG] = "debug",
	};
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	if (log_stderr) {
		/* sd-daemon(3) priority prefix: journald keeps the level. */
		fprintf(stderr, "<%d>veerd: %s: ", level,
			level >= LOG_ERR && level <= LOG_DEBUG ? names[level] :
								 "?");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(level, fmt, ap);
	}
	va_end(ap);
}

double vd_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void vd_decision(struct vd *d, bool applied, const char *why,
		 const char *fmt, ...)
{
	struct vd_decision *x = &d->decisions[d->ndecisions++ %
					       VD_DECISIONS_KEEP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->what, sizeof(x->what), fmt, ap);
	va_end(ap);
	snprintf(x->why, sizeof(x->why), "%s", why);
	x->at = vd_wall();
	x->applied = applied;
	vd_log(LOG_NOTICE, "%s%s (%s)",
	       applied ? "" : d->dry_run ? "dry-run: would " : "not applied: ",
	       x->what, x->why);
}

const char *vd_host_name(const struct vd_host *hs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(hs->cfg->addr.family, hs->cfg->addr.addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (!hs->cfg->addr.port)
		snprintf(buf, len, "%s %s", hs->cfg->service, a);
	else if (hs->cfg->addr.family == AF_INET6)
		snprintf(buf, len, "%s [%s]:%u", hs->cfg->service, a,
			 hs->cfg->addr.port);
	else
		snprintf(buf, len, "%s %s:%u", hs->cfg->service, a,
			 hs->cfg->addr.port);
	return buf;
}

/* ---- state from the configuration ----------------------------------- */

static void free_state(struct vd *d)
{
	unsigned int i;

	for (i = 0; i < d->nsvc; i++) {
		fc_series_free(d->svc[i].fc);
		fc_series_free(d->svc[i].fc_bytes);
		dthresh_free(&d->svc[i].hist);
		free(d->svc[i].flows);
	}
	for (i = 0; i < d->nhost; i++) {
		fc_series_free(d->host[i].fc);
		if (d->host[i].probe)
			probe_free(d->host[i].probe);
	}
	free(d->svc);
	free(d->host);
	d->svc = NULL;
	d->host = NULL;
	d->nsvc = 0;
	d->nhost = 0;
}

static bool same_addr(const struct vcfg_addr *a, const struct vcfg_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

/*
 * Build the per-service and per-host state of configuration c.  Series,
 * histories and health of entries that exist in the old state (same service
 * name; same service and address) carry over, so a reload does not forget
 * what was learnt.
 */
static int build_state(struct vd *d, struct veerd_config *c)
{
	struct vd_service *svc = calloc(c->nservices ?: 1, sizeof(*svc));
	struct vd_host *host = calloc(c->nhosts ?: 1, sizeof(*host));
	unsigned int win = veerd_config_steps(c, c->thr_window);
	unsigned int i, j;

	if (!svc || !host)
		goto nomem;
	for (i = 0; i < c->nservices; i++) {
		struct vd_service *s = &svc[i];

		s->cfg = &c->services[i];
		s->target = -1;
		for (j = 0; j < d->nsvc; j++) {
			struct vd_service *o = &d->svc[j];

			if (!o->fc || strcmp(o->cfg->name, s->cfg->name))
				continue;
			/* Move the learnt state over; o keeps nothing. */
			*s = *o;
			s->cfg = &c->services[i];
			memset(o, 0, sizeof(*o));
			break;
		}
		if (s->fc)
			continue;
		s->fc = fc_series_new(&c->fc);
		s->fc_bytes = fc_series_new(&c->fc);
		if (!s->fc || !s->fc_bytes || dthresh_init(&s->hist, win))
			goto nomem;
		life_init(&s->life, c->lifetime_scale, c->lifetime_decay);
	}
	for (i = 0; i < c->nhosts; i++) {
		struct vd_host *hs = &host[i];

		hs->cfg = &c->hosts[i];
		for (j = 0; j < d->nhost; j++) {
			struct vd_host *o = &d->host[j];

			if (!o->fc || strcmp(o->cfg->service, hs->cfg->service) ||
			    !same_addr(&o->cfg->addr, &hs->cfg->addr))
				continue;
			*hs = *o;
			hs->cfg = &c->hosts[i];
			memset(o, 0, sizeof(*o));
			break;
		}
		if (hs->fc)
			continue;
		hs->fc = fc_series_new(&c->fc);
		if (!hs->fc)
			goto nomem;
		health_init(&hs->health, HEALTH_UP);
		hs->pool = true;
		hs->util = -1;
		hs->load = NAN;
		hs->rtt = hs->cfg->rtt;
	}
	free_state(d);
	d->svc = svc;
	d->nsvc = c->nservices;
	d->host = host;
	d->nhost = c->nhosts;
	return 0;
nomem:
	if (svc)
		for (i = 0; i < c->nservices; i++) {
			fc_series_free(svc[i].fc);
			fc_series_free(svc[i].fc_bytes);
			dthresh_free(&svc[i].hist);
		}
	free(svc);
	free(host);
	return -ENOMEM;
}

/* ---- resource reports ------------------------------------------------ */

static void report_close(struct vd *d)
{
	if (d->report_fd >= 0)
		close(d->report_fd);
	d->report_fd = -1;
	report_peers_free(d->senders);
	d->senders = NULL;
}

static int report_open(struct vd *d)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(d->cfg->report_port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int off = 0;

	report_close(d);
	if (!d->cfg->report_port)
		return 0;
	d->senders = report_peers_new(d->cfg->nhosts + 16);
	d->report_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK |
			      SOCK_CLOEXEC, 0);
	if (!d->senders || d->report_fd < 0)
		goto fail;
	/* One socket for both families. */
	setsockopt(d->report_fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(d->report_fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	vd_log(LOG_INFO, "resource reports: listening on UDP port %u",
	       d->cfg->report_port);
	return 0;
fail:
	vd_log(LOG_ERR, "resource reports: UDP port %u: %s",
	       d->cfg->report_port, strerror(errno));
	report_close(d);
	return -1;
}

static struct vd_host *host_by_report(struct vd *d, const struct report *r)
{
	unsigned int i;

	for (i = 0; i < d->nhost; i++) {
		const struct vcfg_addr *a = &d->host[i].cfg->addr;

		if (a->family == r->family &&
		    !memcmp(a->addr, r->addr, a->family == AF_INET ? 4 : 16) &&
		    (!r->port || !a->port || a->port == r->port))
			return &d->host[i];
	}
	return NULL;
}

static void report_recv(struct vd *d)
{
	const struct veerd_config *c = d->cfg;
	uint8_t buf[REPORT_WIRE_LEN + 64];
	struct report r;
	enum report_err e;
	struct vd_host *hs;
	ssize_t len;
	int i;

	/* A bounded batch: a flood cannot starve the cycle. */
	for (i = 0; i < 256; i++) {
		len = recv(d->report_fd, buf, sizeof(buf), 0);
		if (len < 0)
			return;
		e = report_decode(buf, len, c->report_key,
				  strlen(c->report_key), &r);
		/* Reports older than a minute (or from a clock that far off)
		 * are refused: replay protection across veerd restarts. */
		if (e == REPORT_OK)
			e = report_peers_accept(d->senders, &r,
						(uint64_t)(vd_wall() * 1000),
						60000);
		hs = e == REPORT_OK ? host_by_report(d, &r) : NULL;
		if (!hs) {
			d->n.reports_bad++;
			vd_log(LOG_DEBUG, "report rejected: %s",
			       e == REPORT_OK ? "not from a configured host" :
						report_err_name(e));
			continue;
		}
		d->n.reports_ok++;
		hs->report = r;
		hs->report_at = mono();
	}
}

/* ---- health probes --------------------------------------------------- */

static void health_apply(struct vd *d, struct vd_host *hs, bool ok);
static void probe_done(struct vd *d, struct vd_host *hs, enum probe_result r);

static void probe_host(struct vd *d, struct vd_host *hs)
{
	const struct vcfg_host *hc = hs->cfg;
	struct probe_spec spec = {
		.addr = hc->addr,
		.kind = hc->probe,
		.request = hc->probe_request,
		.request_len = strlen(hc->probe_request),
		.expect = hc->probe_expect,
		.count = hc->probe_count ?: 1,
		.timeout = d->cfg->health_timeout,
	};
	int err;

	if (hc->probe == VCFG_PROBE_NONE || hs->probe || d->now < hs->next_probe)
		return;
	if (hc->probe_port)
		spec.addr.port = hc->probe_port;
	hs->next_probe = d->now + d->cfg->health_interval;
	err = probe_start(&hs->probe, &spec, d->now);
	if (err) {
		/* A probe that cannot even start is a failed one. */
		snprintf(hs->probe_error, sizeof(hs->probe_error),
			 "cannot start a probe: %s", strerror(-err));
		hs->probe = NULL;
		health_apply(d, hs, false);
		return;
	}
	/* connect() may fail at once (no route): done already. */
	if (probe_result(hs->probe) != PROBE_RUNNING)
		probe_done(d, hs, probe_result(hs->probe));
}

static void health_apply(struct vd *d, struct vd_host *hs, bool ok)
{
	const struct veerd_config *c = d->cfg;
	enum health_change ch;
	char why[160], hn[96];

	if (ok)
		hs->probes_ok++;
	else
		hs->probes_failed++;
	ch = health_update(&hs->health, ok, c->health_rise, c->health_fall);
	if (ch == HEALTH_SAME)
		return;
	hs->pool = ch == HEALTH_CAME_UP;
	if (ch == HEALTH_WENT_DOWN)
		snprintf(why, sizeof(why), "%u failed probes in a row: %s",
			 c->health_fall, hs->probe_error);
	else
		snprintf(why, sizeof(why), "%u good probes in a row",
			 c->health_rise);
	vd_log(LOG_WARNING, "host %s %s: %s", vd_host_name(hs, hn, sizeof(hn)),
	       hs->pool ? "is back in the pool" : "leaves the pool", why);
}

static void probe_done(struct vd *d, struct vd_host *hs, enum probe_result r)
{
	if (r == PROBE_RUNNING)
		return;
	if (r == PROBE_OK) {
		/* A configured RTT wins over the measured one. */
		if (!(hs->cfg->rtt > 0))
			hs->rtt = probe_rtt(hs->probe);
		hs->probe_latency = probe_latency(hs->probe);
		hs->probe_error[0] = 0;
	} else {
		snprintf(hs->probe_error, sizeof(hs->probe_error), "%s",
			 probe_error(hs->probe));
	}
	probe_free(hs->probe);
	hs->probe = NULL;
	health_apply(d, hs, r == PROBE_OK);
}

/* ---- router metrics --------------------------------------------------- */

static void read_router(struct vd *d)
{
	static char buf[1 << 16];
	struct proc_netdev nd[64];
	struct proc_cpu cpu;
	struct proc_mem mem;
	uint64_t rx = 0, tx = 0, n;
	double dt = d->cfg->interval;
	int i, k;

	if (proc_read("/proc/stat", buf, sizeof(buf)) > 0 &&
	    !proc_parse_stat(buf, &cpu)) {
		if (d->have_cpu)
			d->cpu_util = proc_cpu_util(&d->cpu_prev, &cpu);
		d->cpu_prev = cpu;
		d->have_cpu = true;
	}
	if (proc_read("/proc/meminfo", buf, sizeof(buf)) > 0 &&
	    !proc_parse_meminfo(buf, &mem))
		d->mem_util = proc_mem_util(&mem);
	if (proc_read("/proc/net/dev", buf, sizeof(buf)) > 0) {
		k = proc_parse_net_dev(buf, nd, 64);
		/* k counts every interface, also those beyond the 64 read. */
		for (i = 0; i < k && i < 64; i++) {
			if (!strcmp(nd[i].name, "lo"))
				continue;
			rx += nd[i].rx_bytes;
			tx += nd[i].tx_bytes;
		}
		if (k >= 0) {
			if (d->have_net) {
				d->rx_bps = proc_rate(d->prev_rx, rx, dt);
				d->tx_bps = proc_rate(d->prev_tx, tx, dt);
			}
			d->prev_rx = rx;
			d->prev_tx = tx;
			d->have_net = true;
		}
	}
	if (proc_read("/proc/sys/net/netfilter/nf_conntrack_count", buf,
		      sizeof(buf)) > 0 && !proc_parse_count(buf, &n))
		d->conntrack = n;
	if (isfinite(d->cpu_util))
		fc_update(d->fc_cpu, d->cpu_util);
}

/* ---- the forecasts ----------------------------------------------------- */

static struct vd_service *svc_of_host(struct vd *d, const struct vd_host *hs)
{
	unsigned int i;

	for (i = 0; i < d->nsvc; i++)
		if (!strcmp(d->svc[i].cfg->name, hs->cfg->service))
			return &d->svc[i];
	return NULL;
}

static void forecast_hosts(struct vd *d)
{
	const struct veerd_config *c = d->cfg;
	unsigned int i, nh;
	double q;

	for (i = 0; i < d->nhost; i++) {
		struct vd_host *hs = &d->host[i];
		struct vd_service *s = svc_of_host(d, hs);
		bool fresh = hs->report_at &&
			     d->now - hs->report_at < 3 * c->interval;

		/* What the host says of itself beats what the module sees. */
		if (fresh) {
			hs->load = hs->report.load;
			hs->util = hs->report.cpu_util;
		} else {
			hs->util = -1;
		}
		if (isfinite(hs->load))
			fc_update(hs->fc, hs->load);
		nh = 0;
		for (unsigned int j = 0; j < d->nhost; j++)
			nh += !strcmp(d->host[j].cfg->service,
				      hs->cfg->service);
		hs->capacity = hs->cfg->capacity;
		if (!(hs->capacity > 0) && s && s->thresh > 0 && nh)
			hs->capacity = s->thresh / nh;
		hs->pred_peak = hs->load;
		if (!fc_max_quantile(hs->fc, d->horizon, c->fc.level, &q))
			hs->pred_peak = q;
	}
}

static void forecast_services(struct vd *d)
{
	const struct veerd_config *c = d->cfg;
	struct dthresh_params tp = c->thr;
	unsigned int i, j;

	for (i = 0; i < d->nsvc; i++) {
		struct vd_service *s = &d->svc[i];
		const struct fc_anomaly *a, *ab;
		double util_cap = 0, util;

		if (!s->in_module || !s->have_prev)
			continue;
		if (isfinite(s->load)) {
			fc_update(s->fc, s->load);
			dthresh_push(&s->hist, s->load);
		}
		if (isfinite(s->bytes_rate))
			fc_update(s->fc_bytes, s->bytes_rate);

		/* The hosts' utilisation, where they report it, says how much
		 * load the service can take: the tightest one wins. */
		for (j = 0; j < d->nhost; j++) {
			struct vd_host *hs = &d->host[j];

			if (strcmp(hs->cfg->service, s->cfg->name) ||
			    hs->util < 0)
				continue;
			util = dthresh_util_capacity(s->load, hs->util,
						     tp.util_target);
			if (util > 0 && (!util_cap || util < util_cap))
				util_cap = util;
		}
		tp.cap = s->cfg->load_threshold;
		if (s->cfg->dynamic_threshold)
			s->thresh = dthresh_value(&s->hist, &tp, util_cap);
		else
			s->thresh = s->cfg->load_threshold;
		/* Surges smaller than a share of the threshold are noise, not
		 * anomalies: the band is at least that wide (next update). */
		if (s->thresh > 0)
			fc_set_anomaly_floor(s->fc, c->anomaly_floor * s->thresh);

		memset(&s->breach, 0, sizeof(s->breach));
		s->breach_predicted = false;
		s->pred_sev = 0;
		if (s->thresh > 0 &&
		    !fc_breach(s->fc, d->horizon, s->thresh, &s->breach)) {
			s->breach_predicted =
				s->breach.prob >= c->breach_probability;
			s->pred_sev = policy_pred_severity(s->breach.peak_hi,
							   s->thresh);
		}
		a = fc_anomaly(s->fc);
		ab = fc_anomaly(s->fc_bytes);
		s->anomaly = a && a->active && a->surge;
		s->anom_sev = s->anomaly ? a->severity : 0;
		s->attack = policy_attack_suspected(s->anomaly, s->anom_sev,
						    ab && ab->active &&
						    ab->surge,
						    c->attack_severity);
	}
}

/* ---- decisions ---------------------------------------------------------- */

static void decide_service(struct vd *d, struct vd_service *s)
{
	const struct veerd_config *c = d->cfg;
	struct policy_host ph[VCFG_HOSTS_MAX];
	unsigned int idx[VCFG_HOSTS_MAX];
	unsigned int i, n = 0, next;

	/* Shift of new flows to the shadows. */
	next = policy_shift_next(s->shift, s->breach_predicted, s->pred_sev,
				 s->anomaly, s->anom_sev);
	if (!s->cfg->shift || !c->nshadows)
		next = 0;
	s->shift = next;

	/* Hosts: weights from predicted headroom, the offload target. */
	for (i = 0; i < d->nhost && n < VCFG_HOSTS_MAX; i++) {
		struct vd_host *hs = &d->host[i];

		if (strcmp(hs->cfg->service, s->cfg->name))
			continue;
		ph[n] = (struct policy_host){
			.healthy = hs->pool,
			.pred_load = hs->pred_peak,
			.capacity = hs->capacity,
			.rtt = hs->rtt,
			.weight = hs->cfg->weight,
		};
		idx[n++] = i;
	}
	s->target = -1;
	if (n) {
		uint32_t w[VCFG_HOSTS_MAX];
		struct policy_target_params tp = {
			.rtt_ref = c->rtt_ref, .rtt_weight = c->rtt_weight,
		};
		int t;

		policy_weights(ph, n, c->weight_scale, w);
		for (i = 0; i < n; i++)
			d->host[idx[i]].weight = w[i];
		t = policy_pick_target(ph, n, 0, &tp);
		if (t >= 0)
			s->target = idx[t];
	}
}

/*
 * Connections: which to offload and why, and their leases.  Offload
 * candidates are every flow whose latency is at risk (proactive), and when
 * the service's load is predicted to breach, the flows whose departure
 * relieves it most (congestion); under a suspected attack, the flows the
 * surge brought.
 */
static void decide_flows(struct vd *d, struct vd_service *s)
{
	const struct veerd_config *c = d->cfg;
	double lat_thresh = s->cfg->latency_threshold * 1e6; /* us */
	struct policy_conn *pc = NULL;
	size_t *pick = NULL, npick = 0;
	unsigned int i;

	memset(s->offload_count, 0, sizeof(s->offload_count));
	if (s->breach_predicted && s->nflows) {
		pc = calloc(s->nflows, sizeof(*pc));
		pick = calloc(s->nflows, sizeof(*pick));
		if (pc && pick) {
			for (i = 0; i < s->nflows; i++) {
				struct vd_flow *f = &s->flows[i];

				pc[i] = (struct policy_conn){
					.id = i, .age = f->age,
					.remaining = f->remaining,
					.bw = f->rate, .critical = f->critical,
				};
			}
			/* Relief is counted in bytes/s (policy_conn_relief):
			 * the predicted excess is the share of the peak over
			 * the threshold, of the service's traffic now. */
			double need = s->bytes_rate *
				      (1 - s->thresh / s->breach.peak_hi);

			npick = policy_pick_conns(pc, s->nflows,
						  isfinite(need) ? need : 0,
						  c->horizon, c->min_remaining,
						  pick, s->nflows);
		}
	}
	for (i = 0; i < s->nflows; i++) {
		struct vd_flow *f = &s->flows[i];
		struct policy_conn_in in = { .attack = s->attack };

		f->p_exceed = lat_thresh > 0 ?
			lat_est_prob_exceed(&f->lat, &d->lat, lat_thresh,
					    d->horizon) : 0;
		in.p_exceed = f->p_exceed;
		f->offload = policy_conn_decide(&in, c->offload_probability);
		f->target = f->offload ? s->target : -1;
	}
	for (i = 0; i < npick; i++) {
		struct vd_flow *f = &s->flows[pick[i]];

		if (!f->offload) {
			f->offload = VEERD_REASON_CONGESTION;
			f->target = s->target;
		}
	}
	for (i = 0; i < s->nflows; i++)
		s->offload_count[s->flows[i].offload]++;
	free(pc);
	free(pick);
}

static void cycle(struct vd *d)
{
	unsigned int i, k;

	d->now = mono();
	d->n.cycles++;
	read_router(d);
	if (!d->h)
		vd_module_connect(d);
	if (d->h && vd_module_sync(d) < 0)
		vd_module_close(d);
	if (!d->h)
		d->n.module_absent_cycles++;

	forecast_services(d);
	forecast_hosts(d);
	for (i = 0; i < d->nsvc; i++) {
		if (!d->svc[i].in_module)
			continue;
		decide_service(d, &d->svc[i]);
		decide_flows(d, &d->svc[i]);
	}
	if (d->h)
		vd_module_apply(d);
	for (i = 0; i < d->nhost; i++)
		probe_host(d, &d->host[i]);
	for (i = 0, k = 0; i < d->nsvc; i++)
		k += d->svc[i].in_module;
	vd_log(LOG_DEBUG, "cycle %llu: %u of %u services in the module",
	       (unsigned long long)d->n.cycles, k, d->nsvc);
	if (vd_publish(d))
		vd_log(LOG_WARNING, "cannot write the state to %s: %s",
		       d->state_dir, strerror(errno));
}

/* ---- configuration ------------------------------------------------------ */

static int apply_config(struct vd *d, struct veerd_config *c)
{
	struct fc_series *cpu;

	if (!c->report_key[0] && c->report_port) {
		vd_log(LOG_ERR, "%s: report-port %u needs a report-key",
		       d->cfg_path, c->report_port);
		return -EINVAL;
	}
	cpu = fc_series_new(&c->fc);
	if (!cpu || build_state(d, c)) {
		fc_series_free(cpu);
		vd_log(LOG_ERR, "out of memory applying the configuration");
		return -ENOMEM;
	}
	fc_series_free(d->fc_cpu);
	d->fc_cpu = cpu;
	veerd_config_free(d->cfg);
	d->cfg = c;
	d->horizon = veerd_config_steps(c, c->horizon);
	if (d->verbose)
		log_max = LOG_DEBUG;
	else
		log_max = LOG_ERR + c->log_level;
	if (c->dry_run)
		d->dry_run = true;
	report_open(d);
	return 0;
}

static void reload(struct vd *d)
{
	struct veerd_config *c;

	d->n.reloads++;
	c = veerd_config_load(d->cfg_path, stderr);
	if (!c || apply_config(d, c)) {
		if (c)
			veerd_config_free(c);
		d->n.reload_errors++;
		vd_log(LOG_ERR, "%s: not reloaded, the running configuration stays",
		       d->cfg_path);
		return;
	}
	vd_log(LOG_NOTICE, "%s reloaded: %u services, %u hosts, %u shadows",
	       d->cfg_path, c->nservices, c->nhosts, c->nshadows);
}

/* ---- the loop ----------------------------------------------------------- */

static volatile sig_atomic_t stop;

static int set_timer(int fd, double interval)
{
	struct itimerspec it = { 0 };

	it.it_interval.tv_sec = (time_t)interval;
	it.it_interval.tv_nsec = (long)((interval - (time_t)interval) * 1e9);
	it.it_value.tv_nsec = 1;	/* the first cycle at once */
	return timerfd_settime(fd, 0, &it, NULL);
}

static int run(struct vd *d, unsigned long max_cycles)
{
	struct pollfd pfd[2 + VCFG_HOSTS_MAX + 1];
	struct vd_host *owner[2 + VCFG_HOSTS_MAX + 1];
	struct signalfd_siginfo si;
	double interval = d->cfg->interval;
	int tfd, sfd, n, i, timeout;
	sigset_t ss;
	uint64_t ticks;

	sigemptyset(&ss);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (sfd < 0 || tfd < 0 || set_timer(tfd, interval)) {
		vd_log(LOG_ERR, "signalfd/timerfd: %s", strerror(errno));
		return 1;
	}
	while (!stop) {
		double dl, now = mono();

		n = 0;
		pfd[n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		timeout = -1;
		for (i = 0; i < (int)d->nhost; i++) {
			struct probe *p = d->host[i].probe;

			if (!p)
				continue;
			owner[n] = &d->host[i];
			pfd[n++] = (struct pollfd){
				.fd = probe_fd(p), .events = probe_events(p),
			};
			dl = (probe_deadline(p) - now) * 1000;
			if (dl < 0)
				dl = 0;
			if (timeout < 0 || dl < timeout)
				timeout = (int)ceil(dl);
		}
		if (d->report_fd >= 0) {
			owner[n] = NULL;
			pfd[n++] = (struct pollfd){ .fd = d->report_fd,
						    .events = POLLIN };
		}
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			vd_log(LOG_ERR, "poll: %s", strerror(errno));
			return 1;
		}
		now = mono();
		d->now = now;
		for (i = 2; i < n; i++) {
			if (!owner[i]) {	/* the report socket */
				if (pfd[i].revents)
					report_recv(d);
				continue;
			}
			if (pfd[i].revents ||
			    now >= probe_deadline(owner[i]->probe))
				probe_done(d, owner[i],
					   probe_step(owner[i]->probe,
						      pfd[i].revents, now));
		}
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload(d);
				if (d->cfg->interval != interval) {
					interval = d->cfg->interval;
					set_timer(tfd, interval);
				}
			} else {
				vd_log(LOG_NOTICE, "signal %u: exiting; the module keeps forwarding with the last decisions",
				       si.ssi_signo);
				stop = 1;
			}
		}
		if (stop)
			break;
		if (read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
			if (ticks > 1)
				vd_log(LOG_DEBUG, "%llu cycles late",
				       (unsigned long long)ticks - 1);
			cycle(d);
			if (max_cycles && d->n.cycles >= max_cycles)
				break;
		}
	}
	close(tfd);
	close(sfd);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: veerd [-c FILE] [-n|--dry-run] [-f] [-t] [-v] [-V]\n"
		"             [-s|--state-dir DIR] [--cycles N]\n"
		"  -c, --config FILE    configuration (default %s)\n"
		"  -n, --dry-run        log every decision, apply none\n"
		"  -f, --foreground     stay in the foreground, log to stderr\n"
		"  -t, --test-config    check the configuration and exit\n"
		"  -s, --state-dir DIR  where `veer policy show` and\n"
		"                       `veer predict show` read (default %s)\n"
		"      --cycles N       exit after N cycles (tests)\n"
		"  -v, --verbose        log at debug level\n"
		"  -V, --version        print the version\n",
		DEFAULT_CONFIG, DEFAULT_STATE);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test-config", no_argument, NULL, 't' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "cycles", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vd d = { .cfg_path = DEFAULT_CONFIG, .state_dir = DEFAULT_STATE,
			.report_fd = -1 };
	bool foreground = false, test = false;
	unsigned long cycles = 0;
	struct veerd_config *c;
	char *end;
	int o, rc;

	while ((o = getopt_long(argc, argv, "c:nfts:vVh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			d.cfg_path = optarg;
			break;
		case 'n':
			d.dry_run = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 't':
			test = true;
			break;
		case 's':
			d.state_dir = optarg;
			break;
		case 'C':
			errno = 0;
			cycles = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "veerd: --cycles: '%s' is not a count\n",
					optarg);
				return 1;
			}
			break;
		case 'v':
			d.verbose = true;
			break;
		case 'V':
			printf("veerd %s\n", VEER_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "veerd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	c = veerd_config_load(d.cfg_path, stderr);
	if (!c)
		return 1;
	if (test) {
		printf("%s: ok: %u services, %u hosts, %u shadows, %u classes\n",
		       d.cfg_path, c->nservices, c->nhosts, c->nshadows,
		       c->nclasses);
		veerd_config_free(c);
		return 0;
	}
	lat_params_default(&d.lat);
	if (apply_config(&d, c)) {
		veerd_config_free(c);
		return 1;
	}
	if (!foreground) {
		if (daemon(0, 0)) {
			vd_log(LOG_ERR, "daemon: %s", strerror(errno));
			return 1;
		}
		openlog("veerd", LOG_PID, LOG_DAEMON);
		log_stderr = false;
	}
	d.started = mono();
	vd_log(LOG_NOTICE, "veerd %s starting: %u services, %u hosts, %u shadows, cycle %gs, horizon %gs%s",
	       VEER_VERSION, d.cfg->nservices, d.cfg->nhosts,
	       d.cfg->nshadows, d.cfg->interval, d.cfg->horizon,
	       d.dry_run ? ", dry run: decisions are logged, not applied" :
			   "");
	rc = run(&d, cycles);
	vd_module_close(&d);
	report_close(&d);
	free_state(&d);
	fc_series_free(d.fc_cpu);
	veerd_config_free(d.cfg);
	return rc;
}
