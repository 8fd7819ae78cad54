# tests/watch-mode.sh - run a test's watchpoint checks on both paths
# (sourced after lib.sh).
#
# umdbg watches through the CPU's debug registers where they trap, and
# emulates watchpoints by page protection where they do not (some
# hypervisors accept DR0-DR7 and never trap).  `watch_both BODY N` runs
# the shell function BODY, which makes N checks, twice:
#   - with the debug registers, where `umdbg --version`'s probe says they
#     trap here; elsewhere N TAP skips that give the probe's reason;
#   - emulated (UMDBG_DEBUG_REGISTERS=off), on every host.
# BODY sees WATCH_PATH=hardware|emulated.

# The probe's line, with no forcing from the caller's environment.
watch_probe() {
	env -u UMDBG_DEBUG_REGISTERS "$UMDBG" --version |
		sed -n 's/^watchpoints: //p'
}

skip_n() {	# skip_n N REASON
	local i
	for i in $(seq "$1"); do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # skip $2"
	done
}

watch_both() {	# watch_both BODY N
	local body=$1 n=$2 probe saved=${UMDBG_DEBUG_REGISTERS-}
	probe=$(watch_probe)
	case $probe in
	"the debug registers"*)
		diag "watchpoints through the debug registers ($probe)"
		unset UMDBG_DEBUG_REGISTERS
		WATCH_PATH=hardware
		"$body"
		;;
	*)
		probe=${probe#emulated by page protection (}
		skip_n "$n" "no hardware watchpoints: ${probe%)}"
		;;
	esac
	diag "watchpoints emulated by page protection (UMDBG_DEBUG_REGISTERS=off)"
	export UMDBG_DEBUG_REGISTERS=off
	WATCH_PATH=emulated
	"$body"
	if [ -n "$saved" ]; then
		UMDBG_DEBUG_REGISTERS=$saved
	else
		unset UMDBG_DEBUG_REGISTERS
	fi
}
