#!/bin/bash
# t4002-kills: umdbg killed with SIGKILL, and ended with SIGTERM, in a
# real terminal (tmux) at six points: the TUI while the guest boots, the
# TUI at a stop, the prompt at a stop, the prompt while stepi steps, the
# guest's interactive shell running on umdbg's terminal, and a replay at
# its prompt.  After each: umdbg's exit status, a sane
# terminal (normal screen, cursor shown, canonical mode and echo; after
# SIGKILL umdbg's terminal guardian restores them), no process left (not
# the guest's, not the guardian), and nothing new in /dev/shm.  With
# t6006 (the recorder and replay killed at 10 points) that is 22 points.
. "$(dirname "$0")/lib.sh"
need_guest
plan 68

# A trace to replay, recorded without a terminal.
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	--break panic </dev/null >"$SCRATCH/rec" 2>&1
[ "$?" = 2 ] || { sed 's/^/# /' "$SCRATCH/rec" | tail -5; echo "Bail out! cannot record the panic"; exit 1; }

shm_before=$(ls -A /dev/shm)
use_tmux

# at SIG STATUS WHAT WAITFOR CMD...: start CMD in the pane, wait until the
# screen shows WAITFOR (a check), then signal_tui (3 checks) and compare
# /dev/shm.
at() {
	local sig=$1 status=$2 what=$3 waitfor=$4
	shift 4
	rm -f "$SCRATCH/status"
	tm send-keys "clear; $* ; echo \"status=\$?\" | tee $SCRATCH/status" Enter
	wait_for "$waitfor" 60
	ok $? "$what: there"
	signal_tui "$sig" "$status" "$what: SIG$sig ends umdbg"
	is "$(ls -A /dev/shm)" "$shm_before" "$what: nothing new in /dev/shm after SIG$sig"
	tm send-keys "clear" Enter
}

# long_stepi WHAT: umdbg at a panic stop in the pane, then `stepi
# 100000000`; a second later no new prompt has come (2 checks).
long_stepi() {
	local what=$1
	rm -f "$SCRATCH/status"
	tm send-keys "clear; ./umdbg --scenario panic --break panic; echo \"status=\$?\" | tee $SCRATCH/status" Enter
	wait_for '^umdbg>' 60
	ok $? "$what: at the prompt"
	tm send-keys "stepi 100000000" Enter
	wait_for '^umdbg> stepi 100000000$' 10
	sleep 1
	tm capture-pane -p | grep '^umdbg>' | tail -1 >"$SCRATCH/last"
	is "$(sed 's/ *$//' "$SCRATCH/last")" "umdbg> stepi 100000000" \
		"$what: a second later it still steps (no new prompt)"
}

for sig in KILL TERM; do
	[ $sig = KILL ] && st=137 || st=143
	at $sig $st "the TUI while booting" '^ umdbg  RUNNING' \
		./umdbg --tui --scenario shell
	at $sig $st "the TUI at a stop" '^ umdbg  breakpoint 1 \(panic\) hit' \
		./umdbg --tui --scenario panic --break panic
	at $sig $st "the prompt at a stop" '^umdbg>' \
		./umdbg --scenario panic --break panic
	# stepi goes back to the event loop at every host syscall and
	# every 256 steps: a hundred million steps outlast the test on any
	# machine, and the signal is heard meanwhile
	long_stepi "the prompt while stepping"
	signal_tui $sig $st "the prompt while stepping: SIG$sig ends umdbg"
	is "$(ls -A /dev/shm)" "$shm_before" "the prompt while stepping: nothing new in /dev/shm after SIG$sig"
	at $sig $st "the guest's shell" '^/ #' ./umdbg --scenario shell
	at $sig $st "a replay" '^umdbg>' ./umdbg replay "$SCRATCH/panic.trace"
done

# Ctrl-C during a long stepi: the prompt comes back.  Steps that make no
# host syscall never go back to the event loop by themselves; stepi looks
# for a signal every few hundred steps.
long_stepi "Ctrl-C while stepping"
tm send-keys C-c
wait_for '^umdbg> *$' 20
ok $? "...Ctrl-C stops stepi 100000000: the prompt comes back"
signal_tui KILL 137 "...then SIGKILL ends umdbg"
