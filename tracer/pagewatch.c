/*
 * tracer/pagewatch.c - watchpoints where the debug registers do not trap.
 *
 * Some hosts (hypervisors that do not virtualise DR0-DR7) accept the
 * debug registers through PTRACE_POKEUSER and never trap on them.  There
 * the tracer watches data by page protection in the traced process:
 * the page holding the watched bytes loses write permission (a write
 * point) or all permission (an access point); the SIGSEGV that follows
 * an access is taken at its ptrace stop, before the process ever sees
 * it; the instruction is run once with the protection lifted, the
 * protection is put back, and the access is judged: a point fires when
 * its bytes changed or the faulting address overlaps them, and the stop
 * is reported exactly where a debug register would have reported it
 * (after the instruction).  Execute points become software breakpoints.
 *
 * The protection is changed by syscalls the tracer makes the process
 * run (an mprotect on a `syscall` instruction found in its own text,
 * its registers saved and restored around it).  The process's own
 * syscalls that write into a protected page would fail with EFAULT
 * instead of faulting: a seccomp filter, installed the same way, stops
 * the syscalls that take a pointer near a protected page, and those run
 * with the protection lifted and are judged at their exit.
 *
 * Owns: t->pw_pages (each with the protection it had), the
 * seccomp windows.  Invariants: a page is in pw_pages while an emulated
 * data point lies in it; outside the functions here (which all run with
 * the process stopped) every page in pw_pages has its `prot` applied.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define PAGE 4096ULL
#define PAGE_OF(a) ((a) & ~(PAGE - 1))
/* A buffer that starts this far before a protected page may reach it. */
#define PW_SLACK (64ULL << 10)
/* How far before a watched byte an access may start and still touch it
 * (the widest ordinary scalar access is 8 bytes). */
#define PW_REACH 7

/* ---- the process's memory map ------------------------------------------ */

/* The protection of the mapping holding addr (PROT_*), or -EFAULT. */
static int maps_prot(pid_t pid, uint64_t addr)
{
	char path[64], line[512], perms[8];
	unsigned long long lo, hi;
	FILE *f;
	int prot = -EFAULT;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) != 3 ||
		    addr < lo || addr >= hi)
			continue;
		prot = (perms[0] == 'r' ? PROT_READ : 0) |
		       (perms[1] == 'w' ? PROT_WRITE : 0) |
		       (perms[2] == 'x' ? PROT_EXEC : 0);
		break;
	}
	fclose(f);
	return prot;
}

/* A stopped thread to run our syscalls in: the last stop's if it can. */
static pid_t some_stopped(struct tracer *t)
{
	struct tracer_thread *th = tracer_thread_find(t, t->last_tid);
	int i;

	if (th && th->stopped)
		return th->tid;
	for (i = 0; i < t->nthreads; i++)
		if (t->threads[i].stopped)
			return t->threads[i].tid;
	return 0;
}

static int mprotect_in(struct tracer *t, pid_t tid, uint64_t page, int prot,
		       sigset_t *later)
{
	long r = tracer_inject(t, tid, SYS_mprotect, page, PAGE, (uint64_t)prot,
			later);

	if (r < 0)
		LOG("tracer", "mprotect(0x%llx, %d) in %d: %ld",
		    (unsigned long long)page, prot, tid, r);
	return r < 0 ? (int)r : 0;
}

static int protect_in(struct tracer *t, pid_t tid, bool on, sigset_t *later)
{
	int i, err;

	for (i = 0; i < t->pw_npages; i++) {
		struct pw_page *p = &t->pw_pages[i];

		err = mprotect_in(t, tid, p->addr, on ? p->prot : p->orig_prot,
				  later);
		if (err < 0)
			return err;
	}
	t->pw_lifted = !on;
	return 0;
}

int pw_protect(struct tracer *t, bool on)
{
	pid_t tid = some_stopped(t);
	sigset_t later;
	int err;

	if (!tid || !t->pw_npages || t->pw_lifted == !on)
		return 0;
	sigemptyset(&later);
	err = protect_in(t, tid, on, &later);
	tracer_reraise(t, tid, &later);
	return err;
}

