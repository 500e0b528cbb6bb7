/* SPDX-License-Identifier: MIT
 * decision.c: the tiering decision per point on the restore model (a fit
 * or the documented prior). */
#include "models/cost/decision.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_roots.h>

#include "models/restore/restore_model.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const plan_action_names[ACT_COUNT] = { "move_now", "move_on",
						   "keep", "ineligible" };

double months_between(int64_t a, int64_t b)
{
	return (double)(b - a) / DAY_S / DAYS_PER_MONTH;
}

static int64_t life_end(const struct decide_input *in)
{
	return in->rp->expiry_time != TIME_NONE ? in->rp->expiry_time
						: in->horizon_end;
}

static void keep_low_churn(const struct decide_input *in,
			   struct decision *out)
{
	const struct point_costs *c = in->c;

	strfmt(out->reason, sizeof(out->reason),
		 "%s: the Archive copy is full size (%.1f GiB, %.2f %s/month) "
		 "and costs more than the %.1f GiB it frees in Standard "
		 "(%.2f %s/month)",
		 in->it->workload == WL_VM ? "low churn" : "no saving",
		 c->archived_gb, c->q_day * DAYS_PER_MONTH, in->currency,
		 c->freed_gb, c->s_day * DAYS_PER_MONTH, in->currency);
	out->action = ACT_KEEP;
	out->code = RC_LOW_CHURN;
}

/* Zeroes the figures and empties reason without clearing its 640 bytes:
 * a VM point is decided up to three times, and most have no words. */
static void decision_init(struct decision *out, const struct point_costs *c)
{
	memset(out, 0, offsetof(struct decision, reason));
	out->reason[0] = '\0';
	out->move_at = TIME_NONE;
	out->p_restore = out->p_restore_lo = out->p_restore_hi = NAN;
	out->expected_restores = NAN;
	out->breakeven_days = breakeven_days(c);
}

/* ---- with the model ---- */

double optimal_move_age(const struct hazard *h, double w_rho, double theta)
{
	double t;

	if (!(w_rho > 0) || isinf(theta))
		return 0;
	t = theta / w_rho;
	if (t <= h->B)
		return INFINITY;
	if (h->K <= 0)
		return 0;
	t = pow(h->K / (t - h->B), 1 / h->p) - h->c;
	return t > 0 ? t : 0;
}

/* The restore rate the decision uses at age a (per day). */
static double rate_at(const struct model_view *mv, double a)
{
	return restore_model_rate_quantile(mv->m, mv->policy_id, mv->workload,
					   mv->weight, a, mv->risk_q);
}

struct root_ctx {
	const struct model_view *mv;
	double theta;
};

static double rate_minus_theta(double a, void *arg)
{
	const struct root_ctx *rc = arg;
	return rate_at(rc->mv, a) - rc->theta;
}

static double rate_fn(double a, void *arg)
{
	return rate_at(arg, a);
}

/* The Q-quantile rate has no closed-form inverse: Brent on [lo, hi],
 * after checking the ends (modeling.md §2.6: the bracket must change
 * sign). */
static double move_age_by_brent(const struct model_view *mv, double theta,
				double lo, double hi)
{
	struct root_ctx rc = { mv, theta };
	gsl_function f = { rate_minus_theta, &rc };
	gsl_root_fsolver *s;
	double root = INFINITY;

	if (rate_minus_theta(lo, &rc) <= 0)
		return lo;
	if (!(hi > lo) || rate_minus_theta(hi, &rc) > 0)
		return INFINITY;
	s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s || gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
		gsl_root_fsolver_free(s);
		return INFINITY;
	}
	for (int i = 0; i < 100; i++) {
		if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
			break;
		root = gsl_root_fsolver_root(s);
		if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
					   gsl_root_fsolver_x_upper(s), 1e-3,
					   0) == GSL_SUCCESS)
			break;
	}
	gsl_root_fsolver_free(s);
	return root;
}

/* Expected restores of the point over ages [a0, a1] at the decision's
 * rate: closed form for the mean, numerical (QAG) for a quantile. */
static double restores_between(const struct model_view *mv, double a0,
			       double a1)
{
	gsl_integration_workspace *w;
	gsl_function f = { rate_fn, (void *)mv };
	double result = NAN, abserr;

	if (!(a1 > a0))
		return 0;
	if (mv->risk_q == 0.5)
		return restore_model_expected(mv->m, mv->policy_id,
					      mv->workload, mv->weight, a0, a1);
	w = gsl_integration_workspace_alloc(200);
	if (w && gsl_integration_qag(&f, a0, a1, 0, 1e-6, 200,
				     GSL_INTEG_GAUSS21, w, &result,
				     &abserr) != GSL_SUCCESS)
		result = NAN;
	gsl_integration_workspace_free(w);
	return result;
}

static double age_days(int64_t t, int64_t born)
{
	return (double)(t - born) / DAY_S;
}

static void keep_for_restores(const struct decide_input *in, double gain,
			      double restore_cost, double expected,
			      struct decision *out)
{
	strfmt(out->reason, sizeof(out->reason),
		 "archiving would save %.2f %s in storage over its remaining "
		 "life, but the %.2f restores expected meanwhile (P(any) "
		 "%.0f%% [%.0f-%.0f%%]) would cost %.2f %s from Archive",
		 gain, in->currency, expected, 100 * out->p_restore,
		 100 * out->p_restore_lo, 100 * out->p_restore_hi,
		 restore_cost, in->currency);
	out->action = ACT_KEEP;
	out->code = RC_RESTORE_COST;
}

