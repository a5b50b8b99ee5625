#!/usr/bin/env python3
"""Compile and run the C example of README.md, so the README never shows
code that does not build or does not do what it says.

Usage: check-readme-example.py README.md ROOT LIB -- CC [ARGS...]
The first ```c block of README.md is compiled with CC against the static
library LIB (headers from ROOT) and run; its exit status is the result.
"""
import os
import re
import subprocess
import sys
import tempfile


def main(argv):
    sep = argv.index("--")
    readme, root, lib = argv[1:sep]
    cc = argv[sep + 1:]
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^```c\n(.*?)^```", text, re.S | re.M)
    if not m:
        print("no ```c block in", readme)
        return 1
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "example.c")
        exe = os.path.join(d, "example")
        with open(src, "w", encoding="utf-8") as f:
            f.write(m.group(1))
        build = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", root, src, lib, "-o", exe]
        if subprocess.run(build).returncode != 0:
            print("the README example does not compile:", " ".join(build))
            return 1
        rc = subprocess.run([exe]).returncode
        if rc != 0:
            print("the README example exited with", rc)
        return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
