/* SPDX-License-Identifier: MIT
 * restore_fit.c: maximum-likelihood fit of the restore intensity
 * lambda(a) = B + K (a + c)^-p (modeling.md §2.3), its alternative
 * B + A e^(-k a), parameter uncertainty, and the documented prior when
 * there are too few events. Called by restore_model_fit; never prints.
 *
 * The log-likelihood of the pooled events and exposure is
 *   sum_j log(w_j lambda(a_j)) - sum_i w_i [Lambda(x_i) - Lambda(e_i)]
 * (the second sum from the exposure histograms, restore_data.h), with a
 * weak log-normal penalty on p (centre 1, sigma_log 0.3). It is maximised
 * on the log-parameters from three starts, each by GSL's nmsimplex2 until
 * the simplex is under NM_SEARCH_TOL, then by Newton steps on the
 * closed-form gradient and Hessian (restore_deriv.c) until a step would
 * gain under NEWTON_TOL (a start is converged when that decrement falls
 * under NEWTON_ROUNDING, where rounding stops the steps). The winner's
 * Newton decrement g' H^-1 g is checked again (DECREMENT_TOL). The
 * covariance of the log-parameters is the inverse of the closed-form
 * Hessian (gsl_linalg_cholesky_decomp1 / _invert); p's own interval is
 * its profile likelihood's (see profile_p), each profile point by Newton
 * steps too, as are the exponential alternative's starts. A parameter
 * that ends on the edge of its search box (B -> 0 when the data show no
 * floor) is held there and gets no variance; B's interval is then [0,
 * the exact upper bound of the rate after 180 days]. */
#include "models/restore/restore_internal.h"
#include "models/restore/restore_scan.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>

#include "optimizer/base/util.h"

const char *const restore_param_names[NPAR] = { "B", "K", "c", "p" };

#define NM_MAX_ITER 10000
#define NM_SIZE_TOL 1e-6
#define NM_SEARCH_TOL 1e-2   /* the starts' simplex, then Newton steps */
#define P_SIGMA_LOG 0.3
#define DECREMENT_TOL 1e-3   /* converged: a Newton step gains less */
#define BARRIER 1e4
#define FLOOR_AGE 180.0      /* B's starting value: the rate after this */
/* The prior: lambda(0) / lambda(365 d) = 100 (f4: content under a day
 * old gets over 100x the rate of year-old content), p = 1, c = 1 d. */
#define PRIOR_DECAY_RATIO 100.0

/* Search boxes of the log-parameters. */
static const double omori_lo[NPAR] = { -35, -35, -6.9, -3.0 };
static const double omori_hi[NPAR] = { 5, 12, 9.2, 1.8 };
static const double exp_lo[3] = { -35, -35, -11.5 };
static const double exp_hi[3] = { 5, 12, 2.3 };

/* ---- Nelder-Mead ---- */

struct nm_ctx {
	double (*f)(const double *x, void *ctx);
	void *ctx;
	size_t n;
};

static double nm_eval(const gsl_vector *v, void *params)
{
	struct nm_ctx *c = params;
	double x[8];

	for (size_t i = 0; i < c->n; i++)
		x[i] = gsl_vector_get(v, i);
	return c->f(x, c->ctx);
}

/* One simplex run from x; x gets the best point. */
static int nm_run(gsl_multimin_fminimizer *s, gsl_multimin_function *fn,
		  double *x, double step, double tol, struct nm_result *r,
		  struct err *e)
{
	size_t n = fn->n;
	gsl_vector *xv = gsl_vector_alloc(n), *ss = gsl_vector_alloc(n);
	int status, rc = -1;

