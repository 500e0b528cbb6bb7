/* SPDX-License-Identifier: MIT
 * test_svg.c: the report's charts: nice ticks, well-formed SVG with its
 * accessible title, escaped labels, log axes that survive zeros, and bars
 * in proportion to their values. */
#include "testutil.h"

#include <math.h>

#include "reports/svg.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p;
	     p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Whether a non-finite number was printed: "nan" or "inf" not inside a
 * word (as in dominant-baseline). */
static bool has_non_finite(const char *svg)
{
	static const char *const words[] = { "nan", "inf" };

	for (size_t w = 0; w < 2; w++)
		for (const char *p = strstr(svg, words[w]); p;
		     p = strstr(p + 1, words[w]))
			if (p == svg || !((p[-1] >= 'a' && p[-1] <= 'z') ||
					  (p[-1] >= 'A' && p[-1] <= 'Z')))
				return true;
	return false;
}

static void test_svg__nice_ticks(void **state)
{
	double at[16], lo = 0, hi = 9046.55;
	size_t n;

	(void)state;
	n = svg_nice_ticks(&lo, &hi, 5, at, 16);
	assert_int_equal(n, 6);
	assert_true(at[0] == 0 && at[1] == 2000 && at[5] == 10000);
	assert_true(lo == 0 && hi == 10000);
	lo = 0.013;
	hi = 0.047;
	n = svg_nice_ticks(&lo, &hi, 5, at, 16);
	assert_true(n >= 3 && at[0] <= 0.013 && at[n - 1] >= 0.047);
	lo = hi = 5; /* a flat series still gets an axis */
	n = svg_nice_ticks(&lo, &hi, 5, at, 16);
	assert_true(n >= 2 && lo < 5 && hi > 5);
}

static void test_svg__line_chart_is_well_formed(void **state)
{
	static const double x[] = { 0, 1, 2, 3 };
	static const double y[] = { 10, 20, NAN, 40 };
	struct svg_series s = { "cost <all>", SVG_LINE, x, y, NULL, NULL, 4,
				0 };
	struct svg_line_chart c = {
		"c1", "Cost & more", "a \"quoted\" description",
		{ "month", NAN, NAN, false, NULL, 0, 0, false },
		{ "EUR per month", NAN, NAN, false, NULL, 0, 0, true },
		&s, 1
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	svg_line_chart(&sb, &c);
	assert_true(str_starts_with(sb.buf, "<svg class=\"chart\""));
	assert_non_null(strstr(sb.buf, "</svg>"));
	assert_non_null(strstr(sb.buf, "<title id=\"c1-t\">Cost &amp; more"));
	assert_non_null(strstr(sb.buf, "a &quot;quoted&quot; description"));
	assert_non_null(strstr(sb.buf, "cost &lt;all&gt;"));
	assert_non_null(strstr(sb.buf, "EUR per month"));
	assert_false(has_non_finite(sb.buf));
	/* the NAN leaves a gap: the path starts again with M */
	assert_int_equal(count(sb.buf, " d=\"M"), 1);
	assert_int_equal(count(strstr(sb.buf, " d=\"M"), "M"), 2);
	strbuf_release(&sb);
}

static void test_svg__log_axis_puts_zeros_on_the_axis(void **state)
{
	static const double x[] = { 1, 10, 100 };
	static const double y[] = { 5, 0, 0.5 };
	static const double lo[] = { 2, 0, 0.1 };
	static const double hi[] = { 9, 3, 1 };
	struct svg_series s = { "seen", SVG_POINTS, x, y, lo, hi, 3, 1 };
	struct svg_line_chart c = {
		"c2", "Rates", "",
		{ "age", 1, 100, true, NULL, 0, 0, false },
		{ "per million", NAN, NAN, true, NULL, 0, 0, false },
		&s, 1
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	svg_line_chart(&sb, &c);
	assert_int_equal(count(sb.buf, "<circle"), 3);
	/* the zero is drawn hollow */
	assert_int_equal(count(sb.buf, "fill=\"#fff\""), 1);
	assert_false(has_non_finite(sb.buf));
	strbuf_release(&sb);
}

/* The width of the n-th <rect> in sb. */
static double rect_width(const char *svg, int n)
{
	const char *p = svg;

	for (int i = 0; i <= n; i++)
		p = strstr(p + 1, "<rect ");
	return strtod(strstr(p, "width=\"") + 7, NULL);
}

static void test_svg__bars_are_proportional(void **state)
{
	static const char *const parts[] = { "a", "b" };
	static const int styles[] = { 0, 1 };
	struct svg_bar bars[] = {
		{ "first <vault>", NULL, "300 EUR", { 100, 200, 0, 0 } },
		{ "a very long name that does not fit the chart", "its vault",
		  "50 EUR", { 50, 0, 0, 0 } },
	};
	struct svg_bar_chart c = {
		"b1", "Bars", "", parts, styles, 2, bars, 2,
		{ "EUR per month", NAN, NAN, false, NULL, 0, 0, true }
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	svg_bar_chart(&sb, &c);
	assert_int_equal(count(sb.buf, "<rect "), 3);
	assert_true(fabs(rect_width(sb.buf, 1) - 2 * rect_width(sb.buf, 0)) <
		    0.2);
	assert_true(fabs(rect_width(sb.buf, 0) - 2 * rect_width(sb.buf, 2)) <
		    0.2);
	assert_non_null(strstr(sb.buf, "first &lt;vault&gt;"));
	/* a long label is cut, with the whole name in its tooltip */
	assert_non_null(strstr(sb.buf, "a very long name \xe2\x80\xa6"));
	assert_non_null(strstr(sb.buf, "<title>a very long name that does "
				       "not fit the chart, its vault"));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg__nice_ticks),
		cmocka_unit_test(test_svg__line_chart_is_well_formed),
		cmocka_unit_test(test_svg__log_axis_puts_zeros_on_the_axis),
		cmocka_unit_test(test_svg__bars_are_proportional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
