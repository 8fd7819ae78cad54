# tests/lib.sh - TAP helpers for umdbg's shell tests (sourced; run by prove).
#
# Every test runs from the repository root, uses a private scratch
# directory (removed on exit) and cleans up the processes it starts by PID.

cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
UMDBG=$TOP/umdbg
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/umdbg-test.XXXXXX")
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT
_tap_n=0
_tap_fail=0

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$*"; }
ok() {	# ok COND-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}
is() {	# is GOT WANT DESCRIPTION
	[ "$1" = "$2" ]
	ok $? "$3" || true
	[ "$1" = "$2" ] || diag "got '$1', want '$2'"
}
like() {	# like FILE REGEX DESCRIPTION
	grep -Eq -- "$2" "$1"
	local r=$?
	ok $r "$3"
	[ $r -eq 0 ] || { diag "no match for /$2/ in $1:"; sed 's/^/#   /' "$1" | tail -15; }
}
unlike() {	# unlike FILE REGEX DESCRIPTION
	! grep -Eq -- "$2" "$1"
	local r=$?
	ok $r "$3"
	[ $r -eq 0 ] || grep -E -- "$2" "$1" | sed 's/^/#   /' | head -5
}
done_testing() { [ "$_tap_fail" -eq 0 ]; }

# The guest must exist: `make check` builds it.  A test that needs it
# never skips in CI; elsewhere it says how to get it.
need_guest() {
	if [ ! -e "$TOP/guest/linux" ] || [ ! -e "$TOP/guest/rootfs.cpio.gz" ]; then
		if [ "${CI:-}" = true ]; then
			echo "Bail out! guest not built (make guest)"
			exit 1
		fi
		echo "1..0 # skip guest not built: run 'make guest'"
		exit 0
	fi
}

# The debug guest (guest/debug/): built on first use (guest/mkguest
# --flavour debug, about 12 minutes on 2 cores; cached like the default).
need_guest_debug() {
	if [ ! -e "$TOP/guest/debug/linux" ] ||
	   [ ! -e "$TOP/guest/debug/rootfs.cpio.gz" ]; then
		diag "building the debug guest (first use; about 12 minutes)"
		"$TOP/guest/mkguest" --flavour debug >"$SCRATCH/guest-debug.log" 2>&1 || {
			tail -20 "$SCRATCH/guest-debug.log" | sed 's/^/# /'
			echo "Bail out! the debug guest did not build"
			exit 1
		}
	fi
}

# run_lab_guides GUIDE...: each ```console session of each lab guide
# (docs/labs/NN-name.md) runs as written in a fresh directory per guide
# (with ./umdbg and samples/ at hand, and the files the guide asks the
# reader to write), the prompt's commands as --batch -ex, and every
# output line the guide shows must appear, in its order
# (tests/helpers/lab-check).  Plans and makes one test per session.
run_lab_guides() {
	local g n name work i first total=0
	for g in "$@"; do
		n=$("$TOP/tests/helpers/lab-check" "$g" "$SCRATCH" count)
		total=$((total + n))
	done
	plan "$total"
	for g in "$@"; do
		name=$(basename "$g" .md)
		work=$SCRATCH/$name
		mkdir "$work"
		ln -s "$TOP/umdbg" "$work/umdbg"
		ln -s "$TOP/samples" "$work/samples"
		n=$("$TOP/tests/helpers/lab-check" "$g" "$work" count)
		for i in $(seq "$n"); do
			"$TOP/tests/helpers/lab-check" "$g" "$work" run "$i" \
				>"$SCRATCH/$name.$i" 2>&1
			first=$(head -1 "$SCRATCH/$name.$i")
			[ "$first" = ok ]
			ok $? "$name, session $i: as the guide shows${first:+ ($first)}"
			[ "$first" = ok ] ||
				sed -n '2,$p' "$SCRATCH/$name.$i" | tail -25 | sed 's/^/#   /'
		done
	done
}

# Facts of the built guest kernel.  What a stable update of Linux 6.12
# may change - line numbers, the function that holds a line, instruction
# offsets, addresses - is read from the kernel under test (its source
# tree guest/src, and gdb on the DWARF and code of guest/linux), never
# written into a test.  Each helper sets the variable(s) named first; a
# fact that cannot be found fails the test there (an empty pattern must
# never let a check pass).
no_fact() {
	_tap_n=$((_tap_n + 1))
	echo "not ok $_tap_n - the guest kernel: $*"
	exit 1
}

# guest_line VAR FILE ERE [AFTER]: the number of the first line of the
# guest's source FILE (a path in the kernel tree) that matches ERE (and
# comes after line AFTER).
guest_line() {
	local _fact
	_fact=$(tail -n +$((${4:-0} + 1)) "$TOP/guest/src/$2" 2>/dev/null |
		grep -nE -m1 -- "$3" | cut -d: -f1)
	[ -n "$_fact" ] || no_fact "no line matching /$3/ in guest/src/$2${4:+ after line $4}"
	printf -v "$1" %s $((_fact + ${4:-0}))
}

# line_in VAR FILE ERE: the number of FILE's first line matching ERE (a
# sample's or a lab's own source: its marker comments).  Not in $(...):
# a fact that is missing must fail the test here.
line_in() {
	local _l
	_l=$(grep -nE -m1 -- "$3" "$2" | cut -d: -f1)
	[ -n "$_l" ] || no_fact "no line /$3/ in $2"
	printf -v "$1" %s "$_l"
}

# before_report FACTS ERE DESC: a catchpoint stopped before the kernel's
# report: the kernel log at the stop ("log ..." facts) is there (it has
# the sample module's taint line) and has no line matching ERE yet.
before_report() {
	grep -q '^log .*taints kernel' "$1" && ! grep -Eq -- "^log .*($2)" "$1"
	ok $? "$3"
}

# guest_gdb CMD...: gdb -batch on the guest kernel, no target, Intel
# syntax, one -ex per CMD.
guest_gdb() {
	local c a=()
	for c; do a+=(-ex "$c"); done
	gdb -nx -batch -ex 'set disassembly-flavor intel' "${a[@]}" \
		"$TOP/guest/linux" 2>/dev/null
}

# guest_func_at VAR FILE:LINE: the function whose code holds that line,
# as the line table says.
guest_func_at() {
	local _fact
	_fact=$(guest_gdb "info line $2" |
	    sed -nE 's/^Line [0-9]+ of ".*" starts at address 0x[0-9a-f]+ <([^+>]+)(\+[0-9]+)?>.*/\1/p' |
	    head -1)
	[ -n "$_fact" ] || no_fact "gdb finds no code at $2"
	printf -v "$1" %s "$_fact"
}

# guest_line_addr VAR FILE:LINE: the address (0x...) of LINE's first
# instruction.
guest_line_addr() {
	local _fact
	_fact=$(guest_gdb "info line $2" |
		sed -nE 's/.* starts at address (0x[0-9a-f]+) .*/\1/p' | head -1)
	[ -n "$_fact" ] || no_fact "gdb finds no code at $2"
	printf -v "$1" %s "$_fact"
}

# guest_file_of VAR FUNCTION: the source file that defines FUNCTION.
guest_file_of() {
	local _fact
	_fact=$(guest_gdb "info functions ^$2\$" | sed -n 's/^File \(.*\):$/\1/p' | head -1)
	[ -n "$_fact" ] || no_fact "gdb finds no function '$2'"
	printf -v "$1" %s "$_fact"
}

# guest_addr VAR SYMBOL: its address (0x...).
guest_addr() {
	local _fact
	_fact=$(guest_gdb "info address $2" |
	    sed -nE 's/^Symbol "[^"]+" is .* at address (0x[0-9a-f]+)\.$/\1/p' | head -1)
	[ -n "$_fact" ] || no_fact "gdb finds no address of '$2'"
	printf -v "$1" %s "$_fact"
}

# guest_insn OFFVAR MNEMVAR FUNCTION N: the offset (hex, as umdbg prints
# it: 0x1) and the mnemonic of FUNCTION's instruction N (from 1).
guest_insn() {
	local _fact
	_fact=$(guest_gdb "x/$4i $3" | tail -1 |
	    sed -nE 's/^ *0x[0-9a-f]+ <[^+>]+(\+([0-9]+))?>:[[:space:]]+([a-z0-9]+).*/\2 \3/p')
	[ -n "$_fact" ] || no_fact "gdb cannot decode instruction $4 of '$3'"
	printf -v "$1" '0x%x' "${_fact%% *}"
	printf -v "$2" %s "${_fact#* }"
}

# guest_first_call NVAR OFFVAR FUNCTION: FUNCTION's first call
# instruction: its number (from 1) and its offset (hex).
guest_first_call() {
	local _fact
	_fact=$(guest_gdb "disassemble $3" |
	    awk '/^ *0x[0-9a-f]+ <\+[0-9]+>:/ { n++ }
		 /^ *0x[0-9a-f]+ <\+[0-9]+>:[[:space:]]+call/ {
			 o = $2; gsub(/[<>+:]/, "", o); print n, o; exit }')
	[ -n "$_fact" ] || no_fact "gdb finds no call in '$3'"
	printf -v "$1" %s "${_fact%% *}"
	printf -v "$2" '0x%x' "${_fact#* }"
}

# run_umdbg OUT [ARGS...]: run umdbg with stdin closed, bounded in time;
# sets $rc.  A hang fails the test instead of hanging it.
run_umdbg() {
	local out=$1
	shift
	timeout -k 5 120 "$UMDBG" "$@" </dev/null >"$out" 2>&1
	rc=$?
}

# wait_until SECS WHAT CMD...: run CMD every 0.1 s until it succeeds.
# On timeout it says so (a TAP comment naming WHAT) and returns 1, so a
# test never goes on silently as if what it waited for had come.
wait_until() {
	local secs=$1 what=$2 i
	shift 2
	for i in $(seq $((secs * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	diag "timed out after ${secs} s waiting for $what"
	return 1
}

# Every descendant of PID (by PPid chain), one per line.
descendants() {
	local parent=$1 p
	for p in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(awk '/^PPid:/ {print $2}' /proc/$p/status 2>/dev/null)" = "$parent" ] || continue
		echo "$p"
		descendants "$p"
	done
}

# Does process PID still exist with the start time we saw?
alive_since() {	# alive_since PID STARTTIME
	[ -r "/proc/$1/stat" ] &&
	[ "$(awk '{print $22}' "/proc/$1/stat" 2>/dev/null)" = "$2" ]
}

# start_umdbg NAME ARGS...: umdbg ARGS (with --gdb 0 among them) in the
# background, its output in $SCRATCH/NAME.umdbg; sets $upid and $port
# once it listens on its free port.  The test kills $upid on exit.
start_umdbg() {
	local name=$1 i
	shift
	# stdin: a fifo held open, never at its end (the shell scenario
	# would power off at EOF; here it waits for input, an idle guest)
	rm -f "$SCRATCH/$name.in"	# a name used again
	mkfifo "$SCRATCH/$name.in"
	[ -z "${_held_stdin:-}" ] || exec {_held_stdin}>&-	# the last one's
	"$UMDBG" "$@" <"$SCRATCH/$name.in" >"$SCRATCH/$name.umdbg" 2>&1 &
	upid=$!
	exec {_held_stdin}>"$SCRATCH/$name.in"
	wait_until 10 "umdbg to serve gdb" _port_of "$SCRATCH/$name.umdbg"
}
_port_of() {
	port=$(grep -o 'serving gdb on 127.0.0.1:[0-9]*' "$1" 2>/dev/null | grep -o '[0-9]*$')
	[ -n "$port" ]
}

# end_umdbg: wait (bounded) for umdbg to exit; sets $urc.
end_umdbg() {
	local i
	for i in $(seq 100); do
		kill -0 "$upid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$upid" 2>/dev/null; then
		diag "umdbg $upid still running after its session: killing it"
		tail -n 3 "$SCRATCH"/*.umdbg | sed 's/^/#   /' | tail -6
		kill -KILL "$upid" 2>/dev/null
	fi
	wait "$upid" 2>/dev/null
	urc=$?
	upid=
}

# gdb_at_stop UMDBG-ARGS... -- GDB-ARGS...: umdbg (stopped by its own
# --break) serves gdb on a unix socket; gdb -batch connects and runs
# GDB-ARGS (-ex ...).  gdb's output is in $SCRATCH/out, umdbg's in
# $SCRATCH/umdbg, umdbg's exit status in $rc.
gdb_at_stop() {
	local uargs=() i upid
	while [ $# -gt 0 ] && [ "$1" != -- ]; do uargs+=("$1"); shift; done
	shift
	rm -f "$SCRATCH/sock"
	"$UMDBG" "${uargs[@]}" --gdb "unix:$SCRATCH/sock" </dev/null >"$SCRATCH/umdbg" 2>&1 &
	upid=$!
	wait_until 10 "umdbg to wait for gdb on $SCRATCH/sock" \
		grep -Eqs 'waiting for gdb|waits at its first instruction for gdb' \
		"$SCRATCH/umdbg"
	timeout -k 5 120 gdb -nx -batch -ex "target extended-remote $SCRATCH/sock" \
		"$@" >"$SCRATCH/out" 2>&1
	wait "$upid"
	rc=$?
}

# Terminal tests in tmux (STYLE.md §9): use_tmux starts a private tmux
# server (killed on exit) with a bash in a 160x50 pane at the repository
# root, prompt 'sh$ '; tm runs tmux commands on it; wait_for REGEX [SECS]
# waits until the pane (with 300 lines of history, left in $SCRATCH/pane)
# shows REGEX.
use_tmux() {
	SOCK=test$$
	# the server's socket goes with the scratch directory
	export TMUX_TMPDIR="$SCRATCH"
	trap 'tm kill-server 2>/dev/null; [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT
	tm -f /dev/null new-session -d -x 160 -y 50 "bash --norc -i"
	tm send-keys "cd $TOP && PS1='sh$ ' && clear" Enter
	wait_for '^sh\$'
}
tm() { tmux -L "$SOCK" "$@"; }
wait_for() {
	local i
	for i in $(seq $((${2:-30} * 10))); do
		tm capture-pane -p -S -300 >"$SCRATCH/pane"
		grep -Eq -- "$1" "$SCRATCH/pane" && return 0
		sleep 0.1
	done
	diag "timed out after ${2:-30} s waiting for /$1/ on the screen"
	return 1
}

# The terminal after umdbg left it: the normal screen (not curses'
# alternate one) with a visible cursor, canonical mode and echo back on
# (bash itself restores the modes after a job killed by a signal; the
# screen and the cursor are ours to restore).
sane_terminal() {
	[ "$(tm display-message -p '#{alternate_on}#{cursor_flag}')" = 01 ] ||
		return 1
	tm send-keys "clear; stty -a | tr ' ;' '\n\n' | grep -Ex -- '-?(icanon|echo)' | tr '\n' ' '; echo" Enter
	wait_for '^-?icanon -?echo$' 10 &&
		grep -Eq '^icanon echo$' "$SCRATCH/pane"
}

# No process is left under the pane's shell.
no_leftovers() {
	local sh
	sh=$(tm display-message -p '#{pane_pid}')
	[ -z "$(descendants "$sh")" ]
}

# The pid of umdbg under the pane's shell.
umdbg_pid() {
	local sh p
	sh=$(tm display-message -p '#{pane_pid}')
	for p in $(descendants "$sh"); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$TOP/umdbg" ] &&
			{ echo "$p"; return; }
	done
}

# Is any process left in process group $1 (umdbg's own, under the
# pane's job control: its terminal guardian stays in it)?
group_gone() {
	local f
	for f in /proc/[0-9]*/stat; do
		# a zombie is gone; its reaping is its parent's business
		[ "$(awk '$3 != "Z" {print $5}' "$f" 2>/dev/null)" = "$1" ] &&
			return 1
	done
	return 0
}

# "status=STATUS" on the screen, or in $SCRATCH/status: where the shell
# wrote it after SIGKILL may be the TUI's alternate screen, which the
# terminal guardian then leaves (cli/termguard.c).
_status_is() {
	grep -Eqs "^status=$1\$" "$SCRATCH/status" && return 0
	tm capture-pane -p -S -300 >"$SCRATCH/pane"
	grep -Eq "^status=$1\$" "$SCRATCH/pane"
}

# signal_tui SIG STATUS WHAT: send umdbg SIG; it ends with STATUS, the
# terminal sane and nothing left, under the pane's shell or in umdbg's
# process group (3 checks).
signal_tui() {
	local pid
	pid=$(umdbg_pid)
	[ -n "$pid" ] && kill -"$1" "$pid"
	wait_until 20 "status=$2" _status_is "$2"
	ok $? "$3 (status $2)"
	sane_terminal
	ok $? "the terminal is sane after SIG$1"
	no_leftovers && wait_until 5 "umdbg's process group to end" group_gone "$pid"
	ok $? "no process left after SIG$1"
}
