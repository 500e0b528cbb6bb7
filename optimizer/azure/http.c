/* SPDX-License-Identifier: MIT
 * http.c: the libcurl multi engine behind the Azure client (see http.h):
 * a request queue, a concurrency bound, per-subscription pacing from ARM's
 * rate-limit headers, retries with backoff, and token refresh on 401. */
#include "optimizer/azure/http.h"

#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "optimizer/azure/cloud.h"
#include "optimizer/base/log.h"
#include "optimizer/base/util.h"
#include "optimizer/base/version.h"

#define BACKOFF_BASE_S 0.5
#define BACKOFF_CAP_S 20.0
#define PACE_RESERVE 2.0      /* tokens left in the bucket as a margin */
#define MAX_401 3             /* fresh tokens tried for one request */
#define MAX_PACERS 256

enum failure { F_NONE, F_UNAVAILABLE, F_THROTTLED };

struct xfer {
	struct xfer *next, *prev;
	char *method, *url, *body, *content_type, *what;
	char **headers;
	bool auth, sensitive, allow_imds, quick_connect;
	enum http_kind kind;
	http_done_fn done;
	void *ctx;
	void (*drop)(void *ctx);
	/* per attempt */
	CURL *easy;
	struct curl_slist *slist;
	struct strbuf resp;
	bool too_big;
	char *location, *async_operation, *www_authenticate, *etag;
	double retry_after;
	long remaining;             /* x-ms-ratelimit-remaining-..., -1 */
	long quota_left;            /* Resource Graph's x-ms-user-quota-
				       remaining, -1 */
	double quota_resets;        /* its x-ms-user-quota-resets-after, s */
	char errbuf[CURL_ERROR_SIZE];
	size_t max_response;
	/* across attempts */
	int attempts, unauthorized;
	unsigned token_gen;
	double first_start, not_before;
	enum failure failure;
	char last_error[160];
	int pacer;
};

struct pacer {
	char key[48];
	enum http_kind kind;
	bool known;
	double remaining, at, capacity;
	double started_since;
	int inflight;
	double blocked_until;
};

struct queue {
	struct xfer *head, *tail;
	unsigned n;
};

struct http_client {
	struct http_config cfg;
	struct http_auth auth;
	bool has_auth;
	CURLM *multi;
	CURL **idle;
	size_t nidle;
	struct queue ready, delayed, running;
	unsigned inflight;
	struct pacer pacers[MAX_PACERS];
	int npacers;
	struct err fatal;
	struct http_stats stats;
	double started, last_tick, rate_t0;
	unsigned long rate_done0;
	void (*tick)(void *ctx);
	void *tick_ctx;
	uint64_t rng;
};

double http_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void http_config_init(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->concurrency = 8;
	cfg->connect_timeout_ms = 10000;
	cfg->transfer_timeout_ms = 120000;
	cfg->max_response = 64u << 20;
	cfg->retry_budget_s = 300;
	cfg->max_attempts = 10;
	cfg->read_rate = 25;   /* ARM: 250-token bucket, 25 per second */
	cfg->write_rate = 10;
}

static void curl_global(void)
{
	static bool done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = true;
	}
}

struct http_client *http_client_new(const struct http_config *cfg,
				    const struct http_auth *auth)
{
	struct http_client *c = xcalloc(1, sizeof(*c));

	curl_global();
	c->cfg = *cfg;
	if (c->cfg.concurrency < 1)
		c->cfg.concurrency = 1;
	if (auth) {
		c->auth = *auth;
		c->has_auth = true;
	}
	c->multi = curl_multi_init();
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  (long)c->cfg.concurrency);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS,
			  (long)c->cfg.concurrency + 4);
	c->idle = xcalloc((size_t)c->cfg.concurrency, sizeof(CURL *));
	c->rng = (uint64_t)(http_now() * 1e9) ^ ((uint64_t)getpid() << 32);
	c->started = c->last_tick = c->rate_t0 = http_now();
	return c;
}

static void wipe(char *s, size_t n)
{
	if (s && n)
		OPENSSL_cleanse(s, n);
}

static void wipe_slist(struct curl_slist *l)
{
	for (; l; l = l->next)
		wipe(l->data, strlen(l->data));
}

