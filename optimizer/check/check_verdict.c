/* SPDX-License-Identifier: MIT
 * check_verdict.c: the verdict of one item against one target (see
 * check_internal.h): which tier answers it, the predicted and observed
 * RPO, the RTO of the newest point and of the oldest point retention must
 * hold, the retention itself, and a reason made of plain clauses. */
#include "optimizer/check/check_internal.h"

#include <math.h>

#include "models/check/schedule.h"
#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

#define EPS 1e-9

const char *const verdict_names[3] = { "met", "breached", "unknown" };
const char *const cause_names[CAUSE_COUNT] = {
	"schedule",	       "start_jitter",	     "failed_jobs",
	"stale_backup",	       "retention_short",    "archive_rehydration",
	"restore_throughput", "unknown",
};

bool rp_has_snapshot_copy(int tier)
{
	return tier == TIER_SNAPSHOT || tier == TIER_SNAPSHOT_STANDARD ||
	       tier == TIER_SNAPSHOT_ARCHIVE;
}

bool rp_has_vault_copy(int tier)
{
	return tier_in_standard(tier) || tier_in_archive(tier);
}

/* How far back a policy keeps vault points at all. */
static double vault_reach_days(const struct policy *p)
{
	double d = p->daily_keep_days;

	d = fmax(d, 7.0 * p->weekly_keep_weeks);
	d = fmax(d, 365.25 / 12 * p->monthly_keep_months);
	return fmax(d, 365.25 * p->yearly_keep_years);
}

/* Snapshots: instant-restore days (Azure Files: its snapshots are its
 * backups, kept as long as the policy says). */
static double snapshot_reach_days(const struct policy *p)
{
	return p->workload == WL_FILES ? vault_reach_days(p)
				       : p->instant_rp_days;
}

