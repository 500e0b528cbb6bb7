/* SPDX-License-Identifier: MIT
 * cmd_audit.c: `vaultwise audit SNAPSHOT [--out FILE] [--fail-on SEVERITY]
 * [--targets FILE] [--plan DIR]`. Checks the protections of every vault
 * (models/audit/audit_rules.h), writes posture.csv (audit.h) and prints one
 * line per vault on stdout:
 *   rsv-prod-weu-01  9/10 passed  score 92/100  high:0 medium:1 low:0 info:0
 * The score is 100 minus 20 per failing high, 8 per failing medium and 3
 * per failing low finding, floored at 0; info failures cost nothing.
 * Exit status 1 only with --fail-on, when a failing finding is at or above
 * that severity. Never changes anything in Azure. */
#include <stddef.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/audit/audit.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct audit_opts {
	const char *out, *fail_on, *targets, *plan;
};

static const struct opt_spec audit_spec[] = {
	{ "out", 0, OPT_STR, offsetof(struct audit_opts, out), "FILE",
	  "write the findings here (default ./posture.csv)", 0, 0 },
	{ "fail-on", 0, OPT_STR, offsetof(struct audit_opts, fail_on),
	  "SEVERITY",
	  "exit 1 when a failing finding is at or above SEVERITY (high, "
	  "medium, low or info)", 0, 0 },
	{ "targets", 0, OPT_STR, offsetof(struct audit_opts, targets), "FILE",
	  "RPO/RTO targets: a target under 24 h on a VM item of a Standard "
	  "policy fails enhanced-policy", 0, 0 },
	{ "plan", 0, OPT_STR, offsetof(struct audit_opts, plan), "DIR",
	  "a plan directory: smart-tiering shows the saving its "
	  "policy_changes.csv gives each policy", 0, 0 },
	OPT_END,
};

static const struct cmd_doc audit_doc = {
	"audit", "SNAPSHOT [options]",
	"Check the protections of every vault and write one posture.csv row\n"
	"per vault and rule, passes included: immutable-vault, soft-delete,\n"
	"mua-resource-guard, enhanced-policy, smart-tiering, redundancy-crr,\n"
	"cross-subscription-restore, public-network-access,\n"
	"customer-managed-keys, job-failure-alerts. Each row gives the\n"
	"severity (high/medium/low/info), pass or fail, the evidence (field\n"
	"and value), the fix, a reference and the risk in words.\n"
	"\n"
	"Prints one line per vault: checks passed and a score, 100 minus 20\n"
	"per failing high, 8 per medium and 3 per low finding (at least 0).\n"
	"Exit status: 0 done (findings or not); 1 with --fail-on, when a\n"
	"failing finding is at or above that severity; 64 usage; 65 bad\n"
	"data; 66 missing input; 73/74 output not written.",
	"  vaultwise audit snap/ --fail-on high\n"
	"  vaultwise audit snap/ --targets targets.csv --plan out/plan "
	"--out posture.csv",
	1, 1
};

static size_t name_width(const struct audit_summary *sum)
{
	size_t w = strlen("all vaults");

	for (size_t i = 0; i < sum->nvaults; i++)
		if (sum->vaults[i].total &&
		    strlen(sum->vaults[i].vault_name) > w)
			w = strlen(sum->vaults[i].vault_name);
	return w;
}

static void print_counts(const unsigned fails[SEV_COUNT])
{
	printf("high:%u medium:%u low:%u info:%u\n", fails[SEV_HIGH],
	       fails[SEV_MEDIUM], fails[SEV_LOW], fails[SEV_INFO]);
}

static void print_scores(const struct audit_summary *sum)
{
	int w = (int)name_width(sum);

	for (size_t i = 0; i < sum->nvaults; i++) {
		const struct audit_vault_score *vs = &sum->vaults[i];
		struct strbuf name = STRBUF_INIT;

		if (!vs->total)
			continue;
		/* a vault's name is input: no escape reaches the terminal */
		strbuf_add_printable(&name, vs->vault_name);
		printf("%-*s  %2u/%u passed  score %3d/100  ", w, name.buf,
		       vs->passed, vs->total, vs->score);
		strbuf_release(&name);
		print_counts(vs->fails);
	}
	if (sum->nempty)
		printf("%-*s  not checked: %zu vault%s protect%s no items\n", w,
		       "empty vaults", sum->nempty,
		       sum->nempty == 1 ? "" : "s",
		       sum->nempty == 1 ? "s" : "");
	printf("%-*s  %2u/%u passed  mean score %.0f/100, lowest %d  ", w,
	       "all vaults", sum->passed, sum->rows, sum->mean_score,
	       sum->min_score);
	print_counts(sum->fails);
}

static int audit(const struct audit_opts *o, const char *dir, int fail_on)
{
	struct snapshot s;
	struct target_set ts = { 0 };
	struct audit_summary sum = { 0 };
	struct audit_options po = { NULL, o->plan, NULL };
	struct err e = ERR_INIT;
	const char *out = o->out ? o->out : "posture.csv";
	int rc;

	if (o->targets && targets_load(&ts, o->targets, &e))
		goto fail;
	po.targets = o->targets ? &ts : NULL;
	if (snapshot_open(&s, dir, &e)) {
		snapshot_release(&s);
		goto fail;
	}
	if (cli_common.as_of != TIME_NONE)
		s.as_of = cli_common.as_of;
	rc = audit_run(&s, &po, out, &sum, &e);
	if (rc) {
		snapshot_release(&s);
		goto fail;
	}
	print_scores(&sum); /* the names are the snapshot's */
	snapshot_release(&s);
	notef("wrote '%s': %u vaults, %u of %u checks failed", out,
	      (unsigned)sum.nvaults, sum.rows - sum.passed, sum.rows);
	rc = EXIT_OK;
	if (fail_on >= 0 && audit_summary_fails_at(&sum, fail_on)) {
		notef("failing findings at or above '%s': exit 1",
		      severity_names[fail_on]);
		rc = EXIT_FINDINGS;
	}
	audit_summary_release(&sum);
	targets_release(&ts);
	return rc;
fail:
	errorf("audit: %s", e.msg);
	targets_release(&ts);
	return e.code ? e.code : EXIT_SOFTWARE;
}

int cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { 0 };
	struct opt_list args;
	int fail_on = -1;
	int rc = cli_parse(&audit_doc, audit_spec, &o, argc, argv, &args);

	if (rc == CLI_RUN && o.fail_on) {
		fail_on = severity_parse(o.fail_on);
		if (fail_on < 0)
			rc = usage_error("audit",
					 "option '--fail-on': expected high, "
					 "medium, low or info, got '%s'",
					 o.fail_on);
	}
	if (rc == CLI_RUN)
		rc = audit(&o, args.items[0], fail_on);
	free(args.items);
	return rc;
}
