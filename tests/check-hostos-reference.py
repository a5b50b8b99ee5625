#!/usr/bin/env python3
"""tests/check-hostos-reference.py - keeps two reference sections of
README.md true to the code of the mock Windows kernel (hostos/).

(a) "## Supported Windows routines": every Windows routine the driver and
    application headers in hostos/include/ offer is named there, and every
    routine named there is offered. A routine is
      - a function declared with NTSYSAPI, NTKERNELAPI or NTHALAPI, or
        defined FORCEINLINE (names ending in "_" are private helpers);
      - a prototype in win32.h;
      - a function-like macro, or an object-like macro whose body is one
        routine's name (IoCallDriver -> IofCallDriver, CreateFile ->
        CreateFileA);
      - a typed member of a routine table a driver calls through:
        DMA_OPERATIONS and BUS_INTERFACE_STANDARD (PVOID members are
        placeholders for routines the mock lacks);
    and of those, only names that look like Windows routines: CamelCase
    with at least two humps, optionally after a lower-case "v" (KeSetEvent,
    vDbgPrintEx, CreateFile, GetBusData), or READ_/WRITE_REGISTER_* and
    READ_/WRITE_PORT_*. ALL_CAPS macros (NT_SUCCESS, ASSERT, CTL_CODE) are
    not routines here. In the README section, a routine is named by a
    backquoted span; every backquoted token of that shape counts, and one
    level of braces expands (`READ_PORT_{UCHAR,USHORT}`). The part after
    the line starting "**Not supported" lists routines the mock lacks:
    those must NOT be declared (a check that the list goes stale when one
    is added).

(b) "## The verifier's checks": every bug check the code raises has a row
    in the section's tables, whose first column holds the code (its first
    hexadecimal number) and, for the codes in SUBCODED, second column the
    P1 value(s) (every hexadecimal number in it; for other codes the
    second column is free, a name say), and every row names a code (and
    P1) the sources raise. Raised means a call, in hostos/*.c, hostos/*.h or
    hostos/include/*.h, of
      hostos_bugcheck(t, CODE, P1, ...), hostos_bugcheck_outside(os, CODE,
      P1, ...), KeBugCheckEx(CODE, P1, ...), hostos_io_violation(t, P1, ...)
      (code 0xC9), hostos_io_passive(t, P1, ...) (code 0xC4),
      hostos_sweep_add(s, kind, addr, CODE, P1, ...), mock_finding(t, in,
      obj, CODE, ...).
    For the codes in SUBCODED, P1 says which check it is and each value
    must have its row; for the others only the code needs one.

Limits. This is a regular-expression reading of the sources, not a C
parser. An argument counts when it is an integer literal, a macro defined
as one in hostos/ (casts and parentheses stripped), or a conditional
expression whose branches are such; anything else (a variable, a
parameter a helper passes on) is skipped and listed as "pass-through",
and the values come from the helper's own call sites when the helper is
in WRAPPERS: a new helper that passes a code or P1 on needs a line
there, or its checks go unseen. A prototype or definition of a wrapper
(an argument that reads as a declaration) is not a call. Code inside
#if 0 or a disabled #ifdef counts as live. Routines reached only through
other structures (callbacks the OS calls) are not routines here.
--self-test runs the checker on a small tree of its own (SELF_FILES,
SELF_README) with one mistake at a time and expects each to be found.

Usage: check-hostos-reference.py --root DIR [--readme FILE]
       check-hostos-reference.py --self-test
Exit status: 0 both sections agree with the code, 1 they do not, 2 usage
or a section missing.
"""

import argparse
import glob
import os
import re
import sys

# Codes whose P1 selects the check (a subcode, a kind, an exception code).
SUBCODED = {0xC4, 0xE6, 0xC9, 0xC2, 0xC7, 0xE4, 0x133, 0x13B, 0x139, 0x1E,
            0xA55E0005}

# Calls that raise a bug check: name -> (index of the code argument or a
# fixed code, index of the P1 argument or None).
WRAPPERS = {
    'hostos_bugcheck': (1, 2),
    'hostos_bugcheck_outside': (1, 2),
    'KeBugCheckEx': (0, 1),
    'hostos_io_violation': (('fixed', 0xC9), 1),
    'hostos_io_passive': (('fixed', 0xC4), 1),
    'hostos_sweep_add': (3, 4),
    'mock_finding': (3, None),
}

