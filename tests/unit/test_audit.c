/* SPDX-License-Identifier: MIT
 * test_audit.c: the vault protection rules (models/audit/audit_rules.h) and the
 * audit stage (optimizer/audit/audit.h). Every rule gets a passing and a
 * failing vault built from snapshot rows written with snapshot_writer_*;
 * one test maps Microsoft's example payloads (GETVault.json,
 * BackupResourceVaultConfigs_Get.json, GetResourceGuardProxy.json,
 * GetResourceGuard.json, PUTVault_*.json) into rows by hand, as
 * docs/arm-contract.md says, and checks the verdicts. */
#include "testsnap.h"

#include <math.h>

#include "optimizer/snapshot/manifest.h"
#include "models/audit/audit_rules.h"
#include "optimizer/audit/audit.h"
#include "optimizer/snapshot/snapshot.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"

#define SUB "11111111-1111-1111-1111-111111111111"
#define SUB_GUARD "22222222-2222-2222-2222-222222222222"
#define TENANT "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
#define TENANT_OTHER "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
#define GUARD_ID(sub)                                                    \
	"/subscriptions/" sub "/resourceGroups/rg-guard/providers/"      \
	"Microsoft.DataProtection/resourceGuards/guard-weu"
#define OP(x) "Microsoft.RecoveryServices/vaults/" x
#define MANDATORY_OPS OP("backupconfig/write") ";" \
	OP("backupResourceGuardProxies/delete")

/* 2026-11-01T00:00:00Z */
#define AS_OF ((int64_t)1793491200)

/* ---- a small estate, written as a real snapshot ---- */

struct fx {
	struct vault v[4];
	struct policy p[8];
	struct item it[8];
	struct guard g[4];
	struct job j[16];
	size_t nv, np, ni, ng, nj;
};

/* A vault with every protection on. */
static struct vault good_vault(const char *id, const char *name)
{
	struct vault v = { 0 };

	v.vault_id = id;
	v.subscription_id = SUB;
	v.resource_group = "rg-backup-prod";
	v.vault_name = name;
	v.location = "westeurope";
	v.resource_guard_id = GUARD_ID(SUB_GUARD);
	v.tenant_id = TENANT;
	v.redundancy = RED_GRS;
	v.cross_region_restore = ON;
	v.immutability = IMM_LOCKED;
	v.soft_delete = SD_ALWAYSON;
	v.soft_delete_days = 14;
	v.mua = ON;
	v.cross_subscription_restore = XSR_DISABLED;
	v.public_network_access = OFF;
	v.cmk = ON;
	v.job_failure_alerts = ON;
	return v;
}

/* An Enhanced VM policy, every 4 h, 12 monthly points, TierRecommended. */
static struct policy vm_policy(const char *id, const char *vault_id,
			       const char *name)
{
	struct policy p = test_policy(id, vault_id, name);

	p.window_start = "08:00";
	p.run_times = "";
	p.policy_type = PT_ENHANCED;
	p.frequency = FREQ_HOURLY;
	p.hourly_interval_h = 4;
	p.window_hours = 24;
	p.instant_rp_days = 7;
	p.weekly_keep_weeks = 12;
	p.monthly_keep_months = 12;
	p.tiering_mode = TM_TIERRECOMMENDED;
	return p;
}

/* A Standard (once a day) VM policy. */
static struct policy standard_policy(const char *id, const char *vault_id,
				     const char *name)
{
	struct policy p = vm_policy(id, vault_id, name);

	p.policy_type = PT_STANDARD;
	p.frequency = FREQ_DAILY;
	p.hourly_interval_h = p.window_hours = 0;
	p.window_start = "";
	p.run_times = "02:30";
	p.instant_rp_days = 2;
	return p;
}

static struct item vm_item(const char *id, const char *vault_id,
			   const char *policy_id, const char *name)
{
	struct item it = test_item(id, vault_id, policy_id, name);

	it.source_gb = 128;
	it.daily_churn = 0.03;
	it.standard_gb = 400;
	return it;
}

static struct guard guard_row(const char *vault_id, const char *sub,
			      const char *tenant, const char *excluded)
{
	struct guard g = { 0 };

	g.vault_id = vault_id;
	g.resource_guard_id = strcmp(sub, SUB) == 0 ? GUARD_ID(SUB)
						    : GUARD_ID(SUB_GUARD);
	g.guard_subscription_id = sub;
	g.guard_tenant_id = tenant;
	g.protected_operations = MANDATORY_OPS ";" OP("backupPolicies/write");
	g.excluded_operations = excluded;
	return g;
}

static struct job backup_job(const char *id, const struct item *it,
			     int64_t start)
{
	struct job j = { 0 };

	j.job_id = id;
	j.vault_id = it->vault_id;
	j.item_id = it->item_id;
	j.operation = "Backup";
	j.status = "Completed";
	j.source_tier = j.error_code = "";
	j.start_time = start;
	j.end_time = start + 1800;
	j.duration_s = 1800;
	j.rp_time = TIME_NONE;
	j.data_gb = NAN;
	return j;
}

/* One good vault with one Enhanced VM policy, one VM and its guard. */
static void fx_default(struct fx *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->v[fx->nv++] = good_vault("v-000000000001", "rsv-prod-weu-01");
	fx->p[fx->np++] = vm_policy("p-000000000001", "v-000000000001",
				    "EnhancedHourly");
	fx->it[fx->ni++] = vm_item("i-000000000001", "v-000000000001",
				   "p-000000000001", "vm-web-01");
	fx->g[fx->ng++] = guard_row("v-000000000001", SUB_GUARD, TENANT, "");
}

