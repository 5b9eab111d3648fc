// SPDX-License-Identifier: GPL-2.0
/*
 * config.c: veerd.conf parser (config.h).
 *
 * A line is read byte by byte with hard limits, split into words (quotes
 * and escapes handled), and its first word looked up in the table of the
 * current section.  Each table entry knows the value's type, range and
 * where it lives, so adding a key is one line.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define MAX_WORDS	40

enum sect { S_GLOBAL, S_SERVICE, S_HOST, S_SHADOW, S_CLASS, S_NONE };

enum vtype {
	V_DUR,		/* double seconds, with unit */
	V_NUM,		/* double */
	V_PROB,		/* double, 0.9 or 90% */
	V_UINT,		/* unsigned int */
	V_U32,		/* uint32_t */
	V_U16,		/* uint16_t */
	V_BOOL,
	V_STR,		/* char[VCFG_STR_MAX] */
	V_MODELS,	/* fc model mask */
	V_LOG,		/* enum vcfg_log */
	V_PROBE,	/* enum vcfg_probe */
	V_PORTS,	/* class ports */
	V_PROTO,	/* uint8_t */
};

struct key {
	const char *name;
	enum vtype type;
	size_t off;
	double min, max;
};

struct parser {
	struct veerd_config *c;
	const char *file;
	unsigned int line;
	unsigned int errors;
	FILE *err;
	enum sect sect;
	void *obj;		/* the current section's object */
	uint64_t seen;		/* keys already set in this section */
};

/* ---- key tables ----------------------------------------------------- */

#define G(f)	offsetof(struct veerd_config, f)
#define DAY	86400.0

