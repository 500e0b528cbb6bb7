/* SPDX-License-Identifier: MIT
 * bill.c: reading a Cost Management export into what each vault was
 * billed (bill.h). */
#include "optimizer/snapshot/bill.h"

#include <strings.h>
#include <unistd.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"

const char *const bill_meter_names[BM_COUNT] = {
	"vault_standard", "vault_archive", "files_vaulted", "pi_vm", "pi_sql",
	"pi_hana",
	"pi_files", "pi_blob", "pi_postgresql", "instant_restore_snapshots",
	"other",
};

const char *const money_basis_names[MB_COUNT] = { "calibrated", "reported",
						  "estimated" };

/* The union of the two column sets; names match ignoring case (EA writes
 * MeterCategory, MCA meterCategory). */
enum { C_RESOURCE, C_EFFECTIVE, C_BILLED, C_CONSUMED, C_PRICING_QTY,
       C_CHARGE_CAT, C_PERIOD, C_SKU_CAT, C_SKU_METER, C_CURRENCY,
       C_METER_CAT, C_METER_NAME, C_QTY, C_COST_BC, C_COST, C_PRETAX,
       C_CHARGE_TYPE, C_DATE, C_SKUMETER, C_NCOLS };
static const struct csv_column bill_cols[] = {
	{ "ResourceId", CSV_REQUIRED }, { "EffectiveCost", 0 },
	{ "BilledCost", 0 }, { "ConsumedQuantity", 0 },
	{ "PricingQuantity", 0 }, { "ChargeCategory", 0 },
	{ "ChargePeriodStart", 0 }, { "x_SkuMeterCategory", 0 },
	{ "x_SkuMeterName", 0 }, { "BillingCurrency", 0 },
	{ "MeterCategory", 0 }, { "MeterName", 0 }, { "Quantity", 0 },
	{ "CostInBillingCurrency", 0 }, { "Cost", 0 }, { "PreTaxCost", 0 },
	{ "ChargeType", 0 }, { "Date", 0 }, { "SkuMeter", 0 },
};
static const struct csv_schema bill_schema = { "costs", bill_cols,
					       C_NCOLS };


int bill_meter_of(const char *category, const char *meter)
{
	if (str_eq_ci(category, "Storage"))
		return str_contains_ci(meter, "Snapshot") ? BM_SNAPSHOTS : -1;
	if (!str_eq_ci(category, "Backup"))
		return -1;
	if (str_contains_ci(meter, "Protected Instance")) {
		if (str_contains_ci(meter, "HANA"))
			return BM_PI_HANA;
		/* before SQL, which "PostgreSQL" contains */
		if (str_contains_ci(meter, "PostgreSQL"))
			return BM_PI_PGSQL;
		if (str_contains_ci(meter, "SQL"))
			return BM_PI_SQL;
		if (str_contains_ci(meter, "Files"))
			return BM_PI_FILES;
		if (str_contains_ci(meter, "Blob"))
			return BM_PI_BLOB;
		if (str_contains_ci(meter, "Azure VM"))
			return BM_PI_VM;
		return BM_OTHER;
	}
	if (!str_contains_ci(meter, "Data Stored"))
		return BM_OTHER;
	if (str_contains_ci(meter, "Archive"))
		return BM_ARCHIVE;
	/* "Azure Files Vaulted LRS Data Stored" */
	return str_contains_ci(meter, "Files") ? BM_FILES_VAULTED
					       : BM_STANDARD;
}

struct bill_reader {
	struct bill *b;
	const struct snapshot *s;
	char **vault_ids;   /* per vault: its ARM id */
	bool format_known;
};

/* The item of the snapshot whose ARM id is resource (ids are made from
 * the lowercased ARM id), or -1. */
static long item_of(const struct bill_reader *r, const char *resource)
{
	char id[SNAPSHOT_ID_LEN];

	snapshot_make_id(id, 'i', resource);
	return snapshot_find_item(r->s, id);
}

/* The vault whose ARM id is resource, or a child of it (a protected item
 * when the vault reports per item); -1 when none. */
static long vault_of(const struct bill_reader *r, const char *resource)
{
	for (size_t v = 0; v < r->s->nvaults; v++) {
		size_t n = strlen(r->vault_ids[v]);
		if (strncasecmp(resource, r->vault_ids[v], n) == 0 &&
		    (resource[n] == '\0' || resource[n] == '/'))
			return (long)v;
	}
	return -1;
}

