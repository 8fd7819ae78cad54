/*
 * cli/timeline.c - moving backwards in a replay: reverse-continue,
 * reverse-stepi, goto EVENT, restart.
 *
 * There is no instruction counter here (no PMU), so a moment of a replay
 * is named by what a deterministic re-run can count: "the Nth execution
 * of address A since the start, then S single-steps" (struct rr_pos), or
 * "event E" (about to make traced syscall E), or a stop of the same kind
 * at the same event (a signal, the end of the recording).  Going
 * backwards = launching the kernel afresh, replaying from event 0 with
 * breakpoints that count, and stopping at the named moment (rr's
 * ReplayTimeline, without ticks).  A moment reached by `continue` is
 * named on demand by a re-run that looks for the same event, pc,
 * registers and top of stack.
 *
 * Owns: s->pos (the name of the current moment when known).  Invariant:
 * after every function here the session is stopped with a live kernel
 * (or the function failed with a cause).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../tui/tui.h"

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

static uint64_t *count_of(struct counters *cs, uint64_t addr)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].addr == addr)
			return &cs->c[i].n;
	cs->c = xrealloc(cs->c, (cs->n + 1) * sizeof(*cs->c));
	cs->c[cs->n] = (struct counter){ addr, 0 };
	return &cs->c[cs->n++].n;
}

/* ---- hits counted while replaying forwards ----------------------------- */

static struct rr_track *track_of(struct session *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < s->ntrack; i++)
		if (s->track[i].addr == addr)
			return &s->track[i];
	return NULL;
}

static bool replaying(const struct session *s)
{
	return s->rr && rr_is_replay(s->rr);
}

/* Forget the counts: from now on nothing is known to be covered. */
static void track_reset(struct session *s)
{
	free(s->track);
	s->track = NULL;
	s->ntrack = 0;
	free(s->history);
	s->history = NULL;
	s->nhistory = 0;
}

/* At the start of a replay (or after a re-run that counted every
 * breakpoint): the breakpoints now inserted are covered. */
static void track_start(struct session *s, const struct counters *cs)
{
	uint64_t addrs[256];
	int i, n = tracer_bp_addrs(s->t, addrs, 256);
	size_t j;

	track_reset(s);
	for (i = 0; i < n && i < 256; i++) {
		uint64_t c = 0;

		for (j = 0; cs && j < cs->n; j++)
			if (cs->c[j].addr == addrs[i])
				c = cs->c[j].n;
		s->track = xrealloc(s->track, (s->ntrack + 1) *
				    sizeof(*s->track));
		s->track[s->ntrack++] = (struct rr_track){ addrs[i], c, true };
	}
}

static void history_add(struct session *s, const struct rr_pos *p)
{
	s->history = xrealloc(s->history, (s->nhistory + 1) *
			      sizeof(*s->history));
	s->history[s->nhistory++] = *p;
}

void timeline_on_resume(struct session *s, bool stepping)
{
	uint64_t addrs[256];
	int i, n;
	size_t j;

	if (!replaying(s))
		return;
	if (s->step_pending) {
		/* The step over a breakpoint (below) is done: it must not
		 * have arrived on a counted address without its trap. */
		struct user_regs_struct r;

		s->step_pending = false;
		if (tracer_get_regs(s->t, 0, &r) < 0 || track_of(s, r.rip))
			for (j = 0; j < s->ntrack; j++)
				s->track[j].covered = false;
	}
	if (stepping) {
		struct user_regs_struct r;
		uint64_t a;

		/* gdb steps off the breakpoint it stopped at, as a re-run
		 * resumes from one: the counts still hold. */
		a = s->last_stop.addr;	/* gdb has removed that bp by now */
		if (s->last_stop.kind == TRACER_STOP_BREAKPOINT &&
		    tracer_get_regs(s->t, 0, &r) == 0 && r.rip == a &&
		    !s->stepped_since_stop) {
			s->stepped_since_stop = true;
			s->step_pending = true;
			return;
		}
		/* Any other step runs addresses without their traps: the
		 * counts would no longer match a re-run's. */
		LOG("timeline", "step: counts lost");
		for (j = 0; j < s->ntrack; j++)
			s->track[j].covered = false;
		return;
	}
	n = tracer_bp_addrs(s->t, addrs, 256);
	if (s->pos_known && s->pos.kind == RR_POS_START && !s->pos.steps &&
	    !s->nhistory) {
		/* nothing has run yet: whatever is inserted is covered */
		track_start(s, NULL);
		return;
	}
	for (j = 0; j < s->ntrack; j++) {
		bool there = false;

		for (i = 0; i < n && i < 256; i++)
			there |= addrs[i] == s->track[j].addr;
		if (!there)
			s->track[j].covered = false;
	}
	for (i = 0; i < n && i < 256; i++)
		if (!track_of(s, addrs[i])) {
			s->track = xrealloc(s->track, (s->ntrack + 1) *
					    sizeof(*s->track));
			s->track[s->ntrack++] = (struct rr_track){ addrs[i], 0,
								   false };
		}
}

