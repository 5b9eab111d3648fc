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

struct veer_config {
	uint32_t flow_max;
	bool track_all;
	uint16_t gue_port;		/* host order */
	uint32_t event_rate;
	uint32_t node_id;
	uint64_t present;		/* VEER_CFG_P_* */
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
};

enum veer_action {
	VEER_ACT_NONE,
	VEER_ACT_ADD,		/* *_NEW */
	VEER_ACT_DEL,		/* *_DEL */
	VEER_ACT_CHANGE,	/* *_SET */
};

struct veer_event {
	uint8_t cmd;			/* enum veer_cmd, as received */
	enum veer_object object;
	enum veer_action action;
	union {
		struct veer_service service;
		struct veer_host host;
		struct veer_peer peer;
		struct veer_config config;
	};
};

/*
 * Callbacks of dumps and of the monitor: return 0 to continue; any other
 * value stops the walk and is returned by the calling function.
 */
typedef int (*veer_service_cb)(const struct veer_service *svc, void *arg);
typedef int (*veer_host_cb)(const struct veer_host *host, void *arg);
typedef int (*veer_peer_cb)(const struct veer_peer *peer, void *arg);
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
 * Events: a separate socket subscribed to the "events" multicast group.
 * veer_monitor_fd() may be polled; veer_monitor_recv() reads what is queued
 * (blocking if the fd is blocking and nothing is) and calls cb once per
 * event.  It returns -ENOBUFS when events were lost because the receive
 * buffer overflowed; the monitor stays usable.
 */
int veer_monitor_open(struct veer_monitor **mp, const char *netns);
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
const char *veer_host_state_name(unsigned int v);
int veer_host_state_parse(const char *s);
const char *veer_encap_name(unsigned int v);
int veer_encap_parse(const char *s);
const char *veer_peer_role_name(unsigned int v);
int veer_peer_role_parse(const char *s);
const char *veer_proto_name(unsigned int v);	/* "tcp", "udp" */
int veer_proto_parse(const char *s);
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
