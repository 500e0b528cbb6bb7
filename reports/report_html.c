/* SPDX-License-Identifier: MIT
 * report_html.c: report.html (report_html.h): the page, its style sheet,
 * the headline figures, the strategies chart and the cost by vault and by
 * policy. The checks sections are in report_html_checks.c. */
#include "report_html.h"

#include <math.h>
#include <stdarg.h>

#include "fileio.h"
#include "report_html_internal.h"
#include "timeutil.h"
#include "version.h"

static const char style_sheet[] =
	":root{--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--bad:#a0001c}\n"
	"*{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0 auto;max-width:72rem;padding:1rem;color:var(--fg);"
	"background:#fff;font:16px/1.5 system-ui,-apple-system,'Segoe UI',"
	"Roboto,'Helvetica Neue',Arial,sans-serif}\n"
	"h1{font-size:1.6rem;margin:.5rem 0 .25rem;line-height:1.25}\n"
	"h2{font-size:1.3rem;margin:2rem 0 .5rem;padding-top:.75rem;"
	"border-top:2px solid var(--line);line-height:1.3}\n"
	"h3{font-size:1.05rem;margin:1.25rem 0 .25rem}\n"
	"p,.cards,.caveats{margin:.5rem 0;max-width:56rem}\n"
	".sub,.source,figcaption,.note{color:var(--muted)}\n"
	".source{font-size:.8rem}\n"
	".cards{display:grid;grid-template-columns:"
	"repeat(auto-fit,minmax(15rem,1fr));gap:.75rem;margin:.75rem 0}\n"
	".card{border:1px solid var(--line);border-radius:.5rem;"
	"padding:.75rem}\n"
	".card .label{font-size:.9rem;color:var(--muted)}\n"
	".card .value{font-size:1.4rem;font-weight:650;"
	"font-variant-numeric:tabular-nums;line-height:1.3}\n"
	".card .detail{font-size:.85rem}\n"
	".caveats{border-left:4px solid #E69F00;background:#fff8e6;"
	"padding:.5rem .75rem;margin:1rem 0}\n"
	".caveats ul{margin:.25rem 0;padding-left:1.25rem}\n"
	"figure{margin:1rem 0}\n"
	"svg.chart{display:block;width:100%;max-width:40rem;height:auto}\n"
	".legend{list-style:none;padding:0;margin:.5rem 0;display:flex;"
	"flex-wrap:wrap;gap:.25rem 1.25rem;font-size:.9rem}\n"
	".legend svg{vertical-align:middle;margin-right:.35rem}\n"
	".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	"margin:.5rem 0}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem;"
	"font-variant-numeric:tabular-nums}\n"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);"
	"text-align:left;vertical-align:top}\n"
	"th{font-weight:600;background:#f3f3f3}\n"
	"td.n,th.n{text-align:right}td.n{white-space:nowrap}\n"
	"td.name{white-space:nowrap}\n"
	"th .unit{font-weight:400;color:var(--muted)}\n"
	"table.text{table-layout:fixed;min-width:46rem}\n"
	"table.text td{overflow-wrap:anywhere}\n"
	"tr.total td{font-weight:600;border-top:2px solid #888}\n"
	".sev-high{color:var(--bad);font-weight:650}\n"
	"code{font-size:.85em;overflow-wrap:anywhere}\n"
	"footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}\n"
	"@media (max-width:40rem){body{padding:.75rem;font-size:15px}"
	".card .value{font-size:1.25rem}th,td{padding:.25rem .35rem}}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}"
	"h2{break-after:avoid}.card,figure,tr{break-inside:avoid}"
	".scroll{overflow:visible}th{background:none}"
	"table{font-size:8pt}th,td{padding:.15rem .25rem}"
	"td.n,th.n,td.name{white-space:normal}table.text{min-width:0}"
	".caveats{background:none}svg.chart{max-width:16cm}}\n"
	"@page{margin:15mm}\n";

/* ---- shared helpers (report_html_internal.h) ---- */

