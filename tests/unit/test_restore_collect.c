/* SPDX-License-Identifier: MIT
 * test_restore_collect.c: what the restore-model fit takes from a
 * snapshot: restore events keyed to their point, retries merged, failed
 * restores kept, restores of vanished or log points dropped and counted,
 * delayed entry and censoring of each point's exposure, coverage weights;
 * then `fit` end to end on that snapshot (too few restores: the prior).
 * The fit's own read (restore_scan.c, begun before the snapshot is
 * opened or not) and run's shared stream give the same data; the likelihood's sums on two cores equal the plain loops;
 * the bin of an age found by a first guess is the edges' own. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_errno.h>

#include "models/restore/restore_data.h"
#include "models/restore/restore_model.h"
#include "models/restore/restore_scan.h"
#include "optimizer/snapshot/snapcache.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define AS_OF 1793491200 /* 2026-11-01T00:00:00Z */
#define D(n) ((int64_t)(n) * DAY_S)

static struct vault test_vault(void)
{
	struct vault v = { 0 };

	v.vault_id = "v-1";
	v.subscription_id = "sub";
	v.resource_group = "rg";
	v.vault_name = "vault1";
	v.location = "westeurope";
	v.resource_guard_id = "";
	v.tenant_id = "";
	v.soft_delete_days = 14;
	v.job_failure_alerts = ONOFF_UNKNOWN;
	return v;
}

static struct policy test_policy(const char *id, int workload, int freq,
				 const char *days)
{
	struct policy p = { 0 };

	p.policy_id = id;
	p.vault_id = "v-1";
	p.policy_name = id;
	p.window_start = "";
	p.run_times = "22:00";
	p.run_days = days;
	p.time_zone = "UTC";
	p.diff_run_days = "";
	p.arm_id = "";
	p.workload = workload;
	p.frequency = freq;
	p.daily_keep_days = 30;
	p.monthly_keep_months = 24;
	return p;
}

static struct item test_item(const char *id, const char *policy,
			     int workload)
{
	struct item it = { 0 };

	it.item_id = id;
	it.vault_id = "v-1";
	it.policy_id = policy;
	it.item_name = id;
	it.protection_state = policy[0] ? "Protected" : "ProtectionStopped";
	it.arm_id = it.source_resource_id = "";
	it.workload = workload;
	it.source_gb = 100;
	it.last_backup_time = TIME_NONE;
	return it;
}

static void put_rp(struct snapshot_writer *sw, const char *id,
		   const char *item, int kind, int64_t rp_time,
		   int64_t expiry)
{
	struct rp rp = { 0 };

	rp.rp_id = id;
	rp.item_id = item;
	rp.move_info = "";
	rp.rp_time = rp_time;
	rp.expiry_time = expiry;
	rp.kind = kind;
	rp.tier = TIER_STANDARD;
	rp.move_ready = MR_UNKNOWN;
	rp.unique_gb = rp.full_gb = 1;
	snapshot_put_rp(sw, &rp);
}

static void put_job(struct snapshot_writer *sw, const char *id,
		    const char *item, const char *op, const char *status,
		    int64_t start, int64_t rp_time)
{
	struct job j = { 0 };

	j.job_id = id;
	j.vault_id = "v-1";
	j.item_id = item;
	j.operation = op;
	j.status = status;
	j.source_tier = "";
	j.error_code = "";
	j.start_time = start;
	j.end_time = TIME_NONE;
	j.rp_time = rp_time;
	j.duration_s = j.data_gb = NAN;
	snapshot_put_job(sw, &j);
}

/* One vault; a VM policy and a weekly-full SQL policy; a VM item, a SQL
 * item and a stopped VM item (no policy). Restore history: 100 days. */
