// SPDX-License-Identifier: GPL-2.0-only
/*
 * veer CLI: strict parsing of command-line words.  No main(), no netlink:
 * linked as is by the unit tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"

FILE *cli_errf;

void cli_err(const char *fmt, ...)
{
	FILE *f = cli_errf ? cli_errf : stderr;
	va_list ap;

	fputs("veer: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return -1;
	/* strtoull() would accept space, a sign and "0x": refuse them. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static void bad(const char *what, const char *s)
{
	cli_err("invalid %s \"%s\"", what, s ? s : "");
}

int get_u32(const char *what, const char *s, uint32_t min, uint32_t max,
	    uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, max, &v) < 0 || v < min) {
		cli_err("invalid %s \"%s\" (a number from %u to %u)", what,
			s ? s : "", min, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int get_u8(const char *what, const char *s, uint8_t min, uint8_t max,
	   uint8_t *out)
{
	uint32_t v;

	if (get_u32(what, s, min, max, &v) < 0)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

int get_port(const char *what, const char *s, uint16_t *out)
{
	uint64_t v;

	if (parse_u64(s, 65535, &v) < 0) {
		cli_err("invalid %s \"%s\" (a port from 0 to 65535)", what,
			s ? s : "");
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

int get_u32_hex(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *out)
{
	unsigned long long v;
	uint64_t d;
	const char *h;
	char *end;

	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* Hex digits only: strtoull() would accept a sign or "0x". */
		h = s + 2;
		if (!*h || strspn(h, "0123456789abcdefABCDEF") != strlen(h) ||
		    strlen(h) > 16)
			goto bad;
		errno = 0;
		v = strtoull(h, &end, 16);
		if (errno || *end || v > max || v < min)
			goto bad;
		*out = (uint32_t)v;
		return 0;
	}
	if (parse_u64(s, max, &d) == 0 && d >= min) {
		*out = (uint32_t)d;
		return 0;
	}
bad:
	cli_err("invalid %s \"%s\" (a number from %u to %u, or 0x%x to 0x%x)",
		what, s ? s : "", min, max, min, max);
	return -1;
}

int get_level(const char *what, const char *s, uint8_t min, uint8_t max,
	      uint8_t *out)
{
	uint64_t v;
	int l = veer_level_parse(s);

	if (l < 0 && parse_u64(s, VEER_LEVEL_MAX, &v) == 0)
		l = (int)v;
	if (l < min || l > max) {
		cli_err("invalid %s \"%s\" (%u to %u, or %s to %s)", what,
			s ? s : "", min, max, veer_level_name(min),
			veer_level_name(max));
		return -1;
	}
	*out = (uint8_t)l;
	return 0;
}

int get_addr(const char *what, const char *s, int *family,
	     union veer_addr *addr, int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	uint64_t p;
	int fam;

	if (!s || !*s)
		goto bad;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';

	memset(addr, 0, sizeof(*addr));
	fam = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, buf, addr) != 1)
		goto bad;

	if (slash) {
		if (!plen) {
			cli_err("invalid %s \"%s\" (no prefix length allowed)",
				what, s);
			return -1;
		}
		if (parse_u64(slash + 1, fam == AF_INET ? 32 : 128, &p) < 0) {
			cli_err("invalid %s \"%s\" (prefix length from 0 to %d)",
				what, s, fam == AF_INET ? 32 : 128);
			return -1;
		}
		*plen = (int)p;
	} else if (plen) {
		*plen = -1;
	}
	*family = fam;
	return 0;
bad:
	bad(what, s);
	return -1;
}

int get_keyword(const char *what, const char *s, int (*parse)(const char *),
		int *out)
{
	int v = parse(s);

	if (v < 0) {
		bad(what, s);
		return -1;
	}
	*out = v;
	return 0;
}

int get_onoff(const char *what, const char *s, bool *out)
{
	if (s && strcmp(s, "on") == 0)
		*out = true;
	else if (s && strcmp(s, "off") == 0)
		*out = false;
	else {
		cli_err("invalid %s \"%s\" (on or off)", what, s ? s : "");
		return -1;
	}
	return 0;
}

int get_svc_flags(const char *s, uint32_t *out)
{
	const char *p, *end;
	uint32_t flags = 0;
	bool none = false;

	if (!s || !*s)
		goto bad;
	for (p = s; ; p = end + 1) {
		size_t n;

		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 4 && !strncmp(p, "none", n))
			none = true;
		else if (n == 10 && !strncmp(p, "track-only", n))
			flags |= VEER_SVC_F_TRACK_ONLY;
		else if (n == 7 && !strncmp(p, "persist", n))
			flags |= VEER_SVC_F_PERSIST;
		else
			goto bad;
		if (!end)
			break;
	}
	/* "none" only alone */
	if (none && (flags || strchr(s, ',')))
		goto bad;
	*out = flags;
	return 0;
bad:
	bad("flags", s);
	return -1;
}

int get_name(const char *what, const char *s, char *buf)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= VEER_NAME_LEN) {
		cli_err("invalid %s \"%s\" (1 to %d characters)", what,
			s ? s : "", VEER_NAME_LEN - 1);
		return -1;
	}
	memcpy(buf, s, n + 1);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int get_key_hex(const char *s, uint8_t *out)
{
	size_t i, n = s ? strlen(s) : 0;

	for (i = 0; i < n; i++) {
		if (hex_digit(s[i]) < 0) {
			cli_err("invalid secret: not hexadecimal (character %zu)",
				i + 1);
			return -1;
		}
	}
	if (n % 2) {
		cli_err("invalid secret: an odd number of hex digits (%zu)", n);
		return -1;
	}
	if (n != 2 * VEER_KEY_LEN) {
		cli_err("invalid secret: %zu bytes, want %d (%d hex digits)",
			n / 2, VEER_KEY_LEN, 2 * VEER_KEY_LEN);
		return -1;
	}
	for (i = 0; i < VEER_KEY_LEN; i++)
		out[i] = (uint8_t)(hex_digit(s[2 * i]) << 4 |
				   hex_digit(s[2 * i + 1]));
	return 0;
}

int get_key_file(const char *path, uint8_t *out)
{
	char buf[4 * VEER_KEY_LEN + 2];
	struct stat st;
	ssize_t n;
	int fd, err = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_err("cannot open secret file %s: %s", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cli_err("secret file %s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & S_IROTH) {
		cli_err("secret file %s is readable by every user: the key would be no secret (chmod o-r %s)",
			path, path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		cli_err("cannot read secret file %s: %s", path,
			strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	err = get_key_hex(buf, out);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return err;
}

bool is_prime(uint32_t n)
{
	uint32_t d;

	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (d = 3; d <= n / d; d += 2)
		if (n % d == 0)
			return false;
	return true;
}

void addr_mask(int family, union veer_addr *addr, unsigned int plen)
{
	unsigned char *b = family == AF_INET ? (unsigned char *)&addr->v4 :
					       (unsigned char *)&addr->v6;
	unsigned int len = family == AF_INET ? 4 : 16, i;

	for (i = 0; i < len; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			b[i] = 0;
		else
			b[i] &= (unsigned char)(0xff << (8 - (plen - 8 * i)));
	}
}

const char *addr_str(int family, const union veer_addr *a, char *buf,
		     size_t len)
{
	if ((family != AF_INET && family != AF_INET6) ||
	    !inet_ntop(family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}
