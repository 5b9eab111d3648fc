// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer CLI: strict parsing of words (veer/parse.c) and the objects' grammar
 * (veer/objects.c).  Error messages are captured and checked word for word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "objects.h"
#include "parse.h"

/* ---- capture of cli_err() ------------------------------------------------ */

static char *errbuf;
static size_t errlen;

static int setup(void **state)
{
	(void)state;
	cli_errf = open_memstream(&errbuf, &errlen);
	return cli_errf ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fclose(cli_errf);
	cli_errf = NULL;
	free(errbuf);
	errbuf = NULL;
	return 0;
}

/* What was printed since the last call, then forget it. */
static const char *errors(void)
{
	static char copy[1024];

	fclose(cli_errf);
	snprintf(copy, sizeof(copy), "%s", errbuf ? errbuf : "");
	free(errbuf);
	errbuf = NULL;
	cli_errf = open_memstream(&errbuf, &errlen);
	assert_non_null(cli_errf);
	return copy;
}

#define assert_err(expected) assert_string_equal(errors(), expected "\n")
#define assert_no_err() assert_string_equal(errors(), "")

/* Split a command line on spaces into a static argv. */
static int split(const char *line, char ***argvp)
{
	static char buf[1024];
	static char *argv[64];
	int argc = 0;
	char *p;

	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok(buf, " "); p && argc < 63; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}

/* ---- numbers --------------------------------------------------------------- */

