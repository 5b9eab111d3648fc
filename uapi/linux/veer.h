/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * veer: predictive connection offload for Linux routers.
 *
 * This is the only header shared between the kernel module (veer.ko) and
 * userspace (libveer, the veer CLI, veerd).  It defines the generic netlink
 * family "veer": its commands, attributes, enums and flags.
 *
 * Model
 * -----
 * All objects live in a network namespace; every request acts on the
 * namespace of the socket that sent it.
 *
 *   service  a virtual address (or prefix), protocol and port that veer
 *            handles.  Identified by its name (VEER_SVC_NAME, unique per
 *            namespace); its endpoint (family, address, prefix, protocol,
 *            port) is unique too.  The kernel assigns a numeric id.
 *   host     a destination host of one service, identified by the service
 *            name plus (address, port).
 *   peer     another router of the cluster, identified by its address.
 *   config   the namespace's global knobs (one object, always present).
 *   stats    the namespace's counters (read only).
 *   key      the SYN cookie keys (KEY_SET / KEY_GET only; see below).
 *
 * Commands
 * --------
 * Every object has NEW / DEL / SET / GET.  Requests carry one nest per
 * object (VEER_ATTR_SERVICE, VEER_ATTR_HOST, ...).  NEW, DEL and SET need
 * CAP_NET_ADMIN in the namespace's user namespace, and so do FLOW_GET and
 * AGG_GET (flows name clients), KEY_GET and joining the "flows" group.
 * GET with NLM_F_DUMP dumps every object (hosts: of one service when
 * VEER_ATTR_SERVICE names one, else of all services); dumps are
 * consistency-checked (NLM_F_DUMP_INTR is set when the objects changed
 * during the dump).
 *
 * NEW fails with EEXIST when the object exists, DEL and SET with ENOENT when
 * it does not.  Every rejection carries an extack message.  Unknown
 * attributes and unknown flag bits are rejected (strict validation).
 *
 * Events
 * ------
 * Every successful NEW, DEL and SET is announced on the multicast group
 * VEER_MCGRP_EVENTS as a message with the same command and the object's full
 * attributes (DEL: the object as it was).
 *
 * Addresses
 * ---------
 * An address is given either as *_ADDR4 (4 bytes, network order) or as
 * *_ADDR6 (16 bytes), never both.  Ports are 16-bit big-endian.
 */
#ifndef _UAPI_LINUX_VEER_H
#define _UAPI_LINUX_VEER_H

#include <linux/types.h>

#define VEER_GENL_NAME		"veer"
#define VEER_GENL_VERSION	1
#define VEER_MCGRP_EVENTS	"events"	/* object changes */
#define VEER_MCGRP_FLOWS	"flows"		/* flow events, rate-limited */

/* Limits, checked by the kernel's attribute policies. */
#define VEER_NAME_LEN		32	/* including the NUL */
#define VEER_WEIGHT_MAX		65535
#define VEER_SHIFT_PCT_MAX	50	/* share of new flows shifted to shadows */
#define VEER_TABLE_SIZE_MIN	7	/* Maglev table sizes (a prime) */
#define VEER_TABLE_SIZE_MAX	65537
#define VEER_DEFAULT_TABLE_SIZE	251
#define VEER_DEFAULT_GUE_PORT	6080
#define VEER_SERVICES_MAX	1024	/* per namespace */
#define VEER_HOSTS_MAX		256	/* per service */
#define VEER_PEERS_MAX		64	/* per namespace */
#define VEER_KEY_LEN		16	/* bytes of a cookie key's secret */
#define VEER_KEY_EPOCH_MAX	3	/* epochs are 0..3, the 2 bits of a cookie */

