/* SPDX-License-Identifier: MIT
 * test_cost_bv.c: what Backup-vault instances cost a month from the
 * bundled price sheet: vaulted PostgreSQL and blobs pay their
 * protected-instance fee and the vault's storage by redundancy; disk
 * snapshots and operational blob backup cost Backup nothing and say who
 * bills them; a missing price, an unknown size or an unpriced datasource
 * is left out and said, never taken as 0 silently. A disk's snapshots
 * are priced apart, at the Managed Disks snapshot meter. */
#include "testutil.h"

#include <math.h>

#include "models/cost/cost_bv.h"

#define DS_PG "Microsoft.DBforPostgreSQL/flexibleServers"
#define DS_BLOB "Microsoft.Storage/storageAccounts/blobServices"

static struct price_sheet sheet;

static int load_sheet(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	return prices_load(&sheet, TEST_DATA("prices/prices.csv"), &e);
}

static int release_sheet(void **state)
{
	(void)state;
	prices_release(&sheet);
	return 0;
}

static struct bvault bv_in(const char *location, int redundancy, int crr)
{
	struct bvault v = { 0 };

	v.vault_name = "bv";
	v.location = location;
	v.redundancy = redundancy;
	v.cross_region_restore = crr;
	return v;
}

static struct binstance inst(const char *ds, double vault_gb,
			     double archive_gb)
{
	struct binstance bi = { 0 };

	bi.datasource_type = ds;
	bi.vault_gb = vault_gb;
	bi.archive_gb = archive_gb;
	return bi;
}

static struct bpolicy pol(const char *stores)
{
	struct bpolicy p = { 0 };

	p.data_stores = stores;
	return p;
}

static void test_cost_bv__vaulted_postgresql(void **state)
{
	struct bvault v = bv_in("westeurope", RED_GRS, OFF);
	struct binstance bi = inst(DS_PG, 310, 40);
	struct bpolicy p = pol("VaultStore;ArchiveStore");
	struct bv_cost c;

	(void)state;
	bv_instance_cost(&c, &sheet, "EUR", &v, &bi, &p);
	assert_int_equal(c.basis, BVB_VAULTED);
	assert_true(c.complete);
	/* PostgreSQL Protected Instance, one a month, whatever the size */
	assert_float_equal(c.pi_fee, 6.581834, 1e-9);
	/* GRS vault: Standard GRS and Archive GRS */
	assert_float_equal(c.vault_cost, 310 * 0.039315, 1e-9);
	assert_float_equal(c.archive_cost, 40 * 0.004212, 1e-9);
	assert_int_equal(c.std_row->meter, M_STD_GRS);
	assert_int_equal(c.arc_row->meter, M_ARC_GRS);
	assert_float_equal(bv_cost_total(&c),
			   6.581834 + 310 * 0.039315 + 40 * 0.004212, 1e-9);
	/* the Archive GRS row is an estimate, and the note says so */
	assert_non_null(strstr(c.note, "archive_grs price is an estimate"));
}

static void test_cost_bv__vaulted_blobs_by_redundancy(void **state)
{
	struct bvault lrs = bv_in("eastus", RED_LRS, OFF);
	struct bvault crr = bv_in("eastus", RED_GRS, ON);
	struct binstance bi = inst(DS_BLOB, 100, 0);
	struct bpolicy p = pol("OperationalStore;VaultStore");
	struct bv_cost c;

	(void)state;
	bv_instance_cost(&c, &sheet, "USD", &lrs, &bi, &p);
	assert_int_equal(c.basis, BVB_VAULTED);
	assert_float_equal(c.pi_fee, 10, 1e-9);
	assert_float_equal(c.vault_cost, 100 * 0.0224, 1e-9);
	assert_float_equal(c.archive_cost, 0, 0);
	assert_null(c.arc_row);
	assert_string_equal(c.note, "");
	/* cross-region restore reads the secondary: RA-GRS */
	bv_instance_cost(&c, &sheet, "USD", &crr, &bi, &p);
	assert_int_equal(c.std_row->meter, M_STD_RAGRS);
	assert_float_equal(c.vault_cost, 100 * 0.0569, 1e-9);
}

static void test_cost_bv__not_billed_by_backup(void **state)
{
	struct bvault v = bv_in("westeurope", RED_LRS, OFF);
	struct binstance disk = inst("Microsoft.Compute/disks", 0, 0);
	struct binstance blob = inst(DS_BLOB, 0, 0);
	struct bpolicy ops = pol("OperationalStore");
	struct bv_cost c;

	(void)state;
	bv_instance_cost(&c, &sheet, "EUR", &v, &disk, &ops);
	assert_int_equal(c.basis, BVB_SNAPSHOTS);
	assert_true(c.complete);
	assert_float_equal(bv_cost_total(&c), 0, 0);
	assert_non_null(strstr(c.note, "billed by Managed Disks"));
	bv_instance_cost(&c, &sheet, "EUR", &v, &blob, &ops);
	assert_int_equal(c.basis, BVB_OPERATIONAL);
	assert_float_equal(bv_cost_total(&c), 0, 0);
	assert_non_null(strstr(c.note, "billed by Storage"));
	/* no policy left: data still in the vault is vaulted */
	blob.vault_gb = 12;
	bv_instance_cost(&c, &sheet, "EUR", &v, &blob, NULL);
	assert_int_equal(c.basis, BVB_VAULTED);
	assert_float_equal(c.vault_cost, 12 * 0.019658, 1e-9);
}

