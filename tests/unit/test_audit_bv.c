/* SPDX-License-Identifier: MIT
 * test_audit_bv.c: `audit` on Backup vaults, from snapshot rows to
 * posture.csv: every rule that applies to a Backup vault passes on a
 * well-protected vault and fails on a poorly protected one, with its
 * severity and an az dataprotection fix whose values are shell-quoted;
 * Backup-vault rows come after the Recovery Services ones and say
 * vault_kind BackupVault. */
#include "testsnap.h"

#include "optimizer/audit/audit.h"
#include "optimizer/snapshot/snapshot.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z */
#define SUB_A "11111111-1111-1111-1111-111111111111"
#define SUB_SEC "99999999-9999-9999-9999-999999999999"
#define GOOD_ARM "/subscriptions/" SUB_A "/resourceGroups/rg-bv/providers/" \
		 "Microsoft.DataProtection/backupVaults/bv-prod-weu"
#define BAD_ARM "/subscriptions/" SUB_A "/resourceGroups/rg (prod)/" \
		"providers/Microsoft.DataProtection/backupVaults/bv-app-weu"
#define GUARD(sub) "/subscriptions/" sub "/resourceGroups/sec/providers/" \
		   "Microsoft.DataProtection/resourceGuards/guard1"

struct bv_fx {
	char vid[2][SNAPSHOT_ID_LEN], pid[2][SNAPSHOT_ID_LEN];
	char iid[4][SNAPSHOT_ID_LEN];
	struct bvault v[2];
	struct bpolicy p[2];
	struct binstance bi[4];
};

static void fx_init(struct bv_fx *fx)
{
	static const char *const inames[4] = { "os-disk", "blobs",
					       "pg-orders", "pg-billing" };
	const char *arms[2] = { GOOD_ARM, BAD_ARM };

	memset(fx, 0, sizeof(*fx));
	for (int i = 0; i < 2; i++) {
		char buf[512];
		snapshot_make_id(fx->vid[i], 'v', arms[i]);
		snprintf(buf, sizeof(buf), "%s/backupPolicies/pg-vaulted",
			 arms[i]);
		snapshot_make_id(fx->pid[i], 'p', buf);
		fx->p[i] = (struct bpolicy){
			.policy_id = fx->pid[i], .vault_id = fx->vid[i],
			.policy_name = "pg-vaulted",
			.datasource_type =
				"Microsoft.DBforPostgreSQL/servers/databases",
			.schedule = "R/2026-01-01T22:00:00+00:00/P1W",
			.time_zone = "UTC", .data_stores = "VaultStore",
			.retention_rules = "Default:VaultStore:P3M",
			.arm_id = "", .vault_keep_days = 92,
		};
	}
	fx->v[0] = (struct bvault){
		.vault_id = fx->vid[0], .subscription_id = SUB_A,
		.resource_group = "rg-bv", .vault_name = "bv-prod-weu",
		.location = "westeurope", .resource_guard_id = GUARD(SUB_SEC),
		.tenant_id = "", .arm_id = GOOD_ARM, .redundancy = RED_GRS,
		.cross_region_restore = ON, .immutability = IMM_LOCKED,
		.soft_delete = SD_ALWAYSON, .soft_delete_days = 14,
		.cross_subscription_restore = XSR_PERMANENTLY_DISABLED,
		.cmk = ON, .job_failure_alerts = ON,
	};
	fx->v[1] = (struct bvault){
		.vault_id = fx->vid[1], .subscription_id = SUB_A,
		.resource_group = "rg (prod)", .vault_name = "bv-app-weu",
		.location = "westeurope", .resource_guard_id = "",
		.tenant_id = "", .arm_id = BAD_ARM, .redundancy = RED_LRS,
		.cross_region_restore = OFF, .immutability = IMM_DISABLED,
		.soft_delete = SD_DISABLED, .soft_delete_days = 0,
		.cross_subscription_restore = XSR_ENABLED, .cmk = OFF,
		.job_failure_alerts = OFF,
	};
	for (int i = 0; i < 4; i++) {
		int v = i / 2;
		char buf[512];
		snprintf(buf, sizeof(buf), "%s/backupInstances/%s", arms[v],
			 inames[i]);
		snapshot_make_id(fx->iid[i], 'i', buf);
		fx->bi[i] = (struct binstance){
			.instance_id = fx->iid[i], .vault_id = fx->vid[v],
			.policy_id = fx->pid[v], .instance_name = inames[i],
			.datasource_type =
				"Microsoft.DBforPostgreSQL/servers/databases",
			.protection_status = "ProtectionConfigured",
			.source_resource_id = "", .arm_id = "",
		};
	}
	fx->bi[3].protection_status = "ProtectionError";
}

static void fx_open(const struct bv_fx *fx, const char *name,
		    struct snapshot *s)
{
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;
	char *dir = test_path(name);