enum veer_cmd {
	VEER_CMD_UNSPEC,
	VEER_CMD_SERVICE_NEW,
	VEER_CMD_SERVICE_DEL,
	VEER_CMD_SERVICE_SET,
	VEER_CMD_SERVICE_GET,
	VEER_CMD_HOST_NEW,
	VEER_CMD_HOST_DEL,
	VEER_CMD_HOST_SET,
	VEER_CMD_HOST_GET,
	VEER_CMD_PEER_NEW,
	VEER_CMD_PEER_DEL,
	VEER_CMD_PEER_SET,
	VEER_CMD_PEER_GET,
	VEER_CMD_CONFIG_SET,
	VEER_CMD_CONFIG_GET,
	VEER_CMD_STATS_GET,
	VEER_CMD_FLOW_GET,	/* one flow by tuple, or dump (filters) */
	VEER_CMD_FLOW_SET,	/* set a flow's lease (admin) */
	VEER_CMD_AGG_GET,	/* one aggregate by level and key, or dump */
	VEER_CMD_AGG_SET,	/* set an aggregate's lease (admin) */
	VEER_CMD_FLOW_EVENT,	/* notification only: VEER_ATTR_EVENT + flow */
	VEER_CMD_KEY_SET,	/* install, rotate or flush cookie keys (admin) */
	VEER_CMD_KEY_GET,	/* the keys' epochs, roles, fingerprints (admin) */

	__VEER_CMD_MAX,
	VEER_CMD_MAX = __VEER_CMD_MAX - 1
};

/* Top-level attributes: one nest per object kind. */
enum veer_attr {
	VEER_ATTR_UNSPEC,
	VEER_ATTR_SERVICE,	/* nest, enum veer_svc_attr */
	VEER_ATTR_HOST,		/* nest, enum veer_host_attr */
	VEER_ATTR_PEER,		/* nest, enum veer_peer_attr */
	VEER_ATTR_CONFIG,	/* nest, enum veer_cfg_attr */
	VEER_ATTR_STATS,	/* nest, enum veer_stat (u64 each) */
	VEER_ATTR_PAD,
	VEER_ATTR_FLOW,		/* nest, enum veer_flow_attr */
	VEER_ATTR_AGG,		/* nest, enum veer_agg_attr */
	VEER_ATTR_EVENT,	/* u8, enum veer_flow_event */
	VEER_ATTR_KEY,		/* nest, enum veer_key_attr (multi in replies) */

	__VEER_ATTR_MAX,
	VEER_ATTR_MAX = __VEER_ATTR_MAX - 1
};

/* How new connections of a service are answered. */
enum veer_cookie_mode {
	VEER_COOKIE_OFF,	/* never: the SYN goes through untouched */
	VEER_COOKIE_PRESSURE,	/* when the SYN rate or veerd says so */
	VEER_COOKIE_ALWAYS,	/* the router answers every SYN itself */

	__VEER_COOKIE_MAX,
	VEER_COOKIE_MAX = __VEER_COOKIE_MAX - 1
};

enum veer_sched {
	VEER_SCHED_MAGLEV,	/* consistent hashing, weighted */
	VEER_SCHED_WRR,		/* weighted round robin */

	__VEER_SCHED_MAX,
	VEER_SCHED_MAX = __VEER_SCHED_MAX - 1
};

/* Service flags (VEER_SVC_FLAGS). */
#define VEER_SVC_F_TRACK_ONLY	(1U << 0) /* profile flows, never offload */
#define VEER_SVC_F_PERSIST	(1U << 1) /* keep a client on one host */
#define VEER_SVC_F_ALL		(VEER_SVC_F_TRACK_ONLY | VEER_SVC_F_PERSIST)

enum veer_svc_attr {
	VEER_SVC_UNSPEC,
	VEER_SVC_NAME,		/* string, < VEER_NAME_LEN: the key */
	VEER_SVC_ID,		/* u32, assigned by the kernel (read only) */
	VEER_SVC_ADDR4,		/* be32 */
	VEER_SVC_ADDR6,		/* 16 bytes */
	VEER_SVC_PREFIX_LEN,	/* u8, default: the full address */
	VEER_SVC_PROTO,		/* u8: IPPROTO_TCP or IPPROTO_UDP */
	VEER_SVC_PORT,		/* be16, 0: every port */
	VEER_SVC_FLAGS,		/* u32, VEER_SVC_F_* */
	VEER_SVC_SCHED,		/* u8, enum veer_sched */
	VEER_SVC_TABLE_SIZE,	/* u32, prime in [VEER_TABLE_SIZE_MIN, _MAX] */
	VEER_SVC_COOKIE_MODE,	/* u8, enum veer_cookie_mode */
	VEER_SVC_SYN_THRESH,	/* u32, SYNs/s that turn cookies on (pressure) */
	VEER_SVC_CONN_THRESH,	/* u32, active connections threshold, 0: none */
	VEER_SVC_LATENCY_THRESH, /* u32, microseconds, 0: none */
	VEER_SVC_SHIFT_PCT,	/* u8, share of new flows sent to shadows */
	VEER_SVC_HOSTS,		/* u32, number of hosts (read only) */
	VEER_SVC_STATS,		/* nest, enum veer_svc_stat (read only) */
	VEER_SVC_PAD,

