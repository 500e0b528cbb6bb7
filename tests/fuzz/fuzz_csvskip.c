/* SPDX-License-Identifier: MIT
 * fuzz_csvskip.c: libFuzzer target for optimizer/base/csvskip.h, the word
 * filter under csvscan: the input, read with the word "backup" after its
 * header row, by each instruction set the CPU runs, mapped and buffered,
 * gives the same rows, lines, skipped count and error every way. When a
 * plain read accepts it and it holds no CR and no line of only spaces
 * and tabs (rows the filter counts otherwise, csvskip.h), the rows kept
 * are the plain read's rows that hold the word, and the others are the
 * rows skipped. Files only in the fuzzer's scratch directory. */
#include <strings.h>

#include "optimizer/base/csvscan.h"
#include "optimizer/base/csvskip.h"
#include "fuzzutil.h"

#define WORD "backup"

struct got {
	struct strbuf rows; /* "LINE:f1|f2|...\n" a row kept */
	uint64_t skipped;
	int rc;
	struct err e;
};

static bool holds_word(const struct csvscan *s)
{
	for (size_t i = 0; i < s->nfields; i++)
		for (const char *f = s->field[i]; *f; f++)
			if (strncasecmp(f, WORD, strlen(WORD)) == 0)
				return true;
	return false;
}

/* With isa >= 0 through the filter, else a plain read keeping the rows
 * that hold the word. */
static void scan(const char *path, int isa, bool hash, struct got *g)
{
	struct csvscan s;

	*g = (struct got){ STRBUF_INIT, 0, 0, ERR_INIT };
	if ((g->rc = csvscan_open(&s, path, hash, &g->e)) != 0)
		return;
	g->rc = csvscan_next(&s, &g->e);
	if (g->rc > 0 && isa >= 0) {
		csvscan_set_word(&s, WORD);
		s.isa = isa;
	}
	while (g->rc > 0 && (g->rc = csvscan_next(&s, &g->e)) > 0) {
		if (isa < 0 && !holds_word(&s)) {
			g->skipped++;
			continue;
		}
		strbuf_addf(&g->rows, "%zu:", s.row_line);
		for (size_t i = 0; i < s.nfields; i++)
			strbuf_addf(&g->rows, "%s%s", i ? "|" : "",
				    s.field[i]);
		strbuf_addch(&g->rows, '\n');
	}
	if (isa >= 0)
		g->skipped = s.skipped;
	csvscan_close(&s);
}

static bool same(const struct got *a, const struct got *b)
{
	return a->rc == b->rc && a->skipped == b->skipped &&
	       strcmp(a->rows.buf ? a->rows.buf : "",
		      b->rows.buf ? b->rows.buf : "") == 0 &&
	       a->e.code == b->e.code && strcmp(a->e.msg, b->e.msg) == 0;
}

/* Whether rows are counted alike by the filter and the reader: no CR,
 * no line of only spaces and tabs. */
static bool comparable(const uint8_t *data, size_t size)
{
	size_t start = 0;
	bool blank = true;

	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			if (blank && i > start)
				return false;
			start = i + 1;
			blank = true;
		} else if (data[i] == '\r') {
			return false;
		} else if (data[i] != ' ' && data[i] != '\t') {
			blank = false;
		}
	}
	return true;
}

static void run(const struct fuzz_input *in)
{
	static const int isas[] = { CSVSKIP_C, CSVSKIP_SSE2, CSVSKIP_AVX2 };
	struct got first, g;
	bool have = false;

	for (size_t i = 0; i < sizeof(isas) / sizeof(*isas); i++) {
		if (!csvskip_supported(isas[i]))
			continue;
		for (int hash = 0; hash < 2; hash++) {
			scan(in->path, isas[i], hash, have ? &g : &first);
			if (!have) {
				have = true;
				continue;
			}
			if (!same(&first, &g))
				abort();
			strbuf_release(&g.rows);
		}
	}
	scan(in->path, -1, false, &g);
	if (g.rc == 0 && comparable(in->data, in->size) &&
	    !same(&first, &g))
		abort();
	strbuf_release(&g.rows);
	strbuf_release(&first.rows);
}

const struct fuzz_target fuzz_target = { .file = "file.csv", .run = run };
