#!/usr/bin/env python3
"""layers.py: the layering check. Assigns every C file under optimizer/,
models/ and reports/ to a layer by the table in CONTRIBUTING.md ("Layers"),
then fails on an #include "..." that points up (a lower layer including a
higher one) or sideways between two stages. Prints one TAP line per rule.
Usage: layers.py [ROOT] (default: the current directory)."""
import fnmatch
import os
import re
import sys

SRC_DIRS = ("optimizer", "models", "reports")
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*([\w:-]+)\s*\|\s*`([\w/]+)/`\s*([^|]*)\|")


def read_table(root):
    """[(rank, layer, folder, [glob...])] from CONTRIBUTING.md's table."""
    rows = []
    with open(os.path.join(root, "CONTRIBUTING.md"), encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line)
            if m:
                globs = m.group(4).replace("`", "").replace(",", " ").split()
                rows.append((int(m.group(1)), m.group(2), m.group(3), globs))
    return rows


def layer_of(rows, path):
    """The (rank, layer) of a file, by its folder and name without the
    extension; the first row that matches wins."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    for rank, layer, rfolder, globs in rows:
        if rfolder == folder and any(fnmatch.fnmatch(stem, g) for g in globs):
            return rank, layer
    return None


def sources(root):
    for d in SRC_DIRS:
        for here, dirs, names in sorted(os.walk(os.path.join(root, d))):
            dirs.sort()
            rel = os.path.relpath(here, root)
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    yield rel + "/" + name


def resolve(root, src, header):
    """The file an #include "header" in src names: its own folder first,
    then the -I folder (the top of the tree), as the compiler looks."""
    for d in (os.path.dirname(src), "."):
        if os.path.exists(os.path.join(root, d, header)):
            return os.path.normpath(d + "/" + header)
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    rows = read_table(root)
    unknown, bad = [], []
    for src in sources(root):
        here = layer_of(rows, src)
        if here is None:
            unknown.append(src)
            continue
        with open(os.path.join(root, src), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                dst = resolve(root, src, m.group(1))
                there = dst and layer_of(rows, dst)
                if not there:
                    continue
                if there[0] > here[0]:
                    bad.append(f"{src}:{n}: {here[1]} includes {dst}, "
                               f"of {there[1]}, a higher layer")
                elif there[0] == here[0] and there[1] != here[1]:
                    bad.append(f"{src}:{n}: {here[1]} includes {dst}, "
                               f"of {there[1]}, a sideways include")
    print("1..3")
    print(("ok" if rows else "not ok") +
          " 1 - CONTRIBUTING.md has the layer table")
    print(("not ok" if unknown else "ok") +
          " 2 - every source file is in a layer")
    for u in unknown:
        print(f"# {u}: in no layer; add it to CONTRIBUTING.md's table")
    print(("not ok" if bad else "ok") +
          " 3 - no include points up, or sideways between stages")
    for b in bad:
        print("# " + b)
    return 1 if (unknown or bad or not rows) else 0


if __name__ == "__main__":
    sys.exit(main())
