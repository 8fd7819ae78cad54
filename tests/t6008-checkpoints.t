#!/bin/bash
# t6008-checkpoints: a replay that goes back through checkpoints stops
# exactly where one that re-runs from the start does, stop for stop and
# byte for byte (the report, registers, backtrace, a CRC of the kernel's
# data, the task list), on the real guest's `work` scenario: twenty
# reverse-continues back through its fork/exec loop and gotos to events;
# a late breakpoint's hit and a late watchpoint's trigger named, and
# reverse-stepped, from a checkpoint (and from the start, the same); a
# checkpoint taken where the user stopped, gone back through.
# Checkpoints are bounded (--checkpoints N) and a killed umdbg leaves no
# checkpoint process behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 26

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/work.trace" --scenario work \
	</dev/null >"$SCRATCH/record.out" 2>&1
is "$?" 0 "recorded the work scenario"

# The event of the guest's "work done" line: just after its workload.
"$UMDBG" trace dump "$SCRATCH/work.trace" >"$SCRATCH/dump"
done_ev=$(sed -n 's/^\([0-9]*\) write(.*"umdbg-guest: work done.*/\1/p' \
	"$SCRATCH/dump" | head -1)
ok $([ -n "$done_ev" ] && echo 0 || echo 1) "the trace has the workload's end (event $done_ev)"

# The kernel's data and bss, from its symbols.
sym() { nm "$TOP/guest/linux" | awk -v s="$1" '$3 == s {print $1}'; }
data_len=$((0x$(sym _end) - 0x$(sym _sdata)))

# Twenty exits of the workload's fork/exec loop, described (when, regs,
# bt, a CRC of the kernel's data): reached going back through
# checkpoints from the end of the workload (reverse-continue), and
# going forward from the start (continue), which takes none.  Then gotos
# back to events, likewise.
describe=(-ex when -ex regs -ex bt -ex "memcrc &_sdata $data_len")
back=(-ex "goto $done_ev")
for i in $(seq 20); do back+=(-ex rc "${describe[@]}"); done
back+=(-ex "goto $((done_ev / 2))" -ex regs -ex "goto $((done_ev - 1))" -ex regs -ex bt)
timeout -k 5 600 "$UMDBG" replay "$SCRATCH/work.trace" --break do_exit \
	--batch "${back[@]}" -ex checkpoints </dev/null >"$SCRATCH/ckpt" 2>&1
is "$?" 2 "through checkpoints: the commands ran"
last=$(sed -n 's/^event [0-9]*: run \([0-9]*\) of .*/\1/p' "$SCRATCH/ckpt" | head -1)
ok $([ "${last:-0}" -gt 20 ] && echo 0 || echo 1) "the last exit before the end is run $last of do_exit"
fwd=()
for i in $(seq $((last - 20))); do fwd+=(-ex continue); done
for i in $(seq 19); do fwd+=("${describe[@]}" -ex continue); done
fwd+=("${describe[@]}")
fwd+=(-ex "goto $((done_ev / 2))" -ex regs -ex "goto $((done_ev - 1))" -ex regs -ex bt)
timeout -k 5 600 "$UMDBG" replay "$SCRATCH/work.trace" --checkpoints 0 \
	--break do_exit --batch "${fwd[@]}" </dev/null >"$SCRATCH/start" 2>&1
is "$?" 2 "from the start, forward: the commands ran"

# blocks FILE: what each description printed, a block a line (the
# stops' own report lines left out), in the order of the runs
blocks() {
	awk 'in_b && /^  (r|fs|#)|^crc32/ { b = b "|" $0; next }
	     in_b { print b; in_b = 0 }
	     /^event [0-9]*: run / { b = $0; in_b = 1 }
	     END { if (in_b) print b }' "$1" | sort -t' ' -k4,4n
}
blocks "$SCRATCH/ckpt" >"$SCRATCH/ckpt.blocks"
blocks "$SCRATCH/start" >"$SCRATCH/start.blocks"
is "$(wc -l <"$SCRATCH/ckpt.blocks")" 20 "twenty reverse-continues stopped and were described"
if cmp -s "$SCRATCH/start.blocks" "$SCRATCH/ckpt.blocks"; then
	ok 0 "every stop, register, frame and CRC is the same"
