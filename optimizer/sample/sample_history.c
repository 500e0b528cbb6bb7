/* SPDX-License-Identifier: MIT
 * sample_history.c: one synthetic item's history for the sample estate.
 * Walks the item's policy schedule into recovery points (retention,
 * tiers, move readiness, sizes), simulates its restores from the
 * restore-likelihood process, builds its backup and restore jobs, then
 * writes the item row, its points and its jobs (sample.h documents the
 * rules). Called by sample.c only; never prints, never reads the clock. */
#include "optimizer/sample/sample_internal.h"

#include <math.h>

#include <gsl/gsl_randist.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define FAIL_RATE 0.015
#define WARN_RATE 0.03
#define JITTER_MAX_S 7200
#define REHYDRATE_DAYS 15
#define ARCHIVE_MIN_LEFT_DAYS 180
#define RECOMMENDED_AGE_DAYS 90
#define RECOMMENDED_MIN_CHURN 0.015
#define VM_MOVE_MIN_AGE_DAYS 90
#define DB_MOVE_MIN_AGE_DAYS 45
#define RESTORE_FAIL_RATE 0.05
#define CRR_SHARE 0.1
#define DRILL_RATE 0.1

static const char MOVED[] = "Recovery point cannot be moved to archive tier "
			    "since it has already been moved.";
static const char SHORT_RETENTION[] =
	"Recovery point cannot be moved to Archive tier due to insufficient "
	"retention duration specified in policy.. Update policy on the "
	"protected item with appropriate retention setting and try again.";
static const char DETERMINING[] = "We're still determining if this Recovery "
				  "Point can be moved.. Please check again "
				  "after some time.";

static const char *const vm_errors[] = {
	"UserErrorGuestAgentStatusUnavailable",
	"GuestAgentSnapshotTaskStatusError",
	"ExtensionSnapshotFailedNoNetwork",
	"UserErrorVmProvisioningStateFailed",
	"ExtensionFailedVssWriterInBadState",
};
static const char *const sql_errors[] = {
	"UserErrorSQLNoSysadminMembership",
	"UserErrorOpeningSQLConnection",
	"UserErrorParentFullBackupMissing",
};
static const char *const hana_errors[] = {
	"UserErrorHANAInternalRoleNotPresent",
	"UserErrorHanaInstanceNameInvalid",
};
static const char *const files_errors[] = {
	"UserErrorFileShareEndpointUnreachable",
	"UserErrorStorageAccountNotFound",
};
static const char *const restore_errors[] = {
	"SkuNotAvailable",
	"UserErrorDiskEncryptionSetKeyIsDisabled",
	"UserErrorTargetStorageAccountNotFound",
};

struct gpoint {
	struct rp rp;
	char id[16];
	const char *name;         /* an aged point's id, else NULL: id */
	double w;                 /* coverage weight of the restore process */
	bool snapshot_only;       /* Enhanced run not sent to the vault */
	bool has_snapshot;        /* VM/Files: an instant snapshot first */
	int64_t archived_at;      /* moved to Archive, or TIME_NONE */
	int64_t rehydrated_until; /* rehydrated copy in Standard until */
};

struct gjob {
	struct job j;
	char id[37];
};

struct event {
	int64_t t;
	size_t point;
};

struct sample_history {
	struct gpoint *pts;
	size_t npts, apts;
	struct rp *rps;
	size_t arps;
	struct gjob *backups, *restores;
	size_t nbackups, abackups, nrestores, arestores;
	struct event *events;
	size_t nevents, aevents;
};

struct sample_history *sample_history_new(void)
{
	return xcalloc(1, sizeof(struct sample_history));
}

void sample_history_free(struct sample_history *h)
{
	if (!h)
		return;
	free(h->pts);
	free(h->rps);
	free(h->backups);
	free(h->restores);
	free(h->events);
	free(h);
}

