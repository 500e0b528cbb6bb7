/* SPDX-License-Identifier: MIT
 * export.c: the export pipeline (see export.h), its outer half:
 * subscriptions, vault lists, vault GETs, warnings, progress and the run.
 * Everything runs as callbacks on one HTTP engine:
 *
 *   subscriptions -> vault list -> GET vault -> (export_vault.c) vault
 *   config, Resource Guard, policies, items, recovery points, jobs
 *
 * When the engine has nothing left to do, every vault's rows are in the
 * snapshot builder, which writes the snapshot in canonical order. */
#include "optimizer/export/export.h"

#include <fnmatch.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "optimizer/export/export_int.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

void export_options_init(struct export_options *o)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = 8;
	o->lookback_days = 400;
	o->backup_jobs_days = 35;
	o->as_of = TIME_NONE;
	o->retry_budget_s = 300;
}

bool export_credentials_configured(void)
{
	return auth_configured();
}

int export_parse_shard(const char *s, int *k, int *n)
{
	const char *slash = strchr(s, '/');
	char kbuf[16];
	long kv, nv;

	if (!slash || (size_t)(slash - s) >= sizeof(kbuf))
		return -1;
	memcpy(kbuf, s, (size_t)(slash - s));
	kbuf[slash - s] = '\0';
	if (parse_long(slash + 1, 1, 1024, &nv) ||
	    parse_long(kbuf, 0, nv - 1, &kv))
		return -1;
	*k = (int)kv;
	*n = (int)nv;
	return 0;
}

bool export_in_shard(const char *sub, int k, int n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	uint64_t h = 0;
	char *l;

	if (n <= 1)
		return k == 0 || n == 0;
	l = xstrdup(sub);
	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	EVP_Digest(l, strlen(l), md, &len, EVP_sha256(), NULL);
	free(l);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return h % (uint64_t)n == (uint64_t)k;
}

/* ---- warnings ---- */

void ex_warn(struct ex *x, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	for (size_t i = 0; i < x->nwarns; i++)
		if (strcmp(x->warns[i].key, key) == 0) {
			x->warns[i].count++;
			return;
		}
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	x->warns = grow_array(x->warns, sizeof(*x->warns), x->nwarns + 1,
			      &x->awarns);
	strlcpy_vw(x->warns[x->nwarns].key, key, sizeof(x->warns[0].key));
	x->warns[x->nwarns].text = strbuf_detach(&sb);
	x->warns[x->nwarns].count = 1;
	x->nwarns++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void warnings_to_manifest(struct ex *x)
{
	char **texts = xcalloc(x->nwarns + 1, sizeof(char *));

	for (size_t i = 0; i < x->nwarns; i++) {
		struct warning *w = &x->warns[i];
		texts[i] = w->count > 1 ? xasprintf("%s (and %zu more like it)",
						    w->text, w->count - 1)
					: xstrdup(w->text);
	}
	if (x->nwarns)
		qsort(texts, x->nwarns, sizeof(char *), cmp_str);
	for (size_t i = 0; i < x->nwarns; i++) {
		manifest_add_warning(&x->m, texts[i]);
		free(texts[i]);
	}
	free(texts);
}

/* "HTTP 403 AuthorizationFailed" */
const char *ex_why(long status, const char *code, char buf[96])
{
	snprintf(buf, 96, "HTTP %ld%s%s", status, *code ? " " : "", code);
	return buf;
}

bool ex_is_denial(long status)
{
	return status == 401 || status == 403;
}

/* Any other error status stops the export (69). */
int ex_unexpected(const char *what, long status, const char *code,
		      struct err *e)
{
	char b[96];

	return err_set(e, status == 429 ? EXIT_TEMPFAIL : EXIT_UNAVAILABLE,
		       "%s: Azure answered %s", what, ex_why(status, code, b));
}

/* ---- subscriptions ---- */

const char *ex_pooled(struct ex *x, const char *s)
{
	return strpool_dup(&x->pool, s ? s : "");
}

void *ex_own(struct ex *x, void *p)
{
	x->owned = grow_array(x->owned, sizeof(void *), x->nowned + 1,
			      &x->aowned);
	x->owned[x->nowned++] = p;
	return p;
}

size_t ex_own_slot(struct ex *x)
{
	ex_own(x, NULL);
	return x->nowned - 1;
}

void *ex_own_at(struct ex *x, size_t slot, void *p)
{
	x->owned[slot] = p;
	return p;
}

const char *ex_known_tenant(const struct ex *x, const char *sub)
{
	for (size_t i = 0; i < x->nknown; i++)
		if (str_eq_ci(x->known[i].id, sub))
			return x->known[i].tenant;
	return NULL;
}

void ex_add_known(struct ex *x, const char *sub, const char *tenant)
{
	if (ex_known_tenant(x, sub))
		return;
	x->known = grow_array(x->known, sizeof(*x->known), x->nknown + 1,
			      &x->aknown);
	x->known[x->nknown].id = ex_pooled(x, sub);
	x->known[x->nknown].tenant = ex_pooled(x, tenant);
	x->nknown++;
}

static int list_vaults(struct ex *x, const struct ex_sub *s, struct err *e);

static int add_subscription(struct ex *x, const char *id, const char *tenant,
			    struct err *e)
{
	struct ex_sub *s;

	ex_add_known(x, id, tenant);
	if (!export_in_shard(id, x->o->shard_k, x->o->shard_n))
		return 0;
	for (size_t i = 0; i < x->nsubs; i++)
		if (str_eq_ci(x->subs[i].id, id))
			return 0;
	x->subs = grow_array(x->subs, sizeof(*x->subs), x->nsubs + 1,
			     &x->asubs);
	s = &x->subs[x->nsubs++];
	s->id = ex_pooled(x, id);
	s->tenant = ex_pooled(x, tenant);
	return list_vaults(x, s, e) || ex_bv_list(x, s, e) ? -1 : 0;
}

static int on_subscription_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex *x = ctx;
	struct arm_subscription s;
	struct strpool tmp = STRPOOL_INIT;
	int rc = 0;

	if (!arm_parse_subscription(o, &tmp, &s) &&
	    !str_eq_ci(s.state, "Disabled") && !str_eq_ci(s.state, "Deleted"))
		rc = add_subscription(x, s.subscription_id, s.tenant_id, e);
	strpool_release(&tmp);
	return rc;
}

