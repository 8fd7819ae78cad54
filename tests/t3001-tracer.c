/*
 * t3001-tracer: the ptrace supervisor on a tiny host program
 * (tests/helpers/victim): launch (with and without namespaces), software
 * breakpoints hit the right number of times with the right registers,
 * memory reads hide the int3, a backtrace through kmodel names the call
 * chain, single-step (also one that sets off a watchpoint), register
 * writes read back, watchpoints through the debug registers (where the
 * probe says they trap; a TAP skip naming its reason elsewhere) and
 * emulated by page protection (always), with a syscall that writes a
 * protected page, a stop signal (SIGABRT), Ctrl-C style interrupt,
 * exit status, and launch errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kmodel/kmodel.h"
#include "../tracer/tracer.h"
#include "../tracer/internal.h"
#include "tap.h"

#define VICTIM "tests/helpers/victim"

static ssize_t mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return tracer_read_mem(arg, addr, buf, len);
}

static struct tracer *launch(const char *const argv[], bool ns,
			     char **cause)
{
	struct tracer_launch l = {
		/* exec takes them as they are: its argv is not const */
		.path = argv[0], .argv = (char *const *)argv,
		.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1,
		.namespaces = ns, .block_sigchld = true, .no_aslr = true,
	};
	struct tracer *t = NULL;

	if (tracer_launch(&l, &t, cause) < 0)
		return NULL;
	return t;
}

static void run_breakpoints(struct kmodel *k, bool ns)
{
	const char *argv[] = { VICTIM, "5", NULL };
	char *cause = NULL;
	uint64_t target, counter_addr, pcs_ok = 0;
	struct tracer_stop st;
	struct tracer *t;
	int id, hits = 0, regs_ok = 0, mem_ok = 0, bt_ok = 0;
	long expect_counter = 0;

	t = launch(argv, ns, &cause);
	if (!ok(t != NULL, "launch victim (namespaces %s)", ns ? "on" : "off")) {
		diag("%s", cause);
		return;
	}
	kmodel_set_mem(k, &(struct kmodel_mem){ mem_read, t });
	kmodel_symbol_addr(k, "victim_target", &target);
	kmodel_symbol_addr(k, "victim_counter", &counter_addr);
	id = tracer_bp_insert(t, target, &cause);
	ok(id > 0, "breakpoint inserted at victim_target");
	tracer_resume(t, &cause);
	for (;;) {
		struct user_regs_struct r;
		uint8_t byte;
		long counter;
		struct kmodel_frame fr[16];
		uint64_t regs[KMODEL_NREGS];
		int n, i, found = 0;

		if (tracer_wait(t, &st, &cause) != 1)
			break;
		if (st.kind != TRACER_STOP_BREAKPOINT)
			break;
		hits++;
		tracer_get_regs(t, st.tid, &r);
		if (r.rip == target && (long)r.rdi == hits)
			regs_ok++;
		if (st.addr == target && st.bp == id)
			pcs_ok++;
		if (tracer_read_mem(t, target, &byte, 1) == 1 && byte != 0xcc &&
		    tracer_read_mem(t, counter_addr, &counter, 8) == 8 &&
		    counter == expect_counter)
			mem_ok++;
		expect_counter += hits;
		regs[0] = r.rax; regs[1] = r.rdx; regs[2] = r.rcx;
		regs[3] = r.rbx; regs[4] = r.rsi; regs[5] = r.rdi;
		regs[6] = r.rbp; regs[7] = r.rsp; regs[8] = r.r8;
		regs[9] = r.r9; regs[10] = r.r10; regs[11] = r.r11;
		regs[12] = r.r12; regs[13] = r.r13; regs[14] = r.r14;
		regs[15] = r.r15; regs[16] = r.rip;
		n = kmodel_backtrace(k, regs, fr, 16, &cause);
		for (i = 0; i < n; i++) {
			struct kmodel_where *w;
			int nw = kmodel_where(k, fr[i].pc, fr[i].call_site, &w);

			if (nw > 0 && w[nw - 1].func &&
			    ((i == 0 && !strcmp(w[nw - 1].func,
						"victim_target")) ||
			     (i == 1 && !strcmp(w[nw - 1].func,
						"victim_middle")) ||
			     (i == 2 && !strcmp(w[nw - 1].func, "main"))))
				found++;
			kmodel_where_free(w, nw);
		}
		if (found == 3)
			bt_ok++;
		if (hits == 2) {
			/* single-step off the breakpoint once */
			struct tracer_stop s2;

			if (tracer_step(t, 0, &s2, &cause) == 1)
				ok(s2.kind == TRACER_STOP_STEP &&
				   s2.addr > target && s2.addr < target + 16,
				   "stepi moves past the breakpoint "
				   "instruction (0x%llx)",
				   (unsigned long long)s2.addr);
			else
				ok(0, "stepi: %s", cause);
		}
		tracer_resume(t, &cause);
	}
	is_int(hits, 5, "breakpoint hit once per call");
	is_int(pcs_ok, 5, "stop reports the breakpoint address and id");
	is_int(regs_ok, 5, "rip rewound to the breakpoint, rdi = argument");
	is_int(mem_ok, 5, "memory reads see the original byte and the "
	       "counter");
	is_int(bt_ok, 5, "backtrace: victim_target <- victim_middle <- main");
	ok(st.kind == TRACER_STOP_EXITED && st.status == 15,
	   "victim exits with its status (kind %d status %d)", st.kind,
	   st.status);
	tracer_free(t);
}

