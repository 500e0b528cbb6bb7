/* SPDX-License-Identifier: MIT
 * arm_parse.c: ARM payloads -> snapshot rows (see arm_parse.h). Where a
 * payload leaves a field out, the value Azure itself defaults to is used:
 * redundancy GeoRedundant, public network access Enabled, instant
 * restore 2 days (Standard VM policy) or 7 (Enhanced), time zone UTC.
 * Security settings Azure did not send (immutability, soft delete, cross-
 * subscription restore) are recorded as unknown, never as defaults: an
 * audit must not report what Azure never said. */
#include "optimizer/azure/arm_parse.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "optimizer/base/tags.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define RSV_PREFIX "Microsoft.RecoveryServices/vaults/"

const cJSON *arm_get(const cJSON *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key)
				      : NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

const char *arm_str(const cJSON *o, const char *path)
{
	const cJSON *v = arm_get(o, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *str_or(const cJSON *o, const char *path, const char *dflt)
{
	const char *s = arm_str(o, path);
	return s && *s ? s : dflt;
}

/* A number, or a string holding one ("3600"); dflt otherwise. */
static double num_or(const cJSON *o, const char *path, double dflt)
{
	const cJSON *v = arm_get(o, path);
	double d;

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v) && !parse_double(v->valuestring, -1e18, 1e18, &d))
		return d;
	return dflt;
}

/* An integer field. No count Azure sends comes near ARM_INT_MAX (retention
 * stops at 9999 days or 99 years), so larger values are clamped there and
 * the int arithmetic done on them later cannot overflow. */
#define ARM_INT_MAX 1000000L

static int int_or(const cJSON *o, const char *path, int dflt)
{
	return (int)clamp_round(num_or(o, path, dflt), ARM_INT_MAX);
}

static bool bool_or(const cJSON *o, const char *path, bool dflt)
{
	const cJSON *v = arm_get(o, path);

	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	if (cJSON_IsString(v))
		return str_eq_ci(v->valuestring, "true");
	return dflt;
}

/* An ARM time text; one without 'Z' or an offset ("2026-01-31T02:00:00"
 * or with 7-digit fractions, as ARM sends in places) is UTC. */
static int arm_time_text(const char *s, int64_t *t)
{
	char zoned[64];

	if (!time_parse_iso(s, 0, t))
		return 0;
	if (snprintf(zoned, sizeof(zoned), "%sZ", s) >= (int)sizeof(zoned))
		return -1;
	return time_parse_iso(zoned, 0, t);
}

int64_t arm_time(const cJSON *o, const char *key)
{
	const char *s = arm_str(o, key);
	int64_t t;

	if (!s || arm_time_text(s, &t) || t < time_from_civil(1971, 1, 1,
								0, 0, 0))
		return TIME_NONE;
	return t;
}

static const char *pooled(struct strpool *pool, const char *s)
{
	return strpool_dup(pool, s ? s : "");
}

const char *arm_parse_tags(const cJSON *tags, struct strpool *pool)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;

	tags_from_json(tags, &sb);
	s = pooled(pool, sb.buf);
	strbuf_release(&sb);
	return s;
}

int arm_page(const cJSON *root, struct arm_page *out)
{
	const char *next;

	out->value = cJSON_GetObjectItemCaseSensitive(root, "value");
	if (!cJSON_IsArray(out->value))
		return -1;
	next = arm_str(root, "nextLink");
	out->next_link = next && *next ? next : NULL;
	return 0;
}

int arm_query_page(const cJSON *root, struct arm_page *out)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "properties");
	const char *next;

	if (!cJSON_IsObject(p) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(p, "columns")) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(p, "rows")))
		return -1;
	out->value = p;
	next = arm_str(p, "nextLink");
	out->next_link = next && *next ? next : NULL;
	return 0;
}

int arm_id_value(const char *id, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);

	for (const char *p = id; p && *p; p = strchr(p + 1, '/')) {
		const char *seg = p + (*p == '/');
		const char *end;
		size_t vlen;

		if (strncasecmp(seg, key, klen) || seg[klen] != '/')
			continue;
		seg += klen + 1;
		end = strchr(seg, '/');
		vlen = end ? (size_t)(end - seg) : strlen(seg);
		if (vlen == 0 || vlen >= n)
			return -1;
		memcpy(out, seg, vlen);
		out[vlen] = '\0';
		return 0;
	}
	return -1;
}

const char *arm_error_code(const cJSON *root)
{
	const char *code = arm_str(root, "error.code");

	if (!code)
		code = arm_str(root, "error");
	if (!code)
		code = arm_str(root, "code");
	return code ? code : "";
}

int arm_parse_subscription(const cJSON *o, struct strpool *pool,
			   struct arm_subscription *out)
{
	const char *id = arm_str(o, "subscriptionId");

