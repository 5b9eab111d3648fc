// SPDX-License-Identifier: GPL-2.0
/*
 * veer: the flow table.
 *
 * One record per connection crossing a service (or every forwarded
 * connection with track-all), keyed by conntrack's original tuple and zone,
 * in an rhashtable hashed with a boot-time SipHash key.  A record is tied to
 * its conntrack entry by pointer identity (never dereferenced) and reaped by
 * veer's own GC when conntrack no longer has that entry: a module cannot
 * hook conntrack's destruction without taking ctnetlink's event notifier
 * (see Documentation/design.md).
 *
 * Bounded: at cfg.flow_max a new record evicts one first, the oldest that
 * never saw a reply (a SYN flood's), else the oldest established one that
 * has been idle for a second (second chance), else the oldest.  Lookups are
 * lockless (RCU); insertion, eviction and reaping take flow_lock, which also
 * orders the two LRU lists.
 *
 * Level-0 records carry a profile (sequence numbers, windows, options, RTT);
 * records at higher levels only count, and feed their aggregates (agg.c).
 */
#include <linux/slab.h>
#include <linux/siphash.h>
#include <linux/rhashtable.h>
#include <linux/tcp.h>
#include <net/tcp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "veer.h"

#define VEER_GC_INTERVAL	HZ
/* A record younger than this may belong to a ct that is not confirmed yet. */
#define VEER_GC_GRACE		HZ
#define VEER_SECOND_CHANCE	8
/* An RTT probe not echoed within this long is abandoned. */
#define VEER_TS_PROBE_MAX_NS	(2 * NSEC_PER_SEC)

static struct kmem_cache *veer_flow_cache __read_mostly;
static struct kmem_cache *veer_prof_cache __read_mostly;
static hsiphash_key_t veer_flow_hash_key __read_mostly;

/*
 * The key comes from the wire: a keyed hash, so that nobody can aim flows
 * at one bucket.  HalfSipHash (SipHash-1-3 on 64-bit) is the kernel's
 * choice for hash tables: half the rounds of SipHash, on every packet.
 */
static u32 veer_flow_hash(const void *data, u32 len, u32 seed)
{
	return hsiphash(data, len, &veer_flow_hash_key) ^ seed;
}

static const struct rhashtable_params veer_flow_params = {
	.head_offset		= offsetof(struct veer_flow, node),
	.key_offset		= offsetof(struct veer_flow, key),
	.key_len		= sizeof(struct veer_flow_key),
	.hashfn			= veer_flow_hash,
	.automatic_shrinking	= true,
};

size_t veer_flow_record_size(bool with_profile)
{
	return kmem_cache_size(veer_flow_cache) +
	       (with_profile ? kmem_cache_size(veer_prof_cache) : 0);
}

static void veer_flow_key_from_ct(const struct nf_conn *ct,
				  struct veer_flow_key *k)
{
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	memset(k, 0, sizeof(*k));
	k->family = t->src.l3num;	/* NFPROTO_IPV4/6 equal AF_INET/6 */
	k->saddr = t->src.u3;
	k->daddr = t->dst.u3;
	k->sport = t->src.u.all;
	k->dport = t->dst.u.all;
	k->proto = t->dst.protonum;
	k->zone = nf_ct_zone_id(nf_ct_zone(ct), IP_CT_DIR_ORIGINAL);
}

struct veer_flow *veer_flow_lookup(struct veer_net *vn,
				   const struct veer_flow_key *key)
{
	if (!vn->flows_ready)
		return NULL;
	return rhashtable_lookup(&vn->flows, key, veer_flow_params);
}

void veer_lease_from_ttl(struct veer_lease *l, u32 ttl_ms)
{
	/* jiffies 0 means "no lease": never store it as an expiry. */
	l->expires = (jiffies + msecs_to_jiffies(ttl_ms)) ?: 1;
}

static void veer_flow_free_rcu(struct rcu_head *head)
{
	struct veer_flow *f = container_of(head, struct veer_flow, rcu);

	if (f->prof)
		kmem_cache_free(veer_prof_cache, f->prof);
	kmem_cache_free(veer_flow_cache, f);
}

