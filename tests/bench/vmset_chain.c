/* SPDX-License-Identifier: MIT
 * vmset_chain.c: vmset_score on one VM item with N monthly points (issue
 * 16: 80,000 points took 15.5 s when it was quadratic). Every point may
 * move, so the whole chain is one run (the quadratic search's worst
 * case); prints the points, the churn, the points chosen and the seconds
 * taken. Built by `make bench`, never by `make check`.
 * Usage: vmset_chain N CHURN. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "models/cost/vmset.h"

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct item it = { 0 };
	struct rp *rps = xcalloc(n, sizeof(*rps));
	bool *cand = xcalloc(n, sizeof(*cand));
	double *freed = xcalloc(n, sizeof(*freed)), t0;
	struct vmset_result r;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = argc > 2 ? atof(argv[2]) : 0.003;
	for (size_t i = 0; i < n; i++) {
		rps[i].rp_time = (int64_t)i * 30 * DAY_S;
		rps[i].kind = i % 12 ? RK_MONTHLY : RK_YEARLY;
		rps[i].tier = TIER_STANDARD;
		rps[i].expiry_time = TIME_NONE;
		rps[i].full_gb = 100;
		rps[i].move_info = "";
		cand[i] = true;
	}
	t0 = seconds();
	vmset_score(&it, rps, n, cand, 0.0224, 0.0022, true, freed, &r);
	printf("%zu points, churn %g/day: %zu of %zu candidates chosen in "
	       "%.3f s\n",
	       n, it.daily_churn, r.chosen, r.candidates, seconds() - t0);
	free(rps);
	free(cand);
	free(freed);
	return 0;
}
