#!/usr/bin/env python3
"""tests/check-header.py - checks that one public header compiles on its own.

Feeds the compiler a translation unit that includes only the header, in strict
C11 (-std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only), so a header that
leans on an include or a GNU extension its user may not have fails here rather
than in someone's program. Run by `meson test --suite meta`, one test per
public header; by hand:
    python3 tests/check-header.py --root . sim/kernel.h -- cc [flags...]
Exit status: 0 clean, 1 the header does not compile alone, 2 usage, 77
(Meson's "skipped") for a private header (*-internal.h).
"""

import argparse
import subprocess
import sys

STRICT = ['-std=c11', '-pedantic', '-Wall', '-Wextra', '-Werror',
          '-fsyntax-only']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', required=True,
                    help='directory that headers are included from')
    ap.add_argument('header', help='path as included, e.g. sim/kernel.h')
    ap.add_argument('compiler', nargs='+',
                    help='compiler command and extra flags, after --')
    args = ap.parse_args()
    if args.header.endswith('-internal.h'):
        print(f'{args.header}: private header, not checked')
        return 77
    # Included twice to catch a missing or broken include guard.
    source = f'#include "{args.header}"\n#include "{args.header}"\n'
    cmd = args.compiler + STRICT + ['-I', args.root, '-x', 'c', '-']
    proc = subprocess.run(cmd, input=source, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        print(f'{args.header} does not compile alone:\n  {" ".join(cmd)}\n'
              f'{proc.stdout}', file=sys.stderr)
        return 1
    print(f'{args.header}: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