void page_section(struct strbuf *o, const char *id, const char *title)
{
	strbuf_addf(o, "<section id=\"%s\">\n<h2>", id);
	html_escape(o, title);
	strbuf_adds(o, "</h2>\n");
}

void page_source(struct strbuf *o, const char *fmt, ...)
{
	va_list ap;

	strbuf_adds(o, "<p class=\"source\">");
	va_start(ap, fmt);
	strbuf_vaddf(o, fmt, ap);
	va_end(ap);
	strbuf_adds(o, "</p>\n");
}

void page_money(struct strbuf *o, const struct report_data *d, double v)
{
	html_number(o, v, 2);
	strbuf_addch(o, ' ');
	html_escape(o, d->currency);
	strbuf_adds(o, "/month");
}

void page_legend_item(struct strbuf *o, int style, bool line,
		      const char *label)
{
	strbuf_adds(o, "<li>");
	svg_swatch(o, style, line);
	html_escape(o, label);
	strbuf_adds(o, "</li>");
}

void page_bar_figure(struct strbuf *o, const struct svg_bar_chart *c,
		     const int *styles, const char *const *labels, size_t n)
{
	strbuf_adds(o, "<figure>\n");
	svg_bar_chart(o, c);
	if (n) {
		strbuf_adds(o, "<figcaption><ul class=\"legend\">");
		for (size_t i = 0; i < n; i++)
			page_legend_item(o, styles[i], false, labels[i]);
		strbuf_adds(o, "</ul></figcaption>\n");
	}
	strbuf_adds(o, "</figure>\n");
}

void page_code(struct strbuf *o, const char *s)
{
	strbuf_adds(o, "<code>");
	html_escape(o, s);
	strbuf_adds(o, "</code>");
}

void page_path(struct strbuf *o, const char *path)
{
	const char *p = path ? path : "";
	const char *last = strrchr(p, '/');
	const char *start = p;

	/* "out/2026-11/plan" reads better than an absolute path */
	if (last && last != p) {
		const char *q = last - 1;
		while (q > p && *q != '/')
			q--;
		start = *q == '/' ? q + 1 : q;
	}
	page_code(o, start);
}

/* ---- header and headline ---- */

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static void human_date(struct strbuf *o, int64_t t)
{
	struct civil c;

	time_to_civil(t, &c);
	strbuf_addf(o, "%d %s %d", c.day, month_names[(c.month + 11) % 12],
		    c.year);
}

static void page_head(struct strbuf *o, const struct report_data *d)
{
	struct civil c;

	time_to_civil(d->as_of, &c);
	strbuf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		       "<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, "
		       "initial-scale=1\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" "
		       "content=\"default-src 'none'; style-src "
		       "'unsafe-inline'; img-src data:\">\n"
		       "<meta name=\"generator\" content=\"vaultwise "
		       VAULTWISE_VERSION "\">\n<title>");
	strbuf_addf(o, "Azure Backup cost report, %s %d",
		    month_names[(c.month + 11) % 12], c.year);
	strbuf_addf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		    style_sheet);
	strbuf_addf(o, "<header>\n<h1>Azure Backup cost report, %s %d</h1>\n",
		    month_names[(c.month + 11) % 12], c.year);
	strbuf_adds(o, "<p class=\"sub\">The backup estate as of ");
	human_date(o, d->as_of);
	strbuf_addf(o, " (UTC): %zu vaults, %ld protected items, ",
		    d->s->nvaults, d->total_now.items);
	html_number(o, (double)d->total_now.points, 0);
	strbuf_adds(o, " recovery points. Money in ");
	html_escape(o, d->currency);
	strbuf_addf(o, " per month at list prices; projections over %d "
		       "months.</p>\n</header>\n<main>\n",
		    d->h.months);
}

