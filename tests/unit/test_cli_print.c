// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer CLI: the print layer (veer/print.c) and the object printers
 * (veer/objects.c).  The same object is printed as text and as JSON; the JSON
 * is checked with a strict parser (json-c, UTF-8 validated) and, when it is
 * installed, with jq.  Hostile strings must neither break the JSON nor forge
 * text lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "objects.h"
#include "print.h"

/* ---- output capture -------------------------------------------------------- */

static char *outbuf;
static size_t outlen;
static FILE *outf;

static void capture(bool json, bool pretty)
{
	outbuf = NULL;
	outf = open_memstream(&outbuf, &outlen);
	assert_non_null(outf);
	print_init(outf, json, pretty);
}

/* The captured output (owned by the test, free() it). */
static char *captured(void)
{
	assert_int_equal(print_finish(), 0);
	fclose(outf);
	outf = NULL;
	return outbuf;
}

/* Strictly parse one JSON document (with only whitespace after it). */
static json_object *parse_json(const char *s)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *obj;
	size_t end;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_ALLOW_TRAILING_CHARS |
			       JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)strlen(s));
	if (json_tokener_get_error(tok) != json_tokener_success)
		fail_msg("invalid JSON (%s): %s",
			 json_tokener_error_desc(json_tokener_get_error(tok)), s);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	assert_true(strspn(s + end, " \n") == strlen(s + end));
	return obj;
}

/* jq, if installed, must accept it too (exit 0 from `jq -e .`). */
static void check_with_jq(const char *s)
{
	char path[] = "/tmp/veer-json-XXXXXX";
	char cmd[256];
	int fd, rc;

	if (system("command -v jq >/dev/null 2>&1") != 0)
		return;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	snprintf(cmd, sizeof(cmd), "jq -e . %s >/dev/null 2>&1", path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no member \"%s\"", key);
	return v;
}

static void assert_json_str(json_object *o, const char *key, const char *want)
{
	json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_string));
	assert_string_equal(json_object_get_string(v), want);
}

static void assert_json_uint(json_object *o, const char *key, uint64_t want)
{
	json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	assert_true(json_object_get_uint64(v) == want);
}

/* ---- fixtures -------------------------------------------------------------- */

static void sample_service(struct veer_service *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->id = 7;
	s->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.0", &s->addr.v4);
	s->prefix_len = 24;
	s->proto = IPPROTO_TCP;
	s->port = 443;
	s->flags = VEER_SVC_F_PERSIST;
	s->sched = VEER_SCHED_MAGLEV;
	s->table_size = 251;
	s->cookie_mode = VEER_COOKIE_PRESSURE;
	s->syn_thresh = 5000;
	s->conn_thresh = 0;
	s->latency_thresh = 2000;
	s->shift_pct = 10;
	s->hosts = 3;
	s->stats.packets = 18446744073709551615ULL;
	s->stats.bytes = 1234567890123ULL;
	s->stats.conns = 42;
	s->present = VEER_SVC_P_NAME | VEER_SVC_P_ID | VEER_SVC_P_ADDR |
		     VEER_SVC_P_PREFIX_LEN | VEER_SVC_P_PROTO |
		     VEER_SVC_P_PORT | VEER_SVC_P_FLAGS | VEER_SVC_P_SCHED |
		     VEER_SVC_P_TABLE_SIZE | VEER_SVC_P_COOKIE_MODE |
		     VEER_SVC_P_SYN_THRESH | VEER_SVC_P_CONN_THRESH |
		     VEER_SVC_P_LATENCY_THRESH | VEER_SVC_P_SHIFT_PCT |
		     VEER_SVC_P_HOSTS | VEER_SVC_P_STATS;
}

static void sample_host(struct veer_host *h)
{
	memset(h, 0, sizeof(*h));
	strcpy(h->service, "web");
	h->family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::10", &h->addr.v6);
	h->port = 0;
	h->weight = 65535;
	h->state = VEER_HOST_DRAIN;
	h->encap = VEER_ENCAP_GUE;
	h->encap_port = 6080;
	h->stats.packets = 1;
	h->stats.bytes = 2;
	h->stats.conns = 3;
	h->present = VEER_HOST_P_SERVICE | VEER_HOST_P_ADDR | VEER_HOST_P_PORT |
		     VEER_HOST_P_WEIGHT | VEER_HOST_P_STATE |
		     VEER_HOST_P_ENCAP | VEER_HOST_P_ENCAP_PORT |
		     VEER_HOST_P_STATS;
}

/* ---- services: the same object as text and JSON ---------------------------- */

