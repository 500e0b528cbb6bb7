/* SPDX-License-Identifier: MIT
 * report_plan.c: what the report reads from the plan directory: plan.json
 * (as-of, currency, price sheet, horizon), summary.csv (decisions and
 * savings per vault and policy), strategies.csv (the projected cost per
 * strategy) and plan.csv, streamed: each archivable point goes into its
 * vault's projection with the plan's move (as plan.c projects it), and,
 * with a model, its expected restores while in Archive. Columns are found
 * by name; columns added to these files later are ignored. Never prints. */
#include <limits.h>
#include <math.h>

#include <cjson/cJSON.h>

#include "archive_rules.h"
#include "csvio.h"
#include "decision.h"
#include "fileio.h"
#include "report_internal.h"
#include "sizes.h"
#include "timeutil.h"
#include "util.h"

#define PLAN_JSON_MAX (1u << 20)

/* ---- plan.json ---- */

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int plan_json_error(const char *path, const char *key,
			   const char *expected, struct err *e)
{
	return err_set(e, EXIT_DATAERR, "%s: field '%s': expected %s", path,
		       key, expected);
}

static int check_as_of(struct report_ctx *c, const char *path,
		       int64_t plan_as_of, struct err *e)
{
	char plan[TIME_ISO_LEN], snap[TIME_ISO_LEN];

	if (plan_as_of == c->s->as_of)
		return 0;
	time_format_iso(plan_as_of, plan);
	time_format_iso(c->s->as_of, snap);
	return err_set(e, EXIT_DATAERR,
		       "%s: the plan was made as of %s but the snapshot is "
		       "evaluated as of %s; run 'vaultwise plan' on this "
		       "snapshot again, or pass --as-of %s",
		       path, plan, snap, plan);
}

int report_read_plan_meta(struct report_ctx *c, struct err *e)
{
	struct report_data *d = c->d;
	char *path = path_join(c->o->plan_dir, "plan.json");
	char *text = NULL;
	const char *end = NULL;
	cJSON *o = NULL;
	const char *as_of, *cur, *prices;
	const cJSON *h;
	int64_t t;
	int rc = -1;

	if (read_file(path, PLAN_JSON_MAX, &text, NULL, e))
		goto done;
	o = cJSON_ParseWithOpts(text, &end, 0);
	if (!o) {
		size_t line, col;

		text_line_col(text, end, &line, &col);
		err_set(e, EXIT_DATAERR, "%s:%zu:%zu: not valid JSON", path,
			line, col);
		goto done;
	}
	if (!cJSON_IsObject(o)) {
		err_set(e, EXIT_DATAERR, "%s: not a JSON object", path);
		goto done;
	}
	as_of = json_str(o, "as_of");
	cur = json_str(o, "currency");
	prices = json_str(o, "prices");
	h = cJSON_GetObjectItemCaseSensitive(o, "horizon_months");
	if (!as_of || time_parse_iso(as_of, 0, &t))
		plan_json_error(path, "as_of", "an ISO 8601 UTC time", e);
	else if (!cur || strlen(cur) != 3)
		plan_json_error(path, "currency", "a currency code", e);
	else if (!prices || !*prices)
		plan_json_error(path, "prices", "the price sheet's path", e);
	else if (!cJSON_IsNumber(h) || h->valuedouble < 1 ||
		 h->valuedouble > PROJ_MAX_MONTHS)
		plan_json_error(path, "horizon_months", "1 to 120", e);
	else if (check_as_of(c, path, t, e) == 0 &&
		 prices_load(&d->prices, prices, e) == 0)
		rc = 0;
	if (rc == 0) {
		snprintf(d->currency, sizeof(d->currency), "%s", cur);
		d->as_of = c->s->as_of;
		horizon_init(&d->h, d->as_of, (int)h->valuedouble);
	}
done:
	cJSON_Delete(o);
	free(text);
	free(path);
	return rc;
}

/* ---- summary.csv ---- */

#define R CSV_REQUIRED
enum { SU_LEVEL, SU_ID, SU_CONSIDERED, SU_MOVE_NOW, SU_MOVE_ON, SU_KEEP,
       SU_NOW, SU_AFTER, SU_SAVING, SU_CURRENCY, SU_NCOLS };
