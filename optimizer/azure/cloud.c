/* SPDX-License-Identifier: MIT
 * cloud.c: national clouds, endpoint overrides and the https-or-loopback
 * rule (see cloud.h). URLs are parsed with libcurl's URL API, the same
 * parser that will later connect, so what is checked is what is used. */
#include "optimizer/azure/cloud.h"

#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "optimizer/base/util.h"

static const struct {
	const char *name, *arm, *authority, *scope, *resource, *prices;
} clouds[] = {
	{ "AzureCloud", "https://management.azure.com",
	  "https://login.microsoftonline.com",
	  "https://management.azure.com/.default",
	  "https://management.azure.com/",
	  "https://prices.azure.com/api/retail/prices" },
	{ "AzureUSGovernment", "https://management.usgovcloudapi.net",
	  "https://login.microsoftonline.us",
	  "https://management.core.usgovcloudapi.net/.default",
	  "https://management.core.usgovcloudapi.net/",
	  "https://prices.azure.com/api/retail/prices" },
	{ "AzureChinaCloud", "https://management.chinacloudapi.cn",
	  "https://login.chinacloudapi.cn",
	  "https://management.core.chinacloudapi.cn/.default",
	  "https://management.core.chinacloudapi.cn/",
	  "https://prices.azure.com/api/retail/prices" },
};

bool host_is_loopback(const char *host)
{
	char buf[64];
	size_t n = strlen(host);
	struct in_addr a4;
	struct in6_addr a6;

	if (str_eq_ci(host, "localhost"))
		return true;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return false;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
	return false;
}

/* Scheme, host and port of url (caller frees with curl_free). */
static int url_parts(const char *url, char **scheme, char **host,
		     char **port)
{
	CURLU *u = curl_url();
	int rc = -1;

	*scheme = *host = *port = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) ==
		    CURLUE_OK)
		rc = 0;
	curl_url_cleanup(u);
	return rc;
}

static void free_parts(char *scheme, char *host, char *port)
{
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
}

int url_check(const char *url, const char *what, bool allow_imds,
	      struct err *e)
{
	char *scheme, *host, *port;
	int rc = 0;

	if (url_parts(url, &scheme, &host, &port)) {
		free_parts(scheme, host, port);
		return err_set(e, EXIT_USAGE, "%s: '%s' is not a valid URL",
			       what, url);
	}
	if (str_eq_ci(scheme, "https"))
		rc = 0;
	else if (!str_eq_ci(scheme, "http"))
		rc = err_set(e, EXIT_USAGE,
			     "%s: '%s': only https:// URLs are accepted", what,
			     url);
	else if (!host_is_loopback(host) &&
		 !(allow_imds && strcmp(host, "169.254.169.254") == 0))
		rc = err_set(e, EXIT_USAGE,
			     "%s: '%s': plain http is refused for a host that "
			     "is not a loopback address (use https://)",
			     what, url);
	free_parts(scheme, host, port);
	return rc;
}

bool url_same_origin(const char *a, const char *b)
{
	char *s1, *h1, *p1, *s2, *h2, *p2;
	bool same;

	if (url_parts(a, &s1, &h1, &p1) || url_parts(b, &s2, &h2, &p2)) {
		free_parts(s1, h1, p1);
		return false;
	}
	same = str_eq_ci(s1, s2) && str_eq_ci(h1, h2) && strcmp(p1, p2) == 0;
	free_parts(s1, h1, p1);
	free_parts(s2, h2, p2);
	return same;
}

/* A copy of url without trailing slashes. */
static char *trimmed(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

int cloud_resolve(struct cloud *c, const struct cloud_options *o,
		  struct err *e)
{
	const char *name = o->cloud ? o->cloud : "AzureCloud";
	const char *authority = o->authority;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < ARRAY_SIZE(clouds); i++)
		if (str_eq_ci(name, clouds[i].name))
			break;
	if (i == ARRAY_SIZE(clouds))
		return err_set(e, EXIT_USAGE,
			       "--cloud: unknown cloud '%s' (AzureCloud, "
			       "AzureUSGovernment or AzureChinaCloud)",
			       name);
	if (!authority || !*authority)
		authority = getenv("AZURE_AUTHORITY_HOST");
	c->name = xstrdup(clouds[i].name);
	c->arm = trimmed(o->arm_endpoint ? o->arm_endpoint : clouds[i].arm);
	c->authority = trimmed(authority && *authority ? authority
						       : clouds[i].authority);
	c->scope = xstrdup(clouds[i].scope);
	c->resource = xstrdup(clouds[i].resource);
	c->prices = xstrdup(o->prices_endpoint ? o->prices_endpoint
					       : clouds[i].prices);
	c->ca_bundle = o->ca_bundle ? xstrdup(o->ca_bundle) : NULL;
	if (url_check(c->arm, "--arm-endpoint", false, e) ||
	    url_check(c->authority, o->authority ? "--authority"
						 : "AZURE_AUTHORITY_HOST",
		      false, e) ||
	    url_check(c->prices, "--prices-endpoint", false, e))
		goto fail;
	if (c->ca_bundle && access(c->ca_bundle, R_OK) != 0) {
		err_errno(e, EXIT_NOINPUT, "--ca-bundle: cannot read '%s'",
			  c->ca_bundle);
		goto fail;
	}
	return 0;
fail:
	cloud_release(c);
	return -1;
}

void cloud_release(struct cloud *c)
{
	free(c->name);
	free(c->arm);
	free(c->authority);
	free(c->scope);
	free(c->resource);
	free(c->prices);
	free(c->ca_bundle);
	memset(c, 0, sizeof(*c));
}
