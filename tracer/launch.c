/*
 * tracer/launch.c - start the program under ptrace.
 *
 * The child is created with a raw fork-like clone so it can be init of a
 * new PID namespace (and own a private mount namespace).  That init reaps
 * (the program runs as its child, pid 2, because a namespace init cannot
 * die of its own signals and UML ends a panic with abort()), and answers
 * the tracer on a socket for checkpoints (ns_init below).  The program
 * reports its pid to us over that socket with SCM_CREDENTIALS (the
 * kernel translates it into our namespace).
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
#include <poll.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
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

/* ---- the namespace's init, from the tracer's side --------------------- */

struct tracer_ns *tracer_ns_ref(struct tracer_ns *ns)
{
	if (ns)
		ns->refs++;
	return ns;
}

/* The last user gone: the init leaves once its children are, or now. */
void tracer_ns_put(struct tracer_ns *ns)
{
	if (!ns || --ns->refs > 0)
		return;
	close(ns->sock);
	kill(ns->init_pid, SIGKILL);
	waitpid(ns->init_pid, NULL, __WALL);
	free(ns);
}

/* One request; 0 or -errno.  The init answers at once, or within 5 s. */
int tracer_ns_ask(struct tracer_ns *ns, int op, int value, int *value2)
{
	struct tracer_ns_msg m = { .op = op, .value = value };
	ssize_t n;

	if (!ns)
		return -ENOTSUP;
	if (send(ns->sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
		return -errno;
	do
		n = recv(ns->sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(m))
		return n < 0 ? -errno : -EPIPE;
	if (value2)
		*value2 = m.value2;
	return -m.err;
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

/*
 * The namespace's init.  It reaps every process of the namespace and
 * leaves when none is left (then the kernel kills what remains, which is
 * nothing).  On its socket the tracer asks it for what only a process
 * inside the namespace, and a privileged one, can do for checkpoints
 * (checkpoint.c): set ns_last_pid, so a process is re-created with the
 * pid it had, and wait until a pid is free again.
 */
static void ns_reap(pid_t prog, int *prog_status)
{
	int status;
	pid_t w;

	while ((w = waitpid(-1, &status, WNOHANG | __WALL)) > 0)
		if (w == prog)
			*prog_status = status;
}

/* No process has the pid, nor has it as its group (a process of a
 * killed kernel's group may be dying yet). */
static bool ns_pid_free(int pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH &&
	       kill(-pid, 0) < 0 && errno == ESRCH;
}

static void ns_answer(int sock, int last_fd, int sfd, pid_t prog,
		      int *prog_status)
{
	struct tracer_ns_msg m;
	struct signalfd_siginfo si;
	char buf[32];
	ssize_t n;
	int tries;

	n = recv(sock, &m, sizeof(m), 0);
	if (n != sizeof(m))
		return;
	m.err = 0;
	switch (m.op) {
	case TRACER_NS_LAST_PID:
		n = pread(last_fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		m.value2 = atoi(buf);
		n = snprintf(buf, sizeof(buf), "%d", m.value);
		if (last_fd < 0 || pwrite(last_fd, buf, (size_t)n, 0) != n)
			m.err = last_fd < 0 ? EPERM : errno;
		break;
	case TRACER_NS_WAIT_FREE:
		/* 5 s at most: a SIGKILLed process goes within a moment */
		for (tries = 0; !ns_pid_free(m.value) && tries < 50; tries++) {
			struct pollfd p = { sfd, POLLIN, 0 };

			ns_reap(prog, prog_status);
			if (ns_pid_free(m.value))
				break;
			if (poll(&p, 1, 100) > 0 &&
			    read(sfd, &si, sizeof(si)) < 0) {
				/* drained; nothing to do */
			}
		}
		if (!ns_pid_free(m.value))
			m.err = EBUSY;
		break;
	default:
		m.err = EINVAL;
	}
	if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0) {
		/* the tracer is gone; its death kills us */
	}
}

static void __attribute__((noreturn)) ns_init(pid_t prog, int sock,
					      int last_fd)
{
	int status = 0, fd, sfd;
	struct signalfd_siginfo si;
	sigset_t chld;

	for (fd = 0; fd < 1024; fd++)
		if (fd != sock && fd != last_fd)
			close(fd);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC);
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { sock, POLLIN, 0 } };

		ns_reap(prog, &status);
		if (waitpid(-1, NULL, WNOHANG | __WALL) < 0 && errno == ECHILD)
			break;
		if (poll(p, sock >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (p[0].revents && read(sfd, &si, sizeof(si)) < 0) {
			/* drained */
		}
		if (sock >= 0 && (p[1].revents & (POLLHUP | POLLERR))) {
			close(sock);
			sock = -1;
		} else if (sock >= 0 && p[1].revents) {
			ns_answer(sock, last_fd, sfd, prog, &status);
		}
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
	int sig, last_fd = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Opened before the confined root hides the host's /proc; a write
	 * acts on the writer's namespace, which is ours. */
	if (in_ns)
		last_fd = open("/proc/sys/kernel/ns_last_pid",
			       O_RDWR | O_CLOEXEC);
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
			ns_init(prog, pid_sock, last_fd);
		if (last_fd >= 0)
			close(last_fd);
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

	t = tracer_new_stopped(pid, in_ns);
	t->init_pid = init_pid;
	if (init_pid) {
		t->ns = xcalloc(1, sizeof(*t->ns));
		t->ns->init_pid = init_pid;
		t->ns->sock = sock[0];
		t->ns->refs = 1;
	} else {
		close(sock[0]);
	}
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
