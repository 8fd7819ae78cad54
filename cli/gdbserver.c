/*
 * cli/gdbserver.c - serve gdb: the listening socket, the one connection,
 * and the server as a source of the session's event loop (its stops and
 * restarts).  The target ops that wire gdbstub/ to the tracer are in
 * gdbops.c.
 *
 * Owns the gdb side of the session: which software breakpoints and which
 * debug-register slots gdb inserted (so detach removes exactly those),
 * and whether a connection waits for the target to stop before it is
 * served.  One gdb at a time: a second connection gets an error packet
 * and is closed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbserver.h"

static bool gdbserver_read(struct gdbserver *g);
static void gdbserver_drain_refused(struct gdbserver *g);
static void gdbserver_accept(struct gdbserver *g);

static void gdbserver_restarted(struct gdbserver *g)
{
	if (g)
		gdb_forget_tasks(g);
}

/* ---- connection ---------------------------------------------------------- */

static void client_write(void *arg, const void *buf, size_t len)
{
	struct gdbserver *g = arg;

	if (g->client_fd >= 0 && write_all(g->client_fd, buf, len) < 0)
		LOG("rsp", "write to gdb failed: %s", errstr(errno));
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
			>> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

static int listen_unix(struct gdbserver *g, const char *path, char **cause)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return set_cause(cause, -ENAMETOOLONG,
				 "unix socket path '%s' is too long", path);
	if (access(path, F_OK) == 0)
		return set_cause(cause, -EEXIST, "cannot serve gdb on '%s': "
				 "it exists (remove it first)", path);
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return set_cause(cause, -errno, "socket: %s", errstr(errno));
	old = umask(0177);	/* the socket is ours alone: 0600 */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int err = -errno;

		umask(old);
		close(fd);
		return set_cause(cause, err, "bind: '%s': %s", path,
				 errstr(-err));
	}
	umask(old);
	listen(fd, 2);
	g->listen_fd = fd;
	g->unix_path = xstrdup(path);
	g->where = xasprintf("unix:%s", path);
	return 0;
}

static int listen_tcp(struct gdbserver *g, const char *spec, bool any,
		      char **cause)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL;
	const char *colon = strrchr(spec, ':');
	char host[256] = "127.0.0.1", port[32];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1, err;

	if (colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec),
			 spec);
		snprintf(port, sizeof(port), "%s", colon + 1);
		if (!host[0])
			snprintf(host, sizeof(host), "127.0.0.1");
	} else {
		snprintf(port, sizeof(port), "%s", spec);
	}
	if (!port[0] || strspn(port, "0123456789") != strlen(port))
		return set_cause(cause, -EINVAL, "bad gdb address '%s': "
				 "expected [HOST:]PORT or unix:PATH", spec);
	if (strlen(port) > 5 || atoi(port) > 65535)
		return set_cause(cause, -EINVAL, "bad gdb port '%s': ports "
				 "go from 0 (any free one) to 65535", port);
	err = getaddrinfo(host, port, &hints, &res);
	if (err)
		return set_cause(cause, -EINVAL, "cannot resolve '%s': %s",
				 host, gai_strerror(err));
	if (!is_loopback(res->ai_addr) && !any) {
		freeaddrinfo(res);
		return set_cause(cause, -EPERM, "'%s' is not a loopback "
				 "address: add --listen-any to serve gdb on "
				 "it (a gdb connection can run any code)",
				 host);
	}
	if (!is_loopback(res->ai_addr))
		fprintf(stderr, "umdbg: warning: serving gdb on %s: anyone "
			"who can reach it controls the guest and umdbg\n",
			host);
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return set_cause(cause, -errno, "socket: %s", errstr(errno));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 2)) {
		err = -errno;
		close(fd);
		freeaddrinfo(res);
		return set_cause(cause, err, "cannot listen on %s:%s: %s",
				 host, port, errstr(-err));
	}
	freeaddrinfo(res);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (ss.ss_family == AF_INET6)
		g->where = xasprintf("[%s]:%d", host,
			ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	else
		g->where = xasprintf("%s:%d", host,
			ntohs(((struct sockaddr_in *)&ss)->sin_port));
	g->listen_fd = fd;
	return 0;
}

