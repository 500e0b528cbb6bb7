/* SPDX-License-Identifier: MIT
 * plan_backtest.c: the plan as of a past date scored against what came
 * afterwards (see plan_backtest.h). */
#include "optimizer/plan/plan_backtest.h"

#include <math.h>

#include "models/cost/backtest.h"
#include "models/cost/decision.h"
#include "models/cost/sizes.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const bt_strategy_names[BT_COUNT] = {
	"plan", "tier_after_3m", "do_nothing"
};
static const int bt_strategy[BT_COUNT] = {
	STRAT_PLAN, STRAT_TIER_AFTER_3M, STRAT_DO_NOTHING
};

#define R CSV_REQUIRED
static const struct csv_column bt_cols[] = {
	{ "vault_id", R }, { "policy_id", R }, { "item_id", R },
	{ "rp_id", R }, { "rp_time", R }, { "rp_kind", R },
	{ "tier_then", R }, { "days", R }, { "restores_after", R },
	{ "standard_month", R }, { "archive_month", R },
	{ "rehydration_cost", R }, { "plan_action", R },
	{ "plan_move_date", R }, { "tier_after_3m_move_date", R },
	{ "do_nothing_move_date", R }, { "cost_plan", R },
	{ "cost_tier_after_3m", R }, { "cost_do_nothing", R },
	{ "currency", R },
};
#undef R
static const struct csv_schema bt_schema = { "backtest.csv", bt_cols,
					     ARRAY_SIZE(bt_cols) };

struct restore_after {
	const struct item *it;
	int64_t rp_time, when;
};

struct bt_ctx {
	const struct backtest_options *o;
	struct backtest_summary *sum;
	struct csv_writer *w;
	struct restore_after *r;
	size_t nr, alloc;
	int64_t *times;           /* one point's restores */
	size_t times_alloc;
};

static int gather_after(void *ctx, const struct item *it,
			const struct job *j, struct err *e)
{
	struct bt_ctx *b = ctx;
	(void)e;

	if (!it || !job_is_restore(j) || j->rp_time == TIME_NONE ||
	    j->start_time <= b->sum->as_of || j->start_time > b->sum->until)
		return 0;
	b->r = grow_array(b->r, sizeof(*b->r), b->nr + 1, &b->alloc);
	b->r[b->nr++] = (struct restore_after){ it, j->rp_time,
						j->start_time };
	return 0;
}

static int cmp_after(const void *a, const void *b)
{
	const struct restore_after *x = a, *y = b;

	if (x->it != y->it)
		return x->it < y->it ? -1 : 1;
	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	return (x->when > y->when) - (x->when < y->when);
}

/* The restores of one point after as_of, sorted, into b->times. */
static size_t point_restores(struct bt_ctx *b, const struct item *it,
			     int64_t rp_time)
{
	size_t lo = 0, hi = b->nr, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct restore_after *r = &b->r[mid];
		if (r->it < it || (r->it == it && r->rp_time < rp_time))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->nr && b->r[lo].it == it && b->r[lo].rp_time == rp_time;
	     lo++) {
		b->times = grow_array(b->times, sizeof(*b->times), n + 1,
				      &b->times_alloc);
		b->times[n++] = b->r[lo].when;
	}
	return n;
}

static void put_date(struct csv_writer *w, int64_t t)
{
	char d[DATE_ISO_LEN];

	if (t == TIME_NONE) {
		csv_put(w, "");
		return;
	}
	time_format_date(t, d);
	csv_put(w, d);
}

static void write_row(struct bt_ctx *b, const struct planned_point *pp,
		      double days, size_t nres, const int64_t *moves,
		      const struct backtest_cost *bc)
{
	struct csv_writer *w = b->w;
	const struct point_costs *c = pp->c;

	csv_put(w, pp->it->vault_id);
	csv_put(w, pp->it->policy_id);
	csv_put(w, pp->it->item_id);
	csv_put(w, pp->rp->rp_id);
	csv_put_time(w, pp->rp->rp_time);
	csv_put(w, rp_kind_names[pp->rp->kind]);
	csv_put(w, rp_tier_names[pp->rp->tier]);
	csv_put_double(w, days, 3);
	csv_put_long(w, (long)nres);
	csv_put_double(w, c->s_day * DAYS_PER_MONTH, 4);
	csv_put_double(w, c->q_day * DAYS_PER_MONTH, 4);
	csv_put_double(w, c->restore_extra, 4);
	csv_put(w, plan_action_names[pp->d->action]);
	for (int k = 0; k < BT_COUNT; k++)
		put_date(w, moves[k]);
	for (int k = 0; k < BT_COUNT; k++)
		csv_put_double(w, bc[k].cost, 4);
	csv_put(w, b->sum->plan.currency); /* set before any point */
	csv_end_row(w);
}

