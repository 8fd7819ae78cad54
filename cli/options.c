/*
 * cli/options.c - umdbg's command line: the options, the kernel and its
 * arguments (the built guest's defaults, the user's, or a trace's).
 * Usage errors are one line and exit status 1 (die_usage).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buildinfo.h"
#include "cli.h"

static const char usage_text[] =
"usage: umdbg [options] [KERNEL [KERNEL-ARGS...]]\n"
"       umdbg replay TRACE [options]\n"
"       umdbg trace info|dump TRACE\n"
"       umdbg module [--flavour debug] DIR [TARGET...]\n"
"       umdbg guest build [--flavour default|debug] [--src DIR|TARBALL]\n"
"                         [--config FILE] [--name NAME]\n"
"\n"
"Run a UML kernel under umdbg's supervisor and stop it where you ask.\n"
"KERNEL defaults to the built guest ('umdbg guest build' builds it).\n"
"\n"
"  -b, --break LOC        stop at LOC: SYMBOL, *EXPR or FILE:LINE\n"
"                         (repeatable; 'panic' is the classic)\n"
"      --catch KIND       stop where the kernel is about to report KIND:\n"
"                         warn, bug, oops, panic, kasan, lockdep or hung,\n"
"                         with the culprit's frame selected (repeatable)\n"
"  -w, --watch EXPR       stop when a write changes EXPR (a variable, an\n"
"                         lvalue, *ADDR); up to 4 (the debug registers, or\n"
"                         page protection where they do not trap);\n"
"                         'EXPR if COND': only where COND holds\n"
"  -s, --scenario NAME    run the built guest's scenario NAME:\n"
"                         halt, panic, oops, inspect, many, work or shell\n"
"      --run CMD          the guest runs the shell command CMD after boot,\n"
"                         then powers off (exit status 6 if CMD fails)\n"
"      --share DIR        the guest sees DIR (read-write) as /share/NAME,\n"
"                         NAME being DIR's last component (repeatable)\n"
"      --real-time        with --run or --scenario: the guest keeps the\n"
"                         host's clock, so timer interrupts (and races)\n"
"                         come when the host's timer fires; by default\n"
"                         time is simulated and every run is the same\n"
"      --flavour NAME     another built guest: debug (KASAN, lockdep,\n"
"                         DEBUG_LIST, SLUB debugging; 'umdbg guest build\n"
"                         --flavour debug'), or one built with 'umdbg\n"
"                         guest build --name NAME'\n"
"  -n, --log-lines N      kernel log lines in the stop report (10)\n"
"      --timeout SECS     end the guest when it has run SECS seconds (the\n"
"                         time it spends stopped does not count); exit\n"
"                         status 7\n"
"  -g, --gdb [HOST:]PORT|unix:PATH\n"
"                         serve gdb there (loopback only; port 0 picks one)\n"
"      --wait             with --gdb: hold the kernel at its first\n"
"                         instruction until gdb connects\n"
"      --listen-any       allow --gdb on a non-loopback address\n"
"      --no-confine       run the guest as root with the host's files in\n"
"                         view (by default it runs as an unprivileged uid\n"
"                         in a root of its own: docs/security.md)\n"
"  -r, --record TRACE     record the kernel's host syscalls and signals\n"
"                         into TRACE, for 'umdbg replay TRACE'\n"
"      --checkpoints N    replay: keep up to N checkpoints (64; 0: none),\n"
"                         so going back restores the nearest one instead\n"
"                         of re-running from the start\n"
"      --checkpoint-mem MB  replay: their copies of guest memory take at\n"
"                         most MB (default: the guest's memory size)\n"
"      --checkpoint-every MS  replay: one per MS ms of running (250)\n"
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
"4 guest died another way, 5 a replay diverged from its recording,\n"
"6 --run's command failed (the guest powered off normally),\n"
"7 --timeout: the guest ran too long.\n"
"\n"
"'umdbg replay TRACE' runs the recorded kernel again, exactly, with\n"
"--break, --gdb and the prompt as above; it needs no input, terminal or\n"
"clock, and stops at the end of the recording.  'trace info' summarises\n"
"a trace, 'trace dump' prints its events one per line.\n"
"\n"
"'umdbg module DIR' builds the out-of-tree module in DIR (a Kbuild or\n"
"Makefile: obj-m += NAME.o) against the built guest's kernel tree;\n"
"then 'umdbg --share DIR --run \"insmod /share/NAME/NAME.ko\"' loads it.\n"
"\n"
"'umdbg guest build' builds the guest kernel (Debian's linux-source-6.12\n"
"with umdbg's patches and config) and its root filesystem into the cache\n"
"(~/.cache/umdbg, or $UMDBG_CACHE); a second run is instant.  --src builds\n"
"another 6.12 source (a tarball, or your tree, copied), --config starts\n"
"from your configuration (it lists each option umdbg had to change); such\n"
"a guest is NAME (default: custom): run it with --flavour NAME.\n";

static const char *const scenarios[] = {
	"halt", "panic", "oops", "inspect", "many", "work", "shell",
};

void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "umdbg: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; try 'umdbg --help'\n");
	exit(EXIT_ERROR);
}

/*
 * The path gdb gets from qXfer:exec-file.  A kernel build links `linux`
 * and `vmlinux` to the same file; the kernel's lx-symbols looks for an
 * objfile named vmlinux, so name that one when it is the same file.
 */