static void test_service_text(void **state)
{
	struct veer_service s;
	char *out;

	(void)state;
	sample_service(&s, "web");
	capture(false, false);
	print_service(&s, false);
	out = captured();
	assert_string_equal(out,
		"web id 7 addr 10.0.0.0/24 proto tcp port 443 sched maglev "
		"table-size 251 cookie pressure syn-threshold 5000 "
		"conn-threshold 0 latency-threshold 2000 shift 10 "
		"flags persist hosts 3\n");
	free(out);

	/* -s: the counters on a second, indented line */
	capture(false, false);
	print_service(&s, true);
	out = captured();
	assert_non_null(strstr(out, " hosts 3\n    packets 18446744073709551615 "
				    "bytes 1234567890123 conns 42\n"));
	free(out);

	/* full-length prefix: no "/32"; both flags; unknown flag bits */
	s.prefix_len = 32;
	inet_pton(AF_INET, "10.0.0.1", &s.addr.v4);
	s.flags = VEER_SVC_F_ALL | 0x80;
	capture(false, false);
	print_service(&s, false);
	out = captured();
	assert_non_null(strstr(out, " addr 10.0.0.1 proto tcp "));
	assert_non_null(strstr(out, " flags track-only,persist,0x80 "));
	free(out);

	/* only the fields present are printed */
	memset(&s, 0, sizeof(s));
	strcpy(s.name, "x");
	s.present = VEER_SVC_P_NAME | VEER_SVC_P_FLAGS;
	capture(false, false);
	print_service(&s, true);
	out = captured();
	assert_string_equal(out, "x flags none\n");
	free(out);
}

static void test_service_json(void **state)
{
	struct veer_service s;
	json_object *arr, *o, *st, *flags;
	char *out;

	(void)state;
	sample_service(&s, "web");
	capture(true, false);
	open_json_array(NULL);
	print_service(&s, true);
	print_service(&s, false);
	close_json_array();
	out = captured();
	check_with_jq(out);
	arr = parse_json(out);
	assert_true(json_object_is_type(arr, json_type_array));
	assert_int_equal(json_object_array_length(arr), 2);
	o = json_object_array_get_idx(arr, 0);
	assert_json_str(o, "name", "web");
	assert_json_uint(o, "id", 7);
	assert_json_str(o, "addr", "10.0.0.0");
	assert_json_uint(o, "prefix_len", 24);
	assert_json_str(o, "proto", "tcp");
	assert_json_uint(o, "port", 443);
	assert_json_str(o, "sched", "maglev");
	assert_json_uint(o, "table_size", 251);
	assert_json_str(o, "cookie", "pressure");
	assert_json_uint(o, "syn_threshold", 5000);
	assert_json_uint(o, "conn_threshold", 0);
	assert_json_uint(o, "latency_threshold", 2000);
	assert_json_uint(o, "shift", 10);
	assert_json_uint(o, "hosts", 3);
	flags = member(o, "flags");
	assert_true(json_object_is_type(flags, json_type_array));
	assert_int_equal(json_object_array_length(flags), 1);
	assert_string_equal(json_object_get_string(
				json_object_array_get_idx(flags, 0)), "persist");
	st = member(o, "stats");
	assert_json_uint(st, "packets", 18446744073709551615ULL);
	assert_json_uint(st, "bytes", 1234567890123ULL);
	assert_json_uint(st, "conns", 42);
	/* without -s, no stats */
	assert_false(json_object_object_get_ex(json_object_array_get_idx(arr, 1),
					       "stats", NULL));
	json_object_put(arr);
	/* compact: a single line */
	assert_non_null(strchr(out, '\n'));
	assert_true(strchr(out, '\n') == out + strlen(out) - 1);
	free(out);
}

static void test_pretty_json_same_content(void **state)
{
	struct veer_service s;
	json_object *a, *b;
	char *compact, *pretty;

	(void)state;
	sample_service(&s, "web");
	capture(true, false);
	open_json_array(NULL);
	print_service(&s, true);
	close_json_array();
	compact = captured();
	capture(true, true);
	open_json_array(NULL);
	print_service(&s, true);
	close_json_array();
	pretty = captured();
	check_with_jq(pretty);
	assert_non_null(strstr(pretty, "\n    {\n        \"name\": \"web\",\n"));
	a = parse_json(compact);
	b = parse_json(pretty);
	assert_true(json_object_equal(a, b));
	json_object_put(a);
	json_object_put(b);
	free(compact);
	free(pretty);
}

static void test_empty_containers(void **state)
{
	json_object *o;
	char *out;

	(void)state;
	capture(true, true);
	open_json_array(NULL);
	close_json_array();
	out = captured();
	assert_string_equal(out, "[]\n");
	free(out);

	capture(true, false);
	open_json_object(NULL);
	open_json_array("flags");
	close_json_array();
	open_json_object("stats");
	close_json_object();
	close_json_object();
	out = captured();
	assert_string_equal(out, "{\"flags\":[],\"stats\":{}}\n");
	o = parse_json(out);
	json_object_put(o);
	free(out);

	/* text: an empty list prints nothing */
	capture(false, false);
	open_json_array(NULL);
	close_json_array();
	out = captured();
	assert_string_equal(out, "");
	free(out);
}

static void test_unbalanced_is_reported(void **state)
{
	(void)state;
	capture(true, false);
	open_json_object(NULL);
	assert_int_equal(print_finish(), -1);
	fclose(outf);
	free(outbuf);

	capture(true, false);
	close_json_object();
	assert_int_equal(print_finish(), -1);
	fclose(outf);
	free(outbuf);
}

/* ---- hostile strings ------------------------------------------------------- */

static const char *const hostile[] = {
	"quote\"d",
	"back\\slash",
	"new\nline",
	"tab\tcr\rbell\afeed\fbs\b",
	"\x01\x1f\x7f",
	"}],{\"injected\":1",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",	/* valid UTF-8 */
	"\xff\xfe",					/* invalid bytes */
	"\xc3",						/* truncated sequence */
	"\xc0\xaf",					/* overlong '/' */
	"\xed\xa0\x80",					/* a surrogate */
	"\xf4\x90\x80\x80",				/* above U+10FFFF */
	"</script>",
};

