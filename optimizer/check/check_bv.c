/* SPDX-License-Identifier: MIT
 * check_bv.c: the RPO/RTO verdict of a Backup vault instance against a
 * target (docs/rpo-check.md "Backup vaults"). The snapshot tier is the
 * operational store (disk snapshots; operational blob backup, which is
 * continuous: point-in-time restore), the vault tier the vault store
 * (vaulted blobs, PostgreSQL); each is predicted from the policy's
 * schedule and observed from the instance's recovery points in that
 * store. The RTO is the longest of its own restore jobs; without any,
 * rto.h's documented estimate of the tier. */
#include "optimizer/check/check_internal.h"

#include <math.h>
#include <stdlib.h>
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

/* ---- what the points and jobs show ---- */

/* One instance's points and jobs while they stream. */
struct bv_gather {
	int64_t *snap, *vault;
	size_t nsnap, nvault, asnap, avault;
	struct backup_run *runs;
	size_t nruns, aruns;
};

struct bv_pass {
	struct snapshot *s;
	struct bv_gather *g;
	struct bv_observed *ob;
};

static void push_time(int64_t **a, size_t *n, size_t *alloc, int64_t t)
{
	*a = grow_array(*a, sizeof(**a), *n + 1, alloc);
	(*a)[(*n)++] = t;
}

static int on_point(void *ctx, const struct binstance *bi,
		    const struct brp *rp, struct err *e)
{
	struct bv_pass *p = ctx;
	struct bv_gather *g = &p->g[bi - p->s->bv.instances];

	(void)e;
	if (str_contains_ci(rp->data_stores, "OperationalStore"))
		push_time(&g->snap, &g->nsnap, &g->asnap, rp->rp_time);
	if (str_contains_ci(rp->data_stores, "VaultStore") ||
	    str_contains_ci(rp->data_stores, "ArchiveStore"))
		push_time(&g->vault, &g->nvault, &g->avault, rp->rp_time);
	return 0;
}

static bool bjob_succeeded(const struct bjob *j)
{
	return str_eq_ci(j->status, "Succeeded") ||
	       str_eq_ci(j->status, "Completed") ||
	       str_eq_ci(j->status, "CompletedWithWarnings");
}

static bool bjob_failed(const struct bjob *j)
{
	return str_eq_ci(j->status, "Failed") ||
	       str_eq_ci(j->status, "CompletedWithErrors");
}