	if (!id || !*id)
		return -1;
	out->subscription_id = pooled(pool, id);
	out->tenant_id = pooled(pool, arm_str(o, "tenantId"));
	out->display_name = pooled(pool, arm_str(o, "displayName"));
	out->state = pooled(pool, str_or(o, "state", "Enabled"));
	return 0;
}

/* ---- vaults ---- */

/* Index of s in names (case-insensitive), or dflt. */
static int enum_or(const char *s, const char *const *names, int n, int dflt)
{
	for (int i = 0; s && i < n; i++)
		if (str_eq_ci(s, names[i]))
			return i;
	return dflt;
}
#define ENUM_OR(s, names, dflt) enum_or(s, names, (int)ARRAY_SIZE(names), dflt)

static int onoff_or(const char *s, int dflt)
{
	return ENUM_OR(s, onoff_names, dflt);
}

/* softDeleteState / softDeleteFeatureState: AlwaysON, Enabled, Disabled;
 * -1 for Invalid or absent. */
static int soft_delete_state(const char *s)
{
	if (!s)
		return -1;
	if (str_eq_ci(s, "AlwaysON"))
		return SD_ALWAYSON;
	if (str_eq_ci(s, "Enabled"))
		return SD_ENABLED;
	if (str_eq_ci(s, "Disabled"))
		return SD_DISABLED;
	return -1;
}

static int bad_payload(struct err *e, const char *what, const char *field)
{
	return err_set(e, EXIT_UNAVAILABLE,
		       "unexpected Azure response: %s without '%s'", what,
		       field);
}

int arm_parse_vault(const cJSON *o, const char *tenant_id,
		    struct strpool *pool, struct arm_vault *out,
		    struct err *e)
{
	const cJSON *p = arm_get(o, "properties");
	const cJSON *sec = arm_get(p, "securitySettings");
	const char *id = arm_str(o, "id");
	char sub[128], rg[256], name[256];
	struct vault *v = &out->v;
	char vid[SNAPSHOT_ID_LEN];
	int sd, gran;

	memset(out, 0, sizeof(*out));
	if (!id || arm_id_value(id, "subscriptions", sub, sizeof(sub)) ||
	    arm_id_value(id, "resourceGroups", rg, sizeof(rg)) ||
	    arm_id_value(id, "vaults", name, sizeof(name)))
		return bad_payload(e, "a vault", "id");
	snapshot_make_id(vid, 'v', id);
	out->arm_id = pooled(pool, id);
	v->vault_id = pooled(pool, vid);
	v->subscription_id = pooled(pool, sub);
	v->resource_group = pooled(pool, rg);
	v->vault_name = pooled(pool, str_or(o, "name", name));
	v->location = pooled(pool, str_or(o, "location", ""));
	v->tenant_id = pooled(pool, tenant_id);
	v->tags = arm_parse_tags(cJSON_GetObjectItemCaseSensitive(o, "tags"),
				 pool);
	v->redundancy = ENUM_OR(
		arm_str(p, "redundancySettings.standardTierStorageRedundancy"),
		redundancy_names, RED_GRS);
	v->cross_region_restore = onoff_or(
		arm_str(p, "redundancySettings.crossRegionRestore"), OFF);
	v->immutability = ENUM_OR(arm_str(sec, "immutabilitySettings.state"),
				  immutability_names, IMM_UNKNOWN);
	sd = soft_delete_state(
		arm_str(sec, "softDeleteSettings.softDeleteState"));
	out->has_soft_delete = sd >= 0;
	v->soft_delete = sd;
	v->soft_delete_days =
		sd < 0 ? -1
		       : int_or(sec,
				     "softDeleteSettings."
				     "softDeleteRetentionPeriodInDays",
				     14);
	out->has_mua = arm_str(sec, "multiUserAuthorization") != NULL;
	v->mua = onoff_or(arm_str(sec, "multiUserAuthorization"), OFF);
	v->resource_guard_id = "";
	v->cross_subscription_restore = ENUM_OR(
		arm_str(p, "restoreSettings.crossSubscriptionRestoreSettings."
			   "crossSubscriptionRestoreState"),
		xsub_restore_names, XSR_UNKNOWN);
	v->public_network_access =
		onoff_or(arm_str(p, "publicNetworkAccess"), ON);
	v->cmk = arm_str(p, "encryption.keyVaultProperties.keyUri") &&
				 *arm_str(p, "encryption.keyVaultProperties."
					     "keyUri")
			 ? ON
			 : OFF;
	v->job_failure_alerts = onoff_or(
		arm_str(p, "monitoringSettings.azureMonitorAlertSettings."
			   "alertsForAllJobFailures"),
		ONOFF_UNKNOWN);
	v->usage_storage_gb = NAN;
	v->usage_items = -1;
	gran = ENUM_OR(arm_str(p, "costManagementSettings.granularityLevel"),
		       cost_granularity_names, -1);
	v->cost_granularity = gran < 0 ? "" : cost_granularity_names[gran];
	return 0;
}

