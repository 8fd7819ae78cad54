#!/bin/bash
# t6003-record-replay: record the real guest and replay it - panic, the
# panic breakpoint, work and a scripted shell, each replayed and compared
# byte for byte; an edited, a truncated, a corrupt and a foreign trace; a
# recorder killed with SIGKILL; trace info and dump; gdb on a replay.
. "$(dirname "$0")/lib.sh"
need_guest
plan 74

# Thread ids are host pids: the one thing allowed to differ in a report.
# Nothing masked: reports name threads by their id in the guest's PID
# namespace, the same in the recording and every replay.
norm() { cat "$1"; }
events_of() { sed -n 's/^umdbg: \(recorded\|replayed\) \([0-9]*\) events.*/\2/p' "$1"; }

# same_runs NAME COUNT RC [ARGS]: replay NAME.trace COUNT times with
# stdin closed; every run must end with RC and print what the recording
# printed, after as many events.
same_runs() {
	local name=$1 count=$2 want=$3 i bad=0 badrc=0 badev=0
	shift 3
	for i in $(seq "$count"); do
		timeout -k 5 120 "$UMDBG" replay "$SCRATCH/$name.trace" "$@" \
			<&- >"$SCRATCH/$name.rep$i" 2>"$SCRATCH/$name.rep$i.err"
		[ $? = "$want" ] || badrc=$((badrc + 1))
		cmp -s <(norm "$SCRATCH/$name.out") <(norm "$SCRATCH/$name.rep$i") ||
			{ bad=$((bad + 1)); diff <(norm "$SCRATCH/$name.out") <(norm "$SCRATCH/$name.rep$i") | head -5 | sed 's/^/#   /'; }
		[ "$(events_of "$SCRATCH/$name.rep$i.err")" = "$(events_of "$SCRATCH/$name.err")" ] ||
			badev=$((badev + 1))
	done
	is "$badrc" 0 "$name: $count replays all end with status $want"
	is "$bad" 0 "$name: $count replays print byte for byte what the recording printed"
	is "$badev" 0 "$name: $count replays all replay $(events_of "$SCRATCH/$name.err") events"
}

# --- panic, no breakpoint: the guest aborts ------------------------------
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/panic.trace" --scenario panic \
	</dev/null >"$SCRATCH/panic.out" 2>"$SCRATCH/panic.err"
is "$?" 3 "record panic: exit status 3, as without recording"
like "$SCRATCH/panic.out" 'Kernel panic - not syncing: sysrq triggered crash' "record panic: the guest panicked"
like "$SCRATCH/panic.err" "^umdbg: recorded [0-9]+ events into '.*panic.trace'" "record panic: umdbg says what it recorded"
"$UMDBG" trace info "$SCRATCH/panic.trace" >"$SCRATCH/panic.info" 2>&1
is "$?" 0 "trace info: exit status 0"
like "$SCRATCH/panic.info" '^kernel: +build-id [0-9a-f]{40}$' "trace info: the kernel's build-id"
like "$SCRATCH/panic.info" '^command line: .*vmlinux .*umdbg.scenario=panic' "trace info: the command line"
like "$SCRATCH/panic.info" '^events: +[0-9]+ syscalls \([0-9]+ emulated in replay\), [0-9]+ signals$' "trace info: event counts"
like "$SCRATCH/panic.info" '^duration: +[0-9]+\.[0-9]{3} s$' "trace info: duration"
like "$SCRATCH/panic.info" '^state: +complete$' "trace info: complete"
like "$SCRATCH/panic.info" '^ended: +umdbg stopped the recording$' "trace info: how it ended (umdbg ended the panicked guest)"
same_runs panic 10 3
like "$SCRATCH/panic.rep1" 'umdbg: guest kernel panicked \(UML aborts with SIGABRT\)' "replay panic: the same panic report"
like "$SCRATCH/panic.rep1" ' rip +0x0000[0-9a-f]+ +eflags' "replay panic: registers in the report (compared above)"

# --- the panic breakpoint: registers and backtrace -----------------------
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/bp.trace" --break panic --scenario panic \
	</dev/null >"$SCRATCH/bp.out" 2>"$SCRATCH/bp.err"
