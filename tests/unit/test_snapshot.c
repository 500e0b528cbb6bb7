/* SPDX-License-Identifier: MIT
 * test_snapshot.c: a small snapshot written with snapshot_writer_* and read
 * back field by field (loaded tables and the three streams); the errors a
 * user sees for broken references, duplicate ids and ungrouped rows (file,
 * line, column, exit 65); tampering after export; stable ids; and the rules
 * for replacing an output directory. */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>
#include <time.h>

#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

#define V1_ARM "/subscriptions/0000-AAAA/resourceGroups/rg-backup/providers/" \
	       "Microsoft.RecoveryServices/vaults/prod-vault"

struct fixture {
	char vid[2][SNAPSHOT_ID_LEN], iid[3][SNAPSHOT_ID_LEN];
	struct vault v[3];
	struct policy p[3];
	struct item it[4];
	struct rp rp[8];
	struct job j[4];
	struct guard g[2];
	size_t nv, np, nit, nrp, nj, ng;
};

static void fixture_vaults(struct fixture *f)
{
	snapshot_make_id(f->vid[0], 'v', V1_ARM);
	snapshot_make_id(f->vid[1], 'v', "/subscriptions/1111/resourceGroups/"
					 "rg2/providers/Microsoft."
					 "RecoveryServices/vaults/dr");
	f->v[0] = (struct vault){
		.vault_id = f->vid[0], .subscription_id = "0000-aaaa",
		.resource_group = " rg-backup ", .vault_name = "prod, \"main\"",
		.location = "westeurope",
		.resource_guard_id = "/subscriptions/9999/resourceGroups/sec/"
				     "providers/Microsoft.DataProtection/"
				     "resourceGuards/guard1",
		.tenant_id = "tenant-ü", .redundancy = RED_GRS,
		.cross_region_restore = ON, .immutability = IMM_LOCKED,
		.soft_delete = SD_ALWAYSON, .soft_delete_days = 14, .mua = ON,
		.cross_subscription_restore = XSR_PERMANENTLY_DISABLED,
		.public_network_access = OFF, .cmk = ON,
		.job_failure_alerts = ON,
	};
	f->v[1] = (struct vault){
		.vault_id = f->vid[1], .subscription_id = "1111",
		.resource_group = "rg2", .vault_name = "dr",
		.location = "northeurope", .resource_guard_id = "",
		.tenant_id = "", .redundancy = RED_LRS,
		.cross_region_restore = OFF, .immutability = IMM_DISABLED,
		.soft_delete = SD_ENABLED, .soft_delete_days = 180, .mua = OFF,
		.cross_subscription_restore = XSR_ENABLED,
		.public_network_access = ON, .cmk = OFF,
		.job_failure_alerts = ONOFF_UNKNOWN,
	};
	f->nv = 2;
}

static void fixture_policies(struct fixture *f)
{
	f->p[0] = (struct policy){
		.policy_id = "p-000000000001", .vault_id = f->vid[0],
		.policy_name = "Daily, 30 days", .arm_id = "/x/policies/daily",
		.window_start = "", .run_times = "22:30", .run_days = "",
		.time_zone = "W. Europe Standard Time", .diff_run_days = "",
		.workload = WL_VM, .policy_type = PT_STANDARD,
		.frequency = FREQ_DAILY, .instant_rp_days = 2,
		.daily_keep_days = 30, .weekly_keep_weeks = 12,
		.monthly_keep_months = 60, .yearly_keep_years = 10,
		.tiering_mode = TM_TIERAFTER, .tier_after_days = 90,
	};
	f->p[1] = (struct policy){
		.policy_id = "p-000000000002", .vault_id = f->vid[0],
		.policy_name = "hourly", .arm_id = "", .window_start = "08:00",
		.run_times = "", .run_days = "", .time_zone = "UTC",
		.diff_run_days = "", .workload = WL_VM,
		.policy_type = PT_ENHANCED, .frequency = FREQ_HOURLY,
		.hourly_interval_h = 4, .window_hours = 12,
		.instant_rp_days = 7, .daily_keep_days = 7,
		.tiering_mode = TM_TIERRECOMMENDED,
	};
	f->p[2] = (struct policy){
		.policy_id = "p-000000000003", .vault_id = f->vid[1],
		.policy_name = "sql weekly", .arm_id = "/y/policies/sql",
		.window_start = "", .run_times = "01:00;13:00",
		.run_days = "Sunday;Wednesday", .time_zone = "UTC",
		.diff_run_days = "Monday;Thursday", .workload = WL_SQL,
		.policy_type = PT_STANDARD, .frequency = FREQ_WEEKLY,
		.weekly_keep_weeks = 104, .tiering_mode = TM_NONE,
		.log_interval_min = 60, .log_keep_days = 15,
		.diff_keep_days = 30,
	};
	f->np = 3;
}

static void fixture_items(struct fixture *f)
{
	snapshot_make_id(f->iid[0], 'i', V1_ARM "/items/vm1");
	snapshot_make_id(f->iid[1], 'i', "/y/items/sql;db1");
	snapshot_make_id(f->iid[2], 'i', V1_ARM "/items/old");
	f->it[0] = (struct item){
		.item_id = f->iid[0], .vault_id = f->vid[0],
		.policy_id = "p-000000000001",
		.item_name = "vm1 \"web\"\nsecond line",
		.protection_state = "Protected", .arm_id = V1_ARM "/items/vm1",
		.source_resource_id = "/subscriptions/0000/vm1",
		.workload = WL_VM, .size_source = SS_REPORTED,
		.source_gb = 128.5, .daily_churn = 0.0325,
		.standard_gb = 300.25, .archive_gb = 0,
		.last_backup_time = T0 - 3600,
	};
	f->it[1] = (struct item){
		.item_id = f->iid[1], .vault_id = f->vid[1],
		.policy_id = "p-000000000003", .item_name = "sqlsrv\\db1",
		.protection_state = "Protected", .arm_id = "/y/items/sql;db1",
		.source_resource_id = "", .workload = WL_SQL,
		.size_source = SS_ESTIMATED, .source_gb = 0.25,
		.daily_churn = 1, .standard_gb = 0, .archive_gb = 1e9,
		.last_backup_time = T0,
	};
	f->it[2] = (struct item){
		.item_id = f->iid[2], .vault_id = f->vid[0], .policy_id = "",
		.item_name = "old", .protection_state = "ProtectionStopped",
		.arm_id = "", .source_resource_id = "", .workload = WL_FILES,
		.size_source = SS_ESTIMATED, .source_gb = 0,
		.daily_churn = 0, .standard_gb = 12.75, .archive_gb = 0,
		.last_backup_time = TIME_NONE, .soft_deleted = true,
		.deferred_delete_time = T0 - 86400,
	};
	f->nit = 3;
}

