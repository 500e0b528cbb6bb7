/* SPDX-License-Identifier: MIT
 * test_timeutil.c: ISO 8601 times and durations as Azure and users write
 * them, civil-date arithmetic over a wide range, weekdays, month addition. */
#include "testutil.h"

#include <math.h>

#include "optimizer/base/timeutil.h"

/* 2026-11-01T08:00:00Z, computed independently: 20758 days after 1970. */
#define NOV1_0800 (INT64_C(20758) * DAY_S + 8 * HOUR_S)

static int64_t parse_ok(const char *s, int allow_date)
{
	int64_t t = 0;

	if (time_parse_iso(s, allow_date, &t) != 0)
		fail_msg("time_parse_iso rejected '%s'", s);
	return t;
}

static void test_timeutil__parse_utc_z(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", 0), 0);
	assert_int_equal(parse_ok("2026-11-01T08:00:00Z", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01t08:00:00z", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01 08:00:00Z", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01T08:00Z", 0), NOV1_0800);
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z", 0), -1);
	assert_int_equal(parse_ok("2000-03-01T00:00:00Z", 0), 951868800);
}

static void test_timeutil__parse_offsets(void **state)
{
	(void)state;
	/* 09:30 at +01:30 and 03:00 at -05:00 are both 08:00Z */
	assert_int_equal(parse_ok("2026-11-01T09:30:00+01:30", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01T03:00:00-05:00", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01T08:00:00+00:00", 0), NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01T08:00:00-00:00", 0), NOV1_0800);
	/* crossing midnight backwards into the previous day */
	assert_int_equal(parse_ok("2026-11-01T01:00:00+09:00", 0),
			 NOV1_0800 - 16 * HOUR_S);
}

static void test_timeutil__parse_fractional_seconds(void **state)
{
	(void)state;
	/* Azure writes 7 fractional digits; they are dropped, not rounded */
	assert_int_equal(parse_ok("2026-11-01T08:00:00.9999999Z", 0),
			 NOV1_0800);
	assert_int_equal(parse_ok("2026-11-01T08:00:05.5+00:00", 0),
			 NOV1_0800 + 5);
	assert_int_equal(time_parse_iso("2026-11-01T08:00:00.Z", 0,
					&(int64_t){ 0 }),
			 -1);
	assert_int_equal(time_parse_iso("2026-11-01T08:00:00,5Z", 0,
					&(int64_t){ 0 }),
			 -1);
}

static void test_timeutil__parse_date_only_when_allowed(void **state)
{
	int64_t t = 77;

	(void)state;
	assert_int_equal(parse_ok("2026-11-01", 1), NOV1_0800 - 8 * HOUR_S);
	assert_int_equal(time_parse_iso("2026-11-01", 0, &t), -1);
	assert_int_equal(t, 77);
}

static void test_timeutil__parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"2026-11-01T08:00:00",        /* naive: no zone */
		"2026-11-01T08:00",
		"2026-11-01T08:00:00+0100",   /* offset without colon */
		"2026-11-01T08:00:00+01",
		"2026-11-01T08:00:00+24:00",
		"2026-11-01T08:00:00+01:60",
		"2026-13-01T00:00:00Z",       /* month 13 */
		"2026-00-10T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-31T00:00:00Z",       /* November has 30 days */
		"2026-02-29T00:00:00Z",       /* not a leap year */
		"2100-02-29T00:00:00Z",       /* centuries are not */
		"2026-11-01T24:00:00Z",       /* hour 24 */
		"2026-11-01T23:60:00Z",
		"2026-11-01T23:59:61Z",
		"2026-11-01T08:00:00Zjunk",   /* trailing garbage */
		"2026-11-01T08:00:00Z ",
		" 2026-11-01T08:00:00Z",
		"2026-11-01X08:00:00Z",
		"2026-11-01junk",
		"2026-11-1T08:00:00Z",
		"26-11-01T08:00:00Z",
		"2026/11/01T08:00:00Z",
		"2026-11-01T8:00:00Z",
		"2026-11-01T08:00:00.123",
	};
	int64_t t = 77;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (time_parse_iso(bad[i], 1, &t) == 0)
			fail_msg("time_parse_iso accepted '%s'", bad[i]);
		assert_int_equal(t, 77);
	}
	assert_int_equal(time_parse_iso(NULL, 1, &t), -1);
}

/* Found by fuzz_timeutil: an offset that carries the instant before year
 * 0000 (or past 9999) was accepted, and written back as another year. */
