#!/bin/bash
# t5007-kmodel: umdbg's kernel views cross-checked with the guest's own
# view of itself.  The `inspect` scenario prints busybox ps, /proc/1/maps
# and /proc/modules, then crashes; at the panic breakpoint umdbg's ps,
# vma, lsmod and dmesg (over gdb's monitor) must agree with what the
# guest printed, and gdb's threads must be the same tasks as ps.  The
# scenario ends in umdbg-marker, which writes a string into its memory,
# prints the address and crashes: vtop and x -p must find the string, and
# kmem -p the page and who maps it.
. "$(dirname "$0")/lib.sh"
need_guest
plan 38

upid=
trap '[ -n "$upid" ] && kill -KILL "$upid" 2>/dev/null; [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT
"$UMDBG" --gdb 0 --break panic --scenario inspect </dev/null >"$SCRATCH/umdbg" 2>&1 &
upid=$!
wait_until 10 "/waiting for gdb/ in $SCRATCH/umdbg" grep -qs 'waiting for gdb' "$SCRATCH/umdbg"
port=$(grep -o 'serving gdb on 127.0.0.1:[0-9]*' "$SCRATCH/umdbg" | grep -o '[0-9]*$')
ok $(grep -q 'waiting for gdb' "$SCRATCH/umdbg" && echo 0 || echo 1) "inspect scenario stopped at panic, waiting for gdb"

cat >"$SCRATCH/k.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
monitor ps
echo ==vma==\n
monitor vma 1
echo ==lsmod==\n
monitor lsmod
echo ==dmesg==\n
monitor dmesg -l -n 5
echo ==threads==\n
info threads
echo ==bt2==\n
monitor bt 2
echo ==errors==\n
monitor vma 2
monitor bt 4242
echo ==vtop==\n
monitor vtop @PID@ @ADDR@
echo ==x==\n
monitor x -p @PID@ @ADDR@ 40
echo ==kmem==\n
monitor kmem -p @PID@ @ADDR@
echo ==unmapped==\n
monitor vtop @PID@ 0x10
echo ==kernel==\n
monitor vtop 0x60000000
echo ==pt==\n
monitor pt @PID@
echo ==print==\n
monitor p init_uts_ns
monitor p no_such_variable
echo ==lx-ps==\n
add-auto-load-safe-path $TOP/guest/src
source $TOP/guest/src/vmlinux-gdb.py
lx-ps
echo ==lx-dmesg==\n
lx-dmesg
echo ==dmesg-all==\n
monitor dmesg
echo ==py==\n
source $TOP/scripts/gdb/umdbg.py
umdbg-lsmod
help umdbg-vtop
kill
GDB
# The marker's pid and buffer address, from the guest console.
read -r mpid mkaddr < <(tr -d '\r' <"$SCRATCH/umdbg" |
	sed -n 's/^umdbg-marker: pid \([0-9]*\) buffer \(0x[0-9a-f]*\) holds .*/\1 \2/p')
sed -i -e "s/@PID@/$mpid/g" -e "s/@ADDR@/$mkaddr/g" "$SCRATCH/k.gdb"
timeout -k 5 120 gdb -nx -batch -x "$SCRATCH/k.gdb" "$TOP/guest/linux" >"$SCRATCH/k.out" 2>&1
wait "$upid"
upid=
K=$SCRATCH/k.out
# The guest's console is a tty: its lines end in CR LF.
tr -d '\r' <"$SCRATCH/umdbg" >"$SCRATCH/console"
U=$SCRATCH/console

# ps: every task busybox saw (but ps itself) is in umdbg's ps, same pid,
# same command (the guest adds a workqueue suffix to kworkers' names).
sed -n '/^umdbg-guest: begin ps/,/^umdbg-guest: begin maps/p' "$U" |
	awk '$1 ~ /^[0-9]+$/ && $2 != "ps" {print $1, $2}' >"$SCRATCH/guest-ps"
sed -n '1,/^==vma==/p' "$K" | grep -E '^[ >] +[0-9]+ +[0-9]+ ' |
	sed 's/^>/ /' | awk '{c = $4; gsub(/[][]/, "", c); print $1, c}' >"$SCRATCH/umdbg-ps"
missing=0
while read -r pid comm; do
	ours=$(awk -v p="$pid" '$1 == p {print $2}' "$SCRATCH/umdbg-ps")
	case "$comm" in
	"$ours"*) [ -n "$ours" ] && continue ;;
	esac
	case "$ours" in
	"$comm"*) [ -n "$ours" ] && continue ;;
	esac
	diag "pid $pid: guest says '$comm', umdbg says '$ours'"
	missing=$((missing + 1))
