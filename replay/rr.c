/*
 * replay/rr.c - the recorder and the replayer (replay/replay.h).
 *
 * Owns: the trace being written or read, the event counter (traced
 * syscalls completed), the syscall in flight between its seccomp stop and
 * its exit stop, and the signal sets: `held` (asynchronous signals taken
 * at delivery during recording, waiting for the next event) and
 * `injected` (signals we sent with tgkill and let through when they
 * arrive).
 * Invariants: every traced syscall is one RR_REC_SYSCALL record, written
 * at its exit, followed by the RR_REC_SIGNAL records of the signals that
 * were pending when it started; in replay `event` counts the records
 * consumed, so a divergence names the record that did not match.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../lib/lib.h"
#include "internal.h"

const void *rr_seccomp_filter(void)
{
	/* allow-by-default; a jump to TRACE for each listed syscall */
	static struct sock_filter prog[4 + 64 + 2];
	static struct sock_fprog fprog;
	size_t i, n = 0;

	if (fprog.len)
		return &fprog;
	BUG_ON(rr_sys_count > 64);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		AUDIT_ARCH_X86_64, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		offsetof(struct seccomp_data, nr));
	for (i = 0; i < rr_sys_count; i++)
		prog[n++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)rr_sys_table[i].nr,
			(uint8_t)(rr_sys_count - i), 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		SECCOMP_RET_TRACE);
	fprog.len = (unsigned short)n;
	fprog.filter = prog;
	return &fprog;
}

/* ---- helpers ------------------------------------------------------------ */

static uint64_t arg_of(const struct user_regs_struct *r, int i)
{
	switch (i) {
	case 0: return r->rdi;
	case 1: return r->rsi;
	case 2: return r->rdx;
	case 3: return r->r10;
	case 4: return r->r8;
	default: return r->r9;
	}
}

/* stat() of the kernel process's fd (through /proc/PID/fd). */
static bool fd_stat(struct rr *rr, uint64_t fd, struct stat *st)
{
	char path[64];

	if (fd > 65535)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tracer_pid(rr->t),
		 (int)fd);
	return stat(path, st) == 0;
}

static bool is_console(struct rr *rr, uint64_t fd)
{
	struct stat st;

	return fd_stat(rr, fd, &st) && S_ISFIFO(st.st_mode) &&
	       (st.st_ino == rr->console_ino[0] ||
		st.st_ino == rr->console_ino[1]);
}

/* Is fd a pseudo-terminal (/dev/ptmx or a /dev/pts slave)?  How much a
 * pty read or write moves depends on when the host's tty layer pushes
 * the bytes through, so their I/O is emulated (UML's boot tests that
 * ptys raise SIGIO with one). */
static bool is_pty(struct rr *rr, uint64_t fd)
{
	struct stat st;

	return fd_stat(rr, fd, &st) && S_ISCHR(st.st_mode) &&
	       ((major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) ||
		st.st_rdev == makedev(5, 2));
}

/* How many output bytes an ioctl request writes (console requests). */
static uint32_t ioctl_out_len(uint64_t req)
{
	switch (req) {
	case TCGETS: return 36;		/* struct termios (asm-generic) */
	case TIOCGWINSZ: return 8;	/* struct winsize */
	case FIONREAD: return 4;
	default:
		if (_IOC_DIR(req) & _IOC_READ)
			return _IOC_SIZE(req);
		return 0;
	}
}

/* Output bytes of syscall sys: at *addr, how many.  0: none. */
static uint32_t out_len(const struct rr_sys *sys, const uint64_t *args,
			int64_t res, uint64_t *addr)
{
	*addr = args[sys->out_arg];
	if (!*addr || res < 0)
		return 0;
	switch (sys->len) {
	case RR_LEN_RESULT:
		return res > (int64_t)TRACE_MAX_RECORD / 2 ? 0 : (uint32_t)res;
	case RR_LEN_FIXED:
		return sys->size;
	case RR_LEN_EPOLL:
		return res > 4096 ? 0 : (uint32_t)res * 12;
	case RR_LEN_POLL:
		return args[1] > 4096 ? 0 : (uint32_t)args[1] * 8;
	case RR_LEN_IOCTL:
		return res == 0 ? ioctl_out_len(args[1]) : 0;
	default:
		return 0;
	}
}

