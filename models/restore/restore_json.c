/* SPDX-License-Identifier: MIT
 * restore_json.c: model.json, the restore model as `vaultwise fit` writes
 * it and `plan` reads it back. Everything the queries need is read back
 * (a written, read and rewritten model is byte-identical: numbers are
 * written with the digits that read back exactly); numbers that are not
 * finite are written as null. Never prints. */
#include "models/restore/restore_internal.h"

#include <math.h>

#include <cjson/cJSON.h>

#include "optimizer/base/fileio.h"
#include "optimizer/base/jsonutil.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

#define MODEL_FORMAT_VERSION 1
#define MODEL_MAX_BYTES (64u << 20)

static const char *const table_labels[AGE_TABLE_BINS] = {
	"0-14", "15-29", "30-44", "45-59", "60-89", "90-119", "120-179",
	"180-364", "365-729", "730+"
};

/* ---- writing ---- */

/* The shortest of %.15g, %.16g and %.17g that reads back as exactly v
 * (cJSON's own printing accepts a last-digit error). */
static cJSON *exact_number(double v)
{
	char buf[32];

	if (!isfinite(v))
		return cJSON_CreateNull();
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof(buf), "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return cJSON_CreateRaw(buf);
}

static void put_num(cJSON *o, const char *key, double v)
{
	cJSON_AddItemToObject(o, key, exact_number(v));
}

static cJSON *params_json(const struct restore_model *m)
{
	static const char *const units[NPAR] = {
		"restores per coverage-day", "restores per coverage-day",
		"days", "1"
	};
	cJSON *o = cJSON_CreateObject();

	for (int i = 0; i < NPAR; i++) {
		cJSON *p = cJSON_CreateObject();
		double est, lo, hi;
		restore_model_param(m, i, &est, &lo, &hi);
		put_num(p, "estimate", est);
		put_num(p, "lo", lo);
		put_num(p, "hi", hi);
		cJSON_AddStringToObject(p, "unit", units[i]);
		cJSON_AddItemToObject(o, restore_param_names[i], p);
	}
	return o;
}

static cJSON *cov_json(const struct restore_model *m)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < NPAR; i++) {
		cJSON *row = cJSON_CreateArray();
		for (int j = 0; j < NPAR; j++)
			cJSON_AddItemToArray(row, exact_number(m->cov[i][j]));
		cJSON_AddItemToArray(a, row);
	}
	return a;
}

static cJSON *diag_json(const struct fit_diag *d)
{
	cJSON *o = cJSON_CreateObject();

	put_num(o, "loglik", d->loglik);
	put_num(o, "penalty_p", d->penalty);
	put_num(o, "aic", d->aic);
	cJSON_AddNumberToObject(o, "iterations", d->iterations);
	cJSON_AddNumberToObject(o, "starts", d->starts);
	cJSON_AddNumberToObject(o, "starts_converged", d->starts_converged);
	cJSON_AddNumberToObject(o, "starts_agree", d->starts_agree);
	put_num(o, "simplex_size", d->size);
	put_num(o, "gradient_norm", d->grad_norm);
	put_num(o, "newton_decrement", d->newton_decrement);
	cJSON_AddBoolToObject(o, "converged", d->converged);
	cJSON_AddBoolToObject(o, "hessian_regularized",
			      d->hessian_regularized);
	return o;
}

static cJSON *alt_json(const struct restore_model *m)
{
	cJSON *a = cJSON_CreateArray(), *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "family", "exponential_floor");
	cJSON_AddStringToObject(o, "formula", "lambda(a) = B + A exp(-k a)");
	cJSON_AddBoolToObject(o, "fitted", m->alt.fitted);
	put_num(o, "B", m->alt.B);
	put_num(o, "A", m->alt.A);
	put_num(o, "k", m->alt.k);
	put_num(o, "loglik", m->alt.loglik);
	put_num(o, "aic", m->alt.aic);
	/* positive: the Omori model is preferred */
	put_num(o, "delta_aic", m->alt.aic - m->diag.aic);
	cJSON_AddBoolToObject(o, "converged", m->alt.converged);
	cJSON_AddItemToArray(a, o);
	return a;
}

