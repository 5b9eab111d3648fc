// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's health probes (userspace/veerd/probe.c) against
 * real loopback servers run in a thread of the test: TCP connects, refused
 * ports, load probes that succeed (and the server counts the requests),
 * and every way a load probe fails: wrong reply, silence until the
 * deadline, early close, reset, and a flood without the expected text.
 *
 * IPv6 cases need ::1.  Where it is unavailable they pass with a TAP
 * comment rather than cmocka's skip(), which tests/run-unit.sh would count
 * as a failure.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "veerd_test.h"
#include "probe.h"

#define REQUEST		"GET / HTTP/1.1\r\nHost: test\r\n\r\n"
#define REPLY		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
#define FLOOD_LEN	(100 * 1024)
#define SAFETY		5.0	/* seconds: no test may hang longer */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- loopback servers ----------------------------------------------- */

enum srv_mode {
	SRV_LISTEN,	/* no thread: the kernel's backlog completes connects */
	SRV_HTTP,	/* REPLY per request, until EOF */
	SRV_DRIP,	/* REPLY per request, a byte at a time */
	SRV_SILENT,	/* reads, never answers */
	SRV_CLOSE,	/* reads one request, closes (FIN) */
	SRV_RESET,	/* reads one request, resets (RST) */
	SRV_FLOOD,	/* reads one request, sends FLOOD_LEN bytes of 'x' */
};

struct srv {
	enum srv_mode mode;
	int lfd;
	uint16_t port;
	int requests;	/* complete requests seen */
	pthread_t th;
};

/* Feed bytes to a "\r\n\r\n" matcher; returns the requests completed. */
static int count_ends(int *state, const char *b, ssize_t n)
{
	static const char end[] = "\r\n\r\n";
	int done = 0;
	ssize_t i;

	for (i = 0; i < n; i++) {
		if (b[i] == end[*state])
			(*state)++;
		else
			*state = b[i] == '\r';
		if (*state == 4) {
			*state = 0;
			done++;
		}
	}
	return done;
}

static void send_all(int fd, const char *b, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;		/* the probe gave up: fine */
		b += w;
		n -= (size_t)w;
	}
}

/* Read until one whole request has come; false on EOF or error. */
static bool read_request(struct srv *s, int fd, int *state)
{
	char b[512];
	ssize_t n;
	int got;

	for (;;) {
		n = recv(fd, b, sizeof(b), 0);
		if (n <= 0)
			return false;
		got = count_ends(state, b, n);
		if (got) {
			__atomic_add_fetch(&s->requests, got, __ATOMIC_SEQ_CST);
			return true;
		}
	}
}

static void drain(int fd)
{
	char b[512];

	while (recv(fd, b, sizeof(b), 0) > 0)
		;
}

static void *srv_main(void *arg)
{
	struct timeval tv = { .tv_sec = (time_t)SAFETY };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct pollfd pfd;
	struct srv *s = arg;
	int fd, state = 0;
	char *flood;
	size_t i;

	pfd.fd = s->lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(SAFETY * 1000)) != 1)
		return NULL;
	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	switch (s->mode) {
	case SRV_LISTEN:
		break;
	case SRV_HTTP:
		while (read_request(s, fd, &state))
			send_all(fd, REPLY, strlen(REPLY));
		break;
	case SRV_DRIP:
		while (read_request(s, fd, &state))
			for (i = 0; i < strlen(REPLY); i++) {
				send_all(fd, &REPLY[i], 1);
				usleep(1000);
			}
		break;
	case SRV_SILENT:
		drain(fd);
		break;
	case SRV_CLOSE:
		read_request(s, fd, &state);
		break;
	case SRV_RESET:
		read_request(s, fd, &state);
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	case SRV_FLOOD:
		read_request(s, fd, &state);
		flood = malloc(FLOOD_LEN);
		if (flood) {
			memset(flood, 'x', FLOOD_LEN);
			send_all(fd, flood, FLOOD_LEN);
			free(flood);
		}
		drain(fd);
		break;
	}
	close(fd);
	return NULL;
}

static void loopback(int family, struct vcfg_addr *a, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (family == AF_INET) {
		a->addr[0] = 127;
		a->addr[3] = 1;
	} else {
		a->addr[15] = 1;
	}
	a->port = port;
}

