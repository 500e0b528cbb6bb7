/* SPDX-License-Identifier: MIT
 * csvio.c: the streaming CSV reader (libcsv callbacks, header mapping, line
 * tracking, typed getters) and the hashing, atomically renamed writer. */
#include "csvio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <openssl/evp.h>

#include "timeutil.h"
#include "util.h"

#define MAX_FIELD (1u << 20)   /* 1 MiB: no snapshot field is near this */
#define MAX_COLUMNS 512

struct reader {
	const char *path;
	const struct csv_schema *schema;
	csv_row_fn fn;
	void *ctx;
	struct err *e;
	int failed;

	size_t line;          /* line the parser is on */
	size_t row_line;      /* line the current row started on */
	size_t pending_nl;    /* newlines inside the current row's fields */
	int header_done;

	size_t nfile;         /* columns in the header */
	int *map;             /* file column -> schema column, or -1 */
	struct strbuf arena;  /* the current row's fields, NUL-separated */
	size_t *offsets;
	size_t offsets_alloc;
	size_t nfields;       /* fields seen in the current row */
	const char **val;     /* schema order, handed to fn */
	uint64_t rows;
};

/* A spreadsheet reads a cell starting with one of these as a formula. */
static bool formula_start(char c)
{
	return c && strchr("=+-@\t\r", c);
}

