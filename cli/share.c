/*
 * cli/share.c - what the guest gets from the host, and the module it
 * loads from there:
 *
 *   --share DIR   DIR is bind-mounted, in umdbg's private mount namespace,
 *                 at SHARE_ROOT/NAME (NAME: DIR's last component); the
 *                 kernel's hostfs= root is SHARE_ROOT, and the guest's
 *                 init mounts it at /share.  hostfs reaches nothing else
 *                 (guest/patches/0003 refuses ".." in a hostfs mount).
 *   --run CMD     the guest's init runs CMD, writes its status to UML's
 *                 /proc/exitcode and powers off; an internal breakpoint at
 *                 kernel_power_off tells that exit from a kernel's death.
 *   umdbg module DIR [TARGET...]
 *                 make -C <guest tree> ARCH=um M=DIR (modules).
 *
 * The shares and the command travel on the kernel command line
 * (umdbg.share=PATH, umdbg.run=ENCODED), so a replay of a trace finds
 * them where the recording put them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define SHARE_ARG "umdbg.share="
#define RUN_ARG "umdbg.run="

/* Where the shares are bind-mounted (on the namespace's private /dev/shm)
 * and what hostfs= names; without namespaces a directory that nobody
 * makes, so hostfs reaches nothing. */
char *share_root(bool use_ns)
{
	return use_ns ? xstrdup("/dev/shm/umdbg-host") :
		xasprintf("/dev/shm/umdbg.%d-host", (int)getpid());
}

/* The kernel argument for --share DIR; a usage error when DIR cannot be
 * shared. */
char *share_arg(const char *dir)
{
	char *abs = realpath(dir, NULL), *arg;
	struct stat stb;
	const char *p;

	if (!abs || stat(abs, &stb) < 0)
		die_usage("--share '%s': %s", dir, errstr(errno));
	if (!S_ISDIR(stb.st_mode))
		die_usage("--share '%s': not a directory", dir);
	if (!strcmp(abs, "/"))
		die_usage("--share '/': share a directory, not the host's "
			  "root");
	for (p = abs; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == 0x7f)
			die_usage("--share '%s': the kernel command line "
				  "cannot carry a path with spaces, quotes or "
				  "control characters", dir);
	arg = xasprintf(SHARE_ARG "%s", abs);
	free(abs);
	return arg;
}

/* The kernel argument for --run CMD: CMD with every byte outside a
 * harmless set as %XX (the guest's init decodes it with printf %b). */
char *run_arg(const char *cmd)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._,:=+-@";
	size_t n = strlen(RUN_ARG), cap = n + 3 * strlen(cmd) + 1;
	char *arg = xmalloc(cap);
	const unsigned char *c;

	memcpy(arg, RUN_ARG, n);
	for (c = (const unsigned char *)cmd; *c; c++) {
		if (strchr(safe, *c))
			arg[n++] = (char)*c;
		else
			n += (size_t)snprintf(arg + n, cap - n, "%%%02X", *c);
	}
	arg[n] = '\0';
	return arg;
}

/*
 * The shares and --run, from the kernel's arguments (the command line's,
 * or a trace's), and the module directories: the one next to the kernel
 * (guest/modules, guest/debug/modules), then each share.  -1 (said on
 * stderr) when a share is not there.
 */
