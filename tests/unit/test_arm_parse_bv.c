/* SPDX-License-Identifier: MIT
 * test_arm_parse_bv.c: Microsoft.DataProtection payloads, in the shapes of
 * the DataProtection spec's examples (api-version 2025-07-01: VaultCRUD/
 * GetBackupVaultWithCMK, PolicyCRUD/GetBackupPolicy, BackupInstance
 * Operations/GetBackupInstance and ListRecoveryPoints, JobCRUD/ListJobs),
 * read into Backup vault rows: every field
 * a user sees in backup_*.csv, defaults for what Azure leaves out, and the
 * objects that are refused. */
#include "testutil.h"

#include <math.h>

#include "optimizer/azure/arm_parse_bv.h"
#include "optimizer/base/timeutil.h"

#define VAULT_ID "/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c/" \
		 "resourceGroups/SampleResourceGroup/providers/"        \
		 "Microsoft.DataProtection/Backupvaults/swaggerExample"

static cJSON *parse(const char *json)
{
	cJSON *o = cJSON_Parse(json);

	assert_non_null(o);
	return o;
}

static void test_arm_parse_bv__vault_with_cmk(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct bvault v;
	char want[SNAPSHOT_ID_LEN];
	cJSON *o = parse(
		"{\"id\": \"" VAULT_ID "\", \"name\": \"swaggerExample\","
		" \"type\": \"Microsoft.DataProtection/Backupvaults\","
		" \"location\": \"WestUS\", \"identity\": {\"type\":"
		" \"SystemAssigned\"}, \"properties\": {"
		"\"provisioningState\": \"Succeeded\","
		"\"securitySettings\": {\"softDeleteSettings\": {\"state\":"
		" \"Off\", \"retentionDurationInDays\": 0},"
		" \"immutabilitySettings\": {\"state\": \"Disabled\"},"
		" \"encryptionSettings\": {\"state\": \"Enabled\","
		" \"keyVaultProperties\": {\"keyUri\": \"https://kv.vault."
		"azure.net/keys/k1/1\"}, \"infrastructureEncryption\":"
		" \"Disabled\"}},"
		"\"storageSettings\": [{\"datastoreType\": \"VaultStore\","
		" \"type\": \"LocallyRedundant\"}]}}");

	(void)state;
	assert_int_equal(arm_parse_bvault(o, "tenant-1", &pool, &v), 0);
	snapshot_make_id(want, 'v', VAULT_ID);
	assert_string_equal(v.vault_id, want);
	assert_string_equal(v.subscription_id,
			    "0b352192-dcac-4cc7-992e-a96190ccc68c");
	assert_string_equal(v.resource_group, "SampleResourceGroup");
	assert_string_equal(v.vault_name, "swaggerExample");
	assert_string_equal(v.location, "WestUS");
	assert_string_equal(v.tenant_id, "tenant-1");
	assert_string_equal(v.arm_id, VAULT_ID);
	assert_string_equal(v.resource_guard_id, "");
	assert_int_equal(v.redundancy, RED_LRS);
	assert_int_equal(v.soft_delete, SD_DISABLED);
	assert_int_equal(v.soft_delete_days, 0);
	assert_int_equal(v.immutability, IMM_DISABLED);
	assert_int_equal(v.cmk, ON);
	/* not in the payload: Azure's defaults, or unknown */
	assert_int_equal(v.cross_region_restore, OFF);
	assert_int_equal(v.cross_subscription_restore, XSR_ENABLED);
	assert_int_equal(v.job_failure_alerts, ONOFF_UNKNOWN);
	cJSON_Delete(o);
	strpool_release(&pool);
}

