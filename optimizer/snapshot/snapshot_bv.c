/* SPDX-License-Identifier: MIT
 * snapshot_bv.c: schemas, loading and writing of the Backup vault files of
 * a snapshot (snapshot_bv.h). */
#include "optimizer/snapshot/snapshot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define R CSV_REQUIRED

enum { BV_ID, BV_SUB, BV_RG, BV_NAME, BV_LOC, BV_RED, BV_CRR, BV_IMM,
       BV_SD, BV_SDD, BV_GUARD, BV_XSR, BV_CMK, BV_ALERTS, BV_TENANT,
       BV_ARM, BV_NCOLS };
static const struct csv_column bvault_cols[] = {
	{ "vault_id", R }, { "subscription_id", R }, { "resource_group", R },
	{ "vault_name", R }, { "location", R }, { "redundancy", R },
	{ "cross_region_restore", R }, { "immutability", R },
	{ "soft_delete", R }, { "soft_delete_days", R },
	{ "resource_guard_id", R }, { "cross_subscription_restore", R },
	{ "cmk", R }, { "job_failure_alerts", R }, { "tenant_id", R },
	{ "arm_id", R },
};

enum { BI_ID, BI_VAULT, BI_POLICY, BI_NAME, BI_DSTYPE, BI_STATUS,
       BI_SRCRES, BI_ARM, BI_VGB, BI_AGB, BI_SIZESRC, BI_SNAPGB,
       BI_NCOLS };
static const struct csv_column binstance_cols[] = {
	{ "instance_id", R }, { "vault_id", R }, { "policy_id", R },
	{ "instance_name", R }, { "datasource_type", R },
	{ "protection_status", R }, { "source_resource_id", R },
	{ "arm_id", R },
	/* added later: optional, so snapshots written before still open */
	{ "vault_gb", 0 }, { "archive_gb", 0 }, { "size_source", 0 },
	{ "snapshot_gb", 0 },
};

enum { BP_ID, BP_VAULT, BP_NAME, BP_DSTYPE, BP_SCHED, BP_TZ, BP_STORES,
       BP_OPKEEP, BP_VKEEP, BP_AKEEP, BP_RULES, BP_ARM, BP_NCOLS };
static const struct csv_column bpolicy_cols[] = {
	{ "policy_id", R }, { "vault_id", R }, { "policy_name", R },
	{ "datasource_type", R }, { "schedule", R }, { "time_zone", R },
	{ "data_stores", R }, { "operational_keep_days", R },
	{ "vault_keep_days", R }, { "archive_keep_days", R },
	{ "retention_rules", R }, { "arm_id", R },
};

enum { BR_ID, BR_INST, BR_TIME, BR_TYPE, BR_STORES, BR_EXPIRY, BR_NCOLS };
static const struct csv_column brp_cols[] = {
	{ "rp_id", R }, { "instance_id", R }, { "rp_time", R },
	{ "rp_type", R }, { "data_stores", R }, { "expiry_time", R },
};

enum { BJ_ID, BJ_VAULT, BJ_INST, BJ_OP, BJ_CAT, BJ_STATUS, BJ_START,
       BJ_END, BJ_DUR, BJ_DSTYPE, BJ_ERRCODE, BJ_NCOLS };
static const struct csv_column bjob_cols[] = {
	{ "job_id", R }, { "vault_id", R }, { "instance_id", R },
	{ "operation", R }, { "operation_category", R }, { "status", R },
	{ "start_time", R }, { "end_time", R }, { "duration_s", R },
	{ "datasource_type", R }, { "error_code", R },
};
#undef R

_Static_assert(ARRAY_SIZE(brp_cols) == BR_NCOLS, "brp_cols");
_Static_assert(ARRAY_SIZE(bjob_cols) == BJ_NCOLS, "bjob_cols");
_Static_assert(ARRAY_SIZE(bvault_cols) == BV_NCOLS, "bvault_cols");
_Static_assert(ARRAY_SIZE(binstance_cols) == BI_NCOLS, "binstance_cols");
_Static_assert(ARRAY_SIZE(bpolicy_cols) == BP_NCOLS, "bpolicy_cols");

