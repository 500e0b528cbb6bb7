/* SPDX-License-Identifier: MIT
 * driver.c: libFuzzer's entry points for every fuzz target (fuzzutil.h):
 * set-up once as the target asks (its file's path, the tiny snapshot, its
 * own set-up), then for each input: too short or too long is skipped, the
 * choosing byte taken off, the rest written to the target's file, and the
 * target's check run. And the scratch directory the targets' files live
 * in, removed at exit. */
#include "fuzzutil.h"

struct snapshot fuzz_tiny;

static char fuzz_dir[256];
static char *input_path;

static void fuzz_cleanup(void)
{
	if (fuzz_dir[0])
		remove_tree(fuzz_dir);
}

const char *fuzz_scratch(void)
{
	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/vwfuzz.XXXXXX",
			 tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

char *fuzz_path(const char *name)
{
	return path_join(fuzz_scratch(), name);
}

static void open_tiny(void)
{
	struct err e = ERR_INIT;
	char *dir = xasprintf("%s/../tests/data/tiny-snapshot", VW_DATADIR);

	if (snapshot_open(&fuzz_tiny, dir, &e))
		abort();
	free(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_setup(LOG_ERROR, 0);
	if (fuzz_target.file)
		input_path = fuzz_path(fuzz_target.file);
	if (fuzz_target.tiny)
		open_tiny();
	if (fuzz_target.setup)
		fuzz_target.setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_target *t = &fuzz_target;
	struct fuzz_input in = { data, size, 0, input_path };

	if (size < t->min_size || (t->pick && size < 1) ||
	    (t->max_size && size > t->max_size))
		return 0;
	if (t->pick) {
		in.pick = data[0];
		in.data++;
		in.size--;
	}
	if (in.path)
		fuzz_write_at(in.path, in.data, in.size);
	t->run(&in);
	return 0;
}
