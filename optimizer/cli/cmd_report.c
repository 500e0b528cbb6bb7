/* SPDX-License-Identifier: MIT
 * cmd_report.c: `vaultwise report SNAPSHOT --plan DIR --out DIR
 * [--previous DIR] [--model FILE] [--rpo FILE] [--posture FILE]`: the
 * monthly report for people (report.html), the FOCUS 1.2 cost file
 * (focus.csv) and the per vault and per policy summaries (report.h). */
#include <math.h>
#include <stdio.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/report/report.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/util.h"

struct report_cli {
	const char *out, *plan, *previous, *model, *rpo, *posture;
	const char *billing_account;
	long top;
};

static const struct opt_spec report_specs[] = {
	{ "plan", 0, OPT_STR, offsetof(struct report_cli, plan), "DIR",
	  "the plan made from SNAPSHOT by 'vaultwise plan' (required)", 0,
	  0 },
	{ "out", 0, OPT_STR, offsetof(struct report_cli, out), "DIR",
	  "write the report directory here (required)", 0, 0 },
	{ "previous", 0, OPT_STR, offsetof(struct report_cli, previous),
	  "DIR", "last month's snapshot (or run output holding it): show "
	  "what changed since, and why", 0, 0 },
	{ "model", 0, OPT_STR, offsetof(struct report_cli, model), "FILE",
	  "restore model from 'vaultwise fit': the restore curve (the "
	  "restore risk is the plan's, from plan.csv)", 0, 0 },
	{ "rpo", 0, OPT_STR, offsetof(struct report_cli, rpo), "FILE",
	  "rpo_rto.csv from 'vaultwise check'", 0, 0 },
	{ "posture", 0, OPT_STR, offsetof(struct report_cli, posture), "FILE",
	  "posture.csv from 'vaultwise audit'", 0, 0 },
	{ "billing-account", 0, OPT_STR,
	  offsetof(struct report_cli, billing_account), "ID",
	  "FOCUS BillingAccountId (default: the snapshot's tenant id)", 0,
	  0 },
	{ "top", 0, OPT_INT, offsetof(struct report_cli, top), "N",
	  "vaults and policies shown one by one; the rest are summed "
	  "(default 10)", 2, 1000 },
	OPT_END,
};

static const struct cmd_doc report_doc = {
	"report", "SNAPSHOT --plan DIR --out DIR [options]",
	"Write the monthly report into DIR: report.html (one self-contained\n"
	"page: cost by tier, the saving and the restore risk of the plan,\n"
	"strategies, cost by vault and policy, the restore curve, RPO/RTO\n"
	"verdicts, protection findings, and the change since --previous),\n"
	"focus.csv (cost incurred, FOCUS 1.2; header only without a bill),\n"
	"forecast.csv (the plan's projected cost per vault, meter and month\n"
	"in the same columns, amounts in x_Projected* columns), vaults.csv and\n"
	"policies.csv (with the month-over-month change), and with --model\n"
	"restore_by_age.csv. Sections whose input is not given say how to\n"
	"add it. Exit status: 0 done; 64 usage; 65 bad input data; 66 input\n"
	"missing; 73/74 output not written.",
	"  vaultwise report out/snapshot --plan out/plan --out out/report\n"
	"  vaultwise report snap --plan plan --previous old/snapshot \\\n"
	"      --model model.json --rpo rpo_rto.csv --posture posture.csv "
	"--out report",
	1, 1
};

int cmd_report(int argc, char **argv)
{
	struct report_cli cli = { 0 };
	struct report_options o;
	struct report_summary sum = { 0 };
	struct snapshot s;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&report_doc, report_specs, &cli, argc, argv, &args);

	memset(&s, 0, sizeof(s));
	if (rc != CLI_RUN)
		goto out;
	if (!cli.plan || !cli.out) {
		rc = usage_error("report", "%s is required",
				 !cli.plan ? "--plan DIR" : "--out DIR");
		goto out;
	}
	report_options_init(&o);
	o.plan_dir = cli.plan;
	o.previous = cli.previous;
	o.model_path = cli.model;
	o.rpo_path = cli.rpo;
	o.audit_path = cli.posture;
	o.billing_account = cli.billing_account;
	if (cli.top)
		o.top_n = (int)cli.top;
	if (cli_open_snapshot(&s, args.items[0], &e) == 0 &&
	    report_run(&s, &o, cli.out, &sum, &e) == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			warnf("report: %s", sum.caveats[i]);
		report_summary_print(stdout, &sum, cli.out);
		rc = 0;
	} else {
		errorf("%s", e.msg);
		rc = e.code;
	}
out:
	snapshot_release(&s);
	report_summary_release(&sum);
	free(args.items);
	return rc;
}
