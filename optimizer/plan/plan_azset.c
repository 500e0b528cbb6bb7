/* SPDX-License-Identifier: MIT
 * plan_azset.c: Azure's recommended set of a VM item (the snapshot's
 * recommended_for_move) scored beside the plan's own runs (vmset.h):
 * the plan moves Azure's whole set when it is worth as much, else says
 * per item (vm_sets.csv) and per point (plan.csv's reason) why its set
 * differs and what the difference is worth. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "optimizer/plan/plan_internal.h"
#include "models/cost/decision.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const struct csv_column vm_set_cols[] = {
	{ "item_id", CSV_REQUIRED }, { "item_name", 0 }, { "vault_name", 0 },
	{ "azure_points", 0 }, { "azure_freed_gb", 0 },
	{ "azure_archive_gb", 0 }, { "azure_saving", 0 },
	{ "plan_points", 0 }, { "plan_freed_gb", 0 },
	{ "plan_archive_gb", 0 }, { "plan_saving", 0 },
	{ "difference", 0 }, { "currency", 0 }, { "basis", 0 },
	{ "relation", 0 }, { "reason", 0 },
};
static const struct csv_schema vm_set_schema = {
	"vm_sets.csv", vm_set_cols, ARRAY_SIZE(vm_set_cols)
};

struct vm_set_row {
	const struct item *it;
	struct vmset_value az, plan;
	const char *relation;
	char reason[480];
};

/* How long point i stays archived if it moves as soon as it may. */
static double archived_months(const struct plan_ctx *p,
			      const struct rp *rp,
			      const struct eligibility *el)
{
	int64_t from = el->from > p->now ? el->from : p->now;
	int64_t end = rp->expiry_time != TIME_NONE ? rp->expiry_time
						   : p->proj.h.end;

	return end > from ? (double)(end - from) / DAY_S / DAYS_PER_MONTH : 0;
}

static void grow(struct azsets *a, size_t n)
{
	if (n <= a->alloc)
		return;
	a->alloc = n;
	a->in_az = xrealloc(a->in_az, n * sizeof(*a->in_az));
	a->in_plan = xrealloc(a->in_plan, n * sizeof(*a->in_plan));
	a->months = xrealloc(a->months, n * sizeof(*a->months));
	a->freed = xrealloc(a->freed, n * sizeof(*a->freed));
}

struct set_diff {
	size_t only_az, only_plan, held; /* held: Azure's, may not move */
};

static const char *relation(const struct vm_set_row *r,
			    const struct set_diff *d)
{
	if (!d->only_az && !d->only_plan)
		return "same";
	if (!r->plan.points)
		return "kept";
	if (!d->only_plan)
		return "subset";
	if (!d->only_az)
		return "superset";
	return "different";
}

static void explain(const struct plan_ctx *p, struct vm_set_row *r,
		    const struct set_diff *d)
{
	double diff = r->plan.worth - r->az.worth;
	char held[160] = "", out[200] = "", in[240] = "";

	if (!strcmp(r->relation, "same") || !strcmp(r->relation, "adopted")) {
		strfmt(r->reason, sizeof(r->reason),
		       "the plan moves Azure's whole set%s",
		       *r->relation == 'a' ? ", worth as much as the plan's "
					     "own runs or more"
					   : "");
		return;
	}
	if (d->held)
		strfmt(held, sizeof(held),
		       "%zu of Azure's points may not move in the plan's "
		       "model (dependent daily or weekly points, an RTO "
		       "target, or past their last move date); ",
		       d->held);
	if (d->only_az > d->held)
		strfmt(out, sizeof(out),
		       "%zu of Azure's %zu points stay: moved%s, they would "
		       "cost more in Archive (full copies) than they free in "
		       "Standard; ",
		       d->only_az - d->held, r->az.points,
		       r->plan.points ? " with the plan's runs" : "");
	if (d->only_plan)
		strfmt(in, sizeof(in),
		       r->az.points
			       ? "the plan also moves %zu points Azure's set "
				 "leaves out: moved with their neighbours they "
				 "free more in Standard than their Archive "
				 "copies cost; "
			       : "Azure recommends none of its points, yet %zu "
				 "moved together free more in Standard than "
				 "their Archive copies cost; ",
		       d->only_plan);
	strfmt(r->reason, sizeof(r->reason),
	       "%s%s%sthe plan's set is worth %.2f %s %s than Azure's over "
	       "the points' lives (estimated)",
	       held, out, in, fabs(diff), p->currency,
	       diff >= 0 ? "more" : "less");
}

