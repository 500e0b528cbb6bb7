/* SPDX-License-Identifier: MIT
 * test_restore_scan.c: the fit's own read of recovery_points.csv, cut in
 * chunks read on two threads, gives fn what one reader gives it (the same
 * items with the same points in the same order, and the rows counted) at
 * every chunk size: plain and CRLF files, quoted line ends whose next
 * line looks like another item's row near a cut, one item only, a file
 * too small to cut; and an error anywhere (a bad value, an item seen
 * before, an unknown item, bad quoting) is reported as one reader
 * reports it, on the same line. The enums are read in any case, each
 * row's own, though the reader tries the row before's name first. */
#include "testsnap.h"

#include "models/restore/restore_scan.h"

#define NITEMS 40
#define AT 1793491200 /* 2026-11-01T00:00:00Z */
#define HEADER "rp_id,item_id,rp_time,rp_kind,tier,expiry_time,move_info"

static char item_ids[NITEMS][16]; /* room for any int: -O1 checks */

/* A snapshot of NITEMS items, i-00 to i-39, opened into s, its
 * recovery_points.csv then replaced by content; returns its directory. */
static char *snapshot_with(struct snapshot *s, const char *content)
{
	static int seq;
	char *name = xasprintf("snap%d", seq++), *dir = test_path(name);
	char *file = xasprintf("%s/recovery_points.csv", dir);
	struct snapshot_writer sw;
	struct policy p = test_policy("p-1", "v-1", "daily");
	struct err e = ERR_INIT;
	FILE *f;

	assert_int_equal(snapshot_writer_begin(&sw, dir, &e), 0);
	test_put_vault(&sw, "v-1", "vault1");
	snapshot_put_policy(&sw, &p);
	for (int i = 0; i < NITEMS; i++) {
		struct item it = test_item(item_ids[i], "v-1", "p-1",
					   item_ids[i]);
		snapshot_put_item(&sw, &it);
	}
	test_commit_snapshot(&sw, AT);
	if (snapshot_open(s, dir, &e))
		fail_msg("%s", e.msg);
	f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, strlen(content), f),
			 strlen(content));
	assert_int_equal(fclose(f), 0);
	free(file);
	free(name);
	return dir;
}

static int collect(void *ctx, const struct item *it, const struct rp *rps,
		   size_t n, struct err *e)
{
	struct strbuf *sb = ctx;

	(void)e;
	strbuf_addf(sb, "%s:", it->item_id);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, " %s@%lld/%d/%d/%lld", rps[i].rp_id,
			    (long long)rps[i].rp_time, rps[i].kind,
			    rps[i].tier, (long long)rps[i].expiry_time);
	strbuf_addch(sb, '\n');
	return 0;
}

/* What fn got from s's points read in chunks of about chunk bytes (0:
 * by one reader), and the rows counted; or "error: " and the message. */
static char *read_in(struct snapshot *s, uint64_t chunk, uint64_t *rows)
{
	struct restore_scan sc;
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT, e2 = ERR_INIT;
	int rc;

	assert_int_equal(restore_scan_start(&sc, s, &e), 0);
	sc.chunk_bytes = chunk ? chunk : UINT64_MAX / 2;
	rc = restore_scan_points(&sc, collect, &sb, &e);
	*rows = sc.rows[RSCAN_RPS];
	restore_scan_finish(&sc, -1, &e2); /* the manifest is not checked */
	if (!rc)
		return strbuf_detach(&sb);
	strbuf_release(&sb);
	return xasprintf("error: %s", e.msg);
}

/* Every chunk size, from one byte to the file's, gives what one reader
 * gives; returns that. */
static char *same_at_every_size(struct snapshot *s, size_t size)
{
	uint64_t rows, want_rows;
	char *want = read_in(s, 0, &want_rows);

	for (uint64_t step = 1; step <= size; step += 1 + step / 8) {
		char *got = read_in(s, step, &rows);
		if (strcmp(got, want))
			fail_msg("chunks of %llu bytes:\n%s\ninstead of\n%s",
				 (unsigned long long)step, got, want);
		if (strncmp(want, "error: ", 7) && rows != want_rows)
			fail_msg("chunks of %llu bytes: %llu rows, not %llu",
				 (unsigned long long)step,
				 (unsigned long long)rows,
				 (unsigned long long)want_rows);
		free(got);
	}
	return want;
}

