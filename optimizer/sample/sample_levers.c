/* SPDX-License-Identifier: MIT
 * sample_levers.c: the sample estate's lever cases, items the other
 * estate files do not make: a VM idle for over 90 days, a soft-deleted VM
 * still in its billed days on a vault that allows an early purge, and one
 * on a vault whose soft delete is AlwaysOn. They take the last item slots
 * of the last vault that can spare them and are drawn after everything
 * else from a generator of their own, so that no other item changes.
 * Called by sample.c only; never prints, never reads the clock. */
#include "optimizer/sample/sample_internal.h"

#include <math.h>
#include <string.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

enum { LC_IDLE, LC_SOFT_DELETED, LC_SOFT_DELETED_ALWAYSON, LC_COUNT };

/* An estate smaller than this has no lever cases. */
#define LEVER_CASES_MIN_ITEMS 40

static const char *const case_role[LC_COUNT] = { "old", "del", "del" };

static bool fits(const struct gen_vault *gv, int c)
{
	const struct vault *v = &gv->v;

	switch (c) {
	case LC_IDLE:
		return v->immutability != IMM_LOCKED;
	case LC_SOFT_DELETED:
		return v->soft_delete == SD_ENABLED &&
		       v->immutability != IMM_LOCKED &&
		       v->soft_delete_days > 14;
	default:
		return v->soft_delete == SD_ALWAYSON &&
		       v->soft_delete_days > 14;
	}
}

/* The first VM policy of a vault, or NULL. */
static const struct gen_policy *vm_policy(const struct estate *es,
					  const struct gen_vault *gv)
{
	for (size_t i = 0; i < gv->npol; i++)
		if (es->policies[gv->pol_first + i].p.workload == WL_VM)
			return &es->policies[gv->pol_first + i];
	return NULL;
}

/* The vault of case c: the first that fits and has a VM policy. */
static struct gen_vault *case_vault(struct estate *es, int c)
{
	for (long i = 0; i < es->x.o->vaults; i++)
		if (fits(&es->vaults[i], c) && vm_policy(es, &es->vaults[i]))
			return &es->vaults[i];
	return NULL;
}

void sample_reserve_lever_items(struct estate *es)
{
	long n = 0;

	if (es->x.o->items < LEVER_CASES_MIN_ITEMS)
		return;
	for (int c = 0; c < LC_COUNT; c++)
		n += case_vault(es, c) != NULL;
	for (long i = es->x.o->vaults - 1; i >= 0 && n; i--)
		if (es->vaults[i].nitems > n) {
			es->vaults[i].nitems -= n;
			es->lever_items = n;
			return;
		}
}

static void lever_item(struct estate *es, struct gen_vault *gv, int c)
{
	const struct vault_profile *pf = gv->prof;
	const char *app = pf->apps[0];
	int64_t as_of = es->x.as_of;
	struct gen_item gi;
	struct item *it = &gi.it;
	char id[SNAPSHOT_ID_LEN];
	char *vm = xasprintf("vm-%s-%s-%s-01", app, case_role[c], pf->env);
	char *rg = xasprintf("rg-%s-%s-%s", app, pf->env, pf->region);
	char *arm = xasprintf("%s/backupFabrics/Azure/protectionContainers/"
			      "IaasVMContainer;iaasvmcontainerv2;%s;%s/"
			      "protectedItems/VM;iaasvmcontainerv2;%s;%s",
			      gv->arm_id, rg, vm, rg, vm);
	char *src = xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
			      "Microsoft.Compute/virtualMachines/%s",
			      gv->v.subscription_id, rg, vm);
	char *tags = xasprintf("app=%s;env=%s", app, pf->env);

	memset(&gi, 0, sizeof(gi));
	snapshot_make_id(id, 'i', arm);
	it->item_id = id;
	it->vault_id = gv->v.vault_id;
	it->item_name = vm;
	it->workload = WL_VM;
	it->source_gb = round(sample_uniform(es->x.rng, 90, 390) * 100) / 100;
	it->daily_churn = round(sample_uniform(es->x.rng, 0.015, 0.04) * 1e4) /
			  1e4;
	it->size_source = SS_REPORTED;
	it->arm_id = arm;
	it->source_resource_id = src;
	it->source_tags = tags;
	gi.pol = vm_policy(es, gv);
	gi.vault_crr = gv->v.cross_region_restore == ON;
	gi.start = as_of - 400 * (int64_t)DAY_S;
	gi.stop = gi.streak_from = gi.streak_to = TIME_NONE;
	if (c == LC_IDLE) {
		/* Every backup has failed for 120 days: the VM is gone. */
		it->policy_id = gi.pol->p.policy_id;
		it->protection_state = "ProtectionError";
		gi.streak_from = as_of - 120 * (int64_t)DAY_S;
		gi.streak_to = as_of + DAY_S;
		gi.streak_code = "UserErrorVmNotFound";
	} else {
		/* Deleted with its data 6 days ago: soft-deleted until the
		 * vault's soft-delete days have passed. */
		it->policy_id = "";
		it->protection_state = "ProtectionStopped";
		gi.stop = as_of - 6 * (int64_t)DAY_S;
		it->soft_deleted = true;
		it->deferred_delete_time =
			gi.stop + (int64_t)gv->v.soft_delete_days * DAY_S;
	}
	sample_history_write_item(&es->x, &gi);
	free(vm);
	free(rg);
	free(arm);
	free(src);
	free(tags);
}

void sample_make_lever_items(struct estate *es)
{
	gsl_rng *kept = es->x.rng;

	if (!es->lever_items)
		return;
	es->x.rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(es->x.rng, es->x.o->seed ^ 0x1e7e75UL);
	for (int c = 0; c < LC_COUNT; c++) {
		struct gen_vault *gv = case_vault(es, c);
		if (gv)
			lever_item(es, gv, c);
	}
	gsl_rng_free(es->x.rng);
	es->x.rng = kept;
}
