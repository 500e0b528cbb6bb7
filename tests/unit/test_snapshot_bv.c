/* SPDX-License-Identifier: MIT
 * test_snapshot_bv.c: the Backup vault files of a snapshot
 * (backup_vaults.csv, backup_policies.csv, backup_instances.csv,
 * backup_recovery_points.csv, backup_jobs.csv) written with the snapshot
 * writer and read back field by field, with their manifest rows and
 * checksums; broken references named by file, line and column (exit 65);
 * a snapshot without the files still opens. */
#include "testutil.h"

#include <math.h>

#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */
#define BV_ARM "/subscriptions/2222/resourceGroups/rg-bv/providers/" \
	       "Microsoft.DataProtection/backupVaults/bv-prod"
#define GUARD_ARM "/subscriptions/9999/resourceGroups/sec/providers/" \
		  "Microsoft.DataProtection/resourceGuards/guard1"
#define DISK_ARM "/subscriptions/2222/resourceGroups/rg-app/providers/" \
		 "Microsoft.Compute/disks/app-os"

struct bv_fixture {
	char vid[SNAPSHOT_ID_LEN], pid[2][SNAPSHOT_ID_LEN];
	char iid[2][SNAPSHOT_ID_LEN];
	struct bvault v;
	struct bpolicy p[2];
	struct binstance bi[2];
	struct brp rp[2];
	struct bjob job[2];
};

static void bv_fixture_init(struct bv_fixture *f)
{
	memset(f, 0, sizeof(*f));
	snapshot_make_id(f->vid, 'v', BV_ARM);
	snapshot_make_id(f->pid[0], 'p', BV_ARM "/backupPolicies/disk-daily");
	snapshot_make_id(f->pid[1], 'p', BV_ARM "/backupPolicies/blob-ops");
	snapshot_make_id(f->iid[0], 'i', BV_ARM "/backupInstances/app-os");
	snapshot_make_id(f->iid[1], 'i', BV_ARM "/backupInstances/logs");
	f->v = (struct bvault){
		.vault_id = f->vid, .subscription_id = "2222",
		.resource_group = "rg-bv", .vault_name = "bv-prod",
		.location = "westeurope", .resource_guard_id = GUARD_ARM,
		.tenant_id = "tenant-1", .arm_id = BV_ARM,
		.redundancy = RED_GRS, .cross_region_restore = ON,
		.immutability = IMM_LOCKED, .soft_delete = SD_ALWAYSON,
		.soft_delete_days = 14,
		.cross_subscription_restore = XSR_PERMANENTLY_DISABLED,
		.cmk = OFF, .job_failure_alerts = ONOFF_UNKNOWN,
	};
	f->p[0] = (struct bpolicy){
		.policy_id = f->pid[0], .vault_id = f->vid,
		.policy_name = "disk-daily",
		.datasource_type = "Microsoft.Compute/disks",
		.schedule = "R/2026-01-01T02:00:00+00:00/P1D",
		.time_zone = "UTC", .data_stores = "OperationalStore",
		.retention_rules = "Default:OperationalStore:P7D",
		.arm_id = BV_ARM "/backupPolicies/disk-daily",
		.operational_keep_days = 7,
	};
	f->p[1] = (struct bpolicy){
		.policy_id = f->pid[1], .vault_id = f->vid,
		.policy_name = "blob-ops, \"vaulted\"",
		.datasource_type =
			"Microsoft.Storage/storageAccounts/blobServices",
		.schedule = "", .time_zone = "",
		.data_stores = "OperationalStore;VaultStore",
		.retention_rules = "Default:OperationalStore:P30D;"
				   "Monthly:VaultStore:P12M",
		.arm_id = BV_ARM "/backupPolicies/blob-ops",
		.operational_keep_days = 30, .vault_keep_days = 366,
	};
	f->bi[0] = (struct binstance){
		.instance_id = f->iid[0], .vault_id = f->vid,
		.policy_id = f->pid[0], .instance_name = "app-os",
		.datasource_type = "Microsoft.Compute/disks",
		.protection_status = "ProtectionConfigured",
		.source_resource_id = DISK_ARM,
		.arm_id = BV_ARM "/backupInstances/app-os",
		.vault_gb = 0, .archive_gb = 0, .size_source = "estimated",
		.snapshot_gb = 107.52,
	};
	f->bi[1] = (struct binstance){
		.instance_id = f->iid[1], .vault_id = f->vid, .policy_id = "",
		.instance_name = "logs",
		.datasource_type =
			"Microsoft.Storage/storageAccounts/blobServices",
		.protection_status = "ProtectionStopped",
		.source_resource_id = "", .arm_id = "",
		/* as an export writes it: Azure reports no size */
		.vault_gb = NAN, .archive_gb = NAN, .size_source = "",
		.snapshot_gb = NAN,
	};
	f->rp[0] = (struct brp){
		.rp_id = "7fb2cddd-c5b3-44f6-a0d9-db3c4f9d5e35",
		.instance_id = f->iid[0], .rp_type = "Incremental",
		.data_stores = "OperationalStore", .rp_time = T0 - DAY_S,
		.expiry_time = T0 + 6 * DAY_S,
	};
	f->rp[1] = (struct brp){
		.rp_id = "rp-2", .instance_id = f->iid[0], .rp_type = "Full",
		.data_stores = "OperationalStore;VaultStore",
		.rp_time = T0 - 2 * DAY_S, .expiry_time = TIME_NONE,
	};
	f->job[0] = (struct bjob){
		.job_id = "43252662-1b43-44fd-a856-0055665cb097",
		.vault_id = f->vid, .instance_id = f->iid[0],
		.operation = "Restore", .category = "Restore",
		.status = "Succeeded", .datasource_type = "Microsoft.Compute/disks",
		.error_code = "", .start_time = T0 - 5 * HOUR_S,
		.end_time = T0 - 4 * HOUR_S, .duration_s = 3600,
	};
	f->job[1] = (struct bjob){
		.job_id = "job-2", .vault_id = f->vid, .instance_id = "",
		.operation = "Backup", .category = "Backup", .status = "Started",
		.datasource_type = "", .error_code = "",
		.start_time = T0 - HOUR_S, .end_time = TIME_NONE,
		.duration_s = NAN,
	};
}