/* Forgets what the headers of a response said. */
static void forget_headers(struct xfer *x)
{
	free(x->location);
	free(x->async_operation);
	free(x->www_authenticate);
	free(x->etag);
	x->location = x->async_operation = x->www_authenticate = NULL;
	x->etag = NULL;
	x->retry_after = -1;
	x->remaining = -1;
	x->quota_left = -1;
	x->quota_resets = -1;
}

static void reset_attempt(struct xfer *x)
{
	wipe_slist(x->slist);
	curl_slist_free_all(x->slist);
	x->slist = NULL;
	if (x->sensitive)
		wipe(x->resp.buf, x->resp.len);
	strbuf_release(&x->resp);
	forget_headers(x);
	x->too_big = false;
	x->errbuf[0] = '\0';
}

static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	reset_attempt(x);
	if (x->sensitive && x->body)
		wipe(x->body, strlen(x->body));
	free(x->method);
	free(x->url);
	free(x->body);
	free(x->content_type);
	free(x->what);
	for (char **h = x->headers; h && *h; h++)
		free(*h);
	free(x->headers);
	free(x);
}

static void queue_push(struct queue *q, struct xfer *x, bool front)
{
	x->next = x->prev = NULL;
	if (!q->head) {
		q->head = q->tail = x;
	} else if (front) {
		x->next = q->head;
		q->head->prev = x;
		q->head = x;
	} else {
		x->prev = q->tail;
		q->tail->next = x;
		q->tail = x;
	}
	q->n++;
}

static void queue_remove(struct queue *q, struct xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		q->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		q->tail = x->prev;
	x->next = x->prev = NULL;
	q->n--;
}

/* Frees a request that will never end, and its owner's context. */
static void xfer_drop(struct xfer *x)
{
	if (x->drop)
		x->drop(x->ctx);
	xfer_free(x);
}

static void queue_clear(struct queue *q)
{
	while (q->head) {
		struct xfer *x = q->head;
		queue_remove(q, x);
		xfer_drop(x);
	}
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	queue_clear(&c->ready);
	queue_clear(&c->delayed);
	queue_clear(&c->running);
	for (size_t i = 0; i < c->nidle; i++)
		curl_easy_cleanup(c->idle[i]);
	free(c->idle);
	curl_multi_cleanup(c->multi);
	free(c);
}

/* ---- pacing ---- */

/* The subscription a URL is about ("tenant" for tenant-level calls). */
static void pace_key(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "/subscriptions/");
	size_t len;

	if (!p) {
		strlcpy_vw(out, "tenant", n);
		return;
	}
	p += strlen("/subscriptions/");
	len = strcspn(p, "/?");
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

static int pacer_for(struct http_client *c, const char *url,
		     enum http_kind kind)
{
	char key[48];

	pace_key(url, key, sizeof(key));
	for (int i = 0; i < c->npacers; i++)
		if (c->pacers[i].kind == kind &&
		    strcmp(c->pacers[i].key, key) == 0)
			return i;
	if (c->npacers == MAX_PACERS)
		return 0; /* share the first: pacing stays conservative */
	memset(&c->pacers[c->npacers], 0, sizeof(struct pacer));
	strlcpy_vw(c->pacers[c->npacers].key, key, sizeof(key));
	c->pacers[c->npacers].kind = kind;
	return c->npacers++;
}

static double pace_rate(const struct http_client *c, const struct pacer *p)
{
	return p->kind == HTTP_WRITE ? c->cfg.write_rate : c->cfg.read_rate;
}

/* 0 when a request may start now, else the time it may. */
static double pacer_ready_at(const struct http_client *c,
			     const struct pacer *p, double now)
{
	double rate = pace_rate(c, p), est;

	if (now < p->blocked_until)
		return p->blocked_until;
	if (!p->known || rate <= 0)
		return 0;
	est = p->remaining + rate * (now - p->at);
	if (est > p->capacity)
		est = p->capacity;
	est -= p->started_since;
	if (est > PACE_RESERVE)
		return 0;
	return now + (PACE_RESERVE + 1 - est) / rate;
}

