/* SPDX-License-Identifier: MIT
 * test_itemsize.c: where exported item sizes come from: the --sizes file
 * (by ARM id, case-insensitive, or by a unique item name), the points
 * fetchTieringCost counts, and solving its answer back into the size
 * model: an answer computed from known sizes gives those sizes back. */
#include "testutil.h"

#include <math.h>

#include "optimizer/export/itemsize.h"
#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

#define GIB 1073741824.0
#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static void test_itemsize__sizes_file(void **state)
{
	char *path = test_write("sizes.csv",
				"arm_id,item_name,source_gb,daily_churn\n"
				"/Subscriptions/S/x/VM1,vm1,100,0.02\n"
				",db1,50.5,0.03\n"
				",twin,10,0.01\n"
				",twin,20,0.01\n");
	struct sizes_file *s;
	struct err e = ERR_INIT;
	double gb, churn;

	(void)state;
	assert_int_equal(sizes_file_load(&s, path, &e), 0);
	assert_int_equal(sizes_file_rows(s), 4);
	assert_int_equal(sizes_file_find(s, "/subscriptions/s/X/vm1", "other",
					 &gb, &churn),
			 0);
	assert_true(gb == 100 && churn == 0.02);
	assert_int_equal(sizes_file_find(s, "/nope", "db1", &gb, &churn), 0);
	assert_true(gb == 50.5 && churn == 0.03);
	/* a name on two rows identifies neither */
	assert_int_equal(sizes_file_find(s, "/nope", "twin", &gb, &churn), -1);
	assert_int_equal(sizes_file_find(s, "/nope", NULL, &gb, &churn), -1);
	sizes_file_free(s);
	free(path);
	path = test_write("bad.csv", "item_name,source_gb,daily_churn\n"
				     "vm1,100,2\n");
	assert_int_equal(sizes_file_load(&s, path, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "daily_churn"));
	assert_non_null(strstr(e.msg, ":2"));
	free(path);
	err_clear(&e);
	path = test_write("noid.csv", "arm_id,item_name,source_gb,daily_churn\n"
				      ",,100,0.1\n");
	assert_int_equal(sizes_file_load(&s, path, &e), -1);
	assert_non_null(strstr(e.msg, "arm_id"));
	free(path);
	test_scratch_cleanup();
}

static struct rp point(int64_t t, int kind, int tier, int ready,
		       int64_t expiry)
{
	struct rp rp = { 0 };

	rp.rp_id = "rp";
	rp.item_id = "i";
	rp.move_info = "";
	rp.rp_time = t;
	rp.expiry_time = expiry;
	rp.kind = kind;
	rp.tier = tier;
	rp.move_ready = ready;
	return rp;
}

static void test_itemsize__eligible(void **state)
{
	int64_t old = time_add_months(T0, -4), young = T0 - 30 * DAY_S;
	int64_t far = time_add_months(T0, 24), near = time_add_months(T0, 2);
	struct rp rp;

	(void)state;
	rp = point(old, RK_MONTHLY, TIER_STANDARD, MR_UNKNOWN, far);
	assert_true(itemsize_eligible(WL_VM, &rp, T0));
	rp.kind = RK_DAILY;
	assert_false(itemsize_eligible(WL_VM, &rp, T0));
	rp = point(young, RK_YEARLY, TIER_STANDARD, MR_UNKNOWN, far);
	assert_false(itemsize_eligible(WL_VM, &rp, T0)); /* too young */
	rp.move_ready = MR_TRUE; /* Azure's readiness wins */
	assert_true(itemsize_eligible(WL_VM, &rp, T0));
	rp = point(old, RK_MONTHLY, TIER_STANDARD, MR_UNKNOWN, near);
	assert_false(itemsize_eligible(WL_VM, &rp, T0)); /* too little left */
	rp.move_ready = MR_FALSE;
	rp.expiry_time = far;
	assert_false(itemsize_eligible(WL_VM, &rp, T0));
	rp = point(old, RK_MONTHLY, TIER_ARCHIVE, MR_TRUE, far);
	assert_false(itemsize_eligible(WL_VM, &rp, T0));
	rp.tier = TIER_REHYDRATED;
	assert_false(itemsize_eligible(WL_VM, &rp, T0));
	rp.tier = TIER_SNAPSHOT;
	assert_false(itemsize_eligible(WL_VM, &rp, T0));
	rp = point(T0 - 50 * DAY_S, RK_FULL, TIER_STANDARD, MR_UNKNOWN,
		   T0 + 200 * DAY_S);
	assert_true(itemsize_eligible(WL_SQL, &rp, T0));
	rp.rp_time = T0 - 40 * DAY_S;
	assert_false(itemsize_eligible(WL_HANA, &rp, T0));
	rp = point(old, RK_FULL, TIER_STANDARD, MR_TRUE, far);
	assert_false(itemsize_eligible(WL_FILES, &rp, T0));
}

