/* SPDX-License-Identifier: MIT
 * plan_scope.h: what an admin asks of plan and apply beyond the rule's
 * own choices: the scope (--subscription, --vault GLOB, --policy GLOB,
 * --workload), the tieringPolicy every in-scope policy should get
 * (--tiering) and which points to move (--moves). Parsing and matching
 * only; plan.c and apply_plan.c act on them. */
#ifndef VW_PLAN_SCOPE_H
#define VW_PLAN_SCOPE_H

#include <stdbool.h>

struct scope {
	const char *subscription;  /* a subscription id; NULL: all */
	const char *vault;         /* fnmatch(3) glob on the name; NULL: all */
	const char *policy;        /* likewise; items without one are out */
	int workload;              /* enum workload; -1: all */
	const char *tag;           /* "KEY=VALUE" of the vault; NULL: all */
};

void scope_init(struct scope *s);

/* The scope options as a command reads them (cli.h), and their table
 * entries: OPT_SCOPE(struct my_cli, scope). */
struct scope_options {
	const char *subscription, *vault, *policy, *workload, *tag;
};
#define OPT_SCOPE(T, M)                                                    \
	{ "subscription", 0, OPT_STR, offsetof(T, M.subscription), "ID",   \
	  "only the vaults of this subscription", 0, 0 },                    \
	{ "vault", 0, OPT_STR, offsetof(T, M.vault), "GLOB",               \
	  "only the vaults whose name matches GLOB, e.g. 'rsv-legacy-*'",    \
	  0, 0 },                                                            \
	{ "policy", 0, OPT_STR, offsetof(T, M.policy), "GLOB",             \
	  "only the policies whose name matches GLOB, and their items", 0,   \
	  0 },                                                               \
	{ "workload", 0, OPT_STR, offsetof(T, M.workload), "NAME",         \
	  "only AzureVM, SQL, HANA or AzureFiles items and policies", 0, 0 }
/* --tag (vault tags: the snapshot's, and the plan's vault_tags.csv). */
#define OPT_SCOPE_TAG(T, M)                                                \
	{ "tag", 0, OPT_STR, offsetof(T, M.tag), "KEY=VALUE",              \
	  "only the vaults with this tag (name ignoring case)", 0, 0 }
/* Fills s from o; -1 when o's workload is none of the four or its tag
 * has no "=". */
int scope_from_options(struct scope *s, const struct scope_options *o);
/* Whether a vault (subscription, name, tags as tags.h keeps them: NULL
 * when unknown), its policy (NULL: none) and workload are in the scope.
 * Names and tag names compare ignoring case, as Azure's; tag values
 * exactly. */
bool scope_match(const struct scope *s, const char *subscription,
		 const char *vault, const char *tags, const char *policy,
		 int workload);
/* "AzureVM", "SQL", "HANA" or "AzureFiles" (any case) into *workload;
 * -1 when it is none of them. */
int scope_parse_workload(const char *name, int *workload);

/* --tiering: cheapest (the rule's pick), keep (change no policy), or one
 * setting for all: DoNotTier, TierRecommended, TierAfter:N{d,m}. */
enum tiering_intent { TI_CHEAPEST, TI_KEEP, TI_SET };

struct tiering_choice {
	int intent;                /* enum tiering_intent */
	int mode;                  /* TI_SET: enum tiering_mode */
	int days;                  /* TierAfter: N days, or N months * 30 */
	bool months;               /* TierAfter given in months */
};

/* Parses text into *t; -1 when it is not one of the forms above. */
int tiering_choice_parse(const char *text, struct tiering_choice *t);

/* --moves: the plan's rule, every point as soon as Azure allows, or none */
enum plan_moves { MOVES_PLAN, MOVES_ALL_ELIGIBLE, MOVES_NONE, MOVES_COUNT };
extern const char *const plan_moves_names[MOVES_COUNT];

#endif
