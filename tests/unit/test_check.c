/* SPDX-License-Identifier: MIT
 * test_check.c: achieved RPO from history (gaps, p95, failure streaks, SQL
 * log chains), restore-time model and rehydration, and the check stage on
 * a small snapshot written with snapshot_writer_*. */
#include "testsnap.h"

#include <math.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "optimizer/check/check.h"
#include "models/check/rpo.h"
#include "models/check/rto.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"

#define AS_OF time_from_civil(2026, 11, 1, 0, 0, 0)
#define OCT(d, h, m) time_from_civil(2026, 10, d, h, m, 0)

static int teardown(void **state)
{
	(void)state;
	test_scratch_cleanup();
	return 0;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 0.01;
}

/* Daily backups at 22:00 through October; the 10th, 11th and 12th fail. */
static void test_check__observed_gaps_with_failed_jobs(void **state)
{
	struct backup_run runs[31];
	int64_t ok[31];
	size_t n = 0, nok = 0;
	struct observed_gaps g;
	struct failure_streak fs;

	(void)state;
	for (int d = 1; d <= 31; d++) {
		bool good = d < 10 || d > 12;
		runs[n++] = (struct backup_run){ OCT(d, 22, 0), good };
		if (good)
			ok[nok++] = OCT(d, 22, 0);
	}
	observed_gaps_compute(&g, ok, nok, OCT(2, 0, 0), AS_OF);
	assert_true(near(g.worst_h, 96)); /* 9th 22:00 -> 13th 22:00 */
	assert_true(g.worst_from == OCT(9, 22, 0));
	assert_false(g.worst_is_tail);
	/* 28 gaps: head 24 h, 25 x 24 h, 96 h, tail 2 h */
	assert_int_equal(g.ngaps, 28);
	assert_true(near(g.p95_h, 24));
	assert_true(near(g.newest_age_h, 2));
	assert_int_equal(g.n, 27);

	failure_streak_compute(&fs, runs, n, OCT(2, 0, 0), AS_OF);
	assert_int_equal(fs.longest, 3);
	assert_int_equal(fs.trailing, 0);
	assert_int_equal(fs.failed, 3);
	assert_int_equal(fs.runs, 30);
}

/* The last success is 52 h old, three failed jobs since. */
/* The p95 of the gaps is gsl_stats_quantile_from_sorted_data of the
 * sorted gaps, to the bit, whatever their order: random gaps with many
 * ties, rising, falling, all equal, any count. */
static void test_check__p95_gap_as_sorted_quantile(void **state)
{
	enum { MAXN = 400 };
	static int64_t t[MAXN + 1];
	static double gaps[MAXN + 1];
	uint32_t x = 7;

	(void)state;
	for (int shape = 0; shape < 5; shape++)
		for (size_t n = 1; n <= MAXN; n += 1 + n / 8) {
			struct observed_gaps g;
			int64_t to;
			double want;

			t[0] = 1000000;
			for (size_t i = 1; i < n; i++) {
				int64_t d;
				x = x * 1103515245u + 12345u;
				d = shape == 0   ? 86400 + (x >> 28) * 3600
				    : shape == 1 ? (int64_t)i * 60
				    : shape == 2 ? (int64_t)(n - i) * 60
				    : shape == 3 ? 86400
						 : (int64_t)(x >> 12) % 500000;
				t[i] = t[i - 1] + d + 1;
			}
			to = t[n - 1] + 3600;
			observed_gaps_compute(&g, t, n, t[0], to);
			for (size_t i = 1; i < n; i++)
				gaps[i - 1] = (double)(t[i] - t[i - 1]) / 3600;
			gaps[n - 1] = (double)(to - t[n - 1]) / 3600;
			gsl_sort(gaps, 1, n);
			want = gsl_stats_quantile_from_sorted_data(gaps, 1, n,
								   0.95);
			assert_int_equal(g.ngaps, n);
			assert_memory_equal(&g.p95_h, &want, sizeof(want));
		}
}

