/* SPDX-License-Identifier: MIT
 * report_html.c: report.html (report_html.h): the page, its style sheet
 * (screen, phone and print on A4), its title and dates, the cost by vault
 * and by policy, the words used and the sources. The headline and the
 * strategies are in report_html_summary.c, the checks sections in
 * report_html_checks.c. */
#include "reports/report_html.h"

#include <math.h>
#include <stdarg.h>

#include "optimizer/base/fileio.h"
#include "reports/report_html_internal.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/version.h"

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
	"#headline h2{border-top:0;margin-top:.75rem;padding-top:0}\n"
	"h3{font-size:1.05rem;margin:1.25rem 0 .25rem}\n"
	"p,.caveats,dl{margin:.5rem 0;max-width:56rem}\n"
	".sub,.source,figcaption,.note{color:var(--muted)}\n"
	".source{font-size:.8rem}\n"
	".cards{display:grid;grid-template-columns:"
	"repeat(auto-fit,minmax(16rem,1fr));gap:.75rem;margin:.75rem 0}\n"
	".card{border:1px solid var(--line);border-radius:.5rem;"
	"padding:.75rem}\n"
	".card .label{font-size:1rem;font-weight:600}\n"
	".card .value{font-size:1.75rem;font-weight:650;"
	"font-variant-numeric:tabular-nums;line-height:1.3}\n"
	".card .per{font-size:1rem;font-weight:400;white-space:nowrap}\n"
	".card .detail{font-size:.875rem;color:var(--muted)}\n"
	".caveats{border-left:4px solid #E69F00;background:#fff8e6;"
	"padding:.5rem .75rem;margin:1rem 0}\n"
	".caveats summary{font-weight:600;cursor:pointer}\n"
	".caveats ul{margin:.25rem 0;padding-left:1.25rem}\n"
	".flag{color:var(--bad);white-space:nowrap}\n"
	"dt{font-weight:600}dd{margin:0 0 .5rem 1.25rem}\n"
	"figure{margin:1rem 0}\n"
	"figcaption{font-size:.9rem;max-width:40rem}\n"
	"svg.chart{display:block;width:100%;max-width:40rem;height:auto}\n"
	".legend{list-style:none;padding:0;margin:.5rem 0;display:flex;"
	"flex-wrap:wrap;gap:.25rem 1.25rem}\n"
	".legend svg{vertical-align:middle;margin-right:.35rem}\n"
	".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	"margin:.5rem 0}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem;"
	"font-variant-numeric:tabular-nums}\n"
	"table.parts{max-width:56rem}\n"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);"
	"text-align:left;vertical-align:top}\n"
	"th{font-weight:600;background:#f3f3f3}\n"
	"td.n,th.n{text-align:right}td.n{white-space:nowrap}\n"
	"td.name{white-space:nowrap}\n"
	"th .unit{font-weight:400;color:var(--muted)}\n"
	"caption{caption-side:top;text-align:left;font-size:.8rem;"
	"color:var(--muted);padding:.2rem 0}\n"
	"table.text{table-layout:fixed;min-width:46rem}\n"
	"table.text td{overflow-wrap:anywhere}\n"
	"tr.total td,tfoot td{font-weight:600;border-top:2px solid #888}\n"
	".sev-high{color:var(--bad);font-weight:650}\n"
	"code{font-size:.9em;overflow-wrap:anywhere}\n"
	"footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}\n"
	/* a phone: the charts' text at least 11 px (they are drawn 440
	 * units wide, so about 0.83 px a unit at 390 px) */
	"@media (max-width:40rem){body{padding:.75rem;font-size:15px}"
	".card .value{font-size:1.5rem}th,td{padding:.25rem .35rem}"
	"svg.chart text{font-size:13.5px}}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}"
	"h2{break-after:avoid}.card,figure,tr,.scroll{break-inside:avoid}"
	".scroll{overflow:visible}th{background:none}"
	"table{font-size:8pt}th,td{padding:.15rem .25rem}"
	"td.n,th.n,td.name{white-space:normal}table.text{min-width:0}"
	".caveats{background:none}.caveats summary{list-style:none}"
	".caveats::details-content{content-visibility:visible;"
	"display:block}svg.chart{max-width:12cm}"
	".cards{grid-template-columns:repeat(3,1fr);gap:.5rem}"
	".card{padding:.5rem}.card .value{font-size:1.15rem}}\n";

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

