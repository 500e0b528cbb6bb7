# SPDX-License-Identifier: MIT
"""dataprotection.py: the Backup vaults of the estate (Microsoft.
DataProtection, vaultwise's api-version 2025-07-01 and every other that
ARM accepts) as ARM shows them: backup vaults
listed per subscription and read one by one, and per vault its
backupPolicies, backupInstances, backupResourceGuardProxies and
backupJobs, and per instance its recoveryPoints, in the shapes of
Microsoft's DataProtection spec examples (VaultCRUD/GetBackupVault,
PolicyCRUD/GetBackupPolicy, BackupInstanceOperations/GetBackupInstance,
ResourceGuardProxyCRUD/GetResourceGuardProxy, BackupInstanceOperations/
ListRecoveryPoints, JobCRUD/ListJobs). Built from the snapshot's
backup_vaults.csv, backup_policies.csv, backup_instances.csv,
backup_recovery_points.csv and backup_jobs.csv (docs/snapshot-format.md
"Backup vaults"); a snapshot without them has no Backup vaults (or no
points and jobs).

Importing it adds its routes and api-versions to backup.py's tables."""

import os
import uuid

import backup as B
import estate as E
from errors import ArmError, Response

API = B.apiversions.GUARDS  # every published DataProtection version
DP = "Microsoft.DataProtection"
BV = (B.SUB + r"/resourceGroups/(?P<rg>[^/]+)/providers/"
      r"Microsoft\.DataProtection/backupVaults/(?P<vault>[^/]+)")
PROXY = "DppResourceGuardProxy"
SOFT_DELETE = {"Disabled": "Off", "Enabled": "On", "AlwaysOn": "AlwaysOn"}


class DpEstate:
    """The three files, indexed by vault."""

    def __init__(self, snapdir):
        def rows(name):
            if not os.path.exists(os.path.join(snapdir, name)):
                return []
            return E.read_csv(snapdir, name, ())
        self.vaults = rows("backup_vaults.csv")
        self.by_id = {v["vault_id"]: v for v in self.vaults}
        self.policies, self.instances = {}, {}
        for p in rows("backup_policies.csv"):
            self.policies.setdefault(p["vault_id"], []).append(p)
        self.policy_arm = {}
        for vid, ps in self.policies.items():
            for p in ps:
                p["_arm"] = p["arm_id"] or "%s/backupPolicies/%s" % (
                    self.by_id[vid]["arm_id"], p["policy_name"])
                self.policy_arm[p["policy_id"]] = p["_arm"]
        for i in rows("backup_instances.csv"):
            self.instances.setdefault(i["vault_id"], []).append(i)


def dp(app):
    if not hasattr(app.estate, "dataprotection"):
        app.estate.dataprotection = DpEstate(app.estate.dir)
    return app.estate.dataprotection


def vault_of(app, m):
    B.subscription(app, m["sub"])
    for v in dp(app).vaults:
        if (v["subscription_id"].lower() == m["sub"].lower() and
                v["resource_group"].lower() == m["rg"].lower() and
                v["vault_name"].lower() == m["vault"].lower()):
            return v
    raise ArmError(404, "ResourceNotFound",
                   "The Resource '%s/backupVaults/%s' under resource group "
                   "'%s' was not found." % (DP, m["vault"], m["rg"]))


def state(value):
    return {"state": value}


def vault_json(v):
    """A vault as BackupVaults_Get shows it (GetBackupVault example)."""
    props = {
        "provisioningState": "Succeeded",
        "resourceMoveState": "Unknown",
        "storageSettings": [{"datastoreType": "VaultStore",
                             "type": v["redundancy"]}],
        "isVaultProtectedByResourceGuard": bool(v["resource_guard_id"]),
        "featureSettings": {
            "crossSubscriptionRestoreSettings":
                state(v["cross_subscription_restore"]),
            "crossRegionRestoreSettings": state(v["cross_region_restore"])},
        "securitySettings": {
            "softDeleteSettings": {
                "state": SOFT_DELETE[v["soft_delete"]],
                "retentionDurationInDays": float(v["soft_delete_days"])},
            "immutabilitySettings": state(v["immutability"]),
            "encryptionSettings": state(v["cmk"])},
        "secureScore": "None",
        "bcdrSecurityLevel": "Fair",
        "replicatedRegions": [],
    }
    if v["job_failure_alerts"]:
        props["monitoringSettings"] = {"azureMonitorAlertSettings": {
            "alertsForAllJobFailures": v["job_failure_alerts"]}}
    return {"id": v["arm_id"], "name": v["vault_name"],
            "type": DP + "/backupVaults", "location": v["location"],
            "tags": {}, "identity": {"type": "SystemAssigned"},
            "properties": props}


def store(name):
    return {"dataStoreType": name, "objectType": "DataStoreInfoBase"}