static char *write_snapshot(void)
{
	char *dir = test_path("snap");
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;
	struct vault v = test_vault();
	struct policy vm = test_policy("p-vm", WL_VM, FREQ_DAILY, "");
	struct policy sql = test_policy("p-sql", WL_SQL, FREQ_WEEKLY,
					"Sunday");
	struct item a = test_item("i-vm1", "p-vm", WL_VM);
	struct item b = test_item("i-sql1", "p-sql", WL_SQL);
	struct item c = test_item("i-vm2", "", WL_VM);
	const char *R = "Restore", *OK = "Completed", *KO = "Failed";

	manifest_init(&m);
	m.exported_at = AS_OF;
	m.restore_jobs_from = AS_OF - D(100);
	m.source = xstrdup("csv");
	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	snapshot_put_vault(&sw, &v);
	snapshot_put_policy(&sw, &vm);
	snapshot_put_policy(&sw, &sql);
	snapshot_put_item(&sw, &a);
	snapshot_put_item(&sw, &b);
	snapshot_put_item(&sw, &c);
	/* entry 100 d, exit 200 d, w 30 */
	put_rp(&sw, "A", "i-vm1", RK_MONTHLY, AS_OF - D(200),
	       AS_OF + D(530));
	/* 0-10 d, w 1 */
	put_rp(&sw, "B", "i-vm1", RK_DAILY, AS_OF - D(10), AS_OF + D(20));
	/* expired 10 days ago: 0-30 d */
	put_rp(&sw, "C", "i-vm1", RK_DAILY, AS_OF - D(40), AS_OF - D(10));
	/* 0-50 d, w 7 (weekly fulls) */
	put_rp(&sw, "D", "i-sql1", RK_FULL, AS_OF - D(50), AS_OF + D(300));
	/* a log point: no exposure */
	put_rp(&sw, "E", "i-sql1", RK_LOG, AS_OF - D(2), AS_OF + D(10));
	/* kept forever: 300-400 d, w 30 */
	put_rp(&sw, "F", "i-vm2", RK_MONTHLY, AS_OF - D(400), TIME_NONE);
	/* after the as-of: ignored */
	put_rp(&sw, "G", "i-vm2", RK_DAILY, AS_OF + D(1), AS_OF + D(30));

	put_job(&sw, "j1", "i-vm1", R, OK, AS_OF - D(50), AS_OF - D(200));
	put_job(&sw, "j2", "i-vm1", R, KO, AS_OF - D(50) + 7200,
		AS_OF - D(200));                       /* a retry */
	put_job(&sw, "j3", "i-vm1", R, KO, AS_OF - D(20), AS_OF - D(200));
	put_job(&sw, "j4", "i-vm1", R, OK, AS_OF - D(60),
		AS_OF - D(300));                       /* point gone */
	put_job(&sw, "j7", "i-vm1", R, OK, AS_OF - D(5), TIME_NONE);
	put_job(&sw, "j8", "i-vm1", "Backup", OK, AS_OF - D(3), TIME_NONE);
	put_job(&sw, "j9", "i-vm1", R, OK, AS_OF + D(1), AS_OF - D(10));
	put_job(&sw, "j10", "i-vm1", R, OK, AS_OF - D(11),
		AS_OF - D(10));                        /* before its point */
	put_job(&sw, "j5", "i-sql1", R, OK, AS_OF - D(1), AS_OF - D(2));
	put_job(&sw, "j6", "i-vm2", R, OK, AS_OF - D(30), AS_OF - D(400));
	assert_int_equal(snapshot_writer_commit(&sw, &m, &e), 0);
	manifest_release(&m);
	return dir;
}

