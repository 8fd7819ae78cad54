#!/bin/bash
# t1002-rsp-fuzz: a short libFuzzer run of the RSP packet layer
# (tests/fuzz/rsp-fuzzer.c, ASan + UBSan) through scripts/fuzz, which runs
# the regression inputs first: any crash, leak or sanitizer report fails.
# Longer runs: make fuzz FUZZ_RUNS=N, make fuzz-long.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/rsp-fuzzer >"$SCRATCH/build" 2>&1
ok $? "the fuzzer builds (clang, libFuzzer)"
scripts/fuzz rsp 50000 0 >"$SCRATCH/fuzz" 2>&1
ok $? "50000 fuzzed inputs: no crash, leak or undefined behaviour"
sed 's/^/# /' "$SCRATCH/fuzz" | tail -5
done_testing
