/* SPDX-License-Identifier: MIT
 * test_restore_cum.c: the restore model's Lambda by whole day (the table
 * plan reads for most points) equals, to the bit, the direct evaluation
 * of the shape: at age 0, fractions of a day, the table's end and past
 * it, for a tiny c and p at and near 1, the exponential alternative and
 * the age bands. */
#include "testutil.h"

#include <math.h>

#include "models/restore/restore_internal.h"
#include "models/restore/restore_model.h"

/* Ages that hit the table (whole days), miss it (fractions, beyond its
 * end, below 0) or lie at its edges. */
static const double ages[] = {
	0, -0.0, -1, 1e-9, 1.0 / 24, 0.5, 1, 2, 29.999999, 30, 180, 365,
	3652.5, 3653, CUM_TABLE_DAYS - 1, CUM_TABLE_DAYS - 0.5,
	CUM_TABLE_DAYS, CUM_TABLE_DAYS + 1, 36525,
};

/* A model of method mle with shape h, made final as fit and read do. */
static void make_model(struct restore_model *m, char *method,
		       struct hazard h)
{
	memset(m, 0, sizeof(*m));
	m->method = method;
	m->h = h;
	m->diag.aic = 100;
	m->bands.aic = 120;
	restore_model_finish_summary(m);
}

static void assert_bits_equal(double got, double want)
{
	assert_memory_equal(&got, &want, sizeof(got));
}

/* restore_model_cum against hazard_cum at every age. */
static void assert_omori_exact(struct hazard h)
{
	static struct restore_model m; /* 32 KB of table: not on the stack */
	char method[] = "mle";

	make_model(&m, method, h);
	assert_int_equal(m.cum_days, CUM_TABLE_DAYS);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++)
		assert_bits_equal(restore_model_cum(&m, ages[i]),
				  hazard_cum(&h, ages[i]));
	for (int d = 0; d < CUM_TABLE_DAYS; d++)
		assert_bits_equal(m.cum_day[d], hazard_cum(&h, d));
}

static void test_restore_cum__omori_equals_direct(void **state)
{
	(void)state;
	assert_omori_exact((struct hazard){ 4.1e-7, 2.05e-4, 1.055, 1.3137 });
	/* the documented prior: p = 1, c = 1 d */
	assert_omori_exact((struct hazard){ 1e-6, 1e-3, 1, 1 });
}

static void test_restore_cum__tiny_c_and_p_near_one(void **state)
{
	(void)state;
	assert_omori_exact((struct hazard){ 1e-7, 1e-4, 1e-9, 1.3 });
	assert_omori_exact((struct hazard){ 1e-7, 1e-4, 0.5, 1 + 1e-12 });
	assert_omori_exact((struct hazard){ 1e-7, 1e-4, 0.5, 1 - 1e-12 });
	assert_omori_exact((struct hazard){ 0, 1e-4, 2, 0.999999 });
}

/* A model made final again after its shape changed tabulates the new
 * shape, not the old table's. */
static void test_restore_cum__final_again(void **state)
{
	static struct restore_model m;
	char method[] = "mle";
	struct hazard h2 = { 2e-7, 5e-4, 3, 1.1 };
	(void)state;

	make_model(&m, method, (struct hazard){ 4e-7, 2e-4, 1, 1.3 });
	m.h = h2;
	restore_model_finish_summary(&m);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++)
		assert_bits_equal(restore_model_cum(&m, ages[i]),
				  hazard_cum(&h2, ages[i]));
}

/* When AIC prefers the exponential + floor fit, the table holds its
 * Lambda, B a - A / k expm1(-k a). */
static void test_restore_cum__exponential(void **state)
{
	static struct restore_model m;
	char method[] = "mle";
	struct exp_fit alt = { 1e-6, 2e-4, 1.0 / 60, -40, 99, true, true };
	(void)state;

	memset(&m, 0, sizeof(m));
	m.method = method;
	m.h = (struct hazard){ 5e-7, 0.02, 5, 1.3 };
	m.diag.aic = 100;
	m.bands.aic = 120;
	m.alt = alt;
	restore_model_finish_summary(&m);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++) {
		double a = ages[i];
		double want = alt.B * a - alt.A / alt.k * expm1(-alt.k * a);
		assert_bits_equal(restore_model_cum(&m, a), want);
	}
}

/* With the age bands in use, the table holds the banded Lambda. */
static void test_restore_cum__age_bands(void **state)
{
	static struct restore_model m;
	char method[] = "mle";
	(void)state;

	memset(&m, 0, sizeof(m));
	m.method = method;
	m.h = (struct hazard){ 5e-7, 0.02, 5, 1.3 };
	m.diag.aic = 100;
	m.workload[WL_VM] = (struct group_fit){ .points = 10, .shape = 4,
						.rate = 2 };
	for (int k = 0; k < AGE_BANDS; k++) {
		m.bands.events[k] = k >= 8 && k < 12 ? 60 : 10;
		m.bands.expected[k] = 10;
	}
	restore_bands_choose(&m);
	assert_true(m.bands.used);
	restore_model_finish_summary(&m);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++)
		assert_bits_equal(restore_model_cum(&m, ages[i]),
				  bands_cum(&m.h, &m.bands, ages[i]));
	/* and the expected restores over whole days follow it */
	assert_bits_equal(
		restore_model_expected(&m, NULL, WL_VM, 30, 120, 180),
		30 * (bands_cum(&m.h, &m.bands, 180) -
		      bands_cum(&m.h, &m.bands, 120)) *
			m.workload[WL_VM].shape / m.workload[WL_VM].rate);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_cum__omori_equals_direct),
		cmocka_unit_test(test_restore_cum__tiny_c_and_p_near_one),
		cmocka_unit_test(test_restore_cum__final_again),
		cmocka_unit_test(test_restore_cum__exponential),
		cmocka_unit_test(test_restore_cum__age_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
