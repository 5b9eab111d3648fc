// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer: the command-line interface of veer (iproute2 grammar).
 *
 *   veer [ OPTIONS ] OBJECT { COMMAND | help }
 *
 * Exit status: 0 success, 1 usage or argument error, 2 kernel/netlink error.
 *
 * This file holds main() and the commands, which call libveer; parsing of
 * words (parse.c), the objects' grammar and printers (objects.c) and the
 * print layer (print.c) live apart so that the unit tests can link them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libveer.h"
#include "objects.h"
#include "parse.h"
#include "print.h"

#ifndef VEER_VERSION
#define VEER_VERSION LIBVEER_VERSION
#endif

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_KERNEL = 2,
};

static struct {
	bool json;
	bool pretty;
	int stats;
	const char *netns;
	struct veer_handle *h;
} cli;

/* ---- errors ---------------------------------------------------------- */

/* `veer: <strerror>: <extack>` and the exit status of kernel errors. */
static int kernel_err(int err, const char *msg)
{
	if (msg && *msg)
		cli_err("%s: %s", strerror(-err), msg);
	else
		cli_err("%s", strerror(-err));
	return EXIT_KERNEL;
}

static int handle_err(int err)
{
	return kernel_err(err, veer_last_error_msg(cli.h));
}

/* Print the kernel's warning, if a successful request carried one. */
static void warn_ok(void)
{
	const char *msg = veer_last_error_msg(cli.h);

	if (msg && *msg)
		cli_err("warning: %s", msg);
}

static int open_handle(void)
{
	int err;

	if (cli.h)
		return 0;
	err = veer_open(&cli.h, cli.netns);
	if (err < 0) {
		const char *msg = veer_last_error_msg(NULL);

		/* libveer's own messages already say what failed. */
		if (msg && *msg)
			cli_err("%s", msg);
		else
			cli_err("cannot open: %s", strerror(-err));
		return -1;
	}
	return 0;
}

/* Map a parser's result to an exit status (or -1: go on). */
static int arg_result(int r, void (*usage)(FILE *))
{
	switch (r) {
	case ARG_OK:
		return -1;
	case ARG_HELP:
		usage(stdout);
		return EXIT_OK;
	case ARG_USAGE:
		usage(stderr);
		return EXIT_USAGE;
	default:
		return EXIT_USAGE;
	}
}

static int finish(void)
{
	if (print_finish() < 0 || ferror(stdout)) {
		cli_err("error writing the output");
		return EXIT_KERNEL;
	}
	return EXIT_OK;
}

static enum veer_action action_of(const char *cmd)
{
	if (!strcmp(cmd, "add"))
		return VEER_ACT_ADD;
	if (!strcmp(cmd, "change"))
		return VEER_ACT_CHANGE;
	if (!strcmp(cmd, "del"))
		return VEER_ACT_DEL;
	return VEER_ACT_NONE;
}