static uint32_t mem_crc(struct rr *rr, uint64_t addr, uint64_t len,
			struct strbuf *keep)
{
	uint8_t buf[65536];
	uint32_t crc = 0;
	ssize_t n;

	while (len) {
		size_t chunk = len < sizeof(buf) ? len : sizeof(buf);

		n = tracer_read_mem(rr->t, addr, buf, chunk);
		if (n <= 0)
			break;
		crc = trace_crc32(crc, buf, (size_t)n);
		if (keep)
			strbuf_add(keep, buf, (size_t)n);
		addr += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return crc;
}

static int stop_with(struct rr *rr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int stop_with(struct rr *rr, const char *fmt, ...)
{
	va_list ap;

	free(rr->why);
	va_start(ap, fmt);
	rr->why = xvasprintf(fmt, ap);
	va_end(ap);
	return TRACER_HOOK_STOP;
}

/* A divergence: the replay stops here and at every later syscall. */
#define diverge(rr, ...) ((rr)->diverged = true, stop_with(rr, __VA_ARGS__))

/* "name(a0, a1, a2)": the first n (3 to 6) arguments. */
static void describe_call(struct strbuf *sb, uint32_t nr, const uint64_t *a,
			  int n)
{
	const struct rr_sys *sys = rr_sys_lookup(nr);
	int i;

	if (sys)
		strbuf_addf(sb, "%s", sys->name);
	else
		strbuf_addf(sb, "syscall_%u", nr);
	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%#llx", i ? ", " : "(",
			    (unsigned long long)a[i]);
	strbuf_addf(sb, ")");
}

/* What replay does with a call: its flags, from the policy table and
 * the fds it names, never from a trace file. */
static uint32_t policy_flags(struct rr *rr, const struct rr_sys *sys,
			     const uint64_t *args)
{
	switch (sys->policy) {
	case RR_P_EMUL:
		return RR_F_EMUL;
	case RR_P_CONS_IN: case RR_P_CONS_OUT: case RR_P_CONS_CTL:
		if (is_console(rr, args[0]))
			return RR_F_EMUL | RR_F_CONSOLE;
		if (sys->policy != RR_P_CONS_CTL && is_pty(rr, args[0]))
			return RR_F_EMUL;
		/* A new pty's number depends on how many the host has open
		 * (UML's boot opens one to test SIGIO). */
		if (sys->policy == RR_P_CONS_CTL && args[1] == TIOCGPTN)
			return RR_F_EMUL;
		return 0;
	default:
		return 0;
	}
}

/* ---- recording ---------------------------------------------------------- */

static int record_append(struct rr *rr, uint32_t type, const void *d,
			 uint32_t len)
{
	int err;

	if (rr->write_failed)
		return 0;
	err = trace_append(rr->w, type, d, len);
	if (err < 0) {
		/* Keep the guest running; the trace says "truncated". */
		rr->write_failed = true;
		rr->write_errno = -err;
	}
	return 0;
}

/* The path a path syscall was given, as a blob (for `trace dump`): the
 * string at addr up to its NUL, at most PATH_MAX bytes. */
static bool add_path(struct rr *rr, uint64_t addr, struct strbuf *out)
{
	char buf[PATH_MAX];
	uint32_t len = 0;

	while (len < sizeof(buf)) {
		uint64_t a = addr + len;
		size_t chunk = 4096 - (a & 4095);
		ssize_t got;
		void *nul;

		if (chunk > sizeof(buf) - len)
			chunk = sizeof(buf) - len;
		got = tracer_read_mem(rr->t, a, buf + len, chunk);
		if (got <= 0)
			return false;
		if ((nul = memchr(buf + len, 0, (size_t)got))) {
			len = (uint32_t)((char *)nul - buf);
			strbuf_add(out, &addr, 8);
			strbuf_add(out, &len, 4);
			strbuf_add(out, buf, len);
			return true;
		}
		len += (uint32_t)got;
	}
	return false;
}

static int record_syscall(struct rr *rr, pid_t tid, enum tracer_sys_kind kind,
			  struct user_regs_struct *r)
{
	struct rr_sysrec rec;
	struct strbuf out;
	uint64_t addr;
	uint32_t len, nblobs = 0;
	int i, sig;

