/* SPDX-License-Identifier: MIT
 * testutil.h: what every cmocka unit test includes: cmocka itself (with the
 * headers it needs first), a scratch directory per test binary, and small
 * file helpers. Tests run from the top of the tree (tests/run.sh). */
#ifndef VW_TESTUTIL_H
#define VW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "fileio.h"
#include "util.h"

/* A fresh directory under $TMPDIR for this test binary; removed by
 * test_scratch_cleanup. */
static char scratch_dir[256];

static inline const char *test_scratch(void)
{
	if (!scratch_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(scratch_dir, sizeof(scratch_dir), "%s/vwtest.XXXXXX",
			 tmp ? tmp : "/tmp");
		if (!mkdtemp(scratch_dir))
			fail_msg("cannot create a scratch directory");
	}
	return scratch_dir;
}

static inline void test_scratch_cleanup(void)
{
	if (scratch_dir[0])
		remove_tree(scratch_dir);
	scratch_dir[0] = '\0';
}

/* Path of name in the scratch directory; caller frees. */
static inline char *test_path(const char *name)
{
	return path_join(test_scratch(), name);
}

/* Writes content to name in the scratch directory; returns the path. */
static inline char *test_write(const char *name, const char *content)
{
	char *path = test_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	return path;
}

/* The data directory of the source tree (tests run from the top). */
#define TEST_DATA(rel) (VW_DATADIR "/" rel)

#endif
