/*
 * cli/timeline.c - moving backwards in a replay: reverse-continue,
 * reverse-stepi, goto EVENT, restart.
 *
 * There is no instruction counter here (no PMU), so a moment of a replay
 * is named by what a deterministic re-run can count: "the Nth execution
 * of address A since the start, then S single-steps" (struct rr_pos), or
 * "event E" (about to make traced syscall E), or a stop of the same kind
 * at the same event (a signal, the end of the recording); or, named near
 * a checkpoint, "the Nth execution of A since checkpoint K, then S
 * steps" (rr_pos.based).  Going backwards = restoring the newest
 * checkpoint that serves the moment (its counts known), or launching the
 * kernel afresh from event 0, with breakpoints that count, and stopping
 * at the named moment (rr's ReplayTimeline, without ticks).  A moment
 * reached by `continue` is named on demand by a re-run that looks for
 * the same event, pc, registers, top of stack and kernel data.
 *
 * Owns: s->tl.pos (the name of the current moment when known).  Invariant:
 * after every function here the session is stopped with a live kernel
 * (or the function failed with a cause).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "timeline.h"
#include "../tui/tui.h"

uint64_t *tl_count_of(struct counters *cs, uint64_t addr)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].addr == addr)
			return &cs->c[i].n;
	cs->c = xrealloc(cs->c, (cs->n + 1) * sizeof(*cs->c));
	cs->c[cs->n] = (struct counter){ addr, 0, false };
	return &cs->c[cs->n++].n;
}

/* ---- hits counted while replaying forwards ----------------------------- */

static struct rr_track *track_of(struct session *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < s->tl.ntrack; i++)
		if (s->tl.track[i].addr == addr)
			return &s->tl.track[i];
	return NULL;
}

static bool replaying(const struct session *s)
{
	return TGT(s, replaying);
}

/* Forget the counts: from now on nothing is known to be covered. */
static void track_reset(struct session *s)
{
	free(s->tl.track);
	s->tl.track = NULL;
	s->tl.ntrack = 0;
	free(s->tl.history);
	s->tl.history = NULL;
	s->tl.nhistory = 0;
	s->tl.history_partial = false;
}

/* At the start of a replay (or after a re-run that counted every
 * breakpoint): the breakpoints now inserted are covered. */
static void track_start(struct session *s, const struct counters *cs)
{
	uint64_t addrs[256];
	int i, n = TGT(s, bp_addrs, addrs, 256);
	size_t j;

	track_reset(s);
	for (i = 0; i < n && i < 256; i++) {
		uint64_t c = 0;
		bool known = !cs || !s->tl.run_cs || s->tl.run_from_start;

		for (j = 0; cs && j < cs->n; j++)
			if (cs->c[j].addr == addrs[i]) {
				c = cs->c[j].n;
				known |= cs->c[j].known;
			}
		s->tl.track = xrealloc(s->tl.track, (s->tl.ntrack + 1) *
				    sizeof(*s->tl.track));
		s->tl.track[s->tl.ntrack++] = (struct rr_track){ addrs[i], c,
								 known };
	}
}

static void history_add(struct session *s, const struct rr_pos *p)
{
	s->tl.history = xrealloc(s->tl.history, (s->tl.nhistory + 1) *
			      sizeof(*s->tl.history));
	s->tl.history[s->tl.nhistory++] = *p;
}

