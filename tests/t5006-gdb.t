#!/bin/bash
# t5006-gdb: stock gdb (and lldb) debug the real guest through umdbg's
# stub: breakpoints, stepping, watchpoints, threads, monitor commands,
# Ctrl-C from a raw client, malformed packets, one-gdb-at-a-time,
# detach and reconnect, kill, and the kernel's own lx-* helpers compared
# with native gdb on the same kernel at the same breakpoint.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 98

RSPC="python3 $TOP/tests/helpers/rsp-client.py"
upid=
cleanup() {
	[ -n "$upid" ] && kill -KILL "$upid" 2>/dev/null
	[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

run_gdb() {	# run_gdb NAME: gdb -batch on $SCRATCH/NAME.gdb
	timeout -k 5 120 gdb -nx -batch -x "$SCRATCH/$1.gdb" "$TOP/guest/linux" \
		>"$SCRATCH/$1.out" 2>&1
}

# ---- a debugging session from the first instruction ------------------------
start_umdbg a --gdb 0 --wait --scenario work
ok $? "umdbg --gdb 0 --wait listens and says where"
like "$SCRATCH/a.umdbg" 'waits at its first instruction for gdb' "--wait holds the kernel"
cat >"$SCRATCH/a.gdb" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
info registers rip
break start_kernel
continue
bt 3
next
step
finish
stepi 100
info registers rip
tbreak rest_init
continue
until
x/8gx &jiffies_64
p jiffies
set var \$rax = 0x1234
p/x \$rax
info threads
break do_one_initcall if fn == 0
break kernel_init
continue
delete
monitor help
monitor version
monitor continue
monitor bt
continue
EOF
run_gdb a
A=$SCRATCH/a.out
like "$A" '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <_start>' "first stop at the dynamic loader's _start"
like "$A" '^(Thread [0-9]+ hit )?Breakpoint 1, start_kernel \(\) at init/main\.c:[0-9]+' "break start_kernel + continue stops there"
like "$A" '^#1  0x[0-9a-f]+ in start_kernel_proc .* at arch/um/kernel/skas/process\.c:[0-9]+' "bt shows the caller with file:line"
guest_line bootcfg init/main.c '^[[:space:]]+setup_boot_config\(\);'
like "$A" "^$bootcfg[[:space:]]+setup_boot_config\\(\\);" "next goes to the next line ($bootcfg)"
like "$A" '^setup_boot_config \(\) at init/main\.c:[0-9]+' "step enters the function"
like "$A" '^(0x[0-9a-f]+ in )?start_kernel \(\) at init/main\.c:[0-9]+' "finish returns to the caller"
like "$A" '^(Thread [0-9]+ hit )?Temporary breakpoint [0-9]+, rest_init \(\) at init/main\.c' "tbreak stops once"
like "$A" '^0x[0-9a-f]+ <jiffies_64>:[[:space:]]+0x[0-9a-f]{16}[[:space:]]+0x[0-9a-f]{16}' "x/8gx reads kernel memory"
like "$A" '^\$[0-9]+ = 429493[0-9]+' "p jiffies reads a kernel variable"
like "$A" '^\$[0-9]+ = 0x1234' "set var on a register sticks"
like "$A" '^\* 1 +Thread [0-9]+ \(UML kernel process\)' "info threads lists the kernel process"
like "$A" '^(Thread [0-9]+ hit )?Breakpoint [0-9]+, kernel_init \(unused=' "the next breakpoint hits (the condition kept do_one_initcall quiet)"
unlike "$A" '^(Thread [0-9]+ hit )?Breakpoint [0-9]+, do_one_initcall' "conditional breakpoint with a false condition never stops"
like "$A" '^  bt \[PID\] +backtrace of the stopped thread' "monitor help lists the command table"
like "$A" '^umdbg 0\.1 \(commit [0-9a-f]+(-dirty)?\), kernel ' "monitor version (with the commit)"
like "$A" '^watchpoints: (the debug registers \(they trap on this host\)|emulated by page protection \(.+\))$' "monitor version says how watchpoints work here"
like "$A" "^continue: use gdb's own command for that" "monitor refuses to resume behind gdb's back"
like "$A" '^  #0  0x[0-9a-f]+ .* at [a-z/_]+\.[ch]:[0-9]+' "monitor bt prints umdbg's backtrace"
like "$A" '^\[Inferior 1 \(Remote target\) exited normally\]' "continue runs the work scenario to power-off"
unlike "$A" 'Remote failure|Remote connection closed|Protocol error' "no protocol errors"
end_umdbg
is "$urc" 0 "umdbg exits 0 when the guest powers off under gdb"

# ---- hardware breakpoints and watchpoints, on both paths -------------------
# (tests/watch-mode.sh: the debug registers where they trap, and emulated)
gdb_watch_session() {
	start_umdbg w --gdb 0 --wait --scenario work
	cat >"$SCRATCH/w.gdb" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
hbreak kernel_init
continue
delete
watch jiffies_64
continue
delete
rwatch jiffies_64
continue
delete
awatch jiffies_64
continue
delete
kill
EOF
	run_gdb w
	local W=$SCRATCH/w.out
	like "$W" '^Hardware assisted breakpoint [0-9]+ at 0x[0-9a-f]+: file init/main\.c' "$WATCH_PATH: hbreak is accepted as a hardware breakpoint"
	like "$W" '^(Thread [0-9]+ hit )?Breakpoint [0-9]+, kernel_init \(unused=' "$WATCH_PATH: the hardware breakpoint hits"
	like "$W" '^Hardware watchpoint [0-9]+: jiffies_64' "$WATCH_PATH: watch on a kernel variable"
	like "$W" '^Old value = 429493[0-9]+' "$WATCH_PATH: watch hit reports the old value"
	like "$W" '^New value = 429493[0-9]+' "$WATCH_PATH: and the new value"
	like "$W" '^Hardware read watchpoint [0-9]+: jiffies_64' "$WATCH_PATH: rwatch is accepted"
	like "$W" '^Hardware access \(read/write\) watchpoint [0-9]+: jiffies_64' "$WATCH_PATH: awatch is accepted"
	is "$(grep -c '^Value = 429493' "$W")" 2 "$WATCH_PATH: rwatch and awatch both hit with the value"
	unlike "$W" 'Remote failure|Remote connection closed|Protocol error' "$WATCH_PATH: no protocol errors"
	end_umdbg
}
watch_both gdb_watch_session 9

# ---- Ctrl-C, malformed packets, one at a time, detach, reconnect, kill -----
start_umdbg b --gdb 0 --scenario shell
sleep 1
cat >"$SCRATCH/b.rsp" <<'EOF'
send qSupported:swbreak+;hwbreak+
expect
send ?
expect
send vCont;c
sleep 0.5
intr
expect
raw $garbage-without-end
raw #zz
acks
badsum g
acks
send mZZZZ,8
expect
send m60000000,zz
expect
send Z0,notanaddress,1
expect
send qNoSuchPacket
expect
long 300000
acks
send m60000000,4
expect
send D
expect
EOF
$RSPC "127.0.0.1:$port" "$SCRATCH/b.rsp" >"$SCRATCH/b.out" 2>&1
B=$SCRATCH/b.out
like "$B" '^reply: PacketSize=[0-9a-f]+;.*qXfer:features:read\+' "qSupported advertises a large PacketSize and features"
like "$B" '^reply: T05thread:[0-9a-f]+;' "? reports the stop and thread (interrupted on connect)"
like "$B" '^reply: T02thread:[0-9a-f]+;' "0x03 while running stops the guest with SIGINT"
like "$B" '^acks: -$' "a bad checksum is refused with -"
is "$(grep -c '^reply: E' "$B")" 3 "bad hex in m and Z packets gets E replies"
like "$B" '^reply: $' "an unknown packet gets the empty reply"
like "$B" '^acks: -' "an overlong packet is dropped with -"
like "$B" '^reply: 7f454c46$' "the stub still serves after all that (ELF magic at 0x60000000)"
like "$B" '^reply: OK$' "D detaches"
sleep 0.5
like "$SCRATCH/b.umdbg" 'gdb detached; the guest runs on' "umdbg reports the detach; the guest keeps running"

# Reconnect with real gdb while the guest runs, and meanwhile refuse a
# second connection.
cat >"$SCRATCH/c.gdb" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
shell python3 $TOP/tests/helpers/rsp-client.py 127.0.0.1:$port $SCRATCH/second.rsp > $SCRATCH/second.out
bt 2
info threads
kill
EOF
printf 'send qSupported\nexpect\n' >"$SCRATCH/second.rsp"
run_gdb c
like "$SCRATCH/c.out" '^#0  .* in ' "a second gdb session after detach sees the stopped guest"
like "$SCRATCH/second.out" '^reply: E\.umdbg serves one gdb at a time' "a concurrent connection is refused clearly"
like "$SCRATCH/c.out" '^\[Inferior 1 \(Remote target\) killed\]' "kill ends the guest"
end_umdbg
is "$urc" 0 "umdbg exits 0 after gdb's kill"
like "$SCRATCH/b.umdbg" 'refused a second gdb connection' "umdbg says it refused"
like "$SCRATCH/b.umdbg" 'gdb killed the guest' "umdbg says gdb killed the guest"

# ---- the binary memory read ----------------------------------------------
# The binary memory read (x), in both of its dialects, against m's hex:
# 2 KB of start_kernel's code (rsp-relative operands: '$' bytes to escape).
# Its own session: a client that leaves lets the guest run on, so this
# one kills it.
guest_addr sk start_kernel
start_umdbg x --gdb 0 --break panic --scenario panic
wait_until 10 "/waiting for gdb/ in $SCRATCH/x.umdbg" grep -qs 'waiting for gdb' "$SCRATCH/x.umdbg"
printf '%s\n' 'send qSupported' expect "send m${sk#0x},800" expect \
	"send x${sk#0x},800" 'expectx b' 'send x0,0' expect \
	"send x${sk#0x},800" 'expectx bare' 'sleep 2' 'send k' >"$SCRATCH/x.rsp"
# After a reply umdbg looks for the client's next packet without
# sleeping, for a fraction of a millisecond: a client that goes quiet
# costs it no CPU.  Its CPU ticks over one second of the client's sleep.
ticks() { awk '{ print $14 + $15 }' "/proc/$upid/stat"; }
python3 "$TOP/tests/helpers/rsp-client.py" "127.0.0.1:$port" "$SCRATCH/x.rsp" >"$SCRATCH/x.out" 2>&1 &
xpid=$!
wait_until 10 "the x replies" eval '[ "$(grep -c "^xreply:" "$SCRATCH/x.out")" = 2 ]'
sleep 0.3
t0=$(ticks)
sleep 1
t1=$(ticks)
wait "$xpid"
ok $(( t1 - t0 > 10 )) "a quiet client costs umdbg no CPU ($(( t1 - t0 )) ticks in 1 s)"
like "$SCRATCH/x.out" '^reply: .*binary-upload\+' "qSupported offers the binary memory read (binary-upload+)"
python3 - "$SCRATCH/x.out" >"$SCRATCH/x.facts" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
replies = [l.split(' ', 1)[1] for l in lines if l.startswith('reply: ')]
xs = [l.split() for l in lines if l.startswith('xreply: ')]
m = replies[1] if len(replies) > 1 else ''
ok = len(xs) == 2 and all(len(x) == 3 and x[1] == m for x in xs) and len(m) == 4096
print('same' if ok else 'differ', 'escapes', min(int(x[2]) for x in xs) if len(xs) == 2 and all(len(x) == 3 for x in xs) else -1,
      'probe', replies[2] if len(replies) > 2 else '-')
PY
read -r same _ esc _ probe <"$SCRATCH/x.facts"
is "$same $probe" "same OK" "x gives m's 2048 bytes, after a 'b' and bare after lldb's x0,0 probe (OK)"
ok $(( esc < 1 )) "...with the bytes the protocol reserves escaped ($esc of them)"
end_umdbg

# ---- a --break stop waits for gdb -----------------------------------------
start_umdbg d --gdb 0 --break panic --scenario panic
wait_until 10 "/waiting for gdb/ in $SCRATCH/d.umdbg" grep -qs 'waiting for gdb' "$SCRATCH/d.umdbg"
like "$SCRATCH/d.umdbg" 'umdbg: waiting for gdb on 127\.0\.0\.1:' "a --break stop with --gdb waits for gdb instead of exiting"
like "$SCRATCH/d.umdbg" '^  #1  0x[0-9a-f]+ sysrq_handle_crash' "and prints the report meanwhile"

# The kernel's own helpers, run the same way over the stub and natively.
LX_CMDS='lx-version
lx-cmdline
lx-ps
lx-lsmod
lx-dmesg
p $lx_current().comm
kill'

# lx-* over the stub ...
cat >"$SCRATCH/lx-stub.gdb" <<EOF
set pagination off
set confirm off
add-auto-load-safe-path $TOP/guest/src
source $TOP/guest/src/vmlinux-gdb.py
target remote 127.0.0.1:$port
$LX_CMDS
EOF
run_gdb lx-stub
end_umdbg

# ... and under native gdb, same kernel, same command line, same breakpoint.
mkfifo "$SCRATCH/stdin"
sleep 60 >"$SCRATCH/stdin" &
holder=$!
cat >"$SCRATCH/lx-native.gdb" <<EOF
set pagination off
set confirm off
handle SIGSEGV nostop noprint pass
handle SIGUSR1 nostop noprint pass
handle SIGALRM nostop noprint pass
handle SIGIO nostop noprint pass
handle SIGVTALRM nostop noprint pass
handle SIGWINCH nostop noprint pass
add-auto-load-safe-path $TOP/guest/src
source $TOP/guest/src/vmlinux-gdb.py
break panic
run mem=128M initrd=$TOP/guest/rootfs.cpio.gz con=null con0=fd:0,fd:1 time-travel=inf-cpu time-travel-start=0 umdbg.scenario=panic uml_dir=$SCRATCH/uml hostfs=$SCRATCH/uml-host umid=umdbg <$SCRATCH/stdin >/dev/null 2>&1
$LX_CMDS
EOF
run_gdb lx-native
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
# Compare from lx-version's first line on; the paths of uml_dir and the
# hostfs root differ by construction (the native run cannot use umdbg's
# private /dev/shm).
norm() { sed -n '/^Linux version/,$p' "$1" | grep -v '^\[Inferior' |
	 sed -e "s|uml_dir=$SCRATCH/uml|uml_dir=UMLDIR|g" -e 's|uml_dir=/dev/shm/umdbg|uml_dir=UMLDIR|g' \
	     -e "s|hostfs=$SCRATCH/uml-host|hostfs=HOSTFS|g" -e 's|hostfs=/dev/shm/umdbg-host|hostfs=HOSTFS|g' \
	     -e "s|$SCRATCH/uml/umdbg/mconsole|MCONSOLE|" -e 's|/dev/shm/umdbg/umdbg/mconsole|MCONSOLE|'; }
norm "$SCRATCH/lx-stub.out" >"$SCRATCH/lx-stub.norm"
norm "$SCRATCH/lx-native.out" >"$SCRATCH/lx-native.norm"
like "$SCRATCH/lx-stub.norm" '^Linux version 6\.12\.[0-9]+' "lx-version over the stub"
like "$SCRATCH/lx-stub.norm" 'umdbg\.scenario=panic' "lx-cmdline over the stub"
like "$SCRATCH/lx-stub.norm" '^0x[0-9a-f]+ +1 +init' "lx-ps over the stub lists init"
like "$SCRATCH/lx-stub.norm" 'sysrq: Trigger a crash' "lx-dmesg over the stub"
like "$SCRATCH/lx-stub.norm" '^\$1 = "init"' '$lx_current() over the stub'
ok $([ "$(grep -c . "$SCRATCH/lx-native.norm")" -gt 20 ] && echo 0 || echo 1) "native gdb produced the reference output"
diff -u "$SCRATCH/lx-native.norm" "$SCRATCH/lx-stub.norm" >"$SCRATCH/lx.diff"
ok $? "lx-version, lx-cmdline, lx-ps, lx-lsmod, lx-dmesg: identical to native gdb"
[ -s "$SCRATCH/lx.diff" ] && sed 's/^/#   /' "$SCRATCH/lx.diff" | head -20

# ---- lx-symbols, and gdb finding the kernel by itself ------------------------
start_umdbg f --gdb 0 --break umdbg_oops:umdbg_oops_deref --scenario oops
wait_until 10 "/waiting for gdb/ in $SCRATCH/f.umdbg" grep -qs 'waiting for gdb' "$SCRATCH/f.umdbg"
cat >"$SCRATCH/f.gdb" <<EOF
set pagination off
set confirm off
add-auto-load-safe-path $TOP/guest/src
target remote 127.0.0.1:$port
source $TOP/guest/src/vmlinux-gdb.py
lx-symbols $TOP/guest/modules
p umdbg_oops_deref
remote get /etc/passwd $SCRATCH/got-passwd
kill
EOF
timeout -k 5 120 gdb -nx -batch -x "$SCRATCH/f.gdb" >"$SCRATCH/f.out" 2>&1
like "$SCRATCH/f.out" 'Reading symbols from .*/vmlinux' "gdb with no file loads the kernel named by qXfer:exec-file"
like "$SCRATCH/f.out" 'Reading .*/vmlinux from remote target' "and reads it through the stub (vFile)"
like "$SCRATCH/f.out" '^loading @0x[0-9a-f]+: .*/umdbg_oops\.ko' "lx-symbols loads the module's symbols over the stub"
like "$SCRATCH/f.out" '^\$1 = \{int \(struct umdbg_oops_victim \*\)\} 0x[0-9a-f]+ <umdbg_oops_' "module symbols and types resolve in gdb"
like "$SCRATCH/f.out" 'Remote I/O error: Permission denied' "vFile opens no host file the kernel does not map (remote get /etc/passwd)"
[ ! -e "$SCRATCH/got-passwd" ]
ok $? "...and gdb got nothing of it"
end_umdbg

# ---- UML's own signals reach gdb only when asked -------------------------
start_umdbg h --gdb 0 --wait "$TOP/guest/linux" mem=128M initrd="$TOP/guest/rootfs.cpio.gz" \
	con=null con0=fd:0,fd:1 umdbg.scenario=halt
cat >"$SCRATCH/h.gdb" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
handle SIGALRM stop print
monitor handle SIGALRM stop
continue
monitor handle SIGALRM pass
handle SIGALRM nostop noprint pass
continue
EOF
run_gdb h
like "$SCRATCH/h.out" '^SIGALRM: stops the guest' "monitor handle makes a UML signal stop"
like "$SCRATCH/h.out" '^(Program|Thread [0-9]+) received signal SIGALRM' "gdb sees it when it asks for it"
like "$SCRATCH/h.out" '^\[Inferior 1 \(Remote target\) exited normally\]' "passed again, the boot completes"
end_umdbg

# ---- a real kernel fault reaches gdb as SIGSEGV ----------------------------
start_umdbg g --gdb 0 --wait --scenario oops
cat >"$SCRATCH/g.gdb" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
continue
x/i \$pc
continue
kill
EOF
run_gdb g
like "$SCRATCH/g.out" '^(Program|Thread [0-9]+) received signal SIGSEGV, Segmentation fault\.' "a NULL dereference in kernel code stops gdb with SIGSEGV"
like "$SCRATCH/g.out" '^=> 0x[0-9a-f]+:' "at the faulting instruction"
like "$SCRATCH/g.out" '(Program|Thread [0-9]+) received signal SIGABRT' "continuing lets UML panic: SIGABRT"
end_umdbg

# ---- lldb -------------------------------------------------------------------
start_umdbg e --gdb 0 --break panic --scenario panic
wait_until 10 "/waiting for gdb/ in $SCRATCH/e.umdbg" grep -qs 'waiting for gdb' "$SCRATCH/e.umdbg"
timeout -k 5 60 lldb -b -o "gdb-remote 127.0.0.1:$port" -o "register read rip" \
	-o "memory read --size 8 --format x --count 2 0x60000000" -o "bt" -o "kill" \
	"$TOP/guest/linux" >"$SCRATCH/lldb.out" 2>&1
like "$SCRATCH/lldb.out" 'stop reason = signal SIGTRAP' "lldb attaches and sees the stop"
guest_addr panic_at panic
like "$SCRATCH/lldb.out" "rip = 0x0*${panic_at#0x}([^0-9a-f]|\$)" "lldb reads registers (rip at panic, $panic_at)"
like "$SCRATCH/lldb.out" '^0x60000000: 0x00010102464c457f' "lldb reads memory (the ELF header)"
like "$SCRATCH/lldb.out" 'frame #0: 0x[0-9a-f]+ linux`panic\(fmt=.*\) at panic\.c:[0-9]+' "lldb's backtrace: names, arguments, file:line (qHostInfo, qXfer:auxv)"
like "$SCRATCH/lldb.out" 'frame #1: 0x[0-9a-f]+ linux`sysrq_handle_crash\(' "lldb's frame 1: the caller, unwound from panic's first instruction"
like "$SCRATCH/lldb.out" '\[inlined\] pde_write\(' "lldb shows inlined frames"
like "$SCRATCH/lldb.out" 'frame #[0-9]+: 0x[0-9a-f]+ linux`new_thread_handler at process\.c:[0-9]+' "lldb's backtrace ends where the thread starts"
like "$SCRATCH/lldb.out" 'exited with status' "lldb kills the guest"
end_umdbg
is "$urc" 0 "umdbg exits after lldb's kill"

# ---- bad --gdb input -------------------------------------------------------
run_umdbg "$SCRATCH/bad1" --gdb 10.1.2.3:1234 --scenario halt
is "$rc" 1 "a non-loopback address without --listen-any is refused"
like "$SCRATCH/bad1" "^umdbg: '10\.1\.2\.3' is not a loopback address: add --listen-any" "and says why"
run_umdbg "$SCRATCH/bad2" --gdb nonsense:port --scenario halt
is "$rc" 1 "a malformed --gdb address is refused"
run_umdbg "$SCRATCH/bad3" --wait --scenario halt
is "$rc" 1 "--wait without --gdb is refused"

# ---- a unix socket is private ----------------------------------------------
mkfifo "$SCRATCH/sock.in"	# held open: the shell stays up
"$UMDBG" --gdb "unix:$SCRATCH/sock" --scenario shell <"$SCRATCH/sock.in" >"$SCRATCH/u.umdbg" 2>&1 &
upid=$!
exec {held}>"$SCRATCH/sock.in"
wait_until 5 "the socket $SCRATCH/sock" [ -S "$SCRATCH/sock" ]
is "$(stat -c %a "$SCRATCH/sock" 2>/dev/null)" 600 "the unix socket is mode 0600"
timeout 30 gdb -nx -batch -ex "target remote $SCRATCH/sock" -ex "info threads" -ex kill \
	"$TOP/guest/linux" >"$SCRATCH/u.out" 2>&1
like "$SCRATCH/u.out" 'UML kernel process' "gdb connects over the unix socket"
end_umdbg
ok $([ ! -e "$SCRATCH/sock" ] && echo 0 || echo 1) "the socket is removed at exit"
done_testing
