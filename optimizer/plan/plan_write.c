/* SPDX-License-Identifier: MIT
 * plan_write.c: the plan directory's files other than plan.csv:
 * summary.csv (per vault, per policy, total), strategies.csv (month by
 * month per strategy), policy_changes.csv (the cheapest tieringPolicy
 * setting per policy) and plan.json; and the summary printed for people. */
#include <math.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "optimizer/base/fileio.h"
#include "optimizer/base/jsonutil.h"
#include "optimizer/plan/plan_internal.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

#define R CSV_REQUIRED
static const struct csv_column strategy_cols[] = {
	{ "strategy", R }, { "month", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "cost", R }, { "currency", R },
	{ "pi_cost", 0 }, { "total_cost", 0 }, { "basis", 0 },
	{ "recommended_from", 0 },
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
	{ "policy_arm_id", 0 }, { "proposed_daily_keep_days", 0 },
	{ "proposed_instant_rp_days", 0 }, { "min_retention_days", 0 },
	{ "lever_saving_month", 0 },
};
static const struct csv_schema changes_schema = {
	"policy_changes.csv", change_cols, ARRAY_SIZE(change_cols)
};

static const struct csv_column vault_month_cols[] = {
	{ "vault_id", R }, { "month", R }, { "strategy", R },
	{ "standard_gb", R }, { "archive_gb", R }, { "cost", R },
	{ "pi_cost", R }, { "total_cost", R }, { "currency", R },
	{ "vault_name", 0 }, { "standard_gb_month_price", 0 },
	{ "archive_gb_month_price", 0 }, { "standard_cost", 0 },
	{ "archive_cost", 0 }, { "restore_cost", 0 },
	{ "expected_restores", 0 }, { "basis", 0 },
	{ "files_vaulted_gb", 0 }, { "files_vaulted_gb_month_price", 0 },
	{ "files_vaulted_cost", 0 },
};
static const struct csv_schema vault_months_schema = {
	"vault_months.csv", vault_month_cols, ARRAY_SIZE(vault_month_cols)
};

static const struct csv_column item_cols[] = {
	{ "item_id", R }, { "vault_id", R }, { "policy_id", R },
	{ "vault_name", R }, { "policy_name", R }, { "item_name", R },
	{ "workload", R }, { "arm_id", R },
};
static const struct csv_schema items_schema = {
	"items.csv", item_cols, ARRAY_SIZE(item_cols)
};

/* The vaults' tags, for apply --tag (the plan's other files name vaults
 * by id and name only). */
static const struct csv_column vault_tag_cols[] = {
	{ "vault_id", R }, { "vault_name", R }, { "subscription_id", R },
	{ "tags", R },
};
static const struct csv_schema vault_tags_schema = {
	"vault_tags.csv", vault_tag_cols, ARRAY_SIZE(vault_tag_cols)
};

static const struct csv_column summary_cols[] = {
	{ "level", R }, { "id", R }, { "name", R }, { "vault_name", R },
	{ "items", R }, { "points", R }, { "considered", R },
	{ "eligible_now", R }, { "move_now", R }, { "move_on", R },
	{ "keep", R }, { "ineligible", R }, { "standard_gb", R },
	{ "archive_gb", R }, { "monthly_storage_now", R },
	{ "monthly_storage_after", R }, { "monthly_pi", R },
	{ "saving_total", R }, { "currency", R }, { "basis", 0 },
};
static const struct csv_schema summary_schema = {
	"summary.csv", summary_cols, ARRAY_SIZE(summary_cols)
};
#undef R


static void put_totals(struct csv_writer *w, const struct totals *t,
		       const char *currency, const char *basis)
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
	csv_put(w, basis);
	csv_end_row(w);
}

int plan_write_summary(struct plan_ctx *p, struct outdir *dir,
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
		put_totals(w, &p->vault_tot[i], p->currency,
			   plan_basis(p, (long)i));
	}
	for (size_t i = 0; i < s->npolicies; i++) {
		const struct policy *pol = &s->policies[i];
		long v = snapshot_find_vault(s, pol->vault_id);
		csv_put(w, "policy");
		csv_put(w, pol->policy_id);
		csv_put(w, pol->policy_name);
		csv_put(w, s->vaults[v].vault_name);
		put_totals(w, &p->policy_tot[i], p->currency,
			   plan_basis(p, v));
	}
	plan_write_bv_summary(p, w);
	csv_put(w, "total");
	csv_put(w, "");
	csv_put(w, "all vaults");
	csv_put(w, "");
	put_totals(w, &p->all, p->currency, plan_basis(p, -1));
	return csv_writer_commit(w, NULL, e);
}

