/* SPDX-License-Identifier: MIT
 * vmset.c: the best set of a VM item's long-term points to archive. */
#include "models/cost/vmset.h"

#include <math.h>

#include "models/cost/sizes.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

struct chain {
	size_t *idx;       /* positions in rps */
	double *fprev;     /* f(gap to the previous chain point) */
	double *lkeep;     /* ln (1 - churn)^(gap to the next chain point) */
	int64_t *t;        /* times, plus one past the newest */
	size_t m;
};

/* Monthly and yearly points in Standard, and the daily and weekly points
 * kept there forever (stopped protection): they hold their neighbours'
 * blocks for good. */
static bool in_chain(const struct rp *rp)
{
	if (!tier_in_standard(rp->tier))
		return false;
	if (rp->kind == RK_MONTHLY || rp->kind == RK_YEARLY)
		return true;
	return (rp->kind == RK_DAILY || rp->kind == RK_WEEKLY) &&
	       rp->expiry_time == TIME_NONE;
}

static double gap_days(int64_t a, int64_t b)
{
	return (double)(b - a) / DAY_S;
}

static void chain_build(struct chain *c, const struct item *it,
			const struct rp *rps, size_t n, bool refills)
{
	double lc = log1p(-fmin(it->daily_churn, 0.999999));

	c->idx = xmalloc((n + 1) * sizeof(*c->idx));
	c->fprev = xmalloc((n + 1) * sizeof(*c->fprev));
	c->lkeep = xmalloc((n + 1) * sizeof(*c->lkeep));
	c->t = xmalloc((n + 1) * sizeof(*c->t));
	c->m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in_chain(&rps[i]))
			continue;
		c->idx[c->m] = i;
		c->t[c->m] = rps[i].rp_time;
		c->fprev[c->m] = c->m == 0
					 ? 1
					 : churn_fraction(
						   it->daily_churn,
						   gap_days(c->t[c->m - 1],
								rps[i].rp_time));
		c->m++;
	}
	c->t[c->m] = refills && c->m ? time_add_months(c->t[c->m - 1], 1)
				      : TIME_NONE;
	for (size_t k = 0; k < c->m; k++)
		c->lkeep[k] = c->t[k + 1] == TIME_NONE
				      ? -INFINITY /* nothing later holds them */
				      : lc * fmax(1, gap_days(c->t[k],
								  c->t[k + 1]));
}

/* GiB freed by point k when the run it belongs to ends at j. */
static double freed_in_run(const struct chain *c, const struct item *it,
			   size_t k, size_t j)
{
	double after;

	if (c->t[j + 1] == TIME_NONE)
		after = 1; /* no later point: nothing else will hold them */
	else
		after = churn_fraction(it->daily_churn,
				       fmax(1, gap_days(c->t[k],
							    c->t[j + 1])));
	return it->source_gb * c->fprev[k] * after;
}

static void chain_release(struct chain *c)
{
	free(c->idx);
	free(c->fprev);
	free(c->lkeep);
	free(c->t);
}

/* ---- the dynamic programme ----
 * With b_k = std * source * f(t_k - t_{k-1}) the Standard money point k
 * frees, a_k = b_k - arc * full_k, and R_j = prod_{l=s..j} keep_l over
 * the candidate run that began at s, the run i..j is worth
 *     best[i - 1] + sum_{k=i..j} a_k - H(i, j),
 * H(i, j) = sum_{k=i..j} b_k R_j / R_{k-1} (what its neighbours still
 * hold) = H(s, j) - R_j Q_i with Q_i = sum_{k=s..i-1} b_k / R_{k-1}.
 * So each start i is a line u_i + Q_i x queried at x = R_j: slopes grow
 * with i and x only falls along the run, so an upper hull kept as a stack
 * answers every query at its top, each line pushed and popped once:
 * O(m) instead of the O(m^2) of trying every start. Q_i and R_j are
 * kept as logarithms (R underflows long before the products do). */

struct line {
	double u, lq; /* value u + exp(lq + ln x) */
	long i;       /* the run's start */
};

static double line_at(const struct line *l, double lx)
{
	return l->u + exp(l->lq + lx);
}

static double log_add(double a, double b)
{
	double hi = fmax(a, b), lo = fmin(a, b);

	if (lo == -INFINITY)
		return hi;
	return hi + log1p(exp(lo - hi));
}

/* Whether b, between a and c (slopes a <= b <= c), is never above both. */
static bool line_useless(const struct line *a, const struct line *b,
			 const struct line *c)
{
	double qa = exp(a->lq - c->lq), qb = exp(b->lq - c->lq);

	return (c->u - a->u) * (qb - qa) >= (b->u - a->u) * (1 - qa);
}

static void hull_push(struct line *h, size_t *nh, struct line l)
{
	while (*nh >= 1 && h[*nh - 1].lq == l.lq) {
		if (h[*nh - 1].u >= l.u)
			return; /* same slope, never better */
		(*nh)--;
	}
	while (*nh >= 2 && line_useless(&h[*nh - 2], &h[*nh - 1], &l))
		(*nh)--;
	h[(*nh)++] = l;
}

