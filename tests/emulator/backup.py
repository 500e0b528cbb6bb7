# SPDX-License-Identifier: MIT
"""backup.py: the ARM resource handlers of the emulator: subscriptions,
Recovery Services vaults and their backup sub-resources, resource guards,
paging, async operations (moves, policy updates, fetchTieringCost) and the
archive-move rules, as docs/arm-contract.md and Microsoft's examples describe.

route() is called by armemu.py with the app lock held, after
authentication, throttling and fault injection. Every answer is computed
from the estate (estate.py) and the request; nothing is canned. Error codes
marked "unconfirmed" in README.md have no public source."""

import base64
import re
import time
import uuid

import apiversions
import estate as E
import odata
import policies
from errors import ArmError, Response

API_VERSIONS = {
    "subs": ("2022-12-01", "2021-01-01", "2020-01-01", "2019-11-01",
             "2019-06-01", "2018-06-01", "2016-06-01", "2025-02-01"),
    "vault": apiversions.VAULTS,
    "backup": apiversions.BACKUP,
    "guard": apiversions.GUARDS,
    "tags": ("2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01",
             "2025-04-01"),
}

SUB = r"/subscriptions/(?P<sub>[^/]+)"
V = (SUB + r"/resourceGroups/(?P<rg>[^/]+)/providers/"
     r"Microsoft\.RecoveryServices/vaults/(?P<vault>[^/]+)")
ITEM = (V + r"/backupFabrics/(?P<fabric>[^/]+)/protectionContainers/"
        r"(?P<container>[^/]+)/protectedItems/(?P<item>[^/]+)")
NOT_RECOMMENDABLE = ("UserErrorDatasourceTypeIsNotSupportedFor"
                     "RecommendationApi")
GUARD = (SUB + r"/resourceGroups/(?P<rg>[^/]+)/providers/"
         r"Microsoft\.DataProtection/resourceGuards/(?P<name>[^/]+)")


class Operation:
    """An async operation: a move, a policy update or a tiering query."""

    def __init__(self, kind, vault, start, item=None, rp=None, job=None,
                 result=None):
        self.id = str(uuid.uuid4())
        self.kind, self.vault, self.item, self.rp = kind, vault, item, rp
        self.job, self.result = job, result
        self.start, self.end = start, None
        self.status, self.polls = "InProgress", 0
        self.real_start = time.monotonic()


# ---- lookups with ARM's errors ----

def subscription(app, sub):
    found = app.estate.subscription(sub)
    if found is None:
        raise ArmError(404, "SubscriptionNotFound",
                       "The subscription '%s' could not be found." % sub)
    sid, tenant = found
    if tenant.lower() != app.estate.tenant.lower():
        raise ArmError(401, "InvalidAuthenticationTokenTenant",
                       "The access token is from the wrong issuer "
                       "'https://sts.windows.net/%s/'. It must match the "
                       "tenant 'https://sts.windows.net/%s/' associated with "
                       "this subscription. Please use the authority (URL) "
                       "'https://login.windows.net/%s' to get the token. "
                       "Note, if the subscription is transferred to another "
                       "tenant there is no impact to the services, but "
                       "information about new tenant could take time to "
                       "propagate (up to an hour). If you just transferred "
                       "your subscription and see this error message, "
                       "please try back later." %
                       (app.estate.tenant, tenant, tenant), {
                           "WWW-Authenticate": 'Bearer authorization_uri='
                           '"https://login.windows.net/%s", error='
                           '"invalid_token", error_description="The access '
                           'token is from the wrong issuer."' % tenant})
    return sid, tenant


def resource_group_missing(app, sub, rg):
    return ArmError(404, "ResourceGroupNotFound",
                    "Resource group '%s' could not be found." % rg)


def vault_of(app, m):
    subscription(app, m["sub"])
    v = app.estate.vault(m["sub"], m["rg"], m["vault"])
    if v is None:
        if m["rg"].lower() not in app.estate.resource_groups(m["sub"]):
            raise resource_group_missing(app, m["sub"], m["rg"])
        raise ArmError(404, "ResourceNotFound",
                       "The Resource 'Microsoft.RecoveryServices/vaults/%s' "
                       "under resource group '%s' was not found. For more "
                       "details please go to "
                       "https://aka.ms/ARMResourceNotFoundFix" %
                       (m["vault"], m["rg"]))
    return v


def item_of(app, m):
    v = vault_of(app, m)
    it = None
    if m["fabric"].lower() == "azure":
        it = v.item_index.get((m["container"].lower(), m["item"].lower()))
    if it is None:
        raise ArmError(404, "BMSUserErrorDataSourceObjectNotFound",
                       "Item not found. Selected item might have been "
                       "deleted. Please check if item is registered to the "
                       "vault.")
    return it


