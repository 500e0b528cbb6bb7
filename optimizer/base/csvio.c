/* SPDX-License-Identifier: MIT
 * csvio.c: the streaming CSV reader (header mapping over csvscan.c, typed
 * getters) and the hashing, atomically renamed writer. */
#define _GNU_SOURCE /* O_DIRECT (Linux) */
#include "optimizer/base/csvio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "optimizer/base/csvscan.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define MAX_COLUMNS 512

struct reader {
	const struct csv_schema *schema;
	struct csvscan scan;
	int *map;             /* file column -> schema column, or -1 */
	size_t nfile;         /* columns in the header */
	bool all;             /* every schema column is in the header */
	const char **val;     /* schema order, handed to fn */
};

/* A spreadsheet reads a cell starting with one of these as a formula. */
static bool formula_start(char c)
{
	return c && strchr("=+-@\t\r", c);
}

static int map_header(struct reader *r, struct err *e)
{
	const struct csv_schema *s = r->schema;
	const char *path = r->scan.path;
	size_t line = r->scan.row_line;
	int *seen;
	int rc = 0;

	r->nfile = r->scan.nfields;
	if (r->nfile > MAX_COLUMNS)
		return err_set(e, EXIT_DATAERR, "%s:%zu: header has %zu "
			       "columns; at most %d are allowed", path, line,
			       r->nfile, MAX_COLUMNS);
	seen = xcalloc(s->ncols, sizeof(int));
	r->map = xmalloc(r->nfile * sizeof(int));
	for (size_t i = 0; i < r->nfile && !rc; i++) {
		const char *name = r->scan.field[i];
		r->map[i] = -1;
		for (size_t c = 0; c < s->ncols; c++) {
			if (!str_eq_ci(name, s->cols[c].name))
				continue;
			if (seen[c])
				rc = err_set(e, EXIT_DATAERR, "%s:%zu: column "
					     "'%s' appears twice in the header",
					     path, line, name);
			seen[c] = 1;
			r->map[i] = (int)c;
		}
	}
	r->all = true;
	for (size_t c = 0; c < s->ncols && !rc; c++) {
		r->all = r->all && seen[c];
		if ((s->cols[c].flags & CSV_REQUIRED) && !seen[c])
			rc = err_set(e, EXIT_DATAERR, "%s:%zu: missing "
				     "required column '%s' in the header",
				     path, line, s->cols[c].name);
	}
	free(seen);
	return rc;
}

/* The current row in schema order. */
static int map_row(struct reader *r, struct csv_row *row, struct err *e)
{
	const struct csvscan *sc = &r->scan;

	if (sc->nfields != r->nfile)
		return err_set(e, EXIT_DATAERR, "%s:%zu: expected %zu fields "
			       "as in the header, found %zu", sc->path,
			       sc->row_line, r->nfile, sc->nfields);
	for (size_t c = 0; !r->all && c < r->schema->ncols; c++)
		r->val[c] = "";
	for (size_t i = 0; i < r->nfile; i++) {
		const char *v = sc->field[i];
		/* the writer's apostrophe against formula injection comes
		 * off */
		if (v[0] == '\'' && (v[1] == '\'' || formula_start(v[1])))
			v++;
		if (r->map[i] >= 0)
			r->val[r->map[i]] = v;
	}
	row->path = sc->path;
	row->line = sc->row_line;
	row->schema = r->schema;
	row->val = r->val;
	return 0;
}

static int read_header(struct reader *r, struct err *e)
{
	int rc = csvscan_next(&r->scan, e);

	if (rc == 0)
		return err_set(e, EXIT_DATAERR,
			       "%s:1: empty file: expected a header row",
			       r->scan.path);
	return rc < 0 ? -1 : map_header(r, e);
}

static int read_rows(struct reader *r, const char *word, csv_row_fn fn,
		     void *ctx, uint64_t *rows, struct err *e)
{
	struct csv_row row;
	int rc;

	if (read_header(r, e))
		return -1;
	if (word)
		csvscan_set_word(&r->scan, word);
	while ((rc = csvscan_next(&r->scan, e)) > 0) {
		if (map_row(r, &row, e) || fn(ctx, &row, e))
			return -1;
		(*rows)++;
	}
	return rc;
}

