/* SPDX-License-Identifier: MIT
 * fuzzutil.h: what the libFuzzer targets (tests/fuzz/fuzz_*.c) share. The
 * driver (driver.c, linked into each) is libFuzzer's side of them all:
 * quiet logging, a scratch directory per process (removed at exit), the
 * tiny test snapshot opened once for a target that asks, and for each
 * input the choosing first byte taken off and the rest written to the
 * target's file. A target defines only fuzz_target: the shape of its
 * input and the function that checks one. Also helpers for files in the
 * scratch directory and of the tree. Only the fuzz targets include it;
 * it never touches anything outside the scratch directory. */
#ifndef VW_FUZZUTIL_H
#define VW_FUZZUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"
#include "optimizer/snapshot/snapshot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input, as the driver hands it to the target. */
struct fuzz_input {
	const uint8_t *data; /* after the choosing byte, when there is one */
	size_t size;
	unsigned pick;       /* the choosing byte, 0 when there is none */
	const char *path;    /* the file holding data, NULL when none */
};

struct fuzz_target {
	bool pick;         /* the first byte chooses a case, the rest is data */
	size_t min_size;   /* shorter inputs (whole) are skipped */
	size_t max_size;   /* longer inputs (whole) are skipped; 0: any */
	const char *file;  /* data is written to this scratch file, or NULL */
	bool tiny;         /* open tests/data/tiny-snapshot into fuzz_tiny */
	void (*setup)(void);                     /* once, or NULL */
	void (*run)(const struct fuzz_input *in); /* aborts on a bug */
};

/* Defined by each target. */
extern const struct fuzz_target fuzz_target;

/* The tiny test snapshot, open when fuzz_target.tiny. */
extern struct snapshot fuzz_tiny;

/* The scratch directory (made on first use). */
const char *fuzz_scratch(void);

/* name in the scratch directory; caller frees. */
char *fuzz_path(const char *name);

static inline void fuzz_write_at(const char *path, const void *data,
				 size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
}

/* Writes the bytes to name in the scratch directory; returns the path. */
static inline char *fuzz_write(const char *name, const void *data,
			       size_t size)
{
	char *path = fuzz_path(name);

	fuzz_write_at(path, data, size);
	return path;
}

/* A NUL-terminated copy of the bytes; caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A file of the tree (relative to its top), read whole; caller frees. */
static inline char *fuzz_read_tree(const char *rel, size_t *len)
{
	char *path = xasprintf("%s/../%s", VW_DATADIR, rel);
	char *text = NULL;
	struct err e = ERR_INIT;

	if (read_file(path, 64u << 20, &text, len, &e))
		abort();
	free(path);
	return text;
}

#endif
