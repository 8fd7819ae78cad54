/*
 * tracer/inject.c - syscalls the tracer makes the traced process run.
 *
 * The emulated watchpoints (pagewatch.c) change page protections and
 * install seccomp filters, and the store detours (detour.c) map their
 * trampolines and aliases, all from inside the stopped kernel process:
 * its registers are saved, it is pointed at a `syscall` instruction
 * found in its own text (the gadget), single-stepped through it, and its
 * registers are put back.  A thread stopped inside a syscall keeps it.
 *
 * Owns: t->gadget.  Every function wants the thread stopped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "internal.h"

static bool gadget_usable(struct tracer *t, uint64_t a)
{
	struct tracer_bp *b0 = tracer_bp_at(t, a), *b1 = tracer_bp_at(t, a + 1);

	return !(b0 && b0->inserted) && !(b1 && b1->inserted);
}

/* A `syscall` instruction (0f 05) in executable memory, not under one
 * of our breakpoints.  The bytes need not start an instruction of the
 * program: the process jumps straight to them. */
static int find_gadget(struct tracer *t)
{
	char path[64], line[512], perms[8];
	unsigned long long lo, hi;
	const size_t chunk = 65536;
	uint8_t *buf;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	buf = xmalloc(chunk);
	t->gadget = 0;
	while (!t->gadget && fgets(line, sizeof(line), f)) {
		uint64_t a;

		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) != 3 ||
		    perms[2] != 'x')
			continue;
		/* chunks overlap by a byte: a pair may straddle two */
		for (a = lo; a < hi && !t->gadget; a += chunk - 1) {
			size_t want = hi - a < chunk ? hi - a : chunk;
			ssize_t n = tracer_raw_read(t, a, buf, want), i;

			for (i = 0; i + 1 < n; i++)
				if (buf[i] == 0x0f && buf[i + 1] == 0x05 &&
				    gadget_usable(t, a + i)) {
					t->gadget = a + i;
					break;
				}
		}
	}
	fclose(f);
	free(buf);
	LOG("tracer", "syscall gadget at 0x%llx",
	    (unsigned long long)t->gadget);
	return t->gadget ? 0 : -ENOEXEC;
}

/* ---- syscalls the tracer makes the process run ---------------------- */

/* The process died under us: what the next pump reports. */
int tracer_died(struct tracer *t, pid_t tid, int status)
{
	if (tid != t->pid) {
		tracer_thread_del(t, tid);
		return -ESRCH;
	}
	tracer_main_gone(t, status, &t->pending);
	t->stop_pending = true;
	return -ESRCH;
}

/*
 * Run syscall nr(a[0], ..., a[5]) in stopped thread tid and put its
 * registers back.  Returns the syscall's result, or -ESRCH when the
 * process died.  Asynchronous signals that arrive go to *later.
 */
long tracer_inject6(struct tracer *t, pid_t tid, long nr, const uint64_t a[6],
		    sigset_t *later)
{
	struct user_regs_struct saved, r;
	int status, sig, op = tracer_syscall_stop_kind(tid);
	long ret = -EIO;

	if ((!t->gadget || !gadget_usable(t, t->gadget)) &&
	    find_gadget(t) < 0)
		return -ENOEXEC;
	t->pw_stats.injected++;
	if (tracer_gpr_get(t, tid, &saved) < 0)
		return -ESRCH;
	if (op < 0 && saved.orig_rax != (uint64_t)-1 &&
	    saved.rax == (uint64_t)-ENOSYS) {
		/*
		 * An event stop inside a syscall (the exec stop): its return
		 * would overwrite our rax.  Let it return first; a step
		 * from there traps at its exit, before any instruction.
		 */
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0 ||
		    tracer_waitpid(tid, &status) < 0)
			return -ESRCH;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return tracer_died(t, tid, status);
		tracer_gpr_drop(t, tid);
		if (tracer_gpr_get(t, tid, &saved) < 0)
			return -ESRCH;
	}
	r = saved;
	r.rip = t->gadget;
	r.rax = (uint64_t)nr;
	/* No restart of a syscall the thread was interrupted in, and a
	 * syscall it is stopped at the entry of does not run. */
	r.orig_rax = (uint64_t)-1;
	r.rdi = a[0];
	r.rsi = a[1];
	r.rdx = a[2];
	r.r10 = a[3];
	r.r8 = a[4];
	r.r9 = a[5];
	if (tracer_gpr_set(t, tid, &r) < 0)
		return -ESRCH;
	for (;;) {
		tracer_gpr_drop(t, tid);
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0)
			return -ESRCH;
		if (tracer_waitpid(tid, &status) < 0)
			return -ESRCH;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return tracer_died(t, tid, status);
		sig = WSTOPSIG(status);
		if (status >> 16)	/* a seccomp stop: let it run */
			continue;
		if (sig == SIGTRAP) {
			if (tracer_gpr_get(t, tid, &r) < 0)
				return -ESRCH;
			/* From an entry stop the first trap comes before the
			 * process is back at the gadget. */
			if (r.rip == t->gadget)
				continue;
			ret = (long)r.rax;
			break;
		}
		if (tracer_is_async_signal(sig)) {
			sigaddset(later, sig);
			continue;
		}
		LOG("tracer", "injected syscall %ld: signal %d", nr, sig);
		ret = -EFAULT;
		break;
	}
	if ((op == TRACER_SYS_ENTRY || op == TRACER_SYS_SECCOMP) &&
	    saved.orig_rax != (uint64_t)-1) {
		/* It was stopped entering a syscall, which did not run:
		 * back onto the instruction, so it is made again. */
		saved.rip -= 2;
		saved.rax = saved.orig_rax;
	}
	if (tracer_gpr_set(t, tid, &saved) < 0)
		return -ESRCH;
	return ret;
}

long tracer_inject(struct tracer *t, pid_t tid, long nr, uint64_t a0,
		   uint64_t a1, uint64_t a2, sigset_t *later)
{
	const uint64_t a[6] = { a0, a1, a2 };

	return tracer_inject6(t, tid, nr, a, later);
}
