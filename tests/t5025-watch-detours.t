#!/bin/bash
# t5025-watch-detours: an emulated write watchpoint detours the stores
# that keep faulting beside the watched bytes (tracer/detour.c,
# docs/watchpoints.md), and nothing the user or the guest sees changes.
# The hot stores are UML's interrupt flag's (signals_enabled), written at
# every interrupt; signals_pending sits beside it, and in this kernel
# total_forks on the same page too.  A boot that forks 40 times is
# recorded, then replayed with the emulation forced on
# (UMDBG_DEBUG_REGISTERS=off, on every host), with detours and without
# (UMDBG_WATCH_DETOURS=off):
#   - `history` of total_forks and of signals_pending gives the same rows
#     both ways; total_forks' count one write per fork, each in the
#     function that holds `total_forks++`;
#   - detours were made with them (the tracer's log names each), none
#     without;
#   - `--watch total_forks` and 30 continues stop at the same 31 writes,
#     old n-1, new n, both ways;
#   - at a stop, the code under each detour reads as the ELF file has
#     it, and 400 stepis from a signals_pending stop go through a
#     detoured function, every one in the kernel's own code.
. "$(dirname "$0")/lib.sh"
need_guest
plan 15

guest_line fork_line kernel/fork.c 'total_forks\+\+'
guest_func_at fork_func "kernel/fork.c:$fork_line"
guest_addr off_addr kernel_power_off	# the replay's last stop
guest_addr pend_addr signals_pending
guest_addr flag_addr signals_enabled
[ $(( pend_addr >> 12 )) = $(( flag_addr >> 12 )) ] ||
	no_fact "signals_pending ($pend_addr) is not on signals_enabled's page ($flag_addr)"

run_umdbg "$SCRATCH/rec" --record "$SCRATCH/f.trace" \
	--run 'i=0; while [ $i -lt 40 ]; do /bin/true; i=$((i+1)); done'
is "$rc" 0 "record a boot that forks 40 times (exit status 0)"

export UMDBG_DEBUG_REGISTERS=off UMDBG_LOG=tracer
replay() {	# replay on|off OUT ARGS...
	local mode=$1 out=$2
	shift 2
	rm -f "$SCRATCH/$out.log"
	if [ "$mode" = off ]; then
		UMDBG_WATCH_DETOURS=off UMDBG_LOG_FILE="$SCRATCH/$out.log" \
			run_umdbg "$SCRATCH/$out" replay "$SCRATCH/f.trace" "$@"
	else
		UMDBG_LOG_FILE="$SCRATCH/$out.log" \
			run_umdbg "$SCRATCH/$out" replay "$SCRATCH/f.trace" "$@"
	fi
}
rows() { grep "\"kind\":\"$2\"" "$SCRATCH/$1"; }

# --- history, with and without detours -------------------------------
for m in on off; do
	replay $m "h-$m" --break kernel_power_off --batch --json \
		-ex 'history &total_forks' -ex 'history &signals_pending'
done
ok $(( rc != 2 )) "history without detours ran (exit status $rc)"
rows h-on history >"$SCRATCH/hist-on"
rows h-off history >"$SCRATCH/hist-off"
cmp -s "$SCRATCH/hist-on" "$SCRATCH/hist-off"
ok $? "history &total_forks, &signals_pending: the same $(wc -l <"$SCRATCH/hist-on") rows with detours and without"
npend=$(grep -c "\"addr\":\"0x0*${pend_addr#0x}\"" "$SCRATCH/hist-on")
ok $(( npend < 1 )) "...$npend of them writes to signals_pending"
python3 - "$SCRATCH/hist-on" "$fork_func" >"$SCRATCH/hfacts" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
first = rows[0]["addr"] if rows else None
rows = [r for r in rows if r["addr"] == first]	# total_forks' run
vals = [(int(r["old"], 16), int(r["new"], 16)) for r in rows]
seq = all(n == o + 1 for o, n in vals) and [v[1] for v in vals] == list(range(1, len(vals) + 1))
funcs = set(r["where"].split("+")[0] for r in rows)
print(len(rows), "seq" if seq else "noseq", " ".join(sorted(funcs)))
PY
read -r nrows seq funcs <"$SCRATCH/hfacts"
ok $(( nrows < 40 )) "...one write per fork: $nrows, at least the run's 40"
is "$seq $funcs" "seq $fork_func" "...counting up from 1, each in $fork_func (total_forks++ at kernel/fork.c:$fork_line)"
ndet=$(grep -c 'detoured' "$SCRATCH/h-on.log")
ok $(( ndet == 0 )) "with detours: the tracer detoured hot stores ($ndet times)"
is "$(grep -c 'detoured' "$SCRATCH/h-off.log")" 0 "UMDBG_WATCH_DETOURS=off: none"