static cJSON *events_json(const struct restore_fit_summary *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "restore_jobs", (double)s->restore_jobs);
	cJSON_AddNumberToObject(o, "failed_jobs", (double)s->failed_jobs);
	cJSON_AddNumberToObject(o, "retries_merged",
				(double)s->retries_merged);
	cJSON_AddNumberToObject(o, "used", (double)s->events_used);
	cJSON_AddNumberToObject(o, "dropped_expired",
				(double)s->dropped_expired);
	cJSON_AddNumberToObject(o, "dropped_no_rp_time",
				(double)s->dropped_no_rp_time);
	cJSON_AddNumberToObject(o, "dropped_log_points",
				(double)s->dropped_log_points);
	cJSON_AddNumberToObject(o, "dropped_bad_age",
				(double)s->dropped_bad_age);
	return o;
}

static cJSON *exposure_json(const struct restore_fit_summary *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "points", (double)s->points);
	put_num(o, "point_days", s->point_days);
	put_num(o, "coverage_point_days", s->coverage_point_days);
	json_add_time(o, "history_from", s->history_from);
	json_add_time(o, "as_of", s->as_of);
	return o;
}

static cJSON *group_json(const struct group_fit *g)
{
	cJSON *o = cJSON_CreateObject();

	json_add_text(o, "id", g->id);
	if (g->workload >= 0)
		cJSON_AddStringToObject(o, "workload",
					workload_names[g->workload]);
	else
		cJSON_AddNullToObject(o, "workload");
	cJSON_AddNumberToObject(o, "events", (double)g->events);
	cJSON_AddNumberToObject(o, "points", (double)g->points);
	put_num(o, "point_days", g->point_days);
	put_num(o, "coverage_point_days", g->cov_days);
	put_num(o, "expected", g->expected);
	put_num(o, "ratio", g->expected > 0 ? g->events / g->expected : NAN);
	put_num(o, "ratio_lo", g->ratio_lo);
	put_num(o, "ratio_hi", g->ratio_hi);
	put_num(o, "posterior_shape", g->shape);
	put_num(o, "posterior_rate", g->rate);
	put_num(o, "posterior_mean", g->shape / g->rate);
	return o;
}

static cJSON *groups_json(const struct restore_model *m)
{
	cJSON *o = cJSON_CreateObject(), *w = cJSON_CreateArray();
	cJSON *p = cJSON_CreateArray();

	cJSON_AddItemToObject(o, "pooled", group_json(&m->pooled));
	for (int i = 0; i < WL_COUNT; i++)
		cJSON_AddItemToArray(w, group_json(&m->workload[i]));
	for (size_t i = 0; i < m->npolicy; i++)
		cJSON_AddItemToArray(p, group_json(&m->policy[i]));
	cJSON_AddItemToObject(o, "workloads", w);
	cJSON_AddItemToObject(o, "policies", p);
	return o;
}

static cJSON *eb_json(const struct eb_fit *f)
{
	cJSON *o = cJSON_CreateObject();

	put_num(o, "alpha", f->alpha);
	put_num(o, "mu", f->mu);
	cJSON_AddStringToObject(o, "method", f->method ? f->method : "none");
	cJSON_AddNumberToObject(o, "groups", f->groups);
	return o;
}

