/*
 * replay/replay.h - record the UML kernel's host syscalls and signals into
 * a trace file, and replay them deterministically.
 *
 * Layering: replay sits on tracer (hooks, memory, registers, the trace
 * container) and lib.  It never prints: the front end learns why a replay
 * stopped from rr_why(), and console bytes of a replay reach it through
 * rr_console_fn.
 *
 * Recording: the seccomp filter from rr_seccomp_filter() makes the
 * syscalls of replay/syscalls.def stop at entry; the recorder logs their
 * results and output bytes.  Asynchronous signals are held at delivery
 * and injected at the next traced syscall, so each is logged with the
 * event number it arrived at.  Replay answers the emulated syscalls from
 * the log, runs the others and checks their results, injects the logged
 * signals where they were, and stops with a divergence report the moment
 * anything differs.
 */
#ifndef UMDBG_REPLAY_H
#define UMDBG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../tracer/tracer.h"

/* Record types inside a trace file (docs/trace-format.md). */
enum rr_record_type {
	RR_REC_SYSCALL = TRACE_REC_USER,	/* one traced syscall */
	RR_REC_SIGNAL,				/* a signal and its event */
	RR_REC_END,				/* how the recording ended */
};

/* RR_REC_END's `how`. */
enum rr_end {
	RR_END_EXITED,		/* the kernel process exited: value */
	RR_END_KILLED,		/* killed by signal value */
	RR_END_STOPPED,		/* the recording was stopped by umdbg */
};

struct rr;

/* The seccomp filter (struct sock_fprog *) for tracer_launch.seccomp. */
const void *rr_seccomp_filter(void);

/* Where a replay's console output goes. */
typedef void (*rr_console_fn)(void *arg, const void *buf, size_t len);

/* Start recording into path (then rr_set_console, rr_attach). */
int rr_record_new(const char *path, const struct trace_header *h,
		  struct rr **out, char **cause);
/*
 * Open a trace for replay.  The caller checks the header (rr_header:
 * the build-id) before launching the kernel it names.
 */
int rr_replay_new(const char *path, rr_console_fn console,
		  void *console_arg, struct rr **out, char **cause);
const struct trace_header *rr_header(const struct rr *rr);
/* The inodes of the guest console's pipes (its stdin, its stdout). */
void rr_set_console(struct rr *rr, const uint64_t console_ino[2]);

/* Attach to a launched (still stopped) kernel process: hooks, and the
 * vDSO hidden so clock reads become syscalls. */
int rr_attach(struct rr *rr, struct tracer *t, char **cause);

bool rr_is_replay(const struct rr *rr);
/* The number of traced syscalls done so far (the event counter). */
uint64_t rr_event(const struct rr *rr);
/* After TRACER_STOP_HOOK: why (divergence, end of the recording). */
const char *rr_why(const struct rr *rr);
/* True once a replay has diverged from its recording. */
bool rr_diverged(const struct rr *rr);
/* True once a replay has reached the end of its recording. */
bool rr_at_end(const struct rr *rr);

/*
 * Replay from the beginning again: the next rr_attach (to a kernel
 * launched afresh) starts at event 0.  0 or -errno with a cause.
 */
int rr_rewind(struct rr *rr, char **cause);
/* Stop (TRACER_STOP_HOOK) when the replay is about to do event `event`. */
void rr_stop_at_event(struct rr *rr, uint64_t event);
void rr_cancel_stop_event(struct rr *rr);
/* Is the last hook stop such an event stop? */
bool rr_at_event_stop(const struct rr *rr);

/* Checkpoints: may one be taken now (no traced syscall or signal under
 * way, not diverged)? */
bool rr_checkpointable(const struct rr *rr);
/* How many syscalls replay ran for real that changed host state a
 * checkpoint shares (a file, its offset, an epoll set): a checkpoint is
 * good only until the next one, in its namespace. */
uint64_t rr_host_changes(const struct rr *rr);
/* Where the replay is, and going back there with a kernel restored
 * from a checkpoint taken then (after rr_adopt). */
struct rr_mark {
	struct trace_mark trace;
	uint64_t event;
};
struct rr_mark rr_mark(const struct rr *rr);
void rr_seek(struct rr *rr, const struct rr_mark *m);
/* As rr_attach, for a kernel restored from a checkpoint. */
void rr_adopt(struct rr *rr, struct tracer *t);

/* Recording: log how it ended, write the footer and close.  0 or -errno. */
int rr_finish(struct rr *rr, enum rr_end how, int value);
void rr_free(struct rr *rr);

/* `umdbg trace info` and `umdbg trace dump`: print, 0 or an exit code
 * for a trace that cannot be read; errors go to err. */
int rr_trace_info(const char *path, FILE *out, FILE *err);
int rr_trace_dump(const char *path, FILE *out, FILE *err);
/* How many syscall events a trace holds (as far as it is readable). */
int rr_trace_events(const char *path, uint64_t *events);

#endif
