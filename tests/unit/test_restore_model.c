/* SPDX-License-Identifier: MIT
 * test_restore_model.c: the restore-likelihood model on data simulated
 * here with gsl_rng (known lambda): parameter recovery, the closed-form
 * Lambda against numerical integration, exact Poisson intervals, the
 * empirical-Bayes posterior on a hand example, the prior with few events,
 * the histogram approximation, and the JSON round trip. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/cost/decision.h"
#include "models/restore/restore_data.h"
#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"

/* ---- a simulated estate ---- */

struct sim_kind {
	int kind;
	double w;         /* coverage days */
	double every;     /* days between points */
	double keep;      /* retention, days */
};

/* Azure-like VM policy: 30 dailies, 12 weeklies, 24 monthlies, 5
 * yearlies; SQL-like items get the same shape here. */
static const struct sim_kind sim_kinds[] = {
	{ RK_DAILY, 1, 1, 30 },
	{ RK_WEEKLY, 7, 7, 84 },
	{ RK_MONTHLY, 30, 30.4, 730 },
	{ RK_YEARLY, 365, 365.25, 1826 },
};

struct sim {
	struct hazard h;
	size_t items;
	double history;   /* days of restore history before as-of */
	int npolicies;
	double policy_scale[4]; /* rho per policy */
};

/* Restores of one point over ages [e, x] by thinning. */
static void sim_point(gsl_rng *r, struct restore_data *d,
		      const struct hazard *h, double rho, int wl, long pol,
		      const struct sim_kind *k, double e, double x)
{
	double top = rho * k->w * hazard_rate(h, e), a = e;

	restore_data_add_exposure(d, wl, pol, k->kind, k->w, e, x);
	for (;;) {
		a += gsl_ran_exponential(r, 1 / top);
		if (a > x)
			break;
		if (gsl_rng_uniform(r) * top <
		    rho * k->w * hazard_rate(h, a))
			restore_data_add_event(d, wl, pol, k->kind, k->w, a);
	}
}

static const char *sim_policy_ids[] = { "p-a", "p-b", "p-c", "p-d" };
static const int sim_policy_wl[] = { WL_VM, WL_VM, WL_SQL, WL_SQL };

/* Points of every item: made every k->every days with a random phase,
 * kept k->keep days; observed from max(0, age - history) to age. */
static void simulate(struct restore_data *d, const struct sim *s,
		     unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(r, seed);
	restore_data_init(d, (size_t)s->npolicies, sim_policy_ids,
			  sim_policy_wl);
	for (size_t i = 0; i < s->items; i++) {
		long pol = s->npolicies ? (long)(i % (size_t)s->npolicies) : -1;
		int wl = pol >= 0 ? sim_policy_wl[pol] : WL_VM;
		double rho = pol >= 0 ? s->policy_scale[pol] : 1;
		for (size_t k = 0; k < ARRAY_SIZE(sim_kinds); k++) {
			const struct sim_kind *sk = &sim_kinds[k];
			double age = gsl_rng_uniform(r) * sk->every;
			for (; age <= sk->keep; age += sk->every)
				sim_point(r, d, &s->h, rho, wl, pol, sk,
					  fmax(0, age - s->history), age);
		}
	}
	gsl_rng_free(r);
}

static const struct hazard true_h = { 2e-5, 0.02, 1, 1.3 };

static struct restore_model *fit_sim(const struct sim *s, unsigned long seed,
				     struct restore_data *d)
{
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;

	simulate(d, s, seed);
	if (restore_model_fit_data(&m, d, &o, &e))
		fail_msg("fit failed: %s", e.msg);
	return m;
}

static void test_restore_model__recovers_parameters(void **state)
{
	struct sim s = { true_h, 12, 540, 0, { 0 } };

	(void)state;
	for (unsigned long seed = 1; seed <= 3; seed++) {
		struct restore_data d;
		struct restore_model *m = fit_sim(&s, seed, &d);
		double est, lo, hi;

		restore_model_param(m, PAR_P, &est, &lo, &hi);
		print_message("# seed %lu: %zu events; B %.3g K %.3g c %.3g "
			      "p %.3f [%.3f, %.3f]\n",
			      seed, d.nev, m->h.B, m->h.K, m->h.c, est, lo,
			      hi);
		assert_string_equal(restore_model_method(m), "mle");
		assert_true(m->diag.converged);
		assert_int_equal(m->diag.starts_agree, m->diag.starts);
		assert_true(fabs(m->h.p - true_h.p) < 0.2);
		assert_true(m->h.B > true_h.B / 2 && m->h.B < true_h.B * 2);
		assert_true(lo < est && est < hi && hi / lo < 1.5);
		/* the power law beats the exponential on power-law data */
		assert_true(m->alt.aic - m->diag.aic > 10);
		restore_model_free(m);
		restore_data_release(&d);
	}
}

