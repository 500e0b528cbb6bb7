/* SPDX-License-Identifier: MIT
 * snapshot.c: snapshot schemas, loading of the small tables, streaming of
 * recovery points and jobs with checksum and grouping checks, and the
 * snapshot writer used by sample, export and merge. */
#include "optimizer/snapshot/snapshot.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "optimizer/snapshot/snapcache.h"
#include "optimizer/base/tags.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const workload_names[WL_COUNT] = { "AzureVM", "SQL", "HANA",
					       "AzureFiles" };
const char *const redundancy_names[RED_COUNT] = {
	"LocallyRedundant", "ZoneRedundant", "GeoRedundant"
};
const char *const immutability_names[IMM_COUNT] = { "Disabled", "Unlocked",
						    "Locked" };
const char *const soft_delete_names[SD_COUNT] = { "Disabled", "Enabled",
						  "AlwaysOn" };
const char *const xsub_restore_names[XSR_COUNT] = { "Enabled", "Disabled",
						    "PermanentlyDisabled" };
const char *const policy_type_names[PT_COUNT] = { "Standard", "Enhanced" };
const char *const frequency_names[FREQ_COUNT] = { "Hourly", "Daily",
						  "Weekly" };
const char *const tiering_mode_names[TM_COUNT] = {
	"None", "DoNotTier", "TierAfter", "TierRecommended"
};
const char *const rp_kind_names[RK_COUNT] = { "daily", "weekly", "monthly",
					      "yearly", "full",
					      "differential", "log" };
const char *const rp_tier_names[TIER_COUNT] = {
	"Snapshot", "Standard", "SnapshotAndStandard",
	"Archive", "SnapshotAndArchive", "StandardRehydrated"
};
const char *const move_ready_names[MR_COUNT] = { "false", "true", "unknown" };
const char *const size_source_names[SS_COUNT] = { "reported", "estimated" };
const char *const onoff_names[ONOFF_COUNT] = { "Disabled", "Enabled" };
const char *const cost_granularity_names[CG_COUNT] = {
	"VaultLevel", "ProtectedItemLevel", "ProtectedItemWithParentTag"
};
static const char *const false_true[] = { "false", "true" };

#define R CSV_REQUIRED

enum { V_ID, V_SUB, V_RG, V_NAME, V_LOC, V_RED, V_CRR, V_IMM, V_SD, V_SDD,
       V_MUA, V_GUARD, V_XSR, V_PNA, V_CMK, V_TENANT, V_ALERTS, V_TAGS,
       V_USTORE, V_UITEMS, V_COSTGRAN, V_NCOLS };
static const struct csv_column vault_cols[] = {
	{ "vault_id", R }, { "subscription_id", R }, { "resource_group", R },
	{ "vault_name", R }, { "location", R }, { "redundancy", R },
	{ "cross_region_restore", R }, { "immutability", R },
	{ "soft_delete", R }, { "soft_delete_days", R }, { "mua", R },
	{ "resource_guard_id", R }, { "cross_subscription_restore", R },
	{ "public_network_access", R }, { "cmk", R }, { "tenant_id", 0 },
	{ "job_failure_alerts", 0 }, { "tags", 0 },
	{ "usage_storage_gb", 0 }, { "usage_items", 0 },
	{ "cost_granularity", 0 },
};

enum { P_ID, P_VAULT, P_NAME, P_WL, P_TYPE, P_FREQ, P_INTERVAL, P_WSTART,
       P_WHOURS, P_TIMES, P_DAYS, P_TZ, P_IRP, P_DAILY, P_WEEKLY, P_MONTHLY,
       P_YEARLY, P_TMODE, P_TAFTER, P_LOGMIN, P_LOGKEEP, P_DIFFDAYS,
       P_DIFFKEEP, P_ARM, P_NCOLS };
static const struct csv_column policy_cols[] = {
	{ "policy_id", R }, { "vault_id", R }, { "policy_name", R },
	{ "workload", R }, { "policy_type", R }, { "frequency", R },
	{ "hourly_interval_h", R }, { "window_start", R },
	{ "window_hours", R }, { "run_times", R }, { "run_days", R },
	{ "time_zone", R }, { "instant_rp_days", R },
	{ "daily_keep_days", R }, { "weekly_keep_weeks", R },
	{ "monthly_keep_months", R }, { "yearly_keep_years", R },
	{ "tiering_mode", R }, { "tier_after_days", R },
	{ "log_interval_min", 0 }, { "log_keep_days", 0 },
	{ "diff_run_days", 0 }, { "diff_keep_days", 0 }, { "arm_id", 0 },
};

enum { I_ID, I_VAULT, I_POLICY, I_NAME, I_WL, I_STATE, I_SRC, I_CHURN,
       I_STD, I_ARC, I_SIZESRC, I_ARM, I_SRCRES, I_LAST, I_STAGS,
       I_SOFTDEL, I_DEFERRED, I_NCOLS };
static const struct csv_column item_cols[] = {
	{ "item_id", R }, { "vault_id", R }, { "policy_id", R },
	{ "item_name", R }, { "workload", R }, { "protection_state", R },
	{ "source_gb", R }, { "daily_churn", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "size_source", R }, { "arm_id", 0 },
	{ "source_resource_id", 0 }, { "last_backup_time", 0 },
	{ "source_tags", 0 }, { "soft_deleted", 0 },
	{ "deferred_delete_time", 0 },
};

enum { RP_ID, RP_ITEM, RP_TIME, RP_KIND, RP_TIER, RP_EXPIRY, RP_READY,
       RP_INFO, RP_UNIQUE, RP_FULL, RP_REC, RP_NCOLS };
static const struct csv_column rp_cols[] = {
	{ "rp_id", R }, { "item_id", R }, { "rp_time", R }, { "rp_kind", R },
	{ "tier", R }, { "expiry_time", R }, { "move_ready", R },
	{ "move_info", R }, { "unique_gb", R }, { "full_gb", R },
	{ "recommended_for_move", 0 },
};

enum { J_ID, J_VAULT, J_ITEM, J_OP, J_STATUS, J_START, J_END, J_DUR,
       J_RPTIME, J_TIER, J_GB, J_ERRCODE, J_NCOLS };
static const struct csv_column job_cols[] = {
	{ "job_id", R }, { "vault_id", R }, { "item_id", R },
	{ "operation", R }, { "status", R }, { "start_time", R },
	{ "end_time", R }, { "duration_s", R }, { "rp_time", R },
	{ "source_tier", R }, { "data_gb", R }, { "error_code", 0 },
};

enum { G_VAULT, G_GUARD, G_SUB, G_TENANT, G_PROT, G_EXCL, G_NCOLS };
static const struct csv_column guard_cols[] = {
	{ "vault_id", R }, { "resource_guard_id", R },
	{ "guard_subscription_id", R }, { "guard_tenant_id", R },
	{ "protected_operations", R }, { "excluded_operations", R },
};
#undef R

