// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer CLI: argument parsers, printers and usage texts of the objects.
 * No main(), no netlink: linked as is by the unit tests.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "objects.h"
#include "print.h"

/* ---- argument walking ---------------------------------------------------- */

#define NEXT_ARG()							\
	do {								\
		if (argc < 2) {						\
			cli_err("missing value after \"%s\"", *argv);	\
			return ARG_BAD;					\
		}							\
		argc--;							\
		argv++;							\
	} while (0)

/* Each keyword (kw) at most once: its presence bit must not be set yet. */
#define ONCE(present, bit)						\
	do {								\
		if ((present) & (bit)) {				\
			cli_err("duplicate argument \"%s\"", kw);	\
			return ARG_BAD;					\
		}							\
		(present) |= (bit);					\
	} while (0)

static int unknown(const char *word)
{
	cli_err("unknown argument \"%s\"", word);
	return ARG_USAGE;
}

static int missing(const char *obj, const char *cmd, const char *kw)
{
	cli_err("%s %s: \"%s\" is required", obj, cmd, kw);
	return ARG_USAGE;
}

static bool is_help(const char *s)
{
	return strcmp(s, "help") == 0;
}

static const char *act_word(enum veer_action act)
{
	return veer_action_name(act) ? veer_action_name(act) : "?";
}

/* ---- service ------------------------------------------------------------- */

int parse_service_args(int argc, char **argv, enum veer_action act,
		       struct veer_service *s)
{
	const char *cmd = act_word(act);
	int v, plen;
	uint64_t u64;

	memset(s, 0, sizeof(*s));
	if (argc < 1) {
		cli_err("service %s: NAME is required", cmd);
		return ARG_USAGE;
	}
	if (is_help(*argv))
		return ARG_HELP;
	if (get_name("service name", *argv, s->name) < 0)
		return ARG_BAD;
	s->present |= VEER_SVC_P_NAME;

	for (argc--, argv++; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "addr")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_ADDR);
			if (get_addr(kw, *argv, &s->family, &s->addr, &plen) < 0)
				return ARG_BAD;
			if (plen >= 0) {
				s->prefix_len = (uint8_t)plen;
				s->present |= VEER_SVC_P_PREFIX_LEN;
			}
		} else if (!strcmp(kw, "proto")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_PROTO);
			if (get_keyword(kw, *argv, veer_proto_parse, &v) < 0)
				return ARG_BAD;
			s->proto = (uint8_t)v;
		} else if (!strcmp(kw, "port")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_PORT);
			if (get_port(kw, *argv, &s->port) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "sched")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_SCHED);
			if (get_keyword(kw, *argv, veer_sched_parse, &v) < 0)
				return ARG_BAD;
			s->sched = (uint8_t)v;
		} else if (!strcmp(kw, "table-size")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_TABLE_SIZE);
			if (parse_u64(*argv, VEER_TABLE_SIZE_MAX, &u64) < 0 ||
			    u64 < VEER_TABLE_SIZE_MIN || !is_prime((uint32_t)u64)) {
				cli_err("invalid %s \"%s\" (a prime from %d to %d)",
					kw, *argv, VEER_TABLE_SIZE_MIN,
					VEER_TABLE_SIZE_MAX);
				return ARG_BAD;
			}
			s->table_size = (uint32_t)u64;
		} else if (!strcmp(kw, "cookie")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_COOKIE_MODE);
			if (get_keyword(kw, *argv, veer_cookie_mode_parse, &v) < 0)
				return ARG_BAD;
			s->cookie_mode = (uint8_t)v;
		} else if (!strcmp(kw, "syn-threshold")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_SYN_THRESH);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &s->syn_thresh) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "conn-threshold")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_CONN_THRESH);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &s->conn_thresh) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "latency-threshold")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_LATENCY_THRESH);
			if (get_u32(kw, *argv, 0, UINT32_MAX,
				    &s->latency_thresh) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "shift")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_SHIFT_PCT);
			if (get_u8(kw, *argv, 0, VEER_SHIFT_PCT_MAX,
				   &s->shift_pct) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "flags")) {
			NEXT_ARG();
			ONCE(s->present, VEER_SVC_P_FLAGS);
			if (get_svc_flags(*argv, &s->flags) < 0)
				return ARG_BAD;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}

	if (act == VEER_ACT_ADD) {
		if (!(s->present & VEER_SVC_P_ADDR))
			return missing("service", cmd, "addr");
		if (!(s->present & VEER_SVC_P_PROTO))
			return missing("service", cmd, "proto");
	} else if (s->present == VEER_SVC_P_NAME) {
		cli_err("service %s: nothing to change", cmd);
		return ARG_USAGE;
	}
	return ARG_OK;
}

int parse_service_key(int argc, char **argv, bool optional, char *name)
{
	name[0] = '\0';
	if (argc < 1) {
		if (optional)
			return ARG_OK;
		cli_err("service del: NAME is required");
		return ARG_USAGE;
	}
	if (is_help(*argv))
		return ARG_HELP;
	if (get_name("service name", *argv, name) < 0)
		return ARG_BAD;
	if (argc > 1)
		return is_help(argv[1]) ? ARG_HELP : unknown(argv[1]);
	return ARG_OK;
}

/* ---- host ---------------------------------------------------------------- */

int parse_host_args(int argc, char **argv, enum veer_action act,
		    struct veer_host *h)
{
	const char *cmd = act_word(act);
	bool key_only = act == VEER_ACT_DEL;
	int v;

	memset(h, 0, sizeof(*h));
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "service")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_SERVICE);
			if (get_name("service name", *argv, h->service) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "addr")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_ADDR);
			if (get_addr(kw, *argv, &h->family, &h->addr, NULL) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "port")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_PORT);
			if (get_port(kw, *argv, &h->port) < 0)
				return ARG_BAD;
		} else if (!key_only && !strcmp(kw, "weight")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_WEIGHT);
			if (get_u32(kw, *argv, 0, VEER_WEIGHT_MAX, &h->weight) < 0)
				return ARG_BAD;
		} else if (!key_only && !strcmp(kw, "state")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_STATE);
			if (get_keyword(kw, *argv, veer_host_state_parse, &v) < 0)
				return ARG_BAD;
			h->state = (uint8_t)v;
		} else if (!key_only && !strcmp(kw, "encap")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_ENCAP);
			if (get_keyword(kw, *argv, veer_encap_parse, &v) < 0)
				return ARG_BAD;
			h->encap = (uint8_t)v;
		} else if (!key_only && !strcmp(kw, "encap-port")) {
			NEXT_ARG();
			ONCE(h->present, VEER_HOST_P_ENCAP_PORT);
			if (get_port(kw, *argv, &h->encap_port) < 0)
				return ARG_BAD;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!(h->present & VEER_HOST_P_SERVICE))
		return missing("host", cmd, "service");
	if (!(h->present & VEER_HOST_P_ADDR))
		return missing("host", cmd, "addr");
	if (act == VEER_ACT_CHANGE &&
	    !(h->present & (VEER_HOST_P_WEIGHT | VEER_HOST_P_STATE |
			    VEER_HOST_P_ENCAP | VEER_HOST_P_ENCAP_PORT))) {
		cli_err("host %s: nothing to change", cmd);
		return ARG_USAGE;
	}
	return ARG_OK;
}

int parse_host_show(int argc, char **argv, char *service)
{
	service[0] = '\0';
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "service")) {
			NEXT_ARG();
			if (service[0]) {
				cli_err("duplicate argument \"service\"");
				return ARG_BAD;
			}
			if (get_name("service name", *argv, service) < 0)
				return ARG_BAD;
		} else if (is_help(*argv)) {
			return ARG_HELP;
		} else {
			return unknown(*argv);
		}
	}
	return ARG_OK;
}

