/*
 * tracer/internal.h - private declarations of the tracer layer.
 */
#ifndef UMDBG_TRACER_INTERNAL_H
#define UMDBG_TRACER_INTERNAL_H

#include <sys/user.h>
#include <signal.h>

#include "../lib/lib.h"
#include "tracer.h"

struct tracer_thread {
	pid_t tid;
	bool stopped;		/* in a ptrace stop we know of */
	int pending_sig;	/* to deliver when resumed */
	bool hw_set;		/* debug registers written */
	bool sys_stops;		/* resume with PTRACE_SYSCALL */
};

struct tracer_bp {
	int id;			/* 0: free slot */
	uint64_t addr;
	uint8_t orig;		/* byte under the int3 */
	int refs;		/* inserts not yet removed */
	bool inserted;
};

struct tracer_hw {
	bool used;
	enum tracer_hw_kind kind;
	uint64_t addr;
	int len;
};

struct tracer {
	pid_t pid;		/* the traced process (thread group leader) */
	pid_t init_pid;		/* our child, its PID namespace's init; 0: none */
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
};

struct tracer *tracer_new_stopped(pid_t pid, bool in_ns);

#endif
