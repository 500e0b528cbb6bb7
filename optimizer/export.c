/* SPDX-License-Identifier: MIT
 * export.c: the export pipeline (see export.h). Everything runs as
 * callbacks on one HTTP engine, one vault at a time per chain but many
 * chains in parallel:
 *
 *   subscriptions -> vault list -> GET vault -> vaultconfig, proxies (->
 *   guard -> guard's subscription), policies -> protected items -> each
 *   item's recovery points (-> fetchTieringCost) ; items done -> restore
 *   and backup job lists -> restore job details
 *
 * A vault counts its outstanding calls; when none is left its rows go to
 * the snapshot builder. An item's points are held in memory only while
 * its listing runs, then sized and spooled (snapbuild.h). */
#include "export.h"

#include <fnmatch.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "arm.h"
#include "arm_parse.h"
#include "auth.h"
#include "itemsize.h"
#include "manifest.h"
#include "snapbuild.h"
#include "strpool.h"
#include "timeutil.h"
#include "util.h"

#define GIB 1073741824.0

struct ex;

struct ex_sub {
	const char *id, *tenant;
};

struct ex_item {
	struct ex_vault *v;
	struct arm_item ai;
	const struct policy *policy;
	struct rp *rps;
	size_t n, alloc;
	struct strpool pool;       /* the points' strings, while listing */
	bool denied;
};

struct ex_vault {
	struct ex *ex;
	struct arm_vault av;
	const char *what;          /* "vault NAME" for messages */
	unsigned pending;
	bool guard_read;
	struct arm_proxy proxy;
	bool has_proxy;
	struct guard guard;
	bool has_guard;
	const char *guard_sub;
	struct policy *policies;
	size_t npolicies, apolicies;
	struct ex_item **items;
	size_t nitems, aitems;
	struct arm_job *jobs;
	size_t njobs, ajobs;
	struct strmap job_ids;
	struct strpool jpool;      /* job strings until the vault is done */
	unsigned job_lists;
};

struct warning {
	char key[160];
	char *text;
	size_t count;
};

struct ex {
	const struct export_options *o;
	struct cloud cloud;
	struct auth *auth;
	struct http_client *http;
	struct arm arm;
	struct snapbuild *b;
	struct manifest m;
	struct strpool pool;
	struct sizes_file *sizes;
	int64_t as_of;
	struct ex_sub *subs;       /* exported */
	size_t nsubs, asubs;
	struct ex_sub *known;      /* every subscription seen, for tenants */
	size_t nknown, aknown;
	struct ex_vault **vaults;
	size_t nvaults, avaults, vaults_done;
	size_t items, items_done;
	uint64_t points, jobs;
	unsigned denied;
	struct warning *warns;
	size_t nwarns, awarns;
	bool sub_list_denied;
};

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
	char *l = xstrdup(sub);

	if (n <= 1)
		return k == 0 || n == 0;
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

/* Records a warning; the same key again only counts. */
static void warn(struct ex *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct ex *x, const char *key, const char *fmt, ...)
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
	qsort(texts, x->nwarns, sizeof(char *), cmp_str);
	for (size_t i = 0; i < x->nwarns; i++) {
		manifest_add_warning(&x->m, texts[i]);
		free(texts[i]);
	}
	free(texts);
}

/* "HTTP 403 AuthorizationFailed" */
static const char *why(long status, const char *code, char buf[96])
{
	snprintf(buf, 96, "HTTP %ld%s%s", status, *code ? " " : "", code);
	return buf;
}

static bool is_denial(long status)
{
	return status == 401 || status == 403;
}

/* Any other error status stops the export (69). */
static int unexpected(const char *what, long status, const char *code,
		      struct err *e)
{
	char b[96];

	return err_set(e, status == 429 ? EXIT_TEMPFAIL : EXIT_UNAVAILABLE,
		       "%s: Azure answered %s", what, why(status, code, b));
}

/* ---- subscriptions ---- */

static const char *pooled(struct ex *x, const char *s)
{
	return strpool_dup(&x->pool, s ? s : "");
}

