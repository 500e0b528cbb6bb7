/* SPDX-License-Identifier: MIT
 * itemsize.c: item sizes for export: the --sizes file, the inversion of
 * fetchTieringCost through the size model, and defaults (see itemsize.h). */
#include "optimizer/export/itemsize.h"

#include <math.h>
#include <string.h>

#include "optimizer/base/csvio.h"
#include "models/cost/sizes.h"
#include "optimizer/base/strpool.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define GIB 1073741824.0

/* Used size and daily churn assumed when nothing better is known: typical
 * figures, documented in `vaultwise help export`. */
static const struct {
	double source_gb, churn;
} defaults[WL_COUNT] = {
	[WL_VM] = { 128, 0.02 },
	[WL_SQL] = { 100, 0.03 },
	[WL_HANA] = { 500, 0.03 },
	[WL_FILES] = { 100, 0.01 },
};

void itemsize_default(int workload, double *source_gb, double *churn)
{
	*source_gb = defaults[workload].source_gb;
	*churn = defaults[workload].churn;
}

/* ---- the sizes file ---- */

struct sizes_row {
	double source_gb, churn;
	bool name_shared;   /* another row has the same item_name */
};

struct sizes_file {
	struct strpool pool;
	struct strmap by_arm, by_name;
	struct sizes_row *rows;
	size_t n, alloc;
};

enum { S_ARM, S_NAME, S_SRC, S_CHURN, S_NCOLS };
static const struct csv_column sizes_cols[] = {
	{ "arm_id", 0 },
	{ "item_name", 0 },
	{ "source_gb", CSV_REQUIRED },
	{ "daily_churn", CSV_REQUIRED },
};
static const struct csv_schema sizes_schema = { "sizes file", sizes_cols,
						S_NCOLS };

static char *lowered(const char *s)
{
	char *l = xstrdup(s);

	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

static int load_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct sizes_file *s = ctx;
	struct sizes_row row;
	const char *arm = r->val[S_ARM], *name = r->val[S_NAME];
	size_t old;

	if (!*arm && !*name)
		return row_error(r, S_ARM, e,
				 "an arm_id or an item_name on every row");
	if (row_double(r, S_SRC, 0, 0, 1e7, &row.source_gb, e) ||
	    row_double(r, S_CHURN, 0, 0, 1, &row.churn, e))
		return -1;
	s->rows = grow_array(s->rows, sizeof(row), s->n + 1, &s->alloc);
	s->rows[s->n] = row;
	if (*arm) {
		char *l = lowered(arm);
		const char *key = strpool_dup(&s->pool, l);
		free(l);
		if (strmap_put(&s->by_arm, key, s->n))
			return row_error(r, S_ARM, e,
					 "each arm_id on one row only");
	}
	s->rows[s->n].name_shared = false;
	if (*name) {
		const char *key = strpool_dup(&s->pool, name);
		/* A name on two rows identifies neither: arm_id only. */
		if (strmap_put(&s->by_name, key, s->n) &&
		    !strmap_get(&s->by_name, key, &old))
			s->rows[old].name_shared = true;
	}
	s->n++;
	return 0;
}

int sizes_file_load(struct sizes_file **out, const char *path,
		    struct err *e)
{
	struct sizes_file *s = xcalloc(1, sizeof(*s));

	if (csv_read(path, &sizes_schema, load_row, s, NULL, e)) {
		sizes_file_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void sizes_file_free(struct sizes_file *s)
{
	if (!s)
		return;
	strmap_release(&s->by_arm);
	strmap_release(&s->by_name);
	strpool_release(&s->pool);
	free(s->rows);
	free(s);
}

size_t sizes_file_rows(const struct sizes_file *s)
{
	return s ? s->n : 0;
}

int sizes_file_find(const struct sizes_file *s, const char *arm_id,
		    const char *item_name, double *source_gb, double *churn)
{
	char *l = lowered(arm_id ? arm_id : "");
	size_t i;
	int rc = strmap_get(&s->by_arm, l, &i);

	free(l);
	if (rc && item_name) {
		rc = strmap_get(&s->by_name, item_name, &i);
		if (!rc && s->rows[i].name_shared)
			rc = -1;
	}
	if (rc)
		return -1;
	*source_gb = s->rows[i].source_gb;
	*churn = s->rows[i].churn;
	return 0;
}

/* ---- fetchTieringCost ---- */

int itemsize_eligible(int wl, const struct rp *rp, int64_t now)
{
	bool vm = wl == WL_VM;

	if (tier_in_archive(rp->tier) || !tier_in_standard(rp->tier) ||
	    wl == WL_FILES)
		return 0;
	if (vm ? rp->kind != RK_MONTHLY && rp->kind != RK_YEARLY
	       : rp->kind != RK_FULL)
		return 0;
	if (rp->move_ready != MR_UNKNOWN)
		return rp->move_ready == MR_TRUE;
	if (vm ? now < time_add_months(rp->rp_time, 3)
	       : now < rp->rp_time + 45 * (int64_t)DAY_S)
		return 0;
	if (rp->expiry_time != TIME_NONE &&
	    (vm ? rp->expiry_time < time_add_months(now, 6)
		: rp->expiry_time < now + 180 * (int64_t)DAY_S))
		return 0;
	return 1;
}

static double eligible_unique_gb(struct item *it, struct rp *rps, size_t n,
				 int64_t as_of)
{
	double sum = 0;

	estimate_point_sizes(it, rps, n, as_of);
	for (size_t i = 0; i < n; i++)
		if (itemsize_eligible(it->workload, &rps[i], as_of))
			sum += rps[i].unique_gb;
	return sum;
}

int itemsize_from_tiering_cost(struct item *it, struct rp *rps, size_t n,
			       int64_t as_of, double reduction_bytes,
			       double increase_bytes)
{
	size_t eligible = 0;
	double lo = 0, hi = 1, want = reduction_bytes / GIB;

	for (size_t i = 0; i < n; i++)
		eligible += (size_t)itemsize_eligible(it->workload, &rps[i],
						      as_of);
	if (!eligible || increase_bytes <= 0)
		return -1;
	it->source_gb = round(increase_bytes / GIB / (double)eligible * 100) /
			100;
	if (it->workload == WL_SQL || it->workload == WL_HANA ||
	    it->source_gb <= 0) {
		/* Fulls are full size whatever the churn: keep the default. */
		double src;
		itemsize_default(it->workload, &src, &it->daily_churn);
		return 0;
	}
	/* Unique sizes grow with churn: bisect. */
	for (int k = 0; k < 50; k++) {
		double mid = (lo + hi) / 2;
		it->daily_churn = mid;
		if (eligible_unique_gb(it, rps, n, as_of) < want)
			lo = mid;
		else
			hi = mid;
	}
	it->daily_churn = (lo + hi) / 2;
	return 0;
}

void itemsize_apply(struct item *it, struct rp *rps, size_t n, int64_t as_of)
{
	it->source_gb = round(it->source_gb * 100) / 100;
	it->daily_churn = round(it->daily_churn * 10000) / 10000;
	estimate_point_sizes(it, rps, n, as_of);
	item_storage_totals(it, rps, n, &it->standard_gb, &it->archive_gb);
}
