/* SPDX-License-Identifier: MIT
 * cmd_check.c: `vaultwise check SNAPSHOT --targets FILE [--out FILE]`:
 * RPO/RTO of every protected item against the architects' targets
 * (optimizer/check.h). Writes rpo_rto.csv and prints a two-line summary.
 * Exit status 1 when a target is breached. Never talks to Azure. */
#include <stddef.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "log.h"
#include "rto.h"
#include "snapshot.h"
#include "targets.h"
#include "timeutil.h"
#include "util.h"

struct check_cli {
	const char *targets, *out, *priority, *timezones;
	double lookback;
};

static const struct opt_spec check_spec[] = {
	{ "targets", 0, OPT_STR, offsetof(struct check_cli, targets), "FILE",
	  "the RPO/RTO targets (required; see data/targets.example.csv)", 0,
	  0 },
	{ "out", 0, OPT_STR, offsetof(struct check_cli, out), "FILE",
	  "write the verdicts here (default ./rpo_rto.csv)", 0, 0 },
	{ "lookback-days", 0, OPT_DOUBLE, offsetof(struct check_cli, lookback),
	  "N", "days of history behind the observed RPO (default 30)", 1,
	  3650 },
	{ "rehydrate-priority", 0, OPT_STR,
	  offsetof(struct check_cli, priority), "P",
	  "rehydration priority for points in Archive: standard (up to "
	  "15 h, the default) or high (~1 h under 10 GiB)", 0, 0 },
	{ "timezones", 0, OPT_STR, offsetof(struct check_cli, timezones),
	  "FILE", "Windows time-zone table (default: the bundled "
	  "data/timezones.csv)", 0, 0 },
	OPT_END,
};

static const struct cmd_doc check_doc = {
	"check", "SNAPSHOT --targets FILE [--out FILE] [options]",
	"Check every protected item covered by a target (scope_type vault,\n"
	"policy, item, workload or name, with a glob) on the target's tier:\n"
	"  - predicted RPO: the policy schedule's worst gap in UTC, wrap past\n"
	"    midnight included, + 2 h start jitter; the vault tier of an\n"
	"    Enhanced policy only gets the day's last backup; SQL/HANA: the\n"
	"    log interval;\n"
	"  - observed RPO: the worst (and p95) gap between successful backups\n"
	"    over the look-back, the age of the newest one, failure streaks;\n"
	"  - RTO: snapshot 0.5 h; vault: a0 + size/throughput fitted on the\n"
	"    restore jobs (p90), or 1 h + 100 GiB/h with fewer than 5;\n"
	"    Archive: rehydration first. With min_retention_days, the oldest\n"
	"    point that retention must hold is checked too.\n"
	"Writes one row per (item, target) with a verdict (met, breached or\n"
	"unknown) and the reason.\n"
	"\n"
	"Exit status: 0 no target breached; 1 a target is breached; 64\n"
	"usage; 65 bad data (file, line and column named); 66 missing input;\n"
	"73/74 output not written.",
	"  vaultwise check data/sample --targets data/targets.example.csv\n"
	"  vaultwise check snap --targets t.csv --out out/rpo_rto.csv "
	"--as-of 2026-11-01",
	1, 1
};

static int parse_priority(const char *s, int *out)
{
	for (int i = 0; i < REHYDRATE_COUNT; i++)
		if (str_eq_ci(s, rehydrate_priority_names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

static int check(const struct check_cli *cli, const struct check_options *o,
		 const char *dir)
{
	struct snapshot s;
	struct target_set ts = { 0 };
	struct check_summary sum;
	struct err e = ERR_INIT;
	const char *out = cli->out ? cli->out : CHECK_DEFAULT_OUT;
	int rc;

	if (targets_load(&ts, cli->targets, &e))
		goto fail;
	if (snapshot_open(&s, dir, &e)) {
		snapshot_release(&s);
		goto fail;
	}
	if (cli_common.as_of != TIME_NONE)
		s.as_of = cli_common.as_of;
	rc = rpo_check_run_opts(&s, &ts, o, out, &sum, &e);
	snapshot_release(&s);
	targets_release(&ts);
	if (rc)
		goto fail;
	check_summary_print(stdout, &sum);
	notef("wrote '%s'", out);
	if (sum.items_checked == 0)
		warnf("no target in '%s' covers any item of '%s'",
		      cli->targets, dir);
	return sum.breached ? EXIT_FINDINGS : EXIT_OK;
fail:
	targets_release(&ts);
	errorf("check: %s", e.msg);
	return e.code ? e.code : EXIT_SOFTWARE;
}

int cmd_check(int argc, char **argv)
{
	struct check_cli cli = { 0 };
	struct check_options o;
	struct opt_list args;
	int rc = cli_parse(&check_doc, check_spec, &cli, argc, argv, &args);

	check_options_init(&o);
	if (rc == CLI_RUN && !cli.targets)
		rc = usage_error("check",
				 "option '--targets FILE' is required");
	if (rc == CLI_RUN && cli.priority &&
	    parse_priority(cli.priority, &o.rehydrate_priority))
		rc = usage_error("check",
				 "option '--rehydrate-priority': expected "
				 "standard or high, got '%s'",
				 cli.priority);
	if (rc == CLI_RUN) {
		if (cli.lookback > 0)
			o.lookback_days = cli.lookback;
		o.timezones_path = cli.timezones;
		rc = check(&cli, &o, args.items[0]);
	}
	free(args.items);
	return rc;
}
