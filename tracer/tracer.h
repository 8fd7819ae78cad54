/*
 * tracer/tracer.h - the ptrace supervisor of a UML kernel process.
 *
 * Layering: tracer depends on lib only.  It never includes kmodel (the
 * kernel model reads memory through ops the front end wires to
 * tracer_read_mem) and it never prints: errors come back as -errno plus a
 * cause string.
 *
 * Model: one traced process (the UML kernel) and its helper threads, which
 * are traced automatically (PTRACE_O_TRACECLONE).  UML's userspace
 * processes are fork-like children that UML itself ptraces; they are never
 * traced here and their memory is never written.  The tracer is all-stop:
 * when one thread stops for a reason the user sees, every thread is
 * stopped before tracer_pump() reports it.
 */
#ifndef UMDBG_TRACER_H
#define UMDBG_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct tracer;

/* A host file or directory a namespaced child is given. */
struct tracer_give {
	const char *src;	/* host path; symbolic links are followed */
	const char *dst;	/* absolute path in the child's view */
	bool writable;		/* else mounted read-only */
	/*
	 * Filled by tracer_launch when confining: whether a writable entry
	 * that confine_id does not own is shown to the child as owned by
	 * confine_id (an idmapped mount; files it creates get the real
	 * owner).  False where the file system cannot: then the child may
	 * write only where anyone may.
	 */
	bool idmapped;
};

struct tracer_launch {
	const char *path;		/* program to exec */
	char *const *argv;		/* its argv, argv[0] included */
	char *const *envp;		/* its environment; NULL: ours */
	int stdin_fd, stdout_fd, stderr_fd;	/* child's 0/1/2; -1: inherit */
	/*
	 * Run the child as init of a new PID namespace with a private mount
	 * namespace: its pids are reproducible, and when it dies every
	 * process it started dies with it.  Falls back silently when the
	 * kernel refuses (no privilege); tracer_has_namespaces() tells.
	 */
	bool namespaces;
	/* With namespaces: a directory covered by a private tmpfs. */
	const char *private_tmpfs;
	/*
	 * With namespaces and private_tmpfs: host files and directories the
	 * child is given, each mounted at its dst, seen only by the child.
	 * Without namespaces the launch fails when there are any.
	 */
	struct tracer_give *give;
	int ngive;
	/*
	 * With namespaces and private_tmpfs: confine the program
	 * (docs/security.md).  Its root is an empty tmpfs holding the host's
	 * /usr read-only (with /lib, /lib64, /bin and /sbin as the host has
	 * them), a /proc of its own PID namespace, a /dev with null, zero,
	 * full, random, urandom and its own pts, a private /dev/shm, and the
	 * give[] entries; it has new network, IPC and UTS namespaces; it runs
	 * with uid and gid confine_id, no supplementary groups, no
	 * capabilities and no_new_privs.  The working directory is kept
	 * (empty, unless something is given there).
	 */
	bool confine;
	uid_t confine_id;
	bool block_sigchld;		/* see DESIGN.md: removes SIGCHLD stops */
	bool no_aslr;			/* personality(ADDR_NO_RANDOMIZE) */
	/*
	 * A seccomp filter (struct sock_fprog *) installed just before the
	 * exec: syscalls it marks SECCOMP_RET_TRACE stop at their entry and
	 * reach tracer_hooks.syscall.  Record and replay use it.
	 */
	const void *seccomp;
};

/* Can this process give a child new PID and mount namespaces (root, or
 * a kernel that allows it)?  Probes with a short-lived child. */
bool tracer_namespaces_available(void);

/*
 * Fork, exec and seize the program.  On success the child is stopped right
 * after its execve (nothing of it has run yet) and *out owns it.
 */
int tracer_launch(const struct tracer_launch *l, struct tracer **out,
		  char **cause);

/* Kill the traced process (if alive), reap it and free everything. */
void tracer_free(struct tracer *t);

pid_t tracer_pid(const struct tracer *t);
bool tracer_has_namespaces(const struct tracer *t);
bool tracer_is_running(const struct tracer *t);
bool tracer_is_alive(const struct tracer *t);
/* Nanoseconds it has run (resumed, not yet stopped for the caller). */
uint64_t tracer_run_ns(const struct tracer *t);
/*
 * Ticks: fn(arg, tid) each time the process has run interval_ns more,
 * with thread tid stopped (interrupted wherever it was: in a syscall,
 * too); then it runs on.  fn may call tracer_tick_in to come sooner.
 * NULL fn: no ticks.  Uses a timer and signal SIGRTMIN+2 of ours.
 */
