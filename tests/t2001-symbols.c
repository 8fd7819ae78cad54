/*
 * t2001-symbols: kmodel symbol and location resolution on a tiny host
 * program with debug info (tests/helpers/victim): SYMBOL (global and
 * static), *ADDR, FILE:LINE (an inlined line), descriptions with inlined
 * frames, and the errors for bad input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kmodel/kmodel.h"
#include "tap.h"

#define VICTIM "tests/helpers/victim"

int main(void)
{
	struct kmodel *k = NULL, *k2 = NULL;
	struct kmodel_where *w;
	uint64_t *addrs, target = 0, mid = 0;
	size_t n;
	char *cause = NULL, stripped[] = "/tmp/t2001.XXXXXX", *cmd;
	int nw, err, fd;

	plan(32);
	err = kmodel_open(VICTIM, KMODEL_ANY_ELF, &k, &cause);
	if (!is_int(err, 0, "open victim")) {
		diag("%s", cause);
		return 1;
	}
	ok(kmodel_has_dwarf(k), "victim has DWARF");
	is_int(kmodel_symbol_addr(k, "victim_target", &target), 0,
	       "global function found");
	is_int(kmodel_symbol_addr(k, "victim_middle", &mid), 0,
	       "static (local) function found");
	is_int(kmodel_resolve(k, "victim_target", &addrs, &n, &cause), 0,
	       "resolve SYMBOL");
	ok(n == 1 && addrs[0] == target, "SYMBOL resolves to its address");
	free(addrs);

	is_int(kmodel_resolve(k, "nosuch_fn", &addrs, &n, &cause), -ENOENT,
	       "unknown symbol refused");
	is_str(cause, "no symbol 'nosuch_fn' in 'tests/helpers/victim'",
	       "unknown symbol message");

	is_int(kmodel_resolve(k, "*0x401000", &addrs, &n, &cause), 0,
	       "resolve *ADDR");
	ok(n == 1 && addrs[0] == 0x401000, "*ADDR value");
	free(addrs);
	is_int(kmodel_resolve(k, "*zz", &addrs, &n, &cause), -ENOENT,
	       "*EXPR with an unknown symbol refused");
	ok(cause && strstr(cause, "bad address '*zz': no symbol 'zz'"),
	   "with the reason: %s", cause ? cause : "(none)");
	free(cause);
	cause = NULL;
	is_int(kmodel_resolve(k, "*victim_target+16", &addrs, &n, &cause), 0,
	       "*EXPR: sym+off");
	ok(n == 1 && addrs[0] == target + 16, "*victim_target+16 value");
	free(addrs);

	is_int(kmodel_resolve(k, "victim.c:17", &addrs, &n, &cause), 0,
	       "resolve FILE:LINE of an inlined line");
	ok(n >= 1 && addrs[0] > target && addrs[0] < target + 64,
	   "FILE:LINE lands inside victim_target");
	nw = kmodel_where(k, addrs[0], false, &w);
	is_int(nw, 2, "description has the inlined frame and its caller");
	if (nw == 2) {
		is_str(w[0].func, "victim_bump", "innermost is the inline");
		ok(w[0].inlined, "marked inlined");
		ok(w[0].file && strstr(w[0].file, "victim.c") &&
		   w[0].line == 17, "inline at victim.c:17 (%s:%d)",
		   w[0].file, w[0].line);
		is_str(w[1].func, "victim_target", "caller is victim_target");
		is_int(w[1].line, 22, "call site line");
	} else {
		int i;

		for (i = 0; i < 5; i++)
			ok(0, "description (missing)");
	}
	kmodel_where_free(w, nw);
	free(addrs);

	is_int(kmodel_resolve(k, "victim.c:99999", &addrs, &n, &cause),
	       -ENOENT, "line past the end refused");
	ok(cause && strstr(cause, "no code at 'victim.c:99999'"),
	   "no-code message (%s)", cause);
	is_int(kmodel_resolve(k, "nosuch.c:3", &addrs, &n, &cause), -ENOENT,
	       "unknown file refused");
	is_int(kmodel_resolve(k, "victim.c:abc", &addrs, &n, &cause),
	       -EINVAL, "bad line number refused");

	is_int(kmodel_open("/nonexistent/linux", 0, &k2, &cause), -ENOENT,
	       "missing file refused");
	is_str(cause, "cannot open '/nonexistent/linux': no such file or "
	       "directory", "missing file message");
	is_int(kmodel_open("tests/t2001-symbols.c", 0, &k2, &cause),
	       -ENOEXEC, "non-ELF refused");
	is_int(kmodel_open(VICTIM, 0, &k2, &cause), -ENOEXEC,
	       "non-UML ELF refused");
	ok(cause && strstr(cause, "is not a UML kernel"), "non-UML message");

	fd = mkstemp(stripped);
	close(fd);
	cmd = xasprintf("objcopy --strip-debug %s %s", VICTIM, stripped);
	if (system(cmd) == 0 &&
	    kmodel_open(stripped, KMODEL_ANY_ELF, &k2, &cause) == 0) {
		ok(!kmodel_has_dwarf(k2), "stripped copy: no DWARF, "
		   "still loads");
		kmodel_free(k2);
	} else {
		ok(0, "stripped copy loads (%s)", cause);
	}
	unlink(stripped);
	free(cmd);
	kmodel_free(k);
	free(cause);
	return done_testing();
}
