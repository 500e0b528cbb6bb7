/* SPDX-License-Identifier: MIT
 * schedule.c: expanding policy schedules into UTC instants and the RPO
 * they promise per tier (see schedule.h). */
#include "models/check/schedule.h"

#include <math.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const char *const day_abbr[7] = { "Sun", "Mon", "Tue", "Wed",
					 "Thu", "Fri", "Sat" };
static const char *const day_names[7] = { "Sunday",   "Monday", "Tuesday",
					  "Wednesday", "Thursday", "Friday",
					  "Saturday" };

void format_hours(double h, char *out, size_t n)
{
	bool whole = fabs(h - round(h)) < 0.05;

	/* per row of a check: "%.0f h" and "%.1f h" without printf */
	if (h >= 0 && (whole || h >= 1) && n >= 24 && h < 1e15) {
		size_t len = format_fixed(out, n - 2, whole ? round(h) : h,
					  whole ? 0 : 1);
		memcpy(out + len, " h", 3);
		return;
	}
	if (isnan(h))
		snprintf(out, n, "? h");
	else if (whole)
		snprintf(out, n, "%.0f h", round(h));
	else if (h < 1)
		snprintf(out, n, "%.2g h", h);
	else
		snprintf(out, n, "%.1f h", h);
}

/* "HH:MM" (validated by the snapshot loader) into minutes. */
static int parse_clock(const char *s, int *out)
{
	long h, m;
	char hh[3] = { 0 }, mm[3] = { 0 };

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	memcpy(hh, s, 2);
	memcpy(mm, s + 3, 2);
	if (parse_long(hh, 0, 23, &h) || parse_long(mm, 0, 59, &m))
		return -1;
	*out = (int)(h * 60 + m);
	return 0;
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int parse_run_times(struct schedule *sc, const char *list)
{
	const char *parts[SCHEDULE_MAX_SLOTS + 1];
	char *copy;
	size_t n = str_split(list, ';', &copy, parts, ARRAY_SIZE(parts));
	int rc = n == 0 || n > SCHEDULE_MAX_SLOTS ? -1 : 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = parse_clock(parts[i], &sc->slot_min[i]);
	free(copy);
	if (rc)
		return -1;
	sc->nslots = n;
	qsort(sc->slot_min, n, sizeof(int), by_int);
	return 0;
}

static unsigned parse_days(const char *list)
{
	const char *parts[16];
	char *copy;
	size_t n = str_split(list, ';', &copy, parts, ARRAY_SIZE(parts));
	unsigned days = 0;

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 7; d++)
			if (str_eq_ci(parts[i], day_names[d]))
				days |= 1u << d;
	free(copy);
	return days;
}

static int hourly_slots(struct schedule *sc, const struct policy *p)
{
	sc->interval_h = p->hourly_interval_h;
	sc->window_h = p->window_hours ? p->window_hours : 24;
	if (sc->interval_h <= 0 ||
	    parse_clock(p->window_start, &sc->window_start_min))
		return -1;
	for (int k = 0; k * sc->interval_h <= sc->window_h &&
			sc->nslots < SCHEDULE_MAX_SLOTS;
	     k++)
		sc->slot_min[sc->nslots++] =
			sc->window_start_min + k * sc->interval_h * 60;
	return 0;
}

int schedule_from_policy(struct schedule *out, const struct policy *p,
			 char *why, size_t whylen)
{
	struct schedule sc = { 0 };
	bool workload_db = p->workload == WL_SQL || p->workload == WL_HANA;

	sc.kind = p->frequency == FREQ_HOURLY   ? SCHED_HOURLY
		  : p->frequency == FREQ_WEEKLY ? SCHED_WEEKLY
						: SCHED_DAILY;
	sc.enhanced = p->policy_type == PT_ENHANCED;
	sc.log_interval_min = workload_db ? p->log_interval_min : 0;
	sc.days = 0x7f;
	if (sc.kind == SCHED_HOURLY) {
		if (hourly_slots(&sc, p)) {
			snprintf(why, whylen,
				 "hourly schedule without a usable window "
				 "start or interval");
			return -1;
		}
	} else if (parse_run_times(&sc, p->run_times)) {
		snprintf(why, whylen, "policy '%s' has no usable run times",
			 p->policy_name);
		return -1;
	}
	if (sc.kind == SCHED_WEEKLY) {
		sc.days = parse_days(p->run_days);
		if (workload_db)
			sc.days |= parse_days(p->diff_run_days);
		if (!sc.days) {
			snprintf(why, whylen,
				 "weekly policy '%s' has no run days",
				 p->policy_name);
			return -1;
		}
	}
	*out = sc;
	return 0;
}

int64_t schedule_cycle(const struct schedule *sc)
{
	return sc->kind == SCHED_WEEKLY ? 7 * (int64_t)DAY_S : DAY_S;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static size_t sort_unique(int64_t *t, size_t n)
{
	size_t k = 0;

	qsort(t, n, sizeof(*t), by_time);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || t[i] != t[k - 1])
			t[k++] = t[i];
	return k;
}

