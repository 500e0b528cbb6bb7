/* SPDX-License-Identifier: MIT
 * report_estate.c: the report's pass over a snapshot (storage and fees per
 * vault and policy, the points plan.csv does not list into the per-vault
 * projections), the vault and policy groups (now against the previous
 * snapshot) and the per-vault months focus.csv reports. Sizes and prices
 * follow the plan's rules (sizes.h, tiercost.h), so that the figures equal
 * plan/summary.csv's. Streams the points one item at a time. Never prints. */
#include <math.h>

#include "archive_rules.h"
#include "report_internal.h"
#include "sizes.h"
#include "tiercost.h"
#include "timeutil.h"
#include "util.h"

/* ---- the pass ---- */

struct estate_pass {
	struct report_ctx *c;
	struct snapshot *s;
	struct rate_card *cards;       /* per vault of s */
	struct rep_stats *vault, *policy;
	bool current;
};

bool report_item_refills(const struct item *it)
{
	return it->policy_idx >= 0 &&
	       (str_eq_ci(it->protection_state, "Protected") ||
		str_eq_ci(it->protection_state, "IRPending") ||
		str_eq_ci(it->protection_state, "ProtectionError"));
}

static struct rep_stats *policy_stats(struct estate_pass *p,
				      const struct item *it)
{
	size_t k = it->policy_idx >= 0 ? (size_t)it->policy_idx
				       : p->s->npolicies;
	return &p->policy[k];
}

static void add_money(struct estate_pass *p, const struct item *it,
		      double std_gb, double arc_gb)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct rep_stats *t[2] = { &p->vault[it->vault_idx],
				   policy_stats(p, it) };

	for (int i = 0; i < 2; i++) {
		t[i]->std_gb += std_gb;
		t[i]->arc_gb += arc_gb;
		t[i]->std_cost += std_gb * rc->std_gb_month;
		t[i]->arc_cost += arc_gb * rc->arc_gb_month;
	}
}

static int64_t last_standard_expiry(const struct rp *rps, size_t n)
{
	int64_t last = INT64_MIN;

	for (size_t i = 0; i < n; i++) {
		if (!tier_in_standard(rps[i].tier))
			continue;
		if (rps[i].expiry_time == TIME_NONE)
			return TIME_NONE;
		if (rps[i].expiry_time > last)
			last = rps[i].expiry_time;
	}
	return last;
}

static void project_fixed(struct estate_pass *p, const struct item *it,
			  const struct slot *sl)
{
	struct slot_moves none = { TIME_NONE, -1 };

	projection_add(report_projection(p->c, it->vault_idx), STRAT_PLAN, sl,
		       &none);
}

/* The chain's base stays in Standard while the item has Standard points
 * (sizes.h), for good while the item is protected. */
static void add_base(struct estate_pass *p, const struct item *it,
		     const struct rp *rps, size_t n)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	double gb = item_base_gb(it, rps, n);
	struct slot sl = { 0 };

	if (gb <= 0)
		return;
	add_money(p, it, gb, 0);
	if (!p->current)
		return;
	sl.rp_time = p->s->as_of;
	sl.expiry = report_item_refills(it) ? TIME_NONE
				     : last_standard_expiry(rps, n);
	sl.in_standard = true;
	sl.std_gb = gb;
	sl.std_gb_month = rc->std_gb_month;
	project_fixed(p, it, &sl);
}

static void add_point(struct estate_pass *p, const struct item *it,
		      const struct rp *rp)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct slot sl = { 0 };

	p->vault[it->vault_idx].points++;
	policy_stats(p, it)->points++;
	add_money(p, it, tier_in_standard(rp->tier) ? rp->unique_gb : 0,
		  tier_in_archive(rp->tier) ? rp->full_gb : 0);
	/* plan.csv lists the archivable points, with their moves */
	if (!p->current || archivable_kind(it->workload, rp->kind))
		return;
	sl.rp_time = rp->rp_time;
	sl.expiry = rp->expiry_time;
	sl.refills = report_item_refills(it);
	sl.in_archive = tier_in_archive(rp->tier);
	sl.in_standard = tier_in_standard(rp->tier);
	sl.std_gb = rp->unique_gb;
	sl.arc_gb = rp->full_gb;
	sl.std_gb_month = rc->std_gb_month;
	sl.arc_gb_month = rc->arc_gb_month;
	project_fixed(p, it, &sl);
}

static int estate_item(void *ctx, const struct item *it, const struct rp *rps,
		       size_t n, struct err *e)
{
	struct estate_pass *p = ctx;
	(void)e;

	add_base(p, it, rps, n);
	for (size_t i = 0; i < n; i++)
		add_point(p, it, &rps[i]);
	return 0;
}

