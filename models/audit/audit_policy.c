/* SPDX-License-Identifier: MIT
 * audit_policy.c: the rules on backup policies: enhanced-policy (VM items
 * whose targets or job history need an Enhanced policy) and smart-tiering
 * (long-term retention without tiering, TierAfter on low-churn VMs).
 * Pure functions over one vault's rows (audit_internal.h); called through
 * audit_rule_eval. No I/O. */
#include "models/audit/audit_internal.h"

#include <math.h>

static size_t policy_index(const struct vault_view *vv,
			   const struct policy *p)
{
	return (size_t)(p - vv->s->policies);
}

/* ---- enhanced-policy ---- */

/* The tightest snapshot/any-tier target under 24 h covering an item. */
static const struct target *tight_target(const struct vault_view *vv,
					 const struct audit_inputs *in,
					 const struct item *it)
{
	const struct target *best = NULL;

	if (!in->targets)
		return NULL;
	for (size_t i = 0; i < in->targets->n; i++) {
		const struct target *t = &in->targets->t[i];
		if (isnan(t->rpo_hours) || t->rpo_hours >= 24 ||
		    t->tier == TT_VAULT || !target_matches(t, vv->s, it))
			continue;
		if (!best || t->rpo_hours < best->rpo_hours)
			best = t;
	}
	return best;
}

static unsigned extra_backups(const struct vault_view *vv,
			      const struct audit_inputs *in,
			      const struct item *it)
{
	if (!in->extra_backups)
		return 0;
	return in->extra_backups[it - vv->s->items];
}

/* Interval of an Enhanced hourly schedule (4, 6, 8 or 12 h) meeting rpo. */
static int enhanced_interval(double rpo)
{
	static const int choices[] = { 12, 8, 6, 4 };

	for (size_t i = 0; i < ARRAY_SIZE(choices); i++)
		if (choices[i] <= rpo)
			return choices[i];
	return 4;
}

struct enhanced_scan {
	size_t nstandard, nenhanced, nneed;
	double tightest;            /* smallest target RPO, h; 24 if none */
	struct strbuf needs, policies;
};

static bool vm_on_policy(const struct vault_view *vv, const struct item *it)
{
	return it->workload == WL_VM && it->policy_idx >= 0 &&
	       vv->s->policies[it->policy_idx].workload == WL_VM;
}

static void scan_item_need(const struct vault_view *vv,
			   const struct audit_inputs *in,
			   const struct item *it, struct enhanced_scan *sc)
{
	const struct policy *p = &vv->s->policies[it->policy_idx];
	const struct target *t = tight_target(vv, in, it);
	unsigned extra = extra_backups(vv, in, it);
	size_t listed = sc->nneed;

	if (!t && extra < POSTURE_EXTRA_BACKUPS)
		return;
	sc->nneed++;
	if (t && t->rpo_hours < sc->tightest)
		sc->tightest = t->rpo_hours;
	if (!list_room(&listed))
		return;
	add_part(&sc->needs, ", ", "'%s' (policy '%s'", it->item_name,
		 p->policy_name);
	if (t)
		strbuf_addf(&sc->needs, "; target '%s' rpo_hours=%g",
			    t->target_id, t->rpo_hours);
	if (extra >= POSTURE_EXTRA_BACKUPS)
		strbuf_addf(&sc->needs,
			    "; %u backups < %d h after the previous one in "
			    "the last %d days",
			    extra, POSTURE_EXTRA_BACKUP_HOURS,
			    POSTURE_JOB_WINDOW_DAYS);
	strbuf_addch(&sc->needs, ')');
}

static void scan_enhanced(const struct vault_view *vv,
			  const struct audit_inputs *in,
			  struct enhanced_scan *sc)
{
	size_t listed = 0;

	for (size_t i = 0; i < vv->nitems; i++) {
		const struct item *it = vv->items[i];
		if (!vm_on_policy(vv, it))
			continue;
		if (vv->s->policies[it->policy_idx].policy_type ==
		    PT_ENHANCED) {
			sc->nenhanced++;
			continue;
		}
		sc->nstandard++;
		scan_item_need(vv, in, it, sc);
	}
	list_end(&sc->needs, sc->nneed);
	for (size_t i = 0; i < vv->npolicies; i++) {
		const struct policy *p = vv->policies[i];
		if (p->workload == WL_VM && list_room(&listed))
			add_part(&sc->policies, ", ",
				 "'%s' policy_type=%s instant_rp_days=%d",
				 p->policy_name,
				 policy_type_names[p->policy_type],
				 p->instant_rp_days);
	}
	list_end(&sc->policies, listed);
}

