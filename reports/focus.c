/* SPDX-License-Identifier: MIT
 * focus.c: focus.csv and forecast.csv (focus.h). focus.csv carries cost
 * incurred only: with no bill given, its header alone; with one, what it
 * charged each vault of either kind per meter in its month (the plan's
 * reconcile.csv: Backup meters, and the instant-restore snapshots under
 * Managed Disks). forecast.csv has,
 * per vault and month, from the plan's plan/vault_months.csv: what the
 * plan keeps in vault-standard, its vaulted file shares on the Files
 * Vaulted meter, and vault-archive (GB-Months: its
 * day-averaged GiB over the month, as Azure bills its "1 GB/Month" meters
 * whatever the month's length, at the plan's price) and the
 * expected cost of restores from Archive (Restores: the plan's expected
 * number, at their mean expected cost; only when the plan used a restore
 * model); then the protected-instance fees (Instance-Months: Azure's
 * billed instances, one per started 500 GB, half one up to 50 GB). The
 * storage and restore rows add up to the plan's `cost`, and so to
 * strategies.csv's plan line. After them, the Backup vaults' rows
 * (x_Strategy "unchanged": the plan does not tier them): their storage
 * at today's GiB and their protected-instance fees, each month (with a
 * bill, as reconcile.csv calibrates them: its GiB and instances at the
 * billed unit prices, x_PriceQuality "billed"), and
 * their disks' incremental snapshots at today's GiB (ServiceName
 * "Managed Disks", which bills them). Times
 * are ISO 8601 UTC; a row covers the calendar month [start, end). */
#include "reports/focus.h"

#include <math.h>

#include "optimizer/base/csvio.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

#define FOCUS_COLUMN_LIST                                                  \
	/* the 21 mandatory columns (C: a cost, x_Projected in forecast) */ \
	C(BilledCost) X(BillingAccountId) X(BillingAccountName)            \
	X(BillingCurrency) X(BillingPeriodStart) X(BillingPeriodEnd)       \
	X(ChargeCategory) X(ChargeClass) X(ChargeDescription)              \
	X(ChargePeriodStart) X(ChargePeriodEnd) C(ContractedCost)          \
	C(EffectiveCost) X(InvoiceIssuerName) C(ListCost)                  \
	X(PricingQuantity) X(PricingUnit) X(ProviderName)                  \
	X(PublisherName) X(ServiceCategory) X(ServiceName)                 \
	/* conditional and recommended columns used */                     \
	X(ResourceId) X(ResourceName) X(ResourceType) X(RegionId)          \
	X(RegionName) X(SubAccountId) X(SubAccountName) X(ListUnitPrice)   \
	X(ConsumedQuantity) X(ConsumedUnit) X(ServiceSubcategory)          \
	X(ChargeFrequency) X(PricingCategory)                              \
	/* vaultwise's own */                                              \
	X(x_Strategy) X(x_Tier) X(x_Meter) X(x_ProjectedMonthlyCost)       \
	X(x_ProjectedGiB) X(x_ExpectedRestores) X(x_RestoreProbability)    \
	X(x_PriceQuality) X(x_PriceRegion) X(x_VaultId) X(x_AsOf)          \
	X(x_GeneratedBy)

#define X(name) #name,
#define C(name) #name,
const char *const focus_columns[] = { FOCUS_COLUMN_LIST NULL };
#undef C
#define C(name) "x_Projected" #name,
const char *const forecast_columns[] = { FOCUS_COLUMN_LIST NULL };
#undef C
#undef X
#define X(name) { #name, 0 },
#define C(name) { #name, 0 },
static const struct csv_column cols[] = { FOCUS_COLUMN_LIST };
#undef C
#define C(name) { "x_Projected" #name, 0 },
static const struct csv_column forecast_cols[] = { FOCUS_COLUMN_LIST };
#undef C
#undef X
static const struct csv_schema focus_schema = { "focus.csv", cols,
						ARRAY_SIZE(cols) };
static const struct csv_schema forecast_schema = {
	"forecast.csv", forecast_cols, ARRAY_SIZE(forecast_cols)
};

