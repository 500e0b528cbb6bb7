/* SPDX-License-Identifier: MIT
 * test_prices.c: the bundled price sheet (every region complete), region
 * fallback and refusal, currency choice, rate cards by redundancy,
 * protected-instance fee bands and instances, and errors in a sheet
 * naming file, line and column. */
#include "testutil.h"

#include "models/cost/prices.h"
#include "models/cost/tiercost.h"

static struct vault vault_in(const char *location, int redundancy, int crr)
{
	struct vault v = { 0 };
	v.vault_name = "rsv";
	v.location = location;
	v.redundancy = redundancy;
	v.cross_region_restore = crr;
	return v;
}

static void test_prices__bundled_sheet_loads(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	const struct price_row *r;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	r = prices_find(&ps, "westeurope", "EUR", M_ARC_LRS);
	assert_non_null(r);
	assert_float_equal(r->price, 0.002106, 1e-12);
	assert_int_equal(r->quality, PQ_THIRD_PARTY);
	/* Every row says where it came from. */
	for (size_t i = 0; i < ps.n; i++) {
		assert_true(strlen(ps.rows[i].source) > 10);
		assert_true(strlen(ps.rows[i].source_date) == 10);
	}
	/* Restore from Archive: the rehydrated copy per GB-month, as
	 * TieringCostRehydrationInfo's retailRehydrationCostPerGBPerMonth;
	 * no Blob-style per-GB retrieval placeholder (domain-audit R4). */
	r = prices_find(&ps, "westeurope", "EUR", M_REHYDRATE_STANDARD);
	assert_string_equal(r->unit, "1 GB/Month");
	assert_float_equal(r->price, 0.019658, 1e-12);
	assert_int_equal(r->quality, PQ_ESTIMATE);
	for (size_t i = 0; i < ps.n; i++)
		assert_int_not_equal(ps.rows[i].quality, PQ_PLACEHOLDER);
	/* The levers' meters: managed-disk snapshots per GB-month, and
	 * reserved capacity as the share of pay-as-you-go it costs. */
	r = prices_find(&ps, "eastus", "USD", M_SNAPSHOT_LRS);
	assert_string_equal(r->unit, "1 GB/Month");
	assert_float_equal(r->price, 0.05, 1e-12);
	r = prices_find(&ps, "westeurope", "EUR", M_RESERVED_100T_3Y);
	assert_true(r->price > 0 && r->price < 1);
	prices_release(&ps);
}

/* Every region of the bundled sheet prices every meter itself, so none is
 * ever priced from another region (domain-audit §5.1: eastus lacked ZRS,
 * RA-GRS, Archive GRS, protected-instance and rehydration rows). */
static void test_prices__every_region_is_complete(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	for (size_t i = 0; i < ps.n; i++)
		for (int m = 0; m < M_COUNT; m++) {
			const struct price_row *r = prices_find(
				&ps, ps.rows[i].region, ps.rows[i].currency, m);
			if (!r)
				fail_msg("%s has no %s row", ps.rows[i].region,
					 meter_names[m]);
			assert_string_equal(r->region, ps.rows[i].region);
		}
	prices_release(&ps);
}

static void test_prices__fallback_region_and_currency(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct vault vaults[4];
	struct rate_card rc;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	assert_string_equal(
		prices_find(&ps, "eastus", "USD", M_STD_ZRS)->region, "eastus");
	assert_null(prices_find(&ps, "eastus", "JPY", M_STD_ZRS));
	vaults[0] = vault_in("eastus", RED_GRS, ON);
	vaults[1] = vault_in("uksouth", RED_LRS, OFF);
	vaults[2] = vault_in("westeurope", RED_LRS, OFF);
	vaults[3] = vault_in("centralus", RED_LRS, OFF);
	assert_string_equal(prices_default_currency(&ps, vaults, 3), "USD");
	assert_string_equal(prices_default_currency(&ps, vaults + 2, 1),
			    "EUR");
	/* An eastus GRS vault with CRR: eastus RA-GRS, not uksouth's 0.0711
	 * (domain-audit §5.1). */
	assert_int_equal(rate_card_for(&rc, &ps, &vaults[0], "USD", &e), 0);
	assert_float_equal(rc.std_gb_month, 0.0569, 1e-12);
	assert_float_equal(rc.arc_gb_month, 0.0026, 1e-12);
	assert_float_equal(rc.row[M_PI_VM]->price, 10, 1e-12);
	assert_false(rc.fallback_region);
	/* A region the sheet does not price at all: one other region's whole
	 * set of rows, said so (fallback_region), never a mix. */
	assert_int_equal(rate_card_for(&rc, &ps, &vaults[3], "USD", &e), 0);
	assert_true(rc.fallback_region);
	for (int m = 0; m < M_COUNT; m++)
		assert_string_equal(rc.row[m]->region, "uksouth");
	prices_release(&ps);
}

