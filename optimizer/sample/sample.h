/* SPDX-License-Identifier: MIT
 * sample.h: a deterministic, realistic synthetic Azure Backup estate,
 * written as a snapshot (the `sample` command and the tests use it). Never
 * prints, never reads the clock: the same options give byte-identical
 * files, the manifest included (its exported_at is the as-of time).
 *
 * What is generated, in this fixed order (gsl_rng_mt19937 seeded with the
 * seed; restore events come from a second mt19937 seeded with seed ^
 * 0x5eed5eed, so --hazard changes the restore history and nothing else):
 *  - one tenant, three subscriptions holding vaults and a fourth holding
 *    the Resource Guards; vaults cycle through twelve profiles whose
 *    protections differ (two pass every audit rule, each rule fails on at
 *    least one); guards.csv has a row per vault with MUA;
 *  - each vault's policies (VM Standard and Enhanced, SQL, HANA, Azure
 *    Files) from fixed templates;
 *  - items, one at a time: each item's points and jobs are built, written
 *    and dropped before the next item, so memory is flat in their number.
 *
 * Schedules. Run times are wall-clock times in the policy's time zone at
 * the zone's fixed standard offset (UTC 0, "GMT Standard Time" 0,
 * "W. Europe Standard Time" +1 h, "Pacific Standard Time" -8 h): Azure
 * keeps the UTC hour through daylight saving time. Hourly (Enhanced)
 * policies run at window_start + k * interval for k * interval <=
 * window_hours and < 24 h (08:00 every 4 h for 12 h: 08, 12, 16, 20). Each
 * run starts (rp_time) up to 2 h after its scheduled time, and fails
 * (makes no point) with probability 1.5%, or always inside an item's
 * failure streak. Runs whose start would be after the as-of have not
 * happened; a run still going at the as-of is an InProgress job with no
 * point yet.
 *
 * Recovery points. VM and Azure Files: a run's point is tagged daily
 * (daily_keep_days), weekly (on the retention day: Sunday for Daily and
 * Hourly policies, the first run day for Weekly ones), monthly (the
 * retention day in days 1-7 of the month) and yearly (the same, in
 * January); weekly, monthly and yearly tags go to the day's last run
 * only. rp_kind is the longest-kept tag and expiry = rp_time + the longest
 * of the tagged durations (calendar months and years). Enhanced Hourly
 * policies: only the last run of each calendar day (policy time zone)
 * goes to the vault; the others are Snapshot-tier points kept
 * instant_rp_days. SQL/HANA (no snapshot tier): `full` points per the full
 * schedule (retention tags as above), `differential` points on
 * diff_run_days (kept diff_keep_days, only after a first full), and one
 * `log` point per UTC day, timed at the day's last log backup (kept
 * log_keep_days). Items whose protection was stopped keep every vault
 * point that was alive at the stop forever (empty expiry_time).
 * Tiers at the as-of: SnapshotAndStandard while younger than
 * instant_rp_days (VM, Files), else Standard; Archive when the policy
 * tiers it: VM monthly/yearly points (TierAfter tier_after_days, or
 * TierRecommended at 90 days for items churning more than 1.5%/day) and
 * SQL/HANA fulls (TierAfter), moved at that age when at least 180 days of
 * retention are left then; StandardRehydrated when restored from Archive
 * in the last 15 days. move_ready is true for Standard monthly/yearly/full
 * points at least 90 (VM) or 45 (SQL/HANA) days old with at least 180 days
 * left; false with Azure's additionalInfo text when already moved, when
 * the retention left is too short, or when still too young ("still
 * determining"); unknown for every other point. Sizes come from
 * estimate_point_sizes (models/cost/sizes.h).
 *
 * Restores. Each recovery point i (including points that expired before
 * the as-of, which are generated but not written) is restored at the
 * events of a non-homogeneous Poisson process in its age a (days) with
 * intensity w_i * lambda(a), lambda(a) = B + K * (a + c)^-p
 * (modeling.md section 2), observed over ages [e_i, x_i]:
 *     e_i = max(0, restore_jobs_from - rp_time),
 *     x_i = min(as_of, expiry) - rp_time   (no expiry: as_of - rp_time).
 * The coverage weight w_i is by kind: daily 1, weekly 7, monthly 30,
 * yearly 365, full 7 (1 when fulls run daily), differential 1, log 0
 * (never restored by itself); a Snapshot-tier-only run of an Hourly
 * policy has w = hourly_interval_h / 24. The process is simulated exactly
 * by inverting the cumulative intensity: from a = e_i, draw E ~ Exp(1) and
 * move to the age a' with Lambda(a') = Lambda(a) + E / w_i (bisection),
 * repeating while a' <= x_i, where
 *     Lambda(a) = B a + K (c^(1-p) - (a+c)^(1-p)) / (p - 1)
 * (K ln((a+c)/c) when p = 1). Events of one item less than 24 h after the
 * previous kept event are merged into it (one job, as a retried restore).
 * A fitter that sees only the written points should drop restores whose
 * rp_time is not among the item's points (their exposure is not listed).
 * Outside the process, so that a few points are StandardRehydrated: each
 * item with a point archived before the last 15 days has, with
 * probability 0.1, one "restore drill" of such a point at a uniform time
 * in those 15 days, at most ESTATE_MAX_DRILLS per estate whatever its
 * size (too few to move a fit).
 * Restore jobs: data_gb = the point's full_gb, source_tier = its tier at
 * the restore (Snapshot while it has a snapshot, Archive once moved,
 * else Standard), duration_s = 600 + 3600 * data_gb / throughput with a
 * lognormal throughput (median 300 GB/h, sigma 0.6), plus 5-15 h of
 * rehydration from Archive; 5% fail; a job still running at the as-of is
 * InProgress with no end_time. Backup jobs cover the last 35 days
 * (backup_jobs_from), restore jobs the last 400 (restore_jobs_from). */
