#!/bin/bash
# t5001-boot: the real guest under umdbg - halt, the panic breakpoint
# report, a panic without breakpoint, the oops module (pending
# MODULE:SYMBOL breakpoint and the unbroken oops), a FILE:LINE breakpoint;
# the shell scenario fed by a file or a pipe ends at the input's end.
. "$(dirname "$0")/lib.sh"
need_guest
plan 38

run_umdbg "$SCRATCH/halt" --scenario halt
is "$rc" 0 "halt: exit status 0"
like "$SCRATCH/halt" '^umdbg-guest: hello from the guest' "halt: console shows the banner"
like "$SCRATCH/halt" '^umdbg: guest powered off' "halt: umdbg says the guest powered off"

# The shell scenario without a terminal: the input's lines are commands,
# its end powers the guest off (no prompt waiting for a terminal).
run_umdbg "$SCRATCH/shell-eof" --scenario shell
is "$rc" 0 "shell with </dev/null: ends at EOF (exit status 0)"
like "$SCRATCH/shell-eof" '^umdbg: guest powered off' "shell with </dev/null: the guest powered off"
printf 'echo sum=$((6 * 7))\ncat /proc/sys/kernel/osrelease\n' |
	timeout -k 5 120 "$UMDBG" --scenario shell >"$SCRATCH/shell-pipe" 2>&1
is "$?" 0 "shell with piped commands: exit status 0"
like "$SCRATCH/shell-pipe" '^sum=42' "shell with piped commands: they ran"
like "$SCRATCH/shell-pipe" '^6\.12\.[0-9]+' "shell with piped commands: the second one too"

start=$(date +%s)
run_umdbg "$SCRATCH/panic" --break panic --scenario panic
elapsed=$(( $(date +%s) - start ))
is "$rc" 2 "panic breakpoint without a terminal: exit status 2"
like "$SCRATCH/panic" '^umdbg: breakpoint 1 \(panic\) hit in thread [0-9]+' "report says which breakpoint hit"
like "$SCRATCH/panic" '^  #0  0x[0-9a-f]+ panic at kernel/panic\.c:[0-9]+$' "backtrace frame 0 is panic with file:line"
like "$SCRATCH/panic" '^  #1  0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+ at drivers/tty/sysrq\.c:[0-9]+$' "frame 1 is sysrq_handle_crash with file:line"
# What the compiler inlined is this build's decision: every frame with a
# pc must show the inlined calls addr2line -i finds at it (a return
# address looked up a byte back, in its call), innermost first.
sed -nE 's/^  #([0-9]+) +(0x[0-9a-f]+|\(inlined\)) +([A-Za-z0-9_.]+).*/\1 \2 \3/p' \
	"$SCRATCH/panic" >"$SCRATCH/frames"
inl=0 bad=0 ours=
while read -r n pc fn; do
	ours="$ours $fn"
	[ "$pc" = "(inlined)" ] && { inl=$((inl + 1)); continue; }
	[ "$n" = 0 ] || pc=$(printf '0x%x' $((pc - 1)))
	want=$(addr2line -f -i -e "$TOP/guest/linux" "$pc" | sed -n 'p;n' | tr '\n' ' ')
	[ "$ours" = " ${want% }" ] ||
		{ bad=$((bad + 1)); diag "at $pc: umdbg shows$ours, addr2line -i ${want% }"; }
	ours=
done <"$SCRATCH/frames"
ok $([ "$inl" -gt 0 ] && [ "$bad" = 0 ] && echo 0 || echo 1) \
	"inlined frames are shown ($inl), as the debug info has them"
like "$SCRATCH/panic" 'new_thread_handler\+0x[0-9a-f]+ at arch/um/kernel/process\.c' "backtrace reaches new_thread_handler"
like "$SCRATCH/panic" ' rip +0x00000000[0-9a-f]+ +eflags' "registers are printed"
like "$SCRATCH/panic" '^Kernel log \(last 10 lines\):' "kernel log section"
like "$SCRATCH/panic" '^  \[ *[0-9]+\.[0-9]+\] sysrq: Trigger a crash' "kernel log has the sysrq line, read from the ring buffer"
ok $([ "$elapsed" -lt 60 ] && echo 0 || echo 1) "panic report within a minute (${elapsed}s)"