int shares_setup(struct session *s, const char *kernel, char **kargs,
		 int nkargs, bool replaying)
{
	char *kdir = xstrdup(kernel), *slash = strrchr(kdir, '/'), *dir;
	struct stat stb;
	size_t i;
	int a;

	if (slash)
		*slash = '\0';
	dir = xasprintf("%s/modules", slash ? kdir : ".");
	if (stat(dir, &stb) < 0 || !S_ISDIR(stb.st_mode)) {
		free(dir);
		dir = xasprintf("%s/modules", s->guest_dir);
	}
	free(kdir);
	s->moddirs = xrealloc(s->moddirs, (s->nmoddirs + 1) *
			      sizeof(*s->moddirs));
	s->moddirs[s->nmoddirs++] = dir;
	for (a = 0; a < nkargs; a++) {
		const char *path = kargs[a] + strlen(SHARE_ARG), *name;
		struct share sh;

		if (!strncmp(kargs[a], RUN_ARG, strlen(RUN_ARG)))
			s->run_mode = true;
		if (strncmp(kargs[a], SHARE_ARG, strlen(SHARE_ARG)))
			continue;
		if (path[0] != '/' || stat(path, &stb) < 0 ||
		    !S_ISDIR(stb.st_mode)) {
			fprintf(stderr, "umdbg: the shared directory '%s' is "
				"not there%s\n", path, replaying ?
				" (the recording shared it)" : "");
			return -1;
		}
		name = strrchr(path, '/') + 1;
		for (i = 0; i < s->nshares; i++)
			if (!strcmp(s->shares[i].name, name)) {
				fprintf(stderr, "umdbg: two shared directories "
					"are named '%s' ('%s' and '%s'): the "
					"guest sees both as /share/%s\n", name,
					s->shares[i].path, path, name);
				return -1;
			}
		sh.path = xstrdup(path);
		sh.name = xstrdup(name);
		s->shares = xrealloc(s->shares, (s->nshares + 1) *
				     sizeof(*s->shares));
		s->shares[s->nshares++] = sh;
		s->moddirs = xrealloc(s->moddirs, (s->nmoddirs + 1) *
				      sizeof(*s->moddirs));
		s->moddirs[s->nmoddirs++] = xstrdup(path);
	}
	for (i = 0; i < s->nmoddirs; i++)
		kmodel_add_module_dir(s->k, s->moddirs[i]);
	return 0;
}

static void give_add(struct tracer_launch *l, const char *src,
		     const char *dst, bool writable)
{
	struct tracer_give *g;

	l->give = xrealloc(l->give, (size_t)(l->ngive + 1) * sizeof(*l->give));
	g = &l->give[l->ngive++];
	memset(g, 0, sizeof(*g));
	g->src = src;
	g->dst = dst;
	g->writable = writable;
}

/* A file a kernel argument names, at the path the kernel will open it by
 * (relative to the working directory, which the guest keeps); nothing
 * when it is not there (the kernel says so itself). */
static void give_file(struct tracer_launch *l, const char *path,
		      bool writable)
{
	struct stat stb;
	char *cwd, *dst;

	if (!*path || stat(path, &stb) < 0 || S_ISDIR(stb.st_mode))
		return;
	if (path[0] == '/') {
		dst = xstrdup(path);
	} else {
		cwd = getcwd(NULL, 0);
		if (!cwd)
			return;
		dst = xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", path);
		free(cwd);
	}
	give_add(l, xstrdup(path), dst, writable);
}

/*
 * ubdN[flags]=FILE[,COW] (UML's block devices: FILE is read-only with
 * the flag 'r', and the copy-on-write file takes the writes then).  A
 * COW file UML would create is not given: it must exist.
 */
static void give_ubd(struct tracer_launch *l, const char *arg)
{
	const char *eq = strchr(arg, '='), *flags = arg + 3;
	char *files, *comma;
	bool ro;

	if (!eq)
		return;
	while (flags < eq && *flags >= '0' && *flags <= '9')
		flags++;
	ro = memchr(flags, 'r', (size_t)(eq - flags)) != NULL;
	files = xstrdup(eq + 1);
	comma = strchr(files, ',');
	if (comma) {
		*comma = '\0';
		give_file(l, files, false);
		give_file(l, comma + 1, true);
	} else {
		give_file(l, files, !ro);
	}
	free(files);
}

void launch_gives(struct session *s, const struct options *o,
		 struct tracer_launch *l)
{
	size_t i;
	int a;