/* The Backup vault whose ARM id is resource, or a child of it (a backup
 * instance, when it bills per instance); -1 when none. */
static long bvault_of(const struct bill_reader *r, const char *resource)
{
	const struct bv_tables *t = &r->s->bv;

	for (size_t v = 0; v < t->nvaults; v++) {
		size_t n = strlen(t->vaults[v].arm_id);
		if (strncasecmp(resource, t->vaults[v].arm_id, n) == 0 &&
		    (resource[n] == '\0' || resource[n] == '/'))
			return (long)v;
	}
	return -1;
}

/* An instant-restore snapshot's restore point collection,
 * ".../resourceGroups/AzureBackupRG_<region>_<n>/providers/
 * Microsoft.Compute/restorePointCollections/AzureBackup_<vm>_<id>": the
 * vault protecting <vm>; -1 when not Azure Backup's or no vault does. */
static long snapshot_vault(const struct bill_reader *r, const char *resource)
{
	static const char rpc[] = "/restorePointCollections/AzureBackup_";
	const char *p = resource, *vm, *end;

	if (!str_contains_ci(resource, "/resourceGroups/AzureBackupRG"))
		return -1;
	for (; *p && strncasecmp(p, rpc, sizeof(rpc) - 1); p++)
		;
	if (!*p)
		return -1;
	vm = p + sizeof(rpc) - 1;
	end = strrchr(vm, '_');
	if (!end || end == vm)
		return -1;
	for (size_t i = 0; i < r->s->nitems; i++) {
		const struct item *it = &r->s->items[i];
		const char *slash = strrchr(it->source_resource_id, '/');
		if (it->workload == WL_VM && slash &&
		    strlen(slash + 1) == (size_t)(end - vm) &&
		    strncasecmp(slash + 1, vm, (size_t)(end - vm)) == 0)
			return (long)it->vault_idx;
	}
	return -1;
}

/* "YYYY-MM" of an ISO 8601 date (FOCUS, MCA) or MM/DD/YYYY (EA). */
static int month_of(const char *d, char out[8])
{
	if (strlen(d) >= 7 && d[4] == '-') {
		snprintf(out, 8, "%.7s", d);
		return 0;
	}
	if (strlen(d) >= 10 && d[2] == '/' && d[5] == '/') {
		snprintf(out, 8, "%.4s-%.2s", d + 6, d);
		return 0;
	}
	return -1;
}

/* Keeps the latest month: a later month's first row drops what was kept
 * (so the cells end as the sum of the latest month's rows). */
static int keep_month(struct bill_reader *r, const struct csv_row *row,
		      const char *date, struct err *e)
{
	struct bill *b = r->b;
	char month[8];

	if (month_of(date, month))
		return row_error(row, b->format == BILL_FOCUS ? C_PERIOD
							      : C_DATE,
				 e, "a date (2026-05-01T00:00:00Z, 2026-05-01 "
				    "or 05/01/2026)");
	if (b->month[0] && strcmp(month, b->month) < 0) {
		b->other_months++;
		return 1;
	}
	if (strcmp(month, b->month) > 0) {
		if (b->month[0])
			b->other_months += b->kept;
		memset(b->cell, 0, b->nvaults * sizeof(*b->cell));
		memset(b->bvcell, 0, b->nbvaults * sizeof(*b->bvcell));
		if (b->item)
			memset(b->item, 0, r->s->nitems * sizeof(*b->item));
		b->kept = b->item_rows = 0;
		memcpy(b->month, month, sizeof(month));
	}
	return 0;
}

/* Adds a charge to the item it names, when it names one. */
static void add_item(struct bill_reader *r, const char *resource, int meter,
		     double qty, double cost)
{
	struct bill *b = r->b;
	long i = item_of(r, resource);

	if (i < 0)
		return;
	if (!b->item)
		b->item = xcalloc(r->s->nitems + 1, sizeof(*b->item));
	b->item[i][meter].qty += qty;
	b->item[i][meter].cost += cost;
	b->item[i][meter].rows++;
	b->item_rows++;
}

