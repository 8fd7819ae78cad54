/*
 * tui/tui.h - the full-screen workbench (`umdbg --tui`): panes for the
 * source, disassembly, registers, backtrace, tasks, VMAs, page-table
 * walk, memory, kernel log and guest console, and a readline command line.
 *
 * Layering: the TUI never sees the tracer or the kernel model's state.
 * Everything it shows comes from the commands of the umdbg> prompt, run
 * through the host (cli): the rows of `bt`, `regs`, `ps`, `vma`, `x`,
 * `dmesg`, `disas` and `list`, read by field, and the text of `vtop`
 * and of the commands typed in it.  It never parses printed text.
 *
 * One TUI per process (readline and curses are global).  While it is
 * open, stdout and stderr are a pipe it shows in its output pane; the
 * terminal is restored on every exit path (tui_close, exit, a crash).
 */
#ifndef UMDBG_TUI_H
#define UMDBG_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out;

/* What the TUI asks of its host. */
struct tui_host {
	void *arg;
	/* Run one command line of the umdbg> prompt: its rows and text
	 * go to o (lib/rows.h). */
	int (*run)(void *arg, const char *line, struct out *o);
	/* The prompt's command names (NULL-terminated), for completion. */
	const char *const *commands;
	/* Keys typed into the console pane go to the guest's stdin. */
	void (*to_guest)(void *arg, const void *buf, size_t len);
	/* Ctrl-C while the guest runs. */
	void (*interrupt)(void *arg);
	/* Why the guest stopped: the stop report's headline row. */
	void (*headline)(void *arg, struct out *o);
	/* In a replay: where it is (event now of total); false otherwise. */
	bool (*timeline)(void *arg, uint64_t *now, uint64_t *total);
	/* A frame was selected in the backtrace pane: expressions use its
	 * registers. */
	void (*select_frame)(void *arg, int frame);
};

struct tui;

/* Take over the terminal (stdin must be one). */
int tui_open(const struct tui_host *host, struct tui **out, char **cause);
/* Give it back; print the last messages to the real stderr. */
void tui_close(struct tui *t);

/* Descriptors to poll for input: the terminal and the output pipe. */
int tui_tty_fd(const struct tui *t);
int tui_pipe_fd(const struct tui *t);
void tui_on_tty(struct tui *t);
void tui_on_pipe(struct tui *t);
/* While a command runs long (a replay's re-run): was Ctrl-C typed?  The
 * other keys typed meanwhile are kept for tui_on_tty. */
bool tui_take_interrupt(struct tui *t);
/* One of the TUI's own commands (frame, task, mem, layout, focus; the
 * host's command table lists them): carried out on the panes. */
void tui_command(struct tui *t, const char *line);
/* The host selected frame N (`frame N`): the panes show it. */
void tui_show_frame(struct tui *t, int frame);
/* The terminal changed size (SIGWINCH). */
void tui_resize(struct tui *t);

/* Bytes the guest printed on its console. */
void tui_console(struct tui *t, const void *buf, size_t len);
/* The guest stopped (views are read again) / runs. */
void tui_stopped(struct tui *t);
void tui_running(struct tui *t);
/* The guest ended: show why and wait for a key. */
void tui_ended(struct tui *t, const char *why);

#endif
