/* SPDX-License-Identifier: MIT
 * archive_rules.c: eligibility of a recovery point for the Archive tier. */
#include "models/cost/archive_rules.h"

#include <stddef.h>
#include <stdio.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

int min_age_days(int workload)
{
	return workload == WL_VM ? VM_MIN_AGE_DAYS : WORKLOAD_MIN_AGE_DAYS;
}

static void never(struct eligibility *out, int code, const char *why)
{
	out->status = ELIG_NEVER;
	out->code = code;
	strlcpy_vw(out->why, why, sizeof(out->why));
}

static const char *kind_rule(int workload)
{
	switch (workload) {
	case WL_VM:
		return "only monthly and yearly VM points can be archived";
	case WL_FILES:
		return "Azure Files points cannot be archived";
	default:
		return "only full database backups can be archived";
	}
}

void archive_eligibility(const struct item *it, const struct rp *rp,
			 int64_t now, struct eligibility *out)
{
	char date[DATE_ISO_LEN];

	/* the texts emptied, not cleared: one call per archivable point */
	memset(out, 0, offsetof(struct eligibility, why));
	out->why[0] = out->held[0] = '\0';
	out->held_code = 0;
	out->until = TIME_NONE;
	if (!archivable_kind(it->workload, rp->kind))
		return never(out, RC_NOT_ARCHIVABLE, kind_rule(it->workload));
	if (tier_in_archive(rp->tier))
		return never(out, RC_ALREADY_ARCHIVE, "already in Archive");
	if (!tier_in_standard(rp->tier))
		return never(out, RC_SNAPSHOT_ONLY,
			     "only in the snapshot tier, not yet in the "
			     "vault");
	out->from = rp->rp_time + (int64_t)min_age_days(it->workload) * DAY_S;
	if (rp->expiry_time != TIME_NONE) {
		out->until = rp->expiry_time - (int64_t)MIN_REMAINING_DAYS * DAY_S;
		if (out->until < out->from || out->until < now) {
			time_format_date(rp->expiry_time, date);
			strfmt(out->why, sizeof(out->why),
				 "retention ends %s: fewer than "
				 MIN_REMAINING_DAYS_TEXT " days would be left "
				 "in Archive (Azure requires "
				 MIN_REMAINING_DAYS_TEXT ")",
				 date);
			out->status = ELIG_NEVER;
			out->code = RC_RETENTION;
			return;
		}
	}
	if (now < out->from) {
		out->status = ELIG_LATER;
		return;
	}
	if (rp_move_undetermined(rp)) {
		/* Azure: "still determining ... check again after some
		 * time": not now, and not never */
		out->status = ELIG_LATER;
		out->from = now + DAY_S;
		strfmt(out->held, sizeof(out->held),
		       "Azure is still determining whether it can move");
		return;
	}
	if (rp->move_ready == MR_FALSE) {
		strfmt(out->why, sizeof(out->why),
			 "Azure reports it not ready for move%s%.150s",
			 rp->move_info[0] ? ": " : "", rp->move_info);
		out->status = ELIG_NEVER;
		out->code = RC_NOT_READY;
		return;
	}
	out->status = ELIG_NOW;
}

static bool is_long_term(int kind)
{
	return kind == RK_MONTHLY || kind == RK_YEARLY;
}

int64_t vm_dependencies_end(const struct policy *pol, const struct rp *rps,
			    size_t n, size_t i)
{
	int64_t end = TIME_NONE;
	size_t j;

	for (j = i + 1; j < n && !is_long_term(rps[j].kind); j++) {
		if (rps[j].tier == TIER_SNAPSHOT ||
		    (rps[j].kind != RK_DAILY && rps[j].kind != RK_WEEKLY))
			continue;
		if (rps[j].expiry_time == TIME_NONE)
			return HOLD_FOREVER; /* a dependant kept forever */
		if (end == TIME_NONE || rps[j].expiry_time > end)
			end = rps[j].expiry_time;
	}
	if (j == n && pol) {
		/* Dependants still to come until the next monthly point. */
		int keep = pol->daily_keep_days;
		int64_t next = time_add_months(rps[i].rp_time, 1);

		if (pol->weekly_keep_weeks * 7 > keep)
			keep = pol->weekly_keep_weeks * 7;
		if (keep > 0 && (end == TIME_NONE ||
				 next + (int64_t)keep * DAY_S > end))
			end = next + (int64_t)keep * DAY_S;
	}
	return end;
}

void eligibility_hold(struct eligibility *el, int64_t hold, int64_t now,
		      int code, const char *reason)
{
	char date[DATE_ISO_LEN];

	if (el->status == ELIG_NEVER || hold == TIME_NONE || hold <= el->from)
		return;
	if (hold == HOLD_FOREVER) {
		strfmt(el->why, sizeof(el->why),
			 "%s forever (they never expire)", reason);
		el->status = ELIG_NEVER;
		el->code = code;
		return;
	}
	time_format_date(hold, date);
	el->from = hold;
	if (el->until != TIME_NONE && hold > el->until) {
		strfmt(el->why, sizeof(el->why),
			 "%s until %s, too late to leave the %d days Archive "
			 "requires",
			 reason, date, MIN_REMAINING_DAYS);
		el->status = ELIG_NEVER;
		el->code = code;
		return;
	}
	strfmt(el->held, sizeof(el->held), "%s until %s", reason, date);
	el->held_code = code;
	if (hold > now)
		el->status = ELIG_LATER;
}

void eligibility_copy(struct eligibility *to, const struct eligibility *from)
{
	memcpy(to, from, offsetof(struct eligibility, why));
	strlcpy_vw(to->why, from->why, sizeof(to->why));
	strlcpy_vw(to->held, from->held, sizeof(to->held));
	to->held_code = from->held_code;
}
