/* SPDX-License-Identifier: MIT
 * check.c: the RPO/RTO check stage (see check.h). Two streaming passes,
 * jobs then recovery points, leave a small summary per item; the restore
 * jobs give one duration fit per workload; then each (item, target) pair
 * gets its numbers, verdict and reason (check_verdict.c), written in
 * items.csv order and targets file order (check_output.c). */
#include "optimizer/check/check.h"

#include <math.h>

#include "optimizer/check/check_internal.h"
#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"

struct check_ctx {
	struct snapshot *s;
	const struct target_set *ts;
	struct check_options o;
	struct tz_table zones;
	int64_t as_of, from, jobs_from;
	unsigned char *match;         /* [item * ntargets + target] */
	unsigned char *bvmatch;       /* [instance * ntargets + target] */
	struct bv_observed *bvobs;    /* [instance] */
	size_t *hits;                 /* items each target covers */
	struct item_state *st;
	struct needed_point *need;    /* [item * ntargets + target] */
	struct policy_memo *memo;     /* [policy] */
	struct fix_memo *fixes;       /* [(policy * ntargets + target) * 2
					 + vault tier] */
	const struct item *cur;       /* item whose jobs are gathered */
	struct backup_run *runs;
	size_t nruns, aruns;
	int64_t *times;
	size_t atimes;
	struct rto_samples restores;
	struct rto_model rto[WL_COUNT];
	size_t restores_used;
};

static const struct policy *item_policy(const struct check_ctx *c,
					const struct item *it)
{
	return it->policy_idx >= 0 ? &c->s->policies[it->policy_idx] : NULL;
}

static size_t item_index(const struct check_ctx *c, const struct item *it)
{
	return (size_t)(it - c->s->items);
}

static int64_t *times_buf(struct check_ctx *c, size_t n)
{
	c->times = grow_array(c->times, sizeof(*c->times), n ? n : 1,
			      &c->atimes);
	return c->times;
}

/* ---- matching ---- */

/* Drops the item's matches that a matching target of higher priority
 * on the same tier shadows. */
static void apply_precedence(const struct check_ctx *c, unsigned char *m)
{
	const struct target *t = c->ts->t;
	size_t nt = c->ts->n;

	for (size_t k = 0; k < nt; k++)
		for (size_t j = 0; m[k] && j < nt; j++)
			if (m[j] && target_shadows(&t[j], &t[k]))
				m[k] = 0;
}

/* A target that covers no item: an error naming it and what its scope
 * type can match, or with allow_empty a count in the summary. */
static int empty_target(const struct check_ctx *c, const struct target *t,
			struct check_summary *sum, struct err *e)
{
	struct strbuf values = STRBUF_INIT;

	sum->empty_targets++;
	if (c->o.allow_empty)
		return 0;
	target_scope_values(t->scope_type, c->s, &values);
	err_set(e, EXIT_DATAERR,
		"%s:%zu: target '%s' (%s '%s') covers no item of the "
		"snapshot; valid %s values: %s (--allow-empty accepts it)",
		c->ts->path, t->line, t->target_id,
		scope_type_names[t->scope_type], t->scope,
		scope_type_names[t->scope_type], values.buf);
	strbuf_release(&values);
	return -1;
}

static void match_targets(struct check_ctx *c, struct check_summary *sum)
{
	size_t nt = c->ts->n;

	for (size_t i = 0; i < c->s->nitems; i++) {
		unsigned char *m = &c->match[i * nt];

		for (size_t k = 0; k < nt; k++) {
			m[k] = target_matches(&c->ts->t[k], c->s,
					      &c->s->items[i]);
			c->hits[k] += m[k];
		}
		apply_precedence(c, m);
		for (size_t k = 0; k < nt; k++)
			c->st[i].checked |= m[k];
		sum->items_checked += c->st[i].checked;
	}
	for (size_t i = 0; i < c->s->bv.ninstances; i++) {
		unsigned char *m = &c->bvmatch[i * nt];
		bool any = false;

		for (size_t k = 0; k < nt; k++) {
			m[k] = target_matches_bv(&c->ts->t[k], c->s,
						 &c->s->bv.instances[i]);
			c->hits[k] += m[k];
		}
		apply_precedence(c, m);
		for (size_t k = 0; k < nt; k++)
			any |= m[k];
		sum->instances_checked += any;
	}
}

