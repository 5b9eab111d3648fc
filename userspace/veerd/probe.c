// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c: non-blocking health probes (probe.h).
 *
 * A small state machine per probe: CONNECT -> done for TCP probes, and
 * CONNECT -> (SEND -> RECV) x count -> done for load probes.  Each call of
 * probe_step() runs it until a syscall would block, or until a request is
 * sent: times are differences of the callers' `now`, so what they measure
 * (connect, round) must end on a later step than it started.
 *
 * Replies are not kept: matching `expect` across reads only needs the last
 * strlen(expect) - 1 bytes of what came before, so a probe holds a
 * PROBE_CHUNK read buffer, not PROBE_REPLY_MAX bytes.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#define PROBE_CHUNK	4096	/* bytes per recv() */

enum probe_state {
	P_CONNECT,
	P_SEND,
	P_RECV,
	P_DONE,
};

struct probe {
	int fd;
	enum vcfg_probe kind;
	enum probe_state state;
	enum probe_result result;
	double timeout, deadline;
	double start;			/* of the probe, then of the round */
	double rtt, lat_sum;
	unsigned int count, rounds;	/* asked, completed */
	size_t request_len, sent;
	size_t expect_len;
	size_t got;			/* bytes of this round's reply */
	size_t tail;			/* of them kept at the head of buf */
	char *request, *expect;		/* in the same allocation */
	char err[PROBE_ERROR_LEN];
	char buf[];			/* tail + PROBE_CHUNK */
};

/* Step outcome of one state: go on, or wait for poll(). */
enum { STEP_MORE, STEP_WAIT };

/* Seconds for messages: "0.2s", "1.0s", "2.5s". */
static void secs(char *dst, size_t n, double t)
{
	snprintf(dst, n, "%.3g", t);
	if (strspn(dst, "0123456789") == strlen(dst))
		snprintf(dst + strlen(dst), n - strlen(dst), ".0");
	snprintf(dst + strlen(dst), n - strlen(dst), "s");
}

/* `s` as a C string literal body, cut to about 40 characters. */
static void shown(char *dst, size_t n, const char *s, size_t len)
{
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < len && o + 8 < n && o < 40; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(dst + o, n - o, "\\%c", c);
		else if (c == '\r')
			o += (size_t)snprintf(dst + o, n - o, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(dst + o, n - o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(dst + o, n - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	dst[o] = 0;
	if (i < len)
		snprintf(dst + o, n - o, "...");
}

static void finish(struct probe *p, enum probe_result r)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->state = P_DONE;
	p->result = r;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	finish(p, PROBE_FAIL);
	return STEP_WAIT;
}

/* " (request 2 of 3)" when there are several rounds, else "". */
static void which_round(const struct probe *p, char *dst, size_t n)
{
	dst[0] = 0;
	if (p->count > 1)
		snprintf(dst, n, " (request %u of %u)", p->rounds + 1,
			 p->count);
}

/* What a load probe is waiting for, for messages. */
static void waiting_for(const struct probe *p, char *dst, size_t n)
{
	char e[64], round[48];

	which_round(p, round, sizeof(round));
	if (p->expect_len) {
		shown(e, sizeof(e), p->expect, p->expect_len);
		snprintf(dst, n, "\"%s\"%s", e, round);
	} else {
		snprintf(dst, n, "a reply%s", round);
	}
}

static int step_connect(struct probe *p, short revents, double now)
{
	socklen_t sl = sizeof(int);
	int err = 0;

	if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
		return STEP_WAIT;
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl))
		err = errno;
	if (err)
		return fail(p, "connect: %s", strerror(err));
	if (!(revents & POLLOUT))
		return fail(p, "connect: connection closed");
	p->rtt = now - p->start;
	if (p->kind == VCFG_PROBE_TCP) {
		finish(p, PROBE_OK);
		return STEP_WAIT;
	}
	p->state = P_SEND;
	p->start = now;
	p->sent = 0;
	return STEP_MORE;
}

static int step_send(struct probe *p)
{
	ssize_t n;

	n = send(p->fd, p->request + p->sent, p->request_len - p->sent,
		 MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EINTR)
			return STEP_MORE;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return STEP_WAIT;
		return fail(p, "send: %s", strerror(errno));
	}
	p->sent += (size_t)n;
	if (p->sent < p->request_len)
		return STEP_MORE;
	p->state = P_RECV;
	p->got = 0;
	p->tail = 0;
	/*
	 * The reply is read on a later step, with a later `now`: a reply that
	 * beat us to recv() here would otherwise measure 0 s.
	 */
	return STEP_WAIT;
}

static int step_recv(struct probe *p, double now)
{
	size_t room = PROBE_REPLY_MAX - p->got, have, keep;
	char w[80];
	ssize_t n;

	if (room > PROBE_CHUNK)
		room = PROBE_CHUNK;
	n = recv(p->fd, p->buf + p->tail, room, 0);
	if (n < 0) {
		if (errno == EINTR)
			return STEP_MORE;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return STEP_WAIT;
		return fail(p, "recv: %s", strerror(errno));
	}
	if (n == 0) {
		waiting_for(p, w, sizeof(w));
		return fail(p, "connection closed after %zu bytes, before %s",
			    p->got, w);
	}
	p->got += (size_t)n;
	have = p->tail + (size_t)n;
	if (!p->expect_len || memmem(p->buf, have, p->expect, p->expect_len)) {
		p->lat_sum += now - p->start;
		if (++p->rounds == p->count) {
			finish(p, PROBE_OK);
			return STEP_WAIT;
		}
		p->state = P_SEND;
		p->start = now;
		p->sent = 0;
		return STEP_MORE;
	}
	if (p->got >= PROBE_REPLY_MAX) {
		waiting_for(p, w, sizeof(w));
		return fail(p, "reply over %d KiB without %s",
			    PROBE_REPLY_MAX / 1024, w);
	}
	keep = p->expect_len - 1 < have ? p->expect_len - 1 : have;
	memmove(p->buf, p->buf + have - keep, keep);
	p->tail = keep;
	return STEP_MORE;
}

