#!/bin/bash
# t5014-module-source: source-level debugging in a loaded module, from
# the .ko's DWARF placed where the loader put each section (.init.text
# included): the oops report names umdbg_oops.c:LINE for the module's
# frames, the file named is there to read, list shows the line, next
# moves by a line in the module, FILE:LINE breakpoints resolve in the
# module's source; gdb gets the module's symbols from the stub (with
# scripts/gdb/umdbg.py, no lx-symbols) and agrees.  Lines come from
# samples/oops/umdbg_oops.c, not from literals.
. "$(dirname "$0")/lib.sh"
need_guest
plan 24

src=$TOP/samples/oops/umdbg_oops.c
guest_line_of() { grep -n -- "$1" "$src" | head -1 | cut -d: -f1; }
deref_fn=$(guest_line_of '^noinline int umdbg_oops_deref')
deref_ret=$(guest_line_of 'return v->magic;')
init_call=$(guest_line_of 'return umdbg_oops_deref(v)')

# The oops without a breakpoint: both module frames with file:line.
run_umdbg "$SCRATCH/oops" --scenario oops
is "$rc" 3 "the oops scenario faults (exit status 3)"
like "$SCRATCH/oops" "^  #0  0x[0-9a-f]+ umdbg_oops_deref\\+0x[0-9a-f]+ at /[^ ]*/oops/umdbg_oops\\.c:$deref_ret \\[umdbg_oops\\]\$" "frame 0: umdbg_oops_deref at umdbg_oops.c:$deref_ret, the line that reads victim->magic"
like "$SCRATCH/oops" "^  #1  0x[0-9a-f]+ umdbg_oops_init\\+0x[0-9a-f]+ at /[^ ]*/oops/umdbg_oops\\.c:$init_call \\[umdbg_oops\\]\$" "frame 1: the init function (.init.text) at umdbg_oops.c:$init_call"
file=$(sed -nE 's/^  #0  .* at (\/[^ ]*umdbg_oops\.c):[0-9]+ .*/\1/p' "$SCRATCH/oops")
[ -n "$file" ] && cmp -s "$file" "$src"
ok $? "the source file the module's DWARF names is there, and is samples/oops' ($file)"

# At the breakpoint: list, next, a FILE:LINE breakpoint in the module;
# --json rows carry the lines.
timeout -k 5 120 "$UMDBG" --scenario oops --break umdbg_oops:umdbg_oops_deref \
	--batch --json -ex 'list' -ex 'next' -ex 'list' \
	-ex "break umdbg_oops.c:$deref_ret" -ex 'break' -ex 'bt' \
	</dev/null >"$SCRATCH/json" 2>"$SCRATCH/err"
is "$?" 2 "--batch: list, next, list, break FILE:LINE, bt (exit status 2)"
python3 - "$SCRATCH/json" >"$SCRATCH/facts" <<'PY'
import json, sys
lists, bps, frames = [], [], []
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    k = r.get("kind")
    if k == "src":
        if r.get("line") is not None and r.get("current"):
            lists.append(r["line"])
    elif k == "breakpoint":
        bps.append(r)
    elif k == "frame" and r.get("num") == 0 and r.get("func") == "umdbg_oops_deref":
        frames.append(r["pc"])
print("first", lists[0] if lists else "")
print("second", lists[1] if len(lists) > 1 else "")
b = [x for x in bps if x.get("spec", "").startswith("umdbg_oops.c:")]
print("bp", b[0]["addrs"] if b else "")
print("fault", frames[-1] if frames else "")
PY
first=$(sed -n 's/^first //p' "$SCRATCH/facts")
second=$(sed -n 's/^second //p' "$SCRATCH/facts")
bp=$(sed -n 's/^bp //p' "$SCRATCH/facts")
fault=$(sed -n 's/^fault //p' "$SCRATCH/facts")
[ -n "$first" ] && [ "$first" -gt "$deref_fn" ] && [ "$first" -lt "$deref_ret" ]
ok $? "list at the breakpoint: a line of umdbg_oops_deref's body ($first)"
is "$second" "$deref_ret" "next: to the next line in the module, $deref_ret"
[ -n "$bp" ] && [ -n "$fault" ] && [ $((bp)) -eq $((fault)) ]
ok $? "break umdbg_oops.c:$deref_ret: where next stopped on that line ($bp, $fault)"
like "$SCRATCH/json" '"kind":"frame","num":1,"pc":"0x[0-9a-f]+","inlined":false,"func":"umdbg_oops_init"' "bt: the init function's frame"

