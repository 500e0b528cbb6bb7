/* SPDX-License-Identifier: MIT
 * export_vault.c: the export pipeline inside one vault: backup config,
 * usages, Resource Guard proxy -> guard -> the guard's subscription,
 * policies -> protected items -> each item's recovery points (->
 * fetchTieringCost),
 * items done -> restore and backup job lists -> job details. The vault
 * counts its outstanding calls (ex_vault_step); when none is left its
 * rows go to the snapshot builder. An item's points are held in memory
 * only while its listing runs, then sized and spooled. Never prints. */
#include <string.h>

#include <cjson/cJSON.h>

#include "optimizer/export/export_int.h"
#include "optimizer/azure/cloud.h"
#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* ---- vault bookkeeping ---- */

static int vault_finish(struct ex_vault *v, struct err *e);

/* One outstanding call of v has ended. */
int ex_vault_step(struct ex_vault *v, struct err *e)
{
	if (--v->pending == 0)
		return vault_finish(v, e);
	return 0;
}

void ex_vault_warn(struct ex_vault *v, const char *part, long status,
		       const char *code, const char *consequence)
{
	char key[160], b[96];

	snprintf(key, sizeof(key), "%s:%s", part, v->av.v.vault_id);
	if (ex_is_denial(status))
		v->ex->denied++;
	ex_warn(v->ex, key, "%s (subscription %s): cannot read %s (%s); %s",
	     v->what, v->av.v.subscription_id, part, ex_why(status, code, b),
	     consequence);
}


/* ---- vault parts: config, guards, policies ---- */

static char *vault_url(const struct ex_vault *v, const char *suffix,
		       const char *api, const char *filter)
{
	char *path = xasprintf("%s%s", v->av.arm_id, suffix);
	char *url = arm_url(&v->ex->arm, path, api, filter);

	free(path);
	return url;
}

static int on_vaultconfig(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;

	if (status == 200)
		arm_apply_vaultconfig(body, &v->av);
	else if (ex_is_denial(status) || status == 404)
		ex_vault_warn(v, "backupconfig/vaultconfig", status, code,
			   "soft delete taken from the vault's own settings");
	else
		return ex_unexpected("read the backup config", status, code, e);
	return ex_vault_step(v, e);
}

static int read_guard(struct ex_vault *v, struct err *e);

static int on_proxy_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct arm_proxy p;

	(void)e;
	if (v->has_proxy || arm_parse_proxy(o, &v->ex->pool, &p))
		return 0;
	v->proxy = p;
	v->has_proxy = true;
	return 0;
}

static int on_proxy_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (status == 200 && v->has_proxy) {
		if (read_guard(v, e))
			return -1;
	} else if (ex_is_denial(status) || status == 404) {
		ex_vault_warn(v, "backupResourceGuardProxies", status, code,
			   "multi-user authorization taken from the vault's "
			   "settings");
	} else if (status != 200) {
		return ex_unexpected("list Resource Guard proxies", status,
				     code, e);
	}
	return ex_vault_step(v, e);
}

/* Operations named by the proxy, as the guard would name them. */
static const char *proxy_operations(struct ex_vault *v)
{
	static const struct {
		const char *request, *operation;
	} map[] = {
		{ "deleteResourceGuardProxyRequests",
		  "backupResourceGuardProxies/delete" },
		{ "disableSoftDeleteRequests", "backupconfig/write" },
		{ "deleteProtectedItemRequests",
		  "backupFabrics/protectionContainers/protectedItems/delete" },
		{ "updateProtectedItemRequests",
		  "backupFabrics/protectionContainers/protectedItems/write" },
		{ "updateProtectionPolicyRequests", "backupPolicies/write" },
		{ "getBackupSecurityPINRequests", "backupSecurityPIN/action" },
	};
	const char *parts[64];
	char *copy;
	size_t n = str_split(v->proxy.operations, ';', &copy, parts,
			     ARRAY_SIZE(parts));
	struct strbuf sb = STRBUF_INIT;
	const char *out;

	for (size_t i = 0; i < n; i++) {
		const char *op = parts[i];
		const char *slash = strrchr(op, '/');
		for (size_t k = 0; slash && k < ARRAY_SIZE(map); k++)
			if (str_eq_ci(slash + 1, map[k].request)) {
				strbuf_addf(&sb, "%sMicrosoft.RecoveryServices/"
						 "vaults/%s",
					    sb.len ? ";" : "",
					    map[k].operation);
				op = NULL;
				break;
			}
		if (op)
			strbuf_addf(&sb, "%s%s", sb.len ? ";" : "", op);
	}
	free(copy);
	out = ex_pooled(v->ex, sb.buf);
	strbuf_release(&sb);
	return out;
}

