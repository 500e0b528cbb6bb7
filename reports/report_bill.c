/* SPDX-License-Identifier: MIT
 * report_bill.c: "The model against the bill" (report_bill.h). */
#include "reports/report_bill.h"

#include <math.h>
#include <unistd.h>

#include "optimizer/base/csvio.h"
#include "optimizer/snapshot/bill.h"
#include "reports/report_html_internal.h"

enum { B_VAULT, B_METER, B_BILLED, B_MODELLED, B_MONTH, B_CALIBRATED,
       B_NOTE, B_BEFORE, B_MQTY, B_VID, B_UNIT, B_BQTY, B_NCOLS };
static const struct csv_column bill_cols[] = {
	{ "vault_name", CSV_REQUIRED }, { "meter", CSV_REQUIRED },
	{ "billed_cost", CSV_REQUIRED }, { "modelled_cost", CSV_REQUIRED },
	{ "bill_month", CSV_REQUIRED }, { "calibrated", CSV_REQUIRED },
	{ "note", 0 }, { "uncalibrated_cost", CSV_REQUIRED },
	{ "modelled_qty", 0 }, { "vault_id", 0 }, { "unit", 0 },
	{ "billed_qty", 0 },
};
static const struct csv_schema bill_schema = { "reconcile.csv", bill_cols,
					       B_NCOLS };

static int bill_row(void *ctx, const struct csv_row *r, struct err *e)
{
	struct rep_bill *b = ctx;
	struct rep_bill_row row = { 0 };

	row.modelled_qty = row.billed_qty = NAN;
	if (row_double(r, B_MQTY, ROW_OPTIONAL, -1e15, 1e15,
		       &row.modelled_qty, e) ||
	    row_double(r, B_BQTY, ROW_OPTIONAL, -1e15, 1e15,
		       &row.billed_qty, e) ||
	    row_double(r, B_BILLED, 0, -1e15, 1e15, &row.billed, e) ||
	    row_double(r, B_MODELLED, 0, -1e15, 1e15, &row.modelled, e) ||
	    row_double(r, B_BEFORE, 0, -1e15, 1e15, &row.before, e))
		return -1;
	row.vault = xstrdup(r->val[B_VAULT]);
	row.meter = xstrdup(r->val[B_METER]);
	row.vault_id = xstrdup(r->val[B_VID]);
	row.unit = xstrdup(r->val[B_UNIT]);
	row.calibrated = xstrdup(r->val[B_CALIBRATED]);
	row.note = xstrdup(r->val[B_NOTE]);
	snprintf(b->month, sizeof(b->month), "%s", r->val[B_MONTH]);
	if (strcmp(row.meter, "total") == 0) {
		b->billed += row.billed;
		b->modelled += row.modelled;
		b->before += row.before;
	}
	b->rows = grow_array(b->rows, sizeof(row), b->n + 1, &b->alloc);
	b->rows[b->n++] = row;
	return 0;
}

int report_bill_load(struct report_data *d, const char *plan_dir,
		     struct err *e)
{
	char *path = path_join(plan_dir, "reconcile.csv");
	int rc = 0;

	if (access(path, F_OK) == 0)
		rc = csv_read(path, &bill_schema, bill_row, &d->bill, NULL, e);
	free(path);
	return rc;
}

void report_bill_release(struct rep_bill *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->rows[i].vault);
		free(b->rows[i].meter);
		free(b->rows[i].vault_id);
		free(b->rows[i].unit);
		free(b->rows[i].calibrated);
		free(b->rows[i].note);
	}
	free(b->rows);
	memset(b, 0, sizeof(*b));
}

static void pct_cell(struct strbuf *o, double model, double billed)
{
	strbuf_adds(o, "<td class=\"n\">");
	if (billed != 0)
		html_escapef(o, "%+.1f%%", 100 * (model - billed) / billed);
	strbuf_adds(o, "</td>");
}

static void money_cell(struct strbuf *o, double v)
{
	strbuf_adds(o, "<td class=\"n\">");
	html_number(o, v, 2);
	strbuf_adds(o, "</td>");
}

static void vault_table(struct strbuf *o, const struct report_data *d)
{
	const struct rep_bill *b = &d->bill;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n");
	page_basis_caption(o, "billed",
			   "the bill month's charges; the model beside them "
			   "is calibrated to them, and estimated or reported "
			   "before calibration");
	strbuf_adds(o, "<tr><th>Vault</th><th class=\"n\">Billed</th>"
		       "<th class=\"n\">Model</th><th class=\"n\">Difference"
		       "</th>"
		       "<th class=\"n\">Before calibration</th>"
		       "<th>Calibrated</th></tr>\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct rep_bill_row *r = &b->rows[i];
		if (strcmp(r->meter, "total"))
			continue;
		strbuf_adds(o, "<tr><td class=\"name\">");
		html_escape(o, r->vault);
		strbuf_adds(o, "</td>");
		money_cell(o, r->billed);
		money_cell(o, r->modelled);
		pct_cell(o, r->modelled, r->billed);
		pct_cell(o, r->before, r->billed);
		strbuf_adds(o, "<td>");
		html_escape(o, r->calibrated);
		strbuf_adds(o, "</td></tr>\n");
	}
	strbuf_adds(o, "</table></div>\n");
}