# gdb, with scripts/gdb/umdbg.py and no lx-symbols: from the start of the
# boot (no module yet) it continues to the oops, and the stop places the
# module's symbols by itself (qXfer:libraries from the stub).
gdb_at_stop --wait --scenario oops -- -ex "source $TOP/scripts/gdb/umdbg.py" \
	-ex continue -ex bt -ex 'p crash' -ex kill "$TOP/guest/linux"
like "$SCRATCH/out" "^umdbg: module symbols from $TOP/guest/modules/umdbg_oops\.ko \(\.text at 0x[0-9a-f]+\)\$" "gdb: the stop placed the module's symbols"
like "$SCRATCH/out" "^#0  umdbg_oops_deref \(v=[^)]*\) at /[^ ]*/oops/umdbg_oops\.c:$deref_ret\$" "gdb: frame 0 at umdbg_oops.c:$deref_ret, as umdbg says"
like "$SCRATCH/out" "^#1  0x[0-9a-f]+ in umdbg_oops_init \(\) at /[^ ]*/oops/umdbg_oops\.c:$init_call\$" "gdb: frame 1, the init code (.init.text), at umdbg_oops.c:$init_call"
like "$SCRATCH/out" "^#2  0x[0-9a-f]+ in do_one_initcall " "gdb: and on into the kernel"
like "$SCRATCH/out" '^\$1 = true$' "gdb: the module's variable, typed"
like "$SCRATCH/out" '^#[0-9]+ +0x[0-9a-f]+ in fork_handler \(\) at ' "gdb: the backtrace goes on to where the task's thread starts"
unlike "$SCRATCH/out" 'Backtrace stopped|^#[0-9]+ .* in \?\? \(\)' "gdb: and ends there (umdbg.py's frame filter), not in a frame at 0x0"
grep -A1 "^#0  umdbg_oops_deref " "$SCRATCH/out" | grep -q "^$deref_ret[[:space:]]"
ok $? "gdb: the stop is shown again, with its source line, once the module is known"

# In a replay, a FILE:LINE breakpoint in the module set once it is
# loaded stops there.
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/oops.trace" --scenario oops \
	</dev/null >/dev/null 2>&1
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/oops.trace" --break umdbg_oops:umdbg_oops_init \
	--batch -ex "break umdbg_oops.c:$deref_ret" -ex continue -ex 'sym $rip' \
	-ex 'watch crash' -ex 'watch umdbg_oops_deref' \
	</dev/null >"$SCRATCH/replay" 2>&1
like "$SCRATCH/replay" "^umdbg: breakpoint 2 \\(umdbg_oops\\.c:$deref_ret\\) hit in thread [0-9]+\$" "replay: the module's FILE:LINE breakpoint stops the guest"
like "$SCRATCH/replay" "^0x[0-9a-f]+ umdbg_oops_deref\\+0x[0-9a-f]+ at /[^ ]*/oops/umdbg_oops\\.c:$deref_ret \\[umdbg_oops\\]\$" "sym \$rip: there, in the module's source"
like "$SCRATCH/replay" "^watchpoint 3: watch crash at 0x[0-9a-f]+, 1 byte, value 0x1\$" "watch: a module's variable, at its type's size (bool), with its value (crash=1)"
like "$SCRATCH/replay" "^watch: 'umdbg_oops_deref' is a function, not a variable\$" "watch: a module's function is refused"
# A module's FILE:LINE before the module exists: pending (the .ko in
# guest/modules has that line), resolved as the module loads.
timeout -k 5 120 "$UMDBG" --scenario oops --break "umdbg_oops.c:$deref_ret" \
	</dev/null >"$SCRATCH/early" 2>&1
like "$SCRATCH/early" "^umdbg: breakpoint 1 \\(umdbg_oops\\.c:$deref_ret\\) resolved at 0x[0-9a-f]+ as module 'umdbg_oops' loads\$" "a module's FILE:LINE before the module loads: pending, resolved as it loads"
like "$SCRATCH/early" "^umdbg: breakpoint 1 \\(umdbg_oops\\.c:$deref_ret\\) hit in thread [0-9]+\$" "and it stops there"
timeout -k 5 60 "$UMDBG" --scenario halt --break no_such_file.c:10 </dev/null >"$SCRATCH/nofile" 2>&1
like "$SCRATCH/nofile" "^umdbg: no code at 'no_such_file\\.c:10' in '.*linux' or its loaded modules" "a FILE:LINE in no source of the kernel or its modules: an error"
done_testing