static const char *known_tenant(const struct ex *x, const char *sub)
{
	for (size_t i = 0; i < x->nknown; i++)
		if (str_eq_ci(x->known[i].id, sub))
			return x->known[i].tenant;
	return NULL;
}

static void add_known(struct ex *x, const char *sub, const char *tenant)
{
	if (known_tenant(x, sub))
		return;
	x->known = grow_array(x->known, sizeof(*x->known), x->nknown + 1,
			      &x->aknown);
	x->known[x->nknown].id = pooled(x, sub);
	x->known[x->nknown].tenant = pooled(x, tenant);
	x->nknown++;
}

static int list_vaults(struct ex *x, const struct ex_sub *s, struct err *e);

static int add_subscription(struct ex *x, const char *id, const char *tenant,
			    struct err *e)
{
	struct ex_sub *s;

	add_known(x, id, tenant);
	if (!export_in_shard(id, x->o->shard_k, x->o->shard_n))
		return 0;
	for (size_t i = 0; i < x->nsubs; i++)
		if (str_eq_ci(x->subs[i].id, id))
			return 0;
	x->subs = grow_array(x->subs, sizeof(*x->subs), x->nsubs + 1,
			     &x->asubs);
	s = &x->subs[x->nsubs++];
	s->id = pooled(x, id);
	s->tenant = pooled(x, tenant);
	return list_vaults(x, s, e);
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

static int on_subscription_list_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex *x = ctx;

	if (status == 200)
		return 0;
	if (is_denial(status)) {
		x->sub_list_denied = true;
		x->denied++;
		return 0;
	}
	return unexpected("list subscriptions", status, code, e);
}

static int on_subscription_get(void *ctx, const struct arm_reply *r, struct err *e)
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
	} else if (is_denial(status) || status == 404) {
		x->denied++;
		warn(x, "sub-get", "a subscription given with --subscription "
			"is not visible to this credential (%s)",
		     why(status, code, b));
	} else {
		rc = unexpected("read a subscription", status, code, e);
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

/* ---- vault bookkeeping ---- */

static int vault_finish(struct ex_vault *v, struct err *e);

/* One outstanding call of v has ended. */
static int vault_step(struct ex_vault *v, struct err *e)
{
	if (--v->pending == 0)
		return vault_finish(v, e);
	return 0;
}

static void vault_warn(struct ex_vault *v, const char *part, long status,
		       const char *code, const char *consequence)
{
	char key[160], b[96];

	snprintf(key, sizeof(key), "%s:%s", part, v->av.v.vault_id);
	if (is_denial(status))
		v->ex->denied++;
	warn(v->ex, key, "%s (subscription %s): cannot read %s (%s); %s",
	     v->what, v->av.v.subscription_id, part, why(status, code, b),
	     consequence);
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
		      struct err *e);

struct sub_ctx {
	struct ex *x;
	const char *id, *tenant;
};

static bool vault_selected(const struct ex *x, const char *name)
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

	if (!id || !name || !vault_selected(s->x, name))
		return 0;
	return read_vault(s->x, id, s->tenant, e);
}

static int on_vault_list_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct sub_ctx *s = ctx;
	struct ex *x = s->x;
	char key[160], b[96];
	int rc = 0;

	if (status == 200) {
		;
	} else if (is_denial(status) || status == 404) {
		x->denied += is_denial(status);
		snprintf(key, sizeof(key), "vaults:%s", s->id);
		warn(x, key, "subscription %s: cannot list Recovery Services "
			     "vaults (%s); none exported from it",
		     s->id, why(status, code, b));
	} else {
		rc = unexpected("list vaults", status, code, e);
	}
	free(s);
	return rc;
}

static int list_vaults(struct ex *x, const struct ex_sub *sub, struct err *e)
{
	struct sub_ctx *s = xcalloc(1, sizeof(*s));
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
	if (rc)
		free(s);
	free(url);
	free(path);
	return rc;
}

static int start_vault_parts(struct ex_vault *v, struct err *e);

