#!/bin/bash
# t4001-tui: the full-screen workbench (umdbg --tui) in a real terminal
# (tmux) on the real guest: the panic stop in the backtrace, source and
# disassembly panes; next and finish; a sleeping task's stack and saved
# registers; a user address's page-table walk; memory; resizing to 80x24
# (compared with a golden capture) and 200x60; the guest's own end; a
# shell on the console pane, Ctrl-C and continue; SIGTERM and NO_COLOR;
# a replay's timeline bar and reverse-stepi.  After each exit the
# terminal must be sane and no process of the session left.
#
# The golden capture t4001-tui-80x24.expected was made by this test:
#   UPDATE_GOLDEN=1 prove tests/t4001-tui.t
# (then read it before committing).  It is masked (mask below) so that it
# holds on any patch level of the guest's 6.12.
. "$(dirname "$0")/lib.sh"
need_guest
plan 78

GOLDEN="$TOP/tests/t4001-tui-80x24.expected"

# Addresses, counts and line numbers legitimately vary between builds
# and runs; the rest of a capture must not.  Nor do function names a
# patch level changes: the function that holds panic's body (the one
# that prints "Kernel panic - not syncing") is panic, or vpanic where
# panic became a wrapper around it (6.12.118); this kernel's is found in
# its line table and masked as PANIC_BODY.  A backtrace row is cut by the
# pane's edge at a point the width of its offset decides: what follows
# the offset is masked as "...".
guest_line panic_msg kernel/panic.c 'pr_emerg\("Kernel panic - not syncing'
guest_func_at panic_body "kernel/panic.c:$panic_msg"
mask() {
	sed -E 's/0x[0-9a-f]+/ADDR/g; s/[0-9]+/N/g; s/ +$//' |
	sed -E "s/\\|  #N  $panic_body\\+/|  #N  PANIC_BODY+/
		s/(\\|  #N  [^ ]+\\+ADDR)( .*)?\$/\\1 .../"
}

"$UMDBG" --tui </dev/null >"$SCRATCH/out" 2>&1
rc=$?
ok "$([ $rc = 1 ] && echo 0 || echo 1)" "--tui without a terminal: exit status 1"
like "$SCRATCH/out" '^umdbg: --tui needs a terminal' "and one line saying why"

use_tmux
# UMDBG_STEP_SLICE=1: a line is stepped one instruction per turn of the
# event loop, so Ctrl-C can stop it (below)
tm send-keys "clear; UMDBG_STEP_SLICE=1 ./umdbg --tui --scenario panic --break panic; echo \"status=\$?\"" Enter
wait_for '^ umdbg  breakpoint 1 \(panic\) hit in thread [0-9]+ ' 60
ok $? "the status bar says the panic breakpoint hit"
like "$SCRATCH/pane" '#0  0x[0-9a-f]+ panic at kernel/panic\.c:[0-9]+' \
	"backtrace pane: panic is frame #0"
like "$SCRATCH/pane" '#1  0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+ at' \
	"backtrace pane: its caller"
like "$SCRATCH/pane" '^ source: kernel/panic\.c:[0-9]+ ' "source pane: panic's file and line"
like "$SCRATCH/pane" '^=>[* ] *[0-9]+  ' "source pane: the current line marked"
like "$SCRATCH/pane" 'void panic\(const char \*fmt, \.\.\.\)' "source pane: the source text"
like "$SCRATCH/pane" '^=>\*0x[0-9a-f]+ <panic>  push' \
	"disassembly pane: the current instruction, with its breakpoint mark"
like "$SCRATCH/pane" '\|rip +0x[0-9a-f]{16}' "registers pane"
like "$SCRATCH/pane" '^\[ +[0-9.]+\] Kernel panic - not syncing|sysrq: Trigger a crash' \
	"console pane: the guest's last lines"

tm send-keys '?'
wait_for 'umdbg TUI keys' 10
ok $? "?: the help"
tm send-keys x
sleep 0.5
tm capture-pane -p >"$SCRATCH/screen"
unlike "$SCRATCH/screen" 'umdbg TUI keys' "a key closes it"

tm send-keys b
wait_for 'umdbg> break kernel/panic\.c:[0-9]+$' 10 &&
	wait_for 'breakpoint 2 at kernel/panic\.c:[0-9]+' 10
ok $? "b: a breakpoint on the source pane's current line"
like "$SCRATCH/pane" '^=>\* +[0-9]+  \{' "the source pane marks breakpoint lines (*)"
tm send-keys : "delete 2" Enter Escape

guest_insn second second_op panic 2	# panic's second instruction, per gdb
tm send-keys : "disa" Tab
wait_for '^umdbg> disas$' 10
ok $? "the command line completes command names"
tm send-keys "panic 3" Enter
wait_for "<panic\\+$second>  $second_op " 10
ok $? "and runs the command: its output in the output pane (<panic+$second>  $second_op)"
tm send-keys Up
wait_for '^umdbg> disas panic 3$' 10
ok $? "Up: the command line's history"
tm send-keys C-c Escape

# memory: the return address at rsp, followed
rsp=$(grep -oE '\|rsp +0x[0-9a-f]+' "$SCRATCH/pane" | head -1 | awk '{print $2}')
rsp=$(printf '0x%x' "$rsp")
ret=$(grep -oE '#1  0x[0-9a-f]+' "$SCRATCH/pane" | head -1 | awk '{print $2}')
# mem EXPR: the host evaluates it (here as the symbol table places it)
it=$(readelf -sW "$TOP/guest/linux" | awk '$8 == "init_task" { print $2; exit }')
it=$(printf '0x%x' "0x$it")
tm send-keys : "mem &init_task" Enter Escape
wait_for "memory: kernel, $it( |\$)" 10
ok $? "mem EXPR: &init_task, where the symbol table has it ($it)"
tm send-keys : "mem no_such_variable + 8" Enter Escape
wait_for "no symbol 'no_such_variable'" 10
ok $? "mem EXPR: a bad expression says why"
tm send-keys : "mem $rsp" Enter Escape
wait_for "memory: kernel, $rsp" 10
ok $? "mem ADDR: the kernel stack at rsp ($rsp)"
tm send-keys Enter
wait_for "memory: kernel, $ret( |\$)" 10
ok $? "Enter follows the pointer under the cursor: the return address ($ret)"
like "$SCRATCH/pane" "page walk: $ret" "the page walk follows the memory cursor"
like "$SCRATCH/pane" "$(printf '0x%016x' "$ret"): the kernel image, section \.text: [a-z_]" \
	"...and says what the byte is (kmem): the kernel's code, and where"
word=$(printf '0x%x' $(( ret & ~7 )))
tm send-keys w
wait_for "umdbg> watch \\*$word" 10
wait_for "watchpoint ([0-9]+): watch \\*$word at $word, 8 bytes, value 0x[0-9a-f]+" 10
ok $? "w: a watchpoint on the word under the memory cursor ($word)"
# it takes number 3 (breakpoints and watchpoints share numbers)
tm send-keys : "delete 3" Enter Escape
tm send-keys 1

# the backtrace pane (source, disassembly, registers, backtrace)
tm send-keys Tab Tab Tab Down
wait_for 'registers: frame #1' 10
ok $? "a frame selected: the registers pane shows that frame's"
like "$SCRATCH/pane" '^ source: drivers/tty/sysrq\.c:[0-9]+ ' "and the source pane follows it"
like "$SCRATCH/pane" '\|rip +0x0*6[0-9a-f]{7}$' "its rip is the return address"
# expressions follow the selected frame: $rsp is frame 1's
f1rsp=$(grep -oE '\|rsp +0x[0-9a-f]+' "$SCRATCH/pane" | head -1 | awk '{print $2}')
tm send-keys : 'p/x $rsp' Enter Escape
wait_for "(^|\\|)\\\$rsp = $(printf '0x%x' "$f1rsp")\$" 10
ok $? "p \$rsp in the selected frame: frame 1's ($f1rsp)"

tm send-keys n
wait_for 'umdbg> next' 10 && wait_for '0x[0-9a-f]+ panic\+0x[0-9a-f]+ at kernel/panic\.c:[0-9]+$' 10
ok $? "n: next, to the next line of panic"
like "$SCRATCH/pane" '^ umdbg  0x[0-9a-f]+ panic\+0x[0-9a-f]+ at kernel/panic\.c:[0-9]+ ' "the top line says where next stopped, not the breakpoint hit before"
tm capture-pane -e -p >"$SCRATCH/color"
grep -a 'rip ' "$SCRATCH/color" | grep -aq $'\e\\[[0-9;]*31m'
ok $? "the changed rip is highlighted (red)"

tm send-keys n C-c
wait_for 'umdbg  guest interrupted \(Ctrl-C\)' 10
ok $? "Ctrl-C stops a line being stepped"

tm send-keys : "break vprintk_emit" Enter Escape c
wait_for 'breakpoint 4 \(vprintk_emit\) hit' 20
ok $? "the command line: break, then c continues to it"
tm send-keys f
wait_for 'finish: returned, rax 0x[0-9a-f]+' 20 &&
	wait_for '0x[0-9a-f]+ vprintk_default\+0x[0-9a-f]+ at kernel/printk/printk\.c' 5
ok $? "f: finish returns to the caller"
tm send-keys : "delete 4" Enter Escape

# tasks: Home is the header line, then swapper (0), init (1), kthreadd (2)
tm send-keys 2 Home Down Down Down
wait_for 'backtrace: task 2 ' 10
ok $? "tasks layout: selecting kthreadd"
like "$SCRATCH/pane" 'task 2 \(kthreadd\) S' "its backtrace is of the sleeping task"
like "$SCRATCH/pane" '__schedule\+0x[0-9a-f]+ at kernel/sched/core\.c' "it sleeps in __schedule"
like "$SCRATCH/pane" 'kthreadd\+0x[0-9a-f]+ at kernel/kthread\.c' "in kthreadd's loop"
like "$SCRATCH/pane" 'vmas: task 2( |$)' "the VMA pane follows"
like "$SCRATCH/pane" 'a kernel thread: no user memory' "kthreadd has no user memory"
tm send-keys 1
wait_for 'registers: task 2 \(saved by switch_to\)' 10
ok $? "the registers pane shows what switch_to saved"

tm send-keys 2 Home Down Down
wait_for 'vmas: task 1( |$)' 10
ok $? "selecting init: its VMAs"
like "$SCRATCH/pane" '00400000-00401000 r--p 00000000 [0-9]+ +/bin/busybox' "init's maps"
tm send-keys Tab Down
wait_for 'page walk: task 1, 0x401000' 10
ok $? "a user VMA selected: its page-table walk"
like "$SCRATCH/pane" 'pte\[ *[0-9]+\] @0x[0-9a-f]+ = 0x[0-9a-f]{16}  PRESENT' "each level with its flags"
like "$SCRATCH/pane" 'phys 0x[0-9a-f]+  host 0x[0-9a-f]+' "then physical and host addresses"

tm send-keys : "mem -p 1 0x401000" Enter Escape
wait_for 'memory: task 1, 0x401000' 10
ok $? "mem: a user address in the memory pane"
like "$SCRATCH/pane" '^0000000000401000: ' "hex and ASCII from the address"
tm send-keys w
wait_for "w: watchpoints watch the kernel's memory only" 10
ok $? "w on a task's user memory: refused, with the reason"
tm send-keys : "mem -p 1 0x401000" Enter Escape
wait_for 'umdbg> mem -p 1 0x401000' 10

# back to the stop's own view; the golden capture at 80x24
tm send-keys : "task 0" Enter Escape 1
tm resize-window -x 80 -y 24
sleep 1
tm send-keys C-l
wait_for '^ source: kernel/printk/printk\.c' 10
tm capture-pane -p | mask >"$SCRATCH/80x24"
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	cp "$SCRATCH/80x24" "$GOLDEN"
fi
diff -u "$GOLDEN" "$SCRATCH/80x24" | sed 's/^/# /'
ok "${PIPESTATUS[0]}" "80x24: the capture matches the .expected one (numbers masked)"
awk 'length > 80 { bad = 1 } END { exit bad }' "$SCRATCH/pane"
ok $? "80x24: no line wider than the terminal"

tm resize-window -x 200 -y 60
wait_for '^ console .*\| output' 10
ok $? "200x60: console and output side by side"
awk 'length > 200 { bad = 1 } END { exit bad }' "$SCRATCH/pane"
ok $? "200x60: no line wider than the terminal"

tm resize-window -x 40 -y 10
wait_for '^umdbg: terminal too small' 10
ok $? "40x10: says the terminal is too small, and survives"
tm resize-window -x 200 -y 60

tm send-keys c
wait_for 'umdbg  guest kernel panicked' 30
ok $? "c: the kernel panics and aborts: a stop"
tm send-keys c
wait_for 'the guest ended: press any key to leave' 30
ok $? "the guest panics: the TUI says it ended and waits"
tm send-keys x
wait_for '^status=3' 20
ok $? "a key leaves with the panic's status (3)"
sane_terminal
ok $? "the terminal is sane again"
no_leftovers
ok $? "no process left"

tm resize-window -x 160 -y 50
tm send-keys "clear; ./umdbg --tui --scenario shell; echo \"status=\$?\"" Enter
wait_for '^/ # ' 60
ok $? "shell scenario: the console pane streams the guest's shell"
tm send-keys C-c
wait_for 'umdbg  guest interrupted \(Ctrl-C\)' 20
ok $? "Ctrl-C stops the running guest"
tm send-keys c
wait_for '^ umdbg  RUNNING' 10
ok $? "c: running again"
# focus the console pane (source, disassembly, registers, backtrace, console)
tm send-keys Tab Tab Tab Tab "echo tui-\$((6*7))" Enter
wait_for '^tui-42' 10
ok $? "keys in the console pane reach the guest's shell"
tm send-keys C-c
wait_for 'guest interrupted \(Ctrl-C\)' 20
tm send-keys q
wait_for '^status=0' 20
ok $? "q quits (status 0)"
no_leftovers
ok $? "no process left"

tm send-keys "clear; NO_COLOR=1 ./umdbg --tui --scenario shell; echo \"status=\$?\"" Enter
wait_for '^/ # ' 60
tm capture-pane -e -p >"$SCRATCH/mono"
! grep -aq $'\e\\[[0-9;]*3[0-7]m' "$SCRATCH/mono" && grep -aq $'\e\\[[0-9;]*7m' "$SCRATCH/mono"
ok $? "NO_COLOR: no colors, reverse video instead"
signal_tui TERM 143 "SIGTERM ends the TUI"

# umdbg itself crashing: its handler gives the terminal back first (no
# core file: the work tree stays clean)
tm send-keys "clear; (ulimit -c 0; exec ./umdbg --tui --scenario shell); echo \"status=\$?\"" Enter
wait_for '^/ # ' 60
signal_tui SEGV 139 "a crash of umdbg (SIGSEGV): it dies of it"

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >/dev/null 2>&1
tm send-keys "clear; ./umdbg replay $SCRATCH/panic.trace --tui --break panic; echo \"status=\$?\"" Enter
events=$("$UMDBG" trace info "$SCRATCH/panic.trace" | sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p')
wait_for "umdbg  breakpoint 1 \\(panic\\) hit in thread [0-9]+  \\[=*> *\\] event [0-9]+/$events " 60
ok $? "replay: the timeline bar shows the event out of the trace's $events"
tm send-keys S
wait_for 'rs: event [0-9]+, 0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+' 30
ok $? "S: reverse-stepi back into the caller"
like "$SCRATCH/pane" '^ umdbg  rs: event [0-9]+, 0x[0-9a-f]+ sysrq_handle_crash\+' "the top line says where rs went"
tm send-keys q
wait_for '^status=0' 20
no_leftovers
ok $? "replay: q quits, nothing left"

# The terminal is raw in the TUI: Ctrl-C is a key, and a long re-run of
# a replay (goto) hears it too.
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/work.trace" --scenario work \
	</dev/null >/dev/null 2>&1
last=$("$UMDBG" trace info "$SCRATCH/work.trace" | sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p')
tm send-keys "clear; ./umdbg replay $SCRATCH/work.trace --tui --break start_kernel; echo \"status=\$?\"" Enter
wait_for 'umdbg  breakpoint 1 \(start_kernel\) hit' 60
tm send-keys : "goto $((last - 1))" Enter
sleep 0.3	# the command runs; its re-run takes seconds
tm send-keys C-c
wait_for 'goto: interrupted \(Ctrl-C\); the replay stays where it stopped' 20
ok $? "replay: Ctrl-C in the TUI interrupts a long goto"
tm send-keys Escape q
wait_for '^status=0' 20

done_testing
