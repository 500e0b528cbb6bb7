/* SPDX-License-Identifier: MIT
 * test_html.c: what the report writers rely on to put data on a page:
 * escaping of text from data (markup, quotes, broken UTF-8, control
 * characters) and numbers formatted for people. */
#include "testutil.h"

#include <math.h>

#include "reports/html.h"

static char *escaped(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	html_escape(&sb, s);
	return strbuf_detach(&sb);
}

static void test_html__escapes_markup_and_quotes(void **state)
{
	char *s = escaped("<script>alert(\"x\" & 'y')</script>");

	(void)state;
	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot; &amp; "
			       "&#39;y&#39;)&lt;/script&gt;");
	free(s);
	s = escaped(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_html__keeps_utf8_and_replaces_broken_bytes(void **state)
{
	char *s;

	(void)state;
	s = escaped("Zürich – 東京");
	assert_string_equal(s, "Zürich – 東京");
	free(s);
	/* a lone continuation byte, a truncated sequence, an overlong '/' */
	s = escaped("a\x80" "b\xe2\x82" "c\xc0\xaf");
	assert_string_equal(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
			       "c\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = escaped("tab\tnl\nbell\x07");
	assert_string_equal(s, "tab\tnl\nbell\xef\xbf\xbd");
	free(s);
}

static void test_html__escape_n_stops_at_the_length(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	html_escape_n(&sb, "a<b<c", 3);
	assert_string_equal(sb.buf, "a&lt;b");
	strbuf_release(&sb);
}

static void test_html__numbers_group_thousands(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(fmt_number(b, sizeof(b), 1234567.891, 2),
			    "1,234,567.89");
	assert_string_equal(fmt_number(b, sizeof(b), 999.994, 2), "999.99");
	assert_string_equal(fmt_number(b, sizeof(b), 999.996, 2),
			    "1,000.00");
	assert_string_equal(fmt_number(b, sizeof(b), -12345, 0), "-12,345");
	assert_string_equal(fmt_number(b, sizeof(b), 12, 0), "12");
	assert_string_equal(fmt_number(b, sizeof(b), -0.001, 2), "0.00");
	assert_string_equal(fmt_number(b, sizeof(b), NAN, 2), "-");
	assert_string_equal(fmt_number(b, sizeof(b), INFINITY, 2), "-");
}

static void test_html__deltas_and_percentages(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(fmt_delta(b, sizeof(b), 1234.5, 2), "+1,234.50");
	assert_string_equal(fmt_delta(b, sizeof(b), -12, 2), "-12.00");
	assert_string_equal(fmt_delta(b, sizeof(b), 0.001, 2), "0.00");
	assert_string_equal(fmt_percent(b, sizeof(b), 0.0312, 1), "3.1%");
	assert_string_equal(fmt_percent(b, sizeof(b), 0.00001, 1), "<0.1%");
	assert_string_equal(fmt_percent(b, sizeof(b), 0.99999, 0), ">99%");
	assert_string_equal(fmt_percent(b, sizeof(b), 1, 0), "100%");
	assert_string_equal(fmt_percent(b, sizeof(b), 0, 0), "0%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html__escapes_markup_and_quotes),
		cmocka_unit_test(
			test_html__keeps_utf8_and_replaces_broken_bytes),
		cmocka_unit_test(test_html__escape_n_stops_at_the_length),
		cmocka_unit_test(test_html__numbers_group_thousands),
		cmocka_unit_test(test_html__deltas_and_percentages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