/* With a few dozen restores the intervals must say so. */
static void test_restore_model__wide_intervals_when_few_events(void **state)
{
	struct sim s = { true_h, 1, 120, 0, { 0 } };
	struct restore_data d;
	struct restore_model *m = fit_sim(&s, 7, &d);
	double est, lo, hi, Bl, Bh;

	(void)state;
	restore_model_param(m, PAR_P, &est, &lo, &hi);
	restore_model_param(m, PAR_B, &est, &Bl, &Bh);
	print_message("# %zu events: p [%.2f, %.2f], B [%.2g, %.2g]\n",
		      d.nev, lo, hi, Bl, Bh);
	assert_true(d.nev >= 5 && d.nev < 80);
	assert_string_equal(restore_model_method(m), "mle");
	assert_true(hi / lo > 1.5);
	assert_true(Bh / fmax(Bl, 1e-300) > 4);
	restore_model_free(m);
	restore_data_release(&d);
}

static double ramp_cb(const void *ctx, double a)
{
	(void)ctx;
	return fmax(0, a - 180);
}

/* Issue 17, cause 4: with no floor in the data B runs to 0, where the
 * Hessian's interval on log B is meaningless (it was [7e-36, 4e19] for
 * seed 2); B's interval is then [0, the profile likelihood's bound]
 * (boundary-corrected), tighter than the exact bound of the whole rate
 * after 180 days, and covers the true floor, 0 or 1e-7. */
static void test_restore_model__floor_at_zero_profile(void **state)
{
	static const struct hazard truths[] = { { 0, 0.02, 1, 1.3 },
						{ 1e-7, 0.02, 1, 1.3 } };
	int misses = 0;

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(truths); k++)
		for (unsigned long seed = 1; seed <= 3; seed++) {
			struct sim s = { truths[k], 12, 540, 0, { 0 } };
			struct restore_data d;
			struct restore_model *m = fit_sim(&s, seed, &d);
			double est, lo, hi, rlo, rhi, E180 = 0;
			long n180 = 0;

			restore_model_param(m, PAR_B, &est, &lo, &hi);
			for (size_t j = 0; j < d.nev; j++)
				n180 += d.ev[j].age >= 180;
			E180 = expo_integrate(&d, &d.pooled, ramp_cb, NULL);
			poisson_rate_interval(n180, E180, m->level, &rlo, &rhi);
			print_message("# B %.3g: fit %.3g [%.3g, %.3g], rate "
				      "after 180 d <= %.3g\n",
				      truths[k].B, est, lo, hi, rhi);
			/* no floor: the interval reaches 0, whatever
			 * tiny B the simplex stopped at */
			if (truths[k].B == 0)
				assert_true(m->b_at_zero && lo == 0);
			if (m->b_at_zero)
				assert_true(hi > 0 && hi < rhi);
			misses += !(lo <= truths[k].B && truths[k].B <= hi);
			/* Newton steps hold B at its box's edge */
			assert_true(m->diag.converged);
			assert_int_equal(m->diag.starts_converged,
					 m->diag.starts);
			restore_model_free(m);
			restore_data_release(&d);
		}
	/* 90% intervals: seed 3 with the floor of 1e-7 fits 1.64e-6
	 * [6.43e-7, 4.16e-6] */
	assert_true(misses <= 1);
}

/* ---- Lambda ---- */

static double rate_cb(double a, void *h)
{
	return hazard_rate(h, a);
}

static void test_restore_model__cumulative_matches_integral(void **state)
{
	static const double ps[] = { 0.6, 1.0, 1.0 + 1e-9, 1.3, 2.5 };
	static const double cs[] = { 0.1, 1, 10 };
	static const double ages[] = { 0.5, 30, 3650 };
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ps); i++)
		for (size_t j = 0; j < ARRAY_SIZE(cs); j++)
			for (size_t k = 0; k < ARRAY_SIZE(ages); k++) {
				struct hazard h = { 2e-5, 0.02, cs[j], ps[i] };
				gsl_function f = { rate_cb, &h };
				double v, err;
				assert_int_equal(
					gsl_integration_qag(&f, 0, ages[k], 0,
							    1e-11, 1000,
							    GSL_INTEG_GAUSS21,
							    w, &v, &err),
					GSL_SUCCESS);
				assert_true(fabs(hazard_cum(&h, ages[k]) - v) <=
					    1e-9 * v);
			}
	gsl_integration_workspace_free(w);
	assert_true(hazard_cum(&true_h, 0) == 0);
}

/* The exposure histograms against the exact sum over points. */
static double cum_cb(const void *h, double a)
{
	return hazard_cum(h, a);
}