static int cmp_gap_desc(const void *a, const void *b)
{
	const struct rep_bill_row *x = *(const struct rep_bill_row *const *)a;
	const struct rep_bill_row *y = *(const struct rep_bill_row *const *)b;
	double gx = fabs(x->modelled - x->billed);
	double gy = fabs(y->modelled - y->billed);

	return gx < gy ? 1 : gx > gy ? -1 : 0;
}

/* The three meters the model misses most, with what explains each. */
static void largest(struct strbuf *o, const struct report_data *d)
{
	const struct rep_bill *b = &d->bill;
	const struct rep_bill_row **v = xcalloc(b->n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->rows[i].meter, "total") &&
		    fabs(b->rows[i].modelled - b->rows[i].billed) >= 0.005)
			v[n++] = &b->rows[i];
	qsort(v, n, sizeof(*v), cmp_gap_desc);
	if (n == 0)
		strbuf_adds(o, "<p>Once calibrated, the model meets the bill "
			       "on every meter to the cent.</p>\n");
	else
		strbuf_adds(o, "<p>The largest differences:</p>\n<ul>\n");
	for (size_t i = 0; i < n && i < 3; i++) {
		strbuf_adds(o, "<li>");
		html_escapef(o, "%s, %s: billed ", v[i]->vault, v[i]->meter);
		html_number(o, v[i]->billed, 2);
		strbuf_adds(o, ", modelled ");
		html_number(o, v[i]->modelled, 2);
		html_escapef(o, " %s%s%s", d->currency,
			     v[i]->note[0] ? ": " : "", v[i]->note);
		strbuf_adds(o, "</li>\n");
	}
	if (n)
		strbuf_adds(o, "</ul>\n");
	free(v);
}

void page_bill(struct strbuf *o, const struct report_data *d)
{
	const struct rep_bill *b = &d->bill;

	page_section(o, "bill", "The model against the bill");
	if (b->n == 0) {
		strbuf_adds(o, "<p>No bill was given. Add a Cost Management "
			       "export (FOCUS or actual-cost usage details, "
			       "plain or gzip) with <code>--costs FILE</code> "
			       "to <code>plan</code> or <code>run</code>: the "
			       "model is then calibrated to it and set against "
			       "it here.</p>\n");
		page_source(o, "From <code>plan/reconcile.csv</code>, which "
			       "the plan writes when given a bill.");
		strbuf_adds(o, "</section>\n");
		return;
	}
	strbuf_adds(o, "<p>Cost now, as billed in ");
	html_escape(o, b->month);
	strbuf_adds(o, ": <strong>");
	page_money(o, d, b->billed);
	strbuf_adds(o, "</strong> for the vaults' Azure Backup meters; the "
		       "model, calibrated to that bill, says ");
	page_money(o, d, b->modelled);
	strbuf_adds(o, ", and said ");
	page_money(o, d, b->before);
	strbuf_adds(o, " before calibration.</p>\n");
	vault_table(o, d);
	largest(o, d);
	page_source(o, "From <code>plan/reconcile.csv</code>: per vault and "
		       "meter, the bill month's charges against the plan's "
		       "month now.");
	strbuf_adds(o, "</section>\n");
}

void page_estimated_share(struct strbuf *o, const struct report_data *d)
{
	double gb = d->total_now.std_gb + d->total_now.arc_gb;
	double share = gb > 0 ? d->estimated_gb / gb : 0;

	if (share <= 0.10)
		return;
	strbuf_adds(o, " <strong>");
	html_escapef(o, "%.0f%%", 100 * share);
	strbuf_adds(o, " of the storage rests on estimated sizes</strong> "
		       "(workload defaults): export with <code>--sizes"
		       "</code>, or give a bill with <code>--costs</code> "
		       "to calibrate the plan.");
}

double report_cost_now(const struct report_data *d)
{
	return d->bill.n ? d->bill.billed : rep_stats_total(&d->total_now);
}

void page_cost_now_basis(struct strbuf *o, const struct report_data *d)
{
	if (!d->bill.n)
		return;
	strbuf_adds(o, " Billed in ");
	html_escape(o, d->bill.month);
	strbuf_adds(o, "; the snapshot at list prices says ");
	page_money(o, d, rep_stats_total(&d->total_now));
	strbuf_adds(o, ".");
}

const char *rep_sizes_basis(const struct rep_stats *now,
			    const struct rep_stats *prev)
{
	bool estimated = now->estimated_gb > 0 ||
			 (prev && prev->estimated_gb > 0);

	return money_basis_names[estimated ? MB_ESTIMATED : MB_REPORTED];
}

static int basis_rank(const char *basis)
{
	for (int k = 0; basis && k < MB_COUNT; k++)
		if (strcmp(basis, money_basis_names[k]) == 0)
			return k;
	return -1;
}

const char *rep_weaker_basis(const char *a, const char *b)
{
	return basis_rank(b) > basis_rank(a) ? b : a;
}

void page_basis_caption(struct strbuf *o, const char *basis,
			const char *why)
{
	strbuf_adds(o, "<caption>Basis: <strong class=\"basis\">");
	html_escape(o, basis ? basis : "not said");
	strbuf_adds(o, "</strong>: ");
	html_escape(o, why);
	strbuf_adds(o, "</caption>\n");
}
