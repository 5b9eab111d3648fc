// SPDX-License-Identifier: GPL-2.0
/*
 * vd_module.c: veerd and the kernel module, through libveer only.
 *
 * Every cycle veerd dumps the services, their hosts, the peers and the
 * flows of the services it manages, and compares what it wants with what
 * the dumps say: a value is written only when the module's differs.  So a
 * module that was reloaded (empty tables), an operator's change, or a
 * decision that failed last cycle are all put right by the same code, and
 * nothing has to be remembered about what was applied.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "vd.h"

#define LEASES_PER_CYCLE	256	/* lease requests, all services */

static const char *addr_str(int family, const void *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static const char *flow_str(const struct veer_flow_key *k, char *buf,
			    size_t len)
{
	char s[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s %s:%u -> %s:%u", veer_proto_name(k->proto) ?: "?",
		 addr_str(k->family, &k->saddr, s, sizeof(s)), k->sport,
		 addr_str(k->family, &k->daddr, dst, sizeof(dst)), k->dport);
	return buf;
}

void vd_module_close(struct vd *d)
{
	unsigned int i;

	if (d->h) {
		veer_close(d->h);
		d->h = NULL;
	}
	/* Whatever comes back is a new module: counters start over. */
	for (i = 0; i < d->nsvc; i++) {
		d->svc[i].in_module = false;
		d->svc[i].have_prev = false;
	}
	for (i = 0; i < d->nhost; i++) {
		d->host[i].in_module = false;
		d->host[i].have_prev = false;
	}
}

void vd_module_connect(struct vd *d)
{
	int err;

	/*
	 * Opening the family by name makes the kernel load the module.  That
	 * is wanted when veerd starts, not after an operator unloaded it: a
	 * retry every cycle would make unloading impossible.
	 */
	if (d->module_seen && access("/sys/module/veer", F_OK)) {
		if (!d->absent_logged)
			vd_log(LOG_ERR, "the veer module was unloaded; waiting for it to be loaded again (veerd loads it only at start)");
		d->absent_logged = true;
		return;
	}
	err = veer_open(&d->h, NULL);
	if (err) {
		d->h = NULL;
		if (!d->absent_logged)
			vd_log(LOG_ERR, "cannot reach the veer module: %s; forecasting the router's own metrics only, retrying every cycle",
			       veer_last_error_msg(NULL) ?: strerror(-err));
		d->absent_logged = true;
		return;
	}
	d->n.resyncs++;
	vd_log(LOG_NOTICE, "veer module %s: synchronising from dumps",
	       d->module_seen ? "is back" : "found");
	d->module_seen = true;
	d->absent_logged = false;
}

/* ---- dumps in ------------------------------------------------------------ */

static int service_cb(const struct veer_service *m, void *arg)
{
	struct vd *d = arg;
	unsigned int i;
	double dt;

	for (i = 0; i < d->nsvc; i++) {
		struct vd_service *s = &d->svc[i];

		if (strcmp(s->cfg->name, m->name))
			continue;
		if (s->in_module || (s->have_prev && s->mod.id != m->id)) {
			/* Deleted and added again: its counters restarted. */
			s->have_prev = false;
		}
		s->in_module = true;
		s->absent_logged = false;
		dt = d->now - s->prev_at;
		s->load = NAN;
		s->bytes_rate = NAN;
		if (s->have_prev && dt > 0) {
			s->load = proc_rate(s->prev_conns, m->stats.conns, dt);
			s->bytes_rate = proc_rate(s->prev_bytes,
						  m->stats.bytes, dt);
		}
		s->mod = *m;
		s->prev_conns = m->stats.conns;
		s->prev_bytes = m->stats.bytes;
		s->prev_at = d->now;
		s->have_prev = true;
		return 0;
	}
	return 0;	/* a service veerd does not manage */
}

static bool host_matches(const struct vcfg_host *c, const struct veer_host *m)
{
	return !strcmp(c->service, m->service) &&
	       c->addr.family == m->family &&
	       !memcmp(c->addr.addr, &m->addr,
		       m->family == AF_INET ? 4 : 16) &&
	       (!c->addr.port || !m->port || c->addr.port == m->port);
}

static int host_cb(const struct veer_host *m, void *arg)
{
	struct vd *d = arg;
	unsigned int i;
	double dt;

	for (i = 0; i < d->nhost; i++) {
		struct vd_host *hs = &d->host[i];

		if (!host_matches(hs->cfg, m))
			continue;
		hs->in_module = true;
		dt = d->now - hs->prev_at;
		hs->load = NAN;
		if (hs->have_prev && dt > 0)
			hs->load = proc_rate(hs->prev_conns, m->stats.conns,
					     dt);
		hs->mod = *m;
		hs->prev_conns = m->stats.conns;
		hs->prev_at = d->now;
		hs->have_prev = true;
		return 0;
	}
	return 0;
}

static int peer_cb(const struct veer_peer *p, void *arg)
{
	struct vd *d = arg;

	if (d->npeers < sizeof(d->peers) / sizeof(d->peers[0]))
		d->peers[d->npeers++] = *p;
	return 0;
}

struct flow_walk {
	struct vd *d;
	struct vd_service *s;
	struct vd_flow *v;
	unsigned int n, cap;
};

static bool flow_critical(const struct vd *d, const struct vd_service *s,
			  const struct veer_flow_key *k)
{
	unsigned int i, j;

	if (s->cfg->critical)
		return true;
	for (i = 0; i < d->cfg->nclasses; i++) {
		const struct vcfg_class *c = &d->cfg->classes[i];

		if (!c->critical || (c->proto && c->proto != k->proto))
			continue;
		for (j = 0; j < c->nports; j++)
			if (c->ports[j] == k->dport)
				return true;
	}
	return false;
}

static int flow_cb(const struct veer_flow *m, void *arg)
{
	struct flow_walk *w = arg;
	struct vd_flow *f;

	if (w->n == VD_FLOWS_MAX) {
		w->s->flows_skipped++;
		return 0;
	}
	if (w->n == w->cap) {
		unsigned int cap = w->cap ? 2 * w->cap : 256;
		struct vd_flow *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	f = &w->v[w->n++];
	memset(f, 0, sizeof(*f));
	f->ct_id = m->ct_id;
	f->key = m->key;
	f->age = m->age_ms / 1000.0;
	f->idle = m->idle_ms / 1000.0;
	f->rate = m->rate;
	f->rtt_us = m->present & VEER_FLOW_P_RTT ? m->rtt_us : 0;
	if (m->present & VEER_FLOW_P_LEASE) {
		f->lease = true;
		f->lease_expiry = w->d->now + m->lease.ttl_ms / 1000.0;
	}
	f->target = -1;
	return 0;
}

static int by_ct_id(const void *a, const void *b)
{
	const struct vd_flow *x = a, *y = b;

	return x->ct_id < y->ct_id ? -1 : x->ct_id > y->ct_id;
}

struct vd_flow *vd_flow_find(struct vd_service *s, uint32_t ct_id)
{
	struct vd_flow key = { .ct_id = ct_id };

	if (!s->nflows)
		return NULL;
	return bsearch(&key, s->flows, s->nflows, sizeof(key), by_ct_id);
}

/*
 * The flows of s: carry each one's latency model over from the last cycle
 * (same conntrack id and tuple), feed it this cycle's RTT, and let the
 * flows that are gone teach the service's lifetime model.
 */
static int sync_flows(struct vd *d, struct vd_service *s)
{
	const struct veerd_config *c = d->cfg;
	struct veer_flow_filter flt = {
		.svc_id = s->mod.id, .present = VEER_FLOW_F_SVC_ID,
	};
	struct flow_walk w = { .d = d, .s = s };
	unsigned int i, gone = 0;
	struct vd_flow *o;
	int err;

	s->flows_skipped = 0;
	err = veer_flow_dump(d->h, &flt, flow_cb, &w);
	if (err) {
		free(w.v);
		return err;
	}
	qsort(w.v, w.n, sizeof(*w.v), by_ct_id);
	for (i = 0; i < w.n; i++) {
		struct vd_flow *f = &w.v[i];

		o = vd_flow_find(s, f->ct_id);
		if (o && !memcmp(&o->key, &f->key, sizeof(f->key))) {
			f->lat = o->lat;
			f->prev_offload = o->offload;
			o->ct_id = 0;	/* still alive: not "gone" below */
		} else {
			lat_est_init(&f->lat);
		}
		if (f->rtt_us)
			lat_est_update(&f->lat, &d->lat, f->rtt_us);
		f->critical = flow_critical(d, s, &f->key);
		f->remaining = life_remaining(&s->life, f->age,
					      c->lease_confidence);
	}
	for (i = 0; i < s->nflows; i++) {
		if (!s->flows[i].ct_id)
			continue;
		/* Ended since the last dump, within one cycle. */
		life_observe(&s->life, s->flows[i].age + c->interval / 2);
		gone++;
	}
	d->n.flows_seen += w.n;
	d->n.flows_ended += gone;
	free(s->flows);
	s->flows = w.v;
	s->nflows = w.n;
	return 0;
}

int vd_module_sync(struct vd *d)
{
	unsigned int i;
	int err;

	for (i = 0; i < d->nsvc; i++)
		d->svc[i].in_module = false;
	for (i = 0; i < d->nhost; i++)
		d->host[i].in_module = false;
	d->npeers = 0;

	err = veer_service_dump(d->h, service_cb, d);
	if (!err)
		err = veer_host_dump(d->h, NULL, host_cb, d);
	if (!err)
		err = veer_peer_dump(d->h, peer_cb, d);
	if (!err)
		err = veer_config_get(d->h, &d->mcfg);
	for (i = 0; !err && i < d->nsvc; i++) {
		struct vd_service *s = &d->svc[i];

		if (!s->in_module) {
			if (!s->absent_logged)
				vd_log(LOG_WARNING, "service %s is configured but not in the module (veer service add %s ...): nothing to manage",
				       s->cfg->name, s->cfg->name);
			s->absent_logged = true;
			s->have_prev = false;
			continue;
		}
		err = sync_flows(d, s);
	}
	if (err) {
		vd_log(LOG_ERR, "lost the veer module (%s): the module keeps forwarding on its own; reconnecting",
		       veer_last_error_msg(d->h) ?: strerror(-err));
		return err;
	}
	return 0;
}

/* ---- decisions out ------------------------------------------------------ */

/* Apply one change: counted, logged with its reason; dry-run skips it. */
#define APPLY(d, call, why, ...)					\
	do {								\
		int __e = 0;						\
		if (!(d)->dry_run)					\
			__e = (call);					\
		if (__e) {						\
			(d)->n.apply_errors++;				\
			vd_log(LOG_ERR, "failed to apply: %s",		\
			       veer_last_error_msg((d)->h) ?:		\
			       strerror(-__e));				\
		} else if ((d)->dry_run) {				\
			(d)->n.dry_run++;				\
		} else {						\
			(d)->n.applied++;				\
		}							\
		vd_decision(d, !(d)->dry_run && !__e, why, __VA_ARGS__); \
	} while (0)

static void apply_shadows(struct vd *d)
{
	const struct veerd_config *c = d->cfg;
	unsigned int i, j;
	char a[INET6_ADDRSTRLEN];

	for (i = 0; i < c->nshadows; i++) {
		const struct vcfg_shadow *sh = &c->shadows[i];
		struct veer_peer p = {
			.family = sh->addr.family,
			.role = VEER_PEER_SHADOW,
			.weight = sh->weight,
			.present = VEER_PEER_P_ADDR | VEER_PEER_P_ROLE |
				   VEER_PEER_P_WEIGHT,
		};
		const struct veer_peer *m = NULL;

		memcpy(&p.addr, sh->addr.addr, p.family == AF_INET ? 4 : 16);
		if (sh->addr.port) {
			p.port = sh->addr.port;
			p.present |= VEER_PEER_P_PORT;
		}
		for (j = 0; j < d->npeers; j++)
			if (d->peers[j].family == p.family &&
			    !memcmp(&d->peers[j].addr, &p.addr,
				    p.family == AF_INET ? 4 : 16))
				m = &d->peers[j];
		addr_str(p.family, &p.addr, a, sizeof(a));
		if (!m)
			APPLY(d, veer_peer_add(d->h, &p), "configured shadow",
			      "add shadow %s weight %u", a, p.weight);
		else if (m->role != p.role || m->weight != p.weight)
			APPLY(d, veer_peer_change(d->h, &p), "configured shadow",
			      "set peer %s role shadow weight %u", a, p.weight);
	}
}

static void apply_granularity(struct vd *d)
{
	const struct veerd_config *c = d->cfg;
	struct veer_config m = { 0 };
	const struct veer_config *cur = &d->mcfg;

	if (c->gran_levels != VCFG_UNSET_UINT &&
	    cur->gran_max_level != c->gran_levels) {
		m.gran_max_level = c->gran_levels;
		m.present |= VEER_CFG_P_GRAN_MAX_LEVEL;
	}
	if (c->gran_bw >= 0 && cur->gran_bw != (uint32_t)c->gran_bw) {
		m.gran_bw = (uint32_t)c->gran_bw;
		m.present |= VEER_CFG_P_GRAN_BW;
	}
	if (c->gran_duration >= 0 &&
	    cur->gran_duration != (uint32_t)lround(c->gran_duration * 1000)) {
		m.gran_duration = (uint32_t)lround(c->gran_duration * 1000);
		m.present |= VEER_CFG_P_GRAN_DURATION;
	}
	if (c->gran_freq >= 0 && cur->gran_freq != (uint32_t)c->gran_freq) {
		m.gran_freq = (uint32_t)c->gran_freq;
		m.present |= VEER_CFG_P_GRAN_FREQ;
	}
	if (m.present)
		APPLY(d, veer_config_set(d->h, &m), "configured granularity",
		      "set granularity levels %u bandwidth %u B/s duration %u ms frequency %u/min",
		      m.present & VEER_CFG_P_GRAN_MAX_LEVEL ? m.gran_max_level :
							      cur->gran_max_level,
		      m.present & VEER_CFG_P_GRAN_BW ? m.gran_bw : cur->gran_bw,
		      m.present & VEER_CFG_P_GRAN_DURATION ? m.gran_duration :
							     cur->gran_duration,
		      m.present & VEER_CFG_P_GRAN_FREQ ? m.gran_freq :
							 cur->gran_freq);
}

static void apply_service(struct vd *d, struct vd_service *s)
{
	struct veer_service m = { .present = VEER_SVC_P_NAME };
	uint32_t lat = (uint32_t)lround(s->cfg->latency_threshold * 1e6);
	char why[160];

	snprintf(m.name, sizeof(m.name), "%s", s->cfg->name);
	if (s->mod.shift_pct != s->shift) {
		m.shift_pct = s->shift;
		m.present |= VEER_SVC_P_SHIFT_PCT;
		if (s->shift > s->mod.shift_pct)
			snprintf(why, sizeof(why),
				 "%s%s: load %.1f/s, threshold %.1f/s, P(breach in %gs) %.2f, predicted peak %.1f/s, anomaly severity %.2f",
				 s->breach_predicted ? "breach predicted" : "",
				 s->anomaly ? (s->breach_predicted ?
					       " and anomaly" : "anomaly") : "",
				 s->load, s->thresh, d->cfg->horizon,
				 s->breach.prob, s->breach.peak_hi,
				 s->anom_sev);
		else if (s->shift)
			snprintf(why, sizeof(why),
				 "conditions cleared: restoring %u point per cycle (P(breach) %.2f)",
				 POLICY_RESTORE_STEP, s->breach.prob);
		else
			snprintf(why, sizeof(why), "%s",
				 s->cfg->shift && d->cfg->nshadows ?
				 "conditions cleared: all new flows stay" :
				 "no shifting for this service");
		APPLY(d, veer_service_change(d->h, &m), why,
		      "shift %u%% of service %s's new flows to the shadows (was %u%%)",
		      s->shift, s->cfg->name, s->mod.shift_pct);
		m.present = VEER_SVC_P_NAME;
	}
	/* The module's per-service thresholds, as configured. */
	if (lat && s->mod.latency_thresh != lat) {
		m.latency_thresh = lat;
		m.present |= VEER_SVC_P_LATENCY_THRESH;
	}
	if (s->cfg->syn_threshold > 0 &&
	    s->mod.syn_thresh != (uint32_t)s->cfg->syn_threshold) {
		m.syn_thresh = (uint32_t)s->cfg->syn_threshold;
		m.present |= VEER_SVC_P_SYN_THRESH;
	}
	if (s->cfg->conn_threshold > 0 &&
	    s->mod.conn_thresh != (uint32_t)s->cfg->conn_threshold) {
		m.conn_thresh = (uint32_t)s->cfg->conn_threshold;
		m.present |= VEER_SVC_P_CONN_THRESH;
	}
	if (m.present != VEER_SVC_P_NAME)
		APPLY(d, veer_service_change(d->h, &m), "configured thresholds",
		      "set service %s thresholds: latency %u us, syn %u/s, conns %u",
		      s->cfg->name, lat, m.syn_thresh ?: s->mod.syn_thresh,
		      m.conn_thresh ?: s->mod.conn_thresh);
}

static void apply_host(struct vd *d, struct vd_host *hs)
{
	struct veer_host m = hs->mod;
	char a[INET6_ADDRSTRLEN], why[200];
	uint8_t want_state = hs->pool ? VEER_HOST_UP : VEER_HOST_DOWN;
	double diff;

	if (!hs->in_module)
		return;
	/* An operator's drain is the operator's: veerd leaves the host be. */
	if (hs->mod.state == VEER_HOST_DRAIN)
		return;
	addr_str(m.family, &m.addr, a, sizeof(a));
	m.present = VEER_HOST_P_SERVICE | VEER_HOST_P_ADDR |
		    (m.port ? VEER_HOST_P_PORT : 0);
	if (hs->mod.state != want_state) {
		m.state = want_state;
		m.present |= VEER_HOST_P_STATE;
		if (hs->pool)
			snprintf(why, sizeof(why), "healthy: %u good probes in a row",
				 d->cfg->health_rise);
		else
			snprintf(why, sizeof(why), "unhealthy: %s",
				 hs->probe_error[0] ? hs->probe_error :
						      "probes failed");
		APPLY(d, veer_host_change(d->h, &m), why, "set host %s %s %s",
		      hs->cfg->service, a, veer_host_state_name(want_state));
		m.present &= ~VEER_HOST_P_STATE;
	}
	diff = fabs((double)hs->weight - hs->mod.weight);
	if (hs->weight && hs->pool &&
	    diff > VD_WEIGHT_HYSTERESIS * (hs->weight > hs->mod.weight ?
					   hs->weight : hs->mod.weight)) {
		m.weight = hs->weight;
		m.present |= VEER_HOST_P_WEIGHT;
		snprintf(why, sizeof(why),
			 "predicted headroom: peak %.1f/s of capacity %.1f/s, rtt %.3f ms",
			 hs->pred_peak, hs->capacity, hs->rtt * 1e3);
		APPLY(d, veer_host_change(d->h, &m), why,
		      "set host %s %s weight %u (was %u)", hs->cfg->service, a,
		      hs->weight, hs->mod.weight);
	}
}

/*
 * Leases keep a flow's record (and its full profile) in the module.  A
 * flow gets one when it is expected to live past lease-renew-threshold at
 * lease-confidence; a lease is renewed within lease-renew-ahead of its
 * expiry under the same condition, and otherwise left to lapse.
 */
static void apply_leases(struct vd *d, struct vd_service *s,
			 unsigned int *budget)
{
	const struct veerd_config *c = d->cfg;
	uint32_t ttl = (uint32_t)lround(c->lease_renew_threshold * 1000);
	unsigned int i;
	char fs[160], why[160];

	for (i = 0; i < s->nflows && *budget; i++) {
		struct vd_flow *f = &s->flows[i];
		struct veer_lease l = {
			.ttl_ms = ttl ?: 1000,
			.confidence = (uint8_t)lround(c->lease_confidence * 100),
			.present = VEER_LEASE_P_TTL | VEER_LEASE_P_REMAINING |
				   VEER_LEASE_P_CONFIDENCE,
		};
		enum policy_lease pl;
		bool renew;

		if (!isfinite(f->remaining))
			continue;
		if (f->lease) {
			pl = policy_lease_decide(d->now, f->lease_expiry,
						 f->remaining,
						 c->lease_renew_ahead,
						 c->lease_renew_threshold);
			if (pl == POLICY_LEASE_WAIT)
				continue;
			if (pl == POLICY_LEASE_EXPIRE) {
				/* Said once: the lapse itself is the module's. */
				if (d->now + c->interval >= f->lease_expiry) {
					d->n.leases_lapsed++;
					vd_log(LOG_DEBUG, "lease of %s lapses: %.1fs left expected",
					       flow_str(&f->key, fs, sizeof(fs)),
					       f->remaining);
				}
				continue;
			}
			renew = true;
		} else {
			if (f->remaining < c->lease_renew_threshold)
				continue;
			renew = false;
		}
		l.remaining_ms = f->remaining * 1000 > UINT32_MAX ?
				 UINT32_MAX :
				 (uint32_t)(f->remaining * 1000);
		snprintf(why, sizeof(why),
			 "age %.1fs, predicted remaining %.1fs at %.0f%% confidence >= %gs",
			 f->age, f->remaining, c->lease_confidence * 100,
			 c->lease_renew_threshold);
		APPLY(d, veer_flow_set_lease(d->h, &f->key, &l), why,
		      "%s lease of %s for %u ms", renew ? "renew" : "grant",
		      flow_str(&f->key, fs, sizeof(fs)), l.ttl_ms);
		if (renew)
			d->n.leases_renewed++;
		else
			d->n.leases_set++;
		(*budget)--;
	}
}

/*
 * Offload decisions: logged when a flow's decision changes.  The module
 * has no connection handoff yet, so they are published (veer predict
 * show) and logged as not applied.
 */
static void log_offloads(struct vd *d, struct vd_service *s)
{
	unsigned int i;
	char fs[160], why[200], a[INET6_ADDRSTRLEN];

	for (i = 0; i < s->nflows; i++) {
		struct vd_flow *f = &s->flows[i];
		const struct vd_host *t;

		if (!f->offload || f->offload == f->prev_offload)
			continue;
		t = f->target >= 0 ? &d->host[f->target] : NULL;
		if (t)
			addr_str(t->cfg->addr.family, t->cfg->addr.addr, a,
				 sizeof(a));
		snprintf(why, sizeof(why),
			 "%s: P(latency > %g ms within %gs) %.2f, remaining %.1fs; not applied: the module has no connection handoff",
			 policy_reason_name(f->offload),
			 s->cfg->latency_threshold * 1e3, d->cfg->horizon,
			 f->p_exceed, f->remaining);
		vd_decision(d, false, why, "offload %s to %s",
			    flow_str(&f->key, fs, sizeof(fs)), t ? a : "(none)");
	}
}

void vd_module_apply(struct vd *d)
{
	unsigned int i, budget = LEASES_PER_CYCLE;

	apply_shadows(d);
	apply_granularity(d);
	for (i = 0; i < d->nsvc; i++) {
		struct vd_service *s = &d->svc[i];

		if (!s->in_module)
			continue;
		apply_service(d, s);
		apply_leases(d, s, &budget);
		log_offloads(d, s);
	}
	for (i = 0; i < d->nhost; i++)
		apply_host(d, &d->host[i]);
}
