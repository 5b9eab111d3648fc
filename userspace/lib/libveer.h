/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libveer: the userspace client of the "veer" generic netlink family.
 *
 * One function per operation; plain C structs in and out.  No netlink type
 * appears in this header: the library speaks netlink (libnl-genl-3) inside.
 *
 * Conventions
 * -----------
 * - Every function that can fail returns 0 or a negative errno value.
 * - After a failure, veer_last_error_msg() returns the kernel's extended ack
 *   message for the failed request (or a message of the library's own), or
 *   NULL when there is none.
 * - Ports are in host byte order in every struct; addresses are in network
 *   byte order (struct in_addr / struct in6_addr, as inet_pton() gives them).
 * - Optional fields: each object carries a `present` bitmask (VEER_*_P_*).
 *   On input (add, change, set) only the fields whose bit is set are sent;
 *   "change" therefore changes exactly the fields marked present.  On output
 *   (get, dump, events) a bit is set for every field the kernel reported.
 *   Key fields are always sent: the service name; the host's service name,
 *   address and port; the peer's address.
 * - Attributes received from the kernel are validated against a policy;
 *   attributes this library does not know are ignored, so a newer kernel
 *   works with an older library.
 * - A handle is not thread safe; use one per thread.
 */
#ifndef LIBVEER_H
#define LIBVEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/veer.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBVEER_VERSION "0.1.0"

struct veer_handle;
struct veer_monitor;

union veer_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* Per-object counters (enum veer_svc_stat). */
struct veer_obj_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t conns;
	/* Services only: SYN cookies, VEER_SVC_STAT_SYN_RECEIVED on. */
	int has_cookies;
	uint64_t cookies[VEER_SVC_STAT_MAX - VEER_SVC_STAT_SYN_RECEIVED + 1];
};

/* struct veer_service.present */
#define VEER_SVC_P_NAME		(1ULL << 0)
#define VEER_SVC_P_ID		(1ULL << 1)	/* read only */
#define VEER_SVC_P_ADDR		(1ULL << 2)	/* family + addr */
#define VEER_SVC_P_PREFIX_LEN	(1ULL << 3)
#define VEER_SVC_P_PROTO	(1ULL << 4)
#define VEER_SVC_P_PORT		(1ULL << 5)
#define VEER_SVC_P_FLAGS	(1ULL << 6)
#define VEER_SVC_P_SCHED	(1ULL << 7)
#define VEER_SVC_P_TABLE_SIZE	(1ULL << 8)
#define VEER_SVC_P_COOKIE_MODE	(1ULL << 9)
#define VEER_SVC_P_SYN_THRESH	(1ULL << 10)
#define VEER_SVC_P_CONN_THRESH	(1ULL << 11)
#define VEER_SVC_P_LATENCY_THRESH (1ULL << 12)
#define VEER_SVC_P_SHIFT_PCT	(1ULL << 13)
#define VEER_SVC_P_HOSTS	(1ULL << 14)	/* read only */
#define VEER_SVC_P_STATS	(1ULL << 15)	/* read only */

struct veer_service {
	char name[VEER_NAME_LEN];
	uint32_t id;
	int family;			/* AF_INET or AF_INET6 */
	union veer_addr addr;
	uint8_t prefix_len;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;			/* host order; 0: every port */
	uint32_t flags;			/* VEER_SVC_F_* */
	uint8_t sched;			/* enum veer_sched */
	uint32_t table_size;
	uint8_t cookie_mode;		/* enum veer_cookie_mode */
	uint32_t syn_thresh;
	uint32_t conn_thresh;
	uint32_t latency_thresh;	/* microseconds */
	uint8_t shift_pct;
	uint32_t hosts;
	struct veer_obj_stats stats;
	uint64_t present;		/* VEER_SVC_P_* */
};

