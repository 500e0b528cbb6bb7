/* SPDX-License-Identifier: MIT
 * restore_data.c: restore events and exposure sufficient statistics for
 * the restore-model fit (see restore_data.h), and their collection from a
 * snapshot: restore jobs from jobs.csv, exposure streamed from
 * recovery_points.csv. Never prints. */
#include "models/restore/restore_data.h"

#include <math.h>
#include <pthread.h>

#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const double age_table_edges[AGE_TABLE_BINS + 1] = {
	0, 15, 30, 45, 60, 90, 120, 180, 365, 730, INFINITY
};

#define GRID_A0 0.25       /* the grid is log-spaced in age + GRID_A0 */
#define GRID_DELTA 0.0125  /* target log-width of a bin */
#define GRID_MAX_AGE 36500 /* one open bin beyond (100 years) */

enum { H_XW, H_XWA, H_EW, H_EWA, H_COUNT };

/* Events from which restore_data_loglik shares its terms with a
 * helper thread: below, a hand-over costs more than it saves. */
#define EV_PARALLEL_MIN 2048

/* ---- the grid ---- */

static size_t bins_between(double lo, double hi)
{
	double n = ceil(log((hi + GRID_A0) / (lo + GRID_A0)) / GRID_DELTA);
	return n < 1 ? 1 : (size_t)n;
}

/* Edges: each table interval (and [730, GRID_MAX_AGE]) cut into
 * log-spaced bins, then one open bin. */
static void grid_build(struct restore_data *d)
{
	double stops[AGE_TABLE_BINS + 1];
	size_t n = 0, k;

	for (k = 0; k < AGE_TABLE_BINS; k++)
		stops[k] = age_table_edges[k];
	stops[AGE_TABLE_BINS] = GRID_MAX_AGE;
	for (k = 0; k < AGE_TABLE_BINS; k++)
		n += bins_between(stops[k], stops[k + 1]);
	d->nbins = n + 1;
	d->edges = xmalloc((d->nbins + 1) * sizeof(*d->edges));
	n = 0;
	for (k = 0; k < AGE_TABLE_BINS; k++) {
		size_t m = bins_between(stops[k], stops[k + 1]);
		double lo = log(stops[k] + GRID_A0);
		double hi = log(stops[k + 1] + GRID_A0);
		for (size_t i = 0; i < m; i++)
			d->edges[n++] = i == 0 ? stops[k]
					       : exp(lo + (hi - lo) *
							      (double)i /
							      (double)m) -
							 GRID_A0;
	}
	d->edges[n++] = GRID_MAX_AGE;
	d->edges[n] = INFINITY;
}

/* restore_data_bin looks its first guess up by the leading bits of
 * age + GRID_A0: exponent and GUESS_BITS of mantissa, a step under 0.8%,
 * finer than a bin (1.25%), so the guess is the bin or one next to it. */
#define GUESS_BITS 7
#define GUESS_SHIFT (52 - GUESS_BITS)

static uint64_t guess_key(double age)
{
	double x = age + GRID_A0;
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u >> GUESS_SHIFT;
}

static size_t guess_count(void)
{
	return (size_t)(guess_key(GRID_MAX_AGE) - guess_key(0)) + 1;
}

static size_t bin_search(const struct restore_data *d, double age)
{
	size_t lo = 0, hi = d->nbins; /* edges[lo] <= age < edges[hi] */

	if (!(age > 0))
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->edges[mid] <= age)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* For each key, the bin of the smallest age with that key (or, rounded,
 * just under it). */
static void guesses_build(struct restore_data *d)
{
	size_t n = guess_count();
	uint64_t k0 = guess_key(0);

	d->bin_from = xmalloc(n * sizeof(*d->bin_from));
	for (size_t i = 0; i < n; i++) {
		uint64_t u = (k0 + i) << GUESS_SHIFT;
		double x;
		memcpy(&x, &u, sizeof(x));
		d->bin_from[i] = (uint16_t)bin_search(
			d, fmax(0, x - GRID_A0) * (1 - 1e-12));
	}
}

/* The same bin as bin_search: from the guess, step to the one bin with
 * edges[b] <= age < edges[b + 1]. */
size_t restore_data_bin(const struct restore_data *d, double age)
{
	size_t b;

	if (!(age > 0))
		return 0;
	if (!(age < GRID_MAX_AGE) || !d->bin_from)
		return bin_search(d, age);
	b = d->bin_from[guess_key(age) - guess_key(0)];
	while (b > 0 && d->edges[b] > age)
		b--;
	while (b + 1 < d->nbins && d->edges[b + 1] <= age)
		b++;
	return b;
}

/* ---- the events' helper thread ---- */

/* The helper runs job(arg, lo, hi) of each job posted (gen), then says
 * so (done); the caller runs the rest of the range meanwhile. */
struct ev_pool {
	pthread_t thread;
	bool running, failed, quit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned long gen, done;
	void (*job)(void *arg, size_t lo, size_t hi);
	void *arg;
	size_t lo, hi;
	/* restore_data_loglik's job: terms[j] = f(ctx, age of event j) */
	const struct restore_data *d;
	double (*f)(const void *ctx, double age);
	const void *ctx;
	double *terms;
	size_t terms_alloc;
	double *scratch;       /* restore_data_scratch's */
	size_t scratch_alloc;
};

