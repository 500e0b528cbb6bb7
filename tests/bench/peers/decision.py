#!/usr/bin/env python3
# decision.py: the per-point archive decision of decision.sql in pandas,
# vectorised, for the benchmark's peers: decision.py SNAPSHOT AS_OF OUT.
# Run with Debian's /usr/bin/python3 (python3-pandas).
import sys

import numpy as np
import pandas as pd

snap, asof, out = sys.argv[1:]
now = pd.Timestamp(asof, tz="UTC")
rps = pd.read_csv(snap + "/recovery_points.csv",
                  usecols=["rp_id", "item_id", "rp_time", "rp_kind", "tier",
                           "expiry_time", "unique_gb", "full_gb"])
items = pd.read_csv(snap + "/items.csv", usecols=["item_id", "workload"])
p = rps.merge(items, on="item_id")
age = (now - pd.to_datetime(p.rp_time, utc=True)).dt.total_seconds() / 86400
left = ((pd.to_datetime(p.expiry_time, utc=True) - now).dt.total_seconds()
        / 86400).fillna(0)
vm = (p.workload == "AzureVM") & p.rp_kind.isin(["monthly", "yearly"]) & \
    (age >= 90)
db = p.workload.isin(["SQL", "HANA"]) & (p.rp_kind == "full") & (age >= 45)
eligible = p.tier.isin(["Standard", "SnapshotAndStandard"]) & \
    (left >= 180) & (vm | db)
saving = (p.unique_gb * 0.019658 - p.full_gb * 0.002106) * left / 30.436875
action = np.where(~eligible, "ineligible",
                  np.where(saving > 0, "move_now", "keep"))
pd.DataFrame({"rp_id": p.rp_id, "action": action,
              "saving": np.where(eligible, saving, 0).round(2)}) \
    .to_csv(out, index=False)
print(len(p))
