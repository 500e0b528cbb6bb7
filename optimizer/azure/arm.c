/* SPDX-License-Identifier: MIT
 * arm.c: ARM URLs, paging with loop detection, GETs and polled POSTs on
 * the HTTP engine (see arm.h). */
#include "optimizer/azure/arm.h"

#include <string.h>

#include <curl/curl.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"

#define POLL_MAX 120          /* polls of one async operation */
#define POLL_DEFAULT_S 2.0
#define POLL_CAP_S 60.0

char *arm_url(const struct arm *arm, const char *path, const char *api,
	      const char *filter)
{
	char *esc, *url;

	if (!filter)
		return xasprintf("%s%s?api-version=%s", arm->base, path, api);
	esc = curl_easy_escape(NULL, filter, 0);
	url = xasprintf("%s%s?api-version=%s&$filter=%s", arm->base, path, api,
			esc);
	curl_free(esc);
	return url;
}

/* The tenant in WWW-Authenticate: Bearer authorization_uri=
 * "https://login.windows.net/{tenant}", which ARM sends with a 401 for a
 * subscription of another tenant (how the Azure CLI finds tenants). */
static void auth_tenant(const char *www, char *out, size_t n)
{
	const char *p = www ? strstr(www, "authorization_uri=\"") : NULL;
	const char *end, *slash;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen("authorization_uri=\"");
	end = strchr(p, '"');
	if (!end)
		return;
	for (slash = end; slash > p && slash[-1] != '/'; slash--)
		;
	if (slash > p && (size_t)(end - slash) < n) {
		memcpy(out, slash, (size_t)(end - slash));
		out[end - slash] = '\0';
	}
}

/* Calls fn with the reply of an HTTP response whose body parsed to o. */
static int reply(const struct http_response *r, const cJSON *o,
		 int (*fn)(void *, const struct arm_reply *, struct err *),
		 void *ctx, struct err *e)
{
	struct arm_reply a;
	char tenant[128];

	auth_tenant(r->status == 401 ? r->www_authenticate : NULL, tenant,
		    sizeof(tenant));
	a.status = r->status;
	a.code = r->status >= 200 && r->status < 300 ? "" : arm_error_code(o);
	a.body = o;
	a.tenant = tenant;
	return fn(ctx, &a, e);
}

/* ---- paging ---- */

struct listing {
	struct arm *arm;
	struct arm_list_spec spec;
	char *body;                /* a query's: POSTed to every page */
	char *what;
	uint64_t *seen;            /* hashes of the pages asked for */
	size_t pages, alloc;
};

static void listing_free(struct listing *l)
{
	free(l->seen);
	free(l->body);
	free(l->what);
	free(l);
}

/* FNV-1a, 64 bits: a page URL's identity for loop detection. */
static uint64_t url_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool seen_before(const struct listing *l, const char *url)
{
	uint64_t h = url_hash(url);

	for (size_t i = 0; i < l->pages; i++)
		if (l->seen[i] == h)
			return true;
	return false;
}

static int on_page(void *ctx, const struct http_response *r, struct err *e);

static void listing_drop(void *ctx)
{
	listing_free(ctx);
}

static int request_page(struct listing *l, const char *url, bool urgent,
			struct err *e)
{
	struct http_request rq = { 0 };

	rq.url = url;
	if (l->body) {
		rq.method = "POST";
		rq.body = l->body;
		rq.content_type = "application/json";
		rq.kind = HTTP_WRITE;
	}
	rq.auth = true;
	rq.urgent = urgent;
	rq.what = l->what;
	rq.done = on_page;
	rq.drop = listing_drop;
	rq.ctx = l;
	l->seen = grow_array(l->seen, sizeof(*l->seen), l->pages + 1,
			     &l->alloc);
	l->seen[l->pages++] = url_hash(url);
	return http_submit(l->arm->http, &rq, e);
}

/* Calls end with the error status and code of r. */
static int end_with_error(struct listing *l, const struct http_response *r,
			  struct err *e)
{
	cJSON *o = cJSON_Parse(r->body);
	int rc = reply(r, o, l->spec.end, l->spec.ctx, e);

	cJSON_Delete(o);
	return rc;
}

static long max_pages(const struct arm *arm)
{
	return arm->max_pages > 0 ? arm->max_pages : ARM_MAX_PAGES;
}

