/* SPDX-License-Identifier: MIT
 * archive_rules.h: Azure's rules for moving a recovery point from
 * Vault-standard to Vault-archive (docs/azure-backup.md §3.1):
 *   Azure VM:      monthly or yearly points, >= 90 days in Standard,
 *                  >= 180 days of retention left at the move;
 *   SQL/SAP HANA:  full points, >= 45 days in Standard, >= 180 days left;
 *   Azure Files:   not supported.
 * Azure also reports per point whether it is ready (move_ready/move_info);
 * a point Azure says is not ready is not proposed. Pure functions. */
#ifndef VW_ARCHIVE_RULES_H
#define VW_ARCHIVE_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "models/cost/reason.h"
#include "optimizer/snapshot/snapshot.h"

#define VM_MIN_AGE_DAYS 90
#define WORKLOAD_MIN_AGE_DAYS 45
#define MIN_REMAINING_DAYS 180
/* the same in a sentence, without printf */
#define ARCHIVE_STR_(x) #x
#define ARCHIVE_STR(x) ARCHIVE_STR_(x)
#define MIN_REMAINING_DAYS_TEXT ARCHIVE_STR(MIN_REMAINING_DAYS)
#define EARLY_DELETION_DAYS 180
/* A hold that never ends: the point can never be moved. */
#define HOLD_FOREVER INT64_MAX

enum elig_status {
	ELIG_NOW,   /* may be moved now */
	ELIG_LATER, /* may be moved from `from` on */
	ELIG_NEVER, /* cannot be moved: why says so */
};

struct eligibility {
	int status;
	int code;       /* enum reason_code, for ELIG_NEVER */
	int64_t from;   /* first moment a move is allowed */
	int64_t until;  /* last moment a move leaves 180 days; TIME_NONE: none */
	char why[200];  /* for ELIG_NEVER */
	char held[200]; /* why `from` is later than Azure's own rules say */
	int held_code;  /* enum reason_code of held, when a hold set it */
};

/* Whether points of this kind can ever be archived for this workload
 * (inline: asked several times for every point planned). */
static inline bool archivable_kind(int workload, int kind)
{
	switch (workload) {
	case WL_VM:
		return kind == RK_MONTHLY || kind == RK_YEARLY;
	case WL_SQL:
	case WL_HANA:
		return kind == RK_FULL;
	default:
		return false;
	}
}
int min_age_days(int workload);

void archive_eligibility(const struct item *it, const struct rp *rp,
			 int64_t now, struct eligibility *out);

/* Azure VM points also need "no active daily or weekly dependencies": the
 * daily and weekly points taken after a monthly or yearly point (up to the
 * next one) are increments on it. When do they all expire? The points of
 * the item are rps[0..n) sorted by time; for the newest monthly/yearly
 * point the dependants still to come are counted through the policy's
 * daily and weekly retention (pol may be NULL: stopped protection).
 * Returns TIME_NONE when nothing depends on point i, HOLD_FOREVER when a
 * dependant is kept forever (stopped protection keeps its dailies). */
int64_t vm_dependencies_end(const struct policy *pol, const struct rp *rps,
			    size_t n, size_t i);

/* Holds el until `hold` for the reason given (a sentence starting with a
 * lowercase word, e.g. "the daily points that depend on it are kept"; code
 * its enum reason_code):
 * from moves there, turning the point LATER, or NEVER when the hold runs
 * past the last moment a move leaves 180 days or is HOLD_FOREVER. */
void eligibility_hold(struct eligibility *el, int64_t hold, int64_t now,
		      int code, const char *reason);

/* *to = *from, copying the texts up to their ends only. */
void eligibility_copy(struct eligibility *to, const struct eligibility *from);

#endif