	__VEER_SVC_MAX,
	VEER_SVC_MAX = __VEER_SVC_MAX - 1
};

enum veer_svc_stat {
	VEER_SVC_STAT_UNSPEC,
	VEER_SVC_STAT_PACKETS,	/* u64 */
	VEER_SVC_STAT_BYTES,	/* u64 */
	VEER_SVC_STAT_CONNS,	/* u64, new connections seen */
	VEER_SVC_STAT_PAD,
	/* Extended SYN cookies, as the kernel's synproxy counts them. */
	VEER_SVC_STAT_SYN_RECEIVED,	/* u64, SYNs seen */
	VEER_SVC_STAT_COOKIE_SENT,	/* u64, SYN-ACKs with a cookie */
	VEER_SVC_STAT_SYN_PASSED,	/* u64, SYNs let through (cookies off) */
	VEER_SVC_STAT_COOKIE_VALID,	/* u64, ACKs with a valid cookie */
	VEER_SVC_STAT_COOKIE_INVALID,	/* u64, ACKs with a bad cookie: dropped */
	VEER_SVC_STAT_COOKIE_RETRANS,	/* u64, ACKs repeated during handoff */
	VEER_SVC_STAT_CONN_REOPENED,	/* u64, tuples reused from a closed ct */

	__VEER_SVC_STAT_MAX,
	VEER_SVC_STAT_MAX = __VEER_SVC_STAT_MAX - 1
};

enum veer_host_state {
	VEER_HOST_UP,		/* takes new connections */
	VEER_HOST_DRAIN,	/* keeps its connections, takes no new ones */
	VEER_HOST_DOWN,		/* takes nothing */

	__VEER_HOST_STATE_MAX,
	VEER_HOST_STATE_MAX = __VEER_HOST_STATE_MAX - 1
};

/*
 * Why a connection is offloaded: carried in the TSval of an extended SYN
 * cookie (Documentation/cookies.md, 3 bits), and by offload requests and
 * flow dumps.  veerd's reasons map onto the first four.
 */
/*
 * Where the sequence and timestamp translation of a connection taken over
 * after a SYN cookie runs (the client saw the router's ISN, not the
 * server's).
 */
enum veer_xlate {
	VEER_XLATE_NONE,	/* not taken over: nothing to translate */
	VEER_XLATE_ROUTER,	/* this router (nf_ct_seqadj), on the path */
	VEER_XLATE_DESTINATION,	/* the destination host (handed off) */

	__VEER_XLATE_MAX,
	VEER_XLATE_MAX = __VEER_XLATE_MAX - 1
};

enum veer_offload_reason {
	VEER_OFFLOAD_NONE,		/* not offloaded */
	VEER_OFFLOAD_PROACTIVE,		/* veerd: its latency is at risk */
	VEER_OFFLOAD_CONGESTION,	/* veerd: its host will be overloaded */
	VEER_OFFLOAD_ATTACK,		/* a SYN flood or a surge like one */
	VEER_OFFLOAD_OPERATOR,		/* asked for by an operator */

	__VEER_OFFLOAD_MAX,
	VEER_OFFLOAD_MAX = __VEER_OFFLOAD_MAX - 1
};

enum veer_encap {
	VEER_ENCAP_NONE,	/* routed: the host owns the service address */
	VEER_ENCAP_GUE,		/* GUE over UDP, decapsulated by fou + ipip */

	__VEER_ENCAP_MAX,
	VEER_ENCAP_MAX = __VEER_ENCAP_MAX - 1
};

enum veer_host_attr {
	VEER_HOST_UNSPEC,
	VEER_HOST_ADDR4,	/* be32 */
	VEER_HOST_ADDR6,	/* 16 bytes */
	VEER_HOST_PORT,		/* be16, 0: the service's port */
	VEER_HOST_WEIGHT,	/* u32, 0..VEER_WEIGHT_MAX, default 1 */
	VEER_HOST_STATE,	/* u8, enum veer_host_state, default UP */
	VEER_HOST_ENCAP,	/* u8, enum veer_encap, default NONE */
	VEER_HOST_ENCAP_PORT,	/* be16, GUE destination port, default 6080 */
	VEER_HOST_STATS,	/* nest, enum veer_svc_stat (read only) */
	VEER_HOST_PAD,