static void pacer_observe(struct pacer *p, long remaining, double now)
{
	if (remaining < 0)
		return;
	p->known = true;
	p->remaining = (double)remaining;
	if (p->remaining + 1 > p->capacity)
		p->capacity = p->remaining + 1;
	p->at = now;
	/* Requests still in flight may not have been counted yet. */
	p->started_since = p->inflight;
}

/* Resource Graph's quota spent: nothing more goes to it (its pacer)
 * until the window resets; a 429 without Retry-After waits as long. */
static void quota_observe(struct pacer *p, struct xfer *x, double now)
{
	if (x->quota_resets < 0)
		return;
	if (x->quota_left == 0 && now + x->quota_resets > p->blocked_until)
		p->blocked_until = now + x->quota_resets;
	if (x->retry_after < 0)
		x->retry_after = x->quota_resets;
}

/* ---- one attempt ---- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;

	if (x->resp.len + len > x->max_response) {
		x->too_big = true;
		return 0; /* CURLE_WRITE_ERROR ends the transfer */
	}
	strbuf_add(&x->resp, data, len);
	return len;
}

static bool header_is(const char *line, size_t n, const char *name,
		      const char **value, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return false;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
		     line[n - 1] == ' '))
		n--;
	*value = line;
	*vlen = n;
	return true;
}

static double parse_retry_after(const char *v, size_t n)
{
	char buf[64];
	double secs;
	time_t when;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (!parse_double(buf, 0, 86400, &secs))
		return secs;
	when = curl_getdate(buf, NULL);
	if (when < 0)
		return -1;
	secs = difftime(when, time(NULL));
	return secs < 0 ? 0 : secs;
}

/* Cost Management throttles on its own and says how long to wait in
 * x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant,client}-
 * retry-after (often with no Retry-After): true for any of them, with
 * the value as header_is gives it. */
static bool cm_retry_after(const char *line, size_t n, const char **value,
			   size_t *vlen)
{
	static const char pre[] = "x-ms-ratelimit-microsoft.costmanagement-";
	static const char suf[] = "-retry-after";
	const char *colon = memchr(line, ':', n);
	size_t k = colon ? (size_t)(colon - line) : 0;
	char name[96];

	if (k < sizeof(pre) + sizeof(suf) - 2 || k >= sizeof(name) ||
	    strncasecmp(line, pre, sizeof(pre) - 1) != 0 ||
	    strncasecmp(colon - (sizeof(suf) - 1), suf, sizeof(suf) - 1))
		return false;
	memcpy(name, line, k);
	name[k] = '\0';
	return header_is(line, n, name, value, vlen);
}

/* Resource Graph's "hh:mm:ss" until its quota window resets, in
 * seconds; -1 when it does not read so. */
static double parse_resets_after(const char *v, size_t n)
{
	char buf[32];
	int h, m, sec, end = 0;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (sscanf(buf, "%d:%d:%d%n", &h, &m, &sec, &end) != 3 ||
	    (size_t)end != strcspn(buf, "\r\n ") || h < 0 || m < 0 ||
	    m > 59 || sec < 0 || sec > 59 || h > 24)
		return -1;
	return h * 3600.0 + m * 60.0 + sec;
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n, vlen;
	const char *v;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new response (after 100-continue): forget the old one */
		forget_headers(x);
	} else if (header_is(line, len, "ETag", &v, &vlen)) {
		free(x->etag);
		x->etag = xstrndup(v, vlen);
	} else if (header_is(line, len, "WWW-Authenticate", &v, &vlen)) {
		free(x->www_authenticate);
		x->www_authenticate = xstrndup(v, vlen);
	} else if (header_is(line, len, "Location", &v, &vlen)) {
		free(x->location);
		x->location = xstrndup(v, vlen);
	} else if (header_is(line, len, "Azure-AsyncOperation", &v, &vlen)) {
		free(x->async_operation);
		x->async_operation = xstrndup(v, vlen);
	} else if (header_is(line, len, "Retry-After", &v, &vlen) ||
		   cm_retry_after(line, len, &v, &vlen)) {
		/* the longest wait asked for */
		double s = parse_retry_after(v, vlen);
		if (s > x->retry_after)
			x->retry_after = s;
	} else if (header_is(line, len, "x-ms-user-quota-resets-after", &v,
			     &vlen)) {
		x->quota_resets = parse_resets_after(v, vlen);
	} else if (header_is(line, len, "x-ms-user-quota-remaining", &v,
			     &vlen)) {
		char buf[32];
		long r;
		if (vlen < sizeof(buf)) {
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			if (!parse_long(buf, 0, 1000000000L, &r))
				x->quota_left = r;
		}
	} else if (header_is(line, len,
			     x->kind == HTTP_WRITE
				     ? "x-ms-ratelimit-remaining-subscription-"
				       "writes"
				     : "x-ms-ratelimit-remaining-subscription-"
				       "reads",
			     &v, &vlen)) {
		char buf[32];
		long r;
		if (vlen < sizeof(buf)) {
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			if (!parse_long(buf, 0, 1000000000L, &r))
				x->remaining = r;
		}
	}
	return len;
}

