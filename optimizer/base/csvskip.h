/* SPDX-License-Identifier: MIT
 * csvskip.h: csvscan's word filter (csvscan_set_word): from the row at
 * pos, the rows that do not name the word are found 64 bytes at a time
 * and skipped together, unsplit.
 *
 * A row ends at the first LF after an even number of its quotes (a quoted
 * field may hold line ends; a bare CR does not end a row here). A row
 * names the word when it holds it, in any case. Rows that are empty, or
 * only a CR, are skipped without being counted. */
#ifndef VW_CSVSKIP_H
#define VW_CSVSKIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/csvscan.h"

/* How the blocks are scanned; csvskip_best picks the fastest the CPU
 * runs (tests compare them). With AVX512 (AVX-512BW), csvrow.h splits
 * rows from 64-byte compares; the word filter runs its AVX2 loop. */
enum csvskip_isa { CSVSKIP_C, CSVSKIP_SSE2, CSVSKIP_AVX2, CSVSKIP_AVX512 };

int csvskip_best(void);
bool csvskip_supported(int isa);

enum csvskip_how {
	CSVSKIP_ROWS, /* skip up to end (then named: the next row names it) */
	CSVSKIP_READ, /* read the row at pos: it names the word, or it is
		       * longer than a field may be and has no LF yet */
	CSVSKIP_MORE, /* no row is whole in the buffer: read more */
};

struct csvskip {
	int how;
	size_t end;     /* the LF of the last row skipped, or len */
	size_t lines;   /* LFs in buf[pos, end] */
	uint64_t rows;  /* rows skipped, empty ones left out */
	bool named;
};

/* The rows at s->pos (s->word set, with s->isa) up to the first that
 * names the word, or the end of the data, or about a megabyte (the
 * caller then gives mapped pages back). buf[len, len + 64) must be
 * readable and zero. */
void csvskip_scan(const struct csvscan *s, struct csvskip *out);

#endif
