/* SPDX-License-Identifier: MIT
 * report_causes.c: with --previous, why the month's cost changed, per
 * vault (report_data.h's struct rep_causes). Both snapshots are priced
 * as report_estate.c prices them (sizes.h, the plan's sheet), so that
 * the causes add up to the change the page shows:
 *  - new items: what the items the previous snapshot lacks cost now;
 *  - removed items: what the items gone since cost then (negative);
 *  - prices: the items still there, now against now at the previous
 *    snapshot's prices (a vault whose redundancy changed, a new sheet);
 *  - tier moves: their points in both snapshots with another tier now,
 *    at the previous prices;
 *  - growth: the rest of their change at the previous prices: new
 *    points, expired ones, points re-sized as their neighbours expire,
 *    the chain's base and the protected-instance fees.
 * Points are matched by item id and point id. Never prints. */
#include "optimizer/report/report_internal.h"

#include "models/cost/sizes.h"
#include "optimizer/base/util.h"

/* A point of the previous snapshot. */
struct prev_point {
	size_t item;
	int tier;
	double unique_gb, full_gb;
	bool seen;
};

struct causes_pass {
	struct report_ctx *c;
	struct snapshot *p, *s;
	struct rate_card *prev_cards;   /* per vault of p */
	struct rate_card *then_cards;   /* per vault of s: p's card */
	struct rate_card *now_cards;    /* per vault of s */
	double *prev_fee, *fee_then, *fee_now; /* per item of p, s, s */
	double *prev_base;              /* per item of p */
	struct prev_point *pts;
	size_t npts, apts;
	struct strmap index;            /* "item_id/rp_id" -> pts */
	struct strpool keys;
	bool *streamed;                 /* per item of s: had points */
};

/* A point of a workload: a vaulted file share's Standard GiB are on the
 * Files Vaulted meter (prices.h std_price_of). */
static double point_cost(const struct rate_card *rc, int workload, int tier,
			 double ugb, double fgb)
{
	return (tier_in_standard(tier) ? ugb * std_price_of(rc, workload)
				       : 0) +
	       (tier_in_archive(tier) ? fgb * rc->arc_gb_month : 0);
}

static const char *point_key(struct causes_pass *cp, const char *item,
			     const char *rp)
{
	char *k = xasprintf("%s/%s", item, rp);
	const char *kept = strpool_dup(&cp->keys, k);

	free(k);
	return kept;
}

static int prev_item(void *ctx, const struct item *it, const struct rp *rps,
		     size_t n, struct err *e)
{
	struct causes_pass *cp = ctx;
	size_t idx = (size_t)snapshot_find_item(cp->p, it->item_id);
	(void)e;

	cp->prev_base[idx] = item_base_gb(it, rps, n);
	for (size_t i = 0; i < n; i++) {
		struct prev_point *pp;

		cp->pts = grow_array(cp->pts, sizeof(*cp->pts), cp->npts + 1,
				     &cp->apts);
		pp = &cp->pts[cp->npts];
		pp->item = idx;
		pp->tier = rps[i].tier;
		pp->unique_gb = rps[i].unique_gb;
		pp->full_gb = rps[i].full_gb;
		pp->seen = false;
		strmap_put(&cp->index,
			   point_key(cp, it->item_id, rps[i].rp_id),
			   cp->npts++);
	}
	return 0;
}

static struct rep_causes *vault_causes(struct causes_pass *cp,
				       const char *vault_id)
{
	long v = snapshot_find_vault(cp->s, vault_id);

	return &cp->c->d->causes[v >= 0 ? (size_t)v : cp->s->nvaults];
}

/* An item of both snapshots: its points now, at then and now prices. */
static void both_item(struct causes_pass *cp, const struct item *it,
		      const struct rp *rps, size_t n, long pi)
{
	const struct rate_card *then = &cp->then_cards[it->vault_idx];
	const struct rate_card *now = &cp->now_cards[it->vault_idx];
	size_t si = (size_t)(it - cp->s->items);
	double base = item_base_gb(it, rps, n);
	const struct item *was_it = &cp->p->items[pi];
	int wl = it->workload;
	double at_then = base * std_price_of(then, wl) + cp->fee_then[si];
	double at_now = base * std_price_of(now, wl) + cp->fee_now[si];
	double growth = at_then -
			cp->prev_base[pi] *
				std_price_of(&cp->prev_cards[was_it->vault_idx],
					     was_it->workload) -
			cp->prev_fee[pi];
	struct rep_causes *rc = vault_causes(cp, it->vault_id);

	for (size_t i = 0; i < n; i++) {
		const struct rp *rp = &rps[i];
		char *k = xasprintf("%s/%s", it->item_id, rp->rp_id);
		size_t j;
		double c = point_cost(then, wl, rp->tier, rp->unique_gb,
				      rp->full_gb);

		at_then += c;
		at_now += point_cost(now, wl, rp->tier, rp->unique_gb,
				     rp->full_gb);
		if (strmap_get(&cp->index, k, &j) == 0 &&
		    cp->pts[j].item == (size_t)pi) {
			struct prev_point *pp = &cp->pts[j];
			double was = point_cost(then, wl, pp->tier,
						pp->unique_gb, pp->full_gb);
			double same = point_cost(then, wl, pp->tier,
						 rp->unique_gb, rp->full_gb);
			pp->seen = true;
			growth += same - was;
			rc->by[CAUSE_TIER_MOVES] += c - same;
		} else {
			growth += c;
		}
		free(k);
	}
	rc->by[CAUSE_GROWTH] += growth;
	rc->by[CAUSE_PRICES] += at_now - at_then;
}