static CURL *easy_get(struct http_client *c)
{
	if (c->nidle)
		return c->idle[--c->nidle];
	return curl_easy_init();
}

static void easy_put(struct http_client *c, CURL *h)
{
	if ((int)c->nidle < c->cfg.concurrency) {
		curl_easy_reset(h);
		c->idle[c->nidle++] = h;
	} else {
		curl_easy_cleanup(h);
	}
}

static void add_header(struct xfer *x, const char *line)
{
	x->slist = curl_slist_append(x->slist, line);
}

static int build_headers(struct http_client *c, struct xfer *x,
			 struct err *e)
{
	add_header(x, "Accept: application/json");
	add_header(x, "Expect:");
	if (x->content_type) {
		char *h = xasprintf("Content-Type: %s", x->content_type);
		add_header(x, h);
		free(h);
	}
	for (char **h = x->headers; h && *h; h++)
		add_header(x, *h);
	if (x->auth && c->has_auth) {
		const char *token;
		char *h;
		if (c->auth.token(c->auth.ctx, &token, &x->token_gen, e))
			return -1;
		h = xasprintf("Authorization: Bearer %s", token);
		add_header(x, h);
		wipe(h, strlen(h));
		free(h);
	}
	return 0;
}

static int start(struct http_client *c, struct xfer *x, struct err *e)
{
	CURL *h = easy_get(c);

	reset_attempt(x);
	if (build_headers(c, x, e)) {
		easy_put(c, h);
		return -1;
	}
	x->easy = h;
	x->max_response = c->cfg.max_response;
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cfg.ca_bundle)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.ca_bundle);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
			 (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 x->quick_connect ? 1000L : c->cfg.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->cfg.transfer_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)c->cfg.max_response);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vaultwise/" VAULTWISE_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->slist);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	if (strcmp(x->method, "POST") == 0 ||
	    (x->body && strcmp(x->method, "GET") != 0)) {
		/* POST, or PUT/PATCH with a body: sent like a POST's */
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body ? x->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
				 (long)(x->body ? strlen(x->body) : 0));
	}
	if (strcmp(x->method, "GET") != 0 && strcmp(x->method, "POST") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, x->method);
	if (!x->attempts)
		x->first_start = http_now();
	x->attempts++;
	if (x->attempts > 1)
		c->stats.retries++;
	c->pacers[x->pacer].started_since++;
	c->pacers[x->pacer].inflight++;
	c->inflight++;
	c->stats.requests++;
	queue_push(&c->running, x, false);
	curl_multi_add_handle(c->multi, h);
	return 0;
}

/* ---- finishing ---- */

static int give_up(struct http_client *c, struct xfer *x)
{
	double spent = http_now() - x->first_start;

	return err_set(&c->fatal,
		       x->failure == F_THROTTLED ? EXIT_TEMPFAIL
						 : EXIT_UNAVAILABLE,
		       "%s: %s %s: gave up after %d attempts in %.0f s: %s%s",
		       x->what, x->method, x->url, x->attempts, spent,
		       x->last_error,
		       x->failure == F_THROTTLED
			       ? " (Azure is throttling; rerun later)"
			       : "");
}

static double jitter(struct http_client *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (double)(c->rng >> 11) / 9007199254740992.0;
}

