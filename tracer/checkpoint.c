/*
 * tracer/checkpoint.c - frozen copies of the stopped UML kernel process,
 * and a live kernel made again from one (docs/record-replay.md,
 * "Checkpoints").
 *
 * Taking one: the stopped kernel process is made to fork (a clone
 * injected with CLONE_PARENT, so the namespace's init reaps it, and
 * CLONE_PTRACE, so it is ours and stopped before its first instruction).
 * The child never runs: it keeps the kernel's private memory, file
 * descriptors, signal handlers and mappings as they were.  What it cannot
 * keep is written down beside it: the registers and extended state, and
 * UML's userspace stubs (one host process per guest mm, children of the
 * kernel process, which a fork does not copy): each one's pid and its
 * mappings of the physical-memory file.  Guest memory itself lives in
 * that shared file, so the caller copies it (pagestore.c).
 *
 * Restoring one: the live kernel is gone first (its pids must be free).
 * The checkpoint is made to fork again, with the pid the kernel had (the
 * namespace's init sets ns_last_pid); the child is the new live kernel.
 * It then calls UML's own start_userspace() once per stub, each made
 * with its old pid, and map() and syscall_stub_flush() to give each the
 * mappings it had.  Those calls run on a scratch stack mapped for them
 * and unmapped after; what they leave in the kernel's private memory is
 * copied back from the checkpoint, and the caller puts guest memory back
 * last.  The registers and extended state are set, and the new kernel is
 * where the old one was when the checkpoint was taken.
 *
 * Owns: struct tracer_ckpt.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

struct ckpt_map {
	uint64_t start, end, offset;
	int prot;		/* UML's: 1 read, 2 write, 4 exec */
};

/* What a stub's tracer (the kernel process) can read of it at its stop,
 * and may read before it next sets it: registers, extended state, the
 * stop's siginfo. */
struct stub_state {
	struct user_regs_struct regs;
	uint8_t siginfo[128];
	uint8_t *xstate;
	size_t xlen;
};

struct ckpt_stub {
	int nspid;
	uint64_t stack;		/* kernel address of its stub data pages */
	struct ckpt_map *maps;
	size_t nmaps;
	struct stub_state st;
};

struct tracer_ckpt {
	struct tracer *t;	/* the frozen process, never resumed */
	struct tracer_ns *ns;
	int kernel_nspid;	/* the live kernel's pid in the namespace */
	int last_pid;		/* ns_last_pid when it was taken */
	struct user_regs_struct regs;
	uint8_t *xstate;
	size_t xstate_len;
	struct ckpt_stub *stubs;
	size_t nstubs;
};

/* ---- /proc ------------------------------------------------------------- */

/* The host pids of pid's children (its main thread's). */
static int children_of(pid_t pid, pid_t **out, size_t *n)
{
	char path[64];
	long v;
	FILE *f;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%ld", &v) == 1) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = (pid_t)v;
	}
	fclose(f);
	return 0;
}

/* Host pid of the child of `parent` whose namespace pid is nspid. */
static pid_t child_with_nspid(pid_t parent, int nspid)
{
	pid_t *kids, found = -1;
	size_t i, n;

	if (children_of(parent, &kids, &n) < 0)
		return -1;
	for (i = 0; i < n && found < 0; i++)
		if (tracer_nspid(kids[i]) == nspid)
			found = kids[i];
	free(kids);
	return found;
}

static bool in_tracing_stop(pid_t pid)
{
	char v[64];

	return tracer_proc_status(pid, "State:", v, sizeof(v)) && v[0] == 't';
}

