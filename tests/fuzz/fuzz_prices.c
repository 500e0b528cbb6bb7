/* SPDX-License-Identifier: MIT
 * fuzz_prices.c: libFuzzer target for models/cost/prices.h: the input is a
 * price sheet (data/prices/prices.csv or `prices fetch` output). What
 * prices_load accepts is looked up for every vault of the tiny test
 * snapshot (opened once) in every currency the sheet names: the default
 * currency, each vault's rate card and protected-instance fees. Files only
 * in the fuzzer's scratch directory. */
#include <math.h>

#include "fuzzutil.h"
#include "models/cost/prices.h"

static void price_vaults(const struct price_sheet *ps, const char *currency)
{
	static const double sizes[] = { 0, 10, 50, 50.5, 500, 1e6 };

	for (size_t v = 0; v < fuzz_tiny.nvaults; v++) {
		struct rate_card rc;
		struct err e = ERR_INIT;
		if (rate_card_for(&rc, ps, &fuzz_tiny.vaults[v], currency,
				  &e))
			continue;
		for (int w = 0; w < WL_COUNT; w++)
			for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
				if (rc.row[pi_meter(w)])
					(void)pi_monthly_fee(&rc, w,
							     sizes[s]);
	}
}

static void run(const struct fuzz_input *in)
{
	struct price_sheet ps;
	struct err e = ERR_INIT;

	memset(&ps, 0, sizeof(ps));
	if (prices_load(&ps, in->path, &e) == 0) {
		const char *dflt = prices_default_currency(
			&ps, fuzz_tiny.vaults, fuzz_tiny.nvaults);
		if (dflt)
			price_vaults(&ps, dflt);
		for (size_t i = 0; i < ps.n && i < 16; i++) {
			const struct price_row *r = &ps.rows[i];
			if (r->meter < 0 || r->meter >= M_COUNT ||
			    !(r->price >= 0) || !isfinite(r->price))
				abort();
			(void)prices_find(&ps, r->region, r->currency,
					  r->meter);
			price_vaults(&ps, r->currency);
		}
	}
	prices_release(&ps);
}

const struct fuzz_target fuzz_target = {
	.file = "prices.csv", .tiny = true, .run = run,
};