static const struct key global_keys[] = {
	{ "interval", V_DUR, G(interval), 0.01, 3600 },
	{ "horizon", V_DUR, G(horizon), 0.01, DAY },
	{ "min-lead", V_DUR, G(min_lead), 0, DAY },
	{ "season", V_DUR, G(season), 0, 7 * DAY },
	{ "confidence", V_PROB, G(fc.level), 0.5, 0.999 },
	{ "breach-probability", V_PROB, G(breach_probability), 0.01, 0.99 },
	{ "offload-probability", V_PROB, G(offload_probability), 0.01, 1 },
	{ "attack-severity", V_NUM, G(attack_severity), 0, 5 },
	{ "models", V_MODELS, G(fc.models), 0, 0 },
	{ "ewma-alpha", V_NUM, G(fc.ewma_alpha), 0.001, 1 },
	{ "holt-alpha", V_NUM, G(fc.holt_alpha), 0.001, 1 },
	{ "holt-beta", V_NUM, G(fc.holt_beta), 0, 1 },
	{ "holt-phi", V_NUM, G(fc.holt_phi), 0.5, 1 },
	{ "hw-alpha", V_NUM, G(fc.hw_alpha), 0.001, 1 },
	{ "hw-beta", V_NUM, G(fc.hw_beta), 0, 1 },
	{ "hw-gamma", V_NUM, G(fc.hw_gamma), 0, 1 },
	{ "ar-order", V_UINT, G(fc.ar_order), 1, FC_AR_MAX },
	{ "ar-window", V_UINT, G(fc.ar_window), 8, 1000000 },
	{ "ar-refit", V_UINT, G(fc.ar_refit), 1, 1000000 },
	{ "error-weight", V_NUM, G(fc.err_alpha), 0.0001, 1 },
	{ "surge-error-weight", V_NUM, G(fc.fast_alpha), 0.0001, 1 },
	{ "select-margin", V_PROB, G(fc.select_margin), 0, 0.99 },
	{ "select-min", V_UINT, G(fc.select_min), 1, 1000000 },
	{ "calibration-rate", V_NUM, G(fc.aci_rate), 0, 1 },
	{ "anomaly-delta", V_NUM, G(fc.anom_delta), 0.1, 100 },
	{ "anomaly-gamma", V_NUM, G(fc.anom_gamma), 0.0001, 1 },
	{ "anomaly-need", V_UINT, G(fc.anom_need), 1, 32 },
	{ "anomaly-window", V_UINT, G(fc.anom_window), 1, 32 },
	{ "anomaly-warmup", V_UINT, G(fc.anom_warmup), 0, 1000000 },
	{ "anomaly-floor", V_PROB, G(anomaly_floor), 0, 1 },
	{ "threshold-window", V_DUR, G(thr_window), 1, 30 * DAY },
	{ "threshold-quantile", V_PROB, G(thr.quantile), 0.5, 1 },
	{ "threshold-k", V_NUM, G(thr.k_sd), 0, 100 },
	{ "threshold-blend", V_PROB, G(thr.blend), 0, 1 },
	{ "threshold-floor", V_NUM, G(thr.floor), 0, 1e15 },
	{ "threshold-util-target", V_PROB, G(thr.util_target), 0, 1 },
	{ "threshold-min-samples", V_UINT, G(thr.min_samples), 0, 10000000 },
	{ "lifetime-scale", V_DUR, G(lifetime_scale), 0.001, DAY },
	{ "lifetime-decay", V_NUM, G(lifetime_decay), 0.5, 1 },
	{ "min-remaining", V_DUR, G(min_remaining), 0, DAY },
	{ "lease-renew-ahead", V_DUR, G(lease_renew_ahead), 0, DAY },
	{ "lease-renew-threshold", V_DUR, G(lease_renew_threshold), 0, DAY },
	{ "lease-confidence", V_PROB, G(lease_confidence), 0.01, 0.99 },
	{ "rtt-ref", V_DUR, G(rtt_ref), 1e-6, 60 },
	{ "rtt-weight", V_NUM, G(rtt_weight), 0, 100 },
	{ "weight-scale", V_UINT, G(weight_scale), 1, 65535 },
	{ "health-interval", V_DUR, G(health_interval), 0.01, 3600 },
	{ "health-timeout", V_DUR, G(health_timeout), 0.001, 600 },
	{ "health-rise", V_UINT, G(health_rise), 1, 100 },
	{ "health-fall", V_UINT, G(health_fall), 1, 100 },
	{ "report-port", V_UINT, G(report_port), 0, 65535 },
	{ "report-key", V_STR, G(report_key), 0, 0 },
	{ "granularity-levels", V_UINT, G(gran_levels), 0, 3 },
	{ "granularity-bandwidth", V_NUM, G(gran_bw), 0, 4294967295.0 },
	{ "granularity-duration", V_DUR, G(gran_duration), 0, 4294967.295 },
	{ "granularity-frequency", V_NUM, G(gran_freq), 0, 4294967295.0 },
	{ "dry-run", V_BOOL, G(dry_run), 0, 0 },
	{ "log-level", V_LOG, G(log_level), 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

#define SV(f)	offsetof(struct vcfg_service, f)
static const struct key service_keys[] = {
	{ "load-threshold", V_NUM, SV(load_threshold), 0, 1e15 },
	{ "conn-threshold", V_NUM, SV(conn_threshold), 0, 1e12 },
	{ "syn-threshold", V_NUM, SV(syn_threshold), 0, 1e12 },
	{ "latency-threshold", V_DUR, SV(latency_threshold), 0, 3600 },
	{ "dynamic-threshold", V_BOOL, SV(dynamic_threshold), 0, 0 },
	{ "critical", V_BOOL, SV(critical), 0, 0 },
	{ "shift", V_BOOL, SV(shift), 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

#define HO(f)	offsetof(struct vcfg_host, f)
static const struct key host_keys[] = {
	{ "weight", V_U32, HO(weight), 0, 65535 },
	{ "rtt", V_DUR, HO(rtt), 0, 60 },
	{ "capacity", V_NUM, HO(capacity), 0, 1e15 },
	{ "probe", V_PROBE, HO(probe), 0, 0 },
	{ "probe-port", V_U16, HO(probe_port), 1, 65535 },
	{ "probe-request", V_STR, HO(probe_request), 0, 0 },
	{ "probe-expect", V_STR, HO(probe_expect), 0, 0 },
	{ "probe-count", V_UINT, HO(probe_count), 1, 1000 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct key shadow_keys[] = {
	{ "weight", V_U32, offsetof(struct vcfg_shadow, weight), 0, 65535 },
	{ NULL, 0, 0, 0, 0 },
};

#define CL(f)	offsetof(struct vcfg_class, f)
static const struct key class_keys[] = {
	{ "critical", V_BOOL, CL(critical), 0, 0 },
	{ "ports", V_PORTS, 0, 1, 65535 },
	{ "protocol", V_PROTO, CL(proto), 0, 0 },
	{ NULL, 0, 0, 0, 0 },
};

static const struct key *const tables[] = {
	[S_GLOBAL] = global_keys,
	[S_SERVICE] = service_keys,
	[S_HOST] = host_keys,
	[S_SHADOW] = shadow_keys,
	[S_CLASS] = class_keys,
};

/* ---- defaults ------------------------------------------------------- */

void veerd_config_default(struct veerd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval = 1;
	c->horizon = 120;
	c->min_lead = 10;
	c->season = 0;
	c->breach_probability = 0.7;
	c->offload_probability = 0.8;
	c->attack_severity = 3;
	c->anomaly_floor = 0.2;
	fc_params_default(&c->fc);
	dthresh_params_default(&c->thr);
	c->thr_window = 3600;
	c->lifetime_scale = 1;
	c->lifetime_decay = 0.999;
	c->min_remaining = 2;
	c->lease_renew_ahead = 5;
	c->lease_renew_threshold = 30;
	c->lease_confidence = 0.8;
	c->rtt_ref = 0.001;
	c->rtt_weight = 0.1;
	c->weight_scale = 100;
	c->health_interval = 2;
	c->health_timeout = 1;
	c->health_rise = 3;
	c->health_fall = 2;
	c->report_port = 0;
	/* Granularity: the module's own settings unless configured. */
	c->gran_levels = VCFG_UNSET_UINT;
	c->gran_bw = -1;
	c->gran_duration = -1;
	c->gran_freq = -1;
	c->log_level = VCFG_LOG_INFO;
}

/* ---- errors --------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	p->errors++;
	if (!p->err || p->errors > VCFG_MAX_ERRORS)
		return;
	if (p->line)
		fprintf(p->err, "%s:%u: ", p->file, p->line);
	else
		fprintf(p->err, "%s: ", p->file);
	va_start(ap, fmt);
	vfprintf(p->err, fmt, ap);
	va_end(ap);
	fputc('\n', p->err);
	if (p->errors == VCFG_MAX_ERRORS)
		fprintf(p->err, "%s: too many errors, not reporting more\n",
			p->file);
}

/* Words may hold anything: show them safely. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; s[i] && o + 5 < len; i++) {
		if (isprint((unsigned char)s[i]))
			buf[o++] = s[i];
		else
			o += snprintf(buf + o, len - o, "\\x%02x",
				      (unsigned char)s[i]);
	}
	if (s[i] && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

/* ---- words ---------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One escape after a backslash at *s; -1 when invalid. */
static int unescape(const char **s)
{
	char c = *(*s)++;
	int hi, lo;

	switch (c) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '\\': return '\\';
	case '"': return '"';
	case 'x':
		hi = hexval((*s)[0]);
		lo = hi < 0 ? -1 : hexval((*s)[1]);
		if (lo < 0 || (!hi && !lo))
			return -1;
		*s += 2;
		return hi * 16 + lo;
	}
	return -1;
}

static int quoted(struct parser *p, const char **s, char **o)
{
	int ch;

	(*s)++;
	while (**s != '"') {
		if (!**s) {
			perr(p, "unterminated quoted string");
			return -1;
		}
		if (**s != '\\') {
			*(*o)++ = *(*s)++;
			continue;
		}
		(*s)++;
		ch = unescape(s);
		if (ch < 0) {
			perr(p, "bad escape in quoted string");
			return -1;
		}
		*(*o)++ = (char)ch;
	}
	(*s)++;
	return 0;
}

/*
 * Split into words in buf (as large as the line): whitespace separates,
 * '#' outside quotes starts a comment, "..." is one word.  Returns the
 * number of words, -1 after an error.
 */
static int split(struct parser *p, const char *s, char *buf, char **w)
{
	char *o = buf;
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == MAX_WORDS) {
			perr(p, "too many words on the line (%d at most)",
			     MAX_WORDS);
			return -1;
		}
		w[n++] = o;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
		       *s != '#') {
			if (*s != '"')
				*o++ = *s++;
			else if (quoted(p, &s, &o))
				return -1;
		}
		*o++ = 0;
	}
}

/* ---- values --------------------------------------------------------- */

static int number(struct parser *p, const char *key, const char *s,
		  double *v, const char **rest)
{
	char b[64];
	char *end;
	size_t i;

	/* Plain decimal only: no hex floats, nan, inf or leading space. */
	for (i = 0; s[i] && (isdigit((unsigned char)s[i]) || s[i] == '.' ||
			     s[i] == '-' || s[i] == '+' || s[i] == 'e' ||
			     s[i] == 'E'); i++)
		;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || (size_t)(end - s) > i || (!rest && *end)) {
		perr(p, "%s: '%s' is not a number", key, shown(s, b, 40));
		return -1;
	}
	if ((errno == ERANGE && fabs(*v) > 1) || !isfinite(*v)) {
		perr(p, "%s: '%s' is out of range", key, shown(s, b, 40));
		return -1;
	}
	if (rest)
		*rest = end;
	return 0;
}

static int in_range(struct parser *p, const struct key *k, double v,
		    const char *shown_v)
{
	if (v >= k->min && v <= k->max)
		return 0;
	perr(p, "%s: %s is out of range [%g, %g]", k->name, shown_v, k->min,
	     k->max);
	return -1;
}

static const struct {
	const char *unit;
	double sec;
} units[] = {
	{ "", 1 }, { "s", 1 }, { "ns", 1e-9 }, { "us", 1e-6 },
	{ "ms", 1e-3 }, { "m", 60 }, { "min", 60 }, { "h", 3600 },
	{ "d", 86400 },
};

static int duration(struct parser *p, const struct key *k, const char *s,
		    double *out)
{
	const char *unit;
	char b[64];
	size_t i;
	double v;

	if (number(p, k->name, s, &v, &unit))
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			break;
	if (i == sizeof(units) / sizeof(units[0])) {
		perr(p, "%s: unknown unit '%s' (ns us ms s m h d)", k->name,
		     shown(unit, b, 20));
		return -1;
	}
	v *= units[i].sec;
	if (in_range(p, k, v, shown(s, b, 40)))
		return -1;
	*out = v;
	return 0;
}

static int prob(struct parser *p, const struct key *k, const char *s,
		double *out)
{
	const char *rest;
	char b[64];
	double v;

	if (number(p, k->name, s, &v, &rest))
		return -1;
	if (!strcmp(rest, "%")) {
		v /= 100;
	} else if (*rest) {
		perr(p, "%s: '%s' is not a number or a percentage", k->name,
		     shown(s, b, 40));
		return -1;
	}
	if (in_range(p, k, v, shown(s, b, 40)))
		return -1;
	*out = v;
	return 0;
}

static int uinteger(struct parser *p, const struct key *k, const char *s,
		    unsigned long long *out)
{
	unsigned long long v;
	char b[64], *end;

	if (!isdigit((unsigned char)s[0])) {
		perr(p, "%s: '%s' is not a whole number", k->name,
		     shown(s, b, 40));
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end) {
		perr(p, "%s: '%s' is not a whole number", k->name,
		     shown(s, b, 40));
		return -1;
	}
	if (errno == ERANGE || v > (unsigned long long)k->max ||
	    v < (unsigned long long)k->min) {
		perr(p, "%s: %s is out of range [%.0f, %.0f]", k->name,
		     shown(s, b, 40), k->min, k->max);
		return -1;
	}
	*out = v;
	return 0;
}

static int boolean(struct parser *p, const char *key, const char *s,
		   bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char b[64];
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	perr(p, "%s: '%s' is not yes or no", key, shown(s, b, 40));
	return -1;
}

/* Index of s in names[], or -1 with an error. */
static int choice(struct parser *p, const char *key, const char *s,
		  const char *const *names, int n)
{
	char b[64];
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	perr(p, "%s: unknown value '%s'", key, shown(s, b, 40));
	return -1;
}

static int models(struct parser *p, const char *key, int argc, char **argv,
		  unsigned int *out)
{
	unsigned int mask = 0;
	char b[64];
	int i, m;

	for (i = 0; i < argc; i++) {
		m = fc_model_parse(argv[i]);
		if (m < 0) {
			perr(p, "%s: unknown model '%s' (ewma holt hw ar "
			     "naive)", key, shown(argv[i], b, 40));
			return -1;
		}
		mask |= FC_MASK(m);
	}
	*out = mask;
	return 0;
}

static int ports(struct parser *p, const struct key *k, int argc,
		 char **argv, struct vcfg_class *cl)
{
	unsigned long long v;
	int i;

	if (argc > VCFG_PORTS_MAX) {
		perr(p, "%s: %d ports at most", k->name, VCFG_PORTS_MAX);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (uinteger(p, k, argv[i], &v))
			return -1;
		cl->ports[i] = (uint16_t)v;
	}
	cl->nports = (unsigned int)argc;
	return 0;
}

static int string(struct parser *p, const char *key, const char *s,
		  char *out)
{
	if (strlen(s) >= VCFG_STR_MAX) {
		perr(p, "%s: longer than %d bytes", key, VCFG_STR_MAX - 1);
		return -1;
	}
	strcpy(out, s);
	return 0;
}

static const char *const log_names[] = {
	"error", "warning", "notice", "info", "debug",
};
static const char *const probe_names[] = { "none", "tcp", "load" };
static const char *const proto_names[] = { "any", "tcp", "udp" };

static int set_uint(struct parser *p, const struct key *k, const char *s,
		    void *dst)
{
	unsigned long long v;

	if (uinteger(p, k, s, &v))
		return -1;
	if (k->type == V_UINT)
		*(unsigned int *)dst = (unsigned int)v;
	else if (k->type == V_U32)
		*(uint32_t *)dst = (uint32_t)v;
	else
		*(uint16_t *)dst = (uint16_t)v;
	return 0;
}

static int set_enum(struct parser *p, const struct key *k, const char *s,
		    void *dst)
{
	int i;

	switch (k->type) {
	case V_LOG:
		i = choice(p, k->name, s, log_names, 5);
		if (i >= 0)
			*(enum vcfg_log *)dst = (enum vcfg_log)i;
		break;
	case V_PROBE:
		i = choice(p, k->name, s, probe_names, 3);
		if (i >= 0)
			*(enum vcfg_probe *)dst = (enum vcfg_probe)i;
		break;
	default:
		i = choice(p, k->name, s, proto_names, 3);
		if (i >= 0)
			*(uint8_t *)dst = i == 1 ? IPPROTO_TCP :
					  i == 2 ? IPPROTO_UDP : 0;
		break;
	}
	return i < 0 ? -1 : 0;
}

/* One value of a single-valued key. */
static int set_one(struct parser *p, const struct key *k, const char *s,
		   void *dst)
{
	double v;
	char b[64];

	switch (k->type) {
	case V_DUR:
		return duration(p, k, s, (double *)dst);
	case V_PROB:
		return prob(p, k, s, (double *)dst);
	case V_NUM:
		if (number(p, k->name, s, &v, NULL) ||
		    in_range(p, k, v, shown(s, b, 40)))
			return -1;
		*(double *)dst = v;
		return 0;
	case V_UINT:
	case V_U32:
	case V_U16:
		return set_uint(p, k, s, dst);
	case V_BOOL:
		return boolean(p, k->name, s, (bool *)dst);
	case V_STR:
		return string(p, k->name, s, (char *)dst);
	default:
		return set_enum(p, k, s, dst);
	}
}

static bool multi(enum vtype t)
{
	return t == V_MODELS || t == V_PORTS;
}

static int set_key(struct parser *p, const struct key *k, int argc,
		   char **argv)
{
	char *dst = (char *)p->obj + k->off;

	if (!argc) {
		perr(p, "%s: missing value", k->name);
		return -1;
	}
	if (argc > 1 && !multi(k->type)) {
		perr(p, "%s: takes one value, got %d", k->name, argc);
		return -1;
	}
	if (k->type == V_MODELS)
		return models(p, k->name, argc, argv, (unsigned int *)dst);
	if (k->type == V_PORTS)
		return ports(p, k, argc, argv, p->obj);
	return set_one(p, k, argv[0], dst);
}

/* ---- sections ------------------------------------------------------- */

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= VCFG_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

static int name_arg(struct parser *p, const char *what, const char *s,
		    char *out)
{
	char b[64];

	if (!valid_name(s)) {
		perr(p, "%s name '%s' must be 1-%d of [A-Za-z0-9_.-]", what,
		     shown(s, b, 40), VCFG_NAME_LEN - 1);
		return -1;
	}
	strcpy(out, s);
	return 0;
}

/* 192.0.2.1, 192.0.2.1:80, 2001:db8::1, [2001:db8::1]:80 */
static int address(struct parser *p, const char *s, struct vcfg_addr *a)
{
	char buf[64], b[64];
	const char *port = NULL, *close;
	unsigned long v;
	char *end;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		n = (size_t)(close - s - 1);
		port = close[1] ? close + 2 : NULL;
		s++;
	} else {
		port = strchr(s, ':');
		if (port && strchr(port + 1, ':'))
			port = NULL;	/* bare IPv6 */
		n = port ? (size_t)(port - s) : strlen(s);
		if (port)
			port++;
	}
	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = AF_INET6;
	else
		goto bad;
	if (!port)
		return 0;
	errno = 0;
	v = strtoul(port, &end, 10);
	if (!isdigit((unsigned char)*port) || *end || errno || !v ||
	    v > 65535) {
		perr(p, "bad port in '%s'", shown(port - 1, b, 40));
		return -1;
	}
	a->port = (uint16_t)v;
	return 0;
bad:
	perr(p, "'%s' is not an IP address", shown(s, b, 40));
	return -1;
}

