/* SPDX-License-Identifier: MIT
 * report_html_levers.c: the report's section "Other ways to cut the
 * bill": the plan's levers.csv, largest saving first, each with what
 * bounds it. */
#include <math.h>

#include "reports/report_html_internal.h"

static void lever_table(struct strbuf *o, const struct report_data *d)
{
	const struct rep_levers *lv = &d->levers;

	strbuf_adds(o, "<div class=\"scroll\"><table class=\"text\">\n");
	page_basis_caption(o, d->basis, "the plan's sizes and prices "
					"(its summary.csv)");
	strbuf_adds(o, "<thead><tr><th>Lever</th><th>Where</th>"
		       "<th class=\"n\">Saves per month</th>"
		       "<th>What bounds it</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < lv->nlisted; i++) {
		const struct rep_lever *l = &lv->listed[i];
		strbuf_adds(o, "<tr><td>");
		html_escape(o, l->lever);
		strbuf_adds(o, "</td><td>");
		html_escape(o, l->where);
		strbuf_adds(o, "</td><td class=\"n\">");
		if (isnan(l->saving))
			strbuf_adds(o, "not priced");
		else
			page_money(o, d, l->saving);
		strbuf_adds(o, "</td><td>");
		html_escape(o, l->constraint);
		strbuf_adds(o, "</td></tr>\n");
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_levers(struct strbuf *o, const struct report_data *d)
{
	const struct rep_levers *lv = &d->levers;

	page_section(o, "levers", "Other ways to cut the bill");
	if (!lv->present) {
		strbuf_adds(o, "<p class=\"note\">Not included: the plan has no "
			       "levers.csv; run <code>vaultwise plan</code> "
			       "again.</p>\n</section>\n");
		return;
	}
	if (!lv->rows) {
		strbuf_adds(o, "<p>No other lever found: no stopped or idle "
			       "items, retention within what the targets "
			       "need, no daily SQL/HANA fulls.</p>\n"
			       "</section>\n");
		return;
	}
	strbuf_addf(o, "<p>Besides archive tiering, %zu changes would cut the "
		       "bill%s. Estimated from the same sizes and prices as "
		       "the plan; they overlap where they touch the same data "
		       "(deleting an item also ends its archive saving), so "
		       "they are not added up.</p>\n",
		    lv->rows, lv->unpriced ? " (some not priced: the price "
					     "sheet lacks their meter)" : "");
	lever_table(o, d);
	if (lv->rows > lv->nlisted)
		strbuf_addf(o, "<p class=\"note\">%zu more are in levers.csv."
			       "</p>\n", lv->rows - lv->nlisted);
	strbuf_adds(o, "<p class=\"source\">From ");
	page_path(o, d->plan_dir);
	strbuf_adds(o, "/levers.csv: one row per lever and scope, with its "
		       "risk and the exact change.</p>\n</section>\n");
}
