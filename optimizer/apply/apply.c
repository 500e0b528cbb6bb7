/* SPDX-License-Identifier: MIT
 * apply.c: the apply engine: re-reads each row's recovery point or policy,
 * moves points (POST .../move, then its 202 operation polled to the end)
 * and sets tieringPolicies (GET with its ETag, PUT with If-Match),
 * journalling every state change, within ARM's write bucket, --concurrency
 * and --max. Called by apply_run (below); prints nothing.
 *
 * Why a run can be killed at any moment and resumed with the same command
 * without moving a point twice or forgetting one:
 *
 *  - A row's states are journalled, each line fsync'd before the step it
 *    records goes further: "submitting" before the write is sent,
 *    "submitted" with the operation's URL once Azure answered 202, then one
 *    end state: done, skipped, refused, failed or needs_mua_approval. The
 *    journal is bound to the plan's SHA-256, so a resume acts on the same
 *    rows.
 *  - Killed before "submitting" is on disk: nothing was sent; the row
 *    starts afresh.
 *  - Left "submitting": the POST may or may not have reached Azure, and
 *    the move may be running, done or failed. It is not sent again
 *    blindly. The point is re-read first: archived means done (whoever
 *    moved it; never a second move). Otherwise the vault's jobs in
 *    progress are listed ($filter=status eq 'InProgress') and those of a
 *    move of this item are polled to their end (Azure starts one job per
 *    move and a move cannot be restarted while it runs); then the point is
 *    read again: archived is done (with the job's id when exactly one such
 *    job was found), still in Standard means the POST never took effect
 *    and it is sent. A second POST is also harmless at Azure: a move in
 *    progress answers 409 (resolved the same way) and an archived point
 *    400 UserErrorRecoveryPointAlreadyInArchiveTier, which counts as done.
 *  - Left "submitted": the operation is polled, not re-POSTed. An
 *    operation Azure no longer knows (404) is resolved like "submitting".
 *  - Killed after the operation ended but before the end state was on
 *    disk: the resume polls it again and records the same end.
 *  - Killed while writing a line: the line has no newline, was never
 *    acknowledged, and reopening the journal cuts it off; the row is in
 *    its previous state, covered above.
 *  - The HTTP engine retries a POST whose answer was lost (connection
 *    reset, 5xx): the second POST meets the first move (409) or its
 *    result (400 already in Archive), both handled as above.
 *  - Policies: a PUT with If-Match is idempotent. "submitting" is resolved
 *    by re-reading the policy: already set is done, else it is PUT again
 *    with the new ETag. A 412 (the policy changed, or an earlier attempt
 *    whose answer was lost took effect) is re-read and re-checked the same
 *    way before any retry.
 *  - Rows left failed or needs_mua_approval are tried again by the next
 *    run; done, skipped and refused rows never are.
 *
 * Only a few rows are ever "submitting" at once: a write is journalled
 * when a transfer slot and a bucket token are free, so the window between
 * the journal line and the request is short and a resume has little to
 * look for. */
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/base/fileio.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define READ_AHEAD 2          /* rows read ahead per transfer slot */
#define POLL_LIMIT_S 3600.0   /* a row polled longer is left in progress */
#define ACT_OP_READ "Microsoft.RecoveryServices/Vaults/backupFabrics/" \
	"protectionContainers/protectedItems/operationsStatus/read"
#define ACT_POLICY_OP \
	"Microsoft.RecoveryServices/Vaults/backupPolicies/operations/read"

/* ---- small helpers ---- */

const char *apply_or_empty(const char *s)
{
	return s ? s : "";
}

bool apply_interrupted(const struct apply_ctx *a)
{
	return a->o->interrupted && *a->o->interrupted;
}

void apply_leave(struct apply_ctx *a, struct row *r)
{
	apply_set_phase(a, r, PH_END);
	apply_free_work(r);
	if (r->state == RS_NONE)
		r->message = "not started: the run was interrupted";
}

const char *apply_pool(struct apply_ctx *a, const char *s)
{
	return s && *s ? strpool_dup(&a->plan.pool, s) : NULL;
}

static bool prewrite_phase(int ph)
{
	return ph == PH_READ || ph == PH_WAIT_WRITE || ph == PH_RESOLVE;
}

void apply_set_phase(struct apply_ctx *a, struct row *r, int ph)
{
	if (prewrite_phase(r->phase) && !prewrite_phase(ph))
		a->prewrite--;
	else if (!prewrite_phase(r->phase) && prewrite_phase(ph))
		a->prewrite++;
	r->phase = (uint8_t)ph;
}

