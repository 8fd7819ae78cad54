/*
 * tracer/tracer.c - threads, stops, resumption, memory and breakpoints of
 * the traced UML kernel process.
 *
 * Owns: the thread table (every traced thread and whether we hold it in a
 * ptrace stop), the software breakpoint table and /proc/PID/mem.
 * Invariants: while t->running is false every live thread is stopped;
 * an inserted breakpoint has 0xcc in memory and its original byte in the
 * table; a thread resumed from a pc that holds an inserted breakpoint is
 * first single-stepped over the original instruction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <stddef.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define INT3 0xcc

struct tracer_thread *tracer_thread_find(struct tracer *t, pid_t tid)
{
	int i;

	for (i = 0; i < t->nthreads; i++)
		if (t->threads[i].tid == tid)
			return &t->threads[i];
	return NULL;
}

static struct tracer_thread *thread_add(struct tracer *t, pid_t tid)
{
	struct tracer_thread *th = tracer_thread_find(t, tid);

	if (th)
		return th;
	if (t->nthreads == t->threads_alloc) {
		t->threads_alloc = t->threads_alloc ? 2 * t->threads_alloc : 4;
		t->threads = xrealloc(t->threads,
				      t->threads_alloc * sizeof(*t->threads));
	}
	th = &t->threads[t->nthreads++];
	memset(th, 0, sizeof(*th));
	th->tid = tid;
	th->step_hw = -1;
	LOG("tracer", "thread %d added", tid);
	return th;
}

/* Thread tid's general registers, read once per stop (t->regs). */
int tracer_gpr_get(struct tracer *t, pid_t tid, struct user_regs_struct *r)
{
	if (!tid || t->regs_tid != tid) {
		t->regs_tid = 0;
		if (ptrace(PTRACE_GETREGS, tid, 0, &t->regs) < 0)
			return errno ? -errno : -EIO;
		t->regs_tid = tid;
	}
	*r = t->regs;
	return 0;
}

/* Write them; the kernel may adjust what it is given, so the next read
 * asks it again. */
int tracer_gpr_set(struct tracer *t, pid_t tid,
		   const struct user_regs_struct *r)
{
	if (t->regs_tid == tid)
		t->regs_tid = 0;
	if (ptrace(PTRACE_SETREGS, tid, 0, r) < 0)
		return -errno;
	return 0;
}

/* Thread tid may run (or is gone): its cached registers are stale. */
void tracer_gpr_drop(struct tracer *t, pid_t tid)
{
	if (t->regs_tid == tid)
		t->regs_tid = 0;
}

void tracer_thread_del(struct tracer *t, pid_t tid)
{
	struct tracer_thread *th = tracer_thread_find(t, tid);

	if (!th)
		return;
	tracer_gpr_drop(t, tid);
	*th = t->threads[--t->nthreads];
	LOG("tracer", "thread %d gone", tid);
}

struct tracer *tracer_new_stopped(pid_t pid, bool in_ns)
{
	struct tracer *t = xcalloc(1, sizeof(*t));
	char path[64];

	t->pid = pid;
	t->in_ns = in_ns;
	t->alive = true;
	t->next_bp_id = 1;
	t->last_tid = pid;
	sigemptyset(&t->stop_signals);
	sigaddset(&t->stop_signals, SIGABRT);
	thread_add(t, pid)->stopped = true;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	t->memfd = open(path, O_RDWR | O_CLOEXEC);
	t->soft_off = getenv("UMDBG_SOFTSTEP") &&
		      !strcmp(getenv("UMDBG_SOFTSTEP"), "off");
	return t;
}

pid_t tracer_pid(const struct tracer *t)
{
	return t->pid;
}

bool tracer_has_namespaces(const struct tracer *t)
{
	return t->in_ns;
}

bool tracer_is_running(const struct tracer *t)
{
	return t->alive && t->running;
}

bool tracer_is_alive(const struct tracer *t)
{
	return t->alive;
}

void tracer_set_fault_filter(struct tracer *t, tracer_fault_fn fn, void *arg)
{
	t->fault_fn = fn;
	t->fault_arg = arg;
}

void tracer_set_stop_signal(struct tracer *t, int signo, bool stop)
{
	if (stop)
		sigaddset(&t->stop_signals, signo);
	else
		sigdelset(&t->stop_signals, signo);
}

bool tracer_proc_status(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	size_t n = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n)) {
			snprintf(out, len, "%s", line + n + strspn(line + n,
								    " \t"));
			out[strcspn(out, "\n")] = '\0';
			found = true;
		}
	fclose(f);
	return found;
}

pid_t tracer_nspid(pid_t pid)
{
	char v[256], *p;

	if (!tracer_proc_status(pid, "NSpid:", v, sizeof(v)))
		return -1;
	/* host pid first, the innermost namespace's last */
	p = strrchr(v, '\t');
	return (pid_t)atoi(p ? p + 1 : v);
}

pid_t tracer_ns_tid(const struct tracer *t, pid_t tid)
{
	pid_t inner = t->in_ns ? tracer_nspid(tid) : tid;

	return inner > 0 ? inner : tid;
}

int tracer_threads(const struct tracer *t, pid_t *tids, int max)
{
	int i;

	for (i = 0; i < t->nthreads && i < max; i++)
		tids[i] = t->threads[i].tid;
	return t->nthreads;
}

/* ---- memory ------------------------------------------------------------ */

struct tracer_bp *tracer_bp_at(struct tracer *t, uint64_t addr)
{
	int i;

	for (i = 0; i < t->nbps; i++)
		if (t->bps[i].id && t->bps[i].addr == addr)
			return &t->bps[i];
	return NULL;
}

