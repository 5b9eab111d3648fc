// SPDX-License-Identifier: GPL-2.0
/*
 * veer: answering SYNs with extended cookies, and completing the handshake
 * toward the destination.
 *
 * A SYN to a service whose cookies are on is answered here, before
 * conntrack sees it: the router sends the SYN-ACK itself, the cookie of
 * cookie.c as its ISN and, when the client sent timestamps, veer's fields in
 * its TSval.  Nothing is kept, so a SYN flood costs no memory.
 *
 * The client's ACK reaches conntrack first, which finds no entry for it (or
 * picks it up loosely as a new one); veer then checks the cookie it
 * returns.  A valid cookie is the whole state of the handshake: the router
 * replays the client's SYN toward the destination, as the kernel's SYNPROXY
 * target does, carrying the SYNPROXY conntrack template.  From there the
 * kernel's own synproxy hooks (nf_synproxy_core, registered here) complete
 * the server side: they answer the server's SYN-ACK, send the client a
 * window update and translate sequence numbers (nf_ct_seqadj) and
 * timestamps for the rest of the connection.  Documentation/cookies.md,
 * "The handshake", walks through the exchange.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/tcp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/nf_synproxy.h>
#include <uapi/linux/netfilter/nf_synproxy.h>

#include "veer.h"

/*
 * The window scale the router announces on the servers' behalf: after the
 * handoff the client reads the server's windows with it, so it must be what
 * the servers use (Linux: 7 with the default tcp_rmem).  A server's SYN-ACK
 * that says otherwise is counted (cookie_wscale_mismatch).
 */
static unsigned int veer_synack_wscale = 7;
module_param_named(synack_wscale, veer_synack_wscale, uint, 0644);
MODULE_PARM_DESC(synack_wscale,
		 "Window scale announced in cookie SYN-ACKs: the servers' own (default 7)");

/* A TCP header to send, and its options. */
struct veer_tcp_out {
	u16 family;
	union nf_inet_addr saddr, daddr;
	__be16 sport, dport;
	u32 seq, ack_seq;
	__be32 flags;			/* TCP_FLAG_* */
	__be16 window;
	struct synproxy_options opts;	/* NF_SYNPROXY_OPT_*, values */
};

static void veer_ck_count(struct veer_service *svc, unsigned int i)
{
	this_cpu_inc(svc->cookie_stats->c[i]);
}

/* Sums a service's cookie counters over the CPUs, in uapi order. */
void veer_cookie_stats_read(const struct veer_service *svc,
			    u64 out[VEER_CK_NUM])
{
	unsigned int i;
	int cpu;

	memset(out, 0, VEER_CK_NUM * sizeof(out[0]));
	for_each_possible_cpu(cpu) {
		const struct veer_cookie_stats *s =
			per_cpu_ptr(svc->cookie_stats, cpu);

		for (i = 0; i < VEER_CK_NUM; i++)
			out[i] += READ_ONCE(s->c[i]);
	}
}

/* The key that makes cookies now, or NULL. */
static const struct veer_cookie_key *veer_keys_current(const struct veer_keys *keys)
{
	const struct veer_cookie_key *k;

	k = &keys->ks.slot[keys->ks.cur % VEER_COOKIE_KEY_SLOTS];
	return k->present ? k : NULL;
}

/* ---- cookie pressure ---- */

/* Counts a SYN in the service's current one-second window. */
static void veer_syn_rate_note(struct veer_service *svc)
{
	unsigned long now = jiffies, start = READ_ONCE(svc->syn_window);

	if (time_after_eq(now, start + HZ) &&
	    cmpxchg(&svc->syn_window, start, now) == start) {
		u32 n = atomic_xchg(&svc->syn_count, 0);

		/* A quiet second in between: the last one saw nothing. */
		WRITE_ONCE(svc->syn_last,
			   time_after_eq(now, start + 2 * HZ) ? 0 : n);
	}
	atomic_inc(&svc->syn_count);
}

/* Whether new connections of @svc are answered with cookies now. */
bool veer_service_cookies_on(const struct veer_service *svc)
{
	u32 thresh;

	switch (READ_ONCE(svc->cookie_mode)) {
	case VEER_COOKIE_ALWAYS:
		return true;
	case VEER_COOKIE_PRESSURE:
		thresh = READ_ONCE(svc->syn_thresh);
		return READ_ONCE(svc->syn_last) > thresh ||
		       (u32)atomic_read(&svc->syn_count) > thresh;
	default:
		return false;
	}
}