struct vault_get {
	struct ex *x;
	const char *tenant;
	const char *id;
};

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
	    arm_parse_vault(body, g->tenant, &x->pool, &av, &bad)) {
		snprintf(key, sizeof(key), "vault:%s", g->id);
		warn(x, key, "vault %s skipped: %s", g->id, bad.msg);
	} else if (status == 200) {
		v = new_vault(x);
		v->av = av;
		w = xasprintf("vault %s", v->av.v.vault_name);
		v->what = pooled(x, w);
		free(w);
		rc = start_vault_parts(v, e);
	} else if (is_denial(status)) {
		x->denied++;
		snprintf(key, sizeof(key), "vault:%s", g->id);
		warn(x, key, "cannot read vault %s (%s); it is not exported",
		     g->id, why(status, code, b));
	} else if (status != 404) {
		rc = unexpected("read a vault", status, code, e);
	}
	free(g);
	return rc;
}

static int read_vault(struct ex *x, const char *id, const char *tenant,
		      struct err *e)
{
	struct vault_get *g = xcalloc(1, sizeof(*g));
	char *url = arm_url(&x->arm, id, ARM_API_VAULTS, NULL);
	int rc;

	g->x = x;
	g->tenant = tenant;
	g->id = pooled(x, id);
	rc = arm_get_json(&x->arm, url, "read a vault", false, on_vault_get, g,
			  e);
	if (rc)
		free(g);
	free(url);
	return rc;
}

/* ---- vault parts: config, guards, policies ---- */

static char *vault_url(const struct ex_vault *v, const char *suffix,
		       const char *api, const char *filter)
{
	char *path = xasprintf("%s%s", v->av.arm_id, suffix);
	char *url = arm_url(&v->ex->arm, path, api, filter);

	free(path);
	return url;
}

static int on_vaultconfig(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;

	if (status == 200)
		arm_apply_vaultconfig(body, &v->av);
	else if (is_denial(status))
		vault_warn(v, "backupconfig/vaultconfig", status, code,
			   "soft delete taken from the vault's own settings");
	else if (status != 404)
		return unexpected("read the backup config", status, code, e);
	return vault_step(v, e);
}

static int read_guard(struct ex_vault *v, struct err *e);

static int on_proxy_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct arm_proxy p;

	(void)e;
	if (v->has_proxy || arm_parse_proxy(o, &v->ex->pool, &p))
		return 0;
	v->proxy = p;
	v->has_proxy = true;
	return 0;
}

static int on_proxy_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (status == 200 && v->has_proxy) {
		if (read_guard(v, e))
			return -1;
	} else if (is_denial(status)) {
		vault_warn(v, "backupResourceGuardProxies", status, code,
			   "multi-user authorization taken from the vault's "
			   "settings");
	} else if (status != 200 && status != 404) {
		return unexpected("list Resource Guard proxies", status, code,
				  e);
	}
	return vault_step(v, e);
}

/* Operations named by the proxy, as the guard would name them. */
static const char *proxy_operations(struct ex_vault *v)
{
	static const struct {
		const char *request, *operation;
	} map[] = {
		{ "deleteResourceGuardProxyRequests",
		  "backupResourceGuardProxies/delete" },
		{ "disableSoftDeleteRequests", "backupconfig/write" },
		{ "deleteProtectedItemRequests",
		  "backupFabrics/protectionContainers/protectedItems/delete" },
		{ "updateProtectedItemRequests",
		  "backupFabrics/protectionContainers/protectedItems/write" },
		{ "updateProtectionPolicyRequests", "backupPolicies/write" },
		{ "getBackupSecurityPINRequests", "backupSecurityPIN/action" },
	};
	const char *parts[64];
	char *copy;
	size_t n = str_split(v->proxy.operations, ';', &copy, parts,
			     ARRAY_SIZE(parts));
	struct strbuf sb = STRBUF_INIT;
	const char *out;

	for (size_t i = 0; i < n; i++) {
		const char *op = parts[i];
		const char *slash = strrchr(op, '/');
		for (size_t k = 0; slash && k < ARRAY_SIZE(map); k++)
			if (str_eq_ci(slash + 1, map[k].request)) {
				strbuf_addf(&sb, "%sMicrosoft.RecoveryServices/"
						 "vaults/%s",
					    sb.len ? ";" : "",
					    map[k].operation);
				op = NULL;
				break;
			}
		if (op)
			strbuf_addf(&sb, "%s%s", sb.len ? ";" : "", op);
	}
	free(copy);
	out = pooled(v->ex, sb.buf);
	strbuf_release(&sb);
	return out;
}

