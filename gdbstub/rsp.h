/*
 * gdbstub/rsp.h - the GDB remote serial protocol, transport-free.
 *
 * Layering: gdbstub depends on lib only: no ptrace, no libdw.  Bytes from
 * the debugger go in with rsp_feed(); replies leave through the write hook;
 * everything the target must do is a call through struct rsp_target_ops.
 * Stops are asynchronous: after a resume the front end calls
 * rsp_notify_stop() when the target stops.  One struct rsp per connection;
 * no global state.
 */
#ifndef UMDBG_RSP_H
#define UMDBG_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/lib.h"

/* The amd64 register file as gdb's target description numbers it. */
enum {
	RSP_NGPR = 17,		/* rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip */
	RSP_NREGS = 60,
};

struct rsp_regs {
	uint64_t gpr[RSP_NGPR];	/* gdb order: rax rbx rcx rdx rsi rdi rbp
				 * rsp r8..r15 rip */
	uint32_t eflags;
	uint32_t seg[6];	/* cs ss ds es fs gs */
	uint8_t st[8][10];	/* x87 registers, 80-bit */
	uint32_t fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop;
	uint8_t xmm[16][16];
	uint32_t mxcsr;
	uint64_t orig_rax, fs_base, gs_base;
};

enum rsp_point {
	RSP_SW_BREAK = 0, RSP_HW_BREAK = 1, RSP_WRITE_WATCH = 2,
	RSP_READ_WATCH = 3, RSP_ACCESS_WATCH = 4,
};

enum rsp_resume_kind { RSP_CONTINUE, RSP_STEP, RSP_STOP };

struct rsp_resume {
	enum rsp_resume_kind kind;
	long tid;		/* -1: all threads (the default action) */
	int signo;		/* host signal to deliver, 0: none */
};

enum rsp_stop_kind {
	RSP_STOP_SIGNAL,	/* stopped with signo (SIGTRAP for breaks) */
	RSP_STOP_EXITED,	/* process exited with status */
	RSP_STOP_KILLED,	/* process killed by signo */
};

enum rsp_stop_reason {
	RSP_REASON_NONE, RSP_REASON_SWBREAK, RSP_REASON_HWBREAK,
	RSP_REASON_WATCH, RSP_REASON_RWATCH, RSP_REASON_AWATCH,
	RSP_REASON_REPLAY_BEGIN,	/* reverse execution reached the start */
};

struct rsp_stop {
	enum rsp_stop_kind kind;
	int signo;		/* host signal number */
	int status;
	long tid;
	enum rsp_stop_reason reason;
	uint64_t addr;		/* watchpoint data address */
};

/* Every op returns 0 (or a count) on success and -errno on failure. */
struct rsp_target_ops {
	/* fp false: only the general registers, eflags and the segments
	 * are needed (a stop reply); the rest may be left zero. */
	int (*get_regs)(void *arg, long tid, struct rsp_regs *regs, bool fp);
	int (*set_regs)(void *arg, long tid, const struct rsp_regs *regs);
	ssize_t (*read_mem)(void *arg, uint64_t addr, void *buf, size_t len);
	ssize_t (*write_mem)(void *arg, uint64_t addr, const void *buf,
			     size_t len);
	int (*insert_point)(void *arg, enum rsp_point type, uint64_t addr,
			    int kind);
	int (*remove_point)(void *arg, enum rsp_point type, uint64_t addr,
			    int kind);
	/* Resume per the actions; the stop comes via rsp_notify_stop(). */
	int (*resume)(void *arg, const struct rsp_resume *actions, int n);
	void (*interrupt)(void *arg);
	/* Thread ids; returns how many exist (fills up to max). */
	int (*threads)(void *arg, long *tids, int max);
	/* Human description of a thread (qThreadExtraInfo); may be NULL. */
	int (*thread_info)(void *arg, long tid, char *buf, size_t len);
	const char *(*exec_file)(void *arg);
	/* qXfer:libraries:read: the loaded kernel modules as gdb's library
	 * list XML (malloc'd); may be NULL. */
	char *(*libraries)(void *arg);
	/* qXfer:auxv:read: the kernel process's auxiliary vector (malloc'd,
	 * *len bytes); may be NULL. */
	char *(*auxv)(void *arg, size_t *len);
	/* A monitor command; output appended to out.  May be NULL. */
	int (*monitor)(void *arg, const char *cmd, struct strbuf *out);
	void (*kill)(void *arg);
	/* The debugger leaves: remove its points, resume the target. */
	void (*detach)(void *arg);
	/*
	 * Host file access for gdb's vFile packets (reading the kernel
	 * binary over the connection).  Read-only; each returns >= 0 or
	 * -errno.  May be NULL: vFile is then unsupported.
	 */
	int (*file_open)(void *arg, const char *path);
	ssize_t (*file_pread)(void *arg, int fd, void *buf, size_t len,
			      uint64_t offset);
	int (*file_close)(void *arg, int fd);
	/* size, mode and mtime of an open file */
	int (*file_stat)(void *arg, int fd, uint64_t *size, uint32_t *mode,
			 uint32_t *mtime);
	/* bc (step false) / bs (true) in a replay: the stop comes via
	 * rsp_notify_stop().  May be NULL. */
	int (*reverse)(void *arg, bool step);
	/* QPassSignals: pass[host signo] for signo < nsig. */
	void (*pass_signals)(void *arg, const bool *pass, int nsig);
};

typedef void (*rsp_write_fn)(void *arg, const void *buf, size_t len);

/* Offer reverse execution (qSupported ReverseStep+/ReverseContinue+). */
struct rsp;
void rsp_enable_reverse(struct rsp *r, bool on);

struct rsp;

struct rsp *rsp_new(const struct rsp_target_ops *ops, void *arg,
		    rsp_write_fn write, void *wr_arg);
void rsp_free(struct rsp *r);

/* Bytes from the debugger (any split).  Replies go out through write. */
void rsp_feed(struct rsp *r, const void *buf, size_t len);

/* The target stopped after a resume: send the stop reply. */
void rsp_notify_stop(struct rsp *r, const struct rsp_stop *s);

/* Tell the stub the target is already stopped (on connect). */
void rsp_set_stopped(struct rsp *r, const struct rsp_stop *s);

/* Is the target running on the stub's behalf (a stop reply is due)? */
bool rsp_is_running(const struct rsp *r);

/* The debugger detached or killed: the connection should close. */
bool rsp_is_done(const struct rsp *r);

/* Host <-> gdb signal numbers (they differ: SIGBUS, SIGUSR1...). */
int rsp_signal_to_gdb(int host);
int rsp_signal_from_gdb(int gdb);

/* Largest packet payload we accept and advertise (PacketSize). */
#define RSP_MAX_PACKET (256 * 1024)

#endif
