/* SPDX-License-Identifier: MIT
 * apply_change.c: one policy's tieringPolicy change, for the apply engine
 * (apply.c): the policy read with its ETag and judged against the plan
 * (already set, changed since the plan, a retention cut on an immutable
 * vault, Locked or Unlocked, refused), the PUT with If-Match, a 412
 * re-read and re-checked, Azure's refusals sorted. The bodies come from
 * apply_policy.c. Prints nothing. */
#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/util.h"

#define ACT_POLICY_READ "Microsoft.RecoveryServices/Vaults/backupPolicies/read"
#define ACT_POLICY_WRITE \
	"Microsoft.RecoveryServices/Vaults/backupPolicies/write"
#define ACT_VAULT "Microsoft.RecoveryServices/Vaults/read"


static int on_vault(void *ctx, const struct arm_reply *rep, struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	const struct apply_change *c = &a->plan.changes[r->ref];
	const char *imm = arm_str(rep->body, "properties.securitySettings."
					     "immutabilitySettings.state");
	char msg[MSG_LEN * 2];
	int rc = apply_identity_refused(
		a, q->i, rep->status, rep->code,
		apply_or_empty(arm_str(rep->body, "error.message")), e);

	if (rc)
		return rc < 0 ? -1 : 0;
	if (rep->status == 403)
		return apply_denied(
			a, q->i, "reading a vault", ACT_VAULT, rep->code,
			apply_or_empty(arm_str(rep->body, "error.message")), e);
	if (rep->status != 200)
		return apply_end_row(a, q->i, RS_FAILED, NULL, rep->code,
			       "could not read the vault's immutability", e);
	if (imm && str_eq_ci(imm, "Locked")) {
		snprintf(msg, sizeof(msg),
			 "refused: the vault's immutability is Locked (vault "
			 "%s, policy %s), which forbids reducing retention, "
			 "and this change reduces it (%s); take the retention "
			 "out of policy_changes.csv",
			 c->vault_name, c->policy_name,
			 apply_or_empty(r->note));
		return apply_end_row(a, q->i, RS_REFUSED, NULL,
				     "ImmutableVaultLocked", msg, e);
	}
	/* Azure refuses it too (UserErrorImmutableVaultRetentionReduction):
	 * said here, before anything is sent */
	if (imm && str_eq_ci(imm, "Unlocked")) {
		snprintf(msg, sizeof(msg),
			 "refused: the vault's immutability is Unlocked (vault "
			 "%s, policy %s), and Azure refuses to reduce "
			 "retention until it is disabled; this change reduces "
			 "it (%s): disable immutability first (az backup vault "
			 "update --immutability-state Disabled) and rerun, or "
			 "take the retention out of policy_changes.csv",
			 c->vault_name, c->policy_name,
			 apply_or_empty(r->note));
		return apply_end_row(a, q->i, RS_REFUSED, NULL,
				     "ImmutableVaultUnlocked", msg, e);
	}
	return apply_wait_write(a, q->i, e);
}

static int check_vault(struct apply_ctx *a, size_t i, struct err *e)
{
	const struct apply_change *c = &a->plan.changes[row_at(a, i)->ref];
	char *url;
	int rc;

	if (apply_interrupted(a)) {
		apply_leave(a, row_at(a, i));
		return 0;
	}
	url = apply_url(a, c->vault_arm, ARM_API_VAULTS, NULL);
	rc = arm_get_json(&a->arm, url, "read a vault", false, on_vault,
			  &a->rqs[i], e);

	free(url);
	return rc;
}

static bool retention_differs(const cJSON *x, const cJSON *y)
{
	char cuts[8];

	return apply_retention_reduced(x, y, cuts, sizeof(cuts)) ||
	       apply_retention_reduced(y, x, cuts, sizeof(cuts)) ||
	       apply_instant_rp_of(x) != apply_instant_rp_of(y);
}

/* What a policy as read calls for: done, skipped, refused or a PUT. */
static int judge_policy(struct apply_ctx *a, size_t i, const cJSON *res,
			const char *etag, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_change *c = &a->plan.changes[r->ref];
	const cJSON *props = arm_get(res, "properties");
	struct tiering now = apply_tiering_of(props, c->workload);
	char msg[MSG_LEN], cur[48], seen[48], cuts[256];
	cJSON *next = apply_policy_props(props, c, msg, sizeof(msg));
	cJSON *body;

	if (!next) {
		r->why = WHY_OTHER;
		return apply_end_row(a, i, RS_SKIPPED, NULL,
				     "UnsupportedChange", msg, e);
	}
	apply_tiering_text(now, c->workload, cur, sizeof(cur));
	if (now.mode == c->proposed.mode && now.days == c->proposed.days &&
	    !retention_differs(props, next)) {
		cJSON_Delete(next);
		if (r->flags & (ROW_RESOLVE_FIRST | ROW_HAD_412))
			return apply_done(a, i, NULL, e);
		snprintf(msg, sizeof(msg), "already set to %s", cur);
		r->why = WHY_ARCHIVED;
		return apply_end_row(a, i, RS_DONE, NULL, NULL, msg, e);
	}
	if (now.mode != c->current.mode || now.days != c->current.days) {
		cJSON_Delete(next);
		apply_tiering_text(c->current, c->workload, seen, sizeof(seen));
		snprintf(msg, sizeof(msg),
			 "changed since the plan: its tieringPolicy is %s, "
			 "the plan saw %s",
			 cur, seen);
		r->why = WHY_CHANGED;
		return apply_end_row(a, i, RS_SKIPPED, NULL, "ChangedSincePlan",
				     msg, e);
	}
	body = cJSON_CreateObject();
	cJSON_AddItemToObject(body, "properties", next);
	free(r->body);
	r->body = cJSON_PrintUnformatted(body);
	free(r->etag);
	r->etag = etag ? xstrdup(etag) : NULL;
	if (apply_retention_reduced(props, next, cuts, sizeof(cuts))) {
		cJSON_Delete(body);
		r->note = apply_pool(a, cuts);
		return check_vault(a, i, e);
	}
	cJSON_Delete(body);
	return apply_wait_write(a, i, e);
}

