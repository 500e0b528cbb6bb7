/* SPDX-License-Identifier: MIT
 * focus.h: focus.csv, the plan's projected cost in FOCUS 1.2 columns
 * (FinOps Open Cost and Usage Specification): one row per vault, month of
 * the plan's horizon and meter (vault-standard storage, vault-archive
 * storage, protected instances per workload). The 21 mandatory columns
 * come first, then the conditional ones used, then x_ columns.
 *
 * These are projections, not charges: BilledCost is 0 on every row (FOCUS
 * does not allow it to be null) and ListCost = ContractedCost =
 * EffectiveCost = ListUnitPrice x PricingQuantity carry the projected
 * cost at the price sheet's list prices (no negotiated discount known),
 * repeated in x_ProjectedMonthlyCost. Called by the report stage. */
#ifndef VW_FOCUS_H
#define VW_FOCUS_H

#include "err.h"
#include "report_data.h"

#define FOCUS_MANDATORY_COLUMNS 21

/* The column names in file order (NULL-terminated). */
extern const char *const focus_columns[];

/* Writes path (atomically); *rows gets the data row count. */
int focus_write(const struct report_data *d, const char *path, long *rows,
		struct err *e);

#endif
