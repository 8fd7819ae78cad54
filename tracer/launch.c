/*
 * tracer/launch.c - start the program under ptrace.
 *
 * The child is created with a raw fork-like clone so it can be init of a
 * new PID namespace (and own a private mount namespace).  That init only
 * reaps: the program runs as its child (pid 2), because a namespace init
 * cannot die of its own signals and UML ends a panic with abort().  The
 * init reports the program's pid to us over a unix socket with
 * SCM_CREDENTIALS (the kernel translates it into our namespace).
 * The program prepares its environment (parent-death signal, no ASLR,
 * SIGCHLD blocked, stdio), waits on a pipe until we have seized it, then
 * execs.  An exec failure travels back as an errno on a close-on-exec pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <linux/seccomp.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

/* What the child reports on the error pipe before dying. */
struct launch_error {
	int step;	/* enum launch_step */
	int err;
};

enum launch_step { STEP_MOUNT, STEP_EXEC, STEP_SYNC, STEP_FORK,
		   STEP_SECCOMP, STEP_CONFINE };

static const char *const step_names[] = {
	[STEP_MOUNT] = "mount",
	[STEP_EXEC] = "execve",
	[STEP_SYNC] = "sync",
	[STEP_FORK] = "fork",
	[STEP_SECCOMP] = "seccomp",
	[STEP_CONFINE] = "dropping privileges",
};

static void child_fail(int fd, int step)
{
	struct launch_error e = { step, errno };
	struct iovec iov = { &e, sizeof(e) };

	/* writev, not write: after the seccomp filter is in place a traced
	 * write would wait for a tracer that is reading this pipe. */
	if (writev(fd, &iov, 1) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(127);
}

static void child_setup_fd(int from, int to)
{
	if (from >= 0 && from != to)
		dup2(from, to);
}

/* Tell the tracer our pid, translated into its namespace by the kernel. */
static int send_pid(int sock)
{
	struct ucred cred = { getpid(), getuid(), getgid() };
	char cbuf[CMSG_SPACE(sizeof(cred))], byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static pid_t recv_pid(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	struct ucred cred;
	ssize_t n;

	do
		n = recvmsg(sock, &mh, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
			return cred.pid;
		}
	return -1;
}

/* The namespace's init: reap until the program is gone, then leave. */
static void __attribute__((noreturn)) ns_init(pid_t prog)
{
	int status = 0, fd;
	pid_t w;

	for (fd = 0; fd < 1024; fd++)
		close(fd);
	for (;;) {
		w = wait(&status);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 || w == prog)
			break;
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128);
}

static void __attribute__((noreturn))
child_main(const struct tracer_launch *l, const struct confine_mounts *m,
	   int sync_rd, int err_wr, int pid_sock, bool in_ns)
{
	sigset_t all;
	pid_t prog;
	char c;
	int sig;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (in_ns && l->private_tmpfs) {
		if (confine_enter(l, m) < 0)
			child_fail(err_wr, STEP_MOUNT);
	} else if (l->ngive || l->confine) {
		errno = EPERM;
		child_fail(err_wr, STEP_MOUNT);
	}
	if (in_ns) {
		prog = fork();
		if (prog < 0)
			child_fail(err_wr, STEP_FORK);
		if (prog > 0)
			ns_init(prog);
		/* Dies with the init, which dies with the tracer. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	}
	if (send_pid(pid_sock) < 0)
		child_fail(err_wr, STEP_SYNC);
	close(pid_sock);
	if (l->no_aslr)
		personality(ADDR_NO_RANDOMIZE);

	/* Default dispositions; the parent may have blocked some signals
	 * for its signalfd. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	if (l->block_sigchld)
		sigaddset(&all, SIGCHLD);
	sigprocmask(SIG_SETMASK, &all, NULL);

	child_setup_fd(l->stdin_fd, 0);
	child_setup_fd(l->stdout_fd, 1);
	child_setup_fd(l->stderr_fd, 2);

	/* Wait until the parent has seized us (or died). */
	if (read(sync_rd, &c, 1) != 1)
		child_fail(err_wr, STEP_SYNC);
	close(sync_rd);

	/* Only 0, 1 and 2 cross the exec: whatever else umdbg has open (a
	 * trace, sockets) stays ours, and the kernel's fd numbers are the
	 * same in every run (record and replay depend on it). */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (l->confine && confine_drop(l) < 0)
		child_fail(err_wr, STEP_CONFINE);
	if (l->seccomp &&
	    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, l->seccomp) < 0))
		child_fail(err_wr, STEP_SECCOMP);
	execve(l->path, l->argv, l->envp ? l->envp : environ);
	child_fail(err_wr, STEP_EXEC);
	_exit(127);
}

