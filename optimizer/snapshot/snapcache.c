/* SPDX-License-Identifier: MIT
 * snapcache.c: streamed snapshot rows kept in a temporary file and
 * replayed (snapcache.h). A kept row is its fields in native byte order,
 * each string as a 32-bit length and its bytes with their NUL, or as
 * SAME when it equals the row before's (move_info, vault_id, status
 * repeat a lot); replay hands a string over where it was read. Replay
 * reads the file in blocks with pread, so that replays on several threads
 * share it, and memory stays one block per replay. */
#include "optimizer/snapshot/snapcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optimizer/base/util.h"

#define SAME UINT32_MAX
#define BLOCK (1u << 20) /* written and read at a time */
#define NSLOTS 6 /* strings per row, at most (a job's) */

/* A field added to struct rp or struct job must be kept too: these fail
 * the build until snap_cache_put_* and get_* have it (x86-64 sizes). */
_Static_assert(sizeof(struct rp) == 80, "keep struct rp's new field");
_Static_assert(sizeof(struct job) == 96, "keep struct job's new field");

enum keep_state { KEEP_NONE, KEEP_WRITING, KEEP_READY };

struct keeper {
	enum keep_state state;
	FILE *f;                      /* unlinked temporary file */
	bool failed;                  /* a write failed: nothing kept */
	off_t size;                   /* bytes written */
	char *out;                    /* out[0..used) not yet written */
	size_t used, cap;
	struct strbuf prev[NSLOTS];   /* each slot's last string */
};

struct snap_cache {
	struct keeper k[2]; /* recovery points, jobs */
	/* the points kept ahead, on a thread of their own */
	struct snapshot *s;
	pthread_t ahead;
	bool ahead_running;  /* until a stream of the points joins it */
	atomic_bool stop;    /* the snapshot is released: give up */
	/* The read-ahead does not hash as it reads: the points file's
	 * SHA-256 is taken by the first thread free for it, the caller
	 * when it wants the points before the read-ahead is done (its
	 * core would wait), else the read-ahead once it has read them. */
	atomic_bool hash_claimed;
	struct csv_file_info info; /* the read-ahead's rows, the hash */
	int read_rc, hash_rc;
};

void snapshot_keep_rows(struct snapshot *s)
{
	if (!s->cache) {
		s->cache = xcalloc(1, sizeof(*s->cache));
		atomic_init(&s->cache->stop, false);
		atomic_init(&s->cache->hash_claimed, false);
	}
}

static int keep_only(void *ctx, const struct item *it, const struct rp *rp,
		     struct err *e)
{
	const struct snap_cache *c = ctx;

	(void)it;
	(void)rp;
	if (atomic_load(&c->stop))
		return err_set(e, EXIT_SOFTWARE, "stopped");
	return 0;
}

/* The points file's SHA-256, by the first thread to come here. */
static void hash_points(struct snap_cache *c)
{
	struct err e = ERR_INIT;
	char *path;

	if (atomic_exchange(&c->hash_claimed, true))
		return;
	path = path_join(c->s->dir, snapshot_schemas[SF_RPS]->file);
	c->hash_rc = sha256_file(path, c->info.sha256, &e);
	free(path);
}

/* A failure keeps nothing: the stage's own stream then reads the file
 * again and reports it where it always did. */
static void *read_ahead(void *arg)
{
	struct snap_cache *c = arg;
	struct err e = ERR_INIT;

	snap_cache_begin(c, SF_RPS);
	c->read_rc = snapshot_each_rp_unhashed(c->s, keep_only, c,
					       &c->info.rows, &e);
	if (!c->read_rc)
		hash_points(c);
	return NULL;
}

void snapshot_read_points_ahead(struct snapshot *s)
{
	struct snap_cache *c;

	snapshot_keep_rows(s);
	c = s->cache;
	if (c->ahead_running || c->k[0].state != KEEP_NONE)
		return;
	c->s = s;
	c->ahead_running = pthread_create(&c->ahead, NULL, read_ahead, c) == 0;
}

/* The points kept ahead: hashed here unless the read-ahead got to it
 * first, then checked against manifest.json (a gzipped file's hash, of
 * its compressed bytes, differs: its points are then read again). */