/* Daily points for 30 days, monthly ones for 18 months; some ready. */
static size_t vm_history(struct rp *rps)
{
	size_t n = 0;

	for (int m = 18; m >= 2; m--)
		rps[n++] = point(time_add_months(T0, -m), RK_MONTHLY,
				 TIER_STANDARD, m % 3 ? MR_UNKNOWN : MR_TRUE,
				 time_add_months(T0, 60 - m));
	for (int d = 30; d >= 1; d--)
		rps[n++] = point(T0 - d * DAY_S, RK_DAILY,
				 TIER_SNAPSHOT_STANDARD, MR_FALSE,
				 T0 + (30 - d) * DAY_S);
	return n;
}

/* What fetchTieringCost answers for sizes the item really has. */
static void answer(struct item *it, struct rp *rps, size_t n, double *red,
		   double *inc)
{
	*red = *inc = 0;
	estimate_point_sizes(it, rps, n, T0);
	for (size_t i = 0; i < n; i++)
		if (itemsize_eligible(it->workload, &rps[i], T0)) {
			*red += rps[i].unique_gb * GIB;
			*inc += rps[i].full_gb * GIB;
		}
	*red = round(*red);
	*inc = round(*inc);
}

static void test_itemsize__tiering_cost_inverts(void **state)
{
	struct rp rps[64];
	size_t n = vm_history(rps);
	struct item truth = { .item_id = "i", .workload = WL_VM,
			      .source_gb = 200, .daily_churn = 0.015 };
	struct item it = { .item_id = "i", .workload = WL_VM };
	double red, inc;

	(void)state;
	answer(&truth, rps, n, &red, &inc);
	assert_int_equal(itemsize_from_tiering_cost(&it, rps, n, T0, red, inc),
			 0);
	assert_true(fabs(it.source_gb - 200) < 1e-9);
	assert_true(fabs(it.daily_churn - 0.015) < 1e-6);
	itemsize_apply(&it, rps, n, T0);
	assert_true(it.daily_churn == 0.015);
	assert_true(it.standard_gb > 0);
}

static void test_itemsize__tiering_cost_sql_and_nothing(void **state)
{
	struct rp rps[3];
	struct item it = { .item_id = "i", .workload = WL_SQL };
	double def_gb, def_churn;

	(void)state;
	rps[0] = point(T0 - 90 * DAY_S, RK_FULL, TIER_STANDARD, MR_UNKNOWN,
		       T0 + 300 * DAY_S);
	rps[1] = point(T0 - 60 * DAY_S, RK_FULL, TIER_STANDARD, MR_UNKNOWN,
		       T0 + 300 * DAY_S);
	rps[2] = point(T0 - DAY_S, RK_LOG, TIER_STANDARD, MR_UNKNOWN,
		       T0 + 10 * DAY_S);
	assert_int_equal(itemsize_from_tiering_cost(&it, rps, 3, T0, 0,
						    2 * 64.5 * GIB),
			 0);
	assert_true(fabs(it.source_gb - 64.5) < 1e-9);
	itemsize_default(WL_SQL, &def_gb, &def_churn);
	assert_true(it.daily_churn == def_churn);
	/* No eligible point, or nothing to move: the answer says nothing. */
	assert_int_equal(itemsize_from_tiering_cost(&it, rps + 2, 1, T0, 0,
						    GIB),
			 -1);
	assert_int_equal(itemsize_from_tiering_cost(&it, rps, 3, T0, 0, 0),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_itemsize__sizes_file),
		cmocka_unit_test(test_itemsize__eligible),
		cmocka_unit_test(test_itemsize__tiering_cost_inverts),
		cmocka_unit_test(test_itemsize__tiering_cost_sql_and_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
