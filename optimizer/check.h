/* SPDX-License-Identifier: MIT
 * check.h: the RPO/RTO check stage. For every protected item and every
 * target that covers it (models/targets.h), it compares the target with
 *   - the RPO the policy's schedule promises (models/schedule.h),
 *   - the RPO the item really achieved over the look-back, from
 *     jobs.csv and recovery_points.csv (models/rpo.h), with failure
 *     streaks,
 *   - the RTO of its newest point and, when the target asks for
 *     min_retention_days, of the oldest point that retention must still
 *     hold (models/rto.h; rehydration when that point is in Archive),
 * and writes one row per (item, target) to rpo_rto.csv (docs/outputs.md columns
 * first), each with a verdict met/breached/unknown and a plain reason.
 *
 * Streams jobs and recovery points one item at a time: memory grows with
 * the number of items (times targets), not of points. Called by `check`
 * (cmd_check.c) and `run`. Never prints; writes only out_path, atomically.
 */
#ifndef VW_CHECK_H
#define VW_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "snapshot.h"
#include "targets.h"

#define CHECK_DEFAULT_LOOKBACK_DAYS 30.0
#define CHECK_DEFAULT_OUT "rpo_rto.csv"

struct check_options {
	double lookback_days;       /* observed-RPO window before as_of */
	int rehydrate_priority;     /* enum rehydrate_priority (rto.h) */
	const char *timezones_path; /* NULL: the bundled data/timezones.csv */
};

/* Fills the defaults: 30 d look-back, Standard-priority rehydration, the
 * bundled time-zone table. */
void check_options_init(struct check_options *o);

struct check_summary {
	size_t targets;        /* targets in the file */
	size_t items;          /* items in the snapshot */
	size_t items_checked;  /* items covered by at least one target */
	size_t rows, met, breached, unknown;
	size_t restores_used;  /* restore jobs behind the vault RTO fit */
};

/* Runs the check as of s->as_of (the caller applies --as-of) with the
 * default options, writing rpo_rto.csv at out_path. Returns 0 (whatever
 * the verdicts: see out->breached) or -1 with e set. */
int rpo_check_run(struct snapshot *s, const struct target_set *t,
		  const char *out_path, struct check_summary *out,
		  struct err *e);

/* The same with options (NULL: the defaults). */
int rpo_check_run_opts(struct snapshot *s, const struct target_set *t,
		       const struct check_options *o, const char *out_path,
		       struct check_summary *out, struct err *e);

/* The summary a person reads, two lines:
 *   checked 40 of 240 items against 9 targets: 85 rows, 50 met,
 *   30 breached, 5 unknown
 *   vault restore times: fitted on 57 restore jobs */
void check_summary_print(FILE *f, const struct check_summary *s);

#endif
