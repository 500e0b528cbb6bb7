/* SPDX-License-Identifier: MIT
 * plan_reconcile.c: the model against the bill (issue 13). With --costs
 * (or, without it, the snapshot's costs.csv from `export --costs`), the
 * Cost Management export's latest month (bill.h) calibrates the plan
 * before it runs, and reconcile.csv sets, per vault and meter, what was
 * billed beside what the plan models for a month of the snapshot as it is
 * (Standard and Archive GiB at the vault's prices, protected instances by
 * workload), after calibration and before it.
 *
 * Calibration, per vault: Standard sizes (item sources and the points'
 * unique GiB) are scaled so that the modelled Standard GiB equal the
 * billed GB-months, vaulted file shares' sizes so that theirs equal the
 * Files Vaulted meter's, Archive sizes (the points' full GiB) likewise;
 * and the billed unit prices (cost / quantity: negotiated discounts,
 * reservations) replace the sheet's for Standard, Files Vaulted, Archive
 * and each workload's protected instance, in every projection. A meter
 * the bill does not charge keeps the model's size and the sheet's price.
 *
 * A vault at ProtectedItemLevel granularity is billed per item:
 * reconcile_items.csv then sets each such item's charges beside its
 * calibrated month now. Backup vaults follow, calibrated alike
 * (plan_bv.c). */
#include <math.h>
#include <string.h>

#include "optimizer/snapshot/bill.h"
#include "optimizer/plan/plan_internal.h"
#include "models/cost/sizes.h"
#include "optimizer/base/util.h"

struct calibration {
	struct bill bill;
	struct modelled (*before)[BM_COUNT]; /* per vault, uncalibrated */
	double (*factor)[3]; /* per vault: Standard, Archive, Files Vaulted */
	char (*note)[400];                   /* per vault: what changed */
	double (*orig)[3];   /* per item: its sizes before calibration, put
				back when the plan is done (the snapshot is
				the next stages' too) */
	struct rp *scratch;
	size_t alloc;
	char *source;        /* --costs FILE, or the snapshot's costs.csv */
	double (*item_gb)[2]; /* per item, when the bill names items: its
				 Standard (or Files Vaulted) and Archive GiB
				 uncalibrated */
};

static const int pi_of[WL_COUNT] = { BM_PI_VM, BM_PI_SQL, BM_PI_HANA,
				     BM_PI_FILES };

/* The bill meter of a workload's vault-standard GiB: a file share's are
 * on the Files Vaulted meter. */
static int std_of(int workload)
{
	return workload == WL_FILES ? BM_FILES_VAULTED : BM_STANDARD;
}

/* The calibration factor of a workload's vault-standard sizes. */
static double std_factor(const double *f, int workload)
{
	return f[workload == WL_FILES ? 2 : 0];
}

static int add_storage(void *ctx, const struct item *it, const struct rp *rps,
		       size_t n, struct err *e)
{
	struct plan_ctx *p = ctx;
	struct modelled *m = p->cal->before[it->vault_idx];
	double std_gb, arc_gb;
	(void)e;

	item_storage_totals(it, rps, n, &std_gb, &arc_gb);
	m[std_of(it->workload)].qty += std_gb;
	m[BM_ARCHIVE].qty += arc_gb;
	if (p->cal->item_gb) {
		p->cal->item_gb[it - p->s->items][0] = std_gb;
		p->cal->item_gb[it - p->s->items][1] = arc_gb;
	}
	return 0;
}

/* The protected instances of every vault at the cards' unit prices. */
static void model_pi(const struct plan_ctx *p, struct modelled (*m)[BM_COUNT])
{
	double *fee = xcalloc(p->s->nitems + 1, sizeof(*fee));

	pi_item_fees(p->s, p->cards, fee);
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		const struct rate_card *rc = &p->cards[it->vault_idx];
		struct modelled *c = &m[it->vault_idx][pi_of[it->workload]];

		c->cost += fee[i];
		c->qty += fee[i] / pi_unit_price(rc, it->workload);
	}
	free(fee);
}

