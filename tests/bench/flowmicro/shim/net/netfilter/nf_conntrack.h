/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim for the microbenchmark: struct nf_conn with the fields flow.c reads,
 * in the kernel's order (tuples, status, mark, TCP state), and the helpers
 * it calls.  Types and constants shared with userspace come from the uapi
 * headers.
 */
#ifndef KSHIM_NET_NETFILTER_NF_CONNTRACK_H
#define KSHIM_NET_NETFILTER_NF_CONNTRACK_H
#include <kshim.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/siphash.h>

/* union nf_conntrack_man_proto: from the uapi header. */
struct nf_conntrack_man {
	union nf_inet_addr u3;
	union nf_conntrack_man_proto u;
	u16 l3num;
};

struct nf_conntrack_tuple {
	struct nf_conntrack_man src;
	struct {
		union nf_inet_addr u3;
		union {
			__be16 all;
			struct { __be16 port; } tcp;
			struct { __be16 port; } udp;
			struct { u8 type, code; } icmp;
		} u;
		u8 protonum;
		u8 dir;
	} dst;
};

struct nf_conntrack_tuple_hash {
	struct hlist_nulls_node hnnode;
	struct nf_conntrack_tuple tuple;
};

#define NF_CT_DEFAULT_ZONE_ID 0
#define NF_CT_ZONE_DIR_ORIG (1 << IP_CT_DIR_ORIGINAL)
#define NF_CT_ZONE_DIR_REPL (1 << IP_CT_DIR_REPLY)
#define NF_CT_DEFAULT_ZONE_DIR (NF_CT_ZONE_DIR_ORIG | NF_CT_ZONE_DIR_REPL)

struct nf_conntrack_zone {
	u16 id;
	u8 flags;
	u8 dir;
};

struct ip_ct_tcp_state {
	u32 td_end;
	u32 td_maxend;
	u32 td_maxwin;
	u32 td_maxack;
	u8 td_scale;
	u8 flags;
};

struct ip_ct_tcp {
	struct ip_ct_tcp_state seen[2];
	u8 state;
	u8 last_dir;
	u8 retrans;
	u8 last_index;
	u32 last_seq;
	u32 last_ack;
	u32 last_end;
	u16 last_win;
	u8 last_wscale;
	u8 last_flags;
};

union nf_conntrack_proto {
	struct ip_ct_tcp tcp;
};

struct nf_conntrack {
	refcount_t use;
};

struct nf_conn {
	struct nf_conntrack ct_general;
	spinlock_t lock;
	u32 timeout;
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple_hash tuplehash[IP_CT_DIR_MAX];
	unsigned long status;
	void *ct_net;
	struct hlist_node nat_bysource;
	struct nf_conn *master;
	u32 mark;
	u32 secmark;
	void *ext;
	union nf_conntrack_proto proto;
};

static inline const struct nf_conntrack_zone *nf_ct_zone(const struct nf_conn *ct)
{
	return &ct->zone;
}

static inline u16 nf_ct_zone_id(const struct nf_conntrack_zone *zone,
				enum ip_conntrack_dir dir)
{
	return (zone->dir & (1 << dir)) ? zone->id : NF_CT_DEFAULT_ZONE_ID;
}

static inline struct nf_conntrack_zone *
nf_ct_zone_init(struct nf_conntrack_zone *zone, u16 id, u8 dir, u8 flags)
{
	zone->id = id;
	zone->flags = flags;
	zone->dir = dir;
	return zone;
}

static inline u8 nf_ct_protonum(const struct nf_conn *ct)
{
	return ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.protonum;
}

static inline struct nf_conn *
nf_ct_tuplehash_to_ctrack(const struct nf_conntrack_tuple_hash *hash)
{
	return container_of(hash, struct nf_conn, tuplehash[hash->tuple.dst.dir]);
}

static inline bool nf_ct_is_dying(const struct nf_conn *ct)
{
	return test_bit(IPS_DYING_BIT, &ct->status);
}

static inline void nf_ct_put(struct nf_conn *ct)
{
	(void)ct;
}

/* As the kernel: a SipHash of the entry's address and neighbours. */
extern siphash_key_t kshim_ct_id_seed;
static inline u32 nf_ct_get_id(const struct nf_conn *ct)
{
	return (u32)siphash_4u64((unsigned long)ct, (unsigned long)ct->master,
				 (unsigned long)ct->ct_net, (unsigned long)ct->ext,
				 &kshim_ct_id_seed);
}

/* Used by the GC only, which the benchmark does not run. */
struct nf_conntrack_tuple_hash *
nf_conntrack_find_get(struct net *net, const struct nf_conntrack_zone *zone,
		      const struct nf_conntrack_tuple *tuple);
#endif
