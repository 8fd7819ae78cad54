/*
 * cli/timeline.h - what timeline.c (counting, naming moments, goto) and
 * reverse.c (reverse-continue, reverse-stepi) share.  Private to them.
 */
#ifndef UMDBG_TIMELINE_H
#define UMDBG_TIMELINE_H

#include "cli.h"

#define MAX_STEPS 2000000u	/* single-steps from an anchor, at most */

/*
 * What the timeline drives: a replayed kernel that can be launched
 * afresh, run, stepped, given breakpoints and asked where it is.  The
 * session's target (target.c) is the tracer and the replay; t0003's is a
 * fake kernel.  Every call takes the target's own arg (s->tl.target_arg).
 */
struct tl_target {
	/* A fresh kernel at the replay's first instruction, with every
	 * breakpoint and watchpoint of before; on failure the old one
	 * stays.  attach: the replay takes over the fresh kernel. */
	int (*restart)(void *arg, char **cause);
	/* Checkpoints (optional), oldest first: how many; the i-th's
	 * event and the hit counts since the start it knows; make the
	 * live kernel the i-th's (0; -errno when that failed, and the old
	 * kernel is gone: restart then). */
	size_t (*ckpt_count)(void *arg);
	void (*ckpt_info)(void *arg, size_t i, uint64_t *event,
			  const struct ck_count **counts, size_t *n);
	int (*ckpt_restore)(void *arg, size_t i, char **cause);
	/* the i-th's key: it names the checkpoint while it is held; and
	 * the key one taken now would have (keys grow with the replay) */
	uint64_t (*ckpt_key)(void *arg, size_t i);
	uint64_t (*ckpt_now)(void *arg);
	int (*attach)(void *arg, char **cause);
	bool (*alive)(void *arg);
	pid_t (*pid)(void *arg);
	/* resume; step (1: stopped already, 0: pump for the stop); pump:
	 * 1 and *st when a stop came, 0 when none yet; wait: block for one */
	int (*resume)(void *arg, char **cause);
	int (*step)(void *arg, struct tracer_stop *st, char **cause);
	int (*pump)(void *arg, struct tracer_stop *st, char **cause);
	int (*wait)(void *arg, struct tracer_stop *st, char **cause);
	void (*interrupt)(void *arg);
	int (*regs)(void *arg, struct user_regs_struct *r);
	/* optional: a CRC of the kernel's state beyond registers and stack
	 * (false: none now) */
	bool (*state_crc)(void *arg, uint32_t *crc);
	ssize_t (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	/* breakpoints: inserted addresses; the address of id; insert (now,
	 * or when its code is there: the id or -errno); remove; insert the
	 * waiting ones whose code has come */
	int (*bp_addrs)(void *arg, uint64_t *addrs, int max);
	bool (*bp_addr)(void *arg, int id, uint64_t *addr);
	int (*bp_insert)(void *arg, uint64_t addr);
	void (*bp_remove)(void *arg, int id);
	void (*bp_retry)(void *arg);
	int (*watch_count)(void *arg);	/* watchpoints set */
	uint64_t (*func_start)(void *arg, uint64_t pc);	/* 0: unknown */
	/* the replay: is one running; its event count; why it stopped;
	 * stop before event E (UINT64_MAX: do not); stopped so? */
	bool (*replaying)(void *arg);
	uint64_t (*event)(void *arg);
	const char *(*why)(void *arg);
	void (*stop_at_event)(void *arg, uint64_t event);
	bool (*at_event_stop)(void *arg);
};

/* The session's target (target.c). */
extern const struct tl_target session_target;
/* A call of the session's target: TGT(s, regs, &r). */
#define TGT(s, op, ...) ((s)->tl.target->op((s)->tl.target_arg, ##__VA_ARGS__))

/* What identifies the current moment when it has no name yet. */
struct fingerprint {
	uint64_t event;
	struct user_regs_struct regs;
	uint8_t stack[256];
	enum tracer_stop_kind kind;
	int signo;
	bool has_crc;	/* and the state's CRC (tl_target's state_crc) */
	uint32_t crc;
};

struct counter {
	uint64_t addr;
	uint64_t n;
	bool known;	/* since the start (a count seeded from a checkpoint) */
};

struct counters {
	struct counter *c;
	size_t n;
	/* a based moment's (rr_pos.based): its checkpoint restored for
	 * this run, and the runs counted since */
	bool from_base;
	uint64_t since_base;
};

/* The count kept for addr (added at 0). */
uint64_t *tl_count_of(struct counters *cs, uint64_t addr);
/* Is cs's count of addr one since the start?  A re-run from the start
 * counts everything since the start; one from a checkpoint, what the
 * checkpoint knew. */
bool tl_count_known(struct session *s, struct counters *cs, uint64_t addr);
/* Before going to moment pos: the kernel of the newest checkpoint before
 * it when one serves (cs seeded with its counts), else a fresh start.
 * With below: only checkpoints before index *below, and *below becomes
 * the index restored (0 when from the start). */
int tl_restart_for(struct session *s, const struct rr_pos *pos,
		   size_t *below, struct counters *cs, char **cause);
/* The re-run that counts into cs is over. */
void tl_run_done(struct session *s);
/* reverse.c: name the current moment (s->tl.pos), re-running the replay
 * if it has no name yet; the session ends at the same moment. */
int tl_name_now(struct session *s, char **cause);
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