is "$?" 2 "record with --break panic: stops there (exit 2)"
same_runs bp 3 2 --break panic
like "$SCRATCH/bp.rep1" '^  #0  0x[0-9a-f]+ panic at kernel/panic\.c:[0-9]+$' "replay --break panic: frame 0 is panic with file:line"
like "$SCRATCH/bp.rep1" '^  #1  0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+ at drivers/tty/sysrq\.c' "replay --break panic: frame 1 sysrq_handle_crash"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/bp.trace" <&- >"$SCRATCH/bp.end" 2>&1
is "$?" 2 "replay past the recording's last event: stops (exit 2)"
like "$SCRATCH/bp.end" '^umdbg: the recording ends here, after event [0-9]+$' "replay says where the recording ends"

# --- work: 300 fork/exec and 80 MB of dd ----------------------------------
timeout -k 5 120 "$UMDBG" --record "$SCRATCH/work.trace" --scenario work \
	</dev/null >"$SCRATCH/work.out" 2>"$SCRATCH/work.err"
is "$?" 0 "record work: guest powered off (exit 0)"
like "$SCRATCH/work.out" 'work done: 300 fork/exec' "record work: the workload ran"
same_runs work 10 0
"$UMDBG" trace info "$SCRATCH/work.trace" >"$SCRATCH/work.info" 2>&1
like "$SCRATCH/work.info" '^ended: +the kernel exited with status 0$' "trace info: the kernel exited"

# --- the shell with scripted input, replayed with stdin closed ------------
printf 'echo marker-$((6 * 7))\npoweroff -f\n' |
	timeout -k 5 120 "$UMDBG" --record "$SCRATCH/shell.trace" --scenario shell \
	>"$SCRATCH/shell.out" 2>"$SCRATCH/shell.err"
is "$?" 0 "record shell with scripted input: powered off (exit 0)"
like "$SCRATCH/shell.out" '^marker-42' "record shell: the guest ran our command"
"$UMDBG" trace info "$SCRATCH/shell.trace" >"$SCRATCH/shell.info" 2>&1
like "$SCRATCH/shell.info" '^events: .*, [1-9][0-9]* signals$' "shell in real time: timer and I/O signals were recorded"
same_runs shell 3 0
like "$SCRATCH/shell.rep1" '^marker-42' "replay shell: the command's output, without input"

# --- trace dump ------------------------------------------------------------
"$UMDBG" trace dump "$SCRATCH/shell.trace" >"$SCRATCH/shell.dump" 2>&1
is "$?" 0 "trace dump: exit status 0"
like "$SCRATCH/shell.dump" '^[0-9]+ write\(1, 0x[0-9a-f]+, [0-9]+\) = [0-9]+ console emulated "' "trace dump: console writes with their bytes"
like "$SCRATCH/shell.dump" '^[0-9]+ read\(0, 0x[0-9a-f]+, [0-9]+\) = 1 console emulated "e"$' "trace dump: the console input"
like "$SCRATCH/shell.dump" '^[0-9]+ --- SIG(ALRM|IO) \(pending as the syscall starts\) ---$' "trace dump: signals at their events"
like "$SCRATCH/shell.dump" '^--- end: the kernel exited with status 0 ---$' "trace dump: the end"
like "$SCRATCH/shell.dump" '^[0-9]+ openat\(AT_FDCWD, "/proc/cpuinfo", O_RDONLY\) = [0-9]+ checked$' "trace dump: a path syscall with its path (recorded), AT_FDCWD and its flags by name"
unlike "$SCRATCH/shell.dump" '^[0-9]+ openat\([0-9]' "trace dump: no openat with a raw directory fd of -100"
is "$(grep -c '^[0-9]* [a-z_0-9]*(' "$SCRATCH/shell.dump")" "$(sed -n 's/^events: *\([0-9]*\) syscalls.*/\1/p' "$SCRATCH/shell.info")" "trace dump: one line per syscall event"

