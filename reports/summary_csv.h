/* SPDX-License-Identifier: MIT
 * summary_csv.h: vaults.csv and policies.csv of the report directory: one
 * row per vault (per policy), then a total row, with storage and fees now,
 * the plan's effect and, with --previous, the previous snapshot's figures
 * and the change; with a model, restore_by_age.csv (the figures of the
 * restore chart). Called by the report stage; never prints. */
#ifndef VW_SUMMARY_CSV_H
#define VW_SUMMARY_CSV_H

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "reports/report_data.h"

int summary_csv_write(const struct report_data *d, struct outdir *dir,
		      struct err *e);

#endif
