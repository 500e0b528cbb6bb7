/* SPDX-License-Identifier: MIT
 * sample_applied.c: `sample --from S --applied PLAN`, what applying a
 * plan made of S before it is aged: the points plan.csv moves
 * (move_now, and move_on rows due before the new as-of) are in Archive,
 * and each policy has the tieringPolicy policy_changes.csv proposes.
 * Called by sample_age.c only; never prints. */
#include "optimizer/sample/sample_internal.h"

#include <strings.h>

#include "optimizer/base/csvio.h"
#include "models/cost/sizes.h"
#include "optimizer/snapshot/plan_meta.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

enum { MV_ITEM, MV_RP, MV_ACTION, MV_DATE };
static const struct csv_column move_cols[] = {
	[MV_ITEM] = { "item_id", CSV_REQUIRED },
	[MV_RP] = { "rp_id", CSV_REQUIRED },
	[MV_ACTION] = { "action", CSV_REQUIRED },
	[MV_DATE] = { "move_date", CSV_REQUIRED },
};
static const struct csv_schema move_schema = { "plan.csv", move_cols,
					       ARRAY_SIZE(move_cols) };

enum { PC_POLICY, PC_TIERING, PC_DURATION, PC_DTYPE };
static const struct csv_column change_cols[] = {
	[PC_POLICY] = { "policy_id", CSV_REQUIRED },
	[PC_TIERING] = { "proposed_tiering", CSV_REQUIRED },
	[PC_DURATION] = { "duration", CSV_REQUIRED },
	[PC_DTYPE] = { "duration_type", CSV_REQUIRED },
};
static const struct csv_schema change_schema = {
	"policy_changes.csv", change_cols, ARRAY_SIZE(change_cols)
};

struct applied_ctx {
	struct snapshot *s;
	struct strmap *moved; /* item_id "/" rp_id of the points moved */
	struct strpool *pool;
	int64_t until;
};

static int on_move(void *ctx, const struct csv_row *r, struct err *e)
{
	struct applied_ctx *a = ctx;
	const char *action = r->val[MV_ACTION];
	int64_t at;
	char *key;

	if (strcmp(action, "move_now") && strcmp(action, "move_on"))
		return 0;
	if (time_parse_iso(r->val[MV_DATE], 1, &at))
		return row_error(r, MV_DATE, e, "a date such as 2026-11-01");
	if (at >= a->until)
		return 0;
	key = xasprintf("%s/%s", r->val[MV_ITEM], r->val[MV_RP]);
	strmap_put(a->moved, strpool_dup(a->pool, key), 1);
	free(key);
	return 0;
}

static int on_change(void *ctx, const struct csv_row *r, struct err *e)
{
	struct applied_ctx *a = ctx;
	long i = snapshot_find_policy(a->s, r->val[PC_POLICY]);
	struct policy *p;
	int mode, n = 0;

	if (i < 0)
		return 0; /* a plan of another snapshot's policy */
	p = &a->s->policies[i];
	if (row_enum(r, PC_TIERING, 0, tiering_mode_names, TM_COUNT, &mode,
		     e) ||
	    row_int(r, PC_DURATION, ROW_OPTIONAL, 0, 100000, &n, e))
		return -1;
	p->tiering_mode = mode;
	p->tier_after_days = 0;
	if (mode == TM_TIERAFTER)
		p->tier_after_days = strcasecmp(r->val[PC_DTYPE], "Months")
					     ? n
					     : n * 30;
	return 0;
}

bool sample_applied_moved(const struct strmap *moved, const struct rp *rp)
{
	char *key;
	size_t v;
	bool hit;

	if (!moved->len)
		return false;
	key = xasprintf("%s/%s", rp->item_id, rp->rp_id);
	hit = strmap_get(moved, key, &v) == 0 && tier_in_standard(rp->tier) &&
	      rp->tier != TIER_SNAPSHOT;
	free(key);
	return hit;
}

int sample_read_applied(struct snapshot *s, const char *plan_dir,
			int64_t until, struct strmap *moved,
			struct strpool *pool, struct err *e)
{
	struct applied_ctx a = { s, moved, pool, until };
	struct plan_meta m;
	char *mp, *cp;
	int rc;

	if (plan_meta_read(plan_dir, &m, e))
		return -1;
	rc = m.as_of == s->as_of
		     ? 0
		     : err_set(e, EXIT_DATAERR,
			       "%s: the plan was made as of another time than "
			       "the snapshot aged (%s): plan that snapshot",
			       plan_dir, s->dir);
	plan_meta_release(&m);
	if (rc)
		return -1;
	mp = path_join(plan_dir, "plan.csv");
	cp = path_join(plan_dir, "policy_changes.csv");
	rc = csv_read(mp, &move_schema, on_move, &a, NULL, e);
	if (rc == 0)
		rc = csv_read(cp, &change_schema, on_change, &a, NULL, e);
	free(mp);
	free(cp);
	return rc;
}
