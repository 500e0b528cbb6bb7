/* SPDX-License-Identifier: MIT
 * apply_plan.c: what apply acts on: the journal's latest state of each
 * row, then the rows of plan.csv that are due (move_now, and move_on whose
 * move_date has come) or that the journal already names, and the rows of
 * policy_changes.csv that change something; the plan's SHA-256 that binds
 * a journal to it; the dry run's tables per vault and policy. Reads files
 * only; never talks to Azure. */
#include <math.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/tags.h"
#include "optimizer/snapshot/plan_meta.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const row_state_names[RS_COUNT] = {
	"", "submitting", "submitted", "done", "skipped", "refused",
	"failed", "needs_mua_approval", "ready"
};

int row_state_parse(const char *name)
{
	for (int i = RS_SUBMITTING; i < RS_READY; i++)
		if (strcmp(row_state_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- the journal's latest state per row ---- */

static const char *field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *pooled(struct strpool *pool, const char *s)
{
	return s ? strpool_dup(pool, s) : NULL;
}

static int fold_entry(void *ctx, size_t line, const cJSON *o, struct err *e)
{
	struct jstates *js = ctx;
	const char *row = field(o, "row"), *state = field(o, "state");
	struct jentry *je;
	size_t i;
	int st = state ? row_state_parse(state) : -1;

	(void)line;
	if (!row || st < 0)
		return err_set(e, EXIT_DATAERR,
			       "journal line %zu: expected a 'row' and a "
			       "'state' (submitting, submitted, done, skipped, "
			       "refused, failed, needs_mua_approval)",
			       line);
	if (strmap_get(&js->index, row, &i)) {
		js->v = grow_array(js->v, sizeof(*js->v), js->n + 1,
				   &js->alloc);
		i = js->n++;
		memset(&js->v[i], 0, sizeof(js->v[i]));
		js->v[i].key = strpool_dup(&js->pool, row);
		strmap_put(&js->index, js->v[i].key, i);
	}
	je = &js->v[i];
	je->state = (uint8_t)st;
	je->op = st == RS_SUBMITTED ? pooled(&js->pool, field(o, "op")) : NULL;
	je->job = pooled(&js->pool, field(o, "job"));
	je->code = pooled(&js->pool, field(o, "code"));
	je->message = pooled(&js->pool, field(o, "message"));
	return 0;
}

int apply_jstates_load(struct jstates *js, const char *path, struct err *e)
{
	struct journal_check chk;

	memset(js, 0, sizeof(*js));
	if (access(path, F_OK) != 0)
		return 0;
	js->exists = true;
	if (journal_read(path, fold_entry, js, &chk, e)) {
		/* an empty journal or a header cut short: journal_open
		 * starts it over */
		if (chk.lines == 0 && e->code == EXIT_DATAERR &&
		    strstr(e->msg, "empty journal")) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	strlcpy_vw(js->plan, chk.plan, sizeof(js->plan));
	return 0;
}

void apply_jstates_release(struct jstates *js)
{
	free(js->v);
	strmap_release(&js->index);
	strpool_release(&js->pool);
	memset(js, 0, sizeof(*js));
}

const struct jentry *apply_jstate(const struct jstates *js, const char *file,
				  uint32_t line)
{
	char key[64];
	size_t i;

	snprintf(key, sizeof(key), "%s:%u", file, (unsigned)line);
	return strmap_get(&js->index, key, &i) ? NULL : &js->v[i];
}

void apply_row_key(const struct row *r, char *out, size_t n)
{
	snprintf(out, n, "%s:%u",
		 r->kind == ROW_MOVE ? "plan.csv" : "policy_changes.csv",
		 (unsigned)r->line);
}

/* ---- rows ---- */

struct loader {
	struct apply_plan *p;
	const struct jstates *js;
	int64_t now;
	const struct scope *scope; /* NULL: all */
	struct strmap points;      /* "item_id/rp_id" of the moves taken */
	struct strmap policies;    /* policy ARM ids of the changes */
};

static struct row *new_row(struct apply_plan *p, int kind, uint32_t line,
			   const struct jentry *je)
{
	struct row *r;

	p->rows = grow_array(p->rows, sizeof(*p->rows), p->nrows + 1,
			     &p->rows_alloc);
	r = &p->rows[p->nrows++];
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->line = line;
	r->rp_time = r->expiry = TIME_NONE;
	r->tier = -1;
	if (je) {
		r->state = je->state;
		r->job = je->job;
		r->code = je->code;
		r->message = je->message;
		if (je->op)
			r->op = xstrdup(je->op);
		if (je->state == RS_SUBMITTING)
			r->flags |= ROW_RESOLVE_FIRST;
	}
	return r;
}

/* The prefix of id up to (not including) "/sep/", or NULL. */
static char *arm_prefix(const char *id, const char *sep)
{
	size_t k = strlen(sep);

	for (const char *p = id; *p; p++)
		if (strncasecmp(p, sep, k) == 0 && p > id)
			return xstrndup(id, (size_t)(p - id));
	return NULL;
}

/* A name in an ARM path: not empty, not a dot segment, nothing that
 * would end the path or be decoded into another. */
static bool arm_name_ok(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c < ' ' || c == 0x7f || c == '/' || c == '\\' ||
		    c == '?' || c == '#' || c == '%')
			return false;
	}
	return true;
}

/* Whether id is exactly the path of the resource type that the pattern
 * spells ("*" for a name, other segments compared ignoring case). */
static bool arm_id_is(const char *id, const char *const *pattern)
{
	const char *p = id;

	for (; *pattern; pattern++) {
		const char *end;
		size_t n;
		if (*p != '/')
			return false;
		p++;
		end = strchr(p, '/');
		n = end ? (size_t)(end - p) : strlen(p);
		if (strcmp(*pattern, "*") == 0 ? !arm_name_ok(p, n)
		    : strlen(*pattern) != n || strncasecmp(p, *pattern, n))
			return false;
		p += n;
	}
	return *p == '\0';
}

#define VAULT_PATH \
	"subscriptions", "*", "resourceGroups", "*", "providers", \
		"Microsoft.RecoveryServices", "vaults", "*"
static const char *const item_path[] = {
	VAULT_PATH, "backupFabrics", "*", "protectionContainers", "*",
	"protectedItems", "*", NULL
};
static const char *const policy_path[] = { VAULT_PATH, "backupPolicies",
					   "*", NULL };

/* The vault's tags as vault_tags.csv has them, NULL when unknown. */
static const char *vault_tags(const struct apply_plan *p,
			      const char *vault_id)
{
	size_t i;

	return strmap_get(&p->vault_index, vault_id, &i) ? NULL
							  : p->vault_tags[i];
}

/* Whether apply's scope takes a row: of the vault (subscription from
 * the ARM id, name, tags), the policy's name and the workload's name. */
static bool in_scope(struct loader *l, const char *arm_id,
		     const char *vault_id, const char *vault,
		     const char *policy, const char *workload)
{
	char sub[64];
	int wl = -1;

	if (!l->scope)
		return true;
	if (arm_id_value(arm_id, "subscriptions", sub, sizeof(sub)))
		sub[0] = '\0';
	scope_parse_workload(workload, &wl);
	if (scope_match(l->scope, sub, vault, vault_tags(l->p, vault_id),
			policy, wl))
		return true;
	l->p->out_of_scope++;
	return false;
}

/* ---- policy_changes.csv ---- */

#define R CSV_REQUIRED
enum { C_POLICY, C_VAULT, C_VNAME, C_PNAME, C_WL, C_CUR, C_PROP, C_DUR,
       C_DTYPE, C_SAVING, C_CURRENCY, C_CUR_DAYS, C_HORIZON, C_ARM,
       C_DAILY, C_WEEKLY, C_MONTHLY, C_YEARLY, C_INSTANT, C_MIN, C_NCOLS };
static const struct csv_column change_cols[] = {
	{ "policy_id", R }, { "vault_id", R }, { "vault_name", R },
	{ "policy_name", R }, { "workload", R }, { "current_tiering", R },
	{ "proposed_tiering", R }, { "duration", R },
	{ "duration_type", R }, { "saving_total", R }, { "currency", R },
	{ "current_tier_after_days", 0 }, { "horizon_months", 0 },
	{ "policy_arm_id", 0 }, { "proposed_daily_keep_days", 0 },
	{ "proposed_weekly_keep_weeks", 0 },
	{ "proposed_monthly_keep_months", 0 },
	{ "proposed_yearly_keep_years", 0 },
	{ "proposed_instant_rp_days", 0 }, { "min_retention_days", 0 },
};
_Static_assert(ARRAY_SIZE(change_cols) == C_NCOLS, "change columns");
static const struct csv_schema change_schema = {
	"policy_changes.csv", change_cols, C_NCOLS
};

static bool changes_something(const struct apply_change *c)
{
	for (int k = 0; k < KEEP_N; k++)
		if (c->keep[k] >= 0)
			return true;
	if (c->instant_rp_days > 0 || c->proposed.mode != c->current.mode)
		return true;
	return c->proposed.mode == TM_TIERAFTER &&
	       c->proposed.days != c->current.days;
}

static int read_tiering(const struct csv_row *row, struct apply_change *c,
			struct err *e)
{
	const char *dtype = "";
	int dur = 0, cur_days = 0;

	if (row_enum(row, C_CUR, 0, tiering_mode_names, TM_COUNT,
		     &c->current.mode, e) ||
	    row_enum(row, C_PROP, 0, tiering_mode_names, TM_COUNT,
		     &c->proposed.mode, e) ||
	    row_int(row, C_DUR, ROW_OPTIONAL, 0, 3650, &dur, e) ||
	    row_str(row, C_DTYPE, ROW_OPTIONAL, &dtype, e) ||
	    row_int(row, C_CUR_DAYS, ROW_OPTIONAL, 0, 36500, &cur_days, e))
		return -1;
	if (c->proposed.mode == TM_TIERAFTER) {
		if (strcmp(dtype, "Months") && strcmp(dtype, "Days"))
			return row_error(row, C_DTYPE, e, "Months or Days");
		if (dur <= 0)
			return row_error(row, C_DUR, e,
					 "a positive number with TierAfter");
		c->proposed.days = strcmp(dtype, "Months") ? dur : 30 * dur;
	}
	if (c->proposed.mode == TM_NONE && c->current.mode != TM_NONE)
		return row_error(row, C_PROP, e,
				 "DoNotTier, TierAfter or TierRecommended");
	c->proposed_duration = dur;
	c->duration_type = dtype;
	c->current.days = c->current.mode == TM_TIERAFTER ? cur_days : 0;
	return 0;
}

/* The retention levers of a row (levers.csv's retention-daily and
 * instant-restore, or a reviewer's counts): never below the target's
 * minimum the plan wrote beside them, instant restore on VM policies only
 * and within Azure's 1 to 30 days. */
static int read_retention(const struct csv_row *row, struct apply_change *c,
			  struct err *e)
{
	static const int keep_col[KEEP_N] = { C_DAILY, C_WEEKLY, C_MONTHLY,
					      C_YEARLY };
	char want[96];

	for (int k = 0; k < KEEP_N; k++) {
		c->keep[k] = -1;
		if (row_long(row, keep_col[k], ROW_OPTIONAL, 0, 36500,
			     &c->keep[k], e))
			return -1;
	}
	if (row_long(row, C_INSTANT, ROW_OPTIONAL, 1, 30, &c->instant_rp_days,
		     e) ||
	    row_long(row, C_MIN, ROW_OPTIONAL, 0, 36500, &c->min_days, e))
		return -1;
	if (c->instant_rp_days > 0 && c->workload != WL_VM)
		return row_error(row, C_INSTANT, e,
				 "nothing: instant restore is an AzureVM "
				 "policy's");
	if (c->keep[KEEP_DAILY] >= 0 && c->keep[KEEP_DAILY] < c->min_days) {
		snprintf(want, sizeof(want),
			 "at least %ld days (min_retention_days: a target "
			 "needs them)", c->min_days);
		return row_error(row, C_DAILY, e, want);
	}
	return 0;
}

static int on_change(void *ctx, const struct csv_row *row, struct err *e)
{
	struct loader *l = ctx;
	struct apply_plan *p = l->p;
	struct apply_change c;
	const struct jentry *je;
	struct row *r;
	char *vault_arm;
	size_t at;

	memset(&c, 0, sizeof(c));
	if (row_enum(row, C_WL, 0, workload_names, WL_COUNT, &c.workload,
		     e) ||
	    read_retention(row, &c, e) || read_tiering(row, &c, e) ||
	    row_double(row, C_SAVING, 0, -1e12, 1e12, &c.saving, e))
		return -1;
	je = apply_jstate(l->js, "policy_changes.csv", (uint32_t)row->line);
	if (!changes_something(&c) && !je)
		return 0;
	if (!in_scope(l, row->val[C_ARM], row->val[C_VAULT], row->val[C_VNAME],
		      row->val[C_PNAME], row->val[C_WL]))
		return 0;
	if (!row->val[C_ARM][0])
		return row_error(row, C_ARM,
				 e, "the policy's ARM id (made by vaultwise "
				    "plan 0.1 and later: re-run plan)");
	if (!arm_id_is(row->val[C_ARM], policy_path))
		return row_error(row, C_ARM, e,
				 "the ARM id of a backup policy "
				 "(/subscriptions/S/resourceGroups/G/"
				 "providers/Microsoft.RecoveryServices/"
				 "vaults/V/backupPolicies/P)");
	if (strmap_get(&l->policies, row->val[C_ARM], &at) == 0)
		return row_error(row, C_ARM, e,
				 "a policy listed once (two rows would set it "
				 "twice)");
	strmap_put(&l->policies, strpool_dup(&p->pool, row->val[C_ARM]), 0);
	vault_arm = arm_prefix(row->val[C_ARM], "/backupPolicies/");
	c.vault_arm = strpool_dup(&p->pool, vault_arm);
	free(vault_arm);
	c.arm_id = strpool_dup(&p->pool, row->val[C_ARM]);
	c.policy_id = strpool_dup(&p->pool, row->val[C_POLICY]);
	c.vault_id = strpool_dup(&p->pool, row->val[C_VAULT]);
	c.vault_name = strpool_dup(&p->pool, row->val[C_VNAME]);
	c.policy_name = strpool_dup(&p->pool, row->val[C_PNAME]);
	c.duration_type = strpool_dup(&p->pool, c.duration_type);
	p->changes = grow_array(p->changes, sizeof(*p->changes),
				p->nchanges + 1, &p->changes_alloc);
	p->changes[p->nchanges] = c;
	r = new_row(p, ROW_POLICY, (uint32_t)row->line, je);
	r->ref = (uint32_t)p->nchanges++;
	r->saving = c.saving;
	return 0;
}

/* ---- plan.csv ---- */

enum { M_VAULT, M_POLICY, M_ITEM, M_RP, M_ACTION, M_DATE, M_SAVING,
       M_CURRENCY, M_RPTIME, M_TIER, M_EXPIRY, M_AFTER, M_FULL, M_NCOLS };
static const struct csv_column move_cols[] = {
	{ "vault_id", R }, { "policy_id", R }, { "item_id", R },
	{ "rp_id", R }, { "action", R }, { "move_date", R },
	{ "saving_total", R }, { "currency", R }, { "rp_time", 0 },
	{ "tier", 0 }, { "expiry_time", 0 }, { "monthly_cost_after", 0 },
	{ "full_gb", 0 },
};
_Static_assert(ARRAY_SIZE(move_cols) == M_NCOLS, "move columns");
static const struct csv_schema move_schema = { "plan.csv", move_cols,
					       M_NCOLS };
#undef R

static const char *const action_names[] = { "move_now", "move_on", "keep",
					     "ineligible" };

/* ---- items.csv: the plan's items and their ARM ids ---- */

enum { I_ID, I_VAULT, I_POLICY, I_VNAME, I_PNAME, I_NAME, I_WL, I_ARM,
       I_NCOLS };
static const struct csv_column item_cols[] = {
	{ "item_id", CSV_REQUIRED },    { "vault_id", CSV_REQUIRED },
	{ "policy_id", CSV_REQUIRED },  { "vault_name", CSV_REQUIRED },
	{ "policy_name", CSV_REQUIRED }, { "item_name", CSV_REQUIRED },
	{ "workload", CSV_REQUIRED },   { "arm_id", CSV_REQUIRED },
};
_Static_assert(ARRAY_SIZE(item_cols) == I_NCOLS, "item columns");
static const struct csv_schema item_schema = { "items.csv", item_cols,
					       I_NCOLS };

static int on_item(void *ctx, const struct csv_row *row, struct err *e)
{
	struct loader *l = ctx;
	struct apply_plan *p = l->p;
	const char *arm = row->val[I_ARM];
	struct apply_item *it;

	p->items = grow_array(p->items, sizeof(*p->items), p->nitems + 1,
			      &p->items_alloc);
	it = &p->items[p->nitems];
	memset(it, 0, sizeof(*it));
	if (!arm_id_is(arm, item_path))
		return row_error(row, I_ARM, e,
				 "the ARM id of a protected item "
				 "(/subscriptions/S/resourceGroups/G/"
				 "providers/Microsoft.RecoveryServices/"
				 "vaults/V/backupFabrics/F/"
				 "protectionContainers/C/protectedItems/I)");
	it->vault_arm = arm_prefix(arm, "/backupFabrics/");
	it->arm_id = strpool_dup(&p->pool, arm);
	it->item_id = strpool_dup(&p->pool, row->val[I_ID]);
	it->name = strpool_dup(&p->pool, row->val[I_NAME]);
	it->workload = strpool_dup(&p->pool, row->val[I_WL]);
	it->vault_id = strpool_dup(&p->pool, row->val[I_VAULT]);
	it->vault_name = strpool_dup(&p->pool, row->val[I_VNAME]);
	it->policy_id = strpool_dup(&p->pool, row->val[I_POLICY]);
	it->policy_name = strpool_dup(&p->pool, row->val[I_PNAME]);
	if (strmap_put(&p->item_index, it->item_id, p->nitems))
		return row_error(row, I_ID, e,
				 "an item_id not listed before");
	p->nitems++;
	return 0;
}

/* ---- vault_tags.csv: the vaults' tags, for --tag ---- */

enum { T_VAULT, T_TAGS, T_NCOLS };
static const struct csv_column vault_tag_cols[] = {
	{ "vault_id", CSV_REQUIRED }, { "tags", CSV_REQUIRED },
};
_Static_assert(ARRAY_SIZE(vault_tag_cols) == T_NCOLS, "vault tag columns");
static const struct csv_schema vault_tags_schema = {
	"vault_tags.csv", vault_tag_cols, T_NCOLS
};

static int on_vault_tags(void *ctx, const struct csv_row *row,
			 struct err *e)
{
	struct apply_plan *p = ((struct loader *)ctx)->p;

	if (!tags_valid(row->val[T_TAGS]))
		return row_error(row, T_TAGS, e,
				 "key=value pairs joined by ';'");
	p->vault_tags = grow_array(p->vault_tags, sizeof(*p->vault_tags),
				   p->nvault_tags + 1, &p->vault_tags_alloc);
	p->vault_tags[p->nvault_tags] = strpool_dup(&p->pool,
						    row->val[T_TAGS]);
	if (strmap_put(&p->vault_index,
		       strpool_dup(&p->pool, row->val[T_VAULT]),
		       p->nvault_tags))
		return row_error(row, T_VAULT, e,
				 "a vault_id not listed before");
	p->nvault_tags++;
	return 0;
}

/* The vaults' tags when the scope asks for one (66 when the plan is
 * older than vault_tags.csv). */
static int read_vault_tags(struct loader *l, const char *dir, struct err *e)
{
	char *path;
	int rc;

	if (!l->scope || !l->scope->tag)
		return 0;
	path = path_join(dir, "vault_tags.csv");
	if (access(path, F_OK) != 0)
		rc = err_set(e, EXIT_NOINPUT,
			     "%s not found: --tag needs the vaults' tags, "
			     "which an older vaultwise did not write into the "
			     "plan directory; run vaultwise plan again",
			     path);
	else
		rc = csv_read(path, &vault_tags_schema, on_vault_tags, l,
			      NULL, e);
	free(path);
	return rc;
}

static int item_of(struct apply_plan *p, const struct csv_row *row,
		   uint32_t *out, struct err *e)
{
	size_t i;

	if (strmap_get(&p->item_index, row->val[M_ITEM], &i))
		return row_error(row, M_ITEM, e,
				 "an item listed in the plan's items.csv");
	*out = (uint32_t)i;
	return 0;
}

/* A point listed again (a copied row): merged into its first row, so
 * that it is moved and counted once. */
static bool duplicate_point(struct loader *l, const struct csv_row *row,
			    uint32_t item)
{
	char *key = xasprintf("%s/%s", l->p->items[item].item_id,
			      row->val[M_RP]);
	size_t at;
	bool dup = strmap_get(&l->points, key, &at) == 0;

	if (dup)
		l->p->merged++;
	else
		strmap_put(&l->points, strpool_dup(&l->p->pool, key), 0);
	free(key);
	return dup;
}

static int on_move(void *ctx, const struct csv_row *row, struct err *e)
{
	struct loader *l = ctx;
	struct apply_plan *p = l->p;
	const struct jentry *je;
	int64_t date = TIME_NONE;
	int action, tier = -1;
	double saving;
	uint32_t item = 0;
	struct row *r;
	bool due;

	if (row_enum(row, M_ACTION, 0, action_names, 4, &action, e))
		return -1;
	if (row->val[M_DATE][0] &&
	    time_parse_iso(row->val[M_DATE], 1, &date))
		return row_error(row, M_DATE, e, "a date such as 2026-11-01");
	if (action >= 2)
		return 0;
	due = action == 0 || (date != TIME_NONE && date <= l->now);
	je = apply_jstate(l->js, "plan.csv", (uint32_t)row->line);
	if (!due && !je) {
		p->moves_later++;
		return 0;
	}
	if (!arm_name_ok(row->val[M_RP], strlen(row->val[M_RP])))
		return row_error(row, M_RP, e,
				 "a recovery point's name (one segment of its "
				 "ARM id)");
	if (!p->currency[0])
		strlcpy_vw(p->currency, row->val[M_CURRENCY],
			   sizeof(p->currency));
	if (row_double(row, M_SAVING, 0, -1e12, 1e12, &saving, e) ||
	    row_enum(row, M_TIER, ROW_OPTIONAL, rp_tier_names, TIER_COUNT,
		     &tier, e) ||
	    item_of(p, row, &item, e))
		return -1;
	if (duplicate_point(l, row, item))
		return 0;
	if (!in_scope(l, p->items[item].arm_id, p->items[item].vault_id,
		      p->items[item].vault_name, p->items[item].policy_name,
		      p->items[item].workload))
		return 0;
	r = new_row(p, ROW_MOVE, (uint32_t)row->line, je);
	r->ref = item;
	r->saving = saving;
	r->tier = (int8_t)tier;
	r->rp_id = strpool_dup(&p->pool, row->val[M_RP]);
	r->after_month = r->full_gb = NAN;
	if (row_time(row, M_RPTIME, ROW_OPTIONAL, &r->rp_time, e) ||
	    row_time(row, M_EXPIRY, ROW_OPTIONAL, &r->expiry, e) ||
	    row_double(row, M_AFTER, ROW_OPTIONAL, 0, 1e12, &r->after_month,
		       e) ||
	    row_double(row, M_FULL, ROW_OPTIONAL, 0, 1e12, &r->full_gb, e))
		return -1;
	return 0;
}

/* ---- the plan directory ---- */

/* plan.json, checked as report checks it. */
static int read_meta(struct apply_plan *p, const char *dir, struct err *e)
{
	struct plan_meta m;

	if (plan_meta_read(dir, &m, e))
		return -1;
	p->as_of = m.as_of;
	strlcpy_vw(p->currency, m.currency, sizeof(p->currency));
	p->net_of_restores = m.net_of_restores;
	p->horizon_months = m.horizon_months;
	if (m.snapshot)
		p->snapshot = strpool_dup(&p->pool, m.snapshot);
	plan_meta_release(&m);
	return 0;
}

/* SHA-256 over both files' own SHA-256: a journal belongs to exactly
 * this plan.csv and this policy_changes.csv ("-" when absent). */
static void plan_sha(char out[65], const char *moves, const char *changes)
{
	char *text = xasprintf("plan.csv %s\npolicy_changes.csv %s\n", moves,
			       changes);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_Digest(text, strlen(text), md, &len, EVP_sha256(), NULL);
	hex_encode(md, len, out);
	free(text);
}

int apply_plan_dir_sha(const char *dir, char out[65], struct err *e)
{
	char *mpath = path_join(dir, "plan.csv");
	char *cpath = path_join(dir, "policy_changes.csv");
	char moves[SHA256_HEX_LEN], changes[SHA256_HEX_LEN] = "-";
	int rc = sha256_file(mpath, moves, e);

	if (rc == 0 && access(cpath, F_OK) == 0)
		rc = sha256_file(cpath, changes, e);
	if (rc == 0)
		plan_sha(out, moves, changes);
	free(mpath);
	free(cpath);
	return rc;
}

int apply_plan_load(struct apply_plan *p, const char *dir, int64_t now,
		    const struct jstates *js, const struct scope *scope,
		    struct err *e)
{
	struct loader l = { p, js, now, scope, STRMAP_INIT, STRMAP_INIT };
	struct csv_file_info moves, changes;
	char *mpath = path_join(dir, "plan.csv");
	char *cpath = path_join(dir, "policy_changes.csv");
	char *ipath = path_join(dir, "items.csv");
	int rc = -1;

	memset(p, 0, sizeof(*p));
	p->as_of = TIME_NONE;
	if (access(mpath, F_OK) != 0) {
		err_set(e, EXIT_NOINPUT,
			"'%s' is not a plan directory (no plan.csv): make one "
			"with vaultwise plan",
			dir);
		goto done;
	}
	if (read_meta(p, dir, e))
		goto done;
	if (access(ipath, F_OK) != 0) {
		err_set(e, EXIT_NOINPUT,
			"%s not found: the plan directory was made by an older "
			"vaultwise; run vaultwise plan again",
			ipath);
		goto done;
	}
	if (read_vault_tags(&l, dir, e) ||
	    csv_read(ipath, &item_schema, on_item, &l, NULL, e))
		goto done;
	strlcpy_vw(changes.sha256, "-", sizeof(changes.sha256));
	if (access(cpath, F_OK) == 0 &&
	    csv_read(cpath, &change_schema, on_change, &l, &changes, e))
		goto done;
	if (csv_read(mpath, &move_schema, on_move, &l, &moves, e))
		goto done;
	plan_sha(p->sha, moves.sha256, changes.sha256);
	rc = 0;
done:
	strmap_release(&l.points);
	strmap_release(&l.policies);
	free(mpath);
	free(cpath);
	free(ipath);
	return rc;
}

void apply_plan_release(struct apply_plan *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		struct row *r = &p->rows[i];
		free(r->op);
		free(r->etag);
		free(r->body);
		for (size_t k = 0; k < r->njobs; k++)
			free(r->jobs[k]);
		free(r->jobs);
	}
	for (size_t i = 0; i < p->nitems; i++)
		free(p->items[i].vault_arm);
	free(p->items);
	free(p->changes);
	free(p->rows);
	strmap_release(&p->item_index);
	free(p->vault_tags);
	strmap_release(&p->vault_index);
	strpool_release(&p->pool);
	memset(p, 0, sizeof(*p));
}

/* ---- the dry run's tables ---- */

static size_t group_of(struct apply_summary *s, struct strmap *index,
		       struct strpool *pool, const char *vault,
		       const char *policy)
{
	char *key = xasprintf("%s\n%s", vault, policy ? policy : "");
	size_t i;

	if (strmap_get(index, key, &i) == 0) {
		free(key);
		return i;
	}
	s->groups = xrealloc(s->groups, (s->ngroups + 1) * sizeof(*s->groups));
	memset(&s->groups[s->ngroups], 0, sizeof(*s->groups));
	s->groups[s->ngroups].vault_name = xstrdup(vault);
	s->groups[s->ngroups].policy_name = policy ? xstrdup(policy) : NULL;
	strmap_put(index, strpool_dup(pool, key), s->ngroups);
	free(key);
	return s->ngroups++;
}

static int cmp_groups(const void *a, const void *b)
{
	const struct apply_group *x = a, *y = b;
	int c = strcmp(x->vault_name, y->vault_name);

	if (c)
		return c;
	if (!x->policy_name || !y->policy_name)
		return x->policy_name ? 1 : y->policy_name ? -1 : 0;
	return strcmp(x->policy_name, y->policy_name);
}

static void count_change(struct apply_summary *s, struct apply_group *v,
			 struct apply_group *g, const struct apply_change *c)
{
	static const char *const rules[KEEP_N][2] = {
		{ "daily", "days" }, { "weekly", "weeks" },
		{ "monthly", "months" }, { "yearly", "years" }
	};
	char cur[48], prop[48];
	struct strbuf keep = STRBUF_INIT;

	apply_tiering_text(c->current, c->workload, cur, sizeof(cur));
	apply_tiering_text(c->proposed, c->workload, prop, sizeof(prop));
	for (int k = 0; k < KEEP_N; k++)
		if (c->keep[k] >= 0)
			strbuf_addf(&keep, "%s%s to %ld %s",
				    keep.len ? ", " : " and retention: ",
				    rules[k][0], c->keep[k], rules[k][1]);
	if (c->instant_rp_days > 0)
		strbuf_addf(&keep, "%sinstant restore to %ld days",
			    keep.len ? ", " : " and retention: ",
			    c->instant_rp_days);
	if (keep.len)
		strbuf_adds(&keep, " (--what-if: before and after)");
	free(g->change);
	g->change = xasprintf("%s -> %s%s", cur, prop,
			      keep.len ? keep.buf : "");
	strbuf_release(&keep);
	g->change_saving += c->saving;
	v->change_saving += c->saving;
	s->changes++;
	s->change_saving += c->saving;
}

/* Rows not yet done, per vault and per policy (moves under the item's
 * policy; an item without one under "(no policy)"). */
void apply_plan_groups(const struct apply_plan *p, struct apply_summary *s)
{
	struct strmap index = STRMAP_INIT;
	struct strpool pool = STRPOOL_INIT;

	for (size_t i = 0; i < p->nrows; i++) {
		const struct row *r = &p->rows[i];
		const char *vault, *policy;
		size_t v, g;

		if (r->state == RS_DONE || r->state == RS_SKIPPED ||
		    r->state == RS_REFUSED)
			continue;
		if (r->kind == ROW_POLICY) {
			vault = p->changes[r->ref].vault_name;
			policy = p->changes[r->ref].policy_name;
		} else {
			vault = p->items[r->ref].vault_name;
			policy = p->items[r->ref].policy_name;
			if (!policy[0])
				policy = "(no policy)";
		}
		v = group_of(s, &index, &pool, vault, NULL);
		g = group_of(s, &index, &pool, vault, policy);
		if (r->kind == ROW_POLICY) {
			count_change(s, &s->groups[v], &s->groups[g],
				     &p->changes[r->ref]);
			continue;
		}
		s->groups[v].moves++;
		s->groups[g].moves++;
		s->groups[v].move_saving += r->saving;
		s->groups[g].move_saving += r->saving;
		s->moves_due++;
		s->move_saving += r->saving;
	}
	if (s->ngroups)
		qsort(s->groups, s->ngroups, sizeof(*s->groups), cmp_groups);
	strmap_release(&index);
	strpool_release(&pool);
}