static const struct {
	const char *id, *name;
} regions[] = {
	{ "australiaeast", "Australia East" },
	{ "australiasoutheast", "Australia Southeast" },
	{ "brazilsouth", "Brazil South" },
	{ "canadacentral", "Canada Central" },
	{ "canadaeast", "Canada East" },
	{ "centralindia", "Central India" },
	{ "centralus", "Central US" },
	{ "eastasia", "East Asia" },
	{ "eastus", "East US" },
	{ "eastus2", "East US 2" },
	{ "francecentral", "France Central" },
	{ "germanywestcentral", "Germany West Central" },
	{ "italynorth", "Italy North" },
	{ "japaneast", "Japan East" },
	{ "japanwest", "Japan West" },
	{ "koreacentral", "Korea Central" },
	{ "northcentralus", "North Central US" },
	{ "northeurope", "North Europe" },
	{ "norwayeast", "Norway East" },
	{ "polandcentral", "Poland Central" },
	{ "southafricanorth", "South Africa North" },
	{ "southcentralus", "South Central US" },
	{ "southeastasia", "Southeast Asia" },
	{ "southindia", "South India" },
	{ "spaincentral", "Spain Central" },
	{ "swedencentral", "Sweden Central" },
	{ "switzerlandnorth", "Switzerland North" },
	{ "uaenorth", "UAE North" },
	{ "uksouth", "UK South" },
	{ "ukwest", "UK West" },
	{ "westcentralus", "West Central US" },
	{ "westeurope", "West Europe" },
	{ "westus", "West US" },
	{ "westus2", "West US 2" },
	{ "westus3", "West US 3" },
};

static const char *region_name(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(regions); i++)
		if (str_eq_ci(regions[i].id, id))
			return regions[i].name;
	return id;
}

static const char *const workload_fees[WL_COUNT] = {
	"Azure VM", "SQL Server in Azure VM", "SAP HANA in Azure VM",
	"Azure Files",
};

/* One row: a meter of a vault in a month. */
struct line {
	const char *tier;            /* x_Tier */
	const char *meter;           /* x_Meter */
	double unit_price;           /* ListUnitPrice */
	const char *quality;         /* x_PriceQuality */
	const char *price_region;    /* x_PriceRegion */
	double qty;                  /* PricingQuantity */
	const char *unit;            /* PricingUnit */
	double consumed;             /* ConsumedQuantity */
	const char *consumed_unit;
	double gib;                  /* x_ProjectedGiB, NAN for fees */
	double restores;             /* x_ExpectedRestores, NAN */
	const char *service;         /* ServiceName; NULL: Backup */
	bool charged;                /* focus.csv: cost was billed */
	double cost;                 /* when charged */
	char description[320];
};

struct month {
	int m;
	int64_t start, end;
	char label[8];
};

/* The vault a row is for, of either kind, and the strategy it follows. */
struct fres {
	const char *provider;        /* "Microsoft.RecoveryServices/vaults" */
	const char *type;            /* ResourceType */
	const char *subscription_id, *resource_group, *name, *location;
	const char *vault_id;
	const char *strategy;        /* x_Strategy */
};

static struct fres rs_vault(const struct vault *v)
{
	return (struct fres){ "Microsoft.RecoveryServices/vaults",
			      "Recovery Services vault", v->subscription_id,
			      v->resource_group, v->vault_name, v->location,
			      v->vault_id, "plan" };
}

static void put_fixed(struct csv_writer *w, const struct report_data *d,
		      const struct month *mo, const struct line *l)
{
	if (l->charged)
		csv_put_double(w, l->cost, 8);
	else
		csv_put(w, "0");            /* BilledCost: not a charge */
	csv_put(w, d->billing_account_id);
	csv_put(w, d->billing_account_name);
	csv_put(w, d->currency);
	csv_put_time(w, mo->start);
	csv_put_time(w, mo->end);
	csv_put(w, "Usage");
	csv_put(w, "");                     /* ChargeClass: not a correction */
}

