/* SPDX-License-Identifier: MIT
 * report.c: the report stage (report.h): gathers the figures in the order
 * they depend on each other, checks that they agree (the snapshot against
 * the plan's summary, vault_months.csv against strategies.csv) and hands
 * them to the writers in reports/, all into one output directory swapped
 * into place when complete. Never prints. */
#include "optimizer/report/report.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/base/fileio.h"
#include "reports/focus.h"
#include "reports/report_changes.h"
#include "reports/report_html.h"
#include "optimizer/report/report_internal.h"
#include "reports/summary_csv.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define DEFAULT_TOP_N 10

void report_options_init(struct report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->top_n = DEFAULT_TOP_N;
}

static int check_plan_dir(const char *dir, struct err *e)
{
	struct stat st;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return err_set(e, EXIT_NOINPUT,
		       "plan directory '%s' not found; write one with "
		       "'vaultwise plan SNAPSHOT --out %s'",
		       dir, dir);
}

/* When the report is made: now, or SOURCE_DATE_EPOCH for reproducible
 * output (https://reproducible-builds.org/specs/source-date-epoch/). */
static int64_t made_at(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (s && *s) {
		t = strtoll(s, &end, 10);
		if (!*end && t >= 0)
			return (int64_t)t;
	}
	return (int64_t)time(NULL);
}

/* The paper the page prints on: US Letter where the locale's paper is
 * (LC_ALL, LC_PAPER, LANG as POSIX orders them: en_US, es_MX...), else
 * A4. */
static bool letter_paper(void)
{
	static const char *const letter[] = { "_US", "_CA", "_MX", "_PH",
					      "_CL", "_CO", "_VE", "_PR" };
	const char *names[] = { "LC_ALL", "LC_PAPER", "LANG" };
	const char *loc = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(names) && !loc; i++) {
		loc = getenv(names[i]);
		if (loc && !*loc)
			loc = NULL;
	}
	for (size_t i = 0; loc && i < ARRAY_SIZE(letter); i++)
		if (strstr(loc, letter[i]))
			return true;
	return false;
}

/* path as the page names it: under o->shown when it is under o->staged.
 * The copy is kept in c->shown[slot]. */
static const char *shown_path(struct report_ctx *c, int slot,
			      const char *path)
{
	const struct report_options *o = c->o;
	size_t n = o->staged ? strlen(o->staged) : 0;

	if (!path || !n || !o->shown || strncmp(path, o->staged, n) != 0 ||
	    (path[n] != '/' && path[n] != '\0'))
		return path;
	c->shown[slot] = xasprintf("%s%s", o->shown, path + n);
	return c->shown[slot];
}

static void ctx_init(struct report_ctx *c, struct report_data *d,
		     struct snapshot *s, const struct report_options *o)
{
	size_t nv = s->nvaults + 1, np = s->npolicies + 1;

	memset(c, 0, sizeof(*c));
	memset(d, 0, sizeof(*d));
	c->d = d;
	c->o = o;
	c->s = s;
	d->s = s;
	d->snapshot_dir = shown_path(c, 0, s->dir);
	d->plan_dir = shown_path(c, 1, o->plan_dir);
	d->prev_dir = shown_path(c, 2, o->previous);
	d->model_path = shown_path(c, 3, o->model_path);
	d->rpo_path = shown_path(c, 4, o->rpo_path);
	d->audit_path = shown_path(c, 5, o->audit_path);
	d->top_n = o->top_n > 0 ? o->top_n : DEFAULT_TOP_N;
	d->prev_as_of = TIME_NONE;
	d->made_at = made_at();
	d->letter = letter_paper();
	d->vm = xcalloc(nv, sizeof(*d->vm));
	c->now_vault = xcalloc(nv, sizeof(*c->now_vault));
	c->now_policy = xcalloc(np, sizeof(*c->now_policy));
	c->plan_vault = xcalloc(nv, sizeof(*c->plan_vault));
	c->plan_policy = xcalloc(np, sizeof(*c->plan_policy));
	plan_risk_init(&c->risk, s->nvaults, s->npolicies);
	c->vault_restores = c->risk.vault_restores;
	c->vault_restore_cost = c->risk.vault_cost;
	c->policy_restores = c->risk.policy_restores;
	c->policy_restore_cost = c->risk.policy_cost;
}

static void ctx_release(struct report_ctx *c)
{
	free(c->now_vault);
	free(c->now_policy);
	free(c->prev_vault);
	free(c->prev_policy);
	free(c->plan_vault);
	free(c->plan_policy);
	plan_risk_release(&c->risk);
	for (size_t i = 0; i < ARRAY_SIZE(c->shown); i++)
		free(c->shown[i]);
	if (c->has_prev)
		snapshot_release(&c->prev);
}

