/* SPDX-License-Identifier: MIT
 * targets.c: reading the targets CSV and matching targets to items. */
#include "models/check/targets.h"

#include <fnmatch.h>
#include <math.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/tags.h"
#include "optimizer/base/util.h"

const char *const scope_type_names[SCOPE_COUNT] = { "vault", "policy",
						    "item", "workload",
						    "name", "tag" };
const char *const target_tier_names[TT_COUNT] = { "snapshot", "vault",
						  "any" };
const char *const target_severity_names[TSEV_COUNT] = { "error",
							"warning" };

enum { T_ID, T_STYPE, T_SCOPE, T_TIER, T_RPO, T_RTO, T_RET, T_PRIO,
       T_TOL, T_SEV, T_NCOLS };
static const struct csv_column target_cols[] = {
	{ "target_id", CSV_REQUIRED },  { "scope_type", CSV_REQUIRED },
	{ "scope", CSV_REQUIRED },      { "tier", CSV_REQUIRED },
	{ "rpo_hours", CSV_REQUIRED },  { "rto_hours", CSV_REQUIRED },
	{ "min_retention_days", 0 },	{ "priority", 0 },
	{ "tolerance_hours", 0 },	{ "severity", 0 },
};
static const struct csv_schema targets_schema = { "targets", target_cols,
						  T_NCOLS };

struct target_loader {
	struct target_set *ts;
	size_t alloc;
};

static int load_target(void *ctx, const struct csv_row *r, struct err *e)
{
	struct target_loader *l = ctx;
	struct target t = { 0 };
	const char *id, *scope;

	t.rpo_hours = t.rto_hours = t.min_retention_days = NAN;
	t.tolerance_hours = NAN;
	t.priority = -1;
	if (row_str(r, T_ID, 0, &id, e) ||
	    row_enum(r, T_STYPE, 0, scope_type_names, SCOPE_COUNT,
		     &t.scope_type, e) ||
	    row_str(r, T_SCOPE, 0, &scope, e) ||
	    row_enum(r, T_TIER, 0, target_tier_names, TT_COUNT, &t.tier, e) ||
	    row_double(r, T_RPO, ROW_OPTIONAL, 0.01, 1e6, &t.rpo_hours, e) ||
	    row_double(r, T_RTO, ROW_OPTIONAL, 0.01, 1e6, &t.rto_hours, e) ||
	    row_double(r, T_RET, ROW_OPTIONAL, 0, 1e6, &t.min_retention_days,
		       e) ||
	    row_long(r, T_PRIO, ROW_OPTIONAL, 0, 1000000, &t.priority, e) ||
	    row_double(r, T_TOL, ROW_OPTIONAL, 0, 1e6, &t.tolerance_hours,
		       e) ||
	    row_enum(r, T_SEV, ROW_OPTIONAL, target_severity_names,
		     TSEV_COUNT, &t.severity, e))
		return -1;
	if (isnan(t.rpo_hours) && isnan(t.rto_hours))
		return row_error(r, T_RPO, e,
				 "an RPO or an RTO target (both are empty)");
	for (size_t i = 0; i < l->ts->n; i++)
		if (strcmp(l->ts->t[i].target_id, id) == 0)
			return row_error(r, T_ID, e,
					 "a target_id not used by an earlier "
					 "row");
	t.target_id = xstrdup(id);
	t.scope = xstrdup(scope);
	t.line = r->line;
	l->ts->t = grow_array(l->ts->t, sizeof(t), l->ts->n + 1, &l->alloc);
	l->ts->t[l->ts->n++] = t;
	return 0;
}

int targets_load(struct target_set *ts, const char *path, struct err *e)
{
	struct target_loader l = { ts, 0 };

	memset(ts, 0, sizeof(*ts));
	ts->path = xstrdup(path);
	if (csv_read(path, &targets_schema, load_target, &l, NULL, e)) {
		targets_release(ts);
		return -1;
	}
	return 0;
}

void targets_release(struct target_set *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].target_id);
		free(ts->t[i].scope);
	}
	free(ts->t);
	free(ts->path);
	memset(ts, 0, sizeof(*ts));
}

