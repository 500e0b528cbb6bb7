/* SPDX-License-Identifier: MIT
 * cmd_apply.c: `vaultwise apply PLANDIR [--yes]`: carries a plan out
 * against Azure (apply.h does the work), or shows what it would do; and
 * `apply --verify-journal FILE`. Prints the summary on stdout, progress
 * and problems on stderr. */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/apply/apply.h"
#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct apply_cli {
	const char *journal, *verify, *bucket, *what_if;
	struct scope_options scope;
	struct scope sc;
	struct cloud_options cloud;
	long concurrency, max;
	double poll, retry_budget;
	int yes, offline;
};

#define OFF(f) offsetof(struct apply_cli, f)
static const struct opt_spec opts[] = {
	{ "yes", 'y', OPT_FLAG, OFF(yes), NULL,
	  "carry the plan out (without it: a dry run that changes nothing)", 0,
	  0 },
	{ "journal", 0, OPT_STR, OFF(journal), "FILE",
	  "the journal to write and resume from (default PLANDIR/"
	  "apply.journal)", 0, 0 },
	{ "concurrency", 0, OPT_INT, OFF(concurrency), "N",
	  "requests in flight at once (default 8)", 1, 64 },
	{ "max", 0, OPT_INT, OFF(max), "N",
	  "send at most N moves and policy changes in this run", 0, 1e9 },
	{ "verify-journal", 0, OPT_STR, OFF(verify), "FILE",
	  "check a journal's hash chain and count its rows' states; no "
	  "PLANDIR", 0, 0 },
	{ "what-if", 0, OPT_STR, OFF(what_if), "FILE",
	  "dry run: also write every write it would send to FILE (CSV): "
	  "tiering and retention before and after, Resource Guard holds, "
	  "early-deletion exposure, rehydration delay", 0, 0 },
	{ "offline", 0, OPT_FLAG, OFF(offline), NULL,
	  "dry run from the plan alone, even with Azure credentials", 0, 0 },
	{ "write-bucket", 0, OPT_STR, OFF(bucket), "SIZE/RATE",
	  "writes per subscription: a burst of SIZE, then RATE per second "
	  "(default 200/10, ARM's)", 0, 0 },
	{ "poll-interval", 0, OPT_DOUBLE, OFF(poll), "SECONDS",
	  "between polls of an operation or job when Azure gives no "
	  "Retry-After (default 5)", 0, 600 },
	{ "retry-budget", 0, OPT_DOUBLE, OFF(retry_budget), "SECONDS",
	  "give up on a request failing this long (default 300)", 1, 86400 },
	OPT_CLOUD_CONNECTION(struct apply_cli, cloud),
	OPT_SCOPE(struct apply_cli, scope),
	OPT_SCOPE_TAG(struct apply_cli, scope),
	OPT_END,
};
#undef OFF

static const struct cmd_doc doc = {
	"apply", "PLANDIR [--yes] [options]",
	"Carry out a plan directory (vaultwise plan): move the recovery "
	"points of\nplan.csv that are due (move_now, and move_on whose date "
	"has come) to the\nArchive tier, and set the tieringPolicy of "
	"policy_changes.csv. Without --yes\nit is a dry run: counts per "
	"vault and policy and the projected saving, from\nthe plan alone, "
	"and with Azure credentials every point and policy re-read to\nsee "
	"that it is still ready; nothing is written, not even the journal.\n"
	"\nWith --yes each point is re-read first and skipped, with the "
	"reason, when it\nis already archived, not ready, expired or changed "
	"since the plan; each move\nis followed to its end. Every state "
	"change goes to the journal (hash-chained,\nfsync'd), so a run "
	"stopped at any moment resumes with the same command:\nnothing is "
	"done twice, nothing forgotten. Writes stay within ARM's write\n"
	"bucket. A change blocked by multi-user authorization is left\n"
	"needs_mua_approval (exit 75 at the end, rerun once approved); one "
	"that\nwould cut retention on a vault whose immutability is Locked "
	"is refused.\nPLANDIR/apply_results.csv holds every row's outcome. "
	"Needs Backup Contributor\n(the recoveryPoints/move and "
	"backupPolicies/write actions) on the vaults.\n--as-of sets the "
	"time that decides which moves are due and which points\nhave "
	"expired (default: now; with --yes, not later than now).\n\n"
	"One apply --yes per plan directory at a time (a lock on PLANDIR; "
	"a second\nexits 75 naming the first's pid). The journal is anchored "
	"in apply.journal.head\nand apply_results.csv, so a journal cut or "
	"rewritten fails to verify (65).\n--subscription, --vault, --policy "
	"and --workload take part of the plan;\n--what-if FILE writes the dry "
	"run's writes as CSV for an approver.\n\nExit 0 when every "
	"row is done, skipped or refused; 75 when rows are left\n(rerun); "
	"77 when Azure denied an action (its name is given) or refused the\n"
	"credential for the subscription.",
	"  vaultwise apply out/plan\n"
	"  vaultwise apply out/plan --yes\n"
	"  vaultwise apply out/plan --yes --max 500 --concurrency 16\n"
	"  vaultwise apply out/plan --yes --vault 'rsv-legacy-*'\n"
	"  vaultwise apply --verify-journal out/plan/apply.journal",
	0, 1
};

