/* SPDX-License-Identifier: MIT
 * sample_bv.c: the Backup vaults of the sample estate (Microsoft.
 * DataProtection): three vaults, one well protected, one production vault
 * with gaps and one dev vault with few protections, holding Azure Disks,
 * Blobs and Azure Database for PostgreSQL flexible server instances with
 * varied protection states and estimated vault-store sizes (for disks,
 * their snapshots' size from the disk's and a default churn: cost_bv.h),
 * and their points and jobs (sample_bv_history.c): a disk on schedule, a
 * stopped blob gone stale, a failing disk, PostgreSQL backups failing,
 * restores. A fixed table in the estate's tenancy: it draws nothing from
 * the estate's generators (its ids come from a generator of its own), so
 * the Recovery Services part of a seed's estate stays as it was. */
#include "optimizer/sample/sample_internal.h"

#include <math.h>
#include <stdlib.h>

#include "models/cost/cost_bv.h"
#include "optimizer/base/util.h"

#define DS_DISK "Microsoft.Compute/disks"
#define DS_BLOB "Microsoft.Storage/storageAccounts/blobServices"
#define DS_PG "Microsoft.DBforPostgreSQL/flexibleServers"

enum { BV_NPOL = 3 };
/* A disk's blocks rewritten a day (the sample's assumption). */
#define DISK_DAILY_CHURN 0.02

struct bv_policy_tpl {
	const char *name, *ds, *schedule, *stores, *rules;
	int op_days, vault_days, archive_days;
};

/* Policies every Backup vault of the sample has. */
static const struct bv_policy_tpl bv_policies[BV_NPOL] = {
	{ "disk-daily-7d", DS_DISK, "R/2026-01-01T02:00:00+00:00/P1D",
	  "OperationalStore", "Default:OperationalStore:P7D", 7, 0, 0 },
	{ "blob-ops-30d-vault-12m", DS_BLOB,
	  "R/2026-01-01T03:00:00+00:00/P1D", "OperationalStore;VaultStore",
	  "Default:OperationalStore:P30D;Monthly:VaultStore:P12M", 30, 366,
	  0 },
	{ "pg-weekly-3m-yearly-10y", DS_PG,
	  "R/2026-01-04T22:00:00+00:00/P1W", "VaultStore",
	  "Default:VaultStore:P3M;Yearly:VaultStore:P10Y", 0, 3653, 0 },
};

struct bv_profile {
	const char *name, *location, *region;
	const char *rg;         /* its sources' resource group */
	int sub, redundancy, crr, immutability, soft_delete, sd_days;
	int guard;              /* 0 none, 1 own subscription, 2 another */
	int xsr, cmk, alerts;
};

enum { BV_PROD, BV_APP, BV_DEV, BV_NVAULTS };
static const struct bv_profile bv_profiles[BV_NVAULTS] = {
	[BV_PROD] = { "prod", "westeurope", "weu", "rg-erp-prod", 0, RED_GRS,
		      ON, IMM_LOCKED, SD_ALWAYSON, 14, 2,
		      XSR_PERMANENTLY_DISABLED, ON, ON },
	[BV_APP] = { "app", "northeurope", "neu", "rg-shop-prod", 1, RED_LRS,
		     OFF, IMM_UNLOCKED, SD_ENABLED, 14, 0, XSR_ENABLED, OFF,
		     OFF },
	[BV_DEV] = { "dev", "uksouth", "uks", "rg-build-dev", 2, RED_LRS, OFF,
		     IMM_DISABLED, SD_DISABLED, 0, 1, XSR_DISABLED, OFF,
		     ONOFF_UNKNOWN },
};

/* Protection states of the instances, from the status enum of the Data
 * Protection API's ProtectionStatusDetails. */
enum { BI_OK, BI_ERROR, BI_STOPPED };
static const char *const bv_status_names[] = {
	"ProtectionConfigured", "ConfiguringProtectionFailed",
	"ProtectionStopped",
};