static void test_restore_collect__events_and_exposure(void **state)
{
	char *dir = write_snapshot();
	struct snapshot s;
	struct restore_data d;
	struct err e = ERR_INIT;
	const struct restore_fit_summary *sum = &d.sum;

	(void)state;
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	if (restore_data_collect(&d, &s, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sum->restore_jobs, 8);
	assert_int_equal(sum->failed_jobs, 2);
	assert_int_equal(sum->retries_merged, 1);
	assert_int_equal(sum->events_used, 3);
	assert_int_equal(sum->dropped_expired, 1);
	assert_int_equal(sum->dropped_no_rp_time, 1);
	assert_int_equal(sum->dropped_log_points, 1);
	assert_int_equal(sum->dropped_bad_age, 1);
	assert_true(sum->history_from == AS_OF - D(100));
	assert_int_equal(sum->points, 5);
	assert_true(fabs(sum->point_days - 290) < 1e-9);
	assert_true(fabs(sum->coverage_point_days - 6390) < 1e-9);
	/* events at ages 150 and 180 (VM policy) and 370 (stopped item) */
	assert_int_equal(d.nev, 3);
	assert_true(fabs(d.ev[0].age - 150) < 1e-9 && d.ev[0].weight == 30);
	assert_true(fabs(d.ev[1].age - 180) < 1e-9);
	assert_true(fabs(d.ev[2].age - 370) < 1e-9 && d.ev[2].policy == -1);
	assert_int_equal(d.workload[WL_VM].events, 3);
	assert_int_equal(d.policy[0].events, 2);
	assert_int_equal(d.policy[1].events, 0);
	assert_true(fabs(d.policy[1].cov_days - 350) < 1e-9);
	assert_int_equal(d.kind[RK_MONTHLY].events, 3);
	/* the age table: 180-364 d holds A's 180-200, F's 300-365 and the
	 * event at 180; 365-729 F's 365-400 and the event at 370 */
	assert_int_equal(d.tab_events[7], 1);
	assert_true(fabs(d.tab_point_days[7] - 85) < 1e-9);
	assert_true(fabs(d.tab_cov_days[7] - 30 * 85) < 1e-9);
	assert_int_equal(d.tab_events[8], 1);
	assert_true(fabs(d.tab_point_days[8] - 35) < 1e-9);
	restore_data_release(&d);
	snapshot_release(&s);
	free(dir);
}

/* An earlier --as-of censors exposure and drops later restores. */
static void test_restore_collect__as_of(void **state)
{
	char *dir = write_snapshot();
	struct snapshot s;
	struct restore_data d;
	struct err e = ERR_INIT;

	(void)state;
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	s.as_of = AS_OF - D(40);
	if (restore_data_collect(&d, &s, &e))
		fail_msg("%s", e.msg);
	/* j1 and its retry j2 (one event) and j4 (point gone) remain */
	assert_int_equal(d.sum.restore_jobs, 3);
	assert_int_equal(d.sum.events_used, 1);
	assert_int_equal(d.sum.dropped_expired, 1);
	/* A: 100-160 d; C: made at the as-of; D: 0-10 d; F: 300-360 d */
	assert_int_equal(d.sum.points, 3);
	assert_true(fabs(d.sum.point_days - 130) < 1e-9);
	restore_data_release(&d);
	snapshot_release(&s);
	free(dir);
}

static void test_restore_collect__fit_writes_the_prior(void **state)
{
	char *dir = write_snapshot(), *out = test_path("model.json");
	struct snapshot s;
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL, *back = NULL;
	struct err e = ERR_INIT;

	(void)state;
	if (snapshot_open(&s, dir, &e) || restore_model_fit(&m, &s, &o, &e) ||
	    restore_model_write(m, out, &e) ||
	    restore_model_read(&back, out, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(restore_model_method(back), "prior");
	assert_int_equal(restore_model_summary(back)->events_used, 3);
	assert_int_equal(restore_model_summary(back)->dropped_expired, 1);
	restore_model_free(m);
	restore_model_free(back);
	snapshot_release(&s);
	free(dir);
	free(out);
}

static void assert_same_stats(size_t nbins, const struct expo_stats *x,
			      const struct expo_stats *y)
{
	assert_int_equal(x->points, y->points);
	assert_int_equal(x->events, y->events);
	assert_true(x->point_days == y->point_days);
	assert_true(x->cov_days == y->cov_days);
	assert_int_equal(!x->hist, !y->hist);
	if (x->hist)
		assert_memory_equal(x->hist, y->hist,
				    4 * nbins * sizeof(double));
}

/* run streams through the rows it keeps for its other stages; fit alone
 * reads only what it needs: the same data either way. */
static void test_restore_collect__own_read_equals_shared_stream(void **state)
{
	char *dir = write_snapshot();
	struct snapshot s;
	struct restore_data own, shared;
	struct err e = ERR_INIT;

	(void)state;
	if (snapshot_open(&s, dir, &e) || restore_data_collect(&own, &s, &e))
		fail_msg("%s", e.msg);
	snapshot_keep_rows(&s);
	if (restore_data_collect(&shared, &s, &e))
		fail_msg("%s", e.msg);
	assert_memory_equal(&own.sum, &shared.sum, sizeof(own.sum));
	assert_int_equal(own.nev, shared.nev);
	assert_memory_equal(own.ev, shared.ev, own.nev * sizeof(*own.ev));
	assert_same_stats(own.nbins, &own.pooled, &shared.pooled);
	for (size_t i = 0; i < own.npolicies; i++)
		assert_same_stats(own.nbins, &own.policy[i], &shared.policy[i]);
	assert_memory_equal(own.tab_cov_days, shared.tab_cov_days,
			    sizeof(own.tab_cov_days));
	restore_data_release(&own);
	restore_data_release(&shared);
	snapshot_release(&s);
	free(dir);
}

/* fit hashes the big files while the snapshot is opened, and checks
 * them once fitted: the read begun on the directory first gives the same
 * data, and a file changed after the export is still refused, by the
 * check or by the fit, with no model. */
static void test_restore_collect__read_begun_before_open(void **state)
{
	char *dir = write_snapshot(), *jobs = xasprintf("%s/jobs.csv", dir);
	struct snapshot s;
	struct restore_data own, early;
	struct restore_scan sc;
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;
	FILE *f;

	(void)state;
	if (restore_scan_begin(&sc, dir, &e) || snapshot_open(&s, dir, &e) ||
	    restore_data_collect_scan(&early, &s, &sc, &e) ||
	    restore_scan_finish(&sc, 0, &e) ||
	    restore_data_collect(&own, &s, &e))
		fail_msg("%s", e.msg);
	assert_memory_equal(&own.sum, &early.sum, sizeof(own.sum));
	assert_int_equal(own.nev, early.nev);
	assert_memory_equal(own.ev, early.ev, own.nev * sizeof(*own.ev));
	assert_same_stats(own.nbins, &own.pooled, &early.pooled);
	restore_data_release(&own);
	restore_data_release(&early);
	snapshot_release(&s);
	/* a blank line more: the same rows, another SHA-256 */
	f = fopen(jobs, "ab");
	assert_non_null(f);
	fputs("\r\n", f);
	assert_int_equal(fclose(f), 0);
	if (restore_scan_begin(&sc, dir, &e) || snapshot_open(&s, dir, &e) ||
	    restore_data_collect_scan(&early, &s, &sc, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(restore_scan_finish(&sc, 0, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "jobs.csv"));
	restore_data_release(&early);
	e = (struct err)ERR_INIT;
	if (restore_scan_begin(&sc, dir, &e))
		fail_msg("%s", e.msg);
	o.scan = &sc;
	assert_int_equal(restore_model_fit(&m, &s, &o, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "jobs.csv"));
	assert_null(m);
	snapshot_release(&s);
	free(jobs);
	free(dir);
}

static double log_rate(const void *ctx, double a)
{
	const double *c = ctx;
	return log(1e-6 + 1e-3 * pow(a + *c, -1.3));
}

static double cum(const void *ctx, double a)
{
	const double *c = ctx;
	return 1e-6 * a + 1e-3 * (pow(a + *c, -0.3) - pow(*c, -0.3)) / -0.3;
}

/* Many events: the terms are shared with a helper thread, the result is
 * the plain loops' to the last bit, call after call. */
static void test_restore_collect__loglik_on_two_cores(void **state)
{
	struct restore_data d;

	(void)state;
	restore_data_init(&d, 0, NULL, NULL);
	for (int j = 0; j < 20000; j++) {
		double a = fmod(j * 7.31, 900.0);
		restore_data_add_event(&d, WL_VM, -1, RK_DAILY, 1, a);
		restore_data_add_exposure(&d, WL_VM, -1, RK_DAILY, 1 + j % 3,
					  a / 2, a + 1);
	}
	for (int k = 0; k < 3; k++) {
		double c = 0.5 + k, plain = 12.5;
		for (size_t j = 0; j < d.nev; j++)
			plain += log_rate(&c, d.ev[j].age);
		plain -= expo_integrate(&d, &d.pooled, cum, &c);
		assert_true(restore_data_loglik(&d, 12.5, log_rate, cum, &c) ==
			    plain);
	}
	restore_data_release(&d);
}

/* The bin of an age is the one whose edges hold it, at the edges, just
 * off them and anywhere between, as a search of the edges would say. */
static void test_restore_collect__bin_of_an_age(void **state)
{
	struct restore_data d;

	(void)state;
	restore_data_init(&d, 0, NULL, NULL);
	assert_int_equal(restore_data_bin(&d, 0), 0);
	assert_int_equal(restore_data_bin(&d, -3), 0);
	assert_int_equal(restore_data_bin(&d, NAN), 0);
	assert_int_equal(restore_data_bin(&d, 1e9), d.nbins - 1);
	assert_int_equal(restore_data_bin(&d, INFINITY), d.nbins - 1);
	for (size_t b = 0; b + 1 < d.nbins; b++) {
		double lo = d.edges[b], hi = d.edges[b + 1];
		double ages[] = { lo, nextafter(lo, INFINITY),
				  nextafter(hi, 0), lo + (hi - lo) / 3 };
		for (size_t i = 0; i < 4; i++)
			if (ages[i] > 0 && restore_data_bin(&d, ages[i]) != b)
				fail_msg("age %.17g: bin %zu, expected %zu",
					 ages[i], restore_data_bin(&d, ages[i]),
					 b);
	}
	for (double a = 1e-9; a < 40000; a *= 1.0007) {
		size_t b = restore_data_bin(&d, a);
		assert_true(d.edges[b] <= a && a < d.edges[b + 1]);
	}
	restore_data_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_collect__events_and_exposure),
		cmocka_unit_test(test_restore_collect__as_of),
		cmocka_unit_test(test_restore_collect__fit_writes_the_prior),
		cmocka_unit_test(
			test_restore_collect__own_read_equals_shared_stream),
		cmocka_unit_test(test_restore_collect__read_begun_before_open),
		cmocka_unit_test(test_restore_collect__loglik_on_two_cores),
		cmocka_unit_test(test_restore_collect__bin_of_an_age),
	};
	int rc;

	gsl_set_error_handler_off();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_scratch_cleanup();
	return rc;
}
