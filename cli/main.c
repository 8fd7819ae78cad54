/*
 * cli/main.c - umdbg's entry point: the command line (options.c) becomes
 * a session - the kernel model, the guest's arguments, the front ends
 * (prompt, gdb server, TUI), the traced guest - and then the event loop
 * (loop.c) runs it to its end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/readline.h>

#include "cli.h"
#include "timeline.h"
#include "../tui/tui.h"

/* Was the trace being replayed recorded with --no-confine?  Its replay
 * runs the same way: the guest's uid and view of the host are part of
 * what it did. */
static bool replay_unconfined(struct session *s)
{
	return rr_header(s->rr)->flags & TRACE_HDR_UNCONFINED;
}

static void kernel_advice(struct session *s, const struct options *o);

/* The kernel model, and what the command line asks of it. */
static int open_model(struct session *s, const struct options *o)
{
	char *cause = NULL;
	int i;

	if (kmodel_open(o->kernel, 0, &s->k, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return -1;
	}
	if (o->replay_path && check_build_id(s, o->kernel) < 0)
		return -1;
	if (o->replay_path && replay_unconfined(s))
		fprintf(stderr, "umdbg: warning: '%s' was recorded with "
			"--no-confine: its replay runs unconfined too "
			"(docs/security.md)\n", o->replay_path);
	if (shares_setup(s, o->kernel, o->kargs, o->nkargs,
			 o->replay_path != NULL) < 0)
		return -1;
	s->kernel_abs = exec_file_for_gdb(o->kernel);
	if (o->use_tui && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		die_usage("--tui needs a terminal on stdin and stdout");
	for (i = 0; i < o->nspecs; i++)
		if (session_add_breakpoint(s, o->specs[i], stderr) < 0)
			return -1;
	for (i = 0; i < o->ncatches; i++)
		if (session_add_catch(s, o->catches[i], stderr) < 0)
			return -1;
	for (i = 0; i < o->nwatch; i++)
		if (watch_check(s, o->watches[i], stderr) < 0)
			return -1;
	/* After the checks: an error above stays the one line it says. */
	kernel_advice(s, o);
	return 0;
}

/*
 * What a kernel of the user's own lacks, one line each, with the fix:
 * debug info; the xstate patch on a host whose XSAVE area is not the
 * 2696 bytes UML 6.12 assumes (it dies at its first user process); gdb's
 * scripts, when gdb is served.
 */
static void kernel_advice(struct session *s, const struct options *o)
{
	uint64_t a;
	int xs;

	if (!kmodel_has_dwarf(s->k))
		fprintf(stderr, "umdbg: warning: '%s' has no debug info: "
			"backtraces will lack file:line (build it with "
			"CONFIG_DEBUG_INFO_DWARF5=y, as 'umdbg guest build "
			"--src TREE' does)\n", o->kernel);
	if (kmodel_symbol_addr(s->k, "have_xstate_support", &a) == 0 &&
	    kmodel_symbol_addr(s->k, "host_fp_size", &a) < 0 &&
	    (xs = host_xstate_size()) > UML_XSTATE_SIZE)
		fprintf(stderr, "umdbg: warning: '%s' is UML without umdbg's "
			"xstate patch, and this host's XSAVE area is %d bytes, "
			"not %d: it will die at its first user process "
			"('ptrace set fp regs failed'); 'umdbg guest build "
			"--src TREE' applies the patch\n", o->kernel, xs,
			UML_XSTATE_SIZE);
	if (o->gdb_spec && !o->replay_path) {
		char *py = xasprintf("%s-gdb.py", s->kernel_abs);
		char *dir = xstrdup(s->kernel_abs), *slash = strrchr(dir, '/');
		char *vm;

		if (slash)
			*slash = '\0';
		vm = xasprintf("%s/vmlinux-gdb.py", slash ? dir : ".");
		if (access(py, R_OK) < 0 && access(vm, R_OK) < 0)
			fprintf(stderr, "umdbg: note: no vmlinux-gdb.py beside "
				"'%s': gdb's lx- commands need "
				"CONFIG_GDB_SCRIPTS=y and 'make scripts_gdb'\n",
				o->kernel);
		free(py);
		free(vm);
		free(dir);
	}
}

/*
 * The guest's argv.  UML's uml_dir (pid file, mconsole socket) and its
 * memory file go to /dev/shm.  With namespaces the child covers /dev/shm
 * with a private tmpfs, so a fixed name is safe (and keeps the command
 * line reproducible); otherwise the name is ours and we remove it.
 */
static char **guest_argv(struct session *s, struct options *o, bool use_ns,
			 char **umldir)
{
	char **gargv, *root;
	int i;

	*umldir = use_ns ? xstrdup("/dev/shm/umdbg") :
		xasprintf("/dev/shm/umdbg.%d", (int)getpid());
	if (!has_arg(o->kargs, o->nkargs, "uml_dir="))
		o->kargs[o->nkargs++] = xasprintf("uml_dir=%s", *umldir);
	/* hostfs reaches the shares and nothing else (share.c); a replay
	 * keeps its recording's command line. */
	root = share_root(use_ns);
	if (!o->replay_path && !has_arg(o->kargs, o->nkargs, "hostfs="))
		o->kargs[o->nkargs++] = xasprintf("hostfs=%s", root);
	s->share_root = root;
	if (!has_arg(o->kargs, o->nkargs, "umid="))
		o->kargs[o->nkargs++] = xstrdup("umid=umdbg");
	/*
	 * Recording in real time: the boot's delay-loop calibration spins
	 * until a timer signal moves jiffies, with no syscall where the
	 * recorder could deliver that signal.  A preset lpj skips it.
	 */
	if (s->trace_path && !o->replay_path &&
	    !has_arg(o->kargs, o->nkargs, "time-travel") &&
	    !has_arg(o->kargs, o->nkargs, "lpj="))
		o->kargs[o->nkargs++] = xstrdup("lpj=10000000");
	gargv = xcalloc(o->nkargs + 2, sizeof(*gargv));
	gargv[0] = (char *)o->kernel;
	for (i = 0; i < o->nkargs; i++)
		gargv[i + 1] = o->kargs[i];
	setenv("TMPDIR", "/dev/shm", 1);
	if (s->trace_path && !o->replay_path) {
		gargv[0] = s->kernel_abs;
		record_start(s, gargv, o->no_confine);
	}
	return gargv;
}

/* Signals through a signalfd, the gdb server, the console, the TUI. */
static int open_front_ends(struct session *s, const struct options *o,
			   int *gin, int *gout)
{
	uint64_t cons_ino[2];
	char *cause = NULL;
	struct stat stb;
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	if (o->use_tui)
		sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd < 0) {
		fprintf(stderr, "umdbg: signalfd: %s\n", errstr(errno));
		return -1;
	}
	if (o->gdb_spec && gdbserver_open(s, o->gdb_spec, o->listen_any,
					  &s->gdb, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return -1;
	}
	if (console_init(&s->con, gin, gout) < 0) {
		fprintf(stderr, "umdbg: pipe: %s\n", errstr(errno));
		return -1;
	}
	s->interactive = s->con.tty && !s->batch;
	if (s->out_mode != OUT_TEXT) {
		/* stdout holds only the rows */
		s->con.sink = console_to_stderr;
		s->con.sink_arg = NULL;
	}
	if (o->use_tui && session_open_tui(s, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return -1;
	}
	cons_ino[0] = fstat(*gin, &stb) == 0 ? stb.st_ino : 0;
	cons_ino[1] = fstat(*gout, &stb) == 0 ? stb.st_ino : 0;
	if (s->rr) {
		rr_set_console(s->rr, cons_ino);
		/* A replay's input is in its trace. */
		if (o->replay_path)
			s->con.stdin_open = false;
	}
	return 0;
}

/*
 * The uid and gid a confined guest runs as (docs/security.md): above the
 * ranges Debian, systemd and subordinate ids hand out, so no file on the
 * host is its own, and only umdbg's guests use it (each in a PID
 * namespace of its own, so one cannot signal another).
 */
#define CONFINE_ID 2000000000u

/* The guest under the tracer, with its breakpoints and watchpoints. */
static int launch_guest(struct session *s, const struct options *o,
			char **gargv, int gin, int gout, bool *use_ns)
{
	struct tracer_launch l;
	char *cause = NULL;
	struct stat stb;
	int err, i;

	memset(&l, 0, sizeof(l));
	l.path = o->kernel;
	l.argv = gargv;
	l.stdin_fd = gin;
	l.stdout_fd = gout;
	l.stderr_fd = gout;
	l.namespaces = *use_ns;
	l.private_tmpfs = stat("/dev/shm", &stb) == 0 ? "/dev/shm" : NULL;
	l.block_sigchld = true;
	l.no_aslr = true;
	if (*use_ns && !o->no_confine &&
	    !(o->replay_path && replay_unconfined(s))) {
		/* by the path it is given at in the confined root */
		l.confine = true;
		l.confine_id = CONFINE_ID;
		l.path = realpath(o->kernel, NULL);
		if (!l.path)
			l.path = s->kernel_abs;
	}
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
	launch_gives(s, o, &l);
	session_watch_mode(s);
	err = tracer_launch(&l, &s->t, &cause);
	s->launch = l;
	if (!err)
		tracer_set_hw_emulation(s->t, s->hw_emulated);
	for (i = 0; !err && l.confine && i < l.ngive; i++)
		if (l.give[i].writable && !l.give[i].idmapped &&
		    !o->replay_path)
			fprintf(stderr, "umdbg: warning: the guest may write "
				"to '%s' only where anyone may (its file "
				"system cannot show it as the guest's)\n",
				l.give[i].src);
	if (!o->replay_path) {
		close(gin);
		close(gout);
	}
	if (err) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return -1;
	}
	if (*use_ns && !tracer_has_namespaces(s->t)) {
		/* The probe said yes, the launch could not: the uml_dir is on
		 * the host's /dev/shm after all, so it is ours to remove. */
		fprintf(stderr, "umdbg: warning: the guest runs without its "
			"own namespaces\n");
		*use_ns = false;
	}
	if (s->rr && rr_attach(s->rr, s->t, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		return -1;
	}
	kmodel_set_mem(s->k, &(struct kmodel_mem){ session_mem_read, s->t });
	tracer_set_fault_filter(s->t, real_fault, s);
	insert_pending_breakpoints(s);
	for (i = 0; i < o->nwatch; i++) {
		char *line = xasprintf("watch %s", o->watches[i]);

		err = cmd_execute(s, line, stderr);
		free(line);
		if (err)
			return -1;
	}
	return 0;
}

/* The loop ended: give back the terminal, end the guest, tidy up. */
static void finish(struct session *s, bool use_ns, const char *umldir)
{
	gdbserver_close(s->gdb);
	rr_done(s);
	if (s->tui) {
		/* The guest ended by itself: let the user read why. */
		if (!s->user_quit && s->exit_code < 128)
			tui_ended(s->tui, "the guest ended");
		tui_close(s->tui);
		termguard_tui(false);
		s->tui = NULL;
	} else if (s->stopped) {
		rl_callback_handler_remove();
	}
	ck_free(s->ck);
	s->ck = NULL;
	tracer_free(s->t);
	console_drain(&s->con);
	console_restore(&s->con);
	/* Without namespaces the uml_dir is on the host's /dev/shm. */
	if (!use_ns && rm_rf(umldir) < 0 && errno != ENOENT)
		fprintf(stderr, "umdbg: cannot remove '%s': %s\n", umldir,
			errstr(errno));
	kmodel_free(s->k);
}

#ifdef UMDBG_ASAN
/* make check ASAN=1: what the session holds until umdbg exits is not a
 * leak (the sanitizers' own option, read before main). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

int main(int argc, char **argv)
{
	struct session sess = { .next_bp_num = 1, .log_lines = 10,
				.run_left_ms = -1 };
	struct session *s = &sess;
	struct options o;
	char **gargv, *umldir;
	int i, gin, gout;
	bool use_ns;

	/* A closed stdin/stdout/stderr must not be taken by our own fds. */
	for (i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0 && open("/dev/null", O_RDWR) != i)
			return EXIT_ERROR;
	log_init();
	if (argc >= 2 && !strcmp(argv[1], "trace"))
		return trace_command(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "module"))
		return module_command(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "guest"))
		return guest_command(argc - 1, argv + 1);
	if (options_parse(argc, argv, s, &o) < 0 || open_model(s, &o) < 0)
		return EXIT_ERROR;
	use_ns = tracer_namespaces_available();
	if (s->trace_path && !use_ns) {
		fprintf(stderr, "umdbg: record and replay need PID and mount "
			"namespaces (run as root)\n");
		return EXIT_ERROR;
	}
	if (!use_ns && !o.replay_path)
		fprintf(stderr, "umdbg: warning: without namespaces (run as "
			"root) the guest is not confined: it runs as you, with "
			"your files in view (docs/security.md)\n");
	if (s->nshares && !use_ns) {
		fprintf(stderr, "umdbg: --share needs a mount namespace (run "
			"as root)\n");
		return EXIT_ERROR;
	}
	gargv = guest_argv(s, &o, use_ns, &umldir);
	termguard_start();
	if (open_front_ends(s, &o, &gin, &gout) < 0)
		return EXIT_ERROR;
	if (launch_guest(s, &o, gargv, gin, gout, &use_ns) < 0) {
		tracer_free(s->t);
		return EXIT_ERROR;
	}
	timeline_init(s, &session_target, s);
	ck_init(s, &o.ck);
	step_init(s);
	prompt_init(s);
	s->last_stop = (struct tracer_stop){ .kind = TRACER_STOP_EXEC,
					     .tid = tracer_pid(s->t) };
	s->tl.pos = (struct rr_pos){ .kind = RR_POS_START };
	s->tl.pos_known = true;
	if (o.gdb_wait) {
		fprintf(stderr, "umdbg: the kernel waits at its first "
			"instruction for gdb on %s\n",
			s->gdb_where);
	} else {
		console_running(&s->con, true);
		if (session_resume(s) < 0)
			end_guest(s, EXIT_ERROR);
	}
	main_loop(s);
	finish(s, use_ns, umldir);
	return s->exit_code;
}
