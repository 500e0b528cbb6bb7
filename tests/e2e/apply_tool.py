#!/usr/bin/env python3
"""apply_tool.py: helpers of the apply end-to-end tests (apply.sh,
apply_kill.sh and the apply benchmark): what a plan asks for, what the
emulator's logs say happened, small plans cut from a real one, and changes
made in the emulator behind apply's back, as another admin would.

  due PLANDIR AS_OF                 the moves due (item ARM id + rp id), one
                                    per line
  moved-once MOVES_LOG DUE_FILE     each due point moved exactly once and
                                    nothing else moved (exit 1 otherwise)
  writes REQUEST_LOG                the number of ARM write requests
  statuses REQUEST_LOG PATTERN      "METHOD STATUS" of requests whose path
                                    contains PATTERN, one per line
  outcomes RESULTS_CSV              "outcome count" lines
  cut PLANDIR OUTDIR N [CHANGE...]  a plan with the first N moves due now
                                    (the last -N when negative) and the
                                    policy changes named vault/policy[:col=v]
  rates MOVES_LOG                   moves per second: overall, and after the
                                    first 200 (the burst)
  azure URL TENANT SECRET CA CMD... act in the emulator: `move ITEM RP`,
                                    `set-tiering POLICY_ARM_ID MODE`,
                                    `get ARM_ID` (its JSON)
  rechain JOURNAL FROM TO           replace FROM by TO in the first line
                                    holding it and recompute every "prev"
                                    after it, as someone covering an edit
                                    would
"""
import csv
import json
import ssl
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter

CLIENT = "0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b"
API = "2026-02-01"


def item_arm_ids(plan):
    with open(plan + "/items.csv", newline="") as f:
        return {r["item_id"]: r["arm_id"] for r in csv.DictReader(f)}


def due(plan, as_of):
    arm = item_arm_ids(plan)
    out = []
    with open(plan + "/plan.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["action"] == "move_now" or (
                    r["action"] == "move_on" and r["move_date"] <= as_of):
                out.append(arm[r["item_id"]] + " " + r["rp_id"])
    return out


def moved_once(log, due_file):
    want = set(open(due_file).read().split("\n")) - {""}
    got = Counter(json.loads(l)["item"] + " " + json.loads(l)["rp"]
                  for l in open(log))
    twice = [k for k, v in got.items() if v > 1]
    extra = set(got) - want
    missing = want - set(got)
    for what, keys in (("moved twice", twice), ("not planned", extra),
                       ("never moved", missing)):
        for k in sorted(keys)[:5]:
            print("# %s: %s" % (what, k.split("/")[-1]))
    print("# %d due, %d moved, %d twice, %d unplanned, %d missing" % (
        len(want), len(got), len(twice), len(extra), len(missing)))
    return 0 if not (twice or extra or missing) else 1


def log_lines(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def writes(path):
    return sum(1 for r in log_lines(path)
               if r["write"] and r["path"].startswith("/subscriptions"))


def statuses(path, pattern):
    for r in log_lines(path):
        if pattern in urllib.parse.unquote(r["path"]):
            print(r["method"], r["status"])


def outcomes(path):
    with open(path, newline="") as f:
        c = Counter(r["outcome"] for r in csv.DictReader(f))
    for k, v in sorted(c.items()):
        print(k, v)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)


def cut(plan, out, n, changes):
    import os
    os.makedirs(out, exist_ok=True)
    with open(plan + "/plan.csv", newline="") as f:
        rd = csv.DictReader(f)
        rows = [r for r in rd if r["action"] == "move_now"]
        rows = rows[:int(n)] if int(n) >= 0 else rows[int(n):]
        write_csv(out + "/plan.csv", rd.fieldnames, rows)
    with open(plan + "/policy_changes.csv", newline="") as f:
        rd = csv.DictReader(f)
        header = list(rd.fieldnames) + [
            c for c in ("proposed_daily_keep_days",
                        "proposed_weekly_keep_weeks",
                        "proposed_monthly_keep_months",
                        "proposed_yearly_keep_years")
            if c not in rd.fieldnames]
        keep = []
        for r in rd:
            for spec in changes:
                name, _, sets = spec.partition(":")
                if name == r["vault_name"] + "/" + r["policy_name"]:
                    for kv in filter(None, sets.split(",")):
                        k, v = kv.split("=", 1)
                        r[k] = v
                    keep.append(r)
        write_csv(out + "/policy_changes.csv", header, keep)
    for name in ("plan.json", "items.csv"):
        try:
            with open(plan + "/" + name) as a, open(out + "/" + name,
                                                     "w") as b:
                b.write(a.read())
        except FileNotFoundError:
            pass