/* Which of the item's archivable points TierRecommended is projected
 * for from Azure's set and which from the local model, per policy and
 * in all (the last slot). */
static void count_tier_basis(struct plan_ctx *p, const struct item *it,
			     const struct rp *rps, size_t n)
{
	struct azsets *a = &p->az;
	size_t all = p->s->npolicies;

	if (!a->tr_azure) {
		a->tr_azure = xcalloc(all + 1, sizeof(*a->tr_azure));
		a->tr_local = xcalloc(all + 1, sizeof(*a->tr_local));
	}
	for (size_t i = 0; i < n; i++) {
		long *c = rps[i].recommended ? a->tr_azure : a->tr_local;
		if (!archivable_kind(it->workload, rps[i].kind))
			continue;
		c[all]++;
		if (it->policy_idx >= 0)
			c[it->policy_idx]++;
	}
}

/* After vmset_score: Azure's set, when asked, as a candidate. */
void azset_item(struct plan_ctx *p, const struct item *it,
		const struct rp *rps, size_t n)
{
	struct azsets *a = &p->az;
	struct item_work *w = &p->work;
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct set_diff d = { 0 };
	struct vm_set_row *r;
	bool asked = false;

	a->current = NULL;
	if (it->workload != WL_VM)
		return;
	count_tier_basis(p, it, rps, n);
	for (size_t i = 0; i < n; i++)
		asked = asked || rps[i].recommended != 0;
	if (!asked)
		return;
	grow(a, n);
	for (size_t i = 0; i < n; i++) {
		a->in_az[i] = rps[i].recommended > 0;
		a->in_plan[i] = !isnan(w->freed[i]);
		a->months[i] = w->candidate[i]
				       ? archived_months(p, &rps[i], &w->el[i])
				       : 0;
	}
	a->rows = grow_array(a->rows, sizeof(*a->rows), a->n + 1,
			     &a->rows_alloc);
	r = &a->rows[a->n++];
	memset(r, 0, sizeof(*r));
	r->it = it;
	vmset_value(it, rps, n, a->in_plan, a->months, rc->std_gb_month,
		    rc->arc_gb_month, w->refills, a->freed, &r->plan);
	vmset_value(it, rps, n, a->in_az, a->months, rc->std_gb_month,
		    rc->arc_gb_month, w->refills, a->freed, &r->az);
	for (size_t i = 0; i < n; i++) {
		bool az = !isnan(a->freed[i]);
		d.held += az && !w->candidate[i];
		d.only_az += az && !a->in_plan[i];
		d.only_plan += a->in_plan[i] && !az;
	}
	r->relation = relation(r, &d);
	if (strcmp(r->relation, "same") && r->az.points && !d.held &&
	    r->az.worth >= r->plan.worth - 0.005) {
		/* Azure's set is worth as much: it is the one that moves */
		memcpy(w->freed, a->freed, n * sizeof(*w->freed));
		w->set.chosen = r->az.points;
		r->relation = "adopted";
	}
	explain(p, r, &d);
	a->current = r;
}

/* plan.csv's reason for a point whose place differs between Azure's set
 * and what the plan does with it. */