	if (!xv || !ss) {
		err_set(e, EXIT_SOFTWARE, "cannot allocate the optimiser");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		gsl_vector_set(xv, i, x[i]);
	gsl_vector_set_all(ss, step);
	status = gsl_multimin_fminimizer_set(s, fn, xv, ss);
	if (status) {
		err_set(e, EXIT_SOFTWARE, "optimiser start failed: %s",
			gsl_strerror(status));
		goto done;
	}
	r->size_ok = false;
	for (int it = 0; it < NM_MAX_ITER; it++) {
		r->iterations++;
		/* a failed contraction ends the run unconverged */
		if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
			break;
		r->size = gsl_multimin_fminimizer_size(s);
		if (gsl_multimin_test_size(r->size, tol) == GSL_SUCCESS) {
			r->size_ok = true;
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		x[i] = gsl_vector_get(gsl_multimin_fminimizer_x(s), i);
	r->f = gsl_multimin_fminimizer_minimum(s);
	rc = 0;
done:
	gsl_vector_free(xv);
	gsl_vector_free(ss);
	return rc;
}

/* nm_minimize, restarted (twice the work) or not. */
static int nm_search(double (*f)(const double *x, void *ctx), void *ctx,
		     size_t n, double *x, double step, double tol,
		     bool restart, struct nm_result *out, struct err *e)
{
	struct nm_ctx c = { f, ctx, n };
	gsl_multimin_function fn = { nm_eval, n, &c };
	gsl_multimin_fminimizer *s = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (n > 8)
		return err_set(e, EXIT_SOFTWARE, "too many parameters");
	s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
					  n);
	if (!s)
		return err_set(e, EXIT_SOFTWARE,
			       "cannot allocate the optimiser");
	/* the restart at the minimum guards against a collapsed simplex */
	if (nm_run(s, &fn, x, step, tol, out, e) ||
	    (restart && nm_run(s, &fn, x, step / 10, tol, out, e)))
		goto done;
	rc = 0;
done:
	gsl_multimin_fminimizer_free(s);
	return rc;
}

int nm_minimize(double (*f)(const double *x, void *ctx), void *ctx,
		size_t n, double *x, double step, double tol,
		struct nm_result *out, struct err *e)
{
	return nm_search(f, ctx, n, x, step, tol, true, out, e);
}

/* ---- likelihoods ---- */

struct lik {
	const struct restore_data *d;
	double sum_log_w;  /* sum over events of log w_j */
	bool penalize;
};

/* Clamps t into the box; returns the squared distance it moved. */
static double box_clamp(double *t, const double *lo, const double *hi,
			size_t n)
{
	double ex = 0;

	for (size_t i = 0; i < n; i++) {
		double v = fmin(fmax(t[i], lo[i]), hi[i]);
		ex += (t[i] - v) * (t[i] - v);
		t[i] = v;
	}
	return ex;
}

static void theta_hazard(const double *t, struct hazard *h)
{
	h->B = exp(t[PAR_B]);
	h->K = exp(t[PAR_K]);
	h->c = exp(t[PAR_C]);
	h->p = exp(t[PAR_P]);
}

static double omori_cum(const void *ctx, double a)
{
	return hazard_cum(ctx, a);
}

static double p_penalty(double log_p)
{
	return log_p * log_p / (2 * P_SIGMA_LOG * P_SIGMA_LOG);
}

static double omori_log_rate(const void *ctx, double a)
{
	return log(hazard_rate(ctx, a));
}

/* The negative log-likelihood (penalised when l->penalize). Outside the
 * box: the value at the box's edge plus a steep quadratic. */
static double omori_nll(const double *theta, void *ctx)
{
	struct lik *l = ctx;
	double t[NPAR], ll = l->sum_log_w, ex;
	struct hazard h;

	memcpy(t, theta, sizeof(t));
	ex = box_clamp(t, omori_lo, omori_hi, NPAR);
	theta_hazard(t, &h);
	ll = restore_data_loglik(l->d, ll, omori_log_rate, omori_cum, &h);
	return -ll + (l->penalize ? p_penalty(t[PAR_P]) : 0) + BARRIER * ex;
}

struct exp_par {
	double B, A, k;
};

static double exp_rate(const struct exp_par *x, double a)
{
	return x->B + x->A * exp(-x->k * a);
}

static double exp_cum(const void *ctx, double a)
{
	const struct exp_par *x = ctx;
	double ka = x->k * a;

	if (a <= 0)
		return 0;
	/* A (1 - e^-ka) / k, written to stay exact for small k a */
	return x->B * a + x->A * a * (fabs(ka) < 1e-8 ? 1 - ka / 2
						      : -expm1(-ka) / ka);
}

static double exp_log_rate(const void *ctx, double a)
{
	return log(exp_rate(ctx, a));
}

static double exp_nll(const double *theta, void *ctx)
{
	struct lik *l = ctx;
	double t[3], ll = l->sum_log_w, ex;
	struct exp_par x;

	memcpy(t, theta, sizeof(t));
	ex = box_clamp(t, exp_lo, exp_hi, 3);
	x.B = exp(t[0]);
	x.A = exp(t[1]);
	x.k = exp(t[2]);
	ll = restore_data_loglik(l->d, ll, exp_log_rate, exp_cum, &x);
	return -ll + BARRIER * ex;
}

/* ---- Newton steps on the closed-form derivatives ---- */

#define NEWTON_MAX_ITER 50
#define NEWTON_TOL 1e-20     /* stop: a Newton step would gain less */
#define NEWTON_ROUNDING 1e-6 /* converged when rounding stops the steps */
#define NEWTON_QUADRATIC 1e-8 /* from here the full step is taken or none */

/* A negative log-likelihood with its derivatives, for newton_min: the
 * first n of NPAR log-parameters, inside the box [lo, hi]. */
struct newton_fn {
	void (*deriv)(const struct lik *l, const double *t,
		      struct nll_deriv *o);
	const struct lik *l;
	size_t n;
	const double *lo, *hi;
};

/* omori_nll (inside the box) with its gradient and Hessian. */
static void omori_nll_deriv(const struct lik *l, const double *t,
			    struct nll_deriv *o)
{
	struct hazard h;

	theta_hazard(t, &h);
	omori_deriv(l->d, &h, o);
	o->f -= l->sum_log_w;
	if (l->penalize) {
		o->f += p_penalty(t[PAR_P]);
		o->g[PAR_P] += t[PAR_P] / (P_SIGMA_LOG * P_SIGMA_LOG);
		o->H[PAR_P][PAR_P] += 1 / (P_SIGMA_LOG * P_SIGMA_LOG);
	}
}

/* exp_nll (inside the box) with its gradient and Hessian. */
static void exp_nll_deriv(const struct lik *l, const double *t,
			  struct nll_deriv *o)
{
	double x[3] = { exp(t[0]), exp(t[1]), exp(t[2]) };

	exp_deriv(l->d, x, o);
	o->f -= l->sum_log_w;
}

/* The Newton step s = -H^-1 g over the parameters not held (held ones
 * get 0), a ridge added while H is not positive definite; returns the
 * Newton decrement g' H^-1 g (0, no step, when H is not a number). */
static double newton_step(const struct nll_deriv *o, const bool *held,
			  double *s)
{
	size_t idx[NPAR], m = 0;
	double ridge = 0, dec = 0, hb[NPAR * NPAR], gb[NPAR], xb[NPAR];
	gsl_matrix_view H;
	gsl_vector_view g, x;

	for (size_t i = 0; i < NPAR; i++) {
		s[i] = 0;
		if (!held[i])
			idx[m++] = i;
	}
	if (m == 0)
		return 0;
	H = gsl_matrix_view_array(hb, m, m);
	g = gsl_vector_view_array(gb, m);
	x = gsl_vector_view_array(xb, m);
	for (;;) {
		for (size_t a = 0; a < m; a++) {
			for (size_t b = 0; b < m; b++)
				hb[a * m + b] = o->H[idx[a]][idx[b]];
			hb[a * m + a] += ridge;
			gb[a] = -o->g[idx[a]];
		}
		if (gsl_linalg_cholesky_decomp1(&H.matrix) == GSL_SUCCESS)
			break;
		ridge = ridge > 0 ? ridge * 10
				  : 1e-6 * (1 + fabs(o->H[idx[0]][idx[0]]));
		if (!(ridge < 1e30))
			return 0; /* not a number: no step */
	}
	gsl_linalg_cholesky_solve(&H.matrix, &g.vector, &x.vector);
	for (size_t a = 0; a < m; a++) {
		s[idx[a]] = xb[a];
		dec -= o->g[idx[a]] * xb[a];
	}
	return dec;
}

/* Minimises fn over the parameters hold does not fix, from t (which
 * gets the minimum), by Newton steps halved until the value falls (a
 * ridge on H where it is not positive definite), inside the box: a
 * parameter at an edge that the gradient pushes out stays there.
 * Converged (true) when the Newton decrement fell under NEWTON_TOL, or
 * under NEWTON_ROUNDING when rounding stops the steps; *f gets the
 * value. */
static bool newton_min(const struct newton_fn *fn, double *t,
		       const bool *hold, double *f)
{
	struct nll_deriv o, trial;
	double s[NPAR], x[NPAR] = { 0 }, dec = INFINITY;
	bool held[NPAR];

	box_clamp(t, fn->lo, fn->hi, fn->n);
	fn->deriv(fn->l, t, &o);
	for (int it = 0; it < NEWTON_MAX_ITER; it++) {
		double step = 1;
		for (size_t i = 0; i < NPAR; i++)
			held[i] = i >= fn->n || hold[i] ||
				  (t[i] <= fn->lo[i] && o.g[i] > 0) ||
				  (t[i] >= fn->hi[i] && o.g[i] < 0);
		dec = newton_step(&o, held, s);
		if (dec < NEWTON_TOL)
			break;
		/* near the minimum a full step that does not lower the
		 * value is rounding: no halving */
		for (; step > (dec < NEWTON_QUADRATIC ? 0.5 : 1e-9);
		     step /= 2) {
			for (size_t i = 0; i < fn->n; i++)
				x[i] = t[i] + step * s[i];
			box_clamp(x, fn->lo, fn->hi, fn->n);
			fn->deriv(fn->l, x, &trial);
			if (trial.f < o.f)
				break;
		}
		if (!(trial.f < o.f))
			break;
		memcpy(t, x, fn->n * sizeof(*t));
		o = trial;
	}
	*f = o.f;
	return dec < NEWTON_ROUNDING;
}

static bool omori_newton(const struct lik *l, double *t, const bool *hold,
			 double *f)
{
	struct newton_fn fn = { omori_nll_deriv, l, NPAR, omori_lo,
				omori_hi };

	return newton_min(&fn, t, hold, f);
}

/* ---- starting values ---- */

static double ramp_floor(const void *ctx, double a)
{
	(void)ctx;
	return fmax(0, a - FLOOR_AGE);
}

/* Events and weighted exposure after FLOOR_AGE days. */
static void floor_counts(const struct restore_data *d, long *n, double *E)
{
	*n = 0;
	for (size_t j = 0; j < d->nev; j++)
		if (d->ev[j].age >= FLOOR_AGE)
			(*n)++;
	*E = expo_integrate(d, &d->pooled, ramp_floor, NULL);
}

/* B0: the rate after 180 days; the decay's scale so that the expected
 * total matches the events. */
static void omori_start(const struct restore_data *d, double c0, double p0,
			double t[NPAR])
{
	double n = (double)d->nev, cov = d->pooled.cov_days, E180, B0, K0;
	struct hazard unit = { 0, 1, c0, p0 };
	long n180;

	floor_counts(d, &n180, &E180);
	B0 = E180 > 0 ? fmax((double)n180, 0.5) / E180 : 0.1 * n / cov;
	B0 = fmin(B0, 0.5 * n / cov);
	K0 = fmax(n - B0 * cov, 0.5 * n) /
	     expo_integrate(d, &d->pooled, omori_cum, &unit);
	t[PAR_B] = log(B0);
	t[PAR_K] = log(K0);
	t[PAR_C] = log(c0);
	t[PAR_P] = log(p0);
}

/* ---- uncertainty ---- */

/* Inverts the Hessian of the free parameters into cov (fixed ones get
 * variance 0). A Hessian that is not positive definite gets a ridge of
 * 1/9 (a log-scale sd of 3) and the result is flagged. */
static int invert_hessian(const struct nll_deriv *o, const bool *fixed,
			  double cov[NPAR][NPAR], bool *regularized,
			  struct err *e)
{
	size_t idx[NPAR], m = 0;
	gsl_matrix *H = NULL;
	int status, rc = -1;

	for (size_t i = 0; i < NPAR; i++)
		if (!fixed[i])
			idx[m++] = i;
	memset(cov, 0, sizeof(double) * NPAR * NPAR);
	*regularized = false;
	if (m == 0)
		return 0;
	H = gsl_matrix_alloc(m, m);
	if (!H)
		return err_set(e, EXIT_SOFTWARE, "cannot allocate a matrix");
	for (int attempt = 0; attempt < 2; attempt++) {
		for (size_t a = 0; a < m; a++)
			for (size_t b = 0; b <= a; b++) {
				double v = o->H[idx[a]][idx[b]];
				if (a == b && attempt)
					v += 1.0 / 9.0;
				gsl_matrix_set(H, a, b, v);
				gsl_matrix_set(H, b, a, v);
			}
		status = gsl_linalg_cholesky_decomp1(H);
		if (status == GSL_SUCCESS)
			break;
		if (status != GSL_EDOM || attempt) {
			err_set(e, EXIT_SOFTWARE,
				"cannot invert the likelihood's Hessian: %s",
				gsl_strerror(status));
			goto done;
		}
		*regularized = true;
	}
	status = gsl_linalg_cholesky_invert(H);
	if (status) {
		err_set(e, EXIT_SOFTWARE, "cannot invert the Hessian: %s",
			gsl_strerror(status));
		goto done;
	}
	for (size_t a = 0; a < m; a++)
		for (size_t b = 0; b < m; b++)
			cov[idx[a]][idx[b]] = gsl_matrix_get(H, a, b);
	rc = 0;
done:
	gsl_matrix_free(H);
	return rc;
}

/* ---- the fits ---- */

static double events_log_weight(const struct restore_data *d)
{
	double s = 0;

	for (size_t j = 0; j < d->nev; j++)
		s += log(d->ev[j].weight);
	return s;
}

/* (c, p) of the starts: the prior's, a sharper and a flatter decay */
static const double omori_starts[][2] = {
	{ 1, 1 }, { 0.2, 0.7 }, { 5, 1.6 },
};

/* Runs every start; best gets the winner. */
/* Start s (of omori_starts): the simplex, then Newton steps; r->size_ok
 * when those converged, r->f the value at t. */
static int omori_run_start(struct lik *l, size_t s, double t[NPAR],
			   struct nm_result *r, struct err *e)
{
	static const bool none[NPAR];

	omori_start(l->d, omori_starts[s][0], omori_starts[s][1], t);
	if (nm_search(omori_nll, l, NPAR, t, 1.0, NM_SEARCH_TOL, false, r,
		      e))
		return -1;
	r->size_ok = omori_newton(l, t, none, &r->f);
	r->f = omori_nll(t, l);
	return 0;
}

static int omori_search(struct restore_model *m, struct lik *l,
			double best[NPAR], struct nm_result *br,
			struct err *e)
{
	size_t ns = ARRAY_SIZE(omori_starts);
	double fs[ARRAY_SIZE(omori_starts)];

	memset(br, 0, sizeof(*br));
	br->f = INFINITY;
	for (size_t s = 0; s < ns; s++) {
		double t[NPAR];
		struct nm_result r;
		if (omori_run_start(l, s, t, &r, e))
			return -1;
		fs[s] = r.f;
		m->diag.iterations += r.iterations;
		m->diag.starts_converged += r.size_ok;
		if (s == 0 || r.f < br->f) {
			*br = r;
			memcpy(best, t, sizeof(t));
		}
	}
	m->diag.starts = (int)ns;
	for (size_t s = 0; s < ns; s++)
		m->diag.starts_agree += fs[s] - br->f < 0.01;
	return 0;
}

static void check_convergence(struct restore_model *m,
			      const struct nll_deriv *o, const bool *fixed,
			      bool size_ok)
{
	double g[NPAR], dec = 0, norm = 0;

	for (int i = 0; i < NPAR; i++)
		g[i] = fixed[i] ? 0 : o->g[i];
	for (int i = 0; i < NPAR; i++) {
		norm += g[i] * g[i];
		for (int j = 0; j < NPAR; j++)
			dec += g[i] * m->cov[i][j] * g[j];
	}
	m->diag.grad_norm = sqrt(norm);
	m->diag.newton_decrement = dec;
	m->diag.converged = size_ok && dec < DECREMENT_TOL;
}

/* ---- profile likelihood ---- */

/* The Hessian's interval for p is poor when c and p trade off (their
 * correlation is often above 0.9): the likelihood is then far from
 * quadratic. p's interval is the profile likelihood's instead: the p where
 * min over (B, K, c) of -loglik rises by chi2_1(level) / 2, found with
 * Brent's method on log p. When the fit holds B at 0 the Hessian says
 * nothing of B: its upper bound is the profile's too, on log B, with the
 * critical value of a null on the boundary, chi2_1(2 level - 1) / 2 (a
 * 50:50 mixture of chi2_0 and chi2_1, modeling.md §2.3). */
#define PROFILE_TOL 1e-4   /* simplex size at each value (Newton's
			    * fallback) */
#define PROFILE_SPAN 1.5   /* search log p-hat +- this (a factor of 4.5) */
#define PROFILE_XTOL 1e-3  /* in log units */

struct profile {
	struct lik *l;
	int which;         /* the parameter profiled */
	double t_hat[NPAR];
	double slope[NPAR]; /* of the others on it, from cov */
	double value, target;
	bool hold[NPAR];   /* the profiled one and those at the box's edge */
	struct err *e;
	int failed;
};

/* The log-parameters with `which` at the profiled value, x the others. */
static void profile_theta(const struct profile *pr, const double *x,
			  double *t)
{
	for (int i = 0, k = 0; i < NPAR; i++)
		t[i] = i == pr->which ? pr->value : x[k++];
}

static double fixed_nll(const double *x, void *ctx)
{
	struct profile *pr = ctx;
	double t[NPAR];

	profile_theta(pr, x, t);
	return omori_nll(t, pr->l);
}

/* The profile at value: min over the others of omori_nll, by Newton
 * steps from the ridge the covariance predicts (a simplex from there
 * when they do not converge). */
static double profile_gap(double value, void *ctx)
{
	struct profile *pr = ctx;
	double dv = value - pr->t_hat[pr->which], t[NPAR], x[NPAR - 1], f;
	struct nm_result r;

	for (int i = 0; i < NPAR; i++)
		t[i] = i == pr->which ? value
				      : pr->t_hat[i] + pr->slope[i] * dv;
	pr->value = value;
	if (pr->failed)
		return 0;
	if (omori_newton(pr->l, t, pr->hold, &f))
		return omori_nll(t, pr->l) - pr->target;
	for (int i = 0, k = 0; i < NPAR; i++)
		if (i != pr->which)
			x[k++] = pr->t_hat[i] + pr->slope[i] * dv;
	if (nm_minimize(fixed_nll, pr, NPAR - 1, x, 0.2, PROFILE_TOL, &r,
			pr->e)) {
		pr->failed = 1;
		return 0;
	}
	return r.f - pr->target;
}

/* Brent's method for the profile's crossing in [lo, hi]. */
static int profile_root(struct profile *pr, double lo, double hi,
			double *out)
{
	gsl_function F = { profile_gap, pr };
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	int status, rc = -1;

	if (!s)
		return err_set(pr->e, EXIT_SOFTWARE,
			       "cannot allocate a root finder");
	status = gsl_root_fsolver_set(s, &F, lo, hi);
	for (int i = 0; status == GSL_SUCCESS && i < 60; i++) {
		status = gsl_root_fsolver_iterate(s);
		if (status)
			break;
		lo = gsl_root_fsolver_x_lower(s);
		hi = gsl_root_fsolver_x_upper(s);
		if (gsl_root_test_interval(lo, hi, PROFILE_XTOL, 0) ==
		    GSL_SUCCESS)
			break;
	}
	if (pr->failed)
		goto done;
	if (status) {
		err_set(pr->e, EXIT_SOFTWARE,
			"cannot bound %s's profile likelihood: %s",
			restore_param_names[pr->which], gsl_strerror(status));
		goto done;
	}
	*out = gsl_root_fsolver_root(s);
	rc = 0;
done:
	gsl_root_fsolver_free(s);
	return rc;
}

/* One end of the interval, walking from the estimate in direction dir by
 * doubling steps until the profile has risen enough (then Brent inside
 * the last step), or up to limit (then the interval ends there). */
static int profile_end(struct profile *pr, double dir, double limit,
		       double *out)
{
	double from = pr->t_hat[pr->which], prev = from, step = 0.05;

	for (;;) {
		double x = from + dir * step;
		if (dir * (x - limit) >= 0)
			x = limit;
		if (profile_gap(x, pr) > 0 && !pr->failed)
			return profile_root(pr, fmin(prev, x), fmax(prev, x),
					    out);
		if (pr->failed)
			return -1;
		if (x == limit) {
			*out = limit;
			return 0;
		}
		prev = x;
		step *= 2;
	}
}

static void profile_init(struct profile *pr, const struct restore_model *m,
			 struct lik *l, int which, const double *t_hat,
			 const bool *fixed, double target, struct err *e)
{
	double v = m->cov[which][which];

	memset(pr, 0, sizeof(*pr));
	pr->l = l;
	pr->which = which;
	memcpy(pr->t_hat, t_hat, sizeof(pr->t_hat));
	for (int i = 0; i < NPAR; i++)
		pr->slope[i] = v > 0 ? m->cov[i][which] / v : 0;
	pr->target = target;
	for (int i = 0; i < NPAR; i++)
		pr->hold[i] = i == which || fixed[i];
	pr->e = e;
}

static int profile_p(struct restore_model *m, struct lik *l,
		     const double *t_hat, const bool *fixed, double nll_min,
		     struct err *e)
{
	struct profile pr;
	double lo, hi;