/* After the data's own errors and the output's: a bad file or an
 * unwritable output is the first thing to fix. */
static int empty_targets(const struct check_ctx *c,
			 struct check_summary *sum, struct err *e)
{
	for (size_t k = 0; k < c->ts->n; k++)
		if (!c->hits[k] && empty_target(c, &c->ts->t[k], sum, e))
			return -1;
	return 0;
}

/* ---- pass 1: jobs ---- */

/* Failed jobs after the start of the worst gap and before its end. */
static unsigned failed_between(const struct backup_run *r, size_t n,
			       const struct observed_gaps *g)
{
	int64_t end;
	unsigned k = 0;

	if (isnan(g->worst_h))
		return 0;
	end = g->worst_from + (int64_t)llround(g->worst_h * HOUR_S);
	for (size_t i = 0; i < n; i++)
		k += !r[i].ok && r[i].time > g->worst_from && r[i].time <= end;
	return k;
}

static void flush_runs(struct check_ctx *c)
{
	struct item_state *st;
	int64_t *t;
	size_t n = 0;

	if (!c->cur)
		return;
	st = &c->st[item_index(c, c->cur)];
	backup_runs_sort(c->runs, c->nruns);
	failure_streak_compute(&st->streak, c->runs, c->nruns, c->jobs_from,
			       c->as_of);
	t = times_buf(c, c->nruns);
	for (size_t i = 0; i < c->nruns; i++)
		if (c->runs[i].ok)
			t[n++] = c->runs[i].time;
	observed_gaps_compute(&st->jobs, t, n, c->jobs_from, c->as_of);
	st->failed_in_worst = failed_between(c->runs, c->nruns, &st->jobs);
	c->nruns = 0;
	c->cur = NULL;
}

static bool job_finished(const struct job *j)
{
	return !str_eq_ci(j->status, "InProgress") &&
	       !str_eq_ci(j->status, "Cancelling");
}

static int on_job(void *ctx, const struct item *it, const struct job *j,
		  struct err *e)
{
	struct check_ctx *c = ctx;

	(void)e;
	if (!it)
		return 0;
	if (job_is_restore(j)) {
		rto_samples_add(&c->restores, it, j, c->as_of);
		return 0;
	}
	if (!job_is_backup(j) || !c->st[item_index(c, it)].checked ||
	    !job_finished(j))
		return 0;
	if (it != c->cur) {
		flush_runs(c);
		c->cur = it;
	}
	c->runs = grow_array(c->runs, sizeof(*c->runs), c->nruns + 1,
			     &c->aruns);
	c->runs[c->nruns++] =
		(struct backup_run){ j->start_time, job_succeeded(j) };
	return 0;
}

/* ---- pass 2: recovery points ---- */

/* How far back every backup is still listed (before that, retention
 * keeps only weeklies, monthlies...): 0 when unknown. */
static double dense_days(const struct policy *p, bool snapshot_tier)
{
	if (!p)
		return 0;
	if (snapshot_tier && p->workload != WL_FILES)
		return p->instant_rp_days;
	if (p->daily_keep_days)
		return p->daily_keep_days;
	return 7.0 * p->weekly_keep_weeks;
}

static int64_t window_from(const struct check_ctx *c, double days)
{
	int64_t f = c->as_of - (int64_t)llround(days * DAY_S);

	return days > 0 && f > c->from ? f : c->from;
}

enum series { SER_SNAPSHOT, SER_VAULT, SER_LOG };

static bool in_series(int series, const struct rp *rp)
{
	switch (series) {
	case SER_SNAPSHOT:
		return rp_has_snapshot_copy(rp->tier);
	case SER_LOG:
		return rp->kind == RK_LOG;
	default:
		return rp_has_vault_copy(rp->tier);
	}
}

