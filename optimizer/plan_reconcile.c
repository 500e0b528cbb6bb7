/* SPDX-License-Identifier: MIT
 * plan_reconcile.c: reconcile.csv, the model against the bill (issue 13):
 * per vault and meter, what the Cost Management export given with
 * --costs billed in its latest month (bill.h) beside what the plan
 * models for a month of the snapshot as it is (Standard and Archive GiB
 * at the sheet's prices, protected instances by workload). */
#include <math.h>

#include "bill.h"
#include "plan_internal.h"
#include "util.h"

static const struct csv_column reconcile_cols[] = {
	{ "vault_id", 0 }, { "vault_name", 0 }, { "meter", 0 },
	{ "unit", 0 }, { "billed_qty", 0 }, { "billed_cost", 0 },
	{ "modelled_qty", 0 }, { "modelled_cost", 0 },
	{ "difference", 0 }, { "difference_pct", 0 }, { "currency", 0 },
	{ "bill_month", 0 }, { "calibrated", 0 }, { "note", 0 },
};
static const struct csv_schema reconcile_schema = {
	"reconcile.csv", reconcile_cols, ARRAY_SIZE(reconcile_cols)
};

struct modelled {
	double qty, cost;
};

/* The plan's month now, per vault and bill meter. */
static void model_vaults(const struct plan_ctx *p,
			 struct modelled (*m)[BM_COUNT])
{
	static const int pi_of[WL_COUNT] = { BM_PI_VM, BM_PI_SQL, BM_PI_HANA,
					     BM_PI_FILES };
	double *fee = xcalloc(p->s->nitems + 1, sizeof(*fee));

	for (size_t v = 0; v < p->s->nvaults; v++) {
		const struct totals *t = &p->vault_tot[v];
		m[v][BM_STANDARD].qty = t->standard_gb;
		m[v][BM_STANDARD].cost = t->standard_gb *
					 p->cards[v].std_gb_month;
		m[v][BM_ARCHIVE].qty = t->archive_gb;
		m[v][BM_ARCHIVE].cost = t->archive_gb *
					p->cards[v].arc_gb_month;
	}
	pi_item_fees(p->s, p->cards, fee);
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		const struct price_row *unit =
			p->cards[it->vault_idx].row[pi_meter(it->workload)];
		struct modelled *c = &m[it->vault_idx][pi_of[it->workload]];

		c->cost += fee[i];
		c->qty += fee[i] / unit->price;
	}
	free(fee);
}

static const char *const units[BM_COUNT] = {
	"GB-Months", "GB-Months", "Instance-Months", "Instance-Months",
	"Instance-Months", "Instance-Months", "GB-Months", "",
};

static void put_row(struct csv_writer *w, const struct plan_ctx *p,
		    const struct bill *b, size_t v, const char *meter,
		    const char *unit, const struct bill_cell *billed,
		    const struct modelled *mod, const char *note)
{
	double diff = mod->cost - billed->cost;

	csv_put(w, p->s->vaults[v].vault_id);
	csv_put(w, p->s->vaults[v].vault_name);
	csv_put(w, meter);
	csv_put(w, unit);
	csv_put_double(w, billed->qty, 3);
	csv_put_double(w, billed->cost, 2);
	csv_put_double(w, mod->qty, 3);
	csv_put_double(w, mod->cost, 2);
	csv_put_double(w, diff, 2);
	csv_put_double(w, billed->cost != 0 ? 100 * diff / billed->cost
					    : NAN, 1);
	csv_put(w, p->currency);
	csv_put(w, b->month);
	csv_put(w, "none");
	csv_put(w, note);
	csv_end_row(w);
}

static const char *meter_note(int m)
{
	switch (m) {
	case BM_SNAPSHOTS:
		return "instant-restore snapshots are billed under Storage; "
		       "the plan does not model them";
	case BM_OTHER:
		return "other Backup meters; not modelled";
	default:
		return "";
	}
}

static void write_vault(struct csv_writer *w, const struct plan_ctx *p,
			const struct bill *b, size_t v,
			const struct modelled *mod)
{
	struct bill_cell total = { 0 };
	struct modelled mtotal = { 0 };

	for (int m = 0; m < BM_COUNT; m++) {
		const struct bill_cell *c = &b->cell[v][m];
		if (c->rows == 0 && mod[m].cost == 0 && mod[m].qty == 0)
			continue;
		put_row(w, p, b, v, bill_meter_names[m], units[m], c, &mod[m],
			meter_note(m));
		total.cost += c->cost;
		mtotal.cost += mod[m].cost;
	}
	total.qty = mtotal.qty = NAN;
	put_row(w, p, b, v, "total", "", &total, &mtotal,
		"the vault's Backup charges in the bill month against the "
		"plan's month now");
}

static void summarise(struct plan_summary *sum, const struct bill *b,
		      struct modelled (*mod)[BM_COUNT])
{
	sum->bill_rows = b->kept;
	snprintf(sum->bill_month, sizeof(sum->bill_month), "%s", b->month);
	for (size_t v = 0; v < b->nvaults; v++)
		for (int m = 0; m < BM_COUNT; m++) {
			sum->billed += b->cell[v][m].cost;
			sum->modelled += mod[v][m].cost;
		}
}

int plan_write_reconcile(struct plan_ctx *p, struct outdir *dir,
			 struct err *e)
{
	struct modelled (*mod)[BM_COUNT];
	struct csv_writer *w;
	struct bill b;
	char *path;

	if (!p->o->costs_path)
		return 0;
	if (bill_read(&b, p->o->costs_path, p->s, e))
		return -1;
	if (b.currency[0] && !str_eq_ci(b.currency, p->currency)) {
		err_set(e, EXIT_DATAERR,
			"%s: the bill is in %s but the plan prices in %s: "
			"give --currency %s",
			p->o->costs_path, b.currency, p->currency, b.currency);
		bill_release(&b);
		return -1;
	}
	mod = xcalloc(p->s->nvaults + 1, sizeof(*mod));
	model_vaults(p, mod);
	path = outdir_file(dir, "reconcile.csv");
	w = csv_writer_open(path, &reconcile_schema, e);
	free(path);
	if (w) {
		for (size_t v = 0; v < p->s->nvaults; v++)
			write_vault(w, p, &b, v, mod[v]);
		summarise(p->sum, &b, mod);
	}
	free(mod);
	bill_release(&b);
	return w ? csv_writer_commit(w, NULL, e) : -1;
}