#define WATCH_TESTS 7

/* The stores emulated watchpoints do themselves: encodings seen in the
 * kernel's hot paths and the corners of ModRM/SIB/REX/66/RIP. */
static void run_decode(void)
{
	static const struct {
		uint8_t insn[16];
		bool store;
		uint64_t addr;
		int size, len;
		uint64_t value;
		const char *what;
	} cases[] = {
		{ { 0x89, 0x10 }, true, 0x1000, 4, 2, 0x55667788,
		  "mov %edx,(%rax)" },
		{ { 0xc7, 0x00, 1, 0, 0, 0 }, true, 0x1000, 4, 6, 1,
		  "movl $1,(%rax)" },
		{ { 0x48, 0x89, 0x48, 0xf8 }, true, 0xff8, 8, 4, 0xc0ffee,
		  "mov %rcx,-8(%rax)" },
		{ { 0x4c, 0x89, 0x5c, 0x17, 0xf8 }, true, 0x2000 + 0x30 - 8, 8,
		  5, 0xb11, "mov %r11,-8(%rdi,%rdx,1)" },
		{ { 0x48, 0x89, 0x34, 0xf8 }, true, 0x1000 + 0x2000 * 8, 8, 4,
		  0x5151, "mov %rsi,(%rax,%rdi,8)" },
		{ { 0x88, 0x25, 0x10, 0, 0, 0 }, true, 0x400000 + 6 + 0x10, 1,
		  6, 0xbe, "mov %ah,0x10(%rip)" },
		{ { 0x66, 0xc7, 0x05, 0, 1, 0, 0, 0x34, 0x12 }, true,
		  0x400000 + 9 + 0x100, 2, 9, 0x1234, "movw $0x1234,0x100(%rip)" },
		{ { 0x48, 0xc7, 0x40, 0x08, 0xff, 0xff, 0xff, 0xff }, true,
		  0x1008, 8, 8, ~0ULL, "movq $-1,8(%rax)" },
		{ { 0x01, 0x10 }, false, 0, 0, 0, 0, "add %edx,(%rax): not a MOV" },
		{ { 0xc7, 0xc0, 1, 0, 0, 0 }, false, 0, 0, 0, 0,
		  "mov $1,%eax: no memory" },
	};
	struct user_regs_struct r = { 0 };
	size_t i;
	int good = 0;

	r.rax = 0x1000;
	r.rdx = 0x1122334455667788ULL;
	r.rcx = 0xc0ffee;
	r.rdi = 0x2000;
	r.r11 = 0xb11;
	r.rsi = 0x5151;
	r.rip = 0x400000;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t addr = 0, value = 0, mask;
		int size = 0, len = 0;
		struct user_regs_struct rr = r;
		bool got;

		if (i == 3)	/* SIB with rdx as an index */
			rr.rdx = 0x30;
		if (i == 5)	/* ah */
			rr.rax = 0xbe00;
		got = pw_decode_store(cases[i].insn, &rr, &addr, &size, &value,
				      &len);
		mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
		if (got == cases[i].store && (!got ||
		    (addr == cases[i].addr && size == cases[i].size &&
		     len == cases[i].len &&
		     (value & mask) == cases[i].value)))
			good++;
		else
			diag("%s: got %d addr 0x%llx size %d len %d value "
			     "0x%llx", cases[i].what, got,
			     (unsigned long long)addr, size, len,
			     (unsigned long long)value);
	}
	is_int(good, (int)(sizeof(cases) / sizeof(cases[0])),
	       "emulated stores: %d MOV encodings decoded right", good);
}

