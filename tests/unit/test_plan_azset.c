/* SPDX-License-Identifier: MIT
 * test_plan_azset.c: Azure's recommended set of a VM item beside the
 * plan's own runs, through plan_run on a hand-made snapshot: one
 * westeurope LRS vault, one VM item with four monthly points old enough
 * to move. With Azure's set the two oldest and 1% daily churn the plan
 * moves all four together and says per item (vm_sets.csv) and per point
 * (plan.csv) why and what that is worth; with 0.2% it keeps them all;
 * where Azure's whole set is worth more, the plan moves it. */
#include "testsnap.h"

#include <math.h>

#include "optimizer/plan/plan.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z, the as-of */

#define VAULT_ARM "/subscriptions/sub-1/resourceGroups/rg/providers/" \
		  "Microsoft.RecoveryServices/vaults/vault-vm"

static char vid[SNAPSHOT_ID_LEN], iid[SNAPSHOT_ID_LEN];

static void put_estate(struct snapshot_writer *sw, double churn)
{
	snapshot_make_id(vid, 'v', VAULT_ARM);
	snapshot_make_id(iid, 'i', VAULT_ARM "/items/web01");
	test_put_vault(sw, vid, "vault-vm");
	snapshot_put_policy(sw, &(struct policy){
		.policy_id = "p-000000000001", .vault_id = vid,
		.policy_name = "vm-daily", .arm_id = VAULT_ARM "/p/vm",
		.window_start = "", .run_times = "22:00", .run_days = "",
		.time_zone = "UTC", .diff_run_days = "", .workload = WL_VM,
		.policy_type = PT_STANDARD, .frequency = FREQ_DAILY,
		.instant_rp_days = 2, .daily_keep_days = 7,
		.monthly_keep_months = 60,
		.tiering_mode = TM_TIERRECOMMENDED });
	snapshot_put_item(sw, &(struct item){
		.item_id = iid, .vault_id = vid,
		.policy_id = "p-000000000001", .item_name = "web01",
		.protection_state = "Protected",
		.arm_id = VAULT_ARM "/items/web01", .source_resource_id = "",
		.workload = WL_VM, .size_source = SS_REPORTED,
		.source_gb = 100, .daily_churn = churn, .standard_gb = 140,
		.archive_gb = 0, .last_backup_time = T0 - DAY_S,
		.deferred_delete_time = TIME_NONE });
}

/* The four monthly points: Archive GiB, days of retention left and
 * whether Azure's set (recommended_for_move) has them. */
struct points {
	double full[4];
	int left[4];
	int azure[4];
};

/* Four points, as Azure's set has them, the two oldest. */
static const struct points two_of_four = {
	{ 100, 100, 100, 100 }, { 1525, 1555, 1585, 1615 }, { 1, 1, -1, -1 }
};

/* Four monthly points 300, 270, 240 and 210 days old. */
static char *write_snapshot(double churn, const struct points *pt)
{
	static const char *const ids[] = { "m1", "m2", "m3", "m4" };
	struct err e = ERR_INIT;
	struct snapshot_writer sw;
	char *dir = test_path("snap");

	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	put_estate(&sw, churn);
	for (int i = 0; i < 4; i++) {
		int64_t t = T0 - (300 - 30 * i) * DAY_S;
		snapshot_put_rp(&sw, &(struct rp){
			ids[i], iid, "", t, T0 + pt->left[i] * DAY_S,
			RK_MONTHLY, TIER_STANDARD, MR_TRUE, 10, pt->full[i],
			pt->azure[i] });
	}
	test_commit_snapshot(&sw, T0);
	return dir;
}

static char *make_plan(double churn, const struct points *pt)
{
	struct err e = ERR_INIT;
	struct plan_summary sum = { 0 };
	struct plan_options o;
	struct snapshot s;
	char *snap = write_snapshot(churn, pt), *out = test_path("plan");

	plan_options_init(&o);
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	if (plan_run(&s, &o, out, &sum, &e))
		fail_msg("plan_run: %s", e.msg);
	snapshot_release(&s);
	plan_summary_release(&sum);
	free(snap);
	return out;
}

/* Moved together the four free far more than Azure's two, whose run
 * ends before a point that stays and still holds their blocks. */
