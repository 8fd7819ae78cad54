/*
 * cli/commands.c - the command table behind the umdbg> prompt, gdb's
 * `monitor` and the TUI's command line, and the commands that move the
 * guest or the replay.  Commands fill rows through ctx->o (free text
 * through ctx->out) and never read the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buildinfo.h"
#include "cli.h"
#include "../tui/tui.h"

/* Say why a command failed ("ps: no symbol ..."), free the cause and
 * pass the error on. */
int cmd_fail(struct cmd_ctx *ctx, const char *cmd, char *cause, int err)
{
	fprintf(ctx->out, "%s: %s\n", cmd, cause ? cause : errstr(-err));
	free(cause);
	return err;
}

static int cmd_continue(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	return session_resume(ctx->s);
}

static int cmd_stepi(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *count = cmd_arg(ctx->args, "N");
	uint64_t n = 1, i;

	(void)argc; (void)argv;
	if (count && (parse_u64(count, &n) < 0 || n == 0)) {
		fprintf(ctx->out, "stepi: bad count '%s'\n", count);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		int err = session_stepi(ctx->s, i + 1 == n ? ctx->out : NULL);

		if (err == 1) {		/* the rest when it returns */
			ctx->s->stepi_left = n - i - 1;
			return 0;
		}
		if (err == 2)		/* stopped short, and said why */
			return 0;
		if (err)
			return err == -EBUSY ? err : -ESRCH;
		/* Ctrl-C or SIGTERM waits for the event loop: go back to
		 * it (steps without a host syscall never would) */
		if (i + 1 < n && !((i + 1) % STEPI_SLICE) &&
		    session_signal_pending()) {
			stepi_stopped(ctx->s, n - i - 1, ctx->out);
			return 0;
		}
	}
	return 0;
}

/* ---- replay: when, goto, restart, rc, rs ------------------------------ */

static bool need_replay(struct cmd_ctx *ctx, const char *cmd)
{
	if (ctx->s->rr && rr_is_replay(ctx->s->rr))
		return true;
	fprintf(ctx->out, "%s: only in a replay (umdbg replay TRACE)\n", cmd);
	return false;
}

/* Where the replay now is, one line. */
static void say_where(struct cmd_ctx *ctx, const char *what)
{
	struct user_regs_struct r;
	char *str;

	if (tracer_get_regs(ctx->s->t, 0, &r) < 0)
		return;
	str = where_line(ctx->s, r.rip);
	fprintf(ctx->out, "%s: event %llu, 0x%016llx %s\n", what,
		(unsigned long long)rr_event(ctx->s->rr),
		(unsigned long long)r.rip, str);
	free(str);
}

static int cmd_when(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct rr_pos *p = &ctx->s->tl.pos;
	uint64_t ck_event = 0;

	(void)argc; (void)argv;
	if (!need_replay(ctx, "when"))
		return -EINVAL;
	fprintf(ctx->out, "event %llu", (unsigned long long)
		rr_event(ctx->s->rr));
	if (ctx->s->tl.pos_known && p->kind == RR_POS_BP && p->based &&
	    timeline_ckpt_event(ctx->s, p->ck, &ck_event))
		fprintf(ctx->out, ": run %llu of 0x%llx since the checkpoint "
			"at event %llu, then %llu steps",
			(unsigned long long)p->count,
			(unsigned long long)p->addr,
			(unsigned long long)ck_event,
			(unsigned long long)p->steps);
	else if (ctx->s->tl.pos_known && p->kind == RR_POS_BP && !p->based)
		fprintf(ctx->out, ": run %llu of 0x%llx, then %llu steps",
			(unsigned long long)p->count,
			(unsigned long long)p->addr,
			(unsigned long long)p->steps);
	else if (ctx->s->tl.pos_known && p->kind == RR_POS_START)
		fprintf(ctx->out, ": the start of the recording");
	fputc('\n', ctx->out);
	return 0;
}