/* Recovery points of vm1 out of time order, then sql's; jobs; a guard. */
static void fixture_streams(struct fixture *f)
{
	const char *i1 = f->iid[0], *i2 = f->iid[1];

	f->rp[0] = (struct rp){ "rp-3", i1, "", T0 - 1 * DAY_S, TIME_NONE,
				RK_DAILY, TIER_SNAPSHOT_STANDARD, MR_FALSE,
				1.125, 128.5, 0 };
	f->rp[1] = (struct rp){ "rp-1", i1,
				"{\"reason\": \"a,b\"}\r\nsecond line",
				T0 - 400 * DAY_S, T0 + 3000 * DAY_S,
				RK_YEARLY, TIER_ARCHIVE, MR_TRUE, 128.5,
				128.5, -1 };
	f->rp[2] = (struct rp){ "rp-2", i1, " spaced ", T0 - 30 * DAY_S,
				T0 + 335 * DAY_S, RK_MONTHLY, TIER_STANDARD,
				MR_UNKNOWN, 4.5, 128.5, 1 };
	f->rp[3] = (struct rp){ "s-full", i2, "", T0 - 7 * DAY_S,
				T0 + 100 * DAY_S, RK_FULL, TIER_STANDARD,
				MR_FALSE, 0.25, 0.25, 0 };
	f->rp[4] = (struct rp){ "s-log", i2, "", T0 - DAY_S,
				T0 - DAY_S, RK_LOG, TIER_STANDARD, MR_FALSE,
				0.25, 0.25, 0 };
	f->nrp = 5;
	f->j[0] = (struct job){ "job-1", f->vid[0], i1, "Backup",
				"Completed", "", "", T0 - 3600, T0 - 1800,
				TIME_NONE, 1800, 12.75 };
	f->j[1] = (struct job){ "job-2", f->vid[0], i1, "Restore",
				"Failed", "Archive", "UserErrorRestore, \"x\"",
				T0 - 600, T0, T0 - 400 * DAY_S, 600, 0 };
	f->j[2] = (struct job){ "job-3", f->vid[1], "", "ConfigureBackup",
				"InProgress", "", "", T0, TIME_NONE,
				TIME_NONE, NAN, NAN };
	f->nj = 3;
	f->g[0] = (struct guard){ f->vid[0],
				  f->v[0].resource_guard_id, "9999",
				  "tenant-ü",
				  "deleteProtection;updatePolicy",
				  "" };
	f->ng = 1;
}

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	fixture_vaults(f);
	fixture_policies(f);
	fixture_items(f);
	fixture_streams(f);
}

static int fixture_write(const struct fixture *f, const char *dir,
			 struct err *e)
{
	struct snapshot_writer sw;
	struct manifest m;
	int rc;

	if (snapshot_writer_begin(&sw, dir, e))
		return -1;
	for (size_t i = 0; i < f->nv; i++)
		snapshot_put_vault(&sw, &f->v[i]);
	for (size_t i = 0; i < f->np; i++)
		snapshot_put_policy(&sw, &f->p[i]);
	for (size_t i = 0; i < f->nit; i++)
		snapshot_put_item(&sw, &f->it[i]);
	for (size_t i = 0; i < f->nrp; i++)
		snapshot_put_rp(&sw, &f->rp[i]);
	for (size_t i = 0; i < f->nj; i++)
		snapshot_put_job(&sw, &f->j[i]);
	for (size_t i = 0; i < f->ng; i++)
		snapshot_put_guard(&sw, &f->g[i]);
	manifest_init(&m);
	m.source = xstrdup("sample");
	m.tenant_id = xstrdup("tenant-ü");
	m.exported_at = T0;
	m.restore_jobs_from = T0 - 365 * DAY_S;
	manifest_add_subscription(&m, "0000-aaaa");
	rc = snapshot_writer_commit(&sw, &m, e);
	manifest_release(&m);
	return rc;
}

/* Writes the fixture into a fresh scratch directory; caller frees. */
static char *write_fixture(const char *name, const struct fixture *f)
{
	struct err e = ERR_INIT;
	char *dir = test_path(name);

	if (fixture_write(f, dir, &e))
		fail_msg("writing the fixture: %s", e.msg);
	return dir;
}

/* ---- comparing ---- */

static void assert_vault_equal(const struct vault *a, const struct vault *b)
{
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->subscription_id, b->subscription_id);
	assert_string_equal(a->resource_group, b->resource_group);
	assert_string_equal(a->vault_name, b->vault_name);
	assert_string_equal(a->location, b->location);
	assert_string_equal(a->resource_guard_id, b->resource_guard_id);
	assert_string_equal(a->tenant_id, b->tenant_id);
	assert_int_equal(a->redundancy, b->redundancy);
	assert_int_equal(a->cross_region_restore, b->cross_region_restore);
	assert_int_equal(a->immutability, b->immutability);
	assert_int_equal(a->soft_delete, b->soft_delete);
	assert_int_equal(a->soft_delete_days, b->soft_delete_days);
	assert_int_equal(a->mua, b->mua);
	assert_int_equal(a->cross_subscription_restore,
			 b->cross_subscription_restore);
	assert_int_equal(a->public_network_access, b->public_network_access);
	assert_int_equal(a->cmk, b->cmk);
	assert_int_equal(a->job_failure_alerts, b->job_failure_alerts);
}

