# SPDX-License-Identifier: MIT
"""estate.py: a vaultwise snapshot directory loaded into memory and shown
as Azure Resource Manager shows an estate: vault, policy, protected item,
recovery point, job, resource guard and proxy JSON, each built from the
snapshot's rows (docs/arm-contract.md gives the mapping), plus the archive-move
eligibility rules of azure-backup.md section 3.

Used by backup.py (the ARM handlers) and armemu.py (start-up). Reads the
snapshot once and never writes it; moves and policy updates change only the
in-memory copy."""

import calendar
import csv
import datetime
import functools
import hashlib
import json
import os
import sys
import urllib.parse
import uuid
import zlib

from policies import policy_properties, split_list

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DAY = 86400
GIB = 1 << 30

# Per workload (snapshot names): how ARM names things.
WORKLOADS = {
    "AzureVM": dict(bmt="AzureIaasVM", item_type="VM", workload_type="VM",
                    protected_item_type="Microsoft.Compute/virtualMachines",
                    job_type="AzureIaaSVMJob",
                    rp_object="IaasVMRecoveryPoint"),
    "SQL": dict(bmt="AzureWorkload", item_type="SQLDataBase",
                workload_type="SQLDataBase",
                protected_item_type="AzureVmWorkloadSQLDatabase",
                job_type="AzureWorkloadJob",
                rp_object="AzureWorkloadSQLRecoveryPoint"),
    "HANA": dict(bmt="AzureWorkload", item_type="SAPHanaDatabase",
                 workload_type="SAPHanaDatabase",
                 protected_item_type="AzureVmWorkloadSAPHanaDatabase",
                 job_type="AzureWorkloadJob",
                 rp_object="AzureWorkloadSAPHanaRecoveryPoint"),
    "AzureFiles": dict(bmt="AzureStorage", item_type="AzureFileShare",
                       workload_type="AzureFileShare",
                       protected_item_type="AzureFileShareProtectedItem",
                       job_type="AzureStorageJob",
                       rp_object="AzureFileShareRecoveryPoint"),
}

# recoveryPointTierDetails per snapshot tier; read back with the CLI's
# rule order (docs/arm-contract.md, azure-backup.md 1.3) each gives the same tier.
TIER_DETAILS = {
    "Snapshot": [("InstantRP", "Valid")],
    "Standard": [("InstantRP", "Deleted"), ("HardenedRP", "Valid")],
    "SnapshotAndStandard": [("InstantRP", "Valid"), ("HardenedRP", "Valid")],
    "Archive": [("InstantRP", "Deleted"), ("HardenedRP", "Deleted"),
                ("ArchivedRP", "Valid")],
    "SnapshotAndArchive": [("InstantRP", "Valid"), ("HardenedRP", "Deleted"),
                           ("ArchivedRP", "Valid")],
    "StandardRehydrated": [("InstantRP", "Deleted"),
                           ("HardenedRP", "Deleted"),
                           ("ArchivedRP", "Rehydrated")],
}
IN_STANDARD = ("Standard", "SnapshotAndStandard", "StandardRehydrated")
IN_ARCHIVE = ("Archive", "SnapshotAndArchive", "StandardRehydrated")
MOVED_TIER = {"Standard": "Archive",
              "SnapshotAndStandard": "SnapshotAndArchive"}
MOVED_INFO = ("Recovery point cannot be moved to archive tier since it has "
              "already been moved.")
RULE_NAMES = {"daily": "DailyRule", "weekly": "WeeklyRule",
              "monthly": "MonthlyRule", "yearly": "YearlyRule"}
SQL_TYPES = {"full": "Full", "differential": "Differential", "log": "Log"}
REHYDRATION_DAYS = 15
RS_VAULTS = "Microsoft.RecoveryServices/vaults/"
# Resource Guard request types per critical operation. The first two are in
# Microsoft's GetResourceGuard example, the next four in the DataProtection
# spec's resourceGuards/*Requests paths; the rest are unconfirmed guesses.
GUARD_REQUEST_TYPES = {
    "backupconfig/write": "disableSoftDeleteRequests",
    "backupResourceGuardProxies/delete": "deleteResourceGuardProxyRequests",
    "backupPolicies/write": "updateProtectionPolicyRequests",
    "backupFabrics/protectionContainers/protectedItems/write":
        "updateProtectedItemRequests",
    "backupFabrics/protectionContainers/protectedItems/delete":
        "deleteProtectedItemRequests",
    "backupSecurityPIN/action": "getBackupSecurityPINRequests",
}
# Operations a guard also lists for Backup vaults (the exporter must drop
# them: they are not Recovery Services vault operations).
DATAPROTECTION_OPERATIONS = [
    ("Microsoft.DataProtection/backupVaults/backupInstances/delete",
     "deleteProtectedItemRequests"),
    ("Microsoft.DataProtection/backupVaults/backupResourceGuardProxies/"
     "delete", "deleteResourceGuardProxyRequests"),
]


class SnapshotError(Exception):
    pass


# ---- time ----

@functools.lru_cache(maxsize=1 << 16)
def parse_time(text):
    """Epoch seconds of an ISO 8601 time with a zone (Z or +hh:mm)."""
    if len(text) == 20 and text[19] == "Z" and text[10] == "T":
        return calendar.timegm((int(text[0:4]), int(text[5:7]),
                                int(text[8:10]), int(text[11:13]),
                                int(text[14:16]), int(text[17:19])))
    t = datetime.datetime.fromisoformat(text.replace("z", "Z"))
    if t.tzinfo is None:
        raise ValueError("time without a zone: " + text)
    return int(t.timestamp())