def rp_of(it, rp_id):
    rp = it.rp_index.get(rp_id.lower())
    if rp is None:
        raise ArmError(404, "BMSUserErrorRecoveryPointNotFound",
                       "Recovery point '%s' was not found for this item." %
                       rp_id)
    return rp


def bad_input(message):
    return ArmError(400, "BMSUserErrorInvalidInput", message)


# ---- paging ----

def _token(offset):
    return base64.urlsafe_b64encode(b"o=%d" % offset).decode().rstrip("=")


def _offset(req):
    token = req.q("$skiptoken")
    if token is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if not raw.startswith(b"o="):
            raise ValueError
        offset = int(raw[2:])
        if offset < 0:
            raise ValueError
        return offset
    except (ValueError, TypeError):
        raise ArmError(400, "InvalidSkipToken",
                       "The $skiptoken '%s' is not valid." % token)


def next_link(req, offset):
    path, _, query = req.raw_path.partition("?")
    keep = [p for p in query.split("&")
            if p and p.split("=", 1)[0].lower() not in ("$skiptoken",
                                                        "%24skiptoken")]
    keep.append("$skiptoken=" + _token(offset))
    return req.base + path + "?" + "&".join(keep)


def page(req, values, size, build, null_next=False):
    start = _offset(req)
    body = {"value": [build(x) for x in values[start:start + size]]}
    if start + size < len(values):
        body["nextLink"] = next_link(req, start + size)
    elif null_next:
        body["nextLink"] = None
    return Response(200, body)


# ---- $filter ----

def filter_terms(req, allowed):
    """{field(lower): value} of an 'a eq 'x' and b eq 'y'' $filter."""
    text = req.q("$filter")
    if not text:
        return {}
    try:
        terms = odata.conjunction(odata.parse(text))
    except odata.FilterError as e:
        raise bad_input(str(e))
    out = {}
    for field, op, value in terms:
        low = field.lower()
        if low not in allowed or op != "eq":
            raise bad_input("$filter: '%s %s' is not supported here; use %s"
                            % (field, op, ", ".join(
                                "%s eq '...'" % a for a in allowed)))
        out[low] = value
    return out


_FILTER_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})"
                          r"(?::(\d{2})(?:\.\d+)?)?\s*(AM|PM)?\s*Z?$", re.I)


def filter_time(field, text):
    """A $filter time: 'yyyy-MM-dd hh:mm:ss AM' as the CLI writes it (the
    spec example uses hour 00 with AM), or ISO 8601 UTC."""
    m = _FILTER_TIME.match(str(text).strip())
    if not m:
        raise bad_input("$filter: %s '%s' is not a time like "
                        "'2026-01-31 10:30:00 PM'" % (field, text))
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    s = int(m.group(6) or 0)
    ampm = (m.group(7) or "").upper()
    if ampm:
        if h > 12:
            raise bad_input("$filter: %s hour %d with %s" % (field, h, ampm))
        h = h % 12 + (12 if ampm == "PM" else 0)
    try:
        return E.parse_time("%04d-%02d-%02dT%02d:%02d:%02dZ" %
                            (y, mo, d, h, mi, s))
    except ValueError:
        raise bad_input("$filter: %s '%s' is not a valid date" %
                        (field, text))


# ---- subscriptions and vaults ----

def subscription_json(sid, tenant):
    return {"id": "/subscriptions/" + sid, "authorizationSource": "RoleBased",
            "managedByTenants": [], "subscriptionId": sid,
            "tenantId": tenant, "displayName": "Subscription " + sid[:8],
            "state": "Enabled", "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off"}}


def list_subscriptions(app, req, m):
    home = app.estate.tenant.lower()
    subs = sorted(app.estate.sub_tenants[s] for s in app.estate.listed
                  if app.estate.sub_tenants[s][1].lower() == home)
    return Response(200, {
        "value": [subscription_json(s, t) for s, t in subs]})


def get_subscription(app, req, m):
    return Response(200, subscription_json(*subscription(app, m["sub"])))


def list_vaults(app, req, m):
    subscription(app, m["sub"])
    rg = m.get("rg")
    if rg and rg.lower() not in app.estate.resource_groups(m["sub"]):
        raise resource_group_missing(app, m["sub"], rg)
    vaults = [v for v in app.estate.vaults
              if v.sub.lower() == m["sub"].lower() and
              (not rg or v.rg.lower() == rg.lower())]
    return page(req, vaults, app.cfg.list_page_size,
                lambda v: E.vault_json(v, full=False))


def get_vault(app, req, m):
    return Response(200, E.vault_json(vault_of(app, m)))