static double item_now(struct causes_pass *cp, const struct item *it,
		       const struct rp *rps, size_t n)
{
	const struct rate_card *now = &cp->now_cards[it->vault_idx];
	double c = item_base_gb(it, rps, n) * std_price_of(now, it->workload) +
		   cp->fee_now[it - cp->s->items];

	for (size_t i = 0; i < n; i++)
		c += point_cost(now, it->workload, rps[i].tier,
				rps[i].unique_gb, rps[i].full_gb);
	return c;
}

static void each_item(struct causes_pass *cp, const struct item *it,
		      const struct rp *rps, size_t n)
{
	long pi = snapshot_find_item(cp->p, it->item_id);

	if (pi < 0)
		vault_causes(cp, it->vault_id)->by[CAUSE_NEW_ITEMS] +=
			item_now(cp, it, rps, n);
	else
		both_item(cp, it, rps, n, pi);
}

static int now_item(void *ctx, const struct item *it, const struct rp *rps,
		    size_t n, struct err *e)
{
	struct causes_pass *cp = ctx;
	(void)e;

	cp->streamed[it - cp->s->items] = true;
	each_item(cp, it, rps, n);
	return 0;
}

/* Items with no points are not streamed: their fees count here. */
static void pointless_items(struct causes_pass *cp)
{
	for (size_t i = 0; i < cp->s->nitems; i++)
		if (!cp->streamed[i])
			each_item(cp, &cp->s->items[i], NULL, 0);
}

/* What the previous snapshot had that is gone: removed items whole, and
 * the expired points of the items still there. */
static void gone(struct causes_pass *cp)
{
	const struct snapshot *p = cp->p;
	double *removed = xcalloc(p->nitems + 1, sizeof(*removed));

	for (size_t i = 0; i < p->nitems; i++)
		removed[i] = snapshot_find_item(cp->s, p->items[i].item_id) < 0;
	for (size_t k = 0; k < cp->npts; k++) {
		const struct prev_point *pp = &cp->pts[k];
		const struct item *it = &p->items[pp->item];
		double c = point_cost(&cp->prev_cards[it->vault_idx],
				      it->workload, pp->tier, pp->unique_gb,
				      pp->full_gb);

		if (pp->seen)
			continue;
		vault_causes(cp, it->vault_id)
			->by[removed[pp->item] ? CAUSE_REMOVED_ITEMS
					       : CAUSE_GROWTH] -= c;
	}
	for (size_t i = 0; i < p->nitems; i++) {
		const struct item *it = &p->items[i];
		if (!removed[i])
			continue;
		vault_causes(cp, it->vault_id)->by[CAUSE_REMOVED_ITEMS] -=
			cp->prev_base[i] *
				std_price_of(&cp->prev_cards[it->vault_idx],
					     it->workload) +
			cp->prev_fee[i];
	}
	free(removed);
}

/* The rate cards: each snapshot's own, and for the current vaults the
 * previous snapshot's card of the same vault (its own when new). */
static int price_both(struct causes_pass *cp, struct err *e)
{
	struct report_data *d = cp->c->d;
	size_t ns = cp->s->nvaults, np = cp->p->nvaults;

	cp->prev_cards = xcalloc(np + 1, sizeof(*cp->prev_cards));
	cp->now_cards = xcalloc(ns + 1, sizeof(*cp->now_cards));
	cp->then_cards = xcalloc(ns + 1, sizeof(*cp->then_cards));
	if (rate_cards_for(cp->prev_cards, &d->prices, cp->p, d->currency,
			   e) ||
	    rate_cards_for(cp->now_cards, &d->prices, cp->s, d->currency, e))
		return -1;
	for (size_t v = 0; v < ns; v++) {
		long pv = snapshot_find_vault(cp->p, cp->s->vaults[v].vault_id);
		cp->then_cards[v] = pv >= 0 ? cp->prev_cards[pv]
					    : cp->now_cards[v];
	}
	cp->prev_fee = xcalloc(cp->p->nitems + 1, sizeof(double));
	cp->fee_then = xcalloc(cp->s->nitems + 1, sizeof(double));
	cp->fee_now = xcalloc(cp->s->nitems + 1, sizeof(double));
	pi_item_fees(cp->p, cp->prev_cards, cp->prev_fee);
	pi_item_fees(cp->s, cp->then_cards, cp->fee_then);
	pi_item_fees(cp->s, cp->now_cards, cp->fee_now);
	return 0;
}

static void release(struct causes_pass *cp)
{
	free(cp->prev_cards);
	free(cp->now_cards);
	free(cp->then_cards);
	free(cp->prev_fee);
	free(cp->fee_then);
	free(cp->fee_now);
	free(cp->prev_base);
	free(cp->pts);
	free(cp->streamed);
	strmap_release(&cp->index);
	strpool_release(&cp->keys);
}

int report_causes(struct report_ctx *c, struct err *e)
{
	struct report_data *d = c->d;
	struct causes_pass cp;
	int rc = -1;

	memset(&cp, 0, sizeof(cp));
	cp.c = c;
	cp.p = &c->prev;
	cp.s = c->s;
	cp.prev_base = xcalloc(cp.p->nitems + 1, sizeof(double));
	cp.streamed = xcalloc(cp.s->nitems + 1, sizeof(bool));
	d->causes = xcalloc(cp.s->nvaults + 1, sizeof(*d->causes));
	if (price_both(&cp, e) == 0 &&
	    snapshot_each_item_rps(cp.p, prev_item, &cp, e) == 0 &&
	    snapshot_each_item_rps(cp.s, now_item, &cp, e) == 0) {
		pointless_items(&cp);
		gone(&cp);
		for (size_t v = 0; v <= cp.s->nvaults; v++)
			for (int k = 0; k < CAUSE_COUNT; k++)
				d->causes_total.by[k] += d->causes[v].by[k];
		rc = 0;
	}
	release(&cp);
	return rc;
}
