/* SPDX-License-Identifier: MIT
 * sample_items.c: the sample estate's protected items: how many each
 * vault gets, the units they come in (a VM, a SQL or HANA host with its
 * databases, a storage account with its shares), their names and ARM ids
 * in Azure's shapes, sizes, churn, and lifecycle (protection start, stop,
 * failure streaks, the one deleted VM and the one pending first backup).
 * Each item is handed to sample_history_write_item as soon as it exists.
 * Called by sample.c only; never prints, never reads the clock. */
#include "optimizer/sample/sample_internal.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const char *const vm_roles[] = { "web", "app", "api", "svc", "wrk",
					"job" };
_Static_assert(ARRAY_SIZE(vm_roles) == ESTATE_NROLES, "one name a role");

/* Splits the items over the vaults by profile weight (largest
 * remainder, ties to the earlier vault). */
void sample_share_items(struct estate *es)
{
	long nv = es->x.o->vaults, total = 0, left = es->x.o->items;
	double *rem = xcalloc((size_t)nv, sizeof(double));

	for (long i = 0; i < nv; i++)
		total += es->vaults[i].prof->weight;
	for (long i = 0; i < nv; i++) {
		double exact = (double)es->x.o->items *
			       es->vaults[i].prof->weight / (double)total;
		es->vaults[i].nitems = (long)floor(exact);
		rem[i] = exact - floor(exact);
		left -= es->vaults[i].nitems;
	}
	while (left-- > 0) {
		long best = 0;
		for (long i = 1; i < nv; i++)
			if (rem[i] > rem[best])
				best = i;
		es->vaults[best].nitems++;
		rem[best] = -1;
	}
	free(rem);
}