/* ---- progress and summary ---- */

struct progress_line {
	bool shown;
};

/* "42s", "3m05s", "1h02m". */
static void duration_text(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);

	if (t < 60)
		snprintf(out, n, "%lds", t);
	else if (t < 3600)
		snprintf(out, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(out, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
}

static void show_progress(void *ctx, const struct apply_progress *p)
{
	struct progress_line *pl = ctx;
	char elapsed[48], eta[64] = "ETA unknown";

	duration_text(p->elapsed_s, elapsed, sizeof(elapsed));
	if (p->eta_s >= 0) {
		strlcpy_vw(eta, "ETA ", sizeof(eta));
		duration_text(p->eta_s, eta + 4, sizeof(eta) - 4);
	}
	fprintf(stderr,
		"\rrows %ld/%ld ended (%.0f%%), %ld done, %ld being followed; "
		"%s elapsed, %s; %.1f req/s, %lu retries\033[K",
		p->ended, p->rows,
		p->rows ? 100.0 * (double)p->ended / (double)p->rows : 100.0,
		p->done, p->inflight, elapsed, eta, p->http.rate,
		p->http.retries);
	fflush(stderr);
	pl->shown = true;
}

static bool want_progress(void)
{
	return isatty(2) && !cli_common.no_progress && !log_is_json() &&
	       log_get_level() >= LOG_NOTE;
}

/* "12 done, 3 skipped" for the non-zero outcomes. */
static void outcome_list(const long *by, bool dry, char *out, size_t n)
{
	static const char *const words[AO_COUNT] = {
		"done", "skipped", "refused", "failed",
		"waiting for MUA approval", "in progress", "not started",
		"ready"
	};
	struct strbuf sb = STRBUF_INIT;

	for (int k = 0; k < AO_COUNT; k++) {
		if (!by[k] || (dry && k == AO_PENDING))
			continue;
		strbuf_addf(&sb, "%s%ld %s", sb.len ? ", " : "", by[k],
			    words[k]);
	}
	strlcpy_vw(out, sb.len ? sb.buf : "none", n);
	strbuf_release(&sb);
}

/* One line of print_groups. Vault and policy names, and the policy change
 * that quotes them, are input: no escape reaches the terminal. */
static void print_group_line(const struct apply_group *g, const char *moves,
			     const char *change)
{
	struct strbuf name = STRBUF_INIT, what = STRBUF_INIT;

	strbuf_add_printable(&name, g->policy_name ? g->policy_name
						    : g->vault_name);
	strbuf_add_printable(&what, change);
	if (g->policy_name)
		printf("    %-34s %-30s%s\n", name.buf, moves, what.buf);
	else
		printf("  %-36s %-30s%s\n", name.buf, moves, what.buf);
	strbuf_release(&name);
	strbuf_release(&what);
}

static void print_groups(const struct apply_summary *s)
{
	if (!s->ngroups)
		return;
	printf("per vault and policy (moves due and their saving; policy "
	       "change and its saving):\n");
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct apply_group *g = &s->groups[i];
		char moves[64] = "", change[320] = "";
		if (g->moves)
			snprintf(moves, sizeof(moves), "%5ld moves %10.2f %s",
				 g->moves, g->move_saving, s->currency);
		if (g->change)
			snprintf(change, sizeof(change), "  %s %.2f %s",
				 g->change, g->change_saving, s->currency);
		else if (!g->policy_name && g->change_saving)
			snprintf(change, sizeof(change),
				 "  policy changes %.2f %s", g->change_saving,
				 s->currency);
		print_group_line(g, moves, change);
	}
}

