#!/usr/bin/env python3
"""tests/hostos/interrupt/check-layout.py - the resource and interrupt
surface of pcisim's <wdm.h> against mingw-w64's DDK: runs layout-gen (built
with pcisim's headers), which prints static assertions of every size,
offset and value, and compiles them with x86_64-w64-mingw32-gcc
-fsyntax-only against mingw-w64's <wdm.h>. Any difference fails.
(CONNECT_MESSAGE_BASED_PASSIVE is newer than mingw-w64 and not compared.)

Usage: check-layout.py --gen EXE --mingw CC --extra FILE [--ddk DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--mingw", required=True)
    ap.add_argument("--extra", required=True)
    ap.add_argument("--ddk", default="/usr/share/mingw-w64/include/ddk")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.ddk, "wdm.h")):
        print("FAIL: mingw-w64's DDK headers not found in " + a.ddk)
        return 1
    gen = subprocess.run([a.gen], capture_output=True, text=True)
    if gen.returncode:
        print("FAIL: layout-gen: " + gen.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "layout.c")
        with open(src, "w") as f:
            f.write(gen.stdout)
        res = subprocess.run([a.mingw, "-fsyntax-only", "-std=c11", "-I", a.ddk,
                              "-include", a.extra, src],
                             capture_output=True, text=True)
    n = gen.stdout.count("_Static_assert")
    if res.returncode:
        print("FAIL: pcisim's and mingw-w64's layouts differ:\n" + res.stderr)
        return 1
    print("ok: %d sizes, offsets and values agree with mingw-w64's DDK" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
