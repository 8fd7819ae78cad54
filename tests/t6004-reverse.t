#!/bin/bash
# t6004-reverse: real gdb going backwards in a replay of the real guest's
# panic - reverse-continue to an earlier breakpoint hit, reverse-stepi and
# stepi back to the same pc, a watchpoint hit found backwards,
# reverse-step, reverse-next, reverse-finish, the start of the recording,
# reverse-continue with hits counted going forward, and the
# monitor's when/goto/restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 32

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >"$SCRATCH/record.out" 2>&1
is "$?" 3 "recorded the panic scenario"

# gdb_replay NAME GDB-ARGS...: replay under --gdb --wait, run gdb with
# the given -ex commands (connected, pagination off), output in NAME.
gdb_replay() {
	local name=$1 upid i
	shift
	rm -f "$SCRATCH/sock"
	"$UMDBG" replay "$SCRATCH/panic.trace" --gdb "unix:$SCRATCH/sock" --wait \
		<&- >"$SCRATCH/$name.umdbg" 2>&1 &
	upid=$!
	wait_until 10 "the socket $SCRATCH/sock" [ -S "$SCRATCH/sock" ]
	timeout -k 5 300 gdb -nx -batch -ex 'set pagination off' \
		-ex "target extended-remote $SCRATCH/sock" "$@" -ex kill \
		>"$SCRATCH/$name" 2>&1
	wait "$upid"
	gdb_rc=$?
}

# rips FILE: the rip values `info registers rip` printed, one per line.
rips() { sed -n 's/^rip  *\(0x[0-9a-f]*\) .*/\1/p' "$1"; }

gdb_replay rc -ex 'break panic' -ex continue -ex 'break vprintk_emit' \
	-ex reverse-continue -ex 'info registers rip' -ex 'p fmt' \
	-ex reverse-stepi -ex 'info registers rip' \
	-ex stepi -ex 'info registers rip'
is "$gdb_rc" 0 "reverse-continue: umdbg ends when gdb kills"
like "$SCRATCH/rc" 'Breakpoint 1, panic \(fmt=' "forward to the panic breakpoint first"
like "$SCRATCH/rc" 'Breakpoint 2, vprintk_emit \(' "reverse-continue stops at the earlier breakpoint"
like "$SCRATCH/rc" '^\$1 = 0x[0-9a-f]+ "\\0016sysrq: %s\\n"' "it is the last printk before the panic (sysrq's)"
set -- $(rips "$SCRATCH/rc")
is "$#" 3 "three rips printed"
ok $([ "$2" != "$1" ] && echo 0 || echo 1) "reverse-stepi moves to another instruction ($2)"
like "$SCRATCH/rc" '^0x[0-9a-f]+ in vprintk_default \(' "reverse-stepi lands in the caller, vprintk_default"
is "$3" "$1" "stepi after reverse-stepi returns to the same pc"
unlike "$SCRATCH/rc" 'Remote failure|Error' "no errors from the stub"

# reverse-continue to a watchpoint's trigger, on both paths
# (tests/watch-mode.sh: the debug registers where they trap, emulated)
reverse_watch() {
	gdb_replay watch -ex 'break panic' -ex continue -ex delete \
		-ex 'watch total_forks' -ex reverse-continue -ex 'p total_forks' \
		-ex reverse-continue -ex 'p total_forks'
	like "$SCRATCH/watch" 'Hardware watchpoint 2: total_forks' "$WATCH_PATH: watch total_forks"
	old=$(sed -n 's/^Old value = //p' "$SCRATCH/watch" | head -1)
	new=$(sed -n 's/^New value = //p' "$SCRATCH/watch" | head -1)
	is "$((old - 1))" "$new" "$WATCH_PATH: reverse-continue finds the last write backwards (old $old, new $new)"
	is "$(sed -n 's/^Old value = //p' "$SCRATCH/watch" | sed -n 2p)" "$new" "$WATCH_PATH: the next reverse-continue finds the write before it"
	like "$SCRATCH/watch" '^copy_process \(.*kernel/fork\.c:[0-9]+' "$WATCH_PATH: the write is in copy_process"
}
watch_both reverse_watch 4