static void print_plan(const struct apply_summary *s, const char *dir)
{
	char when[DATE_ISO_LEN] = "?";

	if (s->plan_as_of != TIME_NONE)
		time_format_date(s->plan_as_of, when);
	printf("plan '%s' (made as of %s, money in %s)\n", dir, when,
	       s->currency[0] ? s->currency : "?");
	printf("  to do: %ld moves to Archive due now (%ld more are due "
	       "later), %ld policy change%s\n",
	       s->moves_due, s->moves_later, s->changes,
	       s->changes == 1 ? "" : "s");
	if (s->out_of_scope)
		printf("  %ld row%s left out: outside the scope asked for "
		       "(--subscription, --vault, --policy, --workload, "
		       "--tag)\n",
		       s->out_of_scope, s->out_of_scope == 1 ? "" : "s");
	if (s->merged)
		printf("  %ld row%s of plan.csv named a point already listed: "
		       "merged, moved and counted once\n",
		       s->merged, s->merged == 1 ? "" : "s");
	printf("  projected saving of the moves: %.2f %s over the moved "
	       "points' remaining lives %s\n",
	       s->move_saving, s->currency,
	       s->net_of_restores ? "net of the restores the model expects"
				  : "if none is restored");
	if (s->changes)
		printf("  projected saving of the policy changes: %.2f %s over "
		       "%d months against the current settings; it counts "
		       "many of the same points, so do not add the two\n",
		       s->change_saving, s->currency, s->horizon_months);
}

static void print_journal_state(const struct apply_summary *s)
{
	char moves[256], pols[256];

	outcome_list(s->moves, true, moves, sizeof(moves));
	outcome_list(s->policies, true, pols, sizeof(pols));
	if (access(s->journal_path, F_OK) == 0)
		printf("  journal '%s': moves: %s; policy changes: %s\n",
		       s->journal_path, moves, pols);
}

static void print_dry(const struct apply_summary *s, const char *dir)
{
	printf("dry run: nothing was changed (add --yes to apply)\n");
	print_plan(s, dir);
	print_journal_state(s);
	if (s->reread) {
		struct strbuf why = STRBUF_INIT;
		static const char *const names[] = {
			"already in Archive", "not ready for move", "expired",
			"changed since the plan", "no longer in Azure",
			"refused by Azure"
		};
		for (size_t k = 0; k < ARRAY_SIZE(names); k++)
			if (s->why_counts[k])
				strbuf_addf(&why, "%s%ld %s",
					    why.len ? ", " : " (",
					    s->why_counts[k], names[k]);
		if (why.len)
			strbuf_adds(&why, ")");
		printf("re-read in Azure: %ld of the points still ready to "
		       "move, %ld would be skipped%s; %ld policy change%s "
		       "ready\n",
		       s->moves[AO_READY],
		       s->moves[AO_DONE] + s->moves[AO_SKIPPED] +
			       s->moves[AO_FAILED],
		       why.buf, s->policies[AO_READY],
		       s->policies[AO_READY] == 1 ? "" : "s");
		strbuf_release(&why);
	} else {
		printf("not re-read in Azure (%s): run with Azure "
		       "credentials to check that every point is still "
		       "ready\n",
		       "offline");
	}
	print_groups(s);
}

