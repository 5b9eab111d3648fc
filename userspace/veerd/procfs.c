// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c: /proc parsers and reader (procfs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

/* The line after the one s points into, or NULL. */
static const char *next_line(const char *s)
{
	s = strchr(s, '\n');
	return s ? s + 1 : NULL;
}

/* Parse an unsigned decimal at *s (spaces skipped); -1 if none. */
static int take_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;	/* overflow */
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*v = x;
	return 0;
}

int proc_parse_stat(const char *text, struct proc_cpu *out)
{
	uint64_t *f[] = { &out->user, &out->nice, &out->system, &out->idle,
			  &out->iowait, &out->irq, &out->softirq, &out->steal,
			  &out->guest, &out->guest_nice };
	const char *s;
	bool found = false;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (s = text; s && *s; s = next_line(s)) {
		if (!strncmp(s, "cpu", 3) && s[3] >= '0' && s[3] <= '9') {
			out->ncpus++;
			continue;
		}
		if (strncmp(s, "cpu ", 4) || found)
			continue;
		s += 4;
		/* Older kernels have fewer fields; four are always there. */
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (take_u64(&s, f[i]))
				break;
		if (i < 4)
			return -EINVAL;
		found = true;
	}
	return found ? 0 : -EINVAL;
}

static uint64_t cpu_total(const struct proc_cpu *c)
{
	return c->user + c->nice + c->system + c->idle + c->iowait + c->irq +
	       c->softirq + c->steal;
}

double proc_cpu_util(const struct proc_cpu *prev, const struct proc_cpu *cur)
{
	uint64_t t0 = cpu_total(prev), t1 = cpu_total(cur);
	uint64_t i0 = prev->idle + prev->iowait, i1 = cur->idle + cur->iowait;

	if (t1 <= t0 || i1 < i0 || t1 - t0 < i1 - i0)
		return NAN;
	return 1.0 - (double)(i1 - i0) / (double)(t1 - t0);
}

/* "Key:   1234 kB" anywhere in meminfo; -1 when missing. */
static int meminfo_field(const char *text, const char *key, uint64_t *v)
{
	size_t n = strlen(key);
	const char *s;

	for (s = text; s && *s; s = next_line(s)) {
		if (strncmp(s, key, n) || s[n] != ':')
			continue;
		s += n + 1;
		if (take_u64(&s, v))
			return -1;
		while (*s == ' ')
			s++;
		if (!strncmp(s, "kB", 2)) {
			if (*v > UINT64_MAX / 1024)
				return -1;
			*v *= 1024;
		}
		return 0;
	}
	return -1;
}

int proc_parse_meminfo(const char *text, struct proc_mem *out)
{
	uint64_t free_, buffers = 0, cached = 0;

	memset(out, 0, sizeof(*out));
	if (meminfo_field(text, "MemTotal", &out->total) || !out->total)
		return -EINVAL;
	if (!meminfo_field(text, "MemAvailable", &out->available))
		return 0;
	/* Before 3.14: free + buffers + page cache, roughly. */
	if (meminfo_field(text, "MemFree", &free_))
		return -EINVAL;
	meminfo_field(text, "Buffers", &buffers);
	meminfo_field(text, "Cached", &cached);
	out->available = free_ + buffers + cached;
	if (out->available > out->total)
		out->available = out->total;
	return 0;
}

double proc_mem_util(const struct proc_mem *m)
{
	if (!m->total || m->available > m->total)
		return NAN;
	return 1.0 - (double)m->available / (double)m->total;
}

/* "  eth0: 1 2 3 ..." : 16 counters after the colon. */
static int netdev_line(const char *s, struct proc_netdev *d)
{
	uint64_t v[16];
	const char *colon = strchr(s, ':'), *nl = strchr(s, '\n');
	size_t n, i;

	if (!colon || (nl && colon > nl))
		return -1;
	while (*s == ' ')
		s++;
	n = (size_t)(colon - s);
	if (!n || n >= PROC_IFNAME_LEN)
		return -1;
	memset(d, 0, sizeof(*d));
	memcpy(d->name, s, n);
	s = colon + 1;
	for (i = 0; i < 16; i++)
		if (take_u64(&s, &v[i]))
			return -1;
	d->rx_bytes = v[0];
	d->rx_packets = v[1];
	d->rx_errs = v[2];
	d->rx_drop = v[3];
	d->tx_bytes = v[8];
	d->tx_packets = v[9];
	d->tx_errs = v[10];
	d->tx_drop = v[11];
	return 0;
}

int proc_parse_net_dev(const char *text, struct proc_netdev *out,
		       size_t max)
{
	struct proc_netdev d;
	const char *s = text;
	int n = 0, i;

	/* Two header lines ("Inter-|   Receive ...", " face |bytes ..."). */
	for (i = 0; i < 2; i++) {
		if (!s || !strchr(s, '|'))
			return -EINVAL;
		s = next_line(s);
	}
	for (; s && *s; s = next_line(s)) {
		if (*s == '\n')
			continue;
		if (netdev_line(s, &d))
			return -EINVAL;
		if ((size_t)n < max)
			out[n] = d;
		n++;
	}
	return n;
}

double proc_rate(uint64_t prev, uint64_t cur, double dt)
{
	uint64_t d;

	if (!(dt > 0))
		return NAN;
	if (cur >= prev)
		d = cur - prev;
	else if (prev <= UINT32_MAX && cur <= UINT32_MAX)
		d = (uint64_t)UINT32_MAX + 1 - prev + cur; /* 32-bit wrap */
	else
		return NAN;	/* a reset: the interface went away */
	return (double)d / dt;
}

int proc_parse_count(const char *text, uint64_t *out)
{
	const char *s = text;

	if (take_u64(&s, out))
		return -EINVAL;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return *s ? -EINVAL : 0;
}

uint64_t proc_count_lines(const char *text)
{
	const char *s;
	uint64_t n = 0;

	for (s = text; s && *s; s = next_line(s))
		if (*s != '\n')
			n++;
	return n;
}

long proc_read(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	if (size < 2)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* /proc files report size 0: read until EOF. */
	for (;;) {
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == size - 1) {
			close(fd);
			return -EFBIG;
		}
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		return (long)r;
	}
	close(fd);
	buf[n] = 0;
	return (long)n;
}
