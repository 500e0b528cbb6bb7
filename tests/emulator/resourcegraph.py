# SPDX-License-Identifier: MIT
"""resourcegraph.py: Azure Resource Graph (POST /providers/Microsoft.
ResourceGraph/resources) over the estate's RecoveryServicesResources:
backup jobs, protected items and backup policies of the vaults in the
requested subscriptions, each row the ARM resource's JSON (as the vault
listings give it) plus Resource Graph's columns (type lowercased,
subscriptionId, resourceGroup, tenantId). The request and answer follow the
Microsoft.ResourceGraph 2024-04-01 spec: {subscriptions, query, options:
{$top (100, at most 1000), $skip, $skipToken}} -> {totalRecords, count,
resultTruncated, $skipToken, data, facets}, rows ordered by id; the
$skipToken pages one result (the query is evaluated for its first page). Every answer carries the quota headers x-ms-user-quota-remaining
and x-ms-user-quota-resets-after (hh:mm:ss); a query beyond the quota (15
per 5-second window, Resource Graph's default) is 429 RateLimiting.

The query is a subset of KQL, parsed here (anything else is 400
BadRequest/InvalidQuery): `RecoveryServicesResources`, then `| where EXPR`
and `| project COLUMNS`. EXPR combines with `and`, `or` and parentheses the
terms `P =~ 'x'`, `P == 'x'`, `P startswith 'x'`, `P in~ ('x', ...)`,
`P in (...)`, `T between (datetime(A) .. datetime(B))` and `T >= / <= / >
/ < datetime(A)`, where P is `type`, `id`, `name` or `properties.NAME` and
T is `todatetime(P)`.

Importing it adds its route and api-versions to backup.py's tables."""

import base64
import json
import re
import threading
import time

import backup as B
import estate as E
import policies
from errors import ArmError, Response

