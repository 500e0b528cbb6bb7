/* SPDX-License-Identifier: MIT
 * plan_bv.c: the Backup vaults' month now, against the bill when one is
 * given, and their rows of summary.csv. The plan does not tier them: each
 * row is its instances' cost now (models/cost/cost_bv.h) at the plan's
 * prices, calibrated to the bill as the Recovery Services vaults are
 * (plan_reconcile.c), the same before and after the plan. */
#include "optimizer/plan/plan_internal.h"

#include <math.h>
#include <string.h>

#include "models/cost/cost_bv.h"
#include "optimizer/base/csvio.h"
#include "optimizer/base/util.h"

static double known(double x)
{
	return isnan(x) ? 0 : x;
}

/* Adds an instance's Backup charges, as priced from the sheet, to m. */
static void add_instance(struct modelled *m, const struct bv_cost *c)
{
	int pi;

	if (c->basis != BVB_VAULTED)
		return;
	m[BM_STANDARD].qty += known(c->vault_gb);
	m[BM_STANDARD].cost += known(c->vault_cost);
	m[BM_ARCHIVE].qty += known(c->archive_gb);
	m[BM_ARCHIVE].cost += known(c->archive_cost);
	if (!c->pi_row)
		return;
	pi = c->pi_row->meter == M_PI_BLOB ? BM_PI_BLOB : BM_PI_PGSQL;
	m[pi].qty += 1;
	m[pi].cost += c->pi_fee;
}

/* The billed unit price of a meter, or keep when it was not billed. */
static double unit_price(const struct bill_cell *b, double keep)
{
	return b->qty > 0 && b->cost > 0 ? b->cost / b->qty : keep;
}

/* Sizes scaled to the billed GB-months (the billed GB-months themselves
 * where no size is known: Azure reports none for a backup instance),
 * unit prices as billed; a meter the bill does not charge keeps the
 * model's size and the sheet's price, and a protected instance it does
 * not charge costs nothing. */
static void calibrate(struct bv_month *m, const struct bill_cell *b)
{
	static const int pis[] = { BM_PI_BLOB, BM_PI_PGSQL };
	bool unsized = false;

	for (int k = 0; k < 2; k++) {
		int meter = k ? BM_ARCHIVE : BM_STANDARD;
		const struct modelled *was = &m->before[meter];
		double list = was->qty > 0 ? was->cost / was->qty : 0;

		m->factor[k] = b[meter].qty > 0 && was->qty > 0
				       ? b[meter].qty / was->qty
				       : 1;
		m->now[meter].qty = was->qty > 0 ? was->qty * m->factor[k]
						 : b[meter].qty;
		unsized |= was->qty <= 0 && b[meter].qty > 0;
		m->now[meter].cost =
			m->now[meter].qty * unit_price(&b[meter], list);
	}
	for (size_t k = 0; k < ARRAY_SIZE(pis); k++)
		m->now[pis[k]].cost = m->now[pis[k]].qty *
				      unit_price(&b[pis[k]], 0);
	m->calibrated = b[BM_STANDARD].rows || b[BM_ARCHIVE].rows;
	if (m->calibrated)
		snprintf(m->note, sizeof(m->note),
			 "sizes x%.4f Standard, x%.4f Archive%s; unit prices "
			 "as billed",
			 m->factor[0], m->factor[1],
			 unsized ? " (unknown sizes as billed)" : "");
}

struct bv_month *plan_bv_months(const struct plan_ctx *p,
				const struct bill *b)
{
	const struct bv_tables *t = &p->s->bv;
	struct bv_month *m = xcalloc(t->nvaults + 1, sizeof(*m));

	for (size_t i = 0; i < t->ninstances; i++) {
		const struct binstance *bi = &t->instances[i];
		struct bv_cost c;

		bv_instance_cost(&c, &p->prices, p->currency,
				 &t->vaults[bi->vault_idx], bi,
				 bi->policy_idx >= 0
					 ? &t->policies[bi->policy_idx]
					 : NULL);
		add_instance(m[bi->vault_idx].before, &c);
	}
	for (size_t v = 0; v < t->nvaults; v++) {
		m[v].factor[0] = m[v].factor[1] = 1;
		memcpy(m[v].now, m[v].before, sizeof(m[v].now));
		snprintf(m[v].note, sizeof(m[v].note), "none");
		if (b)
			calibrate(&m[v], b->bvcell[v]);
	}
	return m;
}

/* A Backup vault's instances, and whether every size is reported. */
static long instances(const struct bv_tables *t, size_t v, bool *reported)
{
	long n = 0;

	*reported = true;
	for (size_t i = 0; i < t->ninstances; i++)
		if (t->instances[i].vault_idx == v) {
			n++;
			*reported &= str_eq_ci(t->instances[i].size_source,
					       "reported");
		}
	return n;
}

void plan_write_bv_summary(const struct plan_ctx *p, struct csv_writer *w)
{
	const struct bv_tables *t = &p->s->bv;
	struct bv_month *own = p->bv_months ? NULL : plan_bv_months(p, NULL);
	const struct bv_month *m = p->bv_months ? p->bv_months : own;

	for (size_t v = 0; v < t->nvaults; v++) {
		const struct modelled *now = m[v].now;
		double storage = now[BM_STANDARD].cost + now[BM_ARCHIVE].cost;
		bool reported;
		long n = instances(t, v, &reported);

		csv_put(w, "backup_vault");
		csv_put(w, t->vaults[v].vault_id);
		csv_put(w, t->vaults[v].vault_name);
		csv_put(w, t->vaults[v].vault_name);
		csv_put_long(w, n);
		for (int k = 0; k < 7; k++)
			csv_put(w, "0"); /* points and decisions: none */
		csv_put_double(w, now[BM_STANDARD].qty, 2);
		csv_put_double(w, now[BM_ARCHIVE].qty, 2);
		csv_put_double(w, storage, 2);
		csv_put_double(w, storage, 2);
		csv_put_double(w, now[BM_PI_BLOB].cost + now[BM_PI_PGSQL].cost,
			       2);
		csv_put(w, "0.00");
		csv_put(w, p->currency);
		csv_put(w, money_basis_names[m[v].calibrated ? MB_CALIBRATED
					     : reported      ? MB_REPORTED
							     : MB_ESTIMATED]);
		csv_end_row(w);
	}
	free(own);
}
