/* SPDX-License-Identifier: MIT
 * plan_internal.h: state shared by the plan stage's two files: plan.c
 * (decisions per point, projections) and plan_write.c (the summary,
 * strategies, policy changes and plan.json). Not for other callers. */
#ifndef VW_PLAN_INTERNAL_H
#define VW_PLAN_INTERNAL_H

#include <stdbool.h>

#include "models/cost/archive_rules.h"
#include "models/cost/decision.h"
#include "optimizer/base/csvio.h"
#include "optimizer/plan/plan.h"
#include "models/cost/prices.h"
#include "models/cost/projection.h"
#include "models/restore/restore_model.h"
#include "models/check/rto.h"
#include "optimizer/snapshot/bill.h"
#include "models/cost/vmset.h"

struct totals {
	long items, points, considered, eligible_now, move_now, move_on,
		keep, ineligible;
	double standard_gb, archive_gb, storage_now, storage_after, pi,
		saving;
	double files_gb; /* of standard_gb: on the Files Vaulted meter */
};

/* One tieringPolicy setting a policy could have. */
struct setting {
	int mode;          /* enum tiering_mode: DONOTTIER/TIERAFTER/RECOMMENDED */
	int duration;      /* TierAfter: months (VM) or days (SQL/HANA) */
	double cost;       /* projected over the horizon */
};

#define MAX_SETTINGS 16
struct policy_state {
	struct setting settings[MAX_SETTINGS];
	int nsettings;
	int archivable;    /* points the settings apply to */
	double current_cost, plan_cost;
};

/* An RTO target that holds an item's points in Standard. */
struct rto_hold {
	const struct target *t;
};

/* One item's points while they are decided (reused from item to item). */
/* A point's last decision kept (item_work.decided) and the unique GiB at
 * its move it was made on; gb NAN: none. */
struct decided {
	double gb;
	struct point_costs c;
	struct decision d;
};

struct item_work {
	struct eligibility *el;
	double *freed;       /* what a point frees moving with its set */
	bool *candidate;
	int64_t *leave;      /* when a point leaves Standard (plan's move) */
	double *footprint;   /* GiB it holds there over its life; NAN */
	/* a VM point is decided again by settle_vm_set, planned_leave and
	 * plan_point, mostly on the same figures */
	struct decided *decided;
	size_t alloc;
	struct vmset_result set;
	bool refills;        /* new points keep replacing old ones */
	double rho;          /* the restore scale's posterior mean */
	struct rto_hold *holds;
	size_t nholds, holds_alloc;
};

/* Forecasts of restores by (group, coverage, ages in whole days): the
 * points of one policy share their schedule, so most points ask what an
 * earlier one asked. A direct-mapped cache: bounded, no eviction logic. */
#define FORECAST_CACHE 65536
struct forecast_entry {
	const char *policy_id; /* borrowed from the snapshot; NULL: none */
	int workload;
	double weight;
	long a0, a1;
	bool used;
	struct restore_forecast fc;
};

/* Azure's recommended sets beside the plan's (plan_azset.c): a row
 * per VM item Azure was asked about, the one being planned, and scratch
 * per point. */
struct vm_set_row;
struct azsets {
	struct vm_set_row *rows, *current;
	size_t n, rows_alloc, alloc;
	bool *in_az, *in_plan;
	double *months, *freed;
	long *tr_azure, *tr_local; /* per policy and all: TierRecommended
				      from Azure's set, from the model */
	char basis[200];
};

struct calibration; /* plan_reconcile.c */
/* A meter's quantity and cost in a month, as the plan models it. */
struct modelled {
	double qty, cost;
};
/* A Backup vault's month against the bill (plan_bv.c), per bill meter:
 * its instances priced from the sheet (before), and once calibrated to
 * the bill (now: vault-store and Archive sizes scaled to the billed
 * GB-months, unit prices as billed; without a bill, as before). */
struct bv_month {
	struct modelled before[BM_COUNT], now[BM_COUNT];
	double factor[2];   /* vault store, Archive */
	bool calibrated;    /* its storage was billed */
	char note[200];     /* what calibration changed, or "none" */
};
/* levers.csv (plan_levers.c): its rows, and per policy the daily and log
 * retentions it proposes (0: none) and the Standard GiB they would free,
 * what differentials in place of daily fulls would free, and the
 * snapshot GiB of instant restore kept past the default. */
