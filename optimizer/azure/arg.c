/* SPDX-License-Identifier: MIT
 * arg.c: Resource Graph queries and their $skipToken paging (see arg.h).
 * Request and answer as the Microsoft.ResourceGraph 2024-04-01 spec has
 * them: {subscriptions, query, options: {$top, $skipToken, resultFormat}}
 * -> {totalRecords, count, resultTruncated, $skipToken, data, facets}. */
#include "optimizer/azure/arg.h"

#include <string.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/util.h"

struct query {
	struct arm *arm;
	struct arg_query_spec spec;
	char *what, *url;
	cJSON *request;            /* options.$skipToken changes per page */
	char *last_token;
	long pages;
};

static void query_free(void *ctx)
{
	struct query *q = ctx;

	cJSON_Delete(q->request);
	free(q->last_token);
	free(q->what);
	free(q->url);
	free(q);
}

static int on_page(void *ctx, const struct http_response *r, struct err *e);

static int post_page(struct query *q, bool urgent, struct err *e)
{
	struct http_request rq = { 0 };
	char *body = cJSON_PrintUnformatted(q->request);
	int rc;

	rq.method = "POST";
	rq.url = q->url;
	rq.body = body;
	rq.content_type = "application/json";
	rq.auth = true;
	rq.urgent = urgent;
	rq.kind = HTTP_READ; /* a query changes nothing: retried like a GET */
	rq.what = q->what;
	rq.done = on_page;
	rq.drop = query_free;
	rq.ctx = q;
	q->pages++;
	rc = http_submit(q->arm->http, &rq, e);
	free(body);
	return rc;
}

/* The next page, or an error when the paging runs away. */
static int next_page(struct query *q, const char *token, struct err *e)
{
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(q->request, "options");
	long limit = q->arm->max_pages > 0 ? q->arm->max_pages
					   : ARM_MAX_PAGES;

	if (q->last_token && strcmp(q->last_token, token) == 0)
		return err_set(e, EXIT_UNAVAILABLE,
			       "%s: Resource Graph's paging loops ($skipToken "
			       "repeated)", q->what);
	if (q->pages >= limit)
		return err_set(e, EXIT_UNAVAILABLE,
			       "%s: Resource Graph's pages go on past %ld; "
			       "stopped (raise --max-pages if it is real)",
			       q->what, limit);
	free(q->last_token);
	q->last_token = xstrdup(token);
	cJSON_DeleteItemFromObjectCaseSensitive(opts, "$skipToken");
	cJSON_AddStringToObject(opts, "$skipToken", token);
	return post_page(q, true, e);
}

static int end_query(struct query *q, const struct http_response *r,
		     const cJSON *o, struct err *e)
{
	struct arm_reply a;

	a.status = r->status;
	a.code = r->status >= 200 && r->status < 300 ? "" : arm_error_code(o);
	a.body = o;
	a.tenant = "";
	return q->spec.end(q->spec.ctx, &a, e);
}

static int on_page(void *ctx, const struct http_response *r, struct err *e)
{
	struct query *q = ctx;
	cJSON *o = cJSON_ParseWithLength(r->body, r->len);
	const cJSON *data, *row;
	const char *token, *truncated;
	int rc = 0;

	if (r->status < 200 || r->status >= 300) {
		rc = end_query(q, r, o, e);
		goto done;
	}
	data = cJSON_GetObjectItemCaseSensitive(o, "data");
	if (!cJSON_IsArray(data)) {
		cJSON_Delete(o);
		return HTTP_RETRY; /* truncated transfer */
	}
	token = arm_str(o, "$skipToken");
	truncated = arm_str(o, "resultTruncated");
	if (!token && truncated && str_eq_ci(truncated, "true")) {
		rc = err_set(e, EXIT_UNAVAILABLE,
			     "%s: Resource Graph truncated its answer and gave "
			     "no $skipToken", q->what);
		goto done;
	}
	cJSON_ArrayForEach(row, data) {
		rc = q->spec.row(q->spec.ctx, row, e);
		if (rc)
			goto done;
	}
	if (token && *token) {
		rc = next_page(q, token, e);
		cJSON_Delete(o);
		if (rc)
			query_free(q);
		return rc;
	}
	rc = end_query(q, r, NULL, e);
done:
	cJSON_Delete(o);
	query_free(q);
	return rc;
}

int arg_query(struct arm *arm, const struct arg_query_spec *s,
	      struct err *e)
{
	struct query *q = xcalloc(1, sizeof(*q));
	cJSON *subs, *opts;

	q->arm = arm;
	q->spec = *s;
	q->what = xstrdup(s->what);
	q->url = xasprintf("%s/providers/Microsoft.ResourceGraph/resources"
			   "?api-version=%s", arm->base, ARG_API);
	q->request = cJSON_CreateObject();
	subs = cJSON_AddArrayToObject(q->request, "subscriptions");
	for (size_t i = 0; i < s->nsubscriptions; i++)
		cJSON_AddItemToArray(subs,
				     cJSON_CreateString(s->subscriptions[i]));
	cJSON_AddStringToObject(q->request, "query", s->query);
	opts = cJSON_AddObjectToObject(q->request, "options");
	cJSON_AddNumberToObject(opts, "$top", ARG_PAGE_ROWS);
	cJSON_AddStringToObject(opts, "resultFormat", "objectArray");
	if (post_page(q, false, e)) {
		query_free(q);
		return -1;
	}
	return 0;
}