def iso(epoch):
    return datetime.datetime.fromtimestamp(
        int(epoch), datetime.timezone.utc).strftime(TIME_FORMAT)


def add_months(epoch, months):
    d = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    last = (datetime.date(y + m // 12, m % 12 + 1, 1) -
            datetime.timedelta(days=1)).day
    return int(d.replace(year=y, month=m, day=min(d.day, last)).timestamp())


def make_id(prefix, arm_id):
    """snapshot_make_id(): prefix, '-', 12 hex digits of SHA-256(lower)."""
    return "%s-%s" % (prefix, hashlib.sha256(
        arm_id.lower().encode()).hexdigest()[:12])


def stable_uuid(*parts):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def gb_str(text):
    """A GiB figure as a float (empty -> None)."""
    return float(text) if text not in ("", None) else None


# ---- model ----

class Vault:
    def __init__(self, row, tenant):
        self.row = row
        self.vault_id = row["vault_id"]
        self.sub = row["subscription_id"]
        self.rg = row["resource_group"]
        self.name = row["vault_name"]
        self.tenant = row.get("tenant_id") or tenant
        self.arm_id = ("/subscriptions/%s/resourceGroups/%s/providers/"
                       "Microsoft.RecoveryServices/vaults/%s" %
                       (self.sub, self.rg, self.name))
        self.items, self.policies, self.jobs = [], {}, []
        self.item_index, self.job_index = {}, {}
        self.guard = None        # guards.csv row of the vault's guard
        self.guard_id = row["resource_guard_id"]
        self.etag = None         # set by Estate from exported_at

    @property
    def key(self):
        return (self.sub.lower(), self.rg.lower(), self.name.lower())


class Policy:
    def __init__(self, vault, arm_id, workload, properties, row=None):
        self.vault, self.arm_id, self.row = vault, arm_id, row
        self.name = arm_id.rstrip("/").split("/")[-1]
        self.workload = workload
        self.properties = properties
        self.version = 0
        self.etag = None
        self.touch()

    @classmethod
    def from_row(cls, row, vault):
        arm_id = row.get("arm_id") or (vault.arm_id + "/backupPolicies/" +
                                       row["policy_name"])
        return cls(vault, arm_id, row["workload"], policy_properties(row),
                   row)

    def touch(self):
        """A new ETag for new properties."""
        text = json.dumps(self.properties, sort_keys=True)
        self.version += 1
        self.etag = 'W/"%d-%s"' % (self.version, hashlib.sha256(
            text.encode()).hexdigest()[:16])


class Item:
    def __init__(self, row, vault, policy):
        self.row, self.vault, self.policy = row, vault, policy
        self.item_id = row["item_id"]
        self.friendly = row["item_name"]
        self.workload = row["workload"]
        self.wl = WORKLOADS[self.workload]
        self.rps, self.rp_index = [], {}
        self.arm_id = row.get("arm_id") or derive_item_id(row, vault)
        parts = self.arm_id.split("/")
        low = [p.lower() for p in parts]
        try:
            self.container = parts[low.index("protectioncontainers") + 1]
            self.name = parts[low.index("protecteditems") + 1]
        except (ValueError, IndexError):
            raise SnapshotError("items.csv: arm_id '%s' has no protection"
                                "Containers/protectedItems part" %
                                self.arm_id)


class Rp:
    __slots__ = ("rp_id", "time", "time_s", "kind", "tier", "expiry",
                 "expiry_s", "ready", "info", "unique_gb", "full_gb",
                 "moving", "on_demand")

    def __init__(self, rp_id, time_s, kind, tier, expiry_s, ready, info,
                 unique_gb, full_gb):
        self.rp_id, self.time_s = rp_id, time_s
        self.time = parse_time(time_s)
        self.kind, self.tier = sys.intern(kind), sys.intern(tier)
        self.expiry_s = expiry_s
        self.expiry = parse_time(expiry_s) if expiry_s else None
        self.ready, self.info = sys.intern(ready), sys.intern(info)
        self.unique_gb, self.full_gb = float(unique_gb), float(full_gb)
        self.moving = None       # id of a move operation in progress
        self.on_demand = False   # taken by an on-demand backup


class Job:
    """A job: a jobs.csv row, or one the emulator started (a move)."""

    def __init__(self, job_id, vault, item, operation, status, start_s,
                 end_s="", duration="", rp_time="", source_tier="",
                 data_gb="", error_code=""):
        self.job_id, self.vault, self.item = job_id, vault, item
        self.operation, self.status = operation, status
        self.start_s, self.end_s = start_s, end_s
        self.start = parse_time(start_s)
        self.duration, self.rp_time = duration, rp_time
        self.source_tier, self.data_gb = source_tier, data_gb
        self.error_code = error_code
        self.op = None     # the async operation of a job the emulator ran
        self.on_demand = None  # an on-demand backup: the point it took


# ---- loading ----

def read_csv(snapdir, name, required):
    path = os.path.join(snapdir, name)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames
                                                        or [])]
            if missing:
                raise SnapshotError("%s: missing column(s) %s" %
                                    (path, ", ".join(missing)))
            return list(reader)
    except FileNotFoundError:
        raise SnapshotError("%s: no such file" % path)