	profile_init(&pr, m, l, PAR_P, t_hat, fixed,
		     nll_min + gsl_cdf_chisq_Pinv(m->level, 1) / 2, e);
	if (profile_end(&pr, -1,
			fmax(t_hat[PAR_P] - PROFILE_SPAN, omori_lo[PAR_P]),
			&lo) ||
	    profile_end(&pr, 1,
			fmin(t_hat[PAR_P] + PROFILE_SPAN, omori_hi[PAR_P]),
			&hi))
		return -1;
	m->p_lo = exp(lo);
	m->p_hi = exp(hi);
	return 0;
}

/* B's interval when it reaches 0: the profile at B = 0 (the box's
 * edge, the others re-fitted) within the boundary's critical value of
 * the best fit. Then B's upper bound is the profile's crossing above
 * both the estimate and the exact (Garwood) bound of the rate after 180
 * days scaled down 1000 times (the floor is at most that rate; the
 * profile is flat far below it). */
static int profile_b(struct restore_model *m, struct lik *l,
		     const double *t_hat, const bool *fixed, double nll_min,
		     double b_rate, struct err *e)
{
	struct profile pr;
	double t[NPAR], hi;

	memcpy(t, t_hat, sizeof(t));
	profile_init(&pr, m, l, PAR_B, t, fixed,
		     nll_min +
			     gsl_cdf_chisq_Pinv(2 * m->level - 1, 1) / 2,
		     e);
	m->b_at_zero = profile_gap(omori_lo[PAR_B], &pr) <= 0;
	if (pr.failed)
		return -1;
	if (!m->b_at_zero)
		return 0;
	if (b_rate > 0 && isfinite(b_rate))
		pr.t_hat[PAR_B] = fmax(t[PAR_B], log(b_rate / 1000));
	if (profile_end(&pr, 1, omori_hi[PAR_B], &hi))
		return -1;
	m->b_hi = exp(hi);
	return 0;
}

/* Clamps t into the box; fixed: the parameters on its edge. */
static void mark_fixed(double *t, bool *fixed)
{
	box_clamp(t, omori_lo, omori_hi, NPAR);
	for (int i = 0; i < NPAR; i++)
		fixed[i] = t[i] <= omori_lo[i] + 1e-3 ||
			   t[i] >= omori_hi[i] - 1e-3;
}

static int fit_omori(struct restore_model *m, const struct restore_data *d,
		     struct err *e)
{
	struct lik l = { d, events_log_weight(d), true };
	double t[NPAR], E180, lo, rate_hi;
	bool fixed[NPAR];
	struct nm_result r;
	struct nll_deriv o;
	long n180;