static void card(struct strbuf *o, const char *label, const char *value,
		 const char *detail)
{
	strbuf_adds(o, "<div class=\"card\"><div class=\"label\">");
	html_escape(o, label);
	strbuf_adds(o, "</div><div class=\"value\">");
	strbuf_adds(o, value);
	strbuf_adds(o, "</div><div class=\"detail\">");
	strbuf_adds(o, detail);
	strbuf_adds(o, "</div></div>\n");
}

static char *money_text(const struct report_data *d, double v)
{
	struct strbuf sb = STRBUF_INIT;

	page_money(&sb, d, v);
	return strbuf_detach(&sb);
}

static void storage_cards(struct strbuf *o, const struct report_data *d)
{
	const struct rep_stats *t = &d->total_now;
	struct strbuf detail = STRBUF_INIT;
	char *v;

	v = money_text(d, t->std_cost);
	html_number(&detail, t->std_gb, 1);
	strbuf_adds(&detail, " GiB in the vault-standard tier");
	card(o, "Standard storage now", v, detail.buf);
	free(v);
	strbuf_reset(&detail);
	v = money_text(d, t->arc_cost);
	html_number(&detail, t->arc_gb, 1);
	strbuf_adds(&detail, " GiB in the vault-archive tier");
	card(o, "Archive storage now", v, detail.buf);
	free(v);
	strbuf_reset(&detail);
	v = money_text(d, t->pi_cost);
	strbuf_addf(&detail, "%ld protected items (a fee per instance, by "
			     "size)",
		    t->items);
	card(o, "Protected-instance fees", v, detail.buf);
	free(v);
	strbuf_reset(&detail);
	v = money_text(d, rep_stats_total(t));
	if (d->prev) {
		char delta[64];
		strbuf_addf(&detail, "%s ",
			    fmt_delta(delta, sizeof(delta),
				      rep_stats_total(t) -
					      rep_stats_total(&d->total_prev),
				      2));
		html_escape(&detail, d->currency);
		strbuf_adds(&detail, "/month against the snapshot of ");
		human_date(&detail, d->prev_as_of);
	} else {
		strbuf_adds(&detail, "storage and fees together");
	}
	card(o, "Total backup cost now", v, detail.buf);
	free(v);
	strbuf_release(&detail);
}

static void saving_card(struct strbuf *o, const struct report_data *d)
{
	struct strbuf detail = STRBUF_INIT;
	char *v;

	if (isnan(d->avg_saving)) {
		card(o, "Recommended saving", "not shown",
		     "strategies.csv lacks the plan or do_nothing line");
		return;
	}
	v = money_text(d, d->avg_saving);
	if (d->avg_saving >= 0)
		strbuf_addf(&detail, "on average over %d months: the plan "
				     "against doing nothing. ",
			    d->h.months);
	else
		strbuf_addf(&detail, "on average over %d months the plan's "
				     "storage costs more than the current "
				     "settings: it keeps in Standard points "
				     "whose restores from Archive would cost "
				     "more than the storage saved. ",
			    d->h.months);
	strbuf_addf(&detail, "It moves %ld points to Archive now and %ld "
			     "later; storage then costs ",
		    d->move_now, d->move_on);
	page_money(&detail, d, d->storage_after);
	strbuf_adds(&detail, ".");
	card(o, "Recommended saving", v, detail.buf);
	free(v);
	strbuf_release(&detail);
}

static void risk_card(struct strbuf *o, const struct report_data *d)
{
	const struct rep_risk *r = &d->risk;
	struct strbuf value = STRBUF_INIT, detail = STRBUF_INIT;

	if (!r->assessed) {
		card(o, "Restore risk taken",
		     r->points ? "not assessed" : "none",
		     r->points ? "The plan was made without a restore model: "
				 "run <code>vaultwise fit</code>, then "
				 "<code>vaultwise plan --model</code>, to see "
				 "how often the points it moves to Archive "
				 "are likely to be needed back."
			       : "The plan moves no recovery point to "
				 "Archive.");
		return;
	}
	html_number(&value, r->expected, 2);
	strbuf_adds(&value, " restores");
	strbuf_adds(&detail, "expected over the remaining lives of the ");
	html_number(&detail, (double)r->points, 0);
	strbuf_adds(&detail, " points the plan moves to Archive. Those after "
			     "the move wait for a rehydration (up to 15 h) "
			     "and are expected to cost ");
	html_number(&detail, r->cost, 2);
	strbuf_addch(&detail, ' ');
	html_escape(&detail, d->currency);
	strbuf_adds(&detail, " in all, which the saving already counts.");
	card(o, "Restore risk taken", value.buf, detail.buf);
	strbuf_release(&value);
	strbuf_release(&detail);
}