static int on_guard_sub(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;
	const char *tenant = arm_str(body, "tenantId");

	if (status == 200 && tenant) {
		v->guard.guard_tenant_id = ex_pooled(v->ex, tenant);
		ex_add_known(v->ex, v->guard_sub, tenant);
	} else if (*r->tenant) {
		/* Another tenant's subscription: ARM names the tenant. */
		v->guard.guard_tenant_id = ex_pooled(v->ex, r->tenant);
		ex_add_known(v->ex, v->guard_sub, r->tenant);
	} else if (ex_is_denial(status) || status == 404) {
		char key[200];
		snprintf(key, sizeof(key), "guard-tenant:%s",
			 v->av.v.vault_id);
		ex_warn(v->ex, key,
		     "%s: the subscription %s of its Resource Guard is not "
		     "visible (another tenant?); guard_tenant_id left empty",
		     v->what, v->guard_sub);
	} else {
		return ex_unexpected("read the Resource Guard's subscription",
				  status, code, e);
	}
	return ex_vault_step(v, e);
}

static int guard_tenant(struct ex_vault *v, struct err *e)
{
	const char *t = ex_known_tenant(v->ex, v->guard_sub);
	char *path, *url;
	int rc;

	if (t) {
		v->guard.guard_tenant_id = t;
		return 0;
	}
	path = xasprintf("/subscriptions/%s", v->guard_sub);
	url = arm_url(&v->ex->arm, path, ARM_API_SUBSCRIPTIONS, NULL);
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url,
			  "read the Resource Guard's subscription", true,
			  on_guard_sub, v, e);
	free(url);
	free(path);
	return rc;
}

static int on_guard(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;
	struct arm_guard g;

	if (status == 200 && !arm_parse_guard(body, &v->ex->pool, &g)) {
		v->guard.protected_operations = g.protected_operations;
		v->guard.excluded_operations = g.excluded_operations;
	} else if (*r->tenant) {
		char key[200];
		snprintf(key, sizeof(key), "guard-tenant:%s", v->av.v.vault_id);
		ex_warn(v->ex, key,
		     "%s: its Resource Guard is in another tenant (%s) and "
		     "cannot be read; protected operations taken from the "
		     "vault's proxy, exclusions unknown",
		     v->what, r->tenant);
		v->guard.guard_tenant_id = ex_pooled(v->ex, r->tenant);
		ex_add_known(v->ex, v->guard_sub, r->tenant);
		v->guard.protected_operations = proxy_operations(v);
	} else if (ex_is_denial(status) || status == 404) {
		ex_vault_warn(v, "its Resource Guard", status, code,
			   "protected operations taken from the vault's "
			   "proxy");
		v->guard.protected_operations = proxy_operations(v);
	} else if (status != 200) {
		return ex_unexpected("read a Resource Guard", status, code, e);
	}
	if (guard_tenant(v, e))
		return -1;
	return ex_vault_step(v, e);
}

static int read_guard(struct ex_vault *v, struct err *e)
{
	char sub[128];
	char *url;
	int rc;

	v->has_guard = true;
	v->guard.vault_id = v->av.v.vault_id;
	v->guard.resource_guard_id = v->proxy.guard_id;
	v->guard.guard_tenant_id = "";
	v->guard.protected_operations = "";
	v->guard.excluded_operations = "";
	if (arm_id_value(v->proxy.guard_id, "subscriptions", sub, sizeof(sub)))
		sub[0] = '\0';
	v->guard_sub = ex_pooled(v->ex, sub);
	v->guard.guard_subscription_id = v->guard_sub;
	url = arm_url(&v->ex->arm, v->proxy.guard_id, ARM_API_GUARDS, NULL);
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read a Resource Guard", true,
			  on_guard, v, e);
	free(url);
	return rc;
}

static int list_items(struct ex_vault *v, struct err *e);

static void bad_row(struct ex_vault *v, const char *kind,
		    const struct err *bad);

static int on_policy_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct err bad = ERR_INIT;
	struct policy p;
	int rc = arm_parse_policy(o, v->av.v.vault_id, &v->ex->pool, &p, &bad);

	(void)e;
	if (rc < 0)
		bad_row(v, "a backup policy", &bad);
	if (rc)
		return 0;
	v->policies = grow_array(v->policies, sizeof(p), v->npolicies + 1,
				 &v->apolicies);
	v->policies[v->npolicies++] = p;
	return 0;
}

static int on_policy_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (ex_is_denial(status) || status == 404)
		ex_vault_warn(v, "backup policies", status, code,
			   "its items are exported without a policy");
	else if (status != 200)
		return ex_unexpected("list backup policies", status, code, e);
	if (list_items(v, e))
		return -1;
	return ex_vault_step(v, e);
}

static int start_list_at(struct ex_vault *v, const char *suffix,
			 const char *api, const char *what,
			 const char *filter, arm_item_fn item, arm_end_fn end,
			 void *ctx, struct err *e)
{
	struct arm_list_spec s = { 0 };
	char *url = vault_url(v, suffix, api, filter);
	int rc;

	s.url = url;
	s.what = what;
	s.item = item;
	s.end = end;
	s.ctx = ctx;
	v->pending++;
	rc = arm_list(&v->ex->arm, &s, e);
	free(url);
	return rc;
}