static void print_applied(const struct apply_summary *s, const char *dir)
{
	char moves[256], pols[256];

	outcome_list(s->moves, false, moves, sizeof(moves));
	outcome_list(s->policies, false, pols, sizeof(pols));
	printf("applied plan '%s' (%s)\n", dir, s->credential);
	printf("  moves to Archive: %s", moves);
	if (s->already_archived)
		printf(" (%ld of them found already in Archive)",
		       s->already_archived);
	printf("\n  policy changes: %s\n", pols);
	printf("  this run: %ld write%s sent, %ld move%s completed", s->actions,
	       s->actions == 1 ? "" : "s", s->moved_now,
	       s->moved_now == 1 ? "" : "s");
	if (s->write_phase_s > 0)
		printf(" in %.1f s (%.1f per second)", s->write_phase_s,
		       (double)s->moved_now / s->write_phase_s);
	printf("; %lu requests, %lu retried, %lu throttled, %.1f s\n",
	       s->requests, s->retries, s->throttled, s->elapsed_s);
	printf("results: %s\njournal: %s\n", s->results_path, s->journal_path);
}

static long rows_left(const struct apply_summary *s)
{
	long n = 0;

	for (int k = 0; k < 2; k++) {
		const long *by = k ? s->policies : s->moves;
		n += by[AO_FAILED] + by[AO_MUA] + by[AO_IN_PROGRESS] +
		     by[AO_PENDING];
	}
	return n;
}

static int report_end(const struct apply_summary *s, bool dry)
{
	int rc = dry ? EXIT_NOPERM : apply_exit_status(s);
	long mua = s->moves[AO_MUA] + s->policies[AO_MUA];

	if (rc == EXIT_NOPERM && s->wrong_identity)
		errorf("apply: %s; check the tenant (AZURE_TENANT_ID), the "
		       "subscription and the credential, then rerun the same "
		       "command: no row was marked",
		       s->denied);
	else if (rc == EXIT_NOPERM)
		errorf("apply: %s; grant it (e.g. the Backup Contributor "
		       "role on the vault) and rerun the same command",
		       s->denied);
	if (mua)
		warnf("apply: %ld change%s need%s multi-user authorization: "
		      "request access to the critical operation in the "
		      "vault's Resource Guard, then rerun",
		      mua, mua == 1 ? "" : "s", mua == 1 ? "s" : "");
	if (!dry &&
	    (rc == EXIT_TEMPFAIL || (rc == EXIT_NOPERM && rows_left(s))))
		warnf("apply: %ld row%s left (see %s): rerun the same "
		      "command to go on",
		      rows_left(s), rows_left(s) == 1 ? "" : "s",
		      s->results_path);
	return rc;
}

/* ---- --verify-journal ---- */

static int verify(const char *path)
{
	struct apply_journal_info info;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (apply_verify_journal(path, &info, &e)) {
		errorf("apply: %s", e.msg);
		return e.code;
	}
	for (int i = 0; i < 8; i++) {
		const char *name = apply_journal_state_name(i);
		if (name && info.states[i])
			strbuf_addf(&sb, "%s%ld %s", sb.len ? ", " : "",
				    info.states[i], name);
	}
	printf("journal '%s' verified: %lu lines, hash chain intact, plan "
	       "SHA-256 %.16s...\n  %lu rows: %s\n",
	       path, info.lines, info.plan, info.rows,
	       sb.len ? sb.buf : "none yet");
	if (info.anchored)
		printf("  its length and last line match its head file "
		       "'%s.head'\n",
		       path);
	else
		printf("  no head file '%s.head' (a journal of an older "
		       "vaultwise): lines cut from its end cannot be told\n",
		       path);
	if (info.results_anchored)
		printf("  and the line apply_results.csv recorded is there, "
		       "unchanged\n");
	if (info.incomplete_tail)
		printf("  its last line was cut short by a crash; it was "
		       "never acknowledged and the next run removes it\n");
	strbuf_release(&sb);
	return 0;
}

/* ---- Ctrl-C ---- */

static volatile sig_atomic_t interrupted;

