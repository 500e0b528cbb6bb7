/* SPDX-License-Identifier: MIT
 * harness.c: the decision simulation harness (see harness.h). */
#include "harness.h"

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/cost/archive_rules.h"
#include "models/cost/decision.h"
#include "models/restore/restore_data.h"
#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define NPOL 4
#define ITEMS 12
#define LIFE 730       /* days a monthly point is kept */
#define HISTORY 1095   /* days of restore history */
#define COVER 30.0     /* coverage days of a monthly point */
#define STEPS 8        /* sub-steps per day of the truth's integral */

static const int64_t NOW = 1767225600; /* 2026-01-01T00:00:00Z */
static const char *policy_ids[NPOL] = { "pol-0", "pol-1", "pol-2",
					"pol-3" };
static const int policy_wl[NPOL] = { WL_VM, WL_VM, WL_VM, WL_VM };
static const double sizes[2][2] = { { 50, 50 }, { 30, 100 } };

const char *const sim_truth_names[TR_COUNT] = {
	"omori", "exponential", "power-law", "bump-120d",
	"step-262d", "constant", "hot-policy-20x", "zero"
};

/* Restores per coverage-day at age a (days). */
static double truth_rate(int truth, double a)
{
	double z;

	switch (truth) {
	case TR_OMORI:
		return 5e-7 + 0.02 * pow(a + 5, -1.3);
	case TR_EXPONENTIAL:
		return 5e-7 + 2e-4 * exp(-a / 60);
	case TR_POWER:
		return 0.05 * pow(a + 1, -1.5);
	case TR_BUMP: /* quarterly restore tests around four months */
		z = log((a + 1) / 120) / 0.2;
		return 1e-6 + 8e-5 * exp(-z * z / 2);
	case TR_STEP: /* inside an age band, not on its edge */
		return a < 262 ? 6e-5 : 1e-6;
	case TR_CONSTANT:
		return 2e-5;
	case TR_HOT:
		return 5e-7 + 0.002 * pow(a + 5, -1.3);
	default:
		return 0;
	}
}

/* One policy restoring 20 times more in TR_HOT; coverage included. */
static double point_scale(int truth, int pol)
{
	return COVER * (truth == TR_HOT && pol == 0 ? 20 : 1);
}

/* cum[d]: the rate's integral over ages [0, d], d = 0..LIFE. */
static void truth_table(int truth, double *cum)
{
	cum[0] = 0;
	for (int d = 0; d < LIFE; d++) {
		double s = 0;
		for (int k = 0; k < STEPS; k++)
			s += truth_rate(truth, d + (k + 0.5) / STEPS);
		cum[d + 1] = cum[d] + s / STEPS;
	}
}

/* Restores of one point over ages [entry, exit], day by day. */
static long draw_point(gsl_rng *r, struct restore_data *d, long pol,
		       double scale, const double *cum, double entry,
		       double exit)
{
	long n = 0;

	restore_data_add_exposure(d, WL_VM, pol, RK_MONTHLY, COVER, entry,
				  exit);
	for (int day = (int)entry; day < exit; day++) {
		double lo = fmax(day, entry), hi = fmin(day + 1, exit);
		double m = scale * (cum[day + 1] - cum[day]) * (hi - lo);
		unsigned k = m > 0 ? gsl_ran_poisson(r, m) : 0;

		for (; k; k--, n++)
			restore_data_add_event(
				d, WL_VM, pol, RK_MONTHLY, COVER,
				lo + gsl_rng_uniform(r) * (hi - lo));
	}
	return n;
}

/* Every point alive in the history window: born b days before now,
 * observed over ages [max(0, b - HISTORY), min(LIFE, b)]. */
static long draw_history(gsl_rng *r, int truth, const double *cum,
			 struct restore_data *d)
{
	long n = 0;

	for (long pol = 0; pol < NPOL; pol++)
		for (int it = 0; it < ITEMS; it++)
			for (double b = gsl_rng_uniform(r) * 30;
			     b < HISTORY + LIFE; b += 30)
				n += draw_point(r, d, pol,
						point_scale(truth, (int)pol),
						cum, fmax(0, b - HISTORY),
						fmin(LIFE, b));
	return n;
}

/* What moving at age tau (days; -1: never) costs over the point's life
 * under the truth. */
