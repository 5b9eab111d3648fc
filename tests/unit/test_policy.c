// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of veerd's policy rules (userspace/veerd/policy.c): the shift
 * and restore rule, its split across shadows, connection-level offload and
 * its reasons, prioritisation, target selection, weights, leases and the
 * health state machine.
 */
#include "veerd_test.h"
#include "policy.h"

/* ---- shift / restore ------------------------------------------------ */

struct shift_case {
	unsigned int cur;
	bool breach;
	double pred_sev;
	bool anomaly;
	double anom_sev;
	unsigned int want;
	const char *why;
};

static const struct shift_case shift_cases[] = {
	/* Nothing predicted: restore one point per cycle. */
	{ 0, false, 0, false, 0, 0, "idle stays at 0" },
	{ 23, false, 0, false, 0, 22, "restore 1 per cycle" },
	{ 1, false, 0, false, 0, 0, "restore to 0" },
	{ 50, false, 4, false, 5, 49, "severities without conditions" },
	/* Prediction alone. */
	{ 0, true, 0.3, false, 0, 10, "clamped up to 10%" },
	{ 0, true, 0, false, 0, 10, "breach of severity 0: 10%" },
	{ 0, true, 2.3, false, 0, 23, "2.3 -> 23%" },
	{ 0, true, 2.31, false, 0, 24, "rounded up to a whole percent" },
	{ 0, true, 4.99, false, 0, 50, "49.9 -> 50%" },
	{ 0, true, 7, false, 0, 50, "clamped down to 50%" },
	/* Anomaly alone, whatever the prediction says. */
	{ 0, false, 0, true, 0, 10, "anomaly shifts at once" },
	{ 0, false, 3, true, 1.5, 15, "pred severity ignored w/o breach" },
	{ 0, false, 0, true, 9, 50, "anomaly clamped to 50%" },
	/* Both: severities add. */
	{ 0, true, 1.2, true, 2, 32, "1.2 + 2 -> 32%" },
	{ 0, true, 3, true, 3, 50, "6 -> 50%" },
	/* Up at once, down one point per cycle. */
	{ 12, true, 3.5, false, 0, 35, "rises at once" },
	{ 35, true, 1.0, false, 0, 35, "lower target: held while predicted" },
	{ 35, true, 1.0, true, 0.5, 35, "held, anomaly or not" },
	{ 10, true, 0.5, false, 0, 10, "never under 10% while predicted" },
	{ 35, false, 0, true, 1.0, 34, "anomaly alone: one point down" },
	{ 11, false, 0, true, 0, 10, "anomaly floor 10%" },
	/* Garbage in, the bounds out. */
	{ 0, true, NAN, false, 0, 10, "NaN severity: the minimum" },
	{ 0, true, -3, true, -1, 10, "negative severities: the minimum" },
	{ 90, false, 0, false, 0, 49, "out-of-range current share" },
};

static void test_shift_rule(void **state)
{
	const struct shift_case *c;
	unsigned int got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shift_cases) / sizeof(shift_cases[0]); i++) {
		c = &shift_cases[i];
		got = policy_shift_next(c->cur, c->breach, c->pred_sev,
					c->anomaly, c->anom_sev);
		if (got != c->want)
			print_error("case %zu (%s): got %u want %u\n", i,
				    c->why, got, c->want);
		assert_int_equal(got, c->want);
	}
}

static void test_shift_restore_sequence(void **state)
{
	unsigned int share = 0;
	int cycle;

	(void)state;
	share = policy_shift_next(share, true, 4.2, true, 0.5);
	assert_int_equal(share, 47);
	for (cycle = 1; cycle <= 47; cycle++) {
		share = policy_shift_next(share, false, 0, false, 0);
		assert_int_equal(share, 47 - cycle);
	}
	assert_int_equal(share, 0);
}

/* A breach predicted all along: the share holds at its highest, then
 * restores one point per cycle once the prediction clears. */
static void test_shift_hold(void **state)
{
	unsigned int share = 0;
	int cycle;

	(void)state;
	share = policy_shift_next(share, true, 3.0, false, 0);
	assert_int_equal(share, 30);
	for (cycle = 0; cycle < 100; cycle++) {
		share = policy_shift_next(share, true, 1.0 + (cycle % 7) * 0.1,
					  false, 0);
		assert_int_equal(share, 30);
	}
	share = policy_shift_next(share, true, 4.0, false, 0);
	assert_int_equal(share, 40);
	share = policy_shift_next(share, false, 0, false, 0);
	assert_int_equal(share, 39);
}

static void test_pred_severity(void **state)
{
	(void)state;
	assert_near(policy_pred_severity(1000, 800), 2, 1e-12);
	assert_near(policy_pred_severity(800, 800), 0, 0);
	assert_near(policy_pred_severity(700, 800), 0, 0);
	assert_near(policy_pred_severity(1600, 800), 5, 1e-12);
	assert_near(policy_pred_severity(INFINITY, 800), 0, 0);
	assert_near(policy_pred_severity(1000, 0), 0, 0);
	/* Shifting that share makes the peak fit exactly. */
	assert_near(1000 * (1 - policy_pred_severity(1000, 800) / 10), 800,
		    1e-9);
}

