// SPDX-License-Identifier: GPL-2.0
/*
 * veerd-report: send this host's resource reports to a router's veerd.
 *
 *   veerd-report --to ADDR[:PORT] --key-file FILE --addr HOST_ADDR[:PORT]
 *                [--interval S] [--count N] [--load-cmd CMD | --load N]
 *
 * Every interval: CPU utilisation from /proc/stat, memory from
 * /proc/meminfo, bytes/s over all interfaces but lo from /proc/net/dev,
 * established TCP connections from /proc/net/tcp and tcp6, and the load
 * (--load-cmd's output, --load, else 0); one authenticated datagram
 * (report.h) to veerd's report-port.  The first report goes out one
 * interval after the start: utilisation and rates need two samples.
 *
 * --addr is the host as the router's configuration names it ([host SERVICE
 * ADDRESS[:PORT]]): veerd matches reports to hosts by it, not by the
 * datagram's source address, which NAT or a second interface may change.
 *
 * The key file holds the raw key (a trailing newline is dropped), the same
 * bytes as veerd's report-key, so 16 to 255 bytes and no NUL.  It must not
 * be readable or writable by others.
 *
 * Exit status: 0 done, 1 usage, 2 runtime error (including any report
 * that could not be gathered or sent; sending goes on after such errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "config.h"
#include "procfs.h"
#include "report.h"

#define PROG		"veerd-report"
#define KEY_MAX		(VCFG_STR_MAX - 1)	/* report-key's limit */
#define PROC_BUF	(1 << 20)
#define EX_USAGE_	1
#define EX_RUNTIME	2

struct opts {
	struct vcfg_addr to, host;
	const char *key_file, *load_cmd;
	double interval, load;
	unsigned long count;		/* 0: until killed */
};

struct sample {
	struct proc_cpu cpu;
	struct proc_mem mem;
	uint64_t rx, tx;
	double t;			/* CLOCK_MONOTONIC, s */
};

static int usage(void)
{
	fprintf(stderr,
"usage: " PROG " --to ADDR[:PORT] --key-file FILE --addr HOST_ADDR[:PORT]\n"
"                    [--interval S] [--count N] [--load-cmd CMD | --load N]\n"
"  --to ADDR[:PORT]      the router's veerd (port: its report-port,\n"
"                        default %d); IPv6 as [2001:db8::1]:%d\n"
"  --key-file FILE       the shared key (veerd's report-key): 16-255 bytes,\n"
"                        a trailing newline dropped; not readable by others\n"
"  --addr ADDR[:PORT]    this host as the router's [host] section names it\n"
"  --interval S          seconds between reports (1)\n"
"  --count N             send N reports and exit (default: until killed)\n"
"  --load-cmd CMD        run CMD (sh -c) each interval; its output is the\n"
"                        load, a number >= 0 (e.g. requests/s)\n"
"  --load N              a fixed load (default 0)\n",
		REPORT_PORT_DEFAULT, REPORT_PORT_DEFAULT);
	return EX_USAGE_;
}

/* 192.0.2.1, 192.0.2.1:80, 2001:db8::1, [2001:db8::1]:80 */
static int parse_addr(const char *s, uint16_t port, struct vcfg_addr *a)
{
	const char *p = NULL, *close;
	unsigned long v;
	char buf[64], *end;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -1;
		n = (size_t)(close - s - 1);
		p = close[1] ? close + 2 : NULL;
		s++;
	} else {
		p = strchr(s, ':');
		if (p && strchr(p + 1, ':'))
			p = NULL;	/* bare IPv6 */
		n = p ? (size_t)(p - s) : strlen(s);
		if (p)
			p++;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -1;
	a->port = port;
	if (!p)
		return 0;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (*p < '0' || *p > '9' || *end || errno || !v || v > 65535)
		return -1;
	a->port = (uint16_t)v;
	return 0;
}

static int parse_num(const char *opt, const char *s, double lo, double hi,
		     double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, PROG ": %s: '%s' is not a number in [%.10g, %.10g]\n",
			opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

enum { OPT_TO = 1, OPT_KEY, OPT_ADDR, OPT_INTERVAL, OPT_COUNT, OPT_LOADCMD,
       OPT_LOAD, OPT_HELP };

static const struct option longopts[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "key-file", required_argument, NULL, OPT_KEY },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "load-cmd", required_argument, NULL, OPT_LOADCMD },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* 0, 1 for usage errors, -1 for --help. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	bool have_to = false, have_host = false, have_load = false;
	double v;
	int c;

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TO:
			if (parse_addr(optarg, REPORT_PORT_DEFAULT, &o->to)) {
				fprintf(stderr, PROG ": --to: '%s' is not an "
					"address[:port]\n", optarg);
				return 1;
			}
			have_to = true;
			break;
		case OPT_ADDR:
			if (parse_addr(optarg, 0, &o->host)) {
				fprintf(stderr, PROG ": --addr: '%s' is not an "
					"address[:port]\n", optarg);
				return 1;
			}
			have_host = true;
			break;
		case OPT_KEY:
			o->key_file = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_num("--interval", optarg, 0.01, 86400,
				      &o->interval))
				return 1;
			break;
		case OPT_COUNT:
			if (parse_num("--count", optarg, 1, 1e9, &v))
				return 1;
			o->count = (unsigned long)v;
			break;
		case OPT_LOADCMD:
			o->load_cmd = optarg;
			break;
		case OPT_LOAD:
			if (parse_num("--load", optarg, 0, UINT32_MAX / 1000.0,
				      &o->load))
				return 1;
			have_load = true;
			break;
		case OPT_HELP:
			return -1;
		default:
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind]);
		return 1;
	}
	if (!have_to || !have_host || !o->key_file) {
		fprintf(stderr, PROG ": --to, --addr and --key-file are "
			"required\n");
		return 1;
	}
	if (have_load && o->load_cmd) {
		fprintf(stderr, PROG ": --load and --load-cmd exclude each "
			"other\n");
		return 1;
	}
	return 0;
}