/* ---- peer ---------------------------------------------------------------- */

int parse_peer_args(int argc, char **argv, enum veer_action act,
		    struct veer_peer *p)
{
	const char *cmd = act_word(act);
	bool key_only = act == VEER_ACT_DEL;
	int v;

	memset(p, 0, sizeof(*p));
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "addr")) {
			NEXT_ARG();
			ONCE(p->present, VEER_PEER_P_ADDR);
			if (get_addr(kw, *argv, &p->family, &p->addr, NULL) < 0)
				return ARG_BAD;
		} else if (!key_only && !strcmp(kw, "role")) {
			NEXT_ARG();
			ONCE(p->present, VEER_PEER_P_ROLE);
			if (get_keyword(kw, *argv, veer_peer_role_parse, &v) < 0)
				return ARG_BAD;
			p->role = (uint8_t)v;
		} else if (!key_only && !strcmp(kw, "port")) {
			NEXT_ARG();
			ONCE(p->present, VEER_PEER_P_PORT);
			if (get_port(kw, *argv, &p->port) < 0)
				return ARG_BAD;
		} else if (!key_only && !strcmp(kw, "weight")) {
			NEXT_ARG();
			ONCE(p->present, VEER_PEER_P_WEIGHT);
			if (get_u32(kw, *argv, 0, VEER_WEIGHT_MAX, &p->weight) < 0)
				return ARG_BAD;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!(p->present & VEER_PEER_P_ADDR))
		return missing("peer", cmd, "addr");
	if (act == VEER_ACT_CHANGE && p->present == VEER_PEER_P_ADDR) {
		cli_err("peer %s: nothing to change", cmd);
		return ARG_USAGE;
	}
	return ARG_OK;
}

/* ---- config, monitor ----------------------------------------------------- */

int parse_config_set(int argc, char **argv, struct veer_config *c)
{
	memset(c, 0, sizeof(*c));
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "flow-max")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_FLOW_MAX);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->flow_max) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "track-all")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_TRACK_ALL);
			if (get_onoff(kw, *argv, &c->track_all) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "gue-port")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_GUE_PORT);
			if (get_port(kw, *argv, &c->gue_port) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "event-rate")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_EVENT_RATE);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->event_rate) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "node-id")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_NODE_ID);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->node_id) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "gran-max-level")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_GRAN_MAX_LEVEL);
			if (get_level(kw, *argv, 0, VEER_LEVEL_MAX,
				      &c->gran_max_level) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "gran-bandwidth")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_GRAN_BW);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->gran_bw) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "gran-duration")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_GRAN_DURATION);
			if (get_u32(kw, *argv, 0, UINT32_MAX,
				    &c->gran_duration) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "gran-frequency")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_GRAN_FREQ);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->gran_freq) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "subnet-prefix4")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_SUBNET_PREFIX4);
			if (get_u8(kw, *argv, 0, 32, &c->subnet_prefix4) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "subnet-prefix6")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_SUBNET_PREFIX6);
			if (get_u8(kw, *argv, 0, 128, &c->subnet_prefix6) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "app-port-span")) {
			uint32_t v;

			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_APP_PORT_SPAN);
			if (get_u32(kw, *argv, 1, 65535, &v) < 0)
				return ARG_BAD;
			c->app_port_span = (uint16_t)v;
		} else if (!strcmp(kw, "app-mark-mask")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_APP_MARK_MASK);
			if (get_u32_hex(kw, *argv, 0, UINT32_MAX,
					&c->app_mark_mask) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "flow-rate-threshold")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_FLOW_RATE_THRESH);
			if (get_u32(kw, *argv, 0, UINT32_MAX,
				    &c->flow_rate_thresh) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "aggregate-max")) {
			NEXT_ARG();
			ONCE(c->present, VEER_CFG_P_AGG_MAX);
			if (get_u32(kw, *argv, 0, UINT32_MAX, &c->agg_max) < 0)
				return ARG_BAD;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!c->present) {
		cli_err("config set: nothing to set");
		return ARG_USAGE;
	}
	return ARG_OK;
}

int parse_monitor_args(int argc, char **argv, unsigned int *mask)
{
	*mask = 0;
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(*argv, "service"))
			*mask |= 1U << VEER_OBJ_SERVICE;
		else if (!strcmp(*argv, "host"))
			*mask |= 1U << VEER_OBJ_HOST;
		else if (!strcmp(*argv, "peer"))
			*mask |= 1U << VEER_OBJ_PEER;
		else if (!strcmp(*argv, "config"))
			*mask |= 1U << VEER_OBJ_CONFIG;
		else if (!strcmp(*argv, "flow"))
			*mask |= MON_FLOWS;
		else if (!strcmp(*argv, "all"))
			*mask |= MON_ALL;
		else if (is_help(*argv))
			return ARG_HELP;
		else
			return unknown(*argv);
	}
	if (!*mask)
		*mask = MON_ALL;
	return ARG_OK;
}

/* ---- flows and aggregates ------------------------------------------------ */

/* flow show [ service NAME ] [ level LEVEL ] [ addr ADDR ] */
int parse_flow_show(int argc, char **argv, char *service,
		    struct veer_flow_filter *f)
{
	bool have_service = false;

	memset(f, 0, sizeof(*f));
	service[0] = '\0';
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "service")) {
			NEXT_ARG();
			if (have_service) {
				cli_err("duplicate argument \"%s\"", kw);
				return ARG_BAD;
			}
			have_service = true;
			if (get_name("service name", *argv, service) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "level")) {
			NEXT_ARG();
			ONCE(f->present, VEER_FLOW_F_LEVEL);
			if (get_level(kw, *argv, 0, VEER_LEVEL_MAX, &f->level) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "addr")) {
			NEXT_ARG();
			ONCE(f->present, VEER_FLOW_F_ADDR);
			if (get_addr(kw, *argv, &f->family, &f->addr, NULL) < 0)
				return ARG_BAD;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	return ARG_OK;
}

/* The kernel's bound on a lease's ttl: a day. */
#define VEER_LEASE_TTL_MAX	(24U * 3600 * 1000)

/*
 * One keyword of a lease at argv[0] (ttl, remaining, confidence, level-pin,
 * or pin_alias): returns 1 with argc and argv moved to its value, 0 when kw
 * is none of them, or ARG_BAD.
 */
static int lease_word(int *argcp, char ***argvp, const char *pin_alias,
		      struct veer_lease *l)
{
	const char *kw = **argvp;
	const char *val = *argcp > 1 ? (*argvp)[1] : NULL;
	uint64_t bit;
	int err;

	if (!strcmp(kw, "ttl"))
		bit = VEER_LEASE_P_TTL;
	else if (!strcmp(kw, "remaining"))
		bit = VEER_LEASE_P_REMAINING;
	else if (!strcmp(kw, "confidence"))
		bit = VEER_LEASE_P_CONFIDENCE;
	else if (!strcmp(kw, "level-pin") ||
		 (pin_alias && !strcmp(kw, pin_alias)))
		bit = VEER_LEASE_P_LEVEL;
	else
		return 0;
	if (!val) {
		cli_err("missing value after \"%s\"", kw);
		return ARG_BAD;
	}
	if (l->present & bit) {
		cli_err("duplicate argument \"%s\"", kw);
		return ARG_BAD;
	}
	l->present |= bit;
	if (bit == VEER_LEASE_P_TTL)
		err = get_u32(kw, val, 1, VEER_LEASE_TTL_MAX, &l->ttl_ms);
	else if (bit == VEER_LEASE_P_REMAINING)
		err = get_u32(kw, val, 0, UINT32_MAX, &l->remaining_ms);
	else if (bit == VEER_LEASE_P_CONFIDENCE)
		err = get_u8(kw, val, 0, 100, &l->confidence);
	else
		err = get_level(kw, val, 0, VEER_LEVEL_MAX, &l->level);
	if (err < 0)
		return ARG_BAD;
	(*argcp)--;
	(*argvp)++;
	return 1;
}