/* struct veer_host.present */
#define VEER_HOST_P_SERVICE	(1ULL << 0)	/* key */
#define VEER_HOST_P_ADDR	(1ULL << 1)	/* key: family + addr */
#define VEER_HOST_P_PORT	(1ULL << 2)	/* key (0 when absent) */
#define VEER_HOST_P_WEIGHT	(1ULL << 3)
#define VEER_HOST_P_STATE	(1ULL << 4)
#define VEER_HOST_P_ENCAP	(1ULL << 5)
#define VEER_HOST_P_ENCAP_PORT	(1ULL << 6)
#define VEER_HOST_P_STATS	(1ULL << 7)	/* read only */

struct veer_host {
	char service[VEER_NAME_LEN];	/* name of the service it belongs to */
	int family;
	union veer_addr addr;
	uint16_t port;			/* host order; 0: the service's port */
	uint32_t weight;
	uint8_t state;			/* enum veer_host_state */
	uint8_t encap;			/* enum veer_encap */
	uint16_t encap_port;		/* host order */
	struct veer_obj_stats stats;
	uint64_t present;		/* VEER_HOST_P_* */
};

/* struct veer_peer.present */
#define VEER_PEER_P_ADDR	(1ULL << 0)	/* key */
#define VEER_PEER_P_ROLE	(1ULL << 1)
#define VEER_PEER_P_PORT	(1ULL << 2)
#define VEER_PEER_P_WEIGHT	(1ULL << 3)

struct veer_peer {
	int family;
	union veer_addr addr;
	uint8_t role;			/* enum veer_peer_role */
	uint16_t port;			/* host order */
	uint32_t weight;
	uint64_t present;		/* VEER_PEER_P_* */
};

/* struct veer_config.present */
#define VEER_CFG_P_FLOW_MAX	(1ULL << 0)
#define VEER_CFG_P_TRACK_ALL	(1ULL << 1)
#define VEER_CFG_P_GUE_PORT	(1ULL << 2)
#define VEER_CFG_P_EVENT_RATE	(1ULL << 3)
#define VEER_CFG_P_NODE_ID	(1ULL << 4)
#define VEER_CFG_P_GRAN_MAX_LEVEL (1ULL << 5)
#define VEER_CFG_P_GRAN_BW	(1ULL << 6)
#define VEER_CFG_P_GRAN_DURATION (1ULL << 7)
#define VEER_CFG_P_GRAN_FREQ	(1ULL << 8)
#define VEER_CFG_P_SUBNET_PREFIX4 (1ULL << 9)
#define VEER_CFG_P_SUBNET_PREFIX6 (1ULL << 10)
#define VEER_CFG_P_APP_PORT_SPAN (1ULL << 11)
#define VEER_CFG_P_APP_MARK_MASK (1ULL << 12)
#define VEER_CFG_P_FLOW_RATE_THRESH (1ULL << 13)
#define VEER_CFG_P_AGG_MAX	(1ULL << 14)

struct veer_config {
	uint32_t flow_max;
	bool track_all;
	uint16_t gue_port;		/* host order */
	uint32_t event_rate;
	uint32_t node_id;
	/* Granularity (see enum veer_cfg_attr). */
	uint8_t gran_max_level;		/* 0..VEER_LEVEL_MAX */
	uint32_t gran_bw;		/* bytes/s per connection */
	uint32_t gran_duration;		/* ms */
	uint32_t gran_freq;		/* new connections per minute */
	uint8_t subnet_prefix4;		/* level 3 key */
	uint8_t subnet_prefix6;
	uint16_t app_port_span;		/* level 2 key: dport / span */
	uint32_t app_mark_mask;		/* level 2 key: ct mark & mask */
	uint32_t flow_rate_thresh;	/* bytes/s, 0: no THRESH events */
	uint32_t agg_max;
	uint64_t present;		/* VEER_CFG_P_* */
};