/* The price row of a workload's protected-instance fee (as prices.c). */
static const struct price_row *pi_price(const struct rate_card *rc,
					int workload)
{
	static const int meter[WL_COUNT] = { M_PI_VM, M_PI_SQL, M_PI_HANA,
					     M_PI_FILES };
	const struct price_row *r = rc->row[meter[workload]];

	return r ? r : rc->row[M_PI_VM];
}

/* Items count (and pay their fee) whether or not they have points. */
static void add_items(struct estate_pass *p)
{
	struct report_data *d = p->c->d;

	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		const struct rate_card *rc = &p->cards[it->vault_idx];
		double fee = pi_monthly_fee(rc, it->workload, it->source_gb);
		const struct price_row *unit = pi_price(rc, it->workload);
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
}

int report_estate_pass(struct report_ctx *c, struct snapshot *s,
		       struct rep_stats *vault, struct rep_stats *policy,
		       bool current, struct err *e)
{
	struct estate_pass p = { c, s, NULL, vault, policy, current };
	int rc = -1;

	p.cards = xcalloc(s->nvaults + 1, sizeof(*p.cards));
	for (size_t v = 0; v < s->nvaults; v++)
		if (rate_card_for(&p.cards[v], &c->d->prices, &s->vaults[v],
				  c->d->currency, e))
			goto done;
	if (current)
		for (size_t v = 0; v < s->nvaults; v++)
			c->d->vm[v].card = p.cards[v];
	add_items(&p);
	rc = snapshot_each_item_rps(s, estate_item, &p, e);
done:
	free(p.cards);
	return rc;
}

struct projection *report_projection(struct report_ctx *c, size_t vault)
{
	if (!c->proj[vault]) {
		c->proj[vault] = xmalloc(sizeof(**c->proj));
		projection_init(c->proj[vault], c->d->as_of, c->d->h.months);
	}
	return c->proj[vault];
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
}

static struct rep_group *new_group(struct rep_group **arr, size_t *n,
				   size_t *alloc)
{
	struct rep_group *g;

	*arr = grow_array(*arr, sizeof(**arr), *n + 1, alloc);
	g = &(*arr)[(*n)++];
	memset(g, 0, sizeof(*g));
	g->workload = -1;
	g->restores = NAN;
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

/* ---- months for focus.csv ---- */

static double month_gap(const struct report_data *d, int m, double cost)
{
	const struct rep_series *plan = report_series(d, "plan");
	double want;

	if (!plan || (size_t)m >= plan->n)
		return 0;
	want = plan->cost[m];
	if (fabs(want) < 0.01)
		return fabs(cost - want) < 0.01 ? 0 : 1;
	return fabs(cost - want) / fabs(want);
}

void report_finish_months(struct report_ctx *c)
{
	struct report_data *d = c->d;
	int months = d->h.months;

	for (size_t v = 0; v < c->s->nvaults; v++) {
		struct rep_vault_months *vm = &d->vm[v];
		vm->std_qty = xcalloc((size_t)months, sizeof(double));
		vm->arc_qty = xcalloc((size_t)months, sizeof(double));
		for (int m = 0; m < months && c->proj[v]; m++) {
			struct month_total mt;
			double days = (double)(d->h.month_start[m + 1] -
					       d->h.month_start[m]) /
				      DAY_S;
			projection_month(c->proj[v], STRAT_PLAN, m, &mt);
			vm->std_qty[m] = mt.std_gb * days / DAYS_PER_MONTH;
			vm->arc_qty[m] = mt.arc_gb * days / DAYS_PER_MONTH;
		}
		if (c->proj[v])
			projection_release(c->proj[v]);
		free(c->proj[v]);
		c->proj[v] = NULL;
	}
	d->focus_max_gap = 0;
	for (int m = 0; m < months; m++) {
		double cost = 0, gap;
		for (size_t v = 0; v < c->s->nvaults; v++) {
			const struct rep_vault_months *vm = &d->vm[v];
			cost += vm->std_qty[m] * vm->card.std_gb_month +
				vm->arc_qty[m] * vm->card.arc_gb_month;
		}
		gap = month_gap(d, m, cost);
		if (gap > d->focus_max_gap) {
			struct civil cv;
			d->focus_max_gap = gap;
			time_to_civil(d->h.month_start[m], &cv);
			snprintf(d->focus_gap_month, sizeof(d->focus_gap_month),
				 "%04d-%02d", (cv.year % 10000 + 10000) % 10000,
				 (cv.month % 100 + 100) % 100);
		}
	}
}
