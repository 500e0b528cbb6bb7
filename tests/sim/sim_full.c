/* SPDX-License-Identifier: MIT
 * sim_full.c: the full harness run (`make bench`): every truth of
 * harness.h with three seeds; prints per run the restores drawn, the
 * model fitted, plan/best, plan without a model (the documented prior)
 * over best and the share of the best plan's saving over TierAfter-3m
 * that the plan captures. */
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "harness.h"

int main(void)
{
	int bad = 0;

	gsl_set_error_handler_off();
	printf("%-15s %4s %8s %-11s %9s %9s %9s %9s %7s\n", "truth", "seed",
	       "restores", "model", "plan/best", "nomodel/b", "3m/best",
	       "best EUR", "share");
	for (int t = 0; t < TR_COUNT; t++)
		for (unsigned long seed = 1; seed <= 3; seed++) {
			struct sim_result r;
			if (sim_run(t, seed, &r)) {
				printf("%s seed %lu: the fit failed\n",
				       sim_truth_names[t], seed);
				bad = 1;
				continue;
			}
			printf("%-15s %4lu %8ld %-11s %9.4f %9.4f %9.4f "
			       "%9.2f %6.1f%%\n",
			       sim_truth_names[t], seed, r.restores, r.method,
			       sim_ratio(&r), r.prior / r.best,
			       r.tier_after_3m / r.best, r.best,
			       100 * sim_share(&r));
		}
	return bad;
}
