/* SPDX-License-Identifier: MIT
 * restore_scan.c: the fit's read of jobs.csv and recovery_points.csv
 * (restore_scan.h): the columns it uses, its restore jobs, the SHA-256
 * of both files on a second thread. Never prints. */
#include "models/restore/restore_scan.h"

#include <math.h>
#include <string.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED
enum { J_ITEM, J_OP, J_STATUS, J_START, J_RPTIME, J_NCOLS };
static const struct csv_column job_cols[] = {
	{ "item_id", R }, { "operation", R }, { "status", R },
	{ "start_time", R }, { "rp_time", R },
};
static const struct csv_schema jobs_schema = { "jobs.csv", job_cols,
					       J_NCOLS };

enum { P_ID, P_ITEM, P_TIME, P_KIND, P_TIER, P_EXPIRY, P_NCOLS };
static const struct csv_column rp_cols[] = {
	{ "rp_id", R }, { "item_id", R }, { "rp_time", R }, { "rp_kind", R },
	{ "tier", R }, { "expiry_time", R },
};
static const struct csv_schema rps_schema = { "recovery_points.csv",
					      rp_cols, P_NCOLS };
#undef R

static const char *const file_names[RSCAN_FILES] = { "jobs.csv",
						     "recovery_points.csv" };

static void *hash_files(void *arg)
{
	struct restore_scan *sc = arg;

	for (int f = 0; f < RSCAN_FILES && !sc->hash_rc; f++)
		sc->hash_rc = sha256_file(sc->path[f], sc->sha[f],
					  &sc->hash_err);
	return NULL;
}

int restore_scan_start(struct restore_scan *sc, struct snapshot *s,
		       struct err *e)
{
	int err;

	memset(sc, 0, sizeof(*sc));
	sc->s = s;
	sc->hash_err = (struct err)ERR_INIT;
	for (int f = 0; f < RSCAN_FILES; f++)
		sc->path[f] = path_join(s->dir, file_names[f]);
	err = pthread_create(&sc->hasher, NULL, hash_files, sc);
	if (err) {
		for (int f = 0; f < RSCAN_FILES; f++)
			free(sc->path[f]);
		return err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s",
			       strerror(err));
	}
	sc->started = true;
	return 0;
}

int restore_scan_finish(struct restore_scan *sc, int rc, struct err *e)
{
	if (!sc->started)
		return rc;
	pthread_join(sc->hasher, NULL);
	sc->started = false;
	if (!rc && sc->hash_rc) {
		*e = sc->hash_err;
		rc = -1;
	}
	for (int f = 0; f < RSCAN_FILES && !rc; f++) {
		struct csv_file_info info = { .rows = sc->rows[f] };
		memcpy(info.sha256, sc->sha[f], sizeof(info.sha256));
		rc = snapshot_check_file(sc->s, file_names[f], &info, e);
	}
	for (int f = 0; f < RSCAN_FILES; f++)
		free(sc->path[f]);
	return rc;
}

static int unknown_item(const struct csv_row *r, int col, struct err *e)
{
	return row_error(r, col, e, "an id listed in items.csv");
}

/* ---- jobs ---- */

struct job_scan {
	struct restore_scan *sc;
	job_fn fn;
	void *ctx;
	long last;            /* the item of the row before, or -1 */
};

/* The item named in column col ("" for none: -1, not an error), trying
 * the item of the row before first: rows come grouped by item. */
static int row_item(const struct snapshot *s, const struct csv_row *r,
		    int col, long *last, struct err *e)
{
	const char *id = r->val[col];

	if (*last >= 0 && !strcmp(s->items[*last].item_id, id))
		return 0;
	*last = snapshot_find_item(s, id);
	return *last < 0 ? unknown_item(r, col, e) : 0;
}

static int scan_job_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct job_scan *js = ctx;
	const struct snapshot *s = js->sc->s;
	struct job j = { "", "", "", "", "", "", "", TIME_NONE, TIME_NONE,
			 TIME_NONE, NAN, NAN };

	js->sc->rows[RSCAN_JOBS]++;
	if (row_str(r, J_OP, 0, &j.operation, e) ||
	    row_str(r, J_STATUS, 0, &j.status, e) ||
	    row_time(r, J_START, 0, &j.start_time, e) ||
	    row_time(r, J_RPTIME, ROW_OPTIONAL, &j.rp_time, e))
		return -1;
	j.item_id = r->val[J_ITEM];
	if (!j.item_id[0])
		return js->fn(js->ctx, NULL, &j, e);
	if (row_item(s, r, J_ITEM, &js->last, e))
		return -1;
	return js->fn(js->ctx, &s->items[js->last], &j, e);
}

