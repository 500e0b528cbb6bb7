/* SPDX-License-Identifier: MIT
 * test_util.c: strict number parsing (what a data file or a flag may hold),
 * strbuf, str_split, the small string helpers, edit_distance and the
 * number formatters checked against printf. */
#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "optimizer/base/jsonutil.h"
#include "optimizer/cli/cli.h"

static void test_util__parse_long_accepts_plain_integers(void **state)
{
	long v = 0;

	(void)state;
	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("-7", -10, 10, &v), 0);
	assert_int_equal(v, -7);
	assert_int_equal(parse_long("+7", -10, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_long("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_long("0", 0, 0, &v), 0);
	assert_int_equal(v, 0);
}

static void test_util__parse_long_rejects_anything_else(void **state)
{
	static const char *const bad[] = {
		"", " 42", "42 ", "\t42", "42\n", "4 2", "0x10", "1e3", "12abc",
		"1.0", "--1", "+", "-", "٣", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999999",
	};
	long v = 1234;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_long(bad[i], LONG_MIN, LONG_MAX, &v) == 0)
			fail_msg("parse_long accepted '%s'", bad[i]);
		assert_int_equal(v, 1234); /* out untouched */
	}
	assert_int_equal(parse_long(NULL, 0, 1, &v), -1);
}

static void test_util__parse_long_checks_bounds(void **state)
{
	long v = 5;

	(void)state;
	assert_int_equal(parse_long("10", 1, 10, &v), 0);
	assert_int_equal(parse_long("1", 1, 10, &v), 0);
	assert_int_equal(parse_long("11", 1, 10, &v), -1);
	assert_int_equal(parse_long("0", 1, 10, &v), -1);
	assert_int_equal(parse_long("-1", 0, 10, &v), -1);
	assert_int_equal(v, 1);
	assert_int_equal(parse_long("9223372036854775807", 0, LONG_MAX, &v),
			 0);
	assert_true(v == LONG_MAX);
}

static void test_util__parse_double_accepts_decimals(void **state)
{
	double v = 0;

	(void)state;
	assert_int_equal(parse_double("1.5", 0, 10, &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(parse_double("-0.25", -1, 1, &v), 0);
	assert_true(v == -0.25);
	assert_int_equal(parse_double("1e3", 0, 1e4, &v), 0);
	assert_true(v == 1000);
	assert_int_equal(parse_double("2.5E-1", 0, 1, &v), 0);
	assert_true(v == 0.25);
	assert_int_equal(parse_double(".5", 0, 1, &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(parse_double("7", 0, 10, &v), 0);
	assert_true(v == 7);
	assert_int_equal(parse_double("+3.", 0, 10, &v), 0);
	assert_true(v == 3);
}

static void test_util__parse_double_rejects_anything_else(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "\t1", "1\n", "1,5", "1.2.3", "0x10", "0x1p3",
		"inf", "-inf", "INF", "infinity", "nan", "NaN", "1e", "e3", ".",
		"-", "--1", "1e999", "-1e999", "1..2", "12abc", "1_000",
	};
	double v = 1234;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_double(bad[i], -HUGE_VAL, HUGE_VAL, &v) == 0)
			fail_msg("parse_double accepted '%s'", bad[i]);
		assert_true(v == 1234); /* out untouched */
	}
	assert_int_equal(parse_double(NULL, 0, 1, &v), -1);
}

static void test_util__parse_double_checks_bounds(void **state)
{
	double v = 9;

	(void)state;
	assert_int_equal(parse_double("1", 0, 1, &v), 0);
	assert_int_equal(parse_double("0", 0, 1, &v), 0);
	assert_int_equal(parse_double("1.0001", 0, 1, &v), -1);
	assert_int_equal(parse_double("-0.0001", 0, 1, &v), -1);
	assert_int_equal(parse_double("0.009", 0.01, 1e6, &v), -1);
	assert_true(v == 0);
}

/* The same double as strtod, to the bit (the sign of zero too), for two
 * million random plain decimals of 1 to 18 digits (the fast path takes
 * those of at most 15) and the edge cases around its limits. */
static void test_util__parse_double_is_strtod(void **state)
{
	static const char *const edge[] = {
		"0", "-0", "+0.0", "-0.000", "0.1", "0.3", "2.675",
		"999999999999999", "999999999999999.9", "9007199254740993",
		"0.000000000000001", "0.0000000000000001", "123456789012345",
		"1234567890123456", "12345678901234567890", "4.35", "1e-300",
		"1.7976931348623157e308", "00000000000000012.5", "58.320",
	};
	uint64_t rng = 0x853c49e6748fea9bu;
	char text[64];
	double v, want;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edge) + 2000000; i++) {
		const char *s = text;
		if (i < ARRAY_SIZE(edge)) {
			s = edge[i];
		} else {
			size_t n = 0, digits;
			test_xorshift(&rng);
			digits = 1 + rng % 18;
			if (rng >> 60 == 0)
				text[n++] = (rng >> 59) & 1 ? '-' : '+';
			for (size_t d = 0; d < digits; d++) {
				if (d && d == (rng >> 8) % (digits + 1))
					text[n++] = '.';
				text[n++] = (char)('0' + (rng >> (16 + 2 * d)) %
							 10);
			}
			text[n] = '\0';
		}
		want = strtod(s, NULL);
		assert_int_equal(parse_double(s, -HUGE_VAL, HUGE_VAL, &v), 0);
		if (memcmp(&v, &want, sizeof(v)) != 0)
			fail_msg("'%s': %.17g, strtod %.17g", s, v, want);
	}
}

