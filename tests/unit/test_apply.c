/* SPDX-License-Identifier: MIT
 * test_apply.c: apply's judgements without Azure: a re-read point against
 * the plan (archived, not ready, expired, changed, fine), policy bodies
 * (tieringPolicy at the top or in the Full sub-policy, a reviewer's
 * retention), the retention comparison behind the Locked-vault refusal
 * (a tieringPolicy-only change reduces nothing; a crafted cut is named),
 * MUA and RBAC errors, the write bucket, and which plan rows a run takes
 * (due, journalled, changing) with the plan's SHA-256; and the plan
 * directory's lock when plan swaps a new directory in as apply takes it. */
#define _DEFAULT_SOURCE /* syscall (Linux) */
#include "testutil.h"

#include <math.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

#define NOW INT64_C(1793491200) /* 2026-11-01T00:00:00Z */

static cJSON *parse(const char *text)
{
	cJSON *o = cJSON_Parse(text);

	assert_non_null(o);
	return o;
}

/* A VM point as ARM serves it: tier details, readiness, expiry. */
static cJSON *vm_point(const char *tiers, const char *ready,
		       const char *expiry)
{
	char *text = xasprintf(
		"{\"name\":\"123\",\"properties\":{\"objectType\":"
		"\"IaasVMRecoveryPoint\",\"recoveryPointTime\":"
		"\"2026-03-01T01:00:00Z\",\"recoveryPointTierDetails\":[%s],"
		"\"recoveryPointProperties\":{%s%s%s},"
		"\"recoveryPointMoveReadinessInfo\":{\"ArchivedRP\":%s}}}",
		tiers, expiry ? "\"expiryTime\":\"" : "", expiry ? expiry : "",
		expiry ? "\"" : "", ready);
	cJSON *o = parse(text);

	free(text);
	return o;
}

#define HARDENED "{\"type\":\"HardenedRP\",\"status\":\"Valid\"}"
#define ARCHIVED "{\"type\":\"ArchivedRP\",\"status\":\"Valid\"}"
#define READY "{\"isReadyForMove\":true}"

static struct row plan_row(void)
{
	struct row r;

	memset(&r, 0, sizeof(r));
	r.tier = TIER_STANDARD;
	time_parse_iso("2026-03-01T01:00:00Z", 0, &r.rp_time);
	time_parse_iso("2031-03-01T01:00:00Z", 0, &r.expiry);
	return r;
}

static int check(const struct row *r, cJSON *point, int *why,
		 const char **code, char *msg)
{
	int st = apply_check_point(r, point, NOW, why, code, msg, 256);

	cJSON_Delete(point);
	return st;
}

static void test_apply__point_still_ready(void **state)
{
	struct row r = plan_row();
	const char *code;
	char msg[256];
	int why = -1;

	(void)state;
	assert_int_equal(check(&r, vm_point(HARDENED, READY,
					    "2031-03-01T01:00:00Z"),
			       &why, &code, msg),
			 RS_NONE);
	/* a snapshot still kept with it changes nothing */
	assert_int_equal(
		check(&r,
		      vm_point("{\"type\":\"InstantRP\",\"status\":\"Valid\"},"
			       HARDENED, "{}", "2031-03-01T01:00:00.123Z"),
		      &why, &code, msg),
		RS_NONE);
}

static void test_apply__point_already_archived(void **state)
{
	struct row r = plan_row();
	const char *code;
	char msg[256];
	int why = -1;

	(void)state;
	assert_int_equal(check(&r, vm_point(ARCHIVED, READY,
					    "2031-03-01T01:00:00Z"),
			       &why, &code, msg),
			 RS_DONE);
	assert_int_equal(why, WHY_ARCHIVED);
	assert_string_equal(msg, "already in Archive (tier Archive)");
	/* readiness saying so counts too */
	assert_int_equal(
		check(&r,
		      vm_point(HARDENED,
			       "{\"isReadyForMove\":false,\"additionalInfo\":"
			       "\"Recovery point has already been moved to "
			       "archive.\"}",
			       "2031-03-01T01:00:00Z"),
		      &why, &code, msg),
		RS_DONE);
}

