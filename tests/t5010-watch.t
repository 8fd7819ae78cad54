#!/bin/bash
# t5010-watch: watch, rwatch and awatch at the umdbg> prompt in a real
# terminal (tmux) on the real guest: jiffies_64 is written by the timer
# tick, so a write watchpoint stops in do_timer with the old and new
# values; `next` over the line that writes a variable says so too, and
# gdb's stepi over a write of a gdb watchpoint; bad input is refused with
# a reason; the four debug registers run out; delete frees one; gdb's
# monitor refuses watch (gdb has its own); and in a replay,
# reverse-continue goes back to the last write.  All of it twice: through
# the debug registers (where they trap) and emulated (tests/watch-mode.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 68

cls() { tm send-keys C-l; sleep 0.3; tm clear-history; }
# the "old value A (..), new value B (..)" line of the pane: "A B"
old_new() {
	sed -nE 's/^  old value 0x([0-9a-f]+) \([0-9]+\), new value 0x([0-9a-f]+) \([0-9]+\)$/\1 \2/p' \
		"$SCRATCH/pane" | tail -1
}

# start_kernel's line and the one that sets early_boot_irqs_disabled, from
# this kernel's source: `next` needs at most one step per line between.
guest_line sk init/main.c '^void start_kernel\(void\)'
guest_line ebi init/main.c 'early_boot_irqs_disabled = true;' "$sk"
nexts=$((ebi - sk + 2))

# The probe, as --version says it; and the switch that forces emulation.
"$UMDBG" --version >"$SCRATCH/version" 2>&1
like "$SCRATCH/version" '^watchpoints: (the debug registers \(they trap on this host\)|emulated by page protection \(the debug registers do not trap here: .+\))$' "--version says whether the debug registers trap here"
UMDBG_DEBUG_REGISTERS=off "$UMDBG" --version >"$SCRATCH/version" 2>&1
like "$SCRATCH/version" '^watchpoints: emulated by page protection \(UMDBG_DEBUG_REGISTERS=off\)$' "UMDBG_DEBUG_REGISTERS=off forces the emulation"

use_tmux