ssize_t tracer_raw_read(struct tracer *t, uint64_t addr, void *buf,
			 size_t len)
{
	size_t done = 0;

	if (t->memfd < 0)
		return -ESRCH;
	while (done < len) {
		ssize_t n = pread(t->memfd, (char *)buf + done, len - done,
				  (off_t)(addr + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return done ? (ssize_t)done : -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done ? (ssize_t)done : -EIO;
}

ssize_t tracer_raw_write(struct tracer *t, uint64_t addr, const void *buf,
			  size_t len)
{
	ssize_t n;

	if (t->memfd < 0)
		return -ESRCH;
	do
		n = pwrite(t->memfd, buf, len, (off_t)addr);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t tracer_read_mem(struct tracer *t, uint64_t addr, void *buf,
			size_t len)
{
	ssize_t n = tracer_raw_read(t, addr, buf, len);
	int i;

	/* Show original bytes, never our int3s or detours. */
	if (n > 0)
		dt_mask(t, addr, buf, (size_t)n);
	for (i = 0; n > 0 && i < t->nbps; i++) {
		struct tracer_bp *bp = &t->bps[i];

		if (bp->id && bp->inserted && bp->addr >= addr &&
		    bp->addr < addr + (uint64_t)n)
			((uint8_t *)buf)[bp->addr - addr] = bp->orig;
	}
	return n;
}

ssize_t tracer_write_mem(struct tracer *t, uint64_t addr, const void *buf,
			 size_t len)
{
	uint8_t *copy = xmalloc(len);
	ssize_t n;
	int i;

	memcpy(copy, buf, len);
	if (dt_overlaps(t, addr, len))
		dt_off(t);
	/* A write over a breakpoint changes its saved byte, not the int3. */
	for (i = 0; i < t->nbps; i++) {
		struct tracer_bp *bp = &t->bps[i];

		if (bp->id && bp->inserted && bp->addr >= addr &&
		    bp->addr < addr + len) {
			bp->orig = copy[bp->addr - addr];
			copy[bp->addr - addr] = INT3;
		}
	}
	n = tracer_raw_write(t, addr, copy, len);
	if (n != (ssize_t)len && t->pw_npages &&
	    pw_owns(t, addr + (n > 0 ? (uint64_t)n : 0))) {
		/* A shared page we made read-only: not even FOLL_FORCE
		 * writes it. */
		pw_protect(t, false);
		n = tracer_raw_write(t, addr, copy, len);
		pw_protect(t, true);
	}
	free(copy);
	return n;
}

/* ---- breakpoints ------------------------------------------------------- */

static int bp_poke(struct tracer *t, struct tracer_bp *bp, bool insert)
{
	uint8_t b = insert ? INT3 : bp->orig;
	ssize_t n;

	if (insert == bp->inserted)
		return 0;
	if (insert && dt_overlaps(t, bp->addr, 1))
		dt_off(t);
	if (insert) {
		n = tracer_raw_read(t, bp->addr, &bp->orig, 1);
		if (n != 1)
			return n < 0 ? (int)n : -EIO;
	}
	n = tracer_raw_write(t, bp->addr, &b, 1);
	if (n != 1)
		return n < 0 ? (int)n : -EIO;
	bp->inserted = insert;
	return 0;
}

int tracer_bp_insert_later(struct tracer *t, uint64_t addr)
{
	char *cause = NULL;
	int id = tracer_bp_insert(t, addr, &cause), i;

	free(cause);
	if (id != -EIO)
		return id;
	/* Not mapped yet: listed, not inserted; tracer_bp_retry does it. */
	for (i = 0; i < t->nbps; i++)
		if (!t->bps[i].id)
			break;
	if (i == t->nbps)
		t->bps = xrealloc(t->bps, ++t->nbps * sizeof(*t->bps));
	memset(&t->bps[i], 0, sizeof(t->bps[i]));
	t->bps[i].addr = addr;
	t->bps[i].id = t->next_bp_id++;
	t->bps[i].refs = 1;
	return t->bps[i].id;
}

int tracer_bp_insert(struct tracer *t, uint64_t addr, char **cause)
{
	struct tracer_bp *bp = tracer_bp_at(t, addr);
	int err, i;

	/* Several users of one address share the int3: count them. */
	if (bp) {
		bp->refs++;
		return bp->id;
	}
	for (i = 0; i < t->nbps; i++)
		if (!t->bps[i].id)
			break;
	if (i == t->nbps)
		t->bps = xrealloc(t->bps, ++t->nbps * sizeof(*t->bps));
	bp = &t->bps[i];
	memset(bp, 0, sizeof(*bp));
	bp->addr = addr;
	err = bp_poke(t, bp, true);
	if (err < 0)
		return set_cause(cause, err,
				 "cannot write a breakpoint at 0x%llx: %s",
				 (unsigned long long)addr, errstr(-err));
	bp->id = t->next_bp_id++;
	bp->refs = 1;
	LOG("tracer", "bp %d at 0x%llx", bp->id, (unsigned long long)addr);
	return bp->id;
}

int tracer_bp_remove(struct tracer *t, int id)
{
	int i, err;

	for (i = 0; i < t->nbps; i++) {
		if (t->bps[i].id != id)
			continue;
		if (--t->bps[i].refs > 0)
			return 0;
		err = t->alive ? bp_poke(t, &t->bps[i], false) : 0;
		t->bps[i].id = 0;
		return err;
	}
	return -ENOENT;
}

static int hw_apply(struct tracer *t);

void tracer_points_lift(struct tracer *t, bool out)
{
	int i;

	for (i = 0; i < t->nbps; i++) {
		struct tracer_bp *bp = &t->bps[i];

		if (out && bp->id && bp->inserted && bp_poke(t, bp, false) == 0)
			bp->lifted = true;
		else if (!out && bp->lifted) {
			bp_poke(t, bp, true);
			bp->lifted = false;
		}
	}
}

int tracer_copy_points(const struct tracer *from, struct tracer *to)
{
	int i, err;

	to->stop_signals = from->stop_signals;
	to->fault_fn = from->fault_fn;
	to->fault_arg = from->fault_arg;
	to->next_bp_id = from->next_bp_id;
	to->bps = xcalloc(from->nbps ? from->nbps : 1, sizeof(*to->bps));
	to->nbps = from->nbps;
	for (i = 0; i < from->nbps; i++) {
		struct tracer_bp *bp = &to->bps[i];

		if (!from->bps[i].id)
			continue;
		bp->addr = from->bps[i].addr;
		/* Not mapped yet at exec (a host library's text): it stays
		 * listed but not inserted, as the caller's doc says. */
		err = bp_poke(to, bp, true);
		if (err < 0)
			LOG("tracer", "bp %d at 0x%llx not carried over: %d",
			    from->bps[i].id, (unsigned long long)bp->addr, err);
		bp->id = from->bps[i].id;
		bp->refs = from->bps[i].refs;
	}
	memcpy(to->hw, from->hw, sizeof(to->hw));
	to->emulate_hw = from->emulate_hw;
	pw_reset(to);
	return hw_apply(to);
}

void tracer_bp_retry(struct tracer *t, bool (*ready)(void *arg, uint64_t),
		     void *arg)
{
	int i;

	for (i = 0; t->alive && i < t->nbps; i++)
		if (t->bps[i].id && !t->bps[i].inserted &&
		    ready(arg, t->bps[i].addr))
			bp_poke(t, &t->bps[i], true);
}

void tracer_set_hw_emulation(struct tracer *t, bool on)
{
	t->emulate_hw = on;
}

int tracer_hw_count(const struct tracer *t)
{
	int i, n = 0;

	for (i = 0; i < 4; i++)
		n += t->hw[i].used;
	return n;
}

int tracer_bp_refs(const struct tracer *t, int id)
{
	int i;

	for (i = 0; i < t->nbps; i++)
		if (t->bps[i].id == id && id)
			return t->bps[i].refs;
	return 0;
}

bool tracer_bp_addr(const struct tracer *t, int id, uint64_t *addr)
{
	int i;

	for (i = 0; i < t->nbps; i++)
		if (t->bps[i].id == id && id) {
			*addr = t->bps[i].addr;
			return true;
		}
	return false;
}

int tracer_bp_addrs(const struct tracer *t, uint64_t *addrs, int max)
{
	int i, n = 0;

	for (i = 0; i < t->nbps; i++)
		if (t->bps[i].id) {
			if (n < max)
				addrs[n] = t->bps[i].addr;
			n++;
		}
	return n;
}

/* ---- registers --------------------------------------------------------- */

/* One register-set request on a stopped thread (0: the last stop's). */
static int regs_request(struct tracer *t, int req, pid_t tid, void *data)
{
	if (!t->alive)
		return -ESRCH;
	if (ptrace(req, tid ? tid : t->last_tid, 0, data) < 0)
		return -errno;
	return 0;
}

int tracer_get_regs(struct tracer *t, pid_t tid, struct user_regs_struct *r)
{
	if (!t->alive)
		return -ESRCH;
	return tracer_gpr_get(t, tid ? tid : t->last_tid, r);
}

int tracer_set_regs(struct tracer *t, pid_t tid,
		    const struct user_regs_struct *r)
{
	if (!t->alive)
		return -ESRCH;
	return tracer_gpr_set(t, tid ? tid : t->last_tid, r);
}

/* ---- hardware breakpoints and watchpoints -------------------------------- */

#define DR_OFFSET(n) (offsetof(struct user, u_debugreg) + (n) * sizeof(long))
#define DR6_HIT_MASK 0xfUL
#define DR6_BS (1UL << 14)

static unsigned long dr7_value(const struct tracer *t, int skip)
{
	unsigned long dr7 = 0;
	int i;

	for (i = 0; i < 4; i++) {
		const struct tracer_hw *h = &t->hw[i];
		unsigned long len;

		if (!h->used || i == skip)
			continue;
		len = h->len == 8 ? 2 : h->len == 4 ? 3 : h->len == 2 ? 1 : 0;
		if (h->kind == TRACER_HW_EXEC)
			len = 0;
		dr7 |= 1UL << (2 * i);	/* local enable */
		dr7 |= ((unsigned long)h->kind | len << 2) << (16 + 4 * i);
	}
	return dr7;
}

/* Write DR0-3 and DR7 of one thread (DR7 without slot `skip`). */
static int hw_apply_thread(struct tracer *t, pid_t tid, int skip)
{
	int i;

	/* DR7 off first: a half-written set must never trigger. */
	if (ptrace(PTRACE_POKEUSER, tid, DR_OFFSET(7), 0) < 0)
		return -errno;
	for (i = 0; i < 4; i++)
		if (t->hw[i].used &&
		    ptrace(PTRACE_POKEUSER, tid, DR_OFFSET(i),
			   t->hw[i].addr) < 0)
			return -errno;
	if (ptrace(PTRACE_POKEUSER, tid, DR_OFFSET(7),
		   dr7_value(t, skip)) < 0)
		return -errno;
	return 0;
}

static int hw_apply(struct tracer *t)
{
	int i, err = 0;

	if (t->emulate_hw)
		return 0;	/* pagewatch.c's, armed at the next resume */
	for (i = 0; i < t->nthreads; i++)
		if (t->threads[i].stopped) {
			int e = hw_apply_thread(t, t->threads[i].tid, -1);

			if (e < 0)
				err = e;
		}
	return err;
}

int tracer_hw_before(struct tracer *t, int slot, uint64_t *v)
{
	const struct tracer_hw *h;
	int i;

	if (slot < 0 || slot >= 4 || !t->hw[slot].used ||
	    !t->hw[slot].before_ok)
		return -ENODATA;
	h = &t->hw[slot];
	*v = 0;
	for (i = h->len - 1; i >= 0; i--)
		*v = *v << 8 | h->before[i];
	return 0;
}

int tracer_hw_insert(struct tracer *t, enum tracer_hw_kind kind,
		     uint64_t addr, int len)
{
	int i, err;

	if (len != 1 && len != 2 && len != 4 && len != 8)
		return -EINVAL;
	if (kind != TRACER_HW_EXEC && (addr & (uint64_t)(len - 1)))
		return -EINVAL;
	for (i = 0; i < 4; i++)
		if (!t->hw[i].used)
			break;
	if (i == 4)
		return -ENOSPC;
	t->hw[i] = (struct tracer_hw){ .used = true, .kind = kind,
				       .addr = addr, .len = len };
	if (t->emulate_hw && kind == TRACER_HW_EXEC) {
		/* No debug registers: a software breakpoint serves. */
		int id = tracer_bp_insert(t, addr, NULL);

		if (id < 0) {
			t->hw[i].used = false;
			return id;
		}
		t->hw[i].bp_id = id;
		return i;
	}
	if (t->emulate_hw) {
		/* Protected at the next resume, if the page is there. */
		err = pw_check(t, addr);
		if (err < 0)
			t->hw[i].used = false;
		return err < 0 ? err : i;
	}
	t->hw[i].seen_ok = tracer_raw_read(t, addr, t->hw[i].seen,
					   (size_t)len) == len;
	err = hw_apply(t);
	if (err < 0) {
		t->hw[i].used = false;
		hw_apply(t);
		return err;
	}
	return i;
}

int tracer_hw_remove_slot(struct tracer *t, int slot)
{
	if (slot < 0 || slot > 3 || !t->hw[slot].used)
		return -ENOENT;
	t->hw[slot].used = false;
	if (t->hw[slot].bp_id)
		tracer_bp_remove(t, t->hw[slot].bp_id);
	t->hw[slot].bp_id = 0;
	if (t->alive && hw_apply(t) < 0)
		return -EIO;
	return slot;
}

int tracer_hw_remove(struct tracer *t, enum tracer_hw_kind kind,
		     uint64_t addr, int len)
{
	int i;

	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].kind == kind &&
		    t->hw[i].addr == addr && (kind == TRACER_HW_EXEC ||
					      t->hw[i].len == len))
			return tracer_hw_remove_slot(t, i);
	return -ENOENT;
}

void tracer_hw_clear(struct tracer *t)
{
	int i;

	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].bp_id)
			tracer_bp_remove(t, t->hw[i].bp_id);
	memset(t->hw, 0, sizeof(t->hw));
	if (t->alive)
		hw_apply(t);
}

