/* SPDX-License-Identifier: MIT
 * cmd_fit.c: `vaultwise fit SNAPSHOT [--out FILE]`: fits the
 * restore-likelihood model (models/restore_model.h) from the snapshot's
 * job history, writes it as JSON and prints a short headline. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "log.h"
#include "restore_model.h"
#include "snapshot.h"
#include "timeutil.h"
#include "util.h"

struct fit_cli {
	const char *out;
	double level;
};

static const struct opt_spec fit_specs[] = {
	{ "out", 0, OPT_STR, offsetof(struct fit_cli, out), "FILE",
	  "write the model here (default ./model.json)", 0, 0 },
	{ "level", 0, OPT_DOUBLE, offsetof(struct fit_cli, level), "P",
	  "confidence level of the intervals (default 0.90)", 0.5, 0.999 },
	OPT_END,
};

static const struct cmd_doc fit_doc = {
	"fit", "SNAPSHOT [--out FILE]",
	"Fit how likely a recovery point is to be restored as it ages, from\n"
	"the snapshot's restore jobs and recovery points: the intensity\n"
	"B + K (a + c)^-p per coverage-day at age a days, with a scale per\n"
	"workload and per policy shrunk towards the pool (empirical Bayes),\n"
	"intervals, and an observed-versus-expected table by age. With fewer\n"
	"than 5 restores it writes the documented prior instead, flagged\n"
	"\"method\": \"prior\". Writes the model as JSON for `plan --model`.",
	"  vaultwise fit data/sample\n"
	"  vaultwise fit snap --out out/model.json --as-of 2026-11-01",
	1, 1
};

/* The headline's example: a monthly VM point (30 days of look-back) one
 * year old, kept 24 months, so 12 months of life remain. */
#define EXAMPLE_WEIGHT 30.0
#define EXAMPLE_AGE 365.0
#define EXAMPLE_END 730.0

static void print_events(const struct restore_fit_summary *s)
{
	char from[DATE_ISO_LEN] = "?";
	long dropped = s->dropped_expired + s->dropped_no_rp_time +
		       s->dropped_log_points + s->dropped_bad_age;

	if (s->history_from != TIME_NONE)
		time_format_date(s->history_from, from);
	printf("restores: %ld used of %ld restore jobs since %s (%ld "
	       "retries merged, %ld failed jobs counted as demand)\n",
	       s->events_used, s->restore_jobs, from, s->retries_merged,
	       s->failed_jobs);
	if (dropped)
		printf("dropped: %ld (%ld: point no longer in the snapshot, "
		       "%ld: no point named, %ld: log points, %ld: dated "
		       "before their point)\n",
		       dropped, s->dropped_expired, s->dropped_no_rp_time,
		       s->dropped_log_points, s->dropped_bad_age);
	printf("exposure: %ld points, %.0f point-days (%.0f coverage "
	       "point-days)\n",
	       s->points, s->point_days, s->coverage_point_days);
}

static void print_params(const struct restore_model *m)
{
	double p, plo, phi, B, Blo, Bhi, c, clo, chi;

	restore_model_param(m, 3, &p, &plo, &phi);
	restore_model_param(m, 0, &B, &Blo, &Bhi);
	restore_model_param(m, 2, &c, &clo, &chi);
	printf("intensity (%s, %.0f%% intervals): p = %.2f [%.2f, %.2f], "
	       "c = %.2g d [%.2g, %.2g],\n  floor B = %.2g [%.2g, %.2g] "
	       "restores per coverage-day\n",
	       restore_model_method(m), 100 * restore_model_level(m), p, plo,
	       phi, c, clo, chi, B, Blo, Bhi);
}

static void print_comparison(const struct restore_fit_summary *s)
{
	double d = s->aic_exponential - s->aic;

	if (!isfinite(d))
		return;
	printf("model choice: AIC %.1f against %.1f for exponential + floor "
	       "(%s)\n",
	       s->aic, s->aic_exponential,
	       d >= 2	? "the power-law decay fits better"
	       : d > -2 ? "the two fit about equally"
			: "the exponential fits better");
}

static void print_example(const struct restore_model *m)
{
	struct restore_forecast f;
	double level = restore_model_level(m);

	restore_model_forecast(m, NULL, WL_VM, EXAMPLE_WEIGHT, EXAMPLE_AGE,
			       EXAMPLE_END, level, &f);
	printf("P(a one-year-old monthly VM point is restored in its "
	       "remaining 12 months, assuming 24-month retention) = %.1f%% "
	       "[%.1f%%, %.1f%%]\n",
	       100 * f.p_any, 100 * f.p_any_lo, 100 * f.p_any_hi);
}

static void print_headline(const struct restore_model *m, const char *out)
{
	print_events(restore_model_summary(m));
	print_params(m);
	print_comparison(restore_model_summary(m));
	print_example(m);
	printf("wrote %s\n", out);
}

int cmd_fit(int argc, char **argv)
{
	struct fit_cli cli = { "model.json", 0 };
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL;
	struct snapshot s;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&fit_doc, fit_specs, &cli, argc, argv, &args);

	if (rc != CLI_RUN)
		goto out;
	if (cli.level > 0)
		o.level = cli.level;
	if (snapshot_open(&s, args.items[0], &e) == 0) {
		if (cli_common.as_of != TIME_NONE)
			s.as_of = cli_common.as_of;
		if (restore_model_fit(&m, &s, &o, &e) == 0)
			restore_model_write(m, cli.out, &e);
	}
	snapshot_release(&s);
	if (e.code) {
		errorf("%s", e.msg);
		rc = e.code;
		goto out;
	}
	if (strcmp(restore_model_method(m), "prior") == 0)
		warnf("only %ld restores: using the documented prior; plan "
		      "should use the ski-rental break-even rule",
		      restore_model_summary(m)->events_used);
	else if (!restore_model_summary(m)->converged)
		warnf("the fit did not meet its convergence checks (see "
		      "\"fit\" in %s); treat the figures with care",
		      cli.out);
	print_headline(m, cli.out);
	rc = 0;
out:
	restore_model_free(m);
	free(args.items);
	return rc;
}
