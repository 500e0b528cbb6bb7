/* SPDX-License-Identifier: MIT
 * cmd_sample.c: `vaultwise sample`, which writes a realistic synthetic
 * estate as a snapshot (the generator is estate.c). Only parses options
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
	const char *out, *bill;
	long vaults, items, seed;
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
	"[--hazard B,K,c,p] [--bill DIR]",
	"Write a realistic synthetic Azure Backup estate as a snapshot: vaults "
	"with\nvaried protections, Resource Guards, Standard and Enhanced "
	"policies, VMs,\nSQL and HANA databases and file shares, recovery "
	"points from each policy's\nschedule and retention up to the as-of "
	"time (default 2026-11-01T00:00:00Z),\nbackup jobs of the last 35 "
	"days and restore jobs of the last 400 days drawn\nfrom the stated "
	"restore-likelihood process. The output depends only on the\n"
	"options, never on the clock.",
	"  vaultwise sample --out data/sample\n"
	"  vaultwise sample --out /tmp/big --items 50000 --seed 7",
	0, 0
};

static int report(const char *out, const struct estate_stats *st)
{
	notef("wrote a sample estate to '%s': %zu vaults, %zu policies, %zu "
	      "items, %zu recovery points, %zu jobs (%zu restores)",
	      out, st->vaults, st->policies, st->items, st->rps, st->jobs,
	      st->restore_jobs);
	return EXIT_OK;
}

int cmd_sample(int argc, char **argv)
{
	struct sample_opts so = { NULL, NULL, ESTATE_DEFAULT_VAULTS,
				  ESTATE_DEFAULT_ITEMS, ESTATE_DEFAULT_SEED,
				  NULL };
	struct estate_options eo;
	struct estate_stats st;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&sample_doc, sample_spec, &so, argc, argv, &args);

	free(args.items);
	if (rc != CLI_RUN)
		return rc;
	if (!so.out || !so.out[0])
		return usage_error("sample", "--out DIR is required");
	estate_options_init(&eo);
	eo.vaults = so.vaults;
	eo.items = so.items;
	eo.seed = (unsigned long)so.seed;
	if (cli_common.as_of != TIME_NONE)
		eo.as_of = cli_common.as_of;
	if (so.hazard && estate_hazard_parse(so.hazard, &eo.hazard))
		return usage_error("sample",
				   "option '--hazard': expected four numbers "
				   "B,K,c,p with 0 <= B <= 0.01, 0 <= K <= 1, "
				   "0 < c <= 1000, 0 < p <= 5 (for example "
				   "4e-07,0.0002,1,1.3), got '%s'",
				   so.hazard);
	if (estate_write(&eo, so.out, &st, &e) ||
	    (so.bill && estate_write_bill(so.out, so.bill, eo.seed, &e))) {
		errorf("sample: %s", e.msg);
		return e.code;
	}
	if (so.bill)
		notef("wrote the month's bill to '%s' (focus.csv, "
		      "usage-details.csv)", so.bill);
	return report(so.out, &st);
}