/* Is a data watchpoint set (a step's trap may then be one too)? */
static bool data_points(const struct tracer *t)
{
	int i;

	if (t->emulate_hw)
		return false;	/* pagewatch.c judges those */
	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].kind != TRACER_HW_EXEC)
			return true;
	return false;
}

/* Which debug register fired (clearing DR6), or -1. */
static int hw_hit(struct tracer *t, pid_t tid)
{
	long dr6;
	int i;

	errno = 0;
	dr6 = ptrace(PTRACE_PEEKUSER, tid, DR_OFFSET(6), 0);
	if (errno)
		return -1;
	if (!(dr6 & DR6_HIT_MASK))
		return -1;
	ptrace(PTRACE_POKEUSER, tid, DR_OFFSET(6), 0);
	for (i = 0; i < 4; i++)
		if ((dr6 & (1UL << i)) && t->hw[i].used)
			return i;
	return -1;
}

static void watch_stop(struct tracer *t, pid_t tid, int slot,
		       struct tracer_stop *stop)
{
	struct tracer_hw *h = &t->hw[slot];
	uint8_t now[8];

	if (!t->emulate_hw && h->kind != TRACER_HW_EXEC) {
		/* The debug registers trap after the access: what was
		 * there before is what the last trap (or insert) saw. */
		bool ok = tracer_raw_read(t, h->addr, now, (size_t)h->len) ==
			  h->len;

		h->before_ok = h->seen_ok;
		memcpy(h->before, h->seen, sizeof(h->before));
		memcpy(h->seen, now, sizeof(now));
		h->seen_ok = ok;
	}
	memset(stop, 0, sizeof(*stop));
	stop->kind = TRACER_STOP_WATCH;
	stop->tid = tid;
	stop->bp = slot;
	stop->addr = t->hw[slot].addr;
}

/* An enabled hardware execute breakpoint at pc? Its slot, or -1. */
static int hw_exec_at(struct tracer *t, uint64_t pc)
{
	int i;

	if (t->emulate_hw)
		return -1;	/* software breakpoints there */
	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].kind == TRACER_HW_EXEC &&
		    t->hw[i].addr == pc)
			return i;
	return -1;
}

int tracer_get_fpregs(struct tracer *t, pid_t tid,
		      struct user_fpregs_struct *f)
{
	return regs_request(t, PTRACE_GETFPREGS, tid, f);
}

int tracer_set_fpregs(struct tracer *t, pid_t tid,
		      const struct user_fpregs_struct *f)
{
	return regs_request(t, PTRACE_SETFPREGS, tid, (void *)f);
}

void tracer_set_resume_signal(struct tracer *t, pid_t tid, int signo)
{
	struct tracer_thread *th = tracer_thread_find(t, tid ? tid : t->last_tid);

	if (th)
		th->pending_sig = signo;
}

/* ---- stops ------------------------------------------------------------- */

bool tracer_is_async_signal(int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP:
	case SIGSYS:
		return false;
	default:
		return true;
	}
}

/*
 * Ticks (tracer_set_tick): a timer that counts only while the process
 * runs.  When it fires, its signal handler interrupts the process
 * (PTRACE_INTERRUPT is one syscall, safe there); the interrupt stop that
 * follows goes to the tick function and the process runs on.  One
 * process at a time has ticks: the one running.
 */
#define TICK_SIG (SIGRTMIN + 2)
static volatile pid_t tick_pid;
static volatile sig_atomic_t tick_fired;
static timer_t tick_timer;
static bool tick_timer_made;

static void tick_handler(int sig)
{
	int e = errno;
	pid_t p = tick_pid;

	(void)sig;
	if (p > 0) {
		tick_fired = 1;
		syscall(SYS_ptrace, PTRACE_INTERRUPT, p, 0, 0);
	}
	errno = e;
}

static int tick_setup(void)
{
	struct sigaction sa;
	struct sigevent ev;

	if (tick_timer_made)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = TICK_SIG;
	if (sigaction(TICK_SIG, &sa, NULL) < 0 ||
	    timer_create(CLOCK_MONOTONIC, &ev, &tick_timer) < 0)
		return -errno;
	tick_timer_made = true;
	return 0;
}

bool tracer_emulating(const struct tracer *t)
{
	int i;

	for (i = 0; t->emulate_hw && i < 4; i++)
		if (t->hw[i].used)
			return true;
	return false;
}