/* A path under ARM with the characters a URL cannot carry escaped. */
char *apply_url(struct apply_ctx *a, const char *path, const char *api,
		     const char *filter)
{
	struct strbuf sb = STRBUF_INIT;
	char *url;

	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || c == '#' || c == '?' ||
		    c == '"' || c == '<' || c == '>' || c == '\\')
			strbuf_addf(&sb, "%%%02X", c);
		else
			strbuf_addch(&sb, (char)c);
	}
	url = arm_url(&a->arm, sb.buf, api, filter);
	strbuf_release(&sb);
	return url;
}

/* The error code and message of an ARM error body. */
void apply_arm_error(const cJSON *o, const struct http_response *hr,
		      char *code, size_t ncode, char *msg, size_t nmsg)
{
	const char *c = o ? arm_error_code(o) : "";
	const char *m = arm_str(o, "error.message");

	strlcpy_vw(code, c && *c ? c : "", ncode);
	if (m)
		snprintf(msg, nmsg, "%s", m);
	else
		snprintf(msg, nmsg, "HTTP %ld", hr->status);
	if (!code[0])
		snprintf(code, ncode, "HTTP%ld", hr->status);
}

static int pump(struct apply_ctx *a, struct err *e);

/* The ARM errors of a credential that cannot act on the subscription:
 * retrying it, or reading its 404 as "gone", would be wrong. */
static bool identity_error(long status, const char *code)
{
	static const char *const codes[] = {
		"SubscriptionNotFound", "InvalidAuthenticationTokenTenant",
		"InvalidAuthenticationToken", "ExpiredAuthenticationToken",
		"AuthenticationFailed", "InvalidSubscriptionId",
	};

	if (status == 401)
		return true;
	for (size_t k = 0; k < ARRAY_SIZE(codes); k++)
		if (code && str_eq_ci(code, codes[k]))
			return true;
	return false;
}

int apply_identity_refused(struct apply_ctx *a, size_t i, long status,
			   const char *code, const char *message,
			   struct err *e)
{
	struct row *r = row_at(a, i);

	if (!identity_error(status, code))
		return 0;
	if (!a->sum->stopped_denied) {
		a->sum->stopped_denied = true;
		a->sum->wrong_identity = true;
		snprintf(a->sum->denied, sizeof(a->sum->denied),
			 "Azure refused the credential for this subscription "
			 "(HTTP %ld %s: %.300s)",
			 status, code, message);
	}
	a->stop_new = true;
	a->held = "not started: the run stopped when Azure refused the "
		  "credential";
	apply_set_phase(a, r, PH_END);
	apply_free_work(r);
	if (r->state == RS_NONE)
		r->message = a->held;
	return pump(a, e) ? -1 : 1;
}

/* Every answer to apply_submit passes here first. */
static int on_answer(void *ctx, const struct http_response *hr,
		     struct err *e)
{
	struct rq *q = ctx;
	char code[128], msg[MSG_LEN];
	cJSON *o;
	int rc;

	if (hr->status < 400)
		return q->done(ctx, hr, e);
	o = hr->len ? cJSON_ParseWithLength(hr->body, hr->len) : NULL;
	apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
	cJSON_Delete(o);
	rc = apply_identity_refused(q->a, q->i, hr->status, code, msg, e);
	if (rc)
		return rc < 0 ? -1 : 0;
	return q->done(ctx, hr, e);
}

int apply_submit(struct apply_ctx *a, size_t i, const char *method,
		  const char *url, const char *body,
		  const char *const *headers, double delay, const char *what,
		  http_done_fn done, struct err *e)
{
	struct http_request rq = { 0 };

	if (apply_interrupted(a) && strcmp(method, "GET") == 0) {
		apply_leave(a, row_at(a, i));
		return 0;
	}
	rq.method = method;
	rq.url = url;
	rq.body = body;
	rq.content_type = body ? "application/json" : NULL;
	rq.headers = headers;
	rq.auth = true;
	rq.urgent = strcmp(method, "GET") == 0 && delay > 0;
	rq.kind = strcmp(method, "GET") ? HTTP_WRITE : HTTP_READ;
	rq.delay_s = delay;
	rq.what = what;
	rq.done = on_answer;
	rq.ctx = &a->rqs[i];
	a->rqs[i].done = done;
	return http_submit(a->http, &rq, e);
}

/* ---- ending a row ---- */

int apply_journal_row(struct apply_ctx *a, const struct row *r,
		       int state, cJSON *fields, struct err *e)
{
	char key[64];
	int rc;

	if (a->dry) {
		cJSON_Delete(fields);
		return 0;
	}
	apply_row_key(r, key, sizeof(key));
	rc = journal_append(&a->j, key, row_state_names[state], fields, e);
	cJSON_Delete(fields);
	return rc;
}