	memset(&m->diag, 0, sizeof(m->diag)); /* of this fit, not a round's */
	if (omori_search(m, &l, t, &r, e))
		return -1;
	mark_fixed(t, fixed);
	theta_hazard(t, &m->h);
	omori_nll_deriv(&l, t, &o);
	if (invert_hessian(&o, fixed, m->cov, &m->diag.hessian_regularized,
			   e))
		return -1;
	check_convergence(m, &o, fixed, r.size_ok);
	if (!fixed[PAR_P] && profile_p(m, &l, t, fixed, r.f, e))
		return -1;
	m->diag.size = r.size;
	m->diag.penalty = p_penalty(t[PAR_P]);
	m->diag.loglik = -(r.f - m->diag.penalty);
	m->diag.aic = 2.0 * NPAR - 2.0 * m->diag.loglik;
	floor_counts(d, &n180, &E180);
	poisson_rate_interval(n180, E180, m->level, &lo, &rate_hi);
	return profile_b(m, &l, t, fixed, r.f, rate_hi, e);
}

static int fit_exponential(struct restore_model *m,
			   const struct restore_data *d, struct err *e)
{
	static const double k0s[] = { 1.0 / 3, 1.0 / 30, 1.0 / 300 };
	static const bool none[NPAR];
	struct lik l = { d, events_log_weight(d), false };
	struct newton_fn fn = { exp_nll_deriv, &l, 3, exp_lo, exp_hi };
	double n = (double)d->nev, best = INFINITY;

	for (size_t s = 0; s < ARRAY_SIZE(k0s); s++) {
		struct exp_par x = { 0, 1, k0s[s] };
		double t[3];
		struct nm_result r;
		long n180;
		double E180;
		floor_counts(d, &n180, &E180);
		x.B = E180 > 0 ? fmax((double)n180, 0.5) / E180
			       : 0.1 * n / d->pooled.cov_days;
		x.B = fmin(x.B, 0.5 * n / d->pooled.cov_days);
		t[0] = log(x.B);
		x.B = 0;
		t[1] = log(fmax(n - exp(t[0]) * d->pooled.cov_days, 0.5 * n) /
			   expo_integrate(d, &d->pooled, exp_cum, &x));
		t[2] = log(k0s[s]);
		if (nm_search(exp_nll, &l, 3, t, 1.0, NM_SEARCH_TOL, false, &r,
			      e))
			return -1;
		r.size_ok = newton_min(&fn, t, none, &r.f);
		r.f = exp_nll(t, &l);
		if (r.f < best) {
			best = r.f;
			box_clamp(t, exp_lo, exp_hi, 3);
			m->alt.B = exp(t[0]);
			m->alt.A = exp(t[1]);
			m->alt.k = exp(t[2]);
			m->alt.converged = r.size_ok;
		}
	}
	m->alt.loglik = -best;
	m->alt.aic = 6.0 - 2.0 * m->alt.loglik;
	m->alt.fitted = true;
	return 0;
}

/* The documented prior for too few events (see restore_model.h): shape
 * p = 1, c = 1 d, lambda(0)/lambda(365) = 100, scaled so that the
 * expected total equals the one-sided 95% upper bound of the events (3.0
 * for none: the rule of three); the scale's posterior is then
 * Gamma(n + 1, that bound), whose 95% quantile is 1. Without exposure the
 * bound is spread over one daily point watched for a year. */
static void fit_prior(struct restore_model *m, const struct restore_data *d)
{
	long n = (long)d->nev;
	double U = gsl_cdf_chisq_Pinv(0.95, 2.0 * (double)n + 2) / 2;
	double r = PRIOR_DECAY_RATIO;
	struct hazard unit = { 1, (r - 1) * 366.0 / (366.0 - r), 1, 1 };
	double E1 = fmax(expo_integrate(d, &d->pooled, omori_cum, &unit),
			 hazard_cum(&unit, 365));

	free(m->method);
	m->method = xstrdup("prior");
	m->h = unit;
	m->h.B = U / E1;
	m->h.K = unit.K * m->h.B;
	memset(m->cov, 0, sizeof(m->cov));
	m->cov[PAR_K][PAR_K] = 1;
	m->cov[PAR_C][PAR_C] = 1;
	m->cov[PAR_P][PAR_P] = P_SIGMA_LOG * P_SIGMA_LOG;
	m->prior_bound = U;
}

/* ---- groups and the diagnostic table ---- */

static void group_expectation(struct restore_model *m,
			      const struct restore_data *d,
			      const struct expo_stats *st,
			      struct group_fit *g)
{
	g->expected = expo_integrate(d, st, omori_cum, &m->h);
	poisson_rate_interval(g->events, g->expected, m->level, &g->ratio_lo,
			      &g->ratio_hi);
}

static void fill_table(struct restore_model *m, const struct restore_data *d)
{
	for (int k = 0; k < AGE_TABLE_BINS; k++) {
		struct table_row *t = &m->table[k];
		double lo = age_table_edges[k], hi = age_table_edges[k + 1];
		struct exp_par x = { m->alt.B, m->alt.A, m->alt.k };
		t->events = d->tab_events[k];
		t->point_days = d->tab_point_days[k];
		t->cov_days = d->tab_cov_days[k];
		t->expected = expo_integrate_range(d, &d->pooled, omori_cum,
						   &m->h, lo, hi);
		t->expected_exp = m->alt.fitted
					  ? expo_integrate_range(d, &d->pooled,
								 exp_cum, &x,
								 lo, hi)
					  : NAN;
	}
}

static void fill_groups(struct restore_model *m, const struct restore_data *d)
{
	group_expectation(m, d, &d->pooled, &m->pooled);
	for (int w = 0; w < WL_COUNT; w++)
		group_expectation(m, d, &d->workload[w], &m->workload[w]);
	for (size_t i = 0; i < m->npolicy; i++)
		group_expectation(m, d, &d->policy[i], &m->policy[i]);
}

/* Events and expected restores (pooled, at the fitted shape) per age
 * band of the flexible hazard, and whether it is used. */
static void fill_bands(struct restore_model *m, const struct restore_data *d)
{
	struct age_bands *b = &m->bands;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < d->nev; i++) {
		int k = 0;
		while (k + 1 < AGE_BANDS &&
		       d->ev[i].age >= restore_band_edges[k + 1])
			k++;
		b->events[k]++;
	}
	for (int k = 0; k < AGE_BANDS; k++)
		b->expected[k] = expo_integrate_range(
			d, &d->pooled, omori_cum, &m->h, restore_band_edges[k],
			restore_band_edges[k + 1]);
	restore_bands_choose(m);
}

