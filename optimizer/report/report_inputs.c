/* SPDX-License-Identifier: MIT
 * report_inputs.c: the optional inputs of the report: model.json (`vaultwise
 * fit`: checked with restore_model_read as the plan reads it, then read as
 * JSON for what the page shows: parameters with intervals, covariance, the
 * observed against expected table by age), rpo_rto.csv (`vaultwise
 * check`) and posture.csv (`vaultwise audit`). CSV columns are found by
 * name; extra columns are ignored. Never prints. */
#include <math.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/fileio.h"
#include "optimizer/report/report_internal.h"
#include "models/restore/restore_model.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define MODEL_JSON_MAX (64u << 20)

/* ---- model.json ---- */

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static char *jstrdup(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return xstrdup(cJSON_IsString(v) ? v->valuestring : "");
}

/* "15-29" -> [15, 30); "730+" -> [730, NAN). */
static void bin_ages(const char *label, double *a0, double *a1)
{
	char *end;
	long lo = strtol(label, &end, 10), hi;

	*a0 = (double)lo;
	*a1 = NAN;
	if (*end == '-') {
		hi = strtol(end + 1, &end, 10);
		*a1 = (double)hi + 1;
	}
}

static void read_bins(struct rep_model *m, const cJSON *o)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o,
						"observed_vs_expected");
	const cJSON *it;

	cJSON_ArrayForEach(it, a) {
		struct rep_model_bin *b;
		const cJSON *lab = cJSON_GetObjectItemCaseSensitive(it,
								"age_days");
		if (m->nbins == REP_MODEL_BINS || !cJSON_IsString(lab))
			break;
		b = &m->bins[m->nbins++];
		snprintf(b->label, sizeof(b->label), "%s", lab->valuestring);
		bin_ages(b->label, &b->a0, &b->a1);
		b->events = (long)jnum(it, "events");
		b->cov_days = jnum(it, "coverage_point_days");
		b->expected = jnum(it, "expected");
	}
}

static void read_cov(struct rep_model *m, const cJSON *o)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "covariance_log");

	m->has_cov = cJSON_GetArraySize(a) == 4;
	for (int i = 0; i < 4; i++) {
		const cJSON *row = cJSON_GetArrayItem(a, i);
		for (int j = 0; j < 4; j++) {
			const cJSON *v = cJSON_GetArrayItem(row, j);
			m->cov[i][j] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
			if (!isfinite(m->cov[i][j]))
				m->has_cov = false;
		}
	}
}

static void read_model_view(struct rep_model *m, const cJSON *o)
{
	static const char *const names[4] = { "B", "K", "c", "p" };
	const cJSON *par = cJSON_GetObjectItemCaseSensitive(o, "parameters");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "events");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "exposure");
	const cJSON *from = ex ? cJSON_GetObjectItemCaseSensitive(
					 ex, "history_from")
			       : NULL;

	m->present = true;
	m->method = jstrdup(o, "method");
	m->note = jstrdup(o, "note");
	m->level = jnum(o, "level");
	for (int i = 0; i < 4; i++) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(par,
								  names[i]);
		m->est[i] = jnum(p, "estimate");
		m->lo[i] = jnum(p, "lo");
		m->hi[i] = jnum(p, "hi");
	}
	read_cov(m, o);
	read_bins(m, o);
	m->restore_jobs = (long)jnum(ev, "restore_jobs");
	m->events_used = (long)jnum(ev, "used");
	m->points = (long)jnum(ex, "points");
	m->history_from = TIME_NONE;
	if (cJSON_IsString(from))
		time_parse_iso(from->valuestring, 0, &m->history_from);
}

#define PER_MILLION 1e6
#define CURVE_MAX_AGE 1825.0

/* Where a bin sits on the log age axis: the geometric middle; an open
 * last bin half as wide again as its start. */
static double bin_x(const struct rep_model_bin *b)
{
	double lo = b->a0 > 1 ? b->a0 : 1;
	double hi = isnan(b->a1) ? b->a0 * 2 : b->a1;

	return sqrt(lo * (hi > lo ? hi : lo + 1));
}

