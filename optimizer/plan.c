/* SPDX-License-Identifier: MIT
 * plan.c: the plan stage: per-point decisions (plan.csv), projected cost
 * per strategy (strategies.csv), the policy tiering setting closest to the
 * plan (policy_changes.csv), per vault and policy totals (summary.csv) and
 * plan.json. One pass over recovery_points.csv, one item at a time. */
#include "plan.h"

#include <math.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "archive_rules.h"
#include "csvio.h"
#include "decision.h"
#include "fileio.h"
#include "prices.h"
#include "projection.h"
#include "sizes.h"
#include "timeutil.h"
#include "util.h"
#include "version.h"

void plan_options_init(struct plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->horizon_months = 36;
	o->cost.rehydration_days = REHYDRATION_DAYS_DEFAULT;
}

/* ---- output schemas ---- */

#define R CSV_REQUIRED
enum { PL_VAULT, PL_POLICY, PL_ITEM, PL_RP, PL_ACTION, PL_DATE, PL_REASON,
       PL_NOW, PL_AFTER, PL_SAVING, PL_P, PL_PLO, PL_PHI, PL_CURRENCY,
       PL_VNAME, PL_PNAME, PL_INAME, PL_WL, PL_RPTIME, PL_KIND, PL_TIER,
       PL_EXPIRY, PL_UNIQUE, PL_FULL, PL_FROM, PL_UNTIL, PL_BE, PL_ARM,
       PL_NCOLS };
static const struct csv_column plan_cols[] = {
	{ "vault_id", R }, { "policy_id", R }, { "item_id", R },
	{ "rp_id", R }, { "action", R }, { "move_date", R }, { "reason", R },
	{ "monthly_cost_now", R }, { "monthly_cost_after", R },
	{ "saving_total", R }, { "p_restore", R }, { "p_restore_lo", R },
	{ "p_restore_hi", R }, { "currency", R }, { "vault_name", 0 },
	{ "policy_name", 0 }, { "item_name", 0 }, { "workload", 0 },
	{ "rp_time", 0 }, { "rp_kind", 0 }, { "tier", 0 },
	{ "expiry_time", 0 }, { "unique_gb", 0 }, { "full_gb", 0 },
	{ "eligible_from", 0 }, { "last_move_date", 0 },
	{ "breakeven_days", 0 }, { "item_arm_id", 0 },
};
_Static_assert(ARRAY_SIZE(plan_cols) == PL_NCOLS, "plan columns");
static const struct csv_schema plan_schema = { "plan.csv", plan_cols, PL_NCOLS };

static const struct csv_column strategy_cols[] = {
	{ "strategy", R }, { "month", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "cost", R }, { "currency", R },
	{ "pi_cost", 0 }, { "total_cost", 0 },
};
static const struct csv_schema strategies_schema = {
	"strategies.csv", strategy_cols, ARRAY_SIZE(strategy_cols)
};

static const struct csv_column change_cols[] = {
	{ "policy_id", R }, { "vault_id", R }, { "vault_name", R },
	{ "policy_name", R }, { "workload", R }, { "current_tiering", R },
	{ "proposed_tiering", R }, { "duration", R },
	{ "duration_type", R }, { "saving_total", R }, { "currency", R },
	{ "reason", R }, { "current_tier_after_days", 0 },
	{ "plan_saving_total", 0 }, { "horizon_months", 0 },
	{ "policy_arm_id", 0 },
};
static const struct csv_schema changes_schema = {
	"policy_changes.csv", change_cols, ARRAY_SIZE(change_cols)
};

static const struct csv_column summary_cols[] = {
	{ "level", R }, { "id", R }, { "name", R }, { "vault_name", R },
	{ "items", R }, { "points", R }, { "considered", R },
	{ "eligible_now", R }, { "move_now", R }, { "move_on", R },
	{ "keep", R }, { "ineligible", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "monthly_storage_now", R },
	{ "monthly_storage_after", R }, { "monthly_pi", R },
	{ "saving_total", R }, { "currency", R },
};
static const struct csv_schema summary_schema = {
	"summary.csv", summary_cols, ARRAY_SIZE(summary_cols)
};
#undef R

/* ---- state ---- */

struct totals {
	long items, points, considered, eligible_now, move_now, move_on,
		keep, ineligible;
	double standard_gb, archive_gb, storage_now, storage_after, pi,
		saving;
};

/* One tieringPolicy setting a policy could have. */
struct setting {
	int mode;          /* enum tiering_mode: DONOTTIER/TIERAFTER/RECOMMENDED */
	int duration;      /* TierAfter: months (VM) or days (SQL/HANA) */
	double cost;       /* projected over the horizon */
};

#define MAX_SETTINGS 16
struct policy_state {
	struct setting settings[MAX_SETTINGS];
	int nsettings;
	int archivable;    /* points the settings apply to */
	double current_cost, plan_cost;
};