static int reader_fail(struct reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reader_fail(struct reader *r, int code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return err_set(r->e, code, "%s", msg);
}

static void field_too_long(struct reader *r)
{
	reader_fail(r, EXIT_DATAERR,
		    "%s:%zu: field %zu is longer than %u bytes", r->path,
		    r->line, r->nfields + 1, MAX_FIELD);
}

/* A NUL byte would cut the value short wherever it is used as a string
 * ("12\0 34" would read as 12): an error naming the line and the column. */
static void nul_in_field(struct reader *r, const char *p, const char *nul)
{
	size_t line = r->line + r->pending_nl;
	size_t i = r->nfields;
	char col[64];

	for (const char *q = p; q < nul; q++)
		line += *q == '\n';
	if (r->header_done && i < r->nfile && r->map[i] >= 0)
		snprintf(col, sizeof(col), "column '%s'",
			 r->schema->cols[r->map[i]].name);
	else
		snprintf(col, sizeof(col), "field %zu", i + 1);
	reader_fail(r, EXIT_DATAERR,
		    "%s:%zu: %s holds a NUL byte (character %zu of the "
		    "value): not text",
		    r->path, line, col, (size_t)(nul - p) + 1);
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	const char *p = s ? s : "";
	const char *nul = memchr(p, '\0', len);

	if (r->failed)
		return;
	if (r->nfields == 0)
		r->row_line = r->line;
	if (nul) {
		nul_in_field(r, p, nul);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\n')
			r->pending_nl++;
	if (len > MAX_FIELD) {
		field_too_long(r);
		return;
	}
	r->offsets = grow_array(r->offsets, sizeof(*r->offsets),
				r->nfields + 1, &r->offsets_alloc);
	r->offsets[r->nfields++] = r->arena.len;
	/* the writer's apostrophe against formula injection comes off */
	if (len >= 2 && p[0] == '\'' &&
	    (p[1] == '\'' || formula_start(p[1]))) {
		p++;
		len--;
	}
	strbuf_add(&r->arena, p, len);
	strbuf_addch(&r->arena, '\0');
}

static const char *field_at(struct reader *r, size_t i)
{
	return r->arena.buf + r->offsets[i];
}

static int map_header(struct reader *r)
{
	const struct csv_schema *s = r->schema;
	int *seen = xcalloc(s->ncols, sizeof(int));
	int rc = 0;

	r->nfile = r->nfields;
	if (r->nfile > MAX_COLUMNS) {
		free(seen);
		return reader_fail(r, EXIT_DATAERR,
				   "%s:%zu: header has %zu columns; at most %d "
				   "are allowed",
				   r->path, r->row_line, r->nfile, MAX_COLUMNS);
	}
	r->map = xmalloc(r->nfile * sizeof(int));
	for (size_t i = 0; i < r->nfile && !rc; i++) {
		const char *name = field_at(r, i);
		r->map[i] = -1;
		for (size_t c = 0; c < s->ncols; c++) {
			if (!str_eq_ci(name, s->cols[c].name))
				continue;
			if (seen[c])
				rc = reader_fail(r, EXIT_DATAERR,
						 "%s:%zu: column '%s' appears "
						 "twice in the header",
						 r->path, r->row_line, name);
			seen[c] = 1;
			r->map[i] = (int)c;
		}
	}
	for (size_t c = 0; c < s->ncols && !rc; c++)
		if ((s->cols[c].flags & CSV_REQUIRED) && !seen[c])
			rc = reader_fail(r, EXIT_DATAERR,
					 "%s:%zu: missing required column '%s' "
					 "in the header",
					 r->path, r->row_line, s->cols[c].name);
	free(seen);
	r->header_done = 1;
	return rc;
}

static void deliver_row(struct reader *r)
{
	struct csv_row row;

	if (r->nfields != r->nfile) {
		reader_fail(r, EXIT_DATAERR,
			    "%s:%zu: expected %zu fields as in the header, "
			    "found %zu",
			    r->path, r->row_line, r->nfile, r->nfields);
		return;
	}
	for (size_t c = 0; c < r->schema->ncols; c++)
		r->val[c] = "";
	for (size_t i = 0; i < r->nfile; i++)
		if (r->map[i] >= 0)
			r->val[r->map[i]] = field_at(r, i);
	row.path = r->path;
	row.line = r->row_line;
	row.schema = r->schema;
	row.val = r->val;
	r->rows++;
	if (r->fn(r->ctx, &row, r->e))
		r->failed = 1;
}

static void on_row_end(int c, void *data)
{
	struct reader *r = data;

	if (r->failed)
		return;
	if (r->nfields > 0) {
		if (!r->header_done)
			map_header(r);
		else
			deliver_row(r);
	}
	r->line += r->pending_nl;
	r->pending_nl = 0;
	if (c == '\n')
		r->line++;
	r->nfields = 0;
	strbuf_reset(&r->arena);
}

static void reader_release(struct reader *r)
{
	free(r->map);
	free(r->offsets);
	free(r->val);
	strbuf_release(&r->arena);
}

int csv_read(const char *path, const struct csv_schema *schema,
	     csv_row_fn fn, void *ctx, struct csv_file_info *info,
	     struct err *e)
{
	struct reader r = { 0 };
	struct csv_parser p;
	unsigned char buf[1 << 16];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *sha = NULL;
	uint64_t bytes = 0;
	FILE *f;
	size_t n;
	int first = 1;

	f = open_input(path, "", e);
	if (!f)
		return -1;
	if (csv_init(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI |
				 CSV_APPEND_NULL) != 0) {
		fclose(f);
		return err_set(e, EXIT_SOFTWARE, "cannot start the CSV parser");
	}
	r.path = path;
	r.schema = schema;
	r.fn = fn;
	r.ctx = ctx;
	r.e = e;
	r.line = 1;
	r.arena = (struct strbuf)STRBUF_INIT;
	r.val = xcalloc(schema->ncols, sizeof(*r.val));
	if (info) {
		sha = EVP_MD_CTX_new();
		if (!sha || EVP_DigestInit_ex(sha, EVP_sha256(), NULL) != 1)
			reader_fail(&r, EXIT_SOFTWARE, "cannot start SHA-256");
	}

	while (!r.failed && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		unsigned char *start = buf;

		if (sha)
			EVP_DigestUpdate(sha, buf, n);
		bytes += n;
		if (first && n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB &&
		    buf[2] == 0xBF) {
			start += 3;
			n -= 3;
		}
		first = 0;
		if (csv_parse(&p, start, n, on_field, on_row_end, &r) != n &&
		    !r.failed)
			reader_fail(&r, EXIT_DATAERR,
				    "%s:%zu: malformed CSV (%s): a quote inside "
				    "an unquoted field, or text after a closing "
				    "quote",
				    path, r.line + r.pending_nl,
				    csv_strerror(csv_error(&p)));
		/* libcsv holds a field until it ends: stop a runaway one
		 * (an unclosed quote) here, not at the end of the file */
		if (!r.failed && p.entry_pos > MAX_FIELD)
			field_too_long(&r);
	}
	if (!r.failed && ferror(f)) {
		err_errno(e, EXIT_IOERR, "cannot read '%s'", path);
		r.failed = 1;
	}
	if (!r.failed && csv_fini(&p, on_field, on_row_end, &r) != 0 &&
	    !r.failed)
		reader_fail(&r, EXIT_DATAERR,
			    "%s:%zu: malformed CSV: a quoted field is not "
			    "closed before the end of the file",
			    path, r.line + r.pending_nl);
	if (!r.failed && !r.header_done)
		reader_fail(&r, EXIT_DATAERR,
			    "%s:1: empty file: expected a header row", path);
	if (!r.failed && info) {
		EVP_DigestFinal_ex(sha, md, &mdlen);
		hex_encode(md, mdlen, info->sha256);
		info->rows = r.rows;
		info->bytes = bytes;
	}
	EVP_MD_CTX_free(sha);
	csv_free(&p);
	fclose(f);
	reader_release(&r);
	return r.failed ? -1 : 0;
}

int row_error(const struct csv_row *r, int col, struct err *e,
	      const char *expected)
{
	const char *v = r->val[col];
	return err_set(e, EXIT_DATAERR,
		       "%s:%zu: column '%s': expected %s, got '%.60s%s'",
		       r->path, r->line, r->schema->cols[col].name, expected,
		       v, strlen(v) > 60 ? "..." : "");
}

/* 1 when the field is empty and allowed to be; -1 on error; 0 to parse. */
static int check_empty(const struct csv_row *r, int col, unsigned flags,
		       const char *what, struct err *e)
{
	if (r->val[col][0])
		return 0;
	if (flags & ROW_OPTIONAL)
		return 1;
	return row_error(r, col, e, what);
}

int row_str(const struct csv_row *r, int col, unsigned flags,
	    const char **out, struct err *e)
{
	int rc = check_empty(r, col, flags, "a value", e);

	if (rc)
		return rc < 0 ? -1 : 0;
	*out = r->val[col];
	return 0;
}

int row_long(const struct csv_row *r, int col, unsigned flags, long min,
	     long max, long *out, struct err *e)
{
	char what[96];
	int rc;

	/* the message is only formatted for an error: this runs per row */
	if (r->val[col][0] && parse_long(r->val[col], min, max, out) == 0)
		return 0;
	if (!r->val[col][0] && (flags & ROW_OPTIONAL))
		return 0;
	snprintf(what, sizeof(what), "an integer from %ld to %ld", min, max);
	rc = check_empty(r, col, flags, what, e);
	if (rc)
		return rc < 0 ? -1 : 0;
	return row_error(r, col, e, what);
}

int row_int(const struct csv_row *r, int col, unsigned flags, int min,
	    int max, int *out, struct err *e)
{
	long v = *out;

	if (row_long(r, col, flags, min, max, &v, e))
		return -1;
	*out = (int)v;
	return 0;
}

int row_double(const struct csv_row *r, int col, unsigned flags,
	       double min, double max, double *out, struct err *e)
{
	char what[96];
	int rc;

	if (r->val[col][0] && parse_double(r->val[col], min, max, out) == 0)
		return 0;
	if (!r->val[col][0] && (flags & ROW_OPTIONAL))
		return 0;
	/* %.15g: "1000000", not "1e+06", in a message a person reads */
	snprintf(what, sizeof(what), "a decimal number from %.15g to %.15g",
		 min, max);
	rc = check_empty(r, col, flags, what, e);
	if (rc)
		return rc < 0 ? -1 : 0;
	return row_error(r, col, e, what);
}

int row_time(const struct csv_row *r, int col, unsigned flags,
	     int64_t *out, struct err *e)
{
	static const char what[] =
		"an ISO 8601 UTC time such as 2026-11-01T08:00:00Z";
	int rc = check_empty(r, col, flags, what, e);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (time_parse_iso(r->val[col], 0, out))
		return row_error(r, col, e, what);
	return 0;
}

int row_bool(const struct csv_row *r, int col, unsigned flags, bool *out,
	     struct err *e)
{
	const char *v = r->val[col];
	int rc = check_empty(r, col, flags, "true or false", e);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (str_eq_ci(v, "true"))
		*out = true;
	else if (str_eq_ci(v, "false"))
		*out = false;
	else
		return row_error(r, col, e, "true or false");
	return 0;
}

int row_enum(const struct csv_row *r, int col, unsigned flags,
	     const char *const *names, int n, int *out, struct err *e)
{
	struct strbuf what = STRBUF_INIT;
	int rc;

	for (int i = 0; i < n; i++)
		if (str_eq_ci(r->val[col], names[i])) {
			*out = i;
			return 0;
		}
	strbuf_adds(&what, "one of ");
	for (int i = 0; i < n; i++)
		strbuf_addf(&what, "%s%s", i ? ", " : "", names[i]);
	rc = check_empty(r, col, flags, what.buf, e);
	if (rc == 0)
		rc = row_error(r, col, e, what.buf);
	strbuf_release(&what);
	return rc < 0 ? -1 : 0;
}

/* ---- writer ---- */

struct csv_writer {
	struct afile af;
	EVP_MD_CTX *sha;
	const struct csv_schema *schema;
	char buf[1 << 16];
	size_t used;
	size_t field;      /* fields written in the current row */
	uint64_t rows;
	uint64_t bytes;
	int failed;
};

static void writer_flush(struct csv_writer *w)
{
	if (!w->used)
		return;
	EVP_DigestUpdate(w->sha, w->buf, w->used);
	if (fwrite(w->buf, 1, w->used, w->af.f) != w->used)
		w->failed = 1;
	w->bytes += w->used;
	w->used = 0;
}

static void writer_raw(struct csv_writer *w, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(w->buf) - w->used;
		size_t k = n < room ? n : room;
		memcpy(w->buf + w->used, s, k);
		w->used += k;
		s += k;
		n -= k;
		if (w->used == sizeof(w->buf))
			writer_flush(w);
	}
}

static bool csv_raw;

void csv_set_raw(bool raw)
{
	csv_raw = raw;
}

/* The whole text is a decimal number: [+-]digits[.digits][e[+-]digits]. */
static bool is_number(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');
	const char *digits = p;

	p += strspn(p, "0123456789");
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (p == digits || (p == digits + 1 && *digits == '.'))
		return false;
	if (*p == 'e' || *p == 'E') {
		const char *exp = p + 1 + (p[1] == '+' || p[1] == '-');
		size_t n = strspn(exp, "0123456789");
		if (!n)
			return false;
		p = exp + n;
	}
	return *p == '\0';
}

/* OWASP's rule against formula injection: a cell a spreadsheet would take
 * for a formula gets a leading apostrophe, and so does one that starts
 * with an apostrophe before such a character or another apostrophe, so
 * that the reader's undo (unescape_field) gives back every value. */
static bool needs_apostrophe(const char *s)
{
	if (csv_raw)
		return false;
	if (s[0] == '\'')
		return s[1] == '\'' || formula_start(s[1]);
	return formula_start(s[0]) && !is_number(s);
}

static bool needs_quotes(const char *s, size_t n)
{
	if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
		  s[n - 1] == '\t'))
		return true;
	return strcspn(s, ",\"\r\n") != n;
}