void arm_apply_vaultconfig(const cJSON *o, struct arm_vault *av)
{
	const cJSON *p = arm_get(o, "properties");
	int sd = soft_delete_state(arm_str(p, "softDeleteFeatureState"));

	if (av->has_soft_delete || sd < 0)
		return;
	av->v.soft_delete = sd;
	av->v.soft_delete_days =
		int_or(p, "softDeleteRetentionPeriodInDays", 14);
}

void arm_vault_usage(const cJSON *o, struct vault *v)
{
	const char *name = arm_str(o, "name.value");
	const char *unit = arm_str(o, "unit");
	const cJSON *cur = arm_get(o, "currentValue");

	if (!name || !cJSON_IsNumber(cur) || cur->valuedouble < 0)
		return;
	if (strcmp(name, "ProtectedItemCount") == 0) {
		v->usage_items = (long)cur->valuedouble;
	} else if (unit && str_eq_ci(unit, "Bytes") &&
		   str_ends_with(name, "StorageUsage") &&
		   !strstr(name, "Dedup")) {
		if (isnan(v->usage_storage_gb))
			v->usage_storage_gb = 0;
		v->usage_storage_gb += cur->valuedouble / (1024.0 * 1024 * 1024);
	}
}

/* ---- policies ---- */

/* "HH:MM" of an ISO time such as "2021-12-17T08:00:00+00:00". */
static void clock_of(const char *iso, char out[6])
{
	const char *t = iso ? strpbrk(iso, "Tt ") : NULL;

	out[0] = '\0';
	if (t && strlen(t) >= 6 && t[3] == ':')
		snprintf(out, 6, "%.5s", t + 1);
}

/* ';'-join of a string array, each mapped through fn when given. */
static const char *join(const cJSON *arr, struct strpool *pool,
			void (*fn)(const char *, char *))
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *x;
	const char *out;

	cJSON_ArrayForEach(x, arr) {
		char buf[16];
		const char *s;

		if (!cJSON_IsString(x))
			continue;
		s = x->valuestring;
		if (fn) {
			fn(s, buf);
			s = buf;
		}
		if (!*s)
			continue;
		if (sb.len)
			strbuf_addch(&sb, ';');
		strbuf_adds(&sb, s);
	}
	out = pooled(pool, sb.buf);
	strbuf_release(&sb);
	return out;
}

static void clock_fn(const char *iso, char *out)
{
	clock_of(iso, out);
}

static int frequency_of(const char *s)
{
	return ENUM_OR(s, frequency_names, FREQ_DAILY);
}

/* schedulePolicy: SimpleSchedulePolicy or SimpleSchedulePolicyV2. */
static void parse_schedule(const cJSON *s, struct strpool *pool,
			   struct policy *p)
{
	const cJSON *times = arm_get(s, "scheduleRunTimes");
	const cJSON *days = arm_get(s, "scheduleRunDays");
	char clock[6];

	p->frequency = frequency_of(arm_str(s, "scheduleRunFrequency"));
	if (p->frequency == FREQ_HOURLY) {
		const cJSON *h = arm_get(s, "hourlySchedule");
		p->hourly_interval_h = int_or(h, "interval", 4);
		clock_of(arm_str(h, "scheduleWindowStartTime"), clock);
		p->window_start = pooled(pool, clock);
		p->window_hours = int_or(h, "scheduleWindowDuration", 24);
		return;
	}
	if (!times && p->frequency == FREQ_DAILY)
		times = arm_get(s, "dailySchedule.scheduleRunTimes");
	if (!times && p->frequency == FREQ_WEEKLY)
		times = arm_get(s, "weeklySchedule.scheduleRunTimes");
	if (!days)
		days = arm_get(s, "weeklySchedule.scheduleRunDays");
	p->run_times = join(times, pool, clock_fn);
	if (p->frequency == FREQ_WEEKLY)
		p->run_days = join(days, pool, NULL);
}

static const struct {
	const char *name;
	double days;
} duration_units[] = { { "Days", 1 }, { "Weeks", 7 }, { "Months", 30 },
		       { "Years", 365 } };

int arm_duration_days(const cJSON *count, const char *type)
{
	double n = num_or(count, "", 0);

	for (size_t i = 0; type && n > 0 && i < ARRAY_SIZE(duration_units);
	     i++)
		if (str_eq_ci(type, duration_units[i].name))
			return (int)clamp_round(n * duration_units[i].days,
						ARM_INT_MAX);
	return 0;
}

/* A retentionDuration converted to unit (Days, Weeks, Months, Years). */
static int duration_in(const cJSON *d, const char *unit)
{
	double count = num_or(d, "count", 0), from = 0, to = 0;
	const char *type = arm_str(d, "durationType");

	for (size_t i = 0; i < ARRAY_SIZE(duration_units); i++) {
		if (type && str_eq_ci(type, duration_units[i].name))
			from = duration_units[i].days;
		if (str_eq_ci(unit, duration_units[i].name))
			to = duration_units[i].days;
	}
	if (!from || !to || count <= 0)
		return 0;
	if (to == 30 && from == 365)
		return (int)clamp_round(count * 12, ARM_INT_MAX);
	return (int)clamp_round(count * from / to, ARM_INT_MAX);
}