/* The offload reason a cookie of @svc carries. */
static u8 veer_cookie_reason(const struct veer_service *svc)
{
	if (READ_ONCE(svc->cookie_mode) == VEER_COOKIE_PRESSURE)
		return VEER_OFFLOAD_ATTACK;
	return VEER_OFFLOAD_OPERATOR;
}

/* The cookie clocks: wall-clock minutes (the cluster's), and ms. */
static u32 veer_cookie_minute(void)
{
	return (u32)div_u64(ktime_get_real_seconds(), 60);
}

static u32 veer_cookie_ms(void)
{
	return (u32)div_u64(ktime_get_real_ns(), NSEC_PER_MSEC);
}

/* ---- building and sending segments ---- */

static unsigned int veer_tcp_opts_len(const struct synproxy_options *o)
{
	unsigned int len = 0;

	if (o->options & NF_SYNPROXY_OPT_MSS)
		len += TCPOLEN_MSS_ALIGNED;
	if (o->options & NF_SYNPROXY_OPT_TIMESTAMP)
		len += TCPOLEN_TSTAMP_ALIGNED;	/* SACK-permitted fits in */
	else if (o->options & NF_SYNPROXY_OPT_SACK_PERM)
		len += TCPOLEN_SACKPERM_ALIGNED;
	if (o->options & NF_SYNPROXY_OPT_WSCALE)
		len += TCPOLEN_WSCALE_ALIGNED;
	return len;
}

/* Options in Linux's own order and packing (tcp_options_write()). */
static void veer_tcp_opts_write(__be32 *p, const struct synproxy_options *o)
{
	if (o->options & NF_SYNPROXY_OPT_MSS)
		*p++ = htonl((TCPOPT_MSS << 24) | (TCPOLEN_MSS << 16) |
			     o->mss_option);
	if (o->options & NF_SYNPROXY_OPT_TIMESTAMP) {
		if (o->options & NF_SYNPROXY_OPT_SACK_PERM)
			*p++ = htonl((TCPOPT_SACK_PERM << 24) |
				     (TCPOLEN_SACK_PERM << 16) |
				     (TCPOPT_TIMESTAMP << 8) |
				     TCPOLEN_TIMESTAMP);
		else
			*p++ = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
				     (TCPOPT_TIMESTAMP << 8) |
				     TCPOLEN_TIMESTAMP);
		*p++ = htonl(o->tsval);
		*p++ = htonl(o->tsecr);
	} else if (o->options & NF_SYNPROXY_OPT_SACK_PERM) {
		*p++ = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
			     (TCPOPT_SACK_PERM << 8) | TCPOLEN_SACK_PERM);
	}
	if (o->options & NF_SYNPROXY_OPT_WSCALE)
		*p++ = htonl((TCPOPT_NOP << 24) | (TCPOPT_WINDOW << 16) |
			     (TCPOLEN_WINDOW << 8) | o->wscale);
}

static struct tcphdr *veer_tcp_build(struct sk_buff *nskb,
				     const struct veer_tcp_out *o,
				     unsigned int len)
{
	struct tcphdr *th;

	skb_reset_transport_header(nskb);
	th = skb_put_zero(nskb, len);
	th->source = o->sport;
	th->dest = o->dport;
	th->seq = htonl(o->seq);
	th->ack_seq = htonl(o->ack_seq);
	tcp_flag_word(th) = o->flags;
	th->doff = len / 4;
	th->window = o->window;
	veer_tcp_opts_write((__be32 *)(th + 1), &o->opts);

	nskb->ip_summed = CHECKSUM_PARTIAL;
	nskb->csum_start = (unsigned char *)th - nskb->head;
	nskb->csum_offset = offsetof(struct tcphdr, check);
	return th;
}

/* The template's new entry (the replayed SYN), or no conntrack at all. */
static void veer_tcp_set_ct(struct sk_buff *nskb, struct nf_conn *tmpl)
{
	if (tmpl) {
		nf_ct_set(nskb, tmpl, IP_CT_NEW);
		nf_conntrack_get(&tmpl->ct_general);
	} else {
		nf_ct_set(nskb, NULL, IP_CT_UNTRACKED);
	}
}