static void test_arm_parse_bv__vault_settings(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct bvault v;
	cJSON *o = parse(
		"{\"id\": \"" VAULT_ID "\", \"name\": \"swaggerExample\","
		" \"location\": \"westeurope\", \"properties\": {"
		"\"monitoringSettings\": {\"azureMonitorAlertSettings\":"
		" {\"alertsForAllJobFailures\": \"Enabled\"}},"
		"\"featureSettings\": {\"crossSubscriptionRestoreSettings\":"
		" {\"state\": \"PermanentlyDisabled\"},"
		" \"crossRegionRestoreSettings\": {\"state\": \"Enabled\"}},"
		"\"securitySettings\": {\"softDeleteSettings\": {\"state\":"
		" \"AlwaysOn\", \"retentionDurationInDays\": 14.0},"
		" \"immutabilitySettings\": {\"state\": \"Locked\"}},"
		"\"storageSettings\": [{\"datastoreType\": \"VaultStore\","
		" \"type\": \"GeoRedundant\"}]}}");
	cJSON *bad = parse("{\"id\": \"" VAULT_ID "\", \"name\": \"x\","
			   " \"properties\": {}}");

	(void)state;
	assert_int_equal(arm_parse_bvault(o, "", &pool, &v), 0);
	assert_int_equal(v.redundancy, RED_GRS);
	assert_int_equal(v.cross_region_restore, ON);
	assert_int_equal(v.cross_subscription_restore,
			 XSR_PERMANENTLY_DISABLED);
	assert_int_equal(v.soft_delete, SD_ALWAYSON);
	assert_int_equal(v.soft_delete_days, 14);
	assert_int_equal(v.immutability, IMM_LOCKED);
	assert_int_equal(v.cmk, OFF);
	assert_int_equal(v.job_failure_alerts, ON);
	/* no storage redundancy: refused */
	assert_int_equal(arm_parse_bvault(bad, "", &pool, &v), -1);
	cJSON_Delete(o);
	cJSON_Delete(bad);
	strpool_release(&pool);
}

static void test_arm_parse_bv__policy(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct bpolicy p;
	char want[SNAPSHOT_ID_LEN];
	cJSON *o = parse(
		"{\"id\": \"" VAULT_ID "/backupPolicies/OSSDBPolicy\","
		" \"name\": \"OSSDBPolicy\", \"properties\": {"
		"\"objectType\": \"BackupPolicy\", \"datasourceTypes\":"
		" [\"OssDB\"], \"policyRules\": ["
		"{\"objectType\": \"AzureBackupRule\","
		" \"name\": \"BackupWeekly\","
		" \"backupParameters\": {\"objectType\": \"AzureBackupParams\","
		" \"backupType\": \"Full\"}, \"dataStore\": {\"dataStoreType\":"
		" \"VaultStore\", \"objectType\": \"DataStoreInfoBase\"},"
		" \"trigger\": {\"objectType\":"
		" \"ScheduleBasedTriggerContext\","
		" \"schedule\": {\"repeatingTimeIntervals\": ["
		"\"R/2019-11-20T08:00:00-08:00/P1W\"], \"timeZone\":"
		" \"Pacific Standard Time\"}}},"
		"{\"objectType\": \"AzureRetentionRule\","
		" \"name\": \"Default\","
		" \"isDefault\": true, \"lifecycles\": [{\"deleteAfter\":"
		" {\"objectType\": \"AbsoluteDeleteOption\", \"duration\":"
		" \"P1W\"}, \"sourceDataStore\": {\"dataStoreType\":"
		" \"VaultStore\", \"objectType\": \"DataStoreInfoBase\"}}]},"
		"{\"objectType\": \"AzureRetentionRule\","
		" \"name\": \"Monthly\","
		" \"isDefault\": false, \"lifecycles\": [{\"deleteAfter\":"
		" {\"objectType\": \"AbsoluteDeleteOption\", \"duration\":"
		" \"P6M\"}, \"sourceDataStore\": {\"dataStoreType\":"
		" \"VaultStore\"}}, {\"deleteAfter\": {\"duration\":"
		" \"P10Y\"}, \"sourceDataStore\": {\"dataStoreType\":"
		" \"ArchiveStore\"}}]}]}}");

	(void)state;
	assert_int_equal(arm_parse_bpolicy(o, "v-1", &pool, &p), 0);
	snapshot_make_id(want, 'p', VAULT_ID "/backupPolicies/OSSDBPolicy");
	assert_string_equal(p.policy_id, want);
	assert_string_equal(p.vault_id, "v-1");
	assert_string_equal(p.policy_name, "OSSDBPolicy");
	assert_string_equal(p.datasource_type, "OssDB");
	assert_string_equal(p.schedule, "R/2019-11-20T08:00:00-08:00/P1W");
	assert_string_equal(p.time_zone, "Pacific Standard Time");
	assert_string_equal(p.data_stores, "VaultStore;ArchiveStore");
	assert_string_equal(p.retention_rules,
			    "Default:VaultStore:P1W;Monthly:VaultStore:P6M;"
			    "Monthly:ArchiveStore:P10Y");
	assert_int_equal(p.operational_keep_days, 0);
	assert_int_equal(p.vault_keep_days, 183);
	assert_int_equal(p.archive_keep_days, 3653);
	cJSON_Delete(o);
	strpool_release(&pool);
}

