/* SPDX-License-Identifier: MIT
 * test_arm_parse.c: every Microsoft example payload the exporter reads
 * (tests/data/azure-examples, copied unmodified) goes through arm_parse and
 * lands in the right snapshot columns, checked field by field. Shapes with
 * no published example (SQL/HANA points, restore job details) use inline
 * payloads written to docs/arm-contract.md (with ' for " in the C strings). */
#include "testutil.h"

#include <math.h>

#include <cjson/cJSON.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"
#include "optimizer/base/timeutil.h"

#define EX "tests/data/azure-examples/"
#define BMS EX "recoveryservicesbackup/resource-manager/Microsoft." \
	   "RecoveryServices/RecoveryServicesBackup/"
#define BMS_EX BMS "examples/2026-02-01/"
#define BMS_ST BMS "stable/2026-02-01/examples/"
#define RSV EX "recoveryservices/resource-manager/Microsoft." \
	    "RecoveryServices/RecoveryServices/"
#define GUARD_EX EX "dataprotection/resource-manager/Microsoft." \
		 "DataProtection/DataProtection/stable/2026-06-01/" \
		 "examples/ResourceGuardCRUD/GetResourceGuard.json"

static struct strpool pool = STRPOOL_INIT;
static cJSON *doc;

/* The body of responses.<status> of an example file (kept in doc). */
static const cJSON *body(const char *path, const char *status)
{
	char *text = NULL;
	struct err e = ERR_INIT;
	const cJSON *b;

	cJSON_Delete(doc);
	assert_int_equal(read_file(path, 1 << 20, &text, NULL, &e), 0);
	doc = cJSON_Parse(text);
	free(text);
	assert_non_null(doc);
	b = arm_get(arm_get(doc, "responses"), status);
	assert_non_null(b);
	b = arm_get(b, "body");
	assert_non_null(b);
	return b;
}

/* JSON written with ' for " (easier to read in C strings). */
static cJSON *parse_quoted(const char *text)
{
	char *copy = xstrdup(text);
	cJSON *o;

	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	o = cJSON_Parse(copy);
	free(copy);
	assert_non_null(o);
	return o;
}

static cJSON *inline_json(const char *text)
{
	cJSON_Delete(doc);
	doc = parse_quoted(text);
	return doc;
}

static const cJSON *page_item(const cJSON *b, int i)
{
	struct arm_page pg;

	assert_int_equal(arm_page(b, &pg), 0);
	return cJSON_GetArrayItem(pg.value, i);
}

static int64_t T(const char *iso)
{
	int64_t t;
	assert_int_equal(time_parse_iso(iso, 0, &t), 0);
	return t;
}

static int teardown(void **state)
{
	(void)state;
	cJSON_Delete(doc);
	doc = NULL;
	strpool_release(&pool);
	return 0;
}

/* ---- vaults ---- */

static void test_arm_parse__vault_get(void **state)
{
	const cJSON *b = body(RSV "examples/2026-08-01/GETVault.json", "200");
	struct arm_vault av;
	struct err e = ERR_INIT;
	char id[SNAPSHOT_ID_LEN];

	(void)state;
	assert_int_equal(arm_parse_vault(b, "tenant-1", &pool, &av, &e), 0);
	snapshot_make_id(id, 'v', arm_str(b, "id"));
	assert_string_equal(av.v.vault_id, id);
	assert_string_equal(av.arm_id, arm_str(b, "id"));
	assert_string_equal(av.v.subscription_id,
			    "77777777-b0c6-47a2-b37c-d8e65a629c18");
	assert_string_equal(av.v.resource_group,
			    "Default-RecoveryServices-ResourceGroup");
	assert_string_equal(av.v.vault_name, "swaggerExample");
	assert_string_equal(av.v.location, "westus");
	assert_string_equal(av.v.tenant_id, "tenant-1");
	assert_int_equal(av.v.redundancy, RED_GRS);
	assert_int_equal(av.v.cross_region_restore, ON);
	assert_int_equal(av.v.immutability, IMM_DISABLED);
	assert_int_equal(av.v.soft_delete, SD_ENABLED);
	assert_int_equal(av.v.soft_delete_days, 14);
	assert_true(av.has_soft_delete);
	assert_int_equal(av.v.mua, OFF);
	assert_true(av.has_mua);
	assert_string_equal(av.v.resource_guard_id, "");
	/* the example has no restoreSettings: unknown, not a default */
	assert_int_equal(av.v.cross_subscription_restore, XSR_UNKNOWN);
	assert_int_equal(av.v.public_network_access, ON);
	assert_int_equal(av.v.cmk, OFF);
	assert_int_equal(av.v.job_failure_alerts, ON);
	assert_string_equal(av.v.cost_granularity, "ProtectedItemLevel");
}

static void test_arm_parse__vault_list_defaults(void **state)
{
	const cJSON *b = body(RSV "stable/2026-08-01/examples/"
				  "ListBySubscriptionIds.json",
			      "200");
	struct arm_page pg;
	struct arm_vault av;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_page(b, &pg), 0);
	assert_null(pg.next_link);
	assert_int_equal(cJSON_GetArraySize(pg.value), 3);
	assert_int_equal(arm_parse_vault(page_item(b, 1), "t", &pool, &av, &e),
			 0);
	assert_string_equal(av.v.resource_group, "HelloWorld");
	assert_string_equal(av.v.vault_name, "swaggerExample");
	/* Azure's defaults for what a list entry leaves out, except the
	 * security settings: what Azure did not say is unknown. */
	assert_int_equal(av.v.redundancy, RED_GRS);
	assert_int_equal(av.v.cross_region_restore, OFF);
	assert_int_equal(av.v.immutability, IMM_UNKNOWN);
	assert_int_equal(av.v.soft_delete, SD_UNKNOWN);
	assert_false(av.has_soft_delete);
	assert_int_equal(av.v.soft_delete_days, -1);
	assert_int_equal(av.v.cross_subscription_restore, XSR_UNKNOWN);
	assert_int_equal(av.v.job_failure_alerts, ONOFF_UNKNOWN);
	assert_string_equal(av.v.cost_granularity, "");
	assert_int_equal(arm_parse_vault(page_item(b, 2), "t", &pool, &av, &e),
			 0);
	assert_string_equal(av.v.vault_name, "today1");
}

static void test_arm_parse__vault_immutability_and_cmk(void **state)
{
	struct arm_vault av;
	struct err e = ERR_INIT;
	const cJSON *b = body(RSV "stable/2026-08-01/examples/"
				  "PUTVault_WithImmutabilityConfig.json",
			      "200");

	(void)state;
	assert_int_equal(arm_parse_vault(b, "t", &pool, &av, &e), 0);
	assert_int_equal(av.v.immutability, IMM_UNLOCKED);
	assert_int_equal(av.v.cmk, OFF);
	b = body(RSV "stable/2026-08-01/examples/"
		     "PUTVault_ResourceGuardEnabled.json",
		 "200");
	assert_int_equal(arm_parse_vault(b, "t", &pool, &av, &e), 0);
	assert_int_equal(av.v.cmk, ON);
	assert_int_equal(av.v.public_network_access, ON);
}

