#!/bin/bash
# t6007-history: time-travel forensics in a replay (docs/forensics.md).
# samples/kmem's story is recorded: record 1 is allocated by record_new,
# freed by record_drop, its memory taken again by record 4, whose value
# record_touch writes.  In the replay, stopped at umdbg_kmem_done:
#   - history of the value's bytes ends with record_touch's write at its
#     file:line, old -> new (the value the source writes);
#   - history -a of the object names the allocation, the free and the
#     allocation again, in that order, at their file:line;
#   - the session is back where it was; goto hN lands at an entry.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/watch-mode.sh"
need_guest
plan 29

src=$TOP/samples/kmem/umdbg_kmem.c
line_in write_line "$src" 'UMDBG-KMEM write'
line_in free_line "$src" 'UMDBG-KMEM free'
line_in alloc_line "$src" 'kmem_cache_alloc\(records'
value=$(sed -n 's/.*record_touch(kept\[4\], \([0-9]*\)).*/\1/p' "$src")
[ -n "$value" ] || no_fact "no record_touch(kept[4], N) in $src"

timeout -k 5 120 "$UMDBG" --record "$SCRATCH/kmem.trace" \
	--run "insmod /lib/modules/umdbg_kmem.ko" </dev/null >"$SCRATCH/rec" 2>&1
is "$?" 0 "record the kmem story (exit status 0)"

# The history checks, on both watchpoint paths (tests/watch-mode.sh):
# the debug registers where they trap, and emulated everywhere.
history_checks() {
	run_umdbg "$SCRATCH/h" replay "$SCRATCH/kmem.trace" \
		--break umdbg_kmem:umdbg_kmem_done --batch --json \
		-ex 'history &umdbg_kmem_reused->value' -ex bt \
		-ex 'history -a umdbg_kmem_reused' -ex bt -ex 'goto h2' -ex bt
	is "$rc" 2 "replay: history, history -a, goto hN (exit status 2)"
	python3 - "$SCRATCH/h" >"$SCRATCH/facts" <<-'PY'
	import json, sys
	rows = [json.loads(l) for l in open(sys.argv[1], errors="replace") if l.startswith("{")]
	# the commands' output starts at the first history row
	runs, cur, bts, bt = [], None, [], None
	for r in rows:
	    k = r["kind"]
	    if k == "history":
	        if r["id"] == "h1":
	            cur = []
	            runs.append(cur)
	        cur.append(r)
	    elif k == "frame" and runs:
	        if r["num"] == 0:
	            bt = []
	            bts.append(bt)
	        bt.append(r)
	w = runs[0] if runs else []
	a = runs[1] if len(runs) > 1 else []
	print("writes", len(w))
	if w:
	    last = w[-1]
	    print("lastwrite", last["what"], last["where"].split(" at ")[0].split("+")[0],
	          last["where"].rsplit(":", 1)[-1].split(" ")[0], int(last["new"], 16))
	print("allocs", " ".join("%s:%s:%s" % (e["what"], e["where"].split("+")[0],
	                                        e["where"].rsplit(":", 1)[-1].split(" ")[0]) for e in a))
	print("pids", " ".join(sorted(set(str(e["pid"]) for e in a))))
	for i, b in enumerate(bts):
	    print("bt%d" % i, b[0]["func"], b[1]["func"] if len(b) > 1 else "-",
	          b[1]["line"] if len(b) > 1 else "-")
PY
	fact() { awk -v k="$1" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$SCRATCH/facts"; }
	ok $(( $(fact writes) < 1 )) "history: $(fact writes) writes to the value's bytes over the recording"
	is "$(fact lastwrite)" "write record_touch $write_line $value" \
		"...the last: record_touch's store at its line, the new value $value"
	is "$(fact allocs)" "alloc:record_new:$alloc_line free:record_drop:$free_line alloc:record_new:$alloc_line" \
		"history -a: allocated, freed, allocated again, each at its call's line"
	is "$(fact pids | wc -w)" 1 "...all by one task (insmod)"
	is "$(fact bt0 | cut -d' ' -f1)" umdbg_kmem_done "after history, the replay is back where it was"
	is "$(fact bt1 | cut -d' ' -f1)" umdbg_kmem_done "...and after history -a"
	is "$(fact bt2)" "kmem_cache_free record_drop $free_line" "goto h2: at the free, called from record_drop"
	like "$SCRATCH/h" '"kind":"history","id":"h1","what":"alloc","event":[0-9]+,"pid":[0-9]+,"comm":"insmod"' \
		"JSON: history rows"

	# goto a write, then the text output
	run_umdbg "$SCRATCH/t" replay "$SCRATCH/kmem.trace" \
		--break umdbg_kmem:umdbg_kmem_done --batch \
		-ex 'history &umdbg_kmem_reused->value' -ex "goto h$(fact writes)" -ex bt
	is "$rc" 2 "goto a write: exit status 2"
	tr -d '\r' <"$SCRATCH/t" >"$SCRATCH/t.txt"
	like "$SCRATCH/t.txt" "^h$(fact writes) +event [0-9]+ +write task [0-9]+ \(insmod\) at record_touch(\+0x[0-9a-f]+)? at .*/umdbg_kmem.c:$write_line \[umdbg_kmem\]: 0x[0-9a-f]+ -> 0x$(printf %x "$value")\$" \
		"text: the write, who, where, old -> new"
	like "$SCRATCH/t.txt" "^  #0  0x[0-9a-f]+ record_touch\+0x[0-9a-f]+ at .*/umdbg_kmem.c:" \
		"goto hN: just after the store, in record_touch"
}
watch_both history_checks 12

# Errors
run_umdbg "$SCRATCH/e" replay "$SCRATCH/kmem.trace" \
	--break umdbg_kmem:umdbg_kmem_done --batch \
	-ex 'history -a &jiffies' -ex 'goto h9' -ex 'history &jiffies 33'
tr -d '\r' <"$SCRATCH/e" >"$SCRATCH/e.txt"
like "$SCRATCH/e.txt" '^history -a: 0x[0-9a-f]+ is not in a slab object \(kmem says what it is\)$' "history -a of a variable: not a slab object"
like "$SCRATCH/e.txt" '^goto: no history entry h9 \(the last history has 0\)$' "goto hN without that entry"
like "$SCRATCH/e.txt" "^history: LEN is 1 to 32 bytes, not '33'\$" "history: LEN bounded by the debug registers"
run_umdbg "$SCRATCH/live" --break panic --scenario panic --batch -ex 'history &jiffies'
tr -d '\r' <"$SCRATCH/live" >"$SCRATCH/live.txt"
like "$SCRATCH/live.txt" '^history: only in a replay \(umdbg replay TRACE\)$' "history needs a replay"
