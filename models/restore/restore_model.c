/* SPDX-License-Identifier: MIT
 * restore_model.c: the questions plan asks of a fitted or loaded restore
 * model: a group's scale, forecasts over an age range with intervals, and
 * the rate to decide on. Also the model's life cycle. Never prints.
 *
 * Intervals: the scale rho of the item's group has a gamma posterior
 * (shape s, rate r); the parameter uncertainty of a quantity Q(theta)
 * (expected restores, or lambda at one age) is the delta method on log Q
 * with finite differences in the log-parameters (var_log). The two are
 * combined as one gamma with the mean s/r * Q and the squared
 * coefficient of variation 1/s + (exp(var_log) - 1); its quantiles give
 * the interval, and P(at least one restore) = 1 - E[exp(-M)] follows the
 * same gamma (a negative binomial at zero). */
#include "models/restore/restore_internal.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define DELTA_STEP 1e-4

struct restore_model *restore_model_new(const struct restore_data *d)
{
	struct restore_model *m = xcalloc(1, sizeof(*m));

	m->method = xstrdup("mle");
	m->level = 0.90;
	m->b_hi = m->prior_bound = m->p_lo = m->p_hi = NAN;
	m->sum = d->sum;
	m->pooled.id = xstrdup("pooled");
	m->pooled.workload = -1;
	m->pooled.events = d->pooled.events;
	m->pooled.points = d->pooled.points;
	m->pooled.point_days = d->pooled.point_days;
	m->pooled.cov_days = d->pooled.cov_days;
	for (int w = 0; w < WL_COUNT; w++) {
		struct group_fit *g = &m->workload[w];
		g->id = xstrdup(workload_names[w]);
		g->workload = w;
		g->events = d->workload[w].events;
		g->points = d->workload[w].points;
		g->point_days = d->workload[w].point_days;
		g->cov_days = d->workload[w].cov_days;
	}
	m->npolicy = d->npolicies;
	m->policy = xcalloc(m->npolicy + 1, sizeof(*m->policy));
	for (size_t i = 0; i < m->npolicy; i++) {
		struct group_fit *g = &m->policy[i];
		g->id = xstrdup(d->policy_ids[i]);
		g->workload = d->policy_workload[i];
		g->events = d->policy[i].events;
		g->points = d->policy[i].points;
		g->point_days = d->policy[i].point_days;
		g->cov_days = d->policy[i].cov_days;
	}
	for (int k = 0; k < RK_COUNT; k++) {
		m->kinds[k] = d->kind[k];
		m->kinds[k].hist = NULL;
	}
	restore_model_index(m);
	return m;
}

void restore_model_index(struct restore_model *m)
{
	strmap_release(&m->policy_map);
	for (size_t i = 0; i < m->npolicy; i++)
		strmap_put(&m->policy_map, m->policy[i].id, i);
}

void restore_model_free(struct restore_model *m)
{
	if (!m)
		return;
	free(m->method);
	free(m->pooled.id);
	for (int w = 0; w < WL_COUNT; w++)
		free(m->workload[w].id);
	for (size_t i = 0; i < m->npolicy; i++)
		free(m->policy[i].id);
	free(m->policy);
	strmap_release(&m->policy_map);
	free(m);
}

const struct hazard *restore_model_hazard(const struct restore_model *m)
{
	return &m->h;
}

const char *restore_model_method(const struct restore_model *m)
{
	return m->method;
}

const struct restore_fit_summary *
restore_model_summary(const struct restore_model *m)
{
	return &m->sum;
}

double restore_model_level(const struct restore_model *m)
{
	return m->level;
}

static bool is_prior(const struct restore_model *m)
{
	return strcmp(m->method, "prior") == 0;
}

static double param_value(const struct hazard *h, int which)
{
	const double v[NPAR] = { h->B, h->K, h->c, h->p };
	return v[which];
}

void restore_model_param(const struct restore_model *m, int which,
			 double *est, double *lo, double *hi)
{
	double z = gsl_cdf_ugaussian_Pinv((1 + m->level) / 2);
	double sd = sqrt(fmax(m->cov[which][which], 0));

	*est = param_value(&m->h, which);
	*lo = *est * exp(-z * sd);
	*hi = *est * exp(z * sd);
	if (which == PAR_B && m->b_at_zero) {
		*lo = 0;
		*hi = m->b_hi;
	} else if (which == PAR_P && m->p_hi > 0) {
		*lo = m->p_lo;
		*hi = m->p_hi;
	} else if (is_prior(m) && (which == PAR_B || which == PAR_K)) {
		/* the prior's scale uncertainty lives in rho */
		double s = m->pooled.shape, r = m->pooled.rate;
		*lo *= gsl_cdf_gamma_Pinv((1 - m->level) / 2, s, 1 / r);
		*hi *= gsl_cdf_gamma_Pinv((1 + m->level) / 2, s, 1 / r);
	}
}

/* ---- scales ---- */

static void scale_of(const struct group_fit *g, const char *level,
		     struct restore_scale *out)
{
	out->shape = g->shape;
	out->rate = g->rate;
	out->events = g->events;
	out->exposure = g->expected;
	out->level = level;
}