struct restore_event {
	long item;
	int64_t rp_time, when;
};

struct plan_ctx {
	struct snapshot *s;
	const struct plan_options *o;
	int64_t now;
	const char *currency;
	struct price_sheet prices;
	struct rate_card *cards;     /* per vault */
	struct restore_event *restores;
	size_t nrestores, restores_alloc;
	struct csv_writer *plan_w;
	struct totals *vault_tot, *policy_tot, all;
	struct policy_state *pstate; /* per policy */
	struct projection proj;
	struct plan_summary *sum;
};

/* ---- restores of each point, from jobs.csv ---- */

static int collect_restore(void *ctx, const struct item *it,
			   const struct job *j, struct err *e)
{
	struct plan_ctx *p = ctx;
	struct restore_event *ev;
	(void)e;

	if (!it || !job_is_restore(j) || j->rp_time == TIME_NONE)
		return 0;
	p->restores = grow_array(p->restores, sizeof(*p->restores),
				 p->nrestores + 1, &p->restores_alloc);
	ev = &p->restores[p->nrestores++];
	ev->item = it - p->s->items;
	ev->rp_time = j->rp_time;
	ev->when = j->start_time;
	return 0;
}

static int cmp_restore(const void *a, const void *b)
{
	const struct restore_event *x = a, *y = b;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	return (x->when > y->when) - (x->when < y->when);
}

/* The latest restore of (item, rp_time) before now, or TIME_NONE. */
static int64_t last_restore(const struct plan_ctx *p, long item,
			    int64_t rp_time)
{
	size_t lo = 0, hi = p->nrestores;
	int64_t found = TIME_NONE;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct restore_event *ev = &p->restores[mid];
		if (ev->item < item ||
		    (ev->item == item && ev->rp_time < rp_time))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < p->nrestores && p->restores[lo].item == item &&
	       p->restores[lo].rp_time == rp_time;
	     lo++)
		if (p->restores[lo].when <= p->now)
			found = p->restores[lo].when;
	return found;
}

/* ---- prices ---- */

static void add_caveat(struct plan_summary *sum, const char *text)
{
	for (size_t i = 0; i < sum->ncaveats; i++)
		if (strcmp(sum->caveats[i], text) == 0)
			return;
	sum->caveats = xrealloc(sum->caveats,
				(sum->ncaveats + 1) * sizeof(char *));
	sum->caveats[sum->ncaveats++] = xstrdup(text);
}

static void note_price_quality(struct plan_ctx *p, const struct vault *v,
			       const struct rate_card *rc)
{
	const int used[] = { rc->standard_meter, rc->archive_meter,
			     M_REHYDRATE_STANDARD };
	char text[400];

	for (size_t i = 0; i < ARRAY_SIZE(used); i++) {
		const struct price_row *r = rc->row[used[i]];
		if (!r) {
			snprintf(text, sizeof(text),
				 "no %s price in %s: taken as 0",
				 meter_names[used[i]], p->currency);
			add_caveat(p->sum, text);
			continue;
		}
		if (!str_eq_ci(r->region, v->location)) {
			snprintf(text, sizeof(text),
				 "%s has no %s prices in the sheet: %s's are "
				 "used for its vaults",
				 v->location, p->currency, r->region);
			add_caveat(p->sum, text);
		}
		if (r->quality >= PQ_ESTIMATE) {
			snprintf(text, sizeof(text),
				 "%s %s %s is %s %s (%s)",
				 r->region, r->currency, meter_names[r->meter],
				 r->quality == PQ_ESTIMATE ? "an" : "a",
				 price_quality_names[r->quality], r->note);
			add_caveat(p->sum, text);
		}
	}
}

static int load_rate_cards(struct plan_ctx *p, struct err *e)
{
	struct snapshot *s = p->s;
	char *path = p->o->prices_path ? xstrdup(p->o->prices_path)
				       : data_path("prices/prices.csv");
	int rc = prices_load(&p->prices, path, e);

	free(path);
	if (rc)
		return -1;
	p->currency = p->o->currency
			      ? p->o->currency
			      : prices_default_currency(&p->prices, s->vaults,
							s->nvaults);
	snprintf(p->sum->currency, sizeof(p->sum->currency), "%s",
		 p->currency);
	p->cards = xcalloc(s->nvaults ? s->nvaults : 1, sizeof(*p->cards));
	for (size_t v = 0; v < s->nvaults; v++) {
		if (rate_card_for(&p->cards[v], &p->prices, &s->vaults[v],
				  p->currency, e))
			return -1;
		note_price_quality(p, &s->vaults[v], &p->cards[v]);
	}
	return 0;
}

/* ---- policy settings (tieringPolicy candidates) ---- */

