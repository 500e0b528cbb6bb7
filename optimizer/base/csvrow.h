/* SPDX-License-Identifier: MIT
 * csvrow.h: csvscan's splitter for the common row: one without quotes,
 * NULs or blanks next to a separator, whole in the buffer, split from
 * 64-byte masks of its commas and line ends (SSE2, AVX2 or AVX-512BW,
 * s->isa) so that finding a field's end waits on no load. Any other row
 * is left to csvscan.c's own paths, which give the same fields for
 * these. */
#ifndef VW_CSVROW_H
#define VW_CSVROW_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/base/csvscan.h"

/* The row at s->pos (buf[len, len + 64) readable and zero) cut in place
 * into s->field[0..nfields): true with *end its CR or LF and *nl 1 when
 * that is an LF; false, with nothing written, when the row is not of the
 * common kind or not whole in the buffer, or with CSVSKIP_C. */
bool csvrow_split(struct csvscan *s, size_t *end, size_t *nl);

#endif