static int on_guard_sub(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;
	const char *tenant = arm_str(body, "tenantId");

	if (status == 200 && tenant) {
		v->guard.guard_tenant_id = pooled(v->ex, tenant);
		add_known(v->ex, v->guard_sub, tenant);
	} else if (*r->tenant) {
		/* Another tenant's subscription: ARM names the tenant. */
		v->guard.guard_tenant_id = pooled(v->ex, r->tenant);
		add_known(v->ex, v->guard_sub, r->tenant);
	} else if (is_denial(status) || status == 404) {
		char key[200];
		snprintf(key, sizeof(key), "guard-tenant:%s",
			 v->av.v.vault_id);
		warn(v->ex, key,
		     "%s: the subscription %s of its Resource Guard is not "
		     "visible (another tenant?); guard_tenant_id left empty",
		     v->what, v->guard_sub);
	} else {
		return unexpected("read the Resource Guard's subscription",
				  status, code, e);
	}
	return vault_step(v, e);
}

static int guard_tenant(struct ex_vault *v, struct err *e)
{
	const char *t = known_tenant(v->ex, v->guard_sub);
	char *path, *url;
	int rc;

	if (t) {
		v->guard.guard_tenant_id = t;
		return 0;
	}
	path = xasprintf("/subscriptions/%s", v->guard_sub);
	url = arm_url(&v->ex->arm, path, ARM_API_SUBSCRIPTIONS, NULL);
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url,
			  "read the Resource Guard's subscription", true,
			  on_guard_sub, v, e);
	free(url);
	free(path);
	return rc;
}

static int on_guard(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_vault *v = ctx;
	struct arm_guard g;

	if (status == 200 && !arm_parse_guard(body, &v->ex->pool, &g)) {
		v->guard.protected_operations = g.protected_operations;
		v->guard.excluded_operations = g.excluded_operations;
	} else if (*r->tenant) {
		char key[200];
		snprintf(key, sizeof(key), "guard-tenant:%s", v->av.v.vault_id);
		warn(v->ex, key,
		     "%s: its Resource Guard is in another tenant (%s) and "
		     "cannot be read; protected operations taken from the "
		     "vault's proxy, exclusions unknown",
		     v->what, r->tenant);
		v->guard.guard_tenant_id = pooled(v->ex, r->tenant);
		add_known(v->ex, v->guard_sub, r->tenant);
		v->guard.protected_operations = proxy_operations(v);
	} else if (is_denial(status) || status == 404) {
		vault_warn(v, "its Resource Guard", status, code,
			   "protected operations taken from the vault's "
			   "proxy");
		v->guard.protected_operations = proxy_operations(v);
	} else if (status != 200) {
		return unexpected("read a Resource Guard", status, code, e);
	}
	if (guard_tenant(v, e))
		return -1;
	return vault_step(v, e);
}

static int read_guard(struct ex_vault *v, struct err *e)
{
	char sub[128];
	char *url;
	int rc;

	v->has_guard = true;
	v->guard.vault_id = v->av.v.vault_id;
	v->guard.resource_guard_id = v->proxy.guard_id;
	v->guard.guard_tenant_id = "";
	v->guard.protected_operations = "";
	v->guard.excluded_operations = "";
	if (arm_id_value(v->proxy.guard_id, "subscriptions", sub, sizeof(sub)))
		sub[0] = '\0';
	v->guard_sub = pooled(v->ex, sub);
	v->guard.guard_subscription_id = v->guard_sub;
	url = arm_url(&v->ex->arm, v->proxy.guard_id, ARM_API_GUARDS, NULL);
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read a Resource Guard", true,
			  on_guard, v, e);
	free(url);
	return rc;
}

static int list_items(struct ex_vault *v, struct err *e);

static void bad_row(struct ex_vault *v, const char *kind,
		    const struct err *bad);

