/* SPDX-License-Identifier: MIT
 * test_archive_rules.c: Azure's archive eligibility rules at their
 * boundaries (±1 day): minimum age in Standard (VM 90 d, SQL/HANA 45 d),
 * 180 days of retention left, point kinds, tiers, Azure's readiness. */
#include "testutil.h"

#include "models/cost/archive_rules.h"
#include "optimizer/base/timeutil.h"

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */

static struct item vm_item(int workload)
{
	struct item it = { 0 };
	it.workload = workload;
	return it;
}

static struct rp point(int kind, int64_t expiry)
{
	struct rp rp = { 0 };
	rp.rp_id = "1";
	rp.rp_time = T0;
	rp.kind = kind;
	rp.tier = TIER_STANDARD;
	rp.expiry_time = expiry;
	rp.move_ready = MR_UNKNOWN;
	rp.move_info = "";
	return rp;
}

static int status_at(int workload, struct rp rp, int64_t now)
{
	struct item it = vm_item(workload);
	struct eligibility el;

	archive_eligibility(&it, &rp, now, &el);
	return el.status;
}

static void test_archive_rules__vm_min_age_boundary(void **state)
{
	struct rp rp = point(RK_MONTHLY, T0 + 400LL * DAY_S);
	(void)state;
	assert_int_equal(status_at(WL_VM, rp, T0 + 90LL * DAY_S), ELIG_NOW);
	assert_int_equal(status_at(WL_VM, rp, T0 + 89LL * DAY_S), ELIG_LATER);
	assert_int_equal(status_at(WL_VM, rp, T0 + 91LL * DAY_S), ELIG_NOW);
}

static void test_archive_rules__sql_min_age_boundary(void **state)
{
	struct rp rp = point(RK_FULL, T0 + 400LL * DAY_S);
	(void)state;
	assert_int_equal(status_at(WL_SQL, rp, T0 + 45LL * DAY_S), ELIG_NOW);
	assert_int_equal(status_at(WL_SQL, rp, T0 + 44LL * DAY_S),
			 ELIG_LATER);
	assert_int_equal(status_at(WL_HANA, rp, T0 + 45LL * DAY_S), ELIG_NOW);
	assert_int_equal(status_at(WL_HANA, rp, T0 + 44LL * DAY_S),
			 ELIG_LATER);
}

static void test_archive_rules__remaining_retention_boundary(void **state)
{
	int64_t now = T0 + 100LL * DAY_S;
	(void)state;
	assert_int_equal(
		status_at(WL_VM, point(RK_YEARLY, now + 180LL * DAY_S), now),
		ELIG_NOW);
	assert_int_equal(
		status_at(WL_VM, point(RK_YEARLY, now + 179LL * DAY_S), now),
		ELIG_NEVER);
	assert_int_equal(
		status_at(WL_VM, point(RK_YEARLY, now + 181LL * DAY_S), now),
		ELIG_NOW);
	assert_int_equal(
		status_at(WL_SQL, point(RK_FULL, now + 179LL * DAY_S), now),
		ELIG_NEVER);
}

static void test_archive_rules__never_reaches_both(void **state)
{
	/* 90 + 180 = 270 days of life are needed; 269 is one day short. */
	struct item it = vm_item(WL_VM);
	struct rp rp = point(RK_MONTHLY, T0 + 269LL * DAY_S);
	struct eligibility el;
	(void)state;

	archive_eligibility(&it, &rp, T0 + 10LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_NEVER);
	assert_non_null(strstr(el.why, "retention ends 2026-09-27"));
	assert_string_equal(reason_kinds[el.code].code, "retention-too-short");
	rp.expiry_time = T0 + 270LL * DAY_S;
	archive_eligibility(&it, &rp, T0 + 10LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_LATER);
	assert_true(el.from == T0 + 90LL * DAY_S);
	assert_true(el.until == T0 + 90LL * DAY_S);
}

