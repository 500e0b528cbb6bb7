/* SPDX-License-Identifier: MIT
 * fuzz_schedule.c: libFuzzer target for models/check/schedule.h: a backup
 * policy's schedule strings (run_times "HH:MM;HH:MM", run_days,
 * window_start, diff_run_days, time_zone) and numbers, as the snapshot
 * loader hands them over, through schedule_from_policy, rpo_predict (with
 * the bundled data/timezones.csv, loaded once) and schedule_expand around
 * a daylight-saving change. Input: 6 bytes of numbers (frequency,
 * workload and type; hourly interval 1-24; window hours 0-24; log
 * interval 0-1440 min; day of the evaluation), then the strings separated
 * by newlines. Pure computation: no files besides the table. */
#include <math.h>

#include "fuzzutil.h"
#include "models/check/schedule.h"
#include "optimizer/base/timeutil.h"
#include "models/check/tz.h"

#define HEAD 6
#define NSTR 5

static struct tz_table zones;

static void load_zones(void)
{
	struct err e = ERR_INIT;
	char *path = data_path("timezones.csv");

	if (tz_table_load(&zones, path, &e))
		abort();
	free(path);
}

/* The numbers, in the ranges the snapshot loader accepts. */
static void numbers(struct policy *p, const uint8_t *h)
{
	p->frequency = h[0] % FREQ_COUNT;
	p->workload = (h[0] / FREQ_COUNT) % WL_COUNT;
	p->policy_type = (h[0] / (FREQ_COUNT * WL_COUNT)) % PT_COUNT;
	p->hourly_interval_h = 1 + h[1] % 24;
	p->window_hours = h[2] % 25;
	p->log_interval_min = (h[3] << 8 | h[4]) % 1441;
}

static void expand(const struct policy *p, int64_t as_of)
{
	const struct tz_zone *z = tz_find(&zones, p->time_zone);
	struct schedule sc;
	struct sched_gaps g;
	char why[160];
	int64_t *t = NULL;
	size_t n;

	if (schedule_from_policy(&sc, p, why, sizeof(why)))
		return;
	if (sc.nslots == 0 || sc.nslots > SCHEDULE_MAX_SLOTS || !sc.days)
		abort();
	z = z ? z : &tz_utc;
	n = schedule_expand(&sc, z, true, as_of - 14 * DAY_S, as_of, &t);
	for (size_t i = 1; i < n; i++)
		if (t[i] <= t[i - 1])
			abort();
	n = schedule_keep_daily_last(t, n, z);
	(void)schedule_gaps(t, n, as_of - 14 * DAY_S, as_of, &g);
	free(t);
	(void)schedule_gaps_between(&sc, z, true, true, as_of - 7 * DAY_S,
				    as_of, &g);
}

static void run(const struct fuzz_input *in)
{
	struct policy p;
	struct rpo_predicted rp;
	const char *s[NSTR] = { "", "", "", "", "" };
	char *text;
	int64_t as_of;

	memset(&p, 0, sizeof(p));
	numbers(&p, in->data);
	/* a day of 2026, so that both daylight-saving changes are near */
	as_of = time_from_civil(2026, 1, 1, 0, 0, 0) +
		(int64_t)in->data[5] * 2 * DAY_S;
	text = fuzz_cstr(in->data + HEAD, in->size - HEAD);
	s[0] = text;
	for (int i = 1; i < NSTR; i++) {
		char *nl = strchr(s[i - 1], '\n');
		if (!nl)
			break;
		*nl = '\0';
		s[i] = nl + 1;
	}
	p.policy_id = "p-1";
	p.vault_id = "v-1";
	p.policy_name = "fuzz";
	p.arm_id = "";
	p.run_times = s[0];
	p.run_days = s[1];
	p.window_start = s[2];
	p.time_zone = s[3];
	p.diff_run_days = s[4];
	rpo_predict(&rp, &p, &zones, as_of);
	if (rp.snapshot_h < 0 || rp.vault_h < 0)
		abort();
	expand(&p, as_of);
	free(text);
}

const struct fuzz_target fuzz_target = {
	.min_size = HEAD, .setup = load_zones, .run = run,
};