static const struct csv_column summary_cols[] = {
	{ "level", R }, { "id", 0 }, { "considered", R }, { "move_now", R },
	{ "move_on", R }, { "keep", R }, { "monthly_storage_now", R },
	{ "monthly_storage_after", R }, { "saving_total", R },
	{ "currency", R },
};
_Static_assert(ARRAY_SIZE(summary_cols) == SU_NCOLS, "summary columns");
static const struct csv_schema summary_schema = { "summary.csv", summary_cols,
						  SU_NCOLS };

static int row_currency(struct report_ctx *c, const struct csv_row *r,
			int col, struct err *e)
{
	const char *cur = "";

	if (row_str(r, col, 0, &cur, e))
		return -1;
	if (strcmp(cur, c->d->currency) != 0) {
		char want[64];
		snprintf(want, sizeof(want), "%s (plan.json's currency)",
			 c->d->currency);
		return row_error(r, col, e, want);
	}
	return 0;
}

static int summary_row(void *ctx, const struct csv_row *r, struct err *e)
{
	static const char *const levels[] = { "vault", "policy", "total" };
	struct report_ctx *c = ctx;
	struct rep_planned p = { true, 0, 0, 0, 0, 0, 0, 0 };
	const char *id = "";
	int level;
	long k = 0;

	if (row_enum(r, SU_LEVEL, 0, levels, 3, &level, e) ||
	    row_str(r, SU_ID, ROW_OPTIONAL, &id, e) ||
	    row_long(r, SU_CONSIDERED, 0, 0, LONG_MAX, &p.considered, e) ||
	    row_long(r, SU_MOVE_NOW, 0, 0, LONG_MAX, &p.move_now, e) ||
	    row_long(r, SU_MOVE_ON, 0, 0, LONG_MAX, &p.move_on, e) ||
	    row_long(r, SU_KEEP, 0, 0, LONG_MAX, &p.keep, e) ||
	    row_double(r, SU_NOW, 0, 0, 1e15, &p.storage_now, e) ||
	    row_double(r, SU_AFTER, 0, 0, 1e15, &p.storage_after, e) ||
	    row_double(r, SU_SAVING, 0, -1e15, 1e15, &p.saving, e) ||
	    row_currency(c, r, SU_CURRENCY, e))
		return -1;
	if (level == 2) {
		c->plan_total = p;
		return 0;
	}
	k = level == 0 ? snapshot_find_vault(c->s, id)
		       : snapshot_find_policy(c->s, id);
	if (k < 0)
		return row_error(r, SU_ID, e,
				 "an id of this snapshot (was the plan made "
				 "from another one?)");
	if (level == 0)
		c->plan_vault[k] = p;
	else
		c->plan_policy[k] = p;
	return 0;
}

int report_read_summary(struct report_ctx *c, struct err *e)
{
	char *path = path_join(c->o->plan_dir, "summary.csv");
	int rc = csv_read(path, &summary_schema, summary_row, c, NULL, e);
	struct report_data *d = c->d;

	free(path);
	d->storage_after = c->plan_total.storage_after;
	d->saving_total = c->plan_total.saving;
	d->move_now = c->plan_total.move_now;
	d->move_on = c->plan_total.move_on;
	d->considered = c->plan_total.considered;
	return rc;
}

/* ---- strategies.csv ---- */

enum { ST_STRATEGY, ST_MONTH, ST_STD, ST_ARC, ST_COST, ST_CURRENCY, ST_PI,
       ST_NCOLS };
static const struct csv_column strategy_cols[] = {
	{ "strategy", R }, { "month", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "cost", R }, { "currency", R },
	{ "pi_cost", 0 },
};
_Static_assert(ARRAY_SIZE(strategy_cols) == ST_NCOLS, "strategy columns");
static const struct csv_schema strategy_schema = {
	"strategies.csv", strategy_cols, ST_NCOLS
};