	if (snapshot_writer_begin(&sw, dir, &e))
		fail_msg("%s", e.msg);
	for (int i = 0; i < 2; i++) {
		snapshot_put_bvault(&sw, &fx->v[i]);
		snapshot_put_bpolicy(&sw, &fx->p[i]);
	}
	for (int i = 0; i < 4; i++)
		snapshot_put_binstance(&sw, &fx->bi[i]);
	test_manifest(&m, "azure", T0, NULL, NULL);
	test_commit_with(&sw, &m);
	if (snapshot_open(s, dir, &e))
		fail_msg("%s", e.msg);
	free(dir);
}

/* posture.csv rows, as strings */
enum { C_VAULT, C_RULE, C_SEV, C_STATUS, C_EVID, C_FIX, C_KIND, C_N };
static const struct csv_column cols[] = {
	{ "vault_id", CSV_REQUIRED }, { "rule_id", CSV_REQUIRED },
	{ "severity", CSV_REQUIRED }, { "status", CSV_REQUIRED },
	{ "evidence", CSV_REQUIRED }, { "fix", CSV_REQUIRED },
	{ "vault_kind", CSV_REQUIRED },
};
static const struct csv_schema schema = { "posture.csv", cols, C_N };

struct rows {
	char *v[32][C_N];
	size_t n;
};

static int keep_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct rows *rows = ctx;

	(void)e;
	assert_true(rows->n < 32);
	for (int c = 0; c < C_N; c++)
		rows->v[rows->n][c] = xstrdup(r->val[c]);
	rows->n++;
	return 0;
}

static void rows_release(struct rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		for (int c = 0; c < C_N; c++)
			free(rows->v[i][c]);
}

static void audit(const struct bv_fx *fx, const char *name,
		  struct rows *rows, struct audit_summary *sum)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	char *out = test_path("posture.csv");

	fx_open(fx, name, &s);
	if (audit_run(&s, NULL, out, sum, &e))
		fail_msg("%s", e.msg);
	memset(rows, 0, sizeof(*rows));
	if (csv_read(out, &schema, keep_row, rows, NULL, &e))
		fail_msg("%s", e.msg);
	audit_summary_release(sum);
	snapshot_release(&s);
	free(out);
}

/* The row of a vault and rule. */
static char **row(struct rows *rows, const char *vid, const char *rule)
{
	for (size_t i = 0; i < rows->n; i++)
		if (!strcmp(rows->v[i][C_VAULT], vid) &&
		    !strcmp(rows->v[i][C_RULE], rule))
			return rows->v[i];
	fail_msg("no row for %s %s", vid, rule);
	return NULL;
}

static void test_audit_bv__rows_and_kind(void **state)
{
	struct bv_fx fx;
	struct rows rows;
	struct audit_summary sum;

	(void)state;
	fx_init(&fx);
	audit(&fx, "kind", &rows, &sum);
	assert_int_equal(rows.n, 2 * POSTURE_BV_NRULES);
	for (size_t i = 0; i < rows.n; i++) {
		assert_string_equal(rows.v[i][C_KIND], "BackupVault");
		assert_string_not_equal(rows.v[i][C_RULE],
					"public-network-access");
		assert_string_not_equal(rows.v[i][C_RULE], "enhanced-policy");
		assert_string_not_equal(rows.v[i][C_RULE], "smart-tiering");
	}
	assert_string_equal(rows.v[0][C_VAULT], fx.vid[0]);
	assert_string_equal(rows.v[POSTURE_BV_NRULES][C_VAULT], fx.vid[1]);
	rows_release(&rows);
}

/* Each rule: pass on the good vault, fail (at severity) on the bad. */
static void test_audit_bv__each_rule_passes_and_fails(void **state)
{
	static const struct {
		const char *rule, *sev, *evidence, *fix;
	} want[] = {
		{ "immutable-vault", "high", "immutability=Disabled",
		  "az dataprotection backup-vault update -g 'rg (prod)' "
		  "--vault-name bv-app-weu --immutability-state Unlocked" },
		{ "soft-delete", "high", "soft_delete=Disabled",
		  "az dataprotection backup-vault update -g 'rg (prod)' "
		  "--vault-name bv-app-weu --soft-delete-state AlwaysOn "
		  "--retention-duration-in-days 14" },
		{ "mua-resource-guard", "high", "resource_guard_id=(empty)",
		  "--resource-guard-name GUARD -l westeurope), then map it: "
		  "az dataprotection backup-vault resource-guard-mapping "
		  "create -g 'rg (prod)' --vault-name bv-app-weu" },
		{ "redundancy-crr", "medium", "redundancy=LocallyRedundant",
		  "az dataprotection backup-vault create -g 'rg (prod)' "
		  "--vault-name NEW_VAULT -l westeurope" },
		{ "cross-subscription-restore", "medium",
		  "cross_subscription_restore=Enabled",
		  "--cross-subscription-restore-state Disabled" },
		{ "customer-managed-keys", "low", "cmk=Disabled",
		  "--cmk-encryption-state Enabled" },
		{ "job-failure-alerts", "medium", "job_failure_alerts=Disabled",
		  "--azure-monitor-alerts-for-job-failures Enabled" },
		{ "instance-protection", "high",
		  "'pg-billing' ProtectionError",
		  "az dataprotection backup-instance show -g 'rg (prod)' "
		  "--vault-name bv-app-weu --backup-instance-name "
		  "pg-billing" },
	};
	struct bv_fx fx;
	struct rows rows;
	struct audit_summary sum;

	(void)state;
	fx_init(&fx);
	audit(&fx, "rules", &rows, &sum);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char **good = row(&rows, fx.vid[0], want[i].rule);
		char **bad = row(&rows, fx.vid[1], want[i].rule);

		if (strcmp(good[C_STATUS], "pass"))
			fail_msg("%s on the good vault: %s", want[i].rule,
				 good[C_EVID]);
		assert_string_equal(good[C_SEV], "info");
		assert_string_equal(good[C_FIX], "");
		assert_string_equal(bad[C_STATUS], "fail");
		assert_string_equal(bad[C_SEV], want[i].sev);
		if (!strstr(bad[C_EVID], want[i].evidence))
			fail_msg("%s evidence: %s", want[i].rule,
				 bad[C_EVID]);
		if (!strstr(bad[C_FIX], want[i].fix))
			fail_msg("%s fix: %s", want[i].rule, bad[C_FIX]);
	}
	rows_release(&rows);
}

