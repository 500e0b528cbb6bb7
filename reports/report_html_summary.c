/* SPDX-License-Identifier: MIT
 * report_html_summary.c: the top of report.html, for a finance reader:
 * three headline figures (what backup costs, what the plan saves and from
 * when, what it risks), what the cost is made of, the caveats in one
 * note, and what each way of tiering would save. */
#include <math.h>

#include "reports/report_html_internal.h"

/* ---- headline ---- */

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

/* A headline amount: "12,057.72 EUR", then per (e.g. "a month") small. */
static void amount(struct strbuf *o, const struct report_data *d, double v,
		   const char *per)
{
	html_number(o, v, 2);
	strbuf_addch(o, ' ');
	html_escape(o, d->currency);
	if (per)
		strbuf_addf(o, " <span class=\"per\">%s</span>", per);
}

void page_change(struct strbuf *o, const struct report_data *d,
		 double then, double now)
{
	char pct[32];

	if (fabs(now - then) < 0.005) {
		strbuf_adds(o, "unchanged");
	} else {
		strbuf_adds(o, now > then ? "up " : "down ");
		page_money(o, d, fabs(now - then));
		if (then > 0)
			strbuf_addf(o, " (%s)",
				    fmt_percent(pct, sizeof(pct),
						fabs(now - then) / then, 1));
	}
}

static void cost_card(struct strbuf *o, const struct report_data *d)
{
	const struct rep_stats *t = &d->total_now;
	struct strbuf value = STRBUF_INIT, detail = STRBUF_INIT;

	amount(&value, d, report_cost_now(d), "a month");
	if (d->prev) {
		page_change(&detail, d, rep_stats_total(&d->total_prev),
			    rep_stats_total(t));
		strbuf_adds(&detail, " from the snapshot of ");
		page_date(&detail, d->prev_as_of);
		strbuf_adds(&detail, ". ");
	} else {
		strbuf_adds(&detail, "Against last month: pass <code>--previous"
				     "</code> with last month's snapshot. ");
	}
	strbuf_adds(&detail, "Storage ");
	page_money(&detail, d, t->std_cost + t->arc_cost);
	strbuf_adds(&detail, " and protected-instance fees ");
	page_money(&detail, d, t->pi_cost);
	strbuf_adds(&detail, ".");
	page_cost_now_basis(&detail, d);
	page_estimated_share(&detail, d);
	card(o, "Backup costs", value.buf, detail.buf);
	strbuf_release(&value);
	strbuf_release(&detail);
}

/* The first month in which the plan costs less than doing nothing. */
static const char *saving_from(const struct report_data *d, double *first)
{
	const struct rep_series *none = report_series(d, "do_nothing");
	const struct rep_series *plan = report_series(d, "plan");

	for (size_t m = 0; none && plan && m < plan->n && m < none->n; m++)
		if (none->cost[m] - plan->cost[m] >= 0.005) {
			*first = none->cost[m] - plan->cost[m];
			return plan->month[m];
		}
	return NULL;
}

static void saving_card(struct strbuf *o, const struct report_data *d)
{
	struct strbuf value = STRBUF_INIT, detail = STRBUF_INIT;
	const char *from;
	double first = 0;

	if (isnan(d->avg_saving)) {
		card(o, "The plan saves", "not shown",
		     "strategies.csv lacks the plan or do_nothing line");
		return;
	}
	amount(&value, d, fabs(d->avg_saving), "a month");
	if (d->avg_saving >= 0)
		strbuf_addf(&detail, "on average over the next %d months, "
				     "against leaving every policy as it "
				     "is",
			    d->h.months);
	else
		strbuf_addf(&detail, "more on average over the next %d "
				     "months than the current settings: it "
				     "keeps in Standard points whose restores "
				     "from Archive would cost more than the "
				     "storage saved",
			    d->h.months);
	from = saving_from(d, &first);
	if (from && d->avg_saving >= 0) {
		strbuf_adds(&detail, ", starting ");
		page_month_label(&detail, from);
		strbuf_adds(&detail, " (");
		amount(&detail, d, first, NULL);
		strbuf_adds(&detail, " that first month)");
	}
	strbuf_addf(&detail, ". It moves %ld recovery points to Archive now "
			     "and %ld later.",
		    d->move_now, d->move_on);
	card(o, d->avg_saving >= 0 ? "The plan saves" : "The plan costs",
	     value.buf, detail.buf);
	strbuf_release(&value);
	strbuf_release(&detail);
}