static void test_arm_parse__vaultconfig(void **state)
{
	struct arm_vault av;
	struct err e = ERR_INIT;
	cJSON *v = parse_quoted(
		"{'id':'/subscriptions/s/resourceGroups/rg/providers/"
		"Microsoft.RecoveryServices/vaults/v','name':'v',"
		"'properties':{}}");

	(void)state;
	assert_int_equal(arm_parse_vault(v, "t", &pool, &av, &e), 0);
	cJSON_Delete(v);
	/* The published example has only enhancedSecurityState: still
	 * unknown. */
	arm_apply_vaultconfig(body(BMS_EX "Common/"
				       "BackupResourceVaultConfigs_Get.json",
				   "200"),
			      &av);
	assert_int_equal(av.v.soft_delete, SD_UNKNOWN);
	assert_int_equal(av.v.soft_delete_days, -1);
	arm_apply_vaultconfig(
		inline_json("{'properties':{'softDeleteFeatureState':"
			    "'AlwaysON','softDeleteRetentionPeriodInDays':"
			    "30,'enhancedSecurityState':'Enabled'}}"),
		&av);
	assert_int_equal(av.v.soft_delete, SD_ALWAYSON);
	assert_int_equal(av.v.soft_delete_days, 30);
}

static void test_arm_parse__vaultconfig_loses_to_vault(void **state)
{
	struct arm_vault av;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_vault(body(RSV "examples/2026-08-01/"
						  "GETVault.json",
					      "200"),
					 "t", &pool, &av, &e),
			 0);
	arm_apply_vaultconfig(
		inline_json("{'properties':{'softDeleteFeatureState':"
			    "'Disabled'}}"),
		&av);
	assert_int_equal(av.v.soft_delete, SD_ENABLED);
}

/* Microsoft's ListUsages example: 3 protected items; the backup storage
 * is the GRS and LRS *StorageUsage bytes, not the dedup ones nor the
 * backup engines' disk. */
static void test_arm_parse__vault_usages(void **state)
{
	const cJSON *u;
	struct arm_vault av;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_vault(body(RSV "examples/2026-08-01/"
						  "GETVault.json", "200"),
					 "t", &pool, &av, &e), 0);
	assert_true(isnan(av.v.usage_storage_gb));
	assert_int_equal(av.v.usage_items, -1);
	cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(
		body(RSV "stable/2026-08-01/examples/ListUsages.json", "200"),
		"value"))
		arm_vault_usage(u, &av.v);
	assert_int_equal(av.v.usage_items, 3);
	assert_true(fabs(av.v.usage_storage_gb -
			 117007930.0 / (1024.0 * 1024 * 1024)) < 1e-12);
}

/* ---- policies ---- */

static void parse_policy(const cJSON *o, struct policy *p)
{
	struct err e = ERR_INIT;
	assert_int_equal(arm_parse_policy(o, "v-1", &pool, p, &e), 0);
}

static void test_arm_parse__policy_vm_standard_list(void **state)
{
	const cJSON *b = body(BMS_ST "AzureIaasVm/BackupPolicies_List.json",
			      "200");
	char id[SNAPSHOT_ID_LEN];
	struct policy p;

	(void)state;
	parse_policy(page_item(b, 0), &p);
	snapshot_make_id(id, 'p', arm_str(page_item(b, 0), "id"));
	assert_string_equal(p.policy_id, id);
	assert_string_equal(p.vault_id, "v-1");
	assert_string_equal(p.policy_name, "DefaultPolicy");
	assert_string_equal(p.arm_id, arm_str(page_item(b, 0), "id"));
	assert_int_equal(p.workload, WL_VM);
	assert_int_equal(p.policy_type, PT_STANDARD);
	assert_int_equal(p.frequency, FREQ_DAILY);
	assert_string_equal(p.run_times, "19:00");
	assert_string_equal(p.run_days, "");
	assert_string_equal(p.time_zone, "UTC");
	assert_int_equal(p.instant_rp_days, 2);
	assert_int_equal(p.daily_keep_days, 30);
	assert_int_equal(p.weekly_keep_weeks, 0);
	assert_int_equal(p.monthly_keep_months, 0);
	assert_int_equal(p.yearly_keep_years, 0);
	assert_int_equal(p.tiering_mode, TM_NONE);
	assert_int_equal(p.tier_after_days, 0);
	parse_policy(page_item(b, 1), &p);
	assert_string_equal(p.policy_name, "testPolicy1");
	assert_string_equal(p.time_zone, "Pacific Standard Time");
	assert_string_equal(p.run_times, "02:00");
	assert_int_equal(p.daily_keep_days, 1);
}

static void test_arm_parse__policy_vm_get(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(body(BMS_ST "AzureIaasVm/ProtectionPolicies_Get.json",
			  "200"),
		     &p);
	assert_string_equal(p.policy_name, "testPolicy1");
	assert_int_equal(p.frequency, FREQ_DAILY);
	assert_string_equal(p.run_times, "02:00");
	assert_int_equal(p.daily_keep_days, 1);
	assert_string_equal(p.time_zone, "Pacific Standard Time");
}

static void test_arm_parse__policy_vm_weekly_complex(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(body(BMS_ST "AzureIaasVm/"
			      "ProtectionPolicies_CreateOrUpdate_Complex.json",
			  "200"),
		     &p);
	assert_int_equal(p.policy_type, PT_STANDARD);
	assert_int_equal(p.frequency, FREQ_WEEKLY);
	assert_string_equal(p.run_days, "Monday;Wednesday;Thursday");
	assert_string_equal(p.run_times, "10:00");
	assert_int_equal(p.daily_keep_days, 0);
	assert_int_equal(p.weekly_keep_weeks, 1);
	assert_int_equal(p.monthly_keep_months, 2);
	assert_int_equal(p.yearly_keep_years, 4);
}

static void test_arm_parse__policy_enhanced_hourly(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(body(BMS_EX "AzureIaasVm/V2Policy/IaaS_v2_hourly.json",
			  "200"),
		     &p);
	assert_string_equal(p.policy_name, "v2-daily-sample");
	assert_int_equal(p.policy_type, PT_ENHANCED);
	assert_int_equal(p.frequency, FREQ_HOURLY);
	assert_int_equal(p.hourly_interval_h, 4);
	assert_string_equal(p.window_start, "08:00");
	assert_int_equal(p.window_hours, 16);
	assert_string_equal(p.run_times, "");
	assert_string_equal(p.time_zone, "India Standard Time");
	assert_int_equal(p.instant_rp_days, 30);
	assert_int_equal(p.daily_keep_days, 180);
	assert_int_equal(p.weekly_keep_weeks, 12);
	assert_int_equal(p.monthly_keep_months, 60);
	assert_int_equal(p.yearly_keep_years, 10);
}

