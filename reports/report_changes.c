/* SPDX-License-Identifier: MIT
 * report_changes.c: the month's change by cause (report_changes.h):
 * changes.csv and the "why it changed" part of the changes section. */
#include "reports/report_changes.h"

#include <math.h>

#include "optimizer/base/csvio.h"
#include "reports/report_html_internal.h"

/* A vault's or a meter's figure flagged when it at least doubled or
 * halved, under least in both months never. */
#define FLAG_LEAST 1.0

static const char *const cause_words[CAUSE_COUNT] = {
	"New items", "Removed items", "Growth of the items kept",
	"Tier moves", "Price changes",
};

void report_group_causes(const struct report_data *d,
			 const struct rep_group *g, struct rep_causes *out)
{
	memset(out, 0, sizeof(*out));
	if (g->presence == REP_REMOVED)
		out->by[CAUSE_REMOVED_ITEMS] = -rep_stats_total(&g->prev);
	else if (d->causes && g->vault)
		*out = d->causes[g->vault - d->s->vaults];
}

static double named(const struct rep_causes *c)
{
	double sum = 0;

	for (int k = 0; k < CAUSE_COUNT; k++)
		sum += c->by[k];
	return sum;
}

const char *report_outlier(double then, double now)
{
	if (then < FLAG_LEAST && now < FLAG_LEAST)
		return NULL;
	if (then > 0 && now >= 2 * then)
		return "doubled or more";
	if (now <= then / 2)
		return "halved or less";
	return NULL;
}

/* ---- changes.csv ---- */

static const struct csv_column change_cols[] = {
	{ "vault_id", 0 }, { "vault_name", 0 }, { "cause", 0 },
	{ "meter", 0 }, { "previous_cost", 0 }, { "cost", 0 },
	{ "change", 0 }, { "change_pct", 0 }, { "currency", 0 },
	{ "basis", 0 }, { "note", 0 },
};
static const struct csv_schema change_schema = {
	"changes.csv", change_cols, ARRAY_SIZE(change_cols)
};

struct change_row {
	const char *cause, *meter, *why, *basis;
	double then, now, change;
};

/* What every change is: a month's cost at one sheet, for changes.csv's
 * note (after an outlier's why). */
static const char change_note[] =
	"per month; both snapshots at the plan's price sheet (list prices)";

static void put_row(struct csv_writer *w, const struct report_data *d,
		    const struct rep_group *g, const struct change_row *r)
{
	csv_put(w, g->vault ? g->vault->vault_id : g->id ? g->id : "");
	csv_put(w, g->name);
	csv_put(w, r->cause);
	csv_put(w, r->meter);
	csv_put_double(w, r->then, 2);
	csv_put_double(w, r->now, 2);
	csv_put_double(w, r->change, 2);
	csv_put_double(w, r->then > 0 ? 100 * r->change / r->then : NAN, 2);
	csv_put(w, d->currency);
	csv_put(w, r->basis);
	if (r->why)
		csv_putf(w, "%s; %s", r->why, change_note);
	else
		csv_put(w, change_note);
	csv_end_row(w);
}

static void put_outlier(struct csv_writer *w, const struct report_data *d,
			const struct rep_group *g, const char *basis,
			const char *meter, double then, double now)
{
	const char *why = report_outlier(then, now);

	if (why && g->presence == REP_BOTH)
		put_row(w, d, g,
			&(struct change_row){ "outlier", meter, why, basis,
					      then, now, now - then });
}

/* A vault's (or the estate's) causes, what they leave unexplained, its
 * total change, then its meters that doubled or halved. */
static void put_group(struct csv_writer *w, const struct report_data *d,
		      const struct rep_group *g, const struct rep_causes *c,
		      const struct rep_stats *now, const struct rep_stats *then)
{
	double a = rep_stats_total(then), b = rep_stats_total(now);
	const char *basis = rep_sizes_basis(now, then);

	for (int k = 0; k < CAUSE_COUNT; k++)
		put_row(w, d, g,
			&(struct change_row){ rep_cause_names[k], "all", NULL,
					      basis, a, b, c->by[k] });
	put_row(w, d, g,
		&(struct change_row){ "unexplained", "all", NULL, basis, a,
				      b, b - a - named(c) });
	put_row(w, d, g,
		&(struct change_row){ "total", "all", NULL, basis, a, b,
				      b - a });
	put_outlier(w, d, g, basis, "standard", then->std_cost,
		    now->std_cost);
	put_outlier(w, d, g, basis, "archive", then->arc_cost,
		    now->arc_cost);
	put_outlier(w, d, g, basis, "protected_instances", then->pi_cost,
		    now->pi_cost);
	put_outlier(w, d, g, basis, "total", a, b);
}