done <"$SCRATCH/guest-ps"
ok $([ "$(wc -l <"$SCRATCH/guest-ps")" -ge 15 ] && echo 0 || echo 1) "the guest's ps listed its tasks ($(wc -l <"$SCRATCH/guest-ps"))"
is "$missing" 0 "umdbg's ps has every task the guest's ps had, same pid and name"
like "$K" '^ +1 +1 S init +0x[0-9a-f]+ +[0-9]+$' "init: sleeping, with an mm and its host stub pid"
like "$K" "^> +$mpid +$mpid R umdbg-marker +0x[0-9a-f]+ +[0-9]+\$" "the marker program is on the CPU, running the crash"
like "$K" '^ +2 +2 S \[kthreadd\] +- +-$' "kernel threads in brackets, without mm"
is "$(grep -cE '^> +[0-9]+ ' "$K")" 1 "exactly one task is marked as on the CPU"

# vma 1 == /proc/1/maps (start-end perms offset inode path).
sed -n '/^umdbg-guest: begin maps of 1/,/^umdbg-guest: begin modules/p' "$U" |
	grep -E '^[0-9a-f]+-[0-9a-f]+ ' | awk '{print $1, $2, $3, $5, $6}' >"$SCRATCH/guest-maps"
sed -n '/^==vma==/,/^==lsmod==/p' "$K" | grep -E '^[0-9a-f]+-[0-9a-f]+ ' |
	awk '{print $1, $2, $3, $4, $5}' >"$SCRATCH/umdbg-maps"
ok $([ "$(wc -l <"$SCRATCH/guest-maps")" -ge 5 ] && echo 0 || echo 1) "the guest printed /proc/1/maps"
diff -u "$SCRATCH/guest-maps" "$SCRATCH/umdbg-maps" >"$SCRATCH/maps.diff"
ok $? "vma 1 equals the guest's /proc/1/maps (ranges, perms, offsets, inodes, names)"
[ -s "$SCRATCH/maps.diff" ] && sed 's/^/#   /' "$SCRATCH/maps.diff" | head -20

# lsmod == /proc/modules (name, size, state, address).
read -r mname msize _ _ mstate maddr _ < <(grep '^umdbg_oops ' "$U")
like "$K" "^$mname +live +0x$(printf %x "$((maddr))") +$msize\$" "lsmod: $mname, live, text at $maddr, $msize bytes, as /proc/modules says"
is "$(echo "$mstate" | tr A-Z a-z)" live "the guest said Live too"

like "$K" '^  \[ *[0-9]+\.[0-9]+\] info   sysrq: Trigger a crash' "dmesg -l: the crash line, with its level"

# gdb threads: the kernel process plus one per task.
nthreads=$(sed -n '/^==threads==/,/^==bt2==/p' "$K" | grep -cE '^\*? +[0-9]+ +Thread ')
ntasks=$(wc -l <"$SCRATCH/umdbg-ps")
is "$nthreads" $((ntasks + 1)) "info threads: the kernel process and every task of ps"
like "$K" "Thread [0-9]+ \\(pid $mpid umdbg-marker R, on the CPU\\)" "a task thread is named by pid, comm and state"
like "$K" 'Thread [0-9]+ \(pid 2 \[kthreadd\] S\) +switch_threads' "a sleeping task's thread shows where it sleeps"
sed -n '/^==bt2==/,/^==errors==/p' "$K" | grep -E '^  #[0-9]+ ' | tail -1 >"$SCRATCH/bt2-last"
like "$SCRATCH/bt2-last" '(new_thread_handler|fork_handler)\+0x[0-9a-f]+ at arch/um/kernel/process\.c' "bt of a sleeping task ends in new_thread_handler or fork_handler"
like "$K" '^vma: task 2 \(kthreadd\) is a kernel thread: it has no memory map$' "vma of a kernel thread is explained"
like "$K" '^bt: no task with pid 4242$' "an unknown pid is an error with a cause"