else
	diff "$SCRATCH/start.blocks" "$SCRATCH/ckpt.blocks" | cut -c1-200 | head -6 | sed 's/^/# /'
	ok 1 "every stop, register, frame and CRC is the same"
fi
sed -n '/^goto: event '$((done_ev / 2))'/,$p' "$SCRATCH/ckpt" | grep -v checkpoint >"$SCRATCH/ckpt.tail"
sed -n '/^goto: event '$((done_ev / 2))'/,$p' "$SCRATCH/start" >"$SCRATCH/start.tail"
if [ -s "$SCRATCH/ckpt.tail" ] && cmp -s "$SCRATCH/start.tail" "$SCRATCH/ckpt.tail"; then
	ok 0 "the gotos back to events of the boot show the same"
else
	diff "$SCRATCH/start.tail" "$SCRATCH/ckpt.tail" | head -6 | sed 's/^/# /'
	ok 1 "the gotos back to events of the boot show the same"
fi
unlike "$SCRATCH/ckpt" 'diverged at' "no divergence"
restored=$(sed -n 's/.* \([0-9]*\) restored.*/\1/p' "$SCRATCH/ckpt")
ok $([ "${restored:-0}" -ge 10 ] && echo 0 || echo 1) "the checkpoint run restored checkpoints ($restored times)"

# A breakpoint set late (after the boot passed it): its hit has no name
# until reverse-stepi asks for one.  With checkpoints (one per 10 ms
# here) it is named from the newest checkpoint before it that leads to
# it (the same registers, stack and kernel data), and reverse-stepi
# steps back from that checkpoint too; without, both re-run from the
# start.  Every place, register, frame and count is the same.
late=()
for i in $(seq 30); do late+=(-ex continue); done
late+=(-ex "break copy_process" -ex continue -ex when -ex "p total_forks")
for i in 1 2 3; do late+=(-ex reverse-stepi -ex when -ex regs -ex bt); done
late+=(-ex "p total_forks" -ex "stepi 2" -ex rc -ex when -ex regs -ex "p total_forks")
late+=(-ex rc -ex when -ex regs -ex "p total_forks")
for mode in near start; do
	[ $mode = near ] && ck=(--checkpoint-every 10) || ck=(--checkpoints 0)
	timeout -k 5 300 "$UMDBG" replay "$SCRATCH/work.trace" "${ck[@]}" \
		--break do_exit --batch "${late[@]}" </dev/null >"$SCRATCH/late.$mode" 2>&1
	echo "status $?" >>"$SCRATCH/late.$mode"
	# the names of the stepped places differ (from the start, from a
	# checkpoint); everything else is compared
	grep -v '^event [0-9]*: run [0-9]* of 0x[0-9a-f]*.* then [1-9][0-9]* steps$\|^checkpoint at' \
		"$SCRATCH/late.$mode" >"$SCRATCH/late.$mode.cmp"
done
is "$(grep -c '^event [0-9]*: run [0-9]* of 0x[0-9a-f]* since the checkpoint at event [0-9]*, then [0-9]* steps$' "$SCRATCH/late.near")" 3 \
	"a late breakpoint's hit, reverse-stepped thrice: named from a checkpoint"
# Its function's loop runs with the same registers and stack each time:
# the fork counter before the hit and after the steps back is the same
# (not an earlier turn's).
forks() { grep '^total_forks = ' "$1" | head -2 | cut -d' ' -f3 | sort -u | wc -l; }
is "$(forks "$SCRATCH/late.near") $(forks "$SCRATCH/late.start")" "1 1" \
	"...back in the same turn of the fork loop, both ways"
if grep -q '^status 2$' "$SCRATCH/late.start" &&
   grep -q '^total_forks = ' "$SCRATCH/late.start" &&
   cmp -s "$SCRATCH/late.start.cmp" "$SCRATCH/late.near.cmp"; then
	ok 0 "...the same places, registers, frames and counts as from the start"
else
	diff "$SCRATCH/late.start.cmp" "$SCRATCH/late.near.cmp" | cut -c1-200 | head -8 | sed 's/^/# /'
	ok 1 "...the same places, registers, frames and counts as from the start"