static void price_storage(const struct plan_ctx *p,
			  struct modelled (*m)[BM_COUNT])
{
	for (size_t v = 0; v < p->s->nvaults; v++) {
		m[v][BM_STANDARD].cost =
			m[v][BM_STANDARD].qty * p->cards[v].std_gb_month;
		m[v][BM_FILES_VAULTED].cost = m[v][BM_FILES_VAULTED].qty *
					      p->cards[v].files_gb_month;
		m[v][BM_ARCHIVE].cost =
			m[v][BM_ARCHIVE].qty * p->cards[v].arc_gb_month;
	}
}

/* The billed unit price of a meter, or keep (not billed). */
static double billed_price(const struct bill_cell *c, double keep)
{
	return c->qty > 0 && c->cost > 0 ? c->cost / c->qty : keep;
}

static void calibrate_vault(struct plan_ctx *p, size_t v)
{
	struct calibration *cal = p->cal;
	const struct bill_cell *b = cal->bill.cell[v];
	const struct modelled *m = cal->before[v];
	struct rate_card *rc = &p->cards[v];
	double *f = cal->factor[v];

	static const int meters[3] = { BM_STANDARD, BM_ARCHIVE,
				       BM_FILES_VAULTED };

	for (int k = 0; k < 3; k++) {
		int meter = meters[k];
		f[k] = b[meter].qty > 0 && m[meter].qty > 0
			       ? b[meter].qty / m[meter].qty
			       : 1;
	}
	rc->std_gb_month = billed_price(&b[BM_STANDARD], rc->std_gb_month);
	rc->arc_gb_month = billed_price(&b[BM_ARCHIVE], rc->arc_gb_month);
	rc->files_gb_month =
		billed_price(&b[BM_FILES_VAULTED], rc->files_gb_month);
	for (int w = 0; w < WL_COUNT; w++)
		rc->pi_unit[w] = billed_price(&b[pi_of[w]], 0);
	if (b[BM_FILES_VAULTED].rows || m[BM_FILES_VAULTED].qty > 0)
		snprintf(cal->note[v], sizeof(cal->note[v]),
			 "sizes x%.4f Standard, x%.4f Archive, x%.4f Files "
			 "Vaulted; unit prices as billed",
			 f[0], f[1], f[2]);
	else if (b[BM_STANDARD].rows || b[BM_ARCHIVE].rows)
		snprintf(cal->note[v], sizeof(cal->note[v]),
			 "sizes x%.4f Standard, x%.4f Archive; unit prices "
			 "as billed",
			 f[0], f[1]);
}

/* Adds to a vault's note that a workload's protected instances follow
 * the bill. */
static void note_units(char *note, size_t size, int meter, double billed,
		       double modelled)
{
	size_t len = strlen(note);

	snprintf(note + len, size - len,
		 "%sinstances x%.4f %s (%.1f billed, %.1f modelled)",
		 len ? "; " : "", billed / modelled, bill_meter_names[meter],
		 billed, modelled);
}

/* Once sizes and prices are calibrated, each workload's modelled
 * protected-instance units follow the quantity billed: bands drawn from
 * estimated (or calibrated) sizes can still miss the bill's. */
static void calibrate_units(struct plan_ctx *p)
{
	struct calibration *cal = p->cal;
	struct modelled (*m)[BM_COUNT] =
		xcalloc(p->s->nvaults + 1, sizeof(*m));

	model_pi(p, m);
	for (size_t v = 0; v < p->s->nvaults; v++) {
		for (int w = 0; w < WL_COUNT; w++) {
			const struct bill_cell *b =
				&cal->bill.cell[v][pi_of[w]];
			double q = m[v][pi_of[w]].qty;

			if (!(b->qty > 0 && q > 0))
				continue;
			p->cards[v].pi_units_scale[w] = b->qty / q;
			if (fabs(b->qty - q) > 1e-9 * q)
				note_units(cal->note[v], sizeof(cal->note[v]),
					   pi_of[w], b->qty, q);
		}
		if (!cal->note[v][0])
			snprintf(cal->note[v], sizeof(cal->note[v]), "none");
	}
	free(m);
}

