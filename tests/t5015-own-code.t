#!/bin/bash
# t5015-own-code: bring your own code.  'umdbg module DIR' builds an
# out-of-tree module against the guest's kernel tree (a compiler error is
# shown as the compiler prints it); --share DIR shows DIR to the guest at
# /share/NAME, read-write, and nothing else of the host (a hostfs mount
# can name no host path, and without --share reaches nothing); --run CMD
# runs CMD there and powers off, umdbg's exit status telling CMD's
# failure (6) from the kernel's (3).  Then a breakpoint in the module,
# its frames with file:line, a FILE:LINE breakpoint in its source set
# before it loads, gdb placing its symbols from the shared directory,
# gdb stopping at each hit of umdbg's own --break,
# and a replay of the recorded run.  Lines come from the module's source.
. "$(dirname "$0")/lib.sh"
need_guest
plan 36

mod=$SCRATCH/hello
mkdir "$mod" "$SCRATCH/empty"
cp "$TOP/samples/labs/08-own-module/hello.c" "$TOP/samples/labs/08-own-module/Kbuild" "$mod/"
line_of() { grep -n -- "$1" "$mod/hello.c" | head -1 | cut -d: -f1; }
greet_line=$(line_of 'pr_info("hello: greeting')
call_line=$(line_of 'sum += hello_greet(i)')

# umdbg module: bad directories, a compiler error, a build.
"$UMDBG" module "$SCRATCH/nope" >"$SCRATCH/out" 2>&1
is "$?" 1 "module: a missing directory is an error"
like "$SCRATCH/out" "^umdbg: module: '$SCRATCH/nope' is not a directory\$" "...said in one line"
"$UMDBG" module "$SCRATCH/empty" >"$SCRATCH/out" 2>&1
is "$?" 1 "module: a directory without Kbuild or Makefile is an error"
like "$SCRATCH/out" "has no Kbuild or Makefile" "...said in one line"
cp -r "$mod" "$SCRATCH/broken"
sed -i "${greet_line}s/.*/	this_is_not_c;/" "$SCRATCH/broken/hello.c"
timeout -k 5 300 "$UMDBG" module "$SCRATCH/broken" >"$SCRATCH/out" 2>&1
is "$?" 1 "module: a compiler error fails the build"
like "$SCRATCH/out" "^$SCRATCH/broken/hello\.c:$greet_line:[0-9]+: error: .this_is_not_c. undeclared" "...with the compiler's own message at hello.c:$greet_line"
timeout -k 5 300 "$UMDBG" module "$mod" >"$SCRATCH/out" 2>&1
is "$?" 0 "module: hello builds against the guest tree"
[ -f "$mod/hello.ko" ]
ok $? "...into hello.ko in its own directory"

# --run: the command's status, apart from the kernel's.
run_umdbg "$SCRATCH/run" --run 'true'
is "$rc" 0 "--run true: exit status 0"
like "$SCRATCH/run" '^umdbg: guest powered off$' "...the guest powered off"
run_umdbg "$SCRATCH/run" --run 'echo "a  b" '"'"'%x\'"'"'; exit 3'
is "$rc" 6 "--run with a failing command: exit status 6"
like "$SCRATCH/run" $'^a  b %x\\\\\r?$' "...the command reached the guest intact (quotes, spaces, % and \\)"
like "$SCRATCH/run" '^umdbg: the guest.s command failed with status 3; guest powered off \(exit status 6\)$' "...and umdbg names its status"
run_umdbg "$SCRATCH/run" --run 'echo c >/proc/sysrq-trigger'
is "$rc" 3 "--run with a command that crashes the kernel: exit status 3, a kernel problem"

# --share: read-write, at /share/NAME, the command's working directory.
run_umdbg "$SCRATCH/share" --share "$mod" --run 'pwd; ls /share; echo from-the-guest >out.txt'
is "$rc" 0 "--share DIR --run: exit status 0"
like "$SCRATCH/share" '^umdbg-guest: running in /share/hello: ' "the command runs in /share/hello"
like "$SCRATCH/share" $'^hello\r?$' "/share holds the shared directory and nothing else"
is "$(cat "$mod/out.txt" 2>&1)" from-the-guest "the guest's write is in the host's directory"
rm -f "$mod/out.txt"
run_umdbg "$SCRATCH/esc" --share "$mod" --run 'mkdir /tmp/m && ln -s /etc esc &&
	for p in /../../etc /hello/esc /hello; do mount -t hostfs none /tmp/m -o $p && echo "mounted $p"; done; rm esc'
