/* SPDX-License-Identifier: MIT
 * test_csvskip.c: the word filter's block scan (csvskip.c) under csvscan,
 * with each instruction set this CPU runs: the rows read with a word are
 * the rows of a plain read that hold it, on the same lines, and the rows
 * skipped are the others (empty ones not counted). At 64-byte block edges
 * (a quoted line end across blocks, a row ending on byte 63 or 64, CRLF,
 * the word split across blocks), in files shorter than a block, in random
 * files and in one longer than the read buffer; a NUL in a kept row is
 * refused as before. */
#include "testutil.h"

#include <strings.h>

#include "optimizer/base/csvscan.h"
#include "optimizer/base/csvskip.h"

#define WORD "backup"

static const int isas[] = { CSVSKIP_C, CSVSKIP_SSE2, CSVSKIP_AVX2,
			     CSVSKIP_AVX512 };

/* What a read gave: every row kept as "LINE:f1|f2|...\n", the rows
 * skipped, and the error if it failed. */
struct got {
	struct strbuf rows;
	uint64_t skipped;
	int rc;
	struct err e;
};

static void got_free(struct got *g)
{
	strbuf_release(&g->rows);
}

static bool holds_word(const struct csvscan *s)
{
	for (size_t i = 0; i < s->nfields; i++)
		for (const char *f = s->field[i]; *f; f++)
			if (strncasecmp(f, WORD, strlen(WORD)) == 0)
				return true;
	return false;
}

static void add_row(struct got *g, const struct csvscan *s)
{
	strbuf_addf(&g->rows, "%zu:", s->row_line);
	for (size_t i = 0; i < s->nfields; i++)
		strbuf_addf(&g->rows, "%s%s", i ? "|" : "", s->field[i]);
	strbuf_addch(&g->rows, '\n');
}

/* path after its header row: with isa >= 0 through csvskip (isa forced),
 * else every row read and those without the word counted as skipped.
 * hash: read into the buffer rather than mapped. */
static struct got scan(const char *path, int isa, bool hash)
{
	struct got g = { STRBUF_INIT, 0, 0, ERR_INIT };
	struct csvscan s;

	if (csvscan_open(&s, path, hash, &g.e)) {
		g.rc = -1;
		return g;
	}
	g.rc = csvscan_next(&s, &g.e);
	if (g.rc > 0 && isa >= 0) {
		csvscan_set_word(&s, WORD);
		s.isa = isa;
	}
	while (g.rc > 0 && (g.rc = csvscan_next(&s, &g.e)) > 0) {
		if (isa >= 0 || holds_word(&s))
			add_row(&g, &s);
		else
			g.skipped++;
	}
	if (isa >= 0)
		g.skipped = s.skipped;
	csvscan_close(&s);
	return g;
}

/* The file read with each instruction set, mapped and buffered, gives
 * what a plain read does; returns that (caller frees). */
static struct got same_as_plain(const char *path)
{
	struct got want = scan(path, -1, false);

	assert_int_equal(want.rc, 0);
	for (size_t i = 0; i < ARRAY_SIZE(isas); i++) {
		if (!csvskip_supported(isas[i]))
			continue;
		for (int hash = 0; hash < 2; hash++) {
			struct got g = scan(path, isas[i], hash);
			if (g.rc)
				fail_msg("isa %d: %s", isas[i], g.e.msg);
			assert_string_equal(g.rows.buf ? g.rows.buf : "",
					    want.rows.buf ? want.rows.buf : "");
			assert_int_equal(g.skipped, want.skipped);
			got_free(&g);
		}
	}
	return want;
}

static void expect(const char *name, const char *text, const char *rows,
		   uint64_t skipped)
{
	char *path = test_write_bytes(name, text, strlen(text));
	struct got g = same_as_plain(path);

	assert_string_equal(g.rows.buf ? g.rows.buf : "", rows);
	assert_int_equal(g.skipped, skipped);
	got_free(&g);
	free(path);
}

/* A row of n bytes before its line end (x's, then what is given). */
static void pad_row(struct strbuf *sb, size_t n, const char *tail)
{
	for (size_t i = strlen(tail); i < n; i++)
		strbuf_addch(sb, 'x');
	strbuf_adds(sb, tail);
}