static void tick_arm(struct tracer *t, bool on)
{
	struct itimerspec its;

	if (!tick_timer_made || (!t->tick_fn && tick_pid != t->pid))
		return;
	memset(&its, 0, sizeof(its));
	if (on && t->tick_fn && t->alive && !tracer_emulating(t)) {
		uint64_t ran = tracer_run_ns(t);
		uint64_t left = t->tick_due > ran ? t->tick_due - ran : 0;

		if (left < 1000000)
			left = 1000000;
		its.it_value.tv_sec = (time_t)(left / 1000000000u);
		its.it_value.tv_nsec = (long)(left % 1000000000u);
		tick_pid = t->pid;
	} else {
		tick_pid = 0;
	}
	timer_settime(tick_timer, 0, &its, NULL);
}

int tracer_set_tick(struct tracer *t, uint64_t interval_ns,
		    tracer_tick_fn fn, void *arg)
{
	int err = fn ? tick_setup() : 0;

	if (err < 0)
		return err;
	if (!fn)
		tick_arm(t, false);
	t->tick_fn = fn;
	t->tick_arg = arg;
	t->tick_interval = interval_ns;
	t->tick_due = t->run_ns + interval_ns;
	if (t->running)
		tick_arm(t, true);
	return 0;
}

void tracer_tick_in(struct tracer *t, uint64_t ns)
{
	t->tick_due = tracer_run_ns(t) + ns;
}

/* Running or not, and for how long it has run in all (tracer_run_ns). */
static void set_running(struct tracer *t, bool on)
{
	uint64_t now = now_ns();

	if (on && !t->running)
		t->run_since = now;
	else if (!on && t->running)
		t->run_ns += now - t->run_since;
	if (on != t->running) {
		t->running = on;
		tick_arm(t, on);
	}
}

uint64_t tracer_run_ns(const struct tracer *t)
{
	return t->run_ns + (t->running ? now_ns() - t->run_since : 0);
}

/* The process is gone: forget its threads and memory. */
static void mark_dead(struct tracer *t)
{
	t->alive = false;
	set_running(t, false);
	t->nthreads = 0;
	t->regs_tid = 0;
	if (t->memfd >= 0)
		close(t->memfd);
	t->memfd = -1;
}

void tracer_main_gone(struct tracer *t, int status, struct tracer_stop *stop)
{
	mark_dead(t);
	memset(stop, 0, sizeof(*stop));
	stop->tid = t->pid;
	if (WIFEXITED(status)) {
		stop->kind = TRACER_STOP_EXITED;
		stop->status = WEXITSTATUS(status);
	} else {
		stop->kind = TRACER_STOP_KILLED;
		stop->signo = WTERMSIG(status);
		stop->core = WCOREDUMP(status);
	}
	LOG("tracer", "process %d gone: status 0x%x", t->pid, status);
}

/* The breakpoint thread tid's SIGTRAP comes from (it sits just after
 * one of our int3s), or NULL (a step's trap, a debug register's). */
static struct tracer_bp *bp_under(struct tracer *t, pid_t tid,
				  struct user_regs_struct *r)
{
	struct tracer_bp *bp;
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 ||
	    (si.si_code != SI_KERNEL && si.si_code != TRAP_BRKPT))
		return NULL;
	if (tracer_gpr_get(t, tid, r) < 0)
		return NULL;
	bp = tracer_bp_at(t, r->rip - 1);
	return bp && bp->inserted ? bp : NULL;
}

/* If thread tid sits just after one of our int3s, rewind it and return
 * the breakpoint. */
static struct tracer_bp *bp_hit(struct tracer *t, pid_t tid)
{
	struct user_regs_struct r;
	struct tracer_bp *bp = bp_under(t, tid, &r);

	if (!bp)
		return NULL;
	r.rip -= 1;
	tracer_gpr_set(t, tid, &r);
	return bp;
}

static void cont(struct tracer *t, struct tracer_thread *th, int sig)
{
	int req = th->stepping ? PTRACE_SINGLESTEP :
		  th->sys_stops || th->pw_in_syscall ? PTRACE_SYSCALL :
		  PTRACE_CONT;

	/* A point still waiting for its page may have it now: protect it
	 * (not while a syscall is under way: replay is watching it). */
	if (t->emulate_hw && t->pw_unmapped && req == PTRACE_CONT)
		pw_sync(t);
	tracer_gpr_drop(t, th->tid);
	if (ptrace(req, th->tid, 0, sig) == 0)
		th->stopped = false;
}

void tracer_set_hooks(struct tracer *t, const struct tracer_hooks *h)
{
	if (h)
		t->hooks = *h;
	else
		memset(&t->hooks, 0, sizeof(t->hooks));
}

void tracer_syscall_stops(struct tracer *t, pid_t tid, bool on)
{
	struct tracer_thread *th = tracer_thread_find(t, tid ? tid : t->last_tid);

	if (th)
		th->sys_stops = on;
}

int tracer_waitpid(pid_t pid, int *status)
{
	pid_t w;

	do
		w = waitpid(pid, status, __WALL);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -errno : 0;
}

int tracer_syscall_stop_kind(pid_t tid)
{
	struct {
		uint8_t op;
		uint8_t pad[87];
	} info;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0)
		return -1;
	switch (info.op) {
	case 1: return TRACER_SYS_ENTRY;
	case 2: return TRACER_SYS_EXIT;
	case 3: return TRACER_SYS_SECCOMP;
	default: return -1;
	}
}

/*
 * A syscall stop of tid: run the hook.  Returns the signal to resume
 * with, or TRACER_HOOK_STOP.
 */
static int sys_hook(struct tracer *t, pid_t tid, int kind)
{
	struct user_regs_struct r;

	if (!t->hooks.syscall || kind < 0 ||
	    tracer_gpr_get(t, tid, &r) < 0)
		return 0;
	return t->hooks.syscall(t->hooks.arg, tid, kind, &r);
}

/* An asynchronous signal for tid: what the hook makes of it. */
static int sig_hook(struct tracer *t, pid_t tid, int sig)
{
	struct user_regs_struct r;

	if (!t->hooks.signal || !tracer_is_async_signal(sig) ||
	    tracer_gpr_get(t, tid, &r) < 0)
		return sig;
	return t->hooks.signal(t->hooks.arg, tid, sig, &r);
}

/* A stop of kind `kind` for thread tid, at its pc. */
static void stop_at_pc(struct tracer *t, pid_t tid,
		       enum tracer_stop_kind kind, struct tracer_stop *stop)
{
	struct user_regs_struct r;

	memset(stop, 0, sizeof(*stop));
	stop->kind = kind;
	stop->tid = tid;
	if (tracer_gpr_get(t, tid, &r) == 0)
		stop->addr = r.rip;
}

static void hook_stop(struct tracer *t, pid_t tid, struct tracer_stop *stop)
{
	stop_at_pc(t, tid, TRACER_STOP_HOOK, stop);
}

/* The process died in pagewatch.c's hands: report it now. */
static int report_death(struct tracer *t, struct tracer_stop *stop)
{
	*stop = t->pending;
	t->stop_pending = false;
	return 1;
}

/* Did thread tid (in a SIGSEGV stop) fault on a page we protect? */
static bool pw_fault(struct tracer *t, pid_t tid, uint64_t *addr)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0 ||
	    si.si_code != SEGV_ACCERR)
		return false;
	*addr = (uint64_t)(uintptr_t)si.si_addr;
	return pw_owns(t, *addr);
}

void tracer_reraise(struct tracer *t, pid_t tid, const sigset_t *later)
{
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(later, sig))
			syscall(SYS_tgkill, t->pid, tid, sig);
}

/* After a step's trap: the data watchpoint the instruction set off (the
 * trap's DR6 says so; reading it clears it), or -1. */
static int step_watch_slot(struct tracer *t, pid_t tid)
{
	int slot;

	if (!data_points(t))
		return -1;
	slot = hw_hit(t, tid);
	return slot >= 0 && t->hw[slot].kind != TRACER_HW_EXEC ? slot : -1;
}

/* A step of tid ended: TRACER_STOP_STEP at its pc. */
static void step_stop(struct tracer *t, pid_t tid, struct tracer_stop *stop)
{
	stop_at_pc(t, tid, TRACER_STOP_STEP, stop);
}

/* Put back what a single-step of th lifted. */
static void step_restore(struct tracer *t, struct tracer_thread *th)
{
	struct tracer_bp *bp = th->step_bp ? tracer_bp_at(t, th->step_bp) :
				NULL;

	if (bp && t->alive)
		bp_poke(t, bp, true);
	if (th->step_hw >= 0 && t->alive)
		hw_apply_thread(t, th->tid, -1);
	th->stepping = th->step_cont = th->step_in_syscall = false;
	th->step_bp = 0;
	th->step_hw = -1;
}

