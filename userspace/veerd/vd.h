/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vd.h: the state of the running daemon, shared by its parts.
 *
 *   veerd.c       main, the cycle, signals, logging, configuration reloads
 *   vd_module.c   the kernel module: dumps in, decisions out (libveer)
 *   vd_publish.c  what veerd believes, for `veer policy show` and
 *                 `veer predict show`
 *
 * The decisions themselves are made by the host-side core (policy.c,
 * forecast.c, thresh.c, connest.c), which is unit-tested on its own; this
 * part feeds it and applies what it says.
 */
#ifndef VEERD_VD_H
#define VEERD_VD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "connest.h"
#include "forecast.h"
#include "libveer.h"
#include "policy.h"
#include "probe.h"
#include "procfs.h"
#include "report.h"
#include "thresh.h"

#define VD_FLOWS_MAX		65536	/* per service, per cycle */
#define VD_DECISIONS_KEEP	32	/* in the published log */
#define VD_WEIGHT_HYSTERESIS	0.05	/* re-apply a weight moved this much */

/* A flow veerd follows: its latency model and what was decided. */
struct vd_flow {
	uint32_t ct_id;			/* 0: free slot */
	struct veer_flow_key key;
	double age, idle;		/* seconds */
	double rate;			/* bytes/s */
	uint32_t rtt_us, rtt_last;	/* smoothed RTT, last one fed */
	struct lat_est lat;
	double p_exceed;		/* P(latency > threshold in horizon) */
	double remaining;		/* at lease-confidence, seconds */
	bool critical;
	bool lease;			/* the module holds a lease for it */
	double lease_expiry;		/* monotonic seconds */
	enum veerd_reason offload;	/* decided this cycle */
	enum veerd_reason prev_offload;	/* decided the cycle before */
	int target;			/* host index, -1: none */
};

struct vd_host {
	const struct vcfg_host *cfg;
	bool in_module;			/* found in the last dump */
	struct veer_host mod;		/* as dumped */
	uint64_t prev_conns;
	double prev_at;			/* monotonic seconds */
	bool have_prev;
	double load;			/* new connections/s, or reported */
	double capacity;
	double pred_peak;		/* upper bound within the horizon */
	double util;			/* reported CPU utilisation, -1: none */
	struct fc_series *fc;
	/* Health. */
	struct health health;
	struct probe *probe;
	double next_probe;		/* monotonic seconds */
	double rtt;			/* seconds, configured or probed */
	double probe_latency;		/* load probes: mean round, seconds */
	char probe_error[128];
	uint64_t probes_ok, probes_failed;
	/* Reports. */
	struct report report;
	double report_at;		/* monotonic seconds, 0: never */
	/* Applied. */
	uint32_t weight;		/* what veerd wants */
	bool pool;			/* healthy, in the pool */
};

struct vd_service {
	const struct vcfg_service *cfg;
	bool in_module;
	struct veer_service mod;
	uint64_t prev_conns, prev_bytes;
	double prev_at;			/* monotonic seconds */
	bool have_prev;
	bool absent_logged;		/* "not in the module" said once */
	double load, bytes_rate;	/* this cycle */
	struct fc_series *fc;		/* new connections/s */
	struct fc_series *fc_bytes;	/* bytes/s, tells surges from attacks */
	struct dthresh hist;
	double thresh;			/* dynamic threshold in use */
	struct fc_breach breach;
	bool breach_predicted;
	double pred_sev;
	bool anomaly, attack;
	double anom_sev;
	unsigned int shift;		/* what veerd wants, percent */
	struct life_model life;
	/* Flows, sorted by ct_id (rebuilt from each cycle's dump). */
	struct vd_flow *flows;
	unsigned int nflows;
	unsigned int flows_skipped;	/* over VD_FLOWS_MAX this cycle */
	unsigned int offload_count[__VEERD_REASON_MAX];
	int target;			/* host for offloads, -1: none */
};

struct vd_decision {
	double at;			/* wall clock, seconds */
	char what[160];
	char why[160];
	bool applied;
};

struct vd_counters {
	uint64_t cycles;
	uint64_t applied, apply_errors, dry_run;
	uint64_t resyncs, module_absent_cycles;
	uint64_t flows_seen, flows_ended;
	uint64_t reports_ok, reports_bad;
	uint64_t reloads, reload_errors;
	uint64_t leases_renewed, leases_set, leases_lapsed;
};

struct vd {
	struct veerd_config *cfg;
	const char *cfg_path;
	const char *state_dir;
	bool dry_run, verbose;
	double steps_horizon;		/* horizon in cycles */
	unsigned int horizon;		/* steps */
	struct lat_params lat;

	/* The module. */
	struct veer_handle *h;
	bool module_seen;		/* reached at least once */
	bool absent_logged;
	struct veer_peer peers[VCFG_SHADOWS_MAX * 2];
	unsigned int npeers;
	struct veer_config mcfg;	/* the module's, as last read */

	/* Router metrics. */
	struct proc_cpu cpu_prev;
	bool have_cpu;
	double cpu_util, mem_util;
	double rx_bps, tx_bps;
	uint64_t prev_rx, prev_tx;
	bool have_net;
	uint64_t conntrack;
	struct fc_series *fc_cpu;

	struct vd_service *svc;
	unsigned int nsvc;
	struct vd_host *host;
	unsigned int nhost;

	int report_fd;
	struct report_peers *senders;

	struct vd_decision decisions[VD_DECISIONS_KEEP];
	unsigned int ndecisions;	/* total, ring index = n % KEEP */
	struct vd_counters n;
	double now;			/* monotonic seconds, this cycle */
	double started;
};

/* veerd.c */
void vd_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vd_decision(struct vd *d, bool applied, const char *why,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
double vd_wall(void);
/* "SERVICE ADDR[:PORT]" */
const char *vd_host_name(const struct vd_host *hs, char *buf, size_t len);

/* vd_module.c */
void vd_module_connect(struct vd *d);
void vd_module_close(struct vd *d);
int vd_module_sync(struct vd *d);		/* dumps; -errno */
void vd_module_apply(struct vd *d);
struct vd_flow *vd_flow_find(struct vd_service *s, uint32_t ct_id);

/* vd_publish.c */
int vd_publish(struct vd *d);

#endif /* VEERD_VD_H */
