/*
 * cli/timeline.h - what timeline.c (counting, naming moments, goto) and
 * reverse.c (reverse-continue, reverse-stepi) share.  Private to them.
 */
#ifndef UMDBG_TIMELINE_H
#define UMDBG_TIMELINE_H

#include "cli.h"

#define MAX_STEPS 2000000u	/* single-steps from an anchor, at most */

/* What identifies the current moment when it has no name yet. */
struct fingerprint {
	uint64_t event;
	struct user_regs_struct regs;
	uint8_t stack[256];
	enum tracer_stop_kind kind;
	int signo;
};

struct counter {
	uint64_t addr;
	uint64_t n;
};

struct counters {
	struct counter *c;
	size_t n;
};

/* The count kept for addr (added at 0). */
uint64_t *tl_count_of(struct counters *cs, uint64_t addr);
/* Every user point counted since the start of the replay? */
bool tl_all_covered(struct session *s, struct counters *user);
void tl_take_fingerprint(struct session *s, struct fingerprint *fp);
bool tl_same_moment(struct session *s, const struct fingerprint *fp);
/* Resume (or single-step) and wait for the next stop, Ctrl-C and gdb's
 * interrupt heard meanwhile (-EINTR). */
int tl_run(struct session *s, struct tracer_stop *st, char **cause);
int tl_step(struct session *s, struct tracer_stop *st, char **cause);
bool tl_ended(const struct tracer_stop *st);
/* The breakpoint address a stop is at (0: none); a scan's stop counted
 * (a breakpoint hit under its address, a watchpoint trigger under
 * ~slot), its address returned. */
uint64_t tl_bp_addr_of(struct session *s, const struct tracer_stop *st);
uint64_t tl_count_stop(struct session *s, const struct tracer_stop *st,
		       struct counters *cs);
/* Prepare a re-run to stop at p (an event stop, or a breakpoint at its
 * address): the breakpoint's id, 0 for none, or -errno.  tl_run_to:
 * tl_run, where the guest ending is an error. */
int tl_arm_for(struct session *s, const struct rr_pos *p, char **cause);
int tl_run_to(struct session *s, struct tracer_stop *st, char **cause);
/* Is moment st (during a scan, with the counts cs) the named moment
 * now? */
bool tl_at_now(struct session *s, const struct rr_pos *now,
	       const struct tracer_stop *st, struct counters *cs);

#endif
