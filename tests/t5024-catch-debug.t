#!/bin/bash
# t5024-catch-debug: the catchpoints that need the debug guest's checkers
# (docs/forensics.md): catch kasan on lab 3's use-after-free, catch
# lockdep on lab 4's AB-BA deadlock, catch hung on samples/catch's
# what=hang.  Each stops before the kernel prints its report, says why in
# one line and selects the culprit's frame (file:line from the labs'
# sources); kmem then names who allocated and who freed the object KASAN
# caught (KASAN's own records of its quarantine), and locks the lock the
# culprit holds, as lockdep's report then lists it.
. "$(dirname "$0")/lib.sh"
need_guest
need_guest_debug
plan 19

for lab in 03-use-after-free 04-deadlock; do
	cp -r "$TOP/samples/labs/$lab" "$SCRATCH/$lab"
	timeout -k 5 300 "$UMDBG" module --flavour debug "$SCRATCH/$lab" >"$SCRATCH/$lab.build" 2>&1
	is "$?" 0 "lab $lab's module builds against the debug guest"
done
facts() { python3 "$TOP/tests/helpers/stop-facts.py" "$1"; }
fact() { awk -v k="$1" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$2"; }

# KASAN: conns_report() reads the connection conn_close() freed.
c=$SCRATCH/03-use-after-free/conns.c
run_umdbg "$SCRATCH/kasan" --flavour debug --catch kasan \
	--share "$SCRATCH/03-use-after-free" --run 'insmod conns.ko' \
	--batch --json -ex "dmesg -n 30" -ex 'kmem conns_last'
is "$rc" 2 "catch kasan: stops (exit status 2)"
tr -d '\r' <"$SCRATCH/kasan" >"$SCRATCH/kasan.txt"
facts "$SCRATCH/kasan.txt" >"$SCRATCH/kasan.facts"
like "$SCRATCH/kasan.facts" "^detail KASAN: read of size 4 at 0x[0-9a-f]+ in conns_report, in the freed \(quarantined\) slab object 0x[0-9a-f]+ of kmalloc-[0-9]+ \(\+0x4\)\$" \
	"...the reason: the read, and the freed object it hit"
line_in report_line "$c" 'return conns_last->bytes'
line_in kzalloc_line "$c" 'kzalloc\('
line_in kfree_line "$c" 'kfree\(c\)'
is "$(fact culprit "$SCRATCH/kasan.facts")" "conns_report $report_line" "...conns_report's frame selected"
before_report "$SCRATCH/kasan.facts" 'BUG: KASAN' "...before KASAN printed its report"
like "$SCRATCH/kasan.facts" '^kmem slab kmalloc-[0-9]+ quarantined$' "kmem: the object is in KASAN's quarantine"
is "$(fact 'track allocated' "$SCRATCH/kasan.facts")" "kasan conn_open $kzalloc_line" \
	"...KASAN's record: allocated by conn_open (its kzalloc)"
is "$(fact 'track freed' "$SCRATCH/kasan.facts")" "kasan conn_close $kfree_line" \
	"...and freed by conn_close (its kfree)"

# lockdep: two threads take the same two mutexes in opposite orders.
a=$SCRATCH/04-deadlock/abba.c
run_umdbg "$SCRATCH/lockdep" --flavour debug --catch lockdep \
	--share "$SCRATCH/04-deadlock" --run 'insmod abba.ko' \
	--batch --json -ex "dmesg -n 30"
is "$rc" 2 "catch lockdep: stops"
tr -d '\r' <"$SCRATCH/lockdep" >"$SCRATCH/lockdep.txt"
facts "$SCRATCH/lockdep.txt" >"$SCRATCH/lockdep.facts"
like "$SCRATCH/lockdep.facts" '^detail lockdep: possible circular locking dependency \(print_circular_bug\) in [a-z_]+$' \
	"...the reason: lockdep's report"
culprit=$(fact culprit "$SCRATCH/lockdep.facts")
[ -n "$culprit" ] || diag "no culprit frame selected"
ok $([ -n "$culprit" ] && grep -qE "^[a-z].*[ *]${culprit%% *}\(" "$a" && echo 0 || echo 1) "...the culprit's frame is a function of the lab's own (${culprit%% *})"
before_report "$SCRATCH/lockdep.facts" 'circular locking dependency' "...before lockdep printed its report"
# locks at the catch, then lockdep's own list of them once it reports
run_umdbg "$SCRATCH/locks" --flavour debug --catch lockdep \
	--share "$SCRATCH/04-deadlock" --run 'insmod abba.ko' \
	--batch -ex locks -ex continue
tr -d '\r' <"$SCRATCH/locks" >"$SCRATCH/locks.txt"
ours=$(sed -n 's/^ #0: \([0-9a-f]*\) (\([^)]*\)), at: \([a-z_]*+0x[0-9a-f]*\) at .*/\1 \2 \3/p' "$SCRATCH/locks.txt")
theirs=$(sed -n 's/^\[[ 0-9.]*\]  #0: \([0-9a-f]*\) (\([^)]*\)){.*}, at: \([a-z_]*+0x[0-9a-f]*\)\/.*/\1 \2 \3/p' "$SCRATCH/locks.txt" | head -1)
is "${ours:-(none)}" "${theirs:-(lockdep printed none)}" "locks: the lock held, as lockdep's report then lists it (map, name, where taken)"
line_in lock_line "$a" 'mutex_lock\(&a->lock\)'
like "$SCRATCH/locks.txt" "^ #0: [0-9a-f]+ \(&abba_[a-z]+\.lock\), at: move\+0x[0-9a-f]+ at .*/abba.c:$lock_line \[abba\]\$" \
	"...taken in move, at its first mutex_lock's line"

# A hung task: insmod sleeps uninterruptibly; the detector's timeout is
# brought down to 2 seconds (time-travel makes them pass at once).
s=$TOP/samples/catch/umdbg_catch.c
run_umdbg "$SCRATCH/hung" --flavour debug --catch hung \
	--run 'echo 2 >/proc/sys/kernel/hung_task_timeout_secs; insmod /lib/modules/umdbg_catch.ko what=hang' \
	--batch --json -ex "dmesg -n 30" -ex ps
is "$rc" 2 "catch hung: stops"
tr -d '\r' <"$SCRATCH/hung" >"$SCRATCH/hung.txt"
facts "$SCRATCH/hung.txt" >"$SCRATCH/hung.facts"
like "$SCRATCH/hung.facts" '^detail INFO: task insmod:[0-9]+ blocked for more than [0-9]+ seconds\.$' \
	"...the reason: the detector's words (task and pid)"
before_report "$SCRATCH/hung.facts" 'blocked for more than' "...before it printed them"
pid=$(sed -n 's/^detail INFO: task insmod:\([0-9]*\) .*/\1/p' "$SCRATCH/hung.facts")
line_in hang_line "$s" 'UMDBG-CATCH hang'
run_umdbg "$SCRATCH/hung-bt" --flavour debug --catch hung \
	--run 'echo 2 >/proc/sys/kernel/hung_task_timeout_secs; insmod /lib/modules/umdbg_catch.ko what=hang' \
	--batch -ex "bt $pid"
like "$SCRATCH/hung-bt" "catch_wait\+0x[0-9a-f]+ at .*/umdbg_catch.c:$hang_line" \
	"bt of the hung task shows where it sleeps"