/* /proc/PID/NAME's text in buf (NUL-terminated), or false. */
static bool proc_text(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* Stopped inside a syscall (/proc/PID/syscall: its number, not -1)? */
static bool in_syscall(pid_t pid)
{
	char buf[32];

	return !proc_text(pid, "syscall", buf, sizeof(buf)) ||
	       strncmp(buf, "-1 ", 3) != 0;
}

/* No signal pending: a fork would lose it (SIGCHLD stays blocked). */
static bool nothing_pending(pid_t pid)
{
	static const char *const keys[] = { "SigPnd:", "ShdPnd:" };
	char v[64];
	int i;

	for (i = 0; i < 2; i++)
		if (!tracer_proc_status(pid, keys[i], v, sizeof(v)) ||
		    (strtoull(v, NULL, 16) & ~(1ull << (SIGCHLD - 1))))
			return false;
	return true;
}

/*
 * A stub's mappings of guest memory below the guest's task size, and
 * its stub data (the shared mapping above it, which names the file).
 * Others below it are what the stub inherited from the kernel process
 * when it was made, and an unmap of all of them is still queued for it
 * (init_new_context): the rebuilt stub need not have them.  0, or
 * -errno with a cause.
 */
static int read_stub(pid_t pid, const struct tracer_uml *u,
		     struct ckpt_stub *st, char **cause)
{
	char path[64], line[512], perms[8];
	unsigned long long lo, hi, off, ino, data_ino = 0;
	unsigned dmaj, dmin;
	struct ckpt_map *all = NULL;
	uint64_t *inos = NULL;
	size_t n = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return set_cause(cause, -errno, "%s: %s", path, errstr(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &lo, &hi,
			   perms, &off, &dmaj, &dmin, &ino) != 7)
			continue;
		if (lo >= u->task_size) {
			if (perms[3] == 's' && perms[1] == 'w') {
				st->stack = u->physmem + off;
				data_ino = ino;
			}
			continue;
		}
		all = xrealloc(all, (n + 1) * sizeof(*all));
		inos = xrealloc(inos, (n + 1) * sizeof(*inos));
		inos[n] = ino;
		all[n++] = (struct ckpt_map){
			.start = lo, .end = hi, .offset = off, .prot =
			(perms[0] == 'r' ? 1 : 0) | (perms[1] == 'w' ? 2 : 0) |
			(perms[2] == 'x' ? 4 : 0) };
	}
	fclose(f);
	for (i = 0; i < n; i++)
		if (data_ino && inos[i] == data_ino) {
			st->maps = xrealloc(st->maps, (st->nmaps + 1) *
					    sizeof(*st->maps));
			st->maps[st->nmaps++] = all[i];
		}
	free(all);
	free(inos);
	if (!st->stack)
		return set_cause(cause, -ENOTSUP, "process %d is no UML "
				 "userspace stub (no stub data mapping)", pid);
	return 0;
}

static void stubs_free(struct ckpt_stub *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].maps);
		free(s[i].st.xstate);
	}
	free(s);
}

/* A stop of a traced process that its tracer has not waited for yet
 * (/proc/PID/stat's exit_code, field 52): a rebuilt stub could not
 * have it. */
static bool stop_unreported(pid_t pid)
{
	char buf[1024], *p;
	int field;

	if (!proc_text(pid, "stat", buf, sizeof(buf)))
		return true;
	p = strrchr(buf, ')');	/* after the command's name */
	for (field = 2; p && field < 52; field++)
		p = strchr(p + 1, ' ');
	return !p || atoi(p + 1) != 0;
}

/* The scratch mapping's layout: a stub's state at its start, the stack
 * for the calls into the kernel at its end. */
#define SCRATCH_REGS 0
#define SCRATCH_SIGINFO 512
#define SCRATCH_IOV 768
#define SCRATCH_XSTATE 1024
#define SCRATCH_STACK (TRACER_CKPT_SCRATCH / 2)	/* below its top */

/* Syscall nr(a...) made by stopped process t: its result, or -errno.
 * (The kernel process holds its signals itself: none come here.) */
static long inject(struct tracer *t, long nr, uint64_t a0, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4)
{
	const uint64_t a[6] = { a0, a1, a2, a3, a4 };
	sigset_t later;

	sigemptyset(&later);
	return tracer_inject6(t, t->pid, nr, a, &later);
}

static long inject_ptrace(struct tracer *t, long req, int pid, uint64_t addr,
			  uint64_t data)
{
	return inject(t, SYS_ptrace, (uint64_t)req, (uint64_t)pid, addr, data,
		      0);
}

static long inject_mmap(struct tracer *t, size_t len)
{
	return inject(t, SYS_mmap, 0, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1);
}

/*
 * Read each stub's stop state through its tracer, the stopped kernel
 * process t, into a scratch mapping made and unmapped for it.
 */