/* A point of item i: its id, day and kind; note (NULL: none) quoted. */
static void put_row(struct strbuf *sb, int i, int id, int day,
		    const char *note, const char *eol)
{
	strbuf_addf(sb, "r%d,%s,2026-%02d-%02dT01:00:00Z,%s,Standard,"
		    "2027-01-01T00:00:00Z,", id, item_ids[i], 1 + day / 28,
		    1 + day % 28, day % 7 ? "daily" : "weekly");
	if (note)
		strbuf_addf(sb, "\"%s\"", note);
	strbuf_addf(sb, "%s", eol);
}

/* items from..to-1, one to six points each, out of time order in some;
 * the row numbered quote_at gets note. */
static void put_items(struct strbuf *sb, int from, int to, const char *eol,
		      int quote_at, const char *note)
{
	int id = 0;

	for (int i = from; i < to; i++)
		for (int k = 0; k < 1 + i % 6; k++, id++)
			put_row(sb, i, id, (k * 37 + i) % 300,
				id == quote_at ? note : NULL, eol);
}

static void check(const char *content, bool want_error)
{
	struct snapshot s;
	char *dir = snapshot_with(&s, content);
	char *want = same_at_every_size(&s, strlen(content));

	if ((strncmp(want, "error: ", 7) == 0) != want_error)
		fail_msg("%s", want);
	free(want);
	snapshot_release(&s);
	free(dir);
}

static void test_restore_scan__chunks_give_what_one_reader_gives(
	void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_adds(&sb, HEADER "\n");
	put_items(&sb, 0, NITEMS, "\n", -1, NULL);
	check(sb.buf, false);
	/* CRLF, as vaultwise writes; then with blank lines */
	strbuf_reset(&sb);
	strbuf_adds(&sb, HEADER "\r\n");
	put_items(&sb, 0, NITEMS, "\r\n", -1, NULL);
	check(sb.buf, false);
	strbuf_reset(&sb);
	strbuf_adds(&sb, HEADER "\r\n\r\n");
	put_items(&sb, 0, NITEMS / 2, "\r\n", -1, NULL);
	strbuf_adds(&sb, "\r\n");
	put_items(&sb, NITEMS / 2, NITEMS, "\r\n", -1, NULL);
	check(sb.buf, false);
	/* one item */
	strbuf_reset(&sb);
	strbuf_adds(&sb, HEADER "\n");
	for (int k = 0; k < 60; k++)
		put_row(&sb, 3, k, (k * 53) % 300, NULL, "\n");
	check(sb.buf, false);
	strbuf_release(&sb);
}

/* Line starts inside quoted fields, whose text looks like rows of other
 * items, near the middle and elsewhere: a cut there is found out. */
static void test_restore_scan__quoted_line_ends_near_a_cut(void **state)
{
	static const char *const notes[] = {
		"moved\nr900,i-39,2026-01-01T01:00:00Z,daily,Standard,,x\n"
		"r901,i-38,2026-01-01T01:00:00Z,daily,Standard,,x",
		"a\r\nb,\"\"c\"\"\r\nr9,i-01,2026-02-01T01:00:00Z,weekly",
	};
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (size_t n = 0; n < ARRAY_SIZE(notes); n++)
		for (int at = 0; at < 120; at += 9) {
			strbuf_reset(&sb);
			strbuf_adds(&sb, HEADER "\n");
			put_items(&sb, 0, NITEMS, "\n", at, notes[n]);
			check(sb.buf, false);
		}
	strbuf_release(&sb);
}

/* Kinds and tiers change from row to row and come in any case: each row
 * gets its own. */
