/*
 * cli/places.c - where umdbg finds its guest recipe and the built guest.
 *
 * From its build directory (a source tree: guest/mkguest beside the
 * binary), the recipe is that tree, and guest/mkguest links the built
 * guest into its guest/ (guest/linux, guest/src, ...).  Installed (make
 * install, the .deb), the recipe is PREFIX/share/umdbg beside the
 * binary's bin/, and the built guest is linked into the cache:
 * $UMDBG_CACHE (default ~/.cache/umdbg)/guest/.  mkguest makes the
 * cache's links either way, so an installed umdbg also finds a guest
 * built from a source tree.  A guest of the user's own (guest build
 * --src or --config, --name NAME) is linked in the cache only, as
 * guest/NAME/.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return xstrdup(".");
	buf[n] = '\0';
	return xstrdup(dirname(buf));
}

bool places_source_tree(void)
{
	char *dir = exe_dir(), *p = xasprintf("%s/guest/mkguest", dir);
	bool yes = access(p, X_OK) == 0;

	free(p);
	free(dir);
	return yes;
}

char *cache_dir(void)
{
	const char *c = getenv("UMDBG_CACHE"), *home = getenv("HOME");

	if (c && *c)
		return xstrdup(c);
	return xasprintf("%s/.cache/umdbg", home && *home ? home : "/root");
}

char *recipe_dir(void)
{
	char *dir = exe_dir(), *share, *abs;

	if (places_source_tree())
		return dir;
	share = xasprintf("%s/../share/umdbg", dir);
	abs = realpath(share, NULL);
	free(dir);
	if (abs) {
		free(share);
		return abs;
	}
	return share;
}

char *guest_dir(const char *name)
{
	bool own = name && strcmp(name, "default") && strcmp(name, "debug");
	char *dir, *g;

	/* A guest of the user's (--src, --config) is linked in the cache
	 * only, never in a source tree. */
	dir = places_source_tree() && !own ? exe_dir() : cache_dir();
	if (name && strcmp(name, "default"))
		g = xasprintf("%s/guest/%s", dir, name);
	else
		g = xasprintf("%s/guest", dir);
	free(dir);
	return g;
}

const char *guest_build_hint(const char *name)
{
	bool debug = name && !strcmp(name, "debug");

	if (name && strcmp(name, "default") && !debug)
		return "umdbg guest build --src ... --name NAME";
	if (places_source_tree())
		return debug ? "make guest-debug" : "make guest";
	return debug ? "umdbg guest build --flavour debug" :
		       "umdbg guest build";
}

bool guest_name_ok(const char *name)
{
	const char *p;

	if (!*name || !((*name >= 'a' && *name <= 'z') ||
			(*name >= '0' && *name <= '9')))
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

int host_xstate_size(void)
{
	static int size;

	if (!size) {
		char *why = NULL;

		size = tracer_probe_xstate_size(&why);
		free(why);
		if (!size)
			size = -1;
	}
	return size;
}

static int guest_usage(void)
{
	fprintf(stderr, "usage: umdbg guest build [--flavour default|debug] "
		"[--src DIR|TARBALL] [--config FILE] [--name NAME]\n");
	return EXIT_ERROR;
}

/* umdbg guest build ...: the recipe's own builder, guest/mkguest. */
int guest_command(int argc, char **argv)
{
	char *recipe, *mkguest, **gargv;
	int i;

	if (argc < 2 || strcmp(argv[1], "build"))
		return guest_usage();
	recipe = recipe_dir();
	mkguest = xasprintf("%s/guest/mkguest", recipe);
	if (access(mkguest, X_OK) < 0) {
		fprintf(stderr, "umdbg: guest: no guest recipe at '%s' (%s)\n",
			mkguest, errstr(errno));
		return EXIT_ERROR;
	}
	gargv = xcalloc((size_t)argc, sizeof(*gargv));
	gargv[0] = mkguest;
	for (i = 2; i < argc; i++)
		gargv[i - 1] = argv[i];
	execv(mkguest, gargv);
	fprintf(stderr, "umdbg: guest: cannot run '%s': %s\n", mkguest,
		errstr(errno));
	return EXIT_ERROR;
}