/* --previous: last month's snapshot, or last month's run output, which
 * keeps the snapshot it exported in snapshot/. */
static char *previous_snapshot(const char *dir)
{
	char *manifest = path_join(dir, "manifest.json");
	char *sub = path_join(dir, "snapshot/manifest.json");
	char *path = access(manifest, F_OK) != 0 && access(sub, F_OK) == 0
			     ? path_join(dir, "snapshot")
			     : xstrdup(dir);

	free(manifest);
	free(sub);
	return path;
}

static int read_previous(struct report_ctx *c, struct err *e)
{
	struct snapshot *p = &c->prev;
	char *dir;
	int rc;

	if (!c->o->previous)
		return 0;
	memset(p, 0, sizeof(*p));
	dir = previous_snapshot(c->o->previous);
	rc = snapshot_open(p, dir, e);
	free(dir);
	if (rc) {
		snapshot_release(p);
		return -1;
	}
	c->has_prev = true;
	c->d->prev = p;
	c->d->prev_as_of = p->as_of;
	c->prev_vault = xcalloc(p->nvaults + 1, sizeof(*c->prev_vault));
	c->prev_policy = xcalloc(p->npolicies + 1, sizeof(*c->prev_policy));
	return report_estate_pass(c, p, c->prev_vault, c->prev_policy, false,
				  e);
}

static void apply_planned(struct rep_group *g, const struct rep_planned *p)
{
	if (!p->set)
		return;
	g->planned = true;
	g->considered = p->considered;
	g->move_now = p->move_now;
	g->move_on = p->move_on;
	g->keep = p->keep;
	g->storage_after = p->storage_after;
	g->saving_total = p->saving;
	g->plan_now = p->storage_now;
	g->plan_pi = p->pi;
	g->basis = p->basis;
}

/* Items without a policy (protection stopped) have no policy row in the
 * plan's summary.csv but are in its totals: their group is the total
 * less the policies' rows. */
static void apply_no_policy(struct report_ctx *c, struct rep_group *g)
{
	struct rep_planned r = c->plan_total;

	if (!r.set)
		return;
	for (size_t k = 0; k < c->s->npolicies; k++) {
		const struct rep_planned *p = &c->plan_policy[k];
		if (!p->set)
			continue;
		r.considered -= p->considered;
		r.move_now -= p->move_now;
		r.move_on -= p->move_on;
		r.keep -= p->keep;
		r.storage_now -= p->storage_now;
		r.storage_after -= p->storage_after;
		r.saving -= p->saving;
		r.pi -= p->pi;
	}
	apply_planned(g, &r);
}

static void apply_plan_rows(struct report_ctx *c)
{
	struct report_data *d = c->d;

	for (size_t i = 0; i < d->nvaults; i++)
		if (d->vaults[i].vault)
			apply_planned(&d->vaults[i],
				      &c->plan_vault[d->vaults[i].vault -
						     c->s->vaults]);
	for (size_t i = 0; i < d->npolicies; i++) {
		struct rep_group *g = &d->policies[i];
		long k = snapshot_find_policy(c->s, g->id);
		if (g->presence != REP_REMOVED && k >= 0)
			apply_planned(g, &c->plan_policy[k]);
		else if (g->presence != REP_REMOVED && !g->id[0])
			apply_no_policy(c, g);
	}
}

/* ---- caveats: what a reader must know to trust the figures ---- */

static bool has_restore_cost(const struct report_data *d,
			     const struct rep_vault_months *vm)
{
	for (int m = 0; m < d->h.months; m++)
		if (vm->restore_cost[m] > 0)
			return true;
	return false;
}

/* vault_months.csv carries the prices the plan used; forecast.csv uses
 * them. A plan calibrated to a bill (reconcile.csv) uses the billed
 * prices, which the bill section shows. */
static void plan_price_caveat(struct report_data *d, const struct vault *v,
			      const char *tier, double plan, double sheet)
{
	if (fabs(plan - sheet) <= 1e-6 || d->bill.n)
		return;
	report_data_add_caveat(
		d, "plan/vault_months.csv prices %s's %s storage at %.6f "
		   "%s/GB-month but the price sheet now says %.6f: was the "
		   "sheet changed after the plan? forecast.csv uses the plan's "
		   "price",
		v->vault_name, tier, plan, d->currency, sheet);
}

static void add_price_caveat(void *ctx, const char *text)
{
	report_data_add_caveat(ctx, "%s", text);
}

