/* SPDX-License-Identifier: MIT
 * test_check_bv.c: RPO/RTO verdicts of Backup vault instances built from
 * snapshot rows: the worst gap of a DataProtection schedule (daily,
 * hourly, two weekly days interleaved, unreadable); which targets cover
 * an instance; and a passing and a failing verdict for each measure
 * (predicted RPO per data store, retention, protection status, a tier
 * the policy keeps no copy in, the documented RTO estimates), and from
 * a snapshot's backup_recovery_points.csv and backup_jobs.csv the
 * observed RPO (points on schedule; stale behind failed jobs; stale;
 * none in the look-back) and the RTO of restore jobs. */
#include "testsnap.h"

#include <math.h>

#include "models/check/schedule_bv.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/check/check_internal.h"

#define DS_DISK "Microsoft.Compute/disks"
#define DS_BLOB "Microsoft.Storage/storageAccounts/blobServices"
#define DS_PG "Microsoft.DBforPostgreSQL/flexibleServers"

static void test_check_bv__schedule_gaps(void **state)
{
	(void)state;
	assert_float_equal(
		bv_schedule_worst_gap_h("R/2026-01-01T02:00:00+00:00/P1D"),
		24, 1e-9);
	assert_float_equal(
		bv_schedule_worst_gap_h("R/2026-01-01T00:00:00Z/PT4H"), 4,
		1e-9);
	/* Sunday 22:00 and Wednesday 22:00 weekly: 3 and 4 days apart */
	assert_float_equal(
		bv_schedule_worst_gap_h("R/2026-01-04T22:00:00+00:00/P1W;"
					"R/2026-01-07T22:00:00+00:00/P1W"),
		96, 1e-9);
	assert_true(isnan(bv_schedule_worst_gap_h("")));
	assert_true(isnan(bv_schedule_worst_gap_h("R/yesterday/P1D")));
	assert_true(isnan(bv_schedule_worst_gap_h("R/2026-01-01T00:00:00Z")));
}

/* One vault, three policies (disk daily 7 d operational; blob
 * operational 30 d + vaulted monthly 1 y; PostgreSQL weekly vault 10 y)
 * and one instance each, plus a stopped blob without a policy. */
struct fixture {
	struct snapshot s;
	struct bvault v;
	struct bpolicy p[3];
	struct binstance bi[4];
};

static void fixture_init(struct fixture *f)
{
	static const char *const ds[] = { DS_DISK, DS_BLOB, DS_PG, DS_BLOB };

	memset(f, 0, sizeof(*f));
	f->v = (struct bvault){ .vault_id = "v-1", .vault_name = "bv-prod" };
	f->p[0] = (struct bpolicy){
		.policy_id = "p-1", .policy_name = "disk-daily",
		.schedule = "R/2026-01-01T02:00:00+00:00/P1D",
		.data_stores = "OperationalStore", .operational_keep_days = 7 };
	f->p[1] = (struct bpolicy){
		.policy_id = "p-2", .policy_name = "blob-ops-vault",
		.schedule = "R/2026-01-01T03:00:00+00:00/P1D",
		.data_stores = "OperationalStore;VaultStore",
		.operational_keep_days = 30, .vault_keep_days = 366 };
	f->p[2] = (struct bpolicy){
		.policy_id = "p-3", .policy_name = "pg-weekly",
		.schedule = "R/2026-01-04T22:00:00+00:00/P1W",
		.data_stores = "VaultStore", .vault_keep_days = 3653 };
	for (int i = 0; i < 4; i++)
		f->bi[i] = (struct binstance){
			.instance_id = "i", .instance_name = ds[i],
			.datasource_type = ds[i],
			.protection_status = i == 3 ? "ProtectionStopped"
						    : "ProtectionConfigured",
			.policy_idx = i == 3 ? -1 : i, .arm_id = "",
			.source_resource_id = "" };
	f->bi[0].instance_name = "rg-app-osdisk-01";
	f->s.bv = (struct bv_tables){ &f->v, f->bi, f->p, 1, 4, 3 };
}