def derive_item_id(row, vault):
    """An ARM id for an item whose row has no arm_id, named the way Azure
    names containers and items (azure-backup.md 1)."""
    src = row.get("source_resource_id") or ""
    parts = src.split("/")
    low = [p.lower() for p in parts]
    rg = parts[low.index("resourcegroups") + 1] if "resourcegroups" in low \
        else vault.rg
    host = parts[-1] if len(parts) > 2 else row["item_name"]
    name = row["item_name"]
    container, item = {
        "AzureVM": ("IaasVMContainer;iaasvmcontainerv2;%s;%s" % (rg, host),
                    "VM;iaasvmcontainerv2;%s;%s" % (rg, host)),
        "SQL": ("VMAppContainer;Compute;%s;%s" % (rg, host),
                "SQLDataBase;MSSQLSERVER;%s" % name),
        "HANA": ("VMAppContainer;Compute;%s;%s" % (rg, host),
                 "SAPHanaDatabase;HXE;%s" % name),
        "AzureFiles": ("StorageContainer;Storage;%s;%s" % (rg, host),
                       "AzureFileShare;%s" % name),
    }[row["workload"]]
    return (vault.arm_id + "/backupFabrics/Azure/protectionContainers/%s/"
            "protectedItems/%s" % (container, item))


class Estate:
    """The whole snapshot, indexed for ARM paths."""

    def __init__(self, snapdir, warn=None):
        self.dir = snapdir
        self.warnings = []
        with open(os.path.join(snapdir, "manifest.json"),
                  encoding="utf-8") as f:
            manifest = json.load(f)
        self.tenant = manifest.get("tenant_id") or \
            "00000000-0000-0000-0000-00000000a11e"
        self.exported_at = parse_time(manifest["exported_at"])
        self.vaults, self.vault_index = [], {}
        self.guards = {}          # lower guard id -> guards.csv row
        self.sub_tenants = {}     # lower id -> (id, tenant): all known
        for sub in manifest.get("subscriptions") or []:
            self.sub_tenants[sub.lower()] = (sub, self.tenant)
        # GET /subscriptions lists the manifest's (docs/arm-contract.md); the
        # vaults' when it names none. Guard subscriptions answer a GET only.
        self.listed = set(self.sub_tenants)
        self._load_vaults()
        self._load_policies()
        self._load_items()
        self._load_guards()
        self._load_rps()
        self._load_jobs()
        self._check_ids(warn)
        stamp = iso(self.exported_at).replace(":", "%3A")
        for v in self.vaults:
            v.etag = 'W/"datetime\'%s\'"' % stamp

    def _load_vaults(self):
        rows = read_csv(self.dir, "vaults.csv", (
            "vault_id", "subscription_id", "resource_group", "vault_name",
            "location", "redundancy", "cross_region_restore",
            "immutability", "soft_delete", "soft_delete_days", "mua",
            "resource_guard_id", "cross_subscription_restore",
            "public_network_access", "cmk"))
        self.by_vault_id = {}
        for row in rows:
            v = Vault(row, self.tenant)
            self.vaults.append(v)
            self.vault_index[v.key] = v
            self.by_vault_id[v.vault_id] = v
            self.sub_tenants.setdefault(v.sub.lower(), (v.sub, v.tenant))
        if not self.listed:
            self.listed = {v.sub.lower() for v in self.vaults}

    def _load_policies(self):
        self.by_policy_id = {}
        for row in read_csv(self.dir, "policies.csv", (
                "policy_id", "vault_id", "policy_name", "workload",
                "policy_type", "frequency", "run_times", "run_days",
                "time_zone", "tiering_mode", "tier_after_days")):
            vault = self._vault_of(row, "policies.csv")
            p = Policy.from_row(row, vault)
            vault.policies[p.name.lower()] = p
            self.by_policy_id[row["policy_id"]] = p

    def _load_items(self):
        self.by_item_id = {}
        for row in read_csv(self.dir, "items.csv", (
                "item_id", "vault_id", "policy_id", "item_name", "workload",
                "protection_state", "source_gb", "daily_churn")):
            vault = self._vault_of(row, "items.csv")
            policy = None
            if row["policy_id"]:
                policy = self.by_policy_id.get(row["policy_id"])
                if policy is None:
                    raise SnapshotError("items.csv: policy_id '%s' is not "
                                        "in policies.csv" % row["policy_id"])
            if row["workload"] not in WORKLOADS:
                raise SnapshotError("items.csv: unknown workload '%s'" %
                                    row["workload"])
            it = Item(row, vault, policy)
            vault.items.append(it)
            vault.item_index[(it.container.lower(), it.name.lower())] = it
            self.by_item_id[it.item_id] = it

    def _load_guards(self):
        for row in read_csv(self.dir, "guards.csv", (
                "vault_id", "resource_guard_id", "guard_subscription_id",
                "guard_tenant_id", "protected_operations",
                "excluded_operations")):
            vault = self._vault_of(row, "guards.csv")
            gid = row["resource_guard_id"]
            if vault.guard is None:
                vault.guard = row
                vault.guard_id = vault.guard_id or gid
            self.guards.setdefault(gid.lower(), row)
            sub = row["guard_subscription_id"] or guard_part(gid, "sub")
            tenant = row["guard_tenant_id"] or self.tenant
            self.sub_tenants.setdefault(sub.lower(), (sub, tenant))

    def _load_rps(self):
        """recovery_points.csv with a plain reader: it can be 200,000
        rows, and DictReader would double the start-up time."""
        path = os.path.join(self.dir, "recovery_points.csv")
        cols = ("rp_id", "item_id", "rp_time", "rp_kind", "tier",
                "expiry_time", "move_ready", "move_info", "unique_gb",
                "full_gb")
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            missing = [c for c in cols if c not in header]
            if missing:
                raise SnapshotError("%s: missing column(s) %s" %
                                    (path, ", ".join(missing)))
            at = [header.index(c) for c in cols]
            for line, row in enumerate(reader, 2):
                try:
                    v = [row[i] for i in at]
                    it = self.by_item_id.get(v[1])
                    if it is None:
                        raise SnapshotError("%s:%d: item_id '%s' is not in "
                                            "items.csv" % (path, line, v[1]))
                    rp = Rp(v[0], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                            v[9])
                except (IndexError, ValueError) as e:
                    raise SnapshotError("%s:%d: %s" % (path, line, e))
                it.rps.append(rp)
                it.rp_index[rp.rp_id.lower()] = rp
        for v in self.vaults:
            for it in v.items:
                it.rps.sort(key=lambda r: (r.time, r.rp_id))

    def _load_jobs(self):
        for row in read_csv(self.dir, "jobs.csv", (
                "job_id", "vault_id", "item_id", "operation", "status",
                "start_time", "end_time", "duration_s", "rp_time",
                "source_tier", "data_gb")):
            vault = self._vault_of(row, "jobs.csv")
            item = self.by_item_id.get(row["item_id"]) if row["item_id"] \
                else None
            self.add_job(Job(row["job_id"], vault, item, row["operation"],
                             row["status"], row["start_time"],
                             row["end_time"], row["duration_s"],
                             row["rp_time"], row["source_tier"],
                             row["data_gb"], row.get("error_code", "")))

    def add_job(self, job):
        job.vault.jobs.append(job)
        job.vault.job_index[job.job_id.lower()] = job

    def mark_on_demand(self, job_ids):
        """Serves these backup jobs (VM or Files) as on-demand ones, as
        Azure shows them: isUserTriggered, and the expiry of the point the
        job took only in the job's details, not in the point list."""
        for job_id in job_ids:
            job = next((v.job_index[job_id.lower()] for v in self.vaults
                        if job_id.lower() in v.job_index), None)
            if job is None or job.operation != "Backup" or \
                    job.item is None or \
                    job.item.workload not in ("AzureVM", "AzureFiles"):
                raise SnapshotError("--on-demand %s: not a VM or Azure Files "
                                    "backup job of the snapshot" % job_id)
            end = parse_time(job.end_s) if job.end_s else job.start
            rp = next((p for p in job.item.rps
                       if job.start <= p.time <= end and p.expiry_s), None)
            if rp is None:
                raise SnapshotError("--on-demand %s: no point with an expiry "
                                    "was taken during the job" % job_id)
            job.on_demand, rp.on_demand = rp, True

    def _vault_of(self, row, name):
        v = self.by_vault_id.get(row["vault_id"])
        if v is None:
            raise SnapshotError("%s: vault_id '%s' is not in vaults.csv" %
                                (name, row["vault_id"]))
        return v

    def _check_ids(self, warn):
        """Ids not derived from the ARM ids cannot survive an export."""
        bad = [v.vault_id for v in self.vaults
               if v.vault_id != make_id("v", v.arm_id)]
        bad += [pid for pid, p in self.by_policy_id.items()
                if pid != make_id("p", p.arm_id)]
        bad += [iid for iid, it in self.by_item_id.items()
                if iid != make_id("i", it.arm_id)]
        if bad and warn:
            warn("%d id(s) are not snapshot_make_id() of their ARM ids "
                 "(e.g. '%s'): an export will name them differently" %
                 (len(bad), bad[0]))

    # ---- lookups ----

    def vault(self, sub, rg, name):
        return self.vault_index.get((sub.lower(), rg.lower(), name.lower()))

    def subscription(self, sub):
        """(subscriptionId, tenantId) or None."""
        return self.sub_tenants.get(sub.lower())

    def resource_groups(self, sub):
        groups = {v.rg.lower() for v in self.vaults
                  if v.sub.lower() == sub.lower()}
        for gid in self.guards:
            if guard_part(gid, "sub").lower() == sub.lower():
                groups.add(guard_part(gid, "rg").lower())
        return groups