void timeline_on_stop(struct session *s, const struct tracer_stop *st)
{
	struct rr_track *tr;
	uint64_t a;

	s->stepped_since_stop = false;
	if (!replaying(s) || st->kind != TRACER_STOP_BREAKPOINT ||
	    !tracer_bp_addr(s->t, st->bp, &a) || !(tr = track_of(s, a)))
		return;
	tr->count++;
	if (!tr->covered)
		return;
	history_add(s, &(struct rr_pos){ .kind = RR_POS_BP, .addr = a,
					 .count = tr->count });
	s->pos = s->history[s->nhistory - 1];
	s->pos_known = true;
}

/* Are all the user's breakpoints counted since the start (and no
 * watchpoint, whose triggers are not)? */
static bool all_covered(struct session *s, struct counters *user)
{
	size_t i;
	struct rr_track *tr;

	if (tracer_hw_count(s->t))
		return false;
	for (i = 0; i < user->n; i++)
		if (!(tr = track_of(s, user->c[i].addr)) || !tr->covered)
			return false;
	return true;
}

static void take_fingerprint(struct session *s, struct fingerprint *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->event = rr_event(s->rr);
	fp->kind = s->last_stop.kind;
	fp->signo = s->last_stop.signo;
	tracer_get_regs(s->t, 0, &fp->regs);
	tracer_read_mem(s->t, fp->regs.rsp, fp->stack, sizeof(fp->stack));
}

static bool same_moment(struct session *s, const struct fingerprint *fp)
{
	struct fingerprint now;

	take_fingerprint(s, &now);
	now.kind = fp->kind;
	now.signo = fp->signo;
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
int timeline_restart(struct session *s, char **cause)
{
	struct tracer *t;
	int err, fd;

	/* The console pipes are the same ones, and the kernel before set
	 * their file flags (O_NONBLOCK, O_ASYNC and its owner): the new one
	 * must find them as fresh as the first did. */
	for (fd = s->launch.stdin_fd; fd >= 0; fd = fd == s->launch.stdin_fd ?
	     s->launch.stdout_fd : -1) {
		fcntl(fd, F_SETFL, 0);
		fcntl(fd, F_SETOWN, 0);
		fcntl(fd, F_SETSIG, 0);
	}
	/* The new kernel first; until it stands, the old one stays. */
	err = tracer_launch(&s->launch, &t, cause);
	if (err < 0)
		return err;
	err = tracer_copy_points(s->t, t);
	if (!err)
		err = rr_rewind(s->rr, cause);
	else
		set_cause(cause, err, "cannot carry the breakpoints over to "
			  "the restarted replay");
	if (err < 0) {
		tracer_free(t);
		return err;
	}
	tracer_free(s->t);
	s->t = t;
	kmodel_set_mem(s->k, &(struct kmodel_mem){ session_mem_read, t });
	s->last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC,
					     .tid = tracer_pid(t) };
	s->pos = (struct rr_pos){ .kind = RR_POS_START };
	s->pos_known = true;
	track_reset(s);
	gdbserver_restarted(s->gdb);
	err = rr_attach(s->rr, t, cause);
	if (err < 0)
		s->pos_known = false;
	return err;
}

