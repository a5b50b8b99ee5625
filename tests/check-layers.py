#!/usr/bin/env python3
"""tests/check-layers.py - checks the include edges against the layer table.

Reads tests/layers.txt (the table of ARCHITECTURE.md) and scans every .c and .h
file under the source tree's folders. A file in folder X may include a header
of folder Y when Y is X, when Y is in a lower layer, or when Y is in X's layer
and that layer is marked "open". Headers of the Windows surface (<wdm.h>, ...)
count as hostos. Another folder's private header (*-internal.h) may only be
included from the top layer. Folders named in the table but not written yet
are fine; a folder with C files that the table does not name is an error, so
the table cannot silently fall behind the tree.

Run by `meson test --suite meta`; by hand: python3 tests/check-layers.py
[--root DIR] [--table FILE], or --self-test to check the checker.
Exit status: 0 clean, 1 violations found, 2 bad table or usage.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

SOURCE_SUFFIXES = ('.c', '.h')

# Comments are blanked out (newlines kept, so line numbers stay right) before
# looking for #include; string and character literals are matched first so a
# "/*" inside a string does not start a comment.
TOKEN_RE = re.compile(
    r'"(?:\\.|[^"\\\n])*"'
    r"|'(?:\\.|[^'\\\n])*'"
    r'|/\*.*?\*/'
    r'|//[^\n]*',
    re.S)
INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)


class TableError(Exception):
    pass


class Table:
    """The parsed layer table."""

    def __init__(self, path):
        self.rank = {}       # folder -> layer index, 0 = lowest
        self.layer = {}      # folder -> layer name ("L2")
        self.open = {}       # folder -> may include same-layer folders
        self.surface = {}    # header name -> folder that provides it
        self.top = -1
        with open(path, encoding='utf-8') as f:
            for lineno, line in enumerate(f, 1):
                words = line.split('#', 1)[0].split()
                if not words:
                    continue
                if len(words) < 3:
                    raise TableError(f'{path}:{lineno}: expected "<layer> '
                                     f'open|closed <folders>" or "surface '
                                     f'<folder> <headers>"')
                if words[0] == 'surface':
                    for header in words[2:]:
                        self.surface[header] = words[1]
                    continue
                if words[1] not in ('open', 'closed'):
                    raise TableError(f'{path}:{lineno}: "{words[1]}" is '
                                     f'neither open nor closed')
                self.top += 1
                for folder in words[2:]:
                    if folder in self.rank:
                        raise TableError(f'{path}:{lineno}: {folder} is '
                                         f'listed twice')
                    self.rank[folder] = self.top
                    self.layer[folder] = words[0]
                    self.open[folder] = words[1] == 'open'
        for header, folder in self.surface.items():
            if folder not in self.rank:
                raise TableError(f'{path}: surface header {header} belongs '
                                 f'to {folder}, which is not in the table')
        if self.top < 0:
            raise TableError(f'{path}: no layers')

    def allowed(self, src, dst):
        """Whether folder src may include headers of folder dst."""
        if src == dst or self.rank[src] == self.top:
            return True
        if self.rank[dst] < self.rank[src]:
            return True
        return self.rank[dst] == self.rank[src] and self.open[src]

    def describe(self, folder):
        return f'{folder} ({self.layer[folder]})'


def is_build_dir(path):
    # Build directories inside the tree hold generated C (Meson's sanity
    # checks, coverage copies) that is not ours to check.
    return (os.path.exists(os.path.join(path, 'meson-private')) or
            os.path.exists(os.path.join(path, 'build.ninja')))


def source_files(top):
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith('.') and
                             not is_build_dir(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.join(dirpath, name)


def strip_comments(text):
    def blank(m):
        s = m.group(0)
        if s.startswith(('/*', '//')):
            return '\n' * s.count('\n')
        return s
    return TOKEN_RE.sub(blank, text)


def top_folder(relpath):
    parts = relpath.replace(os.sep, '/').split('/')
    return parts[0] if len(parts) > 1 else None


def include_target(root, table, file_rel, delim, name):
    """The folder an #include refers to, or None for a system/unknown one."""
    name = name.strip()
    if delim == '"':
        # As the compiler does: the including file's directory first...
        here = os.path.dirname(os.path.join(root, file_rel))
        cand = os.path.normpath(os.path.join(here, name))
        if os.path.isfile(cand):
            rel = os.path.relpath(cand, root)
            if not rel.startswith('..'):
                return top_folder(rel)
        # ...then the source root, which is on every target's include path.
        if name.startswith('.'):
            # A relative path that does not exist yet: still judge it.
            rel = os.path.relpath(cand, root)
            return None if rel.startswith('..') else top_folder(rel)
    folder = top_folder(os.path.normpath(name))
    if folder in table.rank:
        return folder
    return table.surface.get(name)


