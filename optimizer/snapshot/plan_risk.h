/* SPDX-License-Identifier: MIT
 * plan_risk.h: the restore risk of the points a plan moves (move_now,
 * move_on), summed per vault, per policy and in all from each point's
 * expected_restores and expected_restore_cost as plan.csv writes them
 * (4 and 2 decimals) and in its row order: what the report adds up from
 * plan.csv, to the bit, so that `run` hands it over in memory instead
 * of the report reading plan.csv again. */
#ifndef VW_PLAN_RISK_H
#define VW_PLAN_RISK_H

#include <stdbool.h>
#include <stddef.h>

struct plan_risk {
	long points;             /* moved */
	bool assessed;           /* some has expected restores */
	double expected, cost;   /* over their remaining lives */
	/* per vault, and per policy then one for items without one; NAN
	 * where no moved point has expected restores */
	double *vault_restores, *vault_cost;
	double *policy_restores, *policy_cost;
	size_t nvaults, npolicies;
};

void plan_risk_init(struct plan_risk *r, size_t nvaults, size_t npolicies);
/* One moved point, its figures as plan.csv has them (restores NAN: not
 * assessed; cost NAN: 0); policy -1 when its item has none. */
void plan_risk_add(struct plan_risk *r, size_t vault, long policy,
		   double restores, double cost);
/* Accepts a zeroed r. */
void plan_risk_release(struct plan_risk *r);

#endif
