/* SPDX-License-Identifier: MIT
 * harness.c: the decision simulation harness (see harness.h). */
#include "harness.h"
#include "chain.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/cost/archive_rules.h"
#include "models/cost/decision.h"
#include "models/restore/restore_data.h"
#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"
#include "models/cost/sizes.h"
#include "models/cost/tiercost.h"
#include "models/cost/vmset.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define NPOL 4
#define ITEMS 12
#define LIFE 730       /* days a monthly point is kept */
#define YLIFE 1095     /* days a yearly point is kept */
#define YCOVER 365.0   /* coverage days of a yearly point */
#define SLOTS 12       /* long-term points a year: 11 monthly, 1 yearly */
#define HISTORY 1095   /* days of restore history */
#define COVER 30.0     /* coverage days of a monthly point */
#define STEPS 8        /* sub-steps per day of the truth's integral */

static const int64_t NOW = 1767225600; /* 2026-01-01T00:00:00Z */
static const char *policy_ids[NPOL] = { "pol-0", "pol-1", "pol-2",
					"pol-3" };
static const int policy_wl[NPOL] = { WL_VM, WL_VM, WL_VM, WL_VM };

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
static double point_scale(int truth, int pol, double cover)
{
	return cover * (truth == TR_HOT && pol == 0 ? 20 : 1);
}