static void test_split(void **state)
{
	const uint32_t w3[] = { 1, 1, 1 }, w[] = { 2, 1, 0, 1 };
	const uint32_t zero[] = { 0, 0 };
	unsigned int out[4];

	(void)state;
	assert_int_equal(policy_split_shift(10, w3, 3, out), 1000);
	assert_int_equal(out[0], 334);
	assert_int_equal(out[1], 333);
	assert_int_equal(out[2], 333);
	assert_int_equal(policy_split_shift(25, w, 4, out), 2500);
	assert_int_equal(out[0], 1250);
	assert_int_equal(out[1], 625);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[3], 625);
	assert_int_equal(policy_split_shift(7, zero, 2, out), 700);
	assert_int_equal(out[0], 350);
	assert_int_equal(out[1], 350);
	assert_int_equal(policy_split_shift(0, w3, 3, out), 0);
	assert_int_equal(out[0] + out[1] + out[2], 0);
	assert_int_equal(policy_split_shift(10, w3, 0, out), 0);
}

/* ---- connection level ----------------------------------------------- */

static void test_conn_decide(void **state)
{
	struct policy_conn_in in = { 0.79, false, false };

	(void)state;
	assert_int_equal(policy_conn_decide(&in, 0.8), VEERD_REASON_NONE);
	in.p_exceed = 0.8;
	assert_int_equal(policy_conn_decide(&in, 0.8), VEERD_REASON_PROACTIVE);
	in.host_breach = true;
	assert_int_equal(policy_conn_decide(&in, 0.8),
			 VEERD_REASON_CONGESTION);
	in.attack = true;
	assert_int_equal(policy_conn_decide(&in, 0.8), VEERD_REASON_ATTACK);
	in.p_exceed = NAN;
	assert_int_equal(policy_conn_decide(&in, 0.8), VEERD_REASON_NONE);
	assert_string_equal(policy_reason_name(VEERD_REASON_ATTACK),
			    "suspected-attack");
	assert_string_equal(policy_reason_name(__VEERD_REASON_MAX), "?");
}

static void test_attack(void **state)
{
	(void)state;
	assert_true(policy_attack_suspected(true, 4, false, 3));
	assert_false(policy_attack_suspected(true, 2, false, 3));
	assert_false(policy_attack_suspected(true, 4, true, 3));
	assert_false(policy_attack_suspected(false, 5, false, 3));
}

/* ---- prioritisation and targets ------------------------------------- */

static void test_relief(void **state)
{
	struct policy_conn c = { 1, 10, 30, 1000, false };

	(void)state;
	assert_near(policy_conn_relief(&c, 60, 2), 500, 1e-9);
	c.remaining = 120;
	assert_near(policy_conn_relief(&c, 60, 2), 1000, 1e-9);
	c.remaining = 1;
	assert_near(policy_conn_relief(&c, 60, 2), 0, 0);
	c.remaining = NAN;
	assert_near(policy_conn_relief(&c, 60, 2), 0, 0);
}

static void test_pick_conns_order(void **state)
{
	const struct policy_conn c[] = {
		/* id age remaining bw critical */
		{ 10, 5, 100, 100, false },	/* relief 100 */
		{ 11, 50, 100, 400, true },	/* critical: last */
		{ 12, 30, 100, 300, false },	/* relief 300 */
		{ 13, 1, 1, 5000, false },	/* ends too soon */
		{ 14, 80, 30, 600, false },	/* relief 300, older */
		{ 15, 2, 60, 200, false },	/* relief 200 */
	};
	size_t out[6], n;

	(void)state;
	n = policy_pick_conns(c, 6, 1e9, 60, 2, out, 6);
	assert_int_equal(n, 5);
	assert_int_equal(out[0], 4);	/* 300, older */
	assert_int_equal(out[1], 2);	/* 300 */
	assert_int_equal(out[2], 5);	/* 200 */
	assert_int_equal(out[3], 0);	/* 100 */
	assert_int_equal(out[4], 1);	/* critical */
	/* Only as many as the relief needed. */
	n = policy_pick_conns(c, 6, 550, 60, 2, out, 6);
	assert_int_equal(n, 2);
	n = policy_pick_conns(c, 6, 601, 60, 2, out, 6);
	assert_int_equal(n, 3);
	/* And never more than asked. */
	n = policy_pick_conns(c, 6, 1e9, 60, 2, out, 2);
	assert_int_equal(n, 2);
	assert_int_equal(policy_pick_conns(c, 6, 0, 60, 2, out, 6), 0);
	assert_int_equal(policy_pick_conns(c, 0, 10, 60, 2, out, 6), 0);
}