void apply_free_work(struct row *r)
{
	free(r->op);
	free(r->etag);
	free(r->body);
	for (size_t k = 0; k < r->njobs; k++)
		free(r->jobs[k]);
	free(r->jobs);
	r->op = r->etag = r->body = NULL;
	r->jobs = NULL;
	r->njobs = r->jobi = 0;
}

int apply_end_row(struct apply_ctx *a, size_t i, int state, const char *job,
		   const char *code, const char *msg, struct err *e)
{
	struct row *r = row_at(a, i);
	cJSON *f = cJSON_CreateObject();

	if (job && *job)
		cJSON_AddStringToObject(f, "job", job);
	if (code && *code)
		cJSON_AddStringToObject(f, "code", code);
	if (msg && *msg)
		cJSON_AddStringToObject(f, "message", msg);
	if (apply_journal_row(a, r, state, f, e))
		return -1;
	r->state = (uint8_t)state;
	r->job = apply_pool(a, job);
	r->code = apply_pool(a, code);
	r->message = apply_pool(a, msg);
	apply_set_phase(a, r, PH_END);
	apply_free_work(r);
	if (state == RS_DONE && r->kind == ROW_MOVE)
		a->last_done = http_now();
	return pump(a, e);
}

/* 403 AuthorizationFailed: the row fails, nothing new starts, exit 77. */
int apply_denied(struct apply_ctx *a, size_t i, const char *what,
		  const char *dflt, const char *code, const char *message,
		  struct err *e)
{
	char action[256], msg[MSG_LEN];

	apply_denied_action(message, dflt, action, sizeof(action));
	if (!a->sum->stopped_denied) {
		a->sum->stopped_denied = true;
		snprintf(a->sum->denied, sizeof(a->sum->denied),
			 "Azure denied %s (HTTP 403 %s): the identity lacks "
			 "the RBAC action '%s'",
			 what, code, action);
	}
	a->stop_new = true;
	a->held = "not started: the run stopped when Azure denied an action";
	snprintf(msg, sizeof(msg), "permission denied: needs '%s'", action);
	return apply_end_row(a, i, RS_FAILED, NULL, code, msg, e);
}

int apply_read_failed(struct apply_ctx *a, size_t i, cJSON *o,
		      const struct http_response *hr, const char *what,
		      const char *dflt, const char *gone, struct err *e)
{
	char code[128], msg[MSG_LEN];

	apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
	cJSON_Delete(o);
	if (hr->status == 403)
		return apply_denied(a, i, what, dflt, code, msg, e);
	if (hr->status == 404) {
		row_at(a, i)->why = WHY_GONE;
		return apply_end_row(a, i, RS_SKIPPED, NULL, code, gone, e);
	}
	return apply_end_row(a, i, RS_FAILED, NULL, code, msg, e);
}

int apply_write_forbidden(struct apply_ctx *a, size_t i, const char *what,
			  const char *dflt, const char *code,
			  const char *message, struct err *e)
{
	char text[MSG_LEN];

	if (!apply_is_mua(code, message))
		return apply_denied(a, i, what, dflt, code, message, e);
	snprintf(text, sizeof(text),
		 "multi-user authorization (Resource Guard) blocked %s: %s",
		 what, message);
	return apply_end_row(a, i, RS_MUA, NULL, code, text, e);
}

int apply_wait_write(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	char msg[MSG_LEN];

	if (a->dry)
		return apply_end_row(a, i, RS_READY, NULL, NULL, NULL, e);
	if (r->attempts >= MAX_WRITES) {
		snprintf(msg, sizeof(msg),
			 "gave up after %d attempts in this run; rerun",
			 MAX_WRITES);
		return apply_end_row(a, i, RS_FAILED, NULL, "TooManyAttempts",
				     msg, e);
	}
	apply_set_phase(a, r, PH_WAIT_WRITE);
	a->waiting = grow_array(a->waiting, sizeof(*a->waiting),
				a->nwaiting + 1, &a->waiting_alloc);
	a->waiting[a->nwaiting++] = i;
	return pump(a, e);
}
static int poll_op(struct apply_ctx *a, size_t i, double delay,
		   struct err *e);

/* A 202: journal the operation to poll, then poll it. */
int apply_accepted(struct apply_ctx *a, size_t i,
		    const struct http_response *hr, struct err *e)
{
	struct row *r = row_at(a, i);
	const char *op = hr->async_operation ? hr->async_operation
					     : hr->location;
	cJSON *f;

	if (!op || !url_same_origin(op, a->arm.base)) {
		/* nothing (safe) to follow: look at the result instead */
		r->flags |= ROW_RESOLVE_FIRST;
		return r->kind == ROW_MOVE ? apply_read_point(a, i, e)
					   : apply_read_policy(a, i, e);
	}
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "op", op);
	if (apply_journal_row(a, r, RS_SUBMITTED, f, e))
		return -1;
	r->state = RS_SUBMITTED;
	free(r->op);
	r->op = xstrdup(op);
	r->since = http_now();
	apply_set_phase(a, r, PH_POLL);
	return poll_op(a, i, hr->retry_after >= 0 ? hr->retry_after
						  : a->o->poll_interval_s,
		       e);
}
/* ---- operations ---- */

