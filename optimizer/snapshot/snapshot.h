/* SPDX-License-Identifier: MIT
 * snapshot.h: the snapshot directory, the data every stage shares
 * (docs/snapshot-format.md). Defines the columns of each CSV, the typed row
 * structs and their enums, and how a snapshot is read and written:
 *
 *  - vaults, policies, items and guards are small and loaded into memory;
 *  - recovery points and jobs are streamed, one row (or one item's rows)
 *    at a time, so memory does not grow with their number;
 *  - every CSV's SHA-256 is checked against manifest.json as it is read;
 *  - rows of recovery_points.csv and jobs.csv are grouped by item_id.
 *
 * Ids: vault_id, policy_id and item_id are short stable keys derived from
 * the lowercased ARM resource id ("v-", "p-", "i-" + 12 hex digits of its
 * SHA-256), so every shard of an export and every run derive the same ones.
 * The ARM ids themselves are kept in the arm_id columns.
 *
 * Strings in the structs are borrowed: from the snapshot's pool for loaded
 * tables (valid until snapshot_release), from the row for streamed rows
 * (valid during the callback only). */
#ifndef VW_SNAPSHOT_H
#define VW_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/snapshot/manifest.h"
#include "optimizer/snapshot/snapshot_bv.h"
#include "optimizer/base/strpool.h"

enum workload { WL_VM, WL_SQL, WL_HANA, WL_FILES, WL_COUNT };
enum redundancy { RED_LRS, RED_ZRS, RED_GRS, RED_COUNT };
/* Security settings Azure did not send are UNKNOWN (an empty column). */
enum immutability { IMM_DISABLED, IMM_UNLOCKED, IMM_LOCKED, IMM_COUNT,
		    IMM_UNKNOWN = -1 };
enum soft_delete { SD_DISABLED, SD_ENABLED, SD_ALWAYSON, SD_COUNT,
		   SD_UNKNOWN = -1 };
enum xsub_restore { XSR_ENABLED, XSR_DISABLED, XSR_PERMANENTLY_DISABLED,
		    XSR_COUNT, XSR_UNKNOWN = -1 };
enum policy_type { PT_STANDARD, PT_ENHANCED, PT_COUNT };
enum frequency { FREQ_HOURLY, FREQ_DAILY, FREQ_WEEKLY, FREQ_COUNT };
enum tiering_mode { TM_NONE, TM_DONOTTIER, TM_TIERAFTER, TM_TIERRECOMMENDED,
		    TM_COUNT };
enum rp_kind { RK_DAILY, RK_WEEKLY, RK_MONTHLY, RK_YEARLY, RK_FULL,
	       RK_DIFFERENTIAL, RK_LOG, RK_COUNT };
enum rp_tier { TIER_SNAPSHOT, TIER_STANDARD, TIER_SNAPSHOT_STANDARD,
	       TIER_ARCHIVE, TIER_SNAPSHOT_ARCHIVE, TIER_REHYDRATED,
	       TIER_COUNT };
enum move_ready { MR_FALSE, MR_TRUE, MR_UNKNOWN, MR_COUNT };
enum size_source { SS_REPORTED, SS_ESTIMATED, SS_COUNT };
/* Enabled/Disabled columns; UNKNOWN only for optional columns left empty. */
enum onoff { OFF, ON, ONOFF_COUNT, ONOFF_UNKNOWN = -1 };

extern const char *const workload_names[WL_COUNT];
extern const char *const redundancy_names[RED_COUNT];
extern const char *const immutability_names[IMM_COUNT];
extern const char *const soft_delete_names[SD_COUNT];
extern const char *const xsub_restore_names[XSR_COUNT];
extern const char *const policy_type_names[PT_COUNT];
extern const char *const frequency_names[FREQ_COUNT];
extern const char *const tiering_mode_names[TM_COUNT];
extern const char *const rp_kind_names[RK_COUNT];
extern const char *const rp_tier_names[TIER_COUNT];
extern const char *const move_ready_names[MR_COUNT];
extern const char *const size_source_names[SS_COUNT];
extern const char *const onoff_names[ONOFF_COUNT];
/* costManagementSettings.granularityLevel (recoveryservices 2026-08-01
 * GranularityLevel): how Cost Management reports the vault's charges. */
enum { CG_COUNT = 3 };
extern const char *const cost_granularity_names[CG_COUNT];

