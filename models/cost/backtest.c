/* SPDX-License-Identifier: MIT
 * backtest.c: the past view of an item's points and what a point cost
 * since (see backtest.h). */
#include "models/cost/backtest.h"

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

/* Whether the policy's TierAfter had moved the point by past. */
static bool tiered_by(const struct policy *pol, const struct rp *rp,
		      int64_t past)
{
	return pol && pol->tiering_mode == TM_TIERAFTER &&
	       rp->rp_time + (int64_t)pol->tier_after_days * DAY_S <= past;
}

size_t backtest_past_points(const struct policy *pol, struct rp *rps,
			    size_t n, int64_t past)
{
	size_t kept = 0;

	while (kept < n && rps[kept].rp_time <= past)
		kept++;
	for (size_t i = 0; i < kept; i++) {
		struct rp *rp = &rps[i];
		if (!tier_in_archive(rp->tier) || tiered_by(pol, rp, past))
			continue;
		rp->tier = rp->tier == TIER_SNAPSHOT_ARCHIVE
				   ? TIER_SNAPSHOT_STANDARD
				   : TIER_STANDARD;
		rp->move_ready = MR_TRUE;
		rp->move_info = "";
	}
	return kept;
}

void backtest_point_cost(const struct point_costs *c, int64_t move_at,
			 int64_t from, int64_t to, const int64_t *restores,
			 size_t nrestores, int rehydration_days,
			 struct backtest_cost *out)
{
	int64_t moved = move_at == TIME_NONE ? to
		      : move_at < from	    ? from
		      : move_at > to	    ? to
					    : move_at;
	int64_t copy_until = TIME_NONE;

	out->standard_days = (double)(moved - from) / DAY_S;
	out->archive_days = (double)(to - moved) / DAY_S;
	out->rehydrations = 0;
	for (size_t k = 0; k < nrestores; k++) {
		int64_t t = restores[k];
		if (t < from || t >= to || t < moved ||
		    (copy_until != TIME_NONE && t < copy_until))
			continue;
		out->rehydrations++;
		copy_until = t + (int64_t)rehydration_days * DAY_S;
	}
	out->cost = c->s_day * out->standard_days +
		    c->q_day * out->archive_days +
		    c->restore_extra * (double)out->rehydrations;
}
