/* SPDX-License-Identifier: MIT
 * sample_bv_history.c: the recovery points and jobs of a sample Backup
 * vault instance (backup_recovery_points.csv, backup_jobs.csv): one
 * backup job per run of its policy's schedule since the backup-job
 * window opened, a point per successful run still kept (disks in the
 * operational store, blobs and PostgreSQL in the vault store), the last
 * runs failed or the protection stopped as its events say, and its
 * restores. Draws only from the caller's generator (sample_bv.c's own),
 * so the Recovery Services part of the estate stays as it was. Made
 * again for an aged estate's date (sample --from). */
#include "optimizer/sample/sample_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* The longest a sample keeps vault-store points (a year of weekly or
 * daily points would only make the file long). */
#define BV_VAULT_WINDOW_DAYS 91
#define BV_ERROR_CODE "UserErrorMissingRequiredPermissions"

struct bv_run_kind {
	const char *store, *rp_type;
	double backup_s, restore_s;   /* typical durations */
	int keep_days;                /* the points kept */
};

struct bv_hist {
	const struct sample_ctx *x;
	struct strpool *pool;
	gsl_rng *r;
	const struct binstance *bi;
	struct bv_history *t;
	size_t arps, ajobs;
};

/* The first interval of a schedule: "R/START/PERIOD". */
static int first_interval(const char *schedule, int64_t *start,
			  int64_t *period)
{
	char buf[96];
	char *a = strchr(schedule, '/'), *b, *end;
	double secs;

	if (!a || strlen(a) >= sizeof(buf))
		return -1;
	memcpy(buf, a + 1, strlen(a));
	end = strchr(buf, ';');
	if (end)
		*end = '\0';
	b = strchr(buf, '/');
	if (!b)
		return -1;
	*b++ = '\0';
	if (time_parse_iso(buf, 0, start) || duration_parse_iso(b, &secs) ||
	    secs < 3600)
		return -1;
	*period = (int64_t)secs;
	return 0;
}

static void run_kind(const struct binstance *bi, const struct bpolicy *p,
		     struct bv_run_kind *k)
{
	if (str_eq_ci(bi->datasource_type, "Microsoft.Compute/disks")) {
		*k = (struct bv_run_kind){ "OperationalStore", "Incremental",
					   240, 1500,
					   p->operational_keep_days };
		return;
	}
	*k = (struct bv_run_kind){ "VaultStore", "Full", 1800, 3600,
				   p->vault_keep_days };
	if (str_starts_with(bi->datasource_type, "Microsoft.DBforPostgreSQL"))
		k->backup_s = 2700, k->restore_s = 5400;
	if (k->keep_days > BV_VAULT_WINDOW_DAYS)
		k->keep_days = BV_VAULT_WINDOW_DAYS;
}

static const char *guid(struct bv_hist *h)
{
	char g[37];

	sample_guid(h->r, g);
	return strpool_dup(h->pool, g);
}

/* typical * [0.8, 1.2), whole seconds */
static double vary(struct bv_hist *h, double typical)
{
	return round(typical * sample_uniform(h->r, 0.8, 1.2));
}

static void add_job(struct bv_hist *h, const char *op, int64_t start,
		    double dur, bool failed)
{
	struct bv_history *t = h->t;
	struct bjob *j;

	t->jobs = grow_array(t->jobs, sizeof(*j), t->njobs + 1, &h->ajobs);
	j = &t->jobs[t->njobs++];
	j->job_id = guid(h);
	j->vault_id = h->bi->vault_id;
	j->instance_id = h->bi->instance_id;
	j->operation = op;
	j->category = op;
	j->status = failed ? "Failed" : "Succeeded";
	j->start_time = start;
	j->end_time = start + (int64_t)dur;
	j->duration_s = dur;
	j->datasource_type = h->bi->datasource_type;
	j->error_code = failed ? BV_ERROR_CODE : "";
}

static void add_point(struct bv_hist *h, const struct bv_run_kind *k,
		      int64_t at)
{
	struct bv_history *t = h->t;
	struct brp *rp;

	t->rps = grow_array(t->rps, sizeof(*rp), t->nrps + 1, &h->arps);
	rp = &t->rps[t->nrps++];
	rp->rp_id = guid(h);
	rp->instance_id = h->bi->instance_id;
	rp->rp_time = at;
	rp->rp_type = k->rp_type;
	rp->data_stores = k->store;
	rp->expiry_time = at + (int64_t)k->keep_days * DAY_S;
}

/* The scheduled runs from the older of the job window and the points
 * kept up to as_of (or the stop): the last ev->failed_runs fail. */
static void backup_runs(struct bv_hist *h, const struct bpolicy *p,
			const struct bv_events *ev)
{
	const struct sample_ctx *x = h->x;
	struct bv_run_kind k;
	int64_t start, period, until = x->as_of, t, from;
	int runs = 0;

	run_kind(h->bi, p, &k);
	if (first_interval(p->schedule, &start, &period))
		return;
	if (ev->stopped_days)
		until -= (int64_t)ev->stopped_days * DAY_S;
	/* a run still going at as_of has neither point nor end yet */
	until -= (int64_t)(1.2 * k.backup_s) + 1;
	t = start + (until - start) / period * period;
	from = x->backup_from;
	if (until - (int64_t)k.keep_days * DAY_S < from)
		from = until - (int64_t)k.keep_days * DAY_S;
	for (; t > from && t >= start; t -= period, runs++) {
		bool failed = runs < ev->failed_runs;
		double dur = vary(h, failed ? k.backup_s / 4 : k.backup_s);
		if (t >= x->backup_from)
			add_job(h, "Backup", t, dur, failed);
		if (!failed && t > until - (int64_t)k.keep_days * DAY_S)
			add_point(h, &k, t);
	}
}

void sample_bv_history(const struct sample_ctx *x, struct strpool *pool,
		       gsl_rng *r, const struct binstance *bi,
		       const struct bpolicy *p, const struct bv_events *ev,
		       struct bv_history *t, size_t *arps, size_t *ajobs)
{
	struct bv_hist h = { x, pool, r, bi, t, *arps, *ajobs };
	struct bv_run_kind k;

	if (!p)
		return;
	backup_runs(&h, p, ev);
	run_kind(bi, p, &k);
	/* restores, a month and a bit apart, mid-morning */
	for (int i = 0; i < ev->restores; i++)
		add_job(&h, "Restore",
			x->as_of - (int64_t)(37 * (i + 1)) * DAY_S +
				10 * HOUR_S,
			vary(&h, k.restore_s), false);
	*arps = h.arps;
	*ajobs = h.ajobs;
}