static int on_policy(void *ctx, const struct http_response *hr,
		     struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	cJSON *o = cJSON_ParseWithLength(hr->body, hr->len);
	const char *etag;
	int rc;

	if (hr->status == 200 && !o)
		return HTTP_RETRY;
	if (hr->status != 200)
		return apply_read_failed(a, q->i, o, hr,
					 "reading a backup policy",
					 ACT_POLICY_READ,
					 "the policy is no longer in Azure", e);
	etag = arm_str(o, "eTag");
	if (!etag)
		etag = arm_str(o, "etag");
	if (!etag)
		etag = hr->etag;
	rc = judge_policy(a, q->i, o, etag, e);
	cJSON_Delete(o);
	return rc;
}

int apply_read_policy(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_change *c = &a->plan.changes[r->ref];
	char *url = apply_url(a, c->arm_id, ARM_API_BACKUP, NULL);
	int rc;

	apply_set_phase(a, r, PH_READ);
	rc = apply_submit(a, i, "GET", url, NULL, NULL, 0,
			  "read a backup policy", on_policy, e);
	free(url);
	return rc;
}

static int on_put(void *ctx, const struct http_response *hr, struct err *e)
{
	struct rq *q = ctx;
	struct apply_ctx *a = q->a;
	struct row *r = row_at(a, q->i);
	char code[128], msg[MSG_LEN], text[MSG_LEN + 64];
	cJSON *o = NULL;

	if (hr->status >= 400) {
		o = cJSON_ParseWithLength(hr->body, hr->len);
		if (!o && hr->status < 500)
			return HTTP_RETRY;
	}
	a->writes--;
	if (hr->status == 202) {
		cJSON_Delete(o);
		return apply_accepted(a, q->i, hr, e);
	}
	if (hr->status >= 200 && hr->status < 300)
		return apply_done(a, q->i, NULL, e);
	apply_arm_error(o, hr, code, sizeof(code), msg, sizeof(msg));
	cJSON_Delete(o);
	if (hr->status == 412 && r->attempts < MAX_WRITES) {
		/* changed since our GET (by someone, or by an attempt of
		 * ours whose answer was lost): re-read and re-check */
		r->flags |= ROW_HAD_412;
		return apply_read_policy(a, q->i, e);
	}
	if (hr->status == 403)
		return apply_write_forbidden(a, q->i, "a backup policy change",
					     ACT_POLICY_WRITE, code, msg, e);
	if (str_eq_ci(code, "UserErrorImmutableVaultRetentionReduction")) {
		snprintf(text, sizeof(text), "refused by Azure: %s", msg);
		return apply_end_row(a, q->i, RS_REFUSED, NULL, code, text, e);
	}
	if (hr->status == 400 || hr->status == 404) {
		r->why = hr->status == 404 ? WHY_GONE : WHY_OTHER;
		snprintf(text, sizeof(text), "Azure refused the change: %s",
			 msg);
		return apply_end_row(a, q->i, RS_SKIPPED, NULL, code, text, e);
	}
	return apply_end_row(a, q->i, RS_FAILED, NULL, code, msg, e);
}

int apply_put_policy(struct apply_ctx *a, size_t i, struct err *e)
{
	struct row *r = row_at(a, i);
	const struct apply_change *c = &a->plan.changes[r->ref];
	char *url = apply_url(a, c->arm_id, ARM_API_BACKUP, NULL);
	char *if_match = r->etag ? xasprintf("If-Match: %s", r->etag) : NULL;
	const char *headers[] = { if_match, NULL };
	char set[48];
	cJSON *f = cJSON_CreateObject();
	int rc = -1;

	apply_tiering_text(c->proposed, c->workload, set, sizeof(set));
	cJSON_AddStringToObject(f, "policy", c->arm_id);
	cJSON_AddStringToObject(f, "set", set);
	if (r->etag)
		cJSON_AddStringToObject(f, "etag", r->etag);
	if (apply_journal_row(a, r, RS_SUBMITTING, f, e))
		goto done;
	r->state = RS_SUBMITTING;
	rc = apply_submit(a, i, "PUT", url, r->body, headers, 0,
		    "update a backup policy", on_put, e);
done:
	free(if_match);
	free(url);
	return rc;
}