static cJSON *kinds_json(const struct restore_model *m)
{
	cJSON *a = cJSON_CreateArray();

	for (int k = 0; k < RK_COUNT; k++) {
		cJSON *o = cJSON_CreateObject();
		const struct expo_stats *s = &m->kinds[k];
		cJSON_AddStringToObject(o, "kind", rp_kind_names[k]);
		put_num(o, "coverage_days", coverage_days(WL_VM, k, NULL));
		cJSON_AddNumberToObject(o, "points", (double)s->points);
		cJSON_AddNumberToObject(o, "events", (double)s->events);
		put_num(o, "point_days", s->point_days);
		put_num(o, "coverage_point_days", s->cov_days);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *table_json(const struct restore_model *m)
{
	cJSON *a = cJSON_CreateArray();

	for (int k = 0; k < AGE_TABLE_BINS; k++) {
		const struct table_row *t = &m->table[k];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "age_days", table_labels[k]);
		cJSON_AddNumberToObject(o, "events", (double)t->events);
		put_num(o, "point_days", t->point_days);
		put_num(o, "coverage_point_days", t->cov_days);
		put_num(o, "expected", t->expected);
		put_num(o, "expected_exponential", t->expected_exp);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* The flexible hazard's bands (restore_internal.h). */
static cJSON *bands_json(const struct restore_model *m)
{
	const struct age_bands *b = &m->bands;
	cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "formula",
				"the rate above times ratio in each age band, "
				"(events + 2) / (expected + 2)");
	cJSON_AddBoolToObject(o, "used", b->used);
	put_num(o, "aic", b->aic);
	for (int k = 0; k < AGE_BANDS; k++) {
		cJSON *x = cJSON_CreateObject();
		put_num(x, "from_days", restore_band_edges[k]);
		put_num(x, "to_days", restore_band_edges[k + 1]);
		cJSON_AddNumberToObject(x, "events", (double)b->events[k]);
		put_num(x, "expected", b->expected[k]);
		put_num(x, "ratio", b->ratio[k]);
		cJSON_AddItemToArray(a, x);
	}
	cJSON_AddItemToObject(o, "bands", a);
	return o;
}

static const char *model_note(const struct restore_model *m)
{
	if (strcmp(m->method, "prior") == 0)
		return "too few restores to fit: documented prior (p = 1, "
		       "c = 1 d, lambda(0)/lambda(365 d) = 100, scaled to "
		       "the 95% upper bound of the restores seen); plan "
		       "decides on its posterior";
	if (!m->diag.converged)
		return "the optimiser did not meet its convergence checks; "
		       "treat the estimates with care";
	return "maximum likelihood with a log-normal penalty on p "
	       "(centre 1, sigma_log 0.3); intervals from the Hessian on "
	       "the log scale, p's from its profile likelihood";
}

static cJSON *model_json(const struct restore_model *m)
{
	cJSON *o = cJSON_CreateObject(), *eb = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "format_version", MODEL_FORMAT_VERSION);
	cJSON_AddStringToObject(o, "tool_version", VAULTWISE_VERSION);
	cJSON_AddStringToObject(o, "family", "omori_floor");
	cJSON_AddStringToObject(o, "formula",
				"restores of a point per day at age a days = "
				"w * rho * (B + K (a + c)^-p), w its coverage "
				"days, rho its group's scale");
	cJSON_AddStringToObject(o, "method", m->method);
	cJSON_AddStringToObject(o, "note", model_note(m));
	cJSON_AddNumberToObject(o, "level", m->level);
	cJSON_AddItemToObject(o, "parameters", params_json(m));
	cJSON_AddItemToObject(o, "covariance_log", cov_json(m));
	cJSON_AddBoolToObject(o, "b_at_zero", m->b_at_zero);
	put_num(o, "b_hi", m->b_hi);
	put_num(o, "prior_bound", m->prior_bound);
	/* p's interval from the profile likelihood (null: the Hessian's) */
	put_num(o, "p_profile_lo", m->p_lo);
	put_num(o, "p_profile_hi", m->p_hi);
	cJSON_AddItemToObject(o, "fit", diag_json(&m->diag));
	cJSON_AddItemToObject(o, "alternatives", alt_json(m));
	cJSON_AddItemToObject(o, "events", events_json(&m->sum));
	cJSON_AddItemToObject(o, "exposure", exposure_json(&m->sum));
	cJSON_AddItemToObject(o, "groups", groups_json(m));
	cJSON_AddItemToObject(eb, "workload", eb_json(&m->eb_workload));
	cJSON_AddItemToObject(eb, "policy", eb_json(&m->eb_policy));
	cJSON_AddItemToObject(o, "empirical_bayes", eb);
	cJSON_AddItemToObject(o, "by_kind", kinds_json(m));
	cJSON_AddItemToObject(o, "observed_vs_expected", table_json(m));
	cJSON_AddItemToObject(o, "age_bands", bands_json(m));
	/* rounds of shape and scales fitted jointly (0: none, the prior) */
	cJSON_AddNumberToObject(o, "joint_rounds", m->joint_rounds);
	return o;
}

int restore_model_write(const struct restore_model *m, const char *path,
			struct err *e)
{
	cJSON *o = model_json(m);
	char *text = cJSON_Print(o);
	int rc;

	cJSON_Delete(o);
	if (!text)
		return err_set(e, EXIT_SOFTWARE, "cannot format '%s'", path);
	rc = afile_write_string(path, text, e);
	cJSON_free(text);
	return rc;
}

/* ---- reading ---- */

/* Field access that names the field on the first error and then lets
 * the remaining reads fall through with defaults. */
struct jr {
	const char *path;
	struct err *e;
	int failed;
};

static const cJSON *jr_get(struct jr *r, const cJSON *o, const char *key,
			   const char *where, const char *expected)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!v && !r->failed) {
		r->failed = 1;
		err_set(r->e, EXIT_DATAERR, "%s: field '%s%s%s': expected %s",
			r->path, where, *where ? "." : "", key, expected);
	}
	return v;
}

