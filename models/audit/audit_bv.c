/* SPDX-License-Identifier: MIT
 * audit_bv.c: the protection rules applied to a Backup vault
 * (Microsoft.DataProtection; see audit_rules.h for the list): its settings,
 * Resource Guard mapping and the protection status of its instances, with
 * fixes as az dataprotection commands whose values are shell-quoted.
 * Pure functions over one vault's rows (audit_internal.h). No I/O. */
#include "models/audit/audit_internal.h"

#define AZTS "AzTS Azure_BackupVault_"
#define LEARN "https://learn.microsoft.com/azure/backup/"

const int audit_bv_rules[POSTURE_BV_NRULES] = {
	PR_IMMUTABLE,	 PR_SOFT_DELETE, PR_MUA, PR_REDUNDANCY,
	PR_XSUB_RESTORE, PR_CMK,	 PR_JOB_ALERTS, PR_BV_INSTANCES,
};

/* "az dataprotection backup-vault update -g RG --vault-name NAME" */
static void bv_update(struct strbuf *sb, const struct bvault *v)
{
	strbuf_adds(sb, "az dataprotection backup-vault update -g ");
	strbuf_add_shell_word(sb, v->resource_group);
	strbuf_adds(sb, " --vault-name ");
	strbuf_add_shell_word(sb, v->vault_name);
}

/* ---- immutable-vault ---- */

/* Lists the policies keeping data 10 years or more; returns the count. */
static size_t long_keepers(const struct bvault_view *bv, struct strbuf *out)
{
	const int limit = POSTURE_LONG_YEARS * 365;
	size_t listed = 0;

	for (size_t i = 0; i < bv->npolicies; i++) {
		const struct bpolicy *p = bv->policies[i];
		int keep = p->vault_keep_days > p->archive_keep_days
				   ? p->vault_keep_days
				   : p->archive_keep_days;
		if (keep >= limit && list_room(&listed))
			add_part(out, "; ", "'%s' keeps %d days",
				 p->policy_name, keep);
	}
	list_end(out, listed);
	return listed;
}

static void bv_immutable(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;
	struct strbuf longs = STRBUF_INIT;
	size_t n = long_keepers(bv, &longs);

	f->reference = AZTS "DP_Enable_Immutability; " LEARN
		       "backup-azure-immutable-vault-concept";
	strbuf_addf(&f->evidence, "immutability=%s",
		    immutability_names[v->immutability]);
	if (v->immutability == IMM_LOCKED) {
		strbuf_adds(&f->detail,
			    "locked (irreversible): recovery points can't be "
			    "deleted early and retention can't be reduced");
	} else {
		fail(f, v->immutability == IMM_UNLOCKED ? SEV_MEDIUM
							 : SEV_HIGH);
		strbuf_adds(&f->detail,
			    v->immutability == IMM_UNLOCKED
				    ? "immutability is on but unlocked: anyone "
				      "with write access to the vault can turn "
				      "it off, then delete backup data"
				    : "immutability is off: anyone with write "
				      "access to the vault can stop protection "
				      "and delete backup data or cut "
				      "retention");
		bv_update(&f->fix, v);
		strbuf_adds(&f->fix,
			    v->immutability == IMM_UNLOCKED
				    ? " --immutability-state Locked"
				    : " --immutability-state Unlocked; then "
				      "lock it (--immutability-state Locked)");
		strbuf_adds(&f->fix, ". A lock makes retention reductions "
				     "impossible");
	}
	if (n)
		add_part(&f->detail, "; ",
			 "retention of %d years or more, fixed by a lock: %s",
			 POSTURE_LONG_YEARS, longs.buf);
	strbuf_release(&longs);
}

/* ---- soft-delete ---- */