typedef void (*tracer_tick_fn)(void *arg, pid_t tid);
/* Are emulated watchpoints set?  They single-step and wait for their own
 * stops, which a tick must not come between, and they set up the process
 * (page protections, seccomp filters): no ticks then, and checkpoints
 * are neither taken nor restored (checkpoint.c). */
bool tracer_emulating(const struct tracer *t);
int tracer_set_tick(struct tracer *t, uint64_t interval_ns,
		    tracer_tick_fn fn, void *arg);
void tracer_tick_in(struct tracer *t, uint64_t ns);

enum tracer_stop_kind {
	TRACER_STOP_NONE,
	TRACER_STOP_EXEC,	/* stopped after execve (launch) */
	TRACER_STOP_BREAKPOINT,	/* a thread hit breakpoint `bp` at `addr` */
	TRACER_STOP_INTERRUPT,	/* tracer_interrupt() took effect */
	TRACER_STOP_SIGNAL,	/* a signal in the stop set is being delivered */
	TRACER_STOP_STEP,	/* tracer_step() completed */
	TRACER_STOP_WATCH,	/* hardware breakpoint/watchpoint `bp` (slot
				 * 0-3) hit; `addr` is its address */
	TRACER_STOP_EXITED,	/* the process exited: `status` */
	TRACER_STOP_KILLED,	/* the process died of signal `signo` */
	TRACER_STOP_HOOK,	/* a tracer_hooks callback asked to stop */
};

struct tracer_stop {
	enum tracer_stop_kind kind;
	pid_t tid;		/* thread that stopped */
	uint64_t addr;		/* breakpoint address, or pc */
	int bp;			/* breakpoint id (TRACER_STOP_BREAKPOINT) */
	int signo;		/* SIGNAL, KILLED */
	int status;		/* EXITED */
	bool core;		/* KILLED: dumped core */
};

/*
 * Signals that stop the run instead of passing through silently.  By
 * default only SIGABRT (UML aborts after a panic).  UML's own signals
 * (SIGSEGV page faults, SIGALRM, SIGIO, ...) pass through unseen.
 */
void tracer_set_stop_signal(struct tracer *t, int signo, bool stop);

/*
 * A filter for synchronous faults (SIGSEGV, SIGBUS) that UML would
 * otherwise handle silently: return true to stop and report the fault
 * (TRACER_STOP_SIGNAL, addr = the faulting address) instead.  UML takes
 * SIGSEGVs as part of its normal work, so only the front end, which
 * knows the kernel's memory layout, can tell a real fault.
 */
typedef bool (*tracer_fault_fn)(void *arg, pid_t tid, int signo,
				uint64_t addr);
void tracer_set_fault_filter(struct tracer *t, tracer_fault_fn fn,
			     void *arg);

/*
 * Process every pending tracee event without blocking (call it when
 * SIGCHLD arrives).  Returns 1 and fills *stop when the process is now
 * stopped for a reason to report (all threads stopped), 0 when it keeps
 * running, -errno on error.
 */
int tracer_pump(struct tracer *t, struct tracer_stop *stop, char **cause);

/* Like tracer_pump but blocks until there is something to report. */
int tracer_wait(struct tracer *t, struct tracer_stop *stop, char **cause);

/*
 * Resume every thread (stepping over a breakpoint under a thread's pc).
 * 0, or 1 when that step already ended in a stop (the process died, a
 * syscall hook stopped it, or the instruction set off a data
 * watchpoint): tracer_pump reports it, and no SIGCHLD will come to say
 * so.
 */
int tracer_resume(struct tracer *t, char **cause);

/*
 * Single-step thread tid (0: the thread of the last stop) one
 * instruction; the others stay stopped.  Returns 1 and reports
 * TRACER_STOP_STEP through *stop, or TRACER_STOP_WATCH (addr: the
 * watched address) when the instruction set off a data watchpoint; also
 * a death or a hook's stop.  Returns 0 when the instruction enters a
 * host syscall that may block (the kernel idles in rt_sigsuspend): the
 * step is under way, the process counts as running (tracer_interrupt
 * stops it) and tracer_pump reports its end.  Never blocks.
 */
int tracer_step(struct tracer *t, pid_t tid, struct tracer_stop *stop,
		char **cause);

/* The host syscall a single-step of stopped thread tid (0: the last
 * stop's) would enter: the one it was interrupted in and restarts, or
 * the one its `syscall` instruction makes; -1 for none.  Such a step may
 * block, so tracer_step leaves it to tracer_pump. */
long tracer_step_syscall(struct tracer *t, pid_t tid);

