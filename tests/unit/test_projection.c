/* SPDX-License-Identifier: MIT
 * test_projection.c: month-by-month projected cost of slots under moves:
 * constant cost, a move mid-horizon, successors of an expiring point,
 * points kept forever, the horizon cost agreeing with the months, the
 * expected restores from Archive counted only while archived, trains
 * of successors against their lives walked day by day, and slots added
 * to several strategies at once against one at a time. */
#include "testutil.h"

#include "models/cost/projection.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"

static const int64_t AS_OF = 1793491200; /* 2026-11-01T00:00:00Z */

static struct slot standard_slot(int64_t rp_time, int64_t expiry)
{
	struct slot s = { 0 };
	s.rp_time = rp_time;
	s.expiry = expiry;
	s.refills = true;
	s.in_standard = true;
	s.std_gb = 30;
	s.arc_gb = 100;
	s.std_gb_month = 0.02;
	s.arc_gb_month = 0.002;
	s.grows_at = TIME_NONE;
	return s;
}

static double month_cost(const struct projection *p, int m)
{
	struct month_total t;
	projection_month(p, STRAT_DO_NOTHING, m, &t);
	return t.cost;
}

static void test_projection__horizon_months(void **state)
{
	struct horizon h;
	char d[DATE_ISO_LEN];
	(void)state;

	horizon_init(&h, AS_OF + 5 * DAY_S, 36);
	time_format_date(h.start, d);
	assert_string_equal(d, "2026-11-01");
	time_format_date(h.end, d);
	assert_string_equal(d, "2029-11-01");
	assert_int_equal(h.days, 1096);
}

static void test_projection__steady_standard(void **state)
{
	struct projection p;
	struct slot s = standard_slot(AS_OF - 10 * DAY_S, AS_OF + 20 * DAY_S);
	struct slot_moves none = { TIME_NONE, -1 };
	struct month_total t;
	(void)state;

	projection_init(&p, AS_OF, 12);
	projection_add(&p, STRAT_DO_NOTHING, &s, &none);
	/* 30 GiB x 0.02 per month: Azure bills a month's average GB, so
	 * November's 30 days and December's 31 cost the same. */
	assert_float_equal(month_cost(&p, 0), 0.6, 1e-9);
	assert_float_equal(month_cost(&p, 1), 0.6, 1e-9);
	projection_month(&p, STRAT_DO_NOTHING, 5, &t);
	assert_float_equal(t.std_gb, 30, 1e-9);
	assert_float_equal(t.arc_gb, 0, 1e-12);
	projection_release(&p);
}

/* A vaulted file share's point (slot.files): its GiB are counted apart,
 * as the Files Vaulted meter's, and at its own price. */
static void test_projection__files_vaulted_apart(void **state)
{
	struct projection p;
	struct slot s = standard_slot(AS_OF - 10 * DAY_S, AS_OF + 20 * DAY_S);
	struct slot f = s;
	struct slot_moves none = { TIME_NONE, -1 };
	struct month_total t;
	(void)state;

	f.files = true;
	f.std_gb = 10;
	f.std_gb_month = 0.046775;
	projection_init(&p, AS_OF, 12);
	projection_add(&p, STRAT_DO_NOTHING, &s, &none);
	projection_add(&p, STRAT_DO_NOTHING, &f, &none);
	projection_month(&p, STRAT_DO_NOTHING, 2, &t);
	assert_float_equal(t.std_gb, 40, 1e-9);
	assert_float_equal(t.files_gb, 10, 1e-9);
	assert_float_equal(t.cost, 30 * 0.02 + 10 * 0.046775, 1e-9);
	projection_release(&p);
}

