#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_specvalidate.py: self-test of specvalidate.py, printing TAP:
Microsoft's example payloads (tests/data/azure-examples/) pass the
documents in tests/spec/; seeded mismatches of each kind are caught; and an
emulator serving a snapshot with a value outside the spec logs it with
--spec-log (a value outside an open enum is a note) while the unseeded
snapshot logs nothing. Run by
tests/e2e/spec.sh."""

import glob
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import specvalidate as sv  # noqa: E402
import test_armemu as emutest  # noqa: E402
from test_armemu import I_APP, V_PROD, tap  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(HERE), "data", "azure-examples")
# Microsoft's example file -> the operation it illustrates
OPERATION_OF = {
    "GETVault.json": "Vaults_Get",
    "ListBySubscriptionIds.json": "Vaults_ListBySubscriptionId",
    "Compute_ProtectedItem_Get.json": "ProtectedItems_Get",
    "BackupProtectedItems_List.json": "BackupProtectedItems_List",
    "RecoveryPoints_List.json": "RecoveryPoints_List",
    "RecoveryPoints_Get.json": "RecoveryPoints_Get",
    "RecoveryPointsRecommendedForMove_List.json":
        "RecoveryPointsRecommendedForMove_List",
    "TriggerRecoveryPointMove_Post.json": "MoveRecoveryPoint",
    "ProtectedItemOperationStatus.json":
        "ProtectedItemOperationStatuses_Get",
    "BackupPolicies_List.json": "BackupPolicies_List",
    "v2-List-Policies.json": "BackupPolicies_List",
    "ProtectionPolicies_Get.json": "ProtectionPolicies_Get",
    "v2-Get-Policy.json": "ProtectionPolicies_Get",
    "IaaS_v2_daily.json": "ProtectionPolicies_CreateOrUpdate",
    "IaaS_v2_hourly.json": "ProtectionPolicies_CreateOrUpdate",
    "ProtectionPolicies_CreateOrUpdate_Complex.json":
        "ProtectionPolicies_CreateOrUpdate",
    "ListJobs.json": "BackupJobs_List",
    "ListJobsWithAllSupportedFilters.json": "BackupJobs_List",
    "GetJobDetails.json": "JobDetails_Get",
    "BackupResourceVaultConfigs_Get.json": "BackupResourceVaultConfigs_Get",
    "ListResourceGuardProxy.json": "ResourceGuardProxies_Get",
    "GetResourceGuardProxy.json": "ResourceGuardProxy_Get",
    "FetchTieringCostForPolicy.json": "FetchTieringCost_Post",
    "FetchTieringCostForProtectedItem.json": "FetchTieringCost_Post",
    "FetchTieringCostForRehydrate.json": "FetchTieringCost_Post",
    "FetchTieringCostForVault.json": "FetchTieringCost_Post",
    "GetTieringCostOperationResult.json":
        "GetTieringCostOperationResult_Get",
    "GetTieringCostOperationStatus.json": "TieringCostOperationStatus_Get",
    "SubscriptionQuery.json": "Query_Usage",
}
# the same for Data Protection's examples (Backup vaults), whose names
# repeat RecoveryServicesBackup's
DP_OPERATION_OF = {
    "GetResourceGuard.json": "ResourceGuards_Get",
    "GetBackupVaultsInSubscription.json": "BackupVaults_GetInSubscription",
    "GetBackupPolicy.json": "BackupPolicies_Get",
    "ListBackupInstances.json": "BackupInstances_List",
    "ListRecoveryPoints.json": "RecoveryPoints_List",
    "GetResourceGuardProxy.json": "DppResourceGuardProxy_Get",
}
DP_EXAMPLES = os.path.join(EXAMPLES, "dataprotection")
JOBS = V_PROD + "/backupJobs"
V = "2026-02-01"


def is_dp(path):
    return path.startswith(DP_EXAMPLES + os.sep) or \
        path.endswith(os.sep + "dataprotection.json")


def operation_of(path):
    """(whether of Data Protection, the operationId) an example file
    illustrates; operationIds repeat across the documents."""
    table = DP_OPERATION_OF if is_dp(path) else OPERATION_OF
    name = table.get(os.path.basename(path))
    return (is_dp(path), name) if name else None


def example_problems(specs, by_id, path):
    """Problems (violations and notes) of one example's request and
    response bodies."""
    doc, op = by_id[operation_of(path)]
    with open(path, encoding="utf-8") as f:
        example = json.load(f)
    out = []
    for status, answer in example.get("responses", {}).items():
        resp = op["responses"].get(status)
        if resp is None:
            out.append(("status", status + " not in the operation"))
        elif "schema" in resp and "body" in answer:
            specs.check(sv.Schema(doc, resp["schema"]), answer["body"],
                        status, True, out)
    body = next((p for p in op["parameters"] if p.get("in") == "body"),
                None)
    if body is not None:
        value = example["parameters"].get(body["name"])
        if value is not None:
            specs.check(sv.Schema(doc, body["schema"]), value, "request",
                        True, out)
    return out


def test_examples(specs):
    by_id = {(is_dp(doc), op["operationId"]): (doc, op)
             for _, _, _, _, doc, op in specs.ops}
    files = [f for f in sorted(glob.glob(os.path.join(
        EXAMPLES, "**", "*.json"), recursive=True)) if operation_of(f)]
    found = [(os.path.basename(f), p) for f in files
             for p in example_problems(specs, by_id, f)]
    bad = [x for x in found if not isinstance(x[1][1], sv.Note)]
    notes = [x for x in found if isinstance(x[1][1], sv.Note)]
    dp = sum(f.startswith(DP_EXAMPLES) for f in files)
    tap(len(files) >= 36 and dp >= 6 and not bad,
        "Microsoft's %d example payloads (%d of Backup vaults) pass the "
        "documents in tests/spec/" % (len(files), dp), bad)
    # Microsoft's own Backup-vault examples send values outside open
    # enums: soft delete "Enabled" (Off/On/AlwaysOn), protection status
    # "NotProtected"
    tap(("GetBackupVaultsInSubscription.json",
         "200.value[0].properties.securitySettings.softDeleteSettings.state",
         ) in [(f, w) for f, (w, _) in notes] and
        ("ListBackupInstances.json",
         "200.value[0].properties.protectionStatus.status",
         ) in [(f, w) for f, (w, _) in notes],
        "their values outside an open enum are notes, not violations",
        notes)


def job(**props):
    p = {"jobType": "AzureIaaSVMJob", "operation": "Backup",
         "status": "Completed", "startTime": "2026-11-01T02:00:00Z"}
    p.update(props)
    return {"value": [{"id": JOBS + "/j1", "name": "j1",
                       "properties": p}]}


def caught(specs, body, where, words, status=200):
    problems = specs.check_response("GET", JOBS, V, status, body) or []
    return any(w == where and all(x in p for x in words)
               for w, p in problems), problems


def test_seeded(specs):
    e = "$.value[0].properties."
    cases = [
        ("an errorCode given as a string", job(errorDetails=[
            {"errorCode": "UserErrorVmNotFound"}]),
         e + "errorDetails[0].errorCode", ["integer expected"]),
        ("an unknown jobType", job(jobType="AzureIaaSVMJobV3"),
         e + "jobType", ["discriminator", "AzureIaaSVMJobV3"]),
        ("a missing discriminator", {"value": [{"properties": {
            "operation": "Backup"}}]}, "$.value[0].properties",
         ["required", "jobType"]),
        ("a value outside a closed enum", job(actionsInfo=["Pausable"]),
         e + "actionsInfo[0]", ["not one of"]),
        ("a malformed date-time", job(startTime="11/01/2026 02:00"),
         e + "startTime", ["date-time"]),
        ("a malformed duration", job(duration="3600"), e + "duration",
         ["duration"]),
        ("a property the subtype does not have",
         job(jobType="AzureWorkloadJob", isUserTriggered=True),
         e + "isUserTriggered", ["not in AzureWorkloadJob"]),
        ("a boolean given as a string", job(isUserTriggered="true"),
         e + "isUserTriggered", ["boolean expected"]),
    ]
    for desc, body, where, words in cases:
        ok, problems = caught(specs, body, where, words)
        tap(ok, "a seeded mismatch is caught: " + desc, problems)
    problems = specs.check_response("GET", JOBS, V, 201, job())
    tap(problems and problems[0][0] == "status",
        "a status the operation does not have is caught", problems)
    good = specs.check_response("GET", JOBS, V, 200, job(
        startTime="2026-11-01T02:00:00.1234567", duration="PT1H2M3.5S",
        isUserTriggered=True, errorDetails=[{"errorCode": 400002}]))
    tap(good == [], "a job as the spec has it passes (7-digit fraction, "
        "no Z)", good)
    tap(specs.check_response("GET", JOBS, "2019-05-13", 200,
                             job()) is None,
        "another api-version is left unchecked, not judged", "")
    move = I_APP + "/recoveryPoints/1/move"
    bad = specs.check_request("POST", move, V, json.dumps(
        {"objectType": "MoveRPAcrossTiersRequest",
         "sourceTierType": "Standard", "targetTierType": "ArchivedRP"}))
    tap(bad and bad[0][0] == "$.sourceTierType",
        "a request body outside the spec is caught", bad)
    test_seeded_query(specs)
    test_seeded_tags(specs)
    test_seeded_graph(specs)
    test_enums(specs)


def test_enums(specs):
    """An open enum (x-ms-enum modelAsString) takes a value outside it as
    a note; a closed one (DataProtection's systemData.createdByType, kept
    without x-ms-enum) as a violation."""
    path = "/subscriptions/%s/resourceGroups/rg/providers/" \
        "Microsoft.DataProtection/backupVaults/bv1" % V_PROD.split("/")[2]
    vault = {"id": path, "name": "bv1", "location": "westeurope",
             "properties": {"storageSettings": [
                 {"datastoreType": "VaultStore", "type": "GeoRedundant"}],
                 "secureScore": "Excellent"},
             "systemData": {"createdByType": "Robot"}}
    found = specs.check_response("GET", path, "2025-07-01", 200, vault)
    bad, notes = sv.split(found)
    tap([w for w, _ in notes] == ["$.properties.secureScore"],
        "a value outside an open enum is a note", found)
    tap([w for w, _ in bad] == ["$.systemData.createdByType"],
        "a value outside a closed enum is a violation", found)


def test_seeded_query(specs):
    """Cost Management's query: its {scope} spans path segments, and a
    QueryDefinition or QueryResult outside the spec is caught."""
    path = "/subscriptions/%s/providers/Microsoft.CostManagement/query" % \
        V_PROD.split("/")[2]
    query = {"type": "ActualCost", "timeframe": "Custom",
             "timePeriod": {"from": "2026-11-01T00:00:00Z",
                            "to": "2026-11-30T23:59:59Z"},
             "dataset": {"aggregation": {"totalCost": {
                 "name": "Cost", "function": "Sum"}},
                 "grouping": [{"type": "Dimension", "name": "ResourceId"}],
                 "filter": {"dimensions": {"name": "MeterCategory",
                                           "operator": "In",
                                           "values": ["Backup"]}}}}
    good = specs.check_request("POST", path, "2025-03-01", json.dumps(query))
    tap(good == [], "a subscription's cost query as the spec has it "
        "passes", good)
    query["dataset"]["filter"]["dimensions"]["operator"] = "Contains"
    del query["timeframe"]
    bad = specs.check_request("POST", path, "2025-03-01", json.dumps(query))
    tap(("$.dataset.filter.dimensions.operator", "'Contains' is not one "
         "of In") in bad and ("$", "required property 'timeframe' "
                               "missing") in bad,
        "a cost query outside the spec is caught", bad)
    answer = {"id": path + "/q1", "name": "q1",
              "properties": {"columns": [{"name": "Cost", "type": 1}],
                             "rows": {"Cost": 1.5}}}
    bad = specs.check_response("POST", path, "2025-03-01", 200, answer)
    tap(("$.properties.columns[0].type", "string expected, got integer 1")
        in bad and ("$.properties.rows", "array expected, got object "
                    '{"Cost": 1.5}') in bad,
        "a query result outside the spec is caught", bad)


def test_seeded_tags(specs):
    """The Tags API at a resource's scope: its answer as the spec has it
    passes, a tag value that is not a string is caught."""
    path = I_APP + "/providers/Microsoft.Resources/tags/default"
    answer = {"id": path, "name": "default",
              "type": "Microsoft.Resources/tags",
              "properties": {"tags": {"env": "prod"}}}
    good = specs.check_response("GET", path, "2021-04-01", 200, answer)
    tap(good == [], "a resource's tags as the spec has them pass", good)
    answer["properties"]["tags"]["tier"] = 2
    bad = specs.check_response("GET", path, "2021-04-01", 200, answer)
    tap(bad == [("$.properties.tags.tier", "string expected, got "
                 "integer 2")], "a tag value given as a number is caught",
        bad)


def test_seeded_graph(specs):
    """Resource Graph: data is a bare object (any JSON: here an object
    array) and passes; a count given as a string and a missing
    resultTruncated are caught."""
    path = "/providers/Microsoft.ResourceGraph/resources"
    answer = {"totalRecords": 1, "count": 1, "resultTruncated": "false",
              "data": [{"id": I_APP, "type": "microsoft.compute/vm"}]}
    good = specs.check_response("POST", path, "2024-04-01", 200, answer)
    tap(good == [], "a Resource Graph answer as the spec has it passes",
        good)
    answer["count"] = "1"
    del answer["resultTruncated"]
    bad = specs.check_response("POST", path, "2024-04-01", 200, answer)
    tap(("$.count", 'integer expected, got string "1"') in bad and
        ("$", "required property 'resultTruncated' missing") in bad,
        "a Resource Graph answer outside the spec is caught", bad)


def test_emulator_log():
    """A snapshot whose item state is outside its open enum and whose
    weekly policy runs on a day outside the closed DayOfWeek: the served
    policy list breaks the document and --spec-log says where, the item
    state is counted as a note; the unseeded snapshot logs nothing."""
    seeded = os.path.join(emutest.TMP, "seeded")
    shutil.copytree(emutest.SNAP, seeded)
    for name, old, new in (("items.csv", ",Protected,", ",Paused,"),
                           ("policies.csv", ",Saturday,", ",Caturday,")):
        path = os.path.join(seeded, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))
    for snap, want in ((emutest.SNAP, False), (seeded, True)):
        emutest.SNAP = snap
        log = os.path.join(emutest.TMP, "spec.%s.jsonl" % want)
        emu = emutest.Emu("--spec-log", log)
        try:
            status = [emu.json("GET", V_PROD + path + "?api-version=" + V)[0]
                      for path in ("/backupProtectedItems",
                                   "/backupPolicies")]
        finally:
            emu.stop()
        with open(log, encoding="utf-8") as f:
            lines = [json.loads(x) for x in f]
        found = [x for x in lines if "summary" not in x]
        summary = [x["summary"] for x in lines if "summary" in x]
        if want:
            tap(status == [200, 200] and any(
                x["where"].endswith("scheduleRunDays[0]") and
                "'Caturday'" in x["problem"] for x in found) and
                not any("protectionState" in x["where"] for x in found) and
                summary and summary[0]["notes"] >= 1,
                "the emulator logs a seeded value outside a closed enum, "
                "and counts one outside an open enum as a note", lines)
        else:
            tap(status == [200, 200] and not found and summary and
                summary[0]["responses"] >= 2,
                "the emulator logs nothing for the unseeded estate", lines)


def main():
    specs = sv.Specs()
    for test in (test_examples, test_seeded):
        emutest.run(test, specs)
    emutest.run(test_emulator_log)
    shutil.rmtree(emutest.TMP, ignore_errors=True)
    print("1..%d" % emutest.count)
    return 1 if emutest.failures else 0


if __name__ == "__main__":
    sys.exit(main())
