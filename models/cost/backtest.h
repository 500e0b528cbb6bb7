/* SPDX-License-Identifier: MIT
 * backtest.h: a plan made as of a past date scored against what happened
 * afterwards (docs/decisions.md "Backtest"): the points as they stood
 * then, and what one point cost over the days since under a move date,
 * given the restores that came. Pure functions, no I/O. */
#ifndef VW_BACKTEST_H
#define VW_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include "models/cost/tiercost.h"
#include "optimizer/snapshot/snapshot.h"

/* The points of an item (sorted by rp_time) as they stood at past, in
 * place: those taken by then are kept (a prefix; the count is returned).
 * A point in Archive now was moved after past unless its policy's
 * TierAfter had moved it by then (the snapshot records no move dates):
 * such a point is put back in Standard and read as ready to move. pol may
 * be NULL (protection stopped). */
size_t backtest_past_points(const struct policy *pol, struct rp *rps,
			    size_t n, int64_t past);

/* What a point cost over [from, to): days in Standard and in Archive and
 * the rehydrations paid. */
struct backtest_cost {
	double standard_days, archive_days;
	long rehydrations;
	double cost;     /* in the point costs' currency */
};

/* move_at: when the point goes to Archive (<= from: it is there from the
 * start; TIME_NONE: never). Each restore at restores[k] (sorted) from
 * Archive rehydrates the point at c->restore_extra, unless a copy
 * rehydrated within the last rehydration_days is still in Standard. */
void backtest_point_cost(const struct point_costs *c, int64_t move_at,
			 int64_t from, int64_t to, const int64_t *restores,
			 size_t nrestores, int rehydration_days,
			 struct backtest_cost *out);

#endif