static int start_list(struct ex_vault *v, const char *suffix,
		      const char *what, const char *filter, arm_item_fn item,
		      arm_end_fn end, void *ctx, struct err *e)
{
	return start_list_at(v, suffix, ARM_API_BACKUP, what, filter, item,
			     end, ctx, e);
}

static int on_usage_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;

	(void)e;
	arm_vault_usage(o, &v->av.v);
	return 0;
}

static int on_usage_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	struct ex_vault *v = ctx;

	if (r->status == 200)
		v->av.v.has_usages = true;
	else if (ex_is_denial(r->status) || r->status == 404)
		ex_vault_warn(v, "usages", r->status, r->code,
			      "its usage columns are left empty");
	else
		return ex_unexpected("list the vault's usages", r->status,
				     r->code, e);
	return ex_vault_step(v, e);
}

int ex_vault_start(struct ex_vault *v, struct err *e)
{
	char *url = vault_url(v, "/backupconfig/vaultconfig", ARM_API_BACKUP,
			      NULL);
	int rc;

	v->pending = 1; /* this function's own step, released below */
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read the backup config", false,
			  on_vaultconfig, v, e);
	free(url);
	if (rc ||
	    start_list(v, "/backupResourceGuardProxies",
		       "list Resource Guard proxies", NULL, on_proxy_item,
		       on_proxy_end, v, e) ||
	    start_list(v, "/backupPolicies", "list backup policies", NULL,
		       on_policy_item, on_policy_end, v, e) ||
	    start_list_at(v, "/usages", ARM_API_VAULTS, "list the vault's "
			  "usages", NULL, on_usage_item, on_usage_end, v, e))
		return -1;
	return ex_vault_step(v, e);
}

/* ---- items and recovery points ---- */

static int list_jobs(struct ex_vault *v, struct err *e);
static int list_rps(struct ex_item *it, struct err *e);

static const struct policy *find_policy(const struct ex_vault *v,
					const char *policy_id)
{
	for (size_t i = 0; i < v->npolicies; i++)
		if (strcmp(v->policies[i].policy_id, policy_id) == 0)
			return &v->policies[i];
	return NULL;
}

/* A payload row that cannot be used: counted in one warning per vault. */
static void bad_row(struct ex_vault *v, const char *kind,
		    const struct err *bad)
{
	char key[200];

	snprintf(key, sizeof(key), "bad-%s:%s", kind, v->av.v.vault_id);
	ex_warn(v->ex, key, "%s: skipped %s that Azure described oddly: %s",
	     v->what, kind, bad->msg);
}

/* An item whose policyId the vault's policy list does not hold: the
 * snapshot cannot link it, and says so (plan and check then read it as
 * an item without a policy). */
static void lost_policy(struct ex_item *it)
{
	char key[200];

	snprintf(key, sizeof(key), "policy-link:%s", it->v->av.v.vault_id);
	ex_warn(it->v->ex, key,
		"%s: item %s names policy %s, which the vault's policy list "
		"does not hold; exported without a policy (read as stopped)",
		it->v->what, it->ai.it.item_name, it->ai.policy_arm_id);
	it->ai.it.policy_id = "";
}

static int on_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct ex_item *it = xcalloc(1, sizeof(*it));
	struct err bad = ERR_INIT;
	int rc = arm_parse_item(o, v->av.arm_id, v->av.v.vault_id,
				&v->ex->pool, &it->ai, &bad);

	if (rc) {
		if (rc < 0)
			bad_row(v, "a protected item", &bad);
		free(it);
		return 0;
	}
	it->v = v;
	it->pool = (struct strpool)STRPOOL_INIT;
	if (it->ai.it.policy_id[0]) {
		it->policy = find_policy(v, it->ai.it.policy_id);
		if (!it->policy)
			lost_policy(it);
	}
	v->items = grow_array(v->items, sizeof(*v->items), v->nitems + 1,
			      &v->aitems);
	v->items[v->nitems++] = it;
	v->ex->items++;
	return list_rps(it, e);
}

static int on_item_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (ex_is_denial(status) || status == 404)
		ex_vault_warn(v, "protected items", status, code,
			   "the vault is exported without items");
	else if (status != 200)
		return ex_unexpected("list protected items", status, code, e);
	if (list_jobs(v, e))
		return -1;
	return ex_vault_step(v, e);
}

static int list_items(struct ex_vault *v, struct err *e)
{
	return start_list(v, "/backupProtectedItems", "list protected items",
			  NULL, on_item, on_item_end, v, e);
}

