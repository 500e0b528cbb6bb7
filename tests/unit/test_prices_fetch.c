/* SPDX-License-Identifier: MIT
 * test_prices_fetch.c: Azure Retail Prices API pages -> price sheet: which
 * meter each Backup item is, Reservation rows dropped, the base tier of the
 * latest price kept, other regions ignored, paging links, the query URL
 * (region and currency checked), and the sheet as models/cost/prices.c reads
 * it back. */
#include "testutil.h"

#include <cjson/cJSON.h>

#include "models/cost/prices.h"
#include "optimizer/prices/prices_fetch.h"

static const char *const page1 =
	"{\"BillingCurrency\":\"EUR\",\"Items\":["
	"{\"currencyCode\":\"EUR\",\"retailPrice\":0.019658,\"unitPrice\":"
	"0.019658,\"armRegionName\":\"westeurope\",\"meterName\":\"Standard "
	"LRS Data Stored\",\"productName\":\"Backup\",\"serviceName\":"
	"\"Backup\",\"unitOfMeasure\":\"1 GB/Month\",\"type\":\"Consumption\","
	"\"tierMinimumUnits\":0,\"effectiveStartDate\":"
	"\"2024-01-01T00:00:00Z\","
	"\"isPrimaryMeterRegion\":true},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":0.018,\"armRegionName\":"
	"\"westeurope\",\"meterName\":\"Standard LRS Data Stored\","
	"\"productName\":\"Backup\",\"type\":\"Consumption\","
	"\"tierMinimumUnits\":0,\"effectiveStartDate\":"
	"\"2022-01-01T00:00:00Z\","
	"\"isPrimaryMeterRegion\":true},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":0.01,\"armRegionName\":"
	"\"westeurope\",\"meterName\":\"Standard LRS Data Stored\","
	"\"productName\":\"Backup\",\"type\":\"Consumption\","
	"\"tierMinimumUnits\":102400,\"effectiveStartDate\":"
	"\"2025-01-01T00:00:00Z\"},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":1500,\"armRegionName\":"
	"\"westeurope\",\"meterName\":\"Standard LRS Data Stored\","
	"\"productName\":\"Backup\",\"type\":\"Reservation\","
	"\"reservationTerm\":\"1 Year\"},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":8.776,\"armRegionName\":"
	"\"westeurope\",\"meterName\":\"Azure VM Protected Instance\","
	"\"productName\":\"Backup\",\"unitOfMeasure\":\"1/Month\","
	"\"type\":\"Consumption\"},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":9.9,\"armRegionName\":"
	"\"eastus\",\"meterName\":\"Azure Files Protected Instance\","
	"\"productName\":\"Backup\",\"type\":\"Consumption\"}],"
	"\"NextPageLink\":\"https://prices.azure.com/api/retail/prices?"
	"$skip=100\",\"Count\":6}";

static const char *const page2 =
	"{\"Items\":[{\"currencyCode\":\"EUR\",\"retailPrice\":0.002106,"
	"\"armRegionName\":\"westeurope\",\"meterName\":\"Archive LRS Data "
	"Stored\",\"productName\":\"Backup\",\"type\":\"Consumption\"},"
	"{\"currencyCode\":\"EUR\",\"retailPrice\":3,\"armRegionName\":"
	"\"westeurope\",\"meterName\":\"Azure Files Vaulted LRS Data Stored\","
	"\"productName\":\"Backup\",\"type\":\"Consumption\"}],"
	"\"NextPageLink\":null}";

static void test_prices_fetch__meters(void **state)
{
	(void)state;
	assert_int_equal(
	    prices_fetch_meter_of("Standard RA-GRS Data Stored", ""),
	    M_STD_RAGRS);
	assert_int_equal(prices_fetch_meter_of("standard zrs data stored", ""),
			 M_STD_ZRS);
	assert_int_equal(prices_fetch_meter_of("Archive GRS Data Stored", ""),
			 M_ARC_GRS);
	assert_int_equal(
	    prices_fetch_meter_of("SQL Server in Azure VM Protected "
				  "Instance",
				  ""),
	    M_PI_SQL);
	assert_int_equal(prices_fetch_meter_of("SAP HANA on Azure VM Protected "
					       "Instance",
					       ""),
			 M_PI_HANA);
	assert_int_equal(
	    prices_fetch_meter_of("Azure Files Protected Instance", ""),
	    M_PI_FILES);
	assert_int_equal(prices_fetch_meter_of("High Priority Rehydration", ""),
			 M_REHYDRATE_HIGH);
	assert_int_equal(prices_fetch_meter_of("Azure Files Vaulted LRS Data "
					       "Stored",
					       ""),
			 -1);
	assert_int_equal(
	    prices_fetch_meter_of("SQL Server in Azure VM Snapshot "
				  "Instance",
				  ""),
	    -1);
	assert_int_equal(prices_fetch_meter_of(NULL, ""), -1);
}

