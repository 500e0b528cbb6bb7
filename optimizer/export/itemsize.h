/* SPDX-License-Identifier: MIT
 * itemsize.h: where an exported item's size comes from. Azure reports no
 * size per item or per recovery point, so export takes the item's used
 * size (source_gb) and daily churn from, in order:
 *
 *  1. --sizes FILE: CSV with arm_id or item_name, source_gb, daily_churn
 *     (what Backup Reports / AddonAzureBackupStorage give); size_source
 *     "reported";
 *  2. --tiering-cost: fetchTieringCost per item, solved back into the size
 *     model (models/cost/sizes.h): the archive copy of each eligible point is a
 *     full copy, so targetTierSizeIncreaseInBytes / eligible points =
 *     source_gb; churn is what makes the eligible points' unique sizes add
 *     up to sourceTierSizeReductionInBytes; "estimated";
 *  3. the defaults below, per workload; "estimated".
 *
 * Sizes are rounded as items.csv stores them (0.01 GiB, churn 0.0001)
 * before the points are sized, so a snapshot re-derives its own figures.
 * Used by export.c; no I/O beyond reading the sizes file; never prints. */
#ifndef VW_ITEMSIZE_H
#define VW_ITEMSIZE_H

#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

struct sizes_file;

int sizes_file_load(struct sizes_file **out, const char *path,
		    struct err *e);
void sizes_file_free(struct sizes_file *s);
/* Looks up by ARM id (case-insensitive), else by item name when that name
 * is unique in the file. Returns 0 when found. */
int sizes_file_find(const struct sizes_file *s, const char *arm_id,
		    const char *item_name, double *source_gb, double *churn);
size_t sizes_file_rows(const struct sizes_file *s);

/* Default used size (GiB) and daily churn per workload. */
void itemsize_default(int workload, double *source_gb, double *churn);

/* Solves fetchTieringCost's answer for it->source_gb and daily_churn
 * given the item's points (sorted by rp_time). Returns 0, or -1 when the
 * answer says nothing (no eligible point, zero sizes). */
int itemsize_from_tiering_cost(struct item *it, struct rp *rps, size_t n,
			       int64_t as_of, double reduction_bytes,
			       double increase_bytes);

/* Whether a point of an item of workload wl may move Standard -> Archive
 * at time now, as fetchTieringCost counts points (azure-backup.md 3.1):
 * in Standard and not archived, not Azure Files, VM monthly or yearly /
 * SQL and HANA full; then Azure's readiness when it is known, else the
 * age rules (VM 3 months old with 6 left; SQL/HANA 45 days, 180 left). */
int itemsize_eligible(int wl, const struct rp *rp, int64_t now);

/* Rounds the item's size and churn, sizes its points (sorted by rp_time)
 * with estimate_point_sizes and sets standard_gb and archive_gb. */
void itemsize_apply(struct item *it, struct rp *rps, size_t n, int64_t as_of);

#endif