static struct rep_series *series_named(struct report_data *d,
				       const char *name)
{
	struct rep_series *s;

	for (size_t i = 0; i < d->nseries; i++)
		if (strcmp(d->series[i].name, name) == 0)
			return &d->series[i];
	d->series = xrealloc(d->series, (d->nseries + 1) * sizeof(*s));
	s = &d->series[d->nseries++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	return s;
}

static void series_grow(struct rep_series *s)
{
	size_t alloc = s->alloc;

	if (s->n < s->alloc)
		return;
	s->month = grow_array(s->month, sizeof(*s->month), s->n + 1, &alloc);
	alloc = s->alloc;
	s->std_gb = grow_array(s->std_gb, sizeof(double), s->n + 1, &alloc);
	alloc = s->alloc;
	s->arc_gb = grow_array(s->arc_gb, sizeof(double), s->n + 1, &alloc);
	alloc = s->alloc;
	s->cost = grow_array(s->cost, sizeof(double), s->n + 1, &alloc);
	alloc = s->alloc;
	s->pi = grow_array(s->pi, sizeof(double), s->n + 1, &alloc);
	s->alloc = alloc;
}

static int strategy_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct report_ctx *c = ctx;
	struct rep_series *s;
	const char *name = "", *month = "";
	double std = 0, arc = 0, cost = 0, pi = NAN;
	int64_t t;
	char probe[16];

	if (row_str(r, ST_STRATEGY, 0, &name, e) ||
	    row_str(r, ST_MONTH, 0, &month, e) ||
	    row_double(r, ST_STD, 0, 0, 1e15, &std, e) ||
	    row_double(r, ST_ARC, 0, 0, 1e15, &arc, e) ||
	    row_double(r, ST_COST, 0, -1e15, 1e15, &cost, e) ||
	    row_double(r, ST_PI, ROW_OPTIONAL, 0, 1e15, &pi, e) ||
	    row_currency(c, r, ST_CURRENCY, e))
		return -1;
	snprintf(probe, sizeof(probe), "%.7s-01", month);
	if (strlen(month) != 7 || time_parse_iso(probe, 1, &t))
		return row_error(r, ST_MONTH, e, "a month such as 2026-11");
	s = series_named(c->d, name);
	series_grow(s);
	snprintf(s->month[s->n], sizeof(s->month[0]), "%s", month);
	s->std_gb[s->n] = std;
	s->arc_gb[s->n] = arc;
	s->cost[s->n] = cost;
	s->pi[s->n] = pi;
	s->n++;
	return 0;
}

int report_read_strategies(struct report_ctx *c, struct err *e)
{
	struct report_data *d = c->d;
	char *path = path_join(c->o->plan_dir, "strategies.csv");
	int rc = csv_read(path, &strategy_schema, strategy_row, c, NULL, e);
	const struct rep_series *none = report_series(d, "do_nothing");
	const struct rep_series *plan = report_series(d, "plan");

	free(path);
	d->avg_saving = NAN;
	if (rc == 0 && none && plan && none->n == plan->n && plan->n) {
		double sum = 0;
		for (size_t m = 0; m < plan->n; m++)
			sum += none->cost[m] - plan->cost[m];
		d->avg_saving = sum / (double)plan->n;
	}
	return rc;
}

/* ---- plan.csv ---- */

enum { PC_VAULT, PC_POLICY, PC_ITEM, PC_ACTION, PC_DATE, PC_P, PC_PLO,
       PC_PHI, PC_RPTIME, PC_KIND, PC_TIER, PC_EXPIRY, PC_UNIQUE, PC_FULL,
       PC_BE, PC_NCOLS };
static const struct csv_column point_cols[] = {
	{ "vault_id", R }, { "policy_id", R }, { "item_id", R },
	{ "action", R }, { "move_date", R }, { "p_restore", R },
	{ "p_restore_lo", 0 }, { "p_restore_hi", 0 }, { "rp_time", R },
	{ "rp_kind", R }, { "tier", R }, { "expiry_time", R },
	{ "unique_gb", R }, { "full_gb", R }, { "breakeven_days", R },
};
_Static_assert(ARRAY_SIZE(point_cols) == PC_NCOLS, "plan columns");
static const struct csv_schema point_schema = { "plan.csv", point_cols,
						PC_NCOLS };
#undef R

struct point_row {
	const struct item *it;
	int action;
	struct rp rp;
	int64_t move;
	double breakeven, p, p_lo, p_hi;
};

static int row_date(const struct csv_row *r, int col, int64_t *out,
		    struct err *e)
{
	const char *v = r->val[col];

	*out = TIME_NONE;
	if (!*v)
		return 0;
	if (time_parse_iso(v, 1, out))
		return row_error(r, col, e,
				 "a date such as 2026-11-01, or nothing");
	return 0;
}

static int read_point(struct report_ctx *c, const struct csv_row *r,
		      struct point_row *pr, struct err *e)
{
	const char *item_id = "";
	long k;