static void parse_retention(const cJSON *r, struct policy *p)
{
	p->daily_keep_days = duration_in(
		arm_get(r, "dailySchedule.retentionDuration"), "Days");
	p->weekly_keep_weeks = duration_in(
		arm_get(r, "weeklySchedule.retentionDuration"), "Weeks");
	p->monthly_keep_months = duration_in(
		arm_get(r, "monthlySchedule.retentionDuration"), "Months");
	p->yearly_keep_years = duration_in(
		arm_get(r, "yearlySchedule.retentionDuration"), "Years");
}

/* tieringPolicy {"ArchivedRP": {tieringMode, duration, durationType}}. */
static void parse_tiering(const cJSON *t, struct policy *p)
{
	const cJSON *a = arm_get(t, "ArchivedRP");
	const char *mode = arm_str(a, "tieringMode");
	const char *unit = arm_str(a, "durationType");
	int dur = int_or(a, "duration", 0);

	p->tiering_mode = TM_NONE;
	p->tier_after_days = 0;
	if (!mode)
		return;
	if (str_eq_ci(mode, "TierAfter") && dur > 0) {
		p->tiering_mode = TM_TIERAFTER;
		p->tier_after_days = arm_duration_days(
			arm_get(a, "duration"), unit ? unit : "Days");
		if (!p->tier_after_days) /* a durationType we do not know */
			p->tier_after_days = dur;
	} else if (str_eq_ci(mode, "DoNotTier")) {
		p->tiering_mode = TM_DONOTTIER;
	} else if (str_eq_ci(mode, "TierRecommended")) {
		p->tiering_mode = TM_TIERRECOMMENDED;
	}
}

static void parse_sub_policies(const cJSON *subs, struct strpool *pool,
			       struct policy *p)
{
	const cJSON *sp;

	cJSON_ArrayForEach(sp, subs) {
		const char *type = str_or(sp, "policyType", "");
		const cJSON *sched = arm_get(sp, "schedulePolicy");
		const cJSON *ret = arm_get(sp, "retentionPolicy");
		int simple_days = duration_in(
			arm_get(ret, "retentionDuration"), "Days");

		if (str_eq_ci(type, "Full")) {
			parse_schedule(sched, pool, p);
			parse_retention(ret, p);
			if (!p->daily_keep_days && simple_days)
				p->daily_keep_days = simple_days;
			parse_tiering(arm_get(sp, "tieringPolicy"), p);
		} else if (str_eq_ci(type, "Differential") ||
			   str_eq_ci(type, "Incremental")) {
			p->diff_run_days = join(
				arm_get(sched, "scheduleRunDays"), pool, NULL);
			p->diff_keep_days = simple_days;
		} else if (str_eq_ci(type, "Log")) {
			p->log_interval_min = int_or(
				sched, "scheduleFrequencyInMins", 0);
			p->log_keep_days = simple_days;
		}
	}
}

/* Workload of a policy or -1 when the snapshot does not cover it. */
static int policy_workload(const cJSON *props)
{
	const char *bmt = str_or(props, "backupManagementType", "");
	const char *wl = str_or(props, "workLoadType", "");

	if (str_eq_ci(bmt, "AzureIaasVM"))
		return WL_VM;
	if (str_eq_ci(bmt, "AzureStorage"))
		return WL_FILES;
	if (!str_eq_ci(bmt, "AzureWorkload"))
		return -1;
	if (str_eq_ci(wl, "SQLDataBase"))
		return WL_SQL;
	if (str_eq_ci(wl, "SAPHanaDatabase"))
		return WL_HANA;
	return -1;
}

int arm_parse_policy(const cJSON *o, const char *vault_id,
		     struct strpool *pool, struct policy *out, struct err *e)
{
	const cJSON *props = arm_get(o, "properties");
	const char *id = arm_str(o, "id");
	const char *name = arm_str(o, "name");
	char pid[SNAPSHOT_ID_LEN];
	int wl = policy_workload(props);

