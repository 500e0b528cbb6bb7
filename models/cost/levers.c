/* SPDX-License-Identifier: MIT
 * levers.c: the arithmetic of each lever on the bill (levers.h). */
#include "models/cost/levers.h"

#include <math.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

const char *const lever_names[LV_COUNT] = {
	"stale-stopped", "stale-idle", "retention-daily", "redundancy",
	"pi-band-edge", "sql-schedule", "instant-restore", "reserved-capacity",
	"soft-deleted", "sql-log-retention",
};

double lever_stored_monthly(const struct rate_card *rc,
			    const struct item *it)
{
	return pi_monthly_fee(rc, it->workload, it->source_gb) +
	       it->standard_gb * std_price_of(rc, it->workload) +
	       it->archive_gb * rc->arc_gb_month;
}

/* GiB of Standard the points of one kind older than keep_days hold. */
static double freed_gb(const struct rp *rps, size_t n, int64_t now,
		       int keep_days, int kind)
{
	int64_t cut = now - (int64_t)keep_days * DAY_S;
	double gb = 0;

	for (size_t i = 0; i < n; i++)
		if (rps[i].kind == kind && rps[i].rp_time < cut &&
		    tier_in_standard(rps[i].tier))
			gb += rps[i].unique_gb;
	return gb;
}

double lever_daily_freed_gb(const struct rp *rps, size_t n, int64_t now,
			    int keep_days)
{
	return freed_gb(rps, n, now, keep_days, RK_DAILY);
}

double lever_log_freed_gb(const struct rp *rps, size_t n, int64_t now,
			  int keep_days)
{
	return freed_gb(rps, n, now, keep_days, RK_LOG);
}

double lever_lrs_saving(const struct rate_card *rc, double gb)
{
	const struct price_row *lrs = rc->row[M_STD_LRS];

	if (!lrs || rc->standard_meter == M_STD_LRS)
		return 0;
	return gb * (rc->std_gb_month - lrs->price);
}

double lever_files_lrs_saving(const struct rate_card *rc, double gb)
{
	const struct price_row *lrs = rc->row[M_FILES_VAULTED_LRS];

	if (!lrs || rc->files_meter != M_FILES_VAULTED_GRS)
		return 0;
	return gb * (rc->files_gb_month - lrs->price);
}

double lever_band_excess_units(double source_gb, double *below_gb)
{
	double edge = floor(source_gb / 500) * 500;

	*below_gb = edge;
	if (source_gb <= 500 || source_gb == edge ||
	    source_gb - edge > LEVER_BAND_SHARE * 500)
		return 0;
	return 1;
}

double lever_sql_schedule_gb(const struct item *it, const struct rp *rps,
			     size_t n, int64_t now, int keep_days)
{
	int64_t cut = now - (int64_t)keep_days * DAY_S;
	double fulls = 0, diff = 0;
	long count = 0;

	for (int d = 1; d <= 6; d++)
		diff += churn_fraction(it->daily_churn, d) / 6;
	for (size_t i = 0; i < n; i++)
		if (rps[i].kind == RK_FULL && rps[i].rp_time >= cut &&
		    tier_in_standard(rps[i].tier)) {
			fulls += rps[i].unique_gb;
			count++;
		}
	return fmax(0, (fulls - count * it->source_gb * diff) * 6 / 7);
}

double lever_snapshot_gb(const struct item *it, bool weekly, int keep_days,
			 int to_days)
{
	if (keep_days <= to_days || it->last_backup_time == TIME_NONE)
		return 0;
	if (weekly)
		return it->source_gb * (fmin(keep_days, 7) - fmin(to_days, 7)) /
		       7;
	return it->source_gb * churn_fraction(it->daily_churn, 1) *
	       (keep_days - to_days);
}

static double reserved_at(double gb, double rate, double share,
			  double unit_gb, int units)
{
	double cover = units * unit_gb;
	return rate * (fmin(gb, cover) - cover * share);
}

double lever_reserved_saving(double gb, double rate, double share,
			     double unit_gb, int *units)
{
	int n = (int)floor(gb / unit_gb);
	double best = n ? reserved_at(gb, rate, share, unit_gb, n) : 0;
	double more = reserved_at(gb, rate, share, unit_gb, n + 1);

	*units = n;
	if (more > best) {
		best = more;
		*units = n + 1;
	}
	if (best <= 0)
		*units = 0;
	return fmax(0, best);
}

int64_t lever_soft_deleted_billed_until(const struct item *it)
{
	if (it->deferred_delete_time == TIME_NONE)
		return TIME_NONE;
	return it->deferred_delete_time -
	       (int64_t)LEVER_SOFT_DELETE_FREE_DAYS * DAY_S;
}
