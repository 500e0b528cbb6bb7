/* SPDX-License-Identifier: MIT
 * test_backtest.c: the backtest's scoring (models/cost/backtest.h) on
 * hand-computed cases: what a point cost over a window under a move date
 * and the restores that came, and the points as they stood at a past
 * date. */
#include "testutil.h"

#include "models/cost/backtest.h"
#include "optimizer/base/timeutil.h"

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */

/* 1 EUR a day in Standard, 0.1 in Archive, 5 EUR a rehydration. */
static const struct point_costs costs = { 30, 100, 1.0, 0.1, 5.0, 0 };

static int64_t day(double d)
{
	return T0 + (int64_t)(d * DAY_S);
}

/* Restores on days 10 (in Standard under a move on day 30), 40 (from
 * Archive), 45 (the copy rehydrated on day 40 is still there for 15
 * days) and 70 (a new rehydration). */
static const int64_t restores[] = { T0 + 10 * DAY_S, T0 + 40 * DAY_S,
				    T0 + 45 * DAY_S, T0 + 70 * DAY_S };

static void test_backtest__moved_in_the_window(void **state)
{
	struct backtest_cost bc;
	(void)state;

	backtest_point_cost(&costs, day(30), T0, day(100), restores, 4, 15,
			    &bc);
	assert_float_equal(bc.standard_days, 30, 1e-9);
	assert_float_equal(bc.archive_days, 70, 1e-9);
	assert_int_equal(bc.rehydrations, 2);
	/* 30 x 1 + 70 x 0.1 + 2 x 5 */
	assert_float_equal(bc.cost, 47, 1e-9);
}

static void test_backtest__never_moved(void **state)
{
	struct backtest_cost bc;
	(void)state;

	backtest_point_cost(&costs, TIME_NONE, T0, day(100), restores, 4,
			    15, &bc);
	assert_int_equal(bc.rehydrations, 0);
	assert_float_equal(bc.cost, 100, 1e-9);
	/* a move after the window is no move in it */
	backtest_point_cost(&costs, day(150), T0, day(100), restores, 4, 15,
			    &bc);
	assert_float_equal(bc.cost, 100, 1e-9);
}

static void test_backtest__archived_from_the_start(void **state)
{
	struct backtest_cost bc;
	(void)state;

	/* days 10, 40 and 70 rehydrate; 45 reuses day 40's copy */
	backtest_point_cost(&costs, day(-20), T0, day(100), restores, 4, 15,
			    &bc);
	assert_int_equal(bc.rehydrations, 3);
	assert_float_equal(bc.cost, 100 * 0.1 + 3 * 5, 1e-9);
	/* with a 30-day copy, day 70 is 30 days after day 40: charged */
	backtest_point_cost(&costs, T0, T0, day(100), restores, 4, 30, &bc);
	assert_int_equal(bc.rehydrations, 3);
	/* restores outside the window are not the window's */
	backtest_point_cost(&costs, T0, day(41), day(69), restores, 4, 15,
			    &bc);
	assert_int_equal(bc.rehydrations, 1);
	assert_float_equal(bc.cost, 28 * 0.1 + 5, 1e-9);
}

static struct rp point(double d, int tier)
{
	struct rp rp = { 0 };
	rp.rp_time = day(d);
	rp.expiry_time = day(d + 730);
	rp.kind = RK_MONTHLY;
	rp.tier = tier;
	rp.move_ready = MR_FALSE;
	rp.move_info = "Recovery point cannot be moved to archive tier since "
		       "it has already been moved.";
	return rp;
}

/* At day 200: the points taken by then; a point in Archive now is put
 * back in Standard, ready to move, unless the policy's TierAfter (120
 * days) had moved it by then. */
static void test_backtest__past_points(void **state)
{
	struct policy pol = { 0 };
	struct rp rps[4];
	(void)state;

	rps[0] = point(0, TIER_ARCHIVE);            /* 200 days old */
	rps[1] = point(100, TIER_SNAPSHOT_ARCHIVE); /* 100 days old */
	rps[2] = point(150, TIER_STANDARD);
	rps[3] = point(230, TIER_STANDARD);         /* not taken yet */
	pol.tiering_mode = TM_TIERAFTER;
	pol.tier_after_days = 120;
	assert_int_equal(backtest_past_points(&pol, rps, 4, day(200)), 3);
	assert_int_equal(rps[0].tier, TIER_ARCHIVE);
	assert_int_equal(rps[0].move_ready, MR_FALSE);
	assert_int_equal(rps[1].tier, TIER_SNAPSHOT_STANDARD);
	assert_int_equal(rps[1].move_ready, MR_TRUE);
	assert_string_equal(rps[1].move_info, "");
	assert_int_equal(rps[2].tier, TIER_STANDARD);
	/* without a policy (protection stopped) no move date is known */
	rps[0] = point(0, TIER_ARCHIVE);
	assert_int_equal(backtest_past_points(NULL, rps, 4, day(200)), 3);
	assert_int_equal(rps[0].tier, TIER_STANDARD);
	assert_int_equal(backtest_past_points(NULL, rps, 4, day(-1)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backtest__moved_in_the_window),
		cmocka_unit_test(test_backtest__never_moved),
		cmocka_unit_test(test_backtest__archived_from_the_start),
		cmocka_unit_test(test_backtest__past_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
