/* SPDX-License-Identifier: MIT
 * fuzz_targets.c: libFuzzer target for models/check/targets.h: the input is an
 * RPO/RTO targets file. What targets_load accepts is matched against every
 * item of the tiny test snapshot (tests/data/tiny-snapshot, opened once).
 * Files only in the fuzzer's scratch directory. */
#include <math.h>

#include "fuzzutil.h"
#include "models/check/targets.h"

static void run(const struct fuzz_input *in)
{
	const struct snapshot *snap = &fuzz_tiny;
	struct target_set ts;
	struct err e = ERR_INIT;

	memset(&ts, 0, sizeof(ts));
	if (targets_load(&ts, in->path, &e) == 0) {
		for (size_t t = 0; t < ts.n; t++) {
			const struct target *tg = &ts.t[t];
			if (tg->scope_type < 0 ||
			    tg->scope_type >= SCOPE_COUNT || tg->tier < 0 ||
			    tg->tier >= TT_COUNT ||
			    !(isnan(tg->rpo_hours) || tg->rpo_hours >= 0) ||
			    !(isnan(tg->rto_hours) || tg->rto_hours >= 0))
				abort();
			for (size_t i = 0; i < snap->nitems; i++)
				(void)target_matches(tg, snap,
						     &snap->items[i]);
		}
	}
	targets_release(&ts);
}

const struct fuzz_target fuzz_target = {
	.file = "targets.csv", .tiny = true, .run = run,
};
