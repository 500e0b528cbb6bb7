/* SPDX-License-Identifier: MIT
 * test_auth.c: the certificate client assertion checked the way Microsoft
 * Entra checks it: header (alg, typ, x5t#S256 / x5t = thumbprint of the
 * certificate's DER), claims (aud, iss = sub = client id, jti, nbf, exp),
 * and the signature verified with the certificate's public key: RSA-PSS
 * with a digest-length salt for PS256 (and not PKCS#1 v1.5), PKCS#1 v1.5
 * for RS256. Also base64url, and which credential sources count as
 * configured. Uses the emulator's test client certificate; no network. */
#include "testutil.h"

#include <math.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "optimizer/azure/auth.h"
#include "optimizer/azure/cloud.h"
#include "optimizer/azure/http.h"

#define CERT "tests/emulator/certs/client.pem"
#define AUD "https://login.example.test/tenant-1/oauth2/v2.0/token"

static unsigned char *b64url_decode(const char *s, size_t n, size_t *len)
{
	size_t padded = (n + 3) / 4 * 4;
	char *buf = xcalloc(padded + 1, 1);
	unsigned char *out = xmalloc(padded);
	int k;

	memcpy(buf, s, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = buf[i] == '-' ? '+' : buf[i] == '_' ? '/' : buf[i];
	for (size_t i = n; i < padded; i++)
		buf[i] = '=';
	k = EVP_DecodeBlock(out, (unsigned char *)buf, (int)padded);
	assert_true(k >= 0);
	*len = (size_t)k - (padded - n);
	free(buf);
	return out;
}

static cJSON *part_json(const char *s, size_t n)
{
	size_t len;
	unsigned char *raw = b64url_decode(s, n, &len);
	cJSON *o = cJSON_ParseWithLength((char *)raw, len);

	free(raw);
	assert_non_null(o);
	return o;
}

static X509 *load_cert(void)
{
	FILE *f = fopen(CERT, "r");
	X509 *x;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static char *thumb(X509 *x, const EVP_MD *md)
{
	unsigned char *der = NULL, dig[EVP_MAX_MD_SIZE];
	unsigned int n;
	int len = i2d_X509(x, &der);
	char *out;

	EVP_Digest(der, (size_t)len, dig, &n, md, NULL);
	OPENSSL_free(der);
	out = base64url(dig, n);
	return out;
}

static int verify(X509 *x, const char *input, size_t n,
		  const unsigned char *sig, size_t siglen, bool pss)
{
	EVP_PKEY *key = X509_get_pubkey(x);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	assert_int_equal(EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL,
					      key),
			 1);
	if (pss) {
		EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
	}
	ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)input,
			      n) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok;
}

static struct auth *cert_auth(struct cloud *c)
{
	struct cloud_options o = { 0 };
	struct http_config cfg;
	struct err e = ERR_INIT;
	struct auth *a;

	setenv("AZURE_TENANT_ID", "tenant-1", 1);
	setenv("AZURE_CLIENT_ID", "client-1", 1);
	setenv("AZURE_CLIENT_CERTIFICATE_PATH", CERT, 1);
	unsetenv("AZURE_CLIENT_SECRET");
	assert_int_equal(cloud_resolve(c, &o, &e), 0);
	http_config_init(&cfg);
	a = auth_new(c, &cfg, &e);
	if (!a)
		fail_msg("auth_new: %s", e.msg);
	assert_string_equal(auth_source(a), "a client certificate (PS256)");
	return a;
}