int restore_scan_jobs(struct restore_scan *sc, bool restores_only,
		      job_fn fn, void *ctx, struct err *e)
{
	struct job_scan js = { sc, fn, ctx, -1 };
	uint64_t skipped = 0;
	int rc = csv_read_kept(sc->path[RSCAN_JOBS], &jobs_schema,
			       restores_only ? "restore" : NULL, scan_job_row,
			       &js, NULL, &skipped, e);

	sc->rows[RSCAN_JOBS] += skipped;
	return rc;
}

/* ---- recovery points ---- */

struct rp_scan {
	struct restore_scan *sc;
	item_rps_fn fn;
	void *ctx;
	long item;            /* the item being gathered, or -1 */
	unsigned char *done;  /* one bit per item whose rows have ended */
	struct rp *rps;
	size_t n, alloc;
	struct strpool pool;  /* the item's rp_ids */
};

/* Hands the gathered item's points to fn and starts afresh. */
static int flush_item(struct rp_scan *ps, struct err *e)
{
	const struct snapshot *s = ps->sc->s;
	const struct item *it = &s->items[ps->item];
	int rc;

	if (!ps->n)
		return 0;
	rc = snapshot_order_item_rps(s, it, ps->rps, ps->n, e);
	if (!rc)
		rc = ps->fn(ps->ctx, it, ps->rps, ps->n, e);
	ps->n = 0;
	strpool_reset(&ps->pool);
	return rc;
}

/* Moves on to the row's item: rows of an item must be contiguous. */
static int next_item(struct rp_scan *ps, const struct csv_row *r, long item,
		     struct err *e)
{
	if (ps->item >= 0) {
		if (flush_item(ps, e))
			return -1;
		ps->done[ps->item / 8] |= (unsigned char)(1u << (ps->item % 8));
	}
	if (ps->done[item / 8] & (1u << (item % 8)))
		return row_error(r, P_ITEM, e,
				 "rows grouped by item_id (this item appeared "
				 "earlier, before rows of other items)");
	ps->item = item;
	return 0;
}

static int scan_rp_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct rp_scan *ps = ctx;
	const struct snapshot *s = ps->sc->s;
	long item = ps->item;
	struct rp *rp;

	ps->sc->rows[RSCAN_RPS]++;
	if (row_item(s, r, P_ITEM, &item, e) ||
	    (item != ps->item && next_item(ps, r, item, e)))
		return -1;
	ps->rps = grow_array(ps->rps, sizeof(*ps->rps), ps->n + 1,
			     &ps->alloc);
	rp = &ps->rps[ps->n];
	memset(rp, 0, sizeof(*rp));
	rp->item_id = s->items[item].item_id;
	rp->move_info = "";
	rp->expiry_time = TIME_NONE;
	if (row_str(r, P_ID, 0, &rp->rp_id, e) ||
	    row_time(r, P_TIME, 0, &rp->rp_time, e) ||
	    row_enum(r, P_KIND, 0, rp_kind_names, RK_COUNT, &rp->kind, e) ||
	    row_enum(r, P_TIER, 0, rp_tier_names, TIER_COUNT, &rp->tier, e) ||
	    row_time(r, P_EXPIRY, ROW_OPTIONAL, &rp->expiry_time, e))
		return -1;
	if (rp->expiry_time != TIME_NONE && rp->expiry_time < rp->rp_time)
		return row_error(r, P_EXPIRY, e,
				 "an expiry time after rp_time");
	rp->rp_id = strpool_dup(&ps->pool, rp->rp_id);
	ps->n++;
	return 0;
}

int restore_scan_points(struct restore_scan *sc, item_rps_fn fn, void *ctx,
			struct err *e)
{
	struct rp_scan ps = { .sc = sc, .fn = fn, .ctx = ctx, .item = -1 };
	int rc;

	ps.done = xcalloc(sc->s->nitems / 8 + 1, 1);
	rc = csv_read(sc->path[RSCAN_RPS], &rps_schema, scan_rp_row, &ps,
		      NULL, e);
	if (!rc && ps.item >= 0)
		rc = flush_item(&ps, e);
	free(ps.done);
	free(ps.rps);
	strpool_release(&ps.pool);
	return rc;
}