int apply_done(struct apply_ctx *a, size_t i, const char *job,
			struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_change *c;
	char msg[MSG_LEN], cur[48], prop[48], irp[48] = "";

	if (r->kind == ROW_MOVE) {
		if (job && *job)
			snprintf(msg, sizeof(msg),
				 "moved to Archive (job %s)", job);
		else
			snprintf(msg, sizeof(msg), "moved to Archive");
		return apply_end_row(a, i, RS_DONE, job, NULL, msg, e);
	}
	c = &a->plan.changes[r->ref];
	apply_tiering_text(c->current, c->workload, cur, sizeof(cur));
	apply_tiering_text(c->proposed, c->workload, prop, sizeof(prop));
	if (c->instant_rp_days > 0)
		snprintf(irp, sizeof(irp), "; instant restore %ld days",
			 c->instant_rp_days);
	snprintf(msg, sizeof(msg),
		 "tieringPolicy set to %s (was %s)%s%s%s%s", prop, cur,
		 r->note ? "; retention cut: " : "", apply_or_empty(r->note),
		 irp,
		 r->flags & ROW_HAD_412
			 ? "; re-read and re-checked after HTTP 412"
			 : "");
	return apply_end_row(a, i, RS_DONE, job, NULL, msg, e);
}

/* The operation is unknown to Azure: look at the result instead. */
static int op_lost(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);

	free(r->op);
	r->op = NULL;
	r->flags |= ROW_RESOLVE_FIRST;
	return r->kind == ROW_MOVE ? apply_read_point(a, i, e)
				   : apply_read_policy(a, i, e);
}

static int on_op(void *ctx, const struct http_response *hr, struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	char code[128], msg[MSG_LEN], text[MSG_LEN + 64];
	double next = hr->retry_after >= 0 ? hr->retry_after
					   : a->o->poll_interval_s;
	cJSON *o = hr->len ? cJSON_ParseWithLength(hr->body, hr->len) : NULL;
	const char *status;

	if (hr->status == 200 && !o)
		return HTTP_RETRY;
	if (hr->status == 202) {
		cJSON_Delete(o);
		return poll_op(a, q->i, next, e);
	}
	if (hr->status == 204) {
		cJSON_Delete(o);
		return apply_done(a, q->i, NULL, e);
	}
	if (hr->status != 200) {
		apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
		cJSON_Delete(o);
		if (hr->status == 404)
			return op_lost(a, q->i, e);
		if (hr->status == 403)
			return apply_denied(a, q->i,
					    "reading an operation's status",
					    r->kind == ROW_MOVE ? ACT_OP_READ
								: ACT_POLICY_OP,
					    code, msg, e);
		return apply_end_row(a, q->i, RS_FAILED, NULL, code, msg, e);
	}
	status = arm_str(o, "status");
	if (status && str_eq_ci(status, "InProgress")) {
		cJSON_Delete(o);
		return poll_op(a, q->i, next, e);
	}
	if (!status || str_eq_ci(status, "Succeeded")) {
		char job[128];
		strlcpy_vw(job, apply_or_empty(arm_str(o, "properties.jobId")),
			   sizeof(job));
		cJSON_Delete(o);
		return apply_done(a, q->i, job, e);
	}
	strlcpy_vw(code, arm_str(o, "error.code") ? arm_str(o, "error.code")
						   : status,
		   sizeof(code));
	snprintf(msg, sizeof(msg), "%s",
		 apply_or_empty(arm_str(o, "error.message")));
	cJSON_Delete(o);
	if (apply_already_archived(code))
		return apply_end_row(a, q->i, RS_DONE, NULL, code,
			       "already in Archive (counted as done)", e);
	snprintf(text, sizeof(text), "the operation ended %s%s%s", status,
		 msg[0] ? ": " : "", msg);
	return apply_end_row(a, q->i, RS_FAILED, NULL, code, text, e);
}

static int poll_op(struct apply_ctx *a, size_t i, double delay,
		   struct err *e)
{
	struct row *r = row_at(a, i);