static struct tracer *launch_watched(struct kmodel *k, const char *argv[],
				     bool emulated, const char *var,
				     enum tracer_hw_kind kind, int *slot,
				     uint64_t *addr)
{
	char *cause = NULL;
	struct tracer *t = launch(argv, false, &cause);

	if (!t) {
		diag("%s", cause);
		return NULL;
	}
	tracer_set_hw_emulation(t, emulated);
	kmodel_symbol_addr(k, var, addr);
	*slot = tracer_hw_insert(t, kind, *addr, 8);
	return t;
}

/* Watchpoints through the debug registers or emulated: the same
 * assertions hold on both paths. */
static void run_watch(struct kmodel *k, bool emulated)
{
	const char *how = emulated ? "emulated" : "debug registers";
	const char *argv[] = { VICTIM, "3", NULL };
	char *cause = NULL;
	struct user_regs_struct r0, r1;
	struct tracer_stop st;
	uint64_t target, counter;
	long v = 0, seen[8];
	int slot, i, n = 0, stops = 0;
	struct tracer *t;

	/* A single-step that writes a watched address reports the
	 * watchpoint; a register write is what the next read says (the
	 * tracer keeps a stop's registers). */
	t = launch(argv, false, &cause);
	tracer_set_hw_emulation(t, emulated);
	kmodel_symbol_addr(k, "victim_target", &target);
	kmodel_symbol_addr(k, "victim_counter", &counter);
	tracer_bp_insert(t, target, &cause);
	tracer_resume(t, &cause);
	tracer_wait(t, &st, &cause);
	slot = tracer_hw_insert(t, TRACER_HW_WRITE, counter, 8);
	for (i = 0; i < 50; i++)
		if (tracer_step(t, 0, &st, &cause) != 1 ||
		    st.kind != TRACER_STOP_STEP)
			break;
	ok(slot >= 0 && st.kind == TRACER_STOP_WATCH && st.bp == slot &&
	   st.addr == counter, "%s: a step that writes a watched address "
	   "reports it (kind %d after %d steps)", how, st.kind, i);
	tracer_read_mem(t, counter, &v, sizeof(v));
	is_int(v, 1, "%s: the write is done: the counter is 1", how);
	tracer_get_regs(t, 0, &r0);
	r1 = r0;
	r1.r11 ^= 0x5eed;
	tracer_set_regs(t, 0, &r1);
	tracer_get_regs(t, 0, &r1);
	is_int((long)(r1.r11 ^ r0.r11), 0x5eed,
	       "%s: a register written is read back", how);
	tracer_set_regs(t, 0, &r0);
	tracer_step(t, 0, &st, &cause);
	tracer_get_regs(t, 0, &r1);
	ok(st.kind == TRACER_STOP_STEP && r1.rip == st.addr &&
	   r1.rip != r0.rip, "%s: after a step, the registers are the new "
	   "ones (rip 0x%llx)", how, (unsigned long long)r1.rip);
	tracer_kill(t);
	tracer_free(t);

	/* Running: a write watchpoint stops after each write, with the
	 * new value in memory, and the program's result is unchanged. */
	t = launch_watched(k, argv, emulated, "victim_counter",
			   TRACER_HW_WRITE, &slot, &counter);
	while (t && tracer_resume(t, &cause) >= 0 &&
	       tracer_wait(t, &st, &cause) == 1 &&
	       st.kind == TRACER_STOP_WATCH && n < 8) {
		tracer_read_mem(t, counter, &seen[n++], sizeof(long));
		stops += st.bp == slot && st.addr == counter;
	}
	ok(n == 3 && stops == 3 && seen[0] == 1 && seen[1] == 3 &&
	   seen[2] == 6, "%s: a running program stops after each of its 3 "
	   "writes (%d stops: %ld %ld %ld)", how, n, n > 0 ? seen[0] : 0,
	   n > 1 ? seen[1] : 0, n > 2 ? seen[2] : 0);
	ok(st.kind == TRACER_STOP_EXITED && st.status == 6,
	   "%s: and it ends as it would (status %d)", how, st.status);
	tracer_free(t);

	/* An access watchpoint stops at reads too: each `+=` reads the
	 * counter before it writes it. */
	n = 0;
	t = launch_watched(k, argv, emulated, "victim_counter",
			   TRACER_HW_ACCESS, &slot, &counter);
	while (t && tracer_resume(t, &cause) >= 0 &&
	       tracer_wait(t, &st, &cause) == 1 &&
	       st.kind == TRACER_STOP_WATCH && n < 50)
		n++;
	ok(n >= 6 && st.kind == TRACER_STOP_EXITED && st.status == 6,
	   "%s: an access watchpoint stops at reads and writes (%d stops), "
	   "the program ends as it would (status %d)", how, n, st.status);
	tracer_free(t);
}

