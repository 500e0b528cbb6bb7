/* SPDX-License-Identifier: MIT
 * export.h: reads live Azure (ARM) into a snapshot: subscriptions, Recovery
 * Services vaults with their security settings and backup config, backup
 * policies, protected items, every recovery point of every item, backup
 * and restore jobs over look-back windows (with restore details), and the
 * Resource Guards behind multi-user authorization, and with costs the
 * last full month's actual cost of the vaults (Cost Management, into
 * costs.csv; export_costs.c). What Azure refuses
 * (403) is recorded as a manifest warning and the export goes on; when
 * nothing at all could be read the export fails with exit 77.
 *
 * Called by cmd_export and by `run` (cmd_run). Never prints: progress goes
 * through the callback, the outcome through export_summary and err. */
#ifndef VW_EXPORT_H
#define VW_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optimizer/azure/cloud.h"
#include "optimizer/base/err.h"
#include "optimizer/azure/http.h"

struct export_progress {
	size_t subscriptions, vaults, vaults_done, items, items_done;
	uint64_t points, jobs;
	struct http_stats http;
	double eta_s;                 /* -1 while unknown */
};

struct export_options {
	struct cloud_options cloud;
	const char *const *subscriptions; /* --subscription; none: all */
	size_t nsubscriptions;
	const char *vault_glob;       /* --vault, on vault names */
	int shard_k, shard_n;         /* --shard K/N; n = 0: no sharding */
	int concurrency;              /* default 8 */
	const char *sizes_file;       /* --sizes FILE */
	bool tiering_cost;            /* --tiering-cost */
	bool backup_job_details;      /* GET each backup job for its size */
	bool costs;                   /* --costs: costs.csv, last month's */
	bool resource_graph;          /* --inventory resource-graph: jobs by
					 Resource Graph queries */
	const char *since;            /* --since DIR: ended jobs' details
					 from that snapshot */
	int lookback_days;            /* restore jobs; default 400 */
	int backup_jobs_days;         /* backup jobs; default 35 */
	int64_t as_of;                /* TIME_NONE: now */
	double retry_budget_s;        /* per request; default 300 */
	long max_pages;               /* per listing; default ARM_MAX_PAGES */
	void (*progress)(void *ctx, const struct export_progress *p);
	void *progress_ctx;
};
void export_options_init(struct export_options *o);

struct export_summary {
	size_t subscriptions, vaults, policies, items, guards;
	uint64_t points, jobs;
	/* Backup vaults: their policies, instances, points and jobs */
	size_t bvaults, bpolicies, binstances;
	uint64_t bpoints, bjobs;
	size_t warnings;
	long costs;                   /* costs.csv rows; -1: not asked */
	unsigned long requests, retries, throttled;
	unsigned long reused;         /* job details taken from --since */
	double elapsed_s;
	char credential[64];          /* "a client secret", ... */
	char sizes[64];               /* where item sizes came from */
};

/* Exports into out_dir (written atomically). sum may be NULL. */
int export_run(const struct export_options *o, const char *out_dir,
	       struct export_summary *sum, struct err *e);

/* Whether any Azure credential source is configured (environment and
 * local files only; no network). */
bool export_credentials_configured(void);

/* "K/N" with 0 <= K < N <= 1024. */
int export_parse_shard(const char *s, int *k, int *n);
/* Whether a subscription belongs to shard k of n: the first 8 bytes of
 * SHA-256 of the lowercased id, big-endian, modulo n. */
bool export_in_shard(const char *subscription_id, int k, int n);

/* Default sizes when neither --sizes nor --tiering-cost gives them. */
struct size_default {
	double source_gb, daily_churn;
};
extern const struct size_default export_size_defaults[];

#endif