static char *lowercase(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

/* fnmatch(3) without the GNU-only FNM_CASEFOLD. */
static bool glob_ci(const char *pattern, const char *s)
{
	char *lp, *ls;
	bool match;

	if (!s)
		return false;
	lp = lowercase(pattern);
	ls = lowercase(s);
	match = fnmatch(lp, ls, 0) == 0;
	free(lp);
	free(ls);
	return match;
}

/* A "key=glob" scope (or "key": the tag is set) against a tags field:
 * the key as Azure compares tag names, without case; the value a glob. */
static bool tags_match(const char *pattern, const char *tags)
{
	const char *eq = strchr(pattern, '=');
	char want[TAG_KEY_MAX], k[TAG_KEY_MAX], v[TAG_VALUE_MAX];

	snprintf(want, sizeof(want), "%.*s",
		 (int)(eq ? eq - pattern : (long)strlen(pattern)), pattern);
	while (tags && tags_next(&tags, k, v))
		if (str_eq_ci(k, want) && (!eq || glob_ci(eq + 1, v)))
			return true;
	return false;
}

/* What a target's glob can name, for an item or a Backup vault's
 * instance; NULL where there is no such name (no policy, no tags). */
struct target_names {
	const char *vault_name, *vault_id;
	const char *policy_name, *policy_id;
	const char *item_name, *item_id;
	const char *workload;
	const char *item_tags, *vault_tags;
};

static bool names_match(const struct target *t, const struct target_names *n)
{
	switch (t->scope_type) {
	case SCOPE_VAULT:
		return glob_ci(t->scope, n->vault_name) ||
		       glob_ci(t->scope, n->vault_id);
	case SCOPE_POLICY:
		return glob_ci(t->scope, n->policy_name) ||
		       glob_ci(t->scope, n->policy_id);
	case SCOPE_ITEM:
		return glob_ci(t->scope, n->item_name) ||
		       glob_ci(t->scope, n->item_id);
	case SCOPE_WORKLOAD:
		return glob_ci(t->scope, n->workload);
	case SCOPE_NAME:
		return glob_ci(t->scope, n->item_name);
	case SCOPE_TAG:
		return tags_match(t->scope, n->item_tags) ||
		       tags_match(t->scope, n->vault_tags);
	}
	return false;
}

bool target_matches(const struct target *t, const struct snapshot *s,
		    const struct item *it)
{
	const struct vault *v = &s->vaults[it->vault_idx];
	const struct policy *p =
		it->policy_idx >= 0 ? &s->policies[it->policy_idx] : NULL;
	struct target_names n = {
		.vault_name = v->vault_name, .vault_id = v->vault_id,
		.policy_name = p ? p->policy_name : NULL,
		.policy_id = p ? p->policy_id : NULL,
		.item_name = it->item_name, .item_id = it->item_id,
		.workload = workload_names[it->workload],
		.item_tags = it->source_tags, .vault_tags = v->tags,
	};

	return names_match(t, &n);
}

bool target_matches_bv(const struct target *t, const struct snapshot *s,
		       const struct binstance *bi)
{
	const struct bvault *v = &s->bv.vaults[bi->vault_idx];
	const struct bpolicy *p =
		bi->policy_idx >= 0 ? &s->bv.policies[bi->policy_idx] : NULL;
	struct target_names n = {
		.vault_name = v->vault_name, .vault_id = v->vault_id,
		.policy_name = p ? p->policy_name : NULL,
		.policy_id = p ? p->policy_id : NULL,
		.item_name = bi->instance_name, .item_id = bi->instance_id,
		.workload = bi->datasource_type,
	};

	return names_match(t, &n);
}

bool target_shadows(const struct target *a, const struct target *b)
{
	if (a == b || a->priority < 0 || b->priority < 0 ||
	    a->tier != b->tier)
		return false;
	return a->priority < b->priority ||
	       (a->priority == b->priority && a->line < b->line);
}

enum { SCOPE_VALUES_SHOWN = 8 };

/* Adds s to the list unless it is there already or the list is full. */
static void add_value(struct strbuf *out, const char **seen, size_t *n,
		      const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(seen[i], s) == 0)
			return;
	if (*n == SCOPE_VALUES_SHOWN)
		return;
	seen[*n] = s;
	strbuf_addf(out, "%s%s", (*n)++ ? ", " : "", s);
}

/* The distinct key=value pairs of one tags field, added to the list. */
static void add_pairs(struct strbuf *out, char (*seen)[96], size_t *n,
		      size_t *total, const char *tags)
{
	char k[TAG_KEY_MAX], v[TAG_VALUE_MAX];

	while (tags && tags_next(&tags, k, v)) {
		char p[96];
		size_t i;

		snprintf(p, sizeof(p), "%.40s=%.40s", k, v);
		for (i = 0; i < *n && strcmp(seen[i], p); i++)
			continue;
		if (i < *n)
			continue;
		(*total)++;
		if (*n == SCOPE_VALUES_SHOWN)
			continue;
		strbuf_addf(out, "%s%s", *n ? ", " : "", p);
		memcpy(seen[(*n)++], p, sizeof(p));
	}
}

/* Tags on items' source resources and on vaults. */
static void tag_values(const struct snapshot *s, struct strbuf *out)
{
	char seen[SCOPE_VALUES_SHOWN][96];
	size_t n = 0, total = 0;

	for (size_t i = 0; i < s->nitems; i++)
		add_pairs(out, seen, &n, &total, s->items[i].source_tags);
	for (size_t i = 0; i < s->nvaults; i++)
		add_pairs(out, seen, &n, &total, s->vaults[i].tags);
	if (!n)
		strbuf_adds(out, "none (no vault or source resource has tags)");
	else if (total > n)
		strbuf_adds(out, ", ...");
}

void target_scope_values(int scope_type, const struct snapshot *s,
			 struct strbuf *out)
{
	const char *seen[SCOPE_VALUES_SHOWN];
	size_t n = 0, total;
	const char *what;

	strbuf_reset(out);
	if (scope_type == SCOPE_WORKLOAD) {
		for (int w = 0; w < WL_COUNT; w++)
			add_value(out, seen, &n, workload_names[w]);
		return;
	}
	if (scope_type == SCOPE_TAG) {
		tag_values(s, out);
		return;
	}
	if (scope_type == SCOPE_VAULT) {
		for (size_t i = 0; i < s->nvaults; i++)
			add_value(out, seen, &n, s->vaults[i].vault_name);
		total = s->nvaults;
		what = "vaults";
	} else if (scope_type == SCOPE_POLICY) {
		for (size_t i = 0; i < s->npolicies; i++)
			add_value(out, seen, &n, s->policies[i].policy_name);
		total = s->npolicies;
		what = "policies";
	} else {
		for (size_t i = 0; i < s->nitems; i++)
			add_value(out, seen, &n, s->items[i].item_name);
		total = s->nitems;
		what = "items";
	}
	if (total == 0)
		strbuf_addf(out, "none (the snapshot has no %s)", what);
	else if (total > n)
		strbuf_addf(out, ", ... (%zu %s in the snapshot)", total, what);
}
