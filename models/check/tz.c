/* SPDX-License-Identifier: MIT
 * tz.c: the bundled Windows-to-IANA time-zone table and the evaluator of
 * its daylight-saving rules, all arithmetic on UTC seconds. */
#include "models/check/tz.h"

#include "optimizer/base/csvio.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const dst_rule_names[DST_COUNT] = { "none", "EU", "US", "AU",
						"NZ" };

const struct tz_zone tz_utc = { "UTC", "Etc/UTC", 0, DST_NONE };

/* Which clock a transition time is given in. */
enum edge_clock { CLOCK_UTC, CLOCK_STANDARD, CLOCK_DAYLIGHT };

struct dst_edge {
	int month;
	int sunday;  /* 1..4: the nth Sunday of the month; -1: the last */
	int minute;  /* after midnight of that day, on the edge's clock */
	int clock;   /* enum edge_clock */
};

struct dst_def {
	struct dst_edge start, end;
};

static const struct dst_def dst_defs[DST_COUNT] = {
	[DST_EU] = { { 3, -1, 60, CLOCK_UTC }, { 10, -1, 60, CLOCK_UTC } },
	[DST_US] = { { 3, 2, 120, CLOCK_STANDARD },
		     { 11, 1, 120, CLOCK_DAYLIGHT } },
	[DST_AU] = { { 10, 1, 120, CLOCK_STANDARD },
		     { 4, 1, 180, CLOCK_DAYLIGHT } },
	[DST_NZ] = { { 9, -1, 120, CLOCK_STANDARD },
		     { 4, 1, 180, CLOCK_DAYLIGHT } },
};

static const struct tz_zone *find_listed(const struct tz_table *t,
					 const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (str_eq_ci(t->z[i].windows_name, name) ||
		    str_eq_ci(t->z[i].iana_name, name))
			return &t->z[i];
	return NULL;
}

enum { Z_WIN, Z_IANA, Z_OFFSET, Z_RULE, Z_NCOLS };
static const struct csv_column zone_cols[] = {
	{ "windows_name", CSV_REQUIRED },
	{ "iana_name", CSV_REQUIRED },
	{ "utc_offset", CSV_REQUIRED },
	{ "dst_rule", CSV_REQUIRED },
};
static const struct csv_schema zones_schema = { "timezones.csv", zone_cols,
						Z_NCOLS };

struct zone_loader {
	struct tz_table *t;
	size_t alloc;
};

/* "+HH:MM" or "-HH:MM" into seconds. */
static int parse_offset(const char *s, int *out)
{
	long h, m;
	char hh[3], mm[3];

	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return -1;
	memcpy(hh, s + 1, 2);
	hh[2] = '\0';
	memcpy(mm, s + 4, 2);
	mm[2] = '\0';
	if (parse_long(hh, 0, 14, &h) || parse_long(mm, 0, 59, &m))
		return -1;
	*out = (int)((s[0] == '-' ? -1 : 1) * (h * HOUR_S + m * 60));
	return 0;
}

static int load_zone(void *ctx, const struct csv_row *r, struct err *e)
{
	struct zone_loader *l = ctx;
	struct tz_zone z = { 0 };
	const char *win, *iana;

	if (row_str(r, Z_WIN, 0, &win, e) || row_str(r, Z_IANA, 0, &iana, e) ||
	    row_enum(r, Z_RULE, 0, dst_rule_names, DST_COUNT, &z.rule, e))
		return -1;
	if (parse_offset(r->val[Z_OFFSET], &z.std_offset_s))
		return row_error(r, Z_OFFSET, e,
				 "an offset such as +01:00 or -08:00");
	if (find_listed(l->t, win))
		return row_error(r, Z_WIN, e,
				 "a zone name not listed by an earlier row");
	z.windows_name = xstrdup(win);
	z.iana_name = xstrdup(iana);
	l->t->z = grow_array(l->t->z, sizeof(z), l->t->n + 1, &l->alloc);
	l->t->z[l->t->n++] = z;
	return 0;
}