enum {
	K_PROTO = 1 << 0,
	K_SRC = 1 << 1,
	K_DST = 1 << 2,
	K_SPORT = 1 << 3,
	K_DPORT = 1 << 4,
	K_ZONE = 1 << 5,
};

/* TUPLE [ LEASE ] (l NULL: no lease words). */
static int parse_flow_words(int argc, char **argv, const char *cmd,
			    struct veer_flow_key *k, struct veer_lease *l)
{
	unsigned int kp = 0;
	int v, r, dfamily = 0;
	uint32_t zone;

	memset(k, 0, sizeof(*k));
	if (l)
		memset(l, 0, sizeof(*l));
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "proto")) {
			NEXT_ARG();
			ONCE(kp, K_PROTO);
			if (get_keyword(kw, *argv, veer_proto_parse, &v) < 0)
				return ARG_BAD;
			k->proto = (uint8_t)v;
		} else if (!strcmp(kw, "src")) {
			NEXT_ARG();
			ONCE(kp, K_SRC);
			if (get_addr(kw, *argv, &k->family, &k->saddr, NULL) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "dst")) {
			NEXT_ARG();
			ONCE(kp, K_DST);
			if (get_addr(kw, *argv, &dfamily, &k->daddr, NULL) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "sport")) {
			NEXT_ARG();
			ONCE(kp, K_SPORT);
			if (get_port(kw, *argv, &k->sport) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "dport")) {
			NEXT_ARG();
			ONCE(kp, K_DPORT);
			if (get_port(kw, *argv, &k->dport) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "zone")) {
			NEXT_ARG();
			ONCE(kp, K_ZONE);
			if (get_u32(kw, *argv, 0, 65535, &zone) < 0)
				return ARG_BAD;
			k->zone = (uint16_t)zone;
		} else if (l && (r = lease_word(&argc, &argv, "level", l))) {
			if (r < 0)
				return r;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!(kp & K_PROTO))
		return missing("flow", cmd, "proto");
	if (!(kp & K_SRC))
		return missing("flow", cmd, "src");
	if (!(kp & K_DST))
		return missing("flow", cmd, "dst");
	if (!(kp & K_SPORT))
		return missing("flow", cmd, "sport");
	if (!(kp & K_DPORT))
		return missing("flow", cmd, "dport");
	if (k->family != dfamily) {
		cli_err("flow %s: src and dst must be of the same family", cmd);
		return ARG_BAD;
	}
	if (l && !(l->present & VEER_LEASE_P_TTL))
		return missing("flow", cmd, "ttl");
	return ARG_OK;
}

int parse_flow_get(int argc, char **argv, struct veer_flow_key *k)
{
	return parse_flow_words(argc, argv, "get", k, NULL);
}

int parse_flow_lease(int argc, char **argv, struct veer_flow_key *k,
		     struct veer_lease *l)
{
	return parse_flow_words(argc, argv, "lease", k, l);
}

/* KEY [ LEASE ] (l NULL: no lease words). */
static int parse_agg_words(int argc, char **argv, const char *cmd,
			   struct veer_agg *a, char *service,
			   struct veer_lease *l)
{
	bool have_service = false;
	int r, plen = -1;

	memset(a, 0, sizeof(*a));
	service[0] = '\0';
	if (l)
		memset(l, 0, sizeof(*l));
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "level")) {
			NEXT_ARG();
			ONCE(a->present, VEER_AGG_P_LEVEL);
			if (get_level(kw, *argv, VEER_LEVEL_SESSION,
				      VEER_LEVEL_MAX, &a->level) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "addr")) {
			NEXT_ARG();
			ONCE(a->present, VEER_AGG_P_ADDR);
			if (get_addr(kw, *argv, &a->family, &a->addr, &plen) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "service")) {
			NEXT_ARG();
			if (have_service) {
				cli_err("duplicate argument \"%s\"", kw);
				return ARG_BAD;
			}
			have_service = true;
			if (get_name("service name", *argv, service) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "app")) {
			NEXT_ARG();
			ONCE(a->present, VEER_AGG_P_APP_ID);
			if (get_u32_hex(kw, *argv, 0, UINT32_MAX, &a->app_id) < 0)
				return ARG_BAD;
			/* "app ID mark": the id is a conntrack mark. */
			a->present |= VEER_AGG_P_BY_MARK;
			if (argc > 1 && !strcmp(argv[1], "mark")) {
				a->by_mark = true;
				argc--;
				argv++;
			}
		} else if (l && (r = lease_word(&argc, &argv, NULL, l))) {
			if (r < 0)
				return r;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!(a->present & VEER_AGG_P_LEVEL))
		return missing("aggregate", cmd, "level");
	if (!(a->present & VEER_AGG_P_ADDR))
		return missing("aggregate", cmd, "addr");
	if (have_service && a->level != VEER_LEVEL_SESSION) {
		cli_err("aggregate %s: \"service\" applies to level 1 (session) only",
			cmd);
		return ARG_USAGE;
	}
	if ((a->present & VEER_AGG_P_APP_ID) && a->level != VEER_LEVEL_APP) {
		cli_err("aggregate %s: \"app\" applies to level 2 (app) only",
			cmd);
		return ARG_USAGE;
	}
	if (plen >= 0) {
		if (a->level != VEER_LEVEL_SUBNET) {
			cli_err("aggregate %s: a prefix length applies to level 3 (subnet) only",
				cmd);
			return ARG_USAGE;
		}
		/* The client's subnet: its host bits do not matter. */
		addr_mask(a->family, &a->addr, (unsigned int)plen);
		a->prefix_len = (uint8_t)plen;
		a->present |= VEER_AGG_P_PREFIX_LEN;
	}
	if (l && !(l->present & VEER_LEASE_P_TTL))
		return missing("aggregate", cmd, "ttl");
	return ARG_OK;
}

int parse_agg_get(int argc, char **argv, struct veer_agg *key, char *service)
{
	return parse_agg_words(argc, argv, "get", key, service, NULL);
}

int parse_agg_lease(int argc, char **argv, struct veer_agg *key, char *service,
		    struct veer_lease *l)
{
	return parse_agg_words(argc, argv, "lease", key, service, l);
}

/* ---- key ----------------------------------------------------------------- */

int parse_key_set(int argc, char **argv, struct key_args *k)
{
	unsigned int seen = 0;
	enum { K_EPOCH = 1, K_SECRET = 2, K_NEXT = 4 };

	memset(k, 0, sizeof(*k));
	k->action = VEER_KEY_ACT_SET;
	for (; argc > 0; argc--, argv++) {
		const char *kw = *argv;

		if (!strcmp(kw, "epoch")) {
			NEXT_ARG();
			ONCE(seen, K_EPOCH);
			if (get_u8(kw, *argv, 0, VEER_KEY_EPOCH_MAX,
				   &k->epoch) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "secret") ||
			   !strcmp(kw, "secret-file")) {
			NEXT_ARG();
			ONCE(seen, K_SECRET);
			if (!strcmp(kw, "secret-file") ?
			    get_key_file(*argv, k->secret) < 0 :
			    get_key_hex(*argv, k->secret) < 0)
				return ARG_BAD;
		} else if (!strcmp(kw, "next")) {
			ONCE(seen, K_NEXT);
			k->action = VEER_KEY_ACT_NEXT;
		} else if (is_help(kw)) {
			return ARG_HELP;
		} else {
			return unknown(kw);
		}
	}
	if (!(seen & K_EPOCH))
		return missing("key", "set", "epoch");
	if (!(seen & K_SECRET))
		return missing("key", "set", "secret");
	return ARG_OK;
}