static void test_projection__move_then_successors(void **state)
{
	/* A yearly point, 100 days old, living 3 years; moved on Jan 1 2027;
	 * successors would move at 90 days but none is born in 12 months. */
	int64_t born = AS_OF - 100 * DAY_S;
	struct slot s = standard_slot(born, born + 3 * 365 * DAY_S);
	struct slot_moves m = { AS_OF + 61 * DAY_S, 90 };
	struct projection p;
	struct month_total t;
	(void)state;

	projection_init(&p, AS_OF, 12);
	projection_add(&p, STRAT_DO_NOTHING, &s, &m);
	assert_float_equal(month_cost(&p, 1), 0.6, 1e-9);
	/* January 2027 onwards: 100 GiB x 0.002 in Archive. */
	assert_float_equal(month_cost(&p, 2), 0.2, 1e-9);
	projection_month(&p, STRAT_DO_NOTHING, 3, &t);
	assert_float_equal(t.arc_gb, 100, 1e-9);
	assert_float_equal(t.std_gb, 0, 1e-9);
	projection_release(&p);
}

static void test_projection__successor_cycle(void **state)
{
	/* A 30-day point expiring in 10 days refills every 30 days; moved at
	 * age 10 days, so each 30-day cycle is 10 days Standard, 20 Archive. */
	struct slot s = standard_slot(AS_OF - 20 * DAY_S, AS_OF + 10 * DAY_S);
	struct slot_moves m = { TIME_NONE, 10 };
	struct projection p;
	double total = 0, direct;
	(void)state;

	projection_init(&p, AS_OF, 3);
	projection_add(&p, STRAT_DO_NOTHING, &s, &m);
	for (int k = 0; k < 3; k++)
		total += month_cost(&p, k);
	direct = slot_horizon_cost(&p.h, &s, &m);
	/* The horizon's cost counts mean months of 30.44 days; the months
	 * their own lengths: the same within a day's share. */
	assert_float_equal(total, direct, direct * 0.02);
	/* 92 days: 10 as-is, then cycles born on days 10, 40, 70: Standard
	 * 10 + 3 x 10 = 40 days, Archive 20 + 20 + 12 (cut at day 92). */
	assert_float_equal(direct, (0.6 * 40 + 0.2 * 52) / DAYS_PER_MONTH,
			   1e-9);
	projection_release(&p);
}

static void test_projection__forever_and_stopped(void **state)
{
	struct slot s = standard_slot(AS_OF - 400 * DAY_S, TIME_NONE);
	struct slot_moves none = { TIME_NONE, -1 };
	struct projection p;
	(void)state;

	projection_init(&p, AS_OF, 2);
	projection_add(&p, STRAT_DO_NOTHING, &s, &none);
	/* Kept forever: the whole horizon. */
	assert_float_equal(month_cost(&p, 1), 0.6, 1e-9);
	/* Stopped item: the point expires and nothing replaces it. */
	s = standard_slot(AS_OF - 10 * DAY_S, AS_OF + 30 * DAY_S);
	s.refills = false;
	projection_add(&p, STRAT_TIER_AFTER_3M, &s, &none);
	{
		struct month_total t;
		projection_month(&p, STRAT_TIER_AFTER_3M, 1, &t);
		assert_float_equal(t.cost, 0, 1e-12);
	}
	projection_release(&p);
}

static void test_projection__fixed_equals_unmoved(void **state)
{
	struct slot slots[3];
	struct slot_moves none = { TIME_NONE, -1 };
	struct projection a, b;
	(void)state;

	slots[0] = standard_slot(AS_OF - 3 * DAY_S, AS_OF + 4 * DAY_S);
	slots[1] = standard_slot(AS_OF - 200 * DAY_S, AS_OF + 30 * DAY_S);
	slots[1].refills = false;
	slots[2] = standard_slot(AS_OF - 10 * DAY_S, TIME_NONE);
	slots[2].in_standard = false;
	slots[2].in_archive = true;
	projection_init(&a, AS_OF, 14);
	projection_init(&b, AS_OF, 14);
	for (int i = 0; i < 3; i++) {
		projection_add(&a, STRAT_PLAN, &slots[i], &none);
		projection_add_fixed(&b, &slots[i]);
	}
	for (int m = 0; m < 14; m++) {
		struct month_total x, y;
		projection_month(&a, STRAT_PLAN, m, &x);
		projection_month(&b, STRAT_PLAN, m, &y);
		assert_float_equal(x.cost, y.cost, 1e-9);
		assert_float_equal(x.std_gb, y.std_gb, 1e-9);
		assert_float_equal(x.arc_gb, y.arc_gb, 1e-9);
	}
	projection_release(&a);
	projection_release(&b);
}

