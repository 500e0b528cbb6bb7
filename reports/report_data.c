/* SPDX-License-Identifier: MIT
 * report_data.c: owning and freeing the report's figures (report_data.h). */
#include "reports/report_data.h"

#include <math.h>
#include <stdarg.h>

#include "optimizer/base/util.h"

const char *const rep_cause_names[CAUSE_COUNT] = {
	"new_items", "removed_items", "growth", "tier_moves", "prices"
};

const char *const rep_severity_names[REP_SEVERITIES] = { "high", "medium",
							 "low", "info" };

double rep_stats_total(const struct rep_stats *s)
{
	return s->std_cost + s->arc_cost + s->pi_cost;
}

double rep_calibrated_now(const struct report_data *d,
			  const struct rep_group *g)
{
	return d->bill.n && g->planned ? g->plan_now + g->plan_pi : NAN;
}

double rep_calibrated_total(const struct report_data *d,
			    const struct rep_group *g, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		if (g[i].presence != REP_REMOVED)
			sum += rep_calibrated_now(d, &g[i]);
	return sum;
}

double rep_bvault_total(const struct rep_bvault *b)
{
	return b->pi_fee + b->vault_cost + b->archive_cost;
}

void report_data_add_caveat(struct report_data *d, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < d->ncaveats; i++)
		if (strcmp(d->caveats[i], sb.buf) == 0) {
			d->caveat_money[i] += d->caveat_weight;
			strbuf_release(&sb);
			return;
		}
	d->caveats = xrealloc(d->caveats,
			      (d->ncaveats + 1) * sizeof(*d->caveats));
	d->caveat_money = xrealloc(d->caveat_money, (d->ncaveats + 1) *
						   sizeof(*d->caveat_money));
	d->caveat_money[d->ncaveats] = d->caveat_weight;
	d->caveats[d->ncaveats++] = strbuf_detach(&sb);
}

const struct rep_series *report_series(const struct report_data *d,
				       const char *name)
{
	for (size_t i = 0; i < d->nseries; i++)
		if (strcmp(d->series[i].name, name) == 0)
			return &d->series[i];
	return NULL;
}

static void release_series(struct report_data *d)
{
	for (size_t i = 0; i < d->nseries; i++) {
		struct rep_series *s = &d->series[i];
		free(s->name);
		free(s->month);
		free(s->std_gb);
		free(s->arc_gb);
		free(s->cost);
		free(s->pi);
	}
	free(d->series);
}

void rep_rpo_release(struct rep_rpo *rp)
{
	for (size_t i = 0; i < rp->ntargets; i++)
		free(rp->targets[i].target_id);
	free(rp->targets);
	for (size_t i = 0; i < rp->nlisted; i++) {
		struct rep_breach *b = &rp->listed[i];
		free(b->item);
		free(b->vault);
		free(b->target_id);
		free(b->tier);
		free(b->reason);
	}
	memset(rp, 0, sizeof(*rp));
}

static void release_lists(struct report_data *d)
{
	rep_rpo_release(&d->rpo);
	for (size_t i = 0; i < d->posture.nlisted; i++) {
		struct rep_finding *f = &d->posture.listed[i];
		free(f->vault);
		free(f->rule_id);
		free(f->evidence);
		free(f->fix);
	}
}

void report_data_release(struct report_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->levers.nlisted; i++) {
		free(d->levers.listed[i].lever);
		free(d->levers.listed[i].where);
		free(d->levers.listed[i].constraint);
	}
	for (size_t i = 0; i < d->reasons.nlisted; i++) {
		free(d->reasons.listed[i].code);
		free(d->reasons.listed[i].sentence);
	}
	release_series(d);
	release_lists(d);
	if (d->vm && d->s)
		for (size_t v = 0; v < d->s->nvaults; v++) {
			free(d->vm[v].std_gb);
			free(d->vm[v].arc_gb);
			free(d->vm[v].files_gb);
			free(d->vm[v].restore_cost);
			free(d->vm[v].restores);
		}
	free(d->vm);
	free(d->causes);
	free(d->vaults);
	free(d->policies);
	for (size_t i = 0; i < d->nbvaults; i++)
		free(d->bvaults[i].notes);
	free(d->bvaults);
	free(d->bv_total.notes);
	free(d->model.method);
	free(d->model.note);
	for (size_t i = 0; i < d->ncaveats; i++)
		free(d->caveats[i]);
	free(d->caveats);
	free(d->caveat_money);
	prices_release(&d->prices);
	report_bill_release(&d->bill);
	memset(d, 0, sizeof(*d));
}