static void test_parse_u64(void **state)
{
	static const char *const bad[] = {
		"", "+1", "-1", "-0", " 1", "1 ", "0x10", "12a", "1.5", "1e3",
		"18446744073709551616", "99999999999999999999999", "٣",
	};
	uint64_t v;
	size_t i;

	(void)state;
	assert_int_equal(parse_u64("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("010", 10, &v), 0);	/* decimal, not octal */
	assert_int_equal(v, 10);
	assert_int_equal(parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("11", 10, &v), -1);
	assert_int_equal(parse_u64(NULL, 10, &v), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_u64(bad[i], UINT64_MAX, &v), -1);
}

static void test_get_u32(void **state)
{
	uint32_t v;
	uint8_t u8;

	(void)state;
	assert_int_equal(get_u32("weight", "65535", 0, 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_no_err();
	assert_int_equal(get_u32("weight", "65536", 0, 65535, &v), -1);
	assert_err("veer: invalid weight \"65536\" (a number from 0 to 65535)");
	assert_int_equal(get_u32("flow-max", "4294967295", 0, UINT32_MAX, &v), 0);
	assert_true(v == UINT32_MAX);
	assert_int_equal(get_u32("flow-max", "4294967296", 0, UINT32_MAX, &v), -1);
	assert_err("veer: invalid flow-max \"4294967296\" (a number from 0 to 4294967295)");
	assert_int_equal(get_u32("x", "3", 5, 9, &v), -1);
	errors();
	assert_int_equal(get_u8("shift", "50", 0, 50, &u8), 0);
	assert_int_equal(u8, 50);
	assert_int_equal(get_u8("shift", "51", 0, 50, &u8), -1);
	assert_err("veer: invalid shift \"51\" (a number from 0 to 50)");
	assert_int_equal(get_u8("shift", "-1", 0, 50, &u8), -1);
	assert_err("veer: invalid shift \"-1\" (a number from 0 to 50)");
}

static void test_get_port(void **state)
{
	uint16_t p = 7;

	(void)state;
	assert_int_equal(get_port("port", "0", &p), 0);
	assert_int_equal(p, 0);
	assert_int_equal(get_port("port", "65535", &p), 0);
	assert_int_equal(p, 65535);
	assert_no_err();
	assert_int_equal(get_port("port", "70000", &p), -1);
	assert_err("veer: invalid port \"70000\" (a port from 0 to 65535)");
	assert_int_equal(p, 65535);	/* untouched on error */
	assert_int_equal(get_port("port", "65536", &p), -1);
	assert_int_equal(get_port("port", "http", &p), -1);
	assert_int_equal(get_port("encap-port", "", &p), -1);
	assert_err("veer: invalid port \"65536\" (a port from 0 to 65535)\n"
		   "veer: invalid port \"http\" (a port from 0 to 65535)\n"
		   "veer: invalid encap-port \"\" (a port from 0 to 65535)");
}

/* ---- addresses ------------------------------------------------------------- */

static void test_get_addr(void **state)
{
	union veer_addr a, want;
	int fam, plen;

	(void)state;
	assert_int_equal(get_addr("addr", "10.0.0.1", &fam, &a, &plen), 0);
	assert_int_equal(fam, AF_INET);
	assert_int_equal(plen, -1);
	inet_pton(AF_INET, "10.0.0.1", &want.v4);
	assert_memory_equal(&a.v4, &want.v4, 4);

	assert_int_equal(get_addr("addr", "10.0.0.0/8", &fam, &a, &plen), 0);
	assert_int_equal(plen, 8);
	assert_int_equal(get_addr("addr", "0.0.0.0/0", &fam, &a, &plen), 0);
	assert_int_equal(plen, 0);
	assert_int_equal(get_addr("addr", "10.0.0.1/32", &fam, &a, &plen), 0);
	assert_int_equal(plen, 32);

	assert_int_equal(get_addr("addr", "2001:db8::1", &fam, &a, &plen), 0);
	assert_int_equal(fam, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::1", &want.v6);
	assert_memory_equal(&a.v6, &want.v6, 16);
	assert_int_equal(get_addr("addr", "2001:db8::/32", &fam, &a, &plen), 0);
	assert_int_equal(plen, 32);
	assert_int_equal(get_addr("addr", "::/128", &fam, &a, &plen), 0);
	assert_int_equal(plen, 128);
	assert_int_equal(get_addr("addr", "::ffff:10.0.0.1", &fam, &a, NULL), 0);
	assert_int_equal(fam, AF_INET6);
	assert_no_err();

	assert_int_equal(get_addr("addr", "10.0.0.1/33", &fam, &a, &plen), -1);
	assert_err("veer: invalid addr \"10.0.0.1/33\" (prefix length from 0 to 32)");
	assert_int_equal(get_addr("addr", "::1/129", &fam, &a, &plen), -1);
	assert_err("veer: invalid addr \"::1/129\" (prefix length from 0 to 128)");
	assert_int_equal(get_addr("addr", "10.0.0.1/24", &fam, &a, NULL), -1);
	assert_err("veer: invalid addr \"10.0.0.1/24\" (no prefix length allowed)");
	assert_int_equal(get_addr("addr", "1.2.3", &fam, &a, &plen), -1);
	assert_err("veer: invalid addr \"1.2.3\"");

	/* Each of these is refused, with its word named. */
	assert_int_equal(get_addr("addr", "", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.256", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "010.0.0.1", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", " 10.0.0.1", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.1 ", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.1/", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.1/+8", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.1/-1", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "10.0.0.1/8/8", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "/8", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "fe80::1%eth0", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "2001:db8:::1", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "localhost", &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", "1111:2222:3333:4444:5555:6666:7777:8888:9999",
				  &fam, &a, &plen), -1);
	assert_int_equal(get_addr("addr", NULL, &fam, &a, &plen), -1);
	errors();
}

/* ---- keywords ---------------------------------------------------------------- */

static void test_keywords(void **state)
{
	uint32_t flags;
	bool on;
	int v;

	(void)state;
	assert_int_equal(get_keyword("sched", "wrr", veer_sched_parse, &v), 0);
	assert_int_equal(v, VEER_SCHED_WRR);
	assert_int_equal(get_keyword("sched", "w", veer_sched_parse, &v), -1);
	assert_err("veer: invalid sched \"w\"");
	assert_int_equal(get_keyword("cookie", "always", veer_cookie_mode_parse,
				     &v), 0);
	assert_int_equal(v, VEER_COOKIE_ALWAYS);
	assert_int_equal(get_keyword("state", "Up", veer_host_state_parse, &v),
			 -1);
	assert_err("veer: invalid state \"Up\"");

	assert_int_equal(get_onoff("track-all", "on", &on), 0);
	assert_true(on);
	assert_int_equal(get_onoff("track-all", "off", &on), 0);
	assert_false(on);
	assert_int_equal(get_onoff("track-all", "yes", &on), -1);
	assert_err("veer: invalid track-all \"yes\" (on or off)");

	assert_int_equal(get_svc_flags("none", &flags), 0);
	assert_int_equal(flags, 0);
	assert_int_equal(get_svc_flags("track-only", &flags), 0);
	assert_int_equal(flags, VEER_SVC_F_TRACK_ONLY);
	assert_int_equal(get_svc_flags("persist,track-only", &flags), 0);
	assert_int_equal(flags, VEER_SVC_F_ALL);
	assert_int_equal(get_svc_flags("persist,persist", &flags), 0);
	assert_int_equal(flags, VEER_SVC_F_PERSIST);
	assert_no_err();
	assert_int_equal(get_svc_flags("none,persist", &flags), -1);
	assert_err("veer: invalid flags \"none,persist\"");
	assert_int_equal(get_svc_flags("persist,", &flags), -1);
	assert_int_equal(get_svc_flags(",persist", &flags), -1);
	assert_int_equal(get_svc_flags("track", &flags), -1);
	assert_int_equal(get_svc_flags("PERSIST", &flags), -1);
	assert_int_equal(get_svc_flags("", &flags), -1);
	assert_int_equal(get_svc_flags("none,none", &flags), -1);
	errors();
}

static void test_name_and_prime(void **state)
{
	char name[VEER_NAME_LEN];
	char longname[64];

	(void)state;
	memset(longname, 'a', 31);
	longname[31] = '\0';
	assert_int_equal(get_name("service name", longname, name), 0);
	assert_string_equal(name, longname);
	longname[31] = 'a';
	longname[32] = '\0';
	assert_int_equal(get_name("service name", longname, name), -1);
	assert_err("veer: invalid service name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" (1 to 31 characters)");
	assert_int_equal(get_name("service name", "", name), -1);
	errors();

	assert_false(is_prime(0));
	assert_false(is_prime(1));
	assert_true(is_prime(2));
	assert_true(is_prime(7));
	assert_false(is_prime(9));
	assert_true(is_prime(251));
	assert_true(is_prime(65537));
	assert_false(is_prime(65535));
	assert_false(is_prime(4294967295U));
	assert_true(is_prime(4294967291U));
}

/* ---- service grammar ------------------------------------------------------- */

static int svc(const char *line, enum veer_action act, struct veer_service *s)
{
	char **argv;
	int argc = split(line, &argv);

	return parse_service_args(argc, argv, act, s);
}

static void test_service_add(void **state)
{
	struct veer_service s;
	struct in_addr want;

	(void)state;
	assert_int_equal(svc("web addr 10.0.0.0/24 proto udp port 53 sched wrr "
			     "table-size 65537 cookie pressure syn-threshold 1000 "
			     "conn-threshold 0 latency-threshold 4294967295 "
			     "shift 50 flags persist,track-only",
			     VEER_ACT_ADD, &s), ARG_OK);
	assert_no_err();
	assert_string_equal(s.name, "web");
	assert_int_equal(s.family, AF_INET);
	inet_pton(AF_INET, "10.0.0.0", &want);
	assert_memory_equal(&s.addr.v4, &want, 4);
	assert_int_equal(s.prefix_len, 24);
	assert_int_equal(s.proto, IPPROTO_UDP);
	assert_int_equal(s.port, 53);
	assert_int_equal(s.sched, VEER_SCHED_WRR);
	assert_int_equal(s.table_size, 65537);
	assert_int_equal(s.cookie_mode, VEER_COOKIE_PRESSURE);
	assert_int_equal(s.syn_thresh, 1000);
	assert_int_equal(s.conn_thresh, 0);
	assert_true(s.latency_thresh == UINT32_MAX);
	assert_int_equal(s.shift_pct, 50);
	assert_int_equal(s.flags, VEER_SVC_F_ALL);
	assert_true(s.present == (VEER_SVC_P_NAME | VEER_SVC_P_ADDR |
		VEER_SVC_P_PREFIX_LEN | VEER_SVC_P_PROTO | VEER_SVC_P_PORT |
		VEER_SVC_P_SCHED | VEER_SVC_P_TABLE_SIZE |
		VEER_SVC_P_COOKIE_MODE | VEER_SVC_P_SYN_THRESH |
		VEER_SVC_P_CONN_THRESH | VEER_SVC_P_LATENCY_THRESH |
		VEER_SVC_P_SHIFT_PCT | VEER_SVC_P_FLAGS));

	/* Only what was given is marked present. */
	assert_int_equal(svc("web addr 2001:db8::1 proto tcp", VEER_ACT_ADD, &s),
			 ARG_OK);
	assert_true(s.present == (VEER_SVC_P_NAME | VEER_SVC_P_ADDR |
				  VEER_SVC_P_PROTO));
	assert_int_equal(s.family, AF_INET6);
	assert_no_err();
}

static void test_service_errors(void **state)
{
	struct veer_service s;

	(void)state;
	assert_int_equal(svc("web addr 10.0.0.1", VEER_ACT_ADD, &s), ARG_USAGE);
	assert_err("veer: service add: \"proto\" is required");
	assert_int_equal(svc("web proto tcp", VEER_ACT_ADD, &s), ARG_USAGE);
	assert_err("veer: service add: \"addr\" is required");
	assert_int_equal(svc("", VEER_ACT_ADD, &s), ARG_USAGE);
	assert_err("veer: service add: NAME is required");
	assert_int_equal(svc("web", VEER_ACT_CHANGE, &s), ARG_USAGE);
	assert_err("veer: service change: nothing to change");

	assert_int_equal(svc("web addr 10.0.0.1 proto tcp port 70000",
			     VEER_ACT_ADD, &s), ARG_BAD);
	assert_err("veer: invalid port \"70000\" (a port from 0 to 65535)");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp port 80 port 81",
			     VEER_ACT_ADD, &s), ARG_BAD);
	assert_err("veer: duplicate argument \"port\"");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp port", VEER_ACT_ADD,
			     &s), ARG_BAD);
	assert_err("veer: missing value after \"port\"");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp prt 80", VEER_ACT_ADD,
			     &s), ARG_USAGE);
	assert_err("veer: unknown argument \"prt\"");
	/* exact matching only: no abbreviations */
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp table 251",
			     VEER_ACT_ADD, &s), ARG_USAGE);
	assert_err("veer: unknown argument \"table\"");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp table-size 100",
			     VEER_ACT_ADD, &s), ARG_BAD);
	assert_err("veer: invalid table-size \"100\" (a prime from 7 to 65537)");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp table-size 5",
			     VEER_ACT_ADD, &s), ARG_BAD);
	assert_err("veer: invalid table-size \"5\" (a prime from 7 to 65537)");
	assert_int_equal(svc("web addr 10.0.0.1 proto tcp table-size 65539",
			     VEER_ACT_ADD, &s), ARG_BAD);
	errors();
	assert_int_equal(svc("web change shift 51", VEER_ACT_CHANGE, &s),
			 ARG_USAGE);
	assert_err("veer: unknown argument \"change\"");
	assert_int_equal(svc("web shift 51", VEER_ACT_CHANGE, &s), ARG_BAD);
	assert_err("veer: invalid shift \"51\" (a number from 0 to 50)");
	assert_int_equal(svc("web cookie sometimes", VEER_ACT_CHANGE, &s),
			 ARG_BAD);
	assert_err("veer: invalid cookie \"sometimes\"");
	assert_int_equal(svc("web syn-threshold -5", VEER_ACT_CHANGE, &s),
			 ARG_BAD);
	assert_err("veer: invalid syn-threshold \"-5\" (a number from 0 to 4294967295)");
	assert_int_equal(svc("web addr 10.0.0.1 proto icmp", VEER_ACT_ADD, &s),
			 ARG_BAD);
	assert_err("veer: invalid proto \"icmp\"");
	assert_int_equal(svc("help", VEER_ACT_ADD, &s), ARG_HELP);
	assert_int_equal(svc("web shift 1 help", VEER_ACT_CHANGE, &s), ARG_HELP);
	assert_int_equal(svc("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa addr 10.0.0.1 proto tcp",
			     VEER_ACT_ADD, &s), ARG_BAD);
	errors();
}

