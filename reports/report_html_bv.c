/* SPDX-License-Identifier: MIT
 * report_html_bv.c: the report's "Cost of Backup vaults" section: per
 * Backup vault (Microsoft.DataProtection) its instances by basis, their
 * protected-instance fees and vault storage now, its disks' snapshots
 * (billed by Managed Disks, shown apart), and what is not priced
 * (vaults.csv's backup_vault rows, report_data.h struct rep_bvault);
 * with a bill, what each was billed (reconcile.csv's totals). */
#include "reports/report_html_internal.h"

#include <math.h>
#include <string.h>

static void basis_cell(struct strbuf *o, const struct rep_bvault *b)
{
	static const char *const words[BVB_COUNT] = {
		"vaulted", "operational (blobs)", "snapshot-based (disks)",
		"without a price-sheet meter"
	};
	bool first = true;

	for (int k = 0; k < BVB_COUNT; k++) {
		if (!b->by_basis[k])
			continue;
		strbuf_addf(o, "%s%ld %s", first ? "" : ", ", b->by_basis[k],
			    words[k]);
		first = false;
	}
}

/* What the bill charged a Backup vault (reconcile.csv's total row), or,
 * for name NULL, all of them; NAN without a bill. */
static double billed(const struct report_data *d, const char *name)
{
	double sum = 0;

	if (!d->bill.n)
		return NAN;
	for (size_t i = 0; i < d->bill.n; i++) {
		const struct rep_bill_row *r = &d->bill.rows[i];
		if (strcmp(r->meter, "total") != 0)
			continue;
		for (size_t v = 0; v < d->nbvaults; v++)
			if (strcmp(r->vault, d->bvaults[v].v->vault_name) == 0 &&
			    (!name || strcmp(name, r->vault) == 0))
				sum += r->billed;
	}
	return sum;
}

static void bv_row(struct strbuf *o, const struct report_data *d,
		   const struct rep_bvault *b, const char *name,
		   const char *cls)
{
	strbuf_addf(o, "<tr%s><td class=\"name\">", cls);
	html_escape(o, name);
	strbuf_addf(o, "</td><td class=\"n\">%ld</td><td>", b->instances);
	basis_cell(o, b);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, b->pi_fee, 2);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, b->vault_gb + b->archive_gb, 1);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, b->vault_cost + b->archive_cost, 2);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, rep_bvault_total(b), 2);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, b->snapshot_gb, 1);
	strbuf_adds(o, "</td><td class=\"n\">");
	html_number(o, b->snapshot_cost, 2);
	strbuf_addf(o, "</td><td class=\"n\">%ld</td>", b->unpriced);
	if (d->bill.n) {
		strbuf_adds(o, "<td class=\"n\">");
		html_number(o, billed(d, b->v ? name : NULL), 2);
		strbuf_adds(o, "</td>");
	}
	strbuf_adds(o, "</tr>\n");
}

static void bv_table(struct strbuf *o, const struct report_data *d)
{
	const char *cur = d->currency;

	strbuf_adds(o, "<div class=\"scroll\"><table>\n");
	page_basis_caption(o, d->bv_total.reported ? "reported" : "estimated",
			   "the instances' sizes at the price sheet's list "
			   "prices; what is not known is left out");
	strbuf_addf(o, "<thead><tr><th>Backup "
		       "vault</th><th class=\"n\">Instances</th><th>Basis"
		       "</th><th class=\"n\">Protected-instance fees<br><span "
		       "class=\"unit\">%s/month</span></th><th class=\"n\">"
		       "Vault storage<br><span class=\"unit\">GiB</span></th>"
		       "<th class=\"n\">Storage<br><span class=\"unit\">"
		       "%s/month</span></th><th class=\"n\">Now<br><span "
		       "class=\"unit\">%s/month</span></th><th class=\"n\">"
		       "Disk snapshots<br><span class=\"unit\">GiB</span>"
		       "</th><th class=\"n\">Disk snapshots, billed by "
		       "Managed Disks<br><span class=\"unit\">%s/month"
		       "</span></th><th class=\"n\">Not fully priced</th>",
		    cur, cur, cur, cur);
	if (d->bill.n)
		strbuf_addf(o, "<th class=\"n\">Billed in %s<br><span "
			       "class=\"unit\">%s</span></th>",
			    d->bill.month, cur);
	strbuf_adds(o, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->nbvaults; i++)
		bv_row(o, d, &d->bvaults[i], d->bvaults[i].v->vault_name, "");
	bv_row(o, d, &d->bv_total, "All Backup vaults",
	       " class=\"total\"");
	strbuf_adds(o, "</tbody></table></div>\n");
}

/* What each vault's figure rests on and leaves out (its notes). */
static void bv_notes(struct strbuf *o, const struct report_data *d)
{
	strbuf_adds(o, "<h3>What the figures rest on</h3>\n<ul>\n");
	for (size_t i = 0; i < d->nbvaults; i++) {
		const struct rep_bvault *b = &d->bvaults[i];
		if (!b->notes[0])
			continue;
		strbuf_adds(o, "<li>");
		html_escape(o, b->v->vault_name);
		strbuf_adds(o, ": ");
		html_escape(o, b->notes);
		strbuf_adds(o, "</li>\n");
	}
	strbuf_adds(o, "</ul>\n");
}

void page_bvaults(struct strbuf *o, const struct report_data *d)
{
	double rs = rep_stats_total(&d->total_now);
	double bv = rep_bvault_total(&d->bv_total);

	if (!d->nbvaults)
		return;
	page_section(o, "backup-vaults", "Cost of Backup vaults");
	strbuf_adds(o, "<p>Backup vaults (Microsoft.DataProtection) cost ");
	page_money(o, d, bv);
	strbuf_adds(o, " now, on top of the Recovery Services vaults' ");
	page_money(o, d, rs);
	strbuf_adds(o, ": ");
	page_money(o, d, rs + bv);
	strbuf_adds(o, " in all. Vaulted blobs and PostgreSQL flexible "
		       "servers pay a protected-instance fee and the vault's "
		       "storage; disk backups are incremental snapshots "
		       "billed by Managed Disks, and operational blob backup "
		       "is kept and billed in the storage account, so neither "
		       "costs Backup anything. The plan does not tier them "
		       "(none of these datasources has an Archive data "
		       "store). The disks' snapshots, part of what their "
		       "backup costs, add ");
	page_money(o, d, d->bv_total.snapshot_cost);
	strbuf_adds(o, " on the Managed Disks bill (left out where their "
		       "size is not known).</p>\n");
	if (d->bill.n) {
		strbuf_adds(o, "<p>Billed in ");
		html_escape(o, d->bill.month);
		strbuf_adds(o, ": ");
		page_money(o, d, billed(d, NULL));
		strbuf_adds(o, " for the Backup vaults, part of the cost now "
			       "as billed; the table's other figures are at the "
			       "price sheet's prices, and reconcile.csv has "
			       "them calibrated to the bill.</p>\n");
	}
	bv_table(o, d);
	bv_notes(o, d);
	page_source(o, "From <code>vaults.csv</code>: its backup_vault rows "
		       "and their backup_total (pi_cost, standard_gb + "
		       "archive_gb, standard_cost + archive_cost, total_cost;"
		       " cost_basis, cost_note), at the plan's price sheet.");
	strbuf_adds(o, "</section>\n");
}
