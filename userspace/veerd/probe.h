/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probe.h: non-blocking health probes of destination hosts.
 *
 * A probe is one TCP connection driven by the daemon's poll() loop: no
 * threads, no blocking calls, no sleeps.  The loop polls probe_fd() for
 * probe_events(), calls probe_step() when poll() reports something on it
 * or when probe_deadline() has passed, and frees the probe once
 * probe_step() returns anything but PROBE_RUNNING:
 *
 *	probe_start(&p, &spec, now);
 *	while (probe_result(p) == PROBE_RUNNING) {
 *		poll {probe_fd(p), probe_events(p)} until probe_deadline(p);
 *		probe_step(p, revents or 0, now);
 *	}
 *	health_update(&h, probe_result(p) == PROBE_OK, rise, fall);
 *	probe_free(p);
 *
 * Kinds (enum vcfg_probe):
 *   VCFG_PROBE_NONE  no check: probe_start() gives a probe that is already
 *                    PROBE_OK, with no socket, so the loop needs no
 *                    special case
 *   VCFG_PROBE_TCP   OK once the connection is established; the connect
 *                    time is an RTT sample (probe_rtt())
 *   VCFG_PROBE_LOAD  connect, then `count` rounds in sequence: send the
 *                    request, read until the reply contains `expect`
 *                    (anywhere; an empty expect takes any byte).  What
 *                    arrives after the match is dropped with the round,
 *                    so a reply is not carried into the next one.
 *                    probe_latency() is the mean round time.
 *
 * One deadline covers the whole probe: connect and every round.  A probe
 * fails on the deadline, a refused or reset connection, the peer closing
 * before the expected reply, or a reply of more than PROBE_REPLY_MAX bytes
 * without the expected text; probe_error() says which in words.
 *
 * Times are seconds on the caller's clock (CLOCK_MONOTONIC in veerd):
 * measurements are differences of the `now` values passed in, so they
 * include however late the loop calls probe_step().  A connect or a reply
 * is only ever seen on a later step than the one that began it, so a
 * measured time is never 0.
 *
 * Sockets are SOCK_NONBLOCK | SOCK_CLOEXEC and sends use MSG_NOSIGNAL: a
 * probe never raises SIGPIPE.  The socket is closed as soon as the probe
 * finishes.
 */
#ifndef VEERD_PROBE_H
#define VEERD_PROBE_H

#include <stddef.h>

#include "config.h"

#define PROBE_REPLY_MAX		(64 * 1024)	/* bytes per round */
#define PROBE_ERROR_LEN		160

struct probe;

struct probe_spec {
	struct vcfg_addr addr;		/* port must be set */
	enum vcfg_probe kind;
	const char *request;		/* VCFG_PROBE_LOAD: sent each round */
	size_t request_len;		/* > 0 for VCFG_PROBE_LOAD */
	const char *expect;		/* NULL or "": any reply */
	unsigned int count;		/* rounds, >= 1 for VCFG_PROBE_LOAD */
	double timeout;			/* seconds, > 0: the whole probe */
};

enum probe_result {
	PROBE_RUNNING,
	PROBE_OK,
	PROBE_FAIL,
};

/*
 * Start a probe at time `now`.  The request and expect strings are copied,
 * so the spec need not outlive the call.  Returns 0 or a negative errno:
 * -EINVAL for a bad spec, -ENOMEM, or socket()'s error (-EMFILE, ...).
 * A connect() that fails at once (-ENETUNREACH, ...) is not an error of
 * the call: it is the probe's result, PROBE_FAIL with its reason.
 */
int probe_start(struct probe **pp, const struct probe_spec *s, double now);

/* The socket to poll and for what; -1 and 0 once the probe is finished. */
int probe_fd(const struct probe *p);
short probe_events(const struct probe *p);

/*
 * Make progress: `revents` from poll() (0 when it timed out).  Does all
 * the I/O it can without blocking, then fails the probe if `now` is past
 * its deadline.  A finished probe just returns its result.
 */
enum probe_result probe_step(struct probe *p, short revents, double now);

enum probe_result probe_result(const struct probe *p);

/* When the probe fails if it has not finished: start + timeout. */
double probe_deadline(const struct probe *p);

/* Connect time, seconds; NaN until connected (and for VCFG_PROBE_NONE). */
double probe_rtt(const struct probe *p);

/* Mean time of the completed request rounds, seconds; NaN when none. */
double probe_latency(const struct probe *p);

/* Why the probe failed, e.g. "connect: Connection refused"; "" if not. */
const char *probe_error(const struct probe *p);

/* Close the socket (if still open) and free; NULL is fine. */
void probe_free(struct probe *p);

#endif /* VEERD_PROBE_H */