/* A region the sheet prices but not completely is refused, naming the
 * region and the meter (exit 65), not priced from another region. */
static void test_prices__incomplete_region_is_refused(void **state)
{
	char *path = test_write(
		"partial.csv",
		"region,currency,meter,unit,price,source,source_date,quality\n"
		"uksouth,USD,standard_lrs,GB,0.028,x,2026-01-01,estimate\n"
		"uksouth,USD,standard_grs,GB,0.056,x,2026-01-01,estimate\n"
		"uksouth,USD,standard_ragrs,GB,0.07,x,2026-01-01,estimate\n"
		"uksouth,USD,archive_lrs,GB,0.003,x,2026-01-01,estimate\n"
		"uksouth,USD,archive_grs,GB,0.006,x,2026-01-01,estimate\n"
		"uksouth,USD,pi_vm,I,12.5,x,2026-01-01,estimate\n"
		"uksouth,USD,rehydrate_standard,GB,0.03,x,2026-01-01,estimate\n"
		"uksouth,USD,rehydrate_high,GB,0.03,x,2026-01-01,estimate\n"
		"eastus,USD,standard_lrs,GB,0.0224,x,2026-01-01,estimate\n"
		"eastus,USD,standard_grs,GB,0.0448,x,2026-01-01,estimate\n");
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct rate_card rc;
	struct vault v = vault_in("eastus", RED_GRS, ON);
	(void)state;

	assert_int_equal(prices_load(&ps, path, &e), 0);
	assert_int_equal(rate_card_for(&rc, &ps, &v, "USD", &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "region eastus has no standard_ragrs "
				      "price in USD (vault 'rsv' in eastus"));
	prices_release(&ps);
	free(path);
}

static void test_prices__currency_spelling_and_list(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	char *list;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	assert_string_equal(prices_currency(&ps, "eur"), "EUR");
	assert_null(prices_currency(&ps, "GBP"));
	list = prices_currency_list(&ps);
	assert_string_equal(list, "EUR, USD");
	free(list);
	prices_release(&ps);
}

static void test_prices__redundancy_picks_the_meter(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct rate_card rc;
	struct vault v;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	v = vault_in("westeurope", RED_ZRS, OFF);
	rate_card_for(&rc, &ps, &v, "EUR", &e);
	assert_float_equal(rc.std_gb_month, 0.024572, 1e-12);
	assert_float_equal(rc.arc_gb_month, 0.002106, 1e-12);
	v = vault_in("westeurope", RED_GRS, OFF);
	rate_card_for(&rc, &ps, &v, "EUR", &e);
	assert_float_equal(rc.std_gb_month, 0.039315, 1e-12);
	assert_float_equal(rc.arc_gb_month, 0.004212, 1e-12);
	v = vault_in("westeurope", RED_GRS, ON); /* CRR: RA-GRS */
	rate_card_for(&rc, &ps, &v, "EUR", &e);
	assert_float_equal(rc.std_gb_month, 0.049934, 1e-12);
	assert_int_equal(rc.worst_quality, PQ_ESTIMATE);
	prices_release(&ps);
}

static void test_prices__protected_instance_bands(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct rate_card rc;
	struct vault v = vault_in("eastus", RED_LRS, OFF);
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	/* domain-audit P1: Microsoft via eWeek, 5 USD <= 50 GB, 10 USD per
	 * 500 GB started. */
	rate_card_for(&rc, &ps, &v, "USD", &e);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 50), 5, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 50.5), 10, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 500), 10, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 501), 20, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 2000), 40, 1e-12);
	/* domain-audit §5.1: uksouth VM PI is 1.25 x 10 like its SQL (31.25)
	 * and Files (6.25) rows, not 10. */
	v = vault_in("uksouth", RED_LRS, OFF);
	rate_card_for(&rc, &ps, &v, "USD", &e);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 200), 12.5, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_SQL, 200), 31.25, 1e-12);
	/* domain-audit P3: the SAP HANA meter exists; its row says so and
	 * that the figure is an estimate, not "no meter was found". */
	assert_non_null(strstr(rc.row[M_PI_HANA]->source,
			       "SAP HANA on Azure VM Protected Instance"));
	assert_int_equal(rc.row[M_PI_HANA]->quality, PQ_ESTIMATE);
	assert_null(strstr(rc.row[M_PI_HANA]->source, "no SAP HANA meter"));
	prices_release(&ps);
}