static int unknown_cmd(const char *obj, const char *cmd, void (*usage)(FILE *))
{
	cli_err("unknown command \"%s\" for %s", cmd, obj);
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- service ----------------------------------------------------------- */

static int show_service_cb(const struct veer_service *s, void *arg)
{
	(void)arg;
	print_service(s, cli.stats > 0);
	return 0;
}

static int do_service(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	enum veer_action act = action_of(cmd);
	char name[VEER_NAME_LEN];
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_service(stdout);
		return EXIT_OK;
	}
	if (act == VEER_ACT_ADD || act == VEER_ACT_CHANGE) {
		struct veer_service s;

		r = arg_result(parse_service_args(argc, argv, act, &s),
			       usage_service);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = act == VEER_ACT_ADD ? veer_service_add(cli.h, &s) :
					    veer_service_change(cli.h, &s);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (act == VEER_ACT_DEL) {
		r = arg_result(parse_service_key(argc, argv, false, name),
			       usage_service);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_service_del(cli.h, name);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		r = arg_result(parse_service_key(argc, argv, true, name),
			       usage_service);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		if (name[0]) {
			struct veer_service s;

			err = veer_service_get(cli.h, name, &s);
			if (err < 0)
				return handle_err(err);
			open_json_array(NULL);
			print_service(&s, cli.stats > 0);
			close_json_array();
		} else {
			open_json_array(NULL);
			err = veer_service_dump(cli.h, show_service_cb, NULL);
			close_json_array();
			if (err < 0) {
				print_finish();
				return handle_err(err);
			}
		}
		return finish();
	}
	return unknown_cmd("service", cmd, usage_service);
}

/* ---- host -------------------------------------------------------------- */

static int show_host_cb(const struct veer_host *h, void *arg)
{
	(void)arg;
	print_host(h, cli.stats > 0);
	return 0;
}

static int do_host(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	enum veer_action act = action_of(cmd);
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_host(stdout);
		return EXIT_OK;
	}
	if (act != VEER_ACT_NONE) {
		struct veer_host h;

		r = arg_result(parse_host_args(argc, argv, act, &h), usage_host);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		if (act == VEER_ACT_ADD)
			err = veer_host_add(cli.h, &h);
		else if (act == VEER_ACT_CHANGE)
			err = veer_host_change(cli.h, &h);
		else
			err = veer_host_del(cli.h, &h);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		char service[VEER_NAME_LEN];

		r = arg_result(parse_host_show(argc, argv, service), usage_host);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		open_json_array(NULL);
		err = veer_host_dump(cli.h, service[0] ? service : NULL,
				     show_host_cb, NULL);
		close_json_array();
		if (err < 0) {
			print_finish();
			return handle_err(err);
		}
		return finish();
	}
	return unknown_cmd("host", cmd, usage_host);
}

/* ---- peer -------------------------------------------------------------- */

static int show_peer_cb(const struct veer_peer *p, void *arg)
{
	(void)arg;
	print_peer(p);
	return 0;
}

static int do_peer(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	enum veer_action act = action_of(cmd);
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_peer(stdout);
		return EXIT_OK;
	}
	if (act != VEER_ACT_NONE) {
		struct veer_peer p;

		r = arg_result(parse_peer_args(argc, argv, act, &p), usage_peer);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		if (act == VEER_ACT_ADD)
			err = veer_peer_add(cli.h, &p);
		else if (act == VEER_ACT_CHANGE)
			err = veer_peer_change(cli.h, &p);
		else
			err = veer_peer_del(cli.h, &p);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		r = arg_result(parse_no_args("peer show", argc, argv),
			       usage_peer);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		open_json_array(NULL);
		err = veer_peer_dump(cli.h, show_peer_cb, NULL);
		close_json_array();
		if (err < 0) {
			print_finish();
			return handle_err(err);
		}
		return finish();
	}
	return unknown_cmd("peer", cmd, usage_peer);
}

/* ---- key --------------------------------------------------------------- */

static int do_key(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	struct veer_keys ks;
	struct key_args k;
	int r, err = 0, i;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_key(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "set")) {
		r = arg_result(parse_key_set(argc, argv, &k), usage_key);
		/* Shorten the time the secret shows in the process list. */
		for (i = 0; i + 1 < argc; i++)
			if (!strcmp(argv[i], "secret"))
				explicit_bzero(argv[i + 1], strlen(argv[i + 1]));
		if (r < 0)
			err = open_handle() < 0 ? 1 :
			      veer_key_set(cli.h, k.action, k.epoch, k.secret);
		explicit_bzero(&k, sizeof(k));
		if (r >= 0)
			return r;
		if (err > 0)
			return EXIT_KERNEL;
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "rotate") || !strcmp(cmd, "flush")) {
		r = arg_result(parse_no_args(cmd, argc, argv), usage_key);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_key_set(cli.h, !strcmp(cmd, "rotate") ?
				   VEER_KEY_ACT_ROTATE : VEER_KEY_ACT_FLUSH,
				   0, NULL);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		r = arg_result(parse_no_args("key show", argc, argv), usage_key);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_key_get(cli.h, &ks);
		if (err < 0)
			return handle_err(err);
		print_keys(&ks);
		return finish();
	}
	return unknown_cmd("key", cmd, usage_key);
}

/* ---- service names of flows and aggregates ----------------------------- */

