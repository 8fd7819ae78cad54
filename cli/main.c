/*
 * cli/main.c - umdbg's entry point and its one event loop.
 *
 * Owns the session: the kernel model, the tracer, the console proxy, the
 * breakpoints and the prompt.  One poll() loop serves the signalfd
 * (SIGCHLD from tracee stops, SIGINT for Ctrl-C, SIGTERM/SIGHUP), the
 * guest's console output and our stdin (forwarded to the guest while it
 * runs, read by readline at the prompt).  Nothing blocks in waitpid while
 * the user may press Ctrl-C.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "../tui/tui.h"


static const char usage_text[] =
"usage: umdbg [options] [KERNEL [KERNEL-ARGS...]]\n"
"       umdbg replay TRACE [options]\n"
"       umdbg trace info|dump TRACE\n"
"\n"
"Run a UML kernel under umdbg's supervisor and stop it where you ask.\n"
"KERNEL defaults to the built guest (guest/linux, see 'make guest').\n"
"\n"
"  -b, --break LOC        stop at LOC: SYMBOL, *ADDRESS or FILE:LINE\n"
"                         (repeatable; 'panic' is the classic)\n"
"  -w, --watch VAR        stop when a write changes VAR (a kernel variable\n"
"                         or *ADDRESS; up to 4: the debug registers, or\n"
"                         page protection where they do not trap)\n"
"  -s, --scenario NAME    run the built guest's scenario NAME:\n"
"                         halt, panic, oops, inspect, many, work or shell\n"
"  -n, --log-lines N      kernel log lines in the stop report (10)\n"
"  -g, --gdb [HOST:]PORT|unix:PATH\n"
"                         serve gdb there (loopback only; port 0 picks one)\n"
"      --wait             with --gdb: hold the kernel at its first\n"
"                         instruction until gdb connects\n"
"      --listen-any       allow --gdb on a non-loopback address\n"
"  -r, --record TRACE     record the kernel's host syscalls and signals\n"
"                         into TRACE, for 'umdbg replay TRACE'\n"
"  -t, --tui              the full-screen workbench (source, disassembly,\n"
"                         registers, tasks, VMAs, memory, log, console)\n"
"      --batch            no prompt: at the first stop print the report,\n"
"                         run the -ex commands, end the guest, exit\n"
"  -ex, --ex CMD          a command for --batch (repeatable, in order)\n"
"      --json             reports and commands print JSON lines\n"
"  -F, --format FORMAT    ...or each row through FORMAT: '#{pc} #{func}'\n"
"                         (the fields are in docs/scripting.md)\n"
"                         With --json or -F the guest's console goes to\n"
"                         stderr: stdout holds only the output.\n"
"  -h, --help             this text\n"
"  -V, --version          print the version\n"
"\n"
"At a stop umdbg prints a report (why, backtrace with file:line,\n"
"registers, last kernel log lines).  With --gdb it then waits for gdb;\n"
"with a terminal on stdin, at the umdbg> prompt (try 'help');\n"
"otherwise it ends the guest.\n"
"Ctrl-C stops a running guest.\n"
"\n"
"Exit status: 0 guest powered off (or 'quit'), 1 error (or a --batch\n"
"command failed), 2 stopped without a terminal or with --batch (report\n"
"printed, commands run), 3 guest kernel panicked,\n"
"4 guest died another way, 5 a replay diverged from its recording.\n"
"\n"
"'umdbg replay TRACE' runs the recorded kernel again, exactly, with\n"
"--break, --gdb and the prompt as above; it needs no input, terminal or\n"
"clock, and stops at the end of the recording.  'trace info' summarises\n"
"a trace, 'trace dump' prints its events one per line.\n";

static const char *const scenarios[] = {
	"halt", "panic", "oops", "inspect", "many", "work", "shell",
};

/* readline's callback API has no user argument. */
static struct session *rl_session;

static void __attribute__((noreturn, format(printf, 1, 2)))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "umdbg: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try 'umdbg --help'\n");
	exit(EXIT_ERROR);
}

/* Directory holding umdbg (the repository root when run from there). */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	return xstrdup(dirname(buf));
}

/*
 * The path gdb gets from qXfer:exec-file.  A kernel build links `linux`
 * and `vmlinux` to the same file; the kernel's lx-symbols looks for an
 * objfile named vmlinux, so name that one when it is the same file.
 */
static char *exec_file_for_gdb(const char *kernel)
{
	char *abs = realpath(kernel, NULL), *vm;
	struct stat a, b;

	if (!abs)
		return xstrdup(kernel);
	vm = xasprintf("%.*s/vmlinux", (int)(strrchr(abs, '/') - abs), abs);
	if (stat(abs, &a) == 0 && stat(vm, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev) {
		free(abs);
		return vm;
	}
	free(vm);
	return abs;
}

/*
 * A real kernel fault, as opposed to UML's everyday SIGSEGVs: the guest
 * kernel lives in [uml_physmem, end_vm) (physical memory, then vmalloc and
 * modules, whose faults UML fixes up); a fault outside it — the NULL page,
 * a wild pointer — is a bug UML will only turn into a panic.
 */
static bool real_fault(void *arg, pid_t tid, int signo, uint64_t addr)
{
	struct session *s = arg;
	uint64_t sym, lo = 0, hi = 0;

	(void)tid; (void)signo;
	if (kmodel_symbol_addr(s->k, "uml_physmem", &sym) ||
	    tracer_read_mem(s->t, sym, &lo, 8) != 8 ||
	    kmodel_symbol_addr(s->k, "end_vm", &sym) ||
	    tracer_read_mem(s->t, sym, &hi, 8) != 8 || !lo || !hi)
		return false;	/* too early to tell: leave it to UML */
	return addr < lo || addr >= hi;
}

ssize_t session_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return tracer_read_mem(arg, addr, buf, len);
}

/*
 * Which of the guest's modules (the .ko files next to the kernel in
 * guest/modules, as mkguest keeps them) defines `symbol`?  Its module
 * name, or NULL: a plain --break of a module function then waits for the
 * module, while a typo is still an error.
 */