static int longest_retention_days(const struct policy *pol)
{
	int days = pol->daily_keep_days;

	if (pol->weekly_keep_weeks * 7 > days)
		days = pol->weekly_keep_weeks * 7;
	if (pol->monthly_keep_months * 30 > days)
		days = pol->monthly_keep_months * 30;
	if (pol->yearly_keep_years * 365 > days)
		days = pol->yearly_keep_years * 365;
	return days;
}

static void add_setting(struct policy_state *ps, int mode, int duration)
{
	if (ps->nsettings < MAX_SETTINGS)
		ps->settings[ps->nsettings++] =
			(struct setting){ mode, duration, 0 };
}

/* Azure's allowed range (reference/azure-backup.md §3.5): VM TierAfter in
 * months from 3 to (monthly or yearly retention - 6); SQL/HANA in days
 * from 45 to (retention - 180). */
static void init_settings(struct policy_state *ps, const struct policy *pol)
{
	static const int vm_months[] = { 3, 4, 6, 9, 12, 18, 24, 36, 60 };
	static const int db_days[] = { 45, 60, 90, 120, 180, 270, 365 };
	int longest = longest_retention_days(pol);

	ps->nsettings = 0;
	if (pol->workload == WL_FILES)
		return;
	add_setting(ps, TM_DONOTTIER, 0);
	if (pol->workload == WL_VM) {
		int months = pol->monthly_keep_months;
		if (pol->yearly_keep_years * 12 > months)
			months = pol->yearly_keep_years * 12;
		add_setting(ps, TM_TIERRECOMMENDED, 0);
		for (size_t i = 0; i < ARRAY_SIZE(vm_months); i++)
			if (vm_months[i] <= months - 6)
				add_setting(ps, TM_TIERAFTER, vm_months[i]);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(db_days); i++)
			if (db_days[i] <= longest - MIN_REMAINING_DAYS)
				add_setting(ps, TM_TIERAFTER, db_days[i]);
	}
}

static int setting_age_days(int workload, const struct setting *st)
{
	return workload == WL_VM ? st->duration * 30 : st->duration;
}

/* ---- when each strategy moves a point ---- */

/* Age at which a new point of this slot moves, or -1: clipped to Azure's
 * minimum age and to the 180 days that must remain. */
static double allowed_age(double age, int workload, const struct slot *sl)
{
	double life;

	if (age < 0)
		return -1;
	if (age < min_age_days(workload))
		age = min_age_days(workload);
	if (sl->expiry == TIME_NONE)
		return age;
	life = (double)(sl->expiry - sl->rp_time) / DAY_S;
	return life - age >= MIN_REMAINING_DAYS ? age : -1;
}

static double policy_setting_age(int mode, int tier_after_days, int workload,
				 const struct point_costs *c)
{
	switch (mode) {
	case TM_TIERAFTER:
		return tier_after_days;
	case TM_TIERRECOMMENDED:
		/* Azure recommends (VM only) the points whose move saves. */
		return workload == WL_VM && c->q_day < c->s_day
			       ? min_age_days(workload)
			       : -1;
	default:
		return -1;
	}
}

static double strategy_age(int strategy, const struct policy *pol,
			   int workload, const struct point_costs *c)
{
	double be;

	switch (strategy) {
	case STRAT_DO_NOTHING:
		return pol ? policy_setting_age(pol->tiering_mode,
						pol->tier_after_days,
						workload, c)
			   : -1;
	case STRAT_TIER_AFTER_3M:
		return 90;
	case STRAT_TIER_RECOMMENDED:
		if (workload == WL_VM)
			return policy_setting_age(TM_TIERRECOMMENDED, 0,
						  workload, c);
		return strategy_age(STRAT_DO_NOTHING, pol, workload, c);
	case STRAT_MOVE_ALL_ELIGIBLE:
		return min_age_days(workload);
	default:
		be = breakeven_days(c);
		return isinf(be) ? -1 : min_age_days(workload) + be;
	}
}

/* When the current point moves if the rule is "move at this age". */
static int64_t current_move_at(double age, const struct rp *rp,
			       const struct eligibility *el, int64_t now)
{
	int64_t t;

	if (age < 0 || el->status == ELIG_NEVER)
		return TIME_NONE;
	t = rp->rp_time + (int64_t)(age * DAY_S);
	if (t < el->from)
		t = el->from;
	if (t < now)
		t = now;
	if (el->until != TIME_NONE && t > el->until)
		return TIME_NONE;
	return t;
}

/* ---- per point ---- */

static bool item_refills(const struct item *it)
{
	return it->policy_idx >= 0 &&
	       (str_eq_ci(it->protection_state, "Protected") ||
		str_eq_ci(it->protection_state, "IRPending") ||
		str_eq_ci(it->protection_state, "ProtectionError"));
}

