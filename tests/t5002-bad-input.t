#!/bin/bash
# t5002-bad-input: every bad input gets one clear line and a non-zero
# exit, never a crash: no such file, not an ELF, not a UML kernel, a
# kernel cut short, of another architecture, stripped, with corrupt
# debug info (at a section's start or inside one unit's DIEs or line
# program) or a corrupt symbol table (or names), a kernel
# without debug info (runs, says file:line is unavailable), an
# unknown symbol, bad FILE:LINE and *ADDR, a bad scenario or option, a
# directory, a gdb port out of range, a missing trace.
. "$(dirname "$0")/lib.sh"
need_guest
plan 64

# bad_input NAME WANT-REGEX ARGS...: exit 1, exactly one line, matching.
bad_input() {
	local name=$1 want=$2
	shift 2
	run_umdbg "$SCRATCH/$name" "$@"
	is "$rc" 1 "$name: exit status 1"
	like "$SCRATCH/$name" "$want" "$name: message"
	is "$(grep -c . "$SCRATCH/$name")" 1 "$name: one line"
}

bad_input missing "^umdbg: cannot open '/nonexistent/linux': no such file or directory$" /nonexistent/linux
bad_input not-elf "^umdbg: '/etc/passwd' is not an ELF file$" /etc/passwd
bad_input not-uml "^umdbg: '$TOP/tests/helpers/victim' is not a UML kernel" "$TOP/tests/helpers/victim"
bad_input no-symbol "^umdbg: no symbol 'no_such_function' in '$TOP/guest/linux'" --break no_such_function --scenario halt
bad_input bad-line "^umdbg: bad location 'kernel/panic.c:abc': expected FILE:LINE$" --break kernel/panic.c:abc --scenario halt
bad_input no-code "^umdbg: no code at 'kernel/no_such_file.c:10'" --break kernel/no_such_file.c:10 --scenario halt
bad_input bad-addr "^umdbg: bad address '\*zz': no symbol 'zz' in the kernel or its modules$" --break '*zz' --scenario halt
bad_input bad-scenario "^umdbg: unknown scenario 'nope' \(halt, panic, oops, inspect, many, work, shell\); try 'umdbg --help'$" --scenario nope
bad_input bad-option "^umdbg: bad option or missing argument: '--no-such-option'; try 'umdbg --help'$" --no-such-option
bad_input directory "^umdbg: '/tmp' is a directory, not a kernel$" /tmp
bad_input gdb-port "^umdbg: bad gdb port '99999': ports go from 0 \(any free one\) to 65535$" --gdb 99999 --scenario halt
# strerror's words in lower case, as every other message
bad_input no-trace "^umdbg: cannot open '/nonexistent/trace': no such file or directory$" replay /nonexistent/trace