static void scale_items(struct plan_ctx *p)
{
	p->cal->orig = xcalloc(p->s->nitems + 1, sizeof(*p->cal->orig));
	for (size_t i = 0; i < p->s->nitems; i++) {
		struct item *it = &p->s->items[i];
		const double *f = p->cal->factor[it->vault_idx];

		p->cal->orig[i][0] = it->source_gb;
		p->cal->orig[i][1] = it->standard_gb;
		p->cal->orig[i][2] = it->archive_gb;
		it->source_gb *= std_factor(f, it->workload);
		it->standard_gb *= std_factor(f, it->workload);
		it->archive_gb *= f[1];
	}
}

static int check_currency(const struct plan_ctx *p, struct err *e)
{
	const struct bill *b = &p->cal->bill;

	if (!b->currency[0] || str_eq_ci(b->currency, p->currency))
		return 0;
	return err_set(e, EXIT_DATAERR,
		       "%s: the bill is in %s but the plan prices in %s: "
		       "give --currency %s",
		       p->cal->source, b->currency, p->currency,
		       b->currency);
}

static void set_basis(struct plan_ctx *p)
{
	size_t nv = p->s->nvaults;

	p->basis = xcalloc(nv + 1, 1);
	for (size_t v = 0; v < nv; v++)
		p->basis[v] = MB_REPORTED;
	for (size_t i = 0; i < p->s->nitems; i++)
		if (p->s->items[i].size_source == SS_ESTIMATED)
			p->basis[p->s->items[i].vault_idx] = MB_ESTIMATED;
	for (size_t v = 0; p->cal && v < nv; v++)
		if (p->cal->bill.cell[v][BM_STANDARD].rows ||
		    p->cal->bill.cell[v][BM_ARCHIVE].rows ||
		    p->cal->bill.cell[v][BM_FILES_VAULTED].rows)
			p->basis[v] = MB_CALIBRATED;
	p->basis[nv] = MB_CALIBRATED;
	for (size_t v = 0; v < nv; v++)
		if (p->basis[v] > p->basis[nv])
			p->basis[nv] = p->basis[v];
}

const char *plan_basis(const struct plan_ctx *p, long v)
{
	return money_basis_names[p->basis[v < 0 ? (long)p->s->nvaults : v]];
}

/* The bill: --costs FILE, else the snapshot's costs.csv (export
 * --costs); 1 when there is neither. */
static int read_bill(struct plan_ctx *p, struct bill *b, struct err *e)
{
	if (p->o->costs_path)
		return bill_read(b, p->o->costs_path, p->s, e);
	return bill_read_snapshot(b, p->s, e);
}

int plan_calibrate(struct plan_ctx *p, struct err *e)
{
	struct calibration *cal;
	size_t nv = p->s->nvaults + 1;
	struct bill b;
	int rc = read_bill(p, &b, e);

	if (rc) {
		set_basis(p);
		return rc < 0 ? -1 : 0;
	}
	cal = p->cal = xcalloc(1, sizeof(*cal));
	cal->bill = b;
	cal->source = p->o->costs_path
			      ? xstrdup(p->o->costs_path)
			      : path_join(p->s->dir, bill_costs_schema.file);
	cal->before = xcalloc(nv, sizeof(*cal->before));
	cal->factor = xcalloc(nv, sizeof(*cal->factor));
	cal->note = xcalloc(nv, sizeof(*cal->note));
	if (b.item)
		cal->item_gb = xcalloc(p->s->nitems + 1, sizeof(*cal->item_gb));
	if (check_currency(p, e) ||
	    snapshot_each_item_rps(p->s, add_storage, p, e))
		return -1;
	price_storage(p, cal->before);
	model_pi(p, cal->before);
	for (size_t v = 0; v < p->s->nvaults; v++)
		calibrate_vault(p, v);
	p->bv_months = plan_bv_months(p, &cal->bill);
	scale_items(p);
	calibrate_units(p);
	set_basis(p);
	return 0;
}