static bool full(struct parser *p, unsigned int n, unsigned int max,
		 const char *what)
{
	if (n < max)
		return false;
	perr(p, "too many %s (%u at most)", what, max);
	return true;
}

static int sect_service(struct parser *p, int argc, char **argv)
{
	struct veerd_config *c = p->c;
	struct vcfg_service *s;

	if (argc != 2) {
		perr(p, "usage: [service NAME]");
		return -1;
	}
	if (full(p, c->nservices, VCFG_SERVICES_MAX, "services"))
		return -1;
	s = &c->services[c->nservices];
	memset(s, 0, sizeof(*s));
	if (name_arg(p, "service", argv[1], s->name))
		return -1;
	if (veerd_config_service(c, s->name)) {
		perr(p, "service '%s' defined twice", s->name);
		return -1;
	}
	s->dynamic_threshold = true;
	s->shift = true;
	s->line = p->line;
	c->nservices++;
	p->obj = s;
	return 0;
}

static int sect_host(struct parser *p, int argc, char **argv)
{
	struct veerd_config *c = p->c;
	struct vcfg_host *h;

	if (argc != 3) {
		perr(p, "usage: [host SERVICE ADDRESS[:PORT]]");
		return -1;
	}
	if (full(p, c->nhosts, VCFG_HOSTS_MAX, "hosts"))
		return -1;
	h = &c->hosts[c->nhosts];
	memset(h, 0, sizeof(*h));
	if (name_arg(p, "service", argv[1], h->service) ||
	    address(p, argv[2], &h->addr))
		return -1;
	h->weight = 1;
	h->probe = VCFG_PROBE_TCP;
	h->probe_count = 1;
	h->line = p->line;
	c->nhosts++;
	p->obj = h;
	return 0;
}

