/*
 * tui/views.c - the panes' contents.  Each view is the rows of one of the
 * prompt's commands, run through the host: a pane shows a row a line,
 * and selecting reads the row's fields (a frame's pc, a task's pid, a
 * VMA's start, a memory line's bytes), never the printed text.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "internal.h"

/* A command's output as text (malloc'd, never NULL): for panes that
 * only show it. */
char *tui_capture(struct tui *t, const char *fmt, ...)
{
	char *line, *buf = NULL;
	size_t len = 0;
	struct out *o;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	f = open_memstream(&buf, &len);
	if (!f) {
		free(line);
		return xstrdup("");
	}
	o = out_new(OUT_TEXT, f, NULL);
	t->host.run(t->host.arg, line, o);
	out_free(o);
	fclose(f);
	free(line);
	return buf;
}

/* A command's rows, for panes that select by them (the caller owns). */
struct out *tui_rows(struct tui *t, const char *fmt, ...)
{
	struct out *o = out_new(OUT_COLLECT, NULL, NULL);
	char *line;
	va_list ap;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	t->host.run(t->host.arg, line, o);
	free(line);
	return o;
}

static void pane_clear(struct pane *p)
{
	text_clear(&p->t);
	out_free(p->rows);
	p->rows = NULL;
	p->hdr = 0;
}

void view_fill(struct tui *t, enum pane_id id, char *text)
{
	struct pane *p = &t->p[id];

	pane_clear(p);
	text_add_lines(&p->t, text);
	free(text);
	if (p->cur >= p->t.n)
		p->cur = p->t.n ? p->t.n - 1 : 0;
}

/* A memory row as the pane shows it: MEM_COL0 columns of address, then
 * each byte in 3, then the characters. */
static char *mem_line(const struct row *r)
{
	const uint8_t *b;
	struct strbuf sb;
	size_t n, i;

	b = row_bytes(r, MEM_BYTES, &n);
	strbuf_init(&sb);
	strbuf_addf(&sb, "%016llx:", (unsigned long long)row_u(r, MEM_ADDR));
	for (i = 0; i < 16; i++)
		strbuf_addf(&sb, i < n ? " %02x" : "   ", i < n ? b[i] : 0);
	strbuf_addf(&sb, "  %s", row_s(r, MEM_ASCII) ? row_s(r, MEM_ASCII) :
		    "");
	return strbuf_detach(&sb);
}

/* A pane of rows: one line each, below the kind's header if it has one. */
void view_fill_rows(struct tui *t, enum pane_id id, struct out *o)
{
	struct pane *p = &t->p[id];
	size_t i, n = out_nrows(o);

	pane_clear(p);
	p->rows = o;
	for (i = 0; i < n; i++) {
		const struct row *r = out_row(o, i);
		char *line;

		if (i == 0 && row_text_header(r->kind)) {
			text_add_lines(&p->t, row_text_header(r->kind));
			p->hdr = p->t.n;
		}
		line = r->kind == ROW_MEM ? mem_line(r) : row_text(r);
		if (line[0] && !strchr(line, '\n'))
			text_add_lines(&p->t, line);
		else
			text_add(&p->t, "", 0);	/* one line a row */
		free(line);
	}
	if (p->cur >= p->t.n)
		p->cur = p->t.n ? p->t.n - 1 : 0;
}

const struct row *pane_row(const struct pane *p, int line)
{
	if (!p->rows || line < p->hdr || line >= p->t.n ||
	    (size_t)(p->t.n - p->hdr) != out_nrows(p->rows))
		return NULL;
	return out_row(p->rows, (size_t)(line - p->hdr));
}

/* Is the pane's line the current one (the pc's instruction or line)? */
bool pane_line_current(const struct pane *p, int line)
{
	const struct row *r = pane_row(p, line);

	return r && ((r->kind == ROW_INSN && row_i(r, INSN_CURRENT)) ||
		     (r->kind == ROW_SRC && row_i(r, SRC_CURRENT)));
}

bool pane_line_bp(const struct pane *p, int line)
{
	const struct row *r = pane_row(p, line);

	return r && ((r->kind == ROW_INSN && row_i(r, INSN_BP)) ||
		     (r->kind == ROW_SRC && row_i(r, SRC_BP)));
}

