// SPDX-License-Identifier: GPL-2.0
/*
 * veer: the "veer" generic netlink family.
 *
 * Every request acts on the sender's namespace.  Object nests are parsed
 * strictly here rather than by the genl core so that every rejection is
 * counted (nl_rejects) as well as explained (extack).  Each handler
 * validates the whole request before it changes anything: a rejected request
 * leaves no trace.
 */
#include <linux/ctype.h>
#include <linux/rhashtable.h>
#include <linux/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <linux/inetdevice.h>
#include <net/ipv6.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "veer.h"

enum veer_mcgrp {
	VEER_MCGRP_EVENTS_ID,
	VEER_MCGRP_FLOWS_ID,
};

/* Flow events have their own group so they cannot crowd out the others. */
static const struct genl_multicast_group veer_mcgrps[] = {
	[VEER_MCGRP_EVENTS_ID] = { .name = VEER_MCGRP_EVENTS },
	/* Flows name clients: listeners need CAP_NET_ADMIN, as dumps do. */
	[VEER_MCGRP_FLOWS_ID] = { .name = VEER_MCGRP_FLOWS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family veer_family;

/* ---- policies ---- */

static struct netlink_range_validation veer_table_size_range = {
	.min = VEER_TABLE_SIZE_MIN,
	.max = VEER_TABLE_SIZE_MAX,
};

static struct netlink_range_validation veer_latency_range = {
	.max = 60 * USEC_PER_SEC,
};

static struct netlink_range_validation veer_weight_range = {
	.max = VEER_WEIGHT_MAX,
};

static struct netlink_range_validation veer_flow_max_range = {
	.min = 16,
	.max = 1 << 24,
};

static struct netlink_range_validation veer_event_rate_range = {
	.min = 1,
	.max = 1000000,
};

static const struct nla_policy veer_svc_policy[VEER_SVC_MAX + 1] = {
	[VEER_SVC_NAME]		= { .type = NLA_NUL_STRING,
				    .len = VEER_NAME_LEN - 1 },
	[VEER_SVC_ID]		= { .type = NLA_REJECT,
				    .reject_message = "service id is read only" },
	[VEER_SVC_ADDR4]	= { .type = NLA_BE32 },
	[VEER_SVC_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_SVC_PREFIX_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[VEER_SVC_PROTO]	= { .type = NLA_U8 },
	[VEER_SVC_PORT]		= { .type = NLA_BE16 },
	[VEER_SVC_FLAGS]	= NLA_POLICY_MASK(NLA_U32, VEER_SVC_F_ALL),
	[VEER_SVC_SCHED]	= NLA_POLICY_MAX(NLA_U8, VEER_SCHED_MAX),
	[VEER_SVC_TABLE_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_table_size_range),
	[VEER_SVC_COOKIE_MODE]	= NLA_POLICY_MAX(NLA_U8, VEER_COOKIE_MAX),
	[VEER_SVC_SYN_THRESH]	= { .type = NLA_U32 },
	[VEER_SVC_CONN_THRESH]	= { .type = NLA_U32 },
	[VEER_SVC_LATENCY_THRESH] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &veer_latency_range),
	[VEER_SVC_SHIFT_PCT]	= NLA_POLICY_MAX(NLA_U8, VEER_SHIFT_PCT_MAX),
	[VEER_SVC_HOSTS]	= { .type = NLA_REJECT,
				    .reject_message = "host count is read only" },
	[VEER_SVC_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "statistics are read only" },
};

/* Host requests name their service by name only. */
static const struct nla_policy veer_svc_ref_policy[VEER_SVC_MAX + 1] = {
	[VEER_SVC_NAME]		= { .type = NLA_NUL_STRING,
				    .len = VEER_NAME_LEN - 1 },
};

static const struct nla_policy veer_host_policy[VEER_HOST_MAX + 1] = {
	[VEER_HOST_ADDR4]	= { .type = NLA_BE32 },
	[VEER_HOST_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_HOST_PORT]	= { .type = NLA_BE16 },
	[VEER_HOST_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_weight_range),
	[VEER_HOST_STATE]	= NLA_POLICY_MAX(NLA_U8, VEER_HOST_STATE_MAX),
	[VEER_HOST_ENCAP]	= NLA_POLICY_MAX(NLA_U8, VEER_ENCAP_MAX),
	[VEER_HOST_ENCAP_PORT]	= NLA_POLICY_MIN(NLA_BE16, 1),
	[VEER_HOST_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "statistics are read only" },
};

static const struct nla_policy veer_peer_policy[VEER_PEER_MAX + 1] = {
	[VEER_PEER_ADDR4]	= { .type = NLA_BE32 },
	[VEER_PEER_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_PEER_ROLE]	= NLA_POLICY_MAX(NLA_U8, VEER_PEER_ROLE_MAX),
	[VEER_PEER_PORT]	= NLA_POLICY_MIN(NLA_BE16, 1),
	[VEER_PEER_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_weight_range),
};

static const struct nla_policy veer_cfg_policy[VEER_CFG_MAX + 1] = {
	[VEER_CFG_FLOW_MAX]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_flow_max_range),
	[VEER_CFG_TRACK_ALL]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VEER_CFG_GUE_PORT]	= NLA_POLICY_MIN(NLA_BE16, 1),
	[VEER_CFG_EVENT_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_event_rate_range),
	[VEER_CFG_NODE_ID]	= { .type = NLA_U32 },
	[VEER_CFG_GRAN_MAX_LEVEL] = NLA_POLICY_MAX(NLA_U8, VEER_LEVEL_MAX),
	[VEER_CFG_GRAN_BW]	= { .type = NLA_U32 },
	[VEER_CFG_GRAN_DURATION] = { .type = NLA_U32 },
	[VEER_CFG_GRAN_FREQ]	= { .type = NLA_U32 },
	[VEER_CFG_SUBNET_PREFIX4] = NLA_POLICY_MAX(NLA_U8, 32),
	[VEER_CFG_SUBNET_PREFIX6] = NLA_POLICY_MAX(NLA_U8, 128),
	[VEER_CFG_APP_PORT_SPAN] = NLA_POLICY_MIN(NLA_U16, 1),
	[VEER_CFG_APP_MARK_MASK] = { .type = NLA_U32 },
	[VEER_CFG_FLOW_RATE_THRESH] = { .type = NLA_U32 },
	[VEER_CFG_AGG_MAX]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&veer_flow_max_range),
};

static struct netlink_range_validation veer_ttl_range = {
	.min = 1,
	.max = 24 * 3600 * MSEC_PER_SEC,
};

static const struct nla_policy veer_lease_policy[VEER_LEASE_MAX + 1] = {
	[VEER_LEASE_TTL_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &veer_ttl_range),
	[VEER_LEASE_REMAINING_MS] = { .type = NLA_U32 },
	[VEER_LEASE_CONFIDENCE]	= NLA_POLICY_MAX(NLA_U8, 100),
	[VEER_LEASE_LEVEL]	= NLA_POLICY_MAX(NLA_U8, VEER_LEVEL_MAX),
};

static const struct nla_policy veer_flow_policy[VEER_FLOW_MAX + 1] = {
	[VEER_FLOW_SADDR4]	= { .type = NLA_BE32 },
	[VEER_FLOW_SADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_FLOW_DADDR4]	= { .type = NLA_BE32 },
	[VEER_FLOW_DADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_FLOW_SPORT]	= { .type = NLA_BE16 },
	[VEER_FLOW_DPORT]	= { .type = NLA_BE16 },
	[VEER_FLOW_PROTO]	= { .type = NLA_U8 },
	[VEER_FLOW_ZONE]	= { .type = NLA_U16 },
	[VEER_FLOW_SVC_ID]	= { .type = NLA_U32 },
	[VEER_FLOW_LEVEL]	= NLA_POLICY_MAX(NLA_U8, VEER_LEVEL_MAX),
	[VEER_FLOW_LEASE]	= NLA_POLICY_NESTED(veer_lease_policy),
	[VEER_FLOW_ADDR4]	= { .type = NLA_BE32 },
	[VEER_FLOW_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy veer_agg_policy[VEER_AGG_MAX + 1] = {
	[VEER_AGG_LEVEL]	= NLA_POLICY_RANGE(NLA_U8, VEER_LEVEL_SESSION,
						   VEER_LEVEL_MAX),
	[VEER_AGG_ADDR4]	= { .type = NLA_BE32 },
	[VEER_AGG_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VEER_AGG_PREFIX_LEN]	= NLA_POLICY_MAX(NLA_U8, 128),
	[VEER_AGG_SVC_ID]	= { .type = NLA_U32 },
	[VEER_AGG_APP_ID]	= { .type = NLA_U32 },
	[VEER_AGG_BY_MARK]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VEER_AGG_LEASE]	= NLA_POLICY_NESTED(veer_lease_policy),
};

static const struct nla_policy veer_key_policy[VEER_KEY_MAX + 1] = {
	[VEER_KEY_EPOCH]	= NLA_POLICY_MAX(NLA_U8, VEER_KEY_EPOCH_MAX),
	[VEER_KEY_SECRET]	= NLA_POLICY_EXACT_LEN(VEER_KEY_LEN),
	[VEER_KEY_ACTION]	= NLA_POLICY_MAX(NLA_U8, VEER_KEY_ACT_MAX),
	[VEER_KEY_ROLE]		= { .type = NLA_REJECT,
				    .reject_message = "key role is read only" },
	[VEER_KEY_FINGERPRINT]	= { .type = NLA_REJECT,
				    .reject_message = "key fingerprint is read only" },
};

/* Top level: which object nests each operation takes. */
static const struct nla_policy veer_svc_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_SERVICE]	= { .type = NLA_NESTED },
};

static const struct nla_policy veer_host_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_SERVICE]	= { .type = NLA_NESTED },
	[VEER_ATTR_HOST]	= { .type = NLA_NESTED },
};

static const struct nla_policy veer_peer_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_PEER]	= { .type = NLA_NESTED },
};

static const struct nla_policy veer_cfg_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_CONFIG]	= { .type = NLA_NESTED },
};

static const struct nla_policy veer_flow_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_FLOW]	= { .type = NLA_NESTED },
};

static const struct nla_policy veer_agg_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_AGG]		= { .type = NLA_NESTED },
};

static const struct nla_policy veer_key_req_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_KEY]		= { .type = NLA_NESTED },
};

/* ---- helpers ---- */

static void veer_changed(struct veer_net *vn)
{
	/* Never 0: dumps take 0 as "no generation seen yet". */
	vn->gen = vn->gen + 1 ?: 1;
}

/* Parses the object nest @type of a request; -EINVAL when it is absent. */
static int veer_parse_nest(struct nlattr **attrs, int type, struct nlattr **tb,
			   int maxtype, const struct nla_policy *policy,
			   struct netlink_ext_ack *extack, const char *what)
{
	if (!attrs[type]) {
		/* @what is always a string literal, as NL_SET_ERR_MSG wants. */
		if (extack)
			extack->_msg = what;
		NL_SET_ERR_ATTR_MISS(extack, NULL, type);
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, attrs[type], policy, extack);
}