static void test_arm_parse_bv__instance(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct binstance bi;
	char want[SNAPSHOT_ID_LEN];
	cJSON *o = parse(
		"{\"id\": \"" VAULT_ID "/backupInstances/testInstance1\","
		" \"name\": \"testInstance1\", \"type\":"
		" \"Microsoft.DataProtection/backupVaults/backupInstances\","
		" \"properties\": {\"friendlyName\": \"harshitbi2\","
		" \"dataSourceInfo\": {\"datasourceType\": \"OssDB\","
		" \"objectType\": \"Datasource\", \"resourceID\": \"/"
		"subscriptions/f75d8d8b/resourceGroups/rg/providers/"
		"Microsoft.DBforPostgreSQL/servers/db/databases/testdb\"},"
		" \"policyInfo\": {\"policyId\": \"" VAULT_ID
		"/backupPolicies/OSSDBPolicy\"},"
		" \"currentProtectionState\": \"ProtectionConfigured\","
		" \"provisioningState\": \"Succeeded\","
		" \"objectType\": \"BackupInstance\"}}");

	(void)state;
	assert_int_equal(arm_parse_binstance(o, "v-1", &pool, &bi), 0);
	snapshot_make_id(want, 'i', VAULT_ID "/backupInstances/testInstance1");
	assert_string_equal(bi.instance_id, want);
	snapshot_make_id(want, 'p', VAULT_ID "/backupPolicies/OSSDBPolicy");
	assert_string_equal(bi.policy_id, want);
	assert_string_equal(bi.instance_name, "testInstance1");
	assert_string_equal(bi.datasource_type, "OssDB");
	/* no protectionStatus: currentProtectionState */
	assert_string_equal(bi.protection_status, "ProtectionConfigured");
	assert_string_equal(bi.source_resource_id,
			    "/subscriptions/f75d8d8b/resourceGroups/rg/"
			    "providers/Microsoft.DBforPostgreSQL/servers/db/"
			    "databases/testdb");
	cJSON_Delete(o);
	strpool_release(&pool);
}

static void test_arm_parse_bv__durations(void **state)
{
	(void)state;
	assert_int_equal(arm_iso_duration_days("P7D"), 7);
	assert_int_equal(arm_iso_duration_days("P4W"), 28);
	assert_int_equal(arm_iso_duration_days("P12M"), 366);
	assert_int_equal(arm_iso_duration_days("P10Y"), 3653);
	assert_int_equal(arm_iso_duration_days("P1Y6M"), 548);
	assert_int_equal(arm_iso_duration_days("PT4H"), 0);
	assert_int_equal(arm_iso_duration_days("7 days"), 0);
	assert_int_equal(arm_iso_duration_days(NULL), 0);
}