static void test_hostile_json(void **state)
{
	struct veer_service s;
	json_object *arr, *o;
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		sample_service(&s, hostile[i]);
		capture(true, i % 2);
		open_json_array(NULL);
		print_service(&s, true);
		close_json_array();
		out = captured();
		check_with_jq(out);
		arr = parse_json(out);
		assert_int_equal(json_object_array_length(arr), 1);
		o = json_object_array_get_idx(arr, 0);
		/* the object is whole: nothing injected, everything there */
		assert_false(json_object_object_get_ex(o, "injected", NULL));
		assert_json_uint(o, "hosts", 3);
		if (i <= 6 || i == 12)	/* valid UTF-8: round-trips exactly */
			assert_json_str(o, "name", hostile[i]);
		else	/* invalid: replaced, still valid JSON */
			assert_non_null(strstr(json_object_get_string(
					member(o, "name")), "\xef\xbf\xbd"));
		json_object_put(arr);
		free(out);
	}
}

static void test_hostile_text(void **state)
{
	struct veer_service s;
	char *out;

	(void)state;
	sample_service(&s, "evil\nweb id 1 addr 6.6.6.6\x1b[2J\\");
	s.present = VEER_SVC_P_NAME | VEER_SVC_P_PORT;
	capture(false, false);
	print_service(&s, false);
	out = captured();
	/* one line, control characters escaped, backslash doubled */
	assert_string_equal(out,
		"evil\\x0aweb id 1 addr 6.6.6.6\\x1b[2J\\\\ port 443\n");
	free(out);
}

static void test_json_escape(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	json_escape(f, "a\"b\\c\n\x01\x7f\xc3\xa9\xff/");
	fclose(f);
	assert_string_equal(buf, "a\\\"b\\\\c\\n\\u0001\\u007f\xc3\xa9\\ufffd/");
	free(buf);
}

/* ---- hosts, peers, config, stats, events ----------------------------------- */

static void test_host_text_json(void **state)
{
	struct veer_host h;
	json_object *o;
	char *out;

	(void)state;
	sample_host(&h);
	capture(false, false);
	print_host(&h, true);
	out = captured();
	assert_string_equal(out,
		"service web addr 2001:db8::10 port 0 weight 65535 state drain "
		"encap gue encap-port 6080\n    packets 1 bytes 2 conns 3\n");
	free(out);

	capture(true, false);
	print_host(&h, true);
	out = captured();
	check_with_jq(out);
	o = parse_json(out);
	assert_json_str(o, "service", "web");
	assert_json_str(o, "addr", "2001:db8::10");
	assert_json_uint(o, "port", 0);
	assert_json_uint(o, "weight", 65535);
	assert_json_str(o, "state", "drain");
	assert_json_str(o, "encap", "gue");
	assert_json_uint(o, "encap_port", 6080);
	assert_json_uint(member(o, "stats"), "conns", 3);
	json_object_put(o);
	free(out);

	/* an enum value this CLI does not know: its number */
	h.state = 9;
	h.present = VEER_HOST_P_STATE;
	capture(false, false);
	print_host(&h, false);
	out = captured();
	assert_string_equal(out, "state 9\n");
	free(out);
}

static void test_peer_config(void **state)
{
	struct veer_peer p = {
		.family = AF_INET, .role = VEER_PEER_MEMBER, .port = 6080,
		.weight = 2,
		.present = VEER_PEER_P_ADDR | VEER_PEER_P_ROLE |
			   VEER_PEER_P_PORT | VEER_PEER_P_WEIGHT,
	};
	struct veer_config c = {
		.flow_max = 65536, .track_all = true, .gue_port = 6080,
		.event_rate = 1000, .node_id = 3,
		.present = VEER_CFG_P_FLOW_MAX | VEER_CFG_P_TRACK_ALL |
			   VEER_CFG_P_GUE_PORT | VEER_CFG_P_EVENT_RATE |
			   VEER_CFG_P_NODE_ID,
	};
	json_object *o;
	char *out;

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", &p.addr.v4);
	capture(false, false);
	print_peer(&p);
	print_config(&c);
	out = captured();
	assert_string_equal(out,
		"addr 192.0.2.1 role member port 6080 weight 2\n"
		"flow-max 65536 track-all on gue-port 6080 event-rate 1000 node-id 3\n");
	free(out);

	capture(true, false);
	print_config(&c);
	out = captured();
	o = parse_json(out);
	assert_json_uint(o, "flow_max", 65536);
	assert_true(json_object_get_boolean(member(o, "track_all")));
	assert_true(json_object_is_type(member(o, "track_all"),
					json_type_boolean));
	assert_json_uint(o, "gue_port", 6080);
	assert_json_uint(o, "event_rate", 1000);
	assert_json_uint(o, "node_id", 3);
	json_object_put(o);
	free(out);
}

