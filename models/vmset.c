/* SPDX-License-Identifier: MIT
 * vmset.c: the best set of a VM item's long-term points to archive. */
#include "vmset.h"

#include <math.h>

#include "sizes.h"
#include "timeutil.h"
#include "util.h"

struct chain {
	size_t *idx;       /* positions in rps */
	double *fprev;     /* f(gap to the previous chain point) */
	double *keep;      /* (1 - churn)^(gap to the next chain point) */
	int64_t *t;        /* times, plus one past the newest */
	size_t m;
};

static bool in_chain(const struct rp *rp)
{
	return (rp->kind == RK_MONTHLY || rp->kind == RK_YEARLY) &&
	       tier_in_standard(rp->tier);
}

static void chain_build(struct chain *c, const struct item *it,
			const struct rp *rps, size_t n, bool refills)
{
	double lc = log1p(-fmin(it->daily_churn, 0.999999));

	c->idx = xmalloc((n + 1) * sizeof(*c->idx));
	c->fprev = xmalloc((n + 1) * sizeof(*c->fprev));
	c->keep = xmalloc((n + 1) * sizeof(*c->keep));
	c->t = xmalloc((n + 1) * sizeof(*c->t));
	c->m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in_chain(&rps[i]))
			continue;
		c->idx[c->m] = i;
		c->t[c->m] = rps[i].rp_time;
		c->fprev[c->m] =
			c->m == 0 ? 1
				  : churn_fraction(it->daily_churn,
						   (double)(rps[i].rp_time -
							    c->t[c->m - 1]) /
							   DAY_S);
		c->m++;
	}
	c->t[c->m] = refills && c->m ? time_add_months(c->t[c->m - 1], 1)
				      : TIME_NONE;
	for (size_t k = 0; k < c->m; k++)
		c->keep[k] = c->t[k + 1] == TIME_NONE
				     ? 0 /* nothing later will hold them */
				     : exp(lc * fmax(1, (double)(c->t[k + 1] -
								 c->t[k]) /
								DAY_S));
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
				       fmax(1, (double)(c->t[j + 1] - c->t[k]) /
						       DAY_S));
	return it->source_gb * c->fprev[k] * after;
}

static void chain_release(struct chain *c)
{
	free(c->idx);
	free(c->fprev);
	free(c->keep);
	free(c->t);
}

void vmset_score(const struct item *it, const struct rp *rps, size_t n,
		 const bool *candidate, double std_price, double arc_price,
		 bool refills, double *freed, struct vmset_result *out)
{
	struct chain c;
	double *best;      /* best[j + 1]: best value over chain[0..j] */
	long *start;       /* start of the run ending at j, or -1 */
	size_t m;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		freed[i] = NAN;
	chain_build(&c, it, rps, n, refills);
	m = c.m;
	best = xcalloc(m + 1, sizeof(*best));
	start = xmalloc((m + 1) * sizeof(*start));
	for (size_t j = 0; j < m; j++) {
		bool cand = candidate[c.idx[j]];
		double run = 0;

		best[j + 1] = best[j];
		start[j] = -1;
		if (cand) {
			out->candidates++;
			out->all_full_gb += rps[c.idx[j]].full_gb;
		}
		/* (1 - churn)^(t[j+1] - t[i]), built up as i goes down, so
		 * the quadratic loop needs no exp. */
		double keep = c.keep[j];

		for (size_t i = j + 1; i-- > 0 && candidate[c.idx[i]];) {
			/* The run i..j; chain[i - 1] stays out of it, so what
			 * comes before is the best over chain[0..i - 2]. */
			double v;
			run += std_price * it->source_gb * c.fprev[i] *
				       (1 - keep) -
			       arc_price * rps[c.idx[i]].full_gb;
			if (i)
				keep *= c.keep[i - 1];
			v = (i ? best[i - 1] : 0) + run;
			if (v > best[j + 1] + 1e-12) {
				best[j + 1] = v;
				start[j] = (long)i;
			}
		}
	}
	/* All candidates together, for the reason of a kept set. */
	for (size_t j = 0; j < m; j++) {
		size_t end = j;
		if (!candidate[c.idx[j]])
			continue;
		while (end + 1 < m && candidate[c.idx[end + 1]])
			end++;
		for (size_t k = j; k <= end; k++)
			out->all_freed_gb += freed_in_run(&c, it, k, end);
		j = end;
	}
	/* Walk back through the chosen runs. */
	for (long j = (long)m - 1; j >= 0;) {
		if (start[j] < 0) {
			j--;
			continue;
		}
		for (long k = start[j]; k <= j; k++) {
			freed[c.idx[k]] = freed_in_run(&c, it, (size_t)k,
						       (size_t)j);
			out->chosen++;
		}
		j = start[j] - 2; /* chain[start - 1] separates the runs */
	}
	free(best);
	free(start);
	chain_release(&c);
}