static char *module_defining(struct session *s, const char *symbol)
{
	char *dir = xasprintf("%s/guest/modules", s->self_dir), *found = NULL;
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && !found && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct kmodel *m;
		uint64_t a;
		char *path;

		if (len < 4 || strcmp(de->d_name + len - 3, ".ko"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (kmodel_open(path, KMODEL_ANY_ELF, &m, NULL) == 0) {
			if (kmodel_symbol_addr(m, symbol, &a) == 0) {
				char *p;

				found = xstrndup(de->d_name, len - 3);
				/* module names spell '-' as '_' */
				for (p = found; p && *p; p++)
					if (*p == '-')
						*p = '_';
			}
			kmodel_free(m);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	return found;
}

/* MODULE:SYMBOL (a module name has no '.' or '/', a symbol is not a
 * line number)?  Fills module and symbol. */
static bool module_spec(const char *spec, char **module, char **symbol)
{
	const char *colon = strchr(spec, ':'), *p;
	bool digits = true;

	if (!colon || colon == spec || !colon[1] || strchr(colon + 1, ':'))
		return false;
	for (p = spec; p < colon; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-'))
			return false;
	for (p = colon + 1; *p; p++) {
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.'))
			return false;
		if (!isdigit((unsigned char)*p))
			digits = false;
	}
	if (digits)
		return false;
	*module = xstrndup(spec, colon - spec);
	*symbol = xstrdup(colon + 1);
	return true;
}

static void bp_insert_all(struct session *s, struct breakpoint *bp, FILE *err)
{
	char *cause = NULL;
	size_t i;
	int id;

	bp->ids = xrealloc(bp->ids, (bp->naddrs ? bp->naddrs : 1) *
			   sizeof(int));
	for (i = 0; i < bp->naddrs; i++) {
		id = tracer_bp_insert(s->t, bp->addrs[i], &cause);
		if (id < 0) {
			fprintf(err, "umdbg: %s\n", cause);
			free(cause);
			cause = NULL;
		}
		bp->ids[i] = id > 0 ? id : 0;
	}
}

/* Resolve pending MODULE:SYMBOL breakpoints against the module whose
 * struct module is at mod_addr (0: every loaded module). */
static void resolve_pending(struct session *s, uint64_t mod_addr, FILE *err)
{
	struct kmodel_module *mods;
	char *cause = NULL;
	size_t n, i, j;
	uint64_t addr;

	if (kmodel_modules(s->k, &mods, &n, &cause) < 0) {
		fprintf(err, "umdbg: %s\n", cause);
		free(cause);
		return;
	}
	for (i = 0; i < s->nbps; i++) {
		struct breakpoint *bp = &s->bps[i];

		if (!bp->pending)
			continue;
		for (j = 0; j < n; j++) {
			if ((mod_addr && mods[j].addr != mod_addr) ||
			    strcmp(mods[j].name, bp->module))
				continue;
			if (kmodel_module_symbol(s->k, mods[j].addr,
						 bp->symbol, &addr,
						 &cause) < 0) {
				fprintf(err, "umdbg: breakpoint %d: %s '%s'\n",
					bp->num, cause, bp->module);
				free(cause);
				cause = NULL;
				continue;
			}
			bp->addrs = xrealloc(bp->addrs, sizeof(uint64_t));
			bp->addrs[0] = addr;
			bp->naddrs = 1;
			bp->pending = false;
			bp_insert_all(s, bp, err);
			fprintf(err, "umdbg: breakpoint %d (%s) resolved at "
				"0x%llx as module '%s' loads\n", bp->num,
				bp->spec, (unsigned long long)addr,
				bp->module);
		}
	}
	free(mods);
}

/* Is tracer breakpoint id one of the user's? */
static bool user_breakpoint(struct session *s, int id)
{
	size_t i, j;

	for (i = 0; i < s->nbps; i++)
		for (j = 0; j < s->bps[i].naddrs; j++)
			if (s->bps[i].ids[j] == id)
				return true;
	return false;
}

int session_user_bp_addrs(struct session *s, uint64_t *addrs, int max)
{
	int n = tracer_bp_addrs(s->t, addrs, max), i, kept = 0;
	uint64_t own;

	if (n > max)
		n = max;
	if (s->modload_id <= 0 || !tracer_bp_addr(s->t, s->modload_id, &own) ||
	    user_breakpoint(s, s->modload_id))
		return n;
	for (i = 0; i < n; i++)
		if (addrs[i] != own)
			addrs[kept++] = addrs[i];
	return kept;
}

/* Pending breakpoints need a look at every module as it initialises. */
static void ensure_modload_bp(struct session *s)
{
	char *cause = NULL;
	uint64_t a;
	size_t i;

	if (s->modload_id > 0)
		return;
	for (i = 0; i < s->nbps; i++)
		if (s->bps[i].pending)
			break;
	if (i == s->nbps || kmodel_symbol_addr(s->k, "do_init_module", &a))
		return;
	s->modload_id = tracer_bp_insert(s->t, a, &cause);
	if (s->modload_id < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
	}
}

int session_add_breakpoint(struct session *s, const char *spec, FILE *err)
{
	struct breakpoint bp = { 0 };
	char *cause = NULL, *module, *symbol;
	uint64_t a;

	if (module_spec(spec, &module, &symbol)) {
		bp.module = module;
		bp.symbol = symbol;
		bp.pending = true;
		if (kmodel_symbol_addr(s->k, "do_init_module", &a) < 0) {
			fprintf(err, "umdbg: cannot catch module loads: no "
				"symbol 'do_init_module' in '%s'\n",
				kmodel_path(s->k));
			free(module);
			free(symbol);
			return -ENOENT;
		}
	} else if (kmodel_resolve(s->k, spec, &bp.addrs, &bp.naddrs,
				  &cause) < 0) {
		/* Not in the kernel: maybe in one of the guest's modules. */
		if (!strchr(spec, ':') && spec[0] != '*' &&
		    (bp.module = module_defining(s, spec))) {
			bp.symbol = xstrdup(spec);
			bp.pending = true;
			free(cause);
		} else {
			fprintf(err, "umdbg: %s%s\n", cause,
				strchr(spec, ':') || spec[0] == '*' ? "" :
				" (a module's symbol is MODULE:SYMBOL)");
			free(cause);
			return -ENOENT;
		}
	}
	bp.spec = xstrdup(spec);
	bp.num = s->next_bp_num++;
	bp.ids = xcalloc(bp.naddrs ? bp.naddrs : 1, sizeof(int));
	s->bps = xrealloc(s->bps, (s->nbps + 1) * sizeof(*s->bps));
	s->bps[s->nbps++] = bp;
	if (!s->t)
		return 0;	/* inserted after launch */
	if (bp.pending) {
		ensure_modload_bp(s);
		resolve_pending(s, 0, err);
		if (s->bps[s->nbps - 1].pending)
			fprintf(err, "breakpoint %d at %s pending until module "
				"'%s' loads\n", bp.num, spec, bp.module);
	} else {
		bp_insert_all(s, &s->bps[s->nbps - 1], err);
		fprintf(err, "breakpoint %d at %s (%zu location%s)\n", bp.num,
			spec, bp.naddrs, bp.naddrs == 1 ? "" : "s");
	}
	return 0;
}

static void insert_pending_breakpoints(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nbps; i++)
		if (!s->bps[i].pending)
			bp_insert_all(s, &s->bps[i], stderr);
	ensure_modload_bp(s);
}

static void rl_on_line(char *line);

static void prompt_enter(struct session *s)
{
	s->stopped = true;
	watch_refresh(s);	/* what a later trigger is compared with */
	if (s->tui) {
		tui_stopped(s->tui);
		return;
	}
	console_running(&s->con, false);
	rl_callback_handler_install("umdbg> ", rl_on_line);
}

static void prompt_leave(struct session *s)
{
	if (!s->stopped)
		return;
	s->stopped = false;
	if (s->tui) {
		tui_running(s->tui);
		return;
	}
	rl_callback_handler_remove();
	console_running(&s->con, true);
}

void session_leave_prompt(struct session *s)
{
	if (s->interactive)
		prompt_leave(s);
}

int session_resume(struct session *s)
{
	char *cause = NULL;
	int err;

	timeline_on_resume(s, false);
	err = tracer_resume(s->t, &cause);
	if (err < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		return -ESRCH;
	}
	if (err == 1)	/* a stop is waiting: the loop pumps on SIGCHLD */
		raise(SIGCHLD);
	s->pos_known = false;
	if (s->interactive)
		prompt_leave(s);
	return 0;
}

void session_note_step(struct session *s)
{
	timeline_on_resume(s, true);
	if (s->pos_known && (s->pos.kind == RR_POS_BP ||
			      s->pos.kind == RR_POS_START))
		s->pos.steps++;
	else
		s->pos_known = false;
}

static void end_guest(struct session *s, int code);

/* Handle a stop from the tracer: report, then prompt or end. */
/* watch_judged: session_stepi has already asked watch_is_silent. */
static bool stepi_ended(struct session *s, const struct tracer_stop *st);

/* --batch: the -ex commands at the stop, in order; <0 when one failed. */
static int run_batch(struct session *s)
{
	int i, err = 0;

	for (i = 0; i < s->nbatch; i++)
		if (cmd_execute(s, s->batch_cmds[i], stdout) < 0)
			err = -1;
	fflush(stdout);
	return err;
}

/* With --json or -F: the guest's console on stderr. */
static void console_to_stderr(void *arg, const void *buf, size_t len)
{
	(void)arg;
	fwrite(buf, 1, len, stderr);
}

static void on_stop(struct session *s, const struct tracer_stop *st,
		    bool watch_judged)
{
	struct breakpoint *bp;
	size_t i, j;

	console_drain(&s->con);
	if (!s->con.at_bol) {
		write_all(STDOUT_FILENO, "\n", 1);
		s->con.at_bol = true;
	}
	s->last_stop = *st;
	timeline_on_stop(s, st);
	if (s->stepi_waiting && stepi_ended(s, st))
		return;
	if (s->rr && rr_is_replay(s->rr))
		timeline_retry_points(s);
	if (st->kind == TRACER_STOP_BREAKPOINT && st->bp == s->modload_id) {
		struct user_regs_struct r;

		/* do_init_module(struct module *mod): rdi. */
		if (tracer_get_regs(s->t, st->tid, &r) == 0)
			resolve_pending(s, r.rdi, stderr);
		/* Silent, unless the user also breaks there. */
		if (!user_breakpoint(s, st->bp)) {
			session_resume(s);
			return;
		}
	}
	if (!watch_judged && watch_is_silent(s, st)) {
		session_resume(s);
		return;
	}
	switch (step_on_stop(s, st)) {
	case STEP_RUNNING:
		return;
	case STEP_DONE:
		if (s->interactive)
			prompt_enter(s);
		return;
	case STEP_NOT_MINE:
		break;
	}
	if (st->kind == TRACER_STOP_HOOK)
		fprintf(stderr, "umdbg: %s\n", rr_why(s->rr));
	if (gdbserver_connected(s->gdb))
		gdbserver_on_stop(s->gdb, st);
	switch (st->kind) {
	case TRACER_STOP_EXITED:
		if (s->killed_by_gdb) {
			end_guest(s, EXIT_GUEST_HALTED);
		} else if (st->status == 0) {
			fprintf(stderr, "umdbg: guest powered off\n");
			end_guest(s, EXIT_GUEST_HALTED);
		} else {
			fprintf(stderr, "umdbg: guest exited with status %d\n",
				st->status);
			end_guest(s, EXIT_GUEST_DIED);
		}
		return;
	case TRACER_STOP_KILLED:
		if (s->killed_by_gdb) {
			end_guest(s, EXIT_GUEST_HALTED);
		} else if (st->signo == SIGABRT) {
			fprintf(stderr, "umdbg: guest kernel panicked "
				"(UML aborted)\n");
			end_guest(s, EXIT_PANIC);
		} else {
			fprintf(stderr, "umdbg: guest killed by %s\n",
				signal_name(st->signo));
			end_guest(s, EXIT_GUEST_DIED);
		}
		return;
	case TRACER_STOP_BREAKPOINT:
		for (i = 0; i < s->nbps; i++)
			for (j = 0; j < s->bps[i].naddrs; j++)
				if (s->bps[i].ids[j] == st->bp) {
					bp = &s->bps[i];
					bp->hits++;
				}
		break;
	default:
		break;
	}
	if (gdbserver_connected(s->gdb))
		return;		/* gdb has it */
	if (!s->maps_reported && tracer_is_alive(s->t)) {
		/* Host libraries are mapped by now; their CFI lets
		 * backtraces cross UML's signal frames. */
		char *maps = xasprintf("/proc/%d/maps", tracer_pid(s->t));

		kmodel_report_maps(s->k, maps, NULL);
		free(maps);
		s->maps_reported = true;
	}
	if (s->tui)
		report_headline(s, stdout);	/* the panes show the rest */
	else {
		struct out *o = session_out(s, stdout);

		report_stop(s, o);
		out_free(o);
	}
	if (s->gdb) {
		fprintf(stderr, "umdbg: waiting for gdb on %s\n",
			gdbserver_where(s->gdb));
		return;
	}
	if (s->interactive) {
		prompt_enter(s);
		return;
	}
	if (s->batch && run_batch(s) < 0) {
		fprintf(stderr, "umdbg: a --batch command failed; ending the "
			"guest (exit status %d)\n", EXIT_ERROR);
		end_guest(s, EXIT_ERROR);
		return;
	}
	if (st->kind == TRACER_STOP_SIGNAL && st->signo == SIGABRT) {
		fprintf(stderr, "umdbg: guest kernel panicked; no terminal, "
			"ending the guest (exit status %d)\n", EXIT_PANIC);
		end_guest(s, EXIT_PANIC);
	} else if (st->kind == TRACER_STOP_SIGNAL) {
		/* A kernel fault: UML would make it a panic. */
		fprintf(stderr, "umdbg: guest kernel fault; no terminal, "
			"ending the guest (exit status %d)\n", EXIT_PANIC);
		end_guest(s, EXIT_PANIC);
	} else if (st->kind == TRACER_STOP_HOOK && !rr_at_end(s->rr)) {
		fprintf(stderr, "umdbg: the replay diverged; ending the guest "
			"(exit status %d)\n", EXIT_DIVERGED);
		end_guest(s, EXIT_DIVERGED);
	} else {
		fprintf(stderr, "umdbg: stopped; %s, ending the guest (exit "
			"status %d)\n", s->batch ? "--batch commands run" :
			"no terminal", EXIT_STOPPED);
		end_guest(s, EXIT_STOPPED);
	}
}

/* A replay's console output: the recorded bytes, where the live console
 * would have printed them. */
static void replay_console(void *arg, const void *buf, size_t len)
{
	struct session *s = arg;

	if (!len || s->quiet)
		return;
	if (s->con.sink) {	/* where the live console's output goes */
		s->con.sink(s->con.sink_arg, buf, len);
		return;
	}
	write_all(STDOUT_FILENO, buf, len);
	s->con.at_bol = ((const char *)buf)[len - 1] == '\n';
}

/* `umdbg trace info|dump TRACE` */
static int trace_command(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "info") && strcmp(argv[1], "dump")))
		die_usage("usage: umdbg trace info|dump TRACE");
	if (!strcmp(argv[1], "info"))
		return rr_trace_info(argv[2], stdout, stderr) ? EXIT_ERROR : 0;
	return rr_trace_dump(argv[2], stdout, stderr) ? EXIT_ERROR : 0;
}

