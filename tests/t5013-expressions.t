#!/bin/bash
# t5013-expressions: C expressions printed three ways must agree: umdbg's
# own commands (--batch --json: the prompt's command table, as typed
# rows), gdb's `monitor p` (the same commands, as the prompt's text) and
# gdb's own `print` and `x/s` over the stub.  At the panic stop and at
# the oops stop (in the module function), each in a replay of one
# recording, so all three see the same guest.  Values are compared after
# a few normalizations (exprs-compare.py says which: umdbg stops char
# arrays at their NUL, gdb writes $current as cpu_tasks[0].task).
. "$(dirname "$0")/lib.sh"
need_guest

# "CMD EXPR" lines: members, nested members, arrays, casts, dereferences,
# registers, jiffies (typed from its declaration), init_task.comm,
# sym+off, $current, enumerators, output formats, x/s, and at the oops
# stop the module's own variables, functions and types (from its .ko).
cat >"$SCRATCH/panic.exprs" <<'EOF'
p init_task.pid
p init_task.comm
p init_task.comm[0]
p init_task.prio
p init_task.flags
p/x init_task.flags
p init_task.tasks.next
p init_task.mm
p jiffies
p jiffies_64
p/x jiffies
p $rip
p $pc
p $rsp
p $rdi
p *(char *)$rdi
p (char *)$rdi
p $current->pid
p $current->comm
p $current->parent->pid
p $current->real_parent->comm
p/x $current
p init_uts_ns.name.sysname
p init_uts_ns.name.release[0]
p &init_task
p &init_task.comm
p &init_task.comm[3]
p *&init_task.pid
p sizeof(struct task_struct)
p sizeof init_task.comm
p (unsigned char)init_task.comm[1]
p (long)init_task.prio - 100
p init_task.prio * 2 + 1
p init_task.prio > 100 && init_task.pid == 0
p init_task.prio / 7
p init_task.prio % 7
p init_task.prio << 3
p -init_task.prio
p ~init_task.pid
p !init_task.pid
p init_task.pid ? 1 : 2
p ((struct task_struct *)&init_task)->pid
p (*(struct task_struct *)&init_task).comm
p/x (unsigned long)&init_task + 8
p panic
p &ksys_write
p/x ksys_write+0x60
p/d init_task.prio
p/o init_task.prio
p/t init_task.prio
p/c init_task.comm[0]
p/x init_task.comm
p system_state
p/d system_state
p init_task.se.load.weight
p init_task.thread.switch_buf
p init_task.stack
p cpu_tasks[0]
p *(struct list_head *)&init_task.tasks
p init_uts_ns.name
x/s init_task.comm
x/s $rdi
EOF
cat >"$SCRATCH/oops.exprs" <<'EOF'
p $rdi
p/x $rip
p $rsp
p $current->pid
p $current->comm
p $current->real_parent->comm
p $current->mm->map_count
p/x $current->flags
p jiffies
p init_task.comm
p -d 15 *$current->real_parent->real_parent
p $current->thread.switch_buf[0].__rip
x/s $current->comm
p crash
p/x &crash
p/d crash
p umdbg_oops_deref
p &umdbg_oops_init
p/x umdbg_oops_deref+4
p sizeof(struct umdbg_oops_victim)
p *(struct umdbg_oops_victim *)&init_task
p/x ((struct umdbg_oops_victim *)&init_task)->magic
EOF
n_panic=$(wc -l <"$SCRATCH/panic.exprs")
n_oops=$(wc -l <"$SCRATCH/oops.exprs")
plan $((n_panic + n_oops + 10))
[ "$n_panic" -ge 40 ]
ok $? "at least 40 expressions at the panic stop ($n_panic)"