/*
 * Unlinks @f from the table and the lists; the caller holds flow_lock.
 * Returns false when somebody else got there first.
 */
static bool veer_flow_unlink_locked(struct veer_net *vn, struct veer_flow *f)
{
	if (f->dead)
		return false;
	f->dead = true;
	rhashtable_remove_fast(&vn->flows, &f->node, veer_flow_params);
	list_del(&f->lru);
	atomic_dec(&vn->n_flows);
	atomic_dec(&vn->n_level[f->level]);
	return true;
}

/* After unlinking: tell listeners, settle the aggregates, free after RCU. */
static void veer_flow_retire(struct veer_net *vn, struct veer_flow *f,
			     enum veer_stat why)
{
	veer_count(vn, why);
	veer_flow_event(vn, f, VEER_EVENT_FLOW_END);
	veer_agg_detach(vn, f);
	call_rcu(&f->rcu, veer_flow_free_rcu);
}

static void veer_flow_remove(struct veer_net *vn, struct veer_flow *f,
			     enum veer_stat why)
{
	bool mine;

	spin_lock_bh(&vn->flow_lock);
	mine = veer_flow_unlink_locked(vn, f);
	spin_unlock_bh(&vn->flow_lock);
	if (mine)
		veer_flow_retire(vn, f, why);
}

/* The least valuable record, or NULL; flow_lock held. */
static struct veer_flow *veer_flow_victim(struct veer_net *vn)
{
	struct veer_flow *f;
	int i;

	f = list_first_entry_or_null(&vn->flows_new, struct veer_flow, lru);
	if (f)
		return f;
	for (i = 0; i < VEER_SECOND_CHANCE; i++) {
		f = list_first_entry_or_null(&vn->flows_est, struct veer_flow,
					     lru);
		if (!f)
			return NULL;
		if (time_after_eq(jiffies, READ_ONCE(f->last) + HZ))
			return f;
		list_move_tail(&f->lru, &vn->flows_est);
	}
	return list_first_entry_or_null(&vn->flows_est, struct veer_flow, lru);
}

static void veer_flow_evict_one(struct veer_net *vn)
{
	struct veer_flow *f;

	spin_lock_bh(&vn->flow_lock);
	f = veer_flow_victim(vn);
	if (f && !veer_flow_unlink_locked(vn, f))
		f = NULL;
	spin_unlock_bh(&vn->flow_lock);
	if (f)
		veer_flow_retire(vn, f, VEER_STAT_FLOWS_EVICTED);
}

/* Returns the flow's record; *created says whether this call made it. */
static struct veer_flow *veer_flow_create(struct veer_net *vn,
					  struct nf_conn *ct,
					  const struct veer_flow_key *key,
					  enum ip_conntrack_dir dir,
					  bool *created)
{
	struct veer_service *svc;
	struct veer_flow *f, *old;
	u32 mark = 0;

	svc = veer_service_match(vn, key->family, &key->daddr, key->proto,
				 key->dport);
	if (!svc && !READ_ONCE(vn->cfg.track_all))
		return NULL;

	if (atomic_read(&vn->n_flows) >= READ_ONCE(vn->cfg.flow_max))
		veer_flow_evict_one(vn);

	f = kmem_cache_zalloc(veer_flow_cache, GFP_ATOMIC);
	if (!f) {
		veer_count(vn, VEER_STAT_FLOWS_NOMEM);
		return NULL;
	}
	f->key = *key;
	spin_lock_init(&f->lock);
	f->ct = ct;
	f->ct_id = nf_ct_get_id(ct);
	f->svc_id = svc ? svc->id : 0;
	if (svc && key->proto == IPPROTO_TCP)
		veer_handshake_annotate(vn, svc, f, ct);
	f->start = jiffies;
	f->last = f->start;
	f->lease.level = -1;
	f->replied = dir == IP_CT_DIR_REPLY || test_bit(IPS_SEEN_REPLY_BIT,
							&ct->status);
#if IS_ENABLED(CONFIG_NF_CONNTRACK_MARK)
	mark = READ_ONCE(ct->mark);
#endif
	if (READ_ONCE(vn->cfg.gran_max_level))
		f->level = veer_agg_attach(vn, f, mark);
	if (!f->level) {
		f->prof = kmem_cache_zalloc(veer_prof_cache, GFP_ATOMIC);
		if (!f->prof)
			veer_count(vn, VEER_STAT_FLOWS_NOMEM);
	}

	spin_lock_bh(&vn->flow_lock);
	old = rhashtable_lookup_get_insert_fast(&vn->flows, &f->node,
						veer_flow_params);
	if (!old) {
		list_add_tail(&f->lru, f->replied ? &vn->flows_est :
						    &vn->flows_new);
		atomic_inc(&vn->n_flows);
		atomic_inc(&vn->n_level[f->level]);
	}
	spin_unlock_bh(&vn->flow_lock);

	if (old) {
		/* Another CPU inserted it first, or the table is full. */
		if (IS_ERR(old))
			veer_count(vn, VEER_STAT_FLOWS_NOMEM);
		veer_agg_detach(vn, f);
		veer_flow_free_rcu(&f->rcu);	/* never visible */
		if (IS_ERR(old) || old->ct != ct || READ_ONCE(old->dead))
			return NULL;
		return old;
	}
	veer_count(vn, VEER_STAT_FLOWS_NEW);
	*created = true;
	return f;
}

