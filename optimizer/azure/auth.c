/* SPDX-License-Identifier: MIT
 * auth.c: the credential chain, the certificate JWT (OpenSSL EVP), the
 * Azure CLI runner and the in-memory token cache (see auth.h). */
#include "optimizer/azure/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "optimizer/azure/arm_parse.h"
#include "optimizer/base/fileio.h"
#include "optimizer/base/log.h"
#include "optimizer/base/timeutil.h"
#include "optimizer/base/util.h"

#define CLI_TIMEOUT_S 60
#define CLI_MAX_OUTPUT (1u << 20)
#define ASSERTION_LIFETIME_S 600
#define AZURE_VM_ASSET_TAG "7783-7084-3265-9085"

enum source { SRC_NONE, SRC_SECRET, SRC_CERT, SRC_APPSERVICE, SRC_IMDS,
	      SRC_CLI };

struct auth {
	const struct cloud *cloud;
	struct http_client *http;   /* synchronous, for token requests */
	enum source source;
	bool resolved;              /* the chain has picked its source */
	char *tenant, *client_id;
	char *secret;
	X509 *cert;
	EVP_PKEY *key;
	bool rs256;                 /* PS256 was refused: use RS256 */
	char *imds;                 /* IMDS base URL */
	char *token;
	time_t expires;
	unsigned gen;
};

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static void no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
}

char *base64url(const unsigned char *data, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)out, data, (int)n);

	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (char *p = out; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	return out;
}

/* ---- certificate ---- */

static int cert_password(char *buf, int size, int rwflag, void *u)
{
	const char *pw = env("AZURE_CLIENT_CERTIFICATE_PASSWORD");
	int n;

	(void)rwflag;
	(void)u;
	if (!pw)
		return 0;
	n = (int)strlen(pw);
	if (n > size)
		n = size;
	memcpy(buf, pw, (size_t)n);
	return n;
}

static int load_certificate(struct auth *a, const char *path, struct err *e)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x;

	if (!bio)
		return err_errno(e, EXIT_NOINPUT,
				 "AZURE_CLIENT_CERTIFICATE_PATH: cannot read "
				 "'%s'",
				 path);
	a->key = PEM_read_bio_PrivateKey(bio, NULL, cert_password, NULL);
	BIO_reset(bio);
	while (a->key && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!a->cert && X509_check_private_key(x, a->key) == 1)
			a->cert = x;
		else
			X509_free(x);
	}
	BIO_free(bio);
	if (!a->key)
		return err_set(e, EXIT_DATAERR,
			       "AZURE_CLIENT_CERTIFICATE_PATH: '%s' holds no "
			       "readable private key (PEM with the key is "
			       "needed; set AZURE_CLIENT_CERTIFICATE_PASSWORD "
			       "if it is encrypted)",
			       path);
	if (EVP_PKEY_base_id(a->key) != EVP_PKEY_RSA)
		return err_set(e, EXIT_DATAERR,
			       "AZURE_CLIENT_CERTIFICATE_PATH: '%s': the key "
			       "is not RSA, which Microsoft Entra requires",
			       path);
	if (!a->cert)
		return err_set(e, EXIT_DATAERR,
			       "AZURE_CLIENT_CERTIFICATE_PATH: '%s' holds no "
			       "certificate matching its private key",
			       path);
	return 0;
}

/* base64url of the certificate's DER digest (SHA-1: x5t, SHA-256:
 * x5t#S256). */