char *exec_file_for_gdb(const char *kernel)
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

/* Default kernel arguments for the built guest. */
static void default_args(char ***args, int *nargs, const char *rootfs,
			 const char *scenario, bool run, bool real_time)
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
	/* Input from a file or a pipe: the shell scenario reads commands
	 * without a prompt and powers off at their end (umdbg sends the
	 * guest's tty a ^D when its stdin ends). */
	if (!isatty(STDIN_FILENO) && !run &&
	    (!scenario || !strcmp(scenario, "shell")))
		a[n++] = xstrdup("umdbg.input=file");
	if (!real_time && (run || (scenario && strcmp(scenario, "shell")))) {
		/* Simulated time: no timer signals, reproducible. */
		a[n++] = xstrdup("time-travel=inf-cpu");
		a[n++] = xstrdup("time-travel-start=0");
	}
	*args = a;
	*nargs = n;
}

/* ---- the TUI's host -------------------------------------------------- */

bool has_arg(char **args, int n, const char *prefix)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(args[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* The options up to KERNEL. */
static void parse_flags(int argc, char **argv, struct session *s,
			struct options *o)
{
	static const struct option longopts[] = {
		{ "break", required_argument, NULL, 'b' },
		{ "watch", required_argument, NULL, 'w' },
		{ "catch", required_argument, NULL, 'c' },
		{ "scenario", required_argument, NULL, 's' },
		{ "log-lines", required_argument, NULL, 'n' },
		{ "gdb", required_argument, NULL, 'g' },
		{ "wait", no_argument, NULL, 'W' },
		{ "listen-any", no_argument, NULL, 'A' },
		{ "no-confine", no_argument, NULL, 'C' },
		{ "record", required_argument, NULL, 'r' },
		{ "tui", no_argument, NULL, 't' },
		{ "batch", no_argument, NULL, 'B' },
		{ "ex", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'F' },
		{ "run", required_argument, NULL, 'R' },
		{ "share", required_argument, NULL, 'S' },
		{ "flavour", required_argument, NULL, 'f' },
		{ "real-time", no_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 'O' },
		{ "checkpoints", required_argument, NULL, 'K' },
		{ "checkpoint-mem", required_argument, NULL, 'M' },
		{ "checkpoint-every", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	size_t si;
	int opt;

	opterr = 0;	/* one line of our own instead */
	while ((opt = getopt_long(argc, argv, "+b:w:s:n:g:r:tF:hV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'b':
			o->specs = xrealloc(o->specs, (o->nspecs + 1) *
					    sizeof(*o->specs));
			o->specs[o->nspecs++] = optarg;
			break;
		case 'c':
			o->catches = xrealloc(o->catches, (o->ncatches + 1) *
					      sizeof(*o->catches));
			o->catches[o->ncatches++] = optarg;
			break;
		case 'w':
			if (o->nwatch == 4)
				die_usage("at most 4 --watch: the CPU has four "
					  "debug registers");
			o->watches[o->nwatch++] = optarg;
			break;
		case 's':
			for (si = 0; si < ARRAY_SIZE(scenarios); si++)
				if (!strcmp(optarg, scenarios[si]))
					break;
			if (si == ARRAY_SIZE(scenarios))
				die_usage("unknown scenario '%s' (halt, panic, "
					  "oops, inspect, many, work, shell)",
					  optarg);
			o->scenario = optarg;
			break;
		case 'R':
			if (!*optarg)
				die_usage("--run needs a command");
			o->run_cmd = optarg;
			break;
		case 'S':
			o->shares = xrealloc(o->shares, (o->nshares + 1) *
					     sizeof(*o->shares));
			o->shares[o->nshares++] = share_arg(optarg);
			break;
		case 'T':
			o->real_time = true;
			break;
		case 'K':
			if (parse_u64(optarg, &v) < 0 || v > 100000)
				die_usage("bad --checkpoints '%s': a count, from "
					  "0 to 100000", optarg);
			o->ck.max_count = (size_t)v;
			break;
		case 'M':
			if (parse_u64(optarg, &v) < 0 || !v || v > (1u << 24))
				die_usage("bad --checkpoint-mem '%s': MB, from 1 "
					  "to 16777216", optarg);
			o->ck.max_bytes = v << 20;
			break;
		case 'E':
			if (parse_u64(optarg, &v) < 0 || !v || v > 3600000)
				die_usage("bad --checkpoint-every '%s': ms, from "
					  "1 to 3600000", optarg);
			o->ck.interval_ns = v * 1000000;
			break;
		case 'O':
			if (parse_u64(optarg, &v) < 0 || !v || v > 1000000)
				die_usage("bad --timeout '%s': seconds, from 1 "
					  "to 1000000", optarg);
			s->timeout_s = (unsigned)v;
			s->run_left_ms = (int64_t)v * 1000;
			break;
		case 'f':
			if (!guest_name_ok(optarg))
				die_usage("bad flavour '%s' (default, debug, or "
					  "a name given to 'umdbg guest build "
					  "--name')", optarg);
			o->flavour = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, &v) < 0 || v > 100000)
				die_usage("bad line count '%s'", optarg);
			s->log_lines = (int)v;
			break;
		case 'g':
			o->gdb_spec = optarg;
			break;
		case 'W':
			o->gdb_wait = true;
			break;
		case 'A':
			o->listen_any = true;
			break;
		case 'C':
			o->no_confine = true;
			break;
		case 'r':
			s->trace_path = optarg;
			break;
		case 't':
			o->use_tui = true;
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
			exit(0);
		case 'V': {
			char *recipe = recipe_dir();
			int xs = host_xstate_size();

			printf("umdbg %s (commit %s)\n", UMDBG_VERSION,
			       UMDBG_COMMIT);
			printf("guest recipe: %s (%s)\n", UMDBG_RECIPE, recipe);
			if (xs > 0)
				printf("host: XSAVE area %d bytes (UML 6.12 "
				       "assumes %d; the recipe's xstate patch "
				       "asks the host)\n", xs, UML_XSTATE_SIZE);
			session_watch_mode(s);
			session_say_watch_mode(s, stdout);
			free(recipe);
			exit(0);
		}
		default:
			die_usage("bad option or missing argument: '%s'",
				  argv[optind - 1]);
		}
	}
}

/* The kernel and its arguments (room for 6 more), from the trace, the
 * command line or the built guest's defaults; -1 when there is none. */
static int pick_kernel(int argc, char **argv, struct session *s,
		       struct options *o)
{
	bool other = o->flavour && strcmp(o->flavour, "default");
	char *def_kernel, *def_rootfs, **rargv = NULL;
	int rargc = 0, i;
	struct stat stb;

	def_kernel = xasprintf("%s/linux", s->guest_dir);
	def_rootfs = xasprintf("%s/rootfs.cpio.gz", s->guest_dir);
	if (o->replay_path) {
		s->trace_path = o->replay_path;
		replay_open(s, o->replay_path, &rargv, &rargc);
		/* The recorded kernel, or one named to stand in for it. */
		o->kernel = optind < argc ? argv[optind++] : rargv[0];
		o->nkargs = rargc - 1;
		o->kargs = xcalloc(o->nkargs + 6, sizeof(*o->kargs));
		for (i = 0; i < o->nkargs; i++)
			o->kargs[i] = rargv[i + 1];
	} else if (optind < argc) {
		o->kernel = argv[optind++];
		o->nkargs = argc - optind;
		o->kargs = xcalloc(o->nkargs + 6, sizeof(*o->kargs));
		for (i = 0; i < o->nkargs; i++)
			o->kargs[i] = xstrdup(argv[optind + i]);
	} else {
		o->kernel = def_kernel;
		if (stat(o->kernel, &stb) < 0) {
			fprintf(stderr, "umdbg: no %s%sguest kernel at '%s': "
				"run '%s' first, or name a KERNEL\n",
				other ? o->flavour : "", other ? " " : "",
				o->kernel, guest_build_hint(o->flavour));
			return -1;
		}
		default_args(&o->kargs, &o->nkargs,
			     stat(def_rootfs, &stb) == 0 ? def_rootfs : NULL,
			     o->scenario, o->run_cmd != NULL, o->real_time);
	}
	o->kargs = xrealloc(o->kargs, (o->nkargs + o->nshares + 8) *
			    sizeof(*o->kargs));
	if (o->scenario)
		o->kargs[o->nkargs++] = xasprintf("umdbg.scenario=%s",
						  o->scenario);
	for (i = 0; i < o->nshares; i++)
		o->kargs[o->nkargs++] = o->shares[i];
	if (o->run_cmd)
		o->kargs[o->nkargs++] = run_arg(o->run_cmd);
	return 0;
}

int options_parse(int argc, char **argv, struct session *s,
		  struct options *o)
{
	static char long_ex[] = "--ex";
	int i;

	memset(o, 0, sizeof(*o));
	o->ck.max_count = 64;
	o->ck.interval_ns = 250 * 1000000ull;
	if (argc >= 2 && !strcmp(argv[1], "replay")) {
		if (argc < 3 || argv[2][0] == '-')
			die_usage("usage: umdbg replay TRACE [options] [KERNEL]");
		o->replay_path = argv[2];
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	/* gdb spells it -ex: one dash, two letters */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-ex"))
			argv[i] = long_ex;
	parse_flags(argc, argv, s, o);
	s->guest_dir = guest_dir(o->flavour);
	if (o->replay_path && (s->trace_path || o->scenario))
		die_usage("replay takes neither --record nor --scenario");
	if (o->replay_path && (o->nshares || o->run_cmd || o->flavour ||
			       o->no_confine))
		die_usage("replay takes neither --share, --run, --flavour nor "
			  "--no-confine: the trace has them");
	if (o->run_cmd && o->scenario)
		die_usage("--run and --scenario do not go together (--run is "
			  "a scenario of your own)");
	if (o->real_time && (o->replay_path || optind < argc))
		die_usage("--real-time is for the built guest's --run and "
			  "scenarios (a replay has its recording's clock)");
	if (o->flavour && !o->replay_path && optind < argc)
		die_usage("--flavour picks a built guest; not with a KERNEL");
	if (o->replay_path && optind + 1 < argc)
		die_usage("replay takes no kernel arguments: they are in the "
			  "trace");
	if (o->gdb_wait && !o->gdb_spec)
		die_usage("--wait needs --gdb");
	if (s->nbatch && !s->batch)
		die_usage("-ex needs --batch");
	if (s->batch && (o->use_tui || o->gdb_spec))
		die_usage("--batch does not go with --tui or --gdb");
	if (s->out_mode != OUT_TEXT && o->use_tui)
		die_usage("--json and -F are for scripts, not --tui");
	if (o->use_tui && o->gdb_spec)
		die_usage("--tui and --gdb do not go together (gdb has its "
			  "own TUI: 'tui enable')");
	if (o->nwatch && o->gdb_spec)
		die_usage("--watch and --gdb do not go together (gdb has its "
			  "own: 'watch')");
	return pick_kernel(argc, argv, s, o);
}