static char *bv_write(const char *name, const struct bv_fixture *f)
{
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;
	char *dir = test_path(name);

	if (snapshot_writer_begin(&sw, dir, &e))
		fail_msg("%s", e.msg);
	snapshot_put_bvault(&sw, &f->v);
	for (size_t i = 0; i < 2; i++)
		snapshot_put_bpolicy(&sw, &f->p[i]);
	for (size_t i = 0; i < 2; i++)
		snapshot_put_binstance(&sw, &f->bi[i]);
	for (size_t i = 0; i < 2; i++) {
		snapshot_put_brp(&sw, &f->rp[i]);
		snapshot_put_bjob(&sw, &f->job[i]);
	}
	manifest_init(&m);
	m.source = xstrdup("sample");
	m.exported_at = T0;
	if (snapshot_writer_commit(&sw, &m, &e))
		fail_msg("%s", e.msg);
	manifest_release(&m);
	return dir;
}

static void assert_bvault_equal(const struct bvault *a, const struct bvault *b)
{
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->subscription_id, b->subscription_id);
	assert_string_equal(a->resource_group, b->resource_group);
	assert_string_equal(a->vault_name, b->vault_name);
	assert_string_equal(a->location, b->location);
	assert_string_equal(a->resource_guard_id, b->resource_guard_id);
	assert_string_equal(a->tenant_id, b->tenant_id);
	assert_string_equal(a->arm_id, b->arm_id);
	assert_int_equal(a->redundancy, b->redundancy);
	assert_int_equal(a->cross_region_restore, b->cross_region_restore);
	assert_int_equal(a->immutability, b->immutability);
	assert_int_equal(a->soft_delete, b->soft_delete);
	assert_int_equal(a->soft_delete_days, b->soft_delete_days);
	assert_int_equal(a->cross_subscription_restore,
			 b->cross_subscription_restore);
	assert_int_equal(a->cmk, b->cmk);
	assert_int_equal(a->job_failure_alerts, b->job_failure_alerts);
}

static void assert_bpolicy_equal(const struct bpolicy *a,
				 const struct bpolicy *b)
{
	assert_string_equal(a->policy_id, b->policy_id);
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->policy_name, b->policy_name);
	assert_string_equal(a->datasource_type, b->datasource_type);
	assert_string_equal(a->schedule, b->schedule);
	assert_string_equal(a->time_zone, b->time_zone);
	assert_string_equal(a->data_stores, b->data_stores);
	assert_string_equal(a->retention_rules, b->retention_rules);
	assert_string_equal(a->arm_id, b->arm_id);
	assert_int_equal(a->operational_keep_days, b->operational_keep_days);
	assert_int_equal(a->vault_keep_days, b->vault_keep_days);
	assert_int_equal(a->archive_keep_days, b->archive_keep_days);
}