/* tracer_bp_retry's test: a module breakpoint waits for its module. */
static bool code_ready(void *arg, uint64_t addr)
{
	struct session *s = arg;
	char *func = NULL, *mod = NULL;
	uint64_t off;
	bool in_module = kmodel_module_where(s->k, addr, &func, &off,
					     &mod) == 0;

	free(func);
	free(mod);
	/* Host libraries (high addresses) have nothing else mapped there
	 * before them: readable means loaded. */
	return in_module || addr >= 0x7f0000000000ull;
}

void timeline_retry_points(struct session *s)
{
	if (s->t && tracer_is_alive(s->t))
		tracer_bp_retry(s->t, code_ready, s);
}

/*
 * gdb's side while a re-run goes on: its interrupt byte (taken) or its
 * leaving (left for the event loop to see) asks to stop.  Anything else
 * waits for the event loop; *watch goes false so the loop does not spin
 * on it.
 */
static bool gdb_asks_stop(struct session *s, bool *watch)
{
	int fd = gdbserver_client_fd(s->gdb);
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n == 1 && c == 0x03) {
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		return true;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		*watch = false;
		return true;	/* gone */
	}
	*watch = n < 0;
	return false;
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
	struct pollfd p[3];
	int err, stop_sig = 0;
	bool gdb = gdbserver_connected(s->gdb);

	if (s->sigfd < 0)
		return tracer_wait(s->t, st, cause);
	for (;;) {
		err = tracer_pump(s->t, st, cause);
		if (err)
			break;
		p[0] = (struct pollfd){ s->sigfd, POLLIN, 0 };
		p[1] = (struct pollfd){ gdb ? gdbserver_client_fd(s->gdb) : -1,
					POLLIN, 0 };
		/* the TUI's terminal is raw: Ctrl-C is a key there */
		p[2] = (struct pollfd){ s->tui ? tui_tty_fd(s->tui) : -1,
					POLLIN, 0 };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return set_cause(cause, -errno, "poll: %s",
					 strerror(errno));
		if (gdb && p[1].revents && gdb_asks_stop(s, &gdb) &&
		    !stop_sig) {
			stop_sig = -1;	/* gdb's */
			tracer_interrupt(s->t);
		}
		/* other keys wait in curses' queue for the event loop */
		if (p[2].revents && tui_take_interrupt(s->tui) && !stop_sig) {
			stop_sig = SIGINT;
			tracer_interrupt(s->t);
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
				tracer_interrupt(s->t);
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
			 stop_sig < 0 ? "by gdb" : strsignal(stop_sig));
}

/* Resume and wait for the next stop (the guest's own stops included). */
static int run(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = tracer_resume(s->t, cause);

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
	    (unsigned long long)rr_event(s->rr));
	s->last_stop = *st;
	return 0;
}

static bool ended(const struct tracer_stop *st)
{
	return st->kind == TRACER_STOP_EXITED || st->kind == TRACER_STOP_KILLED;
}

static int step(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = tracer_step(s->t, 0, st, cause);

	/* Into a host syscall: a replay's return from it is recorded, so
	 * it comes. */
	if (err == 0)
		err = wait_stop(s, st, cause);
	if (err == -EINTR)
		s->last_stop = *st;
	if (err < 0)
		return err;
	s->last_stop = *st;
	return ended(st) ? set_cause(cause, -ESRCH, "the replay ended while "
				     "stepping") : 0;
}

/* Address of the breakpoint a stop is at (0: not a breakpoint stop). */
static uint64_t bp_addr_of(struct session *s, const struct tracer_stop *st)
{
	uint64_t a;

	if (st->kind != TRACER_STOP_BREAKPOINT ||
	    !tracer_bp_addr(s->t, st->bp, &a))
		return 0;
	return a;
}

/* Count a scan's stop: a breakpoint hit under its address, a watchpoint
 * trigger under ~slot.  Returns the breakpoint's address (0: none). */
static uint64_t count_stop(struct session *s, const struct tracer_stop *st,
			   struct counters *cs)
{
	uint64_t a = bp_addr_of(s, st);

	if (a)
		++*count_of(cs, a);
	if (st->kind == TRACER_STOP_WATCH)
		++*count_of(cs, ~(uint64_t)st->bp);
	return a;
}

/*
 * Prepare a re-run to stop at moment p: an event stop, or a breakpoint
 * at its address.  Returns that breakpoint's id, 0 for none, or -errno.
 */
