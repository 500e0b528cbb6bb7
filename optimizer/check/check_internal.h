/* SPDX-License-Identifier: MIT
 * check_internal.h: what check.c (the streaming passes over jobs and
 * recovery points, the restore fit, writing rpo_rto.csv) shares with
 * check_verdict.c (the numbers, verdict and reason of one item against
 * one target). Only these two files include it. */
#ifndef VW_CHECK_INTERNAL_H
#define VW_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "models/check/rpo.h"
#include "models/check/rto.h"
#include "models/check/schedule.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "models/check/tz.h"
#include "optimizer/base/util.h"

/* What the two passes learn about one item. */
struct item_state {
	bool checked;                 /* some target covers it */
	struct observed_gaps jobs;    /* successful backup jobs */
	struct failure_streak streak;
	unsigned failed_in_worst;     /* failed jobs inside jobs' worst gap */
	struct observed_gaps snap_pts, vault_pts; /* recovery points */
	bool any_vault_point;
	bool log_chain;               /* vault_pts is a SQL/HANA log chain */
};

/* The point a target's min_retention_days needs, per (item, target). */
struct needed_point {
	int64_t time;        /* covering point, TIME_NONE: none old enough */
	int tier;
	double gib;
	int64_t oldest;      /* oldest eligible point, TIME_NONE: none */
	int oldest_tier;
	double oldest_gib;
};

/* What a policy's schedule gives every row of its items, worked out
 * once: its predicted RPO, and per tier (vault or not) the first clock
 * change in the look-back with the worst gaps around it. */
struct policy_memo {
	bool predicted;
	struct rpo_predicted pred;
	bool dst_done[2];
	int64_t dst_change[2];
	double dst_utc_h[2], dst_wall_h[2];
};

/* Everything one verdict depends on (all borrowed). */
struct check_input {
	const struct item *it;
	const struct policy *p;         /* NULL: no policy */
	struct policy_memo *memo;       /* p's, filled as rows need it */
	struct fix_memo *fix;           /* p's for t, [vault tier] */
	const struct item_state *st;
	const struct target *t;
	const struct needed_point *np;  /* NULL: no min_retention_days */
	const struct rto_model *rto;    /* restore times of its workload */
	const struct tz_table *zones;
	int64_t as_of;
	double lookback_days;
	int rehydrate_priority;         /* enum rehydrate_priority */
	double rehydration_hours;       /* NAN: rto.h's Blob figure */
	double tolerance_hours;         /* a shortfall up to this is met */
};

enum verdict { V_MET, V_BREACHED, V_UNKNOWN };
extern const char *const verdict_names[3];

/* Why a row is not met, for a pivot table (rpo_rto.csv `cause`). */
enum cause { CAUSE_NONE = -1, CAUSE_SCHEDULE, CAUSE_START_JITTER,
	     CAUSE_FAILED_JOBS, CAUSE_STALE_BACKUP, CAUSE_RETENTION_SHORT,
	     CAUSE_ARCHIVE_REHYDRATION, CAUSE_RESTORE_THROUGHPUT,
	     CAUSE_UNKNOWN, CAUSE_COUNT };
extern const char *const cause_names[CAUSE_COUNT];

/* One row of rpo_rto.csv beyond the target's own columns. */
struct check_row {
	int tier;                 /* evaluated: TT_SNAPSHOT, TT_VAULT; -1 */
	double rpo_pred, rpo_obs, p95, age;      /* hours; NAN: unknown */
	double rto_newest, rto_oldest, rto_est;  /* hours; NAN: unknown */
	unsigned streak;          /* failed backup jobs since the last good */
	int64_t needed_time;      /* point standing for min_retention_days */
	int needed_tier;          /* enum rp_tier */
	int verdict;              /* enum verdict */
	double margin;            /* hours to spare, < 0 short; NAN: none */
	int cause;                /* enum cause of a breach or unknown */
	bool unmeasured_fail;     /* a failure without a margin (no backup) */
	bool cause_fixed;         /* a root cause named it: no other may */
	const char *rto_basis;    /* what rto_est rests on; NULL: the
				     caller's word for its kind */
	struct strbuf fail, unknown, pass, note; /* "; "-joined clauses */
};

#define CHECK_ROW_INIT                                                  \
	{ .fail = STRBUF_INIT, .unknown = STRBUF_INIT, .pass = STRBUF_INIT, \
	  .note = STRBUF_INIT }

/* The pieces of a verdict (check_verdict.c), shared with check_bv.c:
 * a "; "-joined clause; a measure against its target (the smallest
 * margin wins, and names the cause); a failure no number measures; the
 * verdict from the clauses, a breach within the tolerance being met. */
