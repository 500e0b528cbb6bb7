/* SPDX-License-Identifier: MIT
 * test_targets.c: the architects' targets file: every scope type and tier
 * loaded, the errors a user sees (file, line, column), and case-insensitive
 * glob matching of targets to items. */
#include "testutil.h"

#include <math.h>

#include "models/check/targets.h"

#define HEADER "target_id,scope_type,scope,tier,rpo_hours,rto_hours," \
	       "min_retention_days\n"
#define HEADER_PRIO "target_id,scope_type,scope,tier,rpo_hours,rto_hours," \
		    "min_retention_days,priority,tolerance_hours,severity\n"

static void test_targets__loads_every_scope_type_and_tier(void **state)
{
	struct err e = ERR_INIT;
	struct target_set ts;
	char *path = test_write("all.csv",
				HEADER
				"T1,vault,PROD-*,snapshot,24,,\n"
				"T2,Policy,p-0000*,vault,,8,30\n"
				"\n"
				"T3,item,*web*,any,4,2.5,\n"
				"T4,workload,sql,ANY,1,,\n"
				"T5,name,\"vm?, db\",Vault,12.5,48,3650\n");

	(void)state;
	if (targets_load(&ts, path, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(ts.path, path);
	assert_int_equal(ts.n, 5);
	assert_string_equal(ts.t[0].target_id, "T1");
	assert_int_equal(ts.t[0].scope_type, SCOPE_VAULT);
	assert_string_equal(ts.t[0].scope, "PROD-*");
	assert_int_equal(ts.t[0].tier, TT_SNAPSHOT);
	assert_true(ts.t[0].rpo_hours == 24);
	assert_true(isnan(ts.t[0].rto_hours));
	assert_true(isnan(ts.t[0].min_retention_days));
	assert_int_equal(ts.t[0].line, 2);
	assert_int_equal(ts.t[1].scope_type, SCOPE_POLICY);
	assert_int_equal(ts.t[1].tier, TT_VAULT);
	assert_true(isnan(ts.t[1].rpo_hours));
	assert_true(ts.t[1].rto_hours == 8);
	assert_true(ts.t[1].min_retention_days == 30);
	assert_int_equal(ts.t[2].scope_type, SCOPE_ITEM);
	assert_int_equal(ts.t[2].tier, TT_ANY);
	assert_true(ts.t[2].rto_hours == 2.5);
	assert_int_equal(ts.t[2].line, 5); /* after the blank line */
	assert_int_equal(ts.t[3].scope_type, SCOPE_WORKLOAD);
	assert_int_equal(ts.t[3].tier, TT_ANY);
	assert_int_equal(ts.t[4].scope_type, SCOPE_NAME);
	assert_int_equal(ts.t[4].tier, TT_VAULT);
	assert_string_equal(ts.t[4].scope, "vm?, db");
	assert_true(ts.t[4].min_retention_days == 3650);
	targets_release(&ts);
	assert_int_equal(ts.n, 0);
	targets_release(&ts); /* twice is fine */
	free(path);
}

static void test_targets__optional_column_may_be_absent(void **state)
{
	struct err e = ERR_INIT;
	struct target_set ts;
	char *path = test_write("short.csv",
				"scope,target_id,rto_hours,tier,rpo_hours,"
				"scope_type,owner\n"
				"*,T1,,any,24,vault,alice\n");

	(void)state;
	assert_int_equal(targets_load(&ts, path, &e), 0);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.t[0].scope, "*");
	assert_true(ts.t[0].rpo_hours == 24);
	assert_true(isnan(ts.t[0].min_retention_days));
	targets_release(&ts);
	free(path);
}

#define expect_targets_error(name, text, code, fmt)                     \
	do {                                                            \
		struct err e_ = ERR_INIT;                               \
		struct target_set ts_;                                  \
		char *path_ = test_write(name, text);                   \
		assert_int_equal(targets_load(&ts_, path_, &e_), -1);   \
		assert_err(&e_, code, fmt, path_);                      \
		assert_int_equal(ts_.n, 0);                             \
		assert_null(ts_.t);                                     \
		free(path_);                                            \
	} while (0)

static void test_targets__rpo_and_rto_both_empty(void **state)
{
	(void)state;
	expect_targets_error("empty.csv",
			     HEADER "T1,vault,*,any,24,,\n"
				    "T2,vault,*,any,,,30\n",
			     EXIT_DATAERR,
			     "%s:3: column 'rpo_hours': expected an RPO or an "
			     "RTO target (both are empty), got ''");
}

static void test_targets__duplicate_target_id(void **state)
{
	(void)state;
	expect_targets_error("dup.csv",
			     HEADER "T1,vault,*,any,24,,\n"
				    "T2,vault,*,any,24,,\n"
				    "T1,item,x,any,,4,\n",
			     EXIT_DATAERR,
			     "%s:4: column 'target_id': expected a target_id "
			     "not used by an earlier row, got 'T1'");
}

static void test_targets__bad_values(void **state)
{
	(void)state;
	expect_targets_error("scope.csv", HEADER "T1,region,*,any,24,,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'scope_type': expected one of "
			     "vault, policy, item, workload, name, tag, got "
			     "'region'");
	expect_targets_error("tier.csv", HEADER "T1,vault,*,archive,24,,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'tier': expected one of snapshot, "
			     "vault, any, got 'archive'");
	expect_targets_error("rpo.csv", HEADER "T1,vault,*,any,0,,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'rpo_hours': expected a decimal "
			     "number from 0.01 to 1000000, got '0'");
	expect_targets_error("rto.csv", HEADER "T1,vault,*,any,,4h,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'rto_hours': expected a decimal "
			     "number from 0.01 to 1000000, got '4h'");
	expect_targets_error("noscope.csv", HEADER "T1,vault,,any,1,,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'scope': expected a value, got ''");
	expect_targets_error("nocol.csv",
			     "target_id,scope_type,scope,tier,rpo_hours\n",
			     EXIT_DATAERR,
			     "%s:1: missing required column 'rto_hours' in the "
			     "header");
}

static void test_targets__missing_file(void **state)
{
	struct err e = ERR_INIT;
	struct target_set ts;
	char *path = test_path("no-targets.csv");

	(void)state;
	assert_int_equal(targets_load(&ts, path, &e), -1);
	assert_err(&e, EXIT_NOINPUT,
		   "cannot open '%s': No such file or directory", path);
	free(path);
}

static void test_targets__priority_tolerance_severity(void **state)
{
	struct err e = ERR_INIT;
	struct target_set ts;
	char *path = test_write("prio.csv",
				HEADER_PRIO
				"tier1,name,vm-*,any,4,2,,1,,\n"
				"rest,vault,*,any,24,,,9,0.5,warning\n"
				"plain,vault,*,snapshot,24,,,,,\n");

	(void)state;
	if (targets_load(&ts, path, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(ts.t[0].priority, 1);
	assert_true(isnan(ts.t[0].tolerance_hours));
	assert_int_equal(ts.t[0].severity, TSEV_ERROR);
	assert_int_equal(ts.t[1].priority, 9);
	assert_true(ts.t[1].tolerance_hours == 0.5);
	assert_int_equal(ts.t[1].severity, TSEV_WARNING);
	assert_int_equal(ts.t[2].priority, -1);
	targets_release(&ts);
	free(path);
	expect_targets_error("sev.csv",
			     HEADER_PRIO "T,vault,*,any,1,,,,,fatal\n",
			     EXIT_DATAERR,
			     "%s:2: column 'severity': expected one of error, "
			     "warning, got 'fatal'");
	expect_targets_error("prio2.csv",
			     HEADER_PRIO "T,vault,*,any,1,,,-1,,\n",
			     EXIT_DATAERR,
			     "%s:2: column 'priority': expected an integer "
			     "from 0 to 1000000, got '-1'");
}

static void test_targets__shadows(void **state)
{
	struct target a = { .priority = 1, .tier = TT_ANY, .line = 2 };
	struct target b = { .priority = 9, .tier = TT_ANY, .line = 3 };
	struct target c = { .priority = 9, .tier = TT_ANY, .line = 4 };
	struct target v = { .priority = 9, .tier = TT_VAULT, .line = 5 };
	struct target none = { .priority = -1, .tier = TT_ANY, .line = 6 };

	(void)state;
	assert_true(target_shadows(&a, &b));
	assert_false(target_shadows(&b, &a));
	/* equal priorities: the earlier row wins */
	assert_true(target_shadows(&b, &c));
	assert_false(target_shadows(&c, &b));
	/* another tier is another kind of target: both apply */
	assert_false(target_shadows(&a, &v));
	/* no priority: never shadowed, never shadows */
	assert_false(target_shadows(&a, &none));
	assert_false(target_shadows(&none, &b));
	assert_false(target_shadows(&a, &a));
}

/* ---- matching ---- */

static struct vault vaults[2];
static struct policy policies[1];
static struct item items[4];
static struct snapshot snap;

static int setup_estate(void **state)
{
	(void)state;
	vaults[0] = (struct vault){ .vault_id = "v-aaaa11112222",
				    .vault_name = "prod-weu-01" };
	vaults[1] = (struct vault){ .vault_id = "v-bbbb33334444",
				    .vault_name = "DR" };
	policies[0] = (struct policy){ .policy_id = "p-000011112222",
				       .policy_name = "DailyPolicy",
				       .vault_id = "v-aaaa11112222" };
	items[0] = (struct item){ .item_id = "i-0001",
				  .item_name = "WebServer01",
				  .workload = WL_VM, .vault_idx = 0,
				  .policy_idx = 0 };
	items[1] = (struct item){ .item_id = "i-0002",
				  .item_name = "sqlsrv\\SalesDB",
				  .workload = WL_SQL, .vault_idx = 1,
				  .policy_idx = -1 };
	items[2] = (struct item){ .item_id = "i-0003", .item_name = "VM1",
				  .workload = WL_VM, .vault_idx = 1,
				  .policy_idx = -1 };
	items[3] = (struct item){ .item_id = "i-0004", .item_name = "share",
				  .workload = WL_FILES, .vault_idx = 0,
				  .policy_idx = 0 };
	memset(&snap, 0, sizeof(snap));
	snap.vaults = vaults;
	snap.policies = policies;
	snap.items = items;
	snap.nvaults = 2;
	snap.npolicies = 1;
	snap.nitems = 4;
	return 0;
}

/* Which of the four items t covers, as "0101". */
static const char *covered(int scope_type, const char *scope)
{
	static char out[5];
	struct target t = { 0 };

	t.scope_type = scope_type;
	t.scope = (char *)scope;
	t.rpo_hours = 24;
	for (int i = 0; i < 4; i++)
		out[i] = target_matches(&t, &snap, &items[i]) ? '1' : '0';
	out[4] = '\0';
	return out;
}

static void test_targets__match_vault(void **state)
{
	(void)state;
	assert_string_equal(covered(SCOPE_VAULT, "PROD-*"), "1001");
	assert_string_equal(covered(SCOPE_VAULT, "dr"), "0110");
	assert_string_equal(covered(SCOPE_VAULT, "V-BBBB*"), "0110");
	assert_string_equal(covered(SCOPE_VAULT, "*"), "1111");
	assert_string_equal(covered(SCOPE_VAULT, "prod"), "0000");
}

static void test_targets__match_policy(void **state)
{
	(void)state;
	/* items without a policy are never covered by a policy target */
	assert_string_equal(covered(SCOPE_POLICY, "*"), "1001");
	assert_string_equal(covered(SCOPE_POLICY, "dailypolicy"), "1001");
	assert_string_equal(covered(SCOPE_POLICY, "P-0000*"), "1001");
	assert_string_equal(covered(SCOPE_POLICY, "weekly*"), "0000");
}

static void test_targets__match_item_and_name(void **state)
{
	(void)state;
	assert_string_equal(covered(SCOPE_ITEM, "*WEB*"), "1000");
	assert_string_equal(covered(SCOPE_ITEM, "I-0002"), "0100");
	assert_string_equal(covered(SCOPE_ITEM, "vm?"), "0010");
	assert_string_equal(covered(SCOPE_ITEM, "*sales*"), "0100");
	/* name matches the item name only, never the id */
	assert_string_equal(covered(SCOPE_NAME, "vm?"), "0010");
	assert_string_equal(covered(SCOPE_NAME, "i-*"), "0000");
	assert_string_equal(covered(SCOPE_NAME, "[sw]*"), "1101");
}

static void test_targets__match_workload(void **state)
{
	(void)state;
	assert_string_equal(covered(SCOPE_WORKLOAD, "sql"), "0100");
	assert_string_equal(covered(SCOPE_WORKLOAD, "AZUREVM"), "1010");
	assert_string_equal(covered(SCOPE_WORKLOAD, "azure*"), "1011");
	assert_string_equal(covered(SCOPE_WORKLOAD, "HANA"), "0000");
}

static void test_targets__scope_values(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	target_scope_values(SCOPE_WORKLOAD, &snap, &sb);
	assert_string_equal(sb.buf, "AzureVM, SQL, HANA, AzureFiles");
	target_scope_values(SCOPE_VAULT, &snap, &sb);
	assert_string_equal(sb.buf, "prod-weu-01, DR");
	target_scope_values(SCOPE_NAME, &snap, &sb);
	assert_string_equal(sb.buf, "WebServer01, sqlsrv\\SalesDB, VM1, share");
	strbuf_release(&sb);
}

static void test_targets__scope_values_long_list(void **state)
{
	struct item many[12];
	struct snapshot s = snap;
	struct strbuf sb = STRBUF_INIT;
	char names[12][8];

	(void)state;
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "db%02d", i % 10);
		many[i] = items[0];
		many[i].item_name = names[i];
	}
	s.items = many;
	s.nitems = 12;
	target_scope_values(SCOPE_ITEM, &s, &sb);
	/* duplicates once, at most eight, then the count */
	assert_string_equal(sb.buf, "db00, db01, db02, db03, db04, db05, "
				    "db06, db07, ... (12 items in the "
				    "snapshot)");
	s.npolicies = 0;
	target_scope_values(SCOPE_POLICY, &s, &sb);
	assert_string_equal(sb.buf, "none (the snapshot has no policies)");
	strbuf_release(&sb);
}

static void test_targets__match_tag(void **state)
{
	(void)state;
	items[0].source_tags = "env=prod;tier=1";
	items[2].source_tags = "Tier=2";
	vaults[1].tags = "tier=1;owner=ops%3Bsec";
	/* the item's own tags, or its vault's (DR holds items 1 and 2) */
	assert_string_equal(covered(SCOPE_TAG, "tier=1"), "1110");
	assert_string_equal(covered(SCOPE_TAG, "TIER=2"), "0010");
	assert_string_equal(covered(SCOPE_TAG, "tier=*"), "1110");
	assert_string_equal(covered(SCOPE_TAG, "env"), "1000");
	assert_string_equal(covered(SCOPE_TAG, "owner=ops;sec"), "0110");
	assert_string_equal(covered(SCOPE_TAG, "env=dev"), "0000");
	{
		struct strbuf sb = STRBUF_INIT;

		target_scope_values(SCOPE_TAG, &snap, &sb);
		assert_string_equal(sb.buf, "env=prod, tier=1, Tier=2, "
					    "owner=ops;sec");
		strbuf_release(&sb);
	}
	items[0].source_tags = items[2].source_tags = vaults[1].tags = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets__loads_every_scope_type_and_tier),
		cmocka_unit_test(test_targets__optional_column_may_be_absent),
		cmocka_unit_test(test_targets__rpo_and_rto_both_empty),
		cmocka_unit_test(test_targets__duplicate_target_id),
		cmocka_unit_test(test_targets__bad_values),
		cmocka_unit_test(test_targets__missing_file),
		cmocka_unit_test(test_targets__match_vault),
		cmocka_unit_test(test_targets__match_policy),
		cmocka_unit_test(test_targets__match_item_and_name),
		cmocka_unit_test(test_targets__match_workload),
		cmocka_unit_test(test_targets__priority_tolerance_severity),
		cmocka_unit_test(test_targets__shadows),
		cmocka_unit_test(test_targets__scope_values),
		cmocka_unit_test(test_targets__scope_values_long_list),
		cmocka_unit_test(test_targets__match_tag),
	};
	return cmocka_run_group_tests(tests, setup_estate,
				      test_teardown_scratch);
}
