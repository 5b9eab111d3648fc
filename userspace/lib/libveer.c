// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libveer: client of the "veer" generic netlink family, on libnl-genl-3.
 *
 * Requests are sent with NLM_F_ACK (dumps without: the kernel never acks a
 * dump) and answered by callbacks that record the kernel's error and its
 * extended ack message.  Replies are parsed with policies; unknown attributes
 * are ignored.  Dumps are collected first and handed to the caller only when
 * they completed without NLM_F_DUMP_INTR (retried a few times otherwise), so
 * the caller never sees a torn listing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "libveer.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define ERRMSG_LEN	256
#define DUMP_TRIES	10

struct veer_handle {
	struct nl_sock *sk;
	int family;
	bool busy;		/* in transact(): a callback must not reenter */
	char errmsg[ERRMSG_LEN];
};

struct veer_monitor {
	struct nl_sock *sk;
	int family;
	unsigned char *buf;
	size_t bufsize;
	char errmsg[ERRMSG_LEN];
};

/* Errors of veer_open()/veer_monitor_open(): no handle to keep them in. */
static __thread char open_errmsg[ERRMSG_LEN];

__attribute__((format(printf, 3, 4)))
static int set_err(char *buf, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, ERRMSG_LEN, fmt, ap);
	va_end(ap);
	return err;
}

const char *veer_last_error_msg(const struct veer_handle *h)
{
	const char *m = h ? h->errmsg : open_errmsg;

	return m[0] ? m : NULL;
}

const char *veer_monitor_error_msg(const struct veer_monitor *m)
{
	return m && m->errmsg[0] ? m->errmsg : NULL;
}

/* libnl's own error codes, for failures that did not come from the kernel. */
static int nlerr_to_errno(int e)
{
	switch (e < 0 ? -e : e) {
	case NLE_SUCCESS:	return 0;
	case NLE_INTR:		return -EINTR;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_EXIST:		return -EEXIST;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	case NLE_BUSY:		return -EBUSY;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_PERM:		return -EPERM;
	case NLE_NODEV:		return -ENODEV;
	case NLE_DUMP_INTR:	return -EINTR;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
	case NLE_ATTRSIZE:	return -EBADMSG;
	default:		return -EIO;
	}
}

/* ---- sockets and namespaces ------------------------------------------- */

static int netns_enter(const char *netns, int *oldfd, char *errbuf)
{
	char path[PATH_MAX];
	int fd, err;

	*oldfd = -1;
	if (!netns)
		return 0;
	if (strchr(netns, '/')) {
		if (snprintf(path, sizeof(path), "%s", netns) >= (int)sizeof(path))
			return set_err(errbuf, -ENAMETOOLONG,
				       "network namespace path too long");
	} else {
		if (!netns[0] || !strcmp(netns, ".") || !strcmp(netns, ".."))
			return set_err(errbuf, -EINVAL,
				       "invalid network namespace name \"%s\"",
				       netns);
		if (snprintf(path, sizeof(path), "/var/run/netns/%s", netns) >=
		    (int)sizeof(path))
			return set_err(errbuf, -ENAMETOOLONG,
				       "network namespace name too long");
	}

	*oldfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*oldfd < 0)
		*oldfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*oldfd < 0)
		return set_err(errbuf, -errno,
			       "cannot open the current network namespace: %s",
			       strerror(errno));

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		close(*oldfd);
		*oldfd = -1;
		return set_err(errbuf, err,
			       "cannot open network namespace \"%s\": %s",
			       netns, strerror(-err));
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(fd);
		close(*oldfd);
		*oldfd = -1;
		return set_err(errbuf, err,
			       "cannot enter network namespace \"%s\": %s",
			       netns, strerror(-err));
	}
	close(fd);
	return 0;
}

static int netns_leave(int oldfd, char *errbuf)
{
	int err = 0;

	if (oldfd < 0)
		return 0;
	if (setns(oldfd, CLONE_NEWNET) < 0)
		err = set_err(errbuf, -errno,
			      "cannot return to the original network namespace: %s",
			      strerror(errno));
	close(oldfd);
	return err;
}

/* The multicast groups, by VEER_MON_* bit. */
static const char *const mcgrps[] = { VEER_MCGRP_EVENTS, VEER_MCGRP_FLOWS };

/*
 * A generic netlink socket created in netns, with extended acks on, and the
 * family resolved.  groups: VEER_MON_* groups to subscribe to (0: none).
 */
static int sock_open(const char *netns, unsigned int groups,
		     struct nl_sock **skp, int *familyp, char *errbuf)
{
	size_t i;
	struct nl_sock *sk;
	int oldfd, err, one = 1, family;

	errbuf[0] = '\0';
	*skp = NULL;
	sk = nl_socket_alloc();
	if (!sk)
		return set_err(errbuf, -ENOMEM, "out of memory");

	err = netns_enter(netns, &oldfd, errbuf);
	if (err < 0)
		goto fail;
	err = genl_connect(sk);
	if (err < 0) {
		err = nlerr_to_errno(err);
		set_err(errbuf, err, "cannot open a generic netlink socket: %s",
			strerror(-err));
		netns_leave(oldfd, errbuf);
		goto fail;
	}
	err = netns_leave(oldfd, errbuf);
	if (err < 0)
		goto fail;

	/* Best effort: kernels before 4.12 lack them. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_disable_auto_ack(sk);

	/*
	 * Resolving the family through the controller makes the kernel
	 * request_module() "veer" (MODULE_ALIAS_GENL_FAMILY); a family still
	 * missing means the module is not available.
	 */
	family = genl_ctrl_resolve(sk, VEER_GENL_NAME);
	if (family < 0) {
		if (family == -NLE_OBJ_NOTFOUND)
			err = set_err(errbuf, -ENOENT,
				      "kernel module not loaded (modprobe veer)");
		else {
			err = nlerr_to_errno(family);
			set_err(errbuf, err,
				"cannot resolve the generic netlink family \"%s\": %s",
				VEER_GENL_NAME, strerror(-err));
		}
		goto fail;
	}
	for (i = 0; i < sizeof(mcgrps) / sizeof(mcgrps[0]); i++) {
		const char *grp = mcgrps[i];
		int id;

		if (!(groups & (1U << i)))
			continue;
		id = genl_ctrl_resolve_grp(sk, VEER_GENL_NAME, grp);
		if (id < 0) {
			err = nlerr_to_errno(id);
			set_err(errbuf, err,
				"cannot resolve the multicast group \"%s\": %s",
				grp, strerror(-err));
			goto fail;
		}
		nl_socket_disable_seq_check(sk);
		err = nl_socket_add_membership(sk, id);
		if (err < 0) {
			err = nlerr_to_errno(err);
			set_err(errbuf, err,
				"cannot join the multicast group \"%s\": %s",
				grp, strerror(-err));
			goto fail;
		}
	}
	*skp = sk;
	*familyp = family;
	errbuf[0] = '\0';
	return 0;
fail:
	nl_socket_free(sk);
	return err;
}

int veer_open(struct veer_handle **hp, const char *netns)
{
	struct veer_handle *h;
	int err;

	open_errmsg[0] = '\0';
	if (!hp)
		return -EINVAL;
	*hp = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return set_err(open_errmsg, -ENOMEM, "out of memory");
	err = sock_open(netns, 0, &h->sk, &h->family, open_errmsg);
	if (err < 0) {
		free(h);
		return err;
	}
	*hp = h;
	return 0;
}

void veer_close(struct veer_handle *h)
{
	if (!h)
		return;
	nl_socket_free(h->sk);
	free(h);
}

/* ---- policies for what the kernel sends -------------------------------- */

#define P_U8	{ .type = NLA_U8, .maxlen = sizeof(uint8_t) }
#define P_U16	{ .type = NLA_U16, .maxlen = sizeof(uint16_t) }
#define P_U32	{ .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define P_U64	{ .type = NLA_U64, .maxlen = sizeof(uint64_t) }
#define P_ADDR4	{ .type = NLA_UNSPEC, .minlen = 4, .maxlen = 4 }
#define P_ADDR6	{ .type = NLA_UNSPEC, .minlen = 16, .maxlen = 16 }
#define P_NEST	{ .type = NLA_NESTED }
#define P_NAME	{ .type = NLA_STRING, .maxlen = VEER_NAME_LEN }

static const struct nla_policy top_policy[VEER_ATTR_MAX + 1] = {
	[VEER_ATTR_SERVICE] = P_NEST,
	[VEER_ATTR_HOST] = P_NEST,
	[VEER_ATTR_PEER] = P_NEST,
	[VEER_ATTR_CONFIG] = P_NEST,
	[VEER_ATTR_STATS] = P_NEST,
	[VEER_ATTR_FLOW] = P_NEST,
	[VEER_ATTR_AGG] = P_NEST,
	[VEER_ATTR_EVENT] = P_U8,
	[VEER_ATTR_KEY] = P_NEST,
};

static const struct nla_policy key_policy[VEER_KEY_MAX + 1] = {
	[VEER_KEY_EPOCH] = P_U8,
	[VEER_KEY_ROLE] = P_U8,
	[VEER_KEY_FINGERPRINT] = P_U32,
};

static const struct nla_policy svc_policy[VEER_SVC_MAX + 1] = {
	[VEER_SVC_NAME] = P_NAME,
	[VEER_SVC_ID] = P_U32,
	[VEER_SVC_ADDR4] = P_ADDR4,
	[VEER_SVC_ADDR6] = P_ADDR6,
	[VEER_SVC_PREFIX_LEN] = P_U8,
	[VEER_SVC_PROTO] = P_U8,
	[VEER_SVC_PORT] = P_U16,
	[VEER_SVC_FLAGS] = P_U32,
	[VEER_SVC_SCHED] = P_U8,
	[VEER_SVC_TABLE_SIZE] = P_U32,
	[VEER_SVC_COOKIE_MODE] = P_U8,
	[VEER_SVC_SYN_THRESH] = P_U32,
	[VEER_SVC_CONN_THRESH] = P_U32,
	[VEER_SVC_LATENCY_THRESH] = P_U32,
	[VEER_SVC_SHIFT_PCT] = P_U8,
	[VEER_SVC_HOSTS] = P_U32,
	[VEER_SVC_STATS] = P_NEST,
};