static void test_check__trailing_failures(void **state)
{
	struct backup_run runs[] = {
		{ OCT(28, 22, 0), true },  { OCT(29, 22, 0), true },
		{ OCT(31, 23, 0), false }, { OCT(30, 22, 0), false },
		{ OCT(31, 22, 0), false },
	};
	int64_t ok[] = { OCT(28, 22, 0), OCT(29, 22, 0) };
	int64_t as_of = time_from_civil(2026, 11, 1, 2, 0, 0);
	struct observed_gaps g;
	struct failure_streak fs;

	(void)state;
	backup_runs_sort(runs, ARRAY_SIZE(runs));
	failure_streak_compute(&fs, runs, ARRAY_SIZE(runs), OCT(1, 0, 0),
			       as_of);
	assert_int_equal(fs.trailing, 3);
	assert_true(fs.last_success == OCT(29, 22, 0));
	observed_gaps_compute(&g, ok, 2, OCT(1, 0, 0), as_of);
	assert_true(near(g.worst_h, 52));
	assert_true(g.worst_is_tail);
	assert_true(near(g.newest_age_h, 52));
}

static void test_check__no_backup_seen(void **state)
{
	struct observed_gaps g;

	(void)state;
	observed_gaps_compute(&g, NULL, 0, OCT(1, 0, 0), AS_OF);
	assert_true(isnan(g.worst_h));
	assert_true(g.newest == TIME_NONE);
}

/* Log every 15 min; one log point a day at 23:45; the 25th is missing. */
static void test_check__sql_log_chain(void **state)
{
	int64_t t[16];
	size_t n = 0;
	struct observed_gaps g;

	(void)state;
	for (int d = 18; d <= 31; d++)
		if (d != 25)
			t[n++] = OCT(d, 23, 45);
	observed_log_chain_compute(&g, t, n, 900, OCT(18, 0, 0), AS_OF);
	/* from the 24th 23:45 to the 26th 00:00 */
	assert_true(near(g.worst_h, 24.25));
	assert_true(g.worst_from == OCT(24, 23, 45));
	assert_true(near(g.p95_h, 0.25) || g.p95_h < 24);
	assert_true(near(g.newest_age_h, 0.25));
	/* a healthy chain: the log interval */
	n = 0;
	for (int d = 26; d <= 31; d++)
		t[n++] = OCT(d, 23, 45);
	observed_log_chain_compute(&g, t, n, 900, OCT(26, 0, 0), AS_OF);
	assert_true(near(g.worst_h, 0.25));
}

/* Restores on the line 0.5 h + GiB / 200, +-0.05 h in balanced pairs, and
 * one 3 h outlier the bisquare fit ignores. By hand: the residuals sorted
 * are -0.05 x4, +0.05 x4, +3; p90 = r[7] + 0.2 (r[8] - r[7]) = 0.64 h. */
static void test_check__rto_by_hand(void **state)
{
	struct rto_sample s[9];
	struct rto_model m;
	double gib[] = { 100, 100, 200, 200, 300, 300, 400, 400 };
	double expect;

	(void)state;
	for (int i = 0; i < 8; i++)
		s[i] = (struct rto_sample){ gib[i], 0.5 + gib[i] / 200 +
							    (i % 2 ? -0.05
								   : 0.05) };
	s[8] = (struct rto_sample){ 250, 0.5 + 250.0 / 200 + 3 };
	rto_model_fit(&m, s, 9);
	assert_true(m.fitted);
	assert_int_equal(m.n, 9);
	assert_true(fabs(m.fixed_h - 0.5) < 1e-3);
	assert_true(fabs(m.gib_per_h - 200) < 0.5);
	assert_true(fabs(m.p90_extra_h - 0.64) < 1e-3);
	/* a 400 GiB restore: 0.5 + 2 + 0.64 */
	expect = 3.14;
	assert_true(fabs(rto_model_hours(&m, 400) - expect) < 0.01);
	/* from Archive at Standard priority: 15 h first */
	assert_true(fabs(rto_rehydrate_hours(REHYDRATE_STANDARD, 400) +
			 rto_model_hours(&m, 400) - 18.14) < 0.01);
	/* High priority: ~1 h under 10 GiB, else 10 GiB/h */
	assert_true(near(rto_rehydrate_hours(REHYDRATE_HIGH, 4), 1));
	assert_true(near(rto_rehydrate_hours(REHYDRATE_HIGH, 50), 5));
	assert_true(near(rto_rehydrate_hours(REHYDRATE_HIGH, 400), 15));
	assert_non_null(strstr(m.basis, "fit on 9 restores"));
}