struct bv_instance_tpl {
	int vault;              /* index in bv_profiles */
	const char *name;       /* the source's name */
	int policy;             /* index in bv_policies, -1: none */
	int status;             /* index in bv_status_names */
	double vault_gb;        /* in the vault store (0: operational only) */
	double disk_gb;         /* a disk's used size (0: not a disk) */
	struct bv_events ev;    /* failed runs, stopped days ago, restores */
};

/* A vault's instances in a row, in the order their histories are drawn;
 * policy 0 disks, 1 blobs, 2 PostgreSQL. */
static const struct bv_instance_tpl bv_instances[] = {
	{ BV_PROD, "osdisk-erp-01", 0, BI_OK, 0, 96, { 0, 0, 2 } },
	{ BV_PROD, "sterpdocs01", 1, BI_OK, 820, 0, { 0, 0, 0 } },
	{ BV_PROD, "pg-erp-orders", 2, BI_OK, 310, 0, { 0, 0, 1 } },
	{ BV_PROD, "pg-erp-billing", 2, BI_OK, 145.5, 0, { 0, 0, 0 } },
	{ BV_APP, "pg-shop-catalog", 2, BI_OK, 96, 0, { 2, 0, 0 } },
	{ BV_APP, "datadisk-shop-01", 0, BI_ERROR, 0, 410, { 3, 0, 0 } },
	{ BV_APP, "stshopmedia01", 1, BI_STOPPED, 1240, 0, { 0, 40, 0 } },
	{ BV_APP, "osdisk-shop-01", 0, BI_OK, 0, 64, { 0, 0, 0 } },
	{ BV_DEV, "osdisk-build-01", 0, BI_OK, 0, 48, { 0, 0, 0 } },
	{ BV_DEV, "osdisk-build-02", 0, BI_OK, 0, 48, { 0, 0, 0 } },
	{ BV_DEV, "stbuildlogs01", 1, BI_OK, 55, 0, { 0, 0, 1 } },
	{ BV_DEV, "pg-build-meta", 2, BI_OK, 12.5, 0, { 0, 0, 0 } },
};

/* A source's datasource type and provider path, by its name's prefix
 * (the first that matches). */
static const struct {
	const char *prefix, *ds, *provider;
} bv_sources[] = {
	{ "pg-", DS_PG, "Microsoft.DBforPostgreSQL/flexibleServers" },
	{ "st", DS_BLOB, "Microsoft.Storage/storageAccounts" },
	{ "", DS_DISK, "Microsoft.Compute/disks" },
};

static const char *bv_pool(struct estate *es, struct strbuf *sb)
{
	const char *s = strpool_dup(&es->pool, sb->buf);

	strbuf_reset(sb);
	return s;
}

static const char *bv_id(struct estate *es, char prefix, const char *arm)
{
	char id[SNAPSHOT_ID_LEN];

	snapshot_make_id(id, prefix, arm);
	return strpool_dup(&es->pool, id);
}

static void bv_guard(struct estate *es, const struct bv_profile *pf,
		     struct bvault *v, struct strbuf *sb)
{
	if (!pf->guard) {
		v->resource_guard_id = "";
		return;
	}
	if (pf->guard == 1)
		strbuf_addf(sb, "/subscriptions/%s/resourceGroups/%s/"
				"providers/Microsoft.DataProtection/"
				"resourceGuards/guard-bv-%s",
			    v->subscription_id, v->resource_group, pf->region);
	else
		strbuf_addf(sb, "/subscriptions/%s/resourceGroups/"
				"rg-security-guards-%s/providers/"
				"Microsoft.DataProtection/resourceGuards/"
				"guard-backup-%s",
			    es->subs[3], pf->region, pf->region);
	v->resource_guard_id = bv_pool(es, sb);
}

