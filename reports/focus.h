/* SPDX-License-Identifier: MIT
 * focus.h: focus.csv, cost incurred in FOCUS 1.2 columns (FinOps Open
 * Cost and Usage Specification), and forecast.csv, the plan's projected
 * cost in the same columns. The 21 mandatory columns come first, then the
 * conditional ones used, then x_ columns.
 *
 * focus.csv holds only what was charged, so that summing its EffectiveCost
 * never counts a projection: with no bill given, its header alone.
 *
 * forecast.csv has one row per vault, month of the plan's horizon and
 * meter (vault-standard storage, vault-archive storage, restores,
 * protected instances per workload). Its amounts are projections, so its
 * cost columns are x_ columns: x_ProjectedBilledCost is 0 on every row,
 * and x_ProjectedListCost = x_ProjectedContractedCost =
 * x_ProjectedEffectiveCost = ListUnitPrice x PricingQuantity carry the
 * projected cost at the price sheet's list prices (no negotiated discount
 * known), repeated in x_ProjectedMonthlyCost. Called by the report
 * stage. */
#ifndef VW_FOCUS_H
#define VW_FOCUS_H

#include "optimizer/base/err.h"
#include "reports/report_data.h"

#define FOCUS_MANDATORY_COLUMNS 21

/* The column names in file order (NULL-terminated). */
extern const char *const focus_columns[];
extern const char *const forecast_columns[];

/* Write path (atomically); *rows gets the data row count. */
int focus_write(const struct report_data *d, const char *path, long *rows,
		struct err *e);
int forecast_write(const struct report_data *d, const char *path,
		   long *rows, struct err *e);

#endif
