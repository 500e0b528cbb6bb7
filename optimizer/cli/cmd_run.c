/* SPDX-License-Identifier: MIT
 * cmd_run.c: `vaultwise run`: the monthly batch. Takes a snapshot (the
 * given one, or the bundled sample when there is neither a snapshot nor
 * Azure credentials), then fits the restore model, plans, checks RPO/RTO
 * and audits the vaults into one output directory laid out as
 * docs/commands/run.md says, and prints a short summary of each stage. The
 * stages write into a staging directory that replaces OUT as a whole at
 * the end (run_out.c): OUT is last month's complete output or this
 * month's, never a mix, and never a directory of someone else's. A failed
 * run leaves OUT as it was, keeping an exported snapshot beside it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "optimizer/apply/apply.h"
#include "optimizer/check/check.h"
#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/export/export.h"
#include "optimizer/cli/export_text.h"
#include "optimizer/base/fileio.h"
#include "optimizer/cli/fit_text.h"
#include "optimizer/base/log.h"
#include "optimizer/plan/plan.h"
#include "optimizer/audit/audit.h"
#include "optimizer/report/report.h"
#include "models/restore/restore_model.h"
#include "optimizer/base/run_out.h"
#include "optimizer/snapshot/bill.h"
#include "optimizer/snapshot/snapcache.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"
#include "models/check/targets.h"
#include "optimizer/base/util.h"

/* run takes OUT/plan's guard itself (apply_plan_dir_guard: it refuses a
 * journal with rows not done) and holds its lock until OUT is swapped,
 * so no apply starts on the old plan meanwhile; plan carries the
 * journal over (apply.h). */
static int guard_held(const char *dir, int *lock_fd, struct err *e)
{
	(void)dir;
	(void)e;
	*lock_fd = -1;
	return 0;
}

static const struct plan_dir_hooks keep_apply_journal = {
	guard_held, apply_plan_dir_carry, apply_lock_release
};

struct run_cli {
	const char *snapshot, *out, *prices, *currency, *targets, *previous;
	const char *costs;
	long horizon;
	/* the export, when there is one */
	int do_export, tiering_cost, export_costs;
	const char *sizes;
	struct cloud_options cloud;
	struct opt_list subs;
};

static const struct opt_spec run_specs[] = {
	{ "snapshot", 0, OPT_STR, offsetof(struct run_cli, snapshot), "DIR",
	  "use this snapshot instead of exporting", 0, 0 },
	{ "export", 0, OPT_FLAG, offsetof(struct run_cli, do_export), NULL,
	  "export from Azure into DIR/snapshot (the default when Azure "
	  "credentials are configured)", 0, 0 },
	{ "subscription", 0, OPT_LIST, offsetof(struct run_cli, subs), "ID",
	  "export this subscription (repeatable; default: all visible)", 0,
	  0 },
	{ "sizes", 0, OPT_STR, offsetof(struct run_cli, sizes), "FILE",
	  "item sizes for the export (see export --help)", 0, 0 },
	{ "tiering-cost", 0, OPT_FLAG, offsetof(struct run_cli, tiering_cost),
	  NULL, "derive item sizes from fetchTieringCost", 0, 0 },
	{ "export-costs", 0, OPT_FLAG,
	  offsetof(struct run_cli, export_costs), NULL,
	  "the export also reads last month's cost from Cost Management "
	  "(export --costs): the plan is calibrated to it", 0, 0 },
	OPT_CLOUD_CONNECTION(struct run_cli, cloud),
	{ "out", 0, OPT_STR, offsetof(struct run_cli, out), "DIR",
	  "output directory (default ./out)", 0, 0 },
	{ "targets", 0, OPT_STR, offsetof(struct run_cli, targets), "FILE",
	  "RPO/RTO targets (default: the bundled data/targets.example.csv)",
	  0, 0 },
	{ "previous", 0, OPT_STR, offsetof(struct run_cli, previous), "DIR",
	  "last month's snapshot (or run output holding it), for the "
	  "report's month-over-month changes and their causes",
	  0, 0 },
	{ "prices", 0, OPT_STR, offsetof(struct run_cli, prices), "FILE",
	  "price sheet (default: the bundled data/prices/prices.csv)", 0, 0 },
	{ "costs", 0, OPT_STR, offsetof(struct run_cli, costs), "FILE",
	  "a Cost Management export (FOCUS or actual-cost usage details, "
	  "plain or gzip): plan/reconcile.csv, the model against the bill "
	  "(default: the snapshot's costs.csv, from export --costs)",
	  0, 0 },
	{ "currency", 0, OPT_STR, offsetof(struct run_cli, currency), "CODE",
	  "price in this currency (default: the one covering most vaults)",
	  0, 0 },
	{ "horizon-months", 0, OPT_INT, offsetof(struct run_cli, horizon),
	  "N", "months projected in strategies.csv (default 36)", 1, 120 },
	OPT_END,
};

