/* SPDX-License-Identifier: GPL-2.0 */
/*
 * procfs.h: host metrics from /proc.
 *
 * Parsing is separate from reading so the parsers can be tested on
 * captured text (tests/unit/test_procfs.c).  Every parser takes the whole
 * file's text, NUL-terminated, and returns 0 or a negative errno
 * (-EINVAL: not the expected format).
 *
 *   /proc/stat                           CPU time, utilisation from deltas
 *   /proc/meminfo                        memory total and available
 *   /proc/net/dev                        bytes/packets per interface
 *   /proc/sys/net/netfilter/nf_conntrack_count   connection count
 *   /proc/net/nf_conntrack               (fallback: one line per entry)
 */
#ifndef VEERD_PROCFS_H
#define VEERD_PROCFS_H

#include <stddef.h>
#include <stdint.h>

/* Jiffies (USER_HZ ticks) of the aggregate "cpu" line. */
struct proc_cpu {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
	uint64_t guest, guest_nice;
	unsigned int ncpus;	/* "cpuN" lines */
};

struct proc_mem {
	uint64_t total;		/* bytes */
	uint64_t available;	/* bytes: MemAvailable, else estimated */
};

#define PROC_IFNAME_LEN	16	/* IFNAMSIZ */

struct proc_netdev {
	char name[PROC_IFNAME_LEN];
	uint64_t rx_bytes, rx_packets, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_packets, tx_errs, tx_drop;
};

int proc_parse_stat(const char *text, struct proc_cpu *out);
/*
 * Busy share of CPU time between two samples, 0..1: everything but idle
 * and iowait, over everything (guest time is already inside user and
 * nice, so it is not added twice).  NaN when no time passed or the
 * counters went backwards (a reset).
 */
double proc_cpu_util(const struct proc_cpu *prev, const struct proc_cpu *cur);

int proc_parse_meminfo(const char *text, struct proc_mem *out);
/* Used share 0..1. */
double proc_mem_util(const struct proc_mem *m);

/*
 * Up to max interfaces into out[]; returns how many were found (which may
 * exceed max: only max are stored) or a negative errno.
 */
int proc_parse_net_dev(const char *text, struct proc_netdev *out,
		       size_t max);
/* Per-second rate of a counter between two samples dt seconds apart,
 * handling a 32-bit wrap (old drivers) and resets (-> NaN). */
double proc_rate(uint64_t prev, uint64_t cur, double dt);

/* A single unsigned number (nf_conntrack_count). */
int proc_parse_count(const char *text, uint64_t *out);
/* Entries of /proc/net/nf_conntrack: non-empty lines. */
uint64_t proc_count_lines(const char *text);

/*
 * Read a whole /proc file into buf (NUL-terminated); returns its length
 * or a negative errno (-EFBIG when it does not fit).
 */
long proc_read(const char *path, char *buf, size_t size);

#endif /* VEERD_PROCFS_H */