static int arm_for(struct session *s, const struct rr_pos *p, char **cause)
{
	if (p->kind == RR_POS_EVENT)
		rr_stop_at_event(s->rr, p->event);
	if (p->kind == RR_POS_BP)
		return tracer_bp_insert_later(s->t, p->addr);
	(void)cause;
	return 0;
}

/* run(), where the guest ending is an error: the moment was not met. */
static int run_to(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = run(s, st, cause);

	if (!err && ended(st))
		err = set_cause(cause, -ESRCH, "the replay ended before "
				"reaching that moment");
	return err;
}

static bool at_now(struct session *s, const struct rr_pos *now,
		   const struct tracer_stop *st, struct counters *cs);

/* Go to a named moment: restart, then count. */
int timeline_goto(struct session *s, const struct rr_pos *pos, char **cause)
{
	struct counters cs = { NULL, 0 };
	struct tracer_stop st;
	struct rr_pos *hist = NULL;
	size_t nhist = 0;
	uint64_t i, a;
	int err, id = 0;

	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	for (i = 0; pos->kind == RR_POS_START && i < pos->steps; i++) {
		err = step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (pos->kind == RR_POS_START) {
		s->pos = *pos;
		return 0;
	}
	id = arm_for(s, pos, cause);
	if (id < 0)
		return id;
	for (;;) {
		err = run_to(s, &st, cause);
		if (err < 0)
			break;
		a = count_stop(s, &st, &cs);
		if (a) {
			hist = xrealloc(hist, (nhist + 1) * sizeof(*hist));
			hist[nhist++] = (struct rr_pos){
				.kind = RR_POS_BP, .addr = a,
				.count = *count_of(&cs, a) };
		}
		if (at_now(s, pos, &st, &cs))
			break;
		if (st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "%s", rr_why(s->rr));
			break;
		}
	}
	if (err < 0) {
		free(cs.c);
		free(hist);
		if (id > 0)
			tracer_bp_remove(s->t, id);
		rr_cancel_stop_event(s->rr);
		s->pos_known = false;
		return err;
	}
	/* Every breakpoint was in place from the start of this run: their
	 * counts and order are known. */
	if (pos->kind == RR_POS_BP || pos->kind == RR_POS_WATCH) {
		track_start(s, &cs);
		s->history = hist;
		s->nhistory = nhist;
		hist = NULL;
	}
	free(hist);
	free(cs.c);
	if (id > 0)
		tracer_bp_remove(s->t, id);
	for (i = 0; pos->kind == RR_POS_BP && i < pos->steps; i++) {
		timeline_on_resume(s, true);
		err = step(s, &st, cause);
		if (err < 0) {
			s->pos_known = false;
			return err;
		}
	}
	s->pos = *pos;
	s->pos_known = true;
	return 0;
}

/* A watchpoint stop: the how-manieth trigger of its slot it is.  (A
 * breakpoint at its pc would not do: resuming from a stop at an address
 * steps over the breakpoint there.) */
static int name_watch_stop(struct session *s, const struct fingerprint *fp,
			   char **cause)
{
	struct tracer_stop st;
	int slot = s->last_stop.bp, err;
	uint64_t n = 0;

	err = timeline_restart(s, cause);
	while (!err) {
		err = run(s, &st, cause);
		if (err < 0)
			break;
		if (ended(&st) || st.kind == TRACER_STOP_HOOK)
			return set_cause(cause, -ESRCH, "cannot find this moment "
					 "again in the replay (event %llu)",
					 (unsigned long long)fp->event);
		if (st.kind != TRACER_STOP_WATCH || st.bp != slot)
			continue;
		n++;
		if (rr_event(s->rr) == fp->event && same_moment(s, fp))
			break;
	}
	if (err < 0)
		return err;
	s->pos = (struct rr_pos){ .kind = RR_POS_WATCH, .addr = (uint64_t)slot,
				  .count = n };
	s->pos_known = true;
	return 0;
}

/*
 * Name the current moment (s->pos), re-running the replay if it has no
 * name yet.  The session ends at the same moment.
 */