static int save_stub_states(struct tracer *t, struct ckpt_stub *v, size_t n,
			    size_t xlen, char **cause)
{
	uint64_t iov[2];
	long scratch;
	size_t i;
	int err = 0;

	if (SCRATCH_XSTATE + xlen > SCRATCH_STACK)
		return set_cause(cause, -ENOTSUP, "no checkpoint: the host's "
				 "XSAVE area (%zu bytes) is too big", xlen);
	scratch = inject_mmap(t, TRACER_CKPT_SCRATCH);
	if (scratch < 0 && scratch > -4096)
		return set_cause(cause, (int)scratch, "no checkpoint: no "
				 "scratch memory in the kernel process");
	for (i = 0; i < n && !err; i++) {
		struct stub_state *st = &v[i].st;
		uint64_t b = (uint64_t)scratch;

		iov[0] = b + SCRATCH_XSTATE;
		iov[1] = xlen;
		if (pwrite(t->memfd, iov, sizeof(iov),
			   (off_t)(b + SCRATCH_IOV)) != sizeof(iov) ||
		    inject_ptrace(t, PTRACE_GETREGS, v[i].nspid, 0,
				  b + SCRATCH_REGS) < 0 ||
		    inject_ptrace(t, PTRACE_GETSIGINFO, v[i].nspid, 0,
				  b + SCRATCH_SIGINFO) < 0 ||
		    inject_ptrace(t, PTRACE_GETREGSET, v[i].nspid,
				  NT_X86_XSTATE, b + SCRATCH_IOV) < 0 ||
		    pread(t->memfd, &st->regs, sizeof(st->regs),
			  (off_t)(b + SCRATCH_REGS)) != sizeof(st->regs) ||
		    pread(t->memfd, st->siginfo, sizeof(st->siginfo),
			  (off_t)(b + SCRATCH_SIGINFO)) !=
		    sizeof(st->siginfo) ||
		    pread(t->memfd, iov, sizeof(iov),
			  (off_t)(b + SCRATCH_IOV)) != sizeof(iov) ||
		    iov[1] > xlen) {
			err = set_cause(cause, -EAGAIN, "no checkpoint: the "
					"state of userspace stub %d cannot be "
					"read", v[i].nspid);
			break;
		}
		/*
		 * Stopped at a page fault the kernel has not read yet: it will
		 * let the stub's SIGSEGV handler copy the fault's address and
		 * error code out of the signal frame, which the host fills
		 * from the thread's own record of the fault (cr2, trap, error
		 * code).  No ptrace call can give a rebuilt stub that record.
		 */
		if (*(int32_t *)st->siginfo == SIGSEGV) {
			err = set_cause(cause, -EAGAIN, "no checkpoint: userspace "
					"stub %d is at a page fault not yet "
					"read", v[i].nspid);
			break;
		}
		st->xlen = iov[1];
		st->xstate = xmalloc(st->xlen ? st->xlen : 1);
		if (pread(t->memfd, st->xstate, st->xlen,
			  (off_t)(b + SCRATCH_XSTATE)) != (ssize_t)st->xlen)
			err = set_cause(cause, -EAGAIN, "no checkpoint: the "
					"state of userspace stub %d cannot be "
					"read", v[i].nspid);
	}
	inject(t, SYS_munmap, (uint64_t)scratch, TRACER_CKPT_SCRATCH, 0, 0, 0);
	return err;
}

/* Give the rebuilt stub (stopped, traced by t) its saved stop state. */
static int load_stub_state(struct tracer *t, uint64_t b, int pid,
			   const struct stub_state *st, char **cause)
{
	uint64_t iov[2] = { b + SCRATCH_XSTATE, st->xlen };

	if (pwrite(t->memfd, &st->regs, sizeof(st->regs),
		   (off_t)(b + SCRATCH_REGS)) != sizeof(st->regs) ||
	    pwrite(t->memfd, st->siginfo, sizeof(st->siginfo),
		   (off_t)(b + SCRATCH_SIGINFO)) != sizeof(st->siginfo) ||
	    pwrite(t->memfd, iov, sizeof(iov), (off_t)(b + SCRATCH_IOV)) !=
	    sizeof(iov) ||
	    pwrite(t->memfd, st->xstate, st->xlen,
		   (off_t)(b + SCRATCH_XSTATE)) != (ssize_t)st->xlen ||
	    inject_ptrace(t, PTRACE_SETREGS, pid, 0, b + SCRATCH_REGS) < 0 ||
	    inject_ptrace(t, PTRACE_SETREGSET, pid, NT_X86_XSTATE,
			  b + SCRATCH_IOV) < 0 ||
	    inject_ptrace(t, PTRACE_SETSIGINFO, pid, 0,
			  b + SCRATCH_SIGINFO) < 0)
		return set_cause(cause, -EIO, "cannot give userspace stub %d "
				 "its registers back", pid);
	return 0;
}