int parse_no_args(const char *what, int argc, char **argv)
{
	(void)what;
	if (argc < 1)
		return ARG_OK;
	if (is_help(*argv))
		return ARG_HELP;
	return unknown(*argv);
}

/* ---- printers ------------------------------------------------------------ */

/* An enum's name, or its number when it has none (a newer kernel). */
static const char *enum_str(const char *name, unsigned int v, char *buf,
			    size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%u", v);
	return buf;
}

static void print_addr(const char *key, const char *label, int family,
		       const union veer_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	print_string(PRINT_ANY, key, label, addr_str(family, a, buf,
						      sizeof(buf)));
}

static void print_obj_stats(const struct veer_obj_stats *st, bool cookies)
{
	print_nl_indent("    ");
	open_json_object("stats");
	print_uint(PRINT_ANY, "packets", "packets", st->packets);
	print_uint(PRINT_ANY, "bytes", "bytes", st->bytes);
	print_uint(PRINT_ANY, "conns", "conns", st->conns);
	close_json_object();
	if (!cookies || !st->has_cookies)
		return;
	/* The columns of /proc/net/veer/cookies, in uapi order. */
	print_nl_indent("    ");
	open_json_object("cookies");
	print_uint(PRINT_ANY, "syn_received", "syn_received", st->cookies[0]);
	print_uint(PRINT_ANY, "cookies_sent", "cookies_sent", st->cookies[1]);
	print_uint(PRINT_ANY, "syn_passed", "syn_passed", st->cookies[2]);
	print_uint(PRINT_ANY, "cookie_valid", "valid", st->cookies[3]);
	print_uint(PRINT_ANY, "cookie_invalid", "invalid", st->cookies[4]);
	print_uint(PRINT_ANY, "cookie_retrans", "retrans", st->cookies[5]);
	print_uint(PRINT_ANY, "conn_reopened", "reopened", st->cookies[6]);
	close_json_object();
}

static void print_svc_flags(uint32_t flags)
{
	char text[64] = "";
	char hex[16];
	uint32_t unknown_bits = flags & ~VEER_SVC_F_ALL;

	open_json_array("flags");
	if (flags & VEER_SVC_F_TRACK_ONLY) {
		print_string(PRINT_JSON, NULL, NULL, "track-only");
		strcat(text, "track-only,");
	}
	if (flags & VEER_SVC_F_PERSIST) {
		print_string(PRINT_JSON, NULL, NULL, "persist");
		strcat(text, "persist,");
	}
	if (unknown_bits) {
		snprintf(hex, sizeof(hex), "0x%x", unknown_bits);
		print_string(PRINT_JSON, NULL, NULL, hex);
		strcat(text, hex);
		strcat(text, ",");
	}
	close_json_array();
	if (text[0])
		text[strlen(text) - 1] = '\0';
	else
		strcpy(text, "none");
	print_string(PRINT_TEXT, NULL, "flags", text);
}

void print_service_fields(const struct veer_service *s, bool stats)
{
	uint64_t p = s->present;
	char buf[INET6_ADDRSTRLEN + 8], abuf[INET6_ADDRSTRLEN], nbuf[16];

	if (p & VEER_SVC_P_NAME)
		print_string(PRINT_ANY, "name", NULL, s->name);
	if (p & VEER_SVC_P_ID)
		print_uint(PRINT_ANY, "id", "id", s->id);
	if (p & VEER_SVC_P_ADDR) {
		unsigned int full = s->family == AF_INET6 ? 128 : 32;

		addr_str(s->family, &s->addr, abuf, sizeof(abuf));
		print_string(PRINT_JSON, "addr", NULL, abuf);
		if (p & VEER_SVC_P_PREFIX_LEN)
			print_uint(PRINT_JSON, "prefix_len", NULL,
				   s->prefix_len);
		if ((p & VEER_SVC_P_PREFIX_LEN) && s->prefix_len != full)
			snprintf(buf, sizeof(buf), "%s/%u", abuf,
				 s->prefix_len);
		else
			snprintf(buf, sizeof(buf), "%s", abuf);
		print_string(PRINT_TEXT, NULL, "addr", buf);
	}
	if (p & VEER_SVC_P_PROTO)
		print_string(PRINT_ANY, "proto", "proto",
			     enum_str(veer_proto_name(s->proto), s->proto,
				      nbuf, sizeof(nbuf)));
	if (p & VEER_SVC_P_PORT)
		print_uint(PRINT_ANY, "port", "port", s->port);
	if (p & VEER_SVC_P_SCHED)
		print_string(PRINT_ANY, "sched", "sched",
			     enum_str(veer_sched_name(s->sched), s->sched,
				      nbuf, sizeof(nbuf)));
	if (p & VEER_SVC_P_TABLE_SIZE)
		print_uint(PRINT_ANY, "table_size", "table-size",
			   s->table_size);
	if (p & VEER_SVC_P_COOKIE_MODE)
		print_string(PRINT_ANY, "cookie", "cookie",
			     enum_str(veer_cookie_mode_name(s->cookie_mode),
				      s->cookie_mode, nbuf, sizeof(nbuf)));
	if (p & VEER_SVC_P_SYN_THRESH)
		print_uint(PRINT_ANY, "syn_threshold", "syn-threshold",
			   s->syn_thresh);
	if (p & VEER_SVC_P_CONN_THRESH)
		print_uint(PRINT_ANY, "conn_threshold", "conn-threshold",
			   s->conn_thresh);
	if (p & VEER_SVC_P_LATENCY_THRESH)
		print_uint(PRINT_ANY, "latency_threshold", "latency-threshold",
			   s->latency_thresh);
	if (p & VEER_SVC_P_SHIFT_PCT)
		print_uint(PRINT_ANY, "shift", "shift", s->shift_pct);
	if (p & VEER_SVC_P_FLAGS)
		print_svc_flags(s->flags);
	if (p & VEER_SVC_P_HOSTS)
		print_uint(PRINT_ANY, "hosts", "hosts", s->hosts);
	if (stats && (p & VEER_SVC_P_STATS))
		print_obj_stats(&s->stats, s->cookie_mode != VEER_COOKIE_OFF);
}

void print_host_fields(const struct veer_host *h, bool stats)
{
	uint64_t p = h->present;
	char nbuf[16];

	if (p & VEER_HOST_P_SERVICE)
		print_string(PRINT_ANY, "service", "service", h->service);
	if (p & VEER_HOST_P_ADDR)
		print_addr("addr", "addr", h->family, &h->addr);
	if (p & VEER_HOST_P_PORT)
		print_uint(PRINT_ANY, "port", "port", h->port);
	if (p & VEER_HOST_P_WEIGHT)
		print_uint(PRINT_ANY, "weight", "weight", h->weight);
	if (p & VEER_HOST_P_STATE)
		print_string(PRINT_ANY, "state", "state",
			     enum_str(veer_host_state_name(h->state), h->state,
				      nbuf, sizeof(nbuf)));
	if (p & VEER_HOST_P_ENCAP)
		print_string(PRINT_ANY, "encap", "encap",
			     enum_str(veer_encap_name(h->encap), h->encap,
				      nbuf, sizeof(nbuf)));
	if (p & VEER_HOST_P_ENCAP_PORT)
		print_uint(PRINT_ANY, "encap_port", "encap-port",
			   h->encap_port);
	if (stats && (p & VEER_HOST_P_STATS))
		print_obj_stats(&h->stats, false);
}

