/* SPDX-License-Identifier: MIT
 * test_sizes.c: the recovery-point size model of models/cost/sizes.h against
 * figures worked out by hand: churn fractions, incremental points with
 * their gaps to the previous and next vault point, snapshot-only points,
 * SQL fulls, differentials and logs, and an item's Standard/Archive totals. */
#include "testutil.h"

#include <math.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static void assert_close(double got, double want)
{
	if (fabs(got - want) > 1e-9 * fmax(1, fabs(want)))
		fail_msg("got %.12g, expected %.12g", got, want);
}

static struct rp point(int64_t t, int kind, int tier)
{
	struct rp rp = { 0 };

	rp.rp_id = "rp";
	rp.item_id = "i";
	rp.move_info = "";
	rp.rp_time = t;
	rp.expiry_time = TIME_NONE;
	rp.kind = kind;
	rp.tier = tier;
	rp.unique_gb = rp.full_gb = -1; /* must be overwritten */
	return rp;
}

static struct item vm_item(double source_gb, double churn)
{
	struct item it = { 0 };

	it.item_id = "i";
	it.workload = WL_VM;
	it.source_gb = source_gb;
	it.daily_churn = churn;
	return it;
}

static void test_sizes__churn_fraction(void **state)
{
	(void)state;
	assert_close(churn_fraction(0.1, 1), 0.1);
	assert_close(churn_fraction(0.1, 2), 0.19);        /* 1 - 0.9^2 */
	assert_close(churn_fraction(0.5, 3), 0.875);       /* 1 - 0.5^3 */
	assert_close(churn_fraction(0.02, 30), 1 - pow(0.98, 30));
	assert_close(churn_fraction(0.19, 0.5), 0.1);      /* sqrt(0.81) */
	assert_close(churn_fraction(0, 365), 0);
	assert_close(churn_fraction(1, 0.25), 1);
	assert_close(churn_fraction(0.1, 0), 0);
	assert_close(churn_fraction(0.1, -3), 0);
	/* tiny churn keeps its precision (expm1/log1p) */
	assert_close(churn_fraction(1e-12, 1), 1e-12);
}

static void test_sizes__incremental_gaps(void **state)
{
	struct item it = vm_item(100, 0.1);
	struct rp rps[3];

	(void)state;
	rps[0] = point(T0, RK_DAILY, TIER_STANDARD);
	rps[1] = point(T0 + 1 * DAY_S, RK_DAILY, TIER_SNAPSHOT_STANDARD);
	rps[2] = point(T0 + 3 * DAY_S, RK_WEEKLY, TIER_STANDARD);
	estimate_point_sizes(&it, rps, 3, T0 + 5 * DAY_S);
	/* first point: f = 1 before it, f(1 day) = 0.1 after */
	assert_close(rps[0].unique_gb, 100 * 1 * 0.1);
	/* f(1) before, f(2) = 0.19 after */
	assert_close(rps[1].unique_gb, 100 * 0.1 * 0.19);
	/* newest: f(2) before, f(2) up to as_of */
	assert_close(rps[2].unique_gb, 100 * 0.19 * 0.19);
	for (int i = 0; i < 3; i++)
		assert_close(rps[i].full_gb, 100); /* an archive copy is full */
}

static void test_sizes__half_day_gap_before(void **state)
{
	struct item it = vm_item(100, 0.19);
	struct rp rps[2];

	(void)state;
	rps[0] = point(T0, RK_DAILY, TIER_STANDARD);
	rps[1] = point(T0 + DAY_S / 2, RK_DAILY, TIER_STANDARD);
	estimate_point_sizes(&it, rps, 2, T0 + 2 * DAY_S + DAY_S / 2);
	/* f(0.5) = 1 - 0.81^0.5 = 0.1; the gap after is 2 days: 0.3439 */
	assert_close(rps[1].unique_gb, 100 * 0.1 * (1 - 0.81 * 0.81));
}

static void test_sizes__newest_point_gap_is_at_least_a_day(void **state)
{
	struct item it = vm_item(100, 0.1);
	struct rp rps[2];

	(void)state;
	rps[0] = point(T0, RK_DAILY, TIER_STANDARD);
	rps[1] = point(T0 + 2 * DAY_S, RK_DAILY, TIER_STANDARD);
	/* evaluated six hours after the newest point: counted as one day */
	estimate_point_sizes(&it, rps, 2, T0 + 2 * DAY_S + 6 * HOUR_S);
	assert_close(rps[1].unique_gb, 100 * 0.19 * 0.1);
	/* an as_of before the point behaves the same */
	estimate_point_sizes(&it, rps, 2, T0);
	assert_close(rps[1].unique_gb, 100 * 0.19 * 0.1);
}