is "$rc" 0 "a guest root tries to mount host paths through hostfs"
unlike "$SCRATCH/esc" '^mounted ' "...and no mount naming a host path ('..', a link it made, a share) succeeds"
run_umdbg "$SCRATCH/esc" --run 'mkdir /tmp/m && mount -t hostfs none /tmp/m && echo mounted'
unlike "$SCRATCH/esc" '^mounted$' "without --share, hostfs reaches nothing"
run_umdbg "$SCRATCH/out" --share "$mod/hello.c" --run true
is "$rc" 1 "--share of a file is an error"
"$UMDBG" --share "$mod" --run true --scenario halt </dev/null >"$SCRATCH/out" 2>&1
is "$?" 1 "--run and --scenario together are an error"

# A breakpoint in the module, from --share and --run.
timeout -k 5 120 "$UMDBG" --share "$mod" --run 'insmod hello.ko greetings=2' \
	--break hello_greet --batch -ex bt -ex list </dev/null >"$SCRATCH/bp" 2>&1
is "$?" 2 "--break hello_greet (pending until hello loads): stopped"
like "$SCRATCH/bp" "^  #0  0x[0-9a-f]+ hello_greet at $mod/hello\\.c:$greet_line \\[hello\\]\$" "frame 0: hello_greet at hello.c:$greet_line, in the shared directory"
like "$SCRATCH/bp" "^  #1  0x[0-9a-f]+ hello_init\\+0x[0-9a-f]+ at $mod/hello\\.c:$call_line \\[hello\\]\$" "frame 1: hello_init at hello.c:$call_line"
like "$SCRATCH/bp" "^=>\\* +$greet_line  	pr_info\\(\"hello: greeting" "list: the module's own source, at the line"
timeout -k 5 120 "$UMDBG" --share "$mod" --run 'insmod hello.ko greetings=2' \
	--break "hello.c:$call_line" --batch -ex 'sym $rip' </dev/null >"$SCRATCH/fl" 2>&1
is "$?" 2 "--break hello.c:$call_line (a line of the shared module, before it loads): stopped"
like "$SCRATCH/fl" "^umdbg: breakpoint 1 \\(hello.c:$call_line\\) resolved at 0x[0-9a-f]+ as module 'hello' loads\$" "...resolved as hello loaded"

# gdb places a shared module's symbols by itself: lab 1's module, whose
# init faults, copied and built in a directory of our own.
inv=$SCRATCH/inventory
mkdir "$inv"
cp "$TOP/samples/labs/01-init-oops/inventory.c" "$TOP/samples/labs/01-init-oops/Kbuild" "$inv/"
fault_line=$(grep -n 'it->count);' "$inv/inventory.c" | cut -d: -f1)
timeout -k 5 300 "$UMDBG" module "$inv" >"$SCRATCH/out" 2>&1
gdb_at_stop --wait --share "$inv" --run 'insmod inventory.ko' -- \
	-ex "source $TOP/scripts/gdb/umdbg.py" -ex continue -ex bt -ex kill "$TOP/guest/linux"
like "$SCRATCH/out" "^umdbg: module symbols from $inv/inventory\\.ko \\(\\.text at 0x[0-9a-f]+\\)\$" "gdb: the module's symbols, from the shared directory"
like "$SCRATCH/out" "^#0  (0x[0-9a-f]+ in )?inventory_init \\(\\) at $inv/inventory\\.c:$fault_line\$" "gdb: frame 0 at inventory.c:$fault_line, the faulting line"

# umdbg's own --break, with gdb attached at the first hit: every later
# hit stops gdb too (a plain SIGTRAP: gdb has no breakpoint there).
gdb_at_stop --share "$mod" --run 'insmod hello.ko' --break hello_greet -- \
	-ex 'p $rdi' -ex continue -ex 'p $rdi' -ex continue -ex 'p $rdi' -ex kill \
	"$TOP/guest/linux"
is "$(grep -c 'received signal SIGTRAP' "$SCRATCH/out")" 2 \
	"gdb: umdbg's --break stops gdb at each later hit"
is "$(grep -E '^\$[0-9]+ = ' "$SCRATCH/out" | sed 's/^\$[0-9]* = //' | tr '\n' ' ')" "1 2 3 " \
	"...hello_greet's argument 1, then 2, then 3"

# Record and replay: the share and the command are in the trace.
run_umdbg "$SCRATCH/rec" --record "$SCRATCH/t.trace" --share "$mod" --run 'insmod hello.ko greetings=4; exit 5'
is "$rc" 6 "recorded: the command's status 5 (exit status 6)"
run_umdbg "$SCRATCH/rep" replay "$SCRATCH/t.trace"
is "$rc" 6 "replayed: the same exit status, from the recorded command line"
grep -h 'hello: 4 greetings' "$SCRATCH/rec" "$SCRATCH/rep" | sed 's/^.*hello: /hello: /' | uniq -c | grep -q '^ *2 hello: 4 greetings, sum of squares 30$'
ok $? "the module's message, once in each run, the same"
