/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h: veerd's configuration file.
 *
 * Format (Documentation/veerd.8 has every key; veerd.conf.example shows
 * them in use):
 *
 *   # comment                      blank lines and comments are ignored
 *   key value...                   a setting of the current section
 *   [global]                       the section before any header
 *   [service NAME]                 one per service veer handles
 *   [host SERVICE ADDRESS[:PORT]]  a destination host of SERVICE
 *   [shadow ADDRESS]               a shadow router taking shifted flows
 *   [class NAME]                   an application class (ports), maybe
 *                                  critical
 *
 * Values: numbers; durations with a unit (ns us ms s m h d, bare: s);
 * probabilities as 0.9 or 90%; yes/no; words; "quoted strings" with
 * \" \\ \n \r \t \xHH escapes.  IPv6 addresses with a port are written
 * [2001:db8::1]:80.
 *
 * Every error names the file, the line and the fault, like a compiler:
 * "veerd.conf:12: ar-order: 40 is out of range [1, 16]".  Parsing goes on
 * after an error to report more (up to VCFG_MAX_ERRORS) and the load
 * fails.  Hostile input (binary junk, overlong lines, huge numbers) is an
 * error like any other, never a crash.
 */
#ifndef VEERD_CONFIG_H
#define VEERD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "forecast.h"
#include "thresh.h"

#define VCFG_NAME_LEN		32	/* like VEER_NAME_LEN, with the NUL */
#define VCFG_LINE_MAX		1024	/* bytes, with the newline */
#define VCFG_MAX_ERRORS		20
#define VCFG_SERVICES_MAX	64
#define VCFG_HOSTS_MAX		256
#define VCFG_SHADOWS_MAX	64
#define VCFG_CLASSES_MAX	32
#define VCFG_PORTS_MAX		16
#define VCFG_STR_MAX		256
#define VCFG_UNSET_UINT		0xffffffffU

enum vcfg_probe {
	VCFG_PROBE_NONE,	/* no health check: always healthy */
	VCFG_PROBE_TCP,		/* TCP connect */
	VCFG_PROBE_LOAD,	/* connect, send probe-request, expect reply */
};

enum vcfg_log {
	VCFG_LOG_ERR,
	VCFG_LOG_WARNING,
	VCFG_LOG_NOTICE,
	VCFG_LOG_INFO,
	VCFG_LOG_DEBUG,
};

struct vcfg_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order */
	uint16_t port;		/* host order, 0: none given */
};

struct vcfg_service {
	char name[VCFG_NAME_LEN];
	double load_threshold;		/* cap of the load series, 0: none */
	double conn_threshold;		/* active connections, 0: none */
	double syn_threshold;		/* new connections/s, 0: none */
	double latency_threshold;	/* seconds, 0: none */
	bool dynamic_threshold;
	bool critical;			/* all its traffic is critical */
	bool shift;			/* may shift new flows to shadows */
	unsigned int line;
};

struct vcfg_host {
	char service[VCFG_NAME_LEN];
	struct vcfg_addr addr;
	uint32_t weight;
	double rtt;			/* seconds, 0: measure */
	double capacity;		/* load threshold, 0: service's */
	enum vcfg_probe probe;
	uint16_t probe_port;		/* 0: the host's port */
	char probe_request[VCFG_STR_MAX];
	char probe_expect[VCFG_STR_MAX];
	unsigned int probe_count;	/* requests per synthetic probe */
	unsigned int line;
};

struct vcfg_shadow {
	struct vcfg_addr addr;
	uint32_t weight;
	unsigned int line;
};

struct vcfg_class {
	char name[VCFG_NAME_LEN];
	bool critical;
	uint8_t proto;			/* IPPROTO_TCP/UDP, 0: both */
	uint16_t ports[VCFG_PORTS_MAX];
	unsigned int nports;
	unsigned int line;
};

struct veerd_config {
	/* Cycle and forecasting. */
	double interval;		/* seconds per step */
	double horizon;			/* seconds */
	double min_lead;		/* seconds */
	double season;			/* Holt-Winters period, seconds */
	double breach_probability;	/* host-level alarm */
	double offload_probability;	/* connection-level offload */
	double attack_severity;
	double anomaly_floor;		/* share of the threshold, 0..1 */
	struct fc_params fc;		/* horizons/period set from above */

	/* Dynamic thresholds. */
	struct dthresh_params thr;
	double thr_window;		/* seconds of history */

	/* Connections and leases. */
	double lifetime_scale;		/* Lomax scale, seconds */
	double lifetime_decay;
	double min_remaining;		/* seconds; shorter: not worth it */
	double lease_renew_ahead;	/* seconds before expiry */
	double lease_renew_threshold;	/* seconds of predicted life */
	double lease_confidence;

	/* Target selection and weights. */
	double rtt_ref, rtt_weight;
	unsigned int weight_scale;

	/* Health checks. */
	double health_interval, health_timeout;
	unsigned int health_rise, health_fall;

	/* Resource reports from the hosts. */
	unsigned int report_port;
	char report_key[VCFG_STR_MAX];

	/* The module's granularity (VEER_CFG_GRAN_*); unset: leave it. */
	unsigned int gran_levels;	/* VCFG_UNSET_UINT or 0..3 */
	double gran_bw;			/* bytes/s per connection, -1 */
	double gran_duration;		/* seconds, -1 */
	double gran_freq;		/* new connections per minute, -1 */

	bool dry_run;
	enum vcfg_log log_level;

	struct vcfg_service services[VCFG_SERVICES_MAX];
	unsigned int nservices;
	struct vcfg_host hosts[VCFG_HOSTS_MAX];
	unsigned int nhosts;
	struct vcfg_shadow shadows[VCFG_SHADOWS_MAX];
	unsigned int nshadows;
	struct vcfg_class classes[VCFG_CLASSES_MAX];
	unsigned int nclasses;
};

void veerd_config_default(struct veerd_config *c);

/*
 * Parse `text` (len bytes; NULs are errors) named `file` in messages into
 * *c (which must hold the defaults or an earlier state).  Errors go to
 * `err` (may be NULL).  Returns the number of errors.
 */
unsigned int veerd_config_parse(struct veerd_config *c, const char *file,
				const char *text, size_t len, FILE *err);

/* Read and parse a file; NULL (errors printed to err) on any error. */
struct veerd_config *veerd_config_load(const char *path, FILE *err);
void veerd_config_free(struct veerd_config *c);

/*
 * Steps of the cycle for a duration in seconds, at least 1, rounding up
 * (a horizon is never shortened).
 */
unsigned int veerd_config_steps(const struct veerd_config *c, double sec);

const struct vcfg_service *veerd_config_service(const struct veerd_config *c,
						 const char *name);

#endif /* VEERD_CONFIG_H */
