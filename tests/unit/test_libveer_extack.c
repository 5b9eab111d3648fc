// SPDX-License-Identifier: GPL-2.0-only
/*
 * libveer: decoding of netlink extended acks (lib/extack.c) and the names
 * of enum values (lib/names.c).  Messages are built byte by byte here as the
 * kernel lays them out (net/netlink/af_netlink.c: netlink_ack(),
 * netlink_dump_done()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <cmocka.h>

#include "libveer.h"

struct msgbuf {
	unsigned char b[1024];
	size_t len;
};

static struct nlmsghdr *hdr(struct msgbuf *m)
{
	return (struct nlmsghdr *)m->b;
}

static void put(struct msgbuf *m, const void *data, size_t len)
{
	assert_true(m->len + len <= sizeof(m->b));
	memcpy(m->b + m->len, data, len);
	m->len += len;
}

static void align(struct msgbuf *m)
{
	m->len = NLMSG_ALIGN(m->len);
}

static void put_attr(struct msgbuf *m, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr nla = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	put(m, &nla, sizeof(nla));
	put(m, data, len);
	m->len = NLA_ALIGN(m->len);
}

static void finish(struct msgbuf *m)
{
	hdr(m)->nlmsg_len = m->len;
}

/*
 * An NLMSG_ERROR for a request of req_payload bytes (after its nlmsghdr);
 * echo: include the request (no NLM_F_CAPPED).
 */
static void error_msg(struct msgbuf *m, int error, size_t req_payload,
		      bool echo, bool tlvs)
{
	struct nlmsgerr e = { .error = error };
	struct nlmsghdr h = { .nlmsg_type = NLMSG_ERROR };
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!echo)
		h.nlmsg_flags |= NLM_F_CAPPED;
	if (tlvs)
		h.nlmsg_flags |= NLM_F_ACK_TLVS;
	put(m, &h, sizeof(h));
	e.msg.nlmsg_len = NLMSG_HDRLEN + req_payload;
	e.msg.nlmsg_type = 0x20;
	put(m, &e, sizeof(e));
	if (echo)
		for (i = 0; i < req_payload; i++)
			put(m, &(unsigned char){ 0xa5 }, 1);
	align(m);
}

static void test_capped_with_msg_and_offs(void **state)
{
	struct msgbuf m;
	char msg[128];
	uint32_t offs, o = 24;
	int err;

	(void)state;
	error_msg(&m, -EINVAL, 40, false, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "address missing", 16);
	put_attr(&m, NLMSGERR_ATTR_OFFS, &o, sizeof(o));
	finish(&m);

	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    &offs), 0);
	assert_int_equal(err, -EINVAL);
	assert_string_equal(msg, "address missing");
	assert_int_equal(offs, 24);
}

static void test_echoed_request_unaligned(void **state)
{
	struct msgbuf m;
	char msg[128];
	uint32_t offs;
	int err;

	(void)state;
	/* 7 bytes of request payload: the TLVs start after padding. */
	error_msg(&m, -EEXIST, 7, true, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "a service with this name exists", 32);
	finish(&m);

	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    &offs), 0);
	assert_int_equal(err, -EEXIST);
	assert_string_equal(msg, "a service with this name exists");
	assert_int_equal(offs, UINT32_MAX);
}

static void test_no_tlvs(void **state)
{
	struct msgbuf m;
	char msg[16] = "garbage";
	int err;

	(void)state;
	error_msg(&m, -EPERM, 20, true, false);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_int_equal(err, -EPERM);
	assert_string_equal(msg, "");
}

static void test_ack_with_warning(void **state)
{
	struct msgbuf m;
	char msg[64];
	int err = 1;

	(void)state;
	error_msg(&m, 0, 0, false, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "deprecated", 11);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_int_equal(err, 0);
	assert_string_equal(msg, "deprecated");
}

static void test_unknown_attrs_skipped(void **state)
{
	struct msgbuf m;
	char msg[64];
	uint32_t miss = 3;
	int err;

	(void)state;
	error_msg(&m, -EINVAL, 0, false, true);
	put_attr(&m, NLMSGERR_ATTR_MISS_TYPE, &miss, sizeof(miss));
	put_attr(&m, 42, "xyz", 3);
	put_attr(&m, NLMSGERR_ATTR_MSG, "service missing", 16);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_string_equal(msg, "service missing");
}

static void test_truncated_to_buffer(void **state)
{
	struct msgbuf m;
	char msg[8];
	int err;

	(void)state;
	error_msg(&m, -EINVAL, 0, false, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "a rather long message", 22);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_string_equal(msg, "a rathe");
}