static void check_assertion(bool rs256)
{
	struct cloud c;
	struct auth *a = cert_auth(&c);
	struct err e = ERR_INIT;
	char *jwt = auth_client_assertion(a, AUD, rs256, &e);
	const char *dot1, *dot2;
	cJSON *hdr, *claims;
	unsigned char *sig;
	size_t siglen;
	X509 *x = load_cert();
	char *want;
	double now = (double)time(NULL);

	assert_non_null(jwt);
	dot1 = strchr(jwt, '.');
	assert_non_null(dot1);
	dot2 = strchr(dot1 + 1, '.');
	assert_non_null(dot2);
	assert_null(strchr(jwt, '='));
	hdr = part_json(jwt, (size_t)(dot1 - jwt));
	claims = part_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	assert_string_equal(cJSON_GetObjectItem(hdr, "alg")->valuestring,
			    rs256 ? "RS256" : "PS256");
	assert_string_equal(cJSON_GetObjectItem(hdr, "typ")->valuestring,
			    "JWT");
	want = thumb(x, rs256 ? EVP_sha1() : EVP_sha256());
	assert_string_equal(cJSON_GetObjectItem(hdr, rs256 ? "x5t"
							 : "x5t#S256")
				    ->valuestring,
			    want);
	assert_null(cJSON_GetObjectItem(hdr, rs256 ? "x5t#S256" : "x5t"));
	free(want);
	assert_string_equal(cJSON_GetObjectItem(claims, "aud")->valuestring,
			    AUD);
	assert_string_equal(cJSON_GetObjectItem(claims, "iss")->valuestring,
			    "client-1");
	assert_string_equal(cJSON_GetObjectItem(claims, "sub")->valuestring,
			    "client-1");
	assert_int_equal(strlen(cJSON_GetObjectItem(claims, "jti")
					->valuestring),
			 36);
	assert_true(fabs(cJSON_GetObjectItem(claims, "nbf")->valuedouble -
			 now) < 60);
	assert_true(cJSON_GetObjectItem(claims, "exp")->valuedouble >
		    now + 60);
	assert_true(cJSON_GetObjectItem(claims, "exp")->valuedouble <=
		    now + 660);
	sig = b64url_decode(dot2 + 1, strlen(dot2 + 1), &siglen);
	assert_true(verify(x, jwt, (size_t)(dot2 - jwt), sig, siglen,
			   !rs256));
	/* PS256 really is PSS (and RS256 is not). */
	assert_false(verify(x, jwt, (size_t)(dot2 - jwt), sig, siglen,
			    rs256));
	free(sig);
	cJSON_Delete(hdr);
	cJSON_Delete(claims);
	X509_free(x);
	free(jwt);
	auth_free(a);
	cloud_release(&c);
}

static void test_auth__assertion_ps256(void **state)
{
	(void)state;
	check_assertion(false);
}

static void test_auth__assertion_rs256(void **state)
{
	(void)state;
	check_assertion(true);
}

static void test_auth__base64url(void **state)
{
	char *s;

	(void)state;
	s = base64url((const unsigned char *)"\xfb\xff\xbf", 3);
	assert_string_equal(s, "-_-_");
	free(s);
	s = base64url((const unsigned char *)"ab", 2);
	assert_string_equal(s, "YWI");
	free(s);
	s = base64url((const unsigned char *)"", 0);
	assert_string_equal(s, "");
	free(s);
}

static void clear_env(void)
{
	static const char *const vars[] = {
		"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
		"AZURE_CLIENT_CERTIFICATE_PATH", "IDENTITY_ENDPOINT",
		"IDENTITY_HEADER", "VAULTWISE_IMDS_ENDPOINT",
	};
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
	setenv("PATH", "/nonexistent", 1);
	setenv("AZURE_CONFIG_DIR", "/nonexistent", 1);
}

static void test_auth__configured(void **state)
{
	const char *path = getenv("PATH");
	char *saved = xstrdup(path ? path : "/usr/bin:/bin");
	bool on_azure_vm;

	(void)state;
	clear_env();
	/* The test may itself run on an Azure VM: then that is enough. */
	on_azure_vm = auth_configured();
	setenv("AZURE_TENANT_ID", "t", 1);
	assert_int_equal(auth_configured(), on_azure_vm);
	setenv("AZURE_CLIENT_ID", "c", 1);
	assert_int_equal(auth_configured(), on_azure_vm);
	setenv("AZURE_CLIENT_SECRET", "s", 1);
	assert_true(auth_configured());
	clear_env();
	setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token", 1);
	setenv("IDENTITY_HEADER", "h", 1);
	assert_true(auth_configured());
	clear_env();
	setenv("VAULTWISE_IMDS_ENDPOINT", "http://127.0.0.1:1", 1);
	assert_true(auth_configured());
	clear_env();
	setenv("PATH", saved, 1);
	unsetenv("AZURE_CONFIG_DIR");
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth__assertion_ps256),
		cmocka_unit_test(test_auth__assertion_rs256),
		cmocka_unit_test(test_auth__base64url),
		cmocka_unit_test(test_auth__configured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
