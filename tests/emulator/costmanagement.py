# SPDX-License-Identifier: MIT
"""costmanagement.py: the Cost Management Query API (POST {scope}/providers/
Microsoft.CostManagement/query, api-version 2025-03-01 and the earlier
stable ones) over a bill: the FOCUS export `vaultwise sample --bill DIR`
writes (DIR/focus.csv), the same hidden truth the sample's bill files
carry. The request is a QueryDefinition as Microsoft's spec has it
(costmanagement.json 2025-03-01, QueryDefinition/QueryDataset): type
ActualCost, AmortizedCost or Usage; timeframe Custom (timePeriod from/to),
TheLastMonth, MonthToDate or WeekToDate; up to 2 aggregations (Sum) and 2
Dimension groupings; a filter of and/or/dimensions with operator In. The
answer is a QueryResult (SubscriptionQueryGrouping example): columns, the
aggregations first, then the groupings, then Currency; rows; nextLink
(the same POST with $skiptoken) while more rows remain.

Cost Management throttles on its own, per scope: an empty bucket
(--cost-bucket) answers 429 with x-ms-ratelimit-microsoft.costmanagement-
entity-retry-after and no Retry-After. Without --bill every query answers
no rows.

Importing it adds its route and api-versions to backup.py's tables."""

import csv
import datetime
import os
import uuid

import backup as B
import estate as E
from errors import ArmError, Response

API = ("2025-03-01", "2024-08-01", "2023-11-01", "2023-09-01",
       "2023-08-01", "2023-03-01", "2022-10-01", "2021-10-01",
       "2019-11-01")
SCOPE = r"(?P<scope>/subscriptions/[^/]+(?:/resourceGroups/[^/]+)?)"
PAGE = 1000
# Columns a query may sum, and the FOCUS columns they come from per type.
AGGREGATES = {
    "cost": {"ActualCost": "BilledCost", "AmortizedCost": "EffectiveCost",
             "Usage": "BilledCost"},
    "pretaxcost": {"ActualCost": "BilledCost",
                   "AmortizedCost": "EffectiveCost", "Usage": "BilledCost"},
    "usagequantity": "ConsumedQuantity",
}
DIMENSIONS = ("ResourceId", "ResourceGroupName", "ResourceGroup",
              "ResourceType", "ResourceLocation", "SubscriptionId",
              "MeterCategory", "Meter", "ServiceName", "ChargeType")


