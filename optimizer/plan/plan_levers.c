/* SPDX-License-Identifier: MIT
 * plan_levers.c: levers.csv, the other ways to cut the bill besides
 * archive tiering (models/cost/levers.h prices each): one row per lever and
 * scope with its monthly saving, the constraint that bounds it, the risk
 * in words and the exact change. Never a retention cut below a target's
 * min_retention_days, and none on a vault whose immutability is Locked
 * (Azure forbids it); on an Unlocked vault the row says Azure will refuse
 * it until immutability is disabled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/cost/levers.h"
#include "optimizer/plan/plan_internal.h"
#include "optimizer/base/tags.h"
#include "models/check/targets.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

static const struct csv_column lever_cols[] = {
	{ "lever", 0 }, { "scope", 0 }, { "vault_id", 0 },
	{ "vault_name", 0 }, { "policy_id", 0 }, { "policy_name", 0 },
	{ "item_id", 0 }, { "item_name", 0 }, { "saving_month", 0 },
	{ "one_off_cost", 0 }, { "currency", 0 }, { "basis", 0 },
	{ "constraint", 0 }, { "risk", 0 }, { "change", 0 },
};
static const struct csv_schema lever_schema = {
	"levers.csv", lever_cols, sizeof(lever_cols) / sizeof(lever_cols[0])
};

struct lever_row {
	int kind;
	const struct vault *v;
	const struct policy *pol;
	const struct item *it;
	double saving;        /* per month; NAN: the sheet has no price */
	char *constraint, *risk, *change;
};

static struct lever_row *add_row(struct levers *lv, int kind,
				 const struct vault *v)
{
	struct lever_row *r;

	lv->rows = grow_array(lv->rows, sizeof(*lv->rows), lv->n + 1,
			      &lv->alloc);
	r = &lv->rows[lv->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->v = v;
	r->saving = NAN;
	return r;
}

/* The value after "/NAME/" in an ARM id, or "" (borrowed copy). */
static char *arm_segment(const char *id, const char *name)
{
	char key[64];
	const char *p, *end;

	snprintf(key, sizeof(key), "/%s/", name);
	p = id ? strstr(id, key) : NULL;
	if (!p)
		return xstrdup("");
	p += strlen(key);
	end = strchr(p, '/');
	return end ? xstrndup(p, (size_t)(end - p)) : xstrdup(p);
}

/* "VERB --resource-group RG --vault-name V --container-name C
 * --item-name I --backup-management-type T" for an item. */
static char *item_command(const char *verb, const struct vault *v,
			  const struct item *it)
{
	static const char *const mgmt[WL_COUNT] = {
		"AzureIaasVM", "AzureWorkload", "AzureWorkload", "AzureStorage"
	};
	struct strbuf sb = STRBUF_INIT;
	char *c = arm_segment(it->arm_id, "protectionContainers");
	char *i = arm_segment(it->arm_id, "protectedItems");

	strbuf_addf(&sb, "%s --resource-group ", verb);
	strbuf_add_shell_word(&sb, v->resource_group);
	strbuf_adds(&sb, " --vault-name ");
	strbuf_add_shell_word(&sb, v->vault_name);
	strbuf_adds(&sb, " --container-name ");
	strbuf_add_shell_word(&sb, c);
	strbuf_adds(&sb, " --item-name ");
	strbuf_add_shell_word(&sb, i);
	strbuf_addf(&sb, " --backup-management-type %s", mgmt[it->workload]);
	free(c);
	free(i);
	return strbuf_detach(&sb);
}

static char *disable_command(const struct vault *v, const struct item *it)
{
	char *c = item_command("az backup protection disable", v, it);
	char *full = xasprintf("%s --delete-backup-data true --yes", c);

	free(c);
	return full;
}

/* What immutability means for deleting data or cutting retention; NULL
 * when nothing stops it. */
static const char *immutability_note(const struct vault *v)
{
	if (v->immutability == IMM_UNLOCKED)
		return "immutability Unlocked: Azure refuses to delete backup "
		       "data or cut retention until it is disabled (az backup "
		       "vault update --immutability-state Disabled)";
	return NULL;
}

/* Appends the vault's immutability note to a row's constraint. */
static void add_immutability_note(struct lever_row *r, const struct vault *v)
{
	char *c;

	if (!immutability_note(v))
		return;
	c = xasprintf("%s; %s", r->constraint, immutability_note(v));
	free(r->constraint);
	r->constraint = c;
}

static char *soft_delete_risk(const struct vault *v, const char *what)
{
	if (v->soft_delete == SD_DISABLED)
		return xasprintf("%s; soft delete is off: the data is gone at "
				 "once", what);
	return xasprintf("%s; the data stays soft-deleted %d days (the last "
			 "14 free of charge) and can be undeleted until then",
			 what, v->soft_delete_days);
}

static bool stopped(const struct item *it)
{
	return it->policy_idx < 0 ||
	       str_eq_ci(it->protection_state, "ProtectionStopped");
}

static const char *workload_type(const struct item *it)
{
	static const char *const wt[WL_COUNT] = {
		"VM", "MSSQL", "SAPHANA", "AzureFileShare"
	};
	return wt[it->workload];
}

static char *soft_delete_command(const struct vault *v, const char *state)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "az backup vault backup-properties set "
		    "--resource-group ");
	strbuf_add_shell_word(&sb, v->resource_group);
	strbuf_adds(&sb, " --name ");
	strbuf_add_shell_word(&sb, v->vault_name);
	strbuf_addf(&sb, " --soft-delete-feature-state %s", state);
	return strbuf_detach(&sb);
}

