/*
 * replay/internal.h - private to replay/: the syscall policy table, the
 * record layouts and struct rr.
 */
#ifndef UMDBG_REPLAY_INTERNAL_H
#define UMDBG_REPLAY_INTERNAL_H

#include <signal.h>

#include "../lib/lib.h"
#include "replay.h"

/* Order matters: the console policies come last. */
enum rr_policy { RR_P_EMUL, RR_P_EXEC, RR_P_DATA, RR_P_CONS_IN,
		 RR_P_CONS_OUT, RR_P_CONS_CTL };
enum rr_len { RR_LEN_NONE, RR_LEN_RESULT, RR_LEN_FIXED, RR_LEN_EPOLL,
	      RR_LEN_IOCTL, RR_LEN_POLL };

struct rr_sys {
	const char *name;
	long nr;
	enum rr_policy policy;
	int out_arg;
	enum rr_len len;
	uint32_t size;
};
extern const struct rr_sys rr_sys_table[];
extern const size_t rr_sys_count;
const struct rr_sys *rr_sys_lookup(long nr);
/* Which argument of syscall nr is a path (open's 0, openat's 1...), or
 * -1. */
int rr_path_arg(long nr);
bool rr_is_interrupt(int64_t res);

/* RR_REC_SYSCALL: this, then nblobs times { u64 addr, u32 len, bytes }. */
enum rr_sys_flags {
	RR_F_EMUL = 1 << 0,	/* replay answers it from the record */
	RR_F_CONSOLE = 1 << 1,	/* on the guest console */
	RR_F_PATH = 1 << 2,	/* its one blob is the path it was given:
				 * for `trace dump`, unused by replay */
};
struct rr_sysrec {
	uint64_t event;
	uint32_t nr;
	uint32_t flags;
	uint64_t args[6];
	int64_t result;
	uint32_t crc;		/* of the bytes written, or read (DATA) */
	uint32_t nblobs;
};
/* RR_REC_SIGNAL: pending when syscall `event` started. */
struct rr_sigrec {
	uint64_t event;
	uint32_t sig;
	uint32_t reserved;
};
struct rr_endrec {
	uint64_t events;
	uint32_t how;		/* enum rr_end */
	int32_t value;
	uint64_t elapsed_ns;
};

#define RR_MAX_SIGS 64

struct rr {
	bool replay;
	struct tracer *t;
	uint64_t console_ino[2];
	uint64_t event;
	/* the traced syscall between its seccomp and its exit stop */
	bool in_flight;
	const struct rr_sys *sys;
	/* recording */
	struct trace_writer *w;
	bool write_failed;
	int write_errno;
	uint64_t start_ns;
	uint32_t nr, flags, in_crc;
	uint64_t args[6];
	struct strbuf in;		/* console bytes being written */
	sigset_t held;
	int sigs[RR_MAX_SIGS];
	int nsigs;
	bool just_exited;		/* the last stop was a traced exit */
	int64_t last_result;
	/* both: signals we sent and let through */
	sigset_t injected;
	/* replay */
	struct trace_reader *r;
	rr_console_fn console;
	void *console_arg;
	bool have_next, ended, at_end;
	uint32_t next_type, next_len;
	const void *next_data;
	struct rr_sysrec cur;
	const uint8_t *cur_blobs;
	char *end_cause;
	char *why;
	/* `goto EVENT`: stop at that event's seccomp stop */
	bool stop_event_set, at_event_stop;
	bool diverged;		/* sticky: every later syscall stops too */
	uint64_t stop_event;
	uint64_t host_changes;	/* run for real, changing shared host state */
};

#endif