static int sect_shadow(struct parser *p, int argc, char **argv)
{
	struct veerd_config *c = p->c;
	struct vcfg_shadow *s;

	if (argc != 2) {
		perr(p, "usage: [shadow ADDRESS]");
		return -1;
	}
	if (full(p, c->nshadows, VCFG_SHADOWS_MAX, "shadows"))
		return -1;
	s = &c->shadows[c->nshadows];
	memset(s, 0, sizeof(*s));
	if (address(p, argv[1], &s->addr))
		return -1;
	s->weight = 1;
	s->line = p->line;
	c->nshadows++;
	p->obj = s;
	return 0;
}

static int sect_class(struct parser *p, int argc, char **argv)
{
	struct veerd_config *c = p->c;
	struct vcfg_class *cl;
	unsigned int i;

	if (argc != 2) {
		perr(p, "usage: [class NAME]");
		return -1;
	}
	if (full(p, c->nclasses, VCFG_CLASSES_MAX, "classes"))
		return -1;
	cl = &c->classes[c->nclasses];
	memset(cl, 0, sizeof(*cl));
	if (name_arg(p, "class", argv[1], cl->name))
		return -1;
	for (i = 0; i < c->nclasses; i++) {
		if (!strcmp(c->classes[i].name, cl->name)) {
			perr(p, "class '%s' defined twice", cl->name);
			return -1;
		}
	}
	cl->line = p->line;
	c->nclasses++;
	p->obj = cl;
	return 0;
}