/* Ask the running process to stop; tracer_pump reports INTERRUPT. */
int tracer_interrupt(struct tracer *t);

/* Kill the process and wait for it; safe to call when already dead. */
void tracer_kill(struct tracer *t);

/*
 * Memory of the traced process (the kernel's address space), through
 * /proc/PID/mem, which also reads pages mapped without read permission.
 * Reads see original bytes under inserted breakpoints.  Return the number
 * of bytes done (short at an unmapped page) or -errno.
 */
ssize_t tracer_read_mem(struct tracer *t, uint64_t addr, void *buf,
			size_t len);
ssize_t tracer_write_mem(struct tracer *t, uint64_t addr, const void *buf,
			 size_t len);

/* Registers of a stopped thread (0: the thread of the last stop). */
int tracer_get_regs(struct tracer *t, pid_t tid, struct user_regs_struct *r);
int tracer_set_regs(struct tracer *t, pid_t tid,
		    const struct user_regs_struct *r);

/* Software breakpoints (int3).  Insert returns an id > 0 or -errno;
 * inserting an address again returns the same id and counts a
 * reference, and each remove drops one: the int3 goes with the last. */
int tracer_bp_insert(struct tracer *t, uint64_t addr, char **cause);
int tracer_bp_remove(struct tracer *t, int id);
/* Like tracer_bp_insert, but an address not mapped yet (module text
 * before its module loads) is kept and inserted by tracer_bp_retry. */
int tracer_bp_insert_later(struct tracer *t, uint64_t addr);

/*
 * Give a freshly launched `to` every breakpoint (same ids and reference
 * counts), hardware point, stop signal and fault filter of `from`: a
 * replay restarted from its beginning keeps what the user set.  A
 * breakpoint whose address is not mapped yet (a host library before
 * ld.so maps it) keeps its id but is not inserted.
 */
int tracer_copy_points(const struct tracer *from, struct tracer *to);
/* Every inserted breakpoint out of memory, or back in (checkpoints). */
void tracer_points_lift(struct tracer *t, bool out);
/* Insert the breakpoints tracer_copy_points could not, where ready()
 * says their code is in place now (readable memory is not enough: a
 * module's addresses may hold other data before the module loads). */
void tracer_bp_retry(struct tracer *t, bool (*ready)(void *arg, uint64_t),
		     void *arg);
/* How many hardware points are set. */
int tracer_hw_count(const struct tracer *t);
/* How many inserted breakpoint id (0: none): its users. */
int tracer_bp_refs(const struct tracer *t, int id);
/* The address of breakpoint id; false if there is none. */
bool tracer_bp_addr(const struct tracer *t, int id, uint64_t *addr);
/* The addresses of all breakpoints: fills up to max, returns how many. */
int tracer_bp_addrs(const struct tracer *t, uint64_t *addrs, int max);

/* x87/SSE state of a stopped thread (struct user_fpregs_struct). */
int tracer_get_fpregs(struct tracer *t, pid_t tid,
		      struct user_fpregs_struct *f);
int tracer_set_fpregs(struct tracer *t, pid_t tid,
		      const struct user_fpregs_struct *f);

/* The signal delivered to tid when it resumes (0: none). */
void tracer_set_resume_signal(struct tracer *t, pid_t tid, int signo);

/*
 * Hardware points through the debug registers, in every thread:
 * kind 0 execute, 1 write, 3 read/write (x86 DR7 RW encoding); len 1, 2,
 * 4 or 8 (aligned).  Returns the slot (0-3) or -errno (-ENOSPC: all four
 * in use).
 */
enum tracer_hw_kind { TRACER_HW_EXEC = 0, TRACER_HW_WRITE = 1,
		      TRACER_HW_ACCESS = 3 };
int tracer_hw_insert(struct tracer *t, enum tracer_hw_kind kind,
		     uint64_t addr, int len);
/* Returns the slot it freed, or -errno. */
int tracer_hw_remove(struct tracer *t, enum tracer_hw_kind kind,
		     uint64_t addr, int len);
/* Free slot 0-3 (two points may share kind, address and length). */
int tracer_hw_remove_slot(struct tracer *t, int slot);
/* A data point's bytes (as a little-endian number) as they were before
 * the access that last set it off; -ENODATA when not known (no trigger
 * yet, or the memory could not be read then). */
int tracer_hw_before(struct tracer *t, int slot, uint64_t *v);

/* Remove every hardware point. */
void tracer_hw_clear(struct tracer *t);