static void jr_bad(struct jr *r, const char *where, const char *key,
		   const char *expected)
{
	if (r->failed)
		return;
	r->failed = 1;
	err_set(r->e, EXIT_DATAERR, "%s: field '%s%s%s': expected %s",
		r->path, where, *where ? "." : "", key, expected);
}

/* A number, or NAN for null. */
static double jr_num(struct jr *r, const cJSON *o, const char *key,
		     const char *where)
{
	const cJSON *v = jr_get(r, o, key, where, "a number");

	if (!v)
		return NAN;
	if (cJSON_IsNull(v))
		return NAN;
	if (!cJSON_IsNumber(v)) {
		jr_bad(r, where, key, "a number");
		return NAN;
	}
	return v->valuedouble;
}

static long jr_count(struct jr *r, const cJSON *o, const char *key,
		     const char *where)
{
	double v = jr_num(r, o, key, where);

	if (!(v >= 0 && v < 1e15 && v == floor(v))) {
		jr_bad(r, where, key, "a count");
		return 0;
	}
	return (long)v;
}

static bool jr_bool(struct jr *r, const cJSON *o, const char *key,
		    const char *where)
{
	const cJSON *v = jr_get(r, o, key, where, "true or false");

	if (v && !cJSON_IsBool(v))
		jr_bad(r, where, key, "true or false");
	return v && cJSON_IsTrue(v);
}

static const char *jr_str(struct jr *r, const cJSON *o, const char *key,
			  const char *where)
{
	const cJSON *v = jr_get(r, o, key, where, "a string");

	if (v && !cJSON_IsString(v)) {
		jr_bad(r, where, key, "a string");
		return "";
	}
	return v ? v->valuestring : "";
}

static const cJSON *jr_sub(struct jr *r, const cJSON *o, const char *key,
			   const char *where, bool array)
{
	const cJSON *v = jr_get(r, o, key, where,
				array ? "an array" : "an object");

	if (v && (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))) {
		jr_bad(r, where, key, array ? "an array" : "an object");
		return NULL;
	}
	return v;
}

static int jr_enum(struct jr *r, const char *s, const char *const *names,
		   int n, const char *where, const char *key)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	jr_bad(r, where, key, "a known name");
	return 0;
}

static int64_t jr_time(struct jr *r, const cJSON *o, const char *key,
		       const char *where)
{
	const cJSON *v = jr_get(r, o, key, where, "a time");
	int64_t t = TIME_NONE;

	if (!v || cJSON_IsNull(v))
		return TIME_NONE;
	if (!cJSON_IsString(v) || time_parse_iso(v->valuestring, 0, &t))
		jr_bad(r, where, key, "an ISO 8601 UTC time");
	return t;
}

static void read_params(struct jr *r, const cJSON *o, struct hazard *h)
{
	const cJSON *p = jr_sub(r, o, "parameters", "", false);
	double v[NPAR];

	for (int i = 0; i < NPAR; i++) {
		const cJSON *q = jr_sub(r, p, restore_param_names[i],
					"parameters", false);
		char where[48];

		snprintf(where, sizeof(where), "parameters.%s",
			 restore_param_names[i]);
		v[i] = jr_num(r, q, "estimate", where);
		if (!r->failed && !(v[i] > 0))
			jr_bad(r, "parameters", restore_param_names[i],
			       "a positive estimate");
	}
	h->B = v[PAR_B];
	h->K = v[PAR_K];
	h->c = v[PAR_C];
	h->p = v[PAR_P];
}