static struct target tgt(int scope_type, const char *scope, int tier,
			  double rpo, double rto, double keep)
{
	struct target t = { 0 };

	t.target_id = "t";
	t.scope_type = scope_type;
	t.scope = (char *)scope;
	t.tier = tier;
	t.rpo_hours = rpo;
	t.rto_hours = rto;
	t.min_retention_days = keep;
	t.tolerance_hours = NAN;
	return t;
}

static void test_check_bv__targets_cover_instances(void **state)
{
	struct fixture f;
	struct target t;

	(void)state;
	fixture_init(&f);
	t = tgt(SCOPE_VAULT, "BV-*", TT_ANY, 24, NAN, NAN);
	assert_true(target_matches_bv(&t, &f.s, &f.bi[0]));
	t = tgt(SCOPE_WORKLOAD, "*disks", TT_ANY, 24, NAN, NAN);
	assert_true(target_matches_bv(&t, &f.s, &f.bi[0]));
	assert_false(target_matches_bv(&t, &f.s, &f.bi[2]));
	t = tgt(SCOPE_POLICY, "pg-*", TT_ANY, 24, NAN, NAN);
	assert_true(target_matches_bv(&t, &f.s, &f.bi[2]));
	assert_false(target_matches_bv(&t, &f.s, &f.bi[3])); /* no policy */
	t = tgt(SCOPE_NAME, "*osdisk*", TT_ANY, 24, NAN, NAN);
	assert_true(target_matches_bv(&t, &f.s, &f.bi[0]));
	t = tgt(SCOPE_TAG, "env=prod", TT_ANY, 24, NAN, NAN);
	assert_false(target_matches_bv(&t, &f.s, &f.bi[0]));
}

/* The verdict of instance i against t, its reason into why. */
static int verdict(struct fixture *f, int i, const struct target *t,
		   struct check_row *r, struct strbuf *why)
{
	*r = (struct check_row)CHECK_ROW_INIT;
	check_bv_evaluate(r, &f->s, &f->bi[i], NULL, t, 0);
	check_row_reason(r, why);
	return r->verdict;
}

static void test_check_bv__rpo_by_data_store(void **state)
{
	struct fixture f;
	struct check_row r;
	struct strbuf why = STRBUF_INIT;
	struct target t;

	(void)state;
	fixture_init(&f);
	/* disk snapshots daily: a 24 h target met, a 12 h one breached */
	t = tgt(SCOPE_VAULT, "*", TT_SNAPSHOT, 24, NAN, NAN);
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_MET);
	assert_float_equal(r.rpo_pred, 24, 1e-9);
	check_row_release(&r);
	t.rpo_hours = 12;
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_SCHEDULE);
	assert_float_equal(r.margin, -12, 1e-9);
	assert_non_null(strstr(why.buf, "predicted RPO 24 h"));
	check_row_release(&r);
	/* a disk has no vault-store copy */
	t.tier = TT_VAULT;
	t.rpo_hours = 24;
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_non_null(strstr(why.buf, "no vault-store copy"));
	check_row_release(&r);
	/* operational blob backup is continuous; its vault copy daily */
	t.tier = TT_ANY;
	t.rpo_hours = 1;
	assert_int_equal(verdict(&f, 1, &t, &r, &why), V_MET);
	assert_int_equal(r.tier, TT_SNAPSHOT);
	assert_float_equal(r.rpo_pred, 0, 0);
	check_row_release(&r);
	t.tier = TT_VAULT;
	assert_int_equal(verdict(&f, 1, &t, &r, &why), V_BREACHED);
	assert_float_equal(r.rpo_pred, 24, 1e-9);
	check_row_release(&r);
	/* PostgreSQL weekly to the vault */
	t.tier = TT_ANY;
	t.rpo_hours = 168;
	assert_int_equal(verdict(&f, 2, &t, &r, &why), V_MET);
	assert_int_equal(r.tier, TT_VAULT);
	check_row_release(&r);
	strbuf_release(&why);
}