	if (kind == TRACER_SYS_SECCOMP) {
		rr->sys = rr_sys_lookup((long)r->orig_rax);
		if (!rr->sys)
			return 0;
		rr->in_flight = true;
		rr->nr = (uint32_t)r->orig_rax;
		for (i = 0; i < 6; i++)
			rr->args[i] = arg_of(r, i);
		rr->flags = policy_flags(rr, rr->sys, rr->args);
		strbuf_reset(&rr->in);
		rr->in_crc = 0;
		if (rr->sys->policy == RR_P_CONS_OUT)
			rr->in_crc = mem_crc(rr, rr->args[1], rr->args[2],
					     rr->flags & RR_F_CONSOLE ?
					     &rr->in : NULL);
		/* Signals held since the last event are sent now: they are
		 * pending when this syscall starts, in replay as here. */
		rr->nsigs = 0;
		for (sig = 1; sig < NSIG; sig++) {
			if (!sigismember(&rr->held, sig) ||
			    rr->nsigs == RR_MAX_SIGS)
				continue;
			sigdelset(&rr->held, sig);
			sigaddset(&rr->injected, sig);
			rr->sigs[rr->nsigs++] = sig;
			syscall(SYS_tgkill, tracer_pid(rr->t), tid, sig);
		}
		rr->just_exited = false;
		tracer_syscall_stops(rr->t, tid, true);
		return 0;
	}
	if (kind != TRACER_SYS_EXIT || !rr->in_flight)
		return 0;
	tracer_syscall_stops(rr->t, tid, false);
	rr->in_flight = false;