void timeline_on_resume(struct session *s, bool stepping)
{
	uint64_t addrs[256];
	int i, n;
	size_t j;

	if (!replaying(s))
		return;
	if (s->tl.step_pending) {
		/* The step over a breakpoint (below) is done: it must not
		 * have arrived on a counted address without its trap. */
		struct user_regs_struct r;

		s->tl.step_pending = false;
		if (TGT(s, regs, &r) < 0 || track_of(s, r.rip))
			for (j = 0; j < s->tl.ntrack; j++)
				s->tl.track[j].covered = false;
	}
	if (stepping) {
		struct user_regs_struct r;
		uint64_t a;

		/* gdb steps off the breakpoint it stopped at, as a re-run
		 * resumes from one: the counts still hold. */
		a = s->last_stop.addr;	/* gdb has removed that bp by now */
		if (s->last_stop.kind == TRACER_STOP_BREAKPOINT &&
		    TGT(s, regs, &r) == 0 && r.rip == a &&
		    !s->tl.stepped_since_stop) {
			s->tl.stepped_since_stop = true;
			s->tl.step_pending = true;
			return;
		}
		/* Any other step runs addresses without their traps: the
		 * counts would no longer match a re-run's. */
		LOG("timeline", "step: counts lost");
		for (j = 0; j < s->tl.ntrack; j++)
			s->tl.track[j].covered = false;
		return;
	}
	n = TGT(s, bp_addrs, addrs, 256);
	if (s->tl.pos_known && s->tl.pos.kind == RR_POS_START && !s->tl.pos.steps &&
	    !s->tl.nhistory) {
		/* nothing has run yet: whatever is inserted is covered */
		track_start(s, NULL);
		return;
	}
	for (j = 0; j < s->tl.ntrack; j++) {
		bool there = false;

		for (i = 0; i < n && i < 256; i++)
			there |= addrs[i] == s->tl.track[j].addr;
		if (!there)
			s->tl.track[j].covered = false;
	}
	for (i = 0; i < n && i < 256; i++)
		if (!track_of(s, addrs[i])) {
			s->tl.track = xrealloc(s->tl.track, (s->tl.ntrack + 1) *
					    sizeof(*s->tl.track));
			s->tl.track[s->tl.ntrack++] = (struct rr_track){ addrs[i], 0,
								   false };
		}
}

void timeline_on_stop(struct session *s, const struct tracer_stop *st)
{
	struct rr_track *tr;
	uint64_t a;

	s->tl.stepped_since_stop = false;
	if (!replaying(s) || st->kind != TRACER_STOP_BREAKPOINT ||
	    !TGT(s, bp_addr, st->bp, &a) || !(tr = track_of(s, a)))
		return;
	tr->count++;
	if (!tr->covered)
		return;
	history_add(s, &(struct rr_pos){ .kind = RR_POS_BP, .addr = a,
					 .count = tr->count });
	s->tl.pos = s->tl.history[s->tl.nhistory - 1];
	s->tl.pos_known = true;
}

/* Are all the user's breakpoints counted since the start (and no
 * watchpoint, whose triggers are not)? */
bool tl_all_covered(struct session *s, struct counters *user)
{
	size_t i;
	struct rr_track *tr;

	if (TGT(s, watch_count))
		return false;
	for (i = 0; i < user->n; i++)
		if (!(tr = track_of(s, user->c[i].addr)) || !tr->covered)
			return false;
	return true;
}

/* The registers and the stack's top; the state's CRC with crc. */
static void fingerprint(struct session *s, struct fingerprint *fp, bool crc)
{
	memset(fp, 0, sizeof(*fp));
	fp->event = TGT(s, event);
	fp->kind = s->last_stop.kind;
	fp->signo = s->last_stop.signo;
	TGT(s, regs, &fp->regs);
	TGT(s, read, fp->regs.rsp, fp->stack, sizeof(fp->stack));
	fp->has_crc = crc && s->tl.target->state_crc &&
		      TGT(s, state_crc, &fp->crc);
}

void tl_take_fingerprint(struct session *s, struct fingerprint *fp)
{
	fingerprint(s, fp, true);
}

bool tl_same_moment(struct session *s, const struct fingerprint *fp)
{
	struct fingerprint now;

	/* the CRC (milliseconds) only where all else is the same */
	fingerprint(s, &now, false);
	now.kind = fp->kind;
	now.signo = fp->signo;
	now.has_crc = fp->has_crc;
	now.crc = fp->crc;
	if (!memcmp(&now, fp, sizeof(now)) && fp->has_crc &&
	    (!TGT(s, state_crc, &now.crc) || now.crc != fp->crc)) {
		LOG("timeline", "the same registers and stack, another "
		    "kernel state");
		return false;
	}
	if (log_enabled("timeline")) {
		const uint64_t *a = (const void *)&now.regs;
		const uint64_t *b = (const void *)&fp->regs;
		size_t i;

		for (i = 0; i < sizeof(now.regs) / 8; i++)
			if (a[i] != b[i])
				LOG("timeline", "reg %zu: 0x%llx vs 0x%llx", i,
				    (unsigned long long)a[i],
				    (unsigned long long)b[i]);
		for (i = 0; i < sizeof(now.stack); i++)
			if (now.stack[i] != fp->stack[i])
				LOG("timeline", "stack byte %zu differs", i);
	}
	/* fs_base etc. are the same by construction; compare them all */
	return !memcmp(&now, fp, sizeof(now));
}