/* Soft-deleted data is billed like stopped-with-retained data until the
 * last 14 days before its purge. Purging it early means turning soft
 * delete off, undeleting the item and deleting its data (then soft
 * delete back on); AlwaysOn soft delete and a Locked vault allow
 * neither, so there the row only says what it costs until when. */
static void soft_deleted_lever(struct plan_ctx *p, const struct item *it)
{
	const struct vault *v = &p->s->vaults[it->vault_idx];
	int64_t until = lever_soft_deleted_billed_until(it);
	double cost = lever_stored_monthly(&p->cards[it->vault_idx], it);
	bool can = v->soft_delete == SD_ENABLED &&
		   v->immutability != IMM_LOCKED;
	char billed[DATE_ISO_LEN], purge[DATE_ISO_LEN];
	struct lever_row *r;
	char *off, *undel, *del, *on;

	if (until != TIME_NONE && until <= p->now)
		return;
	r = add_row(&p->levers, LV_SOFT_DELETED, v);
	r->it = it;
	r->saving = can ? cost : 0;
	if (until == TIME_NONE) {
		r->constraint = xstrdup("Azure reported no purge time: billed "
					"until 14 days before it");
	} else {
		time_format_date(until, billed);
		time_format_date(it->deferred_delete_time, purge);
		r->constraint = xasprintf(
			"billed until %s (%.2f %s/month), the last %d days "
			"free; purged on %s%s", billed, cost, p->currency,
			LEVER_SOFT_DELETE_FREE_DAYS, purge,
			can ? "" : v->immutability == IMM_LOCKED ?
			"; immutability Locked: it cannot be purged sooner" :
			"; soft delete AlwaysOn: it cannot be purged sooner");
	}
	if (can)
		add_immutability_note(r, v);
	r->risk = xstrdup("purged at once: it can no longer be undeleted or "
			  "restored, and soft delete is off for the vault "
			  "while it runs");
	off = soft_delete_command(v, "Disable");
	undel = item_command("az backup protection undelete", v, it);
	del = disable_command(v, it);
	on = soft_delete_command(v, "Enable");
	r->change = can ? xasprintf("%s && %s --workload-type %s && %s && %s",
				    off, undel, workload_type(it), del, on)
			: xstrdup("none before the purge: wait for it");
	free(off);
	free(undel);
	free(del);
	free(on);
}