/* v: a vault of the snapshot, or, when bv, a Backup vault. */
static int add_row(struct bill_reader *r, const struct csv_row *row,
		   long v, bool bv, int meter, struct err *e)
{
	struct bill *b = r->b;
	bool focus = b->format == BILL_FOCUS;
	int qcol = focus ? (row->val[C_CONSUMED][0] ? C_CONSUMED
						    : C_PRICING_QTY)
			 : C_QTY;
	int ccol = focus ? (row->val[C_EFFECTIVE][0] ? C_EFFECTIVE
						     : C_BILLED)
			 : (row->val[C_COST_BC][0] ? C_COST_BC
			    : row->val[C_COST][0]  ? C_COST
						   : C_PRETAX);
	const char *cur = row->val[C_CURRENCY];
	struct bill_cell *cell;
	double qty = 0, cost = 0;
	int k = keep_month(r, row, row->val[focus ? C_PERIOD : C_DATE], e);

	if (k)
		return k < 0 ? -1 : 0;
	if (row_double(row, qcol, ROW_OPTIONAL, -1e15, 1e15, &qty, e) ||
	    row_double(row, ccol, 0, -1e15, 1e15, &cost, e))
		return -1;
	if (!b->currency[0])
		snprintf(b->currency, sizeof(b->currency), "%s", cur);
	else if (cur[0] && !str_eq_ci(cur, b->currency))
		return row_error(row, C_CURRENCY, e,
				 "one billing currency in the file");
	cell = bv ? &b->bvcell[v][meter] : &b->cell[v][meter];
	cell->qty += qty;
	cell->cost += cost;
	cell->rows++;
	b->kept++;
	if (!bv && meter != BM_SNAPSHOTS && strchr(row->val[C_RESOURCE] +
					    strlen(r->vault_ids[v]), '/'))
		add_item(r, row->val[C_RESOURCE], meter, qty, cost);
	return 0;
}

static int bill_row(void *ctx, const struct csv_row *row, struct err *e)
{
	struct bill_reader *r = ctx;
	struct bill *b = r->b;
	const char *resource = row->val[C_RESOURCE];
	int meter;
	bool bv = false;
	long v;

	b->rows++;
	if (!r->format_known) {
		b->format = row->val[C_BILLED][0] || row->val[C_EFFECTIVE][0]
				    ? BILL_FOCUS
				    : BILL_USAGE_DETAILS;
		r->format_known = true;
	}
	/* FOCUS 1.2 exports may name the meter in SkuMeter only */
	meter = b->format == BILL_FOCUS
			? bill_meter_of(row->val[C_SKU_CAT],
					row->val[C_SKU_METER][0]
						? row->val[C_SKU_METER]
						: row->val[C_SKUMETER])
			: bill_meter_of(row->val[C_METER_CAT],
					row->val[C_METER_NAME]);
	if (meter < 0 || !resource[0])
		return 0;
	v = meter == BM_SNAPSHOTS ? snapshot_vault(r, resource)
				  : vault_of(r, resource);
	if (v < 0 && meter != BM_SNAPSHOTS) {
		v = bvault_of(r, resource);
		bv = true;
	}
	if (v < 0)
		return 0;
	if (str_eq_ci(row->val[C_CHARGE_CAT], "Purchase") ||
	    str_eq_ci(row->val[C_CHARGE_TYPE], "Purchase")) {
		b->purchases++;
		return 0;
	}
	return add_row(r, row, v, bv, meter, e);
}

static int read_bill(struct bill *b, const char *path,
		     const struct snapshot *s, struct csv_file_info *info,
		     struct err *e)
{
	struct bill_reader r = { b, s, NULL, false };
	uint64_t skipped = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	b->nvaults = s->nvaults;
	b->cell = xcalloc(s->nvaults + 1, sizeof(*b->cell));
	b->nbvaults = s->bv.nvaults;
	b->bvcell = xcalloc(s->bv.nvaults + 1, sizeof(*b->bvcell));
	r.vault_ids = xcalloc(s->nvaults + 1, sizeof(*r.vault_ids));
	for (size_t v = 0; v < s->nvaults; v++)
		r.vault_ids[v] = xasprintf(
			"/subscriptions/%s/resourceGroups/%s/providers/"
			"Microsoft.RecoveryServices/vaults/%s",
			s->vaults[v].subscription_id,
			s->vaults[v].resource_group, s->vaults[v].vault_name);
	/* every charge bill_row keeps names "backup", in any case: a Backup
	 * charge its meter category, an instant-restore snapshot its
	 * AzureBackupRG_* resource group; other services' rows, most of an
	 * export, are skipped unsplit */
	rc = csv_read_kept(path, &bill_schema, "backup", bill_row, &r, info,
			   &skipped, e);
	b->rows += (long)skipped;
	for (size_t v = 0; v < s->nvaults; v++)
		free(r.vault_ids[v]);
	free(r.vault_ids);
	if (rc)
		bill_release(b);
	return rc;
}