static int veer_get_addr(struct nlattr *nest, struct nlattr *a4,
			 struct nlattr *a6, int type4, u16 *family,
			 union nf_inet_addr *addr,
			 struct netlink_ext_ack *extack)
{
	memset(addr, 0, sizeof(*addr));
	if (a4 && a6) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "give an IPv4 or an IPv6 address, not both");
		return -EINVAL;
	}
	if (a4) {
		*family = AF_INET;
		addr->ip = nla_get_in_addr(a4);
		return 0;
	}
	if (a6) {
		*family = AF_INET6;
		addr->in6 = nla_get_in6_addr(a6);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nest, "address missing");
	NL_SET_ERR_ATTR_MISS(extack, nest, type4);
	return -EINVAL;
}

/* Hosts and peers must be reachable unicast addresses. */
static int veer_check_unicast(u16 family, const union nf_inet_addr *addr,
			      struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	bool bad;

	if (family == AF_INET)
		bad = ipv4_is_zeronet(addr->ip) || ipv4_is_multicast(addr->ip) ||
		      ipv4_is_lbcast(addr->ip);
	else
		/* IPV6_ADDR_ANY is 0: test "::" on its own. */
		bad = ipv6_addr_any(&addr->in6) ||
		      ipv6_addr_is_multicast(&addr->in6);
	if (bad) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "address must be unicast");
		return -EINVAL;
	}
	return 0;
}

static int veer_check_name(struct nlattr *attr, struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);

	if (!*s) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "service name is empty");
		return -EINVAL;
	}
	for (; *s; s++) {
		/* ASCII only: the kernel's isalnum() takes Latin-1 too. */
		if (!isascii(*s) || (!isalnum(*s) && !strchr("-_.:", *s))) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "service name may hold only letters, digits and - _ . :");
			return -EINVAL;
		}
	}
	return 0;
}

static bool veer_is_prime(u32 n)
{
	u32 d;

	if (n < 2)
		return false;
	for (d = 2; d * d <= n; d++)
		if (!(n % d))
			return false;
	return true;
}

static void *veer_msg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			  u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &veer_family, flags, cmd);
}

static int veer_put_addr(struct sk_buff *skb, int type4, int type6,
			 u16 family, const union nf_inet_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type4, addr->ip);
	return nla_put_in6_addr(skb, type6, &addr->in6);
}

/* A service's or host's counters; with @svc, its SYN cookies' too. */
static int veer_put_obj_stats(struct sk_buff *skb, int type,
			      struct veer_obj_stats __percpu *stats,
			      const struct veer_service *svc)
{
	u64 ck[VEER_CK_NUM];
	struct veer_obj_totals t;
	struct nlattr *nest;
	unsigned int i;

	veer_obj_stats_read(stats, &t);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VEER_SVC_STAT_PACKETS, t.packets,
			      VEER_SVC_STAT_PAD) ||
	    nla_put_u64_64bit(skb, VEER_SVC_STAT_BYTES, t.bytes,
			      VEER_SVC_STAT_PAD) ||
	    nla_put_u64_64bit(skb, VEER_SVC_STAT_CONNS, t.conns,
			      VEER_SVC_STAT_PAD))
		goto cancel;
	if (svc) {
		veer_cookie_stats_read(svc, ck);
		for (i = 0; i < VEER_CK_NUM; i++)
			if (nla_put_u64_64bit(skb,
					      VEER_SVC_STAT_SYN_RECEIVED + i,
					      ck[i], VEER_SVC_STAT_PAD))
				goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Sends @skb (a complete message) to the events group; consumes it. */
static void veer_notify(struct veer_net *vn, struct sk_buff *skb)
{
	int err;

	if (!genl_has_listeners(&veer_family, vn->net, VEER_MCGRP_EVENTS_ID)) {
		nlmsg_free(skb);
		return;
	}
	err = genlmsg_multicast_netns(&veer_family, vn->net, skb, 0,
				      VEER_MCGRP_EVENTS_ID, GFP_KERNEL);
	if (err && err != -ESRCH)
		veer_count(vn, VEER_STAT_EVENTS_DROPPED);
	else
		veer_count(vn, VEER_STAT_EVENTS);
}

typedef int (*veer_fill_fn)(struct sk_buff *skb, const void *obj, u32 portid,
			    u32 seq, int flags, u8 cmd);

/* Builds one object message; NULL when memory is short. */
static struct sk_buff *veer_build(veer_fill_fn fill, const void *obj,
				  u32 portid, u32 seq, u8 cmd)
{
	struct sk_buff *skb;

	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	if (fill(skb, obj, portid, seq, 0, cmd) < 0) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void veer_event(struct veer_net *vn, veer_fill_fn fill,
		       const void *obj, u8 cmd)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&veer_family, vn->net, VEER_MCGRP_EVENTS_ID))
		return;
	skb = veer_build(fill, obj, 0, 0, cmd);
	if (!skb) {
		veer_count(vn, VEER_STAT_EVENTS_DROPPED);
		return;
	}
	veer_notify(vn, skb);
}

static int veer_reply(struct genl_info *info, veer_fill_fn fill,
		      const void *obj, u8 cmd)
{
	struct sk_buff *skb;

	skb = veer_build(fill, obj, info->snd_portid, info->snd_seq, cmd);
	if (!skb)
		return -ENOMEM;
	return genlmsg_reply(skb, info);
}

/* ---- services ---- */

static int veer_fill_service(struct sk_buff *skb, const void *obj, u32 portid,
			     u32 seq, int flags, u8 cmd)
{
	const struct veer_service *svc = obj;
	struct nlattr *nest;
	void *hdr;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_SERVICE);
	if (!nest)
		goto cancel;
	if (nla_put_string(skb, VEER_SVC_NAME, svc->name) ||
	    nla_put_u32(skb, VEER_SVC_ID, svc->id) ||
	    veer_put_addr(skb, VEER_SVC_ADDR4, VEER_SVC_ADDR6, svc->family,
			  &svc->addr) ||
	    nla_put_u8(skb, VEER_SVC_PREFIX_LEN, svc->prefix_len) ||
	    nla_put_u8(skb, VEER_SVC_PROTO, svc->proto) ||
	    nla_put_be16(skb, VEER_SVC_PORT, svc->port) ||
	    nla_put_u32(skb, VEER_SVC_FLAGS, READ_ONCE(svc->flags)) ||
	    nla_put_u8(skb, VEER_SVC_SCHED, READ_ONCE(svc->sched)) ||
	    nla_put_u32(skb, VEER_SVC_TABLE_SIZE, READ_ONCE(svc->table_size)) ||
	    nla_put_u8(skb, VEER_SVC_COOKIE_MODE, READ_ONCE(svc->cookie_mode)) ||
	    nla_put_u32(skb, VEER_SVC_SYN_THRESH, READ_ONCE(svc->syn_thresh)) ||
	    nla_put_u32(skb, VEER_SVC_CONN_THRESH, READ_ONCE(svc->conn_thresh)) ||
	    nla_put_u32(skb, VEER_SVC_LATENCY_THRESH,
			READ_ONCE(svc->latency_thresh)) ||
	    nla_put_u8(skb, VEER_SVC_SHIFT_PCT, READ_ONCE(svc->shift_pct)) ||
	    nla_put_u32(skb, VEER_SVC_HOSTS, READ_ONCE(svc->n_hosts)) ||
	    veer_put_obj_stats(skb, VEER_SVC_STATS, svc->stats, svc))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The settings a SERVICE_NEW or SERVICE_SET may carry, validated. */
struct veer_svc_settings {
	u32 flags;
	u8 sched;
	u8 cookie_mode;
	u8 shift_pct;
	u32 table_size;
	u32 syn_thresh;
	u32 conn_thresh;
	u32 latency_thresh;
};

static void veer_svc_settings_get(const struct veer_service *svc,
				  struct veer_svc_settings *s)
{
	s->flags = svc->flags;
	s->sched = svc->sched;
	s->cookie_mode = svc->cookie_mode;
	s->shift_pct = svc->shift_pct;
	s->table_size = svc->table_size;
	s->syn_thresh = svc->syn_thresh;
	s->conn_thresh = svc->conn_thresh;
	s->latency_thresh = svc->latency_thresh;
}

static int veer_svc_settings_parse(struct nlattr **tb,
				   struct veer_svc_settings *s,
				   struct netlink_ext_ack *extack)
{
	if (tb[VEER_SVC_FLAGS])
		s->flags = nla_get_u32(tb[VEER_SVC_FLAGS]);
	if (tb[VEER_SVC_SCHED])
		s->sched = nla_get_u8(tb[VEER_SVC_SCHED]);
	if (tb[VEER_SVC_COOKIE_MODE])
		s->cookie_mode = nla_get_u8(tb[VEER_SVC_COOKIE_MODE]);
	if (tb[VEER_SVC_SHIFT_PCT])
		s->shift_pct = nla_get_u8(tb[VEER_SVC_SHIFT_PCT]);
	if (tb[VEER_SVC_SYN_THRESH])
		s->syn_thresh = nla_get_u32(tb[VEER_SVC_SYN_THRESH]);
	if (tb[VEER_SVC_CONN_THRESH])
		s->conn_thresh = nla_get_u32(tb[VEER_SVC_CONN_THRESH]);
	if (tb[VEER_SVC_LATENCY_THRESH])
		s->latency_thresh = nla_get_u32(tb[VEER_SVC_LATENCY_THRESH]);
	if (tb[VEER_SVC_TABLE_SIZE]) {
		s->table_size = nla_get_u32(tb[VEER_SVC_TABLE_SIZE]);
		if (!veer_is_prime(s->table_size)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_TABLE_SIZE],
					    "Maglev table size must be a prime");
			return -EINVAL;
		}
	}
	return 0;
}

/* SYN cookies answer TCP handshakes: a UDP service has none. */
static int veer_svc_cookie_ok(u8 proto, const struct veer_svc_settings *s,
			      struct nlattr **tb, struct netlink_ext_ack *extack)
{
	if (proto == IPPROTO_TCP || s->cookie_mode == VEER_COOKIE_OFF)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_COOKIE_MODE],
			    "SYN cookies need a TCP service");
	return -EINVAL;
}

static void veer_svc_settings_apply(struct veer_service *svc,
				    const struct veer_svc_settings *s)
{
	WRITE_ONCE(svc->flags, s->flags);
	WRITE_ONCE(svc->sched, s->sched);
	WRITE_ONCE(svc->cookie_mode, s->cookie_mode);
	WRITE_ONCE(svc->shift_pct, s->shift_pct);
	WRITE_ONCE(svc->table_size, s->table_size);
	WRITE_ONCE(svc->syn_thresh, s->syn_thresh);
	WRITE_ONCE(svc->conn_thresh, s->conn_thresh);
	WRITE_ONCE(svc->latency_thresh, s->latency_thresh);
}

/* Fills @key's endpoint from a request; every endpoint attribute checked. */
static int veer_svc_endpoint_parse(struct nlattr *nest, struct nlattr **tb,
				   struct veer_service *key,
				   struct netlink_ext_ack *extack)
{
	u8 full, proto;
	int err;

