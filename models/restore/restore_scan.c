/* SPDX-License-Identifier: MIT
 * restore_scan.c: the fit's read of jobs.csv and recovery_points.csv
 * (restore_scan.h): the columns it uses, its restore jobs, both files'
 * SHA-256 (on a second thread) and rows against the manifest. Never
 * prints. */
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

/* The checker: the SHA-256 of both files. */
static void *check_files(void *arg)
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
	sc->path[RSCAN_JOBS] = path_join(s->dir, "jobs.csv");
	sc->path[RSCAN_RPS] = path_join(s->dir, "recovery_points.csv");
	err = pthread_create(&sc->checker, NULL, check_files, sc);
	if (err) {
		for (int f = 0; f < RSCAN_FILES; f++)
			free(sc->path[f]);
		return err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s",
			       strerror(err));
	}
	sc->started = true;
	return 0;
}

/* Both files' rows and SHA-256 against the manifest, jobs.csv first. */
int restore_scan_finish(struct restore_scan *sc, int rc, struct err *e)
{
	static const char *const names[RSCAN_FILES] = {
		"jobs.csv", "recovery_points.csv"
	};

	if (!sc->started)
		return rc;
	pthread_join(sc->checker, NULL);
	sc->started = false;
	if (!rc && sc->hash_rc) {
		*e = sc->hash_err;
		rc = -1;
	}
	for (int f = 0; f < RSCAN_FILES && !rc; f++) {
		struct csv_file_info info = { .rows = sc->rows[f] };
		memcpy(info.sha256, sc->sha[f], sizeof(info.sha256));
		rc = snapshot_check_file(sc->s, names[f], &info, e);
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
	uint64_t rows;        /* read (the skipped ones are counted apart) */
};

/* The item named in column col into *last (exit 65 when items.csv does
 * not list it), trying *last first: rows come grouped by item. */
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

	js->rows++;
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
	struct job_scan js = { sc, fn, ctx, -1, 0 };
	uint64_t skipped = 0;

	if (csv_read_kept(sc->path[RSCAN_JOBS], &jobs_schema,
			  restores_only ? "restore" : NULL, scan_job_row, &js,
			  NULL, &skipped, e))
		return -1;
	sc->rows[RSCAN_JOBS] = js.rows + skipped;
	return 0;
}

/* ---- recovery points ----
 *
 * A reader thread parses the points into batches of whole items (about
 * BATCH_POINTS points each); the caller's thread hands each item to fn
 * while the reader fills the other batch. Two hand-overs per batch, not
 * per item; memory: two batches. */

#define BATCH_POINTS 16384

struct span {
	long item;
	size_t start, n;
};

struct rp_batch {
	struct rp *rps;
	size_t n, alloc;
	struct span *items;
	size_t nitems, items_alloc;
	struct strpool pool;  /* the rp_ids */
	bool full;            /* the caller's; the reader waits for it */
};

struct rp_pipe {
	struct restore_scan *sc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rp_batch batch[2];
	int fill;             /* the batch the reader fills */
	long item;            /* the item being gathered, or -1 */
	unsigned char *done;  /* one bit per item whose rows have ended */
	bool finished, stop;  /* reader done (rc, err); caller failed */
	int rc;
	struct err err;
};

/* Ends the current item: its points sorted and checked. */
static int close_item(struct rp_pipe *p, struct err *e)
{
	struct rp_batch *b = &p->batch[p->fill];
	struct span *sp;

	if (p->item < 0)
		return 0;
	sp = &b->items[b->nitems - 1];
	sp->n = b->n - sp->start;
	p->done[p->item / 8] |= (unsigned char)(1u << (p->item % 8));
	return snapshot_order_item_rps(p->sc->s, &p->sc->s->items[p->item],
				       b->rps + sp->start, sp->n, e);
}

