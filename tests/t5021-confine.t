#!/bin/bash
# t5021-confine: the guest cannot touch the host (docs/security.md).  Guest
# root tries from its shell (hostfs mounts of the host's / and /tmp) and
# from a module, tests/helpers/escape, that makes host system calls
# directly through UML's own helpers: read the host's /etc/shadow, create
# a file in the host's /tmp, connect to a host unix socket and to a TCP
# port on 127.0.0.1, kill a host process, set-user-ID bits on a file in
# its share.  Everything fails, and the host side says so too (no file,
# no connection, the process alive).  The same module under --no-confine
# succeeds, so the module does reach the host when it may.  A share stays
# writable, and what the guest makes there belongs to the share's owner;
# a ubd0= image is given writable and the initrd= file read-only, at the
# paths the kernel's arguments name; a kernel under /usr runs.  A
# recording keeps its mode: an unconfined one replays unconfined.
. "$(dirname "$0")/lib.sh"
need_guest
plan 44

mod=$SCRATCH/esc
share=$SCRATCH/share
cp -r "$TOP/tests/helpers/escape" "$mod"
timeout -k 5 300 "$UMDBG" module "$mod" >"$SCRATCH/build" 2>&1
is "$?" 0 "the escape module builds against the guest tree"
mkdir "$share"
cp "$mod/escape.ko" "$share/"
echo theirs >"$share/theirs"
chown 5151:5151 "$share/theirs"
chmod 0644 "$share/theirs"
chown -R 4242:4343 "$share"
chown 5151:5151 "$share/theirs"

cr=$'\r'
plant=/tmp/umdbg-t5021.$$
secret=/etc/shadow
[ -r "$secret" ] || { secret=$SCRATCH/secret; echo secret >"$secret"; chmod 0600 "$secret"; }
rm -f "$plant"

# A unix socket and a TCP port on the host, logging every connection.
python3 -c '
import socket, sys, select
u = socket.socket(socket.AF_UNIX); u.bind(sys.argv[1]); u.listen(8)
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(8)
print(t.getsockname()[1], flush=True)
log = open(sys.argv[2], "a", buffering=1)
while True:
    for s in select.select([u, t], [], [])[0]:
        s.accept()
        log.write("accepted %s\n" % ("unix" if s is u else "tcp"))
' "$SCRATCH/host.sock" "$SCRATCH/accepted" >"$SCRATCH/port" &
lpid=$!
sleep 300 &
victim=$!
usrdir=$(mktemp -d /usr/local/lib/umdbg-t5021.XXXXXX) ||
	{ echo "Bail out! cannot make a directory under /usr/local/lib"; exit 1; }
trap 'kill $lpid $victim 2>/dev/null; rm -f "$plant"; rm -rf "$usrdir"; [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT
wait_until 10 "the listener's port" test -s "$SCRATCH/port"
port=$(cat "$SCRATCH/port")
vstart=$(awk '{print $22}' "/proc/$victim/stat")
args="secret=$secret plant=$plant sock=$SCRATCH/host.sock port=$port victim=$victim"

run_umdbg "$SCRATCH/conf" --share "$share" --run "
	mkdir -p /mnt/a /mnt/b
	mount -t hostfs none /mnt/a -o / && echo 'mounted the host root'
	mount -t hostfs none /mnt/b -o /tmp && touch /mnt/b/x && echo 'created in the host tmp'
	insmod escape.ko $args
	echo made >made && echo 'wrote the share'
	echo mine >>theirs && echo 'wrote their file'
	chmod u+s made || echo 'no set-uid'
	chmod g+s made || echo 'no set-gid'
	true"
is "$rc" 0 "a confined guest runs its command (exit status 0)"
unlike "$SCRATCH/conf" '^mounted the host root' "guest root cannot mount the host's / through hostfs"
unlike "$SCRATCH/conf" '^created in the host tmp' "...nor the host's /tmp"
like "$SCRATCH/conf" "escape: read $secret: -[0-9]+${cr}?\$" "the module cannot read $secret"
like "$SCRATCH/conf" "escape: create $plant: -[0-9]+${cr}?\$" "the module cannot create $plant"
[ ! -e "$plant" ]
ok $? "...and the host has no $plant"
like "$SCRATCH/conf" "escape: connect $SCRATCH/host.sock: -[0-9]+${cr}?\$" "the module cannot reach a host unix socket"
like "$SCRATCH/conf" "escape: connect 127.0.0.1:$port: -1${cr}?\$" "...nor a TCP port on the host's loopback"
[ ! -s "$SCRATCH/accepted" ]
ok $? "...and the host accepted no connection"
like "$SCRATCH/conf" "escape: kill $victim: -1${cr}?\$" "the module cannot kill a host process"
alive_since "$victim" "$vstart"
ok $? "...which is still alive"
like "$SCRATCH/conf" "escape: host uid 2000000000${cr}?\$" "the kernel runs as uid 2000000000 on the host"
unlike "$SCRATCH/conf" '^wrote their file' "a file of another owner in the share is not the guest's to write"
is "$(cat "$share/theirs")" theirs "...and is unchanged"
if ! grep -q "only where anyone may" "$SCRATCH/conf"; then
	like "$SCRATCH/conf" '^wrote the share' "the share is writable (an idmapped mount)"
	is "$(stat -c %u:%g "$share/made" 2>&1)" 4242:4343 "...and what the guest made there belongs to the share's owner"
	like "$SCRATCH/conf" '^no set-uid' "...and may not have the set-user-ID bit"
	like "$SCRATCH/conf" '^no set-gid' "...nor set-group-ID"
	is "$(stat -c %a "$share/made" 2>&1)" 644 "...the host's file has neither"