# Damaged kernels: cut short, of another architecture, stripped.
head -c 3000000 "$TOP/guest/linux" >"$SCRATCH/linux-cut"
bad_input truncated "^umdbg: '$SCRATCH/linux-cut' is truncated: 3000000 bytes, and its ELF headers describe [0-9]+\$" "$SCRATCH/linux-cut"
cp "$TOP/guest/linux" "$SCRATCH/linux-arm"
printf '\267\000' | dd of="$SCRATCH/linux-arm" bs=1 seek=18 conv=notrunc 2>/dev/null	# e_machine: AArch64
bad_input other-arch "^umdbg: '$SCRATCH/linux-arm' is not an x86_64 ELF executable\$" "$SCRATCH/linux-arm"
strip -o "$SCRATCH/linux-stripped" "$TOP/guest/linux"
bad_input stripped "^umdbg: no symbol 'panic' in '$SCRATCH/linux-stripped', which is stripped: only its dynamic symbols are left" --break panic "$SCRATCH/linux-stripped"
# damage_at OFFSET BYTES OUT: a copy of the kernel with BYTES of 0xff at
# file offset OFFSET.  damage SECTION BYTES OUT [SKIP]: the same, SKIP
# bytes into SECTION (its offset and size read from this kernel by
# readelf; SKIP "half": its middle).
damage_at() {
	cp "$TOP/guest/linux" "$3"
	head -c "$2" /dev/zero | tr '\0' '\377' |
		dd of="$3" bs=4096 seek="$1" oflag=seek_bytes conv=notrunc 2>/dev/null
}
damage() {
	local off size skip
	read -r off size < <(readelf -SW "$TOP/guest/linux" |
		awk -v s="$1" '$2 == s { print $5, $6 } $3 == s { print $6, $7 }' | head -1)
	[ -n "$off" ] || no_fact "readelf finds no section $1"
	skip=${4:-0}
	[ "$skip" = half ] && skip=$((0x$size / 2))
	damage_at $((0x$off + skip)) "$2" "$3"
}
damage .debug_info 65536 "$SCRATCH/linux-dwarf"
bad_input bad-dwarf "^umdbg: '$SCRATCH/linux-dwarf' has corrupt debug info: " --break panic "$SCRATCH/linux-dwarf"
damage .symtab 65536 "$SCRATCH/linux-symtab"
bad_input bad-symtab "^umdbg: '$SCRATCH/linux-symtab' has a corrupt symbol table: [0-9]+ of its [0-9]+ symbols" --break panic "$SCRATCH/linux-symtab"
# The middle of .strtab: the names still read, but as no compiler wrote them.
damage .strtab 4096 "$SCRATCH/linux-strtab" half
bad_input bad-strtab "^umdbg: '$SCRATCH/linux-strtab' has a corrupt symbol table: [0-9]+ of its [0-9]+ symbols" --break panic "$SCRATCH/linux-strtab"
# Damage inside one unit, where the start-up check does not look: the
# unit is checked when it is first used, here by the breakpoint on panic.
"$TOP/tests/helpers/unit-where" "$TOP/guest/linux" panic >"$SCRATCH/unit" ||
	no_fact "unit-where cannot find panic's unit"
read -r _ unit_name <"$SCRATCH/unit"
read -r _ info_off info_len < <(grep '^info ' "$SCRATCH/unit")
read -r _ line_off line_len < <(grep '^line ' "$SCRATCH/unit")
damage_at $((info_off + info_len / 2)) 256 "$SCRATCH/linux-die"
bad_input bad-die "^umdbg: '$SCRATCH/linux-die' has corrupt debug info: in the unit of $unit_name, " --break panic "$SCRATCH/linux-die"
damage_at $((line_off + line_len / 2)) 256 "$SCRATCH/linux-lines"
bad_input bad-lines "^umdbg: '$SCRATCH/linux-lines' has corrupt debug info: in the unit of $unit_name, its line table " --break panic "$SCRATCH/linux-lines"
rm -f "$SCRATCH/linux-cut" "$SCRATCH/linux-arm" "$SCRATCH/linux-stripped" \
	"$SCRATCH/linux-dwarf" "$SCRATCH/linux-symtab" "$SCRATCH/linux-strtab" \
	"$SCRATCH/linux-die" "$SCRATCH/linux-lines" "$SCRATCH/unit"

# A kernel without debug info still runs; the report says what is missing.
objcopy --strip-debug "$TOP/guest/linux" "$SCRATCH/linux-nodebug"
run_umdbg "$SCRATCH/nodebug" --break panic "$SCRATCH/linux-nodebug" mem=128M \
	initrd="$TOP/guest/rootfs.cpio.gz" con=null con0=fd:0,fd:1 \
	umdbg.scenario=panic time-travel=inf-cpu
is "$rc" 2 "kernel without debug info: runs to the breakpoint"
like "$SCRATCH/nodebug" "^umdbg: warning: '$SCRATCH/linux-nodebug' has no debug info: backtraces will lack file:line" "warns that file:line is unavailable"
like "$SCRATCH/nodebug" '^  #1  0x[0-9a-f]+ sysrq_handle_crash\+0x[0-9a-f]+$' "backtrace still has symbols"
like "$SCRATCH/nodebug" 'file:line unavailable' "the report says why file:line is missing"
rm -f "$SCRATCH/linux-nodebug"
done_testing