static void fx_write(const struct fx *fx, const char *path)
{
	struct snapshot_writer sw;
	struct manifest m;
	struct err e = ERR_INIT;

	assert_int_equal(snapshot_writer_begin(&sw, path, &e), 0);
	for (size_t i = 0; i < fx->nv; i++)
		snapshot_put_vault(&sw, &fx->v[i]);
	for (size_t i = 0; i < fx->np; i++)
		snapshot_put_policy(&sw, &fx->p[i]);
	for (size_t i = 0; i < fx->ni; i++)
		snapshot_put_item(&sw, &fx->it[i]);
	for (size_t i = 0; i < fx->ng; i++)
		snapshot_put_guard(&sw, &fx->g[i]);
	for (size_t i = 0; i < fx->nj; i++)
		snapshot_put_job(&sw, &fx->j[i]);
	test_manifest(&m, "csv", AS_OF, TENANT, SUB);
	test_commit_with(&sw, &m);
}

/* Writes fx as a snapshot in a fresh directory and opens it. */
static void fx_open(const struct fx *fx, struct snapshot *s)
{
	static int serial;
	char name[32];
	char *path;
	struct err e = ERR_INIT;

	snprintf(name, sizeof(name), "snap%d", serial++);
	path = test_path(name);
	fx_write(fx, path);
	if (snapshot_open(s, path, &e))
		fail_msg("%s", e.msg);
	free(path);
}

/* Runs one rule on vault vi of s, building the vault's view as the audit
 * stage does. */
static void eval_rule(const struct snapshot *s, size_t vi, int rule,
		      const struct audit_inputs *in, struct finding *f)
{
	const struct policy *pp[16];
	const struct item *ii[16];
	struct vault_view vv = { 0 };

	vv.s = s;
	vv.v = &s->vaults[vi];
	vv.policies = pp;
	vv.items = ii;
	vv.tenant_id = vv.v->tenant_id[0] ? vv.v->tenant_id
					  : s->manifest.tenant_id;
	for (size_t i = 0; i < s->npolicies; i++)
		if (!strcmp(s->policies[i].vault_id, vv.v->vault_id))
			pp[vv.npolicies++] = &s->policies[i];
	for (size_t i = 0; i < s->nitems; i++)
		if (s->items[i].vault_idx == vi)
			ii[vv.nitems++] = &s->items[i];
	for (size_t i = 0; i < s->nguards && !vv.guard; i++)
		if (!strcmp(s->guards[i].vault_id, vv.v->vault_id))
			vv.guard = &s->guards[i];
	audit_rule_eval(rule, &vv, in, f);
}

static void show(const struct finding *f)
{
	print_message("# %s %s %s\n#  evidence: %s\n#  fix: %s\n"
		      "#  detail: %s\n",
		      audit_rule_ids[f->rule], f->pass ? "pass" : "fail",
		      severity_names[f->severity], f->evidence.buf,
		      f->fix.buf, f->detail.buf);
}

static void expect_verdict(const struct finding *f, bool pass, int severity)
{
	if (f->pass != pass || f->severity != severity) {
		show(f);
		fail_msg("expected %s %s", pass ? "pass" : "fail",
			 severity_names[severity]);
	}
	if (!pass && (!f->evidence.len || !f->fix.len)) {
		show(f);
		fail_msg("a failing finding needs evidence and a fix");
	}
}

static void expect_text(const struct finding *f, const struct strbuf *sb,
			const char *needle)
{
	if (!strstr(sb->buf, needle)) {
		show(f);
		fail_msg("'%s' not found", needle);
	}
}

/* Opens fx, runs rule on vault 0 and checks the verdict. The finding is
 * kept in *f for further checks (release with finding_release). */
static void run_rule(const struct fx *fx, int rule,
		     const struct audit_inputs *in, bool pass, int severity,
		     struct finding *f)
{
	struct snapshot s;

	fx_open(fx, &s);
	eval_rule(&s, 0, rule, in, f);
	/* The finding borrows nothing from s but its currency, which comes
	 * from the plan, so the snapshot can go now. */
	snapshot_release(&s);
	expect_verdict(f, pass, severity);
}

static void verdict(const struct fx *fx, int rule, bool pass, int severity)
{
	struct finding f;

	run_rule(fx, rule, NULL, pass, severity, &f);
	finding_release(&f);
}

/* ---- the default vault passes everything ---- */

static void test_audit__good_vault_passes_every_rule(void **state)
{
	struct fx fx;
	struct snapshot s;

	(void)state;
	fx_default(&fx);
	fx_open(&fx, &s);
	for (int r = 0; r < PR_COUNT; r++) {
		struct finding f;
		eval_rule(&s, 0, r, NULL, &f);
		expect_verdict(&f, true, SEV_INFO);
		assert_true(f.evidence.len > 0);
		assert_non_null(strstr(f.reference, "http"));
		finding_release(&f);
	}
	snapshot_release(&s);
}

/* ---- immutable-vault ---- */

static void test_audit__immutable_states(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	run_rule(&fx, PR_IMMUTABLE, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "immutability=Locked");
	finding_release(&f);

	fx.v[0].immutability = IMM_UNLOCKED;
	run_rule(&fx, PR_IMMUTABLE, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "immutability=Unlocked");
	expect_text(&f, &f.fix, "--immutability-state Locked");
	expect_text(&f, &f.fix, "makes retention reductions impossible");
	expect_text(&f, &f.fix, "no policy's retention looks unintended");
	finding_release(&f);

	fx.v[0].immutability = IMM_DISABLED;
	run_rule(&fx, PR_IMMUTABLE, NULL, false, SEV_HIGH, &f);
	expect_text(&f, &f.evidence, "immutability=Disabled");
	expect_text(&f, &f.fix, "az backup vault update -g rg-backup-prod "
				"-n rsv-prod-weu-01 --immutability-state "
				"Unlocked");
	finding_release(&f);
}