/* Month m of strategy k; the plan's is the sum of its per-vault
 * projections (plan.c projects the plan per vault only). */
static void strategy_month(const struct plan_ctx *p, int k, int m,
			   struct month_total *out)
{
	if (k != STRAT_PLAN) {
		projection_month(&p->proj, k, m, out);
		return;
	}
	memset(out, 0, sizeof(*out));
	for (size_t v = 0; v < p->s->nvaults; v++) {
		struct month_total mt;
		projection_month(&p->vault_proj[v], k, m, &mt);
		out->std_gb += mt.std_gb;
		out->files_gb += mt.files_gb;
		out->arc_gb += mt.arc_gb;
		out->cost += mt.cost;
		out->restores += mt.restores;
	}
}

static double strategy_total(const struct plan_ctx *p, int k)
{
	struct month_total mt;
	double sum = 0;

	for (int m = 0; m < p->proj.h.months; m++) {
		strategy_month(p, k, m, &mt);
		sum += mt.cost;
	}
	return sum;
}

int plan_write_strategies(struct plan_ctx *p, struct outdir *dir,
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

			strategy_month(p, k, m, &mt);
			time_to_civil(pr->h.month_start[m], &c);
			csv_put(w, strategy_names[k]);
			csv_putf(w, "%04d-%02d", c.year, c.month);
			csv_put_double(w, mt.std_gb, 2);
			csv_put_double(w, mt.arc_gb, 2);
			csv_put_double(w, mt.cost, 2);
			csv_put(w, p->currency);
			csv_put_double(w, pr->pi_month[k], 2);
			csv_put_double(w, mt.cost + pr->pi_month[k], 2);
			csv_put(w, plan_basis(p, -1));
			csv_put(w, k == STRAT_TIER_RECOMMENDED
					   ? azset_tier_basis(p, -1)
					   : "");
			csv_end_row(w);
		}
	p->sum->avg_monthly_saving =
		(strategy_total(p, STRAT_DO_NOTHING) -
		 strategy_total(p, STRAT_PLAN)) /
		pr->h.months;
	return csv_writer_commit(w, NULL, e);
}

/* A vault's month of the plan strategy, cost split: Standard, Files
 * Vaulted and Archive storage are the day-averaged GiB at the month's
 * price (Azure bills the month's average daily GB, whatever its length),
 * and the rest of the projection's cost is the expected cost of restores
 * from Archive (0 without a model). std_gb is the Standard meter's GiB,
 * the Files Vaulted meter's apart. */
struct month_split {
	double std_gb, std_cost, files_cost, arc_cost, restore_cost;
};

static void split_month(const struct rate_card *rc,
			const struct month_total *mt, struct month_split *out)
{
	out->std_gb = mt->std_gb - mt->files_gb;
	if (fabs(out->std_gb) < 5e-7) /* rounding */
		out->std_gb = 0;
	out->std_cost = out->std_gb * rc->std_gb_month;
	out->files_cost = mt->files_gb * rc->files_gb_month;
	out->arc_cost = mt->arc_gb * rc->arc_gb_month;
	out->restore_cost = mt->cost - out->std_cost - out->files_cost -
			    out->arc_cost;
	if (fabs(out->restore_cost) < 5e-7) /* rounding, not restores */
		out->restore_cost = 0;
}

/* The plan strategy per vault and month: the figures the report and
 * focus.csv break down by vault. Summed over vaults, cost is
 * strategies.csv's plan line. */
int plan_write_vault_months(struct plan_ctx *p, struct outdir *dir,
			    struct err *e)
{
	char *path = outdir_file(dir, "vault_months.csv");
	struct csv_writer *w = csv_writer_open(path, &vault_months_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t v = 0; v < p->s->nvaults; v++) {
		const struct projection *pr = &p->vault_proj[v];
		const struct rate_card *rc = &p->cards[v];

