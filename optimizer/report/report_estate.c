/* SPDX-License-Identifier: MIT
 * report_estate.c: the report's pass over a snapshot (storage and fees per
 * vault and policy now, protected-instance units for focus.csv) and the
 * vault and policy groups (now against the previous snapshot). Sizes and
 * prices follow the plan's rules (sizes.h, tiercost.h), so that the
 * figures equal plan/summary.csv's. Streams the points one item at a
 * time. Projects nothing: the months ahead are the plan's
 * (vault_months.csv, read by report_plan.c). Never prints. */
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* ---- the pass made ahead (run) ---- */

struct report_estate {
	char *prices_path;
	char currency[8];
	size_t nvaults, npolicies;
	struct rep_stats *vault, *policy;   /* + 1 each, as now_* */
	struct rep_vault_months *vm;        /* pi_units and pi_items */
	double estimated_gb;
};

void report_estate_free(struct report_estate *x)
{
	if (!x)
		return;
	free(x->prices_path);
	free(x->vault);
	free(x->policy);
	free(x->vm);
	free(x);
}

/* The sheet's currency for the plan: the one asked for, or the default
 * for s's vaults; NULL with e set when the sheet has none of it. */
static const char *plan_currency(const struct price_sheet *ps,
				 const struct snapshot *s,
				 const char *currency, struct err *e)
{
	const char *cur = currency
				  ? prices_currency(ps, currency)
				  : prices_default_currency(ps, s->vaults,
							    s->nvaults);

	if (!cur)
		err_set(e, EXIT_USAGE, "%s: no prices in %s", ps->path,
			currency ? currency : "any currency");
	return cur;
}

struct report_estate *report_estate_ahead(struct snapshot *s,
					  const char *prices_path,
					  const char *currency,
					  struct err *e)
{
	struct report_estate *x = xcalloc(1, sizeof(*x));
	struct report_data d;
	struct report_ctx c;
	const char *cur;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	c.d = &d;
	c.s = s;
	x->nvaults = s->nvaults;
	x->npolicies = s->npolicies;
	x->vault = xcalloc(s->nvaults + 1, sizeof(*x->vault));
	x->policy = xcalloc(s->npolicies + 1, sizeof(*x->policy));
	d.vm = xcalloc(s->nvaults + 1, sizeof(*d.vm));
	if (prices_load(&d.prices, prices_path, e) == 0 &&
	    (cur = plan_currency(&d.prices, s, currency, e))) {
		snprintf(d.currency, sizeof(d.currency), "%s", cur);
		snprintf(x->currency, sizeof(x->currency), "%s", cur);
		x->prices_path = xstrdup(d.prices.path);
		rc = report_estate_pass(&c, s, x->vault, x->policy, true, e);
	}
	x->vm = d.vm;
	x->estimated_gb = d.estimated_gb;
	prices_release(&d.prices);
	if (rc) {
		report_estate_free(x);
		return NULL;
	}
	return x;
}

/* Whether x was made for this report: the plan's sheet and currency. */
static bool estate_fits(const struct report_estate *x,
			const struct report_ctx *c)
{
	return x && x->nvaults == c->s->nvaults &&
	       x->npolicies == c->s->npolicies &&
	       strcmp(x->prices_path, c->d->prices.path) == 0 &&
	       strcmp(x->currency, c->d->currency) == 0;
}

int report_estate_now(struct report_ctx *c, struct err *e)
{
	const struct report_estate *x = c->o->estate;
	struct snapshot *s = c->s;
	struct rate_card *cards;
	int rc;

	if (!estate_fits(x, c))
		return report_estate_pass(c, s, c->now_vault, c->now_policy,
					  true, e);
	cards = xcalloc(s->nvaults + 1, sizeof(*cards));
	rc = rate_cards_for(cards, &c->d->prices, s, c->d->currency, e);
	for (size_t v = 0; !rc && v < s->nvaults; v++) {
		struct rep_vault_months *vm = &c->d->vm[v];
		vm->card = cards[v];
		memcpy(vm->pi_units, x->vm[v].pi_units, sizeof(vm->pi_units));
		memcpy(vm->pi_items, x->vm[v].pi_items, sizeof(vm->pi_items));
	}
	if (!rc) {
		memcpy(c->now_vault, x->vault,
		       (s->nvaults + 1) * sizeof(*x->vault));
		memcpy(c->now_policy, x->policy,
		       (s->npolicies + 1) * sizeof(*x->policy));
		c->d->estimated_gb += x->estimated_gb;
	}
	free(cards);
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
