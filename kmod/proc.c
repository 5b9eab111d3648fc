// SPDX-License-Identifier: GPL-2.0
/*
 * veer: /proc/net/veer/ of each namespace.
 *
 * stats: one "name value" line per counter, the names of enum veer_stat.
 * flows: one line per flow record, like /proc/net/nf_conntrack:
 *
 *   ipv4 tcp src=A dst=B sport=P dport=Q zone=Z svc=ID level=L state=S
 *   age=SEC idle=SEC packets=N bytes=N rpackets=N rbytes=N rate=BPS
 *   peak=BPS rtt_syn=US rtt=US mss=M/M wscale=W/W opts=O/O
 *
 * (one line; "r" is the reply direction; the TCP fields appear for level-0
 * TCP flows only).
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "veer.h"

static int veer_stats_show(struct seq_file *seq, void *v)
{
	struct veer_net *vn = veer_pernet(seq_file_single_net(seq));
	int i;

	for (i = VEER_STAT_UNSPEC + 1; i < __VEER_STAT_MAX; i++) {
		if (!veer_stat_names[i])
			continue;
		seq_printf(seq, "%-20s %llu\n", veer_stat_names[i],
			   veer_counter_sum(vn, i));
	}
	return 0;
}

/* Flows are listed from the LRU lists, established first, under flow_lock. */
static struct veer_flow *veer_proc_flow_next(struct veer_net *vn,
					     struct veer_flow *f)
{
	struct list_head *next = f ? f->lru.next : vn->flows_est.next;

	if (next == &vn->flows_est)
		next = vn->flows_new.next;
	if (next == &vn->flows_new)
		return NULL;
	return list_entry(next, struct veer_flow, lru);
}

static void *veer_flows_start(struct seq_file *seq, loff_t *pos)
	__acquires(&vn->flow_lock)
{
	struct veer_net *vn = veer_pernet(seq_file_net(seq));
	struct veer_flow *f;
	loff_t n = *pos;

	spin_lock_bh(&vn->flow_lock);
	f = veer_proc_flow_next(vn, NULL);
	while (f && n--)
		f = veer_proc_flow_next(vn, f);
	return f;
}

static void *veer_flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return veer_proc_flow_next(veer_pernet(seq_file_net(seq)), v);
}

static void veer_flows_stop(struct seq_file *seq, void *v)
	__releases(&vn->flow_lock)
{
	struct veer_net *vn = veer_pernet(seq_file_net(seq));

	spin_unlock_bh(&vn->flow_lock);
}

static void veer_seq_opts(struct seq_file *seq, u8 opts)
{
	if (!opts) {
		seq_puts(seq, "none");
		return;
	}
	seq_printf(seq, "%s%s%s", opts & VEER_OPT_SACK ? "sack" : "",
		   opts & VEER_OPT_TS ? (opts & VEER_OPT_SACK ? ",ts" : "ts") : "",
		   opts & VEER_OPT_WSCALE ?
		   (opts & (VEER_OPT_SACK | VEER_OPT_TS) ? ",ws" : "ws") : "");
}

