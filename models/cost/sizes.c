/* SPDX-License-Identifier: MIT
 * sizes.c: the recovery-point size model shared by sample and export. */
#include "models/cost/sizes.h"

#include <math.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

double churn_fraction(double churn, double days)
{
	if (days <= 0)
		return 0;
	if (churn >= 1)
		return 1;
	return -expm1(days * log1p(-churn));
}

static double days_apart(int64_t a, int64_t b)
{
	return (double)(b - a) / DAY_S;
}

/* The unique part of a chain point at time t with its neighbours prev
 * (TIME_NONE: none) and next. */
static double chain_unique(const struct item *it, int64_t prev, int64_t t,
			   int64_t next)
{
	double before = prev == TIME_NONE
				? 1
				: churn_fraction(it->daily_churn,
						 days_apart(prev, t));

	return it->source_gb * before *
	       churn_fraction(it->daily_churn, fmax(1, days_apart(t, next)));
}

static void incremental_sizes(const struct item *it, struct rp *rps,
			      size_t n, int64_t as_of)
{
	int64_t prev = TIME_NONE;

	for (size_t i = 0; i < n; i++) {
		struct rp *rp = &rps[i];
		int64_t next = as_of;

		rp->full_gb = it->source_gb;
		if (rp->tier == TIER_SNAPSHOT) {
			/* Snapshot-tier only: not in the vault chain. */
			rp->unique_gb = it->source_gb *
					churn_fraction(it->daily_churn, 1);
			continue;
		}
		for (size_t j = i + 1; j < n; j++)
			if (rps[j].tier != TIER_SNAPSHOT) {
				next = rps[j].rp_time;
				break;
			}
		rp->unique_gb = chain_unique(it, prev, rp->rp_time, next);
		prev = rp->rp_time;
	}
}

static void workload_sizes(const struct item *it, struct rp *rps, size_t n)
{
	int64_t last_full = TIME_NONE;

	for (size_t i = 0; i < n; i++) {
		struct rp *rp = &rps[i];
		double gb;

		switch (rp->kind) {
		case RK_FULL:
			gb = it->source_gb;
			last_full = rp->rp_time;
			break;
		case RK_DIFFERENTIAL:
			gb = it->source_gb *
			     churn_fraction(it->daily_churn,
					    last_full == TIME_NONE
						    ? 7
						    : days_apart(last_full,
								 rp->rp_time));
			break;
		default: /* a day's log chain */
			gb = it->source_gb * it->daily_churn;
			break;
		}
		rp->unique_gb = rp->full_gb = gb;
	}
}

void estimate_point_sizes(const struct item *it, struct rp *rps, size_t n,
			  int64_t as_of)
{
	if (it->workload == WL_SQL || it->workload == WL_HANA)
		workload_sizes(it, rps, n);
	else
		incremental_sizes(it, rps, n, as_of);
}

/* A neighbour that shares blocks in Standard at t: an archived point
 * holds its own full copy in Archive, and shares nothing here. */
static bool alive_in_standard(const struct rp *rp, int64_t t)
{
	return tier_in_standard(rp->tier) &&
	       (rp->expiry_time == TIME_NONE || rp->expiry_time > t);
}

double unique_gb_at(const struct item *it, const struct rp *rps, size_t n,
		    size_t i, int64_t t)
{
	int64_t prev = TIME_NONE, next = t;

	if (it->workload == WL_SQL || it->workload == WL_HANA)
		return rps[i].unique_gb;
	for (size_t j = i; j-- > 0;)
		if (alive_in_standard(&rps[j], t)) {
			prev = rps[j].rp_time;
			break;
		}
	for (size_t j = i + 1; j < n; j++)
		if (alive_in_standard(&rps[j], t)) {
			next = rps[j].rp_time;
			break;
		}
	return chain_unique(it, prev, rps[i].rp_time, next);
}

double item_base_gb(const struct item *it, const struct rp *rps, size_t n)
{
	if (it->workload == WL_SQL || it->workload == WL_HANA)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tier_in_standard(rps[i].tier))
			return it->source_gb;
	return 0;
}

void item_storage_totals(const struct item *it, const struct rp *rps,
			 size_t n, double *std_gb, double *arc_gb)
{
	double s = item_base_gb(it, rps, n), a = 0;

	for (size_t i = 0; i < n; i++) {
		if (tier_in_standard(rps[i].tier))
			s += rps[i].unique_gb;
		if (tier_in_archive(rps[i].tier))
			a += rps[i].full_gb;
	}
	*std_gb = s;
	*arc_gb = a;
}
