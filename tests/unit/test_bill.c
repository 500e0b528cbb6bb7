/* SPDX-License-Identifier: MIT
 * test_bill.c: reading Cost Management exports (bill.h): Backup charges of
 * the snapshot's vaults only, by meter category and ResourceId, both
 * generations of meter names, purchases dropped, instant-restore
 * snapshots counted, the latest month kept; FOCUS and usage details,
 * plain or gzip; public samples without Backup rows yield nothing;
 * charges billed per protected item (ProtectedItemLevel) per item;
 * Backup vaults' charges per Backup vault. */
#include "testutil.h"

#include <zlib.h>

#include "optimizer/snapshot/bill.h"

#define TINY (VW_DATADIR "/../tests/data/tiny-snapshot")
#define COSTS(name) (VW_DATADIR "/../tests/data/costs/" name)

static struct snapshot snap;

static int setup(void **state)
{
	struct err e = ERR_INIT;
	(void)state;
	if (snapshot_open(&snap, TINY, &e))
		fail_msg("%s", e.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	snapshot_release(&snap);
	test_scratch_cleanup();
	return 0;
}

static void read_ok(struct bill *b, const char *path)
{
	struct err e = ERR_INIT;

	if (bill_read(b, path, &snap, &e))
		fail_msg("%s", e.msg);
}

static long vault_named(const char *name)
{
	for (size_t v = 0; v < snap.nvaults; v++)
		if (strcmp(snap.vaults[v].vault_name, name) == 0)
			return (long)v;
	fail_msg("no vault %s", name);
	return -1;
}

/* What backup-focus.csv and backup-usage-details.csv both hold. */
static void expect_backup_rows(const struct bill *b)
{
	long prod = vault_named("vault-prod"), dev = vault_named("vault-dev");

	assert_string_equal(b->month, "2026-10");
	assert_string_equal(b->currency, "EUR");
	/* "Standard GRS Data Stored" and the older "GRS Data Stored" */
	assert_float_equal(b->cell[prod][BM_STANDARD].qty, 150, 1e-9);
	assert_float_equal(b->cell[prod][BM_STANDARD].cost, 6, 1e-9);
	assert_float_equal(b->cell[prod][BM_ARCHIVE].qty, 400, 1e-9);
	/* "Azure VM Protected Instances" (old) and "... Instance" */
	assert_float_equal(b->cell[prod][BM_PI_VM].cost, 10, 1e-9);
	assert_float_equal(b->cell[prod][BM_PI_SQL].cost, 25, 1e-9);
	assert_float_equal(b->cell[dev][BM_STANDARD].qty, 20, 1e-9);
	/* ResourceId matched ignoring case */
	assert_float_equal(b->cell[dev][BM_PI_VM].qty, 2, 1e-9);
	/* the instant-restore snapshots of vm-dev01, under Storage */
	assert_float_equal(b->cell[dev][BM_SNAPSHOTS].cost, 0.25, 1e-9);
	assert_int_equal(b->purchases, 1);
	assert_int_equal(b->other_months, 1);
	assert_int_equal(b->kept, 8);
}

static void test_bill__focus_export(void **state)
{
	struct bill b;
	(void)state;

	read_ok(&b, COSTS("backup-focus.csv"));
	assert_int_equal(b.format, BILL_FOCUS);
	expect_backup_rows(&b);
	assert_int_equal(b.rows, 12);
	bill_release(&b);
}

static void test_bill__usage_details_gzip(void **state)
{
	struct bill b;
	char *text = NULL, *gz = test_path("usage.csv.gz");
	struct err e = ERR_INIT;
	gzFile f;
	(void)state;

	read_ok(&b, COSTS("backup-usage-details.csv"));
	assert_int_equal(b.format, BILL_USAGE_DETAILS);
	expect_backup_rows(&b);
	bill_release(&b);
	/* the same file gzipped, as Cost Management writes exports */
	if (read_file(COSTS("backup-usage-details.csv"), 1 << 20, &text, NULL,
		      &e))
		fail_msg("%s", e.msg);
	f = gzopen(gz, "wb");
	assert_non_null(f);
	assert_int_equal(gzputs(f, text), (int)strlen(text));
	assert_int_equal(gzclose(f), Z_OK);
	read_ok(&b, gz);
	expect_backup_rows(&b);
	bill_release(&b);
	free(text);
	free(gz);
}

/* Public samples with no Backup charge: they parse and yield nothing. */
static void test_bill__public_samples_have_no_backup(void **state)
{
	static const char *const files[] = {
		COSTS("finops-toolkit-EA_ActualCost_Small.csv"),
		COSTS("focus-sample-data-azure-1.2.csv"),
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct bill b;

		read_ok(&b, files[i]);
		/* every row read, none naming Backup: all skipped unsplit */
		assert_true(b.rows >= 4);
		assert_int_equal(b.kept, 0);
		assert_int_equal(b.purchases, 0); /* not Backup: not counted */
		for (size_t v = 0; v < b.nvaults; v++)
			for (int m = 0; m < BM_COUNT; m++)
				assert_float_equal(b.cell[v][m].cost, 0, 0);
		bill_release(&b);
	}
}

static void test_bill__meter_classes(void **state)
{
	(void)state;
	assert_int_equal(bill_meter_of("Backup", "Standard LRS Data Stored"),
			 BM_STANDARD);
	assert_int_equal(bill_meter_of("Backup", "LRS Data Stored"),
			 BM_STANDARD);
	assert_int_equal(bill_meter_of("backup", "Archive LRS Data Stored"),
			 BM_ARCHIVE);
	/* vaulted Azure Files' own storage meter (domain-audit P7) */
	assert_int_equal(bill_meter_of("Backup", "Azure Files Vaulted GRS "
						 "Data Stored"),
			 BM_FILES_VAULTED);
	assert_int_equal(
		bill_meter_of("Backup", "SAP HANA on Azure VM Protected "
					"Instance"),
		BM_PI_HANA);
	assert_int_equal(bill_meter_of("Backup",
				       "Azure Files Protected Instances"),
			 BM_PI_FILES);
	assert_int_equal(bill_meter_of("Storage", "ZRS Snapshots"),
			 BM_SNAPSHOTS);
	/* Backup vaults' protected instances; PostgreSQL is not SQL */
	assert_int_equal(bill_meter_of("Backup",
				       "Azure Blob Protected Instance"),
			 BM_PI_BLOB);
	assert_int_equal(bill_meter_of("Backup",
				       "PostgreSQL Protected Instances"),
			 BM_PI_PGSQL);
	assert_int_equal(bill_meter_of("Storage", "Hot LRS Data Stored"), -1);
	/* ServiceName is not the test: a Backup meter is a Backup meter */
	assert_int_equal(bill_meter_of("Azure Site Recovery", "VM Replicated"),
			 -1);
}

/* A FOCUS 1.2 export that names the meter in SkuMeter only. */
static void test_bill__focus_skumeter(void **state)
{
	struct bill b;
	char *path = test_write(
		"skumeter.csv",
		"ResourceId,EffectiveCost,BilledCost,ChargePeriodStart,"
		"x_SkuMeterCategory,SkuMeter,ConsumedQuantity,BillingCurrency\n"
		"/subscriptions/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/rg-dev/providers/Microsoft.RecoveryServices/"
		"vaults/vault-dev,0.5,0.5,2026-10-01T00:00:00Z,Backup,"
		"Standard LRS Data Stored,25,EUR\n");
	(void)state;

	read_ok(&b, path);
	assert_float_equal(b.cell[vault_named("vault-dev")][BM_STANDARD].qty,
			   25, 1e-9);
	bill_release(&b);
	free(path);
}

static long item_named(const char *name)
{
	for (size_t i = 0; i < snap.nitems; i++)
		if (strcmp(snap.items[i].item_name, name) == 0)
			return (long)i;
	fail_msg("no item %s", name);
	return -1;
}

/* A vault at ProtectedItemLevel bills each item under its own ARM id
 * (any case): the item gets its charges, the vault their sum. */
static void test_bill__protected_item_level(void **state)
{
	struct bill b;
	char *path = test_write(
		"items.csv",
		"ResourceId,EffectiveCost,BilledCost,ChargePeriodStart,"
		"x_SkuMeterCategory,x_SkuMeterName,ConsumedQuantity,"
		"BillingCurrency\n"
		"/subscriptions/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/"
		"vaults/vault-prod/backupFabrics/Azure/protectionContainers/"
		"IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app01/"
		"protectedItems/VM;iaasvmcontainerv2;rg-app;vm-app01,"
		"3,3,2026-10-01T00:00:00Z,Backup,Standard LRS Data Stored,"
		"150,EUR\n"
		"/SUBSCRIPTIONS/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/RG-PROD/providers/Microsoft.RecoveryServices/"
		"vaults/vault-prod/backupFabrics/Azure/protectionContainers/"
		"IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app01/"
		"protectedItems/VM;iaasvmcontainerv2;rg-app;vm-app01,"
		"10,10,2026-10-01T00:00:00Z,Backup,Azure VM Protected Instance,"
		"1,EUR\n"
		"/subscriptions/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/"
		"vaults/vault-prod/backupFabrics/Azure/protectionContainers/"
		"VMAppContainer;Compute;rg-db;sqlvm01/protectedItems/"
		"SQLDataBase;MSSQLSERVER;salesdb,"
		"2,2,2026-10-01T00:00:00Z,Backup,Standard LRS Data Stored,"
		"100,EUR\n"
		"/subscriptions/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/"
		"vaults/vault-prod/backupFabrics/Azure/protectionContainers/"
		"gone/protectedItems/gone,"
		"1,1,2026-10-01T00:00:00Z,Backup,Standard LRS Data Stored,"
		"50,EUR\n");
	long prod = vault_named("vault-prod"), vm = item_named("vm-app01");
	long db = item_named("salesdb");
	(void)state;

	read_ok(&b, path);
	assert_non_null(b.item);
	assert_int_equal(b.item_rows, 3);
	assert_float_equal(b.item[vm][BM_STANDARD].cost, 3, 1e-9);
	assert_float_equal(b.item[vm][BM_PI_VM].qty, 1, 1e-9);
	assert_float_equal(b.item[db][BM_STANDARD].qty, 100, 1e-9);
	/* the vault has every charge, also the unknown item's */
	assert_float_equal(b.cell[prod][BM_STANDARD].cost, 6, 1e-9);
	assert_float_equal(b.cell[prod][BM_STANDARD].qty, 300, 1e-9);
	bill_release(&b);
	free(path);
}

/* A vault-level bill names no item. */
static void test_bill__vault_level_has_no_items(void **state)
{
	struct bill b;
	(void)state;

	read_ok(&b, COSTS("backup-focus.csv"));
	assert_null(b.item);
	assert_int_equal(b.item_rows, 0);
	bill_release(&b);
}

#define BV_PROD                                                         \
	"/subscriptions/6af463bb-47d4-49c7-bcae-4199142ccb98/resourceGroups/" \
	"rg-backup-prod-weu/providers/Microsoft.DataProtection/"              \
	"backupVaults/bv-prod-weu-01"

/* Backup vaults (Microsoft.DataProtection) are billed under their own
 * ResourceId, at the vault or per backup instance: each charge goes to
 * its Backup vault, none to a Recovery Services vault. */
static void test_bill__backup_vaults(void **state)
{
	struct snapshot s;
	struct bill b;
	struct err e = ERR_INIT;
	char *path = test_write(
		"bv.csv",
		"ResourceId,EffectiveCost,BilledCost,ChargePeriodStart,"
		"x_SkuMeterCategory,x_SkuMeterName,ConsumedQuantity,"
		"BillingCurrency\n" BV_PROD ",40,40,2026-10-01T00:00:00Z,"
		"Backup,Standard RA-GRS Data Stored,800,EUR\n"
		/* per instance, in another case */
		"/SUBSCRIPTIONS/6af463bb-47d4-49c7-bcae-4199142ccb98/"
		"resourceGroups/RG-BACKUP-PROD-WEU/providers/"
		"Microsoft.DataProtection/backupVaults/bv-prod-weu-01/"
		"backupInstances/rg-erp-prod-pg-erp-orders,6,6,"
		"2026-10-01T00:00:00Z,Backup,PostgreSQL Protected Instance,"
		"1,EUR\n" BV_PROD ",10,10,2026-10-01T00:00:00Z,Backup,"
		"Azure Blob Protected Instance,1,EUR\n"
		/* a Backup vault the snapshot does not have */
		"/subscriptions/6af463bb-47d4-49c7-bcae-4199142ccb98/"
		"resourceGroups/rg-x/providers/Microsoft.DataProtection/"
		"backupVaults/bv-other,99,99,2026-10-01T00:00:00Z,Backup,"
		"Standard LRS Data Stored,9,EUR\n");
	long v;
	(void)state;

	if (snapshot_open(&s, VW_DATADIR "/sample", &e))
		fail_msg("%s", e.msg);
	v = snapshot_find_bvault(&s, "v-4c0c9fcf8262");
	assert_true(v >= 0);
	if (bill_read(&b, path, &s, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(b.nbvaults, s.bv.nvaults);
	assert_int_equal(b.kept, 3);
	assert_float_equal(b.bvcell[v][BM_STANDARD].qty, 800, 1e-9);
	assert_float_equal(b.bvcell[v][BM_STANDARD].cost, 40, 1e-9);
	assert_float_equal(b.bvcell[v][BM_PI_PGSQL].cost, 6, 1e-9);
	assert_float_equal(b.bvcell[v][BM_PI_BLOB].qty, 1, 1e-9);
	for (size_t k = 0; k < b.nvaults; k++)
		for (int m = 0; m < BM_COUNT; m++)
			assert_int_equal(b.cell[k][m].rows, 0);
	bill_release(&b);
	snapshot_release(&s);
	free(path);
}

static void test_bill__errors_name_file_line_column(void **state)
{
	struct bill b;
	struct err e = ERR_INIT;
	char *path = test_write(
		"bad.csv",
		"ResourceId,EffectiveCost,BilledCost,ChargePeriodStart,"
		"x_SkuMeterCategory,x_SkuMeterName,ConsumedQuantity\n"
		"/subscriptions/00000000-0000-4000-8000-000000000001/"
		"resourceGroups/rg-dev/providers/Microsoft.RecoveryServices/"
		"vaults/vault-dev,abc,1,2026-10-01T00:00:00Z,Backup,"
		"LRS Data Stored,1\n");
	(void)state;

	assert_int_equal(bill_read(&b, path, &snap, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "bad.csv:2: column 'EffectiveCost'"));
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bill__focus_export),
		cmocka_unit_test(test_bill__usage_details_gzip),
		cmocka_unit_test(test_bill__public_samples_have_no_backup),
		cmocka_unit_test(test_bill__meter_classes),
		cmocka_unit_test(test_bill__focus_skumeter),
		cmocka_unit_test(test_bill__protected_item_level),
		cmocka_unit_test(test_bill__vault_level_has_no_items),
		cmocka_unit_test(test_bill__backup_vaults),
		cmocka_unit_test(test_bill__errors_name_file_line_column),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