static void caveats(struct strbuf *o, const struct report_data *d)
{
	if (!d->ncaveats)
		return;
	strbuf_adds(o, "<div class=\"caveats\"><strong>Read with care:"
		       "</strong><ul>\n");
	for (size_t i = 0; i < d->ncaveats; i++) {
		strbuf_adds(o, "<li>");
		html_escape(o, d->caveats[i]);
		strbuf_adds(o, "</li>\n");
	}
	strbuf_adds(o, "</ul></div>\n");
}

static void headline(struct strbuf *o, const struct report_data *d)
{
	page_section(o, "headline", "At a glance");
	strbuf_adds(o, "<div class=\"cards\">\n");
	storage_cards(o, d);
	saving_card(o, d);
	risk_card(o, d);
	strbuf_adds(o, "</div>\n");
	page_source(o, "Storage, fees, items and restores: "
		       "<code>vaults.csv</code>, row <em>total</em> "
		       "(standard_cost, archive_cost, pi_cost, total_cost, "
		       "restores_expected, restore_cost_expected; moves and "
		       "storage after the plan from <code>plan/summary.csv"
		       "</code>). Restores: the sums of <em>expected_restores"
		       "</em> and <em>expected_restore_cost</em> over the "
		       "move_now and move_on rows of <code>plan/plan.csv"
		       "</code>. Saving: the mean over the months of "
		       "<code>plan/strategies.csv</code> of <em>cost</em> on "
		       "the do_nothing rows minus the plan rows.");
	caveats(o, d);
	strbuf_adds(o, "</section>\n");
}

/* ---- strategies ---- */

static const struct {
	const char *name, *label, *what;
} strategy_text[] = {
	{ "do_nothing", "Do nothing",
	  "every policy keeps its current tiering setting" },
	{ "tier_after_3m", "Azure: tier after 3 months",
	  "every eligible point moves at 3 months of age (TierAfter)" },
	{ "tier_recommended", "Azure: tier recommended",
	  "Azure's TierRecommended setting, approximated" },
	{ "move_all_eligible", "Move all eligible",
	  "every point moves as soon as Azure allows" },
	{ "plan", "This plan",
	  "each point moves once it has gone its break-even time "
	  "without a restore (the ski-rental rule; plan.csv)" },
};

/* The plan's own rule: with a restore model (plan.csv has expected
 * restores), or the ski-rental rule without one. */
static const char *const plan_with_model =
	"each point moves at the age when what Archive saves outweighs the "
	"cost of the restores the model expects from it (plan.csv)";

static const char *strategy_label(const struct report_data *d,
				  const char *name, const char **what)
{
	for (size_t i = 0; i < ARRAY_SIZE(strategy_text); i++)
		if (strcmp(strategy_text[i].name, name) == 0) {
			*what = strategy_text[i].what;
			if (strcmp(name, "plan") == 0 && d->risk.assessed)
				*what = plan_with_model;
			return strategy_text[i].label;
		}
	*what = "";
	return name;
}

static double series_sum(const struct rep_series *s)
{
	double sum = 0;

	for (size_t m = 0; m < s->n; m++)
		sum += s->cost[m];
	return sum;
}

