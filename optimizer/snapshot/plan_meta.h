/* SPDX-License-Identifier: MIT
 * plan_meta.h: plan.json read back and checked, the same way for every
 * command that acts on a plan directory (report, apply): as_of an ISO
 * 8601 UTC time, currency a three-letter code, prices the price sheet's
 * path, horizon_months 1 to 120; anything else is a 65 naming the file
 * and the field. */
#ifndef VW_PLAN_META_H
#define VW_PLAN_META_H

#include <stdbool.h>
#include <stdint.h>

#include "optimizer/base/err.h"

#define PLAN_JSON "plan.json"
#define PLAN_HORIZON_MAX 120  /* months; projection.h's PROJ_MAX_MONTHS */

struct plan_meta {
	int64_t as_of;
	char currency[8];
	char *prices;
	int horizon_months;
	bool net_of_restores; /* method "model" or "prior": net of restores */
	char *snapshot;       /* the snapshot it was made from, or NULL */
};

/* Reads dir/plan.json into m (release with plan_meta_release); its path
 * is in m's error messages. */
int plan_meta_read(const char *dir, struct plan_meta *m, struct err *e);
void plan_meta_release(struct plan_meta *m);

#endif
