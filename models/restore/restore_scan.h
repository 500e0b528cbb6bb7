/* SPDX-License-Identifier: MIT
 * restore_scan.h: the fit's own read of a snapshot's jobs.csv and
 * recovery_points.csv, for restore_collect.c when no other stage shares
 * the stream (snapshot.cache is NULL). The fit takes only the restore
 * jobs, skipped to before they are split when the manifest dates the
 * job history, and six of the points' columns, parsed on two reader
 * threads (the file cut in chunks at item boundaries, handed to fn in file
 * order); a checker thread meanwhile hashes both files. Their
 * files' rows and SHA-256 are checked against manifest.json, and every
 * value the fit reads (the five columns of the jobs it reads, the six of
 * the points) is checked as every stage checks it: a snapshot is refused
 * as before, except for a bad value in a column or a job the fit does
 * not read, which is left to the stages that read it (docs/commands/
 * fit.md, "What fit checks").
 * What fn gets is what snapshot_each_job and snapshot_each_item_rps
 * would give: the same rows in the same order, with the columns the fit
 * does not read left empty (strings "", numbers 0 or NAN, TIME_NONE for
 * times). Never prints. */
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
	/* recovery_points.csv is read in chunks of about this many bytes on
	 * two threads (0: 4 MiB; restore_scan.c) */
	uint64_t chunk_bytes;
	/* the checker thread's results */
	pthread_t checker;
	bool started;
	int hash_rc;
	struct err hash_err;
	char sha[RSCAN_FILES][SHA256_HEX_LEN];
};

/* Starts the checker thread on dir's files, before the snapshot is open
 * (`fit` hashes while snapshot_open reads the small tables); give it the
 * snapshot (sc->s) before reading. */
int restore_scan_begin(struct restore_scan *sc, const char *dir,
		       struct err *e);
/* restore_scan_begin on s's directory, with s. */
int restore_scan_start(struct restore_scan *sc, struct snapshot *s,
		       struct err *e);

/* The jobs: with restores_only, only rows naming "restore" (in any case)
 * reach fn; the others are skipped unsplit (and counted). */
int restore_scan_jobs(struct restore_scan *sc, bool restores_only,
		      job_fn fn, void *ctx, struct err *e);

/* The recovery points, one item at a time, sorted by rp_time. */
int restore_scan_points(struct restore_scan *sc, item_rps_fn fn, void *ctx,
			struct err *e);

/* Waits for the checker: rc's error first, then jobs.csv's and
 * recovery_points.csv's rows and SHA-256 against manifest.json (exit 65
 * when they differ).
 * Returns rc, or -1 when a check fails. Call it once restore_scan_begin
 * succeeded. */
int restore_scan_finish(struct restore_scan *sc, int rc, struct err *e);

#endif