size_t schedule_expand(const struct schedule *sc, const struct tz_zone *z,
		       bool follow_dst, int64_t from, int64_t to,
		       int64_t **out)
{
	/* Offsets reach +-14 h and hourly windows run into the next day. */
	int64_t first = floor_div(from, DAY_S) - 3;
	int64_t last = floor_div(to, DAY_S) + 2;
	int64_t *t = NULL;
	size_t n = 0, alloc = 0;

	for (int64_t d = first; d <= last; d++) {
		int wday = (int)(((d + 4) % 7 + 7) % 7);

		if (!(sc->days & (1u << wday)))
			continue;
		for (size_t i = 0; i < sc->nslots; i++) {
			int64_t wall = d * DAY_S + sc->slot_min[i] * 60;
			int64_t u = follow_dst
					    ? tz_local_to_utc(z, wall, NULL)
					    : wall - z->std_offset_s;

			if (u < from || u >= to)
				continue;
			t = grow_array(t, sizeof(*t), n + 1, &alloc);
			t[n++] = u;
		}
	}
	*out = t;
	return n ? sort_unique(t, n) : 0;
}

size_t schedule_keep_daily_last(int64_t *t, size_t n,
				const struct tz_zone *z)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t day = floor_div(t[i] + z->std_offset_s, DAY_S);
		bool last = i + 1 == n ||
			    floor_div(t[i + 1] + z->std_offset_s, DAY_S) != day;
		if (last)
			t[k++] = t[i];
	}
	return k;
}

int schedule_gaps(const int64_t *t, size_t n, int64_t from, int64_t to,
		  struct sched_gaps *out)
{
	bool any = false;

	for (size_t i = 0; i + 1 < n; i++) {
		double g;

		if (t[i] < from || t[i] >= to)
			continue;
		g = (double)(t[i + 1] - t[i]) / HOUR_S;
		if (!any || g > out->worst_h) {
			out->worst_h = g;
			out->worst_from = t[i];
		}
		if (!any || g < out->best_h)
			out->best_h = g;
		any = true;
	}
	return any ? 0 : -1;
}

int schedule_gaps_between(const struct schedule *sc, const struct tz_zone *z,
			  bool follow_dst, bool vault_tier, int64_t from,
			  int64_t to, struct sched_gaps *out)
{
	int64_t *t;
	size_t n = schedule_expand(sc, z, follow_dst, from,
				   to + schedule_cycle(sc) + 2 * DAY_S, &t);
	int rc;

	if (vault_tier)
		n = schedule_keep_daily_last(t, n, z);
	rc = schedule_gaps(t, n, from, to, out);
	free(t);
	return rc;
}

static void clock_str(int min, char *out, size_t n)
{
	snprintf(out, n, "%02d:%02d", min / 60 % 24, min % 60);
}

static void describe_times(const struct schedule *sc, struct strbuf *sb)
{
	char c[8];

	strbuf_adds(sb, " at ");
	for (size_t i = 0; i < sc->nslots; i++) {
		clock_str(sc->slot_min[i], c, sizeof(c));
		strbuf_addf(sb, "%s%s", i ? ", " : "", c);
	}
}

/* "Enhanced every 4 h from 08:00 for 12 h", "daily at 22:00",
 * "weekly on Sun, Wed at 22:00". */
static void describe(const struct schedule *sc, const struct policy *p,
		     char *out, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char c[8];

	if (p->workload == WL_SQL || p->workload == WL_HANA)
		strbuf_adds(&sb, "full/differential backups ");
	else if (sc->enhanced)
		strbuf_adds(&sb, "Enhanced ");
	if (sc->kind == SCHED_HOURLY) {
		clock_str(sc->window_start_min, c, sizeof(c));
		strbuf_addf(&sb, "every %d h from %s for %d h", sc->interval_h,
			    c, sc->window_h);
	} else if (sc->kind == SCHED_DAILY) {
		strbuf_adds(&sb, "daily");
		describe_times(sc, &sb);
	} else {
		strbuf_adds(&sb, "weekly on ");
		for (int d = 0, k = 0; d < 7; d++)
			if (sc->days & (1u << d))
				strbuf_addf(&sb, "%s%s", k++ ? ", " : "",
					    day_abbr[d]);
		describe_times(sc, &sb);
	}
	snprintf(out, n, "%s", sb.buf);
	strbuf_release(&sb);
}

static void tz_note(struct rpo_predicted *out, const struct policy *p,
		    const struct tz_zone *z)
{
	if (!z)
		snprintf(out->tz_note, sizeof(out->tz_note),
			 "time zone '%.60s' is not in timezones.csv: "
			 "evaluated at UTC (gaps do not depend on the offset)",
			 p->time_zone);
}