bool pw_owns(const struct tracer *t, uint64_t addr)
{
	int i;

	for (i = 0; i < t->pw_npages; i++)
		if (t->pw_pages[i].addr == PAGE_OF(addr))
			return true;
	return false;
}

int pw_check(struct tracer *t, uint64_t addr)
{
	int prot = maps_prot(t->pid, addr);

	return prot < 0 ? prot : 0;
}

void tracer_hw_emulation_stats(const struct tracer *t,
			       struct tracer_pw_stats *out)
{
	*out = t->pw_stats;
}

/* ---- one CPU for the tracer and the process ----------------------------- */

/*
 * Each emulated access costs a ptrace stop: the process stops, the
 * tracer wakes, the process is woken again.  On a virtual machine a
 * wakeup on another CPU is dear (an IPI through the hypervisor): with
 * the two on one CPU a stop costs about half as much.  So while pages
 * are protected the tracer and the process's threads run on the CPU
 * the tracer is on, as rr does for the same reason; the process gets
 * its CPUs back when the last page goes.  A single-step is a stop too:
 * from a step to the next resume they keep to one CPU as well
 * (tracer_pin_steps; about 3.5x the steps a second on our VMs).  The
 * tracer's own CPUs are the program's, shared by every tracer it holds
 * (a relaunch overlaps two).
 */
static cpu_set_t own_cpus;
static int own_pins;

static void pin_threads(struct tracer *t, const cpu_set_t *set)
{
	int i;

	for (i = 0; i < t->nthreads; i++)
		sched_setaffinity(t->threads[i].tid, sizeof(*set), set);
}

