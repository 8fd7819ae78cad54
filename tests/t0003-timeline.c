/*
 * t0003-timeline: going backwards in a replay (cli/timeline.c and
 * cli/reverse.c) against a fake target, without a guest.
 *
 * The timeline drives its target through the tracer's and the replay's
 * functions (tracer_resume, tracer_bp_insert_later, rr_event, ...).  This
 * test links the timeline with its own versions of them: a "kernel"
 * that is a fixed list of instructions, some of them traced syscalls
 * (the replay's events), with breakpoints that stop before an
 * instruction runs, single-steps, and launches that start it again from
 * its first instruction.  The assertions are about where the fake stands
 * after rc, rs and goto, and how many re-runs each took.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
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

struct tracer {
	int idx;		/* the next instruction to run */
	uint64_t event;		/* traced syscalls done */
	bool alive, running, skip_bp;
	struct fake_bp bp[32];
	int nbp, next_id;
};

struct rr {
	struct tracer *t;
	uint64_t stop_event;	/* UINT64_MAX: none */
	bool at_event_stop;
};

static int launches;
static uint64_t user_bps[8];
static int nuser;

int tracer_launch(const struct tracer_launch *l, struct tracer **out,
		  char **cause)
{
	struct tracer *t = xcalloc(1, sizeof(*t));

	(void)l; (void)cause;
	t->alive = true;
	t->next_id = 1;
	launches++;
	*out = t;
	return 0;
}

void tracer_free(struct tracer *t)
{
	free(t);
}

int tracer_copy_points(const struct tracer *from, struct tracer *to)
{
	memcpy(to->bp, from->bp, sizeof(to->bp));
	to->nbp = from->nbp;
	to->next_id = from->next_id;
	return 0;
}

int tracer_bp_insert_later(struct tracer *t, uint64_t addr)
{
	if (t->nbp == 32)
		return -ENOSPC;
	t->bp[t->nbp] = (struct fake_bp){ t->next_id++, addr };
	return t->bp[t->nbp++].id;
}

int tracer_bp_remove(struct tracer *t, int id)
{
	int i;

	for (i = 0; i < t->nbp; i++)
		if (t->bp[i].id == id) {
			t->bp[i] = t->bp[--t->nbp];
			return 0;
		}
	return -ENOENT;
}

bool tracer_bp_addr(const struct tracer *t, int id, uint64_t *addr)
{
	int i;

	for (i = 0; i < t->nbp; i++)
		if (t->bp[i].id == id) {
			*addr = t->bp[i].addr;
			return true;
		}
	return false;
}

int tracer_bp_addrs(const struct tracer *t, uint64_t *addrs, int max)
{
	int i;

	for (i = 0; i < t->nbp && i < max; i++)
		addrs[i] = t->bp[i].addr;
	return t->nbp;
}

static int bp_at(const struct tracer *t, uint64_t pc)
{
	int i;

	for (i = 0; i < t->nbp; i++)
		if (t->bp[i].addr == pc)
			return t->bp[i].id;
	return 0;
}

static struct rr fake_rr = { NULL, UINT64_MAX, false };

/* Run one instruction. */
static void run_one(struct tracer *t)
{
	if (prog[t->idx].sys)
		t->event++;
	t->idx++;
}

/* Run until a breakpoint, the event stop, or the end. */
static void run(struct tracer *t, struct tracer_stop *st)
{
	memset(st, 0, sizeof(*st));
	st->tid = 1;
	for (;;) {
		int id;

		if (t->idx == nprog) {
			t->alive = false;
			st->kind = TRACER_STOP_EXITED;
			return;
		}
		id = bp_at(t, prog[t->idx].pc);
		if (id && !t->skip_bp) {
			st->kind = TRACER_STOP_BREAKPOINT;
			st->addr = prog[t->idx].pc;
			st->bp = id;
			return;
		}
		t->skip_bp = false;
		if (prog[t->idx].sys && fake_rr.stop_event == t->event) {
			fake_rr.stop_event = UINT64_MAX;
			fake_rr.at_event_stop = true;
			st->kind = TRACER_STOP_HOOK;
			return;
		}
		run_one(t);
	}
}

int tracer_resume(struct tracer *t, char **cause)
{
	(void)cause;
	/* as the tracer does: from a stop at a breakpoint, over it first */
	t->running = true;
	t->skip_bp = true;
	fake_rr.at_event_stop = false;
	return 0;
}

