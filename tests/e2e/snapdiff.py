#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""snapdiff.py: compares two snapshot directories table by table, the way
a user would check that an export reproduced an estate: the same rows (by
key) with the same values, whatever the row order. Prints one line per
difference (at most --max per table) and exits 1 when there is any.

    snapdiff.py A B [--ignore table.column]... [--tolerance table.column=X]
                    [--ignore-when table.column:col=value]...
                    [--namesake-jobs] [--served-error-codes]
                    [--only table]...

--ignore-when skips a column in the rows of A where col is value;
--namesake-jobs accepts a job assigned to another item of the same vault,
workload and name (all an ARM job says of its item);
--served-error-codes compares A's jobs.error_code as the integer the ARM
emulator serves for it (errorDetails[].errorCode is an int32 in the spec,
so a named code such as the sample writes comes back as a number).

Used by tests/e2e/export.sh; standard library only."""

import argparse
import csv
import os
import sys

KEYS = {
    "vaults.csv": ("vault_id",),
    "policies.csv": ("policy_id",),
    "items.csv": ("item_id",),
    "recovery_points.csv": ("item_id", "rp_id"),
    "jobs.csv": ("vault_id", "job_id"),
    "guards.csv": ("vault_id", "resource_guard_id"),
    "backup_recovery_points.csv": ("instance_id", "rp_id"),
    "backup_jobs.csv": ("vault_id", "job_id"),
}


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same(a, b, tol):
    if a == b:
        return True
    if tol is None:
        return False
    try:
        return abs(float(a or 0) - float(b or 0)) <= tol
    except ValueError:
        return False


def namesakes(snapdir):
    """item_id -> (vault_id, workload, item_name) of a snapshot's items."""
    return {r["item_id"]: (r["vault_id"], r["workload"], r["item_name"])
            for r in load(os.path.join(snapdir, "items.csv"))}


def skipped(table, col, row, ignore, when):
    name = "%s.%s" % (table[:-4], col)
    if name in ignore:
        return True
    return any(row.get(c) == v for c, v in when.get(name, []))


def served_code(code):
    """The errorCode tests/emulator serves for a snapshot's error_code."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "emulator"))
    import estate
    return str(estate.error_number(code)) if code else code


def compare(table, left, right, ignore, when, tolerance, limit,
            names=None, codes=False):
    key = KEYS[table]
    lrows = {tuple(r[k] for k in key): r for r in load(left)}
    rrows = {tuple(r[k] for k in key): r for r in load(right)}
    out = []
    for k in sorted(set(lrows) - set(rrows)):
        out.append("%s: row %s only in the first" % (table, "/".join(k)))
    for k in sorted(set(rrows) - set(lrows)):
        out.append("%s: row %s only in the second" % (table, "/".join(k)))
    for k in sorted(set(lrows) & set(rrows)):
        a, b = lrows[k], rrows[k]
        for col in a:
            if skipped(table, col, a, ignore, when):
                continue
            if names and table == "jobs.csv" and col == "item_id" and \
                    a[col] and names.get(a[col]) == names.get(b.get(col)):
                continue
            tol = tolerance.get("%s.%s" % (table[:-4], col))
            want = a[col]
            if codes and table == "jobs.csv" and col == "error_code":
                want = served_code(want)
            if not same(want, b.get(col, ""), tol):
                out.append("%s: %s %s: %r != %r" % (
                    table, "/".join(k), col, a[col], b.get(col, "")))
    for line in out[:limit]:
        print(line)
    if len(out) > limit:
        print("%s: ... %d differences in all" % (table, len(out)))
    return len(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--ignore", action="append", default=[])
    ap.add_argument("--tolerance", action="append", default=[])
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--ignore-when", action="append", default=[])
    ap.add_argument("--namesake-jobs", action="store_true")
    ap.add_argument("--served-error-codes", action="store_true")
    ap.add_argument("--max", type=int, default=10)
    args = ap.parse_args()
    tolerance = {}
    for t in args.tolerance:
        col, _, x = t.partition("=")
        tolerance[col] = float(x)
    when = {}
    for w in args.ignore_when:
        col, _, cond = w.partition(":")
        c, _, v = cond.partition("=")
        when.setdefault(col, []).append((c, v))
    names = namesakes(args.a) if args.namesake_jobs else None
    total = 0
    for table in KEYS:
        if args.only and table[:-4] not in args.only:
            continue
        total += compare(table, os.path.join(args.a, table),
                         os.path.join(args.b, table), set(args.ignore),
                         when, tolerance, args.max, names,
                         args.served_error_codes)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