static void test_arm_parse__policy_enhanced_daily(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(body(BMS_EX "AzureIaasVm/V2Policy/IaaS_v2_daily.json",
			  "200"),
		     &p);
	assert_int_equal(p.policy_type, PT_ENHANCED);
	assert_int_equal(p.frequency, FREQ_DAILY);
	assert_string_equal(p.run_times, "10:00");
	assert_int_equal(p.hourly_interval_h, 0);
	assert_int_equal(p.instant_rp_days, 30);
	assert_int_equal(p.yearly_keep_years, 10);
	parse_policy(body(BMS_EX "AzureIaasVm/V2Policy/v2-Get-Policy.json",
			  "200"),
		     &p);
	assert_int_equal(p.policy_type, PT_ENHANCED);
	assert_string_equal(p.run_times, "10:00");
	assert_int_equal(p.daily_keep_days, 1);
	assert_string_equal(p.time_zone, "Pacific Standard Time");
}

static void test_arm_parse__policy_v1_and_v2_list(void **state)
{
	const cJSON *b = body(BMS_ST "AzureIaasVm/V2Policy/"
				     "v2-List-Policies.json",
			      "200");
	struct policy p;

	(void)state;
	parse_policy(page_item(b, 0), &p);
	assert_int_equal(p.policy_type, PT_STANDARD);
	parse_policy(page_item(b, 2), &p);
	assert_string_equal(p.policy_name, "v2-daily-policy");
	/* No policyType in this entry: V1 is what Azure assumes. */
	assert_int_equal(p.policy_type, PT_STANDARD);
	assert_string_equal(p.run_times, "10:00");
}

static void test_arm_parse__policy_sql_complex(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(body(BMS_ST "AzureWorkload/"
			      "ProtectionPolicies_CreateOrUpdate_Complex.json",
			  "200"),
		     &p);
	assert_int_equal(p.workload, WL_SQL);
	assert_int_equal(p.policy_type, PT_STANDARD);
	assert_string_equal(p.time_zone, "Pacific Standard Time");
	assert_int_equal(p.frequency, FREQ_WEEKLY);
	assert_string_equal(p.run_days, "Sunday;Tuesday");
	assert_string_equal(p.run_times, "10:00");
	assert_int_equal(p.weekly_keep_weeks, 2);
	assert_int_equal(p.monthly_keep_months, 1);
	assert_int_equal(p.yearly_keep_years, 1);
	assert_string_equal(p.diff_run_days, "Friday");
	assert_int_equal(p.diff_keep_days, 8);
	assert_int_equal(p.log_interval_min, 60);
	assert_int_equal(p.log_keep_days, 7);
	assert_int_equal(p.instant_rp_days, 0);
}

static void test_arm_parse__policy_sql_list(void **state)
{
	const cJSON *b = body(BMS_ST "AzureWorkload/BackupPolicies_List.json",
			      "200");
	struct policy p;

	(void)state;
	parse_policy(page_item(b, 0), &p);
	assert_string_equal(p.policy_name, "HourlyLogBackup");
	assert_int_equal(p.workload, WL_SQL);
	assert_string_equal(p.time_zone, "UTC");
	assert_int_equal(p.frequency, FREQ_DAILY);
	assert_string_equal(p.run_times, "19:00");
	assert_int_equal(p.daily_keep_days, 30);
	assert_int_equal(p.log_interval_min, 60);
	assert_int_equal(p.log_keep_days, 30);
	assert_string_equal(p.diff_run_days, "");
	assert_int_equal(p.diff_keep_days, 0);
}

static void test_arm_parse__policy_tiering(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(inline_json(
			     "{'id':'/subscriptions/s/resourceGroups/r/"
			     "providers/Microsoft.RecoveryServices/vaults/v/"
			     "backupPolicies/p','name':'p','properties':"
			     "{'backupManagementType':'AzureIaasVM',"
			     "'tieringPolicy':{'ArchivedRP':{'tieringMode':"
			     "'TierAfter','duration':3,'durationType':"
			     "'Months'}}}}"),
		     &p);
	assert_int_equal(p.tiering_mode, TM_TIERAFTER);
	assert_int_equal(p.tier_after_days, 90);
	parse_policy(inline_json(
			     "{'id':'/x/backupPolicies/q','name':'q',"
			     "'properties':{'backupManagementType':"
			     "'AzureWorkload','workLoadType':"
			     "'SAPHanaDatabase','subProtectionPolicy':[{"
			     "'policyType':'Full','tieringPolicy':{"
			     "'ArchivedRP':{'tieringMode':'TierAfter',"
			     "'duration':45,'durationType':'Days'}}}]}}"),
		     &p);
	assert_int_equal(p.workload, WL_HANA);
	assert_int_equal(p.tiering_mode, TM_TIERAFTER);
	assert_int_equal(p.tier_after_days, 45);
	parse_policy(inline_json(
			     "{'id':'/x/backupPolicies/r','name':'r',"
			     "'properties':{'backupManagementType':"
			     "'AzureIaasVM','tieringPolicy':{'ArchivedRP':"
			     "{'tieringMode':'DoNotTier','duration':0,"
			     "'durationType':'Invalid'}}}}"),
		     &p);
	assert_int_equal(p.tiering_mode, TM_DONOTTIER);
	assert_int_equal(p.tier_after_days, 0);
}

/* TierAfter in each of the four units the spec names; the apply side
 * reads the same durations with the same function. */
static void test_arm_parse__policy_tiering_units(void **state)
{
	static const struct {
		const char *json;
		int days;
	} cases[] = {
		{ "{'tieringMode':'TierAfter','duration':10,"
		  "'durationType':'Days'}", 10 },
		{ "{'tieringMode':'TierAfter','duration':3,"
		  "'durationType':'Weeks'}", 21 },
		{ "{'tieringMode':'TierAfter','duration':4,"
		  "'durationType':'Months'}", 120 },
		{ "{'tieringMode':'TierAfter','duration':1,"
		  "'durationType':'Years'}", 365 },
	};
	struct policy p;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *json = xasprintf(
			"{'id':'/x/backupPolicies/u','name':'u',"
			"'properties':{'backupManagementType':'AzureIaasVM',"
			"'tieringPolicy':{'ArchivedRP':%s}}}",
			cases[i].json);
		parse_policy(inline_json(json), &p);
		free(json);
		assert_int_equal(p.tiering_mode, TM_TIERAFTER);
		assert_int_equal(p.tier_after_days, cases[i].days);
		assert_int_equal(arm_duration_days(arm_get(arm_get(doc,
			"properties.tieringPolicy.ArchivedRP"), "duration"),
			arm_str(arm_get(doc, "properties.tieringPolicy."
					     "ArchivedRP"), "durationType")),
			cases[i].days);
	}
}