static int on_rp(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_item *it = ctx;
	struct err bad = ERR_INIT;
	struct rp rp;
	int rc = arm_parse_rp(o, &it->ai.it, it->policy, &it->pool, &rp, &bad);

	(void)e;
	if (rc < 0)
		bad_row(it->v, "a recovery point", &bad);
	if (rc)
		return 0;
	it->rps = grow_array(it->rps, sizeof(rp), it->n + 1, &it->alloc);
	it->rps[it->n++] = rp;
	return 0;
}

static int cmp_rp(const void *a, const void *b)
{
	const struct rp *x = a, *y = b;

	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	return strcmp(x->rp_id, y->rp_id);
}

/* Sizes, spools and frees the item's points; writes the item row. */
static int item_finish(struct ex_item *it, struct err *e)
{
	struct ex *x = it->v->ex;
	struct item *row = &it->ai.it;
	int rc;

	itemsize_apply(row, it->rps, it->n, x->as_of);
	rc = snapbuild_item(x->b, row, e);
	if (!rc)
		rc = snapbuild_item_rps(x->b, row->item_id, it->rps, it->n, e);
	x->points += it->n;
	x->items_done++;
	free(it->rps);
	it->rps = NULL;
	it->n = it->alloc = 0;
	strpool_release(&it->pool);
	if (rc)
		return -1;
	return ex_vault_step(it->v, e);
}

static int on_tiering_cost(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_item *it = ctx;
	struct ex *x = it->v->ex;
	double red, inc;
	char key[200], b[96];

	if (status == 200 && !arm_parse_tiering_cost(body, &red, &inc) &&
	    !itemsize_from_tiering_cost(&it->ai.it, it->rps, it->n, x->as_of,
					red, inc))
		return item_finish(it, e);
	if (status != 200 && !ex_is_denial(status) && status != 404 &&
	    status != 400 && status != 0)
		return ex_unexpected("fetch the tiering cost", status, code, e);
	if (status != 200) {
		x->denied += ex_is_denial(status);
		snprintf(key, sizeof(key), "tiering:%s", it->v->av.v.vault_id);
		ex_warn(x, key,
		     "%s: fetchTieringCost failed for item %s (%s); its size "
		     "is a default",
		     it->v->what, it->ai.it.item_name, ex_why(status, code, b));
	}
	return item_finish(it, e);
}

static int fetch_tiering_cost(struct ex_item *it, struct err *e)
{
	struct ex_vault *v = it->v;
	cJSON *req = cJSON_CreateObject();
	char *body, *url;
	int rc;

	cJSON_AddStringToObject(req, "objectType",
				"FetchTieringCostSavingsInfoForProtectedItem"
				"Request");
	cJSON_AddStringToObject(req, "containerName", it->ai.container);
	cJSON_AddStringToObject(req, "protectedItemName", it->ai.name);
	cJSON_AddStringToObject(req, "sourceTierType", "HardenedRP");
	cJSON_AddStringToObject(req, "targetTierType", "ArchivedRP");
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	url = vault_url(v, "/backupTieringCost/default/fetchTieringCost",
			ARM_API_BACKUP, NULL);
	rc = arm_post_json(&v->ex->arm, url, body, "fetch the tiering cost",
			   on_tiering_cost, it, e);
	free(url);
	cJSON_free(body);
	return rc;
}

static void item_sizes(struct ex_item *it)
{
	struct ex *x = it->v->ex;
	struct item *row = &it->ai.it;

	itemsize_default(row->workload, &row->source_gb, &row->daily_churn);
	row->size_source = SS_ESTIMATED;
	if (x->sizes && !sizes_file_find(x->sizes, row->arm_id, row->item_name,
					 &row->source_gb, &row->daily_churn))
		row->size_source = SS_REPORTED;
}

/* The item's sizes from fetchTieringCost when asked, then its row. */
static int item_last_step(struct ex_item *it, struct err *e)
{
	if (it->v->ex->o->tiering_cost &&
	    it->ai.it.size_source != SS_REPORTED && it->n)
		return fetch_tiering_cost(it, e);
	return item_finish(it, e);
}

/* The answer for the item's source resource, then the item's last step. */
static int tags_to_item(struct ex_item *it, const struct src_tags *s,
			struct err *e)
{
	if (s->status == 200)
		it->ai.it.source_tags = s->tags;
	else
		ex_vault_warn(it->v, "tags of source resources", s->status,
			      s->code, "items.csv source_tags left empty");
	return item_last_step(it, e);
}

static int on_source_tags(void *ctx, const struct arm_reply *r,
			  struct err *e)
{
	struct src_tags *s = ctx;
	struct ex_item *first = s->waiting[0];
	struct ex *x = first->v->ex;
	const cJSON *props;