API = ("2021-03-01", "2022-10-01", "2024-04-01")
TABLE = "recoveryservicesresources"
QUOTA, WINDOW_S = 15, 5
TOP_DEFAULT, TOP_MAX = 100, 1000
ITEM_TYPE = ("Microsoft.RecoveryServices/vaults/backupFabrics/"
             "protectionContainers/protectedItems")

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^'\\]|\\.)*')
  | (?P<dt>datetime\(\s*[^)]*\))
  | (?P<op>=~|==|>=|<=|\.\.|[()|,<>])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.~]*)
)""", re.X)


def invalid(msg):
    return ArmError(400, "BadRequest", "Query is invalid: %s. Please refer "
                    "to the documentation for the Azure Resource Graph "
                    "service and fix the error before retrying." % msg)


def to_time(text):
    try:
        return E.parse_time(text)
    except ValueError:
        return None


def tokens(text):
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise invalid("unexpected text at %d: '%s'" %
                          (pos, text[pos:pos + 20]))
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "str":
            val = re.sub(r"\\(.)", r"\1", val[1:-1])
        elif kind == "dt":
            val = to_time(val[val.index("(") + 1:-1].strip())
            if val is None:
                raise invalid("bad datetime '%s'" % m.group(kind))
        out.append((kind, val))
        pos = m.end()
    return out


class Parser:
    """Recursive descent over the tokens of one `where` expression."""

    def __init__(self, toks):
        self.toks, self.i = toks, 0

    def peek(self, kind=None, val=None):
        if self.i >= len(self.toks):
            return None
        k, v = self.toks[self.i]
        if (kind and k != kind) or \
                (val is not None and str(v).lower() != val):
            return None
        return self.toks[self.i]

    def take(self, kind=None, val=None):
        t = self.peek(kind, val)
        if t is None:
            got = self.toks[self.i][1] if self.i < len(self.toks) else "end"
            raise invalid("expected %s, got '%s'" % (val or kind, got))
        self.i += 1
        return t[1]

    def expr(self):
        left = self.conj()
        while self.peek("word", "or"):
            self.i += 1
            right = self.conj()
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def conj(self):
        left = self.term()
        while self.peek("word", "and"):
            self.i += 1
            right = self.term()
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left

    def column(self):
        if self.peek("word", "todatetime"):
            self.i += 1
            self.take("op", "(")
            path = self.take("word")
            self.take("op", ")")
            return path, True
        return self.take("word"), False

    def literal_list(self):
        self.take("op", "(")
        vals = [self.take("str")]
        while self.peek("op", ","):
            self.i += 1
            vals.append(self.take("str"))
        self.take("op", ")")
        return vals

    def term(self):
        if self.peek("op", "("):
            self.i += 1
            e = self.expr()
            self.take("op", ")")
            return e
        path, is_time = self.column()
        get = getter(path, is_time)
        if is_time:
            return self.time_term(get)
        op = self.take()
        op = op.lower() if isinstance(op, str) else op
        if op in ("in~", "in"):
            vals = self.literal_list()
            if op == "in~":
                low = {v.lower() for v in vals}
                return lambda r: (get(r) or "").lower() in low
            return lambda r: get(r) in vals
        val = self.take("str")
        if op == "=~":
            return lambda r: (get(r) or "").lower() == val.lower()
        if op == "==":
            return lambda r: get(r) == val
        if op == "startswith":
            return lambda r: (get(r) or "").lower().startswith(val.lower())
        raise invalid("operator '%s' is not supported" % op)

    def time_term(self, get):
        op = self.take()
        if op == "between":
            self.take("op", "(")
            lo = self.take("dt")
            self.take("op", "..")
            hi = self.take("dt")
            self.take("op", ")")
            return lambda r: get(r) is not None and lo <= get(r) <= hi
        cmp = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
               ">": lambda a, b: a > b, "<": lambda a, b: a < b}.get(op)
        if cmp is None:
            raise invalid("operator '%s' is not supported on a datetime" %
                          op)
        at = self.take("dt")
        return lambda r: get(r) is not None and cmp(get(r), at)


def getter(path, is_time):
    parts = path.split(".")
    if parts[0].lower() not in ("type", "id", "name", "properties") or \
            (parts[0].lower() == "properties") != (len(parts) == 2) or \
            len(parts) > 2:
        raise invalid("unknown column '%s'" % path)

    def get(row):
        v = row.get(parts[0].lower())
        if len(parts) == 2:
            v = (v or {}).get(parts[1])
        if is_time:
            return to_time(v) if isinstance(v, str) else None
        return v
    return get


def compile_query(text):
    """(row filter, projected columns or None) of a query."""
    stages = []
    toks = tokens(text)
    cur = []
    for t in toks:
        if t == ("op", "|"):
            stages.append(cur)
            cur = []
        else:
            cur.append(t)
    stages.append(cur)
    if len(stages[0]) != 1 or stages[0][0][0] != "word" or \
            stages[0][0][1].lower() != TABLE:
        raise invalid("only the table RecoveryServicesResources is served")
    filters, columns = [], None
    for st in stages[1:]:
        if not st or st[0][0] != "word":
            raise invalid("empty or unknown operator")
        verb = st[0][1].lower()
        if verb == "where":
            p = Parser(st[1:])
            filters.append(p.expr())
            if p.i != len(p.toks):
                raise invalid("unexpected '%s'" % (p.toks[p.i][1],))
        elif verb == "project":
            columns = [v for k, v in st[1:] if k == "word"]
            if any(c.lower() not in ("id", "name", "type", "properties",
                                     "subscriptionid", "resourcegroup",
                                     "tenantid") for c in columns):
                raise invalid("project: unknown column")
        else:
            raise invalid("operator '%s' is not supported" % verb)
    return (lambda r: all(f(r) for f in filters)), columns


class Row:
    """A row whose JSON is built only when a filter or the answer needs
    more than its id and type (most rows fail on those)."""

    def __init__(self, arm_id, rtype, build, vault):
        self.cols = {"id": arm_id, "type": rtype.lower()}
        self.build, self.vault, self.built = build, vault, False

    def get(self, key):
        if key not in self.cols and not self.built:
            d = self.build()
            self.cols.update({k.lower(): val for k, val in d.items()
                              if k.lower() not in ("id", "type")})
            v = self.vault
            self.cols.update({"subscriptionid": v.sub, "resourcegroup": v.rg,
                              "tenantid": v.tenant,
                              "location": v.row.get("location", "")})
            self.built = True
        return self.cols.get(key)


def rows(app, subs):
    """Every RecoveryServicesResources row of the subscriptions."""
    out = []
    for v in app.estate.vaults:
        if v.sub.lower() not in subs:
            continue
        out += [Row(v.arm_id + "/backupJobs/" + j.job_id,
                    "Microsoft.RecoveryServices/vaults/backupJobs",
                    (lambda j=j: E.job_json(j, detailed=False)), v)
                for j in v.jobs]
        out += [Row(it.arm_id, ITEM_TYPE,
                    (lambda it=it: E.item_json(it)), v) for it in v.items]
        out += [Row(p.arm_id, "Microsoft.RecoveryServices/vaults/"
                    "backupPolicies", (lambda p=p: policies.policy_json(p)),
                    v) for p in B._policies(v)]
    return out


NAMES = {"id": "id", "name": "name", "type": "type",
         "properties": "properties", "subscriptionid": "subscriptionId",
         "resourcegroup": "resourceGroup", "tenantid": "tenantId",
         "location": "location"}


def shaped(row, columns):
    keep = [c.lower() for c in columns] if columns else list(NAMES)
    return {NAMES[c]: row.get(c) for c in keep if row.get(c) is not None}


class Quota:
    """Resource Graph's per-user window: QUOTA queries per WINDOW_S."""

    def __init__(self):
        self.lock = threading.Lock()
        self.start, self.used = 0.0, 0

    def take(self):
        with self.lock:
            now = time.monotonic()
            if now - self.start >= WINDOW_S:
                self.start, self.used = now, 0
            resets = max(0, int(self.start + WINDOW_S - now + 0.999))
            ok = self.used < QUOTA
            if ok:
                self.used += 1
            return ok, QUOTA - self.used, resets


