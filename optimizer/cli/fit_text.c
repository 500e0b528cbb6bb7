/* SPDX-License-Identifier: MIT
 * fit_text.c: the restore model's headline for people (events used and
 * dropped, the fitted intensity with intervals, the model comparison, and
 * what it means for a one-year-old monthly VM point), printed by `fit` and
 * `run`. */
#include "optimizer/cli/fit_text.h"

#include <math.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* The headline's example: a monthly VM point (30 days of look-back) one
 * year old, kept 24 months, so 12 months of life remain. */
#define EXAMPLE_WEIGHT 30.0
#define EXAMPLE_AGE 365.0
#define EXAMPLE_END 730.0

static void print_events(FILE *f, const struct restore_fit_summary *s)
{
	char from[DATE_ISO_LEN] = "?";
	long dropped = s->dropped_expired + s->dropped_no_rp_time +
		       s->dropped_log_points + s->dropped_bad_age;

	if (s->history_from != TIME_NONE)
		time_format_date(s->history_from, from);
	fprintf(f, "restores: %ld used of %ld restore jobs since %s (%ld "
	       "retries merged, %ld failed jobs counted as demand)\n",
	       s->events_used, s->restore_jobs, from, s->retries_merged,
	       s->failed_jobs);
	if (dropped)
		fprintf(f, "dropped: %ld (%ld: point no longer in the snapshot, "
		       "%ld: no point named, %ld: log points, %ld: dated "
		       "before their point)\n",
		       dropped, s->dropped_expired, s->dropped_no_rp_time,
		       s->dropped_log_points, s->dropped_bad_age);
	fprintf(f, "exposure: %ld points, %.0f point-days (%.0f coverage "
	       "point-days)\n",
	       s->points, s->point_days, s->coverage_point_days);
}

static void print_params(FILE *f, const struct restore_model *m)
{
	double p, plo, phi, B, Blo, Bhi, c, clo, chi;

	restore_model_param(m, 3, &p, &plo, &phi);
	restore_model_param(m, 0, &B, &Blo, &Bhi);
	restore_model_param(m, 2, &c, &clo, &chi);
	fprintf(f, "intensity (%s, %.0f%% intervals): p = %.2f [%.2f, %.2f], "
	       "c = %.2g d [%.2g, %.2g],\n  floor B = %.2g [%.2g, %.2g] "
	       "restores per coverage-day\n",
	       restore_model_method(m), 100 * restore_model_level(m), p, plo,
	       phi, c, clo, chi, B, Blo, Bhi);
}

static void print_comparison(FILE *f, const struct restore_fit_summary *s)
{
	double d = s->aic_exponential - s->aic;

	if (!isfinite(d))
		return;
	fprintf(f, "model choice: AIC %.1f against %.1f for exponential + floor "
	       "(%s)\n",
	       s->aic, s->aic_exponential,
	       d >= 2	? "the power-law decay fits better"
	       : d > -2 ? "the two fit about equally"
			: "the exponential fits better");
}

static void print_example(FILE *out, const struct restore_model *m)
{
	struct restore_forecast f;
	double level = restore_model_level(m);

	restore_model_forecast(m, NULL, WL_VM, EXAMPLE_WEIGHT, EXAMPLE_AGE,
			       EXAMPLE_END, level, &f);
	fprintf(out, "P(a one-year-old monthly VM point is restored in its "
	       "remaining 12 months, assuming 24-month retention) = %.1f%% "
	       "[%.1f%%, %.1f%%]\n",
	       100 * f.p_any, 100 * f.p_any_lo, 100 * f.p_any_hi);
}

void fit_print_headline(FILE *f, const struct restore_model *m,
			const char *path)
{
	print_events(f, restore_model_summary(m));
	print_params(f, m);
	print_comparison(f, restore_model_summary(m));
	print_example(f, m);
	fprintf(f, "wrote %s\n", path);
}

