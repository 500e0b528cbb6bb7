/* SPDX-License-Identifier: MIT
 * svg.h: charts as inline SVG for the HTML report, with no dependency:
 * a line chart (lines with an optional band, or points with optional
 * error bars, on linear or log axes) and a horizontal bar chart (stacked
 * parts), both with axes, ticks, tick labels and axis titles that carry
 * the unit. The SVG scales with its container (viewBox, width 100%) and
 * has a <title> and <desc> for screen readers. Colours are the Okabe-Ito
 * palette (told apart by colour-blind readers) and every line also has
 * its own dash pattern, so that a black-and-white print still tells them
 * apart. Legends are left to the caller, as HTML (svg_swatch), because
 * HTML text wraps and stays readable on a phone.
 * Appends to a strbuf; never touches files. All text is escaped. */
#ifndef VW_SVG_H
#define VW_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/base/util.h"

#define SVG_STYLES 7     /* distinct colour + dash pairs */
#define SVG_MAX_PARTS 4  /* stacked parts of one bar */

struct svg_tick {
	double at;
	const char *label;  /* NULL: the number, formatted */
};

struct svg_axis {
	const char *title;  /* with its unit, e.g. "EUR per month" */
	double min, max;    /* NAN: from the data */
	bool log;           /* log10 scale; values <= 0 sit on the axis */
	const struct svg_tick *ticks; /* NULL: chosen from the range */
	size_t nticks;
	int decimals;       /* of the chosen tick labels */
	bool from_zero;     /* linear: the range includes 0 */
};

enum svg_series_kind { SVG_LINE, SVG_POINTS };

struct svg_series {
	const char *name;          /* shown in the point and line tooltips */
	enum svg_series_kind kind;
	const double *x, *y;       /* n values; a NAN y leaves a gap */
	const double *lo, *hi;     /* a band (line) or error bars (points);
				      NULL for none */
	size_t n;
	int style;                 /* 0 .. SVG_STYLES-1 */
};

struct svg_line_chart {
	const char *id;            /* unique in the page (clip path ids) */
	const char *title, *desc;  /* accessible name and description */
	struct svg_axis x, y;
	const struct svg_series *series;
	size_t nseries;
};

/* Appends <svg ...>...</svg>. */
void svg_line_chart(struct strbuf *out, const struct svg_line_chart *c);

struct svg_bar {
	const char *label;         /* left of the bar (shortened if long) */
	const char *sublabel;      /* a second, smaller line, or NULL */
	const char *value_label;   /* right of the bar, e.g. "1,234 EUR" */
	double parts[SVG_MAX_PARTS]; /* stacked, left to right; >= 0 */
};

struct svg_bar_chart {
	const char *id;                /* unique in the page */
	const char *title, *desc;
	const char *const *part_names; /* nparts names, for tooltips */
	const int *part_styles;        /* nparts styles */
	size_t nparts;
	const struct svg_bar *bars;
	size_t nbars;
	struct svg_axis x;             /* the value axis; linear from 0 */
};

void svg_bar_chart(struct strbuf *out, const struct svg_bar_chart *c);

/* A small legend key for HTML text: a line (with the style's dash) or a
 * filled square. */
void svg_swatch(struct strbuf *out, int style, bool line);

/* The colour of a style, "#rrggbb". */
const char *svg_color(int style);

/* Chooses about want "nice" ticks (1, 2, 5 x 10^k) covering [lo, hi]:
 * writes up to max values into at and returns the count; *lo and *hi are
 * widened to the outer ticks. */
size_t svg_nice_ticks(double *lo, double *hi, size_t want, double *at,
		      size_t max);

#endif