static void test_stats(void **state)
{
	struct veer_stats st;
	json_object *o;
	unsigned int i;
	char *out;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (i = 1; i <= VEER_STAT_MAX; i++) {
		if (i == VEER_STAT_PAD)
			continue;
		st.v[i] = i * 1000;
		st.present |= 1ULL << i;
	}
	capture(false, false);
	print_stats(&st);
	out = captured();
	assert_true(strncmp(out, "packets 1000\nbytes 2000\nsvc_packets 3000\n",
			    40) == 0);
	assert_non_null(strstr(out, "\nno_conntrack 5000\nbad_header 6000\n"));
	assert_non_null(strstr(out, "\nevents_dropped 10000\n"));
	assert_non_null(strstr(out, "\nhooks 14000\n"));
	free(out);

	capture(true, false);
	print_stats(&st);
	out = captured();
	check_with_jq(out);
	o = parse_json(out);
	for (i = 1; i <= VEER_STAT_MAX; i++)
		if (i != VEER_STAT_PAD)
			assert_json_uint(o, veer_stat_name(i), i * 1000);
	/* every counter but UNSPEC and PAD */
	assert_int_equal(json_object_object_length(o), VEER_STAT_MAX - 1);
	json_object_put(o);
	free(out);
}

static void test_events(void **state)
{
	struct veer_event ev[3];
	json_object *o;
	char *out, *line, *save = NULL;
	int n = 0;

	(void)state;
	memset(ev, 0, sizeof(ev));
	ev[0].object = VEER_OBJ_SERVICE;
	ev[0].action = VEER_ACT_ADD;
	sample_service(&ev[0].service, "web");
	ev[1].object = VEER_OBJ_HOST;
	ev[1].action = VEER_ACT_DEL;
	sample_host(&ev[1].host);
	ev[2].object = VEER_OBJ_CONFIG;
	ev[2].action = VEER_ACT_CHANGE;
	ev[2].config.node_id = 9;
	ev[2].config.present = VEER_CFG_P_NODE_ID;

	capture(false, false);
	print_event(&ev[0], false);
	print_event(&ev[1], false);
	print_event(&ev[2], false);
	out = captured();
	assert_true(strncmp(out, "add service web id 7 addr 10.0.0.0/24 ", 38) == 0);
	assert_non_null(strstr(out, "\ndel host service web addr 2001:db8::10 "));
	assert_non_null(strstr(out, "\nchange config node-id 9\n"));
	free(out);

	/* monitor -s: the counters stay on the event's line */
	capture(false, false);
	print_set_one_line(true);
	print_event(&ev[1], true);
	out = captured();
	assert_string_equal(out,
		"del host service web addr 2001:db8::10 port 0 weight 65535 "
		"state drain encap gue encap-port 6080 packets 1 bytes 2 conns 3\n");
	free(out);

	/* -j: one JSON document per line */
	capture(true, false);
	print_event(&ev[0], true);
	print_event(&ev[1], true);
	print_event(&ev[2], true);
	out = captured();
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		o = parse_json(line);
		assert_json_str(o, "action", n == 0 ? "add" :
					     n == 1 ? "del" : "change");
		assert_json_str(o, "object", n == 0 ? "service" :
					     n == 1 ? "host" : "config");
		json_object_put(o);
	}
	assert_int_equal(n, 3);
	free(out);
}

/* ---- flows and aggregates --------------------------------------------------- */

/* A fake service table: 1 is "web", 9 a hostile name, others unknown. */
static const char *fake_svc(uint32_t id)
{
	if (id == 1)
		return "web";
	if (id == 9)
		return "}],{\"injected\":1\n\xff";
	return NULL;
}

static void sample_flow(struct veer_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->key.family = AF_INET;
	inet_pton(AF_INET, "10.1.0.2", &f->key.saddr.v4);
	inet_pton(AF_INET, "10.2.0.2", &f->key.daddr.v4);
	f->key.sport = 40000;
	f->key.dport = 8080;
	f->key.proto = IPPROTO_TCP;
	f->key.zone = 0;
	f->ct_id = 3089769567U;
	f->svc_id = 1;
	f->level = 0;
	f->tcp_state = 3;	/* ESTABLISHED */
	f->age_ms = 5244;
	f->idle_ms = 7;
	f->orig.packets = 24;
	f->orig.bytes = 101256;
	f->orig.seq = 2884449327U;
	f->orig.ack = 2673345841U;
	f->orig.win = 502;
	f->orig.wscale = 7;
	f->orig.mss = 1460;
	f->orig.opts = VEER_OPT_SACK | VEER_OPT_TS | VEER_OPT_WSCALE;
	f->orig.tsval = 558052413;
	f->orig.present = VEER_FDIR_P_PACKETS | VEER_FDIR_P_BYTES |
			  VEER_FDIR_P_SEQ | VEER_FDIR_P_ACK | VEER_FDIR_P_WIN |
			  VEER_FDIR_P_WSCALE | VEER_FDIR_P_MSS |
			  VEER_FDIR_P_OPTS | VEER_FDIR_P_TSVAL;
	f->reply = f->orig;
	f->reply.packets = 22;
	f->reply.bytes = 1152;
	f->reply.opts = 0;
	f->reply.mss = 0;
	f->rate = 10494;
	f->peak_rate = 18446744073709551615ULL;
	f->rtt_syn_us = 150552;
	f->rtt_us = 33379;
	f->lease.ttl_ms = 4872;
	f->lease.remaining_ms = 30000;
	f->lease.confidence = 80;
	f->lease.level = 2;
	f->lease.present = VEER_LEASE_P_TTL | VEER_LEASE_P_REMAINING |
			   VEER_LEASE_P_CONFIDENCE | VEER_LEASE_P_LEVEL;
	f->present = VEER_FLOW_P_KEY | VEER_FLOW_P_CT_ID | VEER_FLOW_P_SVC_ID |
		     VEER_FLOW_P_LEVEL | VEER_FLOW_P_TCP_STATE |
		     VEER_FLOW_P_AGE | VEER_FLOW_P_IDLE | VEER_FLOW_P_ORIG |
		     VEER_FLOW_P_REPLY | VEER_FLOW_P_RATE |
		     VEER_FLOW_P_PEAK_RATE | VEER_FLOW_P_RTT_SYN |
		     VEER_FLOW_P_RTT | VEER_FLOW_P_LEASE;
}