def rates(log):
    times = sorted(time.mktime(time.strptime(
        json.loads(l)["time"][:19], "%Y-%m-%dT%H:%M:%S")) +
        float("0." + json.loads(l)["time"][20:23])
        for l in open(log))
    if len(times) < 2:
        print("0 0 0")
        return
    total = len(times) / max(times[-1] - times[0], 1e-9)
    after = times[200:] if len(times) > 400 else times
    sustained = (len(after) - 1) / max(after[-1] - after[0], 1e-9)
    print("%d %.2f %.2f %.1f" % (len(times), total, sustained,
                                 times[-1] - times[0]))


class Azure:
    def __init__(self, url, tenant, secret, ca):
        self.url = url
        self.ctx = ssl.create_default_context(cafile=ca)
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": CLIENT,
            "client_secret": secret,
            "scope": "https://management.azure.com/.default"}).encode()
        tok = self.call("POST", "/%s/oauth2/v2.0/token" % tenant, form,
                        {"Content-Type":
                         "application/x-www-form-urlencoded"})[1]
        self.token = tok["access_token"]

    def call(self, method, path, body=None, headers=None, full=False):
        url = path if full else self.url + urllib.parse.quote(path,
                                                               safe="/;?=&-")
        rq = urllib.request.Request(url, data=body, method=method,
                                    headers=headers or {})
        try:
            with urllib.request.urlopen(rq, context=self.ctx) as r:
                text = r.read()
                return r.status, json.loads(text) if text else None, r
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null"), e

    def arm(self, method, path, body=None, extra=None):
        h = {"Authorization": "Bearer " + self.token,
             "Content-Type": "application/json"}
        h.update(extra or {})
        sep = "&" if "?" in path else "?"
        return self.call(method, path + sep + "api-version=" + API,
                         json.dumps(body).encode() if body else None, h)

    def move(self, item, rp):
        st, _, r = self.arm("POST", "%s/recoveryPoints/%s/move" % (item, rp),
                            {"objectType": "MoveRPAcrossTiersRequest",
                             "sourceTierType": "HardenedRP",
                             "targetTierType": "ArchivedRP"})
        assert st == 202, st
        op = r.headers["Azure-AsyncOperation"]
        while True:
            st, body, _ = self.call("GET", op, None, {
                "Authorization": "Bearer " + self.token}, full=True)
            if body["status"] != "InProgress":
                return body["status"]

    def set_tiering(self, policy, mode):
        st, body, r = self.arm("GET", policy)
        props = body["properties"]
        props.pop("protectedItemsCount", None)
        props["tieringPolicy"] = {"ArchivedRP": {
            "tieringMode": mode, "duration": 0, "durationType": "Invalid"}}
        st, body, _ = self.arm("PUT", policy, {"properties": props},
                               {"If-Match": r.headers["ETag"]})
        return st


def rechain(path, old, new):
    import hashlib
    import re
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    at = next(i for i, l in enumerate(lines) if old in l)
    lines[at] = lines[at].replace(old, new, 1)
    for i in range(at + 1, len(lines)):
        prev = hashlib.sha256(lines[i - 1].encode()).hexdigest()
        lines[i] = re.sub(r'"prev":"[0-9a-f]{64}"}$',
                          '"prev":"%s"}' % prev, lines[i])
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    cmd = argv[1]
    if cmd == "due":
        print("\n".join(due(argv[2], argv[3])))
    elif cmd == "moved-once":
        return moved_once(argv[2], argv[3])
    elif cmd == "writes":
        print(writes(argv[2]))
    elif cmd == "statuses":
        statuses(argv[2], argv[3])
    elif cmd == "outcomes":
        outcomes(argv[2])
    elif cmd == "cut":
        cut(argv[2], argv[3], argv[4], argv[5:])
    elif cmd == "rechain":
        rechain(argv[2], argv[3], argv[4])
    elif cmd == "rates":
        rates(argv[2])
    elif cmd == "azure":
        az = Azure(argv[2], argv[3], argv[4], argv[5])
        if argv[6] == "move":
            print(az.move(argv[7], argv[8]))
        elif argv[6] == "set-tiering":
            print(az.set_tiering(argv[7], argv[8]))
        elif argv[6] == "get":
            print(json.dumps(az.arm("GET", argv[7])[1]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