static const struct cmd_doc run_doc = {
	"run", "[--snapshot DIR] [--out DIR] [options]",
	"The monthly batch: take a snapshot, fit the restore-likelihood model,\n"
	"plan, check RPO/RTO against the targets, audit the vaults and write\n"
	"the report, laying the results out in DIR: snapshot/ (when it\n"
	"exported), model.json, plan/ (plan.csv, policy_changes.csv,\n"
	"strategies.csv, summary.csv, vault_months.csv), rpo_rto.csv,\n"
	"posture.csv, report/ (report.html, focus.csv, forecast.csv,\n"
	"vaults.csv, policies.csv). Without --snapshot it exports when Azure\n"
	"credentials are configured (or with --export), and otherwise runs on\n"
	"the bundled sample estate and says so. Exits 0 once every stage ran,\n"
	"whatever the findings: use check and audit with --fail-on to gate.",
	"  vaultwise run                      # the bundled sample, into ./out\n"
	"  vaultwise run --snapshot snap --out 2026-11\n"
	"  vaultwise run --export --out out/2026-12 "
	"--previous out/2026-11/snapshot",
	0, 0
};

/* What the stages share. */
struct run_state {
	const struct run_cli *cli;
	struct run_out ro;
	const char *out;       /* where the stages write: the staging dir */
	const char *shown;     /* OUT, the name the user knows */
	char *command;         /* for OUT's marker */
	struct snapshot s;
	struct target_set targets;
	struct restore_model *model;
	char *model_path;
	char *model_shown;
	char *snap_shown;      /* the snapshot, where it will be */
	/* the price caveats plan warned of, not repeated by the report */
	struct strpool said_pool;
	struct strmap said;
	int plan_lock;         /* OUT/plan's, until OUT is swapped */
	struct plan_risk risk; /* the plan's moves', for the report */
	struct rep_rpo rpo;    /* the check's rows, for the report */
	struct audit_jobs audit_jobs; /* read while the plan ran */
	bool have_audit_jobs;
	struct report_estate *estate; /* the report's pass, the same */
};

/* A path under the staging directory as it will be under OUT; caller
 * frees. */
static char *shown_path(const struct run_state *rs, const char *path)
{
	size_t n = strlen(rs->out);

	if (!path)
		return NULL;
	if (strncmp(path, rs->out, n) == 0 && path[n] == '/')
		return xasprintf("%s%s", rs->shown, path + n);
	return xstrdup(path);
}

static int run_fit(struct run_state *rs, struct err *e)
{
	struct fit_options fo = FIT_OPTIONS_INIT;

	rs->model_path = path_join(rs->out, "model.json");
	rs->model_shown = shown_path(rs, rs->model_path);
	if (restore_model_fit(&rs->model, &rs->s, &fo, e) ||
	    restore_model_write(rs->model, rs->model_path, e))
		return -1;
	printf("restore model:\n");
	fit_print_headline(stdout, rs->model, rs->model_shown);
	return 0;
}

