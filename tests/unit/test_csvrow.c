/* SPDX-License-Identifier: MIT
 * test_csvrow.c: csvscan's mask splitter (csvrow.c) with each instruction
 * set this CPU runs gives the fields, lines and errors of the per-field
 * scan (CSVSKIP_C, which never takes it): rows whose line end or comma
 * is on a 64-byte block's edge, CRLF, empty fields, blanks next to a
 * separator across an edge (trimmed), a quote or a NUL late in a row,
 * rows longer than the splitter takes, random files and one longer than
 * the read buffer. */
#include "testutil.h"

#include "optimizer/base/csvscan.h"
#include "optimizer/base/csvskip.h"

static const int isas[] = { CSVSKIP_C, CSVSKIP_SSE2, CSVSKIP_AVX2,
			     CSVSKIP_AVX512 };

/* What a read gave: every row as "LINE:f1|f2|...\n", and the error. */
struct got {
	struct strbuf rows;
	int rc;
	struct err e;
};

static struct got scan(const char *path, int isa)
{
	struct got g = { STRBUF_INIT, 0, ERR_INIT };
	struct csvscan s;

	if (csvscan_open(&s, path, false, &g.e)) {
		g.rc = -1;
		return g;
	}
	s.isa = isa;
	while ((g.rc = csvscan_next(&s, &g.e)) > 0) {
		strbuf_addf(&g.rows, "%zu:", s.row_line);
		for (size_t i = 0; i < s.nfields; i++)
			strbuf_addf(&g.rows, "%s%s", i ? "|" : "",
				    s.field[i]);
		strbuf_addch(&g.rows, '\n');
	}
	csvscan_close(&s);
	return g;
}

/* The file read with each instruction set gives what the per-field scan
 * gives; returns that (caller frees rows). */
static struct got same_as_c(const char *path)
{
	struct got want = scan(path, CSVSKIP_C);

	for (size_t i = 1; i < ARRAY_SIZE(isas); i++) {
		struct got g;
		if (!csvskip_supported(isas[i]))
			continue;
		g = scan(path, isas[i]);
		assert_int_equal(g.rc, want.rc);
		assert_string_equal(g.rows.buf ? g.rows.buf : "",
				    want.rows.buf ? want.rows.buf : "");
		if (want.rc < 0)
			assert_string_equal(g.e.msg, want.e.msg);
		strbuf_release(&g.rows);
	}
	return want;
}

static void expect(const char *text, size_t len, const char *rows)
{
	char *path = test_write_bytes("rows.csv", text, len);
	struct got g = same_as_c(path);

	if (g.rc)
		fail_msg("%s", g.e.msg);
	assert_string_equal(g.rows.buf ? g.rows.buf : "", rows);
	strbuf_release(&g.rows);
	free(path);
}

static void expect_error(const char *text, size_t len, const char *msg)
{
	char *path = test_write_bytes("bad.csv", text, len);
	struct got g = same_as_c(path);

	assert_int_equal(g.rc, -1);
	assert_err(&g.e, EXIT_DATAERR, "%s:%s", path, msg);
	strbuf_release(&g.rows);
	free(path);
}

static void add_x(struct strbuf *sb, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addch(sb, 'x');
}

/* Blocks start at a row's first byte: a row whose line end (LF, or CR
 * then LF) is its byte 62 to 65, and a comma on byte 63 or 64. */
static void test_csvrow__line_ends_and_commas_on_block_edges(void **state)
{
	(void)state;
	for (size_t at = 62; at <= 65; at++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
			add_x(&in, at - 2);
			strbuf_adds(&in, ",y");
			strbuf_adds(&in, crlf ? "\r\n" : "\n");
			strbuf_adds(&in, "a,,b\n");
			strbuf_adds(&want, "1:");
			add_x(&want, at - 2);
			strbuf_adds(&want, "|y\n2:a||b\n");
			expect(in.buf, in.len, want.buf);
			strbuf_release(&in);
			strbuf_release(&want);
		}
	}
	for (size_t at = 63; at <= 64; at++) {
		struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
		add_x(&in, at);
		strbuf_adds(&in, ",,z,\nlast");
		strbuf_adds(&want, "1:");
		add_x(&want, at);
		strbuf_adds(&want, "||z|\n2:last\n");
		expect(in.buf, in.len, want.buf);
		strbuf_release(&in);
		strbuf_release(&want);
	}
}

/* Blanks are trimmed next to a separator, also when the blank and the
 * separator are in different blocks, and kept inside a field. */
static void test_csvrow__blanks_trimmed_across_block_edges(void **state)
{
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	add_x(&in, 63);
	strbuf_adds(&in, " ,b c\n"); /* blank on byte 63, comma on 64 */
	add_x(&in, 63);
	strbuf_adds(&in, ",\tb\n");  /* comma on 63, tab on 64 */
	add_x(&in, 62);
	strbuf_adds(&in, ", d \n");   /* comma on 62, blanks on 63, 65 */
	for (int i = 0; i < 3; i++) {
		strbuf_addf(&want, "%d:", i + 1);
		add_x(&want, 63 - (i == 2));
		strbuf_adds(&want, i == 0 ? "|b c\n" : i == 1 ? "|b\n"
							      : "|d\n");
	}
	expect(in.buf, in.len, want.buf);
	strbuf_release(&in);
	strbuf_release(&want);
}