/* Counts no real policy has (fuzzing found 1e10 years) are clamped, not
 * cast into an int they overflow. */
static void test_arm_parse__policy_huge_counts(void **state)
{
	struct policy p;

	(void)state;
	parse_policy(inline_json(
		"{'id':'/x/backupPolicies/h','name':'h','properties':{"
		"'backupManagementType':'AzureIaasVM',"
		"'instantRpRetentionRangeInDays':1e300,"
		"'retentionPolicy':{'retentionPolicyType':"
		"'LongTermRetentionPolicy','dailySchedule':{"
		"'retentionDuration':{'count':1e10,'durationType':'Days'}},"
		"'monthlySchedule':{'retentionDuration':{'count':1.0123e10,"
		"'durationType':'Years'}}},"
		"'tieringPolicy':{'ArchivedRP':{'tieringMode':'TierAfter',"
		"'duration':-1e30,'durationType':'Years'}}}}"),
		&p);
	assert_int_equal(p.daily_keep_days, 1000000);
	assert_int_equal(p.monthly_keep_months, 1000000);
	assert_int_equal(p.instant_rp_days, 1000000);
	assert_int_equal(p.tier_after_days, 0);
}

static void test_arm_parse__policy_unsupported(void **state)
{
	struct policy p;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_policy(inline_json(
						  "{'id':'/x/backupPolicies/m',"
						  "'name':'m','properties':{"
						  "'backupManagementType':"
						  "'MAB'}}"),
					  "v", &pool, &p, &e),
			 1);
}

/* ---- protected items ---- */

static void test_arm_parse__items_list(void **state)
{
	const cJSON *b = body(BMS_ST "AzureIaasVm/"
				     "BackupProtectedItems_List.json",
			      "200");
	const cJSON *o = page_item(b, 0);
	const char *vault = "/subscriptions/00000000-0000-0000-0000-"
			    "000000000000/resourceGroups/SwaggerTestRg/"
			    "providers/Microsoft.RecoveryServices/vaults/"
			    "NetSDKTestRsVault";
	char id[SNAPSHOT_ID_LEN], pid[SNAPSHOT_ID_LEN];
	struct arm_item ai;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_item(o, vault, "v-1", &pool, &ai, &e), 0);
	snapshot_make_id(id, 'i', arm_str(o, "id"));
	snapshot_make_id(pid, 'p', arm_str(o, "properties.policyId"));
	assert_string_equal(ai.it.item_id, id);
	assert_string_equal(ai.it.vault_id, "v-1");
	assert_string_equal(ai.it.policy_id, pid);
	assert_string_equal(ai.it.item_name, "iaasvm-1");
	assert_int_equal(ai.it.workload, WL_VM);
	assert_string_equal(ai.it.protection_state, "Protected");
	assert_string_equal(ai.it.arm_id, arm_str(o, "id"));
	assert_string_equal(ai.it.source_resource_id,
			    "/subscriptions/00000000-0000-0000-0000-"
			    "000000000000/resourceGroups/providers/"
			    "Microsoft.ClassicCompute/virtualMachines/"
			    "iaasvm-1");
	assert_true(ai.it.last_backup_time == T("2018-01-22T12:25:32Z"));
	assert_int_equal(ai.it.size_source, SS_ESTIMATED);
	assert_string_equal(ai.container,
			    "IaasVMContainer;iaasvmcontainer;iaasvm-rg;"
			    "iaasvm-1");
	assert_string_equal(ai.name, "VM;iaasvmcontainer;iaasvm-rg;iaasvm-1");
	/* This example's id lacks the fabric: the path gets Azure's. */
	assert_true(str_ends_with(ai.path,
				  "NetSDKTestRsVault/backupFabrics/Azure/"
				  "protectionContainers/IaasVMContainer;"
				  "iaasvmcontainer;iaasvm-rg;iaasvm-1/"
				  "protectedItems/VM;iaasvmcontainer;"
				  "iaasvm-rg;iaasvm-1"));
	assert_int_equal(ai.rp_count, -1);
}

static void test_arm_parse__item_get(void **state)
{
	const cJSON *b = body(BMS_EX "AzureIaasVm/"
				     "Compute_ProtectedItem_Get.json",
			      "200");
	struct arm_item ai;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_item(b, "/subscriptions/s/V", "v-1", &pool,
					&ai, &e),
			 0);
	assert_int_equal(ai.it.workload, WL_VM);
	assert_string_equal(ai.it.item_name, "iaasvm-1");
	assert_string_equal(ai.path,
			    "/subscriptions/s/V/backupFabrics/Azure/"
			    "protectionContainers/IaasVMContainer;"
			    "iaasvmcontainerv2;iaasvm-rg;iaasvm-1/"
			    "protectedItems/VM;iaasvmcontainerv2;iaasvm-rg;"
			    "iaasvm-1");
	assert_string_equal(ai.it.source_resource_id,
			    "/subscriptions/00000000-0000-0000-0000-"
			    "000000000000/resourceGroups/providers/"
			    "Microsoft.Compute/virtualMachines/iaasvm-1");
}

static void test_arm_parse__item_workloads(void **state)
{
	struct arm_item ai;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_item(
			inline_json("{'id':'/V/backupFabrics/Azure/"
				    "protectionContainers/VMAppContainer;c/"
				    "protectedItems/SAPHanaDatabase;h;db',"
				    "'properties':{'workloadType':"
				    "'SAPHanaDatabase','friendlyName':"
				    "'DB1','protectionState':"
				    "'ProtectionStopped','lastBackupTime':"
				    "'0001-01-01T00:00:00Z','extendedInfo':"
				    "{'recoveryPointCount':12}}}"),
			"/V", "v", &pool, &ai, &e),
		0);
	assert_int_equal(ai.it.workload, WL_HANA);
	assert_string_equal(ai.it.policy_id, "");
	assert_string_equal(ai.it.protection_state, "ProtectionStopped");
	assert_true(ai.it.last_backup_time == TIME_NONE);
	assert_int_equal(ai.rp_count, 12);
	assert_int_equal(
		arm_parse_item(
			inline_json("{'id':'/V/backupFabrics/Azure/"
				    "protectionContainers/c/protectedItems/i',"
				    "'properties':{'protectedItemType':"
				    "'AzureFileShareProtectedItem'}}"),
			"/V", "v", &pool, &ai, &e),
		0);
	assert_int_equal(ai.it.workload, WL_FILES);
	assert_int_equal(
		arm_parse_item(
			inline_json("{'id':'/V/backupFabrics/Azure/"
				    "protectionContainers/c/protectedItems/i',"
				    "'properties':{'workloadType':"
				    "'SAPAseDatabase'}}"),
			"/V", "v", &pool, &ai, &e),
		1);
}

