/* SPDX-License-Identifier: MIT
 * apply_move.c: one recovery point's move to Archive, for the apply engine
 * (apply.c): the point re-read and checked against the plan, the POST,
 * Azure's refusals sorted into done (already in Archive), skipped,
 * needs_mua_approval and denied; and an interrupted move resolved through
 * the item's move jobs in progress (why that is safe: apply.c's header).
 * Prints nothing. */
#include <strings.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/util.h"

#define ACT_RP_READ "Microsoft.RecoveryServices/Vaults/backupFabrics/" \
	"protectionContainers/protectedItems/recoveryPoints/read"
#define ACT_MOVE "Microsoft.RecoveryServices/Vaults/backupFabrics/" \
	"protectionContainers/protectedItems/recoveryPoints/move/action"
#define ACT_JOBS "Microsoft.RecoveryServices/Vaults/backupJobs/read"

#define MOVE_BODY                                                    \
	"{\"objectType\":\"MoveRPAcrossTiersRequest\",\"sourceTierType\":" \
	"\"HardenedRP\",\"targetTierType\":\"ArchivedRP\"}"

static int resolve(struct apply_ctx *a, size_t i, struct err *e);



static int on_point(void *ctx, const struct http_response *hr,
		    struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	char msg[MSG_LEN];
	const char *c;
	cJSON *o = cJSON_ParseWithLength(hr->body, hr->len);
	int st, why = WHY_OTHER, rc;

	if (hr->status == 200 && !o)
		return HTTP_RETRY;
	if (hr->status != 200)
		return apply_read_failed(a, q->i, o, hr,
					 "reading a recovery point", ACT_RP_READ,
					 "the recovery point is no longer in "
					 "Azure (expired or deleted since the "
					 "plan)",
					 e);
	st = apply_check_point(r, o, a->now, &why, &c, msg, sizeof(msg));
	cJSON_Delete(o);
	r->why = (uint8_t)why;
	if (st == RS_DONE) {
		if (r->flags & (ROW_RESOLVE_FIRST | ROW_RESOLVED))
			snprintf(msg, sizeof(msg),
				 "moved to Archive (%s%s%sfound archived when "
				 "the interrupted move was looked for)",
				 r->job ? "job " : "", apply_or_empty(r->job),
				 r->job ? "; " : "");
		return apply_end_row(a, q->i, RS_DONE, r->job, "", msg, e);
	}
	if (r->flags & ROW_RESOLVE_FIRST) {
		r->flags = (uint8_t)((r->flags & ~ROW_RESOLVE_FIRST) |
				     ROW_RESOLVED);
		return resolve(a, q->i, e);
	}
	if (st == RS_SKIPPED)
		return apply_end_row(a, q->i, RS_SKIPPED, NULL, c, msg, e);
	rc = apply_wait_write(a, q->i, e);
	return rc;
}

int apply_read_point(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_item *it = &a->plan.items[r->ref];
	char *path = xasprintf("%s/recoveryPoints/%s", it->arm_id, r->rp_id);
	char *url = apply_url(a, path, ARM_API_BACKUP, NULL);
	int rc;

	apply_set_phase(a, r, PH_READ);
	rc = apply_submit(a, i, "GET", url, NULL, NULL, 0,
			  "read a recovery point", on_point, e);
	free(url);
	free(path);
	return rc;
}



static int on_post(void *ctx, const struct http_response *hr,
		   struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	char code[128], msg[MSG_LEN], text[MSG_LEN + 160];
	cJSON *o = NULL;

	if (hr->status >= 400) {
		o = cJSON_ParseWithLength(hr->body, hr->len);
		if (!o && hr->status < 500)
			return HTTP_RETRY; /* a refusal we cannot read */
	}
	a->writes--;
	if (hr->status == 202) {
		cJSON_Delete(o);
		return apply_accepted(a, q->i, hr, e);
	}
	if (hr->status >= 200 && hr->status < 300)
		return apply_end_row(a, q->i, RS_DONE, NULL, NULL,
			       "moved to Archive", e);
	apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
	cJSON_Delete(o);
	if (apply_already_archived(code)) {
		r->why = WHY_ARCHIVED;
		return apply_end_row(a, q->i, RS_DONE, r->job, code,
			       "already in Archive (Azure said so; counted "
			       "as done)",
			       e);
	}
	if (hr->status == 409) {
		r->flags |= ROW_RESOLVED;
		return resolve(a, q->i, e);
	}
	if (hr->status == 403)
		return apply_write_forbidden(a, q->i, "a move to Archive",
					     ACT_MOVE, code, msg, e);
	if (hr->status == 404 || hr->status == 400) {
		r->why = hr->status == 404 ? WHY_GONE : WHY_OTHER;
		snprintf(text, sizeof(text), "Azure refused the move: %s", msg);
		return apply_end_row(a, q->i, RS_SKIPPED, NULL, code, text, e);
	}
	return apply_end_row(a, q->i, RS_FAILED, NULL, code, msg, e);
}

int apply_post_move(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_item *it = &a->plan.items[r->ref];
	char *path = xasprintf("%s/recoveryPoints/%s/move", it->arm_id,
			       r->rp_id);
	char *url = apply_url(a, path, ARM_API_BACKUP, NULL);
	cJSON *f = cJSON_CreateObject();
	int rc = -1;

	cJSON_AddStringToObject(f, "rp", r->rp_id);
	cJSON_AddStringToObject(f, "item", it->arm_id);
	if (apply_journal_row(a, r, RS_SUBMITTING, f, e))
		goto done;
	r->state = RS_SUBMITTING;
	rc = apply_submit(a, i, "POST", url, MOVE_BODY, NULL, 0,
		    "move a recovery point to Archive", on_post, e);
done:
	free(url);
	free(path);
	return rc;
}