/* In the prior every group takes the pooled Gamma(n + 1, U). */
static void prior_scales(struct restore_model *m)
{
	double shape = (double)m->pooled.events + 1, rate = m->prior_bound;

	m->pooled.shape = shape;
	m->pooled.rate = rate;
	for (int w = 0; w < WL_COUNT; w++) {
		m->workload[w].shape = shape;
		m->workload[w].rate = rate;
	}
	for (size_t i = 0; i < m->npolicy; i++) {
		m->policy[i].shape = shape;
		m->policy[i].rate = rate;
	}
	m->eb_workload.method = m->eb_policy.method = "none";
}

/* ---- shape and scales jointly ----
 * One likelihood: restores Poisson with rate rho_g lambda(a; theta) in
 * group g, rho_g ~ Gamma (restore_eb.c), the scales integrated out. An
 * ECM fit of that marginal likelihood: given the scales' posteriors the
 * expected complete log-likelihood in theta is the Omori fit with each
 * group's exposure weighted by its posterior mean scale (the events' log
 * rho terms do not depend on theta), and given theta the Gamma prior is
 * the negative-binomial fit restore_eb.c makes. So the shape is fitted on
 * exposure reweighted by the scales, the scales again on the new shape,
 * until the shape settles: a hot policy's restores then raise its own
 * scale, not the pooled shape (and through it every group's rate). */