void print_peer_fields(const struct veer_peer *pr)
{
	uint64_t p = pr->present;
	char nbuf[16];

	if (p & VEER_PEER_P_ADDR)
		print_addr("addr", "addr", pr->family, &pr->addr);
	if (p & VEER_PEER_P_ROLE)
		print_string(PRINT_ANY, "role", "role",
			     enum_str(veer_peer_role_name(pr->role), pr->role,
				      nbuf, sizeof(nbuf)));
	if (p & VEER_PEER_P_PORT)
		print_uint(PRINT_ANY, "port", "port", pr->port);
	if (p & VEER_PEER_P_WEIGHT)
		print_uint(PRINT_ANY, "weight", "weight", pr->weight);
}

void print_config_fields(const struct veer_config *c)
{
	uint64_t p = c->present;

	if (p & VEER_CFG_P_FLOW_MAX)
		print_uint(PRINT_ANY, "flow_max", "flow-max", c->flow_max);
	if (p & VEER_CFG_P_TRACK_ALL)
		print_bool(PRINT_ANY, "track_all", "track-all", c->track_all);
	if (p & VEER_CFG_P_GUE_PORT)
		print_uint(PRINT_ANY, "gue_port", "gue-port", c->gue_port);
	if (p & VEER_CFG_P_EVENT_RATE)
		print_uint(PRINT_ANY, "event_rate", "event-rate",
			   c->event_rate);
	if (p & VEER_CFG_P_NODE_ID)
		print_uint(PRINT_ANY, "node_id", "node-id", c->node_id);
	/* Granularity: a line of its own in text. */
	if (p & (VEER_CFG_P_GRAN_MAX_LEVEL | VEER_CFG_P_GRAN_BW |
		 VEER_CFG_P_GRAN_DURATION | VEER_CFG_P_GRAN_FREQ |
		 VEER_CFG_P_SUBNET_PREFIX4 | VEER_CFG_P_SUBNET_PREFIX6 |
		 VEER_CFG_P_APP_PORT_SPAN | VEER_CFG_P_APP_MARK_MASK |
		 VEER_CFG_P_FLOW_RATE_THRESH | VEER_CFG_P_AGG_MAX))
		print_nl_indent("    ");
	if (p & VEER_CFG_P_GRAN_MAX_LEVEL)
		print_uint(PRINT_ANY, "gran_max_level", "gran-max-level",
			   c->gran_max_level);
	if (p & VEER_CFG_P_GRAN_BW)
		print_uint(PRINT_ANY, "gran_bandwidth", "gran-bandwidth",
			   c->gran_bw);
	if (p & VEER_CFG_P_GRAN_DURATION)
		print_uint(PRINT_ANY, "gran_duration", "gran-duration",
			   c->gran_duration);
	if (p & VEER_CFG_P_GRAN_FREQ)
		print_uint(PRINT_ANY, "gran_frequency", "gran-frequency",
			   c->gran_freq);
	if (p & VEER_CFG_P_SUBNET_PREFIX4)
		print_uint(PRINT_ANY, "subnet_prefix4", "subnet-prefix4",
			   c->subnet_prefix4);
	if (p & VEER_CFG_P_SUBNET_PREFIX6)
		print_uint(PRINT_ANY, "subnet_prefix6", "subnet-prefix6",
			   c->subnet_prefix6);
	if (p & VEER_CFG_P_APP_PORT_SPAN)
		print_uint(PRINT_ANY, "app_port_span", "app-port-span",
			   c->app_port_span);
	if (p & VEER_CFG_P_APP_MARK_MASK) {
		char hex[16];

		snprintf(hex, sizeof(hex), "0x%x", c->app_mark_mask);
		print_uint(PRINT_JSON, "app_mark_mask", NULL, c->app_mark_mask);
		print_string(PRINT_TEXT, NULL, "app-mark-mask", hex);
	}
	if (p & VEER_CFG_P_FLOW_RATE_THRESH)
		print_uint(PRINT_ANY, "flow_rate_threshold",
			   "flow-rate-threshold", c->flow_rate_thresh);
	if (p & VEER_CFG_P_AGG_MAX)
		print_uint(PRINT_ANY, "aggregate_max", "aggregate-max",
			   c->agg_max);
}

void print_service(const struct veer_service *s, bool stats)
{
	open_json_object(NULL);
	print_service_fields(s, stats);
	close_json_object();
	print_nl();
}

void print_host(const struct veer_host *h, bool stats)
{
	open_json_object(NULL);
	print_host_fields(h, stats);
	close_json_object();
	print_nl();
}

void print_peer(const struct veer_peer *p)
{
	open_json_object(NULL);
	print_peer_fields(p);
	close_json_object();
	print_nl();
}

void print_config(const struct veer_config *c)
{
	open_json_object(NULL);
	print_config_fields(c);
	close_json_object();
	print_nl();
}

void print_keys(const struct veer_keys *ks)
{
	char nbuf[16], fp[16];
	unsigned int i;

	open_json_array(NULL);
	for (i = 0; i < ks->n; i++) {
		const struct veer_key *k = &ks->key[i];

		open_json_object(NULL);
		print_uint(PRINT_ANY, "epoch", "epoch", k->epoch);
		print_string(PRINT_ANY, "role", "role",
			     enum_str(veer_key_role_name(k->role), k->role,
				      nbuf, sizeof(nbuf)));
		snprintf(fp, sizeof(fp), "%08x", k->fingerprint);
		print_string(PRINT_ANY, "fingerprint", "fingerprint", fp);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

void print_stats(const struct veer_stats *st)
{
	unsigned int i;

	open_json_object(NULL);
	for (i = VEER_STAT_UNSPEC + 1; i <= VEER_STAT_MAX; i++) {
		const char *name = veer_stat_name(i);

		if (!name || !(st->present & (1ULL << i)))
			continue;
		print_uint(PRINT_ANY, name, name, st->v[i]);
		print_nl();
	}
	close_json_object();
}

/* ---- flows and aggregates ------------------------------------------------ */

static const char *(*svc_resolver)(uint32_t id);

void print_set_svc_resolver(const char *(*fn)(uint32_t id))
{
	svc_resolver = fn;
}

/*
 * A service by id: JSON "service" (its name, or null) and "service_id";
 * text "service NAME", or "service-id ID" when the name is unknown, or
 * nothing for id 0 (no service).
 */
static void print_svc_ref(uint32_t id)
{
	const char *name = id && svc_resolver ? svc_resolver(id) : NULL;

	if (name)
		print_string(PRINT_ANY, "service", "service", name);
	else
		print_null("service");
	print_uint(PRINT_JSON, "service_id", NULL, id);
	if (!name && id)
		print_uint(PRINT_TEXT, NULL, "service-id", id);
}

/* Milliseconds: JSON KEY_ms as is; text "1.234s". */
static void print_ms(const char *key, const char *label, uint64_t ms)
{
	char buf[32];

	print_uint(PRINT_JSON, key, NULL, ms);
	snprintf(buf, sizeof(buf), "%llu.%03llus",
		 (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000));
	print_string(PRINT_TEXT, NULL, label, buf);
}

/* Microseconds: JSON KEY_us as is; text "1.234ms". */
static void print_us(const char *key, const char *label, uint32_t us)
{
	char buf[32];

	print_uint(PRINT_JSON, key, NULL, us);
	snprintf(buf, sizeof(buf), "%u.%03ums", us / 1000, us % 1000);
	print_string(PRINT_TEXT, NULL, label, buf);
}

/* Bytes per second: a JSON number; text "1234B/s". */
static void print_rate(const char *key, const char *label, uint64_t rate)
{
	char buf[32];

	print_uint(PRINT_JSON, key, NULL, rate);
	snprintf(buf, sizeof(buf), "%lluB/s", (unsigned long long)rate);
	print_string(PRINT_TEXT, NULL, label, buf);
}

/* TCP options: JSON array of names; text "sack,ts,wscale" or "none". */
static void print_tcp_opts(enum print_type t, uint8_t opts)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {
		{ VEER_OPT_SACK, "sack" },
		{ VEER_OPT_TS, "ts" },
		{ VEER_OPT_WSCALE, "wscale" },
	};
	char text[64] = "", hex[8];
	uint8_t unknown_bits = opts & ~(VEER_OPT_SACK | VEER_OPT_TS |
					VEER_OPT_WSCALE);
	size_t i;

	if (t != PRINT_TEXT)
		open_json_array("opts");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(opts & names[i].bit))
			continue;
		if (t != PRINT_TEXT)
			print_string(PRINT_JSON, NULL, NULL, names[i].name);
		strcat(text, names[i].name);
		strcat(text, ",");
	}
	if (unknown_bits) {
		snprintf(hex, sizeof(hex), "0x%x", unknown_bits);
		if (t != PRINT_TEXT)
			print_string(PRINT_JSON, NULL, NULL, hex);
		strcat(text, hex);
		strcat(text, ",");
	}
	if (t != PRINT_TEXT)
		close_json_array();
	if (text[0])
		text[strlen(text) - 1] = '\0';
	else
		strcpy(text, "none");
	if (t != PRINT_JSON)
		print_string(PRINT_TEXT, NULL, "opts", text);
}