static char *thumbprint(X509 *cert, const EVP_MD *md)
{
	unsigned char *der = NULL, dig[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int len = i2d_X509(cert, &der);
	char *out;

	if (len <= 0)
		return xstrdup("");
	EVP_Digest(der, (size_t)len, dig, &n, md, NULL);
	OPENSSL_free(der);
	out = base64url(dig, n);
	return out;
}

static void uuid4(char out[37])
{
	unsigned char b[16];
	char hex[33];

	RAND_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	hex_encode(b, sizeof(b), hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
}

static char *json_b64(cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);
	char *out = base64url((unsigned char *)text, strlen(text));

	cJSON_free(text);
	cJSON_Delete(o);
	return out;
}

static int sign(EVP_PKEY *key, bool pss, const char *input,
		unsigned char **sig, size_t *siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int rc = -1;

	*sig = NULL;
	if (!md || EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1)
		goto done;
	if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx,
						 RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
						     RSA_PSS_SALTLEN_DIGEST) !=
			    1))
		goto done;
	if (EVP_DigestSign(md, NULL, siglen, (const unsigned char *)input,
			   strlen(input)) != 1)
		goto done;
	*sig = xmalloc(*siglen);
	if (EVP_DigestSign(md, *sig, siglen, (const unsigned char *)input,
			   strlen(input)) != 1) {
		free(*sig);
		*sig = NULL;
		goto done;
	}
	rc = 0;
done:
	EVP_MD_CTX_free(md);
	return rc;
}

/* The signed client assertion (caller wipes and frees). */
static char *client_assertion(struct auth *a, const char *aud,
			      struct err *e)
{
	cJSON *hdr = cJSON_CreateObject(), *claims = cJSON_CreateObject();
	char jti[37], *h64, *c64, *input, *s64, *jwt;
	char *x5t = thumbprint(a->cert, a->rs256 ? EVP_sha1() : EVP_sha256());
	time_t now = time(NULL);
	unsigned char *sig;
	size_t siglen;

	cJSON_AddStringToObject(hdr, "alg", a->rs256 ? "RS256" : "PS256");
	cJSON_AddStringToObject(hdr, "typ", "JWT");
	cJSON_AddStringToObject(hdr, a->rs256 ? "x5t" : "x5t#S256", x5t);
	free(x5t);
	uuid4(jti);
	cJSON_AddStringToObject(claims, "aud", aud);
	cJSON_AddStringToObject(claims, "iss", a->client_id);
	cJSON_AddStringToObject(claims, "sub", a->client_id);
	cJSON_AddStringToObject(claims, "jti", jti);
	cJSON_AddNumberToObject(claims, "nbf", (double)now);
	cJSON_AddNumberToObject(claims, "iat", (double)now);
	cJSON_AddNumberToObject(claims, "exp",
				(double)(now + ASSERTION_LIFETIME_S));
	h64 = json_b64(hdr);
	c64 = json_b64(claims);
	input = xasprintf("%s.%s", h64, c64);
	free(h64);
	free(c64);
	if (sign(a->key, !a->rs256, input, &sig, &siglen)) {
		free(input);
		err_set(e, EXIT_SOFTWARE,
			"cannot sign the client assertion with OpenSSL");
		return NULL;
	}
	s64 = base64url(sig, siglen);
	jwt = xasprintf("%s.%s", input, s64);
	free(input);
	free(s64);
	free(sig);
	return jwt;
}

char *auth_client_assertion(struct auth *a, const char *aud, bool rs256,
			    struct err *e)
{
	bool was = a->rs256;
	char *jwt;

	if (!a->key || !a->cert) {
		err_set(e, EXIT_SOFTWARE, "no client certificate loaded");
		return NULL;
	}
	a->rs256 = rs256;
	jwt = client_assertion(a, aud, e);
	a->rs256 = was;
	return jwt;
}

/* ---- token responses ---- */

