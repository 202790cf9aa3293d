#!/usr/bin/env python3
"""includes.py — rewrites the #include "…" block of each file of a
service (its .c and .h files and fuzz/fuzz_NAME.c) to exactly the
project headers whose names it uses: the service's own headers, then
common/'s, then whatever else it had (generated protobuf headers,
included .c files). A tool, not a check: run it after moving a
declaration between headers, or on a file written against the old
grab-bag NAME_server.h, then build.

    scripts/includes.py [--dry] [SERVICE…]    (default: intake groups referral reporting)

--dry prints what would change and exits 1 if anything would. A name is
"used" when it appears outside comments and strings; what a header
declares is read from it (functions, externs, typedefs, enum constants,
macros, row-spec column names). Files whose include block is not
contiguous are left alone and named. System headers (<…>) are not
touched."""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = ['intake', 'groups', 'referral', 'reporting']
#  What a top-level "enum { … };" or "static const …" leaves behind is no name.
KEYWORDS = {'enum', 'struct', 'union', 'static', 'const', 'extern', 'int', 'char', 'void',
            'bool', 'unsigned', 'double', 'size_t', 'int64_t', 'int32_t', 'uint32_t'}


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(?:\\.|[^'\\\n])*'", "''", text)


def declared(path):
    """The names a header declares."""
    raw = open(path).read()
    names = set(re.findall(r'^\s*#\s*define\s+(\w+)', raw, re.M))
    names |= set(re.findall(r'\bC \((\w+),', raw))          # row-spec columns
    s = strip(raw)
    s = re.sub(r'^\s*#.*?(?<!\\)$', '', s, flags=re.M | re.S)
    for body, name in re.findall(r'enum\s*\w*\s*\{([^}]*)\}\s*(\w*)', s):
        names |= set(re.findall(r'(?:^|,)\s*([A-Za-z_]\w*)', body))
        if name:
            names.add(name)
    names |= set(re.findall(r'\}\s*(\w+)\s*;', s))
    names |= set(re.findall(r'typedef\s+struct\s+\w+\s+(\w+)\s*;', s))
    names |= set(re.findall(r'typedef\s+[^;(]*\(\s*\*?\s*(\w+)\s*\)\s*\(', s))
    names |= set(re.findall(r'typedef\s+[\w\s\*]+?\b(\w+)\s*;', s))
    depth, top = 0, []
    for ch in s:                    # top level only: no struct fields
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
            continue
        if depth == 0:
            top.append(ch)
    for stmt in ''.join(top).split(';'):
        stmt = stmt.strip()
        if not stmt or stmt.startswith('typedef'):
            continue
        m = re.match(r'^(?:extern\s+)?(?:const\s+)?\w+[\s\*]+(?:const\s+)?\**\s*(\w+)\s*\(', stmt)
        if m:
            names.add(m.group(1))   # a function
            continue
        m = re.search(r'\b(\w+)\s*(\[[^\]]*\]\s*)?$', stmt)
        if m:
            names.add(m.group(1))   # an extern or a function-type declaration
    return names - KEYWORDS


def owners(paths):
    owner = {}
    for p in paths:
        for n in declared(p):
            owner.setdefault(n, set()).add(os.path.basename(p))
    return owner


def main(argv):
    dry = '--dry' in argv
    services = [a for a in argv if not a.startswith('--')] or DEFAULT
    os.chdir(ROOT)
    common = owners(glob.glob('common/*.h'))
    changed = 0
    for svc in services:
        headers = sorted(glob.glob(f'services/{svc}/*.h'))
        own = owners(headers)
        files = sorted(glob.glob(f'services/{svc}/*.c')) + headers
        files += [f for f in [f'fuzz/fuzz_{svc}.c'] if os.path.exists(f)]
        for f in files:
            text = open(f).read()
            used = set(re.findall(r'\b[A-Za-z_]\w*\b', strip(text)))
            self_h = os.path.basename(f) if f.endswith('.h') else None
            need_s = {h for n in used for h in own.get(n, ()) if h != self_h}
            need_c = {h for n in used for h in common.get(n, ())}
            lines = text.split('\n')
            at = [i for i, l in enumerate(lines) if re.match(r'#include\s+"', l)]
            if not at:
                continue
            block = lines[at[0]:at[-1] + 1]
            if any(l.strip() and not re.match(r'#include\s+"', l) for l in block):
                print(f'{f}: include block not contiguous, left alone')
                continue
            old = [re.match(r'#include\s+"([^"]+)"', l).group(1) for l in block if l.strip()]
            if f.startswith('fuzz/'):
                rest = [o for o in old if not o.startswith('../services/')]
                new = rest[:1] + [f'../services/{svc}/{h}' for h in sorted(need_s)] + rest[1:]
            else:
                rest = [o for o in old if o.startswith('kumppani/') or o.endswith('.c')]
                new = sorted(need_s) + sorted(need_c) + rest
            if new == old:
                continue
            changed += 1
            print(f'{f}: -{sorted(set(old) - set(new))} +{sorted(set(new) - set(old))}')
            if not dry:
                lines[at[0]:at[-1] + 1] = [f'#include "{h}"' for h in new]
                open(f, 'w').write('\n'.join(lines))
    return 1 if dry and changed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
