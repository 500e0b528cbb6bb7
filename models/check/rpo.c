/* SPDX-License-Identifier: MIT
 * rpo.c: achieved RPO from one item's backup history (see rpo.h). */
#include "models/check/rpo.h"

#include <math.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

/* Gaps of one series, gathered before the statistics are taken. */
struct gap_acc {
	struct observed_gaps *out;
	double *gaps;
	size_t n;
	int64_t prev;
};

static void acc_init(struct gap_acc *a, struct observed_gaps *out,
		     size_t npoints)
{
	memset(out, 0, sizeof(*out));
	out->worst_h = out->p95_h = out->newest_age_h = NAN;
	out->newest = TIME_NONE;
	a->out = out;
	a->gaps = xmalloc((npoints + 1) * sizeof(*a->gaps));
	a->n = 0;
	a->prev = TIME_NONE;
}

static void acc_gap(struct gap_acc *a, int64_t from, int64_t to, bool tail)
{
	double g = (double)(to - from) / HOUR_S;

	if (a->n == 0 || g > a->out->worst_h) {
		a->out->worst_h = g;
		a->out->worst_from = from;
		a->out->worst_is_tail = tail;
	}
	a->gaps[a->n++] = g;
}

/* Moves the k-th smallest of a[0..n) to a[k], those before it no
 * larger and those after no smaller (Wirth's selection, the pivot the
 * median of three): a quantile without sorting every gap. */
static void select_kth(double *a, long n, long k)
{
	long l = 0, m = n - 1;

	for (int round = 0; l < m; round++) {
		double x = a[l], y = a[l + (m - l) / 2], z = a[m], t;
		long i = l, j = m;

		if (round == 64) { /* a pathological order: sort the rest */
			gsl_sort(a + l, 1, (size_t)(m - l + 1));
			return;
		}
		if ((y < x) != (y < z))
			x = y;
		else if ((z < x) != (z < y))
			x = z;
		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		} while (i <= j);
		if (j < k)
			l = i;
		if (k < i)
			m = j;
	}
}

/* gsl_stats_quantile_from_sorted_data(a, 1, n, f) of a[] not sorted:
 * it reads the element at floor(f * (n - 1)) and the one after, put in
 * their sorted places here. */
static double quantile(double *a, size_t n, double f)
{
	size_t k = (size_t)(f * (double)(n - 1));

	select_kth(a, (long)n, (long)k);
	for (size_t i = k + 2; i < n; i++)
		if (a[i] < a[k + 1]) {
			double t = a[i];
			a[i] = a[k + 1];
			a[k + 1] = t;
		}
	return gsl_stats_quantile_from_sorted_data(a, 1, n, f);
}

/* Adds the tail gap (prev -> tail_end), takes the p95 and frees. */
static void acc_finish(struct gap_acc *a, int64_t tail_end, int64_t to)
{
	struct observed_gaps *out = a->out;

	if (a->prev != TIME_NONE) {
		out->newest = a->prev;
		out->newest_age_h = (double)(to - a->prev) / HOUR_S;
		acc_gap(a, a->prev, tail_end, true);
		out->p95_h = quantile(a->gaps, a->n, 0.95);
	}
	out->ngaps = a->n;
	free(a->gaps);
}

void observed_gaps_compute(struct observed_gaps *out, const int64_t *t,
			   size_t n, int64_t from, int64_t to)
{
	struct gap_acc a;

	acc_init(&a, out, n);
	for (size_t i = 0; i < n && t[i] <= to; i++) {
		if (t[i] >= from) {
			if (a.prev != TIME_NONE)
				acc_gap(&a, a.prev, t[i], false);
			out->n++;
		}
		a.prev = t[i];
	}
	acc_finish(&a, to, to);
}

static int64_t day_start(int64_t t)
{
	int64_t d = t / DAY_S;

	return (t % DAY_S < 0 ? d - 1 : d) * DAY_S;
}

void observed_log_chain_compute(struct observed_gaps *out, const int64_t *t,
				size_t n, int64_t step_s, int64_t from,
				int64_t to)
{
	struct gap_acc a;

	acc_init(&a, out, n);
	for (size_t i = 0; i < n && t[i] <= to; i++) {
		if (t[i] >= from) {
			if (a.prev != TIME_NONE) {
				int64_t next = day_start(t[i]);
				if (next < a.prev + step_s)
					next = a.prev + step_s;
				acc_gap(&a, a.prev, next, false);
			}
			out->n++;
		}
		a.prev = t[i];
	}
	acc_finish(&a, a.prev != TIME_NONE && to < a.prev + step_s
			       ? a.prev + step_s
			       : to,
		   to);
}

static int by_run_time(const void *a, const void *b)
{
	const struct backup_run *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (int)x->ok - (int)y->ok;
}

void backup_runs_sort(struct backup_run *r, size_t n)
{
	if (n > 1) /* qsort wants a pointer even for none */
		qsort(r, n, sizeof(*r), by_run_time);
}

void failure_streak_compute(struct failure_streak *out,
			    const struct backup_run *r, size_t n,
			    int64_t from, int64_t to)
{
	unsigned run = 0;

	memset(out, 0, sizeof(*out));
	out->last_success = TIME_NONE;
	for (size_t i = 0; i < n && r[i].time <= to; i++) {
		bool inside = r[i].time >= from;

		if (r[i].ok) {
			out->last_success = r[i].time;
			run = 0;
		} else if (inside) {
			run++;
			out->failed++;
			if (run > out->longest)
				out->longest = run;
		}
		out->runs += inside;
	}
	out->trailing = run;
}
