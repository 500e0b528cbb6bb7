/* SPDX-License-Identifier: MIT
 * cmd_export.c: `vaultwise export`: reads live Azure into a snapshot
 * (export.h does the work; export_text.h shows the progress and the
 * outcome). */
#include <stdio.h>
#include <string.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/export/export.h"
#include "optimizer/cli/export_text.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"

struct export_cli {
	const char *out, *vault, *shard;
	struct cloud_options cloud;
	const char *sizes, *inventory, *since;
	struct opt_list subs;
	long concurrency, lookback, backup_days, max_pages;
	double retry_budget;
	int tiering_cost, job_details, costs;
};

#define OFF(f) offsetof(struct export_cli, f)
static const struct opt_spec opts[] = {
	{ "out", 0, OPT_STR, OFF(out), "DIR",
	  "write the snapshot here (required)", 0, 0 },
	{ "subscription", 0, OPT_LIST, OFF(subs), "ID",
	  "export this subscription (repeatable; default: all visible)", 0,
	  0 },
	{ "vault", 0, OPT_STR, OFF(vault), "GLOB",
	  "only vaults whose name matches (case-insensitive)", 0, 0 },
	{ "shard", 0, OPT_STR, OFF(shard), "K/N",
	  "only subscriptions in shard K of N (0 <= K < N); join with merge",
	  0, 0 },
	{ "concurrency", 0, OPT_INT, OFF(concurrency), "N",
	  "parallel requests (default 8)", 1, 64 },
	{ "sizes", 0, OPT_STR, OFF(sizes), "FILE",
	  "item sizes: CSV with arm_id or item_name, source_gb, daily_churn",
	  0, 0 },
	{ "tiering-cost", 0, OPT_FLAG, OFF(tiering_cost), NULL,
	  "derive item sizes from fetchTieringCost (one POST per item)", 0,
	  0 },
	{ "backup-job-details", 0, OPT_FLAG, OFF(job_details), NULL,
	  "also read each backup job for its size (one GET per job)", 0, 0 },
	{ "costs", 0, OPT_FLAG, OFF(costs), NULL,
	  "also read the last full month's actual cost of the vaults from "
	  "Cost Management into costs.csv (needs Cost Management Reader)",
	  0, 0 },
	{ "inventory", 0, OPT_STR, OFF(inventory), "SOURCE",
	  "where jobs are listed: arm (default) or resource-graph (one "
	  "query per vault)", 0, 0 },
	{ "since", 0, OPT_STR, OFF(since), "DIR",
	  "a previous export: ended jobs' details are taken from it, not "
	  "read again", 0, 0 },
	{ "lookback-days", 0, OPT_INT, OFF(lookback), "N",
	  "restore jobs of the last N days (default 400)", 1, 3650 },
	{ "backup-jobs-days", 0, OPT_INT, OFF(backup_days), "N",
	  "backup jobs of the last N days (default 35)", 0, 3650 },
	OPT_CLOUD_CONNECTION(struct export_cli, cloud),
	{ "retry-budget", 0, OPT_DOUBLE, OFF(retry_budget), "SECONDS",
	  "give up on a request failing this long (default 300)", 1, 86400 },
	{ "max-pages", 0, OPT_INT, OFF(max_pages), "N",
	  "stop a listing whose nextLinks go on past N pages (default "
	  "10000)", 1, 10000000 },
	OPT_END,
};
#undef OFF

static const struct cmd_doc doc = {
	"export", "--out DIR [options]",
	"Read live Azure Backup (Recovery Services vaults) into a snapshot: "
	"vaults and\ntheir security settings, backup policies, protected "
	"items, every recovery point,\nrestore jobs (--lookback-days) and "
	"backup jobs (--backup-jobs-days), Resource\nGuards. Credentials as "
	"the Azure SDKs take them: AZURE_TENANT_ID, AZURE_CLIENT_ID\nand "
	"AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH; else managed "
	"identity;\nelse the Azure CLI's login. Needs Reader (Backup Reader) "
	"on the vaults.\n\nAzure reports no sizes: without --sizes or "
	"--tiering-cost, items are assumed to\nuse 128 GiB at 2%/day churn "
	"(VM), 100 GiB at 3% (SQL), 500 GiB at 3% (HANA)\nand 100 GiB at 1% "
	"(Azure Files); point sizes follow from the size model.\n--as-of sets "
	"the export's time (exported_at, job windows; default now).\nParts "
	"Azure "
	"refuses (403) become warnings in manifest.json; exit 77 when\n"
	"nothing could be read, 69 when Azure stays unavailable, 75 when it "
	"keeps\nthrottling (rerun later).",
	"  vaultwise export --out snap\n"
	"  vaultwise export --out snap --subscription SUB --vault 'prod-*'\n"
	"  vaultwise export --out shard0 --shard 0/3 && vaultwise merge --out "
	"snap shard0 shard1 shard2",
	0, 0
};

int cmd_export(int argc, char **argv)
{
	struct export_cli c = { 0 };
	struct export_options o;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc;

	c.concurrency = 8;
	c.lookback = 400;
	c.backup_days = 35;
	c.retry_budget = 300;
	rc = cli_parse(&doc, opts, &c, argc, argv, &args);
	free(args.items);
	if (rc != CLI_RUN)
		goto done;
	if (!c.out) {
		rc = usage_error("export", "--out DIR is required");
		goto done;
	}
	export_options_init(&o);
	if (c.shard && export_parse_shard(c.shard, &o.shard_k, &o.shard_n)) {
		rc = usage_error("export",
				 "--shard: expected K/N with 0 <= K < N, got "
				 "'%s'",
				 c.shard);
		goto done;
	}
	if (c.inventory && strcmp(c.inventory, "arm") != 0 &&
	    strcmp(c.inventory, "resource-graph") != 0) {
		rc = usage_error("export",
				 "--inventory: expected arm or resource-graph, "
				 "got '%s'",
				 c.inventory);
		goto done;
	}
	o.resource_graph = c.inventory &&
			   strcmp(c.inventory, "resource-graph") == 0;
	o.since = c.since;
	o.cloud = c.cloud;
	o.subscriptions = c.subs.items;
	o.nsubscriptions = c.subs.n;
	o.vault_glob = c.vault;
	o.concurrency = (int)c.concurrency;
	o.sizes_file = c.sizes;
	o.tiering_cost = c.tiering_cost;
	o.backup_job_details = c.job_details;
	o.costs = c.costs;
	o.lookback_days = (int)c.lookback;
	o.backup_jobs_days = (int)c.backup_days;
	o.as_of = cli_common.as_of;
	o.retry_budget_s = c.retry_budget;
	o.max_pages = c.max_pages;
	rc = 0;
	if (export_with_progress(&o, c.out, &e)) {
		errorf("export: %s", e.msg);
		rc = e.code;
	}
done:
	free(c.subs.items);
	return rc;
}