/* A field known to need no quotes: a number, a time, a date. */
static void put_plain(struct csv_writer *w, const char *s, size_t n)
{
	if (w->field++)
		writer_raw(w, ",", 1);
	writer_raw(w, s, n);
}

void csv_put(struct csv_writer *w, const char *s)
{
	bool apostrophe;
	size_t n;

	if (!s)
		s = "";
	if (!utf8_valid(s)) {
		struct strbuf clean = STRBUF_INIT;
		utf8_sanitize(&clean, s);
		csv_put(w, clean.buf);
		strbuf_release(&clean);
		return;
	}
	n = strlen(s);
	apostrophe = needs_apostrophe(s);
	if (!needs_quotes(s, n)) {
		if (w->field++)
			writer_raw(w, ",", 1);
		writer_raw(w, "'", apostrophe);
		writer_raw(w, s, n);
		return;
	}
	if (w->field++)
		writer_raw(w, ",", 1);
	writer_raw(w, "\"'", 1 + apostrophe);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		writer_raw(w, s, (size_t)(q - s) + 1);
		writer_raw(w, "\"", 1);
	}
	writer_raw(w, s, strlen(s));
	writer_raw(w, "\"", 1);
}

void csv_putf(struct csv_writer *w, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		csv_put(w, small);
	} else {
		struct strbuf sb = STRBUF_INIT;
		va_start(ap, fmt);
		strbuf_vaddf(&sb, fmt, ap);
		va_end(ap);
		csv_put(w, sb.buf);
		strbuf_release(&sb);
	}
}

