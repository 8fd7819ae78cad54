#!/bin/bash
# t5028-own-kernel: a kernel developer's own tree and config
# (umdbg guest build --src DIR --config FILE, docs/install.md).
# The tree is the previous Debian linux-source-6.12 (a stable update
# before the installed one, scripts/previous-source), unpacked, with
# umdbg's second patch already in it; the config is the default guest's
# with debug info, GDB_SCRIPTS and MAGIC_SYSRQ off and a LOCALVERSION of
# the user's.  Then:
#   - the build says which patches it applied and which were there;
#   - it lists each option of the user's config it had to change, and
#     keeps the user's own (LOCALVERSION);
#   - the guest boots that kernel (the previous version, the user's
#     LOCALVERSION) and stops at panic in kernel/panic.c;
#   - a second build of the same tree is the cached one;
#   - the previous tarball itself (--src TARBALL, the recipe's config)
#     builds and stops at panic too;
#   - a kernel without debug info gets one line that says how to fix it;
#   - a bad --src gets one line and exit status 1.
. "$(dirname "$0")/lib.sh"
need_guest
plan 17

tarball=$("$TOP/scripts/previous-source" 2>"$SCRATCH/prev.err")
ok $? "the previous linux-source-6.12 ($(basename "${tarball:-none}"))"
[ -s "$tarball" ] || no_fact "no previous tarball: $(cat "$SCRATCH/prev.err")"
mkdir "$SCRATCH/tree"
tar -xf "$tarball" -C "$SCRATCH/tree" --strip-components=1 ||
	no_fact "cannot unpack $tarball"
patch -d "$SCRATCH/tree" -p1 --quiet <"$TOP/guest/patches/0002-um-drop-pending-signals-at-shutdown.patch" ||
	no_fact "guest/patches/0002 does not apply to $tarball"
version=$(make -s -C "$SCRATCH/tree" kernelversion 2>/dev/null)
sed -e 's/^CONFIG_GDB_SCRIPTS=y/# CONFIG_GDB_SCRIPTS is not set/' \
    -e 's/^CONFIG_MAGIC_SYSRQ=y/# CONFIG_MAGIC_SYSRQ is not set/' \
    -e 's/^CONFIG_DEBUG_INFO_DWARF5=y/# CONFIG_DEBUG_INFO_DWARF5 is not set/' \
    -e 's/^# CONFIG_DEBUG_INFO_NONE is not set/CONFIG_DEBUG_INFO_NONE=y/' \
    -e 's/^CONFIG_LOCALVERSION=.*/CONFIG_LOCALVERSION="-mine"/' \
    "$TOP/guest/src/.config" >"$SCRATCH/my.config"
grep -q '^CONFIG_DEBUG_INFO_NONE=y' "$SCRATCH/my.config" ||
	no_fact "the default guest's .config has no DEBUG_INFO_NONE line to turn on"

build() {	# build OUT SECS
	timeout -k 10 "$2" "$UMDBG" guest build --src "$SCRATCH/tree" \
		--config "$SCRATCH/my.config" --name t5028 </dev/null >"$1" 2>&1
}
build "$SCRATCH/build" 1800
is "$?" 0 "umdbg guest build --src TREE --config FILE --name t5028 (exit status 0)"
grep -q '(kernel cached' "$SCRATCH/build" &&
	diag "the kernel was cached: its patch and config reports are read from the cache"
like "$SCRATCH/build" "^guest: ready \(t5028 guest\): linux $version " "...it built Linux $version from the tree"
cache=${UMDBG_CACHE:-$HOME/.cache/umdbg}
kdir=$(readlink -f "$cache/guest/t5028/src/..")
# The build's reports, kept with the kernel (the same when it was cached).
cat "$kdir/config.changes" >"$SCRATCH/report" 2>/dev/null
grep -q '0001-um-probe-host-xstate-size.patch: applied' "$kdir/patches" &&
grep -q '0002-um-drop-pending-signals-at-shutdown.patch: already in the tree' "$kdir/patches" &&
grep -q '0003-hostfs-confine-mounts-to-the-root.patch: applied' "$kdir/patches"
ok $? "...it applied the patches the tree lacked, and said 0002 was there"
grep -q '^CONFIG_DEBUG_INFO_DWARF5: n -> y$' "$SCRATCH/report" &&
grep -q '^CONFIG_GDB_SCRIPTS: n -> y$' "$SCRATCH/report" &&
grep -q '^CONFIG_MAGIC_SYSRQ: n -> y$' "$SCRATCH/report"
ok $? "...it lists the options of my.config it had to change"
unlike "$SCRATCH/report" '^CONFIG_LOCALVERSION' "...and leaves my own (LOCALVERSION) alone"

run_umdbg "$SCRATCH/panic" --flavour t5028 --break panic --scenario panic --batch --json -ex version
is "$rc" 2 "umdbg --flavour t5028 --break panic --scenario panic stops (exit status 2)"
like "$SCRATCH/panic" "Linux version $version-mine " "...in my kernel: Linux $version with my LOCALVERSION"
like "$SCRATCH/panic" '"kind":"frame","num":0,.*"func":"panic".*"file":"kernel/panic.c"' \
	"...at panic, in kernel/panic.c"

start=$(date +%s)
build "$SCRATCH/again" 600
like "$SCRATCH/again" '^guest: ready \(t5028 guest\): .*\(kernel cached, rootfs cached\)' \
	"the same tree again: the cached kernel ($(( $(date +%s) - start )) s)"

objcopy --strip-debug "$cache/guest/t5028/linux" "$SCRATCH/linux-nodebug"
run_umdbg "$SCRATCH/nodebug" --break panic "$SCRATCH/linux-nodebug"
like "$SCRATCH/nodebug" "^umdbg: warning: '$SCRATCH/linux-nodebug' has no debug info: backtraces will lack file:line \(build it with CONFIG_DEBUG_INFO_DWARF5=y" \
	"a kernel without debug info: one line that says how to fix it"
is "$rc" 2 "...and it still stops at panic (exit status 2)"

# The previous tarball itself, with the recipe's own config.
timeout -k 10 1800 "$UMDBG" guest build --src "$tarball" --name t5028-tar \
	</dev/null >"$SCRATCH/tar" 2>&1
is "$?" 0 "umdbg guest build --src TARBALL (the previous one) --name t5028-tar (exit status 0)"
run_umdbg "$SCRATCH/tarpanic" --flavour t5028-tar --break panic --scenario panic --batch --json
is "$rc" 2 "umdbg --flavour t5028-tar --break panic --scenario panic stops (exit status 2)"
like "$SCRATCH/tarpanic" "Linux version $version " "...in Linux $version, with no LOCALVERSION"
like "$SCRATCH/tarpanic" '"kind":"frame","num":0,.*"func":"panic".*"file":"kernel/panic.c"' \
	"...at panic, in kernel/panic.c"

"$UMDBG" guest build --src "$SCRATCH/my.config" >"$SCRATCH/bad" 2>&1
is "$?:$(wc -l <"$SCRATCH/bad")" "1:1" "--src FILE that is no tarball: exit status 1, one line"
done_testing