static void bin_rates(struct rep_model *m)
{
	for (size_t i = 0; i < m->nbins; i++) {
		struct rep_model_bin *b = &m->bins[i];
		double lo, hi;
		b->x = bin_x(b);
		b->rate = b->rate_lo = b->rate_hi = b->model_rate = NAN;
		if (!(b->cov_days > 0))
			continue;
		poisson_rate_interval(b->events, b->cov_days, m->level, &lo,
				      &hi);
		b->rate = (double)b->events / b->cov_days * PER_MILLION;
		b->rate_lo = lo * PER_MILLION;
		b->rate_hi = hi * PER_MILLION;
		b->model_rate = b->expected / b->cov_days * PER_MILLION;
	}
}

/* lambda(a) = B + K (a + c)^-p and, by the delta method on the logs of
 * the parameters, the interval of log lambda(a). */
static void curve_point(const struct rep_model *m, double a, double z,
			double *rate, double *lo, double *hi)
{
	double B = m->est[0], K = m->est[1], c = m->est[2], p = m->est[3];
	double decay = K * pow(a + c, -p);
	double lam = B + decay, g[4], var = 0;

	g[0] = B / lam;
	g[1] = decay / lam;
	g[2] = -p * decay * c / (a + c) / lam;
	g[3] = -decay * log(a + c) * p / lam;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			var += g[i] * m->cov[i][j] * g[j];
	*rate = lam * PER_MILLION;
	*lo = *hi = NAN;
	if (m->has_cov && var >= 0) {
		*lo = *rate * exp(-z * sqrt(var));
		*hi = *rate * exp(z * sqrt(var));
	}
}

static void model_curve(struct rep_model *m)
{
	double z = gsl_cdf_ugaussian_Pinv((1 + m->level) / 2);
	bool ok = true;

	for (int i = 0; i < 4; i++)
		ok = ok && m->est[i] > 0 && isfinite(m->est[i]);
	for (int i = 0; i < REP_CURVE_POINTS; i++) {
		double a = pow(CURVE_MAX_AGE,
			       (double)i / (REP_CURVE_POINTS - 1));
		m->curve_age[i] = a;
		m->curve[i] = m->curve_lo[i] = m->curve_hi[i] = NAN;
		if (ok)
			curve_point(m, a, z, &m->curve[i], &m->curve_lo[i],
				    &m->curve_hi[i]);
	}
}

int report_read_model(struct report_ctx *c, struct err *e)
{
	const char *path = c->o->model_path;
	struct restore_model *checked = NULL;
	char *text = NULL;
	cJSON *o;
	int rc;

	if (!path)
		return 0;
	/* a file the plan would refuse is refused here too */
	rc = restore_model_read(&checked, path, e);
	restore_model_free(checked);
	if (rc || read_file(path, MODEL_JSON_MAX, &text, NULL, e))
		return -1;
	o = cJSON_Parse(text);
	free(text);
	read_model_view(&c->d->model, o);
	cJSON_Delete(o);
	if (!(c->d->model.level > 0 && c->d->model.level < 1))
		c->d->model.level = 0.9;
	bin_rates(&c->d->model);
	model_curve(&c->d->model);
	return 0;
}

/* ---- rpo_rto.csv ---- */

#define R CSV_REQUIRED
enum { RR_ITEM, RR_TARGET, RR_TIER, RR_RPO_T, RR_RPO_P, RR_RPO_O, RR_RTO_T,
       RR_RTO_E, RR_VERDICT, RR_REASON, RR_VAULT, RR_NAME, RR_NCOLS };
static const struct csv_column rpo_cols[] = {
	{ "item_id", R }, { "target_id", R }, { "tier", R },
	{ "rpo_target_h", R }, { "rpo_predicted_h", R },
	{ "rpo_observed_h", R }, { "rto_target_h", R },
	{ "rto_estimated_h", R }, { "verdict", R }, { "reason", R },
	{ "vault_name", 0 }, { "item_name", 0 },
};
_Static_assert(ARRAY_SIZE(rpo_cols) == RR_NCOLS, "rpo columns");
static const struct csv_schema rpo_schema = { "rpo_rto.csv", rpo_cols,
					      RR_NCOLS };

static struct rep_target *target_named(struct rep_rpo *r, const char *id)
{
	struct rep_target *t;

	for (size_t i = 0; i < r->ntargets; i++)
		if (strcmp(r->targets[i].target_id, id) == 0)
			return &r->targets[i];
	r->targets = xrealloc(r->targets, (r->ntargets + 1) * sizeof(*t));
	t = &r->targets[r->ntargets++];
	memset(t, 0, sizeof(*t));
	t->target_id = xstrdup(id);
	return t;
}

