/* SPDX-License-Identifier: MIT
 * cmd_sample.c: `vaultwise sample`, which writes a realistic synthetic
 * estate as a snapshot (the generator is sample.c). Only parses options
 * and reports; the same flags always give the same files. */
#include <stdlib.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/sample/sample.h"
#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct sample_opts {
	const char *out, *bill, *from, *applied;
	long vaults, items, seed, months;
	const char *hazard;
};

static const struct opt_spec sample_spec[] = {
	{ "out", 0, OPT_STR, offsetof(struct sample_opts, out), "DIR",
	  "write the snapshot here (replaced if vaultwise wrote it)", 0, 0 },
	{ "vaults", 0, OPT_INT, offsetof(struct sample_opts, vaults), "N",
	  "number of vaults (default 12)", 1, 10000 },
	{ "items", 0, OPT_INT, offsetof(struct sample_opts, items), "N",
	  "number of protected items (default 240)", 1, 10000000 },
	{ "seed", 0, OPT_INT, offsetof(struct sample_opts, seed), "N",
	  "random seed; the same seed gives the same files (default 42)", 0,
	  4294967295.0 },
	{ "bill", 0, OPT_STR, offsetof(struct sample_opts, bill), "DIR",
	  "also write the month's bill (focus.csv, usage-details.csv) from "
	  "hidden true sizes and negotiated prices", 0, 0 },
	{ "from", 0, OPT_STR, offsetof(struct sample_opts, from), "SNAPSHOT",
	  "age this snapshot instead: the same vaults and items --months "
	  "later", 0, 0 },
	{ "applied", 0, OPT_STR, offsetof(struct sample_opts, applied), "PLAN",
	  "with --from: apply this plan of the snapshot first (its moves and "
	  "policy changes)", 0, 0 },
	{ "months", 0, OPT_INT, offsetof(struct sample_opts, months), "N",
	  "with --from: months to age it by (default 1)", 1, 120 },
	{ "hazard", 0, OPT_STR, offsetof(struct sample_opts, hazard),
	  "B,K,c,p",
	  "restore intensity B + K*(age_days + c)^-p per unit of coverage "
	  "(default 4e-07,0.0002,1,1.3)",
	  0, 0 },
	OPT_END,
};

static const struct cmd_doc sample_doc = {
	"sample",
	"--out DIR [--vaults N] [--items N] [--seed N] [--as-of DATE] "
	"[--hazard B,K,c,p] [--bill DIR] [--from SNAPSHOT [--months N] [--applied PLAN]]",
	"Write a realistic synthetic Azure Backup estate as a snapshot: vaults "
	"with\nvaried protections, Resource Guards, Standard and Enhanced "
	"policies, VMs,\nSQL and HANA databases and file shares, recovery "
	"points from each policy's\nschedule and retention up to the as-of "
	"time (default 2026-11-01T00:00:00Z),\nbackup jobs of the last 35 "
	"days and restore jobs of the last 400 days drawn\nfrom the stated "
	"restore-likelihood process. The output depends only on the\n"
	"options, never on the clock.\n\n"
	"With --from, ages a snapshot instead: the same vaults and items N "
	"months\nlater, with new points from each schedule, expired points "
	"gone, tier moves,\nrestores from the same hazard, and a few items "
	"added, stopped and deleted\n(the seed and hazard are the "
	"snapshot's unless given).",
	"  vaultwise sample --out data/sample\n"
	"  vaultwise sample --out /tmp/big --items 50000 --seed 7\n"
	"  vaultwise sample --from data/sample --months 1 --out /tmp/dec "
	"--bill /tmp/bill",
	0, 0
};

static int report(const char *out, const struct sample_stats *st)
{
	notef("wrote a sample estate to '%s': %zu vaults, %zu policies, %zu "
	      "items, %zu recovery points, %zu jobs (%zu restores)",
	      out, st->vaults, st->policies, st->items, st->rps, st->jobs,
	      st->restore_jobs);
	return EXIT_OK;
}

static int parse_hazard(const char *s, struct sample_hazard *h)
{
	if (sample_hazard_parse(s, h))
		return usage_error("sample",
				   "option '--hazard': expected four numbers "
				   "B,K,c,p with 0 <= B <= 0.01, 0 <= K <= 1, "
				   "0 < c <= 1000, 0 < p <= 5 (for example "
				   "4e-07,0.0002,1,1.3), got '%s'",
				   s);
	return EXIT_OK;
}

/* sample --from: the snapshot aged; the bill with the seed it used. */
static int age(const struct sample_opts *so)
{
	struct sample_hazard hz;
	struct sample_age_options ao = { so->from, so->months ? (int)so->months
							     : 1,
					 (unsigned long)so->seed, so->seed >= 0,
					 NULL, so->applied };
	struct sample_stats st;
	struct err e = ERR_INIT;

	if (so->vaults || so->items || cli_common.as_of != TIME_NONE)
		return usage_error("sample",
				   "--from takes the snapshot's vaults, items "
				   "and as-of: give --months, not --vaults, "
				   "--items or --as-of");
	if (so->hazard && parse_hazard(so->hazard, &hz))
		return EXIT_USAGE;
	if (so->hazard)
		ao.hazard = &hz;
	if (sample_age(&ao, so->out, &st, &e) ||
	    (so->bill && sample_write_bill(so->out, so->from, so->applied,
					  so->bill, ao.seed, &e))) {
		errorf("sample: %s", e.msg);
		return e.code;
	}
	if (so->bill)
		notef("wrote the month's bill to '%s' (focus.csv, "
		      "usage-details.csv)", so->bill);
	notef("aged '%s' by %d month(s)", so->from, ao.months);
	return report(so->out, &st);
}

int cmd_sample(int argc, char **argv)
{
	struct sample_opts so = { NULL, NULL, NULL, NULL, 0, 0, -1, 0, NULL };
	struct sample_options eo;
	struct sample_stats st;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&sample_doc, sample_spec, &so, argc, argv, &args);

	free(args.items);
	if (rc != CLI_RUN)
		return rc;
	if (!so.out || !so.out[0])
		return usage_error("sample", "--out DIR is required");
	if (so.from)
		return age(&so);
	if (so.months || so.applied)
		return usage_error("sample", "--months and --applied need "
				   "--from SNAPSHOT");
	sample_options_init(&eo);
	eo.vaults = so.vaults ? so.vaults : ESTATE_DEFAULT_VAULTS;
	eo.items = so.items ? so.items : ESTATE_DEFAULT_ITEMS;
	eo.seed = so.seed >= 0 ? (unsigned long)so.seed : ESTATE_DEFAULT_SEED;
	if (cli_common.as_of != TIME_NONE)
		eo.as_of = cli_common.as_of;
	if (so.hazard && parse_hazard(so.hazard, &eo.hazard))
		return EXIT_USAGE;
	if (sample_write(&eo, so.out, &st, &e) ||
	    (so.bill && sample_write_bill(so.out, NULL, NULL, so.bill,
					 eo.seed, &e))) {
		errorf("sample: %s", e.msg);
		return e.code;
	}
	if (so.bill)
		notef("wrote the month's bill to '%s' (focus.csv, "
		      "usage-details.csv)", so.bill);
	return report(so.out, &st);
}