static const struct nla_policy svc_stat_policy[VEER_SVC_STAT_MAX + 1] = {
	[VEER_SVC_STAT_PACKETS] = P_U64,
	[VEER_SVC_STAT_BYTES] = P_U64,
	[VEER_SVC_STAT_CONNS] = P_U64,
	[VEER_SVC_STAT_SYN_RECEIVED ... VEER_SVC_STAT_MAX] = P_U64,
};

static const struct nla_policy host_policy[VEER_HOST_MAX + 1] = {
	[VEER_HOST_ADDR4] = P_ADDR4,
	[VEER_HOST_ADDR6] = P_ADDR6,
	[VEER_HOST_PORT] = P_U16,
	[VEER_HOST_WEIGHT] = P_U32,
	[VEER_HOST_STATE] = P_U8,
	[VEER_HOST_ENCAP] = P_U8,
	[VEER_HOST_ENCAP_PORT] = P_U16,
	[VEER_HOST_STATS] = P_NEST,
};

static const struct nla_policy peer_policy[VEER_PEER_MAX + 1] = {
	[VEER_PEER_ADDR4] = P_ADDR4,
	[VEER_PEER_ADDR6] = P_ADDR6,
	[VEER_PEER_ROLE] = P_U8,
	[VEER_PEER_PORT] = P_U16,
	[VEER_PEER_WEIGHT] = P_U32,
};

static const struct nla_policy cfg_policy[VEER_CFG_MAX + 1] = {
	[VEER_CFG_FLOW_MAX] = P_U32,
	[VEER_CFG_TRACK_ALL] = P_U8,
	[VEER_CFG_GUE_PORT] = P_U16,
	[VEER_CFG_EVENT_RATE] = P_U32,
	[VEER_CFG_NODE_ID] = P_U32,
	[VEER_CFG_GRAN_MAX_LEVEL] = P_U8,
	[VEER_CFG_GRAN_BW] = P_U32,
	[VEER_CFG_GRAN_DURATION] = P_U32,
	[VEER_CFG_GRAN_FREQ] = P_U32,
	[VEER_CFG_SUBNET_PREFIX4] = P_U8,
	[VEER_CFG_SUBNET_PREFIX6] = P_U8,
	[VEER_CFG_APP_PORT_SPAN] = P_U16,
	[VEER_CFG_APP_MARK_MASK] = P_U32,
	[VEER_CFG_FLOW_RATE_THRESH] = P_U32,
	[VEER_CFG_AGG_MAX] = P_U32,
};

static const struct nla_policy lease_policy[VEER_LEASE_MAX + 1] = {
	[VEER_LEASE_TTL_MS] = P_U32,
	[VEER_LEASE_REMAINING_MS] = P_U32,
	[VEER_LEASE_CONFIDENCE] = P_U8,
	[VEER_LEASE_LEVEL] = P_U8,
};

static const struct nla_policy fdir_policy[VEER_FDIR_MAX + 1] = {
	[VEER_FDIR_PACKETS] = P_U64,
	[VEER_FDIR_BYTES] = P_U64,
	[VEER_FDIR_SEQ] = P_U32,
	[VEER_FDIR_ACK] = P_U32,
	[VEER_FDIR_WIN] = P_U32,
	[VEER_FDIR_WSCALE] = P_U8,
	[VEER_FDIR_MSS] = P_U16,
	[VEER_FDIR_OPTS] = P_U8,
	[VEER_FDIR_TSVAL] = P_U32,
};

static const struct nla_policy flow_policy[VEER_FLOW_MAX + 1] = {
	[VEER_FLOW_SADDR4] = P_ADDR4,
	[VEER_FLOW_SADDR6] = P_ADDR6,
	[VEER_FLOW_DADDR4] = P_ADDR4,
	[VEER_FLOW_DADDR6] = P_ADDR6,
	[VEER_FLOW_SPORT] = P_U16,
	[VEER_FLOW_DPORT] = P_U16,
	[VEER_FLOW_PROTO] = P_U8,
	[VEER_FLOW_ZONE] = P_U16,
	[VEER_FLOW_CT_ID] = P_U32,
	[VEER_FLOW_SVC_ID] = P_U32,
	[VEER_FLOW_LEVEL] = P_U8,
	[VEER_FLOW_TCP_STATE] = P_U8,
	[VEER_FLOW_AGE_MS] = P_U64,
	[VEER_FLOW_IDLE_MS] = P_U64,
	[VEER_FLOW_ORIG] = P_NEST,
	[VEER_FLOW_REPLY] = P_NEST,
	[VEER_FLOW_RATE] = P_U64,
	[VEER_FLOW_PEAK_RATE] = P_U64,
	[VEER_FLOW_RTT_SYN] = P_U32,
	[VEER_FLOW_RTT] = P_U32,
	[VEER_FLOW_LEASE] = P_NEST,
	[VEER_FLOW_OFFLOAD_REASON] = P_U8,
	[VEER_FLOW_AFFINITY] = P_U32,
	[VEER_FLOW_XLATE] = P_U8,
};

static const struct nla_policy agg_policy[VEER_AGG_MAX + 1] = {
	[VEER_AGG_LEVEL] = P_U8,
	[VEER_AGG_ADDR4] = P_ADDR4,
	[VEER_AGG_ADDR6] = P_ADDR6,
	[VEER_AGG_PREFIX_LEN] = P_U8,
	[VEER_AGG_SVC_ID] = P_U32,
	[VEER_AGG_APP_ID] = P_U32,
	[VEER_AGG_ACTIVE] = P_U32,
	[VEER_AGG_CONNS] = P_U64,
	[VEER_AGG_PACKETS] = P_U64,
	[VEER_AGG_BYTES] = P_U64,
	[VEER_AGG_RATE] = P_U64,
	[VEER_AGG_AVG_DURATION] = P_U32,
	[VEER_AGG_FREQ] = P_U32,
	[VEER_AGG_IDLE_MS] = P_U64,
	[VEER_AGG_LEASE] = P_NEST,
	[VEER_AGG_BY_MARK] = P_U8,
};


/* ---- decoding ---------------------------------------------------------- */

static void get_addr(struct nlattr *a4, struct nlattr *a6, int *family,
		     union veer_addr *addr, uint64_t *present, uint64_t bit)
{
	if (a4) {
		*family = AF_INET;
		memcpy(&addr->v4, nla_data(a4), 4);
		*present |= bit;
	} else if (a6) {
		*family = AF_INET6;
		memcpy(&addr->v6, nla_data(a6), 16);
		*present |= bit;
	}
}

static int get_obj_stats(struct nlattr *nest, struct veer_obj_stats *st)
{
	struct nlattr *tb[VEER_SVC_STAT_MAX + 1];
	int i;

	if (nla_parse_nested(tb, VEER_SVC_STAT_MAX, nest, svc_stat_policy) < 0)
		return -EBADMSG;
	if (tb[VEER_SVC_STAT_PACKETS])
		st->packets = nla_get_u64(tb[VEER_SVC_STAT_PACKETS]);
	if (tb[VEER_SVC_STAT_BYTES])
		st->bytes = nla_get_u64(tb[VEER_SVC_STAT_BYTES]);
	if (tb[VEER_SVC_STAT_CONNS])
		st->conns = nla_get_u64(tb[VEER_SVC_STAT_CONNS]);
	for (i = VEER_SVC_STAT_SYN_RECEIVED; i <= VEER_SVC_STAT_MAX; i++) {
		if (!tb[i])
			continue;
		st->has_cookies = 1;
		st->cookies[i - VEER_SVC_STAT_SYN_RECEIVED] = nla_get_u64(tb[i]);
	}
	return 0;
}

static int decode_service(struct nlattr *nest, struct veer_service *s)
{
	struct nlattr *tb[VEER_SVC_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_SVC_MAX, nest, svc_policy) < 0)
		return -EBADMSG;

#define GET(attr, field, getter, bit)				\
	do {							\
		if (tb[attr]) {					\
			s->field = getter(tb[attr]);		\
			s->present |= (bit);			\
		}						\
	} while (0)

	if (tb[VEER_SVC_NAME]) {
		nla_strlcpy(s->name, tb[VEER_SVC_NAME], sizeof(s->name));
		s->present |= VEER_SVC_P_NAME;
	}
	GET(VEER_SVC_ID, id, nla_get_u32, VEER_SVC_P_ID);
	get_addr(tb[VEER_SVC_ADDR4], tb[VEER_SVC_ADDR6], &s->family, &s->addr,
		 &s->present, VEER_SVC_P_ADDR);
	GET(VEER_SVC_PREFIX_LEN, prefix_len, nla_get_u8, VEER_SVC_P_PREFIX_LEN);
	GET(VEER_SVC_PROTO, proto, nla_get_u8, VEER_SVC_P_PROTO);
	if (tb[VEER_SVC_PORT]) {
		s->port = ntohs(nla_get_u16(tb[VEER_SVC_PORT]));
		s->present |= VEER_SVC_P_PORT;
	}
	GET(VEER_SVC_FLAGS, flags, nla_get_u32, VEER_SVC_P_FLAGS);
	GET(VEER_SVC_SCHED, sched, nla_get_u8, VEER_SVC_P_SCHED);
	GET(VEER_SVC_TABLE_SIZE, table_size, nla_get_u32, VEER_SVC_P_TABLE_SIZE);
	GET(VEER_SVC_COOKIE_MODE, cookie_mode, nla_get_u8,
	    VEER_SVC_P_COOKIE_MODE);
	GET(VEER_SVC_SYN_THRESH, syn_thresh, nla_get_u32, VEER_SVC_P_SYN_THRESH);
	GET(VEER_SVC_CONN_THRESH, conn_thresh, nla_get_u32,
	    VEER_SVC_P_CONN_THRESH);
	GET(VEER_SVC_LATENCY_THRESH, latency_thresh, nla_get_u32,
	    VEER_SVC_P_LATENCY_THRESH);
	GET(VEER_SVC_SHIFT_PCT, shift_pct, nla_get_u8, VEER_SVC_P_SHIFT_PCT);
	GET(VEER_SVC_HOSTS, hosts, nla_get_u32, VEER_SVC_P_HOSTS);
#undef GET
	if (tb[VEER_SVC_STATS]) {
		if (get_obj_stats(tb[VEER_SVC_STATS], &s->stats) < 0)
			return -EBADMSG;
		s->present |= VEER_SVC_P_STATS;
	}
	return 0;
}