/* The key file's contents into key[KEY_MAX]; its length or -1. */
static long read_key(const char *path, uint8_t *key)
{
	uint8_t buf[KEY_MAX + 2];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": key file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	/* fstat, not stat: the file checked is the file read. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": key file %s is not a regular file\n",
			path);
		goto bad;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		fprintf(stderr, PROG ": key file %s is accessible by others "
			"(mode %04o): anyone who reads it can forge reports; "
			"chmod o-rw it\n", path,
			(unsigned int)(st.st_mode & 07777));
		goto bad;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": key file %s: %s\n", path,
				strerror(errno));
			goto bad;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len && buf[len - 1] == '\n')
		len--;
	if (len > KEY_MAX) {
		fprintf(stderr, PROG ": key in %s is over %d bytes, more than "
			"veerd's report-key can hold\n", path, KEY_MAX);
		return -1;
	}
	if (len < REPORT_KEY_MIN) {
		fprintf(stderr, PROG ": key in %s is %zu bytes; at least %d "
			"are needed\n", path, len, REPORT_KEY_MIN);
		return -1;
	}
	if (memchr(buf, 0, len)) {
		fprintf(stderr, PROG ": key in %s holds a NUL byte, which "
			"veerd's report-key cannot\n", path);
		return -1;
	}
	memcpy(key, buf, len);
	return (long)len;
bad:
	close(fd);
	return -1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int read_proc(const char *path, char *buf)
{
	long n = proc_read(path, buf, PROC_BUF);

	if (n < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror((int)-n));
	return n < 0 ? -1 : 0;
}

/* Bytes of every interface but lo. */
static int net_bytes(const char *text, uint64_t *rx, uint64_t *tx)
{
	static struct proc_netdev *dev;
	static size_t max;
	struct proc_netdev *tmp;
	int i, n;

	for (;;) {
		n = proc_parse_net_dev(text, dev, max);
		if (n < 0)
			return -1;
		if ((size_t)n <= max)
			break;
		tmp = realloc(dev, (size_t)n * sizeof(*dev));
		if (!tmp)
			return -1;
		dev = tmp;
		max = (size_t)n;
	}
	*rx = *tx = 0;
	for (i = 0; i < n; i++) {
		if (!strcmp(dev[i].name, "lo"))
			continue;
		*rx += dev[i].rx_bytes;
		*tx += dev[i].tx_bytes;
	}
	return 0;
}

static int take_sample(char *buf, struct sample *s)
{
	s->t = mono();
	if (read_proc("/proc/stat", buf))
		return -1;
	if (proc_parse_stat(buf, &s->cpu)) {
		fprintf(stderr, PROG ": /proc/stat: unexpected format\n");
		return -1;
	}
	if (read_proc("/proc/meminfo", buf))
		return -1;
	if (proc_parse_meminfo(buf, &s->mem)) {
		fprintf(stderr, PROG ": /proc/meminfo: unexpected format\n");
		return -1;
	}
	if (read_proc("/proc/net/dev", buf))
		return -1;
	if (net_bytes(buf, &s->rx, &s->tx)) {
		fprintf(stderr, PROG ": /proc/net/dev: unexpected format\n");
		return -1;
	}
	return 0;
}

/*
 * Sockets in state 01 (TCP_ESTABLISHED) of /proc/net/tcp or tcp6, read a
 * line at a time: with many connections the files are megabytes.  A
 * missing file (no IPv6) counts none.
 */
static int count_established(const char *path, uint64_t *n)
{
	char line[512];
	unsigned int st;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %x", &st) == 1 && st == 1)
			(*n)++;
	fclose(f);
	return 0;
}