static void test_restore_model__histogram_error_is_small(void **state)
{
	static const struct hazard hs[] = {
		{ 2e-5, 0.02, 1, 1.3 }, { 0, 0.05, 0.1, 2.0 },
		{ 1e-4, 0.01, 5, 0.7 },
	};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct restore_data d;

	(void)state;
	gsl_rng_set(r, 11);
	restore_data_init(&d, 0, NULL, NULL);
	double e[3000], x[3000];
	for (int i = 0; i < 3000; i++) {
		double age = 3000 * gsl_rng_uniform(r) * gsl_rng_uniform(r);
		e[i] = gsl_rng_uniform(r) < 0.5 ? 0 : age * gsl_rng_uniform(r);
		x[i] = age;
		restore_data_add_exposure(&d, WL_VM, -1, RK_DAILY, 1, e[i],
					  x[i]);
	}
	for (size_t k = 0; k < ARRAY_SIZE(hs); k++) {
		double exact = 0, approx;
		for (int i = 0; i < 3000; i++)
			if (x[i] > e[i])
				exact += hazard_cum(&hs[k], x[i]) -
					 hazard_cum(&hs[k], e[i]);
		approx = expo_integrate(&d, &d.pooled, cum_cb, &hs[k]);
		print_message("# hazard %zu: relative error %.2g\n", k,
			      fabs(approx - exact) / exact);
		assert_true(fabs(approx - exact) <= 1e-5 * exact);
	}
	restore_data_release(&d);
	gsl_rng_free(r);
}

/* The closed-form gradient and Hessian (restore_deriv.c) against
 * central differences of the value and of the gradient, at shapes with
 * p below, at and above 1 (the series and the recurrence of g_k). */
static void deriv_at(const struct restore_data *d, const double *t,
		     struct nll_deriv *out)
{
	struct hazard h = { exp(t[PAR_B]), exp(t[PAR_K]), exp(t[PAR_C]),
			    exp(t[PAR_P]) };

	omori_deriv(d, &h, out);
}

static double log_rate_cb(const void *h, double a)
{
	return log(hazard_rate(h, a));
}

static void test_restore_model__analytic_derivatives(void **state)
{
	static const struct hazard hs[] = {
		{ 2e-5, 0.02, 1, 1.3 }, { 1e-6, 0.05, 0.1, 2.5 },
		{ 1e-4, 0.01, 5, 0.7 }, { 3e-5, 0.03, 2, 1.0 },
	};
	struct sim s = { true_h, 4, 365, 0, { 0 } };
	struct restore_data d;
	const double step = 1e-5;

	(void)state;
	simulate(&d, &s, 5);
	for (size_t k = 0; k < ARRAY_SIZE(hs); k++) {
		double t[NPAR] = { log(hs[k].B), log(hs[k].K), log(hs[k].c),
				   log(hs[k].p) };
		double direct = -restore_data_loglik(&d, 0, log_rate_cb,
						     cum_cb, &hs[k]);
		struct nll_deriv at, up, down;
		deriv_at(&d, t, &at);
		print_message("# shape %zu: %zu events, g %.3g %.3g %.3g %.3g, "
			      "H_pp %.4g\n", k, d.nev, at.g[0], at.g[1],
			      at.g[2], at.g[3], at.H[PAR_P][PAR_P]);
		assert_true(fabs(at.f - direct) <= 1e-12 * fabs(direct));
		for (int i = 0; i < NPAR; i++) {
			double x[NPAR], fd;
			memcpy(x, t, sizeof(x));
			x[i] = t[i] + step;
			deriv_at(&d, x, &up);
			x[i] = t[i] - step;
			deriv_at(&d, x, &down);
			fd = (up.f - down.f) / (2 * step);
			assert_true(fabs(fd - at.g[i]) <=
				    1e-6 * (1 + fabs(at.g[i])));
			for (int j = 0; j < NPAR; j++) {
				fd = (up.g[j] - down.g[j]) / (2 * step);
				assert_true(fabs(fd - at.H[i][j]) <=
					    1e-6 * (1 + fabs(at.H[i][j])));
			}
		}
	}
	restore_data_release(&d);
}

/* With many restores the events' terms are computed on two cores and
 * added in the one loop's order: the derivatives are the one core's to
 * the last bit. */
static void test_restore_model__derivatives_on_two_cores(void **state)
{
	static const struct hazard hs[] = {
		{ 2e-5, 0.02, 1, 1.3 }, { 1e-6, 0.05, 0.1, 2.5 },
	};
	struct sim s = { true_h, 100, 365, 0, { 0 } };
	struct restore_data d, one;

	(void)state;
	simulate(&d, &s, 5);
	one = d;
	one.share_from = SIZE_MAX;
	print_message("# %zu events\n", d.nev);
	assert_true(d.nev >= d.share_from);
	for (size_t k = 0; k < ARRAY_SIZE(hs); k++) {
		struct nll_deriv two_cores, one_core;
		omori_deriv(&d, &hs[k], &two_cores);
		omori_deriv(&one, &hs[k], &one_core);
		assert_memory_equal(&two_cores, &one_core, sizeof(one_core));
	}
	restore_data_release(&d);
}

