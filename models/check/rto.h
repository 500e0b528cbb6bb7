/* SPDX-License-Identifier: MIT
 * rto.h: how long a restore takes, per tier (modeling.md §4.2):
 *
 *  - snapshot (instant restore): a constant, RTO_SNAPSHOT_H = 30 min, from
 *    the published "minutes" and the 22-40 min users report for
 *    replace-existing restores (azure-docs issue #94078);
 *  - vault (Standard): duration ~= a0 + size / throughput, fitted to the
 *    tenant's restore jobs with a robust (bisquare) regression and quoted
 *    at the 90th percentile (prediction + p90 of the residuals). With
 *    fewer than RTO_MIN_RESTORES usable restores the defaults
 *    RTO_VAULT_FIXED_H + size at RTO_VAULT_GIB_PER_H are used: Azure
 *    publishes "hours" and no GB/h figure, so these are a conservative
 *    judgement, replaced by the tenant's own figures once it has them;
 *  - archive: rehydration first, then the vault restore of the (now full)
 *    point. Standard priority takes up to 15 h; High priority about 1 h
 *    for objects under 10 GiB, at most 10 GiB/h per storage account,
 *    and (being served first) never longer than Standard.
 *
 * Called by the check stage; pure computation over caller-given samples. */
#ifndef VW_RTO_H
#define VW_RTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/snapshot/snapshot.h"

#define RTO_SNAPSHOT_H 0.5
#define RTO_VAULT_FIXED_H 1.0
#define RTO_VAULT_GIB_PER_H 100.0
#define RTO_MIN_RESTORES 5
#define RTO_QUANTILE 0.9
#define REHYDRATE_STANDARD_H 15.0
#define REHYDRATE_HIGH_MIN_H 1.0
#define REHYDRATE_HIGH_GIB_PER_H 10.0

enum rehydrate_priority { REHYDRATE_STANDARD, REHYDRATE_HIGH,
			  REHYDRATE_COUNT };
extern const char *const rehydrate_priority_names[REHYDRATE_COUNT];

/* One finished restore: how much it restored and how long it took. */
struct rto_sample {
	double gib, hours;
};

struct rto_model {
	double fixed_h;     /* a0 */
	double gib_per_h;   /* throughput */
	double p90_extra_h; /* p90 of the residuals, added to each quote */
	size_t n;           /* usable restores behind it */
	bool fitted;        /* false: the documented defaults */
	char basis[160];    /* "p90 of a fit on 12 restores: 0.50 h + size
			       at 200 GiB/h" */
};

/* Fits the model to n samples (the defaults when n is too small or the
 * fit is unusable, with the reason in basis). Always succeeds. */
void rto_model_fit(struct rto_model *out,
		       const struct rto_sample *s, size_t n);

/* p90 duration of a vault restore of gib GiB, hours. */
double rto_model_hours(const struct rto_model *m, double gib);

/* Rehydration time from Archive, hours. */
double rto_rehydrate_hours(int priority, double gib);

/* Restore jobs collected per workload, to fit one model per workload. */
struct job;
struct item;
struct rto_samples {
	struct rto_sample *s[WL_COUNT];
	size_t n[WL_COUNT], alloc[WL_COUNT];
};

/* Keeps j when it is a finished, successful restore from the vault's
 * Standard tier (snapshot restores, and Archive restores with their
 * rehydration inside, are not vault throughput) with a size and a
 * duration, started by as_of. */
void rto_samples_add(struct rto_samples *rs, const struct item *it,
		     const struct job *j, int64_t as_of);

/* One model per workload: its own with at least RTO_MIN_RESTORES
 * restores, else the one fitted on all of them (fitted only then).
 * Returns the number of restores of all workloads. */
size_t rto_samples_fit(const struct rto_samples *rs,
		       struct rto_model out[WL_COUNT]);
void rto_samples_release(struct rto_samples *rs);

#endif