static void add_db(struct snapshot *s, const char *vm, const char *inst,
		   int workload, double gb)
{
	struct item *it = &s->items[s->nitems++];
	char *arm = xasprintf("/subscriptions/s/resourceGroups/rg/providers/"
			      "Microsoft.RecoveryServices/vaults/rsv/"
			      "backupFabrics/Azure/protectionContainers/"
			      "VMAppContainer;Compute;rg;%s/protectedItems/"
			      "%s;%s;db%zu",
			      vm, workload == WL_SQL ? "SQLDataBase"
						     : "SAPHanaDatabase",
			      inst, s->nitems);

	memset(it, 0, sizeof(*it));
	it->item_id = it->item_name = "db";
	it->arm_id = arm;
	it->source_resource_id = "";
	it->workload = workload;
	it->source_gb = gb;
}

/* domain-audit P2: SQL Server and SAP HANA pay one protected instance per
 * server instance (all its databases, banded by their total size), not
 * one per database: a host with 20 databases of 5 GiB is one instance. */
static void test_prices__one_instance_per_sql_server(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct vault v = vault_in("westeurope", RED_LRS, OFF);
	struct item items[26];
	struct snapshot s = { 0 };
	struct rate_card rc;
	double fee[26], host = 0;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	s.vaults = &v;
	s.nvaults = 1;
	s.items = items;
	for (int i = 0; i < 20; i++)
		add_db(&s, "vm-sql-1", "MSSQLSERVER", WL_SQL, 5);
	add_db(&s, "vm-sql-2", "mssqlserver", WL_SQL, 600);
	add_db(&s, "vm-sql-2", "MSSQLSERVER", WL_SQL, 10);
	add_db(&s, "vm-sql-2", "REPORTING", WL_SQL, 10);
	add_db(&s, "vm-hana-1", "H10", WL_HANA, 300);
	add_db(&s, "vm-hana-1", "H10", WL_HANA, 300);
	add_db(&s, "vm-hana-1", "H10", WL_HANA, 20);
	assert_int_equal(rate_cards_for(&rc, &ps, &s, "EUR", &e), 0);
	pi_item_fees(&s, &rc, fee);
	for (int i = 0; i < 20; i++)
		host += fee[i];
	/* 100 GiB in all: one unit of 28.52 EUR, not 20 halves (285.20). */
	assert_float_equal(host, 28.52, 1e-9);
	assert_float_equal(fee[0], 28.52 / 20, 1e-9);
	/* 610 GiB on one instance (names match ignoring case): two units,
	 * shared by size; a second instance on the host pays its own. */
	assert_float_equal(fee[20] + fee[21], 2 * 28.52, 1e-9);
	assert_float_equal(fee[20], 2 * 28.52 * 600 / 610, 1e-9);
	assert_float_equal(fee[22], 28.52 / 2, 1e-9);
	/* HANA: 620 GiB on one SID, two units of its own meter. */
	assert_float_equal(fee[23] + fee[24] + fee[25],
			   2 * rc.row[M_PI_HANA]->price, 1e-9);
	for (size_t i = 0; i < s.nitems; i++)
		free((char *)items[i].arm_id);
	prices_release(&ps);
}

static void add_caveat(void *ctx, const char *text)
{
	struct strbuf *sb = ctx;

	strbuf_addf(sb, "%s\n", text);
}

/* domain-audit P7: vaulted Azure Files has its own storage meter, "Azure
 * Files Vaulted LRS/GRS Data Stored" (westeurope, the Azure Retail Prices
 * API slice of the bundled sheet: 0.046775 EUR/GB-month against 0.019658
 * for Standard LRS), whatever else the vault protects; a snapshot-only
 * Files point is billed by Azure Files with the share ("storage charges
 * ... for snapshots are billed along with Azure Files usage",
 * MicrosoftDocs/azure-docs #51034) and costs the vault nothing. Like
 * rsv-files-weu-01 of the sample: 3 VMs and 10 vaulted shares. */
