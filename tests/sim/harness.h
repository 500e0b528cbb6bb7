/* SPDX-License-Identifier: MIT
 * harness.h: the decision simulation harness (issue 17). Restores are
 * drawn from a known truth, in the model's family and out of it; the
 * model is fitted on that history as `vaultwise fit` would, plan's
 * decisions are priced against the truth next to the clairvoyant best
 * static plan (the best move ages knowing the truth), TierAfter-3m and
 * plan without a model (on the documented prior fitted on the same
 * history).
 *
 * The estate: 4 policies of 12 VM items, monthly points kept 24 months
 * (coverage 30 days), 3 years of restore history. Per policy two things
 * are decided and priced:
 *  - a database-like point (50 GiB freed, 50 GiB archived), on its own:
 *    plan's decision for a new point;
 *  - a VM chain priced block by block (chain.h): 100 GiB at the churn at
 *    which a monthly point between two monthly neighbours holds 30 GiB,
 *    dailies kept 30 days, monthly points 24 months, yearly ones 3 years
 *    (coverage 365 days). plan runs every month on the chain as it
 *    stands (vmset.h, unique_gb_at), so a point is priced at what it
 *    frees then or, when more, at what it holds over its life as the
 *    others expire or move as planned (vmset_footprint); in the steady
 *    state every monthly point, and every yearly one, follows the same
 *    ages, found by a few rounds. The clairvoyant picks the best pair of
 *    ages.
 * Prices: westeurope EUR per GiB-month from data/prices (Standard LRS
 * 0.019658, Archive LRS 0.002106), rehydration 0.019658 EUR per GiB-month
 * of the rehydrated copy, 15 days of it, and 2 EUR per hour of delay (15 h
 * at Standard priority). */
#ifndef VW_SIM_HARNESS_H
#define VW_SIM_HARNESS_H

enum sim_truth { TR_OMORI, TR_EXPONENTIAL, TR_POWER, TR_BUMP, TR_STEP,
		 TR_CONSTANT, TR_HOT, TR_ZERO, TR_COUNT };
extern const char *const sim_truth_names[TR_COUNT];

/* Costs in EUR summed over the policies: the database-like point over
 * its 24-month life, and the chain per long-term point (a year of its
 * storage and of its points' restores, over 12). */
struct sim_result {
	long restores;          /* drawn in the history */
	char method[16];        /* of the fitted model */
	double plan, best, tier_after_3m, prior, never;
};

/* Runs one truth with one seed. */
int sim_run(int truth, unsigned long seed, struct sim_result *out);

/* plan / best, and the share of the best plan's saving over TierAfter-3m
 * the plan captures (1 when there is none to capture and it loses none). */
double sim_ratio(const struct sim_result *r);
double sim_share(const struct sim_result *r);

#endif