static int by_nspid(const void *a, const void *b)
{
	const struct ckpt_stub *x = a, *y = b;

	return (x->nspid > y->nspid) - (x->nspid < y->nspid);
}

/* ---- registers --------------------------------------------------------- */

static int xstate_get(pid_t tid, uint8_t **buf, size_t *len)
{
	size_t max = 1 << 16;
	struct iovec iov;

	*buf = xmalloc(max);
	iov = (struct iovec){ *buf, max };
	if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &iov) < 0) {
		free(*buf);
		*buf = NULL;
		return -errno;
	}
	*len = iov.iov_len;
	return 0;
}

static int xstate_set(pid_t tid, uint8_t *buf, size_t len)
{
	struct iovec iov = { buf, len };

	return ptrace(PTRACE_SETREGSET, tid, NT_X86_XSTATE, &iov) < 0 ?
	       -errno : 0;
}

/* ---- the injected fork ------------------------------------------------- */

/*
 * tracer_waitpid, but for at most 10 s (-ETIMEDOUT): what is waited for
 * here (a fork's first stop, a call into the kernel returning) comes
 * within a millisecond, and a kernel stuck in a call must not hang umdbg
 * out of its event loop; the caller kills what did not come.
 */
#define WAIT_MS 10000
static int wait_bounded(pid_t pid, int *status)
{
	uint64_t end = now_ns() + (uint64_t)WAIT_MS * 1000000;
	int spins = 0;
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, __WALL | WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (now_ns() > end)
			return -ETIMEDOUT;
		if (spins++ < 1000)
			sched_yield();
		else
			usleep(1000);
	}
}

/* Checkpoints take pids from here up, far from the guest's own. */
static int pid_base(void)
{
	int max = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (f) {
		if (fscanf(f, "%d", &max) != 1)
			max = 32768;
		fclose(f);
	}
	return max > 131072 ? max - 65536 : max / 2;
}

/*
 * Make stopped process t fork a child that the namespace's init is the
 * parent of and we trace, stopped before its first instruction.  It
 * gets the first free pid from want_nspid up in the namespace, and with
 * `exact` that one or none.  The child's
 * host pid, or -errno with a cause.
 */
static pid_t fork_stopped(struct tracer *t, struct tracer_ns *ns,
			  int want_nspid, bool exact, int *last_pid,
			  char **cause)
{
	int prev = 0, err, status;
	long nspid;
	pid_t host;

	err = tracer_ns_ask(ns, TRACER_NS_LAST_PID, want_nspid - 1, &prev);
	if (err < 0)
		return set_cause(cause, err, "cannot choose the pid of a "
				 "checkpoint: %s", errstr(-err));
	if (last_pid)
		*last_pid = prev;
	nspid = inject(t, SYS_clone, CLONE_PARENT | CLONE_PTRACE | SIGCHLD, 0,
		       0, 0, 0);
	/* what the namespace's next pid would have been, again */
	if (last_pid)
		tracer_ns_ask(ns, TRACER_NS_LAST_PID, prev, NULL);
	if (nspid < 0)
		return set_cause(cause, (int)nspid, "fork in the kernel process "
				 "failed: %s", errstr((int)-nspid));
	host = child_with_nspid(ns->init_pid, (int)nspid);
	if (host < 0)
		return set_cause(cause, -ESRCH, "the forked kernel process "
				 "(pid %ld in the namespace) is not found",
				 nspid);
	if (wait_bounded(host, &status) < 0 || !WIFSTOPPED(status)) {
		kill(host, SIGKILL);
		return set_cause(cause, -ECHILD, "the forked kernel process did "
				 "not stop");
	}
	if (exact && nspid != want_nspid) {
		kill(host, SIGKILL);
		tracer_waitpid(host, &status);
		return set_cause(cause, -EBUSY, "the restored kernel got pid "
				 "%ld, not %d", nspid, want_nspid);
	}
	return host;
}