ROUTINE_TABLES = ('DMA_OPERATIONS', 'BUS_INTERFACE_STANDARD')

ROUTINE_NAME = re.compile(
    r'^(?:v?[A-Z][a-z0-9]+[A-Z]\w*|(?:READ|WRITE)_(?:REGISTER|PORT)_[A-Z0-9_]+)$')

TOKEN_RE = re.compile(
    r'"(?:\\.|[^"\\\n])*"'
    r"|'(?:\\.|[^'\\\n])*'"
    r'|/\*.*?\*/'
    r'|//[^\n]*',
    re.S)

INT_RE = re.compile(r'^(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*$')
# A parameter declaration ("uint32_t code", "struct hostos_thread *t").
DECL_RE = re.compile(r'^\s*(?:const\s+)?(?:struct\s+)?[A-Za-z_]\w*[\s*]+[A-Za-z_]\w*\s*$')
CAST_RE = re.compile(r'^\(\s*(?:const\s+)?(?:unsigned\s+)?[A-Za-z_]\w*\s*\**\s*\)\s*(?=\S)')


def strip_comments(text):
    """Comments become spaces (newlines kept); literals stay as they are."""
    def repl(m):
        s = m.group(0)
        if s.startswith('/'):
            return re.sub(r'[^\n]', ' ', s)
        return s
    return TOKEN_RE.sub(repl, text)


def is_routine_name(name):
    return bool(ROUTINE_NAME.match(name)) and not name.endswith('_')


# ---- (a) routines ----

def header_routines(include_dir):
    """Names of the routines the headers offer, and the PVOID members of
    the routine tables (placeholders for routines the mock lacks)."""
    declared = set()
    placeholders = set()
    aliases = []
    for path in sorted(glob.glob(os.path.join(include_dir, '*.h'))):
        text = strip_comments(open(path, encoding='utf-8').read())
        text = text.replace('\\\n', ' ')
        for m in re.finditer(r'^[ \t]*(?:NTSYSAPI|NTKERNELAPI|NTHALAPI|FORCEINLINE)\b'
                             r'[^;{(]*?\b([A-Za-z_]\w*)\s*\(', text, re.M):
            declared.add(m.group(1))
        if os.path.basename(path) == 'win32.h':
            for m in re.finditer(r'^(?!typedef\b)[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*'
                                 r'\([^;{)]*\)\s*;', text, re.M):
                declared.add(m.group(1))
        for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(', text, re.M):
            declared.add(m.group(1))
        for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([A-Za-z_]\w*)'
                             r'[ \t]*$', text, re.M):
            aliases.append((m.group(1), m.group(2)))
        for table in ROUTINE_TABLES:
            m = re.search(r'typedef\s+struct\s+_%s\s*\{(.*?)\}\s*%s\b' % (table, table),
                          text, re.S)
            if not m:
                continue
            for t, name in re.findall(r'^\s*([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*;',
                                      m.group(1), re.M):
                if t == 'PVOID':
                    placeholders.add(name)
                elif t.startswith('P'):
                    declared.add(name)
    for name, target in aliases:
        if target in declared:
            declared.add(name)
    return {n for n in declared if is_routine_name(n)}, placeholders


def expand_braces(span):
    m = re.search(r'\{([^{}]*)\}', span)
    if not m:
        return [span]
    out = []
    for alt in m.group(1).split(','):
        out += expand_braces(span[:m.start()] + alt.strip() + span[m.end():])
    return out


def named_routines(text):
    names = set()
    for span in re.findall(r'`([^`\n]+)`', text):
        for s in expand_braces(span):
            names |= {w for w in re.findall(r'[A-Za-z_]\w*', s) if is_routine_name(w)}
    return names


def section(readme, title):
    m = re.search(r'^## %s[ \t]*\n(.*?)(?=^## |\Z)' % re.escape(title), readme, re.M | re.S)
    return m.group(1) if m else None


