/*
 * tui/draw.c - layouts and drawing.  The whole screen is erased and drawn
 * into curses' buffer at each change; curses sends only the difference,
 * so nothing flickers.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include <curses.h>

#include "internal.h"

/* Each layout's main pane: focused when the layout is chosen. */
const enum pane_id main_pane[NLAYOUTS] = {
	P_SRC, P_TASKS, P_MEM, P_LOG,
};

void tui_layout(struct tui *t)
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
	while (*l && o + 3 < size) {
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
void tui_put_line(int y, int x, int w, const char *s)
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
	tui_put_line(p->y, p->x, p->w, title);
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
		if (pane_line_current(p, i))
			a = attr_of(t, C_CUR, A_BOLD) | A_BOLD;
		else if (pane_line_bp(p, i))
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
		    strlen(l) >= MEM_COL0 + 48) {
			attrset(A_NORMAL);
			tui_put_line(p->y + 1 + y, p->x, p->w, l);
			/* the byte under the cursor */
			attrset(A_REVERSE);
			mvaddnstr(p->y + 1 + y,
				  p->x + MEM_COL0 + 3 * (t->mem_cur % 16),
				  l + MEM_COL0 + 3 * (t->mem_cur % 16), 3);
		} else {
			char buf[1024];

			tui_put_line(p->y + 1 + y, p->x, p->w,
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
	snprintf(line, sizeof(line), " umdbg  %s%.200s  %s  layout %s  "
		 "(? help, q quit)", t->running ? "RUNNING (Ctrl-C stops)" :
		 t->ended ? "ENDED: " : "", t->running ? "" : t->status, bar,
		 layout_names[t->layout]);
	attrset(attr_of(t, C_STATUS, A_REVERSE));
	mvhline(0, 0, ' ', COLS);
	tui_put_line(0, 0, COLS, line);
	attrset(A_NORMAL);
}

static const char help_text[] =
	"umdbg TUI keys\n"
	"\n"
	"  c  continue          s  step (into calls)   n  next (over calls)\n"
	"  f  finish            i  stepi               b  break on the line\n"
	"  w  memory: watch the word under the cursor (writes)\n"
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
	int h = 18, w = 72, y0 = (LINES - h) / 2, x0 = (COLS - w) / 2, y;
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

void tui_draw(struct tui *t)
{
	int i;

	erase();
	if (LINES < 12 || COLS < 50) {
		mvaddstr(0, 0, "umdbg: terminal too small");
		mvaddstr(1, 0, "(50x12 needed; q quits)");
		refresh();
		return;
	}
	tui_layout(t);
	draw_status(t);
	for (i = 0; i < NPANES; i++)
		draw_pane(t, i);
	/* column separators */
	for (i = 0; i < NPANES; i++)
		if (t->p[i].h && t->p[i].x > 0)
			mvvline(t->p[i].y, t->p[i].x - 1, '|', t->p[i].h);
	if (t->help)
		draw_help(t);
	tui_draw_cmdline(t);
	curs_set(t->cmdline ? 1 : 0);
	refresh();
}

