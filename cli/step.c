/*
 * cli/step.c - source-level stepping for the prompt and the TUI: `next`,
 * `step` and `finish`.
 *
 * A line is stepped an instruction at a time (the tracer holds UML's
 * asynchronous signals back during a step, so no handler is entered),
 * until the pc is at a row of the line table for another line: a
 * statement, or a row that moves forward (see kmodel_row_at).  A
 * call that `next` steps over, and the return `finish` waits for, run at
 * full speed to an internal breakpoint instead; its stop comes back
 * through step_on_stop, which checks the stack pointer (recursion hits
 * the same address deeper down) and goes on.  Ctrl-C works meanwhile.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Instructions stepped before the event loop has a turn (Ctrl-C, the
 * console, the TUI); UMDBG_STEP_SLICE sets it (the tests use 1). */
static long step_slice(void)
{
	static long n;

	if (!n) {
		const char *e = getenv("UMDBG_STEP_SLICE");

		n = e && atol(e) > 0 ? atol(e) : 2000;
	}
	return n;
}

/* What one instruction does to the flow. */
enum insn_kind { INSN_OTHER, INSN_CALL, INSN_RET, INSN_JMP };

static enum insn_kind insn_at(struct session *s, uint64_t pc, size_t *len)
{
	enum insn_kind kind = INSN_OTHER;
	uint8_t code[16];
	cs_insn *insn;
	ssize_t got = tracer_read_mem(s->t, pc, code, sizeof(code));
	csh cs;

