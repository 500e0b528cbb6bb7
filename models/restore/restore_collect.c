/* SPDX-License-Identifier: MIT
 * restore_collect.c: turns a snapshot into restore_data (restore_data.h).
 *
 *  1. jobs.csv: every restore job up to as-of is demand, failed or not.
 *     The job's rp_time names the restored point (same item, same
 *     rp_time). Retries (the same item and point, started within 24 h of
 *     the first job of the run) count once.
 *  2. The history window starts at the manifest's restore_jobs_from (when
 *     unknown: the oldest job), or at the oldest restore if earlier.
 *  3. recovery_points.csv, streamed one item at a time: each point is
 *     observed from max(0, history start - rp_time) (delayed entry) to
 *     min(as-of, expiry) - rp_time (censoring), weighted by its coverage
 *     (coverage_days; for an item whose protection stopped, so that it
 *     has no policy, SQL/HANA fulls cover the item's own smallest gap
 *     between fulls). Its restores become events at their age.
 *  4. Restores whose point is not in the snapshot (it expired before the
 *     export) have no exposure: dropped and counted, like restores of log
 *     points (coverage 0) and restores dated before their point.
 * Memory: the restore jobs, one index per item and a few batches of
 * items' points at a time. Standalone, the files are read by restore_scan.c (the columns
 * used, restore jobs only, the points on two threads in file order,
 * SHA-256 on another); under `run`, through the stream the other stages
 * share. */
#include "models/restore/restore_data.h"

#include <math.h>

#include "models/restore/restore_scan.h"

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define RETRY_WINDOW_S (24 * HOUR_S)

struct pending {
	long item;
	int64_t rp_time, start;
	int merged;   /* a retry of the previous one */
	int done;     /* matched to a point (or dropped there) */
};

struct collector {
	struct restore_data *d;
	struct snapshot *s;
	struct pending *p;
	size_t n, alloc;
	long *first;           /* per item: first index into p, or -1 */
	/* coverage: [policy, then workload][kind][snapshot-only] */
	double (*weight)[RK_COUNT][2];
	int64_t oldest_job, history_from;
};

static int gather_restore(void *ctx, const struct item *it,
			  const struct job *j, struct err *e)
{
	struct collector *c = ctx;
	struct pending *p;

	(void)e;
	if (j->start_time < c->oldest_job)
		c->oldest_job = j->start_time;
	if (!job_is_restore(j) || j->start_time > c->s->as_of)
		return 0;
	c->d->sum.restore_jobs++;
	if (!job_succeeded(j))
		c->d->sum.failed_jobs++;
	if (!it || j->rp_time == TIME_NONE) {
		c->d->sum.dropped_no_rp_time++;
		return 0;
	}
	c->p = grow_array(c->p, sizeof(*c->p), c->n + 1, &c->alloc);
	p = &c->p[c->n++];
	p->item = it - c->s->items;
	p->rp_time = j->rp_time;
	p->start = j->start_time;
	p->merged = p->done = 0;
	return 0;
}

static int by_item_point_start(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* Sorts by item, point and start; marks retries; indexes items. */
static void index_restores(struct collector *c)
{
	int64_t run_start = 0;

	if (c->n)
		qsort(c->p, c->n, sizeof(*c->p), by_item_point_start);
	for (size_t i = 0; i < c->n; i++) {
		struct pending *p = &c->p[i];
		int same = i > 0 && p->item == p[-1].item &&
			   p->rp_time == p[-1].rp_time;
		if (same && p->start - run_start < RETRY_WINDOW_S) {
			p->merged = 1;
			c->d->sum.retries_merged++;
		} else {
			run_start = p->start;
		}
		if (c->first[p->item] < 0)
			c->first[p->item] = (long)i;
		if (p->start < c->history_from)
			c->history_from = p->start;
	}
}

static void build_weights(struct collector *c)
{
	struct snapshot *s = c->s;

	c->weight = xcalloc(s->npolicies + WL_COUNT, sizeof(*c->weight));
	for (size_t i = 0; i < s->npolicies + WL_COUNT; i++) {
		const struct policy *p =
			i < s->npolicies ? &s->policies[i] : NULL;
		int wl = p ? p->workload : (int)(i - s->npolicies);
		for (int k = 0; k < RK_COUNT; k++) {
			c->weight[i][k][0] = coverage_days(wl, k, p);
			c->weight[i][k][1] =
				point_coverage_days(wl, k, TIER_SNAPSHOT, p);
		}
	}
}

static double age_days(int64_t t, int64_t rp_time)
{
	return (double)(t - rp_time) / DAY_S;
}

/* Turns the point's restores into events, widening its window to hold
 * them. */
static void match_restores(struct collector *c, const struct item *it,
			   const struct rp *rp, double w, double *entry,
			   double *exit)
{
	struct restore_data *d = c->d;
	long item = it - c->s->items;

	for (long i = c->first[item];
	     i >= 0 && (size_t)i < c->n && c->p[i].item == item; i++) {
		struct pending *p = &c->p[i];
		double a = age_days(p->start, rp->rp_time);
		if (p->rp_time != rp->rp_time || p->done)
			continue;
		p->done = 1;
		if (p->merged)
			continue;
		if (!(w > 0)) {
			d->sum.dropped_log_points++;
		} else if (a < 0) {
			d->sum.dropped_bad_age++;
		} else {
			*entry = fmin(*entry, a);
			*exit = fmax(*exit, a);
			restore_data_add_event(d, it->workload, it->policy_idx,
					       rp->kind, w, a);
		}
	}
}

/* Coverage of a point: from the item's policy, or for an item without
 * one (protection stopped) from its workload, with SQL/HANA fulls
 * covering full_gap days. */
static double point_weight(const struct collector *c, const struct item *it,
			   const struct rp *rp, double full_gap)
{
	size_t row = it->policy_idx >= 0 ? (size_t)it->policy_idx
					 : c->s->npolicies +
						   (size_t)it->workload;

	if (it->policy_idx < 0 && rp->kind == RK_FULL &&
	    (it->workload == WL_SQL || it->workload == WL_HANA))
		return full_gap;
	return c->weight[row][rp->kind][rp->tier == TIER_SNAPSHOT];
}

/* Days between fulls of an item without a policy: its smallest gap
 * between consecutive fulls in whole days (fulls drift by up to a couple
 * of hours), 1 to 7; 7 with fewer than two fulls. */
static double observed_full_gap(const struct rp *rps, size_t n)
{
	int64_t prev = TIME_NONE, best = INT64_MAX;

	for (size_t i = 0; i < n; i++) {
		if (rps[i].kind != RK_FULL)
			continue;
		if (prev != TIME_NONE && rps[i].rp_time - prev < best)
			best = rps[i].rp_time - prev;
		prev = rps[i].rp_time;
	}
	if (best == INT64_MAX)
		return 7;
	return fmin(fmax(floor((double)best / DAY_S + 0.5), 1), 7);
}

static void add_point(struct collector *c, const struct item *it,
		      const struct rp *rp, double full_gap)
{
	int64_t as_of = c->s->as_of;
	int64_t end = rp->expiry_time != TIME_NONE && rp->expiry_time < as_of
			      ? rp->expiry_time
			      : as_of;
	double w = point_weight(c, it, rp, full_gap);
	double entry = fmax(0, age_days(c->history_from, rp->rp_time));
	double exit = age_days(end, rp->rp_time);

	if (c->first[it - c->s->items] >= 0)
		match_restores(c, it, rp, w, &entry, &exit);
	if (rp->rp_time <= as_of)
		restore_data_add_exposure(c->d, it->workload, it->policy_idx,
					  rp->kind, w, entry, exit);
}

/* One item's points (sorted by time), so that an item without a policy
 * can show how often it took fulls. */
static int add_item_points(void *ctx, const struct item *it,
			   const struct rp *rps, size_t n, struct err *e)
{
	struct collector *c = ctx;
	double full_gap = it->policy_idx < 0 ? observed_full_gap(rps, n) : 7;

	(void)e;
	for (size_t i = 0; i < n; i++)
		add_point(c, it, &rps[i], full_gap);
	return 0;
}

static void count_unmatched(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->p[i].done && !c->p[i].merged)
			c->d->sum.dropped_expired++;
}