static void make_slot(struct slot *sl, const struct item *it,
		      const struct rp *rp, const struct rate_card *rc)
{
	memset(sl, 0, sizeof(*sl));
	sl->rp_time = rp->rp_time;
	sl->expiry = rp->expiry_time;
	sl->refills = item_refills(it);
	sl->in_archive = tier_in_archive(rp->tier);
	sl->in_standard = tier_in_standard(rp->tier);
	sl->std_gb = rp->unique_gb;
	sl->arc_gb = rp->full_gb;
	sl->std_gb_month = rc->std_gb_month;
	sl->arc_gb_month = rc->arc_gb_month;
}

static void project_fixed(struct plan_ctx *p, const struct slot *sl)
{
	struct slot_moves none = { TIME_NONE, -1 };

	for (int k = 0; k < STRAT_COUNT; k++)
		projection_add(&p->proj, k, sl, &none);
}

static void project_archivable(struct plan_ctx *p, const struct slot *sl,
			       const struct policy *pol, int workload,
			       const struct rp *rp,
			       const struct eligibility *el,
			       const struct point_costs *c,
			       const struct decision *d)
{
	for (int k = 0; k < STRAT_COUNT; k++) {
		double age = strategy_age(k, pol, workload, c);
		struct slot_moves m;

		m.new_move_age = allowed_age(age, workload, sl);
		m.current_move = k == STRAT_PLAN
					 ? d->move_at
					 : current_move_at(age, rp, el, p->now);
		projection_add(&p->proj, k, sl, &m);
	}
}

static void score_settings(struct plan_ctx *p, long policy_idx,
			   const struct slot *sl, int workload,
			   const struct rp *rp, const struct eligibility *el,
			   const struct point_costs *c,
			   const struct decision *d)
{
	struct policy_state *ps = &p->pstate[policy_idx];
	const struct policy *pol = &p->s->policies[policy_idx];
	struct slot_moves m;

	ps->archivable++;
	for (int i = 0; i < ps->nsettings; i++) {
		struct setting *st = &ps->settings[i];
		double age = policy_setting_age(st->mode,
						setting_age_days(workload, st),
						workload, c);
		m.new_move_age = allowed_age(age, workload, sl);
		m.current_move = current_move_at(age, rp, el, p->now);
		st->cost += slot_horizon_cost(&p->proj.h, sl, &m);
	}
	m.new_move_age = allowed_age(
		strategy_age(STRAT_DO_NOTHING, pol, workload, c), workload, sl);
	m.current_move = current_move_at(
		strategy_age(STRAT_DO_NOTHING, pol, workload, c), rp, el,
		p->now);
	ps->current_cost += slot_horizon_cost(&p->proj.h, sl, &m);
	m.new_move_age = allowed_age(strategy_age(STRAT_PLAN, pol, workload, c),
				     workload, sl);
	m.current_move = d->move_at;
	ps->plan_cost += slot_horizon_cost(&p->proj.h, sl, &m);
}

static void count_decision(struct totals *t, const struct decision *d,
			   const struct eligibility *el)
{
	t->considered++;
	if (el->status == ELIG_NOW)
		t->eligible_now++;
	switch (d->action) {
	case ACT_MOVE_NOW: t->move_now++; break;
	case ACT_MOVE_ON: t->move_on++; break;
	case ACT_KEEP: t->keep++; break;
	default: t->ineligible++; break;
	}
	t->saving += d->saving_total;
}

static void put_date(struct csv_writer *w, int64_t t)
{
	char d[DATE_ISO_LEN];

	if (t == TIME_NONE) {
		csv_put(w, "");
		return;
	}
	time_format_date(t, d);
	csv_put(w, d);
}

static void write_plan_row(struct plan_ctx *p, const struct item *it,
			   const struct rp *rp, const struct eligibility *el,
			   const struct decision *d, double now_cost,
			   double after_cost)
{
	struct csv_writer *w = p->plan_w;
	const struct vault *v = &p->s->vaults[it->vault_idx];
	const struct policy *pol =
		it->policy_idx >= 0 ? &p->s->policies[it->policy_idx] : NULL;

	csv_put(w, it->vault_id);
	csv_put(w, it->policy_id);
	csv_put(w, it->item_id);
	csv_put(w, rp->rp_id);
	csv_put(w, plan_action_names[d->action]);
	put_date(w, d->move_at);
	csv_put(w, d->reason);
	csv_put_double(w, now_cost, 4);
	csv_put_double(w, after_cost, 4);
	csv_put_double(w, d->saving_total, 2);
	csv_put_double(w, d->p_restore, 4);
	csv_put_double(w, d->p_restore_lo, 4);
	csv_put_double(w, d->p_restore_hi, 4);
	csv_put(w, p->currency);
	csv_put(w, v->vault_name);
	csv_put(w, pol ? pol->policy_name : "");
	csv_put(w, it->item_name);
	csv_put(w, workload_names[it->workload]);
	csv_put_time(w, rp->rp_time);
	csv_put(w, rp_kind_names[rp->kind]);
	csv_put(w, rp_tier_names[rp->tier]);
	csv_put_time(w, rp->expiry_time);
	csv_put_double(w, rp->unique_gb, 3);
	csv_put_double(w, rp->full_gb, 3);
	put_date(w, el->status == ELIG_NEVER ? TIME_NONE : el->from);
	put_date(w, el->status == ELIG_NEVER ? TIME_NONE : el->until);
	csv_put_double(w, isinf(d->breakeven_days) ? NAN : d->breakeven_days,
		       1);
	csv_put(w, it->arm_id);
	csv_end_row(w);
}