		for (int m = 0; m < pr->h.months; m++) {
			struct month_total mt;
			struct month_split sp;
			struct civil c;

			projection_month(pr, STRAT_PLAN, m, &mt);
			split_month(rc, &mt, &sp);
			time_to_civil(pr->h.month_start[m], &c);
			csv_put(w, p->s->vaults[v].vault_id);
			csv_putf(w, "%04d-%02d", c.year, c.month);
			csv_put(w, strategy_names[STRAT_PLAN]);
			csv_put_double(w, sp.std_gb, 2);
			csv_put_double(w, mt.arc_gb, 2);
			csv_put_double(w, mt.cost, 2);
			csv_put_double(w, p->vault_tot[v].pi, 2);
			csv_put_double(w, mt.cost + p->vault_tot[v].pi, 2);
			csv_put(w, p->currency);
			csv_put(w, p->s->vaults[v].vault_name);
			csv_put_double(w, rc->std_gb_month, 6);
			csv_put_double(w, rc->arc_gb_month, 6);
			csv_put_double(w, sp.std_cost, 4);
			csv_put_double(w, sp.arc_cost, 4);
			csv_put_double(w, sp.restore_cost, 4);
			csv_put_double(w, mt.restores, 6);
			csv_put(w, plan_basis(p, (long)v));
			csv_put_double(w, mt.files_gb, 2);
			csv_put_double(w, rc->files_gb_month, 6);
			csv_put_double(w, sp.files_cost, 4);
			csv_end_row(w);
		}
	}
	return csv_writer_commit(w, NULL, e);
}

/* The items of plan.csv's rows, with their ARM ids: said once per item
 * rather than on every row (apply builds its URLs from them). */
int plan_write_items(struct plan_ctx *p, struct outdir *dir, struct err *e)
{
	char *path = outdir_file(dir, "items.csv");
	struct csv_writer *w = csv_writer_open(path, &items_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		const struct policy *pol =
			it->policy_idx >= 0 ? &p->s->policies[it->policy_idx]
					    : NULL;

		if (!p->planned[i])
			continue;
		csv_put(w, it->item_id);
		csv_put(w, it->vault_id);
		csv_put(w, it->policy_id);
		csv_put(w, p->s->vaults[it->vault_idx].vault_name);
		csv_put(w, pol ? pol->policy_name : "");
		csv_put(w, it->item_name);
		csv_put(w, workload_names[it->workload]);
		csv_put(w, it->arm_id);
		csv_end_row(w);
	}
	return csv_writer_commit(w, NULL, e);
}

int plan_write_vault_tags(struct plan_ctx *p, struct outdir *dir,
			  struct err *e)
{
	char *path = outdir_file(dir, "vault_tags.csv");
	struct csv_writer *w = csv_writer_open(path, &vault_tags_schema, e);