static void risk_card(struct strbuf *o, const struct report_data *d)
{
	const struct rep_risk *r = &d->risk;
	struct strbuf value = STRBUF_INIT, detail = STRBUF_INIT;

	if (!r->assessed) {
		card(o, "It risks", r->points ? "not assessed" : "nothing",
		     r->points ? "The plan was made without a restore model: "
				 "run <code>vaultwise fit</code>, then "
				 "<code>vaultwise plan --model</code>, to see "
				 "how often the points it moves to Archive "
				 "are likely to be needed back."
			       : "The plan moves no recovery point to "
				 "Archive.");
		return;
	}
	amount(&value, d, r->cost, "in all");
	strbuf_adds(&detail, "the expected cost of restores from Archive over "
			     "the remaining lives of the ");
	html_number(&detail, (double)r->points, 0);
	strbuf_adds(&detail, " points it moves (about ");
	html_number(&detail, r->expected, r->expected < 10 ? 1 : 0);
	strbuf_adds(&detail, " restores of them are expected). Each "
			     "restore from Archive waits up to 15 hours for "
			     "its data to be brought back (rehydration). The "
			     "saving already counts this cost.");
	card(o, "It risks", value.buf, detail.buf);
	strbuf_release(&value);
	strbuf_release(&detail);
}

/* ---- what the cost is made of ---- */

static void part_row(struct strbuf *o, const struct report_data *d,
		     const char *what, const char *size, double then,
		     double now, const char *flag)
{
	strbuf_adds(o, "<tr><td>");
	strbuf_adds(o, what);
	strbuf_adds(o, "</td><td class=\"n\">");
	strbuf_adds(o, size);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, now, 2);
	strbuf_adds(o, "</td>");
	if (d->prev) {
		char delta[48];
		strbuf_adds(o, "<td class=\"n\">");
		html_number(o, then, 2);
		strbuf_addf(o, "</td><td class=\"n\">%s",
			    fmt_delta(delta, sizeof(delta), now - then, 2));
		strbuf_adds(o, flag);
		strbuf_adds(o, "</td>");
	}
	strbuf_adds(o, "</tr>\n");
}

static void tier_row(struct strbuf *o, const struct report_data *d,
		     const char *what, double gb_then, double gb, double then,
		     double now)
{
	struct strbuf size = STRBUF_INIT, flag = STRBUF_INIT;

	html_number(&size, gb, 1);
	strbuf_adds(&size, " GiB");
	if (d->prev)
		page_flag(&flag, gb_then, gb, 100);
	part_row(o, d, what, size.buf, then, now, flag.buf);
	strbuf_release(&size);
	strbuf_release(&flag);
}

static void cost_parts(struct strbuf *o, const struct report_data *d)
{
	const struct rep_stats *t = &d->total_now, *p = &d->total_prev;
	char items[64];

	strbuf_adds(o, "<div class=\"scroll\"><table class=\"parts\">\n");
	page_basis_caption(o, rep_sizes_basis(t, d->prev ? p : NULL),
			   d->bill.n ? "the snapshot's sizes at the price "
				       "sheet's list prices; the bill's "
				       "figure is the headline's cost now"
				     : "the snapshot's sizes at the price "
				       "sheet's list prices");
	strbuf_addf(o, "<thead><tr><th>What backup costs</th><th class=\"n\">"
		       "Size</th><th class=\"n\">Now<br><span class=\"unit\">"
		       "%s/month</span></th>",
		    d->currency);
	if (d->prev) {
		strbuf_adds(o, "<th class=\"n\">On ");
		page_date(o, d->prev_as_of);
		strbuf_addf(o, "<br><span class=\"unit\">%s/month</span></th>"
			       "<th class=\"n\">Change<br><span class=\"unit\">"
			       "%s/month</span></th>",
			    d->currency, d->currency);
	}
	strbuf_adds(o, "</tr></thead>\n<tbody>\n");
	tier_row(o, d, "Standard storage (vault-standard tier)", p->std_gb,
		 t->std_gb, p->std_cost, t->std_cost);
	tier_row(o, d, "Archive storage (vault-archive tier)", p->arc_gb,
		 t->arc_gb, p->arc_cost, t->arc_cost);
	snprintf(items, sizeof(items), "%ld items", t->items);
	part_row(o, d, "Protected-instance fees (a monthly fee per backed-up "
		       "machine or database, by its size)",
		 items, p->pi_cost, t->pi_cost, "");
	strbuf_adds(o, "</tbody><tfoot>");
	part_row(o, d, "Total", "", rep_stats_total(p), rep_stats_total(t),
		 "");
	strbuf_adds(o, "</tfoot></table></div>\n");
}