static int veer_flows_show(struct seq_file *seq, void *v)
{
	struct veer_flow *f = v;
	const struct veer_flow_key *k = &f->key;
	unsigned long now = jiffies;
	const struct veer_fdir *d;

	spin_lock(&f->lock);
	if (k->family == AF_INET)
		seq_printf(seq, "ipv4 %s src=%pI4 dst=%pI4",
			   k->proto == IPPROTO_TCP ? "tcp" : "udp",
			   &k->saddr.ip, &k->daddr.ip);
	else
		seq_printf(seq, "ipv6 %s src=%pI6c dst=%pI6c",
			   k->proto == IPPROTO_TCP ? "tcp" : "udp",
			   &k->saddr.in6, &k->daddr.in6);
	seq_printf(seq, " sport=%u dport=%u zone=%u svc=%u level=%u",
		   ntohs(k->sport), ntohs(k->dport), k->zone, f->svc_id,
		   f->level);
	if (k->proto == IPPROTO_TCP)
		seq_printf(seq, " state=%u", f->tcp_state);
	seq_printf(seq,
		   " age=%u idle=%u packets=%llu bytes=%llu rpackets=%llu rbytes=%llu rate=%llu peak=%llu",
		   jiffies_to_msecs(now - f->start) / 1000,
		   jiffies_to_msecs(now - READ_ONCE(f->last)) / 1000,
		   f->packets[0], f->bytes[0], f->packets[1], f->bytes[1],
		   f->rate, f->peak_rate);
	if (f->prof && k->proto == IPPROTO_TCP) {
		d = f->prof->dir;
		seq_printf(seq, " rtt_syn=%u rtt=%u mss=%u/%u wscale=%u/%u opts=",
			   f->prof->rtt_syn_us,
			   d[0].srtt_us && d[1].srtt_us ?
			   d[0].srtt_us + d[1].srtt_us : 0,
			   d[0].mss, d[1].mss, d[0].wscale, d[1].wscale);
		veer_seq_opts(seq, d[0].opts);
		seq_putc(seq, '/');
		veer_seq_opts(seq, d[1].opts);
	}
	seq_putc(seq, '\n');
	spin_unlock(&f->lock);
	return 0;
}

static const struct seq_operations veer_flows_seq_ops = {
	.start	= veer_flows_start,
	.next	= veer_flows_next,
	.stop	= veer_flows_stop,
	.show	= veer_flows_show,
};

/*
 * SYN cookies per service, with the columns of /proc/net/stat/synproxy
 * (cookies sent added, and SYNs let through while cookies were off).
 */
static int veer_cookies_show(struct seq_file *seq, void *v)
{
	static const char *const modes[] = {
		[VEER_COOKIE_OFF] = "off",
		[VEER_COOKIE_PRESSURE] = "pressure",
		[VEER_COOKIE_ALWAYS] = "always",
	};
	struct veer_net *vn = veer_pernet(seq_file_single_net(seq));
	const struct veer_service *svc;
	u64 c[VEER_CK_NUM];
	u8 mode;

	seq_puts(seq, "service          mode     on syn_received cookies_sent syn_passed cookie_valid cookie_invalid cookie_retrans conn_reopened\n");
	rcu_read_lock();
	list_for_each_entry_rcu(svc, &vn->services, list) {
		if (svc->proto != IPPROTO_TCP)
			continue;
		mode = READ_ONCE(svc->cookie_mode);
		veer_cookie_stats_read(svc, c);
		seq_printf(seq, "%-16s %-8s %2u %12llu %12llu %10llu %12llu %14llu %14llu %13llu\n",
			   svc->name,
			   mode < ARRAY_SIZE(modes) ? modes[mode] : "?",
			   veer_service_cookies_on(svc),
			   c[VEER_CK(SYN_RECEIVED)], c[VEER_CK(COOKIE_SENT)],
			   c[VEER_CK(SYN_PASSED)], c[VEER_CK(COOKIE_VALID)],
			   c[VEER_CK(COOKIE_INVALID)],
			   c[VEER_CK(COOKIE_RETRANS)],
			   c[VEER_CK(CONN_REOPENED)]);
	}
	rcu_read_unlock();
	return 0;
}

int veer_proc_init(struct veer_net *vn)
{
	vn->proc_dir = proc_net_mkdir(vn->net, "veer", vn->net->proc_net);
	if (!vn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, vn->proc_dir,
				    veer_stats_show, NULL))
		goto err;
	if (!proc_create_net_single("cookies", 0444, vn->proc_dir,
				    veer_cookies_show, NULL))
		goto err;
	/* Client addresses: readable by root only, like nf_conntrack. */
	if (!proc_create_net("flows", 0440, vn->proc_dir, &veer_flows_seq_ops,
			     sizeof(struct seq_net_private)))
		goto err;
	return 0;
err:
	remove_proc_subtree("veer", vn->net->proc_net);
	return -ENOMEM;
}

void veer_proc_exit(struct veer_net *vn)
{
	remove_proc_subtree("veer", vn->net->proc_net);
}