static void test_apply__point_not_ready_expired_changed(void **state)
{
	struct row r = plan_row();
	const char *code;
	char msg[256];
	int why = -1;

	(void)state;
	assert_int_equal(
		check(&r,
		      vm_point(HARDENED,
			       "{\"isReadyForMove\":false,\"additionalInfo\":"
			       "\"RecoveryPointHaveActiveDependencies\"}",
			       "2031-03-01T01:00:00Z"),
		      &why, &code, msg),
		RS_SKIPPED);
	assert_int_equal(why, WHY_NOT_READY);
	assert_string_equal(code, "NotReadyForMove");
	assert_string_equal(msg, "not ready for move: "
				 "RecoveryPointHaveActiveDependencies");

	assert_int_equal(check(&r, vm_point(HARDENED, READY,
					    "2026-10-31T00:00:00Z"),
			       &why, &code, msg),
			 RS_SKIPPED);
	assert_int_equal(why, WHY_EXPIRED);
	assert_string_equal(msg, "expired on 2026-10-31T00:00:00Z");

	assert_int_equal(check(&r, vm_point(HARDENED, READY,
					    "2029-03-01T01:00:00Z"),
			       &why, &code, msg),
			 RS_SKIPPED);
	assert_int_equal(why, WHY_CHANGED);
	assert_string_equal(code, "ChangedSincePlan");
	assert_string_equal(msg, "changed since the plan: it now expires "
				 "2029-03-01T01:00:00Z, the plan saw "
				 "2031-03-01T01:00:00Z (the policy's "
				 "retention changed)");

	assert_int_equal(
		check(&r,
		      vm_point("{\"type\":\"InstantRP\",\"status\":\"Valid\"}",
			       READY, "2031-03-01T01:00:00Z"),
		      &why, &code, msg),
		RS_SKIPPED);
	assert_string_equal(msg, "changed since the plan: the point is now in "
				 "tier Snapshot (the plan saw Standard)");
}

#define VM_POLICY                                                        \
	"{\"backupManagementType\":\"AzureIaasVM\",\"protectedItemsCount\":" \
	"3,\"retentionPolicy\":{\"retentionPolicyType\":"                    \
	"\"LongTermRetentionPolicy\",\"dailySchedule\":{\"retentionDuration\"" \
	":{\"count\":30,\"durationType\":\"Days\"}},\"weeklySchedule\":{"     \
	"\"retentionDuration\":{\"count\":52,\"durationType\":\"Weeks\"}}},"  \
	"\"tieringPolicy\":{\"ArchivedRP\":{\"tieringMode\":\"TierAfter\","   \
	"\"duration\":3,\"durationType\":\"Months\"}}}"

#define SQL_POLICY                                                       \
	"{\"backupManagementType\":\"AzureWorkload\",\"subProtectionPolicy\"" \
	":[{\"policyType\":\"Full\",\"retentionPolicy\":{\"weeklySchedule\":" \
	"{\"retentionDuration\":{\"count\":26,\"durationType\":\"Weeks\"}}}},"\
	"{\"policyType\":\"Log\",\"retentionPolicy\":{\"retentionDuration\":" \
	"{\"count\":30,\"durationType\":\"Days\"}}}]}"

static struct apply_change change(int workload, int mode, int duration,
				  const char *type)
{
	struct apply_change c;

	memset(&c, 0, sizeof(c));
	c.workload = workload;
	c.proposed.mode = mode;
	c.proposed_duration = duration;
	c.duration_type = type;
	for (int k = 0; k < KEEP_N; k++)
		c.keep[k] = -1;
	return c;
}

