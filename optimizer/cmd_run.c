/* SPDX-License-Identifier: MIT
 * cmd_run.c: `vaultwise run`: the monthly batch. Takes a snapshot (the
 * given one, or the bundled sample when there is neither a snapshot nor
 * Azure credentials), then fits the restore model, plans, checks RPO/RTO
 * and audits the vaults into one output directory laid out as SPEC.md
 * says, and prints a short summary of each stage. */
#include <stdio.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "fileio.h"
#include "fit_text.h"
#include "log.h"
#include "plan.h"
#include "posture_audit.h"
#include "report.h"
#include "restore_model.h"
#include "snapshot.h"
#include "targets.h"
#include "util.h"

struct run_cli {
	const char *snapshot, *out, *prices, *currency, *targets, *previous;
	long horizon;
};

static const struct opt_spec run_specs[] = {
	{ "snapshot", 0, OPT_STR, offsetof(struct run_cli, snapshot), "DIR",
	  "use this snapshot instead of exporting", 0, 0 },
	{ "out", 0, OPT_STR, offsetof(struct run_cli, out), "DIR",
	  "output directory (default ./out)", 0, 0 },
	{ "targets", 0, OPT_STR, offsetof(struct run_cli, targets), "FILE",
	  "RPO/RTO targets (default: the bundled data/targets.example.csv)",
	  0, 0 },
	{ "previous", 0, OPT_STR, offsetof(struct run_cli, previous), "DIR",
	  "last month's snapshot, for the report's month-over-month changes",
	  0, 0 },
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
	"The monthly batch: take a snapshot, fit the restore-likelihood model,\n"
	"plan, check RPO/RTO against the targets, audit the vaults and write\n"
	"the report, laying the results out in DIR: model.json, plan/\n"
	"(plan.csv, policy_changes.csv, strategies.csv, summary.csv,\n"
	"vault_months.csv), rpo_rto.csv, posture.csv, report/ (report.html,\n"
	"focus.csv, vaults.csv, policies.csv). With no Azure credentials and\n"
	"no --snapshot it runs on the bundled sample estate and says so. Exits\n"
	"0 once every stage ran, whatever the findings: use check and audit\n"
	"with --fail-on to gate.",
	"  vaultwise run                      # the bundled sample, into ./out\n"
	"  vaultwise run --snapshot snap --out 2026-11",
	0, 0
};

/* What the stages share. */
struct run_state {
	const struct run_cli *cli;
	const char *out;
	struct snapshot s;
	struct target_set targets;
	struct restore_model *model;
	char *model_path;
};

static int run_fit(struct run_state *rs, struct err *e)
{
	struct fit_options fo = FIT_OPTIONS_INIT;

	rs->model_path = path_join(rs->out, "model.json");
	if (restore_model_fit(&rs->model, &rs->s, &fo, e) ||
	    restore_model_write(rs->model, rs->model_path, e))
		return -1;
	printf("restore model:\n");
	fit_print_headline(stdout, rs->model, rs->model_path);
	return 0;
}

static int run_plan(struct run_state *rs, struct err *e)
{
	const struct run_cli *cli = rs->cli;
	struct plan_options o;
	struct plan_summary sum;
	char *dir = path_join(rs->out, "plan");
	int rc;

	plan_options_init(&o);
	o.prices_path = cli->prices;
	o.currency = cli->currency;
	if (cli->horizon)
		o.horizon_months = (int)cli->horizon;
	o.model = rs->model;
	o.model_path = rs->model_path;
	o.targets = &rs->targets;
	rc = plan_run(&rs->s, &o, dir, &sum, e);
	if (rc == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			warnf("prices: %s", sum.caveats[i]);
		printf("\nplan (%s/):\n", dir);
		plan_summary_print(stdout, &sum);
	}
	plan_summary_release(&sum);
	free(dir);
	return rc;
}

static int run_check(struct run_state *rs, struct err *e)
{
	struct check_summary cs;
	char *path = path_join(rs->out, "rpo_rto.csv");
	int rc = rpo_check_run(&rs->s, &rs->targets, path, &cs, e);

	if (rc == 0) {
		printf("\nRPO/RTO (%s):\n", path);
		check_summary_print(stdout, &cs);
	}
	free(path);
	return rc;
}

static int run_audit(struct run_state *rs, struct err *e)
{
	struct posture_options o = { NULL, NULL };
	struct posture_summary sum;
	char *plan_dir = path_join(rs->out, "plan");
	char *path = path_join(rs->out, "posture.csv");
	int rc;

	o.targets = &rs->targets;
	o.plan_dir = plan_dir;
	rc = posture_audit_run(&rs->s, &o, path, &sum, e);
	if (rc == 0) {
		printf("\naudit (%s): %u of %u checks passed over %zu vaults; "
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

static int run_report(struct run_state *rs, struct err *e)
{
	struct report_options o;
	struct report_summary sum;
	char *plan = path_join(rs->out, "plan");
	char *rpo = path_join(rs->out, "rpo_rto.csv");
	char *posture = path_join(rs->out, "posture.csv");
	char *dir = path_join(rs->out, "report");
	int rc;

	report_options_init(&o);
	o.plan_dir = plan;
	o.model_path = rs->model_path;
	o.rpo_path = rpo;
	o.posture_path = posture;
	o.previous = rs->cli->previous;
	rc = report_run(&rs->s, &o, dir, &sum, e);
	if (rc == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			warnf("report: %s", sum.caveats[i]);
		printf("\n");
		report_summary_print(stdout, &sum, dir);
		report_summary_release(&sum);
	}
	free(plan);
	free(rpo);
	free(posture);
	free(dir);
	return rc;
}

/* The snapshot to use, and says where it comes from. Caller frees. */
static char *snapshot_dir(const struct run_cli *cli)
{
	char *dir;

	if (cli->snapshot)
		return xstrdup(cli->snapshot);
	dir = data_path("sample");
	notef("no Azure credentials and no --snapshot: running on the bundled "
	      "sample estate in %s",
	      dir);
	return dir;
}

static int run_stages(struct run_state *rs, struct err *e)
{
	char *snap = snapshot_dir(rs->cli);
	char *targets = rs->cli->targets ? xstrdup(rs->cli->targets)
					 : data_path("targets.example.csv");
	int rc = mkdir_p(rs->out, e) ||
		 targets_load(&rs->targets, targets, e) ||
		 cli_open_snapshot(&rs->s, snap, e) || run_fit(rs, e) ||
		 run_plan(rs, e) || run_check(rs, e) || run_audit(rs, e) ||
		 run_report(rs, e);

	free(snap);
	free(targets);
	return rc ? -1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_cli cli = { 0 };
	struct run_state rs;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&run_doc, run_specs, &cli, argc, argv, &args);

	free(args.items);
	if (rc != CLI_RUN)
		return rc;
	memset(&rs, 0, sizeof(rs));
	rs.cli = &cli;
	rs.out = cli.out ? cli.out : "out";
	if (run_stages(&rs, &e)) {
		errorf("%s", e.msg);
		rc = e.code;
	} else {
		printf("\nresults in %s/\n", rs.out);
		rc = 0;
	}
	snapshot_release(&rs.s);
	targets_release(&rs.targets);
	restore_model_free(rs.model);
	free(rs.model_path);
	return rc;
}
