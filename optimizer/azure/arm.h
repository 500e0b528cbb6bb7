/* SPDX-License-Identifier: MIT
 * arm.h: Azure Resource Manager calls on top of the HTTP engine: the
 * api-version of each endpoint family, URL building, paged listing that
 * follows nextLink exactly as given (same origin only, loops detected),
 * single GETs, and POSTs answered 202 that are polled to their result.
 * Payloads are handed to callbacks as parsed JSON; a body that does not
 * parse is retried (truncated transfer). Never prints except debugf. */
#ifndef VW_ARM_H
#define VW_ARM_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "optimizer/base/err.h"
#include "optimizer/azure/http.h"

/* api-version per endpoint family (docs/arm-contract.md). */
#define ARM_API_BACKUP "2026-02-01"        /* Microsoft.RecoveryServices
					      backup endpoints */
#define ARM_API_VAULTS "2026-08-01"        /* .../vaults */
#define ARM_API_GUARDS "2025-07-01"        /* Microsoft.DataProtection
					      resourceGuards */
#define ARM_API_DATAPROTECTION "2025-07-01" /* Microsoft.DataProtection
					       backupVaults */
#define ARM_API_SUBSCRIPTIONS "2022-12-01" /* /subscriptions */
#define ARM_API_TAGS "2021-04-01"   /* {scope}/providers/Microsoft.Resources/
				       tags/default */
#define ARM_API_COSTMANAGEMENT "2025-03-01" /* {scope}/providers/
					       Microsoft.CostManagement/
					       query */

/* Pages one listing may take: 10,000 pages of 100-1000 rows each is far
 * more than any vault holds, and about 7 minutes of paging; an endless
 * chain of distinct nextLinks stops here with a message. */
#define ARM_MAX_PAGES 10000

struct arm {
	struct http_client *http;
	const char *base;   /* "https://management.azure.com" */
	long max_pages;     /* per listing; 0: ARM_MAX_PAGES */
};

/* base + path + "?api-version=" + api [+ "&" + query]; query is escaped
 * here (a "$filter=..." value). Caller frees. */
char *arm_url(const struct arm *arm, const char *path, const char *api,
	      const char *filter);

/* What a call ended with: the HTTP status (0: an async operation still
 * running after the polling bound), the ARM error code ("" on success),
 * the JSON body (NULL for an error without one), and for a 401 from the
 * wrong tenant the tenant ARM names in WWW-Authenticate (else ""). */
struct arm_reply {
	long status;
	const char *code;
	const cJSON *body;
	const char *tenant;
};

/* Called per element of every page's "value". */
typedef int (*arm_item_fn)(void *ctx, const cJSON *item, struct err *e);
/* Called once when the listing ends: status 200 when every page was
 * read, else the reply of the page that failed (403, 404, ...). */
typedef int (*arm_end_fn)(void *ctx, const struct arm_reply *r,
			  struct err *e);

struct arm_list_spec {
	const char *url;
	const char *what;       /* "list vaults of subscription S" */
	arm_item_fn item;
	arm_end_fn end;
	void *ctx;
	bool urgent;
};
int arm_list(struct arm *arm, const struct arm_list_spec *s, struct err *e);

/* A Cost Management query: body (a QueryDefinition) is POSTed to url,
 * then to each properties.nextLink as the API pages (same origin only,
 * loops detected); s->item gets each page's "properties" (its "columns"
 * and "rows"), s->end the end: 200, or 204 when the scope has no cost
 * data (no page), or the error. */
int arm_query(struct arm *arm, const struct arm_list_spec *s,
	      const char *body, struct err *e);

/* One GET: the reply (r->body is the resource on 2xx, the error document
 * otherwise). */
typedef int (*arm_json_fn)(void *ctx, const struct arm_reply *r,
			   struct err *e);
int arm_get_json(struct arm *arm, const char *url, const char *what,
		 bool urgent, arm_json_fn fn, void *ctx, struct err *e);

/* A POST whose answer may be 202: the Location (or Azure-AsyncOperation)
 * URL is polled, honouring Retry-After, until it gives the result, which
 * fn receives as for arm_get_json (status 0: still running after the
 * polling bound). */
int arm_post_json(struct arm *arm, const char *url, const char *body,
		  const char *what, arm_json_fn fn, void *ctx, struct err *e);

#endif
