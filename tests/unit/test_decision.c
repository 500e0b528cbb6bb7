/* SPDX-License-Identifier: MIT
 * test_decision.c: point costs and the decision on the restore model (the
 * documented prior here) against hand-computed cases. */
#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "models/cost/decision.h"
#include "models/restore/restore_data.h"
#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"

#include <gsl/gsl_rng.h>
#include "optimizer/base/timeutil.h"

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */

/* 0.02 EUR/GB-month Standard, 0.002 Archive, 0.0605825 EUR/GB-month for
 * a rehydrated copy at either priority (a copy of 100 GiB kept 15 days
 * then costs 2.98567 EUR: break-even 151.46 days). */
static struct rate_card card(void)
{
	struct rate_card rc = { 0 };
	rc.currency = "EUR";
	rc.std_gb_month = 0.02;
	rc.arc_gb_month = 0.002;
	rc.rehydrate_gb_month[0] = 0.0605825;
	rc.rehydrate_gb_month[1] = 0.0605825;
	return rc;
}

static struct rp point(double unique_gb, double full_gb, int64_t expiry)
{
	struct rp rp = { 0 };
	rp.rp_id = "1";
	rp.rp_time = T0;
	rp.kind = RK_MONTHLY;
	rp.tier = TIER_STANDARD;
	rp.expiry_time = expiry;
	rp.move_ready = MR_UNKNOWN;
	rp.move_info = "";
	rp.unique_gb = unique_gb;
	rp.full_gb = full_gb;
	return rp;
}

static const struct cost_options opts = { 15, 0, 0 };

static void test_decision__costs_by_hand(void **state)
{
	struct rate_card rc = card();
	struct rp rp = point(40, 100, TIME_NONE);
	struct point_costs c;
	(void)state;

	point_costs_for(&c, &rc, &opts, &rp);
	assert_float_equal(c.s_day * DAYS_PER_MONTH, 0.80, 1e-12);
	assert_float_equal(c.q_day * DAYS_PER_MONTH, 0.20, 1e-12);
	/* The rehydrated copy only, per GB-month for 15 days: no one-off
	 * retrieval fee (domain-audit R4; TieringCostRehydrationInfo's
	 * retailRehydrationCostPerGBPerMonth in FetchTieringCost). */
	assert_float_equal(c.restore_extra, 100 * 0.0605825 * 15 / 30.436875,
			   1e-12);
	/* (2 x 30.436875 + 30) / 0.6 days. */
	assert_float_equal(breakeven_days(&c), 151.45625, 1e-9);
	/* High priority with a priced delay: 10 EUR/h x 1 h. */
	{
		struct cost_options hi = { 15, 1, 10 };
		point_costs_for(&c, &rc, &hi, &rp);
		assert_float_equal(c.restore_extra,
				   100 * 0.0605825 * 15 / 30.436875 + 10.0,
				   1e-12);
	}
}

/* The documented prior fitted on `points` monthly points watched over
 * ages [0, 400] days with `restores` restores at 30-day steps, as plan
 * fits it without --model. */
static struct restore_model *prior(int points, int restores)
{
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;

	o.min_events = LONG_MAX;
	restore_data_init(&d, 0, NULL, NULL);
	for (int i = 0; i < points; i++)
		restore_data_add_exposure(&d, WL_VM, -1, RK_MONTHLY, 30, 0,
					  400);
	for (int i = 0; i < restores; i++)
		restore_data_add_event(&d, WL_VM, -1, RK_MONTHLY, 30,
				       30.0 * (i + 1));
	assert_int_equal(restore_model_fit_data(&m, &d, &o, &e), 0);
	assert_string_equal(restore_model_method(m), "prior");
	restore_data_release(&d);
	return m;
}

/* A monthly VM point of unique_gb (100 GiB full, taken at T0) decided
 * at now on model m. */
static void decide_at(const struct restore_model *m, int64_t now,
		      double unique_gb, int64_t expiry, struct decision *d)
{
	struct rate_card rc = card();
	struct rp rp = point(unique_gb, 100, expiry);
	struct item it = { 0 };
	struct eligibility el;
	struct point_costs c;
	struct decide_input in;
	struct model_view mv = { m, NULL, WL_VM, 30, 0.5, 0.90, 0 };
	struct restore_forecast fc;

	it.workload = WL_VM;
	archive_eligibility(&it, &rp, now, &el);
	point_costs_for(&c, &rc, &opts, &rp);
	in = (struct decide_input){ &it, &rp, &el, &c, "EUR", now,
				    now + 1000LL * DAY_S };
	restore_model_forecast(m, NULL, WL_VM, 30,
			       (double)(now - T0) / DAY_S,
			       (double)(expiry - T0) / DAY_S, 0.90, &fc);
	decide_with_model(&in, &mv, &fc, d);
}