/* A listener on the loopback of `family`; false when there is none. */
static bool srv_start(struct srv *s, int family, enum srv_mode mode)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	socklen_t sl;

	memset(s, 0, sizeof(*s));
	memset(&ss, 0, sizeof(ss));
	s->mode = mode;
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	} else {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	}
	s->lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 && family == AF_INET6)
		return false;
	assert_true(s->lfd >= 0);
	if (bind(s->lfd, (struct sockaddr *)&ss, sl) && family == AF_INET6) {
		close(s->lfd);
		return false;
	}
	assert_int_equal(listen(s->lfd, 8), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&ss, &sl), 0);
	s->port = ntohs(family == AF_INET ? s4->sin_port : s6->sin6_port);
	if (mode != SRV_LISTEN)
		assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
	return true;
}

static void srv_stop(struct srv *s)
{
	if (s->mode != SRV_LISTEN)
		pthread_join(s->th, NULL);
	close(s->lfd);
}

#define NEED_V6(ok)							\
	do {								\
		if (!(ok)) {						\
			printf("# ::1 unavailable: IPv6 case skipped\n");\
			return;						\
		}							\
	} while (0)

/* ---- driving probes ------------------------------------------------- */

/* The daemon's loop in small: poll until the probe finishes. */
static enum probe_result drive(struct probe *p, double *elapsed)
{
	double t0 = mono(), now;
	enum probe_result r;
	struct pollfd pfd;
	int ms, n;

	while ((r = probe_result(p)) == PROBE_RUNNING) {
		now = mono();
		assert_true(now - t0 < SAFETY);
		ms = (int)ceil((probe_deadline(p) - now) * 1000);
		pfd.fd = probe_fd(p);
		pfd.events = probe_events(p);
		pfd.revents = 0;
		assert_true(pfd.fd >= 0);
		assert_true(pfd.events != 0);
		n = poll(&pfd, 1, ms < 0 ? 0 : ms);
		assert_true(n >= 0);
		probe_step(p, n > 0 ? pfd.revents : 0, mono());
	}
	if (elapsed)
		*elapsed = mono() - t0;
	/* Finished: socket closed, nothing to poll. */
	assert_int_equal(probe_fd(p), -1);
	assert_int_equal(probe_events(p), 0);
	return r;
}

static void load_spec(struct probe_spec *s, int family, uint16_t port,
		      const char *expect, unsigned int count, double timeout)
{
	memset(s, 0, sizeof(*s));
	loopback(family, &s->addr, port);
	s->kind = VCFG_PROBE_LOAD;
	s->request = REQUEST;
	s->request_len = strlen(REQUEST);
	s->expect = expect;
	s->count = count;
	s->timeout = timeout;
}

/* Run a load probe against a fresh server; returns the result. */
static enum probe_result run_load(int family, enum srv_mode mode,
				  const char *expect, unsigned int count,
				  double timeout, struct srv *srv,
				  struct probe **pp, double *elapsed)
{
	struct probe_spec s;
	enum probe_result r;

	if (!srv_start(srv, family, mode))
		return PROBE_RUNNING;
	load_spec(&s, family, srv->port, expect, count, timeout);
	assert_int_equal(probe_start(pp, &s, mono()), 0);
	r = drive(*pp, elapsed);
	/* Close our end first: every server thread ends on our EOF. */
	probe_free(*pp);
	*pp = NULL;
	srv_stop(srv);
	return r;
}

/* ---- TCP probes ----------------------------------------------------- */

static void tcp_ok(int family)
{
	struct probe_spec s = { .kind = VCFG_PROBE_TCP, .timeout = 1 };
	struct probe *p;
	struct srv srv;

	NEED_V6(srv_start(&srv, family, SRV_LISTEN));
	loopback(family, &s.addr, srv.port);
	assert_int_equal(probe_start(&p, &s, mono()), 0);
	assert_int_equal(probe_events(p), POLLOUT);
	assert_int_equal(drive(p, NULL), PROBE_OK);
	assert_true(probe_rtt(p) > 0 && probe_rtt(p) < 1);
	assert_true(isnan(probe_latency(p)));
	assert_string_equal(probe_error(p), "");
	/* Stepping a finished probe changes nothing. */
	assert_int_equal(probe_step(p, 0, mono() + 10), PROBE_OK);
	probe_free(p);
	srv_stop(&srv);
}

static void test_tcp_ok_v4(void **state)
{
	(void)state;
	tcp_ok(AF_INET);
}

static void test_tcp_ok_v6(void **state)
{
	(void)state;
	tcp_ok(AF_INET6);
}

