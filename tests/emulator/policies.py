# SPDX-License-Identifier: MIT
"""policies.py: backup policies between policies.csv rows and ARM's
ProtectionPolicy JSON (docs/arm-contract.md "policies.csv"), and the checks a
policy PUT meets: retention comparisons (immutable vaults, MUA) and the
documented tiering limits (azure-backup.md 3.5).

Used by estate.py (serving) and backup.py (PUT). Pure functions."""


def split_list(text):
    """'a;b' -> ['a', 'b'] (the snapshot's list columns)."""
    return [x for x in (text or "").split(";") if x]


def _clock(hhmm):
    return "2026-01-01T%s:00Z" % hhmm


def _int(row, col):
    return int(row.get(col) or 0)


def _retention(row, times, week_days):
    r = {"retentionPolicyType": "LongTermRetentionPolicy"}
    first = week_days[:1] or ["Sunday"]
    weekly_rule = {"daysOfTheWeek": first, "weeksOfTheMonth": ["First"]}
    if _int(row, "daily_keep_days"):
        r["dailySchedule"] = {"retentionTimes": times, "retentionDuration": {
            "count": _int(row, "daily_keep_days"), "durationType": "Days"}}
    if _int(row, "weekly_keep_weeks"):
        r["weeklySchedule"] = {
            "daysOfTheWeek": week_days or ["Sunday"], "retentionTimes": times,
            "retentionDuration": {"count": _int(row, "weekly_keep_weeks"),
                                  "durationType": "Weeks"}}
    if _int(row, "monthly_keep_months"):
        r["monthlySchedule"] = {
            "retentionScheduleFormatType": "Weekly",
            "retentionScheduleWeekly": dict(weekly_rule),
            "retentionTimes": times,
            "retentionDuration": {"count": _int(row, "monthly_keep_months"),
                                  "durationType": "Months"}}
    if _int(row, "yearly_keep_years"):
        r["yearlySchedule"] = {
            "retentionScheduleFormatType": "Weekly",
            "monthsOfYear": ["January"],
            "retentionScheduleWeekly": dict(weekly_rule),
            "retentionTimes": times,
            "retentionDuration": {"count": _int(row, "yearly_keep_years"),
                                  "durationType": "Years"}}
    return r


def _tiering(row, months_ok):
    mode = row["tiering_mode"]
    if mode in ("", "None"):
        return None
    if mode != "TierAfter":
        return {"ArchivedRP": {"tieringMode": mode, "duration": 0,
                               "durationType": "Invalid"}}
    days = _int(row, "tier_after_days")
    if months_ok and days % 30 == 0:
        return {"ArchivedRP": {"tieringMode": "TierAfter",
                               "duration": days // 30,
                               "durationType": "Months"}}
    return {"ArchivedRP": {"tieringMode": "TierAfter", "duration": days,
                           "durationType": "Days"}}


def _hourly(row):
    return {"interval": _int(row, "hourly_interval_h"),
            "scheduleWindowStartTime": _clock(row["window_start"]),
            "scheduleWindowDuration": _int(row, "window_hours")}


def _simple_schedule(row, times, days):
    s = {"schedulePolicyType": "SimpleSchedulePolicy",
         "scheduleRunFrequency": row["frequency"],
         "scheduleWeeklyFrequency": 0}
    if row["frequency"] == "Hourly":
        s["hourlySchedule"] = _hourly(row)
    else:
        s["scheduleRunTimes"] = times
    if row["frequency"] == "Weekly":
        s["scheduleRunDays"] = days
    return s


def _v2_schedule(row, times, days):
    s = {"schedulePolicyType": "SimpleSchedulePolicyV2",
         "scheduleRunFrequency": row["frequency"]}
    if row["frequency"] == "Hourly":
        s["hourlySchedule"] = _hourly(row)
    elif row["frequency"] == "Daily":
        s["dailySchedule"] = {"scheduleRunTimes": times}
    else:
        s["weeklySchedule"] = {"scheduleRunDays": days,
                               "scheduleRunTimes": times}
    return s


