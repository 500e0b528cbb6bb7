/* SPDX-License-Identifier: MIT
 * plan.h: the plan stage. Reads a snapshot and a price sheet and writes the
 * plan directory (docs/outputs.md "Plan directory"): plan.csv (one row per
 * recovery point that Azure's rules could ever archive), policy_changes.csv,
 * strategies.csv, summary.csv and plan.json (what the plan was made from,
 * for apply and report). Streams recovery points one item at a time.
 * Called by `plan` and `run`; prints nothing. */
#ifndef VW_PLAN_H
#define VW_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/plan_risk.h"
#include "optimizer/snapshot/plan_scope.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/cost/projection.h"
#include "models/cost/tiercost.h"

struct restore_model;
struct target_set;
struct decision;
struct point_costs;

/* One archivable point as the plan decided it, for plan_options.on_point
 * (backtest): the point as of the plan's date, its costs priced at its
 * move, the decision, and when each strategy of strategies.csv moves it
 * (enum strategy; TIME_NONE: it stays where it is). */
struct planned_point {
	const struct item *it;
	const struct rp *rp;
	const struct point_costs *c;
	const struct decision *d;
	int64_t move_at[STRAT_COUNT];
};

/* What replacing a plan directory must respect (apply's journal): guard
 * before the work (may hold a lock in *lock_fd, released by release),
 * carry from the old directory into the new one assembled at tmp before
 * it is swapped in. Set by the commands (apply_plan_dir_guard and its
 * kin); the plan stage knows nothing of apply. */
struct plan_dir_hooks {
	int (*guard)(const char *dir, int *lock_fd, struct err *e);
	int (*carry)(const char *dir, const char *tmp, struct err *e);
	void (*release)(int lock_fd);
};

struct plan_options {
	const char *prices_path;  /* default data/prices/prices.csv */
	const char *currency;     /* NULL: the one covering most vaults */
	int horizon_months;       /* strategies and forever-kept points */
	struct cost_options cost;
	/* The restore-likelihood model (borrowed); NULL: plan fits the
	 * documented prior on the snapshot's restores (restore_model.h). */
	const struct restore_model *model;
	const char *model_path;   /* for plan.json */
	const char *snapshot_path; /* for plan.json; NULL: the snapshot's */
	double risk_q;            /* decide on this quantile of the rate */
	double level;             /* of the P(restore) intervals */
	double cut_risk;          /* P(a point is deleted right after a move) */
	/* RPO/RTO targets (borrowed); NULL: none. Points an RTO target needs
	 * back faster than rehydration allows stay in Standard. */
	const struct target_set *targets;
	/* A Cost Management export (bill.h) to reconcile the model with in
	 * reconcile.csv; NULL: the snapshot's costs.csv if it has one. */
	const char *costs_path;
	/* What the admin asks (plan_scope.h): only the items and policies
	 * in scope are planned; tieringPolicy proposed for every in-scope
	 * policy; which points move. Default: everything, cheapest, the
	 * rule's moves. */
	struct scope scope;
	struct tiering_choice tiering;
	int moves;                /* enum plan_moves */
	/* plan --propose: the levers put into policy_changes.csv for apply
	 * (PROPOSE_*), beside levers.csv's rows; 0: tiering only. */
	unsigned propose;
	const struct plan_dir_hooks *dir_hooks; /* NULL: none */
	/* The plan directory the output replaces in the end, when it is
	 * written elsewhere first (run's staging directory); its journal is
	 * the one the hooks guard and carry. NULL: the output directory. */
	const char *replaces;
	/* Called for every archivable point once decided; NULL: none. */
	void (*on_point)(void *ctx, const struct planned_point *pp);
	void *on_point_ctx;
};

#define PROPOSE_RETENTION 1u  /* levers.csv's retention-daily */
#define PROPOSE_INSTANT 2u    /* levers.csv's instant-restore */

void plan_options_init(struct plan_options *o);

struct plan_summary {
	char currency[8];
	long points, considered, eligible_now, move_now, move_on, keep,
		ineligible;
	double standard_gb, archive_gb;         /* now */
	double monthly_storage_now;             /* vault storage, now */
	double monthly_storage_after;           /* once the moves are done */
	double monthly_pi;                      /* protected-instance fees */
	double saving_total;                    /* over the points' lives */
	double avg_monthly_saving;              /* do_nothing - plan */
	int horizon_months;
	long policy_changes;                    /* settings worth changing */
	long held_by_rto;                       /* points held by targets */
	long moved_with_set;                    /* VM points moving because
						   their neighbours do */
	const char *method;                     /* "model" or "prior" */
	/* With a bill: the bill's Backup rows kept (-1: no bill), its
	 * month, and its total against the model's, for those vaults. */
	long bill_rows;
	char bill_month[8];
	double billed, modelled, uncalibrated;
	char **caveats;                         /* about the prices used */
	size_t ncaveats;
	struct plan_risk risk;                  /* of the points moved, as
						   plan.csv adds up */
};

int plan_run(struct snapshot *s, const struct plan_options *o,
	     const char *out_dir, struct plan_summary *out, struct err *e);
void plan_summary_release(struct plan_summary *sum);

/* The summary as a few lines of text for a person (plan and run). */
void plan_summary_print(FILE *out, const struct plan_summary *sum);

#endif