static void pin_apply(struct tracer *t, bool on)
{
	cpu_set_t one;
	int cpu;

	if (on == t->pw_pinned)
		return;
	if (!on) {
		if (t->alive)
			pin_threads(t, &t->pw_cpus);
		t->pw_pinned = false;
		if (--own_pins == 0)
			sched_setaffinity(0, sizeof(own_cpus), &own_cpus);
		return;
	}
	cpu = sched_getcpu();
	if (cpu < 0 || sched_getaffinity(t->pid, sizeof(t->pw_cpus),
					 &t->pw_cpus) < 0)
		return;
	if (own_pins == 0 &&
	    sched_getaffinity(0, sizeof(own_cpus), &own_cpus) < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (own_pins == 0 && sched_setaffinity(0, sizeof(one), &one) < 0) {
		LOG("tracer", "cannot keep to CPU %d: %s", cpu, errstr(errno));
		return;
	}
	own_pins++;
	pin_threads(t, &one);
	t->pw_pinned = true;
}

void pw_pin(struct tracer *t, bool on)
{
	t->pw_want_pin = on;
	pin_apply(t, t->pw_want_pin || t->step_pin);
}

void tracer_pin_steps(struct tracer *t, bool on)
{
	if (on == t->step_pin && on == t->pw_pinned)
		return;
	t->step_pin = on;
	pin_apply(t, t->pw_want_pin || t->step_pin);
}

void pw_reset(struct tracer *t)
{
	t->step_pin = false;
	pw_pin(t, false);
	dt_reset(t);
	t->pw_npages = 0;
	t->pw_lifted = false;
	t->pw_nwin = 0;
	t->gadget = 0;
}

/* ---- the seccomp filter for syscalls with buffers ------------------------ */

/*
 * Syscalls of a UML kernel process that may write through a pointer
 * argument.  mmap, munmap, mprotect, kill and getpid are left out on
 * purpose: UML's userspace processes inherit the filter and make those
 * (with guest addresses), and UML traces them without
 * PTRACE_O_TRACESECCOMP, so a TRACE verdict would fail them with ENOSYS.
 */
static const int pw_buffer_syscalls[] = {
	SYS_read, SYS_pread64, SYS_readv, SYS_preadv, SYS_preadv2,
	SYS_ptrace, SYS_wait4, SYS_waitid, SYS_rt_sigprocmask,
	SYS_rt_sigaction, SYS_rt_sigpending, SYS_rt_sigtimedwait,
	SYS_sigaltstack, SYS_clock_gettime, SYS_clock_getres,
	SYS_gettimeofday, SYS_time, SYS_nanosleep, SYS_clock_nanosleep,
	SYS_getrandom, SYS_uname, SYS_sysinfo, SYS_fstat, SYS_newfstatat,
	SYS_stat, SYS_lstat, SYS_statx, SYS_statfs, SYS_fstatfs,
	SYS_readlink, SYS_readlinkat, SYS_getdents64, SYS_epoll_wait,
	SYS_epoll_pwait, SYS_poll, SYS_ppoll, SYS_select, SYS_pselect6,
	SYS_pipe, SYS_pipe2, SYS_socketpair, SYS_recvfrom, SYS_recvmsg,
	SYS_getcwd, SYS_ioctl, SYS_getrlimit, SYS_prlimit64,
	SYS_timer_create, SYS_timer_gettime, SYS_timer_settime,
	SYS_getitimer, SYS_setitimer, SYS_process_vm_readv, SYS_arch_prctl,
	SYS_prctl, SYS_times, SYS_getrusage, SYS_sched_getaffinity,
	SYS_getsockname, SYS_getsockopt, SYS_accept, SYS_accept4,
	SYS_timerfd_gettime, SYS_timerfd_settime, SYS_futex, SYS_fcntl,
};
#define NBUF (sizeof(pw_buffer_syscalls) / sizeof(pw_buffer_syscalls[0]))

/* The windows a filter needs: [page - slack, page end) per page,
 * merged. */
static int wanted_windows(const struct tracer *t, uint64_t win[][2])
{
	int i, j, n = 0;

	for (i = 0; i < t->pw_npages; i++) {
		uint64_t lo = t->pw_pages[i].addr > PW_SLACK ?
			      t->pw_pages[i].addr - PW_SLACK : 0;
		uint64_t hi = t->pw_pages[i].addr + PAGE;

		for (j = 0; j < n; j++)
			if (lo <= win[j][1] && hi >= win[j][0])
				break;
		if (j < n) {
			win[j][0] = lo < win[j][0] ? lo : win[j][0];
			win[j][1] = hi > win[j][1] ? hi : win[j][1];
		} else {
			win[n][0] = lo;
			win[n][1] = hi;
			n++;
		}
	}
	return n;
}

/* Does an installed filter stop the syscalls window w needs (with
 * `readable` pages, only the ptrace requests that write)? */
static bool covered(const struct tracer *t, const uint64_t w[2],
		    bool readable)
{
	int i;

	for (i = 0; i < t->pw_nwin; i++)
		if (t->pw_win[i][0] <= w[0] && w[1] <= t->pw_win[i][1] &&
		    (readable || !t->pw_win_readable[i]))
			return true;
	return false;
}

#define FILTER_MAX (4 + NBUF + 2 + 1 + NPT + 1 + 6 * PW_MAX_PAGES * 5 + 2)
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (ARG_LO(i) + 4)

/*
 * ptrace requests that write through their data pointer.  With only
 * write points (every protected page still readable), the others
 * (SETREGS from UML's static syscall_regs, say) need no lifting.
 */
static const uint32_t pw_ptrace_writes[] = {
	PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_PEEKUSER, PTRACE_GETREGS,
	PTRACE_GETFPREGS, PTRACE_GETFPXREGS, PTRACE_GETEVENTMSG,
	PTRACE_GETSIGINFO, PTRACE_GETREGSET, PTRACE_PEEKSIGINFO,
	PTRACE_GETSIGMASK, PTRACE_GET_SYSCALL_INFO,
};
#define NPT (sizeof(pw_ptrace_writes) / sizeof(pw_ptrace_writes[0]))

static struct sock_filter jump_to(uint32_t k, size_t at, size_t target)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k,
					    (uint8_t)(target - at - 1), 0);
}

/*
 * A filter that says TRACE for a listed syscall with an argument in one
 * of the windows, ALLOW for everything else.  Windows must not cross a
 * 4 GiB boundary (the filter compares 32-bit halves); one that does is
 * widened to the whole 4 GiB block of its end.
 */