/* A UDP flow over IPv6 in zone 5, of a service the CLI cannot name. */
static void sample_udp6_flow(struct veer_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->key.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::2", &f->key.saddr.v6);
	inet_pton(AF_INET6, "2001:db8:2::2", &f->key.daddr.v6);
	f->key.sport = 40001;
	f->key.dport = 5353;
	f->key.proto = IPPROTO_UDP;
	f->key.zone = 5;
	f->ct_id = 1;
	f->svc_id = 4;
	f->level = 3;
	f->age_ms = 0;
	f->idle_ms = 1001;
	f->orig.packets = 1;
	f->orig.bytes = 34;
	f->orig.present = VEER_FDIR_P_PACKETS | VEER_FDIR_P_BYTES;
	f->reply = f->orig;
	f->present = VEER_FLOW_P_KEY | VEER_FLOW_P_CT_ID | VEER_FLOW_P_SVC_ID |
		     VEER_FLOW_P_LEVEL | VEER_FLOW_P_AGE | VEER_FLOW_P_IDLE |
		     VEER_FLOW_P_ORIG | VEER_FLOW_P_REPLY | VEER_FLOW_P_RATE |
		     VEER_FLOW_P_PEAK_RATE;
}

static void test_flow_text(void **state)
{
	struct veer_flow f;
	char *out;

	(void)state;
	print_set_svc_resolver(fake_svc);
	sample_flow(&f);
	capture(false, false);
	print_flow(&f, false);
	out = captured();
	assert_string_equal(out,
		"proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 "
		"service web level 0 state ESTABLISHED age 5.244s packets 24 "
		"bytes 101256 rpackets 22 rbytes 1152 rate 10494B/s "
		"rtt 33.379ms\n");
	free(out);

	/* full: the profile on indented lines */
	capture(false, false);
	print_flow(&f, true);
	out = captured();
	assert_string_equal(out,
		"proto tcp src 10.1.0.2 dst 10.2.0.2 sport 40000 dport 8080 "
		"service web level 0 state ESTABLISHED age 5.244s packets 24 "
		"bytes 101256 rpackets 22 rbytes 1152 rate 10494B/s "
		"rtt 33.379ms\n"
		"    ct-id 3089769567 idle 0.007s "
		"peak-rate 18446744073709551615B/s rtt-syn 150.552ms\n"
		"    orig seq 2884449327 ack 2673345841 win 502 wscale 7 "
		"mss 1460 opts sack,ts,wscale tsval 558052413\n"
		"    reply seq 2884449327 ack 2673345841 win 502 wscale 7 "
		"mss 0 opts none tsval 558052413\n"
		"    lease ttl 4.872s remaining 30.000s confidence 80 "
		"level-pin 2\n");
	free(out);

	/* monitor: everything on the event's line */
	capture(false, false);
	print_set_one_line(true);
	print_flow(&f, true);
	out = captured();
	assert_true(strchr(out, '\n') == out + strlen(out) - 1);
	assert_non_null(strstr(out, " rtt 33.379ms ct-id 3089769567 "));
	assert_non_null(strstr(out, " rtt-syn 150.552ms orig seq "));
	assert_non_null(strstr(out, " tsval 558052413 lease ttl 4.872s "));
	free(out);

	/* UDP: no state, no profile; a zone is shown; an unknown service id */
	sample_udp6_flow(&f);
	capture(false, false);
	print_flow(&f, true);
	out = captured();
	assert_string_equal(out,
		"proto udp src 2001:db8:1::2 dst 2001:db8:2::2 sport 40001 "
		"dport 5353 zone 5 service-id 4 level 3 age 0.000s packets 1 "
		"bytes 34 rpackets 1 rbytes 34 rate 0B/s\n"
		"    ct-id 1 idle 1.001s peak-rate 0B/s\n");
	free(out);

	/* no resolver: ids only; id 0 (no service): nothing */
	print_set_svc_resolver(NULL);
	sample_flow(&f);
	f.svc_id = 0;
	f.tcp_state = 200;	/* a state this CLI does not know */
	f.present &= ~VEER_FLOW_P_RTT;
	capture(false, false);
	print_flow(&f, false);
	out = captured();
	assert_non_null(strstr(out, " dport 8080 level 0 state 200 age "));
	assert_non_null(strstr(out, " rate 10494B/s\n"));
	free(out);
}