/*
 * Emulated only: a syscall whose buffer is on a protected page runs as
 * it would (the page is lifted for it), and when it changes the watched
 * bytes the stop comes right after it.
 */
static void run_emulated_syscall(struct kmodel *k)
{
	const char *argv[] = { VICTIM, "1", "pipe", NULL };
	char *cause = NULL;
	struct tracer_stop st;
	uint64_t addr, buf;
	struct tracer *t;
	long v = 0;
	int slot, n = 0;

	/* The point of it: read() writes the page the watch protects. */
	kmodel_symbol_addr(k, "victim_buf", &buf);
	t = launch_watched(k, argv, true, "victim_counter", TRACER_HW_WRITE,
			   &slot, &addr);
	if (!ok((addr & ~4095ULL) == (buf & ~4095ULL), "emulated: victim_buf "
		"(0x%llx) shares victim_counter's page (0x%llx)",
		(unsigned long long)buf, (unsigned long long)addr))
		diag("the linker moved them apart: the next check tests "
		     "nothing");
	while (t && tracer_resume(t, &cause) >= 0 &&
	       tracer_wait(t, &st, &cause) == 1 &&
	       st.kind == TRACER_STOP_WATCH && n < 8)
		n++;
	ok(n == 1 && st.kind == TRACER_STOP_EXITED && st.status == 49,
	   "emulated: read() into the watched page works (status %d, 49 "
	   "expected; 99 or 7: the read failed), 1 stop (%d)", st.status, n);
	tracer_free(t);

	t = launch_watched(k, argv, true, "victim_buf", TRACER_HW_WRITE,
			   &slot, &addr);
	n = tracer_resume(t, &cause) >= 0 && tracer_wait(t, &st, &cause) == 1;
	tracer_read_mem(t, addr, &v, sizeof(v));
	ok(n && st.kind == TRACER_STOP_WATCH && st.bp == slot && v == 42,
	   "emulated: a syscall that writes the watched bytes stops right "
	   "after it (kind %d, value %ld)", st.kind, v);
	tracer_resume(t, &cause);
	tracer_wait(t, &st, &cause);
	ok(st.kind == TRACER_STOP_EXITED && st.status == 49,
	   "emulated: and the program ends as it would (status %d)",
	   st.status);
	tracer_free(t);
}