/* ---- recovery points ---- */

static const struct item vm_item = { .item_id = "i-1", .workload = WL_VM };

static void parse_rp(const cJSON *o, const struct item *it,
		     const struct policy *pol, struct rp *rp)
{
	struct err e = ERR_INIT;
	assert_int_equal(arm_parse_rp(o, it, pol, &pool, rp, &e), 0);
}

static void test_arm_parse__rps_list(void **state)
{
	const cJSON *b = body(BMS_EX "AzureIaasVm/RecoveryPoints_List.json",
			      "200");
	struct arm_page pg;
	struct rp rp;

	(void)state;
	assert_int_equal(arm_page(b, &pg), 0);
	assert_null(pg.next_link); /* "nextLink": null */
	assert_int_equal(cJSON_GetArraySize(pg.value), 3);
	parse_rp(page_item(b, 0), &vm_item, NULL, &rp);
	assert_string_equal(rp.rp_id, "22244821112382");
	assert_string_equal(rp.item_id, "i-1");
	assert_true(rp.rp_time == T("2017-12-21T22:48:25Z"));
	assert_int_equal(rp.kind, RK_DAILY);
	assert_int_equal(rp.tier, TIER_STANDARD);
	assert_true(rp.expiry_time == TIME_NONE);
	/* Readiness keyed "Archive" in this example. */
	assert_int_equal(rp.move_ready, MR_TRUE);
	assert_string_equal(rp.move_info, "");
	parse_rp(page_item(b, 1), &vm_item, NULL, &rp);
	assert_string_equal(rp.rp_id, "24977149827250");
	assert_true(rp.rp_time == T("2017-12-20T22:49:44Z"));
	assert_int_equal(rp.tier, TIER_REHYDRATED);
	assert_int_equal(rp.move_ready, MR_FALSE);
	assert_string_equal(rp.move_info,
			    "Recovery point cannot be moved to archive tier "
			    "since it has already been moved.");
	parse_rp(page_item(b, 2), &vm_item, NULL, &rp);
	assert_int_equal(rp.tier, TIER_SNAPSHOT_STANDARD);
	assert_int_equal(rp.move_ready, MR_FALSE);
	assert_true(str_starts_with(rp.move_info,
				    "We're still determining"));
	assert_true(rp.rp_time == T("2023-09-22T20:02:00Z"));
}

static void test_arm_parse__rp_get(void **state)
{
	struct rp rp;

	(void)state;
	parse_rp(body(BMS_ST "AzureIaasVm/RecoveryPoints_Get.json", "200"),
		 &vm_item, NULL, &rp);
	assert_string_equal(rp.rp_id, "26083826328862");
	assert_int_equal(rp.tier, TIER_STANDARD);
	assert_int_equal(rp.move_ready, MR_TRUE);
	assert_true(rp.rp_time == T("2017-11-22T22:32:46Z"));
}

static void test_arm_parse__rps_recommended(void **state)
{
	const cJSON *b = body(BMS_ST "AzureIaasVm/RecoveryPoints"
				     "RecommendedForMove_List.json",
			      "200");
	struct rp rp;

	(void)state;
	parse_rp(page_item(b, 0), &vm_item, NULL, &rp);
	assert_int_equal(rp.tier, TIER_STANDARD);
	assert_int_equal(rp.move_ready, MR_TRUE);
	parse_rp(page_item(b, 1), &vm_item, NULL, &rp);
	assert_int_equal(rp.tier, TIER_REHYDRATED);
	assert_int_equal(rp.move_ready, MR_TRUE);
}

