/* SPDX-License-Identifier: MIT
 * levers.h: the levers on an Azure Backup bill besides archive tiering
 * (docs/domain-audit.md §9), each priced from the vault's rate card:
 * protection stopped with data kept, idle items, daily retention longer
 * than the targets need, geo-redundancy on a non-production vault, a VM
 * just over a protected-instance band edge, SQL/HANA daily fulls,
 * instant-restore snapshots kept longer than the default, Backup Storage
 * reserved capacity, soft-deleted data billed beyond its free days, and
 * SQL/HANA log backups kept longer than Azure's minimum.
 * Pure arithmetic: the plan stage finds the scopes and writes levers.csv
 * (optimizer/plan/plan_levers.c). */
#ifndef VW_LEVERS_H
#define VW_LEVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/cost/prices.h"
#include "optimizer/snapshot/snapshot.h"

enum lever_kind {
	LV_STOPPED, LV_IDLE, LV_RETENTION, LV_REDUNDANCY, LV_PI_BAND,
	LV_SQL_SCHEDULE, LV_INSTANT_RESTORE, LV_RESERVED, LV_SOFT_DELETED,
	LV_LOG_RETENTION, LV_COUNT
};
extern const char *const lever_names[LV_COUNT];

/* Days without a backup after which a protected item counts as idle (the
 * FinOps toolkit's "idle backups" query uses 90). */
#define LEVER_IDLE_DAYS 90
/* Daily retention proposed where monthly or weekly points keep the long
 * term, unless a target asks for more. */
#define LEVER_DAILY_DAYS 30
/* Log-backup retention proposed for SQL and SAP HANA policies: the least
 * Azure accepts (7 to 35 days), unless a target asks for more. */
#define LEVER_LOG_DAYS 7
/* A VM whose used size is within this share of a 500 GB band's start pays
 * a whole unit for the last few GB. */
#define LEVER_BAND_SHARE 0.10
/* Reserved capacity is sold for vault-standard in units of 100 TiB and
 * 1 PiB (backup-azure-reserved-pricing-optimize-cost). */
#define LEVER_RESERVED_GB (100.0 * 1024)
#define LEVER_RESERVED_PB_GB (1024.0 * 1024)
/* Soft-deleted data is free for the last 14 days of its soft-delete
 * retention and billed like stopped-with-retained data before them
 * (backup-azure-enhanced-soft-delete-about, Pricing). */
#define LEVER_SOFT_DELETE_FREE_DAYS 14

/* What an item with its protection stopped costs each month while its data
 * is kept: the protected-instance fee and its Standard and Archive GiB. */
double lever_stored_monthly(const struct rate_card *rc,
			    const struct item *it);

/* GiB of Standard the daily points of rps older than keep_days would free
 * were the daily retention keep_days (what those points hold alone). */
double lever_daily_freed_gb(const struct rp *rps, size_t n, int64_t now,
			    int keep_days);

/* The same for the log points of a SQL/HANA item (each holds a day's log
 * chain) were the log retention keep_days. */
double lever_log_freed_gb(const struct rp *rps, size_t n, int64_t now,
			  int keep_days);

/* The monthly saving of pricing gb of Standard at LRS instead of the
 * vault's redundancy; 0 when the vault is LRS or LRS is not priced. */
double lever_lrs_saving(const struct rate_card *rc, double gb);
/* The same for gb of vaulted Azure Files, on the Files Vaulted meter:
 * GRS instead of LRS; 0 when the vault's shares are at LRS or its LRS
 * row is not priced. */
double lever_files_lrs_saving(const struct rate_card *rc, double gb);

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

/* GiB of managed-disk snapshot an item's instant-restore snapshots hold
 * for keep_days beyond to_days, on average over a month. Daily (or more
 * often): one day's incremental snapshots hold the blocks rewritten in a
 * day, source x f(1) (sizes.h), and the oldest snapshot, the full one, is
 * kept either way. Weekly: the week's one snapshot is the whole disk,
 * kept min(days, 7) of every 7 days. 0 for an item never backed up. */
double lever_snapshot_gb(const struct item *it, bool weekly, int keep_days,
			 int to_days);

/* The monthly saving of reserving *units blocks of unit_gb of Standard at
 * share of the pay-as-you-go rate when gb are stored: rate x (what the
 * blocks cover - what they cost), the better of the whole blocks gb fills
 * and one more (a block pays once its use exceeds share); 0 and *units 0
 * when neither saves. */
double lever_reserved_saving(double gb, double rate, double share,
			     double unit_gb, int *units);

/* The time until which a soft-deleted item's data is billed: its purge
 * time less the free days; TIME_NONE when the purge time is unknown. */
int64_t lever_soft_deleted_billed_until(const struct item *it);

#endif
