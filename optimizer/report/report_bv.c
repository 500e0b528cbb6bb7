/* SPDX-License-Identifier: MIT
 * report_bv.c: the Backup vaults' cost for the report: per vault and in
 * total, each instance priced by models/cost/cost_bv.c at the plan's
 * price sheet and currency; what cannot be priced becomes a caveat. */
#include "optimizer/report/report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/util.h"

/* Adds each "; "-separated part of text to notes unless it is there
 * already: a vault's notes say each thing once. */
static void add_note(struct strbuf *notes, const char *text)
{
	while (*text) {
		const char *end = strstr(text, "; ");
		size_t n = end ? (size_t)(end - text) : strlen(text);
		char *part = xstrndup(text, n);

		if (!strstr(notes->buf, part))
			strbuf_addf(notes, "%s%s", notes->len ? "; " : "",
				    part);
		free(part);
		text += end ? n + 2 : n;
	}
}

static void add_part(double *sum, double part)
{
	if (!isnan(part))
		*sum += part;
}

static void add_instance(struct rep_bvault *b, const struct bv_cost *c,
			 const char *size_source, struct strbuf *notes)
{
	b->instances++;
	b->reported &= str_eq_ci(size_source, "reported");
	b->by_basis[c->basis]++;
	b->unpriced += !c->complete;
	add_part(&b->pi_fee, c->pi_fee);
	add_part(&b->vault_gb, c->vault_gb);
	add_part(&b->archive_gb, c->archive_gb);
	add_part(&b->vault_cost, c->vault_cost);
	add_part(&b->archive_cost, c->archive_cost);
	add_part(&b->snapshot_gb, c->snapshot_gb);
	add_part(&b->snapshot_cost, c->snapshot_cost);
	add_note(notes, c->note);
	if (c->std_row)
		b->std_row = c->std_row;
	if (c->arc_row)
		b->arc_row = c->arc_row;
	if (c->snap_row)
		b->snap_row = c->snap_row;
	if (c->pi_row) {
		int k = c->pi_row->meter == M_PI_PGSQL;
		b->pi_row[k] = c->pi_row;
		b->pi_n[k]++;
	}
}

static void add_vault(struct rep_bvault *t, const struct rep_bvault *b)
{
	t->instances += b->instances;
	for (int k = 0; k < BVB_COUNT; k++)
		t->by_basis[k] += b->by_basis[k];
	t->unpriced += b->unpriced;
	t->reported &= b->reported;
	t->pi_fee += b->pi_fee;
	t->vault_gb += b->vault_gb;
	t->archive_gb += b->archive_gb;
	t->vault_cost += b->vault_cost;
	t->archive_cost += b->archive_cost;
	t->snapshot_gb += b->snapshot_gb;
	t->snapshot_cost += b->snapshot_cost;
}

void report_bv_costs(struct report_ctx *c)
{
	struct report_data *d = c->d;
	const struct bv_tables *t = &c->s->bv;
	struct strbuf *notes = xcalloc(t->nvaults + 1, sizeof(*notes));

	d->nbvaults = t->nvaults;
	d->bvaults = xcalloc(t->nvaults + 1, sizeof(*d->bvaults));
	for (size_t v = 0; v < t->nvaults; v++) {
		d->bvaults[v].v = &t->vaults[v];
		d->bvaults[v].reported = true;
		notes[v] = (struct strbuf)STRBUF_INIT;
	}
	for (size_t i = 0; i < t->ninstances; i++) {
		const struct binstance *bi = &t->instances[i];
		const struct bpolicy *p =
			bi->policy_idx >= 0 ? &t->policies[bi->policy_idx]
					    : NULL;
		struct bv_cost cost;

		bv_instance_cost(&cost, &d->prices, d->currency,
				 &t->vaults[bi->vault_idx], bi, p);
		add_instance(&d->bvaults[bi->vault_idx], &cost,
			     bi->size_source, &notes[bi->vault_idx]);
	}
	memset(&d->bv_total, 0, sizeof(d->bv_total));
	d->bv_total.notes = xstrdup("");
	d->bv_total.reported = true;
	for (size_t v = 0; v < t->nvaults; v++) {
		d->bvaults[v].notes = strbuf_detach(&notes[v]);
		add_vault(&d->bv_total, &d->bvaults[v]);
	}
	free(notes);
	if (!d->bv_total.unpriced)
		return;
	d->caveat_weight = rep_bvault_total(&d->bv_total);
	report_data_add_caveat(
		d, "%ld of %ld Backup-vault instances are costed in part only "
		   "(a vault-store size not known, or a meter missing from "
		   "the sheet): vaults.csv's cost_note says what is left out",
		d->bv_total.unpriced, d->bv_total.instances);
}