static void test_tcp_refused(void **state)
{
	struct probe_spec s = { .kind = VCFG_PROBE_TCP, .timeout = 1 };
	struct probe *p;
	struct srv srv;

	(void)state;
	/* A port that was just free and has no listener now. */
	srv_start(&srv, AF_INET, SRV_LISTEN);
	srv_stop(&srv);
	loopback(AF_INET, &s.addr, srv.port);
	assert_int_equal(probe_start(&p, &s, mono()), 0);
	assert_int_equal(drive(p, NULL), PROBE_FAIL);
	assert_string_equal(probe_error(p), "connect: Connection refused");
	assert_true(isnan(probe_rtt(p)));
	probe_free(p);
}

/* ---- load probes that succeed --------------------------------------- */

static void test_load_ok_v4(void **state)
{
	struct probe_spec s;
	struct probe *p;
	struct srv srv;

	(void)state;
	assert_true(srv_start(&srv, AF_INET, SRV_HTTP));
	load_spec(&s, AF_INET, srv.port, "HTTP/1.1 200", 3, 2);
	assert_int_equal(probe_start(&p, &s, mono()), 0);
	assert_int_equal(drive(p, NULL), PROBE_OK);
	assert_true(probe_rtt(p) > 0);
	assert_true(probe_latency(p) > 0 && probe_latency(p) < 2);
	assert_string_equal(probe_error(p), "");
	probe_free(p);
	srv_stop(&srv);
	assert_int_equal(srv.requests, 3);
}

static void test_load_ok_v6(void **state)
{
	enum probe_result r;
	struct probe *p;
	struct srv srv;

	(void)state;
	/* Empty expect: any reply byte ends a round. */
	r = run_load(AF_INET6, SRV_HTTP, "", 2, 2, &srv, &p, NULL);
	NEED_V6(r != PROBE_RUNNING);
	assert_int_equal(r, PROBE_OK);
	assert_int_equal(srv.requests, 2);
}

static void test_load_expect_across_reads(void **state)
{
	struct probe *p;
	struct srv srv;

	(void)state;
	/* The reply comes a byte per segment; the match spans reads. */
	assert_int_equal(run_load(AF_INET, SRV_DRIP, "200 OK\r\nContent", 2,
				  3, &srv, &p, NULL), PROBE_OK);
	assert_int_equal(srv.requests, 2);
}

/* ---- load probes that fail ------------------------------------------ */

static void test_load_wrong_expect(void **state)
{
	struct probe_spec s;
	struct probe *p;
	struct srv srv;

	(void)state;
	assert_true(srv_start(&srv, AF_INET, SRV_HTTP));
	load_spec(&s, AF_INET, srv.port, "HTTP/1.1 500", 2, 0.3);
	assert_int_equal(probe_start(&p, &s, mono()), 0);
	assert_int_equal(drive(p, NULL), PROBE_FAIL);
	assert_string_equal(probe_error(p), "timeout after 0.3s waiting for "
			    "\"HTTP/1.1 500\" (request 1 of 2)");
	assert_true(probe_rtt(p) > 0);		/* it did connect */
	assert_true(isnan(probe_latency(p)));
	probe_free(p);
	srv_stop(&srv);
	assert_int_equal(srv.requests, 1);
}

static void test_load_silent_timeout(void **state)
{
	struct probe *p;
	struct srv srv;
	double t;

	(void)state;
	assert_true(srv_start(&srv, AF_INET, SRV_SILENT));
	{
		struct probe_spec s;

		load_spec(&s, AF_INET, srv.port, "HTTP/1.1 200", 1, 0.2);
		assert_int_equal(probe_start(&p, &s, mono()), 0);
	}
	assert_int_equal(drive(p, &t), PROBE_FAIL);
	assert_true(t >= 0.2 && t < 1.0);
	assert_string_equal(probe_error(p), "timeout after 0.2s waiting for "
			    "\"HTTP/1.1 200\"");
	probe_free(p);
	srv_stop(&srv);
}

static void test_load_closed_early(void **state)
{
	struct probe *p;
	struct srv srv;
	char *err;

	(void)state;
	srv_start(&srv, AF_INET, SRV_CLOSE);
	{
		struct probe_spec s;

		load_spec(&s, AF_INET, srv.port, "HTTP/1.1 200", 1, 2);
		assert_int_equal(probe_start(&p, &s, mono()), 0);
	}
	assert_int_equal(drive(p, NULL), PROBE_FAIL);
	err = strdup(probe_error(p));
	probe_free(p);
	srv_stop(&srv);
	assert_string_equal(err, "connection closed after 0 bytes, before "
			    "\"HTTP/1.1 200\"");
	free(err);
}

