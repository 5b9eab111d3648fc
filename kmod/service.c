// SPDX-License-Identifier: GPL-2.0
/*
 * veer: services, their hosts, and peers.
 *
 * Writers hold veer_net->lock; the packet path walks the lists under RCU.
 * Services are kept most specific first (longest prefix, then a given port
 * before "every port") so the first match is the best one.
 */
#include <linux/slab.h>
#include <linux/inet.h>
#include <linux/inetdevice.h>
#include <net/ipv6.h>

#include "veer.h"

static void veer_obj_get(void)
{
	atomic_long_inc(&veer_live_objects);
}

static void veer_obj_put(void)
{
	atomic_long_dec(&veer_live_objects);
}

static bool veer_addr_equal(u16 family, const union nf_inet_addr *a,
			    const union nf_inet_addr *b)
{
	if (family == AF_INET)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->in6, &b->in6);
}

static bool veer_prefix_match(u16 family, const union nf_inet_addr *net,
			      u8 plen, const union nf_inet_addr *addr)
{
	if (family == AF_INET)
		return !((net->ip ^ addr->ip) & inet_make_mask(plen));
	return ipv6_prefix_equal(&net->in6, &addr->in6, plen);
}

void veer_obj_stats_add(struct veer_obj_stats __percpu *stats, u64 bytes,
			bool new_conn)
{
	struct veer_obj_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, bytes);
	if (new_conn)
		u64_stats_inc(&s->conns);
	u64_stats_update_end(&s->syncp);
}

void veer_obj_stats_read(struct veer_obj_stats __percpu *stats,
			 struct veer_obj_totals *t)
{
	int cpu;

	memset(t, 0, sizeof(*t));
	for_each_possible_cpu(cpu) {
		const struct veer_obj_stats *s = per_cpu_ptr(stats, cpu);
		u64 packets, bytes, conns;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			packets = u64_stats_read(&s->packets);
			bytes = u64_stats_read(&s->bytes);
			conns = u64_stats_read(&s->conns);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		t->packets += packets;
		t->bytes += bytes;
		t->conns += conns;
	}
}

static struct veer_obj_stats __percpu *veer_obj_stats_alloc(void)
{
	struct veer_obj_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct veer_obj_stats);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/* ---- services ---- */

struct veer_service *veer_service_find(struct veer_net *vn, const char *name)
{
	struct veer_service *svc;

	list_for_each_entry(svc, &vn->services, list)
		if (!strcmp(svc->name, name))
			return svc;
	return NULL;
}

struct veer_service *veer_service_find_endpoint(struct veer_net *vn,
						const struct veer_service *key)
{
	struct veer_service *svc;

	list_for_each_entry(svc, &vn->services, list)
		if (svc->family == key->family &&
		    svc->proto == key->proto && svc->port == key->port &&
		    svc->prefix_len == key->prefix_len &&
		    veer_addr_equal(svc->family, &svc->addr, &key->addr))
			return svc;
	return NULL;
}

struct veer_service *veer_service_alloc(void)
{
	struct veer_service *svc;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		return NULL;
	svc->stats = veer_obj_stats_alloc();
	svc->cookie_stats = alloc_percpu(struct veer_cookie_stats);
	if (!svc->stats || !svc->cookie_stats) {
		free_percpu(svc->stats);
		free_percpu(svc->cookie_stats);
		kfree(svc);
		return NULL;
	}
	svc->syn_window = jiffies;
	INIT_LIST_HEAD(&svc->hosts);
	veer_obj_get();
	return svc;
}

static void veer_service_free_rcu(struct rcu_head *head)
{
	struct veer_service *svc = container_of(head, struct veer_service, rcu);

	free_percpu(svc->stats);
	free_percpu(svc->cookie_stats);
	kfree(svc);
	veer_obj_put();
}

/* Frees a service that was never inserted or that has been removed. */
void veer_service_free(struct veer_service *svc)
{
	call_rcu(&svc->rcu, veer_service_free_rcu);
}

static bool veer_service_more_specific(const struct veer_service *a,
				       const struct veer_service *b)
{
	if (a->prefix_len != b->prefix_len)
		return a->prefix_len > b->prefix_len;
	return a->port && !b->port;
}

