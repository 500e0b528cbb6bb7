/* SPDX-License-Identifier: MIT
 * audit_rules.h: the vault protection rules of `vaultwise audit`
 * (docs/outputs.md, "posture.csv"). Each rule is a pure function over the
 * snapshot structs of one vault that fills a finding: severity, pass/fail,
 * the evidence (snapshot field = value), the fix (what to change, as an az
 * command where one exists), a reference (docs URL or CIS/AzTS/PSRule id)
 * and a detail sentence. Called by optimizer/audit/audit.c; never reads
 * files, never prints.
 *
 * Rules, in the fixed order of posture.csv:
 *   immutable-vault       Disabled high, Unlocked medium, Locked pass;
 *                         names policies whose retention looks unintended
 *                         before a lock is recommended (see audit_rules.c)
 *   soft-delete           Disabled high; Enabled pass (note: AlwaysOn);
 *                         AlwaysOn pass; retention days shown
 *   (immutable-vault, soft-delete and cross-subscription-restore: a
 *   setting Azure did not send, empty in vaults.csv, is an info finding
 *   "unknown", never a default)
 *   mua-resource-guard    no proxy high; guard in the vault's subscription
 *                         medium; other subscription/tenant pass; mandatory
 *                         operations excluded or missing: inconsistent
 *   enhanced-policy       VM items on Standard policies that need Enhanced
 *                         (a target with rpo_hours < 24, or extra
 *                         backups in the job history) medium
 *   smart-tiering         long-term policies without tiering; TierAfter on
 *                         low-churn VMs: low
 *   redundancy-crr        LRS/ZRS with production data medium; GRS without
 *                         cross-region restore low
 *   cross-subscription-restore  Enabled medium (CIS 3.2.7)
 *   public-network-access Enabled medium
 *   customer-managed-keys Disabled low
 *   job-failure-alerts    Disabled medium; unknown info
 *
 * Passing findings carry severity info. A vault's score is
 *   100 - 20 per failing high - 8 per failing medium - 3 per failing low,
 * floored at 0 (info failures cost nothing): one medium finding gives 92,
 * three highs give 40, five highs give 0. */
#ifndef VW_POSTURE_H
#define VW_POSTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/strpool.h"
#include "models/check/targets.h"
#include "optimizer/base/util.h"

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_COUNT };
extern const char *const severity_names[SEV_COUNT];
/* "high", "medium", "low" or "info" (any case) -> enum severity; else -1. */
int severity_parse(const char *s);
/* Points a failing finding of this severity takes off the score. */
int severity_penalty(int severity);

/* PR_COUNT rules for Recovery Services vaults; Backup vaults take those
 * that apply to them (audit_bv_rules) and instance-protection. */
enum audit_rule {
	PR_IMMUTABLE, PR_SOFT_DELETE, PR_MUA, PR_ENHANCED, PR_TIERING,
	PR_REDUNDANCY, PR_XSUB_RESTORE, PR_PUBLIC_NETWORK, PR_CMK,
	PR_JOB_ALERTS, PR_COUNT,
	PR_BV_INSTANCES = PR_COUNT, PR_ALL_COUNT
};
extern const char *const audit_rule_ids[PR_ALL_COUNT];

/* Heuristics, stated here because the findings quote them. */
#define POSTURE_LONG_YEARS 10         /* yearly retention that looks
					 unintended before a lock */
#define POSTURE_LONG_MONTHS 120       /* monthly retention, likewise */
#define POSTURE_DAILY_OUTLIER_DAYS 180 /* daily retention outlier: at least
					  this many days and ... */
#define POSTURE_DAILY_OUTLIER_FACTOR 3 /* ... this many times the median of
					  the vault's other policies */
#define POSTURE_TIERING_MIN_MONTHS 9  /* smart tiering needs monthly or
					 yearly retention of >= 9 months */
#define POSTURE_LOW_CHURN 0.01        /* daily churn below 1%: TierAfter
					 makes full copies that can cost
					 more than they free */
#define POSTURE_EXTRA_BACKUP_HOURS 12 /* a successful backup less than
					 this long after the previous one
					 is an extra backup of the day; */
