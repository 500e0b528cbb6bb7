/* SPDX-License-Identifier: MIT
 * fuzz_journal.c: libFuzzer target for optimizer/apply/journal.h, the apply
 * journal. The first byte picks a mode; the rest is the journal file.
 * Mode bit 0 re-chains the lines first: in each line, the 64 characters
 * after "prev":" are replaced by the SHA-256 of the line before (zeros
 * for the first), so the fuzzer reaches past the hash chain. Then
 * journal_read verifies it, and journal_open (mode bit 1) reopens it for
 * the same plan, appends one entry and closes: what it leaves must read
 * back whole. Files only in the fuzzer's scratch directory. */
#include <openssl/evp.h>

#include "fuzzutil.h"
#include "optimizer/apply/journal.h"

#define PREV_KEY "\"prev\":\""
#define ZEROS "00000000000000000000000000000000" \
	      "00000000000000000000000000000000"
#define PLAN "9f86d081884c7d659a2feaa0c55ad015" \
	     "a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void sha256_hex(const char *data, size_t n, char out[SHA256_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	hex_encode(md, len, out);
}

/* Rewrites each line's "prev" (in place) to chain to the line before. */
static void rechain(char *text, size_t n)
{
	char prev[SHA256_HEX_LEN] = ZEROS;
	size_t start = 0;

	while (start < n) {
		char *nl = memchr(text + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - text) : n;
		char *line = text + start, *at;

		text[end] = '\0';
		at = strstr(line, PREV_KEY);
		if (at && strlen(at) >= strlen(PREV_KEY) + 64)
			memcpy(at + strlen(PREV_KEY), prev, 64);
		if (nl)
			*nl = '\n';
		sha256_hex(line, end - start, prev);
		start = end + 1;
	}
}

static int count_entry(void *ctx, size_t line, const cJSON *entry,
		       struct err *e)
{
	(void)line;
	(void)e;
	if (!cJSON_IsObject(entry))
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

/* Reopens a journal that verified, for its own plan, and appends an
 * entry: it must then read back whole, one line longer. A journal with no
 * complete line (a header cut short by a crash) was never started: apply
 * starts it over for any plan, leaving a header and the entry. */
static void reopen_append(const char *path, const struct journal_check *chk)
{
	const char *plan = chk->lines ? chk->plan : PLAN;
	unsigned long lines = chk->lines ? chk->lines + 1 : 2;
	struct journal j;
	struct journal_check after;
	struct err e = ERR_INIT;
	size_t n = 0;
	cJSON *fields = cJSON_CreateObject();

	cJSON_AddStringToObject(fields, "note", "fuzz");
	if (journal_open(&j, path, plan, &e))
		abort();
	if (journal_append(&j, "row-1", "done", fields, &e))
		abort();
	journal_close(&j);
	if (journal_read(path, count_entry, &n, &after, &e) ||
	    after.incomplete_tail || after.lines != lines ||
	    n + 1 != lines || strcmp(after.plan, plan) != 0)
		abort();
	cJSON_Delete(fields);
}

static void run(const struct fuzz_input *in)
{
	struct journal_check chk;
	struct err e = ERR_INIT;
	size_t n = 0;

	if (in->pick & 1) {
		char *text = fuzz_cstr(in->data, in->size);
		rechain(text, in->size);
		fuzz_write_at(in->path, text, in->size);
		free(text);
	}
	memset(&chk, 0, sizeof(chk));
	if (journal_read(in->path, count_entry, &n, &chk, &e) == 0) {
		if (chk.lines ? n + 1 != chk.lines : !chk.incomplete_tail)
			abort();
		if (in->pick & 2)
			reopen_append(in->path, &chk);
	}
}

const struct fuzz_target fuzz_target = {
	.pick = true, .max_size = 2 * JOURNAL_MAX_LINE,
	.file = "journal.jsonl", .run = run,
};