static void assert_policy_equal(const struct policy *a,
				const struct policy *b)
{
	assert_string_equal(a->policy_id, b->policy_id);
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->policy_name, b->policy_name);
	assert_string_equal(a->arm_id, b->arm_id);
	assert_string_equal(a->window_start, b->window_start);
	assert_string_equal(a->run_times, b->run_times);
	assert_string_equal(a->run_days, b->run_days);
	assert_string_equal(a->time_zone, b->time_zone);
	assert_string_equal(a->diff_run_days, b->diff_run_days);
	assert_int_equal(a->workload, b->workload);
	assert_int_equal(a->policy_type, b->policy_type);
	assert_int_equal(a->frequency, b->frequency);
	assert_int_equal(a->hourly_interval_h, b->hourly_interval_h);
	assert_int_equal(a->window_hours, b->window_hours);
	assert_int_equal(a->instant_rp_days, b->instant_rp_days);
	assert_int_equal(a->daily_keep_days, b->daily_keep_days);
	assert_int_equal(a->weekly_keep_weeks, b->weekly_keep_weeks);
	assert_int_equal(a->monthly_keep_months, b->monthly_keep_months);
	assert_int_equal(a->yearly_keep_years, b->yearly_keep_years);
	assert_int_equal(a->tiering_mode, b->tiering_mode);
	assert_int_equal(a->tier_after_days, b->tier_after_days);
	assert_int_equal(a->log_interval_min, b->log_interval_min);
	assert_int_equal(a->log_keep_days, b->log_keep_days);
	assert_int_equal(a->diff_keep_days, b->diff_keep_days);
}

static void assert_item_equal(const struct item *a, const struct item *b)
{
	assert_string_equal(a->item_id, b->item_id);
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->policy_id, b->policy_id);
	assert_string_equal(a->item_name, b->item_name);
	assert_string_equal(a->protection_state, b->protection_state);
	assert_string_equal(a->arm_id, b->arm_id);
	assert_string_equal(a->source_resource_id, b->source_resource_id);
	assert_int_equal(a->workload, b->workload);
	assert_int_equal(a->size_source, b->size_source);
	assert_true(a->source_gb == b->source_gb);
	assert_true(a->daily_churn == b->daily_churn);
	assert_true(a->standard_gb == b->standard_gb);
	assert_true(a->archive_gb == b->archive_gb);
	assert_int_equal(a->last_backup_time, b->last_backup_time);
	assert_int_equal(a->soft_deleted, b->soft_deleted);
	if (a->soft_deleted)
		assert_int_equal(a->deferred_delete_time,
				 b->deferred_delete_time);
}

static void assert_rp_equal(const struct rp *a, const struct rp *b)
{
	assert_string_equal(a->rp_id, b->rp_id);
	assert_string_equal(a->item_id, b->item_id);
	assert_string_equal(a->move_info, b->move_info);
	assert_int_equal(a->rp_time, b->rp_time);
	assert_int_equal(a->expiry_time, b->expiry_time);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->tier, b->tier);
	assert_int_equal(a->move_ready, b->move_ready);
	assert_true(a->unique_gb == b->unique_gb);
	assert_true(a->full_gb == b->full_gb);
	assert_int_equal(a->recommended, b->recommended);
}

static void assert_same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		assert_true(isnan(a) && isnan(b));
	else
		assert_true(a == b);
}

static void assert_job_equal(const struct job *a, const struct job *b)
{
	assert_string_equal(a->job_id, b->job_id);
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->item_id, b->item_id);
	assert_string_equal(a->operation, b->operation);
	assert_string_equal(a->status, b->status);
	assert_string_equal(a->source_tier, b->source_tier);
	assert_string_equal(a->error_code, b->error_code);
	assert_int_equal(a->start_time, b->start_time);
	assert_int_equal(a->end_time, b->end_time);
	assert_int_equal(a->rp_time, b->rp_time);
	assert_same_double(a->duration_s, b->duration_s);
	assert_same_double(a->data_gb, b->data_gb);
}

static void assert_guard_equal(const struct guard *a, const struct guard *b)
{
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->resource_guard_id, b->resource_guard_id);
	assert_string_equal(a->guard_subscription_id,
			    b->guard_subscription_id);
	assert_string_equal(a->guard_tenant_id, b->guard_tenant_id);
	assert_string_equal(a->protected_operations,
			    b->protected_operations);
	assert_string_equal(a->excluded_operations, b->excluded_operations);
}

/* ---- streams collected for comparison ---- */

struct seen {
	const struct fixture *f;
	size_t n;
	const struct item *items[16];
	size_t counts[16];
	int64_t times[16][8];
};

static int see_rp(void *ctx, const struct item *it, const struct rp *rp,
		  struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	assert_true(s->n < s->f->nrp);
	assert_rp_equal(rp, &s->f->rp[s->n]);
	assert_string_equal(it->item_id, rp->item_id);
	s->items[s->n++] = it;
	return 0;
}

static int see_item_rps(void *ctx, const struct item *it,
			const struct rp *rps, size_t n, struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	assert_true(n <= 8);
	s->items[s->n] = it;
	s->counts[s->n] = n;
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rps[i].item_id, it->item_id);
		s->times[s->n][i] = rps[i].rp_time;
	}
	s->n++;
	return 0;
}

static int see_job(void *ctx, const struct item *it, const struct job *j,
		   struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	assert_true(s->n < s->f->nj);
	assert_job_equal(j, &s->f->j[s->n]);
	s->items[s->n++] = it;
	return 0;
}

/* ---- the round trip ---- */