/* The exponential alternative's, likewise (k small and large). */
static void exp_at(const struct restore_data *d, const double *t,
		   struct nll_deriv *out)
{
	double x[3] = { exp(t[0]), exp(t[1]), exp(t[2]) };

	exp_deriv(d, x, out);
}

static void test_restore_model__exponential_derivatives(void **state)
{
	static const double xs[][3] = {
		{ 2e-5, 0.02, 0.2 }, { 1e-6, 0.05, 3 }, { 1e-4, 0.01, 1e-4 },
	};
	struct sim s = { true_h, 4, 365, 0, { 0 } };
	struct restore_data d;
	const double step = 1e-5;

	(void)state;
	simulate(&d, &s, 6);
	for (size_t k = 0; k < ARRAY_SIZE(xs); k++) {
		double t[3] = { log(xs[k][0]), log(xs[k][1]), log(xs[k][2]) };
		struct nll_deriv at, up, down;
		exp_at(&d, t, &at);
		for (int i = 0; i < 3; i++) {
			double x[3], fd;
			memcpy(x, t, sizeof(x));
			x[i] = t[i] + step;
			exp_at(&d, x, &up);
			x[i] = t[i] - step;
			exp_at(&d, x, &down);
			fd = (up.f - down.f) / (2 * step);
			assert_true(fabs(fd - at.g[i]) <=
				    1e-6 * (1 + fabs(at.g[i])));
			for (int j = 0; j < 3; j++) {
				fd = (up.g[j] - down.g[j]) / (2 * step);
				assert_true(fabs(fd - at.H[i][j]) <=
					    1e-6 * (1 + fabs(at.H[i][j])));
			}
		}
	}
	restore_data_release(&d);
}

/* ---- exact Poisson intervals ---- */

static void test_restore_model__garwood_intervals(void **state)
{
	double lo, hi;

	(void)state;
	poisson_rate_interval(0, 1, 0.95, &lo, &hi);
	assert_true(lo == 0);
	assert_true(fabs(hi - 3.688879) < 1e-5);
	poisson_rate_interval(1, 1, 0.95, &lo, &hi);
	assert_true(fabs(lo - 0.025318) < 1e-5);
	assert_true(fabs(hi - 5.571643) < 1e-5);
	poisson_rate_interval(10, 2, 0.95, &lo, &hi);
	assert_true(fabs(lo - 4.795389 / 2) < 1e-5);
	assert_true(fabs(hi - 18.390356 / 2) < 1e-5);
	/* one-sided 95% at zero events: the rule of three */
	poisson_rate_interval(0, 100, 0.90, &lo, &hi);
	assert_true(fabs(hi - 0.029957) < 1e-6);
	poisson_rate_interval(3, 0, 0.95, &lo, &hi);
	assert_true(lo == 0 && isinf(hi));
}

/* ---- empirical Bayes ---- */

static void test_restore_model__eb_hand_example(void **state)
{
	const long n[] = { 0, 5, 20 };
	const double E[] = { 4, 5, 10 };
	struct eb_fit f;
	struct err e = ERR_INIT;
	/* by hand: m = 25/19; s2 = sum E (n/E - m)^2 / 19;
	 * phi = s2 - m / (19/3); alpha = m^2 / phi */
	double m = 25.0 / 19, s2 = (4 * m * m + 5 * (1 - m) * (1 - m) +
				    10 * (2 - m) * (2 - m)) / 19;
	double alpha = m * m / (s2 - m / (19.0 / 3));

	(void)state;
	assert_int_equal(eb_estimate(n, E, 3, 1000, &f, &e), 0);
	assert_string_equal(f.method, "moments");
	assert_true(fabs(f.mu - m) < 1e-12);
	assert_true(fabs(f.alpha - alpha) < 1e-9);
	print_message("# alpha %.4f mu %.4f; group 0 posterior mean %.4f\n",
		      f.alpha, f.mu, f.alpha / (f.alpha / f.mu + 4));
	/* a group with no restores is pulled towards the pool, not to 0 */
	assert_true(f.alpha / (f.alpha / f.mu + 4) > 0.4);
	/* no extra variation between groups: alpha at its cap */
	{
		const long n2[] = { 10, 10, 10 };
		const double E2[] = { 10, 10, 10 };
		assert_int_equal(eb_estimate(n2, E2, 3, 30, &f, &e), 0);
		assert_true(f.alpha == 30 && f.mu == 1);
	}
}

