// SPDX-License-Identifier: GPL-2.0
/*
 * veer: netfilter hooks.
 *
 * Hooks are registered per namespace, lazily: when the first service appears
 * and removed with the last one, so a namespace without services pays
 * nothing.  They sit in PRE_ROUTING right after conntrack so that every
 * packet arrives with its conntrack entry attached.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>

#include "veer.h"

struct veer_pkt {
	u16 family;
	u8 proto;
	union nf_inet_addr daddr;
	__be16 dport;
	unsigned int thoff;
};

/* Destination ports of TCP and UDP; false when the header is cut short. */
static bool veer_parse_ports(const struct sk_buff *skb, unsigned int thoff,
			     struct veer_pkt *p)
{
	__be16 _ports[2];
	const __be16 *ports;

	p->thoff = thoff;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return true;
	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports)
		return false;
	p->dport = ports[1];
	return true;
}

static bool veer_parse_ipv4(const struct sk_buff *skb, struct veer_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	p->family = AF_INET;
	p->proto = iph->protocol;
	p->daddr.ip = iph->daddr;
	/* Later fragments carry no transport header. */
	if (ip_is_fragment(iph) && (iph->frag_off & htons(IP_OFFSET))) {
		p->proto = 0;
		return true;
	}
	return veer_parse_ports(skb, skb_network_offset(skb) + ip_hdrlen(skb), p);
}

static bool veer_parse_ipv6(struct veer_net *vn, const struct sk_buff *skb,
			    struct veer_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	__be16 frag_off = 0;
	int thoff;
	u8 nexthdr;

	p->family = AF_INET6;
	p->daddr.in6 = ip6h->daddr;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0)
		return false;
	if (nexthdr != ip6h->nexthdr)
		veer_count(vn, VEER_STAT_IPV6_EXTHDR);
	if (frag_off & htons(IP6_OFFSET)) {
		p->proto = 0;
		return true;
	}
	p->proto = nexthdr;
	return veer_parse_ports(skb, thoff, p);
}

static unsigned int veer_prerouting(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct veer_net *vn = veer_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	struct veer_service *svc;
	struct veer_pkt p = {};
	struct nf_conn *ct;
	bool ok, new_conn;

	veer_count(vn, VEER_STAT_PACKETS);
	veer_count_add(vn, VEER_STAT_BYTES, skb->len);

	if (state->pf == NFPROTO_IPV4)
		ok = veer_parse_ipv4(skb, &p);
	else
		ok = veer_parse_ipv6(vn, skb, &p);
	if (!ok) {
		veer_count(vn, VEER_STAT_BAD_HDR);
		return NF_ACCEPT;
	}
	if (p.proto != IPPROTO_TCP && p.proto != IPPROTO_UDP)
		return NF_ACCEPT;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		veer_count(vn, VEER_STAT_NO_CT);

	/* Service counters: packets toward the service. */
	svc = veer_service_match(vn, p.family, &p.daddr, p.proto, p.dport);
	if (svc) {
		/* First packet only: a retransmitted SYN finds ct confirmed. */
		new_conn = ct && ctinfo == IP_CT_NEW && !nf_ct_is_confirmed(ct);
		veer_count(vn, VEER_STAT_SVC_PACKETS);
		if (new_conn)
			veer_count(vn, VEER_STAT_SVC_CONNS);
		veer_obj_stats_add(svc->stats, skb->len, new_conn);

		/* The ACKs of SYN cookies: the handoff takes them. */
		if (p.proto == IPPROTO_TCP &&
		    READ_ONCE(svc->cookie_mode) != VEER_COOKIE_OFF) {
			unsigned int verdict;

			verdict = veer_handshake_packet(vn, svc, skb, ct,
							ctinfo, p.thoff);
			if (verdict != NF_ACCEPT)
				return verdict;
		}
	}

	/* A server's SYN-ACK to a SYN replayed after a cookie. */
	if (ct && p.proto == IPPROTO_TCP && READ_ONCE(vn->synproxy_on) &&
	    CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY)
		veer_handshake_synack(vn, skb, ct, p.thoff);

	/* Flow records: both directions, keyed by the original tuple. */
	if (ct)
		veer_flow_packet(vn, skb, ct, ctinfo, p.thoff);
	return NF_ACCEPT;
}

static const struct nf_hook_ops veer_hook_ops[] = {
	{
		.hook		= veer_prerouting,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook		= veer_prerouting,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_CONNTRACK + 1,
	},
};

/* Called under vn->lock when the first service is added. */
int veer_hooks_get(struct veer_net *vn)
{
	int err;

	if (vn->hooks_on)
		return 0;
	/* Make sure conntrack runs in this namespace for both families. */
	err = nf_ct_netns_get(vn->net, NFPROTO_INET);
	if (err)
		return err;
	err = nf_register_net_hooks(vn->net, veer_hook_ops,
				    ARRAY_SIZE(veer_hook_ops));
	if (err) {
		nf_ct_netns_put(vn->net, NFPROTO_INET);
		return err;
	}
	WRITE_ONCE(vn->hooks_on, true);
	veer_flow_gc_kick(vn);
	return 0;
}

/*
 * Hooks run while there is a service or every flow is to be tracked; the
 * SYN cookie hooks (handshake.c) while some service has cookies.
 */
int veer_hooks_update(struct veer_net *vn)
{
	int err;

	if (vn->n_services || vn->cfg.track_all) {
		err = veer_hooks_get(vn);
		if (err)
			return err;
		return veer_handshake_hooks_update(vn);
	}
	veer_hooks_put(vn);
	return 0;
}

/* Called under vn->lock when the hooks are no longer wanted. */
void veer_hooks_put(struct veer_net *vn)
{
	veer_handshake_hooks_put(vn);
	if (!vn->hooks_on)
		return;
	nf_unregister_net_hooks(vn->net, veer_hook_ops,
				ARRAY_SIZE(veer_hook_ops));
	nf_ct_netns_put(vn->net, NFPROTO_INET);
	WRITE_ONCE(vn->hooks_on, false);
}