static int on_bjob(void *ctx, const struct binstance *bi,
		   const struct bjob *j, struct err *e)
{
	struct bv_pass *p = ctx;
	size_t i;
	double s;

	(void)e;
	if (!bi)
		return 0;
	i = (size_t)(bi - p->s->bv.instances);
	if (bjob_is_restore(j)) {
		s = !isnan(j->duration_s) ? j->duration_s
		    : j->end_time != TIME_NONE
			    ? (double)(j->end_time - j->start_time)
			    : NAN;
		if (!bjob_succeeded(j) || isnan(s))
			return 0;
		p->ob[i].restores++;
		if (isnan(p->ob[i].restore_max_h) ||
		    s / HOUR_S > p->ob[i].restore_max_h)
			p->ob[i].restore_max_h = s / HOUR_S;
		return 0;
	}
	if (bjob_succeeded(j) || bjob_failed(j)) {
		struct bv_gather *g = &p->g[i];
		g->runs = grow_array(g->runs, sizeof(*g->runs), g->nruns + 1,
				     &g->aruns);
		g->runs[g->nruns++] = (struct backup_run){ j->start_time,
							   bjob_succeeded(j) };
	}
	return 0;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void settle_instance(struct bv_observed *ob, struct bv_gather *g,
			    int64_t from, int64_t to)
{
	if (g->nsnap > 1)
		qsort(g->snap, g->nsnap, sizeof(*g->snap), cmp_time);
	if (g->nvault > 1)
		qsort(g->vault, g->nvault, sizeof(*g->vault), cmp_time);
	observed_gaps_compute(&ob->snap, g->snap, g->nsnap, from, to);
	observed_gaps_compute(&ob->vault, g->vault, g->nvault, from, to);
	backup_runs_sort(g->runs, g->nruns);
	failure_streak_compute(&ob->streak, g->runs, g->nruns, from, to);
	free(g->snap);
	free(g->vault);
	free(g->runs);
}

int check_bv_observe(struct snapshot *s, int64_t from, int64_t to,
		     struct bv_observed **out, struct err *e)
{
	size_t n = s->bv.ninstances;
	struct bv_pass p = { s, xcalloc(n + 1, sizeof(*p.g)),
			     xcalloc(n + 1, sizeof(*p.ob)) };
	bool listed = manifest_file(&s->manifest,
				    brps_schema.file) != NULL;
	int rc;

	for (size_t i = 0; i < n; i++)
		p.ob[i].restore_max_h = NAN;
	rc = snapshot_each_brp(s, on_point, &p, e) ||
			     snapshot_each_bjob(s, on_bjob, &p, e)
		     ? -1
		     : 0;
	for (size_t i = 0; i < n; i++) {
		p.ob[i].listed = listed;
		p.ob[i].lookback_days = (double)(to - from) / DAY_S;
		settle_instance(&p.ob[i], &p.g[i], from, to);
	}
	free(p.g);
	if (rc) {
		free(p.ob);
		return -1;
	}
	*out = p.ob;
	return 0;
}

/* ---- the verdict ---- */

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
	if (binstance_in_error(bi)) {
		unmeasured_fail(r, CAUSE_FAILED_JOBS);
		clause(&r->fail, "protection status %s: its backups are "
				 "failing", st);
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

/* Why the newest or worst gap between points is longer than target: a
 * schedule that cannot meet it is the root cause, whatever the gap. */
static int observed_cause(const struct observed_gaps *g,
			  const struct bv_observed *ob, double pred_h,
			  double target_h)
{
	if (pred_h > target_h + 1e-9)
		return CAUSE_SCHEDULE;
	if (g->worst_is_tail)
		return ob->streak.trailing ? CAUSE_FAILED_JOBS
					   : CAUSE_STALE_BACKUP;
	if (ob->streak.failed)
		return CAUSE_FAILED_JOBS;
	return g->worst_h <= pred_h + 1e-9 ? CAUSE_SCHEDULE : CAUSE_UNKNOWN;
}

/* The observed RPO of the tier's store: the worst gap between its
 * points over the look-back, the newest point's age included. */
static void check_observed(struct check_row *r, const struct target *t,
			   const struct bv_tier *bt,
			   const struct bv_observed *ob)
{
	const struct observed_gaps *g =
		r->tier == TT_SNAPSHOT ? &ob->snap : &ob->vault;
	const char *store = r->tier == TT_SNAPSHOT ? "operational-store"
						   : "vault-store";
	char got[24], want[24], p95[24];

	if (isnan(t->rpo_hours) || (bt->rpo_h == 0 && r->tier == TT_SNAPSHOT))
		return; /* continuous: no discrete points to observe */
	if (isnan(g->worst_h)) {
		unmeasured_fail(r, ob->streak.trailing ? CAUSE_FAILED_JOBS
						       : CAUSE_STALE_BACKUP);
		clause(&r->fail, "no %s recovery point in the %g d look-back",
		       store, ob->lookback_days);
		if (ob->streak.trailing)
			clause(&r->fail, "%u failed backup job%s in a row",
			       ob->streak.trailing,
			       ob->streak.trailing == 1 ? "" : "s");
		return;
	}
	r->rpo_obs = g->worst_h;
	r->p95 = g->p95_h;
	r->age = g->newest_age_h;
	r->streak = ob->streak.trailing;
	format_hours(g->worst_h, got, sizeof(got));
	format_hours(t->rpo_hours, want, sizeof(want));
	format_hours(g->p95_h, p95, sizeof(p95));
	measure(r, t->rpo_hours, g->worst_h,
		observed_cause(g, ob, bt->rpo_h, t->rpo_hours));
	if (g->worst_h <= t->rpo_hours + 1e-9) {
		clause(&r->pass, "observed RPO %s between %s points (p95 %s) "
				 "<= %s target",
		       got, store, p95, want);
		return;
	}
	if (g->worst_is_tail)
		clause(&r->fail, "newest %s point %s old%s > %s target", store,
		       got, ob->streak.trailing ? ", backups failing" : "",
		       want);
	else
		clause(&r->fail, "observed RPO %s between %s points (p95 %s) "
				 "> %s target",
		       got, store, p95, want);
}

/* Without a restore of its own, rto.h's documented estimate: a disk's
 * snapshot restore RTO_SNAPSHOT_H; a vault-store restore the defaults of
 * an unfitted model over the instance's vault GiB. NAN (why says so)
 * when neither applies. */
static double estimated_rto(const struct check_row *r,
			    const struct binstance *bi, struct strbuf *why)
{
	struct rto_model m;

	if (r->tier == TT_SNAPSHOT && is_disk(bi)) {
		strbuf_adds(why, "the documented snapshot-restore estimate");
		return RTO_SNAPSHOT_H;
	}
	if (r->tier != TT_VAULT) {
		strbuf_addf(why, "no restore-time model for %s",
			    bi->datasource_type);
		return NAN;
	}
	if (isnan(bi->vault_gb)) {
		strbuf_adds(why, "the vault-store size is not known");
		return NAN;
	}
	rto_model_fit(&m, NULL, 0);
	strbuf_addf(why, "the documented vault-restore estimate for %.0f "
			 "GiB: %s",
		    bi->vault_gb, m.basis);
	return rto_model_hours(&m, bi->vault_gb);
}

/* The RTO from the instance's own restore jobs (the longest), else the
 * documented estimate; rto_basis says which. */
static void check_rto(struct check_row *r, const struct target *t,
		      const struct binstance *bi, const struct bv_observed *ob)
{
	struct strbuf why = STRBUF_INIT;
	const char *what = "observed";
	char got[24], want[24];
	double h;

	if (isnan(t->rto_hours))
		return;
	if (ob && ob->restores) {
		h = ob->restore_max_h;
		r->rto_basis = "restore_jobs";
		strbuf_addf(&why, "longest of %zu restore job%s", ob->restores,
			    ob->restores == 1 ? "" : "s");
	} else {
		strbuf_adds(&why, "no restore job of its own; ");
		h = estimated_rto(r, bi, &why);
		r->rto_basis = "estimate";
		what = "estimated";
	}
	if (isnan(h)) {
		clause(&r->unknown, "RTO unknown (%s)", why.buf);
		strbuf_release(&why);
		return;
	}
	r->rto_est = r->rto_newest = h;
	format_hours(h, got, sizeof(got));
	format_hours(t->rto_hours, want, sizeof(want));
	measure(r, t->rto_hours, h, CAUSE_RESTORE_THROUGHPUT);
	if (h > t->rto_hours + 1e-9)
		clause(&r->fail, "%s RTO %s (%s) > %s target", what, got,
		       why.buf, want);
	else
		clause(&r->pass, "%s RTO %s (%s) <= %s target", what, got,
		       why.buf, want);
	strbuf_release(&why);
}

void check_bv_evaluate(struct check_row *r, const struct snapshot *s,
		       const struct binstance *bi,
		       const struct bv_observed *ob, const struct target *t,
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
		if (ob && ob->listed)
			check_observed(r, t, &bt, ob);
		check_keep(r, t, &bt);
	}
	check_rto(r, t, bi, ob);
	if (!ob || !ob->listed)
		clause(&r->note, "Backup vault: no observed RPO (the snapshot "
				 "has no Backup-vault recovery points)");
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