/* Many groups with gamma-distributed rates: the marginal likelihood
 * finds their shape. */
static void test_restore_model__eb_marginal_likelihood(void **state)
{
	enum { G = 300 };
	long n[G];
	double E[G];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct eb_fit f;
	struct err e = ERR_INIT;

	(void)state;
	gsl_rng_set(r, 5);
	for (int g = 0; g < G; g++) {
		E[g] = 20;
		n[g] = (long)gsl_ran_poisson(
			r, E[g] * gsl_ran_gamma(r, 2.0, 1.5 / 2.0));
	}
	assert_int_equal(eb_estimate(n, E, G, 1e9, &f, &e), 0);
	print_message("# alpha %.3f (2), mu %.3f (1.5)\n", f.alpha, f.mu);
	assert_string_equal(f.method, "ml");
	assert_true(f.alpha > 1.4 && f.alpha < 2.8);
	assert_true(fabs(f.mu - 1.5) < 0.15);
	gsl_rng_free(r);
}

/* Policies with different restore rates get different scales, shrunk
 * towards their workload; unknown groups fall back a level. */
static void test_restore_model__group_scales(void **state)
{
	struct sim s = { true_h, 16, 540, 4, { 0.5, 2, 1, 1 } };
	struct restore_data d;
	struct restore_model *m = fit_sim(&s, 3, &d);
	struct restore_scale a, b, u, w, none;

	(void)state;
	restore_model_scale(m, "p-a", WL_VM, &a);
	restore_model_scale(m, "p-b", WL_VM, &b);
	restore_model_scale(m, "p-zzz", WL_VM, &u);
	restore_model_scale(m, NULL, WL_SQL, &w);
	restore_model_scale(m, NULL, WL_FILES, &none);
	print_message("# p-a %.2f p-b %.2f (%s) new %.2f sql %.2f files "
		      "%.2f\n",
		      a.shape / a.rate, b.shape / b.rate,
		      m->eb_policy.method, u.shape / u.rate, w.shape / w.rate,
		      none.shape / none.rate);
	assert_string_equal(a.level, "policy");
	assert_string_equal(u.level, "workload");
	assert_string_equal(w.level, "workload");
	assert_string_equal(none.level, "pooled");
	assert_true(a.shape / a.rate < 0.8 && b.shape / b.rate > 1.3);
	assert_true(a.events == d.policy[0].events);
	restore_model_free(m);
	restore_data_release(&d);
}

/* Issue 17: one VM policy restoring 20 times more, seen only at ages
 * 365-730 (its points were all old in the history); the others at every
 * age. Shape and scales fitted jointly (one likelihood, the scales
 * integrated out) give it its 20x and leave the others' late rate at the
 * truth; the pooled shape first took its old points' restores for a
 * higher floor, which raised every other policy's late rate. */
static void test_restore_model__joint_fit_hot_policy(void **state)
{
	const struct sim_kind *mo = &sim_kinds[2];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL;
	struct restore_data d;
	struct err e = ERR_INIT;
	double late = 30 * (hazard_cum(&true_h, 730) -
			    hazard_cum(&true_h, 365)), ratio[4];

	(void)state;
	gsl_rng_set(r, 7);
	restore_data_init(&d, 4, sim_policy_ids, sim_policy_wl);
	for (long pol = 0; pol < 4; pol++)
		for (int item = 0; item < 40; item++)
			for (double b = gsl_rng_uniform(r) * 30; b < 730;
			     b += 30)
				sim_point(r, &d, &true_h, pol ? 1 : 20,
					  sim_policy_wl[pol], pol, mo,
					  pol ? 0 : 365, b + (pol ? 0 : 365));
	gsl_rng_free(r);
	if (restore_model_fit_data(&m, &d, &o, &e))
		fail_msg("fit failed: %s", e.msg);
	for (int i = 0; i < 4; i++)
		ratio[i] = restore_model_expected(m, sim_policy_ids[i],
						  sim_policy_wl[i], 30, 365,
						  730) /
			   late;
	print_message("# %zu events, %d rounds: restores at ages 365-730 "
		      "over the truth: %.2f %.2f %.2f %.2f\n",
		      d.nev, m->joint_rounds, ratio[0], ratio[1], ratio[2],
		      ratio[3]);
	assert_true(m->joint_rounds > 0);
	assert_true(ratio[0] > 16 && ratio[0] < 24);
	for (int i = 1; i < 4; i++)
		assert_true(ratio[i] > 0.75 && ratio[i] < 1.33);
	restore_model_free(m);
	restore_data_release(&d);
}

/* ---- forecasts ---- */

