/* SPDX-License-Identifier: MIT
 * test_plan_footprint.c: issue 17, cause 2, through plan_run on a
 * hand-made snapshot: one westeurope LRS vault, one VM item whose yearly
 * point sits among monthly points that expire or move within months.
 * Priced at what it frees at its move (54.8 GiB of 100) the yearly point
 * stayed for restore risk; priced at what it holds over the rest of its
 * life as its neighbours leave Standard (nearly a full copy) it moves. */
#include "testsnap.h"

#include <math.h>

#include "optimizer/plan/plan.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z, the as-of */

#define VAULT_ARM "/subscriptions/sub-1/resourceGroups/rg/providers/" \
		  "Microsoft.RecoveryServices/vaults/vault-vm"

static char vid[SNAPSHOT_ID_LEN], iid[SNAPSHOT_ID_LEN];

/* Daily churn at which a point between two others 30 days apart holds
 * 30% of the item: f(30)^2 = 0.3. */
static double churn(void)
{
	return 1 - pow(1 - sqrt(0.3), 1.0 / 30);
}

static void put_estate(struct snapshot_writer *sw)
{
	snapshot_make_id(vid, 'v', VAULT_ARM);
	snapshot_make_id(iid, 'i', VAULT_ARM "/items/db01");
	test_put_vault(sw, vid, "vault-vm");
	snapshot_put_policy(sw, &(struct policy){
		.policy_id = "p-000000000001", .vault_id = vid,
		.policy_name = "vm-daily", .arm_id = VAULT_ARM "/p/vm",
		.window_start = "", .run_times = "22:00", .run_days = "",
		.time_zone = "UTC", .diff_run_days = "", .workload = WL_VM,
		.policy_type = PT_STANDARD, .frequency = FREQ_DAILY,
		.instant_rp_days = 2, .daily_keep_days = 7,
		.monthly_keep_months = 24, .yearly_keep_years = 3,
		.tiering_mode = TM_NONE });
	snapshot_put_item(sw, &(struct item){
		.item_id = iid, .vault_id = vid,
		.policy_id = "p-000000000001", .item_name = "db01",
		.protection_state = "Protected",
		.arm_id = VAULT_ARM "/items/db01", .source_resource_id = "",
		.workload = WL_VM, .size_source = SS_REPORTED,
		.source_gb = 100, .daily_churn = churn(), .standard_gb = 250,
		.archive_gb = 0, .last_backup_time = T0 - DAY_S,
		.deferred_delete_time = TIME_NONE });
}

/* Monthly points every 30 days from 730 to 40 days old, kept two years,
 * and the yearly one in their midst, 700 days old, kept three (y1). */
static char *write_snapshot(void)
{
	struct err e = ERR_INIT;
	struct snapshot_writer sw;
	char *dir = test_path("snap"), id[16];

	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	put_estate(&sw);
	for (int age = 730; age >= 40; age -= 30) {
		int64_t t = T0 - age * DAY_S;
		bool yearly = age == 700;
		snprintf(id, sizeof(id), "%s%d", yearly ? "y" : "m", age);
		snapshot_put_rp(&sw, &(struct rp){
			id, iid, "", t,
			t + (yearly ? 1095 : 730) * DAY_S,
			yearly ? RK_YEARLY : RK_MONTHLY, TIER_STANDARD,
			MR_TRUE, 30, 100, -1 });
	}
	test_commit_snapshot(&sw, T0);
	return dir;
}

/* Its monthly neighbours expire over the next months, or move, so the
 * yearly point, 395 days left, holds 54.8 GiB today (the older neighbour
 * expires today) and 90.6 GiB on average over its life. With an hour of
 * delay at 5 EUR, priced at 54.8 GiB it stayed for restore risk (the
 * prior puts P(any restore) at 20%); it moves now. */
static void test_plan_footprint__yearly_moves(void **state)
{
	struct err e = ERR_INIT;
	struct plan_summary sum = { 0 };
	struct plan_options o;
	struct snapshot s;
	char *snap = write_snapshot(), *out = test_path("plan"), *row;
	(void)state;

	plan_options_init(&o);
	o.cost.delay_cost_hour = 5; /* a restore from Archive: 76 EUR */
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	if (plan_run(&s, &o, out, &sum, &e))
		fail_msg("plan_run: %s", e.msg);
	snapshot_release(&s);
	plan_summary_release(&sum);
	/* plan.csv: ...,action,move_date,reason,... freed_gb,set_points,
	 * method,azure_recommended,basis */
	row = test_line_of(out, "plan.csv", ",y700,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",move_now,2026-11-01,\"saves "));
	assert_non_null(strstr(row, "frees 90.6 GiB of Standard"));
	assert_non_null(strstr(row, ",90.555,,prior,"));
	free(row);
	/* its neighbours, which leave Standard within months, may not move */
	row = test_line_of(out, "plan.csv", ",m670,");
	assert_non_null(row);
	assert_non_null(strstr(row, ",ineligible,"));
	free(row);
	free(snap);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_footprint__yearly_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
