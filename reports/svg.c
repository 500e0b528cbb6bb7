/* SPDX-License-Identifier: MIT
 * svg.c: line and bar charts as inline SVG (see svg.h). Coordinates are in
 * a fixed viewBox; the page scales the whole drawing. */
#include "reports/svg.h"

#include <math.h>

#include "reports/html.h"

#define W 440.0
#define LINE_H 250.0
#define PAD_L 50.0
#define PAD_R 14.0
#define PAD_T 26.0
#define PAD_B 46.0
#define BAR_ROW 24.0
#define BAR_ROW2 32.0  /* with a sublabel */
#define BAR_H 14.0
#define BAR_LABEL_W 160.0
#define BAR_VALUE_W 100.0
#define BAR_TOP 6.0
#define BAR_BOTTOM 42.0
#define LABEL_MAX 17   /* characters of a bar label before "..." (fits
			  BAR_LABEL_W in a phone's larger text) */
#define SUBLABEL_MAX 18
#define MAX_TICKS 16

/* Okabe-Ito colours; a dash per style so that print in grey still works. */
static const char *const colors[SVG_STYLES] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
	"#000000",
};
static const char *const dashes[SVG_STYLES] = {
	"", "7 3", "2 3", "9 3 2 3", "4 2", "1 2", "12 4",
};

const char *svg_color(int style)
{
	return colors[(style % SVG_STYLES + SVG_STYLES) % SVG_STYLES];
}

static const char *svg_dash(int style)
{
	return dashes[(style % SVG_STYLES + SVG_STYLES) % SVG_STYLES];
}

/* ---- ticks and scales ---- */

static double nice_step(double range, size_t want)
{
	double raw = range / (double)(want ? want : 1);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (f <= 5)
		return 5 * mag;
	return 10 * mag;
}

size_t svg_nice_ticks(double *lo, double *hi, size_t want, double *at,
		      size_t max)
{
	double step, first, last;
	size_t n = 0;

	if (!(*hi > *lo)) {
		double pad = *lo == 0 ? 1 : fabs(*lo) * 0.1;
		*lo -= *lo == 0 ? 0 : pad;
		*hi += pad;
	}
	step = nice_step(*hi - *lo, want);
	first = floor(*lo / step + 1e-9) * step;
	last = ceil(*hi / step - 1e-9) * step;
	*lo = first;
	*hi = last;
	for (double v = first; v <= last + step / 2 && n < max; v += step) {
		/* -0 and 1e-17 print badly */
		at[n++] = fabs(v) < step * 1e-9 ? 0 : v;
	}
	return n;
}

struct scale {
	double min, max;
	bool log;
	double at[MAX_TICKS];
	const char *label[MAX_TICKS];
	size_t nticks;
	int decimals;
};

static void data_range(const struct svg_series *s, size_t ns, bool want_x,
		       bool positive, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].n; i++) {
			double v[3];
			size_t nv = 0;
			v[nv++] = want_x ? s[k].x[i] : s[k].y[i];
			if (!want_x && s[k].lo)
				v[nv++] = s[k].lo[i];
			if (!want_x && s[k].hi)
				v[nv++] = s[k].hi[i];
			for (size_t j = 0; j < nv; j++) {
				if (!isfinite(v[j]) || (positive && v[j] <= 0))
					continue;
				if (v[j] < *lo)
					*lo = v[j];
				if (v[j] > *hi)
					*hi = v[j];
			}
		}
	if (*lo > *hi) {
		*lo = positive ? 1 : 0;
		*hi = positive ? 10 : 1;
	}
}

static int log_decimals(double v)
{
	int d = v > 0 ? -(int)floor(log10(v) + 1e-9) : 0;
	return d > 0 ? d : 0;
}

