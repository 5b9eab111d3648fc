// SPDX-License-Identifier: GPL-2.0
/*
 * veer: aggregates, the coarser levels of flow tracking.
 *
 * When the namespace's granularity allows (cfg.gran_max_level > 0), every
 * new flow joins one aggregate per level up to that maximum:
 *
 *   1 session      client address + service
 *   2 application  client address + application (ct mark & mask, or
 *                  destination port / span)
 *   3 subnet       client prefix
 *
 * An aggregate learns from its flows (traffic folded in by the GC, new
 * connections per minute, how long connections last) and a new flow is
 * tracked at the highest level whose aggregate, and every one below it,
 * shows low bandwidth per connection, long connections and a low request
 * rate; or at the level a lease pins.  Aggregates are bounded (cfg.agg_max)
 * and dropped when they have had no connection for a while.
 */
#include <linux/slab.h>
#include <linux/siphash.h>
#include <linux/rhashtable.h>
#include <linux/inetdevice.h>
#include <net/ipv6.h>

#include "veer.h"

/* An aggregate with no connection for this long is dropped. */
#define VEER_AGG_IDLE		(60 * HZ)

static siphash_key_t veer_agg_hash_key __read_mostly;

static u32 veer_agg_hash(const void *data, u32 len, u32 seed)
{
	return (u32)siphash(data, len, &veer_agg_hash_key) ^ seed;
}

static const struct rhashtable_params veer_agg_params = {
	.head_offset		= offsetof(struct veer_agg, node),
	.key_offset		= offsetof(struct veer_agg, key),
	.key_len		= sizeof(struct veer_agg_key),
	.hashfn			= veer_agg_hash,
	.automatic_shrinking	= true,
};

struct veer_agg *veer_agg_lookup(struct veer_net *vn,
				 const struct veer_agg_key *key)
{
	return rhashtable_lookup(&vn->agg_table, key, veer_agg_params);
}

static void veer_agg_key_make(const struct veer_net *vn,
			      const struct veer_flow *f, u8 level, u32 mark,
			      struct veer_agg_key *k)
{
	u32 mask = READ_ONCE(vn->cfg.app_mark_mask);
	u16 span = READ_ONCE(vn->cfg.app_port_span) ?: 1;
	u8 full = f->key.family == AF_INET ? 32 : 128;

	memset(k, 0, sizeof(*k));
	k->level = level;
	k->family = f->key.family;
	k->addr = f->key.saddr;
	k->prefix_len = full;
	switch (level) {
	case VEER_LEVEL_SESSION:
		k->svc_id = f->svc_id;
		break;
	case VEER_LEVEL_APP:
		if (mask && (mark & mask)) {
			k->app_id = mark & mask;
			k->by_mark = 1;
		} else {
			k->app_id = ntohs(f->key.dport) / span;
		}
		break;
	case VEER_LEVEL_SUBNET:
		if (f->key.family == AF_INET) {
			k->prefix_len = min_t(u8, READ_ONCE(vn->cfg.subnet_prefix4),
					      32);
			k->addr.ip &= inet_make_mask(k->prefix_len);
		} else {
			k->prefix_len = min_t(u8, READ_ONCE(vn->cfg.subnet_prefix6),
					      128);
			ipv6_addr_prefix(&k->addr.in6, &f->key.saddr.in6,
					 k->prefix_len);
		}
		break;
	}
}

static void veer_agg_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct veer_agg, rcu));
}

void veer_agg_put(struct veer_agg *a)
{
	if (refcount_dec_and_test(&a->ref))
		call_rcu(&a->rcu, veer_agg_free_rcu);
}

