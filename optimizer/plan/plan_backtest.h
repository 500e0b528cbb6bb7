/* SPDX-License-Identifier: MIT
 * plan_backtest.h: `backtest`, the plan stage as of a past date: fits
 * the restore model on what was known then (restores and points up to
 * that date), plans with it, and scores that plan against the restores
 * that happened afterwards in the same snapshot, next to TierAfter-3m and
 * do-nothing (docs/commands/backtest.md). Writes DIR/backtest.csv (one row
 * per archivable point) and DIR/plan/ (the plan as of that date). Called
 * by `backtest`; prints nothing. */
#ifndef VW_PLAN_BACKTEST_H
#define VW_PLAN_BACKTEST_H

#include "optimizer/base/err.h"
#include "optimizer/plan/plan.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/restore/restore_model.h"

enum bt_strategy { BT_PLAN, BT_TIER_AFTER_3M, BT_DO_NOTHING, BT_COUNT };
extern const char *const bt_strategy_names[BT_COUNT];

struct backtest_options {
	struct plan_options plan; /* prices, currency, costs; no model */
	struct fit_options fit;
	int64_t as_of;            /* the past date planned from */
};

struct backtest_summary {
	char currency[8];
	int64_t as_of, until;     /* scored from as_of to the export */
	char method[16];          /* of the model fitted as of as_of */
	long restores_fit;        /* restores the fit used */
	long points;              /* archivable points alive at as_of */
	long restores_after;      /* their restores after as_of */
	double cost[BT_COUNT];    /* storage and rehydration, as_of..until */
	long rehydrations[BT_COUNT];
	struct plan_summary plan;
};

int backtest_run(struct snapshot *s, const struct backtest_options *o,
		 const char *out_dir, struct backtest_summary *out,
		 struct err *e);

#endif
