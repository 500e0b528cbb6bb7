#!/usr/bin/env python3
# replicate.py SRC DST K: a snapshot with the items of SRC and K copies of
# each recovery point (ids suffixed, times kept), so that the
# number of points grows K-fold while the number of items stays: the
# benchmark's check that memory does not grow with the number of points.
# Writes a fresh manifest with the new row counts and SHA-256s.
import csv
import hashlib
import json
import os
import shutil
import sys

src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.rmtree(dst, ignore_errors=True)
shutil.copytree(src, dst)


with open(os.path.join(src, "recovery_points.csv"), newline="") as fin, \
        open(os.path.join(dst, "recovery_points.csv"), "w", newline="") as fout:
    r = csv.reader(fin)
    w = csv.writer(fout, lineterminator="\r\n")
    header = next(r)
    w.writerow(header)
    col = {n: i for i, n in enumerate(header)}
    rows = []
    item = None

    def flush():
        for c in range(k):
            for row in rows:
                row = list(row)
                row[col["rp_id"]] += "-%d" % c
                w.writerow(row)

    for row in r:
        if row[col["item_id"]] != item:
            flush()
            rows, item = [], row[col["item_id"]]
        rows.append(row)
    flush()

manifest = json.load(open(os.path.join(src, "manifest.json")))
for name, entry in manifest["files"].items():
    path = os.path.join(dst, name)
    data = open(path, "rb").read()
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    entry["rows"] = data.count(b"\n") - 1
    manifest["counts"][name.split(".")[0]] = entry["rows"]
manifest["generator"] = "%s, points x%d (tests/bench/replicate.py)" % (
    manifest.get("generator", ""), k)
json.dump(manifest, open(os.path.join(dst, "manifest.json"), "w"), indent=1)