static void bv_make_vault(struct estate *es, const struct bv_profile *pf,
			  struct bvault *v)
{
	struct strbuf sb = STRBUF_INIT;

	memset(v, 0, sizeof(*v));
	v->subscription_id = es->subs[pf->sub];
	v->tenant_id = es->tenant;
	strbuf_addf(&sb, "rg-backup-%s-%s", pf->name, pf->region);
	v->resource_group = bv_pool(es, &sb);
	strbuf_addf(&sb, "bv-%s-%s-01", pf->name, pf->region);
	v->vault_name = bv_pool(es, &sb);
	v->location = pf->location;
	strbuf_addf(&sb, "/subscriptions/%s/resourceGroups/%s/providers/"
			 "Microsoft.DataProtection/backupVaults/%s",
		    v->subscription_id, v->resource_group, v->vault_name);
	v->arm_id = bv_pool(es, &sb);
	v->vault_id = bv_id(es, 'v', v->arm_id);
	v->redundancy = pf->redundancy;
	v->cross_region_restore = pf->crr;
	v->immutability = pf->immutability;
	v->soft_delete = pf->soft_delete;
	v->soft_delete_days = pf->sd_days;
	v->cross_subscription_restore = pf->xsr;
	v->cmk = pf->cmk;
	v->job_failure_alerts = pf->alerts;
	bv_guard(es, pf, v, &sb);
	strbuf_release(&sb);
}

static void bv_make_policy(struct estate *es, const struct bvault *v,
			   const struct bv_policy_tpl *t, struct bpolicy *p)
{
	struct strbuf sb = STRBUF_INIT;

	memset(p, 0, sizeof(*p));
	strbuf_addf(&sb, "%s/backupPolicies/%s", v->arm_id, t->name);
	p->arm_id = bv_pool(es, &sb);
	p->policy_id = bv_id(es, 'p', p->arm_id);
	p->vault_id = v->vault_id;
	p->policy_name = t->name;
	p->datasource_type = t->ds;
	p->schedule = t->schedule;
	p->time_zone = "UTC";
	p->data_stores = t->stores;
	p->retention_rules = t->rules;
	p->operational_keep_days = t->op_days;
	p->vault_keep_days = t->vault_days;
	p->archive_keep_days = t->archive_days;
	strbuf_release(&sb);
}

/* The datasource type of an instance follows its source's name. */
static const char *bv_source(struct estate *es, const struct bvault *v,
			     const struct bv_instance_tpl *t,
			     const char **ds)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	size_t k = 0;

	while (strncmp(t->name, bv_sources[k].prefix,
		       strlen(bv_sources[k].prefix)))
		k++;
	*ds = bv_sources[k].ds;
	strbuf_addf(&sb, "/subscriptions/%s/resourceGroups/%s/providers/"
			 "%s/%s",
		    v->subscription_id, bv_profiles[t->vault].rg,
		    bv_sources[k].provider, t->name);
	s = bv_pool(es, &sb);
	strbuf_release(&sb);
	return s;
}

static void bv_make_instance(struct estate *es, const struct bvault *v,
			     const struct bpolicy *pols,
			     const struct bv_instance_tpl *t,
			     struct binstance *bi)
{
	struct strbuf sb = STRBUF_INIT;

	memset(bi, 0, sizeof(*bi));
	bi->source_resource_id = bv_source(es, v, t, &bi->datasource_type);
	strbuf_addf(&sb, "%s-%s", bv_profiles[t->vault].rg, t->name);
	bi->instance_name = bv_pool(es, &sb);
	strbuf_addf(&sb, "%s/backupInstances/%s", v->arm_id,
		    bi->instance_name);
	bi->arm_id = bv_pool(es, &sb);
	bi->instance_id = bv_id(es, 'i', bi->arm_id);
	bi->vault_id = v->vault_id;
	bi->policy_id = t->policy >= 0 ? pols[t->policy].policy_id : "";
	bi->protection_status = bv_status_names[t->status];
	bi->vault_gb = t->vault_gb;
	bi->archive_gb = 0;
	bi->snapshot_gb = NAN;
	if (t->disk_gb > 0)
		bi->snapshot_gb = bv_disk_snapshot_gb(
			t->disk_gb, DISK_DAILY_CHURN, 1,
			t->policy >= 0 ? pols[t->policy].operational_keep_days
				       : 1);
	bi->size_source = "estimated";
	strbuf_release(&sb);
}