/* The current line (the pc's), or -1. */
static int view_marked_line(const struct pane *p)
{
	int i;

	for (i = 0; i < p->t.n; i++)
		if (pane_line_current(p, i))
			return i;
	return -1;
}

static void view_center(struct pane *p, int line)
{
	int rows = p->h > 1 ? p->h - 1 : 10;

	if (line < 0)
		return;
	p->cur = line;
	p->top = line - rows / 2;
	if (p->top < 0)
		p->top = 0;
}

/* ---- the views ------------------------------------------------------- */

/* Frame n's pc (an inlined frame takes its caller's: the next real
 * one), whether it is a return address, and its function's start (0:
 * unknown).  false: no such frame. */
static bool frame_pc(const struct pane *bt, int n, uint64_t *pc, bool *ret,
		     uint64_t *func)
{
	int i;

	for (i = 0; i < bt->t.n; i++) {
		const struct row *r = pane_row(bt, i);

		if (!r || r->kind != ROW_FRAME || row_i(r, FRAME_NUM) < n ||
		    !row_has(r, FRAME_PC))
			continue;
		*pc = row_u(r, FRAME_PC);
		*ret = row_i(r, FRAME_NUM) > 0;
		*func = row_has(r, FRAME_OFFSET) ?
			*pc - row_u(r, FRAME_OFFSET) : 0;
		return true;
	}
	return false;
}

/* The pid on the tasks pane's line (0: none). */
int view_task_at(const struct pane *tp, int line)
{
	const struct row *r = pane_row(tp, line);

	return r && r->kind == ROW_TASK ? (int)row_i(r, TASK_PID) : 0;
}

/* The task's row in the tasks pane (pid 0: the one on the CPU). */
static const struct row *task_row(struct tui *t, int pid)
{
	const struct pane *tp = &t->p[P_TASKS];
	int i;

	for (i = 0; i < tp->t.n; i++) {
		const struct row *r = pane_row(tp, i);

		if (r && r->kind == ROW_TASK &&
		    (pid ? row_i(r, TASK_PID) == pid :
		     row_i(r, TASK_RUNNING)))
			return r;
	}
	return NULL;
}

void view_code(struct tui *t)
{
	struct pane *src = &t->p[P_SRC], *as = &t->p[P_ASM];
	int ctx = src->h > 2 ? src->h : 20;
	uint64_t pc, func;
	bool ret;

	if (!frame_pc(&t->p[P_BT], t->frame, &pc, &ret, &func)) {
		view_fill(t, P_SRC, xstrdup("(no frame)\n"));
		view_fill(t, P_ASM, xstrdup("(no frame)\n"));
		return;
	}
	/* A return address's line is the call's: look up pc - 1. */
	view_fill_rows(t, P_SRC, tui_rows(t, "list *0x%llx %d",
					  (unsigned long long)(ret ? pc - 1 :
							       pc), ctx));
	{
		int at = view_marked_line(src);
		const struct row *r = pane_row(src, at);

		if (r)
			snprintf(src->sub, sizeof(src->sub), "%s:%d",
				 row_s(r, SRC_FILE), (int)row_i(r, SRC_LINE));
		else
			snprintf(src->sub, sizeof(src->sub), "%s",
				 src->t.n ? src->t.line[0] : "");
		view_center(src, at);
	}
	if (t->frame == 0 && !t->task)
		view_fill_rows(t, P_ASM, tui_rows(t, "disas"));
	else
		view_fill_rows(t, P_ASM, tui_rows(t, "disas 0x%llx 120",
						  (unsigned long long)(func ?
								       func :
								       pc)));
	snprintf(as->sub, sizeof(as->sub), "frame #%d, pc 0x%llx", t->frame,
		 (unsigned long long)pc);
	{
		int i, line = view_marked_line(as);

		for (i = 0; line < 0 && i < as->t.n; i++) {
			const struct row *r = pane_row(as, i);

			if (r && r->kind == ROW_INSN &&
			    row_u(r, INSN_ADDR) == pc)
				line = i;
		}
		view_center(as, line);
	}
}