	if (!r->since)
		r->since = http_now();
	if (http_now() - r->since > POLL_LIMIT_S) {
		/* still running: the journal keeps it submitted */
		apply_set_phase(a, r, PH_END);
		r->message =
			apply_pool(a, "still running after an hour of polling; "
				      "rerun to follow it");
		return pump(a, e);
	}
	if (!url_same_origin(r->op, a->arm.base))
		return apply_end_row(a, i, RS_FAILED, NULL, "OperationUrl",
			       "Azure's operation URL leaves the Resource "
			       "Manager endpoint; not followed",
			       e);
	apply_set_phase(a, r, PH_POLL);
	return apply_submit(a, i, "GET", r->op, NULL, NULL, delay,
		      "poll an operation", on_op, e);
}

/* ---- scheduling ---- */

static struct bucket *bucket_for(struct apply_ctx *a, const struct row *r)
{
	const char *id = r->kind == ROW_MOVE ? a->plan.items[r->ref].arm_id
					     : a->plan.changes[r->ref].arm_id;
	char key[48];

	if (arm_id_value(id, "subscriptions", key, sizeof(key)))
		strlcpy_vw(key, "?", sizeof(key));
	for (size_t k = 0; k < a->nbuckets; k++)
		if (strcmp(a->buckets[k].key, key) == 0)
			return &a->buckets[k];
	a->buckets = xrealloc(a->buckets,
			      (a->nbuckets + 1) * sizeof(*a->buckets));
	memset(&a->buckets[a->nbuckets], 0, sizeof(*a->buckets));
	strlcpy_vw(a->buckets[a->nbuckets].key, key, sizeof(key));
	return &a->buckets[a->nbuckets++];
}

static bool max_reached(const struct apply_ctx *a)
{
	return a->o->max_actions >= 0 && a->actions >= a->o->max_actions;
}

static int start_write(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);

	if (!a->first_write)
		a->first_write = http_now();
	if (!r->attempts++)
		a->actions++; /* --max counts rows, not retries of one */
	a->writes++;
	apply_set_phase(a, r, PH_WRITE);
	return r->kind == ROW_MOVE ? apply_post_move(a, i, e)
				   : apply_put_policy(a, i, e);
}

/* Rows that will not be written in this run stay as the journal has
 * them; results call them pending. A row already written in this run
 * (a PUT again after 412) goes on. */
static void hold_waiting(struct apply_ctx *a, const char *why)
{
	size_t kept = 0;

	for (size_t k = 0; k < a->nwaiting; k++) {
		struct row *r = row_at(a, a->waiting[k]);
		if (r->attempts && !apply_interrupted(a)) {
			a->waiting[kept++] = a->waiting[k];
			continue;
		}
		apply_set_phase(a, r, PH_END);
		r->message = apply_pool(a, why);
	}
	a->nwaiting = kept;
}

static bool may_write(const struct apply_ctx *a, const struct row *r)
{
	return r->attempts || !max_reached(a);
}

/* Sends what may be sent: writes first (a free slot and a token of the
 * row's subscription), then reads of the next rows. */
static int start_writes(struct apply_ctx *a, struct err *e)
{
	double now = http_now(), at;
	size_t k = 0;

	a->wake_at = 0;
	while (k < a->nwaiting && a->writes < a->o->concurrency) {
		size_t i = a->waiting[k];
		struct row *r = row_at(a, i);
		if (!may_write(a, r)) {
			k++;
			continue;
		}
		if (!bucket_take(bucket_for(a, r), a->o->bucket_size,
				 a->o->bucket_rate, now, &at)) {
			if (!a->wake_at || at < a->wake_at)
				a->wake_at = at;
			k++;
			continue;
		}
		memmove(&a->waiting[k], &a->waiting[k + 1],
			(a->nwaiting - k - 1) * sizeof(*a->waiting));
		a->nwaiting--;
		if (start_write(a, i, e))
			return -1;
	}
	return 0;
}

static bool startable(const struct apply_ctx *a, const struct row *r)
{
	if (r->phase != PH_IDLE)
		return false;
	switch (r->state) {
	case RS_NONE:
	case RS_FAILED:
	case RS_MUA:
		return true;
	case RS_SUBMITTING:
	case RS_SUBMITTED:
		return !a->dry;
	default:
		return false;
	}
}

static int start_row(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);

	r->attempts = 0;
	if (r->state == RS_SUBMITTED && r->op) {
		apply_set_phase(a, r, PH_POLL);
		return poll_op(a, i, 0, e);
	}
	return r->kind == ROW_MOVE ? apply_read_point(a, i, e)
				   : apply_read_policy(a, i, e);
}