static void put_line(struct csv_writer *w, const struct report_data *d,
		     const struct fres *v, const struct month *mo,
		     const struct line *l)
{
	double unit_price = l->unit_price;
	double qty = round(l->qty * 1e6) / 1e6;
	double cost = l->charged ? l->cost : qty * unit_price;
	char sub[80];

	put_fixed(w, d, mo, l);
	csv_put(w, l->description);
	csv_put_time(w, mo->start);
	csv_put_time(w, mo->end);
	csv_put_double(w, cost, 8);         /* ContractedCost */
	csv_put_double(w, cost, 8);         /* EffectiveCost */
	csv_put(w, "Microsoft");            /* InvoiceIssuerName */
	csv_put_double(w, cost, 8);         /* ListCost */
	csv_put_double(w, qty, 6);
	csv_put(w, l->unit);
	csv_put(w, "Microsoft");            /* ProviderName */
	csv_put(w, "Microsoft");            /* PublisherName */
	csv_put(w, "Storage");
	csv_put(w, l->service ? l->service : "Backup");
	csv_putf(w, "/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
		 v->subscription_id, v->resource_group, v->provider, v->name);
	csv_put(w, v->name);
	csv_put(w, v->type);
	csv_put(w, v->location);
	csv_put(w, region_name(v->location));
	snprintf(sub, sizeof(sub), "/subscriptions/%s", v->subscription_id);
	csv_put(w, sub);
	csv_put(w, v->subscription_id);
	csv_put_double(w, unit_price, 8);
	csv_put_double(w, l->consumed, 6);
	csv_put(w, l->consumed_unit);
	csv_put(w, "Backup Storage");
	csv_put(w, "Usage-Based");
	csv_put(w, "Standard");             /* PricingCategory: list price */
	csv_put(w, v->strategy);
	csv_put(w, l->tier);
	csv_put(w, l->meter);
	csv_put_double(w, l->charged ? NAN : cost, 2);
	csv_put_double(w, l->gib, 3);
	csv_put_double(w, l->restores, 6);
	csv_put_double(w, isnan(l->restores) ? NAN : 1 - exp(-l->restores),
		       4);
	csv_put(w, l->quality);
	csv_put(w, l->price_region);
	csv_put(w, v->vault_id);
	csv_put_time(w, d->as_of);
	csv_put(w, "vaultwise " VAULTWISE_VERSION);
	csv_end_row(w);
}

/* Price, quality and region from the price sheet's row (NULL: none). */
static void price_from(struct line *l, const struct price_row *r)
{
	l->unit_price = r ? r->price : 0;
	l->quality = r ? price_quality_names[r->quality] : "missing";
	l->price_region = r ? r->region : "";
}

/* The plan's day-averaged GiB of a tier, at the plan's price. */
static void storage_line(struct line *l, const struct report_data *d,
			 const struct rep_vault_months *vm, bool archive,
			 const struct month *mo)
{
	const struct rate_card *rc = &vm->card;
	int meter = archive ? rc->archive_meter : rc->standard_meter;

	memset(l, 0, sizeof(*l));
	l->tier = archive ? "Archive" : "Standard";
	l->meter = meter_names[meter];
	price_from(l, rc->row[meter]);
	l->unit_price = archive ? vm->arc_price : vm->std_price;
	/* a plan calibrated to a bill prices with the billed unit price */
	if (d->bill.n && rc->row[meter] &&
	    fabs(l->unit_price - rc->row[meter]->price) > 1e-6)
		l->quality = "billed";
	l->gib = archive ? vm->arc_gb[mo->m] : vm->std_gb[mo->m];
	l->qty = l->consumed = l->gib; /* the month's mean: GB-Months */
	l->unit = l->consumed_unit = "GB-Months";
	l->restores = NAN;
	snprintf(l->description, sizeof(l->description),
		 "Projected Azure Backup vault-%s storage (%s) for %s under "
		 "the vaultwise plan; a projection, not a charge",
		 archive ? "archive" : "standard", l->meter, mo->label);
}

/* The plan's day-averaged GiB of vaulted file shares on their own meter
 * ("Azure Files Vaulted LRS/GRS Data Stored"), at the plan's price. */
static void files_line(struct line *l, const struct report_data *d,
		       const struct rep_vault_months *vm,
		       const struct month *mo)
{
	const struct rate_card *rc = &vm->card;

	storage_line(l, d, vm, false, mo);
	l->meter = meter_names[rc->files_meter];
	price_from(l, rc->row[rc->files_meter]);
	l->unit_price = vm->files_price;
	if (d->bill.n && rc->row[rc->files_meter] &&
	    fabs(l->unit_price - rc->row[rc->files_meter]->price) > 1e-6)
		l->quality = "billed";
	l->gib = l->qty = l->consumed = vm->files_gb[mo->m];
	snprintf(l->description, sizeof(l->description),
		 "Projected Azure Backup vaulted Azure Files storage (%s) for "
		 "%s under the vaultwise plan; a projection, not a charge",
		 l->meter, mo->label);
}

