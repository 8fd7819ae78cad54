/*
 * cli/termguard.c - the user's terminal put back however umdbg ends.
 *
 * umdbg changes its terminal: raw mode while the guest runs, readline's
 * mode at the prompt, curses and the alternate screen in the TUI.  Every
 * way out it takes by itself restores it (a signal it catches included);
 * SIGKILL leaves no way.  So with a terminal on stdin umdbg starts a
 * guardian first, a process of its own (not umdbg's child: it is
 * double-forked, and holds nothing of umdbg but the terminal and one
 * socket), that keeps the terminal's settings as they were at the start.
 * umdbg tells it on the socket when the TUI takes the screen ('T') and
 * gives it back ('N'), and ('Q') that it is ending in order.  When the
 * socket closes without a 'Q' the guardian restores the settings, leaves
 * the alternate screen if the TUI had it and shows the cursor, then
 * exits; it ignores the signals a terminal or a process group sends.
 * After a SIGKILL the shell and the guardian wake together, so a line the
 * shell prints at once may still land on the TUI's alternate screen, and
 * go with it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static int guard_fd = -1;

static void guard_main(int rd, int tty, const struct termios *saved)
{
	static const char leave_tui[] = "\033[?1049l\033[?25h\033[0m\r\n";
	static const int quiet[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP,
				     SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
	char c, last = 'N';
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		signal(quiet[i], SIG_IGN);
	if (chdir("/") < 0) {
		/* nothing of ours depends on the directory */
	}
	while (read(rd, &c, 1) == 1)
		last = c;
	if (last == 'Q')
		_exit(0);
	tcsetattr(tty, TCSANOW, saved);
	if (last == 'T' && write(tty, leave_tui, sizeof(leave_tui) - 1) < 0)
		_exit(1);
	_exit(0);
}

void termguard_start(void)
{
	struct termios saved;
	int p[2], tty;
	pid_t pid;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	/* where the TUI draws, so where its screen is left */
	tty = isatty(STDOUT_FILENO) ? STDOUT_FILENO : STDIN_FILENO;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		/* the guardian: the terminal and its end of the socket */
		tty = dup2(tty, 3) == 3 ? 3 : -1;
		if (tty < 0 || dup2(p[0], 4) != 4)
			_exit(1);
		syscall(SYS_close_range, 5, ~0U, 0);
		close(0);
		close(1);
		close(2);
		guard_main(4, 3, &saved);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return;
	}
	waitpid(pid, NULL, 0);
	guard_fd = p[1];
	atexit(termguard_done);
}

static void say(char c)
{
	/* no SIGPIPE when the guardian is gone (killed with the group) */
	if (guard_fd >= 0 && send(guard_fd, &c, 1, MSG_NOSIGNAL) < 0) {
		close(guard_fd);
		guard_fd = -1;
	}
}

void termguard_tui(bool on)
{
	say(on ? 'T' : 'N');
}

void termguard_done(void)
{
	say('Q');
}
