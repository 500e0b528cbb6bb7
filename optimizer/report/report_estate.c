/* SPDX-License-Identifier: MIT
 * report_estate.c: the report's pass over a snapshot (storage and fees per
 * vault and policy now, protected-instance units for focus.csv) and the
 * vault and policy groups (now against the previous snapshot). Sizes and
 * prices follow the plan's rules (sizes.h, tiercost.h), so that the
 * figures equal plan/summary.csv's. Streams the points one item at a
 * time. Projects nothing: the months ahead are the plan's
 * (vault_months.csv, read by report_plan.c). Never prints. */
#include <math.h>

#include "optimizer/report/report_internal.h"
#include "models/cost/sizes.h"
#include "optimizer/base/util.h"

/* ---- the pass ---- */

struct sample_pass {
	struct report_ctx *c;
	struct snapshot *s;
	struct rate_card *cards;       /* per vault of s */
	struct rep_stats *vault, *policy;
	bool current;
};

static struct rep_stats *policy_stats(struct sample_pass *p,
				      const struct item *it)
{
	size_t k = it->policy_idx >= 0 ? (size_t)it->policy_idx
				       : p->s->npolicies;
	return &p->policy[k];
}

static void add_money(struct sample_pass *p, const struct item *it,
		      double std_gb, double arc_gb)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct rep_stats *t[2] = { &p->vault[it->vault_idx],
				   policy_stats(p, it) };

	for (int i = 0; i < 2; i++) {
		t[i]->std_gb += std_gb;
		t[i]->arc_gb += arc_gb;
		t[i]->std_cost += std_gb * std_price_of(rc, it->workload);
		t[i]->arc_cost += arc_gb * rc->arc_gb_month;
		if (it->size_source == SS_ESTIMATED)
			t[i]->estimated_gb += std_gb + arc_gb;
	}
	if (p->current && it->size_source == SS_ESTIMATED)
		p->c->d->estimated_gb += std_gb + arc_gb;
}

/* The chain's base stays in Standard while the item has Standard points
 * (sizes.h). */
static void add_base(struct sample_pass *p, const struct item *it,
		     const struct rp *rps, size_t n)
{
	double gb = item_base_gb(it, rps, n);

	if (gb > 0)
		add_money(p, it, gb, 0);
}

static void add_point(struct sample_pass *p, const struct item *it,
		      const struct rp *rp)
{
	p->vault[it->vault_idx].points++;
	policy_stats(p, it)->points++;
	add_money(p, it, tier_in_standard(rp->tier) ? rp->unique_gb : 0,
		  tier_in_archive(rp->tier) ? rp->full_gb : 0);
}

static int sample_item(void *ctx, const struct item *it, const struct rp *rps,
		       size_t n, struct err *e)
{
	struct sample_pass *p = ctx;
	(void)e;

	add_base(p, it, rps, n);
	for (size_t i = 0; i < n; i++)
		add_point(p, it, &rps[i]);
	return 0;
}

/* Items count (and pay their fee) whether or not they have points. */
static void add_items(struct sample_pass *p)
{
	struct report_data *d = p->c->d;
	double *fees = xcalloc(p->s->nitems + 1, sizeof(*fees));

	pi_item_fees(p->s, p->cards, fees);
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		const struct rate_card *rc = &p->cards[it->vault_idx];
		double fee = fees[i];
		const struct price_row *unit = rc->row[pi_meter(it->workload)];
		struct rep_stats *t[2] = { &p->vault[it->vault_idx],
					   policy_stats(p, it) };

		for (int k = 0; k < 2; k++) {
			t[k]->items++;
			t[k]->pi_cost += fee;
		}
		if (p->current && unit && unit->price > 0) {
			struct rep_vault_months *vm = &d->vm[it->vault_idx];
			vm->pi_units[it->workload] += fee / unit->price;
			vm->pi_items[it->workload]++;
		}
	}
	free(fees);
}

int report_estate_pass(struct report_ctx *c, struct snapshot *s,
		       struct rep_stats *vault, struct rep_stats *policy,
		       bool current, struct err *e)
{
	struct sample_pass p = { c, s, NULL, vault, policy, current };
	int rc = -1;

	p.cards = xcalloc(s->nvaults + 1, sizeof(*p.cards));
	if (rate_cards_for(p.cards, &c->d->prices, s, c->d->currency, e))
		goto done;
	if (current)
		for (size_t v = 0; v < s->nvaults; v++)
			c->d->vm[v].card = p.cards[v];
	add_items(&p);
	rc = snapshot_each_item_rps(s, sample_item, &p, e);
done:
	free(p.cards);
	return rc;
}

/* ---- groups ---- */

