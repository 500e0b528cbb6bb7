/* SPDX-License-Identifier: MIT
 * test_vmset.c: a VM item's monthly points scored as a set: neighbours
 * moved together free the versions they share, so a low-churn chain can
 * pay as a run while no point pays alone; a chain that pays in no way is
 * kept as a set; points that may not move break runs. Hand-computed. */
#include "testutil.h"

#include <math.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "models/cost/vmset.h"

static const int64_t T0 = 1767225600; /* 2026-01-01T00:00:00Z */

static void chain(struct rp rps[4])
{
	for (int i = 0; i < 4; i++) {
		memset(&rps[i], 0, sizeof(rps[i]));
		rps[i].rp_time = T0 + (int64_t)i * 30 * DAY_S;
		rps[i].kind = RK_MONTHLY;
		rps[i].tier = TIER_STANDARD;
		rps[i].full_gb = 100;
		rps[i].move_info = "";
	}
}

static double f(double churn, double days)
{
	return 1 - pow(1 - churn, days);
}

static void test_vmset__run_pays_where_singles_do_not(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false }; /* the newest: too young */
	double freed[4];
	struct vmset_result r;
	double c = 0.01;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	/* Alone, the middle point frees f(30)^2 = 6.8 GiB: 0.14 EUR against
	 * 0.21 EUR of Archive. Together the run frees 78 GiB. */
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_int_equal(r.chosen, 3);
	/* The run frees 100 f(90) + 100 f(30) f(60) + 100 f(30)^2, shared
	 * by Archive size (equal here). */
	for (int i = 0; i < 3; i++)
		assert_float_equal(freed[i],
				   (100 * f(c, 90) + 100 * f(c, 30) * f(c, 60) +
				    100 * f(c, 30) * f(c, 30)) / 3,
				   1e-9);
	assert_true(isnan(freed[3]));
	assert_float_equal(freed[0] + freed[1] + freed[2], 78.09, 0.01);
	assert_float_equal(r.all_freed_gb, 78.09, 0.01);
	assert_float_equal(r.all_full_gb, 300, 1e-9);
}

static void test_vmset__low_churn_kept_as_a_set(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false };
	double freed[4];
	struct vmset_result r;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = 0.002;
	chain(rps);
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_int_equal(r.chosen, 0);
	for (int i = 0; i < 4; i++)
		assert_true(isnan(freed[i]));
	/* What the reason of a kept set quotes: 17.5 GiB for 300 GiB. */
	assert_float_equal(r.all_freed_gb, 17.5, 0.05);
}

static void test_vmset__ineligible_point_breaks_the_run(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, false, true, false };
	double freed[4];
	struct vmset_result r;
	double c = 0.05;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	vmset_score(&it, rps, 4, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.chosen, 2);
	/* Each point is a run of its own: its next neighbour stays. */
	assert_float_equal(freed[0], 100 * f(c, 30), 1e-9);
	assert_float_equal(freed[2], 100 * f(c, 30) * f(c, 30), 1e-9);
	assert_true(isnan(freed[1]));
}

static void test_vmset__daily_points_are_not_in_the_chain(void **state)
{
	struct item it = { 0 };
	struct rp rps[5];
	bool cand[5] = { true, false, true, true, false };
	double freed[5];
	struct vmset_result r;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = 0.03;
	chain(rps);
	rps[4] = rps[3];
	rps[1] = rps[0];
	rps[1].rp_time = T0 + DAY_S;
	rps[1].kind = RK_DAILY;
	for (int i = 2; i < 5; i++)
		rps[i].rp_time = T0 + (int64_t)(i - 1) * 30 * DAY_S;
	vmset_score(&it, rps, 5, cand, 0.02, 0.0021, true, freed, &r);
	assert_int_equal(r.candidates, 3);
	assert_true(isnan(freed[1]));
	assert_int_equal(r.chosen, 3);
}

/* Issue 17, cause 1: the newest point of a chosen run frees less than
 * its Archive copy costs on its own (its next neighbour still holds most
 * of its blocks); moved with its run, its share of what the run frees
 * covers its Archive copy, so the plan does not keep it behind. */