static void item_data_levers(struct plan_ctx *p, const struct item *it)
{
	const struct vault *v = &p->s->vaults[it->vault_idx];
	const struct rate_card *rc = &p->cards[it->vault_idx];
	bool idle = !stopped(it) && it->last_backup_time != TIME_NONE &&
		    p->now - it->last_backup_time > LEVER_IDLE_DAYS * DAY_S;
	struct lever_row *r;

	if (it->soft_deleted) {
		soft_deleted_lever(p, it);
		return;
	}
	if (v->immutability == IMM_LOCKED || (!stopped(it) && !idle))
		return;
	if (stopped(it) && it->standard_gb + it->archive_gb <= 0)
		return;
	r = add_row(&p->levers, stopped(it) ? LV_STOPPED : LV_IDLE, v);
	r->it = it;
	r->saving = lever_stored_monthly(rc, it);
	if (immutability_note(v))
		r->constraint = xstrdup(immutability_note(v));
	r->risk = soft_delete_risk(v, stopped(it) ?
		"the retained points are deleted: nothing of this item can be "
		"restored any more" :
		"no backup for over 90 days: check that the source is gone "
		"before deleting; its points are deleted with it");
	r->change = disable_command(v, it);
}

static void band_lever(struct plan_ctx *p, const struct item *it)
{
	const struct rate_card *rc = &p->cards[it->vault_idx];
	const struct price_row *unit = rc->row[M_PI_VM];
	double below, units;
	struct lever_row *r;

	if (it->workload != WL_VM || stopped(it) || it->soft_deleted ||
	    !unit)
		return;
	units = lever_band_excess_units(it->source_gb, &below);
	if (units <= 0)
		return;
	r = add_row(&p->levers, LV_PI_BAND, &p->s->vaults[it->vault_idx]);
	r->it = it;
	r->saving = units * unit->price;
	r->constraint = xasprintf("used size %.1f GB, %.1f GB over the %.0f GB "
				  "band edge", it->source_gb,
				  it->source_gb - below, below);
	r->risk = xstrdup("an excluded disk is not backed up: only for disks "
			  "whose data can be rebuilt (temp, cache, replicas)");
	r->change = xasprintf("exclude disks of at least %.1f GB: az backup "
			      "protection update-for-vm --disk-list-setting "
			      "exclude --diskslist LUN ... (selective disk "
			      "backup)", it->source_gb - below);
}

/* The longest min_retention_days of the targets covering any item of
 * each policy, and the first target (in item, then target order) that
 * sets it: one pass over the items for all policies. */
static void target_min_days_all(struct plan_ctx *p)
{
	const struct target_set *ts = p->o->targets;
	struct levers *lv = &p->levers;

	for (size_t i = 0; ts && i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		long pol = it->policy_idx;
		if (pol < 0)
			continue;
		for (size_t t = 0; t < ts->n; t++)
			if (!isnan(ts->t[t].min_retention_days) &&
			    ts->t[t].min_retention_days > lv->min_days[pol] &&
			    target_matches(&ts->t[t], p->s, it)) {
				lv->min_days[pol] = ts->t[t].min_retention_days;
				lv->min_who[pol] = &ts->t[t];
			}
	}
}

/* The longest min_retention_days of the targets covering any item of the
 * policy (0 when none), and the target that sets it. */
static double target_min_days(const struct plan_ctx *p, size_t pol,
			      const struct target **who)
{
	*who = p->levers.min_who[pol];
	return p->levers.min_days[pol];
}

static int proposed_daily_days(const struct plan_ctx *p, size_t pol,
			       const struct target **who)
{
	double need = target_min_days(p, pol, who);
	return need > LEVER_DAILY_DAYS ? (int)ceil(need) : LEVER_DAILY_DAYS;
}

/* The retention-daily lever of policy pi: its vault, or NULL when there
 * is none (nothing to delete, or immutability Locked). */
static const struct vault *retention_cut(const struct plan_ctx *p,
					 size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	const struct vault *v =
		&p->s->vaults[snapshot_find_vault(p->s, pol->vault_id)];

	if (!p->levers.daily_keep[pi] || v->immutability == IMM_LOCKED ||
	    p->levers.daily_gb[pi] <= 0)
		return NULL;
	return v;
}