static void test_check__rto_defaults_with_few_restores(void **state)
{
	struct rto_sample s[3] = { { 10, 1 }, { 20, 1.5 }, { 30, 2 } };
	struct rto_model m;

	(void)state;
	rto_model_fit(&m, s, 3);
	assert_false(m.fitted);
	/* 1 h + 400 GiB at 100 GiB/h */
	assert_true(near(rto_model_hours(&m, 400), 5));
	assert_non_null(strstr(m.basis, "3 usable restores, 5 needed"));
	assert_true(near(RTO_SNAPSHOT_H, 0.5));
}

/* ---- the stage on a small estate ---- */

#define VAULT "v-000000000001"
#define P_VM "p-000000000001"
#define P_SQL "p-000000000002"

struct fx {
	struct snapshot_writer sw;
	int jobs;
	int points;
};

static void put_vault(struct fx *fx)
{
	struct vault v = test_vault(VAULT, "rsv-prod-01");

	v.subscription_id = "00000000-0000-0000-0000-000000000001";
	v.resource_group = "rg-backup";
	v.tenant_id = "";
	v.redundancy = RED_GRS;
	v.job_failure_alerts = ONOFF_UNKNOWN;
	snapshot_put_vault(&fx->sw, &v);
}

static void put_policies(struct fx *fx)
{
	struct policy p = test_policy(P_VM, VAULT, "EnhancedHourly");

	p.policy_type = PT_ENHANCED;
	p.frequency = FREQ_HOURLY;
	p.hourly_interval_h = 4;
	p.window_start = "08:00";
	p.window_hours = 12;
	p.run_times = "";
	p.instant_rp_days = 7;
	p.monthly_keep_months = 24;
	snapshot_put_policy(&fx->sw, &p);

	p.policy_id = P_SQL;
	p.policy_name = "SqlDaily";
	p.workload = WL_SQL;
	p.policy_type = PT_STANDARD;
	p.frequency = FREQ_DAILY;
	p.hourly_interval_h = p.window_hours = 0;
	p.window_start = "";
	p.run_times = "22:00";
	p.instant_rp_days = 0;
	p.monthly_keep_months = 0;
	p.log_interval_min = 15;
	p.log_keep_days = 15;
	snapshot_put_policy(&fx->sw, &p);
}

static struct item item_row(const char *id, const char *policy,
			    const char *name, int workload)
{
	struct item it = test_item(id, VAULT, policy, name);

	it.workload = workload;
	it.source_gb = 100;
	it.daily_churn = 0.03;
	return it;
}

static void put_job(struct fx *fx, const char *item, int64_t start, bool ok)
{
	struct job j = { 0 };
	char id[32];

	snprintf(id, sizeof(id), "job-%d", fx->jobs++);
	j.job_id = id;
	j.vault_id = VAULT;
	j.item_id = item;
	j.operation = "Backup";
	j.status = ok ? "Completed" : "Failed";
	j.source_tier = "";
	j.error_code = ok ? "" : "UserErrorVmNotFound";
	j.start_time = start;
	j.end_time = start + 600;
	j.duration_s = 600;
	j.rp_time = TIME_NONE;
	j.data_gb = ok ? 3 : NAN;
	snapshot_put_job(&fx->sw, &j);
}