static void test_vmset__tail_moves_with_its_run(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false };
	double freed[4], std = 0.02, arc = 0.0021;
	struct vmset_result r;
	double c = 0.004;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	vmset_score(&it, rps, 4, cand, std, arc, true, freed, &r);
	assert_int_equal(r.chosen, 3);
	/* Alone in its run's terms the tail frees f(30)^2 = 1.3 GiB, 0.03
	 * EUR a month against 0.21 EUR of Archive. */
	assert_true(std * 100 * f(c, 30) * f(c, 30) < arc * 100);
	for (int i = 0; i < 3; i++)
		assert_true(std * freed[i] > arc * rps[i].full_gb);
}

/* Issue 17, cause 3: stopped protection keeps a daily point forever
 * right after the first monthly one, which then frees only the blocks
 * overwritten in that one day (1 GiB for a 100 GiB copy) and stays; the
 * three later monthly points, with nothing after them, move together. */
static void test_vmset__daily_kept_forever_holds_its_blocks(void **state)
{
	struct item it = { 0 };
	struct rp rps[5];
	bool cand[5] = { true, false, true, true, true };
	double freed[5];
	struct vmset_result r;
	double c = 0.01;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	rps[4] = rps[3];
	for (int i = 3; i >= 1; i--) {
		rps[i + 1] = rps[i];
		rps[i + 1].rp_time = T0 + (int64_t)i * 30 * DAY_S;
	}
	rps[1].rp_time = T0 + DAY_S;
	rps[1].kind = RK_DAILY;
	for (int i = 0; i < 5; i++)
		rps[i].expiry_time = TIME_NONE;
	vmset_score(&it, rps, 5, cand, 0.02, 0.0021, false, freed, &r);
	assert_int_equal(r.candidates, 4);
	assert_true(isnan(freed[0]));
	assert_true(isnan(freed[1]));
	assert_int_equal(r.chosen, 3);
	assert_float_equal(freed[2] + freed[3] + freed[4],
			   100 * (f(c, 29) + f(c, 30) + f(c, 30)), 1e-9);
	assert_float_equal(r.all_freed_gb,
			   100 * (f(c, 1) + f(c, 29) + f(c, 30) + f(c, 30)),
			   1e-9);
}

/* Azure's recommended set beside the plan's runs: Azure recommends the
 * two oldest points, the plan moves the three that may move. Each set
 * is valued as its runs free: Azure's run ends before a point that
 * stays, which still holds most of the second point's blocks. */
static void test_vmset__azure_set_beside_the_plan(void **state)
{
	struct item it = { 0 };
	struct rp rps[4];
	bool cand[4] = { true, true, true, false };
	bool azure[4] = { true, true, false, false }, plan[4];
	double months[4] = { 12, 10, 8, 0 }, freed[4], std = 0.02,
	       arc = 0.0021, c = 0.01;
	struct vmset_result r;
	struct vmset_value az, pv;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	chain(rps);
	vmset_score(&it, rps, 4, cand, std, arc, false, freed, &r);
	for (int i = 0; i < 4; i++)
		plan[i] = !isnan(freed[i]);
	vmset_value(&it, rps, 4, azure, months, std, arc, false, freed, &az);
	assert_int_equal(az.points, 2);
	assert_float_equal(az.freed_gb, 100 * (f(c, 60) + f(c, 30) * f(c, 30)),
			   1e-9);
	assert_float_equal(az.full_gb, 200, 1e-9);
	/* Shared by Archive size: each of the two frees half the run. */
	assert_float_equal(freed[0], az.freed_gb / 2, 1e-9);
	assert_true(isnan(freed[2]));
	assert_float_equal(az.month, std * az.freed_gb - arc * 200, 1e-9);
	assert_float_equal(az.worth,
			   (std * az.freed_gb / 2 - arc * 100) * (12 + 10),
			   1e-9);
	vmset_value(&it, rps, 4, plan, months, std, arc, false, freed, &pv);
	assert_int_equal(pv.points, 3);
	assert_float_equal(pv.freed_gb, 78.09, 0.01);
	/* The plan's set is the best: worth more a month than Azure's. */
	assert_true(pv.month > az.month);
	assert_float_equal(pv.worth, (std * pv.freed_gb / 3 - arc * 100) * 30,
			   1e-9);
}