/* want: about how many ticks to choose when the axis gives none */
static void scale_init(struct scale *sc, const struct svg_axis *ax,
		       double data_lo, double data_hi, size_t want)
{
	double lo = isnan(ax->min) ? data_lo : ax->min;
	double hi = isnan(ax->max) ? data_hi : ax->max;

	memset(sc, 0, sizeof(*sc));
	sc->log = ax->log;
	sc->decimals = ax->decimals;
	if (ax->ticks) {
		sc->nticks = ax->nticks < MAX_TICKS ? ax->nticks : MAX_TICKS;
		for (size_t i = 0; i < sc->nticks; i++) {
			sc->at[i] = ax->ticks[i].at;
			sc->label[i] = ax->ticks[i].label;
		}
	} else if (ax->log) {
		double a = floor(log10(lo) + 1e-9), b = ceil(log10(hi) - 1e-9);
		if (b <= a)
			b = a + 1;
		lo = pow(10, a);
		hi = pow(10, b);
		for (double e = a; e <= b && sc->nticks < MAX_TICKS; e++)
			sc->at[sc->nticks++] = pow(10, e);
	} else {
		if (ax->from_zero) {
			lo = lo > 0 ? 0 : lo;
			hi = hi < 0 ? 0 : hi;
		}
		sc->nticks = svg_nice_ticks(&lo, &hi, want, sc->at, MAX_TICKS);
	}
	if (!(hi > lo))
		hi = lo + 1;
	if (sc->log && !(lo > 0))
		lo = hi / 10;
	sc->min = lo;
	sc->max = hi;
}

/* Position of v in [0, 1] along the axis (clamped just outside). */
static double scale_frac(const struct scale *sc, double v)
{
	double f;

	if (sc->log) {
		if (!(v > 0))
			return 0;
		f = (log10(v) - log10(sc->min)) /
		    (log10(sc->max) - log10(sc->min));
	} else {
		f = (v - sc->min) / (sc->max - sc->min);
	}
	if (f < -0.05)
		f = -0.05;
	if (f > 1.05)
		f = 1.05;
	return f;
}

static void tick_label(struct strbuf *out, const struct scale *sc, size_t i)
{
	char buf[64];

	if (sc->label[i]) {
		html_escape(out, sc->label[i]);
		return;
	}
	fmt_number(buf, sizeof(buf), sc->at[i],
		   sc->log ? log_decimals(sc->at[i]) : sc->decimals);
	strbuf_adds(out, buf);
}

/* ---- pieces ---- */

static void svg_open(struct strbuf *out, double h, const char *title,
		     const char *desc, const char *id)
{
	strbuf_addf(out,
		    "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
		    "width=\"100%%\" role=\"img\" "
		    "font-family=\"system-ui, -apple-system, 'Segoe UI', "
		    "Roboto, 'Helvetica Neue', Arial, sans-serif\" "
		    "font-size=\"11\" aria-labelledby=\"",
		    W, h);
	html_escape(out, id);
	strbuf_adds(out, "-t ");
	html_escape(out, id);
	strbuf_adds(out, "-d\"><title id=\"");
	html_escape(out, id);
	strbuf_adds(out, "-t\">");
	html_escape(out, title);
	strbuf_adds(out, "</title><desc id=\"");
	html_escape(out, id);
	strbuf_adds(out, "-d\">");
	html_escape(out, desc ? desc : "");
	strbuf_adds(out, "</desc>\n");
}