static void test_apply__tiering_read_and_said(void **state)
{
	cJSON *vm = parse(VM_POLICY), *sql = parse(SQL_POLICY);
	struct tiering t = apply_tiering_of(vm, WL_VM);
	char text[48];

	(void)state;
	assert_int_equal(t.mode, TM_TIERAFTER);
	assert_int_equal(t.days, 90);
	apply_tiering_text(t, WL_VM, text, sizeof(text));
	assert_string_equal(text, "TierAfter 3 Months");
	t = apply_tiering_of(sql, WL_SQL);
	assert_int_equal(t.mode, TM_NONE);
	apply_tiering_text((struct tiering){ TM_TIERAFTER, 45 }, WL_SQL, text,
			   sizeof(text));
	assert_string_equal(text, "TierAfter 45 Days");
	cJSON_Delete(vm);
	cJSON_Delete(sql);
}

static void test_apply__policy_body_sets_tiering(void **state)
{
	cJSON *vm = parse(VM_POLICY), *sql = parse(SQL_POLICY), *out;
	struct apply_change c = change(WL_VM, TM_TIERRECOMMENDED, 0, "");
	char msg[256] = "", *text, cuts[256];

	(void)state;
	out = apply_policy_props(vm, &c, msg, sizeof(msg));
	assert_non_null(out);
	text = cJSON_PrintUnformatted(out);
	assert_non_null(strstr(text, "\"tieringPolicy\":{\"ArchivedRP\":{"
				     "\"tieringMode\":\"TierRecommended\","
				     "\"duration\":0,\"durationType\":"
				     "\"Invalid\"}}"));
	assert_null(strstr(text, "protectedItemsCount"));
	/* a tieringPolicy-only change reduces nothing */
	assert_false(apply_retention_reduced(vm, out, cuts, sizeof(cuts)));
	assert_string_equal(cuts, "");
	cJSON_free(text);
	cJSON_Delete(out);

	c = change(WL_SQL, TM_TIERAFTER, 45, "Days");
	out = apply_policy_props(sql, &c, msg, sizeof(msg));
	assert_non_null(out);
	assert_int_equal(apply_tiering_of(out, WL_SQL).mode, TM_TIERAFTER);
	assert_int_equal(apply_tiering_of(out, WL_SQL).days, 45);
	assert_null(cJSON_GetObjectItem(out, "tieringPolicy"));
	cJSON_Delete(out);
	cJSON_Delete(vm);
	cJSON_Delete(sql);
}

/* The instant-restore lever: instantRpRetentionRangeInDays at the top of
 * a VM policy, within 1 to 5 days (Standard) or 30 (Enhanced, V2); not a
 * cut of the vault's retention. */
static void test_apply__policy_body_sets_instant_restore(void **state)
{
	cJSON *vm = parse(VM_POLICY), *out;
	struct apply_change c = change(WL_VM, TM_TIERAFTER, 3, "Months");
	char msg[256] = "", cuts[256];

	(void)state;
	assert_int_equal(apply_instant_rp_of(vm), -1);
	c.instant_rp_days = 2;
	out = apply_policy_props(vm, &c, msg, sizeof(msg));
	assert_non_null(out);
	assert_int_equal(apply_instant_rp_of(out), 2);
	assert_false(apply_retention_reduced(vm, out, cuts, sizeof(cuts)));
	cJSON_Delete(out);

	c.instant_rp_days = 10;
	assert_null(apply_policy_props(vm, &c, msg, sizeof(msg)));
	assert_string_equal(msg, "instant restore of 10 days: Azure allows 1 "
				 "to 5 on this Standard policy");
	cJSON_AddStringToObject(vm, "policyType", "V2");
	out = apply_policy_props(vm, &c, msg, sizeof(msg));
	assert_non_null(out);
	assert_int_equal(apply_instant_rp_of(out), 10);
	cJSON_Delete(out);
	cJSON_Delete(vm);
}