	memset(pr, 0, sizeof(*pr));
	pr->rp.expiry_time = TIME_NONE;
	pr->breakeven = pr->p = pr->p_lo = pr->p_hi = NAN;
	if (row_str(r, PC_ITEM, 0, &item_id, e))
		return -1;
	k = snapshot_find_item(c->s, item_id);
	if (k < 0)
		return row_error(r, PC_ITEM, e,
				 "an item of this snapshot (was the plan made "
				 "from another one?)");
	pr->it = &c->s->items[k];
	return row_enum(r, PC_ACTION, 0, plan_action_names, ACT_COUNT,
			&pr->action, e) ||
	       row_date(r, PC_DATE, &pr->move, e) ||
	       row_time(r, PC_RPTIME, 0, &pr->rp.rp_time, e) ||
	       row_enum(r, PC_KIND, 0, rp_kind_names, RK_COUNT, &pr->rp.kind,
			e) ||
	       row_enum(r, PC_TIER, 0, rp_tier_names, TIER_COUNT,
			&pr->rp.tier, e) ||
	       row_time(r, PC_EXPIRY, ROW_OPTIONAL, &pr->rp.expiry_time, e) ||
	       row_double(r, PC_UNIQUE, 0, 0, 1e12, &pr->rp.unique_gb, e) ||
	       row_double(r, PC_FULL, 0, 0, 1e12, &pr->rp.full_gb, e) ||
	       row_double(r, PC_BE, ROW_OPTIONAL, 0, 1e12, &pr->breakeven,
			  e) ||
	       row_double(r, PC_P, ROW_OPTIONAL, 0, 1, &pr->p, e) ||
	       row_double(r, PC_PLO, ROW_OPTIONAL, 0, 1, &pr->p_lo, e) ||
	       row_double(r, PC_PHI, ROW_OPTIONAL, 0, 1, &pr->p_hi, e)
		       ? -1
		       : 0;
}

/* plan.c's allowed_age: a successor moves at this age, or never (-1). */
static double successor_move_age(const struct point_row *pr)
{
	double age, life;

	if (!isfinite(pr->breakeven))
		return -1;
	age = min_age_days(pr->it->workload) + pr->breakeven;
	if (pr->rp.expiry_time == TIME_NONE)
		return age;
	life = (double)(pr->rp.expiry_time - pr->rp.rp_time) / DAY_S;
	return life - age >= MIN_REMAINING_DAYS ? age : -1;
}

static void project_point(struct report_ctx *c, const struct point_row *pr)
{
	const struct rate_card *rc = &c->d->vm[pr->it->vault_idx].card;
	struct slot sl = { 0 };
	struct slot_moves m;

	sl.rp_time = pr->rp.rp_time;
	sl.expiry = pr->rp.expiry_time;
	sl.refills = report_item_refills(pr->it);
	sl.in_archive = tier_in_archive(pr->rp.tier);
	sl.in_standard = tier_in_standard(pr->rp.tier);
	sl.std_gb = pr->rp.unique_gb;
	sl.arc_gb = pr->rp.full_gb;
	sl.std_gb_month = rc->std_gb_month;
	sl.arc_gb_month = rc->arc_gb_month;
	m.current_move = pr->move;
	m.new_move_age = successor_move_age(pr);
	projection_add(report_projection(c, pr->it->vault_idx), STRAT_PLAN,
		       &sl, &m);
}

static const struct policy *item_policy(const struct report_ctx *c,
					const struct item *it)
{
	return it->policy_idx >= 0 ? &c->s->policies[it->policy_idx] : NULL;
}

static double point_weight(const struct report_ctx *c,
			   const struct point_row *pr)
{
	return point_coverage_days(pr->it->workload, pr->rp.kind,
				   pr->rp.tier, item_policy(c, pr->it));
}

/* When the point is in Archive during the horizon: [*from, *to). */
static bool archive_span(const struct report_ctx *c,
			 const struct point_row *pr, int64_t *from,
			 int64_t *to)
{
	const struct horizon *h = &c->d->h;

	if (tier_in_archive(pr->rp.tier))
		*from = h->start;
	else if (pr->move != TIME_NONE)
		*from = pr->move > h->start ? pr->move : h->start;
	else
		return false;
	*to = pr->rp.expiry_time == TIME_NONE || pr->rp.expiry_time > h->end
		      ? h->end
		      : pr->rp.expiry_time;
	return *to > *from;
}

