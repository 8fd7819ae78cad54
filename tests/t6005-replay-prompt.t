#!/bin/bash
# t6005-replay-prompt: the umdbg> prompt on a replay, in a real terminal
# (tmux): when, rs then stepi back to the same pc, rc to an earlier
# breakpoint, goto, restart, quit; and rs out of a module function, whose
# text exists only once the module loads again in the re-run.
. "$(dirname "$0")/lib.sh"
need_guest
plan 15

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >/dev/null 2>&1
is "$?" 3 "recorded the panic scenario"

use_tmux
tm send-keys "./umdbg replay $SCRATCH/panic.trace --break panic; echo \"status=\$?\"" Enter
wait_for '^umdbg>' 60
ok $? "a replay stops at the panic breakpoint with the prompt"
like "$SCRATCH/pane" 'breakpoint 1 \(panic\) hit' "the report came first"
tm send-keys "clear" Enter
tm send-keys "when" Enter
wait_for '^event [0-9]+: run 1 of 0x[0-9a-f]+, then 0 steps' 10
ok $? "when: the event and the moment"
tm send-keys "rs" Enter
wait_for '^rs: event [0-9]+, 0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+' 30
ok $? "rs: back one instruction, into the caller"
tm send-keys "stepi" Enter
wait_for '^0x[0-9a-f]+ panic at kernel/panic\.c' 10
ok $? "stepi: forward again, into panic"
tm send-keys "break vprintk_emit" Enter
tm send-keys "rc" Enter
wait_for '^rc: event [0-9]+, 0x[0-9a-f]+ vprintk_emit at kernel/printk/printk\.c' 30
ok $? "rc: back to the last vprintk_emit hit"
tm send-keys "goto 50" Enter
wait_for '^goto: event 50, ' 30
ok $? "goto 50"
tm send-keys "restart" Enter
wait_for '^restart: event 0, ' 30
ok $? "restart"
tm send-keys "when" Enter
wait_for '^event 0: the start of the recording' 10
ok $? "when: the start of the recording"
tm send-keys "quit" Enter
wait_for '^status=0' 20
ok $? "quit ends the replay (status 0)"

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/oops.trace" --scenario oops \
	</dev/null >/dev/null 2>&1
is "$?" 3 "recorded the oops scenario"
tm send-keys "clear; ./umdbg replay $SCRATCH/oops.trace --break umdbg_oops:umdbg_oops_deref; echo \"status=\$?\"" Enter
wait_for 'breakpoint 1 \(umdbg_oops:umdbg_oops_deref\) hit' 60
ok $? "replay stops in the module function"
tm send-keys "rs" Enter
wait_for '^rs: event [0-9]+, 0x[0-9a-f]+ umdbg_oops_init\+0x[0-9a-f]+ at /[^ ]*umdbg_oops\.c:[0-9]+ \[umdbg_oops\]' 60
ok $? "rs: back into the module's init, the caller"
tm send-keys "quit" Enter
wait_for '^status=0' 20
ok $? "quit"

done_testing