void restore_model_scale(const struct restore_model *m,
			 const char *policy_id, int workload,
			 struct restore_scale *out)
{
	size_t i;
	const struct group_fit *w;

	if (is_prior(m)) {
		scale_of(&m->pooled, "prior", out);
		return;
	}
	if (policy_id && strmap_get(&m->policy_map, policy_id, &i) == 0) {
		workload = m->policy[i].workload;
		if (m->policy[i].points > 0) {
			scale_of(&m->policy[i], "policy", out);
			return;
		}
	}
	if (workload < 0 || workload >= WL_COUNT ||
	    m->workload[workload].points == 0) {
		/* a new group: the prior of the workloads' scales */
		scale_of(&m->pooled, "pooled", out);
		out->shape = m->eb_workload.alpha;
		out->rate = m->eb_workload.alpha / m->eb_workload.mu;
		return;
	}
	w = &m->workload[workload];
	scale_of(w, "workload", out);
	if (policy_id) {
		/* a policy without history: its workload's mean with the
		 * spread between policies */
		double r_w = w->shape / w->rate;
		out->shape = m->eb_policy.alpha;
		out->rate = m->eb_policy.alpha / m->eb_policy.mu / r_w;
	}
}

/* ---- the shape plan decides on ----
 * The exponential + floor fit, B + A e^(-k a), when AIC prefers it to the
 * Omori shape (with its age bands when they are used); else that shape.
 * The delta-method variance stays the Omori fit's over the same span (the
 * exponential fit keeps no covariance). */

static bool uses_exponential(const struct restore_model *m)
{
	double best = m->bands.used ? m->bands.aic : m->diag.aic;

	return !is_prior(m) && m->alt.fitted && m->alt.converged &&
	       m->alt.k > 0 && m->alt.aic < best;
}

static double shape_rate(const struct restore_model *m, double a)
{
	if (uses_exponential(m))
		return m->alt.B + m->alt.A * exp(-m->alt.k * a);
	return bands_rate(&m->h, &m->bands, a);
}

static double shape_cum_at(const struct restore_model *m, double a)
{
	if (uses_exponential(m))
		return m->alt.B * a - m->alt.A / m->alt.k * expm1(-m->alt.k * a);
	if (m->cum_days > 0 && !m->bands.used)
		return hazard_cum_scaled(&m->h, m->decay_scale, a);
	return bands_cum(&m->h, &m->bands, a);
}

/* The same, from the table at a whole day in it (the value computed
 * there for that very age, so equal to the bit). */
static double shape_cum(const struct restore_model *m, double a)
{
	if (a >= 0 && a < m->cum_days && !signbit(a) &&
	    a == (double)(int)a)
		return m->cum_day[(int)a];
	return shape_cum_at(m, a);
}

void restore_model_finish_summary(struct restore_model *m)
{
	bool prior = strcmp(m->method, "prior") == 0;

	m->sum.converged = prior || m->diag.converged;
	m->sum.aic = prior ? NAN : m->diag.aic;
	m->sum.aic_exponential = m->alt.fitted ? m->alt.aic : NAN;
	/* filled from the shape as it is now, not from an earlier table */
	m->cum_days = 0;
	for (int d = 0; d < CUM_TABLE_DAYS; d++)
		m->cum_day[d] = shape_cum_at(m, d);
	m->decay_scale = hazard_decay_scale(&m->h);
	m->cum_days = CUM_TABLE_DAYS;
}

/* First age at which w_rho (B + A e^(-k a)) <= theta: 0 when it starts
 * below, INFINITY when the floor stays above. */
static double exponential_best_age(const struct exp_fit *x, double w_rho,
				   double theta)
{
	double t = theta / w_rho;

	if (!(w_rho > 0) || x->B + x->A <= t)
		return 0;
	if (x->B >= t)
		return INFINITY;
	return log(x->A / (t - x->B)) / x->k;
}

/* ---- delta method ---- */

struct span {
	double weight, a0, a1;
	const struct age_bands *bands;
};

static double log_expected(const struct hazard *h, const struct span *s)
{
	return log(s->weight) + log(bands_cum(h, s->bands, s->a1) -
				    bands_cum(h, s->bands, s->a0));
}

static double log_rate(const struct hazard *h, const struct span *s)
{
	return log(s->weight) + log(bands_rate(h, s->bands, s->a0));
}

/* Multiplies parameter i by f. */
static void scale_param(struct hazard *h, int i, double f)
{
	switch (i) {
	case PAR_B:
		h->B *= f;
		break;
	case PAR_K:
		h->K *= f;
		break;
	case PAR_C:
		h->c *= f;
		break;
	default:
		h->p *= f;
		break;
	}
}