static void test_unterminated_string(void **state)
{
	struct msgbuf m;
	char msg[64];
	int err;

	(void)state;
	/* No NUL inside the attribute: never read past it. */
	error_msg(&m, -EINVAL, 0, false, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "abcdef", 6);
	put_attr(&m, 99, "zzzz", 4);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_string_equal(msg, "abcdef");
}

static void test_malformed(void **state)
{
	struct msgbuf m;
	struct nlattr *nla;
	char msg[64];
	int err;

	(void)state;
	/* An attribute longer than the message. */
	error_msg(&m, -EINVAL, 0, false, true);
	put_attr(&m, NLMSGERR_ATTR_MSG, "hello", 6);
	nla = (struct nlattr *)(m.b + m.len - NLA_ALIGN(NLA_HDRLEN + 6));
	nla->nla_len = 200;
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), -EBADMSG);

	/* nlmsg_len beyond the buffer. */
	error_msg(&m, -EINVAL, 0, false, false);
	finish(&m);
	hdr(&m)->nlmsg_len = m.len + 4;
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, NULL, 0, NULL),
			 -EBADMSG);

	/* Too short for struct nlmsgerr. */
	error_msg(&m, -EINVAL, 0, false, false);
	m.len = NLMSG_HDRLEN + 2;
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, NULL, 0, NULL),
			 -EBADMSG);

	/* The echoed request claims more than there is. */
	error_msg(&m, -EINVAL, 4, true, true);
	finish(&m);
	((struct nlmsgerr *)(m.b + NLMSG_HDRLEN))->msg.nlmsg_len = 4000;
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), -EBADMSG);

	/* Not an error or done message. */
	error_msg(&m, -EINVAL, 0, false, false);
	finish(&m);
	hdr(&m)->nlmsg_type = 0x20;
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, NULL, 0, NULL),
			 -EBADMSG);

	/* Shorter than a header. */
	assert_int_equal(veer_parse_ext_ack(m.b, 8, &err, NULL, 0, NULL),
			 -EBADMSG);
	assert_int_equal(veer_parse_ext_ack(NULL, 0, &err, NULL, 0, NULL),
			 -EBADMSG);
}

static void test_done_with_error(void **state)
{
	struct nlmsghdr h = { .nlmsg_type = NLMSG_DONE,
			      .nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS };
	struct msgbuf m = { .len = 0 };
	int e = -ENOENT, err;
	char msg[64];

	(void)state;
	put(&m, &h, sizeof(h));
	put(&m, &e, sizeof(e));
	align(&m);
	put_attr(&m, NLMSGERR_ATTR_MSG, "no such service", 16);
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(msg, "no such service");

	/* A plain successful DONE. */
	memset(&m, 0, sizeof(m));
	h.nlmsg_flags = NLM_F_MULTI;
	e = 0;
	put(&m, &h, sizeof(h));
	put(&m, &e, sizeof(e));
	finish(&m);
	assert_int_equal(veer_parse_ext_ack(m.b, m.len, &err, msg, sizeof(msg),
					    NULL), 0);
	assert_int_equal(err, 0);
	assert_string_equal(msg, "");
}

/*
 * The names of the counters are those of the comments of enum veer_stat in
 * the uapi header ("VEER_STAT_X,	/\* name: what *\/"): read them from there.
 */
static int header_stat_names(char names[][32], int max)
{
	char line[512];
	bool in_enum = false;
	int n = 0;
	FILE *f;

	f = fopen(VEER_UAPI_HEADER, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *p, *c;

		if (!in_enum) {
			in_enum = strstr(line, "enum veer_stat {") != NULL;
			continue;
		}
		p = line + strspn(line, " \t");
		if (strncmp(p, "__VEER_STAT_MAX", 15) == 0)
			break;
		if (strncmp(p, "VEER_STAT_", 10) != 0)
			continue;	/* a comment line */
		assert_true(n < max);
		names[n][0] = '\0';
		c = strstr(p, "/*");
		if (c) {
			c += 2 + strspn(c + 2, " ");
			snprintf(names[n], 32, "%.*s", (int)strcspn(c, ": */"), c);
		}
		n++;
	}
	fclose(f);
	return n;
}