static double retention_saving(const struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	long vi = snapshot_find_vault(p->s, pol->vault_id);

	return p->levers.daily_gb[pi] *
	       std_price_of(&p->cards[vi], pol->workload);
}

/* Instant restore kept by Standard and Enhanced policies by default. */
static int default_instant_days(const struct policy *pol)
{
	return pol->policy_type == PT_ENHANCED ? 7 : 2;
}

static int snapshot_meter(const struct policy *pol)
{
	return pol->policy_type == PT_ENHANCED ? M_SNAPSHOT_ZRS
					       : M_SNAPSHOT_LRS;
}

/* The instant-restore lever of policy pi: a VM policy keeping more days
 * than the default, with snapshots of in-scope items. */
static bool instant_cut(const struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];

	return pol->workload == WL_VM &&
	       pol->instant_rp_days > default_instant_days(pol) &&
	       p->levers.snap_gb[pi] > 0;
}

/* Its saving per month, NAN when the sheet has no snapshot meter. */
static double instant_saving(const struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	long vi = snapshot_find_vault(p->s, pol->vault_id);
	const struct price_row *snap = p->cards[vi].row[snapshot_meter(pol)];

	return snap ? p->levers.snap_gb[pi] * snap->price : NAN;
}

bool levers_proposal(const struct plan_ctx *p, size_t pi,
		     struct lever_proposal *out)
{
	const struct policy *pol = &p->s->policies[pi];
	const struct target *who;

	memset(out, 0, sizeof(*out));
	if ((p->o->propose & PROPOSE_RETENTION) && retention_cut(p, pi)) {
		out->daily_days = p->levers.daily_keep[pi];
		out->min_days = target_min_days(p, pi, &who);
		out->daily_saving = retention_saving(p, pi);
	}
	if ((p->o->propose & PROPOSE_INSTANT) && instant_cut(p, pi)) {
		out->instant_days = default_instant_days(pol);
		out->instant_saving = instant_saving(p, pi);
	}
	return out->daily_days || out->instant_days;
}

static void retention_lever(struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	const struct vault *v = retention_cut(p, pi);
	int keep = p->levers.daily_keep[pi];
	const struct target *who = NULL;
	struct lever_row *r;

	if (!v)
		return;
	proposed_daily_days(p, pi, &who);
	r = add_row(&p->levers, LV_RETENTION, v);
	r->pol = pol;
	r->saving = retention_saving(p, pi);
	r->constraint = who ?
		xasprintf("target %s needs %g days", who->target_id,
			  who->min_retention_days) :
		xasprintf("no target asks for more than %d days",
			  LEVER_DAILY_DAYS);
	add_immutability_note(r, v);
	r->risk = xasprintf("daily points older than %d days are deleted "
			    "(%d now); the weekly, monthly and yearly points "
			    "stay", keep, pol->daily_keep_days);
	r->change = xasprintf("policy %s: {\"retentionPolicy\": "
			      "{\"dailySchedule\": {\"retentionDuration\": "
			      "{\"count\": %d, \"durationType\": \"Days\"}}}}",
			      pol->policy_name, keep);
}

static int proposed_log_days(const struct plan_ctx *p, size_t pol,
			     const struct target **who)
{
	double need = target_min_days(p, pol, who);
	return need > LEVER_LOG_DAYS ? (int)ceil(need) : LEVER_LOG_DAYS;
}

/* SQL/HANA log backups kept longer than Azure's least: the log points
 * beyond it hold a day's log chain each. A retention cut, so never on a
 * Locked vault. */