def get_tags(app, req, m):
    """Tags_GetAtScope for a vault or a protected item's source resource
    (items.csv source_tags); other scopes are not in the estate."""
    scope = m["scope"]
    for v in app.estate.vaults:
        if v.arm_id.lower() == scope.lower():
            return Response(200, E.tags_json(scope, v.row.get("tags")))
        for it in v.items:
            src = it.row.get("source_resource_id") or ""
            if src.lower() == scope.lower():
                return Response(200, E.tags_json(
                    scope, it.row.get("source_tags")))
    raise ArmError(404, "ResourceNotFound",
                   "The Resource '%s' was not found. For more details "
                   "please go to https://aka.ms/ARMResourceNotFoundFix" %
                   scope)


def vault_config(app, req, m):
    return Response(200, E.vault_config_json(vault_of(app, m)))


def vault_usages(app, req, m):
    return Response(200, E.usages_json(vault_of(app, m)))


def storage_config(app, req, m):
    return Response(200, E.storage_config_json(vault_of(app, m)))


def list_proxies(app, req, m):
    v = vault_of(app, m)
    proxies = [E.proxy_json(v, app.estate.exported_at)] if v.guard_id else []
    return Response(200, {"value": proxies})


def get_proxy(app, req, m):
    v = vault_of(app, m)
    if not v.guard_id or m["name"].lower() != "vaultproxy":
        raise ArmError(404, "ResourceNotFound",
                       "Resource guard proxy '%s' was not found in vault "
                       "'%s'." % (m["name"], v.name))
    return Response(200, E.proxy_json(v, app.estate.exported_at))


def get_guard(app, req, m):
    subscription(app, m["sub"])
    gid = ("/subscriptions/%s/resourceGroups/%s/providers/Microsoft."
           "DataProtection/resourceGuards/%s" % (m["sub"], m["rg"],
                                                 m["name"])).lower()
    row = app.estate.guards.get(gid)
    if row is None:
        if m["rg"].lower() not in app.estate.resource_groups(m["sub"]):
            raise resource_group_missing(app, m["sub"], m["rg"])
        raise ArmError(404, "ResourceNotFound",
                       "The Resource 'Microsoft.DataProtection/"
                       "resourceGuards/%s' under resource group '%s' was not "
                       "found. For more details please go to "
                       "https://aka.ms/ARMResourceNotFoundFix" %
                       (m["name"], m["rg"]))
    vault = app.estate.by_vault_id[row["vault_id"]]
    return Response(200, E.guard_json(row, vault.row["location"]))


# ---- policies ----

def _policies(v):
    return sorted(v.policies.values(), key=lambda p: p.name.lower())


def list_policies(app, req, m):
    v = vault_of(app, m)
    want = filter_terms(req, ("backupmanagementtype", "workloadtype"))
    out = []
    for p in _policies(v):
        props = p.properties
        if "backupmanagementtype" in want and \
                props["backupManagementType"].lower() != \
                want["backupmanagementtype"].lower():
            continue
        wl = props.get("workLoadType") or ("VM" if props[
            "backupManagementType"] == "AzureIaasVM" else "")
        if "workloadtype" in want and wl.lower() != \
                want["workloadtype"].lower():
            continue
        out.append(p)
    return page(req, out, app.cfg.list_page_size, policies.policy_json)


def policy_of(v, name):
    p = v.policies.get(name.lower())
    if p is None:
        raise ArmError(404, "BMSUserErrorPolicyNotFound",
                       "Policy '%s' was not found in vault '%s'." %
                       (name, v.name))
    return p


def get_policy(app, req, m):
    p = policy_of(vault_of(app, m), m["policy"])
    return Response(200, policies.policy_json(p), {"ETag": p.etag})


