/* SPDX-License-Identifier: MIT
 * audit_vault.c: the rules on vault settings: immutable-vault (with the
 * retention check before a lock), soft-delete, redundancy-crr,
 * cross-subscription-restore, public-network-access,
 * customer-managed-keys and job-failure-alerts.
 * Pure functions over one vault's rows (audit_internal.h); called through
 * audit_rule_eval. No I/O. */
#include "models/audit/audit_internal.h"

/* ---- immutable-vault ---- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Median daily retention of the vault's policies other than skip that have
 * a daily rule; 0 when there is none. */
static double other_daily_median(const struct vault_view *vv, size_t skip)
{
	int *d = xcalloc(vv->npolicies + 1, sizeof(int));
	size_t n = 0;
	double med = 0;

	for (size_t i = 0; i < vv->npolicies; i++)
		if (i != skip && vv->policies[i]->daily_keep_days > 0)
			d[n++] = vv->policies[i]->daily_keep_days;
	if (n) {
		qsort(d, n, sizeof(int), cmp_int);
		med = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2.0;
	}
	free(d);
	return med;
}

/* Appends to why the reasons policy i's retention looks unintended. */
static bool retention_suspect(const struct vault_view *vv, size_t i,
			      struct strbuf *why)
{
	const struct policy *p = vv->policies[i];
	size_t before = why->len;
	double med = other_daily_median(vv, i);

	if (p->yearly_keep_years >= POSTURE_LONG_YEARS)
		add_part(why, ", ", "yearly_keep_years=%d",
			 p->yearly_keep_years);
	if (p->monthly_keep_months >= POSTURE_LONG_MONTHS)
		add_part(why, ", ", "monthly_keep_months=%d",
			 p->monthly_keep_months);
	if (med > 0 && p->daily_keep_days >= POSTURE_DAILY_OUTLIER_DAYS &&
	    p->daily_keep_days >= POSTURE_DAILY_OUTLIER_FACTOR * med)
		add_part(why, ", ",
			 "daily_keep_days=%d (%.1fx the median %.0f of the "
			 "vault's other policies)",
			 p->daily_keep_days, p->daily_keep_days / med, med);
	return why->len > before;
}

/* "'P1' yearly_keep_years=10, 'P2' ..." into out; returns the count. */
static size_t list_suspects(const struct vault_view *vv, struct strbuf *out)
{
	size_t listed = 0;

	for (size_t i = 0; i < vv->npolicies; i++) {
		struct strbuf why = STRBUF_INIT;
		if (retention_suspect(vv, i, &why) && list_room(&listed))
			add_part(out, "; ", "'%s' %s",
				 vv->policies[i]->policy_name, why.buf);
		strbuf_release(&why);
	}
	list_end(out, listed);
	return listed;
}

static const char heuristic_text[] =
	"retention looks unintended when yearly >= 10 years, monthly >= 120 "
	"months, or daily >= 180 days and >= 3x the median daily retention "
	"of the vault's other policies";

static void lock_warning(struct strbuf *fix, const struct strbuf *suspects,
			 size_t n)
{
	strbuf_adds(fix, ". A lock makes retention reductions impossible");
	if (n)
		strbuf_addf(fix,
			    ": before locking, check that this retention is "
			    "intended: %s",
			    suspects->buf);
	else
		strbuf_adds(fix, " (no policy's retention looks "
				 "unintended)");
}

/* A setting the snapshot leaves empty (Azure did not send it): audited as
 * unknown, an info finding that says where to look, never as a default. */
static void unknown_setting(struct finding *f, const char *column,
			    const char *arm_field)
{
	fail(f, SEV_INFO);
	strbuf_addf(&f->evidence, "%s=(empty)", column);
	strbuf_addf(&f->detail,
		    "Azure's answer for the vault did not include %s: the "
		    "snapshot doesn't say how it is set",
		    arm_field);
	strbuf_addf(&f->fix, "check %s of the vault (az backup vault show), "
			     "or re-export",
		    arm_field);
}