static int name_now(struct session *s, char **cause)
{
	struct fingerprint fp;
	struct tracer_stop st;
	uint64_t pc, count = 0, wcount[4];
	int err, id;

	if (s->pos_known)
		return 0;
	take_fingerprint(s, &fp);
	if (fp.kind == TRACER_STOP_HOOK && rr_at_event_stop(s->rr)) {
		s->pos = (struct rr_pos){ .kind = RR_POS_EVENT,
					  .event = fp.event };
		s->pos_known = true;
		return 0;
	}
	if (fp.kind == TRACER_STOP_SIGNAL || fp.kind == TRACER_STOP_HOOK) {
		s->pos = (struct rr_pos){ .kind = RR_POS_STOP,
					  .event = fp.event,
					  .stop_kind = fp.kind,
					  .signo = fp.signo };
		s->pos_known = true;
		return 0;
	}
	pc = fp.regs.rip;
	if (fp.kind == TRACER_STOP_WATCH)
		return name_watch_stop(s, &fp, cause);
	memset(wcount, 0, sizeof(wcount));
	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	id = tracer_bp_insert_later(s->t, pc);
	if (id < 0)
		return id;
	for (;;) {
		struct user_regs_struct r;

		err = run(s, &st, cause);
		if (err < 0)
			break;
		if (ended(&st) || st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "cannot find this moment "
					"again in the replay (event %llu, pc "
					"0x%llx)", (unsigned long long)fp.event,
					(unsigned long long)pc);
			break;
		}
		if (st.kind == TRACER_STOP_WATCH && st.bp >= 0 && st.bp < 4) {
			/* A watchpoint set since fires just before the
			 * breakpoint at pc would: then this trigger is the
			 * moment's name. */
			wcount[st.bp]++;
			if (tracer_get_regs(s->t, 0, &r) == 0 && r.rip == pc &&
			    rr_event(s->rr) == fp.event &&
			    same_moment(s, &fp)) {
				tracer_bp_remove(s->t, id);
				s->pos = (struct rr_pos){
					.kind = RR_POS_WATCH,
					.addr = (uint64_t)st.bp,
					.count = wcount[st.bp] };
				s->pos_known = true;
				return 0;
			}
			continue;
		}
		if (bp_addr_of(s, &st) != pc)
			continue;
		count++;
		if (rr_event(s->rr) == fp.event && same_moment(s, &fp))
			break;
	}
	tracer_bp_remove(s->t, id);
	if (err < 0)
		return err;
	s->last_stop = (struct tracer_stop){ .kind = fp.kind, .tid = st.tid,
					     .addr = pc, .signo = fp.signo };
	s->pos = (struct rr_pos){ .kind = RR_POS_BP, .addr = pc,
				  .count = count };
	s->pos_known = true;
	return 0;
}

/* Is moment st (during a scan) the named moment `now`?  For a BP
 * moment with steps, *stepping tells the caller to single-step to it. */
static bool at_now(struct session *s, const struct rr_pos *now,
		   const struct tracer_stop *st, struct counters *cs)
{
	uint64_t a = bp_addr_of(s, st);

	switch (now->kind) {
	case RR_POS_EVENT:
		return st->kind == TRACER_STOP_HOOK && rr_at_event_stop(s->rr);
	case RR_POS_STOP:
		return st->kind == now->stop_kind && st->signo == now->signo &&
		       rr_event(s->rr) == now->event;
	case RR_POS_BP:
		return a == now->addr && *count_of(cs, a) == now->count;
	case RR_POS_WATCH:
		return st->kind == TRACER_STOP_WATCH &&
		       (uint64_t)st->bp == now->addr &&
		       *count_of(cs, ~(uint64_t)st->bp) == now->count;
	default:
		return true;
	}
}

/* The addresses of the user's breakpoints (the prompt's and gdb's), not
 * umdbg's own. */
static struct counters user_points(struct session *s)
{
	struct counters u = { NULL, 0 };
	uint64_t addrs[256];
	int i, n = session_user_bp_addrs(s, addrs, 256);

	for (i = 0; i < n; i++)
		count_of(&u, addrs[i]);
	return u;
}

static bool is_user_point(struct counters *u, uint64_t a)
{
	size_t i;

	for (i = 0; a && i < u->n; i++)
		if (u->c[i].addr == a)
			return true;
	return false;
}