def put_policy(app, req, m):
    v = vault_of(app, m)
    existing = v.policies.get(m["policy"].lower())
    if_match = req.headers.get("If-Match")
    if if_match is not None and (existing is None or (
            if_match.strip() != "*" and if_match.strip() != existing.etag)):
        raise ArmError(412, "PreconditionFailed",
                       "The specified precondition 'If-Match = %s' failed: "
                       "the policy has changed (current ETag %s)." %
                       (if_match, existing.etag if existing else "none"))
    body = req.json()
    props = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(props, dict) or not props.get("backupManagementType"):
        raise bad_input("The policy body needs properties with a "
                        "backupManagementType.")
    props = {k: val for k, val in props.items()
             if k not in ("protectedItemsCount",)}
    if existing is not None and props["backupManagementType"] != \
            existing.properties["backupManagementType"]:
        raise bad_input("backupManagementType cannot change from '%s' to "
                        "'%s'." % (existing.properties["backupManagementType"],
                                   props["backupManagementType"]))
    why = policies.tiering_problem(props)
    if why:
        raise ArmError(400, "BMSUserErrorInvalidTieringPolicy", why)
    if existing is not None:
        reduced = policies.reduces_retention(existing.properties, props)
        if reduced and v.row["immutability"] in ("Unlocked", "Locked"):
            raise ArmError(400, "UserErrorImmutableVaultRetentionReduction",
                           "Reduction in retention is not allowed since the "
                           "vault is immutable (rules: %s)." %
                           ", ".join(sorted(reduced)))
        if reduced and app.cfg.mua_block and \
                E.guard_protects(v, "backupPolicies/write"):
            raise ArmError(403, "UserErrorMUAResourceGuardOperationNotAllowed",
                           "This operation is protected by the Resource "
                           "Guard '%s' (multi-user authorization): request "
                           "access to the critical operation "
                           "'Microsoft.RecoveryServices/vaults/backupPolicies"
                           "/write' and retry." % v.guard_id)
        existing.properties = props
        existing.touch()
        p = existing
    else:
        p = new_policy(v, m["policy"], props)
    if not app.cfg.async_policy_put:
        return Response(200, policies.policy_json(p), {"ETag": p.etag})
    op = Operation("policy", v, app.now(), result=p)
    register(app, op)
    base = p.arm_id
    return Response(202, None, async_headers(
        app, req, base + "/operations/" + op.id,
        base + "/operationResults/" + op.id))


def new_policy(v, name, props):
    wl = {"AzureIaasVM": "AzureVM", "AzureStorage": "AzureFiles"}.get(
        props["backupManagementType"])
    if wl is None:
        wl = "HANA" if props.get("workLoadType") == "SAPHanaDatabase" \
            else "SQL"
    p = E.Policy(v, v.arm_id + "/backupPolicies/" + name, wl, props)
    v.policies[name.lower()] = p
    return p


def policy_operation(app, req, m):
    v = vault_of(app, m)
    op = operation_of(app, m["op"], v, kind="policy")
    settle(app, op, polled=True)
    return Response(200, status_json(op))


def policy_operation_result(app, req, m):
    v = vault_of(app, m)
    op = operation_of(app, m["op"], v, kind="policy")
    settle(app, op, polled=True)
    if op.status == "InProgress":
        return Response(202, None, async_headers(
            app, req, op.result.arm_id + "/operations/" + op.id,
            op.result.arm_id + "/operationResults/" + op.id))
    return Response(200, policies.policy_json(op.result),
                    {"ETag": op.result.etag})


# ---- protected items and recovery points ----

def list_items(app, req, m):
    v = vault_of(app, m)
    want = filter_terms(req, ("backupmanagementtype", "itemtype",
                              "policyname", "friendlyname"))
    out = []
    for it in v.items:
        fields = {"backupmanagementtype": it.wl["bmt"],
                  "itemtype": it.wl["item_type"],
                  "policyname": it.policy.name if it.policy else "",
                  "friendlyname": it.friendly}
        if all(fields[k].lower() == str(val).lower()
               for k, val in want.items()):
            out.append(it)
    return page(req, out, app.cfg.list_page_size, E.item_json)


def get_item(app, req, m):
    return Response(200, E.item_json(item_of(app, m)))


RP_QUERY_KINDS = {"full": ("full",), "log": ("log",),
                  "differential": ("differential",),
                  "fullanddifferential": ("full", "differential"),
                  "all": None, "incremental": None}


def list_rps(app, req, m):
    it = item_of(app, m)
    want = filter_terms(req, ("startdate", "enddate",
                              "restorepointquerytype", "extendedinfo"))
    start = filter_time("startDate", want["startdate"]) \
        if "startdate" in want else None
    end = filter_time("endDate", want["enddate"]) \
        if "enddate" in want else None
    kinds = None
    if "restorepointquerytype" in want:
        qt = str(want["restorepointquerytype"]).lower()
        if qt not in RP_QUERY_KINDS:
            raise bad_input("restorePointQueryType '%s' is not supported" %
                            want["restorepointquerytype"])
        kinds = RP_QUERY_KINDS[qt]
    rps = [rp for rp in reversed(it.rps)
           if (start is None or rp.time >= start) and
           (end is None or rp.time <= end) and
           (kinds is None or rp.kind in kinds)]
    return page(req, rps, app.cfg.page_size,
                lambda rp: E.rp_json(it, rp, app.estate.exported_at),
                null_next=True)


def get_rp(app, req, m):
    it = item_of(app, m)
    rp = rp_of(it, m["rp"])
    return Response(200, E.rp_json(it, rp, app.estate.exported_at))


