/* SPDX-License-Identifier: MIT
 * vmset.h: scoring an Azure VM item's monthly and yearly points as a set.
 *
 * A VM point is incremental: a block version belongs to every point from
 * the one that captured it to the last one before it was overwritten.
 * Moving one point frees only the versions no other Standard point holds;
 * moving a run of neighbouring points also frees the versions they share.
 * With churn c and f(d) = 1 - (1 - c)^d (sizes.h), a run of chain points
 * i..j moved together frees
 *     source * sum_{k=i..j} f(t_k - t_{k-1}) * f(t_{j+1} - t_k),
 * where the chain is the item's monthly and yearly points with a Standard
 * copy, and its daily and weekly points kept there forever (stopped
 * protection; other daily and weekly points are gone by the time these
 * may move), t_0 the point before the run and t_{j+1} the one after it
 * (next month's point for the newest). Which candidates to move is a
 * small dynamic programme over the chain (linear time, vmset.c): it
 * maximises Standard saved minus Archive added per month, so a low-churn
 * point may move because its neighbours do, and an item whose points
 * cost more archived even together is kept as a set. Pure arithmetic. */
#ifndef VW_VMSET_H
#define VW_VMSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/snapshot/snapshot.h"

struct vmset_result {
	size_t candidates;    /* chain points that may move now or later */
	size_t chosen;        /* of those, in the best set */
	double all_freed_gb;  /* freed if every candidate moved together */
	double all_full_gb;   /* their Archive copies */
};

/* rps: the item's points sorted by time; candidate[i]: point i may be
 * archived now or later; std/arc: prices per GiB-month; refills: new
 * points keep coming (next month's point follows the newest). freed[i] is
 * set to point i's share of what its run frees when moved together (the
 * run's GiB shared by Archive size, so each point of a run that pays
 * frees more than its own Archive copy costs), or NAN when it is not in
 * the best set (or not a chain point). */
void vmset_score(const struct item *it, const struct rp *rps, size_t n,
		 const bool *candidate, double std_price, double arc_price,
		 bool refills, double *freed, struct vmset_result *out);

/* A given set of chain points moved together (Azure's recommended set,
 * or the plan's chosen runs): how many, the GiB their runs free in
 * Standard and their Archive copies, the net money a month (std * freed
 * - arc * full) and over their lives (each point's net share times
 * months[i], how long it stays archived). */
struct vmset_value {
	size_t points;
	double freed_gb, full_gb, month, worth;
};

/* in_set[i]: point i moves with the set (points outside the chain are
 * ignored); freed[i] as vmset_score sets it for the set's runs, NAN
 * outside. */
void vmset_value(const struct item *it, const struct rp *rps, size_t n,
		 const bool *in_set, const double *months, double std_price,
		 double arc_price, bool refills, double *freed,
		 struct vmset_value *out);

/* What point i holds in Standard over time (issue 17, cause 2): the GiB
 * moving it frees changes as its neighbours leave Standard, so a point
 * priced once at its move is underpriced when they leave after it (a
 * yearly point whose monthly neighbours expire or move ends up holding
 * nearly a full copy). The mean over [from, to) of
 *     source * f(t_i - t_prev(t)) * f(t_next(t) - t_i),
 * prev(t) and next(t) the nearest points still in Standard at t: every
 * point with a Standard copy (dailies and weeklies too) stays there until
 * leave[j] (its expiry or planned move; TIME_NONE: never), except i's
 * run-mates in its chosen set (freed[] not NAN, as vmset_score sets it),
 * which stay until their expiry: a set moves or stays, and its share
 * counts what they free together. refills: next month's point follows
 * the newest chain point and never leaves. Walks each side once,
 * outwards, keeping the neighbours that outlive the nearer ones: O(n). */
double vmset_footprint(const struct item *it, const struct rp *rps,
		       size_t n, size_t i, const int64_t *leave,
		       const double *freed, bool refills, int64_t from,
		       int64_t to);

#endif
