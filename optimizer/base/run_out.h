/* SPDX-License-Identifier: MIT
 * run_out.h: `run`'s output directory replaced as a whole. The stages
 * write into a staging directory beside OUT (".OUT.run.PID") that becomes
 * OUT in one atomic exchange at the end, so OUT is always last month's
 * complete output or this month's, never a mix, whatever kills the run.
 * A lock (".OUT.lock" beside OUT, an fcntl lock the kernel drops when the
 * process dies) keeps a second run out (75, naming the holder); the
 * holder removes what dead runs left. OUT is replaced only when it is
 * empty, holds only a snapshot (which goes on into the new OUT), or holds
 * a ".vaultwise" marker saying `run` wrote it and nothing that `run`
 * does not write. */
#ifndef VW_RUN_OUT_H
#define VW_RUN_OUT_H

#include <stdbool.h>

#include "optimizer/base/err.h"

struct run_out {
	char *final;     /* OUT, without trailing slashes */
	char *stage;     /* where the stages write */
	char *lock_path;
	int lock_fd;
	bool existed;    /* OUT held an earlier run (or was empty) */
};

/* Checks OUT, takes the lock, cleans up after dead runs and makes the
 * staging directory, OUT's snapshot/ linked into it. */
int run_out_begin(struct run_out *ro, const char *out, struct err *e);
/* Writes the marker (tool, command, time) and puts the staging directory
 * in OUT's place; the earlier OUT is removed and the lock released. On
 * failure the caller calls run_out_abort. */
int run_out_commit(struct run_out *ro, const char *command, struct err *e);
/* Removes the staging directory, keeping an exported snapshot as
 * keep_snapshot_at when that is not NULL and nothing is there. Releases
 * the lock. Safe after a failed begin. */
void run_out_abort(struct run_out *ro, const char *keep_snapshot_at);

#endif
