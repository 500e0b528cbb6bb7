/* SPDX-License-Identifier: MIT
 * chain.h: a VM item's recovery points priced block by block, for the
 * decision harness (issue 17). One point a day kept daily_keep days, the
 * point of every 30th day kept month_life days instead, and of every
 * 360th year_life days; long-term points move to Archive at an age
 * (tau_m for monthly, tau_y for yearly points; -1: never). Day by day,
 * each long-term point in Standard holds
 *     source * f(gap to the previous Standard point) * f(gap to the next),
 * f(d) = 1 - (1 - churn)^d (sizes.h; f = 1 with no previous point, the
 * newest measured up to the day), so what a point holds follows which
 * neighbours are still in Standard: dailies, next month's point, points
 * moved or expired. An archived point holds a full copy (source). The
 * dailies' own blocks are the same under every strategy and not
 * counted. */
#ifndef VW_SIM_CHAIN_H
#define VW_SIM_CHAIN_H

struct chain_spec {
	double source_gb, churn;
	int daily_keep, month_life, year_life; /* days */
	double std_price, arc_price;           /* per GiB-month */
};

/* Storage of the long-term points over one year of the steady state
 * (11 monthly and 1 yearly points born a year, their lives overlapping),
 * in the prices' currency. */
double chain_storage_year(const struct chain_spec *cs, int tau_m, int tau_y);

#endif
