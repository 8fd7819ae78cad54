/*
 * cli/prompt.c - the front ends a person uses: the umdbg> prompt
 * (readline's callback interface, so the event loop keeps running), the
 * --batch commands, and the TUI's host (what the TUI asks of the
 * session).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "../tui/tui.h"

/* readline's callback API has no user argument. */
static struct session *rl_session;

static void rl_on_line(char *line);

/* The readline prompt as a source: at rest it reads lines, while the
 * guest runs the keyboard is the guest's console. */
static void prompt_enter(void *arg)
{
	struct session *s = arg;

	console_running(&s->con, false);
	rl_callback_handler_install("umdbg> ", rl_on_line);
}

static void prompt_leave(void *arg)
{
	struct session *s = arg;

	rl_callback_handler_remove();
	console_running(&s->con, true);
}

static void rl_on_line(char *line)
{
	struct session *s = rl_session;

	if (!line) {	/* Ctrl-D */
		fputs("quit\n", stdout);
		s->quit = true;
		s->exit_code = EXIT_GUEST_HALTED;
		return;
	}
	if (*line)
		add_history(line);
	cmd_execute(s, line, stdout);
	free(line);
}

/* --batch as a source: at its first rest it runs the -ex commands in
 * order and ends the guest.  A command that resumes the guest (continue,
 * next, finish) leaves the rest: the commands after it run at the next
 * one, when the guest has stopped again. */
static void batch_rest(void *arg)
{
	struct session *s = arg;

	if (s->batch_busy)
		return;		/* a rest inside a command: the loop goes on */
	s->batch_busy = true;
	while (s->batch_next < s->nbatch && !s->quit) {
		if (cmd_execute(s, s->batch_cmds[s->batch_next++],
				stdout) < 0)
			s->batch_failed = true;
		if (!s->stopped) {
			fflush(stdout);
			s->batch_busy = false;
			return;
		}
	}
	fflush(stdout);
	s->batch_busy = false;
	session_end_unattended(s, s->batch_failed);
}

/* With --json or -F: the guest's console on stderr. */
void console_to_stderr(void *arg, const void *buf, size_t len)
{
	(void)arg;
	fwrite(buf, 1, len, stderr);
}

static int tui_run(void *arg, const char *line, struct out *o)
{
	return cmd_execute_from(arg, line, o, CMD_FROM_PROMPT);
}

static void tui_to_guest(void *arg, const void *buf, size_t len)
{
	struct session *s = arg;

	if (s->rr && rr_is_replay(s->rr))
		return;		/* its input is in the trace */
	strbuf_add(&s->con.pending, buf, len);
	console_flush_to_guest(&s->con);
}

static void tui_interrupt(void *arg)
{
	session_interrupt(arg);
}

static void tui_headline(void *arg, struct out *o)
{
	struct session *s = arg;

	if (s->reported)
		report_headline(s, o);
}

static void tui_console_sink(void *arg, const void *buf, size_t len)
{
	tui_console(arg, buf, len);
}

/* Where the replay is, out of the events its trace holds. */
static bool tui_timeline(void *arg, uint64_t *now, uint64_t *total)
{
	struct session *s = arg;

	if (!s->rr || !rr_is_replay(s->rr))
		return false;
	if (!s->trace_counted) {
		/* once: a trace that cannot be counted shows no bar */
		s->trace_counted = true;
		if (rr_trace_events(s->trace_path, &s->trace_events) < 0)
			s->trace_events = 0;
	}
	*now = rr_event(s->rr);
	*total = s->trace_events;
	return s->trace_events > 0;
}

static int tui_fds(void *arg, struct pollfd *p, int max)
{
	struct tui *t = arg;

	if (max < 2)
		return 0;
	p[0] = (struct pollfd){ tui_pipe_fd(t), POLLIN, 0 };
	p[1] = (struct pollfd){ tui_tty_fd(t), POLLIN, 0 };
	return 2;
}

static void tui_ready(void *arg, const struct pollfd *p, int n)
{
	if (n < 2)
		return;
	if (p[0].revents)
		tui_on_pipe(arg);
	if (p[1].revents)
		tui_on_tty(arg);
}

static int tui_stop_fd(void *arg)
{
	return tui_tty_fd(arg);
}

/* Other keys wait in curses' queue for the event loop. */
static bool tui_asks_stop(void *arg, bool *keep)
{
	(void)keep;
	return tui_take_interrupt(arg);
}

static void tui_rest(void *arg)
{
	tui_stopped(arg);
}

static void tui_unrest(void *arg)
{
	tui_running(arg);
}

static void tui_select_frame_cb(void *arg, int frame)
{
	struct session *s = arg;

	s->frame = frame;
}

/* --tui: the TUI takes the terminal and the guest's console. */
int session_open_tui(struct session *s, char **cause)
{
	struct tui_host host = {
		.arg = s, .run = tui_run, .commands = cmd_names(true),
		.to_guest = tui_to_guest, .interrupt = tui_interrupt,
		.timeline = tui_timeline, .headline = tui_headline,
		.select_frame = tui_select_frame_cb,
	};

	if (tui_open(&host, &s->tui, cause) < 0)
		return -1;
	termguard_tui(true);
	s->interactive = true;
	s->con.tty = false;	/* curses has the terminal */
	s->con.stdin_open = false;
	s->con.sink = tui_console_sink;
	s->con.sink_arg = s->tui;
	session_add_source(s, &(struct session_source){
		.arg = s->tui, .fds = tui_fds, .ready = tui_ready,
		.stop_fd = tui_stop_fd, .asks_stop = tui_asks_stop,
		.at_rest = tui_rest, .leave_rest = tui_unrest });
	return 0;
}

/* The prompt (with a terminal, without the TUI) or --batch, as the
 * session's front end at rest; readline set up once (it has no user
 * argument). */
void prompt_init(struct session *s)
{
	rl_session = s;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	if (s->batch)
		session_add_source(s, &(struct session_source){
			.arg = s, .at_rest = batch_rest });
	else if (s->interactive && !s->tui)
		session_add_source(s, &(struct session_source){
			.arg = s, .at_rest = prompt_enter,
			.leave_rest = prompt_leave });
}
