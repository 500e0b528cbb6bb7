/* SPDX-License-Identifier: MIT
 * testsnap.h: what the unit tests that write a snapshot by hand and plan
 * on it share: the manifest that commits it (one tenant, one subscription,
 * restore jobs listed from a year before the export), a plain vault (LRS,
 * soft delete on, nothing else protecting it) and a line of a file the
 * plan wrote. */
#ifndef VW_TESTSNAP_H
#define VW_TESTSNAP_H

#include "testutil.h"

#include "optimizer/base/timeutil.h"
#include "optimizer/snapshot/snapshot.h"

/* Commits the snapshot sw writes, exported at `at`; fails the test if it
 * cannot. */
static inline void test_commit_snapshot(struct snapshot_writer *sw,
					int64_t at)
{
	struct manifest m;
	struct err e = { 0 };

	manifest_init(&m);
	m.source = xstrdup("sample");
	m.tenant_id = xstrdup("tenant-1");
	m.exported_at = at;
	m.restore_jobs_from = at - 365 * DAY_S;
	manifest_add_subscription(&m, "sub-1");
	if (snapshot_writer_commit(sw, &m, &e))
		fail_msg("writing the snapshot: %s", e.msg);
	manifest_release(&m);
}

/* A plain LRS vault in westeurope: soft delete 14 days, no immutability,
 * no Resource Guard. */
static inline void test_put_vault(struct snapshot_writer *sw,
				  const char *vault_id, const char *name)
{
	snapshot_put_vault(sw, &(struct vault){
		.vault_id = vault_id, .subscription_id = "sub-1",
		.resource_group = "rg", .vault_name = name,
		.location = "westeurope", .resource_guard_id = "",
		.tenant_id = "tenant-1", .redundancy = RED_LRS,
		.cross_region_restore = OFF, .immutability = IMM_DISABLED,
		.soft_delete = SD_ENABLED, .soft_delete_days = 14, .mua = OFF,
		.cross_subscription_restore = XSR_ENABLED,
		.public_network_access = ON, .cmk = OFF,
		.job_failure_alerts = ON });
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