static size_t build_filter(struct sock_filter *f, uint64_t win[][2], int nwin,
			   bool readable)
{
	size_t n = 0, i, checks = 6 * (size_t)nwin * 5, nsys = 0, args, pt;
	int a, w;

	for (i = 0; i < NBUF; i++)
		nsys += !(readable && pw_buffer_syscalls[i] == SYS_ptrace);
	/* layout: 4 header, nsys jumps (+1 to the ptrace block), ALLOW,
	 * the ptrace block (load, NPT jumps, ALLOW), the checks */
	pt = 4 + nsys + (readable ? 1 : 0) + 1;
	args = readable ? pt + 1 + NPT + 1 : pt;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr));
	for (i = 0; i < NBUF; i++)
		if (!(readable && pw_buffer_syscalls[i] == SYS_ptrace)) {
			f[n] = jump_to((uint32_t)pw_buffer_syscalls[i], n,
				       args);
			n++;
		}
	if (readable) {
		f[n] = jump_to(SYS_ptrace, n, pt);
		n++;
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW);
	if (readable) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			ARG_LO(0));
		for (i = 0; i < NPT; i++) {
			f[n] = jump_to(pw_ptrace_writes[i], n, args);
			n++;
		}
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
			SECCOMP_RET_ALLOW);
	}
	BUG_ON(n != args);
	/* Each check is 5 instructions: high half equal, low half in
	 * [lo, hi); a match jumps to TRACE at the end, past the ALLOW. */
	for (a = 0; a < 6; a++)
		for (w = 0; w < nwin; w++) {
			uint32_t hi32 = (uint32_t)((win[w][1] - 1) >> 32);
			uint32_t lo = (win[w][0] >> 32) == hi32 ?
				      (uint32_t)win[w][0] : 0;
			uint32_t hi = (uint32_t)(win[w][1] - 1);
			size_t left = checks - (size_t)(a * nwin + w) * 5;

			f[n++] = (struct sock_filter)BPF_STMT(
				BPF_LD | BPF_W | BPF_ABS, ARG_HI(a));
			f[n++] = (struct sock_filter)BPF_JUMP(
				BPF_JMP | BPF_JEQ | BPF_K, hi32, 0, 3);
			f[n++] = (struct sock_filter)BPF_STMT(
				BPF_LD | BPF_W | BPF_ABS, ARG_LO(a));
			f[n++] = (struct sock_filter)BPF_JUMP(
				BPF_JMP | BPF_JGE | BPF_K, lo, 0, 1);
			/* lo <= x: then x <= hi goes to TRACE */
			f[n++] = (struct sock_filter)BPF_JUMP(
				BPF_JMP | BPF_JGT | BPF_K, hi, 0,
				(uint8_t)(left - 5 + 1));
		}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_TRACE | 0x5057);
	return n;
}

/*
 * Install a filter for the windows not covered yet.  The program goes
 * on the thread's stack, below the red zone, where nothing lives while
 * the thread is stopped.
 */
static int filter_sync(struct tracer *t, pid_t tid, sigset_t *later)
{
	uint64_t win[PW_MAX_PAGES][2];
	struct sock_filter prog[FILTER_MAX];
	struct {
		uint64_t len;		/* unsigned short + padding */
		uint64_t filter;
	} fprog;
	struct user_regs_struct r;
	uint64_t at;
	int i, nwin = wanted_windows(t, win);
	bool need = false, readable = true;
	size_t n;
	long ret;

	for (i = 0; i < t->pw_npages; i++)
		readable &= !!(t->pw_pages[i].prot & PROT_READ);
	for (i = 0; i < nwin; i++)
		need |= !covered(t, win[i], readable);
	if (!need || t->pw_filter_failed)
		return 0;
	if (t->pw_nwin + nwin > PW_MAX_WINDOWS) {
		LOG("tracer", "too many seccomp filters; no more");
		t->pw_filter_failed = true;
		return -ENOSPC;
	}
	n = build_filter(prog, win, nwin, readable);
	if (tracer_gpr_get(t, tid, &r) < 0)
		return -ESRCH;
	at = (r.rsp - 128 - sizeof(prog) - sizeof(fprog)) & ~15ULL;
	fprog.len = n;
	fprog.filter = at + sizeof(fprog);
	if (tracer_raw_write(t, at, &fprog, sizeof(fprog)) !=
	    (ssize_t)sizeof(fprog) ||
	    tracer_raw_write(t, at + sizeof(fprog), prog,
			     n * sizeof(prog[0])) !=
	    (ssize_t)(n * sizeof(prog[0])))
		return -EFAULT;
	ret = tracer_inject(t, tid, SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_TSYNC, at,
		     later);
	if (ret < 0) {
		LOG("tracer", "seccomp in %d: %ld", tid, ret);
		t->pw_filter_failed = true;
		return (int)ret;
	}
	for (i = 0; i < nwin; i++) {
		t->pw_win[t->pw_nwin][0] = win[i][0];
		t->pw_win[t->pw_nwin][1] = win[i][1];
		t->pw_win_readable[t->pw_nwin] = readable;
		t->pw_nwin++;
	}
	return 0;
}

