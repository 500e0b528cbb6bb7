/* SPDX-License-Identifier: MIT
 * sample_bill.c: `sample --bill DIR`, the month's bill of a sample estate
 * (sample.h): what Azure would have charged its vaults in the month
 * before the as-of, from sizes and prices the snapshot does not hold, so
 * that calibration has something to find:
 *  - true sizes: every size of a vault's items and points (source, each
 *    point's unique and full GiB) is the snapshot's times a hidden factor
 *    drawn per vault, uniform in [0.8, 1.25];
 *  - negotiated prices: the bundled sheet's list prices in the default
 *    currency, less 15% on storage and 10% on protected instances.
 * One row per vault and meter for the month: vault-standard storage, the
 * vaulted file shares' storage on its own meter ("Azure Files Vaulted
 * LRS/GRS Data Stored"), vault-archive storage, and
 * the protected instances of each workload (instance-months, banded as
 * Azure bills them, SQL/HANA per instance). Azure bills a month's
 * average daily use: the month is billed on the snapshot (its last day)
 * alone, or, for an estate aged by `sample --from` from a snapshot of
 * the month's first day, on the mean of the two. Soft-deleted data in
 * its last free days (levers.h) is not billed. DIR/focus.csv is a FOCUS 1.0
 * export as Cost Management writes it (meter category in
 * x_SkuMeterCategory, ServiceName "Azure Site Recovery"), and
 * DIR/usage-details.csv an EA actual-cost export with the older meter
 * names ("GRS Data Stored", "Azure VM Protected Instances").
 *
 * The Backup vaults (Microsoft.DataProtection) follow, billed under their
 * own ResourceId with the same meter category: vaulted storage and its
 * Archive (each vault's instances' vault-store GiB times a hidden factor
 * of the same law), and one "Azure Blob" or "PostgreSQL" protected
 * instance a month per vaulted instance, at the same discounts (their
 * tables are the snapshot's alone: the month is billed on its last day).
 * Disk snapshots and operational blob backup are billed by Managed Disks
 * and Storage, not Backup (cost_bv.h), and have no Backup charge. */
#include "optimizer/sample/sample.h"
#include "optimizer/sample/sample_internal.h"

#include <math.h>

#include <gsl/gsl_rng.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/fileio.h"
#include "models/cost/cost_bv.h"
#include "models/cost/levers.h"
#include "models/cost/prices.h"
#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define STORAGE_PRICE 0.85 /* negotiated / list */
#define PI_PRICE 0.90

static const struct csv_column focus_cols[] = {
	{ "BilledCost", 0 }, { "BillingAccountId", 0 },
	{ "BillingAccountName", 0 }, { "BillingCurrency", 0 },
	{ "BillingPeriodStart", 0 }, { "BillingPeriodEnd", 0 },
	{ "ChargeCategory", 0 }, { "ChargeClass", 0 },
	{ "ChargeDescription", 0 }, { "ChargePeriodStart", 0 },
	{ "ChargePeriodEnd", 0 }, { "ContractedCost", 0 },
	{ "EffectiveCost", 0 }, { "InvoiceIssuerName", 0 },
	{ "ListCost", 0 }, { "PricingQuantity", 0 }, { "PricingUnit", 0 },
	{ "ProviderName", 0 }, { "PublisherName", 0 },
	{ "ServiceCategory", 0 }, { "ServiceName", 0 },
	{ "ConsumedQuantity", 0 }, { "ConsumedUnit", 0 },
	{ "ListUnitPrice", 0 }, { "ContractedUnitPrice", 0 },
	{ "ResourceId", 0 }, { "ResourceName", 0 }, { "RegionId", 0 },
	{ "SubAccountId", 0 }, { "x_SkuMeterCategory", 0 },
	{ "x_SkuMeterName", 0 },
};
static const struct csv_schema focus_schema = { "focus.csv", focus_cols,
						ARRAY_SIZE(focus_cols) };