#define SCHEMA(var, file, cols, n)                                      \
	_Static_assert(ARRAY_SIZE(cols) == n, #cols " out of step");    \
	static const struct csv_schema var = { file, cols, n }

SCHEMA(vaults_schema, "vaults.csv", vault_cols, V_NCOLS);
SCHEMA(policies_schema, "policies.csv", policy_cols, P_NCOLS);
SCHEMA(items_schema, "items.csv", item_cols, I_NCOLS);
SCHEMA(rps_schema, "recovery_points.csv", rp_cols, RP_NCOLS);
SCHEMA(jobs_schema, "jobs.csv", job_cols, J_NCOLS);
SCHEMA(guards_schema, "guards.csv", guard_cols, G_NCOLS);

const struct csv_schema *const snapshot_schemas[SF_COUNT] = {
	&vaults_schema, &policies_schema, &items_schema,
	&rps_schema,    &jobs_schema,     &guards_schema,
	&bvaults_schema, &binstances_schema, &bpolicies_schema,
	&brps_schema, &bjobs_schema,
};

#define ENUM(r, col, flags, names, out, e) \
	row_enum(r, col, flags, names, (int)ARRAY_SIZE(names), out, e)

/* ---- small-table loading ---- */

static const char *pooled(struct snapshot *s, const char *v)
{
	return strpool_dup(&s->pool, v);
}

/* An optional tags column (tags.h): "" when absent or empty. */
static int row_tags(const struct csv_row *r, int col, const char **out,
		    struct err *e)
{
	*out = "";
	if (row_str(r, col, ROW_OPTIONAL, out, e))
		return -1;
	if (!tags_valid(*out))
		return row_error(r, col, e,
				 "key=value pairs joined by ';' (with ';', "
				 "'=' and '%' percent-encoded)");
	return 0;
}

static int duplicate_key(const struct csv_row *r, int col, struct err *e)
{
	return row_error(r, col, e, "an id not used by an earlier row");
}

static int unknown_ref(const struct csv_row *r, int col, const char *table,
		       struct err *e)
{
	char what[96];

	snprintf(what, sizeof(what), "an id listed in %s", table);
	return row_error(r, col, e, what);
}

static int load_vault(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct vault v = { 0 };
	int gran = -1;

	v.job_failure_alerts = ONOFF_UNKNOWN;
	v.immutability = IMM_UNKNOWN;
	v.soft_delete = SD_UNKNOWN;
	v.soft_delete_days = -1;
	v.cross_subscription_restore = XSR_UNKNOWN;
	v.tenant_id = "";
	v.usage_storage_gb = NAN;
	v.usage_items = -1;
	if (row_str(r, V_ID, 0, &v.vault_id, e) ||
	    row_str(r, V_SUB, 0, &v.subscription_id, e) ||
	    row_str(r, V_RG, 0, &v.resource_group, e) ||
	    row_str(r, V_NAME, 0, &v.vault_name, e) ||
	    row_str(r, V_LOC, 0, &v.location, e) ||
	    ENUM(r, V_RED, 0, redundancy_names, &v.redundancy, e) ||
	    ENUM(r, V_CRR, 0, onoff_names, &v.cross_region_restore, e) ||
	    ENUM(r, V_IMM, ROW_OPTIONAL, immutability_names,
		 &v.immutability, e) ||
	    ENUM(r, V_SD, ROW_OPTIONAL, soft_delete_names, &v.soft_delete,
		 e) ||
	    row_int(r, V_SDD, ROW_OPTIONAL, 0, 180, &v.soft_delete_days,
		    e) ||
	    ENUM(r, V_MUA, 0, onoff_names, &v.mua, e) ||
	    ENUM(r, V_XSR, ROW_OPTIONAL, xsub_restore_names,
		 &v.cross_subscription_restore, e) ||
	    ENUM(r, V_PNA, 0, onoff_names, &v.public_network_access, e) ||
	    ENUM(r, V_CMK, 0, onoff_names, &v.cmk, e) ||
	    row_str(r, V_TENANT, ROW_OPTIONAL, &v.tenant_id, e) ||
	    ENUM(r, V_ALERTS, ROW_OPTIONAL, onoff_names,
		 &v.job_failure_alerts, e) ||
	    row_tags(r, V_TAGS, &v.tags, e) ||
	    row_double(r, V_USTORE, ROW_OPTIONAL, 0, 1e12,
		       &v.usage_storage_gb, e) ||
	    row_long(r, V_UITEMS, ROW_OPTIONAL, 0, 1000000000L,
		     &v.usage_items, e) ||
	    ENUM(r, V_COSTGRAN, ROW_OPTIONAL, cost_granularity_names, &gran,
		 e))
		return -1;
	v.cost_granularity = gran < 0 ? "" : cost_granularity_names[gran];
	v.has_usages = !isnan(v.usage_storage_gb) || v.usage_items >= 0;
	v.resource_guard_id = r->val[V_GUARD];
	v.vault_id = pooled(s, v.vault_id);
	if (strmap_put(&s->vault_map, v.vault_id, s->nvaults))
		return duplicate_key(r, V_ID, e);
	v.subscription_id = pooled(s, v.subscription_id);
	v.resource_group = pooled(s, v.resource_group);
	v.vault_name = pooled(s, v.vault_name);
	v.location = pooled(s, v.location);
	v.resource_guard_id = pooled(s, v.resource_guard_id);
	v.tenant_id = pooled(s, v.tenant_id);
	v.tags = pooled(s, v.tags);
	s->vaults = grow_array(s->vaults, sizeof(v), s->nvaults + 1, &l->alloc);
	s->vaults[s->nvaults++] = v;
	return 0;
}

/* "HH:MM" */
static bool valid_clock(const char *s)
{
	return strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
	       s[1] <= '9' && s[2] == ':' && s[3] >= '0' && s[3] <= '5' &&
	       s[4] >= '0' && s[4] <= '9' && (s[0] < '2' || s[1] <= '3');
}

static bool valid_list(const char *s, bool (*ok)(const char *))
{
	const char *parts[64];
	char *copy;
	size_t n = str_split(s, ';', &copy, parts, ARRAY_SIZE(parts));
	bool good = n < ARRAY_SIZE(parts);

	for (size_t i = 0; i < n && good; i++)
		good = ok(parts[i]);
	free(copy);
	return good;
}

static bool valid_day(const char *s)
{
	static const char *const days[] = { "Sunday",   "Monday", "Tuesday",
					    "Wednesday", "Thursday", "Friday",
					    "Saturday" };
	for (size_t i = 0; i < ARRAY_SIZE(days); i++)
		if (str_eq_ci(s, days[i]))
			return true;
	return false;
}

static int check_schedule_text(const struct csv_row *r, struct policy *p,
			       struct err *e)
{
	if (p->window_start[0] && !valid_clock(p->window_start))
		return row_error(r, P_WSTART, e, "a time of day as HH:MM");
	if (p->run_times[0] && !valid_list(p->run_times, valid_clock))
		return row_error(r, P_TIMES, e,
				 "times of day as HH:MM separated by ';'");
	if (p->run_days[0] && !valid_list(p->run_days, valid_day))
		return row_error(r, P_DAYS, e,
				 "day names separated by ';' (Sunday;Monday)");
	if (p->diff_run_days[0] && !valid_list(p->diff_run_days, valid_day))
		return row_error(r, P_DIFFDAYS, e,
				 "day names separated by ';' (Sunday;Monday)");
	if (p->frequency == FREQ_HOURLY && !p->window_start[0])
		return row_error(r, P_WSTART, e,
				 "a window start for an Hourly policy");
	if (p->frequency != FREQ_HOURLY && p->workload != WL_FILES &&
	    !p->run_times[0])
		return row_error(r, P_TIMES, e,
				 "at least one run time for a Daily or "
				 "Weekly policy");
	if (p->frequency == FREQ_WEEKLY && !p->run_days[0])
		return row_error(r, P_DAYS, e,
				 "run days for a Weekly policy");
	return 0;
}

static int load_policy(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct policy p = { 0 };
	const unsigned O = ROW_OPTIONAL;

	p.window_start = p.run_times = p.run_days = p.diff_run_days = "";
	p.arm_id = "";
	if (row_str(r, P_ID, 0, &p.policy_id, e) ||
	    row_str(r, P_VAULT, 0, &p.vault_id, e) ||
	    row_str(r, P_NAME, 0, &p.policy_name, e) ||
	    ENUM(r, P_WL, 0, workload_names, &p.workload, e) ||
	    ENUM(r, P_TYPE, 0, policy_type_names, &p.policy_type, e) ||
	    ENUM(r, P_FREQ, 0, frequency_names, &p.frequency, e) ||
	    row_int(r, P_INTERVAL, O, 1, 24, &p.hourly_interval_h, e) ||
	    row_str(r, P_WSTART, O, &p.window_start, e) ||
	    row_int(r, P_WHOURS, O, 1, 24, &p.window_hours, e) ||
	    row_str(r, P_TIMES, O, &p.run_times, e) ||
	    row_str(r, P_DAYS, O, &p.run_days, e) ||
	    row_str(r, P_TZ, 0, &p.time_zone, e) ||
	    row_int(r, P_IRP, O, 0, 30, &p.instant_rp_days, e) ||
	    row_int(r, P_DAILY, O, 0, 9999, &p.daily_keep_days, e) ||
	    row_int(r, P_WEEKLY, O, 0, 5163, &p.weekly_keep_weeks, e) ||
	    row_int(r, P_MONTHLY, O, 0, 1188, &p.monthly_keep_months, e) ||
	    row_int(r, P_YEARLY, O, 0, 99, &p.yearly_keep_years, e) ||
	    ENUM(r, P_TMODE, 0, tiering_mode_names, &p.tiering_mode, e) ||
	    row_int(r, P_TAFTER, O, 0, 36500, &p.tier_after_days, e) ||
	    row_int(r, P_LOGMIN, O, 0, 1440, &p.log_interval_min, e) ||
	    row_int(r, P_LOGKEEP, O, 0, 9999, &p.log_keep_days, e) ||
	    row_str(r, P_DIFFDAYS, O, &p.diff_run_days, e) ||
	    row_int(r, P_DIFFKEEP, O, 0, 9999, &p.diff_keep_days, e) ||
	    row_str(r, P_ARM, O, &p.arm_id, e))
		return -1;
	if (p.frequency == FREQ_HOURLY && !p.hourly_interval_h)
		return row_error(r, P_INTERVAL, e,
				 "an interval in hours for an Hourly policy");
	if (p.tiering_mode == TM_TIERAFTER && !p.tier_after_days)
		return row_error(r, P_TAFTER, e,
				 "a number of days for TierAfter");
	if (check_schedule_text(r, &p, e))
		return -1;
	if (snapshot_find_vault(s, p.vault_id) < 0)
		return unknown_ref(r, P_VAULT, "vaults.csv", e);
	p.policy_id = pooled(s, p.policy_id);
	if (strmap_put(&s->policy_map, p.policy_id, s->npolicies))
		return duplicate_key(r, P_ID, e);
	p.vault_id = pooled(s, p.vault_id);
	p.policy_name = pooled(s, p.policy_name);
	p.window_start = pooled(s, p.window_start);
	p.run_times = pooled(s, p.run_times);
	p.run_days = pooled(s, p.run_days);
	p.time_zone = pooled(s, p.time_zone);
	p.diff_run_days = pooled(s, p.diff_run_days);
	p.arm_id = pooled(s, p.arm_id);
	s->policies = grow_array(s->policies, sizeof(p), s->npolicies + 1,
				 &l->alloc);
	s->policies[s->npolicies++] = p;
	return 0;
}

static int load_item(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct item it = { 0 };
	const unsigned O = ROW_OPTIONAL;
	int soft_deleted = 0;
	long vi;

	it.arm_id = it.source_resource_id = "";
	it.last_backup_time = it.deferred_delete_time = TIME_NONE;
	it.policy_id = "";
	if (row_str(r, I_ID, 0, &it.item_id, e) ||
	    row_str(r, I_VAULT, 0, &it.vault_id, e) ||
	    row_str(r, I_POLICY, O, &it.policy_id, e) ||
	    row_str(r, I_NAME, 0, &it.item_name, e) ||
	    ENUM(r, I_WL, 0, workload_names, &it.workload, e) ||
	    row_str(r, I_STATE, 0, &it.protection_state, e) ||
	    row_double(r, I_SRC, 0, 0, 1e7, &it.source_gb, e) ||
	    row_double(r, I_CHURN, 0, 0, 1, &it.daily_churn, e) ||
	    row_double(r, I_STD, 0, 0, 1e9, &it.standard_gb, e) ||
	    row_double(r, I_ARC, 0, 0, 1e9, &it.archive_gb, e) ||
	    ENUM(r, I_SIZESRC, 0, size_source_names, &it.size_source, e) ||
	    row_str(r, I_ARM, O, &it.arm_id, e) ||
	    row_str(r, I_SRCRES, O, &it.source_resource_id, e) ||
	    row_time(r, I_LAST, O, &it.last_backup_time, e) ||
	    row_tags(r, I_STAGS, &it.source_tags, e) ||
	    ENUM(r, I_SOFTDEL, O, false_true, &soft_deleted, e) ||
	    row_time(r, I_DEFERRED, O, &it.deferred_delete_time, e))
		return -1;
	it.soft_deleted = soft_deleted == 1;
	if (!it.soft_deleted)
		it.deferred_delete_time = TIME_NONE;
	vi = snapshot_find_vault(s, it.vault_id);
	if (vi < 0)
		return unknown_ref(r, I_VAULT, "vaults.csv", e);
	it.vault_idx = (size_t)vi;
	it.policy_idx = -1;
	if (it.policy_id[0]) {
		it.policy_idx = snapshot_find_policy(s, it.policy_id);
		if (it.policy_idx < 0)
			return unknown_ref(r, I_POLICY, "policies.csv", e);
		if (strcmp(s->policies[it.policy_idx].vault_id, it.vault_id))
			return row_error(r, I_POLICY, e,
					 "a policy of the item's own vault");
	}
	it.item_id = pooled(s, it.item_id);
	if (strmap_put(&s->item_map, it.item_id, s->nitems))
		return duplicate_key(r, I_ID, e);
	it.vault_id = s->vaults[vi].vault_id;
	it.policy_id = it.policy_idx >= 0
			       ? s->policies[it.policy_idx].policy_id
			       : "";
	it.item_name = pooled(s, it.item_name);
	it.protection_state = pooled(s, it.protection_state);
	it.arm_id = pooled(s, it.arm_id);
	it.source_resource_id = pooled(s, it.source_resource_id);
	it.source_tags = pooled(s, it.source_tags);
	s->items = grow_array(s->items, sizeof(it), s->nitems + 1, &l->alloc);
	s->items[s->nitems++] = it;
	return 0;
}

static int load_guard(void *ctx, const struct csv_row *r, struct err *e)
{
	struct snapshot_loader *l = ctx;
	struct snapshot *s = l->s;
	struct guard g = { 0 };

	if (row_str(r, G_VAULT, 0, &g.vault_id, e) ||
	    row_str(r, G_GUARD, 0, &g.resource_guard_id, e))
		return -1;
	if (snapshot_find_vault(s, g.vault_id) < 0)
		return unknown_ref(r, G_VAULT, "vaults.csv", e);
	g.vault_id = pooled(s, g.vault_id);
	g.resource_guard_id = pooled(s, g.resource_guard_id);
	g.guard_subscription_id = pooled(s, r->val[G_SUB]);
	g.guard_tenant_id = pooled(s, r->val[G_TENANT]);
	g.protected_operations = pooled(s, r->val[G_PROT]);
	g.excluded_operations = pooled(s, r->val[G_EXCL]);
	s->guards = grow_array(s->guards, sizeof(g), s->nguards + 1,
			       &l->alloc);
	s->guards[s->nguards++] = g;
	return 0;
}

/* Checks the bytes just read against manifest.json. */
static int verify_file(const struct snapshot *s, const char *name,
		       const struct csv_file_info *info, struct err *e)
{
	const struct manifest_file *mf = manifest_file(&s->manifest, name);

	if (!mf)
		return err_set(e, EXIT_DATAERR,
			       "%s/manifest.json: no entry for '%s'", s->dir,
			       name);
	if (mf->has_sha256 && strcmp(mf->sha256, info->sha256) != 0)
		return err_set(e, EXIT_DATAERR,
			       "%s/%s has changed since manifest.json was "
			       "written (SHA-256 %.12s..., manifest says "
			       "%.12s...): re-export it, or restore the "
			       "original file",
			       s->dir, name, info->sha256, mf->sha256);
	if (mf->has_rows && mf->rows != info->rows)
		return err_set(e, EXIT_DATAERR,
			       "%s/%s: %llu rows, manifest.json says %llu",
			       s->dir, name, (unsigned long long)info->rows,
			       (unsigned long long)mf->rows);
	return 0;
}

int snapshot_check_file(const struct snapshot *s, const char *name,
			const struct csv_file_info *info, struct err *e)
{
	return verify_file(s, name, info, e);
}

int snapshot_read_table(struct snapshot *s, int file, csv_row_fn fn,
			struct err *e)
{
	struct snapshot_loader l = { s, 0 };

	return snapshot_read_rows(s, file, fn, &l, e);
}

int snapshot_read_rows(struct snapshot *s, int file, csv_row_fn fn,
		       void *ctx, struct err *e)
{
	const struct csv_schema *schema = snapshot_schemas[file];
	struct csv_file_info info;
	char *path = path_join(s->dir, schema->file);
	int rc;

	if (file >= SF_BVAULTS && !manifest_file(&s->manifest, schema->file) &&
	    access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	rc = csv_read(path, schema, fn, ctx, &info, e);

	if (!rc)
		rc = verify_file(s, schema->file, &info, e);
	free(path);
	return rc;
}

/* A missing snapshot, or a file given for one, is missing input (66). */
static int check_snapshot_dir(const char *dir, struct err *e)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return err_errno(e, errno == ENOENT || errno == ENOTDIR
					    ? EXIT_NOINPUT
					    : EXIT_IOERR,
				 "snapshot '%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(e, EXIT_NOINPUT,
			       "snapshot '%s' is not a directory (a snapshot "
			       "is a directory of CSV files and manifest.json)",
			       dir);
	return 0;
}

static int snapshot_load(struct snapshot *s, const char *dir, struct err *e)
{
	char *mpath = path_join(dir, "manifest.json");
	int rc;

	s->dir = xstrdup(dir);
	if (check_snapshot_dir(dir, e)) {
		free(mpath);
		return -1;
	}
	rc = manifest_read(&s->manifest, mpath, e);
	free(mpath);
	if (rc)
		return -1;
	s->as_of = s->manifest.exported_at;
	return snapshot_read_table(s, SF_VAULTS, load_vault, e) ||
			       snapshot_read_table(s, SF_POLICIES, load_policy,
						   e) ||
			       snapshot_read_table(s, SF_ITEMS, load_item, e) ||
			       snapshot_read_table(s, SF_GUARDS, load_guard,
						   e) ||
			       snapshot_bv_load(s, e)
		       ? -1
		       : 0;
}

int snapshot_open(struct snapshot *s, const char *dir, struct err *e)
{
	memset(s, 0, sizeof(*s));
	if (snapshot_load(s, dir, e) == 0)
		return 0;
	/* nothing held on failure; a release after it is harmless */
	snapshot_release(s);
	memset(s, 0, sizeof(*s));
	return -1;
}

void snapshot_release(struct snapshot *s)
{
	snap_cache_free(s->cache); /* first: a read-ahead uses the tables */
	manifest_release(&s->manifest);
	free(s->vaults);
	free(s->policies);
	free(s->items);
	free(s->guards);
	snapshot_bv_release(&s->bv);
	strmap_release(&s->bvault_map);
	strmap_release(&s->bpolicy_map);
	strmap_release(&s->binstance_map);
	strmap_release(&s->vault_map);
	strmap_release(&s->policy_map);
	strmap_release(&s->item_map);
	strpool_release(&s->pool);
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

static long find(const struct strmap *m, const char *id)
{
	size_t v;
	return strmap_get(m, id, &v) ? -1 : (long)v;
}

long snapshot_find_vault(const struct snapshot *s, const char *vault_id)
{
	return find(&s->vault_map, vault_id);
}

long snapshot_find_policy(const struct snapshot *s, const char *policy_id)
{
	return find(&s->policy_map, policy_id);
}

long snapshot_find_item(const struct snapshot *s, const char *item_id)
{
	return find(&s->item_map, item_id);
}

/* ---- streaming ---- */

/* Enforces "rows grouped by item_id" with one bit per item. */
struct grouping {
	unsigned char *done;
	long current;
};

static int group_check(struct grouping *g, const struct csv_row *r, int col,
		       long item, struct err *e)
{
	if (item == g->current)
		return 0;
	if (g->current >= 0)
		g->done[g->current / 8] |= (unsigned char)(1u << (g->current % 8));
	if (g->done[item / 8] & (1u << (item % 8)))
		return row_error(r, col, e,
				 "rows grouped by item_id (this item appeared "
				 "earlier, before rows of other items)");
	g->current = item;
	return 0;
}

/* The item of a streamed row: rows come grouped by item, so the item of
 * the row before is checked first, before the map. */
static long grouped_item(const struct snapshot *s, const struct grouping *g,
			 const char *item_id)
{
	if (g->current >= 0 && !strcmp(s->items[g->current].item_id, item_id))
		return g->current;
	return snapshot_find_item(s, item_id);
}

/* Whether v is name: a few letters, compared here rather than by a call
 * to strcmp (this runs four times a point). */
static bool is_name(const char *v, const char *name)
{
	while (*v == *name && *name) {
		v++;
		name++;
	}
	return *v == *name;
}

/* The name v is exactly, by its first letter then the rest, or -1. */
static int exact_name(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (v[0] == names[i][0] && is_name(v, names[i]))
			return i;
	return -1;
}

/* An enum column's value mostly repeats the row before's: the name it
 * matched is tried first, then the others, exactly (tier and move_ready
 * alternate between two or three), before row_enum's search (which also
 * takes any case and names the column when nothing matches). An optional
 * column left empty, as recommended_for_move mostly is, is done at once:
 * row_enum leaves *out as it is then too. */
int repeat_enum(const struct csv_row *r, int col, unsigned flags,
		const char *const *names, int n, int *last, int *out,
		struct err *e)
{
	const char *v = r->val[col];
	int i;

	if (!v[0] && (flags & ROW_OPTIONAL))
		return 0;
	if (*last >= 0 && is_name(v, names[*last])) {
		*out = *last;
		return 0;
	}
	if ((i = exact_name(v, names, n)) >= 0) {
		*out = *last = i;
		return 0;
	}
	if (row_enum(r, col, flags, names, n, out, e))
		return -1;
	if (v[0])
		*last = *out;
	return 0;
}

#define REPEAT_ENUM(r, col, flags, names, last, out, e) \
	repeat_enum(r, col, flags, names, (int)ARRAY_SIZE(names), last, \
		    out, e)

/* The enum columns of recovery_points.csv, as repeat_enum remembers. */
struct rp_enums {
	int kind, tier, ready, rec;
};

struct rp_stream {
	struct snapshot *s;
	struct grouping g;
	rp_fn fn;
	void *ctx;
	uint64_t rows;
	struct rp_enums last;
};

static int parse_rp(const struct csv_row *r, struct rp *rp,
		    struct rp_enums *last, struct err *e)
{
	int rec = -1;

	memset(rp, 0, sizeof(*rp));
	rp->expiry_time = TIME_NONE;
	rp->move_info = r->val[RP_INFO];
	if (row_str(r, RP_ID, 0, &rp->rp_id, e) ||
	    row_str(r, RP_ITEM, 0, &rp->item_id, e) ||
	    row_time(r, RP_TIME, 0, &rp->rp_time, e) ||
	    REPEAT_ENUM(r, RP_KIND, 0, rp_kind_names, &last->kind,
			&rp->kind, e) ||
	    REPEAT_ENUM(r, RP_TIER, 0, rp_tier_names, &last->tier,
			&rp->tier, e) ||
	    row_time(r, RP_EXPIRY, ROW_OPTIONAL, &rp->expiry_time, e) ||
	    REPEAT_ENUM(r, RP_READY, 0, move_ready_names, &last->ready,
			&rp->move_ready, e) ||
	    row_double(r, RP_UNIQUE, 0, 0, 1e7, &rp->unique_gb, e) ||
	    row_double(r, RP_FULL, 0, 0, 1e7, &rp->full_gb, e) ||
	    REPEAT_ENUM(r, RP_REC, ROW_OPTIONAL, false_true, &last->rec,
			&rec, e))
		return -1;
	rp->recommended = rec < 0 ? 0 : rec ? 1 : -1;
	if (rp->expiry_time != TIME_NONE && rp->expiry_time < rp->rp_time)
		return row_error(r, RP_EXPIRY, e,
				 "an expiry time after rp_time");
	return 0;
}

static int stream_rp_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct rp_stream *st = ctx;
	struct rp rp;
	long item;

	if (parse_rp(r, &rp, &st->last, e))
		return -1;
	item = grouped_item(st->s, &st->g, rp.item_id);
	if (item < 0)
		return unknown_ref(r, RP_ITEM, "items.csv", e);
	if (group_check(&st->g, r, RP_ITEM, item, e))
		return -1;
	snap_cache_put_rp(st->s->cache, item, &rp);
	st->rows++;
	return st->fn(st->ctx, &st->s->items[item], &rp, e);
}

/* Opens path for streaming with grouping state; runs the stream. With
 * verify, the file's SHA-256 and rows are checked against the manifest
 * (else nothing is hashed: the caller checks them). */
static int stream_file(struct snapshot *s, int file, csv_row_fn fn,
		       void *ctx, struct grouping *g, bool verify,
		       struct err *e)
{
	const struct csv_schema *schema = snapshot_schemas[file];
	struct csv_file_info info;
	char *path = path_join(s->dir, schema->file);
	int rc;

	g->done = xcalloc(s->nitems / 8 + 1, 1);
	g->current = -1;
	rc = csv_read(path, schema, fn, ctx, verify ? &info : NULL, e);
	if (!rc && verify)
		rc = verify_file(s, schema->file, &info, e);
	free(g->done);
	free(path);
	return rc;
}

int snapshot_each_rp_unhashed(struct snapshot *s, rp_fn fn, void *ctx,
			      uint64_t *rows, struct err *e)
{
	struct rp_stream st = { s, { NULL, -1 }, fn, ctx, 0,
				  { -1, -1, -1, -1 } };
	int rc = stream_file(s, SF_RPS, stream_rp_row, &st, &st.g, false, e);

	*rows = st.rows;
	return rc;
}

int snapshot_each_rp(struct snapshot *s, rp_fn fn, void *ctx, struct err *e)
{
	struct rp_stream st = { s, { NULL, -1 }, fn, ctx, 0,
				  { -1, -1, -1, -1 } };
	int rc;

	if (snap_cache_ready(s->cache, SF_RPS))
		return snap_cache_each_rp(s, fn, ctx, e);
	snap_cache_begin(s->cache, SF_RPS);
	rc = stream_file(s, SF_RPS, stream_rp_row, &st, &st.g, true, e);
	snap_cache_end(s->cache, SF_RPS, rc == 0);
	return rc;
}

/* snapshot_each_item_rps reads on a thread of its own: while the caller's
 * fn works on one batch of items' points, the reader parses the next
 * items into the other batches of a ring. A batch holds whole items, at
 * least BATCH_ROWS points unless the file ends first, so that the threads
 * meet once a batch, not once an item. fn runs on the caller's thread,
 * one item at a time in file order, exactly as a single thread would call
 * it; the reader touches nothing but the file, its batches and the
 * snapshot's tables, which nobody writes while points stream. */
#define NBATCH 4
#define BATCH_ROWS 4096

struct item_span {
	const struct item *item;
	size_t first, n;      /* its points: rps[first, first + n) */
};

struct rp_batch {
	struct rp *rps;
	size_t n, alloc;
	struct item_span *items;
	size_t nitems, ialloc;
	struct strpool pool;  /* rp_id, move_info; reset per batch */
	const char *info;     /* the pool's copy of the last move_info */
	bool full;            /* handed to fn; the reader waits for it */
};

struct item_pipe {
	struct snapshot *s;
	pthread_mutex_t mu;
	pthread_cond_t ready; /* a batch is full, or the reader is done */
	pthread_cond_t space; /* a batch is given back, or fn failed */
	struct rp_batch buf[NBATCH];
	int fill;             /* the batch the reader fills */
	bool done;            /* the reader has finished: rc and err */
	int rc;
	struct err err;
	atomic_bool stop;     /* fn failed: the reader gives up */
};

static int by_rp_time(const void *a, const void *b)
{
	const struct rp *x = a, *y = b;
	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	return strcmp(x->rp_id, y->rp_id);
}

/* The same point (rp_id and time) twice in an item: a row copied twice
 * would be priced, planned and moved twice. Sorted, copies are adjacent. */
static int duplicate_point(const struct snapshot *s, const struct item *it,
			   const struct rp *rps, size_t n, struct err *e)
{
	for (size_t i = 1; i < n; i++) {
		const struct rp *x = &rps[i - 1], *y = &rps[i];
		if (x->rp_time == y->rp_time && !strcmp(x->rp_id, y->rp_id))
			return err_set(e, EXIT_DATAERR,
				       "%s/recovery_points.csv: column "
				       "'rp_id': expected one row per recovery "
				       "point, got '%s' twice for item '%s'",
				       s->dir, y->rp_id, it->item_id);
	}
	return 0;
}

/* Snapshots list an item's points by time: no sort needed then. */
static bool sorted(const struct rp *rps, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (by_rp_time(&rps[i - 1], &rps[i]) > 0)
			return false;
	return true;
}

int snapshot_order_item_rps(const struct snapshot *s, const struct item *it,
			    struct rp *rps, size_t n, struct err *e)
{
	if (!sorted(rps, n))
		qsort(rps, n, sizeof(*rps), by_rp_time);
	return duplicate_point(s, it, rps, n, e);
}

/* Reader: the batch's last item is whole: sorted and checked. */
static int end_item(struct item_pipe *p, struct rp_batch *b, struct err *e)
{
	const struct item_span *sp = &b->items[b->nitems - 1];
	struct rp *rps = b->rps + sp->first;

	return snapshot_order_item_rps(p->s, sp->item, rps, sp->n, e);
}

/* Reader: the filled batch goes to fn; with more, the reader goes on
 * with the next one once fn is done with it. */
static int hand_over(struct item_pipe *p, bool more)
{
	struct rp_batch *b = &p->buf[p->fill];

	pthread_mutex_lock(&p->mu);
	b->full = true;
	pthread_cond_signal(&p->ready);
	p->fill = (p->fill + 1) % NBATCH;
	b = &p->buf[p->fill];
	while (more && b->full && !atomic_load(&p->stop))
		pthread_cond_wait(&p->space, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (!more)
		return 0;
	b->n = 0;
	b->nitems = 0;
	b->info = NULL;
	strpool_reset(&b->pool);
	return atomic_load(&p->stop) ? -1 : 0;
}

/* Reader: a row of the item being read, or of the next one. */
static struct rp *add_row(struct item_pipe *p, const struct item *it,
			  struct err *e)
{
	struct rp_batch *b = &p->buf[p->fill];
	struct item_span *sp = b->nitems ? &b->items[b->nitems - 1] : NULL;

	if (sp && sp->item != it) {
		if (end_item(p, b, e))
			return NULL;
		if (b->n >= BATCH_ROWS && hand_over(p, true))
			return NULL;
		b = &p->buf[p->fill];
		sp = NULL;
	}
	if (!sp) {
		b->items = grow_array(b->items, sizeof(*b->items),
				      b->nitems + 1, &b->ialloc);
		sp = &b->items[b->nitems++];
		*sp = (struct item_span){ it, b->n, 0 };
	}
	sp->n++;
	if (b->n == b->alloc) /* not a call a row */
		b->rps = grow_array(b->rps, sizeof(*b->rps), b->n + 1,
				    &b->alloc);
	return &b->rps[b->n++];
}

static int collect_rp(void *ctx, const struct item *it, const struct rp *rp,
		      struct err *e)
{
	struct item_pipe *p = ctx;
	struct rp *copy = add_row(p, it, e);
	struct rp_batch *b = &p->buf[p->fill];

	if (!copy)
		return -1;
	*copy = *rp;
	copy->rp_id = strpool_dup(&b->pool, rp->rp_id);
	copy->item_id = it->item_id;
	/* a few sentences repeat over most points: kept once in a row */
	if (!b->info || strcmp(b->info, rp->move_info))
		b->info = strpool_dup(&b->pool, rp->move_info);
	copy->move_info = b->info;
	return 0;
}

static void *read_items(void *arg)
{
	struct item_pipe *p = arg;
	struct rp_batch *b;
	int rc = snapshot_each_rp(p->s, collect_rp, p, &p->err);

	b = &p->buf[p->fill];
	if (!rc && b->nitems)
		rc = end_item(p, b, &p->err) || hand_over(p, false) ? -1 : 0;
	pthread_mutex_lock(&p->mu);
	p->rc = rc;
	p->done = true;
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Caller: batch i once it is full, or NULL when the reader is done. */
static struct rp_batch *next_full(struct item_pipe *p, int i)
{
	struct rp_batch *b = &p->buf[i];
	bool full;

	pthread_mutex_lock(&p->mu);
	while (!b->full && !p->done)
		pthread_cond_wait(&p->ready, &p->mu);
	full = b->full;
	pthread_mutex_unlock(&p->mu);
	return full ? b : NULL;
}

static void release_batch(struct item_pipe *p, struct rp_batch *b,
			  bool stop)
{
	pthread_mutex_lock(&p->mu);
	b->full = false;
	if (stop)
		atomic_store(&p->stop, true);
	pthread_cond_signal(&p->space);
	pthread_mutex_unlock(&p->mu);
}

/* Caller: fn for each item of a full batch. */
static int each_item(const struct rp_batch *b, item_rps_fn fn, void *ctx,
		     struct err *e)
{
	for (size_t i = 0; i < b->nitems; i++) {
		const struct item_span *sp = &b->items[i];
		if (fn(ctx, sp->item, b->rps + sp->first, sp->n, e))
			return -1;
	}
	return 0;
}

int snapshot_each_item_rps(struct snapshot *s, item_rps_fn fn, void *ctx,
			   struct err *e)
{
	struct item_pipe p = { .s = s, .err = ERR_INIT };
	struct rp_batch *b;
	pthread_t reader;
	int rc = 0, err;

	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.space, NULL);
	atomic_init(&p.stop, false);
	err = pthread_create(&reader, NULL, read_items, &p);
	if (err) {
		rc = err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s",
			     strerror(err));
		goto out;
	}
	for (int i = 0; (b = next_full(&p, i)); i = (i + 1) % NBATCH) {
		rc = each_item(b, fn, ctx, e);
		release_batch(&p, b, rc != 0);
		if (rc)
			break;
	}
	pthread_join(reader, NULL);
	if (!rc && p.rc) {
		*e = p.err;
		rc = -1;
	}
out:
	for (int i = 0; i < NBATCH; i++) {
		free(p.buf[i].rps);
		free(p.buf[i].items);
		strpool_release(&p.buf[i].pool);
	}
	pthread_cond_destroy(&p.ready);
	pthread_cond_destroy(&p.space);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

struct job_stream {
	struct snapshot *s;
	struct grouping g;
	job_fn fn;
	void *ctx;
	long vault;           /* the row before's vault, or -1 */
};

static int parse_job(const struct csv_row *r, struct job *j, struct err *e)
{
	const unsigned O = ROW_OPTIONAL;

	memset(j, 0, sizeof(*j));
	j->end_time = j->rp_time = TIME_NONE;
	j->duration_s = j->data_gb = NAN;
	j->item_id = r->val[J_ITEM];
	j->source_tier = r->val[J_TIER];
	j->error_code = r->val[J_ERRCODE];
	if (row_str(r, J_ID, 0, &j->job_id, e) ||
	    row_str(r, J_VAULT, 0, &j->vault_id, e) ||
	    row_str(r, J_OP, 0, &j->operation, e) ||
	    row_str(r, J_STATUS, 0, &j->status, e) ||
	    row_time(r, J_START, 0, &j->start_time, e) ||
	    row_time(r, J_END, O, &j->end_time, e) ||
	    row_double(r, J_DUR, O, 0, 1e9, &j->duration_s, e) ||
	    row_time(r, J_RPTIME, O, &j->rp_time, e) ||
	    row_double(r, J_GB, O, 0, 1e9, &j->data_gb, e))
		return -1;
	if (j->end_time != TIME_NONE && j->end_time < j->start_time)
		return row_error(r, J_END, e, "an end time after start_time");
	return 0;
}

static int stream_job_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct job_stream *st = ctx;
	const struct item *it = NULL;
	long item = -1;
	struct job j;

	if (parse_job(r, &j, e))
		return -1;
	/* jobs come grouped by item, so mostly by vault too */
	if (st->vault < 0 || strcmp(st->s->vaults[st->vault].vault_id,
				    j.vault_id))
		st->vault = snapshot_find_vault(st->s, j.vault_id);
	if (st->vault < 0)
		return unknown_ref(r, J_VAULT, "vaults.csv", e);
	if (j.item_id[0]) {
		item = grouped_item(st->s, &st->g, j.item_id);
		if (item < 0)
			return unknown_ref(r, J_ITEM, "items.csv", e);
		if (group_check(&st->g, r, J_ITEM, item, e))
			return -1;
		it = &st->s->items[item];
	}
	snap_cache_put_job(st->s->cache, item, &j);
	return st->fn(st->ctx, it, &j, e);
}

int snapshot_each_job(struct snapshot *s, job_fn fn, void *ctx,
		      struct err *e)
{
	struct job_stream st = { s, { NULL, -1 }, fn, ctx, -1 };
	int rc;

	if (snap_cache_ready(s->cache, SF_JOBS))
		return snap_cache_each_job(s, fn, ctx, e);
	snap_cache_begin(s->cache, SF_JOBS);
	rc = stream_file(s, SF_JOBS, stream_job_row, &st, &st.g, true, e);
	snap_cache_end(s->cache, SF_JOBS, rc == 0);
	return rc;
}

/* Archive restores are listed as RestoreWithRehydrate. */
bool job_is_restore(const struct job *j)
{
	return str_eq_ci(j->operation, "Restore") ||
	       str_eq_ci(j->operation, "CrossRegionRestore") ||
	       str_eq_ci(j->operation, "RestoreWithRehydrate");
}

bool rp_move_undetermined(const struct rp *rp)
{
	static const char words[] = "still determining";
	size_t n = sizeof(words) - 1;

	if (rp->move_ready != MR_FALSE || !rp->move_info)
		return false;
	for (const char *p = rp->move_info; *p; p++)
		if (strncasecmp(p, words, n) == 0)
			return true;
	return false;
}

bool job_is_backup(const struct job *j)
{
	return str_eq_ci(j->operation, "Backup");
}

bool job_succeeded(const struct job *j)
{
	return str_eq_ci(j->status, "Completed") ||
	       str_eq_ci(j->status, "CompletedWithWarnings");
}

void snapshot_make_id(char out[SNAPSHOT_ID_LEN], char prefix,
		      const char *arm_id)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	char *lower = xstrdup(arm_id);

	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	EVP_Digest(lower, strlen(lower), md, &mdlen, EVP_sha256(), NULL);
	hex_encode(md, 6, hex);
	out[0] = prefix;
	out[1] = '-';
	memcpy(out + 2, hex, 13); /* 12 digits and the NUL */
	free(lower);
}