def recommended_set(it, std, arc, now, skip):
    """Azure's recommended set, as Microsoft Learn ("Archive tier
    support", archive recommendations) describes it: the points which,
    moved together, ensure a saving. Here: of the monthly and yearly
    points that may move now (and are not in skip), the runs of
    neighbouring points that together save the most a month, a point that
    costs more archived being left out unless its neighbours make up for
    it. A run frees in Standard each point's block versions that neither
    the point before the run nor the one after it holds, in the
    incremental model of models/cost/vmset.h (the item's source size and
    daily churn; the chain is the monthly and yearly points in Standard
    and the daily and weekly ones kept there forever; next month's point
    follows the newest while protection goes on), and costs its points'
    full copies in Archive."""
    chain = [rp for rp in it.rps if rp.tier in E.IN_STANDARD and
             (rp.kind in ("monthly", "yearly") or rp.expiry is None)]
    movable = [rp.rp_id.lower() not in skip and
               E.move_refusal(it, rp, now) is None for rp in chain]
    refills = it.policy is not None and it.row["protection_state"] in (
        "Protected", "IRPending", "ProtectionError")
    source = float(it.row["source_gb"] or 0)
    churn = float(it.row["daily_churn"] or 0)

    def f(a, b):  # share of blocks written between a and b
        return 1.0 if a is None or b is None else \
            1 - (1 - churn) ** max(0.0, (b - a) / E.DAY)
    times = [rp.time for rp in chain]
    after = times[1:] + [E.add_months(times[-1], 1) if refills and times
                         else None]
    new = [f(times[k - 1] if k else None, times[k])
           for k in range(len(chain))]
    # open_[k], ended[k]: the best choice among chain[:k] with chain[k - 1]
    # left out (or k == 0), and with a run ending at chain[k - 1]
    open_, ended = [(0.0, [])], [None]
    for k in range(1, len(chain) + 1):
        open_.append(max((c for c in (open_[k - 1], ended[k - 1]) if c),
                         key=lambda c: c[0]))
        ended.append(None)
        freed = full = 0.0
        for i in range(k - 1, -1, -1):
            if not movable[i]:
                break
            freed += source * new[i] * f(times[i], after[k - 1])
            full += chain[i].full_gb
            v = open_[i][0] + std * freed - arc * full
            if ended[k] is None or v > ended[k][0]:
                ended[k] = (v, open_[i][1] + chain[i:k])
    last = [c for c in (open_[-1], ended[-1]) if c and c[0] > 0]
    return max(last, key=lambda c: c[0])[1] if last else []


def recommended_for_move(app, req, m):
    """The POST, or a GET of its nextLink (as ARM clients follow the
    nextLink of a POST list), paged by --page-size."""
    it = item_of(app, m)
    body = req.json() if req.method == "POST" else {
        "objectType": "ListRecoveryPointsRecommendedForMoveRequest"}
    if not isinstance(body, dict) or body.get("objectType") != \
            "ListRecoveryPointsRecommendedForMoveRequest":
        raise bad_input("objectType must be "
                        "ListRecoveryPointsRecommendedForMoveRequest.")
    excluded = body.get("excludedRPList") or []
    if not isinstance(excluded, list):
        raise bad_input("excludedRPList must be a list of recovery point "
                        "names.")
    if it.workload != "AzureVM":
        raise ArmError(400, NOT_RECOMMENDABLE,
                       "Recommendations for archive move are supported for "
                       "Azure virtual machines only.")
    skip = {str(x).lower() for x in excluded}
    std, arc = app.prices.storage_prices(it.vault.row)
    rec = recommended_set(it, std, arc, app.now(), skip)
    return page(req, list(reversed(rec)), app.cfg.page_size,
                lambda rp: E.rp_json(it, rp, app.estate.exported_at),
                null_next=True)


def move_rp(app, req, m):
    it = item_of(app, m)
    rp = rp_of(it, m["rp"])
    body = req.json()
    if not isinstance(body, dict) or \
            body.get("objectType") != "MoveRPAcrossTiersRequest" or \
            body.get("sourceTierType") != "HardenedRP" or \
            body.get("targetTierType") != "ArchivedRP":
        raise bad_input("A move needs objectType MoveRPAcrossTiersRequest, "
                        "sourceTierType HardenedRP and targetTierType "
                        "ArchivedRP.")
    if rp.moving:
        raise ArmError(409, "AnotherOperationInProgress",
                       "A move of recovery point '%s' is already in "
                       "progress (operation %s)." % (rp.rp_id, rp.moving))
    refusal = E.move_refusal(it, rp, app.now())
    if refusal:
        raise ArmError(400, *refusal)
    now = app.now()
    job = E.Job(str(uuid.uuid4()), it.vault, it, "MoveRecoveryPoint",
                "InProgress", E.iso(now))
    app.estate.add_job(job)
    op = Operation("move", it.vault, now, item=it, rp=rp, job=job)
    job.op = op
    rp.moving = op.id
    register(app, op)
    return Response(202, None, async_headers(
        app, req, it.arm_id + "/operationsStatus/" + op.id,
        it.arm_id + "/operationResults/" + op.id))


