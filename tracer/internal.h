/*
 * tracer/internal.h - private declarations of the tracer layer.
 */
#ifndef UMDBG_TRACER_INTERNAL_H
#define UMDBG_TRACER_INTERNAL_H

#include <sys/user.h>
#include <signal.h>
#include <sched.h>

#include "../lib/lib.h"
#include "tracer.h"

struct tracer_thread {
	pid_t tid;
	bool stopped;		/* in a ptrace stop we know of */
	int pending_sig;	/* to deliver when resumed */
	bool hw_set;		/* debug registers written */
	bool sys_stops;		/* resume with PTRACE_SYSCALL */
	/* pagewatch.c: this thread's syscall runs with the protection
	 * lifted (its exit stop puts it back) */
	bool pw_in_syscall;
	/*
	 * A single-step that waits in the event loop (its instruction
	 * enters a host syscall that may block: tracer_step returned 0).
	 * step_bp: the breakpoint lifted at its pc (0: none); step_hw: the
	 * debug register lifted (-1: none); step_cont: it only steps off a
	 * breakpoint for tracer_resume, and runs on afterwards;
	 * step_in_syscall: it went through a seccomp stop; step_end: the
	 * pc just after the `syscall` instruction it runs.
	 */
	bool stepping, step_cont, step_in_syscall;
	uint64_t step_bp, step_end;
	int step_hw;
};

struct tracer_bp {
	int id;			/* 0: free slot */
	uint64_t addr;
	uint8_t orig;		/* byte under the int3 */
	int refs;		/* inserts not yet removed */
	bool inserted;
	bool lifted;		/* out for a checkpoint, to go back in */
};

struct tracer_hw {
	bool used;
	enum tracer_hw_kind kind;
	uint64_t addr;
	int len;
	/* Emulated (pagewatch.c): an execute point's software breakpoint,
	 * and a data point's bytes as last seen. */
	int bp_id;
	uint8_t seen[8];
	/* Both paths: the bytes before the access that set the point off
	 * last (tracer_hw_before), and whether seen holds a real read (the
	 * debug registers' path reads at insert and at each trap). */
	uint8_t before[8];
	bool before_ok, seen_ok;
};

/* A page pagewatch.c protects, and the protection it had. */
struct pw_page {
	uint64_t addr;
	int orig_prot;		/* PROT_* from /proc/PID/maps */
	int prot;		/* what we gave it */
};
#define PW_MAX_PAGES 8
/* Address windows the installed seccomp filters watch for buffers. */
#define PW_MAX_WINDOWS 16

/* A PID namespace's init (launch.c) and the socket it answers on. */
struct tracer_ns {
	pid_t init_pid;
	int sock;
	int refs;	/* the tracer, and each checkpoint made in it */
};
/* A request to the init and its answer, the same struct both ways. */
enum { TRACER_NS_LAST_PID = 1, TRACER_NS_WAIT_FREE };
struct tracer_ns_msg {
	int op;
	int value;	/* LAST_PID: the new ns_last_pid; WAIT_FREE: the pid */
	int value2;	/* LAST_PID's answer: what it was */
	int err;	/* the answer's errno, 0 for done */
};

struct tracer_ns *tracer_ns_ref(struct tracer_ns *ns);
void tracer_ns_put(struct tracer_ns *ns);
int tracer_ns_ask(struct tracer_ns *ns, int op, int value, int *value2);