static void add_to_totals(struct plan_ctx *p, const struct item *it,
			  void (*fn)(struct totals *, const void *),
			  const void *arg)
{
	fn(&p->vault_tot[it->vault_idx], arg);
	if (it->policy_idx >= 0)
		fn(&p->policy_tot[it->policy_idx], arg);
	fn(&p->all, arg);
}

struct point_money {
	const struct rp *rp;
	double now, after;
};

static void add_point(struct totals *t, const void *arg)
{
	const struct point_money *pm = arg;

	t->points++;
	if (tier_in_standard(pm->rp->tier))
		t->standard_gb += pm->rp->unique_gb;
	if (tier_in_archive(pm->rp->tier))
		t->archive_gb += pm->rp->full_gb;
	t->storage_now += pm->now;
	t->storage_after += pm->after;
}

struct decision_counts {
	const struct decision *d;
	const struct eligibility *el;
};

static void add_decision(struct totals *t, const void *arg)
{
	const struct decision_counts *dc = arg;
	count_decision(t, dc->d, dc->el);
}

/* Decisions use what the point will free when it may move (sizes.h). */
static void plan_point(struct plan_ctx *p, const struct item *it,
		       const struct rp *rps, size_t n, size_t i)
{
	const struct rp *rp = &rps[i];
	struct rp at_move;
	const struct rate_card *rc = &p->cards[it->vault_idx];
	const struct policy *pol =
		it->policy_idx >= 0 ? &p->s->policies[it->policy_idx] : NULL;
	struct point_money pm = { rp, point_monthly_cost(rc, rp), 0 };
	struct eligibility el;
	struct point_costs c;
	struct decide_input in;
	struct decision d;
	struct slot sl;

	make_slot(&sl, it, rp, rc);
	pm.after = pm.now;
	if (!archivable_kind(it->workload, rp->kind)) {
		project_fixed(p, &sl);
		add_to_totals(p, it, add_point, &pm);
		return;
	}
	archive_eligibility(it, rp, p->now, &el);
	if (it->workload == WL_VM)
		eligibility_after_dependencies(
			&el, vm_dependencies_end(pol, rps, n, i), p->now);
	at_move = *rp;
	if (el.status != ELIG_NEVER)
		at_move.unique_gb = unique_gb_at(it, rps, n, i,
						 el.from > p->now ? el.from
								  : p->now);
	point_costs_for(&c, rc, &p->o->cost, &at_move);
	in = (struct decide_input){ it, rp, &el, &c, p->currency, p->now,
				    last_restore(p, it - p->s->items,
						 rp->rp_time),
				    p->proj.h.end };
	decide_breakeven(&in, &d);
	if (d.action == ACT_MOVE_NOW || d.action == ACT_MOVE_ON)
		pm.after = c.q_day * DAYS_PER_MONTH;
	write_plan_row(p, it, rp, &el, &d, pm.now, pm.after);
	add_to_totals(p, it, add_point, &pm);
	add_to_totals(p, it, add_decision,
		      &(struct decision_counts){ &d, &el });
	project_archivable(p, &sl, pol, it->workload, rp, &el, &c, &d);
	if (pol)
		score_settings(p, it->policy_idx, &sl, it->workload, rp, &el,
			       &c, &d);
}

static void add_item(struct totals *t, const void *arg)
{
	t->items++;
	t->pi += *(const double *)arg;
}

struct base_money {
	double gb, month;
};

static void add_base(struct totals *t, const void *arg)
{
	const struct base_money *b = arg;

	t->standard_gb += b->gb;
	t->storage_now += b->month;
	t->storage_after += b->month;
}

/* When the item's last Standard point expires; TIME_NONE if one is kept
 * forever. The caller knows there is at least one. */
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

/* The chain's base (sizes.h) stays in Standard whatever is archived, for
 * as long as the item keeps points in Standard. */