/* The best start at x: lines above the top's are gone for good as x
 * falls. */
static const struct line *hull_best(struct line *h, size_t *nh, double lx)
{
	while (*nh >= 2 && line_at(&h[*nh - 1], lx) <= line_at(&h[*nh - 2], lx))
		(*nh)--;
	return &h[*nh - 1];
}

struct run_state {
	double lr;    /* ln R_{j-1} */
	double lq;    /* ln Q_j */
	double held;  /* H(s, j - 1), money a month */
};

/* best[j + 1] (best over chain[0..j]) and start[j] (start of the run
 * ending at j in it, or -1). */
static void best_sets(const struct chain *c, const struct item *it,
		      const struct rp *rps, const bool *candidate,
		      double std_price, double arc_price, double *best,
		      long *start)
{
	struct line *h = xmalloc((c->m + 1) * sizeof(*h));
	struct run_state r = { 0, -INFINITY, 0 };
	double sum_a = 0; /* A[j] = sum_{k < j} a_k */
	size_t nh = 0;

	best[0] = 0;
	for (size_t j = 0; j < c->m; j++) {
		const struct rp *rp = &rps[c->idx[j]];
		double b = std_price * it->source_gb * c->fprev[j];
		double a = b - arc_price * rp->full_gb, v;
		const struct line *top;

		best[j + 1] = best[j];
		start[j] = -1;
		if (!candidate[c->idx[j]]) {
			nh = 0;
			r = (struct run_state){ 0, -INFINITY, 0 };
			sum_a += a;
			continue;
		}
		hull_push(h, &nh,
			  (struct line){ (j ? best[j - 1] : 0) - sum_a, r.lq,
					 (long)j });
		r.lq = log_add(r.lq, log(b) - r.lr);
		r.lr += c->lkeep[j];
		r.held = exp(c->lkeep[j]) * (r.held + b);
		sum_a += a;
		top = hull_best(h, &nh, r.lr);
		v = line_at(top, r.lr) + sum_a - r.held;
		if (v > best[j + 1] + 1e-12) {
			best[j + 1] = v;
			start[j] = top->i;
		}
	}
	free(h);
}

/* The chosen run k0..j shares what it frees by Archive size: a set moves
 * or stays, so no point of it looks like a loss on its own while its
 * run-mates move (every share frees more than its Archive copy costs,
 * since the run as a whole does). */
static size_t share_run(const struct chain *c, const struct item *it,
			const struct rp *rps, size_t k0, size_t j,
			double *freed)
{
	double total = 0, full = 0;

	for (size_t k = k0; k <= j; k++) {
		total += freed_in_run(c, it, k, j);
		full += rps[c->idx[k]].full_gb;
	}
	for (size_t k = k0; k <= j; k++)
		freed[c->idx[k]] = full > 0 ? total * rps[c->idx[k]].full_gb /
						      full
					    : freed_in_run(c, it, k, j);
	return j - k0 + 1;
}

/* All candidates together, for the reason of a kept set. */
static void all_candidates(const struct chain *c, const struct item *it,
			   const struct rp *rps, const bool *candidate,
			   struct vmset_result *out)
{
	for (size_t j = 0; j < c->m; j++) {
		size_t end = j;
		if (!candidate[c->idx[j]])
			continue;
		while (end + 1 < c->m && candidate[c->idx[end + 1]])
			end++;
		for (size_t k = j; k <= end; k++) {
			out->candidates++;
			out->all_full_gb += rps[c->idx[k]].full_gb;
			out->all_freed_gb += freed_in_run(c, it, k, end);
		}
		j = end;
	}
}

void vmset_score(const struct item *it, const struct rp *rps, size_t n,
		 const bool *candidate, double std_price, double arc_price,
		 bool refills, double *freed, struct vmset_result *out)
{
	struct chain c;
	double *best;
	long *start;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		freed[i] = NAN;
	chain_build(&c, it, rps, n, refills);
	best = xmalloc((c.m + 1) * sizeof(*best));
	start = xmalloc((c.m + 1) * sizeof(*start));
	best_sets(&c, it, rps, candidate, std_price, arc_price, best, start);
	all_candidates(&c, it, rps, candidate, out);
	/* Walk back through the chosen runs. */
	for (long j = (long)c.m - 1; j >= 0;) {
		if (start[j] < 0) {
			j--;
			continue;
		}
		out->chosen += share_run(&c, it, rps, (size_t)start[j],
					 (size_t)j, freed);
		j = start[j] - 2; /* chain[start - 1] separates the runs */
	}
	free(best);
	free(start);
	chain_release(&c);
}