static void test_check_bv__retention_status_and_rto(void **state)
{
	struct fixture f;
	struct check_row r;
	struct strbuf why = STRBUF_INIT;
	struct target t;

	(void)state;
	fixture_init(&f);
	/* 30 days wanted: the disk keeps 7, PostgreSQL 10 years */
	t = tgt(SCOPE_VAULT, "*", TT_ANY, NAN, NAN, 30);
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_RETENTION_SHORT);
	assert_float_equal(r.margin, -23 * 24, 1e-9);
	assert_non_null(strstr(why.buf, "keeps 7 days < 30 days"));
	check_row_release(&r);
	assert_int_equal(verdict(&f, 2, &t, &r, &why), V_MET);
	check_row_release(&r);
	/* stopped, no policy: breached, no number measures it */
	t = tgt(SCOPE_VAULT, "*", TT_ANY, 24, NAN, NAN);
	assert_int_equal(verdict(&f, 3, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_STALE_BACKUP);
	assert_true(isnan(r.margin));
	assert_non_null(strstr(why.buf, "ProtectionStopped"));
	check_row_release(&r);
	/* failing backups: either status that says so */
	f.bi[0].protection_status = "ProtectionError";
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_FAILED_JOBS);
	check_row_release(&r);
	f.bi[0].protection_status = "ConfiguringProtectionFailed";
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_FAILED_JOBS);
	assert_non_null(strstr(why.buf, "protection status "
					"ConfiguringProtectionFailed: its "
					"backups are failing"));
	check_row_release(&r);
	/* an RTO target without restore jobs: the documented estimates */
	f.bi[0].protection_status = "ProtectionConfigured";
	t.rto_hours = 4;
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_MET);
	assert_float_equal(r.rto_est, 0.5, 1e-9);
	assert_string_equal(r.rto_basis, "estimate");
	assert_non_null(strstr(why.buf, "estimated RTO 0.5 h (no restore "
					"job of its own; the documented "
					"snapshot-restore estimate) <= 4 h"));
	assert_non_null(strstr(why.buf, "no observed RPO"));
	check_row_release(&r);
	/* PostgreSQL: 1 h + 150 GiB at 100 GiB/h > 2 h */
	t.rto_hours = 2;
	t.rpo_hours = NAN;
	f.bi[2].vault_gb = 150;
	assert_int_equal(verdict(&f, 2, &t, &r, &why), V_BREACHED);
	assert_float_equal(r.rto_est, 2.5, 1e-9);
	assert_int_equal(r.cause, CAUSE_RESTORE_THROUGHPUT);
	assert_non_null(strstr(why.buf, "vault-restore estimate for 150 GiB"));
	check_row_release(&r);
	/* ... and without its size: unknown, said */
	f.bi[2].vault_gb = NAN;
	assert_int_equal(verdict(&f, 2, &t, &r, &why), V_UNKNOWN);
	assert_true(isnan(r.rto_est));
	assert_non_null(strstr(why.buf, "vault-store size is not known"));
	check_row_release(&r);
	strbuf_release(&why);
}

/* ---- observed, from snapshot rows ---- */

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */
#define LOOKBACK_D 30
#define ARM "/subscriptions/1/resourceGroups/rg/providers/" \
	    "Microsoft.DataProtection/backupVaults/bv"

/* A snapshot of one vault: a daily disk policy and instance (0), a
 * weekly PostgreSQL one (1); points and jobs as each test adds them. */
struct hist {
	struct snapshot s;
	struct bv_observed *ob;
	struct brp rp[64];
	struct bjob job[16];
	size_t nrp, njob;
	char *dir;
};

static const char *const hist_ids[2] = { "i-000000000d15", "i-0000000000b9" };

static void add_rp(struct hist *h, int inst, int64_t at)
{
	h->rp[h->nrp++] = (struct brp){
		.rp_id = "rp", .instance_id = hist_ids[inst],
		.rp_type = "Full",
		.data_stores = inst ? "VaultStore" : "OperationalStore",
		.rp_time = at, .expiry_time = TIME_NONE };
}

static void add_job(struct hist *h, int inst, const char *op,
		    const char *status, int64_t at, double dur_s)
{
	h->job[h->njob++] = (struct bjob){
		.job_id = "j", .vault_id = "v-000000000001",
		.instance_id = hist_ids[inst], .operation = op,
		.category = op, .status = status, .datasource_type = "",
		.error_code = "", .start_time = at,
		.end_time = at + (int64_t)dur_s, .duration_s = dur_s };
}