def guard_part(guard_id, which):
    parts = guard_id.split("/")
    low = [p.lower() for p in parts]
    try:
        if which == "sub":
            return parts[low.index("subscriptions") + 1]
        if which == "rg":
            return parts[low.index("resourcegroups") + 1]
        return parts[-1]
    except (ValueError, IndexError):
        return ""


def full_operation(op):
    return op if op.startswith("Microsoft.") else RS_VAULTS + op


# ---- tags ----

def tags_of(field):
    """An ARM tags object from a snapshot tags field: key=value pairs
    joined by ';', with ';', '=' and '%' percent-encoded."""
    tags = {}
    for pair in (field or "").split(";"):
        if pair:
            k, _, v = pair.partition("=")
            tags[urllib.parse.unquote(k)] = urllib.parse.unquote(v)
    return tags


def tags_json(scope, field):
    """The Tags API's answer for a scope (Tags_GetAtScope)."""
    return {"id": scope + "/providers/Microsoft.Resources/tags/default",
            "name": "default", "type": "Microsoft.Resources/tags",
            "properties": {"tags": tags_of(field)}}


# ---- vault ----

def vault_json(v, full=True):
    """A vault as Vaults_Get shows it; the list shows the short form of
    Microsoft's ListBySubscriptionIds example."""
    body = {"id": v.arm_id, "name": v.name,
            "type": "Microsoft.RecoveryServices/vaults",
            "etag": v.etag,
            "location": v.row["location"],
            "tags": tags_of(v.row.get("tags")),
            "sku": {"name": "RS0", "tier": "Standard"},
            "properties": {"provisioningState": "Succeeded"}}
    if not full:
        return body
    r = v.row
    props = body["properties"]
    props.update({
        "privateEndpointStateForBackup": "None",
        "privateEndpointStateForSiteRecovery": "None",
        "publicNetworkAccess": r["public_network_access"],
        "redundancySettings": {
            "standardTierStorageRedundancy": r["redundancy"],
            "crossRegionRestore": r["cross_region_restore"]},
        "securitySettings": security_settings(v),
        "secureScore": "None",
        "bcdrSecurityLevel": "Fair",
    })
    if r["cross_subscription_restore"]:
        props["restoreSettings"] = {"crossSubscriptionRestoreSettings": {
            "crossSubscriptionRestoreState":
                r["cross_subscription_restore"]}}
    if r.get("job_failure_alerts"):
        props["monitoringSettings"] = {
            "azureMonitorAlertSettings": {
                "alertsForAllJobFailures": r["job_failure_alerts"]},
            "classicAlertSettings": {
                "alertsForCriticalOperations": "Disabled"}}
    if r.get("cost_granularity"):
        props["costManagementSettings"] = {
            "granularityLevel": r["cost_granularity"]}
    if r["cmk"] == "Enabled":
        props["encryption"] = {
            "keyVaultProperties": {"keyUri": "https://kv-%s.vault.azure.net/"
                                   "keys/k" % v.name.lower()},
            "kekIdentity": {"useSystemAssignedIdentity": True},
            "infrastructureEncryption": "Disabled"}
        body["identity"] = {"type": "SystemAssigned",
                            "principalId": stable_uuid(v.arm_id, "msi"),
                            "tenantId": v.tenant}
    return body