/*
 * A lease (enum veer_lease_attr).  Set: ttl_ms is required (the kernel
 * refuses a lease without it), the others are sent when present.  Read:
 * ttl_ms is what is left until expiry; level is present only when the lease
 * pins one.
 */
#define VEER_LEASE_P_TTL	(1ULL << 0)
#define VEER_LEASE_P_REMAINING	(1ULL << 1)
#define VEER_LEASE_P_CONFIDENCE	(1ULL << 2)
#define VEER_LEASE_P_LEVEL	(1ULL << 3)

struct veer_lease {
	uint32_t ttl_ms;
	uint32_t remaining_ms;		/* predicted remaining duration */
	uint8_t confidence;		/* percent, 0..100 */
	uint8_t level;			/* level to hold, 0..VEER_LEVEL_MAX */
	uint64_t present;		/* VEER_LEASE_P_* */
};

/*
 * A flow's key: its original-direction tuple (what the client sent) and its
 * conntrack zone.  Every field is sent in requests (zone 0: the default
 * zone).
 */
struct veer_flow_key {
	int family;			/* AF_INET or AF_INET6 */
	union veer_addr saddr;		/* client */
	union veer_addr daddr;		/* destination as the client sent it */
	uint16_t sport;			/* host order */
	uint16_t dport;			/* host order */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t zone;
};

/* struct veer_flow_dir.present */
#define VEER_FDIR_P_PACKETS	(1ULL << 0)
#define VEER_FDIR_P_BYTES	(1ULL << 1)
#define VEER_FDIR_P_SEQ		(1ULL << 2)
#define VEER_FDIR_P_ACK		(1ULL << 3)
#define VEER_FDIR_P_WIN		(1ULL << 4)
#define VEER_FDIR_P_WSCALE	(1ULL << 5)
#define VEER_FDIR_P_MSS		(1ULL << 6)
#define VEER_FDIR_P_OPTS	(1ULL << 7)
#define VEER_FDIR_P_TSVAL	(1ULL << 8)

/* One direction of a flow (enum veer_fdir_attr). */
struct veer_flow_dir {
	uint64_t packets;
	uint64_t bytes;
	uint32_t seq;			/* last sequence number sent */
	uint32_t ack;			/* last acknowledgment sent */
	uint32_t win;			/* last advertised window, unscaled */
	uint8_t wscale;
	uint16_t mss;			/* 0: none */
	uint8_t opts;			/* VEER_OPT_* */
	uint32_t tsval;
	uint64_t present;		/* VEER_FDIR_P_* */
};

/* struct veer_flow.present */
#define VEER_FLOW_P_KEY		(1ULL << 0)	/* the whole key */
#define VEER_FLOW_P_CT_ID	(1ULL << 1)
#define VEER_FLOW_P_SVC_ID	(1ULL << 2)
#define VEER_FLOW_P_LEVEL	(1ULL << 3)
#define VEER_FLOW_P_TCP_STATE	(1ULL << 4)	/* TCP flows only */
#define VEER_FLOW_P_AGE		(1ULL << 5)
#define VEER_FLOW_P_IDLE	(1ULL << 6)
#define VEER_FLOW_P_ORIG	(1ULL << 7)
#define VEER_FLOW_P_REPLY	(1ULL << 8)
#define VEER_FLOW_P_RATE	(1ULL << 9)
#define VEER_FLOW_P_PEAK_RATE	(1ULL << 10)
#define VEER_FLOW_P_RTT_SYN	(1ULL << 11)	/* once measured */
#define VEER_FLOW_P_RTT		(1ULL << 12)	/* once measured */
#define VEER_FLOW_P_LEASE	(1ULL << 13)	/* while a lease runs */
#define VEER_FLOW_P_HANDOFF	(1ULL << 14)	/* taken over after a cookie */

