/* SPDX-License-Identifier: MIT
 * apply.h: carries out a plan directory against Azure: the archive moves
 * of plan.csv that are due and the tieringPolicy changes of
 * policy_changes.csv, journalled (journal.h) so that a run stopped at any
 * moment resumes with the same command, nothing done twice and nothing
 * forgotten; or, without `yes`, a dry run that changes nothing. See the
 * header comment of apply.c for the crash reasoning.
 *
 * Called by cmd_apply. Never prints: the outcome comes back in struct
 * apply_summary (and apply_results.csv), progress through a callback. */
#ifndef VW_APPLY_H
#define VW_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/azure/cloud.h"
#include "optimizer/base/err.h"
#include "optimizer/azure/http.h"
#include "optimizer/snapshot/plan_scope.h"

#define APPLY_RESULTS "apply_results.csv"
#define APPLY_JOURNAL "apply.journal"

struct apply_progress {
	long rows, ended;          /* rows this run takes (fixed at its
				      start), ended so far */
	long done, inflight;       /* moves and changes done, being polled */
	double elapsed_s;          /* since the run started */
	double eta_s;              /* at the rate so far; < 0: unknown */
	struct http_stats http;
};

struct apply_options {
	const char *plan_dir;
	const char *journal;       /* NULL: PLANDIR/apply.journal */
	bool yes;                  /* false: a dry run */
	bool offline;              /* dry run: do not re-read Azure */
	int concurrency;           /* requests in flight (default 8) */
	long max_actions;          /* writes this run; < 0: no limit */
	double bucket_size;        /* client-side write bucket per */
	double bucket_rate;        /* subscription: 200 and 10 per second */
	double poll_interval_s;    /* polls without a Retry-After (5) */
	double retry_budget_s;     /* per request (300) */
	int64_t now;               /* due dates and expiry; TIME_NONE: now */
	const struct scope *scope; /* rows taken (plan_scope.h); NULL: all */
	const char *what_if;       /* dry run: write its writes here (CSV) */
	struct cloud_options cloud;
	void (*progress)(void *ctx, const struct apply_progress *p);
	void *progress_ctx;
	/* Set (by a signal handler) to stop: nothing new starts, the
	 * writes in flight are answered and journalled, nothing is polled
	 * any more, the results are written. May be NULL. */
	const volatile sig_atomic_t *interrupted;
};
void apply_options_init(struct apply_options *o);

/* Outcomes, as apply_results.csv's outcome column spells them. */
enum apply_outcome {
	AO_DONE, AO_SKIPPED, AO_REFUSED, AO_FAILED, AO_MUA, AO_IN_PROGRESS,
	AO_PENDING, AO_READY, AO_COUNT
};
extern const char *const apply_outcome_names[AO_COUNT];

/* One line of the dry run's tables: a vault, or a vault's policy. */
struct apply_group {
	char *vault_name, *policy_name; /* policy_name NULL for a vault */
	long moves;                     /* due now, not done yet */
	double move_saving;
	char *change;                   /* "TierAfter 3 Months -> ..." */
	double change_saving;
};

struct apply_summary {
	/* the plan */
	char currency[8];
	int64_t plan_as_of;             /* TIME_NONE when plan.json lacks it */
	int horizon_months;
	bool net_of_restores;   /* the plan's savings deduct restores */
	long moves_due, moves_later, changes;
	long merged;                    /* duplicate plan.csv rows */
	long out_of_scope;              /* rows left out by the scope */
	double move_saving, change_saving; /* of the rows not done yet */
	struct apply_group *groups;     /* vaults, each followed by its
					   policies */
	size_t ngroups;
	/* outcomes per kind (0 moves, 1 policy changes), the journal's and
	 * this run's together */
	long moves[AO_COUNT], policies[AO_COUNT];
	long already_archived;          /* of moves[AO_DONE] */
	long why_counts[8];             /* dry run: skips by reason */
	bool reread;                    /* the dry run re-read Azure */
	/* this run */
	long actions;                   /* writes sent */
	long moved_now;                 /* moves that completed this run */
	double elapsed_s, write_phase_s;
	unsigned long requests, retries, throttled;
	bool stopped_denied;            /* RBAC: exit 77 */
	bool wrong_identity;            /* ... the credential, not a role */
	char denied[512];               /* what was denied, the action */
	char *journal_path, *results_path;
	char credential[64];
};
void apply_summary_release(struct apply_summary *s);

/* Runs o (a dry run unless o->yes). Returns 0 when the run went through
 * (even with rows left: see the summary), -1 with e set when it could
 * not (bad plan 65, journal 65/74, Azure unavailable 69/75, ...). The
 * results file is written whenever the journal could be opened. */
int apply_run(const struct apply_options *o, struct apply_summary *sum,
	      struct err *e);

/* The exit status a finished run deserves: 77 when Azure denied an
 * action, 75 when rows are left (failed, waiting for MUA approval, in
 * progress, not started), else 0. */
int apply_exit_status(const struct apply_summary *s);

/* Verifies a journal's chain and counts the latest state of its rows. */
struct apply_journal_info {
	unsigned long lines, rows;
	long states[8];                 /* by journal state, see apply.c */
	bool incomplete_tail;
	bool anchored;                  /* its .head file matched */
	bool results_anchored;          /* apply_results.csv's anchor did */
	char plan[65];
};
int apply_verify_journal(const char *path, struct apply_journal_info *out,
			 struct err *e);
/* The name of state index i of apply_journal_info.states. */
const char *apply_journal_state_name(int i);

/* ---- the plan directory's guards (apply_guard.c) ---- */

/* Takes the exclusive lock of plan_dir (a flock of the directory, this
 * process's pid written into PLANDIR/apply.lock) into *fd; held by
 * another process: 75 naming it (an apply's pid, or a plan or run) and
 * saying to `who` ("rerun") once it has ended. */
int apply_lock_take(const char *plan_dir, const char *who, int *fd,
		    struct err *e);
void apply_lock_release(int fd);
/* Before plan or run replaces dir: its lock (held in *lock_fd until
 * apply_lock_release, so that no apply, not even the first, starts
 * meanwhile; -1 when dir is not a vaultwise directory; nothing in dir is
 * changed), and 73 when its journal has rows not done. run holds it from
 * its plan stage until OUT is swapped. */
int apply_plan_dir_guard(const char *dir, int *lock_fd, struct err *e);
/* Carries dir's apply.journal, its head and apply_results.csv into the
 * new plan directory tmp: as they are when tmp holds the same plan, else
 * into tmp/applied-SHA12/ (with those of earlier plans). */
int apply_plan_dir_carry(const char *dir, const char *tmp, struct err *e);
/* The SHA-256 that binds a journal to the plan in dir (of plan.csv and
 * policy_changes.csv). */
int apply_plan_dir_sha(const char *dir, char out[65], struct err *e);

#endif
