/* SPDX-License-Identifier: MIT
 * targets.h: RPO/RTO targets handed in by architects (docs/outputs.md,
 * "targets file"): which items a target covers (scope_type + glob), on
 * which tier, and the hours it allows; optionally its priority (the lowest
 * that covers an item on a tier judges it), a tolerance and a severity.
 * Read by check (RPO/RTO verdicts), audit (does a target need the Enhanced
 * policy) and plan (never archive a point an RTO target needs back faster
 * than rehydration allows). No I/O beyond reading the file. */
#ifndef VW_TARGETS_H
#define VW_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/base/err.h"
#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/util.h"

enum scope_type { SCOPE_VAULT, SCOPE_POLICY, SCOPE_ITEM, SCOPE_WORKLOAD,
		  SCOPE_NAME, SCOPE_TAG, SCOPE_COUNT };
enum target_tier { TT_SNAPSHOT, TT_VAULT, TT_ANY, TT_COUNT };
enum target_severity { TSEV_ERROR, TSEV_WARNING, TSEV_COUNT };

extern const char *const scope_type_names[SCOPE_COUNT];
extern const char *const target_tier_names[TT_COUNT];
extern const char *const target_severity_names[TSEV_COUNT];

struct target {
	char *target_id;
	int scope_type;       /* enum scope_type */
	char *scope;          /* fnmatch(3) glob */
	int tier;             /* enum target_tier */
	double rpo_hours;     /* NAN: no RPO target */
	double rto_hours;     /* NAN: no RTO target */
	double min_retention_days; /* NAN when empty */
	long priority;        /* -1: none; else lowest wins per tier */
	double tolerance_hours; /* NAN: the command line's */
	int severity;         /* enum target_severity */
	size_t line;          /* in the targets file, for messages */
};

struct target_set {
	char *path;
	struct target *t;
	size_t n;
};

int targets_load(struct target_set *ts, const char *path, struct err *e);
void targets_release(struct target_set *ts);

/* Whether a target covers an item. The glob is matched against:
 *   vault: vault_name or vault_id;  policy: policy_name or policy_id;
 *   item: item_name or item_id;     workload: AzureVM/SQL/HANA/AzureFiles;
 *   name: item_name;
 *   tag: "key=glob" (or "key") on the tags of the item's source resource
 *   or of its vault (items.csv source_tags, vaults.csv tags).
 * Matching is case-insensitive. */
bool target_matches(const struct target *t, const struct snapshot *s,
		    const struct item *it);

/* Whether a target covers a Backup vault's instance (docs/rpo-check.md
 * "Backup vaults"): vault, policy, item and name as for items (the
 * instance name); workload: the datasource type (Microsoft.Compute/
 * disks, ...); tag: never (the snapshot has no tags of Backup vaults). */
bool target_matches_bv(const struct target *t, const struct snapshot *s,
		       const struct binstance *bi);

/* Whether target a takes precedence over b for an item both cover: both
 * have a priority, on the same tier, and a's is lower (or equal and a
 * comes first in the file). Targets without a priority never shadow. */
bool target_shadows(const struct target *a, const struct target *b);

/* The values a target of this scope type can match in s, for a message:
 * "AzureVM, SQL, HANA, AzureFiles", or the first names and a count. */
void target_scope_values(int scope_type, const struct snapshot *s,
			 struct strbuf *out);

#endif