static void timed_out(struct probe *p)
{
	char t[32], w[80];

	secs(t, sizeof(t), p->timeout);
	switch (p->state) {
	case P_CONNECT:
		fail(p, "timeout after %s connecting", t);
		break;
	case P_SEND:
		which_round(p, w, sizeof(w));
		fail(p, "timeout after %s sending the request%s", t, w);
		break;
	case P_RECV:
		waiting_for(p, w, sizeof(w));
		fail(p, "timeout after %s waiting for %s", t, w);
		break;
	case P_DONE:
		break;
	}
}

enum probe_result probe_step(struct probe *p, short revents, double now)
{
	int r = STEP_MORE;

	while (r == STEP_MORE) {
		switch (p->state) {
		case P_CONNECT:
			r = step_connect(p, revents, now);
			break;
		case P_SEND:
			r = step_send(p);
			break;
		case P_RECV:
			r = step_recv(p, now);
			break;
		case P_DONE:
			r = STEP_WAIT;
			break;
		}
	}
	if (p->state != P_DONE && now >= p->deadline)
		timed_out(p);
	return p->result;
}

static int spec_check(const struct probe_spec *s)
{
	if (!(s->timeout > 0) || !isfinite(s->timeout))
		return -EINVAL;
	switch (s->kind) {
	case VCFG_PROBE_NONE:
		return 0;
	case VCFG_PROBE_LOAD:
		if (!s->request || !s->request_len || !s->count)
			return -EINVAL;
		/* fall through */
	case VCFG_PROBE_TCP:
		if ((s->addr.family != AF_INET && s->addr.family != AF_INET6) ||
		    !s->addr.port)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static socklen_t sockaddr_of(const struct vcfg_addr *a,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		memcpy(&s4->sin_addr, a->addr, 4);
		return sizeof(*s4);
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(a->port);
	memcpy(&s6->sin6_addr, a->addr, 16);
	return sizeof(*s6);
}

int probe_start(struct probe **pp, const struct probe_spec *s, double now)
{
	struct sockaddr_storage ss;
	size_t elen = 0, rlen = 0, blen = 0;
	struct probe *p;
	socklen_t sl;
	int err;

	*pp = NULL;
	err = spec_check(s);
	if (err)
		return err;
	if (s->kind == VCFG_PROBE_LOAD) {
		rlen = s->request_len;
		elen = s->expect ? strlen(s->expect) : 0;
		blen = (elen ? elen - 1 : 0) + PROBE_CHUNK;
	}
	p = calloc(1, sizeof(*p) + blen + rlen + elen);
	if (!p)
		return -ENOMEM;
	p->fd = -1;
	p->kind = s->kind;
	p->timeout = s->timeout;
	p->start = now;
	p->deadline = now + s->timeout;
	p->rtt = NAN;
	p->count = s->count;
	p->request = p->buf + blen;
	p->expect = p->request + rlen;
	p->request_len = rlen;
	p->expect_len = elen;
	if (rlen)
		memcpy(p->request, s->request, rlen);
	if (elen)
		memcpy(p->expect, s->expect, elen);
	if (s->kind == VCFG_PROBE_NONE) {
		finish(p, PROBE_OK);
		*pp = p;
		return 0;
	}

	p->fd = socket(s->addr.family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		err = -errno;
		free(p);
		return err;
	}
	p->state = P_CONNECT;
	p->result = PROBE_RUNNING;
	sl = sockaddr_of(&s->addr, &ss);
	/*
	 * Even a connect() that completes at once is left to poll(), which
	 * reports it writable straight away: one code path, and the RTT is
	 * measured on the caller's clock like every other.
	 */
	if (connect(p->fd, (struct sockaddr *)&ss, sl) &&
	    errno != EINPROGRESS && errno != EINTR)
		fail(p, "connect: %s", strerror(errno));
	*pp = p;
	return 0;
}

int probe_fd(const struct probe *p)
{
	return p->fd;
}

short probe_events(const struct probe *p)
{
	switch (p->state) {
	case P_CONNECT:
	case P_SEND:
		return POLLOUT;
	case P_RECV:
		return POLLIN;
	case P_DONE:
		break;
	}
	return 0;
}

enum probe_result probe_result(const struct probe *p)
{
	return p->result;
}

double probe_deadline(const struct probe *p)
{
	return p->deadline;
}

double probe_rtt(const struct probe *p)
{
	return p->rtt;
}

double probe_latency(const struct probe *p)
{
	return p->rounds ? p->lat_sum / p->rounds : NAN;
}

const char *probe_error(const struct probe *p)
{
	return p->err;
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}