/* ---- arming, faults, judging ----------------------------------------- */

static void note_seen(struct tracer *t)
{
	int i;

	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].kind != TRACER_HW_EXEC)
			tracer_raw_read(t, t->hw[i].addr, t->hw[i].seen,
					(size_t)t->hw[i].len);
}

/* The protection page p should have now; -1 when no point wants it. */
static int wanted_prot(const struct tracer *t, const struct pw_page *p)
{
	int i, prot = -1;

	for (i = 0; i < 4; i++) {
		const struct tracer_hw *h = &t->hw[i];
		int want;

		if (!h->used || h->kind == TRACER_HW_EXEC ||
		    PAGE_OF(h->addr) != p->addr)
			continue;
		want = h->kind == TRACER_HW_WRITE ?
		       p->orig_prot & ~PROT_WRITE : PROT_NONE;
		prot = prot < 0 ? want : prot & want;
	}
	return prot;
}

int pw_sync(struct tracer *t)
{
	pid_t tid = some_stopped(t);
	sigset_t later;
	int i, j, err = 0;

	if (!tid)
		return 0;
	sigemptyset(&later);
	t->pw_unmapped = false;
	/* New pages. */
	for (i = 0; i < 4; i++) {
		const struct tracer_hw *h = &t->hw[i];
		int prot;

		if (!h->used || h->kind == TRACER_HW_EXEC ||
		    pw_owns(t, h->addr) || t->pw_npages == PW_MAX_PAGES)
			continue;
		prot = maps_prot(t->pid, h->addr);
		if (prot < 0) {
			LOG("tracer", "0x%llx is not mapped: not watched yet",
			    (unsigned long long)h->addr);
			t->pw_unmapped = true;
			continue;
		}
		t->pw_pages[t->pw_npages++] = (struct pw_page){
			PAGE_OF(h->addr), prot, prot };
	}
	/* Each page as its points want it; pages no point wants go. */
	for (i = 0, j = 0; i < t->pw_npages; i++) {
		struct pw_page p = t->pw_pages[i];
		int want = wanted_prot(t, &p);

		if (want < 0)
			want = p.orig_prot;
		if (want != p.prot || t->pw_lifted)
			err = mprotect_in(t, tid, p.addr, want, &later);
		if (err == -ESRCH)
			break;
		p.prot = want;
		if (wanted_prot(t, &p) >= 0)
			t->pw_pages[j++] = p;
	}
	if (err != -ESRCH) {
		t->pw_npages = j;
		t->pw_lifted = false;
		note_seen(t);
		if (t->pw_npages)
			filter_sync(t, tid, &later);
		pw_pin(t, t->pw_npages > 0);
	}
	tracer_reraise(t, tid, &later);
	return err;
}

/*
 * Did the access at fault_addr (0: a syscall's) set off a data point?
 * Its slot, or -1.  A point fires when its bytes changed, or when the
 * access began within reach of them (a write of the same value, a read);
 * a write point only for a write, which is certain when its page was
 * readable.
 */