/* Step j+1 on the way to now set off a watchpoint: a moment before now
 * (not now itself) to go back to. */
static void step_trigger(const struct tracer_stop *st,
			 const struct rr_pos *now, uint64_t j,
			 struct rr_pos *last)
{
	if (st->kind == TRACER_STOP_WATCH && j + 1 < now->steps) {
		*last = *now;
		last->steps = j + 1;
	}
}

/*
 * Re-run from the start to `now` with every breakpoint and watchpoint
 * in place, and return the last hit before it (RR_POS_START if none).
 */
static int last_hit_before(struct session *s, const struct rr_pos *now,
			   struct rr_pos *last, char **cause)
{
	struct counters cs = { NULL, 0 };
	struct counters user = user_points(s);
	struct user_regs_struct r;
	struct tracer_stop st;
	uint64_t a, j;
	int err, id = 0;

	*last = (struct rr_pos){ .kind = RR_POS_START };
	err = timeline_restart(s, cause);
	if (err < 0)
		goto out;
	if (now->kind == RR_POS_START) {
		/* steps from the start: user breakpoints passed on the way */
		for (j = 0; !err && j < now->steps; j++) {
			if (j && tracer_get_regs(s->t, 0, &r) == 0 &&
			    is_user_point(&user, r.rip)) {
				*last = *now;
				last->steps = j;
			}
			err = step(s, &st, cause);
			step_trigger(&st, now, j, last);
		}
		goto out;
	}
	id = arm_for(s, now, cause);
	if (id < 0) {
		err = id;
		goto out;
	}
	for (;;) {
		err = run_to(s, &st, cause);
		if (err < 0)
			break;
		a = count_stop(s, &st, &cs);
		if (at_now(s, now, &st, &cs)) {
			/* An anchor that is itself a user breakpoint, with
			 * steps still to go, comes before now. */
			if (now->kind == RR_POS_BP && now->steps &&
			    is_user_point(&user, a))
				*last = (struct rr_pos){ .kind = RR_POS_BP,
							 .addr = a,
							 .count = now->count };
			break;
		}
		if (st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "%s", rr_why(s->rr));
			break;
		}
		if (st.kind == TRACER_STOP_WATCH) {
			*last = (struct rr_pos){ .kind = RR_POS_WATCH,
						 .addr = (uint64_t)st.bp,
						 .count = *count_of(&cs,
							~(uint64_t)st.bp) };
			continue;
		}
		if (is_user_point(&user, a))
			*last = (struct rr_pos){ .kind = RR_POS_BP, .addr = a,
						 .count = *count_of(&cs, a) };
	}
	if (id > 0)
		tracer_bp_remove(s->t, id);
	/* User breakpoints passed while stepping from now's anchor to it. */
	for (j = 0; !err && now->kind == RR_POS_BP && j < now->steps; j++) {
		if (j && tracer_get_regs(s->t, 0, &r) == 0 &&
		    is_user_point(&user, r.rip)) {
			*last = *now;
			last->steps = j;
		}
		err = step(s, &st, cause);
		step_trigger(&st, now, j, last);
	}
out:
	free(cs.c);
	free(user.c);
	return err;
}

static int reverse_continue(struct session *s, struct tracer_stop *out,
			    char **cause)
{
	struct counters user;
	struct rr_pos now, last;
	int err;

	now = s->pos;	/* named by reverse() */
	user = user_points(s);
	LOG("timeline", "rc: now kind %d addr 0x%llx count %llu steps %llu, "
	    "history %zu, covered %d", now.kind, (unsigned long long)now.addr,
	    (unsigned long long)now.count, (unsigned long long)now.steps,
	    s->nhistory, all_covered(s, &user));
	if (now.kind == RR_POS_BP && !now.steps && s->nhistory &&
	    all_covered(s, &user) &&
	    !memcmp(&s->history[s->nhistory - 1], &now, sizeof(now))) {
		/* Every hit so far is known, in order: no re-run to find
		 * the last one before now. */
		size_t i = s->nhistory - 1;

		last = (struct rr_pos){ .kind = RR_POS_START };
		while (i-- > 0)
			if (is_user_point(&user, s->history[i].addr)) {
				last = s->history[i];
				break;
			}
		err = 0;
	} else {
		err = last_hit_before(s, &now, &last, cause);
	}
	free(user.c);
	if (err < 0)
		return err;
	err = timeline_goto(s, &last, cause);
	if (err < 0)
		return err;
	*out = s->last_stop;
	if (last.kind == RR_POS_START && !last.steps) {
		out->kind = TRACER_STOP_NONE;	/* the start of the recording */
		out->tid = tracer_pid(s->t);
	}
	return 0;
}