static void finish_ahead(struct snap_cache *c)
{
	struct err e = ERR_INIT;
	bool ok;

	hash_points(c);
	pthread_join(c->ahead, NULL);
	c->ahead_running = false;
	ok = !c->read_rc && !c->hash_rc &&
	     !snapshot_check_file(c->s, snapshot_schemas[SF_RPS]->file,
				  &c->info, &e);
	snap_cache_end(c, SF_RPS, ok);
}

static struct keeper *keeper(struct snap_cache *c, int file)
{
	return c ? &c->k[file == SF_JOBS] : NULL;
}

static void keeper_reset(struct keeper *k)
{
	if (k->f)
		fclose(k->f);
	free(k->out);
	for (int i = 0; i < NSLOTS; i++)
		strbuf_release(&k->prev[i]);
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < NSLOTS; i++)
		k->prev[i] = (struct strbuf)STRBUF_INIT;
}

void snap_cache_free(struct snap_cache *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, true);
	if (c->ahead_running)
		pthread_join(c->ahead, NULL);
	for (int i = 0; i < 2; i++)
		keeper_reset(&c->k[i]);
	free(c);
}

bool snap_cache_ready(struct snap_cache *c, int file)
{
	if (!c)
		return false;
	if (file == SF_RPS && c->ahead_running)
		finish_ahead(c);
	return c->k[file == SF_JOBS].state == KEEP_READY;
}

void snap_cache_begin(struct snap_cache *c, int file)
{
	struct keeper *k = keeper(c, file);

	if (!k || k->state != KEEP_NONE)
		return;
	keeper_reset(k);
	k->f = tmpfile();
	if (k->f)
		k->state = KEEP_WRITING;
}

static void flush(struct keeper *k)
{
	if (k->used && fwrite(k->out, 1, k->used, k->f) != k->used)
		k->failed = true;
	k->size += (off_t)k->used;
	k->used = 0;
}

/* Room for a row of at most n bytes: one check a row, not one a field. */
static char *row_begin(struct keeper *k, size_t n)
{
	if (k->used + n > k->cap) {
		k->cap = k->used + n > 2 * BLOCK ? k->used + n : 2 * BLOCK;
		k->out = xrealloc(k->out, k->cap);
	}
	return k->out + k->used;
}