static void test_load_reset(void **state)
{
	struct probe *p;
	struct srv srv;
	char *err;

	(void)state;
	srv_start(&srv, AF_INET, SRV_RESET);
	{
		struct probe_spec s;

		load_spec(&s, AF_INET, srv.port, "HTTP/1.1 200", 1, 2);
		assert_int_equal(probe_start(&p, &s, mono()), 0);
	}
	assert_int_equal(drive(p, NULL), PROBE_FAIL);
	err = strdup(probe_error(p));
	probe_free(p);
	srv_stop(&srv);
	assert_string_equal(err, "recv: Connection reset by peer");
	free(err);
}

static void test_load_flood(void **state)
{
	struct probe *p;
	struct srv srv;
	double t;
	char *err;

	(void)state;
	srv_start(&srv, AF_INET, SRV_FLOOD);
	{
		struct probe_spec s;

		load_spec(&s, AF_INET, srv.port, "HTTP/1.1 200", 1, 3);
		assert_int_equal(probe_start(&p, &s, mono()), 0);
	}
	assert_int_equal(drive(p, &t), PROBE_FAIL);
	err = strdup(probe_error(p));
	probe_free(p);
	srv_stop(&srv);
	assert_string_equal(err, "reply over 64 KiB without \"HTTP/1.1 200\"");
	assert_true(t < 3);		/* at once, not at the deadline */
	free(err);
}

/* ---- the spec ------------------------------------------------------- */

static void test_none_and_bad_specs(void **state)
{
	struct probe_spec s;
	struct probe *p = (struct probe *)&s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.kind = VCFG_PROBE_NONE;
	s.timeout = 1;
	assert_int_equal(probe_start(&p, &s, 5), 0);
	assert_int_equal(probe_result(p), PROBE_OK);
	assert_int_equal(probe_fd(p), -1);
	assert_int_equal(probe_step(p, 0, 100), PROBE_OK);
	assert_true(isnan(probe_rtt(p)));
	assert_near(probe_deadline(p), 6, 0);
	probe_free(p);
	probe_free(NULL);

	load_spec(&s, AF_INET, 80, "x", 1, 0);
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	assert_null(p);
	s.timeout = NAN;
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	load_spec(&s, AF_INET, 80, "x", 0, 1);
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	load_spec(&s, AF_INET, 80, "x", 1, 1);
	s.request_len = 0;
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	load_spec(&s, AF_INET, 0, "x", 1, 1);
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	load_spec(&s, AF_INET, 80, "x", 1, 1);
	s.kind = VCFG_PROBE_TCP;
	s.addr.family = AF_UNIX;
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
	s.addr.family = AF_INET;
	s.kind = (enum vcfg_probe)7;
	assert_int_equal(probe_start(&p, &s, 0), -EINVAL);
}

/* Many probes in one poll set, as veerd runs them. */
static void test_concurrent(void **state)
{
	struct probe_spec s = { .kind = VCFG_PROBE_TCP, .timeout = 1 };
	struct probe *p[8];
	struct pollfd pfd[8];
	struct srv srv;
	size_t i, live;
	double t0 = mono();

	(void)state;
	srv_start(&srv, AF_INET, SRV_LISTEN);
	loopback(AF_INET, &s.addr, srv.port);
	for (i = 0; i < 8; i++)
		assert_int_equal(probe_start(&p[i], &s, mono()), 0);
	do {
		assert_true(mono() - t0 < SAFETY);
		for (i = 0; i < 8; i++) {
			pfd[i].fd = probe_fd(p[i]);	/* -1: ignored */
			pfd[i].events = probe_events(p[i]);
			pfd[i].revents = 0;
		}
		assert_true(poll(pfd, 8, 1000) >= 0);
		for (i = live = 0; i < 8; i++)
			if (probe_step(p[i], pfd[i].revents, mono()) ==
			    PROBE_RUNNING)
				live++;
	} while (live);
	for (i = 0; i < 8; i++) {
		assert_int_equal(probe_result(p[i]), PROBE_OK);
		probe_free(p[i]);
	}
	srv_stop(&srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_ok_v4),
		cmocka_unit_test(test_tcp_ok_v6),
		cmocka_unit_test(test_tcp_refused),
		cmocka_unit_test(test_load_ok_v4),
		cmocka_unit_test(test_load_ok_v6),
		cmocka_unit_test(test_load_expect_across_reads),
		cmocka_unit_test(test_load_wrong_expect),
		cmocka_unit_test(test_load_silent_timeout),
		cmocka_unit_test(test_load_closed_early),
		cmocka_unit_test(test_load_reset),
		cmocka_unit_test(test_load_flood),
		cmocka_unit_test(test_none_and_bad_specs),
		cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests_name("veerd_probe", tests, NULL, NULL);
}