def policy_json(p):
    """A policy as BackupPolicies_Get shows it: one AzureBackupRule with
    the schedule, one AzureRetentionRule per retention_rules entry."""
    rules = []
    parts = [r.split(":") for r in p["retention_rules"].split(";") if r]
    if p["schedule"]:
        first = parts[0][1] if parts else "VaultStore"
        sched = {"repeatingTimeIntervals": p["schedule"].split(";")}
        if p["time_zone"]:
            sched["timeZone"] = p["time_zone"]
        rules.append({
            "objectType": "AzureBackupRule", "name": "BackupRule",
            "backupParameters": {"objectType": "AzureBackupParams",
                                 "backupType": "Incremental"},
            "dataStore": store(first),
            "trigger": {"objectType": "ScheduleBasedTriggerContext",
                        "schedule": sched,
                        "taggingCriteria": [{
                            "isDefault": True, "taggingPriority": 99,
                            "tagInfo": {"id": "Default_",
                                        "tagName": "Default"}}]}})
    for name, data_store, duration in parts:
        rules.append({
            "objectType": "AzureRetentionRule", "name": name,
            "isDefault": name == "Default",
            "lifecycles": [{
                "deleteAfter": {"objectType": "AbsoluteDeleteOption",
                                "duration": duration},
                "sourceDataStore": store(data_store),
                "targetDataStoreCopySettings": []}]})
    return {"id": p["_arm"], "name": p["policy_name"],
            "type": DP + "/backupVaults/backupPolicies",
            "properties": {"objectType": "BackupPolicy",
                           "datasourceTypes": [p["datasource_type"]],
                           "policyRules": rules}}


def instance_json(app, v, i):
    """An instance as BackupInstances_Get shows it."""
    src = i["source_resource_id"]
    props = {
        "friendlyName": i["instance_name"],
        "dataSourceInfo": {
            "objectType": "Datasource",
            "datasourceType": i["datasource_type"],
            "resourceID": src, "resourceUri": src,
            "resourceName": src.rsplit("/", 1)[-1],
            "resourceType": i["datasource_type"],
            "resourceLocation": v["location"]},
        "protectionStatus": {"status": i["protection_status"]},
        "currentProtectionState": i["protection_status"],
        "provisioningState": "Succeeded",
        "objectType": "BackupInstance"}
    if i["policy_id"]:
        props["policyInfo"] = {
            "policyId": dp(app).policy_arm[i["policy_id"]],
            "policyVersion": ""}
    return {"id": i["arm_id"], "name": i["instance_name"],
            "type": DP + "/backupVaults/backupInstances",
            "properties": props}


def proxy_json(app, v):
    return {"id": v["arm_id"] + "/backupResourceGuardProxies/" + PROXY,
            "name": PROXY,
            "type": DP + "/backupVaults/backupResourceGuardProxies",
            "properties": {
                "resourceGuardResourceId": v["resource_guard_id"],
                "resourceGuardOperationDetails": [],
                "lastUpdatedTime": E.iso(app.estate.exported_at),
                "description": "Please take JIT access before performing "
                               "any of the critical operation"}}


def list_vaults(app, req, m):
    B.subscription(app, m["sub"])
    vaults = [v for v in dp(app).vaults
              if v["subscription_id"].lower() == m["sub"].lower()]
    return B.page(req, vaults, app.cfg.list_page_size, vault_json)


def get_vault(app, req, m):
    return Response(200, vault_json(vault_of(app, m)))


def list_policies(app, req, m):
    v = vault_of(app, m)
    return B.page(req, dp(app).policies.get(v["vault_id"], []),
                  app.cfg.list_page_size, policy_json)


def list_instances(app, req, m):
    v = vault_of(app, m)
    return B.page(req, dp(app).instances.get(v["vault_id"], []),
                  app.cfg.list_page_size,
                  lambda i: instance_json(app, v, i))


def list_proxies(app, req, m):
    v = vault_of(app, m)
    return Response(200, {"value": [proxy_json(app, v)]
                          if v["resource_guard_id"] else []})


# ---- recovery points and jobs ----

class DpHistory:
    """backup_recovery_points.csv by instance, backup_jobs.csv by vault."""

    def __init__(self, snapdir):
        def rows(name):
            if not os.path.exists(os.path.join(snapdir, name)):
                return []
            return E.read_csv(snapdir, name, ())
        self.points, self.jobs = {}, {}
        for r in rows("backup_recovery_points.csv"):
            self.points.setdefault(r["instance_id"], []).append(r)
        for j in rows("backup_jobs.csv"):
            self.jobs.setdefault(j["vault_id"], []).append(j)


def history(app):
    if not hasattr(app.estate, "dp_history"):
        app.estate.dp_history = DpHistory(app.estate.dir)
    return app.estate.dp_history


