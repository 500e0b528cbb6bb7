/* SPDX-License-Identifier: MIT
 * export_bv.c: the Backup vaults (Microsoft.DataProtection) of an exported
 * subscription: the vault list, then per vault its Resource Guard
 * mapping, backup policies, backup instances and jobs, turned into the
 * rows of backup_vaults.csv, backup_policies.csv, backup_instances.csv and
 * backup_jobs.csv (docs/snapshot-format.md "Backup vaults") once its four
 * lists ended; then per instance its recovery points
 * (backup_recovery_points.csv). A list that is denied is a warning: the
 * vault or instance is exported without it. Never prints. */
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
	struct bjob *jobs;
	size_t njobs, ajobs;
	/* the three arrays' places among what the export frees: a failed
	 * list ends the export before bv_done */
	size_t policies_slot, instances_slot, jobs_slot;
	int pending;              /* lists still outstanding */
};

/* A list of one vault's part, or of one instance's points. */
struct bv_part {
	struct bv_read *r;
	const char *what;         /* "backup policies" */
	const struct binstance *bi; /* the instance of a point list */
};

static int list_part(struct bv_read *r, const char *path, const char *what,
		     arm_item_fn fn, arm_end_fn end,
		     const struct binstance *bi, struct err *e);
static int on_brp(void *ctx, const cJSON *o, struct err *e);
static int on_points_end(void *ctx, const struct arm_reply *rep,
			 struct err *e);

/* ---- the flow ---- */

/* Whether the vault's instances include instance_id. */
static bool has_instance(const struct bv_read *r, const char *instance_id)
{
	for (size_t i = 0; i < r->ninstances; i++)
		if (!strcmp(r->instances[i].instance_id, instance_id))
			return true;
	return false;
}

/* Sends the vault's rows to the builder (an instance whose policy is not
 * the vault's, deleted, keeps none; a job of an instance not listed
 * keeps none) and lists each instance's recovery points. */