const struct csv_schema bvaults_schema = { "backup_vaults.csv",
					   bvault_cols, BV_NCOLS };
const struct csv_schema binstances_schema = { "backup_instances.csv",
					      binstance_cols, BI_NCOLS };
const struct csv_schema bpolicies_schema = { "backup_policies.csv",
					     bpolicy_cols, BP_NCOLS };
const struct csv_schema brps_schema = { "backup_recovery_points.csv",
				       brp_cols, BR_NCOLS };
const struct csv_schema bjobs_schema = { "backup_jobs.csv", bjob_cols,
					 BJ_NCOLS };

#define ENUM(r, col, flags, names, out, e) \
	row_enum(r, col, flags, names, (int)ARRAY_SIZE(names), out, e)

/* A string column copied into the pool; with ROW_OPTIONAL "" when empty. */
static int pool_str(struct snapshot *s, const struct csv_row *r, int col,
		    unsigned flags, const char **out, struct err *e)
{
	const char *v = "";

	if (row_str(r, col, flags, &v, e))
		return -1;
	*out = strpool_dup(&s->pool, v);
	return 0;
}

static int dup_id(const struct csv_row *r, int col, struct err *e)
{
	return row_error(r, col, e, "an id not used by an earlier row");
}

static int load_bvault(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct bvault v = { 0 };
	const unsigned O = ROW_OPTIONAL;

	v.job_failure_alerts = ONOFF_UNKNOWN;
	if (pool_str(s, r, BV_ID, 0, &v.vault_id, e) ||
	    pool_str(s, r, BV_SUB, 0, &v.subscription_id, e) ||
	    pool_str(s, r, BV_RG, 0, &v.resource_group, e) ||
	    pool_str(s, r, BV_NAME, 0, &v.vault_name, e) ||
	    pool_str(s, r, BV_LOC, 0, &v.location, e) ||
	    ENUM(r, BV_RED, 0, redundancy_names, &v.redundancy, e) ||
	    ENUM(r, BV_CRR, 0, onoff_names, &v.cross_region_restore, e) ||
	    ENUM(r, BV_IMM, 0, immutability_names, &v.immutability, e) ||
	    ENUM(r, BV_SD, 0, soft_delete_names, &v.soft_delete, e) ||
	    row_int(r, BV_SDD, 0, 0, 180, &v.soft_delete_days, e) ||
	    pool_str(s, r, BV_GUARD, O, &v.resource_guard_id, e) ||
	    ENUM(r, BV_XSR, 0, xsub_restore_names,
		 &v.cross_subscription_restore, e) ||
	    ENUM(r, BV_CMK, 0, onoff_names, &v.cmk, e) ||
	    ENUM(r, BV_ALERTS, ROW_OPTIONAL, onoff_names,
		 &v.job_failure_alerts, e) ||
	    pool_str(s, r, BV_TENANT, O, &v.tenant_id, e) ||
	    pool_str(s, r, BV_ARM, O, &v.arm_id, e))
		return -1;
	if (strmap_put(&s->bvault_map, v.vault_id, s->bv.nvaults))
		return dup_id(r, BV_ID, e);
	s->bv.vaults = grow_array(s->bv.vaults, sizeof(v), s->bv.nvaults + 1,
				  &l->alloc);
	s->bv.vaults[s->bv.nvaults++] = v;
	return 0;
}