static const struct gen_policy *pick_policy(struct estate *es,
					    const struct gen_vault *gv)
{
	int total = 0, pick;

	for (size_t i = 0; i < gv->npol; i++)
		total += gv->prof->policies[i].weight;
	pick = (int)gsl_rng_uniform_int(es->x.rng, (unsigned long)total);
	for (size_t i = 0; i < gv->npol; i++) {
		pick -= gv->prof->policies[i].weight;
		if (pick < 0)
			return &es->policies[gv->pol_first + i];
	}
	return &es->policies[gv->pol_first];
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double draw_churn(gsl_rng *r, int workload, bool low_allowed)
{
	static const double files[] = { 0.01, 0.03, 0.05 };
	bool low;

	if (workload == WL_FILES)
		return files[gsl_rng_uniform_int(r, 3)] *
		       sample_uniform(r, 0.8, 1.2);
	/* Drawn for every VM, so that the stream of numbers stays the same. */
	low = workload == WL_VM && gsl_rng_uniform(r) < 0.25;
	if (low && low_allowed)
		return sample_uniform(r, 0.005, 0.012); /* low-churn VM */
	return exp(sample_uniform(r, log(0.012), log(0.07)));
}

static double draw_size(gsl_rng *r, int workload)
{
	switch (workload) {
	case WL_VM:
		return clamp(gsl_ran_lognormal(r, log(128), 0.8), 30, 2000);
	case WL_FILES:
		return clamp(gsl_ran_lognormal(r, log(150), 0.9), 10, 2000);
	default:
		return clamp(gsl_ran_lognormal(r, log(60), 1.0), 5, 800);
	}
}

static const char *streak_code(int workload)
{
	switch (workload) {
	case WL_SQL:
		return "UserErrorOpeningSQLConnection";
	case WL_HANA:
		return "UserErrorHANAInternalRoleNotPresent";
	case WL_FILES:
		return "UserErrorFileShareEndpointUnreachable";
	default:
		return "UserErrorGuestAgentStatusUnavailable";
	}
}

/* What one protected unit (a VM, a database host, a storage account)
 * shares among its items. */
struct unit {
	struct gen_vault *gv;
	const struct gen_policy *pol;
	const char *rg, *host, *app;
	int app_idx;
	int64_t start, stop, streak_from, streak_to;
	const char *streak_code, *state;
};

static void draw_lifecycle(struct estate *es, struct unit *u)
{
	gsl_rng *r = es->x.rng;
	int64_t as_of = es->x.as_of;
	/* Older items outnumber new ones: estates grow, items stay. */
	double age = 20 + (u->pol->max_age_days - 20) *
			     sqrt(gsl_rng_uniform(r));

	u->start = as_of - (int64_t)(age * DAY_S) -
		   (int64_t)gsl_rng_uniform_int(r, 86400);
	u->stop = u->streak_from = u->streak_to = TIME_NONE;
	u->streak_code = NULL;
	u->state = "Protected";
	if (gsl_rng_uniform(r) < 0.03) {
		int64_t stop = as_of - (int64_t)(sample_uniform(r, 45, 500) *
						 DAY_S);
		if (stop > u->start + 60 * (int64_t)DAY_S) {
			u->stop = stop;
			u->state = "ProtectionStopped";
		}
	}
	if (gsl_rng_uniform(r) < 0.06) {
		u->streak_from = as_of - (int64_t)(sample_uniform(r, 3, 60) *
						   DAY_S);
		u->streak_to = u->streak_from +
			       (int64_t)(sample_uniform(r, 1.5, 6) * DAY_S);
		u->streak_code = streak_code(u->pol->p.workload);
	}
}

/* One VM whose backups start failing once it is deleted, and one VM
 * configured so recently that its first backup has not run. */
static void special_states(struct estate *es, struct unit *u)
{
	long n = es->x.o->items, i = es->items_done;

	if (u->pol->p.workload != WL_VM || u->stop != TIME_NONE)
		return;
	if (!es->vm_gone_done && i >= n * 3 / 10) {
		es->vm_gone_done = true;
		u->state = "ProtectionError";
		u->streak_from = es->x.as_of - (int64_t)(sample_uniform(
						       es->x.rng, 6, 20) *
					       DAY_S);
		u->streak_to = es->x.as_of + DAY_S;
		u->streak_code = "UserErrorVmNotFound";
	} else if (!es->irpending_done && i >= n * 6 / 10) {
		es->irpending_done = true;
		u->state = "IRPending";
		u->start = es->x.as_of;
		u->streak_from = TIME_NONE;
	}
}

/* The tags of a source resource: its application and environment, and
 * tier=1 on the first application of a production vault. */
static const char *source_tags(struct strpool *pool, const struct unit *u)
{
	const char *env = u->gv->prof->env;
	char *s = xasprintf("app=%s;env=%s%s", u->app, env,
			    u->app_idx == 0 && !strcmp(env, "prd") ? ";tier=1"
								   : "");
	const char *kept = strpool_dup(pool, s);

	free(s);
	return kept;
}

static void emit_item(struct estate *es, const struct unit *u,
		      const char *name, const char *arm_id,
		      const char *source_id, double source_gb)
{
	struct gen_item gi;
	struct item *it = &gi.it;
	char id[SNAPSHOT_ID_LEN];
	struct strpool names = STRPOOL_INIT;

	memset(&gi, 0, sizeof(gi));
	snapshot_make_id(id, 'i', arm_id);
	it->item_id = strpool_dup(&names, id);
	it->vault_id = u->gv->v.vault_id;
	it->policy_id = u->stop == TIME_NONE ? u->pol->p.policy_id : "";
	it->item_name = name;
	it->workload = u->pol->p.workload;
	it->protection_state = u->state;
	it->source_gb = round(source_gb * 100) / 100;
	it->daily_churn =
		round(draw_churn(es->x.rng, it->workload,
				 !(u->gv->prof->exemplary &&
				   u->pol->p.tiering_mode == TM_TIERAFTER)) *
		      1e4) /
		1e4;
	it->size_source = SS_REPORTED;
	it->arm_id = arm_id;
	it->source_resource_id = source_id;
	it->source_tags = source_tags(&names, u);
	gi.pol = u->pol;
	gi.vault_crr = u->gv->v.cross_region_restore == ON;
	gi.start = u->start;
	gi.stop = u->stop;
	gi.streak_from = u->streak_from;
	gi.streak_to = u->streak_to;
	gi.streak_code = u->streak_code;
	sample_history_write_item(&es->x, &gi);
	strpool_release(&names);
	es->items_done++;
}

static char *container_prefix(const struct unit *u)
{
	return xasprintf("%s/backupFabrics/Azure/protectionContainers/",
			 u->gv->arm_id);
}

static void emit_vm(struct estate *es, struct unit *u)
{
	struct gen_vault *gv = u->gv;
	int role = (int)gsl_rng_uniform_int(es->x.rng, ESTATE_NROLES);
	int n = ++gv->vm_count[u->app_idx][role];
	char *vm = xasprintf("vm-%s-%s-%s-%02d", u->app, vm_roles[role],
			     gv->prof->env, n);
	char *pre = container_prefix(u);
	char *arm = xasprintf("%sIaasVMContainer;iaasvmcontainerv2;%s;%s/"
			      "protectedItems/VM;iaasvmcontainerv2;%s;%s",
			      pre, u->rg, vm, u->rg, vm);
	char *src = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			      "Microsoft.Compute/virtualMachines/%s",
			      gv->v.subscription_id, u->rg, vm);

	special_states(es, u);
	emit_item(es, u, vm, arm, src, draw_size(es->x.rng, WL_VM));
	free(vm);
	free(pre);
	free(arm);
	free(src);
}

