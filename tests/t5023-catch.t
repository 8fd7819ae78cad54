#!/bin/bash
# t5023-catch: catchpoints on the real guest (docs/forensics.md).
# samples/catch makes the kernel WARN, BUG, oops or panic in a function
# of its own; --catch KIND must stop before the kernel prints its report
# (the kernel log does not have it yet), say why in one line (the file and
# line from the sample's source), and select the culprit's frame.  A
# catchpoint on a busy function (bug: _printk) lets the other calls pass.
# gdb sets one with `monitor catch`.  Bad kinds are errors.
. "$(dirname "$0")/lib.sh"
need_guest
plan 32

src=$TOP/samples/catch/umdbg_catch.c
line_in warn_line "$src" 'UMDBG-CATCH warn'
line_in bug_line "$src" 'UMDBG-CATCH bug'
line_in oops_line "$src" 'UMDBG-CATCH oops'
line_in panic_line "$src" 'UMDBG-CATCH panic'
facts() { python3 "$TOP/tests/helpers/rows-facts.py" "$1"; }

# catch_run KIND WHAT: umdbg --catch KIND with the sample doing WHAT, the
# stop's report in JSON and the kernel log then; $S the text, $F facts.
catch_run() {
	run_umdbg "$SCRATCH/$1-$2" --catch "$1" \
		--run "insmod /lib/modules/umdbg_catch.ko what=$2" \
		--batch --json -ex "dmesg -n 40" -ex frame -ex catch
	S=$SCRATCH/$1-$2.txt
	tr -d '\r' <"$SCRATCH/$1-$2" >"$S"
	F=$SCRATCH/$1-$2.facts
	python3 "$TOP/tests/helpers/stop-facts.py" "$S" >"$F"
}
fact() { awk -v k="$1" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$F"; }

catch_run warn warn
is "$rc" 2 "catch warn: stops (exit status 2)"
like "$F" '^why catchpoint 1 \(catch warn\) hit in thread [0-9]+$' "...at catchpoint 1"
like "$F" "^detail WARNING at .*/umdbg_catch.c:$warn_line in catch_check_level\$" \
	"...the reason: the WARN's file:line, and its function"
is "$(fact culprit)" "catch_check_level $warn_line" "...the culprit's frame selected"
before_report "$F" '(cut here|WARNING: CPU)' "...before the kernel printed its report"
is "$(fact catchstop)" "1 True $(fact detail)" \
	"...and catch says it in a row: catchpoint 1, the culprit selected, the reason"

catch_run bug bug
is "$rc" 2 "catch bug: stops"
like "$F" "^detail BUG: failure at .*/umdbg_catch.c:$bug_line/catch_check_level\(\)!\$" \
	"...the reason: BUG()'s own words"
is "$(fact culprit)" "catch_check_level $bug_line" "...the culprit's frame selected"
before_report "$F" 'BUG: failure' "...before the kernel printed it"

catch_run oops oops
is "$rc" 2 "catch oops: stops"
like "$F" "^detail kernel mode fault at ip 0x[0-9a-f]+, catch_poke at .*/umdbg_catch.c:$oops_line \[umdbg_catch\]\$" \
	"...the reason: the faulting ip, its function and line"
is "$(fact culprit)" "catch_poke $oops_line" "...its frame, beyond UML's signal frame, selected"
before_report "$F" 'Kernel mode fault' "...before UML panics"

catch_run panic panic
is "$rc" 2 "catch panic: stops"
is "$(fact detail)" "panic: umdbg_catch gives up with code 3" "...the reason: panic's message, formatted"
is "$(fact culprit)" "catch_give_up $panic_line" "...the caller's frame selected"
before_report "$F" 'Kernel panic' "...before panic printed it"

# A WARN while only BUG is caught: every printk (the WARN's own report
# too) passes, and the module loads.
catch_run bug warn
is "$rc" 0 "catch bug, the sample WARNs: no stop, the guest powers off"
like "$S" 'umdbg_catch: warn done' "...the module loaded"
like "$S" 'WARNING: .*umdbg_catch' "...and the kernel printed its WARN report"

# gdb: monitor catch, continue; the stop is the catch's.
gdb_at_stop --wait --run "insmod /lib/modules/umdbg_catch.ko what=panic" -- \
	-ex "monitor catch panic" -ex "monitor catch" -ex continue \
	-ex "monitor frame" -ex "monitor break" -ex "monitor catch" -ex kill
like "$SCRATCH/out" '^catchpoint 1 at catch panic \(1 location\)$' "gdb: monitor catch panic sets catchpoint 1"
like "$SCRATCH/out" '^  kasan +a KASAN report \(CONFIG_KASAN\) - not in this kernel$' "monitor catch lists the kinds, and which this kernel lacks"
like "$SCRATCH/out" 'received signal SIGTRAP' "...continue stops"
like "$SCRATCH/out" '^ *#1 +0x[0-9a-f]+ catch_give_up\+0x[0-9a-f]+ at ' "...and monitor frame is the culprit's, frame 1"
like "$SCRATCH/out" '^ *1 +catch +catch panic +hits 1 ' "monitor break lists it as a catchpoint, hit once"
like "$SCRATCH/out" "^stopped at catchpoint 1: panic: umdbg_catch gives up with code 3 \(the culprit's frame is selected\)\$" \
	"monitor catch tells gdb's user why it stopped"

# Bad kinds, and kinds this kernel cannot report.
run_umdbg "$SCRATCH/nokind" --catch nope --scenario halt
is "$rc" 1 "an unknown kind: exit status 1"
like "$SCRATCH/nokind" "^umdbg: no catchpoint 'nope' \(warn, bug, oops, panic, kasan, lockdep, hung\)\$" "...naming the kinds"
run_umdbg "$SCRATCH/nokasan" --catch kasan --scenario halt
is "$rc" 1 "catch kasan without KASAN: exit status 1"
like "$SCRATCH/nokasan" "^umdbg: catch kasan: the kernel cannot report a KASAN report \(CONFIG_KASAN\): it has no 'kasan_report'\$" \
	"...says why (the debug guest has it)"
is "$(grep -c . "$SCRATCH/nokasan")" 1 "...in one line"
