#!/bin/bash
# t5022-forensics: kmem, slab, page, buddy and kconfig (docs/forensics.md)
# on the real guest, against what the guest says of itself.
#
#   - slab and buddy at a panic, against /proc/slabinfo and
#     /proc/buddyinfo printed just before it by the shell itself (no
#     process comes or goes between; the counts of a few caches still
#     move a little between the two reads, the shapes may not);
#   - kconfig, against the build's .config;
#   - kmem on the story of samples/kmem (a cache with SLUB's records:
#     objects allocated, freed, reused; a vmalloc'd buffer; a block given
#     back to the buddy lists, a page to the per-CPU list), stopped at
#     umdbg_kmem_done: each address says what it is, and the records name
#     the exact callers (file:line from the sample's source);
#   - a stack, the image, a module's code; bad input;
#   - files, cred and stack of the shell that crashes the kernel, against
#     its own /proc/PID/fd, fdinfo and status;
#   - irqs against /proc/interrupts, timers against /proc/timer_list,
#     workqueues' workers against the kworker tasks;
#     percpu process_counts against the processes the guest counts.
. "$(dirname "$0")/lib.sh"
need_guest
plan 76

facts() { python3 "$TOP/tests/helpers/rows-facts.py" "$1"; }
# fact FILE WORDS...: the value after the first fact starting with WORDS
fact() {
	local f=$1
	shift
	facts "$f" | awk -v k="$*" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }'
}

# ---- counts, against the kernel's own ------------------------------------
run_umdbg "$SCRATCH/counts" --break panic \
	--run 'for f in /proc/slabinfo /proc/buddyinfo /proc/zoneinfo; do while read -r l; do echo "$l"; done <$f; done; echo c >/proc/sysrq-trigger' \
	--batch --json -ex slab -ex buddy
is "$rc" 2 "slab and buddy at the panic: exit status 2"
tr -d '\r' <"$SCRATCH/counts" >"$SCRATCH/counts.txt"
awk '/^# name/ { go = 1; next } go && $7 == ":" && $12 == ":" { print $1, $2, $3, $4, $5, $6, $15 }' \
	"$SCRATCH/counts.txt" >"$SCRATCH/slabinfo"
facts "$SCRATCH/counts.txt" | awk '$1 == "slabcache" { v[$2, $3] = $4; n[$2] = 1 }
	END { for (c in n) print c, v[c, "active"], v[c, "objects"], v[c, "size"],
		v[c, "per_slab"], v[c, "pages"], v[c, "slabs"] }' >"$SCRATCH/ours"
