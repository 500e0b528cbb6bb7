/* SPDX-License-Identifier: MIT
 * fuzz_snapshot.c: libFuzzer target for the snapshot reader through its
 * public entry points (optimizer/snapshot/snapshot.h): snapshot_open (manifest and
 * the four small tables, their values and references), then
 * snapshot_each_rp, snapshot_each_item_rps and snapshot_each_job. A
 * scratch snapshot is made once from tests/data/tiny-snapshot with a
 * manifest that lists no SHA-256 or row counts (as a hand-made snapshot
 * may); each input's first byte picks which of its six CSV files the rest
 * replaces, the others staying valid. Files only in the fuzzer's scratch
 * directory. */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "fuzzutil.h"
#include "optimizer/base/timeutil.h"

#define TINY "tests/data/tiny-snapshot/"

static const char manifest[] =
	"{\"format_version\":1,\"source\":\"csv\","
	"\"exported_at\":\"2026-11-01T00:00:00Z\","
	"\"tenant_id\":\"11111111-2222-4333-8444-555555555555\","
	"\"restore_jobs_from\":\"2025-11-01T00:00:00Z\","
	"\"backup_jobs_from\":\"2026-10-02T00:00:00Z\","
	"\"files\":{\"vaults.csv\":{},\"policies.csv\":{},\"items.csv\":{},"
	"\"recovery_points.csv\":{},\"jobs.csv\":{},\"guards.csv\":{}}}\n";

static char *originals[SF_COUNT];
static size_t original_len[SF_COUNT];
static char *paths[SF_COUNT];
static const char *dir;

/* A file of the tiny snapshot; the optional files it lacks (Backup vaults)
 * as their header alone. */
static char *tiny_file(const char *rel, const struct csv_schema *schema,
		       size_t *len)
{
	char *path = xasprintf("%s/../%s", VW_DATADIR, rel);
	struct strbuf sb = STRBUF_INIT;
	bool there = access(path, R_OK) == 0;

	free(path);
	if (there)
		return fuzz_read_tree(rel, len);
	for (size_t c = 0; c < schema->ncols; c++)
		strbuf_addf(&sb, "%s%s", c ? "," : "", schema->cols[c].name);
	strbuf_adds(&sb, "\r\n");
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* The scratch snapshot, its files kept to be put back. */
static void make_snapshot(void)
{
	dir = fuzz_scratch();
	free(fuzz_write("manifest.json", manifest, strlen(manifest)));
	for (int f = 0; f < SF_COUNT; f++) {
		char *rel = xasprintf(TINY "%s", snapshot_schemas[f]->file);
		originals[f] = tiny_file(rel, snapshot_schemas[f],
					 &original_len[f]);
		paths[f] = fuzz_write(snapshot_schemas[f]->file, originals[f],
				      original_len[f]);
		free(rel);
	}
}

struct walk {
	const struct snapshot *s;
	size_t n;
};

static void check_item(const struct snapshot *s, const struct item *it)
{
	if (it < s->items || it >= s->items + s->nitems ||
	    it->vault_idx >= s->nvaults ||
	    it->policy_idx >= (long)s->npolicies || it->policy_idx < -1)
		abort();
}

static int on_rp(void *ctx, const struct item *it, const struct rp *rp,
		 struct err *e)
{
	struct walk *w = ctx;

	(void)e;
	check_item(w->s, it);
	if (rp->kind < 0 || rp->kind >= RK_COUNT || rp->tier < 0 ||
	    rp->tier >= TIER_COUNT || rp->rp_time == TIME_NONE ||
	    !(rp->unique_gb >= 0) || !(rp->full_gb >= 0) ||
	    strcmp(rp->item_id, it->item_id) != 0)
		abort();
	w->n++;
	return 0;
}

static int on_item_rps(void *ctx, const struct item *it, const struct rp *rps,
		       size_t n, struct err *e)
{
	struct walk *w = ctx;

	(void)e;
	check_item(w->s, it);
	if (n == 0)
		abort();
	for (size_t i = 1; i < n; i++)
		if (rps[i].rp_time < rps[i - 1].rp_time)
			abort();
	w->n += n;
	return 0;
}

static int on_job(void *ctx, const struct item *it, const struct job *j,
		  struct err *e)
{
	struct walk *w = ctx;

	(void)e;
	if (it)
		check_item(w->s, it);
	(void)job_is_restore(j);
	(void)job_is_backup(j);
	(void)job_succeeded(j);
	w->n++;
	return 0;
}

static void walk(struct snapshot *s)
{
	struct walk a = { s, 0 }, b = { s, 0 }, c = { s, 0 };
	struct err e = ERR_INIT;
	int ra, rb;

	for (size_t i = 0; i < s->nitems; i++) {
		check_item(s, &s->items[i]);
		if (snapshot_find_item(s, s->items[i].item_id) != (long)i)
			abort();
	}
	ra = snapshot_each_rp(s, on_rp, &a, &e);
	err_clear(&e);
	rb = snapshot_each_item_rps(s, on_item_rps, &b, &e);
	/* both stream the same file: the same points, or both refuse; only
	 * the item grouping sees a point listed twice in its item */
	if (ra == 0 && rb != 0 &&
	    !strstr(e.msg, "expected one row per recovery point"))
		abort();
	if (ra != 0 && rb == 0)
		abort();
	if (ra == 0 && rb == 0 && a.n != b.n)
		abort();
	err_clear(&e);
	(void)snapshot_each_job(s, on_job, &c, &e);
}

static void run(const struct fuzz_input *in)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	int f = (int)(in->pick % SF_COUNT);

	fuzz_write_at(paths[f], in->data, in->size);
	memset(&s, 0, sizeof(s));
	if (snapshot_open(&s, dir, &e) == 0)
		walk(&s);
	else if (!e.code || !e.msg[0])
		abort();
	snapshot_release(&s);
	fuzz_write_at(paths[f], originals[f], original_len[f]);
}

const struct fuzz_target fuzz_target = {
	.pick = true, .setup = make_snapshot, .run = run,
};
