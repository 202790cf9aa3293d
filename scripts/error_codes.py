#!/usr/bin/env python3
"""error_codes.py — every error code the sources can emit, against the
reference (docs/errors.md). Run by make test (scripts/docs_check.sh).

A code is a string literal shaped like a code ("word.word", lower case)
given as the code of a refusal:
  - the argument in the position of a parameter named `code` of any
    function that fails with it (kp_call_fail, and every helper such as
    s_invalid, groups_invalid, s_already: found by their definitions, so
    a helper added tomorrow is covered without editing this script);
  - a helper that builds its code from a template (snprintf (code, …,
    "groups.%s_conflict", kind)): the template with each call's literal;
  - a literal assigned to an error's code (error->code = "…") and a
    route's busy code (the last string of a route table row);
  - where a code is made at run time from data, a comment at the spot
    naming them: "error codes: groups.venue_conflict groups.client_conflict".
Topics, operations and audit actions have the same shape but are never
passed as a code, so they are not picked up.

  scripts/error_codes.py            check: exit 1 listing what is missing
                                    from the reference or listed but never emitted
  scripts/error_codes.py --list     print "code<TAB>status<TAB>file" as extracted
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["common", "services", "cli"]
REFERENCE = os.path.join(ROOT, "docs", "errors.md")

CODE = r'"([a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*)"'
HELPER = re.compile(r'\b(kp_call_fail|[a-z_]*(?:invalid|fail|forbidden|refuse|not_found|conflict|deny)[a-z_]*)\s*\(')
ASSIGN = re.compile(r'(?:->|\.)(?:code|busy_code)\s*=\s*' + CODE)
#  A route table row's busy code: { ..., "stream.replay", flags, types, handler, "x.busy" }
STATUS = re.compile(r'STATUS__STATUS_([A-Z_]+)')
#  Helpers whose names say their status when the call does not.
IMPLIED = {"invalid": "INVALID", "forbidden": "FORBIDDEN", "not_found": "NOT_FOUND",
           "conflict": "CONFLICT"}


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def statement_at(text, start):
    """The text from start to the end of the call: balanced parentheses."""
    depth = 0
    index = text.index('(', start)
    while index < len(text):
        char = text[index]
        if char == '"':
            index += 1
            while index < len(text) and text[index] != '"':
                index += 2 if text[index] == '\\' else 1
        elif char == '(':
            depth += 1
        elif char == ')':
            depth -= 1
            if depth == 0:
                return text[start:index + 1]
        index += 1
    return text[start:]


DEFINITION = re.compile(r'^([a-z_][a-z0-9_]*)\s*\(([^;{]*?)\)\s*\{', re.M)
TEMPLATE = re.compile(r'snprintf\s*\(\s*code\s*,[^,]*,\s*"([^"]*%s[^"]*)"\s*,\s*([a-z_]+)\s*\)')
ROUTE_BUSY = re.compile(r'\{\s*KUMPPANI__V1__REQUEST__BODY_[A-Z_]+\s*,[^{}]*?,\s*' + CODE + r'\s*\}')


def split_args(call):
    """The top-level arguments of a call's text 'name (a, b, c)'."""
    inner = call[call.index('(') + 1:-1]
    args, depth, current, index = [], 0, '', 0
    while index < len(inner):
        char = inner[index]
        if char == '"':
            end = index + 1
            while end < len(inner) and inner[end] != '"':
                end += 2 if inner[end] == '\\' else 1
            current += inner[index:end + 1]
            index = end + 1
            continue
        if char in '([{':
            depth += 1
        elif char in ')]}':
            depth -= 1
        if char == ',' and depth == 0:
            args.append(current.strip())
            current = ''
        else:
            current += char
        index += 1
    args.append(current.strip())
    return args


def body_at(text, start):
    depth, index = 0, text.index('{', start)
    begin = index
    while index < len(text):
        if text[index] == '{':
            depth += 1
        elif text[index] == '}':
            depth -= 1
            if depth == 0:
                return text[begin:index + 1]
        index += 1
    return text[begin:]


def sources():
    for top in SOURCES:
        for folder, _, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if name.endswith('.c'):
                    path = os.path.join(folder, name)
                    yield os.path.relpath(path, ROOT), open(path, encoding='utf-8').read()


