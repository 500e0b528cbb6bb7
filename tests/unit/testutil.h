/* SPDX-License-Identifier: MIT
 * testutil.h: what every cmocka unit test includes: cmocka itself (with the
 * headers it needs first), a scratch directory per test binary, small file
 * helpers, capture of stdout/stderr, and assert_err for exact error codes
 * and messages. Tests run from the top of the tree (tests/run.sh). */
#ifndef VW_TESTUTIL_H
#define VW_TESTUTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"

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

/* The next value of a xorshift64 stream: test inputs that are random
 * in shape but the same on every run (each test keeps its own seed). */
static inline uint64_t test_xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Path of name in the scratch directory; caller frees. */
static inline char *test_path(const char *name)
{
	return path_join(test_scratch(), name);
}

/* Writes len bytes of data (NULs too) to name in the scratch directory;
 * returns the path (caller frees). */
static inline char *test_write_bytes(const char *name, const char *data,
				     size_t len)
{
	char *path = test_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Writes content to name in the scratch directory; returns the path. */
static inline char *test_write(const char *name, const char *content)
{
	return test_write_bytes(name, content, strlen(content));
}

/* A whole file's contents, or NULL when it cannot be read; caller frees. */
static inline char *test_read(const char *path)
{
	struct err e = ERR_INIT;
	char *text = NULL;

	if (read_file(path, 1u << 24, &text, NULL, &e))
		return NULL;
	return text;
}

static inline int test_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static inline int test_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (without . and ..), sorted, one space between them:
 * what a user would see with ls -A. Caller frees. */
static inline char *test_ls(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) && n < ARRAY_SIZE(names))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = xstrdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), test_cmp_names);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	return strbuf_detach(&sb);
}

/* Sends what the code under test writes to fd 1 or 2 into a scratch file
 * until test_capture_end, which returns it (caller frees). */
static int test_saved_fd[3] = { -1, -1, -1 };

static inline void test_capture_begin(int fd)
{
	char *path = test_path(fd == 1 ? "captured.stdout" : "captured.stderr");
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(out >= 0);
	fflush(fd == 1 ? stdout : stderr);
	test_saved_fd[fd] = dup(fd);
	dup2(out, fd);
	close(out);
	free(path);
}

static inline char *test_capture_end(int fd)
{
	char *path = test_path(fd == 1 ? "captured.stdout" : "captured.stderr");
	char *text;

	fflush(fd == 1 ? stdout : stderr);
	dup2(test_saved_fd[fd], fd);
	close(test_saved_fd[fd]);
	test_saved_fd[fd] = -1;
	text = test_read(path);
	unlink(path);
	free(path);
	return text;
}

/* Asserts that e holds exactly this exit code and this message (a printf
 * format, so that paths can be spliced in). */
#define assert_err(e, want_code, ...)                                   \
	do {                                                            \
		char *want_msg_ = xasprintf(__VA_ARGS__);               \
		assert_string_equal((e)->msg, want_msg_);               \
		assert_int_equal((e)->code, (want_code));               \
		free(want_msg_);                                        \
	} while (0)

/* A group teardown that removes the scratch directory. */
static inline int test_teardown_scratch(void **state)
{
	(void)state;
	test_scratch_cleanup();
	return 0;
}

/* The data directory of the source tree (tests run from the top). */
#define TEST_DATA(rel) (VW_DATADIR "/" rel)

#endif