/*
 * Launch the kernel afresh and rewind the trace: the session is then at
 * the replay's first instruction, with every breakpoint and watchpoint
 * of before.
 */
/* Another kernel stands (launched afresh, or restored from a
 * checkpoint): no counts, no stop of before. */
static void new_kernel(struct session *s)
{
	s->last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC,
					     .tid = TGT(s, pid) };
	s->tl.pos_known = false;
	track_reset(s);
	session_restarted(s);
}

int timeline_restart(struct session *s, char **cause)
{
	int err = TGT(s, restart, cause);

	if (err < 0)
		return err;
	new_kernel(s);
	s->tl.pos = (struct rr_pos){ .kind = RR_POS_START };
	s->tl.pos_known = true;
	err = TGT(s, attach, cause);
	if (err < 0)
		s->tl.pos_known = false;
	return err;
}

/* ---- checkpoints --------------------------------------------------------- */

bool timeline_pins(struct session *s, uint64_t key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(s->tl.held); i++)
		if (s->tl.held[i].based && s->tl.held[i].ck == key)
			return true;
	return s->tl.pos_known && s->tl.pos.based && s->tl.pos.ck == key;
}

bool timeline_ckpt_event(struct session *s, uint64_t key, uint64_t *event)
{
	const struct ck_count *c;
	size_t i, n;

	for (i = 0; s->tl.target->ckpt_count && i < TGT(s, ckpt_count); i++)
		if (TGT(s, ckpt_key, i) == key) {
			TGT(s, ckpt_info, i, event, &c, &n);
			return true;
		}
	return false;
}

bool tl_count_known(struct session *s, struct counters *cs, uint64_t addr)
{
	size_t i;

	if (s->tl.run_from_start)
		return true;
	for (i = 0; i < cs->n; i++)
		if (cs->c[i].addr == addr)
			return cs->c[i].known;
	return false;
}

size_t timeline_known_counts(struct session *s, struct ck_count **out)
{
	struct counters *cs = s->tl.run_cs;
	size_t i, n = 0;

	*out = NULL;
	if (cs) {
		/* a re-run: what it counts since the start */
		*out = xmalloc((cs->n ? cs->n : 1) * sizeof(**out));
		for (i = 0; i < cs->n; i++)
			if (s->tl.run_from_start || cs->c[i].known)
				(*out)[n++] = (struct ck_count){ cs->c[i].addr,
								 cs->c[i].n };
		return n;
	}
	/* going forward: the breakpoints counted since the start */
	*out = xmalloc((s->tl.ntrack ? s->tl.ntrack : 1) * sizeof(**out));
	for (i = 0; i < s->tl.ntrack; i++)
		if (s->tl.track[i].covered)
			(*out)[n++] = (struct ck_count){ s->tl.track[i].addr,
							 s->tl.track[i].count };
	return n;
}

/* Does checkpoint i come before moment pos (its counts seeded)? */
static bool ckpt_serves(struct session *s, size_t i, const struct rr_pos *pos)
{
	const struct ck_count *c;
	uint64_t event, key;
	size_t n, j;

	if (pos->based)
		return TGT(s, ckpt_key, i) == pos->ck;
	TGT(s, ckpt_info, i, &event, &c, &n);
	switch (pos->kind) {
	case RR_POS_EVENT:
		return event <= pos->event;
	case RR_POS_STOP:
		return event < pos->event;
	case RR_POS_BP:
	case RR_POS_WATCH:
		key = pos->kind == RR_POS_BP ? pos->addr : ~pos->addr;
		for (j = 0; j < n; j++)
			if (c[j].key == key)
				return c[j].n < pos->count;
		return false;
	default:
		return false;
	}
}

