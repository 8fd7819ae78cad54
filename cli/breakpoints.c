/*
 * cli/breakpoints.c - the session's breakpoints: from a location spec
 * (SYMBOL, *ADDR, FILE:LINE, MODULE:SYMBOL) to tracer breakpoints, the
 * ones pending until their module loads, and umdbg's own catch of
 * module loads at do_init_module.
 * Owns s->bps and umdbg's own breakpoints: s->modload_id (pending
 * breakpoints look at each module as it initialises) and s->poweroff_id
 * (--run: the guest powers off, so its exit status is the command's).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Does the module file at path define symbol, or have code at FILE:LINE? */
static bool ko_defines(const char *path, const char *symbol)
{
	uint64_t *addrs = NULL, a;
	size_t naddrs = 0;
	struct kmodel *m;
	bool has;

	if (kmodel_open(path, KMODEL_ANY_ELF, &m, NULL) < 0)
		return false;
	has = strchr(symbol, ':') ?
		kmodel_resolve(m, symbol, &addrs, &naddrs, NULL) == 0 :
		kmodel_symbol_addr(m, symbol, &a) == 0;
	free(addrs);
	kmodel_free(m);
	return has;
}

/*
 * Which of the guest's modules (the .ko files in the module directories:
 * next to the kernel, as mkguest keeps them, and the --share ones)
 * defines `symbol`, or has code at FILE:LINE?  Its module name
 * (malloc'd), or NULL: a plain --break of a module function then waits
 * for the module, while a typo is still an error.
 */
static char *module_defining(struct session *s, const char *symbol)
{
	char *found = NULL;
	size_t i;

	for (i = 0; i < s->nmoddirs && !found; i++) {
		struct dirent *de;
		DIR *d = opendir(s->moddirs[i]);

		while (d && !found && (de = readdir(d))) {
			size_t len = strlen(de->d_name);
			char *path, *p;

			if (len < 4 || strcmp(de->d_name + len - 3, ".ko"))
				continue;
			path = xasprintf("%s/%s", s->moddirs[i], de->d_name);
			if (ko_defines(path, symbol)) {
				found = xstrndup(de->d_name, len - 3);
				/* module names spell '-' as '_' */
				for (p = found; *p; p++)
					if (*p == '-')
						*p = '_';
			}
			free(path);
		}
		if (d)
			closedir(d);
	}
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
void resolve_pending(struct session *s, uint64_t mod_addr, FILE *err)
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
			if (!bp->symbol) {
				/* FILE:LINE: the loaded module's DWARF */
				free(bp->addrs);
				bp->addrs = NULL;
				bp->naddrs = 0;
				if (kmodel_resolve(s->k, bp->spec, &bp->addrs,
						   &bp->naddrs, &cause) < 0) {
					fprintf(err, "umdbg: breakpoint %d: "
						"%s\n", bp->num, cause);
					free(cause);
					cause = NULL;
					continue;
				}
				addr = bp->addrs[0];
				free(bp->ids);
				bp->ids = xcalloc(bp->naddrs, sizeof(int));
			} else if (kmodel_module_symbol(s->k, mods[j].addr,
						 bp->symbol, &addr,
						 &cause) < 0) {
				fprintf(err, "umdbg: breakpoint %d: %s '%s'\n",
					bp->num, cause, bp->module);
				free(cause);
				cause = NULL;
				continue;
			} else {
				bp->addrs = xrealloc(bp->addrs,
						     sizeof(uint64_t));
				bp->addrs[0] = addr;
				bp->naddrs = 1;
			}
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
bool user_breakpoint(struct session *s, int id)
{
	size_t i, j;

	for (i = 0; i < s->nbps; i++)
		for (j = 0; j < s->bps[i].naddrs; j++)
			if (s->bps[i].ids[j] == id)
				return true;
	return false;
}

/* Is the address one of umdbg's own breakpoints, and not the user's? */
static bool own_bp_at(struct session *s, uint64_t addr)
{
	const int ids[] = { s->modload_id, s->poweroff_id };
	uint64_t own;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (ids[i] > 0 && tracer_bp_addr(s->t, ids[i], &own) &&
		    own == addr && !user_breakpoint(s, ids[i]))
			return true;
	return false;
}

int session_user_bp_addrs(struct session *s, uint64_t *addrs, int max)
{
	int n = tracer_bp_addrs(s->t, addrs, max), i, kept = 0;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		if (!own_bp_at(s, addrs[i]))
			addrs[kept++] = addrs[i];
	return kept;
}

/* --run: the guest's power-off, which makes its exit status the
 * command's rather than a kernel's death. */
static void ensure_poweroff_bp(struct session *s)
{
	char *cause = NULL;
	uint64_t a;

	if (!s->run_mode || s->poweroff_id > 0 ||
	    kmodel_symbol_addr(s->k, "kernel_power_off", &a))
		return;
	s->poweroff_id = tracer_bp_insert(s->t, a, &cause);
	if (s->poweroff_id < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
	}
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
	int rc;

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
	} else if ((rc = kmodel_resolve(s->k, spec, &bp.addrs, &bp.naddrs,
					&cause)) < 0) {
		/* Not in the kernel: maybe in one of the guest's modules
		 * (a symbol, or a FILE:LINE of its source). */
		if (rc == -EBADMSG) {	/* damaged debug info */
			fprintf(err, "umdbg: %s\n", cause);
			free(cause);
			return rc;
		}
		if (spec[0] != '*' && (bp.module = module_defining(s, spec))) {
			bp.symbol = strchr(spec, ':') ? NULL : xstrdup(spec);
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
	return session_add_bp(s, &bp, err);
}

int session_add_bp(struct session *s, struct breakpoint *b, FILE *err)
{
	struct breakpoint bp = *b;

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
				"'%s' loads\n", bp.num, bp.spec, bp.module);
	} else {
		bp_insert_all(s, &s->bps[s->nbps - 1], err);
		fprintf(err, "%s %d at %s (%zu location%s)\n", bp.catch ?
			"catchpoint" : "breakpoint", bp.num, bp.spec, bp.naddrs,
			bp.naddrs == 1 ? "" : "s");
	}
	return 0;
}

void insert_pending_breakpoints(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nbps; i++)
		if (!s->bps[i].pending)
			bp_insert_all(s, &s->bps[i], stderr);
	ensure_modload_bp(s);
	ensure_poweroff_bp(s);
}