	memset(out, 0, sizeof(*out));
	if (!id || !name)
		return bad_payload(e, "a backup policy", "id");
	if (wl < 0)
		return 1;
	snapshot_make_id(pid, 'p', id);
	out->policy_id = pooled(pool, pid);
	out->vault_id = pooled(pool, vault_id);
	out->policy_name = pooled(pool, name);
	out->arm_id = pooled(pool, id);
	out->workload = wl;
	out->window_start = out->run_times = out->run_days = "";
	out->diff_run_days = "";
	out->policy_type = PT_STANDARD;
	if (wl == WL_SQL || wl == WL_HANA) {
		out->time_zone = pooled(pool, str_or(props, "settings.timeZone",
						  "UTC"));
		parse_sub_policies(arm_get(props, "subProtectionPolicy"), pool,
				   out);
		return 0;
	}
	out->time_zone = pooled(pool, str_or(props, "timeZone", "UTC"));
	if (wl == WL_VM && str_eq_ci(str_or(props, "policyType", "V1"), "V2"))
		out->policy_type = PT_ENHANCED;
	parse_schedule(arm_get(props, "schedulePolicy"), pool, out);
	parse_retention(arm_get(props, "retentionPolicy"), out);
	parse_tiering(arm_get(props, "tieringPolicy"), out);
	if (wl == WL_VM)
		out->instant_rp_days = int_or(
			props, "instantRpRetentionRangeInDays",
			out->policy_type == PT_ENHANCED ? 7 : 2);
	return 0;
}

/* ---- items ---- */

static int item_workload(const cJSON *props)
{
	static const struct {
		const char *workload_type, *item_type;
		int wl;
	} map[] = {
		{ "VM", "Microsoft.Compute/virtualMachines", WL_VM },
		{ "VM", "Microsoft.ClassicCompute/virtualMachines", WL_VM },
		{ "SQLDataBase", "AzureVmWorkloadSQLDatabase", WL_SQL },
		{ "SAPHanaDatabase", "AzureVmWorkloadSAPHanaDatabase",
		  WL_HANA },
		{ "AzureFileShare", "AzureFileShareProtectedItem", WL_FILES },
	};
	const char *wt = arm_str(props, "workloadType");
	const char *it = arm_str(props, "protectedItemType");

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if ((wt && str_eq_ci(wt, map[i].workload_type)) ||
		    (!wt && it && str_eq_ci(it, map[i].item_type)))
			return map[i].wl;
	return -1;
}

int arm_parse_item(const cJSON *o, const char *vault_arm_id,
		   const char *vault_id, struct strpool *pool,
		   struct arm_item *out, struct err *e)
{
	const cJSON *props = arm_get(o, "properties");
	const char *id = arm_str(o, "id");
	const char *policy = str_or(props, "policyId", "");
	char container[512], name[512], fabric[128];
	char iid[SNAPSHOT_ID_LEN], pid[SNAPSHOT_ID_LEN];
	struct item *it = &out->it;
	char *path;
	int wl = item_workload(props);

	memset(out, 0, sizeof(*out));
	if (!id || arm_id_value(id, "protectionContainers", container,
				sizeof(container)) ||
	    arm_id_value(id, "protectedItems", name, sizeof(name)))
		return bad_payload(e, "a protected item", "id");
	if (wl < 0)
		return 1;
	if (arm_id_value(id, "backupFabrics", fabric, sizeof(fabric)))
		strlcpy_vw(fabric, "Azure", sizeof(fabric));
	path = xasprintf("%s/backupFabrics/%s/protectionContainers/%s/"
			 "protectedItems/%s",
			 vault_arm_id, fabric, container, name);
	out->path = pooled(pool, path);
	free(path);
	out->container = pooled(pool, container);
	out->name = pooled(pool, name);
	out->friendly_name = pooled(pool, str_or(props, "friendlyName", name));
	out->policy_arm_id = pooled(pool, policy);
	out->rp_count = clamp_round(
		num_or(props, "extendedInfo.recoveryPointCount", -1),
		ARM_INT_MAX * 1000);
	snapshot_make_id(iid, 'i', id);
	it->item_id = pooled(pool, iid);
	it->vault_id = pooled(pool, vault_id);
	if (*policy) {
		snapshot_make_id(pid, 'p', policy);
		it->policy_id = pooled(pool, pid);
	} else {
		it->policy_id = "";
	}
	it->item_name = out->friendly_name;
	it->workload = wl;
	it->protection_state =
		pooled(pool, str_or(props, "protectionState", "Protected"));
	it->arm_id = pooled(pool, id);
	it->source_resource_id =
		pooled(pool, arm_str(props, "sourceResourceId"));
	it->last_backup_time = arm_time(props, "lastBackupTime");
	it->soft_deleted =
		bool_or(props, "isScheduledForDeferredDelete", false);
	it->deferred_delete_time = arm_time(props, "deferredDeleteTimeInUTC");
	it->size_source = SS_ESTIMATED;
	it->policy_idx = -1;
	return 0;
}

/* ---- recovery points ---- */