/*
 * A single-step over `syscall` leaves the trap flag, our single-step's,
 * in r11, where the instruction saves RFLAGS: a run without us has it
 * clear.  Cleared once the instruction ran (rip at end: just after it),
 * so a stepped moment is the same as an unstepped one (a replay finds
 * it again by its registers).
 */
#define X86_TF 0x100ULL

static void untrap_r11(struct tracer *t, pid_t tid, uint64_t end)
{
	struct user_regs_struct r;

	if (tracer_gpr_get(t, tid, &r) == 0 && r.rip == end &&
	    (r.r11 & X86_TF)) {
		r.r11 &= ~X86_TF;
		tracer_gpr_set(t, tid, &r);
	}
}

/*
 * The end of a single-step that waited in the event loop (thread tid in
 * its trap, or after an emulated watchpoint's step: pw_slot).  1 and
 * *stop to report it, 0 when it only stepped off a breakpoint and runs
 * on.
 */
static int async_step_done(struct tracer *t, pid_t tid, int pw_slot,
			   struct tracer_stop *stop)
{
	struct tracer_thread *th = tracer_thread_find(t, tid);
	bool then_cont, in_syscall;
	int hs = 0, slot = pw_slot;
	uint64_t end;

	if (!th)
		return 0;
	then_cont = th->step_cont;
	in_syscall = th->step_in_syscall;
	end = th->step_end;
	step_restore(t, th);
	untrap_r11(t, tid, end);
	if (in_syscall && th->sys_stops) {
		/* As step_over: the exit hook runs at the step's trap. */
		hs = sys_hook(t, tid, TRACER_SYS_EXIT);
		th = tracer_thread_find(t, tid);
		if (!th)
			return 0;
		if (hs == TRACER_HOOK_STOP) {
			hook_stop(t, tid, stop);
			return 1;
		}
		th->pending_sig = hs > 0 ? hs : 0;
	}
	if (in_syscall && th->pw_in_syscall && slot < 0) {
		slot = pw_syscall_exit(t, tid);
		th = tracer_thread_find(t, tid);
		if (!th)
			return 0;
	}
	if (slot < 0)
		slot = step_watch_slot(t, tid);
	if (slot >= 0) {
		watch_stop(t, tid, slot, stop);
		return 1;
	}
	if (then_cont) {
		cont(t, th, th->pending_sig);
		th->pending_sig = 0;
		return 0;
	}
	step_stop(t, tid, stop);
	return 1;
}

/* Is the instruction at pc `syscall` (0f 05)? */
static bool syscall_insn_at(struct tracer *t, uint64_t pc)
{
	uint8_t insn[2];

	return tracer_read_mem(t, pc, insn, 2) == 2 && insn[0] == 0x0f &&
	       insn[1] == 0x05;
}

long tracer_step_syscall(struct tracer *t, pid_t tid)
{
	struct user_regs_struct r = { 0 };
	int64_t rax;

	tid = tid ? tid : t->last_tid;
	if (!t->alive || tracer_gpr_get(t, tid, &r) < 0)
		return -1;
	rax = (int64_t)r.rax;
	/* -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND and
	 * -ERESTART_RESTARTBLOCK (include/linux/errno.h): it goes back in */
	if (r.orig_rax != (uint64_t)-1 && tracer_syscall_stop_kind(tid) < 0 &&
	    (rax == -512 || rax == -513 || rax == -514 || rax == -516))
		return (long)r.orig_rax;
	if (syscall_insn_at(t, r.rip))
		return (long)r.rax;
	return -1;
}

/* Would a single-step of tid enter a host syscall that may block?  Such
 * a step waits in the event loop instead of in waitpid. */
static bool step_may_block(struct tracer *t, pid_t tid)
{
	return tracer_step_syscall(t, tid) >= 0;
}

/* Start a single-step of th that the event loop sees to its end. */
static int async_step_start(struct tracer *t, struct tracer_thread *th,
			    bool then_cont)
{
	struct user_regs_struct r;
	struct tracer_bp *bp;
	int sig = th->pending_sig;

	if (tracer_gpr_get(t, th->tid, &r) < 0)
		return -ESRCH;
	th->step_bp = 0;
	th->step_hw = hw_exec_at(t, r.rip);
	bp = tracer_bp_at(t, r.rip);
	if (bp && bp->inserted && bp_poke(t, bp, false) == 0)
		th->step_bp = r.rip;
	if (th->step_hw >= 0)
		hw_apply_thread(t, th->tid, th->step_hw);
	th->stepping = true;
	th->step_cont = then_cont;
	th->step_in_syscall = false;
	/* just after the `syscall`: rip is there already when the
	 * syscall was interrupted and goes again */
	th->step_end = r.rip + (syscall_insn_at(t, r.rip) ? 2 : 0);
	th->pending_sig = 0;
	LOG("tracer", "thread %d: a step into a host syscall, from the "
	    "event loop", th->tid);
	cont(t, th, sig);
	if (th->stopped) {	/* ptrace refused: it is gone */
		step_restore(t, th);
		return -ESRCH;
	}
	t->trap_steps++;
	return 0;
}

/* A fault on a watched page while running: 1 and *stop when a point
 * fired, else 0 (the thread runs on). */
static int on_pw_fault(struct tracer *t, pid_t tid, uint64_t addr,
		       struct tracer_stop *stop)
{
	struct tracer_thread *th;
	sigset_t later;
	int slot;

	sigemptyset(&later);
	slot = pw_step_fault(t, tid, addr, &later, stop);
	if (slot == -ESRCH)
		return t->alive ? 0 : 1;
	th = tracer_thread_find(t, tid);
	if (slot == -1 && th && !th->stepping && t->pw_last_pc)
		dt_note_store(t, tid, t->pw_last_pc, t->pw_last_ea,
			      t->pw_last_len, &later);
	tracer_reraise(t, tid, &later);
	if (!th)
		return 0;
	if (th->stepping && slot != -EAGAIN)
		return async_step_done(t, tid, slot, stop);
	if (slot >= 0) {
		watch_stop(t, tid, slot, stop);
		return 1;
	}
	cont(t, th, slot == -EAGAIN ? th->pending_sig : 0);
	th->pending_sig = 0;
	return 0;
}

/* An emulated execute point (a software breakpoint) that only hardware
 * points use: its slot, or -1 (a user's breakpoint is there too). */
static int emulated_exec_slot(struct tracer *t, const struct tracer_bp *bp)
{
	int i, slot = -1, users = 0;

	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].bp_id == bp->id) {
			users++;
			if (slot < 0)
				slot = i;
		}
	return slot >= 0 && bp->refs <= users ? slot : -1;
}

/* A syscall stop (seccomp, entry or exit) in handle_status. */
static int on_syscall_stop(struct tracer *t, pid_t tid, int kind,
			   struct tracer_stop *stop, bool collecting)
{
	struct tracer_thread *th;
	int sig, slot;

	if (kind == TRACER_SYS_SECCOMP && t->pw_npages && !collecting &&
	    pw_syscall_entry(t, tid)) {
		/* Its buffer is near a watched page: it is made again,
		 * with the protection lifted, and comes back here. */
		if (!t->alive)
			return report_death(t, stop);
		th = tracer_thread_find(t, tid);
		if (th)
			cont(t, th, 0);
		return 0;
	}
	if (!t->alive)
		return report_death(t, stop);
	sig = sys_hook(t, tid, kind);
	th = tracer_thread_find(t, tid);
	if (!th)
		return 0;
	if (th->stepping && kind == TRACER_SYS_SECCOMP)
		th->step_in_syscall = true;
	if (sig == TRACER_HOOK_STOP) {
		if (collecting)
			return 0;
		hook_stop(t, tid, stop);
		return 1;
	}
	if (kind == TRACER_SYS_EXIT && th->pw_in_syscall && !collecting) {
		slot = pw_syscall_exit(t, tid);
		if (!t->alive)
			return report_death(t, stop);
		th = tracer_thread_find(t, tid);
		if (slot >= 0 && th) {
			th->pending_sig = sig;
			watch_stop(t, tid, slot, stop);
			return 1;
		}
		if (!th)
			return 0;
	}
	if (collecting)
		th->pending_sig = sig;
	else
		cont(t, th, sig);
	return 0;
}