	if (r->status == 200) {
		props = cJSON_GetObjectItemCaseSensitive(r->body, "properties");
		s->tags = arm_parse_tags(
			cJSON_GetObjectItemCaseSensitive(props, "tags"),
			&x->pool);
	} else if (!ex_is_denial(r->status) && r->status != 404) {
		return ex_unexpected("read the tags of a source resource",
				     r->status, r->code, e);
	}
	s->done = true;
	s->status = r->status;
	s->code = ex_pooled(x, r->code);
	for (size_t i = 0; i < s->nwaiting; i++)
		if (tags_to_item(s->waiting[i], s, e))
			return -1;
	s->nwaiting = 0;
	return 0;
}

/* The source resource's shared entry: found by its lowercased ARM id,
 * else new (*fresh). */
static struct src_tags *source_entry(struct ex *x, const char *src,
				     bool *fresh)
{
	char *key = xstrdup(src);
	const char *pooled;
	size_t idx;

	for (char *p = key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	*fresh = strmap_get(&x->src_ids, key, &idx) != 0;
	if (*fresh) {
		pooled = ex_pooled(x, key);
		idx = x->nsrcs;
		strmap_put(&x->src_ids, pooled, idx);
		x->srcs = grow_array(x->srcs, sizeof(*x->srcs), x->nsrcs + 1,
				     &x->asrcs);
		x->srcs[x->nsrcs++] = xcalloc(1, sizeof(struct src_tags));
	}
	free(key);
	return x->srcs[idx];
}

/* The tags of the item's source resource (VM, SQL/HANA host, storage
 * account), by the Tags API, which answers for any resource type; asked
 * once per resource, however many items back it up. */
static int read_source_tags(struct ex_item *it, struct err *e)
{
	const char *src = it->ai.it.source_resource_id;
	struct ex *x = it->v->ex;
	struct src_tags *s;
	bool fresh;
	char *path, *url;
	int rc;

	if (!src || !src[0])
		return item_last_step(it, e);
	s = source_entry(x, src, &fresh);
	if (s->done)
		return tags_to_item(it, s, e);
	s->waiting = grow_array(s->waiting, sizeof(*s->waiting),
				s->nwaiting + 1, &s->awaiting);
	s->waiting[s->nwaiting++] = it;
	if (!fresh)
		return 0;
	path = xasprintf("%s/providers/Microsoft.Resources/tags/default", src);
	url = arm_url(&x->arm, path, ARM_API_TAGS, NULL);
	rc = arm_get_json(&x->arm, url, "read the tags of a source resource",
			  false, on_source_tags, s, e);
	free(url);
	free(path);
	return rc;
}

/* A VM item with monthly or yearly points in Vault-standard: Azure's
 * recommended set is worth asking for. */
static bool wants_recommended(const struct ex_item *it)
{
	if (it->ai.it.workload != WL_VM)
		return false;
	for (size_t i = 0; i < it->n; i++)
		if ((it->rps[i].kind == RK_MONTHLY ||
		     it->rps[i].kind == RK_YEARLY) &&
		    it->rps[i].tier != TIER_ARCHIVE &&
		    it->rps[i].tier != TIER_SNAPSHOT_ARCHIVE)
			return true;
	return false;
}

/* Page limit of one item's recommended set (it names points of one
 * item: a few hundred at most). */
#define REC_MAX_PAGES 1000

/* Marks the points named in one page's value[] as recommended (the
 * item's points were all marked asked-and-not when the set was asked
 * for); returns the page's nextLink, or NULL. */
static const char *mark_recommended(struct ex_item *it, const cJSON *body)
{
	struct arm_page pg;
	const cJSON *o;

	if (arm_page(body, &pg))
		return NULL;
	cJSON_ArrayForEach(o, pg.value) {
		const char *name = arm_str(o, "name");
		for (size_t i = 0; name && i < it->n; i++)
			if (strcmp(it->rps[i].rp_id, name) == 0)
				it->rps[i].recommended = 1;
	}
	return pg.next_link && *pg.next_link ? pg.next_link : NULL;
}

static int on_recommended(void *ctx, const struct arm_reply *r,
			  struct err *e)
{
	struct ex_item *it = ctx;
	struct ex *x = it->v->ex;
	char key[200], b[96];
	const char *next;

	if (r->status == 200) {
		next = mark_recommended(it, r->body);
		if (next && url_same_origin(next, x->arm.base) &&
		    ++it->rec_pages < REC_MAX_PAGES)
			return arm_get_json(&x->arm, next, "list the points "
					    "recommended for move", false,
					    on_recommended, it, e);
		if (next)
			ex_warn(x, "recommended-paging", "%s: item %s: the "
				"recommended-for-move set's nextLink '%s' is "
				"not followed (another host, or over %d "
				"pages); the rest of the set is not marked",
				it->v->what, it->ai.it.item_name, next,
				REC_MAX_PAGES);
	} else if (ex_is_denial(r->status) || r->status == 404 ||
		   r->status == 400 || r->status == 0) {
		for (size_t i = 0; i < it->n; i++)
			it->rps[i].recommended = 0;
		x->denied += ex_is_denial(r->status);
		snprintf(key, sizeof(key), "recommended:%s",
			 it->v->av.v.vault_id);
		ex_warn(x, key,
			"%s: recoveryPointsRecommendedForMove failed for item "
			"%s (%s); its points are exported without Azure's "
			"recommendation",
			it->v->what, it->ai.it.item_name,
			ex_why(r->status, r->code, b));
	} else {
		return ex_unexpected("list the points recommended for move",
				     r->status, r->code, e);
	}
	return read_source_tags(it, e);
}

static int fetch_recommended(struct ex_item *it, struct err *e)
{
	struct ex *x = it->v->ex;
	char *path = xasprintf("%s/recoveryPointsRecommendedForMove",
			       it->ai.path);
	char *url = arm_url(&x->arm, path, ARM_API_BACKUP, NULL);
	int rc;

	for (size_t i = 0; i < it->n; i++)
		it->rps[i].recommended = -1;
	it->rec_pages = 0;
	rc = arm_post_json(&x->arm, url,
			   "{\"objectType\":\"ListRecoveryPoints"
			   "RecommendedForMoveRequest\","
			   "\"excludedRPList\":[]}",
			   "list the points recommended for move",
			   on_recommended, it, e);

	free(url);
	free(path);
	return rc;
}

static int on_rp_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_item *it = ctx;
	struct ex *x = it->v->ex;

	if (ex_is_denial(status) || status == 404) {
		char key[200], b[96];
		x->denied += ex_is_denial(status);
		snprintf(key, sizeof(key), "rps:%s", it->v->av.v.vault_id);
		ex_warn(x, key,
		     "%s: cannot read the recovery points of item %s (%s); "
		     "exported without points",
		     it->v->what, it->ai.it.item_name, ex_why(status, code, b));
		it->n = 0;
	} else if (status != 200) {
		return ex_unexpected("list recovery points", status, code, e);
	}
	if (it->n)
		qsort(it->rps, it->n, sizeof(*it->rps), cmp_rp);
	item_sizes(it);
	if (wants_recommended(it))
		return fetch_recommended(it, e);
	return read_source_tags(it, e);
}