/* The restores from Archive the plan expects, at their mean expected
 * cost: an estimate built on the rehydration price (its quality, unless
 * worse than "estimate", and region are that row's). */
static void restore_line(struct line *l, const struct rep_vault_months *vm,
			 const struct month *mo)
{
	const struct price_row *r = vm->card.row[M_REHYDRATE_STANDARD];
	double n = vm->restores[mo->m];

	memset(l, 0, sizeof(*l));
	l->tier = "Archive";
	l->meter = "archive_restores";
	price_from(l, r);
	l->unit_price = vm->restore_cost[mo->m] / n;
	if (!r || r->quality < PQ_ESTIMATE)
		l->quality = price_quality_names[PQ_ESTIMATE];
	l->qty = l->consumed = n;
	l->unit = l->consumed_unit = "Restores";
	l->gib = NAN;
	l->restores = n;
	snprintf(l->description, sizeof(l->description),
		 "Expected cost of restores from Azure Backup vault-archive "
		 "storage for %s under the vaultwise plan (rehydration, the "
		 "Standard copy while restored, and the plan's delay cost "
		 "if any; %.4f restores expected); a projection, not a "
		 "charge",
		 mo->label, n);
}

/* The plan's fees over the sheet's for the vault's items: a plan
 * calibrated to a bill prices instances at the billed unit prices. */
static double fee_scale(const struct rep_vault_months *vm)
{
	double list = 0;

	for (int k = 0; k < WL_COUNT; k++) {
		const struct price_row *r = vm->card.row[pi_meter(k)];
		list += r ? vm->pi_units[k] * r->price : 0;
	}
	return isfinite(vm->pi_cost) && list > 0 ? vm->pi_cost / list : 1;
}

static void fee_line(struct line *l, const struct rep_vault_months *vm,
		     int workload, const struct month *mo)
{
	const struct rate_card *rc = &vm->card;
	int m = pi_meter(workload);
	double scale = fee_scale(vm);

	memset(l, 0, sizeof(*l));
	l->tier = "";
	l->meter = meter_names[m];
	price_from(l, rc->row[m]);
	l->unit_price *= scale;
	if (fabs(scale - 1) > 1e-6)
		l->quality = "billed";
	l->qty = vm->pi_units[workload];
	l->unit = "Instance-Months";
	l->consumed = (double)vm->pi_items[workload];
	l->consumed_unit = "Item-Months";
	l->gib = NAN;
	l->restores = NAN;
	snprintf(l->description, sizeof(l->description),
		 "Projected Azure Backup protected-instance fees for %s "
		 "(%ld items) for %s; a projection, not a charge",
		 workload_fees[workload], vm->pi_items[workload], mo->label);
}

static long vault_month(struct csv_writer *w, const struct report_data *d,
			size_t v, const struct month *mo)
{
	const struct rep_vault_months *vm = &d->vm[v];
	const struct fres vres = rs_vault(&d->s->vaults[v]);
	const struct fres *vault = &vres;
	struct line l;
	long rows = 0;

	if (vm->std_gb[mo->m] > 0) {
		storage_line(&l, d, vm, false, mo);
		put_line(w, d, vault, mo, &l);
		rows++;
	}
	if (vm->files_gb[mo->m] > 0) {
		files_line(&l, d, vm, mo);
		put_line(w, d, vault, mo, &l);
		rows++;
	}
	if (vm->arc_gb[mo->m] > 0) {
		storage_line(&l, d, vm, true, mo);
		put_line(w, d, vault, mo, &l);
		rows++;
	}
	if (vm->restore_cost[mo->m] > 0) {
		restore_line(&l, vm, mo);
		put_line(w, d, vault, mo, &l);
		rows++;
	}
	for (int k = 0; k < WL_COUNT; k++) {
		if (!vm->pi_items[k])
			continue;
		fee_line(&l, vm, k, mo);
		put_line(w, d, vault, mo, &l);
		rows++;
	}
	return rows;
}

/* ---- Backup vaults: their cost now, held through the horizon ---- */

static struct fres bv_vault(const struct bvault *v)
{
	return (struct fres){ "Microsoft.DataProtection/backupVaults",
			      "Backup vault", v->subscription_id,
			      v->resource_group, v->vault_name, v->location,
			      v->vault_id, "unchanged" };
}