static void plan_base(struct plan_ctx *p, const struct item *it,
		      const struct rp *rps, size_t n)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct base_money b = { item_base_gb(it, rps, n), 0 };
	struct slot sl = { 0 };

	if (b.gb <= 0)
		return;
	b.month = b.gb * rc->std_gb_month;
	add_to_totals(p, it, add_base, &b);
	sl.rp_time = p->now;
	sl.expiry = item_refills(it) ? TIME_NONE
				     : last_standard_expiry(rps, n);
	sl.in_standard = true;
	sl.std_gb = b.gb;
	sl.std_gb_month = rc->std_gb_month;
	project_fixed(p, &sl);
}

static int plan_item(void *ctx, const struct item *it, const struct rp *rps,
		     size_t n, struct err *e)
{
	struct plan_ctx *p = ctx;
	(void)e;

	plan_base(p, it, rps, n);
	for (size_t i = 0; i < n; i++)
		plan_point(p, it, rps, n, i);
	return 0;
}

/* Items are counted (and their protected-instance fee added) whether or
 * not they have points. */
static void add_item_fees(struct plan_ctx *p)
{
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		double fee = pi_monthly_fee(&p->cards[it->vault_idx],
					    it->workload, it->source_gb);
		add_to_totals(p, it, add_item, &fee);
		projection_add_pi(&p->proj, fee);
	}
}

/* ---- writing the other files ---- */

static void put_totals(struct csv_writer *w, const struct totals *t,
		       const char *currency)
{
	csv_put_long(w, t->items);
	csv_put_long(w, t->points);
	csv_put_long(w, t->considered);
	csv_put_long(w, t->eligible_now);
	csv_put_long(w, t->move_now);
	csv_put_long(w, t->move_on);
	csv_put_long(w, t->keep);
	csv_put_long(w, t->ineligible);
	csv_put_double(w, t->standard_gb, 2);
	csv_put_double(w, t->archive_gb, 2);
	csv_put_double(w, t->storage_now, 2);
	csv_put_double(w, t->storage_after, 2);
	csv_put_double(w, t->pi, 2);
	csv_put_double(w, t->saving, 2);
	csv_put(w, currency);
	csv_end_row(w);
}

static int write_summary(struct plan_ctx *p, struct outdir *dir,
			 struct err *e)
{
	struct snapshot *s = p->s;
	char *path = outdir_file(dir, "summary.csv");
	struct csv_writer *w = csv_writer_open(path, &summary_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < s->nvaults; i++) {
		const struct vault *v = &s->vaults[i];
		csv_put(w, "vault");
		csv_put(w, v->vault_id);
		csv_put(w, v->vault_name);
		csv_put(w, v->vault_name);
		put_totals(w, &p->vault_tot[i], p->currency);
	}
	for (size_t i = 0; i < s->npolicies; i++) {
		const struct policy *pol = &s->policies[i];
		long v = snapshot_find_vault(s, pol->vault_id);
		csv_put(w, "policy");
		csv_put(w, pol->policy_id);
		csv_put(w, pol->policy_name);
		csv_put(w, s->vaults[v].vault_name);
		put_totals(w, &p->policy_tot[i], p->currency);
	}
	csv_put(w, "total");
	csv_put(w, "");
	csv_put(w, "all vaults");
	csv_put(w, "");
	put_totals(w, &p->all, p->currency);
	return csv_writer_commit(w, NULL, e);
}

static double strategy_total(const struct projection *pr, int k)
{
	struct month_total mt;
	double sum = 0;

	for (int m = 0; m < pr->h.months; m++) {
		projection_month(pr, k, m, &mt);
		sum += mt.cost;
	}
	return sum;
}

static int write_strategies(struct plan_ctx *p, struct outdir *dir,
			    struct err *e)
{
	const struct projection *pr = &p->proj;
	char *path = outdir_file(dir, "strategies.csv");
	struct csv_writer *w = csv_writer_open(path, &strategies_schema, e);

	free(path);
	if (!w)
		return -1;
	for (int k = 0; k < STRAT_COUNT; k++)
		for (int m = 0; m < pr->h.months; m++) {
			struct month_total mt;
			struct civil c;

			projection_month(pr, k, m, &mt);
			time_to_civil(pr->h.month_start[m], &c);
			csv_put(w, strategy_names[k]);
			csv_putf(w, "%04d-%02d", c.year, c.month);
			csv_put_double(w, mt.std_gb, 2);
			csv_put_double(w, mt.arc_gb, 2);
			csv_put_double(w, mt.cost, 2);
			csv_put(w, p->currency);
			csv_put_double(w, pr->pi_month[k], 2);
			csv_put_double(w, mt.cost + pr->pi_month[k], 2);
			csv_end_row(w);
		}
	p->sum->avg_monthly_saving =
		(strategy_total(pr, STRAT_DO_NOTHING) -
		 strategy_total(pr, STRAT_PLAN)) /
		pr->h.months;
	return csv_writer_commit(w, NULL, e);
}

