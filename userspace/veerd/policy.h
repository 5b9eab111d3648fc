/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h: veerd's decisions, as pure functions of what it believes.
 *
 * Nothing here reads the clock, the network or the module: the main loop
 * gathers forecasts and facts, calls these, and applies the result through
 * libveer (or only logs it with --dry-run).  That keeps every rule
 * unit-testable and replayable on traces (tests/bench/forecast).
 *
 * Severity scale: a severity s asks for s * 10 % of the traffic to move, so
 * 1 is "a tenth of the load is too much".  The prediction's severity is
 * 10 * (1 - thresh / peak), the share that must leave for the predicted
 * upper bound `peak` to fit under the threshold; the anomaly's is its
 * excess over the deviation band in band widths (forecast.h), 0..5.
 */
#ifndef VEERD_POLICY_H
#define VEERD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a connection is offloaded (carried in logs and to the module). */
enum veerd_reason {
	VEERD_REASON_NONE,
	VEERD_REASON_PROACTIVE,		/* its own latency is at risk */
	VEERD_REASON_CONGESTION,	/* its host is predicted to breach */
	VEERD_REASON_ATTACK,		/* a surge that looks like an attack */
	__VEERD_REASON_MAX
};

const char *policy_reason_name(enum veerd_reason r);

/* ---- traffic shifting to shadows ------------------------------------ */

#define POLICY_SHIFT_MIN	10	/* percent */
#define POLICY_SHIFT_MAX	50	/* percent (VEER_SHIFT_PCT_MAX) */
#define POLICY_RESTORE_STEP	1	/* percentage points per cycle */

/* 10 * (1 - thresh / peak) when peak > thresh > 0, else 0. */
double policy_pred_severity(double peak, double thresh);

/*
 * The share of new flows (whole percent) sent to shadows next cycle:
 *
 *  - with a predicted breach and/or an active anomaly, the target is
 *    min(50, max(10, (pred_sev + anom_sev) * 10)), rounded up to a whole
 *    percent; a severity counts only when its condition holds, so an
 *    anomaly alone shifts at least 10 % at once, whatever the prediction;
 *  - the share rises to a higher target at once;
 *  - while a breach is still predicted it holds: the predicted peak falls
 *    as soon as the shift is in place (the forecast sees the offered load,
 *    but its noise does not shrink), and a share that followed the target
 *    down left the noisy top of a ramp over the threshold;
 *  - otherwise (an anomaly alone, or nothing) it falls by
 *    POLICY_RESTORE_STEP per cycle, never below the anomaly's target
 *    while the anomaly holds, and down to 0 once both have cleared.
 */
unsigned int policy_shift_next(unsigned int cur, bool breach,
			       double pred_sev, bool anomaly,
			       double anom_sev);

/*
 * Split `pct` percent across n shadows by weight, in hundredths of a
 * percent (largest remainder, so the parts add up exactly).  Shadows of
 * weight 0 get nothing; all-zero weights split evenly.  Returns the sum.
 */
unsigned int policy_split_shift(unsigned int pct, const uint32_t *weight,
				size_t n, unsigned int *out_centi);

/* ---- connection level ----------------------------------------------- */

struct policy_conn_in {
	double p_exceed;	/* P(latency > threshold within horizon) */
	bool host_breach;	/* its host is predicted to breach */
	bool attack;		/* an attack is suspected on its service */
};

/* Offload when p_exceed >= level; VEERD_REASON_NONE otherwise. */
enum veerd_reason policy_conn_decide(const struct policy_conn_in *in,
				     double level);

/*
 * An attack is suspected when the new-connection (SYN) rate surges out of
 * its band with at least `min_sev` severity while the traffic it carries
 * does not surge with it: many connections, little data each.
 */
bool policy_attack_suspected(bool syn_anomaly, double syn_sev,
			     bool bytes_anomaly, double min_sev);

/* ---- host level: which connections, and where ----------------------- */

struct policy_conn {
	uint64_t id;
	double age;		/* seconds */
	double remaining;	/* predicted remaining seconds, at confidence */
	double bw;		/* recent load it puts on the host */
	bool critical;		/* its application class is critical */
};

/*
 * Relief a connection brings over the horizon: its load times the share
 * of the horizon it is expected to live.  Connections expected to end
 * within `min_remaining` bring none: moving them is all disruption.
 */
double policy_conn_relief(const struct policy_conn *c, double horizon,
			  double min_remaining);

/*
 * Order candidates for offload: non-critical before critical, then by
 * relief (longer-lived and higher-bandwidth first), then older, then id.
 * Writes the chosen indexes to out[], in that order, until their relief
 * covers `need` (> 0; else nothing is chosen), at most `max`.  Returns
 * how many were chosen.
 */
size_t policy_pick_conns(const struct policy_conn *c, size_t n,
			 double need, double horizon, double min_remaining,
			 size_t *out, size_t max);

struct policy_host {
	bool healthy;
	bool self;		/* the overloaded host itself */
	double pred_load;	/* predicted peak load within the horizon */
	double capacity;	/* its threshold (same unit) */
	double rtt;		/* measured RTT to it, seconds */
	uint32_t weight;	/* configured base weight, 0: none */
};

struct policy_target_params {
	double rtt_ref;		/* RTT that costs as much as ... */
	double rtt_weight;	/* ... this much predicted utilisation */
};

/*
 * Target for `extra` load: the healthy host other than self with the
 * lowest predicted utilisation + rtt_weight * rtt / rtt_ref, among those
 * that stay under capacity with the extra load.  -1 when none fits.
 */
int policy_pick_target(const struct policy_host *h, size_t n, double extra,
		       const struct policy_target_params *p);

/*
 * Weights for new connections (weighted round robin / Maglev): predicted
 * headroom 1 - pred_load / capacity, times the base weight (0 counts as
 * 1), times scale, rounded and capped at 65535 (VEER_WEIGHT_MAX).
 * Unhealthy hosts get 0; healthy hosts with no headroom get 1 so the
 * service stays reachable.
 */
void policy_weights(const struct policy_host *h, size_t n,
		    uint32_t scale, uint32_t *out);

/* ---- leases --------------------------------------------------------- */

enum policy_lease {
	POLICY_LEASE_WAIT,	/* not yet within renew_ahead of expiry */
	POLICY_LEASE_RENEW,
	POLICY_LEASE_EXPIRE,	/* let it lapse: not expected to last */
};

/*
 * Renew only inside the last `renew_ahead` seconds before expiry, and only
 * when the remaining duration predicted at the configured confidence
 * (connest.h: life_remaining) is at least `threshold`.
 */
enum policy_lease policy_lease_decide(double now, double expiry,
				      double remaining_at_conf,
				      double renew_ahead, double threshold);

/* ---- health --------------------------------------------------------- */

enum health_state {
	HEALTH_UP,		/* in the pool */
	HEALTH_DOWN,		/* out of the pool */
};

struct health {
	enum health_state state;
	unsigned int ok_run, fail_run;
	uint64_t transitions;
};

enum health_change {
	HEALTH_SAME,
	HEALTH_WENT_DOWN,
	HEALTH_CAME_UP,
};

void health_init(struct health *h, enum health_state initial);
/*
 * One probe result: an UP host leaves the pool after `fall` consecutive
 * failures, a DOWN host comes back after `rise` consecutive successes.
 */
enum health_change health_update(struct health *h, bool ok,
				 unsigned int rise, unsigned int fall);

#endif /* VEERD_POLICY_H */