	memset(&rec, 0, sizeof(rec));
	rec.event = rr->event;
	rec.nr = rr->nr;
	rec.flags = rr->flags;
	memcpy(rec.args, rr->args, sizeof(rec.args));
	rec.result = (int64_t)r->rax;
	rec.crc = rr->in_crc;
	strbuf_init(&out);
	strbuf_add(&out, &rec, sizeof(rec));
	if (rr->flags & RR_F_CONSOLE && rr->sys->policy == RR_P_CONS_OUT &&
	    rec.result > 0) {
		/* The bytes written: `trace dump` shows them and replay
		 * prints them. */
		len = (uint32_t)(rec.result < (int64_t)rr->in.len ?
				 (uint64_t)rec.result : rr->in.len);
		addr = rr->args[1];
		strbuf_add(&out, &addr, 8);
		strbuf_add(&out, &len, 4);
		strbuf_add(&out, rr->in.buf, len);
		nblobs++;
	}
	len = out_len(rr->sys, rr->args, rec.result, &addr);
	if (len && rr->flags & RR_F_EMUL) {
		size_t at = out.len;

		strbuf_add(&out, &addr, 8);
		strbuf_add(&out, &len, 4);
		strbuf_grow_to(&out, out.len + len);
		if (tracer_read_mem(rr->t, addr, out.buf + out.len, len) !=
		    (ssize_t)len) {
			out.len = at;	/* unreadable: replay will see */
		} else {
			out.len += len;
			nblobs++;
		}
	} else if (len && rr->sys->policy != RR_P_EXEC) {
		((struct rr_sysrec *)out.buf)->crc = mem_crc(rr, addr, len,
							     NULL);
	}
	if (!nblobs && (i = rr_path_arg((long)rr->nr)) >= 0 &&
	    add_path(rr, rr->args[i], &out)) {
		((struct rr_sysrec *)out.buf)->flags |= RR_F_PATH;
		nblobs++;
	}
	((struct rr_sysrec *)out.buf)->nblobs = nblobs;
	record_append(rr, RR_REC_SYSCALL, out.buf, (uint32_t)out.len);
	strbuf_release(&out);
	for (i = 0; i < rr->nsigs; i++) {
		struct rr_sigrec s = { rr->event, (uint32_t)rr->sigs[i], 0 };

		record_append(rr, RR_REC_SIGNAL, &s, sizeof(s));
	}
	rr->nsigs = 0;
	rr->event++;
	rr->just_exited = true;
	rr->last_result = rec.result;
	return 0;
}

static int record_signal(struct rr *rr, pid_t tid, int sig,
			 const struct user_regs_struct *r)
{
	(void)tid;
	(void)r;
	if (sigismember(&rr->injected, sig)) {
		sigdelset(&rr->injected, sig);
		return sig;
	}
	if (rr->just_exited && (int64_t)r->orig_rax == (int64_t)rr->nr &&
	    (int64_t)r->rax == rr->last_result &&
	    rr_is_interrupt(rr->last_result)) {
		/* It interrupted the traced syscall that just returned:
		 * in replay it is pending when that syscall starts, which
		 * then returns at once with the same result. */
		struct rr_sigrec s = { rr->event - 1, (uint32_t)sig, 0 };

		record_append(rr, RR_REC_SIGNAL, &s, sizeof(s));
		rr->just_exited = false;
		return sig;
	}
	/* Anywhere else it arrived at a moment replay cannot find: hold it
	 * for the next traced syscall (UML masks interrupts in software and
	 * takes them late anyway). */
	sigaddset(&rr->held, sig);
	return 0;
}

/* ---- replay -------------------------------------------------------------- */

/*
 * Does a syscall that replay runs for real change host state that the
 * kernel process shares with its forks (checkpoints): a file's offset or
 * flags, a file or directory, an epoll set?  Those cannot be taken back
 * by restoring a checkpoint.  Console calls never run for real.
 */
static bool changes_host(uint32_t nr, const uint64_t *a)
{
	switch (nr) {
	case SYS_read:		/* the offset */
	case SYS_write:
	case SYS_pwrite64:
	case SYS_lseek:
	case SYS_getdents64:
	case SYS_mkdir:
	case SYS_unlink:
	case SYS_rmdir:
	case SYS_bind:
	case SYS_fallocate:
	case SYS_ftruncate:
	case SYS_epoll_ctl:
	case SYS_ioctl:
		return true;
	case SYS_open:
		return a[1] & (O_CREAT | O_TRUNC);
	case SYS_openat:
		return a[2] & (O_CREAT | O_TRUNC);
	case SYS_fcntl:
		return a[1] == F_SETFL || a[1] == F_SETOWN ||
		       a[1] == F_SETSIG || a[1] == F_SETOWN_EX ||
		       a[1] == F_SETLK || a[1] == F_SETLKW ||
		       a[1] == F_SETPIPE_SZ || a[1] == F_SETLEASE;
	default:
		return false;
	}
}

uint64_t rr_host_changes(const struct rr *rr)
{
	return rr->host_changes;
}

/* Read the next record into rr->next (peek).  0 at the end. */
static int peek(struct rr *rr)
{
	char *cause = NULL;
	int err;

	if (rr->have_next)
		return 1;
	if (rr->ended)
		return 0;
	err = trace_next(rr->r, &rr->next_type, &rr->next_data,
			 &rr->next_len, &cause);
	if (err <= 0) {
		rr->ended = true;
		if (err < 0) {
			free(rr->end_cause);
			rr->end_cause = cause;
		} else {
			free(cause);
		}
		return 0;
	}
	rr->have_next = true;
	return 1;
}

static int replay_at_end(struct rr *rr)
{
	rr->at_end = true;
	if (rr->end_cause)
		return stop_with(rr, "the recording ends early, after event "
				 "%llu: %s", (unsigned long long)rr->event,
				 rr->end_cause);
	return stop_with(rr, "the recording ends here, after event %llu",
			 (unsigned long long)rr->event);
}

/* Parse the SYSCALL record in rr->next into rr->cur: its blobs must lie
 * inside it. */
static bool parse_sysrec(struct rr *rr)
{
	const uint8_t *d = rr->next_data, *end = d + rr->next_len;
	uint32_t i;

	if (rr->next_len < sizeof(struct rr_sysrec))
		return false;
	memcpy(&rr->cur, d, sizeof(rr->cur));
	d += sizeof(rr->cur);
	rr->cur_blobs = d;
	if (rr->cur.nblobs > 1)
		return false;
	for (i = 0; i < rr->cur.nblobs; i++) {
		uint32_t len;

		if (end - d < 12)
			return false;
		memcpy(&len, d + 8, 4);
		if ((size_t)(end - d - 12) < len)
			return false;
		d += 12 + len;
	}
	return true;
}

/*
 * May this record's blob be used?  Only where the recorder could have
 * taken it: the call's own output buffer (or, for a console write, the
 * bytes it writes), no longer than the call could fill.  A trace is
 * outside input: it must not make replay write anywhere else.
 */
static bool blob_fits(struct rr *rr, const uint64_t *args)
{
	uint64_t addr, want;
	uint32_t len, max;

	if (!rr->cur.nblobs || rr->cur.flags & RR_F_PATH)
		return true;	/* a path is for reading, never written */
	memcpy(&addr, rr->cur_blobs, 8);
	memcpy(&len, rr->cur_blobs + 8, 4);
	if (rr->sys->policy == RR_P_CONS_OUT)
		return addr == args[1] && len <= args[2] &&
		       (int64_t)len <= rr->cur.result;
	max = out_len(rr->sys, args, rr->cur.result, &want);
	return addr == want && len <= max;
}

static int replay_syscall(struct rr *rr, pid_t tid, enum tracer_sys_kind kind,
			  struct user_regs_struct *r)
{
	uint64_t args[6], addr;
	const uint8_t *b;
	uint32_t i, len, crc, flags;
	struct strbuf sb;
	bool console;