static void test_snapshot__round_trip_tables(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir, *ls;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("roundtrip", &f);
	ls = test_ls(dir);
	assert_string_equal(ls, ".vaultwise backup_instances.csv "
				"backup_jobs.csv backup_policies.csv "
				"backup_recovery_points.csv backup_vaults.csv "
				"guards.csv items.csv jobs.csv "
				"manifest.json policies.csv "
				"recovery_points.csv vaults.csv");
	free(ls);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.as_of, T0);
	assert_string_equal(s.manifest.source, "sample");
	assert_int_equal(s.nvaults, f.nv);
	assert_int_equal(s.npolicies, f.np);
	assert_int_equal(s.nitems, f.nit);
	assert_int_equal(s.nguards, f.ng);
	for (size_t i = 0; i < f.nv; i++)
		assert_vault_equal(&s.vaults[i], &f.v[i]);
	for (size_t i = 0; i < f.np; i++)
		assert_policy_equal(&s.policies[i], &f.p[i]);
	for (size_t i = 0; i < f.nit; i++)
		assert_item_equal(&s.items[i], &f.it[i]);
	for (size_t i = 0; i < f.ng; i++)
		assert_guard_equal(&s.guards[i], &f.g[i]);
	/* references resolved */
	assert_int_equal(s.items[0].vault_idx, 0);
	assert_int_equal(s.items[0].policy_idx, 0);
	assert_int_equal(s.items[1].vault_idx, 1);
	assert_int_equal(s.items[1].policy_idx, 2);
	assert_int_equal(s.items[2].policy_idx, -1);
	assert_int_equal(snapshot_find_vault(&s, f.vid[1]), 1);
	assert_int_equal(snapshot_find_item(&s, f.iid[2]), 2);
	assert_int_equal(snapshot_find_policy(&s, "p-000000000002"), 1);
	assert_int_equal(snapshot_find_item(&s, "i-nope"), -1);
	snapshot_release(&s);
	free(dir);
}

static void test_snapshot__round_trip_streams(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	struct seen seen;
	char *dir;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("streams", &f);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);

	memset(&seen, 0, sizeof(seen));
	seen.f = &f;
	assert_int_equal(snapshot_each_rp(&s, see_rp, &seen, &e), 0);
	assert_int_equal(seen.n, f.nrp);
	assert_ptr_equal(seen.items[0], &s.items[0]);
	assert_ptr_equal(seen.items[4], &s.items[1]);

	/* per item, sorted by time; the item without points is skipped */
	memset(&seen, 0, sizeof(seen));
	seen.f = &f;
	assert_int_equal(snapshot_each_item_rps(&s, see_item_rps, &seen, &e),
			 0);
	assert_int_equal(seen.n, 2);
	assert_ptr_equal(seen.items[0], &s.items[0]);
	assert_int_equal(seen.counts[0], 3);
	assert_int_equal(seen.times[0][0], T0 - 400 * DAY_S);
	assert_int_equal(seen.times[0][1], T0 - 30 * DAY_S);
	assert_int_equal(seen.times[0][2], T0 - DAY_S);
	assert_ptr_equal(seen.items[1], &s.items[1]);
	assert_int_equal(seen.counts[1], 2);

	memset(&seen, 0, sizeof(seen));
	seen.f = &f;
	assert_int_equal(snapshot_each_job(&s, see_job, &seen, &e), 0);
	assert_int_equal(seen.n, f.nj);
	assert_ptr_equal(seen.items[0], &s.items[0]);
	assert_ptr_equal(seen.items[1], &s.items[0]);
	assert_null(seen.items[2]); /* a vault-level job */
	snapshot_release(&s);
	free(dir);
}

/* Fails on the first item, as a stage whose output cannot be written. */
static int fail_first_item(void *ctx, const struct item *it,
			   const struct rp *rps, size_t n, struct err *e)
{
	(void)it;
	(void)rps;
	(void)n;
	++*(int *)ctx;
	return err_set(e, EXIT_IOERR, "the stage failed");
}

/* The caller's error stops the reader thread (waiting with the next
 * item's points) and is what the caller gets back; no item after it. */
static void test_snapshot__item_stream_stops_on_the_callers_error(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	int calls = 0;
	char *dir;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("stops", &f);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(snapshot_each_item_rps(&s, fail_first_item, &calls,
						&e),
			 -1);
	assert_int_equal(calls, 1);
	assert_int_equal(e.code, EXIT_IOERR);
	assert_string_equal(e.msg, "the stage failed");
	snapshot_release(&s);
	free(dir);
}