static void enhanced_fix(const struct vault_view *vv,
			 const struct enhanced_scan *sc, struct finding *f)
{
	int every = enhanced_interval(sc->tightest);

	strbuf_addf(&f->fix,
		    "create an Enhanced policy with an Hourly schedule every "
		    "%d h and instant restore of 7 days or more (1-30), then "
		    "move these items to it: az backup item set-policy -g ",
		    every);
	strbuf_add_shell_word(&f->fix, vv->v->resource_group);
	strbuf_adds(&f->fix, " -v ");
	strbuf_add_shell_word(&f->fix, vv->v->vault_name);
	strbuf_adds(&f->fix,
		    " -c CONTAINER -n ITEM -p ENHANCED_POLICY --yes "
		    "(a VM can't go back to a Standard policy, and snapshots "
		    "cost more)");
	if (sc->tightest < 4)
		strbuf_addf(&f->fix,
			    "; a target of %g h is below the 4 h minimum of "
			    "VM backup and stays unmet",
			    sc->tightest);
}

void audit_enhanced(const struct vault_view *vv,
		      const struct audit_inputs *in, struct finding *f)
{
	struct enhanced_scan sc = { 0, 0, 0, 24, STRBUF_INIT, STRBUF_INIT };

	scan_enhanced(vv, in, &sc);
	strbuf_addf(&f->evidence, "vm_items_standard=%zu; "
				  "vm_items_enhanced=%zu",
		    sc.nstandard, sc.nenhanced);
	if (sc.policies.len)
		strbuf_addf(&f->evidence, "; %s", sc.policies.buf);
	if (sc.nneed) {
		fail(f, SEV_MEDIUM);
		strbuf_addf(&f->evidence, "; need Enhanced: %s", sc.needs.buf);
		strbuf_addf(&f->detail,
			    "%zu VM item(s) on a Standard policy need several "
			    "backups a day: a Standard policy backs up once a "
			    "day (RPO 24 h) and keeps instant-restore "
			    "snapshots 1-5 days; an Enhanced policy backs up "
			    "every 4-12 h and keeps them 1-30 days",
			    sc.nneed);
		enhanced_fix(vv, &sc, f);
	} else if (!sc.nstandard) {
		strbuf_adds(&f->detail,
			    sc.nenhanced ? "every VM item is on an Enhanced "
					   "policy"
					 : "no VM items in this vault");
	} else {
		strbuf_addf(&f->detail,
			    "no VM item on a Standard policy has a target "
			    "with rpo_hours < 24 or %d+ backups < %d h after "
			    "the previous one in the last %d days",
			    POSTURE_EXTRA_BACKUPS, POSTURE_EXTRA_BACKUP_HOURS,
			    POSTURE_JOB_WINDOW_DAYS);
	}
	if (sc.nstandard && !in->targets)
		add_part(&f->detail, "; ",
			 "no --targets given: only the job history was "
			 "checked");
	if (sc.nstandard && in->targets)
		add_part(&f->detail, "; ",
			 "targets with tier=vault are not counted: only a "
			 "day's last point reaches the vault, even with "
			 "Enhanced");
	if (sc.nstandard && !in->extra_backups)
		add_part(&f->detail, "; ", "job history not read");
	strbuf_release(&sc.needs);
	strbuf_release(&sc.policies);
}

/* ---- smart-tiering ---- */

static bool long_term(const struct policy *p)
{
	return p->monthly_keep_months >= POSTURE_TIERING_MIN_MONTHS ||
	       p->yearly_keep_years * 12 >= POSTURE_TIERING_MIN_MONTHS;
}

static bool archivable_workload(int workload)
{
	return workload == WL_VM || workload == WL_SQL ||
	       workload == WL_HANA;
}

static bool plan_tiers(const struct audit_plan_row *r)
{
	return r->saving_total > 0 && !str_eq_ci(r->proposed_tiering, "None") &&
	       !str_eq_ci(r->proposed_tiering, "DoNotTier") &&
	       r->proposed_tiering[0];
}

