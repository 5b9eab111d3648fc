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
	};

	return cmocka_run_group_tests_name("cli_print", tests, NULL, NULL);
}
