/* SPDX-License-Identifier: MIT
 * apply_whatif.c: `apply PLANDIR --what-if FILE`: the dry run's writes as
 * a CSV an approver can sign. One row per move and policy change the run
 * would send, with its dry-run outcome; for a policy its tieringPolicy
 * and every retention rule before (from the snapshot the plan was made
 * from) and after, whether the vault's Resource Guard will hold it for
 * multi-user authorization (a policy write that cuts retention, when the
 * guard protects backupPolicies/write), its instant-restore days before
 * and after, the target minimum the daily count keeps to, and whether
 * the vault's immutability makes apply refuse it; for a move the 180-day
 * early-deletion exposure and the rehydration delay a restore would then
 * wait. Savings keep their basis: a move's is its point's, a policy's is
 * against its current setting and overlaps the moves' (never add them).
 * Reads the snapshot's policies.csv, guards.csv and vaults.csv; prints
 * nothing. */
#include <math.h>
#include <unistd.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/base/csvio.h"
#include "models/check/rto.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define ARCHIVE_MIN_DAYS 180  /* Archive's early-deletion period */
#define GUARDED_OP "backupPolicies/write"

#define R CSV_REQUIRED
static const struct csv_column whatif_cols[] = {
	{ "row", R }, { "action", R }, { "outcome", R }, { "message", R },
	{ "vault_name", R }, { "policy_name", R }, { "item_name", R },
	{ "rp_id", R }, { "tiering_before", R }, { "tiering_after", R },
	{ "daily_keep_days_before", R }, { "daily_keep_days_after", R },
	{ "weekly_keep_weeks_before", R }, { "weekly_keep_weeks_after", R },
	{ "monthly_keep_months_before", R },
	{ "monthly_keep_months_after", R },
	{ "yearly_keep_years_before", R }, { "yearly_keep_years_after", R },
	{ "retention_reduced", R }, { "resource_guard_hold", R },
	{ "move_date", R }, { "early_deletion_until", R },
	{ "early_deletion_max", R }, { "rehydration_hours_standard", R },
	{ "rehydration_hours_high", R }, { "saving_total", R },
	{ "saving_basis", R }, { "currency", R }, { "arm_id", R },
	{ "instant_rp_days_before", R }, { "instant_rp_days_after", R },
	{ "min_retention_days", R }, { "immutability_refusal", R },
};
static const struct csv_schema whatif_schema = {
	"what-if", whatif_cols, ARRAY_SIZE(whatif_cols)
};

/* ---- the snapshot's policies and guards ---- */

struct snap_info {
	struct strpool pool;
	struct strmap policies;  /* policy_id -> keep[] */
	long (*keep)[KEEP_N];
	long *irp;               /* instant_rp_days, -1: unknown */
	size_t npolicies, alloc, irp_alloc;
	struct strmap guarded;   /* vault_id whose guard holds policy cuts */
	struct strmap immutable; /* vault_id -> 1 Unlocked, 2 Locked */
	bool read;               /* the snapshot was found and read */
};

enum { SP_ID, SP_DAILY, SP_WEEKLY, SP_MONTHLY, SP_YEARLY, SP_IRP,
       SP_NCOLS };
static const struct csv_column snap_policy_cols[] = {
	{ "policy_id", R }, { "daily_keep_days", R },
	{ "weekly_keep_weeks", R }, { "monthly_keep_months", R },
	{ "yearly_keep_years", R }, { "instant_rp_days", R },
};
static const struct csv_schema snap_policy_schema = {
	"policies.csv", snap_policy_cols, SP_NCOLS
};

enum { SG_VAULT, SG_OPS, SG_NCOLS };
static const struct csv_column snap_guard_cols[] = {
	{ "vault_id", R }, { "protected_operations", 0 },
};
static const struct csv_schema snap_guard_schema = {
	"guards.csv", snap_guard_cols, SG_NCOLS
};

enum { SV_VAULT, SV_IMM, SV_NCOLS };
static const struct csv_column snap_vault_cols[] = {
	{ "vault_id", R }, { "immutability", R },
};
static const struct csv_schema snap_vault_schema = {
	"vaults.csv", snap_vault_cols, SV_NCOLS
};
#undef R

static int on_policy(void *ctx, const struct csv_row *row, struct err *e)
{
	struct snap_info *si = ctx;
	size_t i = si->npolicies;

	si->keep = grow_array(si->keep, sizeof(*si->keep), i + 1, &si->alloc);
	for (int k = 0; k < KEEP_N; k++)
		if (row_long(row, SP_DAILY + k, ROW_OPTIONAL, 0, 36500,
			     &si->keep[i][k], e))
			return -1;
	si->irp = grow_array(si->irp, sizeof(*si->irp), i + 1,
			     &si->irp_alloc);
	si->irp[i] = -1;
	if (row_long(row, SP_IRP, ROW_OPTIONAL, 0, 30, &si->irp[i], e))
		return -1;
	if (strmap_put(&si->policies,
		       strpool_dup(&si->pool, row->val[SP_ID]), i) == 0)
		si->npolicies++;
	return 0;
}