static const struct {
	const char *name;
	enum sect sect;
	int (*open)(struct parser *p, int argc, char **argv);
} sections[] = {
	{ "service", S_SERVICE, sect_service },
	{ "host", S_HOST, sect_host },
	{ "shadow", S_SHADOW, sect_shadow },
	{ "class", S_CLASS, sect_class },
};

/* "[kind args]": the words inside the brackets. */
static int section(struct parser *p, char *text)
{
	char *end = strrchr(text, ']'), *w[MAX_WORDS], buf[VCFG_LINE_MAX];
	char b[64];
	size_t i;
	int n, rc;

	p->sect = S_NONE;	/* keys after a bad header are skipped */
	p->seen = 0;
	if (!end || end[1]) {
		perr(p, "section header must end with ']'");
		return -1;
	}
	*end = 0;
	n = split(p, text + 1, buf, w);
	if (n <= 0) {
		if (!n)
			perr(p, "empty section header");
		return -1;
	}
	if (!strcmp(w[0], "global") && n == 1) {
		p->obj = p->c;
		p->sect = S_GLOBAL;
		return 0;
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strcmp(w[0], sections[i].name))
			break;
	if (i == sizeof(sections) / sizeof(sections[0])) {
		perr(p, "unknown section '%s' (global service host shadow "
		     "class)", shown(w[0], b, 40));
		return -1;
	}
	rc = sections[i].open(p, n, w);
	if (!rc)
		p->sect = sections[i].sect;
	return rc;
}