/*
 * Emulated only: a store that keeps faulting beside the watched bytes
 * is detoured (tracer/detour.c), so it stops faulting; the same store
 * instruction aimed at the watched bytes still stops right after it, in
 * the program's own code; the program's code reads as it was.
 */
static void run_emulated_detour(struct kmodel *k)
{
	const char *argv[] = { VICTIM, "500", "detour", NULL };
	struct tracer_pw_stats ps = { 0 };
	uint64_t addr, store, size = 0;
	uint8_t before[32], after[32];
	struct user_regs_struct r;
	char *cause = NULL;
	struct tracer_stop st;
	struct tracer *t;
	int slot, n;
	long v = 0;

	kmodel_function(k, "victim_store", &store, &size);
	t = launch_watched(k, argv, true, "victim_counter", TRACER_HW_WRITE,
			   &slot, &addr);
	tracer_read_mem(t, store, before, sizeof(before));
	n = tracer_resume(t, &cause) >= 0 && tracer_wait(t, &st, &cause) == 1;
	tracer_read_mem(t, addr, &v, sizeof(v));
	tracer_get_regs(t, 0, &r);
	tracer_hw_emulation_stats(t, &ps);
	ok(n && st.kind == TRACER_STOP_WATCH && st.bp == slot && v == 77,
	   "emulated, detoured: the store to the watched bytes stops (kind "
	   "%d, value %ld)", st.kind, v);
	ok(r.rip > store && r.rip < store + size,
	   "...right after it, in victim_store (rip 0x%llx, victim_store "
	   "0x%llx, %llu bytes)", (unsigned long long)r.rip,
	   (unsigned long long)store, (unsigned long long)size);
	ok(ps.detours >= 1 && ps.faults < 100,
	   "...the 500 stores beside it were detoured (%lu detours, %lu "
	   "faults)", ps.detours, ps.faults);
	tracer_read_mem(t, store, after, sizeof(after));
	ok(!memcmp(before, after, sizeof(before)),
	   "...and victim_store's code reads as it was at the stop");
	tracer_resume(t, &cause);
	tracer_wait(t, &st, &cause);
	ok(st.kind == TRACER_STOP_EXITED && st.status == (500 + 77) % 100,
	   "...the program ends as it would (status %d)", st.status);
	tracer_free(t);
}

static int cpus_of(pid_t pid)
{
	cpu_set_t set;

	return sched_getaffinity(pid, sizeof(set), &set) < 0 ? -1 :
	       CPU_COUNT(&set);
}

/* While a page is protected the process and the tracer keep to one CPU
 * (a fault's stop is cheaper so); both get their CPUs back after. */
