#!/bin/bash
# t5004-work-boots: 20 consecutive boots of the `work` scenario (300
# fork/exec + 80 MB dd) under umdbg, 10 with time-travel=inf-cpu (the
# scenario default) and 10 without: all reach the end.  This is the
# regression test for the AMX XSAVE patch (guest/patches/): without it
# every run dies with "ptrace set fp regs failed" or put_fp_registers.
. "$(dirname "$0")/lib.sh"
need_guest
plan 40

for i in $(seq 10); do
	run_umdbg "$SCRATCH/tt$i" --scenario work
	ok $([ "$rc" = 0 ] && grep -q '^umdbg-guest: work done: 300 fork/exec' "$SCRATCH/tt$i" && echo 0 || echo 1) \
		"time-travel boot $i: work done, exit $rc"
	unlike "$SCRATCH/tt$i" 'fp_registers|fp regs failed|Kernel panic' "time-travel boot $i: no FP register failure"
done
for i in $(seq 10); do
	run_umdbg "$SCRATCH/rt$i" "$TOP/guest/linux" mem=128M \
		initrd="$TOP/guest/rootfs.cpio.gz" con=null con0=fd:0,fd:1 \
		umdbg.scenario=work
	ok $([ "$rc" = 0 ] && grep -q '^umdbg-guest: work done: 300 fork/exec' "$SCRATCH/rt$i" && echo 0 || echo 1) \
		"real-time boot $i: work done, exit $rc"
	unlike "$SCRATCH/rt$i" 'fp_registers|fp regs failed|Kernel panic' "real-time boot $i: no FP register failure"
done
done_testing
