/* SPDX-License-Identifier: MIT
 * restore_hazard.c: the pure formulas of the restore model: the intensity
 * and its integral, coverage weights, and exact Poisson intervals. Used by
 * the fit, by the forecasts and by plan. No state, no I/O. */
#include "models/restore/restore_model.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "optimizer/base/util.h"

double hazard_rate(const struct hazard *h, double age_days)
{
	return h->B + h->K * pow(age_days + h->c, -h->p);
}

/* expm1(x) / x, with its limit 1 at x = 0. */
static double expm1_ratio(double x)
{
	if (fabs(x) < 1e-8)
		return 1.0 + x / 2.0;
	return expm1(x) / x;
}

/* K * integral of (t + c)^-p over [0, a]
 *   = K c^(1-p) [((a + c)/c)^(1-p) - 1] / (1 - p)
 *   = K c^(1-p) L expm1((1-p) L) / ((1-p) L),  L = ln(1 + a/c),
 * which tends to K L at p = 1 without cancellation; scale: K c^(1-p). */
static double decay_cum(const struct hazard *h, double scale, double a)
{
	double L = log1p(a / h->c);
	double q = 1.0 - h->p;

	return scale * L * expm1_ratio(q * L);
}

double hazard_decay_scale(const struct hazard *h)
{
	return h->K * pow(h->c, 1.0 - h->p);
}

double hazard_cum_scaled(const struct hazard *h, double scale,
			 double age_days)
{
	if (age_days <= 0)
		return 0;
	return h->B * age_days + decay_cum(h, scale, age_days);
}

double hazard_cum(const struct hazard *h, double age_days)
{
	return hazard_cum_scaled(h, hazard_decay_scale(h), age_days);
}

/* Days between SQL/HANA fulls: daily 1, weekly 7 over the run days;
 * unknown (protection stopped): 7, a weekly full. */
static double days_between_fulls(const struct policy *p)
{
	const char *parts[8];
	char *copy = NULL;
	size_t n;

	if (!p)
		return 7;
	if (p->frequency != FREQ_WEEKLY)
		return 1;
	n = str_split(p->run_days, ';', &copy, parts, ARRAY_SIZE(parts));
	free(copy);
	return n > 0 && n <= 7 ? 7.0 / (double)n : 7.0;
}

double coverage_days(int workload, int rp_kind, const struct policy *p)
{
	switch (rp_kind) {
	case RK_DAILY:
		return 1;
	case RK_WEEKLY:
		return 7;
	case RK_MONTHLY:
		return 30;
	case RK_YEARLY:
		return 365;
	case RK_FULL:
		if (workload == WL_SQL || workload == WL_HANA)
			return days_between_fulls(p);
		return 1;
	case RK_DIFFERENTIAL:
		return 1;
	case RK_LOG:
		return 0;
	default:
		return 1;
	}
}

double point_coverage_days(int workload, int rp_kind, int tier,
			   const struct policy *p)
{
	if (tier == TIER_SNAPSHOT && p && p->frequency == FREQ_HOURLY &&
	    p->hourly_interval_h > 0)
		return p->hourly_interval_h / 24.0;
	return coverage_days(workload, rp_kind, p);
}

void poisson_rate_interval(long n, double exposure, double level,
			   double *lo, double *hi)
{
	double tail = (1.0 - level) / 2.0;

	if (!(exposure > 0)) {
		*lo = 0;
		*hi = INFINITY;
		return;
	}
	/* chisq_Pinv(., 0) is NaN: the lower bound at n = 0 is 0. */
	*lo = n > 0 ? gsl_cdf_chisq_Pinv(tail, 2.0 * (double)n) /
			      (2.0 * exposure)
		    : 0.0;
	*hi = gsl_cdf_chisq_Pinv(1.0 - tail, 2.0 * (double)n + 2.0) /
	      (2.0 * exposure);
}