static void axes(struct strbuf *out, const struct scale *xs,
		 const struct scale *ys, const struct svg_axis *xa,
		 const struct svg_axis *ya, double x0, double x1, double y0,
		 double y1)
{
	strbuf_adds(out, "<g class=\"grid\" stroke=\"#d9d9d9\" "
			 "stroke-width=\"1\">\n");
	for (size_t i = 0; i < ys->nticks; i++) {
		double y = y1 - scale_frac(ys, ys->at[i]) * (y1 - y0);
		strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				 "y2=\"%.1f\"/>\n",
			    x0, y, x1, y);
	}
	for (size_t i = 0; i < xs->nticks; i++) {
		double x = x0 + scale_frac(xs, xs->at[i]) * (x1 - x0);
		strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				 "y2=\"%.1f\"/>\n",
			    x, y0, x, y1);
	}
	strbuf_adds(out, "</g>\n<g class=\"axes\" fill=\"#222\">\n");
	strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			 "y2=\"%.1f\" stroke=\"#444\"/>\n",
		    x0, y1, x1, y1);
	strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			 "y2=\"%.1f\" stroke=\"#444\"/>\n",
		    x0, y0, x0, y1);
	for (size_t i = 0; i < ys->nticks; i++) {
		double y = y1 - scale_frac(ys, ys->at[i]) * (y1 - y0);
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
				 "text-anchor=\"end\" "
				 "dominant-baseline=\"middle\">",
			    x0 - 4, y);
		tick_label(out, ys, i);
		strbuf_adds(out, "</text>\n");
	}
	for (size_t i = 0; i < xs->nticks; i++) {
		double x = x0 + scale_frac(xs, xs->at[i]) * (x1 - x0);
		strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				 "y2=\"%.1f\" stroke=\"#444\"/>\n",
			    x, y1, x, y1 + 4);
		strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
				 "text-anchor=\"middle\">",
			    x, y1 + 15);
		tick_label(out, xs, i);
		strbuf_adds(out, "</text>\n");
	}
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			 "font-weight=\"600\">",
		    (x0 + x1) / 2, y1 + 34);
	html_escape(out, xa->title);
	strbuf_adds(out, "</text>\n");
	/* the y title sits above the axis, level: it never needs to fit
	 * the plot's height */
	if (ya) {
		strbuf_addf(out,
			    "<text x=\"4\" y=\"%.1f\" font-weight=\"600\">",
			    y0 - 14);
		html_escape(out, ya->title);
		strbuf_adds(out, "</text>\n");
	}
	strbuf_adds(out, "</g>\n");
}

struct frame {
	const struct scale *xs, *ys;
	double x0, x1, y0, y1;
};

static double px(const struct frame *f, double v)
{
	return f->x0 + scale_frac(f->xs, v) * (f->x1 - f->x0);
}

static double py(const struct frame *f, double v)
{
	return f->y1 - scale_frac(f->ys, v) * (f->y1 - f->y0);
}

static bool plottable(const struct frame *f, double x, double y)
{
	return isfinite(x) && isfinite(y) && !(f->xs->log && x <= 0);
}

static void band(struct strbuf *out, const struct frame *f,
		 const struct svg_series *s)
{
	bool any = false;

	for (size_t i = 0; i < s->n; i++)
		if (plottable(f, s->x[i], s->hi[i]) && isfinite(s->lo[i]))
			any = true;
	if (!any)
		return;
	strbuf_addf(out, "<polygon fill=\"%s\" fill-opacity=\"0.18\" "
			 "stroke=\"none\" points=\"",
		    svg_color(s->style));
	for (size_t i = 0; i < s->n; i++)
		if (plottable(f, s->x[i], s->hi[i]) && isfinite(s->lo[i]))
			strbuf_addf(out, "%.1f,%.1f ", px(f, s->x[i]),
				    py(f, s->hi[i]));
	for (size_t i = s->n; i-- > 0;)
		if (plottable(f, s->x[i], s->hi[i]) && isfinite(s->lo[i]))
			strbuf_addf(out, "%.1f,%.1f ", px(f, s->x[i]),
				    py(f, s->lo[i]));
	strbuf_adds(out, "\"/>\n");
}

static void line(struct strbuf *out, const struct frame *f,
		 const struct svg_series *s)
{
	bool pen_down = false;

	if (s->lo && s->hi)
		band(out, f, s);
	strbuf_addf(out, "<path fill=\"none\" stroke=\"%s\" "
			 "stroke-width=\"2\" stroke-linejoin=\"round\"",
		    svg_color(s->style));
	if (*svg_dash(s->style))
		strbuf_addf(out, " stroke-dasharray=\"%s\"",
			    svg_dash(s->style));
	strbuf_adds(out, " d=\"");
	for (size_t i = 0; i < s->n; i++) {
		if (!plottable(f, s->x[i], s->y[i]) ||
		    (f->ys->log && s->y[i] <= 0)) {
			pen_down = false;
			continue;
		}
		strbuf_addf(out, "%c%.1f,%.1f ", pen_down ? 'L' : 'M',
			    px(f, s->x[i]), py(f, s->y[i]));
		pen_down = true;
	}
	strbuf_adds(out, "\"><title>");
	html_escape(out, s->name);
	strbuf_adds(out, "</title></path>\n");
}