void csv_put_long(struct csv_writer *w, long v)
{
	csv_putf(w, "%ld", v);
}

void csv_put_double(struct csv_writer *w, double v, int decimals)
{
	char s[64];

	if (isnan(v)) {
		csv_put(w, "");
		return;
	}
	format_fixed(s, sizeof(s), v, decimals);
	put_plain(w, s, strlen(s));
}

void csv_put_time(struct csv_writer *w, int64_t t)
{
	char s[TIME_ISO_LEN];

	if (t == TIME_NONE) {
		csv_put(w, "");
		return;
	}
	time_format_iso(t, s);
	put_plain(w, s, TIME_ISO_LEN - 1);
}

void csv_put_bool(struct csv_writer *w, bool v)
{
	csv_put(w, v ? "true" : "false");
}

void csv_end_row(struct csv_writer *w)
{
	if (w->field != w->schema->ncols) {
		fprintf(stderr,
			"vaultwise: BUG: %s row has %zu fields, schema %zu\n",
			w->schema->file, w->field, w->schema->ncols);
		abort();
	}
	writer_raw(w, "\r\n", 2);
	w->field = 0;
	w->rows++;
}

struct csv_writer *csv_writer_open(const char *path,
				   const struct csv_schema *schema,
				   struct err *e)
{
	struct csv_writer *w = xcalloc(1, sizeof(*w));