static void test_arm_parse__rp_tiers(void **state)
{
	static const struct {
		const char *details;
		int tier;
	} cases[] = {
		{ "[]", TIER_STANDARD },
		{ "[{'type':'InstantRP','status':'Valid'}]",
		  TIER_SNAPSHOT },
		{ "[{'type':'ArchivedRP','status':'Valid'}]",
		  TIER_ARCHIVE },
		{ "[{'type':'InstantRP','status':'Valid'},"
		  "{'type':'ArchivedRP','status':'Valid'}]",
		  TIER_SNAPSHOT_ARCHIVE },
		{ "[{'type':'HardenedRP','status':'Valid'},"
		  "{'type':'ArchivedRP','status':'Valid'}]",
		  TIER_REHYDRATED },
		{ "[{'type':'HardenedRP','status':'Deleted'}]", -1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(arm_rp_tier(inline_json(cases[i].details)),
				 cases[i].tier);
}

static void test_arm_parse__rp_kind_from_rule_and_retention(void **state)
{
	struct policy pol = { .daily_keep_days = 30, .weekly_keep_weeks = 12,
			      .monthly_keep_months = 60,
			      .yearly_keep_years = 10 };
	struct rp rp;

	(void)state;
	parse_rp(inline_json("{'name':'1','properties':{"
			     "'recoveryPointTime':'2026-01-04T02:00:00Z',"
			     "'recoveryPointProperties':{'ruleName':"
			     "'WeeklyRule','expiryTime':"
			     "'2026-03-29T02:00:00Z'}}}"),
		 &vm_item, &pol, &rp);
	assert_int_equal(rp.kind, RK_WEEKLY);
	assert_true(rp.expiry_time == T("2026-03-29T02:00:00Z"));
	/* No rule name: the retention that ends at expiryTime decides. */
	parse_rp(inline_json("{'name':'2','properties':{"
			     "'recoveryPointTime':'2026-01-04T02:00:00Z',"
			     "'recoveryPointProperties':{'expiryTime':"
			     "'2031-01-04T02:00:00Z'}}}"),
		 &vm_item, &pol, &rp);
	assert_int_equal(rp.kind, RK_MONTHLY);
	parse_rp(inline_json("{'name':'3','properties':{"
			     "'recoveryPointTime':'2026-01-04T02:00:00Z',"
			     "'recoveryPointProperties':{'expiryTime':"
			     "'2036-01-04T02:00:00Z'}}}"),
		 &vm_item, &pol, &rp);
	assert_int_equal(rp.kind, RK_YEARLY);
	parse_rp(inline_json("{'name':'4','properties':{"
			     "'recoveryPointTime':'2026-01-04T02:00:00Z',"
			     "'recoveryPointProperties':{'expiryTime':"
			     "'2026-02-03T02:00:00Z'}}}"),
		 &vm_item, &pol, &rp);
	assert_int_equal(rp.kind, RK_DAILY);
}

static void test_arm_parse__rp_sql_and_hana(void **state)
{
	static const struct item sql = { .item_id = "i-2",
					 .workload = WL_SQL };
	static const struct item hana = { .item_id = "i-3",
					  .workload = WL_HANA };
	struct rp rp;
	struct err e = ERR_INIT;

	(void)state;
	parse_rp(inline_json("{'name':'DefaultRangeRecoveryPoint1',"
			     "'properties':{'objectType':"
			     "'AzureWorkloadSQLRecoveryPoint',"
			     "'recoveryPointTimeInUTC':"
			     "'2026-03-01T10:00:00.123Z','type':'Full',"
			     "'recoveryPointTierDetails':[{'type':"
			     "'HardenedRP','status':'Valid'}],"
			     "'recoveryPointMoveReadinessInfo':{"
			     "'ArchivedRP':{'isReadyForMove':true}},"
			     "'recoveryPointProperties':{'expiryTime':"
			     "'2027-03-01T10:00:00Z'}}}"),
		 &sql, NULL, &rp);
	assert_int_equal(rp.kind, RK_FULL);
	assert_int_equal(rp.tier, TIER_STANDARD);
	assert_int_equal(rp.move_ready, MR_TRUE);
	assert_true(rp.rp_time == T("2026-03-01T10:00:00Z"));
	assert_true(rp.expiry_time == T("2027-03-01T10:00:00Z"));
	parse_rp(inline_json("{'name':'5','properties':{'objectType':"
			     "'AzureWorkloadSAPHanaRecoveryPoint',"
			     "'recoveryPointTimeInUTC':"
			     "'2026-03-02T10:00:00Z','type':"
			     "'Differential'}}"),
		 &hana, NULL, &rp);
	assert_int_equal(rp.kind, RK_DIFFERENTIAL);
	assert_int_equal(rp.move_ready, MR_UNKNOWN);
	parse_rp(inline_json("{'name':'6','properties':{"
			     "'recoveryPointTimeInUTC':"
			     "'2026-03-02T11:00:00Z','type':'Log'}}"),
		 &sql, NULL, &rp);
	assert_int_equal(rp.kind, RK_LOG);
	assert_int_equal(arm_parse_rp(inline_json("{'name':'7',"
						  "'properties':{"
						  "'recoveryPointTimeInUTC':"
						  "'2026-03-02T11:00:00Z',"
						  "'type':'Mystery'}}"),
				      &sql, NULL, &pool, &rp, &e),
			 1);
}

/* A soft-deleted item (isScheduledForDeferredDelete, as the spec's
 * AzureIaaSVMProtectedItem has it) is recorded as such, with
 * deferredDeleteTimeInUTC (7-digit fractions, as ARM writes them). */
static void test_arm_parse__item_soft_deleted(void **state)
{
	struct arm_item ai;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_item(
			inline_json("{'id':'/subscriptions/s/resourceGroups/r/"
				    "providers/Microsoft.RecoveryServices/"
				    "vaults/v/backupFabrics/Azure/"
				    "protectionContainers/IaasVMContainer;"
				    "iaasvmcontainerv2;r;vm1/protectedItems/"
				    "VM;iaasvmcontainerv2;r;vm1','name':"
				    "'VM;iaasvmcontainerv2;r;vm1','properties'"
				    ":{'protectedItemType':'Microsoft.Compute/"
				    "virtualMachines','workloadType':'VM',"
				    "'friendlyName':'vm1','protectionState':"
				    "'ProtectionStopped',"
				    "'isScheduledForDeferredDelete':true,"
				    "'deferredDeleteTimeInUTC':"
				    "'2026-10-20T08:00:00.1234567Z',"
				    "'deferredDeleteTimeRemaining':"
				    "'13.23:00:00'}}"),
			"/subscriptions/s/resourceGroups/r/providers/"
			"Microsoft.RecoveryServices/vaults/v",
			"v-1", &pool, &ai, &e),
		0);
	assert_true(ai.it.soft_deleted);
	assert_true(ai.it.deferred_delete_time == T("2026-10-20T08:00:00Z"));
	assert_string_equal(ai.it.protection_state, "ProtectionStopped");
}

/* The log chain of a SQL/HANA item is listed as a point named
 * DefaultRangeRecoveryPoint with timeRanges and no time: skipped, not
 * an odd payload. */
static void test_arm_parse__rp_default_range(void **state)
{
	static const struct item hana = { .item_id = "i-3",
					  .workload = WL_HANA };
	struct rp rp;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_rp(inline_json(
				     "{'id':'/x/recoveryPoints/"
				     "DefaultRangeRecoveryPoint','name':"
				     "'DefaultRangeRecoveryPoint','type':"
				     "'Microsoft.RecoveryServices/vaults/"
				     "backupFabrics/protectionContainers/"
				     "protectedItems/recoveryPoints',"
				     "'properties':{'objectType':"
				     "'AzureWorkloadSAPHanaPointInTimeRecovery"
				     "Point','type':'Log','timeRanges':[{"
				     "'startTime':'2026-03-01T10:00:00Z',"
				     "'endTime':'2026-03-02T10:00:00Z'}]}}"),
			     &hana, NULL, &pool, &rp, &e),
		1);
	assert_int_equal(e.code, 0);
}

/* Times without a zone (UTC) and with 7-digit fractions, as ARM sends
 * them in places; "still determining" is kept as Azure said it. */
static void test_arm_parse__rp_times_and_readiness(void **state)
{
	static const struct item vm = { .item_id = "i-1", .workload = WL_VM };
	struct rp rp;

	(void)state;
	parse_rp(inline_json("{'name':'1','properties':{'objectType':"
			     "'IaasVMRecoveryPoint','recoveryPointTime':"
			     "'2026-03-01T10:00:00.1234567',"
			     "'recoveryPointProperties':{'expiryTime':"
			     "'2027-03-01T10:00:00','ruleName':"
			     "'MonthlyRule'},'recoveryPointMoveReadinessInfo'"
			     ":{'ArchivedRP':{'isReadyForMove':false,"
			     "'additionalInfo':'We\u2019re still determining "
			     "if this Recovery Point can be moved.. Please "
			     "check again after some time.'}}}}"),
		 &vm, NULL, &rp);
	assert_true(rp.rp_time == T("2026-03-01T10:00:00Z"));
	assert_true(rp.expiry_time == T("2027-03-01T10:00:00Z"));
	assert_int_equal(rp.kind, RK_MONTHLY);
	assert_int_equal(rp.move_ready, MR_FALSE);
	assert_true(rp_move_undetermined(&rp));
	rp.move_info = "Recovery point cannot be moved to archive tier since "
		       "it has already been moved.";
	assert_false(rp_move_undetermined(&rp));
}

/* ---- jobs ---- */