/* Takes access_token and its lifetime from a token response. */
static int take_token(struct auth *a, const char *body, struct err *e)
{
	cJSON *o = cJSON_Parse(body);
	cJSON *tok = cJSON_GetObjectItemCaseSensitive(o, "access_token");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "expires_in");
	const cJSON *on = cJSON_GetObjectItemCaseSensitive(o, "expires_on");
	time_t now = time(NULL);
	double lifetime = 3600, v;

	if (!cJSON_IsString(tok))
		tok = cJSON_GetObjectItemCaseSensitive(o, "accessToken");
	if (!cJSON_IsString(tok) || !*tok->valuestring) {
		cJSON_Delete(o);
		return err_set(e, EXIT_UNAVAILABLE,
			       "the token response of %s holds no access "
			       "token",
			       auth_source(a));
	}
	if (cJSON_IsNumber(in))
		lifetime = in->valuedouble;
	else if (cJSON_IsString(in) &&
		 !parse_double(in->valuestring, 0, 1e9, &v))
		lifetime = v;
	else if (cJSON_IsNumber(on))
		lifetime = on->valuedouble - (double)now;
	else if (cJSON_IsString(on) &&
		 !parse_double(on->valuestring, 0, 1e12, &v))
		lifetime = v - (double)now;
	else if (a->source == SRC_CLI)
		lifetime = 300; /* old CLIs give only a local time */
	wipe_free(a->token);
	a->token = xstrdup(tok->valuestring);
	OPENSSL_cleanse(tok->valuestring, strlen(tok->valuestring));
	cJSON_Delete(o);
	/* Renew with a margin: 5 minutes, or a quarter of a short life.
	 * No token lives past a day: a longer lifetime (1e300) is clamped
	 * before the cast to time_t, which it would overflow. */
	if (!(lifetime >= 1))
		lifetime = 1;
	else if (lifetime > DAY_S)
		lifetime = DAY_S;
	a->expires = now + (time_t)lifetime -
		     (time_t)(lifetime >= 1200 ? 300 : lifetime / 4);
	a->gen++;
	return 0;
}

/* The OAuth error of a refused token request, without any secret. */
static int token_refused(struct auth *a, const struct http_result *r,
			 struct err *e)
{
	cJSON *o = cJSON_Parse(r->body);
	const char *code = arm_error_code(o);
	const char *desc = arm_str(o, "error_description");
	char aadsts[24] = "";

	if (desc && str_starts_with(desc, "AADSTS"))
		snprintf(aadsts, sizeof(aadsts), " %.*s",
			 (int)strspn(desc, "AADSTS0123456789"), desc);
	err_set(e, r->status >= 500 ? EXIT_UNAVAILABLE : EXIT_NOPERM,
		"authentication with %s failed: HTTP %ld %s%s", auth_source(a),
		r->status, *code ? code : "(no error code)", aadsts);
	cJSON_Delete(o);
	return -1;
}

static char *form_escape(const char *s)
{
	char *esc = curl_easy_escape(NULL, s, 0);
	char *out = xstrdup(esc);

	OPENSSL_cleanse(esc, strlen(esc));
	curl_free(esc);
	return out;
}

/* client_credentials with a secret or an assertion. */
static int token_from_authority(struct auth *a, struct err *e)
{
	char *url = xasprintf("%s/%s/oauth2/v2.0/token", a->cloud->authority,
			      a->tenant);
	char *cid = form_escape(a->client_id);
	char *scope = form_escape(a->cloud->scope);
	struct http_result r;
	int rc = -1;

	for (;;) {
		char *cred, *body;
		struct http_request rq = { 0 };

		if (a->source == SRC_SECRET) {
			char *s = form_escape(a->secret);
			cred = xasprintf("client_secret=%s", s);
			wipe_free(s);
		} else {
			char *jwt = client_assertion(a, url, e), *s;
			if (!jwt)
				break;
			s = form_escape(jwt);
			wipe_free(jwt);
			cred = xasprintf("client_assertion_type=urn%%3Aietf%%3A"
					 "params%%3Aoauth%%3Aclient-assertion-"
					 "type%%3Ajwt-bearer&client_assertion="
					 "%s",
					 s);
			wipe_free(s);
		}
		body = xasprintf("client_id=%s&scope=%s&grant_type="
				 "client_credentials&%s",
				 cid, scope, cred);
		wipe_free(cred);
		rq.method = "POST";
		rq.url = url;
		rq.body = body;
		rq.content_type = "application/x-www-form-urlencoded";
		rq.sensitive = true;
		rq.what = "get an access token";
		rc = http_fetch(a->http, &rq, &r, e);
		wipe_free(body);
		if (rc)
			break;
		if (r.status == 200) {
			rc = take_token(a, r.body, e);
		} else if (a->source == SRC_CERT && !a->rs256 &&
			   (r.status == 400 || r.status == 401)) {
			debugf("PS256 client assertion refused (HTTP %ld); "
			       "trying RS256 with x5t",
			       r.status);
			a->rs256 = true;
			http_result_release(&r);
			continue;
		} else {
			rc = token_refused(a, &r, e);
		}
		http_result_release(&r);
		break;
	}
	free(url);
	free(cid);
	free(scope);
	return rc;
}