	__VEER_HOST_MAX,
	VEER_HOST_MAX = __VEER_HOST_MAX - 1
};

enum veer_peer_role {
	VEER_PEER_SHADOW,	/* receives replicated state, takes shifted flows */
	VEER_PEER_MEMBER,	/* another router of the cluster */

	__VEER_PEER_ROLE_MAX,
	VEER_PEER_ROLE_MAX = __VEER_PEER_ROLE_MAX - 1
};

enum veer_peer_attr {
	VEER_PEER_UNSPEC,
	VEER_PEER_ADDR4,	/* be32 */
	VEER_PEER_ADDR6,	/* 16 bytes */
	VEER_PEER_ROLE,		/* u8, enum veer_peer_role, default SHADOW */
	VEER_PEER_PORT,		/* be16, control port, default 6080 */
	VEER_PEER_WEIGHT,	/* u32, share among shadows, default 1 */

	__VEER_PEER_MAX,
	VEER_PEER_MAX = __VEER_PEER_MAX - 1
};

enum veer_cfg_attr {
	VEER_CFG_UNSPEC,
	VEER_CFG_FLOW_MAX,	/* u32, flow records in this namespace */
	VEER_CFG_TRACK_ALL,	/* u8 0/1: also track forwarded non-service flows */
	VEER_CFG_GUE_PORT,	/* be16, UDP port of data and control (6080) */
	VEER_CFG_EVENT_RATE,	/* u32, events per second on the group */
	VEER_CFG_NODE_ID,	/* u32, this router's id in the cluster */
	/*
	 * Granularity: a new connection moves up a level while the aggregate
	 * of the level above shows low bandwidth per connection, long
	 * connections and a low request rate (all three).
	 */
	VEER_CFG_GRAN_MAX_LEVEL, /* u8, 0..3; 0: every flow tracked alone */
	VEER_CFG_GRAN_BW,	/* u32, bytes/s per connection below which */
	VEER_CFG_GRAN_DURATION,	/* u32, ms: connections lasting longer */
	VEER_CFG_GRAN_FREQ,	/* u32, new connections per minute below which */
	VEER_CFG_SUBNET_PREFIX4, /* u8, level 3 key: client IPv4 prefix */
	VEER_CFG_SUBNET_PREFIX6, /* u8, level 3 key: client IPv6 prefix */
	VEER_CFG_APP_PORT_SPAN,	/* u16, level 2 key: destination port / span */
	VEER_CFG_APP_MARK_MASK,	/* u32, level 2 key: ct mark & mask when != 0 */
	VEER_CFG_FLOW_RATE_THRESH, /* u32, bytes/s: THRESH event, 0: none */
	VEER_CFG_AGG_MAX,	/* u32, aggregates in this namespace */

	__VEER_CFG_MAX,
	VEER_CFG_MAX = __VEER_CFG_MAX - 1
};

/*
 * Namespace counters (VEER_ATTR_STATS nest, each a u64 with the attribute
 * type equal to the counter's index; /proc/net/veer/stats prints the same
 * set, by the names in comments).
 */
