/* SPDX-License-Identifier: MIT
 * plan_risk.c: the moved points' restore risk, as plan.csv adds up. */
#include "optimizer/snapshot/plan_risk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/util.h"

static double *nan_array(size_t n)
{
	double *a = xmalloc(n * sizeof(*a));

	for (size_t i = 0; i < n; i++)
		a[i] = NAN;
	return a;
}

void plan_risk_init(struct plan_risk *r, size_t nvaults, size_t npolicies)
{
	memset(r, 0, sizeof(*r));
	r->nvaults = nvaults;
	r->npolicies = npolicies;
	r->vault_restores = nan_array(nvaults + 1);
	r->vault_cost = nan_array(nvaults + 1);
	r->policy_restores = nan_array(npolicies + 1);
	r->policy_cost = nan_array(npolicies + 1);
}

static void add_to(double *slot, double v)
{
	*slot = isnan(*slot) ? v : *slot + v;
}

void plan_risk_add(struct plan_risk *r, size_t vault, long policy,
		   double restores, double cost)
{
	size_t pol = policy >= 0 ? (size_t)policy : r->npolicies;

	r->points++;
	if (isnan(restores))
		return;
	if (isnan(cost))
		cost = 0;
	r->assessed = true;
	r->expected += restores;
	r->cost += cost;
	add_to(&r->vault_restores[vault], restores);
	add_to(&r->vault_cost[vault], cost);
	add_to(&r->policy_restores[pol], restores);
	add_to(&r->policy_cost[pol], cost);
}

void plan_risk_release(struct plan_risk *r)
{
	free(r->vault_restores);
	free(r->vault_cost);
	free(r->policy_restores);
	free(r->policy_cost);
	memset(r, 0, sizeof(*r));
}
