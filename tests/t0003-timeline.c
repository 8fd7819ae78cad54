/*
 * t0003-timeline: going backwards in a replay (cli/timeline.c and
 * cli/reverse.c) against a fake target, without a guest.
 *
 * The timeline drives its target through struct tl_target (timeline.h).
 * This test gives it a fake one: a "kernel" that is a fixed list of
 * instructions, some of them traced syscalls (the replay's events), with
 * breakpoints that stop before an instruction runs, single-steps, and
 * launches that start it again from its first instruction.  The assertions are about where the fake stands
 * after rc, rs and goto, and how many re-runs each took.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../cli/timeline.h"
#include "tap.h"

/* ---- the fake kernel ------------------------------------------------------ */

/* Functions F and G, called from main's loop, ROUNDS times; the middle
 * instruction of G is a traced syscall. */
#define F 0x1000
#define G 0x2000
#define MAIN 0x3000
#define ROUNDS 4
#define MAXI 64

static struct { uint64_t pc; bool sys; } prog[MAXI];
static int nprog;

static void build_program(void)
{
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		prog[nprog++] = (typeof(prog[0])){ MAIN + 4 * (uint64_t)r, false };
		for (i = 0; i < 3; i++)
			prog[nprog++] = (typeof(prog[0])){ F + 4 * (uint64_t)i,
							   false };
		for (i = 0; i < 3; i++)
			prog[nprog++] = (typeof(prog[0])){ G + 4 * (uint64_t)i,
							   i == 1 };
	}
}

/* The index of the n-th (1-based) run of pc. */
static int nth(uint64_t pc, int n)
{
	int i;

	for (i = 0; i < nprog; i++)
		if (prog[i].pc == pc && --n == 0)
			return i;
	return -1;
}

struct fake_bp {
	int id;
	uint64_t addr;
};

/* The fake kernel and its replay: the timeline's target. */
static struct fake {
	int idx;		/* the next instruction to run */
	uint64_t event;		/* traced syscalls done */
	bool alive, running, skip_bp;
	struct fake_bp bp[32];
	int nbp, next_id;
	uint64_t stop_event;	/* UINT64_MAX: none */
	bool at_event_stop;
} fk;

static int launches;
static uint64_t user_bps[8];
static int nuser;

/* A launch anew: the start of the program, the breakpoints kept. */
static int f_restart(void *arg, char **cause)
{
	(void)arg; (void)cause;
	fk.idx = 0;
	fk.event = 0;
	fk.alive = true;
	fk.running = fk.skip_bp = fk.at_event_stop = false;
	fk.stop_event = UINT64_MAX;
	launches++;
	return 0;
}

static int f_attach(void *arg, char **cause)
{
	(void)arg; (void)cause;
	return 0;
}

static int f_bp_insert(void *arg, uint64_t addr)
{
	(void)arg;
	if (fk.nbp == 32)
		return -ENOSPC;
	fk.bp[fk.nbp] = (struct fake_bp){ fk.next_id++, addr };
	return fk.bp[fk.nbp++].id;
}

static void f_bp_remove(void *arg, int id)
{
	int i;

	(void)arg;
	for (i = 0; i < fk.nbp; i++)
		if (fk.bp[i].id == id) {
			fk.bp[i] = fk.bp[--fk.nbp];
			return;
		}
}

static bool f_bp_addr(void *arg, int id, uint64_t *addr)
{
	int i;

	(void)arg;
	for (i = 0; i < fk.nbp; i++)
		if (fk.bp[i].id == id) {
			*addr = fk.bp[i].addr;
			return true;
		}
	return false;
}

static int f_bp_addrs(void *arg, uint64_t *addrs, int max)
{
	int i;

	(void)arg;
	for (i = 0; i < fk.nbp && i < max; i++)
		addrs[i] = fk.bp[i].addr;
	return fk.nbp;
}

static int bp_at(uint64_t pc)
{
	int i;

	for (i = 0; i < fk.nbp; i++)
		if (fk.bp[i].addr == pc)
			return fk.bp[i].id;
	return 0;
}

/* Run one instruction. */
static void run_one(void)
{
	if (prog[fk.idx].sys)
		fk.event++;
	fk.idx++;
}

/* Run until a breakpoint, the event stop, or the end. */
static void run(struct tracer_stop *st)
{
	memset(st, 0, sizeof(*st));
	st->tid = 1;
	for (;;) {
		int id;

		if (fk.idx == nprog) {
			fk.alive = false;
			st->kind = TRACER_STOP_EXITED;
			return;
		}
		id = bp_at(prog[fk.idx].pc);
		if (id && !fk.skip_bp) {
			st->kind = TRACER_STOP_BREAKPOINT;
			st->addr = prog[fk.idx].pc;
			st->bp = id;
			return;
		}
		fk.skip_bp = false;
		if (prog[fk.idx].sys && fk.stop_event == fk.event) {
			fk.stop_event = UINT64_MAX;
			fk.at_event_stop = true;
			st->kind = TRACER_STOP_HOOK;
			return;
		}
		run_one();
	}
}