/* ---- writing ---- */

int snapshot_writer_begin(struct snapshot_writer *sw, const char *path,
			  struct err *e)
{
	memset(sw, 0, sizeof(*sw));
	if (outdir_begin(&sw->dir, path, "snapshot", e))
		return -1;
	for (int f = 0; f < SF_COUNT; f++) {
		char *p = outdir_file(&sw->dir, snapshot_schemas[f]->file);
		sw->w[f] = csv_writer_open(p, snapshot_schemas[f], e);
		free(p);
		if (!sw->w[f]) {
			snapshot_writer_abort(sw);
			return -1;
		}
	}
	return 0;
}

static void put_onoff(struct csv_writer *w, int v)
{
	csv_put(w, v == ONOFF_UNKNOWN ? "" : onoff_names[v]);
}

/* 0 means "not set" for the optional integer columns. */
static void put_int_or_empty(struct csv_writer *w, int v)
{
	if (v)
		csv_put_long(w, v);
	else
		csv_put(w, "");
}

void snapshot_put_vault(struct snapshot_writer *sw, const struct vault *v)
{
	struct csv_writer *w = sw->w[SF_VAULTS];

	csv_put(w, v->vault_id);
	csv_put(w, v->subscription_id);
	csv_put(w, v->resource_group);
	csv_put(w, v->vault_name);
	csv_put(w, v->location);
	csv_put(w, redundancy_names[v->redundancy]);
	put_onoff(w, v->cross_region_restore);
	csv_put(w, v->immutability < 0 ? ""
				       : immutability_names[v->immutability]);
	csv_put(w, v->soft_delete < 0 ? "" : soft_delete_names[v->soft_delete]);
	if (v->soft_delete_days < 0)
		csv_put(w, "");
	else
		csv_put_long(w, v->soft_delete_days);
	put_onoff(w, v->mua);
	csv_put(w, v->resource_guard_id);
	csv_put(w, v->cross_subscription_restore < 0
			   ? ""
			   : xsub_restore_names[v->cross_subscription_restore]);
	put_onoff(w, v->public_network_access);
	put_onoff(w, v->cmk);
	csv_put(w, v->tenant_id);
	put_onoff(w, v->job_failure_alerts);
	csv_put(w, v->tags);
	csv_put_double(w, v->has_usages ? v->usage_storage_gb : NAN, 2);
	if (v->has_usages && v->usage_items >= 0)
		csv_put_long(w, v->usage_items);
	else
		csv_put(w, "");
	csv_put(w, v->cost_granularity ? v->cost_granularity : "");
	csv_end_row(w);
}