int arm_rp_tier(const cJSON *details)
{
	bool instant = false, hardened = false, archived = false;
	bool rehydrated = false;
	const cJSON *d;

	if (!cJSON_IsArray(details) || cJSON_GetArraySize(details) == 0)
		return TIER_STANDARD;
	cJSON_ArrayForEach(d, details) {
		const char *type = str_or(d, "type", "");
		const char *status = str_or(d, "status", "");
		bool valid = str_eq_ci(status, "Valid");

		if (str_eq_ci(status, "Rehydrated"))
			rehydrated = true;
		else if (!valid)
			continue;
		if (str_eq_ci(type, "InstantRP"))
			instant = true;
		else if (str_eq_ci(type, "HardenedRP"))
			hardened = true;
		else if (str_eq_ci(type, "ArchivedRP"))
			archived = true;
	}
	if ((hardened && archived) || rehydrated)
		return TIER_REHYDRATED;
	if (instant && hardened)
		return TIER_SNAPSHOT_STANDARD;
	if (instant && archived)
		return TIER_SNAPSHOT_ARCHIVE;
	if (archived)
		return TIER_ARCHIVE;
	if (instant)
		return TIER_SNAPSHOT;
	if (hardened)
		return TIER_STANDARD;
	return -1;
}

/* Kind from ruleName when it names one (DailyRule, ...), else -1. */
static int kind_from_rule(const char *rule)
{
	static const struct {
		const char *word;
		int kind;
	} words[] = { { "Yearly", RK_YEARLY }, { "Monthly", RK_MONTHLY },
		      { "Weekly", RK_WEEKLY }, { "Daily", RK_DAILY } };

	for (size_t i = 0; rule && i < ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i].word);
		for (const char *p = rule; *p; p++)
			if (strncasecmp(p, words[i].word, n) == 0)
				return words[i].kind;
	}
	return -1;
}

/* Kind whose retention (from the policy) ends closest to expiry. */
static int kind_from_retention(const struct policy *pol, int64_t t,
			       int64_t expiry)
{
	int64_t ends[4];
	int best = RK_DAILY;
	int64_t best_d = INT64_MAX;

	if (!pol || expiry == TIME_NONE)
		return RK_DAILY;
	ends[RK_DAILY] = pol->daily_keep_days
				 ? t + (int64_t)pol->daily_keep_days * DAY_S
				 : TIME_NONE;
	ends[RK_WEEKLY] = pol->weekly_keep_weeks
				  ? t + (int64_t)pol->weekly_keep_weeks * 7 *
						DAY_S
				  : TIME_NONE;
	ends[RK_MONTHLY] = pol->monthly_keep_months
				   ? time_add_months(t,
						     pol->monthly_keep_months)
				   : TIME_NONE;
	ends[RK_YEARLY] = pol->yearly_keep_years
				  ? time_add_months(t,
						    12 * pol->yearly_keep_years)
				  : TIME_NONE;
	for (int k = RK_DAILY; k <= RK_YEARLY; k++) {
		int64_t d;
		if (ends[k] == TIME_NONE)
			continue;
		d = ends[k] > expiry ? ends[k] - expiry : expiry - ends[k];
		if (d <= best_d) {
			best_d = d;
			best = k;
		}
	}
	return best;
}

static int workload_kind(const char *type)
{
	if (!type)
		return -1;
	if (str_eq_ci(type, "Full") || str_eq_ci(type, "CopyOnlyFull"))
		return RK_FULL;
	if (str_eq_ci(type, "Differential") || str_eq_ci(type, "Incremental"))
		return RK_DIFFERENTIAL;
	if (str_eq_ci(type, "Log"))
		return RK_LOG;
	return -1;
}

static const cJSON *readiness(const cJSON *props)
{
	const cJSON *r = arm_get(props, "recoveryPointMoveReadinessInfo");
	const cJSON *a = arm_get(r, "ArchivedRP");

	return a ? a : arm_get(r, "Archive");
}

int arm_parse_rp(const cJSON *o, const struct item *it,
		 const struct policy *policy, struct strpool *pool,
		 struct rp *out, struct err *e)
{
	const cJSON *props = arm_get(o, "properties");
	const char *name = arm_str(o, "name");
	bool workload = it->workload == WL_SQL || it->workload == WL_HANA;
	const char *utc = "recoveryPointTimeInUTC";
	const char *plain = "recoveryPointTime";
	const cJSON *ready;
	int tier;

	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return bad_payload(e, "a recovery point", "name");
	out->rp_id = pooled(pool, name);
	out->item_id = it->item_id;
	/* SQL and HANA points carry recoveryPointTimeInUTC, VM and Files
	 * points recoveryPointTime; the other serves when one is absent. */
	out->rp_time = arm_time(props, workload ? utc : plain);
	if (out->rp_time == TIME_NONE)
		out->rp_time = arm_time(props, workload ? plain : utc);
	/* SQL/HANA list a DefaultRangeRecoveryPoint: the log chain's
	 * point-in-time ranges (timeRanges), not a point */
	if (out->rp_time == TIME_NONE &&
	    cJSON_IsArray(arm_get(props, "timeRanges")))
		return 1;
	if (out->rp_time == TIME_NONE)
		return bad_payload(e, "a recovery point", "recoveryPointTime");
	out->expiry_time =
		arm_time(arm_get(props, "recoveryPointProperties"),
			 "expiryTime");
	if (out->expiry_time != TIME_NONE && out->expiry_time < out->rp_time)
		out->expiry_time = TIME_NONE;
	tier = arm_rp_tier(arm_get(props, "recoveryPointTierDetails"));
	if (tier < 0)
		return 1;
	out->tier = tier;
	if (workload) {
		out->kind = workload_kind(arm_str(props, "type"));
		if (out->kind < 0)
			return 1;
	} else {
		out->kind = kind_from_rule(
			arm_str(props, "recoveryPointProperties.ruleName"));
		if (out->kind < 0)
			out->kind = kind_from_retention(policy, out->rp_time,
							out->expiry_time);
	}
	ready = readiness(props);
	if (cJSON_IsBool(arm_get(ready, "isReadyForMove")))
		out->move_ready = bool_or(ready, "isReadyForMove", false)
					  ? MR_TRUE
					  : MR_FALSE;
	else
		out->move_ready = MR_UNKNOWN;
	out->move_info = pooled(pool, arm_str(ready, "additionalInfo"));
	return 0;
}