/* A host message: VEER_ATTR_SERVICE { NAME } + VEER_ATTR_HOST { ... }. */
static int decode_host(struct nlattr **top, struct veer_host *hst)
{
	struct nlattr *tb[VEER_HOST_MAX + 1];
	struct nlattr *nest = top[VEER_ATTR_HOST];

	memset(hst, 0, sizeof(*hst));
	if (!nest)
		return -EBADMSG;
	if (top[VEER_ATTR_SERVICE]) {
		struct nlattr *stb[VEER_SVC_MAX + 1];

		if (nla_parse_nested(stb, VEER_SVC_MAX, top[VEER_ATTR_SERVICE],
				     svc_policy) < 0)
			return -EBADMSG;
		if (stb[VEER_SVC_NAME]) {
			nla_strlcpy(hst->service, stb[VEER_SVC_NAME],
				    sizeof(hst->service));
			hst->present |= VEER_HOST_P_SERVICE;
		}
	}
	if (nla_parse_nested(tb, VEER_HOST_MAX, nest, host_policy) < 0)
		return -EBADMSG;
	get_addr(tb[VEER_HOST_ADDR4], tb[VEER_HOST_ADDR6], &hst->family,
		 &hst->addr, &hst->present, VEER_HOST_P_ADDR);
	if (tb[VEER_HOST_PORT]) {
		hst->port = ntohs(nla_get_u16(tb[VEER_HOST_PORT]));
		hst->present |= VEER_HOST_P_PORT;
	}
	if (tb[VEER_HOST_WEIGHT]) {
		hst->weight = nla_get_u32(tb[VEER_HOST_WEIGHT]);
		hst->present |= VEER_HOST_P_WEIGHT;
	}
	if (tb[VEER_HOST_STATE]) {
		hst->state = nla_get_u8(tb[VEER_HOST_STATE]);
		hst->present |= VEER_HOST_P_STATE;
	}
	if (tb[VEER_HOST_ENCAP]) {
		hst->encap = nla_get_u8(tb[VEER_HOST_ENCAP]);
		hst->present |= VEER_HOST_P_ENCAP;
	}
	if (tb[VEER_HOST_ENCAP_PORT]) {
		hst->encap_port = ntohs(nla_get_u16(tb[VEER_HOST_ENCAP_PORT]));
		hst->present |= VEER_HOST_P_ENCAP_PORT;
	}
	if (tb[VEER_HOST_STATS]) {
		if (get_obj_stats(tb[VEER_HOST_STATS], &hst->stats) < 0)
			return -EBADMSG;
		hst->present |= VEER_HOST_P_STATS;
	}
	return 0;
}

static int decode_peer(struct nlattr *nest, struct veer_peer *p)
{
	struct nlattr *tb[VEER_PEER_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_PEER_MAX, nest, peer_policy) < 0)
		return -EBADMSG;
	get_addr(tb[VEER_PEER_ADDR4], tb[VEER_PEER_ADDR6], &p->family,
		 &p->addr, &p->present, VEER_PEER_P_ADDR);
	if (tb[VEER_PEER_ROLE]) {
		p->role = nla_get_u8(tb[VEER_PEER_ROLE]);
		p->present |= VEER_PEER_P_ROLE;
	}
	if (tb[VEER_PEER_PORT]) {
		p->port = ntohs(nla_get_u16(tb[VEER_PEER_PORT]));
		p->present |= VEER_PEER_P_PORT;
	}
	if (tb[VEER_PEER_WEIGHT]) {
		p->weight = nla_get_u32(tb[VEER_PEER_WEIGHT]);
		p->present |= VEER_PEER_P_WEIGHT;
	}
	return 0;
}

static int decode_config(struct nlattr *nest, struct veer_config *c)
{
	struct nlattr *tb[VEER_CFG_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_CFG_MAX, nest, cfg_policy) < 0)
		return -EBADMSG;
	if (tb[VEER_CFG_FLOW_MAX]) {
		c->flow_max = nla_get_u32(tb[VEER_CFG_FLOW_MAX]);
		c->present |= VEER_CFG_P_FLOW_MAX;
	}
	if (tb[VEER_CFG_TRACK_ALL]) {
		c->track_all = nla_get_u8(tb[VEER_CFG_TRACK_ALL]) != 0;
		c->present |= VEER_CFG_P_TRACK_ALL;
	}
	if (tb[VEER_CFG_GUE_PORT]) {
		c->gue_port = ntohs(nla_get_u16(tb[VEER_CFG_GUE_PORT]));
		c->present |= VEER_CFG_P_GUE_PORT;
	}
	if (tb[VEER_CFG_EVENT_RATE]) {
		c->event_rate = nla_get_u32(tb[VEER_CFG_EVENT_RATE]);
		c->present |= VEER_CFG_P_EVENT_RATE;
	}
	if (tb[VEER_CFG_NODE_ID]) {
		c->node_id = nla_get_u32(tb[VEER_CFG_NODE_ID]);
		c->present |= VEER_CFG_P_NODE_ID;
	}

#define GET(attr, field, getter, bit)				\
	do {							\
		if (tb[attr]) {					\
			c->field = getter(tb[attr]);		\
			c->present |= (bit);			\
		}						\
	} while (0)

	GET(VEER_CFG_GRAN_MAX_LEVEL, gran_max_level, nla_get_u8,
	    VEER_CFG_P_GRAN_MAX_LEVEL);
	GET(VEER_CFG_GRAN_BW, gran_bw, nla_get_u32, VEER_CFG_P_GRAN_BW);
	GET(VEER_CFG_GRAN_DURATION, gran_duration, nla_get_u32,
	    VEER_CFG_P_GRAN_DURATION);
	GET(VEER_CFG_GRAN_FREQ, gran_freq, nla_get_u32, VEER_CFG_P_GRAN_FREQ);
	GET(VEER_CFG_SUBNET_PREFIX4, subnet_prefix4, nla_get_u8,
	    VEER_CFG_P_SUBNET_PREFIX4);
	GET(VEER_CFG_SUBNET_PREFIX6, subnet_prefix6, nla_get_u8,
	    VEER_CFG_P_SUBNET_PREFIX6);
	GET(VEER_CFG_APP_PORT_SPAN, app_port_span, nla_get_u16,
	    VEER_CFG_P_APP_PORT_SPAN);
	GET(VEER_CFG_APP_MARK_MASK, app_mark_mask, nla_get_u32,
	    VEER_CFG_P_APP_MARK_MASK);
	GET(VEER_CFG_FLOW_RATE_THRESH, flow_rate_thresh, nla_get_u32,
	    VEER_CFG_P_FLOW_RATE_THRESH);
	GET(VEER_CFG_AGG_MAX, agg_max, nla_get_u32, VEER_CFG_P_AGG_MAX);
#undef GET
	return 0;
}

static int decode_lease(struct nlattr *nest, struct veer_lease *l)
{
	struct nlattr *tb[VEER_LEASE_MAX + 1];

	memset(l, 0, sizeof(*l));
	if (nla_parse_nested(tb, VEER_LEASE_MAX, nest, lease_policy) < 0)
		return -EBADMSG;
	if (tb[VEER_LEASE_TTL_MS]) {
		l->ttl_ms = nla_get_u32(tb[VEER_LEASE_TTL_MS]);
		l->present |= VEER_LEASE_P_TTL;
	}
	if (tb[VEER_LEASE_REMAINING_MS]) {
		l->remaining_ms = nla_get_u32(tb[VEER_LEASE_REMAINING_MS]);
		l->present |= VEER_LEASE_P_REMAINING;
	}
	if (tb[VEER_LEASE_CONFIDENCE]) {
		l->confidence = nla_get_u8(tb[VEER_LEASE_CONFIDENCE]);
		l->present |= VEER_LEASE_P_CONFIDENCE;
	}
	if (tb[VEER_LEASE_LEVEL]) {
		l->level = nla_get_u8(tb[VEER_LEASE_LEVEL]);
		l->present |= VEER_LEASE_P_LEVEL;
	}
	return 0;
}

static int decode_fdir(struct nlattr *nest, struct veer_flow_dir *d)
{
	struct nlattr *tb[VEER_FDIR_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (nla_parse_nested(tb, VEER_FDIR_MAX, nest, fdir_policy) < 0)
		return -EBADMSG;

#define GET(attr, field, getter, bit)				\
	do {							\
		if (tb[attr]) {					\
			d->field = getter(tb[attr]);		\
			d->present |= (bit);			\
		}						\
	} while (0)

	GET(VEER_FDIR_PACKETS, packets, nla_get_u64, VEER_FDIR_P_PACKETS);
	GET(VEER_FDIR_BYTES, bytes, nla_get_u64, VEER_FDIR_P_BYTES);
	GET(VEER_FDIR_SEQ, seq, nla_get_u32, VEER_FDIR_P_SEQ);
	GET(VEER_FDIR_ACK, ack, nla_get_u32, VEER_FDIR_P_ACK);
	GET(VEER_FDIR_WIN, win, nla_get_u32, VEER_FDIR_P_WIN);
	GET(VEER_FDIR_WSCALE, wscale, nla_get_u8, VEER_FDIR_P_WSCALE);
	GET(VEER_FDIR_MSS, mss, nla_get_u16, VEER_FDIR_P_MSS);
	GET(VEER_FDIR_OPTS, opts, nla_get_u8, VEER_FDIR_P_OPTS);
	GET(VEER_FDIR_TSVAL, tsval, nla_get_u32, VEER_FDIR_P_TSVAL);
#undef GET
	return 0;
}

static int decode_flow(struct nlattr *nest, struct veer_flow *f)
{
	struct nlattr *tb[VEER_FLOW_MAX + 1];
	struct veer_flow_key *k = &f->key;
	uint64_t kp = 0;
	int dfamily = 0;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_FLOW_MAX, nest, flow_policy) < 0)
		return -EBADMSG;

	/* The key, whole or not at all: a flow has every part of it. */
	get_addr(tb[VEER_FLOW_SADDR4], tb[VEER_FLOW_SADDR6], &k->family,
		 &k->saddr, &kp, 1);
	get_addr(tb[VEER_FLOW_DADDR4], tb[VEER_FLOW_DADDR6], &dfamily,
		 &k->daddr, &kp, 2);
	if (kp != 3 || k->family != dfamily || !tb[VEER_FLOW_SPORT] ||
	    !tb[VEER_FLOW_DPORT] || !tb[VEER_FLOW_PROTO])
		return -EBADMSG;
	k->sport = ntohs(nla_get_u16(tb[VEER_FLOW_SPORT]));
	k->dport = ntohs(nla_get_u16(tb[VEER_FLOW_DPORT]));
	k->proto = nla_get_u8(tb[VEER_FLOW_PROTO]);
	if (tb[VEER_FLOW_ZONE])
		k->zone = nla_get_u16(tb[VEER_FLOW_ZONE]);
	f->present |= VEER_FLOW_P_KEY;