struct vault {
	const char *vault_id, *subscription_id, *resource_group, *vault_name;
	const char *location, *resource_guard_id, *tenant_id;
	int redundancy;          /* enum redundancy */
	int cross_region_restore;/* enum onoff */
	int immutability;        /* enum immutability, may be IMM_UNKNOWN */
	int soft_delete;         /* enum soft_delete, may be SD_UNKNOWN */
	int soft_delete_days;    /* -1 when unknown */
	int mua;                 /* enum onoff */
	int cross_subscription_restore; /* enum xsub_restore, may be
					   XSR_UNKNOWN */
	int public_network_access;      /* enum onoff */
	int cmk;                        /* enum onoff */
	int job_failure_alerts;  /* enum onoff, may be ONOFF_UNKNOWN */
	const char *tags;        /* "k=v;k2=v2" (tags.h), NULL or "": none */
	/* The vault's usages as Azure reports them (GET {vault}/usages):
	 * backup storage in GiB (NAN when not reported) and protected items
	 * (-1 when not reported); neither is read unless has_usages. */
	bool has_usages;
	double usage_storage_gb;
	long usage_items;
	/* One of cost_granularity_names; NULL or "": not reported */
	const char *cost_granularity;
};

struct policy {
	const char *policy_id, *vault_id, *policy_name, *arm_id;
	const char *window_start;   /* "HH:MM" or "" */
	const char *run_times;      /* "HH:MM;HH:MM" or "" */
	const char *run_days;       /* "Sunday;Wednesday" or "" */
	const char *time_zone;      /* as Azure gives it, e.g. "UTC" */
	const char *diff_run_days;  /* SQL/HANA differential days or "" */
	int workload, policy_type, frequency;
	int hourly_interval_h, window_hours;   /* 0 unless Hourly */
	int instant_rp_days;
	int daily_keep_days, weekly_keep_weeks;
	int monthly_keep_months, yearly_keep_years; /* 0 = no such rule */
	int tiering_mode, tier_after_days;
	int log_interval_min, log_keep_days, diff_keep_days; /* SQL/HANA */
};

struct item {
	const char *item_id, *vault_id, *policy_id, *item_name;
	const char *protection_state, *arm_id, *source_resource_id;
	const char *source_tags;         /* of the source resource (tags.h) */
	int workload, size_source;
	double source_gb, daily_churn;   /* churn is a fraction per day */
	double standard_gb, archive_gb;
	int64_t last_backup_time;        /* TIME_NONE when unknown */
	/* soft-deleted (isScheduledForDeferredDelete): its storage is billed
	 * until Azure purges it; deferredDeleteTimeInUTC, or TIME_NONE (and
	 * read as TIME_NONE unless soft_deleted) */
	bool soft_deleted;
	int64_t deferred_delete_time;
	/* resolved by snapshot_open: */
	size_t vault_idx;
	long policy_idx;                 /* -1: no policy (protection stopped) */
};

struct rp {
	const char *rp_id, *item_id, *move_info;
	int64_t rp_time, expiry_time;    /* expiry TIME_NONE: kept forever */
	int kind, tier, move_ready;
	double unique_gb, full_gb;
	/* Azure's recoveryPointsRecommendedForMove set: 1 in it, -1 asked
	 * and not in it, 0 not asked (column recommended_for_move) */
	int recommended;
};

struct job {
	const char *job_id, *vault_id, *item_id, *operation, *status;
	const char *source_tier, *error_code;
	int64_t start_time, end_time, rp_time; /* TIME_NONE when absent */
	double duration_s, data_gb;            /* NAN when absent */
};

struct guard {
	const char *vault_id, *resource_guard_id, *guard_subscription_id;
	const char *guard_tenant_id;
	const char *protected_operations, *excluded_operations; /* ";" lists */
};

/* The Backup vault files come last: optional on reading (snapshot_bv.h). */
enum snap_file { SF_VAULTS, SF_POLICIES, SF_ITEMS, SF_RPS, SF_JOBS,
		 SF_GUARDS, SF_BVAULTS, SF_BINSTANCES, SF_BPOLICIES,
		 SF_BRPS, SF_BJOBS, SF_COUNT };
extern const struct csv_schema *const snapshot_schemas[SF_COUNT];

struct snapshot {
	char *dir;
	struct manifest manifest;
	struct vault *vaults;
	struct policy *policies;
	struct item *items;
	struct guard *guards;
	size_t nvaults, npolicies, nitems, nguards;
	struct strpool pool;
	struct strmap vault_map, policy_map, item_map;
	struct bv_tables bv;   /* Backup vaults (snapshot_bv.h) */
	struct strmap bvault_map, bpolicy_map, binstance_map;
	int64_t as_of; /* manifest exported_at; commands apply --as-of */
	struct snap_cache *cache; /* kept rows (snapcache.h), or NULL */
};

/* Reads manifest.json and the four small tables, checking checksums,
 * values and references. On failure nothing is held (s is zeroed), so a
 * caller need not release it, and a release is harmless. */
int snapshot_open(struct snapshot *s, const char *dir, struct err *e);
void snapshot_release(struct snapshot *s);

/* Checks a file of the snapshot just read (its SHA-256 and rows in info)
 * against manifest.json: exit 65 when it has no entry or differs. */
int snapshot_check_file(const struct snapshot *s, const char *name,
			const struct csv_file_info *info, struct err *e);

