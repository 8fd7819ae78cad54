#!/bin/bash
# t5017-watch-cond: `watch EXPR if COND` on the real guest.  The lab 7
# module (samples/labs/07-race), run in simulated time, counts
# race_counter from 0 to 200 with two threads and loses no update (no
# tick comes in the middle of an increment), one write per increment:
# a condition on the new value, one on $old (the value before the
# write) and one on another variable stop exactly where they hold; a
# condition that does not evaluate is refused when set; and in a replay
# of that run, rc goes back to the previous trigger where the condition
# held, past the ones where it did not.  On both watchpoint paths
# (tests/watch-mode.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 28

mod=$SCRATCH/race
cp -r "$TOP/samples/labs/07-race" "$mod"
"$UMDBG" module "$mod" >"$SCRATCH/module.log" 2>&1
ok $? "the lab 7 module builds"
# A simulated-time run of it, recorded, for rc.
"$UMDBG" --record "$SCRATCH/race.trace" --share "$mod" --run 'insmod race.ko' \
	</dev/null >"$SCRATCH/record.log" 2>&1
like "$SCRATCH/record.log" '\] race: counter 200, as expected$' "recorded: simulated time loses no update"

# batch NAME ARGS...: umdbg on the module, stopped where race_fn starts
batch() {
	local name=$1
	shift
	timeout -k 5 120 "$UMDBG" --share "$mod" --run 'insmod race.ko' \
		--break race_fn --batch -ex 'delete 1' "$@" </dev/null >"$SCRATCH/$name" 2>&1
}

cond_tests() {
	batch new -ex 'watch race_counter if race_counter == 150' -ex c \
		-ex 'p race_counter'
	like "$SCRATCH/new" '^watchpoint 2: watch race_counter if race_counter == 150 at 0x[0-9a-f]+, 4 bytes, value 0x0$' \
		"$WATCH_PATH: the condition is part of the watchpoint"
	like "$SCRATCH/new" '^  old value 0x95 \(149\), new value 0x96 \(150\)$' \
		"$WATCH_PATH: it stops where the condition first holds (149 -> 150)"
	like "$SCRATCH/new" '^race_counter = 150$' "$WATCH_PATH: and nowhere before"

	batch old -ex 'watch race_counter if $old == 99' -ex c -ex c
	like "$SCRATCH/old" '^  old value 0x63 \(99\), new value 0x64 \(100\)$' \
		"$WATCH_PATH: \$old is the value before the write"
	is "$(grep -c '^  old value' "$SCRATCH/old")" 1 \
		"$WATCH_PATH: no other write stops (the second c runs to the end)"

	batch other -ex 'watch race_counter if race_done[1] == 3' -ex c \
		-ex 'p race_done[1]'
	like "$SCRATCH/other" '^race_done\[1\] = 3$' "$WATCH_PATH: a condition on another variable"
	like "$SCRATCH/other" '^  old value 0x[0-9a-f]+ \([0-9]+\), new value 0x[0-9a-f]+ \([0-9]+\)$' \
		"$WATCH_PATH: ...stopped by a write of race_counter"

	# --watch takes the same "EXPR if COND", from the first instruction
	timeout -k 5 120 "$UMDBG" --scenario halt --batch \
		--watch 'jiffies_64 if jiffies_64 > $old' </dev/null \
		>"$SCRATCH/cmdline" 2>&1
	like "$SCRATCH/cmdline" '^watchpoint 1: watch jiffies_64 if jiffies_64 > \$old at 0x[0-9a-f]+, 8 bytes' \
		"$WATCH_PATH: --watch 'EXPR if COND' sets a conditional watchpoint"
	like "$SCRATCH/cmdline" '^umdbg: watchpoint 1 \(watch jiffies_64 if jiffies_64 > \$old\) hit' \
		"$WATCH_PATH: ...which stops the guest"

	batch bad -ex 'watch race_counter if no_such_thing > 1'
	like "$SCRATCH/bad" "^watch: condition 'no_such_thing > 1': .*no_such_thing" \
		"$WATCH_PATH: a condition that does not evaluate is refused"

	# In the replay: to the 100th write, then rc: the 50th, past the
	# 49 writes where the condition did not hold.
	timeout -k 5 120 "$UMDBG" replay "$SCRATCH/race.trace" --break race_fn --batch \
		-ex 'delete 1' -ex 'watch race_counter if race_counter % 50 == 0' -ex c -ex c \
		-ex rc -ex 'p race_counter' </dev/null >"$SCRATCH/rc" 2>&1
	like "$SCRATCH/rc" '^  old value 0x63 \(99\), new value 0x64 \(100\)$' \
		"$WATCH_PATH: replay: c twice, to the 100th write"
	like "$SCRATCH/rc" '^rc: watchpoint 2 \(watch race_counter if race_counter % 50 == 0\), value 0x32 \(50\)$' \
		"$WATCH_PATH: rc goes back to the previous write where the condition held"
}

watch_both cond_tests 12

# --watch is parsed as the prompt's watch is: one clear line, exit 1.
for spec in 'jiffies_64 if' 'jiffies_64 4 8'; do
	run_umdbg "$SCRATCH/badw" --scenario halt --watch "$spec"
	ok $([ "$rc" = 1 ] && [ "$(grep -c . "$SCRATCH/badw")" = 1 ] &&
	     grep -q "^umdbg: --watch '$spec': expected EXPR \[LEN\] \[if COND\]\$" "$SCRATCH/badw" &&
	     echo 0 || echo 1) "--watch '$spec': refused in one line"
done
done_testing