/* Run a timeline operation quietly (no console replayed twice). */
static int timeline_op(struct cmd_ctx *ctx, const char *cmd, int op,
		       uint64_t arg)
{
	struct tracer_stop st;
	char *cause = NULL;
	int err;

	ctx->s->quiet = true;
	switch (op) {
	case 'g':
		err = timeline_goto_event(ctx->s, arg, &cause);
		break;
	case 'h':	/* goto hN: an entry of the last history */
		err = history_goto(ctx->s, (size_t)arg, &cause);
		break;
	case 'c':
		err = timeline_reverse_continue(ctx->s, &st, &cause);
		break;
	default:
		err = timeline_reverse_stepi(ctx->s, &st, &cause);
		break;
	}
	ctx->s->quiet = false;
	watch_refresh(ctx->s);
	if (err == -EINTR) {
		fprintf(ctx->out, "%s: %s\n", cmd, cause);
		free(cause);
		say_where(ctx, cmd);
		return err;
	}
	if (err < 0)
		return cmd_fail(ctx, cmd, cause, err);
	if (op == 'c' && st.kind == TRACER_STOP_NONE) {
		fprintf(ctx->out, "%s: no earlier breakpoint hit; at the start "
			"of the recording\n", cmd);
		return 0;
	}
	if (op == 'c')
		watch_say(ctx->s, &st, cmd, ctx->out);
	say_where(ctx, cmd);
	return 0;
}

static int cmd_goto(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *arg = cmd_arg(ctx->args, "EVENT|hN");
	uint64_t ev;

	(void)argc; (void)argv;
	if (!need_replay(ctx, "goto"))
		return -EINVAL;
	if (arg[0] == 'h' && parse_u64(arg + 1, &ev) == 0)
		return timeline_op(ctx, "goto", 'h', ev);
	if (parse_u64(arg, &ev) < 0) {
		fprintf(ctx->out, "goto: bad event '%s' (an event number, or "
			"hN: history entry N)\n", arg);
		return -EINVAL;
	}
	return timeline_op(ctx, "goto", 'g', ev);
}

static int cmd_restart(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "restart"))
		return -EINVAL;
	return timeline_op(ctx, "restart", 'g', 0);
}

static int cmd_rc(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "rc"))
		return -EINVAL;
	return timeline_op(ctx, "rc", 'c', 0);
}

static int cmd_rs(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "rs"))
		return -EINVAL;
	return timeline_op(ctx, "rs", 's', 0);
}

static int cmd_break(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *spec = cmd_arg(ctx->args, "SYMBOL|*ADDR|FILE:LINE");
	size_t i, j;

	(void)argc; (void)argv;
	if (!spec) {
		if (!ctx->s->nbps && !ctx->s->nwps)
			fprintf(ctx->out, "no breakpoints\n");
		for (i = 0; i < ctx->s->nbps; i++) {
			struct breakpoint *bp = &ctx->s->bps[i];
			struct strbuf addrs;

			strbuf_init(&addrs);
			for (j = 0; j < bp->naddrs; j++)
				strbuf_addf(&addrs, "%s0x%llx", j ? " " : "",
					    (unsigned long long)bp->addrs[j]);
			row_begin(ctx->o, ROW_BREAKPOINT);
			row_int(ctx->o, BREAKPOINT_NUM, bp->num);
			row_str(ctx->o, BREAKPOINT_TYPE,
				bp->catch ? "catch" : "break");
			row_str(ctx->o, BREAKPOINT_SPEC, bp->spec);
			row_int(ctx->o, BREAKPOINT_HITS, (int64_t)bp->hits);
			row_str(ctx->o, BREAKPOINT_ADDRS,
				addrs.buf ? addrs.buf : "");
			row_end(ctx->o);
			strbuf_release(&addrs);
		}
		watch_list(ctx->s, ctx->o);
		return 0;
	}
	return session_add_breakpoint(ctx->s, spec, ctx->out);
}