/* The registers one per line, those changed since the last stop marked
 * with a leading '!'. */
void view_regs(struct tui *t, bool new_stop)
{
	/* the changes since the last stop only mean something there */
	bool live = !t->task && !t->frame;
	struct pane *p = &t->p[P_REGS];
	const struct row *task;
	struct out *o;
	size_t k;
	int n = 0, i;

	if (t->frame)
		o = t->task ? tui_rows(t, "regs %d -f %d", t->task, t->frame) :
			tui_rows(t, "regs -f %d", t->frame);
	else
		o = t->task ? tui_rows(t, "regs %d", t->task) :
			tui_rows(t, "regs");
	task = t->task ? task_row(t, t->task) : NULL;
	pane_clear(p);
	if (t->frame)
		snprintf(p->sub, sizeof(p->sub), "frame #%d%s", t->frame,
			 t->task ? " of the task" : "");
	else if (t->task)
		snprintf(p->sub, sizeof(p->sub), "task %d%s", t->task,
			 task && !row_i(task, TASK_RUNNING) ?
			 " (saved by switch_to)" : "");
	else
		snprintf(p->sub, sizeof(p->sub), "thread on the CPU");
	for (k = 0; k < out_nrows(o); k++) {
		const struct row *r = out_row(o, k);
		const char *name = row_s(r, REG_NAME);
		uint64_t v = row_u(r, REG_VALUE);
		bool changed = false;
		char line[64];

		if (r->kind != ROW_REG || !name)
			continue;
		if (!row_has(r, REG_VALUE)) {
			snprintf(line, sizeof(line), " %-7s %s", name,
				 "<not saved>");
			text_add(&p->t, line, strlen(line));
			continue;
		}
		for (i = 0; live && i < t->nprev; i++)
			if (!strcmp(t->prev_regs[i], name))
				changed = t->prev_vals[i] != v;
		snprintf(line, sizeof(line), "%c%-7s 0x%016llx",
			 changed ? '!' : ' ', name, (unsigned long long)v);
		text_add(&p->t, line, strlen(line));
		if (new_stop && live && n < 32) {
			snprintf(t->prev_regs[n], sizeof(t->prev_regs[n]),
				 "%s", name);
			t->prev_vals[n++] = v;
		}
	}
	if (new_stop && live)
		t->nprev = n;
	if (!p->t.n)	/* no registers: what the command said instead */
		for (k = 0; k < out_nrows(o); k++)
			if (out_row(o, k)->kind == ROW_TEXT)
				text_add_lines(&p->t,
					       row_s(out_row(o, k), TEXT_TEXT));
	out_free(o);
}

static uint64_t view_reg_value(struct tui *t, const char *name)
{
	int i;

	for (i = 0; i < t->nprev; i++)
		if (!strcmp(t->prev_regs[i], name))
			return t->prev_vals[i];
	return 0;
}

void view_walk(struct tui *t)
{
	struct pane *w = &t->p[P_WALK];

	if (!t->walk_addr) {
		w->sub[0] = '\0';
		view_fill(t, P_WALK, xstrdup("(select a VMA or a memory "
					     "address)\n"));
		return;
	}
	if (t->walk_from_mem) {
		/* the memory cursor's byte: what it is (kmem), then its
		 * page-table walk */
		char *what = t->mem_pid < 0 ?
			tui_capture(t, "kmem 0x%llx",
				    (unsigned long long)t->walk_addr) :
			tui_capture(t, "kmem -p %d 0x%llx", t->mem_pid,
				    (unsigned long long)t->walk_addr);
		char *walk = t->mem_pid < 0 ?
			tui_capture(t, "vtop 0x%llx",
				    (unsigned long long)t->walk_addr) :
			tui_capture(t, "vtop %d 0x%llx", t->mem_pid,
				    (unsigned long long)t->walk_addr);

		view_fill(t, P_WALK, xasprintf("%s%s", what, walk));
		free(what);
		free(walk);
	} else {
		view_fill(t, P_WALK, tui_capture(t, "vtop %d 0x%llx", t->task,
					     (unsigned long long)t->walk_addr));
	}
	snprintf(w->sub, sizeof(w->sub), "0x%llx",
		 (unsigned long long)t->walk_addr);
}

