/* SPDX-License-Identifier: MIT
 * restore_scan.h: the fit's own read of a snapshot's jobs.csv and
 * recovery_points.csv, for restore_collect.c when no other stage shares
 * the stream (snapshot.cache is NULL). It reads only the columns the fit
 * uses, skips the jobs that are not restores before splitting them when
 * the manifest dates the job history, and checks both files' SHA-256 and
 * row counts against manifest.json on a second thread while it parses.
 * What it hands over is what snapshot_each_job and snapshot_each_item_rps
 * would: the same rows in the same order, with the columns the fit does
 * not read left empty (strings "", numbers 0, TIME_NONE for times).
 * Never prints. */
#ifndef VW_RESTORE_SCAN_H
#define VW_RESTORE_SCAN_H

#include <pthread.h>
#include <stdbool.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

enum { RSCAN_JOBS, RSCAN_RPS, RSCAN_FILES };

struct restore_scan {
	struct snapshot *s;
	char *path[RSCAN_FILES];
	uint64_t rows[RSCAN_FILES];
	/* the hashing thread's results */
	pthread_t hasher;
	bool started;
	char sha[RSCAN_FILES][SHA256_HEX_LEN];
	int hash_rc;
	struct err hash_err;
};

/* Starts hashing both files on a thread of its own. */
int restore_scan_start(struct restore_scan *sc, struct snapshot *s,
		       struct err *e);

/* The jobs: with restores_only, only rows naming "restore" (in any case)
 * reach fn; the others are counted, not split. */
int restore_scan_jobs(struct restore_scan *sc, bool restores_only,
		      job_fn fn, void *ctx, struct err *e);

/* The recovery points, one item at a time, sorted by rp_time. */
int restore_scan_points(struct restore_scan *sc, item_rps_fn fn, void *ctx,
			struct err *e);

/* Waits for the hashes; when rc is 0, checks both files against
 * manifest.json (exit 65 when they differ). Returns rc, or -1 when a
 * check fails. Always call it once restore_scan_start succeeded. */
int restore_scan_finish(struct restore_scan *sc, int rc, struct err *e);

#endif