/* The in-between states fail at a lower severity. */
static void test_audit_bv__partial_protections(void **state)
{
	struct bv_fx fx;
	struct rows rows;
	struct audit_summary sum;
	char **r;

	(void)state;
	fx_init(&fx);
	fx.v[1].immutability = IMM_UNLOCKED;
	fx.v[1].soft_delete = SD_ENABLED;
	fx.v[1].soft_delete_days = 14;
	fx.v[1].resource_guard_id = GUARD(SUB_A);
	fx.v[1].redundancy = RED_GRS;
	fx.v[1].job_failure_alerts = ONOFF_UNKNOWN;
	fx.bi[3].protection_status = "ProtectionStopped";
	audit(&fx, "partial", &rows, &sum);
	r = row(&rows, fx.vid[1], "immutable-vault");
	assert_string_equal(r[C_SEV], "medium");
	assert_non_null(strstr(r[C_FIX], "--immutability-state Locked"));
	r = row(&rows, fx.vid[1], "soft-delete");
	assert_string_equal(r[C_STATUS], "pass");
	assert_non_null(strstr(r[C_FIX], "recommended (irreversible)"));
	r = row(&rows, fx.vid[1], "mua-resource-guard");
	assert_string_equal(r[C_SEV], "medium");
	assert_non_null(strstr(r[C_EVID], "guard subscription=" SUB_A));
	r = row(&rows, fx.vid[1], "redundancy-crr");
	assert_string_equal(r[C_SEV], "low");
	assert_non_null(strstr(r[C_FIX], "--cross-region-restore-state "
					  "Enabled"));
	r = row(&rows, fx.vid[1], "job-failure-alerts");
	assert_string_equal(r[C_STATUS], "fail");
	assert_string_equal(r[C_SEV], "info");
	r = row(&rows, fx.vid[1], "instance-protection");
	assert_string_equal(r[C_SEV], "medium");
	rows_release(&rows);
}

/* An instance in error, by either status that says so (the Data
 * Protection API's ConfiguringProtectionFailed, or ProtectionError), is a
 * high finding. */
static void test_audit_bv__instance_in_error(void **state)
{
	static const char *const in_error[] = {
		"ProtectionError", "ConfiguringProtectionFailed" };
	struct bv_fx fx;
	struct rows rows;
	struct audit_summary sum;
	char **r, want[64];

	(void)state;
	for (int i = 0; i < 2; i++) {
		fx_init(&fx);
		fx.bi[3].protection_status = in_error[i];
		audit(&fx, in_error[i], &rows, &sum);
		r = row(&rows, fx.vid[1], "instance-protection");
		assert_string_equal(r[C_STATUS], "fail");
		assert_string_equal(r[C_SEV], "high");
		snprintf(want, sizeof(want), "'pg-billing' %s", in_error[i]);
		assert_non_null(strstr(r[C_EVID], want));
		rows_release(&rows);
	}
}

/* Without data in the vault store, local redundancy is no finding. */
static void test_audit_bv__operational_only_redundancy(void **state)
{
	struct bv_fx fx;
	struct rows rows;
	struct audit_summary sum;
	char **r;

	(void)state;
	fx_init(&fx);
	fx.p[1].vault_keep_days = 0;
	fx.p[1].operational_keep_days = 7;
	fx.p[1].data_stores = "OperationalStore";
	audit(&fx, "opsonly", &rows, &sum);
	r = row(&rows, fx.vid[1], "redundancy-crr");
	assert_string_equal(r[C_STATUS], "pass");
	assert_non_null(strstr(r[C_EVID], "instances in the vault store=0"));
	rows_release(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_bv__rows_and_kind),
		cmocka_unit_test(test_audit_bv__each_rule_passes_and_fails),
		cmocka_unit_test(test_audit_bv__partial_protections),
		cmocka_unit_test(test_audit_bv__instance_in_error),
		cmocka_unit_test(test_audit_bv__operational_only_redundancy),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
