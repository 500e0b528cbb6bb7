/* SPDX-License-Identifier: MIT
 * cmd_backtest.c: `vaultwise backtest SNAPSHOT --as-of PAST [--out DIR]`:
 * the plan as of a past date scored on what happened afterwards, next to
 * TierAfter-3m and do-nothing (optimizer/plan/plan_backtest.h). */
#include <stdio.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/plan/plan_backtest.h"
#include "optimizer/snapshot/snapshot.h"

struct backtest_cli {
	const char *out, *prices, *currency;
	long rehydration_days;
	int high_priority;
	double delay_cost;
};

static const struct opt_spec backtest_specs[] = {
	{ "out", 0, OPT_STR, offsetof(struct backtest_cli, out), "DIR",
	  "write backtest.csv and the plan as of PAST (plan/) here "
	  "(default ./backtest)", 0, 0 },
	{ "prices", 0, OPT_STR, offsetof(struct backtest_cli, prices),
	  "FILE", "price sheet (default: the bundled data/prices/prices.csv)",
	  0, 0 },
	{ "currency", 0, OPT_STR, offsetof(struct backtest_cli, currency),
	  "CODE", "price in this currency (default: the one covering most "
	  "vaults)", 0, 0 },
	{ "rehydration-days", 0, OPT_INT,
	  offsetof(struct backtest_cli, rehydration_days), "N",
	  "days a restore keeps its rehydrated copy in Standard (10-30, "
	  "default 15)", 10, 30 },
	{ "high-priority", 0, OPT_FLAG,
	  offsetof(struct backtest_cli, high_priority), NULL,
	  "price restores from Archive at High rehydration priority", 0, 0 },
	{ "delay-cost", 0, OPT_DOUBLE,
	  offsetof(struct backtest_cli, delay_cost), "AMOUNT",
	  "business cost of one hour of restore delay, in the plan currency "
	  "(default 0)", 0, 1e9 },
	OPT_END,
};

static const struct cmd_doc backtest_doc = {
	"backtest", "SNAPSHOT --as-of PAST [--out DIR] [options]",
	"Plan as of the past date PAST with only what was known then (the\n"
	"points taken by then, the restore model fitted on the restores up to\n"
	"then), and score that plan against the restores that happened\n"
	"afterwards in the same snapshot, next to TierAfter-3m (every point\n"
	"moved at 90 days) and do-nothing (the policies' tiering as set):\n"
	"what the archivable points cost from PAST to the export in Standard\n"
	"and Archive storage and in rehydrations of restores from Archive.\n"
	"Prints the three costs; writes DIR/backtest.csv (one row per point,\n"
	"each strategy's move date and cost) and DIR/plan/ (the plan as of\n"
	"PAST). --as-of is required and must be before the export.",
	"  vaultwise backtest data/sample --as-of 2026-05-01\n"
	"  vaultwise backtest snap --as-of 2026-01-01 --out bt --delay-cost 50",
	1, 1
};

static void print_summary(const struct backtest_summary *sum)
{
	char from[DATE_ISO_LEN], to[DATE_ISO_LEN];

	time_format_date(sum->as_of, from);
	time_format_date(sum->until, to);
	printf("backtest: planned as of %s with the restore model (%s) "
	       "fitted on %ld restores up to then; scored on %s..%s (%.0f "
	       "days) against the %ld restores of its %ld archivable points "
	       "that came afterwards\n",
	       from, sum->method, sum->restores_fit, from, to,
	       (double)(sum->until - sum->as_of) / DAY_S,
	       sum->restores_after, sum->points);
	printf("cost of those points from %s to %s (Standard and Archive "
	       "storage + rehydrations for restores from Archive), %s:\n",
	       from, to, sum->currency);
	for (int k = 0; k < BT_COUNT; k++)
		printf("  %-14s %12.2f %s (%ld rehydrations)\n",
		       bt_strategy_names[k], sum->cost[k], sum->currency,
		       sum->rehydrations[k]);
}

int cmd_backtest(int argc, char **argv)
{
	struct backtest_cli cli = { "backtest", NULL, NULL, 0, 0, 0 };
	struct backtest_options o = { .fit = FIT_OPTIONS_INIT };
	struct backtest_summary sum = { 0 };
	struct snapshot s;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&backtest_doc, backtest_specs, &cli, argc, argv,
			   &args);

	memset(&s, 0, sizeof(s));
	if (rc != CLI_RUN)
		goto out;
	if (cli_common.as_of == TIME_NONE) {
		rc = usage_error("backtest", "--as-of PAST is required");
		goto out;
	}
	plan_options_init(&o.plan);
	o.plan.prices_path = cli.prices;
	o.plan.currency = cli.currency;
	if (cli.rehydration_days)
		o.plan.cost.rehydration_days = (int)cli.rehydration_days;
	o.plan.cost.high_priority = cli.high_priority;
	o.plan.cost.delay_cost_hour = cli.delay_cost;
	o.as_of = cli_common.as_of;
	if (snapshot_open(&s, args.items[0], &e) == 0 &&
	    backtest_run(&s, &o, cli.out, &sum, &e) == 0) {
		for (size_t i = 0; i < sum.plan.ncaveats; i++)
			warnf("prices: %s", sum.plan.caveats[i]);
		print_summary(&sum);
		printf("wrote %s/ (backtest.csv, plan/)\n", cli.out);
		rc = 0;
	} else {
		errorf("%s", e.msg);
		rc = e.code;
	}
out:
	snapshot_release(&s);
	plan_summary_release(&sum.plan);
	free(args.items);
	return rc;
}