void snapshot_put_policy(struct snapshot_writer *sw, const struct policy *p)
{
	struct csv_writer *w = sw->w[SF_POLICIES];

	csv_put(w, p->policy_id);
	csv_put(w, p->vault_id);
	csv_put(w, p->policy_name);
	csv_put(w, workload_names[p->workload]);
	csv_put(w, policy_type_names[p->policy_type]);
	csv_put(w, frequency_names[p->frequency]);
	put_int_or_empty(w, p->hourly_interval_h);
	csv_put(w, p->window_start);
	put_int_or_empty(w, p->window_hours);
	csv_put(w, p->run_times);
	csv_put(w, p->run_days);
	csv_put(w, p->time_zone);
	csv_put_long(w, p->instant_rp_days);
	csv_put_long(w, p->daily_keep_days);
	csv_put_long(w, p->weekly_keep_weeks);
	csv_put_long(w, p->monthly_keep_months);
	csv_put_long(w, p->yearly_keep_years);
	csv_put(w, tiering_mode_names[p->tiering_mode]);
	put_int_or_empty(w, p->tier_after_days);
	put_int_or_empty(w, p->log_interval_min);
	put_int_or_empty(w, p->log_keep_days);
	csv_put(w, p->diff_run_days);
	put_int_or_empty(w, p->diff_keep_days);
	csv_put(w, p->arm_id);
	csv_end_row(w);
}

