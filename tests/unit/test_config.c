// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's config parser (userspace/veerd/config.c): the
 * example file, every kind of bad line with its file:line: message, and
 * hostile input (binary junk, overlong lines, random and mutated files).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "veerd_test.h"
#include "config.h"

/* Parse text; return the error count and the messages (caller frees). */
static unsigned int parse(const char *text, size_t len, char **msgs,
			  struct veerd_config *c)
{
	size_t msize = 0;
	unsigned int n;
	FILE *err;

	*msgs = NULL;
	err = open_memstream(msgs, &msize);
	assert_non_null(err);
	veerd_config_default(c);
	n = veerd_config_parse(c, "t.conf", text, len, err);
	fclose(err);
	return n;
}

static void test_example(void **state)
{
	struct veerd_config *c;
	const struct vcfg_host *h;

	(void)state;
	c = veerd_config_load(VEERD_EXAMPLE_CONF, stderr);
	assert_non_null(c);
	assert_near(c->interval, 1, 0);
	assert_near(c->horizon, 120, 0);
	assert_near(c->season, 86400, 0);
	assert_near(c->fc.level, 0.9, 1e-12);
	assert_near(c->breach_probability, 0.7, 1e-12);
	assert_int_equal(c->fc.hw_period, 86400);
	assert_int_equal(c->fc.horizons[0], 1);
	assert_int_equal(c->fc.horizons[1], 11);
	assert_int_equal(c->fc.horizons[2], 120);
	assert_int_equal(c->fc.models, FC_MASK_DEFAULT);
	assert_near(c->rtt_ref, 0.001, 1e-15);
	assert_int_equal(c->gran_levels, 3);
	assert_near(c->gran_bw, 125000, 0);
	assert_near(c->gran_duration, 30, 0);
	assert_near(c->gran_freq, 60, 0);

	assert_int_equal(c->nservices, 1);
	assert_string_equal(c->services[0].name, "web");
	assert_near(c->services[0].latency_threshold, 0.150, 1e-12);
	assert_near(c->services[0].load_threshold, 20000, 0);
	assert_non_null(veerd_config_service(c, "web"));
	assert_null(veerd_config_service(c, "mail"));

	assert_int_equal(c->nhosts, 3);
	h = &c->hosts[0];
	assert_int_equal(h->addr.family, AF_INET);
	assert_int_equal(h->addr.port, 80);
	assert_int_equal(h->probe, VCFG_PROBE_LOAD);
	assert_string_equal(h->probe_request,
			    "GET /healthz HTTP/1.1\r\nHost: web\r\n\r\n");
	assert_int_equal(h->probe_count, 3);
	assert_near(c->hosts[1].rtt, 400e-6, 1e-15);
	assert_int_equal(c->hosts[1].weight, 2);
	assert_int_equal(c->hosts[2].addr.family, AF_INET6);
	assert_int_equal(c->hosts[2].addr.port, 80);
	assert_int_equal(c->hosts[2].addr.addr[15], 0x12);

	assert_int_equal(c->nshadows, 2);
	assert_int_equal(c->shadows[1].weight, 2);
	assert_int_equal(c->nclasses, 1);
	assert_true(c->classes[0].critical);
	assert_int_equal(c->classes[0].proto, IPPROTO_UDP);
	assert_int_equal(c->classes[0].nports, 2);
	assert_int_equal(c->classes[0].ports[1], 5061);
	veerd_config_free(c);
}

static void test_defaults_and_quiet_files(void **state)
{
	static const char *const ok[] = {
		"",
		"# only a comment\n\n   \n",
		"interval\t2s   # two seconds\r\n",
		"[global]\nhorizon 5m\n[global]\nmin-lead 30s\n",
		"report-key \"\"\n",
		"season 0\nmodels ewma hw\n",	/* hw dropped: no season */
	};
	struct veerd_config c;
	char *msgs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(ok[i], strlen(ok[i]), &msgs, &c), 0);
		assert_string_equal(msgs, "");
		free(msgs);
	}
	parse(ok[2], strlen(ok[2]), &msgs, &c);
	free(msgs);
	assert_near(c.interval, 2, 0);
	parse(ok[3], strlen(ok[3]), &msgs, &c);
	free(msgs);
	assert_near(c.horizon, 300, 0);
	assert_int_equal(c.fc.horizons[2], 300);
	assert_int_equal(c.fc.horizons[1], 31);
	parse(ok[5], strlen(ok[5]), &msgs, &c);
	free(msgs);
	assert_int_equal(c.fc.models, FC_MASK(FC_EWMA));
	/* Granularity unset: veerd leaves the module's settings alone. */
	assert_int_equal(c.gran_levels, VCFG_UNSET_UINT);
	assert_true(c.gran_bw < 0 && c.gran_duration < 0 && c.gran_freq < 0);
}

struct bad {
	const char *text;
	const char *msg;	/* expected in the output */
};