def instance_of(app, v, name):
    for i in dp(app).instances.get(v["vault_id"], []):
        if i["instance_name"].lower() == name.lower():
            return i
    raise ArmError(404, "ResourceNotFound",
                   "The Resource '%s/backupVaults/%s/backupInstances/%s' "
                   "was not found." % (DP, v["vault_name"], name))


def point_json(i, r):
    """A point as RecoveryPoints_List shows it (ListRecoveryPoints)."""
    stores = []
    for store_type in [t for t in r["data_stores"].split(";") if t]:
        d = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL,
                                  r["rp_id"] + "/" + store_type)),
             "type": store_type, "creationTime": r["rp_time"],
             "visible": True}
        if r["expiry_time"]:
            d["expiryTime"] = r["expiry_time"]
        stores.append(d)
    props = {"objectType": "AzureBackupDiscreteRecoveryPoint",
             "recoveryPointTime": r["rp_time"],
             "recoveryPointType": r["rp_type"],
             "recoveryPointDataStoresDetails": stores,
             "recoveryPointState": "Completed"}
    if r["expiry_time"]:
        props["expiryTime"] = r["expiry_time"]
    return {"id": i["arm_id"] + "/recoveryPoints/" + r["rp_id"],
            "name": r["rp_id"],
            "type": "Microsoft.DataProtection/backupVaults/"
                    "backupInstances/recoveryPoints",
            "properties": props}


def timespan(seconds):
    """A .NET time span, as Azure writes a job's duration."""
    s = int(float(seconds or 0))
    text = "%02d:%02d:%02d" % (s // 3600 % 24, s // 60 % 60, s % 60)
    return "%d.%s" % (s // 86400, text) if s >= 86400 else text


def job_json(app, v, j):
    """A job as Jobs_List shows it (ListJobs)."""
    inst = {i["instance_id"]: i
            for i in dp(app).instances.get(v["vault_id"], [])}
    i = inst.get(j["instance_id"])
    src = i["source_resource_id"] if i else ""
    parts = src.split("/")
    props = {
        "activityID": j["job_id"],
        "subscriptionId": v["subscription_id"],
        "dataSourceId": src,
        "vaultName": v["vault_name"],
        "backupInstanceFriendlyName": i["instance_name"] if i else "",
        "sourceResourceGroup": parts[4] if len(parts) > 4 else "",
        "dataSourceSetName": parts[-1],
        "dataSourceName": parts[-1],
        "progressEnabled": False,
        "sourceSubscriptionID": parts[2] if len(parts) > 2 else "",
        "startTime": j["start_time"],
        "dataSourceType": j["datasource_type"],
        "operationCategory": j["operation_category"],
        "operation": j["operation"],
        "status": j["status"],
        "isUserTriggered": j["operation_category"] != "Backup",
        "supportedActions": [],
        "dataSourceLocation": v["location"]}
    if i:
        props["backupInstanceId"] = i["arm_id"]
        if i["policy_id"]:
            arm = dp(app).policy_arm[i["policy_id"]]
            props["policyId"] = arm
            props["policyName"] = arm.rsplit("/", 1)[-1]
    if j["end_time"]:
        props["endTime"] = j["end_time"]
    if j["duration_s"]:
        props["duration"] = timespan(j["duration_s"])
    if j["error_code"]:
        props["errorDetails"] = [{
            "code": j["error_code"],
            "message": "The backup of %s failed." %
                       props["backupInstanceFriendlyName"]}]
    return {"id": "%s/backupJobs/%s" % (v["arm_id"], j["job_id"]),
            "name": j["job_id"],
            "type": DP + "/backupVaults/backupJobs",
            "properties": props}


def list_points(app, req, m):
    v = vault_of(app, m)
    i = instance_of(app, v, m["inst"])
    return B.page(req, history(app).points.get(i["instance_id"], []),
                  app.cfg.list_page_size, lambda r: point_json(i, r))


def list_jobs(app, req, m):
    v = vault_of(app, m)
    return B.page(req, history(app).jobs.get(v["vault_id"], []),
                  app.cfg.list_page_size, lambda j: job_json(app, v, j))


ROUTES = [(method, B.re.compile("^" + pattern + "/?$", B.re.I),
           "dataprotection", fn) for method, pattern, fn in (
    ("GET", B.SUB + r"/providers/Microsoft\.DataProtection/backupVaults",
     list_vaults),
    ("GET", BV, get_vault),
    ("GET", BV + r"/backupPolicies", list_policies),
    ("GET", BV + r"/backupInstances", list_instances),
    ("GET", BV + r"/backupResourceGuardProxies", list_proxies),
    ("GET", BV + r"/backupInstances/(?P<inst>[^/]+)/recoveryPoints",
     list_points),
    ("GET", BV + r"/backupJobs", list_jobs),
)]

B.API_VERSIONS["dataprotection"] = API
B.ROUTES.extend(ROUTES)
