/* SPDX-License-Identifier: MIT
 * test_vmset.c: a VM item's monthly points scored as a set: neighbours
 * moved together free the versions they share, so a low-churn chain can
 * pay as a run while no point pays alone; a chain that pays in no way is
 * kept as a set; points that may not move break runs. Hand-computed. */
#include "testutil.h"

#include <math.h>

#include "sizes.h"
#include "timeutil.h"
#include "vmset.h"

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */

static void chain(struct rp rps[4])
{
	for (int i = 0; i < 4; i++) {
		memset(&rps[i], 0, sizeof(rps[i]));
		rps[i].rp_time = T0 + (int64_t)i * 30 * DAY_S;
		rps[i].kind = RK_MONTHLY;
		rps[i].tier = TIER_STANDARD;
		rps[i].full_gb = 100;
		rps[i].move_info = "";
	}
}

static double f(double churn, double days)
{
	return 1 - pow(1 - churn, days);
}

static void test_vmset__run_pays_where_singles_do_not(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false }; /* the newest: too young */
	double freed[4];
	struct vmset_result r;
	double c = 0.01;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	/* Alone, the middle point frees f(30)^2 = 6.8 GiB: 0.14 EUR against
	 * 0.21 EUR of Archive. Together the run frees 78 GiB. */
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_int_equal(r.chosen, 3);
	assert_float_equal(freed[0], 100 * f(c, 90), 1e-9);
	assert_float_equal(freed[1], 100 * f(c, 30) * f(c, 60), 1e-9);
	assert_float_equal(freed[2], 100 * f(c, 30) * f(c, 30), 1e-9);
	assert_true(isnan(freed[3]));
	assert_float_equal(freed[0] + freed[1] + freed[2], 78.09, 0.01);
	assert_float_equal(r.all_freed_gb, 78.09, 0.01);
	assert_float_equal(r.all_full_gb, 300, 1e-9);
}

static void test_vmset__low_churn_kept_as_a_set(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false };
	double freed[4];
	struct vmset_result r;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = 0.002;
	chain(rps);
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_int_equal(r.chosen, 0);
	for (int i = 0; i < 4; i++)
		assert_true(isnan(freed[i]));
	/* What the reason of a kept set quotes: 17.5 GiB for 300 GiB. */
	assert_float_equal(r.all_freed_gb, 17.5, 0.05);
}

static void test_vmset__ineligible_point_breaks_the_run(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, false, true, false };
	double freed[4];
	struct vmset_result r;
	double c = 0.05;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.chosen, 2);
	/* Point 0 ends its own run: its next neighbour stays (t = 30). */
	assert_float_equal(freed[0], 100 * f(c, 30), 1e-9);
	assert_float_equal(freed[2], 100 * f(c, 30) * f(c, 30), 1e-9);
	assert_true(isnan(freed[1]));
}

static void test_vmset__daily_points_are_not_in_the_chain(void **state)
{
	struct item it = { 0 };
	struct rp rps[5];
	bool cand[5] = { true, false, true, true, false };
	double freed[5];
	struct vmset_result r;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = 0.03;
	chain(rps);
	rps[4] = rps[3];
	rps[1] = rps[0];
	rps[1].rp_time = T0 + DAY_S;
	rps[1].kind = RK_DAILY;
	for (int i = 2; i < 5; i++)
		rps[i].rp_time = T0 + (int64_t)(i - 1) * 30 * DAY_S;
	vmset_score(&it, rps, 5, cand, 0.02, 0.0021, true, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_true(isnan(freed[1]));
	assert_int_equal(r.chosen, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmset__run_pays_where_singles_do_not),
		cmocka_unit_test(test_vmset__low_churn_kept_as_a_set),
		cmocka_unit_test(test_vmset__ineligible_point_breaks_the_run),
		cmocka_unit_test(test_vmset__daily_points_are_not_in_the_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
