/*
 * tui/cmdline.c - the command line: GNU readline's callback interface with
 * its terminal handling switched off (we feed it the keys and draw its
 * buffer), and the TUI's own commands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "internal.h"

/* the key readline reads next (-1: none) */
static int rl_key = -1;


void tui_draw_cmdline(struct tui *t)
{
	const char *prompt = t->cmdline ? "umdbg> " : "";
	int y = LINES - 1, plen = (int)strlen(prompt), start = 0, w = COLS;

	move(y, 0);
	clrtoeol();
	if (!t->cmdline) {
		attrset(A_DIM);
		tui_put_line(y, 0, w, t->running ?
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
		tui_put_line(y, plen, w - plen, rl_line_buffer + start);
	move(y, plen + rl_point - start);
}

void tui_select_layout(struct tui *t, int layout)
{
	t->layout = layout;
	t->focus = main_pane[layout];
	tui_layout(t);
	if (t->running || t->ended || layout == L_LOG)
		return;
	/* the page walk follows this layout's address */
	t->walk_from_mem = layout == L_MEMORY;
	if (t->walk_from_mem) {
		t->walk_addr = t->mem_addr + t->mem_cur;
		view_walk(t);
	} else {
		view_task(t);
	}
}

void tui_show_frame(struct tui *t, int frame)
{
	t->frame = frame;
	view_code(t);
	view_regs(t, false);
}

void tui_select_frame(struct tui *t, int frame)
{
	tui_show_frame(t, frame);
	if (t->host.select_frame)
		t->host.select_frame(t->host.arg, frame);
}

static int layout_named(const char *name)
{
	int i;

	for (i = 0; i < NLAYOUTS; i++)
		if (!strcmp(name, layout_names[i]))
			return i;
	return -1;
}

/* Where `mem EXPR` goes: the host's `x` evaluates EXPR (a number, init_task,
 * $rsp+8, sym+off) and its first memory row says where it read; if it
 * read nothing, what it said instead is shown. */
static int mem_addr_of(struct tui *t, int pid, const char *expr,
		       uint64_t *addr)
{
	struct out *o = pid >= 0 ? tui_rows(t, "x -p %d (%s) 1", pid, expr) :
		tui_rows(t, "x (%s) 1", expr);
	size_t i;
	int err = -ENOENT;

	for (i = 0; i < out_nrows(o) && err; i++) {
		const struct row *r = out_row(o, i);

		if (r->kind == ROW_MEM) {
			*addr = row_u(r, MEM_ADDR);
			err = 0;
		}
	}
	if (err) {
		const struct row *r = out_nrows(o) ? out_row(o, 0) : NULL;

		tui_say(t, "%s", r && r->kind == ROW_TEXT ?
			row_s(r, TEXT_TEXT) : "mem: cannot read there");
	}
	out_free(o);
	return err;
}

/* The TUI's own commands; false: not one of them. */
bool tui_own_command(struct tui *t, const char *line)
{
	char a[64] = "", b[64] = "", c[64] = "";
	int n = sscanf(line, "%63s %63s %63s", a, b, c), i;

	if (n >= 1 && !strcmp(a, "layout")) {
		if (n != 2 || layout_named(b) < 0)
			tui_say(t, "usage: layout source|tasks|memory|log");
		else
			tui_select_layout(t, layout_named(b));
		return true;
	}
	if (n >= 1 && !strcmp(a, "focus")) {
		for (i = 0; i < NPANES && n == 2; i++)
			if (!strncmp(pane_names[i], b, strlen(b)) &&
			    t->p[i].h) {
				t->focus = i;
				return true;
			}
		tui_say(t, "focus: no pane '%s' in this layout", b);
		return true;
	}
	if (t->running || t->ended)
		return false;
	if (n == 2 && !strcmp(a, "task")) {
		t->task = atoi(b);
		t->frame = 0;
		view_regs(t, false);
		view_bt(t);
		view_code(t);
		t->p[P_VMA].cur = 0;
		t->walk_from_mem = false;
		view_task(t);
		return true;
	}
	if (n >= 1 && !strcmp(a, "mem")) {
		int pid = -1;
		uint64_t addr;
		const char *expr = line + strspn(line, " ") + 3;

		expr += strspn(expr, " ");
		if (n >= 3 && !strcmp(b, "-p")) {
			pid = atoi(c);
			expr = strstr(expr, c) + strlen(c);
			expr += strspn(expr, " ");
		}
		if (!*expr) {
			tui_say(t, "usage: mem [-p PID] ADDR (a number or an "
				"expression)");
			return true;
		}
		if (mem_addr_of(t, pid, expr, &addr) < 0)
			return true;
		t->mem_pid = pid;
		t->mem_addr = addr;
		t->mem_cur = (int)(t->mem_addr & 15);
		t->mem_addr &= ~15ull;
		t->walk_addr = t->mem_addr + t->mem_cur;
		t->walk_from_mem = true;
		view_mem(t);
		view_walk(t);
		t->layout = L_MEMORY;
		tui_layout(t);
		t->focus = P_MEM;
		return true;
	}
	return false;
}

void tui_command(struct tui *t, const char *line)
{
	int n = (int)strcspn(line, " ");

	t->own_command = true;	/* the panes show what it selected */
	if (!tui_own_command(t, line))
		tui_say(t, "%.*s: not while the guest runs", n, line);
}

/* Run a line typed (or bound to a key) and show what it printed: every
 * line goes to the host's command table, the TUI's own commands too. */
void tui_run_line(struct tui *t, const char *line)
{
	char *out;

	text_clear(&t->tail);
	tui_say(t, "umdbg> %s", line);
	t->own_command = false;
	out = tui_capture(t, "%s", line);
	if (*out) {
		tui_say(t, "%s", out);
		/* what the command said last is what happened */
		if (!t->running && !t->ended && t->p[P_OUT].t.n)
			snprintf(t->status, sizeof(t->status), "%.200s",
				 t->p[P_OUT].t.line[t->p[P_OUT].t.n - 1]);
	}
	free(out);
	/* still stopped: what the command changed (a step, a goto) */
	if (!t->running && !t->ended && !t->quit && !t->own_command)
		view_all(t, true);
}

static void rl_line(char *line)
{
	struct tui *t = tui_current;

	if (!line) {
		t->cmdline = false;
		return;
	}
	if (*line) {
		add_history(line);
		tui_run_line(t, line);
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
	if (tui_current && tui_current->cmdline) {
		tui_draw_cmdline(tui_current);
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

/* Command names from the host's table (which holds the TUI's own). */
static char *complete_gen(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);
	const char *const *names = tui_current->host.commands;

	if (!state)
		i = 0;
	while (names && names[i])
		if (!strncmp(names[i++], text, len))
			return xstrdup(names[i - 1]);
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
	tui_say(tui_current, "%s", sb.len ? sb.buf : "");
	strbuf_release(&sb);
	tui_draw(tui_current);
}

/* A key for readline: curses' key codes back into escape sequences. */
void cmdline_feed(int key)
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


void cmdline_init(FILE *null)
{
	rl_getc_function = rl_getc_fn;
	rl_input_available_hook = rl_avail_fn;
	rl_redisplay_function = rl_redisplay_fn;
	rl_prep_term_function = rl_prep_fn;
	rl_deprep_term_function = rl_deprep_fn;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_outstream = null;
	rl_instream = stdin;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_callback_handler_install("", rl_line);
}

void cmdline_clear(void)
{
	rl_replace_line("", 0);
	rl_point = 0;
}

void cmdline_end(void)
{
	rl_callback_handler_remove();
}