static double true_cost(const struct point_costs *c, const double *cum,
			double scale, int tau)
{
	if (tau < 0)
		return c->s_day * LIFE;
	return c->s_day * tau + c->q_day * (LIFE - tau) +
	       c->restore_extra * scale * (cum[LIFE] - cum[tau]);
}

static int move_age(const struct decision *d)
{
	if (d->action != ACT_MOVE_NOW && d->action != ACT_MOVE_ON)
		return -1;
	return (int)((d->move_at - NOW) / DAY_S);
}

/* The clairvoyant: the best move age in Azure's window, or never. */
static double best_cost(const struct eligibility *el,
			const struct point_costs *c, const double *cum,
			double scale)
{
	double best = true_cost(c, cum, scale, -1);

	if (el->status == ELIG_NEVER)
		return best;
	for (int64_t t = el->from; t <= el->until; t += DAY_S)
		best = fmin(best, true_cost(c, cum, scale,
					    (int)((t - NOW) / DAY_S)));
	return best;
}

/* A new monthly point of policy pol and size class k, decided every way
 * and priced under the truth. */
static void score_point(const struct restore_model *m, int truth,
			const double *cum, int pol, int k,
			struct sim_result *out)
{
	struct rate_card rc = { 0 };
	struct cost_options co = { REHYDRATION_DAYS_DEFAULT, 0, 2.0 };
	struct item item = { 0 };
	struct rp rp = { 0 };
	struct eligibility el;
	struct point_costs c;
	struct decide_input in;
	struct model_view mv = { m, policy_ids[pol], WL_VM, COVER, 0.5,
				 0.90, 0 };
	struct restore_forecast fc;
	struct decision d;
	double scale = point_scale(truth, pol);

	rc.currency = "EUR";
	rc.std_gb_month = 0.019658;
	rc.arc_gb_month = 0.002106;
	rc.rehydrate_gb_month[0] = 0.019658; /* the sheet's westeurope rate */
	item.workload = WL_VM;
	rp.rp_time = NOW;
	rp.expiry_time = NOW + (int64_t)LIFE * DAY_S;
	rp.kind = RK_MONTHLY;
	rp.tier = TIER_STANDARD;
	rp.move_info = "";
	rp.unique_gb = sizes[k][0];
	rp.full_gb = sizes[k][1];
	archive_eligibility(&item, &rp, NOW, &el);
	point_costs_for(&c, &rc, &co, &rp);
	in = (struct decide_input){ &item, &rp, &el, &c, "EUR", NOW,
				    TIME_NONE, rp.expiry_time };
	restore_model_forecast(m, policy_ids[pol], WL_VM, COVER, 0, LIFE,
			       0.90, &fc);
	decide_with_model(&in, &mv, &fc, &d);
	out->plan += true_cost(&c, cum, scale, move_age(&d));
	decide_breakeven(&in, &d);
	out->breakeven += true_cost(&c, cum, scale, move_age(&d));
	out->best += best_cost(&el, &c, cum, scale);
	out->tier_after_3m += true_cost(&c, cum, scale, VM_MIN_AGE_DAYS);
	out->never += true_cost(&c, cum, scale, -1);
}

int sim_run(int truth, unsigned long seed, struct sim_result *out)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct fit_options fo = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;
	double cum[LIFE + 1];

	memset(out, 0, sizeof(*out));
	gsl_rng_set(r, seed);
	truth_table(truth, cum);
	restore_data_init(&d, NPOL, policy_ids, policy_wl);
	out->restores = draw_history(r, truth, cum, &d);
	gsl_rng_free(r);
	if (restore_model_fit_data(&m, &d, &fo, &e)) {
		restore_data_release(&d);
		return -1;
	}
	strfmt(out->method, sizeof(out->method), "%s",
	       restore_model_method(m));
	for (int pol = 0; pol < NPOL; pol++)
		for (int k = 0; k < 2; k++)
			score_point(m, truth, cum, pol, k, out);
	restore_model_free(m);
	restore_data_release(&d);
	return 0;
}

double sim_ratio(const struct sim_result *r)
{
	return r->plan / r->best;
}

double sim_share(const struct sim_result *r)
{
	double gap = r->tier_after_3m - r->best;

	if (gap < 1e-9)
		return r->plan - r->best < 1e-9 ? 1 : 0;
	return (r->tier_after_3m - r->plan) / gap;
}