/* ---- calling the kernel's own functions -------------------------------- */

/*
 * Call fn(a[0..5]) in stopped process t on the stack ending at sp, and
 * wait for its return (to address 0: a SIGSEGV there, which we take
 * away).  0 and its result in *res, or -errno with a cause.  Registers
 * are not put back: the caller sets them all at the end.
 */
static int call_fn(struct tracer *t, uint64_t fn, uint64_t sp,
		   const uint64_t a[6], long *res, char **cause)
{
	struct user_regs_struct r;
	uint64_t zero = 0;
	int status, sig;

	if (tracer_gpr_get(t, t->pid, &r) < 0)
		return set_cause(cause, -ESRCH, "the restored kernel is gone");
	sp = (sp & ~(uint64_t)15) - 8;
	if (pwrite(t->memfd, &zero, 8, (off_t)sp) != 8)
		return set_cause(cause, -EFAULT, "cannot write the scratch "
				 "stack of the restored kernel");
	r.rsp = sp;
	r.rip = fn;
	r.rdi = a[0];
	r.rsi = a[1];
	r.rdx = a[2];
	r.rcx = a[3];
	r.r8 = a[4];
	r.r9 = a[5];
	r.rax = 0;
	r.orig_rax = (uint64_t)-1;
	if (tracer_gpr_set(t, t->pid, &r) < 0)
		return set_cause(cause, -ESRCH, "the restored kernel is gone");
	sig = 0;
	for (;;) {
		tracer_gpr_drop(t, t->pid);
		if (ptrace(PTRACE_CONT, t->pid, 0, sig) < 0)
			return set_cause(cause, -ESRCH, "the restored kernel "
					 "is gone");
		if (wait_bounded(t->pid, &status) < 0)
			return set_cause(cause, -ETIMEDOUT, "the restored kernel "
					 "did not come back from a call while "
					 "rebuilding its userspace");
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			t->alive = false;
			return set_cause(cause, -ESRCH, "the restored kernel "
					 "died while rebuilding its userspace");
		}
		sig = WSTOPSIG(status);
		if (status >> 16)
			return set_cause(cause, -EPROTO, "the restored kernel "
					 "made a traced syscall while "
					 "rebuilding its userspace");
		if (sig == SIGSEGV) {
			if (tracer_gpr_get(t, t->pid, &r) < 0)
				return -ESRCH;
			if (r.rip == 0) {
				*res = (long)r.rax;
				return 0;
			}
			return set_cause(cause, -EFAULT, "the restored kernel "
					 "faulted at %#llx while rebuilding "
					 "its userspace",
					 (unsigned long long)r.rip);
		}
		/* SIGCHLD of a new stub and the like: not delivered */
		sig = 0;
	}
}

/*
 * Give the restored kernel the stub `st` again: start_userspace() with
 * its old pid, the mappings it had, flushed.  scratch: our mapping in it.
 */