static void test_sizes__single_point(void **state)
{
	struct item it = vm_item(64, 0.5);
	struct rp rp = point(T0, RK_MONTHLY, TIER_ARCHIVE);

	(void)state;
	estimate_point_sizes(&it, &rp, 1, T0 + 3 * DAY_S);
	assert_close(rp.unique_gb, 64 * 1 * 0.875);
	assert_close(rp.full_gb, 64);
}

static void test_sizes__snapshot_only_points_stay_out_of_the_chain(
	void **state)
{
	struct item it = vm_item(100, 0.1);
	struct rp rps[4];

	(void)state;
	rps[0] = point(T0, RK_DAILY, TIER_STANDARD);
	rps[1] = point(T0 + 1 * DAY_S, RK_DAILY, TIER_SNAPSHOT);
	rps[2] = point(T0 + 2 * DAY_S, RK_DAILY, TIER_STANDARD);
	rps[3] = point(T0 + 3 * DAY_S, RK_DAILY, TIER_SNAPSHOT);
	estimate_point_sizes(&it, rps, 4, T0 + 4 * DAY_S);
	/* a snapshot-only point holds one day of changes */
	assert_close(rps[1].unique_gb, 100 * 0.1);
	assert_close(rps[3].unique_gb, 100 * 0.1);
	/* the vault points see each other across it: gaps of 2 days */
	assert_close(rps[0].unique_gb, 100 * 1 * 0.19);
	assert_close(rps[2].unique_gb, 100 * 0.19 * 0.19);
	assert_close(rps[1].full_gb, 100);
}

static void test_sizes__sql_full_diff_log(void **state)
{
	struct item it = vm_item(200, 0.1);
	struct rp rps[5];

	(void)state;
	it.workload = WL_SQL;
	rps[0] = point(T0, RK_DIFFERENTIAL, TIER_STANDARD); /* before a full */
	rps[1] = point(T0 + DAY_S, RK_FULL, TIER_STANDARD);
	rps[2] = point(T0 + 2 * DAY_S, RK_LOG, TIER_STANDARD);
	rps[3] = point(T0 + 4 * DAY_S, RK_DIFFERENTIAL, TIER_STANDARD);
	rps[4] = point(T0 + 8 * DAY_S, RK_FULL, TIER_ARCHIVE);
	estimate_point_sizes(&it, rps, 5, T0 + 9 * DAY_S);
	/* no full seen yet: a week of changes */
	assert_close(rps[0].unique_gb, 200 * (1 - pow(0.9, 7)));
	assert_close(rps[1].unique_gb, 200);
	assert_close(rps[2].unique_gb, 200 * 0.1); /* one day's log */
	assert_close(rps[3].unique_gb, 200 * (1 - pow(0.9, 3)));
	assert_close(rps[4].unique_gb, 200);
	for (int i = 0; i < 5; i++)
		assert_close(rps[i].full_gb, rps[i].unique_gb);
	/* HANA follows the same rules */
	it.workload = WL_HANA;
	estimate_point_sizes(&it, rps, 5, T0 + 9 * DAY_S);
	assert_close(rps[3].unique_gb, 200 * (1 - pow(0.9, 3)));
}

static void test_sizes__tiers(void **state)
{
	(void)state;
	assert_false(tier_in_standard(TIER_SNAPSHOT));
	assert_true(tier_in_standard(TIER_STANDARD));
	assert_true(tier_in_standard(TIER_SNAPSHOT_STANDARD));
	assert_false(tier_in_standard(TIER_ARCHIVE));
	assert_false(tier_in_standard(TIER_SNAPSHOT_ARCHIVE));
	assert_true(tier_in_standard(TIER_REHYDRATED));
	assert_false(tier_in_archive(TIER_SNAPSHOT));
	assert_false(tier_in_archive(TIER_STANDARD));
	assert_false(tier_in_archive(TIER_SNAPSHOT_STANDARD));
	assert_true(tier_in_archive(TIER_ARCHIVE));
	assert_true(tier_in_archive(TIER_SNAPSHOT_ARCHIVE));
	assert_true(tier_in_archive(TIER_REHYDRATED));
}