/* ---- managed identity ---- */

static int mi_request(struct auth *a, const char *url, const char *header,
		      bool probe, struct http_result *r, struct err *e)
{
	const char *headers[] = { header, NULL };
	struct http_request rq = { 0 };

	rq.url = url;
	rq.headers = headers;
	rq.sensitive = true;
	rq.allow_imds = true;
	rq.quick_connect = probe;
	rq.what = "get a managed-identity token";
	return http_fetch(a->http, &rq, r, e);
}

static char *mi_url(struct auth *a, const char *base, const char *api)
{
	char *res = form_escape(a->cloud->resource);
	char *cid = a->client_id ? form_escape(a->client_id) : NULL;
	char *url = xasprintf("%s%sapi-version=%s&resource=%s%s%s", base,
			      strchr(base, '?') ? "&" : "?", api, res,
			      cid ? "&client_id=" : "", cid ? cid : "");

	free(res);
	free(cid);
	return url;
}

/* 1: managed identity unavailable here (no IMDS, no identity). */
static int token_from_mi(struct auth *a, struct err *e)
{
	struct http_result r;
	char *url, *header;
	int rc;

	if (a->source == SRC_APPSERVICE) {
		url = mi_url(a, env("IDENTITY_ENDPOINT"), "2019-08-01");
		header = xasprintf("X-IDENTITY-HEADER: %s",
				   env("IDENTITY_HEADER"));
	} else {
		char *base = xasprintf("%s/metadata/identity/oauth2/token",
				       a->imds);
		url = mi_url(a, base, "2018-02-01");
		header = xstrdup("Metadata: true");
		free(base);
	}
	rc = mi_request(a, url, header, !a->resolved, &r, e);
	wipe_free(header);
	free(url);
	if (rc)
		return -1;
	if (r.status == 200)
		rc = take_token(a, r.body, e);
	else if (!a->resolved)
		rc = 1; /* nothing listening, no identity, or not IMDS */
	else
		rc = token_refused(a, &r, e);
	http_result_release(&r);
	return rc;
}

/* ---- Azure CLI ---- */

/* Reads fd until EOF into sb (at most max bytes); -1 on timeout. */
static int read_child(int out, int errfd, struct strbuf *sb,
		      struct strbuf *err, double deadline)
{
	struct pollfd p[2] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	int open = 2;

	while (open > 0) {
		char buf[4096];
		double left = deadline - http_now();
		int n = poll(p, 2, left > 0 ? (int)(left * 1000) : 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			ssize_t k;
			struct strbuf *dst = i == 0 ? sb : err;
			size_t max = i == 0 ? CLI_MAX_OUTPUT : 4096;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			k = read(p[i].fd, buf, sizeof(buf));
			if (k <= 0) {
				p[i].fd = -1;
				open--;
			} else if (dst->len + (size_t)k <= max) {
				strbuf_add(dst, buf, (size_t)k);
			}
			OPENSSL_cleanse(buf, sizeof(buf));
		}
	}
	return 0;
}

static pid_t spawn_cli(char *const argv[], int *out, int *errfd)
{
	int po[2], pe[2];
	pid_t pid;

	if (pipe(po))
		return -1;
	if (pipe(pe)) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		return -1;
	}
	*out = po[0];
	*errfd = pe[0];
	return pid;
}

/* The first line of the CLI's stderr, for the message. */
static void first_line(const char *s, char *out, size_t n)
{
	size_t k = strcspn(s, "\r\n");

	if (k >= n)
		k = n - 1;
	memcpy(out, s, k);
	out[k] = '\0';
}

