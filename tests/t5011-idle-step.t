#!/bin/bash
# t5011-idle-step: a single-step whose instruction enters a host syscall
# that blocks (the idle kernel in rt_sigsuspend) waits in umdbg's event
# loop, never in waitpid: at the prompt (tmux) the step says in one line
# that the kernel is idle and ends at the next interrupt, with the prompt
# back; over gdb a step from the idle loop is answered, a gdb that goes
# away while its step waits leaves umdbg serving (the next gdb attaches,
# continues and interrupts), and SIGTERM ends umdbg within a second while
# a step waits, leaving no process behind.  A long re-run of a replay
# (goto, rc) is interrupted by Ctrl-C too, and by gdb's 0x03.
. "$(dirname "$0")/lib.sh"
need_guest
plan 23

RSPC="python3 $TOP/tests/helpers/rsp-client.py"
upid=
cleanup() {
	[ -n "$upid" ] && kill -KILL "$upid" 2>/dev/null
	tm kill-server 2>/dev/null
	[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

# ---- at the prompt --------------------------------------------------------
use_tmux
trap cleanup EXIT
tm send-keys "./umdbg --scenario shell; echo \"status=\$?\"" Enter
wait_for '^/ #' 60
ok $? "the guest's shell is up"
sleep 1		# nothing runs: the kernel idles in the host's rt_sigsuspend
tm send-keys C-c
wait_for '^umdbg>' 20
ok $? "Ctrl-C stops the idle guest"
like "$SCRATCH/pane" '^  #[0-9]+ .*(sigsuspend|os_idle_sleep|arch_cpu_idle)' "the stop is in the idle loop"
tm send-keys C-l
tm clear-history
tm send-keys "stepi" Enter
wait_for '^stepi: the kernel is idle \(host rt_sigsuspend\); the step ends at the next interrupt' 10
ok $? "stepi from the idle loop says so in one line"
wait_for '^0x[0-9a-f]{16} ' 30 && wait_for '^umdbg> *$' 5
ok $? "the step ends at the next interrupt, and the prompt is back"
tm send-keys "stepi 3" Enter
wait_for '^umdbg> stepi 3' 5
sleep 0.5
tm send-keys C-c
wait_for '^umdbg> *$' 20
ok $? "stepi N and Ctrl-C: the prompt is back, nothing hangs"
tm send-keys "quit" Enter
wait_for '^status=0' 20
ok $? "quit ends umdbg"

# ---- a long re-run of a replay (goto, rc) hears Ctrl-C ----------------------
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/work.trace" --scenario work </dev/null >/dev/null 2>&1
last=$("$UMDBG" trace info "$SCRATCH/work.trace" | sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p')
tm send-keys "clear; ./umdbg replay $SCRATCH/work.trace --break start_kernel; echo \"status=\$?\"" Enter
wait_for '^umdbg>' 60
tm send-keys C-l
tm clear-history
tm send-keys "goto $((last - 1))" Enter
sleep 0.3	# readline has the line; the re-run takes seconds
tm send-keys C-c
wait_for 'goto: interrupted \(Ctrl-C\); the replay stays where it stopped' 10
ok $? "Ctrl-C interrupts a long goto in a replay"
wait_for '^goto: event [0-9]+, 0x[0-9a-f]+ ' 5
ok $? "and says where the replay is"
tm send-keys "quit" Enter
wait_for '^status=0' 20

# A reverse-continue from the recording's power-off back to do_exit's
# last hit re-runs the replay from its start (seconds): Ctrl-C cuts it
# short, in well under a second.
guest_addr exit_addr do_exit
guest_addr off_addr machine_power_off
tm send-keys "clear; ./umdbg replay $SCRATCH/work.trace --break machine_power_off; echo \"status=\$?\"" Enter
wait_for '^umdbg>' 60
tm send-keys "break do_exit" Enter
wait_for '^breakpoint 2 at ' 5
tm send-keys C-l
tm clear-history
tm send-keys "rc" Enter
sleep 0.5	# the re-run is under way
t0=$(date +%s%N)
tm send-keys C-c
wait_for 'rc: interrupted \(Ctrl-C\); the replay stays where it stopped' 3
ok $? "Ctrl-C interrupts a long reverse-continue at the prompt"
diag "the prompt's rc stopped $(( ($(date +%s%N) - t0) / 1000000 )) ms after Ctrl-C (polled every 100 ms)"
wait_for '^umdbg> *$' 5
ok $? "and the prompt is back"
tm send-keys "quit" Enter
wait_for '^status=0' 20

# ---- gdb's interrupt byte stops a long reverse-continue --------------------
start_umdbg r replay "$SCRATCH/work.trace" --gdb 0 --wait
# to the recording's power-off, then back to do_exit's last hit: a
# re-run from the start, seconds long, which 0x03 cuts short
cat >"$SCRATCH/r.rsp" <<EOF
send qSupported:swbreak+;hwbreak+
expect
send ?
expect
send Z0,${off_addr#0x},1
expect
send vCont;c
expect
send Z0,${exit_addr#0x},1
expect
send bc
sleep 0.3
intr
expect
send vCont;c
expect
send vKill;1
expect
EOF
timeout -k 5 60 $RSPC "127.0.0.1:$port" "$SCRATCH/r.rsp" >"$SCRATCH/r.rsp.out" 2>&1
sed -n 6p "$SCRATCH/r.rsp.out" | grep -q '^reply: T02thread:'
ok $? "gdb's 0x03 interrupts a reverse-continue in its re-run (SIGINT stop)"
like "$SCRATCH/r.umdbg" '^umdbg: interrupted \(by gdb\); the replay stays where it stopped' "umdbg says so"
end_umdbg

# ---- a write refused in a replay: the reason, to a gdb that takes one ------
start_umdbg e replay "$SCRATCH/work.trace" --gdb 0 --wait
cat >"$SCRATCH/e.rsp" <<EOF
send qSupported:swbreak+;hwbreak+
expect
send M60000000,1:00
expect
send qSupported:swbreak+;hwbreak+;error-message+
expect
send M60000000,1:00
expect
send vKill;1
expect
EOF
timeout -k 5 30 $RSPC "127.0.0.1:$port" "$SCRATCH/e.rsp" >"$SCRATCH/e.out" 2>&1
like "$SCRATCH/e.out" '^reply: E1e$' "a write in a replay: E1e (EROFS) to a gdb that takes no error text"
like "$SCRATCH/e.out" "^reply: E\\.a replay is read-only: its memory and registers are the recording's\$" "the reason, to a gdb that takes one (error-message+)"
end_umdbg

# ---- over gdb's protocol ---------------------------------------------------
start_umdbg u --gdb 0 --scenario shell
# the first lines of each client below: continue the idle guest, 0x03
idle_stop() { printf 'send vCont;c\nsleep 1\nintr\nexpect\n'; }
wait_until 10 "the guest's shell in $SCRATCH/u.umdbg" grep -qs "^umdbg-guest: commands from umdbg's input" "$SCRATCH/u.umdbg"
sleep 0.3	# it reads

# gdb #1: interrupt the idle guest, step, and vanish while the step waits.
{ printf 'send qSupported:swbreak+;hwbreak+\nexpect\n'; idle_stop
  echo 'send vCont;s'; } >"$SCRATCH/a.rsp"
timeout -k 5 30 $RSPC "127.0.0.1:$port" "$SCRATCH/a.rsp" >"$SCRATCH/a.out" 2>&1
like "$SCRATCH/a.out" '^reply: T02thread:' "0x03 stops the idle guest"
kill -0 "$upid" 2>/dev/null
ok $? "umdbg lives on after a gdb left in the middle of a step"

# gdb #2: attaches, continues, interrupts; a step, and 0x03 at once.
{ printf 'send ?\nexpect\n'; idle_stop
  printf 'send vCont;s\nintr\nexpect\nsend D\nexpect\n'; } >"$SCRATCH/b.rsp"
timeout -k 5 30 $RSPC "127.0.0.1:$port" "$SCRATCH/b.rsp" >"$SCRATCH/b.out" 2>&1
like "$SCRATCH/b.out" '^reply: T0[25]thread:' "the next gdb attaches: the stop is reported"
is "$(grep -c '^reply: T0[25]thread:' "$SCRATCH/b.out")" 3 "it continues, is interrupted, and its step from the idle loop is answered (ended or stopped by 0x03)"
like "$SCRATCH/b.out" '^reply: OK$' "and it detaches"

# gdb #3 steps, and umdbg gets SIGTERM while the step waits.
{ printf 'send ?\nexpect\n'; idle_stop
  printf 'send vCont;s\nsleep 3\n'; } >"$SCRATCH/c.rsp"
timeout -k 5 30 $RSPC "127.0.0.1:$port" "$SCRATCH/c.rsp" >"$SCRATCH/c.out" 2>&1 &
cpid=$!
sleep 1.5
kids=$(descendants "$upid")
kill -TERM "$upid"
for i in $(seq 10); do kill -0 "$upid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$upid" 2>/dev/null
ok $? "SIGTERM ends umdbg within a second while a step waits"
wait "$upid"
is "$?" 143 "with status 128+SIGTERM"
upid=
left=
for k in $kids; do [ -d "/proc/$k" ] && left="$left $k"; done
is "$left" "" "no process of the guest is left"
wait "$cpid" 2>/dev/null
done_testing
