/* SPDX-License-Identifier: MIT
 * plan_rows.c: what the planner queues, point by point, handed on in
 * order to two threads of their own (plan_internal.h): one adds it to the
 * projections, the next formats and writes plan.csv's rows and commits
 * the file, while the planner decides the next points. */
#include "optimizer/plan/plan_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer/base/strpool.h"
#include "optimizer/base/util.h"

#define NBATCH 4
#define BATCH_ROWS 512

struct row_batch {
	struct plan_row row[BATCH_ROWS];
	size_t n;
	struct strpool pool;  /* the rows' rp_id; reset per batch */
};

/* Batch k is the planner's until it is filled, then the projector's
 * until projected, then the writer's until written: the three go round
 * the ring in the same order, counting batches. */
struct plan_rows {
	struct plan_ctx *p;
	plan_row_fn project, write;
	plan_commit_fn commit;
	pthread_t projector, writer;
	bool has_projector, has_writer;
	pthread_mutex_t mu;
	pthread_cond_t moved; /* a count below changed, or a stage ended */
	struct row_batch *buf; /* NBATCH */
	unsigned long filled, projected, written;
	bool done;            /* the planner queues no more */
	bool projected_all;   /* and the projector has them all */
	bool commit_asked;    /* plan_rows_close: commit after the rows */
	int rc;               /* the commit's */
	struct err err;
};

/* Projector or writer: the next batch once its stage before is done
 * with it (*have below *ahead), or NULL once that stage has ended. */
static struct row_batch *wait_batch(struct plan_rows *r,
				    const unsigned long *have,
				    const unsigned long *ahead,
				    const bool *ended)
{
	struct row_batch *b = NULL;

	pthread_mutex_lock(&r->mu);
	while (*have == *ahead && !*ended)
		pthread_cond_wait(&r->moved, &r->mu);
	if (*have != *ahead)
		b = &r->buf[*have % NBATCH];
	pthread_mutex_unlock(&r->mu);
	return b;
}

/* A stage's count goes up (n) or it ends (ended); the others are told. */
static void count(struct plan_rows *r, unsigned long *n, bool *ended)
{
	pthread_mutex_lock(&r->mu);
	if (n)
		(*n)++;
	if (ended)
		*ended = true;
	pthread_cond_broadcast(&r->moved);
	pthread_mutex_unlock(&r->mu);
}

static void *project_rows(void *arg)
{
	struct plan_rows *r = arg;
	struct row_batch *b;

	while ((b = wait_batch(r, &r->projected, &r->filled, &r->done))) {
		for (size_t k = 0; k < b->n; k++)
			r->project(r->p, &b->row[k]);
		count(r, &r->projected, NULL);
	}
	count(r, NULL, &r->projected_all);
	return NULL;
}

static void *write_rows(void *arg)
{
	struct plan_rows *r = arg;
	struct row_batch *b;

	while ((b = wait_batch(r, &r->written, &r->projected,
			       &r->projected_all))) {
		for (size_t k = 0; k < b->n; k++)
			if (!b->row[k].slot_only)
				r->write(r->p, &b->row[k]);
		count(r, &r->written, NULL);
	}
	/* every stage has ended: commit_asked no longer changes */
	if (r->commit_asked)
		r->rc = r->commit(r->p, &r->err);
	return NULL;
}

/* Planner: queues the last rows; the threads stop after them, and the
 * writer commits first when asked. */
static void stop(struct plan_rows *r, bool commit)
{
	pthread_mutex_lock(&r->mu);
	if (!r->done) {
		r->filled += r->buf[r->filled % NBATCH].n > 0;
		r->commit_asked = commit;
		r->done = true;
		pthread_cond_broadcast(&r->moved);
	}
	pthread_mutex_unlock(&r->mu);
}

static void rows_free(struct plan_rows *r)
{
	stop(r, false);
	if (r->has_projector)
		pthread_join(r->projector, NULL);
	if (r->has_writer)
		pthread_join(r->writer, NULL);
	pthread_cond_destroy(&r->moved);
	pthread_mutex_destroy(&r->mu);
	for (int i = 0; i < NBATCH; i++)
		strpool_release(&r->buf[i].pool);
	free(r->buf);
	free(r);
}

struct plan_rows *plan_rows_start(struct plan_ctx *p, plan_row_fn project,
				  plan_row_fn write, plan_commit_fn commit,
				  struct err *e)
{
	struct plan_rows *r = xcalloc(1, sizeof(*r));
	int err;

	r->p = p;
	r->project = project;
	r->write = write;
	r->commit = commit;
	r->err = (struct err)ERR_INIT;
	r->buf = xcalloc(NBATCH, sizeof(*r->buf));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->moved, NULL);
	err = pthread_create(&r->projector, NULL, project_rows, r);
	r->has_projector = !err;
	if (!err)
		err = pthread_create(&r->writer, NULL, write_rows, r);
	r->has_writer = !err;
	if (!err)
		return r;
	rows_free(r);
	err_set(e, EXIT_SOFTWARE, "cannot start a thread: %s", strerror(err));
	return NULL;
}

/* Planner: queues the filled batch; waits until the next one is free. */
static void hand_over(struct plan_rows *r)
{
	struct row_batch *b;

	pthread_mutex_lock(&r->mu);
	r->filled++;
	pthread_cond_broadcast(&r->moved);
	while (r->filled - r->written == NBATCH)
		pthread_cond_wait(&r->moved, &r->mu);
	pthread_mutex_unlock(&r->mu);
	b = &r->buf[r->filled % NBATCH];
	b->n = 0;
	strpool_reset(&b->pool);
}

struct plan_row *plan_rows_next(struct plan_rows *r)
{
	struct row_batch *b = &r->buf[r->filled % NBATCH];

	if (b->n == BATCH_ROWS) {
		hand_over(r);
		b = &r->buf[r->filled % NBATCH];
	}
	return &b->row[b->n++];
}

const char *plan_rows_keep(struct plan_rows *r, const char *s)
{
	return strpool_dup(&r->buf[r->filled % NBATCH].pool, s);
}

void plan_rows_close(struct plan_rows *r)
{
	stop(r, true);
	pthread_mutex_lock(&r->mu);
	while (!r->projected_all)
		pthread_cond_wait(&r->moved, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

int plan_rows_finish(struct plan_rows *r, struct err *e)
{
	int rc;

	if (!r)
		return 0;
	stop(r, false);
	pthread_join(r->projector, NULL);
	pthread_join(r->writer, NULL);
	r->has_projector = r->has_writer = false;
	rc = r->rc;
	if (rc)
		*e = r->err;
	rows_free(r);
	return rc;
}
