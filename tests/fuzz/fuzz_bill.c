/* SPDX-License-Identifier: MIT
 * fuzz_bill.c: libFuzzer target for optimizer/snapshot/bill.h: the input is a Cost
 * Management export (FOCUS or usage details, possibly gzip), read against
 * the tiny test snapshot (opened once). What bill_read accepts must hold
 * finite figures for the snapshot's vaults only. Files only in the
 * fuzzer's scratch directory. */
#include <math.h>

#include "optimizer/snapshot/bill.h"
#include "fuzzutil.h"

static void run(const struct fuzz_input *in)
{
	struct bill b;
	struct err e = ERR_INIT;

	if (bill_read(&b, in->path, &fuzz_tiny, &e) == 0) {
		if (b.nvaults != fuzz_tiny.nvaults || b.kept > b.rows)
			abort();
		for (size_t v = 0; v < b.nvaults; v++)
			for (int m = 0; m < BM_COUNT; m++)
				if (!isfinite(b.cell[v][m].cost) ||
				    !isfinite(b.cell[v][m].qty))
					abort();
		bill_release(&b);
	} else if (e.code != EXIT_DATAERR && e.code != EXIT_IOERR) {
		abort();
	}
}

const struct fuzz_target fuzz_target = {
	.file = "costs.csv", .tiny = true, .run = run,
};
