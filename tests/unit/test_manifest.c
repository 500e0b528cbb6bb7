/* SPDX-License-Identifier: MIT
 * test_manifest.c: manifest.json written and read back; what a reader
 * refuses (format version, broken JSON, bad fields) with exact messages;
 * and a hand-made snapshot (CSV files typed by a person, a manifest without
 * checksums) checked against its manifest. */
#include <sys/stat.h>

#include "testutil.h"

#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/version.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static void test_manifest__write_read_round_trip(void **state)
{
	struct err e = ERR_INIT;
	struct manifest m, back;
	struct manifest_file *mf;
	char *path = test_path("rt-manifest.json");

	(void)state;
	manifest_init(&m);
	m.source = xstrdup("azure");
	m.tenant_id = xstrdup("72f988bf-86f1-41af-91ab-2d7cd011db47");
	m.generator = xstrdup("sample seed=42, \"quoted\"");
	m.exported_at = T0 + 8 * HOUR_S;
	m.restore_jobs_from = T0 - 180 * DAY_S;
	m.backup_jobs_from = T0 - 30 * DAY_S;
	manifest_add_subscription(&m, "sub-1");
	manifest_add_subscription(&m, "sub-2");
	manifest_add_warning(&m, "vault 'x': 403 on backupJobs\nsecond line");
	mf = manifest_file_add(&m, "vaults.csv");
	mf->rows = 12345678901ULL;
	mf->has_rows = true;
	mf->has_sha256 = true;
	memset(mf->sha256, 'a', 64);
	assert_ptr_equal(manifest_file_add(&m, "vaults.csv"), mf);
	manifest_file_add(&m, "hand.csv"); /* neither rows nor sha256 */
	assert_int_equal(manifest_write(&m, path, &e), 0);

	assert_int_equal(manifest_read(&back, path, &e), 0);
	assert_int_equal(back.format_version, MANIFEST_FORMAT_VERSION);
	assert_string_equal(back.tool_version, VAULTWISE_VERSION);
	assert_string_equal(back.source, "azure");
	assert_string_equal(back.tenant_id, m.tenant_id);
	assert_string_equal(back.generator, m.generator);
	assert_int_equal(back.exported_at, m.exported_at);
	assert_int_equal(back.restore_jobs_from, m.restore_jobs_from);
	assert_int_equal(back.backup_jobs_from, m.backup_jobs_from);
	assert_int_equal(back.nsubscriptions, 2);
	assert_string_equal(back.subscriptions[1], "sub-2");
	assert_int_equal(back.nwarnings, 1);
	assert_string_equal(back.warnings[0], m.warnings[0]);
	assert_int_equal(back.nfiles, 2);
	assert_int_equal(manifest_file(&back, "vaults.csv")->rows,
			 12345678901ULL);
	assert_true(manifest_file(&back, "vaults.csv")->has_rows);
	assert_false(manifest_file(&back, "hand.csv")->has_rows);
	assert_false(manifest_file(&back, "hand.csv")->has_sha256);
	assert_true(manifest_file(&back, "vaults.csv")->has_sha256);
	assert_string_equal(manifest_file(&back, "vaults.csv")->sha256,
			    mf->sha256);
	assert_null(manifest_file(&back, "items.csv"));
	manifest_release(&back);
	manifest_release(&m);
	free(path);
}

static void test_manifest__absent_times_are_none(void **state)
{
	struct err e = ERR_INIT;
	struct manifest m;
	char *path = test_write("times.json",
				"{\"format_version\": 1,"
				" \"exported_at\": \"2026-11-01T00:00:00Z\","
				" \"restore_jobs_from\": null}");

	(void)state;
	assert_int_equal(manifest_read(&m, path, &e), 0);
	assert_int_equal(m.exported_at, T0);
	assert_int_equal(m.restore_jobs_from, TIME_NONE);
	assert_int_equal(m.backup_jobs_from, TIME_NONE);
	assert_null(m.source);
	assert_int_equal(m.nfiles, 0);
	manifest_release(&m);
	free(path);
}

static void test_manifest__uppercase_sha256_is_accepted(void **state)
{
	struct err e = ERR_INIT;
	struct manifest m;
	char *path = test_write("upper.json",
				"{\"format_version\": 1,"
				" \"exported_at\": \"2026-11-01T00:00:00Z\","
				" \"files\": {\"vaults.csv\": {\"rows\": 0,"
				" \"sha256\": \"E3B0C44298FC1C149AFBF4C8996F"
				"B92427AE41E4649B934CA495991B7852B855\"}}}");

	(void)state;
	assert_int_equal(manifest_read(&m, path, &e), 0);
	/* sha256sum prints lowercase: compare like with like */
	assert_string_equal(manifest_file(&m, "vaults.csv")->sha256,
			    "e3b0c44298fc1c149afbf4c8996fb924"
			    "27ae41e4649b934ca495991b7852b855");
	manifest_release(&m);
	free(path);
}

