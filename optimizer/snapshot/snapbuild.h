/* SPDX-License-Identifier: MIT
 * snapbuild.h: assembles a snapshot from rows that arrive in any order
 * (an export's parallel requests, or the shards being merged) and writes
 * it in one canonical order, so that the same estate always gives the same
 * bytes:
 *
 *   vaults by vault_id; policies by policy_id; items by item_id; guards by
 *   vault_id then resource_guard_id; recovery points grouped by item in
 *   items order, each item's sorted by rp_time then rp_id; jobs grouped by
 *   item in items order, each item's sorted by start_time then job_id,
 *   then the jobs that belong to no item, by vault_id, start_time, job_id;
 *   Backup vaults, their policies and instances by their ids, their
 *   points by instance and time, their jobs by vault, instance and time.
 *
 * Recovery points and item jobs wait in a spool file (binary records,
 * unlinked at once, next to the output) with one byte range per item, so
 * memory grows with the number of items, never with points or jobs. Used
 * by export.c and cmd_merge.c; never prints. */
#ifndef VW_SNAPBUILD_H
#define VW_SNAPBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/bill.h"
#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapshot.h"

struct snapbuild;

/* The spool is created in the directory that will hold out_path. */
struct snapbuild *snapbuild_new(const char *out_path, struct err *e);
void snapbuild_free(struct snapbuild *b);

/* Rows are copied. A vault, policy or item id given twice is an error
 * (exit 65: the inputs overlap). */
int snapbuild_vault(struct snapbuild *b, const struct vault *v,
		    struct err *e);
int snapbuild_policy(struct snapbuild *b, const struct policy *p,
		     struct err *e);
int snapbuild_item(struct snapbuild *b, const struct item *it,
		   struct err *e);
int snapbuild_guard(struct snapbuild *b, const struct guard *g,
		    struct err *e);
/* Backup vault rows (snapshot_bv.h), written sorted by their ids. */
int snapbuild_bvault(struct snapbuild *b, const struct bvault *v,
		     struct err *e);
int snapbuild_bpolicy(struct snapbuild *b, const struct bpolicy *p,
		      struct err *e);
int snapbuild_binstance(struct snapbuild *b, const struct binstance *bi,
			struct err *e);
/* A Backup vault instance's recovery point and a Backup vault's job,
 * copied; written by instance and time (snapshot_bv_sort). Few enough
 * to be kept in memory. */
void snapbuild_brp(struct snapbuild *b, const struct brp *rp);
void snapbuild_bjob(struct snapbuild *b, const struct bjob *j);
/* All points of one item (added before), at once. */
int snapbuild_item_rps(struct snapbuild *b, const char *item_id,
		       const struct rp *rps, size_t n, struct err *e);
/* A batch of jobs: those with an item_id go to that item (each item's
 * jobs in one batch), the others are the vault-level jobs. */
int snapbuild_jobs(struct snapbuild *b, const struct job *jobs, size_t n,
		   struct err *e);

/* An expiry Azure gives only elsewhere than the point (an on-demand
 * backup's, in its job's details): the points of item_id taken in
 * [lo, hi] that have no expiry get this one when the snapshot is
 * written. */
int snapbuild_rp_expiry(struct snapbuild *b, const char *item_id,
			int64_t lo, int64_t hi, int64_t expiry,
			struct err *e);

/* The rp_time of every point given for item_id (in the order given);
 * caller frees *times. */
int snapbuild_item_rp_times(struct snapbuild *b, const char *item_id,
			    int64_t **times, size_t *n, struct err *e);

/* costs.csv (bill.h): once costs are wanted (Cost Management answered)
 * the snapshot has the file, with the rows given (none: the month was
 * read and billed nothing), written by resource id, meter category and
 * meter. Rows are copied. */
void snapbuild_want_costs(struct snapbuild *b);
void snapbuild_cost(struct snapbuild *b, const struct cost_row *r);

struct snapbuild_counts {
	size_t costs;
	size_t vaults, policies, items, guards;
	uint64_t rps, jobs;
	/* Backup vaults: their policies, instances, points and jobs */
	size_t bvaults, bpolicies, binstances;
	uint64_t brps, bjobs;
};
void snapbuild_counts(const struct snapbuild *b, struct snapbuild_counts *c);

/* Writes the snapshot to out_path (atomically) with manifest m, whose
 * file entries and counts it fills. */
int snapbuild_commit(struct snapbuild *b, const char *out_path,
		     struct manifest *m, struct err *e);

#endif