const struct rp *plan_calibrated_rps(struct plan_ctx *p, const struct item *it,
				     const struct rp *rps, size_t n)
{
	struct calibration *cal = p->cal;
	const double *f;

	if (!cal)
		return rps;
	f = cal->factor[it->vault_idx];
	cal->scratch = grow_array(cal->scratch, sizeof(*cal->scratch), n + 1,
				  &cal->alloc);
	for (size_t i = 0; i < n; i++) {
		cal->scratch[i] = rps[i];
		cal->scratch[i].unique_gb *= std_factor(f, it->workload);
		cal->scratch[i].full_gb *= f[1];
	}
	return cal->scratch;
}

void plan_calibration_free(struct plan_ctx *p)
{
	free(p->basis);
	p->basis = NULL;
	free(p->bv_months);
	p->bv_months = NULL;
	if (!p->cal)
		return;
	for (size_t i = 0; p->cal->orig && i < p->s->nitems; i++) {
		struct item *it = &p->s->items[i];
		it->source_gb = p->cal->orig[i][0];
		it->standard_gb = p->cal->orig[i][1];
		it->archive_gb = p->cal->orig[i][2];
	}
	free(p->cal->orig);
	bill_release(&p->cal->bill);
	free(p->cal->before);
	free(p->cal->factor);
	free(p->cal->note);
	free(p->cal->scratch);
	free(p->cal->source);
	free(p->cal->item_gb);
	free(p->cal);
	p->cal = NULL;
}

/* ---- reconcile.csv ---- */

static const struct csv_column reconcile_cols[] = {
	{ "vault_id", 0 }, { "vault_name", 0 }, { "meter", 0 },
	{ "unit", 0 }, { "billed_qty", 0 }, { "billed_cost", 0 },
	{ "modelled_qty", 0 }, { "modelled_cost", 0 },
	{ "difference", 0 }, { "difference_pct", 0 }, { "currency", 0 },
	{ "bill_month", 0 }, { "calibrated", 0 }, { "note", 0 },
	{ "uncalibrated_qty", 0 }, { "uncalibrated_cost", 0 },
	{ "uncalibrated_difference_pct", 0 },
};
static const struct csv_schema reconcile_schema = {
	"reconcile.csv", reconcile_cols, ARRAY_SIZE(reconcile_cols)
};

static const char *const units[BM_COUNT] = {
	"GB-Months", "GB-Months", "GB-Months", "Instance-Months",
	"Instance-Months", "Instance-Months", "Instance-Months",
	"Instance-Months", "Instance-Months", "GB-Months", "",
};

/* The plan's month now, per vault and bill meter, as calibrated. */
static void model_vaults(const struct plan_ctx *p,
			 struct modelled (*m)[BM_COUNT])
{
	for (size_t v = 0; v < p->s->nvaults; v++) {
		const struct totals *t = &p->vault_tot[v];
		m[v][BM_STANDARD].qty = t->standard_gb - t->files_gb;
		m[v][BM_FILES_VAULTED].qty = t->files_gb;
		m[v][BM_ARCHIVE].qty = t->archive_gb;
	}
	price_storage(p, m);
	model_pi(p, m);
}

static double pct(double diff, double billed)
{
	return billed != 0 ? 100 * diff / billed : NAN;
}

struct recon_row {
	const char *meter, *unit, *note;
	const struct bill_cell *billed;
	const struct modelled *now, *before;
};

/* A vault of either kind: its bill and model per meter. */
struct recon_vault {
	const char *id, *name, *calibrated;
	const struct bill_cell *billed;
	const struct modelled *now, *before;
};