def check_routines(root, readme, errors):
    body = section(readme, 'Supported Windows routines')
    if body is None:
        return None
    cut = re.search(r'^\*\*Not supported', body, re.M)
    supported_text = body[:cut.start()] if cut else body
    unsupported_text = body[cut.start():] if cut else ''
    declared, placeholders = header_routines(os.path.join(root, 'hostos', 'include'))
    named = named_routines(supported_text)
    not_named = sorted(declared - named)
    not_declared = sorted(named - declared)
    stale = sorted(named_routines(unsupported_text) & declared)
    if not_named:
        errors.append('declared in hostos/include/ but not named in "Supported Windows '
                      'routines": ' + ' '.join(not_named))
    if not_declared:
        errors.append('named in "Supported Windows routines" but not declared in '
                      'hostos/include/: ' + ' '.join(not_declared))
    if stale:
        errors.append('listed as not supported, but hostos/include/ declares them: ' +
                      ' '.join(stale))
    return len(declared), len(placeholders)


# ---- (b) bug checks ----

def macro_table(root):
    macros = {}
    paths = glob.glob(os.path.join(root, 'hostos', '*.h')) + \
        glob.glob(os.path.join(root, 'hostos', 'include', '*.h'))
    for path in sorted(paths):
        text = strip_comments(open(path, encoding='utf-8').read())
        for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]+)$',
                             text, re.M):
            macros.setdefault(m.group(1), m.group(2).strip())
    return macros


def split_top(expr, seps):
    """Split @expr at top-level characters in @seps (outside brackets and
    literals)."""
    parts, depth, cur, i = [], 0, '', 0
    while i < len(expr):
        c = expr[i]
        if c in '"\'':
            j = i + 1
            while j < len(expr) and expr[j] != c:
                j += 2 if expr[j] == '\\' else 1
            cur += expr[i:j + 1]
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if depth == 0 and c in seps:
            parts.append(cur)
            cur = ''
        else:
            cur += c
        i += 1
    parts.append(cur)
    return parts


def strip_parens(e):
    e = e.strip()
    while e.startswith('(') and e.endswith(')'):
        depth = 0
        for i, c in enumerate(e):
            depth += c == '('
            depth -= c == ')'
            if depth == 0 and i < len(e) - 1:
                return e
        e = e[1:-1].strip()
    return e


def values(expr, macros, depth=0):
    """The constant values @expr can take, or None when it is not constant."""
    if depth > 10:
        return None
    e = strip_parens(expr)
    while CAST_RE.match(e):
        e = strip_parens(CAST_RE.sub('', e, count=1))
    q = split_top(e, '?')
    if len(q) > 1:
        rest = '?'.join(q[1:])
        # cond ? a : b, where b may itself be a conditional
        level, split_at = 0, None
        for i, c in enumerate(rest):
            if c == '?':
                level += 1
            elif c == ':':
                if level == 0:
                    split_at = i
                    break
                level -= 1
        if split_at is None:
            return None
        a = values(rest[:split_at], macros, depth + 1)
        b = values(rest[split_at + 1:], macros, depth + 1)
        return a | b if a is not None and b is not None else None
    m = INT_RE.match(e)
    if m:
        return {int(m.group(1), 0)}
    if re.match(r'^[A-Za-z_]\w*$', e) and e in macros:
        return values(macros[e], macros, depth + 1)
    return None


def calls(text, name):
    """Argument lists of every call of @name in @text (comments stripped)."""
    out = []
    for m in re.finditer(r'\b%s\s*\(' % re.escape(name), text):
        i, depth = m.end(), 1
        while i < len(text) and depth:
            c = text[i]
            if c in '"\'':
                j = i + 1
                while j < len(text) and text[j] != c:
                    j += 2 if text[j] == '\\' else 1
                i = j + 1
                continue
            depth += c == '('
            depth -= c == ')'
            i += 1
        line = text.count('\n', 0, m.start()) + 1
        out.append((line, split_top(text[m.end():i - 1], ',')))
    return out