static int cmd_delete(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	uint64_t num;
	size_t i, j;

	(void)argc; (void)argv;
	if (parse_u64(cmd_arg(ctx->args, "N"), &num) < 0) {
		fprintf(ctx->out, "delete: bad number '%s'\n",
			cmd_arg(ctx->args, "N"));
		return -EINVAL;
	}
	if (num <= INT32_MAX && watch_delete(s, (int)num))
		return 0;
	for (i = 0; i < s->nbps; i++) {
		if ((uint64_t)s->bps[i].num != num)
			continue;
		for (j = 0; j < s->bps[i].naddrs; j++)
			tracer_bp_remove(s->t, s->bps[i].ids[j]);
		free(s->bps[i].spec);
		free(s->bps[i].addrs);
		free(s->bps[i].ids);
		free(s->bps[i].module);
		free(s->bps[i].symbol);
		s->bps[i] = s->bps[--s->nbps];
		return 0;
	}
	fprintf(ctx->out, "delete: no breakpoint or watchpoint %llu\n",
		(unsigned long long)num);
	return -ENOENT;
}

static int cmd_handle(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *what = cmd_arg(ctx->args, "stop|pass");
	const char *name = cmd_arg(ctx->args, "SIGNAL");
	int sig;

	(void)argc; (void)argv;
	if (strcmp(what, "stop") && strcmp(what, "pass")) {
		fprintf(ctx->out, "usage: handle SIGNAL stop|pass\n");
		return -EINVAL;
	}
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && !strcmp(sigabbrev_np(sig), name))
			break;
	if (!strcmp(name, "IO"))	/* glibc calls it POLL */
		sig = SIGIO;
	if (sig == NSIG) {
		fprintf(ctx->out, "handle: unknown signal '%s'\n",
			cmd_arg(ctx->args, "SIGNAL"));
		return -EINVAL;
	}
	tracer_set_stop_signal(ctx->s->t, sig, !strcmp(what, "stop"));
	fprintf(ctx->out, "%s: %s\n", signal_name(sig),
		strcmp(what, "stop") ? "passed to the guest silently" :
		"stops the guest (then delivered on continue)");
	return 0;
}

static int cmd_quit(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	ctx->s->quit = true;
	ctx->s->user_quit = true;
	ctx->s->exit_code = EXIT_GUEST_HALTED;
	return 0;
}

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv);

/* The TUI's own commands (frame, task, mem, layout, focus): the TUI
 * carries them out on its panes. */
