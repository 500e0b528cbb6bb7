/* SPDX-License-Identifier: MIT
 * projection.c: slot timelines, daily difference arrays, monthly totals. */
#include "models/cost/projection.h"

#include <math.h>

#include "optimizer/base/timeutil.h"
#include "models/cost/tiercost.h"
#include "optimizer/base/util.h"

const char *const strategy_names[STRAT_COUNT] = {
	"do_nothing", "tier_after_3m", "tier_recommended",
	"move_all_eligible", "plan",
};

void horizon_init(struct horizon *h, int64_t as_of, int months)
{
	struct civil c;

	if (months > PROJ_MAX_MONTHS)
		months = PROJ_MAX_MONTHS;
	time_to_civil(as_of, &c);
	h->months = months;
	h->month_start[0] = time_from_civil(c.year, c.month, 1, 0, 0, 0);
	for (int k = 1; k <= months; k++)
		h->month_start[k] = time_add_months(h->month_start[0], k);
	h->start = h->month_start[0];
	h->end = h->month_start[months];
	h->days = (long)((h->end - h->start) / DAY_S);
}

/* Restores from Archive per month while a point is archived: their
 * expected cost and number. */
struct restore_rate {
	double cost, count;
};

/* What a piece [t0, t1) of a slot's life holds and costs per month. */
struct segment {
	double std_gb, arc_gb, cost_month, restores_month;
	double files_gb; /* of std_gb: a vaulted file share's */
	double restore_cost_month; /* the part of cost_month from restores */
};

/* Calls fn for each piece [t0, t1) of the slot's life inside the horizon
 * with the GiB in Standard and Archive during it. */
typedef void (*segment_fn)(void *ctx, int64_t t0, int64_t t1,
			   const struct segment *sg);

/* What a piece of the slot holds and costs, archived or not. */
static void segment_of(const struct slot *s, bool archived,
		       const struct restore_rate *rr, double std_gb,
		       struct segment *sg)
{
	sg->std_gb = archived ? 0 : std_gb;
	sg->files_gb = s->files ? sg->std_gb : 0;
	sg->arc_gb = archived ? s->arc_gb : 0;
	sg->cost_month = sg->std_gb * s->std_gb_month +
			 sg->arc_gb * s->arc_gb_month +
			 (archived ? rr->cost : 0);
	sg->restores_month = archived ? rr->count : 0;
	sg->restore_cost_month = archived ? rr->cost : 0;
}

/* Cuts [*t0, *t1) to the horizon; false when nothing is left. */
static bool in_horizon(const struct horizon *h, int64_t *t0, int64_t *t1)
{
	if (*t0 < h->start)
		*t0 = h->start;
	if (*t1 > h->end)
		*t1 = h->end;
	return *t1 > *t0;
}

static void emit_sized(const struct horizon *h, const struct slot *s,
		       int64_t t0, int64_t t1, bool archived,
		       const struct restore_rate *rr, double std_gb,
		       segment_fn fn, void *ctx)
{
	struct segment sg;

	segment_of(s, archived, rr, std_gb, &sg);
	if (in_horizon(h, &t0, &t1))
		fn(ctx, t0, t1, &sg);
}

/* A piece of the current point's life: its Standard size grows at
 * grows_at. */
static void emit(const struct horizon *h, const struct slot *s, int64_t t0,
		 int64_t t1, bool archived, const struct restore_rate *rr,
		 segment_fn fn, void *ctx)
{
	int64_t g = s->grows_at;

	if (archived || g == TIME_NONE || g >= t1) {
		emit_sized(h, s, t0, t1, archived, rr, s->std_gb, fn, ctx);
		return;
	}
	if (g > t0)
		emit_sized(h, s, t0, g, false, rr, s->std_gb, fn, ctx);
	emit_sized(h, s, g > t0 ? g : t0, t1, false, rr, s->std_gb_later, fn,
		   ctx);
}

static void current_point(const struct horizon *h, const struct slot *s,
			  const struct slot_moves *m, segment_fn fn, void *ctx)
{
	int64_t end = s->expiry == TIME_NONE ? h->end : s->expiry;
	int64_t move = m->current_move;
	struct restore_rate rr = { s->restore_month, s->restores_month };

	if (s->in_archive) {
		emit(h, s, h->start, end, true, &rr, fn, ctx);
	} else if (s->in_standard) {
		if (move == TIME_NONE || move >= end) {
			emit(h, s, h->start, end, false, &rr, fn, ctx);
		} else {
			emit(h, s, h->start, move, false, &rr, fn, ctx);
			emit(h, s, move, end, true, &rr, fn, ctx);
		}
	}
}

void projection_init(struct projection *p, int64_t as_of, int months)
{
	memset(p, 0, sizeof(*p));
	horizon_init(&p->h, as_of, months);
}

/* The arrays of one strategy, made on first use: a projection kept per
 * vault only ever touches one or two. */
static void need_arrays(struct projection *p, int k)
{
	if (!p->days[k])
		p->days[k] = xcalloc((size_t)p->h.days + 1,
				     sizeof(struct proj_day));
}

