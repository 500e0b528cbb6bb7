/* SPDX-License-Identifier: MIT
 * tiercost.c: per-point Standard/Archive costs and the break-even rule. */
#include "models/cost/tiercost.h"

#include <math.h>

#include "models/cost/archive_rules.h"
#include "models/cost/sizes.h"

void point_costs_for(struct point_costs *out, const struct rate_card *rc,
		     const struct cost_options *o, const struct rp *rp)
{
	double hours = o->high_priority ? REHYDRATION_HOURS_HIGH
					: REHYDRATION_HOURS_STANDARD;

	out->freed_gb = rp->unique_gb;
	out->archived_gb = rp->full_gb;
	out->s_day = rc->std_gb_month * out->freed_gb / DAYS_PER_MONTH;
	out->q_day = rc->arc_gb_month * out->archived_gb / DAYS_PER_MONTH;
	out->restore_extra =
		rc->rehydrate_gb_month[o->high_priority ? 1 : 0] *
			out->archived_gb * o->rehydration_days /
			DAYS_PER_MONTH +
		o->delay_cost_hour * hours;
	out->move_cost = 0;
}

double breakeven_days(const struct point_costs *c)
{
	if (c->q_day >= c->s_day)
		return INFINITY;
	return (c->restore_extra + c->move_cost) / (c->s_day - c->q_day);
}

double early_deletion_charge(const struct point_costs *c,
			     double days_in_archive)
{
	double left = EARLY_DELETION_DAYS - days_in_archive;
	return left > 0 ? c->q_day * left : 0;
}

double point_monthly_cost(const struct rate_card *rc, int workload,
			  const struct rp *rp)
{
	double cost = 0;

	if (tier_in_standard(rp->tier))
		cost += std_price_of(rc, workload) * rp->unique_gb;
	if (tier_in_archive(rp->tier))
		cost += rc->arc_gb_month * rp->full_gb;
	return cost;
}
