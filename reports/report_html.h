/* SPDX-License-Identifier: MIT
 * report_html.h: report.html, the page a FinOps analyst forwards: one
 * self-contained file (inline CSS and SVG; no script, font or image
 * fetched from anywhere, which its Content-Security-Policy also forbids)
 * that reads on a phone and prints on A4 (or Letter: d->letter) with page
 * numbers. Every figure carries its unit and currency, every section says
 * in small print which CSV row it comes from, and all text from data is
 * escaped. Deterministic: the same inputs and the same d->made_at give
 * the same bytes. Called by the report stage; never prints. */
#ifndef VW_REPORT_HTML_H
#define VW_REPORT_HTML_H

#include "optimizer/base/err.h"
#include "reports/report_data.h"

int report_html_write(const struct report_data *d, const char *path,
		      struct err *e);

#endif
