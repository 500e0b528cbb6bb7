# SPDX-License-Identifier: MIT
"""auth.py: the emulator's identity side: the Microsoft Entra ID token
endpoint (client secret, or a client assertion JWT verified RS256/PS256
against the configured certificate), the VM metadata service (IMDS) and the
App Service identity endpoint, and the Bearer-token check ARM makes.

Used by armemu.py. Tokens are random and known only to this process; a
secret or token is never written to a log."""

import hmac
import json
import os
import time
import urllib.parse
import uuid

import jwtrsa
from errors import ArmError, Response

ARM_SCOPES = ("https://management.azure.com/.default",
              "https://management.azure.com//.default",
              "https://management.core.windows.net/.default",
              "https://management.core.windows.net//.default")
ARM_RESOURCES = ("https://management.azure.com/",
                 "https://management.azure.com",
                 "https://management.core.windows.net/",
                 "https://management.core.windows.net")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLOCK_SKEW = 300


class Token:
    __slots__ = ("kind", "client", "seq", "expires")

    def __init__(self, kind, client, seq, expires):
        self.kind, self.client, self.seq, self.expires = \
            kind, client, seq, expires


def _iso_now():
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())


class Auth:
    def __init__(self, tenant, client_id, client_secret, cert_path,
                 lifetime, identity_header):
        self.tenant, self.client_id = tenant, client_id
        self.client_secret = client_secret
        self.lifetime, self.identity_header = lifetime, identity_header
        _, der = jwtrsa.pem_first(cert_path, ("CERTIFICATE",))
        self.cert_key = jwtrsa.certificate_key(der)
        self.x5t, self.x5t_s256 = jwtrsa.thumbprints(der)
        self.tokens = {}
        self.issued = 0
        self.cutoff = 0      # tokens with seq <= cutoff are expired

    # ---- issuing ----

    def _issue(self, kind, client):
        now = int(time.time())
        self.issued += 1
        payload = {"aud": "https://management.azure.com/",
                   "iss": "https://sts.windows.net/%s/" % self.tenant,
                   "iat": now, "nbf": now, "exp": now + self.lifetime,
                   "appid": client, "oid": str(uuid.uuid5(
                       uuid.NAMESPACE_OID, client)),
                   "sub": client, "tid": self.tenant, "idtyp": "app",
                   "ver": "1.0", "uti": jwtrsa.b64url(os.urandom(12))}
        token = "%s.%s.%s" % (
            jwtrsa.b64url(json.dumps({"typ": "JWT", "alg": "RS256",
                                      "kid": "vaultwise-emu"}).encode()),
            jwtrsa.b64url(json.dumps(payload).encode()),
            jwtrsa.b64url(os.urandom(32)))
        self.tokens[token] = Token(kind, client, self.issued,
                                   now + self.lifetime)
        return token, now

    def expire_all_now(self):
        """--expire-tokens-after: every token issued so far stops working."""
        self.cutoff = self.issued

    def check(self, req):
        """The Token of the request's Bearer header; ArmError 401 if none."""
        header = req.headers.get("Authorization")
        if header is None:
            raise self._unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is "
                "missing.",
                "The authentication failed because of missing "
                "'Authorization' header.")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise self._unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is "
                "provided in an invalid format.",
                "The authentication failed because of an invalid "
                "'Authorization' header.")
        tok = self.tokens.get(value.strip())
        if tok is None:
            raise self._unauthorized(
                "InvalidAuthenticationToken", "The access token is invalid.",
                "The access token is invalid.")
        now = int(time.time())
        if now >= tok.expires or tok.seq <= self.cutoff:
            expired = min(tok.expires, now)
            raise self._unauthorized(
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time '%s' is earlier than "
                "current UTC time '%s'." % (
                    time.strftime("%m/%d/%Y %I:%M:%S %p",
                                  time.gmtime(expired)),
                    time.strftime("%m/%d/%Y %I:%M:%S %p", time.gmtime(now))),
                "The access token has expired.")
        return tok

    def _unauthorized(self, code, message, description):
        return ArmError(401, code, message, {
            "WWW-Authenticate": 'Bearer authorization_uri="https://login.'
            'microsoftonline.com/%s", error="invalid_token", '
            'error_description="%s"' % (self.tenant, description)})

    # ---- Entra ID token endpoint ----

    def _aad_error(self, status, error, code, description):
        trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
        return Response(status, {
            "error": error,
            "error_description": "AADSTS%d: %s\r\nTrace ID: %s\r\n"
            "Correlation ID: %s\r\nTimestamp: %s" % (
                code, description, trace, corr, _iso_now()),
            "error_codes": [code], "timestamp": _iso_now(),
            "trace_id": trace, "correlation_id": corr,
            "error_uri": "https://login.microsoftonline.com/error?code=%d"
                         % code})

    def token_endpoint(self, req, tenant):
        if req.method != "POST":
            return self._aad_error(405, "invalid_request", 900561,
                                   "The endpoint only accepts POST requests.")
        if tenant.lower() != self.tenant.lower():
            return self._aad_error(400, "invalid_request", 90002,
                                   "Tenant '%s' not found." % tenant)
        ctype = req.headers.get("Content-Type", "")
        if not ctype.lower().startswith("application/x-www-form-urlencoded"):
            return self._aad_error(400, "invalid_request", 900144,
                                   "The request body must contain the "
                                   "following parameter: 'grant_type'.")
        form = dict(urllib.parse.parse_qsl(req.body.decode("utf-8",
                                                           "replace")))
        for name in ("grant_type", "client_id", "scope"):
            if not form.get(name):
                return self._aad_error(400, "invalid_request", 900144,
                                       "The request body must contain the "
                                       "following parameter: '%s'." % name)
        if form["grant_type"] != "client_credentials":
            return self._aad_error(400, "unsupported_grant_type", 70003,
                                   "The app requested an unsupported grant "
                                   "type '%s'." % form["grant_type"])
        if form["client_id"] != self.client_id:
            return self._aad_error(400, "unauthorized_client", 700016,
                                   "Application with identifier '%s' was "
                                   "not found in the directory '%s'." %
                                   (form["client_id"], self.tenant))
        if form["scope"] not in ARM_SCOPES:
            return self._aad_error(400, "invalid_scope", 70011,
                                   "The provided value for the input "
                                   "parameter 'scope' is not valid.")
        if "client_assertion" in form:
            failure = self._check_assertion(req, tenant, form)
            kind = "certificate"
        elif "client_secret" in form:
            failure = self._check_secret(form["client_secret"])
            kind = "secret"
        else:
            failure = (7000218, "The request body must contain the "
                       "following parameter: 'client_assertion' or "
                       "'client_secret'.")
        if failure:
            return self._aad_error(401, "invalid_client", *failure)
        token, _ = self._issue(kind, self.client_id)
        return Response(200, {"token_type": "Bearer",
                              "expires_in": self.lifetime,
                              "ext_expires_in": self.lifetime,
                              "access_token": token})

    def _check_secret(self, secret):
        if self.client_secret is not None and hmac.compare_digest(
                secret.encode(), self.client_secret.encode()):
            return None
        return (7000215, "Invalid client secret provided. Ensure the secret "
                "being sent in the request is the client secret value, not "
                "the client secret ID, for a secret added to app '%s'." %
                self.client_id)

    def _audiences(self, req, tenant):
        path = "/%s/oauth2/v2.0/token" % tenant
        return {req.base + path, "https://login.microsoftonline.com" + path,
                req.base + "/%s/oauth2/token" % tenant,
                "https://login.microsoftonline.com/%s/oauth2/token" % tenant}

    def _check_assertion(self, req, tenant, form):
        if form.get("client_assertion_type") != JWT_BEARER:
            return (700023, "Invalid client_assertion_type: expected '%s'."
                    % JWT_BEARER)
        try:
            header, claims, signed, sig = jwtrsa.jwt_decode(
                form["client_assertion"])
        except (ValueError, UnicodeDecodeError):
            return (50027, "JWT token is invalid or malformed.")
        alg = header.get("alg")
        if alg not in ("RS256", "PS256"):
            return (700027, "Client assertion uses unsupported algorithm "
                    "'%s'." % alg)
        thumbs = [(header.get("x5t"), self.x5t),
                  (header.get("x5t#S256"), self.x5t_s256)]
        if all(given is None for given, _ in thumbs):
            return (700027, "Client assertion contains no x5t or x5t#S256 "
                    "header.")
        if any(given is not None and given != mine for given, mine in thumbs):
            return (700027, "The certificate with identifier used to sign "
                    "the client assertion is not registered on application.")
        if not jwtrsa.verify(alg, signed, sig, self.cert_key):
            return (700027, "Client assertion failed signature validation.")
        if claims.get("iss") != self.client_id or \
                claims.get("sub") != self.client_id:
            return (700021, "Client assertion application identifier "
                    "doesn't match 'client_id' parameter.")
        if claims.get("aud") not in self._audiences(req, tenant):
            return (700027, "Client assertion audience claim '%s' does not "
                    "match the token endpoint." % claims.get("aud"))
        now = time.time()
        exp, nbf = claims.get("exp"), claims.get("nbf", 0)
        if not isinstance(exp, (int, float)) or \
                not isinstance(nbf, (int, float)) or \
                exp + CLOCK_SKEW < now or nbf - CLOCK_SKEW > now:
            return (700024, "Client assertion is not within its valid time "
                    "range.")
        return None

    # ---- managed identity ----

    def imds(self, req):
        if req.headers.get("Metadata", "").lower() != "true":
            return Response(400, {"error": "invalid_request",
                                  "error_description": "Required metadata "
                                  "header not specified"})
        if not req.q("api-version"):
            return Response(400, {"error": "invalid_request",
                                  "error_description": "Required query "
                                  "variable 'api-version' is missing"})
        resource = req.q("resource")
        if not resource:
            return Response(400, {"error": "invalid_request",
                                  "error_description": "Required query "
                                  "variable 'resource' is missing"})
        if resource not in ARM_RESOURCES:
            return Response(400, {"error": "invalid_resource",
                                  "error_description": "AADSTS500011: The "
                                  "resource principal named %s was not found "
                                  "in the tenant." % resource})
        client = req.q("client_id") or "imds-" + self.client_id
        token, now = self._issue("imds", client)
        return Response(200, {
            "access_token": token, "client_id": client,
            "expires_in": str(self.lifetime),
            "expires_on": str(now + self.lifetime),
            "ext_expires_in": str(self.lifetime), "not_before": str(now),
            "resource": resource, "token_type": "Bearer"})

    def app_service(self, req):
        given = req.headers.get("X-IDENTITY-HEADER")
        if given is None or not hmac.compare_digest(
                given.encode(), self.identity_header.encode()):
            return Response(401, {"error": "invalid_request",
                                  "error_description": "X-IDENTITY-HEADER "
                                  "is missing or wrong"})
        resource = req.q("resource")
        if req.q("api-version") != "2019-08-01" or not resource:
            return Response(400, {"error": "invalid_request",
                                  "error_description": "api-version "
                                  "2019-08-01 and resource are required"})
        if resource not in ARM_RESOURCES:
            return Response(400, {"error": "invalid_resource",
                                  "error_description": "unknown resource "
                                  + resource})
        client = "appservice-" + self.client_id
        token, now = self._issue("appservice", client)
        return Response(200, {"access_token": token,
                              "expires_on": str(now + self.lifetime),
                              "resource": resource, "token_type": "Bearer",
                              "client_id": client})
