/* SPDX-License-Identifier: MIT
 * report_html_internal.h: what the two halves of the HTML writer share
 * (report_html.c: page, vaults and policies, words, sources;
 * report_html_summary.c: headline, caveats, strategies;
 * report_html_checks.c: restore model, RPO/RTO, posture, changes;
 * report_html_bv.c: the Backup vaults' cost). */
#ifndef VW_REPORT_HTML_INTERNAL_H
#define VW_REPORT_HTML_INTERNAL_H

#include "reports/html.h"
#include "reports/report_data.h"
#include "reports/svg.h"
#include "optimizer/base/util.h"

/* <section id=..><h2>title</h2> */
void page_section(struct strbuf *o, const char *id, const char *title);
/* <p class="source">...</p>: which file a section's figures come from;
 * fmt's text is trusted markup, its arguments must be escaped. */
void page_source(struct strbuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A money figure: "1,234.56 EUR/month". */
void page_money(struct strbuf *o, const struct report_data *d, double v);
/* A legend entry: swatch and escaped label. */
void page_legend_item(struct strbuf *o, int style, bool line,
		      const char *label);
/* <figure> holding a bar chart and, below it, a legend of its n parts
 * (styles[i], labels[i]); n = 0: no legend. */
struct svg_bar_chart;
void page_bar_figure(struct strbuf *o, const struct svg_bar_chart *c,
		     const int *styles, const char *const *labels, size_t n);
/* <code>escaped</code> */
void page_code(struct strbuf *o, const char *s);
/* A path for the small print: its last two components. */
void page_path(struct strbuf *o, const char *path);

/* "1 November 2026" */
void page_date(struct strbuf *o, int64_t t);
/* "2026-11" as "November 2026" */
void page_month_label(struct strbuf *o, const char *ym);
/* "down 584.15 EUR/month (4.6%)", "up ...", "unchanged" */
void page_change(struct strbuf *o, const struct report_data *d,
		 double then, double now);
/* A flag after a figure that more than doubled or fell by half or more
 * from then to now (nothing when both are under least). */
void page_flag(struct strbuf *o, double then, double now, double least);

/* the sections, in page order */
void page_headline(struct strbuf *o, const struct report_data *d);
void page_strategies(struct strbuf *o, const struct report_data *d);
void page_restore_model(struct strbuf *o, const struct report_data *d);
void page_rpo(struct strbuf *o, const struct report_data *d);
void page_posture(struct strbuf *o, const struct report_data *d);
void page_changes(struct strbuf *o, const struct report_data *d);
void page_levers(struct strbuf *o, const struct report_data *d);
void page_reasons(struct strbuf *o, const struct report_data *d);
void page_bvaults(struct strbuf *o, const struct report_data *d);

#endif