struct tracer {
	pid_t pid;		/* the traced process (thread group leader) */
	pid_t init_pid;		/* our child, its PID namespace's init; 0: none */
	uint64_t run_ns, run_since;	/* time it ran (set_running) */
	tracer_tick_fn tick_fn;		/* tracer_set_tick */
	void *tick_arg;
	uint64_t tick_interval, tick_due;	/* in run_ns time */
	struct tracer_ns *ns;	/* that namespace, shared with checkpoints */
	bool in_ns;
	bool alive;
	bool running;
	bool interrupt_requested;
	int memfd;		/* /proc/PID/mem */
	struct tracer_thread *threads;
	int nthreads, threads_alloc;
	struct tracer_bp *bps;
	int nbps;
	int next_bp_id;
	sigset_t stop_signals;
	struct tracer_hw hw[4];
	tracer_fault_fn fault_fn;
	void *fault_arg;
	pid_t last_tid;		/* thread of the last reported stop */
	/* exit of the main thread seen while collecting; reported next */
	bool exit_pending;
	int exit_status;
	/* a stop that happened while resuming (the step off a breakpoint
	 * ended in a death, a hook's stop or a watchpoint); reported by
	 * the next pump */
	bool stop_pending;
	struct tracer_stop pending;
	struct tracer_hooks hooks;
	/* The general registers of one stopped thread, read once per stop
	 * (a stepi's stop reply, its `g` and the next step's breakpoint
	 * check all want them); dropped whenever that thread may run or
	 * its registers are written. */
	pid_t regs_tid;		/* 0: nothing cached */
	struct user_regs_struct regs;
	/*
	 * Watchpoints by page protection (pagewatch.c), where the debug
	 * registers do not trap.  pw_pages are protected while the process
	 * runs; pw_lifted: their protection is off for a moment.
	 */
	bool emulate_hw;
	uint64_t gadget;	/* a syscall instruction (0f 05) in its text */
	struct pw_page pw_pages[PW_MAX_PAGES];
	int pw_npages;
	bool pw_lifted;
	/* A data point whose page was not mapped at the last pw_sync: the
	 * next continues try again (a replay's re-run sets its points at
	 * the exec, before the guest's memory is there). */
	bool pw_unmapped;
	/* windows [lo, hi) of the seccomp filters installed so far */
	uint64_t pw_win[PW_MAX_WINDOWS][2];
	bool pw_win_readable[PW_MAX_WINDOWS];	/* installed for readable
						 * pages only */
	int pw_nwin;
	bool pw_filter_failed;	/* seccomp refused: said once */
	/* While pages are protected, the tracer and the process share one
	 * CPU (pw_pin); the process's own CPUs, to give back. */
	bool pw_pinned;		/* on one CPU now, for either reason: */
	bool pw_want_pin;	/* pages are protected */
	bool step_pin;		/* single-steps since the last resume */
	cpu_set_t pw_cpus;
	struct tracer_pw_stats pw_stats;
	/* The last fault's store, done by the tracer (pw_step_fault): its
	 * pc, address and length; pw_last_pc 0 when it was not a store. */
	uint64_t pw_last_pc, pw_last_ea;
	int pw_last_len;
	/* Store detours (detour.c); NULL until the first. */
	struct dt_state *dt;
	/* Single-steps by int3 (softstep.c); NULL until the first.
	 * soft_off: all by the trap flag (UMDBG_SOFTSTEP=off).  The
	 * counts, of steps done each way, go to the log at the end. */
	struct ss_state *ss;
	bool soft_off;
	unsigned long soft_steps, trap_steps;
};

/*
 * softstep.c: where the instruction at r->rip can go next (code: n
 * bytes read there, as the CPU sees them), in to[]: their count, or 0
 * when only the trap flag steps it as it should be.
 */
int ss_next(struct tracer *t, const struct user_regs_struct *r,
	    const uint8_t *code, size_t n, uint64_t to[2]);
void ss_free(struct tracer *t);

/* confine.c: the given mounts, made by the parent before the clone. */
struct confine_mounts {
	int *fd;		/* detached mounts, one per give[] entry */
	bool *is_dir;
	int n;
};

int confine_prepare(const struct tracer_launch *l, struct confine_mounts *m,
		    char **cause);
void confine_release(struct confine_mounts *m);
/* In the child: its view of the host (and, confining, its new root). */
int confine_enter(const struct tracer_launch *l,
		  const struct confine_mounts *m);
/* In the program, before its exec: become confine_id. */
int confine_drop(const struct tracer_launch *l);

struct tracer *tracer_new_stopped(pid_t pid, bool in_ns);
/* The value of /proc/PID/status's line "KEY value" in out (no newline). */
bool tracer_proc_status(pid_t pid, const char *key, char *out, size_t len);
/* Host pid's pid in its innermost PID namespace, or -1. */
pid_t tracer_nspid(pid_t pid);

/* tracer.c, for the other files of the layer */
struct tracer_thread *tracer_thread_find(struct tracer *t, pid_t tid);
struct tracer_bp *tracer_bp_at(struct tracer *t, uint64_t addr);
/* A breakpoint (int3 or debug register) at pc: resuming there steps
 * over it, without a hit. */
bool tracer_point_at(struct tracer *t, uint64_t pc);
int tracer_gpr_get(struct tracer *t, pid_t tid, struct user_regs_struct *r);
int tracer_gpr_set(struct tracer *t, pid_t tid,
		   const struct user_regs_struct *r);
void tracer_gpr_drop(struct tracer *t, pid_t tid);
ssize_t tracer_raw_read(struct tracer *t, uint64_t addr, void *buf,
			size_t len);
ssize_t tracer_raw_write(struct tracer *t, uint64_t addr, const void *buf,
			 size_t len);
