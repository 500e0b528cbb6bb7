/* SPDX-License-Identifier: MIT
 * fuzz_bill.c: libFuzzer target for optimizer/snapshot/bill.h: the input is a Cost
 * Management export (FOCUS or usage details, possibly gzip), read against
 * the tiny test snapshot (opened once). What bill_read accepts must hold
 * finite figures for the snapshot's vaults only. Files only in the
 * fuzzer's scratch directory. */
#include <math.h>

#include "optimizer/snapshot/bill.h"
#include "fuzzutil.h"
#include "optimizer/snapshot/snapshot.h"

static struct snapshot snap;
static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e = ERR_INIT;
	char *dir = xasprintf("%s/../tests/data/tiny-snapshot", VW_DATADIR);

	(void)argc;
	(void)argv;
	path = fuzz_path("costs.csv");
	if (snapshot_open(&snap, dir, &e))
		abort();
	free(dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bill b;
	struct err e = ERR_INIT;

	fuzz_write_at(path, data, size);
	if (bill_read(&b, path, &snap, &e) == 0) {
		if (b.nvaults != snap.nvaults || b.kept > b.rows)
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
	return 0;
}