	if (rr->diverged)
		return TRACER_HOOK_STOP;	/* rr->why still says why */
	if (kind == TRACER_SYS_EXIT && rr->in_flight) {
		tracer_syscall_stops(rr->t, tid, false);
		rr->in_flight = false;
		if ((int64_t)r->rax != rr->cur.result) {
			strbuf_init(&sb);
			describe_call(&sb, rr->cur.nr, rr->cur.args, 3);
			diverge(rr, "replay diverged at event %llu: %s "
				  "returned %lld, the recording says %lld",
				  (unsigned long long)rr->event, sb.buf,
				  (long long)(int64_t)r->rax,
				  (long long)rr->cur.result);
			strbuf_release(&sb);
			return TRACER_HOOK_STOP;
		}
		len = out_len(rr->sys, rr->cur.args, rr->cur.result, &addr);
		if (len && rr->sys->policy != RR_P_EXEC &&
		    (crc = mem_crc(rr, addr, len, NULL)) != rr->cur.crc) {
			strbuf_init(&sb);
			describe_call(&sb, rr->cur.nr, rr->cur.args, 3);
			diverge(rr, "replay diverged at event %llu: %s read "
				  "other bytes than in the recording",
				  (unsigned long long)rr->event, sb.buf);
			strbuf_release(&sb);
			return TRACER_HOOK_STOP;
		}
		rr->event++;
		return 0;
	}
	if (kind != TRACER_SYS_SECCOMP)
		return 0;
	/* Not ours: the filter of emulated watchpoints (tracer/pagewatch.c)
	 * stops other syscalls too; they are no events, as in recording. */
	if (!rr_sys_lookup((long)r->orig_rax))
		return 0;

