/*
 * tui/tui.c - the full-screen workbench.  See tui.h.
 *
 * Owns the terminal while open: curses draws on a descriptor of its own,
 * and stdout and stderr are a pipe whose lines go to the output pane.
 * Every way out gives the terminal back: tui_close (also at exit) and, on
 * a crash, a signal handler that restores its modes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <unistd.h>

#include "internal.h"

struct tui *tui_current;

const char *const pane_names[NPANES] = {
	"source", "disassembly", "registers", "backtrace", "tasks", "vmas",
	"page walk", "memory", "kernel log", "console", "output",
};

const char *const layout_names[NLAYOUTS] = {
	"source", "tasks", "memory", "log",
};


void tui_on_pipe(struct tui *t)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(t->pipe_rd, buf, sizeof(buf) - 1)) > 0) {
		const char *s = buf;

		buf[n] = 0;
		while (*s == '\n')
			s++;	/* the console's line ended, blank lines */
		if (!*s)
			continue;
		tui_say(t, "%s", s);
		text_add_lines(&t->tail, s);
		/* while stopped, the last line printed says what happened
		 * (a step's new place, a message) */
		if (!t->running && !t->ended && t->p[P_OUT].t.n)
			snprintf(t->status, sizeof(t->status), "%.200s",
				 t->p[P_OUT].t.line[t->p[P_OUT].t.n - 1]);
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
	}
	tui_draw(t);
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
	tui_draw(t);
}

/* ---- state changes --------------------------------------------------- */

/* The stop's headline: its why on the top line, all of it in the
 * output pane. */
static void show_headline(struct tui *t)
{
	struct out *o;
	size_t i;

	snprintf(t->status, sizeof(t->status), "stopped");
	if (!t->host.headline)
		return;
	o = out_new(OUT_COLLECT, NULL, NULL);
	t->host.headline(t->host.arg, o);
	for (i = 0; i < out_nrows(o); i++) {
		const struct row *r = out_row(o, i);
		char *text = row_text(r);

		tui_say(t, "%s", text);
		free(text);
		if (r->kind == ROW_HEADLINE && row_s(r, HEADLINE_WHY))
			snprintf(t->status, sizeof(t->status), "%.200s",
				 row_s(r, HEADLINE_WHY));
	}
	out_free(o);
}

void tui_stopped(struct tui *t)
{
	t->running = false;
	show_headline(t);
	tui_layout(t);
	view_all(t, true);
	tui_draw(t);
}

void tui_running(struct tui *t)
{
	t->running = true;
	snprintf(t->status, sizeof(t->status), "running");
	tui_draw(t);
}

void tui_ended(struct tui *t, const char *why)
{
	t->running = false;
	t->ended = true;
	tui_on_pipe(t);
	tui_say(t, "%s: press any key to leave", why);
	tui_draw(t);
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

void tui_resize(struct tui *t)
{
	struct winsize ws;

	if (ioctl(t->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	if (!t->running && !t->ended) {
		tui_layout(t);
		view_code(t);	/* source context follows the height */
	}
	clearok(curscr, TRUE);
	tui_draw(t);
}

/* ---- opening and closing --------------------------------------------- */

static const char reset_seq[] = "\033[?1049l\033[?25h\033[0m\r\n";

static void crash_restore(int sig)
{
	struct tui *t = tui_current;

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
	if (tui_current)
		tui_close(tui_current);
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
				   errstr(errno));
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
	tui_current = t;
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
	cmdline_init(t->null);

	t->focus = P_SRC;
	t->running = true;
	snprintf(t->status, sizeof(t->status), "running");
	tui_layout(t);
	tui_draw(t);
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

	if (!t || tui_current != t)
		return;
	tui_on_pipe(t);
	cmdline_end();
	endwin();
	delscreen(t->scr);
	tcsetattr(t->tty, TCSANOW, &t->saved);
	tui_current = NULL;
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
		out_free(t->p[i].rows);
	}
	fclose(t->tty_file);
	if (t->null)
		fclose(t->null);
	free(t);
}