# --- an edited trace: divergence at that event -----------------------------
ev=$("$UMDBG" trace dump "$SCRATCH/work.trace" | awk '$2 ~ /^read\(/ && $0 ~ /checked/ && $5 > 0 {print $1; exit}')
python3 "$TOP/tests/helpers/trace-edit.py" result "$ev" 7 "$SCRATCH/work.trace" "$SCRATCH/edited.trace"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/edited.trace" <&- >"$SCRATCH/edited.out" 2>&1
is "$?" 5 "edited trace: replay exits with status 5 (diverged)"
like "$SCRATCH/edited.out" "^umdbg: replay diverged at event $ev: read\(0x[0-9a-f]+, 0x[0-9a-f]+, 0x[0-9a-f]+\) returned [0-9]+, the recording says 7$" "edited trace: divergence named at event $ev with both results"

# --- truncated and corrupt traces -------------------------------------------
size=$(stat -c %s "$SCRATCH/work.trace")
head -c $((size / 2)) "$SCRATCH/work.trace" >"$SCRATCH/cut.trace"
"$UMDBG" trace info "$SCRATCH/cut.trace" >"$SCRATCH/cut.info" 2>&1
is "$?" 0 "truncated trace: trace info still works"
like "$SCRATCH/cut.info" '^state: +truncated' "truncated trace: trace info says truncated"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/cut.trace" <&- >"$SCRATCH/cut.out" 2>"$SCRATCH/cut.err"
is "$?" 2 "truncated trace: replay stops at its end (exit 2)"
like "$SCRATCH/cut.err" "^umdbg: the recording ends early, after event [0-9]+: '.*cut.trace' is truncated after record" "truncated trace: replay says it ends early and why"
# The console part (before the report's blank line) is a prefix of the
# recording's output.
sed '/^umdbg: replay stopped/,$d' "$SCRATCH/cut.out" | sed '$d' >"$SCRATCH/cut.head"
[ -s "$SCRATCH/cut.head" ] &&
	cmp -s "$SCRATCH/cut.head" <(head -c "$(wc -c <"$SCRATCH/cut.head")" "$SCRATCH/work.out")
ok $? "truncated trace: what replay printed is the recording's output, as far as it goes"

# One byte a third of the way in, inverted (writing a fixed value would
# change nothing where the byte already has it).
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 3] ^= 0xff
open(sys.argv[2], "wb").write(d)' "$SCRATCH/work.trace" "$SCRATCH/bad.trace"
"$UMDBG" trace info "$SCRATCH/bad.trace" >"$SCRATCH/bad.info" 2>&1
is "$?" 1 "corrupt trace: trace info fails (exit 1)"
like "$SCRATCH/bad.info" "^umdbg: '.*bad.trace': record [0-9]+ at offset [0-9]+ is corrupt" "corrupt trace: says which record"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/bad.trace" <&- >"$SCRATCH/bad.out" 2>&1
is "$?" 2 "corrupt trace: replay stops before the bad record"
like "$SCRATCH/bad.out" '^umdbg: the recording ends early, after event [0-9]+: .*corrupt' "corrupt trace: replay says why"

# --- foreign files, another kernel ------------------------------------------
"$UMDBG" replay /etc/passwd >"$SCRATCH/foreign" 2>&1
is "$?" 1 "a foreign file: exit status 1"
is "$(cat "$SCRATCH/foreign")" "umdbg: '/etc/passwd' is not a umdbg trace" "a foreign file: one clear line"
python3 "$TOP/tests/helpers/trace-edit.py" build-id "$SCRATCH/panic.trace" "$SCRATCH/other.trace"
"$UMDBG" replay "$SCRATCH/other.trace" >"$SCRATCH/other" 2>&1
is "$?" 1 "a trace of another kernel: refused (exit 1)"
like "$SCRATCH/other" "^umdbg: '.*other.trace' was recorded with another kernel \(build-id [0-9a-f]+\), not '.*' \(build-id [0-9a-f]+\)$" "a trace of another kernel: says so, with both build-ids"
is "$(wc -l <"$SCRATCH/other")" 1 "a trace of another kernel: one line"