/* ---- the session's view of the server: a source of its event loop ---- */

static int src_fds(void *arg, struct pollfd *p, int max)
{
	struct gdbserver *g = arg;

	if (max < 3)
		return 0;
	/* a descriptor of -1 is not polled */
	p[0] = (struct pollfd){ g->client_fd, POLLIN, 0 };
	p[1] = (struct pollfd){ g->refused_fd, POLLIN, 0 };
	p[2] = (struct pollfd){ g->listen_fd, POLLIN, 0 };
	return 3;
}

static void src_ready(void *arg, const struct pollfd *p, int n)
{
	struct gdbserver *g = arg;

	if (n < 3)
		return;
	if (p[0].revents)
		gdbserver_read(g);
	if (p[1].revents)
		gdbserver_drain_refused(g);
	if (p[2].revents)
		gdbserver_accept(g);
}

static int src_stop_fd(void *arg)
{
	struct gdbserver *g = arg;

	return gdbserver_connected(g) ? g->client_fd : -1;
}

/*
 * While a re-run goes on: gdb's interrupt byte (taken) or its leaving
 * (left for the event loop to see) asks to stop.  Anything else waits
 * for the event loop; *keep goes false so the wait does not spin on it.
 */
static bool src_asks_stop(void *arg, bool *keep)
{
	struct gdbserver *g = arg;
	char c;
	ssize_t n = recv(g->client_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n == 1 && c == 0x03) {
		n = recv(g->client_fd, &c, 1, MSG_DONTWAIT);
		return true;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		*keep = false;
		return true;	/* gone */
	}
	*keep = n < 0;
	return false;
}

static bool src_on_stop(void *arg, const struct tracer_stop *st)
{
	struct gdbserver *g = arg;

	if (!gdbserver_connected(g))
		return false;
	gdbserver_on_stop(g, st);
	return true;
}

static void src_on_restart(void *arg)
{
	gdbserver_restarted(arg);
}

static bool src_holds(void *arg)
{
	return gdbserver_connected(arg);
}

int gdbserver_open(struct session *s, const char *spec, bool any,
		   struct gdbserver **out, char **cause)
{
	struct gdbserver *g = xcalloc(1, sizeof(*g));
	cpu_set_t cpus;
	int err;

	g->s = s;
	g->listen_fd = g->client_fd = g->refused_fd = -1;
	memset(g->files, -1, sizeof(g->files));
	/* umdbg's CPUs now, before a step keeps it to one for a while
	 * (tracer_pin_steps): spinning for the client's packets needs
	 * another CPU for the client */
	g->spin = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
		  CPU_COUNT(&cpus) > 1;
	if (!strncmp(spec, "unix:", 5))
		err = listen_unix(g, spec + 5, cause);
	else
		err = listen_tcp(g, spec, any, cause);
	if (err) {
		free(g);
		return err;
	}
	fprintf(stderr, "umdbg: serving gdb on %s (gdb: target remote %s)\n",
		g->where, g->where);
	session_add_source(s, &(struct session_source){
		.arg = g, .fds = src_fds, .ready = src_ready,
		.stop_fd = src_stop_fd, .asks_stop = src_asks_stop,
		.on_stop = src_on_stop, .on_restart = src_on_restart,
		.holds = src_holds });
	s->gdb_where = g->where;
	*out = g;
	return 0;
}

void gdbserver_close(struct gdbserver *g)
{
	if (!g)
		return;
	gdb_close_files(g);
	if (g->client_fd >= 0)
		close(g->client_fd);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->refused_fd >= 0)
		close(g->refused_fd);
	if (g->unix_path)
		unlink(g->unix_path);
	rsp_free(g->rsp);
	free(g->tasks);
	free(g->unix_path);
	free(g->where);
	free(g->bps);
	free(g);
}

