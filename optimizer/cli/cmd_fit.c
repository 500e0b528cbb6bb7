/* SPDX-License-Identifier: MIT
 * cmd_fit.c: `vaultwise fit SNAPSHOT [--out FILE]`: fits the
 * restore-likelihood model (models/restore/restore_model.h) from the snapshot's
 * job history, writes it as JSON and prints a short headline. */
#include <math.h>
#include <stdio.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/fit_text.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "models/restore/restore_model.h"
#include "models/restore/restore_scan.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

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

int cmd_fit(int argc, char **argv)
{
	struct fit_cli cli = { "model.json", 0 };
	struct fit_options o = FIT_OPTIONS_INIT;
	struct restore_model *m = NULL;
	struct restore_scan scan;
	struct snapshot s;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&fit_doc, fit_specs, &cli, argc, argv, &args);

	if (rc != CLI_RUN)
		goto out;
	if (cli.level > 0)
		o.level = cli.level;
	/* both big files hashed on another core from the start, while the
	 * snapshot's small tables are read; the fit finishes the scan */
	memset(&s, 0, sizeof(s));
	if (restore_scan_begin(&scan, args.items[0], &e) == 0) {
		o.scan = &scan;
		if (snapshot_open(&s, args.items[0], &e) == 0) {
			if (cli_common.as_of != TIME_NONE)
				s.as_of = cli_common.as_of;
			if (restore_model_fit(&m, &s, &o, &e) == 0)
				restore_model_write(m, cli.out, &e);
		} else {
			restore_scan_finish(&scan, -1, &e);
		}
	}
	snapshot_release(&s);
	if (e.code) {
		errorf("%s", e.msg);
		rc = e.code;
		goto out;
	}
	if (strcmp(restore_model_method(m), "prior") == 0)
		warnf("only %ld restores: using the documented prior; plan "
		      "decides on its posterior",
		      restore_model_summary(m)->events_used);
	else if (!restore_model_summary(m)->converged)
		warnf("the fit did not meet its convergence checks (see "
		      "\"fit\" in %s); treat the figures with care",
		      cli.out);
	fit_print_headline(stdout, m, cli.out);
	rc = 0;
out:
	restore_model_free(m);
	free(args.items);
	return rc;
}