static void test_projection__restores_only_while_archived(void **state)
{
	/* Moved on Dec 1 2026: December onwards expects 0.5 restores a mean
	 * month, each costing 4 (2 per month), on top of the Archive copy. */
	int64_t born = AS_OF - 100 * DAY_S;
	struct slot s = standard_slot(born, born + 3 * 365 * DAY_S);
	struct slot_moves m = { AS_OF + 30 * DAY_S, -1 };
	struct projection p;
	struct month_total t;
	(void)state;

	s.restores_month = 0.5;
	s.restore_month = 2;
	projection_init(&p, AS_OF, 3);
	projection_add(&p, STRAT_PLAN, &s, &m);
	projection_month(&p, STRAT_PLAN, 0, &t);
	assert_float_equal(t.restores, 0, 1e-12);
	assert_float_equal(t.cost, 0.6, 1e-9);
	projection_month(&p, STRAT_PLAN, 1, &t);
	assert_float_equal(t.restores, 0.5 * 31 / DAYS_PER_MONTH, 1e-9);
	/* Storage at the month's mean, restores by its days. */
	assert_float_equal(t.cost, 0.2 + 2 * 31 / DAYS_PER_MONTH, 1e-9);
	projection_release(&p);
}

/* slot_horizon_cost's closed form for the replacing points against the
 * month-by-month projection, which walks every life. */
static void test_projection__horizon_cost_closed_form(void **state)
{
	const double ages[] = { -1, 0, 5, 29.5, 90, 400 };
	(void)state;

	for (size_t k = 0; k < ARRAY_SIZE(ages); k++)
		for (int life = 7; life <= 400; life += 131) {
			struct slot s = standard_slot(AS_OF - 3 * DAY_S,
						      AS_OF + life * DAY_S);
			struct slot_moves m = { AS_OF + 2 * DAY_S, ages[k] };
			struct projection p;
			double months = 0;

			s.restore_month_new = 0.05;
			s.grows_at = AS_OF + DAY_S;
			s.std_gb_later = 45;
			projection_init(&p, AS_OF, 14);
			projection_add(&p, STRAT_DO_NOTHING, &s, &m);
			for (int i = 0; i < 14; i++)
				months += month_cost(&p, i);
			/* The projection rounds to whole days; the closed
			 * form does not: a day's cost per life apart. */
			assert_float_equal(slot_horizon_cost(&p.h, &s, &m),
					   months, 0.05);
			projection_release(&p);
		}
}

/* What the slot holds on day d of the horizon, walked life by life: a
 * piece [t0, t1) of a life covers the days whose noon lies in (t0, t1],
 * as the projection rounds to the nearest day boundary. Current point
 * in Standard, no growth. */
static void day_by_day(const struct horizon *h, const struct slot *s,
		       const struct slot_moves *m, long d, double *std,
		       double *arc, double *cost)
{
	int64_t noon = h->start + d * DAY_S + DAY_S / 2;
	int64_t life = s->expiry - s->rp_time, born = s->expiry, off;
	bool archived;

	if (life < DAY_S)
		life = DAY_S;
	off = m->new_move_age < 0 || m->new_move_age * DAY_S >= life
		      ? life
		      : (int64_t)(m->new_move_age * DAY_S);
	if (noon <= s->expiry) {
		archived = m->current_move != TIME_NONE &&
			   noon > m->current_move;
	} else {
		while (born + life < noon)
			born += life;
		archived = noon > born + off;
	}
	*std = archived ? 0 : s->std_gb;
	*arc = archived ? s->arc_gb : 0;
	*cost = *std * s->std_gb_month + *arc * s->arc_gb_month;
}

