/* SPDX-License-Identifier: MIT
 * restore_data.h: what the restore-model fit needs from a snapshot, in
 * memory that does not grow with the number of recovery points.
 *
 * Events (restores) are kept one by one: there are few. Exposure is
 * reduced per group (pooled, each workload, each policy) to sufficient
 * statistics of the likelihood. Its exposure term
 *     sum_i w_i [Lambda(x_i) - Lambda(e_i)]
 * is a sum of functions of single ages, so it only needs the weighted
 * distributions of exit ages x_i and entry ages e_i. Those are kept on a
 * fine age grid (about 1,000 bins, log-spaced in a + 0.25 d, whose edges
 * include the diagnostic table's edges), as the weight and the weighted
 * mean age in each bin; Lambda is evaluated at the bin's mean. The floor
 * term B a is then exact and the decay term's relative error is about
 * p (p + 1) delta^2 / 24 per bin (delta = 0.0125, so under 1e-4; the unit
 * test measures 1e-9 to 1e-6 on the total). A group's histograms take
 * about 31 KB, allocated when it first has exposure: memory grows with
 * the number of policies, never with the number of points.
 *
 * Used by restore_fit.c; the unit tests fill it with simulated data.
 * Never prints. */
#ifndef VW_RESTORE_DATA_H
#define VW_RESTORE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "models/restore/restore_model.h"
#include "optimizer/snapshot/snapshot.h"

/* Diagnostic age bins (as S3 Storage Class Analysis): 0-14, 15-29, 30-44,
 * 45-59, 60-89, 90-119, 120-179, 180-364, 365-729, 730+ days. */
#define AGE_TABLE_BINS 10
extern const double age_table_edges[AGE_TABLE_BINS + 1]; /* last: inf */

/* Exposure of one group. hist is NULL until the group has exposure; it
 * holds 4 arrays of nbins: exit weight, exit weight * age, entry weight,
 * entry weight * age. */
struct expo_stats {
	long points, events;
	double point_days, cov_days;  /* sum (x - e), sum w (x - e) */
	double *hist;
};

struct restore_event {
	double age, weight;
	int workload, kind;
	long policy;                  /* -1: none */
};

struct restore_data {
	size_t nbins;
	double *edges;                /* nbins + 1; edges[nbins] = inf */
	uint16_t *bin_from;           /* restore_data_bin's first guess */
	struct expo_stats pooled, workload[WL_COUNT];
	struct expo_stats *policy;    /* npolicies */
	size_t npolicies;
	const char **policy_ids;      /* the strings are borrowed */
	int *policy_workload;
	/* pooled, by point kind (no histograms) */
	struct expo_stats kind[RK_COUNT];
	/* diagnostic table, pooled */
	long tab_events[AGE_TABLE_BINS];
	double tab_point_days[AGE_TABLE_BINS], tab_cov_days[AGE_TABLE_BINS];
	struct restore_event *ev;
	size_t nev, ev_alloc;
	struct ev_pool *pool;         /* restore_data_loglik's helper */
	/* events from which the helper takes a share (restore_data_init:
	 * 2,048; SIZE_MAX: the caller's thread alone) */
	size_t share_from;
	struct restore_fit_summary sum;
};

/* Sets up the grid and empty groups. The arrays are copied; the id
 * strings are borrowed and must outlive d. Both may be NULL when
 * npolicies is 0. */
void restore_data_init(struct restore_data *d, size_t npolicies,
		       const char **policy_ids, const int *policy_workloads);
void restore_data_release(struct restore_data *d);

/* Grid bin of an age. */
size_t restore_data_bin(const struct restore_data *d, double age);

/* A point of coverage w observed over ages [entry, exit] (days);
 * policy -1 for none. Points with w = 0 or exit <= entry are ignored. */
void restore_data_add_exposure(struct restore_data *d, int workload,
			       long policy, int kind, double w, double entry,
			       double exit);
/* A restore of such a point at age (days). */
void restore_data_add_event(struct restore_data *d, int workload,
			    long policy, int kind, double w, double age);

/* sum w [F(x) - F(e)] over a group's histogram, F evaluated at bin means.
 * F is called with ages; ctx is passed through. */
double expo_integrate(const struct restore_data *d,
		      const struct expo_stats *g,
		      double (*F)(const void *ctx, double age),
		      const void *ctx);
/* The same restricted to ages [lo, hi]: sum w [F(clamp x) - F(clamp e)]. */
double expo_integrate_range(const struct restore_data *d,
			    const struct expo_stats *g,
			    double (*F)(const void *ctx, double age),
			    const void *ctx, double lo, double hi);

/* The integral's nodes: each bin's mean age in the exit (weight +w)
 * and entry (weight -w) histograms of g, bins without weight left out,
 * so that expo_integrate is sum w F(age) over them. age and w hold
 * 2 d->nbins; returns the count. */
size_t expo_nodes(const struct restore_data *d, const struct expo_stats *g,
		  double *age, double *w);

/* The pooled log-likelihood's two sums:
 *     start + f(ctx, age_1) + f(ctx, age_2) + ...  (the events, in order)
 *     - expo_integrate(d, &d->pooled, F, ctx),
 * with many events computed on two cores (a helper thread takes a share
 * of the events' terms while the caller computes the rest and the
 * integral; started at the first such call, ended by
 * restore_data_release) and added in the plain loop's order: the same
 * result to the last bit. f and F must be safe to call from two threads
 * at once. */
double restore_data_loglik(const struct restore_data *d, double start,
			   double (*f)(const void *ctx, double age),
			   double (*F)(const void *ctx, double age),
			   const void *ctx);

/* job(arg, lo, hi) over [0, n) on two cores: restore_data_loglik's
 * helper takes [n / 2, n) while the caller runs [0, n / 2); returns once
 * both are done (the caller runs it all when n is under d->share_from,
 * or without a thread). job must be safe to
 * run on two threads at once on disjoint ranges. */
void restore_data_split(const struct restore_data *d, size_t n,
			void (*job)(void *arg, size_t lo, size_t hi),
			void *arg);
/* n doubles kept with d from call to call, for a split job's results
 * (valid until the next call; the caller's thread only). */
double *restore_data_scratch(const struct restore_data *d, size_t n);

/* Reads the snapshot's restore jobs and streams its recovery points,
 * evaluated at s->as_of, into d (initialised here; release it). */
int restore_data_collect(struct restore_data *d, struct snapshot *s,
			 struct err *e);
/* The same through the fit's own read (restore_scan.h) begun on s's
 * directory before s was opened (restore_scan_begin), or with scan NULL
 * as restore_data_collect. The caller finishes the scan (even when this
 * fails), so that the files' hash can end while d is fitted. */
struct restore_scan;
int restore_data_collect_scan(struct restore_data *d, struct snapshot *s,
			      struct restore_scan *scan, struct err *e);

#endif