struct lever_row;
struct levers {
	struct lever_row *rows;
	size_t n, alloc;
	int *daily_keep;
	double *daily_gb, *sql_gb;
	double *snap_gb; /* snapshot GiB beyond the default instant restore */
	int *log_keep;   /* proposed SQL/HANA log retention (0: none) */
	double *log_gb;  /* the Standard GiB it would free */
	/* per policy: the longest min_retention_days of the targets
	 * covering any of its items (0: none), and the target setting it */
	double *min_days;
	const struct target **min_who;
};

struct plan_ctx {
	struct snapshot *s;
	const struct plan_options *o;
	int64_t now;
	const char *currency;
	/* what plan decides on: the options' model, else prior, the
	 * documented prior fitted on the snapshot */
	const struct restore_model *model;
	struct restore_model *prior;
	struct price_sheet prices;
	struct rate_card *cards;     /* per vault */
	struct rto_samples rto_samples;
	struct rto_model rto[WL_COUNT];
	struct csv_writer *plan_w;
	struct plan_rows *rows;      /* plan.csv's writer thread */
	struct jobs_pass *jobs;      /* jobs.csv read meanwhile (plan.c) */
	struct totals *vault_tot, *policy_tot, all;
	struct policy_state *pstate; /* per policy */
	struct projection proj;
	struct projection *vault_proj; /* per vault, the plan strategy only */
	struct item_work work;
	struct forecast_entry *forecasts;  /* FORECAST_CACHE entries */
	bool *planned;               /* per item: has rows in plan.csv */
	long reason_points[RC_COUNT]; /* plan.csv's rows per reason_code */
	double reason_saving[RC_COUNT]; /* and their saving_total */
	struct levers levers;
	struct plan_summary *sum;
	struct calibration *cal;     /* with a bill (costs_path) */
	struct bv_month *bv_months;  /* per Backup vault, with a bill */
	unsigned char *basis;        /* per vault, then the estate's
					(plan_basis) */
	struct rp *past;             /* an item's points as of now, when
					now is before the export */
	size_t past_alloc;
	struct azsets az;
};

/* The Backup vaults' rows of summary.csv (level backup_vault): their
 * instances, GiB, storage and fees now, unchanged by the plan. */
void plan_write_bv_summary(const struct plan_ctx *p, struct csv_writer *w);
/* Every Backup vault's month against bill b (plan_bv.c); caller frees. */
struct bv_month *plan_bv_months(const struct plan_ctx *p,
				const struct bill *b);
int plan_write_summary(struct plan_ctx *p, struct outdir *dir,
		       struct err *e);
int plan_write_strategies(struct plan_ctx *p, struct outdir *dir,
			  struct err *e);
int plan_write_changes(struct plan_ctx *p, struct outdir *dir,
		       struct err *e);
int plan_write_meta(struct plan_ctx *p, struct outdir *dir, struct err *e);
/* reasons.csv: per reason_code of plan.csv, its sentence, rows and
 * saving (plan_write_reasons.c). */
int plan_write_reasons(struct plan_ctx *p, struct outdir *dir,
		       struct err *e);
int plan_write_vault_months(struct plan_ctx *p, struct outdir *dir,
			    struct err *e);
int plan_write_items(struct plan_ctx *p, struct outdir *dir, struct err *e);
/* vault_tags.csv: every vault's id, name, subscription and tags (what
 * apply --tag reads). */
int plan_write_vault_tags(struct plan_ctx *p, struct outdir *dir,
			  struct err *e);
/* With a bill (costs_path; plan_reconcile.c): read it, keep the model
 * before calibration, then calibrate, per vault, the sizes (items in
 * place until plan_calibration_free puts them back, points through
 * plan_calibrated_rps) and the prices of the rate cards to what was
 * billed. Call after the rate cards are loaded. */
int plan_calibrate(struct plan_ctx *p, struct err *e);
/* What a money figure rests on (issue 13's labels): "calibrated" to a
 * bill (the vault's storage was billed), else "estimated" when any of
 * the vault's items is sized from workload defaults, else "reported"
 * (sizes from Azure at the sheet's prices). Per vault v; v = -1 the
 * estate's, the weakest of its vaults'. Set by plan_calibrate. */
const char *plan_basis(const struct plan_ctx *p, long v);
/* The item's points at their calibrated sizes (rps itself without a
 * bill); valid until the next call. */
const struct rp *plan_calibrated_rps(struct plan_ctx *p, const struct item *it,
				     const struct rp *rps, size_t n);
void plan_calibration_free(struct plan_ctx *p);
/* reconcile.csv with a bill. */
int plan_write_reconcile(struct plan_ctx *p, struct outdir *dir,
			 struct err *e);
/* Whether the policy is in the plan's scope (its vault's subscription
 * and name, its name and workload). */