static int judge(struct tracer *t, uint64_t fault_addr)
{
	int i, fired = -1;

	for (i = 0; i < 4; i++) {
		struct tracer_hw *h = &t->hw[i];
		uint8_t now[8], was[8];
		bool changed, near;
		int prot = -1, j;

		if (!h->used || h->kind == TRACER_HW_EXEC)
			continue;
		if (tracer_raw_read(t, h->addr, now, (size_t)h->len) !=
		    h->len)
			continue;
		changed = memcmp(now, h->seen, (size_t)h->len) != 0;
		memcpy(was, h->seen, sizeof(was));
		memcpy(h->seen, now, (size_t)h->len);
		near = fault_addr && fault_addr + PW_REACH >= h->addr &&
		       fault_addr < h->addr + (uint64_t)h->len;
		for (j = 0; j < t->pw_npages; j++)
			if (t->pw_pages[j].addr == PAGE_OF(fault_addr))
				prot = t->pw_pages[j].prot;
		if (near && h->kind == TRACER_HW_WRITE &&
		    !(prot & PROT_READ))
			near = false;	/* it may have been a read */
		if ((changed || near) && fired < 0) {
			fired = i;
			memcpy(h->before, was, sizeof(was));
			h->before_ok = true;
		}
	}
	return fired;
}

/* ---- plain stores, done here -------------------------------------------- */

/* A general register by its x86 number (0 rax ... 15 r15). */
static uint64_t *gpr(struct user_regs_struct *r, int n)
{
	switch (n) {
	case 0: return (uint64_t *)&r->rax;
	case 1: return (uint64_t *)&r->rcx;
	case 2: return (uint64_t *)&r->rdx;
	case 3: return (uint64_t *)&r->rbx;
	case 4: return (uint64_t *)&r->rsp;
	case 5: return (uint64_t *)&r->rbp;
	case 6: return (uint64_t *)&r->rsi;
	case 7: return (uint64_t *)&r->rdi;
	case 8: return (uint64_t *)&r->r8;
	case 9: return (uint64_t *)&r->r9;
	case 10: return (uint64_t *)&r->r10;
	case 11: return (uint64_t *)&r->r11;
	case 12: return (uint64_t *)&r->r12;
	case 13: return (uint64_t *)&r->r13;
	case 14: return (uint64_t *)&r->r14;
	default: return (uint64_t *)&r->r15;
	}
}

/*
 * Decode a MOV to memory (88, 89, C6 /0, C7 /0, with 66 and REX
 * prefixes, any ModRM/SIB/displacement or RIP-relative address) at the
 * start of insn: its address, size, value and length.  False for
 * anything else (those run lifted).  MOV changes no flags, so doing its
 * store here is all the instruction does.
 */
bool pw_decode_store(const uint8_t *insn, const struct user_regs_struct *r,
		     uint64_t *addr, int *size, uint64_t *value, int *len)
{
	struct user_regs_struct regs = *r;
	const uint8_t *p = insn;
	int rex = 0, opsize = 4, op, mod, reg, rm, idx, base, scale;
	int64_t disp = 0;
	bool imm;

	if (*p == 0x66) {
		opsize = 2;
		p++;
	}
	if ((*p & 0xf0) == 0x40)
		rex = *p++;
	op = *p++;
	if (op != 0x88 && op != 0x89 && op != 0xc6 && op != 0xc7)
		return false;
	if (rex & 8)
		opsize = 8;
	if (op == 0x88 || op == 0xc6)
		opsize = 1;
	imm = op == 0xc6 || op == 0xc7;
	mod = *p >> 6;
	reg = (*p >> 3 & 7) | (rex & 4 ? 8 : 0);
	rm = *p & 7;
	p++;
	if (mod == 3 || (imm && (reg & 7)))
		return false;	/* no memory operand, or not MOV */
	if (rm == 4) {		/* SIB */
		scale = 1 << (*p >> 6);
		idx = (*p >> 3 & 7) | (rex & 2 ? 8 : 0);
		base = (*p & 7) | (rex & 1 ? 8 : 0);
		p++;
		*addr = idx == 4 ? 0 : *gpr(&regs, idx) * (uint64_t)scale;
		if ((base & 7) == 5 && mod == 0) {
			memcpy(&disp, p, 4);
			disp = (int32_t)disp;
			p += 4;
		} else {
			*addr += *gpr(&regs, base);
		}
	} else if (rm == 5 && mod == 0) {	/* RIP-relative */
		int32_t d;

		memcpy(&d, p, 4);
		p += 4;
		disp = d;
		*addr = 0;	/* the next rip is added below */
	} else {
		*addr = *gpr(&regs, rm | (rex & 1 ? 8 : 0));
	}
	if (mod == 1) {
		disp = (int8_t)*p++;
	} else if (mod == 2) {
		int32_t d;

		memcpy(&d, p, 4);
		p += 4;
		disp = d;
	}
	if (imm) {
		int32_t v = 0;

		memcpy(&v, p, opsize == 1 ? 1 : opsize == 2 ? 2 : 4);
		p += opsize == 1 ? 1 : opsize == 2 ? 2 : 4;
		*value = opsize == 1 ? (uint8_t)v : opsize == 2 ?
			 (uint16_t)v : (uint64_t)(int64_t)v;
	} else if (opsize == 1 && !rex && reg >= 4 && reg < 8) {
		*value = *gpr(&regs, reg - 4) >> 8;	/* ah, ch, dh, bh */
	} else {
		*value = *gpr(&regs, reg);
	}
	*len = (int)(p - insn);
	if (rm == 5 && mod == 0)
		*addr = r->rip + (uint64_t)*len;
	*addr += (uint64_t)disp;
	*size = opsize;
	return true;
}

