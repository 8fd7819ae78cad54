/*
 * cli/loop.c - the session's core: resume and stepi, the stop dispatch
 * (a stop goes to the step engine, the gdb server, the TUI or the
 * prompt), signals (Ctrl-C, SIGTERM), and the one poll() loop.
 *
 * One poll() loop serves the signalfd (SIGCHLD from tracee stops, SIGINT
 * for Ctrl-C, SIGTERM/SIGHUP), the guest's console output, the gdb
 * server and our stdin (forwarded to the guest while it runs, read by
 * readline at the prompt).  Nothing blocks in waitpid while the user may
 * press Ctrl-C.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <readline/readline.h>

#include "cli.h"
#include "../tui/tui.h"

static bool stepi_ended(struct session *s, const struct tracer_stop *st);

/*
 * A real kernel fault, as opposed to UML's everyday SIGSEGVs: the guest
 * kernel lives in [uml_physmem, end_vm) (physical memory, then vmalloc and
 * modules, whose faults UML fixes up); a fault outside it — the NULL page,
 * a wild pointer — is a bug UML will only turn into a panic.
 */
bool real_fault(void *arg, pid_t tid, int signo, uint64_t addr)
{
	struct session *s = arg;
	uint64_t sym, lo = 0, hi = 0;

	(void)tid; (void)signo;
	if (kmodel_symbol_addr(s->k, "uml_physmem", &sym) ||
	    tracer_read_mem(s->t, sym, &lo, 8) != 8 ||
	    kmodel_symbol_addr(s->k, "end_vm", &sym) ||
	    tracer_read_mem(s->t, sym, &hi, 8) != 8 || !lo || !hi)
		return false;	/* too early to tell: leave it to UML */
	return addr < lo || addr >= hi;
}

ssize_t session_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return tracer_read_mem(arg, addr, buf, len);
}

static void notify_resume(struct session *s, bool step)
{
	int i;

	free(s->catch_reason);	/* the catchpoint's stop is over */
	s->catch_reason = NULL;
	s->catch_num = 0;
	for (i = 0; i < s->nsources; i++)
		if (s->sources[i].on_resume)
			s->sources[i].on_resume(s->sources[i].arg, step);
}

int session_resume(struct session *s)
{
	char *cause = NULL;
	int err;

	notify_resume(s, false);
	err = tracer_resume(s->t, &cause);
	if (err < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		return -ESRCH;
	}
	if (err == 1)	/* a stop is waiting: the loop pumps on SIGCHLD */
		raise(SIGCHLD);
	s->tl.pos_known = false;
	session_leave_prompt(s);
	return 0;
}

void session_note_step(struct session *s)
{
	notify_resume(s, true);
	if (s->tl.pos_known && (s->tl.pos.kind == RR_POS_BP ||
			      s->tl.pos.kind == RR_POS_START))
		s->tl.pos.steps++;
	else
		s->tl.pos_known = false;
}

/* The guest is gone (powered off, exited, killed): true, and it ends. */
static bool guest_ended(struct session *s, const struct tracer_stop *st)
{
	if (st->kind != TRACER_STOP_EXITED && st->kind != TRACER_STOP_KILLED)
		return false;
	if (s->killed_by_gdb) {
		end_guest(s, EXIT_GUEST_HALTED);
	} else if (st->kind == TRACER_STOP_EXITED && st->status == 0) {
		fprintf(stderr, "umdbg: guest powered off\n");
		end_guest(s, EXIT_GUEST_HALTED);
	} else if (st->kind == TRACER_STOP_EXITED && s->powered_off) {
		/* --run: the guest's init wrote the command's status to
		 * /proc/exitcode, and UML exits with it. */
		fprintf(stderr, "umdbg: the guest's command failed with "
			"status %d; guest powered off (exit status %d)\n",
			st->status, EXIT_RUN_FAILED);
		end_guest(s, EXIT_RUN_FAILED);
	} else if (st->kind == TRACER_STOP_EXITED) {
		fprintf(stderr, "umdbg: guest exited with status %d\n",
			st->status);
		end_guest(s, EXIT_GUEST_DIED);
	} else if (st->signo == SIGABRT) {
		fprintf(stderr, "umdbg: guest kernel panicked (UML aborted)\n");
		end_guest(s, EXIT_PANIC);
	} else {
		fprintf(stderr, "umdbg: guest killed by %s\n",
			signal_name(st->signo));
		end_guest(s, EXIT_GUEST_DIED);
	}
	return true;
}