	if (rr->stop_event_set && rr->event == rr->stop_event) {
		/* `goto EVENT`: here, before the syscall runs.  Resuming
		 * comes back to this stop, now to go on. */
		rr->stop_event_set = false;
		rr->at_event_stop = true;
		tracer_syscall_stops(rr->t, tid, false);
		return stop_with(rr, "at event %llu",
				 (unsigned long long)rr->event);
	}
	rr->at_event_stop = false;
	if (rr->in_flight)
		return diverge(rr, "replay cannot go on at event %llu: a second "
			       "thread makes a traced syscall while another "
			       "is in one", (unsigned long long)rr->event);
	if (!peek(rr))
		return replay_at_end(rr);
	if (rr->next_type == RR_REC_END)
		return replay_at_end(rr);
	if (rr->next_type != RR_REC_SYSCALL || !parse_sysrec(rr) ||
	    rr->cur.event != rr->event)
		return diverge(rr, "replay cannot go on at event %llu: the "
			       "trace's next record is not that syscall",
			       (unsigned long long)rr->event);
	for (i = 0; i < 6; i++)
		args[i] = arg_of(r, (int)i);
	if (rr->cur.nr != (uint32_t)r->orig_rax ||
	    memcmp(args, rr->cur.args, sizeof(args))) {
		struct strbuf want;
		int n = 3;

		/* up to the last argument that differs */
		for (i = 3; i < 6; i++)
			if (args[i] != rr->cur.args[i])
				n = (int)i + 1;
		strbuf_init(&sb);
		strbuf_init(&want);
		describe_call(&want, rr->cur.nr, rr->cur.args, n);
		describe_call(&sb, (uint32_t)r->orig_rax, args, n);
		diverge(rr, "replay diverged at event %llu: the recording "
			  "has %s, the kernel now makes %s",
			  (unsigned long long)rr->event, want.buf, sb.buf);
		strbuf_release(&sb);
		strbuf_release(&want);
		return TRACER_HOOK_STOP;
	}
	rr->sys = rr_sys_lookup((long)rr->cur.nr);
	if (!rr->sys)
		return diverge(rr, "replay cannot go on at event %llu: "
			       "syscall %u is not one umdbg traces",
			       (unsigned long long)rr->event, rr->cur.nr);
	flags = policy_flags(rr, rr->sys, args);
	console = flags & RR_F_CONSOLE;
	if (flags != (rr->cur.flags & ~(uint32_t)RR_F_PATH))
		return diverge(rr, "replay diverged at event %llu: %s on fd "
			       "%llu is %s now, %s in the recording",
			       (unsigned long long)rr->event, rr->sys->name,
			       (unsigned long long)args[0],
			       console ? "the console" : "not the console",
			       rr->cur.flags & RR_F_CONSOLE ? "the console" :
			       "not the console");
	if (!blob_fits(rr, args))
		return diverge(rr, "replay cannot go on at event %llu: the "
			       "trace's data for %s does not fit the call",
			       (unsigned long long)rr->event, rr->sys->name);
	if (rr->sys->policy == RR_P_CONS_OUT &&
	    (crc = mem_crc(rr, args[1], args[2], NULL)) != rr->cur.crc)
		return diverge(rr, "replay diverged at event %llu: write to "
			       "fd %llu of other bytes than recorded",
			       (unsigned long long)rr->event,
			       (unsigned long long)args[0]);
	/* Every check passed: this record is used up. */
	rr->have_next = false;

	/* The signals pending when this syscall started. */
	while (peek(rr) && rr->next_type == RR_REC_SIGNAL &&
	       rr->next_len >= sizeof(struct rr_sigrec)) {
		struct rr_sigrec s;

		memcpy(&s, rr->next_data, sizeof(s));
		if (s.event != rr->event || s.sig == 0 || s.sig >= NSIG)
			break;
		rr->have_next = false;
		sigaddset(&rr->injected, (int)s.sig);
		syscall(SYS_tgkill, tracer_pid(rr->t), tid, (int)s.sig);
	}

	if (rr->cur.flags & RR_F_EMUL && !rr_is_interrupt(rr->cur.result)) {
		b = rr->cur_blobs;
		for (i = 0; i < rr->cur.nblobs; i++) {
			memcpy(&addr, b, 8);
			memcpy(&len, b + 8, 4);
			if (rr->sys->policy == RR_P_CONS_OUT) {
				if (rr->console)
					rr->console(rr->console_arg, b + 12,
						    len);
			} else if (tracer_write_mem(rr->t, addr, b + 12,
						    len) != (ssize_t)len) {
				return diverge(rr, "replay cannot write the "
					       "result of event %llu at %#llx",
						 (unsigned long long)rr->event,
						 (unsigned long long)addr);
			}
			b += 12 + len;
		}
		/* Skip the syscall: -1 in orig_rax, the result in rax. */
		r->orig_rax = (uint64_t)-1;
		r->rax = (uint64_t)rr->cur.result;
		tracer_set_regs(rr->t, tid, r);
		rr->event++;
		return 0;
	}
	/* Run it for real; the exit stop checks the result. */
	if (changes_host(rr->cur.nr, args))
		rr->host_changes++;
	rr->in_flight = true;
	tracer_syscall_stops(rr->t, tid, true);
	return 0;
}

static int replay_signal(struct rr *rr, pid_t tid, int sig,
			 const struct user_regs_struct *r)
{
	(void)tid;
	(void)r;
	if (sigismember(&rr->injected, sig)) {
		sigdelset(&rr->injected, sig);
		return sig;
	}
	/* The real world's signals (timers, I/O) do not exist in replay:
	 * the recorded ones are sent where they happened. */
	return 0;
}

/* ---- hooks and lifecycle ------------------------------------------------- */

static int hook_syscall(void *arg, pid_t tid, enum tracer_sys_kind kind,
			struct user_regs_struct *r)
{
	struct rr *rr = arg;
	uint8_t insn[2];
	int ret;