static void to_upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static void to_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void emit_sql_host(struct estate *es, struct unit *u, long room)
{
	/* Names starting with '_' (or empty) follow the application's. */
	static const char *const dbs[] = { "",	       "_Reporting",
					   "_Audit",   "_Staging",
					   "ReportServer", "SSISDB" };
	struct gen_vault *gv = u->gv;
	int n = ++gv->sql_count[u->app_idx];
	long ndb = 1 + (long)gsl_rng_uniform_int(es->x.rng, 4);
	char *vm = xasprintf("vm-%s-sql-%s-%02d", u->app, gv->prof->env, n);
	char *app = xstrdup(u->app);
	char *pre = container_prefix(u);
	char *src = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			      "Microsoft.Compute/virtualMachines/%s",
			      gv->v.subscription_id, u->rg, vm);

	to_upper(app);
	for (long k = 0; k < ndb && k < room; k++) {
		char *db = dbs[k][0] && dbs[k][0] != '_'
				   ? xstrdup(dbs[k])
				   : xasprintf("%s%s", app, dbs[k]);
		char *lower = xstrdup(db);
		char *arm;

		to_lower(lower);
		arm = xasprintf("%sVMAppContainer;Compute;%s;%s/protectedItems/"
				"SQLDataBase;mssqlserver;%s",
				pre, u->rg, vm, lower);
		emit_item(es, u, db, arm, src, draw_size(es->x.rng, WL_SQL));
		free(db);
		free(lower);
		free(arm);
	}
	free(vm);
	free(app);
	free(pre);
	free(src);
}

static void emit_hana_host(struct estate *es, struct unit *u, long room)
{
	struct gen_vault *gv = u->gv;
	int n = ++gv->hana_count[u->app_idx];
	char *vm = xasprintf("vm-%s-hana-%s-%02d", u->app, gv->prof->env, n);
	char *sid = n == 1 ? xasprintf("%.2s%c", u->app,
				       gv->prof->env[0] == 'p' ? 'p' : 'd')
			   : xasprintf("h%02d", n);
	char *sid_up = xstrdup(sid);
	char *pre = container_prefix(u);
	char *src = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			      "Microsoft.Compute/virtualMachines/%s",
			      gv->v.subscription_id, u->rg, vm);

	to_upper(sid_up);
	for (long k = 0; k < 2 && k < room; k++) {
		const char *db = k == 0 ? "SYSTEMDB" : sid_up;
		char *lower = xstrdup(db);
		char *arm;
		double gb = k == 0 ? sample_uniform(es->x.rng, 5, 20)
				   : draw_size(es->x.rng, WL_HANA);

		to_lower(lower);
		arm = xasprintf("%sVMAppContainer;Compute;%s;%s/protectedItems/"
				"SAPHanaDatabase;%s;%s",
				pre, u->rg, vm, sid, lower);
		emit_item(es, u, db, arm, src, gb);
		free(lower);
		free(arm);
	}
	free(vm);
	free(sid);
	free(sid_up);
	free(pre);
	free(src);
}

static void emit_storage(struct estate *es, struct unit *u, long room)
{
	static const char *const shares[] = { "profiles", "shared",
					      "finance",  "scans",
					      "exports",  "home" };
	struct gen_vault *gv = u->gv;
	int n = ++gv->st_count[u->app_idx];
	long nsh = 1 + (long)gsl_rng_uniform_int(es->x.rng, 3);
	size_t first = gsl_rng_uniform_int(es->x.rng, ARRAY_SIZE(shares));
	char *acct = xasprintf("st%.8s%s%02d%s", u->app, gv->prof->env, n,
			       gv->prof->region);
	char *pre = container_prefix(u);
	char *src = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			      "Microsoft.Storage/storageAccounts/%s",
			      gv->v.subscription_id, u->rg, acct);

	for (long k = 0; k < nsh && k < room; k++) {
		const char *share = shares[(first + (size_t)k) %
					   ARRAY_SIZE(shares)];
		char *arm = xasprintf("%sStorageContainer;Storage;%s;%s/"
				      "protectedItems/AzureFileShare;%s",
				      pre, u->rg, acct, share);
		emit_item(es, u, share, arm, src,
			  draw_size(es->x.rng, WL_FILES));
		free(arm);
	}
	free(acct);
	free(pre);
	free(src);
}

void sample_make_items(struct estate *es, struct gen_vault *gv)
{
	long done_at_start = es->items_done;

	while (es->items_done - done_at_start < gv->nitems) {
		long room = gv->nitems - (es->items_done - done_at_start);
		struct unit u;
		char *rg;

		memset(&u, 0, sizeof(u));
		u.gv = gv;
		u.pol = pick_policy(es, gv);
		u.app_idx = (int)gsl_rng_uniform_int(es->x.rng, 4);
		u.app = gv->prof->apps[u.app_idx];
		rg = xasprintf("rg-%s-%s-%s", u.app, gv->prof->env,
			       gv->prof->region);
		u.rg = rg;
		draw_lifecycle(es, &u);
		switch (u.pol->p.workload) {
		case WL_SQL:
			emit_sql_host(es, &u, room);
			break;
		case WL_HANA:
			emit_hana_host(es, &u, room);
			break;
		case WL_FILES:
			emit_storage(es, &u, room);
			break;
		default:
			emit_vm(es, &u);
			break;
		}
		free(rg);
	}
}
