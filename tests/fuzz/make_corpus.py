#!/usr/bin/env python3
# make_corpus.py: regenerates the seed corpora tests/fuzz/corpus/NAME/ and
# the dictionaries tests/fuzz/NAME.dict from the tests' data (tiny
# snapshot, Microsoft's example payloads, data/ files cut to small pieces,
# a plan and reports made by ./vaultwise on the tiny snapshot). Run from
# the top of the tree after `make vaultwise`; writes only under tests/fuzz.
# Seeds of the targets whose input starts with a selector byte carry it.
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile

TOP = os.getcwd()
OUT = os.path.join(TOP, "tests/fuzz/corpus")
TINY = "tests/data/tiny-snapshot"
SNAP_FILES = ["vaults.csv", "policies.csv", "items.csv",
              "recovery_points.csv", "jobs.csv", "guards.csv"]


def seed(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def head(path, lines):
    with open(path, newline="") as f:
        return "".join(f.readlines()[:lines])


def literals(*paths):
    """Quoted string literals of C sources, as dictionary entries."""
    out = set()
    for p in paths:
        text = open(p).read()
        for m in re.finditer(r'"((?:[^"\\\n]|\\.){2,40})"', text):
            s = m.group(1)
            if "%" in s or "\\" in s:
                continue
            out.add(s)
    return sorted(out)


def write_dict(target, words):
    with open(os.path.join(TOP, "tests/fuzz", target + ".dict"), "w") as f:
        f.write("# %s.dict: tokens for fuzz_%s (make_corpus.py)\n"
                % (target, target))
        for w in sorted(set(words)):
            f.write('"%s"\n' % "".join(
                "\\x%02X" % ord(c) if c in '"\\' or not c.isprintable()
                else c for c in w))


def csv_seeds():
    for i, name in enumerate(SNAP_FILES):
        sel = bytes([i])
        seed("csv", sel + head(os.path.join(TINY, name), 4).encode())
        seed("csv", sel + head(os.path.join("data/sample", name),
                               3).encode())
        seed("snapshot", sel + head(os.path.join(TINY, name), 40).encode())
    seed("csv", b"\x00a,b\r\n\"x\"\"y\",\"multi\nline\"\r\n")
    seed("csv", b"\x03\xef\xbb\xbfrp_id,item_id\n1,2\n")


def csvskip_seeds():
    """Exports with rows of other services, quoted line ends, CRLF and
    the word in any case, around 64-byte block edges."""
    seed("csvskip", "a,b\n" + "x" * 61 + "\nBackup,1\n\"q\nbackup\",2\n")
    seed("csvskip", "a,b\r\n\"" + "y" * 60 + "\r\n\"\"\",z\r\n\r\n"
         "x,BACK" + "\r\n" + "UP,backup")
    seed("csvskip", "date,resourceId,meterCategory,meterName,quantity\r\n"
         "2026-10-01,/subscriptions/s/resourceGroups/rg/providers/"
         "Microsoft.Compute/virtualMachines/vm,\"Virtual Machines\","
         "\"D4s v5\",24\r\n"
         "2026-10-01,/subscriptions/s/resourceGroups/rg/providers/"
         "Microsoft.RecoveryServices/vaults/v,Backup,"
         "\"LRS Data Stored\",100\r\n")


def csvrow_seeds():
    """Snapshot rows, and rows whose line end, comma, blank or quote
    falls on a 64-byte block's edge."""
    seed("csvrow", head(os.path.join("data/sample",
                                     "recovery_points.csv"), 4))
    seed("csvrow", "x" * 62 + ",y\r\n" + "z" * 63 + " ,\tb\n"
         + "q" * 63 + ",\"a\nb\"\n" + "w" * 130 + ",x\x00\n")
    seed("csvrow", "a,b\n" + "x" * 1100 + "\n , c \n\n\r\nlast")


def arm_seeds():
    kinds = [("Subscription", 0), ("Vault", 1), ("VaultConfig", 1),
             ("Polic", 2), ("IaaS_v2", 2), ("ProtectedItem", 3),
             ("RecoveryPoint", 4), ("Job", 5), ("ResourceGuardProxy", 6),
             ("ResourceGuard", 7), ("TieringCost", 8)]
    for path in glob.glob("tests/data/azure-examples/**/*.json",
                          recursive=True):
        base = os.path.basename(path)
        kind = 9
        for key, k in kinds:
            if key.lower() in base.lower():
                kind = k
                break
        doc = json.load(open(path))
        for resp in doc.get("responses", {}).values():
            body = resp.get("body") if isinstance(resp, dict) else None
            if body is None:
                continue
            text = json.dumps(body, separators=(",", ":")).encode()
            if len(text) > 6000 and isinstance(body, dict) and \
                    isinstance(body.get("value"), list):
                body = dict(body, value=body["value"][:2])
                text = json.dumps(body, separators=(",", ":")).encode()
            # RP kinds: VM, SQL, HANA, Files (sub = byte / 10)
            subs = [0, 1, 2, 3] if kind == 4 else [0]
            for s in subs:
                seed("arm", bytes([kind + 10 * s]) + text[:8000])
    seed("arm", b"\x09{\"error\":{\"code\":\"UserErrorX\",\"message\":\"m\"}}")
    seed("arm", b"\x09\"/subscriptions/s/resourceGroups/rg/providers/x\"")


def schedule_seeds():
    # header: kind byte, interval, window hours, log minutes (2), day
    cases = [
        (0, 4, 12, 0, 60, "\n\n08:00\nW. Europe Standard Time\n"),
        (1, 1, 0, 0, 100, "02:30\n\n\nUTC\n"),
        (1, 1, 0, 0, 200, "02:30;14:30\n\n\nPacific Standard Time\n"),
        (2, 1, 0, 0, 30, "23:00\nSunday;Wednesday\n\nAUS Eastern "
         "Standard Time\n"),
        (1 + 3, 1, 0, 60, 150, "22:00\n\n\nEastern Standard Time\n"),
        (2 + 3 * 2, 1, 0, 120, 10, "01:00\nSaturday\n\nNew Zealand "
         "Standard Time\nMonday;Tuesday"),
        (0 + 12, 6, 24, 0, 85, "\n\n20:00\nUTC\n"),
    ]
    for k, iv, wh, log, day, text in cases:
        seed("schedule", bytes([k, iv - 1, wh, log >> 8, log & 255, day]) +
             text.encode())


def simple_seeds():
    tz = open("data/timezones.csv").read()
    seed("tz", tz)
    lines = tz.splitlines(True)
    seed("tz", "".join(lines[:1] + lines[20:30]))
    seed("tz", "windows_name,iana_name,utc_offset,dst_rule\r\n"
         "X Time,X/Y,+05:45,none\r\nY Time,Y/Z,-03:30,US\r\n")
    seed("targets", head("data/targets.example.csv", 7))
    seed("targets", "target_id,scope_type,scope,tier,rpo_hours,rto_hours,"
         "min_retention_days\nt,workload,AzureVM,vault,24,,30\n"
         "u,item,[a-z]*,snapshot,,2,\n")
    seed("prices", head("data/prices/prices.csv", 14))
    pl = open("data/prices/prices.csv").read().splitlines(True)
    seed("prices", "".join(pl[:1] + pl[-6:]))
    seed("manifest", open(os.path.join(TINY, "manifest.json")).read())
    seed("manifest", open("data/sample/manifest.json").read())
    seed("manifest", '{"format_version":1,"exported_at":"2026-11-01"'
         'T00:00:00Z","files":{"vaults.csv":{"rows":2}}}')
    for s in ["2026-11-01T08:00:00Z", "2017-12-21T22:48:25.4353958Z",
              "2026-03-29T01:30:00+02:00", "2026-11-01", "0001-01-01",
              "9999-12-31T23:59:59-14:00", "PT12.42S", "P1DT2H",
              "P2W", "PT0S", "1970-01-01T00:00:00.000Z"]:
        seed("timeutil", bytes([len(s)]) + s.encode())


def journal_seeds():
    plan = hashlib.sha256(b"plan").hexdigest()
    rows = [{"seq": 0, "journal": "vaultwise apply", "version": 1,
             "time": "2026-11-01T08:00:00Z", "plan": plan}]
    for i, st in enumerate(["started", "moving", "done"], 1):
        rows.append({"seq": i, "time": "2026-11-01T08:0%d:00Z" % i,
                     "row": "rp-%d" % i, "state": st,
                     "operation": "op-%d" % i})
    prev = "0" * 64
    lines = []
    for r in rows:
        r["prev"] = prev
        text = json.dumps(r, separators=(",", ":"))
        prev = hashlib.sha256(text.encode()).hexdigest()
        lines.append(text + "\n")
    for mode in range(4):
        seed("journal", bytes([mode]) + "".join(lines).encode())
        seed("journal", bytes([mode]) + "".join(lines[:2]).encode() +
             lines[2][:30].encode())
    seed("journal", b"\x03" + lines[0][:40].encode())


def plan_seeds():
    tmp = tempfile.mkdtemp()
    try:
        vw = os.path.join(TOP, "vaultwise")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        # check and audit exit 1 when something fails: still written
        subprocess.run([vw, "plan", TINY, "--out", tmp + "/plan"],
                       check=True, **quiet)
        subprocess.run([vw, "fit", TINY, "--out", tmp + "/model.json"],
                       check=True, **quiet)
        subprocess.run([vw, "check", TINY, "--targets",
                        "data/targets.example.csv", "--out",
                        tmp + "/rpo_rto.csv"], **quiet)
        subprocess.run([vw, "audit", TINY, "--out", tmp + "/posture.csv"],
                       **quiet)
        files = [("plan/plan.csv", 12), ("plan/summary.csv", 0),
                 ("plan/strategies.csv", 25), ("plan/plan.json", 0),
                 ("plan/policy_changes.csv", 0), ("model.json", 0),
                 ("rpo_rto.csv", 0), ("posture.csv", 12)]
        for w, (name, lines) in enumerate(files):
            p = os.path.join(tmp, name)
            text = head(p, lines) if lines else open(p, newline="").read()
            seed("plan", bytes([w]) + text.encode())
    finally:
        shutil.rmtree(tmp)


def regression_seeds():
    """Inputs that once failed a target (tests/fuzz/regressions/NAME/),
    kept as seeds so that every run tries them again."""
    for path in sorted(glob.glob("tests/fuzz/regressions/*/*")):
        with open(path, "rb") as f:
            seed(os.path.basename(os.path.dirname(path)), f.read())


def dicts():
    write_dict("csv", literals("optimizer/snapshot/snapshot.c", "optimizer/base/csvio.c")
               + ["\r\n", "\"\"", ",", "true", "false", "Z", "T"])
    write_dict("snapshot", literals("optimizer/snapshot/snapshot.c") + ["\r\n"])
    write_dict("arm", literals("optimizer/azure/arm_parse.c") +
               ["{", "}", "[", "]", ":", "null", "true", "false"])
    write_dict("schedule", literals("models/check/schedule.c") +
               ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                "Friday", "Saturday", ";", "00:00", "23:59", "\n"])
    write_dict("tz", literals("models/check/tz.c") + ["+14:00", "-12:00"])
    write_dict("targets", literals("models/check/targets.c"))
    write_dict("prices", literals("models/cost/prices.c"))
    write_dict("manifest", literals("optimizer/snapshot/manifest.c"))
    write_dict("journal", literals("optimizer/apply/journal.c") + ['"prev":"'])
    write_dict("plan", literals("optimizer/report/report_plan.c",
                                "optimizer/report/report_inputs.c",
                                "optimizer/audit/audit.c",
                                "optimizer/plan/plan_write.c"))
    write_dict("csvskip", ["backup", "BACKUP", "ku", "\r\n", "\"", ",",
                           "\n"])
    write_dict("csvrow", [",", "\n", "\r\n", "\r", "\"", " ", "\t",
                          "\x00", "x" * 64])
    write_dict("timeutil", ["T", "Z", "P", "W", "D", "H", "M", "S", ".",
                            "+00:00", "-", ":", "0001-01-01", "9999"])


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    csv_seeds()
    csvskip_seeds()
    csvrow_seeds()
    arm_seeds()
    schedule_seeds()
    simple_seeds()
    journal_seeds()
    plan_seeds()
    regression_seeds()
    dicts()