static const struct csv_column usage_cols[] = {
	{ "Date", 0 }, { "BillingCurrency", 0 }, { "SubscriptionId", 0 },
	{ "ResourceGroup", 0 }, { "ResourceId", 0 },
	{ "ResourceLocation", 0 }, { "MeterCategory", 0 },
	{ "MeterName", 0 }, { "Quantity", 0 }, { "EffectivePrice", 0 },
	{ "Cost", 0 }, { "PayGPrice", 0 }, { "ChargeType", 0 },
	{ "UnitOfMeasure", 0 },
};
static const struct csv_schema usage_schema = {
	"usage-details.csv", usage_cols, ARRAY_SIZE(usage_cols)
};

/* One charge: a vault's meter in the month. */
struct charge {
	const char *meter, *old_meter; /* FOCUS and older spellings */
	const char *unit;
	double qty, list_price, price;
};

struct bill_ctx {
	struct snapshot *s;
	const double *factor;            /* per vault */
	const double *bv_factor;         /* per Backup vault */
	const struct price_sheet *ps;
	double (*gb)[3]; /* per vault: Standard, Archive, Files Vaulted */
	int64_t start, end;              /* the month billed */
	const char *currency;
	struct rate_card *cards;
	/* the snapshot being read: s, or the month's first (sample --from);
	 * vmap[v]: s's index of its vault v; at: its time; weight: its share
	 * of the month's average */
	const size_t *vmap;
	int64_t at;
	double weight;
	/* the first day's points an applied plan has moved (empty: none),
	 * and a copy of an item's points with them in Archive */
	struct strmap moved;
	struct rp *scratch;
	size_t alloc;
};

/* An item's points as the first day saw them: those the applied plan
 * moved are in Archive. */
static const struct rp *applied_view(struct bill_ctx *b,
				     const struct rp *rps, size_t n)
{
	if (!b->moved.len)
		return rps;
	b->scratch = grow_array(b->scratch, sizeof(*b->scratch), n + 1,
				&b->alloc);
	for (size_t i = 0; i < n; i++) {
		b->scratch[i] = rps[i];
		if (sample_applied_moved(&b->moved, &rps[i]))
			b->scratch[i].tier = TIER_ARCHIVE;
	}
	return b->scratch;
}

static int true_sizes(void *ctx, const struct item *it, const struct rp *rps,
		      size_t n, struct err *e)
{
	struct bill_ctx *b = ctx;
	size_t v = b->vmap[it->vault_idx];
	double std_gb, arc_gb, f = b->factor[v] * b->weight;
	int64_t until = it->soft_deleted ? lever_soft_deleted_billed_until(it)
					 : TIME_NONE;
	(void)e;

	/* soft-deleted data in its last free days is not billed */
	if (until != TIME_NONE && until <= b->at)
		return 0;
	item_storage_totals(it, applied_view(b, rps, n), n, &std_gb, &arc_gb);
	b->gb[v][it->workload == WL_FILES ? 2 : 0] += f * std_gb;
	b->gb[v][1] += f * arc_gb;
	return 0;
}

/* The payer of a charge: a vault of either kind. */
struct payer {
	const char *tenant_id, *subscription_id, *resource_group, *name;
	const char *location;
};

static const char *std_meter(int meter, bool old)
{
	static const char *const names[][2] = {
		[M_STD_LRS] = { "Standard LRS Data Stored", "LRS Data Stored" },
		[M_STD_ZRS] = { "Standard ZRS Data Stored", "ZRS Data Stored" },
		[M_STD_GRS] = { "Standard GRS Data Stored", "GRS Data Stored" },
		[M_STD_RAGRS] = { "Standard RA-GRS Data Stored",
				  "RA-GRS Data Stored" },
		[M_FILES_VAULTED_LRS] = { "Azure Files Vaulted LRS Data Stored",
					  "Azure Files Vaulted LRS Data Stored" },
		[M_FILES_VAULTED_GRS] = { "Azure Files Vaulted GRS Data Stored",
					  "Azure Files Vaulted GRS Data Stored" },
	};
	return names[meter][old];
}