	*len = 0;
	if (got <= 0 || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return INSN_OTHER;
	if (cs_disasm(cs, code, (size_t)got, pc, 1, &insn) == 1) {
		*len = insn->size;
		if (!strcmp(insn->mnemonic, "call"))
			kind = INSN_CALL;
		else if (!strncmp(insn->mnemonic, "ret", 3))
			kind = INSN_RET;
		else if (!strcmp(insn->mnemonic, "jmp"))
			kind = INSN_JMP;
		cs_free(insn, 1);
	}
	cs_close(&cs);
	return kind;
}

/* The line and the (outermost, non-inlined) function start of pc. */
struct place {
	char *file;
	int line;
	uint64_t func;
};

static void place_of(struct session *s, uint64_t pc, struct place *p)
{
	struct kmodel_where *w;
	int n = kmodel_where(s->k, pc, false, &w);

	memset(p, 0, sizeof(*p));
	if (n > 0) {
		p->file = w[0].file ? xstrdup(w[0].file) : NULL;
		p->line = w[0].line;
		if (w[n - 1].func)
			p->func = pc - w[n - 1].offset;
	}
	kmodel_where_free(w, n);
}

static bool same_line(const struct place *a, const struct place *b)
{
	return a->line == b->line && a->file && b->file &&
		!strcmp(a->file, b->file);
}

/* Is p, where the pc now is, another line to stop at? */
static bool new_line(struct session *s, const struct place *p,
		     const struct place *from, uint64_t pc)
{
	bool stmt;

	if (!p->line || same_line(p, from) || !kmodel_row_at(s->k, pc, &stmt))
		return false;	/* the middle of a row */
	return stmt || (p->line > from->line && from->file &&
			!strcmp(p->file, from->file));
}

void step_cancel(struct session *s)
{
	if (s->step.bp_id > 0 && tracer_is_alive(s->t))
		tracer_bp_remove(s->t, s->step.bp_id);
	s->step.bp_id = 0;
	free(s->step.file);
	s->step.file = NULL;
	s->step.mode = STEP_NONE;
	s->step.pending = false;
	s->step.wait_step = false;
}

/* Run to addr at full speed; the stop counts when rsp passes the test. */
static int run_to(struct session *s, uint64_t addr, uint64_t sp, bool exact,
		  FILE *out)
{
	char *cause = NULL;
	int id = tracer_bp_insert(s->t, addr, &cause);

	if (id < 0) {
		fprintf(out, "%s: %s\n", s->step.name, cause);
		free(cause);
		step_cancel(s);
		return -EIO;
	}
	s->step.bp_id = id;
	s->step.bp_sp = sp;
	s->step.sp_exact = exact;
	if (session_resume(s) < 0) {
		step_cancel(s);
		return -ESRCH;
	}
	return 1;
}

/* Where the step ended, as stepi says it. */
static void say_done(struct session *s, FILE *out)
{
	struct user_regs_struct r;
	char *str;

	step_cancel(s);
	if (tracer_get_regs(s->t, 0, &r) < 0)
		return;
	str = where_line(s, r.rip);
	fprintf(out, "0x%016llx %s\n", (unsigned long long)r.rip, str);
	free(str);
}

/*
 * Step instructions until the line changes.  0: done (the stop is
 * said), 1: running to an internal breakpoint, 2: a slice is done and
 * the line goes on (s->step.pending: step_continue goes on from the event
 * loop), <0: it ended otherwise (the stop was reported by on_stop).
 */
static int step_lines(struct session *s, FILE *out)
{
	struct user_regs_struct r0, r1;
	struct place here = { s->step.file, s->step.line, s->step.func };
	long i, slice = step_slice();

	s->step.pending = false;
	for (i = 0; i < slice; i++) {
		struct place p;
		enum insn_kind kind;
		size_t len;

		if (tracer_get_regs(s->t, 0, &r0) < 0)
			break;
		kind = insn_at(s, r0.rip, &len);
		if (kind == INSN_CALL && s->step.mode == STEP_NEXT)
			return run_to(s, r0.rip + len, r0.rsp, true, out);
		switch (session_stepi(s, NULL)) {
		case 0:
			break;
		case 1:
			/* into a host syscall: step_on_stop goes on when it
			 * returns */
			s->step.wait_step = true;
			return 1;
		default:
			step_cancel(s);
			return -ESRCH;
		}
		if (tracer_get_regs(s->t, 0, &r1) < 0)
			break;
		place_of(s, r1.rip, &p);
		if (kind == INSN_CALL && r1.rsp == r0.rsp - 8) {
			/* step: into a function with source, else over it */
			free(p.file);
			if (p.line)
				break;
			return run_to(s, r0.rip + len, r0.rsp, true, out);
		}
		if (kind == INSN_RET && p.func != here.func) {
			bool stmt;

			/* Out of the function.  Back in the middle of the
			 * caller's line, the rest of that line is stepped
			 * too, as gdb does; at a statement, or where there is
			 * no line, this is the place to stop. */
			if (!p.line || (kmodel_row_at(s->k, r1.rip, &stmt) &&
					stmt)) {
				free(p.file);
				break;
			}
			free(s->step.file);
			s->step.file = p.file;
			s->step.line = p.line;
			s->step.func = p.func;
			here = (struct place){ p.file, p.line, p.func };
			continue;
		}
		if (new_line(s, &p, &here, r1.rip)) {
			free(p.file);
			break;
		}
		if (kind == INSN_JMP && p.func != here.func) {
			/* a tail call: the line is the callee's now */
			free(p.file);
			break;
		}
		free(p.file);
	}
	if (i == slice) {
		s->step.pending = true;
		return 2;
	}
	say_done(s, out);
	return 0;
}

static int step_start(struct cmd_ctx *ctx, enum step_mode mode,
		      const char *name)
{
	struct session *s = ctx->s;
	struct user_regs_struct r;
	struct place p;

	step_cancel(s);
	if (tracer_get_regs(s->t, 0, &r) < 0) {
		fprintf(ctx->out, "%s: the guest is not stopped\n", name);
		return -ESRCH;
	}
	place_of(s, r.rip, &p);
	s->step.mode = mode;
	s->step.name = name;
	s->step.file = p.file;
	s->step.line = p.line;
	s->step.func = p.func;
	if (!p.line) {
		/* No line: as far as the function's return. */
		s->step.mode = STEP_FINISH;
	}
	return 0;
}

static int finish_start(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	struct user_regs_struct r;
	struct kmodel_frame f[2];
	uint64_t d[KMODEL_NREGS];
	char *cause = NULL;
	int n;

	if (tracer_get_regs(s->t, 0, &r) < 0)
		return -ESRCH;
	regs_to_dwarf(&r, d);
	n = kmodel_backtrace(s->k, d, f, 2, &cause);
	if (n < 2) {
		fprintf(ctx->out, "finish: no caller to return to%s%s\n",
			cause ? ": " : "", cause ? cause : "");
		free(cause);
		step_cancel(s);
		return -ENOENT;
	}
	s->step.mode = STEP_FINISH;
	s->step.name = "finish";
	return run_to(s, f[1].pc, r.rsp, false, ctx->out) < 0 ? -EIO : 0;
}

int cmd_next(struct cmd_ctx *ctx, int argc, char **argv)
{
	bool next = !strcmp(argv[0], "next") || !strcmp(argv[0], "n");
	int err;

	(void)argc;
	err = step_start(ctx, next ? STEP_NEXT : STEP_STEP,
			 next ? "next" : "step");
	if (err)
		return err;
	if (ctx->s->step.mode == STEP_FINISH)
		return finish_start(ctx);
	err = step_lines(ctx->s, ctx->out);
	if (err == 2)
		session_leave_prompt(ctx->s);	/* the loop goes on */
	return err < 0 ? -ESRCH : 0;
}

int cmd_finish(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	step_cancel(ctx->s);
	return finish_start(ctx);
}

enum step_verdict step_on_stop(struct session *s, const struct tracer_stop *st)
{
	struct user_regs_struct r;
	bool hit;