	err = veer_get_addr(nest, tb[VEER_SVC_ADDR4], tb[VEER_SVC_ADDR6],
			    VEER_SVC_ADDR4, &key->family, &key->addr, extack);
	if (err)
		return err;
	if (!tb[VEER_SVC_PROTO]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "protocol missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_SVC_PROTO);
		return -EINVAL;
	}
	proto = nla_get_u8(tb[VEER_SVC_PROTO]);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_PROTO],
				    "protocol must be TCP or UDP");
		return -EPROTONOSUPPORT;
	}
	key->proto = proto;
	key->port = tb[VEER_SVC_PORT] ? nla_get_be16(tb[VEER_SVC_PORT]) : 0;

	full = key->family == AF_INET ? 32 : 128;
	key->prefix_len = full;
	if (tb[VEER_SVC_PREFIX_LEN]) {
		key->prefix_len = nla_get_u8(tb[VEER_SVC_PREFIX_LEN]);
		if (key->prefix_len > full) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_PREFIX_LEN],
					    "prefix length longer than the address");
			return -EINVAL;
		}
	}
	if (key->family == AF_INET) {
		if (key->addr.ip & ~inet_make_mask(key->prefix_len))
			goto host_bits;
	} else {
		struct in6_addr masked;

		ipv6_addr_prefix(&masked, &key->addr.in6, key->prefix_len);
		if (!ipv6_addr_equal(&masked, &key->addr.in6))
			goto host_bits;
	}
	return 0;
host_bits:
	NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_PREFIX_LEN],
			    "address has bits set beyond the prefix length");
	return -EINVAL;
}

/* A SET may repeat endpoint attributes, but only with their values. */
static int veer_svc_endpoint_same(const struct veer_service *svc,
				  struct nlattr **tb,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *bad = NULL;

	if (tb[VEER_SVC_ADDR4] &&
	    (svc->family != AF_INET ||
	     nla_get_in_addr(tb[VEER_SVC_ADDR4]) != svc->addr.ip))
		bad = tb[VEER_SVC_ADDR4];
	else if (tb[VEER_SVC_ADDR6] &&
		 (svc->family != AF_INET6 ||
		  memcmp(nla_data(tb[VEER_SVC_ADDR6]), &svc->addr.in6,
			 sizeof(struct in6_addr))))
		bad = tb[VEER_SVC_ADDR6];
	else if (tb[VEER_SVC_PREFIX_LEN] &&
		 nla_get_u8(tb[VEER_SVC_PREFIX_LEN]) != svc->prefix_len)
		bad = tb[VEER_SVC_PREFIX_LEN];
	else if (tb[VEER_SVC_PROTO] &&
		 nla_get_u8(tb[VEER_SVC_PROTO]) != svc->proto)
		bad = tb[VEER_SVC_PROTO];
	else if (tb[VEER_SVC_PORT] &&
		 nla_get_be16(tb[VEER_SVC_PORT]) != svc->port)
		bad = tb[VEER_SVC_PORT];
	if (!bad)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, bad,
			    "a service's address, prefix, protocol and port cannot change: delete and add it");
	return -EINVAL;
}

static struct veer_service *veer_svc_lookup(struct veer_net *vn,
					    struct nlattr *nest,
					    struct nlattr **tb,
					    struct netlink_ext_ack *extack)
{
	struct veer_service *svc;

	if (!tb[VEER_SVC_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service name missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_SVC_NAME);
		return ERR_PTR(-EINVAL);
	}
	svc = veer_service_find(vn, nla_data(tb[VEER_SVC_NAME]));
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_NAME],
				    "no such service");
		return ERR_PTR(-ENOENT);
	}
	return svc;
}

static int veer_service_new(struct veer_net *vn, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[VEER_ATTR_SERVICE];
	struct nlattr *tb[VEER_SVC_MAX + 1];
	struct veer_svc_settings set = {
		.sched = VEER_SCHED_MAGLEV,
		.cookie_mode = VEER_COOKIE_OFF,
		.table_size = VEER_DEFAULT_TABLE_SIZE,
	};
	struct veer_service key = {}, *svc;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_SERVICE, tb, VEER_SVC_MAX,
			      veer_svc_policy, extack, "service missing");
	if (err)
		return err;
	if (!tb[VEER_SVC_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service name missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_SVC_NAME);
		return -EINVAL;
	}
	err = veer_check_name(tb[VEER_SVC_NAME], extack);
	if (err)
		return err;
	err = veer_svc_endpoint_parse(nest, tb, &key, extack);
	if (err)
		return err;
	err = veer_svc_settings_parse(tb, &set, extack);
	if (err)
		return err;
	err = veer_svc_cookie_ok(key.proto, &set, tb, extack);
	if (err)
		return err;

	if (veer_service_find(vn, nla_data(tb[VEER_SVC_NAME]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VEER_SVC_NAME],
				    "a service with this name exists");
		return -EEXIST;
	}
	if (veer_service_find_endpoint(vn, &key)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a service with this address, prefix, protocol and port exists");
		return -EEXIST;
	}
	if (vn->n_services >= VEER_SERVICES_MAX) {
		NL_SET_ERR_MSG(extack, "too many services in this namespace");
		return -ENOSPC;
	}

	svc = veer_service_alloc();
	if (!svc)
		return -ENOMEM;
	nla_strscpy(svc->name, tb[VEER_SVC_NAME], sizeof(svc->name));
	svc->family = key.family;
	svc->addr = key.addr;
	svc->prefix_len = key.prefix_len;
	svc->proto = key.proto;
	svc->port = key.port;
	veer_svc_settings_apply(svc, &set);

	err = veer_service_insert(vn, svc);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot start the packet hooks");
		veer_service_free(svc);
		return err;
	}
	err = veer_hooks_update(vn);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot start the SYN cookie hooks");
		veer_service_remove(vn, svc);
		veer_service_free(svc);
		return err;
	}
	veer_changed(vn);
	veer_event(vn, veer_fill_service, svc, VEER_CMD_SERVICE_NEW);
	return 0;
}

static int veer_service_set(struct veer_net *vn, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[VEER_ATTR_SERVICE];
	struct nlattr *tb[VEER_SVC_MAX + 1];
	struct veer_svc_settings set, old;
	struct veer_service *svc;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_SERVICE, tb, VEER_SVC_MAX,
			      veer_svc_policy, extack, "service missing");
	if (err)
		return err;
	svc = veer_svc_lookup(vn, nest, tb, extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);

	/* The endpoint is the service's identity on the wire: fixed. */
	err = veer_svc_endpoint_same(svc, tb, extack);
	if (err)
		return err;

	veer_svc_settings_get(svc, &old);
	set = old;
	err = veer_svc_settings_parse(tb, &set, extack);
	if (err)
		return err;
	err = veer_svc_cookie_ok(svc->proto, &set, tb, extack);
	if (err)
		return err;
	veer_svc_settings_apply(svc, &set);
	err = veer_hooks_update(vn);
	if (err) {
		veer_svc_settings_apply(svc, &old);
		veer_hooks_update(vn);
		NL_SET_ERR_MSG(extack, "cannot start the SYN cookie hooks");
		return err;
	}
	veer_changed(vn);
	veer_event(vn, veer_fill_service, svc, VEER_CMD_SERVICE_SET);
	return 0;
}

static int veer_service_del(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_SVC_MAX + 1];
	struct veer_service *svc;
	struct sk_buff *ev = NULL;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_SERVICE, tb, VEER_SVC_MAX,
			      veer_svc_policy, info->extack, "service missing");
	if (err)
		return err;
	svc = veer_svc_lookup(vn, info->attrs[VEER_ATTR_SERVICE], tb,
			      info->extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);

	/* The event shows the service as it was, counters included. */
	if (genl_has_listeners(&veer_family, vn->net, VEER_MCGRP_EVENTS_ID)) {
		ev = veer_build(veer_fill_service, svc, 0, 0,
				VEER_CMD_SERVICE_DEL);
		if (!ev)
			veer_count(vn, VEER_STAT_EVENTS_DROPPED);
	}
	veer_service_remove(vn, svc);
	veer_service_free(svc);
	veer_changed(vn);
	if (ev)
		veer_notify(vn, ev);
	return 0;
}

static int veer_service_get(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_SVC_MAX + 1];
	struct veer_service *svc;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_SERVICE, tb, VEER_SVC_MAX,
			      veer_svc_policy, info->extack, "service missing");
	if (err)
		return err;
	svc = veer_svc_lookup(vn, info->attrs[VEER_ATTR_SERVICE], tb,
			      info->extack);
	if (IS_ERR(svc))
		return PTR_ERR(svc);
	return veer_reply(info, veer_fill_service, svc, VEER_CMD_SERVICE_GET);
}

/* ---- hosts ---- */

static int veer_fill_host(struct sk_buff *skb, const void *obj, u32 portid,
			  u32 seq, int flags, u8 cmd)
{
	const struct veer_host *h = obj;
	struct nlattr *nest;
	void *hdr;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_SERVICE);
	if (!nest || nla_put_string(skb, VEER_SVC_NAME, h->svc->name))
		goto cancel;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, VEER_ATTR_HOST);
	if (!nest)
		goto cancel;
	if (veer_put_addr(skb, VEER_HOST_ADDR4, VEER_HOST_ADDR6, h->family,
			  &h->addr) ||
	    nla_put_be16(skb, VEER_HOST_PORT, h->port) ||
	    nla_put_u32(skb, VEER_HOST_WEIGHT, READ_ONCE(h->weight)) ||
	    nla_put_u8(skb, VEER_HOST_STATE, READ_ONCE(h->state)) ||
	    nla_put_u8(skb, VEER_HOST_ENCAP, READ_ONCE(h->encap)) ||
	    nla_put_be16(skb, VEER_HOST_ENCAP_PORT, READ_ONCE(h->encap_port)) ||
	    veer_put_obj_stats(skb, VEER_HOST_STATS, h->stats, NULL))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* A host request: its service, its key (address, port) and its nest. */
struct veer_host_req {
	struct veer_service *svc;
	struct nlattr *tb[VEER_HOST_MAX + 1];
	u16 family;
	union nf_inet_addr addr;
	__be16 port;
};

static int veer_host_req_parse(struct veer_net *vn, struct genl_info *info,
			       struct veer_host_req *req)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *stb[VEER_SVC_MAX + 1];
	struct nlattr *nest;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_SERVICE, stb, VEER_SVC_MAX,
			      veer_svc_ref_policy, extack, "service missing");
	if (err)
		return err;
	err = veer_parse_nest(info->attrs, VEER_ATTR_HOST, req->tb,
			      VEER_HOST_MAX, veer_host_policy, extack,
			      "host missing");
	if (err)
		return err;
	req->svc = veer_svc_lookup(vn, info->attrs[VEER_ATTR_SERVICE], stb,
				   extack);
	if (IS_ERR(req->svc))
		return PTR_ERR(req->svc);

	nest = info->attrs[VEER_ATTR_HOST];
	err = veer_get_addr(nest, req->tb[VEER_HOST_ADDR4],
			    req->tb[VEER_HOST_ADDR6], VEER_HOST_ADDR4,
			    &req->family, &req->addr, extack);
	if (err)
		return err;
	req->port = req->tb[VEER_HOST_PORT] ?
		    nla_get_be16(req->tb[VEER_HOST_PORT]) : 0;
	return 0;
}

/* Validates the settings of @req against @h (the current or default ones). */
static int veer_host_settings_parse(const struct veer_host_req *req,
				    struct veer_host *h,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *const *tb = req->tb;

	if (tb[VEER_HOST_WEIGHT])
		h->weight = nla_get_u32(tb[VEER_HOST_WEIGHT]);
	if (tb[VEER_HOST_STATE])
		h->state = nla_get_u8(tb[VEER_HOST_STATE]);
	if (tb[VEER_HOST_ENCAP])
		h->encap = nla_get_u8(tb[VEER_HOST_ENCAP]);
	if (tb[VEER_HOST_ENCAP_PORT])
		h->encap_port = nla_get_be16(tb[VEER_HOST_ENCAP_PORT]);
	/* Without a tunnel the packet is routed as is: same family only. */
	if (h->encap == VEER_ENCAP_NONE && req->family != req->svc->family) {
		NL_SET_ERR_MSG(extack,
			       "host and service address families differ: only a GUE tunnel can carry that");
		return -EAFNOSUPPORT;
	}
	return 0;
}

