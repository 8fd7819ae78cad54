/*
 * tui/internal.h - what the TUI's files share: the panes, the layouts and
 * struct tui.  Layering as tui.h: lib only, and the host's commands.
 *
 * tui.c    opening, closing, the terminal, output and console, stops
 * views.c  filling the panes from the prompt's commands
 * draw.c   layouts and drawing
 * cmdline.c the readline command line and the TUI's own commands
 * keys.c   the keys of the panes
 * text.c   lines of text
 */
#ifndef UMDBG_TUI_INTERNAL_H
#define UMDBG_TUI_INTERNAL_H

#include <stdio.h>
#include <termios.h>

#include <curses.h>

#include "../lib/lib.h"
#include "../lib/rows.h"
#include "tui.h"

#define MAX_LINES 4000		/* console, output: older lines go */
#define MEM_PANE_BYTES 512		/* the memory pane reads this much */
/* The memory pane's lines (views.c mem_line): the address in MEM_COL0
 * columns, then each byte in three. */
#define MEM_COL0 17
#define KEY_CTRL(c) ((c) & 0x1f)

struct text {
	char **line;
	int n, cap;
};

enum pane_id {
	P_SRC, P_ASM, P_REGS, P_BT, P_TASKS, P_VMA, P_WALK, P_MEM, P_LOG,
	P_CONSOLE, P_OUT, NPANES
};

extern const char *const pane_names[NPANES];

struct pane {
	struct text t;
	char sub[128];		/* what it shows (after the name) */
	int top;		/* first line shown */
	int cur;		/* cursor line (selectable panes) */
	bool follow;		/* keep the last line in view */
	/* a pane of rows: line hdr + i shows row i (view_fill_rows) */
	struct out *rows;
	int hdr;
	int y, x, h, w;		/* h == 0: not in this layout */
};

enum layout { L_SOURCE, L_TASKS, L_MEMORY, L_LOG, NLAYOUTS };
extern const char *const layout_names[NLAYOUTS];

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
	bool own_command;		/* the line was one of the TUI's own */
	char status[256];		/* why it stopped */
	/* selections */
	int task;			/* 0: the task on the CPU */
	int frame;
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


/* readline's callbacks take no argument: the one TUI */
extern struct tui *tui_current;

enum { C_TITLE = 1, C_FOCUS, C_CUR, C_CHANGED, C_BP, C_STATUS };

/* text.c */
void text_clear(struct text *t);
void text_add(struct text *t, const char *s, size_t len);
/* Append text, one entry per line (tabs become spaces). */
void text_add_lines(struct text *t, const char *s);
/* A line (or lines) in the output pane. */
void tui_say(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* views.c */
/* A command's output (malloc'd, never NULL). */
char *tui_capture(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Replace a pane's lines with text (which is freed). */
struct out *tui_rows(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void view_fill(struct tui *t, enum pane_id id, char *text);
void view_fill_rows(struct tui *t, enum pane_id id, struct out *o);
/* The row a pane's line shows, or NULL (a header, a text pane). */
const struct row *pane_row(const struct pane *p, int line);
bool pane_line_current(const struct pane *p, int line);
bool pane_line_bp(const struct pane *p, int line);
/* The pid on line `line` of the tasks pane (0: none). */
int view_task_at(const struct pane *tp, int line);
void view_code(struct tui *t);		/* source, disassembly */
void view_regs(struct tui *t, bool new_stop);
void view_walk(struct tui *t);
void view_mem(struct tui *t);
void view_task(struct tui *t);		/* VMAs, page walk */
void view_bt(struct tui *t);
/* Everything, after a stop (new_stop: selections reset). */
void view_all(struct tui *t, bool new_stop);

/* draw.c */
extern const enum pane_id main_pane[NLAYOUTS];
void tui_layout(struct tui *t);
void tui_draw(struct tui *t);
/* One line at (y, x), cut to w columns. */
void tui_put_line(int y, int x, int w, const char *s);

/* cmdline.c */
void tui_draw_cmdline(struct tui *t);
void cmdline_init(FILE *null);
void cmdline_end(void);
/* Ctrl-C on the command line: the line is dropped. */
void cmdline_clear(void);
/* A key for readline (curses key codes become escape sequences). */
void cmdline_feed(int key);
/* The TUI's own commands (layout, focus, frame, task, mem); false: not
 * one of them. */
bool tui_own_command(struct tui *t, const char *line);
/* Layout L with its main pane in focus, the page walk following its
 * address; frame N of the backtrace in the code and register panes.
 * (The keys and the layout and frame commands.) */
void tui_select_layout(struct tui *t, int layout);
void tui_select_frame(struct tui *t, int frame);
/* Run a line typed (or bound to a key) and show what it printed. */
void tui_run_line(struct tui *t, const char *line);

#endif
