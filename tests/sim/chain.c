/* SPDX-License-Identifier: MIT
 * chain.c: a VM chain priced block by block (see chain.h). */
#include "chain.h"

#include <math.h>
#include <stdbool.h>

#include "models/cost/sizes.h"
#include "models/cost/tiercost.h"

#define SLOT 30   /* days between long-term points */
#define YEAR 12   /* slots a year: every 12th is the yearly point */
#define MAXPTS 512
#define MAXGAP 2048

/* Long-term slot k (born day SLOT k): its life and move age. */
static void slot_of(const struct chain_spec *cs, long k, int tau_m,
		    int tau_y, int *life, int *tau)
{
	bool yearly = k % YEAR == 0;

	*life = yearly ? cs->year_life : cs->month_life;
	*tau = yearly ? tau_y : tau_m;
}

/* The Standard points at day x (births, oldest first), which of them are
 * long-term, and the GiB archived. */
static int standard_at(const struct chain_spec *cs, double x, int tau_m,
		       int tau_y, double *born, bool *lt, double *arc_gb)
{
	long k0 = (long)floor((x - cs->year_life) / SLOT) - 1;
	double fresh = x - cs->daily_keep;
	int n = 0, life, tau;

	*arc_gb = 0;
	for (long k = k0; SLOT * k <= fresh && n < MAXPTS; k++) {
		double b = SLOT * (double)k;
		slot_of(cs, k, tau_m, tau_y, &life, &tau);
		if (x < b || x >= b + life)
			continue;
		if (tau >= 0 && x >= b + tau) {
			*arc_gb += cs->source_gb;
			continue;
		}
		born[n] = b;
		lt[n++] = true;
	}
	for (long d = (long)floor(fresh) + 1; d <= (long)floor(x) &&
					     n < MAXPTS; d++) {
		born[n] = (double)d;
		lt[n++] = d % SLOT == 0;
	}
	return n;
}

/* f at whole days (table) and at the newest point's half day. */
static double f(const struct chain_spec *cs, const double *table,
		double days)
{
	long d = lround(days);

	if (fabs(days - (double)d) < 1e-9 && d >= 0 && d < MAXGAP)
		return table[d];
	return churn_fraction(cs->churn, days);
}

double chain_storage_year(const struct chain_spec *cs, int tau_m, int tau_y)
{
	double born[MAXPTS], table[MAXGAP], total = 0;
	bool lt[MAXPTS];

	for (int d = 0; d < MAXGAP; d++)
		table[d] = churn_fraction(cs->churn, d);

	for (int t = 0; t < SLOT * YEAR; t++) {
		double x = t + 0.5, arc_gb, std_gb = 0;
		int n = standard_at(cs, x, tau_m, tau_y, born, lt, &arc_gb);

		for (int j = 0; j < n; j++) {
			if (!lt[j])
				continue;
			std_gb += cs->source_gb *
				  f(cs, table,
				    (j + 1 < n ? born[j + 1] : x) - born[j]);
		}
		total += (cs->std_price * std_gb + cs->arc_price * arc_gb) /
			 DAYS_PER_MONTH;
	}
	return total;
}