static void test_apply__crafted_retention_cut_named(void **state)
{
	cJSON *vm = parse(VM_POLICY), *sql = parse(SQL_POLICY), *out;
	struct apply_change c = change(WL_VM, TM_TIERAFTER, 3, "Months");
	char msg[256] = "", cuts[256];

	(void)state;
	c.keep[KEEP_WEEKLY] = 26;
	out = apply_policy_props(vm, &c, msg, sizeof(msg));
	assert_non_null(out);
	assert_true(apply_retention_reduced(vm, out, cuts, sizeof(cuts)));
	assert_string_equal(cuts, "weekly 364 -> 182 days");
	/* the other way round it is a lengthening */
	assert_false(apply_retention_reduced(out, vm, cuts, sizeof(cuts)));
	cJSON_Delete(out);

	c = change(WL_SQL, TM_TIERAFTER, 45, "Days");
	c.keep[KEEP_WEEKLY] = 13;
	out = apply_policy_props(sql, &c, msg, sizeof(msg));
	assert_true(apply_retention_reduced(sql, out, cuts, sizeof(cuts)));
	assert_string_equal(cuts, "Full weekly 182 -> 91 days");
	cJSON_Delete(out);

	/* a rule the policy does not have cannot be set */
	c = change(WL_VM, TM_TIERAFTER, 3, "Months");
	c.keep[KEEP_YEARLY] = 5;
	assert_null(apply_policy_props(vm, &c, msg, sizeof(msg)));
	assert_string_equal(msg, "the policy has no yearly retention to set "
				 "to 5 Years");
	cJSON_Delete(vm);
	cJSON_Delete(sql);
}

static void test_apply__mua_and_rbac_errors(void **state)
{
	char action[256];

	(void)state;
	assert_true(apply_is_mua("UserErrorMUAResourceGuardOperationNotAllowed",
				 ""));
	assert_true(apply_is_mua("BMSUserError",
				 "protected by the Resource Guard 'g'"));
	assert_false(apply_is_mua("AuthorizationFailed",
				  "does not have authorization"));
	apply_denied_action(
		"The client 'x' with object id 'y' does not have authorization "
		"to perform action 'Microsoft.RecoveryServices/vaults/"
		"backupFabrics/protectionContainers/protectedItems/"
		"recoveryPoints/move/action' over scope '/s' or the scope is "
		"invalid.",
		"dflt", action, sizeof(action));
	assert_string_equal(action,
			    "Microsoft.RecoveryServices/vaults/backupFabrics/"
			    "protectionContainers/protectedItems/"
			    "recoveryPoints/move/action");
	apply_denied_action("no action named", "dflt", action, sizeof(action));
	assert_string_equal(action, "dflt");
}

static void test_apply__write_bucket(void **state)
{
	struct bucket b;
	double at = 0;
	int taken = 0;

	(void)state;
	memset(&b, 0, sizeof(b));
	while (bucket_take(&b, 200, 10, 100.0, &at))
		taken++;
	assert_int_equal(taken, 200);   /* the burst */
	assert_true(fabs(at - 100.1) < 1e-9);
	taken = 0;
	while (bucket_take(&b, 200, 10, 101.0, &at))
		taken++;
	assert_int_equal(taken, 10);    /* then 10 per second */
	taken = 0;
	while (bucket_take(&b, 200, 10, 1000.0, &at))
		taken++;
	assert_int_equal(taken, 200);   /* never more than the bucket */
}

/* ---- which rows a run takes ---- */

static const char plan_csv[] =
	"vault_id,policy_id,item_id,rp_id,action,move_date,saving_total,"
	"currency,vault_name,policy_name,item_name,workload,rp_time,tier,"
	"expiry_time\n"
	"v1,p1,i1,rp1,move_now,2026-11-01,10.00,EUR,vault1,pol1,vm1,AzureVM,"
	"2026-03-01T01:00:00Z,Standard,2031-03-01T01:00:00Z\n"
	"v1,p1,i1,rp2,move_on,2026-12-01,5.00,EUR,vault1,pol1,vm1,AzureVM,"
	"2026-04-01T01:00:00Z,Standard,2031-04-01T01:00:00Z\n"
	"v1,p1,i1,rp3,move_on,2027-02-01,5.00,EUR,vault1,pol1,vm1,AzureVM,"
	"2026-05-01T01:00:00Z,Standard,2031-05-01T01:00:00Z\n"
	"v1,p1,i1,rp4,keep,,0.00,EUR,vault1,pol1,vm1,AzureVM,"
	"2026-06-01T01:00:00Z,Standard,2031-06-01T01:00:00Z\n";