/* Times of a series' points in [from, as_of]. Older points are left out
 * (no head gap): retention thins them, so their gaps are not RPO gaps. */
static size_t select_times(struct check_ctx *c, const struct rp *rps,
			   size_t n, int series, int64_t from)
{
	int64_t *t = times_buf(c, n);
	size_t m = 0;

	for (size_t i = 0; i < n && rps[i].rp_time <= c->as_of; i++)
		if (rps[i].rp_time >= from && in_series(series, &rps[i]))
			t[m++] = rps[i].rp_time;
	return m;
}

static void point_series(struct check_ctx *c, struct item_state *st,
			 const struct item *it, const struct rp *rps,
			 size_t n)
{
	const struct policy *p = item_policy(c, it);
	size_t m;

	m = select_times(c, rps, n, SER_SNAPSHOT,
			 window_from(c, dense_days(p, true)));
	observed_gaps_compute(&st->snap_pts, c->times, m, c->from, c->as_of);
	for (size_t i = 0; i < n; i++)
		st->any_vault_point |= rp_has_vault_copy(rps[i].tier);
	if (p && workload_is_db(it->workload) && p->log_interval_min > 0) {
		m = select_times(c, rps, n, SER_LOG,
				 window_from(c, p->log_keep_days));
		st->log_chain = m > 0;
		if (m) {
			observed_log_chain_compute(
				&st->vault_pts, c->times, m,
				(int64_t)p->log_interval_min * 60, c->from,
				c->as_of);
			return;
		}
	}
	m = select_times(c, rps, n, SER_VAULT,
			 window_from(c, dense_days(p, false)));
	observed_gaps_compute(&st->vault_pts, c->times, m, c->from, c->as_of);
}

/* A point a restore to an older date can start from: on the target's
 * tier, and for SQL/HANA a full (the base of its chain). */
static bool restorable_from(int target_tier, int workload,
			    const struct rp *rp)
{
	if (workload_is_db(workload) && rp->kind != RK_FULL)
		return false;
	if (target_tier == TT_SNAPSHOT)
		return rp_has_snapshot_copy(rp->tier);
	if (target_tier == TT_VAULT)
		return rp_has_vault_copy(rp->tier);
	return true;
}

static double restore_gib(const struct item *it, const struct rp *rp)
{
	return rp->full_gb > 0 ? rp->full_gb : it->source_gb;
}

static void find_needed(const struct check_ctx *c, const struct target *t,
			const struct item *it, const struct rp *rps,
			size_t n, struct needed_point *np)
{
	/* A point of the needed calendar day (UTC) covers it. */
	int64_t date = c->as_of -
		       (int64_t)llround(t->min_retention_days * DAY_S);
	int64_t bound = (date / DAY_S + 1) * DAY_S;

	np->time = np->oldest = TIME_NONE;
	for (size_t i = 0; i < n && rps[i].rp_time <= c->as_of; i++) {
		const struct rp *rp = &rps[i];

		if (!restorable_from(t->tier, it->workload, rp) ||
		    (rp->expiry_time != TIME_NONE &&
		     rp->expiry_time <= c->as_of))
			continue;
		if (np->oldest == TIME_NONE) {
			np->oldest = rp->rp_time;
			np->oldest_tier = rp->tier;
			np->oldest_gib = restore_gib(it, rp);
		}
		if (rp->rp_time < bound) {
			np->time = rp->rp_time;
			np->tier = rp->tier;
			np->gib = restore_gib(it, rp);
		}
	}
}

static int on_item_rps(void *ctx, const struct item *it,
		       const struct rp *rps, size_t n, struct err *e)
{
	struct check_ctx *c = ctx;
	size_t i = item_index(c, it), nt = c->ts->n;
	struct item_state *st = &c->st[i];

	(void)e;
	if (!st->checked)
		return 0;
	point_series(c, st, it, rps, n);
	for (size_t k = 0; k < nt; k++)
		if (c->match[i * nt + k] &&
		    !isnan(c->ts->t[k].min_retention_days))
			find_needed(c, &c->ts->t[k], it, rps, n,
				    &c->need[i * nt + k]);
	return 0;
}