/* A flow record, as FLOW_GET, its dump and flow events report it. */
struct veer_flow {
	struct veer_flow_key key;
	uint32_t ct_id;			/* nf_ct_get_id() of the entry */
	uint32_t svc_id;		/* 0: tracked, no service */
	uint8_t level;			/* enum veer_level */
	uint8_t tcp_state;		/* enum tcp_conntrack */
	uint64_t age_ms;		/* since the first packet */
	uint64_t idle_ms;		/* since the last packet */
	struct veer_flow_dir orig;	/* client to server */
	struct veer_flow_dir reply;	/* server to client */
	uint64_t rate;			/* bytes/s, EWMA, both directions */
	uint64_t peak_rate;		/* bytes/s */
	uint32_t rtt_syn_us;		/* SYN to the client's ACK */
	uint32_t rtt_us;		/* smoothed, from timestamp echoes */
	struct veer_lease lease;
	/* With VEER_FLOW_P_HANDOFF: taken over after a SYN cookie. */
	uint8_t offload_reason;		/* enum veer_offload_reason */
	uint8_t xlate;			/* enum veer_xlate */
	uint32_t affinity;		/* the cookie's Maglev entry */
	uint64_t present;		/* VEER_FLOW_P_* */
};

/* struct veer_flow_filter.present */
#define VEER_FLOW_F_SVC_ID	(1ULL << 0)
#define VEER_FLOW_F_LEVEL	(1ULL << 1)
#define VEER_FLOW_F_ADDR	(1ULL << 2)

/* Filters of a flow dump: every filter present must match. */
struct veer_flow_filter {
	uint32_t svc_id;		/* the service's id (0: no service) */
	uint8_t level;
	int family;			/* addr: either address equals it */
	union veer_addr addr;
	uint64_t present;		/* VEER_FLOW_F_* */
};

/* struct veer_agg.present */
#define VEER_AGG_P_LEVEL	(1ULL << 0)	/* key */
#define VEER_AGG_P_ADDR		(1ULL << 1)	/* key: family + addr */
#define VEER_AGG_P_PREFIX_LEN	(1ULL << 2)	/* key (default: full) */
#define VEER_AGG_P_SVC_ID	(1ULL << 3)	/* key, session level */
#define VEER_AGG_P_APP_ID	(1ULL << 4)	/* key, application level */
#define VEER_AGG_P_BY_MARK	(1ULL << 5)	/* key, application level */
#define VEER_AGG_P_ACTIVE	(1ULL << 6)
#define VEER_AGG_P_CONNS	(1ULL << 7)
#define VEER_AGG_P_PACKETS	(1ULL << 8)
#define VEER_AGG_P_BYTES	(1ULL << 9)
#define VEER_AGG_P_RATE		(1ULL << 10)
#define VEER_AGG_P_AVG_DURATION	(1ULL << 11)
#define VEER_AGG_P_FREQ		(1ULL << 12)
#define VEER_AGG_P_IDLE		(1ULL << 13)
#define VEER_AGG_P_LEASE	(1ULL << 14)	/* while a lease runs */

/*
 * An aggregate: the flows of one key at levels 1-3 (enum veer_agg_attr).
 * As a key (get, set_lease): level and address are always sent; prefix
 * length, service id, application id and by_mark when present.
 */
struct veer_agg {
	uint8_t level;			/* VEER_LEVEL_SESSION.._SUBNET */
	int family;
	union veer_addr addr;		/* client address or prefix */
	uint8_t prefix_len;
	uint32_t svc_id;		/* session level */
	uint32_t app_id;		/* application level */
	bool by_mark;			/* app_id is a ct mark, not a port */
	uint32_t active;		/* connections now */
	uint64_t conns;			/* connections ever */
	uint64_t packets;
	uint64_t bytes;
	uint64_t rate;			/* bytes/s, EWMA */
	uint32_t avg_duration_ms;	/* of finished connections */
	uint32_t freq;			/* new connections per minute, EWMA */
	uint64_t idle_ms;
	struct veer_lease lease;
	uint64_t present;		/* VEER_AGG_P_* */
};

