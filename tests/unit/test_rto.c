/* SPDX-License-Identifier: MIT
 * test_rto.c: the restore-time models per workload (rto_samples_fit):
 * a workload with enough restores gets its own fit, one with fewer the
 * fit on all workloads' restores, whether or not another workload needs
 * that pooled fit too. */
#include "testutil.h"

#include <math.h>

#include "models/check/rto.h"

/* n restores on the line fixed + GiB / gib_per_h, +-0.05 h in turn. */
static void add_line(struct rto_samples *rs, int wl, size_t n, double fixed,
		     double gib_per_h)
{
	for (size_t i = 0; i < n; i++) {
		double gib = 50.0 * (double)(i / 2 + 1);
		struct rto_sample s = { gib, fixed + gib / gib_per_h +
						     (i % 2 ? -0.05 : 0.05) };
		rs->s[wl] = grow_array(rs->s[wl], sizeof(*rs->s[wl]),
				       rs->n[wl] + 1, &rs->alloc[wl]);
		rs->s[wl][rs->n[wl]++] = s;
	}
}

static void assert_model_equal(const struct rto_model *a,
			       const struct rto_model *b)
{
	assert_true(a->fixed_h == b->fixed_h);
	assert_true(a->gib_per_h == b->gib_per_h);
	assert_true(a->p90_extra_h == b->p90_extra_h);
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->fitted, b->fitted);
	assert_string_equal(a->basis, b->basis);
}

/* Every workload with its own restores: each its own fit. */
static void test_rto__own_fit_per_workload(void **state)
{
	struct rto_samples rs = { 0 };
	struct rto_model out[WL_COUNT], want;
	(void)state;

	add_line(&rs, WL_VM, 12, 0.5, 200);
	add_line(&rs, WL_SQL, 8, 1.0, 100);
	add_line(&rs, WL_HANA, 6, 2.0, 50);
	add_line(&rs, WL_FILES, RTO_MIN_RESTORES, 0.25, 400);
	memset(out, 0, sizeof(out));
	assert_int_equal(rto_samples_fit(&rs, out), 12 + 8 + 6 +
							    RTO_MIN_RESTORES);
	for (int wl = 0; wl < WL_COUNT; wl++) {
		memset(&want, 0, sizeof(want));
		rto_model_fit(&want, rs.s[wl], rs.n[wl]);
		assert_true(want.fitted);
		assert_model_equal(&out[wl], &want);
	}
	assert_true(fabs(out[WL_SQL].gib_per_h - 100) < 1);
	rto_samples_release(&rs);
}

/* A workload under RTO_MIN_RESTORES takes the fit on all restores. */
static void test_rto__pooled_when_too_few(void **state)
{
	struct rto_samples rs = { 0 };
	struct rto_model out[WL_COUNT], own, pooled;
	struct rto_sample all[12 + 3];
	(void)state;

	add_line(&rs, WL_VM, 12, 0.5, 200);
	add_line(&rs, WL_HANA, 3, 0.5, 200);
	memcpy(all, rs.s[WL_VM], 12 * sizeof(*all));
	memcpy(all + 12, rs.s[WL_HANA], 3 * sizeof(*all));
	memset(&own, 0, sizeof(own));
	memset(&pooled, 0, sizeof(pooled));
	rto_model_fit(&own, rs.s[WL_VM], 12);
	rto_model_fit(&pooled, all, 15);
	assert_int_equal(rto_samples_fit(&rs, out), 15);
	assert_model_equal(&out[WL_VM], &own);
	assert_model_equal(&out[WL_SQL], &pooled);
	assert_model_equal(&out[WL_HANA], &pooled);
	assert_model_equal(&out[WL_FILES], &pooled);
	assert_non_null(strstr(pooled.basis, "fit on 15 restores"));
	rto_samples_release(&rs);
}

/* No restores at all: the documented defaults everywhere. */
static void test_rto__defaults_without_restores(void **state)
{
	struct rto_samples rs = { 0 };
	struct rto_model out[WL_COUNT];
	(void)state;

	assert_int_equal(rto_samples_fit(&rs, out), 0);
	for (int wl = 0; wl < WL_COUNT; wl++) {
		assert_false(out[wl].fitted);
		assert_true(fabs(rto_model_hours(&out[wl], 400) - 5) < 1e-9);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rto__own_fit_per_workload),
		cmocka_unit_test(test_rto__pooled_when_too_few),
		cmocka_unit_test(test_rto__defaults_without_restores),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
