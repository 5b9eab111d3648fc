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
#define MON_ALL ((1U << VEER_OBJ_SERVICE) | (1U << VEER_OBJ_HOST) | \
		 (1U << VEER_OBJ_PEER) | (1U << VEER_OBJ_CONFIG))

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
/* Accepts nothing but an optional "show" (stats, config, peer show). */
int parse_no_args(const char *what, int argc, char **argv);

/* Printers: the fields of one object (no surrounding JSON object). */
void print_service_fields(const struct veer_service *s, bool stats);
void print_host_fields(const struct veer_host *h, bool stats);
void print_peer_fields(const struct veer_peer *p);
void print_config_fields(const struct veer_config *c);

/* One object as a JSON object / a text line. */
void print_service(const struct veer_service *s, bool stats);
void print_host(const struct veer_host *h, bool stats);
void print_peer(const struct veer_peer *p);
void print_config(const struct veer_config *c);
/* The namespace counters: a JSON object / one "name value" line each. */
void print_stats(const struct veer_stats *st);
/* An event: `ACTION OBJECT fields...` / {"action":..,"object":..,...}. */
void print_event(const struct veer_event *ev, bool stats);

/* Usage texts. */
void usage_main(FILE *f);
void usage_service(FILE *f);
void usage_host(FILE *f);
void usage_peer(FILE *f);
void usage_config(FILE *f);
void usage_stats(FILE *f);
void usage_monitor(FILE *f);

#endif /* VEER_OBJECTS_H */