static int rebuild_stub(struct tracer *t, struct tracer_ns *ns,
			const struct tracer_uml *u, int physmem_fd,
			uint64_t scratch, const struct ckpt_stub *st,
			char **cause)
{
	uint64_t sp = scratch + TRACER_CKPT_SCRATCH - 256, id = sp;
	uint8_t idbuf[64] = { 0 };
	int pid32 = st->nspid, err;
	uint64_t a[6] = { 0 };
	long ret = 0;
	size_t i;

	err = tracer_ns_ask(ns, TRACER_NS_WAIT_FREE, st->nspid, NULL);
	if (!err)
		err = tracer_ns_ask(ns, TRACER_NS_LAST_PID, st->nspid - 1,
				    NULL);
	if (err < 0)
		return set_cause(cause, err, "pid %d of a userspace stub is "
				 "not free again: %s", st->nspid, errstr(-err));
	a[0] = st->stack;
	err = call_fn(t, u->start_userspace, id, a, &ret, cause);
	if (err < 0)
		return err;
	if (ret != st->nspid)
		return set_cause(cause, -EBUSY, "a userspace stub came back "
				 "as pid %ld, not %d", ret, st->nspid);

	/* A struct mm_id of our own for it, in the scratch page */
	memcpy(idbuf + u->id_pid, &pid32, 4);
	memcpy(idbuf + u->id_stack, &st->stack, 8);
	if (u->id_size > sizeof(idbuf) ||
	    pwrite(t->memfd, idbuf, u->id_size, (off_t)id) !=
	    (ssize_t)u->id_size)
		return set_cause(cause, -EFAULT, "cannot write a struct "
				 "mm_id into the restored kernel");
	sp = id - 64;
	a[0] = id;
	a[1] = 0;
	a[2] = u->task_size;
	err = call_fn(t, u->unmap, sp, a, &ret, cause);
	for (i = 0; !err && !ret && i < st->nmaps; i++) {
		const struct ckpt_map *m = &st->maps[i];

		a[0] = id;
		a[1] = m->start;
		a[2] = m->end - m->start;
		a[3] = (uint64_t)m->prot;
		a[4] = (uint64_t)physmem_fd;
		a[5] = m->offset;
		err = call_fn(t, u->map, sp, a, &ret, cause);
	}
	if (!err && !ret) {
		a[0] = id;
		err = call_fn(t, u->flush, sp, a, &ret, cause);
	}
	if (err < 0)
		return err;
	if (ret)
		return set_cause(cause, -EIO, "rebuilding the mappings of "
				 "userspace stub %d failed: %ld", st->nspid,
				 ret);
	return load_stub_state(t, scratch, st->nspid, &st->st, cause);
}

/*
 * Make the private memory of the restored kernel (to) that of the
 * checkpoint (from): the calls above ran in it.  Right after the fork
 * every private page was shared with the checkpoint; the pages the calls
 * wrote are now the restored kernel's alone (pagemap's "exclusively
 * mapped"), in mappings whose Private_Dirty is not 0 (smaps).  Only those
 * are copied back, so a huge sparse mapping (KASAN's shadow) costs
 * nothing.
 */
static int copy_private(pid_t from, struct tracer *to, char **cause)
{
	char path[64], line[512], perms[8] = "";
	unsigned long long lo = 0, hi = 0, kb;
	uint64_t *pm = xmalloc(512 * 8);
	uint8_t *page = xmalloc(4096);
	int mem = -1, pmfd = -1, err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/mem", from);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", to->pid);
	pmfd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/smaps", to->pid);
	f = fopen(path, "re");
	if (mem < 0 || pmfd < 0 || !f) {
		err = set_cause(cause, -errno, "the restored kernel's memory "
				"cannot be compared: %s", errstr(errno));
		goto out;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		uint64_t p;

		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) == 3)
			continue;
		if (sscanf(line, "Private_Dirty: %llu kB", &kb) != 1 || !kb ||
		    perms[1] != 'w' || perms[3] != 'p')
			continue;
		for (p = lo; !err && p < hi; p += 512 * 4096) {
			size_t n = (hi - p) / 4096 < 512 ? (hi - p) / 4096 : 512,
			       i;

			if (pread(pmfd, pm, n * 8, (off_t)(p / 4096 * 8)) !=
			    (ssize_t)(n * 8)) {
				err = set_cause(cause, -EIO, "the restored "
						"kernel's pagemap cannot be "
						"read");
				break;
			}
			for (i = 0; i < n; i++) {
				uint64_t a = p + i * 4096;

				/* present, and exclusively mapped */
				if (!(pm[i] >> 63 & 1) || !(pm[i] >> 56 & 1))
					continue;
				if (pread(mem, page, 4096, (off_t)a) != 4096 ||
				    pwrite(to->memfd, page, 4096, (off_t)a) !=
				    4096) {
					err = set_cause(cause, -EFAULT, "the "
							"restored kernel's "
							"page %#llx cannot be "
							"put back",
							(unsigned long long)a);
					break;
				}
			}
		}
	}
out:
	if (f)
		fclose(f);
	if (mem >= 0)
		close(mem);
	if (pmfd >= 0)
		close(pmfd);
	free(pm);
	free(page);
	return err;
}