/*
 * Routes and sends a segment the router makes up on a connection's behalf
 * (its source may be the client's or the service's address, not ours).
 * @tmpl: the conntrack template it carries (the replayed SYN), or NULL for
 * no conntrack at all (the SYN-ACK: the handshake keeps no state).
 */
static int veer_tcp_send4(struct net *net, const struct veer_tcp_out *o,
			  struct nf_conn *tmpl, u32 mark)
{
	unsigned int len = sizeof(struct tcphdr) + veer_tcp_opts_len(&o->opts);
	struct flowi4 fl4 = {
		.daddr = o->daddr.ip,
		.saddr = o->saddr.ip,
		.flowi4_proto = IPPROTO_TCP,
		.flowi4_mark = mark,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.fl4_sport = o->sport,
		.fl4_dport = o->dport,
	};
	struct sk_buff *nskb;
	struct iphdr *iph;
	struct tcphdr *th;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	nskb = alloc_skb(MAX_TCP_HEADER + sizeof(*iph) + len, GFP_ATOMIC);
	if (!nskb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(nskb, MAX_TCP_HEADER);
	skb_reset_network_header(nskb);
	iph = skb_put_zero(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = o->saddr.ip;
	iph->daddr = o->daddr.ip;

	th = veer_tcp_build(nskb, o, len);
	th->check = ~tcp_v4_check(len, iph->saddr, iph->daddr, 0);

	nskb->protocol = htons(ETH_P_IP);
	nskb->mark = mark;
	skb_dst_set(nskb, &rt->dst);
	veer_tcp_set_ct(nskb, tmpl);
	ip_local_out(net, NULL, nskb);
	return 0;
}

static int veer_tcp_send6(struct net *net, const struct veer_tcp_out *o,
			  struct nf_conn *tmpl, u32 mark)
{
	unsigned int len = sizeof(struct tcphdr) + veer_tcp_opts_len(&o->opts);
	struct flowi6 fl6 = {
		.daddr = o->daddr.in6,
		.saddr = o->saddr.in6,
		.flowi6_proto = IPPROTO_TCP,
		.flowi6_mark = mark,
		.fl6_sport = o->sport,
		.fl6_dport = o->dport,
	};
	struct dst_entry *dst;
	struct sk_buff *nskb;
	struct ipv6hdr *ip6h;
	struct tcphdr *th;
	int err;

	dst = ip6_route_output(net, NULL, &fl6);
	err = dst->error;
	if (err) {
		dst_release(dst);
		return err;
	}
	nskb = alloc_skb(MAX_TCP_HEADER + sizeof(*ip6h) + len, GFP_ATOMIC);
	if (!nskb) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_reserve(nskb, MAX_TCP_HEADER);
	skb_reset_network_header(nskb);
	ip6h = skb_put_zero(nskb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = o->saddr.in6;
	ip6h->daddr = o->daddr.in6;

	th = veer_tcp_build(nskb, o, len);
	th->check = ~tcp_v6_check(len, &ip6h->saddr, &ip6h->daddr, 0);

	nskb->protocol = htons(ETH_P_IPV6);
	nskb->mark = mark;
	skb_dst_set(nskb, dst);
	veer_tcp_set_ct(nskb, tmpl);
	ip6_local_out(net, NULL, nskb);
	return 0;
}

static int veer_tcp_send(struct net *net, const struct veer_tcp_out *o,
			 struct nf_conn *tmpl, u32 mark)
{
	if (o->family == AF_INET)
		return veer_tcp_send4(net, o, tmpl, mark);
	return veer_tcp_send6(net, o, tmpl, mark);
}

/* ---- reading segments ---- */

/* The addresses and ports of a segment, as cookie.c takes them. */
static void veer_cookie_tuple_of(const struct sk_buff *skb,
				 const struct tcphdr *th,
				 struct veer_cookie_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (ip_hdr(skb)->version == 4) {
		t->family = AF_INET;
		t->saddr[0] = ip_hdr(skb)->saddr;
		t->daddr[0] = ip_hdr(skb)->daddr;
	} else {
		t->family = AF_INET6;
		memcpy(t->saddr, &ipv6_hdr(skb)->saddr, sizeof(t->saddr));
		memcpy(t->daddr, &ipv6_hdr(skb)->daddr, sizeof(t->daddr));
	}
	t->sport = th->source;
	t->dport = th->dest;
}

/* A reply's addresses: the segment's, swapped. */
static void veer_tcp_out_reply(struct veer_tcp_out *o,
			       const struct veer_cookie_tuple *t, bool swap)
{
	const __be32 *s = swap ? t->daddr : t->saddr;
	const __be32 *d = swap ? t->saddr : t->daddr;

	memset(o, 0, sizeof(*o));
	o->family = t->family;
	if (t->family == AF_INET) {
		o->saddr.ip = s[0];
		o->daddr.ip = d[0];
	} else {
		memcpy(&o->saddr.in6, s, sizeof(o->saddr.in6));
		memcpy(&o->daddr.in6, d, sizeof(o->daddr.in6));
	}
	o->sport = swap ? t->dport : t->sport;
	o->dport = swap ? t->sport : t->dport;
}

/* The MSS the router announces: what the link the SYN came in on carries. */
static u16 veer_synack_mss(const struct sk_buff *skb, u16 family)
{
	unsigned int hdr = (family == AF_INET ? sizeof(struct iphdr) :
			    sizeof(struct ipv6hdr)) + sizeof(struct tcphdr);
	unsigned int mtu = skb->dev ? READ_ONCE(skb->dev->mtu) : 0;

	if (mtu <= hdr + 88)
		return family == AF_INET ? TCP_MSS_DEFAULT : IPV6_MIN_MTU - hdr;
	return min_t(unsigned int, mtu - hdr, U16_MAX);
}

/* ---- the SYN ---- */

static int veer_answer_syn(struct net *net, struct veer_net *vn,
			   struct veer_service *svc,
			   const struct veer_keys *keys, struct sk_buff *skb,
			   unsigned int thoff, const struct tcphdr *th)
{
	u32 table_size = READ_ONCE(svc->table_size);
	struct synproxy_options opts = {};
	struct veer_cookie_synack out;
	struct veer_cookie_syn syn = {};
	const struct veer_cookie_key *cur;
	struct veer_tcp_out o;
	int err;

	if (!synproxy_parse_options(skb, thoff, th, &opts))
		return -EBADMSG;
	veer_cookie_tuple_of(skb, th, &syn.t);
	syn.isn = ntohl(th->seq);
	/* RFC 9293 3.7.1: without the option, 536 (IPv4) or 1220 (IPv6). */
	syn.mss = opts.options & NF_SYNPROXY_OPT_MSS ? opts.mss_option :
		  syn.t.family == AF_INET ? 536 : 1220;
	if (opts.options & NF_SYNPROXY_OPT_TIMESTAMP)
		syn.opts |= VEER_COOKIE_OPT_TS;
	if (opts.options & NF_SYNPROXY_OPT_WSCALE) {
		syn.opts |= VEER_COOKIE_OPT_WSCALE;
		syn.wscale = opts.wscale;
	}
	if (opts.options & NF_SYNPROXY_OPT_SACK_PERM)
		syn.opts |= VEER_COOKIE_OPT_SACK;
	if (th->ece && th->cwr)
		syn.opts |= VEER_COOKIE_OPT_ECN;
	syn.reason = veer_cookie_reason(svc);
	/* The default affinity: the tuple's entry, as without timestamps. */
	cur = veer_keys_current(keys);
	if (cur)
		syn.affinity = veer_cookie_tuple_entry(cur, &syn.t, table_size);

	err = veer_cookie_make(&keys->ks, &syn, table_size,
			       veer_cookie_minute(), veer_cookie_ms(), &out);
	if (err)
		return err;

	veer_tcp_out_reply(&o, &syn.t, true);
	o.seq = out.isn;
	o.ack_seq = syn.isn + 1;
	o.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	if (out.opts & VEER_COOKIE_OPT_ECN)
		o.flags |= TCP_FLAG_ECE;
	/*
	 * A zero window, as SYNPROXY's: the client sends no data until the
	 * server side is up and the window update opens it.
	 */
	o.window = 0;
	o.opts.options = NF_SYNPROXY_OPT_MSS;
	o.opts.mss_option = veer_synack_mss(skb, syn.t.family);
	if (out.opts & VEER_COOKIE_OPT_TS) {
		o.opts.options |= NF_SYNPROXY_OPT_TIMESTAMP;
		o.opts.tsval = out.tsval;
		o.opts.tsecr = opts.tsval;
	}
	if (out.opts & VEER_COOKIE_OPT_SACK)
		o.opts.options |= NF_SYNPROXY_OPT_SACK_PERM;
	if (out.opts & VEER_COOKIE_OPT_WSCALE) {
		o.opts.options |= NF_SYNPROXY_OPT_WSCALE;
		o.opts.wscale = min_t(unsigned int, veer_synack_wscale,
				      TCP_MAX_WSCALE);
	}
	return veer_tcp_send(net, &o, NULL, skb->mark);
}

/*
 * PRE_ROUTING, before conntrack: SYNs to services with cookies on are
 * answered here and go no further.
 */
static unsigned int veer_syn_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct veer_net *vn = veer_pernet(state->net);
	union nf_inet_addr daddr = {};
	struct veer_service *svc;
	const struct veer_keys *keys;
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int thoff;
	u16 family;
	int err;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return NF_ACCEPT;
		family = AF_INET;
		daddr.ip = iph->daddr;
		thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		__be16 frag_off = 0;
		u8 nexthdr = ip6h->nexthdr;
		int off;

		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				       sizeof(*ip6h), &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
			return NF_ACCEPT;
		family = AF_INET6;
		daddr.in6 = ip6h->daddr;
		thoff = off;
	}
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || !th->syn || th->ack || th->rst || th->fin)
		return NF_ACCEPT;