static int list_rps(struct ex_item *it, struct err *e)
{
	struct arm_list_spec s = { 0 };
	char *path = xasprintf("%s/recoveryPoints", it->ai.path);
	char *url = arm_url(&it->v->ex->arm, path, ARM_API_BACKUP, NULL);
	int rc;

	s.url = url;
	s.what = "list recovery points";
	s.item = on_rp;
	s.end = on_rp_end;
	s.ctx = it;
	it->v->pending++;
	rc = arm_list(&it->v->ex->arm, &s, e);
	free(url);
	free(path);
	return rc;
}

/* ---- jobs ---- */

/* "2026-01-31 02:00:00 PM", the form the CLI sends in job filters. */
static void filter_time(int64_t t, char out[32])
{
	struct civil c;
	int h12;

	time_to_civil(t, &c);
	h12 = c.hour % 12 ? c.hour % 12 : 12;
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d %s", c.year % 10000,
		 c.month, c.day, h12, c.min, c.sec, c.hour < 12 ? "AM" : "PM");
}

static int job_details(struct ex_vault *v, size_t idx, struct err *e);

static int on_job(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct err bad = ERR_INIT;
	struct arm_job aj;

	if (arm_parse_job(o, v->av.v.vault_id, &v->jpool, &aj, &bad)) {
		bad_row(v, "a backup job", &bad);
		return 0;
	}
	if (strmap_put(&v->job_ids, aj.j.job_id, v->njobs))
		return 0; /* listed by both windows */
	v->jobs = grow_array(v->jobs, sizeof(aj), v->njobs + 1, &v->ajobs);
	v->jobs[v->njobs++] = aj;
	/* restores for the point restored; an on-demand backup for its
	 * point's expiry, which only the job's details carry */
	if (!job_is_restore(&aj.j) &&
	    !(job_is_backup(&aj.j) &&
	      (v->ex->o->backup_job_details || aj.user_triggered)))
		return 0;
	/* an ended job's details from --since, unless it is an on-demand
	 * backup (its point's expiry is in no snapshot column) */
	if (!(job_is_backup(&aj.j) && aj.user_triggered) &&
	    ex_since_details(v->ex, v->av.v.vault_id, &v->jobs[v->njobs - 1].j))
		return 0;
	return job_details(v, v->njobs - 1, e);
}

static int on_job_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (ex_is_denial(status) || status == 404)
		ex_vault_warn(v, "backup jobs", status, code,
			   "no job history for it");
	else if (status != 200)
		return ex_unexpected("list backup jobs", status, code, e);
	return ex_vault_step(v, e);
}

/* Restore, restore-from-archive and cross-region restore jobs over the
 * restore window, then every job of the backup window (restores in both
 * are read once); or all of them by one Resource Graph query. */