/* ---- restore durations ---- */

static void fit_restore_models(struct check_ctx *c)
{
	c->restores_used = rto_samples_fit(&c->restores, c->rto);
}

static void check_input_of(const struct check_ctx *c, size_t i, size_t k,
			   struct check_input *in)
{
	const struct item *it = &c->s->items[i];
	const struct target *t = &c->ts->t[k];

	in->it = it;
	in->p = item_policy(c, it);
	in->memo = in->p ? &c->memo[it->policy_idx] : NULL;
	in->fix = in->p ? &c->fixes[((size_t)it->policy_idx * c->ts->n + k) *
				    2]
			: NULL;
	in->st = &c->st[i];
	in->t = t;
	in->np = isnan(t->min_retention_days) ? NULL
					      : &c->need[i * c->ts->n + k];
	in->rto = &c->rto[it->workload];
	in->zones = &c->zones;
	in->as_of = c->as_of;
	in->lookback_days = c->o.lookback_days;
	in->rehydrate_priority = c->o.rehydrate_priority;
	in->rehydration_hours = c->o.rehydration_hours;
	in->tolerance_hours = isnan(t->tolerance_hours) ? c->o.tolerance_hours
							: t->tolerance_hours;
}

/* "IaasVMContainer;iaasvmcontainerv2;rg;vm" out of a protected item's
 * ARM id (.../protectionContainers/NAME/protectedItems/...), or "". */