#define ITEMS_HEADER \
	"item_id,vault_id,policy_id,vault_name,policy_name,item_name," \
	"workload,arm_id\n"
static const char items_csv[] =
	ITEMS_HEADER
	"i1,v1,p1,vault1,pol1,vm1,AzureVM,"
	"/subscriptions/s1/resourceGroups/g/providers/"
	"Microsoft.RecoveryServices/vaults/vault1/backupFabrics/Azure/"
	"protectionContainers/c/protectedItems/vm1\n";

static const char changes_csv[] =
	"policy_id,vault_id,vault_name,policy_name,workload,current_tiering,"
	"proposed_tiering,duration,duration_type,saving_total,currency,"
	"reason,current_tier_after_days,horizon_months,policy_arm_id\n"
	"p1,v1,vault1,pol1,AzureVM,TierAfter,TierAfter,3,Months,0.00,EUR,"
	"same,90,36,/subscriptions/s1/resourceGroups/g/providers/"
	"Microsoft.RecoveryServices/vaults/vault1/backupPolicies/pol1\n"
	"p2,v1,vault1,pol2,AzureVM,None,TierRecommended,,,7.50,EUR,better,,"
	"36,/subscriptions/s1/resourceGroups/g/providers/"
	"Microsoft.RecoveryServices/vaults/vault1/backupPolicies/pol2\n";

static const char plan_json[] =
	"{\"as_of\": \"2026-11-01T00:00:00Z\", \"currency\": \"EUR\", "
	"\"prices\": \"prices.csv\", \"horizon_months\": 36, "
	"\"method\": \"breakeven\"}\n";

static char *plan_dir(const char *name)
{
	char *dir = test_path(name), *p;

	mkdir(dir, 0755);
	p = path_join(dir, "plan.json");
	free(test_write(p + strlen(test_scratch()) + 1, plan_json));
	free(p);
	p = path_join(dir, "plan.csv");
	free(test_write(p + strlen(test_scratch()) + 1, plan_csv));
	free(p);
	p = path_join(dir, "policy_changes.csv");
	free(test_write(p + strlen(test_scratch()) + 1, changes_csv));
	free(p);
	p = path_join(dir, "items.csv");
	free(test_write(p + strlen(test_scratch()) + 1, items_csv));
	free(p);
	return dir;
}

static void test_apply__rows_taken(void **state)
{
	struct apply_plan p;
	struct jstates js;
	struct journal j;
	struct err e = ERR_INIT;
	char *dir = plan_dir("plan1"), *jpath = test_path("plan1.journal");
	char sha[65], *text;
	int64_t dec15;

	(void)state;
	time_parse_iso("2026-12-15", 1, &dec15);
	memset(&js, 0, sizeof(js));
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), 0);
	/* the policy that changes, then the one move due on Nov 1 */
	assert_int_equal(p.nrows, 2);
	assert_int_equal(p.rows[0].kind, ROW_POLICY);
	assert_int_equal(p.rows[0].line, 3);
	assert_int_equal(p.changes[0].proposed.mode, TM_TIERRECOMMENDED);
	assert_string_equal(p.changes[0].vault_arm,
			    "/subscriptions/s1/resourceGroups/g/providers/"
			    "Microsoft.RecoveryServices/vaults/vault1");
	assert_int_equal(p.rows[1].kind, ROW_MOVE);
	assert_string_equal(p.rows[1].rp_id, "rp1");
	assert_int_equal(p.moves_later, 2);
	assert_string_equal(p.items[0].name, "vm1");
	strlcpy_vw(sha, p.sha, sizeof(sha));
	apply_plan_release(&p);

	/* a journal that already sent rp3 (due later): taken, in its state */
	assert_int_equal(journal_open(&j, jpath, sha, &e), 0);
	assert_int_equal(journal_append(&j, "plan.csv:4", "submitting", NULL,
					&e),
			 0);
	journal_close(&j);
	assert_int_equal(apply_jstates_load(&js, jpath, &e), 0);
	assert_string_equal(js.plan, sha);
	assert_int_equal(apply_plan_load(&p, dir, dec15, &js, NULL, &e), 0);
	assert_int_equal(p.nrows, 4); /* rp1 and rp2 due, rp3 journalled */
	assert_string_equal(p.rows[3].rp_id, "rp3");
	assert_int_equal(p.rows[3].state, RS_SUBMITTING);
	assert_true(p.rows[3].flags & ROW_RESOLVE_FIRST);
	assert_int_equal(p.moves_later, 0);
	assert_string_equal(p.sha, sha);
	apply_plan_release(&p);
	apply_jstates_release(&js);

	/* another plan.csv, another SHA-256 */
	text = xasprintf("%sv1,p1,i1,rp5,keep,,0.00,EUR,vault1,pol1,vm1,"
			 "AzureVM,2026-07-01T01:00:00Z,Standard,\n",
			 plan_csv);
	free(test_write("plan1/plan.csv", text));
	free(text);
	memset(&js, 0, sizeof(js));
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), 0);
	assert_string_not_equal(p.sha, sha);
	apply_plan_release(&p);
	free(jpath);
	free(dir);
}