static int cmd_tui(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct strbuf line;
	int i;

	if (!ctx->s->tui) {
		fprintf(ctx->out, "%s: a command of the TUI (umdbg --tui)\n",
			argv[0]);
		return -EINVAL;
	}
	strbuf_init(&line);
	for (i = 0; i < argc; i++)
		strbuf_addf(&line, "%s%s", i ? " " : "", argv[i]);
	tui_command(ctx->s->tui, line.buf);
	strbuf_release(&line);
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 +
	       (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * time [-q] COMMAND...: run it, from where time was given, and say how
 * long it took (-q: discard its output, so the figure is umdbg's own
 * work, not the terminal's).  A command that moves the guest is timed
 * to the end of the move: when it goes on from the event loop (continue,
 * a step into a host syscall), the figure comes when the guest is at
 * rest again (session_time_done).
 */
static int cmd_time(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct timespec t0;
	struct strbuf line;
	const struct cmd_args *a = ctx->args;
	struct out *out = ctx->o;
	bool quiet = cmd_arg(a, "-q") != NULL;
	int i, ret;

	(void)argc; (void)argv;
	strbuf_init(&line);
	for (i = 0; i < a->rest_argc; i++)
		strbuf_addf(&line, "%s%s", i ? " " : "", a->rest_argv[i]);
	if (quiet)
		out = out_new(OUT_COLLECT, NULL, NULL);
	else
		out_flush(ctx->o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = cmd_execute_from(ctx->s, line.buf, out, ctx->from);
	if (quiet)
		out_free(out);
	if (!ctx->s->stopped && tracer_is_alive(ctx->s->t)) {
		free(ctx->s->time_what);
		ctx->s->time_what = strbuf_detach(&line);
		ctx->s->time_t0 = t0;
		ctx->s->time_pending = true;
		ctx->s->time_quiet = quiet;
		return ret;
	}
	fprintf(ctx->out, "time: '%s' took %.3f ms\n", line.buf,
		ms_since(&t0));
	strbuf_release(&line);
	return ret;
}

void session_time_done(struct session *s, FILE *out)
{
	if (!s->time_pending)
		return;
	s->time_pending = false;
	fprintf(out, "time: '%s' took %.3f ms (until the guest was at rest "
		"again)\n", s->time_what, ms_since(&s->time_t0));
	free(s->time_what);
	s->time_what = NULL;
}

static int cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct out *o = ctx->o;

	(void)argc; (void)argv;
	row_begin(o, ROW_VERSION);
	row_str(o, VERSION_VERSION, UMDBG_VERSION);
	row_str(o, VERSION_KERNEL, kmodel_path(ctx->s->k));
	row_str(o, VERSION_WATCH, ctx->s->hw_emulated ? "page-protection" :
		"debug-registers");
	row_str(o, VERSION_WATCH_WHY, ctx->s->hw_why);
	row_str(o, VERSION_COMMIT, UMDBG_COMMIT);
	row_str(o, VERSION_RECIPE, UMDBG_RECIPE);
	if (host_xstate_size() > 0)
		row_int(o, VERSION_XSTATE, host_xstate_size());
	row_end(o);
	return 0;
}

static const struct umdbg_cmd commands[] = {
	{ "continue", "c", "continue", "resume the guest",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_continue },
	{ "stepi", "si", "stepi [N]", "execute N machine instructions",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_stepi },
	{ "next", "n", "next", "the next source line, over calls",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_next },
	{ "step", "s", "step", "the next source line, into calls",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_next },
	{ "finish", "fin", "finish", "run until the function returns",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_finish },
	{ "rc", "reverse-continue", "rc",
	  "replay: back to the previous breakpoint hit",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_rc },
	{ "rs", "reverse-stepi", "rs", "replay: back one instruction",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_rs },
	{ "when", NULL, "when", "replay: the current event", 0, cmd_when },
	{ "goto", NULL, "goto EVENT|hN",
	  "replay: go to event EVENT (before its syscall), or history entry N",
	  CMD_NEEDS_STOPPED | CMD_MOVES_TIME, cmd_goto },
	{ "history", NULL, "history [-a] ADDR [LEN]",
	  "replay: every write to ADDR's LEN bytes (8) over the recording; "
	  "-a: every allocation and free of its slab object",
	  CMD_NEEDS_STOPPED | CMD_MOVES_TIME, cmd_history },
	{ "restart", NULL, "restart", "replay: back to the start",
	  CMD_NEEDS_STOPPED | CMD_MOVES_TIME, cmd_restart },
	{ "bt", "backtrace", "bt [PID]",
	  "backtrace of the stopped thread, or of guest task PID",
	  CMD_NEEDS_STOPPED, cmd_bt },
	{ "ps", NULL, "ps", "guest tasks (> marks the one on the CPU)",
	  CMD_NEEDS_STOPPED, cmd_ps },
	{ "vma", NULL, "vma PID", "memory maps of guest task PID",
	  CMD_NEEDS_STOPPED, cmd_vma },
	{ "vtop", NULL, "vtop [PID] ADDR",
	  "walk the page tables for ADDR, a number or an expression",
	  CMD_NEEDS_STOPPED, cmd_vtop },
	{ "pt", NULL, "pt PID [START-END]", "mapped pages of task PID",
	  CMD_NEEDS_STOPPED, cmd_pt },
	{ "x", NULL, "x[/s] [-p PID] ADDR [LEN]",
	  "memory at ADDR (a number or an expression); /s: a string",
	  CMD_NEEDS_STOPPED | CMD_FORMAT, cmd_x },
	{ "lsmod", NULL, "lsmod", "loaded kernel modules",
	  CMD_NEEDS_STOPPED, cmd_lsmod },
	{ "kmem", NULL, "kmem [-p PID] EXPR...",
	  "what an address is: image, module, slab object, stack, page...",
	  CMD_NEEDS_STOPPED, cmd_kmem },
	{ "slab", NULL, "slab [-o] [CACHE]",
	  "the slab caches (as /proc/slabinfo), or one's slabs (-o: objects)",
	  CMD_NEEDS_STOPPED, cmd_slab },
	{ "page", NULL, "page EXPR...",
	  "a page frame (EXPR: an address or a PFN): flags, refcount, use",
	  CMD_NEEDS_STOPPED, cmd_page },
	{ "buddy", NULL, "buddy",
	  "free blocks per zone and order, as /proc/buddyinfo counts them",
	  CMD_NEEDS_STOPPED, cmd_buddy },
	{ "files", NULL, "files [PID]",
	  "open files of task PID (the stopped one's): fd, path, flags, pos",
	  CMD_NEEDS_STOPPED, cmd_files },
	{ "cred", NULL, "cred [PID]",
	  "credentials of task PID: uids, gids, capabilities",
	  CMD_NEEDS_STOPPED, cmd_cred },
	{ "stack", NULL, "stack [PID]",
	  "task PID's kernel stack: extent, use now, deepest use",
	  CMD_NEEDS_STOPPED, cmd_stack },
	{ "locks", NULL, "locks [PID]",
	  "the locks task PID holds, as lockdep records them (CONFIG_LOCKDEP)",
	  CMD_NEEDS_STOPPED, cmd_locks },
	{ "timers", NULL, "timers",
	  "pending hrtimers (as /proc/timer_list) and timer-wheel timers",
	  CMD_NEEDS_STOPPED, cmd_timers },
	{ "workqueues", NULL, "workqueues",
	  "workqueue workers (and rescuers) and the work pending",
	  CMD_NEEDS_STOPPED, cmd_workqueues },
	{ "irqs", NULL, "irqs",
	  "interrupts as /proc/interrupts lists them: count, chip, actions",
	  CMD_NEEDS_STOPPED, cmd_irqs },
	{ "percpu", NULL, "percpu[/FMT] SYMBOL",
	  "each CPU's copy of a per-CPU variable", CMD_NEEDS_STOPPED |
	  CMD_FORMAT, cmd_percpu },
	{ "kconfig", NULL, "kconfig [PATTERN]",
	  "the kernel's configuration (PATTERN: part of a name, or a glob)",
	  CMD_NEEDS_STOPPED, cmd_kconfig },
	{ "print", "p", "p[/FMT] [-d DEPTH] EXPR...",
	  "a C expression, printed from its DWARF type (FMT: x d u o t c)",
	  CMD_NEEDS_STOPPED | CMD_FORMAT, cmd_print },
	{ "sym", NULL, "sym EXPR...",
	  "the symbol and source line at an address (EXPR: 0x.., sym+off)",
	  CMD_NEEDS_STOPPED, cmd_sym },
	{ "disas", NULL, "disas [EXPR] [N]",
	  "disassemble (around the pc: => marks it, * a breakpoint)",
	  CMD_NEEDS_STOPPED, cmd_disas },
	{ "list", "l", "list [EXPR|FILE:LINE] [N]",
	  "source lines (N around the pc's line)", CMD_NEEDS_STOPPED, cmd_list },
	{ "regs", "registers", "regs [PID] [-f FRAME]",
	  "registers of the stopped thread (or task PID, or frame)",
	  CMD_NEEDS_STOPPED, cmd_regs },
	{ "dmesg", NULL, "dmesg [-l] [-n N]",
	  "the kernel log (last N lines; -l: with levels)",
	  CMD_NEEDS_STOPPED, cmd_dmesg },
	{ "break", "b", "break [SYMBOL|*ADDR|FILE:LINE]",
	  "set a breakpoint, or list them", CMD_NEEDS_STOPPED, cmd_break },
	{ "catch", NULL, "catch [KIND]",
	  "stop where the kernel reports: warn bug oops panic kasan lockdep "
	  "hung (without KIND: list)", CMD_NEEDS_STOPPED, cmd_catch },
	{ "delete", "d", "delete N", "delete breakpoint or watchpoint N",
	  CMD_NEEDS_STOPPED, cmd_delete },
	{ "watch", NULL, "watch EXPR [LEN] [if COND...]",
	  "stop when the value there changes (and COND holds)",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_watch },
	{ "rwatch", NULL, "rwatch EXPR [LEN] [if COND...]",
	  "stop when it is read", CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB,
	  cmd_watch },
	{ "awatch", NULL, "awatch EXPR [LEN] [if COND...]",
	  "stop when it is read or written",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_watch },
	{ "handle", NULL, "handle SIGNAL stop|pass",
	  "stop at one of UML's own signals (SIGSEGV...), or not",
	  CMD_NEEDS_STOPPED, cmd_handle },
	{ "quit", "q", "quit", "end the guest and leave umdbg",
	  CMD_NOT_FROM_GDB, cmd_quit },
	{ "time", NULL, "time [-q] COMMAND...",
	  "run a command and say how long it took (-q: no output)",
	  0, cmd_time },
	{ "version", NULL, "version", "umdbg's version and the kernel",
	  0, cmd_version },
	{ "checkpoints", NULL, "checkpoints",
	  "replay: the checkpoints held, and how many were taken",
	  0, cmd_checkpoints },
	{ "memcrc", NULL, "memcrc [ADDR LEN]",
	  "CRC-32 of kernel memory (default: all guest physical memory)",
	  CMD_NEEDS_STOPPED, cmd_memcrc },
	{ "frame", "f", "frame [N]",
	  "select frame N of the backtrace: expressions use its registers",
	  CMD_NEEDS_STOPPED, cmd_frame },
	{ "task", NULL, "task PID", "TUI: show guest task PID (0: the one "
	  "on the CPU)", CMD_TUI_ONLY | CMD_NOT_FROM_GDB, cmd_tui },
	{ "mem", NULL, "mem [-p PID] EXPR...",
	  "TUI: the memory pane at an address or an expression (-p: task "
	  "PID's user memory)",
	  CMD_TUI_ONLY | CMD_NOT_FROM_GDB, cmd_tui },
	{ "layout", NULL, "layout source|tasks|memory|log",
	  "TUI: switch the layout", CMD_TUI_ONLY | CMD_NOT_FROM_GDB,
	  cmd_tui },
	{ "focus", NULL, "focus PANE", "TUI: move the focus to a pane",
	  CMD_TUI_ONLY | CMD_NOT_FROM_GDB, cmd_tui },
	{ "help", "?", "help", "this list", 0, cmd_help },
};

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t i;

	(void)argc; (void)argv;
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		row_begin(ctx->o, ROW_COMMAND);
		row_str(ctx->o, COMMAND_NAME, commands[i].name);
		row_str(ctx->o, COMMAND_ALIAS, commands[i].alias);
		row_str(ctx->o, COMMAND_USAGE, commands[i].usage);
		row_str(ctx->o, COMMAND_SUMMARY, commands[i].help);
		row_bool(ctx->o, COMMAND_TUI_ONLY,
			 commands[i].flags & CMD_TUI_ONLY);
		row_end(ctx->o);
	}
	return 0;
}

#define MAX_ARGS 16

const char *const *cmd_names(bool tui)
{
	static const char *names[2][2 * ARRAY_SIZE(commands) + 1];
	const char **list = names[tui];
	size_t i, n = 0;

	if (!list[0])
		for (i = 0; i < ARRAY_SIZE(commands); i++) {
			if (!tui && (commands[i].flags & CMD_TUI_ONLY))
				continue;
			list[n++] = commands[i].name;
			if (commands[i].alias && strlen(commands[i].alias) > 2)
				list[n++] = commands[i].alias;
		}
	return list;
}

int cmd_execute(struct session *s, const char *line, FILE *out)
{
	struct out *o = session_out(s, out);
	int ret = cmd_execute_from(s, line, o, CMD_FROM_PROMPT);

	out_free(o);
	return ret;
}

/* Words split at blanks, except inside parentheses and brackets, so an
 * expression with a cast is one word: "(struct task_struct *)0x60". */
static int split_words(char *line, char **argv, int max)
{
	char *p = line;
	int argc = 0, depth;

	while (argc < max) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		argv[argc++] = p;
		for (depth = 0; *p && (depth > 0 || (*p != ' ' && *p != '\t'));
		     p++)
			depth += (*p == '(' || *p == '[') -
				 (*p == ')' || *p == ']');
	}
	return argc;
}