bool gdbserver_connected(const struct gdbserver *g)
{
	return g && g->client_fd >= 0;
}

/* The stop the stub shows for a tracer stop. */
static void to_rsp_stop(struct gdbserver *g, const struct tracer_stop *st,
			struct rsp_stop *rs)
{
	size_t i;

	memset(rs, 0, sizeof(*rs));
	rs->kind = RSP_STOP_SIGNAL;
	rs->tid = gdb_tid_out(g, st->tid);
	rs->signo = SIGTRAP;
	switch (st->kind) {
	case TRACER_STOP_NONE:
		/* timeline: reverse execution reached the start */
		rs->reason = RSP_REASON_REPLAY_BEGIN;
		break;
	case TRACER_STOP_BREAKPOINT:
		/* gdb's own breakpoint: swbreak.  Any other (--break, the
		 * prompt's): a plain SIGTRAP, which gdb shows; told swbreak
		 * where it has no breakpoint, gdb would resume silently. */
		for (i = 0; i < g->nbps; i++)
			if (g->bps[i].addr == st->addr)
				rs->reason = RSP_REASON_SWBREAK;
		break;
	case TRACER_STOP_WATCH:
		switch (g->slot_used[st->bp] ? g->slot_type[st->bp] :
			RSP_HW_BREAK) {
		case RSP_WRITE_WATCH:
			rs->reason = RSP_REASON_WATCH;
			break;
		case RSP_READ_WATCH:
			rs->reason = RSP_REASON_RWATCH;
			break;
		case RSP_ACCESS_WATCH:
			rs->reason = RSP_REASON_AWATCH;
			break;
		default:
			rs->reason = RSP_REASON_HWBREAK;
			break;
		}
		rs->addr = st->addr;
		break;
	case TRACER_STOP_INTERRUPT:
		rs->signo = SIGINT;
		break;
	case TRACER_STOP_HOOK:
		rs->signo = SIGTRAP;
		break;
	case TRACER_STOP_SIGNAL:
		rs->signo = st->signo;
		break;
	case TRACER_STOP_EXITED:
		rs->kind = RSP_STOP_EXITED;
		rs->status = st->status;
		break;
	case TRACER_STOP_KILLED:
		rs->kind = RSP_STOP_KILLED;
		rs->signo = st->signo;
		break;
	default:
		break;
	}
}

void gdbserver_on_stop(struct gdbserver *g, const struct tracer_stop *st)
{
	struct rsp_stop rs;

	gdb_forget_tasks(g);
	g->s->last_stop = *st;
	if (!g->rsp)
		return;
	to_rsp_stop(g, st, &rs);
	if (g->attach_pending) {
		/* gdb connected while the guest ran: now it is stopped. */
		g->attach_pending = false;
		rs.signo = SIGTRAP;
		rs.reason = RSP_REASON_NONE;
		rsp_set_stopped(g->rsp, &rs);
	} else if (rsp_is_running(g->rsp)) {
		rsp_notify_stop(g->rsp, &rs);
	} else {
		rsp_set_stopped(g->rsp, &rs);
	}
}

/*
 * Tell a second client why it is refused.  The socket is half-closed and
 * drained before it is closed: closing with its first packet unread would
 * reset the connection and lose our message.
 */
static void refuse(struct gdbserver *g, int fd)
{
	static const char msg[] = "E.umdbg serves one gdb at a time";
	char pkt[128];
	uint8_t sum = 0;
	size_t i;

	for (i = 0; msg[i]; i++)
		sum += (uint8_t)msg[i];
	snprintf(pkt, sizeof(pkt), "$%s#%02x", msg, sum);
	if (write(fd, pkt, strlen(pkt)) < 0) {
		close(fd);
		return;
	}
	shutdown(fd, SHUT_WR);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (g->refused_fd >= 0)
		close(g->refused_fd);
	g->refused_fd = fd;
}