void session_report_maps(struct session *s)
{
	if (!s->maps_reported && tracer_is_alive(s->t)) {
		/* Host libraries are mapped by now; their CFI lets
		 * backtraces cross UML's signal frames. */
		char *maps = xasprintf("/proc/%d/maps", tracer_pid(s->t));

		kmodel_report_maps(s->k, maps, NULL);
		free(maps);
		s->maps_reported = true;
	}
}

/* The stop report (the TUI's panes show all but its headline). */
static void report(struct session *s)
{
	struct out *o;

	session_report_maps(s);
	s->reported = true;
	if (s->tui)
		return;		/* it asks for the headline (tui_host) */
	o = session_out(s, stdout);
	report_stop(s, o);
	out_free(o);
}

void session_end_unattended(struct session *s, bool failed)
{
	const struct tracer_stop *st = &s->last_stop;

	if (failed) {
		fprintf(stderr, "umdbg: a --batch command failed; ending the "
			"guest (exit status %d)\n", EXIT_ERROR);
		end_guest(s, EXIT_ERROR);
	} else if (st->kind == TRACER_STOP_SIGNAL && st->signo == SIGABRT) {
		fprintf(stderr, "umdbg: guest kernel panicked; no terminal, "
			"ending the guest (exit status %d)\n", EXIT_PANIC);
		end_guest(s, EXIT_PANIC);
	} else if (st->kind == TRACER_STOP_SIGNAL) {
		/* A kernel fault: UML would make it a panic. */
		fprintf(stderr, "umdbg: guest kernel fault; no terminal, "
			"ending the guest (exit status %d)\n", EXIT_PANIC);
		end_guest(s, EXIT_PANIC);
	} else if (st->kind == TRACER_STOP_HOOK && rr_diverged(s->rr)) {
		fprintf(stderr, "umdbg: the replay diverged; ending the guest "
			"(exit status %d)\n", EXIT_DIVERGED);
		end_guest(s, EXIT_DIVERGED);
	} else {
		fprintf(stderr, "umdbg: stopped; %s, ending the guest (exit "
			"status %d)\n", s->batch ? "--batch commands run" :
			"no terminal", EXIT_STOPPED);
		end_guest(s, EXIT_STOPPED);
	}
}

/*
 * A breakpoint stop where catchpoints are: judge each; silent when none
 * of them catches it (another caller of _printk...) and nobody else has
 * a breakpoint there: the prompt's, gdb's (the tracer counts every
 * insertion of the address).
 */
static bool catch_is_silent(struct session *s, const struct tracer_stop *st)
{
	bool caught = false;
	int catches = 0;
	size_t i, j;

	for (i = 0; i < s->nbps; i++)
		for (j = 0; j < s->bps[i].naddrs; j++) {
			if (s->bps[i].ids[j] != st->bp || !s->bps[i].catch)
				continue;
			catches++;
			if (!caught && catch_judge_stop(s, &s->bps[i], st)) {
				caught = true;
				s->catch_num = s->bps[i].num;
			}
		}
	if (!caught) {
		free(s->catch_reason);
		s->catch_reason = NULL;
	}
	return catches && !caught && tracer_bp_refs(s->t, st->bp) <= catches;
}

/* Stops that are not the user's: umdbg's own catch of module loads, a
 * silent watchpoint trigger, a step under way.  True when taken care of. */
