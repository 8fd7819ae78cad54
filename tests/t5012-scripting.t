#!/bin/bash
# t5012-scripting: umdbg from a script.  `--batch -ex CMD` runs commands
# at the first stop and ends; `--json` makes the report and every
# command JSON lines whose frames are the text report's; `-F` renders
# each row through a user format; bad use is one line and status 1.
. "$(dirname "$0")/lib.sh"
need_guest
plan 23

# run OUT ERR ARGS...: stdout and stderr apart; sets $rc
run() {
	local out=$1 err=$2
	shift 2
	timeout -k 5 120 "$UMDBG" "$@" </dev/null >"$out" 2>"$err"
	rc=$?
}

run "$SCRATCH/json" "$SCRATCH/json.err" --break panic --scenario panic \
	--batch --json -ex bt -ex ps
is "$rc" 2 "--batch --json -ex bt -ex ps at the panic breakpoint: exit status 2"
python3 -m json.tool --json-lines "$SCRATCH/json" >"$SCRATCH/json.pretty" 2>"$SCRATCH/json.bad"
ok $? "every line of stdout is JSON (python3 -m json.tool --json-lines)"
[ -s "$SCRATCH/json.bad" ] && sed 's/^/# /' "$SCRATCH/json.bad" | head -3
like "$SCRATCH/json.err" '^umdbg-guest: triggering a crash' "the guest's console went to stderr"
unlike "$SCRATCH/json" 'umdbg-guest' "and none of it to stdout"

# The rows, flattened by python: "kind field=value ..." per line.
python3 - "$SCRATCH/json" >"$SCRATCH/rows" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "frame":
        pc = "(inlined)" if r["inlined"] else r["pc"]
        print("frame #%-2d %-18s %s" % (r["num"], pc, r["where"]))
    elif r["kind"] == "task":
        print("task", r["pid"], r["comm"], r["running"], r["mm"] is not None)
    elif r["kind"] == "headline":
        print("headline", r["why"], "|", r["where"])
    else:
        print(r["kind"])
EOF
# The report's backtrace and then bt's: the same frames twice.
grep '^frame' "$SCRATCH/rows" >"$SCRATCH/frames"
n=$(wc -l <"$SCRATCH/frames")
half=$((n / 2))
head -n "$half" "$SCRATCH/frames" >"$SCRATCH/report-frames"
tail -n "$half" "$SCRATCH/frames" >"$SCRATCH/bt-frames"
ok $([ "$half" -ge 3 ] && cmp -s "$SCRATCH/report-frames" "$SCRATCH/bt-frames"; echo $?) \
	"the report's frames and bt's are the same rows ($half frames each)"
grep -q '^frame #0  0x[0-9a-f]\{16\} panic at kernel/panic\.c:[0-9]*$' "$SCRATCH/frames"
ok $? "frame 0 is panic, with pc, function, file and line"
like "$SCRATCH/rows" '^task 1 init (True|False) True$' "ps: task 1 (init) is a row, with its mm"
like "$SCRATCH/rows" '^headline breakpoint 1 \(panic\) hit in thread [0-9]+ \| panic at kernel/panic\.c:[0-9]+$' "the report's headline is a row: why, and where"
like "$SCRATCH/rows" '^task [0-9]+ .* True (True|False)$' "ps: the task on the CPU is marked running"

# A page walk and the breakpoint list are rows too.
rsp=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["kind"] == "reg" and r["name"] == "rsp":
        print(r["value"]); break' "$SCRATCH/json")
pc0=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["kind"] == "frame" and r["num"] == 0:
        print(r["pc"]); break' "$SCRATCH/json")
run "$SCRATCH/walk" "$SCRATCH/walk.err" --break panic --scenario panic \
	--batch --json -ex "vtop $rsp" -ex break -ex "sym $pc0" -ex version \
	-ex help
python3 - "$SCRATCH/walk" >"$SCRATCH/walk.rows" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["kind"] == "ptlevel":
        print("ptlevel", r["level"], r["index"], "PRESENT" in r["flags"])
    elif r["kind"] == "sym":
        print("sym", r["func"], r["file"], r["line"] > 0)
    elif r["kind"] == "version":
        print("version", r["kernel"].endswith("linux"),
              r["watchpoints"] in ("debug-registers", "page-protection"))
    elif r["kind"] == "command" and r["name"] in ("bt", "layout"):
        print("command", r["name"], r["usage"], r["tui_only"])
    elif r["kind"] == "breakpoint":
        print("breakpoint", r["num"], r["type"], r["spec"], r["hits"],
              r["addrs"].startswith("0x"), r["len"])