#define JOINT_ROUNDS 12
#define JOINT_TOL 1e-3      /* largest change of a log-parameter */
#define HIST_ARRAYS 4       /* restore_data.h: 4 arrays of nbins */

/* acc += k * g's histogram (g may have none). */
static void hist_add(double *acc, const struct restore_data *d,
		     const struct expo_stats *g, double k)
{
	size_t n = HIST_ARRAYS * d->nbins;

	for (size_t i = 0; g->hist && i < n; i++)
		acc[i] += k * g->hist[i];
}

static double scale_mean(const struct group_fit *g)
{
	return g->rate > 0 ? g->shape / g->rate : 1;
}

/* The pooled exposure with each policy's weighted by its scale, and the
 * rest of each workload's (points without a policy) by the workload's. */
static void scaled_exposure(const struct restore_model *m,
			    const struct restore_data *d, double *acc)
{
	memset(acc, 0, HIST_ARRAYS * d->nbins * sizeof(*acc));
	for (int w = 0; w < WL_COUNT; w++)
		hist_add(acc, d, &d->workload[w],
			 scale_mean(&m->workload[w]));
	for (size_t i = 0; i < d->npolicies; i++) {
		int w = m->policy[i].workload;
		hist_add(acc, d, &d->policy[i],
			 scale_mean(&m->policy[i]) -
				 scale_mean(&m->workload[w]));
	}
}

