/*
 * tracer/probe.c - does this host's CPU (or hypervisor) trap on the
 * debug registers?
 *
 * A child of ours stops itself, we arm DR0/DR7 on a word it then writes,
 * and see whether the write stops it.  Some hypervisors accept the
 * registers (DR7 even reads back) and never trap: there a watchpoint
 * would be accepted and never fire, so the tracer emulates them
 * (pagewatch.c).  Owns nothing; the child is reaped before returning.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <elf.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define DR(n) (offsetof(struct user, u_debugreg) + (n) * sizeof(long))

static volatile unsigned long probe_word;

/*
 * A child of ours, traced and stopped at its SIGSTOP (*status says so);
 * resumed, it writes probe_word and exits.  0, or -errno with *why (and
 * then the child, if any, is for end_child all the same).
 */
static int start_child(pid_t *pid, int *status, char **why)
{
	int err;

	*status = 0x7f;		/* "stopped" until seen otherwise */
	*pid = fork();
	if (*pid < 0)
		return set_cause(why, -errno, "fork: %s", errstr(errno));
	if (*pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(2);
		raise(SIGSTOP);
		probe_word = 1;
		_exit(0);
	}
	err = tracer_waitpid(*pid, status);
	if (err < 0 || !WIFSTOPPED(*status))
		return set_cause(why, err < 0 ? err : -ECHILD,
				 "the probe's child did not stop");
	return 0;
}

static void end_child(pid_t pid, int status)
{
	if (pid > 0 && !WIFEXITED(status) && !WIFSIGNALED(status)) {
		kill(pid, SIGKILL);
		tracer_waitpid(pid, &status);
	}
}

int tracer_probe_debug_registers(char **why)
{
	/* DR7: local enable of slot 0, a write of 8 bytes (RW 01, LEN 10) */
	unsigned long dr7 = 1UL | (1UL << 16) | (2UL << 18);
	int status, err, ret;
	pid_t pid;
	long dr6;

	ret = start_child(&pid, &status, why);
	if (ret < 0)
		goto out;
	if (ptrace(PTRACE_POKEUSER, pid, DR(0), &probe_word) < 0 ||
	    ptrace(PTRACE_POKEUSER, pid, DR(7), dr7) < 0) {
		ret = 0;
		set_cause(why, 0, "ptrace refuses the debug registers (%s)",
			  errstr(errno));
		goto out;
	}
	if (ptrace(PTRACE_CONT, pid, 0, 0) < 0 ||
	    (err = tracer_waitpid(pid, &status)) < 0) {
		ret = set_cause(why, -ESRCH, "the probe's child vanished");
		goto out;
	}
	if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP) {
		errno = 0;
		dr6 = ptrace(PTRACE_PEEKUSER, pid, DR(6), 0);
		if (!errno && (dr6 & 1)) {
			ret = 1;
			goto out;
		}
	}
	ret = 0;
	set_cause(why, 0, "the debug registers do not trap here: a write "
		  "watched by DR0 did not stop the writer");
out:
	end_child(pid, status);
	return ret;
}

/*
 * The host's XSAVE area for a ptraced thread, as PTRACE_GETREGSET
 * NT_X86_XSTATE gives it (the kernel shrinks iov_len to its size).  UML
 * 6.12 hard-codes 2696 bytes; a host with a bigger area (AMX: 11008)
 * needs the guest recipe's xstate patch.  Bytes, or -errno.
 */
int tracer_probe_xstate_size(char **why)
{
	static uint8_t buf[64 << 10];
	struct iovec iov = { buf, sizeof(buf) };
	int status, ret;
	pid_t pid;

	ret = start_child(&pid, &status, why);
	if (ret == 0) {
		if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) < 0)
			ret = set_cause(why, -errno, "PTRACE_GETREGSET "
					"NT_X86_XSTATE: %s", errstr(errno));
		else
			ret = (int)iov.iov_len;
	}
	end_child(pid, status);
	return ret;
}