/* Blocks start at the first row after the header ("h\n"): a row whose
 * LF is byte 62 to 65 of the block, LF or CRLF, then an empty CRLF row
 * across the edge, then a row with the word: it is read on line 4 (5
 * with the empty row), the others skipped. */
static void test_csvskip__row_ends_on_block_edges(void **state)
{
	(void)state;
	for (size_t at = 60; at <= 66; at++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			struct strbuf sb = STRBUF_INIT;
			strbuf_adds(&sb, "h\n");
			pad_row(&sb, at, crlf ? "\r" : "");
			strbuf_adds(&sb, "\ny\n" WORD ",1\nz");
			expect("edge.csv", sb.buf, "4:backup|1\n", 3);
			strbuf_reset(&sb);
			/* an empty row: its CR the block's last byte */
			strbuf_adds(&sb, "h\n");
			pad_row(&sb, at, crlf ? "\r" : "");
			strbuf_adds(&sb, "\n\r\n" WORD "\n");
			expect("blank.csv", sb.buf, "4:backup\n", 1);
			strbuf_release(&sb);
		}
	}
}

/* A quoted field holding line ends, commas and quotes from one block
 * into the next two: the row is one row, on the line it starts on, and
 * the lines after it are counted. */
static void test_csvskip__quotes_span_blocks(void **state)
{
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	for (size_t at = 50; at <= 70; at += 4) {
		strbuf_reset(&sb);
		strbuf_adds(&sb, "h\n");
		pad_row(&sb, at, ",\"");
		for (int i = 0; i < 3; i++)
			strbuf_adds(&sb, "a,\"\"b\r\nccccccccccccccccccccccc"
					 "cccccccccccccccccccccccccccccc\n");
		strbuf_adds(&sb, "\"\n2,\"quoted " WORD "\n\"\n3\n");
		strbuf_reset(&want);
		strbuf_adds(&want, "9:2|quoted backup\n\n");
		expect("span.csv", sb.buf, want.buf, 2);
	}
	/* the word inside a quoted field past the block's end */
	strbuf_reset(&sb);
	strbuf_adds(&sb, "h\n1,\"");
	pad_row(&sb, 70, "\n");
	strbuf_adds(&sb, "Backup\"\n");
	strbuf_reset(&want);
	strbuf_adds(&want, "2:1|");
	pad_row(&want, 70, "\n");
	strbuf_adds(&want, "Backup\n");
	expect("inside.csv", sb.buf, want.buf, 0);
	strbuf_release(&sb);
	strbuf_release(&want);
}

/* The word at every place across the block edge (its rarest pair, "ku",
 * split too), in any case; split by a line end it is not there. */
static void test_csvskip__word_split_across_blocks(void **state)
{
	(void)state;
	for (size_t at = 56; at <= 66; at++) {
		struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;

		strbuf_adds(&sb, "h\n");
		pad_row(&sb, at, "");
		strbuf_adds(&sb, "BackUp\nx\n");
		strbuf_addf(&want, "2:");
		pad_row(&want, at, "");
		strbuf_adds(&want, "BackUp\n");
		expect("split.csv", sb.buf, want.buf, 1);
		strbuf_reset(&sb);
		strbuf_adds(&sb, "h\n");
		pad_row(&sb, at, "");
		strbuf_adds(&sb, "back\nup,bac kup,backu\n");
		expect("broken.csv", sb.buf, "", 2);
		strbuf_release(&sb);
		strbuf_release(&want);
	}
}

/* Files shorter than a block, with and without a last line end. */
static void test_csvskip__files_shorter_than_a_block(void **state)
{
	(void)state;
	expect("s1.csv", "h\n" WORD, "2:backup\n", 0);
	expect("s2.csv", "h\nx", "", 1);
	expect("s3.csv", "h\n", "", 0);
	expect("s4.csv", "h\nx\r", "", 1);
	expect("s5.csv", "h\n\r", "", 0);
	expect("s6.csv", "h\r\nx\r\n\r\nBACKUP,\"a\"\r\n", "4:BACKUP|a\n", 1);
}

