/* SPDX-License-Identifier: MIT
 * apply_check.c: the judgements apply makes on what Azure answers: is a
 * re-read recovery point still the one the plan decided on (not archived
 * already, ready, not expired, unchanged), is an error multi-user
 * authorization, which RBAC action was denied. Pure functions of parsed
 * JSON and strings; no I/O. */
#include <ctype.h>

#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

const char *const why_names[WHY_COUNT] = {
	"already in Archive", "not ready for move", "expired",
	"changed since the plan", "no longer in Azure", "refused by Azure"
};

/* Case-insensitive substring test (ASCII). */
static bool contains_ci(const char *s, const char *needle)
{
	size_t k = strlen(needle);

	for (; s && *s; s++) {
		size_t i = 0;
		while (i < k && s[i] &&
		       tolower((unsigned char)s[i]) ==
			       tolower((unsigned char)needle[i]))
			i++;
		if (i == k)
			return true;
	}
	return false;
}

int apply_point_tier(const cJSON *point)
{
	return arm_rp_tier(
		arm_get(point, "properties.recoveryPointTierDetails"));
}

static bool archived(int tier)
{
	return tier == TIER_ARCHIVE || tier == TIER_SNAPSHOT_ARCHIVE ||
	       tier == TIER_REHYDRATED;
}

static bool in_standard(int tier)
{
	return tier == TIER_STANDARD || tier == TIER_SNAPSHOT_STANDARD;
}

/* recoveryPointMoveReadinessInfo for the archive tier ("ArchivedRP", or
 * "Archive" as some payloads key it), or NULL. */
static const cJSON *readiness(const cJSON *props)
{
	const cJSON *info = arm_get(props, "recoveryPointMoveReadinessInfo");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(info, "ArchivedRP");

	return r ? r : cJSON_GetObjectItemCaseSensitive(info, "Archive");
}

static int64_t point_time(const cJSON *props)
{
	int64_t t = arm_time(props, "recoveryPointTime");

	return t != TIME_NONE ? t : arm_time(props, "recoveryPointTimeInUTC");
}

static void fmt_time(int64_t t, char out[TIME_ISO_LEN])
{
	if (t == TIME_NONE)
		strlcpy_vw(out, "none (kept until deleted)", TIME_ISO_LEN);
	else
		time_format_iso(t, out);
}

/* Whether the point is the one the plan saw: same time, same expiry
 * (retention unchanged), still in Standard. */
static bool changed(const struct row *r, const cJSON *props, int tier,
		    char *msg, size_t n)
{
	int64_t t = point_time(props);
	int64_t exp = arm_time(props, "recoveryPointProperties.expiryTime");
	char a[TIME_ISO_LEN + 32], b[TIME_ISO_LEN + 32];

	if (!in_standard(tier)) {
		snprintf(msg, n,
			 "changed since the plan: the point is now in tier %s "
			 "(the plan saw %s)",
			 tier >= 0 ? rp_tier_names[tier] : "none",
			 r->tier >= 0 ? rp_tier_names[r->tier] : "Standard");
		return true;
	}
	if (r->rp_time != TIME_NONE && t != TIME_NONE &&
	    llabs(t - r->rp_time) > 1) {
		fmt_time(t, a);
		fmt_time(r->rp_time, b);
		snprintf(msg, n,
			 "changed since the plan: the point's time is %s, the "
			 "plan saw %s",
			 a, b);
		return true;
	}
	if ((exp == TIME_NONE) != (r->expiry == TIME_NONE) ||
	    (exp != TIME_NONE && llabs(exp - r->expiry) > 60)) {
		fmt_time(exp, a);
		fmt_time(r->expiry, b);
		snprintf(msg, n,
			 "changed since the plan: it now expires %s, the plan "
			 "saw %s (the policy's retention changed)",
			 a, b);
		return true;
	}
	return false;
}

int apply_check_point(const struct row *r, const cJSON *point, int64_t now,
		      int *why, const char **code, char *msg, size_t n)
{
	const cJSON *props = arm_get(point, "properties");
	const cJSON *ready = readiness(props);
	const char *info = arm_str(ready, "additionalInfo");
	const cJSON *flag =
		cJSON_GetObjectItemCaseSensitive(ready, "isReadyForMove");
	int64_t exp = arm_time(props, "recoveryPointProperties.expiryTime");
	int tier = apply_point_tier(point);
	char when[TIME_ISO_LEN];

	*code = "";
	if (archived(tier) ||
	    (cJSON_IsFalse(flag) && contains_ci(info, "already been moved"))) {
		*why = WHY_ARCHIVED;
		snprintf(msg, n, "already in Archive (tier %s)",
			 tier >= 0 ? rp_tier_names[tier] : "Archive");
		return RS_DONE;
	}
	if (tier < 0) {
		*why = WHY_GONE;
		*code = "NoValidCopy";
		snprintf(msg, n, "the point has no valid copy in any tier");
		return RS_SKIPPED;
	}
	if (exp != TIME_NONE && exp <= now) {
		*why = WHY_EXPIRED;
		*code = "Expired";
		time_format_iso(exp, when);
		snprintf(msg, n, "expired on %s", when);
		return RS_SKIPPED;
	}
	if (cJSON_IsFalse(flag)) {
		*why = WHY_NOT_READY;
		*code = "NotReadyForMove";
		snprintf(msg, n, "not ready for move%s%s",
			 info && *info ? ": " : "", info ? info : "");
		return RS_SKIPPED;
	}
	if (changed(r, props, tier, msg, n)) {
		*why = WHY_CHANGED;
		*code = "ChangedSincePlan";
		return RS_SKIPPED;
	}
	return RS_NONE;
}

bool apply_already_archived(const char *code)
{
	return str_eq_ci(code, "UserErrorRecoveryPointAlreadyInArchiveTier");
}

bool apply_is_mua(const char *code, const char *message)
{
	return contains_ci(code, "MUA") || contains_ci(code, "ResourceGuard") ||
	       contains_ci(message, "Resource Guard") ||
	       contains_ci(message, "multi-user authorization");
}

void apply_denied_action(const char *message, const char *dflt, char *out,
			 size_t n)
{
	static const char key[] = "perform action '";
	const char *p = message ? strstr(message, key) : NULL;
	const char *end = p ? strchr(p + strlen(key), '\'') : NULL;

	if (!end || (size_t)(end - p - strlen(key)) >= n) {
		strlcpy_vw(out, dflt, n);
		return;
	}
	p += strlen(key);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

bool bucket_take(struct bucket *b, double size, double rate, double now,
		 double *ready_at)
{
	if (b->at == 0) {
		b->tokens = size;
		b->at = now;
	}
	b->tokens += (now - b->at) * rate;
	if (b->tokens > size)
		b->tokens = size;
	b->at = now;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return true;
	}
	*ready_at = now + (1 - b->tokens) / rate;
	return false;
}
