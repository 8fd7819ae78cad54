#!/bin/bash
# t5003-processes: umdbg leaves nothing behind - not when umdbg is
# SIGKILLed mid-run, not on SIGTERM; Ctrl-C (SIGINT) stops a running
# guest and prints the report; scripted console input reaches the guest.
. "$(dirname "$0")/lib.sh"
need_guest
plan 16

# start_shell NAME: umdbg on the shell scenario, its stdin a fifo we hold
# open (not a terminal: the guest reads commands from it, without a
# prompt), output in $SCRATCH/NAME; sets $pid once the guest shell is up.
start_shell() {
	local name=$1 i
	mkfifo "$SCRATCH/$name.in"
	"$UMDBG" --scenario shell <"$SCRATCH/$name.in" >"$SCRATCH/$name" 2>&1 &
	pid=$!
	exec 3>"$SCRATCH/$name.in"
	wait_until 10 "the guest's shell in $SCRATCH/$name" \
		grep -qs "^umdbg-guest: commands from umdbg's input" "$SCRATCH/$name"
	sleep 0.3	# the shell reads its input
}

# snapshot PID: "pid starttime" of it and all its descendants.
snapshot() {
	local p
	for p in "$1" $(descendants "$1"); do
		echo "$p $(awk '{print $22}' /proc/$p/stat 2>/dev/null)"
	done
}

# survivors FILE: how many processes of a snapshot still exist.
survivors() {
	local n=0 p st
	while read -r p st; do
		alive_since "$p" "$st" && n=$((n + 1))
	done <"$1"
	echo $n
}

wait_gone() {	# wait_gone SNAPSHOT: up to 5 s for every process to go
	local i
	for i in $(seq 50); do
		[ "$(survivors "$1")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# What the host's temporary places hold before: afterwards they must
# hold exactly the same (the guest's uml_dir and memory file live in a
# private tmpfs that dies with it).
ls -A /dev/shm >"$SCRATCH/shm.before"
ls -A /tmp | grep -v "^$(basename "$SCRATCH")\$" >"$SCRATCH/tmp.before"

# end_by SIGNAL NAME: start the shell scenario, end umdbg with SIGNAL;
# sets $rc and leaves the process snapshot in $SCRATCH/NAME.procs.
end_by() {
	start_shell "$2"
	snapshot "$pid" >"$SCRATCH/$2.procs"
	kill -"$1" "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	exec 3>&-
}

end_by KILL kill
n=$(wc -l <"$SCRATCH/kill.procs")
ok $([ "$n" -ge 3 ] && echo 0 || echo 1) "SIGKILL: umdbg, its namespace init and the guest were running ($n processes)"
like "$SCRATCH/kill" 'umdbg-guest: scenario shell' "SIGKILL: guest booted to its shell"
wait_gone "$SCRATCH/kill.procs"
ok $? "SIGKILL of umdbg: no guest process survives"

end_by TERM term
is "$rc" 143 "SIGTERM: umdbg exits with 128+15"
like "$SCRATCH/term" 'umdbg: SIGTERM: ending the guest' "SIGTERM: says what it does"
wait_gone "$SCRATCH/term.procs"
ok $? "SIGTERM: no process survives"

end_by INT int
is "$rc" 2 "Ctrl-C (SIGINT) without a terminal: stopped, exit 2"
like "$SCRATCH/int" '^umdbg: guest interrupted \(Ctrl-C\) in thread [0-9]+' "Ctrl-C: the report says why"
like "$SCRATCH/int" '^  #[0-9]+ +0x[0-9a-f]+ [a-z_]+\+0x[0-9a-f]+ at [a-z/_]+\.[ch]:[0-9]+' "Ctrl-C: a backtrace with file:line"
sed -n '/^Kernel log (last 10 lines):/,/^$/p' "$SCRATCH/int" >"$SCRATCH/int.log"
is "$(grep -cE '^  \[ *[0-9]+\.[0-9]+\] ' "$SCRATCH/int.log")" 10 "Ctrl-C: the report has the last 10 kernel log lines"
wait_gone "$SCRATCH/int.procs"
ok $? "Ctrl-C: no process survives"

# Scripted console input: the guest shell runs it; poweroff ends the run.
printf 'echo marker-$((6 * 7))\npoweroff -f\n' |
	timeout -k 5 60 "$UMDBG" --scenario shell >"$SCRATCH/script" 2>&1
is "$?" 0 "scripted shell: guest powered off (exit 0)"
like "$SCRATCH/script" '^marker-42' "scripted shell: the guest ran our command"

# No stray files after all of that, however umdbg ended.
ls -A /dev/shm >"$SCRATCH/shm.after"
ls -A /tmp | grep -v "^$(basename "$SCRATCH")\$" >"$SCRATCH/tmp.after"
diff "$SCRATCH/shm.before" "$SCRATCH/shm.after" >/dev/null
ok $? "/dev/shm holds what it held before"
diff "$SCRATCH/tmp.before" "$SCRATCH/tmp.after" >/dev/null
ok $? "/tmp holds what it held before"
ok $([ -z "$(ls "$TOP" | grep -E '^(core|vgcore|umdbg\.log)')" ] && echo 0 || echo 1) "no core or log files in the work tree"
done_testing
