/* SPDX-License-Identifier: MIT
 * report_changes.h: with --previous, the month's change split by cause
 * (new items, removed items, growth, tier moves, prices: the report
 * stage's report_causes.c counts them), per vault and in total, with
 * what the causes leave unexplained, and the vaults' meters that doubled
 * or halved: changes.csv and the page's "why it changed". */
#ifndef VW_REPORT_CHANGES_H
#define VW_REPORT_CHANGES_H

#include "optimizer/base/err.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/util.h"
#include "reports/report_data.h"

/* A vault group's causes: d->causes' row, or all of a removed vault's
 * cost as removed items. */
void report_group_causes(const struct report_data *d,
			 const struct rep_group *g, struct rep_causes *out);
/* "doubled or more", "halved or less", or NULL (both under 1). */
const char *report_outlier(double then, double now);
/* changes.csv into dir; nothing without --previous. */
int report_changes_write(const struct report_data *d, struct outdir *dir,
			 struct err *e);
/* The changes section's "why it changed" table and outliers. */
void page_causes(struct strbuf *o, const struct report_data *d);

#endif