static int f_resume(void *arg, char **cause)
{
	(void)arg; (void)cause;
	/* as the tracer does: from a stop at a breakpoint, over it first */
	fk.running = true;
	fk.skip_bp = true;
	fk.at_event_stop = false;
	return 0;
}

static int f_pump(void *arg, struct tracer_stop *st, char **cause)
{
	(void)arg; (void)cause;
	if (!fk.running)
		return 0;
	fk.running = false;
	run(st);
	return 1;
}

static int f_step(void *arg, struct tracer_stop *st, char **cause)
{
	(void)arg; (void)cause;
	memset(st, 0, sizeof(*st));
	st->tid = 1;
	fk.at_event_stop = false;
	if (fk.idx == nprog) {
		fk.alive = false;
		st->kind = TRACER_STOP_EXITED;
		return 1;
	}
	run_one();
	st->kind = TRACER_STOP_STEP;
	st->addr = fk.idx < nprog ? prog[fk.idx].pc : 0;
	return 1;
}

/* rip is the pc; rax counts instructions (registers differ from one
 * run of a pc to the next, as a real kernel's do). */
static int f_regs(void *arg, struct user_regs_struct *r)
{
	(void)arg;
	memset(r, 0, sizeof(*r));
	r->rip = fk.idx < nprog ? prog[fk.idx].pc : 0;
	r->rax = (uint64_t)fk.idx;
	r->rsp = 0x8000;
	return 0;
}

static ssize_t f_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg; (void)addr;
	memset(buf, 0, len);
	return (ssize_t)len;
}

static void f_nothing(void *arg)
{
	(void)arg;
}

static bool f_alive(void *arg)
{
	(void)arg;
	return fk.alive;
}

static pid_t f_pid(void *arg)
{
	(void)arg;
	return 1;
}

static int f_zero(void *arg)
{
	(void)arg;
	return 0;
}

/* F and G are functions; main's instructions are not in one. */
static uint64_t f_func_start(void *arg, uint64_t pc)
{
	uint64_t start = pc & ~0xfffull;

	(void)arg;
	return start == F || start == G ? start : 0;
}

static bool f_true(void *arg)
{
	(void)arg;
	return true;
}

static uint64_t f_event(void *arg)
{
	(void)arg;
	return fk.event;
}

static const char *f_why(void *arg)
{
	(void)arg;
	return "the end of the recording";
}

static void f_stop_at_event(void *arg, uint64_t event)
{
	(void)arg;
	fk.stop_event = event;
}

static bool f_at_event_stop(void *arg)
{
	(void)arg;
	return fk.at_event_stop;
}

static const struct tl_target fake_target = {
	.restart = f_restart, .attach = f_attach, .alive = f_alive,
	.pid = f_pid, .resume = f_resume, .step = f_step, .pump = f_pump,
	.wait = f_pump, .interrupt = f_nothing, .regs = f_regs,
	.read = f_read, .bp_addrs = f_bp_addrs, .bp_addr = f_bp_addr,
	.bp_insert = f_bp_insert, .bp_remove = f_bp_remove,
	.bp_retry = f_nothing, .watch_count = f_zero,
	.func_start = f_func_start, .replaying = f_true, .event = f_event,
	.why = f_why, .stop_at_event = f_stop_at_event,
	.at_event_stop = f_at_event_stop,
};

/* What the timeline asks of its session. */
void session_restarted(struct session *s)
{
	(void)s;
}

void session_add_source(struct session *s, const struct session_source *src)
{
	(void)s; (void)src;	/* the test calls timeline_on_* itself */
}

/* The fake target has no watchpoints (watch_count is 0). */
bool watch_cond_holds(struct session *s, int slot)
{
	(void)s; (void)slot;
	return true;
}

int session_user_bp_addrs(struct session *s, uint64_t *addrs, int max)
{
	int i;

	(void)s;
	for (i = 0; i < nuser && i < max; i++)
		addrs[i] = user_bps[i];
	return nuser;
}

/* ---- driving it as the session does ------------------------------------- */

static struct session sess;

static void start(void)
{
	char *cause = NULL;

	free(sess.tl.track);
	free(sess.tl.history);
	memset(&sess, 0, sizeof(sess));
	sess.sigfd = -1;
	timeline_init(&sess, &fake_target, NULL);
	memset(&fk, 0, sizeof(fk));
	fk.next_id = 1;
	f_restart(NULL, &cause);
	sess.last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC };
	sess.tl.pos = (struct rr_pos){ .kind = RR_POS_START };
	sess.tl.pos_known = true;
	nuser = 0;
}

/* A breakpoint of the user's (the prompt's `break`). */
static void user_break(uint64_t addr)
{
	f_bp_insert(NULL, addr);
	user_bps[nuser++] = addr;
}

