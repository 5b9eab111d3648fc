// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer CLI: the print layer (text or JSON from one call per field).
 * No main(), no netlink: linked as is by the unit tests.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "print.h"

#define MAX_DEPTH 16

static struct {
	FILE *f;
	bool json;
	bool pretty;
	int depth;			/* open JSON containers */
	unsigned int count[MAX_DEPTH];	/* members written per level */
	bool is_obj[MAX_DEPTH];		/* level is an object (else array) */
	bool overflow;
	bool line_used;			/* text: something on this line */
	bool one_line;			/* text: print_nl_indent() joins */
	const char *indent;		/* text: prefix of the next word */
} P = { .f = NULL };

static FILE *out(void)
{
	return P.f ? P.f : stdout;
}

void print_init(FILE *f, bool json, bool pretty)
{
	memset(&P, 0, sizeof(P));
	P.f = f;
	P.json = json;
	P.pretty = json && pretty;
}

bool print_is_json(void)
{
	return P.json;
}

int print_finish(void)
{
	int bad = P.depth != 0 || P.overflow;

	if (!P.json)
		print_nl();
	fflush(out());
	return bad ? -1 : 0;
}

/* ---- JSON ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* no overlongs (e0 a0..), no surrogates (ed 80..9f) */
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* no overlongs (f0 90..), nothing above U+10FFFF (f4 80..8f) */
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned char c = *s;
		size_t n;

		switch (c) {
		case '"':  fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			s++;
			continue;
		}
		/* utf8_len() stops at the NUL: it never matches 10xxxxxx. */
		n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
}

static void json_newline(void)
{
	int i;

	if (!P.pretty)
		return;
	fputc('\n', out());
	for (i = 0; i < P.depth; i++)
		fputs("    ", out());
}

/* Before a member or element: comma, indentation, key. */
static void json_member(const char *key)
{
	FILE *f = out();

	if (P.depth > 0) {
		if (P.count[P.depth - 1]++)
			fputc(',', f);
		json_newline();
	}
	/* Keys inside objects only; a member without a key is a bug. */
	if (P.depth > 0 && P.is_obj[P.depth - 1]) {
		if (!key) {
			P.overflow = true;
			key = "";
		}
		fputc('"', f);
		json_escape(f, key);
		fputs(P.pretty ? "\": " : "\":", f);
	}
}

/* After a top-level value: end the line (one document per line). */
static void json_value_done(void)
{
	if (P.depth == 0)
		fputc('\n', out());
}

static void json_open(const char *key, char c)
{
	json_member(key);
	fputc(c, out());
	if (P.depth >= MAX_DEPTH) {
		P.overflow = true;
		return;
	}
	P.is_obj[P.depth] = c == '{';
	P.count[P.depth++] = 0;
}

static void json_close(char c)
{
	bool empty;

	if (P.depth == 0) {
		P.overflow = true;
		return;
	}
	empty = P.count[P.depth - 1] == 0;
	P.depth--;
	if (!empty)
		json_newline();
	fputc(c, out());
	json_value_done();
}

void open_json_object(const char *key)
{
	if (P.json)
		json_open(key, '{');
}

void close_json_object(void)
{
	if (P.json)
		json_close('}');
}

void open_json_array(const char *key)
{
	if (P.json)
		json_open(key, '[');
}

void close_json_array(void)
{
	if (P.json)
		json_close(']');
}

/* ---- text ---------------------------------------------------------------- */

static void text_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", *s);
		else
			fputc(*s, f);
	}
}

static void text_word_start(void)
{
	if (P.line_used)
		fputc(' ', out());
	else if (P.indent)
		fputs(P.indent, out());
	P.line_used = true;
}

static void text_label(const char *label)
{
	text_word_start();
	if (label) {
		fputs(label, out());
		fputc(' ', out());
	}
}

void print_nl(void)
{
	if (P.json || !P.line_used)
		return;
	fputc('\n', out());
	P.line_used = false;
	P.indent = NULL;
}

void print_set_one_line(bool on)
{
	P.one_line = on;
}

void print_nl_indent(const char *indent)
{
	if (P.json || P.one_line)
		return;
	print_nl();
	P.indent = indent;
}

/* ---- fields -------------------------------------------------------------- */

static bool want(enum print_type t)
{
	return t == PRINT_ANY || (t == PRINT_JSON) == P.json;
}

void print_string(enum print_type t, const char *key, const char *label,
		  const char *value)
{
	FILE *f = out();

	if (!want(t))
		return;
	if (!value)
		value = "";
	if (P.json) {
		json_member(key);
		fputc('"', f);
		json_escape(f, value);
		fputc('"', f);
		json_value_done();
	} else {
		text_label(label);
		text_escape(f, value);
	}
}

void print_uint(enum print_type t, const char *key, const char *label,
		uint64_t value)
{
	if (!want(t))
		return;
	if (P.json) {
		json_member(key);
		fprintf(out(), "%" PRIu64, value);
		json_value_done();
	} else {
		text_label(label);
		fprintf(out(), "%" PRIu64, value);
	}
}

void print_double(enum print_type t, const char *key, const char *label,
		  const char *fmt, double value)
{
	if (!want(t))
		return;
	if (P.json) {
		json_member(key);
		/* JSON has no NaN or infinity. */
		if (isfinite(value))
			fprintf(out(), "%.6g", value);
		else
			fputs("null", out());
		json_value_done();
	} else {
		text_label(label);
		/* fmt comes from the callers' literals (format attribute in
		 * print.h), not from input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (isfinite(value))
			fprintf(out(), fmt, value);
		else
			fputs("-", out());
#pragma GCC diagnostic pop
	}
}

void print_bool(enum print_type t, const char *key, const char *label,
		bool value)
{
	if (!want(t))
		return;
	if (P.json) {
		json_member(key);
		fputs(value ? "true" : "false", out());
		json_value_done();
	} else {
		text_label(label);
		fputs(value ? "on" : "off", out());
	}
}

void print_null(const char *key)
{
	if (!P.json)
		return;
	json_member(key);
	fputs("null", out());
	json_value_done();
}
