#!/bin/bash
# t5026-install: umdbg installed like a debugger (make install, docs/install.md).
# Into a temporary DESTDIR with PREFIX=/usr:
#   - the files are the ones scripts/install lists, and nothing else;
#   - the installed binary, run from outside the source tree, finds its
#     recipe (--version says where), stops the guest from the cache at
#     panic, and runs the installed guest builder (umdbg guest build);
#   - with no guest in the cache it says how to build one, in one line;
#   - umdbg(1) renders with man -l and names every option of --help and
#     every prompt command;
#   - bash completes an option, a scenario name and every long option;
#   - make uninstall leaves the DESTDIR empty.
. "$(dirname "$0")/lib.sh"
need_guest
plan 16

D=$SCRATCH/destdir
mkdir -p "$D"
# -o umdbg: the binary as built (a sanitized run must keep its own)
make -s -C "$TOP" -o umdbg install DESTDIR="$D" PREFIX=/usr >"$SCRATCH/install" 2>&1
is "$?" 0 "make install DESTDIR=... PREFIX=/usr (exit status 0)"
(cd "$D/usr" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$SCRATCH/got"
{ "$TOP/scripts/install" --list; echo share/umdbg/.install-manifest; } |
	LC_ALL=C sort >"$SCRATCH/want"
diff "$SCRATCH/want" "$SCRATCH/got" >"$SCRATCH/diff"
ok $? "the files installed are scripts/install's list ($(wc -l <"$SCRATCH/got") files)"

U=$D/usr/bin/umdbg
cd / || exit 1
"$U" --version >"$SCRATCH/version" 2>&1
like "$SCRATCH/version" "^guest recipe: kernel [0-9]+, rootfs [0-9]+ \($D/usr/share/umdbg\)$" \
	"the installed umdbg, run from /, finds its recipe beside it"
like "$SCRATCH/version" "^umdbg [0-9.]+ \(commit [0-9a-f]+(-dirty)?\)$" "...--version names the commit"
like "$SCRATCH/version" "^host: XSAVE area [0-9]+ bytes" "...and the host's XSAVE size"

# The built guest, through the cache's links (guest/mkguest makes them).
timeout -k 5 120 "$U" --break panic --scenario panic --batch --json -ex help \
	</dev/null >"$SCRATCH/demo" 2>"$SCRATCH/demo.err"
is "$?" 2 "the installed umdbg stops the cached guest at panic (exit status 2)"
like "$SCRATCH/demo" '"kind":"headline","why":"breakpoint 1 \(panic\) hit' "...the report says why"
UMDBG_CACHE=$SCRATCH/nocache "$U" --break panic </dev/null >"$SCRATCH/none" 2>&1
is "$?$(wc -l <"$SCRATCH/none")" "11" "with no guest in the cache: exit status 1, one line"
like "$SCRATCH/none" "^umdbg: no guest kernel at '$SCRATCH/nocache/guest/linux': run 'umdbg guest build' first" \
	"...it says how to build one"
"$U" guest build --flavour nosuch >"$SCRATCH/gb" 2>&1
like "$SCRATCH/gb" "^guest: unknown flavour 'nosuch' \(default, debug\)$" \
	"umdbg guest build runs the installed builder"

# The manual.
man -l "$D/usr/share/man/man1/umdbg.1" >"$SCRATCH/man" 2>"$SCRATCH/man.err"
ok $(( $? != 0 || $(wc -l <"$SCRATCH/man") < 100 )) "man -l renders umdbg(1) ($(wc -l <"$SCRATCH/man") lines)"
# The options: --help's option lines, and the subcommands' usage lines.
"$U" --help | grep -oE -- '(^|[ ,[])--?[a-z][a-z-]*' | sed 's/^[ ,[]*//' | sort -u >"$SCRATCH/opts"
"$U" --help | grep -E '^ +-' | grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' |
	sed 's/^[ ,]*//' | sort -u >"$SCRATCH/main-opts"
missing=$(while read -r o; do grep -qF -- "$o" "$SCRATCH/man" || echo "$o"; done <"$SCRATCH/opts")
is "$missing" "" "umdbg(1) names every option of --help ($(wc -l <"$SCRATCH/opts"))"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    if l.startswith("{"):
        r = json.loads(l)
        if r["kind"] == "command":
            print(r["name"])' "$SCRATCH/demo" >"$SCRATCH/cmds"
missing=$(while read -r c; do grep -qE -- "^ {7}$c([ /[]|$)" "$SCRATCH/man" || echo "$c"; done <"$SCRATCH/cmds")
ok $(( $(wc -l <"$SCRATCH/cmds") < 40 )) "help lists the prompt commands ($(wc -l <"$SCRATCH/cmds"))"
is "$missing" "" "...and umdbg(1) describes each"

# Completion.
comp() {	# comp WORD... : what bash completes for the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _umdbg
		 printf "%s\n" "${COMPREPLY[@]}"' comp \
		"$D/usr/share/bash-completion/completions/umdbg" "$@"
}
longs=$(grep -- '^--' "$SCRATCH/main-opts" | tr '\n' ' ')
offered=$(comp umdbg -- | tr '\n' ' ')
missing=$(for o in $longs; do case " $offered " in *" $o "*) ;; *) echo "$o" ;; esac; done)
is "$(comp umdbg --sce) $(comp umdbg --scenario wo) $(comp umdbg guest build --sr) $missing" \
	"--scenario work --src " \
	"bash completes --sce, a scenario name, guest build's --sr, and every long option"

cd "$TOP" || exit 1
make -s -o umdbg install DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
make -s uninstall DESTDIR="$D" PREFIX=/usr >"$SCRATCH/uninstall" 2>&1
is "$(find "$D" -mindepth 1 | wc -l)" 0 "make uninstall leaves the DESTDIR empty"
done_testing