static void test_archive_rules__kinds_and_tiers(void **state)
{
	int64_t now = T0 + 200LL * DAY_S;
	struct item it = vm_item(WL_VM);
	struct rp rp = point(RK_DAILY, T0 + 900LL * DAY_S);
	struct eligibility el;
	(void)state;

	archive_eligibility(&it, &rp, now, &el);
	assert_int_equal(el.status, ELIG_NEVER);
	assert_string_equal(el.why,
			    "only monthly and yearly VM points can be archived");
	rp.kind = RK_WEEKLY;
	assert_int_equal(status_at(WL_VM, rp, now), ELIG_NEVER);
	rp.kind = RK_MONTHLY;
	rp.tier = TIER_ARCHIVE;
	archive_eligibility(&it, &rp, now, &el);
	assert_string_equal(el.why, "already in Archive");
	assert_string_equal(reason_kinds[el.code].code, "already-archive");
	rp.tier = TIER_SNAPSHOT;
	assert_int_equal(status_at(WL_VM, rp, now), ELIG_NEVER);
	rp.tier = TIER_SNAPSHOT_STANDARD;
	assert_int_equal(status_at(WL_VM, rp, now), ELIG_NOW);
	rp.kind = RK_DIFFERENTIAL;
	assert_int_equal(status_at(WL_SQL, rp, now), ELIG_NEVER);
	rp.kind = RK_MONTHLY;
	assert_int_equal(status_at(WL_FILES, rp, now), ELIG_NEVER);
}

static void test_archive_rules__kept_forever(void **state)
{
	struct rp rp = point(RK_YEARLY, TIME_NONE);
	struct item it = vm_item(WL_VM);
	struct eligibility el;
	(void)state;

	archive_eligibility(&it, &rp, T0 + 95LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_NOW);
	assert_true(el.until == TIME_NONE);
}

static void test_archive_rules__azure_not_ready(void **state)
{
	struct rp rp = point(RK_MONTHLY, T0 + 900LL * DAY_S);
	struct item it = vm_item(WL_VM);
	struct eligibility el;
	(void)state;

	rp.move_ready = MR_FALSE;
	rp.move_info = "Recovery point cannot be moved to archive tier due to "
		       "insufficient retention duration specified in policy.";
	archive_eligibility(&it, &rp, T0 + 100LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_NEVER);
	assert_non_null(strstr(el.why, "Azure reports it not ready for move: "
				       "Recovery point cannot"));
	/* Before the minimum age Azure's "false" is expected: still LATER. */
	archive_eligibility(&it, &rp, T0 + 10LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_LATER);
}

/* eligibility_copy: the figures and both texts, whatever the copy held. */
static void test_archive_rules__copy_is_the_eligibility(void **state)
{
	struct rp rp = point(RK_MONTHLY, T0 + 900LL * DAY_S);
	struct item it = vm_item(WL_VM);
	struct eligibility el, copy;
	(void)state;

	archive_eligibility(&it, &rp, T0 + 100LL * DAY_S, &el);
	eligibility_hold(&el, T0 + 200LL * DAY_S, T0 + 100LL * DAY_S,
			 RC_DEPENDANTS, "the daily points are kept");
	strlcpy_vw(el.why, "a why", sizeof(el.why));
	memset(&copy, 'x', sizeof(copy));
	eligibility_copy(&copy, &el);
	assert_int_equal(copy.status, ELIG_LATER);
	assert_memory_equal(&copy, &el, offsetof(struct eligibility, why));
	assert_string_equal(copy.why, "a why");
	assert_string_equal(copy.held,
			    "the daily points are kept until 2026-07-20");
	assert_int_equal(copy.held_code, RC_DEPENDANTS);
}

/* isReadyForMove false while Azure is "still determining" is temporary:
 * eligible later (re-checked), not never. */
static void test_archive_rules__azure_still_determining(void **state)
{
	struct rp rp = point(RK_MONTHLY, T0 + 900LL * DAY_S);
	struct item it = vm_item(WL_VM);
	struct eligibility el;
	int64_t now = T0 + 100LL * DAY_S;
	(void)state;

	rp.move_ready = MR_FALSE;
	rp.move_info = "We're still determining if this Recovery Point can be "
		       "moved.. Please check again after some time.";
	archive_eligibility(&it, &rp, now, &el);
	assert_int_equal(el.status, ELIG_LATER);
	assert_true(el.from > now);
	assert_non_null(strstr(el.held, "still determining"));
}

