/* SPDX-License-Identifier: MIT
 * plan_scope.c: the scope and intent options of plan and apply
 * (plan_scope.h). */
#include "optimizer/snapshot/plan_scope.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "optimizer/snapshot/snapshot.h"
#include "optimizer/base/tags.h"
#include "optimizer/base/util.h"

const char *const plan_moves_names[MOVES_COUNT] = { "plan", "all-eligible",
						    "none" };

void scope_init(struct scope *s)
{
	memset(s, 0, sizeof(*s));
	s->workload = -1;
}

int scope_from_options(struct scope *s, const struct scope_options *o)
{
	scope_init(s);
	s->subscription = o->subscription;
	s->vault = o->vault;
	s->policy = o->policy;
	s->tag = o->tag;
	if (o->tag && (!strchr(o->tag, '=') || o->tag[0] == '='))
		return -1;
	return o->workload ? scope_parse_workload(o->workload, &s->workload)
			   : 0;
}

/* Whether the vault's tags hold want ("KEY=VALUE"). */
static bool tag_ok(const char *want, const char *tags)
{
	const char *eq = want ? strchr(want, '=') : NULL;
	char key[TAG_KEY_MAX], value[TAG_VALUE_MAX];

	if (!want)
		return true;
	while (tags && eq && tags_next(&tags, key, value))
		if (strlen(key) == (size_t)(eq - want) &&
		    strncasecmp(key, want, (size_t)(eq - want)) == 0 &&
		    strcmp(value, eq + 1) == 0)
			return true;
	return false;
}

static bool glob_ok(const char *glob, const char *name)
{
	return !glob || (name && fnmatch(glob, name, FNM_CASEFOLD) == 0);
}

bool scope_match(const struct scope *s, const char *subscription,
		 const char *vault, const char *tags, const char *policy,
		 int workload)
{
	if (s->subscription &&
	    (!subscription || !str_eq_ci(s->subscription, subscription)))
		return false;
	if (s->workload >= 0 && s->workload != workload)
		return false;
	return glob_ok(s->vault, vault) && tag_ok(s->tag, tags) &&
	       glob_ok(s->policy, policy && *policy ? policy : NULL);
}

int scope_parse_workload(const char *name, int *workload)
{
	for (int k = 0; k < WL_COUNT; k++)
		if (str_eq_ci(name, workload_names[k])) {
			*workload = k;
			return 0;
		}
	return -1;
}

/* "TierAfter:3m", "TierAfter:90d" (the unit required). */
static int parse_tier_after(const char *arg, struct tiering_choice *t)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || n <= 0 || n > 36500 ||
	    (strcmp(end, "m") && strcmp(end, "d")))
		return -1;
	t->months = *end == 'm';
	t->days = (int)(t->months ? n * 30 : n);
	return 0;
}

int tiering_choice_parse(const char *text, struct tiering_choice *t)
{
	memset(t, 0, sizeof(*t));
	if (str_eq_ci(text, "cheapest"))
		t->intent = TI_CHEAPEST;
	else if (str_eq_ci(text, "keep"))
		t->intent = TI_KEEP;
	else if (str_eq_ci(text, "DoNotTier"))
		*t = (struct tiering_choice){ TI_SET, TM_DONOTTIER, 0, false };
	else if (str_eq_ci(text, "TierRecommended"))
		*t = (struct tiering_choice){ TI_SET, TM_TIERRECOMMENDED, 0,
					      false };
	else if (strncasecmp(text, "TierAfter:", 10) == 0) {
		t->intent = TI_SET;
		t->mode = TM_TIERAFTER;
		return parse_tier_after(text + 10, t);
	} else
		return -1;
	return 0;
}