/* TCP options of a segment: only those veer profiles. */
struct veer_tcpopt {
	u16 mss;
	u8 wscale;
	u8 opts;		/* VEER_OPT_* */
	u32 tsval;
	u32 tsecr;
};

static void veer_parse_tcpopt(const u8 *p, int len, struct veer_tcpopt *o)
{
	while (len > 0) {
		int kind = p[0], olen;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			return;
		olen = p[1];
		if (olen < 2 || olen > len)
			return;		/* malformed: stop, trust nothing more */
		switch (kind) {
		case TCPOPT_MSS:
			if (olen == TCPOLEN_MSS)
				o->mss = get_unaligned_be16(p + 2);
			break;
		case TCPOPT_WINDOW:
			if (olen == TCPOLEN_WINDOW) {
				o->wscale = min_t(u8, p[2], TCP_MAX_WSCALE);
				o->opts |= VEER_OPT_WSCALE;
			}
			break;
		case TCPOPT_SACK_PERM:
			if (olen == TCPOLEN_SACK_PERM)
				o->opts |= VEER_OPT_SACK;
			break;
		case TCPOPT_TIMESTAMP:
			if (olen == TCPOLEN_TIMESTAMP) {
				o->tsval = get_unaligned_be32(p + 2);
				o->tsecr = get_unaligned_be32(p + 6);
				o->opts |= VEER_OPT_TS;
			}
			break;
		}
		p += olen;
		len -= olen;
	}
}

static u32 veer_ewma_rtt(u32 srtt, u32 sample)
{
	/* As TCP: 7/8 old, 1/8 new; the first sample stands alone. */
	return srtt ? srtt - (srtt >> 3) + (sample >> 3) : sample;
}

/*
 * The clock, read once per segment and only when a timing needs it: at the
 * start of an RTT probe and at its echo, a few times a round trip, rather
 * than on every segment.  *now is 0 until then.
 */
static ktime_t veer_flow_now(ktime_t *now)
{
	if (!*now)
		*now = ktime_get();
	return *now;
}

/* RTT from timestamps: a probe per direction, answered by the echo. */
static void veer_flow_ts(struct veer_fdir *d, struct veer_fdir *o,
			 const struct veer_tcpopt *opt, ktime_t *now)
{
	/*
	 * Our side's probe: the first tsval not yet echoed.  A new tsval
	 * starts one when the last probe was echoed or passed over, or has
	 * waited too long.
	 */
	if (!d->tsval_time ||
	    (opt->tsval != d->tsval &&
	     (d->ts_sampled ||
	      ktime_to_ns(ktime_sub(veer_flow_now(now), d->tsval_time)) >
	      VEER_TS_PROBE_MAX_NS))) {
		d->tsval = opt->tsval;
		d->tsval_time = veer_flow_now(now);
		d->ts_sampled = false;
	}
	/* The other side's probe, echoed by this segment. */
	if (o->tsval_time && !o->ts_sampled && opt->tsecr == o->tsval) {
		s64 us = ktime_us_delta(veer_flow_now(now), o->tsval_time);

		if (us >= 0 && us < U32_MAX)
			o->srtt_us = veer_ewma_rtt(o->srtt_us, us);
		o->ts_sampled = true;
	} else if (o->tsval_time && !o->ts_sampled &&
		   after(opt->tsecr, o->tsval)) {
		/* The probe was passed over: start a new one. */
		o->ts_sampled = true;
	}
}

