#!/bin/bash
# t5020-gdb-cuts: gdb's connection cut after every packet of a scripted
# session.  A raw client (tests/helpers/rsp-client.py) sends the first N
# packets of the session and drops the connection, for every N; after
# each cut umdbg still holds the guest, and a full session by the next
# client (capabilities, stop reason, registers, memory, a breakpoint set
# and cleared, continue, interrupt, detach) gets every answer right.
. "$(dirname "$0")/lib.sh"
need_guest

guest_addr panic_addr panic
guest_addr init_addr init_task
panic_addr=${panic_addr#0x}
init_addr=${init_addr#0x}
# the session, one packet per line; "expect" reads its reply
cat >"$SCRATCH/session" <<EOF
send qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+
expect
send ?
expect
send g
expect
send m$init_addr,8
expect
send Z0,$panic_addr,1
expect
send z0,$panic_addr,1
expect
send Z0,$panic_addr,1
expect
send vCont;c
sleep 0.3
intr
expect
send D
expect
EOF
packets=$(grep -c '^send\|^intr' "$SCRATCH/session")
plan $((packets * 2 + 1))

start_umdbg cuts --gdb 0 --scenario shell
for n in $(seq "$packets"); do
	# the first n packets, then the connection drops
	awk -v n="$n" '/^(send|intr)/ { if (++k > n) exit } { print }' \
		"$SCRATCH/session" | grep -v '^expect$' >"$SCRATCH/cut.$n"
	timeout -k 5 60 python3 "$TOP/tests/helpers/rsp-client.py" \
		"127.0.0.1:$port" "$SCRATCH/cut.$n" >"$SCRATCH/cut.$n.out" 2>&1
	sleep 0.3
	kill -0 "$upid" 2>/dev/null
	ok $? "cut after packet $n: umdbg still holds the guest"
	timeout -k 5 60 python3 "$TOP/tests/helpers/rsp-client.py" \
		"127.0.0.1:$port" "$SCRATCH/session" >"$SCRATCH/full.$n" 2>&1
	# capabilities, a stop, the registers, 8 bytes, OK x3, SIGINT, OK
	got=$(sed -n 's/^reply: //p' "$SCRATCH/full.$n" | awk '
		NR == 1 { print (/PacketSize=/ ? "caps" : "?" $0) }
		NR == 2 { print (/^[ST][0-9a-f][0-9a-f]/ ? "stop" : "?" $0) }
		NR == 3 { print (/^[0-9a-fx]+$/ && length($0) > 200 ? "regs" : "?" $0) }
		NR == 4 { print (/^[0-9a-f]+$/ && length($0) == 16 ? "mem" : "?" $0) }
		NR >= 5 && NR <= 7 { print $0 }
		NR == 8 { print (/^T02/ || /^S02/ ? "sigint" : "?" $0) }
		NR == 9 { print $0 }' | tr '\n' ' ')
	is "$got" "caps stop regs mem OK OK OK sigint OK " \
		"...and the next session after it gets every answer right"
done
grep -q 'gdb disconnected\|gdb detached' "$SCRATCH/cuts.umdbg"
ok $? "umdbg says when gdb leaves"
kill -TERM "$upid" 2>/dev/null
end_umdbg
done_testing
