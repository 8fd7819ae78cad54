#!/bin/bash
# t6009-softstep: single-steps by int3 (tracer/softstep.c) take the real
# guest kernel where single-steps by the trap flag do.  A replay of the
# panic scenario is stepped from the panic breakpoint 60,000 instructions
# (through printk, its console's host syscalls and the signal handlers
# the replay delivers), in three runs of 20,000, once with steps by int3
# and once with UMDBG_SOFTSTEP=off: the registers, the backtrace and a
# CRC of the kernel image in memory (text to bss) after each run are the
# same.  The tracer's
# log says how the steps went: most by int3 in the first, none in the
# second.  And gdb's stepi over the protocol lands where the prompt's
# does.
. "$(dirname "$0")/lib.sh"
need_guest
plan 9

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >/dev/null 2>&1
is "$?" 3 "recorded the panic scenario"

# The kernel image in memory, its text to its bss, from the built kernel
# (all of the guest's memory is not the same from one replay to the
# next: free pages can differ, docs/record-replay.md).
sym() { nm "$TOP/guest/linux" | awk -v n="$1" '$3 == n { print $1 }'; }
text=$(sym _text); end=$(sym _end)
img="0x$text $((0x$end - 0x$text))"
steps=(-ex 'stepi 20000' -ex regs -ex "memcrc $img"
       -ex 'stepi 20000' -ex regs -ex "memcrc $img"
       -ex 'stepi 20000' -ex regs -ex bt -ex "memcrc $img")
for mode in on off; do
	UMDBG_SOFTSTEP=$mode UMDBG_LOG=tracer UMDBG_LOG_FILE="$SCRATCH/$mode.log" \
		run_umdbg "$SCRATCH/$mode.out" replay "$SCRATCH/panic.trace" \
		--break panic --batch "${steps[@]}"
	# what the steps reached: from the first step's place on, the
	# places, registers, frames and CRCs (not the guest's console)
	sed -n '/^0x[0-9a-f]\{16\} /,$p' "$SCRATCH/$mode.out" |
		grep -E '^(0x[0-9a-f]{16} |  [a-z0-9_]+ +0x|  #[0-9]|crc32 )' \
		>"$SCRATCH/$mode.after"
done
is "$(grep -c ' rip  *0x[0-9a-f]* ' "$SCRATCH/on.after")" 3 "by int3: registers after each of 3 runs of 20,000 steps"
is "$(grep -c '^crc32 0x[0-9a-f]* of [0-9]* bytes' "$SCRATCH/on.after")" 3 "by int3: a CRC of the kernel image in memory after each"
like "$SCRATCH/on.after" '^  #0  0x[0-9a-f]+ ' "by int3: a backtrace at the end"
cmp -s "$SCRATCH/on.after" "$SCRATCH/off.after"
same=$?
ok $same "the same registers, backtrace and memory as by the trap flag"
[ $same -eq 0 ] || diff "$SCRATCH/on.after" "$SCRATCH/off.after" | head -20 | sed 's/^/#   /'

by() { sed -n "s/.*single-steps: \([0-9]*\) by int3, \([0-9]*\) by the trap flag/\\$2/p" "$1" | head -1; }
on_int3=$(by "$SCRATCH/on.log" 1); on_trap=$(by "$SCRATCH/on.log" 2)
off_int3=$(by "$SCRATCH/off.log" 1); off_trap=$(by "$SCRATCH/off.log" 2)
ok "$([ "${on_int3:-0}" -gt 50000 ] && echo 0 || echo 1)" \
	"by int3: most of the 60,000 steps ($on_int3 by int3, $on_trap by the trap flag)"
ok "$([ "${off_int3:--1}" -eq 0 ] && [ "${off_trap:-0}" -ge 60000 ] && echo 0 || echo 1)" \
	"UMDBG_SOFTSTEP=off: all by the trap flag ($off_int3, $off_trap)"

# gdb's stepi (vCont;s) goes the same way: 300 steps from the panic
# breakpoint, the pc after each, against the prompt's.
{
	echo "set pagination off"
	for i in $(seq 300); do echo "stepi"; echo 'printf "PC %#lx\n", $pc'; done
	echo "kill"
} >"$SCRATCH/s.gdb"
gdb_at_stop replay "$SCRATCH/panic.trace" --break panic -- -x "$SCRATCH/s.gdb"
cp "$SCRATCH/out" "$SCRATCH/s.gdb.out"
grep '^PC ' "$SCRATCH/s.gdb.out" | awk '{ print $2 }' >"$SCRATCH/gdb.pcs"
pcs=()
for i in $(seq 300); do pcs+=(-ex stepi -ex 'p/x $pc'); done
UMDBG_SOFTSTEP=off run_umdbg "$SCRATCH/prompt.out" replay "$SCRATCH/panic.trace" \
	--break panic --batch "${pcs[@]}"
sed -n 's/^\$pc = \(0x[0-9a-f]*\)$/\1/p' "$SCRATCH/prompt.out" >"$SCRATCH/prompt.pcs"
is "$(wc -l <"$SCRATCH/gdb.pcs")" 300 "gdb stepped 300 times"
cmp -s "$SCRATCH/gdb.pcs" "$SCRATCH/prompt.pcs"
ok $? "gdb's steps by int3 reach the pcs of the prompt's by the trap flag"

done_testing