# compare NAME TRACE BREAK EXPRS: the three ways, one check per line.
compare() {
	local name=$1 trace=$2 brk=$3 exprs=$4 bargs=() gargs=() cmd expr gexpr i=0
	# gdb takes the modules' symbols from the stub through umdbg.py
	gargs=(-ex 'set width 0' -ex 'set print pretty on'
		-ex "source $TOP/scripts/gdb/umdbg.py" -ex umdbg-modules)
	while read -r cmd expr; do
		i=$((i + 1))
		bargs+=(-ex "$cmd $expr")
		gexpr=${expr#-d [0-9]* }	# umdbg's depth; gdb prints all
		gexpr=${gexpr//\$current/((struct task_struct *)cpu_tasks[0].task)}
		gargs+=(-ex "echo ==gdb $i\\n" -ex "$cmd $gexpr"
			-ex "echo ==monitor $i\\n" -ex "monitor $cmd $expr")
	done <"$exprs"
	gargs+=(-ex "echo ==end\\n" -ex kill "$TOP/guest/linux")
	timeout -k 5 120 "$UMDBG" replay "$trace" --break "$brk" --batch --json \
		"${bargs[@]}" </dev/null >"$SCRATCH/$name.json" 2>"$SCRATCH/$name.err"
	is "$?" 2 "$name: every expression evaluated by umdbg (--batch ran them all)"
	gdb_at_stop replay "$trace" --break "$brk" -- "${gargs[@]}"
	cp "$SCRATCH/out" "$SCRATCH/$name.gdb"
	like "$SCRATCH/$name.gdb" '^==end$' "$name: gdb ran them all"
	python3 "$TOP/tests/helpers/exprs-compare.py" "$exprs" \
		"$SCRATCH/$name.json" "$SCRATCH/$name.gdb" "$_tap_n" \
		>"$SCRATCH/$name.tap"
	cat "$SCRATCH/$name.tap"
	_tap_n=$((_tap_n + $(wc -l <"$exprs")))
	_tap_fail=$((_tap_fail + $(grep -c '^not ok' "$SCRATCH/$name.tap")))
}

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >/dev/null 2>&1
is "$?" 3 "recorded the panic scenario"
compare panic "$SCRATCH/panic.trace" panic "$SCRATCH/panic.exprs"

# bt names a caller's frame by its return address - 1, as gdb does; sym
# of that return address agrees, or (the call ends the function, as a
# call of panic may) says which function a backtrace names.
"$UMDBG" replay "$SCRATCH/panic.trace" --break panic --batch --json -ex bt \
	</dev/null 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("kind") == "frame" and r.get("num") == 1:
        print(r["pc"], r["func"], r["offset"])
        break' >"$SCRATCH/frame1"
read -r pc func off <"$SCRATCH/frame1"
"$UMDBG" replay "$SCRATCH/panic.trace" --break panic --batch -ex "sym $pc" \
	</dev/null >"$SCRATCH/sym" 2>&1
if grep -Eq "^$(printf '0x%x' "$pc") $func\+" "$SCRATCH/sym"; then
	ok 0 "sym of frame 1's return address: $func, as bt says"
else
	like "$SCRATCH/sym" "^  \(as a return address: the call at the end of $func, which a backtrace shows as $func\+$off\)$" "sym of frame 1's return address ($pc): the next function, and the caller bt names ($func+$off)"
fi

# frame N selects a frame: expressions' registers are the unwinder's for
# it, as `regs -f N` shows them and as gdb's own `frame 1` has them.
"$UMDBG" replay "$SCRATCH/panic.trace" --break panic --batch --json \
	-ex 'frame 1' -ex 'p/x $pc' -ex 'p/x $sp' -ex 'p/x $rbp' -ex 'regs -f 1' \
	</dev/null 2>/dev/null | python3 -c '
import json, sys
vals, regs, frame = [], {}, None
for line in sys.stdin:
    r = json.loads(line)
    if r.get("kind") == "value":
        vals.append(int(r["value"], 16))
    elif r.get("kind") == "reg" and r.get("value") is not None:
        regs[r["name"]] = int(r["value"], 16)
    elif r.get("kind") == "frame" and r.get("num") == 1:
        frame = int(r["pc"], 16)
ok = len(vals) == 3 and frame is not None and vals[0] == frame and \
     vals[1] == regs.get("rsp") and vals[2] == regs.get("rbp")
print("%s %x %x %x" % ("yes" if ok else "no", *(vals + [0, 0, 0])[:3]))' >"$SCRATCH/frame1"
read -r good f1pc f1sp f1bp <"$SCRATCH/frame1"
is "$good" yes "frame 1: \$pc, \$sp, \$rbp are frame 1's (its pc in bt, its rsp and rbp in regs -f 1)"
gdb_at_stop replay "$SCRATCH/panic.trace" --break panic -- -ex 'frame 1' \
	-ex 'p/x $pc' -ex 'p/x $sp' -ex 'p/x $rbp' -ex kill "$TOP/guest/linux"
grep -E '^\$[0-9]+ = 0x[0-9a-f]+$' "$SCRATCH/out" | sed 's/.* = 0x//' | tr '\n' ' ' >"$SCRATCH/gdbframe1"
is "$(cat "$SCRATCH/gdbframe1")" "$f1pc $f1sp $f1bp " "and gdb's frame 1 has the same (pc, sp, rbp)"

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/oops.trace" --scenario oops \
	</dev/null >/dev/null 2>&1
is "$?" 3 "recorded the oops scenario"
compare oops "$SCRATCH/oops.trace" umdbg_oops:umdbg_oops_deref "$SCRATCH/oops.exprs"
done_testing