	svc = veer_service_match(vn, family, &daddr, IPPROTO_TCP, th->dest);
	if (!svc || READ_ONCE(svc->cookie_mode) == VEER_COOKIE_OFF)
		return NF_ACCEPT;
	/* Corrupt segments are conntrack's to count as invalid. */
	if (nf_checksum(skb, state->hook, thoff, IPPROTO_TCP, state->pf))
		return NF_ACCEPT;

	veer_ck_count(svc, VEER_CK(SYN_RECEIVED));
	veer_syn_rate_note(svc);
	if (!veer_service_cookies_on(svc)) {
		veer_ck_count(svc, VEER_CK(SYN_PASSED));
		return NF_ACCEPT;
	}
	keys = rcu_dereference(vn->keys);
	if (!keys) {
		/* No key, no cookie: the SYN goes on as if cookies were off. */
		veer_count(vn, VEER_STAT_COOKIE_NO_KEY);
		veer_ck_count(svc, VEER_CK(SYN_PASSED));
		return NF_ACCEPT;
	}
	err = veer_answer_syn(state->net, vn, svc, keys, skb, thoff, th);
	if (err == -EBADMSG) {
		/* Options cut short: conntrack would call it invalid too. */
		veer_count(vn, VEER_STAT_BAD_HDR);
		return NF_DROP;
	}
	if (err) {
		veer_count(vn, VEER_STAT_COOKIE_TX_FAIL);
		return NF_DROP;
	}
	veer_ck_count(svc, VEER_CK(COOKIE_SENT));
	consume_skb(skb);
	return NF_STOLEN;
}