static void error_bar(struct strbuf *out, const struct frame *f,
		      const struct svg_series *s, size_t i, double x)
{
	double lo = py(f, s->lo[i]), hi = py(f, s->hi[i]);

	if (!isfinite(s->lo[i]) || !isfinite(s->hi[i]))
		return;
	strbuf_addf(out, "<path fill=\"none\" stroke=\"%s\" "
			 "stroke-width=\"1.2\" d=\"M%.1f,%.1f L%.1f,%.1f "
			 "M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\"/>\n",
		    svg_color(s->style), x, lo, x, hi, x - 3, lo, x + 3, lo,
		    x - 3, hi, x + 3, hi);
}

static void points(struct strbuf *out, const struct frame *f,
		   const struct svg_series *s)
{
	for (size_t i = 0; i < s->n; i++) {
		double x, y;
		bool hollow;
		char a[64], b[64];

		if (!plottable(f, s->x[i], s->y[i]))
			continue;
		x = px(f, s->x[i]);
		hollow = f->ys->log && s->y[i] <= 0;
		y = hollow ? f->y1 : py(f, s->y[i]);
		if (s->lo && s->hi)
			error_bar(out, f, s, i, x);
		strbuf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
				 "fill=\"%s\" stroke=\"%s\" "
				 "stroke-width=\"1.5\"><title>",
			    x, y, hollow ? "#fff" : svg_color(s->style),
			    svg_color(s->style));
		html_escape(out, s->name);
		strbuf_addf(out, ": %s, %s</title></circle>\n",
			    fmt_number(a, sizeof(a), s->x[i], 0),
			    fmt_number(b, sizeof(b), s->y[i],
				       log_decimals(fabs(s->y[i])) + 2));
	}
}

/* ---- line chart ---- */

void svg_line_chart(struct strbuf *out, const struct svg_line_chart *c)
{
	struct scale xs, ys;
	struct frame f;
	double lo, hi;

	data_range(c->series, c->nseries, true, c->x.log, &lo, &hi);
	scale_init(&xs, &c->x, lo, hi, 5);
	data_range(c->series, c->nseries, false, c->y.log, &lo, &hi);
	scale_init(&ys, &c->y, lo, hi, 5);
	f = (struct frame){ &xs, &ys, PAD_L, W - PAD_R, PAD_T,
			    LINE_H - PAD_B };
	svg_open(out, LINE_H, c->title, c->desc, c->id);
	axes(out, &xs, &ys, &c->x, &c->y, f.x0, f.x1, f.y0, f.y1);
	strbuf_adds(out, "<defs><clipPath id=\"");
	html_escape(out, c->id);
	strbuf_addf(out, "-clip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			 "height=\"%.1f\"/></clipPath></defs>\n<g clip-path=\""
			 "url(#",
		    f.x0, f.y0 - 6, f.x1 - f.x0 + 6, f.y1 - f.y0 + 12);
	html_escape(out, c->id);
	strbuf_adds(out, "-clip)\">\n");
	for (size_t k = 0; k < c->nseries; k++) {
		if (c->series[k].kind == SVG_LINE)
			line(out, &f, &c->series[k]);
		else
			points(out, &f, &c->series[k]);
	}
	strbuf_adds(out, "</g>\n</svg>\n");
}

/* ---- bar chart ---- */

/* Up to max characters of s, cut at a UTF-8 boundary. */
static void short_label(struct strbuf *out, const char *s, size_t max)
{
	size_t chars = 0, i = 0;

	while (s[i] && chars < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	html_escape_n(out, s, i);
	if (s[i])
		strbuf_adds(out, "\xe2\x80\xa6");
}

static bool has_sublabels(const struct svg_bar_chart *c)
{
	for (size_t r = 0; r < c->nbars; r++)
		if (c->bars[r].sublabel && *c->bars[r].sublabel)
			return true;
	return false;
}

static void bar_label(struct strbuf *out, const struct svg_bar *b,
		      const struct frame *f, double mid)
{
	bool sub = b->sublabel && *b->sublabel;

	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			 "dominant-baseline=\"middle\"><title>",
		    f->x0 - 6, sub ? mid - 6 : mid);
	html_escape(out, b->label);
	if (sub) {
		strbuf_adds(out, ", ");
		html_escape(out, b->sublabel);
	}
	strbuf_adds(out, "</title>");
	short_label(out, b->label, LABEL_MAX);
	strbuf_adds(out, "</text>\n");
	if (!sub)
		return;
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
			 "dominant-baseline=\"middle\" font-size=\"9\" "
			 "fill=\"#555\">",
		    f->x0 - 6, mid + 7);
	short_label(out, b->sublabel, SUBLABEL_MAX);
	strbuf_adds(out, "</text>\n");
}

