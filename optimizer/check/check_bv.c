/* SPDX-License-Identifier: MIT
 * check_bv.c: the RPO/RTO verdict of a Backup vault instance against a
 * target (docs/rpo-check.md "Backup vaults"). The snapshot tier is the
 * operational store (disk snapshots; operational blob backup, which is
 * continuous: point-in-time restore), the vault tier the vault store
 * (vaulted blobs, PostgreSQL); each is predicted from the policy's
 * schedule. Their jobs and recovery points are not exported yet, so no
 * observed RPO and no restore-time model: an RTO target is unknown. */
#include "optimizer/check/check_internal.h"

#include <math.h>
#include <string.h>

#include "models/check/schedule.h"
#include "models/check/schedule_bv.h"
#include "optimizer/base/timeutil.h"

static bool is_disk(const struct binstance *bi)
{
	return str_eq_ci(bi->datasource_type, "Microsoft.Compute/disks");
}

static bool is_blob(const struct binstance *bi)
{
	return str_starts_with(bi->datasource_type,
			       "Microsoft.Storage/storageAccounts");
}

/* A tier's store, its predicted RPO (NAN: none or unreadable) and how
 * long it keeps data. */
struct bv_tier {
	bool present;
	double rpo_h;
	int keep_days;
	const char *how;   /* "every 24 h", "continuous" */
};

static void tier_of(const struct binstance *bi, const struct bpolicy *p,
		    int tier, struct bv_tier *out)
{
	bool op = str_contains_ci(p->data_stores, "OperationalStore");
	bool vault = str_contains_ci(p->data_stores, "VaultStore");

	memset(out, 0, sizeof(*out));
	out->rpo_h = NAN;
	if (tier == TT_SNAPSHOT) {
		/* only disks' snapshots follow the schedule; operational
		 * blob backup restores to any point in time */
		out->present = op && (is_disk(bi) || is_blob(bi));
		out->keep_days = p->operational_keep_days;
		if (out->present && is_blob(bi)) {
			out->rpo_h = 0;
			out->how = "continuous, point-in-time restore";
			return;
		}
	} else {
		out->present = vault && !is_disk(bi);
		out->keep_days = p->vault_keep_days > p->archive_keep_days
					 ? p->vault_keep_days
					 : p->archive_keep_days;
	}
	if (out->present) {
		out->rpo_h = bv_schedule_worst_gap_h(p->schedule);
		out->how = "by the schedule";
	}
}

/* The tier a target judges: its own, or for "any" the one with the
 * smaller predicted RPO. -1: the policy keeps no copy there. */
static int pick_tier(const struct binstance *bi, const struct bpolicy *p,
		     const struct target *t, struct bv_tier *out)
{
	struct bv_tier snap, vault;

	tier_of(bi, p, TT_SNAPSHOT, &snap);
	tier_of(bi, p, TT_VAULT, &vault);
	if (t->tier == TT_SNAPSHOT || (t->tier == TT_ANY && snap.present &&
				       !(vault.rpo_h < snap.rpo_h))) {
		*out = snap;
		return snap.present ? TT_SNAPSHOT : -1;
	}
	*out = vault;
	if (vault.present)
		return TT_VAULT;
	if (t->tier == TT_ANY)
		*out = snap;
	return -1;
}

static void check_status(struct check_row *r, const struct binstance *bi)
{
	const char *st = bi->protection_status;

	if (str_eq_ci(st, "ProtectionConfigured"))
		return;
	if (str_eq_ci(st, "ProtectionError")) {
		unmeasured_fail(r, CAUSE_FAILED_JOBS);
		clause(&r->fail, "protection status ProtectionError: its "
				 "backups are failing");
		return;
	}
	unmeasured_fail(r, CAUSE_STALE_BACKUP);
	clause(&r->fail, "protection status %s: no new backups",
	       st[0] ? st : "not given");
}

