#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_armemu.py: quick self-test of the ARM emulator with urllib, printing
TAP ("ok N - ..." lines; tests/e2e/emulator.sh adds the plan). Starts
armemu.py on tests/data/tiny-snapshot (committed, so the test never depends
on data/sample) with different options and checks what a client of ARM
would: tokens, paging, throttling, faults, moves, ETags, RBAC, guards.
Runs in a few seconds; never touches the network beyond 127.0.0.1."""

import csv
import gzip
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import jwtrsa  # noqa: E402
import prices  # noqa: E402

SNAP = os.path.join(TOP, "tests", "data", "tiny-snapshot")
CERTS = os.path.join(HERE, "certs")
CLIENT_ID = "0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b"
SECRET = "vaultwise-emu-secret"
TENANT = "11111111-2222-4333-8444-555555555555"
SUB = "00000000-0000-4000-8000-000000000001"
V_PROD = ("/subscriptions/%s/resourceGroups/rg-prod/providers/"
          "Microsoft.RecoveryServices/vaults/vault-prod" % SUB)
V_DEV = ("/subscriptions/%s/resourceGroups/rg-dev/providers/"
         "Microsoft.RecoveryServices/vaults/vault-dev" % SUB)
I_APP = (V_PROD + "/backupFabrics/Azure/protectionContainers/"
         "IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app01/protectedItems/"
         "VM;iaasvmcontainerv2;rg-app;vm-app01")
BACKUP = "api-version=2026-02-01"
MOVE = {"objectType": "MoveRPAcrossTiersRequest",
        "sourceTierType": "HardenedRP", "targetTierType": "ArchivedRP"}

CTX = ssl.create_default_context(cafile=os.path.join(CERTS, "ca.pem"))
TMP = tempfile.mkdtemp(prefix="armemu-test-")
count = failures = 0


def tap(ok, desc, diag=""):
    global count, failures
    count += 1
    if not ok:
        failures += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, desc))
    if not ok and diag:
        for line in str(diag).splitlines()[:12]:
            print("# " + line)
    sys.stdout.flush()


class Emu:
    """armemu.py running on the tiny snapshot with extra options."""

    def __init__(self, *options):
        self.port_file = os.path.join(TMP, "port.%s" % uuid.uuid4().hex)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "armemu.py"),
             "--snapshot", SNAP, "--port", "0",
             "--port-file", self.port_file] + list(options),
            stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("emulator did not start: " +
                                   self.proc.stderr.read())
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.base = "https://localhost:%d" % int(f.read())
        self.token = None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(5)
        finally:
            self.proc.stderr.close()

    def call(self, method, path, body=None, headers=None, token=True,
             form=None):
        """(status, headers, body bytes); path may be an absolute URL."""
        url = path if path.startswith("http") else self.base + path
        h = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.login()
        req = urllib.request.Request(url, data=data, headers=h,
                                     method=method)
        try:
            with urllib.request.urlopen(req, context=CTX, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def json(self, method, path, body=None, **kw):
        status, headers, raw = self.call(method, path, body, **kw)
        return status, headers, (json.loads(raw) if raw else None)

    def login(self):
        if self.token is None:
            status, _, raw = self.call(
                "POST", "/%s/oauth2/v2.0/token" % TENANT, token=False,
                form={"client_id": CLIENT_ID, "client_secret": SECRET,
                      "grant_type": "client_credentials",
                      "scope": "https://management.azure.com/.default"})
            self.token = json.loads(raw)["access_token"]
        return self.token


def error_code(body):
    try:
        return body["error"]["code"]
    except (TypeError, KeyError):
        return None


def csv_rows(name):
    with open(os.path.join(SNAP, name), newline="") as f:
        return list(csv.DictReader(f))


def assertion(emu, alg="PS256", thumb="x5t#S256", **claims):
    label, der = jwtrsa.pem_first(os.path.join(CERTS, "client.pem"),
                                  ("PRIVATE KEY", "RSA PRIVATE KEY"))
    key = jwtrsa.private_key(label, der)
    _, cert = jwtrsa.pem_first(os.path.join(CERTS, "client.pem"),
                               ("CERTIFICATE",))
    x5t, x5t256 = jwtrsa.thumbprints(cert)
    now = int(time.time())
    body = {"aud": "%s/%s/oauth2/v2.0/token" % (emu.base, TENANT),
            "iss": CLIENT_ID, "sub": CLIENT_ID, "jti": str(uuid.uuid4()),
            "nbf": now, "exp": now + 300}
    body.update(claims)
    header = {"alg": alg, "typ": "JWT",
              thumb: x5t256 if thumb == "x5t#S256" else x5t}
    return jwtrsa.jwt_encode(header, body, key)


def token_with_assertion(emu, jwt):
    return emu.json("POST", "/%s/oauth2/v2.0/token" % TENANT, token=False,
                    form={"client_id": CLIENT_ID, "client_assertion": jwt,
                          "client_assertion_type": "urn:ietf:params:oauth:"
                          "client-assertion-type:jwt-bearer",
                          "grant_type": "client_credentials",
                          "scope": "https://management.azure.com/.default"})


def tamper(jwt):
    head, claims, sig = jwt.split(".")
    body = json.loads(jwtrsa.b64url_decode(claims))
    body["exp"] += 3600
    return ".".join((head, jwtrsa.b64url(json.dumps(body).encode()), sig))


# ---- the tests ----

def test_tokens(emu):
    status, _, body = emu.json("POST", "/%s/oauth2/v2.0/token" % TENANT,
                               token=False, form={
                                   "client_id": CLIENT_ID,
                                   "client_secret": SECRET,
                                   "grant_type": "client_credentials",
                                   "scope": "https://management.azure.com/"
                                            ".default"})
    tap(status == 200 and body["token_type"] == "Bearer" and
        body["expires_in"] > 0 and body["access_token"],
        "client secret gives a Bearer token", body)
    tok = body["access_token"]
    status, _, _ = emu.json("GET", "/subscriptions?api-version=2022-12-01",
                            headers={"Authorization": "Bearer " + tok})
    tap(status == 200, "the token opens ARM")
    status, _, body = emu.json("POST", "/%s/oauth2/v2.0/token" % TENANT,
                               token=False, form={
                                   "client_id": CLIENT_ID,
                                   "client_secret": "wrong",
                                   "grant_type": "client_credentials",
                                   "scope": "https://management.azure.com/"
                                            ".default"})
    tap(status == 401 and body["error"] == "invalid_client" and
        7000215 in body["error_codes"], "a wrong secret is refused", body)

    for alg, thumb in (("PS256", "x5t#S256"), ("RS256", "x5t")):
        status, _, body = token_with_assertion(emu, assertion(emu, alg,
                                                              thumb))
        tap(status == 200 and body.get("access_token"),
            "%s assertion with %s is accepted" % (alg, thumb), body)
    status, _, body = token_with_assertion(emu, tamper(assertion(emu)))
    tap(status == 401 and 700027 in body["error_codes"],
        "a tampered assertion fails signature validation", body)
    status, _, body = token_with_assertion(
        emu, assertion(emu, aud="https://example.com/token"))
    tap(status == 401, "an assertion for another audience is refused", body)
    status, _, body = token_with_assertion(
        emu, assertion(emu, exp=int(time.time()) - 3600,
                       nbf=int(time.time()) - 7200))
    tap(status == 401 and 700024 in body["error_codes"],
        "an expired assertion is refused", body)

    status, _, body = emu.json(
        "GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&"
        "resource=https://management.azure.com/", token=False)
    tap(status == 400, "IMDS wants the Metadata header", body)
    status, _, body = emu.json(
        "GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&"
        "resource=https://management.azure.com/", token=False,
        headers={"Metadata": "true"})
    tap(status == 200 and isinstance(body.get("expires_in"), str) and
        body["resource"] == "https://management.azure.com/",
        "IMDS gives a token (expires_in as a string, like IMDS)", body)


def test_arm_basics(emu):
    status, headers, body = emu.json("GET", "/subscriptions", token=True)
    tap(status == 400 and error_code(body) == "MissingApiVersionParameter",
        "a missing api-version is 400 MissingApiVersionParameter", body)
    status, _, body = emu.json("GET", V_PROD + "?api-version=2021-10-01")
    tap(status == 400 and error_code(body) == "InvalidApiVersionParameter",
        "a vault GET at a backup-only api-version is refused", body)
    status, _, body = emu.json("GET", "/subscriptions/%s/providers/"
                               "Microsoft.RecoveryServices/vaults"
                               "?api-version=2022-10-01" % SUB)
    tap(status == 200 and "value" in body,
        "the vault list at 2022-10-01 (the SDK's default) is served", body)
    status, _, body = emu.json("GET", V_PROD + "/backupJobs"
                               "?api-version=2022-09-01-preview")
    tap(status == 200 and "value" in body,
        "jobs at 2022-09-01-preview (the SDK's default) are served", body)
    status, headers, body = emu.json(
        "GET", "/subscriptions?api-version=2022-12-01", token=False)
    tap(status == 401 and error_code(body) == "AuthenticationFailed" and
        'error="invalid_token"' in headers.get("WWW-Authenticate", ""),
        "no token: 401 with WWW-Authenticate", body)
    status, _, body = emu.json("GET", "/subscriptions?api-version=2022-12-01")
    subs = sorted(s["subscriptionId"] for s in body["value"])
    tap(status == 200 and subs == [SUB] and
        body["value"][0]["tenantId"] == TENANT,
        "the manifest's subscriptions are listed", subs)
    status, _, body = emu.json("GET", "/subscriptions/%s?api-version="
                               "2022-12-01" % SUB.replace("001", "002"))
    tap(status == 200 and body["tenantId"] == TENANT,
        "a guard's subscription in the tenant answers a GET", body)
    status, _, body = emu.json("GET", V_PROD + "?api-version=2026-08-01")
    sec = body["properties"]["securitySettings"]
    tap(status == 200 and sec["immutabilitySettings"]["state"] == "Locked"
        and sec["softDeleteSettings"]["softDeleteState"] == "AlwaysON" and
        body["properties"]["redundancySettings"][
            "standardTierStorageRedundancy"] == "GeoRedundant",
        "vault GET carries the snapshot's security settings", body)
    tags = "/providers/Microsoft.Resources/tags/default?api-version=2021-04-01"
    src = csv_rows("items.csv")[0]["source_resource_id"]
    status, _, body = emu.json("GET", src + tags)
    tap(status == 200 and body["name"] == "default" and
        body["id"].startswith(src) and body["properties"]["tags"] == {},
        "the Tags API answers for an item's source resource", body)
    status, _, body = emu.json("GET", src.replace("vm-app01", "vm-zz") +
                               tags)
    tap(status == 404 and error_code(body) == "ResourceNotFound",
        "... and 404 for a resource outside the estate", body)
    status, headers, raw = emu.call(
        "GET", V_PROD + "/backupPolicies?" + BACKUP,
        headers={"Accept-Encoding": "gzip"})
    tap(status == 200 and headers.get("Content-Encoding") == "gzip" and
        len(json.loads(gzip.decompress(raw))["value"]) == 3,
        "gzip on Accept-Encoding: gzip")
    for path, code in (
            (V_PROD.replace("vault-prod", "nope") + "?api-version=2026-08-01",
             "ResourceNotFound"),
            (V_PROD.replace("rg-prod", "rg-none") + "?api-version=2026-08-01",
             "ResourceGroupNotFound"),
            ("/subscriptions/%s?api-version=2022-12-01" % uuid.uuid4(),
             "SubscriptionNotFound"),
            (V_PROD + "/backupWidgets?" + BACKUP, "InvalidResourceType"),
            (I_APP.replace("vm-app01", "vm-zz") + "?" + BACKUP,
             "BMSUserErrorDataSourceObjectNotFound")):
        status, _, body = emu.json("GET", path)
        tap(status == 404 and error_code(body) == code,
            "unknown resource: 404 %s" % code, body)


def collect(emu, url):
    """Follows nextLink; returns (names, pages, links)."""
    names, pages, links = [], 0, []
    while url:
        status, _, body = emu.json("GET", url)
        if status != 200:
            raise AssertionError("HTTP %d on %s: %s" % (status, url, body))
        names += [v["name"] for v in body["value"]]
        pages += 1
        url = body.get("nextLink")
        if url:
            links.append(url)
    return names, pages, links


def test_paging():
    emu = Emu("--page-size", "7", "--list-page-size", "2")
    try:
        item_id = [r["item_id"] for r in csv_rows("items.csv")
                   if r["item_name"] == "vm-app01"][0]
        want = sorted(r["rp_id"] for r in csv_rows("recovery_points.csv")
                      if r["item_id"] == item_id)
        names, pages, links = collect(emu, I_APP + "/recoveryPoints?" +
                                      BACKUP)
        tap(sorted(names) == want and len(set(names)) == len(names) and
            pages == (len(want) + 6) // 7,
            "nextLink chain covers all %d points exactly once in %d pages"
            % (len(want), pages), "%d names, %d pages" % (len(names), pages))
        tap(all(link.startswith(emu.base + "/") and "api-version=2026-02-01"
                in link and "$skiptoken=" in link for link in links),
            "nextLink is absolute with api-version and $skiptoken", links)
        names, pages, _ = collect(emu, V_DEV + "/backupProtectedItems?" +
                                  BACKUP)
        tap(len(names) == 3 and pages == 2, "items page by the list size",
            names)
        flt = urllib.parse.quote("backupManagementType eq 'AzureIaasVM' and "
                                 "itemType eq 'VM'")
        names, _, _ = collect(emu, V_DEV + "/backupProtectedItems?" +
                              BACKUP + "&$filter=" + flt)
        tap(len(names) == 2, "$filter on backupManagementType and itemType",
            names)
    finally:
        emu.stop()


def test_throttle():
    emu = Emu("--read-bucket", "5/1")
    try:
        seen = []
        for _ in range(6):
            status, headers, body = emu.json(
                "GET", V_PROD + "?api-version=2026-08-01")
            seen.append((status, headers.get(
                "x-ms-ratelimit-remaining-subscription-reads"),
                headers.get("Retry-After")))
        tap([s[0] for s in seen] == [200] * 5 + [429] and
            [s[1] for s in seen] == ["4", "3", "2", "1", "0", "0"] and
            seen[-1][2] is not None and int(seen[-1][2]) >= 1 and
            error_code(body) == "SubscriptionRequestsThrottled",
            "read bucket 5/1: 429 + Retry-After once empty", seen)
    finally:
        emu.stop()


def test_truncate_and_reset():
    emu = Emu("--faults", "truncate:1")
    try:
        emu.login()
        try:
            emu.call("GET", V_PROD + "/backupPolicies?" + BACKUP)
            tap(False, "truncate fault gives a short body")
        except http.client.IncompleteRead as e:
            tap(len(e.partial) > 0 and e.expected > 0,
                "truncate fault: body shorter than Content-Length (%d of %d)"
                % (len(e.partial), len(e.partial) + e.expected))
    finally:
        emu.stop()
    emu = Emu("--faults", "reset:1")
    try:
        emu.login()
        try:
            emu.call("GET", V_PROD + "?api-version=2026-08-01")
            tap(False, "reset fault drops the connection")
        except (ConnectionError, http.client.RemoteDisconnected,
                urllib.error.URLError, ssl.SSLError):
            tap(True, "reset fault drops the connection")
    finally:
        emu.stop()


def test_moves():
    moves_log = os.path.join(TMP, "moves.jsonl")
    request_log = os.path.join(TMP, "requests.jsonl")
    emu = Emu("--moves-log", moves_log, "--request-log", request_log,
              "--op-polls", "1")
    try:
        status, _, body = emu.json("POST", I_APP +
                                   "/recoveryPointsRecommendedForMove?" +
                                   BACKUP, {"objectType": "ListRecoveryPoints"
                                            "RecommendedForMoveRequest",
                                            "excludedRPList": []})
        rec = [v["name"] for v in body["value"]]
        tap(status == 200 and rec and all(
            v["properties"]["recoveryPointProperties"]["ruleName"] in
            ("MonthlyRule", "YearlyRule") for v in body["value"]),
            "recommended set: %d monthly/yearly points" % len(rec), body)
        # Azure's set is the points that save moved together: with the
        # default prices, some of vm-app01's would not save moved alone
        with open(os.path.join(SNAP, "recovery_points.csv"),
                  encoding="utf-8") as f:
            size = {r["rp_id"]: (float(r["unique_gb"]), float(r["full_gb"]))
                    for r in csv.DictReader(f)}
        alone = [r for r in rec if size[r][0] * prices.DEFAULT_STANDARD <=
                 size[r][1] * prices.DEFAULT_ARCHIVE]
        tap(alone and len(alone) < len(rec),
            "... moved together: %d of them would not save moved alone" %
            len(alone), [(r, size[r]) for r in rec])
        rp = rec[0]
        status, headers, _ = emu.call("POST", I_APP + "/recoveryPoints/%s/"
                                      "move?%s" % (rp, BACKUP), MOVE)
        poll = headers.get("Azure-AsyncOperation", "")
        tap(status == 202 and poll.startswith(emu.base) and
            "/operationsStatus/" in poll and BACKUP in poll and
            "/operationResults/" in headers.get("Location", "") and
            headers.get("Retry-After"),
            "move: 202 with Azure-AsyncOperation, Location, Retry-After",
            dict(headers))
        states = []
        for _ in range(5):
            _, _, body = emu.json("GET", poll)
            states.append(body["status"])
            if body["status"] != "InProgress":
                break
        tap(states == ["InProgress", "Succeeded"] and
            body["properties"]["objectType"] ==
            "OperationStatusJobExtendedInfo",
            "the async status goes InProgress -> Succeeded", states)
        status, _, job = emu.json("GET", V_PROD + "/backupJobs/%s?%s" % (
            body["properties"]["jobId"], BACKUP))
        tap(status == 200 and job["properties"]["status"] == "Completed",
            "the move's job is Completed", job)
        _, _, point = emu.json("GET", I_APP + "/recoveryPoints/%s?%s" %
                               (rp, BACKUP))
        tiers = {d["type"]: d["status"] for d in
                 point["properties"]["recoveryPointTierDetails"]}
        tap(tiers.get("ArchivedRP") == "Valid" and
            tiers.get("HardenedRP") == "Deleted",
            "the moved point is in Archive", tiers)
        status, _, body = emu.json("POST", I_APP + "/recoveryPoints/%s/move"
                                   "?%s" % (rp, BACKUP), MOVE)
        tap(status == 400 and error_code(body) ==
            "UserErrorRecoveryPointAlreadyInArchiveTier",
            "a second move is refused as already archived", body)
        with open(moves_log) as f:
            moved = [json.loads(line) for line in f]
        tap(len(moved) == 1 and moved[0]["rp"] == rp and
            moved[0]["item"] == I_APP, "the moves log records it once",
            moved)
        daily = [r["rp_id"] for r in csv_rows("recovery_points.csv")
                 if r["rp_kind"] == "daily" and
                 r["item_id"].startswith("i-84f5")][0]
        status, _, body = emu.json("POST", I_APP + "/recoveryPoints/%s/move"
                                   "?%s" % (daily, BACKUP), MOVE)
        tap(status == 400 and error_code(body) ==
            "RecoveryPointTypeNotEligibleForArchive",
            "a daily point is not eligible", body)
        with open(request_log) as f:
            lines = [json.loads(line) for line in f]
        writes = [r for r in lines if r["write"]]
        tap(lines and all({"time", "method", "path", "status",
                           "subscription", "write"} <= set(r)
                          for r in lines) and
            sum(1 for r in writes if r["status"] == 202) == 1,
            "request log: one JSON line per request", lines[-1])
    finally:
        rc = emu.stop()
    tap(rc == 0, "SIGTERM: clean exit", rc)


def test_tiering_cost(emu):
    status, headers, _ = emu.call("POST", V_PROD + "/backupTieringCost/"
                                  "default/fetchTieringCost?" + BACKUP, {
                                      "objectType": "FetchTieringCostSavings"
                                      "InfoForVaultRequest",
                                      "sourceTierType": "HardenedRP",
                                      "targetTierType": "ArchivedRP"})
    result = headers.get("Location")
    body = None
    for _ in range(4):
        status, _, body = emu.json("GET", result)
        if status == 200:
            break
    vault_id = csv_rows("vaults.csv")[0]["vault_id"]
    items = {r["item_id"]: r for r in csv_rows("items.csv")
             if r["vault_id"] == vault_id}
    unique = full = 0.0
    for r in csv_rows("recovery_points.csv"):
        it = items.get(r["item_id"])
        if not it or r["tier"] not in ("Standard", "SnapshotAndStandard") \
                or r["move_ready"] != "true":
            continue
        if (it["workload"] == "AzureVM") != (r["rp_kind"] in
                                             ("monthly", "yearly")) and \
                r["rp_kind"] != "full":
            continue
        unique += float(r["unique_gb"])
        full += float(r["full_gb"])
    ok = status == 200 and body["objectType"] == "TieringCostSavingInfo" \
        and abs(body["sourceTierSizeReductionInBytes"] - unique * 2**30) < 2 \
        and abs(body["targetTierSizeIncreaseInBytes"] - full * 2**30) < 2
    tap(ok, "fetchTieringCost: 202, then sizes summed from the snapshot",
        body)


def test_policies(emu):
    path = V_PROD + "/backupPolicies/vm-enhanced-daily?" + BACKUP
    status, headers, pol = emu.json("GET", path)
    etag = headers.get("ETag")
    tap(status == 200 and etag and pol["eTag"] == etag,
        "policy GET carries an ETag", etag)
    props = pol["properties"]
    props["retentionPolicy"]["dailySchedule"]["retentionDuration"][
        "count"] = 45
    status, _, body = emu.json("PUT", path, {"properties": props},
                               headers={"If-Match": 'W/"0-stale"'})
    tap(status == 412 and error_code(body) == "PreconditionFailed",
        "PUT with a stale If-Match: 412", body)
    status, headers, body = emu.json("PUT", path, {"properties": props},
                                     headers={"If-Match": etag})
    tap(status == 200 and headers.get("ETag") not in (None, etag) and
        body["properties"]["retentionPolicy"]["dailySchedule"][
            "retentionDuration"]["count"] == 45,
        "PUT with the current ETag: 200 and a new ETag", body)
    props["retentionPolicy"]["dailySchedule"]["retentionDuration"][
        "count"] = 7
    status, _, body = emu.json("PUT", path, {"properties": props})
    tap(status == 400 and error_code(body) ==
        "UserErrorImmutableVaultRetentionReduction",
        "reducing retention on a locked immutable vault is refused", body)


def test_guards_and_jobs(emu):
    status, _, body = emu.json("GET", V_PROD + "/backupResourceGuardProxies?"
                               + BACKUP)
    gid = body["value"][0]["properties"]["resourceGuardResourceId"]
    status, _, guard = emu.json("GET", gid + "?api-version=2025-07-01")
    ops = [o["vaultCriticalOperation"] for o in
           guard["properties"]["resourceGuardOperations"]]
    tap(status == 200 and "Microsoft.RecoveryServices/vaults/backupPolicies/"
        "write" in ops and guard["properties"][
            "vaultCriticalOperationExclusionList"],
        "proxy -> resource guard with operations and exclusions", guard)
    _, _, body = emu.json("GET", V_DEV + "/backupResourceGuardProxies?" +
                          BACKUP)
    gid = body["value"][0]["properties"]["resourceGuardResourceId"]
    status, _, body = emu.json("GET", gid + "?api-version=2025-07-01")
    tap(status == 401 and error_code(body) ==
        "InvalidAuthenticationTokenTenant",
        "a guard in another tenant cannot be read", body)
    flt = urllib.parse.quote("startTime eq '2026-10-01 12:00:00 AM' and "
                             "endTime eq '2026-11-01 11:59:59 PM' and "
                             "operation eq 'Restore'")
    status, _, body = emu.json("GET", V_PROD + "/backupJobs?" + BACKUP +
                               "&$filter=" + flt)
    restores = body["value"]
    tap(status == 200 and len(restores) == 4 and all(
        j["properties"]["operation"] == "Restore" for j in restores),
        "jobs $filter: restores in a window", [j["name"] for j in restores])
    done = [j for j in restores if j["properties"]["status"] == "Completed"]
    _, _, job = emu.json("GET", V_PROD + "/backupJobs/%s?%s" %
                         (done[0]["name"], BACKUP))
    bag = job["properties"]["extendedInfo"]["propertyBag"]
    tap({"Recovery point time", "Recovery point tier",
         "Data transferred (GB)"} <= set(bag),
        "restore job details carry the contract's propertyBag keys", bag)


def test_deny_and_mua():
    emu = Emu("--deny", "*/backupJobs*", "--mua-block")
    try:
        status, _, body = emu.json("GET", V_PROD + "/backupJobs?" + BACKUP)
        tap(status == 403 and error_code(body) == "AuthorizationFailed" and
            "backupJobs/read" in body["error"]["message"],
            "--deny: 403 AuthorizationFailed naming the action", body)
        status, _, _ = emu.json("GET", V_PROD + "?api-version=2026-08-01")
        tap(status == 200, "--deny leaves other paths alone")
        path = V_DEV + "/backupPolicies/vm-standard?" + BACKUP
        _, _, pol = emu.json("GET", path)
        props = pol["properties"]
        props["retentionPolicy"]["dailySchedule"]["retentionDuration"][
            "count"] = 7
        status, _, body = emu.json("PUT", path, {"properties": props})
        tap(status == 403 and error_code(body) ==
            "UserErrorMUAResourceGuardOperationNotAllowed",
            "--mua-block: a retention cut under a guard is blocked", body)
    finally:
        emu.stop()


def test_prices():
    items = [{"currencyCode": "USD", "retailPrice": 0.0224 + i / 1e5,
              "unitPrice": 0.0224, "armRegionName": "eastus",
              "location": "US East", "meterName": "Standard LRS Data Stored",
              "productName": "Backup", "skuName": "Standard",
              "serviceName": "Backup", "type": "Consumption",
              "unitOfMeasure": "1 GB/Month", "tierMinimumUnits": i}
             for i in range(150)]
    items.append(dict(items[0], armRegionName="westeurope"))
    path = os.path.join(TMP, "prices.json")
    with open(path, "w") as f:
        json.dump({"Items": items}, f)
    emu = Emu("--retail-prices", path)
    try:
        flt = urllib.parse.quote("serviceName eq 'Backup' and armRegionName "
                                 "eq 'eastus'")
        status, _, body = emu.json("GET", "/api/retail/prices?$filter=" + flt,
                                   token=False)
        status2, _, body2 = emu.json("GET", body["NextPageLink"],
                                     token=False)
        tap(status == 200 and body["Count"] == 100 and
            body["BillingCurrency"] == "USD" and status2 == 200 and
            body2["Count"] == 50 and body2["NextPageLink"] is None,
            "Retail Prices API: filter, 100 a page, NextPageLink",
            {k: v for k, v in body.items() if k != "Items"})
    finally:
        emu.stop()


def test_cost_management():
    """The Query API over a bill: grouped sums, a bad query refused, and
    Cost Management's own throttling."""
    d = os.path.join(TMP, "bill")
    os.makedirs(d, exist_ok=True)
    cols = ["BilledCost", "EffectiveCost", "BillingCurrency",
            "ChargeCategory", "ChargePeriodStart", "ConsumedQuantity",
            "ResourceId", "RegionId", "ServiceName", "x_SkuMeterCategory",
            "x_SkuMeterName"]
    rows = [(4, 100, V_PROD, "Backup", "Standard LRS Data Stored"),
            (2, 50, V_PROD, "Backup", "Standard LRS Data Stored"),
            (10, 1, V_PROD, "Backup", "Azure VM Protected Instance"),
            (7, 24, V_DEV.replace("Microsoft.RecoveryServices/vaults",
                                  "Microsoft.Compute/virtualMachines"),
             "Virtual Machines", "D4s v5")]
    with open(os.path.join(d, "focus.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for cost, qty, rid, cat, meter in rows:
            w.writerow([cost, cost, "EUR", "Usage", "2026-10-01T00:00:00Z",
                        qty, rid, "westeurope", "Azure Site Recovery", cat,
                        meter])
    query = {"type": "ActualCost", "timeframe": "Custom",
             "timePeriod": {"from": "2026-10-01T00:00:00Z",
                            "to": "2026-10-31T23:59:59Z"},
             "dataset": {"aggregation": {
                 "totalCost": {"name": "Cost", "function": "Sum"},
                 "qty": {"name": "UsageQuantity", "function": "Sum"}},
                 "grouping": [{"type": "Dimension", "name": "ResourceId"},
                              {"type": "Dimension", "name": "Meter"}],
                 "filter": {"dimensions": {"name": "MeterCategory",
                                           "operator": "In",
                                           "values": ["backup"]}}}}
    url = ("/subscriptions/%s/providers/Microsoft.CostManagement/query"
           "?api-version=2025-03-01" % SUB)
    emu = Emu("--bill", d, "--cost-bucket", "2/0.2")
    try:
        status, _, body = emu.json("POST", url, query)
        props = (body or {}).get("properties", {})
        got = {(r[2], r[3]): (r[0], r[1]) for r in props.get("rows", [])}
        tap(status == 200 and [c["name"] for c in props["columns"]] ==
            ["Cost", "UsageQuantity", "ResourceId", "Meter", "Currency"] and
            got == {(V_PROD, "Standard LRS Data Stored"): (6, 150),
                    (V_PROD, "Azure VM Protected Instance"): (10, 1)} and
            props["nextLink"] is None,
            "Cost Management query: Backup rows summed per resource and "
            "meter", body)
        bad = json.loads(json.dumps(query))
        bad["dataset"]["grouping"].append({"type": "Dimension",
                                           "name": "ServiceName"})
        status, _, body = emu.json("POST", url, bad)
        tap(status == 400 and error_code(body) == "BadRequest",
            "... more than 2 groupings: 400 BadRequest", body)
        status, headers, body = emu.json("POST", url, query)
        tap(status == 429 and "Retry-After" not in headers and
            int(headers["x-ms-ratelimit-microsoft.costmanagement-entity-"
                        "retry-after"]) >= 1,
            "... its own bucket empty: 429 with entity-retry-after, no "
            "Retry-After", dict(headers))
    finally:
        emu.stop()


def test_token_expiry():
    emu = Emu("--expire-tokens-after", "3")
    try:
        path = V_PROD + "?api-version=2026-08-01"
        codes = [emu.json("GET", path)[0] for _ in range(2)]
        status, headers, body = emu.json("GET", path)
        emu.token = None
        again = emu.json("GET", path)[0]
        tap(codes == [200, 200] and status == 401 and
            error_code(body) == "ExpiredAuthenticationToken" and
            again == 200, "--expire-tokens-after 3: the 3rd request needs a "
            "new token", (codes, status, body, again))
    finally:
        emu.stop()


def test_lost_move_reply():
    moves_log = os.path.join(TMP, "moves-lost.jsonl")
    emu = Emu("--faults", "reset:1", "--fault-only", "*/move",
              "--moves-log", moves_log)
    try:
        rp = [r["rp_id"] for r in csv_rows("recovery_points.csv")
              if r["move_ready"] == "true" and r["rp_kind"] == "monthly" and
              r["item_id"].startswith("i-84f5")][0]
        path = I_APP + "/recoveryPoints/%s/move?%s" % (rp, BACKUP)
        try:
            emu.call("POST", path, MOVE)
            lost = False
        except (ConnectionError, http.client.RemoteDisconnected,
                urllib.error.URLError, ssl.SSLError):
            lost = True
        flt = urllib.parse.quote("operation eq 'MoveRecoveryPoint'")
        _, _, jobs = emu.json("GET", V_PROD + "/backupJobs?" + BACKUP +
                              "&$filter=" + flt)
        job = jobs["value"][0]["name"] if jobs["value"] else "none"
        states = [emu.json("GET", V_PROD + "/backupJobs/%s?%s" %
                           (job, BACKUP))[2]["properties"]["status"]
                  for _ in range(2)]
        with open(moves_log) as f:
            moved = [json.loads(line)["rp"] for line in f]
        tap(lost and states == ["InProgress", "Completed"] and
            moved == [rp], "a move whose reply is lost is found by its job "
            "and moved once", (lost, states, moved))
    finally:
        emu.stop()


def test_plain_listener():
    plain_file = os.path.join(TMP, "plain.port")
    emu = Emu("--http-port-file", plain_file)
    try:
        with open(plain_file) as f:
            plain = "http://127.0.0.1:%d" % int(f.read())
        url = (plain + "/metadata/identity/oauth2/token?api-version="
               "2018-02-01&resource=https://management.azure.com/")
        req = urllib.request.Request(url, headers={"Metadata": "true"})
        with urllib.request.urlopen(req, timeout=10) as r:
            token = json.loads(r.read())["access_token"]
        status, _, _ = emu.json("GET", V_PROD + "?api-version=2026-08-01",
                                headers={"Authorization": "Bearer " + token})
        tap(status == 200, "an IMDS token from the plain-HTTP listener "
            "opens ARM over HTTPS")
    finally:
        emu.stop()


GRAPH = "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01"


def test_resource_graph(emu):
    query = ("RecoveryServicesResources | where type =~ "
             "'Microsoft.RecoveryServices/vaults/backupJobs' | where id "
             "startswith '%s/backupJobs/' | where todatetime("
             "properties.startTime) between (datetime(2026-10-01T00:00:00Z)"
             " .. datetime(2026-11-01T23:59:59Z)) and properties.operation "
             "in~ ('restore') | project id, name, type, properties" % V_PROD)
    rows, token, pages = [], None, 0
    while True:
        opts = {"$top": 3}
        if token:
            opts["$skipToken"] = token
        status, headers, body = emu.json(
            "POST", GRAPH, {"subscriptions": [SUB], "query": query,
                            "options": opts})
        pages += 1
        if status != 200:
            break
        rows += body["data"]
        token = body.get("$skipToken")
        if not token:
            break
    tap(status == 200 and pages == 2 and body["totalRecords"] == 4 and
        sorted(r["name"] for r in rows) == sorted(
            j["name"] for j in arm_restores(emu)) and
        all(r["type"] == "microsoft.recoveryservices/vaults/backupjobs"
            for r in rows),
        "Resource Graph: the restores the jobs $filter gives, paged by "
        "$skipToken, type lowercased", body)
    tap(headers.get("x-ms-user-quota-remaining", "").isdigit() and
        headers.get("x-ms-user-quota-resets-after", "").count(":") == 2,
        "... with the quota headers", dict(headers))
    status, _, body = emu.json("POST", GRAPH, {
        "subscriptions": [SUB], "query": "Resources | limit 5"})
    tap(status == 400 and error_code(body) == "BadRequest",
        "... a query outside the served subset is 400 BadRequest", body)
    for _ in range(16):
        status, headers, body = emu.json("POST", GRAPH, {
            "subscriptions": [SUB], "query": "RecoveryServicesResources"})
        if status == 429:
            break
    tap(status == 429 and error_code(body) == "RateLimiting" and
        headers.get("x-ms-user-quota-remaining") == "0",
        "... 15 queries in 5 seconds, then 429 RateLimiting", body)


def arm_restores(emu):
    flt = urllib.parse.quote("startTime eq '2026-10-01 12:00:00 AM' and "
                             "endTime eq '2026-11-01 11:59:59 PM' and "
                             "operation eq 'Restore'")
    _, _, body = emu.json("GET", V_PROD + "/backupJobs?" + BACKUP +
                          "&$filter=" + flt)
    return body["value"]


def main():
    emu = Emu()
    try:
        for test in (test_tokens, test_arm_basics, test_tiering_cost,
                     test_policies, test_guards_and_jobs,
                     test_resource_graph):
            run(test, emu)
    finally:
        emu.stop()
    for test in (test_paging, test_throttle, test_truncate_and_reset,
                 test_moves, test_deny_and_mua, test_prices,
                 test_cost_management,
                 test_token_expiry, test_plain_listener,
                 test_lost_move_reply):
        run(test)
    return 1 if failures else 0


def run(test, *args):
    try:
        test(*args)
    except Exception:
        tap(False, "%s raised" % test.__name__, traceback.format_exc())


if __name__ == "__main__":
    sys.exit(main())