static int run_plan(struct run_state *rs, struct err *e)
{
	const struct run_cli *cli = rs->cli;
	struct plan_options o;
	struct plan_summary sum;
	char *dir = path_join(rs->out, "plan");
	char *replaces = path_join(rs->ro.final, "plan");
	int rc;

	plan_options_init(&o);
	o.dir_hooks = &keep_apply_journal;
	o.replaces = replaces; /* OUT/plan, not the staging directory's */
	o.prices_path = cli->prices;
	o.currency = cli->currency;
	o.costs_path = cli->costs;
	if (cli->horizon)
		o.horizon_months = (int)cli->horizon;
	o.model = rs->model;
	o.model_path = rs->model_shown; /* recorded in plan.json */
	o.snapshot_path = rs->snap_shown;
	o.targets = &rs->targets;
	memset(&sum, 0, sizeof(sum));
	rc = apply_plan_dir_guard(replaces, &rs->plan_lock, e) ||
	     plan_run(&rs->s, &o, dir, &sum, e);
	if (rc == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++) {
			warnf("prices: %s", sum.caveats[i]);
			strmap_put(&rs->said,
				   strpool_dup(&rs->said_pool, sum.caveats[i]),
				   i);
		}
		printf("\nplan (%s/plan/):\n", rs->shown);
		plan_summary_print(stdout, &sum);
		rs->risk = sum.risk;
		memset(&sum.risk, 0, sizeof(sum.risk));
	}
	plan_summary_release(&sum);
	free(dir);
	free(replaces);
	return rc;
}

static int add_rpo_row(void *ctx, const char *const *v, struct err *e)
{
	return report_rpo_add(ctx, v, e);
}

/* The check needs neither the model nor the plan: it runs on a thread
 * of its own while the plan runs (the planner's thread is the critical
 * path; the check takes the other core's idle time), and says what it
 * found after the plan, as when it ran after it. The audit's reading of
 * the jobs and the report's pass over the points follow it on that
 * thread (each redone by its stage when it failed here). */
struct check_pass {
	pthread_t thread;
	bool running;
	struct run_state *rs;
	char *path;
	struct check_summary cs;
	int rc;
	struct err err;
	struct audit_jobs audit_jobs;
	int audit_rc; /* failed: the audit reads the jobs itself */
	struct report_estate *estate; /* NULL: the report makes its pass */
};

static void check_now(struct check_pass *c)
{
	struct check_options o;

	check_options_init(&o);
	o.allow_empty = true; /* as check_run */
	o.on_row = add_rpo_row;
	o.on_row_ctx = &c->rs->rpo;
	c->rc = check_run_opts(&c->rs->s, &c->rs->targets, &o, c->path,
			       &c->cs, &c->err);
}

/* The report's pass over the points, with the price sheet and currency
 * the plan takes (plan_run's); NULL when it cannot be made. */
static struct report_estate *estate_ahead(struct run_state *rs)
{
	struct err e = ERR_INIT;
	const char *cur = rs->cli->currency;
	char *prices = rs->cli->prices ? xstrdup(rs->cli->prices)
				       : data_file("prices/prices.csv", &e);
	struct report_estate *x =
		prices ? report_estate_ahead(&rs->s, prices, cur, &e) : NULL;

	free(prices);
	return x;
}

static void *check_thread(void *arg)
{
	struct check_pass *c = arg;
	struct err e = ERR_INIT;

	check_now(c);
	c->audit_rc = c->rc ? -1
			    : audit_jobs_read(&c->rs->s, &c->audit_jobs, &e);
	if (!c->rc)
		c->estate = estate_ahead(c->rs);
	return NULL;
}

/* Starts the check beside the plan when beside, else leaves it to
 * check_end. */
static struct check_pass *check_begin(struct run_state *rs, bool beside)
{
	struct check_pass *c = xcalloc(1, sizeof(*c));

	c->rs = rs;
	c->path = path_join(rs->out, "rpo_rto.csv");
	c->err = (struct err)ERR_INIT;
	c->audit_rc = -1;
	c->running = beside &&
		     !pthread_create(&c->thread, NULL, check_thread, c);
	return c;
}

/* Waits for the check (or runs it after the plan, when it was not
 * beside it); after a failed plan only waits, the plan's error being
 * the one reported. */