static void test_service_key(void **state)
{
	char name[VEER_NAME_LEN];
	char **argv;
	int argc;

	(void)state;
	argc = split("web", &argv);
	assert_int_equal(parse_service_key(argc, argv, false, name), ARG_OK);
	assert_string_equal(name, "web");
	argc = split("", &argv);
	assert_int_equal(parse_service_key(argc, argv, true, name), ARG_OK);
	assert_string_equal(name, "");
	assert_int_equal(parse_service_key(argc, argv, false, name), ARG_USAGE);
	assert_err("veer: service del: NAME is required");
	argc = split("web extra", &argv);
	assert_int_equal(parse_service_key(argc, argv, false, name), ARG_USAGE);
	assert_err("veer: unknown argument \"extra\"");
}

/* ---- host, peer, config, monitor ------------------------------------------- */

static int host(const char *line, enum veer_action act, struct veer_host *h)
{
	char **argv;
	int argc = split(line, &argv);

	return parse_host_args(argc, argv, act, h);
}

static void test_host(void **state)
{
	struct veer_host h;
	char svcname[VEER_NAME_LEN];
	char **argv;
	int argc;

	(void)state;
	assert_int_equal(host("service web addr 10.0.1.1 port 8080 weight 0 "
			      "state drain encap gue encap-port 6081",
			      VEER_ACT_ADD, &h), ARG_OK);
	assert_no_err();
	assert_string_equal(h.service, "web");
	assert_int_equal(h.port, 8080);
	assert_int_equal(h.weight, 0);
	assert_int_equal(h.state, VEER_HOST_DRAIN);
	assert_int_equal(h.encap, VEER_ENCAP_GUE);
	assert_int_equal(h.encap_port, 6081);

	/* keywords in any order */
	assert_int_equal(host("addr ::1 service web", VEER_ACT_DEL, &h), ARG_OK);
	assert_true(h.present == (VEER_HOST_P_SERVICE | VEER_HOST_P_ADDR));
	assert_int_equal(h.family, AF_INET6);

	assert_int_equal(host("service web addr 10.0.1.1 weight 3", VEER_ACT_DEL,
			      &h), ARG_USAGE);
	assert_err("veer: unknown argument \"weight\"");
	assert_int_equal(host("addr 10.0.1.1", VEER_ACT_ADD, &h), ARG_USAGE);
	assert_err("veer: host add: \"service\" is required");
	assert_int_equal(host("service web", VEER_ACT_ADD, &h), ARG_USAGE);
	assert_err("veer: host add: \"addr\" is required");
	assert_int_equal(host("service web addr 10.0.1.1", VEER_ACT_CHANGE, &h),
			 ARG_USAGE);
	assert_err("veer: host change: nothing to change");
	assert_int_equal(host("service web addr 10.0.1.1 weight 65536",
			      VEER_ACT_ADD, &h), ARG_BAD);
	assert_err("veer: invalid weight \"65536\" (a number from 0 to 65535)");
	assert_int_equal(host("service web addr 10.0.1.0/24", VEER_ACT_ADD, &h),
			 ARG_BAD);
	assert_err("veer: invalid addr \"10.0.1.0/24\" (no prefix length allowed)");
	assert_int_equal(host("service web addr 10.0.1.1 state sleeping",
			      VEER_ACT_ADD, &h), ARG_BAD);
	assert_err("veer: invalid state \"sleeping\"");
	assert_int_equal(host("service web addr 10.0.1.1 encap vxlan",
			      VEER_ACT_ADD, &h), ARG_BAD);
	assert_err("veer: invalid encap \"vxlan\"");

	argc = split("service web", &argv);
	assert_int_equal(parse_host_show(argc, argv, svcname), ARG_OK);
	assert_string_equal(svcname, "web");
	argc = split("", &argv);
	assert_int_equal(parse_host_show(argc, argv, svcname), ARG_OK);
	assert_string_equal(svcname, "");
	argc = split("service", &argv);
	assert_int_equal(parse_host_show(argc, argv, svcname), ARG_BAD);
	assert_err("veer: missing value after \"service\"");
	argc = split("service a service b", &argv);
	assert_int_equal(parse_host_show(argc, argv, svcname), ARG_BAD);
	assert_err("veer: duplicate argument \"service\"");
}