static void test_names(void **state)
{
	char names[128][32];
	unsigned int i;
	int n;

	(void)state;
	n = header_stat_names(names, 128);
	assert_int_equal(n, VEER_STAT_MAX + 1);
	for (i = 0; i < (unsigned int)n; i++) {
		if (i == VEER_STAT_UNSPEC || i == VEER_STAT_PAD) {
			assert_null(veer_stat_name(i));
			continue;
		}
		assert_non_null(veer_stat_name(i));
		assert_string_equal(veer_stat_name(i), names[i]);
	}
	assert_string_equal(veer_stat_name(VEER_STAT_SVC_PACKETS), "svc_packets");
	assert_string_equal(veer_stat_name(VEER_STAT_NO_CT), "no_conntrack");
	assert_string_equal(veer_stat_name(VEER_STAT_EVENTS_DROPPED),
			    "events_dropped");
	assert_null(veer_stat_name(VEER_STAT_MAX + 1));
	assert_null(veer_stat_name(1000));

	for (i = 0; i <= VEER_SCHED_MAX; i++)
		assert_int_equal(veer_sched_parse(veer_sched_name(i)), (int)i);
	for (i = 0; i <= VEER_COOKIE_MAX; i++)
		assert_int_equal(veer_cookie_mode_parse(veer_cookie_mode_name(i)),
				 (int)i);
	for (i = 0; i <= VEER_HOST_STATE_MAX; i++)
		assert_int_equal(veer_host_state_parse(veer_host_state_name(i)),
				 (int)i);
	for (i = 0; i <= VEER_ENCAP_MAX; i++)
		assert_int_equal(veer_encap_parse(veer_encap_name(i)), (int)i);
	for (i = 0; i <= VEER_PEER_ROLE_MAX; i++)
		assert_int_equal(veer_peer_role_parse(veer_peer_role_name(i)),
				 (int)i);
	assert_null(veer_sched_name(VEER_SCHED_MAX + 1));
	assert_int_equal(veer_sched_parse("mag"), -1);	/* no prefixes */
	assert_int_equal(veer_sched_parse("MAGLEV"), -1);
	assert_int_equal(veer_sched_parse(NULL), -1);
	assert_int_equal(veer_proto_parse("tcp"), IPPROTO_TCP);
	assert_int_equal(veer_proto_parse("udp"), IPPROTO_UDP);
	assert_int_equal(veer_proto_parse("sctp"), -1);
	assert_string_equal(veer_proto_name(IPPROTO_UDP), "udp");
	assert_null(veer_proto_name(IPPROTO_SCTP));
	for (i = 0; i <= VEER_LEVEL_MAX; i++)
		assert_int_equal(veer_level_parse(veer_level_name(i)), (int)i);
	assert_string_equal(veer_level_name(VEER_LEVEL_SESSION), "session");
	assert_string_equal(veer_level_name(VEER_LEVEL_SUBNET), "subnet");
	assert_null(veer_level_name(VEER_LEVEL_MAX + 1));
	for (i = 0; i <= VEER_EVENT_MAX; i++)
		assert_int_equal(veer_flow_event_parse(veer_flow_event_name(i)),
				 (int)i);
	assert_string_equal(veer_flow_event_name(VEER_EVENT_FLOW_END), "end");
	assert_string_equal(veer_flow_event_name(VEER_EVENT_FLOW_THRESH),
			    "thresh");
	assert_null(veer_flow_event_name(VEER_EVENT_MAX + 1));
	/* enum tcp_conntrack, as conntrack(8) names the states */
	{
		static const char *const states[] = {
			"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED",
			"FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT",
			"CLOSE", "SYN_SENT2",
		};

		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
			assert_string_equal(veer_tcp_state_name(i), states[i]);
			assert_int_equal(veer_tcp_state_parse(states[i]), (int)i);
		}
		/* the numbers are the kernel's */
		assert_string_equal(veer_tcp_state_name(TCP_CONNTRACK_ESTABLISHED),
				    "ESTABLISHED");
		assert_string_equal(veer_tcp_state_name(TCP_CONNTRACK_TIME_WAIT),
				    "TIME_WAIT");
		assert_string_equal(veer_tcp_state_name(TCP_CONNTRACK_SYN_SENT2),
				    "SYN_SENT2");
		assert_int_equal(TCP_CONNTRACK_MAX, 10);
		assert_null(veer_tcp_state_name(TCP_CONNTRACK_MAX));
		assert_int_equal(veer_tcp_state_parse("established"), -1);
	}
	assert_string_equal(veer_object_name(VEER_OBJ_FLOW), "flow");
	assert_string_equal(veer_action_name(VEER_ACT_CHANGE), "change");
	assert_string_equal(veer_object_name(VEER_OBJ_HOST), "host");
	assert_null(veer_action_name(VEER_ACT_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capped_with_msg_and_offs),
		cmocka_unit_test(test_echoed_request_unaligned),
		cmocka_unit_test(test_no_tlvs),
		cmocka_unit_test(test_ack_with_warning),
		cmocka_unit_test(test_unknown_attrs_skipped),
		cmocka_unit_test(test_truncated_to_buffer),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_done_with_error),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("libveer_extack", tests, NULL, NULL);
}