static void test_pick_target(void **state)
{
	struct policy_host h[] = {
		/* healthy self pred capacity rtt weight */
		{ true, true, 100, 1000, 0, 1 },	/* self */
		{ true, false, 700, 1000, 0.0002, 1 },	/* util .7 */
		{ true, false, 300, 1000, 0.0050, 1 },	/* util .3, far */
		{ false, false, 0, 1000, 0.0001, 1 },	/* down */
		{ true, false, 500, 1000, 0.0005, 1 },	/* util .5 */
	};
	struct policy_target_params p = { .rtt_ref = 0.001, .rtt_weight = 0.1 };

	(void)state;
	/* costs: .7+.02, .3+.5, .5+.05 -> host 4 */
	assert_int_equal(policy_pick_target(h, 5, 0, &p), 4);
	/* RTT ignored: the least loaded. */
	p.rtt_weight = 0;
	assert_int_equal(policy_pick_target(h, 5, 0, &p), 2);
	/* Extra load that would overload all but host 2. */
	p.rtt_weight = 0.1;
	assert_int_equal(policy_pick_target(h, 5, 600, &p), 2);
	/* Nobody can take it. */
	assert_int_equal(policy_pick_target(h, 5, 800, &p), -1);
	h[2].healthy = false;
	h[4].healthy = false;
	h[1].healthy = false;
	assert_int_equal(policy_pick_target(h, 5, 0, &p), -1);
}

static void test_weights(void **state)
{
	const struct policy_host h[] = {
		{ true, false, 200, 1000, 0, 1 },	/* headroom .8 */
		{ true, false, 900, 1000, 0, 1 },	/* headroom .1 */
		{ true, false, 1500, 1000, 0, 1 },	/* none: 1 */
		{ false, false, 0, 1000, 0, 1 },	/* down: 0 */
		{ true, false, 500, 1000, 0, 3 },	/* .5 * 3 */
	};
	uint32_t w[5];

	(void)state;
	policy_weights(h, 5, 100, w);
	assert_int_equal(w[0], 80);
	assert_int_equal(w[1], 10);
	assert_int_equal(w[2], 1);
	assert_int_equal(w[3], 0);
	assert_int_equal(w[4], 150);
	policy_weights(h, 1, 65535, w);
	assert_true(w[0] <= 65535);
}

/* ---- leases and health ---------------------------------------------- */

static void test_lease(void **state)
{
	(void)state;
	/* expiry at 100, renew within 5 s of it, threshold 30 s. */
	assert_int_equal(policy_lease_decide(90, 100, 1000, 5, 30),
			 POLICY_LEASE_WAIT);
	assert_int_equal(policy_lease_decide(95, 100, 31, 5, 30),
			 POLICY_LEASE_RENEW);
	assert_int_equal(policy_lease_decide(96, 100, 30, 5, 30),
			 POLICY_LEASE_RENEW);
	assert_int_equal(policy_lease_decide(96, 100, 29.9, 5, 30),
			 POLICY_LEASE_EXPIRE);
	assert_int_equal(policy_lease_decide(101, 100, NAN, 5, 30),
			 POLICY_LEASE_EXPIRE);
}

static void test_health(void **state)
{
	struct health h;
	const bool seq[] = { false, true, false, false, true, true, false,
			     true, true, true, false };
	/* rise 3, fall 2 */
	const enum health_change want[] = {
		HEALTH_SAME, HEALTH_SAME, HEALTH_SAME, HEALTH_WENT_DOWN,
		HEALTH_SAME, HEALTH_SAME, HEALTH_SAME, HEALTH_SAME,
		HEALTH_SAME, HEALTH_CAME_UP, HEALTH_SAME,
	};
	size_t i;

	(void)state;
	health_init(&h, HEALTH_UP);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		assert_int_equal(health_update(&h, seq[i], 3, 2), want[i]);
	assert_int_equal(h.state, HEALTH_UP);
	assert_int_equal(h.transitions, 2);

	/* A host that starts down needs `rise` successes in a row. */
	health_init(&h, HEALTH_DOWN);
	assert_int_equal(health_update(&h, true, 2, 1), HEALTH_SAME);
	assert_int_equal(health_update(&h, true, 2, 1), HEALTH_CAME_UP);
	/* fall 1: one failure takes it out; rise 0 counts as 1. */
	assert_int_equal(health_update(&h, false, 0, 1), HEALTH_WENT_DOWN);
	assert_int_equal(health_update(&h, true, 0, 1), HEALTH_CAME_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shift_rule),
		cmocka_unit_test(test_shift_restore_sequence),
		cmocka_unit_test(test_shift_hold),
		cmocka_unit_test(test_pred_severity),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_conn_decide),
		cmocka_unit_test(test_attack),
		cmocka_unit_test(test_relief),
		cmocka_unit_test(test_pick_conns_order),
		cmocka_unit_test(test_pick_target),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_lease),
		cmocka_unit_test(test_health),
	};

	return cmocka_run_group_tests_name("veerd_policy", tests, NULL, NULL);
}