static bool internal_stop(struct session *s, const struct tracer_stop *st,
			  bool watch_judged)
{
	int i;

	if (st->kind == TRACER_STOP_BREAKPOINT && st->bp == s->modload_id) {
		struct user_regs_struct r;

		/* do_init_module(struct module *mod): rdi. */
		if (tracer_get_regs(s->t, st->tid, &r) == 0)
			resolve_pending(s, r.rdi, stderr);
		/* Silent, unless the user also breaks there. */
		if (!user_breakpoint(s, st->bp)) {
			session_resume(s);
			return true;
		}
	}
	if (st->kind == TRACER_STOP_BREAKPOINT && st->bp == s->poweroff_id) {
		s->powered_off = true;
		if (!user_breakpoint(s, st->bp)) {
			session_resume(s);
			return true;
		}
	}
	if (st->kind == TRACER_STOP_BREAKPOINT && catch_is_silent(s, st)) {
		session_resume(s);
		return true;
	}
	if (!watch_judged && watch_is_silent(s, st)) {
		session_resume(s);
		return true;
	}
	for (i = 0; i < s->nsources; i++) {
		if (!s->sources[i].claim_stop)
			continue;
		switch (s->sources[i].claim_stop(s->sources[i].arg, st)) {
		case STEP_RUNNING:
			return true;
		case STEP_DONE:
			if (s->interactive || s->batch)
				session_rest(s);
			return true;
		default:
			break;
		}
	}
	return false;
}

void on_stop(struct session *s, const struct tracer_stop *st,
	     bool watch_judged)
{
	bool taken = false;
	size_t i, j;

	console_drain(&s->con);
	if (!s->con.at_bol) {
		write_all(STDOUT_FILENO, "\n", 1);
		s->con.at_bol = true;
	}
	s->last_stop = *st;
	for (i = 0; i < (size_t)s->nsources; i++)
		if (s->sources[i].saw_stop)
			s->sources[i].saw_stop(s->sources[i].arg, st);
	if (s->stepi_waiting && stepi_ended(s, st))
		return;
	if (internal_stop(s, st, watch_judged))
		return;
	/* a catchpoint's culprit is the selected frame, for gdb's
	 * monitor commands too */
	s->frame = s->catch_reason && s->catch_frame > 0 ? s->catch_frame : 0;
	if (st->kind == TRACER_STOP_HOOK)
		fprintf(stderr, "umdbg: %s\n", rr_why(s->rr));
	for (i = 0; i < (size_t)s->nsources; i++)
		if (s->sources[i].on_stop)
			taken |= s->sources[i].on_stop(s->sources[i].arg, st);
	if (guest_ended(s, st))
		return;
	if (st->kind == TRACER_STOP_BREAKPOINT)
		for (i = 0; i < s->nbps; i++)
			for (j = 0; j < s->bps[i].naddrs; j++)
				s->bps[i].hits += s->bps[i].ids[j] == st->bp &&
					(!s->bps[i].catch ||
					 s->bps[i].num == s->catch_num);
	/* a moment the user visits: kept, to come back to it fast */
	ck_visit(s->ck);
	if (taken)
		return;		/* gdb has it */
	report(s);
	if (s->gdb)
		fprintf(stderr, "umdbg: waiting for gdb on %s\n",
			s->gdb_where);
	else if (s->interactive || s->batch)
		session_rest(s);
	else
		session_end_unattended(s, false);
}

static const char *host_syscall_name(long nr)
{
	switch (nr) {
	case SYS_rt_sigsuspend: return "rt_sigsuspend";
	case SYS_wait4: return "wait4";
	case SYS_read: return "read";
	case SYS_poll: return "poll";
	case SYS_ppoll: return "ppoll";
	case SYS_epoll_wait: return "epoll_wait";
	case SYS_epoll_pwait: return "epoll_pwait";
	case SYS_nanosleep: return "nanosleep";
	case SYS_clock_nanosleep: return "clock_nanosleep";
	case SYS_pause: return "pause";
	default: return NULL;
	}
}

/* A step that waits for its host syscall: one line saying so. */
static void say_step_waits(struct session *s, pid_t tid, long nr, FILE *out)
{
	const char *name = host_syscall_name(nr);
	/* next and step say it under their own name */
	const char *cmd = s->step.mode != STEP_NONE ? s->step.name : "stepi";
	char num[32];

	snprintf(num, sizeof(num), "%ld", nr);
	if (nr == SYS_rt_sigsuspend)
		fprintf(out, "%s: the kernel is idle (host rt_sigsuspend); "
			"the step ends at the next interrupt (Ctrl-C stops "
			"it)\n", cmd);
	else
		fprintf(out, "%s: thread %d is in host syscall %s; the step "
			"ends when it returns (Ctrl-C stops it)\n", cmd,
			session_tid(s, tid), name ? name : num);
}