/* Schedules another attempt after delay (or gives up). */
static void retry_later(struct http_client *c, struct xfer *x, double delay)
{
	double now = http_now();

	if (delay < 0) {
		double d = BACKOFF_BASE_S * pow(2, x->attempts - 1);
		if (d > BACKOFF_CAP_S)
			d = BACKOFF_CAP_S;
		delay = d * (0.5 + 0.5 * jitter(c));
	}
	if (x->attempts >= c->cfg.max_attempts ||
	    now + delay - x->first_start > c->cfg.retry_budget_s) {
		give_up(c, x);
		xfer_drop(x);
		return;
	}
	debugf("retrying %s %s in %.1f s (%s)", x->method, x->url, delay,
	       x->last_error);
	x->not_before = now + delay;
	queue_push(&c->delayed, x, false);
}

static bool transient_curl_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
		return true;
	default:
		return false;
	}
}

static void fail_transport(struct http_client *c, struct xfer *x,
			   CURLcode rc)
{
	const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);

	strlcpy_vw(x->last_error, why, sizeof(x->last_error));
	if (rc == CURLE_FILESIZE_EXCEEDED || x->too_big) {
		err_set(&c->fatal, EXIT_UNAVAILABLE,
			"%s: %s %s: response larger than %zu MiB", x->what,
			x->method, x->url, c->cfg.max_response >> 20);
	} else if (x->quick_connect && (rc == CURLE_COULDNT_CONNECT ||
					rc == CURLE_OPERATION_TIMEDOUT)) {
		/* A probe: its caller learns "no answer" from status 0. */
		struct http_response r = { 0, "", 0, NULL, NULL, -1, x->url,
					   NULL, NULL };
		if (x->done(x->ctx, &r, &c->fatal) < 0 && !c->fatal.code)
			err_set(&c->fatal, EXIT_SOFTWARE, "probe failed");
		xfer_free(x);
		return;
	} else if (!transient_curl_error(rc)) {
		err_set(&c->fatal, EXIT_UNAVAILABLE, "%s: %s %s: %s", x->what,
			x->method, x->url, why);
	} else {
		x->failure = F_UNAVAILABLE;
		retry_later(c, x, rc == CURLE_COULDNT_RESOLVE_HOST &&
					  x->attempts >= 3
				  ? 1e9
				  : -1);
		return;
	}
	xfer_drop(x);
}

static void deliver(struct http_client *c, struct xfer *x, long status)
{
	struct http_response r;
	int rc;

	r.status = status;
	r.body = x->resp.buf;
	r.len = x->resp.len;
	r.location = x->location;
	r.async_operation = x->async_operation;
	r.retry_after = x->retry_after;
	r.url = x->url;
	r.www_authenticate = x->www_authenticate;
	r.etag = x->etag;
	rc = x->done(x->ctx, &r, &c->fatal);
	if (rc == HTTP_RETRY) {
		snprintf(x->last_error, sizeof(x->last_error),
			 "HTTP %ld with an unusable body (%zu bytes)", status,
			 x->resp.len);
		x->failure = F_UNAVAILABLE;
		retry_later(c, x, -1);
		return;
	}
	if (rc < 0 && !c->fatal.code)
		err_set(&c->fatal, EXIT_SOFTWARE, "%s: callback failed",
			x->what);
	xfer_free(x);
}