static void put_focus(struct csv_writer *w, const struct bill_ctx *b,
		      const struct payer *v, const char *id,
		      const struct charge *c)
{
	double cost = c->qty * c->price, list = c->qty * c->list_price;

	csv_put_double(w, cost, 6);
	csv_put(w, v->tenant_id);
	csv_put(w, "vaultwise sample estate");
	csv_put(w, b->currency);
	csv_put_time(w, b->start);
	csv_put_time(w, b->end);
	csv_put(w, "Usage");
	csv_put(w, "");
	csv_put(w, c->meter);
	csv_put_time(w, b->start);
	csv_put_time(w, b->end);
	csv_put_double(w, cost, 6);
	csv_put_double(w, cost, 6);
	csv_put(w, "Microsoft");
	csv_put_double(w, list, 6);
	csv_put_double(w, c->qty, 6);
	csv_put(w, c->unit);
	csv_put(w, "Microsoft");
	csv_put(w, "Microsoft");
	csv_put(w, "Storage");
	csv_put(w, "Azure Site Recovery");
	csv_put_double(w, c->qty, 6);
	csv_put(w, c->unit);
	csv_put_double(w, c->list_price, 6);
	csv_put_double(w, c->price, 6);
	csv_put(w, id);
	csv_put(w, v->name);
	csv_put(w, v->location);
	csv_putf(w, "/subscriptions/%s", v->subscription_id);
	csv_put(w, "Backup");
	csv_put(w, c->meter);
	csv_end_row(w);
}

static void put_usage(struct csv_writer *w, const struct bill_ctx *b,
		      const struct payer *v, const char *id,
		      const struct charge *c)
{
	struct civil d;

	time_to_civil(b->start, &d);
	csv_putf(w, "%02d/%02d/%04d", d.month, d.day, d.year);
	csv_put(w, b->currency);
	csv_put(w, v->subscription_id);
	csv_put(w, v->resource_group);
	csv_put(w, id);
	csv_put(w, v->location);
	csv_put(w, "Backup");
	csv_put(w, c->old_meter);
	csv_put_double(w, c->qty, 6);
	csv_put_double(w, c->price, 6);
	csv_put_double(w, c->qty * c->price, 6);
	csv_put_double(w, c->list_price, 6);
	csv_put(w, "Usage");
	csv_put(w, c->unit);
	csv_end_row(w);
}

/* The charges of vault v; returns how many. */
static size_t vault_charges(const struct bill_ctx *b, size_t v,
			    const double *pi_units, struct charge *out)
{
	static const char *const pi_names[WL_COUNT][2] = {
		{ "Azure VM Protected Instance",
		  "Azure VM Protected Instances" },
		{ "SQL Server in Azure VM Protected Instance",
		  "SQL Server in Azure VM Protected Instances" },
		{ "SAP HANA on Azure VM Protected Instance",
		  "SAP HANA on Azure VM Protected Instances" },
		{ "Azure Files Protected Instance",
		  "Azure Files Protected Instances" },
	};
	const struct rate_card *rc = &b->cards[v];
	size_t n = 0;

	if (b->gb[v][0] > 0)
		out[n++] = (struct charge){
			std_meter(rc->standard_meter, false),
			std_meter(rc->standard_meter, true), "GB/Month",
			b->gb[v][0], rc->std_gb_month,
			rc->std_gb_month * STORAGE_PRICE };
	if (b->gb[v][2] > 0)
		out[n++] = (struct charge){
			std_meter(rc->files_meter, false),
			std_meter(rc->files_meter, true), "GB/Month",
			b->gb[v][2], rc->files_gb_month,
			rc->files_gb_month * STORAGE_PRICE };
	if (b->gb[v][1] > 0) {
		const char *m = rc->archive_meter == M_ARC_GRS
					? "Archive GRS Data Stored"
					: "Archive LRS Data Stored";
		out[n++] = (struct charge){
			m, m, "GB/Month", b->gb[v][1], rc->arc_gb_month,
			rc->arc_gb_month * STORAGE_PRICE };
	}
	for (int w = 0; w < WL_COUNT; w++) {
		double unit;
		if (pi_units[w] <= 0)
			continue;
		unit = rc->row[pi_meter(w)]->price;
		out[n++] = (struct charge){ pi_names[w][0], pi_names[w][1],
					    "1/Month", pi_units[w], unit,
					    unit * PI_PRICE };
	}
	return n;
}