static void test_flow_json(void **state)
{
	struct veer_flow f[2];
	json_object *arr, *o, *d, *opts, *l;
	char *out;

	(void)state;
	print_set_svc_resolver(fake_svc);
	sample_flow(&f[0]);
	sample_udp6_flow(&f[1]);
	capture(true, false);
	open_json_array(NULL);
	print_flow(&f[0], true);
	print_flow(&f[1], true);
	close_json_array();
	out = captured();
	check_with_jq(out);
	arr = parse_json(out);
	assert_int_equal(json_object_array_length(arr), 2);
	o = json_object_array_get_idx(arr, 0);
	assert_json_str(o, "proto", "tcp");
	assert_json_str(o, "src", "10.1.0.2");
	assert_json_str(o, "dst", "10.2.0.2");
	assert_json_uint(o, "sport", 40000);
	assert_json_uint(o, "dport", 8080);
	assert_json_uint(o, "zone", 0);
	assert_json_str(o, "service", "web");
	assert_json_uint(o, "service_id", 1);
	assert_json_uint(o, "level", 0);
	assert_json_str(o, "state", "ESTABLISHED");
	assert_json_uint(o, "age_ms", 5244);
	assert_json_uint(o, "idle_ms", 7);
	assert_json_uint(o, "ct_id", 3089769567U);
	assert_json_uint(o, "rate", 10494);
	assert_json_uint(o, "peak_rate", 18446744073709551615ULL);
	assert_json_uint(o, "rtt_us", 33379);
	assert_json_uint(o, "rtt_syn_us", 150552);
	d = member(o, "orig");
	assert_json_uint(d, "packets", 24);
	assert_json_uint(d, "bytes", 101256);
	assert_json_uint(d, "seq", 2884449327U);
	assert_json_uint(d, "ack", 2673345841U);
	assert_json_uint(d, "win", 502);
	assert_json_uint(d, "wscale", 7);
	assert_json_uint(d, "mss", 1460);
	assert_json_uint(d, "tsval", 558052413);
	opts = member(d, "opts");
	assert_true(json_object_is_type(opts, json_type_array));
	assert_int_equal(json_object_array_length(opts), 3);
	assert_string_equal(json_object_get_string(
				json_object_array_get_idx(opts, 2)), "wscale");
	d = member(o, "reply");
	assert_json_uint(d, "packets", 22);
	assert_json_uint(d, "bytes", 1152);
	assert_int_equal(json_object_array_length(member(d, "opts")), 0);
	l = member(o, "lease");
	assert_json_uint(l, "ttl_ms", 4872);
	assert_json_uint(l, "remaining_ms", 30000);
	assert_json_uint(l, "confidence", 80);
	assert_json_uint(l, "level_pin", 2);

	o = json_object_array_get_idx(arr, 1);
	assert_json_str(o, "proto", "udp");
	assert_json_str(o, "src", "2001:db8:1::2");
	assert_json_uint(o, "zone", 5);
	/* a service the CLI cannot name: null, and its id */
	assert_true(json_object_is_type(member(o, "service"), json_type_null));
	assert_json_uint(o, "service_id", 4);
	assert_json_uint(o, "level", 3);
	assert_false(json_object_object_get_ex(o, "state", NULL));
	assert_false(json_object_object_get_ex(o, "rtt_us", NULL));
	assert_false(json_object_object_get_ex(o, "lease", NULL));
	assert_false(json_object_object_get_ex(member(o, "orig"), "seq", NULL));
	json_object_put(arr);
	free(out);

	/* without -s: the summary only, still both directions */
	capture(true, false);
	print_flow(&f[0], false);
	out = captured();
	o = parse_json(out);
	assert_json_uint(member(o, "orig"), "bytes", 101256);
	assert_json_uint(member(o, "reply"), "packets", 22);
	assert_false(json_object_object_get_ex(member(o, "orig"), "seq", NULL));
	assert_false(json_object_object_get_ex(o, "ct_id", NULL));
	assert_false(json_object_object_get_ex(o, "lease", NULL));
	assert_json_uint(o, "rtt_us", 33379);
	json_object_put(o);
	free(out);

	/* pretty: the same document */
	capture(true, true);
	print_flow(&f[0], true);
	out = captured();
	check_with_jq(out);
	o = parse_json(out);
	assert_json_uint(member(o, "lease"), "confidence", 80);
	json_object_put(o);
	free(out);

	/* a hostile service name cannot break the document */
	f[0].svc_id = 9;
	f[0].orig.opts = 0xff;	/* unknown option bits: shown in hex */
	capture(true, false);
	open_json_array(NULL);
	print_flow(&f[0], true);
	close_json_array();
	out = captured();
	check_with_jq(out);
	arr = parse_json(out);
	assert_int_equal(json_object_array_length(arr), 1);
	o = json_object_array_get_idx(arr, 0);
	assert_false(json_object_object_get_ex(o, "injected", NULL));
	assert_json_uint(o, "dport", 8080);
	opts = member(member(o, "orig"), "opts");
	assert_int_equal(json_object_array_length(opts), 4);
	assert_string_equal(json_object_get_string(
				json_object_array_get_idx(opts, 3)), "0xf8");
	json_object_put(arr);
	free(out);
	print_set_svc_resolver(NULL);
}