/* Disk backups are incremental snapshots billed by Managed Disks: priced
 * at the sheet's snapshot_lrs row (Standard HDD, whatever the disk:
 * disk-backup-overview.md), apart from what Backup bills. */
static void test_cost_bv__disk_snapshots_apart(void **state)
{
	struct bvault v = bv_in("eastus", RED_LRS, OFF);
	struct binstance disk = inst("Microsoft.Compute/disks", 0, 0);
	struct bpolicy ops = pol("OperationalStore");
	struct bv_cost c;

	(void)state;
	/* 128 GiB used, 2% a day, 7 daily snapshots kept: the oldest full,
	 * six of one day's changes each */
	disk.snapshot_gb = bv_disk_snapshot_gb(128, 0.02, 1, 7);
	assert_float_equal(disk.snapshot_gb, 128 * (1 + 6 * 0.02), 1e-9);
	assert_float_equal(bv_disk_snapshot_gb(128, 0.02, 1, 1), 128, 1e-9);
	bv_instance_cost(&c, &sheet, "USD", &v, &disk, &ops);
	assert_int_equal(c.snap_row->meter, M_SNAPSHOT_LRS);
	/* eastus snapshot_lrs: 0.05 USD per GB-month */
	assert_float_equal(c.snapshot_cost, disk.snapshot_gb * 0.05, 1e-9);
	assert_float_equal(bv_cost_total(&c), 0, 0);
	assert_true(c.complete);
	/* an export gives no snapshot size: left out, and said */
	disk.snapshot_gb = NAN;
	bv_instance_cost(&c, &sheet, "USD", &v, &disk, &ops);
	assert_true(isnan(c.snapshot_cost));
	assert_non_null(strstr(c.note, "snapshot size not known"));
}

static void test_cost_bv__what_cannot_be_priced_says_so(void **state)
{
	struct bvault v = bv_in("westeurope", RED_LRS, OFF);
	struct bvault far = bv_in("northeurope", RED_LRS, OFF);
	struct binstance unknown = inst(DS_PG, NAN, NAN);
	struct binstance aks = inst("Microsoft.ContainerService/"
				    "managedClusters", 5, 0);
	struct bv_cost c;

	(void)state;
	/* sizes unknown (an export): the fee only, and why */
	bv_instance_cost(&c, &sheet, "EUR", &v, &unknown, NULL);
	assert_false(c.complete);
	assert_float_equal(c.pi_fee, 6.581834, 1e-9);
	assert_true(isnan(c.vault_cost) && isnan(c.archive_cost));
	assert_float_equal(bv_cost_total(&c), 6.581834, 1e-9);
	assert_non_null(strstr(c.note, "size not known"));
	/* a datasource the sheet has no meter for */
	bv_instance_cost(&c, &sheet, "EUR", &v, &aks, NULL);
	assert_int_equal(c.basis, BVB_NO_METER);
	assert_false(c.complete);
	assert_true(isnan(c.pi_fee));
	assert_non_null(strstr(c.note, "no price-sheet meter for "
				       "Microsoft.ContainerService"));
	/* a currency the sheet lacks: every part missing, each named */
	unknown.vault_gb = 10;
	unknown.archive_gb = 0;
	bv_instance_cost(&c, &sheet, "JPY", &v, &unknown, NULL);
	assert_false(c.complete);
	assert_true(isnan(c.pi_fee) && isnan(c.vault_cost));
	assert_non_null(strstr(c.note, "no pi_postgresql price in JPY for "
				       "westeurope"));
	assert_non_null(strstr(c.note, "no standard_lrs price in JPY"));
	/* a region the sheet does not price: another's prices, said */
	bv_instance_cost(&c, &sheet, "EUR", &far, &unknown, NULL);
	assert_true(c.complete);
	assert_non_null(strstr(c.note, "pi_postgresql priced with "
				       "westeurope's EUR prices"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_bv__vaulted_postgresql),
		cmocka_unit_test(test_cost_bv__vaulted_blobs_by_redundancy),
		cmocka_unit_test(test_cost_bv__not_billed_by_backup),
		cmocka_unit_test(test_cost_bv__disk_snapshots_apart),
		cmocka_unit_test(test_cost_bv__what_cannot_be_priced_says_so),
	};
	return cmocka_run_group_tests(tests, load_sheet, release_sheet);
}
