/* SPDX-License-Identifier: MIT
 * test_plan_scope.c: the scope and intent options of plan and apply:
 * --tiering's forms (and what is refused), --workload's names, and which
 * vaults, policies and workloads a scope takes. */
#include "testutil.h"

#include "optimizer/snapshot/plan_scope.h"
#include "optimizer/snapshot/snapshot.h"

static void test_plan_scope__tiering_forms(void **state)
{
	struct tiering_choice t;

	(void)state;
	assert_int_equal(tiering_choice_parse("cheapest", &t), 0);
	assert_int_equal(t.intent, TI_CHEAPEST);
	assert_int_equal(tiering_choice_parse("keep", &t), 0);
	assert_int_equal(t.intent, TI_KEEP);
	assert_int_equal(tiering_choice_parse("DoNotTier", &t), 0);
	assert_int_equal(t.intent, TI_SET);
	assert_int_equal(t.mode, TM_DONOTTIER);
	assert_int_equal(tiering_choice_parse("tierrecommended", &t), 0);
	assert_int_equal(t.mode, TM_TIERRECOMMENDED);
	assert_int_equal(tiering_choice_parse("TierAfter:3m", &t), 0);
	assert_int_equal(t.mode, TM_TIERAFTER);
	assert_int_equal(t.days, 90);
	assert_true(t.months);
	assert_int_equal(tiering_choice_parse("TierAfter:45d", &t), 0);
	assert_int_equal(t.days, 45);
	assert_false(t.months);
	/* a unit is required, a count must be positive */
	assert_int_equal(tiering_choice_parse("TierAfter:3", &t), -1);
	assert_int_equal(tiering_choice_parse("TierAfter:0m", &t), -1);
	assert_int_equal(tiering_choice_parse("TierAfter:3x", &t), -1);
	assert_int_equal(tiering_choice_parse("TierAfter:m", &t), -1);
	assert_int_equal(tiering_choice_parse("cheapest-ish", &t), -1);
}

static void test_plan_scope__match(void **state)
{
	struct scope s;
	struct scope_options o = { "SUB-1", "rsv-legacy-*", NULL, "azurevm",
				   NULL };

	(void)state;
	scope_init(&s);
	assert_true(scope_match(&s, "x", "any", NULL, NULL, WL_SQL));
	assert_int_equal(scope_from_options(&s, &o), 0);
	assert_int_equal(s.workload, WL_VM);
	assert_true(scope_match(&s, "sub-1", "RSV-Legacy-weu-01", NULL, "P",
				WL_VM));
	assert_false(scope_match(&s, "sub-2", "rsv-legacy-weu-01", NULL, "P",
				 WL_VM));
	assert_false(scope_match(&s, "sub-1", "rsv-prod-weu-01", NULL, "P",
				 WL_VM));
	assert_false(scope_match(&s, "sub-1", "rsv-legacy-weu-01", NULL, "P",
				 WL_SQL));
	/* --policy: an item without a policy is out */
	s.policy = "VM-*";
	assert_true(scope_match(&s, "sub-1", "rsv-legacy-1", NULL, "vm-daily",
				WL_VM));
	assert_false(scope_match(&s, "sub-1", "rsv-legacy-1", NULL, "",
				 WL_VM));
	assert_false(scope_match(&s, "sub-1", "rsv-legacy-1", NULL, NULL,
				 WL_VM));
	o.workload = "VMs";
	assert_int_equal(scope_from_options(&s, &o), -1);
}

/* --tag KEY=VALUE: the vault's tags as the snapshot keeps them. */
static void test_plan_scope__tag(void **state)
{
	struct scope s;
	struct scope_options o = { NULL, NULL, NULL, NULL, "Env=legacy" };

	(void)state;
	assert_int_equal(scope_from_options(&s, &o), 0);
	assert_true(scope_match(&s, "s", "v", "env=legacy;owner=ops", NULL,
				WL_VM));
	assert_false(scope_match(&s, "s", "v", "env=Legacy", NULL, WL_VM));
	assert_false(scope_match(&s, "s", "v", "", NULL, WL_VM));
	assert_false(scope_match(&s, "s", "v", NULL, NULL, WL_VM));
	/* an encoded "=" in a value */
	o.tag = "cc=a=b";
	assert_int_equal(scope_from_options(&s, &o), 0);
	assert_true(scope_match(&s, "s", "v", "cc=a%3Db", NULL, WL_VM));
	o.tag = "novalue";
	assert_int_equal(scope_from_options(&s, &o), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_scope__tiering_forms),
		cmocka_unit_test(test_plan_scope__match),
		cmocka_unit_test(test_plan_scope__tag),
	};
	return cmocka_run_group_tests(tests, NULL, test_teardown_scratch);
}
