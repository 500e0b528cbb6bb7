/* SPDX-License-Identifier: MIT
 * tiercost.h: what keeping a recovery point in Standard costs, what it
 * would cost in Archive, and what one restore from Archive adds
 * (docs/modeling.md §3.1):
 *   s  = Standard price x the GiB the move frees (a VM point's unique
 *        blocks; a database full's whole size), per day;
 *   q  = Archive price x the archived size (a VM point becomes a full
 *        copy), per day;
 *   dc = extra cost of one restore from Archive: the rehydrated copy,
 *        archived size x the rehydration price per GB-month x the
 *        rehydration period (default 15 days), as fetchTieringCost's
 *        TieringCostRehydrationInfo prices it (no one-off retrieval fee
 *        is documented for Backup) + the cost of waiting, when the user
 *        prices an hour of delay;
 *   m  = one-off move cost (no charge is known: 0).
 * Pure arithmetic, no I/O. */
#ifndef VW_TIERCOST_H
#define VW_TIERCOST_H

#include "models/cost/prices.h"
#include "optimizer/snapshot/snapshot.h"

#define DAYS_PER_MONTH 30.436875 /* 365.2425 / 12 */
#define REHYDRATION_DAYS_DEFAULT 15
#define REHYDRATION_HOURS_STANDARD 15.0
#define REHYDRATION_HOURS_HIGH 1.0

struct cost_options {
	int rehydration_days;   /* 10..30 */
	int high_priority;      /* rehydrate with High priority */
	double delay_cost_hour; /* business cost of one hour of delay */
};

struct point_costs {
	double freed_gb;     /* GiB leaving Standard on a move */
	double archived_gb;  /* GiB landing in Archive */
	double s_day;        /* Standard cost per day while kept */
	double q_day;        /* Archive cost per day once moved */
	double restore_extra;/* dc: extra cost of one restore from Archive */
	double move_cost;    /* m */
};

void point_costs_for(struct point_costs *out, const struct rate_card *rc,
		     const struct cost_options *o, const struct rp *rp);

/* Ski-rental break-even idle time (modeling.md §3.4): (dc + m)/(s - q)
 * days; INFINITY when archiving never saves (q >= s). */
double breakeven_days(const struct point_costs *c);

/* Early-deletion charge for deleting after days_in_archive days: the
 * Archive price for the rest of the 180-day minimum. */
double early_deletion_charge(const struct point_costs *c,
			     double days_in_archive);

/* Monthly cost of a point of a workload in its current tier (Standard
 * unique size at std_price_of, Archive full size, nothing for
 * snapshot-only points). */
double point_monthly_cost(const struct rate_card *rc, int workload,
			  const struct rp *rp);

#endif