void view_mem(struct tui *t)
{
	struct pane *m = &t->p[P_MEM];

	if (!t->mem_addr)
		t->mem_addr = view_reg_value(t, "rsp") & ~15ull;
	if (t->mem_pid >= 0)
		view_fill_rows(t, P_MEM, tui_rows(t, "x -p %d 0x%llx %d",
						  t->mem_pid,
						  (unsigned long long)t->mem_addr,
						  MEM_PANE_BYTES));
	else
		view_fill_rows(t, P_MEM, tui_rows(t, "x 0x%llx %d",
						  (unsigned long long)t->mem_addr,
						  MEM_PANE_BYTES));
	if (t->mem_pid >= 0)
		snprintf(m->sub, sizeof(m->sub), "task %d, 0x%llx", t->mem_pid,
			 (unsigned long long)(t->mem_addr + t->mem_cur));
	else
		snprintf(m->sub, sizeof(m->sub), "kernel, 0x%llx",
			 (unsigned long long)(t->mem_addr + t->mem_cur));
	m->cur = t->mem_cur / 16;
}

/* Has the task user memory (an mm of its own)? */
static bool user_task(struct tui *t, int pid)
{
	const struct row *r = task_row(t, pid);

	return r && row_has(r, TASK_MM);
}

/* The selected task's VMAs and what depends on them. */
void view_task(struct tui *t)
{
	int pid = t->task;
	struct pane *v = &t->p[P_VMA];

	if (!pid) {
		/* the task on the CPU */
		const struct row *r = task_row(t, 0);

		pid = r ? (int)row_i(r, TASK_PID) : 0;
	}
	snprintf(v->sub, sizeof(v->sub), "task %d", pid);
	if (pid && user_task(t, pid)) {
		const struct row *r;

		view_fill_rows(t, P_VMA, tui_rows(t, "vma %d", pid));
		r = pane_row(v, v->cur);
		if (!t->walk_from_mem && r && r->kind == ROW_VMA)
			t->walk_addr = row_u(r, VMA_START);
	} else {
		view_fill(t, P_VMA, xstrdup("(a kernel thread: no user "
					    "memory)\n"));
		if (!t->walk_from_mem)
			t->walk_addr = 0;
	}
	if (!t->walk_from_mem && t->walk_addr) {
		view_fill(t, P_WALK, tui_capture(t, "vtop %d 0x%llx", pid,
					     (unsigned long long)t->walk_addr));
		snprintf(t->p[P_WALK].sub, sizeof(t->p[P_WALK].sub),
			 "task %d, 0x%llx", pid,
			 (unsigned long long)t->walk_addr);
	} else {
		view_walk(t);
	}
}

void view_bt(struct tui *t)
{
	struct pane *b = &t->p[P_BT];

	view_fill_rows(t, P_BT, t->task ? tui_rows(t, "bt %d", t->task) :
		       tui_rows(t, "bt"));
	snprintf(b->sub, sizeof(b->sub), t->task ? "task %d" : "thread on "
		 "the CPU", t->task);
}

/* Everything, after a stop. */
void view_all(struct tui *t, bool new_stop)
{
	struct pane *tp = &t->p[P_TASKS];
	int i;

	view_fill_rows(t, P_TASKS, tui_rows(t, "ps"));
	if (new_stop) {
		t->task = 0;
		t->frame = 0;
		t->mem_addr = 0;
		t->mem_cur = 0;
		t->mem_pid = -1;
		t->walk_from_mem = false;
		for (i = 0; i < tp->t.n; i++) {
			const struct row *r = pane_row(tp, i);

			if (r && r->kind == ROW_TASK &&
			    row_i(r, TASK_RUNNING))
				tp->cur = i;
		}
		t->p[P_BT].cur = 0;
		t->p[P_VMA].cur = 0;
	}
	view_regs(t, new_stop);
	view_bt(t);
	view_code(t);
	view_task(t);
	view_mem(t);
	view_fill_rows(t, P_LOG, tui_rows(t, "dmesg -n 400"));
	t->p[P_LOG].follow = true;
}