static void put_row(struct csv_writer *w, const struct plan_ctx *p,
		    const struct recon_vault *rv, const struct recon_row *r)
{
	double diff = r->now->cost - r->billed->cost;

	csv_put(w, rv->id);
	csv_put(w, rv->name);
	csv_put(w, r->meter);
	csv_put(w, r->unit);
	csv_put_double(w, r->billed->qty, 3);
	csv_put_double(w, r->billed->cost, 4);
	csv_put_double(w, r->now->qty, 3);
	csv_put_double(w, r->now->cost, 4);
	csv_put_double(w, diff, 4);
	csv_put_double(w, pct(diff, r->billed->cost), 2);
	csv_put(w, p->currency);
	csv_put(w, p->cal->bill.month);
	csv_put(w, rv->calibrated);
	csv_put(w, r->note);
	csv_put_double(w, r->before->qty, 3);
	csv_put_double(w, r->before->cost, 4);
	csv_put_double(w, pct(r->before->cost - r->billed->cost,
			      r->billed->cost), 2);
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
			const struct recon_vault *rv)
{
	const struct bill_cell *b = rv->billed;
	const struct modelled *now = rv->now, *before = rv->before;
	struct bill_cell bt = { NAN, 0, 0 };
	struct modelled nt = { NAN, 0 }, pt = { NAN, 0 };

	for (int m = 0; m < BM_COUNT; m++) {
		if (b[m].rows == 0 && now[m].cost == 0 && now[m].qty == 0)
			continue;
		put_row(w, p, rv,
			&(struct recon_row){ bill_meter_names[m], units[m],
					     meter_note(m), &b[m], &now[m],
					     &before[m] });
		bt.cost += b[m].cost;
		nt.cost += now[m].cost;
		pt.cost += before[m].cost;
	}
	put_row(w, p, rv,
		&(struct recon_row){ "total", "",
				     "the vault's Backup charges in the bill "
				     "month against the plan's month now",
				     &bt, &nt, &pt });
}

static void summarise(struct plan_summary *sum, const struct calibration *c,
		      const struct recon_vault *rv, size_t n)
{
	sum->bill_rows = c->bill.kept;
	snprintf(sum->bill_month, sizeof(sum->bill_month), "%s",
		 c->bill.month);
	for (size_t v = 0; v < n; v++)
		for (int m = 0; m < BM_COUNT; m++) {
			sum->billed += rv[v].billed[m].cost;
			sum->modelled += rv[v].now[m].cost;
			sum->uncalibrated += rv[v].before[m].cost;
		}
}

/* Every vault of both kinds, Recovery Services vaults first; caller
 * frees. */
static struct recon_vault *recon_vaults(const struct plan_ctx *p,
					struct modelled (*now)[BM_COUNT],
					size_t *n)
{
	const struct bv_tables *t = &p->s->bv;
	struct recon_vault *rv;

	*n = p->s->nvaults + t->nvaults;
	rv = xcalloc(*n + 1, sizeof(*rv));
	for (size_t v = 0; v < p->s->nvaults; v++)
		rv[v] = (struct recon_vault){
			p->s->vaults[v].vault_id, p->s->vaults[v].vault_name,
			p->cal->note[v], p->cal->bill.cell[v], now[v],
			p->cal->before[v] };
	for (size_t v = 0; v < t->nvaults; v++)
		rv[p->s->nvaults + v] = (struct recon_vault){
			t->vaults[v].vault_id, t->vaults[v].vault_name,
			p->bv_months[v].note, p->cal->bill.bvcell[v],
			p->bv_months[v].now, p->bv_months[v].before };
	return rv;
}

/* ---- reconcile_items.csv ---- */

static const struct csv_column item_cols[] = {
	{ "vault_id", 0 }, { "vault_name", 0 }, { "item_id", 0 },
	{ "item_name", 0 }, { "workload", 0 },
	{ "billed_standard_gb_months", 0 }, { "billed_archive_gb_months", 0 },
	{ "billed_instances", 0 }, { "billed_cost", 0 },
	{ "calibrated_standard_gb", 0 }, { "calibrated_archive_gb", 0 },
	{ "calibrated_cost", 0 }, { "difference", 0 },
	{ "difference_pct", 0 }, { "currency", 0 }, { "bill_month", 0 },
};
static const struct csv_schema items_schema = {
	"reconcile_items.csv", item_cols, ARRAY_SIZE(item_cols)
};