static int on_policy_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct err bad = ERR_INIT;
	struct policy p;
	int rc = arm_parse_policy(o, v->av.v.vault_id, &v->ex->pool, &p, &bad);

	(void)e;
	if (rc < 0)
		bad_row(v, "a backup policy", &bad);
	if (rc)
		return 0;
	v->policies = grow_array(v->policies, sizeof(p), v->npolicies + 1,
				 &v->apolicies);
	v->policies[v->npolicies++] = p;
	return 0;
}

static int on_policy_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (is_denial(status))
		vault_warn(v, "backup policies", status, code,
			   "its items are exported without a policy");
	else if (status != 200 && status != 404)
		return unexpected("list backup policies", status, code, e);
	if (list_items(v, e))
		return -1;
	return vault_step(v, e);
}

static int start_list(struct ex_vault *v, const char *suffix,
		      const char *what, const char *filter, arm_item_fn item,
		      arm_end_fn end, void *ctx, struct err *e)
{
	struct arm_list_spec s = { 0 };
	char *url = vault_url(v, suffix, ARM_API_BACKUP, filter);
	int rc;

	s.url = url;
	s.what = what;
	s.item = item;
	s.end = end;
	s.ctx = ctx;
	v->pending++;
	rc = arm_list(&v->ex->arm, &s, e);
	free(url);
	return rc;
}

static int start_vault_parts(struct ex_vault *v, struct err *e)
{
	char *url = vault_url(v, "/backupconfig/vaultconfig", ARM_API_BACKUP,
			      NULL);
	int rc;

	v->pending = 1; /* this function's own step, released below */
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read the backup config", false,
			  on_vaultconfig, v, e);
	free(url);
	if (rc ||
	    start_list(v, "/backupResourceGuardProxies",
		       "list Resource Guard proxies", NULL, on_proxy_item,
		       on_proxy_end, v, e) ||
	    start_list(v, "/backupPolicies", "list backup policies", NULL,
		       on_policy_item, on_policy_end, v, e))
		return -1;
	return vault_step(v, e);
}

/* ---- items and recovery points ---- */

static int list_jobs(struct ex_vault *v, struct err *e);
static int list_rps(struct ex_item *it, struct err *e);

static const struct policy *find_policy(const struct ex_vault *v,
					const char *policy_id)
{
	for (size_t i = 0; i < v->npolicies; i++)
		if (strcmp(v->policies[i].policy_id, policy_id) == 0)
			return &v->policies[i];
	return NULL;
}

/* A payload row that cannot be used: counted in one warning per vault. */
static void bad_row(struct ex_vault *v, const char *kind,
		    const struct err *bad)
{
	char key[200];

	snprintf(key, sizeof(key), "bad-%s:%s", kind, v->av.v.vault_id);
	warn(v->ex, key, "%s: skipped %s that Azure described oddly: %s",
	     v->what, kind, bad->msg);
}

static int on_item(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct ex_item *it = xcalloc(1, sizeof(*it));
	struct err bad = ERR_INIT;
	int rc = arm_parse_item(o, v->av.arm_id, v->av.v.vault_id,
				&v->ex->pool, &it->ai, &bad);

	if (rc) {
		if (rc < 0)
			bad_row(v, "a protected item", &bad);
		free(it);
		return 0;
	}
	it->v = v;
	it->pool = (struct strpool)STRPOOL_INIT;
	if (it->ai.it.policy_id[0]) {
		it->policy = find_policy(v, it->ai.it.policy_id);
		if (!it->policy)
			it->ai.it.policy_id = "";
	}
	v->items = grow_array(v->items, sizeof(*v->items), v->nitems + 1,
			      &v->aitems);
	v->items[v->nitems++] = it;
	v->ex->items++;
	return list_rps(it, e);
}

static int on_item_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (is_denial(status))
		vault_warn(v, "protected items", status, code,
			   "the vault is exported without items");
	else if (status != 200 && status != 404)
		return unexpected("list protected items", status, code, e);
	if (list_jobs(v, e))
		return -1;
	return vault_step(v, e);
}

static int list_items(struct ex_vault *v, struct err *e)
{
	return start_list(v, "/backupProtectedItems", "list protected items",
			  NULL, on_item, on_item_end, v, e);
}