/* Finds or creates the aggregate of @key, with a reference for the caller. */
static struct veer_agg *veer_agg_get(struct veer_net *vn,
				     const struct veer_agg_key *key)
{
	struct veer_agg *a, *old;

	rcu_read_lock();
	a = rhashtable_lookup(&vn->agg_table, key, veer_agg_params);
	if (a && !refcount_inc_not_zero(&a->ref))
		a = NULL;
	rcu_read_unlock();
	if (a)
		return a;

	if (atomic_read(&vn->n_aggs) >= READ_ONCE(vn->cfg.agg_max)) {
		veer_count(vn, VEER_STAT_AGGS_EVICTED);
		return NULL;
	}
	a = kzalloc(sizeof(*a), GFP_ATOMIC);
	if (!a)
		return NULL;
	a->key = *key;
	spin_lock_init(&a->lock);
	refcount_set(&a->ref, 2);	/* the table's and the caller's */
	a->last = jiffies;
	a->lease.level = -1;

	spin_lock_bh(&vn->flow_lock);
	old = rhashtable_lookup_get_insert_fast(&vn->agg_table, &a->node,
						veer_agg_params);
	if (!old) {
		list_add_tail(&a->list, &vn->aggs);
		atomic_inc(&vn->n_aggs);
		vn->agg_gen = vn->agg_gen + 1 ?: 1;
	} else if (IS_ERR(old) || !refcount_inc_not_zero(&old->ref)) {
		old = ERR_PTR(-ENOENT);
	}
	spin_unlock_bh(&vn->flow_lock);
	if (old) {
		kfree(a);
		return IS_ERR(old) ? NULL : old;
	}
	return a;
}

bool veer_agg_qualifies(const struct veer_net *vn, const struct veer_agg *a)
{
	u32 active = max(atomic_read(&a->active), 1);

	if (a->lease.expires && a->lease.level >= 0)
		return a->lease.level >= a->key.level;
	return div_u64(READ_ONCE(a->rate), active) < READ_ONCE(vn->cfg.gran_bw) &&
	       READ_ONCE(a->duration_ms) >= READ_ONCE(vn->cfg.gran_duration) &&
	       READ_ONCE(a->freq) < READ_ONCE(vn->cfg.gran_freq);
}

/*
 * Joins @f to its aggregates and returns the level to track it at: the
 * highest level whose aggregate qualifies, each level below qualifying too.
 */
u8 veer_agg_attach(struct veer_net *vn, struct veer_flow *f, u32 mark)
{
	u8 max = min_t(u8, READ_ONCE(vn->cfg.gran_max_level), VEER_LEVEL_MAX);
	struct veer_agg_key key;
	bool climbing = true;
	u8 level = 0, l;

	for (l = 1; l <= max; l++) {
		struct veer_agg *a;

		veer_agg_key_make(vn, f, l, mark, &key);
		a = veer_agg_get(vn, &key);
		f->agg[l - 1] = a;
		if (!a) {
			climbing = false;
			continue;
		}
		/* Judge the aggregate before this flow joins it. */
		if (climbing && veer_agg_qualifies(vn, a))
			level = l;
		else
			climbing = false;
		atomic_inc(&a->active);
		atomic_inc(&a->new_conns);
		atomic64_inc(&a->conns);
		WRITE_ONCE(a->last, jiffies);
	}
	return level;
}

/* Adds what @f carried since the last fold (totals given) to its aggs. */
void veer_agg_fold(struct veer_flow *f, u64 packets, u64 bytes)
{
	u64 dp = packets - f->agg_packets, db = bytes - f->agg_bytes;
	int i;

	if (!dp && !db)
		return;
	f->agg_packets = packets;
	f->agg_bytes = bytes;
	for (i = 0; i < VEER_AGG_LEVELS; i++) {
		struct veer_agg *a = f->agg[i];

		if (!a)
			continue;
		spin_lock_bh(&a->lock);
		a->packets += dp;
		a->bytes += db;
		a->last = jiffies;
		spin_unlock_bh(&a->lock);
	}
}

/* The flow GC tells each aggregate how old its live connections are. */
void veer_agg_note_age(struct veer_flow *f, u32 age_ms)
{
	int i;

	for (i = 0; i < VEER_AGG_LEVELS; i++) {
		struct veer_agg *a = f->agg[i];

		if (!a)
			continue;
		spin_lock_bh(&a->lock);
		a->age_acc_ms += age_ms;
		a->age_n++;
		spin_unlock_bh(&a->lock);
	}
}