int tracer_pump(struct tracer *t, struct tracer_stop *st, char **cause)
{
	(void)cause;
	if (!t->running)
		return 0;
	t->running = false;
	run(t, st);
	return 1;
}

int tracer_wait(struct tracer *t, struct tracer_stop *st, char **cause)
{
	return tracer_pump(t, st, cause);
}

int tracer_step(struct tracer *t, pid_t tid, struct tracer_stop *st,
		char **cause)
{
	(void)tid; (void)cause;
	memset(st, 0, sizeof(*st));
	st->tid = 1;
	fake_rr.at_event_stop = false;
	if (t->idx == nprog) {
		t->alive = false;
		st->kind = TRACER_STOP_EXITED;
		return 1;
	}
	run_one(t);
	st->kind = TRACER_STOP_STEP;
	st->addr = t->idx < nprog ? prog[t->idx].pc : 0;
	return 1;
}

/* rip is the pc; rax counts instructions (registers differ from one
 * run of a pc to the next, as a real kernel's do). */
int tracer_get_regs(struct tracer *t, pid_t tid, struct user_regs_struct *r)
{
	(void)tid;
	memset(r, 0, sizeof(*r));
	r->rip = t->idx < nprog ? prog[t->idx].pc : 0;
	r->rax = (uint64_t)t->idx;
	r->rsp = 0x8000;
	return 0;
}

ssize_t tracer_read_mem(struct tracer *t, uint64_t addr, void *buf,
			size_t len)
{
	(void)t; (void)addr;
	memset(buf, 0, len);
	return (ssize_t)len;
}

int tracer_interrupt(struct tracer *t)
{
	(void)t;
	return 0;
}

bool tracer_is_alive(const struct tracer *t)
{
	return t->alive;
}

pid_t tracer_pid(const struct tracer *t)
{
	(void)t;
	return 1;
}

int tracer_hw_count(const struct tracer *t)
{
	(void)t;
	return 0;
}

void tracer_bp_retry(struct tracer *t, bool (*ready)(void *arg, uint64_t),
		     void *arg)
{
	(void)t; (void)ready; (void)arg;
}

int rr_attach(struct rr *rr, struct tracer *t, char **cause)
{
	(void)cause;
	rr->t = t;
	return 0;
}

bool rr_is_replay(const struct rr *rr)
{
	(void)rr;
	return true;
}

uint64_t rr_event(const struct rr *rr)
{
	return rr->t ? rr->t->event : 0;
}

const char *rr_why(const struct rr *rr)
{
	(void)rr;
	return "the end of the recording";
}

int rr_rewind(struct rr *rr, char **cause)
{
	(void)rr; (void)cause;
	return 0;
}

void rr_stop_at_event(struct rr *rr, uint64_t event)
{
	rr->stop_event = event;
}

void rr_cancel_stop_event(struct rr *rr)
{
	rr->stop_event = UINT64_MAX;
}

bool rr_at_event_stop(const struct rr *rr)
{
	return rr->at_event_stop;
}

/* F and G are functions; main's instructions are not in one. */
int kmodel_where(struct kmodel *k, uint64_t pc, bool call_site,
		 struct kmodel_where **out)
{
	uint64_t start = pc & ~0xfffull;

	(void)k; (void)call_site;
	*out = NULL;
	if (start != F && start != G)
		return 0;
	*out = xcalloc(1, sizeof(**out));
	(*out)->pc = pc;
	(*out)->func = xstrdup(start == F ? "F" : "G");
	(*out)->offset = pc - start;
	return 1;
}

void kmodel_where_free(struct kmodel_where *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(w[i].func);
	free(w);
}

int kmodel_module_where(struct kmodel *k, uint64_t pc, char **func,
			uint64_t *offset, char **module)
{
	(void)k; (void)pc; (void)func; (void)offset; (void)module;
	return -ENOENT;
}

void kmodel_set_mem(struct kmodel *k, const struct kmodel_mem *mem)
{
	(void)k; (void)mem;
}

ssize_t session_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg; (void)addr; (void)buf; (void)len;
	return -1;
}

void session_restarted(struct session *s)
{
	(void)s;
}

void session_add_source(struct session *s, const struct session_source *src)
{
	(void)s; (void)src;	/* the test calls timeline_on_* itself */
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

	tracer_free(sess.t);
	free(sess.tl.track);
	free(sess.tl.history);
	memset(&sess, 0, sizeof(sess));
	sess.sigfd = -1;
	sess.launch.stdin_fd = sess.launch.stdout_fd = -1;
	sess.rr = &fake_rr;
	fake_rr.stop_event = UINT64_MAX;
	tracer_launch(&sess.launch, &sess.t, &cause);
	rr_attach(&fake_rr, sess.t, &cause);
	sess.last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC };
	sess.tl.pos = (struct rr_pos){ .kind = RR_POS_START };
	sess.tl.pos_known = true;
	nuser = 0;
}

