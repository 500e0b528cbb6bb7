/* SPDX-License-Identifier: MIT
 * export_bv.c: the Backup vaults (Microsoft.DataProtection) of an exported
 * subscription: the vault list, then per vault its Resource Guard
 * mapping, backup policies and backup instances, turned into the rows of
 * backup_vaults.csv, backup_policies.csv and backup_instances.csv
 * (docs/snapshot-format.md "Backup vaults") once its three lists ended.
 * A list that is denied is a warning: the vault is exported without it.
 * Never prints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"
#include "util.h"

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

static const char *pooled(struct ex *x, const char *s)
{
	return ex_pooled(x, s ? s : "");
}

/* Index of s (any case) in names, or dflt. */
static int name_index(const char *s, const char *const *names, int n,
		      int dflt)
{
	for (int i = 0; s && i < n; i++)
		if (str_eq_ci(s, names[i]))
			return i;
	return dflt;
}

/* An ISO 8601 duration's days (P7D, P12W, P6M, P10Y, P1Y6M; months are
 * 30.5 days, years 365.25), rounded; 0 when unparseable. */
static int duration_days(const char *d)
{
	double days = 0;

	if (!d || (*d != 'P' && *d != 'p'))
		return 0;
	for (d++; *d && *d != 'T'; ) {
		char *end;
		double n = strtod(d, &end);
		if (end == d)
			return 0;
		switch (*end) {
		case 'D': days += n; break;
		case 'W': days += 7 * n; break;
		case 'M': days += 30.5 * n; break;
		case 'Y': days += 365.25 * n; break;
		default: return 0;
		}
		d = end + 1;
	}
	return (int)floor(days + 0.5);
}

/* ---- the vault ---- */

static int parse_bvault(struct ex *x, const cJSON *o, const char *tenant,
			struct bvault *v)
{
	static const char *const soft[SD_COUNT] = { "Off", "On", "AlwaysOn" };
	const char *id = arm_str(o, "id");
	const cJSON *p = arm_get(o, "properties");
	const cJSON *st = arm_get(p, "storageSettings");
	const char *alerts = arm_str(p, "monitoringSettings."
					"azureMonitorAlertSettings."
					"alertsForAllJobFailures");
	const cJSON *days = arm_get(p, "securitySettings.softDeleteSettings."
				       "retentionDurationInDays");
	char sub[128], rg[128], vid[SNAPSHOT_ID_LEN];

	if (!id || arm_id_value(id, "subscriptions", sub, sizeof(sub)) ||
	    arm_id_value(id, "resourceGroups", rg, sizeof(rg)))
		return -1;
	memset(v, 0, sizeof(*v));
	snapshot_make_id(vid, 'v', id);
	v->vault_id = pooled(x, vid);
	v->subscription_id = pooled(x, sub);
	v->resource_group = pooled(x, rg);
	v->vault_name = pooled(x, arm_str(o, "name"));
	v->location = pooled(x, arm_str(o, "location"));
	v->tenant_id = pooled(x, tenant);
	v->arm_id = pooled(x, id);
	v->resource_guard_id = "";
	v->redundancy = name_index(
		arm_str(cJSON_GetArrayItem(st, 0), "type"), redundancy_names,
		RED_COUNT, -1);
	v->cross_region_restore = name_index(
		arm_str(p, "featureSettings.crossRegionRestoreSettings.state"),
		onoff_names, ONOFF_COUNT, OFF);
	v->cross_subscription_restore = name_index(
		arm_str(p, "featureSettings.crossSubscriptionRestoreSettings."
			   "state"),
		xsub_restore_names, XSR_COUNT, XSR_ENABLED);
	v->immutability = name_index(
		arm_str(p, "securitySettings.immutabilitySettings.state"),
		immutability_names, IMM_COUNT, IMM_DISABLED);
	v->soft_delete = name_index(
		arm_str(p, "securitySettings.softDeleteSettings.state"), soft,
		SD_COUNT, SD_DISABLED);
	v->soft_delete_days = cJSON_IsNumber(days)
				      ? (int)floor(days->valuedouble + 0.5)
				      : 0;
	v->cmk = name_index(arm_str(p, "securitySettings.encryptionSettings."
				       "state"),
			    onoff_names, ONOFF_COUNT, OFF);
	v->job_failure_alerts = alerts ? name_index(alerts, onoff_names,
						    ONOFF_COUNT, OFF)
				       : ONOFF_UNKNOWN;
	return v->redundancy < 0 || !v->vault_name[0] ? -1 : 0;
}

/* ---- policies ---- */

static const char *const store_kinds[3] = { "OperationalStore",
					    "VaultStore", "ArchiveStore" };

/* Whether list (";"-joined) holds word. */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; *p; p += strcspn(p, ";"), p += *p == ';')
		if (!strncmp(p, word, n) && (p[n] == ';' || !p[n]))
			return true;
	return false;
}

struct policy_text {
	struct strbuf rules, stores, sched;
	int keep[3];              /* longest days per store_kinds */
};

