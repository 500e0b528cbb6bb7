/* SPDX-License-Identifier: MIT
 * fuzz_manifest.c: libFuzzer target for optimizer/snapshot/manifest.h: the input is
 * a snapshot's manifest.json. What manifest_read accepts must write back
 * with manifest_write and read again to the same fields. Files only in
 * the fuzzer's scratch directory. */
#include "fuzzutil.h"
#include "optimizer/snapshot/manifest.h"

/* manifest_write writes an absent source as "csv", a tenant as "". */
static int same_str(const char *a, const char *b, const char *dflt)
{
	return strcmp(a ? a : dflt, b ? b : dflt) == 0;
}

static void check_same(const struct manifest *a, const struct manifest *b)
{
	if (a->format_version != b->format_version ||
	    a->exported_at != b->exported_at ||
	    a->restore_jobs_from != b->restore_jobs_from ||
	    a->backup_jobs_from != b->backup_jobs_from ||
	    a->nsubscriptions != b->nsubscriptions ||
	    a->nfiles != b->nfiles || a->nwarnings != b->nwarnings ||
	    !same_str(a->tenant_id, b->tenant_id, "") ||
	    !same_str(a->source, b->source, "csv"))
		abort();
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct manifest_file *f = &a->files[i];
		const struct manifest_file *g = manifest_file(b, f->name);
		if (!g || g->has_rows != f->has_rows ||
		    (f->has_rows && g->rows != f->rows) ||
		    g->has_sha256 != f->has_sha256 ||
		    (f->has_sha256 && strcmp(f->sha256, g->sha256)))
			abort();
	}
}

static void run(const struct fuzz_input *in)
{
	char *out = fuzz_path("manifest.out.json");
	struct manifest m, back;
	struct err e = ERR_INIT;

	memset(&m, 0, sizeof(m));
	memset(&back, 0, sizeof(back));
	if (manifest_read(&m, in->path, &e) == 0) {
		if (manifest_write(&m, out, &e) ||
		    manifest_read(&back, out, &e))
			abort();
		check_same(&m, &back);
	}
	manifest_release(&m);
	manifest_release(&back);
	free(out);
}

const struct fuzz_target fuzz_target = {
	.file = "manifest.json", .run = run,
};