/*
 * Do the faulting instruction's store here when it is a plain MOV into
 * a page we protect (the common case by far: UML's interrupt flags share
 * pages with many variables), then move the thread past it: no
 * protection is lifted and nothing is stepped.  True when done;
 * *touched: the store overlaps a watched byte.
 */
static bool emulate_store(struct tracer *t, pid_t tid, uint64_t fault_addr,
			  bool *touched)
{
	struct user_regs_struct r;
	uint8_t insn[16];
	uint64_t addr, value;
	int size, len, i;

	if (tracer_gpr_get(t, tid, &r) < 0 ||
	    tracer_read_mem(t, r.rip, insn, sizeof(insn)) < 8 ||
	    !pw_decode_store(insn, &r, &addr, &size, &value, &len))
		return false;
	/* The store must be the fault's, whole in one page of ours. */
	if (fault_addr < addr || fault_addr >= addr + (uint64_t)size ||
	    PAGE_OF(addr) != PAGE_OF(addr + (uint64_t)size - 1) ||
	    !pw_owns(t, addr))
		return false;
	/* Little-endian: the low `size` bytes of value.  A shared page we
	 * made read-only refuses even this write: then it runs lifted. */
	if (tracer_raw_write(t, dt_alias_addr(t, addr), &value,
			     (size_t)size) != size)
		return false;
	/* From a trampoline's copy of a store: back after the original. */
	r.rip = dt_resume_pc(t, r.rip + (uint64_t)len);
	t->pw_last_pc = r.rip - (uint64_t)len;
	t->pw_last_ea = addr;
	t->pw_last_len = len;
	*touched = false;
	for (i = 0; i < 4; i++)
		*touched |= t->hw[i].used && t->hw[i].kind != TRACER_HW_EXEC &&
			    addr < t->hw[i].addr + (uint64_t)t->hw[i].len &&
			    t->hw[i].addr < addr + (uint64_t)size;
	return tracer_gpr_set(t, tid, &r) == 0;
}

int pw_step_fault(struct tracer *t, pid_t tid, uint64_t addr,
		  sigset_t *later, struct tracer_stop *stop)
{
	struct tracer_thread *th;
	int status, sig, err;
	bool touched;

	t->pw_stats.faults++;
	t->pw_last_pc = 0;
	if (emulate_store(t, tid, addr, &touched)) {
		t->pw_stats.emulated++;
		/* A store beside every watched byte changes none of them. */
		return touched ? judge(t, addr) : -1;
	}
	err = protect_in(t, tid, false, later);
	for (;;) {
		if (err < 0)
			break;
		tracer_gpr_drop(t, tid);
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0 ||
		    tracer_waitpid(tid, &status) < 0) {
			err = -ESRCH;
			break;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			err = tracer_died(t, tid, status);
			break;
		}
		sig = WSTOPSIG(status);
		if (status >> 16)
			continue;
		if (sig == SIGTRAP)
			break;
		if (tracer_is_async_signal(sig)) {
			sigaddset(later, sig);
			continue;
		}
		/* It faults elsewhere too (UML maps kernel pages lazily):
		 * UML takes that first, then the instruction runs again
		 * and faults here again. */
		th = tracer_thread_find(t, tid);
		if (th)
			th->pending_sig = sig;
		err = -EAGAIN;
		break;
	}
	if (err == -ESRCH) {
		if (!t->alive) {
			*stop = t->pending;
			t->stop_pending = false;
		}
		return -ESRCH;
	}
	if (protect_in(t, tid, true, later) == -ESRCH) {
		if (!t->alive) {
			*stop = t->pending;
			t->stop_pending = false;
		}
		return -ESRCH;
	}
	if (err != -EAGAIN) {
		struct user_regs_struct r;

		if (tracer_gpr_get(t, tid, &r) == 0 &&
		    dt_resume_pc(t, r.rip) != r.rip) {
			r.rip = dt_resume_pc(t, r.rip);
			tracer_gpr_set(t, tid, &r);
		}
	}
	return err == -EAGAIN ? -EAGAIN : judge(t, addr);
}