/*
 * Handle one wait status.  Returns 1 when it is a stop to report (the
 * thread stays stopped), 0 when handled and the thread resumed.
 * `collecting`: we are stopping every thread for a report, so nothing is
 * resumed and nothing new is reported.
 */
static int handle_status(struct tracer *t, pid_t tid, int status,
			 struct tracer_stop *stop, bool collecting)
{
	struct user_regs_struct regs;
	struct tracer_thread *th;
	struct tracer_bp *bp;
	unsigned long msg;
	int sig, event;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (tid == t->pid) {
			if (collecting) {
				t->exit_pending = true;
				t->exit_status = status;
				tracer_thread_del(t, tid);
				return 0;
			}
			tracer_main_gone(t, status, stop);
			return 1;
		}
		tracer_thread_del(t, tid);
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;

	th = thread_add(t, tid);
	th->stopped = true;
	sig = WSTOPSIG(status);
	event = status >> 16;

	switch (event) {
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0)
			thread_add(t, (pid_t)msg);
		/* thread_add may have moved the table: find th again. */
		th = tracer_thread_find(t, tid);
		if (!collecting && th)
			cont(t, th, 0);
		return 0;
	case PTRACE_EVENT_EXEC:
		if (!collecting)
			cont(t, th, 0);
		return 0;
	case PTRACE_EVENT_SECCOMP:
		return on_syscall_stop(t, tid, TRACER_SYS_SECCOMP, stop,
				       collecting);
	case PTRACE_EVENT_STOP:
		if (!th->hw_set && !t->emulate_hw) {
			/* A new thread: give it the debug registers. */
			hw_apply_thread(t, tid, -1);
			th->hw_set = true;
		}
		if (t->interrupt_requested && !collecting) {
			t->interrupt_requested = false;
			memset(stop, 0, sizeof(*stop));
			stop->kind = TRACER_STOP_INTERRUPT;
			stop->tid = tid;
			return 1;
		}
		if (tick_fired && t->tick_fn && !collecting) {
			tick_fired = 0;
			t->tick_due = tracer_run_ns(t) + t->tick_interval;
			t->tick_fn(t->tick_arg, tid);
			if (!t->alive)
				return report_death(t, stop);
			th = tracer_thread_find(t, tid);
			if (th)
				cont(t, th, 0);
			tick_arm(t, true);
			return 0;
		}
		/* A new thread's first stop, a stale interrupt, or a group
		 * stop (UML makes none): nothing to show. */
		if (!collecting)
			cont(t, th, 0);
		return 0;
	case 0:
		break;
	default:
		if (!collecting)
			cont(t, th, 0);
		return 0;
	}

	if (sig == (SIGTRAP | 0x80))	/* tracer_syscall_stops */
		return on_syscall_stop(t, tid, tracer_syscall_stop_kind(tid), stop,
				       collecting);
	if (sig == SIGTRAP && th->stepping && !bp_under(t, tid, &regs)) {
		if (!collecting)
			return async_step_done(t, tid, -1, stop);
		th->pending_sig = 0;	/* its trap; finish_stop ends it */
		return 0;
	}
	if (sig == SIGTRAP && (bp = bp_hit(t, tid))) {
		int slot;

		if (collecting)
			return 0;	/* rewound: it hits again later */
		slot = emulated_exec_slot(t, bp);
		if (slot >= 0) {
			watch_stop(t, tid, slot, stop);
			return 1;
		}
		memset(stop, 0, sizeof(*stop));
		stop->kind = TRACER_STOP_BREAKPOINT;
		stop->tid = tid;
		stop->addr = bp->addr;
		stop->bp = bp->id;
		return 1;
	}
	if (sig == SIGTRAP) {
		int slot = hw_hit(t, tid);

		if (slot >= 0) {
			if (collecting)
				return 0;	/* lost: watchpoints are rare */
			watch_stop(t, tid, slot, stop);
			return 1;
		}
	}
	if (sig == SIGSEGV && t->pw_npages) {
		uint64_t addr;

		if (pw_fault(t, tid, &addr)) {
			if (collecting) {
				/* It faults again when resumed. */
				th->pending_sig = 0;
				return 0;
			}
			return on_pw_fault(t, tid, addr, stop);
		}
	}
	if (collecting) {
		sig = sig_hook(t, tid, sig);
		th = tracer_thread_find(t, tid);
		if (th)
			th->pending_sig = sig == TRACER_HOOK_STOP ? 0 : sig;
		return 0;
	}
	if ((sig == SIGSEGV || sig == SIGBUS) && t->fault_fn) {
		siginfo_t si;

		/* Kernel-generated faults only (si_code > 0), not kill(). */
		if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 &&
		    si.si_code > 0 &&
		    t->fault_fn(t->fault_arg, tid, sig,
				(uint64_t)(uintptr_t)si.si_addr)) {
			th->pending_sig = sig;
			memset(stop, 0, sizeof(*stop));
			stop->kind = TRACER_STOP_SIGNAL;
			stop->tid = tid;
			stop->signo = sig;
			stop->addr = (uint64_t)(uintptr_t)si.si_addr;
			return 1;
		}
	}
	/* Record and replay decide first: a signal they hold or drop
	 * does not exist for the user either. */
	sig = sig_hook(t, tid, sig);
	if (sig == TRACER_HOOK_STOP) {
		hook_stop(t, tid, stop);
		return 1;
	}
	th = tracer_thread_find(t, tid);
	if (!th)
		return 0;
	if (sig && sigismember(&t->stop_signals, sig)) {
		th->pending_sig = sig;
		memset(stop, 0, sizeof(*stop));
		stop->kind = TRACER_STOP_SIGNAL;
		stop->tid = tid;
		stop->signo = sig;
		return 1;
	}
	/* UML's own signal: pass it through unseen. */
	cont(t, th, sig);
	return 0;
}

/* Stop every running thread but the one being reported. */
static void stop_all(struct tracer *t, pid_t except)
{
	struct tracer_stop dummy;
	int i, status;
	pid_t w;

	for (i = 0; i < t->nthreads; i++) {
		struct tracer_thread *th = &t->threads[i];

		if (th->tid == except || th->stopped)
			continue;
		ptrace(PTRACE_INTERRUPT, th->tid, 0, 0);
	}
	for (;;) {
		pid_t waitfor = 0;

		for (i = 0; i < t->nthreads; i++)
			if (!t->threads[i].stopped) {
				waitfor = t->threads[i].tid;
				break;
			}
		if (!waitfor)
			break;
		w = waitpid(waitfor, &status, __WALL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			tracer_thread_del(t, waitfor);
			continue;
		}
		handle_status(t, w, status, &dummy, true);
		/* A thread born meanwhile starts stopped (seized clone). */
	}
	set_running(t, false);
}

static int finish_stop(struct tracer *t, struct tracer_stop *stop)
{
	/* Whatever stopped us also satisfies a pending interrupt. */
	t->interrupt_requested = false;
	if (stop->kind == TRACER_STOP_EXITED ||
	    stop->kind == TRACER_STOP_KILLED)
		return 1;
	stop_all(t, stop->tid);
	set_running(t, false);
	t->last_tid = stop->tid;
	/* What the user sees is the kernel's own code. */
	dt_off(t);
	{
		int i;

		/* A step that waited (Ctrl-C, or another stop): it is over. */
		for (i = 0; i < t->nthreads; i++)
			if (t->threads[i].stepping)
				step_restore(t, &t->threads[i]);
	}
	if (t->exit_pending) {
		/* The process died while we were stopping it. */
		struct tracer_stop gone;

		tracer_main_gone(t, t->exit_status, &gone);
		*stop = gone;
	}
	return 1;
}

