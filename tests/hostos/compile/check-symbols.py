#!/usr/bin/env python3
"""tests/hostos/compile/check-symbols.py - every routine <wdm.h>/<ntddk.h>
declare as an external function (NTSYSAPI, NTKERNELAPI, NTHALAPI) is
defined by the host OS library, so a declared routine is never a link
error: what the headers promise exists, and nothing else is declared.

Usage: check-symbols.py LIBRARY HEADER...
"""
import re
import subprocess
import sys


def main():
    lib, headers = sys.argv[1], sys.argv[2:]
    declared = set()
    for h in headers:
        text = open(h).read()
        declared |= set(re.findall(
            r"^(?:NTSYSAPI|NTKERNELAPI|NTHALAPI)[^(;]*?\b(\w+)\s*\(", text,
            re.M | re.S))
    res = subprocess.run(["nm", "-g", "--defined-only", lib],
                         capture_output=True, text=True)
    if res.returncode != 0:
        print("FAIL: nm %s\n%s" % (lib, res.stderr))
        return 1
    defined = {f[2] for f in (l.split() for l in res.stdout.splitlines())
               if len(f) == 3}
    missing = sorted(declared - defined)
    if missing:
        print("FAIL: declared in the headers, not defined by %s: %s"
              % (lib, " ".join(missing)))
        print("0 passed, 1 failed")
        return 1
    print("ok: all %d declared routines are defined" % len(declared))
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