/*
 * Do this host's debug registers trap?  Some hypervisors accept DR0-DR7
 * through ptrace and never trap: a write watch on a child of ours that
 * never stops says so (about a millisecond).  Returns 1 (they trap), 0
 * (they do not: *why says what was seen), or -errno when the probe
 * itself failed (*why says why).
 */
int tracer_probe_debug_registers(char **why);
/* The host's XSAVE area size for a ptraced thread (PTRACE_GETREGSET
 * NT_X86_XSTATE), in bytes, or -errno with *why. */
int tracer_probe_xstate_size(char **why);

/*
 * Keep the tracer and the process on one CPU (on), or give them their
 * CPUs back (off, unless emulated watchpoints want it).  tracer_step
 * turns it on and tracer_resume off: each single-step is a stop, and a
 * stop whose wakeups stay on one CPU costs a fraction on a VM.
 */
void tracer_pin_steps(struct tracer *t, bool on);

/*
 * Emulate the hardware points instead of using the debug registers
 * (set it right after launch, before any point): data points by page
 * protection in the traced process, execute points as software
 * breakpoints.  They are reported exactly as the debug registers'
 * (TRACER_STOP_WATCH after the access).  See tracer/pagewatch.c for how
 * and what it costs.  Only kernel-process memory can be watched.
 */
void tracer_set_hw_emulation(struct tracer *t, bool on);
/* What the emulation cost so far (bench/watch says where time goes). */
struct tracer_pw_stats {
	unsigned long faults;		/* accesses to a protected page */
	unsigned long emulated;		/* of which plain stores done here */
	unsigned long lifted;		/* syscalls run with it lifted */
	unsigned long injected;		/* syscalls the tracer made it run */
	unsigned long detours;		/* stores detoured (detour.c) */
};
void tracer_hw_emulation_stats(const struct tracer *t,
			       struct tracer_pw_stats *out);

/*
 * Syscall and signal interposition (record and replay).  The hooks run
 * inside tracer_pump/tracer_step while thread tid sits in a ptrace stop;
 * they may read and write its registers and memory.
 */
enum tracer_sys_kind {
	TRACER_SYS_SECCOMP,	/* entry, the seccomp filter said TRACE */
	TRACER_SYS_ENTRY,	/* entry (with tracer_syscall_stops on) */
	TRACER_SYS_EXIT,	/* exit (with tracer_syscall_stops on) */
};
#define TRACER_HOOK_STOP (-1)
struct tracer_hooks {
	/* Return the signal to resume tid with (0: none), or
	 * TRACER_HOOK_STOP to stop everything (TRACER_STOP_HOOK). */
	int (*syscall)(void *arg, pid_t tid, enum tracer_sys_kind kind,
		       struct user_regs_struct *r);
	/* An asynchronous signal is being delivered to tid: return the
	 * signal to deliver (0: discard it) or TRACER_HOOK_STOP. */
	int (*signal)(void *arg, pid_t tid, int sig,
		      const struct user_regs_struct *r);
	void *arg;
};
void tracer_set_hooks(struct tracer *t, const struct tracer_hooks *h);
/* Resume tid with PTRACE_SYSCALL (entry and exit stops reach the hook)
 * instead of PTRACE_CONT, until turned off. */
void tracer_syscall_stops(struct tracer *t, pid_t tid, bool on);

/* Thread tid's id in the process's own PID namespace (the same in every
 * run and replay); tid itself without namespaces or once it is gone. */
pid_t tracer_ns_tid(const struct tracer *t, pid_t tid);

/*
 * Checkpoints (checkpoint.c): a frozen fork of the stopped kernel
 * process, and a live kernel made again from one.  What the tracer needs
 * to know of the UML kernel to rebuild its userspace stubs:
 */
struct tracer_uml {
	uint64_t start_userspace, map, unmap, flush;	/* functions */
	uint64_t physmem;		/* uml_physmem: __va(0) */
	uint64_t physmem_fd_addr;	/* the int physmem_fd */
	uint64_t task_size;
	size_t id_size, id_pid, id_stack;	/* struct mm_id */
};
#define TRACER_CKPT_SCRATCH 65536	/* stack for the calls, mapped */
struct tracer_ckpt;
/* Whether checkpoints can be taken of t at all; if not, *why. */
bool tracer_ckpt_possible(const struct tracer *t, const char **why);
/* Take one of stopped t, where it is (its breakpoints out: the
 * caller's part).  hit_pc: the address of the breakpoint whose hit
 * stopped it (counted: a restored kernel steps over it), or 0.
 * -EAGAIN: not at this stop (in a host syscall, a signal pending, a
 * stub running, at another breakpoint's address); -ENOTSUP: not in
 * this process. */
