#!/bin/bash
# t5016-labs: every lab guide (docs/labs/NN-name.md) is run as written:
# each of its ```console sessions runs in a fresh directory (with
# ./umdbg and samples/ at hand, and the files the guide asks the reader
# to write), the prompt's commands as --batch -ex, and every output line
# the guide shows must appear, in its order (tests/helpers/lab-check).
# A guide whose commands or claims drift from what umdbg prints fails
# here.
. "$(dirname "$0")/lib.sh"
need_guest

guides=$(ls "$TOP"/docs/labs/[0-9][0-9]-*.md)
total=0
for g in $guides; do
	n=$("$TOP/tests/helpers/lab-check" "$g" "$SCRATCH" count)
	total=$((total + n))
done
plan "$total"

for g in $guides; do
	name=$(basename "$g" .md)
	work=$SCRATCH/$name
	mkdir "$work"
	ln -s "$TOP/umdbg" "$work/umdbg"
	ln -s "$TOP/samples" "$work/samples"
	n=$("$TOP/tests/helpers/lab-check" "$g" "$work" count)
	for i in $(seq "$n"); do
		"$TOP/tests/helpers/lab-check" "$g" "$work" run "$i" >"$SCRATCH/$name.$i" 2>&1
		first=$(head -1 "$SCRATCH/$name.$i")
		[ "$first" = ok ]
		ok $? "$name, session $i: as the guide shows${first:+ ($first)}"
		[ "$first" = ok ] || sed -n '2,$p' "$SCRATCH/$name.$i" | tail -25 | sed 's/^/#   /'
	done
done
