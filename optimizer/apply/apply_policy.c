/* SPDX-License-Identifier: MIT
 * apply_policy.c: backup policies as apply changes them: the
 * tieringPolicy a policy has (at the top for VM and Azure Files policies,
 * in the Full sub-policy for SQL and HANA), the properties to PUT with the
 * plan's tieringPolicy (and the retention counts and instant-restore
 * days of the levers a reviewer kept in policy_changes.csv), and whether
 * a body keeps less than the policy as read: the comparison behind the
 * refusal on an immutable vault.
 * Pure functions of cJSON; no I/O. */
#include "optimizer/apply/apply_internal.h"
#include "optimizer/azure/arm_parse.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/util.h"

static const char *const keep_rules[KEEP_N] = { "daily", "weekly",
						"monthly", "yearly" };
static const char *const keep_units[KEEP_N] = { "Days", "Weeks", "Months",
						"Years" };

static bool is_workload_policy(int workload)
{
	return workload == WL_SQL || workload == WL_HANA;
}

/* Where the tieringPolicy and retention live: the properties, or the
 * Full sub-policy of a SQL/HANA policy (NULL when it has none). */
static cJSON *tiering_home(const cJSON *props, int workload)
{
	const cJSON *subs, *sub;

	if (!is_workload_policy(workload))
		return (cJSON *)props;
	subs = cJSON_GetObjectItemCaseSensitive(props, "subProtectionPolicy");
	cJSON_ArrayForEach(sub, subs) {
		const char *type = arm_str(sub, "policyType");
		if (type && strcmp(type, "Full") == 0)
			return (cJSON *)sub;
	}
	return NULL;
}

struct tiering apply_tiering_of(const cJSON *props, int workload)
{
	const cJSON *home = tiering_home(props, workload);
	const cJSON *t = arm_get(home, "tieringPolicy.ArchivedRP");
	const char *mode = arm_str(t, "tieringMode");
	struct tiering out = { TM_NONE, 0 };

	for (int m = TM_DONOTTIER; mode && m < TM_COUNT; m++)
		if (strcmp(mode, tiering_mode_names[m]) == 0)
			out.mode = m;
	if (out.mode == TM_TIERAFTER)
		out.days = arm_duration_days(
			cJSON_GetObjectItemCaseSensitive(t, "duration"),
			arm_str(t, "durationType"));
	return out;
}

void apply_tiering_text(struct tiering t, int workload, char *out, size_t n)
{
	if (t.mode != TM_TIERAFTER)
		snprintf(out, n, "%s", tiering_mode_names[t.mode]);
	else if (workload == WL_VM && t.days % 30 == 0)
		snprintf(out, n, "TierAfter %d Months", t.days / 30);
	else
		snprintf(out, n, "TierAfter %d Days", t.days);
}

static void set_tiering(cJSON *home, const struct apply_change *c)
{
	cJSON *tp = cJSON_CreateObject(), *rp = cJSON_CreateObject();
	bool after = c->proposed.mode == TM_TIERAFTER;

	cJSON_AddStringToObject(rp, "tieringMode",
				tiering_mode_names[c->proposed.mode]);
	/* Microsoft's DoNotTier example sends duration 0, type Invalid */
	cJSON_AddNumberToObject(rp, "duration",
				after ? c->proposed_duration : 0);
	cJSON_AddStringToObject(rp, "durationType",
				after ? c->duration_type : "Invalid");
	cJSON_AddItemToObject(tp, "ArchivedRP", rp);
	cJSON_DeleteItemFromObjectCaseSensitive(home, "tieringPolicy");
	cJSON_AddItemToObject(home, "tieringPolicy", tp);
}

static int set_keep(cJSON *home, int k, long count, char *msg, size_t n)
{
	char name[32];
	cJSON *sched, *dur;

	snprintf(name, sizeof(name), "%sSchedule", keep_rules[k]);
	sched = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(home, "retentionPolicy"),
		name);
	if (!cJSON_IsObject(sched)) {
		snprintf(msg, n,
			 "the policy has no %s retention to set to %ld %s",
			 keep_rules[k], count, keep_units[k]);
		return -1;
	}
	dur = cJSON_CreateObject();
	cJSON_AddNumberToObject(dur, "count", (double)count);
	cJSON_AddStringToObject(dur, "durationType", keep_units[k]);
	cJSON_DeleteItemFromObjectCaseSensitive(sched, "retentionDuration");
	cJSON_AddItemToObject(sched, "retentionDuration", dur);
	return 0;
}

int apply_instant_rp_of(const cJSON *props)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		props, "instantRpRetentionRangeInDays");

	return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

int apply_instant_rp_max(const cJSON *props)
{
	const char *type = arm_str(props, "policyType");

	return type && strcmp(type, "V2") == 0 ? 30 : 5;
}