/* 1: no Azure CLI on PATH. */
static int token_from_cli(struct auth *a, struct err *e)
{
	char *argv[] = { "az", "account", "get-access-token", "--resource",
			 a->cloud->resource, "-o", "json", NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int fo, fe, status = 0, rc;
	pid_t pid;
	char line[200];

	if (a->tenant) {
		argv[7] = "--tenant";
		argv[8] = a->tenant;
	}
	pid = spawn_cli(argv, &fo, &fe);
	if (pid < 0)
		return err_errno(e, EXIT_SOFTWARE, "cannot run the Azure CLI");
	rc = read_child(fo, fe, &out, &err, http_now() + CLI_TIMEOUT_S);
	close(fo);
	close(fe);
	if (rc)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(err.buf, line, sizeof(line));
	strbuf_release(&err);
	if (rc) {
		rc = err_set(e, EXIT_UNAVAILABLE,
			     "the Azure CLI did not answer within %d s",
			     CLI_TIMEOUT_S);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 &&
		   !out.len) {
		rc = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = err_set(e, EXIT_NOPERM,
			     "the Azure CLI could not give a token%s%s "
			     "(run 'az login')",
			     *line ? ": " : "", line);
	} else {
		rc = take_token(a, out.buf, e);
	}
	if (out.len)
		OPENSSL_cleanse(out.buf, out.len);
	strbuf_release(&out);
	return rc;
}

/* ---- the chain ---- */

struct auth *auth_new(const struct cloud *cloud,
		      const struct http_config *cfg, struct err *e)
{
	struct auth *a = xcalloc(1, sizeof(*a));
	struct http_config one = *cfg;
	const char *tenant = env("AZURE_TENANT_ID");
	const char *cid = env("AZURE_CLIENT_ID");
	const char *imds = env("VAULTWISE_IMDS_ENDPOINT");

	one.concurrency = 1;
	a->cloud = cloud;
	a->http = http_client_new(&one, NULL);
	a->tenant = tenant ? xstrdup(tenant) : NULL;
	a->client_id = cid ? xstrdup(cid) : NULL;
	a->imds = xstrdup(imds ? imds : "http://169.254.169.254");
	no_core_dumps();
	if (tenant && cid && env("AZURE_CLIENT_SECRET")) {
		a->source = SRC_SECRET;
		a->secret = xstrdup(env("AZURE_CLIENT_SECRET"));
	} else if (tenant && cid && env("AZURE_CLIENT_CERTIFICATE_PATH")) {
		a->source = SRC_CERT;
		if (load_certificate(a, env("AZURE_CLIENT_CERTIFICATE_PATH"),
				     e))
			goto fail;
	} else if (env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER")) {
		a->source = SRC_APPSERVICE;
		if (url_check(env("IDENTITY_ENDPOINT"), "IDENTITY_ENDPOINT",
			      false, e))
			goto fail;
	} else {
		a->source = SRC_IMDS;
		if (url_check(a->imds, "VAULTWISE_IMDS_ENDPOINT", true, e))
			goto fail;
	}
	a->resolved = a->source != SRC_IMDS;
	return a;
fail:
	auth_free(a);
	return NULL;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	http_client_free(a->http);
	wipe_free(a->secret);
	wipe_free(a->token);
	free(a->tenant);
	free(a->client_id);
	free(a->imds);
	X509_free(a->cert);
	EVP_PKEY_free(a->key);
	free(a);
}

const char *auth_source(const struct auth *a)
{
	switch (a ? a->source : SRC_NONE) {
	case SRC_SECRET:
		return "a client secret";
	case SRC_CERT:
		return a->rs256 ? "a client certificate (RS256)"
				: "a client certificate (PS256)";
	case SRC_APPSERVICE:
		return "managed identity (App Service)";
	case SRC_IMDS:
		return "managed identity (IMDS)";
	case SRC_CLI:
		return "the Azure CLI";
	default:
		return "no credential";
	}
}

static int fetch_token(struct auth *a, struct err *e)
{
	int rc;

	switch (a->source) {
	case SRC_SECRET:
	case SRC_CERT:
		return token_from_authority(a, e);
	case SRC_APPSERVICE:
		return token_from_mi(a, e) == 0 ? 0 : -1;
	case SRC_IMDS:
		rc = token_from_mi(a, e);
		if (rc <= 0) {
			a->resolved = rc == 0;
			return rc;
		}
		debugf("no managed identity at %s; trying the Azure CLI",
		       a->imds);
		a->source = SRC_CLI;
		/* fall through */
	case SRC_CLI:
		rc = token_from_cli(a, e);
		if (rc == 1)
			return err_set(e, EXIT_NOPERM,
				       "no Azure credential found: set "
				       "AZURE_TENANT_ID, AZURE_CLIENT_ID and "
				       "AZURE_CLIENT_SECRET (or "
				       "AZURE_CLIENT_CERTIFICATE_PATH), run "
				       "on Azure with a managed identity, or "
				       "log in with 'az login'");
		a->resolved = rc == 0;
		return rc;
	default:
		return err_set(e, EXIT_SOFTWARE, "no credential source");
	}
}

int auth_token(struct auth *a, const char **token, unsigned *gen,
	       struct err *e)
{
	if (!a->token || time(NULL) >= a->expires) {
		debugf("getting an access token with %s", auth_source(a));
		if (fetch_token(a, e))
			return -1;
	}
	*token = a->token;
	*gen = a->gen;
	return 0;
}

void auth_rejected(struct auth *a, unsigned gen)
{
	if (gen == a->gen && a->token) {
		debugf("Azure rejected the access token; getting a new one");
		wipe_free(a->token);
		a->token = NULL;
	}
}

static int hook_token(void *ctx, const char **token, unsigned *gen,
		      struct err *e)
{
	return auth_token(ctx, token, gen, e);
}

static void hook_rejected(void *ctx, unsigned gen)
{
	auth_rejected(ctx, gen);
}

struct http_auth auth_hook(struct auth *a)
{
	struct http_auth h = { hook_token, hook_rejected, a };
	return h;
}

/* ---- is anything configured? ---- */

static bool file_has(const char *path, const char *text)
{
	char buf[64] = "";
	struct err ignored = ERR_INIT;
	FILE *f = open_input(path, "", &ignored); /* never waits on a FIFO */
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy;
	const char *dirs[256];
	size_t n;
	bool found = false;

	if (!path)
		return false;
	n = str_split(path, ':', &copy, dirs, ARRAY_SIZE(dirs));
	for (size_t i = 0; i < n && !found; i++) {
		char *p = path_join(*dirs[i] ? dirs[i] : ".", prog);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

/* An Azure CLI profile with at least one subscription. */
static bool cli_logged_in(void)
{
	const char *dir = env("AZURE_CONFIG_DIR");
	char *path, *text = NULL;
	struct err e = ERR_INIT;
	bool yes = false;

	if (dir)
		path = path_join(dir, "azureProfile.json");
	else if (env("HOME"))
		path = xasprintf("%s/.azure/azureProfile.json", env("HOME"));
	else
		return false;
	if (!read_file(path, 16u << 20, &text, NULL, &e)) {
		/* The CLI writes a UTF-8 BOM first. */
		const char *json = str_starts_with(text, "\xEF\xBB\xBF")
					   ? text + 3
					   : text;
		cJSON *o = cJSON_Parse(json);
		yes = cJSON_GetArraySize(arm_get(o, "subscriptions")) > 0;
		cJSON_Delete(o);
	}
	free(text);
	free(path);
	return yes;
}

bool auth_configured(void)
{
	bool ids = env("AZURE_TENANT_ID") && env("AZURE_CLIENT_ID");

	if (ids && (env("AZURE_CLIENT_SECRET") ||
		    env("AZURE_CLIENT_CERTIFICATE_PATH")))
		return true;
	if (env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER"))
		return true;
	if (env("VAULTWISE_IMDS_ENDPOINT"))
		return true;
	if (file_has("/sys/class/dmi/id/chassis_asset_tag", AZURE_VM_ASSET_TAG))
		return true;
	return on_path("az") && cli_logged_in();
}