static int on_guard(void *ctx, const struct csv_row *row, struct err *e)
{
	struct snap_info *si = ctx;

	(void)e;
	if (strstr(row->val[SG_OPS], GUARDED_OP))
		strmap_put(&si->guarded,
			   strpool_dup(&si->pool, row->val[SG_VAULT]), 0);
	return 0;
}

static int on_vault(void *ctx, const struct csv_row *row, struct err *e)
{
	struct snap_info *si = ctx;
	size_t state = str_eq_ci(row->val[SV_IMM], "Locked")	  ? 2
		       : str_eq_ci(row->val[SV_IMM], "Unlocked") ? 1
								  : 0;

	(void)e;
	if (state)
		strmap_put(&si->immutable,
			   strpool_dup(&si->pool, row->val[SV_VAULT]), state);
	return 0;
}

/* Reads what it can; a snapshot that is gone leaves si->read false. */
static int snap_read(struct snap_info *si, const char *dir, struct err *e)
{
	char *pol = dir ? path_join(dir, "policies.csv") : NULL;
	char *grd = dir ? path_join(dir, "guards.csv") : NULL;
	char *vlt = dir ? path_join(dir, "vaults.csv") : NULL;
	int rc = 0;

	if (pol && access(pol, R_OK) == 0) {
		rc = csv_read(pol, &snap_policy_schema, on_policy, si, NULL,
			      e);
		if (rc == 0 && access(grd, R_OK) == 0)
			rc = csv_read(grd, &snap_guard_schema, on_guard, si,
				      NULL, e);
		if (rc == 0)
			rc = csv_read(vlt, &snap_vault_schema, on_vault, si,
				      NULL, e);
		si->read = rc == 0;
	}
	free(pol);
	free(grd);
	free(vlt);
	return rc;
}

static void snap_release(struct snap_info *si)
{
	free(si->keep);
	free(si->irp);
	strmap_release(&si->policies);
	strmap_release(&si->guarded);
	strmap_release(&si->immutable);
	strpool_release(&si->pool);
}

/* ---- rows ---- */

static void put_common(struct csv_writer *w, const struct row *r,
		       const char *vault, const char *policy,
		       const char *item)
{
	char key[64];

	apply_row_key(r, key, sizeof(key));
	csv_put(w, key);
	csv_put(w, r->kind == ROW_MOVE ? "move" : "set_tiering");
	csv_put(w, apply_outcome_names[apply_row_outcome(r)]);
	csv_put(w, apply_row_message(r));
	csv_put(w, vault);
	csv_put(w, policy);
	csv_put(w, item);
}

static void put_blanks(struct csv_writer *w, int n)
{
	while (n-- > 0)
		csv_put(w, "");
}

/* Writes a change's columns up to its saving; whether it cuts retention
 * (or may: before unknown). */
static bool put_change(struct csv_writer *w, const struct apply_plan *p,
		       const struct row *r, const struct snap_info *si)
{
	const struct apply_change *c = &p->changes[r->ref];
	char before[48], after[48];
	const long *keep = NULL;
	bool reduced = false;
	size_t i;

	put_common(w, r, c->vault_name, c->policy_name, "");
	csv_put(w, "");
	apply_tiering_text(c->current, c->workload, before, sizeof(before));
	apply_tiering_text(c->proposed, c->workload, after, sizeof(after));
	csv_put(w, before);
	csv_put(w, after);
	if (si->read && strmap_get(&si->policies, c->policy_id, &i) == 0)
		keep = si->keep[i];
	for (int k = 0; k < KEEP_N; k++) {
		long now = keep ? keep[k] : -1;
		long then = c->keep[k] >= 0 ? c->keep[k] : now;
		if (now >= 0)
			csv_put_long(w, now);
		else
			csv_put(w, keep ? "" : "unknown");
		if (then >= 0)
			csv_put_long(w, then);
		else
			csv_put(w, c->keep[k] >= 0 ? "" : "unchanged");
		reduced |= c->keep[k] >= 0 && (now < 0 || c->keep[k] < now);
	}
	csv_put(w, reduced ? "yes" : "no");
	if (!reduced)
		csv_put(w, "no: a Resource Guard holds only a policy write "
			   "that cuts retention");
	else if (!si->read)
		csv_put(w, "unknown: the plan's snapshot is not at hand");
	else if (strmap_get(&si->guarded, c->vault_id, &i) == 0)
		csv_put(w, "yes: the vault's Resource Guard protects "
			   "backupPolicies/write; request access, then run");
	else
		csv_put(w, "no: the vault's guard (if any) does not protect "
			   "backupPolicies/write");
	put_blanks(w, 5);
	csv_put_double(w, r->saving, 2);
	csv_put(w, "against the current setting over the plan's horizon; "
		   "overlaps the moves' savings: do not add");
	return reduced;
}

