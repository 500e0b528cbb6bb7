/* SPDX-License-Identifier: MIT
 * cloud.h: which Azure to talk to. Resolves --cloud and the endpoint
 * overrides (--arm-endpoint, --authority or AZURE_AUTHORITY_HOST,
 * --prices-endpoint, --ca-bundle) into URLs, and enforces the transport
 * rule: https always, plain http only to a loopback host (127.0.0.0/8, ::1,
 * localhost), checked before any connection is made. Used by export,
 * prices and the HTTP engine; never connects anywhere itself. */
#ifndef VW_CLOUD_H
#define VW_CLOUD_H

#include <stdbool.h>

#include "optimizer/base/err.h"

struct cloud_options {
	const char *cloud;           /* AzureCloud (default), ... */
	const char *arm_endpoint;    /* overrides, or NULL */
	const char *authority;
	const char *prices_endpoint;
	const char *ca_bundle;
};

struct cloud {
	char *name;
	char *arm;        /* "https://management.azure.com", no trailing / */
	char *authority;  /* "https://login.microsoftonline.com" */
	char *scope;      /* "https://management.azure.com/.default" */
	char *resource;   /* "https://management.azure.com/" (MI, CLI) */
	char *prices;     /* "https://prices.azure.com/api/retail/prices" */
	char *ca_bundle;  /* NULL: the system's trust store */
};

/* Fills c; every URL is checked (exit 64 when one breaks the rule, or the
 * cloud is unknown; 66 when the CA bundle does not exist). */
int cloud_resolve(struct cloud *c, const struct cloud_options *o,
		  struct err *e);
void cloud_release(struct cloud *c);

/* The transport rule for one URL; what names it in the message
 * ("--arm-endpoint"). allow_imds also admits http://169.254.169.254, the
 * link-local managed-identity endpoint that only exists as plain http. */
int url_check(const char *url, const char *what, bool allow_imds,
	      struct err *e);

/* True when a and b have the same scheme, host and port. */
bool url_same_origin(const char *a, const char *b);

/* True for localhost, 127.0.0.0/8 and ::1 (brackets allowed). */
bool host_is_loopback(const char *host);

#endif