int tl_restart_for(struct session *s, const struct rr_pos *pos,
		   size_t *below, struct counters *cs, char **cause)
{
	const struct ck_count *c;
	uint64_t event;
	size_t i, n, j;
	char *why = NULL;
	int err;

	i = s->tl.target->ckpt_count ? TGT(s, ckpt_count) : 0;
	if (below && *below < i)
		i = *below;
	while (i-- > 0 && !ckpt_serves(s, i, pos))
		;
	if (below)
		*below = i == (size_t)-1 ? 0 : i;
	if (i != (size_t)-1) {
		TGT(s, ckpt_info, i, &event, &c, &n);
		for (j = 0; j < n; j++) {
			cs->c = xrealloc(cs->c, (cs->n + 1) * sizeof(*cs->c));
			cs->c[cs->n++] = (struct counter){ c[j].key, c[j].n,
							   true };
		}
		err = TGT(s, ckpt_restore, i, &why);
		if (!err) {
			new_kernel(s);
			s->tl.run_cs = cs;
			s->tl.run_from_start = false;
			cs->from_base = pos->based;
			return 0;
		}
		if (pos->based) {
			/* the kernel went with it: a fresh one, and the
			 * moment is lost */
			err = set_cause(cause, err, "the checkpoint that "
					"moment was named from could not be "
					"restored: %s", why);
			free(why);
			why = NULL;
			if (timeline_restart(s, &why) < 0)
				LOG("timeline", "no fresh kernel: %s", why);
			free(why);
			return err;
		}
		LOG("timeline", "checkpoint not restored (%s): from the start",
		    why);
		free(why);
		free(cs->c);
		cs->c = NULL;
		cs->n = 0;
	}
	if (pos->based)
		return set_cause(cause, -ESTALE, "the checkpoint that moment "
				 "was named from is gone (go there again to "
				 "name it anew)");
	err = timeline_restart(s, cause);
	s->tl.run_cs = cs;
	s->tl.run_from_start = true;
	return err;
}

void tl_run_done(struct session *s)
{
	s->tl.run_cs = NULL;
}

static void src_on_resume(void *arg, bool step)
{
	timeline_on_resume(arg, step);
}

static void src_saw_stop(void *arg, const struct tracer_stop *st)
{
	struct session *s = arg;

	timeline_on_stop(s, st);
	if (replaying(s))
		timeline_retry_points(s);
}

void timeline_init(struct session *s, const struct tl_target *target,
		   void *arg)
{
	s->tl.target = target;
	s->tl.target_arg = arg;
	session_add_source(s, &(struct session_source){
		.arg = s, .on_resume = src_on_resume,
		.saw_stop = src_saw_stop });
}

void timeline_retry_points(struct session *s)
{
	TGT(s, bp_retry);
}

/*
 * Wait for the replay's next stop while watching what the event loop
 * would: Ctrl-C or gdb's interrupt byte interrupts a long re-run
 * (-EINTR, the replay stays where it stopped), and so does a gdb that
 * leaves; SIGTERM, SIGHUP and SIGQUIT stop it too and are raised again
 * for the event loop, which ends the guest.
 */