static int pump(struct apply_ctx *a, struct err *e)
{
	int window = READ_AHEAD * a->o->concurrency;

	if (a->failed.code)
		return err_set(e, a->failed.code, "%s", a->failed.msg);
	if (apply_interrupted(a) && !a->stop_new) {
		a->stop_new = true;
		a->held = "not started: the run was interrupted";
	}
	if (apply_interrupted(a) && a->nwaiting)
		hold_waiting(a, a->held);
	if (start_writes(a, e))
		return -1;
	if (max_reached(a) && !a->held)
		a->held = "not started: --max was reached; rerun to go on";
	if (max_reached(a) && a->nwaiting)
		hold_waiting(a, a->held);
	while (!a->stop_new && a->cursor < a->plan.nrows &&
	       a->prewrite < window &&
	       (a->o->max_actions < 0 ||
		a->actions + a->prewrite < a->o->max_actions)) {
		size_t i = a->cursor++;
		if (startable(a, row_at(a, i)) && start_row(a, i, e))
			return -1;
	}
	return 0;
}

/* At most four lines a second, and always the last one (force). */
static void report_progress(struct apply_ctx *a, bool force)
{
	struct apply_progress p = { 0 };
	double now = http_now();

	if (!a->o->progress || (!force && now - a->last_progress < 0.25))
		return;
	a->last_progress = now;
	p.rows = a->total;
	p.elapsed_s = now - a->started;
	for (size_t i = 0; i < a->plan.nrows; i++) {
		const struct row *r = row_at(a, i);
		if (r->phase == PH_IDLE)
			continue;
		if (r->phase == PH_END)
			p.ended++;
		if (r->phase == PH_END && r->state == RS_DONE)
			p.done++;
		if (r->phase == PH_POLL)
			p.inflight++;
	}
	if (p.ended > p.rows)
		p.ended = p.rows;
	p.eta_s = p.ended ? p.elapsed_s * (double)(p.rows - p.ended) /
				    (double)p.ended
			  : -1;
	http_get_stats(a->http, &p.http);
	a->o->progress(a->o->progress_ctx, &p);
}

static void on_tick(void *ctx)
{
	struct apply_ctx *a = ctx;
	struct err e = ERR_INIT;

	if (!a->failed.code && pump(a, &e))
		a->failed = e;
	report_progress(a, false);
}

static void sleep_until(double t)
{
	double d = t - http_now();
	struct timespec ts;

	if (d <= 0)
		return;
	if (d > 1)
		d = 1;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static bool http_busy(struct apply_ctx *a)
{
	struct http_stats st;

	http_get_stats(a->http, &st);
	return st.queued || st.inflight;
}

/* Runs until every row that can go is done (or the run stops). */
static int run_rows(struct apply_ctx *a, struct err *e)
{
	a->started = http_now();
	for (size_t i = 0; i < a->plan.nrows; i++)
		a->total += startable(a, row_at(a, i));
	for (;;) {
		if (pump(a, e))
			return -1;
		if (http_busy(a)) {
			if (http_run(a->http, e))
				return -1;
			if (a->failed.code)
				return err_set(e, a->failed.code, "%s",
					       a->failed.msg);
			continue;
		}
		if (a->nwaiting && a->wake_at) {
			sleep_until(a->wake_at);
			continue;
		}
		report_progress(a, true);
		return 0;
	}
}

/* ---- set-up, summary ---- */

static int connect_azure(struct apply_ctx *a, struct err *e)
{
	struct http_config cfg;
	struct http_auth hook;

	if (cloud_resolve(&a->cloud, &a->o->cloud, e))
		return -1;
	http_config_init(&cfg);
	cfg.concurrency = a->o->concurrency;
	cfg.ca_bundle = a->cloud.ca_bundle;
	cfg.retry_budget_s = a->o->retry_budget_s;
	cfg.write_rate = a->o->bucket_rate;
	a->auth = auth_new(&a->cloud, &cfg, e);
	if (!a->auth)
		return -1;
	hook = auth_hook(a->auth);
	a->http = http_client_new(&cfg, &hook);
	http_set_tick(a->http, on_tick, a);
	a->arm.http = a->http;
	a->arm.base = a->cloud.arm;
	return 0;
}

static void count_outcomes(struct apply_ctx *a)
{
	struct apply_summary *s = a->sum;

	for (size_t i = 0; i < a->plan.nrows; i++) {
		const struct row *r = row_at(a, i);
		enum apply_outcome oc = apply_row_outcome(r);
		long *by = r->kind == ROW_MOVE ? s->moves : s->policies;

		by[oc]++;
		if (r->kind == ROW_MOVE && oc == AO_DONE && r->message &&
		    str_starts_with(r->message, "already in Archive"))
			s->already_archived++;
		if (a->dry && r->phase == PH_END && r->state != RS_READY &&
		    r->why < WHY_COUNT)
			s->why_counts[r->why]++;
	}
}

static void finish_summary(struct apply_ctx *a)
{
	struct apply_summary *s = a->sum;
	struct http_stats st;

	for (size_t i = 0; i < a->plan.nrows; i++) {
		struct row *r = row_at(a, i);
		if (r->phase == PH_IDLE && r->state == RS_NONE && a->held)
			r->message = a->held;
	}
	count_outcomes(a);
	s->actions = a->actions;
	if (a->first_write && a->last_done > a->first_write)
		s->write_phase_s = a->last_done - a->first_write;
	for (size_t i = 0; i < a->plan.nrows; i++) {
		const struct row *r = row_at(a, i);
		if (r->kind == ROW_MOVE && r->phase == PH_END &&
		    r->state == RS_DONE)
			s->moved_now++;
	}
	if (a->http) {
		http_get_stats(a->http, &st);
		s->requests = st.requests;
		s->retries = st.retries;
		s->throttled = st.throttled;
		s->elapsed_s = st.elapsed_s;
	}
	if (a->auth)
		strlcpy_vw(s->credential, auth_source(a->auth),
			   sizeof(s->credential));
}

static void teardown(struct apply_ctx *a)
{
	http_client_free(a->http);
	auth_free(a->auth);
	cloud_release(&a->cloud);
	if (a->jopen)
		journal_close(&a->j);
	apply_plan_release(&a->plan);
	apply_jstates_release(&a->js);
	free(a->rqs);
	free(a->buckets);
	free(a->waiting);
}

void apply_options_init(struct apply_options *o)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = 8;
	o->max_actions = -1;
	o->bucket_size = 200;
	o->bucket_rate = 10;
	o->poll_interval_s = 5;
	o->retry_budget_s = 300;
	o->now = TIME_NONE;
}