static const struct bad bad[] = {
	{ "bogus-key 1\n", "t.conf:1: unknown key 'bogus-key'" },
	{ "\n\ninterval\n", "t.conf:3: interval: missing value" },
	{ "interval 1s 2s\n", "t.conf:1: interval: takes one value, got 2" },
	{ "ar-order 40\n", "t.conf:1: ar-order: 40 is out of range [1, 16]" },
	{ "granularity-levels 4\n",
	  "t.conf:1: granularity-levels: 4 is out of range [0, 3]" },
	{ "granularity-bandwidth -5\n", "granularity-bandwidth: -5 is out of range" },
	{ "granularity-duration 2000h\n", "granularity-duration: 2000h is out of range" },
	{ "ar-order 99999999999999999999999\n",
	  "ar-order: 99999999999999999999999 is out of range" },
	{ "ar-order -1\n", "ar-order: '-1' is not a whole number" },
	{ "ar-order 3.5\n", "'3.5' is not a whole number" },
	{ "holt-alpha abc\n", "holt-alpha: 'abc' is not a number" },
	{ "holt-alpha 1e999\n", "holt-alpha: '1e999' is out of range" },
	{ "holt-alpha nan\n", "'nan' is not a number" },
	{ "holt-alpha inf\n", "'inf' is not a number" },
	{ "holt-alpha 0x1p-2\n", "'0x1p-2' is not a number" },
	{ "holt-alpha 1.5\n", "holt-alpha: 1.5 is out of range [0.001, 1]" },
	{ "interval 5parsecs\n", "interval: unknown unit 'parsecs'" },
	{ "interval -1s\n", "interval: -1s is out of range" },
	{ "interval 2h\n", "interval: 2h is out of range [0.01, 3600]" },
	{ "confidence 150%\n", "confidence: 150% is out of range" },
	{ "confidence 90%%\n", "is not a number or a percentage" },
	{ "dry-run maybe\n", "dry-run: 'maybe' is not yes or no" },
	{ "log-level loud\n", "log-level: unknown value 'loud'" },
	{ "models\n", "models: missing value" },
	{ "models ewma arima\n", "unknown model 'arima'" },
	{ "[service]\n", "t.conf:1: usage: [service NAME]" },
	{ "[service a b]\n", "usage: [service NAME]" },
	{ "[service bad/name]\n", "service name 'bad/name' must be" },
	{ "[service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n",
	  "must be 1-31 of" },
	{ "[planet x]\n", "unknown section 'planet'" },
	{ "[service web\n", "section header must end with ']'" },
	{ "[]\n", "empty section header" },
	{ "[host nosuch 10.0.0.1]\n",
	  "t.conf:1: host of unknown service 'nosuch'" },
	{ "[service w]\n[host w 10.0.0.300]\n",
	  "t.conf:2: '10.0.0.300' is not an IP address" },
	{ "[service w]\n[host w 10.0.0.1:99999]\n", "t.conf:2: bad port" },
	{ "[service w]\n[host w 10.0.0.1:]\n", "bad port" },
	{ "[service w]\n[host w [2001:db8::1]x]\n", "is not an IP address" },
	{ "[service w]\n[host w 10.0.0.1]\n[host w 10.0.0.1]\n",
	  "t.conf:3: host defined twice (line 2)" },
	{ "[service w]\n[service w]\n", "t.conf:2: service 'w' defined twice" },
	{ "[class c]\n[class c]\nports 1\n", "class 'c' defined twice" },
	{ "holt-alpha 0.5\nholt-alpha 0.6\n",
	  "t.conf:2: holt-alpha: set twice in this section" },
	{ "report-key \"abc\n", "unterminated quoted string" },
	{ "report-key \"a\\q\"\n", "bad escape in quoted string" },
	{ "report-key \"a\\x00\"\n", "bad escape in quoted string" },
	{ "report-key \"a\\xg1\"\n", "bad escape in quoted string" },
	{ "min-lead 2m\nhorizon 1m\n",
	  "t.conf: min-lead (120s) must be shorter than horizon (60s)" },
	{ "[class c]\ncritical yes\n", "t.conf:1: class 'c' has no ports" },
	{ "[class c]\nports 0\n", "ports: 0 is out of range [1, 65535]" },
	{ "[class c]\nports 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
	  "ports: 16 ports at most" },
	{ "[class c]\nprotocol sctp\nports 1\n", "protocol: unknown value" },
	{ "[service w]\n[host w 10.0.0.1]\nprobe load\n",
	  "t.conf:2: probe load needs a probe-request" },
	{ "weight 5\n", "unknown key 'weight'" },
	{ "[shadow 10.0.0.9]\ncapacity 5\n",
	  "t.conf:2: unknown key 'capacity' in this section" },
	{ "season 30d\n", "season: 30d is out of range" },
	{ "interval 10ms\nhorizon 1d\n",
	  "horizon is more than 100000 intervals" },
	{ "health-timeout 5s\nhealth-interval 1s\n",
	  "health-timeout must not exceed health-interval" },
	{ "anomaly-need 5\nanomaly-window 3\n",
	  "anomaly-need must not exceed anomaly-window" },
	{ "models hw\n", "models: no usable model (hw needs a season)" },
	{ "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f "
	  "g h i j k l m n o p q\n", "too many words on the line" },
};

