/* SPDX-License-Identifier: MIT
 * restore_eb.c: gamma-Poisson empirical Bayes of the group scales
 * (modeling.md §2.4; Clayton & Kaldor 1987) given the shape: one step of
 * the joint fit of shape and scales (restore_fit.c: fit_joint).
 *
 * A group's n_g restores are Poisson(rho_g E_g), E_g being its restores
 * expected under the fitted intensity, and rho_g ~ Gamma(alpha, rate
 * alpha/mu); the posterior is Gamma(alpha + n_g, alpha/mu + E_g).
 *  - Workloads: groups are the workloads with exposure.
 *  - Policies, nested in their workload: rho_p = r_w delta_p with r_w the
 *    workload's posterior mean and delta_p ~ Gamma(alpha, alpha/mu), so
 *    the same estimator runs on E'_p = r_w E_p and the posterior of rho_p
 *    is Gamma(alpha + n_p, (alpha/mu + E'_p) / r_w).
 * (alpha, mu) come from the negative-binomial marginal likelihood,
 * maximised over (log alpha, log mu) with nmsimplex2, when there are at
 * least 10 groups, and from Marshall's moment estimator otherwise. No
 * sign of overdispersion means alpha = infinity (use the pool); alpha is
 * capped at the pool's event count, so a group is never held to the pool
 * more tightly than the pool's own information allows. Never prints. */
#include "models/restore/restore_internal.h"

#include <math.h>

#include <gsl/gsl_sf_gamma.h>

#include "optimizer/base/util.h"

#define EB_ML_MIN_GROUPS 10

struct nb {
	const long *n;
	const double *E;
	size_t G;
};

/* Negative of the negative-binomial marginal log-likelihood (constants
 * dropped) at (log alpha, log mu). */
static double nb_nll(const double *t, void *ctx)
{
	const struct nb *b = ctx;
	double la = fmin(fmax(t[0], -10), 16), lm = fmin(fmax(t[1], -30), 30);
	double ex = (t[0] - la) * (t[0] - la) + (t[1] - lm) * (t[1] - lm);
	double a = exp(la), beta = a / exp(lm), ll = 0;

	for (size_t g = 0; g < b->G; g++) {
		double n = (double)b->n[g];
		ll += gsl_sf_lngamma(a + n) - gsl_sf_lngamma(a) +
		      a * log(beta) - (a + n) * log(beta + b->E[g]);
	}
	if (!isfinite(ll))
		return 1e300;
	return -ll + 1e4 * ex;
}

/* Marshall (1991): m = sum n / sum E; between-group variance of the
 * ratios beyond Poisson noise; alpha = m^2 / that variance. */
static void eb_moments(const long *n, const double *E, size_t G,
		       struct eb_fit *out)
{
	double N = 0, S = 0, s2 = 0, m, phi;

	for (size_t g = 0; g < G; g++) {
		N += (double)n[g];
		S += E[g];
	}
	m = N / S;
	for (size_t g = 0; g < G; g++) {
		double r = (double)n[g] / E[g] - m;
		s2 += E[g] * r * r;
	}
	s2 /= S;
	phi = s2 - m / (S / (double)G);
	out->mu = m > 0 ? m : 1;
	out->alpha = phi > 0 && m > 0 ? m * m / phi : INFINITY;
	out->method = "moments";
}

int eb_estimate(const long *n, const double *E, size_t G, double cap,
		struct eb_fit *out, struct err *e)
{
	out->groups = (int)G;
	out->alpha = INFINITY;
	out->mu = 1;
	out->method = "none";
	if (G >= 2)
		eb_moments(n, E, G, out);
	if (G >= EB_ML_MIN_GROUPS) {
		struct nb b = { n, E, G };
		double t[2] = { log(fmin(out->alpha, 1e6)), log(out->mu) };
		struct nm_result r;
		if (nm_minimize(nb_nll, &b, 2, t, 1.0, 1e-6, &r, e))
			return -1;
		out->alpha = exp(fmin(t[0], 16));
		out->mu = exp(t[1]);
		out->method = "ml";
	}
	out->alpha = fmin(out->alpha, fmax(cap, 1));
	return 0;
}

/* Posterior means of the workloads, needed to nest the policies. */
static int eb_workloads(struct restore_model *m, double cap, struct err *e)
{
	long n[WL_COUNT];
	double E[WL_COUNT];
	size_t G = 0;
	struct eb_fit *f = &m->eb_workload;

	for (int w = 0; w < WL_COUNT; w++)
		if (m->workload[w].expected > 0) {
			n[G] = m->workload[w].events;
			E[G++] = m->workload[w].expected;
		}
	if (eb_estimate(n, E, G, cap, f, e))
		return -1;
	for (int w = 0; w < WL_COUNT; w++) {
		struct group_fit *g = &m->workload[w];
		g->shape = f->alpha + (double)g->events;
		g->rate = f->alpha / f->mu + g->expected;
	}
	return 0;
}

static int eb_policies(struct restore_model *m, double cap, struct err *e)
{
	long *n = xcalloc(m->npolicy + 1, sizeof(*n));
	double *E = xcalloc(m->npolicy + 1, sizeof(*E));
	size_t G = 0;
	struct eb_fit *f = &m->eb_policy;
	int rc = -1;

	for (size_t i = 0; i < m->npolicy; i++) {
		struct group_fit *p = &m->policy[i];
		const struct group_fit *w = &m->workload[p->workload];
		if (p->expected > 0) {
			n[G] = p->events;
			E[G++] = p->expected * w->shape / w->rate;
		}
	}
	if (eb_estimate(n, E, G, cap, f, e))
		goto done;
	for (size_t i = 0; i < m->npolicy; i++) {
		struct group_fit *p = &m->policy[i];
		const struct group_fit *w = &m->workload[p->workload];
		double r_w = w->shape / w->rate;
		p->shape = f->alpha + (double)p->events;
		p->rate = (f->alpha / f->mu + p->expected * r_w) / r_w;
	}
	rc = 0;
done:
	free(n);
	free(E);
	return rc;
}

int restore_eb_fit(struct restore_model *m, struct err *e)
{
	double cap = (double)m->pooled.events;

	m->pooled.shape = fmax((double)m->pooled.events, 0.5);
	m->pooled.rate = m->pooled.expected > 0 ? m->pooled.expected : 1;
	return eb_workloads(m, cap, e) || eb_policies(m, cap, e) ? -1 : 0;
}