static void strategy_chart(struct strbuf *o, const struct report_data *d,
			   const struct rep_series *first)
{
	struct svg_series *ser = xcalloc(d->nseries, sizeof(*ser));
	struct svg_tick ticks[16];
	double *x = xcalloc(first->n, sizeof(double));
	size_t nt = 0, step = first->n > 24 ? 6 : first->n > 12 ? 3 : 1;
	char ytitle[64];
	struct svg_line_chart c;

	for (size_t m = 0; m < first->n; m++) {
		x[m] = (double)m;
		if (m % step == 0 && nt < ARRAY_SIZE(ticks))
			ticks[nt++] = (struct svg_tick){ (double)m,
							 first->month[m] };
	}
	for (size_t k = 0; k < d->nseries; k++) {
		const char *what;
		ser[k] = (struct svg_series){
			strategy_label(d, d->series[k].name, &what), SVG_LINE,
			x, d->series[k].cost, NULL, NULL,
			d->series[k].n < first->n ? d->series[k].n : first->n,
			(int)k
		};
	}
	snprintf(ytitle, sizeof(ytitle), "%s per month (storage)",
		 d->currency);
	c = (struct svg_line_chart){
		"strategies", "Projected monthly storage cost by strategy",
		"One line per strategy: the projected cost of vault storage "
		"each month; lower is cheaper.",
		{ "month", 0, (double)(first->n ? first->n - 1 : 1), false,
		  ticks, nt, 0, false },
		{ ytitle, NAN, NAN, false, NULL, 0, 0, true },
		ser, d->nseries
	};
	strbuf_adds(o, "<figure>\n");
	svg_line_chart(o, &c);
	strbuf_adds(o, "<figcaption><ul class=\"legend\">");
	for (size_t k = 0; k < d->nseries; k++)
		page_legend_item(o, (int)k, true, ser[k].name);
	strbuf_adds(o, "</ul></figcaption>\n</figure>\n");
	free(ser);
	free(x);
}

static void strategy_table(struct strbuf *o, const struct report_data *d)
{
	const struct rep_series *none = report_series(d, "do_nothing");
	double base = none && none->n ? series_sum(none) / (double)none->n
				      : NAN;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n<thead><tr>"
		       "<th>Strategy</th><th>What it does</th>");
	strbuf_addf(o, "<th class=\"n\">Mean<br><span class=\"unit\">"
		       "%s/month</span></th><th class=\"n\">Total over %d "
		       "months<br><span class=\"unit\">%s</span></th>"
		       "<th class=\"n\">Against doing nothing<br><span "
		       "class=\"unit\">%s/month</span></th></tr></thead>\n"
		       "<tbody>\n",
		    d->currency, d->h.months, d->currency, d->currency);
	for (size_t k = 0; k < d->nseries; k++) {
		const struct rep_series *s = &d->series[k];
		const char *what, *label = strategy_label(d, s->name, &what);
		double mean = s->n ? series_sum(s) / (double)s->n : NAN;
		char delta[64];
		strbuf_adds(o, "<tr><td>");
		svg_swatch(o, (int)k, true);
		strbuf_addch(o, ' ');
		html_escape(o, label);
		strbuf_adds(o, "</td><td>");
		html_escape(o, what);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, mean, 2);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, series_sum(s), 2);
		strbuf_addf(o, "</td><td class=\"n\">%s</td></tr>\n",
			    fmt_delta(delta, sizeof(delta), mean - base, 2));
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

static void strategies(struct strbuf *o, const struct report_data *d)
{
	const struct rep_series *first = d->nseries ? &d->series[0] : NULL;
	const struct rep_series *plan = report_series(d, "plan");

	page_section(o, "strategies", "Projected monthly cost by strategy");
	if (!first || !first->n) {
		strbuf_adds(o, "<p>strategies.csv has no rows.</p>\n"
			       "</section>\n");
		return;
	}
	strbuf_adds(o, "<p>What vault storage would cost each month under "
		       "each way of tiering, new recovery points included. "
		       "Protected-instance fees are the same under every "
		       "strategy");
	if (plan && plan->n && isfinite(plan->pi[0])) {
		strbuf_adds(o, " (");
		page_money(o, d, plan->pi[0]);
		strbuf_adds(o, ")");
	}
	strbuf_adds(o, " and are left out. When the plan used a restore "
		       "model, each line includes the expected cost of "
		       "restores from Archive (rehydration and the Standard "
		       "copy while restored), which is why the plan does not "
		       "simply move everything Azure allows.</p>\n");
	strategy_chart(o, d, first);
	strategy_table(o, d);
	page_source(o, "From <code>plan/strategies.csv</code>: column "
		       "<em>cost</em>, one row per strategy and month; the "
		       "table's means and totals are over those rows.");
	strbuf_adds(o, "</section>\n");
}

