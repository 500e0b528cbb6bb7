/* SPDX-License-Identifier: MIT
 * plan_write_reasons.c: reasons.csv, the sentence of each reason_code
 * plan.csv uses, composed once, with its rows and their saving. */
#include <stdlib.h>

#include "optimizer/plan/plan_internal.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED
static const struct csv_column reason_cols[] = {
	{ "reason_code", R }, { "sentence", R }, { "points", R },
	{ "saving_total", R }, { "currency", R }, { "reason_column", R },
};
#undef R
static const struct csv_schema reasons_schema = {
	"reasons.csv", reason_cols, ARRAY_SIZE(reason_cols)
};

int plan_write_reasons(struct plan_ctx *p, struct outdir *dir,
		       struct err *e)
{
	char *path = outdir_file(dir, "reasons.csv");
	struct csv_writer *w = csv_writer_open(path, &reasons_schema, e);

	free(path);
	if (!w)
		return -1;
	for (int k = 0; k < RC_COUNT; k++) {
		if (!p->reason_points[k])
			continue;
		csv_put(w, reason_kinds[k].code);
		csv_put(w, reason_kinds[k].sentence);
		csv_put_long(w, p->reason_points[k]);
		csv_put_double(w, p->reason_saving[k], 2);
		csv_put(w, p->currency);
		/* what plan.csv's reason column holds on these rows */
		csv_put(w, reason_kinds[k].in_columns ? "when-more"
						      : "always");
		csv_end_row(w);
	}
	return csv_writer_commit(w, NULL, e);
}
