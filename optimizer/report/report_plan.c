/* SPDX-License-Identifier: MIT
 * report_plan.c: what the report reads from the plan directory: plan.json
 * (as-of, currency, price sheet, horizon), summary.csv (decisions and
 * savings per vault and policy), strategies.csv (the projected cost per
 * strategy), vault_months.csv (the plan strategy per vault and month:
 * what focus.csv breaks down) and plan.csv, streamed, for the restore
 * risk of the points the plan moves (run hands it over in memory). The report takes the plan's figures
 * as they are: it projects and forecasts nothing itself. Columns are
 * found by name; columns added to these files later are ignored. Never
 * prints. */
#include <limits.h>
#include <math.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "optimizer/base/csvio.h"
#include "models/cost/decision.h"
#include "optimizer/base/fileio.h"
#include "optimizer/snapshot/bill.h"
#include "optimizer/snapshot/plan_meta.h"
#include "optimizer/report/report_internal.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED

/* ---- plan.json ---- */

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
	char *path = path_join(c->o->plan_dir, PLAN_JSON);
	struct plan_meta m;
	int rc = -1;

	if (plan_meta_read(c->o->plan_dir, &m, e) == 0 &&
	    check_as_of(c, path, m.as_of, e) == 0 &&
	    prices_load(&d->prices, m.prices, e) == 0)
		rc = 0;
	if (rc == 0) {
		snprintf(d->currency, sizeof(d->currency), "%s", m.currency);
		d->as_of = c->s->as_of;
		horizon_init(&d->h, d->as_of, m.horizon_months);
	}
	plan_meta_release(&m);
	free(path);
	return rc;
}

/* ---- summary.csv ---- */

enum { SU_LEVEL, SU_ID, SU_CONSIDERED, SU_MOVE_NOW, SU_MOVE_ON, SU_KEEP,
       SU_NOW, SU_AFTER, SU_SAVING, SU_CURRENCY, SU_BASIS, SU_PI, SU_NCOLS };
static const struct csv_column summary_cols[] = {
	{ "level", R }, { "id", 0 }, { "considered", R }, { "move_now", R },
	{ "move_on", R }, { "keep", R }, { "monthly_storage_now", R },
	{ "monthly_storage_after", R }, { "saving_total", R },
	{ "currency", R }, { "basis", 0 }, { "monthly_pi", 0 },
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
	static const char *const levels[] = { "vault", "policy", "total",
					      "backup_vault" };
	struct report_ctx *c = ctx;
	struct rep_planned p = { .set = true, .pi = NAN };
	const char *id = "";
	int level, basis = -1;
	long k = 0;

	if (row_enum(r, SU_LEVEL, 0, levels, 4, &level, e) ||
	    row_str(r, SU_ID, ROW_OPTIONAL, &id, e) ||
	    row_long(r, SU_CONSIDERED, 0, 0, LONG_MAX, &p.considered, e) ||
	    row_long(r, SU_MOVE_NOW, 0, 0, LONG_MAX, &p.move_now, e) ||
	    row_long(r, SU_MOVE_ON, 0, 0, LONG_MAX, &p.move_on, e) ||
	    row_long(r, SU_KEEP, 0, 0, LONG_MAX, &p.keep, e) ||
	    row_double(r, SU_NOW, 0, 0, 1e15, &p.storage_now, e) ||
	    row_double(r, SU_AFTER, 0, 0, 1e15, &p.storage_after, e) ||
	    row_double(r, SU_SAVING, 0, -1e15, 1e15, &p.saving, e) ||
	    row_currency(c, r, SU_CURRENCY, e) ||
	    row_enum(r, SU_BASIS, ROW_OPTIONAL, money_basis_names, MB_COUNT,
		     &basis, e) ||
	    row_double(r, SU_PI, ROW_OPTIONAL, 0, 1e15, &p.pi, e))
		return -1;
	p.basis = basis >= 0 ? money_basis_names[basis] : NULL;
	if (level == 2) {
		c->plan_total = p;
		return 0;
	}
	if (level == 3)
		return 0; /* Backup vaults: priced again by report_bv.c */
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
	d->basis = c->plan_total.basis;
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

enum { PC_ITEM, PC_ACTION, PC_RESTORES, PC_RESTORE_COST, PC_NCOLS };
static const struct csv_column point_cols[] = {
	{ "item_id", R }, { "action", R }, { "expected_restores", R },
	{ "expected_restore_cost", R },
};
_Static_assert(ARRAY_SIZE(point_cols) == PC_NCOLS, "plan columns");
static const struct csv_schema point_schema = { "plan.csv", point_cols,
						PC_NCOLS };

/* A moved point's expected restores (over its remaining life) and their
 * expected cost from Archive, both empty when the plan had no model. */
static int plan_point_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct report_ctx *c = ctx;
	const char *item_id = "";
	const struct item *it;
	double restores = NAN, cost = NAN;
	long k;
	int action;

	if (row_enum(r, PC_ACTION, 0, plan_action_names, ACT_COUNT, &action,
		     e))
		return -1;
	if (action != ACT_MOVE_NOW && action != ACT_MOVE_ON)
		return 0;
	if (row_str(r, PC_ITEM, 0, &item_id, e) ||
	    row_double(r, PC_RESTORES, ROW_OPTIONAL, 0, 1e9, &restores, e) ||
	    row_double(r, PC_RESTORE_COST, ROW_OPTIONAL, 0, 1e15, &cost, e))
		return -1;
	k = snapshot_find_item(c->s, item_id);
	if (k < 0)
		return row_error(r, PC_ITEM, e,
				 "an item of this snapshot (was the plan made "
				 "from another one?)");
	it = &c->s->items[k];
	plan_risk_add(&c->risk, (size_t)it->vault_idx, it->policy_idx,
		      restores, cost);
	return 0;
}