static void price_caveats(struct report_ctx *c)
{
	struct report_data *d = c->d;

	for (size_t v = 0; v < c->s->nvaults; v++) {
		const struct rep_vault_months *vm = &d->vm[v];

		d->caveat_weight = rep_stats_total(&c->now_vault[v]);
		plan_price_caveat(d, &c->s->vaults[v], "Standard",
				  vm->std_price, vm->card.std_gb_month);
		plan_price_caveat(d, &c->s->vaults[v], "Archive",
				  vm->arc_price, vm->card.arc_gb_month);
		if (vm->card.has_files)
			plan_price_caveat(d, &c->s->vaults[v], "Files Vaulted",
					  vm->files_price,
					  vm->card.files_gb_month);
		rate_card_caveats(&vm->card, c->s->vaults[v].location,
				  has_restore_cost(d, vm), add_price_caveat, d);
	}
}

static void agreement_caveats(struct report_ctx *c)
{
	struct report_data *d = c->d;
	double mine = d->total_now.std_cost + d->total_now.arc_cost;
	double plan = c->plan_total.storage_now;

	/* these put every figure in doubt */
	d->caveat_weight = rep_stats_total(&d->total_now);
	/* a plan calibrated to a bill differs on purpose (its section) */
	if (c->plan_total.set && !d->bill.n &&
	    fabs(mine - plan) > 0.005 * fabs(plan) + 0.01)
		report_data_add_caveat(
			d, "the snapshot's storage (%.2f %s/month) differs "
			   "from the plan's summary.csv (%.2f %s/month): was "
			   "the plan made from another snapshot or price "
			   "sheet?",
			mine, d->currency, plan, d->currency);
	if (d->focus_max_gap > 0.01)
		report_data_add_caveat(
			d, "plan/vault_months.csv (forecast.csv's storage and "
			   "restore rows) differs from strategies.csv's plan "
			   "line by up to %.1f%% (in %s): do the plan "
			   "directory's files come from different runs?",
			d->focus_max_gap * 100, d->focus_gap_month);
	if (!report_series(d, "plan") || !report_series(d, "do_nothing"))
		report_data_add_caveat(
			d, "strategies.csv has no 'plan' or no 'do_nothing' "
			   "line: the saving is not shown");
	if (c->has_prev && c->prev.as_of >= c->s->as_of)
		report_data_add_caveat(
			d, "the previous snapshot is not older than this one");
}

static void set_billing_account(struct report_ctx *c)
{
	struct report_data *d = c->d;
	const char *tenant = c->s->manifest.tenant_id;

	if (c->o->billing_account && *c->o->billing_account) {
		d->billing_account_id = c->o->billing_account;
		d->billing_account_name = c->o->billing_account;
	} else {
		d->billing_account_id = tenant && *tenant ? tenant : "unknown";
		d->billing_account_name = d->billing_account_id;
	}
}

static int gather(struct report_ctx *c, struct err *e)
{
	if (report_read_plan_meta(c, e) || report_read_summary(c, e) ||
	    report_read_strategies(c, e) || report_read_model(c, e) ||
	    report_estate_now(c, e) ||
	    report_read_vault_months(c, e) || report_read_plan_points(c, e) ||
	    report_read_levers(c, e) || report_read_reasons(c, e) ||
	    read_previous(c, e))
		return -1;
	if (c->has_prev && report_causes(c, e))
		return -1;
	report_build_groups(c);
	apply_plan_rows(c);
	report_bv_costs(c);
	if (report_read_rpo(c, e) || report_read_posture(c, e) ||
	    report_bill_load(c->d, c->o->plan_dir, e))
		return -1;
	set_billing_account(c);
	price_caveats(c);
	agreement_caveats(c);
	return 0;
}

static int write_all(const struct report_data *d, const char *out_dir,
		     struct report_summary *out, struct err *e)
{
	struct outdir dir;
	char *html = NULL, *focus = NULL, *forecast = NULL;
	int rc = -1;

	if (outdir_begin(&dir, out_dir, "report", e))
		return -1;
	html = outdir_file(&dir, "report.html");
	focus = outdir_file(&dir, "focus.csv");
	forecast = outdir_file(&dir, "forecast.csv");
	if (report_html_write(d, html, e) == 0 &&
	    focus_write(d, focus, &out->focus_rows, e) == 0 &&
	    forecast_write(d, forecast, &out->forecast_rows, e) == 0 &&
	    summary_csv_write(d, &dir, e) == 0 &&
	    report_changes_write(d, &dir, e) == 0)
		rc = outdir_commit(&dir, e);
	if (rc)
		outdir_abort(&dir);
	free(html);
	free(focus);
	free(forecast);
	return rc;
}

