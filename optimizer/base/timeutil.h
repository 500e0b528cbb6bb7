/* SPDX-License-Identifier: MIT
 * timeutil.h: UTC civil time without the C library's time-zone state.
 * Times are int64_t seconds since 1970-01-01T00:00:00Z; TIME_NONE marks an
 * absent value. Pure functions, no I/O. */
#ifndef VW_TIMEUTIL_H
#define VW_TIMEUTIL_H

#include <stdint.h>

#define TIME_NONE INT64_MIN
#define DAY_S 86400
#define HOUR_S 3600
#define TIME_ISO_LEN 21  /* "2026-11-01T08:00:00Z" + NUL */
#define DATE_ISO_LEN 11  /* "2026-11-01" + NUL */

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what four digits of
 * year can write. time_to_civil clamps to them, so any int64_t time,
 * "never" included, formats without overflow. */
#define TIME_CIVIL_MIN (-62167219200LL)
#define TIME_CIVIL_MAX 253402300799LL

struct civil {
	int year, month, day;      /* month 1-12, day 1-31 */
	int hour, min, sec;
	int wday;                  /* 0 = Sunday */
	int yday;                  /* 0-365 */
};

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t z, int *y, int *m, int *d);
int days_in_month(int y, int m);

int64_t time_from_civil(int y, int mo, int d, int h, int mi, int s);
/* t clamped to [TIME_CIVIL_MIN, TIME_CIVIL_MAX] first. */
void time_to_civil(int64_t t, struct civil *out);

/* Parses "2026-11-01T08:00:00Z", with optional fractional seconds and a
 * "+HH:MM"/"-HH:MM" offset instead of Z. A date alone ("2026-11-01") is
 * accepted only when allow_date is set and means midnight UTC. A time
 * without a zone designator is rejected: snapshots are UTC by contract.
 * Returns 0 or -1. */
int time_parse_iso(const char *s, int allow_date, int64_t *out);

/* Writes "YYYY-MM-DDTHH:MM:SSZ"; fractional seconds are dropped. */
void time_format_iso(int64_t t, char out[TIME_ISO_LEN]);
void time_format_date(int64_t t, char out[DATE_ISO_LEN]);

/* Parses an ISO 8601 duration such as "PT12.42S" or "P1DT2H" into seconds:
 * weeks, days, then after T hours, minutes, seconds, each at most once and
 * in that order. Months and years are refused. Returns 0 or -1. */
int duration_parse_iso(const char *s, double *out);

/* Adds calendar months, clamping the day to the target month's length. */
int64_t time_add_months(int64_t t, int months);

/* Whole days from a to b, rounded down (negative when b < a). */
int64_t days_between(int64_t a, int64_t b);

#endif