#define POSTURE_EXTRA_BACKUPS 3       /* this many extra backups ... */
#define POSTURE_JOB_WINDOW_DAYS 30    /* ... in this many days before
					 as_of show a need for several
					 backups a day (a late scheduled
					 run, up to 2 h, is no extra) */
#define POSTURE_LIST_MAX 5            /* names listed in evidence */

/* One row of a plan's policy_changes.csv (strings borrowed from the
 * table's pool). */
struct audit_plan_row {
	const char *policy_id, *proposed_tiering, *duration_type;
	const char *currency, *reason;
	long duration;            /* 0 when empty */
	double saving_total;      /* in currency, over the plan's horizon */
};

struct audit_plan {
	char *path;               /* the policy_changes.csv read */
	struct audit_plan_row *rows;
	size_t n;
	struct strpool pool;
	struct strmap map;        /* policy_id -> row index */
};

const struct audit_plan_row *audit_plan_find(
	const struct audit_plan *plan, const char *policy_id);
void audit_plan_release(struct audit_plan *plan);

/* What the rules read about one vault. Policies and items are the
 * vault's own, in snapshot order. */
struct vault_view {
	const struct snapshot *s;
	const struct vault *v;
	const struct policy **policies;
	size_t npolicies;
	const struct item **items;
	size_t nitems;
	const struct guard *guard;  /* the vault's guards.csv row, or NULL */
	const char *tenant_id;      /* vault's tenant, else the manifest's;
				       "" when unknown */
};

/* Inputs beyond the snapshot; every member may be NULL. */
struct audit_inputs {
	const struct target_set *targets;
	/* Per item index of the snapshot: extra backups (see
	 * POSTURE_EXTRA_BACKUP_HOURS) in the job window (NULL when the job
	 * history was not read). */
	const unsigned *extra_backups;
	const struct audit_plan *plan;
};

struct finding {
	int rule;                 /* enum audit_rule */
	int severity;             /* enum severity; info when passing */
	bool pass;
	const char *reference;    /* static string */
	struct strbuf evidence, fix, detail;
	double saving;            /* smart-tiering with a plan; else NAN */
	const char *currency;     /* borrowed; "" unless saving is set */
};

void finding_init(struct finding *f, int rule);
void finding_release(struct finding *f);

/* Evaluates one rule. */
void audit_rule_eval(int rule, const struct vault_view *vv,
		       const struct audit_inputs *in, struct finding *out);

/* The score of a vault's findings (see the top of this file). */
int audit_score(const struct finding *f, size_t n);

/* What the rules read about one Backup vault (snapshot_bv.h): its
 * policies and instances in snapshot order. */
struct bvault_view {
	const struct snapshot *s;
	const struct bvault *v;
	const struct bpolicy **policies;
	size_t npolicies;
	const struct binstance **instances;
	size_t ninstances;
	const char *tenant_id;      /* vault's, else the manifest's, or "" */
};

/* The rules of a Backup vault, in posture.csv order:
 *   immutable-vault, soft-delete, mua-resource-guard, redundancy-crr,
 *   cross-subscription-restore, customer-managed-keys and
 *   job-failure-alerts as for Recovery Services vaults (fixes with
 *   az dataprotection); instance-protection: instances not in
 *   ProtectionConfigured, in error (binstance_in_error) high, others
 *   medium.
 * enhanced-policy and smart-tiering (Recovery Services policies) and
 * public-network-access (a Backup vault has no such setting) don't
 * apply. */
#define POSTURE_BV_NRULES 8
extern const int audit_bv_rules[POSTURE_BV_NRULES];
void audit_bv_eval(int rule, const struct bvault_view *bv,
		     struct finding *out);

/* "backupconfig/write" for any spelling of a vault critical operation
 * (full ARM name, Resource Guard request type, CLI name), with what it
 * does and whether Azure lets it be excluded from MUA. Returns false for
 * an unknown operation. */
bool critical_op_lookup(const char *op, const char **name,
			const char **meaning, bool *mandatory);

#endif