static void test_timeutil__parse_rejects_offsets_out_of_years(void **state)
{
	int64_t t = 0;

	(void)state;
	assert_int_equal(time_parse_iso("0000-01-01T00:00+00:02", 0, &t), -1);
	assert_int_equal(time_parse_iso("9999-12-31T23:59:00-00:01", 0, &t),
			 -1);
	assert_int_equal(t, 0);
	assert_int_equal(parse_ok("0000-01-01T00:02+00:02", 0),
			 time_from_civil(0, 1, 1, 0, 0, 0));
	assert_int_equal(parse_ok("9999-12-31T23:58:59-00:01", 0),
			 time_from_civil(9999, 12, 31, 23, 59, 59));
}

static void test_timeutil__parse_leap_days(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2024-02-29T12:00:00Z", 0),
			 parse_ok("2024-03-01T12:00:00Z", 0) - DAY_S);
	assert_int_equal(parse_ok("2000-02-29", 1),
			 parse_ok("2000-03-01", 1) - DAY_S);
	assert_int_equal(parse_ok("2028-02-29", 1),
			 parse_ok("2028-02-28", 1) + DAY_S);
}

static void test_timeutil__format(void **state)
{
	char iso[TIME_ISO_LEN], date[DATE_ISO_LEN];

	(void)state;
	time_format_iso(NOV1_0800, iso);
	assert_string_equal(iso, "2026-11-01T08:00:00Z");
	time_format_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00Z");
	time_format_iso(-1, iso);
	assert_string_equal(iso, "1969-12-31T23:59:59Z");
	time_format_iso(parse_ok("2024-02-29T23:59:59Z", 0), iso);
	assert_string_equal(iso, "2024-02-29T23:59:59Z");
	time_format_iso(parse_ok("9999-12-31T23:59:59Z", 0), iso);
	assert_string_equal(iso, "9999-12-31T23:59:59Z");
	time_format_date(NOV1_0800, date);
	assert_string_equal(date, "2026-11-01");
	time_format_date(-1, date);
	assert_string_equal(date, "1969-12-31");
}

static void test_timeutil__format_parse_round_trip(void **state)
{
	char iso[TIME_ISO_LEN];

	(void)state;
	for (int64_t t = -3 * INT64_C(31556952); t < 60 * INT64_C(31556952);
	     t += 7919 * 13 + 1) {
		time_format_iso(t, iso);
		assert_int_equal(parse_ok(iso, 0), t);
	}
}

/* Every day of 1960-2110 in the snapshots' form (a fast path for
 * 1970-2099) is the day days_from_civil counts, the day after a month's
 * last is refused, and so are 2100-02-29 and 1969-02-29. */
static void test_timeutil__every_day_in_snapshot_form(void **state)
{
	char iso[80]; /* room for any ints: -O1 checks */
	int64_t t;

	(void)state;
	for (int y = 1960; y <= 2110; y++) {
		for (int m = 1; m <= 12; m++) {
			int last = days_in_month(y, m);
			for (int d = 1; d <= last + 1; d++) {
				int h = (y + d) % 24, mi = (m * d) % 60;
				snprintf(iso, sizeof(iso),
					 "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
					 m, d, h, mi, d % 61);
				if (d > last) {
					assert_int_equal(
						time_parse_iso(iso, 0, &t), -1);
					continue;
				}
				assert_true(parse_ok(iso, 0) ==
					    days_from_civil(y, m, d) * DAY_S +
						    h * HOUR_S + mi * 60 +
						    d % 61);
			}
		}
	}
	assert_int_equal(time_parse_iso("2100-02-29T00:00:00Z", 0, &t), -1);
	assert_int_equal(time_parse_iso("1969-02-29T00:00:00Z", 0, &t), -1);
	assert_true(parse_ok("2096-02-29T00:00:00Z", 0) ==
		    days_from_civil(2096, 2, 29) * DAY_S);
}