def soft_delete_state(v):
    soft = v.row["soft_delete"]
    return "AlwaysON" if soft == "AlwaysOn" else soft


def security_settings(v):
    """securitySettings with what the snapshot knows: a setting left
    empty (unknown) is left out, as older vault answers leave it out."""
    r = v.row
    sec = {"multiUserAuthorization": r["mua"]}
    if r["immutability"]:
        sec["immutabilitySettings"] = {"state": r["immutability"]}
    if r["soft_delete"]:
        sec["softDeleteSettings"] = {
            "softDeleteState": soft_delete_state(v),
            "softDeleteRetentionPeriodInDays":
                int(r["soft_delete_days"] or 0),
            "enhancedSecurityState": "Enabled"}
    return sec


def vault_config_json(v):
    props = {"enhancedSecurityState": "Enabled",
             "storageModelType": v.row["redundancy"],
             "storageType": v.row["redundancy"],
             "storageTypeState": "Locked" if v.items else "Unlocked"}
    if v.row["soft_delete"]:
        props.update({
            "softDeleteFeatureState": soft_delete_state(v),
            "softDeleteRetentionPeriodInDays":
                int(v.row["soft_delete_days"] or 0),
            "isSoftDeleteFeatureStateEditable":
                v.row["soft_delete"] != "AlwaysOn"})
    return {"id": v.arm_id + "/backupconfig/vaultconfig",
            "name": "vaultconfig",
            "type": "Microsoft.RecoveryServices/vaults/backupconfig",
            "properties": props}


# Usages_ListByVaults: Microsoft's ListUsages example's entries, in its
# order; the emulator fills ProtectedItemCount, IaaSVMProtectedItemCount
# and the vault's redundancy's storage (the ZRS name follows the GRS and
# LRS ones: a guess); the rest are 0.
USAGES = (("MABContainersCount", "Backup management servers", "Count"),
          ("ProtectedItemCount", "Backup items/Azure virtual machine "
           "backup", "Count"),
          ("ProtectedItemCriticalCount", "Critical", "Count"),
          ("ProtectedItemWarningCount", "Warning", "Count"),
          ("IaaSVMProtectedItemCount", "Azure Virtual Machines", "Count"),
          ("IaaSVMProtectedItemCriticalCount", "Critical", "Count"),
          ("IaaSVMProtectedItemWarningCount", "Warning", "Count"),
          ("MABProtectedItemCount", "File-Folders", "Count"),
          ("DPMProtectedItemCount", "DPM Protected Items Count", "Count"),
          ("AzureBackupServerProtectedItemCount",
           "Azure Backup Server Protected Items Count", "Count"),
          ("InProgressJobsCount", "In progress", "Count"),
          ("FailedJobsCount", "Failed", "Count"),
          ("GRSStorageUsage", "Cloud - GRS", "Bytes"),
          ("LRSStorageUsage", "Cloud - LRS", "Bytes"),
          ("ZRSStorageUsage", "Cloud - ZRS", "Bytes"),
          ("ManagedInstances", "Protected Instances", "Count"),
          ("GRSDedupStorageUsage", "Dedup - GRS", "Bytes"),
          ("LRSDedupStorageUsage", "Dedup - LRS", "Bytes"),
          ("UsedDiskSize", "Backup Engines' Disk Used", "Bytes"))
STORAGE_USAGE = {"GeoRedundant": "GRSStorageUsage",
                 "LocallyRedundant": "LRSStorageUsage",
                 "ZoneRedundant": "ZRSStorageUsage"}


