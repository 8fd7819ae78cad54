/*
 * cli/console.c - the guest console proxy.
 *
 * The guest's fd 0 and fds 1/2 are pipes owned here, never our terminal:
 * UML would put a terminal in raw mode (and then Ctrl-C would reach the
 * guest instead of us), and pipes keep runs reproducible.  While the guest
 * runs, our terminal is in a mode without line editing or echo (the guest
 * tty echoes) but with ISIG, so Ctrl-C stops the guest as in gdb.  At the
 * prompt and on exit the terminal is restored.
 *
 * Input: bytes from our stdin are queued and written to the guest without
 * blocking.  Our stdin reaching EOF does not close the guest's stdin: UML
 * hangs up its console on EOF, which would lose the guest's output.  A
 * stdin that is not a terminal ends with a ^D to the guest instead, the
 * EOF of its tty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int console_init(struct console *c, int *guest_stdin, int *guest_stdout)
{
	int in[2], out[2];

	memset(c, 0, sizeof(*c));
	strbuf_init(&c->pending);
	c->at_bol = true;
	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	c->to_guest = in[1];
	c->from_guest = out[0];
	fcntl(c->to_guest, F_SETFL, O_NONBLOCK);
	fcntl(c->from_guest, F_SETFL, O_NONBLOCK);
	*guest_stdin = in[0];
	*guest_stdout = out[1];
	c->tty = isatty(STDIN_FILENO);
	c->stdin_open = true;
	if (c->tty && tcgetattr(STDIN_FILENO, &c->saved) < 0)
		c->tty = false;
	return 0;
}

void console_running(struct console *c, bool running)
{
	struct termios t;

	if (!c->tty || running == c->raw)
		return;
	if (running) {
		t = c->saved;
		t.c_lflag &= ~(ICANON | ECHO | ECHONL);
		t.c_lflag |= ISIG;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
	} else {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &c->saved);
	}
	c->raw = running;
}

void console_restore(struct console *c)
{
	if (c->tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &c->saved);
	c->raw = false;
}

bool console_drain(struct console *c)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(c->from_guest, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && errno == EAGAIN;
		if (c->sink)
			c->sink(c->sink_arg, buf, (size_t)n);
		else
			write_all(STDOUT_FILENO, buf, n);
		c->at_bol = buf[n - 1] == '\n';
	}
}

void console_flush_to_guest(struct console *c)
{
	ssize_t n;

	while (c->pending.len) {
		n = write(c->to_guest, c->pending.buf, c->pending.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		memmove(c->pending.buf, c->pending.buf + n,
			c->pending.len - n);
		c->pending.len -= n;
	}
}

void console_forward_stdin(struct console *c)
{
	char buf[4096];
	ssize_t n;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->stdin_open = false;
		/* A file or pipe ended: say so to the guest as a terminal
		 * would, with ^D (its tty makes that an EOF: an interactive
		 * shell exits).  A terminal sends its own ^D. */
		if (!c->tty)
			strbuf_add(&c->pending, "\x04", 1);
		console_flush_to_guest(c);
		return;
	}
	strbuf_add(&c->pending, buf, n);
	console_flush_to_guest(c);
}