/*
 * Flows and aggregates carry a service id; the CLI prints its name, from a
 * service dump.  Commands that print from inside a dump (flows are streamed)
 * take it before and freeze it: the handle is busy with the dump.  The
 * monitor takes it when the first id comes, and again (at most once a
 * second) when an id is unknown: a service added meanwhile.
 */
static struct {
	struct svc_name {
		uint32_t id;
		char name[VEER_NAME_LEN];
	} *v;
	size_t n, cap;
	struct timespec loaded;
	bool tried;
	bool frozen;
} svcs;

static int svc_names_cb(const struct veer_service *s, void *arg)
{
	(void)arg;
	if (!(s->present & VEER_SVC_P_ID))
		return 0;
	if (svcs.n == svcs.cap) {
		size_t cap = svcs.cap ? 2 * svcs.cap : 16;
		struct svc_name *v = realloc(svcs.v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		svcs.v = v;
		svcs.cap = cap;
	}
	svcs.v[svcs.n].id = s->id;
	memcpy(svcs.v[svcs.n].name, s->name, sizeof(s->name));
	svcs.n++;
	return 0;
}

static const char *svc_name_of(uint32_t id);

static void svc_names_load(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (svcs.frozen || (svcs.tried && now.tv_sec - svcs.loaded.tv_sec < 1))
		return;
	svcs.tried = true;
	svcs.loaded = now;
	svcs.n = 0;
	/* Names are a nicety: without them, ids are printed. */
	if (open_handle() == 0 &&
	    veer_service_dump(cli.h, svc_names_cb, NULL) < 0)
		svcs.n = 0;
}

/* Names for a command: loaded now, never reloaded while it prints. */
static void svc_names_freeze(void)
{
	svc_names_load();
	svcs.frozen = true;
	print_set_svc_resolver(svc_name_of);
}

static const char *svc_name_lookup(uint32_t id)
{
	size_t i;

	for (i = 0; i < svcs.n; i++)
		if (svcs.v[i].id == id)
			return svcs.v[i].name;
	return NULL;
}

static const char *svc_name_of(uint32_t id)
{
	const char *name = svc_name_lookup(id);

	if (name || !id)
		return name;
	svc_names_load();
	return svc_name_lookup(id);
}

/* A service's id from its name (the kernel says when there is none). */
static int svc_id_of(const char *name, uint32_t *id)
{
	struct veer_service s;
	int err;

	err = veer_service_get(cli.h, name, &s);
	if (err < 0)
		return handle_err(err);
	if (!(s.present & VEER_SVC_P_ID)) {
		cli_err("the kernel did not give service \"%s\"'s id", name);
		return EXIT_KERNEL;
	}
	*id = s.id;
	return -1;
}

/* ---- flow -------------------------------------------------------------- */

static int show_flow_cb(const struct veer_flow *f, void *arg)
{
	(void)arg;
	print_flow(f, cli.stats > 0);
	return ferror(stdout) ? -EPIPE : 0;
}

static int do_flow(int argc, char **argv)
{
	const char *cmd = "show";
	int r, err;

	if (argc > 0 && (!strcmp(*argv, "show") || !strcmp(*argv, "get") ||
			 !strcmp(*argv, "lease") || !strcmp(*argv, "help"))) {
		cmd = *argv;
		argc--;
		argv++;
	} else if (argc > 0 && strcmp(*argv, "service") &&
		   strcmp(*argv, "level") && strcmp(*argv, "addr")) {
		return unknown_cmd("flow", *argv, usage_flow);
	}
	if (!strcmp(cmd, "help")) {
		usage_flow(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		struct veer_flow_filter flt;
		char service[VEER_NAME_LEN];

		r = arg_result(parse_flow_show(argc, argv, service, &flt),
			       usage_flow);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		if (service[0]) {
			r = svc_id_of(service, &flt.svc_id);
			if (r >= 0)
				return r;
			flt.present |= VEER_FLOW_F_SVC_ID;
		}
		svc_names_freeze();
		open_json_array(NULL);
		err = veer_flow_dump(cli.h, &flt, show_flow_cb, NULL);
		close_json_array();
		if (err == -EPIPE)
			return finish();
		if (err < 0) {
			print_finish();
			return handle_err(err);
		}
		return finish();
	}
	if (!strcmp(cmd, "get")) {
		struct veer_flow_key key;
		struct veer_flow f;

		r = arg_result(parse_flow_get(argc, argv, &key), usage_flow);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_flow_get(cli.h, &key, &f);
		if (err < 0)
			return handle_err(err);
		svc_names_freeze();
		print_flow(&f, true);
		return finish();
	}
	{
		struct veer_flow_key key;
		struct veer_lease lease;

		r = arg_result(parse_flow_lease(argc, argv, &key, &lease),
			       usage_flow);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_flow_set_lease(cli.h, &key, &lease);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
}

/* ---- aggregate --------------------------------------------------------- */

static int show_agg_cb(const struct veer_agg *a, void *arg)
{
	(void)arg;
	print_agg(a);
	return 0;
}

/* The rest of an aggregate's key: its service's id, a subnet's prefix. */
static int agg_key_complete(struct veer_agg *key, const char *service)
{
	int r;

	if (service[0]) {
		r = svc_id_of(service, &key->svc_id);
		if (r >= 0)
			return r;
		key->present |= VEER_AGG_P_SVC_ID;
	}
	if (key->level == VEER_LEVEL_SUBNET &&
	    !(key->present & VEER_AGG_P_PREFIX_LEN)) {
		struct veer_config c;
		int err = veer_config_get(cli.h, &c);
		uint64_t bit = key->family == AF_INET ?
			       VEER_CFG_P_SUBNET_PREFIX4 :
			       VEER_CFG_P_SUBNET_PREFIX6;

		if (err < 0)
			return handle_err(err);
		if (!(c.present & bit)) {
			cli_err("the kernel did not give the subnet prefix length");
			return EXIT_KERNEL;
		}
		key->prefix_len = key->family == AF_INET ? c.subnet_prefix4 :
							   c.subnet_prefix6;
		key->present |= VEER_AGG_P_PREFIX_LEN;
		addr_mask(key->family, &key->addr, key->prefix_len);
	}
	return -1;
}

static int do_aggregate(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	char service[VEER_NAME_LEN];
	struct veer_agg key;
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_aggregate(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		r = arg_result(parse_no_args("aggregate show", argc, argv),
			       usage_aggregate);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		svc_names_freeze();
		open_json_array(NULL);
		err = veer_agg_dump(cli.h, show_agg_cb, NULL);
		close_json_array();
		if (err < 0) {
			print_finish();
			return handle_err(err);
		}
		return finish();
	}
	if (!strcmp(cmd, "get")) {
		struct veer_agg a;

		r = arg_result(parse_agg_get(argc, argv, &key, service),
			       usage_aggregate);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		r = agg_key_complete(&key, service);
		if (r >= 0)
			return r;
		err = veer_agg_get(cli.h, &key, &a);
		if (err < 0)
			return handle_err(err);
		svc_names_freeze();
		print_agg(&a);
		return finish();
	}
	if (!strcmp(cmd, "lease")) {
		struct veer_lease lease;

		r = arg_result(parse_agg_lease(argc, argv, &key, service,
					       &lease), usage_aggregate);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		r = agg_key_complete(&key, service);
		if (r >= 0)
			return r;
		err = veer_agg_set_lease(cli.h, &key, &lease);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	return unknown_cmd("aggregate", cmd, usage_aggregate);
}

/* ---- config, stats ----------------------------------------------------- */

static int do_config(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_config(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "set")) {
		struct veer_config c;

		r = arg_result(parse_config_set(argc, argv, &c), usage_config);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_config_set(cli.h, &c);
		if (err < 0)
			return handle_err(err);
		warn_ok();
		return EXIT_OK;
	}
	if (!strcmp(cmd, "show")) {
		struct veer_config c;

		r = arg_result(parse_no_args("config show", argc, argv),
			       usage_config);
		if (r >= 0)
			return r;
		if (open_handle() < 0)
			return EXIT_KERNEL;
		err = veer_config_get(cli.h, &c);
		if (err < 0)
			return handle_err(err);
		print_config(&c);
		return finish();
	}
	return unknown_cmd("config", cmd, usage_config);
}

static int do_stats(int argc, char **argv)
{
	const char *cmd = argc > 0 ? *argv : "show";
	struct veer_stats st;
	int r, err;

	if (argc > 0) {
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "help")) {
		usage_stats(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "show"))
		return unknown_cmd("stats", cmd, usage_stats);
	r = arg_result(parse_no_args("stats show", argc, argv), usage_stats);
	if (r >= 0)
		return r;
	if (open_handle() < 0)
		return EXIT_KERNEL;
	err = veer_stats_get(cli.h, &st);
	if (err < 0)
		return handle_err(err);
	print_stats(&st);
	return finish();
}

/* ---- monitor ----------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int event_cb(const struct veer_event *ev, void *arg)
{
	unsigned int mask = *(unsigned int *)arg;

	if (!(mask & (1U << ev->object)))
		return 0;
	print_event(ev, cli.stats > 0);
	fflush(stdout);
	return ferror(stdout) ? -EPIPE : 0;
}

static int do_monitor(int argc, char **argv)
{
	struct veer_monitor *m;
	struct sigaction sa;
	sigset_t block, orig;
	unsigned int mask;
	struct pollfd pfd;
	int r, err, fd;

	r = arg_result(parse_monitor_args(argc, argv, &mask), usage_monitor);
	if (r >= 0)
		return r;

	err = veer_monitor_open_groups(&m, cli.netns,
				       (mask & MON_OBJECTS ? VEER_MON_EVENTS : 0) |
				       (mask & MON_FLOWS ? VEER_MON_FLOWS : 0));
	if (err < 0) {
		const char *msg = veer_last_error_msg(NULL);

		if (msg && *msg)
			cli_err("%s", msg);
		else
			cli_err("cannot open the monitor: %s", strerror(-err));
		return EXIT_KERNEL;
	}
	fd = veer_monitor_fd(m);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

	/*
	 * SIGINT/SIGTERM are blocked except inside ppoll(), so a signal can
	 * never slip in between the check of stop_signal and the wait.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);

	/* One line per event: JSON whatever -p says, text with -s too. */
	print_init(stdout, cli.json, false);
	print_set_one_line(true);
	if (mask & MON_FLOWS)
		print_set_svc_resolver(svc_name_of);

	r = EXIT_OK;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop_signal) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			cli_err("poll: %s", strerror(errno));
			r = EXIT_KERNEL;
			break;
		}
		for (;;) {
			err = veer_monitor_recv(m, event_cb, &mask);
			if (err == -EAGAIN || err == -EWOULDBLOCK)
				break;
			if (err == -ENOBUFS || err == -EBADMSG) {
				/* Say so and go on. */
				cli_err("%s", veer_monitor_error_msg(m));
				continue;
			}
			if (err == -EPIPE) {
				stop_signal = SIGPIPE;
				break;
			}
			if (err < 0) {
				r = kernel_err(err, veer_monitor_error_msg(m));
				stop_signal = -1;
				break;
			}
		}
	}
	veer_monitor_close(m);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return r;
}

