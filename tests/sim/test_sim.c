/* SPDX-License-Identifier: MIT
 * test_sim.c: the small case of the decision simulation harness (make
 * check; the full one is tests/bench/sim.sh): in the model's family, at
 * a constant rate, with a bump of restores at four months (out of the
 * family: the age bands follow it) and with no restores at all (the
 * documented prior), VM chains priced block by block, plan costs at most
 * 3% more than the clairvoyant best static plan and captures at least
 * 90% of its saving over TierAfter-3m; nothing beats the clairvoyant. */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "harness.h"

static void check_truth(int truth, struct sim_result *r)
{
	assert_int_equal(sim_run(truth, 1, r), 0);
	print_message("%s: %ld restores, %s: plan/best %.4f, without a "
		      "model/best %.4f, TierAfter-3m/best %.4f, share "
		      "%.1f%%\n",
		      sim_truth_names[truth], r->restores, r->method,
		      sim_ratio(r), r->prior / r->best,
		      r->tier_after_3m / r->best, 100 * sim_share(r));
	assert_true(r->plan >= r->best - 1e-9);
	assert_true(r->prior >= r->best - 1e-9);
	assert_true(r->tier_after_3m >= r->best - 1e-9);
	assert_true(sim_ratio(r) <= 1.03);
	assert_true(sim_share(r) >= 0.90);
}

static void test_sim__in_the_family(void **state)
{
	struct sim_result r;
	(void)state;
	check_truth(TR_OMORI, &r);
}

static void test_sim__constant_rate(void **state)
{
	struct sim_result r;
	(void)state;
	check_truth(TR_CONSTANT, &r);
}

/* Issue 17, cause 4: the decaying shape alone cost 1.147x here. */
static void test_sim__bump(void **state)
{
	struct sim_result r;
	(void)state;
	check_truth(TR_BUMP, &r);
}

/* Issue 17, cause 5: with no restores plan decides on the prior. */
static void test_sim__no_restores(void **state)
{
	struct sim_result r;
	(void)state;

	check_truth(TR_ZERO, &r);
	assert_string_equal(r.method, "prior");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim__in_the_family),
		cmocka_unit_test(test_sim__constant_rate),
		cmocka_unit_test(test_sim__bump),
		cmocka_unit_test(test_sim__no_restores),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
