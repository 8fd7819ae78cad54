#!/bin/bash
# t5019-timeout: a guest that misbehaves.  --timeout SECS ends a guest
# that never finishes: the time it ran, not the time it spent stopped
# (here, held for gdb), with one line and exit status 7; a bad value is
# a usage error.  A guest flooding its console loses no line.
. "$(dirname "$0")/lib.sh"
need_guest
plan 9

start=$(date +%s)
run_umdbg "$SCRATCH/busy" --timeout 3 --run 'while :; do :; done'
took=$(( $(date +%s) - start ))
is "$rc" 7 "a guest that never ends: exit status 7"
like "$SCRATCH/busy" '^umdbg: --timeout: the guest ran 3 s without finishing; ending it \(exit status 7\)$' "...said in one line"
ok $([ "$took" -ge 3 ] && [ "$took" -lt 60 ] && echo 0 || echo 1) "...after its 3 s ($took s)"

run_umdbg "$SCRATCH/zero" --timeout 0 --scenario halt
is "$rc" 1 "--timeout 0: a usage error"

# Held at its first instruction for gdb, the guest does not run: 4 s
# there do not count against --timeout 2.  Then gdb lets it run.
rm -f "$SCRATCH/sock"
"$UMDBG" --timeout 2 --gdb "unix:$SCRATCH/sock" --wait --run 'while :; do :; done' \
	</dev/null >"$SCRATCH/held" 2>&1 &
upid=$!
wait_until 10 "umdbg to wait for gdb" grep -qs 'waits at its first instruction for gdb' "$SCRATCH/held"
sleep 4
kill -0 "$upid" 2>/dev/null
ok $? "held for gdb 4 s with --timeout 2: still there"
timeout -k 5 60 gdb -nx -batch -ex "target remote $SCRATCH/sock" -ex continue \
	>"$SCRATCH/gdb.out" 2>&1
wait "$upid"
is "$?" 7 "let run by gdb, it is ended by --timeout (exit status 7)"
like "$SCRATCH/held" '^umdbg: --timeout: the guest ran 2 s without finishing' "...with its message"

# 50,000 numbered lines as fast as the guest can print them: all of
# them reach umdbg's output, in order.
run_umdbg "$SCRATCH/flood" --run 'seq 1 50000'
is "$rc" 0 "a console flood: the guest finishes"
tr -d '\r' <"$SCRATCH/flood" | grep -xE '[0-9]+' >"$SCRATCH/flood.nums"
seq 1 50000 | cmp -s - "$SCRATCH/flood.nums"
ok $? "...and all 50,000 lines arrive, in order ($(wc -l <"$SCRATCH/flood.nums") seen)"
done_testing