int veer_service_insert(struct veer_net *vn, struct veer_service *svc)
{
	struct veer_service *pos;
	int id, err;

	err = veer_hooks_get(vn);
	if (err)
		return err;
	id = idr_alloc_cyclic(&vn->service_ids, svc, 1, 0, GFP_KERNEL);
	if (id < 0) {
		veer_hooks_update(vn);
		return id;
	}
	svc->id = id;

	list_for_each_entry(pos, &vn->services, list)
		if (veer_service_more_specific(svc, pos))
			break;
	/* Before pos; at the tail when the walk ran off the end. */
	list_add_tail_rcu(&svc->list, &pos->list);
	WRITE_ONCE(vn->n_services, vn->n_services + 1);
	return 0;
}

void veer_service_remove(struct veer_net *vn, struct veer_service *svc)
{
	struct veer_host *h, *tmp;

	list_for_each_entry_safe(h, tmp, &svc->hosts, list) {
		veer_host_remove(h);
		veer_host_free(h);
	}
	list_del_rcu(&svc->list);
	idr_remove(&vn->service_ids, svc->id);
	WRITE_ONCE(vn->n_services, vn->n_services - 1);
	veer_hooks_update(vn);
}

struct veer_service *veer_service_match(struct veer_net *vn, u16 family,
					const union nf_inet_addr *daddr,
					u8 proto, __be16 dport)
{
	struct veer_service *svc;

	list_for_each_entry_rcu(svc, &vn->services, list) {
		if (svc->family != family || svc->proto != proto)
			continue;
		if (svc->port && svc->port != dport)
			continue;
		if (veer_prefix_match(family, &svc->addr, svc->prefix_len,
				      daddr))
			return svc;
	}
	return NULL;
}

/* ---- hosts ---- */

struct veer_host *veer_host_find(struct veer_service *svc, u16 family,
				 const union nf_inet_addr *addr, __be16 port)
{
	struct veer_host *h;

	list_for_each_entry(h, &svc->hosts, list)
		if (h->family == family && h->port == port &&
		    veer_addr_equal(family, &h->addr, addr))
			return h;
	return NULL;
}

struct veer_host *veer_host_alloc(void)
{
	struct veer_host *h;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	h->stats = veer_obj_stats_alloc();
	if (!h->stats) {
		kfree(h);
		return NULL;
	}
	veer_obj_get();
	return h;
}

static void veer_host_free_rcu(struct rcu_head *head)
{
	struct veer_host *h = container_of(head, struct veer_host, rcu);

	free_percpu(h->stats);
	kfree(h);
	veer_obj_put();
}

void veer_host_free(struct veer_host *h)
{
	call_rcu(&h->rcu, veer_host_free_rcu);
}

void veer_host_insert(struct veer_service *svc, struct veer_host *h)
{
	h->svc = svc;
	list_add_tail_rcu(&h->list, &svc->hosts);
	WRITE_ONCE(svc->n_hosts, svc->n_hosts + 1);
}

void veer_host_remove(struct veer_host *h)
{
	list_del_rcu(&h->list);
	WRITE_ONCE(h->svc->n_hosts, h->svc->n_hosts - 1);
}

/* ---- peers ---- */

struct veer_peer *veer_peer_find(struct veer_net *vn, u16 family,
				 const union nf_inet_addr *addr)
{
	struct veer_peer *p;

	list_for_each_entry(p, &vn->peers, list)
		if (p->family == family && veer_addr_equal(family, &p->addr, addr))
			return p;
	return NULL;
}

struct veer_peer *veer_peer_alloc(void)
{
	struct veer_peer *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (p)
		veer_obj_get();
	return p;
}

static void veer_peer_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct veer_peer, rcu));
	veer_obj_put();
}

void veer_peer_insert(struct veer_net *vn, struct veer_peer *p)
{
	list_add_tail_rcu(&p->list, &vn->peers);
	WRITE_ONCE(vn->n_peers, vn->n_peers + 1);
}

void veer_peer_remove(struct veer_net *vn, struct veer_peer *p)
{
	list_del_rcu(&p->list);
	WRITE_ONCE(vn->n_peers, vn->n_peers - 1);
	call_rcu(&p->rcu, veer_peer_free_rcu);
}

/* Namespace exit: drop everything. */
void veer_objects_flush(struct veer_net *vn)
{
	struct veer_service *svc, *stmp;
	struct veer_peer *p, *ptmp;

	list_for_each_entry_safe(svc, stmp, &vn->services, list) {
		veer_service_remove(vn, svc);
		veer_service_free(svc);
	}
	list_for_each_entry_safe(p, ptmp, &vn->peers, list)
		veer_peer_remove(vn, p);
}
