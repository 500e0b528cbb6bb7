/* SPDX-License-Identifier: MIT
 * fuzz_arm.c: libFuzzer target for optimizer/azure/arm_parse.h, the Azure
 * Resource Manager JSON parsers. The first byte picks the parser (a
 * list page and its items, subscription, vault and vaultconfig, policy,
 * protected item, recovery point of a VM, SQL, HANA or Azure Files item,
 * job and job details, Resource Guard proxy, Resource Guard, tiering
 * cost, error body, ARM id values); the rest is the JSON payload. Each
 * object of a list page ("value") goes through the parser as well as the
 * payload itself. Pure: no files, no network. */
#include <math.h>

#include "optimizer/azure/arm_parse.h"
#include "fuzzutil.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/timeutil.h"

enum kind { K_SUBSCRIPTION, K_VAULT, K_POLICY, K_ITEM, K_RP, K_JOB,
	    K_PROXY, K_GUARD, K_TIERING, K_MISC, K_COUNT };

static const struct policy vm_policy = {
	.policy_id = "p-1", .vault_id = "v-1", .policy_name = "pol",
	.arm_id = "/V/backupPolicies/pol", .window_start = "",
	.run_times = "02:30", .run_days = "", .time_zone = "UTC",
	.diff_run_days = "", .workload = WL_VM, .policy_type = PT_STANDARD,
	.frequency = FREQ_DAILY, .instant_rp_days = 2,
	.daily_keep_days = 30, .weekly_keep_weeks = 12,
	.monthly_keep_months = 60, .yearly_keep_years = 10,
	.tiering_mode = TM_TIERAFTER, .tier_after_days = 90,
};

static void check_str(const char *s)
{
	if (s)
		(void)strlen(s);
}

static void parse_vault(const cJSON *o, struct strpool *pool, struct err *e)
{
	struct arm_vault av;

	memset(&av, 0, sizeof(av));
	if (arm_parse_vault(o, "tenant", pool, &av, e) == 0) {
		arm_apply_vaultconfig(o, &av);
		check_str(av.arm_id);
		check_str(av.v.vault_name);
		if (av.v.redundancy < 0 || av.v.redundancy >= RED_COUNT ||
		    av.v.soft_delete < SD_UNKNOWN ||
		    av.v.soft_delete >= SD_COUNT)
			abort();
	}
}

static void parse_rp(const cJSON *o, int workload, struct strpool *pool,
		     struct err *e)
{
	struct item it = { .item_id = "i-1", .vault_id = "v-1",
			   .policy_id = "p-1", .item_name = "x",
			   .protection_state = "Protected", .arm_id = "",
			   .source_resource_id = "", .source_gb = 100 };
	struct rp rp;

	it.workload = workload;
	memset(&rp, 0, sizeof(rp));
	if (arm_parse_rp(o, &it, workload == WL_VM ? &vm_policy : NULL, pool,
			 &rp, e) == 0) {
		check_str(rp.rp_id);
		check_str(rp.move_info);
		if (rp.kind < 0 || rp.kind >= RK_COUNT || rp.tier < 0 ||
		    rp.tier >= TIER_COUNT || rp.move_ready < 0 ||
		    rp.move_ready >= MR_COUNT)
			abort();
	}
	(void)arm_rp_tier(arm_get(o, "properties.recoveryPointTierDetails"));
}

static void parse_misc(const cJSON *o)
{
	char buf[64];
	const char *id = cJSON_IsString(o) ? o->valuestring : arm_str(o, "id");

	(void)arm_error_code(o);
	(void)arm_time(o, "properties.startTime");
	(void)arm_time(o, "time");
	if (id) {
		(void)arm_id_value(id, "resourceGroups", buf, sizeof(buf));
		(void)arm_id_value(id, "subscriptions", buf, sizeof(buf));
		(void)arm_id_value(id, "vaults", buf, 1);
	}
}

static void parse_one(int kind, int sub, const cJSON *o,
		      struct strpool *pool)
{
	struct err e = ERR_INIT;
	struct arm_subscription as;
	struct policy pol;
	struct arm_item ai;
	struct arm_job aj;
	struct arm_proxy ap;
	struct arm_guard ag;
	double red, inc;

	switch (kind) {
	case K_SUBSCRIPTION:
		(void)arm_parse_subscription(o, pool, &as);
		break;
	case K_VAULT:
		parse_vault(o, pool, &e);
		break;
	case K_POLICY:
		memset(&pol, 0, sizeof(pol));
		if (arm_parse_policy(o, "v-1", pool, &pol, &e) == 0 &&
		    (pol.workload < 0 || pol.workload >= WL_COUNT ||
		     pol.frequency < 0 || pol.frequency >= FREQ_COUNT))
			abort();
		break;
	case K_ITEM:
		memset(&ai, 0, sizeof(ai));
		(void)arm_parse_item(o, "/subscriptions/s/resourceGroups/r/"
				     "providers/Microsoft.RecoveryServices/"
				     "vaults/v", "v-1", pool, &ai, &e);
		break;
	case K_RP:
		parse_rp(o, sub % WL_COUNT, pool, &e);
		break;
	case K_JOB:
		memset(&aj, 0, sizeof(aj));
		if (arm_parse_job(o, "v-1", pool, &aj, &e) == 0)
			arm_apply_job_details(o, pool, &aj.j);
		break;
	case K_PROXY:
		(void)arm_parse_proxy(o, pool, &ap);
		break;
	case K_GUARD:
		(void)arm_parse_guard(o, pool, &ag);
		break;
	case K_TIERING:
		(void)arm_parse_tiering_cost(o, &red, &inc);
		break;
	default:
		parse_misc(o);
		break;
	}
}

static void run(const struct fuzz_input *in)
{
	struct strpool pool = STRPOOL_INIT;
	struct arm_page pg;
	cJSON *root;
	const cJSON *it;
	int kind = (int)(in->pick % K_COUNT), sub = (int)(in->pick / K_COUNT);

	root = cJSON_ParseWithLength((const char *)in->data, in->size);
	if (!root)
		return;
	parse_one(kind, sub, root, &pool);
	if (arm_page(root, &pg) == 0) {
		check_str(pg.next_link);
		cJSON_ArrayForEach(it, pg.value)
			parse_one(kind, sub, it, &pool);
	}
	cJSON_Delete(root);
	strpool_release(&pool);
}

const struct fuzz_target fuzz_target = { .pick = true, .run = run };