static int load_bpolicy(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct bpolicy p = { 0 };
	const unsigned O = ROW_OPTIONAL;
	const char *id, *vid;

	if (row_str(r, BP_ID, 0, &id, e) || row_str(r, BP_VAULT, 0, &vid, e) ||
	    pool_str(s, r, BP_NAME, O, &p.policy_name, e) ||
	    pool_str(s, r, BP_DSTYPE, O, &p.datasource_type, e) ||
	    pool_str(s, r, BP_SCHED, O, &p.schedule, e) ||
	    pool_str(s, r, BP_TZ, O, &p.time_zone, e) ||
	    pool_str(s, r, BP_STORES, O, &p.data_stores, e) ||
	    row_int(r, BP_OPKEEP, O, 0, 36500, &p.operational_keep_days, e) ||
	    row_int(r, BP_VKEEP, O, 0, 36500, &p.vault_keep_days, e) ||
	    row_int(r, BP_AKEEP, O, 0, 36500, &p.archive_keep_days, e) ||
	    pool_str(s, r, BP_RULES, O, &p.retention_rules, e) ||
	    pool_str(s, r, BP_ARM, O, &p.arm_id, e))
		return -1;
	if (snapshot_find_bvault(s, vid) < 0)
		return row_error(r, BP_VAULT, e,
				 "an id listed in backup_vaults.csv");
	p.policy_id = strpool_dup(&s->pool, id);
	if (strmap_put(&s->bpolicy_map, p.policy_id, s->bv.npolicies))
		return dup_id(r, BP_ID, e);
	p.vault_id = s->bv.vaults[snapshot_find_bvault(s, vid)].vault_id;
	s->bv.policies = grow_array(s->bv.policies, sizeof(p),
				    s->bv.npolicies + 1, &l->alloc);
	s->bv.policies[s->bv.npolicies++] = p;
	return 0;
}

/* Resolves an instance's vault and policy; the policy must be the
 * instance's own vault's. */
static int resolve_binstance(struct snapshot *s, const struct csv_row *r,
			     struct binstance *bi, struct err *e)
{
	long vi = snapshot_find_bvault(s, bi->vault_id);
	size_t pi;

	if (vi < 0)
		return row_error(r, BI_VAULT, e,
				 "an id listed in backup_vaults.csv");
	bi->vault_idx = (size_t)vi;
	bi->vault_id = s->bv.vaults[vi].vault_id;
	bi->policy_idx = -1;
	if (!bi->policy_id[0])
		return 0;
	if (strmap_get(&s->bpolicy_map, bi->policy_id, &pi))
		return row_error(r, BI_POLICY, e,
				 "an id listed in backup_policies.csv");
	if (strcmp(s->bv.policies[pi].vault_id, bi->vault_id))
		return row_error(r, BI_POLICY, e,
				 "a policy of the instance's own vault");
	bi->policy_idx = (long)pi;
	bi->policy_id = s->bv.policies[pi].policy_id;
	return 0;
}

static int load_binstance(void *ctx, const struct csv_row *r,
			  struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct binstance bi = { 0 };
	const unsigned O = ROW_OPTIONAL;
	const char *id;

	bi.policy_id = "";
	bi.vault_gb = bi.archive_gb = bi.snapshot_gb = NAN;
	if (row_str(r, BI_ID, 0, &id, e) ||
	    row_str(r, BI_VAULT, 0, &bi.vault_id, e) ||
	    row_str(r, BI_POLICY, ROW_OPTIONAL, &bi.policy_id, e) ||
	    pool_str(s, r, BI_NAME, O, &bi.instance_name, e) ||
	    pool_str(s, r, BI_DSTYPE, O, &bi.datasource_type, e) ||
	    pool_str(s, r, BI_STATUS, O, &bi.protection_status, e) ||
	    pool_str(s, r, BI_SRCRES, O, &bi.source_resource_id, e) ||
	    pool_str(s, r, BI_ARM, O, &bi.arm_id, e) ||
	    row_double(r, BI_VGB, O, 0, 1e9, &bi.vault_gb, e) ||
	    row_double(r, BI_AGB, O, 0, 1e9, &bi.archive_gb, e) ||
	    pool_str(s, r, BI_SIZESRC, O, &bi.size_source, e) ||
	    row_double(r, BI_SNAPGB, O, 0, 1e9, &bi.snapshot_gb, e) ||
	    resolve_binstance(s, r, &bi, e))
		return -1;
	if (!bi.datasource_type[0])
		return row_error(r, BI_DSTYPE, e,
				 "a datasource type (e.g. "
				 "Microsoft.Compute/disks)");
	bi.instance_id = strpool_dup(&s->pool, id);
	if (strmap_put(&s->binstance_map, bi.instance_id, s->bv.ninstances))
		return dup_id(r, BI_ID, e);
	s->bv.instances = grow_array(s->bv.instances, sizeof(bi),
				     s->bv.ninstances + 1, &l->alloc);
	s->bv.instances[s->bv.ninstances++] = bi;
	return 0;
}

