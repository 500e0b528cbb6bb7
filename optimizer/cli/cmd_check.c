/* SPDX-License-Identifier: MIT
 * cmd_check.c: `vaultwise check SNAPSHOT --targets FILE [--out FILE]`:
 * RPO/RTO of every protected item against the architects' targets
 * (optimizer/check/check.h). Writes rpo_rto.csv (or JSON, or JUnit XML) and
 * prints a short summary. Exit status 1 when a row fails the gate (a
 * breach of a severity-error target; with --fail-on unknown, an unknown
 * too); 65 when a target covers no item. Never talks to Azure. */
#include <stddef.h>

#include "optimizer/check/check.h"
#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "models/check/rto.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct check_cli {
	const char *targets, *out, *priority, *timezones, *fail_on, *format;
	double lookback, tolerance, rehydration;
	int allow_empty;
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
	{ "rehydration-hours", 0, OPT_DOUBLE,
	  offsetof(struct check_cli, rehydration), "H",
	  "hours a rehydration from Archive takes at that priority (default: "
	  "Blob Storage's published figures; Azure Backup publishes none)",
	  0.01, 1000 },
	{ "timezones", 0, OPT_STR, offsetof(struct check_cli, timezones),
	  "FILE", "Windows time-zone table (default: the bundled "
	  "data/timezones.csv)", 0, 0 },
	{ "allow-empty", 0, OPT_FLAG, offsetof(struct check_cli, allow_empty),
	  NULL, "accept a target that covers no item (default: exit 65)", 0,
	  0 },
	{ "tolerance-hours", 0, OPT_DOUBLE,
	  offsetof(struct check_cli, tolerance), "H",
	  "a shortfall up to H hours counts as met, for targets without a "
	  "tolerance_hours column (default 0)", 0, 1e6 },
	{ "fail-on", 0, OPT_STR, offsetof(struct check_cli, fail_on), "WHAT",
	  "rows that make the exit status 1: breach (the default) or unknown "
	  "(breaches and unknowns); targets of severity warning never do", 0,
	  0 },
	{ "format", 0, OPT_STR, offsetof(struct check_cli, format), "F",
	  "csv (the default), json or junit (JUnit XML for CI systems)", 0,
	  0 },
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
	"    Archive: rehydration first (Blob Storage's figures unless\n"
	"    --rehydration-hours). With min_retention_days, the oldest\n"
	"    point that retention must hold is checked too.\n"
	"Writes one row per (item, target) with a verdict (met, breached or\n"
	"unknown), the reason, margin_hours (negative: short of the target)\n"
	"and a cause. Targets with a priority column: on each tier, the\n"
	"lowest priority that covers an item judges it, so a last target\n"
	"with scope '*' means everything else. A target covering no item is\n"
	"an error that lists the values its scope type can match.\n"
	"\n"
	"Exit status: 0 nothing fails the gate; 1 a row fails it (see\n"
	"--fail-on, the severity column); 64 usage; 65 bad data (file, line\n"
	"and column named) or a target covering no item; 66 missing input;\n"
	"73/74 output not written.",
	"  vaultwise check data/sample --targets data/targets.example.csv\n"
	"  vaultwise check snap --targets t.csv --out out/rpo_rto.csv "
	"--as-of 2026-11-01\n"
	"  vaultwise check snap --targets t.csv --format junit --out "
	"rpo.xml",
	1, 1
};

static int parse_name(const char *s, const char *const *names, int n,
		      int *out)
{
	for (int i = 0; i < n; i++)
		if (str_eq_ci(s, names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

static const char *const fail_on_names[] = { "breach", "unknown" };

/* The options beyond --targets and --out; a usage error or CLI_RUN. */
static int check_opts(const struct check_cli *cli, struct check_options *o)
{
	if (cli->priority &&
	    parse_name(cli->priority, rehydrate_priority_names,
		       REHYDRATE_COUNT, &o->rehydrate_priority))
		return usage_error("check",
				   "option '--rehydrate-priority': expected "
				   "standard or high, got '%s'",
				   cli->priority);
	if (cli->fail_on &&
	    parse_name(cli->fail_on, fail_on_names, 2, &o->fail_on))
		return usage_error("check",
				   "option '--fail-on': expected breach or "
				   "unknown, got '%s'",
				   cli->fail_on);
	if (cli->format && parse_name(cli->format, check_format_names,
				      CF_COUNT, &o->format))
		return usage_error("check",
				   "option '--format': expected csv, json or "
				   "junit, got '%s'",
				   cli->format);
	if (cli->lookback > 0)
		o->lookback_days = cli->lookback;
	if (cli->rehydration > 0)
		o->rehydration_hours = cli->rehydration;
	o->timezones_path = cli->timezones;
	o->allow_empty = cli->allow_empty;
	o->tolerance_hours = cli->tolerance;
	return CLI_RUN;
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
	rc = check_run_opts(&s, &ts, o, out, &sum, &e);
	snapshot_release(&s);
	targets_release(&ts);
	if (rc)
		goto fail;
	check_summary_print(stdout, &sum);
	notef("wrote '%s'", out);
	if (sum.empty_targets)
		warnf("%zu target%s in '%s' cover%s no item of '%s'",
		      sum.empty_targets, sum.empty_targets == 1 ? "" : "s",
		      cli->targets, sum.empty_targets == 1 ? "s" : "", dir);
	return sum.failing ? EXIT_FINDINGS : EXIT_OK;
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
	if (rc == CLI_RUN)
		rc = check_opts(&cli, &o);
	if (rc == CLI_RUN)
		rc = check(&cli, &o, args.items[0]);
	free(args.items);
	return rc;
}