enum veer_stat {
	VEER_STAT_UNSPEC,
	VEER_STAT_PACKETS,	/* packets: seen by the hooks */
	VEER_STAT_BYTES,	/* bytes: seen by the hooks */
	VEER_STAT_SVC_PACKETS,	/* svc_packets: matched a service */
	VEER_STAT_SVC_CONNS,	/* svc_conns: new connections to a service */
	VEER_STAT_NO_CT,	/* no_conntrack: packets without a ct entry */
	VEER_STAT_BAD_HDR,	/* bad_header: truncated or malformed */
	VEER_STAT_NL_REQUESTS,	/* nl_requests: netlink requests handled */
	VEER_STAT_NL_REJECTS,	/* nl_rejects: netlink requests refused */
	VEER_STAT_EVENTS,	/* events: event messages sent */
	VEER_STAT_EVENTS_DROPPED, /* events_dropped: lost (rate, memory) */
	VEER_STAT_SERVICES,	/* services: current number (gauge) */
	VEER_STAT_HOSTS,	/* hosts: current number (gauge) */
	VEER_STAT_PEERS,	/* peers: current number (gauge) */
	VEER_STAT_HOOKS,	/* hooks: 1 when the hooks are registered */
	VEER_STAT_PAD,
	VEER_STAT_FLOWS,	/* flows: records now (gauge) */
	VEER_STAT_FLOWS_NEW,	/* flows_new: records created */
	VEER_STAT_FLOWS_REAPED,	/* flows_reaped: conntrack forgot them */
	VEER_STAT_FLOWS_EVICTED, /* flows_evicted: dropped at the bound */
	VEER_STAT_FLOWS_NOMEM,	/* flows_nomem: allocation failed */
	VEER_STAT_FLOWS_RECYCLED, /* flows_recycled: tuple reused by new ct */
	VEER_STAT_AGGS,		/* aggregates: now (gauge) */
	VEER_STAT_AGGS_EVICTED,	/* aggregates_evicted */
	VEER_STAT_LEVEL0,	/* level0: flows tracked alone (gauge) */
	VEER_STAT_LEVEL1,	/* level1: flows in session aggregates */
	VEER_STAT_LEVEL2,	/* level2: flows in application aggregates */
	VEER_STAT_LEVEL3,	/* level3: flows in subnet aggregates */
	VEER_STAT_LEASES_EXPIRED, /* leases_expired */
	VEER_STAT_EVENTS_SUPPRESSED, /* events_suppressed: over event_rate */
	VEER_STAT_ZERO_WINDOW,	/* zero_window: segments advertising 0 */
	VEER_STAT_OUT_OF_WINDOW, /* out_of_window: beyond the peer's window */
	VEER_STAT_IPV6_EXTHDR,	/* ipv6_exthdr: packets with extension hdrs */
	VEER_STAT_COOKIE_NO_KEY, /* cookie_no_key: SYNs passed on, no key */
	VEER_STAT_COOKIE_STALE,	/* cookie_stale: ACKs of expired cookies */
	VEER_STAT_COOKIE_BAD_MAC, /* cookie_bad_mac: ACKs failing the MAC */
	VEER_STAT_COOKIE_NO_EPOCH, /* cookie_no_epoch: key epoch not held */
	VEER_STAT_COOKIE_TX_FAIL, /* cookie_tx_fail: SYN-ACK/SYN not sent */
	VEER_STAT_COOKIE_WSCALE, /* cookie_wscale_mismatch: server's differs */

	__VEER_STAT_MAX,
	VEER_STAT_MAX = __VEER_STAT_MAX - 1
};

/* Flow records: granularity levels. */
enum veer_level {
	VEER_LEVEL_FLOW,	/* 0: per connection, full profile */
	VEER_LEVEL_SESSION,	/* 1: client address + service */
	VEER_LEVEL_APP,		/* 2: client address + application */
	VEER_LEVEL_SUBNET,	/* 3: client prefix */

	__VEER_LEVEL_MAX,
	VEER_LEVEL_MAX = __VEER_LEVEL_MAX - 1
};

enum veer_flow_event {
	VEER_EVENT_FLOW_NEW,	/* a connection's first packet */
	VEER_EVENT_FLOW_END,	/* conntrack forgot it, or it was evicted */
	VEER_EVENT_FLOW_LEVEL,	/* its level changed */
	VEER_EVENT_FLOW_THRESH,	/* its rate crossed flow-rate-thresh upward */

	__VEER_EVENT_MAX,
	VEER_EVENT_MAX = __VEER_EVENT_MAX - 1
};

/* TCP options seen in the handshake (VEER_FDIR_OPTS). */
#define VEER_OPT_SACK		(1U << 0)
#define VEER_OPT_TS		(1U << 1)
#define VEER_OPT_WSCALE		(1U << 2)

/*
 * A flow is named by its original-direction tuple (what the client sent)
 * and conntrack zone.  FLOW_GET without NLM_F_DUMP needs the full tuple;
 * a dump may filter by service id, level and either address.
 */