/* Namespace counters; present bit i set when counter i was reported. */
struct veer_stats {
	uint64_t v[VEER_STAT_MAX + 1];	/* indexed by enum veer_stat */
	uint64_t present;		/* 1ULL << enum veer_stat */
};

/* Object kinds, for events. */
enum veer_object {
	VEER_OBJ_NONE,
	VEER_OBJ_SERVICE,
	VEER_OBJ_HOST,
	VEER_OBJ_PEER,
	VEER_OBJ_CONFIG,
	VEER_OBJ_FLOW,		/* flow events (the "flows" group) */
};

enum veer_action {
	VEER_ACT_NONE,
	VEER_ACT_ADD,		/* *_NEW */
	VEER_ACT_DEL,		/* *_DEL */
	VEER_ACT_CHANGE,	/* *_SET */
};

/*
 * An event.  Object changes: the command's object and action.  Flow events
 * (object VEER_OBJ_FLOW): flow_event says what happened (enum
 * veer_flow_event) and action sums it up: NEW is VEER_ACT_ADD, END is
 * VEER_ACT_DEL, LEVEL and THRESH are VEER_ACT_CHANGE.
 */
struct veer_event {
	uint8_t cmd;			/* enum veer_cmd, as received */
	enum veer_object object;
	enum veer_action action;
	uint8_t flow_event;		/* enum veer_flow_event (flows only) */
	union {
		struct veer_service service;
		struct veer_host host;
		struct veer_peer peer;
		struct veer_config config;
		struct veer_flow flow;
	};
};

/*
 * SYN cookie keys (uapi: "SYN cookie keys").  What KEY_GET tells of one key
 * held: never the secret.
 */
struct veer_key {
	uint8_t epoch;			/* 0..VEER_KEY_EPOCH_MAX */
	uint8_t role;			/* enum veer_key_role */
	uint32_t fingerprint;		/* see the uapi header */
};

#define VEER_KEYS_MAX	3		/* previous, current, next */

struct veer_keys {
	unsigned int n;
	struct veer_key key[VEER_KEYS_MAX];
};

/*
 * Callbacks of dumps and of the monitor: return 0 to continue; any other
 * value stops the walk and is returned by the calling function.
 */
typedef int (*veer_service_cb)(const struct veer_service *svc, void *arg);
typedef int (*veer_host_cb)(const struct veer_host *host, void *arg);
typedef int (*veer_peer_cb)(const struct veer_peer *peer, void *arg);
typedef int (*veer_flow_cb)(const struct veer_flow *flow, void *arg);
typedef int (*veer_agg_cb)(const struct veer_agg *agg, void *arg);
typedef int (*veer_event_cb)(const struct veer_event *ev, void *arg);

/*
 * Open a handle.  netns: NULL for the caller's network namespace; else the
 * name of a namespace under /var/run/netns (as `ip netns` creates them) or a
 * path (anything with a '/').  The socket is created inside that namespace and
 * the calling thread returns to its own namespace before veer_open() returns.
 *
 * Fails with -ENOENT when the kernel does not know the family (the module is
 * not loaded and could not be autoloaded); veer_last_error_msg(NULL) then
 * says so.  Errors of veer_open() and veer_monitor_open() are reported by
 * veer_last_error_msg(NULL) (per thread).
 */
int veer_open(struct veer_handle **hp, const char *netns);
void veer_close(struct veer_handle *h);

/*
 * The message that goes with the last failure on h (h == NULL: the last
 * failed veer_open()/veer_monitor_open() of this thread), or NULL.
 * After a success, it may hold the kernel's warning, if the kernel sent one.
 */
const char *veer_last_error_msg(const struct veer_handle *h);

/* Services: key is svc->name. */
int veer_service_add(struct veer_handle *h, const struct veer_service *svc);
int veer_service_change(struct veer_handle *h, const struct veer_service *svc);
int veer_service_del(struct veer_handle *h, const char *name);
int veer_service_get(struct veer_handle *h, const char *name,
		     struct veer_service *out);