/* Gives the filled batch to the caller; waits for the other one. */
static int hand_over(struct rp_pipe *p, struct err *e)
{
	struct rp_batch *b = &p->batch[p->fill];
	bool stop;

	pthread_mutex_lock(&p->mu);
	b->full = true;
	pthread_cond_broadcast(&p->cv);
	p->fill ^= 1;
	b = &p->batch[p->fill];
	while (b->full && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	b->n = b->nitems = 0;
	strpool_reset(&b->pool);
	return stop ? err_set(e, EXIT_SOFTWARE, "stopped") : 0;
}

/* Moves on to the row's item: rows of an item must be contiguous. */
static int next_item(struct rp_pipe *p, const struct csv_row *r, long item,
		     struct err *e)
{
	struct rp_batch *b;

	if (close_item(p, e))
		return -1;
	if (p->batch[p->fill].n >= BATCH_POINTS && hand_over(p, e))
		return -1;
	if (p->done[item / 8] & (1u << (item % 8)))
		return row_error(r, P_ITEM, e,
				 "rows grouped by item_id (this item appeared "
				 "earlier, before rows of other items)");
	p->item = item;
	b = &p->batch[p->fill];
	b->items = grow_array(b->items, sizeof(*b->items), b->nitems + 1,
			      &b->items_alloc);
	b->items[b->nitems++] = (struct span){ item, b->n, 0 };
	return 0;
}

static int scan_rp_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct rp_pipe *p = ctx;
	const struct snapshot *s = p->sc->s;
	struct rp_batch *b;
	long item = p->item;
	struct rp *rp;

	p->sc->rows[RSCAN_RPS]++;
	if (row_item(s, r, P_ITEM, &item, e) ||
	    (item != p->item && next_item(p, r, item, e)))
		return -1;
	b = &p->batch[p->fill];
	b->rps = grow_array(b->rps, sizeof(*b->rps), b->n + 1, &b->alloc);
	rp = &b->rps[b->n];
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
	rp->rp_id = strpool_dup(&b->pool, rp->rp_id);
	b->n++;
	return 0;
}

static void *read_points(void *arg)
{
	struct rp_pipe *p = arg;
	int rc = csv_read(p->sc->path[RSCAN_RPS], &rps_schema, scan_rp_row,
			  p, NULL, &p->err);

	if (!rc)
		rc = close_item(p, &p->err);
	if (!rc && p->batch[p->fill].n)
		rc = hand_over(p, &p->err);
	pthread_mutex_lock(&p->mu);
	p->rc = rc;
	p->finished = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The caller: batch i once full, or NULL when the reader has finished. */
static struct rp_batch *next_batch(struct rp_pipe *p, int i)
{
	struct rp_batch *b = &p->batch[i];
	bool full;

	pthread_mutex_lock(&p->mu);
	while (!b->full && !p->finished)
		pthread_cond_wait(&p->cv, &p->mu);
	full = b->full;
	pthread_mutex_unlock(&p->mu);
	return full ? b : NULL;
}

static void release_batch(struct rp_pipe *p, struct rp_batch *b, bool stop)
{
	pthread_mutex_lock(&p->mu);
	b->full = false;
	p->stop = p->stop || stop;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static int each_item(const struct snapshot *s, const struct rp_batch *b,
		     item_rps_fn fn, void *ctx, struct err *e)
{
	for (size_t i = 0; i < b->nitems; i++) {
		const struct span *sp = &b->items[i];
		if (fn(ctx, &s->items[sp->item], b->rps + sp->start, sp->n, e))
			return -1;
	}
	return 0;
}

int restore_scan_points(struct restore_scan *sc, item_rps_fn fn, void *ctx,
			struct err *e)
{
	struct rp_pipe p = { .sc = sc, .item = -1, .err = ERR_INIT };
	struct rp_batch *b;
	pthread_t reader;
	int rc = 0, err;

	p.done = xcalloc(sc->s->nitems / 8 + 1, 1);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	err = pthread_create(&reader, NULL, read_points, &p);
	if (err) {
		rc = err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s",
			     strerror(err));
		goto out;
	}
	for (int i = 0; (b = next_batch(&p, i)); i ^= 1) {
		rc = each_item(sc->s, b, fn, ctx, e);
		release_batch(&p, b, rc != 0);
		if (rc)
			break;
	}
	pthread_join(reader, NULL);
	if (!rc && p.rc) {
		*e = p.err;
		rc = -1;
	}
out:
	for (int i = 0; i < 2; i++) {
		free(p.batch[i].rps);
		free(p.batch[i].items);
		strpool_release(&p.batch[i].pool);
	}
	free(p.done);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}