static void test_restore_model__forecast(void **state)
{
	struct sim s = { true_h, 12, 540, 0, { 0 } };
	struct restore_data d;
	struct restore_model *m = fit_sim(&s, 2, &d);
	struct restore_forecast f, g;
	double m0 = 30 * (hazard_cum(&m->h, 730) - hazard_cum(&m->h, 365));
	double r50, r90;

	(void)state;
	restore_model_forecast(m, NULL, WL_VM, 30, 365, 730, 0.90, &f);
	restore_model_forecast(m, NULL, WL_VM, 30, 365, 730, 0.50, &g);
	print_message("# mean %.4f [%.4f, %.4f]; P %.4f [%.4f, %.4f]\n",
		      f.mean, f.lo, f.hi, f.p_any, f.p_any_lo, f.p_any_hi);
	assert_true(fabs(f.mean / m0 - 1) < 0.1);
	assert_true(f.lo < f.mean && f.mean < f.hi);
	assert_true(f.p_any_lo < f.p_any && f.p_any < f.p_any_hi);
	assert_true(fabs(f.p_any - (1 - exp(-f.mean))) < 0.01);
	assert_true(g.lo > f.lo && g.hi < f.hi);
	r50 = restore_model_rate_quantile(m, NULL, WL_VM, 30, 400, 0.5);
	r90 = restore_model_rate_quantile(m, NULL, WL_VM, 30, 400, 0.9);
	assert_true(r90 > r50);
	assert_true(fabs(r50 / (30 * hazard_rate(&m->h, 400)) - 1) < 0.1);
	restore_model_forecast(m, NULL, WL_VM, 0, 0, 10, 0.9, &f);
	assert_true(f.mean == 0 && f.p_any == 0);
	restore_model_free(m);
	restore_data_release(&d);
}

/* Scales with extreme posterior shapes still give finite, ordered
 * intervals (gsl_cdf_gamma_Pinv fails at both ends). With a tiny shape
 * almost all the mass is near 0, so even the mean lies above the 95%
 * quantile. */
static void test_restore_model__forecast_extreme_shapes(void **state)
{
	static const double shapes[] = { 1e-3, 0.05, 1e6, 1e12 };
	struct sim s = { true_h, 2, 540, 0, { 0 } };
	struct restore_data d;
	struct restore_model *m = fit_sim(&s, 2, &d);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++) {
		struct restore_forecast f;
		m->workload[WL_VM].shape = m->workload[WL_VM].rate = shapes[i];
		memset(m->cov, 0, sizeof(m->cov));
		restore_model_forecast(m, NULL, WL_VM, 30, 365, 730, 0.9, &f);
		print_message("# shape %g: mean %.4g [%.4g, %.4g] P %.4g\n",
			      shapes[i], f.mean, f.lo, f.hi, f.p_any);
		assert_true(isfinite(f.lo) && isfinite(f.hi) && f.lo < f.hi);
		assert_true(f.p_any_lo < f.p_any_hi);
		if (shapes[i] >= 1)
			assert_true(f.lo < f.mean && f.mean < f.hi &&
				    f.p_any_lo < f.p_any &&
				    f.p_any < f.p_any_hi);
		assert_true(isfinite(restore_model_rate_quantile(
			m, NULL, WL_VM, 30, 400, 0.9)));
	}
	restore_model_free(m);
	restore_data_release(&d);
}

/* ---- the prior ---- */

static void test_restore_model__prior_with_two_events(void **state)
{
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;
	struct restore_scale sc;
	struct restore_forecast f;
	double U = 6.295794; /* chisq_Pinv(0.95, 6) / 2 */
	const struct hazard *h;

	(void)state;
	restore_data_init(&d, 0, NULL, NULL);
	for (int i = 0; i < 200; i++)
		restore_data_add_exposure(&d, WL_VM, -1, RK_MONTHLY, 30, 0,
					  400);
	restore_data_add_event(&d, WL_VM, -1, RK_MONTHLY, 30, 3);
	restore_data_add_event(&d, WL_VM, -1, RK_MONTHLY, 30, 200);
	assert_int_equal(restore_model_fit_data(&m, &d, &o, &e), 0);
	assert_string_equal(restore_model_method(m), "prior");
	h = restore_model_hazard(m);
	assert_true(h->p == 1 && h->c == 1);
	/* lambda(0) / lambda(365) = 100 */
	assert_true(fabs(hazard_rate(h, 0) / hazard_rate(h, 365) - 100) <
		    1e-9);
	/* the expected total equals the 95% upper bound of 2 events */
	assert_true(fabs(200 * 30 * hazard_cum(h, 400) - U) < 1e-4);
	restore_model_scale(m, "anything", WL_SQL, &sc);
	assert_string_equal(sc.level, "prior");
	assert_true(sc.shape == 3 && fabs(sc.rate - U) < 1e-4);
	/* the scale's 95% quantile is 1: the hazard is the rule-of-three
	 * rate; the shape's uncertainty only widens that */
	assert_true(fabs(gsl_cdf_gamma_Pinv(0.95, sc.shape, 1 / sc.rate) - 1) <
		    1e-6);
	assert_true(restore_model_rate_quantile(m, NULL, WL_VM, 30, 50,
						0.95) >=
		    30 * hazard_rate(h, 50));
	restore_model_forecast(m, NULL, WL_VM, 30, 365, 730, 0.9, &f);
	assert_true(f.p_any_lo < f.p_any && f.p_any < f.p_any_hi);
	assert_true(f.hi / f.lo > 10);
	restore_model_free(m);
	restore_data_release(&d);
}