/* The TCP profile of one direction (t: JSON or text only). */
static void print_fdir_profile(enum print_type t,
			       const struct veer_flow_dir *d)
{
	uint64_t p = d->present;

	if (p & VEER_FDIR_P_SEQ)
		print_uint(t, "seq", "seq", d->seq);
	if (p & VEER_FDIR_P_ACK)
		print_uint(t, "ack", "ack", d->ack);
	if (p & VEER_FDIR_P_WIN)
		print_uint(t, "win", "win", d->win);
	if (p & VEER_FDIR_P_WSCALE)
		print_uint(t, "wscale", "wscale", d->wscale);
	if (p & VEER_FDIR_P_MSS)
		print_uint(t, "mss", "mss", d->mss);
	if (p & VEER_FDIR_P_OPTS)
		print_tcp_opts(t, d->opts);
	if (p & VEER_FDIR_P_TSVAL)
		print_uint(t, "tsval", "tsval", d->tsval);
}

#define FDIR_PROFILE (VEER_FDIR_P_SEQ | VEER_FDIR_P_ACK | VEER_FDIR_P_WIN | \
		      VEER_FDIR_P_WSCALE | VEER_FDIR_P_MSS | \
		      VEER_FDIR_P_OPTS | VEER_FDIR_P_TSVAL)

/* JSON: a direction's object ("orig", "reply"). */
static void print_fdir_json(const char *key, const struct veer_flow_dir *d,
			    bool full)
{
	if (!print_is_json())
		return;
	open_json_object(key);
	if (d->present & VEER_FDIR_P_PACKETS)
		print_uint(PRINT_JSON, "packets", NULL, d->packets);
	if (d->present & VEER_FDIR_P_BYTES)
		print_uint(PRINT_JSON, "bytes", NULL, d->bytes);
	if (full)
		print_fdir_profile(PRINT_JSON, d);
	close_json_object();
}

/* Text: "orig seq .. ack .. ..." on a line of its own. */
static void print_fdir_text(const char *label, const struct veer_flow_dir *d)
{
	if (print_is_json() || !(d->present & FDIR_PROFILE))
		return;
	print_nl_indent("    ");
	print_string(PRINT_TEXT, NULL, NULL, label);
	print_fdir_profile(PRINT_TEXT, d);
}

/*
 * A lease: JSON object "lease"; text "lease ttl 1.000s remaining 2.000s
 * confidence 80 level-pin 2" on a line of its own.
 */
static void print_lease(const struct veer_lease *l)
{
	print_nl_indent("    ");
	open_json_object("lease");
	print_string(PRINT_TEXT, NULL, NULL, "lease");
	if (l->present & VEER_LEASE_P_TTL)
		print_ms("ttl_ms", "ttl", l->ttl_ms);
	if (l->present & VEER_LEASE_P_REMAINING)
		print_ms("remaining_ms", "remaining", l->remaining_ms);
	if (l->present & VEER_LEASE_P_CONFIDENCE)
		print_uint(PRINT_ANY, "confidence", "confidence",
			   l->confidence);
	if (l->present & VEER_LEASE_P_LEVEL)
		print_uint(PRINT_ANY, "level_pin", "level-pin", l->level);
	close_json_object();
}

void print_flow_fields(const struct veer_flow *f, bool full)
{
	const struct veer_flow_key *k = &f->key;
	uint64_t p = f->present;
	char nbuf[16];

	/* The key first, as "flow get" takes it. */
	if (p & VEER_FLOW_P_KEY) {
		print_string(PRINT_ANY, "proto", "proto",
			     enum_str(veer_proto_name(k->proto), k->proto,
				      nbuf, sizeof(nbuf)));
		print_addr("src", "src", k->family, &k->saddr);
		print_addr("dst", "dst", k->family, &k->daddr);
		print_uint(PRINT_ANY, "sport", "sport", k->sport);
		print_uint(PRINT_ANY, "dport", "dport", k->dport);
		/* zone 0, the default, goes without saying in text */
		print_uint(k->zone ? PRINT_ANY : PRINT_JSON, "zone", "zone",
			   k->zone);
	}
	if (p & VEER_FLOW_P_SVC_ID)
		print_svc_ref(f->svc_id);
	if (p & VEER_FLOW_P_LEVEL)
		print_uint(PRINT_ANY, "level", "level", f->level);
	if (p & VEER_FLOW_P_TCP_STATE)
		print_string(PRINT_ANY, "state", "state",
			     enum_str(veer_tcp_state_name(f->tcp_state),
				      f->tcp_state, nbuf, sizeof(nbuf)));
	if (p & VEER_FLOW_P_AGE)
		print_ms("age_ms", "age", f->age_ms);
	if (p & VEER_FLOW_P_ORIG) {
		print_fdir_json("orig", &f->orig, full);
		print_uint(PRINT_TEXT, NULL, "packets", f->orig.packets);
		print_uint(PRINT_TEXT, NULL, "bytes", f->orig.bytes);
	}
	if (p & VEER_FLOW_P_REPLY) {
		print_fdir_json("reply", &f->reply, full);
		print_uint(PRINT_TEXT, NULL, "rpackets", f->reply.packets);
		print_uint(PRINT_TEXT, NULL, "rbytes", f->reply.bytes);
	}
	if (p & VEER_FLOW_P_RATE)
		print_rate("rate", "rate", f->rate);
	if (p & VEER_FLOW_P_RTT)
		print_us("rtt_us", "rtt", f->rtt_us);
	if (p & VEER_FLOW_P_HANDOFF) {
		/* Taken over after a SYN cookie: why, where, who translates. */
		print_string(PRINT_ANY, "offload_reason", "offload",
			     enum_str(veer_offload_reason_name(f->offload_reason),
				      f->offload_reason, nbuf, sizeof(nbuf)));
		print_uint(PRINT_ANY, "affinity", "affinity", f->affinity);
		print_string(PRINT_ANY, "xlate", "xlate",
			     enum_str(veer_xlate_name(f->xlate), f->xlate,
				      nbuf, sizeof(nbuf)));
	}
	if (!full)
		return;

	print_nl_indent("    ");
	if (p & VEER_FLOW_P_CT_ID)
		print_uint(PRINT_ANY, "ct_id", "ct-id", f->ct_id);
	if (p & VEER_FLOW_P_IDLE)
		print_ms("idle_ms", "idle", f->idle_ms);
	if (p & VEER_FLOW_P_PEAK_RATE)
		print_rate("peak_rate", "peak-rate", f->peak_rate);
	if (p & VEER_FLOW_P_RTT_SYN)
		print_us("rtt_syn_us", "rtt-syn", f->rtt_syn_us);
	if (p & VEER_FLOW_P_ORIG)
		print_fdir_text("orig", &f->orig);
	if (p & VEER_FLOW_P_REPLY)
		print_fdir_text("reply", &f->reply);
	if (p & VEER_FLOW_P_LEASE)
		print_lease(&f->lease);
}