/* ---- the ACK ---- */

static void veer_count_cookie_error(struct veer_net *vn, int err)
{
	switch (err) {
	case -ESTALE:
		veer_count(vn, VEER_STAT_COOKIE_STALE);
		break;
	case -ENOKEY:
		veer_count(vn, VEER_STAT_COOKIE_NO_EPOCH);
		break;
	default:
		veer_count(vn, VEER_STAT_COOKIE_BAD_MAC);
		break;
	}
}

/*
 * Checks the cookie an ACK returns; @seq is its sequence number as the
 * handshake's ACK would carry it (client ISN + 1).
 */
static int veer_check_ack(struct veer_net *vn, struct veer_service *svc,
			  const struct sk_buff *skb, const struct tcphdr *th,
			  const struct synproxy_options *opts, u32 seq,
			  struct veer_cookie_info *info)
{
	const struct veer_keys *keys = rcu_dereference(vn->keys);
	struct veer_cookie_ack ack = {};

	if (!keys)
		return -ENOKEY;
	veer_cookie_tuple_of(skb, th, &ack.t);
	ack.seq = seq;
	ack.ack_seq = ntohl(th->ack_seq);
	if (opts->options & NF_SYNPROXY_OPT_TIMESTAMP) {
		ack.opts = VEER_COOKIE_OPT_TS;
		ack.tsecr = opts->tsecr;
	}
	return veer_cookie_check(&keys->ks, &ack, READ_ONCE(svc->table_size),
				 veer_cookie_minute(), info);
}