static void test_sizes__item_totals(void **state)
{
	struct item it = { 0 };
	struct rp rps[6];
	double std_gb = -1, arc_gb = -1;

	(void)state;
	rps[0] = point(T0, RK_DAILY, TIER_SNAPSHOT);
	rps[1] = point(T0, RK_DAILY, TIER_STANDARD);
	rps[2] = point(T0, RK_DAILY, TIER_SNAPSHOT_STANDARD);
	rps[3] = point(T0, RK_MONTHLY, TIER_ARCHIVE);
	rps[4] = point(T0, RK_YEARLY, TIER_SNAPSHOT_ARCHIVE);
	rps[5] = point(T0, RK_YEARLY, TIER_REHYDRATED);
	for (int i = 0; i < 6; i++) {
		rps[i].unique_gb = 1 << i;       /* 1, 2, 4, 8, 16, 32 */
		rps[i].full_gb = 100 * (1 << i); /* 100, 200, ... 3200 */
	}
	it.workload = WL_VM;
	it.source_gb = 500;
	item_storage_totals(&it, rps, 6, &std_gb, &arc_gb);
	/* Standard holds the chain's base (the source's current blocks) and
	 * the unique part of standard and rehydrated points; Archive holds
	 * full copies; snapshot-only points are in neither */
	assert_close(std_gb, 500 + 2 + 4 + 32);
	assert_close(arc_gb, 800 + 1600 + 3200);
	/* Database points stand alone: no base. */
	it.workload = WL_SQL;
	item_storage_totals(&it, rps, 6, &std_gb, &arc_gb);
	assert_close(std_gb, 2 + 4 + 32);
	/* No point in Standard: no base either. */
	it.workload = WL_VM;
	item_storage_totals(&it, rps + 3, 2, &std_gb, &arc_gb);
	assert_close(std_gb, 0);
	item_storage_totals(&it, rps, 0, &std_gb, &arc_gb);
	assert_close(std_gb, 0);
	assert_close(arc_gb, 0);
}

/* Issue 17, cause 2: what a VM point frees follows its neighbours over
 * time. Monthly points 30 days apart: between two monthly neighbours the
 * middle one frees f(30) f(30) of the source; once the older one is in
 * Archive (it holds its own full copy there, nothing in Standard) it is
 * the oldest Standard point and frees f(30); once the newer one has
 * expired too, its blocks are held by nothing later in Standard. */
static void test_sizes__freed_follows_the_neighbours(void **state)
{
	struct item it = vm_item(100, 0.02);
	struct rp rps[3];
	double f30 = churn_fraction(0.02, 30);
	int64_t t = T0 + 100 * DAY_S;

	(void)state;
	for (int i = 0; i < 3; i++)
		rps[i] = point(T0 + i * 30 * DAY_S, RK_MONTHLY,
			       TIER_STANDARD);
	assert_close(unique_gb_at(&it, rps, 3, 1, t), 100 * f30 * f30);
	rps[0].tier = TIER_ARCHIVE;
	assert_close(unique_gb_at(&it, rps, 3, 1, t), 100 * f30);
	rps[2].expiry_time = T0 + 90 * DAY_S;
	assert_close(unique_gb_at(&it, rps, 3, 1, t),
		     100 * churn_fraction(0.02, 70));
	/* a point archived later still holds its blocks until then */
	rps[0].tier = TIER_STANDARD;
	assert_close(unique_gb_at(&it, rps, 3, 1, T0 + 80 * DAY_S),
		     100 * f30 * f30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes__churn_fraction),
		cmocka_unit_test(test_sizes__incremental_gaps),
		cmocka_unit_test(test_sizes__half_day_gap_before),
		cmocka_unit_test(
			test_sizes__newest_point_gap_is_at_least_a_day),
		cmocka_unit_test(test_sizes__single_point),
		cmocka_unit_test(
			test_sizes__snapshot_only_points_stay_out_of_the_chain),
		cmocka_unit_test(test_sizes__sql_full_diff_log),
		cmocka_unit_test(test_sizes__tiers),
		cmocka_unit_test(test_sizes__item_totals),
		cmocka_unit_test(test_sizes__freed_follows_the_neighbours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