fi

# Stepped across a traced syscall (the workload's last write): the
# single-step leaves no trace in the registers (the trap flag `syscall`
# would save in r11), so reverse-stepi finds the moment again and goes
# back over the syscall.
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/work.trace" --break do_exit --batch \
	-ex "goto $done_ev" -ex stepi -ex stepi -ex stepi -ex reverse-stepi \
	-ex reverse-stepi </dev/null >"$SCRATCH/sys" 2>&1
pcs=$(grep -oE '^(goto: event [0-9]+, |rs: event [0-9]+, )?0x[0-9a-f]+ ' "$SCRATCH/sys" | grep -oE '0x[0-9a-f]+ $' | tr -d ' ' | tr '\n' ' ')
set -- $pcs
# goto, stepi (off the event stop: the same pc), stepi (the syscall),
# stepi, reverse-stepi, reverse-stepi
is "$#/${5:-}/${6:-}" "6/${3:-}/${1:-}" \
	"stepped over the write syscall and back: reverse-stepi lands after it, then on it ($pcs)"

# A watchpoint set late: its trigger is named from a checkpoint too (for
# emulated watchpoints, one taken before the watchpoint was set: none is
# taken while it is), and reverse-stepi from it lands where it does from
# the start, in the same turn.
late_watch() {
	local mode
	wl=()
	for i in $(seq 20); do wl+=(-ex continue); done
	wl+=(-ex "watch total_forks" -ex continue -ex "p total_forks")
	wl+=(-ex reverse-stepi -ex when -ex regs -ex "p total_forks")
	for mode in near start; do
		[ $mode = near ] && ck=(--checkpoint-every 10) || ck=(--checkpoints 0)
		timeout -k 5 300 "$UMDBG" replay "$SCRATCH/work.trace" "${ck[@]}" \
			--break do_exit --batch "${wl[@]}" </dev/null >"$SCRATCH/lw.$mode" 2>&1
		echo "status $?" >>"$SCRATCH/lw.$mode"
		grep -v '^event [0-9]*: run ' "$SCRATCH/lw.$mode" >"$SCRATCH/lw.$mode.cmp"
	done
	like "$SCRATCH/lw.near" '^event [0-9]*: run [0-9]* of 0x[0-9a-f]* since the checkpoint at event [0-9]*, then [0-9]* steps$' \
		"$WATCH_PATH: reverse-stepi from a late watchpoint's trigger: from a checkpoint"
	if grep -q '^status 2$' "$SCRATCH/lw.start" &&
	   [ "$(grep -c '^total_forks = ' "$SCRATCH/lw.start")" = 2 ] &&
	   cmp -s "$SCRATCH/lw.start.cmp" "$SCRATCH/lw.near.cmp"; then
		ok 0 "$WATCH_PATH: ...the same place, registers and fork count as from the start"
	else
		diff "$SCRATCH/lw.start.cmp" "$SCRATCH/lw.near.cmp" | cut -c1-200 | head -6 | sed 's/^/# /'
		ok 1 "$WATCH_PATH: ...the same place, registers and fork count as from the start"
	fi
}
watch_both late_watch 2

# A checkpoint where the user stopped: with ticks too far apart to
# come (one per 100 s of running), the one held is the first stop's, at
# the first hit of do_exit; two reverse-continues from the 31st hit go
# back through it, and stop where they do from the start.
visit=(-ex when)
for i in $(seq 30); do visit+=(-ex continue); done
visit+=(-ex checkpoints -ex rc "${describe[@]}" -ex rc "${describe[@]}" -ex checkpoints)
for mode in visit start; do
	[ $mode = visit ] && ck=(--checkpoint-every 100000) || ck=(--checkpoints 0)
	timeout -k 5 300 "$UMDBG" replay "$SCRATCH/work.trace" "${ck[@]}" \
		--break do_exit --batch "${visit[@]}" </dev/null >"$SCRATCH/v.$mode" 2>&1
	blocks "$SCRATCH/v.$mode" >"$SCRATCH/v.$mode.blocks"
