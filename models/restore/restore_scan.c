/* SPDX-License-Identifier: MIT
 * restore_scan.c: the fit's read of jobs.csv and recovery_points.csv
 * (restore_scan.h): the columns it uses, its restore jobs, both files'
 * SHA-256 (on a second thread) and rows against the manifest. Never
 * prints. */
#include "models/restore/restore_scan.h"

#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int restore_scan_begin(struct restore_scan *sc, const char *dir,
		       struct err *e)
{
	int err;

	memset(sc, 0, sizeof(*sc));
	sc->hash_err = (struct err)ERR_INIT;
	sc->path[RSCAN_JOBS] = path_join(dir, "jobs.csv");
	sc->path[RSCAN_RPS] = path_join(dir, "recovery_points.csv");
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

int restore_scan_start(struct restore_scan *sc, struct snapshot *s,
		       struct err *e)
{
	if (restore_scan_begin(sc, s->dir, e))
		return -1;
	sc->s = s;
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
 * A batch holds whole items (their points sorted by rp_time), handed to
 * the caller's thread, which gives them to fn in file order while the
 * readers fill other batches. A file of CHUNKS_MIN chunks or more is read
 * by READERS threads at once (below); a smaller one, and whatever follows
 * a place where the chunks do not join, by one reader thread in order. */

#define BATCH_POINTS 16384
#define CHUNK_BYTES (4u << 20)
#define CHUNKS_MIN 2
#define READERS 2
#define NO_OFFSET UINT64_MAX

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
	int kind, tier;       /* the last row's, tried first (repeat_enum) */
	bool full;            /* the caller's; the reader waits for it */
	/* a chunk's (below): its first row's and its end's offsets (the
	 * start NO_OFFSET when its reader found none), the lines between,
	 * the line of its first row (chunk 0), its rows, whether it failed
	 * and whether it holds no row at all */
	uint64_t start, end;
	size_t lines, line;
	uint64_t rows;
	bool failed, empty;
};

static void batch_reset(struct rp_batch *b)
{
	b->n = b->nitems = 0;
	strpool_reset(&b->pool);
}

static void batch_release(struct rp_batch *b)
{
	free(b->rps);
	free(b->items);
	strpool_release(&b->pool);
}

/* A new item in b from its next point on. */
static void begin_span(struct rp_batch *b, long item)
{
	b->items = grow_array(b->items, sizeof(*b->items), b->nitems + 1,
			      &b->items_alloc);
	b->items[b->nitems++] = (struct span){ item, b->n, 0 };
}

/* Ends b's last item: its points sorted and checked. */
static int end_span(const struct snapshot *s, struct rp_batch *b,
		    struct err *e)
{
	struct span *sp = &b->items[b->nitems - 1];