static void test_util__strbuf_grows_and_hands_over(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	strbuf_adds(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_add(&sb, "xyz", 2);
	assert_string_equal(sb.buf, "abc-xy");
	assert_int_equal(sb.len, 6);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(str_starts_with(sb.buf, "abc-xy0,1,2,"));
	assert_true(str_ends_with(sb.buf, ",998,999,"));
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_addf(&sb, "%s=%05.1f", "x", 2.25);
	s = strbuf_detach(&sb);
	assert_string_equal(s, "x=002.2");
	free(s);
	/* detached: empty again, and usable */
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	s = strbuf_detach(&sb); /* an empty buffer still gives a string */
	assert_string_equal(s, "");
	free(s);
	strbuf_adds(&sb, "again");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb); /* twice is fine */
}

static void test_util__strbuf_keeps_embedded_nul(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	strbuf_release(&sb);
}

static void test_util__str_split_pieces(void **state)
{
	const char *out[8];
	char *copy;
	size_t n;

	(void)state;
	n = str_split("Sunday;Wednesday;Friday", ';', &copy, out, 8);
	assert_int_equal(n, 3);
	assert_string_equal(out[0], "Sunday");
	assert_string_equal(out[1], "Wednesday");
	assert_string_equal(out[2], "Friday");
	free(copy);

	n = str_split("a;;b;", ';', &copy, out, 8);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "a");
	assert_string_equal(out[1], "");
	assert_string_equal(out[2], "b");
	assert_string_equal(out[3], "");
	free(copy);

	n = str_split("", ';', &copy, out, 8);
	assert_int_equal(n, 0);
	free(copy);

	n = str_split("alone", ';', &copy, out, 8);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "alone");
	free(copy);
}

static void test_util__str_split_stops_at_max(void **state)
{
	const char *out[3] = { NULL, NULL, "untouched" };
	char *copy;
	size_t n;

	(void)state;
	n = str_split("a;b;c;d", ';', &copy, out, 2);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "a");
	assert_string_equal(out[1], "b");
	assert_string_equal(out[2], "untouched");
	free(copy);
}

static void test_util__string_helpers(void **state)
{
	char small[4], hex[9];
	char *p;

	(void)state;
	assert_true(str_eq_ci("GeoRedundant", "georedundant"));
	assert_false(str_eq_ci("Geo", "GeoRedundant"));
	assert_false(str_eq_ci("", "x"));
	assert_true(str_eq_ci("", ""));
	assert_true(str_starts_with("vaults.csv", "vaults"));
	assert_false(str_starts_with("vault", "vaults"));
	assert_true(str_ends_with("vaults.csv", ".csv"));
	assert_false(str_ends_with("csv", ".csv"));
	assert_int_equal(strlcpy_vw(small, "abcdef", sizeof(small)), 6);
	assert_string_equal(small, "abc");
	assert_int_equal(strlcpy_vw(small, "ab", sizeof(small)), 2);
	assert_string_equal(small, "ab");
	p = path_join("dir", "f.csv");
	assert_string_equal(p, "dir/f.csv");
	free(p);
	p = path_join("dir/", "f.csv");
	assert_string_equal(p, "dir/f.csv");
	free(p);
	hex_encode((const unsigned char *)"\x00\x9f\xa0\xff", 4, hex);
	assert_string_equal(hex, "009fa0ff");
}