/*
 * A profile that did not see the handshake (the module or the profile came
 * later) takes the window scales and options conntrack recorded from it.
 */
static void veer_flow_seed(struct veer_flow_profile *p, const struct nf_conn *ct)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct ip_ct_tcp_state *st = &ct->proto.tcp.seen[i];

		p->dir[i].opts = 0;
		if (st->flags & IP_CT_TCP_FLAG_WINDOW_SCALE) {
			p->dir[i].wscale = st->td_scale;
			p->dir[i].opts |= VEER_OPT_WSCALE;
		}
		if (st->flags & IP_CT_TCP_FLAG_SACK_PERM)
			p->dir[i].opts |= VEER_OPT_SACK;
	}
	p->seeded = true;
}

/* Segments of a connection being torn down may lawfully overrun. */
static bool veer_tcp_open(u8 state)
{
	return state >= TCP_CONNTRACK_ESTABLISHED &&
	       state <= TCP_CONNTRACK_LAST_ACK;
}

static void veer_flow_tcp(struct veer_net *vn, struct veer_flow *f,
			  const struct nf_conn *ct, const struct sk_buff *skb,
			  enum ip_conntrack_dir dir, unsigned int thoff)
{
	struct veer_flow_profile *p = f->prof;
	struct veer_fdir *d = &p->dir[dir], *o = &p->dir[!dir];
	struct veer_tcpopt opt = {};
	u8 _opt[MAX_TCP_OPTION_SPACE];
	const struct tcphdr *th;
	struct tcphdr _th;
	ktime_t now = 0;
	int optlen;
	u32 seq;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || th->doff < sizeof(_th) / 4) {
		veer_count(vn, VEER_STAT_BAD_HDR);
		return;
	}
	optlen = th->doff * 4 - sizeof(_th);
	if (optlen) {
		const u8 *op = skb_header_pointer(skb, thoff + sizeof(_th),
						  optlen, _opt);

		if (!op) {
			veer_count(vn, VEER_STAT_BAD_HDR);
			return;
		}
		veer_parse_tcpopt(op, optlen, &opt);
	}

	seq = ntohl(th->seq);
	if (!th->syn && !p->hs_state && !p->seeded &&
	    READ_ONCE(ct->proto.tcp.state) >= TCP_CONNTRACK_ESTABLISHED)
		veer_flow_seed(p, ct);
	if (!th->syn && !th->rst) {
		if (!th->window)
			veer_count(vn, VEER_STAT_ZERO_WINDOW);
		/*
		 * Beyond the right edge the other side last advertised; only
		 * once its window scale is known (handshake seen or seeded).
		 */
		if (o->ack && (p->hs_state >= 2 || p->seeded) &&
		    veer_tcp_open(READ_ONCE(ct->proto.tcp.state)) &&
		    after(seq, o->ack + (o->win << o->wscale)))
			veer_count(vn, VEER_STAT_OUT_OF_WINDOW);
	}
	d->seq = seq;
	/* The window's right edge only moves on an ACK that is not older. */
	if (th->ack) {
		u32 ack = ntohl(th->ack_seq);

		if (!d->ack || !before(ack, d->ack)) {
			d->ack = ack;
			d->win = ntohs(th->window);
		}
	} else {
		d->win = ntohs(th->window);
	}

	if (th->syn) {
		d->mss = opt.mss;
		d->opts = opt.opts;
		d->wscale = opt.opts & VEER_OPT_WSCALE ? opt.wscale : 0;
		if (!th->ack && dir == IP_CT_DIR_ORIGINAL) {
			p->syn_time = veer_flow_now(&now);
			p->hs_state = 1;
		} else if (th->ack && dir == IP_CT_DIR_REPLY &&
			   p->hs_state == 1) {
			p->hs_state = 2;
		}
	} else if (th->ack && dir == IP_CT_DIR_ORIGINAL && p->hs_state == 2) {
		s64 us = ktime_us_delta(veer_flow_now(&now), p->syn_time);

		p->rtt_syn_us = clamp_t(s64, us, 0, U32_MAX);
		p->hs_state = 3;
	}
	/* Window scaling applies only when both sides offered it. */
	if (!(d->opts & o->opts & VEER_OPT_WSCALE) && !th->syn)
		d->wscale = 0;
	if (opt.opts & VEER_OPT_TS)
		veer_flow_ts(d, o, &opt, &now);
}