	sp->n = b->n - sp->start;
	return snapshot_order_item_rps(s, &s->items[sp->item],
				       b->rps + sp->start, sp->n, e);
}

/* The row's point, of the item already looked up, into b. */
static int add_point_row(const struct snapshot *s, struct rp_batch *b,
			 const struct csv_row *r, long item, struct err *e)
{
	struct rp *rp;

	b->rps = grow_array(b->rps, sizeof(*b->rps), b->n + 1, &b->alloc);
	rp = &b->rps[b->n];
	memset(rp, 0, sizeof(*rp));
	rp->item_id = s->items[item].item_id;
	rp->move_info = "";
	rp->expiry_time = TIME_NONE;
	if (row_str(r, P_ID, 0, &rp->rp_id, e) ||
	    row_time(r, P_TIME, 0, &rp->rp_time, e) ||
	    repeat_enum(r, P_KIND, 0, rp_kind_names, RK_COUNT, &b->kind,
			&rp->kind, e) ||
	    repeat_enum(r, P_TIER, 0, rp_tier_names, TIER_COUNT, &b->tier,
			&rp->tier, e) ||
	    row_time(r, P_EXPIRY, ROW_OPTIONAL, &rp->expiry_time, e))
		return -1;
	if (rp->expiry_time != TIME_NONE && rp->expiry_time < rp->rp_time)
		return row_error(r, P_EXPIRY, e,
				 "an expiry time after rp_time");
	rp->rp_id = strpool_dup(&b->pool, rp->rp_id);
	b->n++;
	return 0;
}

static bool item_done(const unsigned char *done, long item)
{
	return done[item / 8] & (1u << (item % 8));
}

static void set_done(unsigned char *done, long item, bool on)
{
	if (on)
		done[item / 8] |= (unsigned char)(1u << (item % 8));
	else
		done[item / 8] &= (unsigned char)~(1u << (item % 8));
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

/* ---- one reader, in order ----
 *
 * The reader thread parses the points from a place in the file on into
 * batches of about BATCH_POINTS points; the caller's thread hands each
 * batch's items to fn while the reader fills the other batch. Two
 * hand-overs per batch, not per item; memory: two batches. */

struct rp_pipe {
	struct restore_scan *sc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rp_batch batch[2];
	int fill;             /* the batch the reader fills */
	long item;            /* the item being gathered, or -1 */
	unsigned char *done;  /* one bit per item whose rows have ended */
	uint64_t from;        /* where to read from (0: the first row) */
	size_t line;          /* and its line */
	bool finished, stop;  /* reader done (rc, err); caller failed */
	int rc;
	struct err err;
};

/* Ends the current item: its points sorted and checked. */
static int close_item(struct rp_pipe *p, struct err *e)
{
	if (p->item < 0)
		return 0;
	set_done(p->done, p->item, true);
	return end_span(p->sc->s, &p->batch[p->fill], e);
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
	batch_reset(b);
	return stop ? err_set(e, EXIT_SOFTWARE, "stopped") : 0;
}

/* Moves on to the row's item: rows of an item must be contiguous. */
static int next_item(struct rp_pipe *p, const struct csv_row *r, long item,
		     struct err *e)
{
	if (close_item(p, e))
		return -1;
	if (p->batch[p->fill].n >= BATCH_POINTS && hand_over(p, e))
		return -1;
	if (item_done(p->done, item))
		return row_error(r, P_ITEM, e,
				 "rows grouped by item_id (this item appeared "
				 "earlier, before rows of other items)");
	p->item = item;
	begin_span(&p->batch[p->fill], item);
	return 0;
}

static int scan_rp_row(struct rp_pipe *p, const struct csv_row *r,
		       struct err *e)
{
	long item = p->item;

	p->sc->rows[RSCAN_RPS]++;
	if (row_item(p->sc->s, r, P_ITEM, &item, e) ||
	    (item != p->item && next_item(p, r, item, e)))
		return -1;
	return add_point_row(p->sc->s, &p->batch[p->fill], r, item, e);
}

static int read_rest(struct rp_pipe *p, struct err *e)
{
	struct csv_cursor *c = csv_cursor_open(p->sc->path[RSCAN_RPS],
					       &rps_schema, e);
	struct csv_row row;
	int rc = c ? 0 : -1;

	if (c && p->from)
		rc = csv_cursor_seek(c, p->from, p->line, e);
	while (!rc && (rc = csv_cursor_next(c, &row, e)) > 0)
		rc = scan_rp_row(p, &row, e);
	csv_cursor_close(c);
	return rc;
}

static void *read_points(void *arg)
{
	struct rp_pipe *p = arg;
	int rc = read_rest(p, &p->err);

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

/* The points from offset from (0: the first row) and line on, in order;
 * done: the items already given to fn. */
static int points_in_order(struct restore_scan *sc, unsigned char *done,
			   uint64_t from, size_t line, item_rps_fn fn,
			   void *ctx, struct err *e)
{
	struct rp_pipe p = { .sc = sc, .item = -1, .done = done,
			     .from = from, .line = line, .err = ERR_INIT };
	struct rp_batch *b;
	pthread_t reader;
	int rc = 0, err;

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
	for (int i = 0; i < 2; i++)
		batch_release(&p.batch[i]);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

/* ---- chunks, read at once ----
 *
 * The file is cut into chunks of about chunk_bytes at item boundaries;
 * chunk k goes to reader k % READERS, into a batch of its own, and the
 * caller hands the batches' items to fn in file order, so that fn gets
 * what one reader would give it. Chunk k's reader finds where its chunk
 * starts: from the first line end at or after k * chunk_bytes (its
 * nominal start; csvscan_seek), the first row whose item differs from the
 * row before; it stops at the first row past the next chunk's nominal
 * start whose item differs from the row before, which is where the next
 * chunk's reader starts by the same rule. A line end inside a quoted
 * field is no row's end: so the caller checks that each chunk starts
 * where the one before stopped, and from the first place where one does
 * not (or where a chunk's rows hold an error, or an item seen before),
 * one reader reads the rest in order, as in a small file: errors name
 * the line one pass would. A chunk whose first row would come after the
 * next chunk's nominal start (an item longer than a chunk) is empty.
 * Memory: two chunks per reader. */

struct chunk_reader {
	struct chunks *ch;
	int id;
	pthread_t thread;
	struct rp_batch batch[2];
	struct err err;       /* its chunk's error, found again in order */
};

struct chunks {
	struct restore_scan *sc;
	uint64_t size, step;
	size_t n;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct chunk_reader rd[READERS];
};

/* Reader: the next row, its item, and where it starts (with the blank
 * lines before it) and its line: 1, 0 at the end, -1 with e set. */
static int next_row(struct csv_cursor *c, const struct snapshot *s,
		    struct csv_row *row, long *item, uint64_t *at,
		    size_t *line, struct err *e)
{
	int rc;

	*at = csv_cursor_at(c, line);
	rc = csv_cursor_next(c, row, e);
	if (rc > 0 && row_item(s, row, P_ITEM, item, e))
		return -1;
	return rc;
}

/* The nominal start of the chunk after k (NO_OFFSET after the last). */
static uint64_t next_chunk(const struct chunks *ch, size_t k)
{
	return k + 1 < ch->n ? (k + 1) * ch->step : NO_OFFSET;
}

/* Reader: chunk k's (k > 0) first row into *row: 1, 0 when the chunk is
 * empty, -1 when none was found (start stays NO_OFFSET). */
static int chunk_start(struct chunk_reader *rd, struct csv_cursor *c,
		       size_t k, struct rp_batch *b, struct csv_row *row,
		       long *item)
{
	const struct chunks *ch = rd->ch;
	uint64_t at, prev_at = 0;
	size_t line;
	long prev = -1;

	if (csv_cursor_seek(c, k * ch->step, 1, &rd->err))
		return -1;
	for (;; prev = *item, prev_at = at) {
		int rc = next_row(c, ch->sc->s, row, item, &at, &line,
				  &rd->err);
		if (rc <= 0)
			return rc;
		if (prev >= 0 && prev_at >= next_chunk(ch, k))
			return 0;
		if (prev >= 0 && *item != prev) {
			b->start = at;
			b->line = line;
			return 1;
		}
	}
}

/* Reader: chunk k's points into b, from its first row to its end: the
 * first row past the next chunk's nominal start (the row before starts
 * there or after it) whose item differs from the row before. */
static void read_chunk(struct chunk_reader *rd, struct csv_cursor *c,
		       size_t k, struct rp_batch *b)
{
	const struct snapshot *s = rd->ch->sc->s;
	uint64_t at, prev_at = 0, next = next_chunk(rd->ch, k);
	struct csv_row row;
	long item = -1, prev = -1;
	size_t line;
	int rc;

	if (k) {
		rc = chunk_start(rd, c, k, b, &row, &item);
		b->empty = rc == 0;
		if (rc <= 0)
			return;
	} else {
		rc = next_row(c, s, &row, &item, &b->start, &b->line,
			      &rd->err);
	}
	at = b->start;
	line = b->line;
	while (rc > 0) {
		if (prev >= 0 && item != prev) {
			if (prev_at >= next) {
				b->end = at;
				break;
			}
			if (end_span(s, b, &rd->err)) {
				rc = -1;
				break;
			}
		}
		if (item != prev)
			begin_span(b, item);
		b->rows++;
		if (add_point_row(s, b, &row, item, &rd->err)) {
			rc = -1;
			break;
		}
		prev = item;
		prev_at = at;
		rc = next_row(c, s, &row, &item, &at, &line, &rd->err);
	}
	if (!rc)
		b->end = csv_cursor_at(c, &line);
	b->lines = line - b->line;
	b->failed = rc < 0 || (b->nitems && end_span(s, b, &rd->err));
}

/* Reader thread: its chunks, each into its next batch once the caller
 * has handed that back. */
static void *read_chunks(void *arg)
{
	struct chunk_reader *rd = arg;
	struct chunks *ch = rd->ch;
	struct csv_cursor *c = csv_cursor_open(ch->sc->path[RSCAN_RPS],
					       &rps_schema, &rd->err);
	int i = 0;

	for (size_t k = (size_t)rd->id; k < ch->n; k += READERS, i ^= 1) {
		struct rp_batch *b = &rd->batch[i];
		bool stop;

		pthread_mutex_lock(&ch->mu);
		while (b->full && !ch->stop)
			pthread_cond_wait(&ch->cv, &ch->mu);
		stop = ch->stop;
		pthread_mutex_unlock(&ch->mu);
		if (stop)
			break;
		batch_reset(b);
		b->start = b->end = NO_OFFSET;
		b->lines = b->line = 0;
		b->rows = 0;
		b->empty = false;
		b->failed = !c;
		if (c)
			read_chunk(rd, c, k, b);
		pthread_mutex_lock(&ch->mu);
		b->full = true;
		pthread_cond_broadcast(&ch->cv);
		pthread_mutex_unlock(&ch->mu);
	}
	csv_cursor_close(c);
	return NULL;
}

/* The caller: chunk k's batch once its reader has filled it (the batch
 * held chunk k - 2 READERS before, already handed back). */
static struct rp_batch *chunk_batch(struct chunks *ch, size_t k)
{
	struct rp_batch *b = &ch->rd[k % READERS].batch[k / READERS % 2];

	pthread_mutex_lock(&ch->mu);
	while (!b->full)
		pthread_cond_wait(&ch->cv, &ch->mu);
	pthread_mutex_unlock(&ch->mu);
	return b;
}

static void chunk_done(struct chunks *ch, struct rp_batch *b)
{
	pthread_mutex_lock(&ch->mu);
	b->full = false;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
}

/* The caller: the chunk's items marked as done, or false, with none
 * marked, when one was already: rows not grouped by item. */
static bool mark_items(unsigned char *done, const struct rp_batch *b)
{
	for (size_t i = 0; i < b->nitems; i++) {
		if (item_done(done, b->items[i].item)) {
			while (i--)
				set_done(done, b->items[i].item, false);
			return false;
		}
		set_done(done, b->items[i].item, true);
	}
	return true;
}

/* Stops the readers started (the first n) and frees their batches. */
static void stop_readers(struct chunks *ch, int n)
{
	pthread_mutex_lock(&ch->mu);
	ch->stop = true;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
	for (int r = 0; r < n; r++)
		pthread_join(ch->rd[r].thread, NULL);
	for (int r = 0; r < READERS; r++)
		for (int i = 0; i < 2; i++)
			batch_release(&ch->rd[r].batch[i]);
}

/* The chunks in order while they join up; the rest, if any, in order by
 * one reader. */
static int points_in_chunks(struct chunks *ch, unsigned char *done,
			    item_rps_fn fn, void *ctx, struct err *e)
{
	struct restore_scan *sc = ch->sc;
	uint64_t from = 0;    /* where the next chunk must start (0: row 1) */
	size_t line = 0;      /* its line */
	int r, rc = 0, err = 0;

	pthread_mutex_init(&ch->mu, NULL);
	pthread_cond_init(&ch->cv, NULL);
	for (r = 0; r < READERS && !err; r++) {
		ch->rd[r] = (struct chunk_reader){ .ch = ch, .id = r,
						   .err = ERR_INIT };
		err = pthread_create(&ch->rd[r].thread, NULL, read_chunks,
				     &ch->rd[r]);
	}
	for (size_t k = 0; k < ch->n && !err && !rc; k++) {
		struct rp_batch *b = chunk_batch(ch, k);
		if (b->empty) {
			chunk_done(ch, b);
			continue;
		}
		if ((k && b->start != from) || b->failed ||
		    !mark_items(done, b)) {
			chunk_done(ch, b);
			break;
		}
		sc->rows[RSCAN_RPS] += b->rows;
		rc = each_item(sc->s, b, fn, ctx, e);
		line = (k ? line : b->line) + b->lines;
		from = b->end;
		chunk_done(ch, b);
	}
	stop_readers(ch, err ? r - 1 : r);
	pthread_cond_destroy(&ch->cv);
	pthread_mutex_destroy(&ch->mu);
	if (err)
		return err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s",
			       strerror(err));
	if (rc || from == ch->size)
		return rc;
	return points_in_order(sc, done, from, line, fn, ctx, e);
}

/* How many chunks of about step bytes the file makes: 0 for a gzip file
 * (no seeking in it) or one that cannot be opened. */
static size_t count_chunks(const char *path, uint64_t step, uint64_t *size)
{
	unsigned char magic[2] = { 0, 0 };
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool plain = fd >= 0 && fstat(fd, &st) == 0 &&
		     (pread(fd, magic, 2, 0) < 2 || magic[0] != 0x1f ||
		      magic[1] != 0x8b);

	if (fd >= 0)
		close(fd);
	if (!plain)
		return 0;
	*size = (uint64_t)st.st_size;
	return (size_t)(*size / step);
}

int restore_scan_points(struct restore_scan *sc, item_rps_fn fn, void *ctx,
			struct err *e)
{
	unsigned char *done = xcalloc(sc->s->nitems / 8 + 1, 1);
	struct chunks ch = { .sc = sc };
	int rc;

	ch.step = sc->chunk_bytes ? sc->chunk_bytes : CHUNK_BYTES;
	ch.n = count_chunks(sc->path[RSCAN_RPS], ch.step, &ch.size);
	if (ch.n >= CHUNKS_MIN)
		rc = points_in_chunks(&ch, done, fn, ctx, e);
	else
		rc = points_in_order(sc, done, 0, 0, fn, ctx, e);
	free(done);
	return rc;
}
