#!/bin/bash
# t1002-rsp-fuzz: a short libFuzzer run of the RSP packet layer
# (tests/fuzz/rsp-fuzzer.c, ASan + UBSan): any crash, leak or sanitizer
# report fails.  Longer runs: make fuzz FUZZ_RUNS=N.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/rsp-fuzzer >"$SCRATCH/build" 2>&1
ok $? "the fuzzer builds (clang, libFuzzer)"
mkdir "$SCRATCH/corpus"
tests/fuzz/rsp-fuzzer -runs=50000 -dict=tests/fuzz/rsp.dict \
	-artifact_prefix="$SCRATCH/" "$SCRATCH/corpus" >"$SCRATCH/fuzz" 2>&1
ok $? "50000 fuzzed inputs: no crash, leak or undefined behaviour"
[ -s "$SCRATCH/fuzz" ] && grep -E 'ERROR|SUMMARY' "$SCRATCH/fuzz" | sed 's/^/# /' | head -5
done_testing