static void log_retention_lever(struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	size_t vi = (size_t)snapshot_find_vault(p->s, pol->vault_id);
	const struct vault *v = &p->s->vaults[vi];
	int keep = p->levers.log_keep[pi];
	const struct target *who = NULL;
	struct lever_row *r;

	if (!keep || v->immutability == IMM_LOCKED ||
	    p->levers.log_gb[pi] <= 0)
		return;
	proposed_log_days(p, pi, &who);
	r = add_row(&p->levers, LV_LOG_RETENTION, v);
	r->pol = pol;
	r->saving = p->levers.log_gb[pi] * p->cards[vi].std_gb_month;
	r->constraint = who ?
		xasprintf("target %s needs %g days", who->target_id,
			  who->min_retention_days) :
		xasprintf("Azure keeps log backups %d to 35 days",
			  LEVER_LOG_DAYS);
	add_immutability_note(r, v);
	r->risk = xasprintf("point-in-time restore only within the last %d "
			    "days (%d now); older restores go to a full or "
			    "differential", keep, pol->log_keep_days);
	r->change = xasprintf("policy %s: {\"subProtectionPolicy\": "
			      "[{\"policyType\": \"Log\", "
			      "\"retentionPolicy\": {\"retentionPolicyType\": "
			      "\"SimpleRetentionPolicy\", "
			      "\"retentionDuration\": {\"count\": %d, "
			      "\"durationType\": \"Days\"}}}]}",
			      pol->policy_name, keep);
}

static void sql_schedule_lever(struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	size_t vi = (size_t)snapshot_find_vault(p->s, pol->vault_id);
	double gb = p->levers.sql_gb[pi];
	struct lever_row *r;

	if (gb <= 0)
		return;
	r = add_row(&p->levers, LV_SQL_SCHEDULE, &p->s->vaults[vi]);
	r->pol = pol;
	r->saving = gb * p->cards[vi].std_gb_month;
	r->constraint = xstrdup("a restore then needs the week's full and "
				"one differential (and the logs)");
	r->risk = xstrdup("restores read two backups instead of one: a "
			  "little slower; RPO unchanged (logs)");
	r->change = xasprintf("policy %s: full backup weekly, differential "
			      "daily on the other six days "
			      "(schedulePolicy of the Full and Differential "
			      "sub-policies)", pol->policy_name);
}

static void instant_restore_lever(struct plan_ctx *p, size_t pi)
{
	const struct policy *pol = &p->s->policies[pi];
	size_t vi = (size_t)snapshot_find_vault(p->s, pol->vault_id);
	int dflt = default_instant_days(pol);
	int meter = snapshot_meter(pol);
	const struct price_row *snap = p->cards[vi].row[meter];
	double gb = p->levers.snap_gb[pi];
	struct lever_row *r;

	if (!instant_cut(p, pi))
		return;
	r = add_row(&p->levers, LV_INSTANT_RESTORE, &p->s->vaults[vi]);
	r->pol = pol;
	if (snap) {
		r->saving = instant_saving(p, pi);
		r->constraint = xasprintf("%d days kept, %d the default: "
					  "%.1f GiB of %s at %g %s/GB-month",
					  pol->instant_rp_days, dflt, gb,
					  meter_names[meter], snap->price,
					  p->currency);
	} else {
		r->constraint = xasprintf("not priced: the price sheet has no "
					  "%s meter for %s (%d days kept, %d "
					  "the default)", meter_names[meter],
					  p->s->vaults[vi].location,
					  pol->instant_rp_days, dflt);
	}
	r->risk = xstrdup("older points restore from the vault tier: slower "
			  "(hours, not minutes)");
	r->change = xasprintf("policy %s: \"instantRpRetentionRangeInDays\": "
			      "%d", pol->policy_name, dflt);
}

/* Words that say a vault holds no production data, in its name or in the
 * value of its `env` or `environment` tag. */
static bool non_production_word(const char *s)
{
	static const char *const words[] = { "dev", "test", "tst", "nonprod",
					     "qa", "uat", "sandbox", "lab" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(s, words[i]))
			return true;
	return false;
}

static bool non_production(const struct vault *v)
{
	const char *t = v->tags ? v->tags : "";
	char key[TAG_KEY_MAX], value[TAG_VALUE_MAX];

	while (tags_next(&t, key, value))
		if ((str_eq_ci(key, "env") || str_eq_ci(key, "environment")) &&
		    non_production_word(value))
			return true;
	return non_production_word(v->vault_name);
}