static void test_decision__low_churn_is_kept(void **state)
{
	struct restore_model *m = prior(1000, 0);
	struct decision d;
	(void)state;

	/* 5 GiB freed, a 100 GiB Archive copy */
	decide_at(m, T0 + 300LL * DAY_S, 5, T0 + 1000LL * DAY_S, &d);
	assert_int_equal(d.action, ACT_KEEP);
	assert_true(isinf(d.breakeven_days));
	assert_non_null(strstr(d.reason, "low churn: the Archive copy is full "
					 "size (100.0 GiB, 0.20 EUR/month)"));
	assert_non_null(strstr(d.reason, "5.0 GiB it frees in Standard "
					 "(0.10 EUR/month)"));
	assert_float_equal(d.saving_total, 0, 0);
	restore_model_free(m);
}

/* A thousand points watched 400 days without a restore: the prior's
 * posterior rate is far below the 0.0066/day at which Archive pays, so
 * the point moves at once, where the break-even rule waited 151 days. */
static void test_decision__quiet_history_moves_now(void **state)
{
	struct restore_model *m = prior(1000, 0);
	int64_t now = T0 + 100LL * DAY_S, expiry = T0 + 1000LL * DAY_S;
	struct decision d;
	(void)state;

	decide_at(m, now, 40, expiry, &d);
	assert_int_equal(d.action, ACT_MOVE_NOW);
	assert_true(d.move_at == now);
	assert_true(d.expected_restores < 0.01);
	/* (0.80 - 0.20) EUR/month for the 900 days left, less the
	 * restores expected from Archive */
	assert_float_equal(d.saving_total + d.restore_cost,
			   0.6 / 30.436875 * 900, 1e-9);
	assert_true(d.restore_cost > 0 && d.restore_cost < 0.03);
	/* reasons.csv's breakeven sentence says it with the row's columns:
	 * the row's own is composed only when asked for */
	assert_string_equal(reason_kinds[d.code].code, "breakeven");
	assert_string_equal(d.reason, "");
	decision_say(&d);
	assert_non_null(strstr(d.reason, "move now"));
	restore_model_free(m);
}

/* Two points watched 400 days with 8 restores: the posterior mean rate
 * per coverage-day is 9 / (2 x 30 x Lambda(400)) = 1.233e-4 times
 * (1 + 136.2 / (a + 1)), so a monthly point's rate falls to the
 * 0.0066/day at which Archive pays at about 173 days: the move waits. */
static void test_decision__restores_delay_the_move(void **state)
{
	struct restore_model *m = prior(2, 8);
	int64_t now = T0 + 100LL * DAY_S, expiry = T0 + 1000LL * DAY_S;
	struct decision d;
	(void)state;

	decide_at(m, now, 40, expiry, &d);
	assert_int_equal(d.action, ACT_MOVE_ON);
	assert_true(d.move_at >= T0 + 172LL * DAY_S &&
		    d.move_at <= T0 + 175LL * DAY_S);
	decision_say(&d);
	assert_non_null(strstr(d.reason, "move on "));
	restore_model_free(m);
}

/* No history at all: the rule of three over one daily point watched a
 * year keeps a monthly point's rate above the threshold for good. */
static void test_decision__no_history_keeps(void **state)
{
	struct restore_model *m = prior(0, 0);
	int64_t now = T0 + 100LL * DAY_S, expiry = T0 + 1000LL * DAY_S;
	struct decision d;
	(void)state;

	decide_at(m, now, 40, expiry, &d);
	assert_int_equal(d.action, ACT_KEEP);
	assert_true(d.move_at == TIME_NONE);
	assert_non_null(strstr(d.reason, "restore risk"));
	restore_model_free(m);
}

static void test_decision__ineligible_keeps_azure_reason(void **state)
{
	struct restore_model *m = prior(1000, 0);
	int64_t now = T0 + 100LL * DAY_S;
	struct decision d;
	(void)state;

	decide_at(m, now, 40, now + 100LL * DAY_S, &d);
	assert_int_equal(d.action, ACT_INELIGIBLE);
	assert_non_null(strstr(d.reason, "Azure requires 180"));
	restore_model_free(m);
}