static int on_rp(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_item *it = ctx;
	struct err bad = ERR_INIT;
	struct rp rp;
	int rc = arm_parse_rp(o, &it->ai.it, it->policy, &it->pool, &rp, &bad);

	(void)e;
	if (rc < 0)
		bad_row(it->v, "a recovery point", &bad);
	if (rc)
		return 0;
	it->rps = grow_array(it->rps, sizeof(rp), it->n + 1, &it->alloc);
	it->rps[it->n++] = rp;
	return 0;
}

static int cmp_rp(const void *a, const void *b)
{
	const struct rp *x = a, *y = b;

	if (x->rp_time != y->rp_time)
		return x->rp_time < y->rp_time ? -1 : 1;
	return strcmp(x->rp_id, y->rp_id);
}

/* Sizes, spools and frees the item's points; writes the item row. */
static int item_finish(struct ex_item *it, struct err *e)
{
	struct ex *x = it->v->ex;
	struct item *row = &it->ai.it;
	int rc;

	itemsize_apply(row, it->rps, it->n, x->as_of);
	rc = snapbuild_item(x->b, row, e);
	if (!rc)
		rc = snapbuild_item_rps(x->b, row->item_id, it->rps, it->n, e);
	x->points += it->n;
	x->items_done++;
	free(it->rps);
	it->rps = NULL;
	it->n = it->alloc = 0;
	strpool_release(&it->pool);
	if (rc)
		return -1;
	return vault_step(it->v, e);
}

static int on_tiering_cost(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct ex_item *it = ctx;
	struct ex *x = it->v->ex;
	double red, inc;
	char key[200], b[96];

	if (status == 200 && !arm_parse_tiering_cost(body, &red, &inc) &&
	    !itemsize_from_tiering_cost(&it->ai.it, it->rps, it->n, x->as_of,
					red, inc))
		return item_finish(it, e);
	if (status != 200 && !is_denial(status) && status != 404 &&
	    status != 400 && status != 0)
		return unexpected("fetch the tiering cost", status, code, e);
	if (status != 200) {
		x->denied += is_denial(status);
		snprintf(key, sizeof(key), "tiering:%s", it->v->av.v.vault_id);
		warn(x, key,
		     "%s: fetchTieringCost failed for item %s (%s); its size "
		     "is a default",
		     it->v->what, it->ai.it.item_name, why(status, code, b));
	}
	return item_finish(it, e);
}

static int fetch_tiering_cost(struct ex_item *it, struct err *e)
{
	struct ex_vault *v = it->v;
	cJSON *req = cJSON_CreateObject();
	char *body, *url;
	int rc;

	cJSON_AddStringToObject(req, "objectType",
				"FetchTieringCostSavingsInfoForProtectedItem"
				"Request");
	cJSON_AddStringToObject(req, "containerName", it->ai.container);
	cJSON_AddStringToObject(req, "protectedItemName", it->ai.name);
	cJSON_AddStringToObject(req, "sourceTierType", "HardenedRP");
	cJSON_AddStringToObject(req, "targetTierType", "ArchivedRP");
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	url = vault_url(v, "/backupTieringCost/default/fetchTieringCost",
			ARM_API_BACKUP, NULL);
	rc = arm_post_json(&v->ex->arm, url, body, "fetch the tiering cost",
			   on_tiering_cost, it, e);
	free(url);
	cJSON_free(body);
	return rc;
}

static void item_sizes(struct ex_item *it)
{
	struct ex *x = it->v->ex;
	struct item *row = &it->ai.it;

	itemsize_default(row->workload, &row->source_gb, &row->daily_churn);
	row->size_source = SS_ESTIMATED;
	if (x->sizes && !sizes_file_find(x->sizes, row->arm_id, row->item_name,
					 &row->source_gb, &row->daily_churn))
		row->size_source = SS_REPORTED;
}