/* ---- policy, predict: what veerd believes ------------------------------ */

#define VEERD_STATE_DIR "/run/veer"

/*
 * veerd writes <dir>/{policy,predict}.{txt,json} at the end of every cycle
 * (userspace/veerd/vd_publish.c); print the one asked for, and say so when
 * it is stale, i.e. older than three of veerd's cycles (and 10 s).
 */
static int show_state(const char *what, int argc, char **argv)
{
	const char *dir = VEERD_STATE_DIR, *p;
	char path[4096], buf[65536];
	double interval = 1, age;
	struct stat st;
	size_t n;
	FILE *f;

	if (argc > 0 && !strcmp(*argv, "show")) {
		argc--;
		argv++;
	}
	while (argc > 0) {
		if (!strcmp(*argv, "help")) {
			usage_policy(stdout);
			return EXIT_OK;
		}
		if (strcmp(*argv, "state-dir") || argc < 2 || !argv[1][0]) {
			cli_err("%s \"%s\"", strcmp(*argv, "state-dir") ?
				"unknown argument" : "missing directory after",
				*argv);
			usage_policy(stderr);
			return EXIT_USAGE;
		}
		dir = argv[1];
		argc -= 2;
		argv += 2;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", dir, what,
			     cli.json ? "json" : "txt") >= sizeof(path)) {
		cli_err("state directory name too long");
		return EXIT_USAGE;
	}
	f = fopen(path, "re");
	if (!f) {
		cli_err("cannot read %s: %s%s", path, strerror(errno),
			errno == ENOENT ? " (is veerd running? veerd -s DIR "
					  "writes elsewhere)" : "");
		return EXIT_KERNEL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	p = strstr(buf, cli.json ? "\"interval\": " : " interval ");
	if (p)
		interval = strtod(p + (cli.json ? 12 : 10), NULL);
	if (!fstat(fileno(f), &st)) {
		age = difftime(time(NULL), st.st_mtime);
		if (age > 10 && age > 3 * interval)
			cli_err("warning: %s is %.0f s old (veerd cycles every %g s): is veerd still running?",
				path, age, interval);
	}
	do {
		fwrite(buf, 1, n, stdout);
	} while ((n = fread(buf, 1, sizeof(buf), f)) > 0);
	fclose(f);
	return ferror(stdout) || fflush(stdout) ? EXIT_KERNEL : EXIT_OK;
}

