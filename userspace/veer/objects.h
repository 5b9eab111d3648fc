/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * veer CLI: the objects' argument parsers, printers and usage texts.
 * No netlink here (only libveer's structs and names): the unit tests link it.
 */
#ifndef VEER_OBJECTS_H
#define VEER_OBJECTS_H

#include <stdbool.h>
#include <stdio.h>

#include "libveer.h"
#include "parse.h"

/* Monitor filter bits: 1 << enum veer_object. */
#define MON_OBJECTS ((1U << VEER_OBJ_SERVICE) | (1U << VEER_OBJ_HOST) | \
		     (1U << VEER_OBJ_PEER) | (1U << VEER_OBJ_CONFIG))
#define MON_FLOWS (1U << VEER_OBJ_FLOW)
#define MON_ALL (MON_OBJECTS | MON_FLOWS)

/*
 * Parsers: argv holds the words after the command ("add", ...).  They
 * return ARG_OK, ARG_BAD, ARG_USAGE or ARG_HELP (see parse.h) and print
 * their own message.
 */
int parse_service_args(int argc, char **argv, enum veer_action act,
		       struct veer_service *s);
/* del NAME / show [ NAME ]: name[0] == '\0' when none (show only). */
int parse_service_key(int argc, char **argv, bool optional, char *name);
int parse_host_args(int argc, char **argv, enum veer_action act,
		    struct veer_host *h);
/* show [ service NAME ] */
int parse_host_show(int argc, char **argv, char *service);
int parse_peer_args(int argc, char **argv, enum veer_action act,
		    struct veer_peer *p);
int parse_config_set(int argc, char **argv, struct veer_config *c);
int parse_monitor_args(int argc, char **argv, unsigned int *mask);
/*
 * flow [ show ] [ service NAME ] [ level LEVEL ] [ addr ADDR ]: the filter
 * (level, addr) and the service's name (service[0] == '\0': none), which the
 * caller turns into VEER_FLOW_F_SVC_ID.
 */
int parse_flow_show(int argc, char **argv, char *service,
		    struct veer_flow_filter *f);
/* flow get TUPLE */
int parse_flow_get(int argc, char **argv, struct veer_flow_key *k);
/* flow lease TUPLE LEASE */
int parse_flow_lease(int argc, char **argv, struct veer_flow_key *k,
		     struct veer_lease *l);
/*
 * aggregate get KEY / aggregate lease KEY LEASE: the key but its service id
 * (service: the name, '\0' when none; the caller resolves it) and, at level
 * 3 without "/PLEN", its prefix length (VEER_AGG_P_PREFIX_LEN unset: the
 * caller takes the namespace's subnet prefix).  A level-3 address is masked
 * to its prefix.
 */
int parse_agg_get(int argc, char **argv, struct veer_agg *key, char *service);
int parse_agg_lease(int argc, char **argv, struct veer_agg *key, char *service,
		    struct veer_lease *l);
/* What `veer key set` asks for (rotate and flush take no arguments). */
struct key_args {
	unsigned int action;		/* VEER_KEY_ACT_SET or _NEXT */
	uint8_t epoch;
	uint8_t secret[VEER_KEY_LEN];
};
/* key set epoch N { secret HEX | secret-file PATH } [ next ] */
int parse_key_set(int argc, char **argv, struct key_args *k);
/* Accepts nothing but an optional "show" (stats, config, peer show). */
int parse_no_args(const char *what, int argc, char **argv);

/* Printers: the fields of one object (no surrounding JSON object). */
void print_service_fields(const struct veer_service *s, bool stats);
void print_host_fields(const struct veer_host *h, bool stats);
void print_peer_fields(const struct veer_peer *p);
void print_config_fields(const struct veer_config *c);

/*
 * How flows and aggregates name their service: fn(id) returns the name or
 * NULL.  Without a resolver (NULL), only ids are printed.
 */
void print_set_svc_resolver(const char *(*fn)(uint32_t id));

/*
 * A flow: one line (text) or object (JSON); full adds the whole profile
 * (ct id, idle time, peak rate, SYN RTT, sequence numbers, windows and
 * options per direction, lease), on indented lines in text.
 */
void print_flow_fields(const struct veer_flow *f, bool full);
void print_flow(const struct veer_flow *f, bool full);
/* An aggregate, with its lease (if any) on an indented line in text. */
void print_agg_fields(const struct veer_agg *a);
void print_agg(const struct veer_agg *a);

/* One object as a JSON object / a text line. */
void print_service(const struct veer_service *s, bool stats);
void print_host(const struct veer_host *h, bool stats);
void print_peer(const struct veer_peer *p);
void print_config(const struct veer_config *c);
/* The keys held: a JSON array / one line each (epoch, role, fingerprint). */
void print_keys(const struct veer_keys *ks);
/* The namespace counters: a JSON object / one "name value" line each. */
void print_stats(const struct veer_stats *st);
/* An event: `ACTION OBJECT fields...` / {"action":..,"object":..,...}. */
void print_event(const struct veer_event *ev, bool stats);

/* Usage texts. */
void usage_main(FILE *f);
void usage_policy(FILE *f);
void usage_service(FILE *f);
void usage_host(FILE *f);
void usage_peer(FILE *f);
void usage_config(FILE *f);
void usage_stats(FILE *f);
void usage_monitor(FILE *f);
void usage_flow(FILE *f);
void usage_aggregate(FILE *f);
void usage_key(FILE *f);

#endif /* VEER_OBJECTS_H */