static int list_jobs(struct ex_vault *v, struct err *e)
{
	static const char *const restores[] = { "Restore",
						"RestoreWithRehydrate",
						"CrossRegionRestore" };
	struct ex *x = v->ex;
	char from[32], to[32], *filter;
	int rc = 0;

	if (x->o->resource_graph)
		return ex_graph_jobs(v, on_job, on_job_end, e);
	filter_time(x->as_of, to);
	filter_time(x->as_of - (int64_t)x->o->lookback_days * DAY_S, from);
	for (size_t i = 0; i < ARRAY_SIZE(restores) && !rc; i++) {
		filter = xasprintf("startTime eq '%s' and endTime eq '%s' and "
				   "operation eq '%s'",
				   from, to, restores[i]);
		rc = start_list(v, "/backupJobs", "list restore jobs", filter,
				on_job, on_job_end, v, e);
		free(filter);
	}
	if (rc)
		return -1;
	filter_time(x->as_of - (int64_t)x->o->backup_jobs_days * DAY_S, from);
	filter = xasprintf("startTime eq '%s' and endTime eq '%s'", from, to);
	rc = start_list(v, "/backupJobs", "list backup jobs", filter, on_job,
			on_job_end, v, e);
	free(filter);
	return rc;
}

struct job_ref {
	struct ex_vault *v;
	size_t idx;
};

static int on_job_details(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct job_ref *ref = ctx;
	struct ex_vault *v = ref->v;

	if (status == 200) {
		arm_apply_job_details(body, &v->jpool, &v->jobs[ref->idx].j);
		v->jobs[ref->idx].rp_expiry = arm_job_rp_expiry(body);
	} else if (ex_is_denial(status) || status == 404)
		ex_vault_warn(v, "job details", status, code,
			   "restores exported without the point restored");
	else
		return ex_unexpected("read a restore job", status, code, e);
	return ex_vault_step(v, e);
}

static int job_details(struct ex_vault *v, size_t idx, struct err *e)
{
	struct job_ref *r = ex_own(v->ex, xcalloc(1, sizeof(*r)));
	char *suffix = xasprintf("/backupJobs/%s", v->jobs[idx].j.job_id);
	char *url = vault_url(v, suffix, ARM_API_BACKUP, NULL);
	int rc;

	r->v = v;
	r->idx = idx;
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read a job", true,
			  on_job_details, r, e);
	free(url);
	free(suffix);
	return rc;
}

/* Items of a vault that share a workload and a name (SQL databases
 * called the same on two servers): a job names only the database, so the
 * recovery points tell them apart. Their point times are read back from
 * the spool while the vault's jobs are matched. */
struct namesake {
	const struct ex_item *it;
	int64_t *times;            /* sorted; NULL until needed */
	size_t n;
};

