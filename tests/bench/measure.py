#!/usr/bin/env python3
# measure.py: runs a command and prints "SECONDS PEAK_RSS_MB" of that one
# child (os.wait4 gives its own rusage), for the benchmark scripts. Its
# standard output goes to the file named by --stdout (default /dev/null).
# It starts after a sync, so that no earlier run's writes are still going
# to disk.
import os
import sys
import time

args = sys.argv[1:]
out = "/dev/null"
if args[:1] == ["--stdout"]:
    out, args = args[1], args[2:]
os.sync()
start = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.execvp(args[0], args)
_, status, usage = os.wait4(pid, 0)
elapsed = time.monotonic() - start
print("%.2f %.1f" % (elapsed, usage.ru_maxrss / 1024.0))
sys.exit(os.waitstatus_to_exitcode(status))
