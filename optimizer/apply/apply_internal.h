/* SPDX-License-Identifier: MIT
 * apply_internal.h: what apply's files share: the rows of the plan that
 * are acted on (apply_plan.c reads them, and the journal's latest state of
 * each), the engine's state (apply.c), the checks of a re-read recovery
 * point and of a policy (apply_check.c), the policy bodies
 * (apply_policy.c) and the results file (apply_results.c). The pure
 * functions are exposed for the unit tests. Not for other callers. */
#ifndef VW_APPLY_INTERNAL_H
#define VW_APPLY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "optimizer/apply/apply.h"
#include "optimizer/azure/arm.h"
#include "optimizer/azure/auth.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/azure/http.h"
#include "optimizer/apply/journal.h"
#include "optimizer/snapshot/plan_scope.h"
#include "optimizer/base/strpool.h"

/* The journal's states of a row, in the order a row goes through them.
 * RS_READY is the dry run's "would act" and never journalled. */
enum row_state {
	RS_NONE, RS_SUBMITTING, RS_SUBMITTED, RS_DONE, RS_SKIPPED,
	RS_REFUSED, RS_FAILED, RS_MUA, RS_READY, RS_COUNT
};
extern const char *const row_state_names[RS_COUNT];
int row_state_parse(const char *name);

/* Where a row is in this run (never journalled). */
enum phase {
	PH_IDLE, PH_READ, PH_WAIT_WRITE, PH_WRITE, PH_POLL, PH_RESOLVE,
	PH_END
};

enum row_kind { ROW_MOVE, ROW_POLICY };

/* Why a dry run would skip a point (apply_summary.why_counts). */
enum why {
	WHY_ARCHIVED, WHY_NOT_READY, WHY_EXPIRED, WHY_CHANGED, WHY_GONE,
	WHY_OTHER, WHY_COUNT
};
extern const char *const why_names[WHY_COUNT];

#define ROW_RESOLVE_FIRST 1u  /* journal left it "submitting" */
#define ROW_RESOLVED 2u       /* its interrupted move was looked for */
#define ROW_HAD_412 4u        /* a PUT met a changed policy */

struct apply_item {
	const char *arm_id, *item_id, *name, *workload;
	const char *vault_id, *vault_name, *policy_id, *policy_name;
	char *vault_arm;           /* the item's vault (prefix of arm_id) */
};

/* A tieringPolicy setting: mode (enum tiering_mode) and days for
 * TierAfter. */
struct tiering {
	int mode;
	int days;
};

/* The retention rules a crafted change may set (-1: unchanged). */
enum keep { KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_YEARLY, KEEP_N };

struct apply_change {
	const char *policy_id, *vault_id, *vault_name, *policy_name;
	const char *arm_id, *vault_arm;
	int workload;              /* enum workload */
	struct tiering current, proposed;
	int proposed_duration;     /* as the plan states it */
	const char *duration_type; /* "Months", "Days" or "" */
	long keep[KEEP_N];         /* proposed counts, -1: unchanged */
	long instant_rp_days;      /* proposed instant restore (VM), 1 to
				      30 days; 0: unchanged */
	long min_days;             /* a target's min_retention_days the
				      daily count keeps to; 0: none */
	double saving;
};

struct row {
	uint32_t line;             /* in plan.csv or policy_changes.csv */
	uint32_t ref;              /* item (moves) or change (policies) */
	uint8_t kind, state, phase, flags, attempts, why;
	const char *rp_id;
	int64_t rp_time, expiry;   /* as the plan saw the point */
	double since;              /* first poll of its operation */
	int8_t tier;
	double saving;
	double after_month;        /* the point's Archive cost per month */
	double full_gb;            /* the point's size once archived */
	const char *job, *code, *message;   /* the outcome (pooled) */
	const char *note;          /* a policy's retention cuts (pooled) */
	char *op;                  /* URL polled while submitted */
	char *etag, *body;         /* a policy's If-Match and PUT body */
	char **jobs;               /* move jobs that may be this row's */
	size_t njobs, jobi;
};

struct apply_plan {
	struct strpool pool;
	struct apply_item *items;
	size_t nitems, items_alloc;
	struct strmap item_index;  /* item_id -> items[] (items.csv) */
	const char **vault_tags;   /* vault_tags.csv's tags, by vault */
	size_t nvault_tags, vault_tags_alloc;
	struct strmap vault_index; /* vault_id -> vault_tags[] */
	struct apply_change *changes;
	size_t nchanges, changes_alloc;
	struct row *rows;          /* policy changes first, then moves */
	size_t nrows, rows_alloc;
	char sha[65];              /* of plan.csv and policy_changes.csv */
	char currency[8];
	int64_t as_of;
	int horizon_months;
	bool net_of_restores;  /* plan.json method "model" or "prior" */
	const char *snapshot;  /* plan.json's (pooled), or NULL */
	long moves_later;
	long merged;               /* plan.csv rows naming a point again */
	long out_of_scope;         /* rows left out by apply's scope */
};