static void put_point(struct fx *fx, const char *item, int64_t t, int kind,
		      int tier)
{
	struct rp rp = { 0 };
	char id[32];

	snprintf(id, sizeof(id), "rp-%d", fx->points++);
	rp.rp_id = id;
	rp.item_id = item;
	rp.move_info = "";
	rp.rp_time = t;
	rp.expiry_time = t + 800 * (int64_t)DAY_S;
	rp.kind = kind;
	rp.tier = tier;
	rp.move_ready = MR_UNKNOWN;
	rp.unique_gb = 3;
	rp.full_gb = 100;
	snapshot_put_rp(&fx->sw, &rp);
}

/* The Enhanced VM item's history: runs at 08, 12, 16, 20 (+10 min) from
 * 26 September; every run from fail_from on fails. */
static void put_vm_history(struct fx *fx, const char *item, int64_t fail_from)
{
	int64_t day0 = time_from_civil(2026, 9, 26, 0, 0, 0);
	int64_t last_vault = TIME_NONE;

	for (int64_t d = day0; d < AS_OF; d += DAY_S)
		for (int h = 8; h <= 20; h += 4)
			put_job(fx, item, d + h * HOUR_S + 600,
				d + h * HOUR_S + 600 < fail_from);
	put_point(fx, item, time_from_civil(2025, 10, 1, 20, 10, 0),
		  RK_MONTHLY, TIER_ARCHIVE);
	put_point(fx, item, OCT(1, 20, 10), RK_MONTHLY, TIER_STANDARD);
	for (int64_t d = OCT(2, 0, 0); d < AS_OF; d += DAY_S) {
		bool recent = d >= AS_OF - 7 * DAY_S;
		for (int h = 8; h <= 20; h += 4) {
			int64_t t = d + h * HOUR_S + 600;
			if (t >= fail_from)
				continue;
			if (h == 20)
				last_vault = t;
			if (h == 20 || recent)
				put_point(fx, item, t, RK_DAILY,
					  h < 20     ? TIER_SNAPSHOT
					  : recent ? TIER_SNAPSHOT_STANDARD
						   : TIER_STANDARD);
		}
	}
	assert_true(last_vault != TIME_NONE);
}

static void put_sql_history(struct fx *fx, const char *item)
{
	for (int d = 18; d <= 31; d++) {
		put_job(fx, item, OCT(d, 22, 0), true);
		put_point(fx, item, OCT(d, 22, 0), RK_FULL, TIER_STANDARD);
		put_point(fx, item, OCT(d, 23, 45), RK_LOG, TIER_STANDARD);
	}
}

static char *write_estate(void)
{
	struct fx fx = { 0 };
	struct item good = item_row("i-000000000001", P_VM, "vm-good", WL_VM);
	struct item bad = item_row("i-000000000002", P_VM, "vm-bad", WL_VM);
	struct item sql = item_row("i-000000000003", P_SQL, "sql-db",
				   WL_SQL);
	struct manifest m;
	struct err e = ERR_INIT;
	char *path = test_path("snap");

	assert_int_equal(snapshot_writer_begin(&fx.sw, path, &e), 0);
	put_vault(&fx);
	put_policies(&fx);
	snapshot_put_item(&fx.sw, &good);
	snapshot_put_item(&fx.sw, &bad);
	snapshot_put_item(&fx.sw, &sql);
	put_vm_history(&fx, good.item_id, AS_OF);
	put_vm_history(&fx, bad.item_id, OCT(30, 16, 0));
	put_sql_history(&fx, sql.item_id);
	test_manifest(&m, "csv", AS_OF, "t", NULL);
	m.backup_jobs_from = time_from_civil(2026, 9, 26, 0, 0, 0);
	test_commit_with(&fx.sw, &m);
	return path;
}

static const char targets_csv[] =
	"target_id,scope_type,scope,tier,rpo_hours,rto_hours,"
	"min_retention_days\n"
	"snap-8h,vault,rsv-*,snapshot,8,,\n"
	"snap-16h,policy,EnhancedHourly,snapshot,16,4,\n"
	"vault-24h,workload,AzureVM,vault,24,,\n"
	"ret-365,name,vm-good,any,,12,365\n"
	"sql-snap,workload,SQL,snapshot,1,,\n"
	"sql-vault,workload,sql,vault,1,,\n";