# A line of panic's body from this kernel: the `if (panic_on_warn)` after
# the copy of crash_kexec_post_notifiers.  The function that holds it is
# panic itself, or vpanic where panic became a wrapper around it
# (6.12.118); its caller on the sysrq path is then sysrq_handle_crash, or
# panic.  Which line a step back lands on is the compiler's scheduling
# (the copy, or the prologue's brace when the copy's load moved into the
# prologue): it must be an earlier line of the same function, at an
# instruction before the line's, the same for reverse-step and
# reverse-next (the lines between have no calls).
guest_line decl kernel/panic.c '_crash_kexec_post_notifiers = crash_kexec_post_notifiers;'
guest_line at kernel/panic.c 'if \(panic_on_warn\)' "$decl"
guest_func_at body "kernel/panic.c:$at"
guest_addr body_at "$body"
guest_line_addr at_addr "kernel/panic.c:$at"
if [ "$body" = panic ]; then caller=sysrq_handle_crash; else caller=panic; fi
guest_file_of callerfile "$caller"
gdb_replay finish -ex "break kernel/panic.c:$at" -ex continue -ex delete \
	-ex reverse-step -ex 'info registers rip' -ex next \
	-ex reverse-next -ex 'info registers rip' \
	-ex reverse-finish -ex 'info registers rip' -ex 'bt 1'
like "$SCRATCH/finish" "Breakpoint 1, $body \\(.*kernel/panic\\.c:$at" "at panic.c:$at, in $body"
# the source lines gdb showed (breakpoint, reverse-step, next,
# reverse-next) and the rips after reverse-step and reverse-next
lines=$(sed -nE 's/^(0x[0-9a-f]+	)?([0-9]+)	.*/\2/p' "$SCRATCH/finish" | head -4 | tr '\n' ' ')
read -r l1 l2 l3 l4 <<<"$lines"
read -r r1 r2 _ <<<"$(rips "$SCRATCH/finish" | tr '\n' ' ')"
[ -n "$l2" ] && [ "$l2" = "$l4" ] && [ "$l2" -lt "$at" ] && [ -n "$r1" ] &&
	[ "$r1" = "$r2" ] && [ $((r1)) -ge $((body_at)) ] && [ $((r1)) -lt $((at_addr)) ]
ok $? "reverse-step and reverse-next each go back to the same earlier line ($l2, at $r1, before $at_addr)"
is "$l1 $l3" "$at $at" "next goes forward again ($at)"
like "$SCRATCH/finish" "^#0  0x[0-9a-f]+ in $caller \\(.*${callerfile//./\\.}:[0-9]+" "reverse-finish returns to the caller, $caller"
like "$SCRATCH/finish" "^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <$caller\\+[0-9]+>" "at the call instruction"

gdb_replay begin -ex 'break panic' -ex continue -ex delete -ex reverse-continue \
	-ex 'monitor when' -ex 'monitor goto 100' -ex 'monitor when' \
	-ex 'monitor restart' -ex 'monitor when'
like "$SCRATCH/begin" 'No more reverse-execution history' "reverse-continue without breakpoints: the start of the recording"
like "$SCRATCH/begin" '^event 0: the start of the recording$' "monitor when: at the start"
like "$SCRATCH/begin" '^goto: event 100, 0x[0-9a-f]+ ' "monitor goto 100"
like "$SCRATCH/begin" '^event 100$' "monitor when: event 100"
like "$SCRATCH/begin" '^restart: event 0, ' "monitor restart"
is "$(grep -c '^event 0: the start of the recording$' "$SCRATCH/begin")" 2 "monitor when after restart: the start again"

# Counted forwards: hit 21 of vprintk_emit, then back to hit 20 without a
# re-run to find it; a fresh replay that goes forward to hit 20 must see
# the same moment.
gdb_replay fast -ex 'break vprintk_emit' -ex 'ignore 1 20' -ex continue \
	-ex reverse-continue -ex 'p fmt' -ex 'p $rsp' -ex 'p/x $rdi'
gdb_replay slow -ex 'break vprintk_emit' -ex 'ignore 1 19' -ex continue \
	-ex 'p fmt' -ex 'p $rsp' -ex 'p/x $rdi'
grep '^\$[0-9]* = ' "$SCRATCH/fast" | sed 's/^\$[0-9]* = //' >"$SCRATCH/fast.vals"
grep '^\$[0-9]* = ' "$SCRATCH/slow" | sed 's/^\$[0-9]* = //' >"$SCRATCH/slow.vals"
is "$(wc -l <"$SCRATCH/fast.vals")" 3 "reverse-continue from hit 21: three values printed"
cmp -s "$SCRATCH/fast.vals" "$SCRATCH/slow.vals"
ok $? "it is hit 20, as a replay going forward to hit 20 sees it"
unlike "$SCRATCH/fast" 'Remote failure|Error' "no errors from the stub"

done_testing