static void test_peer_config_monitor(void **state)
{
	struct veer_config c;
	struct veer_peer p;
	unsigned int mask;
	char **argv;
	int argc;

	(void)state;
	argc = split("addr 192.0.2.1 role member port 6081 weight 7", &argv);
	assert_int_equal(parse_peer_args(argc, argv, VEER_ACT_ADD, &p), ARG_OK);
	assert_int_equal(p.role, VEER_PEER_MEMBER);
	assert_int_equal(p.port, 6081);
	assert_int_equal(p.weight, 7);
	argc = split("addr 192.0.2.1 role member", &argv);
	assert_int_equal(parse_peer_args(argc, argv, VEER_ACT_DEL, &p),
			 ARG_USAGE);
	assert_err("veer: unknown argument \"role\"");
	argc = split("role shadow", &argv);
	assert_int_equal(parse_peer_args(argc, argv, VEER_ACT_ADD, &p),
			 ARG_USAGE);
	assert_err("veer: peer add: \"addr\" is required");
	argc = split("addr 192.0.2.1 role boss", &argv);
	assert_int_equal(parse_peer_args(argc, argv, VEER_ACT_CHANGE, &p),
			 ARG_BAD);
	assert_err("veer: invalid role \"boss\"");

	argc = split("flow-max 100000 track-all on gue-port 6080 event-rate 10 "
		     "node-id 4294967295", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_OK);
	assert_int_equal(c.flow_max, 100000);
	assert_true(c.track_all);
	assert_int_equal(c.gue_port, 6080);
	assert_int_equal(c.event_rate, 10);
	assert_true(c.node_id == UINT32_MAX);
	assert_true(c.present == (VEER_CFG_P_FLOW_MAX | VEER_CFG_P_TRACK_ALL |
				  VEER_CFG_P_GUE_PORT | VEER_CFG_P_EVENT_RATE |
				  VEER_CFG_P_NODE_ID));
	argc = split("", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_USAGE);
	assert_err("veer: config set: nothing to set");
	argc = split("track-all 1", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid track-all \"1\" (on or off)");

	argc = split("", &argv);
	assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_OK);
	assert_int_equal(mask, MON_ALL);
	argc = split("host peer", &argv);
	assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_OK);
	assert_int_equal(mask, (1U << VEER_OBJ_HOST) | (1U << VEER_OBJ_PEER));
	argc = split("hosts", &argv);
	assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_USAGE);
	assert_err("veer: unknown argument \"hosts\"");

	argc = split("", &argv);
	assert_int_equal(parse_no_args("stats", argc, argv), ARG_OK);
	argc = split("help", &argv);
	assert_int_equal(parse_no_args("stats", argc, argv), ARG_HELP);
	argc = split("x", &argv);
	assert_int_equal(parse_no_args("stats", argc, argv), ARG_USAGE);
	errors();
}

/* ---- hex numbers, levels, masks -------------------------------------------- */