void tracer_main_gone(struct tracer *t, int status, struct tracer_stop *stop);
void tracer_thread_del(struct tracer *t, pid_t tid);
bool tracer_is_async_signal(int sig);
/* Which syscall stop thread tid is in (TRACER_SYS_*), or -1. */
int tracer_syscall_stop_kind(pid_t tid);
/* waitpid(pid, status, __WALL), again after EINTR; 0 or -errno. */
int tracer_waitpid(pid_t pid, int *status);
/* Send tid the signals in *later (held during a step). */
void tracer_reraise(struct tracer *t, pid_t tid, const sigset_t *later);

/*
 * inject.c: syscalls run inside the stopped process.  tracer_inject6
 * runs nr(a[0..5]) in stopped thread tid and puts its registers back:
 * the result, or -ESRCH when the process died (then tracer_died has
 * recorded it); asynchronous signals that came meanwhile go to *later.
 */
long tracer_inject6(struct tracer *t, pid_t tid, long nr, const uint64_t a[6],
		    sigset_t *later);
long tracer_inject(struct tracer *t, pid_t tid, long nr, uint64_t a0,
		   uint64_t a1, uint64_t a2, sigset_t *later);
/* Thread tid ended with status while we held it: -ESRCH, and for the
 * main thread the death is the next stop the pump reports. */
int tracer_died(struct tracer *t, pid_t tid, int status);

/*
 * pagewatch.c: data watchpoints by page protection, execute points as
 * software breakpoints.  Every function wants the process stopped.
 */
/* Protect what the emulated points need now (before a resume), and
 * note the watched bytes as they are. */
int pw_sync(struct tracer *t);
/* Can a point at addr be emulated (is its page mapped)?  0 or -EFAULT. */
int pw_check(struct tracer *t, uint64_t addr);
/* Is addr in a page we protect? */
bool pw_owns(const struct tracer *t, uint64_t addr);
/*
 * Thread tid faulted at addr in one of our pages: run the instruction
 * with the protection lifted, put it back and judge.  Returns the slot
 * of the point it set off, -1 for none (tid is in a step stop after the
 * instruction either way), or -ESRCH when the process died (*stop
 * filled).  Asynchronous signals that arrive meanwhile go to *later.
 */
int pw_step_fault(struct tracer *t, pid_t tid, uint64_t addr,
		  sigset_t *later, struct tracer_stop *stop);
/* A seccomp stop of tid: does its syscall need the protection lifted
 * (a buffer near a protected page)?  Then lift it; true. */
bool pw_syscall_entry(struct tracer *t, pid_t tid);
/* The exit stop of a syscall pw_syscall_entry lifted for: protect
 * again; the slot of a point whose bytes the syscall changed, or -1. */
int pw_syscall_exit(struct tracer *t, pid_t tid);
/* Lift (on false) or restore the protection of every page. */
int pw_protect(struct tracer *t, bool on);
/* A MOV to memory at insn (16 bytes) with registers r: where, how many
 * bytes, what (its low `size` bytes) and the instruction's length; false
 * for any other instruction.  Exported for t3001. */
bool pw_decode_store(const uint8_t *insn, const struct user_regs_struct *r,
		     uint64_t *addr, int *size, uint64_t *value, int *len);
/* The process was launched afresh (replay): nothing is protected. */
void pw_reset(struct tracer *t);
void pw_pin(struct tracer *t, bool on);

/*
 * detour.c: the stores that keep faulting beside a watched variable are
 * detoured through a trampoline that stores via an alias of the page.
 */
/* The store at pc (len bytes) to ea faulted and was done by the tracer
 * while the process ran on (not a step): count it, and detour it when it
 * is hot. */
void dt_note_store(struct tracer *t, pid_t tid, uint64_t pc, uint64_t ea,
		   int len, sigset_t *later);
/* The pc after the store of a trampoline's own copy of it: the pc after
 * the original store (else pc). */
uint64_t dt_resume_pc(struct tracer *t, uint64_t pc);
/* Take every detour out and move threads out of the trampolines (at a
 * reported stop, and before code is written). */
void dt_off(struct tracer *t);
/* Where the tracer writes addr: through its page's alias, if it has
 * one (a shared page made read-only refuses even /proc/PID/mem). */
uint64_t dt_alias_addr(const struct tracer *t, uint64_t addr);
/* Show the original bytes under active detours in buf (addr, n). */
void dt_mask(const struct tracer *t, uint64_t addr, void *buf, size_t n);
bool dt_overlaps(const struct tracer *t, uint64_t addr, size_t n);
/* Forget it all (a new process). */
void dt_reset(struct tracer *t);

#endif