static char *vault_create_command(const struct vault *v)
{
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;

	strbuf_addf(&name, "%s-lrs", v->vault_name);
	strbuf_adds(&sb, "az backup vault create --resource-group ");
	strbuf_add_shell_word(&sb, v->resource_group);
	strbuf_adds(&sb, " --name ");
	strbuf_add_shell_word(&sb, name.buf);
	strbuf_adds(&sb, " --location ");
	strbuf_add_shell_word(&sb, v->location);
	strbuf_adds(&sb, " && az backup vault backup-properties set "
		    "--resource-group ");
	strbuf_add_shell_word(&sb, v->resource_group);
	strbuf_adds(&sb, " --name ");
	strbuf_add_shell_word(&sb, name.buf);
	strbuf_adds(&sb, " --backup-storage-redundancy LocallyRedundant");
	strbuf_release(&name);
	return strbuf_detach(&sb);
}

/* gb on the Standard meter, files_gb on the Files Vaulted one */
static void redundancy_lever(struct plan_ctx *p, size_t vi, double gb,
			     double files_gb)
{
	const struct vault *v = &p->s->vaults[vi];
	double saving = lever_lrs_saving(&p->cards[vi], gb) +
			lever_files_lrs_saving(&p->cards[vi], files_gb);
	struct lever_row *r;

	if (!non_production(v) || saving <= 0)
		return;
	r = add_row(&p->levers, LV_REDUNDANCY, v);
	r->saving = saving;
	r->constraint = xstrdup("redundancy cannot change once items are "
				"protected: a new LRS vault, items protected "
				"again there, the old points kept until they "
				"expire");
	r->risk = xstrdup("no copy in the paired region: a regional outage "
			  "can make this vault's backups unavailable");
	r->change = vault_create_command(v);
}

/* Reservations are bought per region and redundancy: the vaults whose
 * Standard meter and region match share one. */
static bool same_reservation(const struct plan_ctx *p, size_t a, size_t b)
{
	return p->cards[a].standard_meter == p->cards[b].standard_meter &&
	       str_eq_ci(p->s->vaults[a].location, p->s->vaults[b].location);
}

static void reserved_row(struct plan_ctx *p, size_t vi, double gb,
			 int years)
{
	const struct rate_card *rc = &p->cards[vi];
	int m[2] = { years == 1 ? M_RESERVED_100T_1Y : M_RESERVED_100T_3Y,
		     years == 1 ? M_RESERVED_1P_1Y : M_RESERVED_1P_3Y };
	const double size[2] = { LEVER_RESERVED_GB, LEVER_RESERVED_PB_GB };
	const char *const unit[2] = { "100 TiB", "1 PiB" };
	double best = 0;
	int units = 0, k = 0;
	struct lever_row *r;

	for (int i = 0; i < 2; i++) {
		int n;
		double s = rc->row[m[i]] ? lever_reserved_saving(
			gb, rc->std_gb_month, rc->row[m[i]]->price, size[i],
			&n) : 0;
		if (s > best) {
			best = s;
			units = n;
			k = i;
		}
	}
	if (!rc->row[m[0]] && gb >= LEVER_RESERVED_GB) {
		r = add_row(&p->levers, LV_RESERVED, NULL);
		r->constraint = xasprintf("not priced: the price sheet has no "
					  "%s row for %s; %.0f GiB of %s",
					  meter_names[m[0]],
					  p->s->vaults[vi].location, gb,
					  meter_names[rc->standard_meter]);
	} else if (best > 0) {
		r = add_row(&p->levers, LV_RESERVED, NULL);
		r->saving = best;
		r->constraint = xasprintf(
			"%.0f GiB of %s in %s; %d x %s for %d year%s at %g of "
			"the pay-as-you-go rate (%s, %s)", gb,
			meter_names[rc->standard_meter],
			p->s->vaults[vi].location, units, unit[k], years,
			years > 1 ? "s" : "", rc->row[m[k]]->price,
			meter_names[m[k]],
			price_quality_names[rc->row[m[k]]->quality]);
	} else {
		return;
	}
	r->risk = xasprintf("a %d-year commitment, paid whether or not the "
			    "storage is used; vault-standard only, not "
			    "Archive nor the protected-instance fee", years);
	r->change = xasprintf("Azure portal: Reservations > Add > Azure "
			      "Backup: region %s, vault-standard, %s, %d x "
			      "%s, %d year%s", p->s->vaults[vi].location,
			      meter_names[rc->standard_meter],
			      units ? units : 1, unit[k], years,
			      years > 1 ? "s" : "");
}

