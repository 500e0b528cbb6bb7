/* SPDX-License-Identifier: MIT
 * snapcache.h: a snapshot's streamed rows (recovery points and jobs) kept,
 * once a stream has read, checked and verified every row of a file, in a
 * compact binary form in an unlinked temporary file. Later streams of the
 * same file replay the kept rows, with no parsing and no SHA-256, exactly
 * as the CSV stream would give them: `run` reads each file once for all
 * its stages. Memory stays flat: the rows live in the
 * file (the page cache), read back a block at a time.
 *
 * Keeping is an optimization: when the temporary file cannot be written,
 * or a stream stops early, nothing is kept and the next stream reads the
 * CSV again. Every function accepts a NULL cache (nothing kept). */
#ifndef VW_SNAPCACHE_H
#define VW_SNAPCACHE_H

#include <stdbool.h>

#include "optimizer/snapshot/snapshot.h"

/* Makes s keep its streamed rows from now on. */
void snapshot_keep_rows(struct snapshot *s);
/* Keeps s's rows and starts keeping the recovery points now, on a thread
 * of their own, so that they are parsed on the other core while the
 * caller reads the jobs; the first stream of the points takes the file's
 * SHA-256 while the read-ahead finishes (or lets it take it, when it has
 * finished reading first), waits for it and replays them. The caller
 * must not add items to s meanwhile. */
void snapshot_read_points_ahead(struct snapshot *s);
void snap_cache_free(struct snap_cache *c);

/* Whether file's (SF_RPS or SF_JOBS) rows are kept complete; for the
 * points, waits for the read-ahead first. */
bool snap_cache_ready(struct snap_cache *c, int file);

/* Keeping: begin before a stream, one put per row that passed every
 * check, end after it (complete: every row was read and verified). */
void snap_cache_begin(struct snap_cache *c, int file);
void snap_cache_put_rp(struct snap_cache *c, long item, const struct rp *rp);
void snap_cache_put_job(struct snap_cache *c, long item,
			const struct job *j);
void snap_cache_end(struct snap_cache *c, int file, bool complete);

/* Replays the kept rows of a ready file, in file order. */
int snap_cache_each_rp(struct snapshot *s, rp_fn fn, void *ctx,
		       struct err *e);
int snap_cache_each_job(struct snapshot *s, job_fn fn, void *ctx,
			struct err *e);

#endif
