/*
 * tui/tui.c - the full-screen workbench.  See tui.h.
 *
 * Panes hold lines of text produced by the prompt's commands.  Drawing
 * erases and redraws the whole screen into curses' buffer; curses sends
 * only the difference, so nothing flickers.  The command line is GNU
 * readline's callback interface with its terminal handling switched off:
 * we feed it the keys and draw its buffer ourselves.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "../lib/lib.h"
#include "tui.h"

#define MAX_LINES 4000		/* console, output: older lines go */
#define MEM_BYTES 512		/* the memory pane reads this much */
#define KEY_CTRL(c) ((c) & 0x1f)

struct text {
	char **line;
	int n, cap;
};

enum pane_id {
	P_SRC, P_ASM, P_REGS, P_BT, P_TASKS, P_VMA, P_WALK, P_MEM, P_LOG,
	P_CONSOLE, P_OUT, NPANES
};

static const char *const pane_names[NPANES] = {
	"source", "disassembly", "registers", "backtrace", "tasks", "vmas",
	"page walk", "memory", "kernel log", "console", "output",
};

struct pane {
	struct text t;
	char sub[128];		/* what it shows (after the name) */
	int top;		/* first line shown */
	int cur;		/* cursor line (selectable panes) */
	bool follow;		/* keep the last line in view */
	int y, x, h, w;		/* h == 0: not in this layout */
};

enum layout { L_SOURCE, L_TASKS, L_MEMORY, L_LOG, NLAYOUTS };
static const char *const layout_names[NLAYOUTS] = {
	"source", "tasks", "memory", "log",
};

struct tui {
	struct tui_host host;
	int tty;			/* our own descriptor of the terminal */
	FILE *tty_file;
	SCREEN *scr;
	struct termios saved;
	int pipe_rd;			/* stdout and stderr of the process */
	int old_out, old_err;
	FILE *null;			/* readline's output stream */
	bool color;
	struct pane p[NPANES];
	enum layout layout;
	enum pane_id focus;
	bool cmdline;			/* keys go to the command line */
	bool running, ended, quit, help;
	char status[256];		/* why it stopped */
	/* selections */
	int task;			/* 0: the task on the CPU */
	int frame;
	uint64_t frame_pc;
	uint64_t mem_addr;		/* the memory pane's first byte */
	int mem_cur;			/* cursor: byte offset */
	int mem_pid;			/* -1: kernel addresses */
	uint64_t walk_addr;
	bool walk_from_mem;
	/* registers at the previous stop, for highlighting */
	char prev_regs[32][24];
	uint64_t prev_vals[32];
	int nprev;
	/* stray output since the last command, shown at exit */
	struct text tail;
	char con_partial[512];	/* the console's unfinished line */
	size_t con_len;
	int con_esc;		/* in an escape sequence */
};

/* readline's callbacks take no argument */
static struct tui *the_tui;
static int rl_key = -1;

/* ---- text ------------------------------------------------------------ */

static void text_clear(struct text *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
}

static void text_add(struct text *t, const char *s, size_t len)
{
	if (t->n == MAX_LINES) {
		free(t->line[0]);
		memmove(t->line, t->line + 1, (t->n - 1) * sizeof(char *));
		t->n--;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->line = xrealloc(t->line, t->cap * sizeof(char *));
	}
	t->line[t->n++] = strndup(s, len);
}

/* Append text, one entry per line (tabs become spaces). */
static void text_add_lines(struct text *t, const char *s)
{
	while (*s) {
		const char *nl = strchrnul(s, '\n');
		char buf[1024];
		size_t i, o = 0;

		for (i = 0; s + i < nl && o < sizeof(buf) - 8; i++) {
			if (s[i] == '\t') {
				do
					buf[o++] = ' ';
				while (o % 8);
			} else if (s[i] != '\r') {
				buf[o++] = s[i];
			}
		}
		text_add(t, buf, o);
		s = *nl ? nl + 1 : nl;
	}
}

/* ---- running commands ------------------------------------------------ */