/* An item's row: what the bill charged it beside its calibrated month
 * now (storage at the vault's calibrated prices, its share of the
 * protected-instance fee). */
static void put_item(struct csv_writer *w, const struct plan_ctx *p,
		     size_t i, double fee)
{
	const struct item *it = &p->s->items[i];
	const struct bill_cell *b = p->cal->bill.item[i];
	const struct rate_card *rc = &p->cards[it->vault_idx];
	const double *f = p->cal->factor[it->vault_idx];
	double std = p->cal->item_gb[i][0] * std_factor(f, it->workload);
	double arc = p->cal->item_gb[i][1] * f[1];
	double cost = std * std_price_of(rc, it->workload) +
		      arc * rc->arc_gb_month + fee;
	double billed = 0, instances = 0;

	for (int m = 0; m < BM_COUNT; m++)
		billed += b[m].cost;
	for (int k = 0; k < WL_COUNT; k++)
		instances += b[pi_of[k]].qty;
	csv_put(w, it->vault_id);
	csv_put(w, p->s->vaults[it->vault_idx].vault_name);
	csv_put(w, it->item_id);
	csv_put(w, it->item_name);
	csv_put(w, workload_names[it->workload]);
	csv_put_double(w, b[std_of(it->workload)].qty, 3);
	csv_put_double(w, b[BM_ARCHIVE].qty, 3);
	csv_put_double(w, instances, 3);
	csv_put_double(w, billed, 4);
	csv_put_double(w, std, 3);
	csv_put_double(w, arc, 3);
	csv_put_double(w, cost, 4);
	csv_put_double(w, cost - billed, 4);
	csv_put_double(w, pct(cost - billed, billed), 2);
	csv_put(w, p->currency);
	csv_put(w, p->cal->bill.month);
	csv_end_row(w);
}

/* reconcile_items.csv, when the bill charges items (ProtectedItemLevel):
 * one row per item it charges. */
static int write_items(struct plan_ctx *p, struct outdir *dir,
		       struct err *e)
{
	const struct bill *b = &p->cal->bill;
	struct csv_writer *w;
	double *fee;
	char *path;

	if (!b->item)
		return 0;
	path = outdir_file(dir, items_schema.file);
	w = csv_writer_open(path, &items_schema, e);
	free(path);
	if (!w)
		return -1;
	fee = xcalloc(p->s->nitems + 1, sizeof(*fee));
	pi_item_fees(p->s, p->cards, fee);
	for (size_t i = 0; i < p->s->nitems; i++) {
		long rows = 0;
		for (int m = 0; m < BM_COUNT; m++)
			rows += b->item[i][m].rows;
		if (rows)
			put_item(w, p, i, fee[i]);
	}
	free(fee);
	return csv_writer_commit(w, NULL, e);
}

int plan_write_reconcile(struct plan_ctx *p, struct outdir *dir,
			 struct err *e)
{
	struct modelled (*now)[BM_COUNT];
	struct csv_writer *w;
	char *path;

	if (!p->cal)
		return 0;
	now = xcalloc(p->s->nvaults + 1, sizeof(*now));
	model_vaults(p, now);
	path = outdir_file(dir, "reconcile.csv");
	w = csv_writer_open(path, &reconcile_schema, e);
	free(path);
	if (w) {
		size_t n;
		struct recon_vault *rv = recon_vaults(p, now, &n);

		for (size_t v = 0; v < n; v++)
			write_vault(w, p, &rv[v]);
		summarise(p->sum, p->cal, rv, n);
		free(rv);
	}
	free(now);
	if (!w || csv_writer_commit(w, NULL, e))
		return -1;
	return write_items(p, dir, e);
}
