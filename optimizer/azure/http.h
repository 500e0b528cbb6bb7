/* SPDX-License-Identifier: MIT
 * http.h: the HTTP engine of the Azure client, on libcurl's multi
 * interface. Requests are queued with a completion callback and run in
 * parallel (a concurrency bound, connection reuse, HTTP/2 multiplexing
 * where offered, compressed responses, connect and transfer timeouts, a
 * bound on response size). The engine owns retrying:
 *
 *  - 429, and 503 with Retry-After: waits as Azure asks (Retry-After,
 *    or Cost Management's x-ms-ratelimit-microsoft.costmanagement-*-
 *    retry-after: the longest), and when ARM says the subscription's
 *    bucket is empty, holds back every request of that subscription
 *    meanwhile;
 *  - other 5xx, 408, connection errors, resets and truncated bodies:
 *    exponential backoff with jitter;
 *  - 401 on an authenticated request: asks the token source for a new
 *    token (once per token generation) and sends the request again,
 *    except a 401 for a subscription of another tenant, which is
 *    delivered;
 *  - x-ms-ratelimit-remaining-subscription-{reads,writes}: paces new
 *    requests so that the subscription's bucket is not emptied;
 *  - a request that still fails after the retry budget stops the run:
 *    exit 75 when Azure was throttling (a rerun later will likely
 *    succeed), 69 otherwise, with a message naming the request.
 *
 * TLS is always verified (peer and host); plain http is refused unless
 * the host is a loopback address (cloud.h), before anything connects.
 * Headers are never logged; the Authorization header and bodies marked
 * sensitive are wiped after use. Never prints except debugf. */
#ifndef VW_HTTP_H
#define VW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "optimizer/base/err.h"

struct http_config {
	int concurrency;            /* parallel transfers (default 8) */
	const char *ca_bundle;      /* NULL: the system's trust store */
	long connect_timeout_ms;    /* default 10000 */
	long transfer_timeout_ms;   /* default 120000 */
	size_t max_response;        /* bytes after decompression; 64 MiB */
	double retry_budget_s;      /* per request, from its first try; 300 */
	int max_attempts;           /* per request; default 10 */
	double read_rate, write_rate; /* bucket refill assumed, per second */
};
void http_config_init(struct http_config *cfg);

struct http_response {
	long status;                /* HTTP status */
	const char *body;           /* NUL-terminated; valid in the callback */
	size_t len;
	const char *location;       /* Location header or NULL */
	const char *async_operation;/* Azure-AsyncOperation or NULL */
	double retry_after;         /* seconds, -1 when absent */
	const char *url;            /* the request's URL */
	const char *www_authenticate; /* on a 401, or NULL */
	const char *etag;           /* ETag header or NULL */
};

/* Called once per request with its final response: 2xx, or an error
 * status the engine does not retry (400, 403, 404, ...). Return 0 when
 * done, HTTP_RETRY when the body is unusable (truncated JSON) and the
 * request should be retried with backoff, -1 (with e set) to stop the
 * whole run. The callback may submit more requests. */
#define HTTP_RETRY 1
typedef int (*http_done_fn)(void *ctx, const struct http_response *r,
			    struct err *e);

/* A token source for authenticated requests (auth.h implements it). */
struct http_auth {
	/* A valid token and its generation; -1 with e set on failure. */
	int (*token)(void *ctx, const char **token, unsigned *gen,
		     struct err *e);
	/* Azure said 401 to a request sent with generation gen. */
	void (*rejected)(void *ctx, unsigned gen);
	void *ctx;
};

enum http_kind { HTTP_READ, HTTP_WRITE };

struct http_request {
	const char *method;         /* "GET" (default), "POST", "PUT" ... */
	const char *url;
	const char *body;           /* POST/PUT body or NULL */
	const char *content_type;   /* of the body */
	const char *const *headers; /* extra "Name: value" lines, NULL-ended */
	bool auth;                  /* send Authorization: Bearer */
	bool urgent;                /* queue first (continuations, retries) */
	bool sensitive;             /* wipe body and response after use */
	bool allow_imds;            /* admit http://169.254.169.254 */
	bool quick_connect;         /* 1 s connect timeout, no retry of a
				       refused connection (probes) */
	enum http_kind kind;
	double delay_s;             /* start no sooner than this from now */
	const char *what;           /* for messages: "list recovery points" */
	http_done_fn done;
	void *ctx;
	/* Called instead of done when the run stops (an error elsewhere)
	 * before this request ends: frees ctx. May be NULL. */
	void (*drop)(void *ctx);
};

struct http_client;

struct http_client *http_client_new(const struct http_config *cfg,
				    const struct http_auth *auth);
void http_client_free(struct http_client *c);

/* Queues a request (all strings are copied). Fails with exit 64 when the
 * URL breaks the transport rule. */
int http_submit(struct http_client *c, const struct http_request *rq,
		struct err *e);

/* Runs until every queued request (and those their callbacks add) is
 * done, or one fails for good. Returns 0 or -1 with e set. */
int http_run(struct http_client *c, struct err *e);

/* Runs one request on c (not running) and keeps a copy of its final
 * response in out; a status that is an error is returned, not failed.
 * Free with http_result_release (wipes a sensitive body). */
struct http_result {
	long status;
	char *body;
	size_t len;
	char *location, *async_operation;
	double retry_after;
	bool sensitive;
};
int http_fetch(struct http_client *c, const struct http_request *rq,
	       struct http_result *out, struct err *e);
void http_result_release(struct http_result *r);

/* Counters for the progress line. */
struct http_stats {
	unsigned long requests;     /* attempts started */
	unsigned long done;         /* attempts completed */
	unsigned long retries;      /* attempts beyond the first */
	unsigned long throttled;    /* 429 and 503 answers */
	unsigned queued, inflight;
	double elapsed_s;
	double rate;                /* completions per second, recent */
};
void http_get_stats(const struct http_client *c, struct http_stats *out);

/* fn runs about four times a second while http_run runs. */
void http_set_tick(struct http_client *c, void (*fn)(void *ctx), void *ctx);

/* Seconds on a monotonic clock. */
double http_now(void);

#endif