static void finish(struct http_client *c, struct xfer *x, CURLcode rc)
{
	struct pacer *p = &c->pacers[x->pacer];
	long status = 0;
	double now = http_now();

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(c->multi, x->easy);
	easy_put(c, x->easy);
	x->easy = NULL;
	queue_remove(&c->running, x);
	c->inflight--;
	p->inflight--;
	pacer_observe(p, x->remaining, now);
	quota_observe(p, x, now);
	debugf("%s %s -> %ld (attempt %d)", x->method, x->url,
	       rc == CURLE_OK ? status : 0L, x->attempts);
	if (rc != CURLE_OK) {
		fail_transport(c, x, rc);
		return;
	}
	c->stats.done++;
	if (status == 401 && x->auth && c->has_auth &&
	    !strstr(x->resp.buf, "InvalidAuthenticationTokenTenant")) {
		snprintf(x->last_error, sizeof(x->last_error),
			 "HTTP 401: Azure did not accept the token");
		if (++x->unauthorized > MAX_401) {
			err_set(&c->fatal, EXIT_NOPERM,
				"%s: %s %s: Azure keeps rejecting the access "
				"token (HTTP 401)",
				x->what, x->method, x->url);
			xfer_drop(x);
			return;
		}
		c->auth.rejected(c->auth.ctx, x->token_gen);
		x->attempts--; /* a token refresh is not a failure */
		queue_push(&c->ready, x, true);
		return;
	}
	if (status == 429 || (status == 503 && x->retry_after >= 0)) {
		double wait = x->retry_after >= 0 ? x->retry_after : -1;
		c->stats.throttled++;
		snprintf(x->last_error, sizeof(x->last_error),
			 "HTTP %ld (throttled%s)", status,
			 wait >= 0 ? ", Retry-After given" : "");
		x->failure = F_THROTTLED;
		/* The subscription's bucket is empty (ARM's throttle, not a
		 * provider's): hold back all its requests meanwhile. */
		if (wait >= 0 && now + wait > p->blocked_until &&
		    (x->remaining == 0 ||
		     strstr(x->resp.buf, "RequestsThrottled")))
			p->blocked_until = now + wait;
		retry_later(c, x, wait >= 0 ? wait + 0.05 * jitter(c) : -1);
		return;
	}
	if (status >= 500 || status == 408) {
		snprintf(x->last_error, sizeof(x->last_error), "HTTP %ld",
			 status);
		if (status == 503)
			c->stats.throttled++;
		x->failure = F_UNAVAILABLE;
		retry_later(c, x, -1);
		return;
	}
	deliver(c, x, status);
}

/* ---- the loop ---- */

int http_submit(struct http_client *c, const struct http_request *rq,
		struct err *e)
{
	struct xfer *x;
	size_t nh = 0;

	if (url_check(rq->url, rq->what ? rq->what : "request", rq->allow_imds,
		      e))
		return -1;
	x = xcalloc(1, sizeof(*x));
	x->method = xstrdup(rq->method ? rq->method : "GET");
	x->url = xstrdup(rq->url);
	x->body = rq->body ? xstrdup(rq->body) : NULL;
	x->content_type = rq->content_type ? xstrdup(rq->content_type) : NULL;
	x->what = xstrdup(rq->what ? rq->what : "request");
	for (; rq->headers && rq->headers[nh]; nh++)
		;
	x->headers = xcalloc(nh + 1, sizeof(char *));
	for (size_t i = 0; i < nh; i++)
		x->headers[i] = xstrdup(rq->headers[i]);
	x->auth = rq->auth;
	x->sensitive = rq->sensitive;
	x->allow_imds = rq->allow_imds;
	x->quick_connect = rq->quick_connect;
	x->kind = rq->kind;
	x->done = rq->done;
	x->ctx = rq->ctx;
	x->drop = rq->drop;
	x->resp = (struct strbuf)STRBUF_INIT;
	x->retry_after = -1;
	x->remaining = -1;
	x->quota_left = -1;
	x->quota_resets = -1;
	x->pacer = pacer_for(c, x->url, x->kind);
	if (rq->delay_s > 0) {
		x->not_before = http_now() + rq->delay_s;
		queue_push(&c->delayed, x, false);
	} else {
		queue_push(&c->ready, x, rq->urgent);
	}
	return 0;
}

static void promote_delayed(struct http_client *c, double now)
{
	struct xfer *x = c->delayed.head;

	while (x) {
		struct xfer *next = x->next;
		if (x->not_before <= now) {
			queue_remove(&c->delayed, x);
			queue_push(&c->ready, x, true);
		}
		x = next;
	}
}

/* Starts what may start; returns the earliest time something blocked by
 * pacing may (or 0). */
static double start_ready(struct http_client *c, double now)
{
	double wake = 0;
	struct xfer *x = c->ready.head;

	while (x && c->inflight < (unsigned)c->cfg.concurrency &&
	       !c->fatal.code) {
		struct xfer *next = x->next;
		double at = pacer_ready_at(c, &c->pacers[x->pacer], now);

		if (at > 0) {
			if (!wake || at < wake)
				wake = at;
		} else {
			queue_remove(&c->ready, x);
			if (start(c, x, &c->fatal))
				xfer_drop(x);
		}
		x = next;
	}
	return wake;
}

