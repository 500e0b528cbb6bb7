/* SPDX-License-Identifier: MIT
 * prices.h: the price sheet (data/prices/prices.csv, or `prices fetch`
 * output) and the rate card that applies to one vault. Every row carries
 * its source, date and quality (published, third-party, estimate,
 * placeholder) so that what the tool prints can say how sure a figure is.
 * Pure data: reads one CSV, never touches the network. */
#ifndef VW_PRICES_H
#define VW_PRICES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "snapshot.h"

enum meter {
	M_STD_LRS, M_STD_ZRS, M_STD_GRS, M_STD_RAGRS,
	M_ARC_LRS, M_ARC_GRS,
	M_PI_VM, M_PI_SQL, M_PI_HANA, M_PI_FILES,
	M_REHYDRATE_STANDARD, M_REHYDRATE_HIGH,
	M_COUNT
};
enum price_quality { PQ_PUBLISHED, PQ_THIRD_PARTY, PQ_ESTIMATE,
		     PQ_PLACEHOLDER, PQ_COUNT };

extern const char *const meter_names[M_COUNT];
extern const char *const price_quality_names[PQ_COUNT];

struct price_row {
	char *region, *currency, *unit, *source, *source_date, *note;
	int meter;    /* enum meter */
	int quality;  /* enum price_quality */
	double price;
	size_t line;
};

struct price_sheet {
	char *path;
	struct price_row *rows;
	size_t n;
};

int prices_load(struct price_sheet *ps, const char *path, struct err *e);
void prices_release(struct price_sheet *ps);

/* The row for region and currency, else the first row of the sheet with
 * that meter and currency (another region); NULL if the currency has none. */
const struct price_row *prices_find(const struct price_sheet *ps,
				    const char *region, const char *currency,
				    int meter);

/* The sheet's own spelling of currency (matched ignoring case), or NULL
 * when no row is in it. */
const char *prices_currency(const struct price_sheet *ps,
			    const char *currency);
/* The sheet's currencies, "EUR, USD", in the order met; caller frees. */
char *prices_currency_list(const struct price_sheet *ps);

/* The currency that prices the most of the given vaults' regions directly
 * (ties: the one met first in the sheet). */
const char *prices_default_currency(const struct price_sheet *ps,
				    const struct vault *vaults, size_t n);

/* What one vault pays, in one currency. */
struct rate_card {
	const char *currency;
	const struct price_row *row[M_COUNT]; /* NULL when not priced */
	int standard_meter, archive_meter;    /* which rows apply */
	double std_gb_month;   /* Standard, by redundancy (RA-GRS with CRR) */
	double arc_gb_month;   /* Archive (LRS, or GRS for GRS vaults) */
	double rehydrate_gb[2];/* 0 Standard priority, 1 High */
	bool fallback_region;  /* some meter was priced from another region */
	int worst_quality;     /* of the storage meters used */
};

int rate_card_for(struct rate_card *out, const struct price_sheet *ps,
		  const struct vault *v, const char *currency, struct err *e);

/* What a user should know about the prices rc gives a vault in location,
 * one sentence per call of fn: a meter missing (taken as 0), another
 * region's prices used, an estimate or a placeholder. The storage meters,
 * and the Standard-priority rehydration when with_rehydration. */
typedef void (*price_caveat_fn)(void *ctx, const char *text);
void rate_card_caveats(const struct rate_card *rc, const char *location,
		       bool with_rehydration, price_caveat_fn fn, void *ctx);

/* Protected-instance fee per month: <= 50 GB half a unit, then one unit
 * per 500 GB started (docs/azure-backup.md §4.1). */
double pi_monthly_fee(const struct rate_card *rc, int workload,
		      double source_gb);

#endif