static char *put(char *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

/* A string of n bytes (its length, then its bytes and NUL), or SAME
 * when it is the row before's in the slot. */
static char *put_str(struct keeper *k, char *p, int slot, const char *s,
		     size_t n)
{
	struct strbuf *prev = &k->prev[slot];
	uint32_t len = (uint32_t)n;

	if (n == prev->len && !memcmp(s, prev->buf, n)) {
		len = SAME;
		return put(p, &len, sizeof(len));
	}
	p = put(p, &len, sizeof(len));
	p = put(p, s, n + 1);
	strbuf_reset(prev);
	strbuf_add(prev, s, n);
	return p;
}

static void row_end(struct keeper *k, const char *p)
{
	k->used = (size_t)(p - k->out);
	if (k->used >= BLOCK)
		flush(k);
}

/* The fixed-size part of a row, before its strings. */
#define RP_FIXED (4 + 8 * 4 + 4)
#define JOB_FIXED (4 + 8 * 5)

void snap_cache_put_rp(struct snap_cache *c, long item, const struct rp *rp)
{
	struct keeper *k = keeper(c, SF_RPS);
	int32_t it = (int32_t)item;
	uint8_t kind = (uint8_t)rp->kind, tier = (uint8_t)rp->tier,
		ready = (uint8_t)rp->move_ready;
	int8_t rec = (int8_t)rp->recommended;
	size_t n[2];
	char *p;

	if (!k || k->state != KEEP_WRITING)
		return;
	n[0] = strlen(rp->rp_id);
	n[1] = strlen(rp->move_info);
	p = row_begin(k, RP_FIXED + 2 * (sizeof(uint32_t) + 1) + n[0] + n[1]);
	p = put(p, &it, sizeof(it));
	p = put(p, &rp->rp_time, sizeof(rp->rp_time));
	p = put(p, &rp->expiry_time, sizeof(rp->expiry_time));
	p = put(p, &rp->unique_gb, sizeof(rp->unique_gb));
	p = put(p, &rp->full_gb, sizeof(rp->full_gb));
	p = put(p, &kind, 1);
	p = put(p, &tier, 1);
	p = put(p, &ready, 1);
	p = put(p, &rec, 1);
	p = put_str(k, p, 0, rp->rp_id, n[0]);
	p = put_str(k, p, 1, rp->move_info, n[1]);
	row_end(k, p);
}

void snap_cache_put_job(struct snap_cache *c, long item,
			const struct job *j)
{
	struct keeper *k = keeper(c, SF_JOBS);
	const char *str[NSLOTS] = { j->job_id, j->vault_id, j->operation,
				    j->status, j->source_tier, j->error_code };
	int32_t it = (int32_t)item;
	size_t n[NSLOTS], size = JOB_FIXED;
	char *p;

	if (!k || k->state != KEEP_WRITING)
		return;
	for (int i = 0; i < NSLOTS; i++) {
		n[i] = strlen(str[i]);
		size += sizeof(uint32_t) + n[i] + 1;
	}
	p = row_begin(k, size);
	p = put(p, &it, sizeof(it));
	p = put(p, &j->start_time, sizeof(j->start_time));
	p = put(p, &j->end_time, sizeof(j->end_time));
	p = put(p, &j->rp_time, sizeof(j->rp_time));
	p = put(p, &j->duration_s, sizeof(j->duration_s));
	p = put(p, &j->data_gb, sizeof(j->data_gb));
	for (int i = 0; i < NSLOTS; i++)
		p = put_str(k, p, i, str[i], n[i]);
	row_end(k, p);
}

void snap_cache_end(struct snap_cache *c, int file, bool complete)
{
	struct keeper *k = keeper(c, file);

	if (!k || k->state != KEEP_WRITING)
		return;
	if (complete)
		flush(k);
	if (complete && !k->failed && fflush(k->f) == 0)
		k->state = KEEP_READY;
	else
		keeper_reset(k);
}

/* ---- replay ---- */

struct cursor {
	int fd;
	off_t off, size;       /* next byte of the file to read; its size */
	char *buf;             /* buf[pos..len) read, not yet used */
	size_t pos, len, cap;
	const char *at[NSLOTS];    /* each slot's string: in buf, or str */
	struct strbuf str[NSLOTS]; /* a slot's string kept out of buf */
	struct err *e;
};

static void cursor_init(struct cursor *c, const struct keeper *k,
			struct err *e)
{
	memset(c, 0, sizeof(*c));
	c->fd = fileno(k->f);
	c->size = k->size;
	c->cap = BLOCK;
	c->buf = xmalloc(c->cap);
	for (int i = 0; i < NSLOTS; i++) {
		c->str[i] = (struct strbuf)STRBUF_INIT;
		c->at[i] = c->str[i].buf;
	}
	c->e = e;
}

static void cursor_release(struct cursor *c)
{
	free(c->buf);
	for (int i = 0; i < NSLOTS; i++)
		strbuf_release(&c->str[i]);
}

static bool more_rows(const struct cursor *c)
{
	return c->pos < c->len || c->off < c->size;
}

/* The slots' strings still in buf copied out of it, before buf's bytes
 * move: a string SAME hands over again, and the row's read so far. */
static void keep_strings(struct cursor *c)
{
	for (int i = 0; i < NSLOTS; i++)
		if (c->at[i] != c->str[i].buf) {
			strbuf_reset(&c->str[i]);
			strbuf_adds(&c->str[i], c->at[i]);
			c->at[i] = c->str[i].buf;
		}
}

/* Makes n bytes available at buf + pos. */
static int need(struct cursor *c, size_t n)
{
	if (c->len - c->pos >= n)
		return 0;
	keep_strings(c);
	memmove(c->buf, c->buf + c->pos, c->len - c->pos);
	c->len -= c->pos;
	c->pos = 0;
	if (n > c->cap) {
		c->cap = n;
		c->buf = xrealloc(c->buf, c->cap);
	}
	while (c->len < n) {
		ssize_t got = pread(c->fd, c->buf + c->len, c->cap - c->len,
				    c->off);
		if (got <= 0)
			return err_errno(c->e, EXIT_IOERR,
					 "cannot read back the snapshot's "
					 "kept rows");
		c->len += (size_t)got;
		c->off += got;
	}
	return 0;
}

static void get(struct cursor *c, void *out, size_t n)
{
	memcpy(out, c->buf + c->pos, n);
	c->pos += n;
}

/* The slot's next string into c->at[slot]: read where it lies in buf
 * (valid until need() keeps it elsewhere), or the row before's. */
static int get_str(struct cursor *c, int slot)
{
	uint32_t n;

	if (need(c, sizeof(n)))
		return -1;
	get(c, &n, sizeof(n));
	if (n != SAME) {
		if (need(c, (size_t)n + 1))
			return -1;
		c->at[slot] = c->buf + c->pos;
		c->pos += (size_t)n + 1;
	}
	return 0;
}

static int get_rp(struct cursor *c, int32_t *it, struct rp *rp)
{
	uint8_t kind, tier, ready;
	int8_t rec;

	if (need(c, RP_FIXED))
		return -1;
	get(c, it, sizeof(*it));
	get(c, &rp->rp_time, sizeof(rp->rp_time));
	get(c, &rp->expiry_time, sizeof(rp->expiry_time));
	get(c, &rp->unique_gb, sizeof(rp->unique_gb));
	get(c, &rp->full_gb, sizeof(rp->full_gb));
	get(c, &kind, 1);
	get(c, &tier, 1);
	get(c, &ready, 1);
	get(c, &rec, 1);
	rp->kind = kind;
	rp->tier = tier;
	rp->move_ready = ready;
	rp->recommended = rec;
	if (get_str(c, 0) || get_str(c, 1))
		return -1;
	/* after both: reading one may have moved the other */
	rp->rp_id = c->at[0];
	rp->move_info = c->at[1];
	return 0;
}

int snap_cache_each_rp(struct snapshot *s, rp_fn fn, void *ctx,
		       struct err *e)
{
	struct cursor c;
	int rc = 0;

	cursor_init(&c, keeper(s->cache, SF_RPS), e);
	while (!rc && more_rows(&c)) {
		struct rp rp;
		int32_t it;

		rc = get_rp(&c, &it, &rp);
		if (!rc) {
			rp.item_id = s->items[it].item_id;
			rc = fn(ctx, &s->items[it], &rp, e);
		}
	}
	cursor_release(&c);
	return rc ? -1 : 0;
}

static int get_job(struct cursor *c, int32_t *it, struct job *j)
{
	if (need(c, JOB_FIXED))
		return -1;
	get(c, it, sizeof(*it));
	get(c, &j->start_time, sizeof(j->start_time));
	get(c, &j->end_time, sizeof(j->end_time));
	get(c, &j->rp_time, sizeof(j->rp_time));
	get(c, &j->duration_s, sizeof(j->duration_s));
	get(c, &j->data_gb, sizeof(j->data_gb));
	for (int i = 0; i < NSLOTS; i++)
		if (get_str(c, i))
			return -1;
	/* after all: reading one may have moved the others */
	j->job_id = c->at[0];
	j->vault_id = c->at[1];
	j->operation = c->at[2];
	j->status = c->at[3];
	j->source_tier = c->at[4];
	j->error_code = c->at[5];
	return 0;
}

int snap_cache_each_job(struct snapshot *s, job_fn fn, void *ctx,
			struct err *e)
{
	struct cursor c;
	int rc = 0;

	cursor_init(&c, keeper(s->cache, SF_JOBS), e);
	while (!rc && more_rows(&c)) {
		struct job j;
		int32_t it;

		rc = get_job(&c, &it, &j);
		if (!rc) {
			j.item_id = it >= 0 ? s->items[it].item_id : "";
			rc = fn(ctx, it >= 0 ? &s->items[it] : NULL, &j, e);
		}
	}
	cursor_release(&c);
	return rc ? -1 : 0;
}