static void read_cov(struct jr *r, const cJSON *o,
		     double cov[NPAR][NPAR])
{
	const cJSON *a = jr_sub(r, o, "covariance_log", "", true);

	if (!a || cJSON_GetArraySize(a) != NPAR) {
		jr_bad(r, "", "covariance_log", "a 4 x 4 matrix");
		return;
	}
	for (int i = 0; i < NPAR; i++) {
		const cJSON *row = cJSON_GetArrayItem(a, i);
		for (int j = 0; j < NPAR; j++) {
			const cJSON *v = cJSON_IsArray(row) &&
							 cJSON_GetArraySize(
								 row) == NPAR
						 ? cJSON_GetArrayItem(row, j)
						 : NULL;
			if (!cJSON_IsNumber(v)) {
				jr_bad(r, "", "covariance_log",
				       "a 4 x 4 matrix of numbers");
				return;
			}
			cov[i][j] = v->valuedouble;
		}
	}
}

static void read_diag(struct jr *r, const cJSON *o, struct fit_diag *d)
{
	const cJSON *f = jr_sub(r, o, "fit", "", false);

	d->loglik = jr_num(r, f, "loglik", "fit");
	d->penalty = jr_num(r, f, "penalty_p", "fit");
	d->aic = jr_num(r, f, "aic", "fit");
	d->iterations = (int)jr_count(r, f, "iterations", "fit");
	d->starts = (int)jr_count(r, f, "starts", "fit");
	d->starts_converged = (int)jr_count(r, f, "starts_converged", "fit");
	d->starts_agree = (int)jr_count(r, f, "starts_agree", "fit");
	d->size = jr_num(r, f, "simplex_size", "fit");
	d->grad_norm = jr_num(r, f, "gradient_norm", "fit");
	d->newton_decrement = jr_num(r, f, "newton_decrement", "fit");
	d->converged = jr_bool(r, f, "converged", "fit");
	d->hessian_regularized = jr_bool(r, f, "hessian_regularized", "fit");
}

static void read_alt(struct jr *r, const cJSON *o, struct exp_fit *x)
{
	const cJSON *a = jr_sub(r, o, "alternatives", "", true);
	const cJSON *f = a ? cJSON_GetArrayItem(a, 0) : NULL;

	if (!r->failed && !cJSON_IsObject(f)) {
		jr_bad(r, "", "alternatives", "one fitted alternative");
		return;
	}
	x->fitted = jr_bool(r, f, "fitted", "alternatives");
	x->B = jr_num(r, f, "B", "alternatives");
	x->A = jr_num(r, f, "A", "alternatives");
	x->k = jr_num(r, f, "k", "alternatives");
	x->loglik = jr_num(r, f, "loglik", "alternatives");
	x->aic = jr_num(r, f, "aic", "alternatives");
	x->converged = jr_bool(r, f, "converged", "alternatives");
}

static void read_summary(struct jr *r, const cJSON *o,
			 struct restore_fit_summary *s)
{
	const cJSON *ev = jr_sub(r, o, "events", "", false);
	const cJSON *ex = jr_sub(r, o, "exposure", "", false);

	s->restore_jobs = jr_count(r, ev, "restore_jobs", "events");
	s->failed_jobs = jr_count(r, ev, "failed_jobs", "events");
	s->retries_merged = jr_count(r, ev, "retries_merged", "events");
	s->events_used = jr_count(r, ev, "used", "events");
	s->dropped_expired = jr_count(r, ev, "dropped_expired", "events");
	s->dropped_no_rp_time = jr_count(r, ev, "dropped_no_rp_time",
					 "events");
	s->dropped_log_points = jr_count(r, ev, "dropped_log_points",
					 "events");
	s->dropped_bad_age = jr_count(r, ev, "dropped_bad_age", "events");
	s->points = jr_count(r, ex, "points", "exposure");
	s->point_days = jr_num(r, ex, "point_days", "exposure");
	s->coverage_point_days = jr_num(r, ex, "coverage_point_days",
					"exposure");
	s->history_from = jr_time(r, ex, "history_from", "exposure");
	s->as_of = jr_time(r, ex, "as_of", "exposure");
}