#define GET(attr, field, getter, bit)				\
	do {							\
		if (tb[attr]) {					\
			f->field = getter(tb[attr]);		\
			f->present |= (bit);			\
		}						\
	} while (0)

	GET(VEER_FLOW_CT_ID, ct_id, nla_get_u32, VEER_FLOW_P_CT_ID);
	GET(VEER_FLOW_SVC_ID, svc_id, nla_get_u32, VEER_FLOW_P_SVC_ID);
	GET(VEER_FLOW_LEVEL, level, nla_get_u8, VEER_FLOW_P_LEVEL);
	GET(VEER_FLOW_TCP_STATE, tcp_state, nla_get_u8, VEER_FLOW_P_TCP_STATE);
	GET(VEER_FLOW_AGE_MS, age_ms, nla_get_u64, VEER_FLOW_P_AGE);
	GET(VEER_FLOW_IDLE_MS, idle_ms, nla_get_u64, VEER_FLOW_P_IDLE);
	GET(VEER_FLOW_RATE, rate, nla_get_u64, VEER_FLOW_P_RATE);
	GET(VEER_FLOW_PEAK_RATE, peak_rate, nla_get_u64, VEER_FLOW_P_PEAK_RATE);
	GET(VEER_FLOW_RTT_SYN, rtt_syn_us, nla_get_u32, VEER_FLOW_P_RTT_SYN);
	GET(VEER_FLOW_RTT, rtt_us, nla_get_u32, VEER_FLOW_P_RTT);
	GET(VEER_FLOW_OFFLOAD_REASON, offload_reason, nla_get_u8,
	    VEER_FLOW_P_HANDOFF);
	GET(VEER_FLOW_AFFINITY, affinity, nla_get_u32, VEER_FLOW_P_HANDOFF);
	GET(VEER_FLOW_XLATE, xlate, nla_get_u8, VEER_FLOW_P_HANDOFF);
#undef GET
	if (tb[VEER_FLOW_ORIG]) {
		if (decode_fdir(tb[VEER_FLOW_ORIG], &f->orig) < 0)
			return -EBADMSG;
		f->present |= VEER_FLOW_P_ORIG;
	}
	if (tb[VEER_FLOW_REPLY]) {
		if (decode_fdir(tb[VEER_FLOW_REPLY], &f->reply) < 0)
			return -EBADMSG;
		f->present |= VEER_FLOW_P_REPLY;
	}
	if (tb[VEER_FLOW_LEASE]) {
		if (decode_lease(tb[VEER_FLOW_LEASE], &f->lease) < 0)
			return -EBADMSG;
		f->present |= VEER_FLOW_P_LEASE;
	}
	return 0;
}

static int decode_agg(struct nlattr *nest, struct veer_agg *a)
{
	struct nlattr *tb[VEER_AGG_MAX + 1];

	memset(a, 0, sizeof(*a));
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_AGG_MAX, nest, agg_policy) < 0)
		return -EBADMSG;
	get_addr(tb[VEER_AGG_ADDR4], tb[VEER_AGG_ADDR6], &a->family, &a->addr,
		 &a->present, VEER_AGG_P_ADDR);

#define GET(attr, field, getter, bit)				\
	do {							\
		if (tb[attr]) {					\
			a->field = getter(tb[attr]);		\
			a->present |= (bit);			\
		}						\
	} while (0)

	GET(VEER_AGG_LEVEL, level, nla_get_u8, VEER_AGG_P_LEVEL);
	GET(VEER_AGG_PREFIX_LEN, prefix_len, nla_get_u8, VEER_AGG_P_PREFIX_LEN);
	GET(VEER_AGG_SVC_ID, svc_id, nla_get_u32, VEER_AGG_P_SVC_ID);
	GET(VEER_AGG_APP_ID, app_id, nla_get_u32, VEER_AGG_P_APP_ID);
	GET(VEER_AGG_ACTIVE, active, nla_get_u32, VEER_AGG_P_ACTIVE);
	GET(VEER_AGG_CONNS, conns, nla_get_u64, VEER_AGG_P_CONNS);
	GET(VEER_AGG_PACKETS, packets, nla_get_u64, VEER_AGG_P_PACKETS);
	GET(VEER_AGG_BYTES, bytes, nla_get_u64, VEER_AGG_P_BYTES);
	GET(VEER_AGG_RATE, rate, nla_get_u64, VEER_AGG_P_RATE);
	GET(VEER_AGG_AVG_DURATION, avg_duration_ms, nla_get_u32,
	    VEER_AGG_P_AVG_DURATION);
	GET(VEER_AGG_FREQ, freq, nla_get_u32, VEER_AGG_P_FREQ);
	GET(VEER_AGG_IDLE_MS, idle_ms, nla_get_u64, VEER_AGG_P_IDLE);
#undef GET
	if (tb[VEER_AGG_BY_MARK]) {
		a->by_mark = nla_get_u8(tb[VEER_AGG_BY_MARK]) != 0;
		a->present |= VEER_AGG_P_BY_MARK;
	}
	if (tb[VEER_AGG_LEASE]) {
		if (decode_lease(tb[VEER_AGG_LEASE], &a->lease) < 0)
			return -EBADMSG;
		a->present |= VEER_AGG_P_LEASE;
	}
	return 0;
}

static bool is_counter(int i)
{
	return i > VEER_STAT_UNSPEC && i <= VEER_STAT_MAX && i != VEER_STAT_PAD;
}