static void test_bad_lines(void **state)
{
	struct veerd_config c;
	unsigned int n;
	char *msgs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = parse(bad[i].text, strlen(bad[i].text), &msgs, &c);
		if (!n || !strstr(msgs, bad[i].msg))
			print_error("case %zu: %s\n  got %u error(s): %s\n"
				    "  want: %s\n", i, bad[i].text, n, msgs,
				    bad[i].msg);
		assert_true(n >= 1);
		assert_non_null(strstr(msgs, bad[i].msg));
		free(msgs);
	}
}

static void test_one_error_per_bad_header(void **state)
{
	const char text[] = "[planet x]\nfoo 1\nbar 2\n";
	struct veerd_config c;
	char *msgs;

	(void)state;
	/* Keys under a rejected header are skipped, not reported again. */
	assert_int_equal(parse(text, strlen(text), &msgs, &c), 1);
	free(msgs);
}

static void test_overlong_and_binary(void **state)
{
	struct veerd_config c;
	char *text, *msgs;
	size_t n = 5000;

	(void)state;
	text = malloc(n + 32);
	assert_non_null(text);
	memset(text, 'a', n);
	strcpy(text + n, "\ninterval 3s\n");
	assert_int_equal(parse(text, strlen(text), &msgs, &c), 1);
	assert_non_null(strstr(msgs, "t.conf:1: line longer than 1023 bytes"));
	/* The next line is still read. */
	assert_near(c.interval, 3, 0);
	free(msgs);

	memcpy(text, "interval 1\x01\x02\ninterval 4s\n", 25);
	assert_int_equal(parse(text, 25, &msgs, &c), 1);
	assert_non_null(strstr(msgs, "t.conf:1: binary data"));
	assert_near(c.interval, 4, 0);
	free(msgs);

	/* A NUL inside a line: the parser sees the whole buffer. */
	memcpy(text, "interval 1\0s\n", 13);
	assert_int_equal(parse(text, 13, &msgs, &c), 1);
	assert_non_null(strstr(msgs, "binary data"));
	free(msgs);
	free(text);
}

static void test_error_cap(void **state)
{
	struct veerd_config c;
	char text[4000], *msgs, *p;
	unsigned int n, lines = 0;
	int i;

	(void)state;
	text[0] = 0;
	for (i = 0; i < 100; i++)
		strcat(text, "junk 1\n");
	n = parse(text, strlen(text), &msgs, &c);
	assert_true(n >= 100);
	for (p = msgs; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, VCFG_MAX_ERRORS + 1);
	assert_non_null(strstr(msgs, "too many errors"));
	free(msgs);
}

static void test_long_string(void **state)
{
	struct veerd_config c;
	char text[600], *msgs;

	(void)state;
	strcpy(text, "report-key \"");
	memset(text + 12, 'k', 300);
	strcpy(text + 312, "\"\n");
	assert_int_equal(parse(text, strlen(text), &msgs, &c), 1);
	assert_non_null(strstr(msgs, "report-key: longer than 255 bytes"));
	free(msgs);
}

static void test_missing_file(void **state)
{
	FILE *err = fopen("/dev/null", "w");

	(void)state;
	assert_null(veerd_config_load("/nonexistent/veerd.conf", err));
	fclose(err);
}

/* Random bytes and mutated good files: errors, never a crash. */
static void test_fuzz(void **state)
{
	struct trng r = { 99 };
	struct veerd_config c;
	char buf[2048], *msgs, *good;
	size_t len, glen = 0, i, k;
	FILE *f;
	int round;

	(void)state;
	f = fopen(VEERD_EXAMPLE_CONF, "r");
	assert_non_null(f);
	good = malloc(1 << 16);
	assert_non_null(good);
	glen = fread(good, 1, (1 << 16) - 1, f);
	fclose(f);
	for (round = 0; round < 3000; round++) {
		len = trng_next(&r) % sizeof(buf);
		for (i = 0; i < len; i++) {
			k = trng_next(&r) % 4;
			/* Bias towards the parser's own alphabet. */
			buf[i] = k == 0 ? (char)trng_next(&r) :
				 "[]\"\\# \n%.:-0123456789abcdefghijklmnxyz"
				 [trng_next(&r) % 41];
		}
		parse(buf, len, &msgs, &c);
		free(msgs);
	}
	for (round = 0; round < 2000; round++) {
		char *m = malloc(glen + 1);

		assert_non_null(m);
		memcpy(m, good, glen);
		for (k = 0; k < 1 + trng_next(&r) % 8; k++)
			m[trng_next(&r) % glen] = (char)trng_next(&r);
		parse(m, glen, &msgs, &c);
		free(msgs);
		free(m);
	}
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults_and_quiet_files),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_one_error_per_bad_header),
		cmocka_unit_test(test_overlong_and_binary),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests_name("veerd_config", tests, NULL, NULL);
}
