#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""armemu.py: a local Azure Resource Manager emulator for vaultwise's
tests. One HTTPS server (Python standard library only) plays Microsoft
Entra ID (token endpoint), IMDS, the App Service identity endpoint, ARM for
Recovery Services backup, and the Retail Prices API, serving the estate of a
vaultwise snapshot directory with ARM's paths, api-versions, JSON shapes,
paging, throttling, status codes and headers (see README.md).

Started by tests (tests/e2e/emulator.sh, the exporter's and apply's tests);
binds 127.0.0.1 only; never writes the snapshot; never logs a secret or a
token."""

import argparse
import datetime
import fnmatch
import gzip
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import auth as A  # noqa: E402
import backup  # noqa: E402
import costmanagement as C  # noqa: E402 (adds its route to backup's)
import dataprotection  # noqa: E402,F401 (adds its routes to backup's)
import estate as E  # noqa: E402
import prices as P  # noqa: E402
import resourcegraph  # noqa: E402,F401 (adds its route to backup's)
import specvalidate  # noqa: E402
from errors import ArmError, Request, Response  # noqa: E402

DEFAULT_CLIENT_ID = "0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b"
DEFAULT_SECRET = "vaultwise-emu-secret"
DEFAULT_IDENTITY_HEADER = "vaultwise-emu-identity-header"
FAULT_KINDS = ("429", "503", "500", "404", "reset", "truncate",
               "oversize")
# An "oversize" answer: the real body padded past a client's 64 MiB bound
# (JSON whitespace; gzip makes it small on the wire, large unpacked).
OVERSIZE_PAD = (64 << 20) + 1
MAX_BODY = 4 << 20
TOKEN_PATH = re.compile(r"^/([^/]+)/oauth2/v2\.0/token/?$")
SUB_PATH = re.compile(r"^/subscriptions/([^/]+)", re.I)


class Abort(Exception):
    """Raised to drop a connection on purpose (reset/truncate faults)."""


# ---- configuration ----

def parse_bucket(text):
    m = re.match(r"^(\d+)/(\d+(?:\.\d+)?)$", text)
    if not m or int(m.group(1)) < 1 or float(m.group(2)) <= 0:
        raise argparse.ArgumentTypeError(
            "expected CAPACITY/REFILL_PER_SECOND such as 250/25")
    return int(m.group(1)), float(m.group(2))


def parse_faults(text):
    faults, total = [], 0.0
    for part in text.split(","):
        kind, _, prob = part.strip().partition(":")
        try:
            p = float(prob)
        except ValueError:
            p = -1
        if kind not in FAULT_KINDS or not 0 <= p <= 1:
            raise argparse.ArgumentTypeError(
                "fault '%s': expected KIND:PROBABILITY with KIND one of %s"
                % (part, ", ".join(FAULT_KINDS)))
        faults.append((kind, p))
        total += p
    if total > 1:
        raise argparse.ArgumentTypeError("fault probabilities sum over 1")
    return faults


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="armemu.py", description="Azure Resource Manager emulator "
        "serving a vaultwise snapshot (see tests/emulator/README.md)")
    ap.add_argument("--snapshot", required=True, metavar="DIR")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", metavar="FILE")
    ap.add_argument("--http", action="store_true",
                    help="plain HTTP (still 127.0.0.1 only)")
    ap.add_argument("--http-port", type=int, default=None, metavar="N",
                    help="also listen with plain HTTP on this port (0 = "
                    "pick), for IMDS and App Service, which are plain HTTP")
    ap.add_argument("--http-port-file", metavar="FILE")
    ap.add_argument("--cert", default=os.path.join(HERE, "certs",
                                                   "server.pem"))
    ap.add_argument("--key", default=os.path.join(HERE, "certs",
                                                  "server.key"))
    ap.add_argument("--tenant", help="default: the manifest's tenant_id")
    ap.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    ap.add_argument("--client-secret", default=DEFAULT_SECRET)
    ap.add_argument("--client-cert", default=os.path.join(
        HERE, "certs", "client.pem"), metavar="PEM")
    ap.add_argument("--identity-header", default=DEFAULT_IDENTITY_HEADER)
    ap.add_argument("--assertion-algs", default="RS256,PS256",
                    metavar="LIST",
                    help="JWT algorithms the token endpoint accepts "
                    "(e.g. RS256, as an authority that predates PS256)")
    ap.add_argument("--token-lifetime", type=int, default=3599, metavar="S")
    ap.add_argument("--expire-tokens-after", type=int, default=0,
                    metavar="N")
    ap.add_argument("--faults", type=parse_faults, default=[])
    ap.add_argument("--fault-only", action="append", default=[],
                    metavar="PATTERN")
    ap.add_argument("--fault-retry-after", type=int, default=1, metavar="S")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--read-bucket", type=parse_bucket, default=(250, 25.0))
    ap.add_argument("--write-bucket", type=parse_bucket, default=(200, 10.0))
    ap.add_argument("--page-size", type=int, default=200)
    ap.add_argument("--list-page-size", type=int, default=50)
    ap.add_argument("--op-polls", type=int, default=1, metavar="N")
    ap.add_argument("--op-seconds", type=float, default=None, metavar="S")
    ap.add_argument("--async-retry-after", type=int, default=1,
                    metavar="S")
    ap.add_argument("--async-policy-put", action="store_true")
    ap.add_argument("--now", metavar="TIME",
                    help="estate clock start (default: exported_at)")
    ap.add_argument("--request-log", metavar="FILE")
    ap.add_argument("--moves-log", metavar="FILE")
    ap.add_argument("--spec-log", metavar="FILE",
                    default=os.environ.get("ARMEMU_SPEC_LOG") or None,
                    help="check every ARM exchange against tests/spec/ and "
                    "append each violation here (env ARMEMU_SPEC_LOG)")
    ap.add_argument("--deny", action="append", default=[],
                    metavar="PATTERN")
    ap.add_argument("--on-demand", action="append", default=[],
                    metavar="JOB_ID",
                    help="serve this backup job (VM or Azure Files) as an "
                    "on-demand one (repeatable)")
    ap.add_argument("--mua-block", action="store_true")
    ap.add_argument("--retail-prices", metavar="FILE")
    ap.add_argument("--retail-page-size", type=int, default=P.PAGE,
                    metavar="N")
    ap.add_argument("--bill", metavar="DIR",
                    help="serve the Cost Management Query API over "
                    "DIR/focus.csv (what `vaultwise sample --bill DIR` "
                    "writes)")
    ap.add_argument("--cost-bucket", type=parse_bucket, default=(4, 4 / 60),
                    metavar="C/R", help="Cost Management queries per "
                    "scope: capacity C, refill R per second (default 4 a "
                    "minute)")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.page_size < 1 or args.list_page_size < 1 or \
            args.retail_page_size < 1:
        ap.error("page sizes must be at least 1")
    if args.op_polls < 0:
        ap.error("--op-polls must be 0 or more")
    return args


# ---- throttling ----

class Bucket:
    """ARM's token bucket: capacity tokens, refilled at rate per second."""

    def __init__(self, capacity, rate):
        self.capacity, self.rate = capacity, rate
        self.tokens, self.last = float(capacity), time.monotonic()

    def take(self):
        """(allowed, remaining, retry_after_seconds)."""
        now = time.monotonic()
        self.tokens = min(self.capacity,
                          self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True, int(self.tokens), 0
        return False, 0, max(1, int((1 - self.tokens) / self.rate + 0.999))


def operation_kind(method):
    if method in ("GET", "HEAD"):
        return "reads"
    return "deletes" if method == "DELETE" else "writes"


def rbac_action(method, path):
    """The action an RBAC denial names, e.g. Microsoft.RecoveryServices/
    vaults/backupJobs/read."""
    parts = [p for p in path.split("/") if p]
    low = [p.lower() for p in parts]
    if "providers" in low and low.index("providers") + 1 < len(parts):
        # the last provider: .../virtualMachines/vm/providers/
        # Microsoft.Resources/tags/default is a Microsoft.Resources action
        i = len(low) - 1 - low[::-1].index("providers")
        types = [parts[i + 1]] + parts[i + 2::2]
    else:
        types = ["Microsoft.Resources"] + parts[0::2]
    verb = {"GET": "read", "HEAD": "read", "PUT": "write", "PATCH": "write",
            "DELETE": "delete"}.get(method)
    if verb is None:
        types = types[:-1] + [parts[-1], "action"] if len(types) > 1 \
            else types + ["action"]
        return "/".join(types)
    return "/".join(types + [verb])


# ---- the application ----

class App:
    def __init__(self, args):
        self.cfg = args
        self.lock = threading.RLock()
        self.log_lock = threading.Lock()
        self.estate = E.Estate(args.snapshot, warn=self.warn)
        self.estate.mark_on_demand(args.on_demand)
        self.prices = P.Prices(args.retail_prices, args.retail_page_size)
        self.estate.cost_bill = C.Bill(args.bill)
        self.auth = A.Auth(args.tenant or self.estate.tenant, args.client_id,
                           args.client_secret, args.client_cert,
                           args.token_lifetime, args.identity_header,
                           [a.strip() for a in
                            args.assertion_algs.split(",") if a.strip()])
        self.clock0 = E.parse_time(args.now) if args.now \
            else self.estate.exported_at
        self.started = time.time()
        self.rng = random.Random(args.seed)
        self.buckets = {}
        self.ops, self.pending = {}, set()
        self.arm_count = 0
        self.request_log = open(args.request_log, "a", encoding="utf-8") \
            if args.request_log else None
        self.moves_log = open(args.moves_log, "a", encoding="utf-8") \
            if args.moves_log else None
        self.specs = specvalidate.Specs() if args.spec_log else None
        self.spec_log = open(args.spec_log, "a", encoding="utf-8") \
            if args.spec_log else None
        self.spec_counts = dict.fromkeys(
            ("requests", "responses", "unchecked", "violations", "notes"),
            0)

    def warn(self, text):
        sys.stderr.write("armemu: warning: %s\n" % text)

    def now(self):
        """The estate clock: exported_at (or --now) plus time served."""
        return int(self.clock0 + (time.time() - self.started))

    def close(self):
        self._line(self.spec_log, {"summary": self.spec_counts})
        for f in (self.request_log, self.moves_log, self.spec_log):
            if f:
                f.close()

    # ---- logs ----

    def _line(self, f, record):
        if f:
            with self.log_lock:
                f.write(json.dumps(record, separators=(",", ":")) + "\n")
                f.flush()

    def log_request(self, req, status, fault):
        m = SUB_PATH.match(req.path)
        record = {"time": _utc_ms(), "method": req.method,
                  "path": req.raw_path, "status": status,
                  "subscription": m.group(1) if m else None,
                  "write": req.method in ("PUT", "POST", "PATCH", "DELETE")}
        if fault:
            record["fault"] = fault
        self._line(self.request_log, record)

    def log_move(self, item, rp):
        self._line(self.moves_log, {"time": _utc_ms(), "item": item.arm_id,
                                    "rp": rp.rp_id,
                                    "estate_time": E.iso(self.now())})

    # ---- dispatch ----

    def handle(self, req):
        m = TOKEN_PATH.match(req.path)
        if m:
            with self.lock:
                return self.auth.token_endpoint(req, m.group(1))
        path = req.path.rstrip("/").lower()
        if path == "/metadata/identity/oauth2/token":
            with self.lock:
                return self.auth.imds(req) if req.method == "GET" \
                    else Response(405, {"error": "invalid_request"})
        if path == "/msi/token":
            with self.lock:
                return self.auth.app_service(req)
        if path == "/api/retail/prices":
            self.delay()
            with self.lock:
                fault = self.pick_fault(req)
                resp = self.fault_response(fault) if fault else None
                if resp is None:
                    resp = self.prices.api(req)
                    resp.fault = fault
            return resp
        return self.arm(req)

    def delay(self):
        if self.cfg.latency_ms > 0:
            time.sleep(self.cfg.latency_ms / 1000.0)

    def pick_fault(self, req):
        if not self.cfg.faults:
            return None
        if self.cfg.fault_only and not any(
                fnmatch.fnmatchcase(req.path.lower(), p.lower())
                for p in self.cfg.fault_only):
            return None
        r = self.rng.random()
        for kind, p in self.cfg.faults:
            if r < p:
                return kind
            r -= p
        return None

    def fault_response(self, fault):
        """The answer of a status fault, or None for reset/truncate."""
        if fault == "429":
            return ArmError(429, "TooManyRequests", "The request was "
                            "throttled by the resource provider; retry "
                            "after the time in Retry-After.", {
                                "Retry-After":
                                    str(self.cfg.fault_retry_after)}
                            ).response()
        if fault == "503":
            return ArmError(503, "ServiceUnavailable", "The service is "
                            "temporarily unavailable; retry later.", {
                                "Retry-After":
                                    str(self.cfg.fault_retry_after)}
                            ).response()
        if fault == "404":
            return ArmError(404, "ResourceNotFound", "The resource was "
                            "not found (a vault moved or deleted while "
                            "it was read).").response()
        if fault == "500":
            return ArmError(500, "InternalServerError", "Encountered "
                            "internal server error. Diagnostic "
                            "information: timestamp '%s', tracking id "
                            "'%s'." % (_utc_ms(), uuid.uuid4())).response()
        return None

    def bucket(self, key, capacity, rate):
        """The token bucket of key, made on first use."""
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket(capacity, rate)
        return bucket

    def throttle(self, sub, kind):
        """Remaining-count headers; ArmError 429 when the bucket is empty."""
        scope = "subscription" if sub else "tenant"
        capacity, rate = self.cfg.read_bucket if kind == "reads" \
            else self.cfg.write_bucket
        ok, remaining, wait = self.bucket(((sub or "").lower(), kind),
                                          capacity, rate).take()
        header = "x-ms-ratelimit-remaining-%s-%s" % (scope, kind)
        if not ok:
            raise ArmError(429, "SubscriptionRequestsThrottled" if sub
                           else "TenantRequestsThrottled",
                           "Number of '%s' requests for %s '%s' exceeded. "
                           "Please try again after '%d' seconds after "
                           "additional tokens are available. Refer to "
                           "https://aka.ms/arm-throttling for additional "
                           "information." % (kind[:-1], scope,
                                             sub or "tenant", wait),
                           {"Retry-After": str(wait), header: "0"})
        return {header: str(remaining)}

    def check_api_version(self, req):
        version = req.q("api-version")
        if not version:
            raise ArmError(400, "MissingApiVersionParameter",
                           "The api-version query parameter "
                           "(?api-version=) is required for all requests.")
        req.api_version = version
        group = backup.api_version_group(req.path)
        if group and version not in backup.API_VERSIONS[group]:
            raise ArmError(400, "InvalidApiVersionParameter",
                           "The api-version '%s' is invalid. The supported "
                           "versions are '%s'." % (
                               version, ",".join(backup.API_VERSIONS[group])))

    def check_deny(self, req, token):
        path = req.path.lower()
        for pattern in self.cfg.deny:
            if fnmatch.fnmatchcase(path, pattern.lower()):
                raise ArmError(403, "AuthorizationFailed", (
                    "The client '%s' with object id '%s' does not have "
                    "authorization to perform action '%s' over scope '%s' "
                    "or the scope is invalid. If access was recently "
                    "granted, please refresh your credentials.") % (
                    token.client, uuid.uuid5(uuid.NAMESPACE_OID,
                                             token.client),
                    rbac_action(req.method, req.path), req.path))

    def arm(self, req):
        self.delay()
        m = SUB_PATH.match(req.path)
        sub = m.group(1) if m else None
        headers, fault = {}, None
        with self.lock:
            self.arm_count += 1
            if self.arm_count == self.cfg.expire_tokens_after:
                self.auth.expire_all_now()
            try:
                token = self.auth.check(req)
                self.check_api_version(req)
                headers = self.throttle(sub, operation_kind(req.method))
                self.check_deny(req, token)
                fault = self.pick_fault(req)
                resp = self.fault_response(fault)
                if resp is None:
                    backup.sweep(self)
                    resp = backup.route(self, req)
            except ArmError as e:
                resp = e.response()
        for k, v in headers.items():
            resp.headers.setdefault(k, v)
        if fault in ("reset", "truncate", "oversize"):
            resp.fault = fault
        self.spec_check(req, resp)
        return resp

    def spec_check(self, req, resp):
        """With --spec-log: the request (when vaultwise sent it) and the
        response against Microsoft's OpenAPI documents (tests/spec/)."""
        if self.specs is None:
            return
        version = req.q("api-version")
        found = []
        if (req.headers.get("User-Agent") or "").startswith("vaultwise/"):
            found.append(("request", "requests", self.specs.check_request(
                req.method, req.path, version, req.body)))
        found.append(("response", "responses", self.specs.check_response(
            req.method, req.path, version, resp.status, resp.body)))
        with self.log_lock:
            for side, count, problems in found:
                if problems is None:
                    self.spec_counts["unchecked"] += 1
                    continue
                self.spec_counts[count] += 1
                problems, notes = specvalidate.split(problems)
                self.spec_counts["violations"] += len(problems)
                self.spec_counts["notes"] += len(notes)
                for where, problem in problems:
                    self.spec_log.write(json.dumps({
                        "side": side, "method": req.method,
                        "path": req.raw_path, "status": resp.status,
                        "where": where, "problem": problem}) + "\n")
            self.spec_log.flush()


def _utc_ms():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ---- HTTP ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    timeout = 120

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        # Headers and body go out as two writes: without TCP_NODELAY,
        # Nagle's algorithm and the client's delayed ACK add ~40 ms to
        # every response on a kept-alive connection.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def handle(self):
        try:
            super().handle()
        except (Abort, ConnectionError, ssl.SSLError, socket.timeout):
            self.close_connection = True

    def log_message(self, fmt, *args):
        if self.server.app.cfg.verbose:
            sys.stderr.write("armemu: %s\n" % (fmt % args))

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
                if len(body) > MAX_BODY:
                    raise ValueError("body too large")
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def serve(self):
        app = self.server.app
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        host = self.headers.get("Host") or "127.0.0.1:%d" % \
            self.server.server_address[1]
        base = ("http" if self.server.ssl_ctx is None else "https") + \
            "://" + host
        req = Request(self.command, self.path, urllib.parse.unquote(url.path),
                      query, self.headers, b"", base)
        try:
            req.body = self.read_body()
            resp = app.handle(req)
        except ValueError as e:
            self.close_connection = True
            resp = ArmError(413, "RequestEntityTooLarge", str(e)).response()
        except Exception:
            traceback.print_exc()
            resp = ArmError(500, "InternalServerError",
                            "The emulator failed; see its stderr.").response()
        app.log_request(req, resp.status, resp.fault)
        self.send(req, resp)

    def send(self, req, resp):
        if resp.fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            raise Abort()
        payload = resp.payload()
        if resp.fault == "oversize":
            payload += b" " * OVERSIZE_PAD
        headers = {"Cache-Control": "no-cache", "Pragma": "no-cache",
                   "Expires": "-1",
                   "x-ms-request-id": str(uuid.uuid4()),
                   "x-ms-correlation-request-id": self.headers.get(
                       "x-ms-correlation-request-id") or str(uuid.uuid4())}
        if self.headers.get("x-ms-client-request-id"):
            headers["x-ms-client-request-id"] = \
                self.headers["x-ms-client-request-id"]
        if self.server.ssl_ctx is not None:
            headers["Strict-Transport-Security"] = \
                "max-age=31536000; includeSubDomains"
        if resp.body is not None and not isinstance(resp.body, bytes):
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["Vary"] = "Accept-Encoding"
        if payload and "gzip" in self.headers.get("Accept-Encoding",
                                                  "").lower():
            payload = gzip.compress(payload)
            headers["Content-Encoding"] = "gzip"
        headers.update(resp.headers)
        self.send_response(resp.status)
        for k, v in headers.items():
            self.send_header(k, v)
        if resp.status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command == "HEAD" or resp.status in (204, 304):
            return
        if resp.fault == "truncate":
            self.wfile.write(payload[:len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            raise Abort()
        self.wfile.write(payload)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, app, ssl_ctx):
        self.app, self.ssl_ctx = app, ssl_ctx
        super().__init__(("127.0.0.1", port), Handler)

    def finish_request(self, request, client_address):
        if self.ssl_ctx is None:
            self.RequestHandlerClass(request, client_address, self)
            return
        try:
            request.settimeout(Handler.timeout)
            conn = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            conn.close()


def write_port_file(path, port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        app = App(args)
    except (OSError, ValueError, KeyError, E.SnapshotError) as e:
        sys.stderr.write("armemu: cannot start: %s\n" % e)
        return 66
    ctx = None
    try:
        if not args.http:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(args.cert, args.key)
        servers = [Server(args.port, app, ctx)]
        if args.http_port is not None or args.http_port_file:
            servers.append(Server(args.http_port or 0, app, None))
    except (OSError, ssl.SSLError) as e:
        sys.stderr.write("armemu: cannot listen: %s\n" % e)
        return 69
    port = servers[0].server_address[1]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    for server in servers:
        threading.Thread(target=server.serve_forever, args=(0.1,),
                         daemon=True).start()
    if len(servers) > 1 and args.http_port_file:
        write_port_file(args.http_port_file, servers[1].server_address[1])
    if args.port_file:
        write_port_file(args.port_file, port)
    npoints = sum(len(it.rps) for it in app.estate.by_item_id.values())
    sys.stderr.write("armemu: serving %s (%d vaults, %d items, %d recovery "
                     "points) on %s://127.0.0.1:%d%s\n" % (
                         args.snapshot, len(app.estate.vaults),
                         len(app.estate.by_item_id), npoints,
                         "http" if args.http else "https", port,
                         " and http://127.0.0.1:%d" %
                         servers[1].server_address[1]
                         if len(servers) > 1 else ""))
    while not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