/* A NUL in a row with the word is refused, naming its line and field,
 * with each instruction set, also past a block's edge; one in a row
 * skipped is not looked at. */
static void test_csvskip__nul_in_kept_row_refused(void **state)
{
	static const char text[] = "h\nx,\0\n" WORD ",aaaaaaaaaaaaaaaaaaaaaaa"
				   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,b\0c\n";
	char *path = test_write_bytes("nul.csv", text, sizeof(text) - 1);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(isas); i++) {
		struct got g;
		if (!csvskip_supported(isas[i]))
			continue;
		g = scan(path, isas[i], false);
		assert_int_equal(g.rc, -1);
		assert_err(&g.e, EXIT_DATAERR,
			   "%s:3: field 3 holds a NUL byte", path);
		assert_int_equal(g.skipped, 1);
		got_free(&g);
	}
	free(path);
}

/* ---- random files ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
	return (unsigned)(test_xorshift(&rng) % n);
}

/* A field: empty, plain (never only spaces: such a row would be blank to
 * the reader but not to the filter) or quoted; its pieces near-misses of
 * the word as often as the word. */
static void random_field(struct strbuf *sb)
{
	static const char *const piece[] = {
		"backup", "BackUp", "backu", "ackup", "ku", "KU", "k", "u",
		"b p",    "x",      "ba",    "ckup", "12", "p", "bAcKuP",
	};
	static const char *const inside[] = { ",", "\"\"", "\n", "\r\n",
					      "\r", " " };
	unsigned kind = rnd(4), n = 1 + rnd(6);

	if (kind == 0)
		return;
	if (kind == 3)
		strbuf_addch(sb, '"');
	for (unsigned i = 0; i < n; i++)
		strbuf_adds(sb, kind == 3 && rnd(3) == 0
					? inside[rnd(ARRAY_SIZE(inside))]
					: piece[rnd(ARRAY_SIZE(piece))]);
	if (kind == 3)
		strbuf_addch(sb, '"');
}

static void random_rows(struct strbuf *sb, size_t rows)
{
	strbuf_adds(sb, "a,b\n");
	for (size_t r = 0; r < rows; r++) {
		unsigned n = rnd(10) ? 1 + rnd(8) : 0;
		for (unsigned f = 0; f < n; f++) {
			if (f)
				strbuf_addch(sb, ',');
			random_field(sb);
		}
		if (r + 1 < rows || rnd(3))
			strbuf_adds(sb, rnd(2) ? "\n" : "\r\n");
	}
}

/* Two thousand small random files: every block edge case above, mixed. */
static void test_csvskip__random_files_read_as_plain(void **state)
{
	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct strbuf sb = STRBUF_INIT;
		char *path;
		struct got g;

		random_rows(&sb, 1 + rnd(40));
		path = test_write_bytes("random.csv", sb.buf, sb.len);
		g = same_as_plain(path);
		got_free(&g);
		free(path);
		strbuf_release(&sb);
	}
}

/* Three megabytes: more than a call scans (1 MB) and more than the read
 * buffer holds (rows across its refills). */
static void test_csvskip__long_file_read_as_plain(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *path;
	struct got g;

	(void)state;
	random_rows(&sb, 200000);
	assert_true(sb.len > (3u << 20));
	path = test_write_bytes("long.csv", sb.buf, sb.len);
	g = same_as_plain(path);
	assert_true(g.skipped > 1000);
	assert_true(g.rows.len > 1000);
	got_free(&g);
	free(path);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csvskip__row_ends_on_block_edges),
		cmocka_unit_test(test_csvskip__quotes_span_blocks),
		cmocka_unit_test(test_csvskip__word_split_across_blocks),
		cmocka_unit_test(test_csvskip__files_shorter_than_a_block),
		cmocka_unit_test(test_csvskip__nul_in_kept_row_refused),
		cmocka_unit_test(test_csvskip__random_files_read_as_plain),
		cmocka_unit_test(test_csvskip__long_file_read_as_plain),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