/* ---- jobs ---- */

static int job_workload(const cJSON *props)
{
	const char *bmt = str_or(props, "backupManagementType", "");
	const char *wt = str_or(props, "workloadType", "");

	if (str_eq_ci(bmt, "AzureIaasVM"))
		return WL_VM;
	if (str_eq_ci(bmt, "AzureStorage"))
		return WL_FILES;
	if (str_eq_ci(wt, "SQLDataBase") || str_eq_ci(wt, "SQLDatabase"))
		return WL_SQL;
	if (str_eq_ci(wt, "SAPHanaDatabase"))
		return WL_HANA;
	return -1;
}

bool arm_job_names(const char *entity, const char *item_name)
{
	size_t n = strlen(item_name), k = strlen(entity);

	if (str_eq_ci(entity, item_name))
		return true;
	return n && k > n + 3 && strncasecmp(entity, item_name, n) == 0 &&
	       entity[n] == ' ' && entity[n + 1] == '[' && entity[k - 1] == ']';
}

/* errorDetails[].errorCode: an integer in the spec for VM, workload and
 * Files jobs (kept as its decimal text), a string in older answers. */
static const char *job_error_code(const cJSON *err, struct strpool *pool)
{
	const cJSON *c = arm_get(err, "errorCode");
	char num[32];

	if (cJSON_IsNumber(c)) {
		snprintf(num, sizeof(num), "%.0f", c->valuedouble);
		return pooled(pool, num);
	}
	return pooled(pool, cJSON_IsString(c) ? c->valuestring : "");
}

int arm_parse_job(const cJSON *o, const char *vault_id,
		  struct strpool *pool, struct arm_job *out, struct err *e)
{
	const cJSON *props = arm_get(o, "properties");
	const char *name = arm_str(o, "name");
	const char *dur = arm_str(props, "duration");
	const cJSON *errs = arm_get(props, "errorDetails");
	struct job *j = &out->j;
	double d;

	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return bad_payload(e, "a backup job", "name");
	j->job_id = pooled(pool, name);
	j->vault_id = pooled(pool, vault_id);
	j->item_id = "";
	j->operation = pooled(pool, str_or(props, "operation", "Unknown"));
	j->status = pooled(pool, str_or(props, "status", "Unknown"));
	j->start_time = arm_time(props, "startTime");
	if (j->start_time == TIME_NONE)
		return bad_payload(e, "a backup job", "startTime");
	j->end_time = arm_time(props, "endTime");
	if (j->end_time != TIME_NONE && j->end_time < j->start_time)
		j->end_time = TIME_NONE;
	j->duration_s = dur && !duration_parse_iso(dur, &d) ? round(d) : NAN;
	j->rp_time = TIME_NONE;
	j->source_tier = "";
	j->data_gb = NAN;
	j->error_code = job_error_code(cJSON_IsArray(errs) ? errs->child
							  : NULL,
				       pool);
	out->friendly_name = pooled(pool, arm_str(props, "entityFriendlyName"));
	out->container = pooled(pool, arm_str(props, "containerName"));
	out->storage_account =
		pooled(pool, arm_str(props, "storageAccountName"));
	out->workload = job_workload(props);
	out->user_triggered = bool_or(props, "isUserTriggered", false);
	out->rp_expiry = TIME_NONE;
	arm_apply_job_details(o, pool, j);
	return 0;
}

/* "1234 MB", "1.5 GB", "12" (GB) -> GiB; NAN when unreadable. */
static double size_text_gb(const char *s)
{
	char num[32];
	size_t n = strspn(s, "0123456789.");
	const char *unit = s + n;
	double v;

	if (n == 0 || n >= sizeof(num))
		return NAN;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_double(num, 0, 1e15, &v))
		return NAN;
	while (*unit == ' ')
		unit++;
	if (!*unit || str_eq_ci(unit, "GB") || str_eq_ci(unit, "GiB"))
		return v;
	if (str_eq_ci(unit, "MB") || str_eq_ci(unit, "MiB"))
		return v / 1024;
	if (str_eq_ci(unit, "TB") || str_eq_ci(unit, "TiB"))
		return v * 1024;
	if (str_eq_ci(unit, "KB") || str_eq_ci(unit, "KiB"))
		return v / (1024.0 * 1024);
	return NAN;
}

