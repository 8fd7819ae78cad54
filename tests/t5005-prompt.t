#!/bin/bash
# t5005-prompt: the interactive umdbg> prompt in a real terminal (tmux):
# a breakpoint stop, bt/regs/dmesg/help, continue into the panic, Ctrl-C
# on a running guest, the guest console while running, quit, and a sane
# terminal afterwards.
. "$(dirname "$0")/lib.sh"
need_guest
plan 17

use_tmux
tm send-keys "./umdbg --break panic --scenario panic; echo \"status=\$?\"" Enter
wait_for '^umdbg>'
ok $? "breakpoint stop gives the umdbg> prompt"
like "$SCRATCH/pane" 'breakpoint 1 \(panic\) hit' "the report came first"

tm send-keys "bt" Enter
wait_for 'sysrq_handle_crash.*drivers/tty/sysrq.c' 5
ok $? "bt at the prompt"
tm send-keys "regs" Enter
wait_for 'eflags' 5
ok $? "regs at the prompt"
tm send-keys "clear-screen-marker" Enter
wait_for "unknown command 'clear-screen-marker'" 5
ok $? "unknown commands are explained"
tm send-keys "dmesg -n 2" Enter
wait_for 'sysrq: Trigger a crash' 5
ok $? "dmesg at the prompt"
tm send-keys "help" Enter
wait_for 'continue +resume the guest' 5
ok $? "help lists the commands"
tm send-keys "task 1" Enter
wait_for '^task: a command of the TUI \(umdbg --tui\)' 5
ok $? "the TUI's own commands are in the table: outside the TUI they say whose they are"

tm send-keys "continue" Enter
wait_for 'guest kernel panicked \(UML aborts' 20
ok $? "continue runs into the panic, which stops again"
tm send-keys "continue" Enter
wait_for '^status=3' 20
ok $? "continuing past the panic ends umdbg with status 3"

# The terminal is sane again: canonical mode and echo.
tm send-keys "stty -a | tr ' ' '\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo" Enter
wait_for '^icanon echo' 5
ok $? "terminal restored (icanon echo)"

# Ctrl-C on a running guest, the console while running, then quit.
tm send-keys "clear" Enter
tm send-keys "./umdbg --scenario shell; echo \"status=\$?\"" Enter
wait_for "interactive shell; 'exit' powers off" 30
sleep 0.5
tm send-keys "echo guest-says-\$((40+2))" Enter
wait_for '^guest-says-42' 10
ok $? "keyboard input reaches the guest shell while running"
tm send-keys C-c
wait_for 'guest interrupted \(Ctrl-C\)' 10
ok $? "Ctrl-C stops the running guest with a report"
wait_for '^umdbg>' 5
ok $? "and gives the prompt"
tm send-keys "continue" Enter
sleep 0.5
tm send-keys "echo again-\$((1+1))" Enter
wait_for '^again-2' 10
ok $? "continue: the guest runs and reads input again"
tm send-keys C-c
wait_for '^umdbg>$' 10
tm send-keys "quit" Enter
wait_for '^status=0' 10
ok $? "quit ends umdbg with status 0"
tm send-keys "stty -a | tr ' ' '\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' '; echo" Enter
wait_for '^icanon echo' 5
ok $? "terminal restored after quit"
done_testing