static void test_get_u32_hex(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0X", "0xg", "0x-1", "0x+1", " 0x1", "0x1 ", "-0x1",
		"0x100000000", "0x00000000000000001", "x10", "0xff00z", "12a",
		"4294967296",
	};
	uint32_t v;
	size_t i;

	(void)state;
	assert_int_equal(get_u32_hex("app-mark-mask", "0xff00", 0, UINT32_MAX,
				     &v), 0);
	assert_int_equal(v, 0xff00);
	assert_int_equal(get_u32_hex("app-mark-mask", "65280", 0, UINT32_MAX,
				     &v), 0);
	assert_int_equal(v, 65280);
	assert_int_equal(get_u32_hex("m", "0XFFFFFFFF", 0, UINT32_MAX, &v), 0);
	assert_true(v == UINT32_MAX);
	assert_int_equal(get_u32_hex("m", "0x0", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(get_u32_hex("m", "0x0000000a", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(get_u32_hex("m", "010", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 10);	/* decimal, not octal */
	assert_no_err();
	v = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(get_u32_hex("m", bad[i], 0, UINT32_MAX, &v), -1);
	assert_int_equal(v, 7);		/* untouched on error */
	errors();
	assert_int_equal(get_u32_hex("app-mark-mask", "0x1ffffffff", 0,
				     UINT32_MAX, &v), -1);
	assert_err("veer: invalid app-mark-mask \"0x1ffffffff\" (a number from 0 to 4294967295, or 0x0 to 0xffffffff)");
	assert_int_equal(get_u32_hex("x", "0x10", 0, 15, &v), -1);
	assert_err("veer: invalid x \"0x10\" (a number from 0 to 15, or 0x0 to 0xf)");
}

static void test_get_level(void **state)
{
	uint8_t l = 9;

	(void)state;
	assert_int_equal(get_level("level", "0", 0, 3, &l), 0);
	assert_int_equal(l, 0);
	assert_int_equal(get_level("level", "3", 0, 3, &l), 0);
	assert_int_equal(l, 3);
	assert_int_equal(get_level("level", "session", 0, 3, &l), 0);
	assert_int_equal(l, VEER_LEVEL_SESSION);
	assert_int_equal(get_level("level", "app", 0, 3, &l), 0);
	assert_int_equal(l, VEER_LEVEL_APP);
	assert_int_equal(get_level("level", "subnet", 1, 3, &l), 0);
	assert_int_equal(l, VEER_LEVEL_SUBNET);
	assert_int_equal(get_level("level", "flow", 0, 3, &l), 0);
	assert_int_equal(l, VEER_LEVEL_FLOW);
	assert_no_err();
	assert_int_equal(get_level("level", "4", 0, 3, &l), -1);
	assert_err("veer: invalid level \"4\" (0 to 3, or flow to subnet)");
	assert_int_equal(get_level("level", "0", 1, 3, &l), -1);
	assert_err("veer: invalid level \"0\" (1 to 3, or session to subnet)");
	assert_int_equal(get_level("level", "flow", 1, 3, &l), -1);
	assert_int_equal(get_level("level", "Session", 0, 3, &l), -1);
	assert_int_equal(get_level("level", "sess", 0, 3, &l), -1);
	assert_int_equal(get_level("level", "-1", 0, 3, &l), -1);
	assert_int_equal(get_level("level", "", 0, 3, &l), -1);
	assert_int_equal(get_level("level", NULL, 0, 3, &l), -1);
	assert_int_equal(l, VEER_LEVEL_FLOW);
	errors();
}

static void check_mask(int family, const char *in, unsigned int plen,
		       const char *want)
{
	union veer_addr a, w;
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(inet_pton(family, in, &a), 1);
	assert_int_equal(inet_pton(family, want, &w), 1);
	addr_mask(family, &a, plen);
	if (memcmp(&a, &w, family == AF_INET ? 4 : 16))
		fail_msg("%s/%u masked to %s, not %s", in, plen,
			 addr_str(family, &a, buf, sizeof(buf)), want);
}

static void test_addr_mask(void **state)
{
	(void)state;
	check_mask(AF_INET, "10.1.2.3", 24, "10.1.2.0");
	check_mask(AF_INET, "10.1.2.3", 32, "10.1.2.3");
	check_mask(AF_INET, "10.1.2.3", 0, "0.0.0.0");
	check_mask(AF_INET, "255.255.255.255", 13, "255.248.0.0");
	check_mask(AF_INET, "192.168.77.200", 25, "192.168.77.128");
	check_mask(AF_INET6, "2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::");
	check_mask(AF_INET6, "2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6");
	check_mask(AF_INET6, "ffff:ffff::ffff", 0, "::");
	check_mask(AF_INET6, "2001:db8::ffff", 127, "2001:db8::fffe");
	check_mask(AF_INET6, "2001:db8:ffff::", 36, "2001:db8:f000::");
}

/* ---- flow and aggregate grammar -------------------------------------------- */

static int flow_show(const char *line, char *service,
		     struct veer_flow_filter *f)
{
	char **argv;
	int argc = split(line, &argv);

	return parse_flow_show(argc, argv, service, f);
}

static int flow_get(const char *line, struct veer_flow_key *k)
{
	char **argv;
	int argc = split(line, &argv);

	return parse_flow_get(argc, argv, k);
}

static int flow_lease(const char *line, struct veer_flow_key *k,
		      struct veer_lease *l)
{
	char **argv;
	int argc = split(line, &argv);

	return parse_flow_lease(argc, argv, k, l);
}

static void test_flow_show(void **state)
{
	struct veer_flow_filter f;
	char service[VEER_NAME_LEN];
	struct in_addr want;

	(void)state;
	assert_int_equal(flow_show("", service, &f), ARG_OK);
	assert_true(f.present == 0);
	assert_string_equal(service, "");
	assert_int_equal(flow_show("service web level 2 addr 10.1.0.2", service,
				   &f), ARG_OK);
	assert_no_err();
	assert_string_equal(service, "web");
	assert_true(f.present == (VEER_FLOW_F_LEVEL | VEER_FLOW_F_ADDR));
	assert_int_equal(f.level, 2);
	assert_int_equal(f.family, AF_INET);
	inet_pton(AF_INET, "10.1.0.2", &want);
	assert_memory_equal(&f.addr.v4, &want, 4);
	assert_int_equal(flow_show("addr 2001:db8::1 level subnet", service, &f),
			 ARG_OK);
	assert_int_equal(f.family, AF_INET6);
	assert_int_equal(f.level, VEER_LEVEL_SUBNET);

	assert_int_equal(flow_show("level 4", service, &f), ARG_BAD);
	assert_err("veer: invalid level \"4\" (0 to 3, or flow to subnet)");
	assert_int_equal(flow_show("addr 10.1.0.0/24", service, &f), ARG_BAD);
	assert_err("veer: invalid addr \"10.1.0.0/24\" (no prefix length allowed)");
	assert_int_equal(flow_show("service a service b", service, &f), ARG_BAD);
	assert_err("veer: duplicate argument \"service\"");
	assert_int_equal(flow_show("level 1 level 1", service, &f), ARG_BAD);
	assert_err("veer: duplicate argument \"level\"");
	assert_int_equal(flow_show("svc web", service, &f), ARG_USAGE);
	assert_err("veer: unknown argument \"svc\"");
	assert_int_equal(flow_show("level", service, &f), ARG_BAD);
	assert_err("veer: missing value after \"level\"");
	assert_int_equal(flow_show("level 1 help", service, &f), ARG_HELP);
}

static void test_flow_tuple(void **state)
{
	struct veer_flow_key k;
	struct in_addr s4, d4;
	struct in6_addr s6;

	(void)state;
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				  "sport 40000 dport 8080", &k), ARG_OK);
	assert_no_err();
	inet_pton(AF_INET, "10.1.0.2", &s4);
	inet_pton(AF_INET, "10.2.0.2", &d4);
	assert_int_equal(k.family, AF_INET);
	assert_memory_equal(&k.saddr.v4, &s4, 4);
	assert_memory_equal(&k.daddr.v4, &d4, 4);
	assert_int_equal(k.proto, IPPROTO_TCP);
	assert_int_equal(k.sport, 40000);
	assert_int_equal(k.dport, 8080);
	assert_int_equal(k.zone, 0);

	/* any order; IPv6; a zone; port 0 and 65535 */
	assert_int_equal(flow_get("zone 65535 dport 0 sport 65535 dst ::1 "
				  "src 2001:db8::2 proto udp", &k), ARG_OK);
	assert_int_equal(k.family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::2", &s6);
	assert_memory_equal(&k.saddr.v6, &s6, 16);
	assert_int_equal(k.proto, IPPROTO_UDP);
	assert_int_equal(k.zone, 65535);
	assert_int_equal(k.sport, 65535);
	assert_int_equal(k.dport, 0);
	assert_no_err();

	/* every part of the tuple is required, zone excepted */
	assert_int_equal(flow_get("src 10.1.0.2 dst 10.2.0.2 sport 1 dport 2",
				  &k), ARG_USAGE);
	assert_err("veer: flow get: \"proto\" is required");
	assert_int_equal(flow_get("proto tcp dst 10.2.0.2 sport 1 dport 2", &k),
			 ARG_USAGE);
	assert_err("veer: flow get: \"src\" is required");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 sport 1 dport 2", &k),
			 ARG_USAGE);
	assert_err("veer: flow get: \"dst\" is required");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 dport 2",
				  &k), ARG_USAGE);
	assert_err("veer: flow get: \"sport\" is required");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 sport 1",
				  &k), ARG_USAGE);
	assert_err("veer: flow get: \"dport\" is required");
	assert_int_equal(flow_get("", &k), ARG_USAGE);
	assert_err("veer: flow get: \"proto\" is required");

	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 2001:db8::1 "
				  "sport 1 dport 2", &k), ARG_BAD);
	assert_err("veer: flow get: src and dst must be of the same family");
	assert_int_equal(flow_get("proto sctp src 10.1.0.2 dst 10.2.0.2 "
				  "sport 1 dport 2", &k), ARG_BAD);
	assert_err("veer: invalid proto \"sctp\"");
	assert_int_equal(flow_get("proto tcp src 10.1.0.0/24 dst 10.2.0.2 "
				  "sport 1 dport 2", &k), ARG_BAD);
	assert_err("veer: invalid src \"10.1.0.0/24\" (no prefix length allowed)");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				  "sport 65536 dport 2", &k), ARG_BAD);
	assert_err("veer: invalid sport \"65536\" (a port from 0 to 65535)");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				  "sport 1 dport 2 zone 65536", &k), ARG_BAD);
	assert_err("veer: invalid zone \"65536\" (a number from 0 to 65535)");
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 src 10.1.0.3", &k),
			 ARG_BAD);
	assert_err("veer: duplicate argument \"src\"");
	/* get takes no lease */
	assert_int_equal(flow_get("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				  "sport 1 dport 2 ttl 5", &k), ARG_USAGE);
	assert_err("veer: unknown argument \"ttl\"");
	assert_int_equal(flow_get("proto tcp help", &k), ARG_HELP);
}

static void test_flow_lease(void **state)
{
	struct veer_flow_key k;
	struct veer_lease l;

	(void)state;
	assert_int_equal(flow_lease("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				    "sport 40000 dport 8080 ttl 5000 "
				    "remaining 4294967295 confidence 100 "
				    "level-pin 3", &k, &l), ARG_OK);
	assert_no_err();
	assert_int_equal(k.sport, 40000);
	assert_true(l.present == (VEER_LEASE_P_TTL | VEER_LEASE_P_REMAINING |
				  VEER_LEASE_P_CONFIDENCE | VEER_LEASE_P_LEVEL));
	assert_int_equal(l.ttl_ms, 5000);
	assert_true(l.remaining_ms == UINT32_MAX);
	assert_int_equal(l.confidence, 100);
	assert_int_equal(l.level, 3);

	/* only what was given; "level" is level-pin here */
	assert_int_equal(flow_lease("ttl 86400000 level session proto udp "
				    "src ::1 dst ::2 sport 1 dport 2", &k, &l),
			 ARG_OK);
	assert_true(l.present == (VEER_LEASE_P_TTL | VEER_LEASE_P_LEVEL));
	assert_int_equal(l.ttl_ms, 86400000);
	assert_int_equal(l.level, VEER_LEVEL_SESSION);
	assert_int_equal(flow_lease("proto udp src ::1 dst ::2 sport 1 dport 2 "
				    "ttl 1", &k, &l), ARG_OK);
	assert_true(l.present == VEER_LEASE_P_TTL);
	assert_no_err();

	assert_int_equal(flow_lease("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				    "sport 1 dport 2 confidence 80", &k, &l),
			 ARG_USAGE);
	assert_err("veer: flow lease: \"ttl\" is required");
	assert_int_equal(flow_lease("proto tcp src 10.1.0.2 dst 10.2.0.2 "
				    "sport 1 dport 2 ttl 0", &k, &l), ARG_BAD);
	assert_err("veer: invalid ttl \"0\" (a number from 1 to 86400000)");
	assert_int_equal(flow_lease("ttl 86400001", &k, &l), ARG_BAD);
	assert_err("veer: invalid ttl \"86400001\" (a number from 1 to 86400000)");
	assert_int_equal(flow_lease("confidence 101", &k, &l), ARG_BAD);
	assert_err("veer: invalid confidence \"101\" (a number from 0 to 100)");
	assert_int_equal(flow_lease("level-pin 4", &k, &l), ARG_BAD);
	assert_err("veer: invalid level-pin \"4\" (0 to 3, or flow to subnet)");
	assert_int_equal(flow_lease("level 1 level-pin 2", &k, &l), ARG_BAD);
	assert_err("veer: duplicate argument \"level-pin\"");
	assert_int_equal(flow_lease("ttl 5 ttl 6", &k, &l), ARG_BAD);
	assert_err("veer: duplicate argument \"ttl\"");
	assert_int_equal(flow_lease("proto tcp ttl", &k, &l), ARG_BAD);
	assert_err("veer: missing value after \"ttl\"");
	assert_int_equal(flow_lease("remaining -1", &k, &l), ARG_BAD);
	assert_err("veer: invalid remaining \"-1\" (a number from 0 to 4294967295)");
	assert_int_equal(flow_lease("ttl 5 lease 5", &k, &l), ARG_USAGE);
	assert_err("veer: unknown argument \"lease\"");
}

static int agg(const char *line, struct veer_agg *a, char *service,
	       struct veer_lease *l)
{
	char **argv;
	int argc = split(line, &argv);

	return l ? parse_agg_lease(argc, argv, a, service, l) :
		   parse_agg_get(argc, argv, a, service);
}

static void test_agg_key(void **state)
{
	char service[VEER_NAME_LEN];
	struct veer_lease l;
	struct veer_agg a;
	union veer_addr want;

	(void)state;
	/* a subnet, by any address in it: masked to the prefix */
	assert_int_equal(agg("level 3 addr 10.1.0.77/24", &a, service, NULL),
			 ARG_OK);
	assert_no_err();
	assert_int_equal(a.level, VEER_LEVEL_SUBNET);
	inet_pton(AF_INET, "10.1.0.0", &want.v4);
	assert_memory_equal(&a.addr.v4, &want.v4, 4);
	assert_int_equal(a.prefix_len, 24);
	assert_true(a.present == (VEER_AGG_P_LEVEL | VEER_AGG_P_ADDR |
				  VEER_AGG_P_PREFIX_LEN));
	/* without /PLEN: left to the caller (the namespace's prefix) */
	assert_int_equal(agg("addr 2001:db8::77 level subnet", &a, service,
			     NULL), ARG_OK);
	assert_true(a.present == (VEER_AGG_P_LEVEL | VEER_AGG_P_ADDR));
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(service, "");

	assert_int_equal(agg("level 1 addr 10.1.0.2 service web", &a, service,
			     NULL), ARG_OK);
	assert_string_equal(service, "web");
	assert_true(a.present == (VEER_AGG_P_LEVEL | VEER_AGG_P_ADDR));
	assert_int_equal(agg("level session addr 10.1.0.2", &a, service, NULL),
			 ARG_OK);
	assert_string_equal(service, "");

	assert_int_equal(agg("level 2 addr 10.1.0.2 app 0x10 mark", &a, service,
			     NULL), ARG_OK);
	assert_int_equal(a.app_id, 16);
	assert_true(a.by_mark);
	assert_true(a.present == (VEER_AGG_P_LEVEL | VEER_AGG_P_ADDR |
				  VEER_AGG_P_APP_ID | VEER_AGG_P_BY_MARK));
	assert_int_equal(agg("app 8080 level 2 addr 10.1.0.2", &a, service,
			     NULL), ARG_OK);
	assert_int_equal(a.app_id, 8080);
	assert_false(a.by_mark);
	assert_true(a.present & VEER_AGG_P_BY_MARK);
	assert_no_err();

	assert_int_equal(agg("addr 10.1.0.2", &a, service, NULL), ARG_USAGE);
	assert_err("veer: aggregate get: \"level\" is required");
	assert_int_equal(agg("level 1", &a, service, NULL), ARG_USAGE);
	assert_err("veer: aggregate get: \"addr\" is required");
	assert_int_equal(agg("level 0 addr 10.1.0.2", &a, service, NULL),
			 ARG_BAD);
	assert_err("veer: invalid level \"0\" (1 to 3, or session to subnet)");
	assert_int_equal(agg("level 2 addr 10.1.0.2 service web", &a, service,
			     NULL), ARG_USAGE);
	assert_err("veer: aggregate get: \"service\" applies to level 1 (session) only");
	assert_int_equal(agg("level 1 addr 10.1.0.2 app 80", &a, service, NULL),
			 ARG_USAGE);
	assert_err("veer: aggregate get: \"app\" applies to level 2 (app) only");
	assert_int_equal(agg("level 1 addr 10.1.0.0/24", &a, service, NULL),
			 ARG_USAGE);
	assert_err("veer: aggregate get: a prefix length applies to level 3 (subnet) only");
	assert_int_equal(agg("level 2 addr 10.1.0.2 mark", &a, service, NULL),
			 ARG_USAGE);
	assert_err("veer: unknown argument \"mark\"");
	assert_int_equal(agg("level 2 addr 10.1.0.2 app 0xg", &a, service,
			     NULL), ARG_BAD);
	assert_err("veer: invalid app \"0xg\" (a number from 0 to 4294967295, or 0x0 to 0xffffffff)");
	assert_int_equal(agg("level 3 addr 10.1.0.2 ttl 5", &a, service, NULL),
			 ARG_USAGE);
	assert_err("veer: unknown argument \"ttl\"");

	/* lease: level is the key, level-pin the lease's */
	assert_int_equal(agg("level 3 addr 10.1.0.0/24 ttl 60000 confidence 70 "
			     "level-pin 3", &a, service, &l), ARG_OK);
	assert_no_err();
	assert_int_equal(a.level, 3);
	assert_int_equal(l.level, 3);
	assert_int_equal(l.ttl_ms, 60000);
	assert_int_equal(l.confidence, 70);
	assert_int_equal(agg("level 3 addr 10.1.0.0/24 confidence 70", &a,
			     service, &l), ARG_USAGE);
	assert_err("veer: aggregate lease: \"ttl\" is required");
	assert_int_equal(agg("level 3 addr 10.1.0.0/24 ttl 5 level 2", &a,
			     service, &l), ARG_BAD);
	assert_err("veer: duplicate argument \"level\"");
}

static void test_config_granularity(void **state)
{
	struct veer_config c;
	char **argv;
	int argc;

	(void)state;
	argc = split("gran-max-level 3 gran-bandwidth 10000 gran-duration 5000 "
		     "gran-frequency 60 subnet-prefix4 24 subnet-prefix6 128 "
		     "app-port-span 1000 app-mark-mask 0xff00 "
		     "flow-rate-threshold 1000000 aggregate-max 16384", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_OK);
	assert_no_err();
	assert_int_equal(c.gran_max_level, 3);
	assert_int_equal(c.gran_bw, 10000);
	assert_int_equal(c.gran_duration, 5000);
	assert_int_equal(c.gran_freq, 60);
	assert_int_equal(c.subnet_prefix4, 24);
	assert_int_equal(c.subnet_prefix6, 128);
	assert_int_equal(c.app_port_span, 1000);
	assert_int_equal(c.app_mark_mask, 0xff00);
	assert_int_equal(c.flow_rate_thresh, 1000000);
	assert_int_equal(c.agg_max, 16384);
	assert_true(c.present == (VEER_CFG_P_GRAN_MAX_LEVEL | VEER_CFG_P_GRAN_BW |
		VEER_CFG_P_GRAN_DURATION | VEER_CFG_P_GRAN_FREQ |
		VEER_CFG_P_SUBNET_PREFIX4 | VEER_CFG_P_SUBNET_PREFIX6 |
		VEER_CFG_P_APP_PORT_SPAN | VEER_CFG_P_APP_MARK_MASK |
		VEER_CFG_P_FLOW_RATE_THRESH | VEER_CFG_P_AGG_MAX));

	argc = split("gran-max-level subnet app-mark-mask 4294967295", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_OK);
	assert_int_equal(c.gran_max_level, VEER_LEVEL_SUBNET);
	assert_true(c.app_mark_mask == UINT32_MAX);

	argc = split("gran-max-level 4", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid gran-max-level \"4\" (0 to 3, or flow to subnet)");
	argc = split("subnet-prefix4 33", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid subnet-prefix4 \"33\" (a number from 0 to 32)");
	argc = split("subnet-prefix6 129", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid subnet-prefix6 \"129\" (a number from 0 to 128)");
	argc = split("app-port-span 0", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid app-port-span \"0\" (a number from 1 to 65535)");
	argc = split("app-mark-mask 0x", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid app-mark-mask \"0x\" (a number from 0 to 4294967295, or 0x0 to 0xffffffff)");
	/* hex only where the usage says so */
	argc = split("gran-bandwidth 0x10", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: invalid gran-bandwidth \"0x10\" (a number from 0 to 4294967295)");
	argc = split("aggregate-max 1 aggregate-max 2", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_BAD);
	assert_err("veer: duplicate argument \"aggregate-max\"");
	argc = split("gran-max 3", &argv);
	assert_int_equal(parse_config_set(argc, argv, &c), ARG_USAGE);
	assert_err("veer: unknown argument \"gran-max\"");

	/* monitor: flow events, and all of them by default */
	{
		unsigned int mask;

		argc = split("flow", &argv);
		assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_OK);
		assert_int_equal(mask, MON_FLOWS);
		argc = split("service flow", &argv);
		assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_OK);
		assert_int_equal(mask, MON_FLOWS | (1U << VEER_OBJ_SERVICE));
		argc = split("all", &argv);
		assert_int_equal(parse_monitor_args(argc, argv, &mask), ARG_OK);
		assert_int_equal(mask, MON_ALL);
		assert_true(mask & MON_FLOWS);
		argc = split("flows", &argv);
		assert_int_equal(parse_monitor_args(argc, argv, &mask),
				 ARG_USAGE);
		assert_err("veer: unknown argument \"flows\"");
	}
}