static void test_util__edit_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("", ""), 0);
	assert_int_equal(edit_distance("abc", ""), 3);
	assert_int_equal(edit_distance("", "abc"), 3);
	assert_int_equal(edit_distance("out", "out"), 0);
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
	assert_int_equal(edit_distance("sitting", "kitten"), 3);
	assert_int_equal(edit_distance("flaw", "lawn"), 2);
	assert_int_equal(edit_distance("otu", "out"), 2);
	assert_int_equal(edit_distance("snapshot", "snapshto"), 2);
	assert_int_equal(edit_distance("concurency", "concurrency"), 1);
}

static void test_util__shell_word_quotes_what_a_shell_would_read(
	void **state)
{
	static const char *const cases[][2] = {
		{ "rg-prod", "rg-prod" },
		{ "eastus", "eastus" },
		{ "", "''" },
		{ "a b", "'a b'" },
		{ "x;rm -rf ~", "'x;rm -rf ~'" },
		{ "$(id)`id`", "'$(id)`id`'" },
		{ "it's", "'it'\\''s'" },
		{ "line\nbreak", "'line\nbreak'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_add_shell_word(&sb, cases[i][0]);
		assert_string_equal(sb.buf, cases[i][1]);
		strbuf_release(&sb);
	}
}

static void test_util__utf8_invalid_bytes_become_replacement(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_true(utf8_valid("caf\xc3\xa9 \xe2\x9c\x93"));
	assert_false(utf8_valid("caf\xe9"));
	assert_false(utf8_valid("\xc0\xaf"));         /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80"));     /* a surrogate */
	assert_false(utf8_valid("\xe2\x9c"));         /* cut short */
	utf8_sanitize(&sb, "caf\xe9-\xc3\xa9\xff");
	assert_string_equal(sb.buf, "caf\xef\xbf\xbd-\xc3\xa9\xef\xbf\xbd");
	strbuf_release(&sb);
}

/* A name that is not UTF-8 reaches model.json, plan.json and check's JSON
 * as U+FFFD, so the file stays JSON a strict reader accepts. */
static void test_util__json_text_is_valid_utf8(void **state)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	(void)state;
	json_add_text(o, "name", "caf\xe9\x1b");
	json_add_text(o, "none", NULL);
	text = cJSON_PrintUnformatted(o);
	assert_true(utf8_valid(text));
	assert_string_equal(text, "{\"name\":\"caf\xef\xbf\xbd\\u001b\","
				  "\"none\":\"\"}");
	cJSON_free(text);
	cJSON_Delete(o);
}

/* Counts from outside are rounded and clamped before any cast. */
static void test_util__clamp_round(void **state)
{
	(void)state;
	assert_int_equal(clamp_round(2.5, 10), 3);
	assert_int_equal(clamp_round(-2.4, 10), -2);
	assert_int_equal(clamp_round(1e300, 10), 10);
	assert_int_equal(clamp_round(-1e300, 10), -10);
	assert_int_equal(clamp_round(NAN, 10), 0);
	assert_int_equal(clamp_round(INFINITY, 10), 10);
}

/* format_fixed writes what snprintf("%.*f") writes (bar "-0.00"). */
static void expect_fixed_as_printf(double v, int decimals)
{
	char got[64], want[64];

	format_fixed(got, sizeof(got), v, decimals);
	snprintf(want, sizeof(want), "%.*f", decimals, v);
	if (want[0] == '-' && strspn(want + 1, "0.") == strlen(want + 1))
		memmove(want, want + 1, strlen(want));
	if (strcmp(got, want) != 0)
		fail_msg("%.17g to %d decimals: '%s', printf '%s'", v,
			 decimals, got, want);
}

