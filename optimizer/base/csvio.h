/* SPDX-License-Identifier: MIT
 * csvio.h: streaming CSV (RFC 4180, UTF-8) over csvscan.h's scanner.
 *
 * Reading calls a function once per data row with the fields in the
 * schema's column order, whatever order the file uses; unknown columns are
 * ignored, missing required columns are an error, and every error names the
 * file, the line and the column. Unquoted fields lose leading and trailing
 * spaces and tabs (csvscan.h has the rules); the writer quotes values that
 * have them. Memory stays flat however long the file: a field is at most
 * 1 MiB, and a NUL byte in one is an error.
 *
 * Writing buffers, hashes (SHA-256) and counts as it goes, to a temporary
 * file renamed into place by csv_writer_commit. Lines end in CRLF as RFC
 * 4180 says; the reader takes LF or CRLF, and a leading UTF-8 BOM. */
#ifndef VW_CSVIO_H
#define VW_CSVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"

#define CSV_REQUIRED 1u

struct csv_column {
	const char *name;
	unsigned flags;
};

struct csv_schema {
	const char *file; /* the file name inside a snapshot, for messages */
	const struct csv_column *cols;
	size_t ncols;
};

struct csv_row {
	const char *path;
	size_t line;                    /* physical line the row starts on */
	const struct csv_schema *schema;
	const char *const *val;         /* schema order; "" when absent */
};

/* Return 0 to go on, -1 (with e set) to stop reading. */
typedef int (*csv_row_fn)(void *ctx, const struct csv_row *row,
			  struct err *e);

struct csv_file_info {
	char sha256[SHA256_HEX_LEN];
	uint64_t rows;   /* data rows, header excluded */
	uint64_t bytes;
};

/* Reads path, calling fn per data row. When info is not NULL it receives
 * the SHA-256 of the bytes read, the row count and the size. */
int csv_read(const char *path, const struct csv_schema *schema,
	     csv_row_fn fn, void *ctx, struct csv_file_info *info,
	     struct err *e);
/* csv_read for files that run to gigabytes of rows not wanted: a data
 * row whose raw text (quotes and all) does not hold word (lowercase
 * letters; matched in any case) is skipped before it is split, in one
 * pass over its bytes (still counted in info's rows, and in *skipped
 * when skipped is not NULL). Every row fn would use must name the word. */
int csv_read_kept(const char *path, const struct csv_schema *schema,
		  const char *word, csv_row_fn fn, void *ctx,
		  struct csv_file_info *info, uint64_t *skipped,
		  struct err *e);

/* csv_read a row at a time, from any line on: for a file split across
 * threads, each with a cursor of its own (a plain file: csvscan_seek). */
struct csv_cursor;
/* Opens path (borrowed) and reads its header: the cursor is then at the
 * first data row. NULL with e set when it cannot. */
struct csv_cursor *csv_cursor_open(const char *path,
				   const struct csv_schema *schema,
				   struct err *e);
/* The next data row into *row, as csv_read's fn gets it (valid until the
 * next call): 1, 0 at the end of the file, or -1 with e set. */
int csv_cursor_next(struct csv_cursor *c, struct csv_row *row,
		    struct err *e);
/* Where the cursor stands: the byte offset the next row (or the blank
 * lines before it) starts at, and in *line its line. */
uint64_t csv_cursor_at(const struct csv_cursor *c, size_t *line);
/* Moves the cursor to offset at, counted as line `line`, or to the start
 * of the next line when at is not at one (csvscan_seek): back to where
 * csv_cursor_at said, it reads the same rows again. */
int csv_cursor_seek(struct csv_cursor *c, uint64_t at, size_t line,
		    struct err *e);
void csv_cursor_close(struct csv_cursor *c);

/* Typed field access. An empty field is an error unless ROW_OPTIONAL is
 * given, in which case *out is left as the caller set it. */
#define ROW_OPTIONAL 1u

int row_str(const struct csv_row *r, int col, unsigned flags,
	    const char **out, struct err *e);
int row_long(const struct csv_row *r, int col, unsigned flags, long min,
	     long max, long *out, struct err *e);
int row_int(const struct csv_row *r, int col, unsigned flags, int min,
	    int max, int *out, struct err *e);
int row_double(const struct csv_row *r, int col, unsigned flags,
	       double min, double max, double *out, struct err *e);
int row_time(const struct csv_row *r, int col, unsigned flags,
	     int64_t *out, struct err *e);
int row_bool(const struct csv_row *r, int col, unsigned flags, bool *out,
	     struct err *e);
/* names[0..n) matched case-insensitively; *out is the index. */
int row_enum(const struct csv_row *r, int col, unsigned flags,
	     const char *const *names, int n, int *out, struct err *e);
/* Reports a value error at this row and column; returns -1. */
int row_error(const struct csv_row *r, int col, struct err *e,
	      const char *expected);

struct csv_writer;

/* Every writer puts an apostrophe before a text cell that a spreadsheet
 * would run as a formula (one starting with =, +, -, @, tab or CR, and
 * not a number), and before one starting with an apostrophe followed by
 * one of those or another apostrophe; the reader takes it off again, so
 * values round-trip. csv_set_raw(true) (--csv-raw) writes cells as they
 * are. */
void csv_set_raw(bool raw);

struct csv_writer *csv_writer_open(const char *path,
				   const struct csv_schema *schema,
				   struct err *e);
/* The same for a file no manifest records (plan.csv, rpo_rto.csv): no
 * SHA-256 is computed, and csv_writer_commit's info must be NULL. */
struct csv_writer *csv_writer_open_output(const char *path,
					  const struct csv_schema *schema,
					  struct err *e);
void csv_put(struct csv_writer *w, const char *s);
/* csv_put of a name from a table (an enum's, a literal): s's text must
 * stay the same for as long as the writer is open, and the field's
 * text is copied from where it was last written when s is the same. */
void csv_put_name(struct csv_writer *w, const char *s);
void csv_putf(struct csv_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void csv_put_long(struct csv_writer *w, long v);
/* NAN writes an empty field. */
void csv_put_double(struct csv_writer *w, double v, int decimals);
/* TIME_NONE writes an empty field. */
void csv_put_time(struct csv_writer *w, int64_t t);
/* Its date only, 2026-11-01; TIME_NONE writes an empty field. */
void csv_put_date(struct csv_writer *w, int64_t t);
void csv_put_bool(struct csv_writer *w, bool v);
/* Cells that repeat row after row (an item's ids and names), escaped
 * once: csv_cached writes slot's cells again if they were kept under key
 * at the same place in the row, and returns true; else the caller writes
 * them with csv_put and then keeps them with csv_cache_end. key must
 * name the same text for as long as the writer is open. */
#define CSV_CACHE_SLOTS 2
bool csv_cached(struct csv_writer *w, int slot, const void *key);
void csv_cache_end(struct csv_writer *w, int slot, const void *key);
void csv_end_row(struct csv_writer *w);
/* Completes the file; info may be NULL. Frees w either way. */
int csv_writer_commit(struct csv_writer *w, struct csv_file_info *info,
		      struct err *e);
/* Discards the file; frees w. Accepts NULL. */
void csv_writer_abort(struct csv_writer *w);

#endif