static void run_emulated_pinning(struct kmodel *k)
{
	const char *argv[] = { VICTIM, "3", NULL };
	char *cause = NULL;
	int slot, mine = cpus_of(0), pinned_p, pinned_t, back_p, back_t;
	struct tracer_stop st;
	uint64_t addr, target;
	struct tracer *t;

	t = launch_watched(k, argv, true, "victim_counter", TRACER_HW_WRITE,
			   &slot, &addr);
	kmodel_symbol_addr(k, "victim_target", &target);
	tracer_bp_insert(t, target, &cause);
	tracer_resume(t, &cause);
	tracer_wait(t, &st, &cause);
	pinned_p = cpus_of(tracer_pid(t));
	pinned_t = cpus_of(0);
	tracer_hw_remove_slot(t, slot);
	tracer_resume(t, &cause);
	tracer_wait(t, &st, &cause);
	back_p = cpus_of(tracer_pid(t));
	back_t = cpus_of(0);
	ok(st.kind == TRACER_STOP_BREAKPOINT && pinned_p == 1 &&
	   pinned_t == 1 && back_p == mine && back_t == mine,
	   "emulated: process and tracer on 1 CPU while a page is protected "
	   "(%d, %d), on %d again after (%d, %d)", pinned_p, pinned_t, mine,
	   back_p, back_t);
	tracer_free(t);
}

#define STEP_MAX 400

/*
 * Step victim_steps (tests/helpers/victim.c) from its start to
 * victim_steps_end, by int3 where tracer/softstep.c can (soft) or all by
 * the trap flag: each step's registers in out[], their count; -1 when
 * it went wrong.
 */
static int step_victim(struct kmodel *k, bool soft, struct user_regs_struct *out,
		       unsigned long *by_int3, unsigned long *by_trap)
{
	const char *argv[] = { VICTIM, "1", "i", NULL };
	uint64_t start, end;
	char *cause = NULL;
	struct tracer_stop st;
	struct tracer *t = launch(argv, true, &cause);
	int n = 0, r;

	if (!t || kmodel_symbol_addr(k, "victim_steps", &start) < 0 ||
	    kmodel_symbol_addr(k, "victim_steps_end", &end) < 0)
		return -1;
	t->soft_off = !soft;
	tracer_bp_insert(t, start, &cause);
	if (tracer_resume(t, &cause) < 0 || tracer_wait(t, &st, &cause) != 1 ||
	    st.kind != TRACER_STOP_BREAKPOINT)
		goto fail;
	while (n < STEP_MAX) {
		r = tracer_step(t, 0, &st, &cause);
		if (r == 0)	/* into a syscall (rt_sigreturn): waited for */
			r = tracer_wait(t, &st, &cause);
		if (r != 1 || st.kind != TRACER_STOP_STEP ||
		    tracer_get_regs(t, st.tid, &out[n]) < 0)
			goto fail;
		if (out[n++].rip == end)
			break;
	}
	*by_int3 = t->soft_steps;
	*by_trap = t->trap_steps;
	tracer_free(t);
	return n;
fail:
	diag("stepping victim_steps: step %d, stop kind %d: %s", n, st.kind,
	     cause ? cause : "");
	free(cause);
	tracer_free(t);
	return -1;
}

/* Steps by int3 go where steps by the trap flag go, register for
 * register, over every kind of instruction the victim has. */
static void run_soft_steps(struct kmodel *k)
{
	static struct user_regs_struct soft[STEP_MAX], trap[STEP_MAX];
	unsigned long s_int3 = 0, s_trap = 0, t_int3 = 0, t_trap = 0;
	int ns = step_victim(k, true, soft, &s_int3, &s_trap);
	int nt = step_victim(k, false, trap, &t_int3, &t_trap);
	int same = 0, i;

	ok(nt > 20 && nt < STEP_MAX,
	   "victim_steps stepped to its end by the trap flag (%d steps)", nt);
	for (i = 0; i < ns && i < nt; i++) {
		if (memcmp(&soft[i], &trap[i], sizeof(soft[i]))) {
			const unsigned long long *a = (const void *)&soft[i],
						 *b = (const void *)&trap[i];
			size_t f;

			diag("step %d: rip 0x%llx by int3, 0x%llx by the trap "
			     "flag", i, soft[i].rip, trap[i].rip);
			for (f = 0; f < sizeof(soft[i]) / sizeof(*a); f++)
				if (a[f] != b[f])
					diag("  register %zu of user_regs_struct: "
					     "0x%llx, 0x%llx", f, a[f], b[f]);
			break;
		}
		same++;
	}
	ok(ns == nt && same == nt,
	   "the same registers at each of %d steps by int3 (%d alike of %d)",
	   nt, same, ns);
	ok(s_int3 > 20 && s_trap >= 7,
	   "by int3 where it can (%lu), the trap flag for rep movsb, a read "
	   "of the next instruction and a fault (%lu)", s_int3, s_trap);
	ok(t_int3 == 0 && t_trap >= (unsigned long)nt,
	   "soft_off: none by int3 (%lu), all by the trap flag (%lu)",
	   t_int3, t_trap);
}