static int decode_stats(struct nlattr *nest, struct veer_stats *st)
{
	/* Every counter is a u64 whose type is its index; PAD pads. */
	struct nla_policy policy[VEER_STAT_MAX + 1];
	struct nlattr *tb[VEER_STAT_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	memset(policy, 0, sizeof(policy));
	for (i = 0; i <= VEER_STAT_MAX; i++)
		if (is_counter(i))
			policy[i] = (struct nla_policy)P_U64;
	if (!nest)
		return -EBADMSG;
	if (nla_parse_nested(tb, VEER_STAT_MAX, nest, policy) < 0)
		return -EBADMSG;
	for (i = 0; i <= VEER_STAT_MAX; i++) {
		if (!is_counter(i) || !tb[i])
			continue;
		st->v[i] = nla_get_u64(tb[i]);
		st->present |= 1ULL << i;
	}
	return 0;
}

/* ---- encoding ---------------------------------------------------------- */

static int put_addr(struct nl_msg *msg, int a4, int a6, int family,
		    const union veer_addr *addr)
{
	if (family == AF_INET)
		return nla_put(msg, a4, 4, &addr->v4);
	if (family == AF_INET6)
		return nla_put(msg, a6, 16, &addr->v6);
	return -NLE_AF_NOSUPPORT;
}

static int check_name(struct veer_handle *h, const char *name,
		      const char *what)
{
	size_t n;

	if (!name)
		return set_err(h->errmsg, -EINVAL, "%s name missing", what);
	n = strnlen(name, VEER_NAME_LEN);
	if (n == 0 || n >= VEER_NAME_LEN)
		return set_err(h->errmsg, -EINVAL,
			       "%s name must have 1 to %d characters", what,
			       VEER_NAME_LEN - 1);
	return 0;
}

static int check_family(struct veer_handle *h, int family, const char *what)
{
	if (family != AF_INET && family != AF_INET6)
		return set_err(h->errmsg, -EAFNOSUPPORT,
			       "%s address family must be AF_INET or AF_INET6",
			       what);
	return 0;
}

static int nest_service_name(struct nl_msg *msg, const char *name)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, VEER_ATTR_SERVICE | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_string(msg, VEER_SVC_NAME, name) < 0)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_service(struct nl_msg *msg, const struct veer_service *s)
{
	struct nlattr *nest;
	uint64_t p = s->present;
	int err = 0;

	nest = nla_nest_start(msg, VEER_ATTR_SERVICE | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	err |= nla_put_string(msg, VEER_SVC_NAME, s->name);
	if (p & VEER_SVC_P_ADDR)
		err |= put_addr(msg, VEER_SVC_ADDR4, VEER_SVC_ADDR6, s->family,
				&s->addr);
	if (p & VEER_SVC_P_PREFIX_LEN)
		err |= nla_put_u8(msg, VEER_SVC_PREFIX_LEN, s->prefix_len);
	if (p & VEER_SVC_P_PROTO)
		err |= nla_put_u8(msg, VEER_SVC_PROTO, s->proto);
	if (p & VEER_SVC_P_PORT)
		err |= nla_put_u16(msg, VEER_SVC_PORT, htons(s->port));
	if (p & VEER_SVC_P_FLAGS)
		err |= nla_put_u32(msg, VEER_SVC_FLAGS, s->flags);
	if (p & VEER_SVC_P_SCHED)
		err |= nla_put_u8(msg, VEER_SVC_SCHED, s->sched);
	if (p & VEER_SVC_P_TABLE_SIZE)
		err |= nla_put_u32(msg, VEER_SVC_TABLE_SIZE, s->table_size);
	if (p & VEER_SVC_P_COOKIE_MODE)
		err |= nla_put_u8(msg, VEER_SVC_COOKIE_MODE, s->cookie_mode);
	if (p & VEER_SVC_P_SYN_THRESH)
		err |= nla_put_u32(msg, VEER_SVC_SYN_THRESH, s->syn_thresh);
	if (p & VEER_SVC_P_CONN_THRESH)
		err |= nla_put_u32(msg, VEER_SVC_CONN_THRESH, s->conn_thresh);
	if (p & VEER_SVC_P_LATENCY_THRESH)
		err |= nla_put_u32(msg, VEER_SVC_LATENCY_THRESH,
				   s->latency_thresh);
	if (p & VEER_SVC_P_SHIFT_PCT)
		err |= nla_put_u8(msg, VEER_SVC_SHIFT_PCT, s->shift_pct);
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

/* with_fields: false for del/get (key only). */
static int put_host(struct nl_msg *msg, const struct veer_host *hst,
		    bool with_fields)
{
	struct nlattr *nest;
	uint64_t p = with_fields ? hst->present : 0;
	int err = 0;

	if (nest_service_name(msg, hst->service) < 0)
		return -NLE_NOMEM;
	nest = nla_nest_start(msg, VEER_ATTR_HOST | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	err |= put_addr(msg, VEER_HOST_ADDR4, VEER_HOST_ADDR6, hst->family,
			&hst->addr);
	/* The port is part of the key: always sent (0: the service's). */
	err |= nla_put_u16(msg, VEER_HOST_PORT,
			   htons(hst->present & VEER_HOST_P_PORT ? hst->port : 0));
	if (p & VEER_HOST_P_WEIGHT)
		err |= nla_put_u32(msg, VEER_HOST_WEIGHT, hst->weight);
	if (p & VEER_HOST_P_STATE)
		err |= nla_put_u8(msg, VEER_HOST_STATE, hst->state);
	if (p & VEER_HOST_P_ENCAP)
		err |= nla_put_u8(msg, VEER_HOST_ENCAP, hst->encap);
	if (p & VEER_HOST_P_ENCAP_PORT)
		err |= nla_put_u16(msg, VEER_HOST_ENCAP_PORT,
				   htons(hst->encap_port));
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_peer(struct nl_msg *msg, const struct veer_peer *pr,
		    bool with_fields)
{
	struct nlattr *nest;
	uint64_t p = with_fields ? pr->present : 0;
	int err = 0;

	nest = nla_nest_start(msg, VEER_ATTR_PEER | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	err |= put_addr(msg, VEER_PEER_ADDR4, VEER_PEER_ADDR6, pr->family,
			&pr->addr);
	if (p & VEER_PEER_P_ROLE)
		err |= nla_put_u8(msg, VEER_PEER_ROLE, pr->role);
	if (p & VEER_PEER_P_PORT)
		err |= nla_put_u16(msg, VEER_PEER_PORT, htons(pr->port));
	if (p & VEER_PEER_P_WEIGHT)
		err |= nla_put_u32(msg, VEER_PEER_WEIGHT, pr->weight);
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_config(struct nl_msg *msg, const struct veer_config *c)
{
	struct nlattr *nest;
	uint64_t p = c->present;
	int err = 0;

	nest = nla_nest_start(msg, VEER_ATTR_CONFIG | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (p & VEER_CFG_P_FLOW_MAX)
		err |= nla_put_u32(msg, VEER_CFG_FLOW_MAX, c->flow_max);
	if (p & VEER_CFG_P_TRACK_ALL)
		err |= nla_put_u8(msg, VEER_CFG_TRACK_ALL, c->track_all ? 1 : 0);
	if (p & VEER_CFG_P_GUE_PORT)
		err |= nla_put_u16(msg, VEER_CFG_GUE_PORT, htons(c->gue_port));
	if (p & VEER_CFG_P_EVENT_RATE)
		err |= nla_put_u32(msg, VEER_CFG_EVENT_RATE, c->event_rate);
	if (p & VEER_CFG_P_NODE_ID)
		err |= nla_put_u32(msg, VEER_CFG_NODE_ID, c->node_id);
	if (p & VEER_CFG_P_GRAN_MAX_LEVEL)
		err |= nla_put_u8(msg, VEER_CFG_GRAN_MAX_LEVEL,
				  c->gran_max_level);
	if (p & VEER_CFG_P_GRAN_BW)
		err |= nla_put_u32(msg, VEER_CFG_GRAN_BW, c->gran_bw);
	if (p & VEER_CFG_P_GRAN_DURATION)
		err |= nla_put_u32(msg, VEER_CFG_GRAN_DURATION,
				   c->gran_duration);
	if (p & VEER_CFG_P_GRAN_FREQ)
		err |= nla_put_u32(msg, VEER_CFG_GRAN_FREQ, c->gran_freq);
	if (p & VEER_CFG_P_SUBNET_PREFIX4)
		err |= nla_put_u8(msg, VEER_CFG_SUBNET_PREFIX4,
				  c->subnet_prefix4);
	if (p & VEER_CFG_P_SUBNET_PREFIX6)
		err |= nla_put_u8(msg, VEER_CFG_SUBNET_PREFIX6,
				  c->subnet_prefix6);
	if (p & VEER_CFG_P_APP_PORT_SPAN)
		err |= nla_put_u16(msg, VEER_CFG_APP_PORT_SPAN,
				   c->app_port_span);
	if (p & VEER_CFG_P_APP_MARK_MASK)
		err |= nla_put_u32(msg, VEER_CFG_APP_MARK_MASK,
				   c->app_mark_mask);
	if (p & VEER_CFG_P_FLOW_RATE_THRESH)
		err |= nla_put_u32(msg, VEER_CFG_FLOW_RATE_THRESH,
				   c->flow_rate_thresh);
	if (p & VEER_CFG_P_AGG_MAX)
		err |= nla_put_u32(msg, VEER_CFG_AGG_MAX, c->agg_max);
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_lease(struct nl_msg *msg, int type, const struct veer_lease *l)
{
	struct nlattr *nest;
	uint64_t p = l->present;
	int err = 0;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (p & VEER_LEASE_P_TTL)
		err |= nla_put_u32(msg, VEER_LEASE_TTL_MS, l->ttl_ms);
	if (p & VEER_LEASE_P_REMAINING)
		err |= nla_put_u32(msg, VEER_LEASE_REMAINING_MS,
				   l->remaining_ms);
	if (p & VEER_LEASE_P_CONFIDENCE)
		err |= nla_put_u8(msg, VEER_LEASE_CONFIDENCE, l->confidence);
	if (p & VEER_LEASE_P_LEVEL)
		err |= nla_put_u8(msg, VEER_LEASE_LEVEL, l->level);
	if (err)
		return -NLE_NOMEM;
	nla_nest_end(msg, nest);
	return 0;
}

/* VEER_ATTR_FLOW { the key [, the lease] } */
static int put_flow_key(struct nl_msg *msg, const struct veer_flow_key *k,
			const struct veer_lease *lease)
{
	struct nlattr *nest;
	int err = 0;

	nest = nla_nest_start(msg, VEER_ATTR_FLOW | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	err = put_addr(msg, VEER_FLOW_SADDR4, VEER_FLOW_SADDR6, k->family,
		       &k->saddr);
	if (err < 0)
		return err;
	err = put_addr(msg, VEER_FLOW_DADDR4, VEER_FLOW_DADDR6, k->family,
		       &k->daddr);
	if (err < 0)
		return err;
	err |= nla_put_u16(msg, VEER_FLOW_SPORT, htons(k->sport));
	err |= nla_put_u16(msg, VEER_FLOW_DPORT, htons(k->dport));
	err |= nla_put_u8(msg, VEER_FLOW_PROTO, k->proto);
	err |= nla_put_u16(msg, VEER_FLOW_ZONE, k->zone);
	if (err)
		return -NLE_NOMEM;
	if (lease) {
		err = put_lease(msg, VEER_FLOW_LEASE, lease);
		if (err < 0)
			return err;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_flow_filter(struct nl_msg *msg,
			   const struct veer_flow_filter *flt)
{
	struct nlattr *nest;
	int err = 0;

	if (!flt || !flt->present)
		return 0;
	nest = nla_nest_start(msg, VEER_ATTR_FLOW | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (flt->present & VEER_FLOW_F_SVC_ID)
		err |= nla_put_u32(msg, VEER_FLOW_SVC_ID, flt->svc_id);
	if (flt->present & VEER_FLOW_F_LEVEL)
		err |= nla_put_u8(msg, VEER_FLOW_LEVEL, flt->level);
	if (err)
		return -NLE_NOMEM;
	if (flt->present & VEER_FLOW_F_ADDR) {
		err = put_addr(msg, VEER_FLOW_ADDR4, VEER_FLOW_ADDR6,
			       flt->family, &flt->addr);
		if (err < 0)
			return err;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* VEER_ATTR_AGG { the key [, the lease] } */
static int put_agg_key(struct nl_msg *msg, const struct veer_agg *a,
		       const struct veer_lease *lease)
{
	struct nlattr *nest;
	uint64_t p = a->present;
	int err = 0;

	nest = nla_nest_start(msg, VEER_ATTR_AGG | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	err = put_addr(msg, VEER_AGG_ADDR4, VEER_AGG_ADDR6, a->family,
		       &a->addr);
	if (err < 0)
		return err;
	err |= nla_put_u8(msg, VEER_AGG_LEVEL, a->level);
	if (p & VEER_AGG_P_PREFIX_LEN)
		err |= nla_put_u8(msg, VEER_AGG_PREFIX_LEN, a->prefix_len);
	if (p & VEER_AGG_P_SVC_ID)
		err |= nla_put_u32(msg, VEER_AGG_SVC_ID, a->svc_id);
	if (p & VEER_AGG_P_APP_ID)
		err |= nla_put_u32(msg, VEER_AGG_APP_ID, a->app_id);
	if (p & VEER_AGG_P_BY_MARK)
		err |= nla_put_u8(msg, VEER_AGG_BY_MARK, a->by_mark ? 1 : 0);
	if (err)
		return -NLE_NOMEM;
	if (lease) {
		err = put_lease(msg, VEER_AGG_LEASE, lease);
		if (err < 0)
			return err;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* ---- request / reply --------------------------------------------------- */

/* Called for each reply message with its top-level attributes. */
typedef int (*reply_fn)(struct nlattr **tb, void *arg);

struct req_ctx {
	struct veer_handle *h;
	uint32_t seq;
	bool pending;		/* no ack, error or DONE yet */
	bool intr;		/* NLM_F_DUMP_INTR seen */
	int err;		/* negative errno, 0 */
	reply_fn fn;
	void *arg;
};

/* The reply being decoded, for reply_fns that walk repeated attributes. */
static __thread struct nlmsghdr *reply_nlh;

static int cb_seq_check(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;

	/* Stale replies of an aborted earlier request: skip them. */
	return nlmsg_hdr(msg)->nlmsg_seq == ctx->seq ? NL_OK : NL_SKIP;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[VEER_ATTR_MAX + 1];
	int err;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->intr = true;
	if (ctx->err)
		return NL_SKIP;	/* keep draining to the end */
	if (nlh->nlmsg_type != ctx->h->family)
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, VEER_ATTR_MAX, top_policy) < 0) {
		ctx->err = set_err(ctx->h->errmsg, -EBADMSG,
				   "malformed reply from the kernel");
		return NL_SKIP;
	}
	if (ctx->fn) {
		reply_nlh = nlh;
		err = ctx->fn(tb, ctx->arg);
		reply_nlh = NULL;
		if (err < 0) {
			if (err == -EBADMSG)
				set_err(ctx->h->errmsg, err,
					"malformed reply from the kernel");
			ctx->err = err;
		}
	}
	return NL_OK;
}

static int cb_finish(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	char emsg[ERRMSG_LEN];
	int error;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->intr = true;
	ctx->pending = false;
	/* A dump that failed after it started reports it in NLMSG_DONE. */
	if (veer_parse_ext_ack(nlh, nlh->nlmsg_len, &error, emsg, sizeof(emsg),
			       NULL) == 0 && error < 0 && !ctx->err) {
		ctx->err = error;
		memcpy(ctx->h->errmsg, emsg, sizeof(emsg));
	}
	return NL_STOP;
}

static int cb_ack(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	char emsg[ERRMSG_LEN];
	int error;

	ctx->pending = false;
	/* A success may carry a warning. */
	if (!ctx->err && veer_parse_ext_ack(nlh, nlh->nlmsg_len, &error, emsg,
					    sizeof(emsg), NULL) == 0)
		memcpy(ctx->h->errmsg, emsg, sizeof(emsg));
	return NL_STOP;
}

static int cb_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct req_ctx *ctx = arg;
	/*
	 * libnl hands us the payload of the NLMSG_ERROR message, still in its
	 * receive buffer; its header sits right before it.
	 */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	char emsg[ERRMSG_LEN];
	int error;

	(void)nla;
	ctx->pending = false;
	if (ctx->err)
		return NL_STOP;	/* keep the first error and its message */
	ctx->err = e->error < 0 ? e->error : -EIO;
	if (veer_parse_ext_ack(nlh, nlh->nlmsg_len, &error, emsg, sizeof(emsg),
			       NULL) == 0)
		memcpy(ctx->h->errmsg, emsg, sizeof(emsg));
	else
		ctx->h->errmsg[0] = '\0';
	return NL_STOP;
}

/*
 * Send msg (freed here) and process replies until the ack, the error or the
 * end of the dump.  Returns 0 or a negative errno.
 */
static int transact_msg(struct veer_handle *h, struct nl_msg *msg,
			reply_fn fn, void *arg, bool *intr, bool wipe);

static int transact(struct veer_handle *h, struct nl_msg *msg, reply_fn fn,
		    void *arg, bool *intr)
{
	return transact_msg(h, msg, fn, arg, intr, false);
}

/* Frees msg; wipe: its bytes first (it holds a secret). */
static void msg_free(struct nl_msg *msg, bool wipe)
{
	if (wipe)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

static int transact_msg(struct veer_handle *h, struct nl_msg *msg,
			reply_fn fn, void *arg, bool *intr, bool wipe)
{
	struct req_ctx ctx = {
		.h = h, .pending = true, .fn = fn, .arg = arg,
	};
	struct nl_cb *cb;
	int err;

	/*
	 * A request from a dump's callback would read the rest of the dump
	 * as its own replies (and lose it).
	 */
	if (h->busy) {
		msg_free(msg, wipe);
		return set_err(h->errmsg, -EBUSY,
			       "the handle is busy with a dump: use another handle");
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		msg_free(msg, wipe);
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	}
	h->busy = true;
	err = nl_send_auto(h->sk, msg);
	ctx.seq = nlmsg_hdr(msg)->nlmsg_seq;
	msg_free(msg, wipe);
	if (err < 0) {
		err = nlerr_to_errno(err);
		set_err(h->errmsg, err, "cannot send the request: %s",
			strerror(-err));
		goto out;
	}

	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cb_seq_check, &ctx);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &ctx);

	while (ctx.pending) {
		err = nl_recvmsgs(h->sk, cb);
		if (err < 0 && ctx.pending) {
			err = nlerr_to_errno(err);
			if (!ctx.err)
				ctx.err = set_err(h->errmsg, err,
						  "cannot read the reply: %s",
						  strerror(-err));
			break;
		}
	}
	err = ctx.err;
	if (intr)
		*intr = ctx.intr;
out:
	h->busy = false;
	nl_cb_put(cb);
	return err;
}

static struct nl_msg *new_msg(struct veer_handle *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags,
			 cmd, VEER_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int build_fail(struct veer_handle *h, struct nl_msg *msg, int err)
{
	nlmsg_free(msg);
	if (err == -NLE_AF_NOSUPPORT)
		return set_err(h->errmsg, -EAFNOSUPPORT,
			       "address family must be AF_INET or AF_INET6");
	return set_err(h->errmsg, -EMSGSIZE, "request too large");
}

/* ---- dumps ------------------------------------------------------------- */

struct vec {
	void *items;
	size_t n, cap, size;
};

static int vec_push(struct vec *v, const void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->items, cap * v->size);

		if (!p)
			return -ENOMEM;
		v->items = p;
		v->cap = cap;
	}
	memcpy((char *)v->items + v->n * v->size, item, v->size);
	v->n++;
	return 0;
}

static void *vec_at(const struct vec *v, size_t i)
{
	return (char *)v->items + i * v->size;
}

/*
 * Run a dump: build_fn adds the request's attributes; each reply is decoded
 * into the vector.  Retried while the kernel flags it inconsistent.
 */
typedef int (*build_fn)(struct nl_msg *msg, const void *arg);

static int dump(struct veer_handle *h, uint8_t cmd, build_fn build,
		const void *barg, reply_fn fn, struct vec *v)
{
	int tries, err;
	bool intr = false;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		struct nl_msg *msg = new_msg(h, cmd, NLM_F_DUMP);

		if (!msg)
			return set_err(h->errmsg, -ENOMEM, "out of memory");
		if (build) {
			err = build(msg, barg);
			if (err < 0)
				return build_fail(h, msg, err);
		}
		v->n = 0;
		err = transact(h, msg, fn, v, &intr);
		if (err < 0)
			return err;
		if (!intr)
			return 0;
	}
	return set_err(h->errmsg, -EINTR,
		       "the objects kept changing during the dump (%d tries)",
		       DUMP_TRIES);
}

/* ---- services ---------------------------------------------------------- */

static int svc_reply(struct nlattr **tb, void *arg)
{
	struct veer_service s;
	int err = decode_service(tb[VEER_ATTR_SERVICE], &s);

	return err < 0 ? err : vec_push(arg, &s);
}

static int service_send(struct veer_handle *h, uint8_t cmd,
			const struct veer_service *svc)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!svc)
		return set_err(h->errmsg, -EINVAL, "no service given");
	err = check_name(h, svc->name, "service");
	if (err < 0)
		return err;
	if (svc->present & VEER_SVC_P_ADDR) {
		err = check_family(h, svc->family, "service");
		if (err < 0)
			return err;
	}
	msg = new_msg(h, cmd, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_service(msg, svc);
	if (err < 0)
		return build_fail(h, msg, err);
	return transact(h, msg, NULL, NULL, NULL);
}

int veer_service_add(struct veer_handle *h, const struct veer_service *svc)
{
	return service_send(h, VEER_CMD_SERVICE_NEW, svc);
}

int veer_service_change(struct veer_handle *h, const struct veer_service *svc)
{
	return service_send(h, VEER_CMD_SERVICE_SET, svc);
}

static int service_key_msg(struct veer_handle *h, uint8_t cmd, int flags,
			   const char *name, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	err = check_name(h, name, "service");
	if (err < 0)
		return err;
	msg = new_msg(h, cmd, flags);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	if (nest_service_name(msg, name) < 0)
		return build_fail(h, msg, -NLE_NOMEM);
	*msgp = msg;
	return 0;
}

int veer_service_del(struct veer_handle *h, const char *name)
{
	struct nl_msg *msg;
	int err = service_key_msg(h, VEER_CMD_SERVICE_DEL, NLM_F_ACK, name,
				  &msg);

	return err < 0 ? err : transact(h, msg, NULL, NULL, NULL);
}

/* A GET of one object: exactly one reply expected. */
static int get_one(struct veer_handle *h, struct nl_msg *msg, reply_fn fn,
		   struct vec *v, void *out)
{
	int err = transact(h, msg, fn, v, NULL);

	if (err == 0 && v->n != 1)
		err = set_err(h->errmsg, -EBADMSG,
			      "the kernel sent %zu objects for one", v->n);
	if (err == 0)
		memcpy(out, v->items, v->size);
	free(v->items);
	return err;
}

int veer_service_get(struct veer_handle *h, const char *name,
		     struct veer_service *out)
{
	struct vec v = { .size = sizeof(struct veer_service) };
	struct nl_msg *msg;
	int err = service_key_msg(h, VEER_CMD_SERVICE_GET, NLM_F_ACK, name,
				  &msg);

	if (err < 0)
		return err;
	return get_one(h, msg, svc_reply, &v, out);
}

int veer_service_dump(struct veer_handle *h, veer_service_cb cb, void *arg)
{
	struct vec v = { .size = sizeof(struct veer_service) };
	size_t i;
	int err;

	h->errmsg[0] = '\0';
	err = dump(h, VEER_CMD_SERVICE_GET, NULL, NULL, svc_reply, &v);
	for (i = 0; err == 0 && i < v.n; i++)
		err = cb(vec_at(&v, i), arg);
	free(v.items);
	return err;
}

/* ---- hosts ------------------------------------------------------------- */

static int host_reply(struct nlattr **tb, void *arg)
{
	struct veer_host hst;
	int err = decode_host(tb, &hst);

	return err < 0 ? err : vec_push(arg, &hst);
}

static int host_msg(struct veer_handle *h, uint8_t cmd,
		    const struct veer_host *hst, bool with_fields,
		    struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!hst)
		return set_err(h->errmsg, -EINVAL, "no host given");
	err = check_name(h, hst->service, "service");
	if (err < 0)
		return err;
	err = check_family(h, hst->family, "host");
	if (err < 0)
		return err;
	msg = new_msg(h, cmd, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_host(msg, hst, with_fields);
	if (err < 0)
		return build_fail(h, msg, err);
	*msgp = msg;
	return 0;
}

static int host_send(struct veer_handle *h, uint8_t cmd,
		     const struct veer_host *hst, bool with_fields)
{
	struct nl_msg *msg;
	int err = host_msg(h, cmd, hst, with_fields, &msg);

	return err < 0 ? err : transact(h, msg, NULL, NULL, NULL);
}

int veer_host_add(struct veer_handle *h, const struct veer_host *host)
{
	return host_send(h, VEER_CMD_HOST_NEW, host, true);
}

int veer_host_change(struct veer_handle *h, const struct veer_host *host)
{
	return host_send(h, VEER_CMD_HOST_SET, host, true);
}

int veer_host_del(struct veer_handle *h, const struct veer_host *key)
{
	return host_send(h, VEER_CMD_HOST_DEL, key, false);
}

int veer_host_get(struct veer_handle *h, const struct veer_host *key,
		  struct veer_host *out)
{
	struct vec v = { .size = sizeof(struct veer_host) };
	struct nl_msg *msg;
	int err = host_msg(h, VEER_CMD_HOST_GET, key, false, &msg);

	if (err < 0)
		return err;
	return get_one(h, msg, host_reply, &v, out);
}

static int build_host_dump(struct nl_msg *msg, const void *arg)
{
	return arg ? nest_service_name(msg, arg) : 0;
}

int veer_host_dump(struct veer_handle *h, const char *service,
		   veer_host_cb cb, void *arg)
{
	struct vec v = { .size = sizeof(struct veer_host) };
	size_t i;
	int err;

	h->errmsg[0] = '\0';
	if (service) {
		err = check_name(h, service, "service");
		if (err < 0)
			return err;
	}
	err = dump(h, VEER_CMD_HOST_GET, build_host_dump, service, host_reply,
		   &v);
	for (i = 0; err == 0 && i < v.n; i++)
		err = cb(vec_at(&v, i), arg);
	free(v.items);
	return err;
}

/* ---- peers ------------------------------------------------------------- */

static int peer_reply(struct nlattr **tb, void *arg)
{
	struct veer_peer p;
	int err = decode_peer(tb[VEER_ATTR_PEER], &p);

	return err < 0 ? err : vec_push(arg, &p);
}

static int peer_msg(struct veer_handle *h, uint8_t cmd,
		    const struct veer_peer *p, bool with_fields,
		    struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!p)
		return set_err(h->errmsg, -EINVAL, "no peer given");
	err = check_family(h, p->family, "peer");
	if (err < 0)
		return err;
	msg = new_msg(h, cmd, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_peer(msg, p, with_fields);
	if (err < 0)
		return build_fail(h, msg, err);
	*msgp = msg;
	return 0;
}

static int peer_send(struct veer_handle *h, uint8_t cmd,
		     const struct veer_peer *p, bool with_fields)
{
	struct nl_msg *msg;
	int err = peer_msg(h, cmd, p, with_fields, &msg);

	return err < 0 ? err : transact(h, msg, NULL, NULL, NULL);
}

int veer_peer_add(struct veer_handle *h, const struct veer_peer *peer)
{
	return peer_send(h, VEER_CMD_PEER_NEW, peer, true);
}

int veer_peer_change(struct veer_handle *h, const struct veer_peer *peer)
{
	return peer_send(h, VEER_CMD_PEER_SET, peer, true);
}

int veer_peer_del(struct veer_handle *h, const struct veer_peer *key)
{
	return peer_send(h, VEER_CMD_PEER_DEL, key, false);
}

int veer_peer_get(struct veer_handle *h, const struct veer_peer *key,
		  struct veer_peer *out)
{
	struct vec v = { .size = sizeof(struct veer_peer) };
	struct nl_msg *msg;
	int err = peer_msg(h, VEER_CMD_PEER_GET, key, false, &msg);

	if (err < 0)
		return err;
	return get_one(h, msg, peer_reply, &v, out);
}

int veer_peer_dump(struct veer_handle *h, veer_peer_cb cb, void *arg)
{
	struct vec v = { .size = sizeof(struct veer_peer) };
	size_t i;
	int err;

	h->errmsg[0] = '\0';
	err = dump(h, VEER_CMD_PEER_GET, NULL, NULL, peer_reply, &v);
	for (i = 0; err == 0 && i < v.n; i++)
		err = cb(vec_at(&v, i), arg);
	free(v.items);
	return err;
}

/* ---- config and stats -------------------------------------------------- */

static int cfg_reply(struct nlattr **tb, void *arg)
{
	struct veer_config c;
	int err = decode_config(tb[VEER_ATTR_CONFIG], &c);

	return err < 0 ? err : vec_push(arg, &c);
}

int veer_config_get(struct veer_handle *h, struct veer_config *out)
{
	struct vec v = { .size = sizeof(struct veer_config) };
	struct nl_msg *msg;

	h->errmsg[0] = '\0';
	msg = new_msg(h, VEER_CMD_CONFIG_GET, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	return get_one(h, msg, cfg_reply, &v, out);
}

int veer_config_set(struct veer_handle *h, const struct veer_config *cfg)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!cfg)
		return set_err(h->errmsg, -EINVAL, "no config given");
	msg = new_msg(h, VEER_CMD_CONFIG_SET, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_config(msg, cfg);
	if (err < 0)
		return build_fail(h, msg, err);
	return transact(h, msg, NULL, NULL, NULL);
}

static int stats_reply(struct nlattr **tb, void *arg)
{
	struct veer_stats st;
	int err = decode_stats(tb[VEER_ATTR_STATS], &st);

	return err < 0 ? err : vec_push(arg, &st);
}

int veer_stats_get(struct veer_handle *h, struct veer_stats *out)
{
	struct vec v = { .size = sizeof(struct veer_stats) };
	struct nl_msg *msg;

	h->errmsg[0] = '\0';
	msg = new_msg(h, VEER_CMD_STATS_GET, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	return get_one(h, msg, stats_reply, &v, out);
}

/* ---- cookie keys ------------------------------------------------------- */

int veer_key_set(struct veer_handle *h, unsigned int action, uint8_t epoch,
		 const uint8_t *secret)
{
	bool install = action == VEER_KEY_ACT_SET ||
		       action == VEER_KEY_ACT_NEXT;
	struct nlattr *nest;
	struct nl_msg *msg;

	h->errmsg[0] = '\0';
	if (action > VEER_KEY_ACT_MAX)
		return set_err(h->errmsg, -EINVAL, "unknown key action %u",
			       action);
	if (install && !secret)
		return set_err(h->errmsg, -EINVAL, "no secret given");
	msg = new_msg(h, VEER_CMD_KEY_SET, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	nest = nla_nest_start(msg, VEER_ATTR_KEY);
	if (!nest || nla_put_u8(msg, VEER_KEY_ACTION, (uint8_t)action) < 0 ||
	    (install &&
	     (nla_put_u8(msg, VEER_KEY_EPOCH, epoch) < 0 ||
	      nla_put(msg, VEER_KEY_SECRET, VEER_KEY_LEN, secret) < 0))) {
		msg_free(msg, true);
		return set_err(h->errmsg, -EMSGSIZE, "request too large");
	}
	nla_nest_end(msg, nest);
	return transact_msg(h, msg, NULL, NULL, NULL, true);
}

static int keys_reply(struct nlattr **tb, void *arg)
{
	struct nlattr *ktb[VEER_KEY_MAX + 1];
	struct veer_keys *out = arg;
	struct veer_key *k;
	struct nlattr *a;
	int rem;

	/* The VEER_ATTR_KEY nests repeat: tb holds the last; walk them all. */
	(void)tb;
	nlmsg_for_each_attr(a, reply_nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) != VEER_ATTR_KEY)
			continue;
		if (out->n >= VEER_KEYS_MAX ||
		    nla_parse_nested(ktb, VEER_KEY_MAX, a, key_policy) < 0 ||
		    !ktb[VEER_KEY_EPOCH] || !ktb[VEER_KEY_ROLE])
			return -EBADMSG;
		k = &out->key[out->n++];
		k->epoch = nla_get_u8(ktb[VEER_KEY_EPOCH]);
		k->role = nla_get_u8(ktb[VEER_KEY_ROLE]);
		k->fingerprint = ktb[VEER_KEY_FINGERPRINT] ?
				 nla_get_u32(ktb[VEER_KEY_FINGERPRINT]) : 0;
	}
	return 0;
}

int veer_key_get(struct veer_handle *h, struct veer_keys *out)
{
	struct nl_msg *msg;

	h->errmsg[0] = '\0';
	memset(out, 0, sizeof(*out));
	msg = new_msg(h, VEER_CMD_KEY_GET, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	return transact(h, msg, keys_reply, out, NULL);
}

/* ---- flows ------------------------------------------------------------- */

static int flow_reply(struct nlattr **tb, void *arg)
{
	struct veer_flow f;
	int err = decode_flow(tb[VEER_ATTR_FLOW], &f);

	return err < 0 ? err : vec_push(arg, &f);
}

/* A flow dump hands each flow to the caller as it arrives. */
struct flow_stream {
	veer_flow_cb cb;
	void *arg;
	int ret;		/* the callback's first non-zero return */
};

static int flow_stream_reply(struct nlattr **tb, void *arg)
{
	struct flow_stream *st = arg;
	struct veer_flow f;
	int err;

	if (st->ret)
		return 0;	/* the caller stopped: drain the dump */
	err = decode_flow(tb[VEER_ATTR_FLOW], &f);
	if (err < 0)
		return err;
	st->ret = st->cb(&f, st->arg);
	return 0;
}

int veer_flow_dump(struct veer_handle *h, const struct veer_flow_filter *filter,
		   veer_flow_cb cb, void *arg)
{
	struct flow_stream st = { .cb = cb, .arg = arg };
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!cb)
		return set_err(h->errmsg, -EINVAL, "no callback given");
	if (filter && (filter->present & VEER_FLOW_F_ADDR)) {
		err = check_family(h, filter->family, "filter");
		if (err < 0)
			return err;
	}
	msg = new_msg(h, VEER_CMD_FLOW_GET, NLM_F_DUMP);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_flow_filter(msg, filter);
	if (err < 0)
		return build_fail(h, msg, err);
	/*
	 * The flow table is walked live and never flagged inconsistent as a
	 * whole: no retry, and NLM_F_DUMP_INTR (a newer kernel's) is ignored.
	 */
	err = transact(h, msg, flow_stream_reply, &st, NULL);
	return err < 0 ? err : st.ret;
}

static int flow_key_msg(struct veer_handle *h, uint8_t cmd,
			const struct veer_flow_key *key,
			const struct veer_lease *lease, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!key)
		return set_err(h->errmsg, -EINVAL, "no flow given");
	err = check_family(h, key->family, "flow");
	if (err < 0)
		return err;
	msg = new_msg(h, cmd, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_flow_key(msg, key, lease);
	if (err < 0)
		return build_fail(h, msg, err);
	*msgp = msg;
	return 0;
}

int veer_flow_get(struct veer_handle *h, const struct veer_flow_key *key,
		  struct veer_flow *out)
{
	struct vec v = { .size = sizeof(struct veer_flow) };
	struct nl_msg *msg;
	int err = flow_key_msg(h, VEER_CMD_FLOW_GET, key, NULL, &msg);

	if (err < 0)
		return err;
	return get_one(h, msg, flow_reply, &v, out);
}

int veer_flow_set_lease(struct veer_handle *h, const struct veer_flow_key *key,
			const struct veer_lease *lease)
{
	struct nl_msg *msg;
	int err;

	if (!lease)
		return set_err(h->errmsg, -EINVAL, "no lease given");
	err = flow_key_msg(h, VEER_CMD_FLOW_SET, key, lease, &msg);
	return err < 0 ? err : transact(h, msg, NULL, NULL, NULL);
}

/* ---- aggregates -------------------------------------------------------- */

static int agg_reply(struct nlattr **tb, void *arg)
{
	struct veer_agg a;
	int err = decode_agg(tb[VEER_ATTR_AGG], &a);

	return err < 0 ? err : vec_push(arg, &a);
}

int veer_agg_dump(struct veer_handle *h, veer_agg_cb cb, void *arg)
{
	struct vec v = { .size = sizeof(struct veer_agg) };
	size_t i;
	int err;

	h->errmsg[0] = '\0';
	err = dump(h, VEER_CMD_AGG_GET, NULL, NULL, agg_reply, &v);
	for (i = 0; err == 0 && i < v.n; i++)
		err = cb(vec_at(&v, i), arg);
	free(v.items);
	return err;
}

static int agg_key_msg(struct veer_handle *h, uint8_t cmd,
		       const struct veer_agg *key,
		       const struct veer_lease *lease, struct nl_msg **msgp)
{
	struct nl_msg *msg;
	int err;

	h->errmsg[0] = '\0';
	if (!key)
		return set_err(h->errmsg, -EINVAL, "no aggregate given");
	err = check_family(h, key->family, "aggregate");
	if (err < 0)
		return err;
	msg = new_msg(h, cmd, NLM_F_ACK);
	if (!msg)
		return set_err(h->errmsg, -ENOMEM, "out of memory");
	err = put_agg_key(msg, key, lease);
	if (err < 0)
		return build_fail(h, msg, err);
	*msgp = msg;
	return 0;
}

int veer_agg_get(struct veer_handle *h, const struct veer_agg *key,
		 struct veer_agg *out)
{
	struct vec v = { .size = sizeof(struct veer_agg) };
	struct nl_msg *msg;
	int err = agg_key_msg(h, VEER_CMD_AGG_GET, key, NULL, &msg);

	if (err < 0)
		return err;
	return get_one(h, msg, agg_reply, &v, out);
}

int veer_agg_set_lease(struct veer_handle *h, const struct veer_agg *key,
		       const struct veer_lease *lease)
{
	struct nl_msg *msg;
	int err;

	if (!lease)
		return set_err(h->errmsg, -EINVAL, "no lease given");
	err = agg_key_msg(h, VEER_CMD_AGG_SET, key, lease, &msg);
	return err < 0 ? err : transact(h, msg, NULL, NULL, NULL);
}

/* ---- events ------------------------------------------------------------ */

int veer_monitor_open(struct veer_monitor **mp, const char *netns)
{
	return veer_monitor_open_groups(mp, netns, VEER_MON_EVENTS);
}

int veer_monitor_open_groups(struct veer_monitor **mp, const char *netns,
			     unsigned int groups)
{
	struct veer_monitor *m;
	int err, bufsize = 1 << 20;

	open_errmsg[0] = '\0';
	if (!mp)
		return -EINVAL;
	*mp = NULL;
	if (!groups || (groups & ~VEER_MON_ALL))
		return set_err(open_errmsg, -EINVAL,
			       "invalid multicast groups 0x%x", groups);
	m = calloc(1, sizeof(*m));
	if (!m)
		return set_err(open_errmsg, -ENOMEM, "out of memory");
	err = sock_open(netns, groups, &m->sk, &m->family, open_errmsg);
	if (err < 0) {
		free(m);
		return err;
	}
	/* Bursts of events (a daemon resync) should not overflow at once. */
	setsockopt(nl_socket_get_fd(m->sk), SOL_SOCKET, SO_RCVBUF, &bufsize,
		   sizeof(bufsize));
	*mp = m;
	return 0;
}

int veer_monitor_fd(const struct veer_monitor *m)
{
	return m ? nl_socket_get_fd(m->sk) : -EINVAL;
}

void veer_monitor_close(struct veer_monitor *m)
{
	if (!m)
		return;
	nl_socket_free(m->sk);
	free(m->buf);
	free(m);
}

static int event_kind(uint8_t cmd, enum veer_object *obj,
		      enum veer_action *act)
{
	switch (cmd) {
	case VEER_CMD_SERVICE_NEW: *obj = VEER_OBJ_SERVICE; *act = VEER_ACT_ADD; break;
	case VEER_CMD_SERVICE_DEL: *obj = VEER_OBJ_SERVICE; *act = VEER_ACT_DEL; break;
	case VEER_CMD_SERVICE_SET: *obj = VEER_OBJ_SERVICE; *act = VEER_ACT_CHANGE; break;
	case VEER_CMD_HOST_NEW:	   *obj = VEER_OBJ_HOST; *act = VEER_ACT_ADD; break;
	case VEER_CMD_HOST_DEL:	   *obj = VEER_OBJ_HOST; *act = VEER_ACT_DEL; break;
	case VEER_CMD_HOST_SET:	   *obj = VEER_OBJ_HOST; *act = VEER_ACT_CHANGE; break;
	case VEER_CMD_PEER_NEW:	   *obj = VEER_OBJ_PEER; *act = VEER_ACT_ADD; break;
	case VEER_CMD_PEER_DEL:	   *obj = VEER_OBJ_PEER; *act = VEER_ACT_DEL; break;
	case VEER_CMD_PEER_SET:	   *obj = VEER_OBJ_PEER; *act = VEER_ACT_CHANGE; break;
	case VEER_CMD_CONFIG_SET:  *obj = VEER_OBJ_CONFIG; *act = VEER_ACT_CHANGE; break;
	case VEER_CMD_FLOW_EVENT:  *obj = VEER_OBJ_FLOW; *act = VEER_ACT_NONE; break;
	default:
		return -1;
	}
	return 0;
}

static int decode_event(struct nlmsghdr *nlh, struct veer_event *ev)
{
	struct nlattr *tb[VEER_ATTR_MAX + 1];
	struct genlmsghdr *gh;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	gh = nlmsg_data(nlh);
	memset(ev, 0, sizeof(*ev));
	if (event_kind(gh->cmd, &ev->object, &ev->action) < 0)
		return 1;	/* not an event we know: skip */
	ev->cmd = gh->cmd;
	if (genlmsg_parse(nlh, 0, tb, VEER_ATTR_MAX, top_policy) < 0)
		return -EBADMSG;
	switch (ev->object) {
	case VEER_OBJ_SERVICE:
		return decode_service(tb[VEER_ATTR_SERVICE], &ev->service);
	case VEER_OBJ_HOST:
		return decode_host(tb, &ev->host);
	case VEER_OBJ_PEER:
		return decode_peer(tb[VEER_ATTR_PEER], &ev->peer);
	case VEER_OBJ_CONFIG:
		return decode_config(tb[VEER_ATTR_CONFIG], &ev->config);
	case VEER_OBJ_FLOW:
		if (!tb[VEER_ATTR_EVENT])
			return -EBADMSG;
		ev->flow_event = nla_get_u8(tb[VEER_ATTR_EVENT]);
		switch (ev->flow_event) {
		case VEER_EVENT_FLOW_NEW:
			ev->action = VEER_ACT_ADD;
			break;
		case VEER_EVENT_FLOW_END:
			ev->action = VEER_ACT_DEL;
			break;
		default:	/* LEVEL, THRESH, and a newer kernel's */
			ev->action = VEER_ACT_CHANGE;
			break;
		}
		return decode_flow(tb[VEER_ATTR_FLOW], &ev->flow);
	default:
		return 1;
	}
}

int veer_monitor_recv(struct veer_monitor *m, veer_event_cb cb, void *arg)
{
	struct sockaddr_nl from;
	socklen_t fromlen = sizeof(from);
	struct nlmsghdr *nlh;
	struct veer_event ev;
	ssize_t n;
	int fd, ret = 0, bad = 0, rem;

	if (!m || !cb)
		return -EINVAL;
	m->errmsg[0] = '\0';
	fd = nl_socket_get_fd(m->sk);

	/* Learn the datagram's size first (MSG_TRUNC reports the real one). */
	n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (n < 0) {
		if (errno == ENOBUFS)
			return set_err(m->errmsg, -ENOBUFS,
				       "events lost: receive buffer overflow");
		return -errno;
	}
	if ((size_t)n > m->bufsize || !m->buf) {
		size_t sz = (size_t)n > 32768 ? (size_t)n : 32768;
		unsigned char *b = realloc(m->buf, sz);

		if (!b)
			return -ENOMEM;
		m->buf = b;
		m->bufsize = sz;
	}
	n = recvfrom(fd, m->buf, m->bufsize, 0, (struct sockaddr *)&from,
		     &fromlen);
	if (n < 0) {
		if (errno == ENOBUFS)
			return set_err(m->errmsg, -ENOBUFS,
				       "events lost: receive buffer overflow");
		return -errno;
	}
	/* Only the kernel speaks on the group. */
	if (fromlen != sizeof(from) || from.nl_pid != 0)
		return 0;

	rem = (int)n;
	for (nlh = (struct nlmsghdr *)m->buf; nlmsg_ok(nlh, rem);
	     nlh = nlmsg_next(nlh, &rem)) {
		int err;

		if (nlh->nlmsg_type != m->family)
			continue;
		err = decode_event(nlh, &ev);
		if (err > 0)
			continue;
		if (err < 0) {
			bad++;
			continue;
		}
		ret = cb(&ev, arg);
		if (ret)
			return ret;
	}
	if (bad)
		return set_err(m->errmsg, -EBADMSG,
			       "%d malformed event(s) from the kernel skipped",
			       bad);
	return 0;
}
