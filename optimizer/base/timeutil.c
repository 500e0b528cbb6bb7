/* SPDX-License-Identifier: MIT
 * timeutil.c: civil-date arithmetic (H. Hinnant's algorithms) and strict
 * ISO 8601 parsing and formatting, all in UTC. */
#include "optimizer/base/timeutil.h"

#include <stdio.h>
#include <string.h>

#include "optimizer/base/util.h"

int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (mm <= 2));
	*m = mm;
	*d = dd;
}

int days_in_month(int y, int m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

int64_t time_from_civil(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * DAY_S + h * HOUR_S + mi * 60 + s;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void time_to_civil(int64_t t, struct civil *out)
{
	int64_t days, rem;

	/* four-digit years: "never" (INT64_MAX) reads as 9999-12-31 */
	if (t < TIME_CIVIL_MIN)
		t = TIME_CIVIL_MIN;
	else if (t > TIME_CIVIL_MAX)
		t = TIME_CIVIL_MAX;
	days = floor_div(t, DAY_S);
	rem = t - days * DAY_S;
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(rem / HOUR_S);
	out->min = (int)(rem % HOUR_S / 60);
	out->sec = (int)(rem % 60);
	out->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	out->yday = (int)(days - days_from_civil(out->year, 1, 1));
}

/* Reads exactly n digits into *out; returns the position after them. */
static const char *digits(const char *p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return NULL;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return p + n;
}

/* Eight bytes at p as a little-endian number. */
static uint64_t load_le64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Eight bytes' pattern (byte 0 lowest): the bytes of want where mask
 * has 0xFF, a digit where digit has 0xF0 (mask then 0xF0, want 0x30). */
struct form {
	uint64_t mask, want, digit;
};

/* A digit is 0x30 to 0x3F by the mask, and below 0x3A when adding 6
 * leaves its high nibble 3 (no byte carries into the next). */
static bool has_form(uint64_t x, const struct form *f)
{
	uint64_t six = f->digit >> 4 & 0x0606060606060606ull;

	return (x & f->mask) == f->want &&
	       ((x + six) & f->digit) == (f->want & f->digit);
}

/* Byte i of x as a digit (after has_form). */
static int dig(uint64_t x, int i)
{
	return (int)(x >> (8 * i)) & 0xF;
}

/* The days from 1970-01-01 to a day of the years 1970-2099 (every
 * fourth one a leap year there), without days_from_civil's divisions:
 * 0, or -1 when the month has no such day; 1 for other years. */
static int recent_day(int y, int mo, int d, int64_t *days)
{
	static const short before[] = { 0,   31,  59,  90,  120, 151, 181,
					212, 243, 273, 304, 334, 365 };
	int leap = (y & 3) == 0;

	if (y < 1970 || y > 2099)
		return 1;
	if (d > before[mo] - before[mo - 1] + (leap && mo == 2))
		return -1;
	*days = 365 * (int64_t)(y - 1970) + (y - 1969) / 4 +
		before[mo - 1] + (leap && mo > 2) + d - 1;
	return 0;
}

/* The form snapshots are written in, 2026-11-01T08:00:00Z (s is 20
 * bytes long), read eight bytes at a time; 1 when s has another form. */
static int parse_utc_fixed(const char *s, int64_t *out)
{
	static const struct form date = { /* "0000-00-" */
		0xFFF0F0FFF0F0F0F0ull, 0x2D30302D30303030ull,
		0x00F0F000F0F0F0F0ull };
	static const struct form mid = {  /* "00T00:00" */
		0xF0F0FFF0F0FFF0F0ull, 0x30303A3030543030ull,
		0xF0F000F0F000F0F0ull };
	static const struct form end = {  /* ":00:00Z" and its NUL */
		0xFFFFF0F0FFF0F0FFull, 0x005A30303A30303Aull,
		0x0000F0F000F0F000ull };
	uint64_t a = load_le64(s), b = load_le64(s + 8),
		 c = load_le64(s + 13);

	if (!has_form(a, &date) || !has_form(b, &mid) || !has_form(c, &end))
		return 1;
	int y = dig(a, 0) * 1000 + dig(a, 1) * 100 + dig(a, 2) * 10 +
		dig(a, 3);
	int mo = dig(a, 5) * 10 + dig(a, 6), d = dig(b, 0) * 10 + dig(b, 1);
	int h = dig(b, 3) * 10 + dig(b, 4), mi = dig(b, 6) * 10 + dig(b, 7);
	int sec = dig(c, 4) * 10 + dig(c, 5);
	int64_t days;
	int rc;

	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return -1;
	rc = recent_day(y, mo, d, &days);
	if (rc > 0 && d <= days_in_month(y, mo)) {
		rc = 0;
		days = days_from_civil(y, mo, d);
	}
	if (rc)
		return -1;
	*out = days * DAY_S + h * HOUR_S + mi * 60 + sec;
	return 0;
}

int time_parse_iso(const char *s, int allow_date, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	const char *p = s;
	int64_t t;
	int rc;

	if (s && strnlen(s, 21) == 20 && (rc = parse_utc_fixed(s, out)) <= 0)
		return rc;
	if (!p || !(p = digits(p, 4, &y)) || *p++ != '-' ||
	    !(p = digits(p, 2, &mo)) || *p++ != '-' ||
	    !(p = digits(p, 2, &d)))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p == '\0') {
		if (!allow_date)
			return -1;
		*out = time_from_civil(y, mo, d, 0, 0, 0);
		return 0;
	}
	if ((*p != 'T' && *p != 't' && *p != ' ') || !(p = digits(p + 1, 2, &h)) ||
	    *p++ != ':' || !(p = digits(p, 2, &mi)))
		return -1;
	if (*p == ':') {
		if (!(p = digits(p + 1, 2, &sec)))
			return -1;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!(p = digits(p + 1, 2, &oh)) || *p++ != ':' ||
		    !(p = digits(p, 2, &om)) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	t = time_from_civil(y, mo, d, h, mi, sec) -
	    sign * (oh * HOUR_S + om * 60);
	/* an offset must not carry the instant out of years 0000-9999,
	 * which time_format_iso could not write back */
	if (t < TIME_CIVIL_MIN || t > TIME_CIVIL_MAX)
		return -1;
	*out = t;
	return 0;
}

/* n as exactly width digits (n >= 0); returns the position after them. */
static char *put_digits(char *p, int n, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

/* Hand-rolled: this runs for every time of every CSV row written. */
void time_format_iso(int64_t t, char out[TIME_ISO_LEN])
{
	struct civil c;
	char *p = out;

	time_to_civil(t, &c);
	p = put_digits(p, ((c.year % 10000) + 10000) % 10000, 4);
	*p++ = '-';
	p = put_digits(p, c.month, 2);
	*p++ = '-';
	p = put_digits(p, c.day, 2);
	*p++ = 'T';
	p = put_digits(p, c.hour, 2);
	*p++ = ':';
	p = put_digits(p, c.min, 2);
	*p++ = ':';
	p = put_digits(p, c.sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

void time_format_date(int64_t t, char out[DATE_ISO_LEN])
{
	struct civil c;
	char *p = out;

	time_to_civil(t, &c);
	p = put_digits(p, ((c.year % 10000) + 10000) % 10000, 4);
	*p++ = '-';
	p = put_digits(p, c.month, 2);
	*p++ = '-';
	p = put_digits(p, c.day, 2);
	*p = '\0';
}

int duration_parse_iso(const char *s, double *out)
{
	/* Designators in the order ISO 8601 requires, each at most once;
	 * months and years are not fixed lengths and are refused. */
	static const char order[] = "WDTHMS";
	static const double unit_s[] = { 7 * DAY_S, DAY_S, 0, HOUR_S, 60, 1 };
	double total = 0;
	int last = -1; /* index in order of the last designator seen */
	const char *p = s;

	if (!p || *p++ != 'P' || !*p)
		return -1;
	while (*p) {
		const char *d;
		char num[32];
		size_t n = 0;
		int rank;
		double v;

		if (*p == 'T') {
			if (last >= 2 || !p[1])
				return -1;
			last = 2;
			p++;
			continue;
		}
		while ((*p >= '0' && *p <= '9') || *p == '.') {
			if (n + 1 >= sizeof(num))
				return -1;
			num[n++] = *p++;
		}
		num[n] = '\0';
		d = *p && *p != 'T' ? strchr(order, *p) : NULL;
		if (!d || parse_double(num, 0, 1e12, &v))
			return -1;
		rank = (int)(d - order);
		/* H, M, S only after T; W and D only before it */
		if (rank <= last || (rank > 2) != (last >= 2))
			return -1;
		total += v * unit_s[rank];
		last = rank;
		p++;
	}
	*out = total;
	return 0;
}

int64_t time_add_months(int64_t t, int months)
{
	struct civil c;
	int64_t m;
	int y, mo, d;

	time_to_civil(t, &c);
	m = (int64_t)c.year * 12 + (c.month - 1) + months;
	y = (int)floor_div(m, 12);
	mo = (int)(m - (int64_t)y * 12) + 1;
	d = c.day;
	if (d > days_in_month(y, mo))
		d = days_in_month(y, mo);
	return time_from_civil(y, mo, d, c.hour, c.min, c.sec);
}

int64_t days_between(int64_t a, int64_t b)
{
	int64_t d;

	/* b - a of "never" and a date before 1970 does not fit int64_t */
	if (__builtin_sub_overflow(b, a, &d))
		d = b > a ? INT64_MAX : INT64_MIN;
	return floor_div(d, DAY_S);
}