static void test_plan_azset__plan_moves_more_and_says_why(void **state)
{
	char *out = make_plan(0.01, &two_of_four), *row;
	double az, plan, diff;
	int naz, nplan;
	(void)state;

	row = test_line_of(out, "vm_sets.csv", iid);
	assert_non_null(row);
	/* item_id,item_name,vault_name,azure_points,azure_freed_gb,
	 * azure_archive_gb,azure_saving,plan_points,plan_freed_gb,
	 * plan_archive_gb,plan_saving,difference,... */
	assert_int_equal(sscanf(strstr(row, ",vault-vm,") + 10,
				"%d,%*f,%*f,%lf,%d,%*f,%*f,%lf,%lf", &naz, &az,
				&nplan, &plan, &diff),
			 5);
	assert_int_equal(naz, 2);
	assert_int_equal(nplan, 4);
	assert_true(plan > az);
	assert_float_equal(diff, plan - az, 0.011);
	assert_non_null(strstr(row, ",EUR,"));
	assert_non_null(strstr(row, ",superset,"));
	assert_non_null(strstr(row, "the plan also moves 2 points Azure's "
				    "set leaves out"));
	free(row);
	/* the points Azure leaves out say so, with the worth */
	row = test_line_of(out, "plan.csv", ",m4,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",move_now,"));
	assert_non_null(strstr(row, "not in Azure's recommended set "
				    "(superset, vm_sets.csv)"));
	assert_non_null(strstr(row, "EUR more than Azure's over the points' "
				    "lives (estimated)"));
	free(row);
	/* Azure's own points move, with nothing to add */
	row = test_line_of(out, "plan.csv", ",m1,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",move_now,"));
	assert_null(strstr(row, "Azure's recommended set"));
	free(row);
	/* the policy is on TierRecommended: projected from Azure's set */
	row = test_line_of(out, "strategies.csv", "tier_recommended,");
	assert_non_null(row);
	assert_non_null(strstr(row, "Azure's recommended sets (all 4 VM "
				    "points)"));
	free(row);
	free(out);
}

/* At 0.2% a day the four free too little even together: the plan keeps
 * them, Azure's two included, and says what moving Azure's set would
 * lose. */
static void test_plan_azset__plan_keeps_azure_set(void **state)
{
	char *out = make_plan(0.002, &two_of_four), *row;
	(void)state;

	row = test_line_of(out, "vm_sets.csv", iid);
	assert_non_null(row);
	assert_non_null(strstr(row, ",kept,"));
	assert_non_null(strstr(row, "2 of Azure's 2 points stay"));
	free(row);
	row = test_line_of(out, "plan.csv", ",m2,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",keep,"));
	assert_non_null(strstr(row, "; in Azure's recommended set (kept, "
				    "vm_sets.csv)"));
	free(row);
	free(out);
}

/* Azure's set is the three oldest; the plan's own runs would add the
 * newest, a large point with six months left: a little more a month,
 * but spread over the set it shortens what the others save over their
 * long lives. Azure's whole set is worth more: the plan moves it. */
static void test_plan_azset__plan_moves_azure_set(void **state)
{
	static const struct points three_of_four = {
		{ 100, 60, 100, 150 }, { 609, 1674, 1674, 189 }, { 1, 1, 1, -1 }
	};
	char *out = make_plan(0.01, &three_of_four), *row;
	(void)state;

	row = test_line_of(out, "vm_sets.csv", iid);
	assert_non_null(row);
	assert_non_null(strstr(row, ",adopted,\"the plan moves Azure's whole "
				    "set, worth as much as the plan's own "
				    "runs or more"));
	free(row);
	for (int i = 1; i <= 3; i++) {
		char key[16];
		snprintf(key, sizeof(key), ",m%d,", i);
		row = test_line_of(out, "plan.csv", key);
		assert_non_null(row);
		assert_non_null(strstr(row, ",move_now,"));
		/* moved with Azure's three */
		assert_non_null(strstr(row, ",3,prior,true,"));
		free(row);
	}
	/* m4 is not in the set: decided alone (no set_points), on the
	 * prior, and its reason says it is outside Azure's set */
	row = test_line_of(out, "plan.csv", ",m4,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",,prior,false,"));
	assert_non_null(strstr(row, "not in Azure's recommended set"));
	free(row);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_plan_azset__plan_moves_more_and_says_why),
		cmocka_unit_test(test_plan_azset__plan_keeps_azure_set),
		cmocka_unit_test(test_plan_azset__plan_moves_azure_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
