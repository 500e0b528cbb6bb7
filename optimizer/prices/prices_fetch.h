/* SPDX-License-Identifier: MIT
 * prices_fetch.h: the Azure Retail Prices API -> vaultwise's price sheet. Picks
 * the Backup meters the plan prices with out of API pages and writes them
 * in the bundled price-sheet format (data/prices/prices.csv):
 *
 *   region,currency,meter,unit,price,source,source_date,quality,note
 *
 * with the meters of models/cost/prices.h (enum meter), the sheet's units (per
 * GB-month for storage, per 500 GB-month for protected instances, per GB
 * for rehydration), quality "published" and as note the meterName /
 * productName the row came from. Reservation rows are
 * dropped; of several rows for one meter the base tier (tierMinimumUnits
 * 0) of the primary meter region with the latest effectiveStartDate wins.
 * prices_fetch does the paging over HTTP; the rest is pure. Never prints. */
#ifndef VW_RETAIL_H
#define VW_RETAIL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "optimizer/azure/cloud.h"
#include "optimizer/base/err.h"
#include "models/cost/prices.h"

struct prices_fetch_row {
	bool found;
	double price;
	char currency[8];
	char unit[32];
	char note[160];
	char effective[32];
	double tier_min;
	bool primary;
};

struct prices_fetch_sheet {
	char region[64];
	char currency[8];
	struct prices_fetch_row rows[M_COUNT];
	size_t items_seen, reservations_dropped;
};

/* The meter (enum meter) an API item is, or -1. */
int prices_fetch_meter_of(const char *meter_name, const char *product_name);

/* Takes one page ({Items: [...], NextPageLink}); *next points into page
 * (NULL at the end). Returns -1 when the page is not a price page. */
int prices_fetch_add_page(struct prices_fetch_sheet *s, const cJSON *page,
		    const char **next);

/* The query URL for a region and currency (both checked: letters and
 * digits only). Caller frees. */
char *prices_fetch_url(const char *endpoint, const char *region,
		 const char *currency, struct err *e);

/* Reads every page from the endpoint into s. */
int prices_fetch(struct prices_fetch_sheet *s, const struct cloud *cloud,
		 const char *region, const char *currency, struct err *e);

/* Writes the sheet (found meters only) atomically. source_date is
 * "YYYY-MM-DD". Returns the number of rows written, or -1. */
int prices_fetch_write(const struct prices_fetch_sheet *s, const char *endpoint,
		 const char *source_date, const char *path, struct err *e);

#endif