void azset_note(const struct plan_ctx *p, const struct rp *rp,
		bool in_plan_set, struct decision *d)
{
	const struct vm_set_row *r = p->az.current;
	bool moves = d->action == ACT_MOVE_NOW || d->action == ACT_MOVE_ON;
	size_t len;

	if (!r || rp->recommended == 0 || (rp->recommended > 0) == moves)
		return;
	d->says_more = true;
	decision_say(d);
	len = strlen(d->reason);
	if (rp->recommended > 0 && in_plan_set)
		strfmt(d->reason + len, sizeof(d->reason) - len,
		       "; in Azure's recommended set, which moves without "
		       "it for the reason above");
	else
		strfmt(d->reason + len, sizeof(d->reason) - len,
		       "; %s Azure's recommended set (%s, vm_sets.csv): %s",
		       rp->recommended > 0 ? "in" : "not in", r->relation,
		       r->reason);
}

const char *azset_tier_basis(struct plan_ctx *p, long pi)
{
	struct azsets *a = &p->az;
	size_t k = pi < 0 ? p->s->npolicies : (size_t)pi;
	long az = a->tr_azure ? a->tr_azure[k] : 0,
	     local = a->tr_local ? a->tr_local[k] : 0;

	if (!az && !local)
		return "";
	if (!az)
		strfmt(a->basis, sizeof(a->basis),
		       "the local model of Azure's recommendation (%ld VM "
		       "points; the snapshot has no recommended sets)",
		       local);
	else if (!local)
		strfmt(a->basis, sizeof(a->basis),
		       "Azure's recommended sets (all %ld VM points)", az);
	else
		strfmt(a->basis, sizeof(a->basis),
		       "Azure's recommended sets for %ld of %ld VM points, the "
		       "local model of its recommendation for the rest",
		       az, az + local);
	return a->basis;
}

void azset_say_tier_basis(struct plan_ctx *p, const struct policy *pol,
			  const struct setting *best, char *reason,
			  size_t size)
{
	size_t len = strlen(reason);
	const char *basis;

	if (pol->workload != WL_VM ||
	    (pol->tiering_mode != TM_TIERRECOMMENDED &&
	     (!best || best->mode != TM_TIERRECOMMENDED)))
		return;
	basis = azset_tier_basis(p, pol - p->s->policies);
	if (*basis)
		strfmt(reason + len, size - len,
		       "; TierRecommended projected from %s", basis);
}

int plan_write_vm_sets(struct plan_ctx *p, struct outdir *dir,
		       struct err *e)
{
	char *path = outdir_file(dir, "vm_sets.csv");
	struct csv_writer *w = csv_writer_open(path, &vm_set_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < p->az.n; i++) {
		const struct vm_set_row *r = &p->az.rows[i];

		csv_put(w, r->it->item_id);
		csv_put(w, r->it->item_name);
		csv_put(w, p->s->vaults[r->it->vault_idx].vault_name);
		csv_put_long(w, (long)r->az.points);
		csv_put_double(w, r->az.freed_gb, 3);
		csv_put_double(w, r->az.full_gb, 3);
		csv_put_double(w, r->az.worth, 2);
		csv_put_long(w, (long)r->plan.points);
		csv_put_double(w, r->plan.freed_gb, 3);
		csv_put_double(w, r->plan.full_gb, 3);
		csv_put_double(w, r->plan.worth, 2);
		csv_put_double(w, r->plan.worth - r->az.worth, 2);
		csv_put(w, p->currency);
		csv_put(w, plan_basis(p, (long)r->it->vault_idx));
		csv_put(w, r->relation);
		csv_put(w, r->reason);
		csv_end_row(w);
	}
	return csv_writer_commit(w, NULL, e);
}

void azsets_release(struct azsets *a)
{
	free(a->rows);
	free(a->in_az);
	free(a->in_plan);
	free(a->months);
	free(a->freed);
	free(a->tr_azure);
	free(a->tr_local);
	memset(a, 0, sizeof(*a));
}