/* ---- syscalls with buffers near a protected page ------------------------- */

static bool near_protected(const struct tracer *t, uint64_t a)
{
	int i;

	for (i = 0; i < t->pw_npages; i++)
		if (a + PW_SLACK >= t->pw_pages[i].addr &&
		    a < t->pw_pages[i].addr + PAGE)
			return true;
	return false;
}

bool pw_syscall_entry(struct tracer *t, pid_t tid)
{
	struct tracer_thread *th = tracer_thread_find(t, tid);
	struct user_regs_struct r, lift;
	uint64_t args[6];
	int i, status;
	bool hit = false;
	sigset_t later;

	if (!th || !t->pw_npages || th->pw_in_syscall ||
	    tracer_gpr_get(t, tid, &r) < 0)
		return false;
	args[0] = r.rdi; args[1] = r.rsi; args[2] = r.rdx;
	args[3] = r.r10; args[4] = r.r8; args[5] = r.r9;
	for (i = 0; i < 6; i++)
		hit |= near_protected(t, args[i]);
	if (!hit)
		return false;
	/*
	 * Lift the protection with the syscall itself: it becomes
	 * mprotect(first page), the others are lifted at its exit, and
	 * the thread goes back onto its syscall instruction to make the
	 * real one, which comes back here with pw_in_syscall set.
	 */
	LOG("tracer", "syscall %lld (0x%llx, ...) of %d near a watched "
	    "page: lifted", (long long)r.orig_rax, (unsigned long long)r.rdi,
	    tid);
	t->pw_stats.lifted++;
	lift = r;
	lift.orig_rax = SYS_mprotect;
	lift.rdi = t->pw_pages[0].addr;
	lift.rsi = PAGE;
	lift.rdx = (uint64_t)t->pw_pages[0].orig_prot;
	if (tracer_gpr_set(t, tid, &lift) < 0 ||
	    ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0 ||
	    tracer_waitpid(tid, &status) < 0)
		return false;
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		tracer_died(t, tid, status);
		return false;
	}
	/* The exit stop of our mprotect (signals wait: none is taken
	 * between a syscall's entry and exit stops). */
	sigemptyset(&later);
	for (i = 1; i < t->pw_npages; i++)
		if (mprotect_in(t, tid, t->pw_pages[i].addr,
				t->pw_pages[i].orig_prot, &later) == -ESRCH)
			return false;
	tracer_reraise(t, tid, &later);
	t->pw_lifted = true;
	r.rip -= 2;
	r.rax = r.orig_rax;
	if (tracer_gpr_set(t, tid, &r) < 0)
		return false;
	th = tracer_thread_find(t, tid);
	if (th)
		th->pw_in_syscall = true;
	return true;
}

int pw_syscall_exit(struct tracer *t, pid_t tid)
{
	struct tracer_thread *th = tracer_thread_find(t, tid);
	sigset_t later;

	if (!th || !th->pw_in_syscall)
		return -1;
	th->pw_in_syscall = false;
	sigemptyset(&later);
	if (protect_in(t, tid, true, &later) == -ESRCH)
		return -1;
	tracer_reraise(t, tid, &later);
	return judge(t, 0);
}