static int run_load_cmd(const char *cmd, double *load)
{
	char line[128], *end;
	int status;
	double v;
	FILE *f;

	f = popen(cmd, "re");
	if (!f) {
		fprintf(stderr, PROG ": --load-cmd: %s\n", strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	status = pclose(f);
	if (status) {
		if (status > 0 && WIFEXITED(status))
			fprintf(stderr, PROG ": --load-cmd '%s' exited with "
				"%d\n", cmd, WEXITSTATUS(status));
		else
			fprintf(stderr, PROG ": --load-cmd '%s' failed\n",
				cmd);
		return -1;
	}
	errno = 0;
	v = strtod(line, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (errno || end == line || *end || !(v >= 0) ||
	    v > UINT32_MAX / 1000.0) {
		fprintf(stderr, PROG ": --load-cmd '%s' printed no load "
			"(a number in [0, %.3f])\n", cmd, UINT32_MAX / 1000.0);
		return -1;
	}
	*load = v;
	return 0;
}

static double rate(uint64_t a, uint64_t b, double dt)
{
	double r = proc_rate(a, b, dt);

	return isnan(r) || r < 0 ? 0 : r;
}

/* Fill r from two samples; -1 if something could not be measured. */
static int measure(const struct opts *o, const struct sample *a,
		   const struct sample *b, struct report *r)
{
	double dt = b->t - a->t, cpu = proc_cpu_util(&a->cpu, &b->cpu);
	uint64_t conns = 0;

	if (isnan(cpu)) {
		fprintf(stderr, PROG ": /proc/stat: no CPU time passed\n");
		return -1;
	}
	r->cpu_util = cpu;
	r->mem_util = proc_mem_util(&b->mem);
	if (isnan(r->mem_util))
		r->mem_util = 0;
	r->rx_bps = (uint64_t)rate(a->rx, b->rx, dt);
	r->tx_bps = (uint64_t)rate(a->tx, b->tx, dt);
	if (count_established("/proc/net/tcp", &conns) ||
	    count_established("/proc/net/tcp6", &conns)) {
		fprintf(stderr, PROG ": /proc/net/tcp: %s\n", strerror(errno));
		return -1;
	}
	r->conns = conns > UINT32_MAX ? UINT32_MAX : (uint32_t)conns;
	r->load = o->load;
	if (o->load_cmd && run_load_cmd(o->load_cmd, &r->load))
		return -1;
	return 0;
}

static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int open_socket(const struct vcfg_addr *to)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&s4;
	socklen_t sl = sizeof(s4);
	int fd;

	if (to->family == AF_INET) {
		s4.sin_port = htons(to->port);
		memcpy(&s4.sin_addr, to->addr, 4);
	} else {
		s6.sin6_port = htons(to->port);
		memcpy(&s6.sin6_addr, to->addr, 16);
		sa = (struct sockaddr *)&s6;
		sl = sizeof(s6);
	}
	fd = socket(to->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, sa, sl)) {
		fprintf(stderr, PROG ": --to: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One report from prev to a new sample; 0 or -1 (said why). */
static int send_one(const struct opts *o, int fd, const uint8_t *key,
		    size_t keylen, char *buf, struct sample *prev,
		    struct report *r)
{
	static uint64_t seq;
	uint8_t wire[REPORT_WIRE_LEN];
	struct timespec now;
	struct sample cur;
	uint64_t ns;
	int n;

	if (take_sample(buf, &cur))
		return -1;
	n = measure(o, prev, &cur, r);
	*prev = cur;
	if (n)
		return -1;
	clock_gettime(CLOCK_REALTIME, &now);
	/* Time in ns keeps the sequence rising across restarts. */
	ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	seq = ns > seq ? ns : seq + 1;
	r->seq = seq;
	r->ts_ms = ns / 1000000;
	n = report_encode(r, key, keylen, wire, sizeof(wire));
	if (n < 0) {
		fprintf(stderr, PROG ": cannot encode a report: %s\n",
			strerror(-n));
		return -1;
	}
	if (send(fd, wire, (size_t)n, 0) != n) {
		/* ECONNREFUSED: veerd is not listening (yet); go on. */
		fprintf(stderr, PROG ": send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long done = 0;
	uint8_t key[KEY_MAX];
	struct sample prev;
	struct report r;
	int fd, n, status = 0;
	struct opts o;
	double next;
	long keylen;
	char *buf;

	n = parse_opts(argc, argv, &o);
	if (n < 0) {
		usage();
		return 0;
	}
	if (n) {
		fprintf(stderr, PROG ": --help for usage\n");
		return EX_USAGE_;
	}
	keylen = read_key(o.key_file, key);
	if (keylen < 0)
		return EX_RUNTIME;
	fd = open_socket(&o.to);
	if (fd < 0)
		return EX_RUNTIME;
	buf = malloc(PROC_BUF);
	if (!buf) {
		fprintf(stderr, PROG ": out of memory\n");
		return EX_RUNTIME;
	}
	if (take_sample(buf, &prev))
		return EX_RUNTIME;
	memset(&r, 0, sizeof(r));
	r.family = o.host.family;
	memcpy(r.addr, o.host.addr, sizeof(r.addr));
	r.port = o.host.port;
	next = prev.t;
	for (done = 0; !o.count || done < o.count; done++) {
		next += o.interval;
		/* After a suspend, carry on from now rather than catch up. */
		if (mono() > next + o.interval)
			next = mono() + o.interval;
		sleep_until(next);
		if (send_one(&o, fd, key, (size_t)keylen, buf, &prev, &r))
			status = EX_RUNTIME;
	}
	free(buf);
	close(fd);
	return status;
}
