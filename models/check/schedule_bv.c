/* SPDX-License-Identifier: MIT
 * schedule_bv.c: the worst gap of a Backup vault policy's schedule
 * (schedule_bv.h). */
#include "models/check/schedule_bv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define MAX_INTERVALS 16
#define MAX_SLOTS 4096

struct interval {
	int64_t start, period; /* seconds */
};

/* "R/2026-01-01T02:00:00+00:00/P1D" (also "R5/...": the count is
 * ignored, a policy repeats for as long as it applies). */
static int parse_interval(const char *s, size_t n, struct interval *out)
{
	char buf[96];
	char *slash, *period;
	double secs;

	if (n >= sizeof(buf) || n < 2 || s[0] != 'R')
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	period = slash ? strchr(slash + 1, '/') : NULL;
	if (!period)
		return -1;
	*period++ = '\0';
	if (time_parse_iso(slash + 1, 0, &out->start) ||
	    duration_parse_iso(period, &secs) || secs < 60)
		return -1;
	out->period = (int64_t)llround(secs);
	return 0;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The occurrences of every interval in [from, to), sorted. */
static size_t occurrences(const struct interval *iv, size_t n, int64_t from,
			  int64_t to, int64_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t t = iv[i].start;
		if (t < from)
			t += (from - t + iv[i].period - 1) / iv[i].period *
			     iv[i].period;
		for (; t < to && k < MAX_SLOTS; t += iv[i].period)
			out[k++] = t;
	}
	qsort(out, k, sizeof(*out), cmp_time);
	return k;
}

double bv_schedule_worst_gap_h(const char *schedule)
{
	struct interval iv[MAX_INTERVALS];
	int64_t longest = 0, from = 0, *slots;
	size_t n = 0, k;
	double worst = 0;

	for (const char *p = schedule; p && *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (n == MAX_INTERVALS || parse_interval(p, len, &iv[n]))
			return NAN;
		if (iv[n].period > longest)
			longest = iv[n].period;
		if (iv[n].start > from)
			from = iv[n].start;
		n++;
		p += end ? len + 1 : len;
	}
	if (!n)
		return NAN;
	slots = xcalloc(MAX_SLOTS, sizeof(*slots));
	k = occurrences(iv, n, from, from + 2 * longest, slots);
	for (size_t i = 1; i < k; i++)
		if ((double)(slots[i] - slots[i - 1]) > worst)
			worst = (double)(slots[i] - slots[i - 1]);
	free(slots);
	/* one slot in two cycles: the period itself */
	return (k > 1 ? worst : (double)longest) / HOUR_S;
}
