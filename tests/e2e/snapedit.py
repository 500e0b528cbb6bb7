#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""snapedit.py: edits a snapshot in place the way real Azure would have
described the estate differently, and reseals the file in manifest.json.
Standard library only.

    snapedit.py rehydrate DIR      restores from Archive are listed as
                                   RestoreWithRehydrate (the sample writes
                                   Restore); prints how many it renamed
    snapedit.py set DIR TABLE COLUMN ROW VALUE
                                   sets COLUMN of data row ROW (1 is the
                                   first) of TABLE, e.g. a vault's location
                                   to "" or an item's soft_deleted to true;
                                   ROW "all" sets it in every data row
"""

import csv
import hashlib
import io
import json
import os
import sys


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def save(snap, table, rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    with open(os.path.join(snap, table), "wb") as f:
        f.write(data)
    path = os.path.join(snap, "manifest.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["files"][table]["sha256"] = hashlib.sha256(data).hexdigest()
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent="\t")


def rehydrate(snap):
    rows = load(os.path.join(snap, "jobs.csv"))
    op = rows[0].index("operation")
    tier = rows[0].index("source_tier")
    n = 0
    for r in rows[1:]:
        if r[op] == "Restore" and r[tier] == "Archive":
            r[op] = "RestoreWithRehydrate"
            n += 1
    save(snap, "jobs.csv", rows)
    print(n)


def set_value(snap, table, column, row, value):
    rows = load(os.path.join(snap, table))
    col = rows[0].index(column)
    for r in rows[1:] if row == "all" else [rows[int(row)]]:
        r[col] = value
    save(snap, table, rows)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "rehydrate":
        rehydrate(sys.argv[2])
    elif len(sys.argv) == 7 and sys.argv[1] == "set":
        set_value(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