int session_stepi(struct session *s, FILE *out)
{
	struct tracer_stop st;
	char *cause = NULL, *str;
	long nr = tracer_step_syscall(s->t, 0);
	int err;

	s->frame = 0;		/* the thread moves: its frame 0 again */

	session_note_step(s);
	err = tracer_step(s->t, 0, &st, &cause);
	if (err < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		return -ESRCH;
	}
	if (err == 0 && session_held(s)) {
		/* gdb holds the guest stopped: no step may wait here. */
		tracer_interrupt(s->t);
		if (tracer_wait(s->t, &st, &cause) < 0) {
			free(cause);
			return -ESRCH;
		}
		s->last_stop = st;
		fprintf(out ? out : stdout, "stepi: thread %d is in a host "
			"syscall that may block; not stepped (gdb's own stepi "
			"waits for it)\n", session_tid(s, st.tid));
		return -EBUSY;
	}
	if (err == 0) {
		/* It waits in the event loop; on_stop says where it ends.
		 * The steps of stepi N before its last pass their syscalls
		 * silently, but for the idle one (an interrupt may be long
		 * in coming). */
		if (out || nr == SYS_rt_sigsuspend || s->step.mode != STEP_NONE)
			say_step_waits(s, tracer_pid(s->t), nr,
				       out ? out : stdout);
		s->stepi_waiting = true;
		session_leave_prompt(s);
		return 1;
	}
	if (st.kind == TRACER_STOP_WATCH && watch_is_silent(s, &st)) {
		struct user_regs_struct r;

		st.kind = TRACER_STOP_STEP;	/* nothing to say */
		if (tracer_get_regs(s->t, st.tid, &r) == 0)
			st.addr = r.rip;
	}
	if (st.kind != TRACER_STOP_STEP) {
		session_leave_prompt(s);
		on_stop(s, &st, true);
		/* a watchpoint, a breakpoint, a signal: a stop like any */
		return tracer_is_alive(s->t) ? 2 : -ESRCH;
	}
	s->last_stop = st;
	if (out) {
		str = where_line(s, st.addr);
		fprintf(out, "0x%016llx %s\n", (unsigned long long)st.addr,
			str);
		free(str);
	}
	return 0;
}

void end_guest(struct session *s, int code)
{
	session_leave_prompt(s);
	tracer_kill(s->t);
	console_drain(&s->con);
	s->quit = true;
	s->exit_code = code;
}

/* stepi N leaves `left` steps undone for a signal (Ctrl-C, SIGTERM) the
 * event loop is to hear: say where it is. */
void stepi_stopped(struct session *s, uint64_t left, FILE *out)
{
	char *str = where_line(s, s->last_stop.addr);

	fprintf(out, "stepi: stopped by a signal, %llu steps short, at "
		"0x%016llx %s\n", (unsigned long long)left,
		(unsigned long long)s->last_stop.addr, str);
	free(str);
}

/*
 * The end of a stepi that waited for a host syscall: where it is, as
 * stepi says it, then the steps left of `stepi N`, then the prompt.
 * False for another stop (Ctrl-C, a watchpoint...): on_stop reports it.
 */
static bool stepi_ended(struct session *s, const struct tracer_stop *st)
{
	uint64_t left = s->stepi_left;
	/* time -q stepi N: the last step's line is output too */
	FILE *last = s->time_pending && s->time_quiet ? NULL : stdout;
	char *str;
	int err = 0;

	s->stepi_waiting = false;
	s->stepi_left = 0;
	if (st->kind != TRACER_STOP_STEP)
		return false;
	if (s->step.mode != STEP_NONE)
		return false;	/* step.c's line step goes on */
	if (!left && last) {
		str = where_line(s, st->addr);
		fprintf(last, "0x%016llx %s\n", (unsigned long long)st->addr,
			str);
		free(str);
	}
	while (left && (err = session_stepi(s, left == 1 ? last : NULL)) == 0) {
		left--;
		/* a signal waits for the event loop: go back to it */
		if (left && !(left % STEPI_SLICE) && session_signal_pending()) {
			stepi_stopped(s, left, stdout);
			left = 0;
		}
	}
	if (err == 1) {
		s->stepi_left = left - 1;
		return true;
	}
	if (err == 0 && (s->interactive || s->batch))
		session_rest(s);
	return true;
}