int snapshot_bv_load(struct snapshot *s, struct err *e)
{
	return snapshot_read_table(s, SF_BVAULTS, load_bvault, e) ||
			       snapshot_read_table(s, SF_BPOLICIES,
						   load_bpolicy, e) ||
			       snapshot_read_table(s, SF_BINSTANCES,
						   load_binstance, e)
		       ? -1
		       : 0;
}

void snapshot_bv_release(struct bv_tables *t)
{
	free(t->vaults);
	free(t->instances);
	free(t->policies);
	memset(t, 0, sizeof(*t));
}

void snapshot_bv_history_release(struct bv_history *h)
{
	free(h->rps);
	free(h->jobs);
	memset(h, 0, sizeof(*h));
}

long snapshot_find_bvault(const struct snapshot *s, const char *vault_id)
{
	size_t v;

	return strmap_get(&s->bvault_map, vault_id, &v) ? -1 : (long)v;
}

/* ---- streaming ---- */

struct bv_stream {
	struct snapshot *s;
	brp_fn rp_fn;      /* one of the two */
	bjob_fn job_fn;
	void *ctx;
};

/* The instance an id names; NULL (and an error) when unknown. */
static const struct binstance *instance_of(const struct snapshot *s,
					   const struct csv_row *r, int col,
					   const char *id, struct err *e)
{
	size_t i;

	if (strmap_get(&s->binstance_map, id, &i)) {
		row_error(r, col, e, "an id listed in backup_instances.csv");
		return NULL;
	}
	return &s->bv.instances[i];
}

static int stream_brp(void *ctx, const struct csv_row *r, struct err *e)
{
	struct bv_stream *st = ctx;
	const struct binstance *bi;
	struct brp rp = { 0 };
	const unsigned O = ROW_OPTIONAL;

	rp.rp_type = rp.data_stores = "";
	rp.expiry_time = TIME_NONE;
	if (row_str(r, BR_ID, 0, &rp.rp_id, e) ||
	    row_str(r, BR_INST, 0, &rp.instance_id, e) ||
	    row_time(r, BR_TIME, 0, &rp.rp_time, e) ||
	    row_str(r, BR_TYPE, O, &rp.rp_type, e) ||
	    row_str(r, BR_STORES, O, &rp.data_stores, e) ||
	    row_time(r, BR_EXPIRY, O, &rp.expiry_time, e))
		return -1;
	bi = instance_of(st->s, r, BR_INST, rp.instance_id, e);
	if (!bi)
		return -1;
	return st->rp_fn(st->ctx, bi, &rp, e);
}

static int stream_bjob(void *ctx, const struct csv_row *r, struct err *e)
{
	struct bv_stream *st = ctx;
	const struct binstance *bi = NULL;
	struct bjob j = { 0 };
	const unsigned O = ROW_OPTIONAL;

	j.instance_id = j.category = j.datasource_type = j.error_code = "";
	j.end_time = TIME_NONE;
	j.duration_s = NAN;
	if (row_str(r, BJ_ID, 0, &j.job_id, e) ||
	    row_str(r, BJ_VAULT, 0, &j.vault_id, e) ||
	    row_str(r, BJ_INST, O, &j.instance_id, e) ||
	    row_str(r, BJ_OP, 0, &j.operation, e) ||
	    row_str(r, BJ_CAT, O, &j.category, e) ||
	    row_str(r, BJ_STATUS, 0, &j.status, e) ||
	    row_time(r, BJ_START, 0, &j.start_time, e) ||
	    row_time(r, BJ_END, O, &j.end_time, e) ||
	    row_double(r, BJ_DUR, O, 0, 1e9, &j.duration_s, e) ||
	    row_str(r, BJ_DSTYPE, O, &j.datasource_type, e) ||
	    row_str(r, BJ_ERRCODE, O, &j.error_code, e))
		return -1;
	if (snapshot_find_bvault(st->s, j.vault_id) < 0)
		return row_error(r, BJ_VAULT, e,
				 "an id listed in backup_vaults.csv");
	if (j.end_time != TIME_NONE && j.end_time < j.start_time)
		return row_error(r, BJ_END, e, "an end time after start_time");
	if (j.instance_id[0]) {
		bi = instance_of(st->s, r, BJ_INST, j.instance_id, e);
		if (!bi)
			return -1;
		if (strcmp(bi->vault_id, j.vault_id))
			return row_error(r, BJ_INST, e,
					 "an instance of the job's own vault");
	}
	return st->job_fn(st->ctx, bi, &j, e);
}