static void add_stats(struct rep_stats *to, const struct rep_stats *s)
{
	to->items += s->items;
	to->points += s->points;
	to->std_gb += s->std_gb;
	to->arc_gb += s->arc_gb;
	to->std_cost += s->std_cost;
	to->arc_cost += s->arc_cost;
	to->pi_cost += s->pi_cost;
	to->estimated_gb += s->estimated_gb;
}

static struct rep_group *new_group(struct rep_group **arr, size_t *n,
				   size_t *alloc)
{
	struct rep_group *g;

	*arr = grow_array(*arr, sizeof(**arr), *n + 1, alloc);
	g = &(*arr)[(*n)++];
	memset(g, 0, sizeof(*g));
	g->workload = -1;
	g->restores = g->restore_cost = NAN;
	return g;
}

static void build_vaults(struct report_ctx *c)
{
	struct report_data *d = c->d;
	const struct snapshot *s = c->s, *p = c->has_prev ? &c->prev : NULL;
	size_t alloc = 0;

	for (size_t v = 0; v < s->nvaults; v++) {
		struct rep_group *g = new_group(&d->vaults, &d->nvaults,
						&alloc);
		const struct vault *sv = &s->vaults[v];
		long pv = p ? snapshot_find_vault(p, sv->vault_id) : -1;
		g->id = g->vault_id = sv->vault_id;
		g->name = g->vault_name = sv->vault_name;
		g->vault = sv;
		g->now = c->now_vault[v];
		g->restores = c->vault_restores[v];
		g->restore_cost = c->vault_restore_cost[v];
		g->presence = p && pv < 0 ? REP_NEW : REP_BOTH;
		if (pv >= 0) {
			g->prev = c->prev_vault[pv];
			g->prev_vault = &p->vaults[pv];
		}
	}
	for (size_t v = 0; p && v < p->nvaults; v++) {
		struct rep_group *g;
		if (snapshot_find_vault(s, p->vaults[v].vault_id) >= 0)
			continue;
		g = new_group(&d->vaults, &d->nvaults, &alloc);
		g->id = g->vault_id = p->vaults[v].vault_id;
		g->name = g->vault_name = p->vaults[v].vault_name;
		g->prev_vault = &p->vaults[v];
		g->prev = c->prev_vault[v];
		g->presence = REP_REMOVED;
	}
}

static void policy_group(struct rep_group *g, const struct snapshot *s,
			 long k)
{
	if (k < (long)s->npolicies) {
		const struct policy *pol = &s->policies[k];
		long v = snapshot_find_vault(s, pol->vault_id);
		g->id = pol->policy_id;
		g->name = pol->policy_name;
		g->workload = pol->workload;
		g->vault_id = pol->vault_id;
		if (v >= 0)
			g->vault_name = s->vaults[v].vault_name;
	} else {
		g->id = "";
		g->name = "(no policy: protection stopped)";
		g->vault_name = "";
		g->vault_id = "";
	}
}

static void build_policies(struct report_ctx *c)
{
	struct report_data *d = c->d;
	const struct snapshot *s = c->s, *p = c->has_prev ? &c->prev : NULL;
	size_t alloc = 0;

	for (size_t k = 0; k <= s->npolicies; k++) {
		struct rep_group *g;
		long pk = -1;
		bool none = k == s->npolicies;
		if (none && c->now_policy[k].items == 0 &&
		    (!p || c->prev_policy[p->npolicies].items == 0))
			continue;
		g = new_group(&d->policies, &d->npolicies, &alloc);
		policy_group(g, s, (long)k);
		g->now = c->now_policy[k];
		g->restores = c->policy_restores[k];
		g->restore_cost = c->policy_restore_cost[k];
		if (p)
			pk = none ? (long)p->npolicies
				  : snapshot_find_policy(p, g->id);
		g->presence = p && pk < 0 ? REP_NEW : REP_BOTH;
		if (pk >= 0)
			g->prev = c->prev_policy[pk];
	}
	for (size_t k = 0; p && k < p->npolicies; k++) {
		struct rep_group *g;
		if (snapshot_find_policy(s, p->policies[k].policy_id) >= 0)
			continue;
		g = new_group(&d->policies, &d->npolicies, &alloc);
		policy_group(g, p, (long)k);
		g->prev = c->prev_policy[k];
		g->presence = REP_REMOVED;
	}
}

void report_build_groups(struct report_ctx *c)
{
	struct report_data *d = c->d;

	build_vaults(c);
	build_policies(c);
	memset(&d->total_now, 0, sizeof(d->total_now));
	memset(&d->total_prev, 0, sizeof(d->total_prev));
	for (size_t i = 0; i < d->nvaults; i++) {
		add_stats(&d->total_now, &d->vaults[i].now);
		add_stats(&d->total_prev, &d->vaults[i].prev);
	}
}