static int veer_host_new(struct veer_net *vn, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct veer_host_req req;
	struct veer_host tmp = {
		.weight = 1,
		.state = VEER_HOST_UP,
		.encap = VEER_ENCAP_NONE,
		.encap_port = htons(VEER_DEFAULT_GUE_PORT),
	};
	struct veer_host *h;
	int err;

	err = veer_host_req_parse(vn, info, &req);
	if (err)
		return err;
	err = veer_check_unicast(req.family, &req.addr,
				 info->attrs[VEER_ATTR_HOST], extack);
	if (err)
		return err;
	err = veer_host_settings_parse(&req, &tmp, extack);
	if (err)
		return err;
	if (veer_host_find(req.svc, req.family, &req.addr, req.port)) {
		NL_SET_ERR_MSG(extack, "the service has this host already");
		return -EEXIST;
	}
	if (req.svc->n_hosts >= VEER_HOSTS_MAX) {
		NL_SET_ERR_MSG(extack, "too many hosts in this service");
		return -ENOSPC;
	}

	h = veer_host_alloc();
	if (!h)
		return -ENOMEM;
	h->family = req.family;
	h->addr = req.addr;
	h->port = req.port;
	h->weight = tmp.weight;
	h->state = tmp.state;
	h->encap = tmp.encap;
	h->encap_port = tmp.encap_port;
	veer_host_insert(req.svc, h);
	veer_changed(vn);
	veer_event(vn, veer_fill_host, h, VEER_CMD_HOST_NEW);
	return 0;
}

static struct veer_host *veer_host_req_find(const struct veer_host_req *req,
					    struct netlink_ext_ack *extack)
{
	struct veer_host *h;

	h = veer_host_find(req->svc, req->family, &req->addr, req->port);
	if (!h)
		NL_SET_ERR_MSG(extack, "the service has no such host");
	return h;
}

static int veer_host_set(struct veer_net *vn, struct genl_info *info)
{
	struct veer_host_req req;
	struct veer_host *h, tmp;
	int err;

	err = veer_host_req_parse(vn, info, &req);
	if (err)
		return err;
	h = veer_host_req_find(&req, info->extack);
	if (!h)
		return -ENOENT;
	tmp = *h;
	err = veer_host_settings_parse(&req, &tmp, info->extack);
	if (err)
		return err;
	WRITE_ONCE(h->weight, tmp.weight);
	WRITE_ONCE(h->state, tmp.state);
	WRITE_ONCE(h->encap, tmp.encap);
	WRITE_ONCE(h->encap_port, tmp.encap_port);
	veer_changed(vn);
	veer_event(vn, veer_fill_host, h, VEER_CMD_HOST_SET);
	return 0;
}

static int veer_host_del(struct veer_net *vn, struct genl_info *info)
{
	struct veer_host_req req;
	struct veer_host *h;
	int err;

	err = veer_host_req_parse(vn, info, &req);
	if (err)
		return err;
	h = veer_host_req_find(&req, info->extack);
	if (!h)
		return -ENOENT;
	veer_host_remove(h);
	veer_changed(vn);
	/* h->svc stays valid: we hold the lock that frees services. */
	veer_event(vn, veer_fill_host, h, VEER_CMD_HOST_DEL);
	veer_host_free(h);
	return 0;
}

static int veer_host_get(struct veer_net *vn, struct genl_info *info)
{
	struct veer_host_req req;
	struct veer_host *h;
	int err;

	err = veer_host_req_parse(vn, info, &req);
	if (err)
		return err;
	h = veer_host_req_find(&req, info->extack);
	if (!h)
		return -ENOENT;
	return veer_reply(info, veer_fill_host, h, VEER_CMD_HOST_GET);
}

/* ---- peers ---- */

static int veer_fill_peer(struct sk_buff *skb, const void *obj, u32 portid,
			  u32 seq, int flags, u8 cmd)
{
	const struct veer_peer *p = obj;
	struct nlattr *nest;
	void *hdr;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_PEER);
	if (!nest)
		goto cancel;
	if (veer_put_addr(skb, VEER_PEER_ADDR4, VEER_PEER_ADDR6, p->family,
			  &p->addr) ||
	    nla_put_u8(skb, VEER_PEER_ROLE, READ_ONCE(p->role)) ||
	    nla_put_be16(skb, VEER_PEER_PORT, READ_ONCE(p->port)) ||
	    nla_put_u32(skb, VEER_PEER_WEIGHT, READ_ONCE(p->weight)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

struct veer_peer_req {
	struct nlattr *tb[VEER_PEER_MAX + 1];
	u16 family;
	union nf_inet_addr addr;
};

static int veer_peer_req_parse(struct genl_info *info,
			       struct veer_peer_req *req)
{
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_PEER, req->tb,
			      VEER_PEER_MAX, veer_peer_policy, info->extack,
			      "peer missing");
	if (err)
		return err;
	return veer_get_addr(info->attrs[VEER_ATTR_PEER],
			     req->tb[VEER_PEER_ADDR4], req->tb[VEER_PEER_ADDR6],
			     VEER_PEER_ADDR4, &req->family, &req->addr,
			     info->extack);
}

static void veer_peer_settings_parse(const struct veer_peer_req *req,
				     struct veer_peer *p)
{
	if (req->tb[VEER_PEER_ROLE])
		p->role = nla_get_u8(req->tb[VEER_PEER_ROLE]);
	if (req->tb[VEER_PEER_PORT])
		p->port = nla_get_be16(req->tb[VEER_PEER_PORT]);
	if (req->tb[VEER_PEER_WEIGHT])
		p->weight = nla_get_u32(req->tb[VEER_PEER_WEIGHT]);
}

static struct veer_peer *veer_peer_req_find(struct veer_net *vn,
					    const struct veer_peer_req *req,
					    struct netlink_ext_ack *extack)
{
	struct veer_peer *p;

	p = veer_peer_find(vn, req->family, &req->addr);
	if (!p)
		NL_SET_ERR_MSG(extack, "no such peer");
	return p;
}

static int veer_peer_new(struct veer_net *vn, struct genl_info *info)
{
	struct veer_peer_req req;
	struct veer_peer *p;
	int err;

	err = veer_peer_req_parse(info, &req);
	if (err)
		return err;
	err = veer_check_unicast(req.family, &req.addr,
				 info->attrs[VEER_ATTR_PEER], info->extack);
	if (err)
		return err;
	if (veer_peer_find(vn, req.family, &req.addr)) {
		NL_SET_ERR_MSG(info->extack, "a peer with this address exists");
		return -EEXIST;
	}
	if (vn->n_peers >= VEER_PEERS_MAX) {
		NL_SET_ERR_MSG(info->extack, "too many peers in this namespace");
		return -ENOSPC;
	}
	p = veer_peer_alloc();
	if (!p)
		return -ENOMEM;
	p->family = req.family;
	p->addr = req.addr;
	p->role = VEER_PEER_SHADOW;
	p->port = htons(VEER_DEFAULT_GUE_PORT);
	p->weight = 1;
	veer_peer_settings_parse(&req, p);
	veer_peer_insert(vn, p);
	veer_changed(vn);
	veer_event(vn, veer_fill_peer, p, VEER_CMD_PEER_NEW);
	return 0;
}

static int veer_peer_set(struct veer_net *vn, struct genl_info *info)
{
	struct veer_peer_req req;
	struct veer_peer *p, tmp;
	int err;

	err = veer_peer_req_parse(info, &req);
	if (err)
		return err;
	p = veer_peer_req_find(vn, &req, info->extack);
	if (!p)
		return -ENOENT;
	tmp = *p;
	veer_peer_settings_parse(&req, &tmp);
	WRITE_ONCE(p->role, tmp.role);
	WRITE_ONCE(p->port, tmp.port);
	WRITE_ONCE(p->weight, tmp.weight);
	veer_changed(vn);
	veer_event(vn, veer_fill_peer, p, VEER_CMD_PEER_SET);
	return 0;
}

static int veer_peer_del(struct veer_net *vn, struct genl_info *info)
{
	struct veer_peer_req req;
	struct veer_peer *p;
	int err;

	err = veer_peer_req_parse(info, &req);
	if (err)
		return err;
	p = veer_peer_req_find(vn, &req, info->extack);
	if (!p)
		return -ENOENT;
	/* Announce first: removal hands the peer to RCU for freeing. */
	veer_event(vn, veer_fill_peer, p, VEER_CMD_PEER_DEL);
	veer_peer_remove(vn, p);
	veer_changed(vn);
	return 0;
}

static int veer_peer_get(struct veer_net *vn, struct genl_info *info)
{
	struct veer_peer_req req;
	struct veer_peer *p;
	int err;

	err = veer_peer_req_parse(info, &req);
	if (err)
		return err;
	p = veer_peer_req_find(vn, &req, info->extack);
	if (!p)
		return -ENOENT;
	return veer_reply(info, veer_fill_peer, p, VEER_CMD_PEER_GET);
}

/* ---- config and stats ---- */

static int veer_fill_config(struct sk_buff *skb, const void *obj, u32 portid,
			    u32 seq, int flags, u8 cmd)
{
	const struct veer_config *cfg = obj;
	struct nlattr *nest;
	void *hdr;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_CONFIG);
	if (!nest)
		goto cancel;
	if (nla_put_u32(skb, VEER_CFG_FLOW_MAX, cfg->flow_max) ||
	    nla_put_u8(skb, VEER_CFG_TRACK_ALL, cfg->track_all) ||
	    nla_put_be16(skb, VEER_CFG_GUE_PORT, cfg->gue_port) ||
	    nla_put_u32(skb, VEER_CFG_EVENT_RATE, cfg->event_rate) ||
	    nla_put_u32(skb, VEER_CFG_NODE_ID, cfg->node_id) ||
	    nla_put_u8(skb, VEER_CFG_GRAN_MAX_LEVEL, cfg->gran_max_level) ||
	    nla_put_u32(skb, VEER_CFG_GRAN_BW, cfg->gran_bw) ||
	    nla_put_u32(skb, VEER_CFG_GRAN_DURATION, cfg->gran_duration) ||
	    nla_put_u32(skb, VEER_CFG_GRAN_FREQ, cfg->gran_freq) ||
	    nla_put_u8(skb, VEER_CFG_SUBNET_PREFIX4, cfg->subnet_prefix4) ||
	    nla_put_u8(skb, VEER_CFG_SUBNET_PREFIX6, cfg->subnet_prefix6) ||
	    nla_put_u16(skb, VEER_CFG_APP_PORT_SPAN, cfg->app_port_span) ||
	    nla_put_u32(skb, VEER_CFG_APP_MARK_MASK, cfg->app_mark_mask) ||
	    nla_put_u32(skb, VEER_CFG_FLOW_RATE_THRESH,
			cfg->flow_rate_thresh) ||
	    nla_put_u32(skb, VEER_CFG_AGG_MAX, cfg->agg_max))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int veer_config_set(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_CFG_MAX + 1];
	struct veer_config cfg = vn->cfg;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_CONFIG, tb, VEER_CFG_MAX,
			      veer_cfg_policy, info->extack, "config missing");
	if (err)
		return err;
	if (tb[VEER_CFG_FLOW_MAX])
		cfg.flow_max = nla_get_u32(tb[VEER_CFG_FLOW_MAX]);
	if (tb[VEER_CFG_TRACK_ALL])
		cfg.track_all = nla_get_u8(tb[VEER_CFG_TRACK_ALL]);
	if (tb[VEER_CFG_GUE_PORT])
		cfg.gue_port = nla_get_be16(tb[VEER_CFG_GUE_PORT]);
	if (tb[VEER_CFG_EVENT_RATE])
		cfg.event_rate = nla_get_u32(tb[VEER_CFG_EVENT_RATE]);
	if (tb[VEER_CFG_NODE_ID])
		cfg.node_id = nla_get_u32(tb[VEER_CFG_NODE_ID]);
	if (tb[VEER_CFG_GRAN_MAX_LEVEL])
		cfg.gran_max_level = nla_get_u8(tb[VEER_CFG_GRAN_MAX_LEVEL]);
	if (tb[VEER_CFG_GRAN_BW])
		cfg.gran_bw = nla_get_u32(tb[VEER_CFG_GRAN_BW]);
	if (tb[VEER_CFG_GRAN_DURATION])
		cfg.gran_duration = nla_get_u32(tb[VEER_CFG_GRAN_DURATION]);
	if (tb[VEER_CFG_GRAN_FREQ])
		cfg.gran_freq = nla_get_u32(tb[VEER_CFG_GRAN_FREQ]);
	if (tb[VEER_CFG_SUBNET_PREFIX4])
		cfg.subnet_prefix4 = nla_get_u8(tb[VEER_CFG_SUBNET_PREFIX4]);
	if (tb[VEER_CFG_SUBNET_PREFIX6])
		cfg.subnet_prefix6 = nla_get_u8(tb[VEER_CFG_SUBNET_PREFIX6]);
	if (tb[VEER_CFG_APP_PORT_SPAN])
		cfg.app_port_span = nla_get_u16(tb[VEER_CFG_APP_PORT_SPAN]);
	if (tb[VEER_CFG_APP_MARK_MASK])
		cfg.app_mark_mask = nla_get_u32(tb[VEER_CFG_APP_MARK_MASK]);
	if (tb[VEER_CFG_FLOW_RATE_THRESH])
		cfg.flow_rate_thresh = nla_get_u32(tb[VEER_CFG_FLOW_RATE_THRESH]);
	if (tb[VEER_CFG_AGG_MAX])
		cfg.agg_max = nla_get_u32(tb[VEER_CFG_AGG_MAX]);

	if (cfg.track_all != vn->cfg.track_all) {
		WRITE_ONCE(vn->cfg.track_all, cfg.track_all);
		err = veer_hooks_update(vn);
		if (err) {
			WRITE_ONCE(vn->cfg.track_all, !cfg.track_all);
			NL_SET_ERR_MSG(info->extack,
				       "cannot start the packet hooks");
			return err;
		}
	}
	WRITE_ONCE(vn->cfg.flow_max, cfg.flow_max);
	WRITE_ONCE(vn->cfg.gue_port, cfg.gue_port);
	WRITE_ONCE(vn->cfg.event_rate, cfg.event_rate);
	WRITE_ONCE(vn->cfg.node_id, cfg.node_id);
	WRITE_ONCE(vn->cfg.gran_max_level, cfg.gran_max_level);
	WRITE_ONCE(vn->cfg.gran_bw, cfg.gran_bw);
	WRITE_ONCE(vn->cfg.gran_duration, cfg.gran_duration);
	WRITE_ONCE(vn->cfg.gran_freq, cfg.gran_freq);
	WRITE_ONCE(vn->cfg.subnet_prefix4, cfg.subnet_prefix4);
	WRITE_ONCE(vn->cfg.subnet_prefix6, cfg.subnet_prefix6);
	WRITE_ONCE(vn->cfg.app_port_span, cfg.app_port_span);
	WRITE_ONCE(vn->cfg.app_mark_mask, cfg.app_mark_mask);
	WRITE_ONCE(vn->cfg.flow_rate_thresh, cfg.flow_rate_thresh);
	WRITE_ONCE(vn->cfg.agg_max, cfg.agg_max);
	veer_changed(vn);
	veer_event(vn, veer_fill_config, &vn->cfg, VEER_CMD_CONFIG_SET);
	return 0;
}