static void test_arm_parse__jobs_list(void **state)
{
	const cJSON *b = body(BMS_ST "Common/ListJobs.json", "200");
	struct arm_job aj;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_job(page_item(b, 0), "v-1", &pool, &aj, &e),
			 0);
	assert_string_equal(aj.j.job_id,
			    "00000000-0000-0000-0000-000000000000");
	assert_string_equal(aj.j.vault_id, "v-1");
	assert_string_equal(aj.j.item_id, "");
	assert_string_equal(aj.j.operation, "Backup");
	assert_string_equal(aj.j.status, "InProgress");
	assert_true(aj.j.start_time == T("2017-08-03T05:31:07Z"));
	assert_true(aj.j.end_time == TIME_NONE);
	assert_true(aj.j.duration_s == 12);
	assert_true(aj.j.rp_time == TIME_NONE);
	assert_string_equal(aj.j.source_tier, "");
	assert_true(isnan(aj.j.data_gb));
	assert_string_equal(aj.j.error_code, "");
	assert_string_equal(aj.friendly_name, "testvm");
	assert_int_equal(aj.workload, WL_VM);
	assert_int_equal(arm_parse_job(page_item(b, 1), "v-1", &pool, &aj, &e),
			 0);
	assert_string_equal(aj.j.operation, "ConfigureBackup");
	assert_string_equal(aj.j.status, "Completed");
	assert_true(aj.j.end_time == T("2017-08-03T05:31:03Z"));
	assert_true(aj.j.duration_s == 31);
}

static void test_arm_parse__jobs_filtered_and_details(void **state)
{
	const cJSON *b = body(BMS_EX "Common/"
				     "ListJobsWithAllSupportedFilters.json",
			      "200");
	struct arm_job aj;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(arm_parse_job(page_item(b, 0), "v-1", &pool, &aj, &e),
			 0);
	assert_string_equal(aj.j.operation, "Backup");
	b = body(BMS_EX "Common/GetJobDetails.json", "200");
	/* propertyBag holds only "VM Name": nothing to take. */
	arm_apply_job_details(b, &pool, &aj.j);
	assert_true(aj.j.rp_time == TIME_NONE);
	assert_true(isnan(aj.j.data_gb));
}

static void test_arm_parse__job_restore_details(void **state)
{
	struct arm_job aj;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_job(
			inline_json("{'name':'j1','properties':{"
				    "'jobType':'AzureWorkloadJob',"
				    "'workloadType':'SQLDataBase',"
				    "'backupManagementType':"
				    "'AzureWorkload','operation':"
				    "'Restore','status':'Failed',"
				    "'startTime':'2026-02-01T10:00:00Z',"
				    "'endTime':'2026-02-01T12:00:00Z',"
				    "'duration':'PT2H','entityFriendlyName':"
				    "'db1','errorDetails':[{'errorCode':"
				    "'UserErrorX'}]}}"),
			"v-1", &pool, &aj, &e),
		0);
	assert_int_equal(aj.workload, WL_SQL);
	assert_true(aj.j.duration_s == 7200);
	assert_string_equal(aj.j.error_code, "UserErrorX");
	arm_apply_job_details(
		inline_json("{'properties':{'extendedInfo':{'propertyBag':"
			    "{'Recovery point time':'2026-01-15T02:00:00Z',"
			    "'Recovery point tier':'Archive',"
			    "'Data transferred (GB)':'12.5'}}}}"),
		&pool, &aj.j);
	assert_true(aj.j.rp_time == T("2026-01-15T02:00:00Z"));
	assert_string_equal(aj.j.source_tier, "Archive");
	assert_true(fabs(aj.j.data_gb - 12.5) < 1e-9);
	arm_apply_job_details(
		inline_json("{'properties':{'extendedInfo':{'propertyBag':"
			    "{'Backup Size':'2048 MB'}}}}"),
		&pool, &aj.j);
	assert_true(fabs(aj.j.data_gb - 2) < 1e-9);
}

/* errorDetails[].errorCode is an integer in the spec (AzureIaaSVMErrorInfo,
 * AzureWorkloadErrorInfo, AzureStorageErrorInfo); archive restores are
 * RestoreWithRehydrate and count as restores. */
static void test_arm_parse__job_integer_error_and_rehydrate(void **state)
{
	struct arm_job aj;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_job(
			inline_json("{'id':'/x/backupJobs/j2','name':'j2',"
				    "'type':'Microsoft.RecoveryServices/"
				    "vaults/backupJobs','properties':{"
				    "'jobType':'AzureIaaSVMJob',"
				    "'backupManagementType':'AzureIaasVM',"
				    "'operation':'RestoreWithRehydrate',"
				    "'status':'Failed','startTime':"
				    "'2026-02-01T10:00:00.1234567Z',"
				    "'endTime':'2026-02-01T12:00:00Z',"
				    "'duration':'PT2H','entityFriendlyName':"
				    "'vm1','errorDetails':[{'errorCode':"
				    "400089,'errorString':'The restore "
				    "failed.','errorTitle':'','recommendations'"
				    ":[]}]}}"),
			"v-1", &pool, &aj, &e),
		0);
	assert_string_equal(aj.j.error_code, "400089");
	assert_string_equal(aj.j.operation, "RestoreWithRehydrate");
	assert_true(job_is_restore(&aj.j));
	assert_false(job_is_backup(&aj.j));
	/* workload jobs name their database "db [host]" */
	assert_true(arm_job_names("systemdb [HOSTSID]", "SYSTEMDB"));
	assert_true(arm_job_names("vm1", "VM1"));
	assert_false(arm_job_names("systemdb2", "systemdb"));
	assert_false(arm_job_names("systemdb [H01", "systemdb"));
	assert_false(arm_job_names("systemdb", "systemdb [H01]"));
	arm_apply_job_details(
		inline_json("{'properties':{'extendedInfo':{'propertyBag':"
			    "{'Recovery point time':'2026-01-15T02:00:00',"
			    "'Recovery point tier':'Archive'}}}}"),
		&pool, &aj.j);
	assert_true(aj.j.rp_time == T("2026-01-15T02:00:00Z"));
}

/* An on-demand backup (isUserTriggered) of a VM: its point's expiry is
 * only in the job's details, "Recovery Point Expiry Time in UTC". */
