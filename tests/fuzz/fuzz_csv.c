/* SPDX-License-Identifier: MIT
 * fuzz_csv.c: libFuzzer target for optimizer/base/csvio.h, the streaming CSV
 * reader. The first byte picks one of the snapshot schemas (vaults,
 * policies, items, recovery points, jobs, guards); the rest is the file.
 * Every field of every row goes through each typed getter (string, long,
 * int, double, time, bool, enum), optional and required, and the row
 * count and SHA-256 csv_read reports are checked against the bytes. Files
 * only in the fuzzer's scratch directory. */
#include <openssl/evp.h>

#include "optimizer/base/csvio.h"
#include "fuzzutil.h"

struct seen {
	uint64_t rows;
	size_t last_line;
};

static void get_all(const struct csv_row *r, int col, unsigned flags)
{
	const char *s = flags & ROW_OPTIONAL ? "" : NULL; /* kept if empty */
	long l = 0;
	int i = 0;
	double d = 0;
	int64_t t = 0;
	bool b = false;
	struct err e = ERR_INIT;

	if (row_str(r, col, flags, &s, &e) == 0 && !s)
		abort();
	err_clear(&e);
	(void)row_long(r, col, flags, -1000000, 1000000, &l, &e);
	err_clear(&e);
	(void)row_int(r, col, flags, 0, 24, &i, &e);
	err_clear(&e);
	(void)row_double(r, col, flags, -1e9, 1e9, &d, &e);
	err_clear(&e);
	(void)row_time(r, col, flags, &t, &e);
	err_clear(&e);
	(void)row_bool(r, col, flags, &b, &e);
	err_clear(&e);
	(void)row_enum(r, col, flags, rp_kind_names, RK_COUNT, &i, &e);
	err_clear(&e);
	(void)row_error(r, col, &e, "anything");
}

static int each_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct seen *sn = ctx;

	(void)e;
	/* lines count LFs: a bare CR ends a row on the same line */
	if (r->line < sn->last_line)
		abort();
	sn->last_line = r->line;
	sn->rows++;
	for (size_t c = 0; c < r->schema->ncols; c++) {
		if (!r->val[c])
			abort();
		get_all(r, (int)c, 0);
		get_all(r, (int)c, ROW_OPTIONAL);
	}
	return 0;
}

static void check_info(const struct csv_file_info *info, const uint8_t *data,
		       size_t size, const struct seen *sn)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[SHA256_HEX_LEN];

	EVP_Digest(data, size, md, &len, EVP_sha256(), NULL);
	hex_encode(md, len, hex);
	if (info->rows != sn->rows || info->bytes != size ||
	    strcmp(info->sha256, hex) != 0)
		abort();
}

static void run(const struct fuzz_input *in)
{
	const struct csv_schema *schema = snapshot_schemas[in->pick % SF_COUNT];
	struct csv_file_info info;
	struct seen sn = { 0, 0 };
	struct err e = ERR_INIT;

	if (csv_read(in->path, schema, each_row, &sn, &info, &e) == 0)
		check_info(&info, in->data, in->size, &sn);
	else if (!e.code || !e.msg[0])
		abort();
}

const struct fuzz_target fuzz_target = {
	.pick = true, .file = "file.csv", .run = run,
};
