# umdbg - one non-recursive Makefile (STYLE.md §10).
#
#   make            build ./umdbg
#   make guest      build the guest kernel + rootfs (cached, see guest/mkguest)
#   make guest-debug  the debug flavour of the guest (KASAN, lockdep, ...)
#   make check      bootstrap, build, guest, run every test (TAP, prove)
#   make unit       the tests that need no guest (seconds)
#   make demo       bootstrap, build, guest, run the panic demo
#   make bench      run the benchmarks under bench/
#   make install    install under PREFIX (/usr/local), with DESTDIR;
#                   make uninstall removes exactly that (scripts/install)
#   make DEVELOPER=1 / ASAN=1   stricter warnings / sanitizers

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = libdw readline liblz4 capstone ncursesw zlib
# readline's pkg-config adds -D_XOPEN_SOURCE=600; our files use _GNU_SOURCE.
PKG_CFLAGS := $(shell pkg-config --cflags libdw 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ldw -lelf -lreadline -llz4 -lcapstone -lncursesw -ltinfo -lz)
ALL_CFLAGS = $(CFLAGS) -std=gnu11 -Wall -Wextra -Wwrite-strings $(PKG_CFLAGS) -MMD -MP
ifdef DEVELOPER
ALL_CFLAGS += -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 -Winit-self
endif
ifdef ASAN
# UMDBG_ASAN: umdbg itself runs without LeakSanitizer (what a session
# holds until it exits is not a leak); the unit tests keep it.
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -DUMDBG_ASAN
LDFLAGS += -fsanitize=address,undefined
endif

LIB_OBJS += lib/util.o
LIB_OBJS += lib/rows.o
TRACER_OBJS += tracer/launch.o
TRACER_OBJS += tracer/confine.o
TRACER_OBJS += tracer/tracer.o
TRACER_OBJS += tracer/trace.o
TRACER_OBJS += tracer/inject.o
TRACER_OBJS += tracer/pagewatch.o
TRACER_OBJS += tracer/detour.o
TRACER_OBJS += tracer/softstep.o
TRACER_OBJS += tracer/probe.o
TRACER_OBJS += tracer/checkpoint.o
TRACER_OBJS += tracer/pagestore.o
KMODEL_OBJS += kmodel/symbols.o
KMODEL_OBJS += kmodel/types.o
KMODEL_OBJS += kmodel/unitcheck.o
KMODEL_OBJS += kmodel/kconfig.o
KMODEL_OBJS += kmodel/slab.o
KMODEL_OBJS += kmodel/vmalloc.o
KMODEL_OBJS += kmodel/buddy.o
KMODEL_OBJS += kmodel/taskinfo.o
KMODEL_OBJS += kmodel/kstate.o
KMODEL_OBJS += kmodel/unwind.o
KMODEL_OBJS += kmodel/dmesg.o
KMODEL_OBJS += kmodel/modules.o
KMODEL_OBJS += kmodel/moddwarf.o
KMODEL_OBJS += kmodel/tasks.o
KMODEL_OBJS += kmodel/maple.o
KMODEL_OBJS += kmodel/vma.o
KMODEL_OBJS += kmodel/pgtable.o
KMODEL_OBJS += kmodel/value.o
KMODEL_OBJS += kmodel/expr.o
GDBSTUB_OBJS += gdbstub/rsp.o
GDBSTUB_OBJS += gdbstub/tdesc.o
GDBSTUB_OBJS += gdbstub/signals.o
REPLAY_OBJS += replay/syscalls.o
REPLAY_OBJS += replay/rr.o
REPLAY_OBJS += replay/dump.o
CLI_OBJS += cli/main.o
CLI_OBJS += cli/termguard.o
CLI_OBJS += cli/checkpoint.o
CLI_OBJS += cli/options.o
CLI_OBJS += cli/places.o
CLI_OBJS += cli/breakpoints.o
CLI_OBJS += cli/record.o
CLI_OBJS += cli/loop.o
CLI_OBJS += cli/prompt.o
CLI_OBJS += cli/commands.o
CLI_OBJS += cli/args.o
CLI_OBJS += cli/kviews.o
CLI_OBJS += cli/console.o
CLI_OBJS += cli/report.o
CLI_OBJS += cli/gdbserver.o
CLI_OBJS += cli/gdbops.o
CLI_OBJS += cli/timeline.o
CLI_OBJS += cli/reverse.o
CLI_OBJS += cli/target.o
CLI_OBJS += cli/source.o
CLI_OBJS += cli/step.o
CLI_OBJS += cli/watch.o
CLI_OBJS += cli/share.o
CLI_OBJS += cli/kmem.o
CLI_OBJS += cli/catch.o
CLI_OBJS += cli/tviews.o
CLI_OBJS += cli/history.o
TUI_OBJS += tui/tui.o
TUI_OBJS += tui/text.o
TUI_OBJS += tui/views.o
TUI_OBJS += tui/draw.o
TUI_OBJS += tui/cmdline.o
TUI_OBJS += tui/keys.o