/*
 * Replays the client's SYN toward the destination, as SYNPROXY does: the
 * client's ISN and options (from the cookie), its timestamps (from the
 * ACK), and in the acknowledgment field the cookie, which the kernel's
 * synproxy hook takes as the ISN to translate the server's into.
 */
static int veer_replay_syn(struct net *net, const struct sk_buff *skb,
			   const struct tcphdr *th,
			   const struct synproxy_options *opts,
			   const struct veer_cookie_info *info)
{
	struct veer_cookie_tuple t;
	struct veer_tcp_out o;

	veer_cookie_tuple_of(skb, th, &t);
	veer_tcp_out_reply(&o, &t, false);
	o.seq = info->isn;
	o.ack_seq = ntohl(th->ack_seq) - 1;
	o.flags = TCP_FLAG_SYN;
	if (info->opts & VEER_COOKIE_OPT_ECN)
		o.flags |= TCP_FLAG_ECE | TCP_FLAG_CWR;
	o.window = th->window;
	o.opts.options = NF_SYNPROXY_OPT_MSS;
	o.opts.mss_option = info->mss;
	if (opts->options & NF_SYNPROXY_OPT_TIMESTAMP) {
		o.opts.options |= NF_SYNPROXY_OPT_TIMESTAMP;
		o.opts.tsval = opts->tsval;
		o.opts.tsecr = opts->tsecr;
	}
	if (info->opts & VEER_COOKIE_OPT_SACK)
		o.opts.options |= NF_SYNPROXY_OPT_SACK_PERM;
	if (info->opts & VEER_COOKIE_OPT_WSCALE) {
		o.opts.options |= NF_SYNPROXY_OPT_WSCALE;
		o.opts.wscale = info->wscale;
	}
	return veer_tcp_send(net, &o, synproxy_pernet(net)->tmpl, skb->mark);
}

/*
 * The state conntrack holds for the ACK's tuple (an entry it did not
 * attach, e.g. because the ACK is out of its window), or -1: none.
 */
static int veer_tuple_ct_state(struct net *net, const struct sk_buff *skb,
			       const struct tcphdr *th)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple t = {};
	struct nf_conn *ct;
	int state;

	if (ip_hdr(skb)->version == 4) {
		t.src.l3num = AF_INET;
		t.src.u3.ip = ip_hdr(skb)->saddr;
		t.dst.u3.ip = ip_hdr(skb)->daddr;
	} else {
		t.src.l3num = AF_INET6;
		t.src.u3.in6 = ipv6_hdr(skb)->saddr;
		t.dst.u3.in6 = ipv6_hdr(skb)->daddr;
	}
	t.src.u.tcp.port = th->source;
	t.dst.u.tcp.port = th->dest;
	t.dst.protonum = IPPROTO_TCP;
	t.dst.dir = IP_CT_DIR_ORIGINAL;

	h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);
	if (!h)
		return -1;
	ct = nf_ct_tuplehash_to_ctrack(h);
	state = READ_ONCE(ct->proto.tcp.state);
	nf_ct_put(ct);
	return state;
}

static bool veer_ct_state_closed(int state)
{
	return state == TCP_CONNTRACK_TIME_WAIT || state == TCP_CONNTRACK_CLOSE;
}

/*
 * After conntrack, for TCP segments to a service with cookies (mode not
 * off).  Returns NF_ACCEPT to let the segment on, or NF_DROP / NF_STOLEN.
 */
