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
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/veer.h>

#include "cookie.h"

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

/* A service's cookie counters (enum veer_svc_stat from SYN_RECEIVED on). */
#define VEER_CK(stat)	(VEER_SVC_STAT_##stat - VEER_SVC_STAT_SYN_RECEIVED)
#define VEER_CK_NUM	(VEER_SVC_STAT_MAX - VEER_SVC_STAT_SYN_RECEIVED + 1)

struct veer_cookie_stats {
	unsigned long c[VEER_CK_NUM];
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

	/* SYN cookies (handshake.c): counters and the SYN rate. */
	struct veer_cookie_stats __percpu *cookie_stats;
	atomic_t syn_count;		/* SYNs in the current second */
	unsigned long syn_window;	/* jiffies: start of that second */
	u32 syn_last;			/* SYNs in the second before */
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
	/* Granularity (flow.c, agg.c). */
	u8 gran_max_level;
	u8 subnet_prefix4;
	u8 subnet_prefix6;
	u16 app_port_span;
	u32 app_mark_mask;
	u32 gran_bw;		/* bytes/s per connection */
	u32 gran_duration;	/* ms */
	u32 gran_freq;		/* new connections per minute */
	u32 flow_rate_thresh;	/* bytes/s, 0: no THRESH events */
	u32 agg_max;
};

/* A lease set by veerd on a flow or an aggregate. */
struct veer_lease {
	unsigned long expires;	/* jiffies; 0: no lease */
	u32 remaining_ms;
	u8 confidence;
	s8 level;		/* level to hold, -1: none */
};

/* The original-direction tuple and zone: a flow's key, hashed whole. */
struct veer_flow_key {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u16 zone;
	u8 family;
	u8 proto;
};

/* What a level-0 flow keeps on top of the base record, per direction. */
struct veer_fdir {
	u32 seq;
	u32 ack;
	u32 win;
	u32 tsval;
	ktime_t tsval_time;	/* when tsval was first seen */
	u32 srtt_us;		/* this side's half: router to host and back */
	u16 mss;
	u8 wscale;
	u8 opts;
	bool ts_sampled;	/* tsval already gave an RTT sample */
};

struct veer_flow_profile {
	struct veer_fdir dir[2];
	ktime_t syn_time;
	u32 rtt_syn_us;
	u8 hs_state;		/* handshake progress, for rtt_syn */
	bool seeded;		/* scales and options taken from conntrack */
};

#define VEER_AGG_LEVELS	VEER_LEVEL_MAX	/* levels 1..3 */

struct veer_agg;

struct veer_flow {
	struct rhash_head node;
	struct veer_flow_key key;
	struct list_head lru;		/* veer_net.flows_new / flows_est */
	struct rcu_head rcu;
	spinlock_t lock;		/* counters and profile */
	u32 affinity;			/* the cookie's Maglev entry (xlate) */
	const struct nf_conn *ct;	/* identity only, never dereferenced */
	u32 ct_id;
	u32 svc_id;
	u8 level;
	u8 tcp_state;
	bool replied;			/* on flows_est rather than flows_new */
	bool dead;			/* unlinked; waiting for RCU */
	bool over_thresh;
	/* Taken over after a SYN cookie (handshake.c): why, who translates. */
	u8 offload_reason;		/* enum veer_offload_reason */
	u8 xlate;			/* enum veer_xlate */
	unsigned long start;		/* jiffies */
	unsigned long last;		/* jiffies */
	u64 packets[2];
	u64 bytes[2];
	u64 gc_bytes;			/* bytes at the last GC pass */
	u64 rate;			/* bytes/s, EWMA */
	u64 peak_rate;
	struct veer_lease lease;
	struct veer_agg *agg[VEER_AGG_LEVELS];	/* levels 1..3, may be NULL */
	u64 agg_bytes, agg_packets;	/* already folded into the aggregates */
	struct veer_flow_profile *prof;	/* level 0 only */
};

struct veer_agg_key {
	union nf_inet_addr addr;	/* client address or prefix */
	u32 svc_id;
	u32 app_id;
	u8 level;
	u8 family;
	u8 prefix_len;
	u8 by_mark;			/* app_id is a ct mark, not a port */
};

struct veer_agg {
	struct rhash_head node;
	struct veer_agg_key key;
	struct list_head list;		/* veer_net.aggs */
	struct rcu_head rcu;
	refcount_t ref;			/* the table's, plus one per flow */
	atomic_t active;
	atomic_t new_conns;		/* since the last GC pass */
	atomic64_t conns;
	bool dead;
	unsigned long last;		/* jiffies of the last traffic */
	spinlock_t lock;		/* guards everything below */
	u64 packets;
	u64 bytes;
	u64 gc_bytes;
	unsigned long gc_time;
	u64 rate;			/* bytes/s, EWMA */
	u32 freq;			/* new connections per minute, EWMA */
	u32 ended;			/* connections finished */
	u32 avg_duration_ms;		/* of finished connections, EWMA */
	u64 age_acc_ms;			/* live connections' ages, this pass */
	u32 age_n;
	u32 duration_ms;		/* expected: max(finished, live age) */
	struct veer_lease lease;
};