/* A Backup vault's charges (at most 4: vault store, Archive, the two
 * protected-instance meters); returns how many. */
static size_t bv_charges(const struct bill_ctx *b, size_t v,
			 struct charge *out)
{
	const struct bv_tables *t = &b->s->bv;
	const struct price_row *std = NULL, *arc = NULL, *pi[2] = { 0 };
	double gb[2] = { 0 }, count[2] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < t->ninstances; i++) {
		const struct binstance *bi = &t->instances[i];
		struct bv_cost c;
		int k;

		if (bi->vault_idx != v)
			continue;
		bv_instance_cost(&c, b->ps, b->currency, &t->vaults[v], bi,
				 bi->policy_idx >= 0
					 ? &t->policies[bi->policy_idx]
					 : NULL);
		if (c.basis != BVB_VAULTED)
			continue;
		std = c.std_row ? c.std_row : std;
		arc = c.arc_row ? c.arc_row : arc;
		gb[0] += isnan(c.vault_gb) ? 0 : c.vault_gb;
		gb[1] += isnan(c.archive_gb) ? 0 : c.archive_gb;
		if (!c.pi_row)
			continue;
		k = c.pi_row->meter == M_PI_PGSQL;
		pi[k] = c.pi_row;
		count[k]++;
	}
	if (std && gb[0] > 0)
		out[n++] = (struct charge){
			std_meter(std->meter, false), std_meter(std->meter, true),
			"GB/Month", gb[0] * b->bv_factor[v], std->price,
			std->price * STORAGE_PRICE };
	if (arc && gb[1] > 0) {
		const char *m = arc->meter == M_ARC_GRS
					? "Archive GRS Data Stored"
					: "Archive LRS Data Stored";
		out[n++] = (struct charge){
			m, m, "GB/Month", gb[1] * b->bv_factor[v], arc->price,
			arc->price * STORAGE_PRICE };
	}
	for (int k = 0; k < 2; k++)
		if (pi[k])
			out[n++] = (struct charge){
				k ? "PostgreSQL Protected Instance"
				  : "Azure Blob Protected Instance",
				k ? "PostgreSQL Protected Instances"
				  : "Azure Blob Protected Instances",
				"1/Month", count[k], pi[k]->price,
				pi[k]->price * PI_PRICE };
	return n;
}

static void write_bv_rows(struct bill_ctx *b, struct csv_writer *fw,
			  struct csv_writer *uw)
{
	for (size_t v = 0; v < b->s->bv.nvaults; v++) {
		const struct bvault *bv = &b->s->bv.vaults[v];
		struct payer who = { bv->tenant_id, bv->subscription_id,
				     bv->resource_group, bv->vault_name,
				     bv->location };
		struct charge c[4];
		size_t n = bv_charges(b, v, c);

		for (size_t k = 0; k < n; k++) {
			put_focus(fw, b, &who, bv->arm_id, &c[k]);
			put_usage(uw, b, &who, bv->arm_id, &c[k]);
		}
	}
}