	if (!rr->replay)
		return record_syscall(rr, tid, kind, r);
	ret = replay_syscall(rr, tid, kind, r);
	if (ret == TRACER_HOOK_STOP && kind == TRACER_SYS_SECCOMP &&
	    tracer_read_mem(rr->t, r->rip - 2, insn, 2) == 2 &&
	    ((insn[0] == 0x0f && insn[1] == 0x05) ||
	     (insn[0] == 0xcd && insn[1] == 0x80))) {
		/* Stopped before the syscall ran: skip it for now and back
		 * up onto the syscall instruction, so resuming makes it
		 * again and it goes through this hook. */
		r->rax = r->orig_rax;
		r->orig_rax = (uint64_t)-1;
		r->rip -= 2;
		tracer_set_regs(rr->t, tid, r);
	}
	return ret;
}

/* The signals that arrive from the host's timing: UML's interrupts.
 * Others (SIGABRT of a panic, a user's kill) are the guest's own doing
 * or the user's, and pass as they come. */
static bool is_host_async(int sig)
{
	switch (sig) {
	case SIGIO: case SIGALRM: case SIGVTALRM: case SIGWINCH:
	case SIGPROF: case SIGUSR1: case SIGUSR2: case SIGCHLD:
		return true;
	default:
		return false;
	}
}

static int hook_signal(void *arg, pid_t tid, int sig,
		       const struct user_regs_struct *r)
{
	struct rr *rr = arg;

	if (!is_host_async(sig))
		return sig;

	if (rr->replay)
		return replay_signal(rr, tid, sig, r);
	return record_signal(rr, tid, sig, r);
}

static struct rr *rr_alloc(void)
{
	struct rr *rr = xcalloc(1, sizeof(*rr));

	sigemptyset(&rr->held);
	sigemptyset(&rr->injected);
	strbuf_init(&rr->in);
	return rr;
}

int rr_record_new(const char *path, const struct trace_header *h,
		  struct rr **out, char **cause)
{
	struct rr *rr = rr_alloc();
	struct timespec ts;
	int err;