void print_flow(const struct veer_flow *f, bool full)
{
	open_json_object(NULL);
	print_flow_fields(f, full);
	close_json_object();
	print_nl();
}

void print_agg_fields(const struct veer_agg *a)
{
	uint64_t p = a->present;
	char buf[INET6_ADDRSTRLEN + 8], abuf[INET6_ADDRSTRLEN], hex[16];

	/* The key first, as "aggregate get" takes it. */
	if (p & VEER_AGG_P_LEVEL)
		print_uint(PRINT_ANY, "level", "level", a->level);
	if (p & VEER_AGG_P_ADDR) {
		unsigned int full = a->family == AF_INET6 ? 128 : 32;

		addr_str(a->family, &a->addr, abuf, sizeof(abuf));
		print_string(PRINT_JSON, "addr", NULL, abuf);
		if (p & VEER_AGG_P_PREFIX_LEN)
			print_uint(PRINT_JSON, "prefix_len", NULL,
				   a->prefix_len);
		if ((p & VEER_AGG_P_PREFIX_LEN) && a->prefix_len != full)
			snprintf(buf, sizeof(buf), "%s/%u", abuf,
				 a->prefix_len);
		else
			snprintf(buf, sizeof(buf), "%s", abuf);
		print_string(PRINT_TEXT, NULL, "addr", buf);
	}
	if (p & VEER_AGG_P_SVC_ID)
		print_svc_ref(a->svc_id);
	if (p & VEER_AGG_P_APP_ID) {
		bool mark = (p & VEER_AGG_P_BY_MARK) && a->by_mark;

		print_uint(PRINT_JSON, "app_id", NULL, a->app_id);
		print_bool(PRINT_JSON, "by_mark", NULL, mark);
		/* marks in hex, as the mask; then the word "mark" */
		if (mark) {
			snprintf(hex, sizeof(hex), "0x%x", a->app_id);
			print_string(PRINT_TEXT, NULL, "app", hex);
			print_string(PRINT_TEXT, NULL, NULL, "mark");
		} else {
			print_uint(PRINT_TEXT, NULL, "app", a->app_id);
		}
	}
	if (p & VEER_AGG_P_ACTIVE)
		print_uint(PRINT_ANY, "active", "active", a->active);
	if (p & VEER_AGG_P_CONNS)
		print_uint(PRINT_ANY, "conns", "conns", a->conns);
	if (p & VEER_AGG_P_PACKETS)
		print_uint(PRINT_ANY, "packets", "packets", a->packets);
	if (p & VEER_AGG_P_BYTES)
		print_uint(PRINT_ANY, "bytes", "bytes", a->bytes);
	if (p & VEER_AGG_P_RATE)
		print_rate("rate", "rate", a->rate);
	if (p & VEER_AGG_P_AVG_DURATION)
		print_ms("avg_duration_ms", "avg-duration", a->avg_duration_ms);
	if (p & VEER_AGG_P_FREQ) {
		char fbuf[32];

		print_uint(PRINT_JSON, "freq", NULL, a->freq);
		snprintf(fbuf, sizeof(fbuf), "%u/min", a->freq);
		print_string(PRINT_TEXT, NULL, "freq", fbuf);
	}
	if (p & VEER_AGG_P_IDLE)
		print_ms("idle_ms", "idle", a->idle_ms);
	if (p & VEER_AGG_P_LEASE)
		print_lease(&a->lease);
}

void print_agg(const struct veer_agg *a)
{
	open_json_object(NULL);
	print_agg_fields(a);
	close_json_object();
	print_nl();
}

void print_event(const struct veer_event *ev, bool stats)
{
	char abuf[16], obuf[16];

	open_json_object(NULL);
	if (ev->object == VEER_OBJ_FLOW) {
		/* "flow new|end|level|thresh" and the flow */
		print_string(PRINT_ANY, "object", NULL, "flow");
		print_string(PRINT_ANY, "event", NULL,
			     enum_str(veer_flow_event_name(ev->flow_event),
				      ev->flow_event, abuf, sizeof(abuf)));
		print_flow_fields(&ev->flow, stats);
		close_json_object();
		print_nl();
		return;
	}
	print_string(PRINT_ANY, "action", NULL,
		     enum_str(veer_action_name(ev->action), ev->action, abuf,
			      sizeof(abuf)));
	print_string(PRINT_ANY, "object", NULL,
		     enum_str(veer_object_name(ev->object), ev->object, obuf,
			      sizeof(obuf)));
	switch (ev->object) {
	case VEER_OBJ_SERVICE:
		print_service_fields(&ev->service, stats);
		break;
	case VEER_OBJ_HOST:
		print_host_fields(&ev->host, stats);
		break;
	case VEER_OBJ_PEER:
		print_peer_fields(&ev->peer);
		break;
	case VEER_OBJ_CONFIG:
		print_config_fields(&ev->config);
		break;
	default:
		break;
	}
	close_json_object();
	print_nl();
}

/* ---- usage --------------------------------------------------------------- */

void usage_main(FILE *f)
{
	fputs(
"Usage: veer [ OPTIONS ] OBJECT { COMMAND | help }\n"
"       veer help\n"
"Where: OBJECT := { service | host | peer | key | flow | aggregate |\n"
"                   config | stats | monitor | policy | predict }\n"
"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |\n"
"                    -V[ersion] | -h[elp] }\n"
"Try \"veer OBJECT help\" for the commands of each object.\n", f);
}

void usage_policy(FILE *f)
{
	fputs(
"Usage: veer policy [ show ] [ state-dir DIR ]\n"
"       veer predict [ show ] [ state-dir DIR ]\n"
"       veer { policy | predict } help\n"
"What veerd currently believes, as it wrote it at the end of its last\n"
"cycle: policy: thresholds, breach probabilities, shift, health, weights and\n"
"the last decisions with their reasons; predict: every forecast series (model,\n"
"forecast and interval per horizon, errors, anomaly band) and the flows at\n"
"risk.  DIR: veerd's state directory (default /run/veer; veerd -s).\n", f);
}

void usage_service(FILE *f)
{
	fputs(
"Usage: veer service { add | change } NAME [ addr ADDR[/PLEN] ] [ proto PROTO ]\n"
"               [ port PORT ] [ sched SCHED ] [ table-size SIZE ]\n"
"               [ cookie COOKIE ] [ syn-threshold N ] [ conn-threshold N ]\n"
"               [ latency-threshold USEC ] [ shift PCT ] [ flags FLAGS ]\n"
"       veer service del NAME\n"
"       veer service [ show [ NAME ] ]\n"
"       veer service help\n"
"Where: NAME   := 1 to 31 characters\n"
"       ADDR   := an IPv4 or IPv6 address\n"
"       PLEN   := prefix length, 0 to 32 (IPv4) or 0 to 128 (IPv6);\n"
"                 default: the whole address\n"
"       PROTO  := { tcp | udp }\n"
"       PORT   := 0 to 65535; 0 (the default) matches every port\n"
"       SCHED  := { maglev | wrr }\n"
"       SIZE   := a prime from 7 to 65537 (Maglev table size)\n"
"       COOKIE := { off | pressure | always }\n"
"       N      := 0 to 4294967295: SYNs per second that turn cookies on in\n"
"                 pressure mode (syn-threshold), active connections\n"
"                 (conn-threshold, 0: none)\n"
"       USEC   := microseconds, 0 to 4294967295 (0: none)\n"
"       PCT    := 0 to 50 (share of new flows shifted to shadows)\n"
"       FLAGS  := { track-only | persist | none }[,...]\n"
"addr and proto are required by add.\n", f);
}

