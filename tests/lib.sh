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

# run_umdbg OUT [ARGS...]: run umdbg with stdin closed, bounded in time;
# sets $rc.  A hang fails the test instead of hanging it.
run_umdbg() {
	local out=$1
	shift
	timeout -k 5 120 "$UMDBG" "$@" </dev/null >"$out" 2>&1
	rc=$?
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
	for i in $(seq 100); do
		[ -S "$SCRATCH/sock" ] && grep -q 'waiting for gdb' "$SCRATCH/umdbg" && break
		sleep 0.1
	done
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
	return 1
}
