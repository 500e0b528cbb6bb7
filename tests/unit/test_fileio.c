/* SPDX-License-Identifier: MIT
 * test_fileio.c: atomic files and output directories (nothing half-written
 * is ever visible, nothing is left behind), mkdir -p, bounded whole-file
 * reads, SHA-256 of files, and the data files found through
 * VAULTWISE_DATA. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#include "optimizer/base/datadir.h"

static void test_fileio__sha256_of_known_contents(void **state)
{
	struct err e = ERR_INIT;
	char sum[SHA256_HEX_LEN];
	char *abc = test_write("abc.txt", "abc");
	char *empty = test_write("empty.txt", "");
	char *missing = test_path("missing.txt");

	(void)state;
	assert_int_equal(sha256_file(abc, sum, &e), 0);
	assert_string_equal(sum, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(sha256_file(empty, sum, &e), 0);
	assert_string_equal(sum, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(sha256_file(missing, sum, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open '%s': No such file or directory", missing);
	free(abc);
	free(empty);
	free(missing);
}

/* A file longer than the steps it is hashed in, ending mid-step: the
 * sum is sha256sum's. */
static void test_fileio__sha256_of_a_file_of_several_megabytes(void **state)
{
	size_t n = (5u << 20) + 3;
	struct err e = ERR_INIT;
	char sum[SHA256_HEX_LEN];
	char *text = xmalloc(n + 1), *path;

	(void)state;
	for (size_t i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	text[n] = 0;
	path = test_write("alphabet.txt", text);
	assert_int_equal(sha256_file(path, sum, &e), 0);
	assert_string_equal(sum, "c871d4c74e42c215e03963f0e7bebd2a"
				 "f970b14c904100ded8a669ea38d8dbfe");
	free(text);
	free(path);
}

static void test_fileio__read_file_is_bounded(void **state)
{
	struct err e = ERR_INIT;
	char *path = test_write("five.txt", "12345");
	char *missing = test_path("nope.txt");
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(read_file(path, 5, &text, &len, &e), 0);
	assert_string_equal(text, "12345");
	assert_int_equal(len, 5);
	free(text);
	text = NULL;
	assert_int_equal(read_file(path, 4, &text, NULL, &e), -1);
	assert_null(text);
	assert_err(&e, EXIT_DATAERR, "%s: larger than the 4 bytes allowed",
		   path);
	err_clear(&e);
	assert_int_equal(read_file(missing, 10, &text, NULL, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open '%s': No such file or directory", missing);
	free(missing);
	free(path);
}

static void test_fileio__mkdir_p(void **state)
{
	struct err e = ERR_INIT;
	char *deep = test_path("m/a/b/c");
	char *file = test_write("plainfile", "x");
	char *under = test_path("plainfile/sub");

	(void)state;
	assert_int_equal(mkdir_p(deep, &e), 0);
	assert_true(test_exists(deep));
	assert_int_equal(mkdir_p(deep, &e), 0); /* already there: fine */
	assert_int_equal(mkdir_p(under, &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Not a directory",
		   under);
	free(deep);
	free(file);
	free(under);
}

static void test_fileio__afile_commit_and_abort(void **state)
{
	struct err e = ERR_INIT;
	struct afile af;
	char *dir = test_path("af");
	char *path = path_join(dir, "out.txt");
	char *ls, *text;

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_open(&af, path, &e), 0);
	fputs("half", af.f);
	assert_false(test_exists(path)); /* not visible until committed */
	afile_abort(&af);
	afile_abort(&af); /* twice is fine */
	ls = test_ls(dir);
	assert_string_equal(ls, "");
	free(ls);

	assert_int_equal(afile_open(&af, path, &e), 0);
	fputs("whole\n", af.f);
	assert_int_equal(afile_commit(&af, &e), 0);
	assert_null(af.tmp);
	text = test_read(path);
	assert_string_equal(text, "whole\n");
	free(text);
	assert_int_equal(afile_write_string(path, "replaced\n", &e), 0);
	text = test_read(path);
	assert_string_equal(text, "replaced\n");
	free(text);
	ls = test_ls(dir);
	assert_string_equal(ls, "out.txt");
	free(ls);
	free(path);
	free(dir);
}

/* A link planted where the temporary twin goes (a shared directory, a
 * guessed PID) is refused with 73, and its target is never written. */
static void test_fileio__afile_refuses_a_planted_link(void **state)
{
	struct err e = ERR_INIT;
	struct afile af;
	char *victim = test_write("victim.txt", "precious\n");
	char *path = test_path("out.csv");
	char *twin = xasprintf("%s/.out.csv.tmp.%ld", test_scratch(),
			       (long)getpid());
	char *text;

	(void)state;
	assert_int_equal(symlink(victim, twin), 0);
	assert_int_equal(afile_open(&af, path, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot write '%s': '%s' is already there (a symbolic link "
		   "or a leftover); vaultwise never writes through a link "
		   "(remove it and run again)",
		   path, twin);
	text = test_read(victim);
	assert_string_equal(text, "precious\n");
	assert_false(test_exists(path));
	free(text);
	unlink(twin);
	free(twin);
	free(path);
	free(victim);
}

static void test_fileio__afile_in_a_missing_directory(void **state)
{
	struct err e = ERR_INIT;
	struct afile af;
	char *path = test_path("no-dir/out.txt");

	(void)state;
	assert_int_equal(afile_open(&af, path, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot create '%s': No such file or directory", path);
	assert_null(af.tmp);
	assert_null(af.final);
	free(path);
}

static void test_fileio__afile_where_a_file_cannot_be(void **state)
{
	struct err e = ERR_INIT;
	struct afile af;
	char *file = test_write("a-file", "x");
	char *under = test_path("a-file/out.txt");
	char *dir = test_path("a-dir");
	char *ls;

	(void)state;
	/* a file where a directory should be */
	assert_int_equal(afile_open(&af, under, &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Not a directory",
		   under);
	/* a directory where the file should be: nothing is left behind */
	err_clear(&e);
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_write_string(dir, "x", &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Is a directory",
		   dir);
	ls = test_ls(test_scratch());
	assert_null(strstr(ls, ".a-dir.tmp"));
	free(ls);
	free(file);
	free(under);
	free(dir);
}

static void test_fileio__outdir_assembled_then_swapped_in(void **state)
{
	struct err e = ERR_INIT;
	struct outdir d;
	char *parent = test_path("od/nested");
	char *path = path_join(parent, "plan/"); /* a trailing slash is fine */
	char *final = path_join(parent, "plan");
	char *inner, *ls, *marker, *text;

	(void)state;
	assert_int_equal(outdir_begin(&d, path, "plan", &e), 0);
	inner = outdir_file(&d, "plan.csv");
	assert_int_equal(afile_write_string(inner, "a\n", &e), 0);
	free(inner);
	assert_false(test_exists(final)); /* not visible until committed */
	assert_int_equal(outdir_commit(&d, &e), 0);
	ls = test_ls(final);
	assert_string_equal(ls, ".vaultwise plan.csv");
	free(ls);
	marker = path_join(final, ".vaultwise");
	text = test_read(marker);
	assert_string_equal(text, "plan");
	free(text);
	free(marker);
	ls = test_ls(parent);
	assert_string_equal(ls, "plan");
	free(ls);

	/* an aborted directory leaves the committed one alone */
	assert_int_equal(outdir_begin(&d, final, "plan", &e), 0);
	outdir_abort(&d);
	outdir_abort(&d);
	ls = test_ls(parent);
	assert_string_equal(ls, "plan");
	free(ls);
	free(final);
	free(path);
	free(parent);
}

struct watch {
	const char *path;
	atomic_bool stop;
	atomic_long looks, misses;
};

static void *watch_path(void *arg)
{
	struct watch *w = arg;

	while (!atomic_load(&w->stop)) {
		if (access(w->path, F_OK) != 0)
			atomic_fetch_add(&w->misses, 1);
		atomic_fetch_add(&w->looks, 1);
	}
	return NULL;
}

/* A directory replaced by a new one is never missing from its path, not
 * even between the two: apply locks a plan directory only if it is there,
 * and a plan or run replacing it must not leave a moment without it. */
static void test_fileio__outdir_replaced_never_missing(void **state)
{
	struct err e = ERR_INIT;
	struct outdir d;
	char *parent = test_path("swap");
	char *final = path_join(parent, "plan");
	struct watch w = { .path = final };
	pthread_t t;
	char *inner, *ls;

	(void)state;
	assert_int_equal(outdir_begin(&d, final, "plan", &e), 0);
	assert_int_equal(outdir_commit(&d, &e), 0);
	assert_int_equal(pthread_create(&t, NULL, watch_path, &w), 0);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(outdir_begin(&d, final, "plan", &e), 0);
		inner = outdir_file(&d, "plan.csv");
		assert_int_equal(afile_write_string(inner, "a\n", &e), 0);
		free(inner);
		assert_int_equal(outdir_commit(&d, &e), 0);
	}
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	assert_true(atomic_load(&w.looks) > 0);
	assert_int_equal(atomic_load(&w.misses), 0);
	ls = test_ls(final);
	assert_string_equal(ls, ".vaultwise plan.csv");
	free(ls);
	ls = test_ls(parent); /* no old directory left behind */
	assert_string_equal(ls, "plan");
	free(ls);
	free(final);
	free(parent);
}

static void test_fileio__outdir_under_a_file(void **state)
{
	struct err e = ERR_INIT;
	struct outdir d;
	char *file = test_write("plain", "not a directory\n");
	char *path = test_path("plain/plan");

	(void)state;
	assert_int_equal(outdir_begin(&d, path, "plan", &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Not a directory",
		   path);
	free(file);
	free(path);
}

static void test_fileio__outdir_check_before_the_work(void **state)
{
	struct err e = ERR_INIT;
	char *mine = test_path("mine");
	char *ours = test_path("ours");
	char *empty = test_path("empty");
	char *file = test_write("file", "x\n");
	char *absent = test_path("absent");

	(void)state;
	assert_int_equal(mkdir_p(mine, &e), 0);
	free(test_write("mine/notes.txt", "my notes\n"));
	assert_int_equal(mkdir_p(ours, &e), 0);
	free(test_write("ours/" OUTDIR_MARKER, "plan"));
	free(test_write("ours/plan.csv", "a\n"));
	assert_int_equal(mkdir_p(empty, &e), 0);
	assert_int_equal(outdir_check(absent, &e), 0);
	assert_int_equal(outdir_check(empty, &e), 0);
	assert_int_equal(outdir_check(ours, &e), 0);
	assert_true(test_exists(empty)); /* checking removes nothing */
	assert_int_equal(outdir_check(mine, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "refusing to replace '%s': it is not empty and was not "
		   "written by vaultwise",
		   mine);
	err_clear(&e);
	assert_int_equal(outdir_check(file, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot replace '%s': it is not a directory", file);
	free(mine);
	free(ours);
	free(empty);
	free(file);
	free(absent);
}

static void test_fileio__afile_check_before_the_work(void **state)
{
	struct err e = ERR_INIT;
	char *file = test_write("plain.txt", "x\n");
	char *dir = test_path("a-dir");
	char *ok = test_path("new.csv");
	char *under_file = test_path("plain.txt/new.csv");
	char *no_dir = test_path("no-dir/new.csv");

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_check(ok, &e), 0);
	assert_int_equal(afile_check(file, &e), 0); /* replaced on commit */
	assert_false(test_exists(ok));
	assert_int_equal(afile_check(no_dir, &e), -1);
	assert_err(&e, EXIT_CANTCREAT,
		   "cannot create '%s': No such file or directory", no_dir);
	err_clear(&e);
	assert_int_equal(afile_check(under_file, &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Not a directory",
		   under_file);
	err_clear(&e);
	assert_int_equal(afile_check(dir, &e), -1);
	assert_err(&e, EXIT_CANTCREAT, "cannot create '%s': Is a directory",
		   dir);
	free(file);
	free(dir);
	free(ok);
	free(under_file);
	free(no_dir);
}

static void test_fileio__remove_tree(void **state)
{
	struct err e = ERR_INIT;
	char *dir = test_path("rt/a/b");
	char *top = test_path("rt");
	char *f = path_join(dir, "file");

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	assert_int_equal(afile_write_string(f, "x", &e), 0);
	assert_int_equal(remove_tree(top), 0);
	assert_false(test_exists(top));
	free(f);
	free(top);
	free(dir);
}

static void test_fileio__data_file_names_vaultwise_data(void **state)
{
	struct err e = ERR_INIT;
	char *dir = test_path("data");
	char *installed = data_dir();
	char *path;

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	free(test_write("data/timezones.csv", "windows_name\n"));
	setenv("VAULTWISE_DATA", dir, 1);
	path = data_file("timezones.csv", &e);
	assert_non_null(path);
	assert_true(str_ends_with(path, "/data/timezones.csv"));
	free(path);
	assert_null(data_file("prices/prices.csv", &e));
	assert_err(&e, EXIT_NOINPUT,
		   "VAULTWISE_DATA is '%s', which has no prices/prices.csv "
		   "(unset it to use the data installed with vaultwise in "
		   "%s)",
		   dir, installed);
	unsetenv("VAULTWISE_DATA");
	free(installed);
	free(dir);
}

/* Without VAULTWISE_DATA the data is found next to the binary: for a test
 * binary in build/tests/, the source tree's data/. */
static void test_fileio__data_file_next_to_the_binary(void **state)
{
	struct err e = ERR_INIT;
	char *dir = data_dir();
	char *path;

	(void)state;
	unsetenv("VAULTWISE_DATA");
	assert_true(str_ends_with(dir, "/data"));
	path = data_file("timezones.csv", &e);
	assert_non_null(path);
	assert_true(str_starts_with(path, dir));
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fileio__sha256_of_known_contents),
		cmocka_unit_test(
			test_fileio__sha256_of_a_file_of_several_megabytes),
		cmocka_unit_test(test_fileio__read_file_is_bounded),
		cmocka_unit_test(test_fileio__mkdir_p),
		cmocka_unit_test(test_fileio__afile_commit_and_abort),
		cmocka_unit_test(test_fileio__afile_in_a_missing_directory),
		cmocka_unit_test(test_fileio__afile_refuses_a_planted_link),
		cmocka_unit_test(test_fileio__afile_where_a_file_cannot_be),
		cmocka_unit_test(test_fileio__outdir_assembled_then_swapped_in),
		cmocka_unit_test(test_fileio__outdir_replaced_never_missing),
		cmocka_unit_test(test_fileio__outdir_under_a_file),
		cmocka_unit_test(test_fileio__outdir_check_before_the_work),
		cmocka_unit_test(test_fileio__afile_check_before_the_work),
		cmocka_unit_test(test_fileio__remove_tree),
		cmocka_unit_test(test_fileio__data_file_names_vaultwise_data),
		cmocka_unit_test(test_fileio__data_file_next_to_the_binary),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