static int do_policy(int argc, char **argv)
{
	return show_state("policy", argc, argv);
}

static int do_predict(int argc, char **argv)
{
	return show_state("predict", argc, argv);
}

/* ---- main -------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	void (*usage)(FILE *f);
} objects[] = {
	{ "service", do_service, usage_service },
	{ "host", do_host, usage_host },
	{ "peer", do_peer, usage_peer },
	{ "key", do_key, usage_key },
	{ "flow", do_flow, usage_flow },
	{ "aggregate", do_aggregate, usage_aggregate },
	{ "config", do_config, usage_config },
	{ "stats", do_stats, usage_stats },
	{ "monitor", do_monitor, usage_monitor },
	{ "policy", do_policy, usage_policy },
	{ "predict", do_predict, usage_policy },
};

static bool opt_is(const char *arg, const char *s1, const char *s2,
		   const char *s3)
{
	return !strcmp(arg, s1) || (s2 && !strcmp(arg, s2)) ||
	       (s3 && !strcmp(arg, s3));
}

int main(int argc, char **argv)
{
	size_t i;
	int r;

	cli_errf = stderr;
	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		const char *opt = *argv;

		if (opt_is(opt, "-j", "-json", "--json")) {
			cli.json = true;
		} else if (opt_is(opt, "-p", "-pretty", "--pretty")) {
			/* as bpftool: pretty implies JSON */
			cli.json = cli.pretty = true;
		} else if (opt_is(opt, "-s", "-statistics", "--statistics") ||
			   opt_is(opt, "-stats", "--stats", NULL)) {
			cli.stats++;
		} else if (opt_is(opt, "-n", "-netns", "--netns")) {
			if (argc < 2) {
				cli_err("option \"%s\" needs a namespace name",
					opt);
				return EXIT_USAGE;
			}
			argc--;
			argv++;
			if (!argv[0][0]) {
				cli_err("invalid network namespace name \"\"");
				return EXIT_USAGE;
			}
			cli.netns = *argv;
		} else if (opt_is(opt, "-V", "-Version", "--version")) {
			printf("veer %s (libveer %s, netlink family %s version %d)\n",
			       VEER_VERSION, LIBVEER_VERSION, VEER_GENL_NAME,
			       VEER_GENL_VERSION);
			return EXIT_OK;
		} else if (opt_is(opt, "-h", "-help", "--help")) {
			usage_main(stdout);
			return EXIT_OK;
		} else if (!strcmp(opt, "--")) {
			argc--;
			argv++;
			break;
		} else {
			cli_err("unknown option \"%s\"", opt);
			usage_main(stderr);
			return EXIT_USAGE;
		}
	}

	if (argc < 1) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(*argv, "help")) {
		usage_main(stdout);
		return EXIT_OK;
	}

	print_init(stdout, cli.json, cli.pretty);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (strcmp(*argv, objects[i].name))
			continue;
		r = objects[i].fn(argc - 1, argv + 1);
		veer_close(cli.h);
		return r;
	}
	cli_err("unknown object \"%s\"", *argv);
	usage_main(stderr);
	return EXIT_USAGE;
}
