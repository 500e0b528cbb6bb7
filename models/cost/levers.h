/* SPDX-License-Identifier: MIT
 * levers.h: the levers on an Azure Backup bill besides archive tiering
 * (docs/domain-audit.md §9), each priced from the vault's rate card:
 * protection stopped with data kept, idle items, daily retention longer
 * than the targets need, geo-redundancy on a non-production vault, a VM
 * just over a protected-instance band edge, SQL/HANA daily fulls, and the
 * two whose meters the price sheet lacks (instant-restore snapshots,
 * reserved capacity). Pure arithmetic: the plan stage finds the scopes
 * and writes levers.csv (optimizer/plan/plan_levers.c). */
#ifndef VW_LEVERS_H
#define VW_LEVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/cost/prices.h"
#include "optimizer/snapshot/snapshot.h"

enum lever_kind {
	LV_STOPPED, LV_IDLE, LV_RETENTION, LV_REDUNDANCY, LV_PI_BAND,
	LV_SQL_SCHEDULE, LV_INSTANT_RESTORE, LV_RESERVED, LV_COUNT
};
extern const char *const lever_names[LV_COUNT];

/* Days without a backup after which a protected item counts as idle (the
 * FinOps toolkit's "idle backups" query uses 90). */
#define LEVER_IDLE_DAYS 90
/* Daily retention proposed where monthly or weekly points keep the long
 * term, unless a target asks for more. */
#define LEVER_DAILY_DAYS 30
/* A VM whose used size is within this share of a 500 GB band's start pays
 * a whole unit for the last few GB. */
#define LEVER_BAND_SHARE 0.10
/* Reserved capacity is sold for Vault-standard in 100 TB units. */
#define LEVER_RESERVED_GB (100.0 * 1024)

/* What an item with its protection stopped costs each month while its data
 * is kept: the protected-instance fee and its Standard and Archive GiB. */
double lever_stored_monthly(const struct rate_card *rc,
			    const struct item *it);

/* GiB of Standard the daily points of rps older than keep_days would free
 * were the daily retention keep_days (what those points hold alone). */
double lever_daily_freed_gb(const struct rp *rps, size_t n, int64_t now,
			    int keep_days);

/* The monthly saving of pricing gb of Standard at LRS instead of the
 * vault's redundancy; 0 when the vault is LRS or LRS is not priced. */
double lever_lrs_saving(const struct rate_card *rc, double gb);

/* The protected-instance units a VM of source_gb pays above the band
 * below it when within LEVER_BAND_SHARE of the edge, else 0; *below_gb is
 * the size to get under. */
double lever_band_excess_units(double source_gb, double *below_gb);

/* GiB of Standard the daily fulls of an item (its RK_FULL points in
 * Standard younger than keep_days) hold beyond what a weekly full and six
 * daily differentials would: six of every seven fulls become
 * differentials of source x f(d), d = 1..6 days since the full (size
 * model: f(d) = 1 - (1 - churn)^d, models/cost/sizes.h). */
double lever_sql_schedule_gb(const struct item *it, const struct rp *rps,
			     size_t n, int64_t now, int keep_days);

#endif
