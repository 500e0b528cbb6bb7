/* SPDX-License-Identifier: MIT
 * report_bill.h: what the report's money rests on: the section "The
 * model against the bill", from the plan's reconcile.csv (written when the
 * plan had --costs): per vault, billed against modelled once calibrated
 * and before, and the largest differences by meter with what explains
 * them; and the headline's word on storage sized by estimates. */
#ifndef VW_REPORT_BILL_H
#define VW_REPORT_BILL_H

#include <stddef.h>

#include "optimizer/base/err.h"
#include "optimizer/base/util.h"

struct rep_bill_row {
	char *vault, *meter, *calibrated, *note;
	char *vault_id, *unit;           /* "" when not given */
	double billed, modelled, before; /* cost in the bill month */
	double modelled_qty;             /* calibrated; NAN: none given */
	double billed_qty;               /* NAN: none given */
};

struct rep_bill {
	struct rep_bill_row *rows; /* reconcile.csv's, in its order */
	size_t n, alloc;
	char month[8];
	double billed, modelled, before; /* over the vault totals */
};

struct report_data;

/* Reads plan_dir/reconcile.csv into d->bill; none (n = 0) when the plan
 * had no bill. plan_dir is where the plan is now (d->plan_dir is the path
 * shown, which a staged run has not moved into place yet). */
int report_bill_load(struct report_data *d, const char *plan_dir,
		     struct err *e);
void report_bill_release(struct rep_bill *b);
void page_bill(struct strbuf *o, const struct report_data *d);
/* The report's cost now per month: the bill's total (the vaults' Backup
 * charges in its month) when the plan had a bill, else the snapshot's
 * storage and fees at the plan's prices; and, for the headline card's
 * detail, which of the two it is. */
double report_cost_now(const struct report_data *d);
void page_cost_now_basis(struct strbuf *o, const struct report_data *d);
/* When more than 10% of the storage now rests on estimated sizes (items
 * sized by workload defaults), a sentence with the share, for the
 * headline card's detail. */
void page_estimated_share(struct strbuf *o, const struct report_data *d);

/* What the figures the report prices itself rest on (the snapshots at
 * the sheet's list prices, never calibrated): "estimated" when any of
 * now's or prev's storage rests on estimated sizes, else "reported".
 * prev may be NULL. */
struct rep_stats;
const char *rep_sizes_basis(const struct rep_stats *now,
			    const struct rep_stats *prev);
/* The weaker of two bases (estimated, then reported, then calibrated;
 * NULL: not said, the other wins). */
const char *rep_weaker_basis(const char *a, const char *b);
/* A money table's <caption>: its basis (billed, calibrated, reported,
 * estimated; NULL: not said) and what that means for it (escaped). */
void page_basis_caption(struct strbuf *o, const char *basis,
			const char *why);

#endif