int csv_read(const char *path, const struct csv_schema *schema,
	     csv_row_fn fn, void *ctx, struct csv_file_info *info,
	     struct err *e)
{
	return csv_read_kept(path, schema, NULL, fn, ctx, info, NULL, e);
}

int csv_read_kept(const char *path, const struct csv_schema *schema,
		  const char *word, csv_row_fn fn, void *ctx,
		  struct csv_file_info *info, uint64_t *skipped,
		  struct err *e)
{
	struct reader r = { .schema = schema };
	uint64_t rows = 0;
	int rc;

	if (csvscan_open(&r.scan, path, info != NULL, e))
		return -1;
	r.val = xcalloc(schema->ncols, sizeof(*r.val));
	rc = read_rows(&r, word, fn, ctx, &rows, e);
	if (rc == 0 && info) {
		csvscan_digest(&r.scan, info->sha256, &info->bytes);
		info->rows = rows + r.scan.skipped;
	}
	if (skipped)
		*skipped = r.scan.skipped;
	csvscan_close(&r.scan);
	free(r.map);
	free(r.val);
	return rc;
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
	const char *v = r->val[col];
	int rc;

	/* per row: the first letter, any case, before the whole name */
	for (int i = 0; i < n; i++)
		if ((v[0] | 0x20) == (names[i][0] | 0x20) &&
		    str_eq_ci(v, names[i])) {
			*out = i;
			return 0;
		}
	/* an optional column left empty: no message to compose */
	if (!v[0] && (flags & ROW_OPTIONAL))
		return 0;
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

/* Cells written once and copied for later rows (csv_cached). */
struct cell_cache {
	const void *key; /* NULL: nothing kept */
	size_t field;    /* the row's field they start at */
	size_t fields;
	uint64_t at;     /* csv_cached's mark: the offset they start at */
	struct strbuf text;
};

/* A day's date, "2026-11-01", kept for the next time in that day. */
#define DAY_SLOTS 256
struct day_text {
	int64_t day; /* t / DAY_S, or -1 */
	char text[DATE_ISO_LEN];
};

/* Where a field was last written, for a value that repeats down its
 * column (a row's costs and dates mostly equal the row before's): its
 * text is a function of (kind, key) alone, copied from there while that
 * is still in the buffer. */
#define LAST_TEXT 32 /* a cell kept is at most this long */
enum last_kind { LAST_NONE, LAST_NAME, LAST_TIME, LAST_DATE, LAST_FIXED };
struct last_cell {
	uint64_t key;        /* the double's bits, or the time */
	uint64_t at;         /* its offset in the file */
	unsigned char kind;  /* enum last_kind, + decimals for LAST_FIXED */
	unsigned char len;
};

/* The writer's buffer: written in 1 MiB write()s. A file that outgrows
 * it and that no manifest records (csv_writer_open_output: plan.csv,
 * rpo_rto.csv, hundreds of MB that nothing reads back soon) goes to the
 * disk directly (O_DIRECT): the kernel neither copies it nor takes fresh
 * page-cache pages for it, which on a virtual machine whose free memory
 * goes back to the host cost more than formatting the rows. */
#define WRITER_BUF (1u << 20)
#define DIRECT_ALIGN 4096u /* O_DIRECT's alignment of memory and sizes */

struct csv_writer {
	struct afile af;
	EVP_MD_CTX *sha;
	const struct csv_schema *schema;
	char *buf;         /* WRITER_BUF bytes, aligned to DIRECT_ALIGN */
	char *mem;         /* buf's allocation */
	int fd;            /* af's */
	bool may_direct;   /* an output file: O_DIRECT once it outgrows buf */
	bool direct;       /* O_DIRECT is on */
	size_t used;
	size_t field;      /* fields written in the current row */
	uint64_t rows;
	uint64_t bytes;
	int failed;
	struct day_text days[DAY_SLOTS]; /* by day % DAY_SLOTS */
	struct cell_cache cache[CSV_CACHE_SLOTS];
	struct last_cell *last; /* one per column */
};

/* O_DIRECT on or off on the writer's descriptor; false if it cannot
 * (a file system without it). */
static bool set_direct(struct csv_writer *w, bool on)
{
#ifdef O_DIRECT
	int flags = fcntl(w->fd, F_GETFL);

	if (flags < 0 ||
	    fcntl(w->fd, F_SETFL,
		  on ? flags | O_DIRECT : flags & ~O_DIRECT) != 0)
		return false;
	w->direct = on;
	return true;
#else
	(void)w;
	(void)on;
	return false;
#endif
}

/* write(2) of all n bytes; a direct write the file system refuses
 * (EINVAL) is written again through the page cache. */
static bool write_all(struct csv_writer *w, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EINVAL && w->direct &&
		    set_direct(w, false))
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static void writer_flush(struct csv_writer *w)
{
	if (!w->used)
		return;
	if (w->sha)
		EVP_DigestUpdate(w->sha, w->buf, w->used);
	/* whole buffers direct; the last one's tail, not a whole number
	 * of blocks, through the page cache */
	if (w->used == WRITER_BUF && w->may_direct && !w->direct)
		w->may_direct = set_direct(w, true);
	else if (w->direct && w->used % DIRECT_ALIGN)
		w->may_direct = !set_direct(w, false);
	if (!write_all(w, w->buf, w->used))
		w->failed = 1;
	w->bytes += w->used;
	w->used = 0;
}

static void writer_raw(struct csv_writer *w, const char *s, size_t n)
{
	while (n) {
		size_t room = WRITER_BUF - w->used;
		size_t k = n < room ? n : room;
		memcpy(w->buf + w->used, s, k);
		w->used += k;
		s += k;
		n -= k;
		if (w->used == WRITER_BUF)
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
 * that the reader's undo (map_row) gives back every value. */
static bool needs_apostrophe(const char *s)
{
	if (csv_raw)
		return false;
	if (s[0] == '\'')
		return s[1] == '\'' || formula_start(s[1]);
	return formula_start(s[0]) && !is_number(s);
}

/* Spaces or tabs at either end, which the reader would strip unquoted. */
static bool edge_blank(const char *s, size_t n)
{
	return n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
		     s[n - 1] == '\t');
}

/* A field known to need no quotes: a number, a time, a date. */
static void put_plain(struct csv_writer *w, const char *s, size_t n)
{
	const size_t sep = w->field++ != 0;
	char *out = w->buf + w->used;

	if (w->used + 1 + n < WRITER_BUF) { /* the bulk: no flush */
		*out = ',';
		memcpy(out + sep, s, n);
		w->used += sep + n;
		return;
	}
	writer_raw(w, ",", sep);
	writer_raw(w, s, n);
}

/* The field's text again when it was last written with the same kind
 * and key (kind not LAST_NONE) and is still in the buffer; false, with
 * nothing written, otherwise or when the buffer is too full. */
static bool put_last(struct csv_writer *w, unsigned kind, uint64_t key)
{
	const size_t sep = w->field != 0;
	char *out = w->buf + w->used;
	const struct last_cell *c;
	char text[LAST_TEXT];

	if (w->field >= w->schema->ncols)
		return false;
	c = &w->last[w->field];
	if (c->kind != kind || c->key != key || c->at < w->bytes ||
	    w->used + 1 + LAST_TEXT > WRITER_BUF)
		return false;
	*out = ',';
	/* fixed-size copies, the text and what followed it: registers */
	memcpy(text, w->buf + (c->at - w->bytes), LAST_TEXT);
	memcpy(out + sep, text, LAST_TEXT);
	w->used += sep + c->len;
	w->field++;
	return true;
}

/* Remembers that field's text for (kind, key) is the len bytes at at,
 * in the buffer with LAST_TEXT bytes of it from there on. */
static void keep_last(struct csv_writer *w, size_t field, unsigned kind,
		      uint64_t key, const char *at, size_t len)
{
	struct last_cell *c;
	bool fits;

	if (field >= w->schema->ncols)
		return;
	c = &w->last[field];
	fits = len <= LAST_TEXT &&
	       (size_t)(at - w->buf) + LAST_TEXT <= WRITER_BUF;
	c->kind = (unsigned char)(fits ? kind : LAST_NONE);
	c->len = (unsigned char)len;
	c->key = key;
	c->at = w->bytes + (uint64_t)(at - w->buf);
}

/* The bytes a cell can hold as they are: ASCII but NUL, ',', '"', CR
 * and LF (bytes from 0x80 are left false; a cell's first and last
 * bytes are checked apart). */
#define PLAIN_1(c) \
	((c) && (c) != ',' && (c) != '"' && (c) != '\r' && (c) != '\n')
#define PLAIN_4(c) \
	PLAIN_1(c), PLAIN_1((c) + 1), PLAIN_1((c) + 2), PLAIN_1((c) + 3)
#define PLAIN_16(c) \
	PLAIN_4(c), PLAIN_4((c) + 4), PLAIN_4((c) + 8), PLAIN_4((c) + 12)
static const bool plain_byte[256] = {
	PLAIN_16(0x00), PLAIN_16(0x10), PLAIN_16(0x20), PLAIN_16(0x30),
	PLAIN_16(0x40), PLAIN_16(0x50), PLAIN_16(0x60), PLAIN_16(0x70),
};
#undef PLAIN_1
#undef PLAIN_4
#undef PLAIN_16

/* Most cells (ids, names, enums): ASCII with nothing to quote, escape
 * or neutralise, copied into the buffer as they are scanned. False, with
 * nothing written, for any other cell or when the buffer is too full. */
static bool put_fast(struct csv_writer *w, const char *s)
{
	const size_t sep = w->field != 0;
	char *out = w->buf + w->used + sep;
	size_t room, i;

	if (w->used + 2 > WRITER_BUF)
		return false;
	room = WRITER_BUF - w->used - sep; /* 1 or more */
	switch (s[0]) {
	case ' ': case '\'': case '=': case '+': case '-': case '@':
	case '\t': case '\r':
		return false;
	}
	for (i = 0; i + 1 < room && plain_byte[(unsigned char)s[i]]; i++)
		out[i] = s[i];
	if (s[i] || (i && (s[i - 1] == ' ' || s[i - 1] == '\t')))
		return false;
	if (sep)
		w->buf[w->used] = ',';
	w->used += sep + i;
	w->field++;
	return true;
}

/* What one pass over a cell finds: its length, whether it has a byte
 * from 0x80 (its UTF-8 is then checked) and one that needs quotes. */
struct cell_scan {
	size_t n;
	bool high, special;
};

static void scan_cell(const char *s, struct cell_scan *c)
{
	const unsigned char *p = (const unsigned char *)s;

	c->high = c->special = false;
	for (; *p; p++)
		if (!plain_byte[*p]) {
			if (*p >= 0x80)
				c->high = true;
			else
				c->special = true;
		}
	c->n = (size_t)(p - (const unsigned char *)s);
}

void csv_put(struct csv_writer *w, const char *s)
{
	struct cell_scan c;
	bool apostrophe;

	if (!s)
		s = "";
	if (put_fast(w, s))
		return;
	scan_cell(s, &c);
	if (c.high && !utf8_valid(s)) {
		struct strbuf clean = STRBUF_INIT;
		utf8_sanitize(&clean, s);
		csv_put(w, clean.buf);
		strbuf_release(&clean);
		return;
	}
	apostrophe = needs_apostrophe(s);
	if (!c.special && !edge_blank(s, c.n)) {
		if (w->field++)
			writer_raw(w, ",", 1);
		writer_raw(w, "'", apostrophe);
		writer_raw(w, s, c.n);
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

void csv_put_name(struct csv_writer *w, const char *s)
{
	const uint64_t key = (uint64_t)(uintptr_t)s;
	const size_t field = w->field, sep = field != 0;
	const uint64_t at = w->bytes + w->used + sep;

	if (put_last(w, LAST_NAME, key))
		return;
	csv_put(w, s);
	if (at >= w->bytes) /* not flushed meanwhile */
		keep_last(w, field, LAST_NAME, key, w->buf + (at - w->bytes),
			  (size_t)(w->bytes + w->used - at));
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
	char s[LONG_DEC_LEN];

	put_plain(w, s, format_long(s, v));
}

/* Where a plain cell of at most n bytes (LAST_TEXT or more) is
 * formatted: straight into the buffer after its separator, or in spare
 * (n bytes) when the buffer is too full. */
static char *cell_begin(struct csv_writer *w, char *spare, size_t n)
{
	if (w->used + 1 + n >= WRITER_BUF)
		return spare;
	if (w->field)
		w->buf[w->used++] = ',';
	return w->buf + w->used;
}

/* The cell of len bytes cell_begin placed at at: written, and when in
 * the buffer, kept for the next row (keep_last) under (kind, key). */
static void cell_end(struct csv_writer *w, const char *at, const char *spare,
		     size_t len, unsigned kind, uint64_t key)
{
	if (at == spare) {
		put_plain(w, spare, len);
		return;
	}
	keep_last(w, w->field++, kind, key, at, len);
	w->used += len;
}

void csv_put_double(struct csv_writer *w, double v, int decimals)
{
	const unsigned kind = decimals >= 0 && decimals <= 9
				      ? LAST_FIXED + (unsigned)decimals
				      : LAST_NONE;
	char s[64], *at;
	uint64_t key;

	if (isnan(v)) {
		csv_put(w, "");
		return;
	}
	memcpy(&key, &v, sizeof(key));
	if (kind != LAST_NONE && put_last(w, kind, key))
		return;
	at = cell_begin(w, s, sizeof(s));
	cell_end(w, at, s, format_fixed(at, sizeof(s), v, decimals), kind,
		 key);
}

/* "T08:00:00Z" for sec seconds into a day, as time_format_iso ends. */
static void put_clock(char *p, int64_t sec)
{
	int v[3] = { (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60) };

	for (int i = 0; i < 3; i++) {
		*p++ = i ? ':' : 'T';
		*p++ = (char)('0' + v[i] / 10);
		*p++ = (char)('0' + v[i] % 10);
	}
	*p = 'Z';
}

/* t's date ("2026-11-01") at s, from the writer's days when t's is
 * there (a plan's rows share few days); t in [0, TIME_CIVIL_MAX]. */
static void day_text(struct csv_writer *w, int64_t t, char *s)
{
	struct day_text *d = &w->days[t / DAY_S % DAY_SLOTS];

	if (d->day != t / DAY_S) {
		time_format_date(t, d->text);
		d->day = t / DAY_S;
	}
	memcpy(s, d->text, DATE_ISO_LEN - 1);
}

void csv_put_time(struct csv_writer *w, int64_t t)
{
	char s[LAST_TEXT], *at;

	if (t == TIME_NONE) {
		csv_put(w, "");
		return;
	}
	if (put_last(w, LAST_TIME, (uint64_t)t))
		return;
	at = cell_begin(w, s, sizeof(s));
	if (t < 0 || t > TIME_CIVIL_MAX) {
		time_format_iso(t, at);
	} else {
		day_text(w, t, at);
		put_clock(at + DATE_ISO_LEN - 1, t % DAY_S);
	}
	cell_end(w, at, s, TIME_ISO_LEN - 1, LAST_TIME, (uint64_t)t);
}

void csv_put_date(struct csv_writer *w, int64_t t)
{
	char s[LAST_TEXT], *at;

	if (t == TIME_NONE) {
		csv_put(w, "");
		return;
	}
	if (put_last(w, LAST_DATE, (uint64_t)t))
		return;
	at = cell_begin(w, s, sizeof(s));
	if (t < 0 || t > TIME_CIVIL_MAX)
		time_format_date(t, at);
	else
		day_text(w, t, at);
	cell_end(w, at, s, DATE_ISO_LEN - 1, LAST_DATE, (uint64_t)t);
}

bool csv_cached(struct csv_writer *w, int slot, const void *key)
{
	struct cell_cache *c = &w->cache[slot];

	if (c->key == key && c->field == w->field) {
		writer_raw(w, c->text.buf, c->text.len);
		w->field += c->fields;
		return true;
	}
	c->key = NULL;
	c->field = w->field;
	c->at = w->bytes + w->used;
	return false;
}

void csv_cache_end(struct csv_writer *w, int slot, const void *key)
{
	struct cell_cache *c = &w->cache[slot];

	if (c->at < w->bytes) /* flushed meanwhile: kept next time */
		return;
	strbuf_reset(&c->text);
	strbuf_add(&c->text, w->buf + (c->at - w->bytes),
		   (size_t)(w->bytes + w->used - c->at));
	c->fields = w->field - c->field;
	c->key = key;
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
	if (w->used + 2 < WRITER_BUF) {
		memcpy(w->buf + w->used, "\r\n", 2);
		w->used += 2;
	} else {
		writer_raw(w, "\r\n", 2);
	}
	w->field = 0;
	w->rows++;
}

static struct csv_writer *writer_open(const char *path,
				      const struct csv_schema *schema,
				      bool digest, struct err *e)
{
	struct csv_writer *w = xcalloc(1, sizeof(*w));

	for (int i = 0; i < CSV_CACHE_SLOTS; i++)
		w->cache[i].text = (struct strbuf)STRBUF_INIT;
	w->last = xcalloc(schema->ncols + 1, sizeof(*w->last));
	if (afile_open(&w->af, path, e)) {
		free(w->last);
		free(w);
		return NULL;
	}
	w->fd = fileno(w->af.f);
	w->may_direct = !digest;
	w->mem = xmalloc(WRITER_BUF + DIRECT_ALIGN);
	w->buf = w->mem + (DIRECT_ALIGN - (uintptr_t)w->mem % DIRECT_ALIGN);
	w->sha = digest ? EVP_MD_CTX_new() : NULL;
	if (digest && (!w->sha || EVP_DigestInit_ex(w->sha, EVP_sha256(),
						    NULL) != 1)) {
		err_set(e, EXIT_SOFTWARE, "cannot start SHA-256");
		csv_writer_abort(w);
		return NULL;
	}
	w->schema = schema;
	for (int i = 0; i < DAY_SLOTS; i++)
		w->days[i].day = -1;
	for (size_t c = 0; c < schema->ncols; c++)
		csv_put(w, schema->cols[c].name);
	writer_raw(w, "\r\n", 2);
	w->field = 0;
	return w;
}

struct csv_writer *csv_writer_open(const char *path,
				   const struct csv_schema *schema,
				   struct err *e)
{
	return writer_open(path, schema, true, e);
}

struct csv_writer *csv_writer_open_output(const char *path,
					  const struct csv_schema *schema,
					  struct err *e)
{
	return writer_open(path, schema, false, e);
}

static void writer_free(struct csv_writer *w)
{
	for (int i = 0; i < CSV_CACHE_SLOTS; i++)
		strbuf_release(&w->cache[i].text);
	free(w->last);
	free(w->mem);
	EVP_MD_CTX_free(w->sha);
	free(w);
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
	if (info && !w->sha) {
		fprintf(stderr, "vaultwise: BUG: %s was written without its "
			"SHA-256\n", w->schema->file);
		abort();
	}
	if (info) {
		EVP_DigestFinal_ex(w->sha, md, &mdlen);
		hex_encode(md, mdlen, info->sha256);
		info->rows = w->rows;
		info->bytes = w->bytes;
	}
	rc = afile_commit(&w->af, e);
	writer_free(w);
	return rc;
}

void csv_writer_abort(struct csv_writer *w)
{
	if (!w)
		return;
	afile_abort(&w->af);
	writer_free(w);
}

/* ---- cursors ---- */

struct csv_cursor {
	struct reader r;
};

struct csv_cursor *csv_cursor_open(const char *path,
				   const struct csv_schema *schema,
				   struct err *e)
{
	struct csv_cursor *c = xcalloc(1, sizeof(*c));

	c->r.schema = schema;
	if (csvscan_open(&c->r.scan, path, false, e)) {
		free(c);
		return NULL;
	}
	c->r.val = xcalloc(schema->ncols, sizeof(*c->r.val));
	if (read_header(&c->r, e)) {
		csv_cursor_close(c);
		return NULL;
	}
	return c;
}

int csv_cursor_next(struct csv_cursor *c, struct csv_row *row,
		    struct err *e)
{
	int rc = csvscan_next(&c->r.scan, e);

	if (rc <= 0)
		return rc;
	return map_row(&c->r, row, e) ? -1 : 1;
}

uint64_t csv_cursor_at(const struct csv_cursor *c, size_t *line)
{
	const struct csvscan *s = &c->r.scan;

	*line = s->line;
	return s->bytes - (s->len - s->pos);
}

int csv_cursor_seek(struct csv_cursor *c, uint64_t at, size_t line,
		    struct err *e)
{
	return csvscan_seek(&c->r.scan, at, line, e);
}

void csv_cursor_close(struct csv_cursor *c)
{
	if (!c)
		return;
	csvscan_close(&c->r.scan);
	free(c->r.map);
	free(c->r.val);
	free(c);
}