static void test_util__format_fixed_matches_printf(void **state)
{
	static const double edge[] = {
		0, 0.5, 1.5, 2.5, -0.5, -2.5, 0.125, -0.125, 0.375, 2.675,
		1.005, 0.045, 1.0000000005, 0.00049999999999999999,
		1234.5678, -1234.5678, 4.2, 99.995, 999999.9999999,
		3.9e15, -3.9e15, 3.9e6, 4.1e15, 1e300, -1e-300, 5e-324,
		-0.001, -0.0, 0.999999999, 9.9999999995,
	};
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edge); i++)
		for (int d = 0; d <= 9; d++)
			expect_fixed_as_printf(edge[i], d);
	/* halves at every scale, and values a rounding step either side */
	for (long k = -2000; k <= 2000; k++)
		for (int d = 0; d <= 9; d++) {
			double v = ((double)k + 0.5) / pow(10, d);
			expect_fixed_as_printf(v, d);
			expect_fixed_as_printf(nextafter(v, INFINITY), d);
			expect_fixed_as_printf(nextafter(v, -INFINITY), d);
		}
	for (int i = 0; i < 200000; i++) {
		double v;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = (double)(x >> 11) / 9007199254740992.0 *
		    pow(10, (int)(x % 13) - 3);
		expect_fixed_as_printf(x & 1 ? -v : v, (int)((x >> 3) % 10));
	}
}

/* round_fixed is what a reader of the written text gets back: plan
 * hands run's report in memory the sums it would read from plan.csv. */
static void test_util__round_fixed_is_the_text_read_back(void **state)
{
	static const double edge[] = {
		0, 0.5, 2.5, -0.5, 0.125, 2.675, 1.005, 0.045, 99.995,
		-0.001, -0.0, 3.9e15, 4.1e15, 1e300, 0.01455, 1234.56785,
	};
	uint64_t x = 0x2545F4914F6CDD1DULL;
	char text[400];

	(void)state;
	assert_true(isnan(round_fixed(NAN, 4)));
	for (size_t i = 0; i < ARRAY_SIZE(edge); i++)
		for (int d = 0; d <= 9; d++) {
			format_fixed(text, sizeof(text), edge[i], d);
			assert_true(round_fixed(edge[i], d) ==
				    strtod(text, NULL));
		}
	for (int i = 0; i < 200000; i++) {
		double v;
		int d;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = (double)(x >> 11) / 9007199254740992.0 *
		    pow(10, (int)(x % 9) - 3);
		d = (int)((x >> 3) % 10);
		format_fixed(text, sizeof(text), v, d);
		assert_true(round_fixed(v, d) == strtod(text, NULL));
	}
}

/* The next of a xorshift sequence. */
static uint64_t next_bits(uint64_t *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

/* A million and a half doubles of every kind: any bit pattern (NaN,
 * infinities, subnormals, huge), money in cents and a rounding step
 * either side, and large values up to format_fixed's 4e15 limit and
 * past it. */
static void test_util__format_fixed_matches_printf_on_millions(
	void **state)
{
	uint64_t x = 0x2545F4914F6CDD1DULL;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint64_t b = next_bits(&x);
		double v;
		memcpy(&v, &b, sizeof(v));
		expect_fixed_as_printf(v, (int)(next_bits(&x) % 10));
	}
	for (int i = 0; i < 300000; i++) {
		int d = (int)(next_bits(&x) % 10);
		double v = (double)(int64_t)(next_bits(&x) % 2000000001ULL -
					     1000000000) / 100;
		expect_fixed_as_printf(v, d);
		expect_fixed_as_printf(nextafter(v, INFINITY), d);
		expect_fixed_as_printf(nextafter(v, -INFINITY), d);
	}
	for (int i = 0; i < 500000; i++) {
		int d = (int)(next_bits(&x) % 10);
		double v = (double)(next_bits(&x) % 5000000000000000ULL) /
			   pow(10, d);
		expect_fixed_as_printf(i & 1 ? -v : v, d);
	}
}

