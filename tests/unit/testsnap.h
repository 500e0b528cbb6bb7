/* SPDX-License-Identifier: MIT
 * testsnap.h: what the unit tests that write a snapshot by hand share:
 * its manifest and the commit (for the plan tests one tenant, one
 * subscription, restore jobs listed from a year before the export), a
 * plain vault (LRS, soft delete on, nothing else protecting it), a
 * Standard daily policy and a protected VM item that tests adjust, and a
 * line of a file the plan wrote. */
#ifndef VW_TESTSNAP_H
#define VW_TESTSNAP_H

#include "testutil.h"

#include "optimizer/base/timeutil.h"
#include "optimizer/snapshot/snapshot.h"

/* The manifest of a snapshot written by hand: from source, exported at
 * `at`, of tenant and of one subscription (NULL: none given). */
static inline void test_manifest(struct manifest *m, const char *source,
				 int64_t at, const char *tenant,
				 const char *sub)
{
	manifest_init(m);
	m->source = xstrdup(source);
	m->exported_at = at;
	if (tenant)
		m->tenant_id = xstrdup(tenant);
	if (sub)
		manifest_add_subscription(m, sub);
}

/* Commits the snapshot sw writes with manifest m, which it releases;
 * fails the test if it cannot. */
static inline void test_commit_with(struct snapshot_writer *sw,
				    struct manifest *m)
{
	struct err e = { 0 };

	if (snapshot_writer_commit(sw, m, &e))
		fail_msg("writing the snapshot: %s", e.msg);
	manifest_release(m);
}

/* Commits the snapshot sw writes, exported at `at`; fails the test if it
 * cannot. */
static inline void test_commit_snapshot(struct snapshot_writer *sw,
					int64_t at)
{
	struct manifest m;

	test_manifest(&m, "sample", at, "tenant-1", "sub-1");
	m.restore_jobs_from = at - 365 * DAY_S;
	test_commit_with(sw, &m);
}

/* A plain LRS vault in westeurope: soft delete 14 days, no immutability,
 * no Resource Guard. */
static inline struct vault test_vault(const char *vault_id,
				      const char *name)
{
	return (struct vault){
		.vault_id = vault_id, .subscription_id = "sub-1",
		.resource_group = "rg", .vault_name = name,
		.location = "westeurope", .resource_guard_id = "",
		.tenant_id = "tenant-1", .redundancy = RED_LRS,
		.cross_region_restore = OFF, .immutability = IMM_DISABLED,
		.soft_delete = SD_ENABLED, .soft_delete_days = 14, .mua = OFF,
		.cross_subscription_restore = XSR_ENABLED,
		.public_network_access = ON, .cmk = OFF,
		.job_failure_alerts = ON };
}

static inline void test_put_vault(struct snapshot_writer *sw,
				  const char *vault_id, const char *name)
{
	struct vault v = test_vault(vault_id, name);

	snapshot_put_vault(sw, &v);
}

/* A Standard VM policy: daily at 02:00 UTC, 30 daily points kept, no
 * tiering, no ARM id. */
static inline struct policy test_policy(const char *policy_id,
					const char *vault_id,
					const char *name)
{
	return (struct policy){
		.policy_id = policy_id, .vault_id = vault_id,
		.policy_name = name, .arm_id = "", .window_start = "",
		.run_times = "02:00", .run_days = "", .diff_run_days = "",
		.time_zone = "UTC", .workload = WL_VM,
		.policy_type = PT_STANDARD, .frequency = FREQ_DAILY,
		.daily_keep_days = 30, .tiering_mode = TM_NONE };
}

/* A protected VM item of policy_id ("": none), no ARM ids, its sizes
 * estimated (all 0 until the test gives them), no last backup time. */
static inline struct item test_item(const char *item_id,
				    const char *vault_id,
				    const char *policy_id, const char *name)
{
	return (struct item){
		.item_id = item_id, .vault_id = vault_id,
		.policy_id = policy_id, .item_name = name,
		.protection_state = "Protected", .arm_id = "",
		.source_resource_id = "", .workload = WL_VM,
		.size_source = SS_ESTIMATED, .last_backup_time = TIME_NONE };
}

/* The first line of dir/file containing key; caller frees. */
static inline char *test_line_of(const char *dir, const char *file,
				 const char *key)
{
	char *path = xasprintf("%s/%s", dir, file);
	char *text = test_read(path), *line, *save = NULL, *found = NULL;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, key))
			found = xstrdup(line);
	free(text);
	free(path);
	return found;
}

#endif