/* Loads one small table: fn gets a struct snapshot_loader. A Backup
 * vault file (SF_BVAULTS and after) that the snapshot lacks, and
 * manifest.json does not list, is read as empty. */
struct snapshot_loader {
	struct snapshot *s;
	size_t alloc;
};
int snapshot_read_table(struct snapshot *s, int file, csv_row_fn fn,
			struct err *e);
/* The same with the caller's ctx (a file streamed, not kept). */
int snapshot_read_rows(struct snapshot *s, int file, csv_row_fn fn,
		       void *ctx, struct err *e);

/* Index of an id, or -1. */
long snapshot_find_vault(const struct snapshot *s, const char *vault_id);
long snapshot_find_policy(const struct snapshot *s, const char *policy_id);
long snapshot_find_item(const struct snapshot *s, const char *item_id);

/* Streams recovery_points.csv: fn is called once per row. */
typedef int (*rp_fn)(void *ctx, const struct item *it, const struct rp *rp,
		     struct err *e);
int snapshot_each_rp(struct snapshot *s, rp_fn fn, void *ctx, struct err *e);
/* snapshot_each_rp for snapcache.c's read-ahead: every row read and
 * checked (and kept, once the caller began keeping), but not hashed:
 * *rows gets the rows read, and the caller checks the file against
 * manifest.json (snapshot_check_file) with a SHA-256 taken elsewhere. */
int snapshot_each_rp_unhashed(struct snapshot *s, rp_fn fn, void *ctx,
			      uint64_t *rows, struct err *e);

/* Streams recovery_points.csv one item at a time: fn gets all of an
 * item's points (valid during the call), sorted by rp_time. Items with no
 * points are not visited. */
typedef int (*item_rps_fn)(void *ctx, const struct item *it,
			   const struct rp *rps, size_t n, struct err *e);
int snapshot_each_item_rps(struct snapshot *s, item_rps_fn fn, void *ctx,
			   struct err *e);
/* Sorts an item's points as snapshot_each_item_rps hands them over (by
 * rp_time, then rp_id); exit 65 when one is listed twice. */
int snapshot_order_item_rps(const struct snapshot *s, const struct item *it,
			    struct rp *rps, size_t n, struct err *e);

/* row_enum for a column whose value mostly repeats the row before's:
 * names[*last] (-1: none yet) is tried first, exactly; *last then holds
 * the name matched. */
int repeat_enum(const struct csv_row *r, int col, unsigned flags,
		const char *const *names, int n, int *last, int *out,
		struct err *e);

/* Streams jobs.csv; it is NULL for vault-level jobs without an item. */
typedef int (*job_fn)(void *ctx, const struct item *it,
		      const struct job *job, struct err *e);
int snapshot_each_job(struct snapshot *s, job_fn fn, void *ctx,
		      struct err *e);

/* Short stable id for an ARM resource id: prefix 'v', 'p' or 'i'. */
#define SNAPSHOT_ID_LEN 15
void snapshot_make_id(char out[SNAPSHOT_ID_LEN], char prefix,
		      const char *arm_id);

/* Job helpers shared by the stages. */
bool job_is_restore(const struct job *j);
bool job_is_backup(const struct job *j);
bool job_succeeded(const struct job *j);
/* isReadyForMove false while Azure is "still determining" whether the
 * point can move: a passing state, not "never eligible". */
bool rp_move_undetermined(const struct rp *rp);

/* ---- writing ---- */

struct snapshot_writer {
	struct outdir dir;
	struct csv_writer *w[SF_COUNT];
	struct csv_file_info info[SF_COUNT];
	struct csv_writer *extra;              /* snapshot_writer_extra */
	const struct csv_schema *extra_schema;
};

int snapshot_writer_begin(struct snapshot_writer *sw, const char *path,
			  struct err *e);
void snapshot_put_vault(struct snapshot_writer *sw, const struct vault *v);
void snapshot_put_policy(struct snapshot_writer *sw, const struct policy *p);
void snapshot_put_item(struct snapshot_writer *sw, const struct item *it);
void snapshot_put_rp(struct snapshot_writer *sw, const struct rp *rp);
void snapshot_put_job(struct snapshot_writer *sw, const struct job *j);
void snapshot_put_guard(struct snapshot_writer *sw, const struct guard *g);
/* Opens an optional file beside the tables (costs.csv, which only some
 * snapshots have): committed and listed in the manifest with them. */
struct csv_writer *snapshot_writer_extra(struct snapshot_writer *sw,
					 const struct csv_schema *schema,
					 struct err *e);
/* Completes every CSV, fills m's file entries and counts, writes
 * manifest.json and renames the directory into place. */
int snapshot_writer_commit(struct snapshot_writer *sw, struct manifest *m,
			   struct err *e);
void snapshot_writer_abort(struct snapshot_writer *sw);

#endif