/* Variance of Q(theta) by the delta method in the log-parameters. */
static double delta_var(const struct restore_model *m,
			double (*Q)(const struct hazard *,
				    const struct span *),
			const struct span *s)
{
	double g[NPAR], v = 0;

	for (int i = 0; i < NPAR; i++) {
		struct hazard hp = m->h, hm = m->h;
		g[i] = 0;
		if (m->cov[i][i] <= 0)
			continue;
		scale_param(&hp, i, exp(DELTA_STEP));
		scale_param(&hm, i, exp(-DELTA_STEP));
		g[i] = (Q(&hp, s) - Q(&hm, s)) / (2 * DELTA_STEP);
	}
	for (int i = 0; i < NPAR; i++)
		for (int j = 0; j < NPAR; j++)
			v += g[i] * m->cov[i][j] * g[j];
	return fmax(v, 0);
}

/* Shape of the gamma combining rho's posterior and var_log. */
static double combined_shape(double shape, double var_log)
{
	double cv2 = 1 / shape + expm1(var_log);
	return 1 / fmax(cv2, 1e-12);
}

/* q-quantile of a gamma of mean 1 and shape k by bisection on its CDF,
 * for the shapes where gsl_cdf_gamma_Pinv gives up (very small k). */
static double gamma_bisect(double q, double k)
{
	double lo = 0, hi = 1;

	while (gsl_cdf_gamma_P(hi, k, 1 / k) < q && hi < 1e300)
		hi *= 2;
	for (int i = 0; i < 200; i++) {
		double mid = lo + (hi - lo) / 2;
		if (gsl_cdf_gamma_P(mid, k, 1 / k) < q)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

/* q-quantile of a gamma of mean 1 and shape k. Very large shapes use
 * the Wilson-Hilferty cube (exact to about 1e-6 there), where
 * gsl_cdf_gamma_Pinv returns NaN. */
static double unit_gamma_quantile(double q, double k)
{
	double x;

	if (q <= 0)
		return 0;
	if (q >= 1)
		return INFINITY;
	/* Wilson-Hilferty: within 0.2% of the exact quantile at the 5% and
	 * 95% levels from k = 10 on, and far cheaper than the inversion
	 * below, which plan would otherwise run for every point. */
	if (k >= 10) {
		double v = 1 / (9 * k);
		double y = 1 - v + gsl_cdf_ugaussian_Pinv(q) * sqrt(v);
		return y * y * y;
	}
	x = gsl_cdf_gamma_Pinv(q, k, 1 / k);
	return isfinite(x) ? x : gamma_bisect(q, k);
}

void restore_model_forecast(const struct restore_model *m,
			    const char *policy_id, int workload,
			    double weight, double a0, double a1,
			    double level, struct restore_forecast *out)
{
	struct span s = { weight, fmax(a0, 0), a1, &m->bands };
	struct restore_scale sc;
	double m0, k;

	memset(out, 0, sizeof(*out));
	if (!(weight > 0) || !(s.a1 > s.a0))
		return;
	m0 = weight * (shape_cum(m, s.a1) - shape_cum(m, s.a0));
	if (!(m0 > 0))
		return;
	restore_model_scale(m, policy_id, workload, &sc);
	k = combined_shape(sc.shape, delta_var(m, log_expected, &s));
	out->mean = m0 * sc.shape / sc.rate;
	out->lo = out->mean * unit_gamma_quantile((1 - level) / 2, k);
	out->hi = out->mean * unit_gamma_quantile((1 + level) / 2, k);
	/* 1 - E[e^-M] for M ~ Gamma(k, rate k / mean) */
	out->p_any = -expm1(-k * log1p(out->mean / k));
	out->p_any_lo = -expm1(-out->lo);
	out->p_any_hi = -expm1(-out->hi);
}

double restore_model_expected(const struct restore_model *m,
			      const char *policy_id, int workload,
			      double weight, double a0, double a1)
{
	struct span s = { weight, fmax(a0, 0), a1, &m->bands };
	struct restore_scale sc;

	if (!(weight > 0) || !(s.a1 > s.a0))
		return 0;
	restore_model_scale(m, policy_id, workload, &sc);
	return weight * (shape_cum(m, s.a1) - shape_cum(m, s.a0)) * sc.shape /
	       sc.rate;
}

double restore_model_rate_quantile(const struct restore_model *m,
				   const char *policy_id, int workload,
				   double weight, double age, double q)
{
	struct span s = { weight, fmax(age, 0), 0, &m->bands };
	struct restore_scale sc;
	double mean, k;

	if (!(weight > 0))
		return 0;
	restore_model_scale(m, policy_id, workload, &sc);
	mean = weight * shape_rate(m, s.a0) * sc.shape / sc.rate;
	if (q == 0.5)
		return mean;
	k = combined_shape(sc.shape, delta_var(m, log_rate, &s));
	return mean * unit_gamma_quantile(q, k);
}

double restore_model_best_age(const struct restore_model *m,
			      const char *policy_id, int workload,
			      double weight, double theta, double lo,
			      double hi)
{
	struct restore_scale sc;

	restore_model_scale(m, policy_id, workload, &sc);
	if (uses_exponential(m))
		return exponential_best_age(&m->alt,
					    weight * sc.shape / sc.rate, theta);
	return bands_best_age(&m->h, &m->bands, weight * sc.shape / sc.rate,
			      theta, lo, hi);
}

double restore_model_cum(const struct restore_model *m, double age_days)
{
	return shape_cum(m, age_days);
}