static void hist_open(struct hist *h, const char *name)
{
	static const char *const ds[2] = { DS_DISK, DS_PG };
	static const char *const sched[2] = {
		"R/2026-01-01T02:00:00+00:00/P1D",
		"R/2026-01-04T22:00:00+00:00/P1W" };
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;
	struct bvault v = {
		.vault_id = "v-000000000001", .subscription_id = "1",
		.resource_group = "rg", .vault_name = "bv", .location = "weu",
		.resource_guard_id = "", .tenant_id = "", .arm_id = ARM,
		.job_failure_alerts = ONOFF_UNKNOWN };

	h->dir = test_path(name);
	if (snapshot_writer_begin(&sw, h->dir, &e))
		fail_msg("%s", e.msg);
	snapshot_put_bvault(&sw, &v);
	for (int i = 0; i < 2; i++) {
		const char *pid = i ? "p-000000000001" : "p-000000000000";
		snapshot_put_bpolicy(&sw, &(struct bpolicy){
			.policy_id = pid, .vault_id = v.vault_id,
			.policy_name = ds[i], .datasource_type = ds[i],
			.schedule = sched[i], .time_zone = "UTC",
			.data_stores = i ? "VaultStore" : "OperationalStore",
			.retention_rules = "", .arm_id = "",
			.operational_keep_days = i ? 0 : 7,
			.vault_keep_days = i ? 91 : 0 });
		snapshot_put_binstance(&sw, &(struct binstance){
			.instance_id = hist_ids[i], .vault_id = v.vault_id,
			.policy_id = pid, .instance_name = ds[i],
			.datasource_type = ds[i],
			.protection_status = "ProtectionConfigured",
			.source_resource_id = "", .arm_id = "",
			.vault_gb = NAN, .archive_gb = NAN,
			.size_source = "" });
	}
	for (size_t i = 0; i < h->nrp; i++)
		snapshot_put_brp(&sw, &h->rp[i]);
	for (size_t i = 0; i < h->njob; i++)
		snapshot_put_bjob(&sw, &h->job[i]);
	test_manifest(&m, "sample", T0, NULL, NULL);
	test_commit_with(&sw, &m);
	if (snapshot_open(&h->s, h->dir, &e) ||
	    check_bv_observe(&h->s, T0 - LOOKBACK_D * DAY_S, T0, &h->ob, &e))
		fail_msg("%s", e.msg);
}

static void hist_release(struct hist *h)
{
	free(h->ob);
	snapshot_release(&h->s);
	free(h->dir);
	memset(h, 0, sizeof(*h));
}

static int hist_verdict(struct hist *h, int i, const struct target *t,
			struct check_row *r, struct strbuf *why)
{
	*r = (struct check_row)CHECK_ROW_INIT;
	check_bv_evaluate(r, &h->s, &h->s.bv.instances[i], &h->ob[i], t, 0);
	check_row_reason(r, why);
	return r->verdict;
}

/* Daily disk snapshots at 02:00 for 10 days, the newest 22 h old. */
static void daily_disk(struct hist *h, int days, int64_t newest)
{
	for (int d = 0; d < days; d++)
		add_rp(h, 0, newest - (int64_t)d * DAY_S);
}