static int64_t at(const char *iso)
{
	int64_t t;

	assert_int_equal(time_parse_iso(iso, 0, &t), 0);
	return t;
}

/* ListRecoveryPoints: a point in two stores with an expiry, one without
 * an expiry, one without a time (refused). */
static void test_arm_parse_bv__recovery_points(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct brp rp;
	cJSON *o = parse(
		"{\"id\": \"" VAULT_ID "/backupInstances/testInstance1/"
		"recoveryPoints/7fb2cddd\", \"name\": \"7fb2cddd-c5b3-44f6-"
		"a0d9-db3c4f9d5e35\", \"type\": \"microsoft.dataprotection/"
		"backupvaults/backupInstances/recoveryPoints\","
		" \"properties\": {\"objectType\":"
		" \"AzureBackupDiscreteRecoveryPoint\","
		" \"recoveryPointTime\": \"2019-03-01T13:00:00Z\","
		" \"recoveryPointType\": \"Full\", \"friendlyName\":"
		" \"panbha4\", \"expiryTime\": \"2023-03-01T13:00:00Z\","
		" \"recoveryPointDataStoresDetails\": [{\"id\": \"0ff0\","
		" \"type\": \"OperationalStore\", \"creationTime\":"
		" \"2019-03-01T13:00:00Z\", \"metaData\": \"123456\"},"
		" {\"id\": \"5d8c\", \"type\": \"VaultStore\"},"
		" {\"id\": \"5d8d\", \"type\": \"VaultStore\"}],"
		" \"recoveryPointState\": \"Completed\"}}");
	cJSON *p = cJSON_GetObjectItem(o, "properties");

	(void)state;
	assert_int_equal(arm_parse_brp(o, "i-1", &pool, &rp), 0);
	assert_string_equal(rp.rp_id, "7fb2cddd-c5b3-44f6-a0d9-db3c4f9d5e35");
	assert_string_equal(rp.instance_id, "i-1");
	assert_string_equal(rp.rp_type, "Full");
	assert_string_equal(rp.data_stores, "OperationalStore;VaultStore");
	assert_int_equal(rp.rp_time, at("2019-03-01T13:00:00Z"));
	assert_int_equal(rp.expiry_time, at("2023-03-01T13:00:00Z"));
	cJSON_DeleteItemFromObject(p, "expiryTime");
	assert_int_equal(arm_parse_brp(o, "i-1", &pool, &rp), 0);
	assert_int_equal(rp.expiry_time, TIME_NONE);
	cJSON_DeleteItemFromObject(p, "recoveryPointTime");
	assert_int_equal(arm_parse_brp(o, "i-1", &pool, &rp), -1);
	cJSON_Delete(o);
	strpool_release(&pool);
}

#define JOB_INSTANCE VAULT_ID "/backupInstances/0b247869-b8be-4885-b832"

/* ListJobs: a finished job (duration a .NET time span), one still
 * running, a failed one with its error code. */
