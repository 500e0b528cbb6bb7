/* SPDX-License-Identifier: MIT
 * test_plan.c: the plan and report hubs (plan_run, report_run) on a small
 * hand-made snapshot: one westeurope LRS vault, one SQL item with five
 * recovery points whose fate is plain (a full eligible now, a full too
 * young, a full already archived, a full with too little retention left,
 * a log point), so a failure names the stage and the point, not "plan.csv
 * differs". Prices are the bundled sheet's westeurope EUR rows. */
#include "testsnap.h"

#include <limits.h>
#include <math.h>

#include "models/restore/restore_data.h"
#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"
#include "optimizer/plan/plan.h"
#include "optimizer/report/report.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z, the as-of */
#define STD_LRS 0.019658       /* EUR per GB-month, data/prices */
#define ARC_LRS 0.002106
#define PI_SQL 28.52           /* EUR per instance-month */

#define VAULT_ARM "/subscriptions/sub-1/resourceGroups/rg/providers/" \
		  "Microsoft.RecoveryServices/vaults/vault-sql"

/* |a - b| <= tol, saying both when not. */
#define assert_near(a, b, tol)                                            \
	do {                                                              \
		double a_ = (a), b_ = (b);                                \
		if (!(fabs(a_ - b_) <= (tol)))                            \
			fail_msg("%s = %.6f, wanted %.6f", #a, a_, b_);   \
	} while (0)

static char vid[SNAPSHOT_ID_LEN], iid[SNAPSHOT_ID_LEN];

static void put_estate(struct snapshot_writer *sw)
{
	snapshot_make_id(vid, 'v', VAULT_ARM);
	snapshot_make_id(iid, 'i', VAULT_ARM "/items/salesdb");
	test_put_vault(sw, vid, "vault-sql");
	snapshot_put_policy(sw, &(struct policy){
		.policy_id = "p-000000000001", .vault_id = vid,
		.policy_name = "sql-weekly", .arm_id = VAULT_ARM "/p/sql",
		.window_start = "", .run_times = "22:00",
		.run_days = "Saturday", .time_zone = "UTC",
		.diff_run_days = "", .workload = WL_SQL,
		.policy_type = PT_STANDARD, .frequency = FREQ_WEEKLY,
		.weekly_keep_weeks = 12, .monthly_keep_months = 60,
		.tiering_mode = TM_NONE, .log_interval_min = 60,
		.log_keep_days = 15 });
	snapshot_put_item(sw, &(struct item){
		.item_id = iid, .vault_id = vid,
		.policy_id = "p-000000000001", .item_name = "salesdb",
		.protection_state = "Protected",
		.arm_id = VAULT_ARM "/items/salesdb", .source_resource_id = "",
		.workload = WL_SQL, .size_source = SS_REPORTED,
		.source_gb = 200, .daily_churn = 0.01, .standard_gb = 260,
		.archive_gb = 100, .last_backup_time = T0 - DAY_S });
}

/* rp_id, kind, tier, age in days, days of retention left, GiB */
static void put_point(struct snapshot_writer *sw, const char *id, int kind,
		      int tier, int age, int left, double gb)
{
	snapshot_put_rp(sw, &(struct rp){
		id, iid, "", T0 - age * DAY_S, T0 + left * DAY_S, kind, tier,
		tier == TIER_ARCHIVE ? MR_FALSE : MR_TRUE, gb, gb, 0 });
}

static char *write_snapshot(void)
{
	struct err e = ERR_INIT;
	struct snapshot_writer sw;
	char *dir = test_path("snap");

	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	put_estate(&sw);
	put_point(&sw, "archived", RK_FULL, TIER_ARCHIVE, 400, 1400, 100);
	put_point(&sw, "old", RK_FULL, TIER_STANDARD, 300, 1500, 100);
	put_point(&sw, "short", RK_FULL, TIER_STANDARD, 250, 100, 100);
	put_point(&sw, "young", RK_FULL, TIER_STANDARD, 20, 1780, 50);
	put_point(&sw, "log", RK_LOG, TIER_STANDARD, 1, 14, 10);
	test_commit_snapshot(&sw, T0);
	return dir;
}

/* The plan.csv row of rp_id; caller frees. */
static char *plan_row(const char *plan_dir, const char *rp_id)
{
	char *key = xasprintf(",%s,", rp_id);
	char *found = test_line_of(plan_dir, "plan.csv", key);

	free(key);
	return found;
}

static void make_plan(const char *snap, const char *out, int64_t as_of,
		      struct plan_summary *sum)
{
	struct err e = ERR_INIT;
	struct plan_options o;
	struct snapshot s;

	plan_options_init(&o);
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	s.as_of = as_of;
	if (plan_run(&s, &o, out, sum, &e))
		fail_msg("plan_run: %s", e.msg);
	snapshot_release(&s);
}

static const char *const plan_files[] = {
	"plan.csv", "policy_changes.csv", "strategies.csv", "vault_months.csv",
	"summary.csv", "plan.json",
};

static void test_plan__files_counts_and_money(void **state)
{
	struct plan_summary sum = { 0 };
	char *snap = write_snapshot(), *out = test_path("plan");

	(void)state;
	make_plan(snap, out, T0, &sum);
	/* the files docs/commands/plan.md names (others may follow) */
	for (size_t i = 0; i < ARRAY_SIZE(plan_files); i++) {
		char *f = xasprintf("%s/%s", out, plan_files[i]);
		if (!test_exists(f))
			fail_msg("plan_run wrote no %s", plan_files[i]);
		free(f);
	}
	assert_string_equal(sum.currency, "EUR");
	assert_int_equal(sum.points, 5);
	/* the four fulls could ever be archived, the log point never */
	assert_int_equal(sum.considered, 4);
	assert_int_equal(sum.move_now + sum.move_on + sum.keep +
				 sum.ineligible,
			 4);
	assert_int_equal(sum.eligible_now, 1);
	assert_int_equal(sum.move_now, 1);
	/* Standard: old, short, young and log (unique GiB); Archive: the
	 * archived full, at LRS prices; one SQL instance under 500 GB */
	assert_near(sum.standard_gb, 260, 1e-9);
	assert_near(sum.archive_gb, 100, 1e-9);
	assert_near(sum.monthly_storage_now,
			    260 * STD_LRS + 100 * ARC_LRS, 0.01);
	assert_near(sum.monthly_pi, PI_SQL, 0.01);
	assert_int_equal(sum.move_on, 1);
	assert_int_equal(sum.ineligible, 2);
	/* once old (100 GiB) and young (50 GiB) have moved, each GiB costs
	 * the Archive price instead of the Standard one */
	assert_near(sum.monthly_storage_now - sum.monthly_storage_after,
		    150 * (STD_LRS - ARC_LRS), 0.01);
	assert_true(sum.saving_total > 0);
	plan_summary_release(&sum);
	free(out);
	free(snap);
}

static void test_plan__each_point_says_why(void **state)
{
	struct plan_summary sum = { 0 };
	char *snap = write_snapshot(), *out = test_path("plan");
	char *row;

	(void)state;
	make_plan(snap, out, T0, &sum);
	row = plan_row(out, "old");
	assert_non_null(row);
	assert_non_null(strstr(row, ",move_now,2026-11-01,"));
	assert_non_null(strstr(row, "EUR"));
	free(row);
	/* SQL fulls wait 45 days: the young one (2026-10-12) is eligible
	 * from 2026-11-26. Without a model plan decides on the documented
	 * prior fitted on the snapshot (no restores in a year): a weekly
	 * full's expected restores over its 58 months left, 0.74, cost
	 * 0.34 EUR from Archive (each costs the rehydrated copy, 50 x
	 * STD_LRS x 15 / 30.436875 = 0.484 EUR; no one-off retrieval fee:
	 * domain-audit R4), far less than the 50 x (STD_LRS - ARC_LRS) =
	 * 0.878 EUR a month moving saves: it moves the day it may. */
	row = plan_row(out, "young");
	assert_non_null(row);
	/* its reason is reasons.csv's breakeven sentence with the row's
	 * figures: no sentence of its own */
	assert_non_null(strstr(row, ",move_on,2026-11-26,,"));
	assert_non_null(strstr(row, ",0.34,"));
	/* set_points (none), the method, then the reason code, last */
	assert_non_null(strstr(row, ",,prior,,reported,breakeven\r"));
	free(row);
	/* 100 days of retention left, under the 180 Azure requires */
	row = plan_row(out, "short");
	assert_non_null(row);
	assert_non_null(strstr(row, ",ineligible,,,"));
	assert_non_null(strstr(row, ",2027-02-09T"));
	assert_non_null(strstr(row, ",retention-too-short\r"));
	free(row);
	row = plan_row(out, "archived");
	assert_non_null(row);
	assert_non_null(strstr(row, ",ineligible,,,"));
	assert_non_null(strstr(row, ",already-archive\r"));
	free(row);
	assert_null(plan_row(out, "log"));
	/* reasons.csv: each code once, its sentence and its rows */
	row = test_line_of(out, "reasons.csv", "retention-too-short,");
	assert_non_null(row);
	assert_non_null(strstr(row, "retention ends {expiry_time}: fewer "
				    "than 180 days would be left in Archive "
				    "(Azure requires 180),1,0.00,EUR,"
				    "when-more"));
	free(row);
	plan_summary_release(&sum);
	free(out);
	free(snap);
}

static void test_report__agrees_with_its_plan(void **state)
{
	struct err e = ERR_INIT;
	struct plan_summary ps = { 0 };
	struct report_summary rs = { 0 };
	struct report_options o;
	struct snapshot s;
	char *snap = write_snapshot(), *plan = test_path("plan");
	char *out = test_path("report");
	static const char *const report_files[] = {
		"report.html", "focus.csv", "vaults.csv", "policies.csv",
	};

	(void)state;
	make_plan(snap, plan, T0, &ps);
	report_options_init(&o);
	o.plan_dir = plan;
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	if (report_run(&s, &o, out, &rs, &e))
		fail_msg("report_run: %s", e.msg);
	for (size_t i = 0; i < ARRAY_SIZE(report_files); i++) {
		char *f = xasprintf("%s/%s", out, report_files[i]);
		if (!test_exists(f))
			fail_msg("report_run wrote no %s", report_files[i]);
		free(f);
	}
	assert_string_equal(rs.currency, "EUR");
	/* the report projects nothing itself: its figures are the plan's */
	assert_near(rs.standard_cost + rs.archive_cost,
			    ps.monthly_storage_now, 0.01);
	assert_near(rs.pi_cost, ps.monthly_pi, 0.01);
	assert_near(rs.avg_saving, ps.avg_monthly_saving, 0.01);
	assert_int_equal(rs.horizon_months, ps.horizon_months);
	assert_near(rs.standard_gb, ps.standard_gb, 0.01);
	assert_near(rs.archive_gb, ps.archive_gb, 0.01);
	assert_false(rs.has_previous);
	/* no bill: focus.csv has no row charged; the plan is in forecast */
	assert_int_equal(rs.focus_rows, 0);
	assert_true(rs.forecast_rows > 0);
	report_summary_release(&rs);
	plan_summary_release(&ps);
	snapshot_release(&s);
	free(out);
	free(plan);
	free(snap);
}

static void test_report__refuses_a_plan_of_another_day(void **state)
{
	struct err e = ERR_INIT;
	struct plan_summary ps = { 0 };
	struct report_summary rs = { 0 };
	struct report_options o;
	struct snapshot s;
	char *snap = write_snapshot(), *plan = test_path("plan-oct31");
	char *out = test_path("report-refused");

	(void)state;
	make_plan(snap, plan, T0 - DAY_S, &ps);
	report_options_init(&o);
	o.plan_dir = plan;
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	assert_int_not_equal(report_run(&s, &o, out, &rs, &e), 0);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "2026-10-31"));
	assert_non_null(strstr(e.msg, "2026-11-01"));
	assert_false(test_exists(out));
	report_summary_release(&rs);
	plan_summary_release(&ps);
	snapshot_release(&s);
	free(out);
	free(plan);
	free(snap);
}