/* ---- dates and flags ---- */

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

void page_date(struct strbuf *o, int64_t t)
{
	struct civil c;

	time_to_civil(t, &c);
	strbuf_addf(o, "%d %s %d", c.day, month_names[(c.month + 11) % 12],
		    c.year);
}

void page_month_label(struct strbuf *o, const char *ym)
{
	int y, m;

	if (sscanf(ym, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
		strbuf_addf(o, "%s %d", month_names[m - 1], y);
	else
		html_escape(o, ym);
}

void page_flag(struct strbuf *o, double then, double now, double least)
{
	char pct[32];

	if (then < least && now < least)
		return;
	if (then > 0 && now >= 2 * then)
		strbuf_addf(o, " <strong class=\"flag\">&#9873;&nbsp;+%s"
			       "</strong>",
			    fmt_percent(pct, sizeof(pct), now / then - 1, 0));
	else if (now <= then / 2)
		strbuf_addf(o, " <strong class=\"flag\">&#9873;&nbsp;&minus;%s"
			       "</strong>",
			    fmt_percent(pct, sizeof(pct), 1 - now / then, 0));
}

/* ---- header ---- */

/* The month a snapshot describes: the one that ended at a snapshot taken
 * at the very start of a month (1 December, 00:00: November), else the
 * one it was taken in. */
static bool month_end(int64_t as_of, struct civil *month)
{
	struct civil c;

	time_to_civil(as_of, &c);
	time_to_civil(as_of - 1, month);
	return c.day == 1 && c.hour == 0 && c.min == 0 && c.sec == 0;
}

static void report_title(struct strbuf *o, const struct report_data *d)
{
	struct civil m;

	if (!month_end(d->as_of, &m))
		time_to_civil(d->as_of, &m);
	strbuf_addf(o, "Azure Backup cost report, %s %d",
		    month_names[(m.month + 11) % 12], m.year);
}

/* The @page rule: A4 (or Letter), the report's month and the page
 * number in the bottom margin of every printed page. */
static void page_rule(struct strbuf *o, const struct report_data *d)
{
	static const char box[] = "font:8pt system-ui,Arial,sans-serif;"
				  "color:#555";

	strbuf_addf(o, "@page{size:%s;margin:14mm 14mm 16mm;@bottom-left{"
		       "content:\"",
		    d->letter ? "letter" : "A4");
	report_title(o, d);
	strbuf_addf(o, "\";%s}@bottom-right{content:\"page \" counter(page) "
		       "\" of \" counter(pages);%s}}\n",
		    box, box);
}

static void page_head(struct strbuf *o, const struct report_data *d)
{
	struct civil m, t;

	time_to_civil(d->as_of, &t);
	strbuf_adds(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		       "<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, "
		       "initial-scale=1\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" "
		       "content=\"default-src 'none'; style-src "
		       "'unsafe-inline'; img-src data:\">\n"
		       "<meta name=\"generator\" content=\"vaultwise "
		       VAULTWISE_VERSION "\">\n<title>");
	report_title(o, d);
	strbuf_addf(o, "</title>\n<style>\n%s", style_sheet);
	page_rule(o, d);
	strbuf_adds(o, "</style>\n</head>\n<body>\n<header>\n<h1>");
	report_title(o, d);
	strbuf_adds(o, "</h1>\n<p class=\"sub\">The backup estate ");
	if (month_end(d->as_of, &m))
		strbuf_addf(o, "as %s %d ended (snapshot of ",
			    month_names[(m.month + 11) % 12], m.year);
	else
		strbuf_adds(o, "part way through the month (snapshot of ");
	page_date(o, d->as_of);
	strbuf_addf(o, ", %02d:%02d UTC): %zu vaults, %ld protected items, ",
		    t.hour, t.min, d->s->nvaults, d->total_now.items);
	html_number(o, (double)d->total_now.points, 0);
	strbuf_adds(o, " recovery points. Money in ");
	html_escape(o, d->currency);
	strbuf_adds(o, " at list prices. ");
	if (d->made_at != TIME_NONE) {
		strbuf_adds(o, "Report made on ");
		page_date(o, d->made_at);
		strbuf_adds(o, ".");
	}
	strbuf_adds(o, "</p>\n</header>\n<main>\n");
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

/* With a bill, a group the plan has a row for is shown at the plan's
 * month now, calibrated to the bill (storage and fees: what reconcile.csv
 * models and the headline's billed cost now); else at the snapshot's
 * sizes and the sheet's list prices. */
static bool shown_calibrated(const struct report_data *d,
			     const struct rep_group *g)
{
	return !isnan(rep_calibrated_now(d, g));
}

static double shown_now(const struct report_data *d,
			const struct rep_group *g)
{
	return shown_calibrated(d, g) ? rep_calibrated_now(d, g)
				      : rep_stats_total(&g->now);
}

static double shown_pi(const struct report_data *d,
		       const struct rep_group *g)
{
	return shown_calibrated(d, g) ? g->plan_pi : g->now.pi_cost;
}

static void add_group(struct rep_group *sum, const struct rep_group *g)
{
	sum->now.items += g->now.items;
	sum->now.points += g->now.points;
	sum->now.std_gb += g->now.std_gb;
	sum->now.arc_gb += g->now.arc_gb;
	sum->now.std_cost += g->now.std_cost;
	sum->now.arc_cost += g->now.arc_cost;
	sum->now.pi_cost += g->now.pi_cost;
	sum->now.estimated_gb += g->now.estimated_gb;
	sum->basis = rep_weaker_basis(sum->basis, g->basis);
	if (!g->planned)
		sum->plan_pi = NAN; /* a sum the plan does not price whole */
	if (g->planned) {
		sum->planned = true;
		sum->plan_now += g->plan_now;
		sum->plan_pi += g->plan_pi;
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
		d->bill.n ? "One bar per row of the table below: Standard "
			    "storage, Archive storage and protected-instance "
			    "fees per month, at the snapshot's sizes and the "
			    "sheet's list prices (the table's Now is "
			    "calibrated to the bill)."
			  : "One bar per row of the table below: Standard "
			    "storage, Archive storage and protected-instance "
			    "fees per month.",
		parts, styles, 3, bars, n,
		{ xtitle, NAN, NAN, false, NULL, 0, 0, true }
	};
	page_bar_figure(o, &c, styles, parts, 3);
	free(bars);
	free(values);
}

static void group_row(struct strbuf *o, const struct report_data *d,
		      const struct group_view *gv, const struct rep_group *g,
		      const char *cls)
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
	html_number(o, shown_now(d, g), 2);
	strbuf_adds(o, "</td><td class=\"n\">");
	if (g->planned) {
		html_number(o, g->storage_after + shown_pi(d, g), 2);
		strbuf_addf(o, "</td><td class=\"n\">%ld / %ld</td>"
			       "<td class=\"n\">",
			    g->move_now, g->move_on);
		html_number(o, g->saving_total, 2);
	} else {
		strbuf_adds(o, "-</td><td class=\"n\">-</td><td class=\"n\">"
			       "-");
	}
	strbuf_adds(o, "</td><td>");
	html_escape(o, g->basis ? g->basis : "-");
	strbuf_adds(o, "</td></tr>\n");
}

static void group_table(struct strbuf *o, const struct report_data *d,
			const struct group_view *gv,
			const struct rep_group *const *rows, size_t n,
			const struct rep_group *rest,
			const struct rep_group *total)
{
	const char *cur = d->currency;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n");
	if (shown_calibrated(d, total))
		page_basis_caption(o, total->basis,
				   "now and after the plan: the plan's month "
				   "now and after its moves, sizes and unit "
				   "prices calibrated to the bill (they add "
				   "up to reconcile.csv's model); GiB: the "
				   "snapshot's; moves and saving: the plan's, "
				   "on the basis of the last column");
	else
		page_basis_caption(o, rep_sizes_basis(&total->now, NULL),
				   "now: the snapshot's sizes at the price "
				   "sheet's list prices; after the plan, "
				   "moves and saving: the plan's, on the "
				   "basis of the last column");
	strbuf_adds(o, "<thead><tr><th>");
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
		       "lives</span></th><th>Basis</th></tr></thead>\n"
		       "<tbody>\n",
		    cur, cur, cur);
	for (size_t i = 0; i < n; i++)
		group_row(o, d, gv, rows[i], "");
	if (rest)
		group_row(o, d, gv, rest, "");
	group_row(o, d, gv, total, " class=\"total\"");
	strbuf_adds(o, "</tbody></table></div>\n");
}

static void groups(struct strbuf *o, const struct report_data *d,
		   const struct group_view *gv, const struct rep_group *g,
		   size_t ng, const char *title)
{
	size_t n, shown;
	const struct rep_group **rows = ranked(g, ng, &n);
	struct rep_group rest, total, all;
	char rest_name[64];

	memset(&rest, 0, sizeof(rest));
	memset(&total, 0, sizeof(total));
	memset(&all, 0, sizeof(all));
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
	total.basis = d->basis;
	/* the estate's, as the vaults have it: items without a policy have
	 * no policy row in the plan */
	for (size_t i = 0; i < d->nvaults; i++)
		if (d->vaults[i].presence != REP_REMOVED)
			add_group(&all, &d->vaults[i]);
	total.plan_now = all.plan_now;
	total.plan_pi = all.plan_pi;
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
		       "the price sheet%s.",
		    gv->file, gv->what,
		    d->bill.n ? "; with a bill, Now and After the plan are "
				"summary.csv's monthly_storage_now and "
				"monthly_storage_after plus monthly_pi, "
				"calibrated to it"
			      : "");
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

/* ---- words used ---- */

static const char *const words[][2] = {
	{ "Recovery point", "one backup copy of a machine, database or file "
	  "share at a moment in time; a policy keeps daily, weekly, monthly "
	  "and yearly ones for set periods." },
	{ "Standard and Archive", "the two storage tiers of a Recovery "
	  "Services vault. Archive costs much less per GiB but a restore "
	  "from it must first bring the data back (rehydration)." },
	{ "Rehydration", "copying a point from Archive back to Standard "
	  "before a restore: up to 15 hours at standard priority (Azure "
	  "Storage's figure; Azure Backup publishes none), at a cost, and "
	  "the copy is kept in Standard for 10 to 30 days." },
	{ "Protected-instance fee", "Azure Backup's monthly fee for each "
	  "backed-up machine or database, in size bands; it does not "
	  "change with tiering." },
	{ "Strategy", "a way of deciding which points move to Archive and "
	  "when: doing nothing, Azure's own settings, or this plan." },
	{ "Saves", "the storage cost of doing nothing minus the storage "
	  "cost under a strategy, restores from Archive included; a "
	  "positive amount is money not spent." },
	{ "Expected restores", "how many restores the restore model "
	  "predicts from a point over the rest of its life, from the "
	  "restore history: an average, so a fraction such as 0.3 is "
	  "meaningful across many points." },
	{ "Coverage-day", "one day of history a point stands for (a daily "
	  "point 1, a weekly 7, a monthly 30); restore rates are counted "
	  "per million of them." },
	{ "Break-even time", "the age at which what Archive saves on a "
	  "point outweighs what a restore from Archive would cost." },
	{ "List prices", "Azure's published prices, before any discount "
	  "or agreement: the bill may be lower." },
	{ "&#9873; flag", "a vault's points, size or cost, or a tier's "
	  "size, that more than doubled or fell by half or more since the "
	  "previous snapshot: check it before reading the totals." },
};

static void glossary(struct strbuf *o)
{
	page_section(o, "glossary", "Words used in this report");
	strbuf_adds(o, "<dl class=\"words\">\n");
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		strbuf_addf(o, "<dt>%s</dt><dd>%s</dd>\n", words[i][0],
			    words[i][1]);
	strbuf_adds(o, "</dl>\n</section>\n");
}

static void page_foot(struct strbuf *o, const struct report_data *d)
{
	strbuf_adds(o, "</main>\n<footer>");
	report_title(o, d);
	if (d->made_at != TIME_NONE) {
		strbuf_adds(o, ", made on ");
		page_date(o, d->made_at);
	}
	strbuf_adds(o, " by vaultwise " VAULTWISE_VERSION ". This page runs "
		       "no script and loads nothing from the network."
		       "</footer>\n</body>\n</html>\n");
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
	page_headline(&o, d);
	page_strategies(&o, d);
	groups(&o, d, &vaults, d->vaults, d->nvaults, "Cost by vault");
	groups(&o, d, &policies, d->policies, d->npolicies,
	       "Cost by policy");
	page_bvaults(&o, d);
	page_reasons(&o, d);
	page_levers(&o, d);
	page_changes(&o, d);
	page_restore_model(&o, d);
	page_rpo(&o, d);
	page_posture(&o, d);
	page_bill(&o, d);
	glossary(&o);
	sources(&o, d);
	page_foot(&o, d);
	rc = afile_write_string(path, o.buf, e);
	strbuf_release(&o);
	return rc;
}