void snapshot_put_item(struct snapshot_writer *sw, const struct item *it)
{
	struct csv_writer *w = sw->w[SF_ITEMS];

	csv_put(w, it->item_id);
	csv_put(w, it->vault_id);
	csv_put(w, it->policy_id);
	csv_put(w, it->item_name);
	csv_put(w, workload_names[it->workload]);
	csv_put(w, it->protection_state);
	csv_put_double(w, it->source_gb, 2);
	csv_put_double(w, it->daily_churn, 4);
	csv_put_double(w, it->standard_gb, 2);
	csv_put_double(w, it->archive_gb, 2);
	csv_put(w, size_source_names[it->size_source]);
	csv_put(w, it->arm_id);
	csv_put(w, it->source_resource_id);
	csv_put_time(w, it->last_backup_time);
	csv_put(w, it->source_tags);
	csv_put(w, false_true[it->soft_deleted]);
	csv_put_time(w, it->soft_deleted ? it->deferred_delete_time
					 : TIME_NONE);
	csv_end_row(w);
}

void snapshot_put_rp(struct snapshot_writer *sw, const struct rp *rp)
{
	struct csv_writer *w = sw->w[SF_RPS];

	csv_put(w, rp->rp_id);
	csv_put(w, rp->item_id);
	csv_put_time(w, rp->rp_time);
	csv_put(w, rp_kind_names[rp->kind]);
	csv_put(w, rp_tier_names[rp->tier]);
	csv_put_time(w, rp->expiry_time);
	csv_put(w, move_ready_names[rp->move_ready]);
	csv_put(w, rp->move_info);
	csv_put_double(w, rp->unique_gb, 3);
	csv_put_double(w, rp->full_gb, 3);
	csv_put(w, rp->recommended ? false_true[rp->recommended > 0] : "");
	csv_end_row(w);
}

