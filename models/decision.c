/* SPDX-License-Identifier: MIT
 * decision.c: the break-even (ski-rental) tiering decision per point. */
#include "decision.h"

#include <math.h>
#include <stdio.h>

#include "timeutil.h"
#include "util.h"

const char *const plan_action_names[ACT_COUNT] = { "move_now", "move_on",
						   "keep", "ineligible" };

double months_between(int64_t a, int64_t b)
{
	return (double)(b - a) / DAY_S / DAYS_PER_MONTH;
}

static int64_t life_end(const struct decide_input *in)
{
	return in->rp->expiry_time != TIME_NONE ? in->rp->expiry_time
						: in->horizon_end;
}

static void keep_low_churn(const struct decide_input *in,
			   struct decision *out)
{
	const struct point_costs *c = in->c;

	snprintf(out->reason, sizeof(out->reason),
		 "%s: the Archive copy is full size (%.1f GiB, %.2f %s/month) "
		 "and costs more than the %.1f GiB it frees in Standard "
		 "(%.2f %s/month)",
		 in->it->workload == WL_VM ? "low churn" : "no saving",
		 c->archived_gb, c->q_day * DAYS_PER_MONTH, in->currency,
		 c->freed_gb, c->s_day * DAYS_PER_MONTH, in->currency);
	out->action = ACT_KEEP;
}

static void keep_too_short(const struct decide_input *in,
			   struct decision *out)
{
	char last[DATE_ISO_LEN];

	time_format_date(in->el->until, last);
	snprintf(out->reason, sizeof(out->reason),
		 "archiving would save %.2f %s/month, but one restore from "
		 "Archive costs %.2f %s: break-even needs %.0f days without a "
		 "restore, which runs past %s, the last day a move leaves the "
		 "180 days Archive requires",
		 (in->c->s_day - in->c->q_day) * DAYS_PER_MONTH, in->currency,
		 in->c->restore_extra, in->currency, out->breakeven_days,
		 last);
	out->action = ACT_KEEP;
}

/* "eligible since 2026-04-10 and not restored since" and friends. */
static void describe_clock(const struct decide_input *in, char *buf,
			   size_t n)
{
	char from[DATE_ISO_LEN], restored[DATE_ISO_LEN];

	time_format_date(in->el->from, from);
	if (in->last_restore != TIME_NONE && in->last_restore > in->el->from) {
		time_format_date(in->last_restore, restored);
		snprintf(buf, n, "restored on %s", restored);
	} else if (in->el->from <= in->now) {
		snprintf(buf, n, "eligible since %s and not restored since",
			 from);
	} else if (in->el->from > in->rp->rp_time +
					  (int64_t)min_age_days(
						  in->it->workload) * DAY_S) {
		snprintf(buf, n,
			 "eligible from %s, when the daily and weekly points "
			 "that depend on it have expired",
			 from);
	} else {
		snprintf(buf, n, "eligible from %s (%d days in Standard)",
			 from, min_age_days(in->it->workload));
	}
}

void decide_breakeven(const struct decide_input *in, struct decision *out)
{
	const struct point_costs *c = in->c;
	int64_t idle_from, move_at, end = life_end(in);
	char clock[120], when[DATE_ISO_LEN];

	memset(out, 0, sizeof(*out));
	out->move_at = TIME_NONE;
	out->p_restore = out->p_restore_lo = out->p_restore_hi = NAN;
	out->breakeven_days = breakeven_days(c);
	if (in->el->status == ELIG_NEVER) {
		out->action = ACT_INELIGIBLE;
		snprintf(out->reason, sizeof(out->reason), "%s", in->el->why);
		return;
	}
	if (isinf(out->breakeven_days))
		return keep_low_churn(in, out);
	idle_from = in->el->from;
	if (in->last_restore != TIME_NONE && in->last_restore > idle_from)
		idle_from = in->last_restore;
	/* Whole days: a plan names dates, not seconds. */
	move_at = idle_from +
		  (int64_t)ceil(out->breakeven_days - 1e-9) * DAY_S;
	if (move_at < in->now)
		move_at = in->now;
	if (in->el->until != TIME_NONE && move_at > in->el->until)
		return keep_too_short(in, out);
	out->action = move_at <= in->now ? ACT_MOVE_NOW : ACT_MOVE_ON;
	out->move_at = move_at;
	out->saving_total = (c->s_day - c->q_day) * (double)(end - move_at) /
			    DAY_S;
	describe_clock(in, clock, sizeof(clock));
	time_format_date(move_at, when);
	snprintf(out->reason, sizeof(out->reason),
		 "%s; frees %.1f GiB of Standard (%.2f %s/month) for a %.1f "
		 "GiB Archive copy (%.2f %s/month); break-even after %.0f days "
		 "without a restore%s%s: saves %.2f %s over the remaining %.1f "
		 "months if not restored",
		 clock, c->freed_gb, c->s_day * DAYS_PER_MONTH, in->currency,
		 c->archived_gb, c->q_day * DAYS_PER_MONTH, in->currency,
		 out->breakeven_days,
		 out->action == ACT_MOVE_ON ? ", so move on " : "",
		 out->action == ACT_MOVE_ON ? when : "", out->saving_total,
		 in->currency, months_between(move_at, end));
}