void audit_immutable(const struct vault_view *vv,
		       const struct audit_inputs *in, struct finding *f)
{
	const struct vault *v = vv->v;
	struct strbuf suspects = STRBUF_INIT;
	size_t n;

	(void)in;
	if (v->immutability == IMM_UNKNOWN) {
		unknown_setting(f, "immutability",
				"securitySettings.immutabilitySettings");
		return;
	}
	n = list_suspects(vv, &suspects);
	strbuf_addf(&f->evidence, "immutability=%s",
		    immutability_names[v->immutability]);
	switch (v->immutability) {
	case IMM_LOCKED:
		strbuf_adds(&f->detail,
			    "locked (irreversible): recovery points can't be "
			    "deleted early and retention can't be reduced");
		if (n)
			strbuf_addf(&f->detail,
				    "; this retention is now fixed too: %s",
				    suspects.buf);
		break;
	case IMM_UNLOCKED:
		fail(f, SEV_MEDIUM);
		strbuf_adds(&f->detail,
			    "immutability is on but unlocked: anyone with "
			    "write access to the vault can turn it off again, "
			    "then delete backup data or cut retention");
		strbuf_adds(&f->fix, "lock it: az backup vault update ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix, " --immutability-state Locked");
		lock_warning(&f->fix, &suspects, n);
		break;
	default:
		fail(f, SEV_HIGH);
		strbuf_adds(&f->detail,
			    "immutability is off: anyone with write access to "
			    "the vault can stop protection with delete data "
			    "or cut retention in a policy, the usual first "
			    "step of a ransomware attack");
		strbuf_adds(&f->fix, "enable it: az backup vault update ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix,
			    " --immutability-state Unlocked; then lock it "
			    "(--immutability-state Locked)");
		lock_warning(&f->fix, &suspects, n);
		break;
	}
	if (v->immutability != IMM_LOCKED || n)
		add_part(&f->detail, "; ", "%s", heuristic_text);
	strbuf_release(&suspects);
}

/* ---- soft-delete ---- */

void audit_soft_delete(const struct vault_view *vv,
			 const struct audit_inputs *in,
			 struct finding *f)
{
	const struct vault *v = vv->v;
	int days = v->soft_delete_days;

	(void)in;
	if (v->soft_delete == SD_UNKNOWN) {
		unknown_setting(f, "soft_delete",
				"securitySettings.softDeleteSettings or "
				"backupconfig/vaultconfig's "
				"softDeleteFeatureState");
		return;
	}
	strbuf_addf(&f->evidence, "soft_delete=%s; soft_delete_days=%d",
		    soft_delete_names[v->soft_delete], days);
	switch (v->soft_delete) {
	case SD_ALWAYSON:
		strbuf_addf(&f->detail,
			    "always on (can't be disabled): deleted backup "
			    "data is kept %d days",
			    days);
		break;
	case SD_ENABLED:
		strbuf_addf(&f->detail,
			    "on, keeping deleted backup data %d days, but "
			    "anyone with write access to the vault can "
			    "disable it (unless MUA protects backupconfig/"
			    "write); AzTS requires AlwaysON",
			    days);
		strbuf_adds(&f->fix,
			    "recommended: make it AlwaysOn (irreversible): "
			    "az backup vault backup-properties set ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix, " --soft-delete-feature-state AlwaysOn");
		break;
	default:
		fail(f, SEV_HIGH);
		strbuf_adds(&f->detail,
			    "soft delete is off: backup data deleted by "
			    "mistake or by an attacker is gone at once");
		strbuf_adds(&f->fix, "az backup vault backup-properties set ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix,
			    " --soft-delete-feature-state AlwaysOn "
			    "--soft-delete-duration 14 (AlwaysOn can't be "
			    "turned off again; Enable keeps that option)");
		return;
	}
	if (days < 14 || days > 180)
		add_part(&f->detail, "; ",
			 "soft_delete_days=%d is outside the 14-180 days "
			 "Azure allows: check the export",
			 days);
	else if (days > 14)
		add_part(&f->detail, "; ",
			 "the days beyond the first 14 are billed as normal "
			 "backup storage");
}

/* ---- redundancy-crr ---- */

const char *non_production_token(const char *vault_name,
				 const char *resource_group)
{
	static const char *const tokens[] = {
		"dev",	 "test",    "tst",     "qa",	  "uat",
		"stg",	 "staging", "sandbox", "sbx",	  "lab",
		"demo",	 "poc",	    "nonprod", "preprod", "training",
	};
	const char *names[2] = { vault_name, resource_group };
	const char *found = NULL;

	for (size_t k = 0; k < 2 && !found; k++) {
		const char *parts[32];
		char *norm = xstrdup(names[k]), *copy;
		size_t n;
		for (char *p = norm; *p; p++)
			if (*p == '_' || *p == '.' || *p == ' ')
				*p = '-';
		n = str_split(norm, '-', &copy, parts, ARRAY_SIZE(parts));
		for (size_t i = 0; i < n && !found; i++)
			for (size_t t = 0; t < ARRAY_SIZE(tokens); t++)
				if (str_eq_ci(parts[i], tokens[t]))
					found = tokens[t];
		free(copy);
		free(norm);
	}
	return found;
}

void audit_redundancy(const struct vault_view *vv,
			const struct audit_inputs *in,
			struct finding *f)
{
	const struct vault *v = vv->v;
	const char *nonprod = non_production_token(v->vault_name,
						   v->resource_group);

	(void)in;
	strbuf_addf(&f->evidence,
		    "redundancy=%s; cross_region_restore=%s; items=%zu",
		    redundancy_names[v->redundancy],
		    v->cross_region_restore == ON ? "Enabled" : "Disabled",
		    vv->nitems);
	if (v->redundancy == RED_GRS) {
		if (v->cross_region_restore == ON) {
			strbuf_adds(&f->detail,
				    "geo-redundant with cross-region restore: "
				    "restores work from the paired region at "
				    "any time");
			return;
		}
		fail(f, SEV_LOW);
		strbuf_adds(&f->detail,
			    "geo-redundant without cross-region restore: the "
			    "copy in the paired region can be restored only "
			    "after Microsoft declares a regional outage");
		strbuf_adds(&f->fix, "az backup vault update ");
		vault_args(&f->fix, v);
		strbuf_adds(&f->fix, " --cross-region-restore-flag Enabled "
				     "(costs more than GRS alone)");
		return;
	}
	if (!vv->nitems || nonprod) {
		strbuf_addf(&f->detail,
			    "%s copy outside the region accepted: %s",
			    v->redundancy == RED_ZRS ? "zone-redundant, no"
						     : "locally redundant, no",
			    nonprod ? "the name marks it non-production"
				    : "the vault holds no items");
		if (nonprod)
			strbuf_addf(&f->detail, " ('%s')", nonprod);
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_addf(&f->detail,
		    "%s vault holding production data (nothing in its name "
		    "or resource group says otherwise): no copy outside the "
		    "region, so a regional disaster loses the backups with "
		    "the data",
		    v->redundancy == RED_ZRS ? "a zone-redundant"
					     : "a locally redundant");
	strbuf_adds(&f->fix,
		    "storage redundancy can't be changed once items are "
		    "protected: create a vault (az backup vault create -g ");
	strbuf_add_shell_word(&f->fix, v->resource_group);
	strbuf_adds(&f->fix, " -n NEW_VAULT -l ");
	strbuf_add_shell_word(&f->fix, v->location);
	strbuf_adds(&f->fix,
		    "), make it GeoRedundant with cross-region restore "
		    "before protecting anything (az backup vault "
		    "backup-properties set -g ");
	strbuf_add_shell_word(&f->fix, v->resource_group);
	strbuf_adds(&f->fix,
		    " -n NEW_VAULT --backup-storage-redundancy GeoRedundant "
		    "--cross-region-restore-flag True) and move protection "
		    "of the production items to it");
}

/* ---- simple vault settings ---- */

void audit_xsub_restore(const struct vault_view *vv,
			  const struct audit_inputs *in,
			  struct finding *f)
{
	const struct vault *v = vv->v;

	(void)in;
	if (v->cross_subscription_restore == XSR_UNKNOWN) {
		unknown_setting(f, "cross_subscription_restore",
				"restoreSettings.crossSubscriptionRestore"
				"Settings");
		return;
	}
	strbuf_addf(&f->evidence, "cross_subscription_restore=%s",
		    xsub_restore_names[v->cross_subscription_restore]);
	if (v->cross_subscription_restore != XSR_ENABLED) {
		strbuf_adds(&f->detail, "restores can't leave the vault's "
					"subscription");
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_adds(&f->detail,
		    "anyone with restore rights can restore VMs and their "
		    "data into another subscription, out of reach of this "
		    "subscription's controls; CIS 3.2.7 wants Disabled or "
		    "PermanentlyDisabled");
	strbuf_adds(&f->fix, "az backup vault update ");
	vault_args(&f->fix, v);
	strbuf_adds(&f->fix, " --cross-subscription-restore-state Disable "
			     "(PermanentlyDisable is irreversible)");
}

void audit_public_network(const struct vault_view *vv,
			    const struct audit_inputs *in,
			    struct finding *f)
{
	const struct vault *v = vv->v;

	(void)in;
	strbuf_addf(&f->evidence, "public_network_access=%s",
		    v->public_network_access == ON ? "Enabled" : "Disabled");
	if (v->public_network_access != ON) {
		strbuf_adds(&f->detail, "reachable only through private "
					"endpoints");
		return;
	}
	fail(f, SEV_MEDIUM);
	strbuf_adds(&f->detail,
		    "backup and restore traffic may use the vault's public "
		    "endpoint instead of private endpoints in your network");
	strbuf_adds(&f->fix, "az backup vault update ");
	vault_args(&f->fix, v);
	strbuf_adds(&f->fix, " --public-network-access Disable, then create "
			     "private endpoints (sub-resource AzureBackup) "
			     "in the networks that back up to it");
}

void audit_cmk(const struct vault_view *vv,
		 const struct audit_inputs *in, struct finding *f)
{
	const struct vault *v = vv->v;

	(void)in;
	strbuf_addf(&f->evidence, "cmk=%s",
		    v->cmk == ON ? "Enabled" : "Disabled");
	if (v->cmk == ON) {
		strbuf_adds(&f->detail, "backup data is encrypted with your "
					"own Key Vault key");
		return;
	}
	fail(f, SEV_LOW);
	strbuf_adds(&f->detail,
		    "backup data is encrypted with Microsoft-managed keys "
		    "only: you can't revoke access to it yourself");
	if (vv->nitems) {
		strbuf_addf(&f->fix,
			    "CMK can be set only on a vault that never had "
			    "items (this one has %zu): create a new vault, "
			    "set its key with az backup vault encryption "
			    "update -g RG -n NEW_VAULT --encryption-key-id "
			    "KEY_URI --mi-system-assigned before protecting "
			    "anything, and protect new items there",
			    vv->nitems);
		return;
	}
	strbuf_adds(&f->fix, "before protecting anything: az backup vault "
			     "encryption update ");
	vault_args(&f->fix, v);
	strbuf_adds(&f->fix, " --encryption-key-id KEY_URI "
			     "--mi-system-assigned");
}

void audit_job_alerts(const struct vault_view *vv,
			const struct audit_inputs *in,
			struct finding *f)
{
	const struct vault *v = vv->v;

	(void)in;
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
		    "failed backups raise no Azure Monitor alert: an item "
		    "can go unprotected for weeks unnoticed");
	strbuf_adds(&f->fix, "az backup vault update ");
	vault_args(&f->fix, v);
	strbuf_adds(&f->fix, " --job-failure-alerts Enable, and route the "
			     "alerts with an action group");
}