/* Every month of the projection against the days walked one by one. */
static void assert_day_by_day(int64_t as_of, int months, const struct slot *s,
			      const struct slot_moves *m)
{
	struct projection p;

	projection_init(&p, as_of, months);
	projection_add(&p, STRAT_TIER_RECOMMENDED, s, m);
	for (int k = 0; k < months; k++) {
		long d0 = (p.h.month_start[k] - p.h.start) / DAY_S;
		long d1 = (p.h.month_start[k + 1] - p.h.start) / DAY_S;
		double std = 0, arc = 0, cost = 0, a, b, c;
		struct month_total t;

		for (long d = d0; d < d1; d++) {
			day_by_day(&p.h, s, m, d, &a, &b, &c);
			std += a;
			arc += b;
			cost += c;
		}
		projection_month(&p, STRAT_TIER_RECOMMENDED, k, &t);
		assert_float_equal(t.std_gb, std / (double)(d1 - d0), 1e-9);
		assert_float_equal(t.arc_gb, arc / (double)(d1 - d0), 1e-9);
		assert_float_equal(t.cost, cost / (double)(d1 - d0), 1e-9);
	}
	projection_release(&p);
}

/* A daily point's successors that never move hold its GiB to the
 * horizon's end, whatever the month's length or the hour they expire. */
static void test_projection__unmoved_train_day_by_day(void **state)
{
	const int64_t hours[] = { 0, 11 * 3600, 13 * 3600, 23 * 3600 };
	struct slot_moves none = { TIME_NONE, -1 }, late = { TIME_NONE, 45 };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(hours); i++) {
		int64_t exp = AS_OF + 17 * DAY_S + hours[i];
		struct slot s = standard_slot(exp - 30 * DAY_S, exp);

		assert_day_by_day(AS_OF + 9 * DAY_S, 36, &s, &none);
		/* Moved at 45 days: never, in a 30-day life. */
		assert_day_by_day(AS_OF + 9 * DAY_S, 36, &s, &late);
	}
}

/* Lives of another length: under a day (a day, then), not a whole
 * number of days, and longer than the horizon. */
static void test_projection__unmoved_train_lives(void **state)
{
	const int64_t lives[] = { 3600, DAY_S, 30 * DAY_S + 7 * 3600,
				  365 * DAY_S, 2000 * DAY_S };
	struct slot_moves none = { TIME_NONE, -1 };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(lives); i++) {
		int64_t exp = AS_OF + 3 * DAY_S + 5 * 3600;
		struct slot s = standard_slot(exp - lives[i], exp);

		assert_day_by_day(AS_OF, 14, &s, &none);
	}
}

/* A train whose first lives began before the horizon: they are cut at
 * its start, then the rest runs as one step. */
static void test_projection__train_before_horizon(void **state)
{
	int64_t exp = AS_OF - 9 * DAY_S;
	struct slot s = standard_slot(exp - 4 * DAY_S, exp);
	struct slot_moves none = { TIME_NONE, -1 }, moved = { TIME_NONE, 1.5 };
	(void)state;

	assert_day_by_day(AS_OF, 3, &s, &none);
	assert_day_by_day(AS_OF, 3, &s, &moved);
}

/* Successors moved inside their life, across month edges. */
static void test_projection__moved_train_day_by_day(void **state)
{
	int64_t exp = AS_OF + 40 * DAY_S + 13 * 3600;
	struct slot s = standard_slot(exp - 200 * DAY_S, exp);
	struct slot_moves m = { AS_OF + 20 * DAY_S, 120.25 };
	(void)state;

	assert_day_by_day(AS_OF + DAY_S, 36, &s, &m);
}