	free(path);
	if (!w)
		return -1;
	for (size_t i = 0; i < p->s->nvaults; i++) {
		const struct vault *v = &p->s->vaults[i];

		csv_put(w, v->vault_id);
		csv_put(w, v->vault_name);
		csv_put(w, v->subscription_id);
		csv_put(w, v->tags ? v->tags : "");
		csv_end_row(w);
	}
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

/* The setting plan --tiering asks for, if Azure allows it for this
 * policy (init_settings scored it then); else NULL and why. */
static const struct setting *asked_setting(const struct plan_ctx *p,
					   const struct policy *pol,
					   const struct policy_state *ps,
					   char *why, size_t n)
{
	const struct tiering_choice *t = &p->o->tiering;
	int dur = t->mode != TM_TIERAFTER ? 0
		  : pol->workload != WL_VM ? t->days
		  : t->days % 30 == 0	   ? t->days / 30
					   : -1;
	char asked[64];

	for (int i = 0; i < ps->nsettings; i++)
		if (ps->settings[i].mode == t->mode &&
		    ps->settings[i].duration == dur)
			return &ps->settings[i];
	if (t->mode == TM_TIERAFTER)
		snprintf(asked, sizeof(asked), "TierAfter %d %s",
			 t->months ? t->days / 30 : t->days,
			 t->months ? "months" : "days");
	else
		snprintf(asked, sizeof(asked), "%s",
			 tiering_mode_names[t->mode]);
	snprintf(why, n,
		 "not changed: Azure does not allow %s on this %s policy "
		 "(VM: TierRecommended, or TierAfter in whole months from 3 "
		 "to its longest retention less 6; SQL/HANA: TierAfter in "
		 "days from 45 to its longest retention less 180)",
		 asked, workload_names[pol->workload]);
	return NULL;
}

/* plan --propose: the levers' columns, empty for none. */
static void put_proposal(struct csv_writer *w,
			 const struct lever_proposal *lp)
{
	if (lp->daily_days)
		csv_put_long(w, lp->daily_days);
	else
		csv_put(w, "");
	if (lp->instant_days)
		csv_put_long(w, lp->instant_days);
	else
		csv_put(w, "");
	if (lp->min_days > 0)
		csv_put_long(w, (long)ceil(lp->min_days));
	else
		csv_put(w, "");
	if (!lp->daily_days && !lp->instant_days)
		csv_put(w, "");
	else
		csv_put_double(w, (lp->daily_days ? lp->daily_saving : 0) +
					  (lp->instant_days &&
						   !isnan(lp->instant_saving)
						   ? lp->instant_saving
						   : 0),
			       2);
}

/* The reason's words for what plan --propose adds. */
static void say_proposal(char *reason, size_t n, const struct policy *pol,
			 const struct lever_proposal *lp, const char *currency)
{
	size_t len = strlen(reason);
	char saves[64] = "not priced";

	if (lp->daily_days)
		len += (size_t)snprintf(
			reason + len, len < n ? n - len : 0,
			"; as asked (plan --propose retention): daily points "
			"kept %d days instead of %d (levers.csv "
			"retention-daily: saves %.2f %s/month)",
			lp->daily_days, pol->daily_keep_days, lp->daily_saving,
			currency);
	if (!isnan(lp->instant_saving))
		snprintf(saves, sizeof(saves), "saves %.2f %s/month",
			 lp->instant_saving, currency);
	if (lp->instant_days && len < n)
		snprintf(reason + len, n - len,
			 "; as asked (plan --propose instant-restore): "
			 "instant restore %d days instead of %d (levers.csv "
			 "instant-restore: %s)",
			 lp->instant_days, pol->instant_rp_days, saves);
}

static void write_change(struct plan_ctx *p, struct csv_writer *w,
			 const struct policy *pol,
			 const struct policy_state *ps,
			 const struct lever_proposal *lp)
{
	const struct tiering_choice *t = &p->o->tiering;
	char refused[400] = "";
	const struct setting *best =
		!ps->nsettings		 ? NULL
		: t->intent == TI_CHEAPEST ? best_setting(ps)
		: t->intent == TI_SET
			? asked_setting(p, pol, ps, refused, sizeof(refused))
			: NULL;
	const struct vault *v =
		&p->s->vaults[snapshot_find_vault(p->s, pol->vault_id)];
	double saving = best ? ps->current_cost - best->cost : 0;
	int current_duration = pol->workload == WL_VM
				       ? pol->tier_after_days / 30
				       : pol->tier_after_days;
	char current[64], proposed[64], reason[800];
	bool same = !best || (best->mode == pol->tiering_mode &&
			      (best->mode != TM_TIERAFTER ||
			       best->duration == current_duration));

	describe_setting(current, sizeof(current), pol->workload,
			 pol->tiering_mode, current_duration);
	if (best)
		describe_setting(proposed, sizeof(proposed), pol->workload,
				 best->mode, best->duration);
	if (!best) {
		saving = 0;
		snprintf(reason, sizeof(reason), "%s",
			 refused[0]	  ? refused
			 : !ps->nsettings ? "no tieringPolicy: Azure allows "
					    "none on this policy"
					  : "kept as it is, as asked (plan "
					    "--tiering keep)");
	} else if (t->intent == TI_SET && same) {
		best = NULL;
		saving = 0;
		snprintf(reason, sizeof(reason),
			 "already %s, as asked (plan --tiering)", current);
	} else if (t->intent == TI_SET) {
		p->sum->policy_changes++;
		snprintf(reason, sizeof(reason),
			 "%s as asked (plan --tiering) instead of %s: %s %.2f "
			 "%s over the next %d months on %d archivable points",
			 proposed, current, saving >= 0 ? "saves" : "costs",
			 fabs(saving), p->currency, p->proj.h.months,
			 ps->archivable);
	} else if (same || saving < 0.005) {
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
	azset_say_tier_basis(p, pol, best, reason, sizeof(reason));
	say_proposal(reason, sizeof(reason), pol, lp, p->currency);
	csv_put(w, reason);
	if (pol->tiering_mode == TM_TIERAFTER)
		csv_put_long(w, pol->tier_after_days);
	else
		csv_put(w, "");
	csv_put_double(w, ps->current_cost - ps->plan_cost, 2);
	csv_put_long(w, p->proj.h.months);
	csv_put(w, pol->arm_id);
	put_proposal(w, lp);
	csv_end_row(w);
}

int plan_write_changes(struct plan_ctx *p, struct outdir *dir,
			 struct err *e)
{
	char *path = outdir_file(dir, "policy_changes.csv");
	struct csv_writer *w = csv_writer_open(path, &changes_schema, e);

	free(path);
	if (!w)
		return -1;
	/* every in-scope policy when one setting is asked for all, and
	 * those with a lever plan --propose puts here */
	for (size_t i = 0; i < p->s->npolicies; i++) {
		struct lever_proposal lp;
		bool levers = levers_proposal(p, i, &lp);
		if ((levers ||
		     ((p->pstate[i].archivable ||
		       p->o->tiering.intent == TI_SET) &&
		      p->pstate[i].nsettings)) &&
		    plan_policy_in_scope(p, &p->s->policies[i]))
			write_change(p, w, &p->s->policies[i], &p->pstate[i],
				     &lp);
	}
	return csv_writer_commit(w, NULL, e);
}

int plan_write_meta(struct plan_ctx *p, struct outdir *dir, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[TIME_ISO_LEN];
	char *path = outdir_file(dir, "plan.json");
	char *text;
	int rc;

	time_format_iso(p->now, when);
	cJSON_AddStringToObject(o, "tool_version", VAULTWISE_VERSION);
	json_add_text(o, "snapshot", p->o->snapshot_path ? p->o->snapshot_path
							  : p->s->dir);
	cJSON_AddStringToObject(o, "as_of", when);
	cJSON_AddStringToObject(o, "currency", p->currency);
	json_add_text(o, "prices", p->prices.path);
	cJSON_AddNumberToObject(o, "horizon_months", p->proj.h.months);
	cJSON_AddStringToObject(o, "method", p->sum->method);
	if (p->o->model && p->o->model_path)
		json_add_text(o, "model", p->o->model_path);
	cJSON_AddNumberToObject(o, "risk_quantile", p->o->risk_q);
	text = cJSON_Print(o);
	cJSON_Delete(o);
	rc = afile_write_string(path, text, e);
	cJSON_free(text);
	free(path);
	return rc;
}

void plan_fill_summary(struct plan_ctx *p)
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


static double pct_of(double model, double billed)
{
	return billed != 0 ? 100 * (model - billed) / billed : 0;
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
		"%.2f %s over the points' remaining lives %s\n",
		sum->monthly_storage_after, cur, sum->saving_total, cur,
		"net of the restores from Archive the model expects");
	fprintf(out,
		"projected saving: %.2f %s/month on average over %d months "
		"(plan against doing nothing, new points included)\n",
		sum->avg_monthly_saving, cur, sum->horizon_months);
	fprintf(out, "policy tiering settings worth changing: %ld\n",
		sum->policy_changes);
	fprintf(out,
		"decided with %s; %ld VM points move with their neighbours, "
		"%ld are held in Standard by RTO targets\n",
		strcmp(sum->method, "model") == 0
			? "the restore-likelihood model"
			: "the documented restore prior (no --model)",
		sum->moved_with_set, sum->held_by_rto);
	if (sum->bill_rows >= 0)
		fprintf(out,
			"the model against the bill: %.2f %s billed in %s for "
			"the vaults' Backup meters (%ld rows), %.2f %s "
			"modelled once calibrated (%+.1f%%), %.2f before "
			"(%+.1f%%); see reconcile.csv\n",
			sum->billed, cur, sum->bill_month[0] ? sum->bill_month
							     : "no month",
			sum->bill_rows, sum->modelled, cur,
			pct_of(sum->modelled, sum->billed),
			sum->uncalibrated,
			pct_of(sum->uncalibrated, sum->billed));
}
