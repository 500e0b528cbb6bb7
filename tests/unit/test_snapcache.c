/* SPDX-License-Identifier: MIT
 * test_snapcache.c: kept snapshot rows (snapcache.h): a replay gives every
 * recovery point and job exactly as the CSV stream does, the CSV is not
 * read again once kept, a stream stopped early keeps nothing, and points
 * read ahead on a thread of their own come out the same, and are checked
 * against the manifest as the stream checks them. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "optimizer/sample/sample.h"
#include "optimizer/snapshot/snapcache.h"
#include "optimizer/snapshot/snapshot.h"

static char *estate(void)
{
	static char *dir;
	struct sample_options o;
	struct err e = ERR_INIT;

	if (dir)
		return dir;
	dir = test_path("estate");
	sample_options_init(&o);
	o.items = 60;
	if (sample_write(&o, dir, NULL, &e))
		fail_msg("sample_write: %s", e.msg);
	return dir;
}

static void open_snap(struct snapshot *s, bool keep)
{
	struct err e = ERR_INIT;

	if (snapshot_open(s, estate(), &e))
		fail_msg("snapshot_open: %s", e.msg);
	if (keep)
		snapshot_keep_rows(s);
}

static int note_rp(void *ctx, const struct item *it, const struct rp *rp,
		   struct err *e)
{
	(void)e;
	strbuf_addf(ctx, "%s|%s|%s|%s|%lld|%lld|%d|%d|%d|%a|%a|%d\n",
		    it->item_id, rp->item_id, rp->rp_id, rp->move_info,
		    (long long)rp->rp_time, (long long)rp->expiry_time,
		    rp->kind, rp->tier, rp->move_ready, rp->unique_gb,
		    rp->full_gb, rp->recommended);
	return 0;
}

static int note_job(void *ctx, const struct item *it, const struct job *j,
		    struct err *e)
{
	(void)e;
	strbuf_addf(ctx, "%s|%s|%s|%s|%s|%s|%s|%s|%lld|%lld|%lld|%a|%a\n",
		    it ? it->item_id : "-", j->job_id, j->vault_id, j->item_id,
		    j->operation, j->status, j->source_tier, j->error_code,
		    (long long)j->start_time, (long long)j->end_time,
		    (long long)j->rp_time, j->duration_s, j->data_gb);
	return 0;
}

/* Every row as text, streamed from s. */
static char *rows(struct snapshot *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;

	if (snapshot_each_rp(s, note_rp, &sb, &e) ||
	    snapshot_each_job(s, note_job, &sb, &e))
		fail_msg("stream: %s", e.msg);
	return strbuf_detach(&sb);
}

/* Moves the estate's streamed files away and back. */
static void hide_streamed(bool hide)
{
	static const char *const names[] = { "recovery_points.csv",
					     "jobs.csv" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *path = path_join(estate(), names[i]);
		char *away = xasprintf("%s.away", path);
		if (hide ? rename(path, away) : rename(away, path))
			fail_msg("cannot move %s", path);
		free(path);
		free(away);
	}
}

static void test_snapcache__replay_equals_the_csv(void **state)
{
	struct snapshot plain, kept;
	char *want, *first, *again;

	(void)state;
	open_snap(&plain, false);
	want = rows(&plain);
	assert_true(strlen(want) > 1000);
	open_snap(&kept, true);
	first = rows(&kept);
	hide_streamed(true); /* kept: the CSV files are not read again */
	again = rows(&kept);
	hide_streamed(false);
	assert_string_equal(first, want);
	assert_string_equal(again, want);
	snapshot_release(&plain);
	snapshot_release(&kept);
	free(want);
	free(first);
	free(again);
}

static void test_snapcache__points_read_ahead(void **state)
{
	struct snapshot plain, ahead, dropped;
	char *want, *got;

	(void)state;
	open_snap(&plain, false);
	want = rows(&plain);
	open_snap(&ahead, false);
	snapshot_read_points_ahead(&ahead);
	got = rows(&ahead);
	assert_true(snap_cache_ready(ahead.cache, SF_RPS));
	assert_string_equal(got, want);
	/* released while it reads: it stops, and nothing leaks */
	open_snap(&dropped, false);
	snapshot_read_points_ahead(&dropped);
	snapshot_release(&dropped);
	snapshot_release(&plain);
	snapshot_release(&ahead);
	free(want);
	free(got);
}

static int stop_at_third(void *ctx, const struct item *it,
			 const struct rp *rp, struct err *e)
{
	int *n = ctx;

	(void)it;
	(void)rp;
	if (++*n == 3)
		return err_set(e, EXIT_SOFTWARE, "stopped");
	return 0;
}

static int count_rp(void *ctx, const struct item *it, const struct rp *rp,
		    struct err *e)
{
	(void)it;
	(void)rp;
	(void)e;
	++*(uint64_t *)ctx;
	return 0;
}

static void test_snapcache__stopped_stream_keeps_nothing(void **state)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	int calls = 0;
	uint64_t n = 0;

	(void)state;
	open_snap(&s, true);
	assert_int_equal(snapshot_each_rp(&s, stop_at_third, &calls, &e), -1);
	assert_false(snap_cache_ready(s.cache, SF_RPS));
	assert_int_equal(snapshot_each_rp(&s, count_rp, &n, &e), 0);
	assert_true(snap_cache_ready(s.cache, SF_RPS));
	assert_int_equal(n, manifest_file(&s.manifest,
					  "recovery_points.csv")->rows);
	snapshot_release(&s);
}

/* Appends text to the estate's points file (a blank line leaves its
 * rows as they were, not its SHA-256), or cuts it back to size. */
static void edit_points(const char *text, long size)
{
	char *path = path_join(estate(), "recovery_points.csv");
	FILE *f = fopen(path, "ab");

	if (!f || fputs(text, f) < 0 || fclose(f) ||
	    (size >= 0 && truncate(path, size)))
		fail_msg("cannot edit %s", path);
	free(path);
}

static void test_snapcache__changed_points_read_ahead(void **state)
{
	struct snapshot s;
	struct err e = ERR_INIT;
	uint64_t n = 0;
	char *path = path_join(estate(), "recovery_points.csv");
	struct stat st;

	(void)state;
	if (stat(path, &st))
		fail_msg("cannot stat %s", path);
	open_snap(&s, false);
	edit_points("\r\n", -1);
	snapshot_read_points_ahead(&s);
	/* the read-ahead read every row, but its hash is not the
	 * manifest's: nothing kept, and the stream says what changed */
	assert_int_equal(snapshot_each_rp(&s, count_rp, &n, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "has changed since manifest.json"));
	assert_false(snap_cache_ready(s.cache, SF_RPS));
	edit_points("", (long)st.st_size);
	snapshot_release(&s);
	free(path);
}

static int teardown(void **state)
{
	(void)state;
	test_scratch_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapcache__replay_equals_the_csv),
		cmocka_unit_test(test_snapcache__stopped_stream_keeps_nothing),
		cmocka_unit_test(test_snapcache__points_read_ahead),
		cmocka_unit_test(test_snapcache__changed_points_read_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
