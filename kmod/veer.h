/* SPDX-License-Identifier: GPL-2.0 */
/*
 * veer: internal declarations shared by the module's subsystems.
 *
 * Locking: every object of a namespace (services, their hosts, peers, the
 * config) is changed under veer_net->lock (a mutex: netlink handlers sleep).
 * The packet path only reads, under RCU; objects are freed after a grace
 * period.  Settings the packet path reads are written with WRITE_ONCE.
 */
#ifndef _VEER_H
#define _VEER_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/idr.h>
#include <linux/rcupdate.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/veer.h>

/* Per-object traffic counters, one copy per CPU. */
struct veer_obj_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t conns;
	struct u64_stats_sync syncp;
};

struct veer_obj_totals {
	u64 packets;
	u64 bytes;
	u64 conns;
};

struct veer_service {
	struct list_head list;		/* veer_net.services, RCU */
	struct rcu_head rcu;

	/* The endpoint: fixed for the service's lifetime. */
	char name[VEER_NAME_LEN];
	u32 id;
	u16 family;			/* AF_INET or AF_INET6 */
	union nf_inet_addr addr;
	u8 prefix_len;
	u8 proto;
	__be16 port;			/* 0: every port */

	/* Settings: changed by SERVICE_SET, read locklessly. */
	u32 flags;
	u8 sched;
	u8 cookie_mode;
	u8 shift_pct;
	u32 table_size;
	u32 syn_thresh;
	u32 conn_thresh;
	u32 latency_thresh;

	struct list_head hosts;		/* veer_host.list, RCU */
	unsigned int n_hosts;
	struct veer_obj_stats __percpu *stats;
};

struct veer_host {
	struct list_head list;		/* veer_service.hosts, RCU */
	struct rcu_head rcu;
	struct veer_service *svc;

	u16 family;
	union nf_inet_addr addr;
	__be16 port;			/* 0: the service's port */

	u32 weight;
	u8 state;
	u8 encap;
	__be16 encap_port;
	struct veer_obj_stats __percpu *stats;
};

struct veer_peer {
	struct list_head list;		/* veer_net.peers, RCU */
	struct rcu_head rcu;

	u16 family;
	union nf_inet_addr addr;
	u8 role;
	__be16 port;
	u32 weight;
};

struct veer_config {
	u32 flow_max;
	u32 event_rate;
	u32 node_id;
	__be16 gue_port;
	u8 track_all;
};

/* Namespace counters, one copy per CPU, summed on read (like SNMP MIBs). */
struct veer_pcpu_counters {
	unsigned long c[__VEER_STAT_MAX];
};

struct veer_net {
	struct net *net;
	struct mutex lock;		/* serialises every change below */
	struct list_head services;	/* most specific first */
	struct idr service_ids;
	unsigned int n_services;
	struct list_head peers;
	unsigned int n_peers;
	struct veer_config cfg;
	bool hooks_on;
	/* Bumped on every change; dumps compare it to flag NLM_F_DUMP_INTR. */
	unsigned int gen;

	struct veer_pcpu_counters __percpu *counters;
	struct proc_dir_entry *proc_dir;
};

/* main.c */
extern unsigned int veer_net_id;
extern atomic_long_t veer_live_objects;
extern unsigned int veer_default_flow_max;
extern unsigned int veer_default_event_rate;
extern unsigned short veer_default_gue_port;

static inline struct veer_net *veer_pernet(const struct net *net)
{
	return net_generic(net, veer_net_id);
}

static inline void veer_count(struct veer_net *vn, enum veer_stat s)
{
	this_cpu_inc(vn->counters->c[s]);
}

static inline void veer_count_add(struct veer_net *vn, enum veer_stat s,
				  unsigned long n)
{
	this_cpu_add(vn->counters->c[s], n);
}

u64 veer_counter_sum(const struct veer_net *vn, enum veer_stat s);
extern const char *const veer_stat_names[__VEER_STAT_MAX];

/* service.c: objects; callers hold vn->lock unless noted */
struct veer_service *veer_service_find(struct veer_net *vn, const char *name);
struct veer_service *veer_service_find_endpoint(struct veer_net *vn,
						const struct veer_service *key);
struct veer_service *veer_service_alloc(void);
int veer_service_insert(struct veer_net *vn, struct veer_service *svc);
void veer_service_remove(struct veer_net *vn, struct veer_service *svc);
void veer_service_free(struct veer_service *svc);
struct veer_service *veer_service_match(struct veer_net *vn, u16 family,
					const union nf_inet_addr *daddr,
					u8 proto, __be16 dport); /* RCU */
void veer_obj_stats_add(struct veer_obj_stats __percpu *stats, u64 bytes,
			bool new_conn);
void veer_obj_stats_read(struct veer_obj_stats __percpu *stats,
			 struct veer_obj_totals *t);

struct veer_host *veer_host_find(struct veer_service *svc, u16 family,
				 const union nf_inet_addr *addr, __be16 port);
struct veer_host *veer_host_alloc(void);
void veer_host_insert(struct veer_service *svc, struct veer_host *h);
void veer_host_remove(struct veer_host *h);
void veer_host_free(struct veer_host *h);

struct veer_peer *veer_peer_find(struct veer_net *vn, u16 family,
				 const union nf_inet_addr *addr);
struct veer_peer *veer_peer_alloc(void);
void veer_peer_insert(struct veer_net *vn, struct veer_peer *p);
void veer_peer_remove(struct veer_net *vn, struct veer_peer *p);

void veer_objects_flush(struct veer_net *vn);

/* hooks.c */
int veer_hooks_get(struct veer_net *vn);
void veer_hooks_put(struct veer_net *vn);

/* netlink.c */
int veer_netlink_init(void);
void veer_netlink_exit(void);

/* proc.c */
int veer_proc_init(struct veer_net *vn);
void veer_proc_exit(struct veer_net *vn);

#endif /* _VEER_H */
