/* SPDX-License-Identifier: MIT
 * arg.h: Azure Resource Graph queries (POST /providers/Microsoft.
 * ResourceGraph/resources) on the HTTP engine: a KQL query over given
 * subscriptions, its rows handed one by one to a callback, the pages
 * followed by $skipToken. Resource Graph's own quota (x-ms-user-quota-
 * remaining, -resets-after) paces the engine (http.c). Never prints. */
#ifndef VW_ARG_H
#define VW_ARG_H

#include <stddef.h>

#include "optimizer/azure/arm.h"
#include "optimizer/base/err.h"

#define ARG_API "2024-04-01"
#define ARG_PAGE_ROWS 1000 /* $top: the most one page may hold */

struct arg_query_spec {
	const char *const *subscriptions;
	size_t nsubscriptions;
	const char *query;      /* KQL; rows must keep their id for paging */
	const char *what;       /* "list the jobs of vault V" */
	arm_item_fn row;        /* per row of data[] */
	arm_end_fn end;         /* once: 200 when every page was read */
	void *ctx;
};

int arg_query(struct arm *arm, const struct arg_query_spec *s,
	      struct err *e);

#endif