# ---- async operations ----

def register(app, op):
    app.ops[op.id.lower()] = op
    app.pending.add(op)


def async_headers(app, req, status_path, result_path):
    q = "?api-version=" + req.api_version
    return {"Azure-AsyncOperation": req.base + status_path + q,
            "Location": req.base + result_path + q,
            "Retry-After": str(app.cfg.async_retry_after)}


def settle(app, op, polled):
    """Counts a poll and completes op when it has been polled more than
    --op-polls times or --op-seconds have passed."""
    if op.status != "InProgress":
        return
    if polled:
        op.polls += 1
    timed = app.cfg.op_seconds is not None and \
        time.monotonic() - op.real_start >= app.cfg.op_seconds
    if op.polls > app.cfg.op_polls or timed:
        finish(app, op)


def finish(app, op):
    op.status, op.end = "Succeeded", app.now()
    app.pending.discard(op)
    if op.kind == "move":
        E.complete_move(op.rp)
        job = op.job
        job.status, job.end_s = "Completed", E.iso(op.end)
        job.duration = str(max(0, op.end - op.start))
        app.log_move(op.item, op.rp)


def sweep(app):
    for op in list(app.pending):
        settle(app, op, polled=False)


def operation_of(app, op_id, vault, kind=None, item=None):
    op = app.ops.get(op_id.lower())
    if op is None or op.vault is not vault or \
            (kind and op.kind != kind) or (item and op.item is not item):
        raise ArmError(404, "BMSUserErrorOperationNotFound",
                       "Operation '%s' was not found." % op_id)
    return op


def status_json(op):
    body = {"id": op.id, "name": op.id, "status": op.status,
            "startTime": E.iso(op.start)}
    if op.end is not None:
        body["endTime"] = E.iso(op.end)
    if op.job is not None:
        body["properties"] = {"objectType": "OperationStatusJobExtendedInfo",
                              "jobId": op.job.job_id}
    return body


def item_operation_status(app, req, m):
    it = item_of(app, m)
    op = operation_of(app, m["op"], it.vault, item=it)
    settle(app, op, polled=True)
    return Response(200, status_json(op))


def item_operation_result(app, req, m):
    it = item_of(app, m)
    op = operation_of(app, m["op"], it.vault, item=it)
    settle(app, op, polled=True)
    if op.status == "InProgress":
        return Response(202, None, async_headers(
            app, req, it.arm_id + "/operationsStatus/" + op.id,
            it.arm_id + "/operationResults/" + op.id))
    return Response(204)


def vault_operation(app, req, m):
    v = vault_of(app, m)
    op = operation_of(app, m["op"], v)
    settle(app, op, polled=True)
    return Response(200, status_json(op))


# ---- jobs ----

def list_jobs(app, req, m):
    v = vault_of(app, m)
    want = filter_terms(req, ("starttime", "endtime", "operation", "status",
                              "backupmanagementtype", "jobid"))
    start = filter_time("startTime", want["starttime"]) \
        if "starttime" in want else None
    end = filter_time("endTime", want["endtime"]) \
        if "endtime" in want else None

    def match(job):
        wl = job.item.wl if job.item else E.WORKLOADS["AzureVM"]
        checks = (("operation", job.operation), ("status", job.status),
                  ("backupmanagementtype", wl["bmt"]),
                  ("jobid", job.job_id))
        return ((start is None or job.start >= start) and
                (end is None or job.start <= end) and
                all(str(want[k]).lower() == val.lower()
                    for k, val in checks if k in want))

    jobs = sorted((j for j in v.jobs if match(j)),
                  key=lambda j: (j.start, j.job_id), reverse=True)
    return page(req, jobs, app.cfg.list_page_size,
                lambda j: E.job_json(j, detailed=False))


def get_job(app, req, m):
    v = vault_of(app, m)
    job = v.job_index.get(m["job"].lower())
    if job is None:
        raise ArmError(404, "BMSUserErrorJobNotFound",
                       "Job '%s' was not found in vault '%s'." %
                       (m["job"], v.name))
    if job.op is not None:      # the CLI follows a move by its job
        settle(app, job.op, polled=True)
    return Response(200, E.job_json(job, detailed=True))


# ---- fetchTieringCost ----