[ -s "$SCRATCH/slabinfo" ]
ok $? "the guest printed /proc/slabinfo"
# The same caches; sizes, objects per slab and pages per slab exactly;
# the counts equal, but for the few caches the crash itself touched.
read -r missing extra shape moved far < <(awk -v m="$SCRATCH/moved" '
	NR == FNR { t[$1] = $0; next }
	{ o[$1] = $0 }
	END {
		for (c in t) if (!(c in o)) missing++
		for (c in o) if (!(c in t)) extra++
		for (c in t) if (c in o) {
			split(t[c], a, " "); split(o[c], b, " ")
			if (a[4] != b[4] || a[5] != b[5] || a[6] != b[6]) shape++
			if (a[2] != b[2] || a[3] != b[3] || a[7] != b[7]) {
				moved++
				d = a[2] - b[2]; if (d < 0) d = -d
				e = a[3] - b[3]; if (e < 0) e = -e
				if (d > 2 * a[5] || e > 2 * a[5]) far++
				print "moved: " t[c] " / ours " o[c] > m
			}
		}
		print missing + 0, extra + 0, shape + 0, moved + 0, far + 0
	}' "$SCRATCH/slabinfo" "$SCRATCH/ours")
is "$missing $extra" "0 0" "slab lists every cache /proc/slabinfo lists, and no other"
is "$shape" 0 "...with its object size, objects per slab and pages per slab"
[ -s "$SCRATCH/moved" ] && sed 's/^/# /' "$SCRATCH/moved"
ok $((moved > 5)) "...and its counts (active objects, objects, slabs): $moved caches moved between the two reads"
is "$far" 0 "...none by more than two slabs' worth"
# buddy: the zones and free blocks per order of /proc/buddyinfo
awk '/^Node [0-9]+, zone/ { z = $4; for (i = 5; i <= NF; i++) print z, i - 5, $i }' \
	"$SCRATCH/counts.txt" >"$SCRATCH/buddyinfo"
facts "$SCRATCH/counts.txt" | awk '$1 == "buddy" { print $2, $3, $4 }' >"$SCRATCH/buddy"
[ -s "$SCRATCH/buddyinfo" ]
ok $? "the guest printed /proc/buddyinfo"
is "$(cut -d' ' -f1,2 "$SCRATCH/buddy" | tr '\n' ' ')" "$(cut -d' ' -f1,2 "$SCRATCH/buddyinfo" | tr '\n' ' ')" \
	"buddy: the same zones and orders"
read -r same total_t total_o < <(paste -d' ' "$SCRATCH/buddyinfo" "$SCRATCH/buddy" |
	awk '{ if ($3 == $6) s++; t += $3 * 2 ^ $2; o += $6 * 2 ^ $5 } END { print s + 0, t, o }')
orders=$(wc -l <"$SCRATCH/buddyinfo")
ok $((same < orders - 3)) "...free blocks per order equal for $same of $orders orders"
ok $(awk -v t="$total_t" -v o="$total_o" 'BEGIN { d = t - o; if (d < 0) d = -d; exit !(t > 0 && d <= t / 50) }'; echo $?) \
	"...and free pages within 2% ($total_o against $total_t)"
# the zones: present pages as /proc/zoneinfo says (populated zones only, as
# /proc/buddyinfo), and a count of free pages on the per-CPU lists
awk '/^Node [0-9]+, zone/ { z = $4 } $1 == "present" && $2 > 0 { print z, $2 }' \
	"$SCRATCH/counts.txt" >"$SCRATCH/zoneinfo"
facts "$SCRATCH/counts.txt" | awk '$1 == "zone" { print $2, $3 }' >"$SCRATCH/zones"
[ -s "$SCRATCH/zoneinfo" ]
ok $? "the guest printed /proc/zoneinfo"
is "$(tr '\n' ' ' <"$SCRATCH/zones")" "$(tr '\n' ' ' <"$SCRATCH/zoneinfo")" \
	"buddy: a zone row for each populated zone, with its present pages"
ok $(facts "$SCRATCH/counts.txt" | awk '$1 == "zone" { n++; if ($4 !~ /^[0-9]+$/ || $4 > $3) bad++ }
	END { exit !(n > 0 && !bad) }'; echo $?) \
	"...and its free pages on the per-CPU lists (0 to present)"

# ---- kconfig: the build's .config ----------------------------------------
run_umdbg "$SCRATCH/config" --break panic --scenario panic --batch \
	-ex kconfig -ex "kconfig no_such_option"
is "$rc" 1 "kconfig: exit status 1 (the last command finds nothing)"
grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$TOP/guest/src/.config" | sort >"$SCRATCH/config.want"
tr -d '\r' <"$SCRATCH/config" | grep -E '^(CONFIG_|# CONFIG_)' | sort -u >"$SCRATCH/config.got"
[ -s "$SCRATCH/config.want" ] && cmp -s "$SCRATCH/config.want" "$SCRATCH/config.got"
ok $? "kconfig prints every option of the build's .config, as it has it ($(wc -l <"$SCRATCH/config.want") lines)"
# patterns: a part of a name in any case, and a glob, as the .config has
# them (the stop's report holds no CONFIG_ line)
run_umdbg "$SCRATCH/config-p" --break panic --scenario panic --batch \
	-ex "kconfig slub_debug" -ex "kconfig CONFIG_HZ_*"
grep -iE '^(# )?CONFIG_[A-Z0-9_]*SLUB_DEBUG[A-Z0-9_]*[= ]' "$TOP/guest/src/.config" >"$SCRATCH/config-p.want"
grep -E '^(# )?CONFIG_HZ_[A-Z0-9_]*[= ]' "$TOP/guest/src/.config" >>"$SCRATCH/config-p.want"
tr -d '\r' <"$SCRATCH/config-p" | grep -E '^(CONFIG_|# CONFIG_)' >"$SCRATCH/config-p.got"
[ -s "$SCRATCH/config-p.want" ] && cmp -s "$SCRATCH/config-p.want" "$SCRATCH/config-p.got"
ok $? "kconfig PATTERN: a part of a name (any case), then a glob: the .config's lines ($(wc -l <"$SCRATCH/config-p.want"))"
like "$SCRATCH/config" '^kconfig: no option matches .no_such_option.$' "...an unknown one says so"
unlike "$SCRATCH/config" '^\(the kernel has no CONFIG_IKCONFIG' "...read from the kernel itself (CONFIG_IKCONFIG)"

# ---- the kmem story ------------------------------------------------------
src=$TOP/samples/kmem/umdbg_kmem.c
line_in alloc_line "$src" 'kmem_cache_alloc\(records'
line_in free_line "$src" 'UMDBG-KMEM free'
line_in vmalloc_line "$src" 'UMDBG-KMEM vmalloc'
line_in drop2_line "$src" 'record_drop\(kept\[2\]\)'
line_in drop1_line "$src" 'record_drop\(kept\[1\]\)'
line_in new4_line "$src" 'kept\[4\] = record_new\(4\)'
run_umdbg "$SCRATCH/story" --break umdbg_kmem:umdbg_kmem_done \
	--run "insmod /lib/modules/umdbg_kmem.ko" --batch --json \
	-ex "kmem umdbg_kmem_live" -ex "kmem umdbg_kmem_reused" \
	-ex "kmem umdbg_kmem_freed" -ex "kmem (char *)umdbg_kmem_freed + 8" \
	-ex "kmem umdbg_kmem_big + 5000" -ex "kmem umdbg_kmem_block + 40000" \
	-ex "kmem umdbg_kmem_page" -ex 'kmem $rsp' -ex "kmem &init_task" \
	-ex "kmem umdbg_kmem_done" -ex "slab -o umdbg_kmem" -ex "page umdbg_kmem_block" \
	-ex "p sizeof(struct record)" -ex ps
is "$rc" 2 "the kmem story: stopped at umdbg_kmem_done (exit status 2)"
S=$SCRATCH/story.txt
tr -d '\r' <"$SCRATCH/story" >"$S"
read -r live reused was freed < <(sed -n 's/.*umdbg_kmem: live \([0-9a-f]*\) reused \([0-9a-f]*\) (record 1 was \([0-9a-f]*\)) freed \([0-9a-f]*\).*/\1 \2 \3 \4/p' "$S" | head -1)
[ -n "$freed" ] || no_fact "the sample printed no addresses"
is "$reused" "$was" "the sample's record 4 took record 1's memory"
size=$(fact "$S" value sizeof\(struct record\))
F=$SCRATCH/facts
facts "$S" >"$F"
kf() { awk -v k="kmem $1 $2" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$F"; }
# frame N of a track: "FUNC FILE LINE"
tf() { awk -v k="kmem $1 $2 $3" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$F"; }
hex() { printf '0x%016x' "$((16#$1))"; }

is "$(kf 0 what) $(kf 0 name) $(kf 0 start) $(kf 0 size) $(kf 0 state)" \
	"slab umdbg_kmem $(hex "$live") $size allocated" \
	"kmem: the live record is an allocated object of umdbg_kmem, sizeof(struct record) bytes"
is "$(tf 0 allocated 0)" "record_new umdbg_kmem.c $alloc_line" "...allocated in record_new, at its kmem_cache_alloc"
is "$(kf 1 start) $(kf 1 state)" "$(hex "$reused") allocated" "the reused record: allocated again"
is "$(tf 1 freed 0)" "record_drop umdbg_kmem.c $free_line" "...last freed in record_drop, at its kmem_cache_free"
is "$(tf 1 freed 1)" "umdbg_kmem_init umdbg_kmem.c $drop1_line" "...called for record 1"
is "$(tf 1 allocated 1)" "umdbg_kmem_init umdbg_kmem.c $new4_line" "...and allocated again for record 4"
is "$(kf 2 start) $(kf 2 state)" "$(hex "$freed") free" "the freed record: a free object"
is "$(tf 2 freed 0)" "record_drop umdbg_kmem.c $free_line" "...freed in record_drop"
is "$(tf 2 freed 1)" "umdbg_kmem_init umdbg_kmem.c $drop2_line" "...called for record 2"
is "$(kf 3 start) $(kf 3 offset)" "$(hex "$freed") 0x8" "an address inside an object: its start and the offset"
is "$(kf 4 what)" vmalloc "the vmalloc'd buffer: a vmalloc area"
like "$F" "^kmem 4 name umdbg_kmem_init\+0x[0-9a-f]+ at .*/umdbg_kmem.c:$vmalloc_line \[umdbg_kmem\]\$" "...from the vmalloc in umdbg_kmem_init (file:line)"
ok $(($(kf 4 size) < 3 * 4096)) "...of at least its three pages"
is "$(kf 5 what) $(kf 5 name)" "free buddy" "the block given back: free memory on the buddy lists"
ok $(($(kf 5 order) < 4)) "...in a free block of order 4 or more ($(kf 5 order))"
is "$(kf 6 what) $(kf 6 name) $(kf 6 order)" "free pcp 0" "the page given back: free, on the per-CPU list"
running=$(awk '$1 == "task" && $4 == "True" { print $2, $3 }' "$F")
is "$(kf 7 what) $(kf 7 pid) $(kf 7 name)" "stack $running" "\$rsp: the kernel stack of the running task ($running)"
read -r ksec < <(objdump -t "$TOP/guest/linux" | awk '$NF == "init_task" { print $(NF - 2); exit }')
is "$(kf 8 what) $(kf 8 name)" "image $ksec" "&init_task: the kernel image, its section ($ksec)"
like "$F" '^kmem 8 symbol init_task$' "...and its symbol"
is "$(kf 9 what) $(kf 9 name)" "module umdbg_kmem" "a module's function: the module"
like "$F" "^kmem 9 symbol umdbg_kmem_done at .*/umdbg_kmem.c:[0-9]+ \[umdbg_kmem\]\$" "...with its symbol"
is "$(awk '$1 == "slabcache" && $2 == "umdbg_kmem" && $3 == "active" { print $4 }' "$F")" 3 \
	"slab umdbg_kmem: 3 objects in use (records 0, 3, 4)"
read -r inuse nfree nobj < <(awk '$1 == "slab" && $2 == "umdbg_kmem" { v[$4] += $5 } END { print v["inuse"], v["free"], v["objects"] }' "$F")
is "$inuse $((nfree + inuse))" "3 $nobj" "...its slabs: 3 in use, the rest free"
allocated=$(awk '$1 == "object" && $3 == "allocated" { print $2 }' "$F")
is "$(echo "$allocated" | grep -c .) $(echo "$allocated" | grep -cE "^($(hex "$live")|$(hex "$reused"))\$")" "3 2" \
	"slab -o: three objects allocated (records 0, 3 and 4), among them the live and the reused"
like "$F" "^object $(hex "$freed") free\$" "...and record 2's is free"
is "$(awk '$1 == "page" && $3 == "refcount" { print $4 }' "$F")" 0 "page: the freed block's first page has no references"
like "$S" '"kind":"track","what":"freed","pid":[0-9]+' "JSON: the records are track rows"

# ---- per-task views: the shell's own /proc files ---------------------------
# The shell opens files, prints what /proc says of its fds and creds,
# then crashes the kernel itself (echo is built in): at the panic the
# stopped task is that shell.
run_umdbg "$SCRATCH/task" --break panic --run 'exec 3</init 4>/tmp/x 5>>/tmp/y
	read -n 5 l <&3
	for f in /proc/$$/fd/*; do echo "fd ${f##*/} $(readlink $f) $(sed -n "s/^flags:\t//p" /proc/$$/fdinfo/${f##*/}) $(sed -n "s/^pos:\t//p" /proc/$$/fdinfo/${f##*/})"; done
	grep -E "^(Uid|Gid|Cap)" /proc/$$/status
	echo c >/proc/sysrq-trigger' \
	--batch -ex files -ex cred -ex stack -ex 'kmem $rsp' -ex 'regs' \
	-ex 'kmem uml_physmem + (*(unsigned long *)$current->mm->pgd & ~0xfffUL)'
is "$rc" 2 "files, cred, stack at the shell's panic: exit status 2"
T=$SCRATCH/task.txt
tr -d '\r' <"$SCRATCH/task" >"$T"
# what the guest said: "fd N PATH FLAGS POS", for the fds the script
# controls (the listing's own pipe and the shell's saved copy of fd 1
# for echo's redirection come and go; fd 1 is sysrq-trigger at the stop)
keep='$2 == 0 || $2 == 2 || $2 == 3 || $2 == 4 || $2 == 5'
grep -E '^fd [0-9]+ ' "$T" | awk "$keep { print \$2, \$3, \$4, \$5 }" | sort >"$SCRATCH/fd.want"
awk '/^ +[0-9]+  \// { print "fd", $1, $2, $4, $6 }' "$T" | awk "$keep { print \$2, \$3, \$4, \$5 }" | sort >"$SCRATCH/fd.got"
[ -s "$SCRATCH/fd.want" ] && cmp -s "$SCRATCH/fd.want" "$SCRATCH/fd.got"
ok $? "files: each fd's path, flags and position as /proc/PID/fd and fdinfo say ($(wc -l <"$SCRATCH/fd.want") fds)"
[ -s "$SCRATCH/fd.got" ] || diag "got none; want: $(tr '\n' ';' <"$SCRATCH/fd.want")"
like "$T" '^ +1  /proc/sysrq-trigger +flags 0100001  pos 0$' "...fd 1 is the sysrq-trigger echo writes to"
for line in Uid Gid CapInh CapPrm CapEff CapBnd CapAmb; do
	want=$(grep -m1 "^$line:" "$T")
	[ -n "$want" ] || no_fact "the guest printed no $line line"
	got=$(grep "^$line:" "$T" | sed -n 2p)
	is "$got" "$want" "cred: $line as /proc/PID/status"
done
read -r used sp deep < <(sed -n "s/^task [0-9]*'s kernel stack 0x[0-9a-f]*-0x[0-9a-f]* ([0-9]* bytes): \([0-9]*\) in use at sp \(0x[0-9a-f]*\), \([0-9]*\) at the deepest so far\$/\1 \2 \3/p" "$T")
rsp=$(sed -n 's/^  .*rsp     0x0*\([0-9a-f]*\).*/0x\1/p' "$T" | tail -1)
is "${sp:-no stack row}" "${rsp:-no rsp}" "stack: the stopped task's sp is its rsp"
ok $((deep < used || used == 0)) "...the deepest use ($deep) is at least the use now ($used)"
like "$T" "^0x0*${rsp#0x}: the kernel stack of task [0-9]+ \(sh\)" "kmem \$rsp agrees: the shell's kernel stack"
like "$T" '^0x[0-9a-f]+: a page-table page, 0x[0-9a-f]+ \+0x0$' "kmem of the table the shell's first pgd entry points to: a page-table page"

# ---- kernel-wide state: irqs as /proc/interrupts, a per-CPU variable -------
# The processes are counted by the shell's own glob (no process comes or
# goes after), as the kernel counts them in process_counts.
run_umdbg "$SCRATCH/state" --break panic --run 'cat /proc/interrupts /proc/timer_list
	n=0; for d in /proc/[0-9]*; do n=$((n+1)); done; echo "procs $n"
	for d in /proc/[0-9]*; do read c <$d/comm; case $c in kworker/*) echo "kw ${d#/proc/} $c";; esac; done
	echo c >/proc/sysrq-trigger' \
	--batch -ex irqs -ex timers -ex workqueues -ex 'percpu process_counts' -ex 'percpu no_such_symbol'
is "$rc" 1 "irqs and percpu: exit status 1 (the last command fails)"
tr -d '\r' <"$SCRATCH/state" >"$SCRATCH/state.txt"
# /proc/interrupts: " N:  COUNT  CHIP  ACTIONS"; ours: the same, then (handler)
awk '/^ +CPU0/ { go = 1; next } go && /^ *[0-9]+: / { n = $1; c = $2; chip = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); print n, c, chip, $0; next } go { exit }' \
	"$SCRATCH/state.txt" >"$SCRATCH/irq.want"
grep -E '^ *[0-9]+: .*\([a-z_0-9]+\)$' "$SCRATCH/state.txt" | sed 's/  ([a-z_0-9]*)$//' |
	awk '{ n = $1; c = $2; chip = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); print n, c, chip, $0 }' >"$SCRATCH/irq.got"
[ -s "$SCRATCH/irq.want" ] && cmp -s "$SCRATCH/irq.want" "$SCRATCH/irq.got"
ok $? "irqs: every interrupt /proc/interrupts lists, its count, chip and actions ($(wc -l <"$SCRATCH/irq.want"))"
like "$SCRATCH/state.txt" '^ *[0-9]+: .*  \([a-z_]+\)$' "...and each one's handler"
# hrtimers: "CLOCK FUNCTION SOFT HARD" as /proc/timer_list has them
awk '/^ clock [0-9]+:/ { c = $2; sub(/:/, "", c) } /^ #[0-9]+: </ { f = $3; sub(/,/, "", f) }
	/^ # expires at / { split($4, e, "-"); print c, f, e[1], e[2] }' "$SCRATCH/state.txt" | sort >"$SCRATCH/hr.want"
sed -n 's/^hrtimer cpu 0 clock \([0-9]*\): \([^,]*\), expires at \([0-9]*\)-\([0-9]*\) nsecs$/\1 \2 \3 \4/p' \
	"$SCRATCH/state.txt" | sort >"$SCRATCH/hr.got"
[ -s "$SCRATCH/hr.want" ] && cmp -s "$SCRATCH/hr.want" "$SCRATCH/hr.got"
ok $? "timers: the hrtimers /proc/timer_list lists, their function and expiry ($(wc -l <"$SCRATCH/hr.want"))"
wheel=$(grep -cE '^timer +cpu 0 base [0-9]+: [a-z_0-9]+, expires at jiffies [0-9]+$' "$SCRATCH/state.txt")
ok $((wheel == 0)) "...and the timer wheel's ($wheel)"
unlike "$SCRATCH/state.txt" '^timer +cpu [0-9]+ base [0-9]+: \?,' "...each one's function named"
# workqueues: the workers are the kworker tasks /proc lists; a
# rescuer's comm names its workqueue
sed -n 's/^kw \([0-9]*\) .*/\1/p' "$SCRATCH/state.txt" | sort -n >"$SCRATCH/kw.want"
sed -n 's/^worker pool *-\{0,1\}[0-9]* cpu *-\{0,1\}[0-9]* *\([0-9]*\) .*/\1/p' "$SCRATCH/state.txt" | sort -n >"$SCRATCH/kw.got"
[ -s "$SCRATCH/kw.want" ] && cmp -s "$SCRATCH/kw.want" "$SCRATCH/kw.got"
ok $? "workqueues: the workers are the kworker tasks ($(wc -l <"$SCRATCH/kw.want"))"
resc=$(sed -n 's/^kw [0-9]* kworker\/R-\(.*\)$/\1/p' "$SCRATCH/state.txt" | sort | tr '\n' ' ')
[ -n "$resc" ] || no_fact "the guest has no kworker/R-* (rescuer) task"
is "$(sed -n 's/^worker .* rescuer of \(.*\)$/\1/p' "$SCRATCH/state.txt" | sort | tr '\n' ' ')" "$resc" \
	"...each rescuer of the workqueue its comm names"
procs=$(sed -n 's/^procs \([0-9]*\)$/\1/p' "$SCRATCH/state.txt")
[ -n "$procs" ] || no_fact "the guest counted no processes"
like "$SCRATCH/state.txt" "^process_counts \(cpu 0\) = $procs\$" "percpu process_counts: the processes the guest counted ($procs)"
like "$SCRATCH/state.txt" "^percpu: no symbol 'no_such_symbol'\$" "percpu of an unknown symbol says so"

# ---- bad input -------------------------------------------------------------
run_umdbg "$SCRATCH/bad" --break panic --scenario panic --batch \
	-ex "slab no_such_cache" -ex "kmem 0x10" -ex "page 0x7fffffffffff" -ex "kmem -p 1 0x10"
is "$rc" 1 "bad input: exit status 1"
tr -d '\r' <"$SCRATCH/bad" >"$SCRATCH/bad.txt"
like "$SCRATCH/bad.txt" "^slab: no slab cache 'no_such_cache' \(slab lists them\)\$" "slab: an unknown cache is named"
like "$SCRATCH/bad.txt" '^0x0000000000000010: not in the kernel image, a module, the direct map or a vmalloc area$' \
	"kmem: an address nothing owns says so"
like "$SCRATCH/bad.txt" "^page: 0x7fffffffffff is neither a page frame number nor in the kernel's direct map\$" \
	"page: neither a PFN nor a direct-map address"
like "$SCRATCH/bad.txt" "^kmem: task 1's 0x10: " "kmem -p: an unmapped user address says why"