int tracer_ckpt_take(struct tracer *t, const struct tracer_uml *u,
		     uint64_t hit_pc, struct tracer_ckpt **out, char **cause);
/* The live kernel made from c, stopped where c was taken; the old live
 * kernel must be dead and reaped (tracer_kill).  Guest memory (the
 * physical-memory file) is the caller's to put back. */
int tracer_ckpt_restore(struct tracer_ckpt *c, const struct tracer_uml *u,
			struct tracer **out, char **cause);
void tracer_ckpt_free(struct tracer_ckpt *c);
pid_t tracer_ckpt_pid(const struct tracer_ckpt *c);

/* Snapshots of guest memory (pagestore.c), the file at physmem_fd
 * (open: -EAGAIN early in the boot, before the kernel made it). */
struct tracer_pages;
int tracer_pages_open(struct tracer *t, uint64_t physmem_fd_addr,
		      struct tracer_pages **out, char **cause);
int tracer_pages_snap(struct tracer_pages *ps);		/* its id */
size_t tracer_pages_load(struct tracer_pages *ps, int id); /* pages put */
void tracer_pages_drop(struct tracer_pages *ps, int id);
uint64_t tracer_pages_bytes(const struct tracer_pages *ps);
uint64_t tracer_pages_size(const struct tracer_pages *ps);
void tracer_pages_free(struct tracer_pages *ps);


/* Threads: fills up to max tids, returns how many exist. */
int tracer_threads(const struct tracer *t, pid_t *tids, int max);

/*
 * Trace files (docs/trace-format.md): a magic and a format version, then
 * checksummed records, the first a header, the last (after a clean
 * finish) a footer.  Record and replay (issue 5) build on these; the
 * record types beyond header and footer belong to them.
 */
#define TRACE_VERSION 4
#define TRACE_MAX_RECORD (64u << 20)
enum trace_record_type {
	TRACE_REC_HEADER = 1,
	TRACE_REC_FOOTER = 0xffff,
	TRACE_REC_USER = 0x100,		/* first type for the recorder */
};
/* In a stored type: the payload is LZ4-compressed (the reader undoes it;
 * trace_append compresses payloads of TRACE_COMPRESS_MIN bytes or more
 * when that saves space). */
#define TRACE_REC_LZ4 0x80000000u
#define TRACE_COMPRESS_MIN 128

struct trace_header {
	uint64_t start_time;		/* seconds since the epoch */
	uint8_t build_id[64];		/* the kernel's GNU build-id */
	size_t build_id_len;
	char *cmdline;			/* the kernel command line */
	uint32_t flags;			/* TRACE_HDR_* */
	uint32_t version;		/* read: the file's format version */
};
/* The guest ran unconfined (--no-confine): its replay must too. */
#define TRACE_HDR_UNCONFINED 1u

struct trace_writer;
struct trace_reader;

/* CRC-32 (zlib's) of data, continuing from crc (0 to start). */
uint32_t trace_crc32(uint32_t crc, const void *data, size_t len);

int trace_create(const char *path, const struct trace_header *h,
		 struct trace_writer **w, char **cause);
/* Append one record (type >= TRACE_REC_USER); 0 or -errno. */
int trace_append(struct trace_writer *w, uint32_t type, const void *data,
		 uint32_t len);
/* Write the footer, sync and close. */
int trace_finish(struct trace_writer *w);
/* Close without a footer: the file reads as truncated. */
void trace_abandon(struct trace_writer *w);

/* Open a trace: a missing, foreign or future-version file is refused
 * with a cause; the header is read and checked. */
int trace_open(const char *path, struct trace_reader **r, char **cause);
const struct trace_header *trace_header_of(const struct trace_reader *r);
/*
 * The next record: 1 with type/data/len (valid until trace_close, or
 * for a compressed record until three more have been read),
 * 0 at the footer of a complete trace, -EPIPE when the file ends early
 * (a recorder that was killed: every whole record before was returned),
 * -EBADMSG for a corrupt record; *cause says which record and where.
 */
int trace_next(struct trace_reader *r, uint32_t *type, const void **data,
	       uint32_t *len, char **cause);
bool trace_complete(const struct trace_reader *r);
/* Back to the first record after the header. */
int trace_rewind(struct trace_reader *r, char **cause);
void trace_close(struct trace_reader *r);
/* Where the reader is (with unread_last: before the record it returned
 * last), to come back to with trace_seek. */
struct trace_mark {
	size_t pos;
	uint64_t records;
};
struct trace_mark trace_mark(const struct trace_reader *r, bool unread_last);
void trace_seek(struct trace_reader *r, struct trace_mark m);

#endif