def usages_json(v):
    """A vault's usages: vaults.csv usage_items and usage_storage_gb when
    the snapshot has them, else its items and the vault-standard GiB of
    their points."""
    r = v.row
    items = int(r["usage_items"]) if r.get("usage_items") else len(v.items)
    gb = float(r["usage_storage_gb"]) if r.get("usage_storage_gb") else \
        sum(float(it.row["standard_gb"] or 0) for it in v.items)
    values = {"ProtectedItemCount": items, "ManagedInstances": items,
              "IaaSVMProtectedItemCount": sum(
                  1 for it in v.items if it.workload == "AzureVM"),
              STORAGE_USAGE.get(r["redundancy"], "GRSStorageUsage"):
                  round(gb * GIB)}
    out = []
    for name, local, unit in USAGES:
        u = {"name": {"localizedValue": local, "value": name},
             "currentValue": values.get(name, 0), "limit": -1,
             "unit": unit}
        if name in ("InProgressJobsCount", "FailedJobsCount"):
            u["quotaPeriod"] = "P1D"
        out.append(u)
    return {"value": out}


def storage_config_json(v):
    return {"id": v.arm_id + "/backupstorageconfig/vaultstorageconfig",
            "name": "vaultstorageconfig",
            "type": "Microsoft.RecoveryServices/vaults/backupstorageconfig",
            "properties": {
                "storageModelType": v.row["redundancy"],
                "storageType": v.row["redundancy"],
                "storageTypeState": "Locked" if v.items else "Unlocked",
                "crossRegionRestoreFlag":
                    v.row["cross_region_restore"] == "Enabled",
                "dedupState": "Disabled", "xcoolState": "Disabled"}}


# ---- resource guard ----

def guard_operations(row):
    """(protected, excluded) full operation names of a guards.csv row."""
    return tuple([full_operation(o) for o in split_list(row[col])]
                 for col in ("protected_operations", "excluded_operations"))


def request_type(op):
    short = op[len(RS_VAULTS):] if op.startswith(RS_VAULTS) else op
    known = GUARD_REQUEST_TYPES.get(short)
    if known:
        return known
    word = short.split("#")[-1].split("/")[0]
    return word[:1].lower() + word[1:] + "Requests"


def proxy_json(v, exported_at):
    row = v.guard
    gid = v.guard_id
    protected = guard_operations(row)[0] if row else []
    return {"id": v.arm_id + "/backupResourceGuardProxies/VaultProxy",
            "name": "VaultProxy",
            "type": "Microsoft.RecoveryServices/vaults/"
                    "backupResourceGuardProxies",
            "properties": {
                "resourceGuardResourceId": gid,
                "resourceGuardOperationDetails": [
                    {"vaultCriticalOperation": op,
                     "defaultResourceRequest":
                         "%s/%s/default" % (gid, request_type(op))}
                    for op in protected],
                "lastUpdatedTime": iso(exported_at),
                "description": ""}}


def guard_json(row, location):
    gid = row["resource_guard_id"]
    protected, excluded = guard_operations(row)
    ops = [{"vaultCriticalOperation": op,
            "requestResourceType": "Microsoft.DataProtection/resourceGuards/"
                                   + request_type(op)}
           for op in protected + excluded]
    ops += [{"vaultCriticalOperation": op,
             "requestResourceType": "Microsoft.DataProtection/"
                                    "resourceGuards/" + req}
            for op, req in DATAPROTECTION_OPERATIONS]
    return {"id": gid, "name": guard_part(gid, "name"),
            "type": "Microsoft.DataProtection/resourceGuards",
            "location": location, "tags": {},
            "properties": {
                "provisioningState": "Succeeded",
                "allowAutoApprovals": False,
                "resourceGuardOperations": ops,
                "vaultCriticalOperationExclusionList": excluded,
                "description": ""}}


def guard_protects(v, op):
    if not v.guard:
        return False
    protected, excluded = guard_operations(v.guard)
    op = full_operation(op)
    return op in protected and op not in excluded


# ---- protected items ----

