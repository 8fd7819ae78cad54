/*
 * gdbstub/signals.c - host (Linux x86_64) <-> gdb signal numbers.
 *
 * gdb's remote protocol numbers signals as gdb's own enum gdb_signal
 * (include/gdb/signals.def); the first few match Linux, many do not.
 */
#include <signal.h>

#include "internal.h"

static const struct { int host, gdb; } sigmap[] = {
	{ SIGHUP, 1 }, { SIGINT, 2 }, { SIGQUIT, 3 }, { SIGILL, 4 },
	{ SIGTRAP, 5 }, { SIGABRT, 6 }, { SIGFPE, 8 }, { SIGKILL, 9 },
	{ SIGBUS, 10 }, { SIGSEGV, 11 }, { SIGSYS, 12 }, { SIGPIPE, 13 },
	{ SIGALRM, 14 }, { SIGTERM, 15 }, { SIGURG, 16 }, { SIGSTOP, 17 },
	{ SIGTSTP, 18 }, { SIGCONT, 19 }, { SIGCHLD, 20 }, { SIGTTIN, 21 },
	{ SIGTTOU, 22 }, { SIGIO, 23 }, { SIGXCPU, 24 }, { SIGXFSZ, 25 },
	{ SIGVTALRM, 26 }, { SIGPROF, 27 }, { SIGWINCH, 28 },
	{ SIGPWR, 32 }, { SIGUSR1, 30 }, { SIGUSR2, 31 },
};

int rsp_signal_to_gdb(int host)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(sigmap); i++)
		if (sigmap[i].host == host)
			return sigmap[i].gdb;
	return 143;	/* GDB_SIGNAL_UNKNOWN */
}

int rsp_signal_from_gdb(int gdb)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(sigmap); i++)
		if (sigmap[i].gdb == gdb)
			return sigmap[i].host;
	return 0;
}