int bill_read(struct bill *b, const char *path, const struct snapshot *s,
	      struct err *e)
{
	return read_bill(b, path, s, NULL, e);
}

bool bill_in_snapshot(const struct snapshot *s)
{
	char *path = path_join(s->dir, bill_costs_schema.file);
	bool in = manifest_file(&s->manifest, bill_costs_schema.file) ||
		  access(path, F_OK) == 0;

	free(path);
	return in;
}

int bill_read_snapshot(struct bill *b, const struct snapshot *s,
		       struct err *e)
{
	char *path = path_join(s->dir, bill_costs_schema.file);
	struct csv_file_info info;
	int rc = 1;

	memset(b, 0, sizeof(*b));
	if (bill_in_snapshot(s)) {
		rc = read_bill(b, path, s, &info, e);
		if (!rc && snapshot_check_file(s, bill_costs_schema.file,
					       &info, e)) {
			bill_release(b);
			rc = -1;
		}
	}
	free(path);
	return rc;
}

static const struct csv_column cost_cols[] = {
	{ "Date", CSV_REQUIRED }, { "ResourceId", CSV_REQUIRED },
	{ "MeterCategory", CSV_REQUIRED }, { "MeterName", CSV_REQUIRED },
	{ "Quantity", CSV_REQUIRED }, { "CostInBillingCurrency", CSV_REQUIRED },
	{ "BillingCurrency", CSV_REQUIRED }, { "ChargeType", CSV_REQUIRED },
};
const struct csv_schema bill_costs_schema = { "costs.csv", cost_cols,
					      ARRAY_SIZE(cost_cols) };

/* costs.csv's columns (cost_cols, below) */
enum { K_DATE, K_RESOURCE, K_CATEGORY, K_METER, K_QTY, K_COST, K_CURRENCY };

struct cost_reader {
	int (*fn)(void *ctx, const struct cost_row *r, struct err *e);
	void *ctx;
};

static int cost_row(void *ctx, const struct csv_row *row, struct err *e)
{
	struct cost_reader *c = ctx;
	const char *const *v = row->val;
	struct cost_row r = { v[K_DATE], v[K_RESOURCE], v[K_CATEGORY],
			      v[K_METER], v[K_CURRENCY], 0, 0 };

	if (row_double(row, K_QTY, 0, -1e15, 1e15, &r.qty, e) ||
	    row_double(row, K_COST, 0, -1e15, 1e15, &r.cost, e))
		return -1;
	return c->fn(c->ctx, &r, e);
}

int bill_each_cost(const struct snapshot *s,
		   int (*fn)(void *ctx, const struct cost_row *r,
			     struct err *e),
		   void *ctx, struct err *e)
{
	char *path = path_join(s->dir, bill_costs_schema.file);
	struct cost_reader c = { fn, ctx };
	struct csv_file_info info;
	int rc = 1;

	if (manifest_file(&s->manifest, bill_costs_schema.file) ||
	    access(path, F_OK) == 0) {
		rc = csv_read(path, &bill_costs_schema, cost_row, &c, &info,
			      e);
		if (!rc)
			rc = snapshot_check_file(s, bill_costs_schema.file,
						 &info, e);
	}
	free(path);
	return rc;
}

void bill_put_cost(struct csv_writer *w, const struct cost_row *r)
{
	csv_put(w, r->date);
	csv_put(w, r->resource_id);
	csv_put(w, r->meter_category);
	csv_put(w, r->meter);
	csv_put_double(w, r->qty, 6);
	csv_put_double(w, r->cost, 6);
	csv_put(w, r->currency);
	csv_put(w, "Usage");
	csv_end_row(w);
}

void bill_release(struct bill *b)
{
	free(b->cell);
	free(b->bvcell);
	free(b->item);
	memset(b, 0, sizeof(*b));
}
