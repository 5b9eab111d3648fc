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

static void print_obj_stats(const struct veer_obj_stats *st)
{
	print_nl_indent("    ");
	open_json_object("stats");
	print_uint(PRINT_ANY, "packets", "packets", st->packets);
	print_uint(PRINT_ANY, "bytes", "bytes", st->bytes);
	print_uint(PRINT_ANY, "conns", "conns", st->conns);
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
		print_obj_stats(&s->stats);
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
		print_obj_stats(&h->stats);
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

void print_event(const struct veer_event *ev, bool stats)
{
	char abuf[16], obuf[16];

	open_json_object(NULL);
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
"Where: OBJECT := { service | host | peer | config | stats | monitor }\n"
"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -n[etns] NAME |\n"
"                    -V[ersion] | -h[elp] }\n"
"Try \"veer OBJECT help\" for the commands of each object.\n", f);
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

void usage_config(FILE *f)
{
	fputs(
"Usage: veer config [ show ]\n"
"       veer config set [ flow-max N ] [ track-all { on | off } ]\n"
"               [ gue-port PORT ] [ event-rate N ] [ node-id N ]\n"
"       veer config help\n"
"Where: N      := 0 to 4294967295\n"
"       PORT   := 0 to 65535\n", f);
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
"Where: OBJECT := { service | host | peer | config | all } (default all)\n", f);
}