static void test_apply__plan_errors_named(void **state)
{
	struct apply_plan p;
	struct jstates js;
	struct err e = ERR_INIT;
	char *dir = test_path("noplan");

	(void)state;
	memset(&js, 0, sizeof(js));
	mkdir(dir, 0755);
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "'%s' is not a plan directory (no plan.csv): make one "
		   "with vaultwise plan",
		   dir);
	apply_plan_release(&p);
	free(test_write("noplan/plan.csv",
			"vault_id,policy_id,item_id,rp_id,action,move_date,"
			"saving_total,currency\n"
			"v,p,i9,rp,move_now,2026-11-01,1,EUR\n"));
	/* plan.json is checked as report checks it */
	free(test_write("noplan/plan.json",
			"{\"as_of\": \"2026-11-01T00:00:00Z\", "
			"\"currency\": \"EURO\"}"));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/plan.json: field 'currency': expected a currency code",
		   dir);
	apply_plan_release(&p);
	free(test_write("noplan/plan.json", plan_json));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "%s/items.csv not found: the plan directory was made by an "
		   "older vaultwise; run vaultwise plan again",
		   dir);
	apply_plan_release(&p);
	free(test_write("noplan/items.csv",
			ITEMS_HEADER "i1,v,p,vault,pol,vm,AzureVM,/not/an/item\n"));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/items.csv:2: column 'arm_id': expected the ARM id of "
		   "a protected item (/subscriptions/S/resourceGroups/G/"
		   "providers/Microsoft.RecoveryServices/vaults/V/"
		   "backupFabrics/F/protectionContainers/C/protectedItems/I)"
		   ", got '/not/an/item'",
		   dir);
	apply_plan_release(&p);
	/* an id with a dot segment reaches another ARM path: refused */
	free(test_write("noplan/items.csv",
			ITEMS_HEADER "i1,v,p,vault,pol,vm,AzureVM,"
			"/subscriptions/s1/resourceGroups/g/providers/"
			"Microsoft.RecoveryServices/vaults/v/backupFabrics/"
			"Azure/protectionContainers/../../../vaults/w/"
			"protectedItems/vm1\n"));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "items.csv:2: column 'arm_id'"));
	apply_plan_release(&p);
	free(test_write("noplan/items.csv", items_csv));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/plan.csv:2: column 'item_id': expected an item listed "
		   "in the plan's items.csv, got 'i9'",
		   dir);
	apply_plan_release(&p);
	free(test_write("noplan/plan.csv",
			"vault_id,policy_id,item_id,rp_id,action,move_date,"
			"saving_total,currency\n"
			"v,p,i1,../../move,move_now,2026-11-01,1,EUR\n"));
	e = (struct err)ERR_INIT;
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_err(&e, EXIT_DATAERR,
		   "%s/plan.csv:2: column 'rp_id': expected a recovery "
		   "point's name (one segment of its ARM id), got "
		   "'../../move'",
		   dir);
	apply_plan_release(&p);
	free(dir);
}

