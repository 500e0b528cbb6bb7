#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""sdk_read.py: Microsoft's own Python SDK (Debian python3-azure) reads
from the ARM emulator every operation vaultwise reads (Backup vaults
too), at the SDK's default api-versions, and prints one TAP line per operation: ok when the
SDK deserialised every answer without an error. A real client reading
the emulator is the check that the emulator serves Azure's shapes, not
our reading of them (docs/arm-contract.md).

    sdk_read.py URL CA_PEM TENANT CLIENT_ID SECRET

Runs under /usr/bin/python3 (Debian's dist-packages hold the SDK)."""

import json
import sys
import time
import urllib.parse
import urllib.request
import ssl

from azure.core.credentials import AccessToken
from azure.mgmt.dataprotection import DataProtectionClient
from azure.mgmt.recoveryservices import RecoveryServicesClient
from azure.mgmt.recoveryservicesbackup.activestamp import (
    RecoveryServicesBackupClient, models as bm)
from azure.mgmt.resource import SubscriptionClient

count = failures = 0


def tap(ok, desc, diag=""):
    global count, failures
    count += 1
    failures += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", count, desc))
    for line in str(diag)[:600].splitlines() if not ok else []:
        print("# " + line)
    sys.stdout.flush()


class Credential:
    """A client-secret credential against the emulator's token endpoint
    (azure-identity is not part of python3-azure)."""

    def __init__(self, base, ctx, tenant, client, secret):
        self.args = (base, ctx, tenant, client, secret)

    def get_token(self, *scopes, **kw):
        base, ctx, tenant, client, secret = self.args
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": client,
            "client_secret": secret, "scope": scopes[0]}).encode()
        req = urllib.request.Request(
            "%s/%s/oauth2/v2.0/token" % (base, tenant), data=form)
        with urllib.request.urlopen(req, context=ctx) as r:
            body = json.load(r)
        return AccessToken(body["access_token"],
                           int(time.time()) + int(body["expires_in"]))


def read(desc, fn):
    """Runs fn (which lists or gets and touches every result); returns
    its value, or None after a not-ok line."""
    try:
        value = fn()
    except Exception as exc:  # any SDK error is the finding
        tap(False, desc, "%s: %s" % (type(exc).__name__, exc))
        return None
    tap(True, "%s (%s)" % (desc, len(value) if isinstance(value, list)
                           else "1"))
    return value


def id_part(arm_id, key):
    parts = arm_id.split("/")
    low = [p.lower() for p in parts]
    return parts[low.index(key.lower()) + 1]


def read_backup_vaults(dp):
    """A subscription's Backup vaults, their policies and instances."""
    vaults = read("backup_vaults.get_in_subscription",
                  lambda: list(dp.backup_vaults.get_in_subscription()))
    for v in vaults or []:
        rg = id_part(v.id, "resourceGroups")
        read("backup_vaults.get %s" % v.name,
             lambda: dp.backup_vaults.get(rg, v.name))
        read("dp_backup_policies.list %s" % v.name,
             lambda: list(dp.backup_policies.list(rg, v.name)))
        read("backup_instances.list %s" % v.name,
             lambda: list(dp.backup_instances.list(rg, v.name)))


def main():
    base, ca, tenant, client, secret = sys.argv[1:6]
    ctx = ssl.create_default_context(cafile=ca)
    cred = Credential(base, ctx, tenant, client, secret)
    kw = {"base_url": base, "connection_verify": ca,
          "credential_scopes": ["https://management.azure.com/.default"]}
    subs = read("subscriptions.list",
                lambda: list(SubscriptionClient(cred, **kw)
                             .subscriptions.list()))
    for sub in subs or []:
        sid = sub.subscription_id
        rs = RecoveryServicesClient(cred, sid, **kw)
        bk = RecoveryServicesBackupClient(cred, sid, **kw)
        vaults = read("vaults.list_by_subscription_id %s" % sid,
                      lambda: list(rs.vaults.list_by_subscription_id()))
        for v in vaults or []:
            rg = id_part(v.id, "resourceGroups")
            name = v.name
            read("vaults.get %s" % name, lambda: rs.vaults.get(rg, name))
            read("usages.list_by_vaults %s" % name,
                 lambda: list(rs.usages.list_by_vaults(rg, name)))
            read("backup_resource_vault_configs.get %s" % name,
                 lambda: bk.backup_resource_vault_configs.get(name, rg))
            proxies = read("resource_guard_proxies.get %s" % name,
                           lambda: list(bk.resource_guard_proxies.get(
                               name, rg)))
            for p in proxies or []:
                gid = p.properties.resource_guard_resource_id
                read("resource_guards.get %s" % gid.split("/")[-1],
                     lambda: DataProtectionClient(
                         cred, id_part(gid, "subscriptions"), **kw)
                     .resource_guards.get(id_part(gid, "resourceGroups"),
                                          gid.split("/")[-1]))
            read("backup_policies.list %s" % name,
                 lambda: list(bk.backup_policies.list(name, rg)))
            items = read("backup_protected_items.list %s" % name,
                         lambda: list(bk.backup_protected_items.list(
                             name, rg)))
            for it in items or []:
                fabric = id_part(it.id, "backupFabrics")
                cont = id_part(it.id, "protectionContainers")
                item = id_part(it.id, "protectedItems")
                read("recovery_points.list %s" % item,
                     lambda: list(bk.recovery_points.list(
                         name, rg, fabric, cont, item)))
                if isinstance(it.properties, bm.AzureIaaSVMProtectedItem):
                    req = bm.ListRecoveryPointsRecommendedForMoveRequest(
                        object_type="ListRecoveryPointsRecommendedFor"
                                    "MoveRequest",
                        excluded_rp_list=[])
                    read("recovery_points_recommended_for_move.list %s"
                         % item,
                         lambda: list(bk.recovery_points_recommended_for_move
                                      .list(name, rg, fabric, cont, item,
                                            req)))
            jobs = read("backup_jobs.list %s" % name,
                        lambda: list(bk.backup_jobs.list(name, rg)))
            for j in (jobs or [])[:20]:
                read("job_details.get %s" % j.name,
                     lambda: bk.job_details.get(name, rg, j.name))
        read_backup_vaults(DataProtectionClient(cred, sid, **kw))
    print("1..%d" % count)
    return 1 if failures or not count else 0


if __name__ == "__main__":
    sys.exit(main())