/* ---- caveats: one note, the costliest first ---- */

/* The caveats' indexes, the most money first (stable: few caveats, so an
 * insertion sort). */
static size_t *caveat_order(const struct report_data *d)
{
	size_t *order = xcalloc(d->ncaveats, sizeof(*order));

	for (size_t i = 0; i < d->ncaveats; i++) {
		size_t k = i;
		while (k > 0 && d->caveat_money[order[k - 1]] <
					d->caveat_money[i]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	return order;
}

static void caveats(struct strbuf *o, const struct report_data *d)
{
	size_t *order;

	if (!d->ncaveats)
		return;
	order = caveat_order(d);
	strbuf_addf(o, "<details class=\"caveats\"><summary>%zu %s on the "
		       "prices and inputs: read before quoting a figure"
		       "</summary>\n<p>The note touching the most money comes "
		       "first.</p><ul>\n",
		    d->ncaveats, d->ncaveats == 1 ? "note" : "notes");
	for (size_t k = 0; k < d->ncaveats; k++) {
		size_t i = order[k];
		strbuf_adds(o, "<li>");
		html_escape(o, d->caveats[i]);
		if (d->caveat_money[i] > 0) {
			strbuf_adds(o, " <span class=\"note\">(touches ");
			page_money(o, d, d->caveat_money[i]);
			strbuf_adds(o, " of cost)</span>");
		}
		strbuf_adds(o, "</li>\n");
	}
	strbuf_adds(o, "</ul></details>\n");
	free(order);
}

void page_headline(struct strbuf *o, const struct report_data *d)
{
	page_section(o, "headline", "At a glance");
	strbuf_adds(o, "<div class=\"cards headline\">\n");
	cost_card(o, d);
	saving_card(o, d);
	risk_card(o, d);
	strbuf_adds(o, "</div>\n");
	cost_parts(o, d);
	page_source(o, "Cost now: <code>vaults.csv</code>, row <em>total</em> "
		       "(standard_cost, archive_cost, pi_cost, total_cost; "
		       "previous_total_cost). Saving: the mean over the "
		       "months of <code>plan/strategies.csv</code> of "
		       "<em>cost</em> on the do_nothing rows minus the plan "
		       "rows; moves from <code>plan/summary.csv</code>. Risk: "
		       "the sums of <em>expected_restores</em> and "
		       "<em>expected_restore_cost</em> over the move_now and "
		       "move_on rows of <code>plan/plan.csv</code>. The words "
		       "are explained at the end, under &ldquo;Words used in "
		       "this report&rdquo;.");
	caveats(o, d);
	strbuf_adds(o, "</section>\n");
}

/* ---- strategies ---- */

static const struct {
	const char *name, *label, *what;
} strategy_text[] = {
	{ "do_nothing", "Do nothing",
	  "every policy keeps its current tiering setting" },
	{ "tier_after_3m", "Azure 3-month rule",
	  "every eligible point moves at 3 months of age (TierAfter)" },
	{ "tier_recommended", "Azure recommended",
	  "Azure's TierRecommended setting, approximated" },
	{ "move_all_eligible", "Move all eligible",
	  "every point moves as soon as Azure allows" },
	{ "plan", "This plan",
	  "each point moves once it has gone its break-even time "
	  "without a restore (plan.csv)" },
};

/* The plan's own rule with a restore model (plan.csv has expected
 * restores). */
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

/* Bars of what each strategy saves over the horizon against doing
 * nothing: no two lines to tell apart. */
static void saving_chart(struct strbuf *o, const struct report_data *d,
			 const struct rep_series *none)
{
	static const char *const parts[] = { "saved" };
	static const int styles[] = { 2 };
	struct svg_bar *bars = xcalloc(d->nseries, sizeof(*bars));
	char (*values)[64] = xcalloc(d->nseries, sizeof(*values));
	char title[96], xtitle[64], num[40];
	size_t n = 0;

	for (size_t k = 0; k < d->nseries; k++) {
		const struct rep_series *s = &d->series[k];
		const char *what;
		double saved = series_sum(none) - series_sum(s);
		if (s == none)
			continue;
		fmt_number(num, sizeof(num), fabs(saved), 0);
		snprintf(values[n], sizeof(values[n]),
			 saved >= 0 ? "saves %s %s" : "costs %s %s more", num,
			 d->currency);
		bars[n] = (struct svg_bar){ strategy_label(d, s->name, &what),
					    NULL, values[n],
					    { saved > 0 ? saved : 0 } };
		n++;
	}
	snprintf(title, sizeof(title),
		 "What each strategy saves over %d months", d->h.months);
	snprintf(xtitle, sizeof(xtitle), "%s saved over %d months, "
		 "against doing nothing", d->currency, d->h.months);
	page_bar_figure(o, &(struct svg_bar_chart){
				   "strategy-savings", title,
				   "One bar per strategy: its storage cost "
				   "over the horizon subtracted from doing "
				   "nothing's; longer saves more.",
				   parts, styles, 1, bars, n,
				   { xtitle, NAN, NAN, false, NULL, 0, 0,
				     true } },
			NULL, NULL, 0);
	free(bars);
	free(values);
}

static bool has_february(const struct rep_series *s)
{
	for (size_t m = 0; m < s->n; m++)
		if (strcmp(s->month[m] + 4, "-02") == 0)
			return true;
	return false;
}

/* Doing nothing and the plan, month by month: the gap is the saving. */
static void gap_chart(struct strbuf *o, const struct report_data *d,
		      const struct rep_series *none,
		      const struct rep_series *plan)
{
	const struct rep_series *pair[2] = { none, plan };
	struct svg_series ser[2];
	struct svg_tick ticks[16];
	double *x = xcalloc(none->n, sizeof(double));
	size_t nt = 0, step = none->n > 24 ? 6 : none->n > 12 ? 3 : 1;
	char ytitle[64];

	for (size_t m = 0; m < none->n; m++) {
		x[m] = (double)m;
		if (m % step == 0 && nt < ARRAY_SIZE(ticks))
			ticks[nt++] = (struct svg_tick){ (double)m,
							 none->month[m] };
	}
	for (size_t k = 0; k < 2; k++) {
		const char *what;
		ser[k] = (struct svg_series){
			strategy_label(d, pair[k]->name, &what), SVG_LINE, x,
			pair[k]->cost, NULL, NULL,
			pair[k]->n < none->n ? pair[k]->n : none->n,
			(int)(pair[k] - d->series) % SVG_STYLES
		};
	}
	snprintf(ytitle, sizeof(ytitle), "%s per month (storage)",
		 d->currency);
	strbuf_adds(o, "<figure>\n");
	svg_line_chart(o, &(struct svg_line_chart){
				  "strategies",
				  "Monthly storage cost: doing nothing and "
				  "this plan",
				  "Two lines: the projected storage cost "
				  "each month with no change, and with the "
				  "plan; the gap between them is the saving.",
				  { "month (year-month)", 0,
				    (double)(none->n ? none->n - 1 : 1), false,
				    ticks, nt, 0, false },
				  { ytitle, NAN, NAN, false, NULL, 0, 0,
				    true },
				  ser, 2 });
	strbuf_adds(o, "<figcaption><ul class=\"legend\">");
	for (size_t k = 0; k < 2; k++)
		page_legend_item(o, ser[k].style, true, ser[k].name);
	strbuf_adds(o, "</ul>The gap between the lines is what the plan "
		       "saves each month.");
	if (has_february(none))
		strbuf_adds(o, " The dips each February are the calendar, "
			       "not an event: storage is charged by the day "
			       "and February is the shortest month.");
	strbuf_adds(o, "</figcaption>\n</figure>\n");
	free(x);
}

static void saving_cell(struct strbuf *o, double saved)
{
	strbuf_adds(o, "<td class=\"n\">");
	if (fabs(saved) < 0.005) {
		strbuf_adds(o, "-");
	} else if (saved > 0) {
		strbuf_adds(o, "saves ");
		html_number(o, saved, 2);
	} else {
		strbuf_adds(o, "costs ");
		html_number(o, -saved, 2);
		strbuf_adds(o, " more");
	}
	strbuf_adds(o, "</td>");
}

static void strategy_table(struct strbuf *o, const struct report_data *d,
			   const struct rep_series *none)
{
	double base = none->n ? series_sum(none) / (double)none->n : NAN;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n");
	page_basis_caption(o, d->basis,
			   d->bill.n ? "the plan's projections, sizes and "
				       "prices calibrated to the bill"
				     : "the plan's projections at the price "
				       "sheet's list prices");
	strbuf_adds(o, "<thead><tr><th>Strategy</th><th>What it does</th>");
	strbuf_addf(o, "<th class=\"n\">Storage cost, mean<br><span "
		       "class=\"unit\">%s/month</span></th><th class=\"n\">"
		       "Total over %d months<br><span class=\"unit\">%s"
		       "</span></th><th class=\"n\">Against doing nothing<br>"
		       "<span class=\"unit\">%s/month</span></th></tr>"
		       "</thead>\n<tbody>\n",
		    d->currency, d->h.months, d->currency, d->currency);
	for (size_t k = 0; k < d->nseries; k++) {
		const struct rep_series *s = &d->series[k];
		const char *what, *label = strategy_label(d, s->name, &what);
		double mean = s->n ? series_sum(s) / (double)s->n : NAN;
		strbuf_adds(o, "<tr><td>");
		html_escape(o, label);
		strbuf_adds(o, "</td><td>");
		html_escape(o, what);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, mean, 2);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, series_sum(s), 2);
		strbuf_adds(o, "</td>");
		saving_cell(o, base - mean);
		strbuf_adds(o, "</tr>\n");
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_strategies(struct strbuf *o, const struct report_data *d)
{
	const struct rep_series *none = report_series(d, "do_nothing");
	const struct rep_series *plan = report_series(d, "plan");

	page_section(o, "strategies",
		     "What the plan saves, against other ways of tiering");
	if (!none || !none->n) {
		strbuf_adds(o, "<p>strategies.csv has no do_nothing line."
			       "</p>\n</section>\n");
		return;
	}
	strbuf_addf(o, "<p>What vault storage would cost over the next %d "
		       "months under each way of moving recovery points to "
		       "Archive, new points included. Protected-instance fees "
		       "are the same under every strategy",
		    d->h.months);
	if (plan && plan->n && isfinite(plan->pi[0])) {
		strbuf_adds(o, " (");
		page_money(o, d, plan->pi[0]);
		strbuf_adds(o, ")");
	}
	strbuf_adds(o, " and are left out. When the plan used a restore "
		       "model, each figure includes the expected cost of "
		       "restores from Archive, which is why the plan does not "
		       "simply move everything Azure allows.</p>\n");
	saving_chart(o, d, none);
	if (plan && plan->n)
		gap_chart(o, d, none, plan);
	strategy_table(o, d, none);
	page_source(o, "From <code>plan/strategies.csv</code>: column "
		       "<em>cost</em>, one row per strategy and month; the "
		       "savings, means and totals are over those rows.");
	strbuf_adds(o, "</section>\n");
}