static int veer_config_get(struct veer_net *vn, struct genl_info *info)
{
	return veer_reply(info, veer_fill_config, &vn->cfg,
			  VEER_CMD_CONFIG_GET);
}

static int veer_fill_stats(struct sk_buff *skb, const void *obj, u32 portid,
			   u32 seq, int flags, u8 cmd)
{
	const struct veer_net *vn = obj;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_STATS);
	if (!nest)
		goto cancel;
	for (i = VEER_STAT_UNSPEC + 1; i < __VEER_STAT_MAX; i++) {
		if (!veer_stat_names[i])
			continue;
		if (nla_put_u64_64bit(skb, i, veer_counter_sum(vn, i),
				      VEER_STAT_PAD))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int veer_stats_get(struct veer_net *vn, struct genl_info *info)
{
	return veer_reply(info, veer_fill_stats, vn, VEER_CMD_STATS_GET);
}

/* ---- flows and aggregates ---- */

static int veer_put_lease(struct sk_buff *skb, int type,
			  const struct veer_lease *l)
{
	struct nlattr *nest;
	long left;

	if (!l->expires)
		return 0;
	left = (long)(l->expires - jiffies);
	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u32(skb, VEER_LEASE_TTL_MS,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u32(skb, VEER_LEASE_REMAINING_MS, l->remaining_ms) ||
	    nla_put_u8(skb, VEER_LEASE_CONFIDENCE, l->confidence) ||
	    (l->level >= 0 && nla_put_u8(skb, VEER_LEASE_LEVEL, l->level)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int veer_put_fdir(struct sk_buff *skb, int type,
			 const struct veer_flow *f, int dir)
{
	const struct veer_fdir *d = f->prof ? &f->prof->dir[dir] : NULL;
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u64_64bit(skb, VEER_FDIR_PACKETS, f->packets[dir],
			      VEER_FDIR_PAD) ||
	    nla_put_u64_64bit(skb, VEER_FDIR_BYTES, f->bytes[dir],
			      VEER_FDIR_PAD))
		return -EMSGSIZE;
	if (d && f->key.proto == IPPROTO_TCP &&
	    (nla_put_u32(skb, VEER_FDIR_SEQ, d->seq) ||
	     nla_put_u32(skb, VEER_FDIR_ACK, d->ack) ||
	     nla_put_u32(skb, VEER_FDIR_WIN, d->win) ||
	     nla_put_u8(skb, VEER_FDIR_WSCALE, d->wscale) ||
	     nla_put_u16(skb, VEER_FDIR_MSS, d->mss) ||
	     nla_put_u8(skb, VEER_FDIR_OPTS, d->opts) ||
	     nla_put_u32(skb, VEER_FDIR_TSVAL, d->tsval)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int veer_put_flow(struct sk_buff *skb, struct veer_flow *f)
{
	const struct veer_flow_key *k = &f->key;
	unsigned long now = jiffies;
	struct nlattr *nest;
	u32 rtt = 0;
	int err;

	nest = nla_nest_start(skb, VEER_ATTR_FLOW);
	if (!nest)
		return -EMSGSIZE;
	spin_lock_bh(&f->lock);
	if (f->prof && f->prof->dir[0].srtt_us && f->prof->dir[1].srtt_us)
		rtt = f->prof->dir[0].srtt_us + f->prof->dir[1].srtt_us;
	err = veer_put_addr(skb, VEER_FLOW_SADDR4, VEER_FLOW_SADDR6, k->family,
			    &k->saddr) ||
	      veer_put_addr(skb, VEER_FLOW_DADDR4, VEER_FLOW_DADDR6, k->family,
			    &k->daddr) ||
	      nla_put_be16(skb, VEER_FLOW_SPORT, k->sport) ||
	      nla_put_be16(skb, VEER_FLOW_DPORT, k->dport) ||
	      nla_put_u8(skb, VEER_FLOW_PROTO, k->proto) ||
	      nla_put_u16(skb, VEER_FLOW_ZONE, k->zone) ||
	      nla_put_u32(skb, VEER_FLOW_CT_ID, f->ct_id) ||
	      nla_put_u32(skb, VEER_FLOW_SVC_ID, f->svc_id) ||
	      nla_put_u8(skb, VEER_FLOW_LEVEL, f->level) ||
	      (k->proto == IPPROTO_TCP &&
	       nla_put_u8(skb, VEER_FLOW_TCP_STATE, f->tcp_state)) ||
	      nla_put_u64_64bit(skb, VEER_FLOW_AGE_MS,
				jiffies_to_msecs(now - f->start),
				VEER_FLOW_PAD) ||
	      nla_put_u64_64bit(skb, VEER_FLOW_IDLE_MS,
				jiffies_to_msecs(now - READ_ONCE(f->last)),
				VEER_FLOW_PAD) ||
	      veer_put_fdir(skb, VEER_FLOW_ORIG, f, IP_CT_DIR_ORIGINAL) ||
	      veer_put_fdir(skb, VEER_FLOW_REPLY, f, IP_CT_DIR_REPLY) ||
	      nla_put_u64_64bit(skb, VEER_FLOW_RATE, f->rate, VEER_FLOW_PAD) ||
	      nla_put_u64_64bit(skb, VEER_FLOW_PEAK_RATE, f->peak_rate,
				VEER_FLOW_PAD) ||
	      (f->prof && f->prof->rtt_syn_us &&
	       nla_put_u32(skb, VEER_FLOW_RTT_SYN, f->prof->rtt_syn_us)) ||
	      (rtt && nla_put_u32(skb, VEER_FLOW_RTT, rtt)) ||
	      (f->xlate &&
	       (nla_put_u8(skb, VEER_FLOW_OFFLOAD_REASON, f->offload_reason) ||
		nla_put_u32(skb, VEER_FLOW_AFFINITY, f->affinity) ||
		nla_put_u8(skb, VEER_FLOW_XLATE, f->xlate))) ||
	      veer_put_lease(skb, VEER_FLOW_LEASE, &f->lease);
	spin_unlock_bh(&f->lock);
	if (err) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int veer_fill_flow(struct sk_buff *skb, const void *obj, u32 portid,
			  u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (veer_put_flow(skb, (struct veer_flow *)obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Token bucket: cfg.event_rate events per second, as big a burst. */
static bool veer_event_allow(struct veer_net *vn)
{
	u32 rate = READ_ONCE(vn->cfg.event_rate);
	unsigned long now = jiffies;
	bool ok;

	spin_lock_bh(&vn->ev_lock);
	if (now != vn->ev_last) {
		u64 add = div_u64((u64)(now - vn->ev_last) * rate, HZ);

		if (add) {
			vn->ev_tokens = min_t(u64, vn->ev_tokens + add, rate);
			vn->ev_last = now;
		}
	}
	ok = vn->ev_tokens > 0;
	if (ok)
		vn->ev_tokens--;
	spin_unlock_bh(&vn->ev_lock);
	return ok;
}

void veer_flow_event(struct veer_net *vn, const struct veer_flow *f,
		     enum veer_flow_event ev)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (!genl_has_listeners(&veer_family, vn->net, VEER_MCGRP_FLOWS_ID))
		return;
	if (!veer_event_allow(vn)) {
		veer_count(vn, VEER_STAT_EVENTS_SUPPRESSED);
		return;
	}
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		goto dropped;
	hdr = veer_msg_put(skb, 0, 0, 0, VEER_CMD_FLOW_EVENT);
	if (!hdr || nla_put_u8(skb, VEER_ATTR_EVENT, ev) ||
	    veer_put_flow(skb, (struct veer_flow *)f)) {
		nlmsg_free(skb);
		goto dropped;
	}
	genlmsg_end(skb, hdr);
	err = genlmsg_multicast_netns(&veer_family, vn->net, skb, 0,
				      VEER_MCGRP_FLOWS_ID, GFP_ATOMIC);
	if (err && err != -ESRCH)
		goto dropped;
	veer_count(vn, VEER_STAT_EVENTS);
	return;
dropped:
	veer_count(vn, VEER_STAT_EVENTS_DROPPED);
}

/* A flow's key from a request: the full original tuple. */
static int veer_flow_key_parse(struct nlattr *nest, struct nlattr **tb,
			       struct veer_flow_key *k,
			       struct netlink_ext_ack *extack)
{
	union nf_inet_addr daddr;
	u16 family, dfamily;
	int err;

	memset(k, 0, sizeof(*k));
	err = veer_get_addr(nest, tb[VEER_FLOW_SADDR4], tb[VEER_FLOW_SADDR6],
			    VEER_FLOW_SADDR4, &family, &k->saddr, extack);
	if (err)
		return err;
	err = veer_get_addr(nest, tb[VEER_FLOW_DADDR4], tb[VEER_FLOW_DADDR6],
			    VEER_FLOW_DADDR4, &dfamily, &daddr, extack);
	if (err)
		return err;
	if (family != dfamily) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "source and destination families differ");
		return -EINVAL;
	}
	if (!tb[VEER_FLOW_PROTO] || !tb[VEER_FLOW_SPORT] ||
	    !tb[VEER_FLOW_DPORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a flow needs protocol, source and destination ports");
		NL_SET_ERR_ATTR_MISS(extack, nest, !tb[VEER_FLOW_PROTO] ?
				     VEER_FLOW_PROTO : !tb[VEER_FLOW_SPORT] ?
				     VEER_FLOW_SPORT : VEER_FLOW_DPORT);
		return -EINVAL;
	}
	k->family = family;
	k->daddr = daddr;
	k->proto = nla_get_u8(tb[VEER_FLOW_PROTO]);
	k->sport = nla_get_be16(tb[VEER_FLOW_SPORT]);
	k->dport = nla_get_be16(tb[VEER_FLOW_DPORT]);
	if (tb[VEER_FLOW_ZONE])
		k->zone = nla_get_u16(tb[VEER_FLOW_ZONE]);
	return 0;
}

static int veer_lease_parse(struct nlattr *attr, struct veer_lease *l,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VEER_LEASE_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VEER_LEASE_MAX, attr, veer_lease_policy,
			       extack);
	if (err)
		return err;
	if (!tb[VEER_LEASE_TTL_MS]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "lease needs a ttl");
		NL_SET_ERR_ATTR_MISS(extack, attr, VEER_LEASE_TTL_MS);
		return -EINVAL;
	}
	memset(l, 0, sizeof(*l));
	veer_lease_from_ttl(l, nla_get_u32(tb[VEER_LEASE_TTL_MS]));
	if (tb[VEER_LEASE_REMAINING_MS])
		l->remaining_ms = nla_get_u32(tb[VEER_LEASE_REMAINING_MS]);
	if (tb[VEER_LEASE_CONFIDENCE])
		l->confidence = nla_get_u8(tb[VEER_LEASE_CONFIDENCE]);
	l->level = tb[VEER_LEASE_LEVEL] ? nla_get_u8(tb[VEER_LEASE_LEVEL]) : -1;
	return 0;
}

static int veer_flow_get(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_FLOW_MAX + 1];
	struct veer_flow_key key;
	struct sk_buff *skb;
	struct veer_flow *f;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_FLOW, tb, VEER_FLOW_MAX,
			      veer_flow_policy, info->extack, "flow missing");
	if (err)
		return err;
	err = veer_flow_key_parse(info->attrs[VEER_ATTR_FLOW], tb, &key,
				  info->extack);
	if (err)
		return err;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	rcu_read_lock();
	f = veer_flow_lookup(vn, &key);
	if (!f || READ_ONCE(f->dead))
		err = -ENOENT;
	else
		err = veer_fill_flow(skb, f, info->snd_portid, info->snd_seq,
				     0, VEER_CMD_FLOW_GET);
	rcu_read_unlock();
	if (err) {
		nlmsg_free(skb);
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no such flow");
		return err;
	}
	return genlmsg_reply(skb, info);
}

static int veer_flow_set(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_FLOW_MAX + 1];
	struct veer_flow_key key;
	struct veer_lease lease;
	struct veer_flow *f;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_FLOW, tb, VEER_FLOW_MAX,
			      veer_flow_policy, info->extack, "flow missing");
	if (err)
		return err;
	err = veer_flow_key_parse(info->attrs[VEER_ATTR_FLOW], tb, &key,
				  info->extack);
	if (err)
		return err;
	if (!tb[VEER_FLOW_LEASE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VEER_ATTR_FLOW],
				    "nothing to set: give a lease");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[VEER_ATTR_FLOW],
				     VEER_FLOW_LEASE);
		return -EINVAL;
	}
	err = veer_lease_parse(tb[VEER_FLOW_LEASE], &lease, info->extack);
	if (err)
		return err;
	rcu_read_lock();
	f = veer_flow_lookup(vn, &key);
	if (f && READ_ONCE(f->dead))
		f = NULL;
	if (f)
		veer_flow_set_lease(vn, f, &lease);
	rcu_read_unlock();
	if (!f) {
		NL_SET_ERR_MSG(info->extack, "no such flow");
		return -ENOENT;
	}
	return 0;
}