static int wait_stop(struct session *s, struct tracer_stop *st, char **cause)
{
	struct signalfd_siginfo si;
	struct pollfd p[1 + SESSION_MAX_SOURCES];
	bool keep[SESSION_MAX_SOURCES];
	int err, i, stop_sig = 0;

	if (s->sigfd < 0)
		return TGT(s, wait, st, cause);
	for (i = 0; i < s->nsources; i++)
		keep[i] = true;
	for (;;) {
		err = TGT(s, pump, st, cause);
		if (err)
			break;
		p[0] = (struct pollfd){ s->sigfd, POLLIN, 0 };
		/* gdb's connection; the TUI's terminal (raw: Ctrl-C is a
		 * key there) */
		for (i = 0; i < s->nsources; i++)
			p[1 + i] = (struct pollfd){
				keep[i] && s->sources[i].stop_fd ?
				s->sources[i].stop_fd(s->sources[i].arg) : -1,
				POLLIN, 0 };
		if (poll(p, 1 + s->nsources, -1) < 0 && errno != EINTR)
			return set_cause(cause, -errno, "poll: %s",
					 errstr(errno));
		for (i = 0; i < s->nsources; i++)
			if (p[1 + i].revents && s->sources[i].asks_stop(
				    s->sources[i].arg, &keep[i]) && !stop_sig) {
				stop_sig = -1;	/* a front end's */
				TGT(s, interrupt);
			}
		while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			int sig = (int)si.ssi_signo;

			if (sig == SIGCHLD)
				continue;	/* the pump above */
			if (sig == SIGWINCH) {
				s->tl_winch = true;
				continue;
			}
			if (!stop_sig) {
				stop_sig = sig;
				TGT(s, interrupt);
			}
		}
	}
	if (s->tl_winch) {
		s->tl_winch = false;
		raise(SIGWINCH);	/* the TUI's, for the event loop */
	}
	if (err < 0 || !stop_sig)
		return err;
	if (stop_sig > 0 && stop_sig != SIGINT)
		raise(stop_sig);	/* blocked: the event loop reads it */
	return set_cause(cause, -EINTR, "interrupted (%s); the replay stays "
			 "where it stopped", stop_sig == SIGINT ? "Ctrl-C" :
			 stop_sig < 0 ? (s->tui ? "Ctrl-C" : "by gdb") :
			 strsignal(stop_sig));
}

/* Resume and wait for the next stop (the guest's own stops included). */
int tl_run(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = TGT(s, resume, cause);

	if (err < 0)
		return err;
	err = wait_stop(s, st, cause);
	if (err == -EINTR)
		s->last_stop = *st;
	if (err < 0)
		return err;
	/* Breakpoints in module text come back as their module loads
	 * again (the re-run stops at do_init_module first). */
	timeline_retry_points(s);
	LOG("timeline", "stop kind %d addr 0x%llx bp %d signo %d event %llu",
	    st->kind, (unsigned long long)st->addr, st->bp, st->signo,
	    (unsigned long long)TGT(s, event));
	s->last_stop = *st;
	return 0;
}

bool tl_ended(const struct tracer_stop *st)
{
	return st->kind == TRACER_STOP_EXITED || st->kind == TRACER_STOP_KILLED;
}

int tl_step(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = TGT(s, step, st, cause);

	/* Into a host syscall: a replay's return from it is recorded, so
	 * it comes. */
	if (err == 0)
		err = wait_stop(s, st, cause);
	if (err == -EINTR)
		s->last_stop = *st;
	if (err < 0)
		return err;
	s->last_stop = *st;
	return tl_ended(st) ? set_cause(cause, -ESRCH, "the replay ended while "
				     "stepping") : 0;
}

/* Address of the breakpoint a stop is at (0: not a breakpoint stop). */
uint64_t tl_bp_addr_of(struct session *s, const struct tracer_stop *st)
{
	uint64_t a;

	if (st->kind != TRACER_STOP_BREAKPOINT ||
	    !TGT(s, bp_addr, st->bp, &a))
		return 0;
	return a;
}

/* Count a scan's stop: a breakpoint hit under its address, a watchpoint
 * trigger under ~slot.  Returns the breakpoint's address (0: none). */
uint64_t tl_count_stop(struct session *s, const struct tracer_stop *st,
			  struct counters *cs)
{
	uint64_t a = tl_bp_addr_of(s, st);

	if (a)
		++*tl_count_of(cs, a);
	if (st->kind == TRACER_STOP_WATCH)
		++*tl_count_of(cs, ~(uint64_t)st->bp);
	return a;
}

/*
 * Prepare a re-run to stop at moment p: an event stop, or a breakpoint
 * at its address.  Returns that breakpoint's id, 0 for none, or -errno.
 */
int tl_arm_for(struct session *s, const struct rr_pos *p, char **cause)
{
	if (p->kind == RR_POS_EVENT)
		TGT(s, stop_at_event, p->event);
	if (p->kind == RR_POS_BP)
		return TGT(s, bp_insert, p->addr);
	(void)cause;
	return 0;
}

/* tl_run(), where the guest ending is an error: the moment was not met. */
int tl_run_to(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = tl_run(s, st, cause);

	if (!err && tl_ended(st))
		err = set_cause(cause, -ESRCH, "the replay ended before "
				"reaching that moment");
	return err;
}