static void fill_terms(void *arg, size_t lo, size_t hi)
{
	const struct ev_pool *p = arg;

	for (size_t j = lo; j < hi; j++)
		p->terms[j] = p->f(p->ctx, p->d->ev[j].age);
}

static void *pool_main(void *arg)
{
	struct ev_pool *p = arg;
	unsigned long seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->mu);
		p->job(p->arg, p->lo, p->hi);
		pthread_mutex_lock(&p->mu);
		p->done = seen;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Starts the helper once; false when no thread can be had. */
static bool pool_ready(struct ev_pool *p)
{
	if (p->running || p->failed)
		return p->running;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, pool_main, p)) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		p->failed = true;
		return false;
	}
	p->running = true;
	return true;
}

/* Gives the helper job(arg, lo, hi). */
static void pool_post(struct ev_pool *p,
		      void (*job)(void *arg, size_t lo, size_t hi),
		      void *arg, size_t lo, size_t hi)
{
	pthread_mutex_lock(&p->mu);
	p->job = job;
	p->arg = arg;
	p->lo = lo;
	p->hi = hi;
	p->gen++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Waits for the helper's job. */
static void pool_wait(struct ev_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->done != p->gen)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void pool_stop(struct ev_pool *p)
{
	if (!p)
		return;
	if (p->running) {
		pthread_mutex_lock(&p->mu);
		p->quit = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
	free(p->terms);
	free(p->scratch);
	free(p);
}

/* Events left to the helper beyond half: the caller also computes the
 * integral, about 1.5 events' work per bin in use. */
static size_t caller_share(const struct restore_data *d, size_t n)
{
	const double *h = d->pooled.hist;
	size_t used = 0, half = n / 2, give;

	for (size_t b = 0; h && b < d->nbins; b++)
		used += (h[H_XW * d->nbins + b] > 0) +
			(h[H_EW * d->nbins + b] > 0);
	give = used * 3 / 4;
	return give < half ? half - give : 0;
}

double restore_data_loglik(const struct restore_data *d, double start,
			   double (*f)(const void *ctx, double age),
			   double (*F)(const void *ctx, double age),
			   const void *ctx)
{
	struct ev_pool *p = d->pool;
	size_t n = d->nev, mid;
	double s = start, integral;

	if (n < d->share_from || !pool_ready(p)) {
		for (size_t j = 0; j < n; j++)
			s += f(ctx, d->ev[j].age);
		return s - expo_integrate(d, &d->pooled, F, ctx);
	}
	mid = caller_share(d, n);
	p->terms = grow_array(p->terms, sizeof(*p->terms), n,
			      &p->terms_alloc);
	p->d = d;
	p->f = f;
	p->ctx = ctx;
	pool_post(p, fill_terms, p, mid, n);
	fill_terms(p, 0, mid);
	integral = expo_integrate(d, &d->pooled, F, ctx);
	pool_wait(p);
	for (size_t j = 0; j < n; j++)
		s += p->terms[j];
	return s - integral;
}

void restore_data_split(const struct restore_data *d, size_t n,
			void (*job)(void *arg, size_t lo, size_t hi),
			void *arg)
{
	struct ev_pool *p = d->pool;

	if (n < d->share_from || !pool_ready(p)) {
		job(arg, 0, n);
		return;
	}
	pool_post(p, job, arg, n / 2, n);
	job(arg, 0, n / 2);
	pool_wait(p);
}

double *restore_data_scratch(const struct restore_data *d, size_t n)
{
	struct ev_pool *p = d->pool;

	p->scratch = grow_array(p->scratch, sizeof(*p->scratch), n,
				&p->scratch_alloc);
	return p->scratch;
}

void restore_data_init(struct restore_data *d, size_t npolicies,
		       const char **policy_ids, const int *policy_workloads)
{
	memset(d, 0, sizeof(*d));
	grid_build(d);
	guesses_build(d);
	d->npolicies = npolicies;
	d->policy = xcalloc(npolicies ? npolicies : 1, sizeof(*d->policy));
	d->policy_ids = xcalloc(npolicies ? npolicies : 1, sizeof(char *));
	d->policy_workload = xcalloc(npolicies ? npolicies : 1, sizeof(int));
	for (size_t i = 0; i < npolicies; i++) {
		d->policy_ids[i] = policy_ids[i];
		d->policy_workload[i] = policy_workloads[i];
	}
	d->sum.history_from = d->sum.as_of = TIME_NONE;
	d->pool = xcalloc(1, sizeof(*d->pool));
	d->share_from = EV_PARALLEL_MIN;
}

void restore_data_release(struct restore_data *d)
{
	free(d->pooled.hist);
	for (int w = 0; w < WL_COUNT; w++)
		free(d->workload[w].hist);
	for (size_t i = 0; i < d->npolicies; i++)
		free(d->policy[i].hist);
	free(d->policy);
	free(d->policy_ids);
	free(d->policy_workload);
	free(d->edges);
	free(d->bin_from);
	free(d->ev);
	pool_stop(d->pool);
	memset(d, 0, sizeof(*d));
}

/* ---- adding data ---- */

static void stats_add(const struct restore_data *d, struct expo_stats *g,
		      double w, double entry, double exit, size_t bx,
		      size_t be)
{
	g->points++;
	g->point_days += exit - entry;
	g->cov_days += w * (exit - entry);
	if (!d->nbins)
		return;
	if (!g->hist)
		g->hist = xcalloc(H_COUNT * d->nbins, sizeof(double));
	g->hist[H_XW * d->nbins + bx] += w;
	g->hist[H_XWA * d->nbins + bx] += w * exit;
	g->hist[H_EW * d->nbins + be] += w;
	g->hist[H_EWA * d->nbins + be] += w * entry;
}

static int table_bin(double age);

/* From the interval holding entry: those before add nothing. */
static void table_add(struct restore_data *d, double w, double entry,
		      double exit)
{
	for (int k = entry > 0 ? table_bin(entry) : 0;
	     k < AGE_TABLE_BINS && age_table_edges[k] < exit; k++) {
		double lo = fmax(entry, age_table_edges[k]);
		double hi = fmin(exit, age_table_edges[k + 1]);
		if (hi > lo) {
			d->tab_point_days[k] += hi - lo;
			d->tab_cov_days[k] += w * (hi - lo);
		}
	}
}

void restore_data_add_exposure(struct restore_data *d, int workload,
			       long policy, int kind, double w, double entry,
			       double exit)
{
	size_t bx, be;

	if (!(w > 0) || !(exit > entry))
		return;
	bx = restore_data_bin(d, exit);
	be = restore_data_bin(d, entry);
	stats_add(d, &d->pooled, w, entry, exit, bx, be);
	stats_add(d, &d->workload[workload], w, entry, exit, bx, be);
	if (policy >= 0)
		stats_add(d, &d->policy[policy], w, entry, exit, bx, be);
	d->kind[kind].points++;
	d->kind[kind].point_days += exit - entry;
	d->kind[kind].cov_days += w * (exit - entry);
	table_add(d, w, entry, exit);
	d->sum.points++;
	d->sum.point_days += exit - entry;
	d->sum.coverage_point_days += w * (exit - entry);
}

static int table_bin(double age)
{
	int k = 0;

	while (k < AGE_TABLE_BINS - 1 && age >= age_table_edges[k + 1])
		k++;
	return k;
}

void restore_data_add_event(struct restore_data *d, int workload,
			    long policy, int kind, double w, double age)
{
	struct restore_event *ev;

	d->ev = grow_array(d->ev, sizeof(*d->ev), d->nev + 1, &d->ev_alloc);
	ev = &d->ev[d->nev++];
	ev->age = age;
	ev->weight = w;
	ev->workload = workload;
	ev->kind = kind;
	ev->policy = policy;
	d->pooled.events++;
	d->workload[workload].events++;
	if (policy >= 0)
		d->policy[policy].events++;
	d->kind[kind].events++;
	d->tab_events[table_bin(age)]++;
	d->sum.events_used++;
}

/* ---- integrals over the histograms ---- */

static double bin_sum(const struct restore_data *d, const double *w,
		      const double *wa, double (*F)(const void *, double),
		      const void *ctx, double lo, double hi)
{
	double s = 0;

	for (size_t b = 0; b < d->nbins; b++) {
		double a;
		if (w[b] <= 0)
			continue;
		a = wa[b] / w[b];
		s += w[b] * F(ctx, fmin(fmax(a, lo), hi));
	}
	return s;
}

double expo_integrate_range(const struct restore_data *d,
			    const struct expo_stats *g,
			    double (*F)(const void *ctx, double age),
			    const void *ctx, double lo, double hi)
{
	const double *h = g->hist;
	size_t n = d->nbins;

	if (!h)
		return 0;
	return bin_sum(d, h + H_XW * n, h + H_XWA * n, F, ctx, lo, hi) -
	       bin_sum(d, h + H_EW * n, h + H_EWA * n, F, ctx, lo, hi);
}

double expo_integrate(const struct restore_data *d,
		      const struct expo_stats *g,
		      double (*F)(const void *ctx, double age),
		      const void *ctx)
{
	return expo_integrate_range(d, g, F, ctx, 0, INFINITY);
}

static size_t add_nodes(const struct restore_data *d, const double *w,
			const double *wa, double sign, double *age,
			double *out, size_t n)
{
	for (size_t b = 0; b < d->nbins; b++)
		if (w[b] > 0) {
			age[n] = wa[b] / w[b];
			out[n++] = sign * w[b];
		}
	return n;
}

size_t expo_nodes(const struct restore_data *d, const struct expo_stats *g,
		  double *age, double *w)
{
	const double *h = g->hist;
	size_t n = d->nbins;

	if (!h)
		return 0;
	return add_nodes(d, h + H_EW * n, h + H_EWA * n, -1, age, w,
			 add_nodes(d, h + H_XW * n, h + H_XWA * n, 1, age, w,
				   0));
}
