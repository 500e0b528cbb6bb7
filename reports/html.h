/* SPDX-License-Identifier: MIT
 * html.h: the small pieces every HTML writer needs: escaping text that
 * comes from data (names, reasons, evidence) for element content and
 * attribute values, and numbers formatted for people (thousands grouped,
 * a fixed number of decimals, a unit always after). Appends to a strbuf;
 * never touches files. Used by reports/report_html.c and reports/svg.c. */
#ifndef VW_HTML_H
#define VW_HTML_H

#include "optimizer/base/util.h"

/* Appends s with & < > " ' escaped: safe in element content and in a
 * quoted attribute value. Bytes that are not valid UTF-8, and control
 * characters other than tab and newline, become U+FFFD. */
void html_escape(struct strbuf *out, const char *s);
/* The same for at most n bytes of s. */
void html_escape_n(struct strbuf *out, const char *s, size_t n);
/* printf, then html_escape of the result. */
void html_escapef(struct strbuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "12,345.68": v with decimals places and commas between thousands;
 * "-" for NAN or infinities. */
void html_number(struct strbuf *out, double v, int decimals);
/* The same into buf (size n); returns buf. */
char *fmt_number(char *buf, size_t n, double v, int decimals);
/* A signed change: "+1,234.50" or "-12.00" ("0.00" when zero). */
char *fmt_delta(char *buf, size_t n, double v, int decimals);
/* A percentage of a fraction: 0.0312 -> "3.1%", with decimals places;
 * tiny non-zero values as "<0.1%", values just short of 1 as ">99.9%". */
char *fmt_percent(char *buf, size_t n, double fraction, int decimals);

#endif
