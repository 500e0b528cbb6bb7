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

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

enum meter {
	M_STD_LRS, M_STD_ZRS, M_STD_GRS, M_STD_RAGRS,
	M_ARC_LRS, M_ARC_GRS,
	M_PI_VM, M_PI_SQL, M_PI_HANA, M_PI_FILES,
	M_REHYDRATE_STANDARD, M_REHYDRATE_HIGH,
	M_FILES_VAULTED_LRS, M_FILES_VAULTED_GRS,
	/* Instant-restore snapshots: incremental managed-disk snapshots,
	 * billed by Compute per GB-month (LRS for Standard policies, ZRS for
	 * Enhanced ones); levers only, never required. */
	M_SNAPSHOT_LRS, M_SNAPSHOT_ZRS,
	/* Backup Storage reserved capacity (vault-standard only): the share
	 * of the pay-as-you-go Standard rate a reservation of 100 TiB or
	 * 1 PiB for 1 or 3 years costs; levers only, never required. */
	M_RESERVED_100T_1Y, M_RESERVED_100T_3Y, M_RESERVED_1P_1Y,
	M_RESERVED_1P_3Y,
	M_PI_BLOB, M_PI_PGSQL,  /* Backup vaults: vaulted blobs, PostgreSQL */
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

/* The row for region and currency. A region the sheet prices in that
 * currency gets its own row or NULL, never another region's; a region it
 * does not price at all gets the first such region's row (the caller
 * says so). NULL if the currency has none. */
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
	/* A rehydrated copy per GB-month (fetchTieringCost's
	 * retailRehydrationCostPerGBPerMonth): 0 Standard priority, 1 High */
	double rehydrate_gb_month[2];
	/* Vaulted Azure Files storage per GB-month, on its own meter
	 * ("Azure Files Vaulted LRS/GRS Data Stored", domain-audit P7):
	 * files_meter by the vault's redundancy; its row is required when
	 * the vault protects file shares (has_files, rate_cards_for). */
	int files_meter;
	double files_gb_month;
	bool has_files;
	bool has_other;        /* protects workloads other than file shares */
	/* Protected-instance unit price per workload once calibrated to a
	 * bill; 0: the sheet's (pi_unit_price) */
	double pi_unit[WL_COUNT];
	/* Protected-instance units per workload once calibrated to a bill:
	 * the billed quantity over the modelled one (bands from estimated
	 * sizes miss); 0: as modelled */
	double pi_units_scale[WL_COUNT];
	bool fallback_region;  /* priced from another region's rows */
	int worst_quality;     /* of the storage meters used */
};

/* The Standard storage meter of a vault of this redundancy: RA-GRS for
 * GRS with cross-region restore (crr ON). */
int standard_meter_of(int redundancy, int crr);

/* What a workload's points cost per GB-month in the vault-standard tier
 * of rc: a file share's on the Files Vaulted meter (files_gb_month), the
 * others' on the vault's Standard meter (std_gb_month). */
double std_price_of(const struct rate_card *rc, int workload);

int rate_card_for(struct rate_card *out, const struct price_sheet *ps,
		  const struct vault *v, const char *currency, struct err *e);

/* What a user should know about the prices rc gives a vault in location,
 * one sentence per call of fn: a meter missing (taken as 0), another
 * region's prices used, an estimate or a placeholder. The storage meters
 * it uses (Archive; Standard unless it protects file shares alone; Files
 * Vaulted when it protects any), and the Standard-priority rehydration
 * when with_rehydration. */
typedef void (*price_caveat_fn)(void *ctx, const char *text);
void rate_card_caveats(const struct rate_card *rc, const char *location,
		       bool with_rehydration, price_caveat_fn fn, void *ctx);

/* The protected-instance meter of a workload, and its unit price in rc
 * (calibrated, else the sheet's row, which must exist). */
int pi_meter(int workload);
double pi_unit_price(const struct rate_card *rc, int workload);

/* Protected-instance fee per month: <= 50 GB half a unit, then one unit
 * per 500 GB started (docs/azure-backup.md §4.1), times the card's
 * calibrated units scale. */
double pi_monthly_fee(const struct rate_card *rc, int workload,
		      double source_gb);

/* The protected-instance fee of each item of s, fee[i] for s->items[i],
 * with cards[v] the rate card of s->vaults[v]. VMs and file shares pay per
 * item; SQL Server and SAP HANA per instance (the server on a VM with all
 * its databases, banded by their total size), shared among its databases
 * in proportion to their size. */
void pi_item_fees(const struct snapshot *s, const struct rate_card *cards,
		  double *fee);

/* The rate cards of every vault of s (cards[v] for s->vaults[v]). Exits
 * 65 naming the region and meter when a region the sheet prices lacks a
 * meter one of its vaults needs: the protected instance of each workload
 * it holds, and vaulted Files storage when it holds file shares. Its file
 * shares' vaulted points are priced on the Files Vaulted meter, its other
 * workloads' on the Standard meter, whether or not the vault mixes them
 * (snapshot-only Files points are billed by Azure Files, not the vault,
 * and cost the vault nothing: they are never in the Standard tier). */
int rate_cards_for(struct rate_card *cards, const struct price_sheet *ps,
		   const struct snapshot *s, const char *currency,
		   struct err *e);

#endif