EOF
like "$SCRATCH/walk.rows" '^ptlevel pte [0-9]+ True$' "vtop (kernel stack at rsp $rsp): a present pte row, with its index and flags"
like "$SCRATCH/walk.rows" '^breakpoint 1 break panic 1 True None$' "break: breakpoint 1 at panic, hit once, with its address"
like "$SCRATCH/walk.rows" '^sym panic kernel/panic\.c True$' "sym (frame 0's pc $pc0): panic, with its file and line"
like "$SCRATCH/walk.rows" '^version True True$' "version: the kernel's path and the watchpoints' mode"
like "$SCRATCH/walk.rows" '^command bt bt .*False$' "help: bt's row, with its usage"
like "$SCRATCH/walk.rows" '^command layout layout .* True$' "help: layout is the TUI's"

# The same frames in the text report, as the prompt prints them.
run "$SCRATCH/text" "$SCRATCH/text.err" --break panic --scenario panic
sed -nE 's/^  #([0-9]+) +(0x[0-9a-f]+|\(inlined\)) +(.*)$/\1 \2 \3/p' "$SCRATCH/text" |
	awk '{ n=$1; pc=$2; $1=""; $2=""; sub(/^  /, ""); printf "frame #%-2d %-18s %s\n", n, pc, $0 }' \
	>"$SCRATCH/text-frames"
ok $(cmp -s "$SCRATCH/text-frames" "$SCRATCH/report-frames"; echo $?) \
	"the JSON frames equal the text report's, frame by frame"
[ -s "$SCRATCH/text-frames" ] || diag "no frames in the text report"

# -F: each row through a user format; free text as it is.
run "$SCRATCH/fmt" "$SCRATCH/fmt.err" --break panic --scenario panic \
	--batch -F '#{kind}|#{num}|#{pc}|#{func}|#{nosuch}' -ex bt
is "$rc" 2 "-F with --batch: exit status 2"
grep '^frame|' "$SCRATCH/fmt" >"$SCRATCH/fmt-frames"
python3 - "$SCRATCH/json" >"$SCRATCH/want-frames" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
frames = [r for r in rows if r["kind"] == "frame"]
for r in frames[len(frames) // 2:]:
    print("frame|%d|%s|%s|" % (r["num"], r["pc"] or "", r["func"] or ""))
EOF
# The report prints its frames through the format too: the last ones are bt's.
tail -n "$(wc -l <"$SCRATCH/want-frames")" "$SCRATCH/fmt-frames" >"$SCRATCH/fmt-bt"
ok $([ -s "$SCRATCH/want-frames" ] && cmp -s "$SCRATCH/fmt-bt" "$SCRATCH/want-frames"; echo $?) \
	"-F '#{kind}|#{num}|#{pc}|#{func}|#{nosuch}': bt's rows, an unknown field empty"
like "$SCRATCH/fmt" '^Backtrace:$' "-F: the report's own words stay as they are"

# A failing command: status 1, said on stderr.
run "$SCRATCH/fail" "$SCRATCH/fail.err" --break panic --scenario panic \
	--batch -ex 'bt 999999'
is "$rc" 1 "--batch with a failing -ex command: exit status 1"
like "$SCRATCH/fail.err" '^umdbg: a --batch command failed' "and umdbg says so"

# Bad use: one line, status 1, before anything runs.
run "$SCRATCH/noexbatch" "$SCRATCH/noexbatch.err" --scenario halt -ex bt
ok $([ "$rc" = 1 ] && [ "$(wc -l <"$SCRATCH/noexbatch.err")" = 1 ] &&
     grep -q -- '-ex needs --batch' "$SCRATCH/noexbatch.err"; echo $?) \
	"-ex without --batch: one line, status 1"
run "$SCRATCH/badfmt" "$SCRATCH/badfmt.err" --scenario halt -F 'x #{pc'
ok $([ "$rc" = 1 ] && grep -q "bad -F format" "$SCRATCH/badfmt.err"; echo $?) \
	"an unclosed #{ in -F: one line, status 1"
done_testing