/* A command's output (malloc'd, never NULL). */
static char *capture(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *capture(struct tui *t, const char *fmt, ...)
{
	char *line, *buf = NULL;
	size_t len = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	f = open_memstream(&buf, &len);
	if (!f || !line) {
		free(line);
		return xstrdup("");
	}
	t->host.run(t->host.arg, line, f);
	fclose(f);
	free(line);
	return buf;
}

static void pane_fill(struct tui *t, enum pane_id id, char *text)
{
	struct pane *p = &t->p[id];

	text_clear(&p->t);
	text_add_lines(&p->t, text);
	free(text);
	if (p->cur >= p->t.n)
		p->cur = p->t.n ? p->t.n - 1 : 0;
}

/* The line marked "=>" (the current one), or -1. */
static int marked_line(const struct pane *p)
{
	int i;

	for (i = 0; i < p->t.n; i++)
		if (!strncmp(p->t.line[i], "=>", 2))
			return i;
	return -1;
}

static void center_on(struct pane *p, int line)
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
static int task_at(const struct pane *tp, int line)
{
	if (line < 1 || line >= tp->t.n)
		return 0;
	return atoi(tp->t.line[line] + 1);
}

static void load_code(struct tui *t)
{
	struct pane *src = &t->p[P_SRC], *as = &t->p[P_ASM];
	int ctx = src->h > 2 ? src->h : 20;
	uint64_t pc, func;
	bool ret;

	if (!frame_pc(&t->p[P_BT], t->frame, &pc, &ret, &func)) {
		pane_fill(t, P_SRC, xstrdup("(no frame)\n"));
		pane_fill(t, P_ASM, xstrdup("(no frame)\n"));
		return;
	}
	t->frame_pc = pc;
	/* A return address's line is the call's: look up pc - 1. */
	pane_fill(t, P_SRC, capture(t, "list *0x%llx %d",
				    (unsigned long long)(ret ? pc - 1 : pc),
				    ctx));
	snprintf(src->sub, sizeof(src->sub), "%s",
		 src->t.n ? src->t.line[0] : "");
	center_on(src, marked_line(src));
	if (t->frame == 0 && !t->task)
		pane_fill(t, P_ASM, capture(t, "disas"));
	else
		pane_fill(t, P_ASM, capture(t, "disas 0x%llx 120",
					    (unsigned long long)(func ? func :
								 pc)));
	snprintf(as->sub, sizeof(as->sub), "frame #%d, pc 0x%llx", t->frame,
		 (unsigned long long)pc);
	{
		char key[24];
		int i, line = marked_line(as);

		snprintf(key, sizeof(key), "0x%016llx", (unsigned long long)pc);
		for (i = 0; line < 0 && i < as->t.n; i++)
			if (strstr(as->t.line[i], key))
				line = i;
		center_on(as, line);
	}
}

/* The registers one per line, those changed since the last stop marked
 * with a leading '!'. */
static void load_regs(struct tui *t, bool new_stop)
{
	/* the changes since the last stop only mean something there */
	bool live = !t->task && !t->frame;
	char *out, *s, *save = NULL, *tok;
	struct pane *p = &t->p[P_REGS];
	int n = 0, i;

	if (t->frame)
		out = t->task ? capture(t, "regs %d -f %d", t->task, t->frame) :
			capture(t, "regs -f %d", t->frame);
	else
		out = t->task ? capture(t, "regs %d", t->task) :
			capture(t, "regs");
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

static uint64_t reg_value(struct tui *t, const char *name)
{
	int i;

	for (i = 0; i < t->nprev; i++)
		if (!strcmp(t->prev_regs[i], name))
			return t->prev_vals[i];
	return 0;
}

static void load_walk(struct tui *t)
{
	struct pane *w = &t->p[P_WALK];

	if (!t->walk_addr) {
		w->sub[0] = '\0';
		pane_fill(t, P_WALK, xstrdup("(select a VMA or a memory "
					     "address)\n"));
		return;
	}
	if (t->walk_from_mem && t->mem_pid < 0)
		pane_fill(t, P_WALK, capture(t, "vtop 0x%llx",
					     (unsigned long long)t->walk_addr));
	else
		pane_fill(t, P_WALK, capture(t, "vtop %d 0x%llx",
					     t->walk_from_mem ? t->mem_pid :
					     t->task,
					     (unsigned long long)t->walk_addr));
	snprintf(w->sub, sizeof(w->sub), "0x%llx",
		 (unsigned long long)t->walk_addr);
}

static void load_mem(struct tui *t)
{
	struct pane *m = &t->p[P_MEM];

	if (!t->mem_addr)
		t->mem_addr = reg_value(t, "rsp") & ~15ull;
	if (t->mem_pid >= 0)
		pane_fill(t, P_MEM, capture(t, "x -p %d 0x%llx %d", t->mem_pid,
					    (unsigned long long)t->mem_addr,
					    MEM_BYTES));
	else
		pane_fill(t, P_MEM, capture(t, "x 0x%llx %d",
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
		if (task_at(&t->p[P_TASKS], i) == pid)
			return strstr(t->p[P_TASKS].t.line[i], " 0x") != NULL;
	return false;
}

/* The selected task's VMAs and what depends on them. */
static void load_task_views(struct tui *t)
{
	int pid = t->task;
	struct pane *v = &t->p[P_VMA];

	if (!pid) {
		/* the task on the CPU */
		int i;

		for (i = 1; i < t->p[P_TASKS].t.n; i++)
			if (t->p[P_TASKS].t.line[i][0] == '>')
				pid = task_at(&t->p[P_TASKS], i);
	}
	snprintf(v->sub, sizeof(v->sub), "task %d", pid);
	if (pid && user_task(t, pid)) {
		pane_fill(t, P_VMA, capture(t, "vma %d", pid));
		if (!t->walk_from_mem && v->t.n)
			t->walk_addr = strtoull(v->t.line[v->cur], NULL, 16);
	} else {
		pane_fill(t, P_VMA, xstrdup("(a kernel thread: no user "
					    "memory)\n"));
		if (!t->walk_from_mem)
			t->walk_addr = 0;
	}
	if (!t->walk_from_mem && t->walk_addr) {
		pane_fill(t, P_WALK, capture(t, "vtop %d 0x%llx", pid,
					     (unsigned long long)t->walk_addr));
		snprintf(t->p[P_WALK].sub, sizeof(t->p[P_WALK].sub),
			 "task %d, 0x%llx", pid,
			 (unsigned long long)t->walk_addr);
	} else {
		load_walk(t);
	}
}

static void load_bt(struct tui *t)
{
	struct pane *b = &t->p[P_BT];

	pane_fill(t, P_BT, t->task ? capture(t, "bt %d", t->task) :
		  capture(t, "bt"));
	snprintf(b->sub, sizeof(b->sub), t->task ? "task %d" : "thread on "
		 "the CPU", t->task);
}

/* Everything, after a stop. */
static void load_all(struct tui *t, bool new_stop)
{
	struct pane *tp = &t->p[P_TASKS];
	int i;

	pane_fill(t, P_TASKS, capture(t, "ps"));
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
	load_regs(t, new_stop);
	load_bt(t);
	load_code(t);
	load_task_views(t);
	load_mem(t);
	pane_fill(t, P_LOG, capture(t, "dmesg -n 400"));
	t->p[P_LOG].follow = true;
}

/* ---- drawing --------------------------------------------------------- */

enum { C_TITLE = 1, C_FOCUS, C_CUR, C_CHANGED, C_BP, C_STATUS, C_ERR };

/* Each layout's main pane: focused when the layout is chosen. */
static const enum pane_id main_pane[NLAYOUTS] = {
	P_SRC, P_TASKS, P_MEM, P_LOG,
};

static void layout_panes(struct tui *t)
{
	int rows = LINES - 2, cols = COLS, i;
	int bottom = rows / 4 < 4 ? 4 : rows / 4;
	int upper = rows - bottom;
	int right = cols >= 150 ? 56 : cols >= 120 ? 44 : 30;
	int left = cols - right - 1, half = upper / 2;
	struct pane *p = t->p;

	for (i = 0; i < NPANES; i++)
		p[i].h = 0;
#define PUT(id, Y, X, H, W) \
	(p[id].y = 1 + (Y), p[id].x = (X), p[id].h = (H), p[id].w = (W))
	switch (t->layout) {
	case L_SOURCE:
		PUT(P_SRC, 0, 0, upper - upper * 2 / 5, left);
		PUT(P_ASM, upper - upper * 2 / 5, 0, upper * 2 / 5, left);
		PUT(P_REGS, 0, left + 1, upper - upper / 3, right);
		PUT(P_BT, upper - upper / 3, left + 1, upper / 3, right);
		break;
	case L_TASKS:
		PUT(P_TASKS, 0, 0, half, cols / 2);
		PUT(P_BT, half, 0, upper - half, cols / 2);
		PUT(P_VMA, 0, cols / 2 + 1, half, cols - cols / 2 - 1);
		PUT(P_WALK, half, cols / 2 + 1, upper - half,
		    cols - cols / 2 - 1);
		break;
	case L_MEMORY:
		PUT(P_MEM, 0, 0, upper, cols >= 120 ? 84 : left);
		PUT(P_WALK, 0, p[P_MEM].w + 1, half, cols - p[P_MEM].w - 1);
		PUT(P_REGS, half, p[P_MEM].w + 1, upper - half,
		    cols - p[P_MEM].w - 1);
		break;
	default:
		PUT(P_LOG, 0, 0, upper, cols / 2);
		PUT(P_CONSOLE, 0, cols / 2 + 1, upper, cols - cols / 2 - 1);
		break;
	}
	if (cols >= 120 && t->layout != L_LOG) {
		PUT(P_CONSOLE, upper, 0, bottom, cols / 2);
		PUT(P_OUT, upper, cols / 2 + 1, bottom, cols - cols / 2 - 1);
	} else if (t->layout == L_LOG || !t->running) {
		PUT(P_OUT, upper, 0, bottom, cols);
	} else {
		PUT(P_CONSOLE, upper, 0, bottom, cols);
	}
#undef PUT
	if (!t->p[t->focus].h)
		t->focus = main_pane[t->layout];
}

static attr_t attr_of(struct tui *t, int pair, attr_t mono)
{
	return t->color ? COLOR_PAIR(pair) : mono;
}

/*
 * What a narrow pane shows of a line: 64-bit addresses lose their
 * leading zeros (UML's kernel lives below 4 GiB), and a narrow backtrace
 * drops the frame addresses to keep the function names.
 */
static const char *compact(enum pane_id id, int w, const char *l, char *buf,
			   size_t size)
{
	size_t o = 0;

	if (w >= 100 || (id != P_ASM && id != P_BT && id != P_SRC))
		return l;
	while (*l && o + 1 < size) {
		if (l[0] == '0' && l[1] == 'x' && !strncmp(l + 2, "00000000", 8) &&
		    isxdigit((unsigned char)l[17]) &&
		    !isxdigit((unsigned char)l[18])) {
			if (id == P_BT && w < 50) {
				l += 18;
				while (*l == ' ')
					l++;
				continue;
			}
			buf[o++] = '0';
			buf[o++] = 'x';
			l += 10;
			continue;
		}
		if (id == P_BT && w < 50 && !strncmp(l, "(inlined) ", 10) &&
		    o + 10 < size) {
			memcpy(buf + o, l, 10);
			o += 10;
			for (l += 10; *l == ' '; l++)
				;
			continue;
		}
		buf[o++] = *l++;
	}
	buf[o] = '\0';
	return buf;
}

/* One line, cut to w columns. */
static void put_line(int y, int x, int w, const char *s)
{
	int n = (int)strlen(s);

	mvaddnstr(y, x, s, n < w ? n : w);
}

static void draw_pane(struct tui *t, enum pane_id id)
{
	struct pane *p = &t->p[id];
	int rows = p->h - 1, i, y;
	bool focused = id == t->focus && !t->cmdline;
	char title[256];

	if (!p->h)
		return;
	if (p->follow) {
		p->top = p->t.n - rows;
	} else {
		if (p->cur < p->top)
			p->top = p->cur;
		if (p->cur >= p->top + rows)
			p->top = p->cur - rows + 1;
	}
	if (p->top > p->t.n - rows)
		p->top = p->t.n - rows;
	if (p->top < 0)
		p->top = 0;
	snprintf(title, sizeof(title), " %s%s%s ", pane_names[id],
		 p->sub[0] ? ": " : "", p->sub);
	attrset(focused ? attr_of(t, C_FOCUS, A_REVERSE | A_BOLD) :
		attr_of(t, C_TITLE, A_REVERSE));
	mvhline(p->y, p->x, ' ', p->w);
	put_line(p->y, p->x, p->w, title);
	attrset(A_NORMAL);
	for (y = 0; y < rows; y++) {
		const char *l;
		attr_t a = A_NORMAL;

		i = p->top + y;
		if (i >= p->t.n)
			break;
		l = p->t.line[i];
		if (l[0] == '\001')
			l++;	/* the console's unfinished line */
		if (!strncmp(l, "=>", 2))
			a = attr_of(t, C_CUR, A_BOLD) | A_BOLD;
		else if (id == P_ASM && l[0] && l[1] && l[2] == '*')
			a = attr_of(t, C_BP, A_UNDERLINE);
		if (id == P_REGS && l[0] == '!')
			a = attr_of(t, C_CHANGED, A_UNDERLINE) | A_BOLD;
		if (id != P_CONSOLE && id != P_OUT && id != P_LOG &&
		    i == p->cur && (focused || id == P_TASKS || id == P_BT))
			a |= focused ? A_REVERSE : A_UNDERLINE;
		attrset(a);
		if (a & A_REVERSE)
			mvhline(p->y + 1 + y, p->x, ' ', p->w);
		if (id == P_MEM && focused && i == p->cur &&
		    strlen(l) >= 17 + 48) {
			attrset(A_NORMAL);
			put_line(p->y + 1 + y, p->x, p->w, l);
			/* the byte under the cursor */
			attrset(A_REVERSE);
			mvaddnstr(p->y + 1 + y, p->x + 17 + 3 * (t->mem_cur % 16),
				  l + 17 + 3 * (t->mem_cur % 16), 3);
		} else {
			char buf[1024];

			put_line(p->y + 1 + y, p->x, p->w,
				 id == P_REGS ? l + 1 :
				 compact(id, p->w, l, buf, sizeof(buf)));
		}
		attrset(A_NORMAL);
	}
}

static void draw_status(struct tui *t)
{
	char line[512], bar[64] = "";
	uint64_t now, total;

	if (t->host.timeline && t->host.timeline(t->host.arg, &now, &total) &&
	    total) {
		int width = 20, filled = (int)(now * width / total), i;

		bar[0] = '[';
		for (i = 0; i < width; i++)
			bar[1 + i] = i < filled ? '=' : i == filled ? '>' : ' ';
		snprintf(bar + 1 + width, sizeof(bar) - 1 - width,
			 "] event %llu/%llu", (unsigned long long)now,
			 (unsigned long long)total);
	}
	snprintf(line, sizeof(line), " umdbg  %s  %s  layout %s  "
		 "(? help, q quit)", t->running ? "RUNNING (Ctrl-C stops)" :
		 t->ended ? "ENDED" : t->status, bar,
		 layout_names[t->layout]);
	attrset(attr_of(t, C_STATUS, A_REVERSE));
	mvhline(0, 0, ' ', COLS);
	put_line(0, 0, COLS, line);
	attrset(A_NORMAL);
}

static void draw_cmdline(struct tui *t)
{
	const char *prompt = t->cmdline ? "umdbg> " : "";
	int y = LINES - 1, plen = (int)strlen(prompt), start = 0, w = COLS;

	move(y, 0);
	clrtoeol();
	if (!t->cmdline) {
		attrset(A_DIM);
		put_line(y, 0, w, t->running ?
			 "guest running: Ctrl-C stops it; Tab: panes; the "
			 "console pane forwards keys" :
			 ": command line  c/s/n/f/i: continue/step/next/finish"
			 "/stepi  b: break  Tab: pane  1-4: layout");
		attrset(A_NORMAL);
		return;
	}
	mvaddstr(y, 0, prompt);
	if (rl_point > w - plen - 1)
		start = rl_point - (w - plen - 1);
	if (rl_line_buffer)
		put_line(y, plen, w - plen, rl_line_buffer + start);
	move(y, plen + rl_point - start);
}

static const char help_text[] =
	"umdbg TUI keys\n"
	"\n"
	"  c  continue          s  step (into calls)   n  next (over calls)\n"
	"  f  finish            i  stepi               b  break on the line\n"
	"  Ctrl-C  stop the running guest             q  quit\n"
	"  R  reverse-continue  S  reverse-stepi  (in a replay)\n"
	"  Tab / Shift-Tab  next / previous pane\n"
	"  Up Down PgUp PgDn Home End  move in the pane\n"
	"  Enter  select (frame, task, VMA); in memory: follow the pointer\n"
	"  Left Right  memory: one byte\n"
	"  1 source  2 tasks  3 memory  4 log   (layouts)\n"
	"  :  the command line (Esc leaves it): every umdbg> command, and\n"
	"     layout NAME, focus PANE, frame N, task PID, mem [-p PID] ADDR\n"
	"\n"
	"  press any key";

static void draw_help(struct tui *t)
{
	int h = 17, w = 72, y0 = (LINES - h) / 2, x0 = (COLS - w) / 2, y;
	const char *s = help_text;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	attrset(attr_of(t, C_TITLE, A_REVERSE));
	for (y = 0; y < h && y0 + y < LINES; y++) {
		const char *nl = strchrnul(s, '\n');
		int n = (int)(nl - s);

		mvhline(y0 + y, x0, ' ', w);
		if (y > 0 && *s)
			mvaddnstr(y0 + y, x0 + 2, s,
				  n < w - 3 ? n : w - 3);
		if (y > 0)
			s = *nl ? nl + 1 : nl;
	}
	attrset(A_NORMAL);
}

static void draw(struct tui *t)
{
	int i;

	erase();
	if (LINES < 12 || COLS < 50) {
		mvaddstr(0, 0, "umdbg: terminal too small");
		mvaddstr(1, 0, "(50x12 needed; q quits)");
		refresh();
		return;
	}
	layout_panes(t);
	draw_status(t);
	for (i = 0; i < NPANES; i++)
		draw_pane(t, i);
	/* column separators */
	for (i = 0; i < NPANES; i++)
		if (t->p[i].h && t->p[i].x > 0)
			mvvline(t->p[i].y, t->p[i].x - 1, '|', t->p[i].h);
	if (t->help)
		draw_help(t);
	draw_cmdline(t);
	curs_set(t->cmdline ? 1 : 0);
	refresh();
}

/* ---- the command line ------------------------------------------------ */

static void say(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct tui *t, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0) {
		text_add_lines(&t->p[P_OUT].t, s);
		free(s);
	}
	va_end(ap);
	t->p[P_OUT].follow = true;
}

static bool set_layout(struct tui *t, const char *name)
{
	int i;

	for (i = 0; i < NLAYOUTS; i++)
		if (!strcmp(name, layout_names[i])) {
			t->layout = i;
			return true;
		}
	return false;
}

/* The TUI's own commands; false: not one of them. */
static bool tui_command(struct tui *t, const char *line)
{
	char a[64] = "", b[64] = "", c[64] = "";
	int n = sscanf(line, "%63s %63s %63s", a, b, c), i;

	if (n >= 1 && !strcmp(a, "layout")) {
		if (n != 2 || !set_layout(t, b))
			say(t, "usage: layout source|tasks|memory|log");
		t->focus = main_pane[t->layout];
		layout_panes(t);
		return true;
	}
	if (n >= 1 && !strcmp(a, "focus")) {
		for (i = 0; i < NPANES && n == 2; i++)
			if (!strncmp(pane_names[i], b, strlen(b)) &&
			    t->p[i].h) {
				t->focus = i;
				return true;
			}
		say(t, "focus: no pane '%s' in this layout", b);
		return true;
	}
	if (t->running || t->ended)
		return false;
	if (n == 2 && !strcmp(a, "frame")) {
		t->frame = atoi(b);
		load_code(t);
		load_regs(t, false);
		return true;
	}
	if (n == 2 && !strcmp(a, "task")) {
		t->task = atoi(b);
		t->frame = 0;
		load_regs(t, false);
		load_bt(t);
		load_code(t);
		t->p[P_VMA].cur = 0;
		t->walk_from_mem = false;
		load_task_views(t);
		return true;
	}
	if (n >= 1 && !strcmp(a, "mem")) {
		char d[64] = "";
		uint64_t addr;

		n = sscanf(line, "%*s %63s %63s %63s", b, c, d);
		if (n == 1 && parse_u64(b, &addr) == 0) {
			t->mem_pid = -1;
		} else if (n == 3 && !strcmp(b, "-p") &&
			   parse_u64(d, &addr) == 0) {
			t->mem_pid = atoi(c);
		} else {
			say(t, "usage: mem [-p PID] ADDR");
			return true;
		}
		t->mem_addr = addr;
		t->mem_cur = (int)(t->mem_addr & 15);
		t->mem_addr &= ~15ull;
		t->walk_addr = t->mem_addr + t->mem_cur;
		t->walk_from_mem = true;
		load_mem(t);
		load_walk(t);
		t->layout = L_MEMORY;
		layout_panes(t);
		t->focus = P_MEM;
		return true;
	}
	return false;
}

/* Run a line typed (or bound to a key) and show what it printed. */
static void run_line(struct tui *t, const char *line)
{
	char *out;

	t->tail.n ? text_clear(&t->tail) : (void)0;
	say(t, "umdbg> %s", line);
	if (tui_command(t, line))
		return;
	out = capture(t, "%s", line);
	if (*out)
		say(t, "%s", out);
	free(out);
	/* still stopped: what the command changed (a step, a goto) */
	if (!t->running && !t->ended && !t->quit)
		load_all(t, true);
}

static void rl_line(char *line)
{
	struct tui *t = the_tui;

	if (!line) {
		t->cmdline = false;
		return;
	}
	if (*line) {
		add_history(line);
		run_line(t, line);
	}
	free(line);
}

static int rl_getc_fn(FILE *f)
{
	int c = rl_key;

	(void)f;
	rl_key = -1;
	return c < 0 ? EOF : c;
}

static int rl_avail_fn(void)
{
	return rl_key >= 0;
}

static void rl_redisplay_fn(void)
{
	if (the_tui && the_tui->cmdline) {
		draw_cmdline(the_tui);
		refresh();
	}
}

static void rl_prep_fn(int meta)
{
	(void)meta;
}

static void rl_deprep_fn(void)
{
}

static char *complete_gen(const char *text, int state)
{
	static const char *const own[] = {
		"layout", "focus", "frame", "task", "mem", NULL,
	};
	static size_t i, j;
	size_t len = strlen(text);
	const char *const *names = the_tui->host.commands;

	if (!state)
		i = j = 0;
	while (names && names[i])
		if (!strncmp(names[i++], text, len))
			return xstrdup(names[i - 1]);
	while (own[j])
		if (!strncmp(own[j++], text, len))
			return xstrdup(own[j - 1]);
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	if (start)
		return NULL;
	return rl_completion_matches(text, complete_gen);
}

static void show_matches(char **matches, int n, int max)
{
	struct strbuf sb;
	int i;

	(void)max;
	strbuf_init(&sb);
	for (i = 1; i <= n; i++)
		strbuf_addf(&sb, "%s%s", i > 1 ? "  " : "", matches[i]);
	say(the_tui, "%s", sb.len ? sb.buf : "");
	strbuf_release(&sb);
	draw(the_tui);
}

/* A key for readline: curses' key codes back into escape sequences. */
static void rl_feed(int key)
{
	const char *seq = NULL;
	char one[2] = { (char)key, 0 };

	switch (key) {
	case KEY_LEFT: seq = "\033[D"; break;
	case KEY_RIGHT: seq = "\033[C"; break;
	case KEY_UP: seq = "\033[A"; break;
	case KEY_DOWN: seq = "\033[B"; break;
	case KEY_HOME: seq = "\001"; break;
	case KEY_END: seq = "\005"; break;
	case KEY_BACKSPACE: seq = "\177"; break;
	case KEY_DC: seq = "\004"; break;
	case KEY_ENTER: seq = "\r"; break;
	default:
		if (key > 255)
			return;
		seq = one;
		break;
	}
	for (; *seq; seq++) {
		rl_key = (unsigned char)*seq;
		rl_callback_read_char();
	}
}

/* ---- keys ------------------------------------------------------------ */

static void move_cursor(struct tui *t, int delta)
{
	struct pane *p = &t->p[t->focus];
	int page = p->h > 2 ? p->h - 2 : 1;

	if (delta == 1000)
		delta = page;
	else if (delta == -1000)
		delta = -page;
	if (t->focus == P_MEM) {
		t->mem_cur += delta * 16;
		while (t->mem_cur < 0) {
			t->mem_addr -= 16;
			t->mem_cur += 16;
		}
		while (t->mem_cur >= MEM_BYTES) {
			t->mem_addr += 16;
			t->mem_cur -= 16;
		}
		t->walk_addr = t->mem_addr + t->mem_cur;
		t->walk_from_mem = true;
		load_mem(t);
		load_walk(t);
		return;
	}
	p->follow = false;
	if (t->focus == P_CONSOLE || t->focus == P_OUT || t->focus == P_LOG) {
		p->cur = (p->cur < p->top ? p->top : p->cur) + delta;
		if (p->cur >= p->t.n) {
			p->cur = p->t.n - 1;
			p->follow = true;
		}
	} else {
		p->cur += delta;
	}
	if (p->cur >= p->t.n)
		p->cur = p->t.n - 1;
	if (p->cur < 0)
		p->cur = 0;
	if (t->running || t->ended)
		return;
	switch (t->focus) {
	case P_BT: {
		/* cursor line -> frame number */
		const char *h = p->t.n ? strstr(p->t.line[p->cur], "#") : NULL;

		if (h && isdigit((unsigned char)h[1])) {
			t->frame = atoi(h + 1);
			load_code(t);
			load_regs(t, false);
		}
		break;
	}
	case P_TASKS: {
		int pid = task_at(p, p->cur);

		if (pid) {
			char cmd[32];

			snprintf(cmd, sizeof(cmd), "task %d",
				 p->t.line[p->cur][0] == '>' ? 0 : pid);
			tui_command(t, cmd);
		}
		break;
	}
	case P_VMA:
		if (p->t.n && strchr(p->t.line[p->cur], '-')) {
			t->walk_addr = strtoull(p->t.line[p->cur], NULL, 16);
			t->walk_from_mem = false;
			load_task_views(t);
		}
		break;
	default:
		break;
	}
}

/* Enter in the memory pane: the qword under the cursor is an address. */
static void follow_pointer(struct tui *t)
{
	struct pane *m = &t->p[P_MEM];
	int line = t->mem_cur / 16, col = t->mem_cur % 16 & ~7, i;
	uint64_t v = 0;
	char cmd[64];

	if (line >= m->t.n || strlen(m->t.line[line]) < 17 + 48)
		return;
	for (i = 7; i >= 0; i--)
		v = v << 8 | strtoul(m->t.line[line] + 17 + 3 * (col + i) + 1,
				     NULL, 16);
	if (t->mem_pid >= 0)
		snprintf(cmd, sizeof(cmd), "mem -p %d 0x%llx", t->mem_pid,
			 (unsigned long long)v);
	else
		snprintf(cmd, sizeof(cmd), "mem 0x%llx", (unsigned long long)v);
	tui_command(t, cmd);
}

/* b: a breakpoint on the source or disassembly cursor line. */
static void break_here(struct tui *t)
{
	struct pane *p = &t->p[t->focus == P_ASM ? P_ASM : P_SRC];
	char cmd[300];

	if (!p->t.n)
		return;
	if (p == &t->p[P_ASM]) {
		const char *a = strstr(p->t.line[p->cur], "0x");

		if (!a)
			return;
		snprintf(cmd, sizeof(cmd), "break *0x%llx",
			 strtoull(a, NULL, 16));
	} else {
		/* the header is FILE:LINE; lines are "=>  NNN  text" */
		char file[256];
		int line = atoi(p->t.line[p->cur] + 2);

		if (p->cur == 0 || sscanf(p->t.line[0], "%255[^:]", file) != 1 ||
		    line <= 0)
			return;
		snprintf(cmd, sizeof(cmd), "break %s:%d", file, line);
	}
	run_line(t, cmd);
}

static void key_pane(struct tui *t, int key)
{
	enum pane_id f = t->focus;
	int i;

	if (t->help) {
		t->help = false;
		return;
	}
	if (t->running && f == P_CONSOLE && key < 256 && key != '\t' &&
	    key != KEY_CTRL('c')) {
		char c = (char)(key == KEY_ENTER ? '\n' : key);

		t->host.to_guest(t->host.arg, &c, 1);
		return;
	}
	switch (key) {
	case KEY_CTRL('c'):
		if (t->running)
			t->host.interrupt(t->host.arg);
		return;
	case '\t':
	case KEY_BTAB:
		for (i = 1; i <= NPANES; i++) {
			enum pane_id n = (f + (key == '\t' ? i : NPANES - i)) %
				NPANES;

			if (t->p[n].h) {
				t->focus = n;
				break;
			}
		}
		return;
	case KEY_UP: move_cursor(t, -1); return;
	case KEY_DOWN: move_cursor(t, 1); return;
	case KEY_PPAGE: move_cursor(t, -1000); return;
	case KEY_NPAGE: move_cursor(t, 1000); return;
	case KEY_HOME: move_cursor(t, -MAX_LINES); return;
	case KEY_END: move_cursor(t, MAX_LINES); return;
	case KEY_LEFT:
	case KEY_RIGHT:
		if (f == P_MEM && !t->running) {
			t->mem_cur += key == KEY_LEFT ? -1 : 1;
			move_cursor(t, 0);
		}
		return;
	case '1': case '2': case '3': case '4':
		t->layout = key - '1';
		t->focus = main_pane[t->layout];
		layout_panes(t);
		if (!t->running && !t->ended && t->layout != L_LOG) {
			/* the walk follows this layout's address */
			t->walk_from_mem = t->layout == L_MEMORY;
			if (t->walk_from_mem) {
				t->walk_addr = t->mem_addr + t->mem_cur;
				load_walk(t);
			} else {
				load_task_views(t);
			}
		}
		return;
	case '?':
		t->help = true;
		return;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		return;
	case ':':
		t->cmdline = true;
		return;
	case 'q':
		run_line(t, "quit");
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (f == P_MEM && !t->running)
			follow_pointer(t);
		else
			move_cursor(t, 0);
		return;
	case KEY_RESIZE:
		return;
	default:
		break;
	}
	if (t->running || t->ended)
		return;
	switch (key) {
	case 'c': run_line(t, "continue"); break;
	case 's': run_line(t, "step"); break;
	case 'n': run_line(t, "next"); break;
	case 'f': run_line(t, "finish"); break;
	case 'i': run_line(t, "stepi"); break;
	case 'R': run_line(t, "rc"); break;
	case 'S': run_line(t, "rs"); break;
	case 'b': break_here(t); break;
	default: break;
	}
}

void tui_on_tty(struct tui *t)
{
	int key;

	while ((key = getch()) != ERR) {
		if (t->ended) {
			t->quit = true;
			return;
		}
		if (t->cmdline) {
			if (key == 27) {
				t->cmdline = false;
			} else if (key == KEY_CTRL('c')) {
				if (t->running)
					t->host.interrupt(t->host.arg);
				rl_replace_line("", 0);
				rl_point = 0;
			} else if (key == KEY_RESIZE) {
				continue;
			} else {
				rl_feed(key == KEY_ENTER ? '\r' : key);
			}
		} else {
			key_pane(t, key);
		}
		if (t->quit)
			return;
	}
	draw(t);
}

/* ---- output, console ------------------------------------------------- */

void tui_on_pipe(struct tui *t)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(t->pipe_rd, buf, sizeof(buf) - 1)) > 0) {
		const char *s = buf;

		buf[n] = 0;
		while (*s == '\n')
			s++;	/* the report's leading blank line */
		say(t, "%s", s);
		text_add_lines(&t->tail, s);
		if (t->tail.n > 20) {
			struct text keep = { 0 };
			int i;

			for (i = t->tail.n - 20; i < t->tail.n; i++)
				text_add(&keep, t->tail.line[i],
					 strlen(t->tail.line[i]));
			text_clear(&t->tail);
			free(t->tail.line);
			t->tail = keep;
		}
		/* umdbg's own messages: the last says what happened */
		if (!t->running && !t->ended && t->p[P_OUT].t.n)
			snprintf(t->status, sizeof(t->status), "%.200s",
				 t->p[P_OUT].t.line[t->p[P_OUT].t.n - 1]);
		for (s = buf; (s = strstr(s, "umdbg: ")); s += 7)
			if (s == buf || s[-1] == '\n')
				snprintf(t->status, sizeof(t->status), "%.*s",
					 (int)(strchrnul(s + 7, '\n') - s - 7),
					 s + 7);
	}
	draw(t);
}

