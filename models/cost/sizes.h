/* SPDX-License-Identifier: MIT
 * sizes.h: how big a recovery point is in Standard and in Archive.
 *
 * Azure's backup API reports no size per recovery point, and none per VM
 * item; vaultwise models sizes from the item's used size and daily churn
 * (fraction of blocks rewritten per day). The same model serves the sample
 * generator and the exporter, so that an export of a sample estate gives
 * back the sample's figures.
 *
 * VM and Azure Files points are incremental: a block version belongs to
 * one point only if it was written after the previous vault point and
 * rewritten before the next one, so what a point adds to Standard (and
 * what moving it frees) is
 *     unique = source * f(gap to previous) * f(gap to next),
 *     f(d) = 1 - (1 - churn)^d,
 * with f = 1 when there is no previous point, and the gap to the next
 * point for the newest one measured up to the evaluation time. A point
 * moved to Archive becomes a full copy: full = source.
 * SQL and HANA: a full is the database size; a differential holds what
 * changed since the previous full; a log point (one per day, the day's log
 * chain) holds one day of changes. For them unique = full. */
#ifndef VW_SIZES_H
#define VW_SIZES_H

#include <stddef.h>
#include <stdint.h>

#include "optimizer/snapshot/snapshot.h"

/* Fraction of blocks rewritten at least once in days at daily churn. */
double churn_fraction(double churn, double days);

/* Sets unique_gb and full_gb of an item's points (sorted by rp_time). */
void estimate_point_sizes(const struct item *it, struct rp *rps, size_t n,
			  int64_t as_of);

/* True when a point has a copy in Standard / in Archive (inline: asked
 * several times for every point planned). */
static inline int tier_in_standard(int tier)
{
	return tier == TIER_STANDARD || tier == TIER_SNAPSHOT_STANDARD ||
	       tier == TIER_REHYDRATED;
}

static inline int tier_in_archive(int tier)
{
	return tier == TIER_ARCHIVE || tier == TIER_SNAPSHOT_ARCHIVE ||
	       tier == TIER_REHYDRATED;
}

/* What point i of an item (points sorted by rp_time) will free when moved
 * at time t: like estimate_point_sizes, but with the neighbours that still
 * hold a Standard copy at t (points expire, and an archived neighbour
 * shares nothing in Standard; a monthly point's daily neighbours are
 * usually gone by the time it may be archived). SQL/HANA: its size. */
double unique_gb_at(const struct item *it, const struct rp *rps, size_t n,
		    size_t i, int64_t t);

/* The GiB of an incremental chain (VM, Azure Files) that no single point
 * owns: the current version of every block, held by the newest point and
 * shared back along the chain. source_gb while any point of the item has
 * a Standard copy; 0 for SQL/HANA, whose points stand alone. */
double item_base_gb(const struct item *it, const struct rp *rps, size_t n);

/* Standard and Archive GiB an item's points occupy: the base plus the
 * unique part of every point with a Standard copy; the full size of every
 * archived point. Versions shared by two or more points but overwritten
 * since are not counted (small unless churn is high). */
void item_storage_totals(const struct item *it, const struct rp *rps,
			 size_t n, double *std_gb, double *arc_gb);

#endif