int veer_service_dump(struct veer_handle *h, veer_service_cb cb, void *arg);

/* Hosts: key is (service, family + addr, port). */
int veer_host_add(struct veer_handle *h, const struct veer_host *host);
int veer_host_change(struct veer_handle *h, const struct veer_host *host);
int veer_host_del(struct veer_handle *h, const struct veer_host *key);
int veer_host_get(struct veer_handle *h, const struct veer_host *key,
		  struct veer_host *out);
/* service: NULL dumps the hosts of every service. */
int veer_host_dump(struct veer_handle *h, const char *service,
		   veer_host_cb cb, void *arg);

/* Peers: key is family + addr. */
int veer_peer_add(struct veer_handle *h, const struct veer_peer *peer);
int veer_peer_change(struct veer_handle *h, const struct veer_peer *peer);
int veer_peer_del(struct veer_handle *h, const struct veer_peer *key);
int veer_peer_get(struct veer_handle *h, const struct veer_peer *key,
		  struct veer_peer *out);
int veer_peer_dump(struct veer_handle *h, veer_peer_cb cb, void *arg);

/* Config: set sends the fields marked present. */
int veer_config_get(struct veer_handle *h, struct veer_config *out);
int veer_config_set(struct veer_handle *h, const struct veer_config *cfg);

int veer_stats_get(struct veer_handle *h, struct veer_stats *out);

/*
 * Cookie keys.  action: enum veer_key_action.  VEER_KEY_ACT_SET and _NEXT
 * need epoch (0..VEER_KEY_EPOCH_MAX) and secret (VEER_KEY_LEN bytes); ROTATE
 * and FLUSH take neither (epoch ignored, secret NULL).  The request's buffer
 * is wiped once sent.  Needs CAP_NET_ADMIN, as veer_key_get() does.
 */
int veer_key_set(struct veer_handle *h, unsigned int action, uint8_t epoch,
		 const uint8_t *secret);
/* The keys held: previous, current, next (those present), in that order. */
int veer_key_get(struct veer_handle *h, struct veer_keys *out);

/*
 * Flows (CAP_NET_ADMIN, dumps included: flows name clients).
 *
 * veer_flow_dump(): filter NULL dumps every flow.  Flows are handed to cb as
 * they arrive, not collected first: the table can be large, and it is walked
 * live, so a dump is not a snapshot (a flow created or reaped meanwhile may
 * be missed, as with conntrack -L).  The handle is busy until the dump ends:
 * a request made on it from cb fails with -EBUSY (use another handle).
 *
 * veer_flow_get() and veer_flow_set_lease() name one flow by its key; a flow
 * that does not exist fails with -ENOENT.  A lease replaces the flow's lease.
 */
int veer_flow_dump(struct veer_handle *h, const struct veer_flow_filter *filter,
		   veer_flow_cb cb, void *arg);
int veer_flow_get(struct veer_handle *h, const struct veer_flow_key *key,
		  struct veer_flow *out);
int veer_flow_set_lease(struct veer_handle *h, const struct veer_flow_key *key,
			const struct veer_lease *lease);

/*
 * Aggregates (CAP_NET_ADMIN): the key is level, family + addr, and, when
 * present, prefix_len (default: the whole address), svc_id (session level),
 * app_id and by_mark (application level).  A subnet aggregate's address is
 * the prefix itself, with no host bits.
 */
int veer_agg_dump(struct veer_handle *h, veer_agg_cb cb, void *arg);
int veer_agg_get(struct veer_handle *h, const struct veer_agg *key,
		 struct veer_agg *out);
int veer_agg_set_lease(struct veer_handle *h, const struct veer_agg *key,
		       const struct veer_lease *lease);

