/* SPDX-License-Identifier: MIT
 * restore_bands.c: the flexible hazard: the fitted Omori-plus-floor shape
 * times a ratio per age band, observed over expected with a smoothing
 * prior, kept when it beats the Omori shape alone by AIC. It follows
 * what a decaying curve cannot: a bump of restore tests at four months,
 * a step when a retention rule changes. Pure arithmetic on the model. */
#include <math.h>

#include "models/cost/decision.h"
#include "models/restore/restore_internal.h"
#include "optimizer/base/util.h"

/* Pseudo-events of the smoothing prior: a band with few events keeps a
 * ratio near 1 (the Omori shape). */
#define BAND_PRIOR_EVENTS 2.0

const double restore_band_edges[AGE_BANDS + 1] = {
	0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180, 195, 210,
	225, 240, 255, 270, 285, 300, 315, 330, 345, 365, 545, 730, 1095,
	INFINITY
};

void restore_bands_choose(struct restore_model *m)
{
	struct age_bands *b = &m->bands;
	double gain = 0;

	for (int k = 0; k < AGE_BANDS; k++) {
		double E = b->expected[k] > 0 ? b->expected[k] : 0;
		b->ratio[k] = (b->events[k] + BAND_PRIOR_EVENTS) /
			      (E + BAND_PRIOR_EVENTS);
		gain += b->events[k] * log(b->ratio[k]) -
			(b->ratio[k] - 1) * E;
	}
	b->loglik_gain = gain;
	b->aic = m->diag.aic - 2 * gain + 2 * AGE_BANDS;
	b->used = strcmp(m->method, "mle") == 0 && b->aic < m->diag.aic;
}

static int band_of(double a)
{
	int k = 0;

	while (k + 1 < AGE_BANDS && a >= restore_band_edges[k + 1])
		k++;
	return k;
}

double bands_rate(const struct hazard *h, const struct age_bands *b,
		  double a)
{
	double r = hazard_rate(h, a);

	return b && b->used ? r * b->ratio[band_of(a)] : r;
}

double bands_cum(const struct hazard *h, const struct age_bands *b,
		 double a)
{
	double sum = 0;

	if (!b || !b->used)
		return hazard_cum(h, a);
	for (int k = 0; k < AGE_BANDS && a > restore_band_edges[k]; k++) {
		double lo = restore_band_edges[k];
		double hi = fmin(a, restore_band_edges[k + 1]);
		sum += b->ratio[k] * (hazard_cum(h, hi) - hazard_cum(h, lo));
	}
	return sum;
}

/* Moving at age a costs, per unit of the restore cost, theta a plus the
 * restores expected after a: minimise theta a - w rho Lambda(a). Within
 * a band the rate decreases, so the band's best age is where its rate
 * crosses theta (clamped to the band); the best of the bands wins. */
double bands_best_age(const struct hazard *h, const struct age_bands *b,
		      double w_rho, double theta, double lo, double hi)
{
	double best = lo, best_f = INFINITY;

	if (!b || !b->used)
		return optimal_move_age(h, w_rho, theta);
	if (!(hi > lo))
		return lo;
	for (int k = band_of(lo); k < AGE_BANDS; k++) {
		double b_lo = fmax(lo, restore_band_edges[k]);
		double b_hi = fmin(hi, restore_band_edges[k + 1]);
		double a, f;
		if (b_lo > hi)
			break;
		a = fmin(fmax(optimal_move_age(h, w_rho * b->ratio[k], theta),
			      b_lo),
			 b_hi);
		f = theta * a - w_rho * bands_cum(h, b, a);
		if (f < best_f - 1e-12) {
			best_f = f;
			best = a;
		}
	}
	return best;
}