/* A breakpoint of the user's (the prompt's `break`). */
static void user_break(uint64_t addr)
{
	tracer_bp_insert_later(sess.t, addr);
	user_bps[nuser++] = addr;
}

/* `continue`, as the event loop does it. */
static void cont(void)
{
	struct tracer_stop st;
	char *cause = NULL;

	timeline_on_resume(&sess, false);
	tracer_resume(sess.t, &cause);
	tracer_wait(sess.t, &st, &cause);
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
	is_int(sess.t->idx, nth(F, 3), "continue x3: at F's third run");
	n = launches;
	err = rc(&st);
	ok(err == 0 && sess.t->idx == nth(F, 2) &&
	   st.kind == TRACER_STOP_BREAKPOINT && st.addr == F,
	   "rc: back at F's second run (index %d, want %d)", sess.t->idx,
	   nth(F, 2));
	is_int(launches - n, 1, "rc with every hit known: one re-run");
	err = rc(&st);
	ok(err == 0 && sess.t->idx == nth(F, 1),
	   "rc again: F's first run (index %d)", sess.t->idx);
	err = rc(&st);
	ok(err == 0 && sess.t->idx == 0 && st.kind == TRACER_STOP_NONE,
	   "rc from the first hit: the start of the recording");
	cont();
	cont();
	ok(sess.t->idx == nth(F, 2) && sess.tl.pos.kind == RR_POS_BP &&
	   sess.tl.pos.count == 2, "forward again from the start: F's second "
	   "run is named F #2 (count %llu)",
	   (unsigned long long)sess.tl.pos.count);

	/* A breakpoint set later: its earlier hits are not known, so the
	 * moment now has no name and the last hit before it is unknown. */
	user_break(G);
	cont();
	ok(sess.t->idx == nth(G, 2), "a breakpoint set at a stop: G's second "
	   "run next");
	n = launches;
	err = rc(&st);
	ok(err == 0 && sess.t->idx == nth(F, 2),
	   "rc: the last hit before now is F's second run (index %d)",
	   sess.t->idx);
	is_int(launches - n, 3, "with a hit of unknown count: re-runs to "
	       "name now, to find the last hit, and to go there");

	/* reverse-stepi: from F's entry (no caller known: step back from
	 * its previous run), then from a moment named by steps. */
	cont();	/* G's second run */
	cont();	/* F's third run */
	err = rs(&st);
	ok(err == 0 && sess.t->idx == nth(F, 3) - 1 &&
	   st.kind == TRACER_STOP_STEP && st.addr == prog[nth(F, 3) - 1].pc,
	   "rs at F's entry: the instruction before it (index %d, pc 0x%llx)",
	   sess.t->idx, (unsigned long long)st.addr);
	err = rs(&st);
	ok(err == 0 && sess.t->idx == nth(F, 3) - 2,
	   "rs again: one more back (index %d)", sess.t->idx);
	cont();	/* F's third run */
	tracer_step(sess.t, 0, &st, &cause);	/* into F */
	timeline_on_resume(&sess, true);
	sess.last_stop = st;
	sess.tl.pos_known = false;
	err = rs(&st);
	ok(err == 0 && sess.t->idx == nth(F, 3),
	   "rs after a stepi inside F: back at F's entry (index %d)",
	   sess.t->idx);

	/* goto EVENT: just before that traced syscall, whatever comes
	 * before it. */
	err = timeline_goto_event(&sess, 3, &cause);
	ok(err == 0 && prog[sess.t->idx].sys && sess.t->event == 3 &&
	   rr_at_event_stop(&fake_rr), "goto 3: before event 3, the fourth "
	   "syscall (index %d, %llu done)", sess.t->idx,
	   (unsigned long long)sess.t->event);
	err = timeline_goto_event(&sess, 0, &cause);
	ok(err == 0 && sess.t->idx == 0, "goto 0: the start");
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
	ok(err == 0 && sess.t->idx == 0 && st.kind == TRACER_STOP_NONE,
	   "rc from the only hit: the start of the recording");
	tracer_free(sess.t);
	free(sess.tl.track);
	free(sess.tl.history);
	return done_testing();
}
