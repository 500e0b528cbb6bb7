/* SPDX-License-Identifier: MIT
 * test_check_bv.c: RPO/RTO verdicts of Backup vault instances built from
 * snapshot rows: the worst gap of a DataProtection schedule (daily,
 * hourly, two weekly days interleaved, unreadable); which targets cover
 * an instance; and a passing and a failing verdict for each measure
 * (predicted RPO per data store, retention, protection status, a tier
 * the policy keeps no copy in, an RTO target without a model). */
#include "testutil.h"

#include <math.h>

#include "models/check/schedule_bv.h"
#include "models/check/targets.h"
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
	check_bv_evaluate(r, &f->s, &f->bi[i], t, 0);
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
	/* failing backups */
	f.bi[0].protection_status = "ProtectionError";
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_BREACHED);
	assert_int_equal(r.cause, CAUSE_FAILED_JOBS);
	check_row_release(&r);
	/* an RTO target: no restore-time model, so unknown, said */
	f.bi[0].protection_status = "ProtectionConfigured";
	t.rto_hours = 4;
	assert_int_equal(verdict(&f, 0, &t, &r, &why), V_UNKNOWN);
	assert_non_null(strstr(why.buf, "no restore-time model for "
					"Microsoft.Compute/disks"));
	check_row_release(&r);
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_bv__schedule_gaps),
		cmocka_unit_test(test_check_bv__targets_cover_instances),
		cmocka_unit_test(test_check_bv__rpo_by_data_store),
		cmocka_unit_test(test_check_bv__retention_status_and_rto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