/* Is moment st (during a scan) the named moment `now`?  For a BP
 * moment with steps, the caller single-steps on from the hit. */
bool tl_at_now(struct session *s, const struct rr_pos *now,
	       const struct tracer_stop *st, struct counters *cs)
{
	uint64_t a = tl_bp_addr_of(s, st);

	if (now->based) {
		/* its runs counted from its checkpoint on */
		if (!cs->from_base)
			return false;
		if (now->kind == RR_POS_BP ? a == now->addr :
		    st->kind == TRACER_STOP_WATCH &&
		    (uint64_t)st->bp == now->addr)
			return ++cs->since_base == now->count;
		return false;
	}
	switch (now->kind) {
	case RR_POS_EVENT:
		return st->kind == TRACER_STOP_HOOK && TGT(s, at_event_stop);
	case RR_POS_STOP:
		return st->kind == now->stop_kind && st->signo == now->signo &&
		       TGT(s, event) == now->event;
	case RR_POS_BP:
		return a == now->addr && *tl_count_of(cs, a) == now->count;
	case RR_POS_WATCH:
		return st->kind == TRACER_STOP_WATCH &&
		       (uint64_t)st->bp == now->addr &&
		       *tl_count_of(cs, ~(uint64_t)st->bp) == now->count;
	default:
		return true;
	}
}

/* Go to a named moment: restart, then count. */
int timeline_goto(struct session *s, const struct rr_pos *pos, char **cause)
{
	struct counters cs = { 0 };
	struct tracer_stop st;
	struct rr_pos *hist = NULL;
	size_t nhist = 0;
	uint64_t i, a;
	int err, id = 0;

	err = tl_restart_for(s, pos, NULL, &cs, cause);
	if (err < 0) {
		tl_run_done(s);
		free(cs.c);
		return err;
	}
	if (pos->kind == RR_POS_START) {
		tl_run_done(s);
		free(cs.c);
	}
	for (i = 0; pos->kind == RR_POS_START && i < pos->steps; i++) {
		err = tl_step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (pos->kind == RR_POS_START) {
		s->tl.pos = *pos;
		return 0;
	}
	id = tl_arm_for(s, pos, cause);
	if (id < 0) {
		tl_run_done(s);
		free(cs.c);
		return id;
	}
	for (;;) {
		err = tl_run_to(s, &st, cause);
		if (err < 0)
			break;
		a = tl_count_stop(s, &st, &cs);
		if (a) {
			hist = xrealloc(hist, (nhist + 1) * sizeof(*hist));
			hist[nhist++] = (struct rr_pos){
				.kind = RR_POS_BP, .addr = a,
				.count = *tl_count_of(&cs, a) };
		}
		if (tl_at_now(s, pos, &st, &cs))
			break;
		if (st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "%s", TGT(s, why));
			break;
		}
	}
	if (err < 0) {
		tl_run_done(s);
		free(cs.c);
		free(hist);
		if (id > 0)
			TGT(s, bp_remove, id);
		TGT(s, stop_at_event, UINT64_MAX);
		s->tl.pos_known = false;
		return err;
	}
	/* Every breakpoint was in place from the start of this run (or its
	 * checkpoint): their counts and order are known (after it).  (Not
	 * for a based moment: its own address may not be counted.) */
	if ((pos->kind == RR_POS_BP || pos->kind == RR_POS_WATCH) &&
	    !pos->based) {
		track_start(s, &cs);
		s->tl.history = hist;
		s->tl.nhistory = nhist;
		s->tl.history_partial = !s->tl.run_from_start;
		hist = NULL;
	}
	tl_run_done(s);
	free(hist);
	free(cs.c);
	if (id > 0)
		TGT(s, bp_remove, id);
	for (i = 0; pos->kind == RR_POS_BP && i < pos->steps; i++) {
		timeline_on_resume(s, true);
		err = tl_step(s, &st, cause);
		if (err < 0) {
			s->tl.pos_known = false;
			return err;
		}
	}
	s->tl.pos = *pos;
	s->tl.pos_known = true;
	return 0;
}