void projection_release(struct projection *p)
{
	for (int k = 0; k <= STRAT_COUNT; k++) {
		free(p->days[k]);
	}
	memset(p, 0, sizeof(*p));
}

/* The targets a slot's pieces are added to: every one of them, in turn,
 * as if the slot were added to each alone (each day's sums take the same
 * terms in the same order), the pieces worked out once. */
struct accumulate {
	const struct proj_target *t;
	int n;
};

/* Day index of t, rounding to the nearest day boundary. */
static long day_index(const struct horizon *h, int64_t t)
{
	return (long)((t - h->start + DAY_S / 2) / DAY_S);
}

/* What a segment changes on its first day (and undoes after its last):
 * its GiB, and its monthly figures spread per day. */
static void day_step(struct proj_day *st, const struct segment *sg)
{
	st->std_gb = sg->std_gb;
	st->files_gb = sg->files_gb;
	st->arc_gb = sg->arc_gb;
	st->cost = sg->cost_month / DAYS_PER_MONTH;
	st->restores = sg->restores_month / DAYS_PER_MONTH;
	st->restore_cost = sg->restore_cost_month / DAYS_PER_MONTH;
}

static void day_add(struct proj_day *d, const struct proj_day *st)
{
	d->std_gb += st->std_gb;
	d->files_gb += st->files_gb;
	d->arc_gb += st->arc_gb;
	d->cost += st->cost;
	d->restores += st->restores;
	d->restore_cost += st->restore_cost;
}

static void day_sub(struct proj_day *d, const struct proj_day *st)
{
	d->std_gb -= st->std_gb;
	d->files_gb -= st->files_gb;
	d->arc_gb -= st->arc_gb;
	d->cost -= st->cost;
	d->restores -= st->restores;
	d->restore_cost -= st->restore_cost;
}

/* The step on day d0 and its undoing on day d1, in every target; the
 * horizon's last day's entry (h.days) is never summed, so nothing is
 * undone there. */
static void add_days(const struct accumulate *a, long d0, long d1,
		     const struct segment *sg)
{
	struct proj_day st;

	day_step(&st, sg);
	for (int i = 0; i < a->n; i++) {
		struct projection *p = a->t[i].p;
		int k = a->t[i].strategy;

		need_arrays(p, k);
		day_add(&p->days[k][d0], &st);
		if (d1 < p->h.days)
			day_sub(&p->days[k][d1], &st);
	}
}

/* The targets' horizon (one for all). */
static const struct horizon *acc_horizon(const struct accumulate *a)
{
	return &a->t[0].p->h;
}

static void add_segment(void *ctx, int64_t t0, int64_t t1,
			const struct segment *sg)
{
	const struct accumulate *a = ctx;
	const struct horizon *h = acc_horizon(a);
	long d0 = day_index(h, t0), d1 = day_index(h, t1);

	if (d1 > d0)
		add_days(a, d0, d1, sg);
}

/* The train's GiB in Standard: its points' grown size. */
static double later_gb(const struct slot *s)
{
	return s->grows_at == TIME_NONE ? s->std_gb : s->std_gb_later;
}

/* Points that never move, from the one born at `born` (in the horizon)
 * on: each takes the place of the last, so the slot holds the same GiB
 * until the horizon's end, one step instead of one segment a life. */
static void unmoved_train(const struct accumulate *a, int64_t born,
			  const struct segment *in_std)
{
	const struct horizon *h = acc_horizon(a);
	long d0 = day_index(h, born);

	if (d0 < h->days)
		add_days(a, d0, h->days, in_std);
}

/* A piece [t0, t1) of a life, cut to the horizon. */
static void add_piece(struct accumulate *a, int64_t t0, int64_t t1,
		      const struct segment *sg)
{
	if (in_horizon(acc_horizon(a), &t0, &t1))
		add_segment(a, t0, t1, sg);
}

/* The points that replace the slot's one, each living as long, in
 * Standard until new_move_age and in Archive after: every life holds
 * the same two pieces. */
static void successors(struct accumulate *a, const struct slot *s,
		       const struct slot_moves *m)
{
	const struct horizon *h = acc_horizon(a);
	struct restore_rate rr = { s->restore_month_new,
				   s->restores_month_new };
	struct segment in_std, in_arc;
	int64_t life, born, off;

	if (!s->refills || s->expiry == TIME_NONE)
		return;
	life = s->expiry - s->rp_time;
	if (life < DAY_S)
		life = DAY_S;
	off = m->new_move_age < 0 || m->new_move_age * DAY_S >= life
		      ? life
		      : (int64_t)(m->new_move_age * DAY_S);
	segment_of(s, false, &rr, later_gb(s), &in_std);
	segment_of(s, true, &rr, later_gb(s), &in_arc);
	for (born = s->expiry; born < h->end; born += life) {
		if (born >= h->start && off == life) {
			unmoved_train(a, born, &in_std);
			return;
		}
		add_piece(a, born, born + off, &in_std);
		add_piece(a, born + off, born + life, &in_arc);
	}
}

