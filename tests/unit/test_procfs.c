// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's /proc parsers (userspace/veerd/procfs.c) on
 * captured text, plus one read of the live files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "veerd_test.h"
#include "procfs.h"

static const char stat_a[] =
	"cpu  387759 0 29730 39704 926 0 216 712 0 0\n"
	"cpu0 193446 0 14905 20203 575 0 59 369 0 0\n"
	"cpu1 194313 0 14825 19500 350 0 157 342 0 0\n"
	"intr 3965432 0 0 0 0\n"
	"ctxt 14883698\n"
	"btime 1763755200\n";

/* One second later: 200 ticks, 50 of them idle or iowait. */
static const char stat_b[] =
	"cpu  387889 0 29750 39744 936 0 216 712 0 0\n"
	"cpu0 193511 0 14915 20223 580 0 59 369 0 0\n"
	"cpu1 194378 0 14835 19520 355 0 157 342 0 0\n"
	"intr 3965932 0 0 0 0\n";

/* A 2.6.11-era kernel: no steal, guest fields. */
static const char stat_old[] = "cpu  100 0 50 800 50 0 0\n";

static void test_stat(void **state)
{
	struct proc_cpu a, b, o;

	(void)state;
	assert_int_equal(proc_parse_stat(stat_a, &a), 0);
	assert_int_equal(a.user, 387759);
	assert_int_equal(a.idle, 39704);
	assert_int_equal(a.steal, 712);
	assert_int_equal(a.ncpus, 2);
	assert_int_equal(proc_parse_stat(stat_b, &b), 0);
	assert_near(proc_cpu_util(&a, &b), 1 - 50.0 / 200, 1e-12);
	/* Backwards (counter reset) or no time: unknown. */
	assert_true(isnan(proc_cpu_util(&b, &a)));
	assert_true(isnan(proc_cpu_util(&a, &a)));
	assert_int_equal(proc_parse_stat(stat_old, &o), 0);
	assert_int_equal(o.iowait, 50);
	assert_int_equal(o.steal, 0);
	assert_int_equal(proc_parse_stat("intr 1 2 3\n", &o), -EINVAL);
	assert_int_equal(proc_parse_stat("cpu  1 2\n", &o), -EINVAL);
	assert_int_equal(proc_parse_stat("cpu  x y z w\n", &o), -EINVAL);
	assert_int_equal(proc_parse_stat(
		"cpu  99999999999999999999999 1 1 1\n", &o), -EINVAL);
	assert_int_equal(proc_parse_stat("", &o), -EINVAL);
}

static const char meminfo[] =
	"MemTotal:       24684084 kB\n"
	"MemFree:        16932288 kB\n"
	"MemAvailable:   22947860 kB\n"
	"Buffers:          339832 kB\n"
	"Cached:          5511124 kB\n"
	"SwapCached:            0 kB\n";

static const char meminfo_old[] =
	"MemTotal:        1000 kB\n"
	"MemFree:          200 kB\n"
	"Buffers:          100 kB\n"
	"Cached:           300 kB\n"
	"SwapCached:        50 kB\n";

static void test_meminfo(void **state)
{
	struct proc_mem m;

	(void)state;
	assert_int_equal(proc_parse_meminfo(meminfo, &m), 0);
	assert_int_equal(m.total, 24684084ULL * 1024);
	assert_int_equal(m.available, 22947860ULL * 1024);
	assert_near(proc_mem_util(&m), 1 - 22947860.0 / 24684084, 1e-12);
	/* Before MemAvailable: free + buffers + cache, and "Cached" is not
	 * confused with "SwapCached". */
	assert_int_equal(proc_parse_meminfo(meminfo_old, &m), 0);
	assert_int_equal(m.available, 600 * 1024);
	assert_int_equal(proc_parse_meminfo("MemFree: 1 kB\n", &m), -EINVAL);
	assert_int_equal(proc_parse_meminfo("MemTotal: 0 kB\n", &m), -EINVAL);
	assert_int_equal(proc_parse_meminfo("MemTotal: 10 kB\n", &m), -EINVAL);
}

