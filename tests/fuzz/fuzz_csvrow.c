/* SPDX-License-Identifier: MIT
 * fuzz_csvrow.c: libFuzzer target for optimizer/base/csvrow.h, csvscan's
 * mask splitter: the input read by each instruction set the CPU runs
 * (CSVSKIP_C never takes the splitter: its per-field scan is the
 * reference) gives the same rows, lines and error, read into the buffer
 * with and without the SHA-256. Files only in the fuzzer's scratch
 * directory. */
#include "optimizer/base/csvscan.h"
#include "optimizer/base/csvskip.h"
#include "fuzzutil.h"

struct got {
	struct strbuf rows; /* "LINE:f1|f2|...\n" a row */
	int rc;
	struct err e;
};

static void scan(const char *path, int isa, bool hash, struct got *g)
{
	struct csvscan s;

	*g = (struct got){ STRBUF_INIT, 0, ERR_INIT };
	if ((g->rc = csvscan_open(&s, path, hash, &g->e)) != 0)
		return;
	s.isa = isa;
	while ((g->rc = csvscan_next(&s, &g->e)) > 0) {
		strbuf_addf(&g->rows, "%zu:", s.row_line);
		for (size_t i = 0; i < s.nfields; i++)
			strbuf_addf(&g->rows, "%s%s", i ? "|" : "",
				    s.field[i]);
		strbuf_addch(&g->rows, '\n');
	}
	csvscan_close(&s);
}

static bool same(const struct got *a, const struct got *b)
{
	return a->rc == b->rc &&
	       strcmp(a->rows.buf ? a->rows.buf : "",
		      b->rows.buf ? b->rows.buf : "") == 0 &&
	       a->e.code == b->e.code && strcmp(a->e.msg, b->e.msg) == 0;
}

static void run(const struct fuzz_input *in)
{
	static const int isas[] = { CSVSKIP_SSE2, CSVSKIP_AVX2,
				    CSVSKIP_AVX512 };
	struct got want, g;

	scan(in->path, CSVSKIP_C, false, &want);
	for (size_t i = 0; i < sizeof(isas) / sizeof(*isas); i++) {
		if (!csvskip_supported(isas[i]))
			continue;
		for (int hash = 0; hash < 2; hash++) {
			scan(in->path, isas[i], hash, &g);
			if (!same(&want, &g))
				abort();
			strbuf_release(&g.rows);
		}
	}
	strbuf_release(&want.rows);
}

const struct fuzz_target fuzz_target = { .file = "file.csv", .run = run };