/* Flattened, as the two below: the pieces' callbacks (add_segment,
 * add_cost) inlined into one loop each instead of a chain of calls per
 * piece, a sixth of the projection thread's instructions. */
__attribute__((flatten)) void
projection_add_to(const struct proj_target *t, int n, const struct slot *s,
		  const struct slot_moves *m)
{
	struct accumulate a = { t, n };

	current_point(acc_horizon(&a), s, m, add_segment, &a);
	successors(&a, s, m);
}

void projection_add(struct projection *p, int strategy,
		    const struct slot *s, const struct slot_moves *m)
{
	struct proj_target t = { p, strategy };

	projection_add_to(&t, 1, s, m);
}

__attribute__((flatten)) void
projection_add_fixed_to(const struct proj_target *t, int n,
			const struct slot *s)
{
	struct accumulate a = { t, n };
	const struct horizon *h = acc_horizon(&a);
	struct restore_rate rr = { s->restore_month, s->restores_month };
	int64_t end = s->expiry;

	if (!s->in_archive && !s->in_standard)
		return;
	if (end == TIME_NONE || s->refills)
		end = h->end;
	emit(h, s, h->start, end, s->in_archive, &rr, add_segment, &a);
}

void projection_add_fixed(struct projection *p, const struct slot *s)
{
	struct proj_target t = { p, PROJ_SHARED };

	projection_add_fixed_to(&t, 1, s);
}

void projection_add_pi(struct projection *p, double monthly_fee)
{
	for (int k = 0; k < STRAT_COUNT; k++)
		p->pi_month[k] += monthly_fee;
}

void projection_month(const struct projection *p, int strategy, int month,
		      struct month_total *out)
{
	long d0 = day_index(&p->h, p->h.month_start[month]);
	long d1 = day_index(&p->h, p->h.month_start[month + 1]);
	double std = 0, arc = 0, cost = 0, rest = 0, rcost = 0, sum_std = 0,
	       sum_arc = 0, sum_cost = 0, sum_rest = 0, sum_rcost = 0;
	double files = 0, sum_files = 0;

	/* Running sums turn the difference arrays back into daily values. */
	for (long d = 0; d < d1; d++) {
		for (int k = 0; k < 2; k++) {
			const struct proj_day *day =
				p->days[k ? PROJ_SHARED : strategy];
			if (!day)
				continue;
			std += day[d].std_gb;
			files += day[d].files_gb;
			arc += day[d].arc_gb;
			cost += day[d].cost;
			rest += day[d].restores;
			rcost += day[d].restore_cost;
		}
		if (d >= d0) {
			sum_std += std;
			sum_files += files;
			sum_arc += arc;
			sum_cost += cost;
			sum_rest += rest;
			sum_rcost += rcost;
		}
	}
	out->std_gb = sum_std / (double)(d1 - d0);
	out->arc_gb = sum_arc / (double)(d1 - d0);
	out->files_gb = sum_files / (double)(d1 - d0);
	/* Azure bills storage by the month's average daily GB, whatever the
	 * month's length: its storage costs the days' mean monthly rate.
	 * Restores are events: a longer month expects more. */
	out->cost = (sum_cost - sum_rcost) * DAYS_PER_MONTH /
			    (double)(d1 - d0) +
		    sum_rcost;
	out->restores = sum_rest;
}

static void add_cost(void *ctx, int64_t t0, int64_t t1,
		     const struct segment *sg)
{
	double *total = ctx;
	*total += sg->cost_month * (double)(t1 - t0) / DAY_S / DAYS_PER_MONTH;
}

/* The points that replace the slot's one, in closed form: every full
 * life costs the same, so count them and add the partial last one
 * (equal to walking them with successors() and add_cost). */
static double successors_cost(const struct horizon *h, const struct slot *s,
			      const struct slot_moves *m)
{
	double std_gb = s->grows_at == TIME_NONE ? s->std_gb : s->std_gb_later;
	double std_rate = std_gb * s->std_gb_month;
	double arc_rate = s->arc_gb * s->arc_gb_month + s->restore_month_new;
	int64_t life, span, full, rest, in_std;

	if (!s->refills || s->expiry == TIME_NONE || s->expiry >= h->end)
		return 0;
	life = s->expiry - s->rp_time;
	if (life < DAY_S)
		life = DAY_S;
	span = h->end - s->expiry;
	full = span / life;
	rest = span - full * life;
	in_std = m->new_move_age < 0 || m->new_move_age * DAY_S >= life
			 ? life
			 : (int64_t)(m->new_move_age * DAY_S);
	return ((double)full * (std_rate * (double)in_std +
				arc_rate * (double)(life - in_std)) +
		std_rate * (double)(rest < in_std ? rest : in_std) +
		arc_rate * (double)(rest > in_std ? rest - in_std : 0)) /
	       DAY_S / DAYS_PER_MONTH;
}

__attribute__((flatten)) double
slot_horizon_cost(const struct horizon *h, const struct slot *s,
		  const struct slot_moves *m)
{
	double total = 0;

	current_point(h, s, m, add_cost, &total);
	return total + successors_cost(h, s, m);
}