static int bv_done(struct bv_read *r, struct err *e)
{
	struct snapbuild *b = r->x->b;

	if (snapbuild_bvault(b, &r->v, e))
		return -1;
	for (size_t i = 0; i < r->npolicies; i++)
		if (snapbuild_bpolicy(b, &r->policies[i], e))
			return -1;
	for (size_t i = 0; i < r->njobs; i++) {
		if (!has_instance(r, r->jobs[i].instance_id))
			r->jobs[i].instance_id = "";
		snapbuild_bjob(b, &r->jobs[i]);
	}
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
	/* the instances live on while their points are listed */
	for (size_t i = 0; i < r->ninstances; i++) {
		const struct binstance *bi = &r->instances[i];
		char *path = xasprintf("%s/recoveryPoints", bi->arm_id);
		int rc = list_part(r, path, "recovery points", on_brp,
				   on_points_end, bi, e);
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}

/* A list's end: a denial or a missing resource is a warning. */
static int part_end_ok(struct bv_part *pt, const struct arm_reply *rep,
		       struct err *e)
{
	struct bv_read *r = pt->r;
	char key[600], b[96];

	if (rep->status == 200)
		return 0;
	if (!ex_is_denial(rep->status) && rep->status != 404)
		return ex_unexpected(pt->bi ? "list a backup instance's "
					      "recovery points"
					    : "list a Backup vault's parts",
				     rep->status, rep->code, e);
	snprintf(key, sizeof(key), "bv:%s:%s:%s", r->v.vault_id,
		 pt->bi ? pt->bi->instance_id : "", pt->what);
	if (pt->bi)
		ex_warn(r->x, key,
			"Backup vault %s, instance %s: cannot list its %s "
			"(%s); exported without them",
			r->v.vault_name, pt->bi->instance_name, pt->what,
			ex_why(rep->status, rep->code, b));
	else
		ex_warn(r->x, key,
			"Backup vault %s: cannot list its %s (%s); exported "
			"without them",
			r->v.vault_name, pt->what,
			ex_why(rep->status, rep->code, b));
	return 0;
}

static int on_part_end(void *ctx, const struct arm_reply *rep,
		       struct err *e)
{
	struct bv_part *pt = ctx;
	struct bv_read *r = pt->r;

	if (part_end_ok(pt, rep, e))
		return -1;
	return --r->pending ? 0 : bv_done(r, e);
}

static int on_points_end(void *ctx, const struct arm_reply *rep,
			 struct err *e)
{
	return part_end_ok(ctx, rep, e);
}

static int on_brp(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_part *pt = ctx;
	struct brp rp;

	(void)e;
	if (arm_parse_brp(o, pt->bi->instance_id, &pt->r->x->pool, &rp))
		return 0;
	snapbuild_brp(pt->r->x->b, &rp);
	return 0;
}

static int on_bjob(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_read *r = ((struct bv_part *)ctx)->r;
	struct bjob j;

	(void)e;
	if (arm_parse_bjob(o, r->v.vault_id, &r->x->pool, &j))
		return 0;
	r->jobs = ex_own_at(r->x, r->jobs_slot,
			    grow_array(r->jobs, sizeof(j), r->njobs + 1,
				       &r->ajobs));
	r->jobs[r->njobs++] = j;
	return 0;
}

static int on_policy(void *ctx, const cJSON *o, struct err *e)
{
	struct bv_read *r = ((struct bv_part *)ctx)->r;
	struct bpolicy p;

	(void)e;
	if (arm_parse_bpolicy(o, r->v.vault_id, &r->x->pool, &p))
		return 0;
	r->policies = ex_own_at(r->x, r->policies_slot,
				grow_array(r->policies, sizeof(p),
					   r->npolicies + 1, &r->apolicies));
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
	r->instances = ex_own_at(r->x, r->instances_slot,
				 grow_array(r->instances, sizeof(bi),
					    r->ninstances + 1,
					    &r->ainstances));
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

static int list_part(struct bv_read *r, const char *path, const char *what,
		     arm_item_fn fn, arm_end_fn end,
		     const struct binstance *bi, struct err *e)
{
	struct bv_part *pt = ex_own(r->x, xcalloc(1, sizeof(*pt)));
	struct arm_list_spec spec = { 0 };
	char *url = arm_url(&r->x->arm, path, ARM_API_DATAPROTECTION, NULL);
	int rc;

	pt->r = r;
	pt->what = what;
	pt->bi = bi;
	spec.url = url;
	spec.what = what;
	spec.item = fn;
	spec.end = end;
	spec.ctx = pt;
	rc = arm_list(&r->x->arm, &spec, e);
	free(url);
	return rc;
}

/* One of the vault's four lists. */
static int list_vault_part(struct bv_read *r, const char *suffix,
			   const char *what, arm_item_fn fn, struct err *e)
{
	char *path = xasprintf("%s/%s", r->v.arm_id, suffix);
	int rc = list_part(r, path, what, fn, on_part_end, NULL, e);

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
	r->policies_slot = ex_own_slot(s->x);
	r->instances_slot = ex_own_slot(s->x);
	r->jobs_slot = ex_own_slot(s->x);
	if (arm_parse_bvault(o, s->tenant, &s->x->pool, &r->v)) {
		snprintf(key, sizeof(key), "bv:%s", id);
		ex_warn(s->x, key,
			"Backup vault %s skipped: no storage redundancy or "
			"name in its properties",
			id);
		return 0;
	}
	r->pending = 4;
	return list_vault_part(r, "backupResourceGuardProxies",
			       "Resource Guard mappings", on_proxy, e) ||
			       list_vault_part(r, "backupPolicies",
					       "backup policies", on_policy,
					       e) ||
			       list_vault_part(r, "backupInstances",
					       "backup instances", on_instance,
					       e) ||
			       list_vault_part(r, "backupJobs", "jobs",
					       on_bjob, e)
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
