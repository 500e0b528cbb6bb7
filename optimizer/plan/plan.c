/* SPDX-License-Identifier: MIT
 * plan.c: the plan stage: the decision for every point Azure could
 * archive (plan.csv) with the restore-likelihood model when one is given
 * (else the ski-rental rule), VM points scored as sets, RTO targets
 * honoured; and the projections behind strategies.csv and
 * policy_changes.csv (written by plan_write.c). One pass over
 * recovery_points.csv, one item at a time. */
#include "optimizer/plan/plan.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include "models/cost/backtest.h"
#include "models/cost/decision.h"
#include "models/cost/levers.h"
#include "optimizer/base/fileio.h"
#include "optimizer/plan/plan_internal.h"
#include "optimizer/snapshot/plan_meta.h"
#include "optimizer/snapshot/snapcache.h"
#include "models/cost/sizes.h"
#include "models/restore/restore_model.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

void plan_options_init(struct plan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->horizon_months = 36;
	o->cost.rehydration_days = REHYDRATION_DAYS_DEFAULT;
	o->risk_q = 0.5;
	o->level = 0.90;
	scope_init(&o->scope);
}

/* ---- output schemas ---- */

#define R CSV_REQUIRED
enum { PL_VAULT, PL_POLICY, PL_ITEM, PL_RP, PL_ACTION, PL_DATE, PL_REASON,
       PL_NOW, PL_AFTER, PL_SAVING, PL_P, PL_PLO, PL_PHI, PL_CURRENCY,
       PL_VNAME, PL_PNAME, PL_INAME, PL_WL, PL_RPTIME, PL_KIND, PL_TIER,
       PL_EXPIRY, PL_UNIQUE, PL_FULL, PL_FROM, PL_UNTIL, PL_BE, PL_EXPECT,
       PL_RCOST, PL_FREED, PL_SET, PL_METHOD, PL_AZREC,
       PL_BASIS, PL_CODE, PL_NCOLS };
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
	{ "breakeven_days", 0 }, { "expected_restores", 0 },
	{ "expected_restore_cost", 0 }, { "freed_gb", 0 },
	{ "set_points", 0 }, { "method", 0 }, { "azure_recommended", 0 },
	{ "basis", 0 }, { "reason_code", 0 },
};
_Static_assert(ARRAY_SIZE(plan_cols) == PL_NCOLS, "plan columns");
static const struct csv_schema plan_schema = { "plan.csv", plan_cols, PL_NCOLS };

#undef R

/* ---- restores of each point, from jobs.csv ---- */

static int collect_restore(void *ctx, const struct item *it,
			   const struct job *j, struct err *e)
{
	struct plan_ctx *p = ctx;
	(void)e;

	if (!it || !job_is_restore(j))
		return 0;
	rto_samples_add(&p->rto_samples, it, j, p->now);
	return 0;
}

/* Without RTO targets, nothing planned depends on the restores: jobs.csv
 * is then only read and checked, on a thread of its own while the points
 * are planned, and the plan waits for it only before it is committed.
 * With targets the RTO model is fitted from them first (hold_for_rto is
 * its only reader). */
struct jobs_pass {
	pthread_t thread;
	int rc;
	struct err err;
};

static void rto_fit(struct plan_ctx *p)
{
	rto_samples_fit(&p->rto_samples, p->rto);
}

static int check_job(void *ctx, const struct item *it, const struct job *j,
		     struct err *e)
{
	(void)ctx;
	(void)it;
	(void)j;
	(void)e;
	return 0;
}

static void *read_jobs(void *arg)
{
	struct plan_ctx *p = arg;

	p->jobs->rc = snapshot_each_job(p->s, check_job, p, &p->jobs->err);
	return NULL;
}

static int jobs_begin(struct plan_ctx *p, struct err *e)
{
	if (!p->o->targets) {
		p->jobs = xcalloc(1, sizeof(*p->jobs));
		if (!pthread_create(&p->jobs->thread, NULL, read_jobs, p))
			return 0;
		free(p->jobs);
		p->jobs = NULL;
	}
	if (snapshot_each_job(p->s, collect_restore, p, e))
		return -1;
	rto_fit(p);
	return 0;
}

/* rc after the jobs are read: theirs first when they failed, as when
 * they were read before the points. */
static int jobs_end(struct plan_ctx *p, int rc, struct err *e)
{
	struct jobs_pass *j = p->jobs;

	if (!j)
		return rc;
	pthread_join(j->thread, NULL);
	p->jobs = NULL;
	if (j->rc) {
		*e = j->err;
		rc = -1;
	}
	free(j);
	return rc;
}

/* ---- prices ---- */

/* A price caveat for the summary, once (a price_caveat_fn). */
static void add_caveat(void *ctx, const char *text)
{
	struct plan_summary *sum = ctx;

	for (size_t i = 0; i < sum->ncaveats; i++)
		if (strcmp(sum->caveats[i], text) == 0)
			return;
	sum->caveats = xrealloc(sum->caveats,
				(sum->ncaveats + 1) * sizeof(char *));
	sum->caveats[sum->ncaveats++] = xstrdup(text);
}

static int load_rate_cards(struct plan_ctx *p, struct err *e)
{
	struct snapshot *s = p->s;
	char *path = p->o->prices_path ? xstrdup(p->o->prices_path)
				       : data_file("prices/prices.csv", e);
	int rc = path ? prices_load(&p->prices, path, e) : -1;

	free(path);
	if (rc)
		return -1;
	if (p->o->currency) {
		p->currency = prices_currency(&p->prices, p->o->currency);
		if (!p->currency) {
			char *have = prices_currency_list(&p->prices);
			err_set(e, EXIT_USAGE,
				"--currency %s: the price sheet %s has no "
				"prices in %s (it has %s)",
				p->o->currency, p->prices.path,
				p->o->currency, have);
			free(have);
			return -1;
		}
	} else {
		p->currency = prices_default_currency(&p->prices, s->vaults,
						      s->nvaults);
	}
	snprintf(p->sum->currency, sizeof(p->sum->currency), "%s",
		 p->currency);
	p->cards = xcalloc(s->nvaults ? s->nvaults : 1, sizeof(*p->cards));
	if (rate_cards_for(p->cards, &p->prices, s, p->currency, e))
		return -1;
	for (size_t v = 0; v < s->nvaults; v++)
		rate_card_caveats(&p->cards[v], s->vaults[v].location, true,
				  add_caveat, p->sum);
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
	for (int i = 0; i < ps->nsettings; i++)
		if (ps->settings[i].mode == mode &&
		    ps->settings[i].duration == duration)
			return;
	if (ps->nsettings < MAX_SETTINGS)
		ps->settings[ps->nsettings++] =
			(struct setting){ mode, duration, 0 };
}

/* plan --tiering TierAfter:N: scored too when Azure allows it here (in
 * whole months for a VM policy). */
static void add_asked(struct policy_state *ps, const struct policy *pol,
		      const struct tiering_choice *t, int vm_max_months,
		      int db_max_days)
{
	if (t->intent != TI_SET || t->mode != TM_TIERAFTER)
		return;
	if (pol->workload == WL_VM && t->days % 30 == 0 &&
	    t->days / 30 >= 3 && t->days / 30 <= vm_max_months)
		add_setting(ps, TM_TIERAFTER, t->days / 30);
	else if (pol->workload != WL_VM && t->days >= 45 &&
		 t->days <= db_max_days)
		add_setting(ps, TM_TIERAFTER, t->days);
}

/* Azure's allowed range (docs/azure-backup.md §3.5): VM TierAfter in
 * months from 3 to (monthly or yearly retention - 6); SQL/HANA in days
 * from 45 to (retention - 180). */