static void reserved_levers(struct plan_ctx *p, const double *gb)
{
	for (size_t v = 0; v < p->s->nvaults; v++) {
		double total = 0;
		bool first = true;

		for (size_t w = 0; w < p->s->nvaults; w++)
			if (same_reservation(p, v, w)) {
				first = first && w >= v;
				total += gb[w];
			}
		if (!first)
			continue;
		reserved_row(p, v, total, 1);
		reserved_row(p, v, total, 3);
	}
}

static void vault_levers(struct plan_ctx *p)
{
	double *gb = xcalloc(p->s->nvaults + 1, sizeof(double));
	double *files_gb = xcalloc(p->s->nvaults + 1, sizeof(double));

	/* the Standard meter's GiB apart from vaulted file shares', on
	 * their own meter, which reserved capacity does not cover */
	for (size_t i = 0; i < p->s->nitems; i++) {
		const struct item *it = &p->s->items[i];
		double *to = it->workload == WL_FILES ? files_gb : gb;
		if (plan_item_in_scope(p, it))
			to[it->vault_idx] += it->standard_gb;
	}
	for (size_t v = 0; v < p->s->nvaults; v++)
		redundancy_lever(p, v, gb[v], files_gb[v]);
	reserved_levers(p, gb);
	free(gb);
	free(files_gb);
}

/* SQL/HANA policies taking a full backup every day, no differential. */
static bool daily_fulls(const struct policy *pol)
{
	return (pol->workload == WL_SQL || pol->workload == WL_HANA) &&
	       pol->frequency == FREQ_DAILY && !pol->diff_run_days[0] &&
	       pol->daily_keep_days > 0;
}

void levers_init(struct plan_ctx *p)
{
	struct levers *lv = &p->levers;

	lv->daily_gb = xcalloc(p->s->npolicies + 1, sizeof(double));
	lv->daily_keep = xcalloc(p->s->npolicies + 1, sizeof(int));
	lv->sql_gb = xcalloc(p->s->npolicies + 1, sizeof(double));
	lv->snap_gb = xcalloc(p->s->npolicies + 1, sizeof(double));
	lv->log_keep = xcalloc(p->s->npolicies + 1, sizeof(int));
	lv->log_gb = xcalloc(p->s->npolicies + 1, sizeof(double));
	lv->min_days = xcalloc(p->s->npolicies + 1, sizeof(double));
	lv->min_who = xcalloc(p->s->npolicies + 1, sizeof(struct target *));
	target_min_days_all(p);
	for (size_t i = 0; i < p->s->npolicies; i++) {
		const struct policy *pol = &p->s->policies[i];
		const struct target *who;
		int keep = proposed_daily_days(p, i, &who);
		int logs = proposed_log_days(p, i, &who);
		if (pol->daily_keep_days > keep &&
		    (pol->weekly_keep_weeks > 0 || pol->monthly_keep_months > 0))
			lv->daily_keep[i] = keep;
		if ((pol->workload == WL_SQL || pol->workload == WL_HANA) &&
		    pol->log_interval_min > 0 && pol->log_keep_days > logs)
			lv->log_keep[i] = logs;
	}
}