else
	# The host lacks the feature: the share's file system makes no
	# idmapped mounts (umdbg said so).  The fallback: the guest writes
	# only where anyone may.
	unlike "$SCRATCH/conf" '^wrote the share' "fallback: a share the guest does not own is not writable"
	for i in 1 2 3 4; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # skip no idmapped mounts on the share's file system (umdbg's warning)"
	done
fi

# What the kernel's arguments name is given to it at that path: a ubd
# image writable (the guest kernel has no ubd driver, but the file is
# there for one), the initrd read-only.
dd if=/dev/zero of="$SCRATCH/disk.img" bs=64k count=1 2>/dev/null
run_umdbg "$SCRATCH/ubd" --share "$share" --run "insmod escape.ko plant=$SCRATCH/disk.img &&
	rmmod escape &&
	insmod escape.ko secret=$TOP/guest/rootfs.cpio.gz plant=$TOP/guest/rootfs.cpio.gz" \
	guest/linux mem=128M initrd=guest/rootfs.cpio.gz con=null con0=fd:0,fd:1 \
	ubd0="$SCRATCH/disk.img"
is "$rc" 0 "a confined guest with a ubd0= image runs its command"
like "$SCRATCH/ubd" "escape: create $SCRATCH/disk.img: 0${cr}?\$" "the ubd0= image (root's, 0644) is there and writable for the confined kernel"
like "$SCRATCH/ubd" "escape: read $TOP/guest/rootfs.cpio.gz: 0${cr}?\$" "the initrd= file is there (a relative path, given at the working directory's)"
like "$SCRATCH/ubd" "escape: create $TOP/guest/rootfs.cpio.gz: -(13|30)${cr}?\$" "...read-only"

# A kernel only its owner may run: the confined uid cannot.
cp -L guest/linux "$SCRATCH/private-linux"
chmod 0700 "$SCRATCH/private-linux"
run_umdbg "$SCRATCH/priv" --run true "$SCRATCH/private-linux" mem=128M \
	initrd=guest/rootfs.cpio.gz con=null con0=fd:0,fd:1
is "$rc" 1 "a kernel others may not execute: exit status 1"
like "$SCRATCH/priv" "^umdbg: cannot execute '$SCRATCH/private-linux' as the confined uid 2000000000: permission denied \(it must be readable and executable by others\)\$" "...said in one line"
rm -f "$SCRATCH/private-linux"

# A kernel under /usr, which the confined root shows read-only: it is
# there at its own path all the same.
chmod 0755 "$usrdir"	# mktemp makes it 0700: the confined uid must reach it
cp -L guest/linux "$usrdir/linux"
run_umdbg "$SCRATCH/usr" --run "echo hello from usr" "$usrdir/linux" mem=128M \
	initrd=guest/rootfs.cpio.gz con=null con0=fd:0,fd:1
is "$rc" 0 "a kernel under /usr runs confined"
like "$SCRATCH/usr" "^hello from usr${cr}?\$" "...and runs its command"
rm -rf "$usrdir"

# The same module, unconfined: it reaches the host (so the failures above
# are the confinement's, not the module's).
rm -f "$share/made"
run_umdbg "$SCRATCH/free" --no-confine --share "$share" --run "insmod escape.ko $args"
is "$rc" 0 "--no-confine: the guest runs its command"
like "$SCRATCH/free" "escape: read $secret: 0${cr}?\$" "--no-confine: the module reads $secret"
like "$SCRATCH/free" "escape: create $plant: 0${cr}?\$" "--no-confine: ...creates $plant"
[ -e "$plant" ]
ok $? "...which the host sees"
like "$SCRATCH/free" "escape: connect $SCRATCH/host.sock: 0${cr}?\$" "--no-confine: ...connects to the host's unix socket"
like "$SCRATCH/free" "escape: host uid 0${cr}?\$" "--no-confine: ...and runs as root"
alive_since "$victim" "$vstart"
ok $? "--no-confine: the PID namespace still hides host processes"

# A recording keeps its mode: an unconfined one replays unconfined (the
# module reads the secret again, and the host uid it sees is root's),
# and says so; a replay takes no --no-confine of its own.
run_umdbg "$SCRATCH/free-rec" --record "$SCRATCH/free.trace" --no-confine \
	--share "$share" --run "insmod escape.ko secret=$secret"
is "$rc" 0 "--no-confine --record: the guest runs its command"
"$UMDBG" trace info "$SCRATCH/free.trace" >"$SCRATCH/free-info" 2>&1
like "$SCRATCH/free-info" '^guest: +unconfined \(--no-confine\)$' "trace info: the recording was unconfined"
run_umdbg "$SCRATCH/free-rep" replay "$SCRATCH/free.trace"
is "$rc" 0 "...its replay ends as the recording did"
like "$SCRATCH/free-rep" "^umdbg: warning: '$SCRATCH/free.trace' was recorded with --no-confine: its replay runs unconfined too" "...saying it runs unconfined"
like "$SCRATCH/free-rep" "escape: read $secret: 0${cr}?\$" "...reads $secret as the recording did"
like "$SCRATCH/free-rep" "escape: host uid 0${cr}?\$" "...as root on the host"
run_umdbg "$SCRATCH/conf-rec" --record "$SCRATCH/conf.trace" --scenario halt
"$UMDBG" trace info "$SCRATCH/conf.trace" >"$SCRATCH/conf-info" 2>&1
like "$SCRATCH/conf-info" '^guest: +confined$' "trace info: a default recording is confined"
run_umdbg "$SCRATCH/conf-rep" replay "$SCRATCH/conf.trace" --no-confine
is "$rc" 1 "replay with --no-confine: exit status 1"
like "$SCRATCH/conf-rep" "^umdbg: replay takes neither --share, --run, --flavour nor --no-confine: the trace has them" "...said in one line"