static void test_audit__immutable_names_unintended_retention(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].immutability = IMM_UNLOCKED;
	fx.p[fx.np] = vm_policy("p-000000000002", "v-000000000001",
				"Yearly10");
	fx.p[fx.np++].yearly_keep_years = 10;
	fx.p[fx.np] = vm_policy("p-000000000003", "v-000000000001",
				"Daily400");
	fx.p[fx.np++].daily_keep_days = 400;
	fx.p[fx.np] = vm_policy("p-000000000004", "v-000000000001",
				"Yearly7");
	fx.p[fx.np++].yearly_keep_years = 7;
	run_rule(&fx, PR_IMMUTABLE, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.fix, "'Yearly10' yearly_keep_years=10");
	/* Daily 400 against the others' 30: 13.3x the median. */
	expect_text(&f, &f.fix, "'Daily400' daily_keep_days=400 (13.3x the "
				"median 30");
	if (strstr(f.fix.buf, "Yearly7") || strstr(f.fix.buf, "Enhanced"))
		fail_msg("a 7-year or 30-day retention is not unintended: %s",
			 f.fix.buf);
	expect_text(&f, &f.detail, "yearly >= 10 years");
	finding_release(&f);

	/* Locked already: still passes, and says the retention is fixed. */
	fx.v[0].immutability = IMM_LOCKED;
	run_rule(&fx, PR_IMMUTABLE, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "now fixed too: 'Yearly10'");
	finding_release(&f);
}

/* ---- soft-delete ---- */

static void test_audit__soft_delete_states(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].soft_delete_days = 30;
	run_rule(&fx, PR_SOFT_DELETE, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "soft_delete=AlwaysOn; "
				     "soft_delete_days=30");
	expect_text(&f, &f.detail, "beyond the first 14 are billed");
	finding_release(&f);

	fx.v[0].soft_delete = SD_ENABLED;
	run_rule(&fx, PR_SOFT_DELETE, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "soft_delete=Enabled");
	expect_text(&f, &f.fix, "--soft-delete-feature-state AlwaysOn");
	finding_release(&f);

	fx.v[0].soft_delete = SD_DISABLED;
	run_rule(&fx, PR_SOFT_DELETE, NULL, false, SEV_HIGH, &f);
	expect_text(&f, &f.evidence, "soft_delete=Disabled");
	expect_text(&f, &f.fix, "az backup vault backup-properties set");
	finding_release(&f);
}

/* ---- mua-resource-guard ---- */

static void test_audit__mua_isolation(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	run_rule(&fx, PR_MUA, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "another subscription");
	finding_release(&f);

	/* Same subscription as the vault: weak isolation. */
	fx.g[0] = guard_row("v-000000000001", SUB, TENANT, "");
	fx.v[0].resource_guard_id = GUARD_ID(SUB);
	run_rule(&fx, PR_MUA, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "guard_subscription_id=" SUB);
	expect_text(&f, &f.detail, "own subscription");
	finding_release(&f);

	/* Same subscription id but another tenant: passes. */
	fx.g[0].guard_tenant_id = TENANT_OTHER;
	run_rule(&fx, PR_MUA, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "another tenant");
	finding_release(&f);

	/* No proxy at all. */
	fx.ng = 0;
	fx.v[0].resource_guard_id = "";
	fx.v[0].mua = OFF;
	run_rule(&fx, PR_MUA, NULL, false, SEV_HIGH, &f);
	expect_text(&f, &f.evidence, "resource_guard_id=(empty)");
	expect_text(&f, &f.fix, "resource-guard-mapping update -g "
				"rg-backup-prod -n rsv-prod-weu-01");
	finding_release(&f);
}

static void test_audit__mua_guard_id_without_guards_row(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.ng = 0; /* the subscription comes from the vault's guard id */
	run_rule(&fx, PR_MUA, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "guard_subscription_id=" SUB_GUARD);
	finding_release(&f);
}

static void test_audit__mua_exclusions(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.g[0].excluded_operations = OP("backupSecurityPIN/action") ";"
		OP("backupPolicies/write");
	run_rule(&fx, PR_MUA, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "not protected by MUA: "
				   "backupSecurityPIN/action (get security "
				   "PIN), backupPolicies/write (reduce "
				   "retention in a policy)");
	expect_text(&f, &f.fix, "--resource-guard-name guard-weu");
	finding_release(&f);

	/* A mandatory operation can't be excluded: inconsistent. */
	fx.g[0].excluded_operations = OP("backupconfig/write");
	run_rule(&fx, PR_MUA, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "excluded_operations=" OP("backupconfig/"
							      "write"));
	expect_text(&f, &f.detail, "snapshot inconsistent: "
				   "excluded_operations lists "
				   "backupconfig/write (disable soft delete)");
	finding_release(&f);

	/* Nor be missing from the protected ones. */
	fx.g[0].excluded_operations = "";
	fx.g[0].protected_operations = OP("backupconfig/write");
	run_rule(&fx, PR_MUA, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.detail, "lacks backupResourceGuardProxies/delete");
	finding_release(&f);
}

static void test_audit__critical_op_spellings(void **state)
{
	const char *name, *meaning;
	bool mandatory = false;

	(void)state;
	assert_true(critical_op_lookup(OP("backupconfig/write"), &name,
				       &meaning, &mandatory));
	assert_string_equal(name, "backupconfig/write");
	assert_true(mandatory);
	assert_true(critical_op_lookup("Microsoft.DataProtection/"
				       "resourceGuards/"
				       "deleteResourceGuardProxyRequests",
				       &name, &meaning, &mandatory));
	assert_string_equal(name, "backupResourceGuardProxies/delete");
	assert_true(critical_op_lookup("getSecurityPIN", &name, &meaning,
				       &mandatory));
	assert_string_equal(name, "backupSecurityPIN/action");
	assert_false(mandatory);
	assert_false(critical_op_lookup("vaults/unknown", &name, &meaning,
					&mandatory));
}

/* ---- enhanced-policy ---- */

static void load_targets(struct target_set *ts, const char *text)
{
	struct err e = ERR_INIT;
	char *path = test_write("targets.csv", text);

	if (targets_load(ts, path, &e))
		fail_msg("%s", e.msg);
	free(path);
}