/* One decided point (plan_options.on_point): what each strategy's move
 * would have cost from as_of to the export or the point's expiry. */
static void score_point(void *ctx, const struct planned_point *pp)
{
	struct bt_ctx *b = ctx;
	struct backtest_summary *sum = b->sum;
	int64_t from = sum->as_of, to = sum->until, moves[BT_COUNT];
	struct backtest_cost bc[BT_COUNT];
	bool archived = tier_in_archive(pp->rp->tier);
	size_t nres;

	if (pp->rp->expiry_time != TIME_NONE && pp->rp->expiry_time < to)
		to = pp->rp->expiry_time;
	if (to <= from)
		return;
	nres = point_restores(b, pp->it, pp->rp->rp_time);
	for (int k = 0; k < BT_COUNT; k++) {
		moves[k] = pp->move_at[bt_strategy[k]];
		backtest_point_cost(pp->c, archived ? from : moves[k], from,
				    to, b->times, nres,
				    b->o->plan.cost.rehydration_days, &bc[k]);
		sum->cost[k] += bc[k].cost;
		sum->rehydrations[k] += bc[k].rehydrations;
	}
	sum->points++;
	sum->restores_after += (long)nres;
	write_row(b, pp, (double)(to - from) / DAY_S, nres, moves, bc);
}

static int check_dates(const struct snapshot *s, int64_t as_of,
		       struct err *e)
{
	char past[DATE_ISO_LEN], exported[DATE_ISO_LEN];

	if (as_of < s->manifest.exported_at)
		return 0;
	time_format_date(as_of, past);
	time_format_date(s->manifest.exported_at, exported);
	return err_set(e, EXIT_USAGE,
		       "--as-of %s: a backtest plans from a date before the "
		       "snapshot's export (%s), to score it on what came "
		       "after",
		       past, exported);
}

/* The plan as of o->as_of into dir/plan, each point scored into
 * dir/backtest.csv. */
static int plan_and_score(struct snapshot *s, const struct backtest_options *o,
			  const struct restore_model *m, struct bt_ctx *b,
			  struct outdir *dir, struct err *e)
{
	struct plan_options po = o->plan;
	char *path = outdir_file(dir, "backtest.csv");
	int rc;

	b->w = csv_writer_open(path, &bt_schema, e);
	free(path);
	if (!b->w)
		return -1;
	po.model = m;
	po.on_point = score_point;
	po.on_point_ctx = b;
	path = outdir_file(dir, "plan");
	rc = plan_run(s, &po, path, &b->sum->plan, e);
	free(path);
	if (rc) {
		csv_writer_abort(b->w);
		return -1;
	}
	return csv_writer_commit(b->w, NULL, e);
}

int backtest_run(struct snapshot *s, const struct backtest_options *o,
		 const char *out_dir, struct backtest_summary *out,
		 struct err *e)
{
	struct bt_ctx b = { o, out, NULL, NULL, 0, 0, NULL, 0 };
	struct restore_model *m = NULL;
	struct outdir dir;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->as_of = o->as_of;
	out->until = s->manifest.exported_at;
	if (check_dates(s, o->as_of, e))
		return -1;
	s->as_of = o->as_of;
	if (restore_model_fit(&m, s, &o->fit, e) ||
	    snapshot_each_job(s, gather_after, &b, e))
		goto done;
	strfmt(out->method, sizeof(out->method), "%s",
	       restore_model_method(m));
	out->restores_fit = restore_model_summary(m)->events_used;
	if (b.nr)
		qsort(b.r, b.nr, sizeof(*b.r), cmp_after);
	if (outdir_begin(&dir, out_dir, "backtest", e))
		goto done;
	if (plan_and_score(s, o, m, &b, &dir, e) ||
	    outdir_commit(&dir, e)) {
		outdir_abort(&dir);
		goto done;
	}
	strfmt(out->currency, sizeof(out->currency), "%s",
	       out->plan.currency);
	rc = 0;
done:
	restore_model_free(m);
	free(b.r);
	free(b.times);
	return rc;
}
