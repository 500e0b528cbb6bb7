/* SPDX-License-Identifier: MIT
 * reason.c: the reason codes of plan.csv and their sentences. */
#include "models/cost/reason.h"

#include "models/cost/archive_rules.h"

#define DAYS MIN_REMAINING_DAYS_TEXT

const struct reason_kind reason_kinds[RC_COUNT] = {
	[RC_NOT_ARCHIVABLE] = { "not-archivable-kind",
		"only monthly and yearly VM points and full database "
		"backups can be archived", true },
	[RC_ALREADY_ARCHIVE] = { "already-archive", "already in Archive",
				 true },
	[RC_SNAPSHOT_ONLY] = { "snapshot-tier-only",
		"only in the snapshot tier, not yet in the vault", true },
	[RC_RETENTION] = { "retention-too-short",
		"retention ends {expiry_time}: fewer than " DAYS " days "
		"would be left in Archive (Azure requires " DAYS ")", true },
	[RC_NOT_READY] = { "not-ready",
		"Azure reports it not ready for move (reason: Azure's "
		"words)", false },
	[RC_DEPENDANTS] = { "dependants-kept",
		"the daily and weekly points that depend on it are kept "
		"forever, or until too late to leave the " DAYS " days "
		"Archive requires (reason: until when)", false },
	[RC_RTO_TARGET] = { "rto-target",
		"an RTO target needs it back faster than a restore from "
		"Archive can (reason: the target and the hours)", false },
	[RC_BREAKEVEN] = { "breakeven",
		"saves {saving_total} {currency} over its remaining life; "
		"P(restore) {p_restore} "
		"[{p_restore_lo}-{p_restore_hi}]; {action} {move_date}: "
		"frees {freed_gb} GiB of Standard ({monthly_cost_now} "
		"{currency}/month) for a {full_gb} GiB Archive copy "
		"({monthly_cost_after} {currency}/month), net of "
		"{expected_restore_cost} {currency} expected for restores "
		"from Archive", true },
	[RC_BREAKEVEN_LATER] = { "breakeven-after-dependants",
		"saves {saving_total} {currency} over its remaining life; "
		"P(restore) {p_restore} [{p_restore_lo}-{p_restore_hi}]; "
		"{action} {move_date}: frees {freed_gb} GiB of Standard "
		"({monthly_cost_now} {currency}/month) for a {full_gb} GiB "
		"Archive copy ({monthly_cost_after} {currency}/month), net "
		"of {expected_restore_cost} {currency} expected for "
		"restores from Archive; not before: the daily and weekly "
		"points that depend on it are kept until {eligible_from}",
		true },
	[RC_LOW_CHURN] = { "low-churn",
		"the Archive copy is full size and costs more than what it "
		"frees in Standard (reason: the figures)", false },
	[RC_LOW_CHURN_SET] = { "low-churn-set",
		"even moved together, its VM set's Archive copies are full "
		"size and cost more than what they free in Standard "
		"(reason: the figures)", false },
	[RC_RESTORE_RISK] = { "restore-risk",
		"its restore rate stays above the rate at which Archive "
		"pays until after {last_move_date}, the last day a move "
		"leaves the " DAYS " days Archive requires (reason: the "
		"rates)", false },
	[RC_RESTORE_COST] = { "restore-cost",
		"archiving would save in storage, but the restores "
		"expected meanwhile would cost more from Archive (reason: "
		"the figures)", false },
	[RC_KEPT_AS_ASKED] = { "kept-as-asked",
		"kept in Standard as asked (plan --moves none)", true },
	[RC_MOVED_AS_ASKED] = { "moved-as-asked",
		"moved as soon as Azure allows, as asked (plan --moves "
		"all-eligible): saves {saving_total} {currency} (a cost "
		"when negative) over its remaining life if not restored",
		true },
};