static void bv_soft_delete(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;

	f->reference = AZTS "DP_Enable_Soft_Delete; " LEARN
		       "backup-azure-enhanced-soft-delete-about";
	strbuf_addf(&f->evidence, "soft_delete=%s; soft_delete_days=%d",
		    soft_delete_names[v->soft_delete], v->soft_delete_days);
	if (v->soft_delete == SD_ALWAYSON) {
		strbuf_addf(&f->detail,
			    "always on (can't be disabled): deleted backup "
			    "data is kept %d days",
			    v->soft_delete_days);
		return;
	}
	if (v->soft_delete == SD_ENABLED) {
		strbuf_addf(&f->detail,
			    "on, keeping deleted backup data %d days, but "
			    "anyone with write access to the vault can turn "
			    "it off; AzTS requires AlwaysOn",
			    v->soft_delete_days);
		strbuf_adds(&f->fix, "recommended (irreversible): ");
		bv_update(&f->fix, v);
		strbuf_adds(&f->fix, " --soft-delete-state AlwaysOn");
		return;
	}
	bv_update(&f->fix, v);
	strbuf_adds(&f->fix, " --soft-delete-state AlwaysOn");
	fail(f, SEV_HIGH);
	strbuf_adds(&f->detail, "soft delete is off: backup data deleted by "
				"mistake or by an attacker is gone at once");
	strbuf_adds(&f->fix, " --retention-duration-in-days 14 (AlwaysOn "
			     "can't be turned off again; On keeps that "
			     "option)");
}

/* ---- mua-resource-guard ---- */

static void bv_mua(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;
	char gsub[128];

	f->reference = AZTS "AuthZ_Enable_MultiUserAuthorization; " LEARN
		       "multi-user-authorization-concept";
	strbuf_addf(&f->evidence, "resource_guard_id=%s",
		    v->resource_guard_id[0] ? v->resource_guard_id
					    : "(empty)");
	if (!v->resource_guard_id[0]) {
		fail(f, SEV_HIGH);
		strbuf_adds(&f->detail,
			    "no Resource Guard is mapped: one person with "
			    "write access to the vault can disable soft "
			    "delete or stop protection with delete data");
		strbuf_adds(&f->fix,
			    "create a Resource Guard in a subscription the "
			    "vault's admins don't control, in the vault's "
			    "region (az dataprotection resource-guard create "
			    "-g GUARD_RG --resource-guard-name GUARD -l ");
		strbuf_add_shell_word(&f->fix, v->location);
		strbuf_adds(&f->fix,
			    "), then map it: az dataprotection backup-vault "
			    "resource-guard-mapping create -g ");
		strbuf_add_shell_word(&f->fix, v->resource_group);
		strbuf_adds(&f->fix, " --vault-name ");
		strbuf_add_shell_word(&f->fix, v->vault_name);
		strbuf_adds(&f->fix, " -n DppResourceGuardProxy "
				     "--resource-guard-id GUARD_ID");
		return;
	}
	if (!arm_segment(v->resource_guard_id, "subscriptions", gsub,
			 sizeof(gsub)))
		gsub[0] = '\0';
	strbuf_addf(&f->evidence, "; guard subscription=%s (vault "
				  "subscription_id=%s)",
		    gsub[0] ? gsub : "?", v->subscription_id);
	if (gsub[0] && str_eq_ci(gsub, v->subscription_id)) {
		fail(f, SEV_MEDIUM);
		strbuf_adds(&f->detail,
			    "the Resource Guard is in the vault's own "
			    "subscription: its owners can approve their own "
			    "critical operations");
		strbuf_adds(&f->fix,
			    "move the guard to a subscription (ideally a "
			    "tenant) the vault's admins don't control and "
			    "map that one instead");
		return;
	}
	strbuf_adds(&f->detail, "critical operations need approval from the "
				"Resource Guard in another subscription");
}

/* ---- redundancy-crr ---- */