/* Flow dumps walk the table; their filters and walker live in cb->args[0]. */
struct veer_flow_dump {
	struct rhashtable_iter iter;
	bool has_svc, has_level, has_addr;
	u32 svc_id;
	u8 level;
	u16 family;
	union nf_inet_addr addr;
};

static int veer_nl_flow_dump_start(struct netlink_callback *cb)
{
	struct veer_net *vn = veer_pernet(sock_net(cb->skb->sk));
	struct nlattr *attrs[VEER_ATTR_MAX + 1];
	struct nlattr *tb[VEER_FLOW_MAX + 1];
	struct veer_flow_dump *st;
	int err;

	veer_count(vn, VEER_STAT_NL_REQUESTS);
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, VEER_ATTR_MAX,
			  veer_flow_req_policy, cb->extack);
	if (err)
		goto reject;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	if (attrs[VEER_ATTR_FLOW]) {
		err = nla_parse_nested(tb, VEER_FLOW_MAX, attrs[VEER_ATTR_FLOW],
				       veer_flow_policy, cb->extack);
		if (err) {
			kfree(st);
			goto reject;
		}
		if (tb[VEER_FLOW_SVC_ID]) {
			st->has_svc = true;
			st->svc_id = nla_get_u32(tb[VEER_FLOW_SVC_ID]);
		}
		if (tb[VEER_FLOW_LEVEL]) {
			st->has_level = true;
			st->level = nla_get_u8(tb[VEER_FLOW_LEVEL]);
		}
		if (tb[VEER_FLOW_ADDR4] || tb[VEER_FLOW_ADDR6]) {
			err = veer_get_addr(attrs[VEER_ATTR_FLOW],
					    tb[VEER_FLOW_ADDR4],
					    tb[VEER_FLOW_ADDR6],
					    VEER_FLOW_ADDR4, &st->family,
					    &st->addr, cb->extack);
			if (err) {
				kfree(st);
				goto reject;
			}
			st->has_addr = true;
		}
	}
	rhashtable_walk_enter(&vn->flows, &st->iter);
	cb->args[0] = (long)st;
	return 0;
reject:
	veer_count(vn, VEER_STAT_NL_REJECTS);
	return err;
}

static int veer_nl_flow_dump_done(struct netlink_callback *cb)
{
	struct veer_flow_dump *st = (struct veer_flow_dump *)cb->args[0];

	if (st) {
		rhashtable_walk_exit(&st->iter);
		kfree(st);
	}
	return 0;
}

static bool veer_flow_dump_match(const struct veer_flow_dump *st,
				 const struct veer_flow *f)
{
	if (st->has_svc && f->svc_id != st->svc_id)
		return false;
	if (st->has_level && READ_ONCE(f->level) != st->level)
		return false;
	if (st->has_addr &&
	    (f->key.family != st->family ||
	     (memcmp(&f->key.saddr, &st->addr, sizeof(st->addr)) &&
	      memcmp(&f->key.daddr, &st->addr, sizeof(st->addr)))))
		return false;
	return true;
}

static int veer_nl_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct veer_flow_dump *st = (struct veer_flow_dump *)cb->args[0];
	struct veer_flow *f;
	int err = 0;

	rhashtable_walk_start(&st->iter);
	/* Peek first: an object that does not fit is sent in the next part. */
	while ((f = rhashtable_walk_peek(&st->iter))) {
		if (IS_ERR(f)) {
			if (PTR_ERR(f) == -EAGAIN) {
				rhashtable_walk_next(&st->iter);
				continue;
			}
			err = PTR_ERR(f);
			break;
		}
		if (!READ_ONCE(f->dead) && veer_flow_dump_match(st, f) &&
		    veer_fill_flow(skb, f, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   VEER_CMD_FLOW_GET))
			break;
		rhashtable_walk_next(&st->iter);
	}
	rhashtable_walk_stop(&st->iter);
	return err ?: skb->len;
}

static int veer_fill_agg(struct sk_buff *skb, const void *obj, u32 portid,
			 u32 seq, int flags, u8 cmd)
{
	struct veer_agg *a = (struct veer_agg *)obj;
	const struct veer_agg_key *k = &a->key;
	struct nlattr *nest;
	void *hdr;
	int err;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VEER_ATTR_AGG);
	if (!nest)
		goto cancel;
	spin_lock_bh(&a->lock);
	err = nla_put_u8(skb, VEER_AGG_LEVEL, k->level) ||
	      veer_put_addr(skb, VEER_AGG_ADDR4, VEER_AGG_ADDR6, k->family,
			    &k->addr) ||
	      nla_put_u8(skb, VEER_AGG_PREFIX_LEN, k->prefix_len) ||
	      (k->level == VEER_LEVEL_SESSION &&
	       nla_put_u32(skb, VEER_AGG_SVC_ID, k->svc_id)) ||
	      (k->level == VEER_LEVEL_APP &&
	       (nla_put_u32(skb, VEER_AGG_APP_ID, k->app_id) ||
		nla_put_u8(skb, VEER_AGG_BY_MARK, k->by_mark))) ||
	      nla_put_u32(skb, VEER_AGG_ACTIVE, atomic_read(&a->active)) ||
	      nla_put_u64_64bit(skb, VEER_AGG_CONNS, atomic64_read(&a->conns),
				VEER_AGG_PAD) ||
	      nla_put_u64_64bit(skb, VEER_AGG_PACKETS, a->packets,
				VEER_AGG_PAD) ||
	      nla_put_u64_64bit(skb, VEER_AGG_BYTES, a->bytes, VEER_AGG_PAD) ||
	      nla_put_u64_64bit(skb, VEER_AGG_RATE, a->rate, VEER_AGG_PAD) ||
	      nla_put_u32(skb, VEER_AGG_AVG_DURATION, a->duration_ms) ||
	      nla_put_u32(skb, VEER_AGG_FREQ, a->freq) ||
	      nla_put_u64_64bit(skb, VEER_AGG_IDLE_MS,
				jiffies_to_msecs(jiffies - READ_ONCE(a->last)),
				VEER_AGG_PAD) ||
	      veer_put_lease(skb, VEER_AGG_LEASE, &a->lease);
	spin_unlock_bh(&a->lock);
	if (err)
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int veer_agg_key_parse(struct nlattr *nest, struct nlattr **tb,
			      struct veer_agg_key *k,
			      struct netlink_ext_ack *extack)
{
	u16 family;
	u8 full;
	int err;