static void test_timeutil__civil_round_trip(void **state)
{
	int py, pm, pd;

	(void)state;
	civil_from_days(-800001, &py, &pm, &pd);
	/* every day from year ~ -220 to ~ 4160, in order, each valid */
	for (int64_t z = -800000; z <= 800000; z++) {
		int y, m, d;

		civil_from_days(z, &y, &m, &d);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= days_in_month(y, m));
		assert_true(days_from_civil(y, m, d) == z);
		if (d > 1)
			assert_true(y == py && m == pm && d == pd + 1);
		else if (m > 1)
			assert_true(y == py && m == pm + 1 &&
				    pd == days_in_month(py, pm));
		else
			assert_true(y == py + 1 && pm == 12 && pd == 31);
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_timeutil__known_days(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(2000, 1, 1), 10957);
	assert_int_equal(days_from_civil(2026, 11, 1), 20758);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(1900, 3, 1), -25508);
	civil_from_days(20758, &y, &m, &d);
	assert_true(y == 2026 && m == 11 && d == 1);
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2026, 2), 28);
	assert_int_equal(days_in_month(1900, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29);
	assert_int_equal(days_in_month(2026, 4), 30);
	assert_int_equal(days_in_month(2026, 12), 31);
}

static void test_timeutil__weekdays_of_known_dates(void **state)
{
	static const struct {
		const char *date;
		int wday, yday;
	} known[] = {
		{ "1970-01-01", 4, 0 },   /* Thursday */
		{ "1969-12-31", 3, 364 }, /* Wednesday */
		{ "1969-12-24", 3, 357 },
		{ "2000-01-01", 6, 0 },   /* Saturday */
		{ "2024-02-29", 4, 59 },  /* Thursday */
		{ "2024-12-31", 2, 365 }, /* Tuesday, day 366 of a leap year */
		{ "2026-11-01", 0, 304 }, /* Sunday */
		{ "2026-11-02", 1, 305 }, /* Monday */
		{ "1900-01-01", 1, 0 },   /* Monday */
	};
	struct civil c;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		time_to_civil(parse_ok(known[i].date, 1) + 13 * HOUR_S, &c);
		if (c.wday != known[i].wday || c.yday != known[i].yday)
			fail_msg("%s: wday %d yday %d, expected %d %d",
				 known[i].date, c.wday, c.yday, known[i].wday,
				 known[i].yday);
		assert_int_equal(c.hour, 13);
	}
	time_to_civil(-1, &c);
	assert_true(c.year == 1969 && c.month == 12 && c.day == 31 &&
		    c.hour == 23 && c.min == 59 && c.sec == 59 && c.wday == 3);
}

static void test_timeutil__add_months_clamps(void **state)
{
	char iso[TIME_ISO_LEN];
	static const struct {
		const char *from;
		int months;
		const char *to;
	} cases[] = {
		{ "2026-01-31T10:20:30Z", 1, "2026-02-28T10:20:30Z" },
		{ "2024-01-31T10:20:30Z", 1, "2024-02-29T10:20:30Z" },
		{ "2026-03-31T00:00:00Z", -1, "2026-02-28T00:00:00Z" },
		{ "2026-05-31T00:00:00Z", 1, "2026-06-30T00:00:00Z" },
		{ "2026-12-15T08:00:00Z", 1, "2027-01-15T08:00:00Z" },
		{ "2026-01-15T08:00:00Z", -1, "2025-12-15T08:00:00Z" },
		{ "2026-01-15T08:00:00Z", -13, "2024-12-15T08:00:00Z" },
		{ "2024-02-29T08:00:00Z", 12, "2025-02-28T08:00:00Z" },
		{ "2024-02-29T08:00:00Z", 48, "2028-02-29T08:00:00Z" },
		{ "2026-08-31T23:59:59Z", 0, "2026-08-31T23:59:59Z" },
		{ "1969-12-31T12:00:00Z", 2, "1970-02-28T12:00:00Z" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		time_format_iso(time_add_months(parse_ok(cases[i].from, 0),
						cases[i].months),
				iso);
		if (strcmp(iso, cases[i].to))
			fail_msg("%s %+d months: %s, expected %s",
				 cases[i].from, cases[i].months, iso,
				 cases[i].to);
	}
}

static void test_timeutil__days_between_rounds_down(void **state)
{
	(void)state;
	assert_int_equal(days_between(0, DAY_S), 1);
	assert_int_equal(days_between(0, DAY_S - 1), 0);
	assert_int_equal(days_between(0, -1), -1);
	assert_int_equal(days_between(DAY_S, 0), -1);
	assert_int_equal(days_between(0, -DAY_S - 1), -2);
	assert_int_equal(days_between(NOV1_0800, NOV1_0800 + 30 * DAY_S), 30);
}

static double duration_ok(const char *s)
{
	double v = -1;

	if (duration_parse_iso(s, &v) != 0)
		fail_msg("duration_parse_iso rejected '%s'", s);
	return v;
}

static void test_timeutil__durations(void **state)
{
	(void)state;
	assert_true(fabs(duration_ok("PT12.4272909S") - 12.4272909) < 1e-9);
	assert_true(duration_ok("P1DT2H") == DAY_S + 2 * HOUR_S);
	assert_true(duration_ok("PT1H30M") == 5400);
	assert_true(duration_ok("PT90M") == 5400);
	assert_true(duration_ok("P2W") == 14 * DAY_S);
	assert_true(duration_ok("P1D") == DAY_S);
	assert_true(duration_ok("PT0S") == 0);
	assert_true(duration_ok("PT0.5S") == 0.5);
	assert_true(duration_ok("P1DT1H1M1.5S") == DAY_S + HOUR_S + 61.5);
	assert_true(duration_ok("PT36H") == 36 * HOUR_S);
}

static void test_timeutil__bad_durations(void **state)
{
	static const char *const bad[] = {
		"", "P", "PT", "T1H", "1D", "12.5", "PT12.4272909", "P1H",
		"PT1D", "P1DT", "PT1H1H", "PT1S1M", "P1DT2H3D", "P1D1D",
		"PT-1S", "PT1.2.3S", "P1M", "P1Y", "PTS", "P1DTT1H", "PT1HX",
		"pt1h", "PT1H ", " PT1H", "PT1e3S", "P1T", "P1T2H", "PT1T",
		"PT123456789012345678901234567890S",
	};
	double v = 42;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (duration_parse_iso(bad[i], &v) == 0)
			fail_msg("duration_parse_iso accepted '%s'", bad[i]);
		assert_true(v == 42);
	}
	assert_int_equal(duration_parse_iso(NULL, &v), -1);
}

