/* SPDX-License-Identifier: MIT
 * cmd_merge.c: `vaultwise merge --out DIR SNAPSHOT...`: joins the shards
 * of a sharded export (or any snapshots of disjoint subscriptions) into
 * one snapshot, byte for byte what a single export would have written:
 * rows go through snapbuild.h's canonical order (costs.csv's too, when
 * the shards have it) and the manifest is rebuilt the way export builds
 * it. */
#include <stdio.h>
#include <string.h>

#include "optimizer/cli/cli.h"
#include "optimizer/cli/commands.h"
#include "optimizer/base/err.h"
#include "optimizer/base/log.h"
#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapbuild.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct merge_cli {
	const char *out;
};

static const struct opt_spec opts[] = {
	{ "out", 0, OPT_STR, offsetof(struct merge_cli, out), "DIR",
	  "write the merged snapshot here (required)", 0, 0 },
	OPT_END,
};

static const struct cmd_doc doc = {
	"merge", "--out DIR SNAPSHOT...",
	"Join snapshots of disjoint subscriptions (the shards of `export "
	"--shard K/N`)\ninto one. The result is identical to a single "
	"export of all of them. A vault,\npolicy or item found in two "
	"inputs is an error (exit 65).",
	"  vaultwise merge --out snap shard0 shard1 shard2", 1, 1024
};

/* Jobs of one item arrive together; they are handed over per item. */
struct job_batch {
	struct snapbuild *b;
	struct job *jobs;
	size_t n, alloc;
	struct strpool pool;
	const char *item;   /* of the jobs held, in pool */
};

static int flush_jobs(struct job_batch *jb, struct err *e)
{
	int rc = jb->n ? snapbuild_jobs(jb->b, jb->jobs, jb->n, e) : 0;

	jb->n = 0;
	jb->item = NULL;
	strpool_reset(&jb->pool);
	return rc;
}

static int take_job(void *ctx, const struct item *it, const struct job *j,
		    struct err *e)
{
	struct job_batch *jb = ctx;
	struct job *c;
	const char *item = it ? it->item_id : "";

	if (jb->item && strcmp(jb->item, item) != 0 && flush_jobs(jb, e))
		return -1;
	if (!jb->item)
		jb->item = strpool_dup(&jb->pool, item);
	jb->jobs = grow_array(jb->jobs, sizeof(*c), jb->n + 1, &jb->alloc);
	c = &jb->jobs[jb->n++];
	*c = *j;
	c->job_id = strpool_dup(&jb->pool, j->job_id);
	c->vault_id = strpool_dup(&jb->pool, j->vault_id);
	c->item_id = jb->item;
	c->operation = strpool_dup(&jb->pool, j->operation);
	c->status = strpool_dup(&jb->pool, j->status);
	c->source_tier = strpool_dup(&jb->pool, j->source_tier);
	c->error_code = strpool_dup(&jb->pool, j->error_code);
	/* Vault-level jobs may come in any grouping: hand them one by one. */
	if (!it)
		return flush_jobs(jb, e);
	return 0;
}

static int take_rps(void *ctx, const struct item *it, const struct rp *rps,
		    size_t n, struct err *e)
{
	return snapbuild_item_rps(ctx, it->item_id, rps, n, e);
}

static int add_tables(struct snapbuild *b, const struct snapshot *s,
		      struct err *e)
{
	for (size_t i = 0; i < s->nvaults; i++)
		if (snapbuild_vault(b, &s->vaults[i], e))
			return -1;
	for (size_t i = 0; i < s->npolicies; i++)
		if (snapbuild_policy(b, &s->policies[i], e))
			return -1;
	for (size_t i = 0; i < s->nitems; i++)
		if (snapbuild_item(b, &s->items[i], e))
			return -1;
	for (size_t i = 0; i < s->bv.nvaults; i++)
		if (snapbuild_bvault(b, &s->bv.vaults[i], e))
			return -1;
	for (size_t i = 0; i < s->bv.npolicies; i++)
		if (snapbuild_bpolicy(b, &s->bv.policies[i], e))
			return -1;
	for (size_t i = 0; i < s->bv.ninstances; i++)
		if (snapbuild_binstance(b, &s->bv.instances[i], e))
			return -1;
	for (size_t i = 0; i < s->nguards; i++)
		if (snapbuild_guard(b, &s->guards[i], e))
			return -1;
	return 0;
}

static int take_cost(void *ctx, const struct cost_row *r, struct err *e)
{
	(void)e;
	snapbuild_cost(ctx, r);
	return 0;
}

static int take_brp(void *ctx, const struct binstance *bi,
		    const struct brp *rp, struct err *e)
{
	(void)bi;
	(void)e;
	snapbuild_brp(ctx, rp);
	return 0;
}

static int take_bjob(void *ctx, const struct binstance *bi,
		     const struct bjob *j, struct err *e)
{
	(void)bi;
	(void)e;
	snapbuild_bjob(ctx, j);
	return 0;
}

/* An input's costs.csv (export --costs) goes into the merged one. */
static int add_costs(struct snapbuild *b, const struct snapshot *s,
		     struct err *e)
{
	int rc = bill_each_cost(s, take_cost, b, e);

	if (rc == 0)
		snapbuild_want_costs(b);
	return rc < 0 ? -1 : 0;
}

