#!/bin/bash
# t5008-source: the disas (capstone) and list commands at a panic
# breakpoint, through gdb's monitor: the pc marked, symbols, breakpoints
# marked (umdbg's own internal ones not), the source line from the guest's
# source tree.
. "$(dirname "$0")/lib.sh"
need_guest
plan 10

# What a patch level moves comes from the guest kernel (tests/lib.sh):
# the line of check_panic_on_warn's panic() in kernel/panic.c, and where
# sysrq_handle_crash calls panic (its first call, in gdb's disassembly).
guest_line warned kernel/panic.c 'panic\("%s: system warned too often'
guest_first_call ncall callat sysrq_handle_crash

# umdbg_oops:... stays pending (this scenario loads no module): umdbg
# watches module loads with an internal breakpoint at do_init_module.
gdb_at_stop --break panic --break umdbg_oops:umdbg_oops_deref --scenario panic -- \
	-ex 'monitor disas' -ex 'monitor list' \
	-ex "monitor disas sysrq_handle_crash $ncall" -ex "monitor list kernel/panic.c:$warned" \
	-ex 'monitor disas nosuchsymbol' -ex 'monitor disas do_init_module 2' -ex kill
is "$rc" 0 "umdbg ends when gdb kills"
like "$SCRATCH/out" '^=>\*0x[0-9a-f]{16} <panic>  push rbp$' "disas: the pc marked (=>), the breakpoint marked (*), the symbol"
like "$SCRATCH/out" '^   0x[0-9a-f]{16} <panic\+0x1>  ' "disas: following instructions with symbol+offset"
like "$SCRATCH/out" '^kernel/panic\.c:[0-9]+$' "list: the file and line of the pc"
at=$(sed -n 's/^kernel\/panic\.c:\([0-9]*\)$/\1/p' "$SCRATCH/out" | head -1)
like "$SCRATCH/out" "^=>\\* *$at  " "list: that line ($at) is the one marked, with panic's breakpoint (*)"
like "$SCRATCH/out" 'void panic\(const char \*fmt, \.\.\.\)' "list: real source from the guest tree"
like "$SCRATCH/out" "^   0x[0-9a-f]{16} <sysrq_handle_crash\\+$callat>  call" "disas SYMBOL N: sysrq_handle_crash's call (instruction $ncall)"
like "$SCRATCH/out" "^=> +$warned  "$'\t\t''panic\("%s: system warned too often' "list FILE:LINE (kernel/panic.c:$warned)"
like "$SCRATCH/out" "^disas: no symbol 'nosuchsymbol' in the kernel or its modules$" "disas: an unknown symbol is said so"
like "$SCRATCH/out" '^   0x[0-9a-f]{16} <do_init_module>  ' "disas: umdbg's internal breakpoint at do_init_module is not marked"

done_testing