static void test_audit__enhanced_policy_targets(void **state)
{
	struct fx fx;
	struct finding f;
	struct target_set ts;
	struct audit_inputs in = { NULL, NULL, NULL };

	(void)state;
	load_targets(&ts, "target_id,scope_type,scope,tier,rpo_hours,"
			  "rto_hours\n"
			  "web-6h,name,vm-web-*,snapshot,6,4\n"
			  "db-vault,name,vm-db-*,vault,12,8\n"
			  "all-daily,workload,AzureVM,any,24,48\n");
	in.targets = &ts;
	fx_default(&fx);
	fx.p[0] = standard_policy("p-000000000001", "v-000000000001",
				  "DailyStandard");
	fx.it[fx.ni++] = vm_item("i-000000000002", "v-000000000001",
				 "p-000000000001", "vm-db-01");
	run_rule(&fx, PR_ENHANCED, &in, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "vm_items_standard=2");
	expect_text(&f, &f.evidence, "'DailyStandard' policy_type=Standard "
				     "instant_rp_days=2");
	expect_text(&f, &f.evidence, "'vm-web-01' (policy 'DailyStandard'; "
				     "target 'web-6h' rpo_hours=6)");
	expect_text(&f, &f.fix, "every 6 h");
	/* A vault-tier target can't be met by Enhanced either. */
	if (strstr(f.evidence.buf, "vm-db-01"))
		fail_msg("vault-tier target counted: %s", f.evidence.buf);
	finding_release(&f);

	/* Same targets, items on an Enhanced policy: passes. */
	fx.p[0] = vm_policy("p-000000000001", "v-000000000001", "Hourly");
	run_rule(&fx, PR_ENHANCED, &in, true, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "vm_items_enhanced=2");
	expect_text(&f, &f.evidence, "instant_rp_days=7");
	finding_release(&f);

	/* Standard policy, no target under 24 h: passes. */
	fx.p[0] = standard_policy("p-000000000001", "v-000000000001",
				  "DailyStandard");
	run_rule(&fx, PR_ENHANCED, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "no --targets given");
	finding_release(&f);
	targets_release(&ts);
}

static void test_audit__enhanced_policy_job_history(void **state)
{
	struct fx fx;
	struct finding f;
	unsigned extra[2] = { POSTURE_EXTRA_BACKUPS, 0 };
	struct audit_inputs in = { NULL, extra, NULL };

	(void)state;
	fx_default(&fx);
	fx.p[0] = standard_policy("p-000000000001", "v-000000000001",
				  "DailyStandard");
	run_rule(&fx, PR_ENHANCED, &in, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "3 backups < 12 h after the previous "
				     "one in the last 30 days");
	finding_release(&f);

	extra[0] = POSTURE_EXTRA_BACKUPS - 1;
	run_rule(&fx, PR_ENHANCED, &in, true, SEV_INFO, &f);
	finding_release(&f);
}

/* ---- smart-tiering ---- */

static void test_audit__smart_tiering_untiered(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.p[0].monthly_keep_months = 60;
	fx.p[0].tiering_mode = TM_NONE;
	run_rule(&fx, PR_TIERING, NULL, false, SEV_LOW, &f);
	expect_text(&f, &f.evidence, "'EnhancedHourly' monthly_keep_months=60 "
				     "yearly_keep_years=0 tiering_mode=None");
	expect_text(&f, &f.fix, "TierRecommended");
	assert_true(isnan(f.saving));
	finding_release(&f);

	fx.p[0].tiering_mode = TM_DONOTTIER;
	verdict(&fx, PR_TIERING, false, SEV_LOW);

	/* 6 monthly points: too short for smart tiering to apply. */
	fx.p[0].monthly_keep_months = 6;
	verdict(&fx, PR_TIERING, true, SEV_INFO);

	/* Azure Files has no archive tier. */
	fx.p[0].monthly_keep_months = 60;
	fx.p[0].workload = WL_FILES;
	fx.it[0].workload = WL_FILES;
	verdict(&fx, PR_TIERING, true, SEV_INFO);
}

static void test_audit__smart_tiering_low_churn(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.p[0].tiering_mode = TM_TIERAFTER;
	fx.p[0].tier_after_days = 90;
	run_rule(&fx, PR_TIERING, NULL, true, SEV_INFO, &f);
	finding_release(&f);

	fx.it[0].daily_churn = 0.004;
	run_rule(&fx, PR_TIERING, NULL, false, SEV_LOW, &f);
	expect_text(&f, &f.evidence, "'vm-web-01' daily_churn=0.40%");
	expect_text(&f, &f.detail, "full copy");
	expect_text(&f, &f.detail, "azure-backup.md §3.2");
	finding_release(&f);
}

