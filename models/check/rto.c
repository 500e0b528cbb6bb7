/* SPDX-License-Identifier: MIT
 * rto.c: restore duration model (robust fit of restore jobs) and the
 * rehydration times of Archive (see rto.h). */
#include "models/check/rto.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const rehydrate_priority_names[REHYDRATE_COUNT] = { "standard",
								"high" };

static void use_defaults(struct rto_model *out, size_t n,
			 const char *why)
{
	out->fixed_h = RTO_VAULT_FIXED_H;
	out->gib_per_h = RTO_VAULT_GIB_PER_H;
	out->p90_extra_h = 0;
	out->n = n;
	out->fitted = false;
	snprintf(out->basis, sizeof(out->basis),
		 "default %.0f h + size at %.0f GiB/h: %s", RTO_VAULT_FIXED_H,
		 RTO_VAULT_GIB_PER_H, why);
}

/* p90 of the residuals y - (c0 + c1 x). */
static double residual_p90(const struct rto_sample *s, size_t n,
			   double c0, double c1)
{
	double *r = xmalloc(n * sizeof(*r));
	double q;

	for (size_t i = 0; i < n; i++)
		r[i] = s[i].hours - (c0 + c1 * s[i].gib);
	gsl_sort(r, 1, n);
	q = gsl_stats_quantile_from_sorted_data(r, 1, n, RTO_QUANTILE);
	free(r);
	return q;
}

/* Bisquare regression of hours on GiB; 0 with c0, c1 set, or -1. */
static int robust_line(const struct rto_sample *s, size_t n,
		       double *c0, double *c1)
{
	gsl_multifit_robust_workspace *w =
		gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, n, 2);
	gsl_matrix *X = gsl_matrix_alloc(n, 2);
	gsl_matrix *cov = gsl_matrix_alloc(2, 2);
	gsl_vector *y = gsl_vector_alloc(n);
	gsl_vector *c = gsl_vector_alloc(2);
	int status = -1;

	if (!w || !X || !cov || !y || !c)
		goto done;
	for (size_t i = 0; i < n; i++) {
		gsl_matrix_set(X, i, 0, 1.0);
		gsl_matrix_set(X, i, 1, s[i].gib);
		gsl_vector_set(y, i, s[i].hours);
	}
	status = gsl_multifit_robust(X, y, c, cov, w);
	/* Not converging in the iteration limit still leaves estimates. */
	if (status == GSL_EMAXITER)
		status = GSL_SUCCESS;
	*c0 = gsl_vector_get(c, 0);
	*c1 = gsl_vector_get(c, 1);
done:
	gsl_multifit_robust_free(w);
	gsl_matrix_free(X);
	gsl_matrix_free(cov);
	gsl_vector_free(y);
	gsl_vector_free(c);
	return status == GSL_SUCCESS && isfinite(*c0) && isfinite(*c1) ? 0
									: -1;
}

void rto_model_fit(struct rto_model *out,
		       const struct rto_sample *s, size_t n)
{
	double c0 = NAN, c1 = NAN;
	char why[96];

	memset(out, 0, sizeof(*out));
	if (n < RTO_MIN_RESTORES) {
		snprintf(why, sizeof(why), "%zu usable restores, %d needed",
			 n, RTO_MIN_RESTORES);
		use_defaults(out, n, why);
		return;
	}
	if (robust_line(s, n, &c0, &c1)) {
		use_defaults(out, n, "the fit of the restore history failed");
		return;
	}
	if (c1 <= 0) {
		use_defaults(out, n,
			     "restore times in the history do not grow with "
			     "size");
		return;
	}
	out->fixed_h = c0;
	out->gib_per_h = 1.0 / c1;
	out->p90_extra_h = residual_p90(s, n, c0, c1);
	out->n = n;
	out->fitted = true;
	snprintf(out->basis, sizeof(out->basis),
		 "p90 of a fit on %zu restores: %.2f h + size at %.0f GiB/h",
		 n, c0, out->gib_per_h);
}

double rto_model_hours(const struct rto_model *m, double gib)
{
	double h = m->fixed_h + gib / m->gib_per_h + m->p90_extra_h;

	return h > 0 ? h : 0;
}

double rto_rehydrate_hours(int priority, double gib)
{
	/* High is served before Standard, so never slower than it. */
	if (priority == REHYDRATE_HIGH)
		return fmin(REHYDRATE_STANDARD_H,
			    fmax(REHYDRATE_HIGH_MIN_H,
				 gib / REHYDRATE_HIGH_GIB_PER_H));
	return REHYDRATE_STANDARD_H;
}

/* Restores from the vault's Standard tier (a rehydrated point included). */
static bool vault_restore_tier(const char *tier)
{
	return str_eq_ci(tier, "Standard") ||
	       str_eq_ci(tier, "StandardRehydrated") ||
	       str_eq_ci(tier, "VaultStandard") ||
	       str_eq_ci(tier, "VaultStandardRehydrated");
}

static double job_hours(const struct job *j)
{
	if (!isnan(j->duration_s))
		return j->duration_s / HOUR_S;
	if (j->end_time != TIME_NONE)
		return (double)(j->end_time - j->start_time) / HOUR_S;
	return NAN;
}

void rto_samples_add(struct rto_samples *rs, const struct item *it,
		     const struct job *j, int64_t as_of)
{
	double h = job_hours(j);
	int wl = it->workload;

	if (!job_is_restore(j) || !job_succeeded(j) ||
	    !vault_restore_tier(j->source_tier) || !(j->data_gb > 0) ||
	    !(h > 0) || j->start_time > as_of)
		return;
	rs->s[wl] = grow_array(rs->s[wl], sizeof(*rs->s[wl]), rs->n[wl] + 1,
			       &rs->alloc[wl]);
	rs->s[wl][rs->n[wl]++] = (struct rto_sample){ j->data_gb, h };
}

/* The fit on every workload's restores together. */
static void fit_pooled(const struct rto_samples *rs, size_t n,
		       struct rto_model *out)
{
	struct rto_sample *all = xmalloc((n ? n : 1) * sizeof(*all));
	size_t k = 0;

	for (int wl = 0; wl < WL_COUNT; wl++)
		for (size_t i = 0; i < rs->n[wl]; i++)
			all[k++] = rs->s[wl][i];
	rto_model_fit(out, all, n);
	free(all);
}

size_t rto_samples_fit(const struct rto_samples *rs,
		       struct rto_model out[WL_COUNT])
{
	struct rto_model pooled;
	size_t n = 0;
	bool need_pooled = false;

	for (int wl = 0; wl < WL_COUNT; wl++) {
		n += rs->n[wl];
		need_pooled = need_pooled || rs->n[wl] < RTO_MIN_RESTORES;
	}
	/* the robust fit sorts its residuals in every iteration: not run
	 * when every workload has its own */
	if (need_pooled)
		fit_pooled(rs, n, &pooled);
	for (int wl = 0; wl < WL_COUNT; wl++) {
		if (rs->n[wl] >= RTO_MIN_RESTORES)
			rto_model_fit(&out[wl], rs->s[wl], rs->n[wl]);
		else
			out[wl] = pooled;
	}
	return n;
}

void rto_samples_release(struct rto_samples *rs)
{
	for (int wl = 0; wl < WL_COUNT; wl++)
		free(rs->s[wl]);
	memset(rs, 0, sizeof(*rs));
}