struct out_row {
	char *item, *target, *tier, *verdict, *reason, *pred, *obs, *rto;
	char *age, *streak, *margin, *cause;
};

struct out_rows {
	struct out_row r[32];
	size_t n;
};

static const struct csv_column read_cols[] = {
	{ "item_id", 1 },	 { "target_id", 1 },
	{ "tier", 1 },		 { "verdict", 1 },
	{ "reason", 1 },	 { "rpo_predicted_h", 1 },
	{ "rpo_observed_h", 1 }, { "rto_estimated_h", 1 },
	{ "newest_point_age_h", 1 }, { "failure_streak", 1 },
	{ "margin_hours", 1 },	 { "cause", 1 },
};
static const struct csv_schema read_schema = { "rpo_rto.csv", read_cols,
					       ARRAY_SIZE(read_cols) };

static int read_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct out_rows *o = ctx;
	struct out_row *w = &o->r[o->n++];
	char **f[] = { &w->item, &w->target, &w->tier,	 &w->verdict,
		       &w->reason, &w->pred, &w->obs, &w->rto,
		       &w->age, &w->streak, &w->margin, &w->cause };

	(void)e;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		*f[i] = xstrdup(r->val[i]);
	return 0;
}

static void rows_free(struct out_rows *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct out_row *w = &o->r[i];
		char *f[] = { w->item,	 w->target, w->tier, w->verdict,
			      w->reason, w->pred,   w->obs,  w->rto,
			      w->age,	 w->streak, w->margin, w->cause };
		for (size_t k = 0; k < ARRAY_SIZE(f); k++)
			free(f[k]);
	}
}

static const struct out_row *row_of(const struct out_rows *o,
				    const char *item, const char *target)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->r[i].item, item) &&
		    !strcmp(o->r[i].target, target))
			return &o->r[i];
	fail_msg("no row for %s / %s", item, target);
	return NULL;
}

static void run_check(struct out_rows *rows, struct check_summary *sum)
{
	char *snap = write_estate();
	char *tpath = test_write("targets.csv", targets_csv);
	char *out = test_path("rpo_rto.csv");
	struct snapshot s;
	struct target_set ts;
	struct err e = ERR_INIT;

	if (targets_load(&ts, tpath, &e) || snapshot_open(&s, snap, &e))
		fail_msg("%s", e.msg);
	if (check_run(&s, &ts, out, sum, &e))
		fail_msg("%s", e.msg);
	memset(rows, 0, sizeof(*rows));
	if (csv_read(out, &read_schema, read_row, rows, NULL, &e))
		fail_msg("%s", e.msg);
	snapshot_release(&s);
	targets_release(&ts);
	free(snap);
	free(tpath);
	free(out);
}

