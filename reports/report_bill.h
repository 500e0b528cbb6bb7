/* SPDX-License-Identifier: MIT
 * report_bill.h: the report's "The model against the bill" section, from
 * the plan's reconcile.csv (written when the plan had --costs): per vault,
 * billed against modelled once calibrated and before, and the largest
 * differences by meter with what explains them. */
#ifndef VW_REPORT_BILL_H
#define VW_REPORT_BILL_H

#include <stddef.h>

#include "err.h"
#include "util.h"

struct rep_bill_row {
	char *vault, *meter, *calibrated, *note;
	double billed, modelled, before; /* cost in the bill month */
};

struct rep_bill {
	struct rep_bill_row *rows; /* reconcile.csv's, in its order */
	size_t n, alloc;
	char month[8];
	double billed, modelled, before; /* over the vault totals */
};

struct report_data;

/* Reads plan_dir/reconcile.csv into d->bill; none (n = 0) when the plan
 * had no bill. */
int report_bill_load(struct report_data *d, struct err *e);
void report_bill_release(struct rep_bill *b);
void page_bill(struct strbuf *o, const struct report_data *d);

#endif