/* instantRpRetentionRangeInDays, at the top of an AzureIaasVM policy's
 * properties (AzureIaaSVMProtectionPolicy in the REST spec). */
static int set_instant_rp(cJSON *props, long days, char *msg, size_t n)
{
	int max = apply_instant_rp_max(props);

	if (days > max) {
		snprintf(msg, n,
			 "instant restore of %ld days: Azure allows 1 to %d "
			 "on this %s policy",
			 days, max, max == 30 ? "Enhanced" : "Standard");
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(
		props, "instantRpRetentionRangeInDays");
	cJSON_AddNumberToObject(props, "instantRpRetentionRangeInDays",
				(double)days);
	return 0;
}

cJSON *apply_policy_props(const cJSON *props, const struct apply_change *c,
			  char *msg, size_t n)
{
	cJSON *out = cJSON_Duplicate(props, 1);
	cJSON *home = out ? tiering_home(out, c->workload) : NULL;

	if (!home) {
		snprintf(msg, n, "the policy has no Full sub-policy to set "
				 "its tieringPolicy on");
		cJSON_Delete(out);
		return NULL;
	}
	/* read-only; Azure computes it */
	cJSON_DeleteItemFromObjectCaseSensitive(out, "protectedItemsCount");
	/* a retention-only change of a policy without a tieringPolicy:
	 * leave it so; "None" is not a tieringMode Azure accepts */
	if (c->proposed.mode != TM_NONE)
		set_tiering(home, c);
	for (int k = 0; k < KEEP_N; k++)
		if (c->keep[k] >= 0 && set_keep(home, k, c->keep[k], msg, n)) {
			cJSON_Delete(out);
			return NULL;
		}
	if (c->instant_rp_days > 0 &&
	    set_instant_rp(out, c->instant_rp_days, msg, n)) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

/* ---- retention ---- */

#define MAX_RULES 24
struct rules {
	char name[MAX_RULES][40];
	int days[MAX_RULES];
	int n;
};

static void add_rule(struct rules *r, const char *prefix, const char *rule,
		     int days)
{
	if (r->n == MAX_RULES)
		return;
	snprintf(r->name[r->n], sizeof(r->name[0]), "%s%s", prefix, rule);
	r->days[r->n++] = days;
}

/* Days kept per rule of one retentionPolicy (Simple or LongTerm). */
static void policy_rules(struct rules *r, const char *prefix,
			 const cJSON *ret)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(ret,
							  "retentionDuration");

	if (d)
		add_rule(r, prefix, "retention",
			 arm_duration_days(
				 cJSON_GetObjectItemCaseSensitive(d, "count"),
				 arm_str(d, "durationType")));
	for (int k = 0; k < KEEP_N; k++) {
		char name[32];
		const cJSON *s;
		snprintf(name, sizeof(name), "%sSchedule", keep_rules[k]);
		s = cJSON_GetObjectItemCaseSensitive(ret, name);
		if (!cJSON_IsObject(s))
			continue;
		d = cJSON_GetObjectItemCaseSensitive(s, "retentionDuration");
		add_rule(r, prefix, keep_rules[k],
			 arm_duration_days(
				 cJSON_GetObjectItemCaseSensitive(d, "count"),
				 arm_str(d, "durationType")));
	}
}

static void all_rules(struct rules *r, const cJSON *props)
{
	const cJSON *sub;

	memset(r, 0, sizeof(*r));
	policy_rules(
		r, "",
		cJSON_GetObjectItemCaseSensitive(props, "retentionPolicy"));
	cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(
					props, "subProtectionPolicy")) {
		char prefix[40];
		const char *type = arm_str(sub, "policyType");
		snprintf(prefix, sizeof(prefix), "%s ", type ? type : "?");
		policy_rules(r, prefix,
			     cJSON_GetObjectItemCaseSensitive(
				     sub, "retentionPolicy"));
	}
}

bool apply_retention_reduced(const cJSON *before, const cJSON *after,
			     char *out, size_t n)
{
	struct rules b, a;
	struct strbuf sb = STRBUF_INIT;

	all_rules(&b, before);
	all_rules(&a, after);
	for (int i = 0; i < b.n; i++) {
		int now = 0;
		for (int j = 0; j < a.n; j++)
			if (strcmp(a.name[j], b.name[i]) == 0)
				now = a.days[j];
		if (now < b.days[i])
			strbuf_addf(&sb, "%s%s %d -> %d days",
				    sb.len ? ", " : "", b.name[i], b.days[i],
				    now);
	}
	strlcpy_vw(out, sb.buf, n);
	strbuf_release(&sb);
	return out[0] != '\0';
}