/* What apply will say of a retention cut on an immutable vault. */
static void put_immutability(struct csv_writer *w, const char *vault_id,
			     bool reduced, const struct snap_info *si)
{
	size_t state = 0;

	if (!reduced)
		csv_put(w, "no: it cuts no retention");
	else if (!si->read)
		csv_put(w, "unknown: the plan's snapshot is not at hand");
	else if (strmap_get(&si->immutable, vault_id, &state) != 0)
		csv_put(w, "no: the vault is not immutable");
	else
		csv_put(w, state == 2
			? "yes: the vault's immutability is Locked, which "
			  "forbids cutting retention: apply refuses it"
			: "yes: the vault's immutability is Unlocked: apply "
			  "refuses it until immutability is disabled");
}

/* Instant restore before (the snapshot's) and after, and the target
 * minimum the daily count keeps to. */
static void put_instant(struct csv_writer *w, const struct apply_change *c,
			const struct snap_info *si)
{
	long now = -1;
	size_t i;

	if (si->read && strmap_get(&si->policies, c->policy_id, &i) == 0)
		now = si->irp[i];
	if (c->workload != WL_VM) {
		put_blanks(w, 2);
	} else {
		long then = c->instant_rp_days > 0 ? c->instant_rp_days : now;
		if (now >= 0)
			csv_put_long(w, now);
		else
			csv_put(w, "unknown");
		if (then >= 0)
			csv_put_long(w, then);
		else
			csv_put(w, "unchanged");
	}
	if (c->min_days > 0)
		csv_put_long(w, c->min_days);
	else
		csv_put(w, "");
}

static void put_move(struct csv_writer *w, const struct apply_plan *p,
		     const struct row *r, int64_t now)
{
	const struct apply_item *it = &p->items[r->ref];
	char date[DATE_ISO_LEN];

	put_common(w, r, it->vault_name, it->policy_name, it->name);
	csv_put(w, r->rp_id);
	put_blanks(w, 2 + 2 * KEEP_N + 1);
	csv_put(w, "no: a move is not a critical operation");
	time_format_date(now, date);
	csv_put(w, date);
	time_format_date(now + (int64_t)ARCHIVE_MIN_DAYS * DAY_S, date);
	csv_put(w, date);
	csv_put_double(w, r->after_month * ARCHIVE_MIN_DAYS / DAYS_PER_MONTH,
		       2);
	csv_put_double(w, REHYDRATE_STANDARD_H, 1);
	csv_put_double(w, isnan(r->full_gb) ? NAN
			  : rto_rehydrate_hours(REHYDRATE_HIGH, r->full_gb),
		       1);
	csv_put_double(w, r->saving, 2);
	csv_put(w, "this point's remaining life, if it is not restored");
}

int apply_whatif_write(const struct apply_plan *p, int64_t now,
		       const char *path, struct err *e)
{
	struct snap_info si = { STRPOOL_INIT, STRMAP_INIT, NULL, NULL, 0, 0,
				0, STRMAP_INIT, STRMAP_INIT, false };
	struct csv_writer *w;
	int rc = -1;

	if (snap_read(&si, p->snapshot, e))
		goto done;
	w = csv_writer_open(path, &whatif_schema, e);
	if (!w)
		goto done;
	for (size_t i = 0; i < p->nrows; i++) {
		const struct row *r = &p->rows[i];
		bool reduced = false;
		if (r->kind == ROW_MOVE)
			put_move(w, p, r, now);
		else
			reduced = put_change(w, p, r, &si);
		csv_put(w, p->currency);
		csv_put(w, r->kind == ROW_MOVE ? p->items[r->ref].arm_id
					       : p->changes[r->ref].arm_id);
		if (r->kind == ROW_MOVE) {
			put_blanks(w, 3);
			csv_put(w, "no: a move cuts no retention");
		} else {
			put_instant(w, &p->changes[r->ref], &si);
			put_immutability(w, p->changes[r->ref].vault_id,
					 reduced, &si);
		}
		csv_end_row(w);
	}
	rc = csv_writer_commit(w, NULL, e);
done:
	snap_release(&si);
	return rc;
}