bool plan_policy_in_scope(const struct plan_ctx *p, const struct policy *pol);
/* Whether the item is: its vault's, its policy's and its workload. */
bool plan_item_in_scope(const struct plan_ctx *p, const struct item *it);
void levers_init(struct plan_ctx *p);
void levers_add_points(struct plan_ctx *p, const struct item *it,
		       const struct rp *rps, size_t n);
int plan_write_levers(struct plan_ctx *p, struct outdir *dir,
		      struct err *e);
void levers_release(struct levers *lv);
/* What plan --propose puts into policy_changes.csv for a policy: the
 * daily days of its retention-daily lever (0: none) with the target
 * minimum that bounds them (0: none), the instant-restore days of its
 * instant-restore lever (0: none), and what each saves per month (NAN:
 * not priced). */
struct lever_proposal {
	int daily_days, instant_days;
	double min_days, daily_saving, instant_saving;
};
bool levers_proposal(const struct plan_ctx *p, size_t pi,
		     struct lever_proposal *out);
/* After vmset_score on a VM item Azure was asked about: scores Azure's
 * whole recommended set beside the plan's runs and moves it instead when
 * it is worth as much (work.freed and work.set.chosen follow). */
void azset_item(struct plan_ctx *p, const struct item *it,
		const struct rp *rps, size_t n);
/* Appends to a point's reason where Azure's set and the plan differ. */
struct decision;
void azset_note(const struct plan_ctx *p, const struct rp *rp,
		bool in_plan_set, struct decision *d);
/* vm_sets.csv: per item, Azure's set and the plan's, their worth. */
int plan_write_vm_sets(struct plan_ctx *p, struct outdir *dir,
		       struct err *e);
/* What TierRecommended was projected from for policy pi (every VM point
 * when pi < 0): Azure's sets, the local model, or both with counts; ""
 * without VM points. Valid until the next call. */
const char *azset_tier_basis(struct plan_ctx *p, long pi);
/* Appends that to a VM policy's policy_changes.csv reason when its
 * current or proposed setting is TierRecommended. */
void azset_say_tier_basis(struct plan_ctx *p, const struct policy *pol,
			  const struct setting *best, char *reason,
			  size_t size);
void azsets_release(struct azsets *a);
/* Copies the totals into the caller's plan_summary. */
void plan_fill_summary(struct plan_ctx *p);

/* A row of plan.csv as the planner decided it, copied so that the point
 * and the planner's work buffers may change before it is written, with
 * what its projection needs; or (slot_only) a slot to project as it is. */
struct plan_row {
	/* first, in two cache lines: all that a slot-only row fills */
	const struct item *it;
	bool slot_only;              /* not a row of plan.csv */
	struct slot sl;
	struct rp rp;                /* rp_id: plan_rows_keep's copy;
					move_info: NULL (not written) */
	struct eligibility el;
	struct decision d;
	double now_cost, after_cost, freed_gb;
	size_t set_points;
	struct point_costs c;
	double weight, rho;          /* point_ctx's, item_work's */
};
/* What the planner queues is projected by project, then plan.csv's rows
 * formatted and written by write, in the order queued, each on a thread
 * of its own (plan_rows.c): the planner's core then only decides.
 * project adds to the projections (proj's days, vault_proj, pstate's
 * costs), which the planner leaves alone meanwhile; write reads only what does not change while points
 * are planned (the snapshot, the options, the rate cards' basis) and
 * p->plan_w, which nothing else touches meanwhile. */
typedef void (*plan_row_fn)(struct plan_ctx *p, const struct plan_row *r);
/* Commits plan.csv once its rows are written: 0, or -1 with e. */
typedef int (*plan_commit_fn)(struct plan_ctx *p, struct err *e);
struct plan_rows;
struct plan_rows *plan_rows_start(struct plan_ctx *p, plan_row_fn project,
				  plan_row_fn write, plan_commit_fn commit,
				  struct err *e);
/* The next row to fill; queued when the next one is asked for. */
struct plan_row *plan_rows_next(struct plan_rows *r);
/* A copy of s that lives as long as the row last asked for. */
const char *plan_rows_keep(struct plan_rows *r, const char *s);
/* The planner is done: waits until everything queued is projected; the
 * writer goes on with the rows queued, then commits plan.csv (its
 * fsync) while the caller writes the other files. */
void plan_rows_close(struct plan_rows *r);
/* Projects and writes everything queued (and, after plan_rows_close,
 * waits for the commit), stops the threads and frees r: the commit's 0,
 * or -1 with e. Accepts NULL. */
int plan_rows_finish(struct plan_rows *r, struct err *e);

#endif