/* ---- an interrupted move's job ---- */

static int poll_job(struct apply_ctx *a, size_t i, double delay,
		    struct err *e);

static bool job_claimed(struct apply_ctx *a, const struct row *r,
			const char *job)
{
	for (size_t k = 0; k < a->plan.nrows; k++) {
		const struct row *o = row_at(a, k);
		if (o != r && o->kind == ROW_MOVE && o->ref == r->ref &&
		    o->job && strcmp(o->job, job) == 0)
			return true;
	}
	return false;
}

/* The item's moves that were in progress have ended: the one no other
 * row has claimed is this row's, when there is exactly one. */
static int jobs_settled(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const char *mine = NULL;
	size_t unclaimed = 0;

	for (size_t k = 0; k < r->njobs; k++)
		if (!job_claimed(a, r, r->jobs[k])) {
			mine = r->jobs[k];
			unclaimed++;
		}
	if (unclaimed == 1 && !r->job)
		r->job = apply_pool(a, mine);
	return apply_read_point(a, i, e);
}

static int on_job(void *ctx, const struct http_response *hr, struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	cJSON *o = cJSON_ParseWithLength(hr->body, hr->len);
	const char *status;
	char code[128], msg[MSG_LEN];

	if (hr->status == 200 && !o)
		return HTTP_RETRY;
	if (hr->status == 403) {
		apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
		cJSON_Delete(o);
		return apply_denied(a, q->i, "reading a backup job", ACT_JOBS,
				    code, msg, e);
	}
	status = hr->status == 200 ? arm_str(o, "properties.status") : NULL;
	if (status && str_eq_ci(status, "InProgress")) {
		cJSON_Delete(o);
		return poll_job(a, q->i, a->o->poll_interval_s, e);
	}
	cJSON_Delete(o);
	r->jobi++;
	if (r->jobi < r->njobs)
		return poll_job(a, q->i, 0, e);
	return jobs_settled(a, q->i, e);
}

static int poll_job(struct apply_ctx *a, size_t i, double delay,
		    struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_item *it = &a->plan.items[r->ref];
	char *path = xasprintf("%s/backupJobs/%s", it->vault_arm,
			       r->jobs[r->jobi]);
	char *url = apply_url(a, path, ARM_API_BACKUP, NULL);
	int rc;

	rc = apply_submit(a, i, "GET", url, NULL, NULL, delay,
			  "read a backup job", on_job, e);
	free(url);
	free(path);
	return rc;
}

/* Case-insensitive substring (ASCII). */
static bool has_ci(const char *s, const char *needle)
{
	size_t k = strlen(needle);

	for (; s && *s; s++)
		if (strncasecmp(s, needle, k) == 0)
			return true;
	return false;
}

static int on_job_item(void *ctx, const cJSON *job, struct err *e)
{
	struct rq *q = ctx;
	struct row *r = row_at(q->a, q->i);
	const struct apply_item *it = &q->a->plan.items[r->ref];
	const char *name = arm_str(job, "name");
	const char *entity = arm_str(job, "properties.entityFriendlyName");
	const char *op = arm_str(job, "properties.operation");

	(void)e;
	/* the job of a move of this item (Azure's operation name for it is
	 * not documented: anything with "move" in it) */
	if (!name || !entity || !arm_job_names(entity, it->name) ||
	    !has_ci(op, "move"))
		return 0;
	r->jobs = xrealloc(r->jobs, (r->njobs + 1) * sizeof(*r->jobs));
	r->jobs[r->njobs++] = xstrdup(name);
	return 0;
}

static int on_jobs_end(void *ctx, const struct arm_reply *rep,
		       struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	char msg[MSG_LEN];
	int rc = apply_identity_refused(
		a, q->i, rep->status, rep->code,
		apply_or_empty(arm_str(rep->body, "error.message")), e);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (rep->status == 403)
		return apply_denied(
			a, q->i, "listing backup jobs", ACT_JOBS, rep->code,
			apply_or_empty(arm_str(rep->body, "error.message")), e);
	if (rep->status != 200) {
		snprintf(msg, sizeof(msg),
			 "could not look for the job of the interrupted move "
			 "(HTTP %ld); rerun",
			 rep->status);
		return apply_end_row(a, q->i, RS_FAILED, NULL, rep->code, msg,
				     e);
	}
	if (row_at(a, q->i)->njobs == 0)
		return jobs_settled(a, q->i, e);
	return poll_job(a, q->i, 0, e);
}

/* Waits for this item's moves in progress to end, then reads the point
 * again. */
static int resolve(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_item *it = &a->plan.items[r->ref];
	struct arm_list_spec s = { 0 };
	char *path;
	int rc;

	if (apply_interrupted(a)) {
		apply_leave(a, r);
		return 0;
	}
	path = xasprintf("%s/backupJobs", it->vault_arm);
	apply_free_work(r);
	apply_set_phase(a, r, PH_RESOLVE);
	s.url = apply_url(a, path, ARM_API_BACKUP, "status eq 'InProgress'");
	s.what = "list backup jobs in progress";
	s.item = on_job_item;
	s.end = on_jobs_end;
	s.ctx = &a->rqs[i];
	s.urgent = true;
	rc = arm_list(&a->arm, &s, e);
	free((char *)s.url);
	free(path);
	return rc;
}