run_umdbg "$SCRATCH/panic2" --scenario panic
is "$rc" 3 "panic without a breakpoint: exit status 3"
like "$SCRATCH/panic2" 'Kernel panic - not syncing: sysrq triggered crash' "the panic reason is reported"
like "$SCRATCH/panic2" 'umdbg: guest kernel panicked' "a clear panic message"

run_umdbg "$SCRATCH/oops" --break umdbg_oops:umdbg_oops_deref --scenario oops
is "$rc" 2 "oops with a module breakpoint: stopped (exit 2)"
like "$SCRATCH/oops" "breakpoint 1 \(umdbg_oops:umdbg_oops_deref\) resolved at 0x[0-9a-f]+ as module 'umdbg_oops' loads" "pending breakpoint resolved at module load"
like "$SCRATCH/oops" '^  #0  0x[0-9a-f]+ umdbg_oops_deref at /[^ ]*umdbg_oops\.c:[0-9]+ \[umdbg_oops\]' "stops in the module function, with its source line"
like "$SCRATCH/oops" '^  #1  0x[0-9a-f]+ umdbg_oops_init\+0x[0-9a-f]+ at /[^ ]*umdbg_oops\.c:[0-9]+ \[umdbg_oops\]' "its caller, the module's init"
like "$SCRATCH/oops" 'do_init_module\+0x[0-9a-f]+ at kernel/module/main\.c' "then the kernel's module loader"

run_umdbg "$SCRATCH/oops3" --break umdbg_oops_deref --scenario oops
is "$rc" 2 "a plain --break of a module function: stopped"
like "$SCRATCH/oops3" "breakpoint 1 \(umdbg_oops_deref\) resolved at 0x[0-9a-f]+ as module 'umdbg_oops' loads" "found in guest/modules, pending until the module loads"
like "$SCRATCH/oops3" '^  #0  0x[0-9a-f]+ umdbg_oops_deref at /[^ ]*umdbg_oops\.c:[0-9]+ \[umdbg_oops\]$' "then hits in the module"

run_umdbg "$SCRATCH/oops2" --scenario oops
is "$rc" 3 "oops without a breakpoint: a kernel fault (exit 3)"
like "$SCRATCH/oops2" '^umdbg: guest kernel fault: SIGSEGV at address 0x0 in thread [0-9]+' "the fault itself is reported, with its address"
like "$SCRATCH/oops2" '^  #0  0x[0-9a-f]+ umdbg_oops_deref\+0x[0-9a-f]+ at /[^ ]*umdbg_oops\.c:[0-9]+ \[umdbg_oops\]$' "stopped at the faulting instruction in the module"

# the line of sysrq_handle_crash's panic(), in this kernel's source
guest_line crash drivers/tty/sysrq.c 'panic\("sysrq triggered crash'
run_umdbg "$SCRATCH/line" --break "drivers/tty/sysrq.c:$crash" --scenario panic
is "$rc" 2 "FILE:LINE breakpoint: stopped"
like "$SCRATCH/line" "^  #0  0x[0-9a-f]+ sysrq_handle_crash\\+0x[0-9a-f]+ at drivers/tty/sysrq\\.c:$crash\$" "stops at drivers/tty/sysrq.c:$crash"
like "$SCRATCH/line" "breakpoint 1 \\(drivers/tty/sysrq\\.c:$crash\\) hit" "report names the FILE:LINE breakpoint"
# README's samples are made again from this build: the report and the
# TUI picture name the line this run's report names.
at=$(sed -nE 's/^  #0  0x[0-9a-f]+ panic at (kernel\/panic\.c:[0-9]+)$/\1/p' "$SCRATCH/panic")
TMPDIR=$SCRATCH "$TOP/scripts/readme-samples" --out "$SCRATCH/README.md" >"$SCRATCH/samples" 2>&1
is "$?" 0 "scripts/readme-samples runs"
grep -q "^  #0  0x[0-9a-f]* panic at $at\$" "$SCRATCH/README.md" &&
	grep -q "^ source: $at " "$SCRATCH/README.md"
ok $? "its sample report and TUI picture are at $at, as this build stops"
diff <(grep -v -e '-- sample-report' -e '-- tui-picture' "$SCRATCH/README.md" | sed -n '1,20p') \
	<(sed -n '1,20p' "$TOP/README.md") >/dev/null
ok $? "the rest of the README is left as it is"
done_testing