static int check_end(struct check_pass *c, int plan_rc, struct err *e)
{
	int rc = plan_rc;

	if (c->running)
		pthread_join(c->thread, NULL);
	else if (!plan_rc)
		check_thread(c);
	if (!rc && c->rc) {
		*e = c->err;
		rc = -1;
	}
	if (!rc) {
		printf("\nRPO/RTO (%s/rpo_rto.csv):\n", c->rs->shown);
		check_summary_print(stdout, &c->cs);
	}
	c->rs->audit_jobs = c->audit_jobs;
	c->rs->have_audit_jobs = c->audit_rc == 0;
	c->rs->estate = c->estate;
	free(c->path);
	free(c);
	return rc;
}

/* The plan, with the check beside it; after it when the plan is
 * calibrated to a bill, since it then scales the items' sizes while it
 * runs (plan_calibrate). */
static int run_plan_check(struct run_state *rs, struct err *e)
{
	bool bill = rs->cli->costs || bill_in_snapshot(&rs->s);
	struct check_pass *c = check_begin(rs, !bill);

	return check_end(c, run_plan(rs, e), e);
}

static int run_audit(struct run_state *rs, struct err *e)
{
	struct audit_options o = { NULL, NULL, NULL };
	struct audit_summary sum;
	char *plan_dir = path_join(rs->out, "plan");
	char *path = path_join(rs->out, "posture.csv");
	int rc;

	o.targets = &rs->targets;
	o.plan_dir = plan_dir;
	o.jobs = rs->have_audit_jobs ? &rs->audit_jobs : NULL;
	rc = audit_run(&rs->s, &o, path, &sum, e);
	if (rc == 0) {
		printf("\naudit (%s/posture.csv): %u of %u checks passed over "
		       "%zu vaults; failing: high %u, medium %u, low %u; mean "
		       "score %.0f/100\n",
		       rs->shown, sum.passed, sum.rows, sum.nvaults,
		       sum.fails[SEV_HIGH], sum.fails[SEV_MEDIUM],
		       sum.fails[SEV_LOW], sum.mean_score);
		audit_summary_release(&sum);
	}
	free(plan_dir);
	free(path);
	return rc;
}

static int run_report(struct run_state *rs, struct err *e)
{
	struct report_options o;
	struct report_summary sum;
	char *plan = path_join(rs->out, "plan");
	char *rpo = path_join(rs->out, "rpo_rto.csv");
	char *posture = path_join(rs->out, "posture.csv");
	char *dir = path_join(rs->out, "report");
	char *shown = path_join(rs->shown, "report");
	int rc;

	report_options_init(&o);
	o.plan_dir = plan;
	o.model_path = rs->model_path;
	o.rpo_path = rpo;
	o.audit_path = posture;
	o.previous = rs->cli->previous;
	o.staged = rs->out;
	o.shown = rs->shown;
	o.plan_risk = &rs->risk;
	o.rpo_rows = &rs->rpo;
	o.estate = rs->estate;
	rc = report_run(&rs->s, &o, dir, &sum, e);
	if (rc == 0) {
		for (size_t i = 0; i < sum.ncaveats; i++)
			if (strmap_get(&rs->said, sum.caveats[i], &(size_t){ 0 }))
				warnf("report: %s", sum.caveats[i]);
		printf("\n");
		report_summary_print(stdout, &sum, shown);
		report_summary_release(&sum);
	}
	free(shown);
	free(plan);
	free(rpo);
	free(posture);
	free(dir);
	return rc;
}

static int run_export(const struct run_cli *cli, const char *dir,
		      struct err *e)
{
	struct export_options o;

	export_options_init(&o);
	o.cloud = cli->cloud;
	o.subscriptions = cli->subs.items;
	o.nsubscriptions = cli->subs.n;
	o.sizes_file = cli->sizes;
	o.tiering_cost = cli->tiering_cost;
	o.costs = cli->export_costs;
	o.as_of = cli_common.as_of;
	return export_with_progress(&o, dir, e);
}

/* The snapshot to use (exported when that is the way), saying where it
 * comes from. The path in *out is the caller's to free. */
static int snapshot_dir(const struct run_cli *cli, const char *out_dir,
			const char *shown, char **out, struct err *e)
{
	if (cli->snapshot) {
		*out = xstrdup(cli->snapshot);
		return 0;
	}
	if (cli->do_export || export_credentials_configured()) {
		*out = path_join(out_dir, "snapshot");
		notef("exporting from Azure into %s/snapshot", shown);
		return run_export(cli, *out, e);
	}
	*out = data_file("sample", e);
	if (!*out)
		return -1;
	notef("no Azure credentials and no --snapshot: running on the bundled "
	      "sample estate in %s",
	      *out);
	return 0;
}