/* ---- the interface ----------------------------------------------------- */

bool tracer_ckpt_possible(const struct tracer *t, const char **why)
{
	*why = NULL;
	if (!t->ns)
		*why = "the kernel does not run in a PID namespace of its own";
	else if (t->pw_npages || t->pw_nwin || t->dt)
		*why = "emulated watchpoints have changed the kernel process";
	else if (t->nthreads > 1)
		*why = "the kernel process has more than one thread";
	return !*why;
}

int tracer_ckpt_take(struct tracer *t, const struct tracer_uml *u,
		     uint64_t hit_pc, struct tracer_ckpt **out, char **cause)
{
	struct user_regs_struct r;
	struct tracer_ckpt *c;
	pid_t *kids = NULL, host;
	const char *why;
	size_t nkids = 0, i;
	int err;
	long ret;

	if (!tracer_ckpt_possible(t, &why))
		return set_cause(cause, -ENOTSUP, "no checkpoint: %s", why);
	if (!nothing_pending(t->pid) || t->threads[0].pending_sig)
		return set_cause(cause, -EAGAIN, "no checkpoint: a signal is "
				 "pending");
	if (in_syscall(t->pid))
		return set_cause(cause, -EAGAIN, "no checkpoint: the kernel is "
				 "in a host syscall");
	/* A restored kernel at a breakpoint's address steps over it at
	 * its first resume: right after the hit that stopped this one,
	 * not where this one will hit it. */
	if (tracer_gpr_get(t, t->pid, &r) < 0 ||
	    (tracer_point_at(t, r.rip) && r.rip != hit_pc))
		return set_cause(cause, -EAGAIN, "no checkpoint: the kernel is "
				 "at a breakpoint");
	c = xcalloc(1, sizeof(*c));
	c->kernel_nspid = tracer_nspid(t->pid);
	err = children_of(t->pid, &kids, &nkids);
	if (err < 0) {
		set_cause(cause, err, "no checkpoint: the kernel's children "
			  "cannot be listed: %s", errstr(-err));
		goto fail;
	}
	c->stubs = xcalloc(nkids ? nkids : 1, sizeof(*c->stubs));
	for (i = 0; i < nkids; i++) {
		struct ckpt_stub *st = &c->stubs[c->nstubs++];

		if (!in_tracing_stop(kids[i]) || stop_unreported(kids[i])) {
			err = set_cause(cause, -EAGAIN, "no checkpoint: "
					"userspace stub %d is running",
					(int)kids[i]);
			goto fail;
		}
		st->nspid = tracer_nspid(kids[i]);
		err = read_stub(kids[i], u, st, cause);
		if (err < 0)
			goto fail;
	}
	qsort(c->stubs, c->nstubs, sizeof(*c->stubs), by_nspid);
	if (tracer_gpr_get(t, t->pid, &c->regs) < 0 ||
	    xstate_get(t->pid, &c->xstate, &c->xstate_len) < 0) {
		err = set_cause(cause, -ESRCH, "no checkpoint: the kernel's "
				"registers cannot be read");
		goto fail;
	}
	/* the stubs' XSAVE areas are the host's size, as the kernel's */
	err = save_stub_states(t, c->stubs, c->nstubs, c->xstate_len, cause);
	if (err < 0)
		goto fail;
	/* High pids for checkpoints, so the guest's own pids stay what
	 * they were in the recording. */
	host = fork_stopped(t, t->ns, pid_base(), false, &c->last_pid, cause);
	if (host < 0) {
		err = (int)host;
		goto fail;
	}
	c->t = tracer_new_stopped(host, true);
	c->ns = tracer_ns_ref(t->ns);
	LOG("checkpoint", "taken: rip %llx rax %llx orig_rax %llx, %zu stubs",
	    (unsigned long long)c->regs.rip, (unsigned long long)c->regs.rax,
	    (unsigned long long)c->regs.orig_rax, c->nstubs);
	/* A session of its own: the kernel's pid (its session and group,
	 * UML calls setsid) must not stay in use after the kernel. */
	ret = inject(c->t, SYS_setsid, 0, 0, 0, 0, 0);
	if (ret < 0) {
		err = set_cause(cause, (int)ret, "no checkpoint: setsid in it "
				"failed: %s", errstr((int)-ret));
		tracer_ckpt_free(c);
		free(kids);
		return err;
	}
	free(kids);
	*out = c;
	return 0;
fail:
	free(kids);
	stubs_free(c->stubs, c->nstubs);
	free(c->xstate);
	free(c);
	return err;
}