static void test_prices__azure_files_storage(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct vault v[2] = { vault_in("westeurope", RED_LRS, OFF),
			      vault_in("westeurope", RED_GRS, OFF) };
	struct item items[14] = { 0 };
	struct snapshot s = { 0 };
	struct rate_card rc[2];
	struct rp rp = { 0 };
	struct strbuf sb = STRBUF_INIT;
	double shares = 0, vms = 0;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	s.vaults = v;
	s.nvaults = 2;
	s.items = items;
	s.nitems = 14;
	for (int i = 0; i < 14; i++) {
		items[i].arm_id = items[i].source_resource_id = "";
		items[i].item_id = "item";
		items[i].workload = i < 3 ? WL_VM : WL_FILES;
		items[i].vault_idx = i == 13;
	}
	assert_int_equal(rate_cards_for(rc, &ps, &s, "EUR", &e), 0);
	/* the mixed vault: Standard LRS for VMs, Files Vaulted LRS too */
	assert_int_equal(rc[0].standard_meter, M_STD_LRS);
	assert_int_equal(rc[0].files_meter, M_FILES_VAULTED_LRS);
	assert_true(rc[0].has_files && rc[0].has_other);
	assert_true(rc[1].has_files && !rc[1].has_other);
	rp.tier = TIER_STANDARD;
	rp.unique_gb = rp.full_gb = 100;
	for (int i = 0; i < 13; i++) {
		double c = point_monthly_cost(&rc[0], items[i].workload, &rp);
		if (items[i].workload == WL_FILES)
			shares += c;
		else
			vms += c;
	}
	assert_float_equal(shares, 10 * 100 * 0.046775, 1e-9);
	assert_float_equal(vms, 3 * 100 * 0.019658, 1e-9);
	/* a GRS vault of shares only: the Files Vaulted GRS meter */
	assert_int_equal(rc[1].files_meter, M_FILES_VAULTED_GRS);
	assert_float_equal(std_price_of(&rc[1], WL_FILES),
			   rc[1].row[M_FILES_VAULTED_GRS]->price, 1e-12);
	rp.tier = TIER_SNAPSHOT;
	assert_float_equal(point_monthly_cost(&rc[0], WL_FILES, &rp), 0, 0);
	/* the caveats name the meters used: the shares' (an estimate in
	 * eastus), not the Standard one of a vault of shares alone (ZRS, an
	 * estimate there too) */
	v[0] = vault_in("eastus", RED_ZRS, OFF);
	s.nvaults = 1;
	s.nitems = 1;
	items[0] = items[13];
	items[0].vault_idx = 0;
	assert_int_equal(rate_cards_for(rc, &ps, &s, "USD", &e), 0);
	rate_card_caveats(&rc[0], "eastus", false, add_caveat, &sb);
	assert_non_null(strstr(sb.buf, "files_vaulted_lrs"));
	assert_null(strstr(sb.buf, "standard_zrs"));
	rc[0].has_other = true;
	rate_card_caveats(&rc[0], "eastus", false, add_caveat, &sb);
	assert_non_null(strstr(sb.buf, "standard_zrs"));
	strbuf_release(&sb);
	prices_release(&ps);
}

static void expect_sheet_error(const char *content, const char *message)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	char *path = test_write("prices.csv", content);

	assert_int_equal(prices_load(&ps, path, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	if (!strstr(e.msg, message))
		fail_msg("'%s' not in '%s'", message, e.msg);
	free(path);
}

#define HEADER "region,currency,meter,unit,price,source,source_date,quality\n"

static void test_prices__sheet_errors(void **state)
{
	(void)state;
	expect_sheet_error(HEADER "eu,EUR,standard_lrs,GB,0.02,x,2026-01-01,"
				  "third-party\n"
				  "eu,EUR,standard_lrs,GB,0.03,x,2026-01-01,"
				  "third-party\n",
			   "prices.csv:3: column 'meter': expected one row per "
			   "region, currency and meter");
	expect_sheet_error(HEADER "eu,EUR,standard_lrs,GB,-1,x,2026-01-01,"
				  "published\n",
			   "prices.csv:2: column 'price': expected a decimal");
	expect_sheet_error(HEADER "eu,EUR,standard_lrs,GB,1,x,2026-01-01,"
				  "guess\n",
			   "column 'quality': expected one of published, "
			   "third-party, estimate, placeholder, got 'guess'");
	expect_sheet_error(HEADER "eu,EURO,standard_lrs,GB,1,x,2026-01-01,"
				  "published\n",
			   "column 'currency': expected a three-letter");
	expect_sheet_error(HEADER "eu,EUR,standard_lrs,GB,1,x,yesterday,"
				  "published\n",
			   "column 'source_date': expected a date");
	expect_sheet_error(HEADER "eu,EUR,reserved_100tb_1y,share,1.2,x,"
				  "2026-01-01,estimate\n",
			   "column 'price': expected a share of the "
			   "pay-as-you-go rate");
	expect_sheet_error(HEADER, "no prices in the sheet");
}

static int cleanup(void **state)
{
	(void)state;
	test_scratch_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prices__bundled_sheet_loads),
		cmocka_unit_test(test_prices__every_region_is_complete),
		cmocka_unit_test(test_prices__fallback_region_and_currency),
		cmocka_unit_test(test_prices__incomplete_region_is_refused),
		cmocka_unit_test(test_prices__currency_spelling_and_list),
		cmocka_unit_test(test_prices__redundancy_picks_the_meter),
		cmocka_unit_test(test_prices__protected_instance_bands),
		cmocka_unit_test(test_prices__one_instance_per_sql_server),
		cmocka_unit_test(test_prices__azure_files_storage),
		cmocka_unit_test(test_prices__sheet_errors),
	};
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