static void test_snapshot__manifest_counts_and_checksums(void **state)
{
	struct fixture f;
	struct manifest m;
	struct err e = ERR_INIT;
	char sum[SHA256_HEX_LEN];
	char *dir, *mpath;
	static const struct {
		const char *file;
		uint64_t rows;
	} want[] = {
		{ "vaults.csv", 2 },	       { "policies.csv", 3 },
		{ "items.csv", 3 },	       { "recovery_points.csv", 5 },
		{ "jobs.csv", 3 },	       { "guards.csv", 1 },
		{ "backup_vaults.csv", 0 },    { "backup_instances.csv", 0 },
		{ "backup_policies.csv", 0 },  { "backup_recovery_points.csv", 0 },
		{ "backup_jobs.csv", 0 },
	};

	(void)state;
	fixture_init(&f);
	dir = write_fixture("counts", &f);
	mpath = path_join(dir, "manifest.json");
	if (manifest_read(&m, mpath, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(m.format_version, MANIFEST_FORMAT_VERSION);
	assert_int_equal(m.exported_at, T0);
	assert_int_equal(m.restore_jobs_from, T0 - 365 * DAY_S);
	assert_int_equal(m.backup_jobs_from, TIME_NONE);
	assert_string_equal(m.tenant_id, "tenant-ü");
	assert_int_equal(m.nsubscriptions, 1);
	assert_int_equal(m.nfiles, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct manifest_file *mf;
		char *p = path_join(dir, want[i].file);

		mf = manifest_file(&m, want[i].file);
		assert_non_null(mf);
		assert_int_equal(mf->rows, want[i].rows);
		assert_true(mf->has_sha256);
		assert_int_equal(sha256_file(p, sum, &e), 0);
		assert_string_equal(mf->sha256, sum);
		free(p);
	}
	manifest_release(&m);
	free(mpath);
	free(dir);
}

/* ---- errors a user sees ---- */

/* Writes f, opens it and expects the message (format gets dir, then the
 * rest of the arguments). */
#define expect_open_error(name, f, fmt, ...)                            \
	do {                                                            \
		struct snapshot s_;                                     \
		struct err e_ = ERR_INIT;                               \
		char *dir_ = write_fixture(name, f);                    \
		assert_int_equal(snapshot_open(&s_, dir_, &e_), -1);    \
		assert_err(&e_, EXIT_DATAERR, fmt, dir_, __VA_ARGS__);  \
		snapshot_release(&s_);                                  \
		free(dir_);                                             \
	} while (0)

static int ignore_rp(void *ctx, const struct item *it, const struct rp *rp,
		     struct err *e)
{
	(void)ctx;
	(void)it;
	(void)rp;
	(void)e;
	return 0;
}

static int ignore_job(void *ctx, const struct item *it, const struct job *j,
		      struct err *e)
{
	(void)ctx;
	(void)it;
	(void)j;
	(void)e;
	return 0;
}

static int ignore_item_rps(void *ctx, const struct item *it,
			   const struct rp *rps, size_t n, struct err *e)
{
	(void)ctx;
	(void)it;
	(void)rps;
	(void)n;
	(void)e;
	return 0;
}

enum stream { ST_RPS, ST_ITEM_RPS, ST_JOBS };

static int run_stream(struct snapshot *s, enum stream which, struct err *e)
{
	switch (which) {
	case ST_RPS:
		return snapshot_each_rp(s, ignore_rp, NULL, e);
	case ST_ITEM_RPS:
		return snapshot_each_item_rps(s, ignore_item_rps, NULL, e);
	case ST_JOBS:
		return snapshot_each_job(s, ignore_job, NULL, e);
	}
	return 0;
}

/* Writes f, opens it (fine) and expects the message from a stream. */
#define expect_stream_error(name, f, which, fmt, ...)                   \
	do {                                                            \
		struct snapshot s_;                                     \
		struct err e_ = ERR_INIT;                               \
		char *dir_ = write_fixture(name, f);                    \
		if (snapshot_open(&s_, dir_, &e_))                      \
			fail_msg("%s", e_.msg);                         \
		assert_int_equal(run_stream(&s_, which, &e_), -1);      \
		assert_err(&e_, EXIT_DATAERR, fmt, dir_, __VA_ARGS__);  \
		snapshot_release(&s_);                                  \
		free(dir_);                                             \
	} while (0)

static void test_snapshot__item_with_unknown_vault(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.it[1].vault_id = "v-000000000bad";
	/* item 1 spans lines 2-3 (a newline in its name): item 2 is line 4 */
	expect_open_error("badvault", &f,
			  "%s/items.csv:4: column 'vault_id': expected an id "
			  "listed in vaults.csv, got '%s'",
			  "v-000000000bad");
}

static void test_snapshot__item_with_unknown_policy(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.it[0].policy_id = "p-nope";
	expect_open_error("badpolicy", &f,
			  "%s/items.csv:2: column 'policy_id': expected an id "
			  "listed in policies.csv, got '%s'",
			  "p-nope");
	fixture_init(&f);
	f.it[1].policy_id = "p-000000000001"; /* a policy of vault 1 */
	expect_open_error("otherpolicy", &f,
			  "%s/items.csv:4: column 'policy_id': expected a "
			  "policy of the item's own vault, got '%s'",
			  "p-000000000001");
}

static void test_snapshot__policy_and_guard_with_unknown_vault(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.p[2].vault_id = "v-gone";
	expect_open_error("policyvault", &f,
			  "%s/policies.csv:4: column 'vault_id': expected an "
			  "id listed in vaults.csv, got '%s'",
			  "v-gone");
	fixture_init(&f);
	f.g[0].vault_id = "v-gone";
	expect_open_error("guardvault", &f,
			  "%s/guards.csv:2: column 'vault_id': expected an id "
			  "listed in vaults.csv, got '%s'",
			  "v-gone");
}

static void test_snapshot__duplicate_ids(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.v[1].vault_id = f.vid[0];
	expect_open_error("dupvault", &f,
			  "%s/vaults.csv:3: column 'vault_id': expected an id "
			  "not used by an earlier row, got '%s'",
			  f.vid[0]);
	fixture_init(&f);
	f.p[1].policy_id = "p-000000000001";
	expect_open_error("duppolicy", &f,
			  "%s/policies.csv:3: column 'policy_id': expected an "
			  "id not used by an earlier row, got '%s'",
			  "p-000000000001");
	fixture_init(&f);
	f.it[2].item_id = f.iid[0];
	f.it[2].vault_id = f.vid[0];
	expect_open_error("dupitem", &f,
			  "%s/items.csv:5: column 'item_id': expected an id "
			  "not used by an earlier row, got '%s'",
			  f.iid[0]);
}

static void test_snapshot__bad_values_name_the_column(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.v[1].soft_delete_days = 181;
	expect_open_error("sdd", &f,
			  "%s/vaults.csv:3: column 'soft_delete_days': "
			  "expected an integer from 0 to 180, got '%s'",
			  "181");
	fixture_init(&f);
	f.p[0].run_times = "22:30;25:00";
	expect_open_error("runtimes", &f,
			  "%s/policies.csv:2: column 'run_times': expected "
			  "times of day as HH:MM separated by ';', got '%s'",
			  "22:30;25:00");
	fixture_init(&f);
	f.p[2].run_days = "Sunday;Funday";
	expect_open_error("rundays", &f,
			  "%s/policies.csv:4: column 'run_days': expected day "
			  "names separated by ';' (Sunday;Monday), got '%s'",
			  "Sunday;Funday");
	fixture_init(&f);
	f.it[1].daily_churn = 1.5;
	expect_open_error("churn", &f,
			  "%s/items.csv:4: column 'daily_churn': expected a "
			  "decimal number from 0 to 1, got '%s'",
			  "1.5000");
}

static void test_snapshot__rp_with_unknown_item(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.rp[3].item_id = "i-000000000bad";
	f.rp[4].item_id = "i-000000000bad";
	/* rp 1 spans lines 3-4 (CRLF in move_info): rp 3 is on line 6 */
	expect_stream_error("rpitem", &f, ST_RPS,
			    "%s/recovery_points.csv:6: column 'item_id': "
			    "expected an id listed in items.csv, got '%s'",
			    "i-000000000bad");
}

static void test_snapshot__rp_expiry_before_its_time(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.rp[2].expiry_time = f.rp[2].rp_time - 1;
	expect_stream_error("expiry", &f, ST_ITEM_RPS,
			    "%s/recovery_points.csv:5: column 'expiry_time': "
			    "expected an expiry time after rp_time, got '%s'",
			    "2026-10-01T23:59:59Z");
}

static void test_snapshot__rows_of_an_item_split_by_another(void **state)
{
	struct fixture f;
	struct rp moved;

	(void)state;
	fixture_init(&f);
	/* vm1, vm1, vm1, sql, sql -> vm1, vm1, sql, sql, vm1 */
	moved = f.rp[2];
	f.rp[2] = f.rp[3];
	f.rp[3] = f.rp[4];
	f.rp[4] = moved;
	expect_stream_error("grouping", &f, ST_ITEM_RPS,
			    "%s/recovery_points.csv:7: column 'item_id': "
			    "expected rows grouped by item_id (this item "
			    "appeared earlier, before rows of other items), "
			    "got '%s'",
			    f.iid[0]);
	fixture_init(&f);
	f.j[2].item_id = f.iid[1];
	f.j[3] = f.j[0];
	f.nj = 4;
	expect_stream_error("jobgrouping", &f, ST_JOBS,
			    "%s/jobs.csv:5: column 'item_id': expected rows "
			    "grouped by item_id (this item appeared earlier, "
			    "before rows of other items), got '%s'",
			    f.iid[0]);
}

static void test_snapshot__a_point_listed_twice(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	/* vm1's points, then the second of them again */
	f.rp[5] = f.rp[4];
	f.rp[4] = f.rp[3];
	f.rp[3] = f.rp[1];
	f.nrp = 6;
	expect_stream_error("twice", &f, ST_ITEM_RPS,
			    "%s/recovery_points.csv: column 'rp_id': expected "
			    "one row per recovery point, got '%s' twice for "
			    "item '%s'",
			    "rp-1", f.iid[0]);
}

static void test_snapshot__job_with_unknown_references(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.j[1].item_id = "i-gone";
	expect_stream_error("jobitem", &f, ST_JOBS,
			    "%s/jobs.csv:3: column 'item_id': expected an id "
			    "listed in items.csv, got '%s'",
			    "i-gone");
	fixture_init(&f);
	f.j[2].vault_id = "v-gone";
	expect_stream_error("jobvault", &f, ST_JOBS,
			    "%s/jobs.csv:4: column 'vault_id': expected an id "
			    "listed in vaults.csv, got '%s'",
			    "v-gone");
}

static int stop_at_second(void *ctx, const struct item *it,
			  const struct rp *rp, struct err *e)
{
	(void)it;
	(void)rp;
	if (++*(int *)ctx == 2)
		return err_set(e, EXIT_SOFTWARE, "stopped by the caller");
	return 0;
}

static void test_snapshot__caller_error_stops_the_stream(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir;
	int n = 0;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("stop", &f);
	assert_int_equal(snapshot_open(&s, dir, &e), 0);
	assert_int_equal(snapshot_each_rp(&s, stop_at_second, &n, &e), -1);
	assert_int_equal(n, 2);
	assert_err(&e, EXIT_SOFTWARE, "stopped by the caller");
	snapshot_release(&s);
	free(dir);
}

/* ---- many items: the reader hands them over in batches ---- */

#define MANY_ITEMS 40
#define MANY_POINTS 500 /* 20,000 points: several batches, the ring wraps */

/* The fixture's tables with MANY_ITEMS items of MANY_POINTS points each,
 * listed newest first in every other item. */
static char *write_many(const char *name)
{
	struct fixture f;
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;
	char *dir = test_path(name);
	char id[32], rp_id[32];

	fixture_init(&f);
	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	snapshot_put_vault(&sw, &f.v[0]);
	for (int i = 0; i < MANY_ITEMS; i++) {
		struct item it = f.it[2];
		snprintf(id, sizeof(id), "i-many-%02d", i);
		it.item_id = id;
		snapshot_put_item(&sw, &it);
	}
	for (int i = 0; i < MANY_ITEMS; i++)
		for (int k = 0; k < MANY_POINTS; k++) {
			struct rp rp = f.rp[3];
			int age = i % 2 ? k + 1 : MANY_POINTS - k;
			snprintf(id, sizeof(id), "i-many-%02d", i);
			snprintf(rp_id, sizeof(rp_id), "r-%d-%d", i, k);
			rp.item_id = id;
			rp.rp_id = rp_id;
			rp.rp_time = T0 - age * HOUR_S;
			rp.expiry_time = TIME_NONE;
			rp.move_info = k % 3 ? "not yet" : "";
			snapshot_put_rp(&sw, &rp);
		}
	manifest_init(&m);
	m.source = xstrdup("sample");
	m.exported_at = T0;
	assert_int_equal(snapshot_writer_commit(&sw, &m, &e), 0);
	manifest_release(&m);
	return dir;
}

struct many {
	const struct snapshot *s;
	int calls, fail_at;
	size_t points;
};

/* Each item once, in file order, with all its points sorted by time. */
static int see_many(void *ctx, const struct item *it, const struct rp *rps,
		    size_t n, struct err *e)
{
	struct many *m = ctx;
	/* each item lingers: the reader runs ahead, fills the ring of
	 * batches and reaches the end of the file with batches unread */
	struct timespec linger = { 0, 5 * 1000 * 1000 };

	nanosleep(&linger, NULL);
	assert_ptr_equal(it, &m->s->items[m->calls]);
	assert_int_equal(n, MANY_POINTS);
	for (size_t k = 0; k < n; k++) {
		assert_string_equal(rps[k].item_id, it->item_id);
		assert_int_equal(rps[k].rp_time,
				 T0 - (int64_t)(MANY_POINTS - k) * HOUR_S);
		assert_string_equal(rps[k].move_info,
				    (m->calls % 2 ? MANY_POINTS - 1 - k
						  : k) % 3
					    ? "not yet"
					    : "");
	}
	m->points += n;
	if (++m->calls == m->fail_at)
		return err_set(e, EXIT_IOERR, "the stage failed");
	return 0;
}

static void test_snapshot__many_items_in_order_across_batches(void **state)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	struct many m = { &s, 0, 0, 0 };
	char *dir = write_many("many");

	(void)state;
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(snapshot_each_item_rps(&s, see_many, &m, &e), 0);
	assert_int_equal(m.calls, MANY_ITEMS);
	assert_int_equal(m.points, MANY_ITEMS * MANY_POINTS);

	/* an error in a late batch stops the reader, and nothing follows */
	m = (struct many){ &s, 0, MANY_ITEMS - 5, 0 };
	assert_int_equal(snapshot_each_item_rps(&s, see_many, &m, &e), -1);
	assert_int_equal(m.calls, MANY_ITEMS - 5);
	assert_err(&e, EXIT_IOERR, "the stage failed");
	snapshot_release(&s);
	free(dir);
}

/* ---- tampering after export ---- */

/* Changes the first occurrence of from (same length) in dir/file. */
static void tamper(const char *dir, const char *file, const char *from,
		   const char *to)
{
	char *path = path_join(dir, file);
	char *text = test_read(path);
	char *at;
	FILE *out;

	assert_non_null(text);
	at = strstr(text, from);
	assert_non_null(at);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
	out = fopen(path, "wb");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	free(text);
	free(path);
}

/* The message for a file that changed after export. */
static char *changed_message(const char *dir, const char *file)
{
	struct err e = ERR_INIT;
	struct manifest m;
	char sum[SHA256_HEX_LEN];
	char *mpath = path_join(dir, "manifest.json");
	char *path = path_join(dir, file);
	char *msg;

	assert_int_equal(manifest_read(&m, mpath, &e), 0);
	assert_int_equal(sha256_file(path, sum, &e), 0);
	msg = xasprintf("%s/%s has changed since manifest.json was written "
			"(SHA-256 %.12s..., manifest says %.12s...): "
			"re-export it, or restore the original file",
			dir, file, sum, manifest_file(&m, file)->sha256);
	manifest_release(&m);
	free(mpath);
	free(path);
	return msg;
}

static void test_snapshot__one_byte_changed_in_recovery_points(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir, *want;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("tamper-rps", &f);
	tamper(dir, "recovery_points.csv", "4.500", "4.600");
	want = changed_message(dir, "recovery_points.csv");
	assert_int_equal(snapshot_open(&s, dir, &e), 0);
	assert_int_equal(snapshot_each_rp(&s, ignore_rp, NULL, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.code, EXIT_DATAERR);
	snapshot_release(&s);
	free(want);
	free(dir);
}

/* The enum columns of the points read back, row after row. */
struct rp_enums_seen {
	int tier[8], ready[8], rec[8];
	size_t n;
};

static int keep_enums(void *ctx, const struct item *it, const struct rp *rp,
		      struct err *e)
{
	struct rp_enums_seen *seen = ctx;

	(void)it;
	(void)e;
	assert_true(seen->n < ARRAY_SIZE(seen->tier));
	seen->tier[seen->n] = rp->tier;
	seen->ready[seen->n] = rp->move_ready;
	seen->rec[seen->n++] = rp->recommended;
	return 0;
}

/* Tiers and move_ready alternating from row to row, in any case, and an
 * empty recommended_for_move after a "true" give each row its own value;
 * a value that is none of the names is named with the column and line. */
static void test_snapshot__enums_alternating_and_in_any_case(void **state)
{
	struct fixture f;
	struct rp_enums_seen seen = { .n = 0 };
	struct snapshot s;
	struct err e = ERR_INIT;
	uint64_t rows;
	char *dir;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("enum-case", &f);
	tamper(dir, "recovery_points.csv", ",Archive,", ",ARCHIVE,");
	tamper(dir, "recovery_points.csv", ",unknown,", ",Unknown,");
	assert_int_equal(snapshot_open(&s, dir, &e), 0);
	assert_int_equal(snapshot_each_rp_unhashed(&s, keep_enums, &seen,
						   &rows, &e), 0);
	assert_int_equal(seen.n, f.nrp);
	for (size_t i = 0; i < f.nrp; i++) {
		assert_int_equal(seen.tier[i], f.rp[i].tier);
		assert_int_equal(seen.ready[i], f.rp[i].move_ready);
		assert_int_equal(seen.rec[i], f.rp[i].recommended);
	}
	snapshot_release(&s);
	tamper(dir, "recovery_points.csv", ",true,", ",sure,");
	assert_int_equal(snapshot_open(&s, dir, &e), 0);
	assert_int_equal(snapshot_each_rp_unhashed(&s, ignore_rp, NULL, &rows,
						   &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/recovery_points.csv:3: column 'move_ready': expected "
		   "one of false, true, unknown, got 'sure'", dir);
	snapshot_release(&s);
	free(dir);
}

static void test_snapshot__one_byte_changed_in_vaults(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir, *want;

	(void)state;
	fixture_init(&f);
	dir = write_fixture("tamper-vaults", &f);
	tamper(dir, "vaults.csv", "westeurope", "westeuropa");
	want = changed_message(dir, "vaults.csv");
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.code, EXIT_DATAERR);
	snapshot_release(&s);
	free(want);
	free(dir);
}

/* ---- ids ---- */

static void test_snapshot__make_id_stable_and_case_insensitive(void **state)
{
	char a[SNAPSHOT_ID_LEN], b[SNAPSHOT_ID_LEN], c[SNAPSHOT_ID_LEN];

	(void)state;
	snapshot_make_id(a, 'v', V1_ARM);
	/* printf '%s' "$lowercased_arm_id" | sha256sum | cut -c1-12 */
	assert_string_equal(a, "v-d909a030ae9e");
	snapshot_make_id(b, 'v',
			 "/SUBSCRIPTIONS/0000-aaaa/resourcegroups/RG-BACKUP/"
			 "providers/microsoft.recoveryservices/vaults/"
			 "PROD-VAULT");
	assert_string_equal(a, b);
	snapshot_make_id(c, 'i', V1_ARM);
	assert_string_equal(c, "i-d909a030ae9e");
	snapshot_make_id(c, 'v', V1_ARM "2");
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(c), SNAPSHOT_ID_LEN - 1);
}

/* ---- replacing an output directory ---- */

static void test_snapshot__replaces_a_directory_it_wrote(void **state)
{
	struct fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *parent = test_path("again");
	char *dir = path_join(parent, "snap");
	char *ls;

	(void)state;
	fixture_init(&f);
	assert_int_equal(fixture_write(&f, dir, &e), 0);
	f.v[1].vault_name = "renamed";
	f.nj = 0;
	assert_int_equal(fixture_write(&f, dir, &e), 0);
	assert_int_equal(snapshot_open(&s, dir, &e), 0);
	assert_string_equal(s.vaults[1].vault_name, "renamed");
	assert_int_equal(manifest_file(&s.manifest, "jobs.csv")->rows, 0);
	snapshot_release(&s);
	ls = test_ls(parent); /* no temporary or old directory left */
	assert_string_equal(ls, "snap");
	free(ls);
	free(dir);
	free(parent);
}

static void test_snapshot__replaces_an_empty_directory(void **state)
{
	struct fixture f;
	struct err e = ERR_INIT;
	char *dir = test_path("emptydir");
	char *ls;

	(void)state;
	fixture_init(&f);
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(fixture_write(&f, dir, &e), 0);
	ls = test_ls(dir);
	assert_true(strstr(ls, "manifest.json") != NULL);
	free(ls);
	free(dir);
}

static void test_snapshot__refuses_a_foreign_directory(void **state)
{
	struct fixture f;
	struct err e = ERR_INIT;
	char *parent = test_path("foreign");
	char *dir = path_join(parent, "mine");
	char *note = path_join(dir, "notes.txt");
	char *ls, *text;

	(void)state;
	fixture_init(&f);
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_write_string(note, "keep me\n", &e), 0);
	assert_int_equal(fixture_write(&f, dir, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "refusing to replace '%s': it is not empty and was not "
		   "written by vaultwise",
		   dir);
	ls = test_ls(dir);
	assert_string_equal(ls, "notes.txt");
	free(ls);
	text = test_read(note);
	assert_string_equal(text, "keep me\n");
	free(text);
	ls = test_ls(parent); /* the temporary directory is gone too */
	assert_string_equal(ls, "mine");
	free(ls);
	free(note);
	free(dir);
	free(parent);
}

static void test_snapshot__refuses_a_file_in_the_way(void **state)
{
	struct fixture f;
	struct err e = ERR_INIT;
	char *parent = test_path("file");
	char *path = path_join(parent, "snap");
	char *ls;

	(void)state;
	fixture_init(&f);
	assert_int_equal(mkdir_p(parent, &e), 0);
	assert_int_equal(afile_write_string(path, "data\n", &e), 0);
	assert_int_equal(fixture_write(&f, path, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot replace '%s': it is not a directory", path);
	ls = test_ls(parent);
	assert_string_equal(ls, "snap");
	free(ls);
	free(path);
	free(parent);
}

static void test_snapshot__aborted_writer_leaves_nothing(void **state)
{
	struct fixture f;
	struct snapshot_writer sw;
	struct err e = ERR_INIT;
	char *parent = test_path("aborted");
	char *dir = path_join(parent, "snap");
	char *ls;

	(void)state;
	fixture_init(&f);
	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	snapshot_put_vault(&sw, &f.v[0]);
	snapshot_writer_abort(&sw);
	ls = test_ls(parent);
	assert_string_equal(ls, "");
	free(ls);
	free(dir);
	free(parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot__round_trip_tables),
		cmocka_unit_test(test_snapshot__round_trip_streams),
		cmocka_unit_test(
			test_snapshot__item_stream_stops_on_the_callers_error),
		cmocka_unit_test(test_snapshot__manifest_counts_and_checksums),
		cmocka_unit_test(test_snapshot__item_with_unknown_vault),
		cmocka_unit_test(test_snapshot__item_with_unknown_policy),
		cmocka_unit_test(
			test_snapshot__policy_and_guard_with_unknown_vault),
		cmocka_unit_test(test_snapshot__duplicate_ids),
		cmocka_unit_test(test_snapshot__bad_values_name_the_column),
		cmocka_unit_test(test_snapshot__rp_with_unknown_item),
		cmocka_unit_test(test_snapshot__rp_expiry_before_its_time),
		cmocka_unit_test(
			test_snapshot__rows_of_an_item_split_by_another),
		cmocka_unit_test(test_snapshot__a_point_listed_twice),
		cmocka_unit_test(test_snapshot__job_with_unknown_references),
		cmocka_unit_test(test_snapshot__caller_error_stops_the_stream),
		cmocka_unit_test(
			test_snapshot__many_items_in_order_across_batches),
		cmocka_unit_test(
			test_snapshot__one_byte_changed_in_recovery_points),
		cmocka_unit_test(
			test_snapshot__enums_alternating_and_in_any_case),
		cmocka_unit_test(test_snapshot__one_byte_changed_in_vaults),
		cmocka_unit_test(
			test_snapshot__make_id_stable_and_case_insensitive),
		cmocka_unit_test(test_snapshot__replaces_a_directory_it_wrote),
		cmocka_unit_test(test_snapshot__replaces_an_empty_directory),
		cmocka_unit_test(test_snapshot__refuses_a_foreign_directory),
		cmocka_unit_test(test_snapshot__refuses_a_file_in_the_way),
		cmocka_unit_test(test_snapshot__aborted_writer_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