/* Expected restores per month while in Archive (the scale's posterior
 * mean: costs are linear in expected restores). */
static void add_month_restores(struct report_ctx *c,
			       const struct point_row *pr)
{
	const struct horizon *h = &c->d->h;
	const struct hazard *hz = restore_model_hazard(c->model);
	double *month = c->d->vm[pr->it->vault_idx].restores;
	struct restore_scale sc;
	int64_t from, to;
	double w;

	if (!archive_span(c, pr, &from, &to))
		return;
	restore_model_scale(c->model, pr->it->policy_id, pr->it->workload,
			    &sc);
	w = point_weight(c, pr) * sc.shape / sc.rate;
	for (int m = 0; m < h->months; m++) {
		int64_t t0 = h->month_start[m], t1 = h->month_start[m + 1];
		double a0, a1;
		if (t0 < from)
			t0 = from;
		if (t1 > to)
			t1 = to;
		if (t1 <= t0)
			continue;
		a0 = (double)(t0 - pr->rp.rp_time) / DAY_S;
		a1 = (double)(t1 - pr->rp.rp_time) / DAY_S;
		month[m] += w * (hazard_cum(hz, a1 > 0 ? a1 : 0) -
				 hazard_cum(hz, a0 > 0 ? a0 : 0));
	}
}

static void add_restores(double *slot, double v)
{
	*slot = isnan(*slot) ? v : *slot + v;
}

/* The restores a moved point may need once in Archive: plan.csv's
 * p_restore when the plan gives one, else the model's forecast from the
 * move to its expiry (or the horizon's end). */
static void add_risk(struct report_ctx *c, const struct point_row *pr)
{
	struct rep_risk *risk = &c->d->risk;
	double mean = NAN, lo = NAN, hi = NAN;
	int64_t from, to;
	size_t pol = pr->it->policy_idx >= 0 ? (size_t)pr->it->policy_idx
					     : c->s->npolicies;

	if (pr->action != ACT_MOVE_NOW && pr->action != ACT_MOVE_ON)
		return;
	risk->points++;
	if (isfinite(pr->p)) {
		mean = pr->p;
		lo = isfinite(pr->p_lo) ? pr->p_lo : pr->p;
		hi = isfinite(pr->p_hi) ? pr->p_hi : pr->p;
		risk->from_plan++;
	} else if (c->model && archive_span(c, pr, &from, &to)) {
		struct restore_forecast f;
		double a0 = (double)(from - pr->rp.rp_time) / DAY_S;
		double a1 = (double)(to - pr->rp.rp_time) / DAY_S;
		restore_model_forecast(c->model, pr->it->policy_id,
				       pr->it->workload, point_weight(c, pr),
				       a0 > 0 ? a0 : 0, a1 > 0 ? a1 : 0,
				       restore_model_level(c->model), &f);
		mean = f.mean;
		lo = f.lo;
		hi = f.hi;
		risk->from_model++;
	}
	if (isnan(mean))
		return;
	risk->expected += mean;
	risk->lo += lo;
	risk->hi += hi;
	add_restores(&c->vault_restores[pr->it->vault_idx], mean);
	add_restores(&c->policy_restores[pol], mean);
}

static int plan_point_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct report_ctx *c = ctx;
	struct point_row pr;

	if (read_point(c, r, &pr, e))
		return -1;
	project_point(c, &pr);
	if (c->model)
		add_month_restores(c, &pr);
	add_risk(c, &pr);
	return 0;
}

int report_read_plan_points(struct report_ctx *c, struct err *e)
{
	struct report_data *d = c->d;
	struct rep_risk *risk = &d->risk;
	char *path = path_join(c->o->plan_dir, "plan.csv");
	int rc;

	if (c->model)
		for (size_t v = 0; v < c->s->nvaults; v++)
			d->vm[v].restores = xcalloc((size_t)d->h.months,
						    sizeof(double));
	memset(risk, 0, sizeof(*risk));
	rc = csv_read(path, &point_schema, plan_point_row, c, NULL, e);
	free(path);
	if (rc)
		return -1;
	risk->source = risk->from_plan == 0 && risk->from_model == 0
			       ? RISK_NONE
		       : risk->from_plan >= risk->from_model ? RISK_PLAN
							     : RISK_MODEL;
	risk->level = c->model ? restore_model_level(c->model) : NAN;
	risk->p_any = 1 - exp(-risk->expected);
	return 0;
}
