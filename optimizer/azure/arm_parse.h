/* SPDX-License-Identifier: MIT
 * arm_parse.h: Azure Resource Manager JSON -> snapshot rows. Pure
 * conversion of one parsed payload (cJSON) at a time into the structs of
 * snapshot.h, following docs/arm-contract.md and Microsoft's published examples
 * (tests/data/azure-examples). Strings in the results are copies in the
 * caller's strpool. Never does I/O, never prints; called by export.c and
 * the unit tests. */
#ifndef VW_ARM_PARSE_H
#define VW_ARM_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"

/* What a page of a list call holds. next_link is NULL on the last page
 * (absent, null or ""). Both point into root. */
struct arm_page {
	const cJSON *value;
	const char *next_link;
};
int arm_page(const cJSON *root, struct arm_page *out);
/* A Cost Management query page: value is its "properties" (arrays
 * "columns" and "rows"), next_link its properties.nextLink. */
int arm_query_page(const cJSON *root, struct arm_page *out);

/* The value after "/key/" in an ARM id (key matched case-insensitively),
 * e.g. key "resourceGroups". Copies into out; returns 0, or -1 if absent
 * or longer than n - 1. */
int arm_id_value(const char *id, const char *key, char *out, size_t n);

/* {"error":{"code":..., "message":...}} or the token endpoint's
 * {"error":..., "error_description":...}: the code, "" if none. */
const char *arm_error_code(const cJSON *root);

struct arm_subscription {
	const char *subscription_id, *tenant_id, *display_name, *state;
};
int arm_parse_subscription(const cJSON *o, struct strpool *pool,
			   struct arm_subscription *out);

/* A vault from GET V. tenant_id is the subscription's tenant. Fields the
 * payload lacks get Azure's defaults (see arm_parse.c). */
struct arm_vault {
	struct vault v;
	const char *arm_id;
	bool has_soft_delete;   /* securitySettings.softDeleteSettings given */
	bool has_mua;           /* securitySettings.multiUserAuthorization */
};
/* An ARM `tags` object as the snapshot keeps it (tags.h), pooled. */
const char *arm_parse_tags(const cJSON *tags, struct strpool *pool);

int arm_parse_vault(const cJSON *o, const char *tenant_id,
		    struct strpool *pool, struct arm_vault *out,
		    struct err *e);
/* Applies GET V/backupconfig/vaultconfig (wins when the vault GET had no
 * softDeleteSettings). */
void arm_apply_vaultconfig(const cJSON *o, struct arm_vault *av);
/* One element of a vault's usages (GET {vault}/usages, Usages_ListByVaults)
 * added to its usage figures: ProtectedItemCount, and the backup storage
 * (the *StorageUsage entries in Bytes, dedup ones aside) in GiB. */
void arm_vault_usage(const cJSON *o, struct vault *v);

/* A backup policy. Returns 0, 1 when the policy is of a workload the
 * snapshot does not cover (MAB, DPM, SAP ASE, ...), -1 on error. */
int arm_parse_policy(const cJSON *o, const char *vault_id,
		     struct strpool *pool, struct policy *out, struct err *e);

/* A protected item. path is the item's ARM path with the backup fabric
 * (V/backupFabrics/F/protectionContainers/C/protectedItems/I) for its
 * recovery points and tiering cost; container and name are C and I.
 * Returns 0, 1 for a workload the snapshot does not cover, -1 on error. */
struct arm_item {
	struct item it;
	const char *path, *container, *name, *friendly_name;
	const char *policy_arm_id;   /* "" when unprotected */
	long rp_count;               /* extendedInfo.recoveryPointCount, -1 */
};
int arm_parse_item(const cJSON *o, const char *vault_arm_id,
		   const char *vault_id, struct strpool *pool,
		   struct arm_item *out, struct err *e);

/* A recovery point of item it (policy may be NULL). Returns 0, 1 when the
 * point has no valid copy in any tier or is of an unknown kind (skipped),
 * -1 on error. */
int arm_parse_rp(const cJSON *o, const struct item *it,
		 const struct policy *policy, struct strpool *pool,
		 struct rp *out, struct err *e);

/* The tier label of recoveryPointTierDetails (the CLI's rule order);
 * -1 when no tier is valid. An absent list means Standard. */
int arm_rp_tier(const cJSON *tier_details);

/* A backup job. workload is the item workload it concerns (enum workload)
 * or -1 when the job does not say; friendly_name is entityFriendlyName. */
struct arm_job {
	struct job j;
	const char *friendly_name;
	const char *container;      /* VM jobs' containerName, or "" */
	const char *storage_account;/* Azure Files jobs', or "" */
	int workload;
	bool user_triggered;        /* isUserTriggered: an on-demand backup */
	int64_t rp_expiry;          /* arm_job_rp_expiry of its details */
};
int arm_parse_job(const cJSON *o, const char *vault_id,
		  struct strpool *pool, struct arm_job *out, struct err *e);
/* Whether a job's entityFriendlyName names the item: its name, or for a
 * SQL/HANA job the name followed by " [host]" ("systemdb [H01]"). */
bool arm_job_names(const char *entity, const char *item_name);
/* Fills a restore job's rp_time, source_tier and data_gb from GET
 * V/backupJobs/{id} (extendedInfo.propertyBag). */
void arm_apply_job_details(const cJSON *o, struct strpool *pool,
			   struct job *j);

/* An on-demand backup's point expiry, which only its job's details carry
 * (extendedInfo.propertyBag "Recovery Point Expiry Time in UTC", ISO 8601
 * or "12/29/2026 7:25:20 AM"); TIME_NONE when absent or unreadable. */
int64_t arm_job_rp_expiry(const cJSON *details);

/* Resource Guard proxy: the guard id and the operations it lists. */
struct arm_proxy {
	const char *guard_id;
	const char *operations; /* ';'-joined vaultCriticalOperation */
};
int arm_parse_proxy(const cJSON *o, struct strpool *pool,
		    struct arm_proxy *out);

/* Resource Guard: the vault operations it protects (minus exclusions) and
 * the exclusions, ';'-joined, in the form Azure gives them. */
struct arm_guard {
	const char *protected_operations, *excluded_operations;
};
int arm_parse_guard(const cJSON *o, struct strpool *pool,
		    struct arm_guard *out);

/* TieringCostSavingInfo. Returns 0, or -1 when o is another object. */
int arm_parse_tiering_cost(const cJSON *o, double *reduction_bytes,
			   double *increase_bytes);

/* A duration (count, a number or a numeric string) in durationType units
 * (Days, Weeks, Months as 30 days, Years as 365) as days; 0 when unknown.
 * The one reader of TierAfter durations, for export and apply alike. */
int arm_duration_days(const cJSON *count, const char *type);

/* An ARM time string ("2017-12-21T22:48:25.4353958Z"; without a zone it
 * is UTC); TIME_NONE when absent, unparseable or Azure's "0001-01-01"
 * placeholder. */
int64_t arm_time(const cJSON *o, const char *key);

/* Navigates "a.b.c" through objects; NULL when any step is missing. */
const cJSON *arm_get(const cJSON *o, const char *path);
/* The string at path, or NULL. */
const char *arm_str(const cJSON *o, const char *path);

#endif