static void test_check_bv__observed_rpo(void **state)
{
	struct hist h;
	struct check_row r;
	struct strbuf why = STRBUF_INIT;
	struct target t = tgt(SCOPE_VAULT, "*", TT_SNAPSHOT, 26, NAN, NAN);

	(void)state;
	/* on schedule: met, the worst gap the day between points */
	memset(&h, 0, sizeof(h));
	daily_disk(&h, 10, T0 - 22 * HOUR_S);
	hist_open(&h, "onschedule");
	assert_true(h.ob[0].listed);
	assert_int_equal(hist_verdict(&h, 0, &t, &r, &why), V_MET);
	assert_float_equal(r.rpo_obs, 24, 1e-9);
	assert_float_equal(r.age, 22, 1e-9);
	assert_non_null(strstr(why.buf, "observed RPO 24 h between "
					"operational-store points"));
	check_row_release(&r);
	hist_release(&h);
	/* the last three runs failed: the newest point is 94 h old */
	memset(&h, 0, sizeof(h));
	daily_disk(&h, 7, T0 - 94 * HOUR_S);
	for (int d = 0; d < 3; d++)
		add_job(&h, 0, "Backup", "Failed", T0 - (22 + 24 * d) * HOUR_S,
			60);
	hist_open(&h, "failing");
	assert_int_equal(hist_verdict(&h, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_FAILED_JOBS);
	assert_float_equal(r.rpo_obs, 94, 1e-9);
	assert_float_equal(r.margin, -68, 1e-9);
	assert_int_equal(r.streak, 3);
	assert_float_equal(r.rpo_pred, 24, 1e-9);
	assert_non_null(strstr(why.buf, "newest operational-store point "
					"94 h old, backups failing > 26 h"));
	check_row_release(&r);
	hist_release(&h);
	/* stale without a failed job: stale_backup */
	memset(&h, 0, sizeof(h));
	daily_disk(&h, 7, T0 - 94 * HOUR_S);
	hist_open(&h, "stale");
	assert_int_equal(hist_verdict(&h, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_STALE_BACKUP);
	check_row_release(&r);
	hist_release(&h);
	/* no point in the look-back at all */
	memset(&h, 0, sizeof(h));
	add_rp(&h, 0, T0 - (LOOKBACK_D + 5) * DAY_S);
	add_rp(&h, 0, T0 - (LOOKBACK_D + 30) * DAY_S);
	hist_open(&h, "none");
	assert_int_equal(hist_verdict(&h, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_STALE_BACKUP);
	check_row_release(&r);
	hist_release(&h);
	strbuf_release(&why);
}

static void test_check_bv__rto_from_restore_jobs(void **state)
{
	struct hist h;
	struct check_row r;
	struct strbuf why = STRBUF_INIT;
	struct target t = tgt(SCOPE_VAULT, "*", TT_VAULT, NAN, 2, NAN);

	(void)state;
	memset(&h, 0, sizeof(h));
	add_rp(&h, 1, T0 - 50 * HOUR_S);
	add_job(&h, 1, "Restore", "Succeeded", T0 - 40 * DAY_S, 3600);
	add_job(&h, 1, "Restore", "Succeeded", T0 - 80 * DAY_S, 5400);
	/* a failed restore says nothing of how long one takes */
	add_job(&h, 1, "Restore", "Failed", T0 - 20 * DAY_S, 36000);
	hist_open(&h, "restores");
	assert_int_equal(h.ob[1].restores, 2);
	assert_int_equal(hist_verdict(&h, 1, &t, &r, &why), V_MET);
	assert_float_equal(r.rto_est, 1.5, 1e-9);
	assert_non_null(strstr(why.buf, "observed RTO 1.5 h (longest of 2 "
					"restore jobs) <= 2 h target"));
	check_row_release(&r);
	t.rto_hours = 1;
	assert_int_equal(hist_verdict(&h, 1, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_RESTORE_THROUGHPUT);
	assert_float_equal(r.margin, -0.5, 1e-9);
	check_row_release(&r);
	assert_string_equal(r.rto_basis, "restore_jobs");
	check_row_release(&r);
	/* the disk has no restore of its own: the estimate, said */
	t.tier = TT_ANY;
	assert_int_equal(hist_verdict(&h, 0, &t, &r, &why), V_MET);
	assert_string_equal(r.rto_basis, "estimate");
	assert_non_null(strstr(why.buf, "no restore job of its own"));
	check_row_release(&r);
	hist_release(&h);
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_bv__schedule_gaps),
		cmocka_unit_test(test_check_bv__targets_cover_instances),
		cmocka_unit_test(test_check_bv__rpo_by_data_store),
		cmocka_unit_test(test_check_bv__retention_status_and_rto),
		cmocka_unit_test(test_check_bv__observed_rpo),
		cmocka_unit_test(test_check_bv__rto_from_restore_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