static void test_archive_rules__vm_dependencies(void **state)
{
	/* A monthly point, then dailies kept 30 days and a weekly kept 84. */
	struct rp rps[4];
	struct policy pol = { 0 };
	struct item it = vm_item(WL_VM);
	struct eligibility el;
	int64_t now = T0 + 95LL * DAY_S, end;
	(void)state;

	rps[0] = point(RK_MONTHLY, T0 + 400LL * DAY_S);
	rps[1] = point(RK_DAILY, T0 + 31LL * DAY_S);
	rps[1].rp_time = T0 + DAY_S;
	rps[2] = point(RK_WEEKLY, T0 + 91LL * DAY_S);
	rps[2].rp_time = T0 + 7LL * DAY_S;
	rps[3] = point(RK_MONTHLY, T0 + 431LL * DAY_S);
	rps[3].rp_time = T0 + 31LL * DAY_S;
	assert_true(vm_dependencies_end(&pol, rps, 4, 0) == T0 + 91LL * DAY_S);
	/* The newest monthly point: dependants still to come, through the
	 * policy's weekly retention after next month's point. */
	pol.daily_keep_days = 30;
	pol.weekly_keep_weeks = 12;
	end = vm_dependencies_end(&pol, rps, 4, 3);
	assert_true(end == time_add_months(rps[3].rp_time, 1) + 84LL * DAY_S);
	assert_true(vm_dependencies_end(NULL, rps, 4, 3) == TIME_NONE);

	archive_eligibility(&it, &rps[0], T0 + 90LL * DAY_S, &el);
	assert_int_equal(el.status, ELIG_NOW);
	eligibility_hold(&el, T0 + 91LL * DAY_S, T0 + 90LL * DAY_S,
			 RC_DEPENDANTS, "daily and weekly points that depend on it are kept");
	assert_int_equal(el.status, ELIG_LATER);
	assert_true(el.from == T0 + 91LL * DAY_S);
	archive_eligibility(&it, &rps[0], now, &el);
	eligibility_hold(&el, T0 + 91LL * DAY_S, now, RC_DEPENDANTS,
			 "daily and weekly points that depend on it are kept");
	assert_int_equal(el.status, ELIG_NOW);
	/* Dependants outliving the last possible move. */
	eligibility_hold(&el, T0 + 300LL * DAY_S, now, RC_DEPENDANTS,
			 "daily and weekly points that depend on it are kept");
	assert_int_equal(el.status, ELIG_NEVER);
	assert_string_equal(reason_kinds[el.code].code, "dependants-kept");
	assert_non_null(strstr(el.why, "depend on it are kept until "
				       "2026-10-28"));
}

/* Issue 17, cause 3: a stopped-protection item keeps its daily points
 * forever, so the monthly point they depend on can never move (the bug
 * read the dependant's "no expiry" as "no hold" and moved it). */
static void test_archive_rules__dependant_kept_forever(void **state)
{
	struct rp rps[3];
	struct item it = vm_item(WL_VM);
	struct eligibility el;
	int64_t now = T0 + 400LL * DAY_S;
	(void)state;

	rps[0] = point(RK_MONTHLY, TIME_NONE);
	rps[1] = point(RK_DAILY, TIME_NONE);
	rps[1].rp_time = T0 + DAY_S;
	rps[2] = point(RK_DAILY, T0 + 40LL * DAY_S);
	rps[2].rp_time = T0 + 2LL * DAY_S;
	assert_true(vm_dependencies_end(NULL, rps, 3, 0) == HOLD_FOREVER);
	archive_eligibility(&it, &rps[0], now, &el);
	assert_int_equal(el.status, ELIG_NOW);
	eligibility_hold(&el, vm_dependencies_end(NULL, rps, 3, 0), now,
			 RC_DEPENDANTS, "the daily and weekly points that depend on it are "
			 "kept");
	assert_int_equal(el.status, ELIG_NEVER);
	assert_non_null(strstr(el.why, "depend on it are kept forever"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_rules__vm_min_age_boundary),
		cmocka_unit_test(test_archive_rules__sql_min_age_boundary),
		cmocka_unit_test(test_archive_rules__remaining_retention_boundary),
		cmocka_unit_test(test_archive_rules__never_reaches_both),
		cmocka_unit_test(test_archive_rules__kinds_and_tiers),
		cmocka_unit_test(test_archive_rules__kept_forever),
		cmocka_unit_test(test_archive_rules__azure_not_ready),
		cmocka_unit_test(test_archive_rules__copy_is_the_eligibility),
		cmocka_unit_test(test_archive_rules__azure_still_determining),
		cmocka_unit_test(test_archive_rules__vm_dependencies),
		cmocka_unit_test(test_archive_rules__dependant_kept_forever),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