/* Reads text as a manifest and expects the message (format gets the
 * path). */
#define expect_manifest_error(name, text, fmt)                          \
	do {                                                            \
		struct err e_ = ERR_INIT;                               \
		struct manifest m_;                                     \
		char *path_ = test_write(name, text);                   \
		assert_int_equal(manifest_read(&m_, path_, &e_), -1);   \
		assert_err(&e_, EXIT_DATAERR, fmt, path_);              \
		manifest_release(&m_);                                  \
		free(path_);                                            \
	} while (0)

static void test_manifest__unsupported_format_version(void **state)
{
	(void)state;
	expect_manifest_error("v2.json",
			      "{\"format_version\": 2, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\"}",
			      "%s: format_version 2 is not supported by "
			      "vaultwise " VAULTWISE_VERSION
			      " (it reads version 1)");
	expect_manifest_error("v0.json", "{\"format_version\": 0}",
			      "%s: format_version 0 is not supported by "
			      "vaultwise " VAULTWISE_VERSION
			      " (it reads version 1)");
	expect_manifest_error("v15.json", "{\"format_version\": 1.5}",
			      "%s: format_version 1.5 is not supported by "
			      "vaultwise " VAULTWISE_VERSION
			      " (it reads version 1)");
	expect_manifest_error("vstr.json", "{\"format_version\": \"1\"}",
			      "%s: field 'format_version': expected a number");
	expect_manifest_error("vnone.json", "{}",
			      "%s: field 'format_version': expected a number");
}

static void test_manifest__broken_json_and_fields(void **state)
{
	(void)state;
	expect_manifest_error("broken.json", "{\"format_version\": 1,",
			      "%s:1:22: not valid JSON");
	expect_manifest_error("broken2.json", "{\n  \"format_version\": 1\n"
			      "  \"source\": \"csv\"\n}",
			      "%s:3:3: not valid JSON");
	expect_manifest_error("array.json", "[1]", "%s: not a JSON object");
	expect_manifest_error("empty.json", "", "%s:1:1: not valid JSON");
	expect_manifest_error("noexp.json", "{\"format_version\": 1}",
			      "%s: field 'exported_at': expected an ISO 8601 "
			      "UTC time");
	expect_manifest_error("naive.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00\"}",
			      "%s: field 'exported_at': expected an ISO 8601 "
			      "UTC time");
	expect_manifest_error("files.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": []}",
			      "%s: field 'files': expected an object");
	expect_manifest_error("shortsha.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": "
			      "{\"vaults.csv\": {\"sha256\": \"abc\"}}}",
			      "%s: field 'files.sha256': expected 64 hex "
			      "digits");
	expect_manifest_error("hexsha.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": "
			      "{\"vaults.csv\": {\"sha256\": \"zz"
			      "00000000000000000000000000000000000000000000"
			      "000000000000000000\"}}}",
			      "%s: field 'files.sha256': expected 64 hex "
			      "digits");
	expect_manifest_error("rows.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": "
			      "{\"vaults.csv\": {\"rows\": -3}}}",
			      "%s: field 'files.rows': expected a whole number "
			      "of rows");
	expect_manifest_error("toomany.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": {"
			      "\"a\": {}, \"b\": {}, \"c\": {}, \"d\": {}, "
			      "\"e\": {}, \"f\": {}, \"g\": {}, \"h\": {}, "
			      "\"i\": {}, \"j\": {}, \"k\": {}, \"l\": {}, "
			      "\"m\": {}}}",
			      "%s: field 'files': expected at most 12 files");
	/* found by fuzz_manifest: two names alike in their first 31
	 * characters were cut to one name and kept as two entries */
	expect_manifest_error("longname.json",
			      "{\"format_version\": 1, \"exported_at\": "
			      "\"2026-11-01T00:00:00Z\", \"files\": {"
			      "\"guards.csv-0123456789012345678901\": {}, "
			      "\"guards.csv-0123456789012345678902\": {}}}",
			      "%s: field 'files': expected file names of at "
			      "most 31 characters");
}

static void test_manifest__missing_manifest(void **state)
{
	struct err e = ERR_INIT;
	struct snapshot s;
	char *dir = test_path("nothing-here");

	(void)state;
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "snapshot '%s': No such file or directory", dir);
	snapshot_release(&s);
	err_clear(&e);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open '%s/manifest.json': No such file or directory",
		   dir);
	snapshot_release(&s);
	free(dir);
}