def helpers(files):
    """(file or None, name) → (index of its code parameter, template or
    None) for every function that refuses with a code it is given; a
    static one is known in its own file only (several files have an
    s_invalid of their own)."""
    found = {(None, "kp_call_fail"): (2, None)}
    for where, text in files:
        for match in DEFINITION.finditer(text):
            line_start = text.rfind('\n', 0, text.rfind('\n', 0, match.start()) ) + 1
            static = text[line_start:match.start()].lstrip().startswith('static')
            scope = where if static else None
            name, params = match.group(1), [p.strip() for p in match.group(2).split(',')]
            body = body_at(text, match.end() - 1)
            if not re.search(r'fail|invalid|->code|_code\s*=', body):
                continue
            for index, param in enumerate(params):
                if re.search(r'\bcode$', param) and re.search(r'\bchar\b', param):
                    found.setdefault((scope, name), (index, None))
            template = TEMPLATE.search(body)
            if template:
                names = [re.sub(r'.*[^a-z0-9_]', '', p) for p in params]
                if template.group(2) in names:
                    found[(scope, name)] = (names.index(template.group(2)), template.group(1))
    return found


MARKER = re.compile(r'error codes:((?:\s*(?://)?\s*[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*)+)')


def extract():
    raw = list(sources())
    files = [(where, strip_comments(text)) for where, text in raw]
    known = helpers(files)
    names = sorted({name for _, name in known}, key=len, reverse=True)
    calls = re.compile(r'\b(' + '|'.join(names) + r')\s*\(')
    found = {}
    for where, text in files:
        for match in calls.finditer(text):
            helper = known.get((where, match.group(1))) or known.get((None, match.group(1)))
            if not helper:
                continue                # another file's static helper of that name
            call = statement_at(text, match.start())
            after = text[match.start() + len(call):match.start() + len(call) + 3]
            if after.lstrip().startswith('{'):
                continue                # its definition
            index, template = helper
            args = split_args(call)
            if index >= len(args):
                continue
            #  A literal, or literals in an expression (a ? b : "request.busy").
            for literal in re.findall(r'"([^"]*)"', args[index]):
                code = template.replace('%s', literal) if template else literal
                if not re.fullmatch(CODE, '"%s"' % code):
                    continue
                status = STATUS.search(call)
                if status:
                    status = status.group(1)
                else:
                    status = next((value for key, value in IMPLIED.items() if key in match.group(1)), "?")
                rest = [a for a in args[index + 1:]]
                strings = [' '.join(re.findall(r'"((?:[^"\\]|\\.)*)"', a)) for a in rest]
                field = strings[0] if strings else ''
                message = strings[-1] if len(strings) > 1 else ''
                found.setdefault(code, (status, where, field, message))
        for match in ASSIGN.finditer(text):
            found.setdefault(match.group(1), ("?", where, '', ''))
        for match in ROUTE_BUSY.finditer(text):
            found.setdefault(match.group(1), ("CONFLICT", where, '', ''))
    for where, text in raw:
        for match in MARKER.finditer(text):
            for code in re.findall(r'[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*', match.group(1)):
                found.setdefault(code, ("?", where, '', ''))
    return found


def documented():
    codes = {}
    for line in open(REFERENCE, encoding='utf-8'):
        match = re.match(r'\|\s*`([a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*)`\s*\|\s*`?([A-Z_]+|—)`?\s*\|', line)
        if match:
            codes[match.group(1)] = match.group(2)
    return codes


#  One code of each way a code is given, so that a change to the sources
#  that the extraction no longer understands fails here instead of
#  quietly shrinking the list: a helper's code parameter (s_refuse in
#  kp_server.c), a literal inside an expression (request.busy), a
#  template (groups.%s_conflict), a route's busy code, an assignment, a
#  comment naming run-time codes.
SENTINELS = ["request.framing", "request.busy", "groups.facilitator_conflict", "reporting.rebuild_running",
             "request.malformed", "groups.venue_conflict", "auth.forbidden"]


def main():
    found = extract()
    lost = [code for code in SENTINELS if code not in found]
    if lost:
        print("error_codes: the extraction no longer finds %s: fix scripts/error_codes.py" % ", ".join(lost))
        return 1
    if '--list' in sys.argv:
        for code in sorted(found):
            print("\t".join((code,) + tuple(found[code])))
        return 0
    listed = documented()
    missing = sorted(set(found) - set(listed))
    stale = sorted(set(listed) - set(found))
    for code in missing:
        print("error_codes: %s (%s, %s) is emitted but not in docs/errors.md" % (code, found[code][0], found[code][1]))
    for code in stale:
        print("error_codes: %s is in docs/errors.md but nothing emits it" % code)
    if missing or stale:
        return 1
    print("error_codes: %d codes, each emitted and documented in docs/errors.md" % len(found))
    return 0


if __name__ == '__main__':
    sys.exit(main())