/* A quote or a NUL after the first block: the row is read by the other
 * paths, with their fields and their errors. */
static void test_csvrow__quote_or_nul_late_in_a_row(void **state)
{
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	add_x(&in, 100);
	strbuf_adds(&in, ",\"q,\n\"\"\",z\nnext,row\n");
	strbuf_adds(&want, "1:");
	add_x(&want, 100);
	strbuf_adds(&want, "|q,\n\"|z\n3:next|row\n");
	expect(in.buf, in.len, want.buf);
	strbuf_reset(&in);
	strbuf_adds(&in, "a,b\n");
	add_x(&in, 130);
	strbuf_adds(&in, ",y,z");
	strbuf_addch(&in, '\0');
	strbuf_adds(&in, "\n");
	expect_error(in.buf, in.len, "2: field 3 holds a NUL byte");
	strbuf_reset(&in);
	add_x(&in, 70);
	strbuf_adds(&in, ",a\"b\n");
	expect_error(in.buf, in.len, "1: malformed CSV (error parsing data "
		     "while strict checking enabled): a quote inside an "
		     "unquoted field, or text after a closing quote");
	strbuf_release(&in);
	strbuf_release(&want);
}

/* Rows of up to 16 blocks are split by masks, longer ones by the
 * per-field scan: both whole. */
static void test_csvrow__long_rows(void **state)
{
	static const size_t len[] = { 1022, 1023, 1024, 1025, 5000 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(len); i++) {
		struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
		add_x(&in, len[i] - 2);
		strbuf_adds(&in, ",y\nz");
		strbuf_adds(&want, "1:");
		add_x(&want, len[i] - 2);
		strbuf_adds(&want, "|y\n2:z\n");
		expect(in.buf, in.len, want.buf);
		strbuf_release(&in);
		strbuf_release(&want);
	}
}

/* ---- random files ---- */

static uint64_t rng = 0x2545f4914f6cdd1du;

static unsigned rnd(unsigned n)
{
	return (unsigned)(test_xorshift(&rng) % n);
}

/* Fields mostly plain, long and short, some with blanks at an edge,
 * a few quoted, a NUL once in a while. */
static void random_field(struct strbuf *sb)
{
	static const char *const piece[] = {
		"a", "bc", "def", "2026-11-01T08:00:00Z", "58.320", " ", "\t",
		"Recovery point cannot be moved", "x y", "i-1bb4cd5b24fc",
	};
	static const char *const inside[] = { ",", "\"\"", "\n", "\r\n",
					      "\r", " " };
	unsigned kind = rnd(12), n = 1 + rnd(5);

	if (kind == 0)
		return;
	if (kind == 1 && rnd(50) == 0) {
		strbuf_addch(sb, '\0');
		return;
	}
	if (kind == 2)
		strbuf_addch(sb, '"');
	for (unsigned i = 0; i < n; i++)
		strbuf_adds(sb, kind == 2 && rnd(3) == 0
					? inside[rnd(ARRAY_SIZE(inside))]
					: piece[rnd(ARRAY_SIZE(piece))]);
	if (kind == 2)
		strbuf_addch(sb, '"');
}

static void random_rows(struct strbuf *sb, size_t rows)
{
	for (size_t r = 0; r < rows; r++) {
		unsigned n = rnd(20) ? 1 + rnd(14) : 0;
		for (unsigned f = 0; f < n; f++) {
			if (f)
				strbuf_addch(sb, ',');
			random_field(sb);
		}
		if (r + 1 < rows || rnd(3))
			strbuf_adds(sb, rnd(4) ? "\n" : rnd(2) ? "\r\n"
							       : "\r");
	}
}

static void test_csvrow__random_files(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		struct strbuf sb = STRBUF_INIT;
		char *path;
		struct got g;

		random_rows(&sb, 1 + rnd(30));
		path = test_write_bytes("random.csv", sb.buf, sb.len);
		g = same_as_c(path);
		strbuf_release(&g.rows);
		free(path);
		strbuf_release(&sb);
	}
}

/* Three megabytes without NULs or quotes: rows across the read buffer's
 * refills (1 MB). */
static void test_csvrow__long_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *path;
	struct got g;

	(void)state;
	while (sb.len < (3u << 20)) {
		for (unsigned f = 0, n = 1 + rnd(14); f < n; f++) {
			strbuf_adds(&sb, f ? "," : "");
			add_x(&sb, rnd(40));
		}
		strbuf_addch(&sb, '\n');
	}
	path = test_write_bytes("long.csv", sb.buf, sb.len);
	g = same_as_c(path);
	assert_int_equal(g.rc, 0);
	assert_true(g.rows.len > (3u << 20));
	strbuf_release(&g.rows);
	free(path);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_csvrow__line_ends_and_commas_on_block_edges),
		cmocka_unit_test(
			test_csvrow__blanks_trimmed_across_block_edges),
		cmocka_unit_test(test_csvrow__quote_or_nul_late_in_a_row),
		cmocka_unit_test(test_csvrow__long_rows),
		cmocka_unit_test(test_csvrow__random_files),
		cmocka_unit_test(test_csvrow__long_file),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
