#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""rehydrate.py: gives a snapshot's restores from Archive the operation
real Azure lists them under, RestoreWithRehydrate (the sample writes
Restore), and reseals jobs.csv in manifest.json. Prints how many jobs it
renamed. Standard library only.

    rehydrate.py SNAPSHOT_DIR"""

import csv
import hashlib
import io
import json
import os
import sys


def main():
    snap = sys.argv[1]
    jobs = os.path.join(snap, "jobs.csv")
    with open(jobs, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    op, tier = head.index("operation"), head.index("source_tier")
    n = 0
    for r in rows[1:]:
        if r[op] == "Restore" and r[tier] == "Archive":
            r[op] = "RestoreWithRehydrate"
            n += 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    with open(jobs, "wb") as f:
        f.write(data)
    path = os.path.join(snap, "manifest.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["files"]["jobs.csv"]["sha256"] = hashlib.sha256(data).hexdigest()
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent="\t")
    print(n)


if __name__ == "__main__":
    main()