/* The start of the restore history (see the top of the file). */
static int64_t history_start(const struct collector *c)
{
	int64_t h = c->s->manifest.restore_jobs_from;

	if (h == TIME_NONE)
		h = c->oldest_job != INT64_MAX ? c->oldest_job : c->s->as_of;
	return h < c->history_from ? h : c->history_from;
}

/* Between the jobs and the points: the restores indexed, the history's
 * start known. */
static void begin_points(struct collector *c)
{
	index_restores(c);
	c->history_from = history_start(c);
	c->d->sum.history_from = c->history_from;
	c->d->sum.as_of = c->s->as_of;
}

/* Steps 1 and 3: through the snapshot's stream when other stages share
 * it (run keeps its rows), else with the fit's own lighter read (scan,
 * when the caller began it and finishes it); the same rows reach the
 * same functions either way. */
static int read_snapshot(struct collector *c, struct restore_scan *scan,
			 struct err *e)
{
	struct snapshot *s = c->s;
	struct restore_scan own, *sc = scan ? scan : &own;
	int rc;

	if (s->cache && !scan) {
		if (snapshot_each_job(s, gather_restore, c, e))
			return -1;
		begin_points(c);
		return snapshot_each_item_rps(s, add_item_points, c, e);
	}
	if (!scan && restore_scan_start(&own, s, e))
		return -1;
	sc->s = s;
	/* the oldest job of any kind is only needed when the manifest does
	 * not date the history */
	rc = restore_scan_jobs(sc, s->manifest.restore_jobs_from != TIME_NONE,
			       gather_restore, c, e);
	if (!rc) {
		begin_points(c);
		rc = restore_scan_points(sc, add_item_points, c, e);
	}
	return scan ? rc : restore_scan_finish(sc, rc, e);
}

int restore_data_collect(struct restore_data *d, struct snapshot *s,
			 struct err *e)
{
	return restore_data_collect_scan(d, s, NULL, e);
}

int restore_data_collect_scan(struct restore_data *d, struct snapshot *s,
			      struct restore_scan *scan, struct err *e)
{
	struct collector c = { d, s, NULL, 0, 0, NULL, NULL, INT64_MAX,
			       INT64_MAX };
	const char **ids = xcalloc(s->npolicies + 1, sizeof(*ids));
	int *wls = xcalloc(s->npolicies + 1, sizeof(*wls));
	int rc = -1;

	for (size_t i = 0; i < s->npolicies; i++) {
		ids[i] = s->policies[i].policy_id;
		wls[i] = s->policies[i].workload;
	}
	restore_data_init(d, s->npolicies, ids, wls);
	free(ids);
	free(wls);
	c.first = xmalloc((s->nitems + 1) * sizeof(*c.first));
	for (size_t i = 0; i <= s->nitems; i++)
		c.first[i] = -1;
	build_weights(&c);
	if (read_snapshot(&c, scan, e))
		goto done;
	count_unmatched(&c);
	rc = 0;
done:
	free(c.p);
	free(c.first);
	free(c.weight);
	return rc;
}
