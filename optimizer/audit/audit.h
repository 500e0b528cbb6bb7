/* SPDX-License-Identifier: MIT
 * audit.h: the audit stage. Runs every posture rule
 * (models/audit/audit_rules.h) on every vault of a snapshot and writes posture.csv
 * atomically: one row per vault and rule, passes included, vaults in
 * vaults.csv order and rules in the fixed order of enum audit_rule,
 * then the Backup vaults of backup_vaults.csv with the rules that apply
 * to them (audit_bv_rules); the Recovery Services vaults that protect
 * no items share one last row (no_protected_items).
 * Columns: vault_id, rule_id, severity, status, evidence, fix
 * (docs/outputs.md), then vault_name, subscription_id, reference, detail,
 * saving_total, currency, vault_kind (RecoveryServices or BackupVault).
 * Called by `vaultwise audit` (cmd_audit.c) and by `run`. Never prints:
 * the caller reports the summary. */
#ifndef VW_POSTURE_AUDIT_H
#define VW_POSTURE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/base/err.h"
#include "models/audit/audit_rules.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"

/* What the audit reads of jobs.csv, read ahead of audit_run (run reads
 * it while the plan runs). */
struct audit_jobs {
	unsigned *extra_backups; /* per item; NULL: no rule needs them */
};

struct audit_options {
	/* RPO targets for enhanced-policy (borrowed); NULL: none. */
	const struct target_set *targets;
	/* A plan directory: its policy_changes.csv gives smart-tiering the
	 * saving of each policy; NULL: no plan. */
	const char *plan_dir;
	/* jobs.csv as audit_jobs_read read it (borrowed); NULL: audit_run
	 * reads it. */
	const struct audit_jobs *jobs;
};

struct audit_vault_score {
	const char *vault_id, *vault_name; /* borrowed from the snapshot */
	unsigned passed, total;
	unsigned fails[SEV_COUNT];         /* failing findings by severity */
	int score;                         /* 0-100, see audit_rules.h */
};

struct audit_summary {
	struct audit_vault_score *vaults; /* nvaults: vaults.csv order,
					       then backup_vaults.csv's;
					       total 0: protects no items,
					       not checked */
	size_t nvaults, nempty;
	unsigned rows, passed;
	unsigned fails[SEV_COUNT];          /* failing findings by severity */
	unsigned rule_fails[PR_ALL_COUNT];  /* failing findings per rule */
	int worst;                          /* highest failing severity, or
					       -1 when everything passed */
	int min_score;                      /* 100 for an empty estate */
	double mean_score;
};

/* Audits s (as of s->as_of, which bounds the job history read) and writes
 * out_path. On success fills *out (release with audit_summary_release;
 * its vault names are borrowed from s: use it before snapshot_release);
 * on failure nothing is written and e says why (65 bad plan or job data,
 * 66 plan missing, 73/74 output). */
int audit_run(struct snapshot *s, const struct audit_options *o,
		      const char *out_path, struct audit_summary *out,
		      struct err *e);
void audit_summary_release(struct audit_summary *sum);

/* Reads what the audit needs of s's jobs.csv; 0, or -1 with e set (65
 * bad job data) and nothing held. Release with audit_jobs_release. */
int audit_jobs_read(struct snapshot *s, struct audit_jobs *out,
		    struct err *e);
void audit_jobs_release(struct audit_jobs *j);

/* Whether a failing finding is at or above severity (for --fail-on). */
bool audit_summary_fails_at(const struct audit_summary *sum,
			      int severity);

/* Reads PLAN_DIR/policy_changes.csv (columns policy_id, proposed_tiering,
 * saving_total, currency required; duration, duration_type, reason
 * optional; others ignored). Release with audit_plan_release. */
int audit_plan_load(struct audit_plan *plan, const char *plan_dir,
		      struct err *e);

#endif