static void fill_summary(struct report_summary *out,
			 const struct report_data *d)
{
	snprintf(out->currency, sizeof(out->currency), "%s", d->currency);
	out->standard_cost = d->total_now.std_cost;
	out->archive_cost = d->total_now.arc_cost;
	out->pi_cost = d->total_now.pi_cost;
	out->standard_gb = d->total_now.std_gb;
	out->archive_gb = d->total_now.arc_gb;
	out->avg_saving = d->avg_saving;
	out->horizon_months = d->h.months;
	out->restores = out->restore_cost = NAN;
	out->moved_points = d->risk.points;
	if (d->risk.assessed) {
		out->restores = d->risk.expected;
		out->restore_cost = d->risk.cost;
	}
	out->has_previous = d->prev != NULL;
	out->restore_ages = d->model.present;
	out->previous_total = rep_stats_total(&d->total_prev);
	memcpy(out->causes, d->causes_total.by, sizeof(out->causes));
	out->billed = d->bill.n ? d->bill.billed : 0;
	snprintf(out->bill_month, sizeof(out->bill_month), "%s",
		 d->bill.n ? d->bill.month : "");
	out->caveats = xcalloc(d->ncaveats + 1, sizeof(char *));
	for (size_t i = 0; i < d->ncaveats; i++)
		out->caveats[i] = xstrdup(d->caveats[i]);
	out->ncaveats = d->ncaveats;
}

int report_run(struct snapshot *s, const struct report_options *o,
	       const char *out_dir, struct report_summary *out,
	       struct err *e)
{
	struct report_data d;
	struct report_ctx c;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!o->plan_dir)
		return err_set(e, EXIT_USAGE, "a plan directory is required");
	if (check_plan_dir(o->plan_dir, e))
		return -1;
	ctx_init(&c, &d, s, o);
	if (gather(&c, e) == 0 && write_all(&d, out_dir, out, e) == 0) {
		fill_summary(out, &d);
		rc = 0;
	}
	report_data_release(&d);
	ctx_release(&c);
	return rc;
}

void report_summary_release(struct report_summary *sum)
{
	for (size_t i = 0; i < sum->ncaveats; i++)
		free(sum->caveats[i]);
	free(sum->caveats);
	sum->caveats = NULL;
	sum->ncaveats = 0;
}

void report_summary_print(FILE *out, const struct report_summary *sum,
			  const char *out_dir)
{
	const char *cur = sum->currency;

	fprintf(out,
		"backup cost now: %.2f %s/month Standard (%.1f GiB) + %.2f "
		"%s/month Archive (%.1f GiB) + %.2f %s/month "
		"protected-instance fees = %.2f %s/month at the sheet's "
		"prices\n",
		sum->standard_cost, cur, sum->standard_gb, sum->archive_cost,
		cur, sum->archive_gb, sum->pi_cost, cur,
		sum->standard_cost + sum->archive_cost + sum->pi_cost, cur);
	if (sum->bill_month[0])
		fprintf(out, "backup cost billed: %.2f %s in %s (the report's "
			     "cost now)\n",
			sum->billed, cur, sum->bill_month);
	if (isfinite(sum->avg_saving))
		fprintf(out,
			"the plan %s %.2f %s/month of storage on average over "
			"%d months against doing nothing\n",
			sum->avg_saving >= 0 ? "saves" : "costs",
			fabs(sum->avg_saving), cur, sum->horizon_months);
	if (isfinite(sum->restores))
		fprintf(out,
			"restore risk taken: %.2f restores expected over the "
			"remaining lives of the %ld points the plan moves to "
			"Archive; those from Archive are expected to cost "
			"%.2f %s (plan.csv)\n",
			sum->restores, sum->moved_points, sum->restore_cost,
			cur);
	else
		fprintf(out, "restore risk taken: not assessed (the plan was "
			     "made without a restore model: run 'vaultwise "
			     "fit', then 'vaultwise plan --model')\n");
	if (sum->has_previous) {
		double now = sum->standard_cost + sum->archive_cost +
			     sum->pi_cost;
		fprintf(out,
			"month over month: %.2f %s/month, %+.2f %s/month "
			"against the previous snapshot: new items %+.2f, "
			"removed items %+.2f, growth %+.2f, tier moves %+.2f, "
			"prices %+.2f (changes.csv)\n",
			now, cur, now - sum->previous_total, cur,
			sum->causes[CAUSE_NEW_ITEMS],
			sum->causes[CAUSE_REMOVED_ITEMS],
			sum->causes[CAUSE_GROWTH],
			sum->causes[CAUSE_TIER_MOVES],
			sum->causes[CAUSE_PRICES]);
	}
	fprintf(out,
		"wrote %s/report.html, focus.csv (%ld rows charged), "
		"forecast.csv (%ld rows projected), vaults.csv, "
		"policies.csv%s%s\n",
		out_dir, sum->focus_rows, sum->forecast_rows,
		sum->restore_ages ? ", restore_by_age.csv" : "",
		sum->has_previous ? ", changes.csv" : "");
}