static void test_arm_parse__on_demand_backup_expiry(void **state)
{
	struct arm_job aj;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(
		arm_parse_job(
			inline_json("{'id':'/x/backupJobs/j3','name':'j3',"
				    "'type':'Microsoft.RecoveryServices/"
				    "vaults/backupJobs','properties':{"
				    "'jobType':'AzureIaaSVMJob',"
				    "'backupManagementType':'AzureIaasVM',"
				    "'operation':'Backup','status':"
				    "'Completed','startTime':"
				    "'2026-02-01T10:00:00Z','endTime':"
				    "'2026-02-01T10:20:00Z','duration':"
				    "'PT20M','entityFriendlyName':'vm1',"
				    "'isUserTriggered':true}}"),
			"v-1", &pool, &aj, &e),
		0);
	assert_true(aj.user_triggered);
	assert_true(aj.rp_expiry == TIME_NONE);
	assert_true(arm_job_rp_expiry(inline_json(
			    "{'properties':{'extendedInfo':{'propertyBag':{"
			    "'VM Name':'vm1','Backup Size':'2048 MB',"
			    "'Recovery Point Expiry Time in UTC':"
			    "'3/3/2026 10:05:00 PM'}}}}")) ==
		    T("2026-03-03T22:05:00Z"));
	assert_true(arm_job_rp_expiry(inline_json(
			    "{'properties':{'extendedInfo':{'propertyBag':{"
			    "'Recovery Point Expiry Time in UTC':"
			    "'2026-03-03T22:05:00'}}}}")) ==
		    T("2026-03-03T22:05:00Z"));
	assert_true(arm_job_rp_expiry(inline_json(
			    "{'properties':{'extendedInfo':{'propertyBag':{"
			    "'Recovery Point Expiry Time in UTC':"
			    "'soon'}}}}")) == TIME_NONE);
	assert_true(arm_job_rp_expiry(inline_json(
			    "{'properties':{'extendedInfo':{'propertyBag':{"
			    "'VM Name':'vm1'}}}}")) == TIME_NONE);
}

/* ---- Resource Guard ---- */

static void test_arm_parse__guard_proxy(void **state)
{
	const char *guard = "/subscriptions/c999d45b-944f-418c-a0d8-"
			    "c3fcfd1802c8/resourceGroups/vaultguardRGNew/"
			    "providers/Microsoft.DataProtection/"
			    "resourceGuards/VaultGuardTestNew";
	struct arm_proxy px;
	const cJSON *b = body(BMS_ST "ResourceGuardProxyCRUD/"
				     "GetResourceGuardProxy.json",
			      "200");

	(void)state;
	assert_int_equal(arm_parse_proxy(b, &pool, &px), 0);
	assert_string_equal(px.guard_id, guard);
	assert_string_equal(px.operations,
			    "Microsoft.DataProtection/resourceGuards/"
			    "deleteResourceGuardProxyRequests;"
			    "Microsoft.DataProtection/resourceGuards/"
			    "disableSoftDeleteRequests");
	b = body(BMS_EX "ResourceGuardProxyCRUD/ListResourceGuardProxy.json",
		 "200");
	assert_int_equal(arm_parse_proxy(page_item(b, 0), &pool, &px), 0);
	assert_string_equal(px.guard_id, guard);
}

static void test_arm_parse__guard(void **state)
{
	struct arm_guard g;

	(void)state;
	assert_int_equal(arm_parse_guard(body(GUARD_EX, "200"), &pool, &g), 0);
	assert_string_equal(g.protected_operations,
			    "Microsoft.RecoveryServices/vaults/"
			    "backupResourceGuardProxies/delete;"
			    "Microsoft.RecoveryServices/vaults/"
			    "backupconfig/write");
	assert_string_equal(g.excluded_operations, "");
	assert_int_equal(
		arm_parse_guard(
			inline_json("{'properties':{'resourceGuardOperations':"
				    "[{'vaultCriticalOperation':'Microsoft."
				    "RecoveryServices/vaults/backupconfig/"
				    "write'},{'vaultCriticalOperation':"
				    "'Microsoft.RecoveryServices/vaults/"
				    "backupSecurityPIN/action'}],"
				    "'vaultCrticalOperationExclusionList':["
				    "'Microsoft.RecoveryServices/vaults/"
				    "backupSecurityPIN/action']}}"),
			&pool, &g),
		0);
	assert_string_equal(g.protected_operations,
			    "Microsoft.RecoveryServices/vaults/backupconfig/"
			    "write");
	assert_string_equal(g.excluded_operations,
			    "Microsoft.RecoveryServices/vaults/"
			    "backupSecurityPIN/action");
}

/* ---- tiering cost ---- */

static void test_arm_parse__tiering_cost(void **state)
{
	static const char *const files[] = {
		BMS_EX "TieringCost/FetchTieringCostForProtectedItem.json",
		BMS_EX "TieringCost/GetTieringCostOperationResult.json",
		BMS_ST "TieringCost/FetchTieringCostForVault.json",
		BMS_ST "TieringCost/FetchTieringCostForPolicy.json",
	};
	double red = 0, inc = 0;
	const cJSON *b;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		assert_int_equal(arm_parse_tiering_cost(body(files[i], "200"),
							&red, &inc),
				 0);
		assert_true(red == 1204000);
		assert_true(inc == 1892);
	}
	b = body(BMS_ST "TieringCost/FetchTieringCostForRehydrate.json", "200");
	assert_int_equal(arm_parse_tiering_cost(b, &red, &inc), -1);
	assert_string_equal(arm_str(body(BMS_EX "TieringCost/"
					       "GetTieringCostOperationStatus."
					       "json",
				       "200"),
				  "status"),
			    "Succeeded");
}

static void test_arm_parse__ids_and_errors(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(arm_id_value("/Subscriptions/abc/resourcegroups/RG/x",
				      "resourceGroups", v, sizeof(v)),
			 0);
	assert_string_equal(v, "RG");
	assert_int_equal(arm_id_value("/subscriptions/abc", "vaults", v,
				      sizeof(v)),
			 -1);
	assert_string_equal(arm_error_code(inline_json(
				    "{'error':{'code':'AuthorizationFailed',"
				    "'message':'no'}}")),
			    "AuthorizationFailed");
	assert_string_equal(arm_error_code(inline_json(
				    "{'error':'invalid_client'}")),
			    "invalid_client");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T_(name) cmocka_unit_test_teardown(test_arm_parse__##name, teardown)
		T_(vault_get),
		T_(vault_usages),
		T_(vault_list_defaults),
		T_(vault_immutability_and_cmk),
		T_(vaultconfig),
		T_(vaultconfig_loses_to_vault),
		T_(policy_vm_standard_list),
		T_(policy_vm_get),
		T_(policy_vm_weekly_complex),
		T_(policy_enhanced_hourly),
		T_(policy_enhanced_daily),
		T_(policy_v1_and_v2_list),
		T_(policy_sql_complex),
		T_(policy_sql_list),
		T_(policy_tiering),
		T_(policy_tiering_units),
		T_(policy_huge_counts),
	T_(policy_unsupported),
		T_(items_list),
		T_(item_get),
		T_(item_workloads),
		T_(rps_list),
		T_(rp_get),
		T_(rps_recommended),
		T_(rp_tiers),
		T_(rp_kind_from_rule_and_retention),
		T_(rp_sql_and_hana),
		T_(item_soft_deleted),
		T_(rp_default_range),
		T_(rp_times_and_readiness),
		T_(jobs_list),
		T_(jobs_filtered_and_details),
		T_(job_restore_details),
		T_(job_integer_error_and_rehydrate),
		T_(on_demand_backup_expiry),
		T_(guard_proxy),
		T_(guard),
		T_(tiering_cost),
		T_(ids_and_errors),
#undef T_
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
