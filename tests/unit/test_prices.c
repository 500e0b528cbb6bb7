/* SPDX-License-Identifier: MIT
 * test_prices.c: the bundled price sheet, region fallback, currency
 * choice, rate cards by redundancy, protected-instance fee bands, and
 * errors in a sheet naming file, line and column. */
#include "testutil.h"

#include "prices.h"

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
	/* Placeholders say so in their note. */
	r = prices_find(&ps, "westeurope", "EUR", M_REHYDRATE_STANDARD);
	assert_int_equal(r->quality, PQ_PLACEHOLDER);
	assert_non_null(strstr(r->note, "no authoritative figure"));
	prices_release(&ps);
}

static void test_prices__fallback_region_and_currency(void **state)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;
	struct vault vaults[3];
	struct rate_card rc;
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	/* eastus has no ZRS row: the first USD region with one (uksouth). */
	assert_string_equal(
		prices_find(&ps, "eastus", "USD", M_STD_ZRS)->region,
		"uksouth");
	assert_null(prices_find(&ps, "eastus", "JPY", M_STD_ZRS));
	vaults[0] = vault_in("eastus", RED_LRS, OFF);
	vaults[1] = vault_in("uksouth", RED_LRS, OFF);
	vaults[2] = vault_in("westeurope", RED_LRS, OFF);
	assert_string_equal(prices_default_currency(&ps, vaults, 3), "USD");
	assert_string_equal(prices_default_currency(&ps, vaults + 2, 1),
			    "EUR");
	assert_int_equal(rate_card_for(&rc, &ps, &vaults[0], "USD", &e), 0);
	assert_float_equal(rc.std_gb_month, 0.0224, 1e-12);
	assert_float_equal(rc.arc_gb_month, 0.0013, 1e-12);
	assert_true(rc.fallback_region); /* PI and rehydration from uksouth */
	prices_release(&ps);
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
	struct vault v = vault_in("uksouth", RED_LRS, OFF);
	(void)state;

	assert_int_equal(prices_load(&ps, TEST_DATA("prices/prices.csv"), &e),
			 0);
	rate_card_for(&rc, &ps, &v, "USD", &e);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 50), 5, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 50.5), 10, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 500), 10, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 501), 20, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_VM, 2000), 40, 1e-12);
	assert_float_equal(pi_monthly_fee(&rc, WL_SQL, 200), 31.25, 1e-12);
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
		cmocka_unit_test(test_prices__fallback_region_and_currency),
		cmocka_unit_test(test_prices__currency_spelling_and_list),
		cmocka_unit_test(test_prices__redundancy_picks_the_meter),
		cmocka_unit_test(test_prices__protected_instance_bands),
		cmocka_unit_test(test_prices__sheet_errors),
	};
	return cmocka_run_group_tests(tests, NULL, cleanup);
}