/* The first SIGINT or SIGTERM asks the run to stop cleanly; the handler
 * is then reset, so a second one stops it at once (which the journal
 * also makes safe). */
static void on_signal(int sig)
{
	static const char msg[] =
		"\nvaultwise: apply: stopping: the writes in flight are "
		"answered and journalled, then the results are written "
		"(interrupt again to stop at once; the next run resumes "
		"either way)\n";

	(void)sig;
	interrupted = 1;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		interrupted = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- the command ---- */

static int parse_bucket(const char *s, struct apply_options *o)
{
	char *copy, *slash;
	double size, rate;
	int rc = -1;

	copy = xstrdup(s);
	slash = strchr(copy, '/');
	if (slash) {
		*slash = '\0';
		if (!parse_double(copy, 1, 1e9, &size) &&
		    !parse_double(slash + 1, 0.01, 1e9, &rate)) {
			o->bucket_size = size;
			o->bucket_rate = rate;
			rc = 0;
		}
	}
	free(copy);
	return rc;
}

static int setup(struct apply_cli *c, struct apply_options *o,
		 const struct opt_list *args)
{
	if (args->n != 1)
		return usage_error("apply", "expected PLANDIR (or "
					    "--verify-journal FILE)");
	apply_options_init(o);
	o->plan_dir = args->items[0];
	o->journal = c->journal;
	o->yes = c->yes;
	o->offline = c->offline;
	if (c->concurrency)
		o->concurrency = (int)c->concurrency;
	if (c->max >= 0)
		o->max_actions = c->max;
	if (cli_scope("apply", &c->scope, &c->sc))
		return EXIT_USAGE;
	o->scope = &c->sc;
	if (c->what_if && c->yes)
		return usage_error("apply", "--what-if is a dry run's: leave "
					    "out --yes");
	o->what_if = c->what_if;
	if (c->bucket && parse_bucket(c->bucket, o))
		return usage_error("apply",
				   "--write-bucket: expected SIZE/RATE, e.g. "
				   "200/10, got '%s'",
				   c->bucket);
	if (c->poll >= 0)
		o->poll_interval_s = c->poll;
	if (c->retry_budget)
		o->retry_budget_s = c->retry_budget;
	o->now = cli_common.as_of;
	if (o->yes && o->now != TIME_NONE && o->now > (int64_t)time(NULL))
		return usage_error("apply",
				   "--yes with an --as-of later than now would "
				   "move points before they are due and take "
				   "live ones for expired; apply as of now, or "
				   "leave out --yes for a dry run as of then");
	o->cloud = c->cloud;
	return 0;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_cli c = { 0 };
	struct apply_options o;
	struct apply_summary sum;
	struct progress_line pl = { false };
	struct opt_list args = { 0 };
	struct err e = ERR_INIT;
	int rc;

	c.max = -1;
	c.poll = -1;
	memset(&sum, 0, sizeof(sum));
	rc = cli_parse(&doc, opts, &c, argc, argv, &args);
	if (rc != CLI_RUN)
		goto done;
	if (c.verify) {
		rc = args.n ? usage_error("apply", "--verify-journal takes no "
						   "PLANDIR")
			    : verify(c.verify);
		goto done;
	}
	rc = setup(&c, &o, &args);
	if (rc)
		goto done;
	if (want_progress()) {
		o.progress = show_progress;
		o.progress_ctx = &pl;
	}
	if (o.yes) {
		o.interrupted = &interrupted;
		catch_signals();
	}
	rc = apply_run(&o, &sum, &e);
	if (pl.shown)
		fprintf(stderr, "\r\033[K");
	if (rc == 0 || sum.results_path) {
		if (!o.yes && rc == 0)
			print_dry(&sum, o.plan_dir);
		else if (o.yes && (rc == 0 || sum.requests))
			print_applied(&sum, o.plan_dir);
	}
	if (rc) {
		errorf("apply: %s", e.msg);
		rc = e.code;
	} else if (o.yes || sum.stopped_denied) {
		rc = report_end(&sum, !o.yes);
	}
done:
	apply_summary_release(&sum);
	free(args.items);
	return rc;
}
