/* SPDX-License-Identifier: MIT
 * journal.h: the apply journal. Append-only, one JSON object per line, each
 * line fsync'd before the action it records goes further, and each carrying
 * in "prev" the SHA-256 of the line before it, so that a journal edited or
 * cut in the middle is detected (the line after the damage is where the
 * chain breaks; the message names both). The chain has no key: it catches
 * accidents and careless edits, not someone who rewrites every hash; and
 * an edit of the very last line keeps valid JSON undetected. The first
 * line names the plan it belongs to. A line cut short by a crash (no
 * newline at the end) was never acknowledged: reading ignores it and
 * reopening removes it (a journal whose header was cut short starts
 * over).
 * The journal's length and last hash are anchored outside it, in PATH.head
 * (one fixed-width line, rewritten in place after each line's fsync), so
 * that a journal cut at its end, or edited and re-chained, no longer
 * matches its head. The head is not fsync'd: after a crash it may name an
 * earlier line, which the journal must then still hold unchanged.
 * Used by apply to resume a run: the latest state of each row tells what is
 * done and what is left. Touches only the journal file. */
#ifndef VW_JOURNAL_H
#define VW_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"

#define JOURNAL_MAX_LINE (64 * 1024)

struct journal {
	int fd;
	char *path;
	char prev[SHA256_HEX_LEN];  /* SHA-256 of the last line */
	unsigned long seq;          /* of the last line */
	off_t size;                 /* bytes of complete lines */
	int head_fd;                /* PATH.head, or -1 */
};

#define JOURNAL_HEAD_SUFFIX ".head"

/* The journal's anchor: its number of complete lines and the SHA-256 of
 * the last of them. */
struct journal_head {
	unsigned long lines;
	char sha[SHA256_HEX_LEN];
};

/* Called per complete line after its chain link is checked; entry is the
 * parsed line (borrowed). */
typedef int (*journal_fn)(void *ctx, size_t line, const cJSON *entry,
			  struct err *e);

struct journal_check {
	unsigned long lines;     /* complete, verified lines */
	bool incomplete_tail;    /* a last line without its newline */
	size_t complete_bytes;   /* length of the verified lines */
	char last[SHA256_HEX_LEN]; /* SHA-256 of the last verified line */
	char plan[SHA256_HEX_LEN];
	bool anchored;           /* PATH.head exists and matched */
};

/* Reads and verifies path; calls fn (may be NULL) for each entry line.
 * A broken chain, bad JSON or a gap in seq is an error naming the line;
 * so is a journal shorter than its head says, or whose line the head
 * names is not the one the head recorded (65). A missing head (a journal
 * of an older vaultwise) is accepted: out->anchored is false. */
int journal_read(const char *path, journal_fn fn, void *ctx,
		 struct journal_check *out, struct err *e);

/* Opens path for appending, creating it with a header naming plan_sha when
 * it does not exist; an existing journal must verify and belong to the same
 * plan. An incomplete last line is cut off. */
int journal_open(struct journal *j, const char *path, const char *plan_sha,
		 struct err *e);

/* Appends {"seq","time","row","state", fields..., "prev"} and fsyncs. The
 * fields object (may be NULL) is not consumed. */
int journal_append(struct journal *j, const char *row, const char *state,
		   const cJSON *fields, struct err *e);

void journal_close(struct journal *j);

/* Verifies path against an anchor kept elsewhere (apply_results.csv):
 * as journal_read against its head; anchor_desc names it in messages
 * ("apply_results.csv (out/plan/apply_results.csv)"). */
int journal_check_anchor(const char *path, const struct journal_head *anchor,
			 const char *anchor_desc, struct err *e);

/* Reads PATH.head into h; 1 when there is none (or it is empty, created
 * but never written before a crash), 0 when read, -1 (65) when it is not
 * a head. */
int journal_head_read(const char *path, struct journal_head *h,
		      struct err *e);

#endif