static int setting(struct parser *p, char *text)
{
	char *w[MAX_WORDS], buf[VCFG_LINE_MAX], b[64];
	const struct key *k;
	int n;

	n = split(p, text, buf, w);
	if (n <= 0)
		return n;
	if (p->sect == S_NONE)
		return 0;	/* the header's error was reported */
	for (k = tables[p->sect]; k->name; k++)
		if (!strcmp(k->name, w[0]))
			break;
	if (!k->name) {
		perr(p, "unknown key '%s'%s", shown(w[0], b, 40),
		     p->sect == S_GLOBAL ? "" : " in this section");
		return -1;
	}
	if (p->seen & (1ULL << (k - tables[p->sect]))) {
		perr(p, "%s: set twice in this section", k->name);
		return -1;
	}
	p->seen |= 1ULL << (k - tables[p->sect]);
	return set_key(p, k, n - 1, w + 1);
}

/* ---- lines ---------------------------------------------------------- */

/*
 * Copy the next line of text into buf.  Returns its length, or -1 after
 * reporting an overlong line or a byte no text file holds (NUL and other
 * control characters but tab and CR); the rest of such a line is skipped.
 */
static long next_line(struct parser *p, const char **pos, const char *end,
		      char *buf)
{
	const char *s = *pos;
	bool bad = false, big = false;
	size_t n = 0;
	unsigned char ch;

	while (s < end && *s != '\n') {
		ch = (unsigned char)*s++;
		if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f)
			bad = true;
		if (n < VCFG_LINE_MAX - 1)
			buf[n++] = (char)ch;
		else
			big = true;
	}
	*pos = s < end ? s + 1 : s;
	buf[n] = 0;
	if (big)
		perr(p, "line longer than %d bytes", VCFG_LINE_MAX - 1);
	else if (bad)
		perr(p, "binary data (control characters) in line");
	return big || bad ? -1 : (long)n;
}