/* A Backup vault's storage in a tier at today's GiB. */
static void bv_storage_line(struct line *l, const struct price_row *r,
			    double gib, bool archive, const struct month *mo)
{
	double days = (double)(mo->end - mo->start) / DAY_S;

	memset(l, 0, sizeof(*l));
	l->tier = archive ? "Archive" : "Standard";
	l->meter = meter_names[r->meter];
	price_from(l, r);
	l->gib = gib;
	l->qty = l->consumed = gib * days / DAYS_PER_MONTH;
	l->unit = l->consumed_unit = "GB-Months";
	l->restores = NAN;
	snprintf(l->description, sizeof(l->description),
		 "Projected Azure Backup vault-%s storage (%s) of Backup-vault "
		 "instances for %s, at today's size; a projection, not a "
		 "charge",
		 archive ? "archive" : "standard", l->meter, mo->label);
}

/* One protected-instance fee per instance a month (cost_bv.h). */
static void bv_fee_line(struct line *l, const struct price_row *r, long n,
			const struct month *mo)
{
	memset(l, 0, sizeof(*l));
	l->tier = "";
	l->meter = meter_names[r->meter];
	price_from(l, r);
	l->qty = l->consumed = (double)n;
	l->unit = "Instance-Months";
	l->consumed_unit = "Item-Months";
	l->gib = NAN;
	l->restores = NAN;
	snprintf(l->description, sizeof(l->description),
		 "Projected Azure Backup protected-instance fees (%s, %ld "
		 "Backup-vault instance%s) for %s; a projection, not a "
		 "charge",
		 l->meter, n, n == 1 ? "" : "s", mo->label);
}

/* A Backup vault's disks' incremental snapshots at today's GiB: billed
 * by Managed Disks, shown as part of what their backup costs. */
static void bv_snapshot_line(struct line *l, const struct price_row *r,
			     double gib, const struct month *mo)
{
	bv_storage_line(l, r, gib, false, mo);
	l->tier = "Operational";
	l->service = "Managed Disks";
	snprintf(l->description, sizeof(l->description),
		 "Projected Managed Disks incremental snapshot storage (%s) "
		 "of Backup-vault disk instances for %s, at today's size; a "
		 "projection, not a charge",
		 l->meter, mo->label);
}

/* A Backup vault's meter as reconcile.csv calibrated it to the bill:
 * its quantity (GiB, instances) and unit price; false when the plan had
 * no bill or the meter no calibrated quantity. */
static bool bv_calibrated(const struct report_data *d, const char *vault,
			  const char *meter, double *qty, double *price)
{
	for (size_t i = 0; i < d->bill.n; i++) {
		const struct rep_bill_row *r = &d->bill.rows[i];
		if (strcmp(r->vault, vault) == 0 &&
		    strcmp(r->meter, meter) == 0 && r->modelled_qty > 0) {
			*qty = r->modelled_qty;
			*price = r->modelled / r->modelled_qty;
			return true;
		}
	}
	return false;
}

/* Storage in a tier: today's GiB at the sheet's price, or as calibrated
 * to the bill. */
static bool bv_storage(struct line *l, const struct report_data *d,
		       const struct rep_bvault *b, bool archive,
		       const struct month *mo)
{
	const struct price_row *r = archive ? b->arc_row : b->std_row;
	double gib = archive ? b->archive_gb : b->vault_gb, price;
	bool billed = bv_calibrated(d, b->v->vault_name,
				    archive ? "vault_archive"
					    : "vault_standard",
				    &gib, &price);

	if (!r || gib <= 0)
		return false;
	bv_storage_line(l, r, gib, archive, mo);
	if (billed) {
		l->unit_price = price;
		l->quality = "billed";
	}
	return true;
}

static long bv_month(struct csv_writer *w, const struct report_data *d,
		     const struct rep_bvault *b, const struct month *mo)
{
	static const char *const pi_meters[2] = { "pi_blob",
						  "pi_postgresql" };
	const struct fres res = bv_vault(b->v);
	struct line l;
	long rows = 0;

	for (int k = 0; k < 2; k++)
		if (bv_storage(&l, d, b, k, mo)) {
			put_line(w, d, &res, mo, &l);
			rows++;
		}
	for (int k = 0; k < 2; k++) {
		double n, price;

		if (!b->pi_row[k])
			continue;
		bv_fee_line(&l, b->pi_row[k], b->pi_n[k], mo);
		if (bv_calibrated(d, b->v->vault_name, pi_meters[k], &n,
				  &price)) {
			l.unit_price = price;
			l.quality = "billed";
		}
		put_line(w, d, &res, mo, &l);
		rows++;
	}
	if (b->snap_row && b->snapshot_gb > 0) {
		bv_snapshot_line(&l, b->snap_row, b->snapshot_gb, mo);
		put_line(w, d, &res, mo, &l);
		rows++;
	}
	return rows;
}