void tui_console(struct tui *t, const void *buf, size_t len)
{
	const unsigned char *s = buf;
	struct pane *c = &t->p[P_CONSOLE];
	size_t i;

	/* the unfinished line (a shell prompt) is shown as the last line
	 * until it ends */
	if (c->t.n && c->t.line[c->t.n - 1][0] == '\001')
		free(c->t.line[--c->t.n]);
	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		/* escape sequences (colors, cursor moves) are dropped */
		if (t->con_esc) {
			if (t->con_esc == 1)
				t->con_esc = ch == '[' ? 2 : 0;
			else if (ch >= 0x40 && ch <= 0x7e)
				t->con_esc = 0;
			continue;
		}
		if (t->con_len == sizeof(t->con_partial)) {
			/* a very long line: shown in pieces */
			text_add(&c->t, t->con_partial, t->con_len);
			t->con_len = 0;
		}
		if (ch == 27) {
			t->con_esc = 1;
		} else if (ch == '\n') {
			text_add(&c->t, t->con_partial, t->con_len);
			t->con_len = 0;
		} else if (ch == '\r') {
			continue;
		} else if (ch == '\b') {
			t->con_len -= t->con_len > 0;
		} else if (ch == '\t' || ch >= 32) {
			t->con_partial[t->con_len++] = ch == '\t' ? ' ' :
				(char)ch;
		}
	}
	if (t->con_len) {
		char line[sizeof(t->con_partial) + 2];

		line[0] = '\001';
		memcpy(line + 1, t->con_partial, t->con_len);
		text_add(&c->t, line, t->con_len + 1);
	}
	c->follow = true;
	draw(t);
}