def item_json(it):
    wl, r = it.wl, it.row
    rps = it.rps
    props = {"protectedItemType": wl["protected_item_type"],
             "backupManagementType": wl["bmt"],
             "workloadType": wl["workload_type"],
             "containerName": it.container.split(";", 1)[1]
             if it.workload == "AzureVM" and ";" in it.container
             else it.container,
             "friendlyName": it.friendly,
             "protectionState": r["protection_state"],
             "protectionStatus": "Healthy",
             "lastBackupStatus": "Healthy",
             "isArchiveEnabled": it.workload != "AzureFiles",
             "softDeleteRetentionPeriodInDays":
                 int(it.vault.row["soft_delete_days"] or 0),
             "isScheduledForDeferredDelete": r.get("soft_deleted") == "true"}
    if props["isScheduledForDeferredDelete"] and \
            r.get("deferred_delete_time"):
        props["deferredDeleteTimeInUTC"] = r["deferred_delete_time"]
    if r.get("source_resource_id"):
        props["sourceResourceId"] = r["source_resource_id"]
        if it.workload == "AzureVM":
            props["virtualMachineId"] = r["source_resource_id"]
    item_kind_json(it, props)
    if r.get("last_backup_time"):
        props["lastBackupTime"] = r["last_backup_time"]
    if it.policy is not None:
        props["policyId"] = it.policy.arm_id
        props["policyName"] = it.policy.name
        if it.workload == "AzureVM":
            props["policyType"] = it.policy.properties.get("policyType", "V1")
    ext = {"recoveryPointCount": len(rps)}
    if it.workload == "AzureVM":
        ext["policyInconsistent"] = False
    else:
        ext["policyState"] = "Consistent"
    if rps:
        props["lastRecoveryPoint"] = rps[-1].time_s
        ext["oldestRecoveryPoint"] = rps[0].time_s
    # AzureFileshareProtectedItemExtendedInfo has no per-tier dates
    if rps and it.workload != "AzureFiles":
        vault_rps = [p for p in rps if p.tier in IN_STANDARD]
        arch = [p for p in rps if p.tier in IN_ARCHIVE]
        if vault_rps:
            ext["oldestRecoveryPointInVault"] = vault_rps[0].time_s
        if arch:
            ext["oldestRecoveryPointInArchive"] = arch[0].time_s
            ext["newestRecoveryPointInArchive"] = arch[-1].time_s
    props["extendedInfo"] = ext
    if it.workload in ("SQL", "HANA"):
        props["parentName"] = "MSSQLSERVER" if it.workload == "SQL" \
            else "HXE"
        props["parentType"] = ("AzureVmWorkloadSQLInstance"
                               if it.workload == "SQL"
                               else "AzureVmWorkloadSAPHanaSystem")
        props["serverName"] = it.container.split(";")[-1]
    return {"id": it.arm_id, "name": it.name,
            "type": "Microsoft.RecoveryServices/vaults/backupFabrics/"
                    "protectionContainers/protectedItems",
            "properties": props}


def item_kind_json(it, props):
    """The properties only one kind of item has in the spec: a VM's
    healthStatus and protectedItemDataId, a database's
    protectedItemDataSourceId and protectedItemHealthStatus."""
    data_id = str(int(hashlib.sha256(
        it.arm_id.lower().encode()).hexdigest()[:15], 16))
    if it.workload == "AzureVM":
        props.update({"healthStatus": "Passed",
                      "protectedItemDataId": data_id})
    elif it.workload in ("SQL", "HANA"):
        props.update({"protectedItemDataSourceId": data_id,
                      "protectedItemHealthStatus": "Healthy"})


# ---- recovery points ----

def rp_tier_details(it, rp, exported_at):
    details = []
    for kind, status in TIER_DETAILS[rp.tier]:
        if kind == "InstantRP" and status != "Valid" and \
                it.workload in ("SQL", "HANA"):
            continue
        d = {"type": kind, "status": status}
        if status == "Rehydrated":
            d["extendedInfo"] = {"RehydratedRPExpiryTime": iso(
                exported_at + REHYDRATION_DAYS * DAY)}
        details.append(d)
    return details


def rp_json(it, rp, exported_at):
    props = {"objectType": it.wl["rp_object"],
             "recoveryPointTierDetails": rp_tier_details(it, rp,
                                                         exported_at)}
    extra = {"isSoftDeleted": False}
    if rp.expiry_s and not rp.on_demand:
        extra["expiryTime"] = rp.expiry_s
    if it.workload in ("SQL", "HANA"):
        props["recoveryPointTimeInUTC"] = rp.time_s
        props["type"] = SQL_TYPES.get(rp.kind, "Full")
    else:
        props["recoveryPointTime"] = rp.time_s
        if rp.kind in RULE_NAMES:
            extra["ruleName"] = RULE_NAMES[rp.kind]
    if it.workload == "AzureVM":
        props.update({"recoveryPointType": "AppConsistent",
                      "recoveryPointAdditionalInfo": "",
                      "sourceVMStorageType": "NormalStorage",
                      "isSourceVMEncrypted": False,
                      "isManagedVirtualMachine": True,
                      "isInstantIlrSessionActive": False,
                      "originalStorageAccountOption": False,
                      "virtualMachineSize": "Standard_D2s_v3",
                      "osType": "Linux"})
    elif it.workload == "AzureFiles":
        props.update({"recoveryPointType": "FileSystemConsistent",
                      "recoveryPointSizeInGB": int(round(rp.full_gb)),
                      "fileShareSnapshotUri": "https://%s.file.core."
                      "windows.net/%s?sharesnapshot=%s" % (
                          it.container.split(";")[-1].lower(),
                          it.friendly.lower(), rp.time_s)})
    props["recoveryPointProperties"] = extra
    if rp.ready != "unknown":
        ready = {"isReadyForMove": rp.ready == "true"}
        if rp.info:
            ready["additionalInfo"] = rp.info
        props["recoveryPointMoveReadinessInfo"] = {"ArchivedRP": ready}
    return {"id": it.arm_id + "/recoveryPoints/" + rp.rp_id,
            "name": rp.rp_id,
            "type": "Microsoft.RecoveryServices/vaults/backupFabrics/"
                    "protectionContainers/protectedItems/recoveryPoints",
            "properties": props}