def skip_token(result, offset):
    return base64.b64encode(json.dumps(
        {"result": result, "$skip": offset}).encode()).decode()


def token_of(token):
    """(result id or None, offset) of a $skipToken."""
    try:
        t = json.loads(base64.b64decode(token))
        return t.get("result"), int(t["$skip"])
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ArmError(400, "BadRequest", "The $skipToken is invalid.")


class Results:
    """The rows of recent queries, so that the pages of one query are of
    one result (as Resource Graph's are) and cost one evaluation."""

    def __init__(self, keep=32):
        self.keep, self.sets, self.next_id = keep, {}, 1

    def put(self, rows_):
        rid = self.next_id
        self.next_id += 1
        self.sets[rid] = rows_
        while len(self.sets) > self.keep:
            del self.sets[min(self.sets)]
        return rid

    def get(self, rid):
        return self.sets.get(rid)


def query(app, req, m):
    if not hasattr(app, "graph_quota"):
        app.graph_quota = Quota()
    ok, left, resets = app.graph_quota.take()
    headers = {"x-ms-user-quota-remaining": str(max(left, 0)),
               "x-ms-user-quota-resets-after": "00:00:%02d" % resets}
    if not ok:
        raise ArmError(429, "RateLimiting", "Please provide below info when "
                       "asking for support: the client exceeded its "
                       "Resource Graph quota; retry after the window "
                       "resets.", headers)
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise ArmError(400, "BadRequest", "The request must give 'query'.")
    opts = body.get("options") or {}
    subs = {s.lower() for s in body.get("subscriptions") or []}
    keep, columns = compile_query(body["query"])
    top = opts.get("$top", TOP_DEFAULT)
    if not isinstance(top, int) or not 1 <= top <= TOP_MAX:
        raise ArmError(400, "BadRequest", "$top must be 1 to %d." % TOP_MAX)
    if not hasattr(app, "graph_results"):
        app.graph_results = Results()
    rid, start = token_of(opts["$skipToken"]) if opts.get("$skipToken") \
        else (None, int(opts.get("$skip") or 0))
    found = app.graph_results.get(rid)
    if found is None:
        found = sorted((r for r in rows(app, subs) if keep(r)),
                       key=lambda r: r.get("id").lower())
        rid = app.graph_results.put(found)
    data = [shaped(r, columns) for r in found[start:start + top]]
    out = {"totalRecords": len(found), "count": len(data),
           "resultTruncated": "false", "facets": [], "data": data}
    if start + top < len(found):
        out["$skipToken"] = skip_token(rid, start + top)
    return Response(200, out, headers)


B.API_VERSIONS["resourcegraph"] = API
B.ROUTES.append(("POST", re.compile(
    r"^/providers/Microsoft\.ResourceGraph/resources/?$", re.I),
    "resourcegraph", query))
