/* SPDX-License-Identifier: MIT
 * cmd_plan.c: `vaultwise plan SNAPSHOT --out DIR`: the tiering plan. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "err.h"
#include "log.h"
#include "plan.h"
#include "restore_model.h"
#include "snapshot.h"
#include "targets.h"
#include "util.h"

struct plan_cli {
	const char *out, *prices, *currency, *model, *targets, *costs;
	long horizon, rehydration_days;
	int high_priority;
	double delay_cost, risk, cut_risk;
};

static const struct opt_spec plan_specs[] = {
	{ "out", 0, OPT_STR, offsetof(struct plan_cli, out), "DIR",
	  "write the plan directory here (required)", 0, 0 },
	{ "prices", 0, OPT_STR, offsetof(struct plan_cli, prices), "FILE",
	  "price sheet (default: the bundled data/prices/prices.csv)", 0, 0 },
	{ "currency", 0, OPT_STR, offsetof(struct plan_cli, currency), "CODE",
	  "price in this currency (default: the one covering most vaults)",
	  0, 0 },
	{ "horizon-months", 0, OPT_INT, offsetof(struct plan_cli, horizon),
	  "N", "months projected in strategies.csv (default 36)", 1, 120 },
	{ "rehydration-days", 0, OPT_INT,
	  offsetof(struct plan_cli, rehydration_days), "N",
	  "days a restore keeps its rehydrated copy in Standard (10-30, "
	  "default 15)", 10, 30 },
	{ "high-priority", 0, OPT_FLAG,
	  offsetof(struct plan_cli, high_priority), NULL,
	  "price restores from Archive at High rehydration priority", 0, 0 },
	{ "model", 0, OPT_STR, offsetof(struct plan_cli, model), "FILE",
	  "restore-likelihood model from `vaultwise fit` (default: the "
	  "ski-rental rule, which needs none)", 0, 0 },
	{ "risk", 0, OPT_DOUBLE, offsetof(struct plan_cli, risk), "Q",
	  "decide on the Q-quantile of the restore rate (0.5-0.99; default "
	  "0.5, the mean)", 0.5, 0.99 },
	{ "targets", 0, OPT_STR, offsetof(struct plan_cli, targets), "FILE",
	  "RPO/RTO targets: never archive a point an RTO target needs back "
	  "faster than rehydration allows", 0, 0 },
	{ "retention-cut-risk", 0, OPT_DOUBLE,
	  offsetof(struct plan_cli, cut_risk), "P",
	  "probability that a point is deleted right after its move (prices "
	  "the 180-day early deletion; default 0)", 0, 1 },
	{ "costs", 0, OPT_STR, offsetof(struct plan_cli, costs), "FILE",
	  "a Cost Management export (FOCUS or actual-cost usage details, "
	  "plain or gzip): write reconcile.csv, the model against the bill",
	  0, 0 },
	{ "delay-cost", 0, OPT_DOUBLE, offsetof(struct plan_cli, delay_cost),
	  "AMOUNT",
	  "business cost of one hour of restore delay, in the plan currency "
	  "(default 0)", 0, 1e9 },
	OPT_END,
};

static const struct cmd_doc plan_doc = {
	"plan", "SNAPSHOT --out DIR [options]",
	"Decide for every recovery point that Azure could archive whether to\n"
	"move it now, on a later date, or keep it in Standard, with the money\n"
	"and the reason; propose tieringPolicy settings per policy and compare\n"
	"strategies month by month. Writes plan.csv, policy_changes.csv,\n"
	"strategies.csv, summary.csv and plan.json into DIR, and with\n"
	"--costs reconcile.csv: per vault and meter, the bill against the\n"
	"model.",
	"  vaultwise plan data/sample --out out/plan\n"
	"  vaultwise plan snap --out plan --currency USD --horizon-months 24",
	1, 1
};

int cmd_plan(int argc, char **argv)
{
	struct plan_cli cli = { 0 };
	struct plan_options o;
	struct plan_summary sum = { 0 };
	struct snapshot s;
	struct target_set ts;
	struct restore_model *model = NULL;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&plan_doc, plan_specs, &cli, argc, argv, &args);

	if (rc != CLI_RUN)
		goto out;
	if (!cli.out) {
		rc = usage_error("plan", "--out DIR is required");
		goto out;
	}
	plan_options_init(&o);
	o.prices_path = cli.prices;
	o.currency = cli.currency;
	if (cli.horizon)
		o.horizon_months = (int)cli.horizon;
	if (cli.rehydration_days)
		o.cost.rehydration_days = (int)cli.rehydration_days;
	o.cost.high_priority = cli.high_priority;
	o.cost.delay_cost_hour = cli.delay_cost;
	if (cli.risk)
		o.risk_q = cli.risk;
	o.cut_risk = cli.cut_risk;
	o.model_path = cli.model;
	o.costs_path = cli.costs;
	memset(&s, 0, sizeof(s));
	memset(&ts, 0, sizeof(ts));
	if ((!cli.model || restore_model_read(&model, cli.model, &e) == 0) &&
	    (!cli.targets || targets_load(&ts, cli.targets, &e) == 0) &&
	    cli_open_snapshot(&s, args.items[0], &e) == 0) {
		o.model = model;
		o.targets = cli.targets ? &ts : NULL;
	}
	if (e.code == 0 && plan_run(&s, &o, cli.out, &sum, &e) == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			warnf("prices: %s", sum.caveats[i]);
		plan_summary_print(stdout, &sum);
		printf("wrote %s/ (plan.csv, policy_changes.csv, "
		       "strategies.csv, summary.csv%s)\n",
		       cli.out, cli.costs ? ", reconcile.csv" : "");
		rc = 0;
	} else {
		errorf("%s", e.msg);
		rc = e.code;
	}
	snapshot_release(&s);
	targets_release(&ts);
	restore_model_free(model);
	plan_summary_release(&sum);
out:
	free(args.items);
	return rc;
}