#ifndef VW_ESTATE_H
#define VW_ESTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/base/err.h"

/* lambda(a) = B + K (a + c)^-p restores per day per unit of coverage. */
struct sample_hazard {
	double B, K, c, p;
};

struct sample_options {
	unsigned long seed;
	long vaults, items;
	int64_t as_of;
	struct sample_hazard hazard;
};

/* Counts of what sample_write wrote. */
struct sample_stats {
	size_t vaults, policies, items, guards;
	size_t rps, jobs, restore_jobs;
};

#define ESTATE_DEFAULT_SEED 42
#define ESTATE_DEFAULT_VAULTS 12
#define ESTATE_DEFAULT_ITEMS 240
#define ESTATE_RESTORE_DAYS 400
#define ESTATE_BACKUP_DAYS 35
#define ESTATE_MAX_DRILLS 4

/* Fills the defaults (seed 42, 12 vaults, 240 items, as-of
 * 2026-11-01T00:00:00Z, the default hazard). */
void sample_options_init(struct sample_options *o);

/* Parses "B,K,c,p" with 0 <= B <= 0.01, 0 <= K <= 1, 0 < c <= 1000 and
 * 0 < p <= 5; 0 or -1. */
int sample_hazard_parse(const char *s, struct sample_hazard *out);

/* lambda(a) and Lambda(a) = integral of lambda from 0 to a. */
double sample_hazard_rate(const struct sample_hazard *h, double age_days);
double sample_hazard_cumulative(const struct sample_hazard *h,
				double age_days);

/* The manifest's generator string; caller frees. */
char *sample_generator_string(const struct sample_options *o);

/* Fixed standard offset in seconds east of UTC of an Azure time-zone
 * name used by the generator; 0 or -1 when unknown. */
int sample_zone_offset(const char *time_zone, int *offset_s);

/* Writes the estate as a snapshot directory at dir (atomically: the
 * directory appears complete or not at all). stats may be NULL. */
int sample_write(const struct sample_options *o, const char *dir,
		 struct sample_stats *stats, struct err *e);

/* sample --from: the estate of the snapshot `from` (any snapshot; a
 * sample's seed and hazard are read from its manifest) `months` months
 * later, written to dir as sample_write does. Every vault, policy and
 * item is kept, items under their ids, and what a month does happens:
 *  - protected items run on their policy's schedule from the old as-of
 *    (new points, backup jobs, failures as sample.h says); points expire
 *    and move to Archive as their policy says; a point restored from
 *    Archive is back in Archive (a rehydrated copy lasts 15 days);
 *  - sizes are estimate_point_sizes's on the item's source size and
 *    churn, so the new points are what the churn wrote;
 *  - restores of every point from the same hazard, over the new months
 *    only; old jobs stay while inside the job windows (35 and 400 days
 *    before the new as-of), those still running at the old as-of go;
 *  - per month, 1% of protected items stop protection (their points are
 *    kept), 0.5% are stopped with their data deleted (soft-deleted for
 *    the vault's soft-delete days, then gone), and for 1.5% a new item
 *    like it (a VM, a database on the same host, a share in the same
 *    account) is configured at a uniform time in the months, named after
 *    it and the new month ("-202612");
 *  - an item pending its first backup starts; a VM whose source is gone
 *    keeps failing;
 *  - with a plan applied (`applied`, a plan directory of the snapshot):
 *    the points its plan.csv moves before the new as-of are in Archive,
 *    and its policies tier as its policy_changes.csv proposes.
 * The manifest's generator says where the estate was aged from. */
struct sample_age_options {
	const char *from;
	int months;
	unsigned long seed;                /* set to the seed used */
	bool seed_given;                   /* else the snapshot's, or 42 */
	const struct sample_hazard *hazard; /* NULL: the snapshot's */
	const char *applied;               /* a plan directory, or NULL */
};
int sample_age(struct sample_age_options *ao, const char *dir,
	       struct sample_stats *stats, struct err *e);

/* The month's bill of the snapshot in snap_dir (the month before its
 * as-of), from hidden true sizes and negotiated prices: bill_dir/focus.csv
 * and bill_dir/usage-details.csv (sample_bill.c says how). prev_dir, or
 * NULL: the snapshot snap_dir was aged from; when it is of the month's
 * first day, the month is billed on the mean of the two. applied, or
 * NULL: the plan of prev_dir applied on that day (sample --applied),
 * whose moves the first day's state has already made. */
int sample_write_bill(const char *snap_dir, const char *prev_dir,
		      const char *applied, const char *bill_dir,
		      unsigned long seed, struct err *e);

#endif