/* cum[d]: the rate's integral over ages [0, d], d = 0..YLIFE. */
static void truth_table(int truth, double *cum)
{
	cum[0] = 0;
	for (int d = 0; d < YLIFE; d++) {
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
						point_scale(truth, (int)pol, COVER),
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

/* The westeurope EUR list prices (data/prices) and plan's defaults, with
 * 2 EUR per hour of delay. */
static const struct cost_options cost_opts = { REHYDRATION_DAYS_DEFAULT, 0,
					       2.0 };

static void card_eur(struct rate_card *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->currency = "EUR";
	rc->std_gb_month = 0.019658;
	rc->arc_gb_month = 0.002106;
	rc->rehydrate_gb_month[0] = 0.019658; /* the sheet's westeurope rate */
}

/* A new point of policy pol decided by plan. */
struct decided {
	struct eligibility el;
	struct point_costs c;
	int plan;  /* move age in days; -1: never */
};

static void decide_new_point(const struct restore_model *m, int pol,
			     int kind, double unique_gb, double full_gb,
			     struct decided *out)
{
	bool yearly = kind == RK_YEARLY;
	int life = yearly ? YLIFE : LIFE;
	double cover = yearly ? YCOVER : COVER;
	struct rate_card rc;
	struct item item = { 0 };
	struct rp rp = { 0 };
	struct decide_input in;
	struct model_view mv = { m, policy_ids[pol], WL_VM, cover, 0.5,
				 0.90, 0 };
	struct restore_forecast fc;
	struct decision d;

	card_eur(&rc);
	item.workload = WL_VM;
	rp.rp_time = NOW;
	rp.expiry_time = NOW + (int64_t)life * DAY_S;
	rp.kind = kind;
	rp.tier = TIER_STANDARD;
	rp.move_info = "";
	rp.unique_gb = unique_gb;
	rp.full_gb = full_gb;
	archive_eligibility(&item, &rp, NOW, &out->el);
	point_costs_for(&out->c, &rc, &cost_opts, &rp);
	in = (struct decide_input){ &item, &rp, &out->el, &out->c, "EUR",
				    NOW, rp.expiry_time };
	restore_model_forecast(m, policy_ids[pol], WL_VM, cover, 0, life,
			       0.90, &fc);
	decide_with_model(&in, &mv, &fc, &d);
	out->plan = move_age(&d);
}

/* A new monthly database-like point of policy pol (it frees what it
 * archives, no chain), decided every way (m: the fit, mp: the prior) and
 * priced under the truth. */
static void score_point(const struct restore_model *m,
			const struct restore_model *mp, int truth,
			const double *cum, int pol, struct sim_result *out)
{
	struct decided dd, dp;
	double scale = point_scale(truth, pol, COVER);

	decide_new_point(m, pol, RK_MONTHLY, 50, 50, &dd);
	decide_new_point(mp, pol, RK_MONTHLY, 50, 50, &dp);
	out->plan += true_cost(&dd.c, cum, scale, dd.plan);
	out->prior += true_cost(&dp.c, cum, scale, dp.plan);
	out->best += best_cost(&dd.el, &dd.c, cum, scale);
	out->tier_after_3m += true_cost(&dd.c, cum, scale, VM_MIN_AGE_DAYS);
	out->never += true_cost(&dd.c, cum, scale, -1);
}

/* A VM chain of policy pol (chain.h): 100 GiB at the churn at which a
 * monthly point between two monthly neighbours holds 30 GiB. */
struct chain_truth {
	struct chain_spec cs;
	const double *cum;
	double extra, scale_m, scale_y;
};

/* Expected restore cost of a point archived at age tau (-1: never). */
static double restores_after(const struct chain_truth *ct, double scale,
			     int life, int tau)
{
	return tau < 0 ? 0
		       : ct->extra * scale * (ct->cum[life] - ct->cum[tau]);
}

/* What the chain costs per long-term point (a year's storage and the
 * restores of a year's points, over 12) when monthly points move at
 * tau_m and yearly ones at tau_y. */
static double chain_cost(const struct chain_truth *ct, int tau_m, int tau_y)
{
	return (chain_storage_year(&ct->cs, tau_m, tau_y) +
		(SLOTS - 1) * restores_after(ct, ct->scale_m, LIFE, tau_m) +
		restores_after(ct, ct->scale_y, YLIFE, tau_y)) /
	       SLOTS;
}

/* The clairvoyant static plan: the best pair of move ages (Azure's
 * windows, or never), on a 20-day grid, then day by day around it, one
 * age and then the other, twice. */
#define GRID 20

static bool in_window(int tau, int hi)
{
	return tau == -1 || (tau >= VM_MIN_AGE_DAYS && tau <= hi);
}

static double chain_best(const struct chain_truth *ct)
{
	const int hi[2] = { LIFE - MIN_REMAINING_DAYS,
			    YLIFE - MIN_REMAINING_DAYS };
	int b[2] = { -1, -1 };
	double best = chain_cost(ct, -1, -1);

	for (int tm = VM_MIN_AGE_DAYS - GRID; tm <= hi[0]; tm += GRID)
		for (int ty = VM_MIN_AGE_DAYS - GRID; ty <= hi[1];
		     ty += GRID) {
			int m = tm < VM_MIN_AGE_DAYS ? -1 : tm;
			int y = ty < VM_MIN_AGE_DAYS ? -1 : ty;
			double c = chain_cost(ct, m, y);
			if (c < best) {
				best = c;
				b[0] = m;
				b[1] = y;
			}
		}
	for (int round = 0; round < 4; round++) {
		int k = round % 2, at = b[k];
		for (int d = 1 - GRID; at >= 0 && d < GRID; d++) {
			int t[2] = { b[0], b[1] };
			double c;
			t[k] = at + d;
			if (!in_window(t[k], hi[k]))
				continue;
			c = chain_cost(ct, t[0], t[1]);
			if (c < best) {
				best = c;
				b[k] = t[k];
			}
		}
	}
	return best;
}

/* ---- plan run every month on the chain ----
 * plan decides the points it sees on the day it runs, each priced at
 * what it frees then (vmset.h, sizes.h: unique_gb_at with the neighbours
 * still in Standard), and runs again a month later. In the steady state
 * every monthly point follows the same ages, and every yearly one: so the
 * chain is built from the ages (tau_m, tau_y) the other points follow,
 * and a point's age under plan is the first run that moves it. */

#define SLOT_DAYS 30
#define CHAIN_MAX 128

struct replan {
	const struct restore_model *m;
	int pol;
	const struct chain_spec *cs;
	struct item item;
	struct rp rps[CHAIN_MAX];
	double freed[CHAIN_MAX];
	int64_t leave[CHAIN_MAX];
	bool candidate[CHAIN_MAX];
};

static int64_t at_day(double d)
{
	return NOW + (int64_t)(d * DAY_S);
}

static void add_chain_point(struct replan *r, size_t *n, double born,
			    int kind, int life, bool archived)
{
	struct rp *rp = &r->rps[*n];

	if (*n >= CHAIN_MAX)
		return;
	memset(rp, 0, sizeof(*rp));
	rp->rp_id = "";
	rp->move_info = "";
	rp->rp_time = at_day(born);
	rp->expiry_time = at_day(born + life);
	rp->kind = kind;
	rp->tier = archived ? TIER_ARCHIVE : TIER_STANDARD;
	rp->move_ready = MR_UNKNOWN;
	rp->unique_gb = 0;
	rp->full_gb = r->cs->source_gb;
	(*n)++;
}

/* The chain on day now, oldest first: the long-term points alive (moved
 * at the ages the others follow; slot k0's point not yet), then the last
 * daily_keep days' points; *me: where slot k0's point is. */
static size_t chain_on(struct replan *r, double now, long k0, int tau_m,
		       int tau_y, size_t *me)
{
	const struct chain_spec *cs = r->cs;
	size_t n = 0;

	for (long k = (long)floor((now - cs->year_life) / SLOT_DAYS) - 1;
	     SLOT_DAYS * k <= now; k++) {
		double b = SLOT_DAYS * (double)k;
		bool yearly = k % SLOTS == 0;
		int life = yearly ? cs->year_life : cs->month_life;
		int tau = yearly ? tau_y : tau_m;
		if (now >= b + life)
			continue;
		if (b > now - cs->daily_keep)
			continue; /* among the dailies: added below */
		if (k == k0)
			*me = n;
		add_chain_point(r, &n, b, yearly ? RK_YEARLY : RK_MONTHLY,
				life,
				k != k0 && tau >= 0 && now - b >= tau);
	}
	for (long d = (long)floor(now - cs->daily_keep) + 1; d <= (long)now;
	     d++) {
		long k = d / SLOT_DAYS;
		bool slot = d % SLOT_DAYS == 0;
		if (slot && k == k0)
			*me = n;
		add_chain_point(r, &n, (double)d,
				slot ? (k % SLOTS ? RK_MONTHLY : RK_YEARLY)
				     : RK_DAILY,
				slot ? (k % SLOTS ? cs->month_life
						  : cs->year_life)
				     : cs->daily_keep,
				false);
	}
	return n;
}

/* plan's decision on day t for chain point i, priced at what it frees at
 * its move or, when more, at what it holds in Standard over its life
 * (fp, vmset_footprint; NAN: not known yet): its move date, or
 * TIME_NONE. */
static int64_t decide_chain_point(struct replan *r, size_t n, size_t i,
				  int64_t t, double fp)
{
	struct rate_card rc;
	struct eligibility el;
	struct point_costs c;
	struct rp at_move = r->rps[i];
	const struct rp *rp = &r->rps[i];
	double cover = rp->kind == RK_YEARLY ? YCOVER : COVER;
	struct model_view mv = { r->m, policy_ids[r->pol], WL_VM, cover,
				 0.5, 0.90, 0 };
	struct restore_forecast fc;
	struct decide_input in;
	struct decision d;

	card_eur(&rc);
	archive_eligibility(&r->item, rp, t, &el);
	if (el.status == ELIG_NEVER)
		return TIME_NONE;
	at_move.unique_gb = !isnan(r->freed[i])
				    ? r->freed[i]
				    : unique_gb_at(&r->item, r->rps, n, i,
						   el.from > t ? el.from : t);
	if (fp > at_move.unique_gb)
		at_move.unique_gb = fp;
	point_costs_for(&c, &rc, &cost_opts, &at_move);
	in = (struct decide_input){ &r->item, rp, &el, &c, "EUR", t,
				    rp->expiry_time };
	restore_model_forecast(r->m, policy_ids[r->pol], WL_VM, cover,
			       (double)(t - rp->rp_time) / DAY_S,
			       (double)(rp->expiry_time - rp->rp_time) /
				       DAY_S,
			       0.90, &fc);
	decide_with_model(&in, &mv, &fc, &d);
	return d.action == ACT_MOVE_NOW || d.action == ACT_MOVE_ON
		       ? d.move_at
		       : TIME_NONE;
}

/* One run of plan on day now for the point at me, as plan does it: the
 * VM set, each candidate's move on what it frees then, and me's on what
 * it holds over its life as the others expire or move. */
static int64_t plan_run_on(struct replan *r, size_t n, size_t me,
			   double now)
{
	struct rate_card rc;
	struct vmset_result set;
	struct eligibility el;
	int64_t t = at_day(now), from;

	card_eur(&rc);
	for (size_t i = 0; i < n; i++) {
		struct eligibility e;
		r->candidate[i] = false;
		if (!archivable_kind(WL_VM, r->rps[i].kind))
			continue;
		archive_eligibility(&r->item, &r->rps[i], t, &e);
		r->candidate[i] = e.status != ELIG_NEVER;
	}
	archive_eligibility(&r->item, &r->rps[me], t, &el);
	if (el.status == ELIG_NEVER)
		return TIME_NONE;
	vmset_score(&r->item, r->rps, n, r->candidate, rc.std_gb_month,
		    rc.arc_gb_month, true, r->freed, &set);
	for (size_t i = 0; i < n; i++) {
		int64_t at = r->candidate[i]
				     ? decide_chain_point(r, n, i, t, NAN)
				     : TIME_NONE;
		r->leave[i] = at != TIME_NONE ? at : r->rps[i].expiry_time;
	}
	from = el.from > t ? el.from : t;
	return decide_chain_point(
		r, n, me, t,
		vmset_footprint(&r->item, r->rps, n, me, r->leave, r->freed,
				true, from, r->rps[me].expiry_time));
}

/* The age at which monthly plan runs move slot k0's point (-1: never),
 * the others following (tau_m, tau_y). */
static int replanned_age(struct replan *r, long k0, int tau_m, int tau_y)
{
	double born = SLOT_DAYS * (double)k0;
	int life = k0 % SLOTS ? r->cs->month_life : r->cs->year_life;

	for (double a = 0; a < life; a += SLOT_DAYS) {
		size_t me = 0, n = chain_on(r, born + a, k0, tau_m, tau_y, &me);
		int64_t at = plan_run_on(r, n, me, born + a);
		if (at != TIME_NONE && at < at_day(born + a + SLOT_DAYS))
			return (int)((at - at_day(born)) / DAY_S);
	}
	return -1;
}

/* plan's ages in the steady state: each kind's age given the other
 * points', until they agree, or after six rounds the last (monthly runs
 * can leave two neighbouring pairs alternating, e.g. 117/829 and
 * 129/858 days). */
static void replanned_ages(struct replan *r, int *tau_m, int *tau_y)
{
	for (int round = 0; round < 6; round++) {
		int m = replanned_age(r, 1, *tau_m, *tau_y);
		int y = replanned_age(r, SLOTS, m, *tau_y);
		if (m == *tau_m && y == *tau_y)
			return;
		*tau_m = m;
		*tau_y = y;
	}
}

/* plan's steady-state ages (tau_m, tau_y) on the chain deciding on m. */
static void chain_ages(const struct restore_model *m, int pol,
		       const struct chain_truth *ct, int *tau)
{
	struct decided mo, yr;
	struct replan r = { 0 };

	/* plan prices a point at what it holds between monthly
	 * neighbours */
	decide_new_point(m, pol, RK_MONTHLY, 30, 100, &mo);
	decide_new_point(m, pol, RK_YEARLY, 30, 100, &yr);
	r.m = m;
	r.pol = pol;
	r.cs = &ct->cs;
	r.item.workload = WL_VM;
	r.item.source_gb = ct->cs.source_gb;
	r.item.daily_churn = ct->cs.churn;
	r.item.policy_idx = -1;
	tau[0] = mo.plan;
	tau[1] = yr.plan;
	replanned_ages(&r, &tau[0], &tau[1]);
}

static void score_chain(const struct restore_model *m,
			const struct restore_model *mp, int truth,
			const double *cum, int pol, struct sim_result *out)
{
	struct chain_truth ct;
	struct decided mo;
	struct rate_card rc;
	double f30 = sqrt(0.3);
	int plan[2], prior[2];

	card_eur(&rc);
	ct.cs = (struct chain_spec){ 100, -expm1(log1p(-f30) / 30), 30, LIFE,
				     YLIFE, rc.std_gb_month,
				     rc.arc_gb_month };
	ct.cum = cum;
	ct.scale_m = point_scale(truth, pol, COVER);
	ct.scale_y = point_scale(truth, pol, YCOVER);
	decide_new_point(m, pol, RK_MONTHLY, 30, 100, &mo);
	ct.extra = mo.c.restore_extra;
	chain_ages(m, pol, &ct, plan);
	chain_ages(mp, pol, &ct, prior);
	out->plan += chain_cost(&ct, plan[0], plan[1]);
	out->prior += chain_cost(&ct, prior[0], prior[1]);
	out->best += chain_best(&ct);
	out->tier_after_3m +=
		chain_cost(&ct, VM_MIN_AGE_DAYS, VM_MIN_AGE_DAYS);
	out->never += chain_cost(&ct, -1, -1);
}

int sim_run(int truth, unsigned long seed, struct sim_result *out)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct fit_options fo = FIT_OPTIONS_INIT, fp = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL, *mp = NULL;
	struct err e = ERR_INIT;
	double cum[YLIFE + 1];

	memset(out, 0, sizeof(*out));
	gsl_rng_set(r, seed);
	truth_table(truth, cum);
	restore_data_init(&d, NPOL, policy_ids, policy_wl);
	out->restores = draw_history(r, truth, cum, &d);
	gsl_rng_free(r);
	fp.min_events = LONG_MAX; /* plan without --model */
	if (restore_model_fit_data(&m, &d, &fo, &e) ||
	    restore_model_fit_data(&mp, &d, &fp, &e)) {
		restore_model_free(m);
		restore_data_release(&d);
		return -1;
	}
	strfmt(out->method, sizeof(out->method), "%s",
	       restore_model_method(m));
	for (int pol = 0; pol < NPOL; pol++) {
		score_point(m, mp, truth, cum, pol, out);
		score_chain(m, mp, truth, cum, pol, out);
	}
	restore_model_free(m);
	restore_model_free(mp);
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