	err = trace_create(path, h, &rr->w, cause);
	if (err < 0) {
		rr_free(rr);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rr->start_ns = (uint64_t)ts.tv_sec * 1000000000u +
		       (uint64_t)ts.tv_nsec;
	*out = rr;
	return 0;
}

int rr_replay_new(const char *path, rr_console_fn console,
		  void *console_arg, struct rr **out, char **cause)
{
	struct rr *rr = rr_alloc();
	int err;

	rr->replay = true;
	rr->console = console;
	rr->console_arg = console_arg;
	err = trace_open(path, &rr->r, cause);
	if (err < 0) {
		rr_free(rr);
		return err;
	}
	*out = rr;
	return 0;
}

void rr_set_console(struct rr *rr, const uint64_t console_ino[2])
{
	memcpy(rr->console_ino, console_ino, sizeof(rr->console_ino));
}

const struct trace_header *rr_header(const struct rr *rr)
{
	return rr->r ? trace_header_of(rr->r) : NULL;
}

/*
 * Hide the vDSO: turn AT_SYSINFO_EHDR in the fresh process's auxiliary
 * vector into AT_IGNORE, so glibc reads clocks with syscalls, which are
 * traced (in UML's real-time mode it reads the clock ~550 times a boot).
 */
static int hide_vdso(struct rr *rr, char **cause)
{
	struct user_regs_struct r;
	uint64_t *w;
	size_t n, i, max;
	ssize_t got;
	int err = 0;

	if (tracer_get_regs(rr->t, 0, &r) < 0)
		return set_cause(cause, -ESRCH, "cannot read the registers "
				 "of the new process");
	max = 16384;
	w = xmalloc(max * 8);
	got = tracer_read_mem(rr->t, r.rsp, w, max * 8);
	n = got > 0 ? (size_t)got / 8 : 0;
	/* argc, argv[argc], NULL, envp..., NULL, auxv pairs */
	i = n ? 1 + w[0] + 1 : n;
	while (i < n && w[i])
		i++;
	for (i++; i + 1 < n && w[i] != AT_NULL; i += 2) {
		if (w[i] == AT_RANDOM) {
			/* glibc's stack canary and pointer guard: the same
			 * in recording and replay. */
			static const uint8_t fixed[16] = "umdbg-rr-random";

			if (tracer_write_mem(rr->t, w[i + 1], fixed, 16) != 16)
				err = set_cause(cause, -EIO, "cannot write "
						"AT_RANDOM");
		}
		if (w[i] != AT_SYSINFO_EHDR)
			continue;
		w[i] = AT_IGNORE;
		if (tracer_write_mem(rr->t, r.rsp + i * 8, &w[i], 8) != 8)
			err = set_cause(cause, -EIO, "cannot hide the vDSO");
	}
	free(w);
	return err;
}


bool rr_diverged(const struct rr *rr)
{
	return rr && rr->diverged;
}

bool rr_checkpointable(const struct rr *rr)
{
	return rr->replay && !rr->in_flight && !rr->diverged &&
	       !rr->at_end && sigisemptyset(&rr->injected);
}

struct rr_mark rr_mark(const struct rr *rr)
{
	return (struct rr_mark){ trace_mark(rr->r, rr->have_next),
				 rr->event };
}

static void rr_reset(struct rr *rr)
{
	rr->diverged = false;
	rr->in_flight = false;
	rr->have_next = rr->ended = rr->at_end = false;
	rr->stop_event_set = rr->at_event_stop = false;
	free(rr->end_cause);
	rr->end_cause = NULL;
	sigemptyset(&rr->injected);
}

void rr_seek(struct rr *rr, const struct rr_mark *m)
{
	trace_seek(rr->r, m->trace);
	rr_reset(rr);
	rr->event = m->event;
}

void rr_adopt(struct rr *rr, struct tracer *t)
{
	struct tracer_hooks h = {
		.syscall = hook_syscall,
		.signal = hook_signal,
		.arg = rr,
	};

	rr->t = t;
	tracer_set_hooks(t, &h);
}

int rr_attach(struct rr *rr, struct tracer *t, char **cause)
{
	rr_adopt(rr, t);
	return hide_vdso(rr, cause);
}

int rr_rewind(struct rr *rr, char **cause)
{
	int err;

	err = trace_rewind(rr->r, cause);
	if (err < 0)
		return err;
	rr_reset(rr);
	rr->event = 0;
	return 0;
}

void rr_stop_at_event(struct rr *rr, uint64_t event)
{
	rr->stop_event_set = true;
	rr->stop_event = event;
}

void rr_cancel_stop_event(struct rr *rr)
{
	rr->stop_event_set = false;
}

bool rr_at_event_stop(const struct rr *rr)
{
	return rr->at_event_stop;
}

bool rr_is_replay(const struct rr *rr)
{
	return rr->replay;
}

uint64_t rr_event(const struct rr *rr)
{
	return rr->event;
}

const char *rr_why(const struct rr *rr)
{
	return rr->why ? rr->why : "";
}

bool rr_at_end(const struct rr *rr)
{
	return rr->at_end;
}

int rr_finish(struct rr *rr, enum rr_end how, int value)
{
	struct rr_endrec e;
	struct timespec ts;
	int err;

	if (!rr->w)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	memset(&e, 0, sizeof(e));
	e.events = rr->event;
	e.how = how;
	e.value = value;
	e.elapsed_ns = (uint64_t)ts.tv_sec * 1000000000u +
		       (uint64_t)ts.tv_nsec - rr->start_ns;
	record_append(rr, RR_REC_END, &e, sizeof(e));
	if (rr->write_failed) {
		/* No footer: the file must read as truncated, not as a
		 * complete trace with records missing. */
		trace_abandon(rr->w);
		err = -rr->write_errno;
	} else {
		err = trace_finish(rr->w);
	}
	rr->w = NULL;
	return err;
}

void rr_free(struct rr *rr)
{
	if (!rr)
		return;
	if (rr->t)
		tracer_set_hooks(rr->t, NULL);
	if (rr->w)
		trace_abandon(rr->w);	/* never finished: reads truncated */
	if (rr->r)
		trace_close(rr->r);
	strbuf_release(&rr->in);
	free(rr->why);
	free(rr->end_cause);
	free(rr);
}