/* run's plan, in memory: the same sums, to the bit. */
static void copy_risk(struct plan_risk *to, const struct plan_risk *from)
{
	size_t nv = (to->nvaults + 1) * sizeof(double);
	size_t np = (to->npolicies + 1) * sizeof(double);

	to->points = from->points;
	to->assessed = from->assessed;
	to->expected = from->expected;
	to->cost = from->cost;
	memcpy(to->vault_restores, from->vault_restores, nv);
	memcpy(to->vault_cost, from->vault_cost, nv);
	memcpy(to->policy_restores, from->policy_restores, np);
	memcpy(to->policy_cost, from->policy_cost, np);
}

int report_read_plan_points(struct report_ctx *c, struct err *e)
{
	struct rep_risk *risk = &c->d->risk;
	char *path;
	int rc = 0;

	if (c->o->plan_risk) {
		copy_risk(&c->risk, c->o->plan_risk);
	} else {
		path = path_join(c->o->plan_dir, "plan.csv");
		rc = csv_read(path, &point_schema, plan_point_row, c, NULL,
			      e);
		free(path);
	}
	risk->points = c->risk.points;
	risk->assessed = c->risk.assessed;
	risk->expected = c->risk.expected;
	risk->cost = c->risk.cost;
	return rc;
}

/* ---- vault_months.csv ---- */

enum { VM_VAULT, VM_MONTH, VM_STRATEGY, VM_STD_GB, VM_ARC_GB, VM_COST,
       VM_CURRENCY, VM_STD_PRICE, VM_ARC_PRICE, VM_RESTORE_COST,
       VM_RESTORES, VM_PI_COST, VM_FILES_GB, VM_FILES_PRICE, VM_NCOLS };
static const struct csv_column vault_month_cols[] = {
	{ "vault_id", R }, { "month", R }, { "strategy", R },
	{ "standard_gb", R }, { "archive_gb", R }, { "cost", R },
	{ "currency", R }, { "standard_gb_month_price", R },
	{ "archive_gb_month_price", R }, { "restore_cost", R },
	{ "expected_restores", R }, { "pi_cost", 0 },
	{ "files_vaulted_gb", 0 }, { "files_vaulted_gb_month_price", 0 },
};
_Static_assert(ARRAY_SIZE(vault_month_cols) == VM_NCOLS,
	       "vault_months columns");