static void fill_plan_summary(struct apply_ctx *a)
{
	struct apply_summary *s = a->sum;

	strlcpy_vw(s->currency, a->plan.currency, sizeof(s->currency));
	s->plan_as_of = a->plan.as_of;
	s->horizon_months = a->plan.horizon_months;
	s->net_of_restores = a->plan.net_of_restores;
	s->moves_later = a->plan.moves_later;
	s->merged = a->plan.merged;
	s->out_of_scope = a->plan.out_of_scope;
	apply_plan_groups(&a->plan, s);
}

static int open_journal(struct apply_ctx *a, struct err *e)
{
	if (a->js.exists && a->js.plan[0] &&
	    strcmp(a->js.plan, a->plan.sha) != 0)
		return err_set(e, EXIT_DATAERR,
			       "journal '%s' belongs to another plan (the plan "
			       "changed since it was started): use a new "
			       "--journal or restore that plan",
			       a->sum->journal_path);
	if (journal_open(&a->j, a->sum->journal_path, a->plan.sha, e))
		return -1;
	a->jopen = true;
	return 0;
}

/* The run left rows to do because Azure failed for good: exit 75, with
 * the reason kept. */
static int stopped(struct apply_ctx *a, struct err *e)
{
	long left = 0;

	for (size_t i = 0; i < a->plan.nrows; i++) {
		enum apply_outcome oc = apply_row_outcome(row_at(a, i));
		left += oc == AO_PENDING || oc == AO_IN_PROGRESS ||
			oc == AO_FAILED;
	}
	if (e->code == EXIT_UNAVAILABLE && left) {
		char msg[sizeof(e->msg)];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		err_clear(e);
		err_set(e, EXIT_TEMPFAIL,
			"%s; %ld row%s left: rerun the same command to "
			"resume",
			msg, left, left == 1 ? "" : "s");
	}
	return -1;
}

int apply_run(const struct apply_options *o, struct apply_summary *sum,
	      struct err *e)
{
	struct apply_ctx a;
	int rc = -1, lock_fd = -1;

	memset(&a, 0, sizeof(a));
	memset(sum, 0, sizeof(*sum));
	sum->plan_as_of = TIME_NONE;
	a.o = o;
	a.sum = sum;
	a.dry = !o->yes;
	a.now = o->now != TIME_NONE ? o->now : (int64_t)time(NULL);
	sum->journal_path = o->journal ? xstrdup(o->journal)
				       : path_join(o->plan_dir, APPLY_JOURNAL);
	sum->results_path = path_join(o->plan_dir, APPLY_RESULTS);
	/* one run writes a plan's journal at a time; taken before the
	 * journal is read, so that a second run never acts on it */
	if (o->yes && access(o->plan_dir, F_OK) == 0 &&
	    apply_lock_take(o->plan_dir, "rerun the same command", &lock_fd,
			    e))
		goto done;
	if (apply_jstates_load(&a.js, sum->journal_path, e) ||
	    apply_plan_load(&a.plan, o->plan_dir, a.now, &a.js, o->scope, e))
		goto done;
	fill_plan_summary(&a);
	a.online = o->yes || (!o->offline && auth_configured());
	sum->reread = a.dry && a.online;
	if (!a.online) {
		count_outcomes(&a);
		rc = 0;
		goto what_if;
	}
	if (!a.dry && open_journal(&a, e))
		goto done;
	a.rqs = xcalloc(a.plan.nrows + 1, sizeof(*a.rqs));
	for (size_t i = 0; i < a.plan.nrows; i++)
		a.rqs[i] = (struct rq){ &a, i, NULL };
	if (connect_azure(&a, e) || run_rows(&a, e))
		rc = stopped(&a, e);
	else
		rc = 0;
	finish_summary(&a);
	if (!a.dry) {
		struct err we = ERR_INIT;
		if (apply_results_write(&a.plan, a.jopen ? &a.j : NULL,
					sum->results_path, &we) &&
		    rc == 0) {
			*e = we;
			rc = -1;
		}
	}
what_if:
	if (rc == 0 && a.dry && o->what_if &&
	    apply_whatif_write(&a.plan, a.now, o->what_if, e))
		rc = -1;
done:
	teardown(&a);
	apply_lock_release(lock_fd);
	return rc;
}