static int next_page(struct listing *l, const char *next, struct err *e)
{
	if (!url_same_origin(next, l->arm->base))
		return err_set(e, EXIT_UNAVAILABLE,
			       "%s: Azure's nextLink '%s' leaves %s; not "
			       "followed (the token would go elsewhere)",
			       l->what, next, l->arm->base);
	if (seen_before(l, next))
		return err_set(e, EXIT_UNAVAILABLE,
			       "%s: Azure's paging loops (nextLink '%s' was "
			       "already read)",
			       l->what, next);
	if (l->pages >= (size_t)max_pages(l->arm))
		return err_set(e, EXIT_UNAVAILABLE,
			       "%s: Azure's nextLinks go on past %ld pages; "
			       "stopped (a listing this long is a paging "
			       "fault; if it is real, raise --max-pages)",
			       l->what, max_pages(l->arm));
	/* Continuations go first, so partial listings finish soon. */
	return request_page(l, next, true, e);
}

static int on_page(void *ctx, const struct http_response *r, struct err *e)
{
	struct listing *l = ctx;
	struct arm_page pg;
	const cJSON *item;
	cJSON *o;
	int rc = 0;

	if (r->status < 200 || r->status >= 300 ||
	    (l->body && r->status == 204)) {
		rc = end_with_error(l, r, e);
		listing_free(l);
		return rc;
	}
	o = cJSON_ParseWithLength(r->body, r->len);
	if (!o || (l->body ? arm_query_page(o, &pg) : arm_page(o, &pg))) {
		cJSON_Delete(o);
		return HTTP_RETRY;
	}
	if (l->body)
		rc = l->spec.item(l->spec.ctx, pg.value, e);
	else
		cJSON_ArrayForEach(item, pg.value) {
			rc = l->spec.item(l->spec.ctx, item, e);
			if (rc)
				break;
		}
	if (!rc && pg.next_link)
		rc = next_page(l, pg.next_link, e);
	else if (!rc)
		rc = reply(r, NULL, l->spec.end, l->spec.ctx, e);
	cJSON_Delete(o);
	if (rc || !pg.next_link)
		listing_free(l);
	return rc;
}

int arm_list(struct arm *arm, const struct arm_list_spec *s, struct err *e)
{
	struct listing *l = xcalloc(1, sizeof(*l));

	l->arm = arm;
	l->spec = *s;
	l->what = xstrdup(s->what);
	if (request_page(l, s->url, s->urgent, e)) {
		listing_free(l);
		return -1;
	}
	return 0;
}

int arm_query(struct arm *arm, const struct arm_list_spec *s,
	      const char *body, struct err *e)
{
	struct listing *l = xcalloc(1, sizeof(*l));

	l->arm = arm;
	l->spec = *s;
	l->body = xstrdup(body);
	l->what = xstrdup(s->what);
	if (request_page(l, s->url, s->urgent, e)) {
		listing_free(l);
		return -1;
	}
	return 0;
}

/* ---- single calls ---- */

struct call {
	struct arm *arm;
	char *what;
	arm_json_fn fn;
	void *ctx;
	int polls;
	char *result_url;   /* Location to read once the operation is done */
};

static void call_free(struct call *c)
{
	free(c->what);
	free(c->result_url);
	free(c);
}

static void call_drop(void *ctx)
{
	call_free(ctx);
}

static int deliver(struct call *c, const struct http_response *r,
		   struct err *e)
{
	cJSON *o = cJSON_ParseWithLength(r->body, r->len);
	int rc;

	if (r->status >= 200 && r->status < 300 && !o)
		return HTTP_RETRY;
	rc = reply(r, o, c->fn, c->ctx, e);
	cJSON_Delete(o);
	call_free(c);
	return rc;
}

static int on_json(void *ctx, const struct http_response *r, struct err *e)
{
	return deliver(ctx, r, e);
}

static int submit_call(struct call *c, const char *method, const char *url,
		       const char *body, bool urgent, double delay,
		       http_done_fn done, struct err *e)
{
	struct http_request rq = { 0 };

	rq.method = method;
	rq.url = url;
	rq.body = body;
	rq.content_type = body ? "application/json" : NULL;
	rq.auth = true;
	rq.urgent = urgent;
	rq.delay_s = delay;
	rq.kind = strcmp(method, "GET") ? HTTP_WRITE : HTTP_READ;
	rq.what = c->what;
	rq.done = done;
	rq.drop = call_drop;
	rq.ctx = c;
	return http_submit(c->arm->http, &rq, e);
}

