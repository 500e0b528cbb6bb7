/* SPDX-License-Identifier: MIT
 * cmd_run.c: `vaultwise run`: the monthly batch. Takes a snapshot (the
 * given one, or the bundled sample when there is neither a snapshot nor
 * Azure credentials), then runs every stage into one output directory laid
 * out as SPEC.md says, and prints a short summary. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "fileio.h"
#include "log.h"
#include "plan.h"
#include "posture_audit.h"
#include "snapshot.h"
#include "util.h"

struct run_cli {
	const char *snapshot, *out, *prices, *currency;
	long horizon;
};

static const struct opt_spec run_specs[] = {
	{ "snapshot", 0, OPT_STR, offsetof(struct run_cli, snapshot), "DIR",
	  "use this snapshot instead of exporting", 0, 0 },
	{ "out", 0, OPT_STR, offsetof(struct run_cli, out), "DIR",
	  "output directory (default ./out)", 0, 0 },
	{ "prices", 0, OPT_STR, offsetof(struct run_cli, prices), "FILE",
	  "price sheet (default: the bundled data/prices/prices.csv)", 0, 0 },
	{ "currency", 0, OPT_STR, offsetof(struct run_cli, currency), "CODE",
	  "price in this currency (default: the one covering most vaults)",
	  0, 0 },
	{ "horizon-months", 0, OPT_INT, offsetof(struct run_cli, horizon),
	  "N", "months projected in strategies.csv (default 36)", 1, 120 },
	OPT_END,
};

static const struct cmd_doc run_doc = {
	"run", "[--snapshot DIR] [--out DIR] [options]",
	"The monthly batch: take a snapshot, then plan and audit, and lay the\n"
	"results out in DIR: DIR/plan/ (plan.csv, policy_changes.csv,\n"
	"strategies.csv, summary.csv), DIR/posture.csv. With no Azure\n"
	"credentials and no --snapshot it runs on the bundled sample estate\n"
	"and says so.",
	"  vaultwise run                      # the bundled sample, into ./out\n"
	"  vaultwise run --snapshot snap --out 2026-11",
	0, 0
};

static int run_plan(struct snapshot *s, const struct run_cli *cli,
		    const char *out, struct err *e)
{
	struct plan_options o;
	struct plan_summary sum;
	char *dir = path_join(out, "plan");
	int rc;

	plan_options_init(&o);
	o.prices_path = cli->prices;
	o.currency = cli->currency;
	if (cli->horizon)
		o.horizon_months = (int)cli->horizon;
	rc = plan_run(s, &o, dir, &sum, e);
	if (rc == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			warnf("prices: %s", sum.caveats[i]);
		printf("plan (%s/):\n", dir);
		plan_summary_print(stdout, &sum);
	}
	plan_summary_release(&sum);
	free(dir);
	return rc;
}

static int run_audit(struct snapshot *s, const char *out, struct err *e)
{
	struct posture_options o = { NULL, NULL };
	struct posture_summary sum;
	char *plan_dir = path_join(out, "plan");
	char *path = path_join(out, "posture.csv");
	int rc;

	o.plan_dir = plan_dir;
	rc = posture_audit_run(s, &o, path, &sum, e);
	if (rc == 0) {
		printf("audit (%s): %u of %u checks passed over %zu vaults; "
		       "failing: high %u, medium %u, low %u; mean score "
		       "%.0f/100\n",
		       path, sum.passed, sum.rows, sum.nvaults,
		       sum.fails[SEV_HIGH], sum.fails[SEV_MEDIUM],
		       sum.fails[SEV_LOW], sum.mean_score);
		posture_summary_release(&sum);
	}
	free(plan_dir);
	free(path);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_cli cli = { 0 };
	struct snapshot s;
	struct opt_list args;
	struct err e = ERR_INIT;
	char *snap_dir = NULL;
	const char *out;
	int rc = cli_parse(&run_doc, run_specs, &cli, argc, argv, &args);

	free(args.items);
	if (rc != CLI_RUN)
		return rc;
	out = cli.out ? cli.out : "out";
	if (cli.snapshot) {
		snap_dir = xstrdup(cli.snapshot);
	} else {
		snap_dir = data_path("sample");
		notef("no Azure credentials and no --snapshot: running on the "
		      "bundled sample estate in %s",
		      snap_dir);
	}
	memset(&s, 0, sizeof(s));
	if (mkdir_p(out, &e) || cli_open_snapshot(&s, snap_dir, &e) ||
	    run_plan(&s, &cli, out, &e) || run_audit(&s, out, &e)) {
		errorf("%s", e.msg);
		rc = e.code;
	} else {
		printf("results in %s/\n", out);
		rc = 0;
	}
	snapshot_release(&s);
	free(snap_dir);
	return rc;
}