/* Too short a buffer: the text is cut as snprintf cuts it. */
static void test_util__format_fixed_truncates_as_printf(void **state)
{
	static const double v[] = { 0, -1.5, 123456.789, -0.004,
				    3999999999.99, 1e20 };
	char got[64], want[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		for (int d = 0; d <= 9; d++)
			for (size_t n = 1; n < 40; n++) {
				size_t len = format_fixed(got, n, v[i], d);
				snprintf(want, n, "%.*f", d,
					 v[i] == -0.004 && d < 3 ? 0.0
								 : v[i]);
				assert_string_equal(got, want);
				assert_int_equal(len, strlen(want));
			}
	assert_int_equal(format_fixed(got, 0, 1.25, 2), 0);
}

/* NaN and infinities are not numbers a cell can hold: format_fixed
 * hands them to snprintf, and the CSV writer leaves NaN's cell empty
 * (test_csvio). */
static void test_util__format_fixed_leaves_non_numbers_to_printf(
	void **state)
{
	char s[64];

	(void)state;
	format_fixed(s, sizeof(s), NAN, 2);
	assert_string_equal(s, "nan");
	format_fixed(s, sizeof(s), -INFINITY, 2);
	assert_string_equal(s, "-inf");
	/* truncated like snprintf; the length is what was written */
	assert_int_equal(format_fixed(s, 5, 123456.75, 2), 4);
	assert_string_equal(s, "1234");
	assert_int_equal(format_fixed(s, sizeof(s), -0.5, 3), 6);
	assert_int_equal(format_fixed(s, sizeof(s), 1e300, 2), 63);
}

static void test_util__format_long_matches_printf(void **state)
{
	static const long v[] = { 0, 1, -1, 9, 10, -10, 99, 100, 12345,
				  -987654321, LONG_MAX, LONG_MIN,
				  LONG_MIN + 1 };
	char got[LONG_DEC_LEN], want[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		size_t n = format_long(got, v[i]);
		snprintf(want, sizeof(want), "%ld", v[i]);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
}

/* strfmt writes what snprintf writes, cut at every buffer size, its
 * literal runs and %s texts copied whole or in part. */
static void test_util__strfmt_matches_snprintf_at_every_size(void **state)
{
	char got[96], want[96];

	(void)state;
	for (size_t n = 1; n <= sizeof(got); n++) {
		strfmt(got, n, "saves %.2f %s over %zu points; %s%% %d/%.4g",
		       1234.567, "EUR", (size_t)42, "P(any)", -7, 0.000123);
		snprintf(want, n, "saves %.2f %s over %zu points; %s%% %d/%.4g",
			 1234.567, "EUR", (size_t)42, "P(any)", -7, 0.000123);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util__parse_long_accepts_plain_integers),
		cmocka_unit_test(test_util__parse_long_rejects_anything_else),
		cmocka_unit_test(test_util__parse_long_checks_bounds),
		cmocka_unit_test(test_util__parse_double_accepts_decimals),
		cmocka_unit_test(test_util__parse_double_rejects_anything_else),
		cmocka_unit_test(test_util__parse_double_checks_bounds),
		cmocka_unit_test(test_util__parse_double_is_strtod),
		cmocka_unit_test(test_util__strbuf_grows_and_hands_over),
		cmocka_unit_test(test_util__strbuf_keeps_embedded_nul),
		cmocka_unit_test(test_util__str_split_pieces),
		cmocka_unit_test(test_util__str_split_stops_at_max),
		cmocka_unit_test(test_util__string_helpers),
		cmocka_unit_test(test_util__edit_distance),
		cmocka_unit_test(test_util__json_text_is_valid_utf8),
		cmocka_unit_test(test_util__clamp_round),
		cmocka_unit_test(test_util__format_fixed_matches_printf),
		cmocka_unit_test(
			test_util__format_fixed_matches_printf_on_millions),
		cmocka_unit_test(test_util__format_fixed_truncates_as_printf),
		cmocka_unit_test(test_util__round_fixed_is_the_text_read_back),
		cmocka_unit_test(
			test_util__format_fixed_leaves_non_numbers_to_printf),
		cmocka_unit_test(test_util__format_long_matches_printf),
		cmocka_unit_test(
			test_util__strfmt_matches_snprintf_at_every_size),
		cmocka_unit_test(
			test_util__shell_word_quotes_what_a_shell_would_read),
		cmocka_unit_test(
			test_util__utf8_invalid_bytes_become_replacement),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