watch_tests() {
	if [ "$WATCH_PATH" = emulated ]; then UENV='UMDBG_DEBUG_REGISTERS=off '; else UENV=; fi
	cls
	tm send-keys "$UENV./umdbg --scenario halt --break start_kernel; echo \"status=\$?\"" Enter
	wait_for '^umdbg>' 60
	ok $? "stopped at start_kernel"

	# start_kernel sets early_boot_irqs_disabled a few lines down: `next`
	# steps its lines, and the step that writes it reports the watchpoint.
	cls
	tm send-keys "watch early_boot_irqs_disabled" Enter
	wait_for '^watchpoint 2: watch early_boot_irqs_disabled at 0x[0-9a-f]+, 1 byte, value 0x0$' 10
	ok $? "watch: a bool, 1 byte, false"
	cls
	for i in $(seq "$nexts"); do
		tm send-keys "next" Enter
		wait_for '^umdbg: watchpoint 2|^0x[0-9a-f]+ [^ ]+ at [^ ]+:[0-9]+$' 20 || break
		grep -q '^umdbg: watchpoint 2' "$SCRATCH/pane" && break
		cls
	done
	wait_for '^umdbg: watchpoint 2 \(watch early_boot_irqs_disabled\) hit' 5
	ok $? "next: the line that writes the variable stops with the watchpoint"
	# the report's lines are written one by one: its last is the place
	wait_for '^  at 0x' 5
	like "$SCRATCH/pane" '^  old value 0x0 \(0\), new value 0x1 \(1\)$' "old value 0, new value 1"
	like "$SCRATCH/pane" '^  at 0x[0-9a-f]+ start_kernel\+0x[0-9a-f]+ at init/main\.c:[0-9]+$' "in start_kernel"
	tm send-keys "delete 2" Enter

	cls
	tm send-keys "watch jiffies_64" Enter
	wait_for '^watchpoint 3: watch jiffies_64 at 0x[0-9a-f]+, 8 bytes, value 0x[0-9a-f]+$' 10
	ok $? "watch: a kernel variable, its size from the symbol table, its value"

	cls
	tm send-keys "watch nosuchvariable" Enter
	tm send-keys "watch *0x1001" Enter
	tm send-keys "watch __dso_handle" Enter
	tm send-keys "watch init_task.nosuch" Enter
	tm send-keys "watch jiffies_64 3" Enter
	tm send-keys "watch init_task 4" Enter
	wait_for "^watchpoint 4: watch init_task at 0x[0-9a-f]+, 4 bytes" 10
	got=$?
	like "$SCRATCH/pane" "^watch: no variable 'nosuchvariable' in '.*linux' or its loaded modules$" "watch: an unknown variable is said so"
	like "$SCRATCH/pane" "^watch: 0x1001 is not aligned to 8 bytes, as the debug registers need" "watch: an unaligned address is refused"
	like "$SCRATCH/pane" "^watch: neither the symbol table nor the debug info says how big '__dso_handle' is: give LEN" "watch: a symbol of unknown size (crtbegin's, no debug info) asks for LEN"
	like "$SCRATCH/pane" "^watch: no member 'nosuch' in 'struct task_struct'$" "watch: a bad expression says why"
	like "$SCRATCH/pane" "^watch: LEN is 1, 2, 4 or 8, not '3'$" "watch: a bad LEN is refused"
	ok $got "watch SYMBOL LEN: a big variable, its first 4 bytes"

	cls
	tm send-keys "awatch init_task.pid" Enter
	tm send-keys "rwatch *0x60000000" Enter
	tm send-keys "rwatch *0x60000008" Enter
	wait_for '^rwatch: all four watchpoints are in use' 10
	got=$?
	like "$SCRATCH/pane" '^watchpoint 5: awatch init_task\.pid at 0x[0-9a-f]+, 4 bytes, value 0x0$' "awatch EXPR: a member, its type's size, its value (pid 0)"
	ok $got "a fifth watchpoint: all four are in use"
	tm send-keys "break" Enter
	wait_for '^6 +rwatch \*0x60000000 +hits 0  at 0x60000000, 8 bytes$' 10
	ok $? "break lists the watchpoints with their hits"
	tm send-keys "delete 4" Enter
	tm send-keys "delete 5" Enter
	tm send-keys "delete 6" Enter
	cls
	tm send-keys "break" Enter
	wait_for '^3 +watch jiffies_64 +hits 0' 10
	unlike "$SCRATCH/pane" '^[2456] +[ar]?watch' "delete frees them"

	cls
	tm send-keys "continue" Enter
	wait_for '^umdbg: watchpoint 3 \(watch jiffies_64\) hit in thread [0-9]+$' 60
	ok $? "continue: the watchpoint stops the guest"
	wait_for 'Kernel log' 10
	set -- $(old_new)
	[ -n "${2:-}" ] && [ $((0x$2)) -eq $((0x$1 + 1)) ]
	ok $? "old and new value: the tick added one (${1:-?} -> ${2:-?})"
	like "$SCRATCH/pane" '^  at 0x[0-9a-f]+ do_timer\+0x[0-9a-f]+ at kernel/time/timekeeping\.c:[0-9]+$' "at the writer, do_timer"
	wait_for 'Kernel log' 10

	# rwatch and awatch of the same bytes take two debug registers of the
	# same kind; deleting the second leaves the first one working.
	cls
	tm send-keys "delete 3" Enter
	tm send-keys "rwatch jiffies_64" Enter
	tm send-keys "awatch jiffies_64" Enter
	tm send-keys "delete 8" Enter
	tm send-keys "continue" Enter
	wait_for '^umdbg: (watchpoint|hardware point).* hit' 60 && wait_for '^  at 0x' 5
	like "$SCRATCH/pane" '^umdbg: watchpoint 7 \(rwatch jiffies_64\) hit' "rwatch: a read stops the guest (after an awatch of the same bytes came and went)"
	like "$SCRATCH/pane" '^  value 0x[0-9a-f]+ \([0-9]+\)$' "rwatch: the value read"
	tm send-keys "quit" Enter
	wait_for '^status=0' 20
	ok $? "quit"

	gdb_at_stop --break panic --scenario panic -- -ex 'monitor watch jiffies_64' -ex kill
	like "$SCRATCH/out" "^watch: use gdb's own command for that" "monitor watch is refused"

	# gdb's own watchpoint, set off by one of gdb's stepi: the stub reports
	# it (the step's trap says so in DR6), and gdb shows the values.
	gdb_at_stop --break start_kernel --scenario halt -- \
		-ex 'watch early_boot_irqs_disabled' -ex 'stepi 20000' -ex kill \
		"$TOP/guest/linux"
	like "$SCRATCH/out" '^Thread [0-9]+ hit Hardware watchpoint 1: early_boot_irqs_disabled$' "gdb: stepi over the write reports gdb's watchpoint"
	like "$SCRATCH/out" '^New value = true$' "with the new value"

	# --watch from the command line, without a terminal: the stop report
	# names the watchpoint and the writer, then umdbg ends the guest (2).
	timeout -k 5 120 "$UMDBG" --scenario halt --watch jiffies_64 </dev/null >"$SCRATCH/cli" 2>&1
	is "$?" 2 "--watch: stopped without a terminal (exit 2)"
	like "$SCRATCH/cli" '^umdbg: watchpoint 1 \(watch jiffies_64\) hit in thread [0-9]+$' "--watch: the stop names the watchpoint"
	like "$SCRATCH/cli" '^  at 0x[0-9a-f]+ do_timer\+0x[0-9a-f]+ at kernel/time/timekeeping\.c:[0-9]+$' "--watch: at the writer"
	timeout -k 5 60 "$UMDBG" --scenario halt --watch nosuchvariable </dev/null >"$SCRATCH/cli" 2>&1
	is "$?" 1 "--watch with an unknown variable: exit 1"
	is "$(cat "$SCRATCH/cli")" "umdbg: --watch: no variable 'nosuchvariable' in '$TOP/guest/linux' or its loaded modules" "--watch: one line saying why, before the kernel starts"

	# A replay: forward to a write, then reverse-continue back to the one
	# before it.
	timeout -k 5 120 "$UMDBG" --record "$SCRATCH/halt.trace" --scenario halt \
		</dev/null >"$SCRATCH/rec" 2>&1
	cls
	tm send-keys "clear; $UENV./umdbg replay $SCRATCH/halt.trace --break start_kernel; echo \"status=\$?\"" Enter
	wait_for '^umdbg>' 60
	tm send-keys "watch jiffies_64" Enter
	tm send-keys "continue" Enter
	wait_for '^umdbg: watchpoint 2 \(watch jiffies_64\) hit' 60
	cls
	tm send-keys "continue" Enter
	wait_for '^umdbg: watchpoint 2 \(watch jiffies_64\) hit' 60
	cls
	tm send-keys "rc" Enter
	wait_for '^rc: watchpoint 2 \(watch jiffies_64\), value 0x[0-9a-f]+' 60
	ok $? "replay: rc goes back to the previous write of the watched variable"
	tm send-keys "quit" Enter
	wait_for '^status=0' 20

	# "Who wrote this?" asked afterwards: 400 instructions into
	# init_vmlinux_build_id (it fills vmlinux_build_id on the way; the
	# watch below says the value is set), then watch it and go back: rc
	# finds the step that wrote it, among the steps after the breakpoint
	# that names the moment, under init_vmlinux_build_id.
	cls
	tm send-keys "clear; $UENV./umdbg replay $SCRATCH/halt.trace --break start_kernel; echo \"status=\$?\"" Enter
	wait_for '^umdbg>' 60
	tm send-keys "break init_vmlinux_build_id" Enter
	tm send-keys "continue" Enter
	wait_for '^umdbg: breakpoint 2 \(init_vmlinux_build_id\) hit' 30
	tm send-keys "delete 2" Enter
	tm send-keys "stepi 400" Enter
	wait_for '^0x[0-9a-f]+ [^ ]+ at [^ ]+:[0-9]+$' 30
	cls
	tm send-keys "watch vmlinux_build_id" Enter
	wait_for '^watchpoint 3: .* value 0x[1-9a-f][0-9a-f]*$' 10
	tm send-keys "rc" Enter
	wait_for '^rc: event' 60
	tm send-keys "bt" Enter
	wait_for '^  #[0-9]+ .* init_vmlinux_build_id' 10
	like "$SCRATCH/pane" '^rc: watchpoint 3 \(watch vmlinux_build_id\), value 0x[1-9a-f][0-9a-f]* \([0-9]+\)$' "replay: watch set afterwards, rc goes back to the write"
	like "$SCRATCH/pane" '^  #[0-9]+ .* init_vmlinux_build_id' "the writer runs under init_vmlinux_build_id"
	tm send-keys "quit" Enter
	wait_for '^status=0' 20
}

watch_both watch_tests 33
done_testing