/* `continue`, as the event loop does it. */
static void cont(void)
{
	struct tracer_stop st;
	char *cause = NULL;

	timeline_on_resume(&sess, false);
	f_resume(NULL, &cause);
	f_pump(NULL, &st, &cause);
	sess.last_stop = st;
	sess.tl.pos_known = false;
	timeline_on_stop(&sess, &st);
}

static int rc(struct tracer_stop *st)
{
	char *cause = NULL;
	int err = timeline_reverse_continue(&sess, st, &cause);

	if (err < 0)
		diag("rc: %s", cause);
	free(cause);
	return err;
}

static int rs(struct tracer_stop *st)
{
	char *cause = NULL;
	int err = timeline_reverse_stepi(&sess, st, &cause);

	if (err < 0)
		diag("rs: %s", cause);
	free(cause);
	return err;
}

int main(void)
{
	struct tracer_stop st;
	char *cause = NULL;
	int n, err;

	log_init();
	build_program();
	plan(16);

	/* Breakpoint at F from the start: every hit is counted as it
	 * comes, so rc needs one re-run (to go there), not two. */
	start();
	user_break(F);
	cont();
	cont();
	cont();
	is_int(fk.idx, nth(F, 3), "continue x3: at F's third run");
	n = launches;
	err = rc(&st);
	ok(err == 0 && fk.idx == nth(F, 2) &&
	   st.kind == TRACER_STOP_BREAKPOINT && st.addr == F,
	   "rc: back at F's second run (index %d, want %d)", fk.idx,
	   nth(F, 2));
	is_int(launches - n, 1, "rc with every hit known: one re-run");
	err = rc(&st);
	ok(err == 0 && fk.idx == nth(F, 1),
	   "rc again: F's first run (index %d)", fk.idx);
	err = rc(&st);
	ok(err == 0 && fk.idx == 0 && st.kind == TRACER_STOP_NONE,
	   "rc from the first hit: the start of the recording");
	cont();
	cont();
	ok(fk.idx == nth(F, 2) && sess.tl.pos.kind == RR_POS_BP &&
	   sess.tl.pos.count == 2, "forward again from the start: F's second "
	   "run is named F #2 (count %llu)",
	   (unsigned long long)sess.tl.pos.count);

	/* A breakpoint set later: its earlier hits are not known, so the
	 * moment now has no name and the last hit before it is unknown. */
	user_break(G);
	cont();
	ok(fk.idx == nth(G, 2), "a breakpoint set at a stop: G's second "
	   "run next");
	n = launches;
	err = rc(&st);
	ok(err == 0 && fk.idx == nth(F, 2),
	   "rc: the last hit before now is F's second run (index %d)",
	   fk.idx);
	is_int(launches - n, 3, "with a hit of unknown count: re-runs to "
	       "name now, to find the last hit, and to go there");

	/* reverse-stepi: from F's entry (no caller known: step back from
	 * its previous run), then from a moment named by steps. */
	cont();	/* G's second run */
	cont();	/* F's third run */
	err = rs(&st);
	ok(err == 0 && fk.idx == nth(F, 3) - 1 &&
	   st.kind == TRACER_STOP_STEP && st.addr == prog[nth(F, 3) - 1].pc,
	   "rs at F's entry: the instruction before it (index %d, pc 0x%llx)",
	   fk.idx, (unsigned long long)st.addr);
	err = rs(&st);
	ok(err == 0 && fk.idx == nth(F, 3) - 2,
	   "rs again: one more back (index %d)", fk.idx);
	cont();	/* F's third run */
	f_step(NULL, &st, &cause);	/* into F */
	timeline_on_resume(&sess, true);
	sess.last_stop = st;
	sess.tl.pos_known = false;
	err = rs(&st);
	ok(err == 0 && fk.idx == nth(F, 3),
	   "rs after a stepi inside F: back at F's entry (index %d)",
	   fk.idx);

	/* goto EVENT: just before that traced syscall, whatever comes
	 * before it. */
	err = timeline_goto_event(&sess, 3, &cause);
	ok(err == 0 && prog[fk.idx].sys && fk.event == 3 &&
	   fk.at_event_stop, "goto 3: before event 3, the fourth "
	   "syscall (index %d, %llu done)", fk.idx,
	   (unsigned long long)fk.event);
	err = timeline_goto_event(&sess, 0, &cause);
	ok(err == 0 && fk.idx == 0, "goto 0: the start");
	err = timeline_goto_event(&sess, 99, &cause);
	ok(err < 0 && cause && strstr(cause, "ended"),
	   "goto past the end: refused (%s)", cause ? cause : "?");
	free(cause);
	cause = NULL;

	/* rc with no hit before now: to the start. */
	start();
	user_break(G);
	cont();
	err = rc(&st);
	ok(err == 0 && fk.idx == 0 && st.kind == TRACER_STOP_NONE,
	   "rc from the only hit: the start of the recording");
	free(sess.tl.track);
	free(sess.tl.history);
	return done_testing();
}
