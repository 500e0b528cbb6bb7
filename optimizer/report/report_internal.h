/* SPDX-License-Identifier: MIT
 * report_internal.h: what the parts of the report stage share: the
 * context of one run and the readers of each input. Only optimizer/
 * report*.c include it. Nothing here prints. */
#ifndef VW_REPORT_INTERNAL_H
#define VW_REPORT_INTERNAL_H

#include "optimizer/base/err.h"
#include "optimizer/report/report.h"
#include "reports/report_data.h"
#include "optimizer/snapshot/snapshot.h"

/* A row of plan/summary.csv. */
struct rep_planned {
	bool set;
	long considered, move_now, move_on, keep;
	double storage_now, storage_after, saving;
	double pi;              /* monthly_pi; NAN: not given */
	const char *basis;      /* money_basis_names; NULL: not given */
};

struct report_ctx {
	struct report_data *d;
	const struct report_options *o;
	struct snapshot *s;
	struct snapshot prev;        /* opened when o->previous is set */
	bool has_prev;
	/* per vault / per policy (+1: items with no policy) */
	struct rep_stats *now_vault, *now_policy;
	struct rep_stats *prev_vault, *prev_policy;
	/* plan.csv's expected_restores and expected_restore_cost summed over
	 * the moved points; NAN: not assessed (the arrays are risk's) */
	struct plan_risk risk;
	double *vault_restores, *policy_restores;
	double *vault_restore_cost, *policy_restore_cost;
	char *shown[6];              /* the paths as the page names them */
	struct rep_planned *plan_vault, *plan_policy, plan_total;
};

/* plan.json: as_of, currency, price sheet, horizon. Checks the plan was
 * made as of the snapshot's as_of. Loads the price sheet into d. */
int report_read_plan_meta(struct report_ctx *c, struct err *e);
/* summary.csv: the plan's decisions and savings per vault and policy. */
int report_read_summary(struct report_ctx *c, struct err *e);
/* strategies.csv into d->series; d->avg_saving. */
int report_read_strategies(struct report_ctx *c, struct err *e);
/* plan.csv: the restore risk of the points the plan moves (its
 * expected_restores and expected_restore_cost), in total, per vault and
 * per policy. */
int report_read_plan_points(struct report_ctx *c, struct err *e);
/* vault_months.csv: the plan strategy per vault and month into d->vm,
 * and its tie-out against strategies.csv's plan line. Needs the rate
 * cards (report_estate_pass) and strategies.csv read. */
int report_read_vault_months(struct report_ctx *c, struct err *e);

/* The pass over the snapshot's points as of now into c: the one o->estate
 * made ahead when it was made with plan.json's price sheet and currency,
 * else report_estate_pass's. */
int report_estate_now(struct report_ctx *c, struct err *e);

/* With --previous: the month's change by cause into d->causes. */
int report_causes(struct report_ctx *c, struct err *e);

/* levers.csv: the largest levers into d->levers (none when the plan was
 * made by a vaultwise without levers). */
int report_read_levers(struct report_ctx *c, struct err *e);
/* reasons.csv: the plan's reason codes into d->reasons (none when the
 * plan was made by a vaultwise without them). */
int report_read_reasons(struct report_ctx *c, struct err *e);

/* One pass over a snapshot's items and points: storage and fees per
 * vault and policy (into vault[] and policy[], npolicies + 1 long).
 * For the current snapshot, also sets each vault's rate card and counts
 * protected-instance units into d->vm. */
int report_estate_pass(struct report_ctx *c, struct snapshot *s,
		       struct rep_stats *vault, struct rep_stats *policy,
		       bool current, struct err *e);

/* Vault and policy groups, now against previous. */
void report_build_groups(struct report_ctx *c);

/* The Backup vaults' cost now (d->bvaults, d->bv_total) at the plan's
 * prices; needs report_read_plan_meta. */
void report_bv_costs(struct report_ctx *c);

int report_read_model(struct report_ctx *c, struct err *e);
int report_read_rpo(struct report_ctx *c, struct err *e);
int report_read_posture(struct report_ctx *c, struct err *e);

#endif
