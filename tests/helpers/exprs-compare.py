#!/usr/bin/env python3
"""exprs-compare.py EXPRS JSON GDB N: t5013's comparison, as TAP lines
numbered from N+1, one per line of EXPRS ("CMD EXPR").

JSON is umdbg's --batch --json output (its value rows, in the order of
the commands); GDB is gdb's output, where "==gdb I" precedes gdb's own
answer to command I and "==monitor I" the answer of `monitor CMD EXPR`.
A line passes when

  - the monitor's text is the row as the prompt renders it
    ("EXPR = VALUE"), and
  - gdb's value, normalized, is the row's value.

The normalizations, all about gdb's way of printing char arrays in full:
gdb prints the NULs after a string ("swapper\\000\\000", "init", '\\000'
<repeats 11 times>) where umdbg stops at the first NUL.  For x/s, gdb's
"ADDR <sym+off>:\\tSTRING" is compared with the row's expr and value.
"""
import json
import re
import sys


def gdb_normal(v):
    v = re.sub(r'(\\000)+"', '"', v)
    v = re.sub(r"\", '\\000' <repeats \d+ times>", '"', v)
    v = re.sub(r"'\\000' <repeats \d+ times>", '""', v)
    return v


def main():
    exprs = []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                cmd, expr = line.rstrip('\n').split(' ', 1)
                # umdbg's depth (-d N) is not part of the expression
                exprs.append((cmd, re.sub(r'^-d \d+ ', '', expr)))
    rows = []
    with open(sys.argv[2], errors='replace') as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict) and r.get('kind') == 'value':
                rows.append(r)
    sec, cur = {}, None
    with open(sys.argv[3], errors='replace') as f:
        for line in f.read().split('\n'):
            m = re.match(r'^==(gdb|monitor) (\d+)$', line)
            if m:
                cur = (m.group(1), int(m.group(2)))
                sec[cur] = []
            elif line == '==end':
                cur = None
            elif cur:
                sec[cur].append(line)
    n = int(sys.argv[4])
    for i, (cmd, expr) in enumerate(exprs, 1):
        n += 1
        why = []
        row = rows[i - 1] if i - 1 < len(rows) else None
        gdb = '\n'.join(sec.get(('gdb', i), [])).strip('\n')
        mon = '\n'.join(sec.get(('monitor', i), [])).strip('\n')
        if row is None:
            why.append('umdbg printed no value row')
            ours = None
        elif cmd == 'x/s':
            ours = '%s:\t%s' % (row['expr'], row['value'])
        else:
            ours = row['value']
            if row['expr'] != expr:
                why.append('the row is of %r' % row['expr'])
        if row is not None:
            text = '%s = %s' % (row['expr'], row['value'])
            if mon != text:
                why.append('monitor printed %r, the prompt %r' % (mon, text))
        if cmd != 'x/s':
            gdb = re.sub(r'^\$\d+ = ', '', gdb)
        theirs = gdb_normal(gdb)
        if ours is not None and ours != theirs:
            why.append('gdb printed %r (normalized %r), umdbg %r' %
                       (gdb, theirs, ours))
        shown = (ours or '').split('\n')[0].replace('#', '')[:50]
        print('%s %d - %s %s: %s' % ('not ok' if why else 'ok', n, cmd,
                                       expr.replace('#', ''), shown))
        for w in why:
            print('# ' + w.replace('\n', '\n# '))


if __name__ == '__main__':
    main()