enum veer_flow_attr {
	VEER_FLOW_UNSPEC,
	VEER_FLOW_SADDR4,	/* be32, client */
	VEER_FLOW_SADDR6,
	VEER_FLOW_DADDR4,	/* be32, destination as the client sent it */
	VEER_FLOW_DADDR6,
	VEER_FLOW_SPORT,	/* be16 */
	VEER_FLOW_DPORT,	/* be16 */
	VEER_FLOW_PROTO,	/* u8 */
	VEER_FLOW_ZONE,		/* u16, conntrack zone id */
	VEER_FLOW_CT_ID,	/* u32, nf_ct_get_id() of the entry */
	VEER_FLOW_SVC_ID,	/* u32, the service (0: tracked, no service) */
	VEER_FLOW_LEVEL,	/* u8, enum veer_level */
	VEER_FLOW_TCP_STATE,	/* u8, enum tcp_conntrack */
	VEER_FLOW_AGE_MS,	/* u64, since the first packet */
	VEER_FLOW_IDLE_MS,	/* u64, since the last packet */
	VEER_FLOW_ORIG,		/* nest, enum veer_fdir_attr: client to server */
	VEER_FLOW_REPLY,	/* nest, enum veer_fdir_attr: server to client */
	VEER_FLOW_RATE,		/* u64, bytes/s, EWMA over both directions */
	VEER_FLOW_PEAK_RATE,	/* u64, bytes/s */
	VEER_FLOW_RTT_SYN,	/* u32, us: SYN to the client's ACK */
	VEER_FLOW_RTT,		/* u32, us: smoothed, from timestamp echoes */
	VEER_FLOW_LEASE,	/* nest, enum veer_lease_attr */
	VEER_FLOW_PAD,
	/* Dump filters only. */
	VEER_FLOW_ADDR4,	/* be32: either address equals it */
	VEER_FLOW_ADDR6,
	/* Connections taken over after a SYN cookie (read only). */
	VEER_FLOW_OFFLOAD_REASON, /* u8, enum veer_offload_reason */
	VEER_FLOW_AFFINITY,	/* u32, the cookie's Maglev table entry */
	VEER_FLOW_XLATE,	/* u8, enum veer_xlate */

	__VEER_FLOW_MAX,
	VEER_FLOW_MAX = __VEER_FLOW_MAX - 1
};

/* One direction of a flow. */
enum veer_fdir_attr {
	VEER_FDIR_UNSPEC,
	VEER_FDIR_PACKETS,	/* u64 */
	VEER_FDIR_BYTES,	/* u64, IP length as conntrack counts it */
	VEER_FDIR_SEQ,		/* u32, last sequence number sent */
	VEER_FDIR_ACK,		/* u32, last acknowledgment sent */
	VEER_FDIR_WIN,		/* u32, last advertised window, unscaled */
	VEER_FDIR_WSCALE,	/* u8, window scale shift from the handshake */
	VEER_FDIR_MSS,		/* u16, from the handshake (0: none) */
	VEER_FDIR_OPTS,		/* u8, VEER_OPT_* */
	VEER_FDIR_TSVAL,	/* u32, last timestamp value sent */
	VEER_FDIR_PAD,

	__VEER_FDIR_MAX,
	VEER_FDIR_MAX = __VEER_FDIR_MAX - 1
};

/* A lease: what veerd predicts for a flow or an aggregate, until expiry. */
enum veer_lease_attr {
	VEER_LEASE_UNSPEC,
	VEER_LEASE_TTL_MS,	/* u32, until expiry (set: from now) */
	VEER_LEASE_REMAINING_MS, /* u32, predicted remaining duration */
	VEER_LEASE_CONFIDENCE,	/* u8, percent */
	VEER_LEASE_LEVEL,	/* u8, level to hold while the lease lasts */

	__VEER_LEASE_MAX,
	VEER_LEASE_MAX = __VEER_LEASE_MAX - 1
};

/*
 * Aggregates: the flows of one key at levels 1-3.  The key is the level
 * plus: session: client address and service id; application: client
 * address and an application id (ct mark & app-mark-mask, or destination
 * port / app-port-span); subnet: client prefix.
 */
