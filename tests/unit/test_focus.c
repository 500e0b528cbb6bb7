/* SPDX-License-Identifier: MIT
 * test_focus.c: focus.csv's header as FOCUS 1.2 wants it: the 21
 * mandatory columns first, then the conditional ones, then only x_
 * columns; no name twice. forecast.csv has no FOCUS cost column, so no
 * tool summing EffectiveCost counts a projection. (tests/e2e/report.sh
 * checks the values.) */
#include "testutil.h"

#include "reports/focus.h"

static const char *const mandatory[FOCUS_MANDATORY_COLUMNS] = {
	"BilledCost", "BillingAccountId", "BillingAccountName",
	"BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd",
	"ChargeCategory", "ChargeClass", "ChargeDescription",
	"ChargePeriodStart", "ChargePeriodEnd", "ContractedCost",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity",
	"PricingUnit", "ProviderName", "PublisherName", "ServiceCategory",
	"ServiceName",
};

static void test_focus__mandatory_columns_first_in_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < FOCUS_MANDATORY_COLUMNS; i++) {
		assert_non_null(focus_columns[i]);
		assert_string_equal(focus_columns[i], mandatory[i]);
	}
}

static void test_focus__custom_columns_last_and_names_unique(void **state)
{
	size_t n = 0, first_x = 0;

	(void)state;
	while (focus_columns[n])
		n++;
	for (size_t i = 0; i < n; i++) {
		bool custom = str_starts_with(focus_columns[i], "x_");
		if (custom && !first_x)
			first_x = i;
		if (first_x && !custom)
			fail_msg("'%s' after the x_ columns", focus_columns[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(focus_columns[i], focus_columns[j]) == 0)
				fail_msg("'%s' twice", focus_columns[i]);
	}
	assert_true(first_x > FOCUS_MANDATORY_COLUMNS);
	/* FOCUS column names are PascalCase */
	for (size_t i = FOCUS_MANDATORY_COLUMNS; i < first_x; i++)
		assert_true(focus_columns[i][0] >= 'A' &&
			    focus_columns[i][0] <= 'Z');
}

/* Issue 13 item 6: projected amounts only in x_ columns of forecast.csv;
 * every other column as focus.csv's. */
static void test_focus__forecast_has_no_cost_column(void **state)
{
	static const char *const costs[] = { "BilledCost", "ContractedCost",
					     "EffectiveCost", "ListCost" };
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; focus_columns[i]; i++) {
		bool cost = false;

		assert_non_null(forecast_columns[i]);
		for (size_t k = 0; k < ARRAY_SIZE(costs); k++)
			cost |= strcmp(focus_columns[i], costs[k]) == 0;
		snprintf(want, sizeof(want), "%s%s", cost ? "x_Projected" : "",
			 focus_columns[i]);
		assert_string_equal(forecast_columns[i], want);
	}
	assert_null(forecast_columns[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_focus__mandatory_columns_first_in_order),
		cmocka_unit_test(
			test_focus__custom_columns_last_and_names_unique),
		cmocka_unit_test(test_focus__forecast_has_no_cost_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