/* Adds a retention rule's lifecycles. */
static void retention_rule(const cJSON *rule, struct policy_text *t)
{
	const char *name = arm_str(rule, "name");
	const cJSON *lc;

	cJSON_ArrayForEach(lc, arm_get(rule, "lifecycles"))
	{
		const char *ds = arm_str(lc, "sourceDataStore.dataStoreType");
		const char *dur = arm_str(lc, "deleteAfter.duration");
		int k = name_index(ds, store_kinds, 3, -1);

		if (!ds || !dur)
			continue;
		strbuf_addf(&t->rules, "%s%s:%s:%s", t->rules.len ? ";" : "",
			    name ? name : "", ds, dur);
		if (!in_list(t->stores.buf, ds))
			strbuf_addf(&t->stores, "%s%s",
				    t->stores.len ? ";" : "", ds);
		if (k >= 0 && duration_days(dur) > t->keep[k])
			t->keep[k] = duration_days(dur);
	}
}

/* The backup rule's schedule; returns its time zone (or ""). */
static const char *backup_rule(const cJSON *rule, struct policy_text *t)
{
	const cJSON *sched = arm_get(rule, "trigger.schedule");
	const cJSON *iv;
	const char *tz = arm_str(sched, "timeZone");

	cJSON_ArrayForEach(iv, arm_get(sched, "repeatingTimeIntervals"))
		if (cJSON_IsString(iv))
			strbuf_addf(&t->sched, "%s%s", t->sched.len ? ";" : "",
				    iv->valuestring);
	return tz ? tz : "";
}

static int parse_bpolicy(struct ex *x, const struct bvault *v,
			 const cJSON *o, struct bpolicy *p)
{
	struct policy_text t = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
				 { 0, 0, 0 } };
	const char *id = arm_str(o, "id"), *tz = "";
	const cJSON *dt = cJSON_GetArrayItem(
		arm_get(o, "properties.datasourceTypes"), 0);
	const cJSON *rule;
	char pid[SNAPSHOT_ID_LEN];

	if (!id || !arm_str(o, "name"))
		return -1;
	cJSON_ArrayForEach(rule, arm_get(o, "properties.policyRules"))
	{
		const char *type = arm_str(rule, "objectType");
		if (type && str_eq_ci(type, "AzureRetentionRule"))
			retention_rule(rule, &t);
		else if (type && str_eq_ci(type, "AzureBackupRule"))
			tz = backup_rule(rule, &t);
	}
	memset(p, 0, sizeof(*p));
	snapshot_make_id(pid, 'p', id);
	p->policy_id = pooled(x, pid);
	p->vault_id = v->vault_id;
	p->policy_name = pooled(x, arm_str(o, "name"));
	p->datasource_type = pooled(x, cJSON_IsString(dt) ? dt->valuestring
							  : "");
	p->schedule = pooled(x, t.sched.buf);
	p->time_zone = pooled(x, tz);
	p->data_stores = pooled(x, t.stores.buf);
	p->retention_rules = pooled(x, t.rules.buf);
	p->arm_id = pooled(x, id);
	p->operational_keep_days = t.keep[0];
	p->vault_keep_days = t.keep[1];
	p->archive_keep_days = t.keep[2];
	strbuf_release(&t.rules);
	strbuf_release(&t.stores);
	strbuf_release(&t.sched);
	return 0;
}

/* ---- instances ---- */

static int parse_binstance(struct ex *x, const struct bvault *v,
			   const cJSON *o, struct binstance *bi)
{
	const char *id = arm_str(o, "id");
	const cJSON *p = arm_get(o, "properties");
	const char *status = arm_str(p, "protectionStatus.status");
	const char *policy = arm_str(p, "policyInfo.policyId");
	char iid[SNAPSHOT_ID_LEN], pid[SNAPSHOT_ID_LEN];

	if (!id || !arm_str(o, "name"))
		return -1;
	memset(bi, 0, sizeof(*bi));
	snapshot_make_id(iid, 'i', id);
	bi->instance_id = pooled(x, iid);
	bi->vault_id = v->vault_id;
	bi->instance_name = pooled(x, arm_str(o, "name"));
	bi->datasource_type = pooled(
		x, arm_str(p, "dataSourceInfo.datasourceType"));
	bi->protection_status = pooled(
		x, status ? status : arm_str(p, "currentProtectionState"));
	bi->source_resource_id = pooled(x, arm_str(p, "dataSourceInfo."
						      "resourceID"));
	bi->arm_id = pooled(x, id);
	bi->policy_id = "";
	if (policy) {
		snapshot_make_id(pid, 'p', policy);
		bi->policy_id = pooled(x, pid);
	}
	return bi->datasource_type[0] ? 0 : -1;
}

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
	if (parse_bpolicy(r->x, &r->v, o, &p))
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
	if (parse_binstance(r->x, &r->v, o, &bi))
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
		r->v.resource_guard_id = pooled(r->x, guard);
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
	if (parse_bvault(s->x, o, s->tenant, &r->v)) {
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