/* ---- cost by vault and by policy ---- */

static int cmp_total_desc(const void *a, const void *b)
{
	const struct rep_group *const *x = a, *const *y = b;
	double tx = rep_stats_total(&(*x)->now);
	double ty = rep_stats_total(&(*y)->now);

	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp((*x)->name, (*y)->name);
}

/* The groups present now, most expensive first. */
static const struct rep_group **ranked(const struct rep_group *g, size_t n,
				       size_t *count)
{
	const struct rep_group **r = xcalloc(n + 1, sizeof(*r));

	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (g[i].presence != REP_REMOVED)
			r[(*count)++] = &g[i];
	qsort(r, *count, sizeof(*r), cmp_total_desc);
	return r;
}

struct group_view {
	const char *id, *what, *file;  /* "vaults", "vault", "vaults.csv" */
	bool policies;
};

static void add_group(struct rep_group *sum, const struct rep_group *g)
{
	sum->now.items += g->now.items;
	sum->now.points += g->now.points;
	sum->now.std_gb += g->now.std_gb;
	sum->now.arc_gb += g->now.arc_gb;
	sum->now.std_cost += g->now.std_cost;
	sum->now.arc_cost += g->now.arc_cost;
	sum->now.pi_cost += g->now.pi_cost;
	if (g->planned) {
		sum->planned = true;
		sum->storage_after += g->storage_after;
		sum->saving_total += g->saving_total;
		sum->move_now += g->move_now;
		sum->move_on += g->move_on;
	}
}

static void group_chart(struct strbuf *o, const struct report_data *d,
			const struct group_view *gv,
			const struct rep_group *const *rows, size_t n)
{
	static const char *const parts[] = { "Standard storage",
					     "Archive storage",
					     "Protected-instance fees" };
	static const int styles[] = { 0, 5, 4 };
	struct svg_bar *bars = xcalloc(n + 1, sizeof(*bars));
	char (*values)[48] = xcalloc(n + 1, sizeof(*values));
	char title[96], xtitle[64], id[32];
	struct svg_bar_chart c;

	for (size_t i = 0; i < n; i++) {
		char num[40];
		fmt_number(num, sizeof(num), rep_stats_total(&rows[i]->now),
			   2);
		snprintf(values[i], sizeof(values[i]), "%s %s", num,
			 d->currency);
		bars[i] = (struct svg_bar){ rows[i]->name,
					    gv->policies ? rows[i]->vault_name
							 : NULL,
					    values[i],
					    { rows[i]->now.std_cost,
					      rows[i]->now.arc_cost,
					      rows[i]->now.pi_cost, 0 } };
	}
	snprintf(title, sizeof(title), "Backup cost by %s now", gv->what);
	snprintf(xtitle, sizeof(xtitle), "%s per month", d->currency);
	snprintf(id, sizeof(id), "by-%s", gv->what);
	c = (struct svg_bar_chart){
		id, title,
		"One bar per row of the table below: Standard storage, "
		"Archive storage and protected-instance fees per month.",
		parts, styles, 3, bars, n,
		{ xtitle, NAN, NAN, false, NULL, 0, 0, true }
	};
	page_bar_figure(o, &c, styles, parts, 3);
	free(bars);
	free(values);
}

