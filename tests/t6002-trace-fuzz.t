#!/bin/bash
# t6002-trace-fuzz: a short libFuzzer run of the trace reader and of
# `trace info`/`trace dump` (tests/fuzz/trace-fuzzer.c, ASan + UBSan),
# seeded with a bare preamble and, when the guest is built (always under
# `make check`), a real recording of the panic scenario with compressed
# console records: any crash, leak or sanitizer report fails.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/trace-fuzzer >"$SCRATCH/build" 2>&1
ok $? "the trace fuzzer builds (clang, libFuzzer)"
mkdir "$SCRATCH/corpus"
printf 'UMDBGTRC\002\000\000\000\000\000\000\000' >"$SCRATCH/corpus/seed"
[ -e guest/linux ] && timeout -k 5 120 "$UMDBG" --record "$SCRATCH/corpus/panic" \
	--scenario panic </dev/null >/dev/null 2>&1
tests/fuzz/trace-fuzzer -runs=50000 -artifact_prefix="$SCRATCH/" \
	"$SCRATCH/corpus" >"$SCRATCH/fuzz" 2>&1
ok $? "50000 fuzzed trace files: no crash, leak or undefined behaviour"
[ -s "$SCRATCH/fuzz" ] && grep -E 'ERROR|SUMMARY' "$SCRATCH/fuzz" | sed 's/^/# /' | head -5
done_testing