static void test_audit__smart_tiering_plan_saving(void **state)
{
	struct fx fx;
	struct finding f;
	struct audit_plan plan;
	struct err e = ERR_INIT;
	char *dir = test_path("plan");
	char *csv = path_join(dir, "policy_changes.csv");
	struct audit_inputs in = { NULL, NULL, &plan };
	FILE *out;

	(void)state;
	assert_int_equal(mkdir_p(dir, &e), 0);
	out = fopen(csv, "w");
	assert_non_null(out);
	fputs("policy_id,vault_id,vault_name,policy_name,workload,"
	      "current_tiering,proposed_tiering,duration,duration_type,"
	      "saving_total,currency,reason\n"
	      "p-000000000001,v-000000000001,rsv-prod-weu-01,EnhancedHourly,"
	      "AzureVM,None,TierAfter,3,Months,412.5,USD,saves money\n"
	      "p-000000000002,v-000000000001,rsv-prod-weu-01,Flat,AzureVM,"
	      "None,None,,,0,USD,low churn: archive copy costs more\n",
	      out);
	fclose(out);
	if (audit_plan_load(&plan, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(plan.n, 2);

	fx_default(&fx);
	fx.p[0].monthly_keep_months = 60;
	fx.p[0].tiering_mode = TM_NONE;
	run_rule(&fx, PR_TIERING, &in, false, SEV_LOW, &f);
	expect_text(&f, &f.evidence, "(plan: TierAfter 3 Months, saving "
				     "412.50 USD)");
	expect_text(&f, &f.fix, "the plan's TierAfter 3 Months");
	expect_text(&f, &f.detail, "the plan: 'EnhancedHourly': saves money");
	assert_true(fabs(f.saving - 412.5) < 1e-9);
	assert_string_equal(f.currency, "USD");
	finding_release(&f);

	/* The plan finds no saving for this policy: not flagged. */
	fx.p[0].policy_id = "p-000000000002";
	fx.it[0].policy_id = "p-000000000002";
	run_rule(&fx, PR_TIERING, &in, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "the plan finds no saving for "
				   "'EnhancedHourly' (proposed None, saving "
				   "0.00 USD: low churn: archive copy costs "
				   "more)");
	finding_release(&f);

	audit_plan_release(&plan);
	free(csv);
	free(dir);
}

static void test_audit__plan_errors(void **state)
{
	struct audit_plan plan;
	struct err e = ERR_INIT;
	char *dir = test_path("badplan");
	char *csv = path_join(dir, "policy_changes.csv");
	FILE *out;

	(void)state;
	assert_int_equal(audit_plan_load(&plan, dir, &e), -1);
	assert_int_equal(e.code, EXIT_NOINPUT);
	err_clear(&e);
	assert_int_equal(mkdir_p(dir, &e), 0);
	out = fopen(csv, "w");
	assert_non_null(out);
	fputs("policy_id,proposed_tiering,saving_total,currency\n"
	      "p-1,TierAfter,lots,USD\n",
	      out);
	fclose(out);
	assert_int_equal(audit_plan_load(&plan, dir, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "policy_changes.csv"));
	assert_non_null(strstr(e.msg, "saving_total"));
	free(csv);
	free(dir);
}

/* ---- redundancy-crr ---- */

static void test_audit__redundancy(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].cross_region_restore = OFF;
	run_rule(&fx, PR_REDUNDANCY, NULL, false, SEV_LOW, &f);
	expect_text(&f, &f.fix, "--cross-region-restore-flag Enabled");
	finding_release(&f);

	fx.v[0].redundancy = RED_LRS;
	run_rule(&fx, PR_REDUNDANCY, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "redundancy=LocallyRedundant");
	expect_text(&f, &f.fix, "can't be changed once items are protected");
	finding_release(&f);

	fx.v[0].redundancy = RED_ZRS;
	verdict(&fx, PR_REDUNDANCY, false, SEV_MEDIUM);

	/* Not production by name: accepted. */
	fx.v[0].vault_name = "rsv-dev-weu-01";
	run_rule(&fx, PR_REDUNDANCY, NULL, true, SEV_INFO, &f);
	expect_text(&f, &f.detail, "non-production");
	finding_release(&f);

	/* Production by name but empty. */
	fx.v[0].vault_name = "rsv-prod-weu-01";
	fx.ni = 0;
	verdict(&fx, PR_REDUNDANCY, true, SEV_INFO);
}

/* ---- the simple vault settings ---- */

static void test_audit__cross_subscription_restore(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].cross_subscription_restore = XSR_PERMANENTLY_DISABLED;
	verdict(&fx, PR_XSUB_RESTORE, true, SEV_INFO);
	fx.v[0].cross_subscription_restore = XSR_ENABLED;
	run_rule(&fx, PR_XSUB_RESTORE, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "cross_subscription_restore=Enabled");
	expect_text(&f, &f.fix, "--cross-subscription-restore-state Disable");
	assert_non_null(strstr(f.reference, "CIS"));
	finding_release(&f);
}

static void test_audit__public_network_access(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].public_network_access = ON;
	run_rule(&fx, PR_PUBLIC_NETWORK, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.evidence, "public_network_access=Enabled");
	expect_text(&f, &f.fix, "--public-network-access Disable");
	finding_release(&f);
}

static void test_audit__customer_managed_keys(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].cmk = OFF;
	run_rule(&fx, PR_CMK, NULL, false, SEV_LOW, &f);
	expect_text(&f, &f.fix, "never had items (this one has 1)");
	finding_release(&f);
	fx.ni = 0;
	run_rule(&fx, PR_CMK, NULL, false, SEV_LOW, &f);
	expect_text(&f, &f.fix, "az backup vault encryption update -g "
				"rg-backup-prod -n rsv-prod-weu-01");
	finding_release(&f);
}

static void test_audit__job_failure_alerts(void **state)
{
	struct fx fx;
	struct finding f;

	(void)state;
	fx_default(&fx);
	fx.v[0].job_failure_alerts = OFF;
	run_rule(&fx, PR_JOB_ALERTS, NULL, false, SEV_MEDIUM, &f);
	expect_text(&f, &f.fix, "--job-failure-alerts Enable");
	finding_release(&f);
	fx.v[0].job_failure_alerts = ONOFF_UNKNOWN;
	run_rule(&fx, PR_JOB_ALERTS, NULL, false, SEV_INFO, &f);
	expect_text(&f, &f.evidence, "job_failure_alerts=(empty)");
	finding_release(&f);
}

/* ---- score and severities ---- */