static int add_one(struct snapbuild *b, struct snapshot *s, struct err *e)
{
	struct job_batch jb = { b, NULL, 0, 0, STRPOOL_INIT, NULL };
	int rc = add_tables(b, s, e) ||
			 snapshot_each_item_rps(s, take_rps, b, e) ||
			 snapshot_each_job(s, take_job, &jb, e) ||
			 flush_jobs(&jb, e) ||
			 snapshot_each_brp(s, take_brp, b, e) ||
			 snapshot_each_bjob(s, take_bjob, b, e) ||
			 add_costs(b, s, e)
		 ? -1
		 : 0;

	free(jb.jobs);
	strpool_release(&jb.pool);
	return rc;
}

static bool listed(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* As export builds it: subscriptions and warnings sorted, the tenant
 * shared by every input that has subscriptions, the narrowest job
 * windows, the earliest export time. */
static void merged_manifest(struct manifest *m, struct snapshot *in, size_t n)
{
	char **subs = NULL, **warns = NULL;
	size_t nsubs = 0, nwarns = 0;
	const char *tenant = NULL, *source = NULL;
	bool tenant_mixed = false, source_mixed = false;

	manifest_init(m);
	for (size_t i = 0; i < n; i++) {
		const struct manifest *im = &in[i].manifest;
		const char *src = im->source ? im->source : "csv";

		if (source && strcmp(source, src) != 0)
			source_mixed = true;
		source = src;
		if (m->exported_at == TIME_NONE ||
		    im->exported_at < m->exported_at)
			m->exported_at = im->exported_at;
		if (im->restore_jobs_from > m->restore_jobs_from)
			m->restore_jobs_from = im->restore_jobs_from;
		if (im->backup_jobs_from > m->backup_jobs_from)
			m->backup_jobs_from = im->backup_jobs_from;
		if (im->nsubscriptions) {
			const char *t = im->tenant_id ? im->tenant_id : "";
			if (tenant && strcmp(tenant, t) != 0)
				tenant_mixed = true;
			tenant = t;
		}
		for (size_t k = 0; k < im->nsubscriptions; k++)
			if (!listed(subs, nsubs, im->subscriptions[k])) {
				subs = xrealloc(subs,
						(nsubs + 1) * sizeof(char *));
				subs[nsubs++] = im->subscriptions[k];
			}
		for (size_t k = 0; k < im->nwarnings; k++)
			if (!listed(warns, nwarns, im->warnings[k])) {
				warns = xrealloc(warns,
						 (nwarns + 1) * sizeof(char *));
				warns[nwarns++] = im->warnings[k];
			}
	}
	free(m->source);
	m->source = xstrdup(source_mixed || !source ? "merge" : source);
	m->tenant_id = xstrdup(tenant && !tenant_mixed ? tenant : "");
	if (nsubs)
		qsort(subs, nsubs, sizeof(char *), cmp_str);
	if (nwarns)
		qsort(warns, nwarns, sizeof(char *), cmp_str);
	for (size_t k = 0; k < nsubs; k++)
		manifest_add_subscription(m, subs[k]);
	for (size_t k = 0; k < nwarns; k++)
		manifest_add_warning(m, warns[k]);
	free(subs);
	free(warns);
}

static void note_time_spread(struct snapshot *in, size_t n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; i < n; i++) {
		if (in[i].manifest.exported_at < lo)
			lo = in[i].manifest.exported_at;
		if (in[i].manifest.exported_at > hi)
			hi = in[i].manifest.exported_at;
	}
	if (n > 1 && hi - lo > DAY_S)
		warnf("the inputs were exported %.1f days apart; the merged "
		      "snapshot takes the earliest time",
		      (double)(hi - lo) / DAY_S);
}

int cmd_merge(int argc, char **argv)
{
	struct merge_cli c = { 0 };
	struct opt_list args;
	struct snapshot *in = NULL;
	struct snapbuild *b = NULL;
	struct manifest m;
	struct err e = ERR_INIT;
	size_t opened = 0;
	int rc = cli_parse(&doc, opts, &c, argc, argv, &args);

	manifest_init(&m);
	if (rc != CLI_RUN)
		goto done;
	if (!c.out) {
		rc = usage_error("merge", "--out DIR is required");
		goto done;
	}
	in = xcalloc(args.n, sizeof(*in));
	for (; opened < args.n; opened++)
		if (snapshot_open(&in[opened], args.items[opened], &e)) {
			snapshot_release(&in[opened]);
			goto fail;
		}
	b = snapbuild_new(c.out, &e);
	if (!b)
		goto fail;
	for (size_t i = 0; i < args.n; i++)
		if (add_one(b, &in[i], &e))
			goto fail;
	note_time_spread(in, args.n);
	manifest_release(&m);
	merged_manifest(&m, in, args.n);
	if (snapbuild_commit(b, c.out, &m, &e))
		goto fail;
	notef("merged %zu snapshot%s into '%s'", args.n,
	      args.n == 1 ? "" : "s", c.out);
	rc = 0;
	goto done;
fail:
	errorf("merge: %s", e.msg);
	rc = e.code;
done:
	for (size_t i = 0; i < opened; i++)
		snapshot_release(&in[i]);
	free(in);
	snapbuild_free(b);
	manifest_release(&m);
	free(args.items);
	return rc;
}