	memset(k, 0, sizeof(*k));
	if (!tb[VEER_AGG_LEVEL]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "aggregate level missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_AGG_LEVEL);
		return -EINVAL;
	}
	err = veer_get_addr(nest, tb[VEER_AGG_ADDR4], tb[VEER_AGG_ADDR6],
			    VEER_AGG_ADDR4, &family, &k->addr, extack);
	if (err)
		return err;
	full = family == AF_INET ? 32 : 128;
	k->family = family;
	k->level = nla_get_u8(tb[VEER_AGG_LEVEL]);
	k->prefix_len = tb[VEER_AGG_PREFIX_LEN] ?
			nla_get_u8(tb[VEER_AGG_PREFIX_LEN]) : full;
	if (k->prefix_len > full) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VEER_AGG_PREFIX_LEN],
				    "prefix length longer than the address");
		return -EINVAL;
	}
	/* Subnet keys hold the prefix, as the packet path builds them. */
	if (family == AF_INET)
		k->addr.ip &= inet_make_mask(k->prefix_len);
	else
		ipv6_addr_prefix(&k->addr.in6, &k->addr.in6, k->prefix_len);
	if (k->level == VEER_LEVEL_SESSION && tb[VEER_AGG_SVC_ID])
		k->svc_id = nla_get_u32(tb[VEER_AGG_SVC_ID]);
	if (k->level == VEER_LEVEL_APP) {
		if (tb[VEER_AGG_APP_ID])
			k->app_id = nla_get_u32(tb[VEER_AGG_APP_ID]);
		if (tb[VEER_AGG_BY_MARK])
			k->by_mark = nla_get_u8(tb[VEER_AGG_BY_MARK]);
	}
	return 0;
}

static struct veer_agg *veer_agg_req(struct veer_net *vn,
				     struct genl_info *info,
				     struct nlattr **tb)
{
	struct veer_agg_key key;
	struct veer_agg *a;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_AGG, tb, VEER_AGG_MAX,
			      veer_agg_policy, info->extack,
			      "aggregate missing");
	if (err)
		return ERR_PTR(err);
	err = veer_agg_key_parse(info->attrs[VEER_ATTR_AGG], tb, &key,
				 info->extack);
	if (err)
		return ERR_PTR(err);
	rcu_read_lock();
	a = veer_agg_lookup(vn, &key);
	if (a && !refcount_inc_not_zero(&a->ref))
		a = NULL;
	rcu_read_unlock();
	if (!a) {
		NL_SET_ERR_MSG(info->extack, "no such aggregate");
		return ERR_PTR(-ENOENT);
	}
	return a;
}

static int veer_agg_get(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_AGG_MAX + 1];
	struct veer_agg *a;
	int err;

	a = veer_agg_req(vn, info, tb);
	if (IS_ERR(a))
		return PTR_ERR(a);
	err = veer_reply(info, veer_fill_agg, a, VEER_CMD_AGG_GET);
	veer_agg_put(a);
	return err;
}

static int veer_agg_set(struct veer_net *vn, struct genl_info *info)
{
	struct nlattr *tb[VEER_AGG_MAX + 1];
	struct veer_lease lease;
	struct veer_agg *a;
	int err;

	a = veer_agg_req(vn, info, tb);
	if (IS_ERR(a))
		return PTR_ERR(a);
	if (!tb[VEER_AGG_LEASE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VEER_ATTR_AGG],
				    "nothing to set: give a lease");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[VEER_ATTR_AGG],
				     VEER_AGG_LEASE);
		err = -EINVAL;
		goto out;
	}
	err = veer_lease_parse(tb[VEER_AGG_LEASE], &lease, info->extack);
	if (err)
		goto out;
	spin_lock_bh(&a->lock);
	a->lease = lease;
	spin_unlock_bh(&a->lock);
out:
	veer_agg_put(a);
	return err;
}

static int veer_nl_agg_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct veer_net *vn = veer_pernet(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct veer_agg *a;

	if (!cb->args[4]) {
		veer_count(vn, VEER_STAT_NL_REQUESTS);
		cb->args[4] = 1;
	}
	spin_lock_bh(&vn->flow_lock);
	/* Aggregates come and go: flag a dump that spanned a change. */
	cb->seq = vn->agg_gen;
	list_for_each_entry(a, &vn->aggs, list) {
		unsigned int off = skb->len;

		if (idx >= start) {
			if (veer_fill_agg(skb, a, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  VEER_CMD_AGG_GET))
				break;
			nl_dump_check_consistent(cb, (struct nlmsghdr *)
						 (skb->data + off));
		}
		idx++;
	}
	spin_unlock_bh(&vn->flow_lock);
	cb->args[0] = idx;
	return skb->len;
}

/* ---- cookie keys ---- */

static_assert(VEER_KEY_LEN == VEER_COOKIE_KEY_LEN);
static_assert(VEER_KEY_EPOCH_MAX + 1 == VEER_COOKIE_KEY_SLOTS);

static struct veer_keys *veer_keys_locked(struct veer_net *vn)
{
	return rcu_dereference_protected(vn->keys, lockdep_is_held(&vn->lock));
}

static void veer_keys_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct veer_keys, rcu));
	atomic_long_dec(&veer_live_objects);
}

/* Publishes @new (NULL: no keys); the old set is freed after readers. */
static void veer_keys_replace(struct veer_net *vn, struct veer_keys *new)
{
	struct veer_keys *old;

	old = rcu_replace_pointer(vn->keys, new, lockdep_is_held(&vn->lock));
	if (old)
		call_rcu(&old->rcu, veer_keys_free_rcu);
}

void veer_keys_flush(struct veer_net *vn)
{
	veer_keys_replace(vn, NULL);
}

/* The key of epoch @epoch of @ks when it holds it, else NULL. */
static const struct veer_cookie_key *
veer_keys_slot(const struct veer_cookie_keys *ks, u32 epoch)
{
	const struct veer_cookie_key *key;

	key = &ks->slot[epoch % VEER_COOKIE_KEY_SLOTS];
	return key->present && key->epoch == epoch ? key : NULL;
}

/*
 * Names a key without revealing it: the low 32 bits of SipHash-2-4 of the
 * 16 bytes "veer-fingerprint" (two little-endian words) under the key.
 */
static u32 veer_key_fingerprint(const struct veer_cookie_key *key)
{
	return (u32)siphash_2u64(0x6e69662d72656576ULL,	/* "veer-fin" */
				 0x746e697270726567ULL,	/* "gerprint" */
				 &key->k);
}

/*
 * One VEER_ATTR_KEY nest per key held (previous, current, next): epoch
 * and role; the fingerprint too in KEY_GET replies (events go to
 * unprivileged listeners).  Never the secret.
 */
static int veer_fill_keys(struct sk_buff *skb, const void *obj, u32 portid,
			  u32 seq, int flags, u8 cmd)
{
	static const u8 roles[] = {
		VEER_KEY_ROLE_PREVIOUS, VEER_KEY_ROLE_CURRENT,
		VEER_KEY_ROLE_NEXT,
	};
	const struct veer_keys *keys = obj;
	const struct veer_cookie_key *key;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = veer_msg_put(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	for (i = 0; keys && i < ARRAY_SIZE(roles); i++) {
		key = veer_keys_slot(&keys->ks, keys->ks.cur - 1 + i);
		if (!key)
			continue;
		nest = nla_nest_start(skb, VEER_ATTR_KEY);
		if (!nest ||
		    nla_put_u8(skb, VEER_KEY_EPOCH,
			       key->epoch & VEER_KEY_EPOCH_MAX) ||
		    nla_put_u8(skb, VEER_KEY_ROLE, roles[i]) ||
		    (cmd == VEER_CMD_KEY_GET &&
		     nla_put_u32(skb, VEER_KEY_FINGERPRINT,
				 veer_key_fingerprint(key))))
			goto cancel;
		nla_nest_end(skb, nest);
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int veer_key_get(struct veer_net *vn, struct genl_info *info)
{
	return veer_reply(info, veer_fill_keys, veer_keys_locked(vn),
			  VEER_CMD_KEY_GET);
}

/* What a KEY_SET asks for, checked against the keys held (@old). */
static int veer_key_set_check(struct nlattr *nest, struct nlattr **tb,
			      u8 action, const struct veer_keys *old,
			      struct netlink_ext_ack *extack)
{
	bool install = action == VEER_KEY_ACT_SET ||
		       action == VEER_KEY_ACT_NEXT;
	u8 epoch;

	if (!install) {
		if (tb[VEER_KEY_EPOCH] || tb[VEER_KEY_SECRET]) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[VEER_KEY_EPOCH] ?: tb[VEER_KEY_SECRET],
					    "rotate and flush take no epoch or secret");
			return -EINVAL;
		}
		if (action == VEER_KEY_ACT_ROTATE &&
		    (!old || !veer_keys_slot(&old->ks, old->ks.cur + 1))) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "no next key to rotate to: announce one first (next)");
			return -ENOENT;
		}
		return 0;
	}
	if (!tb[VEER_KEY_EPOCH]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "key epoch missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_KEY_EPOCH);
		return -EINVAL;
	}
	if (!tb[VEER_KEY_SECRET]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "key secret missing");
		NL_SET_ERR_ATTR_MISS(extack, nest, VEER_KEY_SECRET);
		return -EINVAL;
	}
	if (action != VEER_KEY_ACT_NEXT)
		return 0;
	if (!old) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "no current key: set one before announcing the next");
		return -ENOENT;
	}
	epoch = nla_get_u8(tb[VEER_KEY_EPOCH]);
	if (epoch != ((old->ks.cur + 1) & VEER_KEY_EPOCH_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VEER_KEY_EPOCH],
				    "epoch clash: the next key's epoch must be the current one plus 1 (mod 4)");
		return -EINVAL;
	}
	return 0;
}