/* Slots of every kind: in Standard moved and not, growing, a file
 * share's, archived with restores, kept forever, not refilled. */
static void mixed_slots(struct slot *s, struct slot_moves *m)
{
	int64_t exp = AS_OF + 40 * DAY_S + 13 * 3600;

	for (int i = 0; i < 6; i++) {
		s[i] = standard_slot(exp - (200 + 7 * i) * DAY_S,
				     exp + i * 31 * DAY_S);
		s[i].std_gb = 30.1 + i / 7.0;
		m[i] = (struct slot_moves){ TIME_NONE, -1 };
	}
	m[0] = (struct slot_moves){ AS_OF + 20 * DAY_S, 120.25 };
	s[1].grows_at = AS_OF + 9 * DAY_S;
	s[1].std_gb_later = 41.3;
	s[2].files = true;
	s[3].in_standard = false;
	s[3].in_archive = true;
	s[3].restore_month = 0.37;
	s[3].restores_month = 0.011;
	m[3].new_move_age = 30;
	s[3].restore_month_new = 0.29;
	s[3].restores_month_new = 0.007;
	s[4].expiry = TIME_NONE;
	s[5].refills = false;
}

static void assert_same_months(const struct projection *a,
			       const struct projection *b, int strategy)
{
	for (int k = 0; k < a->h.months; k++) {
		struct month_total x, y;

		projection_month(a, strategy, k, &x);
		projection_month(b, strategy, k, &y);
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

static void test_projection__many_targets_as_one_by_one(void **state)
{
	struct projection one[2], many[2];
	struct proj_target t[] = { { &many[0], STRAT_TIER_AFTER_3M },
				   { &many[1], STRAT_PLAN } };
	struct proj_target f[] = { { &many[0], PROJ_SHARED },
				   { &many[1], PROJ_SHARED } };
	struct slot s[6];
	struct slot_moves m[6];
	(void)state;

	mixed_slots(s, m);
	for (int i = 0; i < 2; i++) {
		projection_init(&one[i], AS_OF, 36);
		projection_init(&many[i], AS_OF, 36);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 6; i++) {
			projection_add(&one[0], STRAT_TIER_AFTER_3M, &s[i],
				       &m[i]);
			projection_add(&one[1], STRAT_PLAN, &s[i], &m[i]);
			projection_add_to(t, 2, &s[i], &m[i]);
			projection_add_fixed(&one[0], &s[5 - i]);
			projection_add_fixed(&one[1], &s[5 - i]);
			projection_add_fixed_to(f, 2, &s[5 - i]);
		}
	for (int i = 0; i < 2; i++) {
		assert_same_months(&one[i], &many[i], STRAT_TIER_AFTER_3M);
		assert_same_months(&one[i], &many[i], STRAT_PLAN);
		assert_true(one[i].days[STRAT_DO_NOTHING] == NULL);
		projection_release(&one[i]);
		projection_release(&many[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_projection__horizon_months),
		cmocka_unit_test(test_projection__steady_standard),
		cmocka_unit_test(test_projection__files_vaulted_apart),
		cmocka_unit_test(test_projection__move_then_successors),
		cmocka_unit_test(test_projection__successor_cycle),
		cmocka_unit_test(test_projection__forever_and_stopped),
		cmocka_unit_test(test_projection__fixed_equals_unmoved),
		cmocka_unit_test(test_projection__horizon_cost_closed_form),
		cmocka_unit_test(
			test_projection__restores_only_while_archived),
		cmocka_unit_test(test_projection__unmoved_train_day_by_day),
		cmocka_unit_test(test_projection__unmoved_train_lives),
		cmocka_unit_test(test_projection__train_before_horizon),
		cmocka_unit_test(test_projection__moved_train_day_by_day),
		cmocka_unit_test(
			test_projection__many_targets_as_one_by_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