/* A packet of @f's connection: its counters, and its profile at level 0. */
static void veer_flow_account(struct veer_net *vn, struct veer_flow *f,
			      const struct nf_conn *ct,
			      const struct sk_buff *skb,
			      enum ip_conntrack_dir dir, unsigned int thoff)
{
	spin_lock(&f->lock);
	f->packets[dir]++;
	f->bytes[dir] += skb->len;
	WRITE_ONCE(f->last, jiffies);
	if (nf_ct_protonum(ct) == IPPROTO_TCP) {
		f->tcp_state = READ_ONCE(ct->proto.tcp.state);
		if (f->prof)
			veer_flow_tcp(vn, f, ct, skb, dir, thoff);
	}
	spin_unlock(&f->lock);
}

/* The first reply: @f moves to the established list (second chance). */
static void veer_flow_mark_replied(struct veer_net *vn, struct veer_flow *f)
{
	spin_lock(&vn->flow_lock);
	if (!f->dead && !f->replied) {
		f->replied = true;
		list_move_tail(&f->lru, &vn->flows_est);
	}
	spin_unlock(&vn->flow_lock);
}

void veer_flow_packet(struct veer_net *vn, struct sk_buff *skb,
		      struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		      unsigned int thoff)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct veer_flow_key key;
	struct veer_flow *f;
	u8 proto = nf_ct_protonum(ct);
	bool created = false;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return;
	if (!vn->flows_ready)
		return;
	veer_flow_key_from_ct(ct, &key);
	f = rhashtable_lookup(&vn->flows, &key, veer_flow_params);
	if (f && f->ct != ct) {
		/* The tuple now belongs to a new connection. */
		veer_flow_remove(vn, f, VEER_STAT_FLOWS_RECYCLED);
		f = NULL;
	}
	if (!f) {
		f = veer_flow_create(vn, ct, &key, dir, &created);
		if (!f)
			return;
	} else if (READ_ONCE(f->dead)) {
		return;
	}

	veer_flow_account(vn, f, ct, skb, dir, thoff);

	/* Announced once its first packet is counted. */
	if (created)
		veer_flow_event(vn, f, VEER_EVENT_FLOW_NEW);

	if (dir == IP_CT_DIR_REPLY && !READ_ONCE(f->replied))
		veer_flow_mark_replied(vn, f);
}

void veer_flow_set_lease(struct veer_net *vn, struct veer_flow *f,
			 const struct veer_lease *lease)
{
	spin_lock_bh(&f->lock);
	f->lease = *lease;
	spin_unlock_bh(&f->lock);
}

/* ---- garbage collection ---- */

static bool veer_flow_ct_alive(struct net *net, const struct veer_flow *f)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple t;
	struct nf_conntrack_zone zone;
	struct nf_conn *ct;
	bool alive;

	memset(&t, 0, sizeof(t));
	t.src.l3num = f->key.family;
	t.src.u3 = f->key.saddr;
	t.dst.u3 = f->key.daddr;
	t.src.u.all = f->key.sport;
	t.dst.u.all = f->key.dport;
	t.dst.protonum = f->key.proto;
	t.dst.dir = IP_CT_DIR_ORIGINAL;
	nf_ct_zone_init(&zone, f->key.zone, NF_CT_DEFAULT_ZONE_DIR, 0);

	h = nf_conntrack_find_get(net, &zone, &t);
	if (!h)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(h);
	alive = ct == f->ct && !nf_ct_is_dying(ct);
	nf_ct_put(ct);
	return alive;
}