static const struct csv_schema vault_month_schema = {
	"vault_months.csv", vault_month_cols, VM_NCOLS
};
#undef R

struct month_read {
	struct report_ctx *c;
	char (*label)[8];            /* "2026-11" per month of the horizon */
	bool *seen;                  /* per vault x month */
};

static void month_label(int64_t t, char out[8])
{
	struct civil cv;

	time_to_civil(t, &cv);
	snprintf(out, 8, "%04d-%02d", (cv.year % 10000 + 10000) % 10000,
		 (cv.month % 100 + 100) % 100);
}

static int row_month(const struct month_read *mr, const struct csv_row *r,
		     int *out, struct err *e)
{
	const struct horizon *h = &mr->c->d->h;
	const char *month = "";

	if (row_str(r, VM_MONTH, 0, &month, e))
		return -1;
	for (int m = 0; m < h->months; m++)
		if (strcmp(month, mr->label[m]) == 0) {
			*out = m;
			return 0;
		}
	return row_error(r, VM_MONTH, e,
			 "a month of the plan's horizon (plan.json), such "
			 "as 2026-11");
}

static int vault_month_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct month_read *mr = ctx;
	struct report_ctx *c = mr->c;
	const char *vault_id = "", *strategy = "";
	double std = 0, arc = 0, cost = 0, sp = 0, ap = 0, rcost = 0;
	double restores = NAN, pi = NAN, files = 0, fp = 0;
	struct rep_vault_months *vm;
	long v;
	int m = 0;

	if (row_str(r, VM_STRATEGY, 0, &strategy, e))
		return -1;
	if (strcmp(strategy, "plan") != 0)
		return 0;
	if (row_str(r, VM_VAULT, 0, &vault_id, e) || row_month(mr, r, &m, e) ||
	    row_double(r, VM_STD_GB, 0, 0, 1e15, &std, e) ||
	    row_double(r, VM_ARC_GB, 0, 0, 1e15, &arc, e) ||
	    row_double(r, VM_COST, 0, -1e15, 1e15, &cost, e) ||
	    row_currency(c, r, VM_CURRENCY, e) ||
	    row_double(r, VM_STD_PRICE, 0, 0, 1e6, &sp, e) ||
	    row_double(r, VM_ARC_PRICE, 0, 0, 1e6, &ap, e) ||
	    row_double(r, VM_RESTORE_COST, 0, 0, 1e15, &rcost, e) ||
	    row_double(r, VM_RESTORES, ROW_OPTIONAL, 0, 1e9, &restores, e) ||
	    row_double(r, VM_PI_COST, ROW_OPTIONAL, 0, 1e15, &pi, e) ||
	    row_double(r, VM_FILES_GB, ROW_OPTIONAL, 0, 1e15, &files, e) ||
	    row_double(r, VM_FILES_PRICE, ROW_OPTIONAL, 0, 1e6, &fp, e))
		return -1;
	v = snapshot_find_vault(c->s, vault_id);
	if (v < 0)
		return row_error(r, VM_VAULT, e,
				 "a vault of this snapshot (was the plan made "
				 "from another one?)");
	if (mr->seen[(size_t)v * (size_t)c->d->h.months + (size_t)m])
		return row_error(r, VM_MONTH, e,
				 "one row per vault and month (this one is "
				 "there twice)");
	if (rcost > 0 && !(restores > 0))
		return row_error(r, VM_RESTORES, e,
				 "a positive number when restore_cost is");
	mr->seen[(size_t)v * (size_t)c->d->h.months + (size_t)m] = true;
	vm = &c->d->vm[v];
	vm->std_price = sp;
	vm->arc_price = ap;
	vm->files_price = fp;
	vm->std_gb[m] = std;
	vm->files_gb[m] = files;
	vm->arc_gb[m] = arc;
	vm->restore_cost[m] = rcost;
	vm->restores[m] = restores;
	vm->pi_cost = pi;
	return 0;
}