/* ---- a VM set moves or stays (issue 17) ---- */

static char vm_id[SNAPSHOT_ID_LEN];

/* A VM of 100 GiB changing 2% a day, monthly points kept 24 months and
 * yearly ones 3 years: its monthly points at 120-300 days, one of them
 * (at 240 days) the yearly point. */
static char *write_vm_snapshot(void)
{
	struct err e = ERR_INIT;
	struct snapshot_writer sw;
	char *dir = test_path("vmsnap");
	char id[16];

	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	put_estate(&sw);
	snapshot_make_id(vm_id, 'i', VAULT_ARM "/items/vm-app");
	snapshot_put_policy(&sw, &(struct policy){
		.policy_id = "p-000000000002", .vault_id = vid,
		.policy_name = "vm-daily", .arm_id = VAULT_ARM "/p/vm",
		.window_start = "", .run_times = "22:00", .run_days = "",
		.time_zone = "UTC", .diff_run_days = "", .workload = WL_VM,
		.policy_type = PT_STANDARD, .frequency = FREQ_DAILY,
		.instant_rp_days = 2, .daily_keep_days = 30,
		.monthly_keep_months = 24, .yearly_keep_years = 3,
		.tiering_mode = TM_NONE });
	snapshot_put_item(&sw, &(struct item){
		.item_id = vm_id, .vault_id = vid,
		.policy_id = "p-000000000002", .item_name = "vm-app",
		.protection_state = "Protected",
		.arm_id = VAULT_ARM "/items/vm-app", .source_resource_id = "",
		.workload = WL_VM, .size_source = SS_REPORTED,
		.source_gb = 100, .daily_churn = 0.02, .standard_gb = 300,
		.archive_gb = 0, .last_backup_time = T0 - DAY_S });
	for (int age = 120; age <= 300; age += 30) {
		bool yearly = age == 240;
		snprintf(id, sizeof(id), "%c%d", yearly ? 'y' : 'm', age);
		snapshot_put_rp(&sw, &(struct rp){
			id, vm_id, "", T0 - age * DAY_S,
			T0 + ((yearly ? 1095 : 730) - age) * DAY_S,
			yearly ? RK_YEARLY : RK_MONTHLY, TIER_STANDARD,
			MR_TRUE, 30, 100, 0 });
	}
	test_commit_snapshot(&sw, T0);
	return dir;
}