static void bar_row(struct strbuf *out, const struct svg_bar_chart *c,
		    const struct frame *f, size_t r, double row_h)
{
	const struct svg_bar *b = &c->bars[r];
	double y = BAR_TOP + (double)r * row_h;
	double x = f->x0, sum = 0;

	bar_label(out, b, f, y + row_h / 2);
	for (size_t p = 0; p < c->nparts; p++) {
		double w;
		char v[64];
		sum += b->parts[p] > 0 ? b->parts[p] : 0;
		w = px(f, sum) - x;
		if (w <= 0)
			continue;
		strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				 "height=\"%.1f\" fill=\"%s\" stroke=\"#fff\" "
				 "stroke-width=\"0.5\"><title>",
			    x, y + (row_h - BAR_H) / 2, w, BAR_H,
			    svg_color(c->part_styles[p]));
		html_escape(out, b->label);
		strbuf_adds(out, ", ");
		html_escape(out, c->part_names[p]);
		strbuf_addf(out, ": %s</title></rect>\n",
			    fmt_number(v, sizeof(v), b->parts[p], 2));
		x += w;
	}
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
			 "dominant-baseline=\"middle\">",
		    x + 4, y + row_h / 2);
	html_escape(out, b->value_label);
	strbuf_adds(out, "</text>\n");
}

void svg_bar_chart(struct strbuf *out, const struct svg_bar_chart *c)
{
	double row_h = has_sublabels(c) ? BAR_ROW2 : BAR_ROW;
	double h = BAR_TOP + (double)c->nbars * row_h + BAR_BOTTOM;
	double most = 0;
	struct scale xs, ys;
	struct frame f;
	struct svg_axis x = c->x;

	for (size_t r = 0; r < c->nbars; r++) {
		double sum = 0;
		for (size_t p = 0; p < c->nparts; p++)
			sum += c->bars[r].parts[p] > 0 ? c->bars[r].parts[p]
						       : 0;
		if (sum > most)
			most = sum;
	}
	x.log = false;
	x.from_zero = true;
	/* the bars' axis is narrow (a phone's text is larger): few ticks */
	scale_init(&xs, &x, 0, most > 0 ? most : 1, 3);
	memset(&ys, 0, sizeof(ys));
	ys.min = 0;
	ys.max = 1;
	f = (struct frame){ &xs, &ys, BAR_LABEL_W, W - BAR_VALUE_W, BAR_TOP,
			    h - BAR_BOTTOM };
	svg_open(out, h, c->title, c->desc, c->id);
	axes(out, &xs, &ys, &x, NULL, f.x0, f.x1, f.y0, f.y1);
	strbuf_adds(out, "<g class=\"bars\" fill=\"#222\">\n");
	for (size_t r = 0; r < c->nbars; r++)
		bar_row(out, c, &f, r, row_h);
	strbuf_adds(out, "</g>\n</svg>\n");
}

void svg_swatch(struct strbuf *out, int style, bool is_line)
{
	strbuf_adds(out, "<svg class=\"swatch\" viewBox=\"0 0 24 12\" "
			 "width=\"24\" height=\"12\" aria-hidden=\"true\">");
	if (is_line) {
		strbuf_addf(out, "<line x1=\"0\" y1=\"6\" x2=\"24\" y2=\"6\" "
				 "stroke=\"%s\" stroke-width=\"2.5\"",
			    svg_color(style));
		if (*svg_dash(style))
			strbuf_addf(out, " stroke-dasharray=\"%s\"",
				    svg_dash(style));
		strbuf_adds(out, "/>");
	} else {
		strbuf_addf(out, "<rect x=\"6\" y=\"0\" width=\"12\" "
				 "height=\"12\" fill=\"%s\"/>",
			    svg_color(style));
	}
	strbuf_adds(out, "</svg>");
}