# --- a recorder killed with SIGKILL ------------------------------------------
"$UMDBG" --record "$SCRATCH/killed.trace" --scenario work </dev/null >"$SCRATCH/killed.out" 2>&1 &
upid=$!
trace_bigger() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]; }
wait_until 10 "20 kB of trace in $SCRATCH/killed.trace" trace_bigger "$SCRATCH/killed.trace" 20000
kill -KILL "$upid"
wait "$upid" 2>/dev/null
"$UMDBG" trace info "$SCRATCH/killed.trace" >"$SCRATCH/killed.info" 2>&1
like "$SCRATCH/killed.info" '^state: +truncated' "recorder killed by SIGKILL: trace info says truncated"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/killed.trace" <&- >"$SCRATCH/killed.rep" 2>&1
is "$?" 2 "recorder killed by SIGKILL: replay plays up to its last whole record (exit 2)"
like "$SCRATCH/killed.rep" '^umdbg: the recording ends (early|here), after event [0-9]+' "recorder killed by SIGKILL: replay says where it ends"

# --- gdb while recording ------------------------------------------------------
"$UMDBG" --record "$SCRATCH/rg.trace" --gdb "unix:$SCRATCH/rsock" --wait \
	--scenario panic </dev/null >"$SCRATCH/rg.umdbg" 2>&1 &
upid=$!
wait_until 10 "the socket $SCRATCH/rsock" [ -S "$SCRATCH/rsock" ]
timeout -k 5 120 gdb -nx -batch -ex 'set pagination off' \
	-ex "target extended-remote $SCRATCH/rsock" -ex 'break panic' \
	-ex 'continue' -ex 'bt 2' -ex 'kill' >"$SCRATCH/rg.gdb" 2>&1
wait "$upid"
is "$?" 0 "recording under gdb: umdbg ends when gdb kills"
like "$SCRATCH/rg.gdb" '^#1  0x[0-9a-f]+ in sysrq_handle_crash' "recording under gdb: break panic + bt work"
"$UMDBG" trace info "$SCRATCH/rg.trace" >"$SCRATCH/rg.info" 2>&1
like "$SCRATCH/rg.info" '^state: +complete$' "recording under gdb: the trace is complete"
timeout -k 5 120 "$UMDBG" replay "$SCRATCH/rg.trace" --break panic <&- >"$SCRATCH/rg.rep" 2>&1
is "$?" 2 "its replay stops at --break panic"
like "$SCRATCH/rg.rep" '^  #1  0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+ at drivers/tty/sysrq\.c' "the same backtrace as under gdb"

# --- gdb on a replay -----------------------------------------------------------
"$UMDBG" replay "$SCRATCH/panic.trace" --gdb "unix:$SCRATCH/sock" --wait <&- \
	>"$SCRATCH/gdb.umdbg" 2>&1 &
upid=$!
wait_until 10 "the socket $SCRATCH/sock" [ -S "$SCRATCH/sock" ]
timeout -k 5 120 gdb -nx -batch -ex 'set pagination off' \
	-ex "target extended-remote $SCRATCH/sock" -ex 'break panic' \
	-ex 'continue' -ex 'bt 2' -ex 'set var jiffies = 5' -ex 'stepi' \
	-ex 'info registers rip' -ex 'kill' >"$SCRATCH/gdb.out" 2>&1
wait "$upid"
is "$?" 0 "gdb on a replay: umdbg ends when gdb kills"
like "$SCRATCH/gdb.out" 'Breakpoint 1, panic \(fmt=' "gdb on a replay: break panic + continue stops there"
like "$SCRATCH/gdb.out" '^#1  0x[0-9a-f]+ in sysrq_handle_crash' "gdb on a replay: bt"
like "$SCRATCH/gdb.out" 'Cannot access memory at address' "gdb on a replay: a write is refused"
like "$SCRATCH/gdb.umdbg" '^umdbg: refused: a replay is read-only' "gdb on a replay: umdbg says why"
like "$SCRATCH/gdb.out" '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <panic\+[0-9]+>' "gdb on a replay: stepi steps"

done_testing