SAVINGS_REQUESTS = ("FetchTieringCostSavingsInfoForVaultRequest",
                    "FetchTieringCostSavingsInfoForPolicyRequest",
                    "FetchTieringCostSavingsInfoForProtectedItemRequest")
REHYDRATION_REQUEST = "FetchTieringCostInfoForRehydrationRequest"


def _tiering_item(v, body):
    it = v.item_index.get((str(body.get("containerName", "")).lower(),
                           str(body.get("protectedItemName", "")).lower()))
    if it is None:
        raise ArmError(404, "BMSUserErrorDataSourceObjectNotFound",
                       "Item not found. Selected item might have been "
                       "deleted. Please check if item is registered to the "
                       "vault.")
    return it


def tiering_result(app, v, body):
    kind = body.get("objectType")
    std, arc = app.prices.storage_prices(v.row)
    if kind == REHYDRATION_REQUEST:
        if (body.get("sourceTierType"), body.get("targetTierType")) != \
                ("ArchivedRP", "HardenedRP"):
            raise bad_input("Rehydration cost needs sourceTierType "
                            "ArchivedRP and targetTierType HardenedRP.")
        it = _tiering_item(v, body)
        rp = rp_of(it, str(body.get("recoveryPointId", "")))
        if rp.tier not in E.IN_ARCHIVE:
            raise ArmError(400, "UserErrorRecoveryPointNotInArchiveTier",
                           "Recovery point '%s' is not in the archive tier."
                           % rp.rp_id)
        return {"objectType": "TieringCostRehydrationInfo",
                "rehydrationSizeInBytes": int(round(rp.full_gb * E.GIB)),
                "retailRehydrationCostPerGBPerMonth": std}
    if kind not in SAVINGS_REQUESTS:
        raise bad_input("objectType must be one of %s." %
                        ", ".join(SAVINGS_REQUESTS + (REHYDRATION_REQUEST,)))
    if (body.get("sourceTierType"), body.get("targetTierType")) != \
            ("HardenedRP", "ArchivedRP"):
        raise bad_input("Savings need sourceTierType HardenedRP and "
                        "targetTierType ArchivedRP.")
    if kind == SAVINGS_REQUESTS[0]:
        items = v.items
    elif kind == SAVINGS_REQUESTS[1]:
        p = policy_of(v, str(body.get("policyName", "")))
        items = [it for it in v.items if it.policy is p]
    else:
        items = [_tiering_item(v, body)]
    now = app.now()
    reduction = increase = 0.0
    for it in items:
        for rp in it.rps:
            if E.move_refusal(it, rp, now) is None:
                reduction += rp.unique_gb
                increase += rp.full_gb
    return {"objectType": "TieringCostSavingInfo",
            "retailSourceTierCostPerGBPerMonth": std,
            "retailTargetTierCostPerGBPerMonth": arc,
            "sourceTierSizeReductionInBytes": int(round(reduction * E.GIB)),
            "targetTierSizeIncreaseInBytes": int(round(increase * E.GIB))}


def fetch_tiering_cost(app, req, m):
    v = vault_of(app, m)
    body = req.json()
    if not isinstance(body, dict):
        raise bad_input("The request body must be a JSON object.")
    op = Operation("tiering", v, app.now(),
                   result=tiering_result(app, v, body))
    register(app, op)
    base = v.arm_id + "/backupTieringCost/default"
    return Response(202, None, async_headers(
        app, req, base + "/operationsStatus/" + op.id,
        base + "/operationResults/" + op.id))


def tiering_status(app, req, m):
    op = operation_of(app, m["op"], vault_of(app, m), kind="tiering")
    settle(app, op, polled=True)
    body = status_json(op)
    return Response(200, body)


def tiering_result_get(app, req, m):
    v = vault_of(app, m)
    op = operation_of(app, m["op"], v, kind="tiering")
    settle(app, op, polled=True)
    if op.status == "InProgress":
        base = v.arm_id + "/backupTieringCost/default"
        return Response(202, None, async_headers(
            app, req, base + "/operationsStatus/" + op.id,
            base + "/operationResults/" + op.id))
    return Response(200, op.result)


# ---- routing ----