/* Any int64_t time formats without overflow: "never" (INT64_MAX) and
 * TIME_NONE clamp to the four-digit years. */
static void test_timeutil__extremes_clamp_without_overflow(void **state)
{
	char iso[TIME_ISO_LEN], date[DATE_ISO_LEN];
	struct civil c;

	(void)state;
	time_format_iso(INT64_MAX, iso);
	assert_string_equal(iso, "9999-12-31T23:59:59Z");
	time_format_date(INT64_MAX - 1, date);
	assert_string_equal(date, "9999-12-31");
	time_format_iso(INT64_MIN + 1, iso);
	assert_string_equal(iso, "0000-01-01T00:00:00Z");
	time_format_iso(TIME_NONE, iso);
	assert_string_equal(iso, "0000-01-01T00:00:00Z");
	time_to_civil(INT64_MAX, &c);
	assert_int_equal(c.year, 9999);
	assert_int_equal(c.yday, 364);
	assert_int_equal(time_from_civil(0, 1, 1, 0, 0, 0), TIME_CIVIL_MIN);
	assert_int_equal(time_from_civil(9999, 12, 31, 23, 59, 59),
			 TIME_CIVIL_MAX);
	assert_true(time_add_months(INT64_MAX, 1) > TIME_CIVIL_MAX);
	assert_true(days_between(INT64_MIN + 1, INT64_MAX) > 0);
	assert_true(days_between(INT64_MAX, INT64_MIN) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeutil__parse_utc_z),
		cmocka_unit_test(test_timeutil__parse_offsets),
		cmocka_unit_test(test_timeutil__parse_fractional_seconds),
		cmocka_unit_test(test_timeutil__parse_date_only_when_allowed),
		cmocka_unit_test(test_timeutil__parse_rejects),
		cmocka_unit_test(
			test_timeutil__parse_rejects_offsets_out_of_years),
		cmocka_unit_test(test_timeutil__parse_leap_days),
		cmocka_unit_test(test_timeutil__format),
		cmocka_unit_test(test_timeutil__format_parse_round_trip),
		cmocka_unit_test(test_timeutil__every_day_in_snapshot_form),
		cmocka_unit_test(test_timeutil__civil_round_trip),
		cmocka_unit_test(test_timeutil__known_days),
		cmocka_unit_test(test_timeutil__weekdays_of_known_dates),
		cmocka_unit_test(test_timeutil__add_months_clamps),
		cmocka_unit_test(
			test_timeutil__extremes_clamp_without_overflow),
		cmocka_unit_test(test_timeutil__days_between_rounds_down),
		cmocka_unit_test(test_timeutil__durations),
		cmocka_unit_test(test_timeutil__bad_durations),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
