#!/bin/bash
# t6002-trace-fuzz: a short libFuzzer run of the trace reader and of
# `trace info`/`trace dump` (tests/fuzz/trace-fuzzer.c, ASan + UBSan)
# through scripts/fuzz, seeded with a bare preamble and, when the guest is
# built (always under `make check`), a real recording of the panic
# scenario with compressed console records: any crash, leak or sanitizer
# report fails.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/trace-fuzzer >"$SCRATCH/build" 2>&1
ok $? "the trace fuzzer builds (clang, libFuzzer)"
scripts/fuzz trace 50000 0 >"$SCRATCH/fuzz" 2>&1
ok $? "50000 fuzzed trace files: no crash, leak or undefined behaviour"
sed 's/^/# /' "$SCRATCH/fuzz" | tail -5
done_testing