static int on_rp_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_item *it = ctx;
	struct ex *x = it->v->ex;

	if (is_denial(status) || status == 404) {
		char key[200], b[96];
		x->denied += is_denial(status);
		snprintf(key, sizeof(key), "rps:%s", it->v->av.v.vault_id);
		warn(x, key,
		     "%s: cannot read the recovery points of item %s (%s); "
		     "exported without points",
		     it->v->what, it->ai.it.item_name, why(status, code, b));
		it->n = 0;
	} else if (status != 200) {
		return unexpected("list recovery points", status, code, e);
	}
	qsort(it->rps, it->n, sizeof(*it->rps), cmp_rp);
	item_sizes(it);
	if (x->o->tiering_cost && it->ai.it.size_source != SS_REPORTED &&
	    it->n)
		return fetch_tiering_cost(it, e);
	return item_finish(it, e);
}

static int list_rps(struct ex_item *it, struct err *e)
{
	struct arm_list_spec s = { 0 };
	char *path = xasprintf("%s/recoveryPoints", it->ai.path);
	char *url = arm_url(&it->v->ex->arm, path, ARM_API_BACKUP, NULL);
	int rc;

	s.url = url;
	s.what = "list recovery points";
	s.item = on_rp;
	s.end = on_rp_end;
	s.ctx = it;
	it->v->pending++;
	rc = arm_list(&it->v->ex->arm, &s, e);
	free(url);
	free(path);
	return rc;
}

/* ---- jobs ---- */

/* "2026-01-31 02:00:00 PM", the form the CLI sends in job filters. */
static void filter_time(int64_t t, char out[32])
{
	struct civil c;
	int h12;

	time_to_civil(t, &c);
	h12 = c.hour % 12 ? c.hour % 12 : 12;
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d %s", c.year % 10000,
		 c.month, c.day, h12, c.min, c.sec, c.hour < 12 ? "AM" : "PM");
}

static int job_details(struct ex_vault *v, size_t idx, struct err *e);

static int on_job(void *ctx, const cJSON *o, struct err *e)
{
	struct ex_vault *v = ctx;
	struct err bad = ERR_INIT;
	struct arm_job aj;

	if (arm_parse_job(o, v->av.v.vault_id, &v->jpool, &aj, &bad)) {
		bad_row(v, "a backup job", &bad);
		return 0;
	}
	if (strmap_put(&v->job_ids, aj.j.job_id, v->njobs))
		return 0; /* listed by both windows */
	v->jobs = grow_array(v->jobs, sizeof(aj), v->njobs + 1, &v->ajobs);
	v->jobs[v->njobs++] = aj;
	if (job_is_restore(&aj.j) ||
	    (v->ex->o->backup_job_details && job_is_backup(&aj.j)))
		return job_details(v, v->njobs - 1, e);
	return 0;
}

static int on_job_end(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	struct ex_vault *v = ctx;

	if (is_denial(status))
		vault_warn(v, "backup jobs", status, code,
			   "no job history for it");
	else if (status != 200 && status != 404)
		return unexpected("list backup jobs", status, code, e);
	return vault_step(v, e);
}

static int list_jobs(struct ex_vault *v, struct err *e)
{
	struct ex *x = v->ex;
	char from[32], to[32], *filter;
	int rc;

	filter_time(x->as_of, to);
	filter_time(x->as_of - (int64_t)x->o->lookback_days * DAY_S, from);
	filter = xasprintf("startTime eq '%s' and endTime eq '%s' and "
			   "operation eq 'Restore'",
			   from, to);
	rc = start_list(v, "/backupJobs", "list restore jobs", filter, on_job,
			on_job_end, v, e);
	free(filter);
	if (rc)
		return -1;
	filter_time(x->as_of - (int64_t)x->o->backup_jobs_days * DAY_S, from);
	filter = xasprintf("startTime eq '%s' and endTime eq '%s'", from, to);
	rc = start_list(v, "/backupJobs", "list backup jobs", filter, on_job,
			on_job_end, v, e);
	free(filter);
	return rc;
}

struct job_ref {
	struct ex_vault *v;
	size_t idx;
};