/* The documented prior after 35 restores of 10 monthly points watched
 * 400 days: about 1e-4 restores per coverage-day once past the first
 * months, so a monthly point (30 days of look-back) is rarely restored
 * and the yearly one (365 days) more than Archive can pay for. */
static struct restore_model *vm_model(void)
{
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;

	o.min_events = LONG_MAX;
	restore_data_init(&d, 0, NULL, NULL);
	for (int i = 0; i < 10; i++)
		restore_data_add_exposure(&d, WL_VM, -1, RK_MONTHLY, 30, 0,
					  400);
	for (int i = 0; i < 35; i++)
		restore_data_add_event(&d, WL_VM, -1, RK_MONTHLY, 30,
				       10.0 * (i + 1));
	assert_int_equal(restore_model_fit_data(&m, &d, &o, &e), 0);
	restore_data_release(&d);
	return m;
}

/* Issue 17, cause 1: the yearly point, in the middle of the chosen run,
 * was kept for restore risk while its run-mates moved on shares that
 * assumed it moved too. Now it leaves the set, the set is chosen again
 * without it, and every point of the set moves. Cause 2: with its
 * neighbours all in Archive the yearly point holds nearly a full copy
 * (95.3 GiB) for the rest of its life, which pays for its expected
 * restores: it moves too, on its own. */