/* The generator of the Backup vault ids: seeded from the tenant, so an
 * estate's ids are its own and the same each time. */
static gsl_rng *bv_rng(const char *tenant)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	unsigned long h = 2166136261u;

	for (const char *p = tenant; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	gsl_rng_set(r, h);
	return r;
}

void sample_make_backup_vaults(struct estate *es)
{
	enum { NV = BV_NVAULTS, NI = ARRAY_SIZE(bv_instances) };
	struct bvault v[NV];
	struct bpolicy p[NV * BV_NPOL];
	struct binstance bi[NI];
	struct bv_tables t = { v, bi, p, NV, NI, NV * BV_NPOL };
	struct bv_history h = { NULL, NULL, 0, 0 };
	gsl_rng *r;
	size_t arps = 0, ajobs = 0;

	for (size_t i = 0; i < NV; i++) {
		bv_make_vault(es, &bv_profiles[i], &v[i]);
		for (int k = 0; k < BV_NPOL; k++)
			bv_make_policy(es, &v[i], &bv_policies[k],
				       &p[i * BV_NPOL + k]);
	}
	r = bv_rng(es->tenant);
	for (size_t i = 0; i < NI; i++) {
		const struct bv_instance_tpl *it = &bv_instances[i];
		const struct bpolicy *pols = &p[it->vault * BV_NPOL];

		bv_make_instance(es, &v[it->vault], pols, it, &bi[i]);
		sample_bv_history(&es->x, &es->pool, r, &bi[i],
				  it->policy >= 0 ? &pols[it->policy] : NULL,
				  &it->ev, &h, &arps, &ajobs);
	}
	gsl_rng_free(r);
	/* in the order an export writes them */
	snapshot_bv_sort(&t);
	snapshot_put_bv(&es->x.sw, &t);
	snapshot_bv_history_sort(&h);
	snapshot_put_bv_history(&es->x.sw, &h);
	snapshot_bv_history_release(&h);
}

/* The events of the fixed table's instance named name, or NULL. */
static const struct bv_events *bv_events_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(bv_instances); i++) {
		const struct bv_instance_tpl *t = &bv_instances[i];
		const char *rg = bv_profiles[t->vault].rg;
		size_t n = strlen(rg);

		if (!strncmp(name, rg, n) && name[n] == '-' &&
		    !strcmp(name + n + 1, t->name))
			return &t->ev;
	}
	return NULL;
}

void sample_age_backup_vaults(struct sample_ctx *x, struct strpool *pool,
			      const char *tenant, const struct bv_tables *t)
{
	static const struct bv_events none = { 0, 0, 0 };
	struct bv_history h = { NULL, NULL, 0, 0 };
	gsl_rng *r = bv_rng(tenant);
	size_t arps = 0, ajobs = 0;

	for (size_t i = 0; i < t->ninstances; i++) {
		const struct binstance *bi = &t->instances[i];
		const struct bv_events *ev = bv_events_of(bi->instance_name);

		sample_bv_history(x, pool, r, bi,
				  bi->policy_idx >= 0
					  ? &t->policies[bi->policy_idx]
					  : NULL,
				  ev ? ev : &none, &h, &arps, &ajobs);
	}
	gsl_rng_free(r);
	snapshot_bv_history_sort(&h);
	snapshot_put_bv_history(&x->sw, &h);
	snapshot_bv_history_release(&h);
}
