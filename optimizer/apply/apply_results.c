/* SPDX-License-Identifier: MIT
 * apply_results.c: apply_results.csv, one row per row of the plan acted
 * on (this run's and, through the journal, every earlier run's): what was
 * done, Azure's job id, the error code and a sentence. Written atomically
 * by apply_run at the end of every run. */
#include "optimizer/apply/apply_internal.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/util.h"

const char *const apply_outcome_names[AO_COUNT] = {
	"done", "skipped", "refused", "failed", "needs_mua_approval",
	"in_progress", "pending", "ready"
};

#define R CSV_REQUIRED
static const struct csv_column result_cols[] = {
	{ "row", R }, { "action", R }, { "outcome", R }, { "job_id", R },
	{ "error_code", R }, { "message", R }, { "vault_id", R },
	{ "vault_name", R }, { "item_id", R }, { "item_name", R },
	{ "rp_id", R }, { "policy_id", R }, { "policy_name", R },
	{ "saving_total", R }, { "currency", R }, { "arm_id", R },
	{ "journal_lines", 0 }, { "journal_sha256", 0 },
};
#undef R
static const struct csv_schema result_schema = {
	APPLY_RESULTS, result_cols, ARRAY_SIZE(result_cols)
};

enum apply_outcome apply_row_outcome(const struct row *r)
{
	switch (r->state) {
	case RS_DONE: return AO_DONE;
	case RS_SKIPPED: return AO_SKIPPED;
	case RS_REFUSED: return AO_REFUSED;
	case RS_FAILED: return AO_FAILED;
	case RS_MUA: return AO_MUA;
	case RS_READY: return AO_READY;
	case RS_SUBMITTING:
	case RS_SUBMITTED: return AO_IN_PROGRESS;
	default: return AO_PENDING;
	}
}

const char *apply_row_message(const struct row *r)
{
	if (r->message)
		return r->message;
	switch (r->state) {
	case RS_SUBMITTING:
		return "about to be sent, or sent, when the run stopped: the "
		       "next run finds out which before sending anything";
	case RS_SUBMITTED:
		return "accepted by Azure and still running when the run "
		       "stopped: the next run follows it";
	case RS_NONE:
		return "not started in this run";
	default:
		return "";
	}
}

static void put_row(struct csv_writer *w, const struct apply_plan *p,
		    const struct row *r, const struct journal *j)
{
	char key[64];

	apply_row_key(r, key, sizeof(key));
	csv_put(w, key);
	csv_put(w, r->kind == ROW_MOVE ? "move" : "set_tiering");
	csv_put(w, apply_outcome_names[apply_row_outcome(r)]);
	csv_put(w, r->job ? r->job : "");
	csv_put(w, r->code ? r->code : "");
	csv_put(w, apply_row_message(r));
	if (r->kind == ROW_MOVE) {
		const struct apply_item *it = &p->items[r->ref];
		csv_put(w, it->vault_id);
		csv_put(w, it->vault_name);
		csv_put(w, it->item_id);
		csv_put(w, it->name);
		csv_put(w, r->rp_id);
		csv_put(w, it->policy_id);
		csv_put(w, it->policy_name);
	} else {
		const struct apply_change *c = &p->changes[r->ref];
		csv_put(w, c->vault_id);
		csv_put(w, c->vault_name);
		csv_put(w, "");
		csv_put(w, "");
		csv_put(w, "");
		csv_put(w, c->policy_id);
		csv_put(w, c->policy_name);
	}
	csv_put_double(w, r->saving, 2);
	csv_put(w, p->currency);
	csv_put(w, r->kind == ROW_MOVE ? p->items[r->ref].arm_id
				       : p->changes[r->ref].arm_id);
	if (j) {
		csv_put_long(w, (long)(j->seq + 1));
		csv_put(w, j->prev);
	} else {
		csv_put(w, "");
		csv_put(w, "");
	}
	csv_end_row(w);
}

int apply_results_write(const struct apply_plan *p, const struct journal *j,
			const char *path, struct err *e)
{
	struct csv_writer *w = csv_writer_open(path, &result_schema, e);

	if (!w)
		return -1;
	for (size_t i = 0; i < p->nrows; i++)
		put_row(w, p, &p->rows[i], j);
	return csv_writer_commit(w, NULL, e);
}

/* ---- the journal's anchor kept in the results ---- */

enum { A_LINES, A_SHA, A_NCOLS };
static const struct csv_column anchor_cols[] = {
	{ "journal_lines", 0 }, { "journal_sha256", 0 },
};
static const struct csv_schema anchor_schema = { APPLY_RESULTS, anchor_cols,
						 A_NCOLS };

static int on_anchor(void *ctx, const struct csv_row *row, struct err *e)
{
	struct journal_head *h = ctx;
	long n = 0;

	if (h->lines || !row->val[A_LINES][0])
		return 0;
	if (row_long(row, A_LINES, 0, 1, 1L << 40, &n, e))
		return -1;
	if (strlen(row->val[A_SHA]) != SHA256_HEX_LEN - 1)
		return row_error(row, A_SHA, e, "a SHA-256 in hex");
	h->lines = (unsigned long)n;
	strlcpy_vw(h->sha, row->val[A_SHA], sizeof(h->sha));
	return 0;
}

int apply_results_anchor(const char *path, struct journal_head *h,
			 struct err *e)
{
	memset(h, 0, sizeof(*h));
	if (csv_read(path, &anchor_schema, on_anchor, h, NULL, e))
		return -1;
	return h->lines ? 0 : 1;
}