void clause(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A clause of the strings given, up to NULL, without printf. */
void clause_strs(struct strbuf *sb, ...) __attribute__((sentinel));
void measure(struct check_row *r, double target, double value, int cause);
void unmeasured_fail(struct check_row *r, int cause);
void settle_verdict(struct check_row *r, double tolerance);

/* Fills r (initialised with CHECK_ROW_INIT) for one item and target. */
void check_row_evaluate(struct check_row *r, const struct check_input *in);
/* The reason a person reads: the failures of a breach, else what is
 * unknown, then what passed, then notes. */
void check_row_reason(const struct check_row *r, struct strbuf *out);
void check_row_release(struct check_row *r);

/* What a Backup vault instance's recovery points and jobs show
 * (check_bv.c), over the look-back [from, to]. */
struct bv_observed {
	bool listed;                  /* the snapshot has the points file */
	double lookback_days;         /* to - from */
	struct observed_gaps snap, vault; /* operational / vault points */
	struct failure_streak streak; /* its backup jobs */
	size_t restores;              /* its successful restore jobs */
	double restore_max_h;         /* the longest of them; NAN: none */
};

/* Streams backup_recovery_points.csv and backup_jobs.csv once: (*out)[i]
 * for s->bv.instances[i]; the caller frees *out. */
int check_bv_observe(struct snapshot *s, int64_t from, int64_t to,
		     struct bv_observed **out, struct err *e);

/* Fills r (CHECK_ROW_INIT) for Backup vault instance bi of s against
 * t (check_bv.c): the predicted RPO of the tier's data store from the
 * policy's schedule, the observed one from its recovery points and the
 * RTO from its restore jobs (ob; NULL: none observed) or else the
 * documented estimate, its retention, the protection status. */
void check_bv_evaluate(struct check_row *r, const struct snapshot *s,
		       const struct binstance *bi,
		       const struct bv_observed *ob, const struct target *t,
		       double tolerance_hours);
/* The row's text columns for bi (v[], "" when empty); the numbers are
 * the caller's (its own formatting). */
void check_bv_text(const char **v, const struct snapshot *s,
		   const struct binstance *bi);

bool rp_has_snapshot_copy(int tier);
bool rp_has_vault_copy(int tier);

static inline bool workload_is_db(int workload)
{
	return workload == WL_SQL || workload == WL_HANA;
}

/* The suggested fix of a row whose predicted RPO breaches its target
 * (check_fix.c): text "" when the row needs none. */
struct check_fix {
	struct strbuf text;   /* what to change, the new RPO, the cost */
	struct strbuf edit;   /* "policy_type=Enhanced;frequency=Hourly;..."
				 for the policy's row in policies.csv */
	double rpo_h;         /* predicted RPO after it; NAN: no fix */
};

#define CHECK_FIX_INIT { STRBUF_INIT, STRBUF_INIT, 0 }

/* A policy's fix for a target and tier, the same for all its items:
 * worked out for the first breached row that needs it. */
struct fix_memo {
	bool done;
	struct check_fix fix;
};

void check_fix_suggest(const struct check_input *in,
		       const struct check_row *r, struct check_fix *out);

/* The columns of rpo_rto.csv (check_output.c names them). */
enum { C_ITEM, C_TARGET, C_TIER, C_RPO_T, C_RPO_P, C_RPO_O, C_RTO_T,
       C_RTO_E, C_VERDICT, C_REASON, C_VAULT, C_NAME, C_POLICY, C_WL,
       C_EVAL_TIER, C_P95, C_AGE, C_STREAK, C_RTO_NEW, C_RTO_OLD,
       C_OLD_TIME, C_OLD_TIER, C_MIN_RET, C_MARGIN, C_CAUSE, C_SEVERITY,
       C_CONTAINER, C_ARM_ID, C_SOURCE_ID, C_FIX, C_FIX_EDIT, C_FIX_RPO,
       C_KIND, C_RPO_BASIS, C_RTO_BASIS, C_NCOLS };

/* Where the rows go, in one of enum check_format (check.h); written
 * atomically on commit. A failing row fails the CI gate. */
struct check_sink;
struct check_sink *check_sink_open(const char *path, int format,
				   struct err *e);
/* v: C_NCOLS strings ("" when empty), numbers already formatted. */
void check_sink_row(struct check_sink *k, const char *const *v,
		    bool failing);
/* Writes the file and frees k, whatever the outcome. */
int check_sink_commit(struct check_sink *k, struct err *e);
/* Writes nothing and frees k. */
void check_sink_abort(struct check_sink *k);

#endif