/* The level @f should move to this pass: one step at a time. */
static u8 veer_flow_target_level(struct veer_net *vn, struct veer_flow *f,
				 unsigned long now)
{
	u8 max = READ_ONCE(vn->cfg.gran_max_level);
	struct veer_agg *next;
	u8 want;

	if (f->lease.expires && f->lease.level >= 0)
		want = min_t(u8, f->lease.level, max);
	else if (f->rate >= READ_ONCE(vn->cfg.gran_bw))
		want = 0;
	else if (jiffies_to_msecs(now - f->start) <
		 READ_ONCE(vn->cfg.gran_duration))
		want = f->level;
	else
		want = max;

	if (want < f->level)
		return want;
	if (want == f->level)
		return f->level;
	/* Up one level, if that level's aggregate shows a low request rate. */
	next = f->agg[f->level];
	if (next && (f->lease.expires ||
		     READ_ONCE(next->freq) < READ_ONCE(vn->cfg.gran_freq)))
		return f->level + 1;
	return f->level;
}

static void veer_flow_set_level(struct veer_net *vn, struct veer_flow *f,
				u8 level)
{
	struct veer_flow_profile *prof = NULL, *old;

	/*
	 * The GC calls this inside its rhashtable walk, under
	 * rcu_read_lock(): no sleeping allocation.  On failure the flow
	 * goes without a profile; counted.
	 */
	if (!level) {
		prof = kmem_cache_zalloc(veer_prof_cache,
					 GFP_ATOMIC | __GFP_NOWARN);
		if (!prof)
			veer_count(vn, VEER_STAT_FLOWS_NOMEM);
	}
	spin_lock_bh(&f->lock);
	old = f->prof;
	f->prof = prof;
	atomic_dec(&vn->n_level[f->level]);
	WRITE_ONCE(f->level, level);
	atomic_inc(&vn->n_level[level]);
	spin_unlock_bh(&f->lock);
	if (old)
		kmem_cache_free(veer_prof_cache, old);
	veer_flow_event(vn, f, VEER_EVENT_FLOW_LEVEL);
}

static void veer_flow_gc_one(struct veer_net *vn, struct veer_flow *f,
			     unsigned long now, unsigned long elapsed)
{
	u64 bytes, packets, inst;
	u32 thresh;
	u8 level;

	if (READ_ONCE(f->dead))
		return;
	if (!veer_flow_ct_alive(vn->net, f)) {
		if (time_after(now, f->start + VEER_GC_GRACE))
			veer_flow_remove(vn, f, VEER_STAT_FLOWS_REAPED);
		return;
	}

	spin_lock_bh(&f->lock);
	bytes = f->bytes[0] + f->bytes[1];
	packets = f->packets[0] + f->packets[1];
	inst = div64_ul((bytes - f->gc_bytes) * HZ, elapsed ?: 1);
	f->gc_bytes = bytes;
	/* EWMA with weight 1/4 per second: smooth, yet follows a ramp. */
	f->rate = f->rate ? (3 * f->rate + inst) >> 2 : inst;
	f->peak_rate = max(f->peak_rate, inst);
	if (f->lease.expires && time_after(now, f->lease.expires)) {
		memset(&f->lease, 0, sizeof(f->lease));
		f->lease.level = -1;
		veer_count(vn, VEER_STAT_LEASES_EXPIRED);
	}
	spin_unlock_bh(&f->lock);

	veer_agg_fold(f, packets, bytes);
	veer_agg_note_age(f, jiffies_to_msecs(now - f->start));

	thresh = READ_ONCE(vn->cfg.flow_rate_thresh);
	if (thresh && f->rate >= thresh && !f->over_thresh) {
		f->over_thresh = true;
		veer_flow_event(vn, f, VEER_EVENT_FLOW_THRESH);
	} else if (f->over_thresh && f->rate < thresh) {
		f->over_thresh = false;
	}

	level = veer_flow_target_level(vn, f, now);
	if (level != f->level)
		veer_flow_set_level(vn, f, level);
}