struct tiering_scan {
	size_t nuntiered, nlowchurn, nlong, nskipped, ntiered;
	double saving;
	const char *currency;
	struct strbuf untiered, lowchurn, fix, skipped, tiered, notes;
};

static void add_plan_proposal(struct strbuf *sb,
			      const struct audit_plan_row *r)
{
	strbuf_adds(sb, r->proposed_tiering);
	if (r->duration)
		strbuf_addf(sb, " %ld %s", r->duration, r->duration_type);
}

/* A long-term policy without tiering: listed in the evidence and the fix
 * (up to POSTURE_LIST_MAX), its plan saving summed. */
static void untiered_policy(const struct policy *p,
			    const struct audit_plan_row *r,
			    struct tiering_scan *sc)
{
	size_t listed = sc->nuntiered++;

	if (r) {
		sc->saving += r->saving_total;
		sc->currency = r->currency;
	}
	if (!list_room(&listed))
		return;
	add_part(&sc->untiered, "; ",
		 "'%s' monthly_keep_months=%d yearly_keep_years=%d "
		 "tiering_mode=%s",
		 p->policy_name, p->monthly_keep_months, p->yearly_keep_years,
		 tiering_mode_names[p->tiering_mode]);
	add_part(&sc->fix, "; ", "'%s': ", p->policy_name);
	if (r) {
		strbuf_adds(&sc->untiered, " (plan: ");
		add_plan_proposal(&sc->untiered, r);
		strbuf_addf(&sc->untiered, ", saving %.2f %s)",
			    r->saving_total, r->currency);
		strbuf_adds(&sc->fix, "the plan's ");
		add_plan_proposal(&sc->fix, r);
		if (r->reason[0])
			add_part(&sc->notes, "; ", "'%s': %s", p->policy_name,
				 r->reason);
	} else if (p->workload == WL_VM) {
		strbuf_adds(&sc->fix, "TierRecommended (Azure moves only the "
				      "points whose move saves money)");
	} else {
		strbuf_adds(&sc->fix, "TierAfter 45 Days (allowed: 45 days "
				      "to retention - 180 days)");
	}
}

static void low_churn_policy(const struct vault_view *vv,
			     const struct policy *p, struct tiering_scan *sc)
{
	size_t pi = policy_index(vv, p), listed = 0;
	struct strbuf names = STRBUF_INIT;

	for (size_t i = 0; i < vv->nitems; i++) {
		const struct item *it = vv->items[i];
		if (it->policy_idx != (long)pi || it->workload != WL_VM ||
		    it->daily_churn >= POSTURE_LOW_CHURN)
			continue;
		if (list_room(&listed))
			add_part(&names, ", ", "'%s' daily_churn=%.2f%%",
				 it->item_name, 100 * it->daily_churn);
	}
	list_end(&names, listed);
	if (listed) {
		sc->nlowchurn++;
		add_part(&sc->lowchurn, "; ",
			 "'%s' tiering_mode=TierAfter tier_after_days=%d on "
			 "%s",
			 p->policy_name, p->tier_after_days, names.buf);
		add_part(&sc->fix, "; ",
			 "'%s': TierRecommended or DoNotTier instead of "
			 "TierAfter",
			 p->policy_name);
	}
	strbuf_release(&names);
}

static void scan_policy_tiering(const struct vault_view *vv,
				const struct audit_inputs *in,
				const struct policy *p,
				struct tiering_scan *sc)
{
	const struct audit_plan_row *r;

	if (!archivable_workload(p->workload) || !long_term(p))
		return;
	sc->nlong++;
	if (p->tiering_mode == TM_TIERAFTER && p->workload == WL_VM)
		low_churn_policy(vv, p, sc);
	if (p->tiering_mode != TM_NONE && p->tiering_mode != TM_DONOTTIER) {
		if (list_room(&sc->ntiered))
			add_part(&sc->tiered, ", ", "'%s' tiering_mode=%s",
				 p->policy_name,
				 tiering_mode_names[p->tiering_mode]);
		return;
	}
	r = in->plan ? audit_plan_find(in->plan, p->policy_id) : NULL;
	if (r && !plan_tiers(r)) {
		if (!list_room(&sc->nskipped))
			return;
		add_part(&sc->skipped, ", ",
			 "'%s' (proposed %s, saving %.2f %s",
			 p->policy_name,
			 r->proposed_tiering[0] ? r->proposed_tiering : "-",
			 r->saving_total, r->currency);
		if (r->reason[0])
			strbuf_addf(&sc->skipped, ": %s", r->reason);
		strbuf_addch(&sc->skipped, ')');
		return;
	}
	untiered_policy(p, r, sc);
}

