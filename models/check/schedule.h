/* SPDX-License-Identifier: MIT
 * schedule.h: a backup policy's schedule as UTC instants, and the RPO it
 * promises (modeling.md §4.1, "predicted RPO").
 *
 * The schedule is expanded on a continuous UTC timeline over one full
 * cycle (a day; a week for weekly policies) plus one period, and the
 * worst gap between consecutive backups is taken including the wrap past
 * midnight, so a window such as 20:00 + 12 h is never cut at midnight.
 * Azure VM backup keeps the UTC hour of a schedule through daylight
 * saving, so schedules are evaluated at the zone's fixed standard offset
 * and the 1 h wall-clock drift is only flagged; the gaps of a scheduler
 * that did follow local time (23 h / 25 h at the changes) can be computed
 * with follow_dst for comparison.
 *
 * Tiers: the snapshot tier gets every scheduled backup; the vault tier
 * only the last backup of each day (Enhanced policy; a no-op for a
 * once-a-day policy). SQL and HANA stream to the vault and have no
 * snapshot tier; with log backups their RPO is the log interval.
 * A scheduled backup may start up to 2 h late (VM backup FAQ), so the
 * predicted RPO is the worst gap plus that jitter. The vault transfer lag
 * (up to a day) delays when a vault point becomes usable and is not part
 * of the predicted RPO.
 *
 * Called by the check stage (optimizer/check/check.c). Pure computation. */
#ifndef VW_SCHEDULE_H
#define VW_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/snapshot/snapshot.h"
#include "models/check/tz.h"

#define SCHEDULE_JITTER_H 2.0
#define SCHEDULE_MAX_SLOTS 48

enum sched_kind { SCHED_HOURLY, SCHED_DAILY, SCHED_WEEKLY };

struct schedule {
	int kind;              /* enum sched_kind */
	bool enhanced;
	/* Minutes after local midnight of a run day; hourly windows that
	 * cross midnight give values of 1440 and more. Sorted. */
	int slot_min[SCHEDULE_MAX_SLOTS];
	size_t nslots;
	unsigned days;         /* bit d: runs on weekday d (0 = Sunday) */
	int interval_h, window_h, window_start_min; /* hourly only */
	int log_interval_min;  /* SQL/HANA log backups; 0: none */
};

/* Reads a policy's schedule. Returns -1 with a reason in why (a phrase
 * such as "policy has no run times") when it cannot be evaluated. */
int schedule_from_policy(struct schedule *out, const struct policy *p,
			 char *why, size_t whylen);

/* Cycle of a schedule in seconds: a day, or a week for weekly ones. */
int64_t schedule_cycle(const struct schedule *sc);

/* UTC instants of the scheduled backups in [from, to), sorted, without
 * duplicates; *out is allocated (caller frees), the count returned.
 * follow_dst false: local times at the zone's standard offset (what Azure
 * VM backup does); true: the wall clock through daylight saving. */
size_t schedule_expand(const struct schedule *sc, const struct tz_zone *z,
		       bool follow_dst, int64_t from, int64_t to,
		       int64_t **out);

/* Keeps the last instant of each calendar day at the zone's standard
 * offset (what reaches the vault tier); returns the new count. */
size_t schedule_keep_daily_last(int64_t *t, size_t n,
				const struct tz_zone *z);

struct sched_gaps {
	double worst_h, best_h;
	int64_t worst_from;  /* start of (the first) worst gap */
};

/* Largest and smallest gap between consecutive instants t[i] -> t[i+1]
 * with t[i] in [from, to). Returns -1 when there is no such pair. */
int schedule_gaps(const int64_t *t, size_t n, int64_t from, int64_t to,
		  struct sched_gaps *out);

/* Worst and best gap of a schedule over [from, to) (a cycle plus one
 * period is expanded past `to`). */
int schedule_gaps_between(const struct schedule *sc, const struct tz_zone *z,
			  bool follow_dst, bool vault_tier, int64_t from,
			  int64_t to, struct sched_gaps *out);

struct rpo_predicted {
	bool have_snapshot, have_vault; /* tier exists for the workload */
	double snapshot_h, vault_h;     /* worst gap + jitter; NAN: unknown */
	double snapshot_gap_h, vault_gap_h; /* before jitter */
	char snapshot_why[200];   /* "Enhanced every 4 h from 08:00 for 12 h:
				     worst gap 12 h + 2 h jitter = 14 h" */
	char vault_why[200];
	char tz_note[200];        /* "" or the unknown-zone note */
};

/* The RPO a policy promises per tier, evaluated around as_of. zones may
 * be NULL (every zone is then unknown, evaluated as UTC). */
void rpo_predict(struct rpo_predicted *out, const struct policy *p,
		 const struct tz_table *zones, int64_t as_of);

/* Daylight saving inside a check over [from, to]: the first clock change
 * of the policy's zone in the window (TIME_NONE: none, or no usable
 * schedule), with the worst gap of the tier's schedule as Azure runs it
 * (keeping the UTC hour) and as it would run on the wall clock. */
int64_t rpo_dst_gaps(const struct policy *p, const struct tz_table *zones,
		     bool vault_tier, int64_t from, int64_t to,
		     double *utc_h, double *wall_h);

/* Hours for people: "12 h", "2.1 h", "0.25 h" (into out, n bytes). */
void format_hours(double h, char *out, size_t n);

#endif
