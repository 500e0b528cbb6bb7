/* SPDX-License-Identifier: MIT
 * harness.h: the decision simulation harness (issue 17). Restores are
 * drawn from a known truth, in the model's family and out of it; the
 * model is fitted on that history as `vaultwise fit` would, plan's
 * decision is made for a new monthly point of each policy and size, and
 * every decision is priced against the truth over the point's life, next
 * to the clairvoyant best static plan (the best move age knowing the
 * truth), TierAfter-3m and the break-even rule.
 *
 * The estate: 4 policies of 12 VM items, monthly points kept 24 months
 * (coverage 30 days), 3 years of restore history; two sizes per point:
 * database-like (50 GiB freed, 50 GiB archived) and VM-like (30 GiB
 * freed, 100 GiB archived). Prices: westeurope EUR per GiB-month from
 * data/prices (Standard LRS 0.019658, Archive LRS 0.002106), rehydration
 * 0.022 EUR/GiB, 15 days of rehydrated copy, and 2 EUR per hour of delay
 * (15 h at Standard priority). VM chains are not priced block by block
 * here: each point frees what its size says. */
#ifndef VW_SIM_HARNESS_H
#define VW_SIM_HARNESS_H

enum sim_truth { TR_OMORI, TR_EXPONENTIAL, TR_POWER, TR_BUMP, TR_STEP,
		 TR_CONSTANT, TR_HOT, TR_ZERO, TR_COUNT };
extern const char *const sim_truth_names[TR_COUNT];

/* Costs in EUR per point over its 24-month life, summed over policies
 * and sizes (each policy's new point counted once per size). */
struct sim_result {
	long restores;          /* drawn in the history */
	char method[16];        /* of the fitted model */
	double plan, best, tier_after_3m, breakeven, never;
};

/* Runs one truth with one seed. */
int sim_run(int truth, unsigned long seed, struct sim_result *out);

/* plan / best, and the share of the best plan's saving over TierAfter-3m
 * the plan captures (1 when there is none to capture and it loses none). */
double sim_ratio(const struct sim_result *r);
double sim_share(const struct sim_result *r);

#endif
