/* SPDX-License-Identifier: MIT
 * export_text.c: an export as people see it: the progress line on a
 * terminal (not with --no-progress, -q or JSON logs), then the summary and
 * the manifest's warnings on stderr. Used by `export` and `run`. */
#include "optimizer/cli/export_text.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "optimizer/cli/cli.h"
#include "optimizer/base/log.h"
#include "optimizer/snapshot/manifest.h"
#include "optimizer/base/util.h"

#define WARNINGS_SHOWN 10

struct progress_line {
	bool shown;
};

static void human_count(uint64_t v, char out[32])
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu",
			 (unsigned long long)v);
	int j = 0;

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = digits[i];
	}
	out[j] = '\0';
}

static void show_progress(void *ctx, const struct export_progress *p)
{
	struct progress_line *pl = ctx;
	char pts[32], eta[32] = "";

	human_count(p->points, pts);
	if (p->eta_s >= 0)
		snprintf(eta, sizeof(eta), ", ~%.0f s left", ceil(p->eta_s));
	fprintf(stderr,
		"\rvaults %zu/%zu, items %zu/%zu, points %s, %.1f req/s, "
		"%lu retries%s\033[K",
		p->vaults_done, p->vaults, p->items_done, p->items, pts,
		p->http.rate, p->http.retries, eta);
	fflush(stderr);
	pl->shown = true;
}

static void print_warnings(const char *out)
{
	struct manifest m;
	struct err e = ERR_INIT;
	char *path = path_join(out, "manifest.json");

	if (manifest_read(&m, path, &e) == 0 && m.nwarnings) {
		warnf("%zu warning%s (listed in %s):", m.nwarnings,
		      m.nwarnings == 1 ? "" : "s", path);
		for (size_t i = 0; i < m.nwarnings && i < WARNINGS_SHOWN; i++)
			warnf("%s", m.warnings[i]);
		if (m.nwarnings > WARNINGS_SHOWN)
			warnf("... and %zu more", m.nwarnings - WARNINGS_SHOWN);
	}
	manifest_release(&m);
	free(path);
}

/* What an export wrote of one kind of vault: "12 vaults, 30 policies,
 * 240 items, 1,234 recovery points and 567 jobs". */
static void add_counts(struct strbuf *sb, const char *vault, size_t vaults,
		       size_t policies, const char *unit, size_t units,
		       uint64_t points, uint64_t jobs)
{
	char pts[32], njobs[32];

	human_count(points, pts);
	human_count(jobs, njobs);
	strbuf_reset(sb);
	strbuf_addf(sb, "%zu %s%s, %zu polic%s, %zu %s%s, %s recovery points "
			"and %s jobs",
		    vaults, vault, vaults == 1 ? "" : "s", policies,
		    policies == 1 ? "y" : "ies", units, unit,
		    units == 1 ? "" : "s", pts, njobs);
}

static void print_summary(const char *out, const struct export_summary *s)
{
	struct strbuf sb = STRBUF_INIT;

	add_counts(&sb, "vault", s->vaults, s->policies, "item", s->items,
		   s->points, s->jobs);
	notef("exported %s from %zu subscription%s to '%s'", sb.buf,
	      s->subscriptions, s->subscriptions == 1 ? "" : "s", out);
	if (s->bvaults) {
		add_counts(&sb, "Backup vault", s->bvaults, s->bpolicies,
			   "instance", s->binstances, s->bpoints, s->bjobs);
		notef("and %s", sb.buf);
	}
	strbuf_release(&sb);
	notef("%lu requests (%lu retried, %lu throttled) in %.1f s; "
	      "credential: %s; item sizes: %s",
	      s->requests, s->retries, s->throttled, s->elapsed_s,
	      s->credential, s->sizes);
	if (s->costs >= 0)
		notef("costs.csv: %ld charge%s of the last full month from "
		      "Cost Management (billed, actual cost)",
		      s->costs, s->costs == 1 ? "" : "s");
	if (s->reused)
		notef("%lu job details taken from the --since snapshot instead "
		      "of read again", s->reused);
}


int export_with_progress(struct export_options *o, const char *out,
			 struct err *e)
{
	struct progress_line pl = { false };
	struct export_summary sum;
	int rc;

	if (isatty(2) && !cli_common.no_progress &&
	    log_get_level() >= LOG_NOTE && !log_is_json()) {
		o->progress = show_progress;
		o->progress_ctx = &pl;
	}
	rc = export_run(o, out, &sum, e);
	if (pl.shown)
		fprintf(stderr, "\r\033[K");
	if (rc)
		return rc;
	print_summary(out, &sum);
	print_warnings(out);
	return 0;
}