int apply_exit_status(const struct apply_summary *s)
{
	if (s->stopped_denied)
		return EXIT_NOPERM;
	for (int k = 0; k < 2; k++) {
		const long *by = k ? s->policies : s->moves;
		if (by[AO_FAILED] || by[AO_MUA] || by[AO_IN_PROGRESS] ||
		    by[AO_PENDING])
			return EXIT_TEMPFAIL;
	}
	return EXIT_OK;
}

void apply_summary_release(struct apply_summary *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		free(s->groups[i].vault_name);
		free(s->groups[i].policy_name);
		free(s->groups[i].change);
	}
	free(s->groups);
	free(s->journal_path);
	free(s->results_path);
	memset(s, 0, sizeof(*s));
}

/* ---- --verify-journal ---- */

struct verify {
	struct strmap index;
	struct strpool pool;
	uint8_t *state;
	size_t n, alloc;
};

static int verify_entry(void *ctx, size_t line, const cJSON *o,
			struct err *e)
{
	struct verify *v = ctx;
	const cJSON *row = cJSON_GetObjectItemCaseSensitive(o, "row");
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(o, "state");
	int st = cJSON_IsString(state) ? row_state_parse(state->valuestring)
				       : -1;
	size_t i;

	if (!cJSON_IsString(row) || st < 0)
		return err_set(e, EXIT_DATAERR,
			       "journal line %zu: expected a 'row' and a known "
			       "'state'",
			       line);
	if (strmap_get(&v->index, row->valuestring, &i)) {
		v->state = grow_array(v->state, 1, v->n + 1, &v->alloc);
		i = v->n++;
		strmap_put(&v->index, strpool_dup(&v->pool, row->valuestring),
			   i);
	}
	v->state[i] = (uint8_t)st;
	return 0;
}

/* The anchor apply_results.csv keeps beside the journal (when the journal
 * is a plan directory's own, apply.journal). */
static int check_results_anchor(const char *path,
				struct apply_journal_info *out,
				struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path))
			  : xstrdup(".");
	char *results = path_join(dir, APPLY_RESULTS), *desc;
	struct journal_head h;
	int rc = 0;

	if (strcmp(slash ? slash + 1 : path, APPLY_JOURNAL) == 0 &&
	    access(results, F_OK) == 0) {
		rc = apply_results_anchor(results, &h, e);
		if (rc == 0) {
			desc = xasprintf("%s (%s)", APPLY_RESULTS, results);
			rc = journal_check_anchor(path, &h, desc, e);
			free(desc);
			out->results_anchored = rc == 0;
		}
		rc = rc < 0 ? -1 : 0;
	}
	free(results);
	free(dir);
	return rc;
}

int apply_verify_journal(const char *path, struct apply_journal_info *out,
			 struct err *e)
{
	struct verify v = { STRMAP_INIT, STRPOOL_INIT, NULL, 0, 0 };
	struct journal_check chk;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = journal_read(path, verify_entry, &v, &chk, e);
	if (rc == 0)
		rc = check_results_anchor(path, out, e);
	if (rc == 0) {
		out->lines = chk.lines;
		out->rows = v.n;
		out->incomplete_tail = chk.incomplete_tail;
		out->anchored = chk.anchored;
		strlcpy_vw(out->plan, chk.plan, sizeof(out->plan));
		for (size_t i = 0; i < v.n; i++)
			out->states[v.state[i]]++;
	}
	free(v.state);
	strmap_release(&v.index);
	strpool_release(&v.pool);
	return rc;
}

const char *apply_journal_state_name(int i)
{
	return i > RS_NONE && i < RS_READY ? row_state_names[i] : NULL;
}
