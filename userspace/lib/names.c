// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libveer: names of enum values, as the CLI prints and parses them.
 * Pure code (no netlink), linked by the unit tests as is.
 */
#include <string.h>
#include <netinet/in.h>

#include "libveer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *tbl, size_t n, unsigned int v)
{
	return v < n ? tbl[v] : NULL;
}

static int parse_of(const char *const *tbl, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (tbl[i] && strcmp(tbl[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *const sched_names[] = {
	[VEER_SCHED_MAGLEV] = "maglev",
	[VEER_SCHED_WRR] = "wrr",
};

static const char *const cookie_names[] = {
	[VEER_COOKIE_OFF] = "off",
	[VEER_COOKIE_PRESSURE] = "pressure",
	[VEER_COOKIE_ALWAYS] = "always",
};

static const char *const offload_reason_names[] = {
	[VEER_OFFLOAD_NONE] = "none",
	[VEER_OFFLOAD_PROACTIVE] = "proactive",
	[VEER_OFFLOAD_CONGESTION] = "congestion",
	[VEER_OFFLOAD_ATTACK] = "attack",
	[VEER_OFFLOAD_OPERATOR] = "operator",
};

static const char *const xlate_names[] = {
	[VEER_XLATE_NONE] = "none",
	[VEER_XLATE_ROUTER] = "router",
	[VEER_XLATE_DESTINATION] = "destination",
};

static const char *const state_names[] = {
	[VEER_HOST_UP] = "up",
	[VEER_HOST_DRAIN] = "drain",
	[VEER_HOST_DOWN] = "down",
};

static const char *const encap_names[] = {
	[VEER_ENCAP_NONE] = "none",
	[VEER_ENCAP_GUE] = "gue",
};

static const char *const role_names[] = {
	[VEER_PEER_SHADOW] = "shadow",
	[VEER_PEER_MEMBER] = "member",
};

static const char *const level_names[] = {
	[VEER_LEVEL_FLOW] = "flow",
	[VEER_LEVEL_SESSION] = "session",
	[VEER_LEVEL_APP] = "app",
	[VEER_LEVEL_SUBNET] = "subnet",
};

static const char *const flow_event_names[] = {
	[VEER_EVENT_FLOW_NEW] = "new",
	[VEER_EVENT_FLOW_END] = "end",
	[VEER_EVENT_FLOW_LEVEL] = "level",
	[VEER_EVENT_FLOW_THRESH] = "thresh",
};

/*
 * enum tcp_conntrack (<linux/netfilter/nf_conntrack_tcp.h>), by number so
 * that no netfilter header is needed; the names are conntrack(8)'s.
 */
static const char *const tcp_state_names[] = {
	[0] = "NONE",
	[1] = "SYN_SENT",
	[2] = "SYN_RECV",
	[3] = "ESTABLISHED",
	[4] = "FIN_WAIT",
	[5] = "CLOSE_WAIT",
	[6] = "LAST_ACK",
	[7] = "TIME_WAIT",
	[8] = "CLOSE",
	[9] = "SYN_SENT2",
};

_Static_assert(ARRAY_SIZE(level_names) == VEER_LEVEL_MAX + 1,
	       "a level of enum veer_level has no name");
_Static_assert(ARRAY_SIZE(flow_event_names) == VEER_EVENT_MAX + 1,
	       "an event of enum veer_flow_event has no name");

/*
 * Indexed by enum veer_stat, named as the comments of <linux/veer.h> name the
 * counters (and /proc/net/veer/stats prints them).  The indices are numbers
 * rather than enumerators so that this table builds against an older header
 * too; test_libveer_extack checks it against the header's comments.
 */
static const char *const stat_names[] = {
	[1] = "packets",
	[2] = "bytes",
	[3] = "svc_packets",
	[4] = "svc_conns",
	[5] = "no_conntrack",
	[6] = "bad_header",
	[7] = "nl_requests",
	[8] = "nl_rejects",
	[9] = "events",
	[10] = "events_dropped",
	[11] = "services",
	[12] = "hosts",
	[13] = "peers",
	[14] = "hooks",
	/* 15: VEER_STAT_PAD */
	[16] = "flows",
	[17] = "flows_new",
	[18] = "flows_reaped",
	[19] = "flows_evicted",
	[20] = "flows_nomem",
	[21] = "flows_recycled",
	[22] = "aggregates",
	[23] = "aggregates_evicted",
	[24] = "level0",
	[25] = "level1",
	[26] = "level2",
	[27] = "level3",
	[28] = "leases_expired",
	[29] = "events_suppressed",
	[30] = "zero_window",
	[31] = "out_of_window",
	[32] = "ipv6_exthdr",
	[33] = "cookie_no_key",
	[34] = "cookie_stale",
	[35] = "cookie_bad_mac",
	[36] = "cookie_no_epoch",
	[37] = "cookie_tx_fail",
	[38] = "cookie_wscale_mismatch",
};

_Static_assert(ARRAY_SIZE(stat_names) >= VEER_STAT_MAX + 1,
	       "a counter of enum veer_stat has no name");
_Static_assert(VEER_STAT_PAD == 15, "enum veer_stat was renumbered");
_Static_assert(VEER_STAT_MAX < 64, "struct veer_stats.present is 64 bits");

static const char *const key_role_names[] = {
	[VEER_KEY_ROLE_CURRENT] = "current",
	[VEER_KEY_ROLE_PREVIOUS] = "previous",
	[VEER_KEY_ROLE_NEXT] = "next",
};

static const char *const action_names[] = {
	[VEER_ACT_ADD] = "add",
	[VEER_ACT_DEL] = "del",
	[VEER_ACT_CHANGE] = "change",
};

static const char *const object_names[] = {
	[VEER_OBJ_SERVICE] = "service",
	[VEER_OBJ_HOST] = "host",
	[VEER_OBJ_PEER] = "peer",
	[VEER_OBJ_CONFIG] = "config",
	[VEER_OBJ_FLOW] = "flow",
};

#define NAMES(fn, tbl)							\
const char *veer_##fn##_name(unsigned int v)				\
{									\
	return name_of(tbl, ARRAY_SIZE(tbl), v);			\
}									\
int veer_##fn##_parse(const char *s)					\
{									\
	return parse_of(tbl, ARRAY_SIZE(tbl), s);			\
}

NAMES(sched, sched_names)
NAMES(cookie_mode, cookie_names)
NAMES(host_state, state_names)
NAMES(encap, encap_names)
NAMES(peer_role, role_names)
NAMES(key_role, key_role_names)
NAMES(level, level_names)
NAMES(flow_event, flow_event_names)
NAMES(tcp_state, tcp_state_names)
NAMES(offload_reason, offload_reason_names)
NAMES(xlate, xlate_names)

const char *veer_proto_name(unsigned int v)
{
	switch (v) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	}
	return NULL;
}

int veer_proto_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcmp(s, "udp") == 0)
		return IPPROTO_UDP;
	return -1;
}

const char *veer_stat_name(unsigned int stat)
{
	/* Names beyond the header's counters are not this build's. */
	if (stat > VEER_STAT_MAX)
		return NULL;
	return name_of(stat_names, ARRAY_SIZE(stat_names), stat);
}

const char *veer_action_name(enum veer_action a)
{
	return name_of(action_names, ARRAY_SIZE(action_names), a);
}

const char *veer_object_name(enum veer_object o)
{
	return name_of(object_names, ARRAY_SIZE(object_names), o);
}
