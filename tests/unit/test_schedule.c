/* SPDX-License-Identifier: MIT
 * test_schedule.c: policy schedules as UTC instants, predicted RPO per
 * tier, the bundled time-zone table and its daylight-saving rules. */
#include "testutil.h"

#include <math.h>

#include "models/check/schedule.h"
#include "optimizer/base/timeutil.h"
#include "models/check/tz.h"

static struct tz_table zones;

static int setup(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	if (tz_table_load(&zones, TEST_DATA("timezones.csv"), &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tz_table_release(&zones);
	test_scratch_cleanup();
	return 0;
}

static struct policy vm_policy(void)
{
	struct policy p = { 0 };

	p.policy_id = "p-1";
	p.policy_name = "vm-policy";
	p.workload = WL_VM;
	p.policy_type = PT_STANDARD;
	p.frequency = FREQ_DAILY;
	p.window_start = p.run_times = p.run_days = p.diff_run_days = "";
	p.time_zone = "UTC";
	p.run_times = "22:00";
	return p;
}

static struct policy enhanced(const char *start, int every, int hours)
{
	struct policy p = vm_policy();

	p.policy_type = PT_ENHANCED;
	p.frequency = FREQ_HOURLY;
	p.run_times = "";
	p.window_start = start;
	p.hourly_interval_h = every;
	p.window_hours = hours;
	return p;
}

static const int64_t AS_OF = 1793491200; /* 2026-11-01T00:00:00Z */

static void test_schedule__enhanced_4h_from_08_for_12h(void **state)
{
	struct policy p = enhanced("08:00", 4, 12);
	struct rpo_predicted r;

	(void)state;
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_true(r.have_snapshot && r.have_vault);
	/* slots 08, 12, 16, 20: the worst gap is 20:00 -> 08:00 */
	assert_true(fabs(r.snapshot_gap_h - 12) < 1e-9);
	assert_true(fabs(r.snapshot_h - 14) < 1e-9);
	/* only the day's last backup (20:00) reaches the vault */
	assert_true(fabs(r.vault_gap_h - 24) < 1e-9);
	assert_true(fabs(r.vault_h - 26) < 1e-9);
	assert_string_equal(r.snapshot_why,
			    "Enhanced every 4 h from 08:00 for 12 h: worst "
			    "gap 12 h + 2 h jitter = 14 h");
	assert_string_equal(r.vault_why,
			    "vault tier only gets the day's last backup: "
			    "worst gap 24 h + 2 h jitter = 26 h");
	assert_string_equal(r.tz_note, "");
}

static void test_schedule__window_crossing_midnight(void **state)
{
	struct policy p = enhanced("20:00", 4, 12);
	struct schedule sc;
	struct sched_gaps g = { 0 };
	int64_t *t, day = time_from_civil(2026, 10, 10, 0, 0, 0);
	char why[128];
	size_t n;

	(void)state;
	assert_int_equal(schedule_from_policy(&sc, &p, why, sizeof(why)), 0);
	n = schedule_expand(&sc, &tz_utc, false, day, day + DAY_S, &t);
	/* 00:00, 04:00, 08:00 (from the previous evening's window), 20:00 */
	assert_int_equal(n, 4);
	assert_true(t[0] == day);
	assert_true(t[1] == day + 4 * HOUR_S);
	assert_true(t[2] == day + 8 * HOUR_S);
	assert_true(t[3] == day + 20 * HOUR_S);
	free(t);
	assert_int_equal(schedule_gaps_between(&sc, &tz_utc, false, false,
					       day, day + DAY_S, &g),
			 0);
	assert_true(fabs(g.worst_h - 12) < 1e-9); /* 08:00 -> 20:00 */
	assert_true(fabs(g.best_h - 4) < 1e-9);
	assert_true(g.worst_from == day + 8 * HOUR_S);
}

static void test_schedule__full_day_window_every_4h(void **state)
{
	struct policy p = enhanced("08:00", 4, 24);
	struct rpo_predicted r;

	(void)state;
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_true(fabs(r.snapshot_gap_h - 4) < 1e-9);
	assert_true(fabs(r.vault_gap_h - 24) < 1e-9);
}

static void test_schedule__standard_daily(void **state)
{
	struct policy p = vm_policy();
	struct rpo_predicted r;

	(void)state;
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_true(fabs(r.snapshot_h - 26) < 1e-9);
	assert_true(fabs(r.vault_h - 26) < 1e-9);
	assert_string_equal(r.vault_why, "daily at 22:00: worst gap 24 h + "
					 "2 h jitter = 26 h");
}

static void test_schedule__weekly(void **state)
{
	struct policy p = vm_policy();
	struct rpo_predicted r;

	(void)state;
	p.frequency = FREQ_WEEKLY;
	p.run_days = "Sunday;Wednesday";
	p.time_zone = "Pacific Standard Time";
	rpo_predict(&r, &p, &zones, AS_OF);
	/* Sun 22:00 -> Wed 22:00 is 72 h; Wed -> Sun is 96 h */
	assert_true(fabs(r.snapshot_gap_h - 96) < 1e-9);
	assert_true(fabs(r.vault_gap_h - 96) < 1e-9);
	assert_true(fabs(r.snapshot_h - 98) < 1e-9);
	assert_string_equal(r.snapshot_why,
			    "weekly on Sun, Wed at 22:00: worst gap 96 h + "
			    "2 h jitter = 98 h");
	/* daylight saving is the check's note, over its window */
	assert_string_equal(r.tz_note, "");
}

static void test_schedule__weekly_runs_on_local_days(void **state)
{
	struct policy p = vm_policy();
	struct schedule sc;
	int64_t *t, from = time_from_civil(2026, 1, 4, 0, 0, 0); /* Sun */
	char why[128];
	size_t n;

	(void)state;
	p.frequency = FREQ_WEEKLY;
	p.run_days = "Sunday";
	p.run_times = "23:00";
	assert_int_equal(schedule_from_policy(&sc, &p, why, sizeof(why)), 0);
	/* Sunday 23:00 Pacific (UTC-8) is Monday 07:00 UTC */
	n = schedule_expand(&sc, tz_find(&zones, "Pacific Standard Time"),
			    false, from, from + 7 * DAY_S, &t);
	assert_int_equal(n, 1);
	assert_true(t[0] == from + DAY_S + 7 * HOUR_S);
	free(t);
}

static void test_schedule__sql_log_interval(void **state)
{
	struct policy p = vm_policy();
	struct rpo_predicted r;

	(void)state;
	p.workload = WL_SQL;
	p.log_interval_min = 15;
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_false(r.have_snapshot);
	assert_true(isnan(r.snapshot_h));
	assert_true(fabs(r.vault_h - 0.25) < 1e-9);
	assert_string_equal(r.vault_why, "log backups every 15 min: 0.25 h");
}

static void test_schedule__table_maps_windows_names(void **state)
{
	const struct tz_zone *z;

	(void)state;
	z = tz_find(&zones, "Pacific Standard Time");
	assert_non_null(z);
	assert_string_equal(z->iana_name, "America/Los_Angeles");
	assert_int_equal(z->std_offset_s, -8 * HOUR_S);
	assert_int_equal(z->rule, DST_US);
	z = tz_find(&zones, "europe/berlin");
	assert_non_null(z);
	assert_string_equal(z->windows_name, "W. Europe Standard Time");
	assert_non_null(tz_find(&zones, "India Standard Time"));
	assert_int_equal(tz_find(&zones, "India Standard Time")->std_offset_s,
			 5 * HOUR_S + 30 * 60);
	assert_null(tz_find(&zones, "Mars Standard Time"));
}

static void test_schedule__bad_timezone_table(void **state)
{
	struct tz_table t;
	struct err e = ERR_INIT;
	char *path = test_write("tz.csv", "windows_name,iana_name,utc_offset,"
					  "dst_rule\nX,Y/Z,+1:00,none\n");

	(void)state;
	assert_int_equal(tz_table_load(&t, path, &e), -1);
	assert_int_equal(e.code, EXIT_DATAERR);
	assert_non_null(strstr(e.msg, ":2: column 'utc_offset'"));
	free(path);
}

static void test_schedule__dst_rules(void **state)
{
	const struct tz_zone *berlin = tz_find(&zones, "W. Europe Standard "
						       "Time");
	const struct tz_zone *la = tz_find(&zones, "Pacific Standard Time");
	const struct tz_zone *syd = tz_find(&zones, "AUS Eastern Standard "
						    "Time");
	int64_t s, e;
	enum local_kind k;

	(void)state;
	/* EU 2026: 29 March 01:00 UTC to 25 October 01:00 UTC */
	assert_true(tz_dst_period(berlin, 2026, &s, &e));
	assert_true(s == time_from_civil(2026, 3, 29, 1, 0, 0));
	assert_true(e == time_from_civil(2026, 10, 25, 1, 0, 0));
	assert_int_equal(tz_offset_at(berlin, s - 1), HOUR_S);
	assert_int_equal(tz_offset_at(berlin, s), 2 * HOUR_S);
	/* US 2026: 8 March 02:00 PST (10:00 UTC) to 1 November 02:00 PDT
	 * (09:00 UTC) */
	assert_true(tz_dst_period(la, 2026, &s, &e));
	assert_true(s == time_from_civil(2026, 3, 8, 10, 0, 0));
	assert_true(e == time_from_civil(2026, 11, 1, 9, 0, 0));
	/* 02:30 on 8 March does not exist: runs at 03:30 PDT */
	assert_true(tz_local_to_utc(la, time_from_civil(2026, 3, 8, 2, 30, 0),
				    &k) ==
		    time_from_civil(2026, 3, 8, 10, 30, 0));
	assert_int_equal(k, LOCAL_SKIPPED);
	/* 01:30 on 1 November happens twice: the first is 08:30 UTC */
	assert_true(tz_local_to_utc(la, time_from_civil(2026, 11, 1, 1, 30, 0),
				    &k) ==
		    time_from_civil(2026, 11, 1, 8, 30, 0));
	assert_int_equal(k, LOCAL_REPEATED);
	/* Sydney: daylight saving in January, not in July */
	assert_true(tz_dst_active(syd, time_from_civil(2026, 1, 15, 0, 0, 0)));
	assert_false(tz_dst_active(syd, time_from_civil(2026, 7, 15, 0, 0,
							0)));
}

/* Azure keeps the UTC hour: every gap stays 24 h through the change; a
 * scheduler following the wall clock sees 23 h in spring, 25 h in fall. */
static void test_schedule__dst_change_in_non_utc_zone(void **state)
{
	struct policy p = vm_policy();
	const struct tz_zone *z;
	struct schedule sc;
	struct sched_gaps g = { 0 };
	struct rpo_predicted r;
	int64_t spring = time_from_civil(2026, 3, 27, 0, 0, 0);
	int64_t fall = time_from_civil(2026, 10, 23, 0, 0, 0);
	char why[128];

	(void)state;
	p.run_times = "08:00";
	p.time_zone = "W. Europe Standard Time";
	z = tz_find(&zones, p.time_zone);
	assert_int_equal(schedule_from_policy(&sc, &p, why, sizeof(why)), 0);

	assert_int_equal(schedule_gaps_between(&sc, z, false, false, spring,
					       spring + 5 * DAY_S, &g),
			 0);
	assert_true(fabs(g.worst_h - 24) < 1e-9 && fabs(g.best_h - 24) < 1e-9);

	assert_int_equal(schedule_gaps_between(&sc, z, true, false, spring,
					       spring + 5 * DAY_S, &g),
			 0);
	assert_true(fabs(g.best_h - 23) < 1e-9);
	assert_true(fabs(g.worst_h - 24) < 1e-9);
	assert_int_equal(schedule_gaps_between(&sc, z, true, false, fall,
					       fall + 5 * DAY_S, &g),
			 0);
	assert_true(fabs(g.worst_h - 25) < 1e-9);
	/* the 25 h gap starts on Saturday 24 October, 08:00 CEST */
	assert_true(g.worst_from == time_from_civil(2026, 10, 24, 6, 0, 0));

	rpo_predict(&r, &p, &zones, time_from_civil(2026, 3, 30, 0, 0, 0));
	assert_true(fabs(r.snapshot_h - 26) < 1e-9);
	assert_string_equal(r.tz_note, "");
}

static void test_schedule__dst_gaps_only_around_a_change(void **state)
{
	struct policy p = vm_policy();
	int64_t oct1 = time_from_civil(2026, 10, 1, 0, 0, 0);
	int64_t nov1 = time_from_civil(2026, 11, 1, 0, 0, 0);
	int64_t nov30 = time_from_civil(2026, 11, 30, 0, 0, 0);
	double utc = 0, wall = 0;

	(void)state;
	p.time_zone = "W. Europe Standard Time";
	/* the change of 25 October 01:00 UTC is inside October */
	assert_true(rpo_dst_gaps(&p, &zones, false, oct1, nov1, &utc,
				 &wall) ==
		    time_from_civil(2026, 10, 25, 1, 0, 0));
	assert_true(fabs(utc - 24) < 1e-9);
	assert_true(fabs(wall - 25) < 1e-9);
	/* none in November; none in a zone without daylight saving */
	assert_true(rpo_dst_gaps(&p, &zones, false, nov1, nov30, &utc,
				 &wall) == TIME_NONE);
	p.time_zone = "UTC";
	assert_true(rpo_dst_gaps(&p, &zones, false, oct1, nov1, &utc,
				 &wall) == TIME_NONE);
}

static void test_schedule__unknown_zone_is_noted(void **state)
{
	struct policy p = vm_policy();
	struct rpo_predicted r;

	(void)state;
	p.time_zone = "Mars Standard Time";
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_true(fabs(r.snapshot_h - 26) < 1e-9);
	assert_non_null(strstr(r.tz_note, "'Mars Standard Time' is not in"));
}

static void test_schedule__unusable_schedule(void **state)
{
	struct policy p = vm_policy();
	struct rpo_predicted r;

	(void)state;
	p.workload = WL_FILES;
	p.run_times = "";
	rpo_predict(&r, &p, &zones, AS_OF);
	assert_true(isnan(r.snapshot_h));
	assert_non_null(strstr(r.snapshot_why, "no usable run times"));
}

static void test_schedule__format_hours(void **state)
{
	char b[24];

	(void)state;
	format_hours(14, b, sizeof(b));
	assert_string_equal(b, "14 h");
	format_hours(2.1, b, sizeof(b));
	assert_string_equal(b, "2.1 h");
	format_hours(0.25, b, sizeof(b));
	assert_string_equal(b, "0.25 h");
	format_hours(0.5, b, sizeof(b));
	assert_string_equal(b, "0.5 h");
	format_hours(51.98, b, sizeof(b));
	assert_string_equal(b, "52 h");
	/* without printf for most, the same text as its formats */
	for (int i = -2000; i <= 200000; i += 7) {
		double h = i / 100.0 + i % 3 * 0.005;
		bool whole = fabs(h - round(h)) < 0.05;
		char want[24];

		if (whole)
			snprintf(want, sizeof(want), "%.0f h", round(h));
		else if (h < 1)
			snprintf(want, sizeof(want), "%.2g h", h);
		else
			snprintf(want, sizeof(want), "%.1f h", h);
		format_hours(h, b, sizeof(b));
		assert_string_equal(b, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule__enhanced_4h_from_08_for_12h),
		cmocka_unit_test(test_schedule__window_crossing_midnight),
		cmocka_unit_test(test_schedule__full_day_window_every_4h),
		cmocka_unit_test(test_schedule__standard_daily),
		cmocka_unit_test(test_schedule__weekly),
		cmocka_unit_test(test_schedule__weekly_runs_on_local_days),
		cmocka_unit_test(test_schedule__sql_log_interval),
		cmocka_unit_test(test_schedule__table_maps_windows_names),
		cmocka_unit_test(test_schedule__bad_timezone_table),
		cmocka_unit_test(test_schedule__dst_rules),
		cmocka_unit_test(test_schedule__dst_change_in_non_utc_zone),
		cmocka_unit_test(test_schedule__dst_gaps_only_around_a_change),
		cmocka_unit_test(test_schedule__unknown_zone_is_noted),
		cmocka_unit_test(test_schedule__unusable_schedule),
		cmocka_unit_test(test_schedule__format_hours),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