static void sample_aggs(struct veer_agg a[3])
{
	int i;

	memset(a, 0, 3 * sizeof(*a));
	for (i = 0; i < 3; i++) {
		a[i].level = (uint8_t)(i + 1);
		a[i].family = AF_INET;
		inet_pton(AF_INET, i == 2 ? "10.1.0.0" : "10.1.0.2",
			  &a[i].addr.v4);
		a[i].prefix_len = i == 2 ? 24 : 32;
		a[i].active = 4;
		a[i].conns = 10;
		a[i].packets = 27;
		a[i].bytes = 1474;
		a[i].rate = 250;
		a[i].avg_duration_ms = 3320;
		a[i].freq = 40;
		a[i].idle_ms = 580;
		a[i].present = VEER_AGG_P_LEVEL | VEER_AGG_P_ADDR |
			       VEER_AGG_P_PREFIX_LEN | VEER_AGG_P_ACTIVE |
			       VEER_AGG_P_CONNS | VEER_AGG_P_PACKETS |
			       VEER_AGG_P_BYTES | VEER_AGG_P_RATE |
			       VEER_AGG_P_AVG_DURATION | VEER_AGG_P_FREQ |
			       VEER_AGG_P_IDLE;
	}
	a[0].svc_id = 1;
	a[0].present |= VEER_AGG_P_SVC_ID;
	a[1].app_id = 0xff00;
	a[1].by_mark = true;
	a[1].present |= VEER_AGG_P_APP_ID | VEER_AGG_P_BY_MARK;
	a[2].lease.ttl_ms = 59792;
	a[2].lease.remaining_ms = 0;
	a[2].lease.confidence = 50;
	a[2].lease.level = 3;
	a[2].lease.present = VEER_LEASE_P_TTL | VEER_LEASE_P_REMAINING |
			     VEER_LEASE_P_CONFIDENCE | VEER_LEASE_P_LEVEL;
	a[2].present |= VEER_AGG_P_LEASE;
}

static void test_agg_text_json(void **state)
{
	struct veer_agg a[3];
	json_object *arr, *o;
	char *out;
	int i;

	(void)state;
	print_set_svc_resolver(fake_svc);
	sample_aggs(a);
	capture(false, false);
	for (i = 0; i < 3; i++)
		print_agg(&a[i]);
	out = captured();
	assert_string_equal(out,
		"level 1 addr 10.1.0.2 service web active 4 conns 10 packets 27 "
		"bytes 1474 rate 250B/s avg-duration 3.320s freq 40/min "
		"idle 0.580s\n"
		"level 2 addr 10.1.0.2 app 0xff00 mark active 4 conns 10 "
		"packets 27 bytes 1474 rate 250B/s avg-duration 3.320s "
		"freq 40/min idle 0.580s\n"
		"level 3 addr 10.1.0.0/24 active 4 conns 10 packets 27 "
		"bytes 1474 rate 250B/s avg-duration 3.320s freq 40/min "
		"idle 0.580s\n"
		"    lease ttl 59.792s remaining 0.000s confidence 50 "
		"level-pin 3\n");
	free(out);

	/* an application by port: decimal, no "mark"; session 0: no name */
	a[1].app_id = 8080;
	a[1].by_mark = false;
	a[0].svc_id = 0;
	capture(false, false);
	print_agg(&a[0]);
	print_agg(&a[1]);
	out = captured();
	assert_non_null(strstr(out, "level 1 addr 10.1.0.2 active 4 "));
	assert_non_null(strstr(out, "level 2 addr 10.1.0.2 app 8080 active 4 "));
	free(out);

	sample_aggs(a);
	capture(true, false);
	open_json_array(NULL);
	for (i = 0; i < 3; i++)
		print_agg(&a[i]);
	close_json_array();
	out = captured();
	check_with_jq(out);
	arr = parse_json(out);
	assert_int_equal(json_object_array_length(arr), 3);
	o = json_object_array_get_idx(arr, 0);
	assert_json_uint(o, "level", 1);
	assert_json_str(o, "addr", "10.1.0.2");
	assert_json_uint(o, "prefix_len", 32);
	assert_json_str(o, "service", "web");
	assert_json_uint(o, "service_id", 1);
	assert_json_uint(o, "active", 4);
	assert_json_uint(o, "conns", 10);
	assert_json_uint(o, "packets", 27);
	assert_json_uint(o, "bytes", 1474);
	assert_json_uint(o, "rate", 250);
	assert_json_uint(o, "avg_duration_ms", 3320);
	assert_json_uint(o, "freq", 40);
	assert_json_uint(o, "idle_ms", 580);
	assert_false(json_object_object_get_ex(o, "app_id", NULL));
	o = json_object_array_get_idx(arr, 1);
	assert_json_uint(o, "app_id", 0xff00);
	assert_true(json_object_is_type(member(o, "by_mark"),
					json_type_boolean));
	assert_true(json_object_get_boolean(member(o, "by_mark")));
	assert_false(json_object_object_get_ex(o, "service", NULL));
	o = json_object_array_get_idx(arr, 2);
	assert_json_str(o, "addr", "10.1.0.0");
	assert_json_uint(o, "prefix_len", 24);
	assert_json_uint(member(o, "lease"), "ttl_ms", 59792);
	assert_json_uint(member(o, "lease"), "level_pin", 3);
	json_object_put(arr);
	free(out);
	print_set_svc_resolver(NULL);
}

