/* SPDX-License-Identifier: MIT
 * fuzz_timeutil.c: libFuzzer target for optimizer/base/timeutil.h: ISO 8601
 * times (with and without a date-only form) and durations. A parsed time
 * must format and parse back to itself, and its civil fields must give
 * the same instant; month arithmetic must not overflow. Pure functions:
 * no files. */
#include <math.h>

#include "fuzzutil.h"
#include "optimizer/base/timeutil.h"

static void check_time(int64_t t, int months)
{
	char iso[TIME_ISO_LEN], date[DATE_ISO_LEN];
	struct civil c;
	int64_t back;

	time_format_iso(t, iso);
	time_format_date(t, date);
	if (time_parse_iso(iso, 0, &back) == 0 && back != t)
		abort();
	time_to_civil(t, &c);
	if (time_from_civil(c.year, c.month, c.day, c.hour, c.min, c.sec) !=
	    t)
		abort();
	if (c.month < 1 || c.month > 12 || c.day < 1 ||
	    c.day > days_in_month(c.year, c.month) || c.wday < 0 ||
	    c.wday > 6 || c.yday < 0 || c.yday > 365)
		abort();
	(void)days_between(t, time_add_months(t, months));
	(void)days_between(time_add_months(t, -months), t);
}

static void run(const struct fuzz_input *in)
{
	char *s = fuzz_cstr(in->data, in->size);
	int64_t t;
	double d;
	int months = in->size ? (int)(int8_t)in->data[0] * 7 : 1;

	if (time_parse_iso(s, 1, &t) == 0)
		check_time(t, months);
	if (time_parse_iso(s, 0, &t) == 0)
		check_time(t, months);
	if (duration_parse_iso(s, &d) == 0 && !(d >= 0))
		abort();
	free(s);
}

const struct fuzz_target fuzz_target = { .run = run };