/* The latest journal state of a row, as the journal left it. */
struct jentry {
	const char *key;           /* "plan.csv:17" (pooled) */
	uint8_t state;
	const char *op, *job, *code, *message; /* pooled or NULL */
};

struct jstates {
	struct strpool pool;
	struct jentry *v;
	size_t n, alloc;
	struct strmap index;       /* key -> v[] */
	bool exists;
	char plan[65];
};

/* ---- apply_plan.c ---- */
int apply_jstates_load(struct jstates *js, const char *path,
		       struct err *e);
void apply_jstates_release(struct jstates *js);
const struct jentry *apply_jstate(const struct jstates *js,
				  const char *file, uint32_t line);
/* The rows of the plan in dir to act on at time now: due, or named by
 * the journal, and in scope (NULL: all). */
int apply_plan_load(struct apply_plan *p, const char *dir, int64_t now,
		    const struct jstates *js, const struct scope *scope,
		    struct err *e);
void apply_plan_release(struct apply_plan *p);
void apply_row_key(const struct row *r, char *out, size_t n);
void apply_plan_groups(const struct apply_plan *p,
		       struct apply_summary *sum);

/* apply_check.c: a re-read point against the plan. Returns RS_NONE when
 * the move may go ahead, else RS_DONE (already archived) or RS_SKIPPED
 * with *why, the code and a message in msg. */
int apply_check_point(const struct row *r, const cJSON *point, int64_t now,
		      int *why, const char **code, char *msg, size_t n);
/* A move's tier label from its re-read point (enum rp_tier), -1 when
 * none is valid. */
int apply_point_tier(const cJSON *point);
/* Azure's answer to a move of an archived point. */
bool apply_already_archived(const char *code);
/* True for an ARM error that multi-user authorization raises. */
bool apply_is_mua(const char *code, const char *message);
/* The RBAC action an AuthorizationFailed message names, else dflt. */
void apply_denied_action(const char *message, const char *dflt,
			 char *out, size_t n);

/* apply_policy.c */
struct tiering apply_tiering_of(const cJSON *props, int workload);
void apply_tiering_text(struct tiering t, int workload, char *out,
			size_t n);
/* A copy of props with the change's tieringPolicy and retention; NULL
 * with msg set when the change cannot be made (a schedule it sets is
 * absent). Caller frees with cJSON_Delete. */
cJSON *apply_policy_props(const cJSON *props,
			  const struct apply_change *c, char *msg,
			  size_t n);
/* A VM policy's instantRpRetentionRangeInDays, -1 when it has none. */
int apply_instant_rp_of(const cJSON *props);
/* The most instant-restore days Azure allows the policy (5 Standard, 30
 * Enhanced: policyType V2). */
int apply_instant_rp_max(const cJSON *props);
/* Whether after keeps less than before in any rule: a description of
 * the cuts ("weekly 364 -> 182 days") in out, true when there is one. */
bool apply_retention_reduced(const cJSON *before, const cJSON *after,
			     char *out, size_t n);

/* apply_whatif.c: the dry run's writes as a CSV (apply --what-if). */
int apply_whatif_write(const struct apply_plan *p, int64_t now,
		       const char *path, struct err *e);

/* apply_results.c */
/* Writes the results; j (may be NULL) is the journal as it stands, whose
 * line count and last SHA-256 each row carries, an anchor kept outside
 * it. */
int apply_results_write(const struct apply_plan *p, const struct journal *j,
			const char *path, struct err *e);
/* That anchor from a results file: 0, 1 when it has none (an older
 * vaultwise, or no journal), -1 when it cannot be read. */
int apply_results_anchor(const char *path, struct journal_head *h,
			 struct err *e);
enum apply_outcome apply_row_outcome(const struct row *r);
const char *apply_row_message(const struct row *r);

/* ---- the engine (apply.c) and its flows (apply_move.c,
 * apply_change.c) ---- */

#define MAX_WRITES 3          /* writes of one row in one run */
#define MSG_LEN 512

struct apply_ctx;

/* The callback context of a row's one outstanding request. */
struct rq {
	struct apply_ctx *a;
	size_t i;
	http_done_fn done;         /* the flow's callback (apply_submit) */
};