double sample_uniform(gsl_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* ---- walking the schedule ---- */

/* What the walk of one item keeps between runs. */
struct walk {
	struct sample_ctx *x;
	struct gen_item *gi;
	const struct gen_policy *pol;
	struct sample_history *h;
	int64_t end;          /* runs stop here: as-of or protection stop */
	int64_t prev_vault;   /* last vault transfer (incremental size) */
	int64_t first_full, last_full;
	int64_t last_success;
};

/* A run's retention: rp_kind, and how long its tags keep it. */
struct retention {
	int kind;
	int days, months;
};

static bool is_db(int workload)
{
	return workload == WL_SQL || workload == WL_HANA;
}

static bool retention_tags(const struct gen_policy *gp, int64_t local_day,
			   bool last_of_day, struct retention *r)
{
	const struct policy *p = &gp->p;
	int y, m, d;
	int wday = (int)((local_day % 7 + 11) % 7);
	bool ret_day = last_of_day && wday == gp->ret_wday;
	bool found = false;

	civil_from_days(local_day, &y, &m, &d);
	r->days = r->months = 0;
	r->kind = RK_DAILY;
	if (p->daily_keep_days > 0) {
		r->days = p->daily_keep_days;
		found = true;
	}
	if (p->weekly_keep_weeks > 0 && ret_day) {
		if (7 * p->weekly_keep_weeks > r->days)
			r->days = 7 * p->weekly_keep_weeks;
		r->kind = RK_WEEKLY;
		found = true;
	}
	if (p->monthly_keep_months > 0 && ret_day && d <= 7) {
		r->months = p->monthly_keep_months;
		r->kind = RK_MONTHLY;
		found = true;
	}
	if (p->yearly_keep_years > 0 && ret_day && d <= 7 && m == 1) {
		if (12 * p->yearly_keep_years > r->months)
			r->months = 12 * p->yearly_keep_years;
		r->kind = RK_YEARLY;
		found = true;
	}
	return found;
}

static int64_t retention_expiry(const struct retention *r, int64_t t)
{
	int64_t by_days = t + (int64_t)r->days * DAY_S;
	int64_t by_months = r->months ? time_add_months(t, r->months) : t;

	return by_days > by_months ? by_days : by_months;
}

static double coverage_weight(const struct gen_policy *gp, int kind,
			      bool snapshot_only)
{
	static const double by_kind[RK_COUNT] = { 1, 7, 30, 365, 7, 1, 0 };

	if (snapshot_only)
		return gp->p.hourly_interval_h / 24.0;
	if (kind == RK_FULL && gp->p.frequency == FREQ_DAILY)
		return 1;
	return by_kind[kind];
}

/* A point alive when protection stopped is kept forever. */
static bool kept_forever(const struct walk *w, int64_t expiry,
			 bool snapshot_only)
{
	return w->gi->stop != TIME_NONE && !snapshot_only &&
	       expiry > w->gi->stop;
}

/* True when a point of this expiry can matter: written (alive at the
 * as-of) or exposed to restores (alive after restore_jobs_from). */
static bool may_matter(const struct walk *w, int64_t expiry_bound,
		       bool snapshot_only)
{
	return expiry_bound >= w->x->restore_from ||
	       kept_forever(w, expiry_bound, snapshot_only);
}

static bool in_streak(const struct gen_item *gi, int64_t t)
{
	return gi->streak_from != TIME_NONE && t >= gi->streak_from &&
	       t < gi->streak_to;
}

#define PICK(r, list) ((list)[gsl_rng_uniform_int(r, ARRAY_SIZE(list))])

static const char *random_error(gsl_rng *r, int workload)
{
	switch (workload) {
	case WL_SQL:
		return PICK(r, sql_errors);
	case WL_HANA:
		return PICK(r, hana_errors);
	case WL_FILES:
		return PICK(r, files_errors);
	default:
		return PICK(r, vm_errors);
	}
}

static void new_point(struct walk *w, int64_t t, int kind, int64_t expiry,
		      bool snapshot_only)
{
	struct sample_history *h = w->h;
	struct gpoint *pt;
	unsigned long hi, lo;

	h->pts = grow_array(h->pts, sizeof(*h->pts), h->npts + 1, &h->apts);
	pt = &h->pts[h->npts++];
	memset(pt, 0, sizeof(*pt));
	/* Azure names points with 14-digit decimal numbers. */
	hi = 1000000 + gsl_rng_uniform_int(w->x->rng, 9000000);
	lo = gsl_rng_uniform_int(w->x->rng, 10000000);
	for (int k = 13; k >= 7; k--, lo /= 10)
		pt->id[k] = (char)('0' + lo % 10);
	for (int k = 6; k >= 0; k--, hi /= 10)
		pt->id[k] = (char)('0' + hi % 10);
	pt->id[14] = '\0';
	pt->rp.rp_time = t;
	pt->rp.kind = kind;
	pt->rp.expiry_time = kept_forever(w, expiry, snapshot_only) ? TIME_NONE
								    : expiry;
	pt->rp.move_ready = MR_UNKNOWN;
	pt->rp.move_info = "";
	pt->snapshot_only = snapshot_only;
	pt->has_snapshot = !is_db(w->gi->it.workload);
	pt->w = coverage_weight(w->pol, kind, snapshot_only);
	pt->archived_at = pt->rehydrated_until = TIME_NONE;
}

/* How long a backup run takes and what it sends to the vault. */
static double backup_duration(gsl_rng *r, int workload, double gb,
			      bool failed)
{
	double thr;

	if (failed)
		return sample_uniform(r, 300, 5400);
	if (isnan(gb)) /* snapshot phase only */
		return sample_uniform(r, 120, 600);
	if (is_db(workload)) {
		thr = gsl_ran_lognormal(r, log(500), 0.4);
		return 120 + 3600 * gb / thr;
	}
	thr = gsl_ran_lognormal(r, log(250), 0.5);
	return sample_uniform(r, 120, 720) + 3600 * gb / thr;
}

/* Records the backup job of a run that started inside the job window;
 * returns true when the run is still going at the as-of. */
static bool backup_job(struct walk *w, int64_t start, double gb,
		       const char *error)
{
	struct sample_history *h = w->h;
	gsl_rng *r = w->x->rng;
	struct gjob *g;
	struct job *j;
	double dur = backup_duration(r, w->gi->it.workload, gb, error != NULL);

	h->backups = grow_array(h->backups, sizeof(*h->backups),
				h->nbackups + 1, &h->abackups);
	g = &h->backups[h->nbackups++];
	memset(g, 0, sizeof(*g));
	sample_guid(r, g->id);
	j = &g->j;
	j->operation = "Backup";
	j->start_time = start;
	j->end_time = start + (int64_t)llround(dur);
	j->duration_s = round(dur);
	j->rp_time = TIME_NONE;
	j->source_tier = "";
	/* ARM's job list carries no size for backups (only each job's
	 * details do), so a snapshot has none: leave it empty. */
	j->data_gb = NAN;
	j->error_code = error ? error : "";
	if (error)
		j->status = "Failed";
	else if (gsl_rng_uniform(r) < WARN_RATE)
		j->status = "CompletedWithWarnings";
	else
		j->status = "Completed";
	if (j->end_time > w->x->as_of) {
		j->status = "InProgress";
		j->end_time = TIME_NONE;
		j->duration_s = NAN;
		j->error_code = "";
		return true;
	}
	return false;
}

/* Draws whether a scheduled run fails and when it starts; false when it
 * has not started before the walk's end. */
static bool run_outcome(struct walk *w, int64_t sched, int64_t *start,
			const char **error)
{
	gsl_rng *r = w->x->rng;
	double u = gsl_rng_uniform(r);

	*error = NULL;
	if (in_streak(w->gi, sched))
		*error = w->gi->streak_code;
	else if (gsl_rng_uniform(r) < FAIL_RATE)
		*error = random_error(r, w->gi->it.workload);
	*start = sched + (int64_t)(JITTER_MAX_S * u * u);
	return *start < w->end && *start >= w->x->resume_at;
}

/* Transfer size of a vault run: the blocks changed since the last one. */
static double transfer_gb(const struct walk *w, int64_t since, int64_t t)
{
	const struct item *it = &w->gi->it;

	if (since == TIME_NONE)
		return it->source_gb;
	return it->source_gb *
	       churn_fraction(it->daily_churn, (double)(t - since) / DAY_S);
}

/* One VM or Azure Files run. */
static void vm_run(struct walk *w, int64_t local_day, int64_t sched,
		   bool last_of_day)
{
	const struct gen_policy *gp = w->pol;
	bool snap = gp->p.frequency == FREQ_HOURLY && !last_of_day;
	struct retention r = { RK_DAILY, gp->p.instant_rp_days, 0 };
	int64_t start, bound;
	const char *error;
	double gb = NAN;
	bool running = false;

	if (!snap && !retention_tags(gp, local_day, last_of_day, &r))
		return;
	bound = retention_expiry(&r, sched + JITTER_MAX_S);
	if (!may_matter(w, bound, snap)) {
		if (!snap)
			w->prev_vault = sched;
		return;
	}
	if (!run_outcome(w, sched, &start, &error))
		return;
	if (!snap)
		gb = transfer_gb(w, w->prev_vault, start);
	if (start >= w->x->backup_from)
		running = backup_job(w, start, gb, error);
	if (error || running)
		return;
	new_point(w, start, r.kind, retention_expiry(&r, start), snap);
	if (!snap)
		w->prev_vault = start;
	w->last_success = start;
}

/* One SQL/HANA full or differential run. */
static void db_run(struct walk *w, int64_t local_day, int64_t sched,
		   bool full)
{
	const struct gen_policy *gp = w->pol;
	struct retention r = { RK_DIFFERENTIAL, gp->p.diff_keep_days, 0 };
	int64_t start, bound;
	const char *error;
	double gb;
	bool running = false;

	if (full) {
		if (!retention_tags(gp, local_day, true, &r))
			return;
		r.kind = RK_FULL;
	} else if (w->first_full == TIME_NONE) {
		return; /* a differential needs a full to build on */
	}
	bound = retention_expiry(&r, sched + JITTER_MAX_S);
	if (!may_matter(w, bound, false)) {
		if (full) {
			if (w->first_full == TIME_NONE)
				w->first_full = sched;
			w->last_full = sched;
		}
		return;
	}
	if (!run_outcome(w, sched, &start, &error))
		return;
	gb = full ? w->gi->it.source_gb : transfer_gb(w, w->last_full, start);
	if (start >= w->x->backup_from)
		running = backup_job(w, start, gb, error);
	if (error || running)
		return;
	new_point(w, start, r.kind, retention_expiry(&r, start), false);
	if (full) {
		if (w->first_full == TIME_NONE)
			w->first_full = start;
		w->last_full = start;
	}
	w->last_success = start;
}

/* The runs of one local day, in time order. */
static void walk_day(struct walk *w, int64_t local_day)
{
	const struct gen_policy *gp = w->pol;
	int64_t midnight = local_day * DAY_S - gp->offset_s;
	unsigned bit = 1u << ((local_day % 7 + 11) % 7);
	bool weekly = gp->p.frequency == FREQ_WEEKLY;

	if (is_db(gp->p.workload)) {
		int64_t sched = midnight + gp->run_min[0] * 60;
		if (sched < w->gi->start || sched >= w->end)
			return;
		if (!weekly || (gp->run_days & bit))
			db_run(w, local_day, sched, true);
		else if (gp->diff_days & bit)
			db_run(w, local_day, sched, false);
		return;
	}
	if (weekly && !(gp->run_days & bit))
		return;
	for (int k = 0; k < gp->nruns; k++) {
		int64_t sched = midnight + gp->run_min[k] * 60;
		if (sched < w->gi->start || sched >= w->end)
			continue;
		vm_run(w, local_day, sched, k == gp->nruns - 1);
	}
}

/* SQL/HANA: one log point per UTC day, at the day's last log backup. */
static void walk_logs(struct walk *w)
{
	const struct policy *p = &w->pol->p;
	int64_t step = (int64_t)p->log_interval_min * 60;
	int64_t d0, d1;

	if (!step || !p->log_keep_days || w->first_full == TIME_NONE)
		return;
	d0 = days_between(0, w->first_full);
	d1 = days_between(0, w->end - 1);
	if (w->x->resume_at != TIME_NONE &&
	    days_between(0, w->x->resume_at) > d0)
		d0 = days_between(0, w->x->resume_at);
	for (int64_t d = d0; d <= d1; d++) {
		int64_t t = d * DAY_S + DAY_S - step;
		int64_t expiry;

		if (t >= w->end)
			t = (w->end - 1) / step * step;
		if (t < d * DAY_S || t <= w->first_full ||
		    t < w->x->resume_at || in_streak(w->gi, t))
			continue;
		expiry = t + (int64_t)p->log_keep_days * DAY_S;
		if (!may_matter(w, expiry, false))
			continue;
		new_point(w, t, RK_LOG, expiry, false);
	}
}

static int by_point_time(const void *a, const void *b)
{
	const struct gpoint *x = a, *y = b;

	if (x->rp.rp_time != y->rp.rp_time)
		return x->rp.rp_time < y->rp.rp_time ? -1 : 1;
	return x->rp.kind - y->rp.kind;
}

static void walk_schedule(struct walk *w)
{
	int off = w->pol->offset_s;
	int64_t d0 = days_between(0, w->gi->start + off);
	int64_t d1 = days_between(0, w->end - 1 + off);

	for (int64_t d = d0; d <= d1; d++)
		walk_day(w, d);
	if (is_db(w->gi->it.workload))
		walk_logs(w);
	if (w->h->npts)
		qsort(w->h->pts, w->h->npts, sizeof(*w->h->pts),
		      by_point_time);
}

/* ---- tiers ---- */

/* Days after which the policy moves an eligible point, or -1. */
static int tier_age_days(const struct gen_item *gi)
{
	const struct policy *p = &gi->pol->p;

	if (p->tiering_mode == TM_TIERAFTER)
		return p->tier_after_days;
	if (p->tiering_mode == TM_TIERRECOMMENDED &&
	    gi->it.workload == WL_VM &&
	    gi->it.daily_churn > RECOMMENDED_MIN_CHURN)
		return RECOMMENDED_AGE_DAYS;
	return -1;
}

static bool archive_kind(int workload, int kind)
{
	if (workload == WL_VM)
		return kind == RK_MONTHLY || kind == RK_YEARLY;
	return is_db(workload) && kind == RK_FULL;
}

static void plan_archive_moves(struct walk *w)
{
	const struct gen_item *gi = w->gi;
	int age = tier_age_days(gi);

	if (age < 0)
		return;
	for (size_t i = 0; i < w->h->npts; i++) {
		struct gpoint *pt = &w->h->pts[i];
		int64_t at = pt->rp.rp_time + (int64_t)age * DAY_S;
		int64_t exp = pt->rp.expiry_time;

		/* An aged estate's policy tiers the points older than its age
		 * now: those it left in Standard before did not qualify. */
		if (at < w->x->resume_at)
			at = w->x->resume_at;

		if (!archive_kind(gi->it.workload, pt->rp.kind) ||
		    pt->archived_at != TIME_NONE || pt->snapshot_only ||
		    at > w->x->as_of ||
		    (gi->stop != TIME_NONE && at > gi->stop))
			continue;
		if (exp != TIME_NONE &&
		    exp - at < (int64_t)ARCHIVE_MIN_LEFT_DAYS * DAY_S)
			continue;
		pt->archived_at = at;
	}
}

static bool has_snapshot_at(const struct walk *w, const struct gpoint *pt,
			    int64_t t)
{
	if (pt->snapshot_only)
		return true;
	if (!pt->has_snapshot || (w->gi->stop != TIME_NONE && t >= w->gi->stop))
		return false;
	return t - pt->rp.rp_time <
	       (int64_t)w->pol->p.instant_rp_days * DAY_S;
}

/* Where a restore at t reads the point from. */
static int tier_at(const struct walk *w, const struct gpoint *pt, int64_t t)
{
	if (has_snapshot_at(w, pt, t))
		return TIER_SNAPSHOT;
	if (pt->archived_at != TIME_NONE && t >= pt->archived_at &&
	    !(pt->rehydrated_until != TIME_NONE && t < pt->rehydrated_until))
		return TIER_ARCHIVE;
	return TIER_STANDARD;
}

static int tier_now(const struct walk *w, const struct gpoint *pt)
{
	int64_t now = w->x->as_of;

	if (pt->snapshot_only)
		return TIER_SNAPSHOT;
	if (pt->archived_at != TIME_NONE)
		return pt->rehydrated_until != TIME_NONE &&
				       pt->rehydrated_until > now
			       ? TIER_REHYDRATED
			       : TIER_ARCHIVE;
	return has_snapshot_at(w, pt, now) ? TIER_SNAPSHOT_STANDARD
					   : TIER_STANDARD;
}

static void set_move_ready(const struct walk *w, struct rp *rp)
{
	int workload = w->gi->it.workload;
	int64_t now = w->x->as_of;
	int min_age = workload == WL_VM ? VM_MOVE_MIN_AGE_DAYS
					: DB_MOVE_MIN_AGE_DAYS;

	rp->move_ready = MR_UNKNOWN;
	rp->move_info = "";
	if (!archive_kind(workload, rp->kind) || rp->tier == TIER_SNAPSHOT)
		return;
	rp->move_ready = MR_FALSE;
	if (tier_in_archive(rp->tier))
		rp->move_info = MOVED;
	else if (rp->expiry_time != TIME_NONE &&
		 rp->expiry_time - now <
			 (int64_t)ARCHIVE_MIN_LEFT_DAYS * DAY_S)
		rp->move_info = SHORT_RETENTION;
	else if (now - rp->rp_time < (int64_t)min_age * DAY_S)
		rp->move_info = DETERMINING;
	else
		rp->move_ready = MR_TRUE;
}

/* ---- restores ---- */

/* The age a in [lo, hi] where Lambda(a) = target (Lambda increasing). */
static double invert_cumulative(const struct sample_hazard *hz,
				double target, double lo, double hi)
{
	for (int i = 0; i < 200 && hi - lo > 1e-9; i++) {
		double mid = 0.5 * (lo + hi);
		if (sample_hazard_cumulative(hz, mid) < target)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static void add_event(struct sample_history *h, int64_t t, size_t point)
{
	h->events = grow_array(h->events, sizeof(*h->events), h->nevents + 1,
			       &h->aevents);
	h->events[h->nevents].t = t;
	h->events[h->nevents].point = point;
	h->nevents++;
}

/* Restores of one point over the part of its life in the job window. */
static void simulate_point(struct walk *w, size_t i)
{
	const struct sample_hazard *hz = &w->x->o->hazard;
	const struct gpoint *pt = &w->h->pts[i];
	int64_t t0 = pt->rp.rp_time;
	int64_t upto = pt->rp.expiry_time == TIME_NONE ||
				       pt->rp.expiry_time > w->x->as_of
			       ? w->x->as_of
			       : pt->rp.expiry_time;
	int64_t from = w->x->resume_at > w->x->restore_from
			       ? w->x->resume_at
			       : w->x->restore_from;
	double e = fmax(0, (double)(from - t0) / DAY_S);
	double x = (double)(upto - t0) / DAY_S;
	double a, cum, cum_end, draw;

	if (pt->w <= 0 || x <= e)
		return;
	/* lambda decreases, so lambda(e) (x - e) bounds the mass: most
	 * points are passed over without the exact cumulative. */
	draw = gsl_ran_exponential(w->x->restore_rng, 1.0) / pt->w;
	if (draw > sample_hazard_rate(hz, e) * (x - e))
		return;
	a = e;
	cum = a > 0 ? sample_hazard_cumulative(hz, a) : 0;
	cum_end = sample_hazard_cumulative(hz, x);
	for (;;) {
		double target = cum + draw;
		int64_t t;

		if (target > cum_end)
			break;
		a = invert_cumulative(hz, target, a, x);
		cum = target;
		t = t0 + (int64_t)llround(a * DAY_S);
		add_event(w->h, t > upto ? upto : t, i);
		draw = gsl_ran_exponential(w->x->restore_rng, 1.0) / pt->w;
	}
}

static int by_event_time(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->point < y->point ? -1 : x->point > y->point;
}

static double restore_duration(gsl_rng *r, double gb, int source_tier)
{
	double thr = gsl_ran_lognormal(r, log(300), 0.6);
	double s = 600 + 3600 * gb / thr;

	if (source_tier == TIER_ARCHIVE) /* Standard-priority rehydration */
		s += 3600 * sample_uniform(r, 5, 15);
	return s;
}

static void restore_job(struct walk *w, const struct event *ev,
			const struct rp *sized)
{
	struct sample_history *h = w->h;
	struct gpoint *pt = &h->pts[ev->point];
	gsl_rng *r = w->x->restore_rng;
	int tier = tier_at(w, pt, ev->t);
	struct gjob *g;
	struct job *j;
	double dur;

	h->restores = grow_array(h->restores, sizeof(*h->restores),
				 h->nrestores + 1, &h->arestores);
	g = &h->restores[h->nrestores++];
	memset(g, 0, sizeof(*g));
	sample_guid(r, g->id);
	j = &g->j;
	j->operation = "Restore";
	if (tier == TIER_STANDARD && w->gi->vault_crr &&
	    gsl_rng_uniform(r) < CRR_SHARE)
		j->operation = "CrossRegionRestore";
	j->start_time = ev->t;
	j->rp_time = pt->rp.rp_time;
	j->source_tier = rp_tier_names[tier];
	j->data_gb = sized[ev->point].full_gb;
	j->error_code = "";
	j->status = "Completed";
	dur = restore_duration(r, j->data_gb, tier);
	if (gsl_rng_uniform(r) < RESTORE_FAIL_RATE) {
		j->status = "Failed";
		j->error_code = PICK(r, restore_errors);
		dur *= sample_uniform(r, 0.1, 0.6);
	}
	j->duration_s = round(dur);
	j->end_time = ev->t + (int64_t)llround(dur);
	if (j->end_time > w->x->as_of) {
		j->status = "InProgress";
		j->error_code = "";
		j->end_time = TIME_NONE;
		j->duration_s = NAN;
	}
	if (tier == TIER_ARCHIVE)
		pt->rehydrated_until = ev->t + (int64_t)REHYDRATE_DAYS * DAY_S;
}

/* Archived before from and still kept at the as-of. */
static bool drillable(const struct walk *w, const struct gpoint *pt,
		      int64_t from)
{
	return pt->archived_at != TIME_NONE && pt->archived_at < from &&
	       (pt->rp.expiry_time == TIME_NONE ||
		pt->rp.expiry_time > w->x->as_of);
}

/* A restore drill: an archived point restored (so rehydrated) in the
 * last REHYDRATE_DAYS, at most x->drills_left times per estate. */
static void maybe_drill(struct walk *w)
{
	struct sample_history *h = w->h;
	gsl_rng *r = w->x->restore_rng;
	int64_t from = w->x->as_of - (int64_t)REHYDRATE_DAYS * DAY_S;
	size_t n = 0, pick;

	for (size_t i = 0; i < h->npts; i++)
		n += drillable(w, &h->pts[i], from);
	if (!n || w->x->drills_left <= 0 || gsl_rng_uniform(r) >= DRILL_RATE)
		return;
	w->x->drills_left--;
	pick = gsl_rng_uniform_int(r, n);
	for (size_t i = 0; i < h->npts; i++) {
		if (!drillable(w, &h->pts[i], from) || pick--)
			continue;
		add_event(h, from + (int64_t)sample_uniform(
					    r, 0, (REHYDRATE_DAYS - 1) * DAY_S),
			  i);
		return;
	}
}

/* Simulates every point's restores, merges an item's restores less than
 * 24 h apart, and turns the rest into jobs. */
static void simulate_restores(struct walk *w, const struct rp *sized)
{
	struct sample_history *h = w->h;
	int64_t last = TIME_NONE;

	h->nevents = 0;
	for (size_t i = 0; i < h->npts; i++)
		simulate_point(w, i);
	maybe_drill(w);
	if (h->nevents)
		qsort(h->events, h->nevents, sizeof(*h->events),
		      by_event_time);
	for (size_t k = 0; k < h->nevents; k++) {
		if (last != TIME_NONE && h->events[k].t - last < DAY_S)
			continue;
		last = h->events[k].t;
		restore_job(w, &h->events[k], sized);
	}
}

/* ---- sizes, writing ---- */

/* Copies the points (all, or only those alive at the as-of) into h->rps
 * and sizes them; returns the count. */
static size_t collect_rps(struct walk *w, bool live_only)
{
	struct sample_history *h = w->h;
	size_t n = 0;

	h->rps = grow_array(h->rps, sizeof(*h->rps), h->npts + 1, &h->arps);
	for (size_t i = 0; i < h->npts; i++) {
		struct gpoint *pt = &h->pts[i];
		struct rp *rp = &h->rps[n];

		if (live_only && pt->rp.expiry_time != TIME_NONE &&
		    pt->rp.expiry_time <= w->x->as_of)
			continue;
		*rp = pt->rp;
		rp->rp_id = pt->name ? pt->name : pt->id;
		rp->item_id = w->gi->it.item_id;
		rp->tier = live_only ? tier_now(w, pt)
				     : pt->snapshot_only ? TIER_SNAPSHOT
							 : TIER_STANDARD;
		if (live_only)
			set_move_ready(w, rp);
		n++;
	}
	estimate_point_sizes(&w->gi->it, h->rps, n, w->x->as_of);
	return n;
}

/* Restore sizes need every point's size, expired ones included. */
static struct rp *sized_copy(struct walk *w)
{
	size_t n = collect_rps(w, false);
	struct rp *copy = xmalloc((n + 1) * sizeof(*copy));

	memcpy(copy, w->h->rps, n * sizeof(*copy));
	return copy;
}

static void put_job(struct sample_ctx *x, const struct gen_item *gi,
		    struct gjob *g)
{
	g->j.job_id = g->id;
	g->j.vault_id = gi->it.vault_id;
	g->j.item_id = gi->it.item_id;
	snapshot_put_job(&x->sw, &g->j);
	x->stats.jobs++;
}

/* Backup and restore jobs merged by start time. */
static void write_jobs(struct sample_ctx *x, const struct gen_item *gi)
{
	struct sample_history *h = x->h;
	size_t b = 0, r = 0;

	while (b < h->nbackups || r < h->nrestores) {
		if (r == h->nrestores ||
		    (b < h->nbackups && h->backups[b].j.start_time <=
					       h->restores[r].j.start_time)) {
			put_job(x, gi, &h->backups[b++]);
		} else {
			put_job(x, gi, &h->restores[r++]);
			x->stats.restore_jobs++;
		}
	}
}

/* Archive moves, restores, then the item row, its live points and its
 * jobs (after the old ones an aged item keeps). */
static void finish_item(struct walk *w, const struct job *old, size_t nold)
{
	struct sample_ctx *x = w->x;
	struct gen_item *gi = w->gi;
	struct sample_history *h = w->h;
	struct rp *sized;
	size_t n;

	plan_archive_moves(w);
	sized = sized_copy(w);
	simulate_restores(w, sized);
	free(sized);
	n = collect_rps(w, true);
	item_storage_totals(&gi->it, h->rps, n, &gi->it.standard_gb,
			    &gi->it.archive_gb);
	gi->it.last_backup_time = w->last_success;
	snapshot_put_item(&x->sw, &gi->it);
	for (size_t i = 0; i < n; i++)
		snapshot_put_rp(&x->sw, &h->rps[i]);
	x->stats.items++;
	x->stats.rps += n;
	for (size_t i = 0; i < nold; i++) {
		snapshot_put_job(&x->sw, &old[i]);
		x->stats.jobs++;
		x->stats.restore_jobs += job_is_restore(&old[i]);
	}
	write_jobs(x, gi);
}

void sample_history_write_item(struct sample_ctx *x, struct gen_item *gi)
{
	struct sample_history *h = x->h;
	struct walk w = { x, gi, gi->pol, h, x->as_of, TIME_NONE, TIME_NONE,
			  TIME_NONE, TIME_NONE };

	h->npts = h->nbackups = h->nrestores = 0;
	if (gi->stop != TIME_NONE)
		w.end = gi->stop;
	if (gi->start < w.end)
		walk_schedule(&w);
	finish_item(&w, NULL, 0);
}

/* ---- sample --from: an item of the snapshot aged ---- */

/* An old point as the walk would have made it. */
static void old_point(struct walk *w, const struct rp *rp)
{
	struct sample_history *h = w->h;
	bool snap = rp->tier == TIER_SNAPSHOT;
	struct gpoint *pt;

	h->pts = grow_array(h->pts, sizeof(*h->pts), h->npts + 1, &h->apts);
	pt = &h->pts[h->npts++];
	memset(pt, 0, sizeof(*pt));
	pt->rp = *rp;
	pt->name = rp->rp_id;
	if (kept_forever(w, rp->expiry_time == TIME_NONE ? INT64_MAX
							 : rp->expiry_time,
			 snap))
		pt->rp.expiry_time = TIME_NONE;
	pt->snapshot_only = snap;
	pt->has_snapshot = !is_db(w->gi->it.workload);
	pt->w = coverage_weight(w->pol, rp->kind, snap);
	/* A rehydrated copy is gone a month on: the point is in Archive. */
	pt->archived_at = tier_in_archive(rp->tier) ? w->x->resume_at
						    : TIME_NONE;
	pt->rehydrated_until = TIME_NONE;
	if (snap)
		return;
	if (rp->kind == RK_FULL) {
		if (w->first_full == TIME_NONE)
			w->first_full = rp->rp_time;
		w->last_full = rp->rp_time;
	}
	if (rp->kind != RK_LOG && rp->kind != RK_DIFFERENTIAL)
		w->prev_vault = rp->rp_time;
}

/* Old jobs kept: finished, and inside the new job windows. */
static size_t keep_jobs(const struct sample_ctx *x, const struct job *jobs,
			size_t n, struct job *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t from = job_is_restore(&jobs[i]) ? x->restore_from
							: x->backup_from;
		if (jobs[i].end_time == TIME_NONE ||
		    jobs[i].start_time < from)
			continue;
		out[k++] = jobs[i];
	}
	return k;
}

void sample_history_age_item(struct sample_ctx *x, struct gen_item *gi,
			     const struct rp *old, size_t nold,
			     const struct job *jobs, size_t njobs)
{
	struct sample_history *h = x->h;
	struct walk w = { x, gi, gi->pol, h, x->as_of, TIME_NONE, TIME_NONE,
			  TIME_NONE, gi->it.last_backup_time };
	struct job *kept = xmalloc((njobs + 1) * sizeof(*kept));

	h->npts = h->nbackups = h->nrestores = 0;
	if (gi->stop != TIME_NONE)
		w.end = gi->stop;
	for (size_t i = 0; i < nold; i++)
		old_point(&w, &old[i]);
	if (gi->start < w.end)
		walk_schedule(&w);
	finish_item(&w, kept, keep_jobs(x, jobs, njobs, kept));
	free(kept);
}