static void test_audit__score_and_severity(void **state)
{
	struct finding f[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		finding_init(&f[i], i);
	assert_int_equal(audit_score(f, 4), 100);
	f[0].pass = false;
	f[0].severity = SEV_MEDIUM;
	assert_int_equal(audit_score(f, 4), 92);
	f[1].pass = false;
	f[1].severity = SEV_HIGH;
	f[2].pass = false;
	f[2].severity = SEV_LOW;
	f[3].pass = false;
	f[3].severity = SEV_INFO;
	assert_int_equal(audit_score(f, 4), 69);
	f[0].severity = f[2].severity = f[3].severity = SEV_HIGH;
	assert_int_equal(audit_score(f, 4), 20);
	assert_int_equal(severity_parse("HIGH"), SEV_HIGH);
	assert_int_equal(severity_parse("info"), SEV_INFO);
	assert_int_equal(severity_parse("critical"), -1);
	for (int i = 0; i < 4; i++)
		finding_release(&f[i]);
}

/* ---- the stage ---- */

static char *read_all(const char *path)
{
	char *text = NULL;
	size_t len;
	struct err e = ERR_INIT;

	if (read_file(path, 1 << 20, &text, &len, &e))
		fail_msg("%s", e.msg);
	return text;
}

static void test_audit__audit_run_writes_posture_csv(void **state)
{
	struct fx fx;
	struct snapshot s;
	struct audit_summary sum;
	struct err e = ERR_INIT;
	char *out = test_path("posture.csv");
	char *text;
	int64_t day = AS_OF - 5 * DAY_S;

	(void)state;
	fx_default(&fx);
	fx.v[fx.nv] = good_vault("v-000000000002", "rsv-dev-weu-02");
	fx.v[fx.nv].soft_delete = SD_DISABLED;
	fx.v[fx.nv++].public_network_access = ON;
	fx.p[fx.np++] = standard_policy("p-000000000002", "v-000000000002",
					"DailyStandard");
	fx.it[fx.ni++] = vm_item("i-000000000002", "v-000000000002",
				 "p-000000000002", "vm-app-01");
	/* Two backups a day on three days: needs Enhanced. */
	for (int d = 0; d < 3; d++) {
		static const char *ids[] = { "j1", "j2", "j3", "j4", "j5",
					     "j6" };
		fx.j[fx.nj] = backup_job(ids[fx.nj], &fx.it[1],
					 day + d * DAY_S);
		fx.nj++;
		fx.j[fx.nj] = backup_job(ids[fx.nj], &fx.it[1],
					 day + d * DAY_S + 6 * 3600);
		fx.nj++;
	}
	/* A daily run that starts up to 2 h late is no extra backup, even
	 * when two runs fall on one calendar day. */
	fx.it[fx.ni++] = vm_item("i-000000000003", "v-000000000002",
				 "p-000000000002", "vm-late-01");
	for (int d = 0; d < 5; d++) {
		static const char *ids[] = { "k1", "k2", "k3", "k4", "k5" };
		int64_t late = d % 2 ? 108 * 60 : 0;
		fx.j[fx.nj++] = backup_job(ids[d], &fx.it[2],
					   day - 8 * DAY_S + d * DAY_S +
						   22 * 3600 + 1800 + late);
	}
	fx_open(&fx, &s);
	if (audit_run(&s, NULL, out, &sum, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(sum.nvaults, 2);
	assert_int_equal(sum.rows, 2 * PR_COUNT);
	assert_int_equal(sum.vaults[0].passed, PR_COUNT);
	assert_int_equal(sum.vaults[0].score, 100);
	assert_string_equal(sum.vaults[1].vault_name, "rsv-dev-weu-02");
	/* Soft delete off (high), public access and enhanced (medium); its
	 * guard comes from the vault's resource_guard_id alone. */
	assert_int_equal(sum.vaults[1].fails[SEV_HIGH], 1);
	assert_int_equal(sum.vaults[1].fails[SEV_MEDIUM], 2);
	assert_int_equal(sum.vaults[1].score, 100 - 20 - 16);
	assert_int_equal(sum.rule_fails[PR_ENHANCED], 1);
	assert_int_equal(sum.worst, SEV_HIGH);
	assert_true(audit_summary_fails_at(&sum, SEV_HIGH));
	assert_true(audit_summary_fails_at(&sum, SEV_LOW));
	audit_summary_release(&sum);
	snapshot_release(&s);

	text = read_all(out);
	assert_true(str_starts_with(text, "vault_id,rule_id,severity,status,"
					  "evidence,fix,vault_name,"
					  "subscription_id,reference,detail,"
					  "saving_total,currency,"
					  "vault_kind\r\n"));
	assert_non_null(strstr(text, "v-000000000001,immutable-vault,info,"
				     "pass,immutability=Locked,,"
				     "rsv-prod-weu-01,"));
	assert_non_null(strstr(text, "v-000000000002,soft-delete,high,fail,"
				     "soft_delete=Disabled; "
				     "soft_delete_days=14,"));
	assert_non_null(strstr(text, "3 backups < 12 h after the previous "
				     "one in the last 30 days"));
	assert_null(strstr(text, "vm-late-01"));
	free(text);
	free(out);
}

/* run reads the audit's jobs while the plan runs: audit_run given them
 * writes what it writes when it reads them itself. */
static void test_audit__audit_run_with_jobs_read_ahead(void **state)
{
	struct fx fx;
	struct snapshot s;
	struct audit_summary sum;
	struct audit_jobs jobs;
	struct audit_options o = { NULL, NULL, &jobs };
	struct err e = ERR_INIT;
	char *own = test_path("posture-own.csv");
	char *ahead = test_path("posture-ahead.csv");
	char *want, *got;
	int64_t day = AS_OF - 5 * DAY_S;

	(void)state;
	fx_default(&fx);
	fx.p[fx.np++] = standard_policy("p-000000000002", "v-000000000001",
					"DailyStandard");
	fx.it[fx.ni++] = vm_item("i-000000000002", "v-000000000001",
				 "p-000000000002", "vm-app-01");
	for (int d = 0; d < 6; d++) {
		static const char *ids[] = { "j1", "j2", "j3", "j4", "j5",
					     "j6" };
		fx.j[fx.nj++] = backup_job(ids[d], &fx.it[1],
					   day + d / 2 * DAY_S +
						   d % 2 * 6 * 3600);
	}
	fx_open(&fx, &s);
	if (audit_run(&s, NULL, own, &sum, &e))
		fail_msg("%s", e.msg);
	audit_summary_release(&sum);
	if (audit_jobs_read(&s, &jobs, &e) ||
	    audit_run(&s, &o, ahead, &sum, &e))
		fail_msg("%s", e.msg);
	assert_non_null(jobs.extra_backups);
	assert_int_equal(jobs.extra_backups[1], 3);
	audit_summary_release(&sum);
	audit_jobs_release(&jobs);
	snapshot_release(&s);
	want = read_all(own);
	got = read_all(ahead);
	assert_non_null(strstr(want, "3 backups < 12 h after the previous "
				     "one in the last 30 days"));
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(own);
	free(ahead);
}

static void test_audit__audit_run_output_error(void **state)
{
	struct fx fx;
	struct snapshot s;
	struct audit_summary sum;
	struct err e = ERR_INIT;
	struct audit_options o = { NULL, "/nonexistent/plan", NULL };
	char *out = test_path("no/such/dir/posture.csv");

	(void)state;
	fx_default(&fx);
	fx_open(&fx, &s);
	assert_int_equal(audit_run(&s, NULL, out, &sum, &e), -1);
	assert_true(e.code == EXIT_CANTCREAT || e.code == EXIT_IOERR ||
		    e.code == EXIT_NOINPUT);
	err_clear(&e);
	assert_int_equal(audit_run(&s, &o, out, &sum, &e), -1);
	assert_int_equal(e.code, EXIT_NOINPUT);
	assert_non_null(strstr(e.msg, "policy_changes.csv"));
	snapshot_release(&s);
	free(out);
}

/* ---- Microsoft's example payloads, mapped by hand (arm-contract.md) ---- */

/* A vault row from GETVault.json (2026-08-01): redundancySettings
 * GeoRedundant / crossRegionRestore Enabled; immutabilitySettings.state
 * Disabled; softDeleteSettings.softDeleteState Enabled, 14 days;
 * multiUserAuthorization Disabled; no proxy; publicNetworkAccess Enabled;
 * no encryption.keyVaultProperties (cmk Disabled);
 * alertsForAllJobFailures Enabled; identity.tenantId as tenant. The
 * example has no restoreSettings: Azure's default, Enabled, is used.
 *
 * A second vault, "sampleVault" of GetResourceGuardProxy.json, with
 * softDeleteFeatureState "AlwaysON" (BackupResourceVaultConfigs_Get.json
 * spelling, enhancedSecurityState Enabled), immutability "Unlocked"
 * (PUTVault_WithImmutabilityConfig.json), a keyUri (PUTVault_Resource
 * GuardEnabled.json: cmk Enabled) and the proxy's resourceGuardResourceId;
 * its guards.csv row takes GetResourceGuard.json's resourceGuardOperations
 * and its empty vaultCriticalOperationExclusionList.
 *
 * A third vault whose guard is in another tenant: guard_tenant_id differs
 * and the operations come from the proxy alone
 * (resourceGuardOperationDetails[].vaultCriticalOperation). */
static void write_arm_snapshot(const char *dir, char v1[SNAPSHOT_ID_LEN],
			       char v2[SNAPSHOT_ID_LEN],
			       char v3[SNAPSHOT_ID_LEN])
{
	static const char vault_hdr[] =
		"vault_id,subscription_id,resource_group,vault_name,location,"
		"redundancy,cross_region_restore,immutability,soft_delete,"
		"soft_delete_days,mua,resource_guard_id,"
		"cross_subscription_restore,public_network_access,cmk,"
		"tenant_id,job_failure_alerts\n";
	static const char guard_id[] =
		"/subscriptions/c999d45b-944f-418c-a0d8-c3fcfd1802c8/"
		"resourceGroups/vaultguardRGNew/providers/"
		"Microsoft.DataProtection/resourceGuards/VaultGuardTestNew";
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *p;

	snapshot_make_id(v1, 'v',
			 "/subscriptions/77777777-b0c6-47a2-b37c-d8e65a629c18"
			 "/resourceGroups/Default-RecoveryServices-"
			 "ResourceGroup/providers/Microsoft.RecoveryServices/"
			 "vaults/swaggerExample");
	snapshot_make_id(v2, 'v',
			 "/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c"
			 "/resourceGroups/SampleResourceGroup/providers/"
			 "Microsoft.RecoveryServices/vaults/sampleVault");
	snapshot_make_id(v3, 'v',
			 "/subscriptions/0b352192-dcac-4cc7-992e-a96190ccc68c"
			 "/resourceGroups/SampleResourceGroup/providers/"
			 "Microsoft.RecoveryServices/vaults/tenantVault");
	assert_int_equal(mkdir_p(dir, &e), 0);
	strbuf_addf(&sb,
		    "%s%s,77777777-b0c6-47a2-b37c-d8e65a629c18,"
		    "Default-RecoveryServices-ResourceGroup,swaggerExample,"
		    "westus,GeoRedundant,Enabled,Disabled,Enabled,14,"
		    "Disabled,,Enabled,Enabled,Disabled,"
		    "d676e86e-2206-4a7c-999c-ece52c144b5b,Enabled\n"
		    "%s,0b352192-dcac-4cc7-992e-a96190ccc68c,"
		    "SampleResourceGroup,sampleVault,westus,GeoRedundant,"
		    "Enabled,Unlocked,AlwaysON,14,Enabled,%s,Disabled,"
		    "Disabled,Enabled,d676e86e-2206-4a7c-999c-ece52c144b5b,"
		    "Enabled\n"
		    "%s,0b352192-dcac-4cc7-992e-a96190ccc68c,"
		    "SampleResourceGroup,tenantVault,westus,GeoRedundant,"
		    "Enabled,Locked,AlwaysON,14,Enabled,%s,Disabled,"
		    "Disabled,Enabled,d676e86e-2206-4a7c-999c-ece52c144b5b,"
		    "Enabled\n",
		    vault_hdr, v1, v2, guard_id, v3, guard_id);
	p = path_join(dir, "vaults.csv");
	assert_int_equal(afile_write_string(p, sb.buf, &e), 0);
	free(p);
	strbuf_reset(&sb);
	strbuf_addf(&sb,
		    "vault_id,resource_guard_id,guard_subscription_id,"
		    "guard_tenant_id,protected_operations,"
		    "excluded_operations\n"
		    "%s,%s,c999d45b-944f-418c-a0d8-c3fcfd1802c8,"
		    "d676e86e-2206-4a7c-999c-ece52c144b5b,"
		    "Microsoft.RecoveryServices/vaults/"
		    "backupResourceGuardProxies/delete;"
		    "Microsoft.RecoveryServices/vaults/backupconfig/write,\n"
		    "%s,%s,c999d45b-944f-418c-a0d8-c3fcfd1802c8,"
		    "72f988bf-86f1-41af-91ab-2d7cd011db47,"
		    "Microsoft.DataProtection/resourceGuards/"
		    "deleteResourceGuardProxyRequests;"
		    "Microsoft.DataProtection/resourceGuards/"
		    "disableSoftDeleteRequests,\n",
		    v2, guard_id, v3, guard_id);
	p = path_join(dir, "guards.csv");
	assert_int_equal(afile_write_string(p, sb.buf, &e), 0);
	free(p);
	strbuf_release(&sb);
	for (int f = SF_POLICIES; f < SF_BVAULTS; f++) {
		const struct csv_schema *sc = snapshot_schemas[f];
		struct strbuf hdr = STRBUF_INIT;
		if (f == SF_GUARDS)
			continue;
		for (size_t c = 0; c < sc->ncols; c++)
			strbuf_addf(&hdr, "%s%s", c ? "," : "",
				    sc->cols[c].name);
		strbuf_addch(&hdr, '\n');
		p = path_join(dir, sc->file);
		assert_int_equal(afile_write_string(p, hdr.buf, &e), 0);
		free(p);
		strbuf_release(&hdr);
	}
	p = path_join(dir, "manifest.json");
	assert_int_equal(
		afile_write_string(
			p,
			"{\"format_version\":1,"
			"\"exported_at\":\"2026-11-01T00:00:00Z\","
			"\"source\":\"azure\","
			"\"tenant_id\":"
			"\"d676e86e-2206-4a7c-999c-ece52c144b5b\","
			"\"files\":{\"vaults.csv\":{},\"policies.csv\":{},"
			"\"items.csv\":{},\"recovery_points.csv\":{},"
			"\"jobs.csv\":{},\"guards.csv\":{}}}\n",
			&e),
		0);
	free(p);
}

static void test_audit__arm_example_payloads(void **state)
{
	char v1[SNAPSHOT_ID_LEN], v2[SNAPSHOT_ID_LEN], v3[SNAPSHOT_ID_LEN];
	char *dir = test_path("armsnap");
	struct snapshot s;
	struct err e = ERR_INIT;
	struct finding f;
	static const struct {
		size_t vault;
		int rule;
		bool pass;
		int severity;
	} want[] = {
		/* GETVault.json */
		{ 0, PR_IMMUTABLE, false, SEV_HIGH },
		{ 0, PR_SOFT_DELETE, true, SEV_INFO },
		{ 0, PR_MUA, false, SEV_HIGH },
		{ 0, PR_REDUNDANCY, true, SEV_INFO },
		{ 0, PR_XSUB_RESTORE, false, SEV_MEDIUM },
		{ 0, PR_PUBLIC_NETWORK, false, SEV_MEDIUM },
		{ 0, PR_CMK, false, SEV_LOW },
		{ 0, PR_JOB_ALERTS, true, SEV_INFO },
		/* sampleVault: AlwaysON, Unlocked, guard elsewhere, CMK */
		{ 1, PR_SOFT_DELETE, true, SEV_INFO },
		{ 1, PR_IMMUTABLE, false, SEV_MEDIUM },
		{ 1, PR_MUA, true, SEV_INFO },
		{ 1, PR_CMK, true, SEV_INFO },
		{ 1, PR_XSUB_RESTORE, true, SEV_INFO },
		/* tenantVault: guard in another tenant, proxy's names */
		{ 2, PR_MUA, true, SEV_INFO },
		{ 2, PR_IMMUTABLE, true, SEV_INFO },
	};

	(void)state;
	write_arm_snapshot(dir, v1, v2, v3);
	if (snapshot_open(&s, dir, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(s.nvaults, 3);
	assert_int_equal(s.vaults[1].soft_delete, SD_ALWAYSON);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		eval_rule(&s, want[i].vault, want[i].rule, NULL, &f);
		expect_verdict(&f, want[i].pass, want[i].severity);
		if (want[i].vault == 1 && want[i].rule == PR_SOFT_DELETE)
			expect_text(&f, &f.evidence, "soft_delete=AlwaysOn; "
						     "soft_delete_days=14");
		if (want[i].vault == 2 && want[i].rule == PR_MUA) {
			expect_text(&f, &f.detail, "another tenant");
			if (strstr(f.detail.buf, "inconsistent"))
				fail_msg("proxy names: %s", f.detail.buf);
		}
		finding_release(&f);
	}
	snapshot_release(&s);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit__good_vault_passes_every_rule),
		cmocka_unit_test(test_audit__immutable_states),
		cmocka_unit_test(
			test_audit__immutable_names_unintended_retention),
		cmocka_unit_test(test_audit__soft_delete_states),
		cmocka_unit_test(test_audit__mua_isolation),
		cmocka_unit_test(
			test_audit__mua_guard_id_without_guards_row),
		cmocka_unit_test(test_audit__mua_exclusions),
		cmocka_unit_test(test_audit__critical_op_spellings),
		cmocka_unit_test(test_audit__enhanced_policy_targets),
		cmocka_unit_test(test_audit__enhanced_policy_job_history),
		cmocka_unit_test(test_audit__smart_tiering_untiered),
		cmocka_unit_test(test_audit__smart_tiering_low_churn),
		cmocka_unit_test(test_audit__smart_tiering_plan_saving),
		cmocka_unit_test(test_audit__plan_errors),
		cmocka_unit_test(test_audit__redundancy),
		cmocka_unit_test(test_audit__cross_subscription_restore),
		cmocka_unit_test(test_audit__public_network_access),
		cmocka_unit_test(test_audit__customer_managed_keys),
		cmocka_unit_test(test_audit__job_failure_alerts),
		cmocka_unit_test(test_audit__score_and_severity),
		cmocka_unit_test(test_audit__audit_run_writes_posture_csv),
		cmocka_unit_test(test_audit__audit_run_with_jobs_read_ahead),
		cmocka_unit_test(test_audit__audit_run_output_error),
		cmocka_unit_test(test_audit__arm_example_payloads),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	test_scratch_cleanup();
	return rc;
}