static void test_prices_fetch__pages(void **state)
{
	struct prices_fetch_sheet s = { 0 };
	const char *next;
	cJSON *p1 = cJSON_Parse(page1), *p2 = cJSON_Parse(page2);

	(void)state;
	strlcpy_vw(s.region, "westeurope", sizeof(s.region));
	strlcpy_vw(s.currency, "EUR", sizeof(s.currency));
	assert_int_equal(prices_fetch_add_page(&s, p1, &next), 0);
	assert_string_equal(next, "https://prices.azure.com/api/retail/prices?"
				  "$skip=100");
	assert_int_equal(prices_fetch_add_page(&s, p2, &next), 0);
	assert_null(next);
	assert_int_equal(s.items_seen, 8);
	assert_int_equal(s.reservations_dropped, 1);
	/* the base tier of the latest price */
	assert_true(s.rows[M_STD_LRS].found);
	assert_true(s.rows[M_STD_LRS].price == 0.019658);
	assert_string_equal(s.rows[M_STD_LRS].unit, "1 GB/Month");
	assert_string_equal(s.rows[M_STD_LRS].note,
			    "Standard LRS Data Stored / Backup");
	assert_true(s.rows[M_PI_VM].found);
	assert_string_equal(s.rows[M_PI_VM].unit, "1/Month per 500 GB");
	assert_true(s.rows[M_ARC_LRS].price == 0.002106);
	/* another region's price is not this region's */
	assert_false(s.rows[M_PI_FILES].found);
	assert_false(s.rows[M_ARC_GRS].found);
	cJSON_Delete(p1);
	p1 = cJSON_Parse("{\"value\":[]}");
	assert_int_equal(prices_fetch_add_page(&s, p1, &next), -1);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
}

static void test_prices_fetch__url(void **state)
{
	struct err e = ERR_INIT;
	char *url =
	    prices_fetch_url("https://prices.azure.com/api/retail/prices",
			     "westeurope", "EUR", &e);

	(void)state;
	assert_non_null(url);
	assert_string_equal(url,
			    "https://prices.azure.com/api/retail/prices?"
			    "currencyCode=%27EUR%27&$filter=serviceName%20eq%20"
			    "%27Backup%27%20and%20armRegionName%20eq%20"
			    "%27westeurope%27%20and%20priceType%20eq%20"
			    "%27Consumption%27");
	free(url);
	assert_null(
	    prices_fetch_url("https://p", "west europe' or 1 eq 1", "EUR", &e));
	assert_int_equal(e.code, EXIT_USAGE);
	err_clear(&e);
	assert_null(prices_fetch_url("https://p", "westeurope", "EURO", &e));
	assert_int_equal(e.code, EXIT_USAGE);
}

static void test_prices_fetch__sheet_reads_back(void **state)
{
	struct prices_fetch_sheet s = { 0 };
	struct price_sheet ps;
	const struct price_row *r;
	const char *next;
	cJSON *p1 = cJSON_Parse(page1), *p2 = cJSON_Parse(page2);
	char *path = test_path("prices.csv");
	struct err e = ERR_INIT;

	(void)state;
	strlcpy_vw(s.region, "westeurope", sizeof(s.region));
	strlcpy_vw(s.currency, "EUR", sizeof(s.currency));
	prices_fetch_add_page(&s, p1, &next);
	prices_fetch_add_page(&s, p2, &next);
	assert_int_equal(prices_fetch_write(&s, "https://prices.example/api",
				      "2026-11-29", path, &e),
			 3);
	if (prices_load(&ps, path, &e))
		fail_msg("%s", e.msg);
	r = prices_find(&ps, "westeurope", "EUR", M_STD_LRS);
	assert_non_null(r);
	assert_true(r->price == 0.019658);
	assert_int_equal(r->quality, PQ_PUBLISHED);
	assert_string_equal(r->source_date, "2026-11-29");
	assert_non_null(prices_find(&ps, "westeurope", "EUR", M_PI_VM));
	assert_null(prices_find(&ps, "westeurope", "EUR", M_PI_FILES));
	prices_release(&ps);
	free(path);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	test_scratch_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prices_fetch__meters),
		cmocka_unit_test(test_prices_fetch__pages),
		cmocka_unit_test(test_prices_fetch__url),
		cmocka_unit_test(test_prices_fetch__sheet_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