/* Issue 17, cause 2: a yearly point born between monthly ones that the
 * plan moves a few months later. At its move it frees f(30)^2 = 30 GiB
 * of 100 (what plan priced it at); as its neighbours leave it holds more
 * and, once they are all gone, all but what next month's point shares:
 * 88 GiB on average over its three years. */
static void test_vmset__yearly_ends_up_holding_a_copy(void **state)
{
	struct item it = { 0 };
	struct rp rps[5];
	double c = 1 - pow(1 - sqrt(0.3), 1.0 / 30), freed[5];
	int64_t leave[5], from = T0 + 90 * DAY_S, to = T0 + 1095 * DAY_S;
	const int born[5] = { -30, 0, 30, 60, 89 };
	const int life[5] = { 730, 1095, 730, 730, 30 };
	const int moved[5] = { 100, 0, 150, 180, 0 };
	double fp, want;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = c;
	for (int i = 0; i < 5; i++) {
		memset(&rps[i], 0, sizeof(rps[i]));
		rps[i].rp_time = T0 + (int64_t)born[i] * DAY_S;
		rps[i].expiry_time = rps[i].rp_time + life[i] * DAY_S;
		rps[i].kind = i == 1 ? RK_YEARLY
				     : i == 4 ? RK_DAILY : RK_MONTHLY;
		rps[i].tier = TIER_STANDARD;
		rps[i].full_gb = 100;
		rps[i].move_info = "";
		freed[i] = NAN;
		leave[i] = moved[i] ? T0 + (int64_t)moved[i] * DAY_S
				    : rps[i].expiry_time;
	}
	assert_float_equal(unique_gb_at(&it, rps, 5, 1, from), 30, 1e-9);
	fp = vmset_footprint(&it, rps, 5, 1, leave, freed, true, from, to);
	/* Days 90-100 between both monthly neighbours; to 150 with no older
	 * one; to 180 the next is 60 days on; then next month's point,
	 * 2026-04-02, 91 days on. */
	want = 100 *
	       (10 * 0.3 + 50 * f(c, 30) + 30 * f(c, 60) + 915 * f(c, 91)) /
	       1005;
	assert_float_equal(fp, want, 1e-6);
	assert_true(fp > 88 && fp < 89);
	/* In a chosen set with its older neighbour, that one stays with it
	 * until it expires on day 700: its share counts what they free
	 * together. */
	freed[0] = freed[1] = 60;
	fp = vmset_footprint(&it, rps, 5, 1, leave, freed, true, from, to);
	want = 100 *
	       (f(c, 30) * (60 * f(c, 30) + 30 * f(c, 60) + 520 * f(c, 91)) +
		395 * f(c, 91)) /
	       1005;
	assert_float_equal(fp, want, 1e-6);
	/* Nothing left of its life: what it frees then. */
	assert_float_equal(
		vmset_footprint(&it, rps, 5, 1, leave, freed, true, to, to),
		unique_gb_at(&it, rps, 5, 1, to), 1e-9);
}

/* The footprint of an item with more points than fit on the stack is
 * the same: 300 archived points before the five above share nothing. */
static void test_vmset__footprint_of_a_long_item(void **state)
{
	enum { OLD = 300, N = OLD + 5 };
	static struct rp rps[N];
	static int64_t leave[N];
	static double freed[N];
	struct item it = { 0 };
	int64_t from = T0 + 90 * DAY_S, to = T0 + 1095 * DAY_S;
	const int born[5] = { -30, 0, 30, 60, 89 };
	double short_fp;
	(void)state;

	it.workload = WL_VM;
	it.source_gb = 100;
	it.daily_churn = 0.01;
	for (int i = 0; i < N; i++) {
		int k = i - OLD;
		memset(&rps[i], 0, sizeof(rps[i]));
		rps[i].rp_time = k < 0 ? T0 - (int64_t)(OLD - i + 1) * 30 * DAY_S
				       : T0 + (int64_t)born[k] * DAY_S;
		rps[i].expiry_time = rps[i].rp_time + 3000LL * DAY_S;
		rps[i].kind = k == 1 ? RK_YEARLY : RK_MONTHLY;
		rps[i].tier = k < 0 ? TIER_ARCHIVE : TIER_STANDARD;
		rps[i].full_gb = 100;
		rps[i].move_info = "";
		freed[i] = NAN;
		leave[i] = rps[i].expiry_time - (k == 2) * 2000LL * DAY_S;
	}
	short_fp = vmset_footprint(&it, rps + OLD, 5, 1, leave + OLD,
				   freed + OLD, true, from, to);
	assert_true(short_fp > 0);
	assert_true(vmset_footprint(&it, rps, N, OLD + 1, leave, freed, true,
				    from, to) == short_fp);
}