void levers_add_points(struct plan_ctx *p, const struct item *it,
		       const struct rp *rps, size_t n)
{
	long pi = it->policy_idx;
	const struct policy *pol;

	if (pi < 0 || stopped(it) || it->soft_deleted)
		return;
	pol = &p->s->policies[pi];
	if (pol->workload == WL_VM)
		p->levers.snap_gb[pi] += lever_snapshot_gb(
			it, pol->frequency == FREQ_WEEKLY, pol->instant_rp_days,
			default_instant_days(pol));
	if (p->levers.daily_keep[pi])
		p->levers.daily_gb[pi] += lever_daily_freed_gb(
			rps, n, p->now, p->levers.daily_keep[pi]);
	if (p->levers.log_keep[pi])
		p->levers.log_gb[pi] += lever_log_freed_gb(
			rps, n, p->now, p->levers.log_keep[pi]);
	if (daily_fulls(pol))
		p->levers.sql_gb[pi] += lever_sql_schedule_gb(
			it, rps, n, p->now, pol->daily_keep_days);
}

static int by_saving(const void *a, const void *b)
{
	const struct lever_row *x = a, *y = b;
	double sx = isnan(x->saving) ? -1 : x->saving;
	double sy = isnan(y->saving) ? -1 : y->saving;
	return sx < sy ? 1 : sx > sy ? -1 : 0;
}

static void put_row(struct csv_writer *w, const struct plan_ctx *p,
		    const struct lever_row *r)
{
	static const char *const scope[] = { "estate", "vault", "policy",
					     "item" };
	csv_put(w, lever_names[r->kind]);
	csv_put(w, scope[r->it ? 3 : r->pol ? 2 : r->v ? 1 : 0]);
	csv_put(w, r->v ? r->v->vault_id : "");
	csv_put(w, r->v ? r->v->vault_name : "");
	csv_put(w, r->pol ? r->pol->policy_id : "");
	csv_put(w, r->pol ? r->pol->policy_name : "");
	csv_put(w, r->it ? r->it->item_id : "");
	csv_put(w, r->it ? r->it->item_name : "");
	csv_put_double(w, r->saving, 2);
	csv_put(w, "");
	csv_put(w, p->currency);
	/* what the saving rests on, as plan.csv's basis: calibrated to the
	 * bill, reported sizes, or estimated ones */
	csv_put(w, isnan(r->saving) ? ""
		   : plan_basis(p, r->v ? r->v - p->s->vaults : -1));
	csv_put(w, r->constraint ? r->constraint : "");
	csv_put(w, r->risk ? r->risk : "");
	csv_put(w, r->change ? r->change : "");
	csv_end_row(w);
}

static void levers_collect(struct plan_ctx *p)
{
	/* plan's scope: only its items, policies and their vaults (the
	 * retention and SQL levers count the in-scope items' points only) */
	for (size_t i = 0; i < p->s->nitems; i++) {
		if (!plan_item_in_scope(p, &p->s->items[i]))
			continue;
		item_data_levers(p, &p->s->items[i]);
		band_lever(p, &p->s->items[i]);
	}
	for (size_t i = 0; i < p->s->npolicies; i++) {
		retention_lever(p, i);
		log_retention_lever(p, i);
		sql_schedule_lever(p, i);
		instant_restore_lever(p, i);
	}
	vault_levers(p);
	if (p->levers.n) /* qsort wants a pointer even for none */
		qsort(p->levers.rows, p->levers.n, sizeof(*p->levers.rows),
		      by_saving);
}

int plan_write_levers(struct plan_ctx *p, struct outdir *dir, struct err *e)
{
	char *path = outdir_file(dir, "levers.csv");
	struct csv_writer *w = csv_writer_open(path, &lever_schema, e);

	free(path);
	if (!w)
		return -1;
	levers_collect(p);
	for (size_t i = 0; i < p->levers.n; i++)
		put_row(w, p, &p->levers.rows[i]);
	return csv_writer_commit(w, NULL, e);
}

void levers_release(struct levers *lv)
{
	for (size_t i = 0; i < lv->n; i++) {
		free(lv->rows[i].constraint);
		free(lv->rows[i].risk);
		free(lv->rows[i].change);
	}
	free(lv->rows);
	free(lv->daily_gb);
	free(lv->daily_keep);
	free(lv->sql_gb);
	free(lv->snap_gb);
	free(lv->log_keep);
	free(lv->log_gb);
	free(lv->min_days);
	free(lv->min_who);
}