def check(root, table, out=sys.stdout, err=sys.stderr):
    """Scans root; returns the list of (file, line, message) violations."""
    problems = []
    nfiles = nincludes = 0
    present = []
    entries = sorted(os.listdir(root))
    for entry in entries:
        path = os.path.join(root, entry)
        if entry.startswith('.') or entry == 'subprojects':
            continue
        if os.path.isfile(path) and entry.endswith(SOURCE_SUFFIXES):
            problems.append((entry, 0, 'source file outside any layer '
                             'folder'))
            continue
        if not os.path.isdir(path) or is_build_dir(path):
            continue
        files = list(source_files(path))
        if entry not in table.rank:
            if files:
                problems.append((os.path.relpath(files[0], root), 0,
                                 f'folder {entry}/ has C sources but is not '
                                 f'in the layer table'))
            continue
        if files:
            present.append(entry)
        for f in files:
            rel = os.path.relpath(f, root)
            nfiles += 1
            with open(f, encoding='utf-8', errors='replace') as fh:
                text = strip_comments(fh.read())
            for m in INCLUDE_RE.finditer(text):
                nincludes += 1
                line = text.count('\n', 0, m.start()) + 1
                delim, name = m.group(1), m.group(2)
                close = '>' if delim == '<' else '"'
                spelled = f'#include {delim}{name}{close}'
                dst = include_target(root, table, rel, delim, name)
                if dst is None or dst not in table.rank:
                    continue
                if not table.allowed(entry, dst):
                    problems.append((rel, line, f'{spelled}: '
                                     f'{table.describe(entry)} may not '
                                     f'include {table.describe(dst)}'))
                elif (dst != entry and table.rank[entry] != table.top and
                      os.path.basename(name).endswith('-internal.h')):
                    problems.append((rel, line, f'{spelled}: private header '
                                     f'of {dst}/; only the top layer may '
                                     f'include it'))
    for rel, line, msg in problems:
        print(f'{rel}:{line}: {msg}' if line else f'{rel}: {msg}', file=err)
    print(f'layers: {nfiles} files, {nincludes} includes in '
          f'{", ".join(present) or "no folders"}; '
          f'{len(problems)} problem(s)', file=out)
    return problems


SELF_TEST_TREE = {
    'sim/kernel.h': '#include "sim/time.h"\n',
    'sim/time.h': '#include <stdint.h>\n',
    'sim/kernel-internal.h': '',
    'sim/a.c': ('/* #include "bus/b.h" is not an include */\n'
                '// #include "bus/b.h"\n'
                'static const char *s = "/*";\n'
                '#include "bus/b.h"\n'),                       # bad, line 4
    'bus/b.h': '#include "sim/kernel.h"\n#include <stdio.h>\n',
    'bus/c.c': '#include "sim/kernel-internal.h"\n',           # bad private
    'irq/x.c': '#include "bus/b.h"\n#  include "dma/y.h"\n',   # bad, line 2
    'dma/y.h': '#include "sim/kernel.h"\n',
    'model/m.c': '#include <wdm.h>\n',                        # bad surface
    'model/n.c': '#include "../hostos/h.h"\n',                # bad relative
    'model/m.h': '',
    'hostos/h.c': '#include "model/m.h"\n',                   # bad sibling
    'hostos/h.h': '',
    'hostos/include/wdm.h': '#include "sim/time.h"\n#include "../h.h"\n',
    'platform/p.c': '#include "cli/cli.h"\n#include "hostos/h.h"\n',
    'cli/cli.h': '',
    'tests/sim/t.c': '#include "sim/kernel-internal.h"\n#include <wdm.h>\n',
    'stray/s.c': '',                                          # unknown folder
    'build/meson-private/sanitycheckc.c': '#include "bus/b.h"\n',
}
SELF_TEST_EXPECTED = {
    ('sim/a.c', 4), ('bus/c.c', 1), ('irq/x.c', 2), ('model/m.c', 1),
    ('model/n.c', 1), ('hostos/h.c', 1), ('stray/s.c', 0),
}


def self_test(table_path):
    table = Table(table_path)
    tmp = tempfile.mkdtemp(prefix='check-layers-')
    try:
        for rel, text in SELF_TEST_TREE.items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
        with open(os.devnull, 'w') as null:
            got = {(f.replace(os.sep, '/'), line)
                   for f, line, _ in check(tmp, table, out=null, err=null)}
    finally:
        shutil.rmtree(tmp)
    if got != SELF_TEST_EXPECTED:
        print('self-test failed', file=sys.stderr)
        for item in sorted(SELF_TEST_EXPECTED - got):
            print(f'  missed: {item[0]}:{item[1]}', file=sys.stderr)
        for item in sorted(got - SELF_TEST_EXPECTED):
            print(f'  false alarm: {item[0]}:{item[1]}', file=sys.stderr)
        return 1
    print(f'self-test: {len(SELF_TEST_EXPECTED)} violations found as '
          f'expected')
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', default=os.path.dirname(here),
                    help='source tree to scan (default: this repository)')
    ap.add_argument('--table', default=os.path.join(here, 'layers.txt'),
                    help='layer table (default: tests/layers.txt)')
    ap.add_argument('--self-test', action='store_true',
                    help='check the checker on a generated tree')
    args = ap.parse_args()
    try:
        if args.self_test:
            return self_test(args.table)
        table = Table(args.table)
    except (OSError, TableError) as e:
        print(f'check-layers: {e}', file=sys.stderr)
        return 2
    return 1 if check(args.root, table) else 0


if __name__ == '__main__':
    sys.exit(main())
