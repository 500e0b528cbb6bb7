/* SPDX-License-Identifier: MIT
 * export_bv.c: the Backup vaults (Microsoft.DataProtection) of an exported
 * subscription: the vault list, then per vault its Resource Guard
 * mapping, backup policies and backup instances, turned into the rows of
 * backup_vaults.csv, backup_policies.csv and backup_instances.csv
 * (docs/snapshot-format.md "Backup vaults") once its three lists ended.
 * A list that is denied is a warning: the vault is exported without it.
 * Never prints. */
#include <stdlib.h>
#include <string.h>

#include "optimizer/azure/arm_parse_bv.h"
#include "optimizer/export/export_int.h"
#include "optimizer/base/util.h"

/* A Backup vault being read. */
struct bv_read {
	struct ex *x;
	struct bvault v;
	struct bpolicy *policies;
	size_t npolicies, apolicies;
	struct binstance *instances;
	size_t ninstances, ainstances;
	int pending;              /* lists still outstanding */
};

/* A list of one vault's part. */
struct bv_part {
	struct bv_read *r;
	const char *what;         /* "backup policies" */
};

/* ---- the flow ---- */

/* Sends the vault's rows to the builder; an instance whose policy is not
 * the vault's (deleted) keeps none. */
static int bv_done(struct bv_read *r, struct err *e)
{
	struct snapbuild *b = r->x->b;

	if (snapbuild_bvault(b, &r->v, e))
		return -1;
	for (size_t i = 0; i < r->npolicies; i++)
		if (snapbuild_bpolicy(b, &r->policies[i], e))
			return -1;
	for (size_t i = 0; i < r->ninstances; i++) {
		struct binstance *bi = &r->instances[i];
		bool known = false;
		for (size_t k = 0; k < r->npolicies && !known; k++)
			known = !strcmp(r->policies[k].policy_id,
					bi->policy_id);
		if (!known)
			bi->policy_id = "";
		if (snapbuild_binstance(b, bi, e))
			return -1;
	}
	free(r->policies);
	free(r->instances);
	r->policies = NULL;
	r->instances = NULL;
	return 0;
}

static int on_part_end(void *ctx, const struct arm_reply *rep,
		       struct err *e)
{
	struct bv_part *pt = ctx;
	struct bv_read *r = pt->r;
	char key[300], b[96];

	if (rep->status != 200) {
		if (!ex_is_denial(rep->status) && rep->status != 404)
			return ex_unexpected("list a Backup vault's parts",
					     rep->status, rep->code, e);
		snprintf(key, sizeof(key), "bv:%s:%s", r->v.vault_id,
			 pt->what);
		ex_warn(r->x, key,
			"Backup vault %s: cannot list its %s (%s); exported "
			"without them",
			r->v.vault_name, pt->what,
			ex_why(rep->status, rep->code, b));
	}
	return --r->pending ? 0 : bv_done(r, e);
}

static int on_policy(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_read *r = ((struct bv_part *)ctx)->r;
	struct bpolicy p;

	(void)e;
	if (arm_parse_bpolicy(o, r->v.vault_id, &r->x->pool, &p))
		return 0;
	r->policies = grow_array(r->policies, sizeof(p), r->npolicies + 1,
				 &r->apolicies);
	r->policies[r->npolicies++] = p;
	return 0;
}

static int on_instance(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_read *r = ((struct bv_part *)ctx)->r;
	struct binstance bi;

	(void)e;
	if (arm_parse_binstance(o, r->v.vault_id, &r->x->pool, &bi))
		return 0;
	r->instances = grow_array(r->instances, sizeof(bi),
				  r->ninstances + 1, &r->ainstances);
	r->instances[r->ninstances++] = bi;
	return 0;
}

static int on_proxy(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_read *r = ((struct bv_part *)ctx)->r;
	const char *guard = arm_str(o, "properties.resourceGuardResourceId");

	(void)e;
	if (guard && *guard)
		r->v.resource_guard_id = ex_pooled(r->x, guard);
	return 0;
}

static int list_part(struct bv_read *r, const char *suffix,
		     const char *what, arm_item_fn fn, struct err *e)
{
	struct bv_part *pt = ex_own(r->x, xcalloc(1, sizeof(*pt)));
	struct arm_list_spec spec = { 0 };
	char *path = xasprintf("%s/%s", r->v.arm_id, suffix);
	char *url = arm_url(&r->x->arm, path, ARM_API_DATAPROTECTION, NULL);
	int rc;

	pt->r = r;
	pt->what = what;
	spec.url = url;
	spec.what = what;
	spec.item = fn;
	spec.end = on_part_end;
	spec.ctx = pt;
	rc = arm_list(&r->x->arm, &spec, e);
	free(url);
	free(path);
	return rc;
}

struct bv_sub {
	struct ex *x;
	const char *id, *tenant;
};

static int on_bvault(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_sub *s = ctx;
	const char *id = arm_str(o, "id") ? arm_str(o, "id") : "?";
	const char *name = arm_str(o, "name");
	struct bv_read *r;
	char key[300];

	if (!name || !ex_vault_selected(s->x, name))
		return 0;
	r = ex_own(s->x, xcalloc(1, sizeof(*r)));
	r->x = s->x;
	if (arm_parse_bvault(o, s->tenant, &s->x->pool, &r->v)) {
		snprintf(key, sizeof(key), "bv:%s", id);
		ex_warn(s->x, key,
			"Backup vault %s skipped: no storage redundancy or "
			"name in its properties",
			id);
		return 0;
	}
	r->pending = 3;
	return list_part(r, "backupResourceGuardProxies",
			 "Resource Guard mappings", on_proxy, e) ||
			       list_part(r, "backupPolicies", "backup policies",
					 on_policy, e) ||
			       list_part(r, "backupInstances",
					 "backup instances", on_instance, e)
		       ? -1
		       : 0;
}

static int on_bvault_list_end(void *ctx, const struct arm_reply *r,
			      struct err *e)
{
	struct bv_sub *s = ctx;
	char key[160], b[96];

	if (r->status == 200)
		return 0;
	if (!ex_is_denial(r->status) && r->status != 404)
		return ex_unexpected("list Backup vaults", r->status, r->code,
				     e);
	snprintf(key, sizeof(key), "bvaults:%s", s->id);
	ex_warn(s->x, key,
		"subscription %s: cannot list Backup vaults (%s); none "
		"exported from it",
		s->id, ex_why(r->status, r->code, b));
	return 0;
}

int ex_bv_list(struct ex *x, const struct ex_sub *sub, struct err *e)
{
	struct bv_sub *s = ex_own(x, xcalloc(1, sizeof(*s)));
	struct arm_list_spec spec = { 0 };
	char *path = xasprintf("/subscriptions/%s/providers/"
			       "Microsoft.DataProtection/backupVaults",
			       sub->id);
	char *url = arm_url(&x->arm, path, ARM_API_DATAPROTECTION, NULL);
	int rc;

	s->x = x;
	s->id = sub->id;
	s->tenant = sub->tenant;
	spec.url = url;
	spec.what = "list Backup vaults";
	spec.item = on_bvault;
	spec.end = on_bvault_list_end;
	spec.ctx = s;
	rc = arm_list(&x->arm, &spec, e);
	free(url);
	free(path);
	return rc;
}