/*
 * The SYN cookie keys of a namespace, as published to the packet path:
 * replaced whole under veer_net->lock (never changed in place), read under
 * RCU, freed with kfree_sensitive() after a grace period (netlink.c).
 */
struct veer_keys {
	struct rcu_head rcu;
	struct veer_cookie_keys ks;
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
	bool cookie_hooks_on;		/* handshake.c's SYN hook registered */
	bool synproxy_on;		/* the kernel's synproxy hooks, too */
	/* Bumped on every change; dumps compare it to flag NLM_F_DUMP_INTR. */
	unsigned int gen;
	/* Cookie keys: NULL when none; rcu_dereference() on the packet path. */
	struct veer_keys __rcu *keys;

	struct veer_pcpu_counters __percpu *counters;
	struct proc_dir_entry *proc_dir;

	/* Flow table (flow.c).  flow_lock guards the LRU lists and aggs. */
	struct rhashtable flows;
	struct rhashtable agg_table;
	spinlock_t flow_lock;		/* lists, table changes, aggs */
	struct list_head flows_new;	/* no reply yet: evicted first */
	struct list_head flows_est;	/* oldest first, second chance */
	struct list_head aggs;
	atomic_t n_flows;
	atomic_t n_aggs;
	unsigned int agg_gen;		/* bumped when aggs changes; not 0 */
	atomic_t n_level[VEER_LEVEL_MAX + 1];
	struct delayed_work gc_work;
	unsigned long gc_last;
	bool flows_ready;
	bool gc_stop;

	/* Event rate limit: a token bucket of cfg.event_rate per second. */
	spinlock_t ev_lock;		/* guards ev_last, ev_tokens */
	unsigned long ev_last;
	u32 ev_tokens;
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
int veer_hooks_update(struct veer_net *vn);

/* handshake.c: SYN cookies and the handoff (hooks under vn->lock) */
int veer_handshake_hooks_update(struct veer_net *vn);
void veer_handshake_hooks_put(struct veer_net *vn);
bool veer_service_cookies_on(const struct veer_service *svc);
void veer_cookie_stats_read(const struct veer_service *svc,
			    u64 out[VEER_CK_NUM]);
void veer_handshake_synack(struct veer_net *vn, struct sk_buff *skb,
			   struct nf_conn *ct, unsigned int thoff);
struct veer_flow;
void veer_handshake_annotate(struct veer_net *vn,
			     const struct veer_service *svc,
			     struct veer_flow *f, const struct nf_conn *ct);
unsigned int veer_handshake_packet(struct veer_net *vn,
				   struct veer_service *svc,
				   struct sk_buff *skb, struct nf_conn *ct,
				   enum ip_conntrack_info ctinfo,
				   unsigned int thoff);

/* flow.c */
int veer_flow_init(void);
void veer_flow_exit(void);
int veer_flow_net_init(struct veer_net *vn);
void veer_flow_net_exit(struct veer_net *vn);
void veer_flow_gc_kick(struct veer_net *vn);
void veer_flow_packet(struct veer_net *vn, struct sk_buff *skb,
		      struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		      unsigned int thoff);
struct veer_flow *veer_flow_lookup(struct veer_net *vn,
				   const struct veer_flow_key *key); /* RCU */
void veer_flow_set_lease(struct veer_net *vn, struct veer_flow *f,
			 const struct veer_lease *lease);
void veer_lease_from_ttl(struct veer_lease *l, u32 ttl_ms);
size_t veer_flow_record_size(bool with_profile);

/* agg.c */
void veer_agg_init(void);
int veer_agg_net_init(struct veer_net *vn);
void veer_agg_net_exit(struct veer_net *vn);
u8 veer_agg_attach(struct veer_net *vn, struct veer_flow *f, u32 mark);
void veer_agg_detach(struct veer_net *vn, struct veer_flow *f);
void veer_agg_fold(struct veer_flow *f, u64 packets, u64 bytes);
void veer_agg_note_age(struct veer_flow *f, u32 age_ms);
bool veer_agg_qualifies(const struct veer_net *vn, const struct veer_agg *a);
void veer_agg_gc(struct veer_net *vn);
struct veer_agg *veer_agg_lookup(struct veer_net *vn,
				 const struct veer_agg_key *key); /* RCU */
void veer_agg_put(struct veer_agg *a);

/* netlink.c: flow events, rate-limited; callable from softirq. */
void veer_flow_event(struct veer_net *vn, const struct veer_flow *f,
		     enum veer_flow_event ev);

/* netlink.c: forgets the cookie keys (namespace exit); under vn->lock. */
void veer_keys_flush(struct veer_net *vn);

/* netlink.c */
int veer_netlink_init(void);
void veer_netlink_exit(void);

/* proc.c */
int veer_proc_init(struct veer_net *vn);
void veer_proc_exit(struct veer_net *vn);

#endif /* _VEER_H */