/* A row copied in plan.csv: the point is moved and counted once; a
 * policy listed twice is refused (which setting would win?). */
static void test_apply__duplicates(void **state)
{
	struct apply_plan p;
	struct jstates js;
	struct err e = ERR_INIT;
	char *dir = plan_dir("dups"), *text;
	const char *first = strchr(plan_csv, '\n') + 1;
	const char *second = strchr(first, '\n') + 1;

	(void)state;
	memset(&js, 0, sizeof(js));
	text = xasprintf("%s%.*s", plan_csv, (int)(second - first), first);
	free(test_write("dups/plan.csv", text));
	free(text);
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), 0);
	assert_int_equal(p.nrows, 2); /* the policy change, rp1 once */
	assert_string_equal(p.rows[1].rp_id, "rp1");
	assert_int_equal(p.merged, 1);
	apply_plan_release(&p);

	first = strrchr(changes_csv, '\n');
	while (first > changes_csv && first[-1] != '\n')
		first--;
	text = xasprintf("%s%s", changes_csv, first);
	free(test_write("dups/policy_changes.csv", text));
	free(text);
	assert_int_equal(apply_plan_load(&p, dir, NOW, &js, NULL, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, "policy_changes.csv:4: column "
				      "'policy_arm_id': expected a policy "
				      "listed once"));
	apply_plan_release(&p);
	free(dir);
}

/* Set, the next flock(2) first does what plan does as it replaces a plan
 * directory: renames swap_from aside and renames swap_to in its place. */
static const char *swap_from, *swap_to;

/* flock(2) as libc's, after the swap when one is set: this binary's
 * definition stands in for libc's, so that the swap lands between
 * apply's open of the directory and its lock. */
int flock(int fd, int op)
{
	if (swap_from) {
		char *aside = xasprintf("%s.old", swap_from);
		assert_int_equal(rename(swap_from, aside), 0);
		assert_int_equal(rename(swap_to, swap_from), 0);
		swap_from = NULL;
		free(aside);
	}
	return (int)syscall(SYS_flock, fd, op);
}

/* plan replaced the directory between apply's open and its flock (the
 * old one's lock, held by plan until then, released): apply's lock is of
 * the directory now at the path, where it writes its pid, not of the
 * one set aside, which a second apply would not see locked. */
static void test_apply__lock_follows_a_replaced_dir(void **state)
{
	char *dir = test_path("locked"), *next = test_path("locked.new");
	char *pid = path_join(dir, "apply.lock"), *text, want[32];
	struct stat held, now;
	struct err e = ERR_INIT;
	int fd;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(next, 0755), 0);
	swap_from = dir;
	swap_to = next;
	assert_int_equal(apply_lock_take(dir, "rerun", &fd, &e), 0);
	assert_null(swap_from); /* the swap happened */
	assert_int_equal(fstat(fd, &held), 0);
	assert_int_equal(stat(dir, &now), 0);
	assert_true(held.st_dev == now.st_dev && held.st_ino == now.st_ino);
	text = test_read(pid);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	assert_string_equal(text, want);
	apply_lock_release(fd);
	free(text);
	free(pid);
	free(next);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply__point_still_ready),
		cmocka_unit_test(test_apply__point_already_archived),
		cmocka_unit_test(test_apply__point_not_ready_expired_changed),
		cmocka_unit_test(test_apply__tiering_read_and_said),
		cmocka_unit_test(test_apply__policy_body_sets_tiering),
		cmocka_unit_test(test_apply__policy_body_sets_instant_restore),
		cmocka_unit_test(test_apply__crafted_retention_cut_named),
		cmocka_unit_test(test_apply__mua_and_rbac_errors),
		cmocka_unit_test(test_apply__write_bucket),
		cmocka_unit_test(test_apply__rows_taken),
		cmocka_unit_test(test_apply__plan_errors_named),
		cmocka_unit_test(test_apply__duplicates),
		cmocka_unit_test(test_apply__lock_follows_a_replaced_dir),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