def policy_properties(row):
    """policies.csv row -> ProtectionPolicy properties (docs/arm-contract.md)."""
    times = [_clock(t) for t in split_list(row["run_times"])]
    days = split_list(row["run_days"])
    ret_times = times or ([_clock(row["window_start"])]
                          if row.get("window_start") else [])
    wl = row["workload"]
    if wl == "AzureVM":
        enhanced = row["policy_type"] == "Enhanced"
        props = {"backupManagementType": "AzureIaasVM",
                 "policyType": "V2" if enhanced else "V1",
                 "instantRpRetentionRangeInDays": _int(row,
                                                       "instant_rp_days"),
                 "schedulePolicy": (_v2_schedule if enhanced else
                                    _simple_schedule)(row, times, days),
                 "retentionPolicy": _retention(row, ret_times, days),
                 "timeZone": row["time_zone"]}
        tiering = _tiering(row, True)
        if tiering:
            props["tieringPolicy"] = tiering
        return props
    if wl == "AzureFiles":
        return {"backupManagementType": "AzureStorage",
                "workLoadType": "AzureFileShare",
                "schedulePolicy": _simple_schedule(row, times, days),
                "retentionPolicy": _retention(row, ret_times, days),
                "timeZone": row["time_zone"]}
    full = {"policyType": "Full",
            "schedulePolicy": _simple_schedule(row, times, days),
            "retentionPolicy": _retention(row, ret_times, days)}
    tiering = _tiering(row, False)
    if tiering:
        full["tieringPolicy"] = tiering
    subs = [full]
    if row.get("diff_run_days"):
        subs.append({"policyType": "Differential", "schedulePolicy": {
            "schedulePolicyType": "SimpleSchedulePolicy",
            "scheduleRunFrequency": "Weekly",
            "scheduleRunDays": split_list(row["diff_run_days"]),
            "scheduleRunTimes": times[:1], "scheduleWeeklyFrequency": 0},
            "retentionPolicy": {
                "retentionPolicyType": "SimpleRetentionPolicy",
                "retentionDuration": {"count": _int(row, "diff_keep_days"),
                                      "durationType": "Days"}}})
    if _int(row, "log_interval_min"):
        subs.append({"policyType": "Log", "schedulePolicy": {
            "schedulePolicyType": "LogSchedulePolicy",
            "scheduleFrequencyInMins": _int(row, "log_interval_min")},
            "retentionPolicy": {
                "retentionPolicyType": "SimpleRetentionPolicy",
                "retentionDuration": {"count": _int(row, "log_keep_days"),
                                      "durationType": "Days"}}})
    return {"backupManagementType": "AzureWorkload",
            "workLoadType": "SQLDataBase" if wl == "SQL"
            else "SAPHanaDatabase",
            "settings": {"timeZone": row["time_zone"],
                         "issqlcompression": False, "isCompression": False},
            "subProtectionPolicy": subs}


def policy_json(p):
    props = dict(p.properties)
    props["protectedItemsCount"] = sum(1 for it in p.vault.items
                                       if it.policy is p)
    return {"id": p.arm_id, "name": p.name,
            "type": "Microsoft.RecoveryServices/vaults/backupPolicies",
            "eTag": p.etag, "properties": props}


DURATION_DAYS = {"Days": 1, "Weeks": 7, "Months": 30, "Years": 365}


def _duration_days(d):
    if not isinstance(d, dict):
        return 0
    try:
        return int(d.get("count") or 0) * DURATION_DAYS.get(
            d.get("durationType"), 0)
    except (TypeError, ValueError):
        return 0


def retention_days(props):
    """{rule: days kept} of a policy's properties, for comparisons."""
    out = {}

    def ltr(prefix, r):
        if not isinstance(r, dict):
            return
        if "retentionDuration" in r:       # SimpleRetentionPolicy
            out[prefix] = _duration_days(r["retentionDuration"])
        for rule in ("daily", "weekly", "monthly", "yearly"):
            s = r.get(rule + "Schedule")
            if isinstance(s, dict):
                out[prefix + rule] = _duration_days(s.get("retentionDuration"))

    ltr("", props.get("retentionPolicy"))
    for sub in props.get("subProtectionPolicy") or []:
        if isinstance(sub, dict):
            ltr(str(sub.get("policyType")) + ".", sub.get("retentionPolicy"))
    return out


def reduces_retention(old, new):
    before, after = retention_days(old), retention_days(new)
    return [rule for rule, days in before.items()
            if after.get(rule, 0) < days]


def tiering_problem(props):
    """Why a policy's tieringPolicy is invalid (azure-backup.md 3.5), or
    None."""
    def check(tier, keep, workload):
        if not isinstance(tier, dict):
            return None
        t = tier.get("ArchivedRP") or {}
        if t.get("tieringMode") != "TierAfter":
            if t.get("tieringMode") == "TierRecommended" and workload != "VM":
                return "TierRecommended is supported for Azure VMs only"
            return None
        days = _duration_days({"count": t.get("duration"),
                               "durationType": t.get("durationType")})
        if workload == "VM":
            longest = max(keep.get("monthly", 0), keep.get("yearly", 0))
            if days < 90 or longest < days + 180:
                return ("TierAfterDuration needs to be >= 3 months, at least "
                        "one of monthly or yearly retention should be >= "
                        "(TierAfterDuration + 6) months")
        elif days < 45 or max(keep.values() or [0]) < days + 180:
            return ("TierAfterDuration needs to be >= 45 days and the "
                    "retention of full backups >= TierAfterDuration + 180 "
                    "days")
        return None

    keep = retention_days(props)
    if "subProtectionPolicy" in props:
        for sub in props["subProtectionPolicy"] or []:
            if isinstance(sub, dict) and sub.get("policyType") == "Full":
                full = {k.split(".", 1)[1]: d for k, d in keep.items()
                        if k.startswith("Full.")}
                why = check(sub.get("tieringPolicy"), full, "workload")
                if why:
                    return why
        return None
    wl = "VM" if props.get("backupManagementType") == "AzureIaasVM" \
        else "other"
    return check(props.get("tieringPolicy"), keep, wl)