static int pump(struct tracer *t, struct tracer_stop *stop, bool block,
		char **cause)
{
	int status;
	pid_t w;

	if (t->stop_pending) {
		t->stop_pending = false;
		*stop = t->pending;
		return 1;
	}
	if (!t->alive)
		return set_cause(cause, -ESRCH, "the process has exited");
	for (;;) {
		w = waitpid(-1, &status, __WALL | (block ? 0 : WNOHANG));
		if (w == 0)
			return 0;
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD) {
				/* Reaped elsewhere: treat as gone. */
				tracer_main_gone(t, 0, stop);
				return 1;
			}
			return set_cause(cause, -errno, "waitpid: %s",
					 errstr(errno));
		}
		if (handle_status(t, w, status, stop, false))
			return finish_stop(t, stop);
	}
}

int tracer_pump(struct tracer *t, struct tracer_stop *stop, char **cause)
{
	return pump(t, stop, false, cause);
}

int tracer_wait(struct tracer *t, struct tracer_stop *stop, char **cause)
{
	return pump(t, stop, true, cause);
}

#define X86_RF 0x10000ULL

/* Take out the int3s soft_step put at to[0..n) over orig[]. */
static void soft_unplant(struct tracer *t, const uint64_t *to,
			 const uint8_t *orig, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--)
		tracer_raw_write(t, to[i], &orig[i], 1);
}

/*
 * Single-step thread tid over an ordinary instruction by int3s on the
 * places it can go next (softstep.c says why and which): plant them,
 * run, take them out, and rewind the pc onto the one it reached.
 * Asynchronous signals that stop it meanwhile are kept in *later, as
 * step_over does.  Returns 1 when the step is done, 0 when nothing ran
 * and the trap flag must step it (with *sync a synchronous signal the
 * instruction raised, for that step to deliver), -1 when the process
 * died (stop filled), -2 when the thread did.
 */
static int soft_step(struct tracer *t, pid_t tid, sigset_t *later,
		     int *sync, struct tracer_stop *stop)
{
	struct user_regs_struct r;
	struct tracer_thread *th;
	uint8_t code[16], orig[2], int3 = INT3;
	uint64_t to[2], pc;
	int n, i, status, sig;
	ssize_t got;
	pid_t w;

	if (t->soft_off || tracer_gpr_get(t, tid, &r) < 0)
		return 0;
	/* At a syscall's entry a run makes the syscall first (a step ends
	 * at its exit). */
	if (r.orig_rax != (uint64_t)-1) {
		int kind = tracer_syscall_stop_kind(tid);

		if (kind == TRACER_SYS_ENTRY || kind == TRACER_SYS_SECCOMP)
			return 0;
	}
	pc = r.rip;
	got = tracer_raw_read(t, pc, code, sizeof(code));
	n = got > 0 ? ss_next(t, &r, code, (size_t)got, to) : 0;
	for (i = 0; i < n; i++) {
		/* the next instruction's first byte was read with this one */
		if (to[i] > pc && to[i] - pc < (uint64_t)got)
			orig[i] = code[to[i] - pc];
		else if (tracer_raw_read(t, to[i], &orig[i], 1) != 1)
			break;
		if (tracer_raw_write(t, to[i], &int3, 1) != 1)
			break;
	}
	if (i < n) {
		soft_unplant(t, to, orig, i);
		n = 0;
	}
	if (!n)
		return 0;
	for (;;) {
		tracer_gpr_drop(t, tid);
		if (ptrace(PTRACE_CONT, tid, 0, 0) < 0) {
			soft_unplant(t, to, orig, n);
			return 0;
		}
		do
			w = waitpid(tid, &status, __WALL);
		while (w < 0 && errno == EINTR);
		if (w < 0) {
			soft_unplant(t, to, orig, n);
			return 0;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid == t->pid) {
				tracer_main_gone(t, status, stop);
				return -1;
			}
			tracer_thread_del(t, tid);
			soft_unplant(t, to, orig, n);
			return -2;
		}
		if (status >> 16)
			continue;	/* no syscall here: not ours */
		sig = WSTOPSIG(status);
		if (tracer_gpr_get(t, tid, &r) < 0) {
			soft_unplant(t, to, orig, n);
			return 0;
		}
		for (i = 0; sig == SIGTRAP && i < n; i++)
			if (r.rip == to[i] + 1)
				break;
		if (sig == SIGTRAP && i < n) {
			soft_unplant(t, to, orig, n);
			r.rip = to[i];
			tracer_gpr_set(t, tid, &r);
			t->soft_steps++;
			return 1;
		}
		if (tracer_is_async_signal(sig)) {
			/* It came before the instruction, or after it and
			 * before the int3 (then the step is done). */
			int hs = t->hooks.signal ? sig_hook(t, tid, sig) : sig;

			if (hs > 0)
				sigaddset(later, hs);
			if (r.rip == pc)
				continue;
			soft_unplant(t, to, orig, n);
			t->soft_steps++;
			return 1;
		}
		soft_unplant(t, to, orig, n);
		if (r.rip == pc) {
			/* The instruction faulted: the trap flag's step
			 * delivers the fault, into the handler. */
			*sync = sig;
			return 0;
		}
		for (i = 0; i < n && r.rip != to[i]; i++)
			;
		if (i < n) {
			/* Done, and the next instruction's fetch faulted (a
			 * jump to a page that is not code): a trap-flag
			 * step ends before it, and so does this one; the
			 * fault comes again when it goes on.  The fault set
			 * the resume flag in RFLAGS: not a step's. */
			if (r.eflags & X86_RF) {
				r.eflags &= ~X86_RF;
				tracer_gpr_set(t, tid, &r);
			}
			t->soft_steps++;
			return 1;
		}
		/* Nowhere it could go: not a step's end.  Said, and the
		 * signal kept for the next resume. */
		LOG("tracer", "thread %d: a step by int3 from 0x%llx stopped "
		    "at 0x%llx (signal %d)", tid, (unsigned long long)pc,
		    (unsigned long long)r.rip, sig);
		th = tracer_thread_find(t, tid);
		if (th)
			th->pending_sig = sig;
		t->soft_steps++;
		return 1;
	}
}

/*
 * Single-step thread th over the instruction at its pc with any
 * breakpoint there lifted.  Asynchronous signals arriving meanwhile are
 * re-raised afterwards; synchronous ones are delivered in the step.
 * Returns 0, 1 if the process died, 2 if a syscall hook asked to stop,
 * 3 if the instruction set off a data watchpoint (stop filled for 1-3).
 */
static int step_over(struct tracer *t, struct tracer_thread *th,
		     struct tracer_stop *stop)
{
	struct user_regs_struct r;
	struct tracer_bp *bp;
	int deliver = th->pending_sig, status, sig, hw_slot, pw_slot = -1;
	/* th points into t->threads, which thread_add may move: keep the
	 * tid and look the thread up again where it is needed. */
	pid_t tid = th->tid, w;
	uint64_t fault;
	bool in_syscall = false, hook_stopped = false, trapped = false;
	sigset_t later;