/* The vault, of either kind, of a reconcile.csv row; false if neither. */
static bool billed_vault(const struct report_data *d, const char *vault_id,
			 struct fres *out)
{
	long v = snapshot_find_vault(d->s, vault_id);

	if (v >= 0) {
		*out = rs_vault(&d->s->vaults[v]);
		out->strategy = "";
		return true;
	}
	v = snapshot_find_bvault(d->s, vault_id);
	if (v < 0)
		return false;
	*out = bv_vault(&d->s->bv.vaults[v]);
	out->strategy = "";
	return true;
}

/* What the bill charged a vault on a meter in its month. */
static void billed_line(struct line *l, const struct rep_bill_row *r,
			const struct fres *v, const struct month *mo)
{
	double qty = isnan(r->billed_qty) ? 0 : r->billed_qty;

	memset(l, 0, sizeof(*l));
	l->charged = true;
	l->cost = r->billed;
	l->tier = "";
	l->meter = r->meter;
	l->unit_price = qty > 0 ? r->billed / qty : 0;
	l->quality = "billed";
	l->price_region = v->location;
	l->qty = l->consumed = qty;
	l->unit = l->consumed_unit = r->unit;
	l->gib = l->restores = NAN;
	if (strcmp(r->meter, "instant_restore_snapshots") == 0)
		l->service = "Managed Disks";
	snprintf(l->description, sizeof(l->description),
		 "Azure Backup %s of %s in %s, as billed (the Cost Management "
		 "export the plan was calibrated to)",
		 r->meter, v->name, mo->label);
}

/* The bill month of "YYYY-MM"; false when it is not one. */
static bool bill_month(const char *label, struct month *mo)
{
	int y, m;

	if (sscanf(label, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return false;
	memset(mo, 0, sizeof(*mo));
	mo->start = time_from_civil(y, m, 1, 0, 0, 0);
	mo->end = m == 12 ? time_from_civil(y + 1, 1, 1, 0, 0, 0)
			  : time_from_civil(y, m + 1, 1, 0, 0, 0);
	snprintf(mo->label, sizeof(mo->label), "%.7s", label);
	return true;
}

int focus_write(const struct report_data *d, const char *path, long *rows,
		struct err *e)
{
	struct csv_writer *w = csv_writer_open(path, &focus_schema, e);
	struct month mo;

	*rows = 0;
	if (!w)
		return -1;
	for (size_t i = 0; bill_month(d->bill.month, &mo) && i < d->bill.n;
	     i++) {
		const struct rep_bill_row *r = &d->bill.rows[i];
		struct fres v;
		struct line l;

		if (strcmp(r->meter, "total") == 0 ||
		    (r->billed == 0 && !(r->billed_qty > 0)) ||
		    !billed_vault(d, r->vault_id, &v))
			continue;
		billed_line(&l, r, &v, &mo);
		put_line(w, d, &v, &mo, &l);
		(*rows)++;
	}
	return csv_writer_commit(w, NULL, e);
}

int forecast_write(const struct report_data *d, const char *path,
		   long *rows, struct err *e)
{
	struct csv_writer *w = csv_writer_open(path, &forecast_schema, e);

	*rows = 0;
	if (!w)
		return -1;
	for (size_t v = 0; v < d->s->nvaults + d->nbvaults; v++)
		for (int m = 0; m < d->h.months; m++) {
			struct month mo = { m, d->h.month_start[m],
					    d->h.month_start[m + 1], { 0 } };
			struct civil c;
			time_to_civil(mo.start, &c);
			snprintf(mo.label, sizeof(mo.label), "%04d-%02d",
				 (c.year % 10000 + 10000) % 10000,
				 (c.month % 100 + 100) % 100);
			*rows += v < d->s->nvaults
				 ? vault_month(w, d, v, &mo)
				 : bv_month(w, d,
					    &d->bvaults[v - d->s->nvaults],
					    &mo);
		}
	return csv_writer_commit(w, NULL, e);
}
