/* SPDX-License-Identifier: MIT
 * check.h: the RPO/RTO check stage. For every protected item and every
 * target that covers it (models/check/targets.h), it compares the target with
 *   - the RPO the policy's schedule promises (models/check/schedule.h),
 *   - the RPO the item really achieved over the look-back, from
 *     jobs.csv and recovery_points.csv (models/check/rpo.h), with failure
 *     streaks,
 *   - the RTO of its newest point and, when the target asks for
 *     min_retention_days, of the oldest point that retention must still
 *     hold (models/check/rto.h; rehydration when that point is in Archive),
 * and writes one row per (item, target) to rpo_rto.csv (docs/outputs.md
 * columns first), each with a verdict met/breached/unknown, a plain reason,
 * the signed margin and a cause a pivot table can use; or the same rows as
 * JSON or JUnit XML. Targets with a priority shadow lower-priority ones
 * on the same tier, so each item is judged once per tier by those; a
 * target that covers no item is an error unless allowed.
 *
 * Streams jobs and recovery points one item at a time: memory grows with
 * the number of items (times targets), not of points. Called by `check`
 * (cmd_check.c) and `run`. Never prints; writes only out_path, atomically.
 */
#ifndef VW_CHECK_H
#define VW_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"

#define CHECK_DEFAULT_LOOKBACK_DAYS 30.0
#define CHECK_DEFAULT_OUT "rpo_rto.csv"

enum check_format { CF_CSV, CF_JSON, CF_JUNIT, CF_COUNT };
extern const char *const check_format_names[CF_COUNT];

/* Which rows fail the CI gate (exit 1): breaches of severity-error
 * targets, and with FAIL_ON_UNKNOWN their unknown rows too. */
enum check_fail_on { FAIL_ON_BREACH, FAIL_ON_UNKNOWN };

struct check_options {
	double lookback_days;       /* observed-RPO window before as_of */
	int rehydrate_priority;     /* enum rehydrate_priority (rto.h) */
	double rehydration_hours;   /* NAN: rto.h's figure for the priority */
	const char *timezones_path; /* NULL: the bundled data/timezones.csv */
	bool allow_empty;           /* a target covering no item: warning */
	double tolerance_hours;     /* for targets without tolerance_hours */
	int fail_on;                /* enum check_fail_on */
	int format;                 /* enum check_format */
	/* each row as written, its values in rpo_rto.csv's column order
	 * (run hands them to the report); NULL: none */
	int (*on_row)(void *ctx, const char *const *v, struct err *e);
	void *on_row_ctx;
};

/* Fills the defaults: 30 d look-back, Standard-priority rehydration, the
 * bundled time-zone table, no empty target, no tolerance, fail on
 * breaches, CSV. */
void check_options_init(struct check_options *o);

struct check_summary {
	size_t targets;        /* targets in the file */
	size_t items;          /* items in the snapshot */
	size_t items_checked;  /* items covered by at least one target */
	size_t instances, instances_checked; /* Backup-vault instances */
	size_t rows, met, breached, unknown;
	size_t failing;        /* rows that fail the gate (fail_on) */
	size_t empty_targets;  /* targets covering no item (allow_empty) */
	size_t restores_used;  /* restore jobs behind the vault RTO fit */
};

/* Runs the check as of s->as_of (the caller applies --as-of) with the
 * default options but allow_empty (for `run`'s report), writing
 * rpo_rto.csv at out_path. Returns 0 (whatever
 * the verdicts: see out->failing) or -1 with e set: EXIT_DATAERR when a
 * target covers no item (naming it and the values its scope type can
 * match) unless allow_empty. */
int check_run(struct snapshot *s, const struct target_set *t,
		  const char *out_path, struct check_summary *out,
		  struct err *e);

/* The same with options (NULL: the defaults). */
int check_run_opts(struct snapshot *s, const struct target_set *t,
		       const struct check_options *o, const char *out_path,
		       struct check_summary *out, struct err *e);

/* The summary a person reads, two lines:
 *   checked 40 of 240 items against 9 targets: 85 rows, 50 met,
 *   30 breached, 5 unknown
 *   vault restore times: fitted on 57 restore jobs */
void check_summary_print(FILE *f, const struct check_summary *s);

#endif
