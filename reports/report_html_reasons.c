/* SPDX-License-Identifier: MIT
 * report_html_reasons.c: the report's section "Why points move or stay":
 * the plan's reasons.csv, each reason code's sentence with the plan.csv
 * columns its figures come from, its points and their saving. */
#include <string.h>

#include "reports/report_html_internal.h"

/* The sentence, each {column} shown as that column's name in code. */
static void sentence(struct strbuf *o, const char *s)
{
	const char *open, *close;

	while ((open = strchr(s, '{')) && (close = strchr(open, '}'))) {
		html_escape_n(o, s, (size_t)(open - s));
		strbuf_adds(o, "<code>");
		html_escape_n(o, open + 1, (size_t)(close - open - 1));
		strbuf_adds(o, "</code>");
		s = close + 1;
	}
	html_escape(o, s);
}

static void reason_table(struct strbuf *o, const struct report_data *d)
{
	const struct rep_reasons *rs = &d->reasons;

	strbuf_adds(o, "<div class=\"scroll\"><table class=\"text\">\n");
	page_basis_caption(o, d->basis, "the plan's sizes and prices "
					"(its summary.csv)");
	strbuf_adds(o, "<thead><tr><th>Reason</th><th>Why</th>"
		       "<th class=\"n\">Points</th>"
		       "<th class=\"n\">Saves over their lives</th>"
		       "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < rs->nlisted; i++) {
		const struct rep_reason *r = &rs->listed[i];

		strbuf_adds(o, "<tr><td>");
		page_code(o, r->code);
		strbuf_adds(o, "</td><td>");
		sentence(o, r->sentence);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, (double)r->points, 0);
		strbuf_adds(o, "</td><td class=\"n\">");
		html_number(o, r->saving, 2);
		strbuf_addch(o, ' ');
		html_escape(o, d->currency);
		strbuf_adds(o, "</td></tr>\n");
	}
	strbuf_adds(o, "</tbody></table></div>\n");
}

void page_reasons(struct strbuf *o, const struct report_data *d)
{
	page_section(o, "reasons", "Why points move or stay");
	if (!d->reasons.present) {
		strbuf_adds(o, "<p class=\"note\">Not included: the plan has no "
			       "reasons.csv; run <code>vaultwise plan</code> "
			       "again.</p>\n</section>\n");
		return;
	}
	strbuf_adds(o, "<p>Each point the plan considered has one reason, "
		       "its <code>reason_code</code> in plan.csv. A name in "
		       "code stands for that plan.csv column's value on the "
		       "point's row; the row's <code>reason</code> column "
		       "holds the whole sentence where the row says more "
		       "(a hold, Azure's recommended set).</p>\n");
	reason_table(o, d);
	strbuf_adds(o, "<p class=\"source\">From ");
	page_path(o, d->plan_dir);
	strbuf_adds(o, "/reasons.csv and plan.csv.</p>\n</section>\n");
}
