/* SPDX-License-Identifier: MIT
 * cmd_plan.c: `vaultwise plan SNAPSHOT --out DIR`: the tiering plan. */
#include <stdio.h>

#include "optimizer/apply/apply.h"
#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/plan/plan.h"
#include "models/restore/restore_model.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "optimizer/base/util.h"

/* plan refuses to replace a plan directory whose apply journal has rows
 * not done, and keeps the journal (apply.h). */
static const struct plan_dir_hooks keep_apply_journal = {
	apply_plan_dir_guard, apply_plan_dir_carry, apply_lock_release
};

struct plan_cli {
	const char *out, *prices, *currency, *model, *targets, *costs;
	const char *tiering, *moves, *propose;
	struct scope_options scope;
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
	  "documented prior fitted on the snapshot's restores)", 0, 0 },
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
	  "plain or gzip): write reconcile.csv, the model against the bill "
	  "(default: the snapshot's costs.csv, from export --costs)",
	  0, 0 },
	{ "delay-cost", 0, OPT_DOUBLE, offsetof(struct plan_cli, delay_cost),
	  "AMOUNT",
	  "business cost of one hour of restore delay, in the plan currency "
	  "(default 0)", 0, 1e9 },
	OPT_SCOPE(struct plan_cli, scope),
	OPT_SCOPE_TAG(struct plan_cli, scope),
	{ "tiering", 0, OPT_STR, offsetof(struct plan_cli, tiering), "SETTING",
	  "the tieringPolicy to propose for every policy in scope: cheapest "
	  "(default), keep, DoNotTier, TierRecommended or TierAfter:N{d,m} "
	  "(within what Azure allows per policy)", 0, 0 },
	{ "moves", 0, OPT_STR, offsetof(struct plan_cli, moves), "WHICH",
	  "which points to move: plan (each at its best age, default), "
	  "all-eligible (each as soon as Azure allows) or none", 0, 0 },
	{ "propose", 0, OPT_STR, offsetof(struct plan_cli, propose),
	  "LEVERS",
	  "also put these levers of levers.csv into policy_changes.csv, for "
	  "apply: retention, instant-restore or both (comma-separated)", 0,
	  0 },
	OPT_END,
};

static const struct cmd_doc plan_doc = {
	"plan", "SNAPSHOT --out DIR [options]",
	"Decide for every recovery point that Azure could archive whether to\n"
	"move it now, on a later date, or keep it in Standard, with the money\n"
	"and the reason; propose tieringPolicy settings per policy and compare\n"
	"strategies month by month. Writes plan.csv, policy_changes.csv,\n"
	"strategies.csv, summary.csv and plan.json into DIR, and with\n"
	"--costs (or a snapshot exported with --costs) reconcile.csv: per\n"
	"vault and meter, the bill against the model.\n\n"
	"--subscription, --vault, --policy, --workload and --tag plan part\n"
	"of the estate; --tiering proposes one setting for every policy in\n"
	"scope (where Azure allows it), --moves all-eligible moves every\n"
	"point as soon as allowed. Refuses (73) to replace a plan directory\n"
	"whose apply journal has rows not done; otherwise keeps the journal.",
	"  vaultwise plan data/sample --out out/plan\n"
	"  vaultwise plan snap --out plan --currency USD --horizon-months 24\n"
	"  vaultwise plan snap --out legacy --vault 'rsv-legacy-*' "
	"--tiering TierAfter:3m \\\n      --moves all-eligible",
	1, 1
};

/* --propose retention,instant-restore into o; 64 for another word. */
static int plan_propose(const char *list, struct plan_options *o)
{
	char *copy = xstrdup(list), *save = NULL;
	bool bad = false;

	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save))
		if (strcmp(w, "retention") == 0)
			o->propose |= PROPOSE_RETENTION;
		else if (strcmp(w, "instant-restore") == 0)
			o->propose |= PROPOSE_INSTANT;
		else
			bad = true;
	free(copy);
	if (bad || !o->propose)
		return usage_error("plan",
				   "--propose: expected retention, "
				   "instant-restore or both, got '%s'",
				   list);
	return 0;
}

/* The scope and intent options into o; 64 when one is not understood. */
static int plan_intent(const struct plan_cli *cli, struct plan_options *o)
{
	if (cli_scope("plan", &cli->scope, &o->scope))
		return EXIT_USAGE;
	if (cli->tiering && tiering_choice_parse(cli->tiering, &o->tiering))
		return usage_error("plan",
				   "--tiering: expected cheapest, keep, "
				   "DoNotTier, TierRecommended or "
				   "TierAfter:N{d,m} (e.g. TierAfter:3m), got "
				   "'%s'",
				   cli->tiering);
	o->moves = MOVES_PLAN;
	if (cli->moves) {
		o->moves = -1;
		for (int k = 0; k < MOVES_COUNT; k++)
			if (strcmp(cli->moves, plan_moves_names[k]) == 0)
				o->moves = k;
		if (o->moves < 0)
			return usage_error("plan",
					   "--moves: expected plan, "
					   "all-eligible or none, got '%s'",
					   cli->moves);
	}
	return cli->propose ? plan_propose(cli->propose, o) : 0;
}

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
	o.dir_hooks = &keep_apply_journal;
	rc = plan_intent(&cli, &o);
	if (rc)
		goto out;
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
		       cli.out, sum.bill_rows >= 0 ? ", reconcile.csv" : "");
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