unsigned int veer_handshake_packet(struct veer_net *vn,
				   struct veer_service *svc,
				   struct sk_buff *skb, struct nf_conn *ct,
				   enum ip_conntrack_info ctinfo,
				   unsigned int thoff)
{
	struct synproxy_options opts = {};
	struct veer_cookie_info info;
	struct tcphdr _th;
	const struct tcphdr *th;
	bool retrans = false, on;
	int err, ct_state;
	u32 seq;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || th->syn || th->rst || !th->ack)
		return NF_ACCEPT;

	if (ct && nf_ct_is_confirmed(ct)) {
		/*
		 * The client repeats its ACK, or sends data, while the replayed
		 * SYN waits for the server: check it again and replay again
		 * (the SYN may be lost; conntrack does not resend it).
		 */
		if (CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL ||
		    !nfct_synproxy(ct) ||
		    READ_ONCE(ct->proto.tcp.state) != TCP_CONNTRACK_SYN_SENT)
			return NF_ACCEPT;
		retrans = true;
	}

	/*
	 * No conntrack entry, or one conntrack just picked up: the ACK of a
	 * cookie or of nothing.  In pressure mode cookies may have gone off
	 * since the SYN-ACK went out, so a valid cookie counts then too.
	 */
	on = veer_service_cookies_on(svc);
	err = -EBADMSG;
	if (synproxy_parse_options(skb, thoff, th, &opts)) {
		seq = ntohl(th->seq);
		err = veer_check_ack(vn, svc, skb, th, &opts, seq, &info);
		/* A keep-alive probe carries the sequence number less one. */
		if (err && retrans)
			err = veer_check_ack(vn, svc, skb, th, &opts, seq + 1,
					     &info);
	}
	if (err) {
		if (!on && !retrans)
			return NF_ACCEPT;
		/*
		 * Conntrack may have refused the segment of a connection it
		 * knows (out of window, say): not a cookie's, not ours.
		 */
		if (!ct && !retrans) {
			ct_state = veer_tuple_ct_state(vn->net, skb, th);
			if (ct_state >= 0 && !veer_ct_state_closed(ct_state))
				return NF_ACCEPT;
		}
		veer_count_cookie_error(vn, err);
		veer_ck_count(svc, VEER_CK(COOKIE_INVALID));
		return NF_DROP;
	}

	if (retrans) {
		veer_ck_count(svc, VEER_CK(COOKIE_RETRANS));
	} else {
		veer_ck_count(svc, VEER_CK(COOKIE_VALID));
		if (!ct && veer_ct_state_closed(veer_tuple_ct_state(vn->net,
								    skb, th)))
			veer_ck_count(svc, VEER_CK(CONN_REOPENED));
	}
	if (veer_replay_syn(vn->net, skb, th, &opts, &info)) {
		veer_count(vn, VEER_STAT_COOKIE_TX_FAIL);
		return NF_DROP;
	}
	consume_skb(skb);
	return NF_STOLEN;
}

/*
 * The server's SYN-ACK of a replayed SYN (conntrack has just moved the
 * entry to SYN_RECV): the client reads the server's windows with the scale
 * the router announced for it, so a server announcing another one is worth
 * an operator's attention (synack_wscale).
 */
void veer_handshake_synack(struct veer_net *vn, struct sk_buff *skb,
			   struct nf_conn *ct, unsigned int thoff)
{
	struct synproxy_options opts = {};
	struct tcphdr _th;
	const struct tcphdr *th;
	bool client_ws, server_ws;

	if (READ_ONCE(ct->proto.tcp.state) != TCP_CONNTRACK_SYN_RECV ||
	    !nfct_synproxy(ct))
		return;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || !th->syn || !th->ack ||
	    !synproxy_parse_options(skb, thoff, th, &opts))
		return;
	client_ws = ct->proto.tcp.seen[IP_CT_DIR_ORIGINAL].flags &
		    IP_CT_TCP_FLAG_WINDOW_SCALE;
	server_ws = opts.options & NF_SYNPROXY_OPT_WSCALE;
	if (client_ws != server_ws ||
	    (server_ws && opts.wscale != min_t(unsigned int,
					       READ_ONCE(veer_synack_wscale),
					       TCP_MAX_WSCALE)))
		veer_count(vn, VEER_STAT_COOKIE_WSCALE);
}

/*
 * A new flow record of a TCP service: when its conntrack entry came from a
 * replayed SYN (the synproxy extension holds the cookie, and the TSval the
 * router sent), notes why it was taken over, the cookie's affinity and
 * that the translation runs here.
 */