def raised(root, macros):
    """{(code, p1 or None)} raised by the sources, and the call sites read
    as pass-through."""
    pairs, through = set(), []
    paths = glob.glob(os.path.join(root, 'hostos', '*.c')) + \
        glob.glob(os.path.join(root, 'hostos', '*.h')) + \
        glob.glob(os.path.join(root, 'hostos', 'include', '*.h'))
    for path in sorted(paths):
        rel = os.path.relpath(path, root)
        text = strip_comments(open(path, encoding='utf-8').read()).replace('\\\n', '  ')
        for name, (ci, si) in WRAPPERS.items():
            for line, args in calls(text, name):
                if any(DECL_RE.match(a) for a in args):
                    continue  # the prototype or definition, not a call
                if isinstance(ci, tuple):
                    codes = {ci[1]}
                elif ci < len(args):
                    codes = values(args[ci], macros)
                else:
                    codes = None
                if codes is None:
                    through.append('%s:%d %s' % (rel, line, name))
                    continue
                for code in codes:
                    if code not in SUBCODED or si is None:
                        pairs.add((code, None))
                        continue
                    subs = values(args[si], macros) if si < len(args) else None
                    if subs is None:
                        through.append('%s:%d %s (P1 of 0x%X)' % (rel, line, name, code))
                        continue
                    pairs |= {(code, s) for s in subs}
    return pairs, through