/* decision_copy: every figure and the reason, whatever the copy held. */
static void test_decision__copy_is_the_decision(void **state)
{
	struct restore_model *m = prior(1000, 0);
	struct decision d, copy;
	(void)state;

	decide_at(m, T0 + 300LL * DAY_S, 5, T0 + 1000LL * DAY_S, &d);
	memset(&copy, 'x', sizeof(copy));
	decision_copy(&copy, &d);
	assert_memory_equal(&copy, &d, offsetof(struct decision, reason));
	assert_string_equal(copy.reason, d.reason);
	assert_true(strlen(d.reason) > 100);
	restore_model_free(m);
}

static void test_decision__early_deletion(void **state)
{
	struct point_costs c = { 0 };
	(void)state;

	c.q_day = 0.2 / 30.436875;
	assert_float_equal(early_deletion_charge(&c, 60), c.q_day * 120, 1e-12);
	assert_float_equal(early_deletion_charge(&c, 180), 0, 0);
	assert_float_equal(early_deletion_charge(&c, 400), 0, 0);
}

/* Expected cost of moving at age t (modeling.md §3.2), for the grid. */
static double move_cost_at(const struct hazard *h, double w_rho, double s,
			   double q, double dc, double a, double L, double t)
{
	return s * (t - a) + q * (L - t) +
	       dc * w_rho * (hazard_cum(h, L) - hazard_cum(h, t));
}

static void test_decision__closed_form_matches_grid(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int checked = 0;
	(void)state;

	gsl_rng_set(r, 7);
	for (int k = 0; k < 40; k++) {
		struct hazard h;
		double w_rho, s, q, dc, a, L, tau, best_t, best_c;

		h.B = 1e-7 * exp(4 * gsl_rng_uniform(r));
		h.K = 1e-4 * exp(5 * gsl_rng_uniform(r));
		h.c = 0.5 + 5 * gsl_rng_uniform(r);
		h.p = 0.7 + 1.0 * gsl_rng_uniform(r);
		w_rho = 1 + 364 * gsl_rng_uniform(r);
		s = 0.01 + 0.5 * gsl_rng_uniform(r);
		q = s * gsl_rng_uniform(r) * 0.9;
		a = 90;
		L = 400 + 3000 * gsl_rng_uniform(r);
		/* Aim the break-even rate at a random age so that most cases
		 * are interior: dc = (s - q) / (w rho lambda(target)). */
		dc = (s - q) /
		     (w_rho * hazard_rate(&h, a + (L - a) *
						      gsl_rng_uniform(r)));
		tau = optimal_move_age(&h, w_rho, (s - q) / dc);
		if (isinf(tau) || tau < a || tau > L - 1)
			continue; /* clipped cases: nothing to compare */
		best_t = a;
		best_c = INFINITY;
		for (double t = a; t <= L; t += 0.1) {
			double cost = move_cost_at(&h, w_rho, s, q, dc, a, L, t);
			if (cost < best_c) {
				best_c = cost;
				best_t = t;
			}
		}
		if (fabs(best_t - tau) > 1.0)
			fail_msg("case %d: closed form %.2f d, grid %.2f d", k,
				 tau, best_t);
		checked++;
	}
	gsl_rng_free(r);
	/* The issue asks for at least 20 interior cases. */
	assert_true(checked >= 20);
}

static void test_decision__optimal_age_limits(void **state)
{
	struct hazard h = { 2e-5, 0.02, 1, 1.3 };
	(void)state;

	/* modeling.md §3.2 example: s = 1, q = 0.5, dc = 20000 -> ~589 d. */
	assert_float_equal(optimal_move_age(&h, 1, 0.5 / 20000), 589, 1.0);
	/* The floor alone above the threshold: never. */
	assert_true(isinf(optimal_move_age(&h, 1, 1e-5)));
	/* A rate already below the threshold: at once. */
	assert_float_equal(optimal_move_age(&h, 1, 1.0), 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision__costs_by_hand),
		cmocka_unit_test(test_decision__low_churn_is_kept),
		cmocka_unit_test(test_decision__quiet_history_moves_now),
		cmocka_unit_test(test_decision__restores_delay_the_move),
		cmocka_unit_test(test_decision__no_history_keeps),
		cmocka_unit_test(test_decision__ineligible_keeps_azure_reason),
		cmocka_unit_test(test_decision__copy_is_the_decision),
		cmocka_unit_test(test_decision__early_deletion),
		cmocka_unit_test(test_decision__closed_form_matches_grid),
		cmocka_unit_test(test_decision__optimal_age_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