static void test_manifest__snapshot_is_a_file(void **state)
{
	struct err e = ERR_INIT;
	struct snapshot s;
	char *path;

	(void)state;
	path = test_write("a-file", "not a snapshot\n");
	assert_int_equal(snapshot_open(&s, path, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "snapshot '%s' is not a directory (a snapshot is a "
		   "directory of CSV files and manifest.json)",
		   path);
	snapshot_release(&s);
	free(path);
}

/* ---- a hand-made snapshot ---- */

static const struct {
	const char *name, *text;
	unsigned rows;
} hand_files[] = {
	{ "vaults.csv",
	  "vault_id,subscription_id,resource_group,vault_name,location,"
	  "redundancy,cross_region_restore,immutability,soft_delete,"
	  "soft_delete_days,mua,resource_guard_id,cross_subscription_restore,"
	  "public_network_access,cmk\n"
	  "v-1,sub1,rg,vault one,westeurope,GeoRedundant,Enabled,Locked,"
	  "AlwaysOn,14,Enabled,,Enabled,Disabled,Disabled\n",
	  1 },
	{ "policies.csv",
	  "policy_id,vault_id,policy_name,workload,policy_type,frequency,"
	  "hourly_interval_h,window_start,window_hours,run_times,run_days,"
	  "time_zone,instant_rp_days,daily_keep_days,weekly_keep_weeks,"
	  "monthly_keep_months,yearly_keep_years,tiering_mode,"
	  "tier_after_days\n"
	  "p-1,v-1,daily,AzureVM,Standard,Daily,,,,22:00,,UTC,2,30,0,0,0,"
	  "None,\n",
	  1 },
	{ "items.csv",
	  "item_id,vault_id,policy_id,item_name,workload,protection_state,"
	  "source_gb,daily_churn,standard_gb,archive_gb,size_source\n"
	  "i-1,v-1,p-1,vm1,AzureVM,Protected,100,0.02,50,0,estimated\n",
	  1 },
	{ "recovery_points.csv",
	  "rp_id,item_id,rp_time,rp_kind,tier,expiry_time,move_ready,"
	  "move_info,unique_gb,full_gb\n"
	  "r1,i-1,2026-10-01T22:00:00Z,daily,Standard,2026-10-31T22:00:00Z,"
	  "false,,2,100\n"
	  "r2,i-1,2026-10-02T22:00:00Z,daily,Standard,,unknown,,2,100\n",
	  2 },
	{ "jobs.csv",
	  "job_id,vault_id,item_id,operation,status,start_time,end_time,"
	  "duration_s,rp_time,source_tier,data_gb\n"
	  "j1,v-1,i-1,Backup,Completed,2026-10-02T22:00:00Z,"
	  "2026-10-02T22:30:00Z,1800,,,\n",
	  1 },
	{ "guards.csv",
	  "vault_id,resource_guard_id,guard_subscription_id,guard_tenant_id,"
	  "protected_operations,excluded_operations\n",
	  0 },
};

enum hand_manifest {
	HM_NO_SHA,      /* files listed with rows only */
	HM_NOTHING,     /* files listed with neither */
	HM_SHA,         /* rows and sha256 */
	HM_WRONG_ROWS,  /* rows of vaults.csv off by one, sha256 right */
	HM_WRONG_ROWS_NO_SHA,
	HM_NO_GUARDS,   /* guards.csv not listed */
};

/* Writes the hand-made snapshot into a fresh directory; caller frees. */
static char *write_hand_made(const char *name, enum hand_manifest how)
{
	struct err e = ERR_INIT;
	struct strbuf json = STRBUF_INIT;
	char *dir = test_path(name);
	char *path;

	assert_int_equal(mkdir_p(dir, &e), 0);
	strbuf_adds(&json, "{\n  \"format_version\": 1,\n"
			   "  \"source\": \"csv\",\n"
			   "  \"exported_at\": \"2026-11-01T00:00:00Z\",\n"
			   "  \"files\": {");
	for (size_t i = 0; i < ARRAY_SIZE(hand_files); i++) {
		char sum[SHA256_HEX_LEN];
		unsigned rows = hand_files[i].rows;

		path = path_join(dir, hand_files[i].name);
		assert_int_equal(afile_write_string(path, hand_files[i].text,
						    &e),
				 0);
		assert_int_equal(sha256_file(path, sum, &e), 0);
		free(path);
		if (how == HM_NO_GUARDS &&
		    strcmp(hand_files[i].name, "guards.csv") == 0)
			continue;
		if ((how == HM_WRONG_ROWS || how == HM_WRONG_ROWS_NO_SHA) &&
		    i == 0)
			rows++;
		strbuf_addf(&json, "%s\n    \"%s\": {", i ? "," : "",
			    hand_files[i].name);
		if (how != HM_NOTHING)
			strbuf_addf(&json, "\"rows\": %u", rows);
		if (how == HM_SHA || how == HM_WRONG_ROWS)
			strbuf_addf(&json, ", \"sha256\": \"%s\"", sum);
		strbuf_adds(&json, "}");
	}
	strbuf_adds(&json, "\n  }\n}\n");
	path = path_join(dir, "manifest.json");
	assert_int_equal(afile_write_string(path, json.buf, &e), 0);
	free(path);
	strbuf_release(&json);
	return dir;
}

static int count_rp(void *ctx, const struct item *it, const struct rp *rp,
		    struct err *e)
{
	(void)it;
	(void)rp;
	(void)e;
	++*(int *)ctx;
	return 0;
}

static void test_manifest__entry_without_sha256_is_accepted(void **state)
{
	static const enum hand_manifest hows[] = { HM_NO_SHA, HM_NOTHING,
						   HM_SHA };
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hows); i++) {
		struct err e = ERR_INIT;
		struct snapshot s;
		char name[32];
		char *dir;
		int n = 0;

		snprintf(name, sizeof(name), "hand%zu", i);
		dir = write_hand_made(name, hows[i]);
		if (snapshot_open(&s, dir, &e))
			fail_msg("%s", e.msg);
		assert_int_equal(s.nvaults, 1);
		assert_string_equal(s.vaults[0].tenant_id, "");
		assert_int_equal(s.vaults[0].job_failure_alerts,
				 ONOFF_UNKNOWN);
		assert_int_equal(s.items[0].last_backup_time, TIME_NONE);
		assert_false(manifest_file(&s.manifest, "vaults.csv")
				     ->has_sha256 != (hows[i] == HM_SHA));
		assert_int_equal(snapshot_each_rp(&s, count_rp, &n, &e), 0);
		assert_int_equal(n, 2);
		snapshot_release(&s);
		free(dir);
	}
}