/* ---- state changes --------------------------------------------------- */

void tui_stopped(struct tui *t)
{
	t->running = false;
	snprintf(t->status, sizeof(t->status), "stopped");
	layout_panes(t);
	load_all(t, true);
	draw(t);
}

void tui_running(struct tui *t)
{
	t->running = true;
	snprintf(t->status, sizeof(t->status), "running");
	draw(t);
}

void tui_ended(struct tui *t, const char *why)
{
	t->running = false;
	t->ended = true;
	tui_on_pipe(t);
	say(t, "%s: press any key to leave", why);
	snprintf(t->status, sizeof(t->status), "%.200s", why);
	draw(t);
	while (!t->quit) {
		fd_set r;

		FD_ZERO(&r);
		FD_SET(t->tty, &r);
		if (select(t->tty + 1, &r, NULL, NULL, NULL) < 0 &&
		    errno != EINTR)
			break;
		tui_on_tty(t);
	}
}

bool tui_quit_requested(const struct tui *t)
{
	return t->quit;
}

void tui_resize(struct tui *t)
{
	struct winsize ws;

	if (ioctl(t->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	if (!t->running && !t->ended) {
		layout_panes(t);
		load_code(t);	/* source context follows the height */
	}
	clearok(curscr, TRUE);
	draw(t);
}

/* ---- opening and closing --------------------------------------------- */

static const char reset_seq[] = "\033[?1049l\033[?25h\033[0m\r\n";

static void crash_restore(int sig)
{
	struct tui *t = the_tui;

	if (t) {
		tcsetattr(t->tty, TCSANOW, &t->saved);
		if (write(t->tty, reset_seq, sizeof(reset_seq) - 1) < 0)
			(void)0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void at_exit(void)
{
	if (the_tui)
		tui_close(the_tui);
}

int tui_open(const struct tui_host *host, struct tui **out, char **cause)
{
	static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
					  SIGABRT };
	struct tui *t;
	int p[2];
	size_t i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("--tui needs a terminal on stdin and stdout");
		return -ENOTTY;
	}
	t = xcalloc(1, sizeof(*t));
	t->host = *host;
	t->mem_pid = -1;
	t->tty = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	t->old_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	t->old_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (t->tty < 0 || t->old_out < 0 || t->old_err < 0 ||
	    pipe2(p, O_CLOEXEC) < 0 || tcgetattr(t->tty, &t->saved) < 0) {
		*cause = xasprintf("cannot set up the terminal: %s",
				   strerror(errno));
		free(t);
		return -EIO;
	}
	t->tty_file = fdopen(t->tty, "r+");
	t->scr = t->tty_file ? newterm(NULL, t->tty_file, t->tty_file) : NULL;
	if (!t->scr) {
		*cause = xstrdup("cannot start curses on this terminal (TERM?)");
		close(p[0]);
		close(p[1]);
		free(t);
		return -EIO;
	}
	the_tui = t;
	for (i = 0; i < ARRAY_SIZE(crash_sigs); i++)
		signal(crash_sigs[i], crash_restore);
	atexit(at_exit);
	/* everything printed from now on goes to the output pane */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	t->pipe_rd = p[0];
	fflush(stdout);
	fflush(stderr);
	dup2(p[1], STDOUT_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors() && !getenv("NO_COLOR")) {
		t->color = true;
		start_color();
		use_default_colors();
		init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_FOCUS, COLOR_BLACK, COLOR_YELLOW);
		init_pair(C_CUR, COLOR_GREEN, -1);
		init_pair(C_CHANGED, COLOR_RED, -1);
		init_pair(C_BP, COLOR_RED, -1);
		init_pair(C_STATUS, COLOR_WHITE, COLOR_BLUE);
	}

	t->null = fopen("/dev/null", "w");
	rl_getc_function = rl_getc_fn;
	rl_input_available_hook = rl_avail_fn;
	rl_redisplay_function = rl_redisplay_fn;
	rl_prep_term_function = rl_prep_fn;
	rl_deprep_term_function = rl_deprep_fn;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_outstream = t->null;
	rl_instream = stdin;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_callback_handler_install("", rl_line);

	t->focus = P_SRC;
	t->running = true;
	snprintf(t->status, sizeof(t->status), "running");
	layout_panes(t);
	draw(t);
	*out = t;
	return 0;
}

int tui_tty_fd(const struct tui *t)
{
	return t->tty;
}

int tui_pipe_fd(const struct tui *t)
{
	return t->pipe_rd;
}

void tui_close(struct tui *t)
{
	int i;

	if (!t || the_tui != t)
		return;
	tui_on_pipe(t);
	rl_callback_handler_remove();
	endwin();
	delscreen(t->scr);
	tcsetattr(t->tty, TCSANOW, &t->saved);
	the_tui = NULL;
	fflush(stdout);
	fflush(stderr);
	dup2(t->old_out, STDOUT_FILENO);
	dup2(t->old_err, STDERR_FILENO);
	close(t->old_out);
	close(t->old_err);
	close(t->pipe_rd);
	/* what was said since the last command: why the session ended */
	for (i = 0; i < t->tail.n; i++)
		fprintf(stderr, "%s\n", t->tail.line[i]);
	text_clear(&t->tail);
	free(t->tail.line);
	for (i = 0; i < NPANES; i++) {
		text_clear(&t->p[i].t);
		free(t->p[i].t.line);
	}
	fclose(t->tty_file);
	if (t->null)
		fclose(t->null);
	free(t);
}
