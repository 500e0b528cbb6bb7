/* SPDX-License-Identifier: MIT
 * arm_parse_bv.c: Microsoft.DataProtection JSON (api-version 2025-07-01:
 * BackupVaultResource, BaseBackupPolicyResource, BackupInstanceResource,
 * AzureBackupRecoveryPointResource, AzureBackupJobResource)
 * to the Backup vault rows of a snapshot (snapshot_bv.h). Strings are
 * copied into the caller's pool. No I/O. */
#include "optimizer/azure/arm_parse_bv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const char *pooled(struct strpool *pool, const char *s)
{
	return strpool_dup(pool, s ? s : "");
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

int arm_iso_duration_days(const char *d)
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
	return (int)clamp_round(floor(days + 0.5), 1000000);
}

/* ---- the vault ---- */

int arm_parse_bvault(const cJSON *o, const char *tenant,
		     struct strpool *pool, struct bvault *v)
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
	v->vault_id = pooled(pool, vid);
	v->subscription_id = pooled(pool, sub);
	v->resource_group = pooled(pool, rg);
	v->vault_name = pooled(pool, arm_str(o, "name"));
	v->location = pooled(pool, arm_str(o, "location"));
	v->tenant_id = pooled(pool, tenant);
	v->arm_id = pooled(pool, id);
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
	v->soft_delete_days =
		cJSON_IsNumber(days)
			? (int)clamp_round(days->valuedouble, 1000000)
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
		if (k >= 0 && arm_iso_duration_days(dur) > t->keep[k])
			t->keep[k] = arm_iso_duration_days(dur);
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

int arm_parse_bpolicy(const cJSON *o, const char *vault_id,
		      struct strpool *pool, struct bpolicy *p)
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
	p->policy_id = pooled(pool, pid);
	p->vault_id = vault_id;
	p->policy_name = pooled(pool, arm_str(o, "name"));
	p->datasource_type = pooled(pool, cJSON_IsString(dt) ? dt->valuestring
							  : "");
	p->schedule = pooled(pool, t.sched.buf);
	p->time_zone = pooled(pool, tz);
	p->data_stores = pooled(pool, t.stores.buf);
	p->retention_rules = pooled(pool, t.rules.buf);
	p->arm_id = pooled(pool, id);
	p->operational_keep_days = t.keep[0];
	p->vault_keep_days = t.keep[1];
	p->archive_keep_days = t.keep[2];
	strbuf_release(&t.rules);
	strbuf_release(&t.stores);
	strbuf_release(&t.sched);
	return 0;
}

/* ---- instances ---- */

int arm_parse_binstance(const cJSON *o, const char *vault_id,
			struct strpool *pool, struct binstance *bi)
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
	bi->instance_id = pooled(pool, iid);
	bi->vault_id = vault_id;
	bi->instance_name = pooled(pool, arm_str(o, "name"));
	bi->datasource_type = pooled(
		pool, arm_str(p, "dataSourceInfo.datasourceType"));
	bi->protection_status = pooled(
		pool, status ? status : arm_str(p, "currentProtectionState"));
	bi->source_resource_id = pooled(
		pool, arm_str(p, "dataSourceInfo.resourceID"));
	bi->arm_id = pooled(pool, id);
	/* A backup instance reports no size: its storage is not known */
	bi->vault_gb = bi->archive_gb = bi->snapshot_gb = NAN;
	bi->size_source = "";
	bi->policy_id = "";
	if (policy) {
		snapshot_make_id(pid, 'p', policy);
		bi->policy_id = pooled(pool, pid);
	}
	return bi->datasource_type[0] ? 0 : -1;
}

/* ---- recovery points and jobs ---- */

int arm_parse_brp(const cJSON *o, const char *instance_id,
		  struct strpool *pool, struct brp *rp)
{
	const cJSON *p = arm_get(o, "properties");
	const char *name = arm_str(o, "name");
	const cJSON *d;
	struct strbuf stores = STRBUF_INIT;

	memset(rp, 0, sizeof(*rp));
	rp->rp_time = arm_time(p, "recoveryPointTime");
	if (!name || rp->rp_time == TIME_NONE)
		return -1;
	cJSON_ArrayForEach(d, arm_get(p, "recoveryPointDataStoresDetails"))
	{
		const char *type = arm_str(d, "type");
		if (type && !in_list(stores.buf, type))
			strbuf_addf(&stores, "%s%s", stores.len ? ";" : "",
				    type);
	}
	rp->rp_id = pooled(pool, name);
	rp->instance_id = instance_id;
	rp->rp_type = pooled(pool, arm_str(p, "recoveryPointType"));
	rp->data_stores = pooled(pool, stores.buf);
	rp->expiry_time = arm_time(p, "expiryTime");
	strbuf_release(&stores);
	return 0;
}

/* "[d.]hh:mm:ss[.fffffff]" */
static double timespan_s(const char *s)
{
	double days = 0, h, m, sec;
	const char *colon = strchr(s, ':'), *dot = strchr(s, '.');
	char *end;

	if (!colon)
		return NAN;
	if (dot && dot < colon) {
		days = (double)strtol(s, &end, 10);
		if (end != dot || days < 0)
			return NAN;
		s = dot + 1;
	}
	h = strtod(s, &end);
	if (*end != ':' || end == s)
		return NAN;
	m = strtod(end + 1, &end);
	if (*end != ':')
		return NAN;
	sec = strtod(end + 1, &end);
	if (*end || h < 0 || m < 0 || m >= 60 || sec < 0 || sec >= 61)
		return NAN;
	return days * DAY_S + h * HOUR_S + m * 60 + sec;
}

double arm_bv_duration_s(const char *s)
{
	double d;

	if (!s || !*s)
		return NAN;
	if (*s == 'P')
		return duration_parse_iso(s, &d) ? NAN : d;
	return timespan_s(s);
}

int arm_parse_bjob(const cJSON *o, const char *vault_id,
		   struct strpool *pool, struct bjob *j)
{
	const cJSON *p = arm_get(o, "properties");
	const char *name = arm_str(o, "name");
	const char *inst = arm_str(p, "backupInstanceId");
	const cJSON *err = cJSON_GetArrayItem(arm_get(p, "errorDetails"), 0);
	double d = arm_bv_duration_s(arm_str(p, "duration"));
	char iid[SNAPSHOT_ID_LEN];

	memset(j, 0, sizeof(*j));
	j->start_time = arm_time(p, "startTime");
	if (!name || j->start_time == TIME_NONE)
		return -1;
	j->job_id = pooled(pool, name);
	j->vault_id = vault_id;
	j->instance_id = "";
	if (inst && *inst) {
		snapshot_make_id(iid, 'i', inst);
		j->instance_id = pooled(pool, iid);
	}
	j->operation = pooled(pool, arm_str(p, "operation"));
	j->category = pooled(pool, arm_str(p, "operationCategory"));
	j->status = pooled(pool, arm_str(p, "status"));
	j->datasource_type = pooled(pool, arm_str(p, "dataSourceType"));
	j->error_code = pooled(pool, arm_str(err, "code"));
	j->end_time = arm_time(p, "endTime");
	if (j->end_time != TIME_NONE && j->end_time < j->start_time)
		j->end_time = TIME_NONE;
	j->duration_s = isnan(d) ? NAN : round(d);
	return 0;
}
