/* SPDX-License-Identifier: MIT
 * audit_rules.c: the vault protection rules' common parts (see
 * audit_rules.h for the list, the severities and the score): names,
 * references, findings, the plan lookup and the dispatch to the rules in
 * audit_vault.c, audit_guard.c and audit_policy.c. Each rule reads one
 * vault's rows and fills a finding: evidence as snapshot field=value
 * pairs, the risk in the detail, and a fix a person can carry out. Pure
 * functions: no I/O. */
#include "models/audit/audit_internal.h"

#include <math.h>

const char *const severity_names[SEV_COUNT] = { "info", "low", "medium",
						"high" };

const char *const audit_rule_ids[PR_ALL_COUNT] = {
	"immutable-vault",	     "soft-delete",
	"mua-resource-guard",	     "enhanced-policy",
	"smart-tiering",	     "redundancy-crr",
	"cross-subscription-restore", "public-network-access",
	"customer-managed-keys",     "job-failure-alerts",
	"instance-protection",
};

#define LEARN "https://learn.microsoft.com/azure/backup/"

static const char *const rule_refs[PR_ALL_COUNT] = {
	"AzTS Azure_RecoveryServicesVault_DP_Enable_Immutability; " LEARN
	"backup-azure-immutable-vault-concept",
	"AzTS Azure_RecoveryServicesVault_DP_Enable_Soft_Delete; " LEARN
	"backup-azure-enhanced-soft-delete-about",
	LEARN "multi-user-authorization-concept",
	LEARN "backup-azure-vms-enhanced-policy",
	LEARN "archive-tier-support",
	"PSRule Azure.RSV.StorageType; " LEARN
	"backup-create-recovery-services-vault",
	"CIS Microsoft Azure Storage Services Benchmark 3.2.7; " LEARN
	"backup-azure-arm-restore-vms",
	LEARN "private-endpoints",
	LEARN "encryption-at-rest-with-cmk",
	LEARN "monitoring-and-alerts-overview",
	LEARN "backup-vault-overview",
};

int severity_parse(const char *s)
{
	for (int i = 0; i < SEV_COUNT; i++)
		if (str_eq_ci(s, severity_names[i]))
			return i;
	return -1;
}

int severity_penalty(int severity)
{
	static const int penalty[SEV_COUNT] = { 0, 3, 8, 20 };
	return severity >= 0 && severity < SEV_COUNT ? penalty[severity] : 0;
}

int audit_score(const struct finding *f, size_t n)
{
	int score = 100;

	for (size_t i = 0; i < n; i++)
		if (!f[i].pass)
			score -= severity_penalty(f[i].severity);
	return score < 0 ? 0 : score;
}

void finding_init(struct finding *f, int rule)
{
	struct strbuf empty = STRBUF_INIT;

	f->rule = rule;
	f->severity = SEV_INFO;
	f->pass = true;
	f->reference = rule_refs[rule];
	f->evidence = f->fix = f->detail = empty;
	f->saving = NAN;
	f->currency = "";
}

void finding_release(struct finding *f)
{
	strbuf_release(&f->evidence);
	strbuf_release(&f->fix);
	strbuf_release(&f->detail);
}

const struct audit_plan_row *audit_plan_find(
	const struct audit_plan *plan, const char *policy_id)
{
	size_t i;

	if (!plan || strmap_get(&plan->map, policy_id, &i))
		return NULL;
	return &plan->rows[i];
}

void audit_plan_release(struct audit_plan *plan)
{
	if (!plan)
		return;
	free(plan->path);
	free(plan->rows);
	strmap_release(&plan->map);
	strpool_release(&plan->pool);
	memset(plan, 0, sizeof(*plan));
}

typedef void (*rule_fn)(const struct vault_view *vv,
			const struct audit_inputs *in, struct finding *f);

/* In the order of enum audit_rule. */
static const rule_fn rule_fns[PR_COUNT] = {
	audit_immutable,    audit_soft_delete,    audit_mua,
	audit_enhanced,     audit_tiering,	      audit_redundancy,
	audit_xsub_restore, audit_public_network, audit_cmk,
	audit_job_alerts,
};

void audit_rule_eval(int rule, const struct vault_view *vv,
		       const struct audit_inputs *in, struct finding *out)
{
	static const struct audit_inputs none = { NULL, NULL, NULL };

	finding_init(out, rule);
	rule_fns[rule](vv, in ? in : &none, out);
}