def move_refusal(it, rp, now):
    """(code, message) saying why rp cannot move to Archive now, or None.
    Codes from azure-backup.md 3.6; the snapshot's readiness wins when it
    is known, the age rules of 3.1 decide when it is not."""
    if rp.tier in IN_ARCHIVE:
        return ("UserErrorRecoveryPointAlreadyInArchiveTier",
                "Recovery point is already in archive tier.")
    if it.workload == "AzureFiles":
        return ("UserErrorRecoveryPointIsNotEligibleForArchiveMove",
                "Azure Files recovery points cannot be moved to archive.")
    if rp.tier not in IN_STANDARD:
        return ("UserErrorRecoveryPointIsNotEligibleForArchiveMove",
                "Recovery point is not in the vault-standard tier.")
    vm = it.workload == "AzureVM"
    if (vm and rp.kind not in ("monthly", "yearly")) or \
            (not vm and rp.kind != "full"):
        return ("RecoveryPointTypeNotEligibleForArchive",
                "Only %s recovery points can be moved to archive." %
                ("monthly and yearly" if vm else "full"))
    if rp.ready == "false":
        info = rp.info.lower()
        if "already been moved" in info:
            code = "UserErrorRecoveryPointAlreadyInArchiveTier"
        elif "determin" in info:
            code = "RPMoveReadinessToBeDetermined"
        elif "retention" in info:
            code = "RPMoveNotSupportedDueToInsufficientRetention"
        elif "dependenc" in info:
            code = "RecoveryPointHaveActiveDependencies"
        else:
            code = "UserErrorRecoveryPointIsNotEligibleForArchiveMove"
        return (code, rp.info or "Recovery point is not ready for move.")
    if rp.ready == "true":
        return None
    if (vm and now < add_months(rp.time, 3)) or \
            (not vm and now < rp.time + 45 * DAY):
        return ("MinLifeSpanInStandardRequiredForArchive",
                "Recovery point must stay %s in vault-standard before it "
                "can move to archive." % ("3 months" if vm else "45 days"))
    if rp.expiry is not None and ((vm and rp.expiry < add_months(now, 6)) or
                                  (not vm and rp.expiry < now + 180 * DAY)):
        return ("MinRemainingLifeSpanInArchiveRequired",
                "Recovery point must have at least 6 months of retention "
                "left to move to archive.")
    return None


def complete_move(rp):
    rp.tier = MOVED_TIER.get(rp.tier, "Archive")
    rp.ready, rp.info, rp.moving = "false", MOVED_INFO, None


# ---- jobs ----

def job_json(job, detailed):
    it = job.item
    wl = it.wl if it else WORKLOADS["AzureVM"]
    props = {"jobType": wl["job_type"],
             "activityId": stable_uuid(job.vault.arm_id, job.job_id),
             "backupManagementType": wl["bmt"],
             "operation": job.operation, "status": job.status,
             "startTime": job.start_s}
    if it is not None:
        props["entityFriendlyName"] = job_entity_name(it)
    if job.end_s:
        props["endTime"] = job.end_s
    if job.duration != "":
        props["duration"] = "PT%sS" % job.duration
    if job.error_code:
        props["errorDetails"] = [{
            "errorCode": error_number(job.error_code),
            "errorString": "The operation failed with %s." % job.error_code,
            "recommendations": []}]
        # AzureStorageErrorInfo (Files jobs) has no errorTitle
        if it is None or it.workload != "AzureFiles":
            props["errorDetails"][0]["errorTitle"] = ""
    if it is not None and it.workload == "AzureVM":
        props.update({"containerName": it.container,
                      "virtualMachineVersion": "Compute",
                      "isUserTriggered": job.operation != "Backup" or
                      job.on_demand is not None})
    elif it is not None and it.workload in ("SQL", "HANA"):
        props["workloadType"] = wl["workload_type"]
    elif it is not None:
        props["storageAccountName"] = it.container.split(";")[-1]
        props["storageAccountVersion"] = "Storage"
        props["isUserTriggered"] = job.on_demand is not None
    props["actionsInfo"] = ["Cancellable"] if job.status == "InProgress" \
        else []
    if detailed:
        props["extendedInfo"] = {"tasksList": [], "propertyBag":
                                 job_property_bag(job)}
        if job.status == "InProgress" and wl["job_type"] == "AzureIaaSVMJob":
            props["extendedInfo"]["progressPercentage"] = 0.0
    return {"id": job.vault.arm_id + "/backupJobs/" + job.job_id,
            "name": job.job_id,
            "type": "Microsoft.RecoveryServices/vaults/backupJobs",
            "properties": props}


def job_entity_name(it):
    """A workload job names its database "db [host]" ("systemdb [H01]");
    VM and Files jobs name the item alone."""
    if it.workload in ("SQL", "HANA"):
        return "%s [%s]" % (it.friendly, it.container.split(";")[-1])
    return it.friendly


def error_number(code):
    """errorDetails[].errorCode is an integer (int32) in the spec for VM,
    workload and Files jobs: a numeric code as given, a named one (as the
    sample writes them) as a stable number derived from its name."""
    if code.isdigit():
        return int(code)
    return zlib.crc32(code.encode()) % 900000 + 100000


def job_property_bag(job):
    """Restore and backup details, under the key names docs/arm-contract.md
    chose (the real ones are unconfirmed)."""
    bag = {}
    if job.item is not None:
        bag["VM Name" if job.item.workload == "AzureVM"
            else "Item Name"] = job.item.friendly
    op = job.operation.lower()
    if op in ("restore", "crossregionrestore", "restorewithrehydrate"):
        if job.rp_time:
            bag["Recovery point time"] = job.rp_time
        if job.source_tier:
            bag["Recovery point tier"] = job.source_tier
        if job.data_gb != "":
            bag["Data transferred (GB)"] = job.data_gb
    elif op == "backup" and job.data_gb != "":
        bag["Backup Size"] = "%d MB" % round(float(job.data_gb) * 1024)
    if job.on_demand is not None:
        bag["Recovery Point Expiry Time in UTC"] = job.on_demand.expiry_s
    return bag
