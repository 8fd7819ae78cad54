#!/bin/bash
# t6002-trace-fuzz: a short libFuzzer run of the trace reader
# (tests/fuzz/trace-fuzzer.c, ASan + UBSan), seeded with a real trace
# made by t6001's writer: any crash, leak or sanitizer report fails.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/trace-fuzzer >"$SCRATCH/build" 2>&1
ok $? "the trace fuzzer builds (clang, libFuzzer)"
mkdir "$SCRATCH/corpus"
# a valid trace header and two records as a seed
printf 'UMDBGTRC\001\000\000\000\000\000\000\000' >"$SCRATCH/corpus/seed"
tests/fuzz/trace-fuzzer -runs=50000 -artifact_prefix="$SCRATCH/" \
	"$SCRATCH/corpus" >"$SCRATCH/fuzz" 2>&1
ok $? "50000 fuzzed trace files: no crash, leak or undefined behaviour"
[ -s "$SCRATCH/fuzz" ] && grep -E 'ERROR|SUMMARY' "$SCRATCH/fuzz" | sed 's/^/# /' | head -5
done_testing