void arm_apply_job_details(const cJSON *o, struct strpool *pool,
			   struct job *j)
{
	const cJSON *bag = arm_get(o, "properties.extendedInfo.propertyBag");
	const char *rp_time = arm_str(bag, "Recovery point time");
	const char *tier = arm_str(bag, "Recovery point tier");
	const char *gb = arm_str(bag, "Data transferred (GB)");
	const char *backup = arm_str(bag, "Backup Size");
	int64_t t;

	if (!cJSON_IsObject(bag))
		return;
	if (rp_time && !arm_time_text(rp_time, &t))
		j->rp_time = t;
	if (tier && *tier)
		j->source_tier = pooled(pool, tier);
	if (gb)
		j->data_gb = size_text_gb(gb);
	else if (backup)
		j->data_gb = size_text_gb(backup);
}

/* "12/29/2026 7:25:20 AM" (the portal's US form), UTC. */
static int us_time_text(const char *s, int64_t *t)
{
	int mo, d, y, h, mi, sec, used = 0;
	char ampm[3] = "";

	if (sscanf(s, "%d/%d/%d %d:%d:%d %n", &mo, &d, &y, &h, &mi, &sec,
		   &used) != 6)
		return -1;
	if (s[used])
		snprintf(ampm, sizeof(ampm), "%.2s", s + used);
	if (str_eq_ci(ampm, "PM") && h < 12)
		h += 12;
	else if (str_eq_ci(ampm, "AM") && h == 12)
		h = 0;
	if (y < 1971 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	*t = time_from_civil(y, mo, d, h, mi, sec);
	return 0;
}

int64_t arm_job_rp_expiry(const cJSON *details)
{
	const char *s = arm_str(
		arm_get(details, "properties.extendedInfo.propertyBag"),
		"Recovery Point Expiry Time in UTC");
	int64_t t;

	if (!s || (arm_time_text(s, &t) && us_time_text(s, &t)))
		return TIME_NONE;
	return t;
}

/* ---- Resource Guard ---- */

int arm_parse_proxy(const cJSON *o, struct strpool *pool,
		    struct arm_proxy *out)
{
	const cJSON *props = arm_get(o, "properties");
	const char *gid = arm_str(props, "resourceGuardResourceId");
	const cJSON *ops = arm_get(props, "resourceGuardOperationDetails");
	struct strbuf sb = STRBUF_INIT;
	const cJSON *op;

	if (!gid || !*gid)
		return -1;
	cJSON_ArrayForEach(op, ops) {
		const char *s = arm_str(op, "vaultCriticalOperation");
		if (!s || !*s)
			continue;
		if (sb.len)
			strbuf_addch(&sb, ';');
		strbuf_adds(&sb, s);
	}
	out->guard_id = pooled(pool, gid);
	out->operations = pooled(pool, sb.buf);
	strbuf_release(&sb);
	return 0;
}

static bool in_list(const cJSON *arr, const char *s)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, arr)
		if (cJSON_IsString(x) && str_eq_ci(x->valuestring, s))
			return true;
	return false;
}

int arm_parse_guard(const cJSON *o, struct strpool *pool,
		    struct arm_guard *out)
{
	const cJSON *props = arm_get(o, "properties");
	const cJSON *ops = arm_get(props, "resourceGuardOperations");
	const cJSON *excl =
		arm_get(props, "vaultCriticalOperationExclusionList");
	struct strbuf sb = STRBUF_INIT;
	const cJSON *op;

	if (!props)
		return -1;
	if (!excl)
		excl = arm_get(props, "vaultCrticalOperationExclusionList");
	cJSON_ArrayForEach(op, ops) {
		const char *s = arm_str(op, "vaultCriticalOperation");
		if (!s || strncasecmp(s, RSV_PREFIX, strlen(RSV_PREFIX)) ||
		    in_list(excl, s))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ';');
		strbuf_adds(&sb, s);
	}
	out->protected_operations = pooled(pool, sb.buf);
	out->excluded_operations = join(excl, pool, NULL);
	strbuf_release(&sb);
	return 0;
}

int arm_parse_tiering_cost(const cJSON *o, double *reduction_bytes,
			   double *increase_bytes)
{
	const char *type = arm_str(o, "objectType");

	if (!type || !str_eq_ci(type, "TieringCostSavingInfo"))
		return -1;
	*reduction_bytes = num_or(o, "sourceTierSizeReductionInBytes", 0);
	*increase_bytes = num_or(o, "targetTierSizeIncreaseInBytes", 0);
	return 0;
}