int arm_get_json(struct arm *arm, const char *url, const char *what,
		 bool urgent, arm_json_fn fn, void *ctx, struct err *e)
{
	struct call *c = xcalloc(1, sizeof(*c));

	c->arm = arm;
	c->what = xstrdup(what);
	c->fn = fn;
	c->ctx = ctx;
	if (submit_call(c, "GET", url, NULL, urgent, 0, on_json, e)) {
		call_free(c);
		return -1;
	}
	return 0;
}

static int on_async(void *ctx, const struct http_response *r,
		    struct err *e);

/* Polls url after Retry-After (or a default). */
static int poll_again(struct call *c, const char *url, double retry_after,
		      struct err *e)
{
	double delay = retry_after >= 0 ? retry_after : POLL_DEFAULT_S;

	if (++c->polls > POLL_MAX) {
		struct arm_reply a = { 0, "OperationStillRunning", NULL, "" };
		int rc = c->fn(c->ctx, &a, e);
		call_free(c);
		return rc;
	}
	if (delay > POLL_CAP_S)
		delay = POLL_CAP_S;
	if (!url_same_origin(url, c->arm->base)) {
		err_set(e, EXIT_UNAVAILABLE,
			"%s: Azure's operation URL '%s' leaves %s; not "
			"followed",
			c->what, url, c->arm->base);
		call_free(c);
		return -1;
	}
	if (submit_call(c, "GET", url, NULL, true, delay, on_async, e)) {
		call_free(c);
		return -1;
	}
	return 0;
}

static int on_async(void *ctx, const struct http_response *r, struct err *e)
{
	struct call *c = ctx;
	cJSON *o;
	const char *status;

	if (r->status == 202) {
		if (r->location && !c->result_url)
			c->result_url = xstrdup(r->location);
		const char *next = r->location ? r->location : c->result_url;
		if (!next)
			next = r->async_operation ? r->async_operation : r->url;
		return poll_again(c, next, r->retry_after, e);
	}
	if (r->status != 200)
		return deliver(c, r, e);
	o = cJSON_ParseWithLength(r->body, r->len);
	if (!o)
		return HTTP_RETRY;
	/* An operation-status document: poll until it ends, then read the
	 * result where Location said. */
	status = arm_str(o, "status");
	if (status && !arm_get(o, "objectType") && arm_get(o, "id") &&
	    !str_eq_ci(status, "Succeeded")) {
		int rc;
		if (str_eq_ci(status, "InProgress")) {
			char *url = xstrdup(r->url);
			cJSON_Delete(o);
			rc = poll_again(c, url, r->retry_after, e);
			free(url);
			return rc;
		}
		struct arm_reply a = { 500, status, o, "" };
		rc = c->fn(c->ctx, &a, e);
		cJSON_Delete(o);
		call_free(c);
		return rc;
	}
	if (status && str_eq_ci(status, "Succeeded") && c->result_url &&
	    strcmp(c->result_url, r->url) != 0) {
		char *url = c->result_url;
		c->result_url = NULL;
		cJSON_Delete(o);
		c->polls = 0;
		if (submit_call(c, "GET", url, NULL, true, 0, on_async, e)) {
			free(url);
			call_free(c);
			return -1;
		}
		free(url);
		return 0;
	}
	cJSON_Delete(o);
	return deliver(c, r, e);
}

static int on_post(void *ctx, const struct http_response *r, struct err *e)
{
	struct call *c = ctx;

	if (r->status != 202)
		return deliver(c, r, e);
	if (r->location)
		c->result_url = xstrdup(r->location);
	if (!r->async_operation && !r->location)
		return deliver(c, r, e);
	return poll_again(c, r->async_operation ? r->async_operation
						: r->location,
			  r->retry_after, e);
}

int arm_post_json(struct arm *arm, const char *url, const char *body,
		  const char *what, arm_json_fn fn, void *ctx, struct err *e)
{
	struct call *c = xcalloc(1, sizeof(*c));

	c->arm = arm;
	c->what = xstrdup(what);
	c->fn = fn;
	c->ctx = ctx;
	if (submit_call(c, "POST", url, body, false, 0, on_post, e)) {
		call_free(c);
		return -1;
	}
	return 0;
}
