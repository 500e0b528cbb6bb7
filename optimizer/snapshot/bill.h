/* SPDX-License-Identifier: MIT
 * bill.h: what Azure billed the snapshot's vaults, read from a Cost
 * Management export: the FOCUS export (1.0 and 1.2 column sets) or the
 * actual-cost usage-details CSV (EA and MCA spellings), plain or gzip.
 *
 * Streams the file and keeps only Azure Backup charges of the snapshot's
 * vaults: rows whose meter category is `Backup` (FOCUS: x_SkuMeterCategory;
 * ServiceName is not used, as Microsoft's FOCUS mapping files Recovery
 * Services vaults under "Azure Site Recovery") and whose ResourceId is a
 * vault of the snapshot, plus the instant-restore snapshots Azure Backup
 * takes (meter category Storage, "... Snapshots" meters, restore point
 * collections in AzureBackupRG_* resource groups), charged to the vault
 * protecting the VM. Purchases (reservations, savings plans) are dropped.
 * Both generations of meter names are accepted ("Azure VM Protected
 * Instances" / "Azure VM Protected Instance", "LRS Data Stored" /
 * "Standard LRS Data Stored"). When the file spans several months, the
 * latest is kept. Memory stays flat however long the file.
 *
 * Backup vaults (Microsoft.DataProtection) are billed under the same
 * meter category and their own ResourceId: their charges go to bvcell,
 * per Backup vault of the snapshot (vaulted storage, Archive, the
 * "Azure Blob" and "PostgreSQL" protected instances), at the vault or
 * below it (per backup instance). */
#ifndef VW_BILL_H
#define VW_BILL_H

#include <stdbool.h>

#include "optimizer/base/csvio.h"
#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"

/* BM_FILES_VAULTED: vaulted Azure Files storage, "Azure Files Vaulted
 * LRS/GRS Data Stored" (its own meter, not the vault's Standard one). */
enum bill_meter { BM_STANDARD, BM_ARCHIVE, BM_FILES_VAULTED, BM_PI_VM,
		  BM_PI_SQL, BM_PI_HANA, BM_PI_FILES, BM_PI_BLOB, BM_PI_PGSQL,
		  BM_SNAPSHOTS, BM_OTHER, BM_COUNT };
extern const char *const bill_meter_names[BM_COUNT];

enum bill_format { BILL_FOCUS, BILL_USAGE_DETAILS };

/* One vault's charges on one meter in the month. */
struct bill_cell {
	double qty;  /* the meter's unit: GB-months, instances */
	double cost; /* EffectiveCost (FOCUS) or the cost in billing currency */
	long rows;
};

struct bill {
	int format;               /* enum bill_format, of the rows kept */
	char currency[8];         /* BillingCurrency; "" if no row kept */
	char month[8];            /* "YYYY-MM" of the rows kept */
	size_t nvaults;
	struct bill_cell (*cell)[BM_COUNT]; /* per vault of the snapshot */
	/* Per item of the snapshot, the charges billed to it: a vault at
	 * ProtectedItemLevel granularity (costManagementSettings) bills
	 * each protected item under its own ResourceId. NULL when no charge
	 * names an item; item charges count in their vault's cells too. */
	struct bill_cell (*item)[BM_COUNT];
	size_t nbvaults;
	struct bill_cell (*bvcell)[BM_COUNT]; /* per Backup vault */
	long rows, kept, purchases, other_months, item_rows;
};

/* What a money figure rests on (issue 13's labels), strongest first:
 * calibrated to a bill, sizes reported by Azure at the sheet's prices,
 * or sizes estimated from workload defaults. */
enum money_basis { MB_CALIBRATED, MB_REPORTED, MB_ESTIMATED, MB_COUNT };
extern const char *const money_basis_names[MB_COUNT];

/* The bill class of a meter (category and name as the export spells
 * them), or -1 when it is not an Azure Backup charge. */
int bill_meter_of(const char *category, const char *meter);

int bill_read(struct bill *b, const char *path, const struct snapshot *s,
	      struct err *e);

/* costs.csv of a snapshot (`export --costs`): the month's cost of the
 * vaults in scope as the Cost Management Query API reports it, one row
 * per resource and meter, in the columns of an actual-cost usage-details
 * export (Date, ResourceId, MeterCategory, MeterName, Quantity,
 * CostInBillingCurrency, BillingCurrency, ChargeType), so that bill_read
 * and any tool that reads such exports read it. */
struct cost_row {
	const char *date;        /* the month's first day, YYYY-MM-DD */
	const char *resource_id, *meter_category, *meter, *currency;
	double qty, cost;
};
extern const struct csv_schema bill_costs_schema;
void bill_put_cost(struct csv_writer *w, const struct cost_row *r);

/* Calls fn with each row of the snapshot's costs.csv, checked against
 * its manifest (strings valid during the call): 0, 1 when the snapshot
 * has none, or -1 on error (fn's or the file's). */
int bill_each_cost(const struct snapshot *s,
		   int (*fn)(void *ctx, const struct cost_row *r,
			     struct err *e),
		   void *ctx, struct err *e);

/* The snapshot's costs.csv, checked against its manifest, as the bill:
 * 0 with b filled, 1 when the snapshot has none (b empty), -1 on error. */
int bill_read_snapshot(struct bill *b, const struct snapshot *s,
		       struct err *e);
/* Whether the snapshot has a costs.csv (listed or present). */
bool bill_in_snapshot(const struct snapshot *s);
void bill_release(struct bill *b);

#endif
