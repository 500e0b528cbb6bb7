/* SPDX-License-Identifier: MIT
 * arm_parse_bv.h: Microsoft.DataProtection JSON to Backup vault rows
 * (docs/snapshot-format.md "Backup vaults"). Each parser returns 0, or -1
 * for an object without what its row needs (id, name, datasource type,
 * the vault's storage redundancy, a point's or job's time). */
#ifndef VW_ARM_PARSE_BV_H
#define VW_ARM_PARSE_BV_H

#include <cjson/cJSON.h>

#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"

/* A backupVaults resource; resource_guard_id is left "" (the vault's
 * backupResourceGuardProxies give it). */
int arm_parse_bvault(const cJSON *o, const char *tenant,
		     struct strpool *pool, struct bvault *v);
/* A backupPolicies resource of the vault vault_id. */
int arm_parse_bpolicy(const cJSON *o, const char *vault_id,
		      struct strpool *pool, struct bpolicy *p);
/* A backupInstances resource; policy_id is the id of policyInfo.policyId
 * ("" without one). */
int arm_parse_binstance(const cJSON *o, const char *vault_id,
			struct strpool *pool, struct binstance *bi);
/* A recoveryPoints element (AzureBackupDiscreteRecoveryPoint) of the
 * instance instance_id; -1 without a name or recoveryPointTime. */
int arm_parse_brp(const cJSON *o, const char *instance_id,
		  struct strpool *pool, struct brp *rp);
/* A backupJobs element (AzureBackupJob) of the vault vault_id;
 * instance_id is the id of its backupInstanceId ("" without one). -1
 * without a name or startTime. */
int arm_parse_bjob(const cJSON *o, const char *vault_id,
		   struct strpool *pool, struct bjob *j);
/* A job's duration in seconds: a .NET time span ("00:02:11.97",
 * "1.02:03:04") or ISO 8601 ("PT2M11S"); NAN when unreadable. */
double arm_bv_duration_s(const char *s);
/* An ISO 8601 duration's days (P7D, P12W, P6M, P10Y, P1Y6M; a month is
 * 30.5 days, a year 365.25), rounded; 0 when unparseable. */
int arm_iso_duration_days(const char *iso);

#endif