static void parse_line(struct parser *p, char *line)
{
	char *s = line;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '[')
		section(p, s);
	else
		setting(p, s);
}

/* ---- checks across keys --------------------------------------------- */

static void derive(struct veerd_config *c)
{
	struct fc_params *f = &c->fc;

	f->horizons[0] = 1;
	f->horizons[1] = veerd_config_steps(c, c->min_lead) + 1;
	f->horizons[2] = veerd_config_steps(c, c->horizon);
	if (f->horizons[2] < f->horizons[1])
		f->horizons[2] = f->horizons[1];
	f->hw_period = c->season > 0 ? veerd_config_steps(c, c->season) : 0;
	if (!f->hw_period)
		f->models &= ~FC_MASK(FC_HW);
}

static void check_global(struct parser *p)
{
	struct veerd_config *c = p->c;
	const char *why;

	p->line = 0;
	if (c->min_lead >= c->horizon)
		perr(p, "min-lead (%gs) must be shorter than horizon (%gs)",
		     c->min_lead, c->horizon);
	if (c->horizon / c->interval > FC_HORIZON_MAX)
		perr(p, "horizon is more than %d intervals", FC_HORIZON_MAX);
	if (c->season > 0 && c->season / c->interval > FC_PERIOD_MAX)
		perr(p, "season is more than %d intervals", FC_PERIOD_MAX);
	if (c->fc.anom_need > c->fc.anom_window)
		perr(p, "anomaly-need must not exceed anomaly-window");
	if (c->thr_window / c->interval > 10000000)
		perr(p, "threshold-window is too many intervals");
	if (c->health_timeout > c->health_interval)
		perr(p, "health-timeout must not exceed health-interval");
	derive(c);
	if (!c->fc.models)
		perr(p, "models: no usable model (hw needs a season)");
	else if (fc_params_check(&c->fc, &why))
		perr(p, "forecasting settings: %s", why);
}