static int on_subscription_list_end(void *ctx, const struct arm_reply *r,
				    struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex *x = ctx;

	if (status == 200)
		return 0;
	if (ex_is_denial(status)) {
		x->sub_list_denied = true;
		x->denied++;
		return 0;
	}
	return ex_unexpected("list subscriptions", status, code, e);
}

static int on_subscription_get(void *ctx, const struct arm_reply *r,
			       struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex *x = ctx;
	struct arm_subscription s;
	struct strpool tmp = STRPOOL_INIT;
	char b[96];
	int rc = 0;

	if (status == 200 && !arm_parse_subscription(body, &tmp, &s)) {
		rc = add_subscription(x, s.subscription_id, s.tenant_id, e);
	} else if (ex_is_denial(status) || status == 404) {
		x->denied++;
		ex_warn(x, "sub-get",
			"a subscription given with --subscription is not "
			"visible to this credential (%s)",
		     ex_why(status, code, b));
	} else {
		rc = ex_unexpected("read a subscription", status, code, e);
	}
	strpool_release(&tmp);
	return rc;
}

static int start_subscriptions(struct ex *x, struct err *e)
{
	char *url;
	int rc;

	if (x->o->nsubscriptions == 0) {
		struct arm_list_spec s = { 0 };
		url = arm_url(&x->arm, "/subscriptions", ARM_API_SUBSCRIPTIONS,
			      NULL);
		s.url = url;
		s.what = "list subscriptions";
		s.item = on_subscription_item;
		s.end = on_subscription_list_end;
		s.ctx = x;
		rc = arm_list(&x->arm, &s, e);
		free(url);
		return rc;
	}
	for (size_t i = 0; i < x->o->nsubscriptions; i++) {
		char *path = xasprintf("/subscriptions/%s",
				       x->o->subscriptions[i]);
		url = arm_url(&x->arm, path, ARM_API_SUBSCRIPTIONS, NULL);
		rc = arm_get_json(&x->arm, url, "read a subscription", false,
				  on_subscription_get, x, e);
		free(url);
		free(path);
		if (rc)
			return -1;
	}
	return 0;
}