static void check_rpo(struct check_row *r, const struct target *t,
		      const struct bv_tier *bt)
{
	char got[24], want[24];

	if (isnan(t->rpo_hours))
		return;
	r->rpo_pred = bt->rpo_h;
	if (isnan(bt->rpo_h)) {
		clause(&r->unknown, "the policy's schedule cannot be read");
		return;
	}
	format_hours(bt->rpo_h, got, sizeof(got));
	format_hours(t->rpo_hours, want, sizeof(want));
	measure(r, t->rpo_hours, bt->rpo_h, CAUSE_SCHEDULE);
	if (bt->rpo_h > t->rpo_hours + 1e-9)
		clause(&r->fail, "predicted RPO %s (%s) > %s target", got,
		       bt->how, want);
	else
		clause(&r->pass, "predicted RPO %s (%s) <= %s target", got,
		       bt->how, want);
}

static void check_keep(struct check_row *r, const struct target *t,
		       const struct bv_tier *bt)
{
	if (isnan(t->min_retention_days))
		return;
	/* more is better: the margin is what is kept beyond the target */
	measure(r, bt->keep_days * 24.0, t->min_retention_days * 24,
		CAUSE_RETENTION_SHORT);
	if (bt->keep_days + 1e-9 < t->min_retention_days)
		clause(&r->fail, "the policy keeps %d days < %g days target",
		       bt->keep_days, t->min_retention_days);
	else
		clause(&r->pass, "the policy keeps %d days >= %g days target",
		       bt->keep_days, t->min_retention_days);
}

void check_bv_evaluate(struct check_row *r, const struct snapshot *s,
		       const struct binstance *bi, const struct target *t,
		       double tolerance_hours)
{
	const struct bpolicy *p =
		bi->policy_idx >= 0 ? &s->bv.policies[bi->policy_idx] : NULL;
	struct bv_tier bt;

	r->rpo_pred = r->rpo_obs = r->p95 = r->age = NAN;
	r->rto_newest = r->rto_oldest = r->rto_est = NAN;
	r->needed_time = TIME_NONE;
	r->tier = -1;
	r->margin = NAN;
	r->cause = CAUSE_NONE;
	check_status(r, bi);
	if (!p) {
		unmeasured_fail(r, CAUSE_SCHEDULE);
		clause(&r->fail, "no backup policy: no backups are scheduled");
	} else if ((r->tier = pick_tier(bi, p, t, &bt)) < 0) {
		unmeasured_fail(r, CAUSE_SCHEDULE);
		clause(&r->fail, "the policy keeps no %scopy (data stores %s)",
		       t->tier == TT_SNAPSHOT ? "operational-store "
		       : t->tier == TT_VAULT  ? "vault-store "
					      : "",
		       p->data_stores[0] ? p->data_stores : "none");
	} else {
		check_rpo(r, t, &bt);
		check_keep(r, t, &bt);
	}
	if (!isnan(t->rto_hours))
		clause(&r->unknown, "no restore-time model for %s",
		       bi->datasource_type);
	clause(&r->note, "Backup vault: no observed RPO (its jobs and "
			 "recovery points are not exported yet)");
	settle_verdict(r, tolerance_hours);
}

void check_bv_text(const char **v, const struct snapshot *s,
		   const struct binstance *bi)
{
	const struct bpolicy *p =
		bi->policy_idx >= 0 ? &s->bv.policies[bi->policy_idx] : NULL;

	v[C_ITEM] = bi->instance_id;
	v[C_VAULT] = s->bv.vaults[bi->vault_idx].vault_name;
	v[C_NAME] = bi->instance_name;
	v[C_POLICY] = p ? p->policy_name : "";
	v[C_WL] = bi->datasource_type;
	v[C_CONTAINER] = "";
	v[C_ARM_ID] = bi->arm_id;
	v[C_SOURCE_ID] = bi->source_resource_id;
	v[C_KIND] = "BackupVault";
}
