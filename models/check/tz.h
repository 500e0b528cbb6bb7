/* SPDX-License-Identifier: MIT
 * tz.h: the time zones Azure backup policies name ("Pacific Standard Time",
 * "W. Europe Standard Time", "UTC", ...), read from the bundled table
 * data/timezones.csv (Windows name, IANA name, standard UTC offset, DST
 * rule), and a small evaluator for the few daylight-saving rules those
 * zones follow. Never consults the system tz database or TZ: results are
 * the same on every machine. Used by the schedule model (schedule.h) and
 * the check stage. No I/O beyond reading the table. */
#ifndef VW_TZ_H
#define VW_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"

/* Daylight-saving rules, one hour each:
 *   EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC;
 *   US: second Sunday of March 02:00 local standard time to first Sunday
 *       of November 02:00 local daylight time (also Canada);
 *   AU: first Sunday of October 02:00 standard to first Sunday of April
 *       03:00 daylight (New South Wales, Victoria, Tasmania, South Aus.);
 *   NZ: last Sunday of September 02:00 standard to first Sunday of April
 *       03:00 daylight. */
enum dst_rule { DST_NONE, DST_EU, DST_US, DST_AU, DST_NZ, DST_COUNT };
extern const char *const dst_rule_names[DST_COUNT];

struct tz_zone {
	char *windows_name;  /* "W. Europe Standard Time" */
	char *iana_name;     /* "Europe/Berlin" */
	int std_offset_s;    /* standard offset east of UTC, seconds */
	int rule;            /* enum dst_rule */
};

struct tz_table {
	struct tz_zone *z;
	size_t n;
};


int tz_table_load(struct tz_table *t, const char *path, struct err *e);
void tz_table_release(struct tz_table *t);

/* A zone by Windows or IANA name (case-insensitive), or NULL. "UTC",
 * "Etc/UTC" and "" are found even when the table lacks them. */
const struct tz_zone *tz_find(const struct tz_table *t, const char *name);

/* The zone UTC itself. */
extern const struct tz_zone tz_utc;

/* Whether daylight saving is in force at the UTC instant t. */
bool tz_dst_active(const struct tz_zone *z, int64_t t);
/* Offset east of UTC in force at t, seconds (standard + 3600 in DST). */
int tz_offset_at(const struct tz_zone *z, int64_t t);

/* UTC start and end of the year's daylight-saving period (for AU/NZ the
 * start is in spring, i.e. late in the calendar year, and the end early
 * in it). Returns false for zones without daylight saving. */
bool tz_dst_period(const struct tz_zone *z, int year, int64_t *start,
		   int64_t *end);

enum local_kind { LOCAL_NORMAL, LOCAL_SKIPPED, LOCAL_REPEATED };

/* The UTC instant of a local wall-clock time, given as seconds since the
 * epoch as if the wall clock were UTC. A time skipped at spring-forward
 * maps to the same wall time in standard time (02:30 runs at 03:30
 * daylight time); a repeated time at fall-back maps to its first
 * occurrence. *kind (may be NULL) says which case applied. */
int64_t tz_local_to_utc(const struct tz_zone *z, int64_t wall,
			enum local_kind *kind);

/* "+01:00" style offset into out (at least 8 bytes). */
void tz_format_offset(int offset_s, char *out, size_t n);

#endif