static pid_t clone_child(unsigned long flags)
{
	return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

bool tracer_namespaces_available(void)
{
	int status;
	pid_t pid = clone_child(CLONE_NEWPID | CLONE_NEWNS);

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return false;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int tracer_launch(const struct tracer_launch *l, struct tracer **out,
		  char **cause)
{
	int sync_pipe[2], err_pipe[2], sock[2], one = 1;
	struct confine_mounts mounts = { 0 };
	struct launch_error le;
	pid_t prog;
	struct tracer *t;
	bool in_ns = false;
	pid_t pid = -1, init_pid = 0;
	int status, err;
	ssize_t n;

	if (pipe2(sync_pipe, O_CLOEXEC) < 0)
		return set_cause(cause, -errno, "pipe: %s", errstr(errno));
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		err = -errno;
		close(sync_pipe[0]);
		close(sync_pipe[1]);
		return set_cause(cause, err, "pipe: %s", errstr(-err));
	}

	/* SEQPACKET, not DGRAM: a child that dies before sending must
	 * give us end-of-file, not an endless wait. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		err = -errno;
		set_cause(cause, err, "socketpair: %s", errstr(errno));
		sock[0] = sock[1] = -1;
		goto out_pipes;
	}
	setsockopt(sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));

	if (l->namespaces) {
		unsigned long more = l->confine ?
			CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS : 0;

		err = confine_prepare(l, &mounts, cause);
		if (err < 0)
			goto out_pipes;
		pid = clone_child(CLONE_NEWPID | CLONE_NEWNS | more);
		if (pid >= 0)
			in_ns = true;
	}
	if (pid < 0)
		pid = clone_child(0);
	if (pid < 0) {
		err = -errno;
		set_cause(cause, err, "clone: %s", errstr(errno));
		goto out_pipes;
	}
	if (pid == 0) {
		close(sync_pipe[1]);
		close(err_pipe[0]);
		close(sock[0]);
		child_main(l, &mounts, sync_pipe[0], err_pipe[1], sock[1],
			   in_ns);
	}
	confine_release(&mounts);
	close(sync_pipe[0]);
	close(err_pipe[1]);
	close(sock[1]);
	sync_pipe[0] = err_pipe[1] = sock[1] = -1;

	/* The program is our child, or the namespace init's child. */
	prog = recv_pid(sock[0]);
	if (prog <= 0) {
		err = -ECHILD;
		do
			n = read(err_pipe[0], &le, sizeof(le));
		while (n < 0 && errno == EINTR);
		if (n == sizeof(le))
			set_cause(cause, -le.err, "%s: %s", step_names[le.step],
				  errstr(le.err));
		else
			set_cause(cause, err, "the child died before exec");
		waitpid(pid, NULL, __WALL);
		goto out_pipes;
	}
	init_pid = prog == pid ? 0 : pid;
	pid = prog;

	if (ptrace(PTRACE_SEIZE, pid, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
		   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
		   /* Record's filter, or pagewatch.c's installed later. */
		   PTRACE_O_TRACESECCOMP) < 0) {
		err = -errno;
		set_cause(cause, err, "ptrace(PTRACE_SEIZE): %s",
			  errstr(errno));
		goto out_kill;
	}
	if (write(sync_pipe[1], "", 1) != 1) {
		err = -errno;
		set_cause(cause, err, "write: %s", errstr(errno));
		goto out_kill;
	}
	close(sync_pipe[1]);
	sync_pipe[1] = -1;

	do
		n = read(err_pipe[0], &le, sizeof(le));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(le)) {
		waitpid(pid, NULL, __WALL);
		if (init_pid)
			waitpid(init_pid, NULL, __WALL);
		err = -le.err;
		if (le.step == STEP_EXEC && l->confine)
			set_cause(cause, err, "cannot execute '%s' as the "
				  "confined uid %u: %s (it must be readable "
				  "and executable by others)", l->path,
				  (unsigned)l->confine_id, errstr(le.err));
		else if (le.step == STEP_EXEC)
			set_cause(cause, err, "cannot execute '%s': %s",
				  l->path, errstr(le.err));
		else
			set_cause(cause, err, "%s: %s", step_names[le.step],
				  errstr(le.err));
		goto out_pipes;
	}

	/* The exec event stop. */
	if (waitpid(pid, &status, __WALL) < 0 || !WIFSTOPPED(status) ||
	    status >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		err = -ECHILD;
		set_cause(cause, err, "'%s' did not stop after execve",
			  l->path);
		goto out_kill;
	}
	close(err_pipe[0]);
	close(sock[0]);

	t = tracer_new_stopped(pid, in_ns);
	t->init_pid = init_pid;
	*out = t;
	return 0;

out_kill:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	if (init_pid)
		waitpid(init_pid, NULL, __WALL);

out_pipes:
	confine_release(&mounts);
	if (sync_pipe[0] >= 0)
		close(sync_pipe[0]);
	if (sync_pipe[1] >= 0)
		close(sync_pipe[1]);
	if (err_pipe[0] >= 0)
		close(err_pipe[0]);
	if (err_pipe[1] >= 0)
		close(err_pipe[1]);
	if (sock[0] >= 0)
		close(sock[0]);
	if (sock[1] >= 0)
		close(sock[1]);
	return err;
}