static bool same_name(const struct ex_item *a, const struct ex_item *b)
{
	return a->ai.it.workload == b->ai.it.workload &&
	       str_eq_ci(a->ai.friendly_name, b->ai.friendly_name);
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Whether the item has a point at a time in [lo, hi]. */
static bool point_between(struct ex_vault *v, struct namesake *ns,
			  int64_t lo, int64_t hi, struct err *e)
{
	size_t a = 0, b;

	if (!ns->times) {
		if (snapbuild_item_rp_times(v->ex->b, ns->it->ai.it.item_id,
					    &ns->times, &ns->n, e))
			return false;
		if (ns->n)
			qsort(ns->times, ns->n, sizeof(int64_t), cmp_time);
	}
	b = ns->n;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (ns->times[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < ns->n && ns->times[a] <= hi;
}

/* When a job's point was taken: during a backup (a minute of slack);
 * the restored point's time for a restore. */
static void job_point_window(const struct job *j, int64_t *lo, int64_t *hi)
{
	if (j->rp_time != TIME_NONE) {
		*lo = *hi = j->rp_time;
		return;
	}
	*lo = j->start_time - 60;
	*hi = (j->end_time != TIME_NONE ? j->end_time : j->start_time) + 60;
}

/* Whether "a;b;c" ends with the ';'-separated parts of tail. */
static bool ends_with_parts(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return k && n >= k && str_eq_ci(s + n - k, tail) &&
	       (n == k || s[n - k - 1] == ';');
}

/* What the job says of its item beyond the name: a VM job's container,
 * an Azure Files job's storage account (the container's last part). */
static bool job_fits(const struct arm_job *aj, const struct ex_item *it)
{
	if (*aj->container && !ends_with_parts(it->ai.container,
					       aj->container))
		return false;
	if (*aj->storage_account &&
	    !ends_with_parts(it->ai.container, aj->storage_account))
		return false;
	return true;
}

/* The item a job is about: same workload and friendly name in the vault
 * (and container, when the job gives one); among namesakes, the one with
 * a point from the job's time (else the lowest item_id, and a warning). */
static const char *job_item(struct ex_vault *v, const struct arm_job *aj,
			    struct namesake *ns, size_t nns, struct err *e)
{
	const struct ex_item *best = NULL, *timed = NULL;
	size_t candidates = 0;
	int64_t lo, hi;

	for (size_t i = 0; i < v->nitems; i++) {
		const struct ex_item *it = v->items[i];
		if ((aj->workload >= 0 && it->ai.it.workload != aj->workload) ||
		    !arm_job_names(aj->friendly_name, it->ai.friendly_name) ||
		    !job_fits(aj, it))
			continue;
		candidates++;
		if (!best || strcmp(it->ai.it.item_id, best->ai.it.item_id) < 0)
			best = it;
	}
	if (candidates < 2)
		return best ? best->ai.it.item_id : "";
	job_point_window(&aj->j, &lo, &hi);
	for (size_t i = 0; i < nns; i++) {
		if (!same_name(ns[i].it, best) || !job_fits(aj, ns[i].it) ||
		    !point_between(v, &ns[i], lo, hi, e))
			continue;
		if (timed) { /* two have a point then: no better than before */
			timed = NULL;
			break;
		}
		timed = ns[i].it;
	}
	if (timed)
		return timed->ai.it.item_id;
	{
		char key[200];
		snprintf(key, sizeof(key), "namesake:%s", v->av.v.vault_id);
		ex_warn(v->ex, key,
			"%s: a job of '%s' could not be told apart from other "
			"items of that name (by container or by a recovery "
			"point from its time); assigned to the first of them",
			v->what, aj->friendly_name);
	}
	return best->ai.it.item_id;
}

/* The items that have a namesake in the vault. */
static struct namesake *namesakes(const struct ex_vault *v, size_t *n)
{
	struct namesake *ns = xcalloc(v->nitems ? v->nitems : 1, sizeof(*ns));

	*n = 0;
	for (size_t i = 0; i < v->nitems; i++)
		for (size_t k = 0; k < v->nitems; k++)
			if (k != i && same_name(v->items[i], v->items[k])) {
				ns[(*n)++].it = v->items[i];
				break;
			}
	return ns;
}

/* ---- the end of a vault ---- */

static int cmp_job_id(const void *a, const void *b)
{
	return strcmp(((const struct arm_job *)a)->j.job_id,
		      ((const struct arm_job *)b)->j.job_id);
}

static int vault_finish(struct ex_vault *v, struct err *e)
{
	struct ex *x = v->ex;
	struct job *jobs = xcalloc(v->njobs ? v->njobs : 1, sizeof(*jobs));
	struct namesake *ns;
	size_t nns;
	int rc = 0;

	if (v->has_proxy) {
		v->av.v.resource_guard_id = v->proxy.guard_id;
		if (!v->av.has_mua)
			v->av.v.mua = ON;
	}
	ns = namesakes(v, &nns);
	/* in id order, not as the answers came: the warnings name the same
	 * job whatever the listings' interleaving or source */
	if (v->njobs)
		qsort(v->jobs, v->njobs, sizeof(*v->jobs), cmp_job_id);
	for (size_t i = 0; i < v->njobs && !rc; i++) {
		jobs[i] = v->jobs[i].j;
		jobs[i].item_id = job_item(v, &v->jobs[i], ns, nns, e);
		if (v->jobs[i].rp_expiry != TIME_NONE && *jobs[i].item_id) {
			int64_t lo, hi;
			job_point_window(&jobs[i], &lo, &hi);
			rc = snapbuild_rp_expiry(x->b, jobs[i].item_id, lo, hi,
						 v->jobs[i].rp_expiry, e);
		}
	}
	for (size_t i = 0; i < nns; i++)
		free(ns[i].times);
	free(ns);
	if (e->code) {
		free(jobs);
		return -1;
	}
	x->jobs += v->njobs;
	rc = snapbuild_vault(x->b, &v->av.v, e) ||
	     snapbuild_jobs(x->b, jobs, v->njobs, e);
	for (size_t i = 0; !rc && i < v->npolicies; i++)
		rc = snapbuild_policy(x->b, &v->policies[i], e);
	if (!rc && v->has_guard)
		rc = snapbuild_guard(x->b, &v->guard, e);
	free(jobs);
	free(v->jobs);
	v->jobs = NULL;
	v->njobs = 0;
	strmap_release(&v->job_ids);
	strpool_release(&v->jpool);
	x->vaults_done++;
	return rc ? -1 : 0;
}

void ex_vault_free(struct ex_vault *v)
{
	for (size_t i = 0; i < v->nitems; i++) {
		free(v->items[i]->rps);
		strpool_release(&v->items[i]->pool);
		free(v->items[i]);
	}
	free(v->items);
	free(v->policies);
	free(v->jobs);
	strmap_release(&v->job_ids);
	strpool_release(&v->jpool);
	free(v);
}
