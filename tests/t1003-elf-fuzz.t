#!/bin/bash
# t1003-elf-fuzz: a short libFuzzer run of the ELF/DWARF front
# (tests/fuzz/elf-fuzzer.c: kmodel opening a kernel or a host program and
# answering symbol, FILE:LINE, pc and variable questions, ASan + UBSan)
# through scripts/fuzz: seeds made from a small program with debug info
# (as a host program, as a UML kernel, without DWARF, stripped), the
# regression inputs first; any crash, leak of ours or sanitizer report
# fails.
. "$(dirname "$0")/lib.sh"
plan 2
make -s tests/fuzz/elf-fuzzer tests/helpers/victim >"$SCRATCH/build" 2>&1
ok $? "the ELF/DWARF fuzzer builds (clang, libFuzzer)"
scripts/fuzz elf 10000 0 >"$SCRATCH/fuzz" 2>&1
ok $? "10000 fuzzed kernels: no crash, leak or undefined behaviour"
sed 's/^/# /' "$SCRATCH/fuzz" | tail -5
done_testing