struct apply_ctx {
	const struct apply_options *o;
	struct apply_summary *sum;
	struct apply_plan plan;
	struct jstates js;
	struct journal j;
	bool jopen, dry, online;
	int64_t now;
	struct cloud cloud;
	struct auth *auth;
	struct http_client *http;
	struct arm arm;
	struct rq *rqs;              /* one per row */
	struct bucket *buckets;
	size_t nbuckets;
	size_t *waiting;             /* rows waiting to write, in order */
	size_t nwaiting, waiting_alloc;
	size_t cursor;               /* next row to start */
	int prewrite;                /* rows read, not yet written */
	int writes;                  /* writes in flight */
	long actions;
	double wake_at;              /* a bucket's next token */
	bool stop_new;
	const char *held;            /* why rows were not started */
	struct err failed;           /* set by the tick; stops the run */
	double first_write, last_done;
	double last_progress;
	double started;              /* http_now() when the rows began */
	long total;                  /* rows startable at the start */
};

static inline struct row *row_at(struct apply_ctx *a, size_t i)
{
	return &a->plan.rows[i];
}

const char *apply_or_empty(const char *s);
/* The run was interrupted: requests that only read are not sent. */
bool apply_interrupted(const struct apply_ctx *a);
/* Leaves a row as the journal has it (the run was interrupted). */
void apply_leave(struct apply_ctx *a, struct row *r);
/* A copy in the plan's pool; NULL for NULL or "". */
const char *apply_pool(struct apply_ctx *a, const char *s);
void apply_set_phase(struct apply_ctx *a, struct row *r, int ph);
/* ARM's URL of path, its unsafe characters escaped; caller frees. */
char *apply_url(struct apply_ctx *a, const char *path, const char *api,
		const char *filter);
void apply_arm_error(const cJSON *o, const struct http_response *hr,
		     char *code, size_t ncode, char *msg, size_t nmsg);
/* Queues row i's one request; done gets &a->rqs[i]. */
int apply_submit(struct apply_ctx *a, size_t i, const char *method,
		 const char *url, const char *body,
		 const char *const *headers, double delay, const char *what,
		 http_done_fn done, struct err *e);
/* Journals a state (consumes fields); nothing in a dry run. */
int apply_journal_row(struct apply_ctx *a, const struct row *r, int state,
		      cJSON *fields, struct err *e);
void apply_free_work(struct row *r);
/* Journals the row's end state and starts what may start next. */
int apply_end_row(struct apply_ctx *a, size_t i, int state,
		  const char *job, const char *code, const char *msg,
		  struct err *e);
/* A 403 AuthorizationFailed: the row fails, nothing new starts (77). */
int apply_denied(struct apply_ctx *a, size_t i, const char *what,
		 const char *dflt, const char *code, const char *message,
		 struct err *e);
/* A re-read (GET of what) that Azure did not answer 200: a 403 stops the
 * run, a 404 skips the row because it is gone (gone says how), anything
 * else fails the row. Consumes o, the answer's JSON or NULL. */
int apply_read_failed(struct apply_ctx *a, size_t i, cJSON *o,
		      const struct http_response *hr, const char *what,
		      const char *dflt, const char *gone, struct err *e);
/* A 403 to a write (what: "a move to Archive"): multi-user authorization
 * holds the row for approval and the run goes on; anything else is an
 * RBAC denial (apply_denied). */
int apply_write_forbidden(struct apply_ctx *a, size_t i, const char *what,
			  const char *dflt, const char *code,
			  const char *message, struct err *e);
/* Azure's answer says the credential cannot act on the subscription at
 * all (401, SubscriptionNotFound, a token of another tenant): the run
 * stops (77) and the row is left as the journal has it. Returns 1 with
 * that done, 0 when the answer is not such an error. */
int apply_identity_refused(struct apply_ctx *a, size_t i, long status,
			   const char *code, const char *message,
			   struct err *e);
/* The row may be written: queued for a slot and a bucket token. */
int apply_wait_write(struct apply_ctx *a, size_t i, struct err *e);
/* A 202: journals the operation's URL and polls it. */
int apply_accepted(struct apply_ctx *a, size_t i,
		   const struct http_response *hr, struct err *e);
/* The row's write took effect (job: Azure's job id or NULL). */
int apply_done(struct apply_ctx *a, size_t i, const char *job,
	       struct err *e);

int apply_read_point(struct apply_ctx *a, size_t i, struct err *e);
int apply_post_move(struct apply_ctx *a, size_t i, struct err *e);
int apply_read_policy(struct apply_ctx *a, size_t i, struct err *e);
int apply_put_policy(struct apply_ctx *a, size_t i, struct err *e);

/* A client-side token bucket (ARM's write bucket, per subscription). */
struct bucket {
	char key[48];
	double tokens, at;
};
/* Takes a token at time now; false (and *ready_at) when empty. */
bool bucket_take(struct bucket *b, double size, double rate, double now,
		 double *ready_at);

#endif