static void describe_setting(char *buf, size_t n, int workload, int mode,
			     int duration)
{
	if (mode == TM_TIERAFTER)
		snprintf(buf, n, "TierAfter %d %s", duration,
			 workload == WL_VM ? "Months" : "Days");
	else
		snprintf(buf, n, "%s", tiering_mode_names[mode]);
}

static const struct setting *best_setting(const struct policy_state *ps)
{
	const struct setting *best = &ps->settings[0];

	for (int i = 1; i < ps->nsettings; i++)
		if (ps->settings[i].cost < best->cost - 1e-9)
			best = &ps->settings[i];
	return best;
}

static void write_change(struct plan_ctx *p, struct csv_writer *w,
			 const struct policy *pol,
			 const struct policy_state *ps)
{
	const struct setting *best = best_setting(ps);
	const struct vault *v =
		&p->s->vaults[snapshot_find_vault(p->s, pol->vault_id)];
	double saving = ps->current_cost - best->cost;
	int current_duration = pol->workload == WL_VM
				       ? pol->tier_after_days / 30
				       : pol->tier_after_days;
	char current[64], proposed[64], reason[400];
	bool same = best->mode == pol->tiering_mode &&
		    (best->mode != TM_TIERAFTER ||
		     best->duration == current_duration);

	describe_setting(current, sizeof(current), pol->workload,
			 pol->tiering_mode, current_duration);
	describe_setting(proposed, sizeof(proposed), pol->workload,
			 best->mode, best->duration);
	if (same || saving < 0.005) {
		best = NULL;
		saving = 0;
		snprintf(reason, sizeof(reason),
			 "the current setting (%s) is already the cheapest "
			 "tieringPolicy for its %d archivable points; per-point "
			 "moves (plan.csv) save %.2f %s more over %d months",
			 current, ps->archivable,
			 ps->current_cost - ps->plan_cost, p->currency,
			 p->proj.h.months);
	} else {
		p->sum->policy_changes++;
		snprintf(reason, sizeof(reason),
			 "%s instead of %s saves %.2f %s over the next %d "
			 "months on %d archivable points; moving each point "
			 "at its own break-even (plan.csv) would save %.2f %s",
			 proposed, current, saving, p->currency,
			 p->proj.h.months, ps->archivable,
			 ps->current_cost - ps->plan_cost, p->currency);
	}
	csv_put(w, pol->policy_id);
	csv_put(w, pol->vault_id);
	csv_put(w, v->vault_name);
	csv_put(w, pol->policy_name);
	csv_put(w, workload_names[pol->workload]);
	csv_put(w, tiering_mode_names[pol->tiering_mode]);
	csv_put(w, tiering_mode_names[best ? best->mode : pol->tiering_mode]);
	if (best ? best->mode == TM_TIERAFTER
		 : pol->tiering_mode == TM_TIERAFTER) {
		csv_put_long(w, best ? best->duration : current_duration);
		csv_put(w, pol->workload == WL_VM ? "Months" : "Days");
	} else {
		csv_put(w, "");
		csv_put(w, "");
	}
	csv_put_double(w, saving, 2);
	csv_put(w, p->currency);
	csv_put(w, reason);
	if (pol->tiering_mode == TM_TIERAFTER)
		csv_put_long(w, pol->tier_after_days);
	else
		csv_put(w, "");
	csv_put_double(w, ps->current_cost - ps->plan_cost, 2);
	csv_put_long(w, p->proj.h.months);
	csv_put(w, pol->arm_id);
	csv_end_row(w);
}

static int write_changes(struct plan_ctx *p, struct outdir *dir,
			 struct err *e)
{
	char *path = outdir_file(dir, "policy_changes.csv");
	struct csv_writer *w = csv_writer_open(path, &changes_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < p->s->npolicies; i++)
		if (p->pstate[i].archivable && p->pstate[i].nsettings)
			write_change(p, w, &p->s->policies[i], &p->pstate[i]);
	return csv_writer_commit(w, NULL, e);
}

static int write_meta(struct plan_ctx *p, struct outdir *dir, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[TIME_ISO_LEN];
	char *path = outdir_file(dir, "plan.json");
	char *text;
	int rc;

	time_format_iso(p->now, when);
	cJSON_AddStringToObject(o, "tool_version", VAULTWISE_VERSION);
	cJSON_AddStringToObject(o, "snapshot", p->s->dir);
	cJSON_AddStringToObject(o, "as_of", when);
	cJSON_AddStringToObject(o, "currency", p->currency);
	cJSON_AddStringToObject(o, "prices", p->prices.path);
	cJSON_AddNumberToObject(o, "horizon_months", p->proj.h.months);
	cJSON_AddStringToObject(o, "method", "breakeven");
	text = cJSON_Print(o);
	cJSON_Delete(o);
	rc = afile_write_string(path, text, e);
	cJSON_free(text);
	free(path);
	return rc;
}