static void group_row(struct strbuf *o, const struct group_view *gv,
		      const struct rep_group *g, const char *cls)
{
	char a[48], b[48];

	strbuf_addf(o, "<tr%s><td class=\"name\">", cls);
	html_escape(o, g->name);
	if (gv->policies) {
		strbuf_adds(o, "</td><td class=\"name\">");
		html_escape(o, g->vault_name ? g->vault_name : "");
	}
	strbuf_addf(o, "</td><td class=\"n\">%ld</td><td class=\"n\">%s</td>"
		       "<td class=\"n\">%s</td><td class=\"n\">",
		    g->now.items, fmt_number(a, sizeof(a), g->now.std_gb, 1),
		    fmt_number(b, sizeof(b), g->now.arc_gb, 1));
	html_number(o, rep_stats_total(&g->now), 2);
	strbuf_adds(o, "</td><td class=\"n\">");
	if (g->planned) {
		html_number(o, g->storage_after + g->now.pi_cost, 2);
		strbuf_addf(o, "</td><td class=\"n\">%ld / %ld</td>"
			       "<td class=\"n\">",
			    g->move_now, g->move_on);
		html_number(o, g->saving_total, 2);
	} else {
		strbuf_adds(o, "-</td><td class=\"n\">-</td><td class=\"n\">"
			       "-");
	}
	strbuf_adds(o, "</td></tr>\n");
}

static void group_table(struct strbuf *o, const struct report_data *d,
			const struct group_view *gv,
			const struct rep_group *const *rows, size_t n,
			const struct rep_group *rest,
			const struct rep_group *total)
{
	const char *cur = d->currency;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n<thead><tr><th>");
	strbuf_adds(o, gv->policies ? "Policy</th><th>Vault" : "Vault");
	strbuf_addf(o, "</th><th class=\"n\">Items</th>"
		       "<th class=\"n\">Standard<br><span class=\"unit\">GiB"
		       "</span></th><th class=\"n\">Archive<br><span "
		       "class=\"unit\">GiB</span></th><th class=\"n\">Now<br>"
		       "<span class=\"unit\">%s/month</span></th><th "
		       "class=\"n\">After the plan<br><span class=\"unit\">"
		       "%s/month</span></th><th class=\"n\">Moves<br><span "
		       "class=\"unit\">now / later</span></th><th class=\"n\">"
		       "Saving<br><span class=\"unit\">%s over the points' "
		       "lives</span></th></tr></thead>\n<tbody>\n",
		    cur, cur, cur);
	for (size_t i = 0; i < n; i++)
		group_row(o, gv, rows[i], "");
	if (rest)
		group_row(o, gv, rest, "");
	group_row(o, gv, total, " class=\"total\"");
	strbuf_adds(o, "</tbody></table></div>\n");
}

static void groups(struct strbuf *o, const struct report_data *d,
		   const struct group_view *gv, const struct rep_group *g,
		   size_t ng, const char *title)
{
	size_t n, shown;
	const struct rep_group **rows = ranked(g, ng, &n);
	struct rep_group rest, total;
	char rest_name[64];

	memset(&rest, 0, sizeof(rest));
	memset(&total, 0, sizeof(total));
	shown = n > (size_t)d->top_n ? (size_t)d->top_n - 1 : n;
	snprintf(rest_name, sizeof(rest_name), "%zu other %s", n - shown,
		 gv->id);
	rest.name = rest_name;
	rest.vault_name = "";
	total.name = gv->policies ? "All policies" : "All vaults";
	total.vault_name = "";
	for (size_t i = shown; i < n; i++)
		add_group(&rest, rows[i]);
	/* the total row is vaults.csv's and policies.csv's total row */
	total.now = d->total_now;
	total.planned = true;
	total.storage_after = d->storage_after;
	total.saving_total = d->saving_total;
	total.move_now = d->move_now;
	total.move_on = d->move_on;
	page_section(o, gv->id, title);
	if (shown < n) {
		rows[shown] = &rest;
		group_chart(o, d, gv, rows, shown + 1);
	} else {
		group_chart(o, d, gv, rows, n);
	}
	group_table(o, d, gv, rows, shown, shown < n ? &rest : NULL, &total);
	page_source(o, "From <code>%s</code>: one row per %s (total_cost = "
		       "standard_cost + archive_cost + pi_cost; after the "
		       "plan = storage_after_plan + pi_cost; moves = move_now "
		       "/ move_on; saving = saving_total); the &ldquo;other"
		       "&rdquo; row sums the rest. Its figures are "
		       "<code>plan/summary.csv</code>'s, split by tier with "
		       "the price sheet.",
		    gv->file, gv->what);
	strbuf_adds(o, "</section>\n");
	free(rows);
}