static void test_arm_parse_bv__jobs(void **state)
{
	struct strpool pool = STRPOOL_INIT;
	struct bjob j;
	char want[SNAPSHOT_ID_LEN];
	cJSON *o = parse(
		"{\"properties\": {\"activityID\": \"9405\","
		" \"backupInstanceId\": \"" JOB_INSTANCE "\","
		" \"dataSourceId\": \"/subscriptions/62b8/resourceGroups/Dpp/"
		"providers/Microsoft.DBforPostgreSQL/servers/s1/databases/db3\","
		" \"vaultName\": \"swaggerExample\","
		" \"startTime\": \"2021-03-17T11:11:50.5595259Z\","
		" \"endTime\": \"2021-03-17T11:14:02.5319646Z\","
		" \"dataSourceType\":"
		" \"Microsoft.DBforPostgreSQL/servers/databases\","
		" \"operationCategory\": \"Backup\", \"operation\":"
		" \"Backup\", \"status\": \"Succeeded\","
		" \"isUserTriggered\": true, \"supportedActions\": [\"\"],"
		" \"duration\": \"00:02:11.9724387\"},"
		" \"id\": \"" VAULT_ID "/backupJobs/43252662\","
		" \"name\": \"43252662-1b43-44fd-a856-0055665cb097\"}");
	cJSON *p = cJSON_GetObjectItem(o, "properties");

	(void)state;
	assert_int_equal(arm_parse_bjob(o, "v-1", &pool, &j), 0);
	snapshot_make_id(want, 'i', JOB_INSTANCE);
	assert_string_equal(j.job_id, "43252662-1b43-44fd-a856-0055665cb097");
	assert_string_equal(j.vault_id, "v-1");
	assert_string_equal(j.instance_id, want);
	assert_string_equal(j.operation, "Backup");
	assert_string_equal(j.category, "Backup");
	assert_string_equal(j.status, "Succeeded");
	assert_string_equal(j.datasource_type,
			    "Microsoft.DBforPostgreSQL/servers/databases");
	assert_string_equal(j.error_code, "");
	assert_int_equal(j.start_time, at("2021-03-17T11:11:50Z"));
	assert_int_equal(j.end_time, at("2021-03-17T11:14:02Z"));
	assert_true(j.duration_s == 132);
	assert_false(bjob_is_restore(&j));
	/* still running: no end, a zero span; no instance */
	cJSON_DeleteItemFromObject(p, "endTime");
	cJSON_DeleteItemFromObject(p, "backupInstanceId");
	cJSON_ReplaceItemInObject(p, "duration",
				  cJSON_CreateString("00:00:00"));
	cJSON_ReplaceItemInObject(p, "operationCategory",
				  cJSON_CreateString("Restore"));
	assert_int_equal(arm_parse_bjob(o, "v-1", &pool, &j), 0);
	assert_int_equal(j.end_time, TIME_NONE);
	assert_true(j.duration_s == 0);
	assert_string_equal(j.instance_id, "");
	assert_true(bjob_is_restore(&j));
	cJSON_AddItemToObject(
		p, "errorDetails",
		cJSON_Parse("[{\"code\": \"UserErrorMissingRequiredPermissions"
			    "\", \"message\": \"no access\"}]"));
	assert_int_equal(arm_parse_bjob(o, "v-1", &pool, &j), 0);
	assert_string_equal(j.error_code,
			    "UserErrorMissingRequiredPermissions");
	cJSON_DeleteItemFromObject(p, "startTime");
	assert_int_equal(arm_parse_bjob(o, "v-1", &pool, &j), -1);
	cJSON_Delete(o);
	strpool_release(&pool);
}

static void test_arm_parse_bv__job_durations(void **state)
{
	(void)state;
	assert_true(arm_bv_duration_s("00:02:11.9724387") > 131.97 &&
		    arm_bv_duration_s("00:02:11.9724387") < 131.98);
	assert_true(arm_bv_duration_s("1.02:03:04") == 93784);
	assert_true(arm_bv_duration_s("PT2M11S") == 131);
	assert_true(isnan(arm_bv_duration_s("")));
	assert_true(isnan(arm_bv_duration_s("soon")));
	assert_true(isnan(arm_bv_duration_s("00:75:00")));
	assert_true(isnan(arm_bv_duration_s(NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm_parse_bv__vault_with_cmk),
		cmocka_unit_test(test_arm_parse_bv__vault_settings),
		cmocka_unit_test(test_arm_parse_bv__policy),
		cmocka_unit_test(test_arm_parse_bv__instance),
		cmocka_unit_test(test_arm_parse_bv__durations),
		cmocka_unit_test(test_arm_parse_bv__recovery_points),
		cmocka_unit_test(test_arm_parse_bv__jobs),
		cmocka_unit_test(test_arm_parse_bv__job_durations),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
