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
 *
 * Commands
 * --------
 * Every object has NEW / DEL / SET / GET.  Requests carry one nest per
 * object (VEER_ATTR_SERVICE, VEER_ATTR_HOST, ...).  NEW, DEL and SET need
 * CAP_NET_ADMIN in the namespace's user namespace.  GET with NLM_F_DUMP dumps
 * every object (hosts: of one service when VEER_ATTR_SERVICE names one, else
 * of all services); dumps are consistency-checked (NLM_F_DUMP_INTR is set when
 * the objects changed during the dump).
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
#define VEER_MCGRP_EVENTS	"events"

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

	__VEER_STAT_MAX,
	VEER_STAT_MAX = __VEER_STAT_MAX - 1
};

#endif /* _UAPI_LINUX_VEER_H */
