/* SPDX-License-Identifier: MIT
 * report_levers.c: reads the plan's levers.csv for the report's section
 * "Other ways to cut the bill": the largest levers, as the plan sorted
 * them, and how many the price sheet could not price. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "optimizer/base/csvio.h"
#include "optimizer/report/report_internal.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED
enum { LV_LEVER, LV_VAULT, LV_POLICY, LV_ITEM, LV_SAVING, LV_CURRENCY,
       LV_CONSTRAINT, LV_NCOLS };
static const struct csv_column lever_cols[] = {
	{ "lever", R }, { "vault_name", R }, { "policy_name", R },
	{ "item_name", R }, { "saving_month", R }, { "currency", R },
	{ "constraint", R },
};
_Static_assert(ARRAY_SIZE(lever_cols) == LV_NCOLS, "levers.csv columns");
static const struct csv_schema lever_schema = { "levers.csv", lever_cols,
						LV_NCOLS };

/* "vault / policy / item", the parts the row has. */
static char *where(const struct csv_row *r)
{
	struct strbuf sb = STRBUF_INIT;
	const int cols[] = { LV_VAULT, LV_POLICY, LV_ITEM };

	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if (r->val[cols[i]][0])
			strbuf_addf(&sb, "%s%s", sb.len ? " / " : "",
				    r->val[cols[i]]);
	if (!sb.len)
		strbuf_adds(&sb, "the estate");
	return strbuf_detach(&sb);
}

static int lever_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct report_ctx *c = ctx;
	struct rep_levers *lv = &c->d->levers;
	double saving = NAN;
	struct rep_lever *l;

	if (row_double(r, LV_SAVING, ROW_OPTIONAL, -1e15, 1e15, &saving, e))
		return -1;
	if (strcmp(r->val[LV_CURRENCY], c->d->currency) != 0)
		return row_error(r, LV_CURRENCY, e, "plan.json's currency");
	lv->rows++;
	lv->unpriced += isnan(saving);
	if (lv->nlisted == REP_MAX_LEVERS)
		return 0;
	l = &lv->listed[lv->nlisted++];
	l->lever = xstrdup(r->val[LV_LEVER]);
	l->where = where(r);
	l->constraint = xstrdup(r->val[LV_CONSTRAINT]);
	l->saving = saving;
	return 0;
}

int report_read_levers(struct report_ctx *c, struct err *e)
{
	char *path = path_join(c->o->plan_dir, "levers.csv");
	struct stat st;
	int rc = 0;

	if (stat(path, &st) == 0) {
		c->d->levers.present = true;
		rc = csv_read(path, &lever_schema, lever_row, c, NULL, e);
	} else if (errno != ENOENT) {
		rc = err_errno(e, EXIT_IOERR, "cannot read '%s'", path);
	}
	free(path);
	return rc;
}
