/* SPDX-License-Identifier: MIT
 * fuzzutil.h: what the libFuzzer targets (tests/fuzz/fuzz_*.c) share: a
 * scratch directory per process (removed at exit), writing the fuzzer's
 * bytes to a file there, a NUL-terminated copy of them, paths under the
 * top of the tree, and quiet logging. Only the fuzz targets include it;
 * it never touches anything outside the scratch directory. */
#ifndef VW_FUZZUTIL_H
#define VW_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[256];

static void fuzz_cleanup(void)
{
	if (fuzz_dir[0])
		remove_tree(fuzz_dir);
}

/* The scratch directory (made on first use) and quiet logging. */
static inline const char *fuzz_scratch(void)
{
	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/vwfuzz.XXXXXX",
			 tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
		log_setup(LOG_ERROR, 0);
	}
	return fuzz_dir;
}

/* name in the scratch directory; caller frees. */
static inline char *fuzz_path(const char *name)
{
	return path_join(fuzz_scratch(), name);
}

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

/* Copies a file of the tree into the scratch directory as name. */
static inline void fuzz_copy_tree(const char *rel, const char *name)
{
	size_t len;
	char *text = fuzz_read_tree(rel, &len);

	free(fuzz_write(name, text, len));
	free(text);
}

#endif