void usage_host(FILE *f)
{
	fputs(
"Usage: veer host { add | change } service NAME addr ADDR [ port PORT ]\n"
"               [ weight WEIGHT ] [ state STATE ] [ encap ENCAP ]\n"
"               [ encap-port PORT ]\n"
"       veer host del service NAME addr ADDR [ port PORT ]\n"
"       veer host [ show [ service NAME ] ]\n"
"       veer host help\n"
"Where: NAME   := the name of a service\n"
"       ADDR   := an IPv4 or IPv6 address\n"
"       PORT   := 0 to 65535; port 0 (the default) is the service's port,\n"
"                 encap-port defaults to 6080\n"
"       WEIGHT := 0 to 65535 (default 1)\n"
"       STATE  := { up | drain | down } (default up)\n"
"       ENCAP  := { none | gue } (default none)\n"
"A host is identified by its service, address and port.\n", f);
}

void usage_peer(FILE *f)
{
	fputs(
"Usage: veer peer { add | change } addr ADDR [ role ROLE ] [ port PORT ]\n"
"               [ weight WEIGHT ]\n"
"       veer peer del addr ADDR\n"
"       veer peer [ show ]\n"
"       veer peer help\n"
"Where: ADDR   := an IPv4 or IPv6 address\n"
"       ROLE   := { shadow | member } (default shadow)\n"
"       PORT   := 0 to 65535, the peer's control port (default 6080)\n"
"       WEIGHT := 0 to 65535 (default 1)\n", f);
}

void usage_key(FILE *f)
{
	fputs(
"Usage: veer key set epoch EPOCH { secret HEX | secret-file PATH } [ next ]\n"
"       veer key rotate\n"
"       veer key flush\n"
"       veer key [ show ]\n"
"       veer key help\n"
"Where: EPOCH := 0 to 3; with next, the current key's epoch plus 1 (mod 4)\n"
"       HEX   := the secret, 32 hexadecimal digits (16 bytes); other users\n"
"                can see it in the process list: prefer secret-file\n"
"       PATH  := a file holding the 32 digits, not readable by others\n"
"set installs the only, current key (a reset); set ... next announces the\n"
"next key, rotate makes it current (the current key checks cookies until the\n"
"next rotation); flush forgets every key.  show prints each key's epoch, role\n"
"and fingerprint, never the secret.\n", f);
}

void usage_config(FILE *f)
{
	fputs(
"Usage: veer config [ show ]\n"
"       veer config set [ flow-max N ] [ track-all { on | off } ]\n"
"               [ gue-port PORT ] [ event-rate N ] [ node-id N ]\n"
"               [ gran-max-level LEVEL ] [ gran-bandwidth BPS ]\n"
"               [ gran-duration MS ] [ gran-frequency PER_MIN ]\n"
"               [ subnet-prefix4 PLEN4 ] [ subnet-prefix6 PLEN6 ]\n"
"               [ app-port-span SPAN ] [ app-mark-mask MASK ]\n"
"               [ flow-rate-threshold BPS ] [ aggregate-max N ]\n"
"       veer config help\n"
"Where: N       := 0 to 4294967295\n"
"       PORT    := 0 to 65535\n"
"       LEVEL   := { 0 | 1 | 2 | 3 } or { flow | session | app | subnet }:\n"
"                  the coarsest level a new connection may be tracked at\n"
"       BPS     := bytes per second, 0 to 4294967295\n"
"       MS      := milliseconds, 0 to 4294967295\n"
"       PER_MIN := new connections per minute, 0 to 4294967295\n"
"       PLEN4   := 0 to 32, PLEN6 := 0 to 128 (subnet aggregates' prefix)\n"
"       SPAN    := 1 to 65535 (application aggregates: ports / SPAN)\n"
"       MASK    := 0 to 4294967295, or 0x0 to 0xffffffff (conntrack mark\n"
"                  bits naming an application; 0: ports)\n", f);
}

void usage_stats(FILE *f)
{
	fputs(
"Usage: veer stats [ show ]\n"
"       veer stats help\n", f);
}

void usage_monitor(FILE *f)
{
	fputs(
"Usage: veer monitor [ OBJECT ]...\n"
"       veer monitor help\n"
"Where: OBJECT := { service | host | peer | config | flow | all }\n"
"                 (default all; flow: flow events, rate-limited by\n"
"                 event-rate)\n", f);
}

void usage_flow(FILE *f)
{
	fputs(
"Usage: veer flow [ show ] [ service NAME ] [ level LEVEL ] [ addr ADDR ]\n"
"       veer flow get TUPLE\n"
"       veer flow lease TUPLE ttl MS [ remaining MS ] [ confidence PCT ]\n"
"               [ level-pin LEVEL ]\n"
"       veer flow help\n"
"Where: TUPLE := proto { tcp | udp } src ADDR dst ADDR sport PORT dport PORT\n"
"                [ zone ZONE ]\n"
"       NAME  := the name of a service\n"
"       LEVEL := { 0 | 1 | 2 | 3 } or { flow | session | app | subnet }\n"
"       ADDR  := an IPv4 or IPv6 address (show: either end of the flow)\n"
"       PORT  := 0 to 65535\n"
"       ZONE  := conntrack zone, 0 to 65535 (default 0)\n"
"       MS    := milliseconds: ttl 1 to 86400000, remaining 0 to 4294967295\n"
"       PCT   := 0 to 100\n"
"A flow is named by what its client sent (conntrack's original tuple).\n"
"\"level LEVEL\" is accepted for level-pin in flow lease.\n", f);
}

void usage_aggregate(FILE *f)
{
	fputs(
"Usage: veer aggregate [ show ]\n"
"       veer aggregate get KEY\n"
"       veer aggregate lease KEY ttl MS [ remaining MS ] [ confidence PCT ]\n"
"               [ level-pin LEVEL ]\n"
"       veer aggregate help\n"
"Where: KEY   := level 1 addr ADDR [ service NAME ]\n"
"              | level 2 addr ADDR [ app ID [ mark ] ]\n"
"              | level 3 addr ADDR[/PLEN]\n"
"       ADDR  := the client's IPv4 or IPv6 address (level 3: any address\n"
"                of its subnet)\n"
"       PLEN  := prefix length (default: the namespace's subnet-prefix4 or\n"
"                subnet-prefix6)\n"
"       NAME  := the name of a service (default: none, for flows tracked\n"
"                without a service)\n"
"       ID    := 0 to 4294967295, or 0x0 to 0xffffffff: destination port /\n"
"                app-port-span, or with \"mark\" a conntrack mark &\n"
"                app-mark-mask (default 0)\n"
"       LEVEL := { 0 | 1 | 2 | 3 } or { flow | session | app | subnet }\n"
"                (1 to 3 in KEY: session, app, subnet)\n"
"       MS    := milliseconds: ttl 1 to 86400000, remaining 0 to 4294967295\n"
"       PCT   := 0 to 100\n", f);
}