static void test_check__check_stage_verdicts(void **state)
{
	struct out_rows rows;
	struct check_summary sum;
	const struct out_row *r;

	(void)state;
	run_check(&rows, &sum);
	assert_int_equal(sum.targets, 6);
	assert_int_equal(sum.items_checked, 3);
	assert_int_equal(sum.rows, 10);
	assert_int_equal(sum.met, 2);
	assert_int_equal(sum.breached, 6);
	assert_int_equal(sum.unknown, 2);
	assert_int_equal(rows.n, 10);
	/* stable order: items.csv order, then the targets file's order */
	assert_string_equal(rows.r[0].target, "snap-8h");
	assert_string_equal(rows.r[3].target, "ret-365");
	assert_string_equal(rows.r[4].item, "i-000000000002");

	r = row_of(&rows, "i-000000000001", "snap-8h");
	assert_string_equal(r->verdict, "breached");
	assert_string_equal(r->pred, "14.00");
	assert_string_equal(r->obs, "12.00");
	assert_non_null(strstr(r->reason,
			       "Enhanced every 4 h from 08:00 for 12 h: worst "
			       "gap 12 h + 2 h jitter = 14 h > 8 h target"));

	r = row_of(&rows, "i-000000000001", "snap-16h");
	assert_string_equal(r->verdict, "met");
	assert_string_equal(r->rto, "0.50");
	assert_non_null(strstr(r->reason, "<= 16 h target"));

	r = row_of(&rows, "i-000000000001", "vault-24h");
	assert_string_equal(r->verdict, "breached");
	assert_string_equal(r->pred, "26.00");
	assert_string_equal(r->obs, "24.00");
	assert_non_null(strstr(r->reason,
			       "vault tier only gets the day's last backup: "
			       "worst gap 24 h + 2 h jitter = 26 h > 24 h "
			       "target"));

	/* 365 d back is the Archive monthly of 2025-10-01: 15 h Standard
	 * rehydration + 1 h + 100 GiB at 100 GiB/h (no restore history) */
	r = row_of(&rows, "i-000000000001", "ret-365");
	assert_string_equal(r->verdict, "breached");
	assert_string_equal(r->rto, "17.00");
	assert_non_null(strstr(r->reason,
			       "oldest point needed (365 d) is in Archive: "
			       "15 h standard-priority rehydration + 2 h "
			       "restore = 17 h (rehydration time: Blob "
			       "Storage's published figure, Azure Backup "
			       "publishes none; set --rehydration-hours) > "
			       "12 h target"));
	assert_string_equal(r->margin, "-5.00");
	assert_string_equal(r->cause, "archive_rehydration");

	/* vm-bad: every run since 30 October 16:00 failed (6 jobs) */
	r = row_of(&rows, "i-000000000002", "snap-16h");
	assert_string_equal(r->verdict, "breached");
	assert_string_equal(r->cause, "failed_jobs");
	assert_string_equal(r->streak, "6");
	assert_string_equal(r->age, "35.83");
	assert_non_null(strstr(r->reason,
			       "no successful backup for 35.8 h (6 failed "
			       "jobs in a row) > 16 h target"));
	r = row_of(&rows, "i-000000000002", "vault-24h");
	assert_string_equal(r->age, "51.83");
	assert_non_null(strstr(r->reason, "newest vault point is 51.8 h old "
					  "> 24 h target"));

	r = row_of(&rows, "i-000000000003", "sql-snap");
	assert_string_equal(r->verdict, "unknown");
	assert_non_null(strstr(r->reason, "no snapshot tier"));
	r = row_of(&rows, "i-000000000003", "sql-vault");
	assert_string_equal(r->verdict, "met");
	assert_string_equal(r->pred, "0.25");
	assert_string_equal(r->obs, "0.25");
	for (size_t i = 0; i < rows.n; i++)
		assert_true(rows.r[i].reason[0] != '\0');
	rows_free(&rows);
}

static void test_check__check_missing_timezones_table(void **state)
{
	char *snap = write_estate();
	char *tpath = test_write("t2.csv", targets_csv);
	char *out = test_path("never.csv");
	struct check_options o;
	struct check_summary sum;
	struct snapshot s;
	struct target_set ts;
	struct err e = ERR_INIT;

	(void)state;
	check_options_init(&o);
	o.timezones_path = "/nonexistent/timezones.csv";
	if (targets_load(&ts, tpath, &e) || snapshot_open(&s, snap, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(check_run_opts(&s, &ts, &o, out, &sum, &e), -1);
	assert_int_equal(e.code, EXIT_NOINPUT);
	assert_int_equal(access(out, F_OK), -1);
	snapshot_release(&s);
	targets_release(&ts);
	free(snap);
	free(tpath);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check__observed_gaps_with_failed_jobs),
		cmocka_unit_test(test_check__p95_gap_as_sorted_quantile),
		cmocka_unit_test(test_check__trailing_failures),
		cmocka_unit_test(test_check__no_backup_seen),
		cmocka_unit_test(test_check__sql_log_chain),
		cmocka_unit_test(test_check__rto_by_hand),
		cmocka_unit_test(test_check__rto_defaults_with_few_restores),
		cmocka_unit_test(test_check__check_stage_verdicts),
		cmocka_unit_test(test_check__check_missing_timezones_table),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
