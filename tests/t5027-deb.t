#!/bin/bash
# t5027-deb: the Debian package (make deb, docs/install.md).
#   - scripts/deb builds it with dpkg-buildpackage, and lintian finds
#     nothing, pedantic and informational tags included;
#   - it depends on the runtime libraries, not on -dev packages;
#   - its files are make install's (the manual compressed), plus what
#     every package has: copyright, changelog, lintian overrides;
#   - dpkg -i installs it, /usr/bin/umdbg finds /usr/share/umdbg and
#     stops the cached guest at panic; dpkg --purge leaves nothing.
# It installs into the system, so it will not touch an umdbg package
# that was there before it (it says so and fails).
. "$(dirname "$0")/lib.sh"
need_guest
plan 9

if dpkg-query -W -f='${Status}' umdbg 2>/dev/null | grep -q 'ok installed'; then
	echo "Bail out! an umdbg package is installed already: purge it first (dpkg --purge umdbg)"
	exit 1
fi
installed=
cleanup_deb() { [ -z "$installed" ] || dpkg --purge umdbg >/dev/null 2>&1; }
trap 'cleanup_deb; [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"' EXIT

"$TOP/scripts/deb" "$SCRATCH" >"$SCRATCH/deb" 2>&1
is "$?" 0 "scripts/deb builds the package (exit status 0)"
deb=$(ls "$SCRATCH"/umdbg_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || no_fact "no .deb in $SCRATCH"
lintian -I --pedantic "$deb" 2>&1 | grep -v 'root privileges' >"$SCRATCH/lintian"
is "$(cat "$SCRATCH/lintian")" "" "lintian -I --pedantic: no tag"

dpkg-deb -f "$deb" Depends >"$SCRATCH/depends"
like "$SCRATCH/depends" 'libdw1.*libncursesw6|libncursesw6.*libdw1' "it depends on the runtime libraries (libdw1, libncursesw6, ...)"
unlike "$SCRATCH/depends" '-dev' "...and on no -dev package"

dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' |
	LC_ALL=C sort >"$SCRATCH/got"
{ "$TOP/scripts/install" --list | sed 's|^|usr/|; s|\(man/man1/umdbg\.1\)$|\1.gz|'
  printf '%s\n' usr/share/doc/umdbg/copyright usr/share/doc/umdbg/changelog.gz \
	usr/share/lintian/overrides/umdbg; } | LC_ALL=C sort >"$SCRATCH/want"
diff "$SCRATCH/want" "$SCRATCH/got" >"$SCRATCH/diff"
ok $? "its files are make install's, plus copyright, changelog and lintian overrides ($(wc -l <"$SCRATCH/got"))"

installed=yes
dpkg -i "$deb" >"$SCRATCH/dpkg" 2>&1
is "$?" 0 "dpkg -i installs it"
cd / || exit 1
/usr/bin/umdbg --version >"$SCRATCH/version" 2>&1
like "$SCRATCH/version" '^guest recipe: kernel [0-9]+, rootfs [0-9]+ \(/usr/share/umdbg\)$' \
	"/usr/bin/umdbg finds its recipe in /usr/share/umdbg"
timeout -k 5 120 /usr/bin/umdbg --break panic --scenario panic --batch \
	</dev/null >"$SCRATCH/demo" 2>&1
is "$?" 2 "...and stops the cached guest at panic (exit status 2)"
dpkg --purge umdbg >"$SCRATCH/purge" 2>&1
rc=$?
installed=
is "$rc$([ -e /usr/bin/umdbg ] || [ -e /usr/share/umdbg ] && echo ' left')" 0 \
	"dpkg --purge removes it all"
done_testing
