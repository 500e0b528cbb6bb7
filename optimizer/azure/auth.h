/* SPDX-License-Identifier: MIT
 * auth.h: Azure access tokens, from the credential sources the Azure
 * Identity SDKs' default credential tries, in the same order:
 *
 *  1. client secret: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET;
 *  2. client certificate: AZURE_CLIENT_CERTIFICATE_PATH (PEM with the
 *     private key; AZURE_CLIENT_CERTIFICATE_PASSWORD if encrypted), sent as
 *     a JWT client assertion signed with OpenSSL: PS256 with x5t#S256,
 *     falling back to RS256 with x5t when the authority refuses it;
 *  3. managed identity: IDENTITY_ENDPOINT + IDENTITY_HEADER (App Service)
 *     or IMDS (VAULTWISE_IMDS_ENDPOINT for tests, else 169.254.169.254);
 *  4. the logged-in Azure CLI: `az account get-access-token --resource R
 *     -o json`, run with execvp and a fixed argv (no shell).
 *
 * Tokens are kept in memory only, renewed before they expire and after
 * Azure answers 401 (http.h calls back). Secrets, assertions and tokens
 * never reach a log or an error message and are wiped when dropped; core
 * dumps are turned off once a credential is loaded. Never prints except
 * debugf (which names the source, never a secret). */
#ifndef VW_AUTH_H
#define VW_AUTH_H

#include <stdbool.h>

#include "optimizer/azure/cloud.h"
#include "optimizer/base/err.h"
#include "optimizer/azure/http.h"

struct auth;

/* Reads the environment (nothing is contacted yet). */
struct auth *auth_new(const struct cloud *cloud,
		      const struct http_config *cfg, struct err *e);
void auth_free(struct auth *a);

/* A valid token for ARM (fetched or renewed when needed). */
int auth_token(struct auth *a, const char **token, unsigned *gen,
	       struct err *e);
/* Drops the token of generation gen (Azure rejected it). */
void auth_rejected(struct auth *a, unsigned gen);

/* The hook for http_client_new. */
struct http_auth auth_hook(struct auth *a);

/* "client secret", "client certificate (PS256)", "managed identity
 * (IMDS)", "Azure CLI", or "none yet". */
const char *auth_source(const struct auth *a);

/* Whether a credential source is configured, judged from the environment
 * and local files only (no network): the variables above, an Azure VM's
 * DMI asset tag, or an Azure CLI on PATH with a logged-in profile. */
bool auth_configured(void);

/* The signed client assertion for audience aud: PS256 with x5t#S256, or
 * RS256 with x5t. Exposed for tests; caller wipes and frees. */
char *auth_client_assertion(struct auth *a, const char *aud, bool rs256,
			    struct err *e);

/* base64url without padding (RFC 7515); caller frees. Exposed for tests. */
char *base64url(const unsigned char *data, size_t n);

#endif
