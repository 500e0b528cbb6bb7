/* SPDX-License-Identifier: MIT
 * plan_rows.c: plan.csv's rows formatted and written on a thread of their
 * own (plan_internal.h), while the planner decides the next points. */
#include "optimizer/plan/plan_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/strpool.h"
#include "optimizer/base/util.h"

#define NBATCH 4
#define BATCH_ROWS 1024

struct row_batch {
	struct plan_row row[BATCH_ROWS];
	size_t n;
	struct strpool pool;  /* the rows' rp_id; reset per batch */
	bool full;            /* queued: the writer owns it */
};

struct plan_rows {
	struct plan_ctx *p;
	plan_row_fn write;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ready; /* a batch is full, or the planner is done */
	pthread_cond_t space; /* a batch is written */
	struct row_batch *buf; /* NBATCH */
	int fill;             /* the batch the planner fills */
	bool done;
};

/* Writer: batch i once it is full, or NULL when the planner is done. */
static struct row_batch *next_full(struct plan_rows *r, int i)
{
	struct row_batch *b = &r->buf[i];
	bool full;

	pthread_mutex_lock(&r->mu);
	while (!b->full && !r->done)
		pthread_cond_wait(&r->ready, &r->mu);
	full = b->full;
	pthread_mutex_unlock(&r->mu);
	return full ? b : NULL;
}

static void *write_rows(void *arg)
{
	struct plan_rows *r = arg;
	struct row_batch *b;

	for (int i = 0; (b = next_full(r, i)); i = (i + 1) % NBATCH) {
		for (size_t k = 0; k < b->n; k++)
			r->write(r->p, &b->row[k]);
		pthread_mutex_lock(&r->mu);
		b->full = false;
		pthread_cond_signal(&r->space);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

static void rows_free(struct plan_rows *r)
{
	pthread_cond_destroy(&r->ready);
	pthread_cond_destroy(&r->space);
	pthread_mutex_destroy(&r->mu);
	for (int i = 0; i < NBATCH; i++)
		strpool_release(&r->buf[i].pool);
	free(r->buf);
	free(r);
}

struct plan_rows *plan_rows_start(struct plan_ctx *p, plan_row_fn write,
				  struct err *e)
{
	struct plan_rows *r = xcalloc(1, sizeof(*r));
	int err;

	r->p = p;
	r->write = write;
	r->buf = xcalloc(NBATCH, sizeof(*r->buf));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->ready, NULL);
	pthread_cond_init(&r->space, NULL);
	err = pthread_create(&r->thread, NULL, write_rows, r);
	if (!err)
		return r;
	rows_free(r);
	err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s", strerror(err));
	return NULL;
}

/* Planner: queues the filled batch; waits until the next one is free. */
static void hand_over(struct plan_rows *r)
{
	struct row_batch *b = &r->buf[r->fill];

	pthread_mutex_lock(&r->mu);
	b->full = true;
	pthread_cond_signal(&r->ready);
	r->fill = (r->fill + 1) % NBATCH;
	b = &r->buf[r->fill];
	while (b->full)
		pthread_cond_wait(&r->space, &r->mu);
	pthread_mutex_unlock(&r->mu);
	b->n = 0;
	strpool_reset(&b->pool);
}

struct plan_row *plan_rows_next(struct plan_rows *r)
{
	struct row_batch *b = &r->buf[r->fill];

	if (b->n == BATCH_ROWS) {
		hand_over(r);
		b = &r->buf[r->fill];
	}
	return &b->row[b->n++];
}

const char *plan_rows_keep(struct plan_rows *r, const char *s)
{
	return strpool_dup(&r->buf[r->fill].pool, s);
}

void plan_rows_finish(struct plan_rows *r)
{
	if (!r)
		return;
	if (r->buf[r->fill].n)
		hand_over(r);
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_signal(&r->ready);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	rows_free(r);
}