static void tiering_detail(const struct audit_inputs *in,
			   const struct tiering_scan *sc, struct finding *f)
{
	if (sc->nuntiered)
		add_part(&f->detail, "; ",
			 "%zu polic%s keep%s monthly/yearly points >= %d "
			 "months in Vault-standard with no tiering: "
			 "Vault-archive costs far less per GB for points "
			 "rarely restored",
			 sc->nuntiered, sc->nuntiered == 1 ? "y" : "ies",
			 sc->nuntiered == 1 ? "s" : "",
			 POSTURE_TIERING_MIN_MONTHS);
	if (sc->nlowchurn)
		add_part(&f->detail, "; ",
			 "TierAfter on low-churn VMs (daily churn < 1%%): a "
			 "point moved to archive becomes a full copy, which "
			 "can cost more than the incremental Standard point it "
			 "replaces (azure-backup.md §3.2)");
	if (sc->nskipped)
		add_part(&f->detail, "; ",
			 "the plan finds no saving for %s", sc->skipped.buf);
	if (sc->notes.len)
		add_part(&f->detail, "; ", "the plan: %s", sc->notes.buf);
	if (sc->nuntiered && in->plan && isnan(f->saving))
		add_part(&f->detail, "; ", "not in the plan: no saving "
					   "estimate");
	if (!sc->nlong)
		add_part(&f->detail, "; ",
			 "no VM/SQL/HANA policy keeps monthly or yearly "
			 "points >= %d months, which smart tiering needs",
			 POSTURE_TIERING_MIN_MONTHS);
	else if (!sc->nuntiered && !sc->nlowchurn)
		add_part(&f->detail, "; ",
			 "every long-term policy tiers, or the plan finds no "
			 "saving in tiering it");
}

void audit_tiering(const struct vault_view *vv,
		     const struct audit_inputs *in, struct finding *f)
{
	struct tiering_scan sc = { 0 };
	struct strbuf empty = STRBUF_INIT;

	sc.untiered = sc.lowchurn = sc.fix = sc.skipped = empty;
	sc.tiered = sc.notes = empty;
	for (size_t i = 0; i < vv->npolicies; i++)
		scan_policy_tiering(vv, in, vv->policies[i], &sc);
	list_end(&sc.untiered, sc.nuntiered);
	list_end(&sc.tiered, sc.ntiered);
	list_end(&sc.skipped, sc.nskipped);
	strbuf_addf(&f->evidence, "long_term_policies=%zu", sc.nlong);
	if (sc.ntiered)
		strbuf_addf(&f->evidence, "; tiering: %s", sc.tiered.buf);
	if (sc.nuntiered)
		strbuf_addf(&f->evidence, "; no tiering: %s", sc.untiered.buf);
	if (sc.nlowchurn)
		strbuf_addf(&f->evidence, "; TierAfter on low-churn VMs: %s",
			    sc.lowchurn.buf);
	if (sc.currency) {
		f->saving = sc.saving;
		f->currency = sc.currency;
		strbuf_addf(&f->evidence, "; plan saving %.2f %s", sc.saving,
			    sc.currency);
	}
	if (sc.nuntiered || sc.nlowchurn) {
		fail(f, SEV_LOW);
		strbuf_addf(&f->fix,
			    "set the policy's tieringPolicy (ArchivedRP): %s",
			    sc.fix.buf);
		strbuf_adds(&f->fix,
			    in->plan ? "; review and apply the plan with "
				       "vaultwise apply"
				     : "; estimate first with vaultwise plan, "
				       "then vaultwise apply");
	}
	tiering_detail(in, &sc, f);
	strbuf_release(&sc.untiered);
	strbuf_release(&sc.lowchurn);
	strbuf_release(&sc.fix);
	strbuf_release(&sc.skipped);
	strbuf_release(&sc.tiered);
	strbuf_release(&sc.notes);
}