/*
 * Events: a separate socket subscribed to multicast groups: "events"
 * (VEER_MON_EVENTS: changes of services, hosts, peers and config) and/or
 * "flows" (VEER_MON_FLOWS: flow events, rate-limited by the config's
 * event-rate; the kernel counts what it suppresses).  veer_monitor_open()
 * joins "events" only.
 * veer_monitor_fd() may be polled; veer_monitor_recv() reads what is queued
 * (blocking if the fd is blocking and nothing is) and calls cb once per
 * event.  It returns -ENOBUFS when events were lost because the receive
 * buffer overflowed; the monitor stays usable.
 */
#define VEER_MON_EVENTS		(1U << 0)
#define VEER_MON_FLOWS		(1U << 1)
#define VEER_MON_ALL		(VEER_MON_EVENTS | VEER_MON_FLOWS)

int veer_monitor_open(struct veer_monitor **mp, const char *netns);
/* groups: VEER_MON_*, at least one; -EINVAL for an unknown bit. */
int veer_monitor_open_groups(struct veer_monitor **mp, const char *netns,
			     unsigned int groups);
int veer_monitor_fd(const struct veer_monitor *m);
int veer_monitor_recv(struct veer_monitor *m, veer_event_cb cb, void *arg);
const char *veer_monitor_error_msg(const struct veer_monitor *m);
void veer_monitor_close(struct veer_monitor *m);

/*
 * Names (as the CLI prints and parses them).  *_name() return NULL for a
 * value without a name; *_parse() return the value or -1.
 */
const char *veer_sched_name(unsigned int v);
int veer_sched_parse(const char *s);
const char *veer_cookie_mode_name(unsigned int v);
int veer_cookie_mode_parse(const char *s);
const char *veer_offload_reason_name(unsigned int v);
int veer_offload_reason_parse(const char *s);
const char *veer_xlate_name(unsigned int v);
int veer_xlate_parse(const char *s);
const char *veer_host_state_name(unsigned int v);
int veer_host_state_parse(const char *s);
const char *veer_encap_name(unsigned int v);
int veer_encap_parse(const char *s);
const char *veer_peer_role_name(unsigned int v);
int veer_peer_role_parse(const char *s);
/* Key roles: "current", "previous", "next". */
const char *veer_key_role_name(unsigned int v);
int veer_key_role_parse(const char *s);
const char *veer_proto_name(unsigned int v);	/* "tcp", "udp" */
int veer_proto_parse(const char *s);
/* Granularity levels: "flow", "session", "app", "subnet". */
const char *veer_level_name(unsigned int v);
int veer_level_parse(const char *s);
/* Flow events: "new", "end", "level", "thresh". */
const char *veer_flow_event_name(unsigned int v);
int veer_flow_event_parse(const char *s);
/* TCP states (enum tcp_conntrack), as conntrack names them: "ESTABLISHED". */
const char *veer_tcp_state_name(unsigned int v);
int veer_tcp_state_parse(const char *s);
/* Counter names, as in /proc/net/veer/stats ("svc_packets", ...). */
const char *veer_stat_name(unsigned int stat);
const char *veer_action_name(enum veer_action a);	/* "add", ... */
const char *veer_object_name(enum veer_object o);	/* "service", ... */

/*
 * Decode the extended ack of a netlink NLMSG_ERROR or NLMSG_DONE message
 * (buf: the whole message, len bytes).  Stores the error code (<= 0) in
 * *error, the NLMSGERR_ATTR_MSG string in msg (truncated to msglen, empty if
 * none) and NLMSGERR_ATTR_OFFS in *offs (UINT32_MAX if none).  Returns 0, or
 * -EBADMSG when the message is malformed.  Exposed for testing.
 */
int veer_parse_ext_ack(const void *buf, size_t len, int *error,
		       char *msg, size_t msglen, uint32_t *offs);

#ifdef __cplusplus
}
#endif

#endif /* LIBVEER_H */