/* The function start of pc (0: unknown). */
static uint64_t func_start(struct session *s, uint64_t pc)
{
	struct kmodel_where *w;
	uint64_t start = 0;
	int n = kmodel_where(s->k, pc, false, &w);

	if (n > 0 && w[n - 1].func)
		start = w[n - 1].pc - w[n - 1].offset;
	kmodel_where_free(w, n);
	if (!start) {
		/* a module's function: from the live module list */
		char *func = NULL, *mod = NULL;
		uint64_t off;

		if (kmodel_module_where(s->k, pc, &func, &off, &mod) == 0)
			start = pc - off;
		free(func);
		free(mod);
	}
	return start;
}

/* Go to `target` and report it as a step stop (reverse-stepi). */
static int goto_as_step(struct session *s, const struct rr_pos *target,
			struct tracer_stop *out, char **cause)
{
	struct user_regs_struct r;
	int err = timeline_goto(s, target, cause);

	if (err < 0)
		return err;
	*out = s->last_stop;
	out->kind = TRACER_STOP_STEP;
	if (tracer_get_regs(s->t, 0, &r) == 0)
		out->addr = r.rip;
	return 0;
}

/*
 * reverse-stepi where no function is known around now (a host library
 * before its symbols are loaded): anchor at the previous run of now's
 * address (or the start) and step forward from there.
 */
static int step_back_from_previous_run(struct session *s,
				       const struct rr_pos *now,
				       struct tracer_stop *out, char **cause)
{
	struct user_regs_struct r;
	struct tracer_stop st;
	struct rr_pos target = { .kind = RR_POS_START };
	uint64_t j;
	int err;