/* ---- JSON ---- */

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len;
	struct err e = ERR_INIT;

	if (read_file(path, 1u << 24, &text, &len, &e))
		fail_msg("%s", e.msg);
	return text;
}

static void round_trip(struct restore_model *m)
{
	char *p1 = test_path("model1.json"), *p2 = test_path("model2.json");
	struct restore_model *back = NULL;
	struct err e = ERR_INIT;
	struct restore_forecast f1, f2;
	char *t1, *t2;

	assert_int_equal(restore_model_write(m, p1, &e), 0);
	assert_int_equal(restore_model_read(&back, p1, &e), 0);
	assert_int_equal(restore_model_write(back, p2, &e), 0);
	t1 = slurp(p1);
	t2 = slurp(p2);
	assert_string_equal(t1, t2);
	restore_model_forecast(m, "p-b", WL_VM, 30, 100, 500, 0.9, &f1);
	restore_model_forecast(back, "p-b", WL_VM, 30, 100, 500, 0.9, &f2);
	assert_true(f1.mean == f2.mean && f1.hi == f2.hi &&
		    f1.p_any_lo == f2.p_any_lo);
	assert_string_equal(restore_model_method(back),
			    restore_model_method(m));
	free(t1);
	free(t2);
	free(p1);
	free(p2);
	restore_model_free(back);
}

static void test_restore_model__json_round_trip(void **state)
{
	struct sim s = { true_h, 8, 540, 4, { 0.5, 2, 1, 1 } };
	struct restore_data d, d2;
	struct restore_model *m = fit_sim(&s, 4, &d), *p = NULL;
	struct fit_options o = FIT_OPTIONS_INIT;
	struct err e = ERR_INIT;

	(void)state;
	round_trip(m);
	restore_data_init(&d2, 0, NULL, NULL);
	restore_data_add_exposure(&d2, WL_VM, -1, RK_DAILY, 1, 0, 10);
	assert_int_equal(restore_model_fit_data(&p, &d2, &o, &e), 0);
	round_trip(p);
	restore_model_free(p);
	restore_model_free(m);
	restore_data_release(&d);
	restore_data_release(&d2);
}

static void test_restore_model__json_errors(void **state)
{
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;
	char *path = test_write("bad.json", "{\"format_version\": 1, "
					    "\"method\": \"mle\", "
					    "\"level\": 0.9}");
	char *missing = test_path("none.json");

	(void)state;
	assert_int_equal(restore_model_read(&m, path, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "'parameters'"));
	err_clear(&e);
	assert_int_equal(restore_model_read(&m, missing, &e), -1);
	assert_int_equal(e.code, EXIT_NOINPUT);
	assert_null(m);
	free(path);
	free(missing);
}

/* Issue 17, cause 4: restore tests at four to six months show as a bump
 * the decaying shape cannot follow. The age bands follow it when their
 * AIC wins, and the best move age then waits until after the bump
 * (hand-computed: at theta 2e-3/day and w rho 30, the Omori shape alone
 * crosses at 75.9 days; the bump's 0.27 expected restores over 120-180
 * days outweigh the 0.18 that 90 more days in Standard cost). */