int tracer_ckpt_restore(struct tracer_ckpt *c, const struct tracer_uml *u,
			struct tracer **out, char **cause)
{
	struct tracer *r;
	uint64_t scratch;
	int err, physmem_fd = -1, status;
	size_t i;
	pid_t host;
	long ret;

	*out = NULL;
	err = tracer_ns_ask(c->ns, TRACER_NS_WAIT_FREE, c->kernel_nspid, NULL);
	if (err < 0)
		return set_cause(cause, err, "the kernel's pid %d is not free "
				 "again: %s", c->kernel_nspid, errstr(-err));
	host = fork_stopped(c->t, c->ns, c->kernel_nspid, true, NULL, cause);
	if (host < 0)
		return (int)host;
	r = tracer_new_stopped(host, true);
	r->ns = tracer_ns_ref(c->ns);
	r->init_pid = c->ns->init_pid;
	/* the session and group the kernel had: its own */
	ret = inject(r, SYS_setsid, 0, 0, 0, 0, 0);
	if (ret != c->kernel_nspid) {
		err = set_cause(cause, ret < 0 ? (int)ret : -EIO, "setsid in "
				"the restored kernel gave %ld", ret);
		goto fail;
	}
	/* the gadget and the rest are found afresh in it */
	if (pread(r->memfd, &physmem_fd, 4, (off_t)u->physmem_fd_addr) != 4) {
		err = set_cause(cause, -EFAULT, "cannot read physmem_fd in the "
				"restored kernel");
		goto fail;
	}
	ret = inject_mmap(r, TRACER_CKPT_SCRATCH);
	if (ret < 0 && ret > -4096) {
		err = set_cause(cause, (int)ret, "no scratch memory in the "
				"restored kernel: %s", errstr((int)-ret));
		goto fail;
	}
	scratch = (uint64_t)ret;
	for (i = 0; i < c->nstubs; i++) {
		err = rebuild_stub(r, c->ns, u, physmem_fd, scratch,
				   &c->stubs[i], cause);
		if (err < 0)
			goto fail;
	}
	err = tracer_ns_ask(c->ns, TRACER_NS_LAST_PID, c->last_pid, NULL);
	if (err < 0) {
		set_cause(cause, err, "cannot set the namespace's next pid");
		goto fail;
	}
	ret = inject(r, SYS_munmap, scratch, TRACER_CKPT_SCRATCH, 0, 0, 0);
	if (ret < 0) {
		err = set_cause(cause, (int)ret, "cannot unmap the scratch "
				"memory: %s", errstr((int)-ret));
		goto fail;
	}
	err = copy_private(c->t->pid, r, cause);
	if (err < 0)
		goto fail;
	tracer_gpr_drop(r, r->pid);
	if (tracer_gpr_set(r, r->pid, &c->regs) < 0 ||
	    xstate_set(r->pid, c->xstate, c->xstate_len) < 0) {
		err = set_cause(cause, -ESRCH, "cannot set the restored "
				"kernel's registers");
		goto fail;
	}
	LOG("checkpoint", "restored: rip %llx, %zu stubs",
	    (unsigned long long)c->regs.rip, c->nstubs);
	*out = r;
	return 0;
fail:
	kill(r->pid, SIGKILL);
	tracer_waitpid(r->pid, &status);
	r->alive = false;
	tracer_free(r);
	return err;
}

void tracer_ckpt_free(struct tracer_ckpt *c)
{
	int status;

	if (!c)
		return;
	kill(c->t->pid, SIGKILL);
	tracer_waitpid(c->t->pid, &status);
	c->t->alive = false;
	c->t->ns = NULL;
	tracer_free(c->t);
	tracer_ns_put(c->ns);
	stubs_free(c->stubs, c->nstubs);
	free(c->xstate);
	free(c);
}

pid_t tracer_ckpt_pid(const struct tracer_ckpt *c)
{
	return c->t->pid;
}