enum veer_agg_attr {
	VEER_AGG_UNSPEC,
	VEER_AGG_LEVEL,		/* u8, enum veer_level (1..3) */
	VEER_AGG_ADDR4,		/* be32, client address or prefix */
	VEER_AGG_ADDR6,
	VEER_AGG_PREFIX_LEN,	/* u8 */
	VEER_AGG_SVC_ID,	/* u32, session level */
	VEER_AGG_APP_ID,	/* u32, application level */
	VEER_AGG_ACTIVE,	/* u32, connections now */
	VEER_AGG_CONNS,		/* u64, connections ever */
	VEER_AGG_PACKETS,	/* u64 */
	VEER_AGG_BYTES,		/* u64 */
	VEER_AGG_RATE,		/* u64, bytes/s, EWMA */
	VEER_AGG_AVG_DURATION,	/* u32, ms, of finished connections */
	VEER_AGG_FREQ,		/* u32, new connections per minute, EWMA */
	VEER_AGG_IDLE_MS,	/* u64 */
	VEER_AGG_LEASE,		/* nest, enum veer_lease_attr */
	VEER_AGG_PAD,
	VEER_AGG_BY_MARK,	/* u8 0/1: APP_ID is a ct mark, not a port */

	__VEER_AGG_MAX,
	VEER_AGG_MAX = __VEER_AGG_MAX - 1
};

/*
 * SYN cookie keys (Documentation/cookies.md, "Keys").  The key is the
 * cluster's: every router holds the same ones, so a cookie made by one is
 * valid on all.  A namespace holds up to three: the current key (makes and
 * checks cookies), the previous one (checks cookies made before the last
 * rotation) and the next one (announced before a rotation; checks cookies
 * of routers that rotated first).  An epoch is 0..3 (what a cookie carries);
 * the next key's is the current one's plus 1, modulo 4.
 *
 * KEY_SET carries one VEER_ATTR_KEY nest whose VEER_KEY_ACTION says what to
 * do (default VEER_KEY_ACT_SET):
 *
 *   SET     EPOCH and SECRET required: this key becomes the only one, current.
 *           The first install, or a reset: cookies made under the keys it
 *           drops fail.  Never used to rotate.
 *   NEXT    EPOCH and SECRET required: announce the next key.  ENOENT without
 *           a current key; EINVAL (an epoch clash) unless EPOCH is the
 *           current one plus 1 (mod 4).  Replaces a next key announced before.
 *   ROTATE  nothing else: the next key becomes current, the current one
 *           previous, the previous one is forgotten.  ENOENT without a next
 *           key.  Handshakes in flight survive one rotation: rotate no more
 *           often than a cookie lives (two minutes).
 *   FLUSH   nothing else: forget every key (cookies can no longer be made
 *           or checked).
 *
 * The secret is write only: no reply, dump or event ever carries it.
 * KEY_GET (no attributes, CAP_NET_ADMIN like KEY_SET) answers with one
 * VEER_ATTR_KEY nest per key held: EPOCH, ROLE and FINGERPRINT, the low 32
 * bits of SipHash-2-4 of the 16 bytes "veer-fingerprint" under the key (its
 * 16 bytes read as two little-endian words, as for cookies): equal on
 * routers holding the same key, and not the key.  Every successful KEY_SET
 * is announced on the events group as a KEY_SET message with one nest per
 * key held afterwards: EPOCH and ROLE only (no nest after a flush).
 */
enum veer_key_action {
	VEER_KEY_ACT_SET,	/* install as the only, current key */
	VEER_KEY_ACT_NEXT,	/* announce the next key */
	VEER_KEY_ACT_ROTATE,	/* next becomes current, current previous */
	VEER_KEY_ACT_FLUSH,	/* forget every key */

	__VEER_KEY_ACT_MAX,
	VEER_KEY_ACT_MAX = __VEER_KEY_ACT_MAX - 1
};

enum veer_key_role {
	VEER_KEY_ROLE_CURRENT,
	VEER_KEY_ROLE_PREVIOUS,
	VEER_KEY_ROLE_NEXT,

	__VEER_KEY_ROLE_MAX,
	VEER_KEY_ROLE_MAX = __VEER_KEY_ROLE_MAX - 1
};

enum veer_key_attr {
	VEER_KEY_UNSPEC,
	VEER_KEY_EPOCH,		/* u8, 0..VEER_KEY_EPOCH_MAX */
	VEER_KEY_SECRET,	/* binary, VEER_KEY_LEN bytes (write only) */
	VEER_KEY_ACTION,	/* u8, enum veer_key_action (request only) */
	VEER_KEY_ROLE,		/* u8, enum veer_key_role (read only) */
	VEER_KEY_FINGERPRINT,	/* u32, of the key (read only, KEY_GET) */

	__VEER_KEY_MAX,
	VEER_KEY_MAX = __VEER_KEY_MAX - 1
};

#endif /* _UAPI_LINUX_VEER_H */