	sigemptyset(&later);
	if (tracer_gpr_get(t, tid, &r) < 0)
		return 0;
	bp = tracer_bp_at(t, r.rip);
	if (bp && bp->inserted)
		bp_poke(t, bp, false);
	else
		bp = NULL;
	/* A hardware execute breakpoint here would fire again at once. */
	hw_slot = hw_exec_at(t, r.rip);
	if (hw_slot >= 0)
		hw_apply_thread(t, tid, hw_slot);
	th->pending_sig = 0;
	th = NULL;
	if (deliver && tracer_is_async_signal(deliver)) {
		sigaddset(&later, deliver);
		deliver = 0;
	}
	/* By int3s where it can, without watchpoints (their traps and
	 * faults come from the step) and with no signal to deliver. */
	if (!deliver && !t->pw_npages && !tracer_hw_count(t)) {
		int soft = soft_step(t, tid, &later, &deliver, stop);

		if (soft == -1)
			return 1;
		trapped = soft == 1;
		if (soft == -2)
			goto done;
	}
	for (; !trapped;) {
		tracer_gpr_drop(t, tid);
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, deliver) < 0)
			break;
		t->trap_steps++;
		deliver = 0;
		w = waitpid(tid, &status, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid == t->pid) {
				tracer_main_gone(t, status, stop);
				return 1;
			}
			tracer_thread_del(t, tid);
			goto done;
		}
		sig = WSTOPSIG(status);
		if (status >> 16 == PTRACE_EVENT_CLONE) {
			unsigned long msg;

			if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0)
				thread_add(t, (pid_t)msg)->stopped = false;
			continue;	/* clone done; the step goes on */
		}
		if (status >> 16 == PTRACE_EVENT_SECCOMP) {
			/* Stepping over a traced syscall: its hooks run as in
			 * a continue; the step completes at its exit. */
			int hs;

			if (t->pw_npages && pw_syscall_entry(t, tid))
				continue;	/* made again, lifted */
			if (!t->alive) {
				report_death(t, stop);
				return 1;
			}
			hs = sys_hook(t, tid, TRACER_SYS_SECCOMP);

			in_syscall = true;
			if (hs == TRACER_HOOK_STOP) {
				hook_stopped = true;
				break;
			}
			if (hs > 0)
				deliver = hs;
			continue;
		}
		if (status >> 16)
			continue;
		if (sig == SIGTRAP) {
			struct tracer_thread *sth = tracer_thread_find(t, tid);

			if (in_syscall && sth && sth->sys_stops) {
				int hs = sys_hook(t, tid, TRACER_SYS_EXIT);

				if (hs == TRACER_HOOK_STOP)
					hook_stopped = true;
				else if (hs > 0)
					sth->pending_sig = hs;
			}
			if (in_syscall && sth && sth->pw_in_syscall)
				pw_slot = pw_syscall_exit(t, tid);
			trapped = true;
			break;
		}
		if (sig == SIGSEGV && t->pw_npages && pw_fault(t, tid, &fault)) {
			/* A watched page: the instruction runs lifted, and
			 * that ends the step. */
			pw_slot = pw_step_fault(t, tid, fault, &later, stop);
			if (pw_slot == -ESRCH && !t->alive)
				return 1;
			if (pw_slot == -EAGAIN) {
				struct tracer_thread *sth =
					tracer_thread_find(t, tid);

				deliver = sth ? sth->pending_sig : 0;
				if (sth)
					sth->pending_sig = 0;
				continue;
			}
			trapped = true;
			break;
		}
		if (tracer_is_async_signal(sig) && t->hooks.signal) {
			int hs = sig_hook(t, tid, sig);

			if (hs > 0)
				sigaddset(&later, hs);
			continue;
		}
		if (tracer_is_async_signal(sig))
			sigaddset(&later, sig);
		else
			deliver = sig;
	}
done:
	if (bp && t->alive)
		bp_poke(t, bp, true);
	if (hw_slot >= 0 && t->alive)
		hw_apply_thread(t, tid, -1);
	tracer_reraise(t, tid, &later);
	if (hook_stopped && t->alive) {
		hook_stop(t, tid, stop);
		return 2;
	}
	if (pw_slot >= 0 && t->alive) {
		watch_stop(t, tid, pw_slot, stop);
		return 3;
	}
	if (trapped && t->alive) {
		int slot = step_watch_slot(t, tid);

		if (slot >= 0) {
			watch_stop(t, tid, slot, stop);
			return 3;
		}
	}
	return 0;
}

/* Before the process runs: the emulated points' protection. */
static int arm(struct tracer *t)
{
	int i;

	for (i = 0; i < t->nthreads; i++)
		t->threads[i].pw_in_syscall = false;
	if (!t->pw_npages && !tracer_hw_count(t))
		return 0;
	return pw_sync(t);
}

bool tracer_point_at(struct tracer *t, uint64_t pc)
{
	return tracer_bp_at(t, pc) || hw_exec_at(t, pc) >= 0;
}

int tracer_resume(struct tracer *t, char **cause)
{
	struct tracer_stop st;
	int i;

	if (!t->alive)
		return set_cause(cause, -ESRCH, "the process has exited");
	if (t->running)
		return 0;
	tracer_pin_steps(t, false);
	if (t->emulate_hw && arm(t) < 0 && !t->alive) {
		t->stop_pending = true;
		return 1;
	}
	/*
	 * Step the reported thread off its breakpoint.  Other threads that
	 * hit one while we stopped everything were rewound onto it and
	 * must hit it again, so they are not stepped.
	 */
	for (i = 0; i < t->nthreads; i++) {
		struct tracer_thread *th = &t->threads[i];
		struct user_regs_struct r;

		if (!th->stopped || th->tid != t->last_tid)
			continue;
		if (tracer_gpr_get(t, th->tid, &r) == 0 &&
		    (tracer_bp_at(t, r.rip) || hw_exec_at(t, r.rip) >= 0) &&
		    step_may_block(t, th->tid)) {
			/* Off the breakpoint from the event loop; it runs on
			 * at the step's end (async_step_done). */
			if (async_step_start(t, th, true) < 0)
				return set_cause(cause, -ESRCH, "thread %d "
						 "vanished", th->tid);
			break;
		}
		if (tracer_gpr_get(t, th->tid, &r) == 0 &&
		    (tracer_bp_at(t, r.rip) || hw_exec_at(t, r.rip) >= 0) &&
		    step_over(t, th, &st)) {
			/* It died, a hook stopped it, or it set off a
			 * watchpoint, meanwhile: the next pump reports it. */
			t->pending = st;
			t->stop_pending = true;
			return 1;
		}
		break;
	}
	for (i = 0; i < t->nthreads; i++) {
		struct tracer_thread *th = &t->threads[i];

		if (!th->stopped)
			continue;
		cont(t, th, th->pending_sig);
		th->pending_sig = 0;
	}
	set_running(t, true);
	return 0;
}

int tracer_step(struct tracer *t, pid_t tid, struct tracer_stop *stop,
		char **cause)
{
	struct tracer_thread *th;

	if (!t->alive)
		return set_cause(cause, -ESRCH, "the process has exited");
	th = tracer_thread_find(t, tid ? tid : t->last_tid);
	if (!th || !th->stopped)
		return set_cause(cause, -ESRCH, "no stopped thread %d", tid);
	tid = th->tid;
	tracer_pin_steps(t, true);
	if (t->emulate_hw && arm(t) < 0 && !t->alive) {
		report_death(t, stop);
		return 1;
	}
	th = tracer_thread_find(t, tid);
	if (!th)
		return set_cause(cause, -ESRCH, "no stopped thread %d", tid);
	if (step_may_block(t, tid)) {
		/* Into a host syscall (the kernel idles in sigsuspend, or
		 * waits for a child): the event loop sees it to its end. */
		t->last_tid = tid;
		memset(stop, 0, sizeof(*stop));
		if (async_step_start(t, th, false) < 0)
			return set_cause(cause, -ESRCH, "thread %d vanished",
					 tid);
		set_running(t, true);
		return 0;
	}
	if (step_over(t, th, stop)) {
		t->last_tid = tid;
		return 1;
	}
	step_stop(t, tid, stop);
	t->last_tid = tid;
	return 1;
}

int tracer_interrupt(struct tracer *t)
{
	struct tracer_thread *th = tracer_thread_find(t, t->pid);
	pid_t tid = t->pid;
	int i;

	if (!t->alive || !t->running)
		return 0;
	/* The main thread, unless it is held while another one steps. */
	for (i = 0; th && th->stopped && i < t->nthreads; i++)
		if (!t->threads[i].stopped)
			tid = t->threads[i].tid;
	t->interrupt_requested = true;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -errno;
	return 0;
}

void tracer_kill(struct tracer *t)
{
	int status;

	if (!t->alive)
		return;
	kill(t->pid, SIGKILL);
	/* Reap every thread; the leader's status comes last. */
	for (;;) {
		pid_t w = waitpid(-1, &status, __WALL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 || (w == t->pid &&
			      (WIFEXITED(status) || WIFSIGNALED(status))))
			break;
	}
	mark_dead(t);
}

void tracer_free(struct tracer *t)
{
	if (!t)
		return;
	tracer_kill(t);
	t->step_pin = false;
	pw_pin(t, false);
	/* The init leaves with the last checkpoint made in its
	 * namespace, or now. */
	tracer_ns_put(t->ns);
	dt_reset(t);
	if (t->soft_steps || t->trap_steps)
		LOG("tracer", "single-steps: %lu by int3, %lu by the trap flag",
		    t->soft_steps, t->trap_steps);
	ss_free(t);
	free(t->threads);
	free(t->bps);
	free(t);
}