static void read_group(struct jr *r, const cJSON *o, const char *where,
		       struct group_fit *g)
{
	const cJSON *wl;

	g->id = xstrdup(jr_str(r, o, "id", where));
	wl = jr_get(r, o, "workload", where, "a workload");
	g->workload = -1;
	if (wl && !cJSON_IsNull(wl))
		g->workload = jr_enum(r, jr_str(r, o, "workload", where),
				      workload_names, WL_COUNT, where,
				      "workload");
	g->events = jr_count(r, o, "events", where);
	g->points = jr_count(r, o, "points", where);
	g->point_days = jr_num(r, o, "point_days", where);
	g->cov_days = jr_num(r, o, "coverage_point_days", where);
	g->expected = jr_num(r, o, "expected", where);
	g->ratio_lo = jr_num(r, o, "ratio_lo", where);
	g->ratio_hi = jr_num(r, o, "ratio_hi", where);
	g->shape = jr_num(r, o, "posterior_shape", where);
	g->rate = jr_num(r, o, "posterior_rate", where);
	if (!r->failed && !(g->shape > 0 && g->rate > 0))
		jr_bad(r, where, "posterior_shape",
		       "a positive posterior shape and rate");
}

static void read_groups(struct jr *r, const cJSON *o,
			struct restore_model *m)
{
	const cJSON *g = jr_sub(r, o, "groups", "", false);
	const cJSON *w = jr_sub(r, g, "workloads", "groups", true);
	const cJSON *p = jr_sub(r, g, "policies", "groups", true);
	const cJSON *it;
	size_t i = 0;

	read_group(r, jr_sub(r, g, "pooled", "groups", false),
		   "groups.pooled", &m->pooled);
	if (!r->failed && cJSON_GetArraySize(w) != WL_COUNT)
		jr_bad(r, "groups", "workloads", "one entry per workload");
	for (int k = 0; !r->failed && k < WL_COUNT; k++)
		read_group(r, cJSON_GetArrayItem(w, k), "groups.workloads",
			   &m->workload[k]);
	if (r->failed)
		return;
	m->npolicy = (size_t)cJSON_GetArraySize(p);
	m->policy = xcalloc(m->npolicy + 1, sizeof(*m->policy));
	cJSON_ArrayForEach(it, p) {
		read_group(r, it, "groups.policies", &m->policy[i]);
		if (!r->failed && m->policy[i].workload < 0)
			jr_bad(r, "groups.policies", "workload",
			       "the policy's workload");
		i++;
	}
}

static void read_eb(struct jr *r, const cJSON *o, const char *key,
		    struct eb_fit *f)
{
	static const char *const methods[] = { "ml", "moments", "none" };
	const cJSON *eb = jr_sub(r, o, "empirical_bayes", "", false);
	const cJSON *x = jr_sub(r, eb, key, "empirical_bayes", false);

	f->alpha = jr_num(r, x, "alpha", "empirical_bayes.*");
	f->mu = jr_num(r, x, "mu", "empirical_bayes.*");
	f->method = methods[jr_enum(r, jr_str(r, x, "method",
					      "empirical_bayes.*"),
				    methods, 3, "empirical_bayes.*",
				    "method")];
	f->groups = (int)jr_count(r, x, "groups", "empirical_bayes.*");
}

static void read_kinds(struct jr *r, const cJSON *o,
		       struct restore_model *m)
{
	const cJSON *a = jr_sub(r, o, "by_kind", "", true), *it;

	cJSON_ArrayForEach(it, a) {
		int k = jr_enum(r, jr_str(r, it, "kind", "by_kind"),
				rp_kind_names, RK_COUNT, "by_kind", "kind");
		struct expo_stats *s = &m->kinds[k];
		s->points = jr_count(r, it, "points", "by_kind");
		s->events = jr_count(r, it, "events", "by_kind");
		s->point_days = jr_num(r, it, "point_days", "by_kind");
		s->cov_days = jr_num(r, it, "coverage_point_days", "by_kind");
	}
}