/* After a failure: OUT stays as it was; an exported snapshot is kept
 * beside it, as OUT.snapshot, so that a rerun need not export again. */
static void abandon(struct run_state *rs)
{
	char *keep = xasprintf("%s.snapshot", rs->ro.final ? rs->ro.final
							 : rs->shown);
	char *marker = path_join(keep, OUTDIR_MARKER);
	bool had = access(marker, F_OK) == 0;

	run_out_abort(&rs->ro, keep);
	if (!had && access(marker, F_OK) == 0)
		notef("the exported snapshot is kept: rerun with --snapshot "
		      "%s to skip the export",
		      keep);
	free(marker);
	free(keep);
}

/* "vaultwise run --snapshot snap --out OUT", each argument a shell
 * word; caller frees. */
static char *command_line(int argc, char **argv)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "vaultwise");
	for (int i = 0; i < argc; i++) {
		strbuf_addch(&sb, ' ');
		strbuf_add_shell_word(&sb, argv[i]);
	}
	return strbuf_detach(&sb);
}

/* Every stage streams the same points and jobs: they are read, checked
 * and verified once, and replayed to the stages after the first. The
 * points are read on the other core while the first stage reads the
 * jobs. */
static int open_snapshot(struct run_state *rs, const char *dir,
			 struct err *e)
{
	if (cli_open_snapshot(&rs->s, dir, e))
		return -1;
	snapshot_read_points_ahead(&rs->s);
	return 0;
}

static int run_stages(struct run_state *rs, struct err *e)
{
	char *snap = NULL;
	char *targets = rs->cli->targets
				? xstrdup(rs->cli->targets)
				: data_file("targets.example.csv", e);
	/* inputs first: a bad one leaves nothing behind */
	int rc = !targets || targets_load(&rs->targets, targets, e) ||
		 run_out_begin(&rs->ro, rs->shown, e);

	if (!rc) {
		rs->out = rs->ro.stage;
		rc = snapshot_dir(rs->cli, rs->out, rs->shown, &snap, e) ||
		     open_snapshot(rs, snap, e);
		rs->snap_shown = shown_path(rs, snap);
		rc = rc || run_fit(rs, e) || run_plan_check(rs, e) ||
		     run_audit(rs, e) ||
		     run_report(rs, e) ||
		     run_out_commit(&rs->ro, rs->command, e);
	}
	if (rc)
		abandon(rs);
	apply_lock_release(rs->plan_lock);
	free(snap);
	free(targets);
	return rc ? -1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_cli cli = { 0 };
	struct run_state rs;
	struct opt_list args;
	struct err e = ERR_INIT;
	int rc = cli_parse(&run_doc, run_specs, &cli, argc, argv, &args);

	free(args.items);
	if (rc != CLI_RUN)
		goto done;
	if (cli.snapshot && cli.do_export) {
		rc = usage_error("run", "--snapshot and --export exclude each "
					"other");
		goto done;
	}
	memset(&rs, 0, sizeof(rs));
	rs.cli = &cli;
	rs.plan_lock = -1;
	rs.shown = cli.out ? cli.out : "out";
	rs.command = command_line(argc, argv);
	if (run_stages(&rs, &e)) {
		errorf("%s", e.msg);
		rc = e.code;
	} else {
		printf("\nresults in %s/\n", rs.shown);
		rc = 0;
	}
	snapshot_release(&rs.s);
	targets_release(&rs.targets);
	restore_model_free(rs.model);
	free(rs.model_path);
	free(rs.model_shown);
	free(rs.snap_shown);
	free(rs.command);
	strmap_release(&rs.said);
	strpool_release(&rs.said_pool);
	plan_risk_release(&rs.risk);
	rep_rpo_release(&rs.rpo);
	audit_jobs_release(&rs.audit_jobs);
	report_estate_free(rs.estate);
done:
	free(cli.subs.items);
	return rc;
}