int snapshot_each_brp(struct snapshot *s, brp_fn fn, void *ctx,
		      struct err *e)
{
	struct bv_stream st = { s, fn, NULL, ctx };

	return snapshot_read_rows(s, SF_BRPS, stream_brp, &st, e);
}

int snapshot_each_bjob(struct snapshot *s, bjob_fn fn, void *ctx,
		       struct err *e)
{
	struct bv_stream st = { s, NULL, fn, ctx };

	return snapshot_read_rows(s, SF_BJOBS, stream_bjob, &st, e);
}

bool bjob_is_restore(const struct bjob *j)
{
	return str_eq_ci(j->category, "Restore") ||
	       str_eq_ci(j->operation, "Restore") ||
	       str_eq_ci(j->operation, "CrossRegionRestore");
}

bool binstance_in_error(const struct binstance *bi)
{
	return str_eq_ci(bi->protection_status,
			 "ConfiguringProtectionFailed") ||
	       str_eq_ci(bi->protection_status, "ProtectionError");
}

/* ---- writing ---- */

static int cmp_bvault(const void *a, const void *b)
{
	return strcmp(((const struct bvault *)a)->vault_id,
		      ((const struct bvault *)b)->vault_id);
}

static int cmp_bpolicy(const void *a, const void *b)
{
	return strcmp(((const struct bpolicy *)a)->policy_id,
		      ((const struct bpolicy *)b)->policy_id);
}

static int cmp_binstance(const void *a, const void *b)
{
	return strcmp(((const struct binstance *)a)->instance_id,
		      ((const struct binstance *)b)->instance_id);
}

