/* SPDX-License-Identifier: MIT
 * test_levers.c: each lever's saving on the bill (models/cost/levers.h)
 * recomputed by hand: a stopped item's fee and storage, the daily points a
 * shorter retention deletes, GRS against LRS, a VM just over a
 * protected-instance band edge, daily SQL fulls against a weekly full
 * with six differentials, instant-restore snapshots kept past the
 * default, reserved capacity, soft-deleted data's billed days, and the
 * log points a shorter log retention deletes. */
#include "testutil.h"

#include <math.h>

#include "models/cost/levers.h"
#include "optimizer/base/timeutil.h"

static const int64_t NOW = 1798761600; /* 2027-01-01T00:00:00Z */

/* 10 EUR a protected-instance unit, 0.04 GRS, 0.02 LRS, 0.002 Archive. */
static struct price_row pi_vm = { .price = 10 };
static struct price_row pi_sql = { .price = 30 };
static struct price_row lrs = { .price = 0.02 };

static struct rate_card grs_card(void)
{
	struct rate_card rc = { 0 };
	rc.currency = "EUR";
	rc.row[M_PI_VM] = &pi_vm;
	rc.row[M_PI_SQL] = &pi_sql;
	rc.row[M_STD_LRS] = &lrs;
	rc.standard_meter = M_STD_GRS;
	rc.std_gb_month = 0.04;
	rc.arc_gb_month = 0.002;
	return rc;
}

static struct rp point(int kind, int64_t t, double unique_gb)
{
	struct rp rp = { 0 };
	rp.rp_id = "1";
	rp.rp_time = t;
	rp.kind = kind;
	rp.tier = TIER_STANDARD;
	rp.move_info = "";
	rp.unique_gb = unique_gb;
	rp.full_gb = unique_gb;
	return rp;
}

static void test_levers__stopped_item_pays_fee_and_storage(void **state)
{
	struct rate_card rc = grs_card();
	struct item it = { 0 };
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 600;     /* two units: 20 EUR */
	it.standard_gb = 1000;  /* 40 EUR */
	it.archive_gb = 500;    /* 1 EUR */
	assert_float_equal(lever_stored_monthly(&rc, &it), 61, 1e-9);
}

static void test_levers__daily_retention_frees_old_dailies(void **state)
{
	struct rp rps[5];
	(void)state;

	rps[0] = point(RK_DAILY, NOW - 40 * DAY_S, 3);   /* older than 30 */
	rps[1] = point(RK_DAILY, NOW - 31 * DAY_S, 2);   /* older than 30 */
	rps[2] = point(RK_DAILY, NOW - 29 * DAY_S, 5);   /* kept */
	rps[3] = point(RK_MONTHLY, NOW - 60 * DAY_S, 7); /* not a daily */
	rps[4] = point(RK_DAILY, NOW - 50 * DAY_S, 11);
	rps[4].tier = TIER_ARCHIVE;                       /* not in Standard */
	assert_float_equal(lever_daily_freed_gb(rps, 5, NOW, 30), 5, 1e-9);
	assert_float_equal(lever_daily_freed_gb(rps, 5, NOW, 45), 0, 1e-9);
	/* log points: only they count for the log retention */
	rps[0].kind = RK_LOG;
	rps[2].kind = RK_LOG;
	assert_float_equal(lever_log_freed_gb(rps, 5, NOW, 7), 8, 1e-9);
	assert_float_equal(lever_log_freed_gb(rps, 5, NOW, 35), 3, 1e-9);
}

static void test_levers__lrs_against_the_vaults_redundancy(void **state)
{
	struct rate_card rc = grs_card();
	(void)state;

	/* 1,000 GiB at 0.04 instead of 0.02 */
	assert_float_equal(lever_lrs_saving(&rc, 1000), 20, 1e-9);
	rc.standard_meter = M_STD_LRS;
	rc.std_gb_month = 0.02;
	assert_float_equal(lever_lrs_saving(&rc, 1000), 0, 1e-9);
}

/* Vaulted Azure Files has its own LRS and GRS meters (domain-audit P7):
 * a GRS vault's shares would cost the Files Vaulted LRS rate, not the
 * Standard one (westeurope: 0.09355 GRS, an estimate, against 0.046775). */
static void test_levers__files_lrs_on_their_own_meter(void **state)
{
	struct price_row files_lrs = { .price = 0.046775 };
	struct rate_card rc = grs_card();
	(void)state;

	rc.row[M_FILES_VAULTED_LRS] = &files_lrs;
	rc.files_meter = M_FILES_VAULTED_GRS;
	rc.files_gb_month = 0.09355;
	assert_float_equal(lever_files_lrs_saving(&rc, 1000), 46.775, 1e-9);
	rc.files_meter = M_FILES_VAULTED_LRS;
	rc.files_gb_month = 0.046775;
	assert_float_equal(lever_files_lrs_saving(&rc, 1000), 0, 1e-12);
}