OBJS = $(LIB_OBJS) $(GDBSTUB_OBJS) $(TRACER_OBJS) $(KMODEL_OBJS) $(REPLAY_OBJS) $(TUI_OBJS) $(CLI_OBJS)

TEST_PROGS += tests/t0001-lib.t
TEST_PROGS += tests/t0002-rows.t
TEST_PROGS += tests/t0003-timeline.t
TEST_PROGS += tests/t0004-args.t
TEST_PROGS += tests/t1001-rsp.t
TEST_PROGS += tests/t2001-symbols.t
TEST_PROGS += tests/t2002-layouts.t
TEST_PROGS += tests/t3001-tracer.t
TEST_PROGS += tests/t6001-trace.t
TEST_HELPERS += tests/helpers/victim
TEST_HELPERS += tests/helpers/unit-where

all: umdbg

umdbg: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

%.o: %.c .build-flags
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Everything is rebuilt when the flags change (ASAN=1, DEVELOPER=1, CFLAGS).
BUILD_FLAGS := $(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS)
.build-flags: FORCE
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' >$@
FORCE:

# The timeline against a fake target (struct tl_target): neither the
# tracer nor the replay is linked.
tests/t0003-timeline.t: tests/t0003-timeline.o cli/timeline.o cli/reverse.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t0004-args.t: tests/t0004-args.o cli/args.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t0002-rows.t: tests/t0002-rows.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t0001-lib.t: tests/t0001-lib.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^
tests/t1001-rsp.t: tests/t1001-rsp.o $(GDBSTUB_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^
tests/t2001-symbols.t: tests/t2001-symbols.o $(KMODEL_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t2002-layouts.t: tests/t2002-layouts.o $(KMODEL_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t3001-tracer.t: tests/t3001-tracer.o $(TRACER_OBJS) $(KMODEL_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
tests/t6001-trace.t: tests/t6001-trace.o tracer/trace.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
bench/watch-run: bench/watch.o $(TRACER_OBJS) $(KMODEL_OBJS) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
# A tiny host program with debug info for the tracer and symbol tests.
tests/helpers/victim: tests/helpers/victim.c
	$(CC) -O0 -g -fno-omit-frame-pointer -no-pie -pthread -D_GNU_SOURCE -o $@ $<

tests/helpers/unit-where: tests/helpers/unit-where.c
	$(CC) $(CFLAGS) -o $@ $< $(PKG_LIBS)

bootstrap:
	@scripts/bootstrap

guest:
	@guest/mkguest

# The debug flavour (KASAN, lockdep, ...) for the labs; the labs' tests
# build it on first use.
guest-debug:
	@guest/mkguest --flavour debug

tests: $(TEST_PROGS) $(TEST_HELPERS) umdbg

# The tests that need no guest (nor root): seconds, on any machine with
# the build dependencies.
UNIT_TESTS = tests/t0001-lib.t tests/t0002-rows.t tests/t0003-timeline.t tests/t0004-args.t tests/t1001-rsp.t tests/t6001-trace.t
unit: $(UNIT_TESTS)
	prove $(UNIT_TESTS)

check: bootstrap
	@scripts/hygiene
	@$(MAKE) --no-print-directory all tests
	@scripts/check-deps
	@guest/mkguest
	prove -v --timer tests/
	@[ -n "$(ASAN)" ] || scripts/sanitized

# With a terminal the demo ends at the umdbg> prompt ('quit' leaves);
# without one umdbg prints the report and exits 2, which is the demo's
# success too.
demo: bootstrap
	@$(MAKE) --no-print-directory all
	@guest/mkguest
	./umdbg --break panic --scenario panic || [ $$? -eq 2 ]

# The commit and the guest recipe's versions, for umdbg --version;
# rewritten only when they change.  The commit: $UMDBG_COMMIT, else git,
# else .umdbg-commit (scripts/copy-tree writes it into a copy).
cli/buildinfo.h: FORCE
	@{ printf '#define UMDBG_COMMIT "%s"\n' "$${UMDBG_COMMIT:-$$(git describe --always --dirty --abbrev=12 2>/dev/null || cat .umdbg-commit 2>/dev/null || echo unknown)}"; \
	   . guest/recipe; \
	   printf '#define UMDBG_RECIPE "kernel %s, rootfs %s"\n' "$$kernel_recipe" "$$rootfs_recipe"; } >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
cli/options.o cli/commands.o: cli/buildinfo.h

PREFIX ?= /usr/local
DESTDIR ?=
install: umdbg
	@scripts/install "$(DESTDIR)" "$(PREFIX)"

uninstall:
	@scripts/install --uninstall "$(DESTDIR)" "$(PREFIX)"

# The Debian package (scripts/deb): umdbg_VERSION_amd64.deb here.
deb:
	@scripts/deb

bench/stop-floor: bench/stop-floor.c
	$(CC) $(CFLAGS) -o $@ $<

bench/rsp-raw: bench/rsp-raw.c
	$(CC) $(CFLAGS) -Wall -Wextra -o $@ $<

bench: all bench/watch-run bench/stop-floor bench/rsp-raw
	@guest/mkguest
	bench/boot-overhead
	bench/rsp
	bench/kmodel
	bench/record
	bench/watch

# libFuzzer target for the packet layer (clang).  FUZZ_RUNS bounds a run.
FUZZ_RUNS ?= 200000
tests/fuzz/rsp-fuzzer: tests/fuzz/rsp-fuzzer.c gdbstub/*.c lib/util.c
	clang -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^
tests/fuzz/trace-fuzzer: tests/fuzz/trace-fuzzer.c tracer/trace.c replay/dump.c replay/syscalls.c lib/util.c
	clang -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $^ -llz4
tests/fuzz/elf-fuzzer: tests/fuzz/elf-fuzzer.c kmodel/*.c lib/util.c lib/rows.c
	clang -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -o $@ $^ $(shell pkg-config --libs libdw zlib 2>/dev/null || echo -ldw -lelf -lz)
FUZZERS = tests/fuzz/rsp-fuzzer tests/fuzz/trace-fuzzer tests/fuzz/elf-fuzzer
# Each fuzzer for FUZZ_RUNS executions, its corpus kept in
# tests/fuzz/corpus/TARGET (scripts/fuzz says how).
fuzz: $(FUZZERS) tests/helpers/victim umdbg
	@for t in rsp trace elf; do scripts/fuzz $$t $(FUZZ_RUNS) 0 tests/fuzz/corpus/$$t || exit 1; done
# The long runs (docs/security.md has their latest figures): each fuzzer
# for FUZZ_LONG_RUNS executions or FUZZ_SECONDS seconds, whichever comes
# first, corpus kept in FUZZ_CORPUS/TARGET.
FUZZ_LONG_RUNS ?= 10000000
FUZZ_SECONDS ?= 3600
FUZZ_CORPUS ?= $(HOME)/.cache/umdbg/fuzz-corpus
fuzz-long: $(FUZZERS) tests/helpers/victim umdbg
	@for t in rsp trace elf; do scripts/fuzz $$t $(FUZZ_LONG_RUNS) $(FUZZ_SECONDS) $(FUZZ_CORPUS)/$$t || exit 1; done

check-deps:
	@scripts/check-deps

clean:
	rm -f .build-flags cli/buildinfo.h umdbg $(OBJS) $(OBJS:.o=.d) tests/*.o tests/*.d bench/*.o bench/*.d bench/watch-run bench/stop-floor bench/rsp-raw $(TEST_PROGS) $(TEST_HELPERS) $(FUZZERS)

.PHONY: FORCE all bootstrap guest guest-debug tests unit check demo bench fuzz fuzz-long check-deps clean install uninstall deb

-include $(OBJS:.o=.d) $(wildcard tests/*.d)