/* Writes @text to a new file of mode @mode; its path in @path. */
static void key_file(char *path, const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/veer-test-key.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_key(void **state)
{
	static const char *const hex = "000102030405060708090a0B0c0D0e0F";
	struct key_args k;
	char path[64], line[256];
	uint8_t out[VEER_KEY_LEN];
	char **argv;
	int argc, i;

	(void)state;
	snprintf(line, sizeof(line), "epoch 3 secret %s", hex);
	argc = split(line, &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_OK);
	assert_int_equal(k.action, VEER_KEY_ACT_SET);
	assert_int_equal(k.epoch, 3);
	for (i = 0; i < VEER_KEY_LEN; i++)
		assert_int_equal(k.secret[i], i);
	snprintf(line, sizeof(line), "secret %s next epoch 0", hex);
	argc = split(line, &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_OK);
	assert_int_equal(k.action, VEER_KEY_ACT_NEXT);
	assert_int_equal(k.epoch, 0);
	assert_no_err();

	/* Bad secrets: the message never repeats the secret. */
	assert_int_equal(get_key_hex("00010203040506070809Oa0b0c0d0e0f", out),
			 -1);
	assert_err("veer: invalid secret: not hexadecimal (character 21)");
	assert_int_equal(get_key_hex("0x0102030405060708090a0b0c0d0e0f", out),
			 -1);
	assert_err("veer: invalid secret: not hexadecimal (character 2)");
	assert_int_equal(get_key_hex("000102030405060708090a0b0c0d0e0", out),
			 -1);
	assert_err("veer: invalid secret: an odd number of hex digits (31)");
	assert_int_equal(get_key_hex("000102030405060708090a0b0c0d0e0f1", out),
			 -1);
	assert_err("veer: invalid secret: an odd number of hex digits (33)");
	assert_int_equal(get_key_hex("000102030405060708090a0b0c0d0e", out),
			 -1);
	assert_err("veer: invalid secret: 15 bytes, want 16 (32 hex digits)");
	assert_int_equal(get_key_hex("000102030405060708090a0b0c0d0e0f10",
				     out), -1);
	assert_err("veer: invalid secret: 17 bytes, want 16 (32 hex digits)");
	assert_int_equal(get_key_hex("", out), -1);
	assert_err("veer: invalid secret: 0 bytes, want 16 (32 hex digits)");
	assert_int_equal(get_key_hex(" 000102030405060708090a0b0c0d0e0f", out),
			 -1);
	assert_err("veer: invalid secret: not hexadecimal (character 1)");

	/* The grammar. */
	argc = split("epoch 4 secret 000102030405060708090a0b0c0d0e0f",
		     &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_BAD);
	assert_err("veer: invalid epoch \"4\" (a number from 0 to 3)");
	argc = split("epoch 1", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_USAGE);
	assert_err("veer: key set: \"secret\" is required");
	argc = split("secret 000102030405060708090a0b0c0d0e0f", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_USAGE);
	assert_err("veer: key set: \"epoch\" is required");
	argc = split("epoch 1 secret", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_BAD);
	assert_err("veer: missing value after \"secret\"");
	argc = split("epoch 1 secret 000102030405060708090a0b0c0d0e0f "
		     "secret-file /x", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_BAD);
	assert_err("veer: duplicate argument \"secret-file\"");
	argc = split("epoch 1 next next", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_BAD);
	assert_err("veer: duplicate argument \"next\"");
	argc = split("epoch 1 current", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_USAGE);
	assert_err("veer: unknown argument \"current\"");
	argc = split("help", &argv);
	assert_int_equal(parse_key_set(argc, argv, &k), ARG_HELP);

	/* From a file: a final newline is fine; others may not read it. */
	key_file(path, "000102030405060708090a0b0c0d0e0f\n", 0600);
	assert_int_equal(get_key_file(path, out), 0);
	assert_int_equal(out[15], 15);
	assert_no_err();
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(get_key_file(path, out), -1);
	snprintf(line, sizeof(line),
		 "veer: secret file %s is readable by every user: the key would be no secret (chmod o-r %s)\n",
		 path, path);
	assert_string_equal(errors(), line);
	unlink(path);
	key_file(path, "000102030405060708090a0b0c0d0e0f0\n", 0640);
	assert_int_equal(get_key_file(path, out), -1);
	assert_err("veer: invalid secret: an odd number of hex digits (33)");
	unlink(path);
	assert_int_equal(get_key_file(path, out), -1);
	snprintf(line, sizeof(line),
		 "veer: cannot open secret file %s: No such file or directory\n",
		 path);
	assert_string_equal(errors(), line);
	assert_int_equal(get_key_file("/tmp", out), -1);
	assert_err("veer: secret file /tmp is not a regular file");
}

static void test_usage_texts(void **state)
{
	void (*const usages[])(FILE *) = {
		usage_main, usage_service, usage_host, usage_peer,
		usage_config, usage_stats, usage_monitor, usage_flow,
		usage_aggregate, usage_key,
	};
	size_t i, len;
	char *buf;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		assert_non_null(f);
		usages[i](f);
		fclose(f);
		assert_true(strncmp(buf, "Usage: veer ", 12) == 0);
		/* every object's usage explains its words */
		if (usages[i] != usage_stats)
			assert_non_null(strstr(buf, "\nWhere: "));
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_get_u32),
		cmocka_unit_test(test_get_port),
		cmocka_unit_test(test_get_addr),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_name_and_prime),
		cmocka_unit_test(test_service_add),
		cmocka_unit_test(test_service_errors),
		cmocka_unit_test(test_service_key),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_peer_config_monitor),
		cmocka_unit_test(test_get_u32_hex),
		cmocka_unit_test(test_get_level),
		cmocka_unit_test(test_addr_mask),
		cmocka_unit_test(test_flow_show),
		cmocka_unit_test(test_flow_tuple),
		cmocka_unit_test(test_flow_lease),
		cmocka_unit_test(test_agg_key),
		cmocka_unit_test(test_config_granularity),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_usage_texts),
	};

	return cmocka_run_group_tests_name("cli_parse", tests, setup, teardown);
}