static double theta_change(const struct hazard *a, const struct hazard *b)
{
	double x[] = { a->B, a->K, a->c, a->p }, y[] = { b->B, b->K, b->c,
							 b->p };
	double worst = 0;

	for (int i = 0; i < NPAR; i++)
		if (x[i] > 0 && y[i] > 0)
			worst = fmax(worst, fabs(log(x[i] / y[i])));
	return worst;
}

/* The pooled shape's estimate alone (no intervals): where the rounds
 * begin. The first start's when its Newton steps converge (the final fit
 * runs every start and checks that they agree), else every start's
 * best. */
static int omori_estimate(struct restore_model *m,
			  const struct restore_data *d, struct err *e)
{
	struct lik l = { d, events_log_weight(d), true };
	double t[NPAR];
	struct nm_result r;

	if (omori_run_start(&l, 0, t, &r, e) ||
	    (!r.size_ok && omori_search(m, &l, t, &r, e)))
		return -1;
	box_clamp(t, omori_lo, omori_hi, NPAR);
	theta_hazard(t, &m->h);
	return 0;
}

/* One round's shape: Newton steps from the current one (a simplex when
 * they do not converge). */
static int omori_refit(struct restore_model *m, const struct restore_data *d,
		       struct err *e)
{
	static const bool none[NPAR];
	struct lik l = { d, events_log_weight(d), true };
	double t[NPAR] = { log(m->h.B), log(m->h.K), log(m->h.c),
			   log(m->h.p) };
	double f;
	struct nm_result r;

