/* SPDX-License-Identifier: MIT
 * rpo.h: the RPO an item really achieved (modeling.md §4.1, "achieved RPO
 * from history"): gaps between successful backups on a continuous UTC
 * timeline over a look-back window, counting the head gap (back to the
 * last backup before the window) and the tail gap (the age of the newest
 * backup at the evaluation time), with the worst and the 95th percentile;
 * and failure streaks, runs of consecutive failed backup jobs.
 *
 * Works on one item's backups at a time (the caller streams them), so
 * memory follows the largest item, never the whole estate. Called by the
 * check stage. Pure computation. */
#ifndef VW_RPO_H
#define VW_RPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct observed_gaps {
	double worst_h;       /* largest gap, head and tail included;
				 NAN when no backup was ever seen */
	double p95_h;         /* 95th percentile of the same gaps */
	double newest_age_h;  /* `to` minus the newest backup */
	int64_t newest;       /* newest backup at or before `to`, or
				 TIME_NONE */
	int64_t worst_from;   /* where the worst gap starts */
	size_t n;             /* backups inside the window */
	size_t ngaps;
	bool worst_is_tail;   /* the worst gap is the one still open */
};

/* t: one item's successful backup instants, sorted ascending. Instants
 * after `to` are ignored; of those before `from` only the last counts,
 * as the start of the head gap. */
void observed_gaps_compute(struct observed_gaps *out, const int64_t *t,
			   size_t n, int64_t from, int64_t to);

/* SQL/HANA log chains as snapshots list them (models/cost/sizes.h): one `log`
 * point per UTC day, timed at that day's last log backup, standing for
 * log backups every step_s seconds since the day began. t: an item's log
 * point times, sorted. A gap is the log interval within a chain, the
 * break from one chain's last backup to the start of the next listed day
 * (at least the interval), and the tail to `to` (at least the interval).
 * Points before `from` only start the head gap. */
void observed_log_chain_compute(struct observed_gaps *out, const int64_t *t,
				size_t n, int64_t step_s, int64_t from,
				int64_t to);

struct backup_run {
	int64_t time;
	bool ok;
};

struct failure_streak {
	unsigned trailing;    /* failed backup jobs since the last success */
	unsigned longest;     /* longest run of failures in the window */
	size_t failed, runs;  /* failed and all backup jobs in the window */
	int64_t last_success; /* TIME_NONE when none */
};

/* r: one item's backup jobs sorted by time; those outside [from, to] are
 * ignored except that an earlier success ends a trailing streak. */
void failure_streak_compute(struct failure_streak *out,
			    const struct backup_run *r, size_t n,
			    int64_t from, int64_t to);

/* Sorts runs by time (stable for equal times: successes last). */
void backup_runs_sort(struct backup_run *r, size_t n);

#endif
