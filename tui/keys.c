/*
 * tui/keys.c - the keys of the panes, as a gdb or cgdb user would guess
 * them (see docs/tui.md).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "internal.h"

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
		while (t->mem_cur >= MEM_PANE_BYTES) {
			t->mem_addr += 16;
			t->mem_cur -= 16;
		}
		t->walk_addr = t->mem_addr + t->mem_cur;
		t->walk_from_mem = true;
		view_mem(t);
		view_walk(t);
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
		const struct row *r = pane_row(p, p->cur);

		if (r && r->kind == ROW_FRAME)
			tui_select_frame(t, (int)row_i(r, FRAME_NUM));
		break;
	}
	case P_TASKS: {
		const struct row *r = pane_row(p, p->cur);

		if (r && r->kind == ROW_TASK) {
			char cmd[32];

			snprintf(cmd, sizeof(cmd), "task %d",
				 row_i(r, TASK_RUNNING) ? 0 :
				 (int)row_i(r, TASK_PID));
			tui_own_command(t, cmd);
		}
		break;
	}
	case P_VMA: {
		const struct row *r = pane_row(p, p->cur);

		if (r && r->kind == ROW_VMA) {
			t->walk_addr = row_u(r, VMA_START);
			t->walk_from_mem = false;
			view_task(t);
		}
		break;
	}
	default:
		break;
	}
}

/* Enter in the memory pane: the qword under the cursor is an address. */
static void follow_pointer(struct tui *t)
{
	const struct row *r = pane_row(&t->p[P_MEM], t->mem_cur / 16);
	int col = t->mem_cur % 16 & ~7, i;
	const uint8_t *b;
	uint64_t v = 0;
	char cmd[64];
	size_t n;

	if (!r || r->kind != ROW_MEM)
		return;
	b = row_bytes(r, MEM_BYTES, &n);
	if ((size_t)col + 8 > n)
		return;
	for (i = 7; i >= 0; i--)
		v = v << 8 | b[col + i];
	if (t->mem_pid >= 0)
		snprintf(cmd, sizeof(cmd), "mem -p %d 0x%llx", t->mem_pid,
			 (unsigned long long)v);
	else
		snprintf(cmd, sizeof(cmd), "mem 0x%llx", (unsigned long long)v);
	tui_own_command(t, cmd);
}

/* b: a breakpoint on the source or disassembly cursor line. */
static void break_here(struct tui *t)
{
	struct pane *p = &t->p[t->focus == P_ASM ? P_ASM : P_SRC];
	const struct row *r = pane_row(p, p->cur);
	char cmd[300];

	if (r && r->kind == ROW_INSN)
		snprintf(cmd, sizeof(cmd), "break *0x%llx",
			 (unsigned long long)row_u(r, INSN_ADDR));
	else if (r && r->kind == ROW_SRC && row_s(r, SRC_FILE))
		snprintf(cmd, sizeof(cmd), "break %s:%d", row_s(r, SRC_FILE),
			 (int)row_i(r, SRC_LINE));
	else
		return;
	tui_run_line(t, cmd);
}

/* w: a write watchpoint on the 8-byte word under the memory cursor. */
static void watch_here(struct tui *t)
{
	char cmd[64];

	if (t->focus != P_MEM || !t->mem_addr)
		return;
	if (t->mem_pid >= 0) {
		text_clear(&t->tail);
		tui_say(t, "w: watchpoints watch the kernel's memory only; "
			"a task's user memory is another host process");
		return;
	}
	snprintf(cmd, sizeof(cmd), "watch *0x%llx",
		 (unsigned long long)((t->mem_addr + t->mem_cur) & ~7ull));
	tui_run_line(t, cmd);
}

static void tui_key(struct tui *t, int key)
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
		tui_select_layout(t, key - '1');
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
		tui_run_line(t, "quit");
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
	case 'c': tui_run_line(t, "continue"); break;
	case 's': tui_run_line(t, "step"); break;
	case 'n': tui_run_line(t, "next"); break;
	case 'f': tui_run_line(t, "finish"); break;
	case 'i': tui_run_line(t, "stepi"); break;
	case 'R': tui_run_line(t, "rc"); break;
	case 'S': tui_run_line(t, "rs"); break;
	case 'b': break_here(t); break;
	case 'w': watch_here(t); break;
	default: break;
	}
}

bool tui_take_interrupt(struct tui *t)
{
	int keys[64], n = 0, key;
	bool intr = false;

	(void)t;
	while (n < (int)(sizeof(keys) / sizeof(keys[0])) &&
	       (key = getch()) != ERR) {
		if (key == KEY_CTRL('c'))
			intr = true;
		else
			keys[n++] = key;
	}
	while (n > 0)
		ungetch(keys[--n]);	/* read back first to last */
	return intr;
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
				cmdline_clear();
			} else if (key == KEY_RESIZE) {
				continue;
			} else {
				cmdline_feed(key == KEY_ENTER ? '\r' : key);
			}
		} else {
			tui_key(t, key);
		}
		if (t->quit)
			return;
	}
	tui_draw(t);
}

