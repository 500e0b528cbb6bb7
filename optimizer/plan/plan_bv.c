/* SPDX-License-Identifier: MIT
 * plan_bv.c: the Backup vaults' rows of summary.csv. The plan does not
 * tier them: each row is its instances' cost now (models/cost/cost_bv.h)
 * at the plan's prices, the same before and after the plan. */
#include "optimizer/plan/plan_internal.h"

#include <math.h>
#include <string.h>

#include "models/cost/cost_bv.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/util.h"
#include "optimizer/snapshot/bill.h"

/* A Backup vault's instances, priced and summed (unknown parts out). */
struct bv_sum {
	long n;
	double vault_gb, archive_gb, storage, fees;
	bool reported;        /* every size_source "reported" */
};

static void bv_totals(const struct plan_ctx *p, size_t v, struct bv_sum *out)
{
	const struct bv_tables *t = &p->s->bv;

	memset(out, 0, sizeof(*out));
	out->reported = true;
	for (size_t i = 0; i < t->ninstances; i++) {
		const struct binstance *bi = &t->instances[i];
		const struct bpolicy *pol =
			bi->policy_idx >= 0 ? &t->policies[bi->policy_idx]
					    : NULL;
		struct bv_cost c;
		double fee;

		if (bi->vault_idx != v)
			continue;
		bv_instance_cost(&c, &p->prices, p->currency, &t->vaults[v],
				 bi, pol);
		fee = isnan(c.pi_fee) ? 0 : c.pi_fee;
		out->n++;
		out->reported &= str_eq_ci(bi->size_source, "reported");
		out->vault_gb += isnan(c.vault_gb) ? 0 : c.vault_gb;
		out->archive_gb += isnan(c.archive_gb) ? 0 : c.archive_gb;
		out->storage += bv_cost_total(&c) - fee;
		out->fees += fee;
	}
}

void plan_write_bv_summary(const struct plan_ctx *p, struct csv_writer *w)
{
	const struct bv_tables *t = &p->s->bv;

	for (size_t v = 0; v < t->nvaults; v++) {
		struct bv_sum b;

		bv_totals(p, v, &b);
		csv_put(w, "backup_vault");
		csv_put(w, t->vaults[v].vault_id);
		csv_put(w, t->vaults[v].vault_name);
		csv_put(w, t->vaults[v].vault_name);
		csv_put_long(w, b.n);
		for (int k = 0; k < 7; k++)
			csv_put(w, "0"); /* points and decisions: none */
		csv_put_double(w, b.vault_gb, 2);
		csv_put_double(w, b.archive_gb, 2);
		csv_put_double(w, b.storage, 2);
		csv_put_double(w, b.storage, 2);
		csv_put_double(w, b.fees, 2);
		csv_put(w, "0.00");
		csv_put(w, p->currency);
		csv_put(w, money_basis_names[b.reported ? MB_REPORTED
							: MB_ESTIMATED]);
		csv_end_row(w);
	}
}
