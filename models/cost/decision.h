/* SPDX-License-Identifier: MIT
 * decision.h: what to do with one recovery point that Azure's rules allow
 * (or will allow) in Archive: move now, move on a date, or keep — with
 * the money and a reason a person understands, on the restore model: a
 * fit, or with few restores the documented prior (docs/modeling.md §3.2);
 * never when Archive costs more than it frees (q >= s). Pure functions,
 * no I/O. */
#ifndef VW_DECISION_H
#define VW_DECISION_H

#include <stdbool.h>
#include <stdint.h>

#include "models/cost/archive_rules.h"
#include "models/cost/tiercost.h"

enum plan_action { ACT_MOVE_NOW, ACT_MOVE_ON, ACT_KEEP, ACT_INELIGIBLE,
		   ACT_COUNT };
extern const char *const plan_action_names[ACT_COUNT];

struct decide_input {
	const struct item *it;
	const struct rp *rp;
	const struct eligibility *el;
	const struct point_costs *c;
	const char *currency;
	int64_t now;
	int64_t horizon_end;   /* for points kept forever */
};

/* A move's figures for its sentence, composed only when a row needs it
 * (decision_say): reasons.csv's sentence and the row's columns say the
 * same for most moves. */
struct move_words {
	double months;           /* left after the move */
	double freed_gb, s_month, archived_gb, q_month;
	double early;            /* the early-deletion risk priced */
	const char *currency;
	const char *held;        /* "" or why not before (borrowed) */
};

struct decision {
	int action;            /* enum plan_action */
	int64_t move_at;       /* TIME_NONE unless a move is planned */
	double saving_total;   /* money saved over the rest of its life */
	double breakeven_days; /* (dc + m) / (s - q); INFINITY: never saves */
	double p_restore, p_restore_lo, p_restore_hi;
	double expected_restores;  /* over the remaining life */
	double restore_cost;       /* expected, once archived */
	int code;                  /* enum reason_code (reason.h) */
	struct move_words words;   /* a move's, for decision_say */
	bool says_more;            /* reason holds more than code's sentence
				    * and the row's columns */
	char reason[640];
};

/* ---- the restore-likelihood model (modeling.md §3.2) ----
 * Moving at age t costs C(t) = s (t - a) + q (L - t) + dc E[restores in
 * (t, L)] + m; dC/dt = (s - q) - dc r(t), so with a decreasing restore
 * rate r the best age is the first where r(t) <= theta = (s - q) / dc. */

struct restore_model;

/* First age (days, >= 0) at which w_rho * lambda(a) <= theta, for the
 * Omori-plus-floor intensity h: (K / (theta' - B))^(1/p) - c with
 * theta' = theta / w_rho; INFINITY when the floor alone is above theta',
 * 0 when the rate starts below it. */
struct hazard;
double optimal_move_age(const struct hazard *h, double w_rho, double theta);

/* What the decision asks of the model for one point. */
struct model_view {
	const struct restore_model *m;
	const char *policy_id;
	int workload;
	double weight;          /* coverage days of the point */
	double risk_q;          /* 0.5: posterior mean; else the Q-quantile */
	double level;           /* of the reported intervals */
	double cut_risk;        /* P(deleted right after a move) */
};

/* fc: the model's forecast for the point over its remaining life (the
 * caller computes it, and may reuse it across points of the same ages). */
struct restore_forecast;
void decide_with_model(const struct decide_input *in,
		       const struct model_view *mv,
		       const struct restore_forecast *fc,
		       struct decision *out);

/* A move's reason is left empty unless says_more: this composes it
 * (nothing for other decisions, whose reason is always there). */
void decision_say(struct decision *d);

/* *to = *from, copying reason up to its end only. */
void decision_copy(struct decision *to, const struct decision *from);

/* Months between two times, for reasons ("over the remaining 11.2 months"). */
double months_between(int64_t a, int64_t b);

#endif