static const char net_dev[] =
	"Inter-|   Receive                                                |"
	"  Transmit\n"
	" face |bytes    packets errs drop fifo frame compressed multicast|"
	"bytes    packets errs drop fifo colls carrier compressed\n"
	"    lo:    3267      29    0    0    0     0          0         0"
	"     3267      29    0    0    0     0       0          0\n"
	"  eth0: 987654321 1234567  3  4    0     0          0        12"
	" 123456789  765432    5    6    0     0       0          0\n"
	"veth-a1b2c3d4e5:1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n";

static void test_net_dev(void **state)
{
	struct proc_netdev d[4];

	(void)state;
	assert_int_equal(proc_parse_net_dev(net_dev, d, 4), 3);
	assert_string_equal(d[0].name, "lo");
	assert_string_equal(d[1].name, "eth0");
	assert_int_equal(d[1].rx_bytes, 987654321);
	assert_int_equal(d[1].rx_packets, 1234567);
	assert_int_equal(d[1].rx_errs, 3);
	assert_int_equal(d[1].rx_drop, 4);
	assert_int_equal(d[1].tx_bytes, 123456789);
	assert_int_equal(d[1].tx_packets, 765432);
	assert_int_equal(d[1].tx_errs, 5);
	assert_int_equal(d[1].tx_drop, 6);
	/* 15-character names touch the counters: still parsed. */
	assert_string_equal(d[2].name, "veth-a1b2c3d4e5");
	assert_int_equal(d[2].tx_bytes, 3);
	/* Room for fewer: counted, not stored. */
	assert_int_equal(proc_parse_net_dev(net_dev, d, 1), 3);
	assert_int_equal(proc_parse_net_dev("eth0: 1 2 3\n", d, 4), -EINVAL);
	assert_int_equal(proc_parse_net_dev(
		"a|b\nc|d\n  eth0: 1 2 3\n", d, 4), -EINVAL);
}

static void test_rates(void **state)
{
	(void)state;
	assert_near(proc_rate(1000, 3000, 2), 1000, 1e-12);
	/* A 32-bit counter wrapped. */
	assert_near(proc_rate(4294967000ULL, 704, 1), 1000, 1e-9);
	/* A 64-bit counter went back: the interface was reset. */
	assert_true(isnan(proc_rate(10000000000ULL, 5, 1)));
	assert_true(isnan(proc_rate(1, 2, 0)));
}

static void test_counts(void **state)
{
	uint64_t n;

	(void)state;
	assert_int_equal(proc_parse_count("262144\n", &n), 0);
	assert_int_equal(n, 262144);
	assert_int_equal(proc_parse_count("12 13\n", &n), -EINVAL);
	assert_int_equal(proc_parse_count("-1\n", &n), -EINVAL);
	assert_int_equal(proc_parse_count("", &n), -EINVAL);
	assert_int_equal(proc_count_lines(
		"ipv4 2 tcp 6 431999 ESTABLISHED src=10.0.0.1 ...\n"
		"ipv4 2 udp 17 29 src=10.0.0.2 ...\n\n"), 2);
	assert_int_equal(proc_count_lines(""), 0);
}

static void test_live_files(void **state)
{
	struct proc_cpu c;
	struct proc_mem m;
	char *buf = malloc(1 << 20);
	long n;

	(void)state;
	assert_non_null(buf);
	n = proc_read("/proc/stat", buf, 1 << 20);
	assert_true(n > 0);
	assert_int_equal(proc_parse_stat(buf, &c), 0);
	assert_true(c.ncpus >= 1);
	assert_true(proc_read("/proc/meminfo", buf, 1 << 20) > 0);
	assert_int_equal(proc_parse_meminfo(buf, &m), 0);
	assert_true(proc_read("/proc/net/dev", buf, 1 << 20) > 0);
	assert_true(proc_parse_net_dev(buf, NULL, 0) >= 1);
	assert_int_equal(proc_read("/proc/stat", buf, 8), -EFBIG);
	assert_int_equal(proc_read("/nonexistent", buf, 64), -ENOENT);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_net_dev),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_live_files),
	};

	return cmocka_run_group_tests_name("veerd_procfs", tests, NULL, NULL);
}