/* What a set of chain points frees (vmset.h), run by run. */
static double set_value(const struct rp *rps, int m, const bool *in,
			double churn, double std, double arc, bool refills)
{
	double v = 0;

	for (int i = 0; i < m; i++) {
		int j = i;
		double next;
		if (!in[i])
			continue;
		while (j + 1 < m && in[j + 1])
			j++;
		next = j + 1 < m ? (double)rps[j + 1].rp_time
		       : refills ? (double)time_add_months(rps[j].rp_time, 1)
				 : NAN;
		for (int k = i; k <= j; k++) {
			double fp = k ? f(churn, (double)(rps[k].rp_time -
							  rps[k - 1].rp_time) /
							 DAY_S)
				      : 1;
			double after = isnan(next)
					       ? 1
					       : f(churn,
						   fmax(1, (next - (double)rps[k]
									.rp_time) /
							       DAY_S));
			v += std * 100 * fp * after - arc * rps[k].full_gb;
		}
		i = j;
	}
	return v;
}

/* The set chosen is worth as much as the best of every subset of the
 * candidates, on random chains (uneven gaps, sizes and churn). */
static void test_vmset__best_of_every_subset(void **state)
{
	enum { M = 9 };
	unsigned seed = 17;
	(void)state;

	for (int round = 0; round < 300; round++) {
		struct item it = { 0 };
		struct rp rps[M];
		bool cand[M], in[M], refills = round % 2;
		double freed[M], best = 0, got = 0, std = 0.02, arc = 0.0021;
		struct vmset_result r;
		int64_t t = T0;

		it.workload = WL_VM;
		it.source_gb = 100;
		seed = seed * 1103515245 + 12345;
		it.daily_churn = 0.0005 + (seed >> 8) % 1000 * 2e-5;
		for (int i = 0; i < M; i++) {
			seed = seed * 1103515245 + 12345;
			memset(&rps[i], 0, sizeof(rps[i]));
			t += (int64_t)(1 + (seed >> 8) % 200) * DAY_S;
			rps[i].rp_time = t;
			rps[i].kind = (seed >> 20) % 5 ? RK_MONTHLY : RK_YEARLY;
			rps[i].tier = TIER_STANDARD;
			rps[i].full_gb = 60 + (seed >> 12) % 80;
			rps[i].move_info = "";
			cand[i] = (seed >> 24) % 6 != 0;
		}
		vmset_score(&it, rps, M, cand, std, arc, refills, freed, &r);
		for (int i = 0; i < M; i++)
			if (!isnan(freed[i]))
				got += std * freed[i] - arc * rps[i].full_gb;
		for (unsigned mask = 0; mask < 1u << M; mask++) {
			bool ok = true;
			for (int i = 0; i < M; i++) {
				in[i] = mask >> i & 1;
				ok = ok && (!in[i] || cand[i]);
			}
			if (ok)
				best = fmax(best,
					    set_value(rps, M, in, it.daily_churn,
						      std, arc, refills));
		}
		assert_float_equal(got, best, 1e-9);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmset__run_pays_where_singles_do_not),
		cmocka_unit_test(test_vmset__low_churn_kept_as_a_set),
		cmocka_unit_test(test_vmset__ineligible_point_breaks_the_run),
		cmocka_unit_test(test_vmset__daily_points_are_not_in_the_chain),
		cmocka_unit_test(test_vmset__tail_moves_with_its_run),
		cmocka_unit_test(
			test_vmset__daily_kept_forever_holds_its_blocks),
		cmocka_unit_test(test_vmset__azure_set_beside_the_plan),
		cmocka_unit_test(test_vmset__best_of_every_subset),
		cmocka_unit_test(test_vmset__yearly_ends_up_holding_a_copy),
		cmocka_unit_test(test_vmset__footprint_of_a_long_item),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