# --- a watchpoint and 30 continues ------------------------------------
entries=$(grep -o 'entry 0x[0-9a-f]*' "$SCRATCH/h-on.log" | sort -u | head -3 | cut -d' ' -f2)
[ -n "$entries" ] || no_fact "no detour entry in the tracer's log"
cont=()
for i in $(seq 30); do cont+=(-ex continue); done
xs=()
for e in $entries; do xs+=(-ex "x $e 16"); done
for m in on off; do
	replay $m "w-$m" --watch total_forks --batch --json "${cont[@]}" \
		"${xs[@]}" -ex stepi
done
is "$rc" 2 "the watch replays ran (exit status 2)"
rows w-on headline >"$SCRATCH/stops-on"
rows w-off headline >"$SCRATCH/stops-off"
python3 - "$SCRATCH/stops-on" >"$SCRATCH/wfacts" <<'PY'
import json, re, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
vals = []
for r in rows:
    m = re.match(r"old value 0x([0-9a-f]+) \(\d+\), new value 0x([0-9a-f]+)", r["detail"] or "")
    if m:
        vals.append((int(m.group(1), 16), int(m.group(2), 16)))
ok = [v[1] for v in vals] == list(range(1, len(vals) + 1)) and all(n == o + 1 for o, n in vals)
print(len(vals), "seq" if ok else "noseq")
PY
read -r nstops wseq <"$SCRATCH/wfacts"
is "$nstops $wseq" "31 seq" "watch total_forks, 30 continues: 31 stops, old n-1, new n"
cmp -s "$SCRATCH/stops-on" "$SCRATCH/stops-off"
ok $? "...the same stops, word for word, without detours"

# --- what the user sees at a stop ---------------------------------------
good=0 all=0
for e in $entries; do
	all=$((all + 1))
	want=$(guest_gdb "x/16xb $e" | sed 's/^[^:]*://' | tr -s ' \t' '\n' |
		grep . | sed 's/^0x//' | tr '\n' ' ' | sed 's/ $//')
	got=$(rows w-on mem | grep -i "\"addr\":\"0x0*${e#0x}\"" |
		sed -n 's/.*"bytes":"\([^"]*\)".*/\1/p')
	[ -n "$want" ] && [ "$got" = "$want" ] && good=$((good + 1))
done
is "$good" "$all" "at a stop, the code under each detour reads as the ELF has it ($(echo $entries))"
like "$SCRATCH/w-on" "\"kind\":\"text\",\"text\":\"0x[0-9a-f]+ $fork_func\\+0x[0-9a-f]+ at kernel/fork.c:[0-9]+\"" \
	"stepi from the stop goes on in $fork_func, not in a trampoline"

# Stepping where the detours are: from a signals_pending write (its
# neighbour's stores detoured by then), 400 instructions.
detfuncs=$(for e in $entries; do guest_gdb "info symbol $e" | sed -nE 's/^([a-z_0-9]+)( \+ [0-9]+)? in section .*/\1/p'; done | sort -u)
steps=()
for i in $(seq 400); do steps+=(-ex stepi); done
replay on s --watch signals_pending --batch -ex continue -ex continue "${steps[@]}"
grep -E '^0x[0-9a-f]{16} ' "$SCRATCH/s" >"$SCRATCH/steps"
bad=$(grep -cvE '^0x[0-9a-f]{16} [a-z_0-9.]+(\+0x[0-9a-f]+)? at [^ ]+:[0-9]+$' "$SCRATCH/steps")
through=$(for f in $detfuncs; do grep -c " $f\(+0x[0-9a-f]*\)\? at " "$SCRATCH/steps"; done | paste -sd+ | bc)
nsteps=$(wc -l <"$SCRATCH/steps")
# (a step that writes signals_pending again stops there and says so)
is "$rc $(( nsteps >= 390 )) $bad" "2 1 0" \
	"400 stepis from a signals_pending stop ($nsteps positions): each in a kernel function at file:line (exit status 2)"
ok $(( ${through:-0} < 1 )) "...${through:-0} of them in a detoured function ($(echo $detfuncs))"
done_testing