static double row_hours(const struct csv_row *r, int col, struct err *e,
			int *rc)
{
	double v = NAN;

	if (row_double(r, col, ROW_OPTIONAL, 0, 1e9, &v, e))
		*rc = -1;
	return v;
}

/* How far a breach is from its target: the larger of seen / target for
 * the RPO and the RTO. */
static double breach_ratio(const struct rep_breach *b)
{
	double rpo = b->rpo_target > 0 ? b->rpo_seen / b->rpo_target : 0;
	double rto = b->rto_target > 0 ? b->rto_est / b->rto_target : 0;

	rpo = isfinite(rpo) ? rpo : 0;
	rto = isfinite(rto) ? rto : 0;
	return rpo > rto ? rpo : rto;
}

static void free_breach(struct rep_breach *b)
{
	free(b->item);
	free(b->vault);
	free(b->target_id);
	free(b->tier);
	free(b->reason);
}

/* Keeps the REP_MAX_LISTED breaches furthest from their targets, in file
 * order among equals. */
static int list_breach(struct rep_rpo *rp, const struct csv_row *r,
		       struct err *e)
{
	struct rep_breach b;
	const char *item = r->val[RR_NAME][0] ? r->val[RR_NAME]
					      : r->val[RR_ITEM];
	double rpo_p, rpo_o, ratio;
	size_t at;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	b.rpo_target = row_hours(r, RR_RPO_T, e, &rc);
	rpo_p = row_hours(r, RR_RPO_P, e, &rc);
	rpo_o = row_hours(r, RR_RPO_O, e, &rc);
	b.rto_target = row_hours(r, RR_RTO_T, e, &rc);
	b.rto_est = row_hours(r, RR_RTO_E, e, &rc);
	if (rc)
		return -1;
	/* the worse of what the schedule promises and what was seen */
	b.rpo_seen = isnan(rpo_o) || rpo_p > rpo_o ? rpo_p : rpo_o;
	ratio = breach_ratio(&b);
	at = rp->nlisted;
	while (at > 0 && breach_ratio(&rp->listed[at - 1]) < ratio)
		at--;
	if (at == REP_MAX_LISTED)
		return 0;
	if (rp->nlisted == REP_MAX_LISTED)
		free_breach(&rp->listed[--rp->nlisted]);
	b.item = xstrdup(item);
	b.vault = xstrdup(r->val[RR_VAULT]);
	b.target_id = xstrdup(r->val[RR_TARGET]);
	b.tier = xstrdup(r->val[RR_TIER]);
	b.reason = xstrdup(r->val[RR_REASON]);
	memmove(&rp->listed[at + 1], &rp->listed[at],
		(rp->nlisted - at) * sizeof(b));
	rp->listed[at] = b;
	rp->nlisted++;
	return 0;
}

static int rpo_row(void *ctx, const struct csv_row *r, struct err *e)
{
	static const char *const verdicts[] = { "met", "breached",
						"unknown" };
	struct rep_rpo *rp = ctx;
	struct rep_target *t;
	int v;

	if (row_enum(r, RR_VERDICT, 0, verdicts, 3, &v, e))
		return -1;
	t = target_named(rp, r->val[RR_TARGET]);
	rp->rows++;
	if (v == 0) {
		rp->met++;
		t->met++;
	} else if (v == 1) {
		rp->breached++;
		t->breached++;
		if (list_breach(rp, r, e))
			return -1;
	} else {
		rp->unknown++;
		t->unknown++;
	}
	return 0;
}

int report_rpo_add(struct rep_rpo *rp, const char *const *v,
		   struct err *e)
{
	struct strbuf clean[RR_NCOLS];
	const char *val[RR_NCOLS];
	struct csv_row r = { "rpo_rto.csv", rp->rows + 2, &rpo_schema, val };
	int rc;

	/* the text as the file would give it back: valid UTF-8 */
	for (int i = 0; i < RR_NCOLS; i++) {
		clean[i] = (struct strbuf)STRBUF_INIT;
		val[i] = v[i];
		if (!utf8_valid(v[i])) {
			utf8_sanitize(&clean[i], v[i]);
			val[i] = clean[i].buf;
		}
	}
	rc = rpo_row(rp, &r, e);
	for (int i = 0; i < RR_NCOLS; i++)
		strbuf_release(&clean[i]);
	return rc;
}