/* The first clock change of z in [from, to], or TIME_NONE. */
static int64_t dst_change_in(const struct tz_zone *z, int64_t from,
			     int64_t to)
{
	struct civil a, b;
	int64_t best = TIME_NONE;

	time_to_civil(from, &a);
	time_to_civil(to, &b);
	for (int y = a.year; y <= b.year; y++) {
		int64_t start, end;

		if (!tz_dst_period(z, y, &start, &end))
			return TIME_NONE;
		if (start >= from && start <= to &&
		    (best == TIME_NONE || start < best))
			best = start;
		if (end >= from && end <= to &&
		    (best == TIME_NONE || end < best))
			best = end;
	}
	return best;
}

int64_t rpo_dst_gaps(const struct policy *p, const struct tz_table *zones,
		     bool vault_tier, int64_t from, int64_t to,
		     double *utc_h, double *wall_h)
{
	const struct tz_zone *z = tz_find(zones, p->time_zone);
	int64_t change = z ? dst_change_in(z, from, to) : TIME_NONE;
	struct sched_gaps utc, wall;
	struct schedule sc;
	char why[160];

	if (change == TIME_NONE ||
	    schedule_from_policy(&sc, p, why, sizeof(why)) ||
	    schedule_gaps_between(&sc, z, false, vault_tier, from, to, &utc) ||
	    schedule_gaps_between(&sc, z, true, vault_tier, from, to, &wall))
		return TIME_NONE;
	*utc_h = utc.worst_h;
	*wall_h = wall.worst_h;
	return change;
}

/* "<desc>: worst gap 12 h + 2 h jitter = 14 h" */
static void gap_sentence(char *out, size_t n, const char *lead, double gap)
{
	char g[24], j[24], tot[24];

	format_hours(gap, g, sizeof(g));
	format_hours(SCHEDULE_JITTER_H, j, sizeof(j));
	format_hours(gap + SCHEDULE_JITTER_H, tot, sizeof(tot));
	snprintf(out, n, "%s: worst gap %s + %s jitter = %s", lead, g, j, tot);
}

static void predict_scheduled(struct rpo_predicted *out,
			      const struct schedule *sc,
			      const struct policy *p,
			      const struct tz_zone *z, int64_t as_of)
{
	int64_t cycle = schedule_cycle(sc);
	struct sched_gaps snap = { 0 }, vault = { 0 };
	char desc[120];

	describe(sc, p, desc, sizeof(desc));
	if (schedule_gaps_between(sc, z, false, false, as_of - cycle, as_of,
				  &snap) ||
	    schedule_gaps_between(sc, z, false, true, as_of - cycle, as_of,
				  &vault)) {
		snprintf(out->snapshot_why, sizeof(out->snapshot_why),
			 "%s: no backup in a cycle", desc);
		snprintf(out->vault_why, sizeof(out->vault_why), "%s",
			 out->snapshot_why);
		return;
	}
	out->snapshot_gap_h = snap.worst_h;
	out->snapshot_h = snap.worst_h + SCHEDULE_JITTER_H;
	out->vault_gap_h = vault.worst_h;
	out->vault_h = vault.worst_h + SCHEDULE_JITTER_H;
	gap_sentence(out->snapshot_why, sizeof(out->snapshot_why), desc,
		     snap.worst_h);
	if (vault.worst_h > snap.worst_h)
		gap_sentence(out->vault_why, sizeof(out->vault_why),
			     "vault tier only gets the day's last backup",
			     vault.worst_h);
	else
		snprintf(out->vault_why, sizeof(out->vault_why), "%s",
			 out->snapshot_why);
}

static void predict_log(struct rpo_predicted *out, int log_min)
{
	char h[24];

	out->vault_gap_h = out->vault_h = log_min / 60.0;
	format_hours(out->vault_h, h, sizeof(h));
	snprintf(out->vault_why, sizeof(out->vault_why),
		 "log backups every %d min: %s", log_min, h);
}

void rpo_predict(struct rpo_predicted *out, const struct policy *p,
		 const struct tz_table *zones, int64_t as_of)
{
	const struct tz_zone *z = tz_find(zones, p->time_zone);
	bool db = p->workload == WL_SQL || p->workload == WL_HANA;
	struct schedule sc;
	char why[160];

	memset(out, 0, sizeof(*out));
	out->snapshot_h = out->vault_h = NAN;
	out->snapshot_gap_h = out->vault_gap_h = NAN;
	out->have_snapshot = !db;
	out->have_vault = p->workload != WL_FILES;
	tz_note(out, p, z);
	if (!z)
		z = &tz_utc;
	if (schedule_from_policy(&sc, p, why, sizeof(why))) {
		snprintf(out->snapshot_why, sizeof(out->snapshot_why), "%s",
			 why);
		snprintf(out->vault_why, sizeof(out->vault_why), "%s", why);
	} else {
		predict_scheduled(out, &sc, p, z, as_of);
	}
	if (db) {
		out->snapshot_h = out->snapshot_gap_h = NAN;
		snprintf(out->snapshot_why, sizeof(out->snapshot_why),
			 "%s backups stream to the vault: there is no "
			 "snapshot tier",
			 workload_names[p->workload]);
		if (p->log_interval_min > 0)
			predict_log(out, p->log_interval_min);
	}
}
