/* SPDX-License-Identifier: MIT
 * export_since.c: export --since PREVIOUS_SNAPSHOT. A job that had ended
 * when the previous snapshot was exported has the same details now: its
 * restored point, source tier and data size are taken from that
 * snapshot's jobs.csv instead of one GET per job, when Azure lists the
 * job with the same ending status. On-demand backups are still read (the
 * expiry of their point is in no snapshot column). Never prints. */
#include <stdio.h>
#include <string.h>

#include "optimizer/export/export_int.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/util.h"

/* Statuses after which Azure changes nothing about a job. */
static bool job_ended(const char *status)
{
	static const char *const ended[] = { "Completed", "Failed",
					     "CompletedWithWarnings",
					     "Cancelled" };

	for (size_t i = 0; i < ARRAY_SIZE(ended); i++)
		if (str_eq_ci(status, ended[i]))
			return true;
	return false;
}

/* "vault_id/job_id" into buf; false when it does not fit. */
static bool job_key(char buf[256], const char *vault_id, const char *job_id)
{
	return (size_t)snprintf(buf, 256, "%s/%s", vault_id, job_id) < 256;
}

static int keep_job(void *ctx, const struct item *it, const struct job *j,
		    struct err *e)
{
	struct ex *x = ctx;
	struct job *copy;
	char key[256];

	(void)it;
	(void)e;
	if (!job_ended(j->status) || !job_key(key, j->vault_id, j->job_id))
		return 0;
	x->prev_jobs = grow_array(x->prev_jobs, sizeof(*x->prev_jobs),
				  x->nprev_jobs + 1, &x->aprev_jobs);
	copy = &x->prev_jobs[x->nprev_jobs];
	copy->status = strpool_dup(&x->pool, j->status);
	copy->source_tier = strpool_dup(&x->pool, j->source_tier);
	copy->rp_time = j->rp_time;
	copy->data_gb = j->data_gb;
	if (strmap_put(&x->prev_job_ids, strpool_dup(&x->pool, key),
		       x->nprev_jobs) == 0)
		x->nprev_jobs++;
	return 0;
}

int ex_since_load(struct ex *x, const char *dir, struct err *e)
{
	struct snapshot s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (snapshot_open(&s, dir, e))
		return -1;
	rc = snapshot_each_job(&s, keep_job, x, e);
	snapshot_release(&s);
	return rc;
}

bool ex_since_details(struct ex *x, const char *vault_id, struct job *j)
{
	size_t idx;
	const struct job *p;
	char key[256];

	if (!x->nprev_jobs || !job_ended(j->status) ||
	    !job_key(key, vault_id, j->job_id) ||
	    strmap_get(&x->prev_job_ids, key, &idx))
		return false;
	p = &x->prev_jobs[idx];
	if (!str_eq_ci(p->status, j->status))
		return false;
	j->rp_time = p->rp_time;
	j->source_tier = p->source_tier;
	j->data_gb = p->data_gb;
	x->reused++;
	return true;
}