	if (afile_open(&w->af, path, e)) {
		free(w);
		return NULL;
	}
	w->sha = EVP_MD_CTX_new();
	if (!w->sha || EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL) != 1) {
		err_set(e, EXIT_SOFTWARE, "cannot start SHA-256");
		csv_writer_abort(w);
		return NULL;
	}
	w->schema = schema;
	for (size_t c = 0; c < schema->ncols; c++)
		csv_put(w, schema->cols[c].name);
	writer_raw(w, "\r\n", 2);
	w->field = 0;
	return w;
}

int csv_writer_commit(struct csv_writer *w, struct csv_file_info *info,
		      struct err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc;

	writer_flush(w);
	if (w->failed) {
		err_errno(e, EXIT_IOERR, "cannot write '%s'", w->af.final);
		csv_writer_abort(w);
		return -1;
	}
	EVP_DigestFinal_ex(w->sha, md, &mdlen);
	if (info) {
		hex_encode(md, mdlen, info->sha256);
		info->rows = w->rows;
		info->bytes = w->bytes;
	}
	rc = afile_commit(&w->af, e);
	EVP_MD_CTX_free(w->sha);
	free(w);
	return rc;
}

void csv_writer_abort(struct csv_writer *w)
{
	if (!w)
		return;
	afile_abort(&w->af);
	EVP_MD_CTX_free(w->sha);
	free(w);
}