static void test_plan__vm_set_moves_or_stays(void **state)
{
	struct plan_summary sum = { 0 };
	struct err e = ERR_INIT;
	struct plan_options o;
	struct snapshot s;
	struct restore_model *m = vm_model();
	char *snap = write_vm_snapshot(), *out = test_path("vmplan");
	char *row;

	(void)state;
	plan_options_init(&o);
	o.model = m;
	assert_int_equal(snapshot_open(&s, snap, &e), 0);
	s.as_of = T0;
	if (plan_run(&s, &o, out, &sum, &e))
		fail_msg("plan_run: %s", e.msg);
	snapshot_release(&s);
	row = plan_row(out, "y240");
	assert_non_null(row);
	assert_non_null(strstr(row, ",move_now,"));
	/* freed_gb: 95.3 GiB of Standard; not in the set: no set_points */
	assert_non_null(strstr(row, ",95.267,,model"));
	assert_non_null(strstr(row, ",breakeven\r"));
	free(row);
	for (int age = 120; age <= 300; age += 30) {
		char id[16];
		if (age == 240)
			continue;
		snprintf(id, sizeof(id), "m%d", age);
		row = plan_row(out, id);
		assert_non_null(row);
		if (!strstr(row, ",move_now,"))
			fail_msg("%s does not move with its set: %s", id, row);
		/* the set is the six monthly points */
		assert_non_null(strstr(row, ",6,model"));
		free(row);
	}
	assert_int_equal(sum.move_now, 7);
	plan_summary_release(&sum);
	restore_model_free(m);
	free(out);
	free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan__files_counts_and_money),
		cmocka_unit_test(test_plan__each_point_says_why),
		cmocka_unit_test(test_report__agrees_with_its_plan),
		cmocka_unit_test(test_report__refuses_a_plan_of_another_day),
		cmocka_unit_test(test_plan__vm_set_moves_or_stays),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