static void container_of(const char *arm_id, char *out, size_t n)
{
	static const char seg[] = "/protectionContainers/";
	const char *p = arm_id ? strstr(arm_id, seg) : NULL;
	const char *end;

	out[0] = '\0';
	if (!p)
		return;
	p += sizeof(seg) - 1;
	end = strchr(p, '/');
	snprintf(out, n, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
}

/* The row's values as text, for any output format. */
struct row_text {
	const char *v[C_NCOLS];
	char num[C_NCOLS][32];
	char container[256];
};

static void put_num(struct row_text *x, int col, double v, int decimals)
{
	if (isnan(v))
		x->num[col][0] = '\0';
	else
		format_fixed(x->num[col], sizeof(x->num[col]), v, decimals);
	x->v[col] = x->num[col];
}

static void row_numbers(struct row_text *x, const struct target *t,
			const struct check_row *r)
{
	put_num(x, C_RPO_T, t->rpo_hours, 2);
	put_num(x, C_RPO_P, r->rpo_pred, 2);
	put_num(x, C_RPO_O, r->rpo_obs, 2);
	put_num(x, C_RTO_T, t->rto_hours, 2);
	put_num(x, C_RTO_E, r->rto_est, 2);
	put_num(x, C_P95, r->p95, 2);
	put_num(x, C_AGE, r->age, 2);
	put_num(x, C_STREAK, r->streak, 0);
	put_num(x, C_RTO_NEW, r->rto_newest, 2);
	put_num(x, C_RTO_OLD, r->rto_oldest, 2);
	put_num(x, C_MIN_RET, t->min_retention_days, 0);
	put_num(x, C_MARGIN, r->margin, 2);
	x->v[C_OLD_TIME] = x->num[C_OLD_TIME];
	x->num[C_OLD_TIME][0] = '\0';
	if (r->needed_time != TIME_NONE)
		time_format_iso(r->needed_time, x->num[C_OLD_TIME]);
}

/* Which figures judged the row: the observed RPO when there is one,
 * else the predicted; what the RTO rests on (rto: the word for the
 * kind, unless the row names its own) when the row has one. */
static void row_basis(struct row_text *x, const struct check_row *r,
		      const char *rto)
{
	x->v[C_RPO_BASIS] = !isnan(r->rpo_obs)	 ? "observed"
			    : !isnan(r->rpo_pred) ? "predicted"
						  : "";
	x->v[C_RTO_BASIS] = isnan(r->rto_est) ? ""
			    : r->rto_basis    ? r->rto_basis
					      : rto;
}

static void row_text_of(struct row_text *x, const struct check_ctx *c,
			const struct item *it, const struct target *t,
			const struct check_row *r, const char *reason,
			const struct check_fix *fix)
{
	const struct policy *p = item_policy(c, it);

	row_numbers(x, t, r);
	put_num(x, C_FIX_RPO, fix->rpo_h, 2);
	x->v[C_FIX] = fix->text.buf;
	x->v[C_FIX_EDIT] = fix->edit.buf;
	container_of(it->arm_id, x->container, sizeof(x->container));
	x->v[C_ITEM] = it->item_id;
	x->v[C_TARGET] = t->target_id;
	x->v[C_TIER] = target_tier_names[t->tier];
	x->v[C_VERDICT] = verdict_names[r->verdict];
	x->v[C_REASON] = reason;
	x->v[C_VAULT] = c->s->vaults[it->vault_idx].vault_name;
	x->v[C_NAME] = it->item_name;
	x->v[C_POLICY] = p ? p->policy_name : "";
	x->v[C_WL] = workload_names[it->workload];
	x->v[C_EVAL_TIER] = r->tier < 0 ? "" : target_tier_names[r->tier];
	x->v[C_OLD_TIER] = r->needed_time != TIME_NONE
				   ? rp_tier_names[r->needed_tier]
				   : "";
	x->v[C_CAUSE] = r->cause == CAUSE_NONE ? "" : cause_names[r->cause];
	x->v[C_SEVERITY] = target_severity_names[t->severity];
	x->v[C_CONTAINER] = x->container;
	x->v[C_ARM_ID] = it->arm_id ? it->arm_id : "";
	x->v[C_SOURCE_ID] = it->source_resource_id ? it->source_resource_id
						   : "";
	x->v[C_KIND] = "RecoveryServices";
	row_basis(x, r, "restore_model");
}

/* Whether a row fails the CI gate. */
static bool row_fails(const struct check_ctx *c, const struct target *t,
		      const struct check_row *r)
{
	if (t->severity != TSEV_ERROR)
		return false;
	return r->verdict == V_BREACHED ||
	       (r->verdict == V_UNKNOWN && c->o.fail_on == FAIL_ON_UNKNOWN);
}

static void count_row(struct check_summary *sum, const struct check_row *r,
		      bool failing)
{
	sum->rows++;
	sum->met += r->verdict == V_MET;
	sum->breached += r->verdict == V_BREACHED;
	sum->unknown += r->verdict == V_UNKNOWN;
	sum->failing += failing;
}

/* The Backup-vault instances' rows, after the items' (check_bv.c). */
static void write_bv_rows(struct check_ctx *c, struct check_sink *sink,
			  struct check_summary *sum, struct strbuf *reason,
			  int *failed, struct err *e)
{
	size_t nt = c->ts->n;

	for (size_t i = 0; i < c->s->bv.ninstances; i++)
		for (size_t k = 0; k < nt; k++) {
			const struct target *t = &c->ts->t[k];
			struct check_row r = CHECK_ROW_INIT;
			struct row_text x;
			bool failing;

			if (!c->bvmatch[i * nt + k])
				continue;
			check_bv_evaluate(&r, c->s, &c->s->bv.instances[i],
					  &c->bvobs[i], t,
					  isnan(t->tolerance_hours)
						  ? c->o.tolerance_hours
						  : t->tolerance_hours);
			check_row_reason(&r, reason);
			failing = row_fails(c, t, &r);
			memset(&x, 0, sizeof(x));
			row_numbers(&x, t, &r);
			for (int col = 0; col < C_NCOLS; col++)
				if (!x.v[col])
					x.v[col] = "";
			check_bv_text(x.v, c->s, &c->s->bv.instances[i]);
			x.v[C_TARGET] = t->target_id;
			x.v[C_TIER] = target_tier_names[t->tier];
			x.v[C_VERDICT] = verdict_names[r.verdict];
			x.v[C_REASON] = reason->buf;
			x.v[C_EVAL_TIER] =
				r.tier < 0 ? "" : target_tier_names[r.tier];
			x.v[C_CAUSE] = r.cause == CAUSE_NONE
					       ? ""
					       : cause_names[r.cause];
			x.v[C_SEVERITY] = target_severity_names[t->severity];
			row_basis(&x, &r, "");
			check_sink_row(sink, x.v, failing);
			if (c->o.on_row && !*failed)
				*failed = c->o.on_row(c->o.on_row_ctx, x.v,
						      e);
			count_row(sum, &r, failing);
			check_row_release(&r);
		}
}

static int write_rows(struct check_ctx *c, const char *out_path,
		      struct check_summary *sum, struct err *e)
{
	struct check_sink *sink = check_sink_open(out_path, c->o.format, e);
	struct strbuf reason = STRBUF_INIT;
	struct check_fix fix = CHECK_FIX_INIT;
	size_t nt = c->ts->n;
	int failed = 0;

	if (!sink)
		return -1;
	if (empty_targets(c, sum, e)) {
		check_sink_abort(sink);
		return -1;
	}
	for (size_t i = 0; i < c->s->nitems; i++) {
		const struct item *it = &c->s->items[i];

		for (size_t k = 0; k < nt; k++) {
			struct check_row r = CHECK_ROW_INIT;
			struct check_input in;
			struct row_text x;
			bool failing;

			if (!c->match[i * nt + k])
				continue;
			check_input_of(c, i, k, &in);
			check_row_evaluate(&r, &in);
			check_row_reason(&r, &reason);
			failing = row_fails(c, in.t, &r);
			check_fix_suggest(&in, &r, &fix);
			row_text_of(&x, c, it, in.t, &r, reason.buf, &fix);
			check_sink_row(sink, x.v, failing);
			if (c->o.on_row && !failed)
				failed = c->o.on_row(c->o.on_row_ctx, x.v, e);
			count_row(sum, &r, failing);
			check_row_release(&r);
		}
	}
	write_bv_rows(c, sink, sum, &reason, &failed, e);
	strbuf_release(&reason);
	strbuf_release(&fix.text);
	strbuf_release(&fix.edit);
	if (failed) {
		check_sink_abort(sink);
		return -1;
	}
	return check_sink_commit(sink, e);
}

/* ---- the stage ---- */

void check_options_init(struct check_options *o)
{
	o->lookback_days = CHECK_DEFAULT_LOOKBACK_DAYS;
	o->rehydrate_priority = REHYDRATE_STANDARD;
	o->rehydration_hours = NAN;
	o->timezones_path = NULL;
	o->allow_empty = false;
	o->tolerance_hours = 0;
	o->fail_on = FAIL_ON_BREACH;
	o->format = CF_CSV;
	o->on_row = NULL;
	o->on_row_ctx = NULL;
}

void check_summary_print(FILE *f, const struct check_summary *s)
{
	char bv[96] = "";

	if (s->instances)
		snprintf(bv, sizeof(bv), " and %zu of %zu Backup-vault "
					 "instances",
			 s->instances_checked, s->instances);
	fprintf(f,
		"checked %zu of %zu items%s against %zu targets: %zu rows, "
		"%zu met, %zu breached, %zu unknown\n",
		s->items_checked, s->items, bv, s->targets, s->rows, s->met,
		s->breached, s->unknown);
	if (s->failing != s->breached)
		fprintf(f, "failing the gate: %zu rows\n", s->failing);
	if (s->empty_targets)
		fprintf(f, "%zu target%s cover%s no item\n", s->empty_targets,
			s->empty_targets == 1 ? "" : "s",
			s->empty_targets == 1 ? "s" : "");
	if (s->restores_used >= RTO_MIN_RESTORES)
		fprintf(f, "vault restore times: fitted on %zu restore jobs\n",
			s->restores_used);
	else
		fprintf(f,
			"vault restore times: documented defaults (%zu usable "
			"restore jobs, %d needed)\n",
			s->restores_used, RTO_MIN_RESTORES);
}

/* An item with no jobs and no points: nothing seen. */
static void item_state_init(struct item_state *st)
{
	observed_gaps_compute(&st->jobs, NULL, 0, 0, 0);
	st->snap_pts = st->vault_pts = st->jobs;
	failure_streak_compute(&st->streak, NULL, 0, 0, 0);
}

static void ctx_release(struct check_ctx *c)
{
	tz_table_release(&c->zones);
	free(c->match);
	free(c->memo);
	for (size_t i = 0; i < c->s->npolicies * c->ts->n * 2; i++) {
		strbuf_release(&c->fixes[i].fix.text);
		strbuf_release(&c->fixes[i].fix.edit);
	}
	free(c->fixes);
	free(c->bvmatch);
	free(c->bvobs);
	free(c->hits);
	free(c->st);
	free(c->need);
	free(c->runs);
	free(c->times);
	rto_samples_release(&c->restores);
}

static void ctx_init(struct check_ctx *c, struct snapshot *s,
		     const struct target_set *t, const struct check_options *o)
{
	struct check_options defaults;
	int64_t jobs_from = s->manifest.backup_jobs_from;
	size_t pairs = s->nitems * t->n;

	memset(c, 0, sizeof(*c));
	check_options_init(&defaults);
	c->s = s;
	c->ts = t;
	c->o = o ? *o : defaults;
	c->as_of = s->as_of;
	c->from = c->as_of - (int64_t)llround(c->o.lookback_days * DAY_S);
	c->jobs_from = jobs_from != TIME_NONE && jobs_from > c->from
			       ? jobs_from
			       : c->from;
	c->match = xcalloc(pairs ? pairs : 1, 1);
	c->memo = xcalloc(s->npolicies + 1, sizeof(*c->memo));
	c->fixes = xcalloc(s->npolicies * t->n * 2 + 1, sizeof(*c->fixes));
	c->bvmatch = xcalloc(s->bv.ninstances * t->n + 1, 1);
	c->hits = xcalloc(t->n ? t->n : 1, sizeof(*c->hits));
	c->st = xcalloc(s->nitems ? s->nitems : 1, sizeof(*c->st));
	c->need = xcalloc(pairs ? pairs : 1, sizeof(*c->need));
	for (size_t i = 0; i < s->nitems; i++)
		item_state_init(&c->st[i]);
	for (size_t k = 0; k < pairs; k++)
		c->need[k].time = c->need[k].oldest = TIME_NONE;
}

int check_run_opts(struct snapshot *s, const struct target_set *t,
		       const struct check_options *o, const char *out_path,
		       struct check_summary *out, struct err *e)
{
	struct check_ctx c;
	char *zones;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	ctx_init(&c, s, t, o);
	zones = c.o.timezones_path ? xstrdup(c.o.timezones_path)
				   : data_file("timezones.csv", e);
	if (!zones || tz_table_load(&c.zones, zones, e))
		goto done;
	out->targets = t->n;
	out->items = s->nitems;
	out->instances = s->bv.ninstances;
	match_targets(&c, out);
	if (snapshot_each_job(s, on_job, &c, e))
		goto done;
	flush_runs(&c);
	if (snapshot_each_item_rps(s, on_item_rps, &c, e))
		goto done;
	fit_restore_models(&c);
	out->restores_used = c.restores_used;
	if (check_bv_observe(s, c.from, c.as_of, &c.bvobs, e))
		goto done;
	rc = write_rows(&c, out_path, out, e);
done:
	free(zones);
	ctx_release(&c);
	return rc;
}

int check_run(struct snapshot *s, const struct target_set *t,
		  const char *out_path, struct check_summary *out,
		  struct err *e)
{
	struct check_options o;

	check_options_init(&o);
	o.allow_empty = true;
	return check_run_opts(s, t, &o, out_path, out, e);
}