void snapshot_put_job(struct snapshot_writer *sw, const struct job *j)
{
	struct csv_writer *w = sw->w[SF_JOBS];

	csv_put(w, j->job_id);
	csv_put(w, j->vault_id);
	csv_put(w, j->item_id);
	csv_put(w, j->operation);
	csv_put(w, j->status);
	csv_put_time(w, j->start_time);
	csv_put_time(w, j->end_time);
	csv_put_double(w, j->duration_s, 0);
	csv_put_time(w, j->rp_time);
	csv_put(w, j->source_tier);
	csv_put_double(w, j->data_gb, 2);
	csv_put(w, j->error_code);
	csv_end_row(w);
}

void snapshot_put_guard(struct snapshot_writer *sw, const struct guard *g)
{
	struct csv_writer *w = sw->w[SF_GUARDS];

	csv_put(w, g->vault_id);
	csv_put(w, g->resource_guard_id);
	csv_put(w, g->guard_subscription_id);
	csv_put(w, g->guard_tenant_id);
	csv_put(w, g->protected_operations);
	csv_put(w, g->excluded_operations);
	csv_end_row(w);
}

struct csv_writer *snapshot_writer_extra(struct snapshot_writer *sw,
					 const struct csv_schema *schema,
					 struct err *e)
{
	char *p = outdir_file(&sw->dir, schema->file);