static int cmp_time(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_brp(const void *pa, const void *pb)
{
	const struct brp *a = pa, *b = pb;
	int c = strcmp(a->instance_id, b->instance_id);

	if (!c)
		c = cmp_time(a->rp_time, b->rp_time);
	return c ? c : strcmp(a->rp_id, b->rp_id);
}

static int cmp_bjob(const void *pa, const void *pb)
{
	const struct bjob *a = pa, *b = pb;
	int c = strcmp(a->vault_id, b->vault_id);

	if (!c)
		c = strcmp(a->instance_id, b->instance_id);
	if (!c)
		c = cmp_time(a->start_time, b->start_time);
	return c ? c : strcmp(a->job_id, b->job_id);
}

void snapshot_bv_history_sort(struct bv_history *h)
{
	if (h->nrps > 1)
		qsort(h->rps, h->nrps, sizeof(*h->rps), cmp_brp);
	if (h->njobs > 1)
		qsort(h->jobs, h->njobs, sizeof(*h->jobs), cmp_bjob);
}

void snapshot_bv_sort(struct bv_tables *t)
{
	if (t->nvaults > 1)
		qsort(t->vaults, t->nvaults, sizeof(*t->vaults), cmp_bvault);
	if (t->npolicies > 1)
		qsort(t->policies, t->npolicies, sizeof(*t->policies),
		      cmp_bpolicy);
	if (t->ninstances > 1)
		qsort(t->instances, t->ninstances, sizeof(*t->instances),
		      cmp_binstance);
}

void snapshot_put_bv(struct snapshot_writer *sw, const struct bv_tables *t)
{
	for (size_t i = 0; i < t->nvaults; i++)
		snapshot_put_bvault(sw, &t->vaults[i]);
	for (size_t i = 0; i < t->npolicies; i++)
		snapshot_put_bpolicy(sw, &t->policies[i]);
	for (size_t i = 0; i < t->ninstances; i++)
		snapshot_put_binstance(sw, &t->instances[i]);
}

void snapshot_put_bv_history(struct snapshot_writer *sw,
			     const struct bv_history *h)
{
	for (size_t i = 0; i < h->nrps; i++)
		snapshot_put_brp(sw, &h->rps[i]);
	for (size_t i = 0; i < h->njobs; i++)
		snapshot_put_bjob(sw, &h->jobs[i]);
}

static void put_onoff(struct csv_writer *w, int v)
{
	csv_put(w, v == ONOFF_UNKNOWN ? "" : onoff_names[v]);
}

void snapshot_put_bvault(struct snapshot_writer *sw, const struct bvault *v)
{
	struct csv_writer *w = sw->w[SF_BVAULTS];

	csv_put(w, v->vault_id);
	csv_put(w, v->subscription_id);
	csv_put(w, v->resource_group);
	csv_put(w, v->vault_name);
	csv_put(w, v->location);
	csv_put(w, redundancy_names[v->redundancy]);
	put_onoff(w, v->cross_region_restore);
	csv_put(w, immutability_names[v->immutability]);
	csv_put(w, soft_delete_names[v->soft_delete]);
	csv_put_long(w, v->soft_delete_days);
	csv_put(w, v->resource_guard_id);
	csv_put(w, xsub_restore_names[v->cross_subscription_restore]);
	put_onoff(w, v->cmk);
	put_onoff(w, v->job_failure_alerts);
	csv_put(w, v->tenant_id);
	csv_put(w, v->arm_id);
	csv_end_row(w);
}

void snapshot_put_binstance(struct snapshot_writer *sw,
			    const struct binstance *bi)
{
	struct csv_writer *w = sw->w[SF_BINSTANCES];

	csv_put(w, bi->instance_id);
	csv_put(w, bi->vault_id);
	csv_put(w, bi->policy_id);
	csv_put(w, bi->instance_name);
	csv_put(w, bi->datasource_type);
	csv_put(w, bi->protection_status);
	csv_put(w, bi->source_resource_id);
	csv_put(w, bi->arm_id);
	csv_put_double(w, bi->vault_gb, 3);
	csv_put_double(w, bi->archive_gb, 3);
	csv_put(w, bi->size_source ? bi->size_source : "");
	csv_put_double(w, bi->snapshot_gb, 3);
	csv_end_row(w);
}

void snapshot_put_bpolicy(struct snapshot_writer *sw,
			  const struct bpolicy *p)
{
	struct csv_writer *w = sw->w[SF_BPOLICIES];

	csv_put(w, p->policy_id);
	csv_put(w, p->vault_id);
	csv_put(w, p->policy_name);
	csv_put(w, p->datasource_type);
	csv_put(w, p->schedule);
	csv_put(w, p->time_zone);
	csv_put(w, p->data_stores);
	csv_put_long(w, p->operational_keep_days);
	csv_put_long(w, p->vault_keep_days);
	csv_put_long(w, p->archive_keep_days);
	csv_put(w, p->retention_rules);
	csv_put(w, p->arm_id);
	csv_end_row(w);
}

void snapshot_put_brp(struct snapshot_writer *sw, const struct brp *rp)
{
	struct csv_writer *w = sw->w[SF_BRPS];

	csv_put(w, rp->rp_id);
	csv_put(w, rp->instance_id);
	csv_put_time(w, rp->rp_time);
	csv_put(w, rp->rp_type);
	csv_put(w, rp->data_stores);
	csv_put_time(w, rp->expiry_time);
	csv_end_row(w);
}

void snapshot_put_bjob(struct snapshot_writer *sw, const struct bjob *j)
{
	struct csv_writer *w = sw->w[SF_BJOBS];

	csv_put(w, j->job_id);
	csv_put(w, j->vault_id);
	csv_put(w, j->instance_id);
	csv_put(w, j->operation);
	csv_put(w, j->category);
	csv_put(w, j->status);
	csv_put_time(w, j->start_time);
	csv_put_time(w, j->end_time);
	csv_put_double(w, j->duration_s, 0);
	csv_put(w, j->datasource_type);
	csv_put(w, j->error_code);
	csv_end_row(w);
}