void clause(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	if (sb->len)
		strbuf_adds(sb, "; ");
	va_start(ap, fmt);
	/* most clauses are a sentence made elsewhere: no printf for them */
	if (fmt[0] == '%' && fmt[1] == 's' && !fmt[2])
		strbuf_adds(sb, va_arg(ap, const char *));
	else
		strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void clause_strs(struct strbuf *sb, ...)
{
	va_list ap;
	const char *s;

	if (sb->len)
		strbuf_adds(sb, "; ");
	va_start(ap, sb);
	while ((s = va_arg(ap, const char *)))
		strbuf_adds(sb, s);
	va_end(ap);
}

/* One measure against its target: the row's margin is the smallest, and
 * the measure short by most names the cause unless a root cause (the
 * schedule, no backup at all) named it first. */
void measure(struct check_row *r, double target, double value, int cause)
{
	double m = target - value;

	if (isnan(m) || (!isnan(r->margin) && m >= r->margin))
		return;
	r->margin = m;
	if (m < -EPS && !r->cause_fixed)
		r->cause = cause;
}

static void root_cause(struct check_row *r, int cause)
{
	if (!r->cause_fixed)
		r->cause = cause;
	r->cause_fixed = true;
}

/* A failure no number measures (no backup at all): it names the cause. */
void unmeasured_fail(struct check_row *r, int cause)
{
	root_cause(r, cause);
	r->unmeasured_fail = true;
}

static bool is_stopped(const struct item *it)
{
	return it->policy_idx < 0 ||
	       str_eq_ci(it->protection_state, "ProtectionStopped");
}

static const char *tier_word(int tier)
{
	return tier == TT_SNAPSHOT ? "snapshot" : "vault";
}

static void check_predicted(const struct item *it, double target,
			    const struct rpo_predicted *pred,
			    struct check_row *r)
{
	const char *why = r->tier == TT_SNAPSHOT ? pred->snapshot_why
						 : pred->vault_why;
	double gap = r->tier == TT_SNAPSHOT ? pred->snapshot_gap_h
					    : pred->vault_gap_h;
	char t[24];

	format_hours(target, t, sizeof(t));
	r->rpo_pred = r->tier == TT_SNAPSHOT ? pred->snapshot_h
					     : pred->vault_h;
	if (is_stopped(it)) {
		r->rpo_pred = NAN;
		unmeasured_fail(r, CAUSE_SCHEDULE);
		clause(&r->fail,
		       "protection is stopped (state %s%s): no backups are "
		       "scheduled",
		       it->protection_state,
		       it->policy_idx < 0 ? ", no policy" : "");
	} else if (isnan(r->rpo_pred)) {
		clause(&r->unknown, "%s", why);
	} else if (r->rpo_pred > target + EPS) {
		/* the schedule breaches even when every job succeeds */
		measure(r, target, r->rpo_pred, CAUSE_SCHEDULE);
		root_cause(r, gap <= target + EPS ? CAUSE_START_JITTER
						  : CAUSE_SCHEDULE);
		clause_strs(&r->fail, why, " > ", t, " target", NULL);
	} else {
		measure(r, target, r->rpo_pred, CAUSE_SCHEDULE);
		clause_strs(&r->pass, why, " <= ", t, " target", NULL);
	}
}

/* Where an observed RPO comes from, for the wording of reasons. */
enum obs_source { OBS_JOBS, OBS_SNAPSHOTS, OBS_VAULT, OBS_LOG };

static void stale_phrase(struct strbuf *sb, int src, const char *age)
{
	switch (src) {
	case OBS_JOBS:
		strbuf_addf(sb, "no successful backup for %s", age);
		break;
	case OBS_SNAPSHOTS:
		strbuf_addf(sb, "newest snapshot is %s old", age);
		break;
	case OBS_LOG:
		strbuf_addf(sb, "log chain stopped %s ago", age);
		break;
	default:
		strbuf_addf(sb, "newest vault point is %s old", age);
	}
}

static void gap_phrase(struct strbuf *sb, int src, const char *gap,
		       const char *when)
{
	switch (src) {
	case OBS_JOBS:
		strbuf_addf(sb, "observed worst gap %s after the backup of %s",
			    gap, when);
		break;
	case OBS_SNAPSHOTS:
		strbuf_addf(sb, "observed worst gap %s between snapshots "
				"after %s",
			    gap, when);
		break;
	case OBS_LOG:
		strbuf_addf(sb, "log chain broken for %s after %s", gap,
			    when);
		break;
	default:
		strbuf_addf(sb, "observed worst gap %s between vault points "
				"after %s",
			    gap, when);
	}
}

static void observed_breach(const struct observed_gaps *g,
			    const struct item_state *st, int src,
			    const char *t, struct check_row *r)
{
	struct strbuf sb = STRBUF_INIT;
	char w[24], p95[24], when[TIME_ISO_LEN];

	format_hours(g->worst_h, w, sizeof(w));
	format_hours(g->p95_h, p95, sizeof(p95));
	if (g->worst_is_tail) {
		stale_phrase(&sb, src, w);
		if (src == OBS_JOBS && st->streak.trailing)
			strbuf_addf(&sb, " (%u failed job%s in a row)",
				    st->streak.trailing,
				    st->streak.trailing == 1 ? "" : "s");
		strbuf_addf(&sb, " > %s target", t);
	} else {
		time_format_iso(g->worst_from, when);
		gap_phrase(&sb, src, w, when);
		if (src == OBS_JOBS && st->failed_in_worst)
			strbuf_addf(&sb, " (%u failed job%s in between)",
				    st->failed_in_worst,
				    st->failed_in_worst == 1 ? "" : "s");
		strbuf_addf(&sb, " > %s target (p95 %s)", t, p95);
	}
	clause(&r->fail, "%s", sb.buf);
	strbuf_release(&sb);
}

/* Whether two worst gaps share time (a gap between points and the gap
 * between successful jobs that failed jobs fall in). */
static bool overlap(const struct observed_gaps *a,
		    const struct observed_gaps *b)
{
	int64_t a_end, b_end;

	if (isnan(a->worst_h) || isnan(b->worst_h))
		return false;
	a_end = a->worst_from + (int64_t)llround(a->worst_h * HOUR_S);
	b_end = b->worst_from + (int64_t)llround(b->worst_h * HOUR_S);
	return a->worst_from < b_end && b->worst_from < a_end;
}

/* Why an observed gap is longer than the target: a stale newest backup
 * (failed jobs when they are failing), failed jobs inside the gap, the
 * schedule itself, a later start than the jitter allowed, or unknown. */
static int observed_cause(const struct observed_gaps *g,
			  const struct item_state *st, int src,
			  const struct check_row *r)
{
	if (g->worst_is_tail)
		return src == OBS_JOBS && st->streak.trailing
			       ? CAUSE_FAILED_JOBS
			       : CAUSE_STALE_BACKUP;
	if (st->failed_in_worst && (src == OBS_JOBS || overlap(g, &st->jobs)))
		return CAUSE_FAILED_JOBS;
	if (isnan(r->rpo_pred))
		return CAUSE_UNKNOWN;
	if (g->worst_h <= r->rpo_pred + EPS)
		return CAUSE_SCHEDULE;
	if (src == OBS_LOG) /* no start jitter: a longer gap is a miss */
		return CAUSE_UNKNOWN;
	return g->worst_h <= r->rpo_pred + SCHEDULE_JITTER_H + EPS
		       ? CAUSE_START_JITTER
		       : CAUSE_UNKNOWN;
}

static int obs_source(const struct item_state *st, int tier)
{
	if (tier == TT_VAULT)
		return st->log_chain ? OBS_LOG : OBS_VAULT;
	return st->jobs.newest != TIME_NONE || st->streak.runs
		       ? OBS_JOBS
		       : OBS_SNAPSHOTS;
}

static void check_observed(const struct check_input *in, double target,
			   struct check_row *r)
{
	const struct item_state *st = in->st;
	int src = obs_source(st, r->tier);
	const struct observed_gaps *g = src == OBS_JOBS	    ? &st->jobs
					: src == OBS_SNAPSHOTS ? &st->snap_pts
							       : &st->vault_pts;
	char t[24], w[24], p95[24];

	format_hours(target, t, sizeof(t));
	r->rpo_obs = g->worst_h;
	r->p95 = g->p95_h;
	r->age = g->newest_age_h;
	if (isnan(g->worst_h)) {
		if (src == OBS_JOBS)
			unmeasured_fail(r, st->streak.failed
						   ? CAUSE_FAILED_JOBS
						   : CAUSE_STALE_BACKUP);
		if (src == OBS_JOBS)
			clause(&r->fail,
			       "no successful backup in the %g d look-back "
			       "(%zu failed job%s)",
			       in->lookback_days, st->streak.failed,
			       st->streak.failed == 1 ? "" : "s");
		else
			clause(&r->unknown,
			       "no %s backups listed in the %g d look-back "
			       "(protection state %s)",
			       tier_word(r->tier), in->lookback_days,
			       in->it->protection_state);
		return;
	}
	measure(r, target, g->worst_h, observed_cause(g, st, src, r));
	if (g->worst_h > target + EPS) {
		observed_breach(g, st, src, t, r);
		return;
	}
	format_hours(g->worst_h, w, sizeof(w));
	format_hours(g->p95_h, p95, sizeof(p95));
	clause_strs(&r->pass, "observed worst gap ", w, " (p95 ", p95, ")",
		    src == OBS_LOG ? " in the log chain" : "", " <= ", t,
		    " target", NULL);
}

/* Rehydration hours: the user's, else the Blob Storage figure. */
static double rehydrate_hours(const struct check_input *in, double gib,
			      const char **basis)
{
	if (!isnan(in->rehydration_hours)) {
		*basis = "rehydration time from --rehydration-hours";
		return in->rehydration_hours;
	}
	*basis = "rehydration time: Blob Storage's published figure, Azure "
		 "Backup publishes none; set --rehydration-hours";
	return rto_rehydrate_hours(in->rehydrate_priority, gib);
}

/* RTO of a restore from a point in the given rp tier. */
static double point_rto(const struct check_input *in, int tier, double gib,
			char *desc, size_t n)
{
	char v[24], rh[24], tot[24];
	const struct rto_model *m = in->rto;
	int prio = in->rehydrate_priority;
	double vault = rto_model_hours(m, gib);
	const char *basis;
	double rehydrate = rehydrate_hours(in, gib, &basis);

	format_hours(vault, v, sizeof(v));
	if (rp_has_snapshot_copy(tier)) {
		format_hours(RTO_SNAPSHOT_H, v, sizeof(v));
		snprintf(desc, n, "is a snapshot: %s restore", v);
		return RTO_SNAPSHOT_H;
	}
	if (tier == TIER_ARCHIVE) {
		format_hours(rehydrate, rh, sizeof(rh));
		format_hours(rehydrate + vault, tot, sizeof(tot));
		snprintf(desc, n,
			 "is in Archive: %s %s-priority rehydration + %s "
			 "restore = %s (%s)",
			 rh, rehydrate_priority_names[prio], v, tot, basis);
		return rehydrate + vault;
	}
	snprintf(desc, n, "is in %s: %s restore", rp_tier_names[tier], v);
	return vault;
}

static double newest_rto(const struct rto_model *m,
			 const struct item *it, int tier, char *desc,
			 size_t n)
{
	char h[24];
	double v;

	if (tier == TT_SNAPSHOT) {
		format_hours(RTO_SNAPSHOT_H, h, sizeof(h));
		snprintf(desc, n, "restore from the newest snapshot %s", h);
		return RTO_SNAPSHOT_H;
	}
	v = rto_model_hours(m, it->source_gb);
	format_hours(v, h, sizeof(h));
	snprintf(desc, n, "vault restore of %.0f GiB takes %s (%s)",
		 it->source_gb, h, m->basis);
	return v;
}

static void check_rto(const struct check_input *in, struct check_row *r)
{
	const struct rto_model *m = in->rto;
	const struct target *t = in->t;
	const struct needed_point *np = in->np;
	char nd[256], od[256], tt[24];
	bool want = !isnan(t->rto_hours);
	int64_t when = np ? (np->time != TIME_NONE ? np->time : np->oldest)
			  : TIME_NONE;

	format_hours(t->rto_hours, tt, sizeof(tt));
	r->rto_newest = newest_rto(m, in->it, r->tier, nd, sizeof(nd));
	r->rto_oldest = NAN;
	if (when != TIME_NONE) {
		bool covered = np->time != TIME_NONE;
		r->needed_time = when;
		r->needed_tier = covered ? np->tier : np->oldest_tier;
		r->rto_oldest = point_rto(in, r->needed_tier,
					  covered ? np->gib : np->oldest_gib,
					  od, sizeof(od));
	}
	r->rto_est = fmax(r->rto_newest, r->rto_oldest);
	if (!want)
		return;
	measure(r, t->rto_hours, r->rto_newest, CAUSE_RESTORE_THROUGHPUT);
	if (!isnan(r->rto_oldest))
		measure(r, t->rto_hours, r->rto_oldest,
			r->needed_tier == TIER_ARCHIVE
				? CAUSE_ARCHIVE_REHYDRATION
				: CAUSE_RESTORE_THROUGHPUT);
	if (r->rto_newest > t->rto_hours + EPS)
		clause_strs(&r->fail, nd, " > ", tt, " target", NULL);
	else
		clause_strs(&r->pass, nd, " <= ", tt, " target", NULL);
	if (isnan(r->rto_oldest))
		return;
	if (r->rto_oldest > t->rto_hours + EPS)
		clause(&r->fail, "oldest point needed (%g d) %s > %s target",
		       t->min_retention_days, od, tt);
	else
		clause(&r->pass, "oldest point needed (%g d) %s <= %s target",
		       t->min_retention_days, od, tt);
}

static void check_retention(const struct check_input *in,
			    struct check_row *r)
{
	const struct policy *p = in->p;
	const struct target *t = in->t;
	const struct needed_point *np = in->np;
	double need = t->min_retention_days, reach, have;
	const char *what = t->tier == TT_SNAPSHOT ? "snapshots"
			   : t->tier == TT_VAULT  ? "vault points"
						  : "points";

	if (np->time != TIME_NONE)
		return;
	reach = !p			  ? NAN
		: t->tier == TT_SNAPSHOT ? snapshot_reach_days(p)
					  : vault_reach_days(p);
	if (!isnan(reach) && reach + 0.5 < need) {
		measure(r, need * 24, reach * 24, CAUSE_RETENTION_SHORT);
		clause(&r->fail,
		       "retention too short: policy '%s' keeps %s for at "
		       "most %.0f d < %g d needed",
		       p->policy_name, what, reach, need);
		return;
	}
	if (np->oldest == TIME_NONE) {
		clause(&r->unknown, "no %s listed to cover %g d", what, need);
		return;
	}
	have = (double)(in->as_of - np->oldest) / DAY_S;
	if (isnan(reach))
		clause(&r->note,
		       "history reaches back %.0f d only, not the %g d "
		       "needed; the oldest point stands in",
		       have, need);
	else
		clause(&r->note,
		       "history reaches back %.0f d only (policy keeps "
		       "%.0f d): the oldest point stands in for the %g d one",
		       have, reach, need);
}

static bool resolve_tier(const struct item *it, const struct target *t,
			 const struct rpo_predicted *pred,
			 const struct item_state *st, struct check_row *r)
{
	bool snap = !workload_is_db(it->workload);
	bool vault = pred->have_vault || st->any_vault_point;

	if (t->tier == TT_SNAPSHOT && !snap) {
		clause(&r->unknown,
		       "%s backups stream to the vault: there is no snapshot "
		       "tier (use tier vault or any)",
		       workload_names[it->workload]);
		return false;
	}
	if (t->tier == TT_VAULT && !vault) {
		clause(&r->unknown,
		       "%s keeps snapshots only: there is no vault tier",
		       workload_names[it->workload]);
		return false;
	}
	r->tier = t->tier == TT_ANY ? (snap ? TT_SNAPSHOT : TT_VAULT)
				    : t->tier;
	return true;
}

/* rpo_dst_gaps for the row's policy, once per policy and tier. */
static int64_t dst_gaps(const struct check_input *in, bool vault,
			int64_t from, double *utc, double *wall)
{
	struct policy_memo *m = in->memo;

	if (!m->dst_done[vault]) {
		m->dst_change[vault] = rpo_dst_gaps(in->p, in->zones, vault,
						    from, in->as_of,
						    &m->dst_utc_h[vault],
						    &m->dst_wall_h[vault]);
		m->dst_done[vault] = true;
	}
	*utc = m->dst_utc_h[vault];
	*wall = m->dst_wall_h[vault];
	return m->dst_change[vault];
}

/* Daylight saving, only when a clock change inside the look-back moves
 * the verdict: read on the wall clock, the schedule's worst gap would be
 * on the other side of the target (never for log backups). */
static void dst_note(const struct check_input *in, double target,
		     struct check_row *r)
{
	int64_t from = in->as_of - (int64_t)llround(in->lookback_days * DAY_S);
	double utc, wall, j = SCHEDULE_JITTER_H;
	char day[DATE_ISO_LEN], w[24], t[24];
	int64_t change;

	if (!in->p || (r->tier == TT_VAULT &&
		       workload_is_db(in->it->workload) &&
		       in->p->log_interval_min > 0))
		return;
	change = dst_gaps(in, r->tier == TT_VAULT, from, &utc, &wall);
	if (change == TIME_NONE ||
	    (utc + j > target + EPS) == (wall + j > target + EPS))
		return;
	time_format_date(change, day);
	format_hours(wall + j, w, sizeof(w));
	format_hours(target, t, sizeof(t));
	clause(&r->note,
	       "'%s' changed its clocks on %s: Azure keeps the UTC hour, so "
	       "backups run 1 h later by the wall clock during daylight "
	       "saving (read on the wall clock, the schedule would give %s "
	       "%s the %s target)",
	       in->p->time_zone, day, w, wall + j > target + EPS ? ">" : "<=",
	       t);
}

/* The verdict: a breach whose every shortfall is within the tolerance
 * counts as met (the reason keeps the shortfall as a note). */
void settle_verdict(struct check_row *r, double tolerance)
{
	char m[24], tol[24];

	if (r->fail.len && !r->unmeasured_fail && !isnan(r->margin) &&
	    r->margin >= -tolerance - EPS) {
		format_hours(-r->margin, m, sizeof(m));
		format_hours(tolerance, tol, sizeof(tol));
		clause(&r->note, "short by %s, within the %s tolerance: %s", m,
		       tol, r->fail.buf);
		strbuf_reset(&r->fail);
	}
	r->verdict = r->fail.len      ? V_BREACHED
		     : r->unknown.len ? V_UNKNOWN
				      : V_MET;
	if (r->verdict == V_BREACHED && !(r->margin < -EPS))
		r->margin = NAN; /* no number measures this breach */
	if (r->verdict == V_UNKNOWN)
		r->cause = CAUSE_UNKNOWN;
	else if (r->verdict == V_MET)
		r->cause = CAUSE_NONE;
	else if (r->cause == CAUSE_NONE)
		r->cause = CAUSE_UNKNOWN;
}

void check_row_evaluate(struct check_row *r, const struct check_input *in)
{
	const struct item *it = in->it;
	const struct target *t = in->t;
	struct rpo_predicted pred;

	r->rpo_pred = r->rpo_obs = r->p95 = r->age = NAN;
	r->rto_newest = r->rto_oldest = r->rto_est = NAN;
	r->needed_time = TIME_NONE;
	r->tier = -1;
	r->margin = NAN;
	r->cause = CAUSE_NONE;
	r->streak = in->st->streak.trailing;
	memset(&pred, 0, sizeof(pred));
	pred.snapshot_h = pred.vault_h = NAN;
	pred.have_vault = it->workload != WL_FILES;
	if (in->p && !in->memo->predicted) {
		rpo_predict(&in->memo->pred, in->p, in->zones, in->as_of);
		in->memo->predicted = true;
	}
	if (in->p)
		pred = in->memo->pred;
	if (resolve_tier(it, t, &pred, in->st, r)) {
		if (!isnan(t->rpo_hours)) {
			check_predicted(it, t->rpo_hours, &pred, r);
			check_observed(in, t->rpo_hours, r);
			if (pred.tz_note[0])
				clause(&r->note, "%s", pred.tz_note);
			dst_note(in, t->rpo_hours, r);
		}
		check_rto(in, r);
		if (in->np)
			check_retention(in, r);
	}
	settle_verdict(r, in->tolerance_hours);
}

void check_row_reason(const struct check_row *r, struct strbuf *out)
{
	strbuf_reset(out);
	if (r->verdict == V_BREACHED)
		strbuf_adds(out, r->fail.buf);
	else if (r->verdict == V_UNKNOWN)
		strbuf_adds(out, r->unknown.buf);
	if (r->verdict != V_BREACHED && r->pass.len)
		clause(out, "%s", r->pass.buf);
	if (r->note.len)
		clause(out, "%s", r->note.buf);
}

void check_row_release(struct check_row *r)
{
	strbuf_release(&r->fail);
	strbuf_release(&r->unknown);
	strbuf_release(&r->pass);
	strbuf_release(&r->note);
}
