/* SPDX-License-Identifier: MIT
 * decision.h: what to do with one recovery point that Azure's rules allow
 * (or will allow) in Archive: move now, move on a date, or keep — with
 * the money and a reason a person understands. This is the deterministic
 * ski-rental rule of reference/modeling.md §3.4: once the point is
 * eligible, move it after it has gone T_BE = (dc + m)/(s - q) days without
 * a restore; never when Archive costs more than it frees (q >= s).
 * Pure functions, no I/O. */
#ifndef VW_DECISION_H
#define VW_DECISION_H

#include <stdint.h>

#include "archive_rules.h"
#include "tiercost.h"

enum plan_action { ACT_MOVE_NOW, ACT_MOVE_ON, ACT_KEEP, ACT_INELIGIBLE,
		   ACT_COUNT };
extern const char *const plan_action_names[ACT_COUNT];

struct decide_input {
	const struct item *it;
	const struct rp *rp;
	const struct eligibility *el;
	const struct point_costs *c;
	const char *currency;
	int64_t now;
	int64_t last_restore;  /* of this point, or TIME_NONE */
	int64_t horizon_end;   /* for points kept forever */
};

struct decision {
	int action;            /* enum plan_action */
	int64_t move_at;       /* TIME_NONE unless a move is planned */
	double saving_total;   /* money saved over the rest of its life */
	double breakeven_days; /* INFINITY when Archive never saves */
	double p_restore, p_restore_lo, p_restore_hi; /* NAN: no model */
	char reason[400];
};

void decide_breakeven(const struct decide_input *in, struct decision *out);

/* Months between two times, for reasons ("over the remaining 11.2 months"). */
double months_between(int64_t a, int64_t b);

#endif