bool session_signal_pending(void)
{
	sigset_t set;

	/* they are blocked (read through the signalfd): pending till then */
	return sigpending(&set) == 0 &&
	       (sigismember(&set, SIGINT) == 1 ||
		sigismember(&set, SIGTERM) == 1 ||
		sigismember(&set, SIGHUP) == 1);
}

/* Ctrl-C: stop the running guest, or a line being stepped. */
void session_interrupt(struct session *s)
{
	struct tracer_stop st = { .kind = TRACER_STOP_INTERRUPT,
				  .tid = s->last_stop.tid };
	struct user_regs_struct r;

	if (tracer_is_alive(s->t) && tracer_is_running(s->t)) {
		tracer_interrupt(s->t);
	} else if (s->step.pending) {
		int i;

		for (i = 0; i < s->nsources; i++)
			if (s->sources[i].cancel)
				s->sources[i].cancel(s->sources[i].arg);
		if (tracer_get_regs(s->t, st.tid, &r) == 0)
			st.addr = r.rip;
		on_stop(s, &st, false);
	}
}

static void on_signal(struct session *s, int sig)
{
	switch (sig) {
	case SIGCHLD:
		for (;;) {
			struct tracer_stop st;
			char *cause = NULL;
			int r;

			if (!tracer_is_alive(s->t) || s->stopped)
				return;
			r = tracer_pump(s->t, &st, &cause);
			if (r < 0) {
				fprintf(stderr, "umdbg: %s\n", cause);
				free(cause);
				end_guest(s, EXIT_ERROR);
				return;
			}
			if (r == 0)
				return;
			on_stop(s, &st, false);
			if (s->quit)
				return;
		}
	case SIGWINCH:
		if (s->tui)
			tui_resize(s->tui);
		return;
	case SIGINT:
		if (s->stopped && !s->tui) {
			/* At the prompt: drop the line, as a shell does. */
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
		} else {
			session_interrupt(s);
		}
		return;
	default:
		fprintf(stderr, "\numdbg: %s: ending the guest\n",
			signal_name(sig));
		end_guest(s, 128 + sig);
		return;
	}
}

void session_add_source(struct session *s, const struct session_source *src)
{
	if (s->nsources == SESSION_MAX_SOURCES)
		BUG();
	s->sources[s->nsources++] = *src;
}

bool session_held(struct session *s)
{
	int i;

	for (i = 0; i < s->nsources; i++)
		if (s->sources[i].holds && s->sources[i].holds(s->sources[i].arg))
			return true;
	return false;
}

void session_rest(struct session *s)
{
	int i;

	s->stopped = true;
	session_time_done(s, stdout);
	/* a new stop: its innermost frame, or a catchpoint's culprit */
	s->frame = s->catch_reason && s->catch_frame > 0 ? s->catch_frame : 0;
	watch_refresh(s);	/* what a later trigger is compared with */
	for (i = 0; i < s->nsources && !s->quit; i++)
		if (s->sources[i].at_rest)
			s->sources[i].at_rest(s->sources[i].arg);
}

/* The guest runs (or is stepped from the event loop): leave the rest. */
void session_leave_prompt(struct session *s)
{
	int i;

	s->reported = false;
	if (!s->stopped)
		return;
	s->stopped = false;
	for (i = 0; i < s->nsources; i++)
		if (s->sources[i].leave_rest)
			s->sources[i].leave_rest(s->sources[i].arg);
}

void session_restarted(struct session *s)
{
	int i;

	/* a replay run again: a catchpoint's stop is no more */
	free(s->catch_reason);
	s->catch_reason = NULL;
	s->catch_num = 0;
	for (i = 0; i < s->nsources; i++)
		if (s->sources[i].on_restart)
			s->sources[i].on_restart(s->sources[i].arg);
}

#define LOOP_MAX_FDS 16