int report_changes_write(const struct report_data *d, struct outdir *dir,
			 struct err *e)
{
	char *path;
	struct csv_writer *w;
	struct rep_group all = { 0 };

	if (!d->prev)
		return 0;
	path = outdir_file(dir, "changes.csv");
	w = csv_writer_open(path, &change_schema, e);
	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < d->nvaults; i++) {
		const struct rep_group *g = &d->vaults[i];
		struct rep_causes c;

		report_group_causes(d, g, &c);
		put_group(w, d, g, &c, &g->now, &g->prev);
	}
	all.name = "All vaults";
	all.presence = REP_BOTH;
	put_group(w, d, &all, &d->causes_total, &d->total_now,
		  &d->total_prev);
	return csv_writer_commit(w, NULL, e);
}

/* ---- the page ---- */

static void cause_row(struct strbuf *o, const char *what, double change,
		      double then)
{
	char v[48], pct[32];

	strbuf_adds(o, "<tr><td class=\"name\">");
	strbuf_adds(o, what);
	strbuf_addf(o, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
		       "</tr>\n",
		    fmt_delta(v, sizeof(v), change, 2),
		    then > 0 ? fmt_percent(pct, sizeof(pct), change / then, 1)
			     : "");
}

static void outliers(struct strbuf *o, const struct report_data *d)
{
	static const char *const meters[] = { "Standard", "Archive",
					      "protected instances" };
	bool any = false;

	for (size_t i = 0; i < d->nvaults; i++) {
		const struct rep_group *g = &d->vaults[i];
		double then[3] = { g->prev.std_cost, g->prev.arc_cost,
				   g->prev.pi_cost };
		double now[3] = { g->now.std_cost, g->now.arc_cost,
				  g->now.pi_cost };

		for (int m = 0; m < 3 && g->presence == REP_BOTH; m++) {
			const char *why = report_outlier(then[m], now[m]);
			if (!why)
				continue;
			strbuf_adds(o, any ? "; " : "<p>Check first: ");
			any = true;
			html_escape(o, g->name);
			strbuf_addf(o, " %s %s (", meters[m], why);
			page_money(o, d, then[m]);
			strbuf_adds(o, " &rarr; ");
			page_money(o, d, now[m]);
			strbuf_adds(o, ")");
		}
	}
	strbuf_adds(o, any ? ".</p>\n"
			   : "<p>No vault's Standard, Archive or "
			     "protected-instance cost doubled or halved.</p>\n");
}

void page_causes(struct strbuf *o, const struct report_data *d)
{
	double then = rep_stats_total(&d->total_prev);
	double change = rep_stats_total(&d->total_now) - then;
	double rest = change - named(&d->causes_total);
	char pct[32];

	strbuf_adds(o, "<h3>Why it changed</h3>\n<p>");
	if (fabs(change) >= 0.005)
		strbuf_addf(o, "The causes below explain %s of the change. ",
			    fmt_percent(pct, sizeof(pct),
					1 - fabs(rest) / fabs(change), 1));
	strbuf_adds(o, "Growth is what the items kept in both snapshots added "
		       "or freed: new points, expired ones, points re-sized "
		       "as their neighbours expire, their chain's base and "
		       "fees.</p>\n<div class=\"scroll\"><table>\n");
	page_basis_caption(o, rep_sizes_basis(&d->total_now, &d->total_prev),
			   "both snapshots' sizes at the price sheet's list "
			   "prices, never calibrated");
	strbuf_addf(o, "<thead><tr><th>Cause</th><th class=\"n\">Change<br>"
		       "<span class=\"unit\">%s/month</span></th><th "
		       "class=\"n\">Of the cost then</th></tr></thead>\n"
		       "<tbody>\n",
		    d->currency);
	for (int k = 0; k < CAUSE_COUNT; k++)
		cause_row(o, cause_words[k], d->causes_total.by[k], then);
	cause_row(o, "Unexplained", rest, then);
	strbuf_adds(o, "</tbody></table></div>\n");
	outliers(o, d);
	page_source(o, "From <code>changes.csv</code>: a row per vault and "
		       "cause, and per vault and meter that doubled or "
		       "halved (cause <em>outlier</em>).");
}