static int on_job_details(void *ctx, const struct arm_reply *r, struct err *e)
{
	long status = r->status;
	const char *code = r->code;
	const cJSON *body = r->body;
	struct job_ref *ref = ctx;
	struct ex_vault *v = ref->v;

	if (status == 200)
		arm_apply_job_details(body, &v->jpool, &v->jobs[ref->idx].j);
	else if (is_denial(status) || status == 404)
		vault_warn(v, "job details", status, code,
			   "restores exported without the point restored");
	else
		return unexpected("read a restore job", status, code, e);
	free(ref);
	return vault_step(v, e);
}

static int job_details(struct ex_vault *v, size_t idx, struct err *e)
{
	struct job_ref *r = xcalloc(1, sizeof(*r));
	char *suffix = xasprintf("/backupJobs/%s", v->jobs[idx].j.job_id);
	char *url = vault_url(v, suffix, ARM_API_BACKUP, NULL);
	int rc;

	r->v = v;
	r->idx = idx;
	v->pending++;
	rc = arm_get_json(&v->ex->arm, url, "read a job", true,
			  on_job_details, r, e);
	if (rc)
		free(r);
	free(url);
	free(suffix);
	return rc;
}

/* The item a job is about: same workload and friendly name in the vault
 * (the lowest item_id when names repeat). */
static const char *job_item(const struct ex_vault *v, const struct arm_job *aj)
{
	const char *best = NULL;

	for (size_t i = 0; i < v->nitems; i++) {
		const struct ex_item *it = v->items[i];
		if ((aj->workload >= 0 && it->ai.it.workload != aj->workload) ||
		    !str_eq_ci(it->ai.friendly_name, aj->friendly_name))
			continue;
		if (!best || strcmp(it->ai.it.item_id, best) < 0)
			best = it->ai.it.item_id;
	}
	return best ? best : "";
}

/* ---- the end of a vault ---- */

static int vault_finish(struct ex_vault *v, struct err *e)
{
	struct ex *x = v->ex;
	struct job *jobs = xcalloc(v->njobs ? v->njobs : 1, sizeof(*jobs));
	int rc = 0;

	if (v->has_proxy) {
		v->av.v.resource_guard_id = v->proxy.guard_id;
		if (!v->av.has_mua)
			v->av.v.mua = ON;
	}
	for (size_t i = 0; i < v->njobs; i++) {
		jobs[i] = v->jobs[i].j;
		jobs[i].item_id = job_item(v, &v->jobs[i]);
	}
	x->jobs += v->njobs;
	rc = snapbuild_vault(x->b, &v->av.v, e) ||
	     snapbuild_jobs(x->b, jobs, v->njobs, e);
	for (size_t i = 0; !rc && i < v->npolicies; i++)
		rc = snapbuild_policy(x->b, &v->policies[i], e);
	if (!rc && v->has_guard)
		rc = snapbuild_guard(x->b, &v->guard, e);
	free(jobs);
	free(v->jobs);
	v->jobs = NULL;
	v->njobs = 0;
	strmap_release(&v->job_ids);
	strpool_release(&v->jpool);
	x->vaults_done++;
	return rc ? -1 : 0;
}

static void vault_free(struct ex_vault *v)
{
	for (size_t i = 0; i < v->nitems; i++) {
		free(v->items[i]->rps);
		strpool_release(&v->items[i]->pool);
		free(v->items[i]);
	}
	free(v->items);
	free(v->policies);
	free(v->jobs);
	strmap_release(&v->job_ids);
	strpool_release(&v->jpool);
	free(v);
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
	s->warnings = x->nwarns;
	s->requests = h.requests;
	s->retries = h.retries;
	s->throttled = h.throttled;
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
	if (cloud_resolve(&x->cloud, &x->o->cloud, e))
		return -1;
	if (x->o->sizes_file && sizes_file_load(&x->sizes, x->o->sizes_file, e))
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
	x->b = snapbuild_new(out_dir, e);
	return x->b ? 0 : -1;
}

static void teardown(struct ex *x)
{
	for (size_t i = 0; i < x->nvaults; i++)
		vault_free(x->vaults[i]);
	free(x->vaults);
	for (size_t i = 0; i < x->nwarns; i++)
		free(x->warns[i].text);
	free(x->warns);
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
	    http_run(x.http, e) || nothing_read(&x, e))
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