static void check_hosts(struct parser *p)
{
	struct veerd_config *c = p->c;
	unsigned int i, j;

	for (i = 0; i < c->nhosts; i++) {
		p->line = c->hosts[i].line;
		if (!veerd_config_service(c, c->hosts[i].service))
			perr(p, "host of unknown service '%s'",
			     c->hosts[i].service);
		for (j = 0; j < i; j++)
			if (!strcmp(c->hosts[i].service, c->hosts[j].service) &&
			    !memcmp(&c->hosts[i].addr, &c->hosts[j].addr,
				    sizeof(c->hosts[i].addr)))
				perr(p, "host defined twice (line %u)",
				     c->hosts[j].line);
		if (c->hosts[i].probe == VCFG_PROBE_LOAD &&
		    !c->hosts[i].probe_request[0])
			perr(p, "probe load needs a probe-request");
	}
	for (i = 0; i < c->nclasses; i++) {
		p->line = c->classes[i].line;
		if (!c->classes[i].nports)
			perr(p, "class '%s' has no ports", c->classes[i].name);
	}
}

/* ---- entry points --------------------------------------------------- */

unsigned int veerd_config_parse(struct veerd_config *c, const char *file,
				const char *text, size_t len, FILE *err)
{
	struct parser p = {
		.c = c, .file = file, .err = err, .sect = S_GLOBAL, .obj = c,
	};
	const char *pos = text, *end = text + len;
	char line[VCFG_LINE_MAX];

	while (pos < end) {
		p.line++;
		if (next_line(&p, &pos, end, line) >= 0)
			parse_line(&p, line);
	}
	check_global(&p);
	check_hosts(&p);
	return p.errors;
}

#define CONFIG_FILE_MAX	(4 << 20)

/* Grow buf to hold more; NULL (buf freed) past CONFIG_FILE_MAX. */
static char *grow(char *buf, size_t *cap)
{
	char *tmp;

	*cap = *cap ? 2 * *cap : 16384;
	tmp = *cap > CONFIG_FILE_MAX ? NULL : realloc(buf, *cap);
	if (!tmp)
		free(buf);
	return tmp;
}

static char *slurp(const char *path, size_t *len, FILE *err)
{
	size_t cap = 0, n = 0, got;
	FILE *f = fopen(path, "r");
	char *buf = NULL;

	if (!f) {
		if (err)
			fprintf(err, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (n == cap && !(buf = grow(buf, &cap))) {
			if (err)
				fprintf(err, "%s: larger than %d bytes\n", path,
					CONFIG_FILE_MAX);
			fclose(f);
			return NULL;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f)) {
		if (err)
			fprintf(err, "%s: read error\n", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

struct veerd_config *veerd_config_load(const char *path, FILE *err)
{
	struct veerd_config *c;
	size_t len = 0;
	char *text;

	text = slurp(path, &len, err);
	if (!text)
		return NULL;
	c = malloc(sizeof(*c));
	if (c) {
		veerd_config_default(c);
		if (veerd_config_parse(c, path, text, len, err)) {
			free(c);
			c = NULL;
		}
	}
	free(text);
	return c;
}

void veerd_config_free(struct veerd_config *c)
{
	free(c);
}

unsigned int veerd_config_steps(const struct veerd_config *c, double sec)
{
	double s = ceil(sec / c->interval - 1e-9);

	if (s < 1)
		return 1;
	return s > 1e9 ? 1000000000U : (unsigned int)s;
}

const struct vcfg_service *veerd_config_service(const struct veerd_config *c,
						 const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}