static int check_complete(const struct month_read *mr, const char *path,
			  struct err *e)
{
	const struct report_ctx *c = mr->c;
	int months = c->d->h.months;

	for (size_t v = 0; v < c->s->nvaults; v++)
		for (int m = 0; m < months; m++)
			if (!mr->seen[v * (size_t)months + (size_t)m])
				return err_set(
					e, EXIT_DATAERR,
					"%s: no row for vault %s in %s: the "
					"file is incomplete; run 'vaultwise "
					"plan' again",
					path, c->s->vaults[v].vault_id,
					mr->label[m]);
	return 0;
}

/* A plan directory made before vault_months.csv existed. */
static int check_vault_months_exists(const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 0;
	return err_set(e, EXIT_NOINPUT,
		       "%s not found: the plan directory was made by an "
		       "older vaultwise; run 'vaultwise plan' on this "
		       "snapshot again to write it",
		       path);
}

static void alloc_months(struct report_data *d, size_t nvaults)
{
	size_t months = (size_t)d->h.months;

	for (size_t v = 0; v < nvaults; v++) {
		struct rep_vault_months *vm = &d->vm[v];
		vm->std_gb = xcalloc(months, sizeof(double));
		vm->arc_gb = xcalloc(months, sizeof(double));
		vm->files_gb = xcalloc(months, sizeof(double));
		vm->restore_cost = xcalloc(months, sizeof(double));
		vm->restores = xcalloc(months, sizeof(double));
		vm->pi_cost = NAN;
	}
}

/* What focus.csv's storage and restore rows add up to in month m. */
static double focus_month_cost(const struct report_ctx *c, int m)
{
	const struct report_data *d = c->d;
	double cost = 0;

	for (size_t v = 0; v < c->s->nvaults; v++) {
		const struct rep_vault_months *vm = &d->vm[v];
		cost += vm->std_gb[m] * vm->std_price +
			vm->files_gb[m] * vm->files_price +
			vm->arc_gb[m] * vm->arc_price + vm->restore_cost[m];
	}
	return cost;
}

/* focus.csv against strategies.csv's plan line (they agree unless the
 * plan directory's files come from different runs). */
static void tie_out(struct report_ctx *c, char (*label)[8])
{
	struct report_data *d = c->d;
	const struct rep_series *plan = report_series(d, "plan");

	d->focus_max_gap = 0;
	for (int m = 0; plan && m < d->h.months && (size_t)m < plan->n; m++) {
		double want = plan->cost[m], got = focus_month_cost(c, m);
		double gap = fabs(want) < 0.01
				     ? (fabs(got - want) < 0.01 ? 0 : 1)
				     : fabs(got - want) / fabs(want);
		if (gap > d->focus_max_gap) {
			d->focus_max_gap = gap;
			memcpy(d->focus_gap_month, label[m],
			       sizeof(d->focus_gap_month));
		}
	}
}

int report_read_vault_months(struct report_ctx *c, struct err *e)
{
	struct report_data *d = c->d;
	char *path = path_join(c->o->plan_dir, "vault_months.csv");
	struct month_read mr = { c, NULL, NULL };
	int rc = -1;

	mr.label = xcalloc((size_t)d->h.months, sizeof(*mr.label));
	mr.seen = xcalloc(c->s->nvaults * (size_t)d->h.months + 1,
			  sizeof(bool));
	for (int m = 0; m < d->h.months; m++)
		month_label(d->h.month_start[m], mr.label[m]);
	alloc_months(d, c->s->nvaults);
	if (check_vault_months_exists(path, e) == 0 &&
	    csv_read(path, &vault_month_schema, vault_month_row, &mr, NULL,
		     e) == 0 &&
	    check_complete(&mr, path, e) == 0) {
		tie_out(c, mr.label);
		rc = 0;
	}
	free(mr.label);
	free(mr.seen);
	free(path);
	return rc;
}