int tz_table_load(struct tz_table *t, const char *path, struct err *e)
{
	struct zone_loader l = { t, 0 };

	memset(t, 0, sizeof(*t));
	if (csv_read(path, &zones_schema, load_zone, &l, NULL, e)) {
		tz_table_release(t);
		return -1;
	}
	return 0;
}

void tz_table_release(struct tz_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->z[i].windows_name);
		free(t->z[i].iana_name);
	}
	free(t->z);
	memset(t, 0, sizeof(*t));
}

const struct tz_zone *tz_find(const struct tz_table *t, const char *name)
{
	const struct tz_zone *z = find_listed(t, name);

	if (z)
		return z;
	if (!name[0] || str_eq_ci(name, "UTC") || str_eq_ci(name, "Etc/UTC"))
		return &tz_utc;
	return NULL;
}

/* Days since the epoch of the nth (or last, n = -1) Sunday of a month. */
static int64_t nth_sunday(int year, int month, int n)
{
	int64_t first = days_from_civil(year, month, 1);
	int64_t last = first + days_in_month(year, month) - 1;
	/* 1970-01-01 was a Thursday: weekday = (days + 4) mod 7, 0 = Sunday */
	int64_t wd_first = ((first + 4) % 7 + 7) % 7;
	int64_t wd_last = ((last + 4) % 7 + 7) % 7;

	if (n < 0)
		return last - wd_last;
	return first + (7 - wd_first) % 7 + 7 * (n - 1);
}

static int64_t edge_utc(const struct dst_edge *d, int year, int std_offset)
{
	int64_t wall = nth_sunday(year, d->month, d->sunday) * DAY_S +
		       d->minute * 60;

	switch (d->clock) {
	case CLOCK_STANDARD:
		return wall - std_offset;
	case CLOCK_DAYLIGHT:
		return wall - std_offset - HOUR_S;
	default:
		return wall;
	}
}

bool tz_dst_period(const struct tz_zone *z, int year, int64_t *start,
		   int64_t *end)
{
	const struct dst_def *d;

	if (z->rule <= DST_NONE || z->rule >= DST_COUNT)
		return false;
	d = &dst_defs[z->rule];
	*start = edge_utc(&d->start, year, z->std_offset_s);
	*end = edge_utc(&d->end, year, z->std_offset_s);
	return true;
}

bool tz_dst_active(const struct tz_zone *z, int64_t t)
{
	struct civil c;
	int64_t start, end;

	time_to_civil(t + z->std_offset_s, &c);
	if (!tz_dst_period(z, c.year, &start, &end))
		return false;
	if (start < end)
		return t >= start && t < end;
	return t >= start || t < end; /* southern hemisphere */
}

int tz_offset_at(const struct tz_zone *z, int64_t t)
{
	return z->std_offset_s + (tz_dst_active(z, t) ? HOUR_S : 0);
}

int64_t tz_local_to_utc(const struct tz_zone *z, int64_t wall,
			enum local_kind *kind)
{
	int64_t as_std = wall - z->std_offset_s;
	int64_t as_dst = as_std - HOUR_S;
	bool std_ok = !tz_dst_active(z, as_std);
	bool dst_ok = z->rule != DST_NONE && tz_dst_active(z, as_dst);
	enum local_kind k = LOCAL_NORMAL;
	int64_t t = as_std;

	if (std_ok && dst_ok) {
		k = LOCAL_REPEATED;
		t = as_dst;
	} else if (dst_ok) {
		t = as_dst;
	} else if (!std_ok) {
		k = LOCAL_SKIPPED;
	}
	if (kind)
		*kind = k;
	return t;
}

void tz_format_offset(int offset_s, char *out, size_t n)
{
	int a = offset_s < 0 ? -offset_s : offset_s;

	snprintf(out, n, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / HOUR_S,
		 a % HOUR_S / 60);
}