void vmset_value(const struct item *it, const struct rp *rps, size_t n,
		 const bool *in_set, const double *months, double std_price,
		 double arc_price, bool refills, double *freed,
		 struct vmset_value *out)
{
	struct chain c;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		freed[i] = NAN;
	chain_build(&c, it, rps, n, refills);
	for (size_t j = 0; j < c.m; j++) {
		size_t end = j;
		if (!in_set[c.idx[j]])
			continue;
		while (end + 1 < c.m && in_set[c.idx[end + 1]])
			end++;
		out->points += share_run(&c, it, rps, j, end, freed);
		j = end;
	}
	for (size_t i = 0; i < n; i++) {
		double net;
		if (isnan(freed[i]))
			continue;
		net = std_price * freed[i] - arc_price * rps[i].full_gb;
		out->freed_gb += freed[i];
		out->full_gb += rps[i].full_gb;
		out->month += net;
		out->worth += net * months[i];
	}
	chain_release(&c);
}

/* ---- a point's footprint over time ---- */

/* One side's neighbour from the previous step's end until `until`: f of
 * the gap to it, or NAN for none on the newer side (measured up to the
 * day, as sizes.h does). */
struct fstep {
	int64_t until;
	double f;
};

/* When neighbour j leaves Standard, as point i's footprint sees it. */
static int64_t leave_at(const struct rp *rps, const int64_t *leave,
			size_t j, bool mate)
{
	int64_t t = mate ? rps[j].expiry_time : leave[j];

	return t == TIME_NONE ? INT64_MAX : t;
}

/* The neighbours of point i on one side (dir -1: older, +1: newer), each
 * while it is the nearest still in Standard; returns the steps, the last
 * ending at or after to. */
static size_t side_steps(const struct item *it, const struct rp *rps,
			 size_t n, size_t i, int dir, const int64_t *leave,
			 const double *freed, int64_t from, int64_t to,
			 struct fstep *st)
{
	bool mate = !isnan(freed[i]);
	int64_t cur = from;
	size_t ns = 0;

	for (size_t j = i; cur < to && (dir < 0 ? j-- > 0 : ++j < n);) {
		int64_t until;

		if (!tier_in_standard(rps[j].tier))
			continue;
		if (in_chain(&rps[j]))
			mate = mate && !isnan(freed[j]);
		until = leave_at(rps, leave, j, mate);
		if (until <= cur)
			continue;
		st[ns++] = (struct fstep){
			until, churn_fraction(it->daily_churn,
					      fmax(1, gap_days(rps[i].rp_time,
							       rps[j].rp_time) *
							      dir))
		};
		cur = until;
	}
	if (cur < to)
		st[ns++] = (struct fstep){ INT64_MAX, dir < 0 ? 1 : NAN };
	return ns;
}

/* The newest chain point's time, for next month's point. */
static int64_t newest_chain_time(const struct rp *rps, size_t n)
{
	for (size_t j = n; j-- > 0;)
		if (in_chain(&rps[j]))
			return rps[j].rp_time;
	return TIME_NONE;
}

/* vmset_footprint for to > from, with room for n + 1 steps a side. */
static double footprint_mean(const struct item *it, const struct rp *rps,
			     size_t n, size_t i, const int64_t *leave,
			     const double *freed, bool refills, int64_t from,
			     int64_t to, struct fstep *older,
			     struct fstep *newer)
{
	int64_t newest = newest_chain_time(rps, n), t = from;
	size_t no, nn, a = 0, b = 0;
	double sum = 0;

	no = side_steps(it, rps, n, i, -1, leave, freed, from, to, older);
	nn = side_steps(it, rps, n, i, +1, leave, freed, from, to, newer);
	if (refills && newest != TIME_NONE && isnan(newer[nn - 1].f))
		newer[nn - 1].f = churn_fraction(
			it->daily_churn,
			fmax(1, gap_days(rps[i].rp_time,
					 time_add_months(newest, 1))));
	while (t < to) {
		int64_t end = older[a].until < newer[b].until
				      ? older[a].until
				      : newer[b].until;
		double fn = newer[b].f;

		if (end > to)
			end = to;
		if (isnan(fn)) { /* the newest: measured up to mid-step */
			int64_t mid = t + (end - t) / 2;
			fn = churn_fraction(
				it->daily_churn,
				fmax(1, gap_days(rps[i].rp_time, mid)));
		}
		sum += older[a].f * fn * gap_days(t, end);
		t = end;
		a += older[a].until == t && a + 1 < no;
		b += newer[b].until == t && b + 1 < nn;
	}
	return it->source_gb * sum / gap_days(from, to);
}

/* Both sides' steps on the stack up to this many a side (the footprint
 * is asked for every VM point that may move), else allocated. */
#define FSTEPS_ON_STACK 256

double vmset_footprint(const struct item *it, const struct rp *rps,
		       size_t n, size_t i, const int64_t *leave,
		       const double *freed, bool refills, int64_t from,
		       int64_t to)
{
	struct fstep stack[2 * FSTEPS_ON_STACK];
	struct fstep *st = stack;
	double gb;

	if (!(to > from))
		return unique_gb_at(it, rps, n, i, from);
	if (n + 1 > FSTEPS_ON_STACK)
		st = xmalloc(2 * (n + 1) * sizeof(*st));
	gb = footprint_mean(it, rps, n, i, leave, freed, refills, from, to,
			    st, st + n + 1);
	if (st != stack)
		free(st);
	return gb;
}