static void assert_binstance_equal(const struct binstance *a,
				   const struct binstance *b)
{
	assert_string_equal(a->instance_id, b->instance_id);
	assert_string_equal(a->vault_id, b->vault_id);
	assert_string_equal(a->policy_id, b->policy_id);
	assert_string_equal(a->instance_name, b->instance_name);
	assert_string_equal(a->datasource_type, b->datasource_type);
	assert_string_equal(a->protection_status, b->protection_status);
	assert_string_equal(a->source_resource_id, b->source_resource_id);
	assert_string_equal(a->arm_id, b->arm_id);
	assert_string_equal(a->size_source, b->size_source);
	assert_int_equal(isnan(a->vault_gb), isnan(b->vault_gb));
	assert_int_equal(isnan(a->archive_gb), isnan(b->archive_gb));
	if (!isnan(a->vault_gb))
		assert_float_equal(a->vault_gb, b->vault_gb, 1e-9);
	if (!isnan(a->archive_gb))
		assert_float_equal(a->archive_gb, b->archive_gb, 1e-9);
	assert_int_equal(isnan(a->snapshot_gb), isnan(b->snapshot_gb));
	if (!isnan(a->snapshot_gb))
		assert_float_equal(a->snapshot_gb, b->snapshot_gb, 1e-9);
}

static void test_snapshot_bv__round_trip(void **state)
{
	struct bv_fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	const struct manifest_file *mf;
	char *dir;

	(void)state;
	bv_fixture_init(&f);
	dir = bv_write("roundtrip", &f);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.nvaults, 0);
	assert_int_equal(s.bv.nvaults, 1);
	assert_int_equal(s.bv.npolicies, 2);
	assert_int_equal(s.bv.ninstances, 2);
	assert_bvault_equal(&s.bv.vaults[0], &f.v);
	for (size_t i = 0; i < 2; i++) {
		assert_bpolicy_equal(&s.bv.policies[i], &f.p[i]);
		assert_binstance_equal(&s.bv.instances[i], &f.bi[i]);
	}
	assert_int_equal(s.bv.instances[0].vault_idx, 0);
	assert_int_equal(s.bv.instances[0].policy_idx, 0);
	assert_int_equal(s.bv.instances[1].policy_idx, -1);
	assert_int_equal(snapshot_find_bvault(&s, f.vid), 0);
	assert_int_equal(snapshot_find_vault(&s, f.vid), -1);
	mf = manifest_file(&s.manifest, "backup_instances.csv");
	assert_non_null(mf);
	assert_true(mf->has_rows && mf->has_sha256);
	assert_int_equal(mf->rows, 2);
	snapshot_release(&s);
	free(dir);
}

/* What the streams gave: each row copied field by field. */
struct seen {
	const struct bv_fixture *f;
	const struct snapshot *s;
	size_t nrps, njobs;
};

static int see_rp(void *ctx, const struct binstance *bi,
		  const struct brp *rp, struct err *e)
{
	struct seen *sn = ctx;
	const struct brp *want = &sn->f->rp[sn->nrps++];

	(void)e;
	assert_ptr_equal(bi, &sn->s->bv.instances[0]);
	assert_string_equal(rp->rp_id, want->rp_id);
	assert_string_equal(rp->instance_id, want->instance_id);
	assert_string_equal(rp->rp_type, want->rp_type);
	assert_string_equal(rp->data_stores, want->data_stores);
	assert_int_equal(rp->rp_time, want->rp_time);
	assert_int_equal(rp->expiry_time, want->expiry_time);
	return 0;
}

static int see_job(void *ctx, const struct binstance *bi,
		   const struct bjob *j, struct err *e)
{
	struct seen *sn = ctx;
	const struct bjob *want = &sn->f->job[sn->njobs++];

	(void)e;
	assert_ptr_equal(bi, want->instance_id[0] ? &sn->s->bv.instances[0]
						  : NULL);
	assert_string_equal(j->job_id, want->job_id);
	assert_string_equal(j->vault_id, want->vault_id);
	assert_string_equal(j->instance_id, want->instance_id);
	assert_string_equal(j->operation, want->operation);
	assert_string_equal(j->category, want->category);
	assert_string_equal(j->status, want->status);
	assert_string_equal(j->datasource_type, want->datasource_type);
	assert_string_equal(j->error_code, want->error_code);
	assert_int_equal(j->start_time, want->start_time);
	assert_int_equal(j->end_time, want->end_time);
	if (isnan(want->duration_s))
		assert_true(isnan(j->duration_s));
	else
		assert_true(j->duration_s == want->duration_s);
	assert_int_equal(bjob_is_restore(j), j == NULL ? 0 : sn->njobs == 1);
	return 0;
}