/* ---- sources ---- */

static void sources(struct strbuf *o, const struct report_data *d)
{
	char when[TIME_ISO_LEN];

	page_section(o, "sources", "About these figures");
	strbuf_adds(o, "<ul>\n<li>Snapshot: ");
	page_path(o, d->snapshot_dir);
	time_format_iso(d->as_of, when);
	strbuf_addf(o, ", evaluated as of %s.</li>\n<li>Plan: ", when);
	page_path(o, d->plan_dir);
	strbuf_adds(o, "; price sheet ");
	page_path(o, d->prices.path);
	strbuf_adds(o, " (list prices; the regions and their quality are in "
		       "<code>focus.csv</code>'s x_PriceRegion and "
		       "x_PriceQuality).</li>\n");
	if (d->prev) {
		strbuf_adds(o, "<li>Previous snapshot: ");
		page_path(o, d->prev_dir);
		time_format_iso(d->prev_as_of, when);
		strbuf_addf(o, ", as of %s, priced with the same sheet.</li>\n",
			    when);
	}
	strbuf_adds(o, "<li><code>focus.csv</code>: the plan's projected "
		       "cost per vault, meter and month in FOCUS 1.2 columns. "
		       "These are projections, not charges: BilledCost is 0 "
		       "and the projected cost is in ListCost, EffectiveCost "
		       "and x_ProjectedMonthlyCost. The per-vault months are "
		       "the plan's own, from <code>plan/vault_months.csv"
		       "</code>, one row each: its standard_gb and archive_gb "
		       "at its prices make the storage rows, its restore_cost "
		       "and expected_restores the restore rows (x_Meter "
		       "archive_restores), so that they add up to "
		       "<code>plan/strategies.csv</code>'s plan line; the "
		       "report projects nothing itself.</li>\n"
		       "<li>GiB are binary gigabytes (2<sup>30</sup> bytes), "
		       "as Azure's &ldquo;GB&rdquo; storage meters count them. "
		       "Monthly figures are per calendar month; focus.csv's "
		       "GB-Months are GiB kept for a mean month of 30.44 days, "
		       "as the plan prices storage.</li>\n</ul>\n"
		       "</section>\n");
}

static void page_foot(struct strbuf *o, const struct report_data *d)
{
	(void)d;
	strbuf_adds(o, "</main>\n<footer>Made by vaultwise " VAULTWISE_VERSION
		       ". This page runs no script and loads nothing from the "
		       "network.</footer>\n</body>\n</html>\n");
}

int report_html_write(const struct report_data *d, const char *path,
		      struct err *e)
{
	static const struct group_view vaults = { "vaults", "vault",
						  "vaults.csv", false };
	static const struct group_view policies = { "policies", "policy",
						    "policies.csv", true };
	struct strbuf o = STRBUF_INIT;
	int rc;

	page_head(&o, d);
	headline(&o, d);
	strategies(&o, d);
	groups(&o, d, &vaults, d->vaults, d->nvaults, "Cost by vault");
	groups(&o, d, &policies, d->policies, d->npolicies,
	       "Cost by policy");
	page_levers(&o, d);
	page_changes(&o, d);
	page_restore_model(&o, d);
	page_rpo(&o, d);
	page_posture(&o, d);
	sources(&o, d);
	page_foot(&o, d);
	rc = afile_write_string(path, o.buf, e);
	strbuf_release(&o);
	return rc;
}