/* Instances whose policy keeps data in the vault store. */
static size_t vaulted_instances(const struct bvault_view *bv)
{
	size_t n = 0;

	for (size_t i = 0; i < bv->ninstances; i++) {
		long p = bv->instances[i]->policy_idx;
		n += p >= 0 && bv->s->bv.policies[p].vault_keep_days > 0;
	}
	return n;
}

static void bv_redundancy(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;
	const char *nonprod = non_production_token(v->vault_name,
						   v->resource_group);
	size_t vaulted = vaulted_instances(bv);

	strbuf_addf(&f->evidence,
		    "redundancy=%s; cross_region_restore=%s; "
		    "instances in the vault store=%zu",
		    redundancy_names[v->redundancy],
		    onoff_names[v->cross_region_restore == ON], vaulted);
	if (v->redundancy == RED_GRS && v->cross_region_restore == ON) {
		strbuf_adds(&f->detail, "geo-redundant with cross-region "
					"restore");
		return;
	}
	if (v->redundancy == RED_GRS) {
		fail(f, SEV_LOW);
		strbuf_adds(&f->detail,
			    "geo-redundant without cross-region restore: the "
			    "paired region's copy can be restored only after "
			    "Microsoft declares a regional outage");
		bv_update(&f->fix, v);
		strbuf_adds(&f->fix, " --cross-region-restore-state Enabled");
		return;
	}
	if (!vaulted || nonprod) {
		strbuf_addf(&f->detail,
			    "no copy outside the region accepted: %s",
			    nonprod ? "the name marks it non-production"
				    : "no instance keeps data in the vault "
				      "store (operational backups stay in the "
				      "source's region)");
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_adds(&f->detail,
		    "vaulted backups of production data with no copy "
		    "outside the region: a regional disaster loses them "
		    "with the data");
	strbuf_adds(&f->fix,
		    "redundancy can't be changed once instances are "
		    "protected: create a vault with az dataprotection "
		    "backup-vault create -g ");
	strbuf_add_shell_word(&f->fix, v->resource_group);
	strbuf_adds(&f->fix, " --vault-name NEW_VAULT -l ");
	strbuf_add_shell_word(&f->fix, v->location);
	strbuf_adds(&f->fix, " --type SystemAssigned --storage-setting "
			     "\"[{type:GeoRedundant,datastore-type:"
			     "VaultStore}]\" and protect the production "
			     "datasources there");
}

/* ---- simple settings ---- */

static void bv_xsub(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;

	strbuf_addf(&f->evidence, "cross_subscription_restore=%s",
		    xsub_restore_names[v->cross_subscription_restore]);
	if (v->cross_subscription_restore != XSR_ENABLED) {
		strbuf_adds(&f->detail, "restores can't leave the vault's "
					"subscription");
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_adds(&f->detail,
		    "anyone with restore rights can restore data into "
		    "another subscription, out of reach of this "
		    "subscription's controls; CIS 3.2.7 wants Disabled or "
		    "PermanentlyDisabled");
	bv_update(&f->fix, v);
	strbuf_adds(&f->fix, " --cross-subscription-restore-state Disabled "
			     "(PermanentlyDisabled is irreversible)");
}

static void bv_cmk(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;

	strbuf_addf(&f->evidence, "cmk=%s", onoff_names[v->cmk == ON]);
	if (v->cmk == ON) {
		strbuf_adds(&f->detail, "backup data is encrypted with your "
					"own Key Vault key");
		return;
	}
	fail(f, SEV_LOW);
	strbuf_adds(&f->detail,
		    "backup data is encrypted with Microsoft-managed keys "
		    "only: you can't revoke access to it yourself");
	bv_update(&f->fix, v);
	strbuf_adds(&f->fix, " --cmk-encryption-state Enabled "
			     "--cmk-encryption-key-uri KEY_URI "
			     "--cmk-identity-type SystemAssigned (the "
			     "vault's identity needs get, wrap and unwrap on "
			     "the key)");
}

static void bv_job_alerts(const struct bvault_view *bv, struct finding *f)
{
	const struct bvault *v = bv->v;

	f->reference = AZTS "Audit_Enable_Monitoring; " LEARN
		       "monitoring-and-alerts-overview";
	if (v->job_failure_alerts == ONOFF_UNKNOWN) {
		fail(f, SEV_INFO);
		strbuf_adds(&f->evidence, "job_failure_alerts=(empty)");
		strbuf_adds(&f->detail,
			    "the snapshot doesn't say whether Azure Monitor "
			    "alerts fire for every failed job");
		strbuf_adds(&f->fix,
			    "check monitoringSettings.azureMonitorAlert"
			    "Settings.alertsForAllJobFailures of the vault, "
			    "or re-export");
		return;
	}
	strbuf_addf(&f->evidence, "job_failure_alerts=%s",
		    onoff_names[v->job_failure_alerts]);
	if (v->job_failure_alerts == ON) {
		strbuf_adds(&f->detail, "Azure Monitor raises an alert for "
					"every failed job");
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_adds(&f->detail,
		    "failed backups raise no Azure Monitor alert: a "
		    "datasource can go unprotected for weeks unnoticed");
	bv_update(&f->fix, v);
	strbuf_adds(&f->fix, " --azure-monitor-alerts-for-job-failures "
			     "Enabled, and route the alerts with an action "
			     "group");
}

/* ---- instance-protection ---- */

static void bv_instances(const struct bvault_view *bv, struct finding *f)
{
	size_t bad = 0, errors = 0, listed = 0;
	const struct binstance *first = NULL;

	for (size_t i = 0; i < bv->ninstances; i++) {
		const struct binstance *bi = bv->instances[i];
		if (str_eq_ci(bi->protection_status, "ProtectionConfigured"))
			continue;
		bad++;
		errors += binstance_in_error(bi);
		if (!first)
			first = bi;
		if (list_room(&listed))
			add_part(&f->evidence, "; ", "'%s' %s",
				 bi->instance_name, bi->protection_status);
	}
	list_end(&f->evidence, listed);
	if (!bad) {
		strbuf_addf(&f->evidence, "instances=%zu, all "
					  "ProtectionConfigured",
			    bv->ninstances);
		strbuf_adds(&f->detail, "every backup instance is protected");
		return;
	}
	fail(f, errors ? SEV_HIGH : SEV_MEDIUM);
	strbuf_addf(&f->detail,
		    "%zu of %zu backup instances are not protected "
		    "(%zu in error): their datasources get no new "
		    "recovery points",
		    bad, bv->ninstances, errors);
	strbuf_adds(&f->fix, "see why: az dataprotection backup-instance "
			     "show -g ");
	strbuf_add_shell_word(&f->fix, bv->v->resource_group);
	strbuf_adds(&f->fix, " --vault-name ");
	strbuf_add_shell_word(&f->fix, bv->v->vault_name);
	strbuf_adds(&f->fix, " --backup-instance-name ");
	strbuf_add_shell_word(&f->fix, first->instance_name);
	strbuf_adds(&f->fix, "; resume a stopped one with az dataprotection "
			     "backup-instance resume-protection (same "
			     "arguments)");
}

typedef void (*bv_rule_fn)(const struct bvault_view *bv, struct finding *f);

void audit_bv_eval(int rule, const struct bvault_view *bv,
		     struct finding *out)
{
	static const bv_rule_fn fns[PR_ALL_COUNT] = {
		[PR_IMMUTABLE] = bv_immutable,
		[PR_SOFT_DELETE] = bv_soft_delete,
		[PR_MUA] = bv_mua,
		[PR_REDUNDANCY] = bv_redundancy,
		[PR_XSUB_RESTORE] = bv_xsub,
		[PR_CMK] = bv_cmk,
		[PR_JOB_ALERTS] = bv_job_alerts,
		[PR_BV_INSTANCES] = bv_instances,
	};

	finding_init(out, rule);
	fns[rule](bv, out);
}