static double next_delayed(const struct http_client *c)
{
	double t = 0;

	for (const struct xfer *x = c->delayed.head; x; x = x->next)
		if (!t || x->not_before < t)
			t = x->not_before;
	return t;
}

static void update_rate(struct http_client *c, double now)
{
	double dt = now - c->rate_t0;

	if (dt < 2)
		return;
	c->stats.rate = (c->stats.done - c->rate_done0) / dt;
	c->rate_t0 = now;
	c->rate_done0 = c->stats.done;
}

static void collect(struct http_client *c)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		struct xfer *x = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
				  (char **)&x);
		finish(c, x, m->data.result);
	}
}

static void abort_inflight(struct http_client *c)
{
	while (c->running.head) {
		struct xfer *x = c->running.head;
		queue_remove(&c->running, x);
		curl_multi_remove_handle(c->multi, x->easy);
		curl_easy_cleanup(x->easy);
		x->easy = NULL;
		xfer_drop(x);
	}
	c->inflight = 0;
	queue_clear(&c->ready);
	queue_clear(&c->delayed);
}

int http_run(struct http_client *c, struct err *e)
{
	while (!c->fatal.code &&
	       (c->ready.n || c->delayed.n || c->inflight)) {
		double now = http_now(), wake, t;
		int running, timeout_ms;

		promote_delayed(c, now);
		wake = start_ready(c, now);
		curl_multi_perform(c->multi, &running);
		collect(c);
		if (c->fatal.code)
			break;
		now = http_now();
		update_rate(c, now);
		if (c->tick && now - c->last_tick >= 0.25) {
			c->last_tick = now;
			c->tick(c->tick_ctx);
		}
		t = next_delayed(c);
		if (t && (!wake || t < wake))
			wake = t;
		timeout_ms = 250;
		if (wake && (wake - now) * 1000 < timeout_ms)
			timeout_ms = wake > now ? (int)((wake - now) * 1000) + 1
						: 0;
		if (c->ready.n && c->inflight < (unsigned)c->cfg.concurrency &&
		    !wake)
			timeout_ms = 0;
		if (timeout_ms > 0 || c->inflight)
			curl_multi_poll(c->multi, NULL, 0, timeout_ms, NULL);
	}
	if (c->fatal.code) {
		abort_inflight(c);
		err_set(e, c->fatal.code, "%s", c->fatal.msg);
		err_clear(&c->fatal);
		return -1;
	}
	return 0;
}

/* ---- one request, synchronously ---- */

static int keep_result(void *ctx, const struct http_response *r,
		       struct err *e)
{
	struct http_result *out = ctx;

	(void)e;
	out->status = r->status;
	out->body = xstrndup(r->body, r->len);
	out->len = r->len;
	out->location = r->location ? xstrdup(r->location) : NULL;
	out->async_operation =
		r->async_operation ? xstrdup(r->async_operation) : NULL;
	out->retry_after = r->retry_after;
	return 0;
}

int http_fetch(struct http_client *c, const struct http_request *rq,
	       struct http_result *out, struct err *e)
{
	struct http_request r = *rq;

	memset(out, 0, sizeof(*out));
	out->sensitive = rq->sensitive;
	r.done = keep_result;
	r.ctx = out;
	if (http_submit(c, &r, e) || http_run(c, e)) {
		http_result_release(out);
		return -1;
	}
	if (!out->body)
		out->body = xstrdup("");
	return 0;
}

void http_result_release(struct http_result *r)
{
	if (r->sensitive && r->body)
		wipe(r->body, r->len);
	free(r->body);
	free(r->location);
	free(r->async_operation);
	memset(r, 0, sizeof(*r));
}

void http_get_stats(const struct http_client *c, struct http_stats *out)
{
	*out = c->stats;
	out->queued = c->ready.n + c->delayed.n;
	out->inflight = c->inflight;
	out->elapsed_s = http_now() - c->started;
	if (!out->rate && out->elapsed_s > 0)
		out->rate = out->done / out->elapsed_s;
}

void http_set_tick(struct http_client *c, void (*fn)(void *ctx), void *ctx)
{
	c->tick = fn;
	c->tick_ctx = ctx;
}