static void test_restore_model__age_bands_follow_a_bump(void **state)
{
	char method[] = "mle";
	struct restore_model m = { 0 };
	double tau;
	(void)state;

	m.method = method;
	m.diag.aic = 100;
	m.h = (struct hazard){ 5e-7, 0.02, 5, 1.3 };
	for (int k = 0; k < AGE_BANDS; k++) {
		m.bands.events[k] = 10;
		m.bands.expected[k] = 10;
	}
	restore_bands_choose(&m);
	assert_false(m.bands.used); /* no gain: 56 more AIC points */
	tau = bands_best_age(&m.h, &m.bands, 30, 2e-3, 90, 550);
	assert_float_equal(tau, optimal_move_age(&m.h, 30, 2e-3), 1e-12);
	assert_float_equal(tau, 75.9, 0.05);

	for (int k = 8; k < 12; k++) /* 120-135, ..., 165-180 */
		m.bands.events[k] = 60;
	restore_bands_choose(&m);
	assert_true(m.bands.used);
	assert_float_equal(m.bands.ratio[8], 62.0 / 12, 1e-12);
	assert_float_equal(m.bands.ratio[0], 1, 1e-12);
	assert_float_equal(bands_rate(&m.h, &m.bands, 130),
			   hazard_rate(&m.h, 130) * 62 / 12, 1e-15);
	assert_float_equal(bands_cum(&m.h, &m.bands, 150),
			   hazard_cum(&m.h, 120) +
				   62.0 / 12 * (hazard_cum(&m.h, 150) -
						hazard_cum(&m.h, 120)),
			   1e-15);
	assert_float_equal(bands_best_age(&m.h, &m.bands, 30, 2e-3, 90, 550),
			   180, 1e-9);
	/* A window that ends inside the bump: its last day wins (the 0.097
	 * restores expected over 90-130 days outweigh the 0.08 that 40 more
	 * days in Standard cost, per unit of the restore cost). */
	assert_float_equal(bands_best_age(&m.h, &m.bands, 30, 2e-3, 90, 130),
			   130, 1e-9);
}

/* Issue 17, cause 4: when AIC prefers the exponential + floor fit, plan
 * decides on it: its cumulative rate, its expected restores and its best
 * move age, the first at which w rho (B + A e^(-k a)) falls to theta. */
static void test_restore_model__exponential_when_aic_prefers(void **state)
{
	char method[] = "mle";
	struct restore_model m = { 0 };
	double k = 1.0 / 60, a = 200;
	(void)state;

	m.method = method;
	m.h = (struct hazard){ 5e-7, 0.02, 5, 1.3 };
	m.diag.aic = 100;
	m.bands.aic = 120;
	m.workload[WL_VM] = (struct group_fit){ .points = 10, .shape = 4,
						.rate = 2 };
	m.alt = (struct exp_fit){ 1e-6, 2e-4, k, -40, 101, true, true };
	/* not preferred: the Omori shape */
	assert_float_equal(restore_model_cum(&m, a), hazard_cum(&m.h, a),
			   1e-15);
	m.alt.aic = 99;
	assert_float_equal(restore_model_cum(&m, a),
			   1e-6 * a + 2e-4 / k * (1 - exp(-k * a)), 1e-15);
	/* 30 coverage days, rho's mean 2: 60 (B + A e^(-k a)) = 1.2e-3
	 * at a = 60 ln(2e-4 / 1.9e-5) */
	assert_float_equal(restore_model_best_age(&m, NULL, WL_VM, 30, 1.2e-3,
						  90, 550),
			   60 * log(2e-4 / 1.9e-5), 1e-9);
	assert_float_equal(restore_model_expected(&m, NULL, WL_VM, 30, 0, a),
			   60 * restore_model_cum(&m, a), 1e-12);
	/* a floor above theta: never */
	assert_true(isinf(restore_model_best_age(&m, NULL, WL_VM, 30, 5e-5,
						 90, 550)));
	/* not converged: the Omori shape again */
	m.alt.converged = false;
	assert_float_equal(restore_model_cum(&m, a), hazard_cum(&m.h, a),
			   1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_model__recovers_parameters),
		cmocka_unit_test(
			test_restore_model__wide_intervals_when_few_events),
		cmocka_unit_test(test_restore_model__floor_at_zero_profile),
		cmocka_unit_test(
			test_restore_model__cumulative_matches_integral),
		cmocka_unit_test(test_restore_model__histogram_error_is_small),
		cmocka_unit_test(test_restore_model__analytic_derivatives),
		cmocka_unit_test(test_restore_model__derivatives_on_two_cores),
		cmocka_unit_test(
			test_restore_model__exponential_derivatives),
		cmocka_unit_test(test_restore_model__garwood_intervals),
		cmocka_unit_test(test_restore_model__eb_hand_example),
		cmocka_unit_test(test_restore_model__eb_marginal_likelihood),
		cmocka_unit_test(test_restore_model__group_scales),
		cmocka_unit_test(test_restore_model__joint_fit_hot_policy),
		cmocka_unit_test(test_restore_model__forecast),
		cmocka_unit_test(test_restore_model__forecast_extreme_shapes),
		cmocka_unit_test(test_restore_model__prior_with_two_events),
		cmocka_unit_test(test_restore_model__json_round_trip),
		cmocka_unit_test(test_restore_model__json_errors),
		cmocka_unit_test(test_restore_model__age_bands_follow_a_bump),
		cmocka_unit_test(
			test_restore_model__exponential_when_aic_prefers),
	};
	int rc;

	gsl_set_error_handler_off();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_scratch_cleanup();
	return rc;
}