void veer_handshake_annotate(struct veer_net *vn,
			     const struct veer_service *svc,
			     struct veer_flow *f, const struct nf_conn *ct)
{
	u32 table_size = READ_ONCE(svc->table_size);
	const struct nf_conn_synproxy *sp;
	const struct veer_cookie_key *cur;
	const struct veer_keys *keys;
	struct veer_cookie_tuple t = {};
	u32 its;

	if (!READ_ONCE(vn->synproxy_on))
		return;
	sp = nfct_synproxy(ct);
	if (!sp || !READ_ONCE(sp->isn))
		return;
	f->xlate = VEER_XLATE_ROUTER;
	its = READ_ONCE(sp->its);
	if (its) {
		f->offload_reason = (its & VEER_COOKIE_TS_REASON_MASK) >>
				    VEER_COOKIE_TS_REASON_SHIFT;
		f->affinity = (its >> VEER_COOKIE_TS_AFF_SHIFT) &
			      ((u32)BIT(fls(table_size - 1)) - 1);
		return;
	}
	/* The reduced encoding: no reason carried, the tuple's entry. */
	f->offload_reason = veer_cookie_reason(svc);
	keys = rcu_dereference(vn->keys);
	if (!keys)
		return;
	t.family = f->key.family;
	memcpy(t.saddr, &f->key.saddr, sizeof(t.saddr));
	memcpy(t.daddr, &f->key.daddr, sizeof(t.daddr));
	t.sport = f->key.sport;
	t.dport = f->key.dport;
	cur = veer_keys_current(keys);
	if (cur)
		f->affinity = veer_cookie_tuple_entry(cur, &t, table_size);
}

/* ---- hooks ---- */

static const struct nf_hook_ops veer_syn_hook_ops[] = {
	{
		.hook		= veer_syn_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK - 1,
	},
	{
		.hook		= veer_syn_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK - 1,
	},
};

static bool veer_any_cookies(const struct veer_net *vn)
{
	const struct veer_service *svc;

	list_for_each_entry(svc, &vn->services, list)
		if (svc->cookie_mode != VEER_COOKIE_OFF)
			return true;
	return false;
}

/*
 * Under vn->lock, after a service change: veer's SYN hook runs while some
 * service has cookies (mode not off).  The kernel's synproxy hooks, once
 * on, stay on until veer's hooks go (no service left): connections taken
 * over earlier still need their timestamps translated after their
 * service's cookies are turned off.
 */
int veer_handshake_hooks_update(struct veer_net *vn)
{
	struct synproxy_net *snet = synproxy_pernet(vn->net);
	bool want = veer_any_cookies(vn);
	int err;

	if (want && !vn->synproxy_on) {
		err = nf_synproxy_ipv4_init(snet, vn->net);
		if (err)
			return err;
		err = nf_synproxy_ipv6_init(snet, vn->net);
		if (err) {
			nf_synproxy_ipv4_fini(snet, vn->net);
			return err;
		}
		WRITE_ONCE(vn->synproxy_on, true);
	}
	if (want == vn->cookie_hooks_on)
		return 0;
	if (!want) {
		nf_unregister_net_hooks(vn->net, veer_syn_hook_ops,
					ARRAY_SIZE(veer_syn_hook_ops));
		WRITE_ONCE(vn->cookie_hooks_on, false);
		return 0;
	}
	err = nf_register_net_hooks(vn->net, veer_syn_hook_ops,
				    ARRAY_SIZE(veer_syn_hook_ops));
	if (err)
		return err;
	WRITE_ONCE(vn->cookie_hooks_on, true);
	return 0;
}

/* Under vn->lock, when veer's hooks go: every handshake hook goes. */
void veer_handshake_hooks_put(struct veer_net *vn)
{
	struct synproxy_net *snet = synproxy_pernet(vn->net);

	if (vn->cookie_hooks_on) {
		nf_unregister_net_hooks(vn->net, veer_syn_hook_ops,
					ARRAY_SIZE(veer_syn_hook_ops));
		WRITE_ONCE(vn->cookie_hooks_on, false);
	}
	if (vn->synproxy_on) {
		nf_synproxy_ipv6_fini(snet, vn->net);
		nf_synproxy_ipv4_fini(snet, vn->net);
		WRITE_ONCE(vn->synproxy_on, false);
	}
}