	if (s->step.mode == STEP_NONE)
		return STEP_NOT_MINE;
	if (s->step.wait_step && st->kind == TRACER_STOP_STEP &&
	    tracer_get_regs(s->t, st->tid, &r) == 0) {
		s->step.wait_step = false;
		goto moved;
	}
	hit = st->kind == TRACER_STOP_BREAKPOINT && st->bp == s->step.bp_id &&
		tracer_get_regs(s->t, st->tid, &r) == 0;
	if (!hit) {
		step_cancel(s);
		return STEP_NOT_MINE;
	}
	if (s->step.sp_exact ? r.rsp != s->step.bp_sp : r.rsp <= s->step.bp_sp)
		return session_resume(s) < 0 ? STEP_NOT_MINE : STEP_RUNNING;
	tracer_bp_remove(s->t, s->step.bp_id);
	s->step.bp_id = 0;
	if (s->step.mode == STEP_FINISH) {
		fprintf(stdout, "%s: returned, rax 0x%llx\n", s->step.name,
			(unsigned long long)r.rax);
		say_done(s, stdout);
		return STEP_DONE;
	}
moved:
	{
		/* back from a call (or a host syscall): this may be the next
		 * line already */
		struct place here = { s->step.file, s->step.line,
				      s->step.func }, p;
		bool done;

		place_of(s, r.rip, &p);
		done = new_line(s, &p, &here, r.rip);
		free(p.file);
		if (done) {
			say_done(s, stdout);
			return STEP_DONE;
		}
	}
	return step_continue(s);
}

enum step_verdict step_continue(struct session *s)
{
	/* 1, 2: running or more to step; <0: on_stop has had the stop */
	return step_lines(s, stdout) == 0 ? STEP_DONE : STEP_RUNNING;
}

static int src_claim_stop(void *arg, const struct tracer_stop *st)
{
	return step_on_stop(arg, st);
}

static int src_go_on(void *arg)
{
	return step_continue(arg);
}

static void src_cancel(void *arg)
{
	step_cancel(arg);
}

void step_init(struct session *s)
{
	session_add_source(s, &(struct session_source){
		.arg = s, .claim_stop = src_claim_stop, .go_on = src_go_on,
		.cancel = src_cancel });
}