	for (i = 0; i < s->nshares; i++)
		give_add(l, s->shares[i].path, xasprintf("%s/%s",
			 s->share_root, s->shares[i].name), true);
	if (!l->confine)
		return;
	give_add(l, l->path, l->path, false);
	for (a = 0; a < o->nkargs; a++) {
		if (!strncmp(o->kargs[a], "initrd=", 7))
			give_file(l, o->kargs[a] + 7, false);
		else if (!strncmp(o->kargs[a], "ubd", 3))
			give_ubd(l, o->kargs[a]);
	}
}

/* ---- umdbg module DIR -------------------------------------------------- */

static int module_usage(void)
{
	fprintf(stderr, "usage: umdbg module [--flavour default|debug] DIR "
		"[TARGET...]\n");
	return EXIT_ERROR;
}

/* Build the out-of-tree module in DIR against the built guest's kernel
 * tree: make's own output, and its status. */
int module_command(int argc, char **argv)
{
	char *gdir;
	const char *flavour = "default", *dir;
	char *abs, *tree, *top, **margv;
	struct stat stb;
	int i, n = 0, status;
	pid_t pid;

	argc--, argv++;
	if (argc >= 2 && !strcmp(argv[0], "--flavour")) {
		flavour = argv[1];
		argc -= 2, argv += 2;
	}
	if (argc < 1 || argv[0][0] == '-')
		return module_usage();
	if (!guest_name_ok(flavour)) {
		fprintf(stderr, "umdbg: bad flavour '%s' (default, debug, "
			"or a name given to 'umdbg guest build --name')\n",
			flavour);
		return EXIT_ERROR;
	}
	dir = argv[0];
	abs = realpath(dir, NULL);
	if (!abs || stat(abs, &stb) < 0 || !S_ISDIR(stb.st_mode)) {
		fprintf(stderr, "umdbg: module: '%s' is not a directory\n",
			dir);
		free(abs);
		return EXIT_ERROR;
	}
	top = xasprintf("%s/Kbuild", abs);
	if (access(top, R_OK) < 0) {
		free(top);
		top = xasprintf("%s/Makefile", abs);
	}
	if (access(top, R_OK) < 0) {
		fprintf(stderr, "umdbg: module: '%s' has no Kbuild or Makefile "
			"(one line will do: obj-m += NAME.o)\n", dir);
		free(top);
		free(abs);
		return EXIT_ERROR;
	}
	free(top);
	gdir = guest_dir(flavour);
	tree = xasprintf("%s/src", gdir);
	free(gdir);
	top = xasprintf("%s/Module.symvers", tree);
	if (access(top, R_OK) < 0) {
		fprintf(stderr, "umdbg: module: no built guest kernel tree at "
			"'%s': run '%s' first\n", tree,
			guest_build_hint(flavour));
		free(top);
		free(tree);
		free(abs);
		return EXIT_ERROR;
	}
	free(top);
	margv = xcalloc((size_t)argc + 6, sizeof(*margv));
	margv[n++] = xstrdup("make");
	margv[n++] = xasprintf("-C%s", tree);
	margv[n++] = xstrdup("ARCH=um");
	margv[n++] = xasprintf("M=%s", abs);
	for (i = 1; i < argc; i++)
		margv[n++] = argv[i];
	if (argc == 1)
		margv[n++] = xstrdup("modules");
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execvp("make", margv);
		fprintf(stderr, "umdbg: module: cannot run make: %s\n",
			errstr(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "umdbg: module: %s\n", errstr(errno));
		return EXIT_ERROR;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 127)
			fprintf(stderr, "umdbg: module: the build in '%s' "
				"failed (make's messages are above)\n", dir);
		return EXIT_ERROR;
	}
	if (argc == 1)
		fprintf(stderr, "umdbg: module: built in '%s' against the "
			"%s guest kernel; share it with --share %s\n", dir,
			flavour, dir);
	return 0;
}
