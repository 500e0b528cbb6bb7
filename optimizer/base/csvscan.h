/* SPDX-License-Identifier: MIT
 * csvscan.h: the CSV scanner under csvio.c's reader: rows of an RFC 4180
 * file as NUL-terminated fields, at close to the speed of reading it.
 *
 * Rules (those of libcsv in strict mode, which vaultwise used before):
 * fields lose leading spaces and tabs, unquoted fields also trailing ones;
 * a CR, an LF or CRLF ends a row; blank lines are skipped; a quote inside
 * an unquoted field, or text after a closing quote, is an error, and so is
 * a NUL byte anywhere in a field; a field holds at most CSVSCAN_MAX_FIELD
 * bytes. A leading UTF-8 BOM is skipped.
 *
 * A row without a quote is split in place in the read buffer (no copy, no
 * allocation; csvrow.h splits most from 64-byte masks); a row with one is
 * unescaped into a side buffer. Fields stay valid until the next call.
 * Errors name the file and the line.
 *
 * A gzip file (it starts with 1f 8b) reads as its content through zlib:
 * Cost Management writes its exports gzipped (docs/money.md). Other files
 * are read as they are. */
#ifndef VW_CSVSCAN_H
#define VW_CSVSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"

#define CSVSCAN_MAX_FIELD (1u << 20)

struct csvscan {
	const char *path;
	int fd;
	void *gz;             /* gzFile for a gzip file (fd then -1) */
	void *sha;            /* EVP_MD_CTX, NULL when not hashing */
	char *buf;            /* cap + 1 bytes: room for a final NUL */
	size_t cap, len, pos;
	bool eof, first_read;
	uint64_t bytes;
	size_t line;          /* the line buf[pos] is on */

	const char **field;   /* the current row */
	size_t nfields, falloc;
	size_t row_line;
	struct strbuf side;   /* fields of a row with quotes */
	size_t *off;
	size_t offalloc;

	/* csvskip.h's and csvrow.h's instruction set (enum csvskip_isa),
	 * the CPU's best from csvscan_open on. */
	int isa;

	/* With csvscan_set_word (csvio.c, after the header): a row that does
	 * not hold the word, in any case, is skipped unsplit and counted in
	 * skipped; csvskip.h scans for them, 64 bytes a step; named: the row
	 * at pos is known to hold the word. */
	const char *word;
	size_t word_len, word_pair;
	uint64_t skipped;
	bool named;

	/* With a word, and no hash, the rest of a plain file is mapped
	 * instead of read (buf then is the mapping, map_len long); the
	 * pages behind the reader, buf[0, given), are given back. */
	size_t map_len, given, ahead;
};

/* Opens path; with hash, the SHA-256 of every byte read is kept. */
int csvscan_open(struct csvscan *s, const char *path, bool hash,
		 struct err *e);

/* The next row into s->field[0..s->nfields), s->row_line: 1, or 0 at the
 * end of the file, or -1 with e set. */
int csvscan_next(struct csvscan *s, struct err *e);

/* The SHA-256 (hex) and size of the whole file; after csvscan_next
 * returned 0, and only when opened with hash. */
void csvscan_digest(struct csvscan *s, char hex[SHA256_HEX_LEN],
		    uint64_t *bytes);

/* From the next row on, skip rows without word (lowercase letters, two
 * or more; borrowed). A plain file opened without hash is then mapped:
 * its skipped rows are never copied. */
void csvscan_set_word(struct csvscan *s, const char *word);

void csvscan_close(struct csvscan *s);

/* For a file split across threads (each with its own scan): moves the
 * scan of a plain file (opened without hash, no word set) to byte at, if
 * a line ends just before it (a CR, or an LF not after a CR: where the
 * scan stands after a row), else to the first such place after it: the
 * next row is read from there, counted as line `line`. Where the scan
 * stands, the offset the next row (or the blank lines before it) starts
 * at, is s->bytes - (s->len - s->pos): moved back there, it reads the
 * same rows again. Returns 0, or -1 with e set. */
int csvscan_seek(struct csvscan *s, uint64_t at, size_t line,
		 struct err *e);

#endif
