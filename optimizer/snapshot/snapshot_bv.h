/* SPDX-License-Identifier: MIT
 * snapshot_bv.h: the Backup vault files of a snapshot
 * (Microsoft.DataProtection; docs/snapshot-format.md "Backup vaults"):
 * backup_vaults.csv, backup_instances.csv and backup_policies.csv (loaded),
 * backup_recovery_points.csv and backup_jobs.csv (streamed), their row
 * structs, reading and writing. The files are optional on reading, so
 * snapshots written before them still open; every writer writes them.
 * Ids follow the scheme of the other files (snapshot_make_id): "v-", "i-"
 * and "p-" from the lowercased ARM id. Strings are borrowed from the
 * snapshot's pool. */
#ifndef VW_SNAPSHOT_BV_H
#define VW_SNAPSHOT_BV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/err.h"

struct bvault {
	const char *vault_id, *subscription_id, *resource_group, *vault_name;
	const char *location, *resource_guard_id, *tenant_id, *arm_id;
	int redundancy;          /* enum redundancy */
	int cross_region_restore;/* enum onoff */
	int immutability;        /* enum immutability */
	int soft_delete;         /* enum soft_delete (Off/On/AlwaysOn) */
	int soft_delete_days;
	int cross_subscription_restore; /* enum xsub_restore */
	int cmk;                 /* enum onoff: encryptionSettings.state */
	int job_failure_alerts;  /* enum onoff, may be ONOFF_UNKNOWN */
};

struct binstance {
	const char *instance_id, *vault_id, *policy_id, *instance_name;
	const char *datasource_type;   /* e.g. Microsoft.Compute/disks */
	const char *protection_status; /* e.g. ProtectionConfigured */
	const char *source_resource_id, *arm_id;
	/* GiB kept in the vault store and in its archive tier (what the
	 * vault bills as storage); NAN: not known. size_source says where
	 * the sizes come from: "estimated", "reported", or "" (unknown). */
	double vault_gb, archive_gb;
	const char *size_source;
	/* A disk's incremental snapshots kept in the operational store
	 * (billed by Managed Disks), GiB; NAN: not known. size_source says
	 * where it comes from too. */
	double snapshot_gb;
	size_t vault_idx;              /* resolved on loading */
	long policy_idx;               /* -1: no policy */
};

struct bpolicy {
	const char *policy_id, *vault_id, *policy_name, *datasource_type;
	const char *schedule;     /* ISO 8601 repeating intervals, ';' */
	const char *time_zone;    /* "" when the policy gives none */
	const char *data_stores;  /* e.g. "OperationalStore;VaultStore" */
	const char *retention_rules; /* "name:store:duration" joined by ';' */
	const char *arm_id;
	int operational_keep_days, vault_keep_days; /* longest; 0: none */
	int archive_keep_days;
};

/* A recovery point of a backup instance (AzureBackupDiscreteRecoveryPoint).
 * data_stores: the types of its recoveryPointDataStoresDetails joined by
 * ';' (OperationalStore, VaultStore, ArchiveStore). */
struct brp {
	const char *rp_id, *instance_id, *rp_type, *data_stores;
	int64_t rp_time, expiry_time;  /* expiry TIME_NONE: not given */
};

/* A job of a Backup vault (AzureBackupJob). instance_id is "" for a job
 * of no exported instance. */
struct bjob {
	const char *job_id, *vault_id, *instance_id, *operation, *category;
	const char *status, *datasource_type, *error_code;
	int64_t start_time, end_time;  /* end TIME_NONE: still running */
	double duration_s;             /* NAN: not given */
};

extern const struct csv_schema bvaults_schema, binstances_schema,
	bpolicies_schema, brps_schema, bjobs_schema;

struct bv_tables {
	struct bvault *vaults;
	struct binstance *instances;
	struct bpolicy *policies;
	size_t nvaults, ninstances, npolicies;
};

/* Points and jobs as a writer collects them (a reader streams them:
 * snapshot_each_brp, snapshot_each_bjob). */
struct bv_history {
	struct brp *rps;
	struct bjob *jobs;
	size_t nrps, njobs;
};

struct snapshot;
struct snapshot_writer;

/* Loads the three files, if the snapshot has them (called by
 * snapshot_open after the other small tables). */
int snapshot_bv_load(struct snapshot *s, struct err *e);
void snapshot_bv_release(struct bv_tables *t);
long snapshot_find_bvault(const struct snapshot *s, const char *vault_id);

/* Streams backup_recovery_points.csv and backup_jobs.csv (none when the
 * snapshot predates them): fn gets each row, its strings valid during
 * the call, and the instance it names (NULL for a job of none). */
typedef int (*brp_fn)(void *ctx, const struct binstance *bi,
		      const struct brp *rp, struct err *e);
typedef int (*bjob_fn)(void *ctx, const struct binstance *bi,
		       const struct bjob *j, struct err *e);
int snapshot_each_brp(struct snapshot *s, brp_fn fn, void *ctx,
		      struct err *e);
int snapshot_each_bjob(struct snapshot *s, bjob_fn fn, void *ctx,
		       struct err *e);
bool bjob_is_restore(const struct bjob *j);
/* Whether an instance's protection is in error: ConfiguringProtectionFailed
 * (the status enum of ProtectionStatusDetails) or ProtectionError (one of
 * currentProtectionState's, which instances also report as their status). */
bool binstance_in_error(const struct binstance *bi);

/* The canonical order of the files: vaults, policies, instances by their
 * ids; points by instance, rp_time, rp_id; jobs by vault, instance,
 * start_time, job_id. */
void snapshot_bv_sort(struct bv_tables *t);
void snapshot_bv_history_sort(struct bv_history *h);
/* Writes the rows in their order. */
void snapshot_put_bv(struct snapshot_writer *sw, const struct bv_tables *t);
void snapshot_put_bv_history(struct snapshot_writer *sw,
			     const struct bv_history *h);
void snapshot_bv_history_release(struct bv_history *h);

void snapshot_put_bvault(struct snapshot_writer *sw, const struct bvault *v);
void snapshot_put_binstance(struct snapshot_writer *sw,
			    const struct binstance *bi);
void snapshot_put_bpolicy(struct snapshot_writer *sw,
			  const struct bpolicy *p);
void snapshot_put_brp(struct snapshot_writer *sw, const struct brp *rp);
void snapshot_put_bjob(struct snapshot_writer *sw, const struct bjob *j);

#endif