static void write_rows(struct bill_ctx *b, struct csv_writer *fw,
		       struct csv_writer *uw, const double (*units)[WL_COUNT])
{
	for (size_t v = 0; v < b->s->nvaults; v++) {
		const struct vault *vault = &b->s->vaults[v];
		struct payer who = { vault->tenant_id, vault->subscription_id,
				     vault->resource_group, vault->vault_name,
				     vault->location };
		struct charge c[3 + WL_COUNT];
		size_t n = vault_charges(b, v, units[v], c);
		char *id = xasprintf("/subscriptions/%s/resourceGroups/%s/"
				     "providers/Microsoft.RecoveryServices/"
				     "vaults/%s",
				     vault->subscription_id,
				     vault->resource_group, vault->vault_name);

		for (size_t k = 0; k < n; k++) {
			put_focus(fw, b, &who, id, &c[k]);
			put_usage(uw, b, &who, id, &c[k]);
		}
		free(id);
	}
	write_bv_rows(b, fw, uw);
}

/* Adds the protected-instance units of b's snapshot being read (x) per
 * vault of s and workload, on the true sizes, times its weight. */
static void add_true_units(struct bill_ctx *b, struct snapshot *x,
			   double (*units)[WL_COUNT])
{
	struct rate_card *cards = xcalloc(x->nvaults + 1, sizeof(*cards));
	double *fee = xcalloc(x->nitems + 1, sizeof(*fee));

	for (size_t v = 0; v < x->nvaults; v++)
		cards[v] = b->cards[b->vmap[v]];
	for (size_t i = 0; i < x->nitems; i++)
		x->items[i].source_gb *=
		    b->factor[b->vmap[x->items[i].vault_idx]];
	pi_item_fees(x, cards, fee);
	for (size_t i = 0; i < x->nitems; i++) {
		const struct item *it = &x->items[i];
		size_t v = b->vmap[it->vault_idx];
		units[v][it->workload] +=
			b->weight * fee[i] /
			b->cards[v].row[pi_meter(it->workload)]->price;
	}
	free(fee);
	free(cards);
}

static int write_bill(struct bill_ctx *b, double (*units)[WL_COUNT],
		      const char *dir_path, struct err *e)
{
	struct csv_writer *fw = NULL, *uw = NULL;
	struct outdir dir;
	char *fp, *up;
	int rc = -1;

	if (outdir_begin(&dir, dir_path, "bill", e))
		return -1;
	fp = outdir_file(&dir, "focus.csv");
	up = outdir_file(&dir, "usage-details.csv");
	fw = csv_writer_open(fp, &focus_schema, e);
	uw = fw ? csv_writer_open(up, &usage_schema, e) : NULL;
	if (uw) {
		write_rows(b, fw, uw, (const double (*)[WL_COUNT])units);
		rc = csv_writer_commit(fw, NULL, e);
		fw = NULL;
		if (rc == 0)
			rc = csv_writer_commit(uw, NULL, e);
		uw = NULL;
	}
	csv_writer_abort(fw);
	csv_writer_abort(uw);
	rc = rc == 0 ? outdir_commit(&dir, e) : (outdir_abort(&dir), -1);
	free(fp);
	free(up);
	return rc;
}

static int price_vaults(struct bill_ctx *b, struct price_sheet *ps,
			struct err *e)
{
	char *path = data_file("prices/prices.csv", e);
	int rc = path ? prices_load(ps, path, e) : -1;

	free(path);
	if (rc)
		return -1;
	b->ps = ps;
	b->currency = prices_default_currency(ps, b->s->vaults,
					      b->s->nvaults);
	b->cards = xcalloc(b->s->nvaults + 1, sizeof(*b->cards));
	return rate_cards_for(b->cards, ps, b->s, b->currency, e);
}

/* Reads x into the month's average (its storage and instances, times
 * weight); vmap maps its vaults to s's. */
static int read_state(struct bill_ctx *b, struct snapshot *x,
		      const size_t *vmap, double weight,
		      double (*units)[WL_COUNT], struct err *e)
{
	b->vmap = vmap;
	b->at = x->as_of;
	b->weight = weight;
	if (snapshot_each_item_rps(x, true_sizes, b, e))
		return -1;
	add_true_units(b, x, units);
	return 0;
}

/* The month's first day as prev (the snapshot s was aged from) saw it,
 * with the moves of the plan applied that day (applied, or NULL): averaged
 * with s's last, half each, when prev is of that day. */