void decide_with_model(const struct decide_input *in,
		       const struct model_view *mv,
		       const struct restore_forecast *fc,
		       struct decision *out)
{
	const struct point_costs *c = in->c;
	const struct rp *rp = in->rp;
	int64_t end = life_end(in), start = in->el->from > in->now
						    ? in->el->from
						    : in->now;
	double a_start = age_days(start, rp->rp_time);
	double a_end = age_days(end, rp->rp_time);
	double a_last = in->el->until == TIME_NONE
				? a_end
				: age_days(in->el->until, rp->rp_time);
	double theta, tau, gain, expected, restore_cost, early;
	bool held;
	char when[DATE_ISO_LEN];

	decision_init(out, c);
	out->expected_restores = fc->mean;
	out->p_restore = fc->p_any;
	out->p_restore_lo = fc->p_any_lo;
	out->p_restore_hi = fc->p_any_hi;
	if (in->el->status == ELIG_NEVER) {
		out->action = ACT_INELIGIBLE;
		out->code = in->el->code;
		strlcpy_vw(out->reason, in->el->why, sizeof(out->reason));
		return;
	}
	if (c->q_day >= c->s_day)
		return keep_low_churn(in, out);
	theta = c->restore_extra > 0 ? (c->s_day - c->q_day) / c->restore_extra
				     : INFINITY;
	if (mv->risk_q == 0.5) {
		tau = restore_model_best_age(mv->m, mv->policy_id,
					     mv->workload, mv->weight, theta,
					     a_start, a_last);
	} else {
		tau = move_age_by_brent(mv, theta, a_start, a_last);
	}
	if (tau <= a_start)
		tau = a_start; /* move as soon as allowed */
	else
		tau = ceil(tau - 1e-9); /* whole days: a plan names dates */
	expected = restores_between(mv, tau, a_end);
	restore_cost = c->restore_extra * expected;
	gain = (c->s_day - c->q_day) * (a_end - tau);
	if (tau > a_last) {
		time_format_date(in->el->until, when);
		strfmt(out->reason, sizeof(out->reason),
			 "restore risk: its restore rate (P(any) %.0f%% "
			 "[%.0f-%.0f%%] over its remaining life) stays above "
			 "the %.5f/day at which Archive pays (one restore from "
			 "Archive costs %.2f %s) until after %s, the last day "
			 "a move leaves the 180 days Archive requires",
			 100 * out->p_restore, 100 * out->p_restore_lo,
			 100 * out->p_restore_hi, theta, c->restore_extra,
			 in->currency, when);
		out->action = ACT_KEEP;
		out->code = RC_RESTORE_RISK;
		return;
	}
	early = mv->cut_risk * c->q_day * EARLY_DELETION_DAYS;
	if (gain - restore_cost - c->move_cost - early <= 0)
		return keep_for_restores(in, gain, restore_cost, expected, out);
	out->move_at = tau == a_start ? start
				      : rp->rp_time + (int64_t)tau * DAY_S;
	out->action = out->move_at <= in->now ? ACT_MOVE_NOW : ACT_MOVE_ON;
	out->restore_cost = restore_cost;
	out->saving_total = gain - restore_cost - c->move_cost - early;
	held = out->action == ACT_MOVE_ON && in->el->held[0];
	out->code = held && in->el->held_code == RC_DEPENDANTS
			    ? RC_BREAKEVEN_LATER
			    : RC_BREAKEVEN;
	out->says_more = early > 0 ||
			 (held && out->code != RC_BREAKEVEN_LATER);
	out->words = (struct move_words){
		months_between(out->move_at, end), c->freed_gb,
		c->s_day * DAYS_PER_MONTH, c->archived_gb,
		c->q_day * DAYS_PER_MONTH, early, in->currency,
		out->action == ACT_MOVE_ON ? in->el->held : ""
	};
	if (out->says_more)
		decision_say(out);
}

void decision_copy(struct decision *to, const struct decision *from)
{
	memcpy(to, from, offsetof(struct decision, reason));
	strlcpy_vw(to->reason, from->reason, sizeof(to->reason));
}

void decision_say(struct decision *d)
{
	const struct move_words *w = &d->words;
	char when[DATE_ISO_LEN];

	if (d->reason[0] ||
	    (d->action != ACT_MOVE_NOW && d->action != ACT_MOVE_ON))
		return;
	time_format_date(d->move_at, when);
	strfmt(d->reason, sizeof(d->reason),
		 "saves %.2f %s over the remaining %.1f months; P(restore) "
		 "%.0f%% [%.0f-%.0f%%]; %s%s: frees %.1f GiB of Standard "
		 "(%.2f %s/month) for a %.1f GiB Archive copy (%.2f "
		 "%s/month), net of %.2f %s expected for restores from "
		 "Archive%s%s%s",
		 d->saving_total, w->currency, w->months, 100 * d->p_restore,
		 100 * d->p_restore_lo, 100 * d->p_restore_hi,
		 d->action == ACT_MOVE_NOW ? "move now" : "move on ",
		 d->action == ACT_MOVE_NOW ? "" : when, w->freed_gb,
		 w->s_month, w->currency, w->archived_gb, w->q_month,
		 w->currency, d->restore_cost, w->currency,
		 w->early > 0 ? " and of the early-deletion risk" : "",
		 w->held[0] ? "; not before: " : "", w->held);
}