static void fill_summary(struct plan_ctx *p)
{
	struct plan_summary *sum = p->sum;
	const struct totals *t = &p->all;

	sum->points = t->points;
	sum->considered = t->considered;
	sum->eligible_now = t->eligible_now;
	sum->move_now = t->move_now;
	sum->move_on = t->move_on;
	sum->keep = t->keep;
	sum->ineligible = t->ineligible;
	sum->standard_gb = t->standard_gb;
	sum->archive_gb = t->archive_gb;
	sum->monthly_storage_now = t->storage_now;
	sum->monthly_storage_after = t->storage_after;
	sum->monthly_pi = t->pi;
	sum->saving_total = t->saving;
	sum->horizon_months = p->proj.h.months;
}

static int plan_write_all(struct plan_ctx *p, const char *out_dir,
			  struct err *e)
{
	struct outdir dir;
	char *path;

	if (outdir_begin(&dir, out_dir, "plan", e))
		return -1;
	path = outdir_file(&dir, "plan.csv");
	p->plan_w = csv_writer_open(path, &plan_schema, e);
	free(path);
	if (!p->plan_w)
		goto fail;
	add_item_fees(p);
	if (snapshot_each_item_rps(p->s, plan_item, p, e))
		goto fail;
	if (csv_writer_commit(p->plan_w, NULL, e)) {
		p->plan_w = NULL;
		goto fail;
	}
	p->plan_w = NULL;
	fill_summary(p);
	if (write_summary(p, &dir, e) || write_strategies(p, &dir, e) ||
	    write_changes(p, &dir, e) || write_meta(p, &dir, e))
		goto fail;
	return outdir_commit(&dir, e);
fail:
	csv_writer_abort(p->plan_w);
	p->plan_w = NULL;
	outdir_abort(&dir);
	return -1;
}

int plan_run(struct snapshot *s, const struct plan_options *o,
	     const char *out_dir, struct plan_summary *out, struct err *e)
{
	struct plan_ctx p = { 0 };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	p.s = s;
	p.o = o;
	p.now = s->as_of;
	p.sum = out;
	projection_init(&p.proj, p.now, o->horizon_months);
	p.vault_tot = xcalloc(s->nvaults + 1, sizeof(*p.vault_tot));
	p.policy_tot = xcalloc(s->npolicies + 1, sizeof(*p.policy_tot));
	p.pstate = xcalloc(s->npolicies + 1, sizeof(*p.pstate));
	for (size_t i = 0; i < s->npolicies; i++)
		init_settings(&p.pstate[i], &s->policies[i]);
	if (load_rate_cards(&p, e) ||
	    snapshot_each_job(s, collect_restore, &p, e))
		goto done;
	qsort(p.restores, p.nrestores, sizeof(*p.restores), cmp_restore);
	rc = plan_write_all(&p, out_dir, e);
done:
	projection_release(&p.proj);
	prices_release(&p.prices);
	free(p.cards);
	free(p.restores);
	free(p.vault_tot);
	free(p.policy_tot);
	free(p.pstate);
	return rc;
}

void plan_summary_release(struct plan_summary *sum)
{
	for (size_t i = 0; i < sum->ncaveats; i++)
		free(sum->caveats[i]);
	free(sum->caveats);
	sum->caveats = NULL;
	sum->ncaveats = 0;
}

void plan_summary_print(FILE *out, const struct plan_summary *sum)
{
	const char *cur = sum->currency;

	fprintf(out,
		"recovery points: %ld, of which %ld could ever be archived "
		"(VM monthly/yearly, SQL/HANA full)\n"
		"  eligible now: %ld; move now: %ld; move later: %ld; "
		"keep: %ld; not eligible: %ld\n",
		sum->points, sum->considered, sum->eligible_now,
		sum->move_now, sum->move_on, sum->keep, sum->ineligible);
	fprintf(out,
		"vault storage now: %.2f %s/month (%.1f GiB Standard, %.1f "
		"GiB Archive) + %.2f %s/month protected-instance fees\n",
		sum->monthly_storage_now, cur, sum->standard_gb,
		sum->archive_gb, sum->monthly_pi, cur);
	fprintf(out,
		"after the planned moves: %.2f %s/month; the moves save "
		"%.2f %s over the points' remaining lives if none is "
		"restored\n",
		sum->monthly_storage_after, cur, sum->saving_total, cur);
	fprintf(out,
		"projected saving: %.2f %s/month on average over %d months "
		"(plan against doing nothing, new points included)\n",
		sum->avg_monthly_saving, cur, sum->horizon_months);
	fprintf(out, "policy tiering settings worth changing: %ld\n",
		sum->policy_changes);
}