static void init_settings(struct policy_state *ps, const struct policy *pol,
			  const struct tiering_choice *asked)
{
	/* The round figures admins choose; each is scored on every point. */
	static const int vm_months[] = { 3, 6, 9, 12, 24, 36 };
	static const int db_days[] = { 45, 60, 90, 180, 365 };
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
		add_asked(ps, pol, asked, months - 6, 0);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(db_days); i++)
			if (db_days[i] <= longest - MIN_REMAINING_DAYS)
				add_setting(ps, TM_TIERAFTER, db_days[i]);
		add_asked(ps, pol, asked, 0, longest - MIN_REMAINING_DAYS);
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
				 const struct point_costs *c,
				 const struct rp *rp)
{
	switch (mode) {
	case TM_TIERAFTER:
		return tier_after_days;
	case TM_TIERRECOMMENDED:
		/* Azure recommends (VM only) the points whose move saves:
		 * its own set where the snapshot has it, else our model. */
		if (workload == WL_VM && rp->recommended)
			return rp->recommended > 0 ? min_age_days(workload)
						   : -1;
		return workload == WL_VM && c->q_day < c->s_day
			       ? min_age_days(workload)
			       : -1;
	default:
		return -1;
	}
}

static double strategy_age(int strategy, const struct policy *pol,
			   int workload, const struct point_costs *c,
			   const struct rp *rp)
{
	switch (strategy) {
	case STRAT_DO_NOTHING:
		return pol ? policy_setting_age(pol->tiering_mode,
						pol->tier_after_days,
						workload, c, rp)
			   : -1;
	case STRAT_TIER_AFTER_3M:
		return 90;
	case STRAT_TIER_RECOMMENDED:
		if (workload == WL_VM)
			return policy_setting_age(TM_TIERRECOMMENDED, 0,
						  workload, c, rp);
		return strategy_age(STRAT_DO_NOTHING, pol, workload, c, rp);
	default: /* STRAT_MOVE_ALL_ELIGIBLE; the plan's are plan_new_age */
		return min_age_days(workload);
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

/* A point of a workload at its tier's prices: a vaulted file share's
 * Standard GiB on the Files Vaulted meter (prices.h std_price_of). */
static void make_slot(struct slot *sl, bool refills, const struct rp *rp,
		      const struct rate_card *rc, int workload)
{
	memset(sl, 0, sizeof(*sl));
	sl->rp_time = rp->rp_time;
	sl->expiry = rp->expiry_time;
	sl->refills = refills;
	sl->in_archive = tier_in_archive(rp->tier);
	sl->in_standard = tier_in_standard(rp->tier);
	sl->std_gb = rp->unique_gb;
	sl->arc_gb = rp->full_gb;
	sl->grows_at = TIME_NONE;
	sl->std_gb_month = std_price_of(rc, workload);
	sl->arc_gb_month = rc->arc_gb_month;
	sl->files = workload == WL_FILES;
}

/* A soft-deleted item's data is billed until its purge less the free
 * days (levers.h), then gone: no slot of it outlives that. */
static void end_at_purge(struct slot *sl, const struct item *it)
{
	int64_t until = it->soft_deleted ? lever_soft_deleted_billed_until(it)
					 : TIME_NONE;

	if (until == TIME_NONE)
		return;
	sl->refills = false;
	if (sl->expiry == TIME_NONE || sl->expiry > until)
		sl->expiry = until;
}

static void project_fixed(struct plan_ctx *p, const struct item *it,
			  const struct slot *sl)
{
	struct proj_target t[] = {
		{ &p->proj, PROJ_SHARED },
		{ &p->vault_proj[it->vault_idx], PROJ_SHARED },
	};

	projection_add_fixed_to(t, 2, sl);
}

static bool same_moves(const struct slot_moves *a, const struct slot_moves *b)
{
	return a->current_move == b->current_move &&
	       a->new_move_age == b->new_move_age;
}

/* What the projection thread works out once per point: lambda at the
 * ages asked so far (a strategy's or a setting's move age, the point's
 * life), and the restores per day of the current point by its move and
 * of its successors by their move age: the same few come back for every
 * strategy and setting. */
struct point_memo {
	double cum_age[12], cum[12];
	int ncum;
	int64_t cur_move[8];   /* TIME_NONE: in Archive already */
	double cur[8];
	int ncur;
	double next_age[8], next[8];
	int nnext;
	struct best_age_memo *best_ages; /* across points: plan_ctx's */
};

/* One archivable point while it is planned and projected. */
struct point_ctx {
	const struct item *it;
	const struct policy *pol;
	const struct rp *rp;
	const struct eligibility *el;
	const struct point_costs *c;
	const struct decision *d;
	struct slot sl;
	double weight;  /* coverage days, for the model */
	double rho;     /* its item's restore scale (item_work's) */
	struct point_memo *memo; /* the projection thread's */
};

static double cum_at(struct point_memo *pm, const struct restore_model *m,
		     double a)
{
	for (int i = 0; i < pm->ncum; i++)
		if (pm->cum_age[i] == a)
			return pm->cum[i];
	if (pm->ncum == (int)ARRAY_SIZE(pm->cum))
		return restore_model_cum(m, a);
	pm->cum_age[pm->ncum] = a;
	return pm->cum[pm->ncum++] = restore_model_cum(m, a);
}

static double life_days(const struct plan_ctx *p, const struct rp *rp)
{
	int64_t end = rp->expiry_time != TIME_NONE ? rp->expiry_time
						   : p->proj.h.end;
	return (double)(end - rp->rp_time) / DAY_S;
}

/* Expected restores per day of a point archived from age `from` to age
 * `to` (0 when it is not). */
static double restores_per_day(const struct plan_ctx *p, struct point_ctx *pc,
			       double from, double to)
{
	const struct restore_model *m = p->model;

	if (from < 0 || !(to > from))
		return 0;
	return pc->weight * pc->rho *
	       (cum_at(pc->memo, m, to) - cum_at(pc->memo, m, from)) /
	       (to - from);
}

/* The current point's restores per day once archived: from now if it
 * is, from its move if it moves (0 if not). */
static double current_restores(const struct plan_ctx *p, struct point_ctx *pc,
			       const struct slot_moves *m)
{
	const struct rp *rp = pc->rp;
	struct point_memo *pm = pc->memo;
	int64_t key = pc->sl.in_archive ? TIME_NONE : m->current_move;
	double v;

	if (!pc->sl.in_archive && key == TIME_NONE)
		return 0;
	for (int i = 0; i < pm->ncur; i++)
		if (pm->cur_move[i] == key)
			return pm->cur[i];
	v = restores_per_day(
		p, pc,
		(double)((key == TIME_NONE ? p->now : key) - rp->rp_time) /
			DAY_S,
		life_days(p, rp));
	if (pm->ncur < (int)ARRAY_SIZE(pm->cur)) {
		pm->cur_move[pm->ncur] = key;
		pm->cur[pm->ncur++] = v;
	}
	return v;
}

/* The successors' restores per day, archived from new_move_age. */
static double successor_restores(const struct plan_ctx *p,
				 struct point_ctx *pc,
				 const struct slot_moves *m)
{
	const struct rp *rp = pc->rp;
	struct point_memo *pm = pc->memo;
	double v;

	if (rp->expiry_time == TIME_NONE)
		return 0;
	for (int i = 0; i < pm->nnext; i++)
		if (pm->next_age[i] == m->new_move_age)
			return pm->next[i];
	v = restores_per_day(p, pc, m->new_move_age,
			     (double)(rp->expiry_time - rp->rp_time) / DAY_S);
	if (pm->nnext < (int)ARRAY_SIZE(pm->next)) {
		pm->next_age[pm->nnext] = m->new_move_age;
		pm->next[pm->nnext++] = v;
	}
	return v;
}

/* The restores from Archive a slot's points expect per month while
 * archived, and what they cost: the current point (from its move or
 * now) and the points that follow it (from new_move_age). */
static void set_restore_costs(const struct plan_ctx *p, struct point_ctx *pc,
			      const struct slot_moves *m)
{
	struct slot *sl = &pc->sl;
	double extra = pc->c->restore_extra;
	double cur = current_restores(p, pc, m);
	double next = successor_restores(p, pc, m);

	sl->restores_month = cur * DAYS_PER_MONTH;
	sl->restores_month_new = next * DAYS_PER_MONTH;
	sl->restore_month = extra * cur * DAYS_PER_MONTH;
	sl->restore_month_new = extra * next * DAYS_PER_MONTH;
}

/* restore_model_best_age for the point, remembered on the projection
 * thread: the points of an item or a policy, of a size and a retention,
 * ask the same again and again. */
static double best_age(const struct plan_ctx *p, const struct point_ctx *pc,
		       double theta, double lo, double hi)
{
	const char *pid = pc->pol ? pc->pol->policy_id : NULL;
	int wl = pc->it->workload;
	uint64_t x, y, z, h;
	struct best_age_memo *b;

	if (!pc->memo)
		return restore_model_best_age(p->model, pid, wl, pc->weight,
					      theta, lo, hi);
	memcpy(&x, &theta, sizeof(x));
	memcpy(&y, &hi, sizeof(y));
	memcpy(&z, &pc->weight, sizeof(z));
	h = x * 0x9E3779B97F4A7C15ULL ^ y * 0xC2B2AE3D27D4EB4FULL ^ z ^
	    (uint64_t)(uintptr_t)pid;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	b = &pc->memo->best_ages[(h ^ (h >> 32)) & (BEST_AGE_CACHE - 1)];
	if (b->used && b->policy_id == pid && b->workload == wl &&
	    b->weight == pc->weight && b->theta == theta && b->hi == hi)
		return b->tau;
	*b = (struct best_age_memo){
		pid, wl, pc->weight, theta, hi,
		restore_model_best_age(p->model, pid, wl, pc->weight, theta,
				       lo, hi),
		true
	};
	return b->tau;
}

/* Age at which the plan moves the points that replace this one. */
static double plan_new_age(const struct plan_ctx *p,
			   const struct point_ctx *pc)
{
	const struct point_costs *c = pc->c;
	double min_age = min_age_days(pc->it->workload), tau;

	if (c->q_day >= c->s_day)
		return -1;
	tau = best_age(p, pc,
		       c->restore_extra > 0
			       ? (c->s_day - c->q_day) / c->restore_extra
			       : INFINITY,
		       min_age, life_days(p, pc->rp) - MIN_REMAINING_DAYS);
	return tau > min_age ? tau : min_age;
}

/* The age at which the point's policy moves points once the plan is
 * applied, as plan --tiering asks: the setting asked where Azure allows it
 * on the policy, else the current one (keep, or a setting refused); -1
 * for cheapest, a proposal the plan's own figures leave aside. */
static double intent_policy_age(const struct plan_ctx *p,
				const struct point_ctx *pc)
{
	const struct tiering_choice *t = &p->o->tiering;
	const struct policy_state *ps;
	int wl = pc->it->workload;

	if (t->intent == TI_CHEAPEST || !pc->pol)
		return -1;
	ps = &p->pstate[pc->it->policy_idx];
	for (int i = 0; t->intent == TI_SET && i < ps->nsettings; i++)
		if (ps->settings[i].mode == t->mode &&
		    setting_age_days(wl, &ps->settings[i]) ==
			    (t->mode == TM_TIERAFTER ? t->days : 0))
			return policy_setting_age(t->mode, t->days, wl, pc->c,
						  pc->rp);
	return strategy_age(STRAT_DO_NOTHING, pc->pol, wl, pc->c, pc->rp);
}

/* The earlier of two ages (-1: never). */
static double first_age(double a, double b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* The plan as asked: its moves (plan --moves: the rule's age, as soon as
 * Azure allows, or none; the current point as plan.csv has it) and the
 * policy's tieringPolicy (--tiering), whichever moves a point first. */
static void plan_moves_for(const struct plan_ctx *p,
			   const struct point_ctx *pc, struct slot_moves *m)
{
	int wl = pc->it->workload;
	double policy = intent_policy_age(p, pc);
	double ours = p->o->moves == MOVES_ALL_ELIGIBLE ? min_age_days(wl)
		      : p->o->moves == MOVES_NONE	  ? -1
							  : plan_new_age(p, pc);
	int64_t by_policy = current_move_at(policy, pc->rp, pc->el, p->now);

	m->new_move_age = allowed_age(first_age(ours, policy), wl, &pc->sl);
	m->current_move = pc->d->move_at;
	if (by_policy != TIME_NONE &&
	    (m->current_move == TIME_NONE || by_policy < m->current_move))
		m->current_move = by_policy;
}

static void moves_for(const struct plan_ctx *p, const struct point_ctx *pc,
		      int strategy, struct slot_moves *m)
{
	double age;

	if (strategy == STRAT_PLAN) {
		plan_moves_for(p, pc, m);
		return;
	}
	age = strategy_age(strategy, pc->pol, pc->it->workload, pc->c,
			   pc->rp);
	m->new_move_age = allowed_age(age, pc->it->workload, &pc->sl);
	m->current_move = current_move_at(age, pc->rp, pc->el, p->now);
}

/* Projects the point under each strategy's moves (filled in m): the
 * strategies that move it alike at once. The plan is projected per
 * vault; its total is their sum. */
static void project_archivable(struct plan_ctx *p, struct point_ctx *pc,
			       struct slot_moves *m)
{
	bool done[STRAT_COUNT] = { false };

	for (int k = 0; k < STRAT_COUNT; k++)
		moves_for(p, pc, k, &m[k]);
	for (int k = 0; k < STRAT_COUNT; k++) {
		struct proj_target t[STRAT_COUNT];
		int n = 0;

		if (done[k])
			continue;
		for (int j = k; j < STRAT_COUNT; j++) {
			if (done[j] || !same_moves(&m[j], &m[k]))
				continue;
			t[n].p = j == STRAT_PLAN
					 ? &p->vault_proj[pc->it->vault_idx]
					 : &p->proj;
			t[n++].strategy = j;
			done[j] = true;
		}
		set_restore_costs(p, pc, &m[k]);
		projection_add_to(t, n, &pc->sl, &m[k]);
	}
}

/* A point's cost over the horizon under the moves asked so far: the
 * settings often come to the same moves, as each other or as a
 * strategy. */
#define MOVE_COSTS_MAX 8
struct move_costs {
	struct slot_moves m[MOVE_COSTS_MAX];
	double cost[MOVE_COSTS_MAX];
	int n;
};

static double horizon_cost(struct plan_ctx *p, struct point_ctx *pc,
			   struct move_costs *mc, const struct slot_moves *m)
{
	double cost;

	for (int i = 0; i < mc->n; i++)
		if (same_moves(&mc->m[i], m))
			return mc->cost[i];
	set_restore_costs(p, pc, m);
	cost = slot_horizon_cost(&p->proj.h, &pc->sl, m);
	if (mc->n < MOVE_COSTS_MAX) {
		mc->m[mc->n] = *m;
		mc->cost[mc->n++] = cost;
	}
	return cost;
}

static double setting_cost(struct plan_ctx *p, struct point_ctx *pc,
			   struct move_costs *mc, double age)
{
	struct slot_moves m;

	m.new_move_age = allowed_age(age, pc->it->workload, &pc->sl);
	m.current_move = current_move_at(age, pc->rp, pc->el, p->now);
	return horizon_cost(p, pc, mc, &m);
}

/* The policy's settings, its current one and the plan, scored on the
 * point; the current one and the plan move it as the strategies do
 * (do_nothing's and the plan's moves in m). */
static void score_settings(struct plan_ctx *p, struct point_ctx *pc,
			   const struct slot_moves *m)
{
	struct policy_state *ps = &p->pstate[pc->it->policy_idx];
	int wl = pc->it->workload;
	struct move_costs mc = { .n = 0 };

	ps->archivable++;
	for (int i = 0; i < ps->nsettings; i++) {
		struct setting *st = &ps->settings[i];
		st->cost += setting_cost(
			p, pc, &mc,
			policy_setting_age(st->mode, setting_age_days(wl, st),
					   wl, pc->c, pc->rp));
	}
	ps->current_cost += horizon_cost(p, pc, &mc, &m[STRAT_DO_NOTHING]);
	ps->plan_cost += horizon_cost(p, pc, &mc, &m[STRAT_PLAN]);
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

/* plan.csv's expected_restores and expected_restore_cost, as written
 * and as handed to run's report (plan_risk.h) */
#define RESTORES_DECIMALS 4
#define RESTORE_COST_DECIMALS 2

static void write_plan_row(struct plan_ctx *p, const struct item *it,
			   const struct rp *rp, const struct eligibility *el,
			   const struct decision *d, double now_cost,
			   double after_cost, double freed_gb,
			   size_t set_points)
{
	struct csv_writer *w = p->plan_w;
	const struct vault *v = &p->s->vaults[it->vault_idx];
	const struct policy *pol =
		it->policy_idx >= 0 ? &p->s->policies[it->policy_idx] : NULL;

	/* the item's cells, escaped once per item (csv_cached) */
	if (!csv_cached(w, 0, it)) {
		csv_put(w, it->vault_id);
		csv_put(w, it->policy_id);
		csv_put(w, it->item_id);
		csv_cache_end(w, 0, it);
	}
	csv_put(w, rp->rp_id);
	csv_put_name(w, plan_action_names[d->action]);
	csv_put_date(w, d->move_at);
	/* the sentence only where reasons.csv's and the columns fall short */
	csv_put(w, reason_kinds[d->code].in_columns && !d->says_more
			   ? ""
			   : d->reason);
	csv_put_double(w, now_cost, 4);
	csv_put_double(w, after_cost, 4);
	csv_put_double(w, d->saving_total, 2);
	csv_put_double(w, d->p_restore, 4);
	csv_put_double(w, d->p_restore_lo, 4);
	csv_put_double(w, d->p_restore_hi, 4);
	if (!csv_cached(w, 1, it)) {
		csv_put(w, p->currency);
		csv_put(w, v->vault_name);
		csv_put(w, pol ? pol->policy_name : "");
		csv_put(w, it->item_name);
		csv_put(w, workload_names[it->workload]);
		csv_cache_end(w, 1, it);
	}
	csv_put_time(w, rp->rp_time);
	csv_put_name(w, rp_kind_names[rp->kind]);
	csv_put_name(w, rp_tier_names[rp->tier]);
	csv_put_time(w, rp->expiry_time);
	csv_put_double(w, rp->unique_gb, 3);
	csv_put_double(w, rp->full_gb, 3);
	csv_put_date(w, el->status == ELIG_NEVER ? TIME_NONE : el->from);
	csv_put_date(w, el->status == ELIG_NEVER ? TIME_NONE : el->until);
	csv_put_double(w, isinf(d->breakeven_days) ? NAN : d->breakeven_days,
		       1);
	csv_put_double(w, d->expected_restores, RESTORES_DECIMALS);
	csv_put_double(w, d->restore_cost, RESTORE_COST_DECIMALS);
	csv_put_double(w, freed_gb, 3);
	if (set_points)
		csv_put_long(w, (long)set_points);
	else
		csv_put_name(w, "");
	csv_put_name(w, p->sum->method);
	/* Azure's own recommended set (recommended_for_move), beside the
	 * plan's action, so a user sees where the two differ */
	csv_put_name(w, rp->recommended > 0 ? "true"
			: rp->recommended < 0 ? "false" : "");
	csv_put_name(w, plan_basis(p, it->vault_idx));
	csv_put_name(w, reason_kinds[d->code].code);
	csv_end_row(w);
}

/* On plan.csv's writer thread (plan_rows.c). */
static void write_row(struct plan_ctx *p, const struct plan_row *r)
{
	write_plan_row(p, r->it, &r->rp, &r->el, &r->d, r->now_cost,
		       r->after_cost, r->freed_gb, r->set_points);
}

/* On the same thread, after the last row. */
static int commit_rows(struct plan_ctx *p, struct err *e)
{
	int rc = csv_writer_commit(p->plan_w, NULL, e);

	p->plan_w = NULL;
	return rc;
}

/* An archivable point into every strategy's projection and its policy's
 * settings, at its item's restore scale. */
static void project_point(struct plan_ctx *p, const struct plan_row *r)
{
	struct point_memo memo; /* empty with its counts at 0, below */
	struct point_ctx pc = { .it = r->it, .rp = &r->rp, .el = &r->el,
				.c = &r->c, .d = &r->d, .sl = r->sl,
				.weight = r->weight, .rho = r->rho,
				.memo = &memo };
	struct slot_moves moves[STRAT_COUNT];

	memo.ncum = 0;
	memo.ncur = 0;
	memo.nnext = 0;
	memo.best_ages = p->best_ages;
	pc.pol = r->it->policy_idx >= 0 ? &p->s->policies[r->it->policy_idx]
					: NULL;
	project_archivable(p, &pc, moves);
	if (pc.pol)
		score_settings(p, &pc, moves);
}

/* On the projection thread (plan_rows.c), in the order queued: a slot
 * into the projections, or an archivable point. */
static void project_row(struct plan_ctx *p, const struct plan_row *r)
{
	if (r->slot_only)
		project_fixed(p, r->it, &r->sl);
	else
		project_point(p, r);
}

/* A slot that no strategy moves, to project_fixed on that thread. */
static void queue_slot(struct plan_ctx *p, const struct item *it,
		       const struct slot *sl)
{
	struct plan_row *r = plan_rows_next(p->rows);

	r->it = it;
	r->sl = *sl;
	r->slot_only = true;
}

/* write_plan_row's arguments, copied for the writer thread, and what
 * the row adds to the plan's totals, here in row order. The caller adds
 * what the projection thread needs. */
static struct plan_row *
queue_plan_row(struct plan_ctx *p, const struct item *it, const struct rp *rp,
	       const struct eligibility *el, const struct decision *d,
	       double now_cost, double after_cost, double freed_gb,
	       size_t set_points)
{
	struct plan_row *r = plan_rows_next(p->rows);

	r->it = it;
	r->rp = *rp;
	r->rp.rp_id = plan_rows_keep(p->rows, rp->rp_id);
	r->rp.move_info = NULL;
	eligibility_copy(&r->el, el);
	decision_copy(&r->d, d);
	r->now_cost = now_cost;
	r->after_cost = after_cost;
	r->freed_gb = freed_gb;
	r->set_points = set_points;
	p->reason_points[d->code]++;
	p->reason_saving[d->code] += d->saving_total;
	if (d->action == ACT_MOVE_NOW || d->action == ACT_MOVE_ON)
		plan_risk_add(&p->sum->risk, (size_t)it->vault_idx,
			      it->policy_idx,
			      round_fixed(d->expected_restores,
					  RESTORES_DECIMALS),
			      round_fixed(d->restore_cost,
					  RESTORE_COST_DECIMALS));
	p->planned[it - p->s->items] = true;
	r->slot_only = false;
	return r;
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
	bool files; /* a vaulted file share's */
	bool in_standard, in_archive; /* its slot's, tested once */
};

static void add_point(struct totals *t, const void *arg)
{
	const struct point_money *pm = arg;

	t->points++;
	if (pm->in_standard) {
		t->standard_gb += pm->rp->unique_gb;
		if (pm->files)
			t->files_gb += pm->rp->unique_gb;
	}
	if (pm->in_archive)
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

/* The model's forecast for ages [a0, a1] rounded to whole days. */
static const struct restore_forecast *
forecast(struct plan_ctx *p, const struct point_ctx *pc, double a0, double a1)
{
	const char *pid = pc->pol ? pc->pol->policy_id : NULL;
	long d0 = lround(a0), d1 = lround(a1);
	uint64_t h = (uint64_t)(uintptr_t)pid * 0x9E3779B97F4A7C15ULL ^
		     (uint64_t)d0 * 0xBF58476D1CE4E5B9ULL ^
		     (uint64_t)d1 * 0x94D049BB133111EBULL ^
		     (uint64_t)(pc->weight * 1000) ^ (uint64_t)pc->it->workload;
	struct forecast_entry *fe = &p->forecasts[(h ^ (h >> 29)) &
						  (FORECAST_CACHE - 1)];

	if (fe->used && fe->policy_id == pid &&
	    fe->workload == pc->it->workload && fe->weight == pc->weight &&
	    fe->a0 == d0 && fe->a1 == d1)
		return &fe->fc;
	restore_model_forecast(p->model, pid, pc->it->workload,
			       pc->weight, (double)d0, (double)d1,
			       p->o->level, &fe->fc);
	fe->used = true;
	fe->policy_id = pid;
	fe->workload = pc->it->workload;
	fe->weight = pc->weight;
	fe->a0 = d0;
	fe->a1 = d1;
	return &fe->fc;
}

/* The decision for one point on the model (a fit or the prior). */
static void decide_point(struct plan_ctx *p, struct point_ctx *pc,
			 const struct decide_input *in, struct decision *d)
{
	struct model_view mv;
	const struct rp *rp = pc->rp;
	int64_t end = rp->expiry_time != TIME_NONE ? rp->expiry_time
						   : p->proj.h.end;

	mv.m = p->model;
	mv.policy_id = pc->pol ? pc->pol->policy_id : NULL;
	mv.workload = pc->it->workload;
	mv.weight = pc->weight;
	mv.risk_q = p->o->risk_q;
	mv.level = p->o->level;
	mv.cut_risk = p->o->cut_risk;
	decide_with_model(in, &mv,
			  forecast(p, pc, (double)(p->now - rp->rp_time) / DAY_S,
				   (double)(end - rp->rp_time) / DAY_S),
			  d);
}

/* plan --moves: the admin's choice over the rule's. all-eligible moves
 * every point as soon as Azure (and any RTO or dependency hold) allows,
 * quoting what that saves or costs if it is not restored; none keeps
 * them all. */
static void force_moves(const struct plan_ctx *p, const struct point_ctx *pc,
			struct decision *d)
{
	const struct eligibility *el = pc->el;
	const struct rp *rp = pc->rp;
	int64_t at = el->from > p->now ? el->from : p->now;
	int64_t end = rp->expiry_time != TIME_NONE ? rp->expiry_time
						   : p->proj.h.end;
	bool moves = d->action == ACT_MOVE_NOW || d->action == ACT_MOVE_ON;

	if (p->o->moves == MOVES_PLAN || el->status == ELIG_NEVER)
		return;
	if (p->o->moves == MOVES_NONE) {
		if (!moves)
			return;
		d->action = ACT_KEEP;
		d->move_at = TIME_NONE;
		d->saving_total = 0;
		d->code = RC_KEPT_AS_ASKED;
		d->says_more = false;
		strfmt(d->reason, sizeof(d->reason),
		       "kept in Standard as asked (plan --moves none)");
		return;
	}
	if ((moves && d->move_at == at) ||
	    (el->until != TIME_NONE && at > el->until))
		return;
	d->action = at <= p->now ? ACT_MOVE_NOW : ACT_MOVE_ON;
	d->move_at = at;
	d->saving_total = (pc->c->s_day - pc->c->q_day) *
			  (double)(end - at) / DAY_S;
	d->code = RC_MOVED_AS_ASKED;
	d->says_more = false;
	strfmt(d->reason, sizeof(d->reason),
	       "moved as soon as Azure allows, as asked (plan --moves "
	       "all-eligible): %s %.2f %s over its remaining %.1f months if "
	       "not restored",
	       d->saving_total >= 0 ? "saves" : "costs",
	       fabs(d->saving_total), p->currency,
	       (double)(end - at) / DAY_S / DAYS_PER_MONTH);
}

/* An item none of whose candidates pays even when moved together. */
static void explain_kept_set(const struct plan_ctx *p, const struct item *it,
			     struct decision *d)
{
	const struct vmset_result *set = &p->work.set;
	const struct rate_card *rc = &p->cards[it->vault_idx];

	d->code = RC_LOW_CHURN_SET;
	strfmt(d->reason, sizeof(d->reason),
		 "low churn: even moved together, the Archive copies of its "
		 "%zu eligible monthly and yearly points are full size (%.1f "
		 "GiB, %.2f %s/month) and cost more than the %.1f GiB they "
		 "would free in Standard (%.2f %s/month)",
		 set->candidates, set->all_full_gb,
		 set->all_full_gb * rc->arc_gb_month, p->currency,
		 set->all_freed_gb, set->all_freed_gb * rc->std_gb_month,
		 p->currency);
}

/* The decided point to plan_options.on_point, with every strategy's
 * move (the ones strategies.csv projects). */
static void report_point(const struct plan_ctx *p,
			 const struct point_ctx *pc)
{
	struct planned_point pp = { pc->it, pc->rp, pc->c, pc->d, { 0 } };

	if (!p->o->on_point)
		return;
	for (int k = 0; k < STRAT_COUNT; k++) {
		struct slot_moves m;
		moves_for(p, pc, k, &m);
		pp.move_at[k] = m.current_move;
	}
	p->o->on_point(p->o->on_point_ctx, &pp);
}

/* Point i of an item, to be decided: set field by field, since zeroing
 * the whole context (its Lambda cache, its slot) per point and per
 * decision cost more than deciding did (issue 21). */
static void point_ctx_at(struct point_ctx *pc, const struct plan_ctx *p,
			 const struct item *it, const struct rp *rps,
			 size_t i)
{
	pc->it = it;
	pc->pol = it->policy_idx >= 0 ? &p->s->policies[it->policy_idx]
				      : NULL;
	pc->rp = &rps[i];
	pc->el = &p->work.el[i];
	pc->c = NULL;
	pc->d = NULL;
	pc->weight = 0;
	pc->rho = p->work.rho;
	pc->memo = NULL; /* the projection thread's only */
}

/* Decisions use what point i will free when it may move: with its set
 * (vmset.h) or on its own, with the neighbours it will have then. Fills
 * pc->weight and pc->c (c), at_move's unique GiB, and d. The decision
 * made on the same unique GiB is taken again as it was; keep: kept for
 * the next to ask. */
static void decide_on_freed(struct plan_ctx *p, struct point_ctx *pc,
			    const struct rp *rps, size_t n, size_t i,
			    struct rp *at_move, struct point_costs *c,
			    struct decision *d, bool keep)
{
	const struct item *it = pc->it;
	const double freed = p->work.freed[i];
	struct decided *was = &p->work.decided[i];
	struct decide_input in;

	pc->weight = point_coverage_days(it->workload, pc->rp->kind,
					 pc->rp->tier, pc->pol);
	*at_move = *pc->rp;
	if (!isnan(freed))
		at_move->unique_gb = freed;
	else if (pc->el->status != ELIG_NEVER)
		at_move->unique_gb = unique_gb_at(
			it, rps, n, i,
			pc->el->from > p->now ? pc->el->from : p->now);
	if (p->work.footprint[i] > at_move->unique_gb)
		at_move->unique_gb = p->work.footprint[i];
	pc->c = c;
	if (was->gb == at_move->unique_gb) {
		*c = was->c;
		decision_copy(d, &was->d);
		return;
	}
	point_costs_for(c, &p->cards[it->vault_idx], &p->o->cost, at_move);
	in = (struct decide_input){ it, pc->rp, pc->el, c, p->currency,
				    p->now, p->proj.h.end };
	decide_point(p, pc, &in, d);
	if (!keep)
		return;
	was->gb = at_move->unique_gb;
	was->c = *c;
	decision_copy(&was->d, d);
}

static void plan_point(struct plan_ctx *p, const struct item *it,
		       const struct rp *rps, size_t n, size_t i)
{
	const struct rp *rp = &rps[i];
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct item_work *w = &p->work;
	struct point_money pm = { rp, point_monthly_cost(rc, it->workload, rp),
				  0, it->workload == WL_FILES, false, false };
	struct point_ctx pc;
	struct point_costs c;
	struct decision d;
	struct rp at_move;
	struct plan_row *row;
	bool with_set = !isnan(w->freed[i]);

	point_ctx_at(&pc, p, it, rps, i);
	make_slot(&pc.sl, w->refills, rp, rc, it->workload);
	end_at_purge(&pc.sl, it);
	pm.after = pm.now;
	pm.in_standard = pc.sl.in_standard;
	pm.in_archive = pc.sl.in_archive;
	if (!archivable_kind(it->workload, rp->kind)) {
		queue_slot(p, it, &pc.sl);
		add_to_totals(p, it, add_point, &pm);
		return;
	}
	decide_on_freed(p, &pc, rps, n, i, &at_move, &c, &d, false);
	if (pc.el->status != ELIG_NEVER) {
		/* While in Standard the point holds its own unique GiB, as the
		 * snapshot's Standard total counts it (sizes.h): the versions
		 * it shares with its VM set are freed only when the set moves,
		 * and counting them here would grow Standard from month one. */
		pc.sl.grows_at = pc.el->from > p->now ? pc.el->from : p->now;
		pc.sl.std_gb_later =
			with_set ? unique_gb_at(it, rps, n, i, pc.sl.grows_at)
				 : at_move.unique_gb;
	}
	force_moves(p, &pc, &d);
	pc.d = &d;
	if (it->workload == WL_VM && w->candidate[i] && !w->set.chosen &&
	    d.action == ACT_KEEP && c.q_day >= c.s_day)
		explain_kept_set(p, it, &d);
	azset_note(p, rp, with_set, &d);
	if (d.action == ACT_MOVE_NOW || d.action == ACT_MOVE_ON) {
		pm.after = c.q_day * DAYS_PER_MONTH;
		if (with_set && unique_gb_at(it, rps, n, i, pc.el->from) *
						rc->std_gb_month <
					c.q_day * DAYS_PER_MONTH)
			p->sum->moved_with_set++;
	}
	if (pc.el->held[0] && str_starts_with(pc.el->held, "target "))
		p->sum->held_by_rto++;
	/* A point that may move is quoted at the Standard cost its move
	 * removes (with its set: the versions it shares with them). */
	row = queue_plan_row(p, it, rp, pc.el, &d,
			     pc.el->status == ELIG_NEVER
				     ? pm.now
				     : at_move.unique_gb * rc->std_gb_month,
			     pm.after, at_move.unique_gb,
			     with_set ? w->set.chosen : 0);
	/* projected on the projection thread (project_row) */
	row->sl = pc.sl;
	row->c = c;
	row->weight = pc.weight;
	row->rho = pc.rho;
	add_to_totals(p, it, add_point, &pm);
	add_to_totals(p, it, add_decision,
		      &(struct decision_counts){ &d, pc.el });
	report_point(p, &pc);
}

static void add_item(struct totals *t, const void *arg)
{
	t->items++;
	t->pi += *(const double *)arg;
}

struct base_money {
	double gb, month;
	bool files; /* a vaulted file share's */
};

static void add_base(struct totals *t, const void *arg)
{
	const struct base_money *b = arg;

	t->standard_gb += b->gb;
	if (b->files)
		t->files_gb += b->gb;
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
	struct base_money b = { item_base_gb(it, rps, n), 0,
				it->workload == WL_FILES };
	struct slot sl = { 0 };

	if (b.gb <= 0)
		return;
	b.month = b.gb * std_price_of(rc, it->workload);
	add_to_totals(p, it, add_base, &b);
	sl.rp_time = p->now;
	sl.grows_at = TIME_NONE;
	sl.expiry = item_refills(it) ? TIME_NONE
				     : last_standard_expiry(rps, n);
	sl.in_standard = true;
	sl.std_gb = b.gb;
	sl.std_gb_month = std_price_of(rc, it->workload);
	sl.files = b.files;
	end_at_purge(&sl, it);
	queue_slot(p, it, &sl);
}

/* ---- per item: eligibility, RTO holds, VM sets ---- */

static void grow_work(struct item_work *w, size_t n)
{
	if (n <= w->alloc)
		return;
	w->alloc = n;
	w->el = xrealloc(w->el, n * sizeof(*w->el));
	w->freed = xrealloc(w->freed, n * sizeof(*w->freed));
	w->candidate = xrealloc(w->candidate, n * sizeof(*w->candidate));
	w->leave = xrealloc(w->leave, n * sizeof(*w->leave));
	w->footprint = xrealloc(w->footprint, n * sizeof(*w->footprint));
	w->decided = xrealloc(w->decided, n * sizeof(*w->decided));
}

/* Targets with an RTO and a retention that cover this item on a vault
 * tier: the points they need must stay restorable within the RTO. */
static void find_holds(struct plan_ctx *p, const struct item *it)
{
	const struct target_set *ts = p->o->targets;
	struct item_work *w = &p->work;

	w->nholds = 0;
	for (size_t k = 0; ts && k < ts->n; k++) {
		const struct target *t = &ts->t[k];
		if (t->tier == TT_SNAPSHOT || isnan(t->rto_hours) ||
		    isnan(t->min_retention_days) ||
		    !target_matches(t, p->s, it))
			continue;
		w->holds = grow_array(w->holds, sizeof(*w->holds),
				      w->nholds + 1, &w->holds_alloc);
		w->holds[w->nholds++].t = t;
	}
}

static void hold_for_rto(struct plan_ctx *p, const struct item *it,
			 const struct rp *rp, struct eligibility *el)
{
	int prio = p->o->cost.high_priority ? REHYDRATE_HIGH
					    : REHYDRATE_STANDARD;
	double rehydrate, restore;
	char why[200];

	if (!p->work.nholds)
		return;
	rehydrate = rto_rehydrate_hours(prio, rp->full_gb);
	restore = rto_model_hours(&p->rto[it->workload], rp->full_gb);
	for (size_t k = 0; k < p->work.nholds; k++) {
		const struct target *t = p->work.holds[k].t;
		if (t->rto_hours >= rehydrate + restore)
			continue;
		strfmt(why, sizeof(why),
			 "target %s needs it back within %.4g h, and from "
			 "Archive it takes %.1f h (%.1f h rehydration + %.1f h "
			 "restore), so it stays in Standard",
			 t->target_id, t->rto_hours, rehydrate + restore,
			 rehydrate, restore);
		eligibility_hold(el, rp->rp_time +
					     (int64_t)(t->min_retention_days *
						       DAY_S),
				 p->now, RC_RTO_TARGET, why);
	}
}

/* A VM set moves or stays (issue 17): a point of the chosen set that
 * the model keeps for restore risk leaves the candidates and the set is
 * chosen again, so no run-mate moves on a share that assumes it moves
 * too. Each round drops a point, so it ends. */
static void settle_vm_set(struct plan_ctx *p, const struct item *it,
			  const struct rp *rps, size_t n)
{
	struct item_work *w = &p->work;
	const struct rate_card *rc = &p->cards[it->vault_idx];
	bool dropped = true;

	while (dropped) {
		vmset_score(it, rps, n, w->candidate, rc->std_gb_month,
			    rc->arc_gb_month, w->refills, w->freed, &w->set);
		dropped = false;
		for (size_t i = 0; p->o->moves == MOVES_PLAN && i < n; i++) {
			struct point_ctx pc;
			struct point_costs c;
			struct rp at_move;
			struct decision d;

			if (isnan(w->freed[i]))
				continue;
			point_ctx_at(&pc, p, it, rps, i);
			decide_on_freed(p, &pc, rps, n, i, &at_move, &c, &d,
					true);
			if (d.action == ACT_KEEP) {
				w->candidate[i] = false;
				dropped = true;
			}
		}
	}
}

/* Azure's rules let point i move, now or later (a candidate of the VM
 * set, or one the set left out that may still move on its own). */
static bool may_move(const struct item *it, const struct rp *rps, size_t i,
		     const struct item_work *w)
{
	return archivable_kind(it->workload, rps[i].kind) &&
	       w->el[i].status != ELIG_NEVER;
}

/* When point i leaves Standard: at its expiry, or at its move as the plan
 * decides it on what it frees at the move (or as --moves asks). */
static int64_t planned_leave(struct plan_ctx *p, const struct item *it,
			     const struct rp *rps, size_t n, size_t i)
{
	struct item_work *w = &p->work;
	struct point_ctx pc;
	struct point_costs c;
	struct rp at_move;
	struct decision d;

	if (!may_move(it, rps, i, w) || p->o->moves == MOVES_NONE)
		return rps[i].expiry_time;
	if (p->o->moves == MOVES_ALL_ELIGIBLE)
		return w->el[i].from > p->now ? w->el[i].from : p->now;
	point_ctx_at(&pc, p, it, rps, i);
	decide_on_freed(p, &pc, rps, n, i, &at_move, &c, &d, true);
	return d.action == ACT_MOVE_NOW || d.action == ACT_MOVE_ON
		       ? d.move_at
		       : rps[i].expiry_time;
}

/* A VM point is priced at what it holds in Standard over its life, as
 * its neighbours expire or move (issue 17, cause 2; vmset_footprint),
 * when that is more than what it frees at its move. */
static void vm_footprints(struct plan_ctx *p, const struct item *it,
			  const struct rp *rps, size_t n)
{
	struct item_work *w = &p->work;

	for (size_t i = 0; i < n; i++)
		w->leave[i] = planned_leave(p, it, rps, n, i);
	for (size_t i = 0; i < n; i++) {
		const struct eligibility *el = &w->el[i];
		int64_t end = rps[i].expiry_time != TIME_NONE
				      ? rps[i].expiry_time
				      : p->proj.h.end;

		if (!may_move(it, rps, i, w))
			continue;
		w->footprint[i] = vmset_footprint(
			it, rps, n, i, w->leave, w->freed, w->refills,
			el->from > p->now ? el->from : p->now, end);
	}
}

static void prepare_item(struct plan_ctx *p, const struct item *it,
			 const struct rp *rps, size_t n)
{
	struct item_work *w = &p->work;
	const struct policy *pol =
		it->policy_idx >= 0 ? &p->s->policies[it->policy_idx] : NULL;
	struct restore_scale sc;

	grow_work(w, n);
	find_holds(p, it);
	w->refills = item_refills(it);
	for (size_t i = 0; i < n; i++) {
		struct eligibility *el = &w->el[i];

		w->freed[i] = w->footprint[i] = w->decided[i].gb = NAN;
		w->candidate[i] = false;
		if (!archivable_kind(it->workload, rps[i].kind))
			continue;
		archive_eligibility(it, &rps[i], p->now, el);
		if (it->workload == WL_VM)
			eligibility_hold(el, vm_dependencies_end(pol, rps, n, i),
					 p->now, RC_DEPENDANTS,
					 "the daily and weekly points that "
					 "depend on it are kept");
		hold_for_rto(p, it, &rps[i], el);
		w->candidate[i] = el->status != ELIG_NEVER;
	}
	memset(&w->set, 0, sizeof(w->set));
	restore_model_scale(p->model, pol ? pol->policy_id : NULL,
			    it->workload, &sc);
	w->rho = sc.shape / sc.rate;
	if (it->workload == WL_VM)
		settle_vm_set(p, it, rps, n);
	azset_item(p, it, rps, n);
	if (it->workload == WL_VM)
		vm_footprints(p, it, rps, n);
}

bool plan_policy_in_scope(const struct plan_ctx *p, const struct policy *pol)
{
	long v = snapshot_find_vault(p->s, pol->vault_id);
	const struct vault *vt = v >= 0 ? &p->s->vaults[v] : NULL;

	return vt && scope_match(&p->o->scope, vt->subscription_id,
				 vt->vault_name, vt->tags, pol->policy_name,
				 pol->workload);
}

bool plan_item_in_scope(const struct plan_ctx *p, const struct item *it)
{
	const struct vault *v = &p->s->vaults[it->vault_idx];
	const struct policy *pol =
		it->policy_idx >= 0 ? &p->s->policies[it->policy_idx] : NULL;

	return scope_match(&p->o->scope, v->subscription_id, v->vault_name,
			   v->tags, pol ? pol->policy_name : NULL,
			   it->workload);
}

/* Planned as of a date before the export: the item's points as they
 * stood then (backtest.h); rps itself otherwise. */
static const struct rp *past_view(struct plan_ctx *p, const struct item *it,
				  const struct rp *rps, size_t *n)
{
	if (p->now >= p->s->manifest.exported_at)
		return rps;
	p->past = grow_array(p->past, sizeof(*p->past), *n + 1,
			     &p->past_alloc);
	memcpy(p->past, rps, *n * sizeof(*rps));
	*n = backtest_past_points(it->policy_idx >= 0
					  ? &p->s->policies[it->policy_idx]
					  : NULL,
				  p->past, *n, p->now);
	return p->past;
}

static int plan_item(void *ctx, const struct item *it, const struct rp *rps,
		     size_t n, struct err *e)
{
	struct plan_ctx *p = ctx;
	(void)e;

	if (!plan_item_in_scope(p, it))
		return 0;
	rps = past_view(p, it, rps, &n);
	if (!n)
		return 0;
	rps = plan_calibrated_rps(p, it, rps, n);
	plan_base(p, it, rps, n);
	levers_add_points(p, it, rps, n);
	prepare_item(p, it, rps, n);
	for (size_t i = 0; i < n; i++)
		plan_point(p, it, rps, n, i);
	return 0;
}

/* An item pending its first backup (IRPending) holds nothing yet; its
 * first backup sends its whole source to Standard, where the chain's
 * base then stays: projected from now (VMs and file shares, whose
 * chains have a base; sizes.h). */
static void plan_pending(struct plan_ctx *p, const struct item *it)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	struct slot sl = { 0 };

	if (!str_eq_ci(it->protection_state, "IRPending") ||
	    it->policy_idx < 0 || it->source_gb <= 0 ||
	    it->workload == WL_SQL || it->workload == WL_HANA ||
	    it->standard_gb > 0 || it->archive_gb > 0)
		return;
	sl.rp_time = p->now;
	sl.grows_at = TIME_NONE;
	sl.expiry = TIME_NONE;
	sl.in_standard = true;
	sl.std_gb = it->source_gb;
	sl.std_gb_month = std_price_of(rc, it->workload);
	sl.files = it->workload == WL_FILES;
	project_fixed(p, it, &sl);
}

/* Items are counted (and their protected-instance fee added) whether or
 * not they have points. */
static void add_item_fees(struct plan_ctx *p)
{
	double *fee = xcalloc(p->s->nitems + 1, sizeof(*fee));

	pi_item_fees(p->s, p->cards, fee);
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];

		if (!plan_item_in_scope(p, it))
			continue;
		add_to_totals(p, it, add_item, &fee[i]);
		projection_add_pi(&p->proj, fee[i]);
		plan_pending(p, it);
	}
	free(fee);
}

/* plan.csv's threads stopped: 0 once plan.csv is committed, if it was
 * asked to be. */
static int finish_rows(struct plan_ctx *p, struct err *e)
{
	int rc = plan_rows_finish(p->rows, e);

	p->rows = NULL;
	return rc;
}

static int plan_write_all(struct plan_ctx *p, const char *out_dir,
			  struct err *e)
{
	struct outdir dir;
	char *path;
	const struct plan_dir_hooks *h = p->o->dir_hooks;
	const char *old = p->o->replaces ? p->o->replaces : out_dir;
	int lock_fd = -1, rc;

	if (h && h->guard(old, &lock_fd, e))
		return -1;
	if (outdir_begin(&dir, out_dir, "plan", e)) {
		if (h)
			h->release(lock_fd);
		return -1;
	}
	path = outdir_file(&dir, "plan.csv");
	p->plan_w = csv_writer_open_output(path, &plan_schema, e);
	free(path);
	if (!p->plan_w)
		goto fail;
	add_item_fees(p);
	p->rows = plan_rows_start(p, project_row, write_row, commit_rows,
				  e);
	if (!p->rows)
		goto fail;
	if (jobs_end(p, snapshot_each_item_rps(p->s, plan_item, p, e), e))
		goto fail;
	/* plan.csv's last rows and fsync meanwhile */
	plan_rows_close(p->rows);
	plan_fill_summary(p);
	if (plan_write_summary(p, &dir, e) ||
	    plan_write_strategies(p, &dir, e) ||
	    plan_write_changes(p, &dir, e) ||
	    plan_write_vault_months(p, &dir, e) ||
	    plan_write_items(p, &dir, e) || plan_write_levers(p, &dir, e) ||
	    plan_write_vault_tags(p, &dir, e) ||
	    plan_write_meta(p, &dir, e) || plan_write_reasons(p, &dir, e) ||
	    plan_write_reconcile(p, &dir, e) ||
	    plan_write_vm_sets(p, &dir, e) || finish_rows(p, e) ||
	    (h && h->carry(old, dir.tmp, e)))
		goto fail;
	rc = outdir_commit(&dir, e);
	if (h)
		h->release(lock_fd);
	return rc;
fail:
	finish_rows(p, &(struct err)ERR_INIT); /* e says what failed */
	csv_writer_abort(p->plan_w);
	p->plan_w = NULL;
	outdir_abort(&dir);
	if (h)
		h->release(lock_fd);
	return -1;
}

/* The model plan decides on: the one given, else the documented prior
 * fitted on the snapshot's restores as `fit` writes it with under 5 (its
 * posterior, never a rule that ignores it: issue 17). */
static int use_model(struct plan_ctx *p, struct err *e)
{
	struct fit_options fo = FIT_OPTIONS_INIT;

	p->sum->method = p->o->model ? "model" : "prior";
	p->model = p->o->model;
	if (p->model)
		return 0;
	fo.level = p->o->level;
	fo.min_events = LONG_MAX;
	/* the fit and the plan stream the same rows: parse them once (the
	 * points on the other core while the fit reads the jobs) */
	snapshot_read_points_ahead(p->s);
	if (restore_model_fit(&p->prior, p->s, &fo, e))
		return -1;
	p->model = p->prior;
	return 0;
}

int plan_run(struct snapshot *s, const struct plan_options *o,
	     const char *out_dir, struct plan_summary *out, struct err *e)
{
	struct plan_ctx p = { 0 };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->bill_rows = -1;
	plan_risk_init(&out->risk, s->nvaults, s->npolicies);
	p.s = s;
	p.o = o;
	p.now = s->as_of;
	p.sum = out;
	projection_init(&p.proj, p.now, o->horizon_months);
	p.vault_proj = xcalloc(s->nvaults + 1, sizeof(*p.vault_proj));
	for (size_t v = 0; v < s->nvaults; v++)
		projection_init(&p.vault_proj[v], p.now, o->horizon_months);
	p.vault_tot = xcalloc(s->nvaults + 1, sizeof(*p.vault_tot));
	p.policy_tot = xcalloc(s->npolicies + 1, sizeof(*p.policy_tot));
	p.pstate = xcalloc(s->npolicies + 1, sizeof(*p.pstate));
	p.forecasts = xcalloc(FORECAST_CACHE, sizeof(*p.forecasts));
	p.best_ages = xcalloc(BEST_AGE_CACHE, sizeof(*p.best_ages));
	p.planned = xcalloc(s->nitems + 1, sizeof(*p.planned));
	_Static_assert(PLAN_HORIZON_MAX == PROJ_MAX_MONTHS,
		       "plan.json's horizon is the projection's");
	for (size_t i = 0; i < s->npolicies; i++)
		init_settings(&p.pstate[i], &s->policies[i], &o->tiering);
	if (load_rate_cards(&p, e) || plan_calibrate(&p, e) ||
	    use_model(&p, e) || jobs_begin(&p, e))
		goto done;
	levers_init(&p);
	rc = jobs_end(&p, plan_write_all(&p, out_dir, e), e);
done:
	projection_release(&p.proj);
	for (size_t v = 0; v < s->nvaults; v++)
		projection_release(&p.vault_proj[v]);
	free(p.vault_proj);
	prices_release(&p.prices);
	free(p.cards);
	restore_model_free(p.prior);
	free(p.vault_tot);
	free(p.policy_tot);
	free(p.pstate);
	free(p.forecasts);
	free(p.best_ages);
	free(p.planned);
	free(p.past);
	levers_release(&p.levers);
	azsets_release(&p.az);
	free(p.work.el);
	free(p.work.freed);
	free(p.work.candidate);
	free(p.work.leave);
	free(p.work.footprint);
	free(p.work.decided);
	free(p.work.holds);
	rto_samples_release(&p.rto_samples);
	plan_calibration_free(&p);
	return rc;
}

void plan_summary_release(struct plan_summary *sum)
{
	for (size_t i = 0; i < sum->ncaveats; i++)
		free(sum->caveats[i]);
	free(sum->caveats);
	sum->caveats = NULL;
	sum->ncaveats = 0;
	plan_risk_release(&sum->risk);
}