/* The kernel path and arguments a trace was recorded with: its header's
 * command line, split at spaces (umdbg --record refuses arguments with
 * spaces). */
static char **split_cmdline(const char *cmdline, int *n)
{
	char *copy = xstrdup(cmdline), *save = NULL, *tok;
	char **v = xcalloc(strlen(cmdline) / 2 + 2, sizeof(*v));

	*n = 0;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		v[(*n)++] = xstrdup(tok);
	free(copy);
	return v;
}

static void hexify(char *out, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* Open a trace for `umdbg replay`: its kernel and arguments.  Exits
 * with a message on a bad trace. */
static void replay_open(struct session *s, const char *path,
			char ***argv_out, int *argc_out)
{
	char *cause = NULL;
	const struct trace_header *h;

	if (rr_replay_new(path, replay_console, s, &s->rr, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		exit(EXIT_ERROR);
	}
	h = rr_header(s->rr);
	*argv_out = split_cmdline(h->cmdline, argc_out);
	if (*argc_out < 1) {
		fprintf(stderr, "umdbg: '%s' names no kernel in its header\n",
			path);
		exit(EXIT_ERROR);
	}
}

/* Refuse to replay a trace against a kernel it was not recorded on. */
static int check_build_id(struct session *s, const char *kernel)
{
	const struct trace_header *h = rr_header(s->rr);
	uint8_t id[64];
	size_t n = kmodel_build_id(s->k, id, sizeof(id));
	char want[129], have[129];

	if (n == h->build_id_len && !memcmp(id, h->build_id, n))
		return 0;
	hexify(want, h->build_id, h->build_id_len);
	hexify(have, id, n);
	fprintf(stderr, "umdbg: '%s' was recorded with another kernel "
		"(build-id %s), not '%s' (build-id %s)\n", s->trace_path,
		h->build_id_len ? want : "none", kernel, n ? have : "none");
	return -1;
}

static void record_start(struct session *s, char **gargv)
{
	struct trace_header h;
	struct strbuf cmd;
	char *cause = NULL;
	int i;

	memset(&h, 0, sizeof(h));
	h.start_time = (uint64_t)time(NULL);
	h.build_id_len = kmodel_build_id(s->k, h.build_id,
					 sizeof(h.build_id));
	strbuf_init(&cmd);
	for (i = 0; gargv[i]; i++) {
		if (strchr(gargv[i], ' ')) {
			fprintf(stderr, "umdbg: cannot record a kernel "
				"argument with a space: '%s'\n", gargv[i]);
			exit(EXIT_ERROR);
		}
		strbuf_addf(&cmd, "%s%s", i ? " " : "",
			    i ? gargv[i] : s->kernel_abs);
	}
	h.cmdline = cmd.buf;
	if (rr_record_new(s->trace_path, &h, &s->rr, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		exit(EXIT_ERROR);
	}
	strbuf_release(&cmd);
}

/* After the run: close the recording and say how it went. */
static void rr_done(struct session *s)
{
	const struct tracer_stop *st = &s->last_stop;
	enum rr_end how = RR_END_STOPPED;
	int value = 0, err;

	if (!s->rr)
		return;
	if (rr_is_replay(s->rr)) {
		fprintf(stderr, "umdbg: replayed %llu events of '%s'\n",
			(unsigned long long)rr_event(s->rr), s->trace_path);
	} else {
		if (st->kind == TRACER_STOP_EXITED) {
			how = RR_END_EXITED;
			value = st->status;
		} else if (st->kind == TRACER_STOP_KILLED) {
			how = RR_END_KILLED;
			value = st->signo;
		}
		err = rr_finish(s->rr, how, value);
		if (err < 0) {
			fprintf(stderr, "umdbg: cannot write '%s': %s\n",
				s->trace_path, strerror(-err));
			s->exit_code = EXIT_ERROR;
		} else {
			fprintf(stderr, "umdbg: recorded %llu events into "
				"'%s'\n", (unsigned long long)rr_event(s->rr),
				s->trace_path);
		}
	}
	rr_free(s->rr);
	s->rr = NULL;
}

static const char *host_syscall_name(long nr)
{
	switch (nr) {
	case SYS_rt_sigsuspend: return "rt_sigsuspend";
	case SYS_wait4: return "wait4";
	case SYS_read: return "read";
	case SYS_poll: return "poll";
	case SYS_ppoll: return "ppoll";
	case SYS_epoll_wait: return "epoll_wait";
	case SYS_epoll_pwait: return "epoll_pwait";
	case SYS_nanosleep: return "nanosleep";
	case SYS_clock_nanosleep: return "clock_nanosleep";
	case SYS_pause: return "pause";
	default: return NULL;
	}
}

/* A step that waits for its host syscall: one line saying so. */
static void say_step_waits(struct session *s, pid_t tid, long nr, FILE *out)
{
	const char *name = host_syscall_name(nr);
	/* next and step say it under their own name */
	const char *cmd = s->step.mode != STEP_NONE ? s->step.name : "stepi";
	char num[32];

	snprintf(num, sizeof(num), "%ld", nr);
	if (nr == SYS_rt_sigsuspend)
		fprintf(out, "%s: the kernel is idle (host rt_sigsuspend); "
			"the step ends at the next interrupt (Ctrl-C stops "
			"it)\n", cmd);
	else
		fprintf(out, "%s: thread %d is in host syscall %s; the step "
			"ends when it returns (Ctrl-C stops it)\n", cmd,
			session_tid(s, tid), name ? name : num);
}

int session_stepi(struct session *s, FILE *out)
{
	struct tracer_stop st;
	char *cause = NULL, *str;
	long nr = tracer_step_syscall(s->t, 0);
	int err;

	session_note_step(s);
	err = tracer_step(s->t, 0, &st, &cause);
	if (err < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		return -ESRCH;
	}
	if (err == 0 && gdbserver_connected(s->gdb)) {
		/* gdb holds the guest stopped: no step may wait here. */
		tracer_interrupt(s->t);
		if (tracer_wait(s->t, &st, &cause) < 0) {
			free(cause);
			return -ESRCH;
		}
		s->last_stop = st;
		fprintf(out ? out : stdout, "stepi: thread %d is in a host "
			"syscall that may block; not stepped (gdb's own stepi "
			"waits for it)\n", session_tid(s, st.tid));
		return -EBUSY;
	}
	if (err == 0) {
		/* It waits in the event loop; on_stop says where it ends. */
		say_step_waits(s, tracer_pid(s->t), nr, out ? out : stdout);
		s->stepi_waiting = true;
		session_leave_prompt(s);
		return 1;
	}
	if (st.kind == TRACER_STOP_WATCH && watch_is_silent(s, &st)) {
		struct user_regs_struct r;

		st.kind = TRACER_STOP_STEP;	/* nothing to say */
		if (tracer_get_regs(s->t, st.tid, &r) == 0)
			st.addr = r.rip;
	}
	if (st.kind != TRACER_STOP_STEP) {
		prompt_leave(s);
		on_stop(s, &st, true);
		return -ESRCH;
	}
	s->last_stop = st;
	if (out) {
		str = where_line(s, st.addr);
		fprintf(out, "0x%016llx %s\n", (unsigned long long)st.addr,
			str);
		free(str);
	}
	return 0;
}

static void end_guest(struct session *s, int code)
{
	if (s->stopped)
		prompt_leave(s);
	tracer_kill(s->t);
	console_drain(&s->con);
	s->quit = true;
	s->exit_code = code;
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

/*
 * The end of a stepi that waited for a host syscall: where it is, as
 * stepi says it, then the steps left of `stepi N`, then the prompt.
 * False for another stop (Ctrl-C, a watchpoint...): on_stop reports it.
 */
static bool stepi_ended(struct session *s, const struct tracer_stop *st)
{
	uint64_t left = s->stepi_left;
	char *str;
	int err = 0;

	s->stepi_waiting = false;
	s->stepi_left = 0;
	if (st->kind != TRACER_STOP_STEP)
		return false;
	if (s->step.mode != STEP_NONE)
		return false;	/* step.c's line step goes on */
	if (!left) {
		str = where_line(s, st->addr);
		printf("0x%016llx %s\n", (unsigned long long)st->addr, str);
		free(str);
	}
	while (left && (err = session_stepi(s, left == 1 ? stdout : NULL)) == 0)
		left--;
	if (err == 1) {
		s->stepi_left = left - 1;
		return true;
	}
	if (err == 0 && s->interactive)
		prompt_enter(s);
	return true;
}

/* Ctrl-C: stop the running guest, or a line being stepped. */
static void session_interrupt(struct session *s)
{
	struct tracer_stop st = { .kind = TRACER_STOP_INTERRUPT,
				  .tid = s->last_stop.tid };
	struct user_regs_struct r;

	if (tracer_is_alive(s->t) && tracer_is_running(s->t)) {
		tracer_interrupt(s->t);
	} else if (s->step.pending) {
		step_cancel(s);
		if (tracer_get_regs(s->t, st.tid, &r) == 0)
			st.addr = r.rip;
		on_stop(s, &st, false);
	}
}

static void on_signal(struct session *s, int sig)
{
	switch (sig) {
	case SIGCHLD:
		for (;;) {
			struct tracer_stop st;
			char *cause = NULL;
			int r;

			if (!tracer_is_alive(s->t) || s->stopped)
				return;
			r = tracer_pump(s->t, &st, &cause);
			if (r < 0) {
				fprintf(stderr, "umdbg: %s\n", cause);
				free(cause);
				end_guest(s, EXIT_ERROR);
				return;
			}
			if (r == 0)
				return;
			on_stop(s, &st, false);
			if (s->quit)
				return;
		}
	case SIGWINCH:
		if (s->tui)
			tui_resize(s->tui);
		return;
	case SIGINT:
		if (s->stopped && !s->tui) {
			/* At the prompt: drop the line, as a shell does. */
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
		} else {
			session_interrupt(s);
		}
		return;
	default:
		fprintf(stderr, "\numdbg: %s: ending the guest\n",
			signal_name(sig));
		end_guest(s, 128 + sig);
		return;
	}
}

static void main_loop(struct session *s)
{
	while (!s->quit) {
		struct pollfd p[9];
		int n = 0, i_sig, i_out = -1, i_in = -1, i_to = -1;
		int i_lis = -1, i_cli = -1, i_ref = -1, i_tty = -1, i_pipe = -1;

		i_sig = n;
		p[n++] = (struct pollfd){ s->sigfd, POLLIN, 0 };
		if (s->con.from_guest >= 0) {
			i_out = n;
			p[n++] = (struct pollfd){ s->con.from_guest, POLLIN, 0 };
		}
		if (s->gdb) {
			i_lis = n;
			p[n++] = (struct pollfd){ gdbserver_listen_fd(s->gdb),
						  POLLIN, 0 };
			if (gdbserver_refused_fd(s->gdb) >= 0) {
				i_ref = n;
				p[n++] = (struct pollfd){
					gdbserver_refused_fd(s->gdb), POLLIN, 0 };
			}
			if (gdbserver_client_fd(s->gdb) >= 0) {
				i_cli = n;
				p[n++] = (struct pollfd){
					gdbserver_client_fd(s->gdb), POLLIN, 0 };
			}
		}
		if (s->tui) {
			i_tty = n;
			p[n++] = (struct pollfd){ tui_tty_fd(s->tui), POLLIN, 0 };
			i_pipe = n;
			p[n++] = (struct pollfd){ tui_pipe_fd(s->tui), POLLIN, 0 };
		} else if (s->stopped ||
			   (s->con.stdin_open && !s->con.pending.len)) {
			i_in = n;
			p[n++] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		}
		if (s->con.pending.len && !s->stopped) {
			i_to = n;
			p[n++] = (struct pollfd){ s->con.to_guest, POLLOUT, 0 };
		}
		if (poll(p, n, s->step.pending ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "umdbg: poll: %s\n", strerror(errno));
			end_guest(s, EXIT_ERROR);
			break;
		}
		if (i_out >= 0 && p[i_out].revents) {
			if (!console_drain(&s->con)) {
				close(s->con.from_guest);
				s->con.from_guest = -1;
			}
		}
		if (i_to >= 0 && p[i_to].revents)
			console_flush_to_guest(&s->con);
		if (i_pipe >= 0 && p[i_pipe].revents)
			tui_on_pipe(s->tui);
		if (i_tty >= 0 && p[i_tty].revents)
			tui_on_tty(s->tui);
		if (i_in >= 0 && p[i_in].revents) {
			if (s->stopped)
				rl_callback_read_char();
			else
				console_forward_stdin(&s->con);
		}
		if (i_cli >= 0 && p[i_cli].revents)
			gdbserver_read(s->gdb);
		if (i_ref >= 0 && p[i_ref].revents)
			gdbserver_drain_refused(s->gdb);
		if (i_lis >= 0 && p[i_lis].revents)
			gdbserver_accept(s->gdb);
		if (!tracer_is_alive(s->t) && !s->quit) {
			/* gdb killed it, or it died during a step. */
			end_guest(s, s->killed_by_gdb ? EXIT_GUEST_HALTED :
				  EXIT_GUEST_DIED);
			break;
		}
		if (p[i_sig].revents) {
			struct signalfd_siginfo si;

			while (read(s->sigfd, &si, sizeof(si)) ==
			       (ssize_t)sizeof(si)) {
				on_signal(s, (int)si.ssi_signo);
				if (s->quit)
					break;
			}
		}
		/* A line being stepped: the next slice, after the events. */
		if (s->step.pending && !s->quit &&
		    step_continue(s) == STEP_DONE && s->interactive)
			prompt_enter(s);
	}
}

/* Default kernel arguments for the built guest. */
static void default_args(char ***args, int *nargs, const char *rootfs,
			 const char *scenario)
{
	char **a = xcalloc(8, sizeof(*a));
	int n = 0;

	/* `many` keeps 1,000 tasks and their 32 KiB stacks alive. */
	a[n++] = xstrdup(scenario && !strcmp(scenario, "many") ? "mem=512M" :
			 "mem=128M");
	if (rootfs)
		a[n++] = xasprintf("initrd=%s", rootfs);
	a[n++] = xstrdup("con=null");
	a[n++] = xstrdup("con0=fd:0,fd:1");
	if (scenario && strcmp(scenario, "shell")) {
		/* Simulated time: no timer signals, reproducible. */
		a[n++] = xstrdup("time-travel=inf-cpu");
		a[n++] = xstrdup("time-travel-start=0");
	}
	*args = a;
	*nargs = n;
}

/* ---- the TUI's host -------------------------------------------------- */

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

static bool has_arg(char **args, int n, const char *prefix)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(args[i], prefix, strlen(prefix)))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static char long_ex[] = "--ex";
	static const struct option longopts[] = {
		{ "break", required_argument, NULL, 'b' },
		{ "watch", required_argument, NULL, 'w' },
		{ "scenario", required_argument, NULL, 's' },
		{ "log-lines", required_argument, NULL, 'n' },
		{ "gdb", required_argument, NULL, 'g' },
		{ "wait", no_argument, NULL, 'W' },
		{ "listen-any", no_argument, NULL, 'A' },
		{ "record", required_argument, NULL, 'r' },
		{ "tui", no_argument, NULL, 't' },
		{ "batch", no_argument, NULL, 'B' },
		{ "ex", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct session sess = { .next_bp_num = 1, .log_lines = 10 };
	struct session *s = &sess;
	const char *scenario = NULL, *kernel, *gdb_spec = NULL;
	bool gdb_wait = false, listen_any = false, use_tui = false;
	const char *replay_path = NULL;
	char **rargv = NULL;
	int rargc = 0;
	uint64_t cons_ino[2];
	char **specs = NULL, **kargs = NULL, **gargv, *watches[4];
	char *dir, *def_kernel, *def_rootfs, *cause = NULL, *umldir;
	int nspecs = 0, nwatch = 0, nkargs = 0, opt, i, gin, gout, err;
	struct tracer_launch l;
	struct stat stb;
	bool use_ns;
	sigset_t mask;
	uint64_t v;
	size_t si;

	/* A closed stdin/stdout/stderr must not be taken by our own fds. */
	for (i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0 && open("/dev/null", O_RDWR) != i)
			return EXIT_ERROR;
	log_init();
	opterr = 0;	/* one line of our own instead */
	if (argc >= 2 && !strcmp(argv[1], "trace"))
		return trace_command(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "replay")) {
		if (argc < 3 || argv[2][0] == '-')
			die_usage("usage: umdbg replay TRACE [options] [KERNEL]");
		replay_path = argv[2];
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	/* gdb spells it -ex: one dash, two letters */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-ex"))
			argv[i] = long_ex;
	while ((opt = getopt_long(argc, argv, "+b:w:s:n:g:r:tF:hV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'b':
			specs = xrealloc(specs, (nspecs + 1) * sizeof(*specs));
			specs[nspecs++] = optarg;
			break;
		case 'w':
			if (nwatch == 4)
				die_usage("at most 4 --watch: the CPU has four "
					  "debug registers");
			watches[nwatch++] = optarg;
			break;
		case 's':
			for (si = 0; si < ARRAY_SIZE(scenarios); si++)
				if (!strcmp(optarg, scenarios[si]))
					break;
			if (si == ARRAY_SIZE(scenarios))
				die_usage("unknown scenario '%s' (halt, panic, "
					  "oops, inspect, many, work, shell)",
					  optarg);
			scenario = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, &v) < 0 || v > 100000)
				die_usage("bad line count '%s'", optarg);
			s->log_lines = (int)v;
			break;
		case 'g':
			gdb_spec = optarg;
			break;
		case 'W':
			gdb_wait = true;
			break;
		case 'A':
			listen_any = true;
			break;
		case 'r':
			s->trace_path = optarg;
			break;
		case 't':
			use_tui = true;
			break;
		case 'B':
			s->batch = true;
			break;
		case 'e':
			s->batch_cmds = xrealloc(s->batch_cmds,
						 (s->nbatch + 1) *
						 sizeof(*s->batch_cmds));
			s->batch_cmds[s->nbatch++] = optarg;
			break;
		case 'J':
			s->out_mode = OUT_JSON;
			break;
		case 'F': {
			const char *why;

			if (!out_format_ok(optarg, &why))
				die_usage("bad -F format '%s': %s", optarg,
					  why);
			s->out_mode = OUT_FORMAT;
			s->out_format = optarg;
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("umdbg %s\n", UMDBG_VERSION);
			session_watch_mode(s);
			session_say_watch_mode(s, stdout);
			return 0;
		default:
			die_usage("bad option or missing argument: '%s'",
				  argv[optind - 1]);
		}
	}

	dir = self_dir();
	s->self_dir = dir;
	def_kernel = xasprintf("%s/guest/linux", dir);
	def_rootfs = xasprintf("%s/guest/rootfs.cpio.gz", dir);
	if (replay_path && (s->trace_path || scenario))
		die_usage("replay takes neither --record nor --scenario");
	if (replay_path && optind + 1 < argc)
		die_usage("replay takes no kernel arguments: they are in the "
			  "trace");
	if (replay_path) {
		s->trace_path = replay_path;
		replay_open(s, replay_path, &rargv, &rargc);
		/* The recorded kernel, or one named to stand in for it. */
		kernel = optind < argc ? argv[optind++] : rargv[0];
		nkargs = rargc - 1;
		kargs = xcalloc(nkargs + 6, sizeof(*kargs));
		for (i = 0; i < nkargs; i++)
			kargs[i] = rargv[i + 1];
	} else if (optind < argc) {
		kernel = argv[optind++];
	} else {
		kernel = def_kernel;
		if (stat(kernel, &stb) < 0) {
			fprintf(stderr, "umdbg: no guest kernel at '%s': run "
				"'make guest' first, or name a KERNEL\n",
				kernel);
			return EXIT_ERROR;
		}
	}
	if (replay_path) {
		/* arguments from the trace */
	} else if (optind < argc) {
		nkargs = argc - optind;
		kargs = xcalloc(nkargs + 6, sizeof(*kargs));
		for (i = 0; i < nkargs; i++)
			kargs[i] = xstrdup(argv[optind + i]);
	} else {
		default_args(&kargs, &nkargs,
			     stat(def_rootfs, &stb) == 0 ? def_rootfs : NULL,
			     scenario);
		kargs = xrealloc(kargs, (nkargs + 6) * sizeof(*kargs));
	}
	if (scenario)
		kargs[nkargs++] = xasprintf("umdbg.scenario=%s", scenario);

	err = kmodel_open(kernel, 0, &s->k, &cause);
	if (err) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return EXIT_ERROR;
	}
	if (replay_path && check_build_id(s, kernel) < 0)
		return EXIT_ERROR;
	s->kernel_abs = exec_file_for_gdb(kernel);
	if (gdb_wait && !gdb_spec)
		die_usage("--wait needs --gdb");
	if (s->nbatch && !s->batch)
		die_usage("-ex needs --batch");
	if (s->batch && (use_tui || gdb_spec))
		die_usage("--batch does not go with --tui or --gdb");
	if (s->out_mode != OUT_TEXT && use_tui)
		die_usage("--json and -F are for scripts, not --tui");
	if (use_tui && gdb_spec)
		die_usage("--tui and --gdb do not go together (gdb has its "
			  "own TUI: 'tui enable')");
	if (use_tui && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		die_usage("--tui needs a terminal on stdin and stdout");
	if (!kmodel_has_dwarf(s->k))
		fprintf(stderr, "umdbg: warning: '%s' has no debug info: "
			"backtraces will lack file:line\n", kernel);
	for (i = 0; i < nspecs; i++)
		if (session_add_breakpoint(s, specs[i], stderr) < 0)
			return EXIT_ERROR;
	if (nwatch && gdb_spec)
		die_usage("--watch and --gdb do not go together (gdb has its "
			  "own: 'watch')");
	for (i = 0; i < nwatch; i++)
		if (watch_check(s, watches[i], stderr) < 0)
			return EXIT_ERROR;

	/*
	 * UML's uml_dir (pid file, mconsole socket) and its memory file go
	 * to /dev/shm.  With namespaces the child covers /dev/shm with a
	 * private tmpfs, so a fixed name is safe (and keeps the command line
	 * reproducible); otherwise the name is ours and we remove it.
	 */
	use_ns = tracer_namespaces_available();
	if (s->trace_path && !use_ns) {
		fprintf(stderr, "umdbg: record and replay need PID and mount "
			"namespaces (run as root)\n");
		return EXIT_ERROR;
	}
	if (use_ns)
		umldir = xstrdup("/dev/shm/umdbg");
	else
		umldir = xasprintf("/dev/shm/umdbg.%d", (int)getpid());
	if (!has_arg(kargs, nkargs, "uml_dir="))
		kargs[nkargs++] = xasprintf("uml_dir=%s", umldir);
	if (!has_arg(kargs, nkargs, "umid="))
		kargs[nkargs++] = xstrdup("umid=umdbg");
	/*
	 * Recording in real time: the boot's delay-loop calibration spins
	 * until a timer signal moves jiffies, with no syscall where the
	 * recorder could deliver that signal.  A preset lpj skips it.
	 */
	if (s->trace_path && !replay_path &&
	    !has_arg(kargs, nkargs, "time-travel") &&
	    !has_arg(kargs, nkargs, "lpj="))
		kargs[nkargs++] = xstrdup("lpj=10000000");
	gargv = xcalloc(nkargs + 2, sizeof(*gargv));
	gargv[0] = (char *)kernel;
	for (i = 0; i < nkargs; i++)
		gargv[i + 1] = kargs[i];
	setenv("TMPDIR", "/dev/shm", 1);
	if (s->trace_path && !replay_path) {
		gargv[0] = s->kernel_abs;
		record_start(s, gargv);
	}

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (use_tui)
		sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd < 0) {
		fprintf(stderr, "umdbg: signalfd: %s\n", strerror(errno));
		return EXIT_ERROR;
	}
	if (gdb_spec &&
	    gdbserver_open(s, gdb_spec, listen_any, &s->gdb, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return EXIT_ERROR;
	}
	if (console_init(&s->con, &gin, &gout) < 0) {
		fprintf(stderr, "umdbg: pipe: %s\n", strerror(errno));
		return EXIT_ERROR;
	}
	s->interactive = s->con.tty && !s->batch;
	if (s->out_mode != OUT_TEXT) {
		/* stdout holds only the rows */
		s->con.sink = console_to_stderr;
		s->con.sink_arg = NULL;
	}
	if (use_tui) {
		struct tui_host host = {
			.arg = s, .run = tui_run, .commands = cmd_names(),
			.to_guest = tui_to_guest, .interrupt = tui_interrupt,
			.timeline = tui_timeline,
		};

		if (tui_open(&host, &s->tui, &cause) < 0) {
			fprintf(stderr, "umdbg: %s\n", cause);
			return EXIT_ERROR;
		}
		s->interactive = true;
		s->con.tty = false;	/* curses has the terminal */
		s->con.stdin_open = false;
		s->con.sink = tui_console_sink;
		s->con.sink_arg = s->tui;
	}
	cons_ino[0] = fstat(gin, &stb) == 0 ? stb.st_ino : 0;
	cons_ino[1] = fstat(gout, &stb) == 0 ? stb.st_ino : 0;
	if (s->rr) {
		rr_set_console(s->rr, cons_ino);
		/* A replay's input is in its trace. */
		if (replay_path)
			s->con.stdin_open = false;
	}

	memset(&l, 0, sizeof(l));
	l.path = kernel;
	l.argv = gargv;
	l.stdin_fd = gin;
	l.stdout_fd = gout;
	l.stderr_fd = gout;
	l.namespaces = use_ns;
	l.private_tmpfs = stat("/dev/shm", &stb) == 0 ? "/dev/shm" : NULL;
	l.block_sigchld = true;
	l.no_aslr = true;
	if (s->rr) {
		/* The same bytes on the new stack in recording and replay:
		 * one path, one environment. */
		static char tmpdir[] = "TMPDIR=/dev/shm",
			    path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		static char *const rr_env[] = { tmpdir, path, NULL };

		l.seccomp = rr_seccomp_filter();
		l.envp = rr_env;
		l.path = gargv[0];
	}
	session_watch_mode(s);
	err = tracer_launch(&l, &s->t, &cause);
	s->launch = l;
	if (!err)
		tracer_set_hw_emulation(s->t, s->hw_emulated);
	if (!replay_path) {
		close(gin);
		close(gout);
	}
	if (err) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return EXIT_ERROR;
	}
	if (use_ns && !tracer_has_namespaces(s->t)) {
		/* The probe said yes, the launch could not: the uml_dir is on
		 * the host's /dev/shm after all, so it is ours to remove. */
		fprintf(stderr, "umdbg: warning: the guest runs without its "
			"own namespaces\n");
		use_ns = false;
	}
	if (s->rr && rr_attach(s->rr, s->t, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		tracer_free(s->t);
		return EXIT_ERROR;
	}
	kmodel_set_mem(s->k, &(struct kmodel_mem){ session_mem_read, s->t });
	tracer_set_fault_filter(s->t, real_fault, s);
	insert_pending_breakpoints(s);
	for (i = 0; i < nwatch; i++) {
		char *line = xasprintf("watch %s", watches[i]);

		err = cmd_execute(s, line, stderr);
		free(line);
		if (err) {
			tracer_free(s->t);
			return EXIT_ERROR;
		}
	}
	rl_session = s;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;

	s->last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC,
					     .tid = tracer_pid(s->t) };
	s->pos = (struct rr_pos){ .kind = RR_POS_START };
	s->pos_known = true;
	if (gdb_wait) {
		fprintf(stderr, "umdbg: the kernel waits at its first "
			"instruction for gdb on %s\n",
			gdbserver_where(s->gdb));
	} else {
		console_running(&s->con, true);
		if (session_resume(s) < 0)
			end_guest(s, EXIT_ERROR);
	}
	main_loop(s);
	gdbserver_close(s->gdb);
	rr_done(s);

	if (s->tui) {
		/* The guest ended by itself: let the user read why. */
		if (!s->user_quit && s->exit_code < 128)
			tui_ended(s->tui, "the guest ended");
		tui_close(s->tui);
		s->tui = NULL;
	} else if (s->stopped) {
		rl_callback_handler_remove();
	}
	tracer_free(s->t);
	console_drain(&s->con);
	console_restore(&s->con);
	/* Without namespaces the uml_dir is on the host's /dev/shm. */
	if (!use_ns && rm_rf(umldir) < 0 && errno != ENOENT)
		fprintf(stderr, "umdbg: cannot remove '%s': %s\n", umldir,
			strerror(errno));
	kmodel_free(s->k);
	return s->exit_code;
}