static void read_table(struct jr *r, const cJSON *o,
		       struct restore_model *m)
{
	const cJSON *a = jr_sub(r, o, "observed_vs_expected", "", true);
	const char *where = "observed_vs_expected";

	if (!r->failed && cJSON_GetArraySize(a) != AGE_TABLE_BINS) {
		jr_bad(r, "", where, "10 age bins");
		return;
	}
	for (int k = 0; !r->failed && k < AGE_TABLE_BINS; k++) {
		const cJSON *it = cJSON_GetArrayItem(a, k);
		struct table_row *t = &m->table[k];
		t->events = jr_count(r, it, "events", where);
		t->point_days = jr_num(r, it, "point_days", where);
		t->cov_days = jr_num(r, it, "coverage_point_days", where);
		t->expected = jr_num(r, it, "expected", where);
		t->expected_exp = jr_num(r, it, "expected_exponential",
					 where);
	}
}

/* The bands' events and expected; a model written before them has none
 * and follows the Omori shape alone. */
static void read_bands(struct jr *r, const cJSON *o,
		       struct restore_model *m)
{
	const char *where = "age_bands.bands";
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "age_bands");
	const cJSON *a;

	memset(&m->bands, 0, sizeof(m->bands));
	if (!x || r->failed)
		return;
	a = jr_sub(r, x, "bands", "age_bands", true);
	if (!r->failed && cJSON_GetArraySize(a) != AGE_BANDS) {
		jr_bad(r, "age_bands", "bands", "28 age bands");
		return;
	}
	for (int k = 0; !r->failed && k < AGE_BANDS; k++) {
		const cJSON *it = cJSON_GetArrayItem(a, k);
		m->bands.events[k] = jr_count(r, it, "events", where);
		m->bands.expected[k] = jr_num(r, it, "expected", where);
	}
	if (!r->failed)
		restore_bands_choose(m);
}

/* joint_rounds, 0 in a model written before it. */
static int read_rounds(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "joint_rounds");

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static void read_model(struct jr *r, const cJSON *o,
		       struct restore_model *m)
{
	const char *method;

	if (jr_num(r, o, "format_version", "") != MODEL_FORMAT_VERSION &&
	    !r->failed)
		jr_bad(r, "", "format_version", "1");
	method = jr_str(r, o, "method", "");
	if (!r->failed && strcmp(method, "mle") && strcmp(method, "prior"))
		jr_bad(r, "", "method", "\"mle\" or \"prior\"");
	m->method = xstrdup(method);
	m->level = jr_num(r, o, "level", "");
	if (!r->failed && !(m->level > 0 && m->level < 1))
		jr_bad(r, "", "level", "a level between 0 and 1");
	read_params(r, o, &m->h);
	read_cov(r, o, m->cov);
	m->b_at_zero = jr_bool(r, o, "b_at_zero", "");
	m->b_hi = jr_num(r, o, "b_hi", "");
	m->prior_bound = jr_num(r, o, "prior_bound", "");
	m->p_lo = jr_num(r, o, "p_profile_lo", "");
	m->p_hi = jr_num(r, o, "p_profile_hi", "");
	read_diag(r, o, &m->diag);
	read_alt(r, o, &m->alt);
	read_summary(r, o, &m->sum);
	read_groups(r, o, m);
	read_eb(r, o, "workload", &m->eb_workload);
	read_eb(r, o, "policy", &m->eb_policy);
	read_kinds(r, o, m);
	read_table(r, o, m);
	read_bands(r, o, m);
	m->joint_rounds = read_rounds(o);
}

int restore_model_read(struct restore_model **out, const char *path,
		       struct err *e)
{
	struct jr r = { path, e, 0 };
	struct restore_model *m;
	cJSON *o;

	o = json_read_object(path, MODEL_MAX_BYTES, e);
	if (!o)
		return -1;
	m = xcalloc(1, sizeof(*m));
	read_model(&r, o, m);
	cJSON_Delete(o);
	if (r.failed) {
		restore_model_free(m);
		return -1;
	}
	restore_model_index(m);
	restore_model_finish_summary(m);
	*out = m;
	return 0;
}