static void test_snapshot_bv__points_and_jobs_stream_back(void **state)
{
	struct bv_fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	struct seen sn;
	const struct manifest_file *mf;
	char *dir;

	(void)state;
	bv_fixture_init(&f);
	dir = bv_write("history", &f);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	sn = (struct seen){ &f, &s, 0, 0 };
	if (snapshot_each_brp(&s, see_rp, &sn, &e) ||
	    snapshot_each_bjob(&s, see_job, &sn, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sn.nrps, 2);
	assert_int_equal(sn.njobs, 2);
	mf = manifest_file(&s.manifest, "backup_recovery_points.csv");
	assert_non_null(mf);
	assert_true(mf->has_rows && mf->has_sha256);
	assert_int_equal(mf->rows, 2);
	snapshot_release(&s);
	free(dir);
}

static int see_nothing(void *ctx, const struct binstance *bi,
		       const struct brp *rp, struct err *e)
{
	(void)ctx;
	(void)bi;
	(void)rp;
	(void)e;
	fail_msg("a point streamed");
	return -1;
}

#define expect_stream_error(name, f, fmt, ...)                          \
	do {                                                            \
		struct snapshot s_;                                     \
		struct err e_ = ERR_INIT;                               \
		struct seen sn_ = { f, &s_, 0, 0 };                     \
		char *dir_ = bv_write(name, f);                         \
		if (snapshot_open(&s_, dir_, &e_))                      \
			fail_msg("%s", e_.msg);                         \
		assert_int_equal(                                       \
			snapshot_each_brp(&s_, see_rp, &sn_, &e_) ||    \
				snapshot_each_bjob(&s_, see_job, &sn_,  \
						   &e_),                \
			1);                                             \
		assert_err(&e_, EXIT_DATAERR, fmt, dir_, __VA_ARGS__);  \
		snapshot_release(&s_);                                  \
		free(dir_);                                             \
	} while (0)

static void test_snapshot_bv__points_and_jobs_name_known_rows(void **state)
{
	struct bv_fixture f;

	(void)state;
	bv_fixture_init(&f);
	f.rp[1].instance_id = "i-000000000bad";
	expect_stream_error("rpinst", &f,
			    "%s/backup_recovery_points.csv:3: column "
			    "'instance_id': expected an id listed in "
			    "backup_instances.csv, got '%s'",
			    "i-000000000bad");
	bv_fixture_init(&f);
	f.job[1].vault_id = "v-000000000bad";
	expect_stream_error("jobvault", &f,
			    "%s/backup_jobs.csv:3: column 'vault_id': "
			    "expected an id listed in backup_vaults.csv, "
			    "got '%s'",
			    "v-000000000bad");
	bv_fixture_init(&f);
	f.job[0].end_time = f.job[0].start_time - 1;
	expect_stream_error("jobend", &f,
			    "%s/backup_jobs.csv:2: column 'end_time': "
			    "expected an end time after start_time, got '%s'",
			    "2026-10-31T18:59:59Z");
}

static void test_snapshot_bv__ids_from_the_lowercased_arm_id(void **state)
{
	char a[SNAPSHOT_ID_LEN], b[SNAPSHOT_ID_LEN];

	(void)state;
	snapshot_make_id(a, 'v', BV_ARM);
	snapshot_make_id(b, 'v', "/SUBSCRIPTIONS/2222/resourcegroups/RG-BV/"
				 "providers/microsoft.dataprotection/"
				 "backupvaults/BV-PROD");
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 14);
	assert_memory_equal(a, "v-", 2);
}

#define expect_bv_open_error(name, f, fmt, ...)                         \
	do {                                                            \
		struct snapshot s_;                                     \
		struct err e_ = ERR_INIT;                               \
		char *dir_ = bv_write(name, f);                         \
		assert_int_equal(snapshot_open(&s_, dir_, &e_), -1);    \
		assert_err(&e_, EXIT_DATAERR, fmt, dir_, __VA_ARGS__);  \
		snapshot_release(&s_);                                  \
		free(dir_);                                             \
	} while (0)