static void test_levers__band_edge(void **state)
{
	double below;
	(void)state;

	/* 510 GB pays two units; under 500 it would pay one */
	assert_float_equal(lever_band_excess_units(510, &below), 1, 1e-9);
	assert_float_equal(below, 500, 1e-9);
	assert_float_equal(lever_band_excess_units(1040, &below), 1, 1e-9);
	assert_float_equal(below, 1000, 1e-9);
	/* far from the edge, exactly on it, or in the first band: nothing */
	assert_float_equal(lever_band_excess_units(800, &below), 0, 1e-9);
	assert_float_equal(lever_band_excess_units(500, &below), 0, 1e-9);
	assert_float_equal(lever_band_excess_units(40, &below), 0, 1e-9);
}

static void test_levers__sql_fulls_become_differentials(void **state)
{
	struct item it = { 0 };
	struct rp rps[8];
	double diff = 0;
	(void)state;

	it.workload = WL_SQL;
	it.source_gb = 100;
	it.daily_churn = 0.01;
	/* seven daily fulls of 100 GiB in the last week, one 40 days old */
	for (int i = 0; i < 7; i++)
		rps[i] = point(RK_FULL, NOW - (i + 1) * DAY_S, 100);
	rps[7] = point(RK_FULL, NOW - 40 * DAY_S, 100);
	for (int d = 1; d <= 6; d++)
		diff += 100 * (1 - pow(0.99, d));
	/* of 700 GiB, a weekly full keeps 100 and six differentials keep
	 * diff (20.65 GiB): 6/7 of (700 - 7 x the mean differential), 579.35 */
	assert_float_equal(lever_sql_schedule_gb(&it, rps, 8, NOW, 30),
			   (700 - 7 * diff / 6) * 6 / 7, 1e-9);
	assert_float_equal(lever_sql_schedule_gb(&it, rps, 8, NOW, 30),
			   579.35, 0.01);
}

static void test_levers__instant_restore_snapshots(void **state)
{
	struct item it = { 0 };
	(void)state;

	/* a day's incremental snapshot holds 200 GB x 3% = 6 GB; 10 days
	 * kept instead of 2 keep 8 of them: 48 GB */
	it.source_gb = 200;
	it.daily_churn = 0.03;
	it.last_backup_time = NOW - DAY_S;
	assert_float_equal(lever_snapshot_gb(&it, false, 10, 2), 48, 1e-9);
	assert_float_equal(lever_snapshot_gb(&it, false, 2, 2), 0, 1e-9);
	assert_float_equal(lever_snapshot_gb(&it, false, 1, 2), 0, 1e-9);
	/* weekly: the one snapshot, the whole 200 GB disk, kept 5 days of
	 * every 7 instead of 2: 200 x 3 / 7 on average */
	assert_float_equal(lever_snapshot_gb(&it, true, 5, 2), 200.0 * 3 / 7,
			   1e-9);
	/* never backed up: no snapshot yet */
	it.last_backup_time = TIME_NONE;
	assert_float_equal(lever_snapshot_gb(&it, false, 10, 2), 0, 1e-9);
}

static void test_levers__reserved_capacity(void **state)
{
	const double tib100 = LEVER_RESERVED_GB;
	int units;
	(void)state;

	/* 250 TiB at 0.02 and 80% of it reserved: two blocks cover 200 TiB
	 * and cost 160, saving 40 TiB x 0.02; a third block would cover 50
	 * TiB for 80: worse */
	assert_float_equal(lever_reserved_saving(250 * 1024, 0.02, 0.8,
						 tib100, &units),
			   0.02 * 40 * 1024, 1e-6);
	assert_int_equal(units, 2);
	/* 95 TiB: one block covers 95 for the price of 80 */
	assert_float_equal(lever_reserved_saving(95 * 1024, 0.02, 0.8,
						 tib100, &units),
			   0.02 * 15 * 1024, 1e-6);
	assert_int_equal(units, 1);
	/* 50 TiB: a block would cost 80 for 50 of use: no saving */
	assert_float_equal(lever_reserved_saving(50 * 1024, 0.02, 0.8,
						 tib100, &units), 0, 1e-9);
	assert_int_equal(units, 0);
}

static void test_levers__soft_deleted_billed_until(void **state)
{
	struct item it = { 0 };
	(void)state;

	/* purged on day 60: billed until day 46, the last 14 free */
	it.soft_deleted = true;
	it.deferred_delete_time = NOW + 60 * DAY_S;
	assert_true(lever_soft_deleted_billed_until(&it) ==
		    NOW + 46 * DAY_S);
	it.deferred_delete_time = TIME_NONE;
	assert_true(lever_soft_deleted_billed_until(&it) == TIME_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levers__stopped_item_pays_fee_and_storage),
		cmocka_unit_test(test_levers__daily_retention_frees_old_dailies),
		cmocka_unit_test(test_levers__lrs_against_the_vaults_redundancy),
		cmocka_unit_test(test_levers__files_lrs_on_their_own_meter),
		cmocka_unit_test(test_levers__band_edge),
		cmocka_unit_test(test_levers__sql_fulls_become_differentials),
		cmocka_unit_test(test_levers__instant_restore_snapshots),
		cmocka_unit_test(test_levers__reserved_capacity),
		cmocka_unit_test(test_levers__soft_deleted_billed_until),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