	if (now->count > 1)
		target = (struct rr_pos){ .kind = RR_POS_BP, .addr = now->addr,
					  .count = now->count - 1 };
	err = timeline_goto(s, &target, cause);
	if (err < 0)
		return err;
	for (j = 0; j < MAX_STEPS; j++) {
		if (tracer_get_regs(s->t, 0, &r) < 0)
			return set_cause(cause, -ESRCH, "lost the replay");
		if (j && r.rip == now->addr)
			break;
		err = step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (j == MAX_STEPS || j == 0)
		return set_cause(cause, -ERANGE, "too far to step back");
	target.steps = j - 1;
	return goto_as_step(s, &target, out, cause);
}

static int reverse_stepi(struct session *s, struct tracer_stop *out,
			 char **cause)
{
	struct counters cs = { NULL, 0 };
	struct user_regs_struct r;
	struct fingerprint fp;
	struct tracer_stop st;
	struct rr_pos now, target;
	uint64_t x, anchor, c = 0, x0 = 0, xs, j, ret = 0;
	int err, ida, idx = 0;

	now = s->pos;	/* named by reverse() */
	if (now.kind == RR_POS_START && !now.steps)
		return reverse_continue(s, out, cause);
	if ((now.kind == RR_POS_BP || now.kind == RR_POS_START) &&
	    now.steps > 0) {
		target = now;
		target.steps--;
		return goto_as_step(s, &target, out, cause);
	}
	if (now.kind != RR_POS_BP && now.kind != RR_POS_WATCH)
		return set_cause(cause, -EINVAL, "reverse-stepi works from a "
				 "breakpoint, a watchpoint or a step, not from "
				 "this stop");
	take_fingerprint(s, &fp);
	x = fp.regs.rip;
	/* An anchor before now, near it: the entry of now's function, or
	 * of its caller when now is that entry. */
	anchor = func_start(s, x);
	if (anchor == x) {
		tracer_read_mem(s->t, fp.regs.rsp, &ret, 8);
		anchor = ret ? func_start(s, ret - 1) : 0;
	}
	if (!anchor && now.kind == RR_POS_BP)
		return step_back_from_previous_run(s, &now, out, cause);
	if (!anchor)
		return set_cause(cause, -ENOENT, "no function around 0x%llx to "
				 "step back from", (unsigned long long)x);
	/* Which entry of the anchor comes last before now, and how often
	 * had now's address run by then? */
	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	ida = tracer_bp_insert_later(s->t, anchor);
	if (ida < 0)
		return ida;
	if (now.kind == RR_POS_BP)
		idx = tracer_bp_insert_later(s->t, x);
	if (idx < 0) {
		tracer_bp_remove(s->t, ida);
		return idx;
	}
	for (;;) {
		uint64_t a;

		err = run(s, &st, cause);
		if (err < 0 || ended(&st) || st.kind == TRACER_STOP_HOOK) {
			err = err < 0 ? err : set_cause(cause, -ESRCH, "the "
					"replay ended before reaching the current "
					"moment");
			break;
		}
		a = count_stop(s, &st, &cs);
		if (at_now(s, &now, &st, &cs))
			break;
		if (a == anchor) {
			c = *count_of(&cs, anchor);
			x0 = *count_of(&cs, x);
		}
	}
	tracer_bp_remove(s->t, ida);
	if (idx > 0)
		tracer_bp_remove(s->t, idx);
	free(cs.c);
	if (err < 0)
		return err;
	if (!c)
		return set_cause(cause, -ENOENT, "nothing to step back to before "
				 "the first entry of this function");
	/* From that entry, step forward to now, counting steps. */
	target = (struct rr_pos){ .kind = RR_POS_BP, .addr = anchor,
				  .count = c };
	err = timeline_goto(s, &target, cause);
	if (err < 0)
		return err;
	xs = x0;
	for (j = 0; j < MAX_STEPS; j++) {
		if (tracer_get_regs(s->t, 0, &r) < 0)
			return set_cause(cause, -ESRCH, "lost the replay");
		if (now.kind == RR_POS_BP ? r.rip == x && ++xs == now.count :
		    j && r.rip == x && rr_event(s->rr) == fp.event &&
		    same_moment(s, &fp))
			break;
		err = step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (j == MAX_STEPS || j == 0)
		return set_cause(cause, -ERANGE, "the current moment is more "
				 "than %u instructions after its function's "
				 "entry: too far to step back", MAX_STEPS);
	target.steps = j - 1;
	return goto_as_step(s, &target, out, cause);
}

int timeline_goto_event(struct session *s, uint64_t event, char **cause)
{
	struct rr_pos pos = { .kind = event ? RR_POS_EVENT : RR_POS_START,
			      .event = event };

	return timeline_goto(s, &pos, cause);
}

/*
 * A reverse operation that fails (the moment cannot be found, the
 * function is too long to step back in) has re-run the replay: go back
 * to where the user was, if that moment has a name.
 */
static int back_on_failure(struct session *s, int err,
			   const struct rr_pos *orig, bool known)
{
	char *ignored = NULL;

	if (err == -EINTR) {
		s->pos_known = false;	/* stopped where Ctrl-C found it */
		return err;
	}
	if (err < 0 && known && tracer_is_alive(s->t) &&
	    timeline_goto(s, orig, &ignored) < 0)
		LOG("timeline", "could not go back: %s", ignored);
	free(ignored);
	return err;
}

/* Name where we are, then go backwards; back here if that fails. */
static int reverse(struct session *s, struct tracer_stop *out, char **cause,
		   bool stepping)
{
	struct rr_pos orig;
	int err = name_now(s, cause);

	if (err < 0) {
		s->pos_known = false;
		return err;
	}
	orig = s->pos;
	err = stepping ? reverse_stepi(s, out, cause) :
			 reverse_continue(s, out, cause);
	return back_on_failure(s, err, &orig, true);
}

int timeline_reverse_continue(struct session *s, struct tracer_stop *out,
			      char **cause)
{
	return reverse(s, out, cause, false);
}

int timeline_reverse_stepi(struct session *s, struct tracer_stop *out,
			   char **cause)
{
	return reverse(s, out, cause, true);
}