done
first=$(sed -n 's/^event \([0-9]*\): run 1 of .*/\1/p' "$SCRATCH/v.visit" | head -1)
at=$(sed -n 's/^checkpoint at event \([0-9]*\) .*/\1/p' "$SCRATCH/v.visit" | tail -1)
held=$(sed -n 's/^\([0-9]*\) checkpoints, .* \([0-9]*\) restored .*/\1 \2/p' "$SCRATCH/v.visit" | tail -1)
is "${at:-none} ${held:-}" "${first:-?} 1 2" "a checkpoint at the first stop (event $first, the only one), restored by both reverse-continues"
if [ "$(wc -l <"$SCRATCH/v.visit.blocks")" = 3 ] &&
   cmp -s "$SCRATCH/v.visit.blocks" "$SCRATCH/v.start.blocks"; then
	ok 0 "...they stop where they do from the start (hits 30 and 29)"
else
	diff "$SCRATCH/v.visit.blocks" "$SCRATCH/v.start.blocks" | cut -c1-200 | head -6 | sed 's/^/# /'
	ok 1 "...they stop where they do from the start (hits 30 and 29)"
fi

# Bounds: at most N held.
timeout -k 5 300 "$UMDBG" replay "$SCRATCH/work.trace" --checkpoints 3 \
	--checkpoint-every 100 --break do_exit --batch -ex "goto $done_ev" \
	-ex checkpoints </dev/null >"$SCRATCH/bound" 2>&1
held=$(sed -n 's/^\([0-9]*\) checkpoints, .*/\1/p' "$SCRATCH/bound")
dropped=$(sed -n 's/.* \([0-9]*\) dropped$/\1/p' "$SCRATCH/bound")
ok $([ "${held:-9}" -le 3 ] && [ "${dropped:-0}" -ge 1 ] && echo 0 || echo 1) \
	"--checkpoints 3: $held held, $dropped dropped"
# Emulated watchpoints set (forced, as where the debug registers do not
# trap): none taken meanwhile, and `checkpoints` says why.
UMDBG_DEBUG_REGISTERS=off timeout -k 5 120 "$UMDBG" replay "$SCRATCH/work.trace" \
	--break do_exit --batch -ex 'watch total_forks' -ex checkpoints \
	</dev/null >"$SCRATCH/emul" 2>&1
like "$SCRATCH/emul" '^[0-9]+ checkpoints, .*; none taken now \(emulated watchpoints are set\)$' \
	"emulated watchpoints set: none taken now, and why"
"$UMDBG" replay "$SCRATCH/work.trace" --checkpoints x </dev/null \
	>"$SCRATCH/bad" 2>&1
is "$?" 1 "--checkpoints x: a usage error"

# A killed umdbg leaves no checkpoint process: they are listed, umdbg
# gets SIGKILL in the middle of a reverse-continue, and all are gone.
back=()
for i in $(seq 40); do back+=(-ex rc -ex "goto $done_ev"); done
UMDBG_LOG=checkpoint UMDBG_LOG_FILE="$SCRATCH/kill.log" \
	"$UMDBG" replay "$SCRATCH/work.trace" --break do_exit --batch \
	-ex "goto $done_ev" "${back[@]}" </dev/null >"$SCRATCH/kill.out" 2>&1 &
upid=$!
wait_until 120 "three checkpoints and a restore" \
	sh -c "[ \$(cat '$SCRATCH/kill.log' 2>/dev/null | grep -c ': at event') -ge 3 ] &&
	       grep -q 'restored the one' '$SCRATCH/kill.log'"
pids=$(sed -n 's/.*: at event [0-9]* (pid \([0-9]*\)).*/\1/p' "$SCRATCH/kill.log")
kids=$(descendants "$upid")
kill -0 "$upid" 2>/dev/null
ok $? "umdbg still busy going back and forth when killed"
kill -KILL "$upid"
wait "$upid" 2>/dev/null
gone() { local p; for p in $pids $kids; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
ok $([ -n "$pids" ] && echo 0 || echo 1) "checkpoints were taken ($(echo $pids | wc -w) processes)"
wait_until 10 "the checkpoint processes to go" gone
ok $? "after SIGKILL no checkpoint process or other child of umdbg is left"