static struct ex_vault *new_vault(struct ex *x)
{
	struct ex_vault *v = xcalloc(1, sizeof(*v));

	v->ex = x;
	v->jpool = (struct strpool)STRPOOL_INIT;
	v->job_ids = (struct strmap)STRMAP_INIT;
	x->vaults = grow_array(x->vaults, sizeof(*x->vaults), x->nvaults + 1,
			       &x->avaults);
	x->vaults[x->nvaults++] = v;
	return v;
}

/* ---- vault list and GET ---- */

static int read_vault(struct ex *x, const char *id, const char *tenant,
		      const char *location, struct err *e);

struct sub_ctx {
	struct ex *x;
	const char *id, *tenant;
};

bool ex_vault_selected(const struct ex *x, const char *name)
{
	char *n, *g;
	bool yes;

	if (!x->o->vault_glob)
		return true;
	n = xstrdup(name);
	g = xstrdup(x->o->vault_glob);
	for (char *p = n; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	for (char *p = g; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	yes = fnmatch(g, n, 0) == 0;
	free(n);
	free(g);
	return yes;
}

static int on_vault_item(void *ctx, const cJSON *o, struct err *e)
{
	struct sub_ctx *s = ctx;
	const char *id = arm_str(o, "id");
	const char *name = arm_str(o, "name");

	if (!id || !name || !ex_vault_selected(s->x, name))
		return 0;
	return read_vault(s->x, id, s->tenant, arm_str(o, "location"), e);
}

static int on_vault_list_end(void *ctx, const struct arm_reply *r,
			     struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct sub_ctx *s = ctx;
	struct ex *x = s->x;
	char key[160], b[96];
	int rc = 0;

	if (status == 200) {
		;
	} else if (ex_is_denial(status) || status == 404) {
		x->denied += ex_is_denial(status);
		snprintf(key, sizeof(key), "vaults:%s", s->id);
		ex_warn(x, key,
			"subscription %s: cannot list Recovery Services "
			"vaults (%s); none exported from it",
		     s->id, ex_why(status, code, b));
	} else {
		rc = ex_unexpected("list vaults", status, code, e);
	}
	return rc;
}

static int list_vaults(struct ex *x, const struct ex_sub *sub, struct err *e)
{
	struct sub_ctx *s = ex_own(x, xcalloc(1, sizeof(*s)));
	struct arm_list_spec spec = { 0 };
	char *path = xasprintf("/subscriptions/%s/providers/"
			       "Microsoft.RecoveryServices/vaults",
			       sub->id);
	char *url = arm_url(&x->arm, path, ARM_API_VAULTS, NULL);
	int rc;

	s->x = x;
	s->id = sub->id;
	s->tenant = sub->tenant;
	spec.url = url;
	spec.what = "list Recovery Services vaults";
	spec.item = on_vault_item;
	spec.end = on_vault_list_end;
	spec.ctx = s;
	rc = arm_list(&x->arm, &spec, e);
	free(url);
	free(path);
	return rc;
}

struct vault_get {
	struct ex *x;
	const char *tenant;
	const char *id;
	const char *listed_location; /* the vault list's, or "" */
};

/* A vault GET without location takes the vault list's; with neither the
 * vault cannot be priced or read back, and is skipped. */
static int no_location(const struct vault_get *g, struct arm_vault *av,
		       struct err *bad)
{
	if (*av->v.location)
		return 0;
	if (*g->listed_location) {
		av->v.location = g->listed_location;
		return 0;
	}
	return err_set(bad, EXIT_UNAVAILABLE,
		       "Azure gave no location for it (GET and list)");
}

static int on_vault_get(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct vault_get *g = ctx;
	struct ex *x = g->x;
	struct arm_vault av;
	struct err bad = ERR_INIT;
	struct ex_vault *v;
	char key[200], b[96], *w;
	int rc = 0;

	if (status == 200 &&
	    (arm_parse_vault(body, g->tenant, &x->pool, &av, &bad) ||
	     no_location(g, &av, &bad))) {
		snprintf(key, sizeof(key), "vault:%s", g->id);
		ex_warn(x, key, "vault %s skipped: %s", g->id, bad.msg);
	} else if (status == 200) {
		v = new_vault(x);
		v->av = av;
		w = xasprintf("vault %s", v->av.v.vault_name);
		v->what = ex_pooled(x, w);
		free(w);
		rc = ex_vault_start(v, e);
	} else if (ex_is_denial(status)) {
		x->denied++;
		snprintf(key, sizeof(key), "vault:%s", g->id);
		ex_warn(x, key, "cannot read vault %s (%s); it is not exported",
		     g->id, ex_why(status, code, b));
	} else if (status != 404) {
		rc = ex_unexpected("read a vault", status, code, e);
	}
	return rc;
}

static int read_vault(struct ex *x, const char *id, const char *tenant,
		      const char *location, struct err *e)
{
	struct vault_get *g = ex_own(x, xcalloc(1, sizeof(*g)));
	char *url = arm_url(&x->arm, id, ARM_API_VAULTS, NULL);
	int rc;

	g->x = x;
	g->tenant = tenant;
	g->id = ex_pooled(x, id);
	g->listed_location = ex_pooled(x, location ? location : "");
	rc = arm_get_json(&x->arm, url, "read a vault", false, on_vault_get, g,
			  e);
	free(url);
	return rc;
}

/* ---- progress ---- */

static void tick(void *ctx)
{
	struct ex *x = ctx;
	struct export_progress p;

	if (!x->o->progress)
		return;
	memset(&p, 0, sizeof(p));
	p.subscriptions = x->nsubs;
	p.vaults = x->nvaults;
	p.vaults_done = x->vaults_done;
	p.items = x->items;
	p.items_done = x->items_done;
	p.points = x->points;
	p.jobs = x->jobs;
	http_get_stats(x->http, &p.http);
	p.eta_s = p.http.rate > 0
			  ? (p.http.queued + p.http.inflight) / p.http.rate
			  : -1;
	x->o->progress(x->o->progress_ctx, &p);
}

/* ---- the run ---- */

/* The tenant shared by every exported subscription, or "". */
static const char *common_tenant(const struct ex *x)
{
	const char *t = x->nsubs ? x->subs[0].tenant : "";

	for (size_t i = 1; i < x->nsubs; i++)
		if (strcmp(x->subs[i].tenant, t) != 0)
			return "";
	return t;
}

static int cmp_sub(const void *a, const void *b)
{
	return strcmp(((const struct ex_sub *)a)->id,
		      ((const struct ex_sub *)b)->id);
}

static void fill_manifest(struct ex *x)
{
	char gen[64];

	manifest_init(&x->m);
	free(x->m.source);
	x->m.source = xstrdup("azure");
	x->m.exported_at = x->as_of;
	x->m.restore_jobs_from =
		x->as_of - (int64_t)x->o->lookback_days * DAY_S;
	x->m.backup_jobs_from =
		x->as_of - (int64_t)x->o->backup_jobs_days * DAY_S;
	if (x->nsubs)
		qsort(x->subs, x->nsubs, sizeof(*x->subs), cmp_sub);
	for (size_t i = 0; i < x->nsubs; i++)
		manifest_add_subscription(&x->m, x->subs[i].id);
	x->m.tenant_id = xstrdup(common_tenant(x));
	if (x->o->shard_n > 1) {
		snprintf(gen, sizeof(gen), "export shard %d/%d", x->o->shard_k,
			 x->o->shard_n);
		x->m.generator = xstrdup(gen);
	}
	warnings_to_manifest(x);
}

static int nothing_read(const struct ex *x, struct err *e)
{
	if (x->sub_list_denied)
		return err_set(e, EXIT_NOPERM,
			       "Azure refused to list subscriptions (HTTP "
			       "403): grant the credential Reader on the "
			       "subscriptions to export");
	if (x->nsubs == 0 && (x->o->shard_n <= 1 || x->nknown == 0))
		return err_set(e, EXIT_NOPERM,
			       "the credential sees no subscription: grant "
			       "it Reader (or Backup Reader) on the "
			       "subscriptions to export");
	if (x->nvaults == 0 && x->denied > 0)
		return err_set(e, EXIT_NOPERM,
			       "Azure refused every read (%u refusals, no "
			       "vault readable): grant the credential Backup "
			       "Reader on the vaults",
			       x->denied);
	return 0;
}

static void summarize(const struct ex *x, struct export_summary *s)
{
	struct snapbuild_counts c;
	struct http_stats h;

	memset(s, 0, sizeof(*s));
	snapbuild_counts(x->b, &c);
	http_get_stats(x->http, &h);
	s->subscriptions = x->nsubs;
	s->vaults = c.vaults;
	s->policies = c.policies;
	s->items = c.items;
	s->guards = c.guards;
	s->points = c.rps;
	s->jobs = c.jobs;
	s->bvaults = c.bvaults;
	s->bpolicies = c.bpolicies;
	s->binstances = c.binstances;
	s->bpoints = c.brps;
	s->bjobs = c.bjobs;
	s->warnings = x->nwarns;
	s->costs = x->o->costs ? (long)c.costs : -1;
	s->requests = h.requests;
	s->retries = h.retries;
	s->throttled = h.throttled;
	s->reused = x->reused;
	s->elapsed_s = h.elapsed_s;
	strlcpy_vw(s->credential, auth_source(x->auth), sizeof(s->credential));
	if (x->sizes)
		strlcpy_vw(s->sizes, "--sizes file, defaults elsewhere",
			   sizeof(s->sizes));
	else if (x->o->tiering_cost)
		strlcpy_vw(s->sizes, "fetchTieringCost", sizeof(s->sizes));
	else
		strlcpy_vw(s->sizes, "defaults per workload",
			   sizeof(s->sizes));
}

static int setup(struct ex *x, const char *out_dir, struct err *e)
{
	struct http_config cfg;
	struct http_auth hook;

	x->as_of = x->o->as_of != TIME_NONE ? x->o->as_of : (int64_t)time(NULL);
	x->pool = (struct strpool)STRPOOL_INIT;
	/* the snapshot is written at the end: its place is checked first */
	if (outdir_check(out_dir, e) ||
	    cloud_resolve(&x->cloud, &x->o->cloud, e))
		return -1;
	if (x->o->sizes_file && sizes_file_load(&x->sizes, x->o->sizes_file, e))
		return -1;
	if (x->o->since && ex_since_load(x, x->o->since, e))
		return -1;
	http_config_init(&cfg);
	cfg.concurrency = x->o->concurrency;
	cfg.ca_bundle = x->cloud.ca_bundle;
	cfg.retry_budget_s = x->o->retry_budget_s;
	x->auth = auth_new(&x->cloud, &cfg, e);
	if (!x->auth)
		return -1;
	hook = auth_hook(x->auth);
	x->http = http_client_new(&cfg, &hook);
	http_set_tick(x->http, tick, x);
	x->arm.http = x->http;
	x->arm.base = x->cloud.arm;
	x->arm.max_pages = x->o->max_pages;
	x->b = snapbuild_new(out_dir, e);
	return x->b ? 0 : -1;
}

static void teardown(struct ex *x)
{
	for (size_t i = 0; i < x->nvaults; i++)
		ex_vault_free(x->vaults[i]);
	free(x->vaults);
	for (size_t i = 0; i < x->nwarns; i++)
		free(x->warns[i].text);
	free(x->warns);
	for (size_t i = 0; i < x->nowned; i++)
		free(x->owned[i]);
	free(x->owned);
	for (size_t i = 0; i < x->nsrcs; i++) {
		free(x->srcs[i]->waiting);
		free(x->srcs[i]);
	}
	free(x->srcs);
	strmap_release(&x->src_ids);
	free(x->prev_jobs);
	strmap_release(&x->prev_job_ids);
	free(x->subs);
	free(x->known);
	snapbuild_free(x->b);
	http_client_free(x->http);
	auth_free(x->auth);
	sizes_file_free(x->sizes);
	cloud_release(&x->cloud);
	manifest_release(&x->m);
	strpool_release(&x->pool);
}

int export_run(const struct export_options *o, const char *out_dir,
	       struct export_summary *sum, struct err *e)
{
	struct ex x;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.o = o;
	if (setup(&x, out_dir, e) || start_subscriptions(&x, e) ||
	    http_run(x.http, e) || nothing_read(&x, e) ||
	    ex_costs_start(&x, e) || http_run(x.http, e))
		goto done;
	fill_manifest(&x);
	if (snapbuild_commit(x.b, out_dir, &x.m, e))
		goto done;
	if (sum)
		summarize(&x, sum);
	rc = 0;
done:
	teardown(&x);
	return rc;
}