static int veer_key_set(struct veer_net *vn, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[VEER_ATTR_KEY];
	struct nlattr *tb[VEER_KEY_MAX + 1];
	struct veer_keys *old, *new = NULL;
	u8 action = VEER_KEY_ACT_SET;
	const u8 *raw;
	int err;

	err = veer_parse_nest(info->attrs, VEER_ATTR_KEY, tb, VEER_KEY_MAX,
			      veer_key_policy, extack, "key missing");
	if (err)
		return err;
	if (tb[VEER_KEY_ACTION])
		action = nla_get_u8(tb[VEER_KEY_ACTION]);
	old = veer_keys_locked(vn);
	err = veer_key_set_check(nest, tb, action, old, extack);
	if (err)
		return err;

	if (action != VEER_KEY_ACT_FLUSH) {
		/* Heap to heap: the secret is never copied to the stack. */
		new = kmalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		raw = tb[VEER_KEY_SECRET] ? nla_data(tb[VEER_KEY_SECRET]) : NULL;
		if (action == VEER_KEY_ACT_SET)
			veer_cookie_keys_init(&new->ks,
					      nla_get_u8(tb[VEER_KEY_EPOCH]),
					      raw);
		else
			new->ks = old->ks;
		if (action == VEER_KEY_ACT_NEXT)
			err = veer_cookie_keys_add_next(&new->ks,
							new->ks.cur + 1, raw);
		else if (action == VEER_KEY_ACT_ROTATE)
			err = veer_cookie_keys_promote(&new->ks);
		/* Checked above: cannot fail. */
		if (WARN_ON_ONCE(err)) {
			kfree_sensitive(new);
			return err;
		}
		atomic_long_inc(&veer_live_objects);
	}
	veer_keys_replace(vn, new);
	veer_changed(vn);
	veer_event(vn, veer_fill_keys, new, VEER_CMD_KEY_SET);
	return 0;
}

/* ---- dispatch ---- */

typedef int (*veer_handler)(struct veer_net *vn, struct genl_info *info);

static const veer_handler veer_handlers[__VEER_CMD_MAX] = {
	[VEER_CMD_SERVICE_NEW]	= veer_service_new,
	[VEER_CMD_SERVICE_DEL]	= veer_service_del,
	[VEER_CMD_SERVICE_SET]	= veer_service_set,
	[VEER_CMD_SERVICE_GET]	= veer_service_get,
	[VEER_CMD_HOST_NEW]	= veer_host_new,
	[VEER_CMD_HOST_DEL]	= veer_host_del,
	[VEER_CMD_HOST_SET]	= veer_host_set,
	[VEER_CMD_HOST_GET]	= veer_host_get,
	[VEER_CMD_PEER_NEW]	= veer_peer_new,
	[VEER_CMD_PEER_DEL]	= veer_peer_del,
	[VEER_CMD_PEER_SET]	= veer_peer_set,
	[VEER_CMD_PEER_GET]	= veer_peer_get,
	[VEER_CMD_CONFIG_SET]	= veer_config_set,
	[VEER_CMD_CONFIG_GET]	= veer_config_get,
	[VEER_CMD_STATS_GET]	= veer_stats_get,
	[VEER_CMD_FLOW_GET]	= veer_flow_get,
	[VEER_CMD_FLOW_SET]	= veer_flow_set,
	[VEER_CMD_AGG_GET]	= veer_agg_get,
	[VEER_CMD_AGG_SET]	= veer_agg_set,
	[VEER_CMD_KEY_SET]	= veer_key_set,
	[VEER_CMD_KEY_GET]	= veer_key_get,
};

static int veer_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct veer_net *vn = veer_pernet(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	int err;

	veer_count(vn, VEER_STAT_NL_REQUESTS);
	mutex_lock(&vn->lock);
	err = veer_handlers[cmd](vn, info);
	mutex_unlock(&vn->lock);
	if (err)
		veer_count(vn, VEER_STAT_NL_REJECTS);
	return err;
}

/* ---- dumps ---- */

/* Called under vn->lock at the start of each part of a dump. */
static void veer_dump_begin(struct veer_net *vn, struct netlink_callback *cb)
{
	/* args[4]: set once the dump has been counted as a request. */
	if (!cb->args[4]) {
		veer_count(vn, VEER_STAT_NL_REQUESTS);
		cb->args[4] = 1;
	}
	cb->seq = vn->gen;
}

static int veer_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 veer_fill_fn fill, const void *obj, u8 cmd)
{
	unsigned int off = skb->len;
	int err;

	err = fill(skb, obj, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
		   NLM_F_MULTI, cmd);
	if (!err)
		nl_dump_check_consistent(cb, (struct nlmsghdr *)(skb->data + off));
	return err;
}

static int veer_nl_service_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct veer_net *vn = veer_pernet(sock_net(skb->sk));
	struct veer_service *svc;
	long idx = 0, start = cb->args[0];

	mutex_lock(&vn->lock);
	veer_dump_begin(vn, cb);
	list_for_each_entry(svc, &vn->services, list) {
		if (idx >= start &&
		    veer_dump_one(skb, cb, veer_fill_service, svc,
				  VEER_CMD_SERVICE_GET))
			break;
		idx++;
	}
	mutex_unlock(&vn->lock);
	cb->args[0] = idx;
	return skb->len;
}

static int veer_nl_host_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct veer_net *vn = veer_pernet(sock_net(skb->sk));
	struct nlattr *attrs[VEER_ATTR_MAX + 1];
	struct veer_service *only = NULL, *svc;
	long s_idx = 0, h_idx, s_start = cb->args[0], h_start = cb->args[1];
	struct veer_host *h;
	int err = 0;

	/*
	 * The core validated the request already; parse it again here rather
	 * than use the core's copy, whose home moved between kernel versions.
	 */
	err = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, VEER_ATTR_MAX,
			  veer_host_req_policy, cb->extack);
	if (err)
		return err;

	mutex_lock(&vn->lock);
	veer_dump_begin(vn, cb);
	if (attrs[VEER_ATTR_SERVICE]) {
		struct nlattr *stb[VEER_SVC_MAX + 1];

		err = nla_parse_nested(stb, VEER_SVC_MAX,
				       attrs[VEER_ATTR_SERVICE],
				       veer_svc_ref_policy, cb->extack);
		if (!err) {
			only = veer_svc_lookup(vn, attrs[VEER_ATTR_SERVICE],
					       stb, cb->extack);
			if (IS_ERR(only))
				err = PTR_ERR(only);
		}
		if (err) {
			veer_count(vn, VEER_STAT_NL_REJECTS);
			goto out;
		}
	}
	list_for_each_entry(svc, &vn->services, list) {
		if ((only && svc != only) || s_idx < s_start) {
			s_idx++;
			continue;
		}
		h_idx = 0;
		list_for_each_entry(h, &svc->hosts, list) {
			if (h_idx >= h_start &&
			    veer_dump_one(skb, cb, veer_fill_host, h,
					  VEER_CMD_HOST_GET))
				goto done;
			h_idx++;
		}
		h_start = 0;
		s_idx++;
	}
	h_idx = 0;
done:
	cb->args[0] = s_idx;
	cb->args[1] = h_idx;
	err = skb->len;
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int veer_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct veer_net *vn = veer_pernet(sock_net(skb->sk));
	struct veer_peer *p;
	long idx = 0, start = cb->args[0];

	mutex_lock(&vn->lock);
	veer_dump_begin(vn, cb);
	list_for_each_entry(p, &vn->peers, list) {
		if (idx >= start &&
		    veer_dump_one(skb, cb, veer_fill_peer, p, VEER_CMD_PEER_GET))
			break;
		idx++;
	}
	mutex_unlock(&vn->lock);
	cb->args[0] = idx;
	return skb->len;
}

/* ---- the family ---- */

#define VEER_OP(_cmd, _policy, _flags) {				\
	.cmd = (_cmd),							\
	.doit = veer_nl_doit,						\
	.policy = (_policy),						\
	.maxattr = VEER_ATTR_MAX,					\
	.flags = (_flags),						\
}

/* No policy: the core rejects every attribute. */
#define VEER_OP_NOATTR(_cmd) {						\
	.cmd = (_cmd),							\
	.doit = veer_nl_doit,						\
}

#define VEER_OP_DUMP(_cmd, _policy, _dump) {				\
	.cmd = (_cmd),							\
	.doit = veer_nl_doit,						\
	.dumpit = (_dump),						\
	.policy = (_policy),						\
	.maxattr = VEER_ATTR_MAX,					\
}

#define VEER_ADMIN GENL_UNS_ADMIN_PERM

static const struct genl_ops veer_ops[] = {
	VEER_OP(VEER_CMD_SERVICE_NEW, veer_svc_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_SERVICE_DEL, veer_svc_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_SERVICE_SET, veer_svc_req_policy, VEER_ADMIN),
	VEER_OP_DUMP(VEER_CMD_SERVICE_GET, veer_svc_req_policy,
		     veer_nl_service_dump),
	VEER_OP(VEER_CMD_HOST_NEW, veer_host_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_HOST_DEL, veer_host_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_HOST_SET, veer_host_req_policy, VEER_ADMIN),
	VEER_OP_DUMP(VEER_CMD_HOST_GET, veer_host_req_policy,
		     veer_nl_host_dump),
	VEER_OP(VEER_CMD_PEER_NEW, veer_peer_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_PEER_DEL, veer_peer_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_PEER_SET, veer_peer_req_policy, VEER_ADMIN),
	VEER_OP_DUMP(VEER_CMD_PEER_GET, veer_peer_req_policy,
		     veer_nl_peer_dump),
	VEER_OP(VEER_CMD_CONFIG_SET, veer_cfg_req_policy, VEER_ADMIN),
	VEER_OP_NOATTR(VEER_CMD_CONFIG_GET),
	VEER_OP_NOATTR(VEER_CMD_STATS_GET),
	{
		/* Flows name clients: privileged, dump included. */
		.cmd = VEER_CMD_FLOW_GET,
		.doit = veer_nl_doit,
		.start = veer_nl_flow_dump_start,
		.dumpit = veer_nl_flow_dump,
		.done = veer_nl_flow_dump_done,
		.policy = veer_flow_req_policy,
		.maxattr = VEER_ATTR_MAX,
		.flags = VEER_ADMIN,
	},
	VEER_OP(VEER_CMD_FLOW_SET, veer_flow_req_policy, VEER_ADMIN),
	{
		.cmd = VEER_CMD_AGG_GET,
		.doit = veer_nl_doit,
		.dumpit = veer_nl_agg_dump,
		.policy = veer_agg_req_policy,
		.maxattr = VEER_ATTR_MAX,
		.flags = VEER_ADMIN,
	},
	VEER_OP(VEER_CMD_AGG_SET, veer_agg_req_policy, VEER_ADMIN),
	VEER_OP(VEER_CMD_KEY_SET, veer_key_req_policy, VEER_ADMIN),
	{
		/* Metadata only, but of the cluster's secret: admin. */
		.cmd = VEER_CMD_KEY_GET,
		.doit = veer_nl_doit,
		.flags = VEER_ADMIN,
	},
};

static struct genl_family veer_family __ro_after_init = {
	.name		= VEER_GENL_NAME,
	.version	= VEER_GENL_VERSION,
	.maxattr	= VEER_ATTR_MAX,
	.netnsok	= true,
	/* veer_net->lock serialises each namespace; no need for genl_mutex. */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= veer_ops,
	.n_ops		= ARRAY_SIZE(veer_ops),
	.mcgrps		= veer_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(veer_mcgrps),
};

int __init veer_netlink_init(void)
{
	return genl_register_family(&veer_family);
}

void veer_netlink_exit(void)
{
	genl_unregister_family(&veer_family);
}