static void veer_flow_gc(struct work_struct *work)
{
	struct veer_net *vn = container_of(to_delayed_work(work),
					   struct veer_net, gc_work);
	unsigned long now = jiffies, elapsed;
	struct rhashtable_iter iter;
	struct veer_flow *f;
	unsigned int n = 0;

	elapsed = now - vn->gc_last;
	vn->gc_last = now;

	/* A lowered bound takes effect here, not only on the next insert. */
	while (atomic_read(&vn->n_flows) > READ_ONCE(vn->cfg.flow_max))
		veer_flow_evict_one(vn);

	rhashtable_walk_enter(&vn->flows, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter))) {
		if (IS_ERR(f)) {
			if (PTR_ERR(f) == -EAGAIN)
				continue;
			break;
		}
		veer_flow_gc_one(vn, f, now, elapsed);
		if (!(++n % 256)) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);

	veer_agg_gc(vn);

	/* Idle namespaces cost nothing: stop until the hooks come back. */
	if (!READ_ONCE(vn->hooks_on) && !atomic_read(&vn->n_flows) &&
	    !atomic_read(&vn->n_aggs))
		return;
	if (!READ_ONCE(vn->gc_stop))
		queue_delayed_work(system_power_efficient_wq, &vn->gc_work,
				   VEER_GC_INTERVAL);
}

void veer_flow_gc_kick(struct veer_net *vn)
{
	WRITE_ONCE(vn->gc_stop, false);
	mod_delayed_work(system_power_efficient_wq, &vn->gc_work, 0);
}

/* ---- namespace and module ---- */

int veer_flow_net_init(struct veer_net *vn)
{
	int err;

	spin_lock_init(&vn->flow_lock);
	INIT_LIST_HEAD(&vn->flows_new);
	INIT_LIST_HEAD(&vn->flows_est);
	INIT_DELAYED_WORK(&vn->gc_work, veer_flow_gc);
	vn->gc_last = jiffies;
	err = rhashtable_init(&vn->flows, &veer_flow_params);
	if (err)
		return err;
	err = veer_agg_net_init(vn);
	if (err) {
		rhashtable_destroy(&vn->flows);
		return err;
	}
	vn->flows_ready = true;
	return 0;
}

/* Namespace exit, after the hooks are gone: nothing adds records now. */
void veer_flow_net_exit(struct veer_net *vn)
{
	struct veer_flow *f, *tmp;
	LIST_HEAD(dead);

	WRITE_ONCE(vn->gc_stop, true);
	cancel_delayed_work_sync(&vn->gc_work);

	spin_lock_bh(&vn->flow_lock);
	list_splice_init(&vn->flows_new, &dead);
	list_splice_init(&vn->flows_est, &dead);
	list_for_each_entry(f, &dead, lru) {
		f->dead = true;
		rhashtable_remove_fast(&vn->flows, &f->node, veer_flow_params);
	}
	spin_unlock_bh(&vn->flow_lock);

	list_for_each_entry_safe(f, tmp, &dead, lru) {
		veer_agg_detach(vn, f);
		call_rcu(&f->rcu, veer_flow_free_rcu);
	}
	atomic_set(&vn->n_flows, 0);
	vn->flows_ready = false;
	rhashtable_destroy(&vn->flows);
	veer_agg_net_exit(vn);
}

int __init veer_flow_init(void)
{
	get_random_bytes(&veer_flow_hash_key, sizeof(veer_flow_hash_key));
	veer_agg_init();
	veer_flow_cache = KMEM_CACHE(veer_flow, 0);
	if (!veer_flow_cache)
		return -ENOMEM;
	veer_prof_cache = KMEM_CACHE(veer_flow_profile, 0);
	if (!veer_prof_cache) {
		kmem_cache_destroy(veer_flow_cache);
		return -ENOMEM;
	}
	return 0;
}

/* After rcu_barrier(): every record has been freed. */
void veer_flow_exit(void)
{
	kmem_cache_destroy(veer_prof_cache);
	kmem_cache_destroy(veer_flow_cache);
}