static void test_manifest__row_count_mismatch(void **state)
{
	static const enum hand_manifest hows[] = { HM_WRONG_ROWS,
						   HM_WRONG_ROWS_NO_SHA };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(hows); i++) {
		struct err e = ERR_INIT;
		struct snapshot s;
		char name[32];
		char *dir;

		snprintf(name, sizeof(name), "rows%zu", i);
		dir = write_hand_made(name, hows[i]);
		assert_int_equal(snapshot_open(&s, dir, &e), -1);
		assert_err(&e, EXIT_DATAERR,
			   "%s/vaults.csv: 1 rows, manifest.json says 2", dir);
		snapshot_release(&s);
		free(dir);
	}
}

static void test_manifest__file_not_listed(void **state)
{
	struct err e = ERR_INIT;
	struct snapshot s;
	char *dir = write_hand_made("unlisted", HM_NO_GUARDS);

	(void)state;
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/manifest.json: no entry for 'guards.csv'", dir);
	snapshot_release(&s);
	free(dir);
}

static void test_manifest__tampered_hand_made_file(void **state)
{
	struct err e = ERR_INIT;
	struct snapshot s;
	struct manifest m;
	char *dir = write_hand_made("tampered", HM_SHA);
	char *path = path_join(dir, "items.csv");
	char *mpath = path_join(dir, "manifest.json");
	char sum[SHA256_HEX_LEN];
	char *want;
	FILE *f;

	(void)state;
	f = fopen(path, "r+b"); /* 100 GB becomes 900 GB */
	assert_non_null(f);
	fseek(f, (long)(strstr(hand_files[2].text, ",100,") -
			hand_files[2].text + 1),
	      SEEK_SET);
	fputc('9', f);
	fclose(f);
	assert_int_equal(sha256_file(path, sum, &e), 0);
	assert_int_equal(manifest_read(&m, mpath, &e), 0);
	assert_int_equal(snapshot_open(&s, dir, &e), -1);
	want = xasprintf("%s/items.csv has changed since manifest.json was "
			 "written (SHA-256 %.12s..., manifest says %.12s...): "
			 "re-export it, or restore the original file",
			 dir, sum, manifest_file(&m, "items.csv")->sha256);
	assert_string_equal(e.msg, want);
	assert_int_equal(e.code, EXIT_DATAERR);
	manifest_release(&m);
	free(want);
	free(mpath);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest__write_read_round_trip),
		cmocka_unit_test(test_manifest__absent_times_are_none),
		cmocka_unit_test(test_manifest__uppercase_sha256_is_accepted),
		cmocka_unit_test(test_manifest__unsupported_format_version),
		cmocka_unit_test(test_manifest__broken_json_and_fields),
		cmocka_unit_test(test_manifest__missing_manifest),
		cmocka_unit_test(test_manifest__snapshot_is_a_file),
		cmocka_unit_test(
			test_manifest__entry_without_sha256_is_accepted),
		cmocka_unit_test(test_manifest__row_count_mismatch),
		cmocka_unit_test(test_manifest__file_not_listed),
		cmocka_unit_test(test_manifest__tampered_hand_made_file),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
