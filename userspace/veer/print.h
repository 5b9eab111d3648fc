/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * veer CLI: one print layer for text and JSON (after iproute2's json_print).
 *
 * An object printer calls one print_*() per field with the field's JSON key
 * and its text label; the layer writes either `label value` (words separated
 * by one space, a line ended by print_nl()) or a JSON member.  `type` says
 * whether the field appears in text, in JSON, or both.
 *
 * JSON: open_json_object()/open_json_array() take the member's key (NULL
 * inside an array or at the top).  Each top-level value ends with a newline,
 * so a stream of values (veer monitor -j) is one JSON document per line.
 * Strings are escaped; invalid UTF-8 becomes U+FFFD.
 *
 * Text: strings are printed as they are, except control characters (and the
 * backslash) which are escaped as \xNN (\\), so hostile names cannot
 * forge lines or drive a terminal.
 */
#ifndef VEER_PRINT_H
#define VEER_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_type {
	PRINT_ANY,	/* text and JSON */
	PRINT_TEXT,	/* text only */
	PRINT_JSON,	/* JSON only */
};

/* pretty: indented multi-line JSON (ignored for text). */
void print_init(FILE *out, bool json, bool pretty);
bool print_is_json(void);
/* Check that every opened object/array was closed; flush. */
int print_finish(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/* label: the text word before the value (NULL: the value alone). */
void print_string(enum print_type t, const char *key, const char *label,
		  const char *value);
void print_uint(enum print_type t, const char *key, const char *label,
		uint64_t value);
/* Text: fmt (printf, one double) or "-"; JSON: %.6g, or null when not
 * finite. */
void print_double(enum print_type t, const char *key, const char *label,
		  const char *fmt, double value)
	__attribute__((format(printf, 4, 0)));
/* Text: "on"/"off"; JSON: true/false. */
void print_bool(enum print_type t, const char *key, const char *label,
		bool value);
/* A JSON null member; nothing in text. */
void print_null(const char *key);

/* Text: end the current line (if anything is on it). */
void print_nl(void);
/* Text: end the current line and start the next with indent. */
void print_nl_indent(const char *indent);
/* Text: make print_nl_indent() continue the line instead (veer monitor). */
void print_set_one_line(bool on);

/* Escape s as JSON string contents (no quotes) into f.  For tests. */
void json_escape(FILE *f, const char *s);

#endif /* VEER_PRINT_H */