# Page tables: the marker's buffer, through its page tables, holds the
# string it wrote.
like "$K" "^$mkaddr in task $mpid:" "vtop walks the marker task's tables"
like "$K" '^  pgd\[ *[0-9]+\] @0x[0-9a-f]+ = 0x[0-9a-f]{16}  PRESENT' "each level: index, entry address, entry, UML flags"
like "$K" '^  pte\[ *[0-9]+\] @0x[0-9a-f]+ = 0x[0-9a-f]{16}  PRESENT RW USER ACCESSED DIRTY$' "the written page is present, writable, user, dirty"
like "$K" '^  phys 0x[0-9a-f]+  host 0x6[0-9a-f]+$' "then the physical and host addresses"
sed -n '/^==x==/,/^==kmem==/p' "$K" | cut -c68- | tr -d '\n' >"$SCRATCH/x-ascii"
like "$SCRATCH/x-ascii" 'UMDBG-MARKER-4242-written-by-the-guest' "x -p reads the marker through the page tables"
# kmem -p: the page behind the marker's buffer, and who maps it
like "$K" "^task $mpid's $mkaddr is 0x6[0-9a-f]+ in the kernel's direct map\$" "kmem -p: a user address is its page in the direct map"
like "$K" '^0x[0-9a-f]{16}: a page in use \(anonymous memory\)' "...an anonymous page (the marker wrote it)"
like "$K" "^  mapped by task $mpid \(umdbg-marker\) at 0x$(printf %x $((mkaddr & ~0xfff))) in [0-9a-f]+-[0-9a-f]+ rw-p " \
	"...mapped by the marker at the buffer's page, in its writable VMA"
like "$K" '^  not mapped: pmd\[0\] is not present: nothing is mapped in this 2 MiB$' "an unmapped address is explained, not an error"
like "$K" '^0x60000000 is in the kernel.s direct map: no tables$' "a direct-map kernel address needs no walk"
like "$K" '^0000004[0-9a-f]+-0000004[0-9a-f]+ -> phys [0-9a-f]+  PRESENT .* /bin/umdbg-marker$' "pt lists the marker's mapped pages with their file"
sed -n '/^==print==/,/^==py==/p' "$K" >"$SCRATCH/print"
like "$SCRATCH/print" '^    release = "6\.12\.[0-9]+",$' "p prints a struct from DWARF: init_uts_ns.name.release"
like "$SCRATCH/print" '^  user_ns = 0x[0-9a-f]+ <init_user_ns>,$' "pointers are named by their symbol"
like "$SCRATCH/print" "^p: no symbol 'no_such_variable' in " "an unknown variable is an error with a cause"
# umdbg's ps against the kernel's own gdb helper, lx-ps, at the same stop.
sed -n '/^==lx-ps==/,/^==lx-dmesg==/p' "$K" | awk '$1 ~ /^0x/ {print $2, $3}' | sort -n >"$SCRATCH/lx-ps"
sort -n "$SCRATCH/umdbg-ps" >"$SCRATCH/umdbg-ps.sorted"
ok $([ "$(wc -l <"$SCRATCH/lx-ps")" -ge 15 ] && echo 0 || echo 1) "lx-ps listed the tasks over the stub"
diff -u "$SCRATCH/lx-ps" "$SCRATCH/umdbg-ps.sorted" >"$SCRATCH/lx.diff"
ok $? "umdbg's ps has exactly lx-ps's tasks (pid and comm)"
[ -s "$SCRATCH/lx.diff" ] && sed 's/^/#   /' "$SCRATCH/lx.diff" | head -10
# umdbg's dmesg against lx-dmesg: the same records, the same text.
sed -n '/^==lx-dmesg==/,/^==dmesg-all==/p' "$K" | grep '^\[' >"$SCRATCH/lx-dmesg"
sed -n '/^==dmesg-all==/,/^==py==/p' "$K" | grep '^  \[' | sed 's/^  //' >"$SCRATCH/umdbg-dmesg"
ok $([ "$(wc -l <"$SCRATCH/lx-dmesg")" -ge 50 ] && echo 0 || echo 1) "lx-dmesg printed the log over the stub ($(wc -l <"$SCRATCH/lx-dmesg") lines)"
diff -u "$SCRATCH/lx-dmesg" "$SCRATCH/umdbg-dmesg" >"$SCRATCH/dmesg.diff"
ok $? "umdbg's dmesg equals lx-dmesg, line for line"
[ -s "$SCRATCH/dmesg.diff" ] && sed 's/^/#   /' "$SCRATCH/dmesg.diff" | head -10
sed -n '/^==py==/,$p' "$K" >"$SCRATCH/py"
like "$SCRATCH/py" '^umdbg_oops +live +0x' "scripts/gdb/umdbg.py: umdbg-lsmod runs over monitor"
like "$SCRATCH/py" "^Walk UML's page tables for ADDR" "and its commands have help text"
done_testing