ROUTES = [(method, re.compile("^" + pattern + "/?$", re.I), group, fn)
          for method, pattern, group, fn in (
    ("GET", r"/subscriptions", "subs", list_subscriptions),
    ("GET", SUB, "subs", get_subscription),
    ("GET", SUB + r"/providers/Microsoft\.RecoveryServices/vaults",
     "vault", list_vaults),
    ("GET", SUB + r"/resourceGroups/(?P<rg>[^/]+)/providers/"
     r"Microsoft\.RecoveryServices/vaults", "vault", list_vaults),
    ("GET", V, "vault", get_vault),
    ("GET", V + r"/usages", "vault", vault_usages),
    ("GET", r"(?P<scope>/subscriptions/.+?)/providers/"
            r"Microsoft\.Resources/tags/default", "tags", get_tags),
    ("GET", V + r"/backupconfig/vaultconfig", "backup", vault_config),
    ("GET", V + r"/backupstorageconfig/vaultstorageconfig", "backup",
     storage_config),
    ("GET", V + r"/backupResourceGuardProxies", "backup", list_proxies),
    ("GET", V + r"/backupResourceGuardProxies/(?P<name>[^/]+)", "backup",
     get_proxy),
    ("GET", GUARD, "guard", get_guard),
    ("GET", V + r"/backupPolicies", "backup", list_policies),
    ("GET", V + r"/backupPolicies/(?P<policy>[^/]+)", "backup", get_policy),
    ("PUT", V + r"/backupPolicies/(?P<policy>[^/]+)", "backup", put_policy),
    ("GET", V + r"/backupPolicies/(?P<policy>[^/]+)/operations/(?P<op>[^/]+)",
     "backup", policy_operation),
    ("GET", V + r"/backupPolicies/(?P<policy>[^/]+)/operationResults/"
     r"(?P<op>[^/]+)", "backup", policy_operation_result),
    ("GET", V + r"/backupProtectedItems", "backup", list_items),
    ("GET", ITEM, "backup", get_item),
    ("GET", ITEM + r"/recoveryPoints", "backup", list_rps),
    ("GET", ITEM + r"/recoveryPoints/(?P<rp>[^/]+)", "backup", get_rp),
    ("POST", ITEM + r"/recoveryPointsRecommendedForMove", "backup",
     recommended_for_move),
    ("GET", ITEM + r"/recoveryPointsRecommendedForMove", "backup",
     recommended_for_move),
    ("POST", ITEM + r"/recoveryPoints/(?P<rp>[^/]+)/move", "backup", move_rp),
    ("GET", ITEM + r"/operationsStatus/(?P<op>[^/]+)", "backup",
     item_operation_status),
    ("GET", ITEM + r"/operationResults/(?P<op>[^/]+)", "backup",
     item_operation_result),
    ("GET", V + r"/backupOperations/(?P<op>[^/]+)", "backup",
     vault_operation),
    ("GET", V + r"/backupJobs", "backup", list_jobs),
    ("GET", V + r"/backupJobs/(?P<job>[^/]+)", "backup", get_job),
    ("POST", V + r"/backupTieringCost/default/fetchTieringCost", "backup",
     fetch_tiering_cost),
    ("GET", V + r"/backupTieringCost/default/operationsStatus/(?P<op>[^/]+)",
     "backup", tiering_status),
    ("GET", V + r"/backupTieringCost/default/operationResults/(?P<op>[^/]+)",
     "backup", tiering_result_get),
)]


def match(path):
    """(route, match) for a path, a list of methods the path allows when
    only the method is wrong, or None."""
    methods = []
    for method, rx, group, fn in ROUTES:
        mt = rx.match(path)
        if mt:
            methods.append((method, group, fn, mt))
    return methods


def not_found(app, req):
    """ARM's 404 for a path no route serves."""
    parts = [p for p in req.path.split("/") if p]
    low = [p.lower() for p in parts]
    if len(parts) >= 2 and low[0] == "subscriptions":
        subscription(app, parts[1])
    if "providers" in low:
        i = low.index("providers")
        if i + 1 < len(parts):
            ns = parts[i + 1]
            if ns.lower() not in ("microsoft.recoveryservices",
                                  "microsoft.dataprotection"):
                raise ArmError(404, "InvalidResourceNamespace",
                               "The resource namespace '%s' is invalid." %
                               ns)
            types = parts[i + 2::2]
            raise ArmError(404, "InvalidResourceType",
                           "The resource type '%s' could not be found in "
                           "the namespace '%s' for api version '%s'." %
                           ("/".join(types), ns, req.api_version))
    raise ArmError(404, "NotFound", "No ARM resource is served at '%s'." %
                   req.path)


def api_version_group(path):
    for method, group, fn, mt in match(path):
        return group
    return None


def route(app, req):
    """Runs the handler of req; ArmError for 4xx answers."""
    found = match(req.path)
    for method, group, fn, mt in found:
        if method == req.method:
            return fn(app, req, mt.groupdict())
    if found:
        raise ArmError(405, "MethodNotAllowed",
                       "The requested resource does not support http "
                       "method '%s'." % req.method,
                       {"Allow": ", ".join(sorted({f[0] for f in found}))})
    not_found(app, req)