class Bill:
    """The charges of DIR/focus.csv, each with the dimensions the query
    API groups and filters by."""

    def __init__(self, bill_dir):
        self.rows = []
        if not bill_dir:
            return
        path = os.path.join(bill_dir, "focus.csv")
        with open(path, newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                self.rows.append(self.charge(r))

    @staticmethod
    def charge(r):
        rid = r["ResourceId"]
        parts = [p for p in rid.split("/") if p]
        low = [p.lower() for p in parts]
        rtype = ""
        if "providers" in low:
            i = low.index("providers")
            rtype = "/".join([parts[i + 1]] + parts[i + 2::2]).lower()
        rg = parts[3] if len(low) > 3 and low[2] == "resourcegroups" \
            else ""
        dims = {"resourceid": rid.lower(), "resourcegroupname": rg.lower(),
                "resourcegroup": rg.lower(), "resourcetype": rtype,
                "resourcelocation": r.get("RegionId", ""),
                "subscriptionid": parts[1] if len(parts) > 1 else "",
                "metercategory": r["x_SkuMeterCategory"],
                "meter": r["x_SkuMeterName"],
                "servicename": r["ServiceName"],
                "chargetype": r["ChargeCategory"]}
        return {"dims": dims, "id": rid, "values": r,
                "start": E.parse_time(r["ChargePeriodStart"])}


def bad(message):
    return ArmError(400, "BadRequest", message)


def _time(text, what):
    try:
        return E.parse_time(text)
    except (ValueError, TypeError, AttributeError):
        raise bad("Invalid %s '%s' in timePeriod." % (what, text))


def period(app, q):
    """[start, end] in epoch seconds of the query's timeframe."""
    frame = q.get("timeframe")
    now = datetime.datetime.fromtimestamp(app.now(), datetime.timezone.utc)
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if frame == "Custom":
        tp = q.get("timePeriod")
        if not isinstance(tp, dict) or "from" not in tp or "to" not in tp:
            raise bad("timePeriod with from and to is required when "
                      "timeframe is Custom.")
        start, end = _time(tp["from"], "from"), _time(tp["to"], "to")
        if start > end:
            start, end = end, start
        return start, end
    if frame == "TheLastMonth":
        last = (month - datetime.timedelta(days=1)).replace(day=1)
        return int(last.timestamp()), int(month.timestamp()) - 1
    if frame == "MonthToDate":
        return int(month.timestamp()), app.now()
    if frame == "WeekToDate":
        week = now - datetime.timedelta(days=now.weekday())
        return int(week.replace(hour=0, minute=0, second=0,
                                microsecond=0).timestamp()), app.now()
    raise bad("Invalid timeframe '%s'." % frame)


def matches(f, charge):
    """Whether a charge passes a QueryFilter."""
    if not isinstance(f, dict) or not f:
        raise bad("Invalid filter expression.")
    if "and" in f or "or" in f:
        terms = f.get("and", f.get("or"))
        if not isinstance(terms, list) or len(terms) < 2:
            raise bad("A logical filter expression needs at least 2 "
                      "items.")
        test = all if "and" in f else any
        return test([matches(t, charge) for t in terms])
    expr = f.get("dimensions")
    if "tags" in f:
        return False  # the bill has no tags
    if not isinstance(expr, dict) or expr.get("operator") != "In" or \
            not isinstance(expr.get("values"), list) or \
            not expr["values"]:
        raise bad("A dimension filter needs name, operator In and values.")
    name = str(expr.get("name", "")).lower()
    if name not in charge["dims"]:
        raise bad("Invalid dimension '%s' in filter." % expr.get("name"))
    value = charge["dims"][name].lower()
    return any(value == str(v).lower() for v in expr["values"])


def dataset(q):
    """(aggregations [(column, source)], groupings [name]) of a query."""
    ds = q.get("dataset")
    if not isinstance(ds, dict):
        raise bad("dataset is required.")
    aggs = ds.get("aggregation") or {}
    groups = ds.get("grouping") or []
    if not isinstance(aggs, dict) or len(aggs) > 2:
        raise bad("Query can have up to 2 aggregation clauses.")
    if not isinstance(groups, list) or len(groups) > 2:
        raise bad("Query can have up to 2 group by clauses.")
    out = []
    for alias, a in aggs.items():
        name = a.get("name", "") if isinstance(a, dict) else ""
        if a.get("function") != "Sum" or name.lower() not in AGGREGATES:
            raise bad("Invalid aggregation '%s'." % alias)
        src = AGGREGATES[name.lower()]
        out.append((name, src if isinstance(src, str) else
                    src[q.get("type")]))
    names = []
    for g in groups:
        if not isinstance(g, dict) or g.get("type") != "Dimension" or \
                g.get("name", "").lower() not in [d.lower()
                                                  for d in DIMENSIONS]:
            raise bad("Invalid grouping '%s'." % g)
        names.append(g["name"])
    return out, names


def run(app, scope, q):
    """The result's columns and every row, grouped and summed."""
    if q.get("type") not in ("ActualCost", "AmortizedCost", "Usage"):
        raise bad("Invalid query type '%s'." % q.get("type"))
    start, end = period(app, q)
    aggs, groups = dataset(q)
    f = q["dataset"].get("filter")
    sums = {}
    for c in app.estate.cost_bill.rows:
        if not c["id"].lower().startswith(scope.lower() + "/") or \
                not start <= c["start"] <= end or \
                (f is not None and not matches(f, c)):
            continue
        key = tuple(c["id"] if g.lower() == "resourceid"
                    else c["dims"][g.lower()] for g in groups) + \
            (c["values"]["BillingCurrency"],)
        acc = sums.setdefault(key, [0.0] * len(aggs))
        for i, (_, src) in enumerate(aggs):
            acc[i] += float(c["values"][src] or 0)
    columns = [{"name": n, "type": "Number"} for n, _ in aggs] + \
        [{"name": g, "type": "String"} for g in groups] + \
        [{"name": "Currency", "type": "String"}]
    rows = [sums[k] + list(k) for k in sorted(sums)]
    return columns, rows


def throttle(app, scope):
    capacity, rate = app.cfg.cost_bucket
    ok, remaining, wait = app.bucket(("costmanagement", scope.lower()),
                                     capacity, rate).take()
    if not ok:
        raise ArmError(429, "429", "Too many requests. Please retry.", {
            "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after":
                str(wait)})
    return {"x-ms-ratelimit-microsoft.costmanagement-qpu-consumed": "1",
            "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining":
                str(remaining)}


def query(app, req, m):
    scope = m["scope"]
    B.subscription(app, scope.split("/")[2])
    headers = throttle(app, scope)
    q = req.json()
    if not isinstance(q, dict):
        raise bad("The query body must be a QueryDefinition object.")
    columns, rows = run(app, scope, q)
    start = B._offset(req)
    name = str(uuid.uuid4())
    props = {"nextLink": B.next_link(req, start + PAGE)
             if start + PAGE < len(rows) else None,
             "columns": columns, "rows": rows[start:start + PAGE]}
    return Response(200, {
        "id": "%s/providers/Microsoft.CostManagement/query/%s" % (scope,
                                                                  name),
        "name": name, "type": "Microsoft.CostManagement/query",
        "location": None, "sku": None, "eTag": None,
        "properties": props}, headers)


B.API_VERSIONS["costmanagement"] = API
B.ROUTES.append(("POST", B.re.compile(
    "^" + SCOPE + r"/providers/Microsoft\.CostManagement/query/?$", B.re.I),
    "costmanagement", query))
