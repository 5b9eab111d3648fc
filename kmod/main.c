// SPDX-License-Identifier: GPL-2.0
/*
 * veer: predictive connection offload for Linux routers.
 *
 * Module entry: parameters, per-namespace state and the order in which the
 * subsystems come up and go down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "veer.h"

unsigned int veer_net_id __read_mostly;

/* Services, hosts, peers and key sets alive in every namespace: leak check. */
atomic_long_t veer_live_objects = ATOMIC_LONG_INIT(0);

unsigned int veer_default_flow_max = 65536;
unsigned int veer_default_event_rate = 1000;
unsigned short veer_default_gue_port = VEER_DEFAULT_GUE_PORT;

static int veer_param_set_nonzero(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (!v)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops veer_nonzero_ops = {
	.set = veer_param_set_nonzero,
	.get = param_get_uint,
};

static int veer_param_set_port(const char *val, const struct kernel_param *kp)
{
	unsigned short v;
	int err;

	err = kstrtou16(val, 0, &v);
	if (err)
		return err;
	if (!v)
		return -EINVAL;
	*(unsigned short *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops veer_port_ops = {
	.set = veer_param_set_port,
	.get = param_get_ushort,
};

static int veer_param_get_objects(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&veer_live_objects));
}

static const struct kernel_param_ops veer_objects_ops = {
	.get = veer_param_get_objects,
};

module_param_cb(flow_max, &veer_nonzero_ops, &veer_default_flow_max, 0644);
MODULE_PARM_DESC(flow_max,
		 "Flow records per namespace for namespaces created from now on (default 65536)");
module_param_cb(event_rate, &veer_nonzero_ops, &veer_default_event_rate, 0644);
MODULE_PARM_DESC(event_rate,
		 "Events per second on the netlink group, default for new namespaces (default 1000)");
module_param_cb(gue_port, &veer_port_ops, &veer_default_gue_port, 0644);
MODULE_PARM_DESC(gue_port,
		 "UDP port of GUE data and control, default for new namespaces (default 6080)");
module_param_cb(objects, &veer_objects_ops, NULL, 0444);
MODULE_PARM_DESC(objects,
		 "Services, hosts, peers and cookie key sets alive in all namespaces (read only)");

const char *const veer_stat_names[__VEER_STAT_MAX] = {
	[VEER_STAT_PACKETS]		= "packets",
	[VEER_STAT_BYTES]		= "bytes",
	[VEER_STAT_SVC_PACKETS]		= "svc_packets",
	[VEER_STAT_SVC_CONNS]		= "svc_conns",
	[VEER_STAT_NO_CT]		= "no_conntrack",
	[VEER_STAT_BAD_HDR]		= "bad_header",
	[VEER_STAT_NL_REQUESTS]		= "nl_requests",
	[VEER_STAT_NL_REJECTS]		= "nl_rejects",
	[VEER_STAT_EVENTS]		= "events",
	[VEER_STAT_EVENTS_DROPPED]	= "events_dropped",
	[VEER_STAT_SERVICES]		= "services",
	[VEER_STAT_HOSTS]		= "hosts",
	[VEER_STAT_PEERS]		= "peers",
	[VEER_STAT_HOOKS]		= "hooks",
	[VEER_STAT_FLOWS]		= "flows",
	[VEER_STAT_FLOWS_NEW]		= "flows_new",
	[VEER_STAT_FLOWS_REAPED]	= "flows_reaped",
	[VEER_STAT_FLOWS_EVICTED]	= "flows_evicted",
	[VEER_STAT_FLOWS_NOMEM]		= "flows_nomem",
	[VEER_STAT_FLOWS_RECYCLED]	= "flows_recycled",
	[VEER_STAT_AGGS]		= "aggregates",
	[VEER_STAT_AGGS_EVICTED]	= "aggregates_evicted",
	[VEER_STAT_LEVEL0]		= "level0",
	[VEER_STAT_LEVEL1]		= "level1",
	[VEER_STAT_LEVEL2]		= "level2",
	[VEER_STAT_LEVEL3]		= "level3",
	[VEER_STAT_LEASES_EXPIRED]	= "leases_expired",
	[VEER_STAT_EVENTS_SUPPRESSED]	= "events_suppressed",
	[VEER_STAT_ZERO_WINDOW]		= "zero_window",
	[VEER_STAT_OUT_OF_WINDOW]	= "out_of_window",
	[VEER_STAT_IPV6_EXTHDR]		= "ipv6_exthdr",
	[VEER_STAT_COOKIE_NO_KEY]	= "cookie_no_key",
	[VEER_STAT_COOKIE_STALE]	= "cookie_stale",
	[VEER_STAT_COOKIE_BAD_MAC]	= "cookie_bad_mac",
	[VEER_STAT_COOKIE_NO_EPOCH]	= "cookie_no_epoch",
	[VEER_STAT_COOKIE_TX_FAIL]	= "cookie_tx_fail",
	[VEER_STAT_COOKIE_WSCALE]	= "cookie_wscale_mismatch",
};

static u64 veer_gauge(const struct veer_net *vn, enum veer_stat s)
{
	const struct veer_service *svc;
	u64 n = 0;

	switch (s) {
	case VEER_STAT_SERVICES:
		return READ_ONCE(vn->n_services);
	case VEER_STAT_PEERS:
		return READ_ONCE(vn->n_peers);
	case VEER_STAT_HOOKS:
		return READ_ONCE(vn->hooks_on);
	case VEER_STAT_FLOWS:
		return atomic_read(&vn->n_flows);
	case VEER_STAT_AGGS:
		return atomic_read(&vn->n_aggs);
	case VEER_STAT_LEVEL0:
	case VEER_STAT_LEVEL1:
	case VEER_STAT_LEVEL2:
	case VEER_STAT_LEVEL3:
		return atomic_read(&vn->n_level[s - VEER_STAT_LEVEL0]);
	case VEER_STAT_HOSTS:
		rcu_read_lock();
		list_for_each_entry_rcu(svc, &vn->services, list)
			n += READ_ONCE(svc->n_hosts);
		rcu_read_unlock();
		return n;
	default:
		return 0;
	}
}

u64 veer_counter_sum(const struct veer_net *vn, enum veer_stat s)
{
	u64 sum = 0;
	int cpu;

	switch (s) {
	case VEER_STAT_SERVICES:
	case VEER_STAT_HOSTS:
	case VEER_STAT_PEERS:
	case VEER_STAT_HOOKS:
	case VEER_STAT_FLOWS:
	case VEER_STAT_AGGS:
	case VEER_STAT_LEVEL0:
	case VEER_STAT_LEVEL1:
	case VEER_STAT_LEVEL2:
	case VEER_STAT_LEVEL3:
		return veer_gauge(vn, s);
	default:
		break;
	}
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(vn->counters, cpu)->c[s];
	return sum;
}

static int __net_init veer_net_init(struct net *net)
{
	struct veer_net *vn = veer_pernet(net);
	int err;

	vn->net = net;
	mutex_init(&vn->lock);
	INIT_LIST_HEAD(&vn->services);
	INIT_LIST_HEAD(&vn->peers);
	idr_init(&vn->service_ids);
	vn->gen = 1;
	vn->cfg.flow_max = READ_ONCE(veer_default_flow_max);
	vn->cfg.event_rate = READ_ONCE(veer_default_event_rate);
	vn->cfg.gue_port = htons(READ_ONCE(veer_default_gue_port));
	vn->cfg.gran_bw = 10000;
	vn->cfg.gran_duration = 10000;
	vn->cfg.gran_freq = 60;
	vn->cfg.subnet_prefix4 = 24;
	vn->cfg.subnet_prefix6 = 64;
	vn->cfg.app_port_span = 1;
	vn->cfg.agg_max = 16384;
	spin_lock_init(&vn->ev_lock);
	vn->ev_last = jiffies;
	vn->ev_tokens = vn->cfg.event_rate;

	vn->counters = alloc_percpu(struct veer_pcpu_counters);
	if (!vn->counters)
		return -ENOMEM;

	err = veer_flow_net_init(vn);
	if (err)
		goto err_counters;
	err = veer_proc_init(vn);
	if (err)
		goto err_flow;
	return 0;

err_flow:
	veer_flow_net_exit(vn);
err_counters:
	free_percpu(vn->counters);
	return err;
}

static void __net_exit veer_net_exit(struct net *net)
{
	struct veer_net *vn = veer_pernet(net);

	veer_proc_exit(vn);
	mutex_lock(&vn->lock);
	veer_objects_flush(vn);
	veer_keys_flush(vn);
	veer_hooks_put(vn);	/* track-all may have kept them */
	mutex_unlock(&vn->lock);
	veer_flow_net_exit(vn);
	idr_destroy(&vn->service_ids);
	/* Readers of the counters are the hooks (gone) and proc (gone). */
	free_percpu(vn->counters);
}

static struct pernet_operations veer_net_ops = {
	.init = veer_net_init,
	.exit = veer_net_exit,
	.id   = &veer_net_id,
	.size = sizeof(struct veer_net),
};

static int __init veer_init(void)
{
	int err;

	err = veer_flow_init();
	if (err)
		return err;
	err = register_pernet_subsys(&veer_net_ops);
	if (err)
		goto err_flow;
	err = veer_netlink_init();
	if (err)
		goto err_pernet;
	pr_info("loaded (genl family %s v%d)\n", VEER_GENL_NAME,
		VEER_GENL_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&veer_net_ops);
	rcu_barrier();
err_flow:
	veer_flow_exit();
	return err;
}

static void __exit veer_exit(void)
{
	/* No new requests first, then tear every namespace down. */
	veer_netlink_exit();
	unregister_pernet_subsys(&veer_net_ops);
	/* Objects are freed by RCU callbacks that live in this module. */
	rcu_barrier();
	WARN_ON(atomic_long_read(&veer_live_objects));
	veer_flow_exit();
}

module_init(veer_init);
module_exit(veer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("veer: predictive connection offload");
MODULE_ALIAS_GENL_FAMILY(VEER_GENL_NAME);
