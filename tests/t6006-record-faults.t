#!/bin/bash
# t6006-record-faults: a recording that does not end well.  umdbg is
# killed with SIGKILL at 20 points spread over a recording of the halt
# scenario: each time nothing of it stays behind (its session is empty),
# and the trace says it is truncated (or complete, past the end) and
# replays up to its last whole record, with the event count trace info
# gives.  And the disk fills up while recording (a 20 KiB tmpfs): a
# clear error, exit status 1, and a trace that replays up to its last
# whole record.  A replay killed with SIGTERM or SIGKILL leaves nothing
# behind.  A trace killed before or within its first bytes says so.
. "$(dirname "$0")/lib.sh"
need_guest
plan 98

# How long a whole recording takes here, from the trace file's birth.
setsid "$UMDBG" --record "$SCRATCH/full.trace" --scenario halt </dev/null \
	>"$SCRATCH/full" 2>&1 &
sid=$!
wait_until 30 "the trace file" test -s "$SCRATCH/full.trace"
t0=$(date +%s%N)
wait "$sid"
rc=$?
dur_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" 0 "a whole recording of halt ($dur_ms ms after its file appears)"
full_events=$("$UMDBG" trace info "$SCRATCH/full.trace" 2>&1 |
	sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p')

# session_empty SID: no process of session SID left (within 5 s)
session_empty() {
	local i
	for i in $(seq 50); do
		[ -z "$(ps -o pid= -s "$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	ps -o pid,args -s "$1" | sed 's/^/#   /'
	return 1
}

for i in $(seq 20); do
	at=$(( dur_ms * i / 21 ))
	tr=$SCRATCH/k$i.trace
	setsid "$UMDBG" --record "$tr" --scenario halt </dev/null \
		>"$SCRATCH/k$i.log" 2>&1 &
	sid=$!
	wait_until 30 "the trace file" test -s "$tr"
	sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
	kill -KILL "$sid" 2>/dev/null
	wait "$sid" 2>/dev/null
	session_empty "$sid"
	ok $? "killed $at ms into the recording: no process left"
	"$UMDBG" trace info "$tr" >"$SCRATCH/k$i.info" 2>&1
	state=$(sed -n 's/^state: *\([a-z]*\).*/\1/p' "$SCRATCH/k$i.info")
	events=$(sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p' "$SCRATCH/k$i.info")
	ok $([ "$state" = truncated ] || [ "$state" = complete ] && echo 0 || echo 1) \
		"...trace info: ${state:-?}, ${events:-?} syscalls"
	run_umdbg "$SCRATCH/r$i" replay "$tr"
	# Up to its last whole record: all of them; stopped early (2) when
	# the end record is not among them, unless every syscall of the
	# run is (killed between the last and the end record): then the
	# kernel goes on to its exit (0), needing nothing more.
	want=0
	grep -q '^ended: *(no end record)' "$SCRATCH/k$i.info" &&
		[ "$events" != "$full_events" ] && want=2
	is "$rc" "$want" "...the replay plays its records (exit status $want)"
	like "$SCRATCH/r$i" "^umdbg: replayed ${events:-?} events of " \
		"...all ${events:-?} of them"
done

# A replay killed (SIGTERM, then SIGKILL) at 5 points each: nothing
# stays behind, in its session or in /dev/shm.
ls /dev/shm >"$SCRATCH/shm.before"
for sig in TERM KILL; do
	for i in 1 2 3 4 5; do
		at=$(( dur_ms * i / 6 ))
		setsid "$UMDBG" replay "$SCRATCH/full.trace" </dev/null \
			>"$SCRATCH/rk.$sig.$i" 2>&1 &
		sid=$!
		sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
		kill -"$sig" "$sid" 2>/dev/null
		wait "$sid" 2>/dev/null
		session_empty "$sid"
		ok $? "a replay killed with SIG$sig $at ms in: no process left"
	done
done
ls /dev/shm | diff -q "$SCRATCH/shm.before" - >/dev/null
ok $? "...and nothing left in /dev/shm"

# Killed before its first byte, or within its first 16: one clear line.
: >"$SCRATCH/empty.trace"
run_umdbg "$SCRATCH/empty" trace info "$SCRATCH/empty.trace"
like "$SCRATCH/empty" "^umdbg: '$SCRATCH/empty.trace' is empty: its recording ended before it began\$" "an empty trace says so"
head -c 10 "$SCRATCH/k20.trace" >"$SCRATCH/ten.trace"
run_umdbg "$SCRATCH/ten" replay "$SCRATCH/ten.trace"
like "$SCRATCH/ten" "^umdbg: '$SCRATCH/ten.trace' is truncated in its first bytes" "a trace cut in its first bytes says so"

# The disk fills up.
mkdir "$SCRATCH/small"
mount -t tmpfs -o size=20k tmpfs "$SCRATCH/small"
run_umdbg "$SCRATCH/df" --record "$SCRATCH/small/t.trace" --scenario halt
is "$rc" 1 "disk full while recording: exit status 1"
like "$SCRATCH/df" "^umdbg: cannot write '$SCRATCH/small/t.trace': no space left on device; the trace is truncated there" "...with a clear line"
"$UMDBG" trace info "$SCRATCH/small/t.trace" >"$SCRATCH/df.info" 2>&1
like "$SCRATCH/df.info" '^state: +truncated' "...the trace says it is truncated"
run_umdbg "$SCRATCH/dfr" replay "$SCRATCH/small/t.trace"
is "$rc" 2 "...and replays up to its last whole record"
umount "$SCRATCH/small"
done_testing