static void test_flow_events(void **state)
{
	static const char *const names[] = { "new", "end", "level", "thresh" };
	struct veer_event ev;
	json_object *o;
	char *out, *line, *save = NULL;
	int n = 0;

	(void)state;
	print_set_svc_resolver(fake_svc);
	memset(&ev, 0, sizeof(ev));
	ev.object = VEER_OBJ_FLOW;
	ev.action = VEER_ACT_ADD;
	ev.flow_event = VEER_EVENT_FLOW_NEW;
	sample_flow(&ev.flow);

	capture(false, false);
	print_set_one_line(true);
	print_event(&ev, false);
	ev.flow_event = VEER_EVENT_FLOW_THRESH;
	print_event(&ev, true);
	ev.flow_event = 77;	/* a newer kernel's */
	print_event(&ev, false);
	out = captured();
	{
		static const char first[] =
			"flow new proto tcp src 10.1.0.2 dst 10.2.0.2 "
			"sport 40000 dport 8080 service web level 0 "
			"state ESTABLISHED age 5.244s packets 24 ";

		assert_true(strncmp(out, first, strlen(first)) == 0);
	}
	assert_non_null(strstr(out, "\nflow thresh proto tcp src 10.1.0.2 "));
	/* -s: the whole profile, on the same line */
	assert_non_null(strstr(out, " rtt 33.379ms ct-id 3089769567 idle 0.007s"));
	assert_non_null(strstr(out, "level-pin 2\nflow 77 proto tcp "));
	free(out);

	/* -j: one document per line, "object" and "event" first */
	capture(true, false);
	for (ev.flow_event = 0; ev.flow_event <= VEER_EVENT_MAX;
	     ev.flow_event++)
		print_event(&ev, ev.flow_event & 1);
	out = captured();
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		assert_true(strncmp(line, "{\"object\":\"flow\",\"event\":", 25) == 0);
		o = parse_json(line);
		check_with_jq(line);
		assert_json_str(o, "event", names[n]);
		assert_json_uint(o, "sport", 40000);
		assert_json_str(o, "service", "web");
		assert_int_equal(json_object_object_get_ex(o, "lease", NULL),
				 n & 1);
		json_object_put(o);
	}
	assert_int_equal(n, 4);
	free(out);
	print_set_svc_resolver(NULL);
}

static void test_config_granularity(void **state)
{
	struct veer_config c = {
		.flow_max = 65536, .track_all = false, .gue_port = 6080,
		.event_rate = 1000, .node_id = 0, .gran_max_level = 3,
		.gran_bw = 10000, .gran_duration = 10000, .gran_freq = 60,
		.subnet_prefix4 = 24, .subnet_prefix6 = 64,
		.app_port_span = 1, .app_mark_mask = 0xff00,
		.flow_rate_thresh = 0, .agg_max = 16384,
		.present = VEER_CFG_P_FLOW_MAX | VEER_CFG_P_TRACK_ALL |
			   VEER_CFG_P_GUE_PORT | VEER_CFG_P_EVENT_RATE |
			   VEER_CFG_P_NODE_ID | VEER_CFG_P_GRAN_MAX_LEVEL |
			   VEER_CFG_P_GRAN_BW | VEER_CFG_P_GRAN_DURATION |
			   VEER_CFG_P_GRAN_FREQ | VEER_CFG_P_SUBNET_PREFIX4 |
			   VEER_CFG_P_SUBNET_PREFIX6 |
			   VEER_CFG_P_APP_PORT_SPAN |
			   VEER_CFG_P_APP_MARK_MASK |
			   VEER_CFG_P_FLOW_RATE_THRESH | VEER_CFG_P_AGG_MAX,
	};
	json_object *o;
	char *out;

	(void)state;
	capture(false, false);
	print_config(&c);
	out = captured();
	assert_string_equal(out,
		"flow-max 65536 track-all off gue-port 6080 event-rate 1000 "
		"node-id 0\n"
		"    gran-max-level 3 gran-bandwidth 10000 gran-duration 10000 "
		"gran-frequency 60 subnet-prefix4 24 subnet-prefix6 64 "
		"app-port-span 1 app-mark-mask 0xff00 flow-rate-threshold 0 "
		"aggregate-max 16384\n");
	free(out);

	capture(true, false);
	print_config(&c);
	out = captured();
	check_with_jq(out);
	o = parse_json(out);
	assert_json_uint(o, "gran_max_level", 3);
	assert_json_uint(o, "gran_bandwidth", 10000);
	assert_json_uint(o, "gran_duration", 10000);
	assert_json_uint(o, "gran_frequency", 60);
	assert_json_uint(o, "subnet_prefix4", 24);
	assert_json_uint(o, "subnet_prefix6", 64);
	assert_json_uint(o, "app_port_span", 1);
	assert_json_uint(o, "app_mark_mask", 0xff00);
	assert_json_uint(o, "flow_rate_threshold", 0);
	assert_json_uint(o, "aggregate_max", 16384);
	assert_int_equal(json_object_object_length(o), 15);
	json_object_put(o);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_text),
		cmocka_unit_test(test_service_json),
		cmocka_unit_test(test_pretty_json_same_content),
		cmocka_unit_test(test_empty_containers),
		cmocka_unit_test(test_unbalanced_is_reported),
		cmocka_unit_test(test_hostile_json),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_host_text_json),
		cmocka_unit_test(test_peer_config),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_flow_text),
		cmocka_unit_test(test_flow_json),
		cmocka_unit_test(test_agg_text_json),
		cmocka_unit_test(test_flow_events),
		cmocka_unit_test(test_config_granularity),
	};

	return cmocka_run_group_tests_name("cli_print", tests, NULL, NULL);
}