/* @f is gone: its last traffic, its duration, its references. */
void veer_agg_detach(struct veer_net *vn, struct veer_flow *f)
{
	u32 ms = jiffies_to_msecs(jiffies - f->start);
	u64 packets, bytes;
	int i;

	spin_lock_bh(&f->lock);
	packets = f->packets[0] + f->packets[1];
	bytes = f->bytes[0] + f->bytes[1];
	spin_unlock_bh(&f->lock);
	veer_agg_fold(f, packets, bytes);

	for (i = 0; i < VEER_AGG_LEVELS; i++) {
		struct veer_agg *a = f->agg[i];

		if (!a)
			continue;
		f->agg[i] = NULL;
		spin_lock_bh(&a->lock);
		a->ended++;
		/* EWMA of finished connections' durations, weight 1/4. */
		a->avg_duration_ms = a->ended == 1 ? ms :
				     (3 * (u64)a->avg_duration_ms + ms) >> 2;
		spin_unlock_bh(&a->lock);
		atomic_dec(&a->active);
		veer_agg_put(a);
	}
}

static void veer_agg_unlink_locked(struct veer_net *vn, struct veer_agg *a)
{
	a->dead = true;
	rhashtable_remove_fast(&vn->agg_table, &a->node, veer_agg_params);
	list_del(&a->list);
	atomic_dec(&vn->n_aggs);
	vn->agg_gen = vn->agg_gen + 1 ?: 1;
}

/* Once a second, from the flow GC. */
void veer_agg_gc(struct veer_net *vn)
{
	unsigned long now = jiffies;
	struct veer_agg *a, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&vn->flow_lock);
	list_for_each_entry_safe(a, tmp, &vn->aggs, list) {
		unsigned long elapsed = now - a->gc_time ?: 1;
		u32 n = atomic_xchg(&a->new_conns, 0);
		u64 inst, per_min;

		if (!a->gc_time) {
			/* First pass: no interval to measure over yet. */
			a->gc_time = now;
			atomic_add(n, &a->new_conns);
			continue;
		}
		a->gc_time = now;
		spin_lock(&a->lock);
		inst = div64_ul((a->bytes - a->gc_bytes) * HZ, elapsed);
		a->gc_bytes = a->bytes;
		a->rate = a->rate ? (3 * a->rate + inst) >> 2 : inst;
		per_min = div64_ul((u64)n * 60 * HZ, elapsed);
		a->freq = a->freq ? (3 * (u64)a->freq + per_min) >> 2 : per_min;
		/* Expected duration: finished ones, or the live ones' age. */
		a->duration_ms = max_t(u32, a->avg_duration_ms,
				       a->age_n ? div_u64(a->age_acc_ms, a->age_n) : 0);
		a->age_acc_ms = 0;
		a->age_n = 0;
		if (a->lease.expires && time_after(now, a->lease.expires)) {
			memset(&a->lease, 0, sizeof(a->lease));
			a->lease.level = -1;
			veer_count(vn, VEER_STAT_LEASES_EXPIRED);
		}
		spin_unlock(&a->lock);

		if (!atomic_read(&a->active) && !a->lease.expires &&
		    time_after(now, READ_ONCE(a->last) + VEER_AGG_IDLE)) {
			veer_agg_unlink_locked(vn, a);
			list_add(&a->list, &gone);
		}
	}
	spin_unlock_bh(&vn->flow_lock);

	list_for_each_entry_safe(a, tmp, &gone, list)
		veer_agg_put(a);
}

int veer_agg_net_init(struct veer_net *vn)
{
	INIT_LIST_HEAD(&vn->aggs);
	vn->agg_gen = 1;
	return rhashtable_init(&vn->agg_table, &veer_agg_params);
}

/* After every flow has let go of its aggregates. */
void veer_agg_net_exit(struct veer_net *vn)
{
	struct veer_agg *a, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&vn->flow_lock);
	list_for_each_entry_safe(a, tmp, &vn->aggs, list) {
		veer_agg_unlink_locked(vn, a);
		list_add(&a->list, &gone);
	}
	spin_unlock_bh(&vn->flow_lock);
	list_for_each_entry_safe(a, tmp, &gone, list)
		veer_agg_put(a);
	rhashtable_destroy(&vn->agg_table);
}

void __init veer_agg_init(void)
{
	get_random_bytes(&veer_agg_hash_key, sizeof(veer_agg_hash_key));
}