int report_read_rpo(struct report_ctx *c, struct err *e)
{
	if (!c->o->rpo_path)
		return 0;
	if (c->o->rpo_rows) {
		c->d->rpo = *c->o->rpo_rows;
		memset(c->o->rpo_rows, 0, sizeof(*c->o->rpo_rows));
		c->d->rpo.present = true;
		return 0;
	}
	c->d->rpo.present = true;
	return csv_read(c->o->rpo_path, &rpo_schema, rpo_row, &c->d->rpo,
			NULL, e);
}

/* ---- posture.csv ---- */

enum { PO_VAULT, PO_RULE, PO_SEV, PO_STATUS, PO_EVIDENCE, PO_FIX, PO_NAME,
       PO_KIND, PO_NCOLS };
static const struct csv_column audit_cols[] = {
	{ "vault_id", R }, { "rule_id", R }, { "severity", R },
	{ "status", R }, { "evidence", R }, { "fix", R },
	{ "vault_name", 0 }, { "vault_kind", 0 },
};
#undef R
_Static_assert(ARRAY_SIZE(audit_cols) == PO_NCOLS, "posture columns");
static const struct csv_schema audit_schema = {
	"posture.csv", audit_cols, PO_NCOLS
};

struct audit_read {
	struct rep_posture *p;
	char last_vault[128];
};

/* Keeps the REP_MAX_FINDINGS worst failures, in file order within a
 * severity. */
static void list_finding(struct rep_posture *p, const struct csv_row *r,
			 int sev)
{
	size_t at = p->nlisted;
	struct rep_finding f;

	while (at > 0 && p->listed[at - 1].severity > sev)
		at--;
	if (at == REP_MAX_FINDINGS)
		return;
	if (p->nlisted == REP_MAX_FINDINGS) {
		struct rep_finding *drop = &p->listed[REP_MAX_FINDINGS - 1];
		free(drop->vault);
		free(drop->rule_id);
		free(drop->evidence);
		free(drop->fix);
		p->nlisted--;
	}
	f.vault = xstrdup(r->val[PO_NAME][0] ? r->val[PO_NAME]
					      : r->val[PO_VAULT]);
	f.rule_id = xstrdup(r->val[PO_RULE]);
	f.backup_vault = !strcmp(r->val[PO_KIND], "BackupVault");
	f.evidence = xstrdup(r->val[PO_EVIDENCE]);
	f.fix = xstrdup(r->val[PO_FIX]);
	f.severity = sev;
	memmove(&p->listed[at + 1], &p->listed[at],
		(p->nlisted - at) * sizeof(f));
	p->listed[at] = f;
	p->nlisted++;
}

static int audit_row(void *ctx, const struct csv_row *r, struct err *e)
{
	static const char *const statuses[] = { "pass", "fail" };
	struct audit_read *pr = ctx;
	struct rep_posture *p = pr->p;
	int sev, status;

	if (row_enum(r, PO_SEV, 0, rep_severity_names, REP_SEVERITIES, &sev,
		     e) ||
	    row_enum(r, PO_STATUS, 0, statuses, 2, &status, e))
		return -1;
	if (!r->val[PO_VAULT][0])
		return 0; /* the no_protected_items row: no vault checked */
	if (strcmp(pr->last_vault, r->val[PO_VAULT]) != 0) {
		p->vaults++;
		p->backup_vaults += !strcmp(r->val[PO_KIND], "BackupVault");
		snprintf(pr->last_vault, sizeof(pr->last_vault), "%s",
			 r->val[PO_VAULT]);
	}
	p->rows++;
	if (status == 0) {
		p->passed++;
		p->passes[sev]++;
		return 0;
	}
	p->fails[sev]++;
	list_finding(p, r, sev);
	return 0;
}

int report_read_posture(struct report_ctx *c, struct err *e)
{
	struct audit_read pr = { &c->d->posture, { 0 } };

	if (!c->o->audit_path)
		return 0;
	c->d->posture.present = true;
	return csv_read(c->o->audit_path, &audit_schema, audit_row, &pr,
			NULL, e);
}