	sw->extra = csv_writer_open(p, schema, e);
	sw->extra_schema = schema;
	free(p);
	return sw->extra;
}

/* Commits w and lists it in m. */
static int commit_file(struct csv_writer *w, const char *name,
		       struct manifest *m, struct err *e)
{
	struct csv_file_info info;
	struct manifest_file *mf;

	if (csv_writer_commit(w, &info, e))
		return -1;
	mf = manifest_file_add(m, name);
	memcpy(mf->sha256, info.sha256, sizeof(mf->sha256));
	mf->has_sha256 = true;
	mf->rows = info.rows;
	mf->has_rows = true;
	return 0;
}

int snapshot_writer_commit(struct snapshot_writer *sw, struct manifest *m,
			   struct err *e)
{
	struct csv_writer *extra = sw->extra;
	char *mpath;
	int rc;

	for (int f = 0; f < SF_COUNT; f++) {
		struct manifest_file *mf;
		struct csv_writer *w = sw->w[f];

		sw->w[f] = NULL;
		if (csv_writer_commit(w, &sw->info[f], e)) {
			snapshot_writer_abort(sw);
			return -1;
		}
		mf = manifest_file_add(m, snapshot_schemas[f]->file);
		memcpy(mf->sha256, sw->info[f].sha256, sizeof(mf->sha256));
		mf->has_sha256 = true;
		mf->rows = sw->info[f].rows;
		mf->has_rows = true;
	}
	sw->extra = NULL;
	if (extra && commit_file(extra, sw->extra_schema->file, m, e)) {
		snapshot_writer_abort(sw);
		return -1;
	}
	mpath = outdir_file(&sw->dir, "manifest.json");
	rc = manifest_write(m, mpath, e);
	free(mpath);
	if (rc) {
		snapshot_writer_abort(sw);
		return -1;
	}
	return outdir_commit(&sw->dir, e);
}

void snapshot_writer_abort(struct snapshot_writer *sw)
{
	for (int f = 0; f < SF_COUNT; f++) {
		csv_writer_abort(sw->w[f]);
		sw->w[f] = NULL;
	}
	csv_writer_abort(sw->extra);
	sw->extra = NULL;
	outdir_abort(&sw->dir);
}