int main(void)
{
	char *cause = NULL;
	struct kmodel *k;
	struct tracer *t;
	struct tracer_stop st;

	plan(26 + 2 * WATCH_TESTS + 4 + 5 + 1 + 1 + 4);
	if (kmodel_open(VICTIM, KMODEL_ANY_ELF, &k, &cause) < 0) {
		diag("%s", cause);
		return 1;
	}
	run_breakpoints(k, false);
	run_breakpoints(k, true);

	{
		const char *argv[] = { VICTIM, "1", "abort", NULL };

		t = launch(argv, true, &cause);
		tracer_resume(t, &cause);
		tracer_wait(t, &st, &cause);
		ok(st.kind == TRACER_STOP_SIGNAL && st.signo == SIGABRT,
		   "SIGABRT stops the run");
		tracer_resume(t, &cause);
		tracer_wait(t, &st, &cause);
		ok(st.kind == TRACER_STOP_KILLED && st.signo == SIGABRT,
		   "resuming delivers it: killed by SIGABRT");
		tracer_free(t);
	}
	{
		const char *argv[] = { VICTIM, "1", "sleep", NULL };
		int r;

		t = launch(argv, true, &cause);
		tracer_resume(t, &cause);
		usleep(100000);
		ok(tracer_interrupt(t) == 0, "interrupt a sleeping program");
		r = tracer_wait(t, &st, &cause);
		ok(r == 1 && st.kind == TRACER_STOP_INTERRUPT,
		   "interrupt reported as a stop");
		tracer_kill(t);
		ok(!tracer_is_alive(t), "kill ends it");
		tracer_free(t);
	}
	{
		/* Threads created while traced, several hitting one
		 * breakpoint at once: every hit is reported, none lost. */
		const char *argv[] = { VICTIM, "8", "threads", NULL };
		uint64_t target;
		int hits = 0;

		t = launch(argv, true, &cause);
		kmodel_symbol_addr(k, "victim_target", &target);
		tracer_bp_insert(t, target, &cause);
		tracer_resume(t, &cause);
		while (tracer_wait(t, &st, &cause) == 1 &&
		       st.kind == TRACER_STOP_BREAKPOINT) {
			hits++;
			tracer_resume(t, &cause);
		}
		is_int(hits, 8, "8 threads: 8 breakpoint hits");
		ok(st.kind == TRACER_STOP_EXITED && st.status == 8,
		   "and all 8 threads run through (status %d)", st.status);
		tracer_free(t);
	}
	{
		char *why = NULL;
		int traps = tracer_probe_debug_registers(&why);

		diag("debug registers: %s", traps == 1 ? "they trap" : why);
		if (traps == 1)
			run_watch(k, false);
		else
			for (int i = 0; i < WATCH_TESTS; i++)
				skip(why);
		run_watch(k, true);
		free(why);
	}
	run_emulated_syscall(k);
	run_emulated_detour(k);
	run_emulated_pinning(k);
	run_decode();
	run_soft_steps(k);
	{
		const char *argv[] = { "/nonexistent/prog", NULL };

		t = launch(argv, false, &cause);
		ok(t == NULL && cause &&
		   strstr(cause, "cannot execute '/nonexistent/prog'"),
		   "launch error names the program (%s)", cause);
		free(cause);
	}
	kmodel_free(k);
	return done_testing();
}
