/* SPDX-License-Identifier: MIT
 * report_reasons.c: reads the plan's reasons.csv for the report's section
 * "Why points move or stay": each reason code's sentence, its points and
 * their saving. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "optimizer/base/csvio.h"
#include "optimizer/report/report_internal.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED
enum { RS_CODE, RS_SENTENCE, RS_POINTS, RS_SAVING, RS_CURRENCY,
       RS_NCOLS };
static const struct csv_column reason_cols[] = {
	{ "reason_code", R }, { "sentence", R }, { "points", R },
	{ "saving_total", R }, { "currency", R },
};
#undef R
_Static_assert(ARRAY_SIZE(reason_cols) == RS_NCOLS, "reasons.csv columns");
static const struct csv_schema reason_schema = { "reasons.csv", reason_cols,
						 RS_NCOLS };

static int reason_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct report_ctx *c = ctx;
	struct rep_reasons *rs = &c->d->reasons;
	struct rep_reason *x;
	long points = 0;
	double saving = 0;

	if (row_long(r, RS_POINTS, 0, 0, LONG_MAX, &points, e) ||
	    row_double(r, RS_SAVING, 0, -1e15, 1e15, &saving, e))
		return -1;
	if (strcmp(r->val[RS_CURRENCY], c->d->currency) != 0)
		return row_error(r, RS_CURRENCY, e, "plan.json's currency");
	if (rs->nlisted == REP_MAX_REASONS)
		return row_error(r, RS_CODE, e, "at most 32 reason codes");
	x = &rs->listed[rs->nlisted++];
	x->code = xstrdup(r->val[RS_CODE]);
	x->sentence = xstrdup(r->val[RS_SENTENCE]);
	x->points = points;
	x->saving = saving;
	return 0;
}

int report_read_reasons(struct report_ctx *c, struct err *e)
{
	char *path = path_join(c->o->plan_dir, "reasons.csv");
	struct stat st;
	int rc = 0;

	if (stat(path, &st) == 0) {
		c->d->reasons.present = true;
		rc = csv_read(path, &reason_schema, reason_row, c, NULL, e);
	} else if (errno != ENOENT) {
		rc = err_errno(e, EXIT_IOERR, "cannot read '%s'", path);
	}
	free(path);
	return rc;
}