/* The sources' descriptors from p[n] on: each source's first and count. */
static int source_fds(struct session *s, struct pollfd *p, int n,
		      int first[], int count[])
{
	int i;

	for (i = 0; i < s->nsources; i++) {
		first[i] = n;
		count[i] = s->sources[i].fds ?
			s->sources[i].fds(s->sources[i].arg, p + n,
					  LOOP_MAX_FDS - n) : 0;
		n += count[i];
	}
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * --timeout: count the time the guest ran since the last call; at the
 * limit, end it.  Returns how long poll may wait (-1: no limit).
 */
static int timeout_check(struct session *s, int64_t *last, bool *running)
{
	int64_t t = now_ms();

	if (s->run_left_ms < 0)
		return -1;
	if (*running)
		s->run_left_ms -= t - *last;
	*last = t;
	*running = tracer_is_alive(s->t) && tracer_is_running(s->t);
	if (s->run_left_ms <= 0 && *running) {
		fprintf(stderr, "umdbg: --timeout: the guest ran %u s without "
			"finishing; ending it (exit status %d)\n",
			s->timeout_s, EXIT_TIMEOUT);
		end_guest(s, EXIT_TIMEOUT);
		return 0;
	}
	if (!*running)
		return -1;
	return s->run_left_ms > INT32_MAX ? INT32_MAX : (int)s->run_left_ms;
}

void main_loop(struct session *s)
{
	int64_t last = now_ms();
	bool running = false;

	while (!s->quit) {
		struct pollfd p[LOOP_MAX_FDS];
		int first[SESSION_MAX_SOURCES], count[SESSION_MAX_SOURCES];
		int n = 0, i, i_sig, i_out = -1, i_in = -1, i_to = -1;
		int wait_ms;

		i_sig = n;
		p[n++] = (struct pollfd){ s->sigfd, POLLIN, 0 };
		if (s->con.from_guest >= 0) {
			i_out = n;
			p[n++] = (struct pollfd){ s->con.from_guest, POLLIN,
						  0 };
		}
		if (!s->tui && (s->stopped ||
				(s->con.stdin_open && !s->con.pending.len))) {
			i_in = n;
			p[n++] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		}
		if (s->con.pending.len && !s->stopped) {
			i_to = n;
			p[n++] = (struct pollfd){ s->con.to_guest, POLLOUT, 0 };
		}
		n = source_fds(s, p, n, first, count);
		wait_ms = timeout_check(s, &last, &running);
		if (s->quit)
			break;
		if (poll(p, n, s->step.pending ? 0 : wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "umdbg: poll: %s\n", errstr(errno));
			end_guest(s, EXIT_ERROR);
			break;
		}
		if (i_out >= 0 && p[i_out].revents) {
			if (!console_drain(&s->con)) {
				close(s->con.from_guest);
				s->con.from_guest = -1;
			}
		}
		if (i_to >= 0 && p[i_to].revents)
			console_flush_to_guest(&s->con);
		if (i_in >= 0 && p[i_in].revents) {
			if (s->stopped)
				rl_callback_read_char();
			else
				console_forward_stdin(&s->con);
		}
		for (i = 0; i < s->nsources; i++)
			if (count[i] && s->sources[i].ready)
				s->sources[i].ready(s->sources[i].arg,
						    p + first[i], count[i]);
		if (!tracer_is_alive(s->t) && !s->quit) {
			/* gdb killed it, or it died during a step. */
			end_guest(s, s->killed_by_gdb ? EXIT_GUEST_HALTED :
				  EXIT_GUEST_DIED);
			break;
		}
		if (p[i_sig].revents) {
			struct signalfd_siginfo si;

			while (read(s->sigfd, &si, sizeof(si)) ==
			       (ssize_t)sizeof(si)) {
				on_signal(s, (int)si.ssi_signo);
				if (s->quit)
					break;
			}
		}
		/* A line being stepped: the next slice, after the events. */
		for (i = 0; i < s->nsources && s->step.pending && !s->quit;
		     i++)
			if (s->sources[i].go_on &&
			    s->sources[i].go_on(s->sources[i].arg) ==
			    STEP_DONE && (s->interactive || s->batch))
				session_rest(s);
	}
}