static void test_restore_scan__enums_of_each_row(void **state)
{
	static const char content[] =
		HEADER "\n"
		"a,i-00,2026-01-01T00:00:00Z,daily,Standard,,\n"
		"b,i-00,2026-01-02T00:00:00Z,Daily,Archive,,\n"
		"c,i-00,2026-01-03T00:00:00Z,WEEKLY,archive,,\n"
		"d,i-00,2026-01-04T00:00:00Z,weekly,Standard,,\n"
		"e,i-01,2026-01-05T00:00:00Z,monthly,Snapshot,,\n"
		"f,i-01,2026-01-06T00:00:00Z,daily,SnapshotAndStandard,,\n";
	struct snapshot s;
	char *dir = snapshot_with(&s, content), *got;
	uint64_t rows;

	(void)state;
	got = read_in(&s, 0, &rows);
	assert_string_equal(got, "i-00: a@1767225600/0/1/-9223372036854775808"
				 " b@1767312000/0/3/-9223372036854775808"
				 " c@1767398400/1/3/-9223372036854775808"
				 " d@1767484800/1/1/-9223372036854775808\n"
				 "i-01: e@1767571200/2/0/-9223372036854775808"
				 " f@1767657600/0/2/-9223372036854775808\n");
	assert_int_equal(rows, 6);
	free(got);
	snapshot_release(&s);
	free(dir);
}

/* The error one reader reports, on its line, at every chunk size; the
 * bad row in the second half. */
static void expect_error(const char *bad_row, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	struct snapshot s;
	char *dir, *got, *msg;
	size_t lines = 1;

	strbuf_adds(&sb, HEADER "\n");
	put_items(&sb, 0, 30, "\n", 20, "two\nlines");
	for (size_t i = 0; i < sb.len; i++)
		lines += sb.buf[i] == '\n';
	strbuf_adds(&sb, bad_row);
	put_items(&sb, 30, NITEMS, "\n", -1, NULL);
	dir = snapshot_with(&s, sb.buf);
	got = same_at_every_size(&s, sb.len);
	msg = xasprintf("error: %s/recovery_points.csv:%zu: %s", dir, lines,
			want);
	assert_string_equal(got, msg);
	free(msg);
	free(got);
	snapshot_release(&s);
	free(dir);
	strbuf_release(&sb);
}

static void test_restore_scan__errors_name_the_line_one_reader_names(
	void **state)
{
	(void)state;
	expect_error("r1,i-30,2026-13-01T00:00:00Z,daily,Standard,,\n",
		     "column 'rp_time': expected an ISO 8601 UTC time such "
		     "as 2026-11-01T08:00:00Z, got '2026-13-01T00:00:00Z'");
	expect_error("r1,i-02,2026-01-01T00:00:00Z,daily,Standard,,\n",
		     "column 'item_id': expected rows grouped by item_id "
		     "(this item appeared earlier, before rows of other "
		     "items), got 'i-02'");
	expect_error("r1,i-99,2026-01-01T00:00:00Z,daily,Standard,,\n",
		     "column 'item_id': expected an id listed in items.csv, "
		     "got 'i-99'");
	expect_error("r1,i-30,2026-01-01T00:00:00Z,da\"ily,Standard,,\n",
		     "malformed CSV (error parsing data while strict "
		     "checking enabled): a quote inside an unquoted field, "
		     "or text after a closing quote");
	/* after rows of known kinds, the name tried first */
	expect_error("r1,i-30,2026-01-02T00:00:00Z,dayly,Standard,,\n",
		     "column 'rp_kind': expected one of daily, weekly, "
		     "monthly, yearly, full, differential, log, got 'dayly'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_restore_scan__chunks_give_what_one_reader_gives),
		cmocka_unit_test(test_restore_scan__quoted_line_ends_near_a_cut),
		cmocka_unit_test(test_restore_scan__enums_of_each_row),
		cmocka_unit_test(
			test_restore_scan__errors_name_the_line_one_reader_names),
	};
	int rc;

	for (int i = 0; i < NITEMS; i++)
		snprintf(item_ids[i], sizeof(item_ids[i]), "i-%02d", i);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_scratch_cleanup();
	return rc;
}
