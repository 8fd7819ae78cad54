/*
 * tui/views.c - the panes' contents.  Each view is the text of one of the
 * prompt's commands, run through the host and parsed back for what
 * selecting needs (frame addresses, pids, VMA starts, memory bytes).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "internal.h"

/* A command's output (malloc'd, never NULL). */
char *tui_capture(struct tui *t, const char *fmt, ...)
{
	char *line, *buf = NULL;
	size_t len = 0;
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
	t->host.run(t->host.arg, line, f);
	fclose(f);
	free(line);
	return buf;
}

void view_fill(struct tui *t, enum pane_id id, char *text)
{
	struct pane *p = &t->p[id];

	text_clear(&p->t);
	text_add_lines(&p->t, text);
	free(text);
	if (p->cur >= p->t.n)
		p->cur = p->t.n ? p->t.n - 1 : 0;
}

/* The line marked "=>" (the current one), or -1. */
static int view_marked_line(const struct pane *p)
{
	int i;

	for (i = 0; i < p->t.n; i++)
		if (!strncmp(p->t.line[i], "=>", 2))
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

/* The backtrace line n's pc ((inlined) frames take the next one's) and
 * whether it is a return address.  false: no such frame. */
static bool frame_pc(const struct pane *bt, int n, uint64_t *pc, bool *ret,
		     uint64_t *func)
{
	int i, num = -1;

	for (i = 0; i < bt->t.n; i++) {
		const char *l = bt->t.line[i], *hash = strstr(l, "#");
		char *plus;

		if (!hash || !isdigit((unsigned char)hash[1]))
			continue;
		num = atoi(hash + 1);
		if (num < n)
			continue;
		/* the first real address at or after frame n */
		for (; i < bt->t.n; i++) {
			const char *a = strstr(bt->t.line[i], "0x");

			if (a && !strstr(bt->t.line[i], "(inlined)")) {
				*pc = strtoull(a, NULL, 16);
				*ret = num > 0;
				*func = 0;
				plus = strlen(a) > 18 ? strstr(a + 18, "+0x") :
					NULL;
				if (plus)
					*func = *pc - strtoull(plus + 1, NULL,
							       16);
				return true;
			}
		}
	}
	return false;
}

/* The pid on the tasks pane's cursor line (0: none). */
int view_task_at(const struct pane *tp, int line)
{
	if (line < 1 || line >= tp->t.n)
		return 0;
	return atoi(tp->t.line[line] + 1);
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
	view_fill(t, P_SRC, tui_capture(t, "list *0x%llx %d",
				    (unsigned long long)(ret ? pc - 1 : pc),
				    ctx));
	snprintf(src->sub, sizeof(src->sub), "%s",
		 src->t.n ? src->t.line[0] : "");
	view_center(src, view_marked_line(src));
	if (t->frame == 0 && !t->task)
		view_fill(t, P_ASM, tui_capture(t, "disas"));
	else
		view_fill(t, P_ASM, tui_capture(t, "disas 0x%llx 120",
					    (unsigned long long)(func ? func :
								 pc)));
	snprintf(as->sub, sizeof(as->sub), "frame #%d, pc 0x%llx", t->frame,
		 (unsigned long long)pc);
	{
		char key[24];
		int i, line = view_marked_line(as);

		snprintf(key, sizeof(key), "0x%016llx", (unsigned long long)pc);
		for (i = 0; line < 0 && i < as->t.n; i++)
			if (strstr(as->t.line[i], key))
				line = i;
		view_center(as, line);
	}
}

/* The registers one per line, those changed since the last stop marked
 * with a leading '!'. */
void view_regs(struct tui *t, bool new_stop)
{
	/* the changes since the last stop only mean something there */
	bool live = !t->task && !t->frame;
	char *out, *s, *save = NULL, *tok;
	struct pane *p = &t->p[P_REGS];
	int n = 0, i;

	if (t->frame)
		out = t->task ? tui_capture(t, "regs %d -f %d", t->task, t->frame) :
			tui_capture(t, "regs -f %d", t->frame);
	else
		out = t->task ? tui_capture(t, "regs %d", t->task) :
			tui_capture(t, "regs");
	text_clear(&p->t);
	if (t->frame)
		snprintf(p->sub, sizeof(p->sub), "frame #%d%s", t->frame,
			 t->task ? " of the task" : "");
	else if (t->task)
		snprintf(p->sub, sizeof(p->sub), "task %d%s", t->task,
			 strstr(out, "switch_to saved") ?
			 " (saved by switch_to)" : "");
	else
		snprintf(p->sub, sizeof(p->sub), "thread on the CPU");
	/* "  name 0x...  name <not saved>  ..." after a header line */
	for (s = out; *s; ) {
		char *nl = strchrnul(s, '\n'), end = *nl;

		*nl = '\0';
		if (s[0] == ' ')
			for (tok = strtok_r(s, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				char line[64], *val = strtok_r(NULL, " ", &save);
				unsigned long long v;
				bool changed = false;

				if (!val)
					break;
				if (strncmp(val, "0x", 2)) {
					strtok_r(NULL, " ", &save); /* saved> */
					snprintf(line, sizeof(line), " %-7s %s",
						 tok, "<not saved>");
					text_add(&p->t, line, strlen(line));
					continue;
				}
				v = strtoull(val, NULL, 16);
				for (i = 0; live && i < t->nprev; i++)
					if (!strcmp(t->prev_regs[i], tok))
						changed = t->prev_vals[i] != v;
				snprintf(line, sizeof(line), "%c%-7s 0x%016llx",
					 changed ? '!' : ' ', tok, v);
				text_add(&p->t, line, strlen(line));
				if (new_stop && live && n < 32) {
					snprintf(t->prev_regs[n],
						 sizeof(t->prev_regs[n]), "%s",
						 tok);
					t->prev_vals[n++] = v;
				}
			}
		s = end ? nl + 1 : nl;
	}
	if (new_stop && live)
		t->nprev = n;
	if (!p->t.n)
		text_add_lines(&p->t, out);
	free(out);
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
	if (t->walk_from_mem && t->mem_pid < 0)
		view_fill(t, P_WALK, tui_capture(t, "vtop 0x%llx",
					     (unsigned long long)t->walk_addr));
	else
		view_fill(t, P_WALK, tui_capture(t, "vtop %d 0x%llx",
					     t->walk_from_mem ? t->mem_pid :
					     t->task,
					     (unsigned long long)t->walk_addr));
	snprintf(w->sub, sizeof(w->sub), "0x%llx",
		 (unsigned long long)t->walk_addr);
}

void view_mem(struct tui *t)
{
	struct pane *m = &t->p[P_MEM];

	if (!t->mem_addr)
		t->mem_addr = view_reg_value(t, "rsp") & ~15ull;
	if (t->mem_pid >= 0)
		view_fill(t, P_MEM, tui_capture(t, "x -p %d 0x%llx %d", t->mem_pid,
					    (unsigned long long)t->mem_addr,
					    MEM_BYTES));
	else
		view_fill(t, P_MEM, tui_capture(t, "x 0x%llx %d",
					    (unsigned long long)t->mem_addr,
					    MEM_BYTES));
	if (t->mem_pid >= 0)
		snprintf(m->sub, sizeof(m->sub), "task %d, 0x%llx", t->mem_pid,
			 (unsigned long long)(t->mem_addr + t->mem_cur));
	else
		snprintf(m->sub, sizeof(m->sub), "kernel, 0x%llx",
			 (unsigned long long)(t->mem_addr + t->mem_cur));
	m->cur = t->mem_cur / 16;
}

static bool user_task(struct tui *t, int pid)
{
	int i;

	for (i = 1; i < t->p[P_TASKS].t.n; i++)
		if (view_task_at(&t->p[P_TASKS], i) == pid)
			return strstr(t->p[P_TASKS].t.line[i], " 0x") != NULL;
	return false;
}

/* The selected task's VMAs and what depends on them. */
void view_task(struct tui *t)
{
	int pid = t->task;
	struct pane *v = &t->p[P_VMA];

	if (!pid) {
		/* the task on the CPU */
		int i;

		for (i = 1; i < t->p[P_TASKS].t.n; i++)
			if (t->p[P_TASKS].t.line[i][0] == '>')
				pid = view_task_at(&t->p[P_TASKS], i);
	}
	snprintf(v->sub, sizeof(v->sub), "task %d", pid);
	if (pid && user_task(t, pid)) {
		view_fill(t, P_VMA, tui_capture(t, "vma %d", pid));
		if (!t->walk_from_mem && v->t.n)
			t->walk_addr = strtoull(v->t.line[v->cur], NULL, 16);
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

	view_fill(t, P_BT, t->task ? tui_capture(t, "bt %d", t->task) :
		  tui_capture(t, "bt"));
	snprintf(b->sub, sizeof(b->sub), t->task ? "task %d" : "thread on "
		 "the CPU", t->task);
}

/* Everything, after a stop. */
void view_all(struct tui *t, bool new_stop)
{
	struct pane *tp = &t->p[P_TASKS];
	int i;

	view_fill(t, P_TASKS, tui_capture(t, "ps"));
	if (new_stop) {
		t->task = 0;
		t->frame = 0;
		t->mem_addr = 0;
		t->mem_cur = 0;
		t->mem_pid = -1;
		t->walk_from_mem = false;
		for (i = 1; i < tp->t.n; i++)
			if (tp->t.line[i][0] == '>')
				tp->cur = i;
		t->p[P_BT].cur = 0;
		t->p[P_VMA].cur = 0;
	}
	view_regs(t, new_stop);
	view_bt(t);
	view_code(t);
	view_task(t);
	view_mem(t);
	view_fill(t, P_LOG, tui_capture(t, "dmesg -n 400"));
	t->p[P_LOG].follow = true;
}

