/* SPDX-License-Identifier: MIT
 * report.h: the report stage. Reads a snapshot and the plan directory made
 * from it (plan.json, summary.csv, strategies.csv, vault_months.csv,
 * plan.csv), optionally the previous month's snapshot, model.json
 * (`vaultwise fit`), rpo_rto.csv (`vaultwise check`) and posture.csv
 * (`vaultwise audit`), and writes the report directory atomically:
 *   report.html   one self-contained page for people (inline CSS and SVG,
 *                 no script, nothing fetched), printable, phone-readable;
 *   focus.csv     cost incurred in FOCUS 1.2 columns (header only when
 *                 no bill is given);
 *   forecast.csv  the plan's projected cost per vault, meter and month in
 *                 the same columns, its amounts in x_Projected* columns;
 *   vaults.csv    per vault: storage and fees now, the plan, and the
 *   policies.csv  change since the previous snapshot (per policy alike);
 *   restore_by_age.csv  with a model: the restore chart's figures.
 * Memory grows with vaults x months and policies, not with points: the
 * snapshot and plan.csv are streamed. Called by `vaultwise report`
 * (cmd_report.c) and `vaultwise run`. Never prints. */
#ifndef VW_REPORT_H
#define VW_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/plan_risk.h"
#include "optimizer/snapshot/snapshot.h"
#include "reports/report_data.h"

struct report_options {
	const char *plan_dir;     /* required: `vaultwise plan` output */
	const char *previous;     /* a snapshot a month older, or NULL */
	const char *model_path;   /* model.json, or NULL */
	const char *rpo_path;     /* rpo_rto.csv, or NULL */
	const char *audit_path; /* posture.csv, or NULL */
	/* FOCUS BillingAccountId/Name; NULL: the snapshot's tenant id */
	const char *billing_account;
	int top_n;                /* vaults and policies charted (others
				     summed); 0: 10 */
	/* run's staging directory and OUT: the page names a path under
	 * staged as the same path under shown, where it will be */
	const char *staged, *shown;
	/* run: the restore risk of the moves of the plan it has just
	 * written in plan_dir, so that plan.csv is not read again; NULL:
	 * plan.csv is read */
	const struct plan_risk *plan_risk;
	/* run: rpo_rto.csv's rows as check wrote them (report_rpo_add),
	 * taken over instead of reading rpo_path again; NULL: read it */
	struct rep_rpo *rpo_rows;
	/* run: the pass over the snapshot's points made while the plan ran
	 * (report_estate_ahead); used when plan.json names its price sheet
	 * and currency, else the report makes the pass. NULL: it makes it */
	const struct report_estate *estate;
};

/* The report's pass over s's points (storage and fees per vault and
 * policy now), made ahead with the price sheet at prices_path and the
 * currency the plan will take (currency, or the sheet's default for
 * s's vaults when NULL). NULL with e set when the sheet or currency
 * will not do: the report then makes the pass and says why. */
struct report_estate;
struct report_estate *report_estate_ahead(struct snapshot *s,
					  const char *prices_path,
					  const char *currency,
					  struct err *e);
void report_estate_free(struct report_estate *x);

/* One row of rpo_rto.csv into rp, v its values in the file's column
 * order (check writes them so): what reading the file would add. */
int report_rpo_add(struct rep_rpo *rp, const char *const *v,
		   struct err *e);

void report_options_init(struct report_options *o);

struct report_summary {
	char currency[8];
	double standard_cost, archive_cost, pi_cost; /* per month, now */
	double standard_gb, archive_gb;
	double avg_saving;        /* per month over the horizon */
	int horizon_months;
	/* of the points the plan moves (plan.csv): restores expected over
	 * their remaining lives and the expected cost of those from Archive;
	 * NAN: not assessed (the plan had no restore model) */
	long moved_points;
	double restores, restore_cost;
	bool has_previous;
	double previous_total;    /* per month, the previous snapshot */
	/* with --previous: the change by cause (reports/report_data.h) */
	double causes[CAUSE_COUNT];
	/* the plan's bill (reconcile.csv): its total and month, else 0, "" */
	double billed;
	char bill_month[8];
	long focus_rows;          /* charged (focus.csv) */
	long forecast_rows;       /* projected (forecast.csv) */
	bool restore_ages;        /* restore_by_age.csv written (a model) */
	char **caveats;           /* also shown on the page */
	size_t ncaveats;
};

/* Writes report.html, focus.csv, forecast.csv, vaults.csv and
 * policies.csv into out_dir (replaced as a whole, only if vaultwise made
 * it). s is evaluated at
 * s->as_of, which must be the plan's as_of. On failure nothing is written
 * and e says why: 65 bad input data (file, line, column), 66 an input
 * missing, 73/74 output. */
int report_run(struct snapshot *s, const struct report_options *o,
	       const char *out_dir, struct report_summary *out,
	       struct err *e);
void report_summary_release(struct report_summary *sum);

/* A few lines for a person: the headline and where the files are. */
void report_summary_print(FILE *out, const struct report_summary *sum,
			  const char *out_dir);

#endif