int cmd_parse_as(const char *name, char *line, char **argv, int max,
		 struct cmd_args *a)
{
	int argc = split_words(line, argv, max);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return argc ? cmd_args_parse(commands[i].usage, argc,
						     argv, a) : -EINVAL;
	return -ENOENT;
}

int cmd_execute_from(struct session *s, const char *line, struct out *o,
		     enum cmd_from from)
{
	char *copy = xstrdup(line), *argv[MAX_ARGS], *fmt;
	FILE *out = out_file(o);
	struct cmd_ctx ctx = { s, o, out, NULL, NULL, from };
	struct cmd_args args;
	int argc = 0, ret = 0;
	size_t i;

	argc = split_words(copy, argv, MAX_ARGS);
	if (!argc)
		goto out;
	if ((fmt = strchr(argv[0], '/'))) {
		*fmt++ = '\0';	/* p/x: the command and its format */
		ctx.fmt = fmt;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name) ||
		    (commands[i].alias && !strcmp(argv[0], commands[i].alias)))
			break;
	if (i == ARRAY_SIZE(commands)) {
		fprintf(out, "unknown command '%s' (try 'help')\n", argv[0]);
		ret = -ENOENT;
		goto out;
	}
	if (ctx.fmt && !(commands[i].flags & CMD_FORMAT)) {
		fprintf(out, "%s: takes no /FORMAT\n", argv[0]);
		ret = -EINVAL;
		goto out;
	}
	if (from == CMD_FROM_MONITOR &&
	    (commands[i].flags & (CMD_RESUMES | CMD_NOT_FROM_GDB))) {
		fprintf(out, "%s: use gdb's own command for that\n", argv[0]);
		ret = -EPERM;
		goto out;
	}
	if ((commands[i].flags & CMD_NEEDS_STOPPED) &&
	    !tracer_is_alive(s->t)) {
		fprintf(out, "%s: the guest is not running\n", argv[0]);
		ret = -ESRCH;
		goto out;
	}
	if (cmd_args_parse(commands[i].usage, argc, argv, &args) < 0) {
		fprintf(out, "usage: %s\n", commands[i].usage);
		ret = -EINVAL;
		goto out;
	}
	ctx.args = &args;
	ret = commands[i].run(&ctx, argc, argv);
	if (from == CMD_FROM_MONITOR && ret == 0 &&
	    (commands[i].flags & CMD_MOVES_TIME))
		fprintf(out, "(gdb still shows the old moment: run 'maint "
			"flush register-cache' or 'flushregs')\n");
out:
	free(copy);
	out_flush(o);
	return ret;
}
