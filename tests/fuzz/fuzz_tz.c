/* SPDX-License-Identifier: MIT
 * fuzz_tz.c: libFuzzer target for models/check/tz.h: the input is a time-zone
 * table in the format of data/timezones.csv (Windows name, IANA name,
 * standard offset, daylight-saving rule). For every zone the loader
 * accepts: found again by both names, its daylight-saving periods over a
 * few years, offsets around the changes, and local wall-clock times
 * around them mapped to UTC. Files only in the fuzzer's scratch
 * directory. */
#include "fuzzutil.h"
#include "optimizer/base/timeutil.h"
#include "models/check/tz.h"

static void check_instant(const struct tz_zone *z, int64_t t)
{
	int off = tz_offset_at(z, t);
	int64_t wall = t + off;
	enum local_kind kind;
	int64_t back = tz_local_to_utc(z, wall, &kind);
	char buf[16];

	tz_format_offset(off, buf, sizeof(buf));
	if (off < z->std_offset_s || off > z->std_offset_s + 3600)
		abort();
	/* a normal local time maps back to the same instant */
	if (kind == LOCAL_NORMAL && back != t)
		abort();
}

static void check_zone(const struct tz_table *t, const struct tz_zone *z)
{
	if (!tz_find(t, z->windows_name) || !tz_find(t, z->iana_name))
		abort();
	for (int y = 2024; y <= 2027; y++) {
		int64_t start, end;
		if (!tz_dst_period(z, y, &start, &end))
			continue;
		for (int64_t d = -2 * HOUR_S; d <= 2 * HOUR_S; d += 1800) {
			check_instant(z, start + d);
			check_instant(z, end + d);
		}
	}
	check_instant(z, time_from_civil(2026, 7, 1, 12, 0, 0));
}

static void run(const struct fuzz_input *in)
{
	struct tz_table t;
	struct err e = ERR_INIT;

	memset(&t, 0, sizeof(t));
	if (tz_table_load(&t, in->path, &e) == 0)
		for (size_t i = 0; i < t.n && i < 8; i++)
			check_zone(&t, &t.z[i]);
	tz_table_release(&t);
}

const struct fuzz_target fuzz_target = {
	.file = "timezones.csv", .run = run,
};
