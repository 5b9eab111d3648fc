/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * veer CLI: strict parsing of command-line words.
 *
 * Every get_*() function checks one word and, when it is bad, prints
 * `veer: invalid WHAT "WORD"` (plus a hint) to cli_errf and returns -1;
 * on success it returns 0.  No prefix matching anywhere: keywords match
 * exactly, numbers are decimal with nothing around them.
 */
#ifndef VEER_PARSE_H
#define VEER_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libveer.h"

/* Return values of the argument parsers of objects.c. */
enum {
	ARG_OK = 0,
	ARG_BAD = -1,	/* a bad value: message printed */
	ARG_USAGE = -2,	/* a usage error: message printed, show the usage */
	ARG_HELP = -3,	/* "help" asked for: show the usage, exit 0 */
};

/* Where error messages go (stderr unless a test redirects it). */
extern FILE *cli_errf;

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strict unsigned decimal: no sign, no space, no base prefix, no garbage. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

int get_u32(const char *what, const char *s, uint32_t min, uint32_t max,
	    uint32_t *out);
int get_u8(const char *what, const char *s, uint8_t min, uint8_t max,
	   uint8_t *out);
int get_port(const char *what, const char *s, uint16_t *out);
/* As get_u32(), and also hexadecimal with a "0x" prefix (masks, marks). */
int get_u32_hex(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *out);
/*
 * A granularity level from min to max: its number or its name
 * (flow, session, app, subnet).
 */
int get_level(const char *what, const char *s, uint8_t min, uint8_t max,
	      uint8_t *out);

/*
 * An IPv4 or IPv6 address.  plen: NULL to refuse "/PLEN"; else set to the
 * prefix length given, or -1 when there was none.
 */
int get_addr(const char *what, const char *s, int *family,
	     union veer_addr *addr, int *plen);

/* A keyword of a set, through one of libveer's *_parse() functions. */
int get_keyword(const char *what, const char *s, int (*parse)(const char *),
		int *out);

/* on | off */
int get_onoff(const char *what, const char *s, bool *out);

/* { track-only | persist | none }[,...] */
int get_svc_flags(const char *s, uint32_t *out);

/* A service name: 1 to VEER_NAME_LEN - 1 bytes. */
int get_name(const char *what, const char *s, char *buf);

/*
 * A cookie key's secret: exactly 2 * VEER_KEY_LEN hexadecimal digits (no
 * "0x", either case).  Messages never repeat the secret.
 */
int get_key_hex(const char *s, uint8_t *out);
/*
 * The secret from a file holding the hexadecimal digits (a final newline
 * allowed).  Refused when anyone may read it (mode o+r) or it is not a
 * regular file.  The buffers that held it are wiped.
 */
int get_key_file(const char *path, uint8_t *out);

bool is_prime(uint32_t n);

/* Clear the bits of addr beyond the first plen. */
void addr_mask(int family, union veer_addr *addr, unsigned int plen);

/* Address to text (inet_ntop); buf of INET6_ADDRSTRLEN at least. */
const char *addr_str(int family, const union veer_addr *a, char *buf,
		     size_t len);

#endif /* VEER_PARSE_H */