static void gdbserver_drain_refused(struct gdbserver *g)
{
	char buf[4096];
	ssize_t n = read(g->refused_fd, buf, sizeof(buf));

	if (n > 0 || (n < 0 && errno == EAGAIN))
		return;
	close(g->refused_fd);
	g->refused_fd = -1;
}

static void gdbserver_accept(struct gdbserver *g)
{
	int fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC), one = 1;
	struct rsp_stop rs;

	if (fd < 0)
		return;
	if (g->client_fd >= 0) {
		fprintf(stderr, "umdbg: refused a second gdb connection "
			"(one at a time)\n");
		refuse(g, fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	g->client_fd = fd;
	g->rsp = rsp_new(&gdb_target_ops, g, client_write, g);
	g->main_alias = 0;
	rsp_enable_reverse(g->rsp, g->s->rr && rr_is_replay(g->s->rr));
	fprintf(stderr, "umdbg: gdb connected\n");
	if (tracer_is_running(g->s->t)) {
		g->attach_pending = true;
		tracer_interrupt(g->s->t);
	} else {
		to_rsp_stop(g, &g->s->last_stop, &rs);
		if (rs.kind == RSP_STOP_SIGNAL && rs.signo == SIGTRAP)
			rs.reason = RSP_REASON_NONE;
		rsp_set_stopped(g->rsp, &rs);
	}
}

static void gdbserver_drop_client(struct gdbserver *g)
{
	gdb_close_files(g);
	if (g->client_fd < 0)
		return;
	close(g->client_fd);
	g->client_fd = -1;
	rsp_free(g->rsp);
	g->rsp = NULL;
	g->attach_pending = false;
}

/* What one read brought; false when the connection ended. */
static bool gdbserver_feed(struct gdbserver *g, const char *buf, ssize_t n)
{
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		fprintf(stderr, "umdbg: gdb disconnected\n");
		if (tracer_is_alive(g->s->t)) {
			gdb_remove_points(g);
			if (!tracer_is_running(g->s->t))
				session_resume(g->s);
		}
		gdbserver_drop_client(g);
		return false;
	}
	rsp_feed(g->rsp, buf, n);
	if (rsp_is_done(g->rsp)) {
		gdbserver_drop_client(g);
		return false;
	}
	return true;
}

/*
 * After a reply while the guest is stopped, the client's next packet
 * is usually a few microseconds away (a step, the next block of a
 * memory read).  Sleeping in poll() for it costs more on a virtual
 * machine than the packet's whole work: the client's write must wake
 * this CPU out of its halt.  So for a little while we look for it
 * without sleeping.  Only with another CPU to run the client on;
 * never while the guest runs.
 */
#define SPIN_NS 200000

static ssize_t spin_read(struct gdbserver *g, char *buf, size_t len)
{
	uint64_t until = now_ns() + SPIN_NS;
	ssize_t n;

	do {
		n = recv(g->client_fd, buf, len, MSG_DONTWAIT);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
		__builtin_ia32_pause();
	} while (now_ns() < until);
	errno = EAGAIN;
	return -1;
}

/*
 * Returns false when the connection ended (gdb left or detached).  The
 * packets that follow without a pause are served here too, for up to
 * SPIN_TURN_NS, before the event loop has its turn again (a signal, the
 * console).
 */
#define SPIN_TURN_NS 20000000

static bool gdbserver_read(struct gdbserver *g)
{
	char buf[65536];
	ssize_t n = read(g->client_fd, buf, sizeof(buf));
	uint64_t turn_end = 0;

	for (;;) {
		if (!gdbserver_feed(g, buf, n))
			return false;
		/* spin only when a reply went out and the next packet
		 * is the client's to send */
		if (n <= 0 || !g->spin || !tracer_is_alive(g->s->t) ||
		    tracer_is_running(g->s->t) || rsp_is_running(g->rsp) ||
		    g->s->quit)
			return true;
		if (!turn_end)
			turn_end = now_ns() + SPIN_TURN_NS;
		else if (now_ns() > turn_end)
			return true;
		n = spin_read(g, buf, sizeof(buf));
	}
}