	box_clamp(t, omori_lo, omori_hi, NPAR);
	if (!omori_newton(&l, t, none, &f) &&
	    nm_minimize(omori_nll, &l, NPAR, t, 0.2, NM_SIZE_TOL, &r, e))
		return -1;
	box_clamp(t, omori_lo, omori_hi, NPAR);
	theta_hazard(t, &m->h);
	return 0;
}

/* The pooled fit, then rounds of scales and shape on the scaled
 * exposure until the shape settles, then the whole fit (every start,
 * intervals, the exponential alternative) on the last scales; sd: d
 * with the scaled exposure as its pool (the bands and the table are
 * then read against it too). */
static int fit_joint(struct restore_model *m, const struct restore_data *d,
		     struct restore_data *sd, struct err *e)
{
	struct hazard prev;
	int round = 0;

	if (omori_estimate(m, d, e))
		return -1;
	fill_groups(m, d);
	if (restore_eb_fit(m, e))
		return -1;
	do {
		prev = m->h;
		scaled_exposure(m, d, sd->pooled.hist);
		if (omori_refit(m, sd, e))
			return -1;
		fill_groups(m, d);
		if (restore_eb_fit(m, e))
			return -1;
	} while (++round < JOINT_ROUNDS &&
		 theta_change(&prev, &m->h) >= JOINT_TOL);
	m->joint_rounds = round;
	scaled_exposure(m, d, sd->pooled.hist);
	if (fit_omori(m, sd, e) || fit_exponential(m, sd, e))
		return -1;
	fill_groups(m, d);
	return restore_eb_fit(m, e);
}

int restore_model_fit_data(struct restore_model **out,
			   const struct restore_data *d,
			   const struct fit_options *o, struct err *e)
{
	struct restore_model *m = restore_model_new(d);
	struct restore_data sd = *d;
	double *scaled = xmalloc(HIST_ARRAYS * d->nbins * sizeof(*scaled));

	m->level = o->level;
	sd.pooled.hist = d->pooled.hist;
	if ((long)d->nev < o->min_events || !(d->pooled.cov_days > 0)) {
		fit_prior(m, d);
		fill_groups(m, d);
		prior_scales(m);
	} else {
		sd.pooled.hist = scaled;
		if (fit_joint(m, d, &sd, e))
			goto fail;
	}
	fill_table(m, &sd);
	fill_bands(m, &sd);
	restore_model_finish_summary(m);
	free(scaled);
	*out = m;
	return 0;
fail:
	free(scaled);
	restore_model_free(m);
	return -1;
}

/* With the fit's own read begun by the caller (o->scan), the fit runs
 * while its checker ends; the errors come as they would one after the
 * other: the read's, the files' check against the manifest, the fit's. */
int restore_model_fit(struct restore_model **out, struct snapshot *s,
		      const struct fit_options *o, struct err *e)
{
	struct restore_data d;
	struct err fit_e = ERR_INIT;
	int rc = restore_data_collect_scan(&d, s, o->scan, e), fit_rc = 0;

	*out = NULL;
	if (!rc)
		fit_rc = restore_model_fit_data(out, &d, o, &fit_e);
	restore_data_release(&d);
	if (o->scan)
		rc = restore_scan_finish(o->scan, rc, e);
	if (!rc && fit_rc)
		*e = fit_e;
	if (rc && *out) {
		restore_model_free(*out);
		*out = NULL;
	}
	return rc ? rc : fit_rc;
}
