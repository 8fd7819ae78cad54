#!/bin/bash
# t5009-step: source-level next, step and finish at the umdbg> prompt in a
# real terminal (tmux), on the guest's first printk: step goes into
# vprintk_emit, finish comes back with its return value, next steps over
# the call, each stepped a slice at a time from the event loop; gdb's
# monitor refuses them (gdb steps itself); regs -f and regs PID; time of
# a continue and of stepi.
. "$(dirname "$0")/lib.sh"
need_guest
plan 19

# Clear the screen (readline's Ctrl-L) and tmux's history of it.
cls() { tm send-keys C-l; sleep 0.3; tm clear-history; }

use_tmux
# UMDBG_STEP_SLICE=1: the event loop has a turn after every instruction
# of a line, so the sliced path is what these steps take.
tm send-keys "UMDBG_STEP_SLICE=1 ./umdbg --scenario panic --break vprintk_default; echo \"status=\$?\"" Enter
wait_for '^umdbg>' 60
ok $? "stopped at vprintk_default"
cls
tm send-keys "step" Enter
wait_for '^0x[0-9a-f]+ vprintk_default\+0x[0-9a-f]+ at kernel/printk/printk\.c:[0-9]+$' 20
ok $? "step: past the prologue, to the call's line"
cls
tm send-keys "step" Enter
wait_for '^0x[0-9a-f]+ vprintk_emit at kernel/printk/printk\.c:[0-9]+$' 20
ok $? "step: into vprintk_emit, at its first line"
cls
tm send-keys "finish" Enter
# the place is printed after the return value: wait for it, so the
# screen has both
wait_for '^0x[0-9a-f]+ vprintk_default\+0x[0-9a-f]+ at kernel/printk/printk\.c:[0-9]+$' 30
ok $? "finish: back in the caller"
like "$SCRATCH/pane" '^finish: returned, rax 0x[0-9a-f]+$' \
	"finish: returned, with rax"
cls
tm send-keys "continue" Enter
wait_for 'breakpoint 1 \(vprintk_default\) hit' 30
cls
tm send-keys "next" Enter
wait_for '^0x[0-9a-f]+ vprintk_default\+0x[0-9a-f]+ at kernel/printk/printk\.c:[0-9]+$' 30
cls
tm send-keys "next" Enter
wait_for '^0x[0-9a-f]+ vprintk_default\+0x[0-9a-f]+ at kernel/printk/printk\.c:[0-9]+$' 30
ok $? "next: over the call to vprintk_emit, to the next line"
unlike "$SCRATCH/pane" 'vprintk_emit at' "next did not stop inside the callee"
# At the end of vprintk_default: the return lands in the middle of a
# caller's line, and the rest of that line is stepped too (as in gdb).
# vprintk and _printk return straight away, so the stop may be further
# up; wherever it is, it is a caller of the frame we left, at another
# line than the one the call was on.
cls
tm send-keys "bt" Enter
wait_for 'start_kernel\+0x[0-9a-f]+ at init/main\.c' 20
cp "$SCRATCH/pane" "$SCRATCH/bt-before"
cls
tm send-keys "next" Enter
wait_for '^0x[0-9a-f]+ [a-z_]+\+0x[0-9a-f]+ at [^ ]+:[0-9]+$' 30
stop=$(grep -oE '^0x[0-9a-f]+ [a-z_]+\+0x[0-9a-f]+ at [^ ]+:[0-9]+$' "$SCRATCH/pane" | tail -1)
func=$(echo "$stop" | sed -E 's/^0x[0-9a-f]+ ([a-z_]+)\+.*/\1/')
line=${stop##* at }
callsite=$(grep -E "^ +#[1-9][0-9]* +0x[0-9a-f]+ $func\+0x[0-9a-f]+ at " "$SCRATCH/bt-before" | head -1)
callsite=${callsite##* at }
[ -n "$callsite" ] && [ "$func" != vprintk_default ] && [ "$line" != "$callsite" ]
ok $? "next at the end of a function: in a caller ($stop), past the call's line ($callsite)"
tm send-keys "quit" Enter
wait_for '^status=0' 20
ok $? "quit"

gdb_at_stop --break panic --scenario panic -- \
	-ex 'monitor next' -ex 'monitor regs -f 1' -ex 'monitor regs 2' \
	-ex 'monitor regs 2 -f 2' -ex 'monitor regs -f 999' -ex kill
like "$SCRATCH/out" "^next: use gdb's own command for that" "monitor next is refused"
like "$SCRATCH/out" '^frame #1: sysrq_handle_crash\+0x[0-9a-f]+ at drivers/tty/sysrq\.c:[0-9]+$' \
	"regs -f 1: the caller's frame"
like "$SCRATCH/out" 'rbp +0x[0-9a-f]{16}  rsp +0x[0-9a-f]{16}' "with the registers a call keeps"
like "$SCRATCH/out" '^task 2 \(kthreadd\) sleeps; switch_to saved:$' "regs PID: a sleeping task's saved registers"
like "$SCRATCH/out" '^frame #2: (context_switch|__schedule)' "regs PID -f N: a frame of the sleeping task"
like "$SCRATCH/out" '^regs: no frame #999$' "regs -f: a frame that is not there"

# time times the whole move: a continue to the next hit, a stepi at the
# prompt (not refused as if it came from gdb's monitor).
run_umdbg "$SCRATCH/time" --break do_one_initcall --scenario halt --batch \
	-ex 'time continue' -ex 'time stepi 3' -ex 'time -q stepi 5'
like "$SCRATCH/time" "^time: 'continue' took [0-9.]+ ms \(until the guest was at rest again\)$" \
	"time continue: said when the guest stopped again"
grep -A1 "^time: 'continue'" "$SCRATCH/time" | grep -qE '^0x[0-9a-f]+ do_one_initcall\+0x[0-9a-f]+ at '
ok $? "...then time stepi 3 steps (its last position, before its figure)"
like "$SCRATCH/time" "^time: 'stepi 5' took [0-9.]+ ms$" "time -q stepi 5: the figure alone"
unlike "$SCRATCH/time" "use gdb's own command" "...and nothing refused"

done_testing