def table_pairs(body):
    pairs = set()
    for line in body.splitlines():
        if not line.startswith('|'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 2 or re.match(r'^:?-+:?$', cells[0]):
            continue
        m = re.search(r'0x[0-9A-Fa-f]+', cells[0])
        if not m:
            continue  # the header row
        code = int(m.group(0), 16)
        subs = [int(s, 16) for s in re.findall(r'0x[0-9A-Fa-f]+', cells[1])]
        if code in SUBCODED:
            pairs |= {(code, s) for s in subs}
        pairs.add((code, None))
    return pairs


def fmt(pair):
    code, sub = pair
    return '0x%X' % code if sub is None else '0x%X/0x%X' % (code, sub)


def check_bugchecks(root, readme, errors):
    body = section(readme, "The verifier's checks")
    if body is None:
        return None
    macros = macro_table(root)
    code_pairs, through = raised(root, macros)
    rows = table_pairs(body)
    need = set(code_pairs)
    need |= {(c, None) for c, s in code_pairs}
    missing = sorted(need - rows, key=lambda p: (p[0], -1 if p[1] is None else p[1]))
    unraised = sorted(rows - need, key=lambda p: (p[0], -1 if p[1] is None else p[1]))
    if missing:
        errors.append('raised by hostos/ but without a row in "The verifier\'s checks": ' +
                      ' '.join(fmt(p) for p in missing))
    if unraised:
        errors.append('a row in "The verifier\'s checks" that nothing in hostos/ raises: ' +
                      ' '.join(fmt(p) for p in unraised))
    return len(code_pairs), through


# ---- self-test: a small tree the checker must read right ----

SELF_FILES = {
    'hostos/include/wdm.h': """
#define STATUS_X ((NTSTATUS)0xC0000047L)
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI KeBugCheckEx(ULONG Code,
	ULONG_PTR P1);
FORCEINLINE VOID KeBar(VOID) { KeBugCheckEx(KERNEL_X, 3); }
FORCEINLINE VOID Helper_(VOID) { }
#define KERNEL_X 0x139
#define KeBaz(a) KeBugCheckEx(a, 0)
#define NT_THING(a) (a)
NTKERNELAPI VOID FASTCALL IofReal(VOID);
#define IoAlias IofReal
/* NTKERNELAPI VOID NTAPI KeInComment(VOID); */
typedef struct _DMA_OPERATIONS {
	ULONG Size;
	PPUT_THING PutThing;
	PVOID MissingThing;
} DMA_OPERATIONS, *PDMA_OPERATIONS;
""",
    'hostos/include/win32.h': """
typedef int BOOL;
BOOL CloseThing(HANDLE hObject);
#define OpenThing OpenThingA
HANDLE OpenThingA(LPCSTR lpName,
		  DWORD dwFlags);
""",
    'hostos/x.h': """
#define HOSTOS_MINE 0xA55E0009u
""",
    'hostos/x.c': """
void f(struct hostos_thread *t, int x)
{
	hostos_bugcheck(t, 0xC4, x ? 0x01 : (0x02), 0, 0, 0, "a (string, with) comma");
	hostos_bugcheck(t, HOSTOS_MINE, 5, 0, 0, 0, "no subcode");
	hostos_bugcheck(t, 0x1E, (uint64_t)(uint32_t)STATUS_X, 0, 0, 0, "exception");
	hostos_io_violation(t, 0x23D, NULL, NULL, NULL, "io");
	/* hostos_bugcheck(t, 0xE6, 0x99, 0, 0, 0, "in a comment"); */
	KeBugCheckEx(x, 0);
}
void hostos_bugcheck(struct hostos_thread *t, uint32_t code, uint64_t p1);
""",
}

SELF_README = """# x

## Supported Windows routines

- `KeBugCheckEx`, `KeBar`, `KeBaz`, `Io{Alias,fReal}`, `PutThing`, `CloseThing`,
  `OpenThing{,A}`.

**Not supported**: `KeNever`, `MissingThing`.

## The verifier's checks

| code | name | trigger | P1..P4 | enabled by |
| --- | --- | --- | --- | --- |
| 0xA55E0009 | MINE | x | x | x |

| code | P1 | trigger | P2..P4 | enabled by |
| --- | --- | --- | --- | --- |
| 0xC4 | 0x01, 0x02 | x | x | x |
| 0x1E | 0xC0000047 | x | x | x |
| 0xC9 | 0x23D | x | x | x |
| 0x139 | 0x3 | x | x | x |

## Next
"""

SELF_CASES = [
    # (what to replace in the README, with what, the error expected or None)
    ('', '', None),
    ('`KeBar`, ', '', 'declared in hostos/include/: KeBar'),
    ('`CloseThing`', '`CloseThing`, `KeInComment`', 'named in: KeInComment'),
    ('`KeNever`', '`KeBugCheckEx`', 'listed as not supported: KeBugCheckEx'),
    ('`PutThing`', '`MissingThing`', 'declared in hostos/include/: PutThing'),
    ('`OpenThing{,A}`', '`OpenThingA`', 'declared in hostos/include/: OpenThing'),
    ('| 0x1E | 0xC0000047 |', '| 0x1E | 0xC0000046 |', 'raised by: 0x1E/0xC0000047'),
    ('0x01, 0x02', '0x01', 'raised by: 0xC4/0x2'),
    ('| 0xC9 | 0x23D |', '| 0xC9 | 0x23E |', 'a row in: 0xC9/0x23E'),
    ('| 0xA55E0009 |', '| 0xA55E0008 |', 'raised by: 0xA55E0009'),
    ('| 0x139 | 0x3 |', '| 0x139 | 0x4 |', 'raised by: 0x139/0x3'),
]


def self_test():
    import tempfile
    failed = 0
    with tempfile.TemporaryDirectory() as root:
        for rel, text in SELF_FILES.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), 'w', encoding='utf-8') as f:
                f.write(text)
        for old, new, want in SELF_CASES:
            readme = SELF_README.replace(old, new, 1) if old else SELF_README
            assert not old or old in SELF_README, old
            errors = []
            r = check_routines(root, readme, errors)
            b = check_bugchecks(root, readme, errors)
            # @want: "the message: NAME"; NAME must be one of the names listed
            kind, _, name = (want or '').rpartition(': ')
            ok = r is not None and b is not None and (
                not errors if want is None else
                any(e.startswith(kind) and name in e.rpartition(': ')[2].split()
                    for e in errors))
            if not ok:
                failed += 1
                print('FAIL: case %r -> %r: expected %s, got %s' %
                      (old, new, want or 'no error', errors or 'no error'))
    print('self-test: %d of %d cases right' % (len(SELF_CASES) - failed, len(SELF_CASES)))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--root', help='the source tree')
    ap.add_argument('--readme', help='README.md (default: ROOT/README.md)')
    ap.add_argument('--self-test', action='store_true',
                    help='check the checker on a small tree of its own')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not args.root:
        ap.error('--root is required')
    readme_path = args.readme or os.path.join(args.root, 'README.md')
    readme = open(readme_path, encoding='utf-8').read()
    errors = []
    r = check_routines(args.root, readme, errors)
    b = check_bugchecks(args.root, readme, errors)
    if r is None or b is None:
        print('%s: section "%s" not found' % (
            readme_path, 'Supported Windows routines' if r is None else "The verifier's checks"))
        return 2
    n_pairs, through = b
    for e in errors:
        print('FAIL:', e)
    print('read %d routines (%d placeholders skipped) and %d bug check codes/subcodes; '
          'pass-through call sites not read: %d' % (r[0], r[1], n_pairs, len(through)))
    for t in through:
        print('  pass-through:', t)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