static int read_first_day(struct bill_ctx *b, const char *prev_dir,
			  const char *applied, double (*units)[WL_COUNT],
			  bool *used, struct err *e)
{
	struct snapshot p;
	struct strpool pool = STRPOOL_INIT;
	size_t *vmap;
	int rc = 0;

	if (snapshot_open(&p, prev_dir, e))
		return -1;
	vmap = xcalloc(p.nvaults + 1, sizeof(*vmap));
	for (size_t v = 0; v < p.nvaults && rc == 0; v++) {
		long k = snapshot_find_vault(b->s, p.vaults[v].vault_id);
		if (k < 0)
			rc = err_set(e, EXIT_DATAERR,
				     "%s: vault %s is not in %s: not the "
				     "snapshot it was aged from",
				     prev_dir, p.vaults[v].vault_id,
				     b->s->dir);
		vmap[v] = (size_t)k;
	}
	*used = rc == 0 && p.as_of == b->start;
	if (*used && applied)
		rc = sample_read_applied(&p, applied, p.as_of + DAY_S,
					 &b->moved, &pool, e);
	if (*used && rc == 0)
		rc = read_state(b, &p, vmap, 0.5, units, e);
	strmap_release(&b->moved);
	b->moved = (struct strmap)STRMAP_INIT;
	strpool_release(&pool);
	free(vmap);
	snapshot_release(&p);
	return rc;
}

int sample_write_bill(const char *snap_dir, const char *prev_dir,
		      const char *applied, const char *bill_dir,
		      unsigned long seed, struct err *e)
{
	struct snapshot s;
	struct price_sheet ps = { 0 };
	struct bill_ctx b;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *factor, *bv_factor, (*units)[WL_COUNT] = NULL;
	size_t *ident = NULL;
	struct civil c;
	bool two = false;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.s = &s;
	if (snapshot_open(&s, snap_dir, e)) {
		gsl_rng_free(rng);
		return -1;
	}
	gsl_rng_set(rng, seed ^ 0xb1111b1UL);
	factor = xcalloc(s.nvaults + 1, sizeof(*factor));
	for (size_t v = 0; v < s.nvaults; v++)
		factor[v] = 0.8 + 0.45 * gsl_rng_uniform(rng);
	b.factor = factor;
	/* drawn after the Recovery Services vaults', which stay as they
	 * were */
	bv_factor = xcalloc(s.bv.nvaults + 1, sizeof(*bv_factor));
	for (size_t v = 0; v < s.bv.nvaults; v++)
		bv_factor[v] = 0.8 + 0.45 * gsl_rng_uniform(rng);
	b.bv_factor = bv_factor;
	b.gb = xcalloc(s.nvaults + 1, sizeof(*b.gb));
	time_to_civil(s.as_of, &c);
	b.end = time_from_civil(c.year, c.month, 1, 0, 0, 0);
	b.start = c.month == 1 ? time_from_civil(c.year - 1, 12, 1, 0, 0, 0)
			       : time_from_civil(c.year, c.month - 1, 1, 0, 0,
						 0);
	ident = xcalloc(s.nvaults + 1, sizeof(*ident));
	for (size_t v = 0; v < s.nvaults; v++)
		ident[v] = v;
	units = xcalloc(s.nvaults + 1, sizeof(*units));
	if (price_vaults(&b, &ps, e) == 0 &&
	    (!prev_dir ||
	     read_first_day(&b, prev_dir, applied, units, &two, e) == 0) &&
	    read_state(&b, &s, ident, two ? 0.5 : 1, units, e) == 0)
		rc = write_bill(&b, units, bill_dir, e);
	free(units);
	free(ident);
	free(b.scratch);
	free(b.cards);
	free(b.gb);
	free(factor);
	free(bv_factor);
	gsl_rng_free(rng);
	prices_release(&ps);
	snapshot_release(&s);
	return rc;
}