static void test_snapshot_bv__broken_references(void **state)
{
	struct bv_fixture f;

	(void)state;
	bv_fixture_init(&f);
	f.bi[0].policy_id = "p-nope";
	expect_bv_open_error("badpolicy", &f,
			     "%s/backup_instances.csv:2: column 'policy_id': "
			     "expected an id listed in backup_policies.csv, "
			     "got '%s'",
			     "p-nope");
	bv_fixture_init(&f);
	f.bi[1].vault_id = "v-000000000bad";
	expect_bv_open_error("badvault", &f,
			     "%s/backup_instances.csv:3: column 'vault_id': "
			     "expected an id listed in backup_vaults.csv, "
			     "got '%s'",
			     "v-000000000bad");
	bv_fixture_init(&f);
	f.p[1].policy_id = f.pid[0];
	expect_bv_open_error("duppolicy", &f,
			     "%s/backup_policies.csv:3: column 'policy_id': "
			     "expected an id not used by an earlier row, "
			     "got '%s'",
			     f.pid[0]);
}

static void test_snapshot_bv__bad_value_names_the_column(void **state)
{
	struct bv_fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir, *path, *text, *at;

	(void)state;
	bv_fixture_init(&f);
	f.v.soft_delete_days = 400;
	expect_bv_open_error("baddays", &f,
			     "%s/backup_vaults.csv:2: column "
			     "'soft_delete_days': expected an integer from 0 "
			     "to 180, got '%s'",
			     "400");
	/* an edited file is refused before anything is used */
	bv_fixture_init(&f);
	dir = bv_write("edited", &f);
	path = path_join(dir, "backup_vaults.csv");
	text = test_read(path);
	at = strstr(text, ",14,");
	at[2] = '5';
	assert_int_equal(afile_write_string(path, text, &e), 0);
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "backup_vaults.csv has changed"));
	snapshot_release(&s);
	free(text);
	free(path);
	free(dir);
}

/* A snapshot written before the Backup vault files opens, with none. */
static void test_snapshot_bv__older_snapshot_without_the_files(void **state)
{
	struct bv_fixture f;
	struct snapshot s;
	struct err e = ERR_INIT;
	char *dir, *mpath, *mtext, *at;

	(void)state;
	bv_fixture_init(&f);
	dir = bv_write("older", &f);
	mpath = path_join(dir, "manifest.json");
	mtext = test_read(mpath);
	for (int f2 = SF_BVAULTS; f2 < SF_COUNT; f2++) {
		char *p = path_join(dir, snapshot_schemas[f2]->file);
		assert_int_equal(unlink(p), 0);
		free(p);
	}
	/* the manifest without their entries (they are the last five) */
	at = strstr(mtext, ",\n\t\t\"backup_vaults.csv\"");
	assert_non_null(at);
	memcpy(at, "\n\t}\n}\n", sizeof("\n\t}\n}\n"));
	assert_int_equal(afile_write_string(mpath, mtext, &e), 0);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.bv.nvaults + s.bv.npolicies + s.bv.ninstances, 0);
	assert_int_equal(snapshot_each_brp(&s, see_nothing, NULL, &e), 0);
	snapshot_release(&s);
	/* listed in manifest.json but missing: refused */
	free(mtext);
	free(mpath);
	free(dir);
	dir = bv_write("missing", &f);
	mpath = path_join(dir, "backup_policies.csv");
	assert_int_equal(unlink(mpath), 0);
	assert_int_not_equal(snapshot_open(&s, dir, &e), 0);
	assert_non_null(strstr(e.msg, "backup_policies.csv"));
	snapshot_release(&s);
	free(mpath);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_bv__round_trip),
		cmocka_unit_test(test_snapshot_bv__points_and_jobs_stream_back),
		cmocka_unit_test(
			test_snapshot_bv__points_and_jobs_name_known_rows),
		cmocka_unit_test(
			test_snapshot_bv__ids_from_the_lowercased_arm_id),
		cmocka_unit_test(test_snapshot_bv__broken_references),
		cmocka_unit_test(test_snapshot_bv__bad_value_names_the_column),
		cmocka_unit_test(
			test_snapshot_bv__older_snapshot_without_the_files),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
