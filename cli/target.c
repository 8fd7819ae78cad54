/*
 * cli/target.c - the timeline's target in a session: the kernel under the
 * tracer, replayed by rr (timeline.h says what each call does).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>

#include "cli.h"
#include "timeline.h"

void session_set_kernel(struct session *s, struct tracer *t)
{
	tracer_free(s->t);
	s->t = t;
	s->powered_off = false;
	kmodel_set_mem(s->k, &(struct kmodel_mem){ session_mem_read, t });
}

static int t_restart(void *arg, char **cause)
{
	struct session *s = arg;
	struct tracer *t;
	int err, fd;

	/* The console pipes are the same ones, and the kernel before set
	 * their file flags (O_NONBLOCK, O_ASYNC and its owner): the new one
	 * must find them as fresh as the first did. */
	for (fd = s->launch.stdin_fd; fd >= 0; fd = fd == s->launch.stdin_fd ?
	     s->launch.stdout_fd : -1) {
		fcntl(fd, F_SETFL, 0);
		fcntl(fd, F_SETOWN, 0);
		fcntl(fd, F_SETSIG, 0);
	}
	/* The new kernel first; until it stands, the old one stays. */
	err = tracer_launch(&s->launch, &t, cause);
	if (err < 0)
		return err;
	err = tracer_copy_points(s->t, t);
	if (!err)
		err = rr_rewind(s->rr, cause);
	else
		set_cause(cause, err, "cannot carry the breakpoints over to "
			  "the restarted replay");
	if (err < 0) {
		tracer_free(t);
		return err;
	}
	session_set_kernel(s, t);
	ck_attach(s->ck, t);
	return 0;
}

static size_t t_ckpt_count(void *arg)
{
	return ck_count(((struct session *)arg)->ck);
}

static void t_ckpt_info(void *arg, size_t i, uint64_t *event,
			const struct ck_count **counts, size_t *n)
{
	ck_info(((struct session *)arg)->ck, i, event, counts, n);
}

static int t_ckpt_restore(void *arg, size_t i, char **cause)
{
	return ck_restore(((struct session *)arg)->ck, i, cause);
}

static uint64_t t_ckpt_key(void *arg, size_t i)
{
	return ck_key(((struct session *)arg)->ck, i);
}

static uint64_t t_ckpt_now(void *arg)
{
	return ck_now(((struct session *)arg)->ck);
}

static int t_attach(void *arg, char **cause)
{
	struct session *s = arg;

	return rr_attach(s->rr, s->t, cause);
}

static bool t_alive(void *arg)
{
	struct session *s = arg;

	return s->t && tracer_is_alive(s->t);
}

static pid_t t_pid(void *arg)
{
	return tracer_pid(((struct session *)arg)->t);
}

static int t_resume(void *arg, char **cause)
{
	return tracer_resume(((struct session *)arg)->t, cause);
}

static int t_step(void *arg, struct tracer_stop *st, char **cause)
{
	return tracer_step(((struct session *)arg)->t, 0, st, cause);
}

static int t_pump(void *arg, struct tracer_stop *st, char **cause)
{
	return tracer_pump(((struct session *)arg)->t, st, cause);
}

static int t_wait(void *arg, struct tracer_stop *st, char **cause)
{
	return tracer_wait(((struct session *)arg)->t, st, cause);
}

static void t_interrupt(void *arg)
{
	tracer_interrupt(((struct session *)arg)->t);
}

static int t_regs(void *arg, struct user_regs_struct *r)
{
	return tracer_get_regs(((struct session *)arg)->t, 0, r);
}

static ssize_t t_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return tracer_read_mem(((struct session *)arg)->t, addr, buf, len);
}

/* The CRC of [lo, hi) of the kernel's memory, into *crc. */
static bool crc_range(struct session *s, uint64_t lo, uint64_t hi,
		      uint32_t *crc)
{
	static uint8_t buf[65536];
	uint64_t a;

	for (a = lo; a < hi; a += sizeof(buf)) {
		size_t n = hi - a < sizeof(buf) ? hi - a : sizeof(buf);

		if (tracer_read_mem(s->t, a, buf, n) != (ssize_t)n)
			return false;
		*crc = trace_crc32(*crc, buf, n);
	}
	return true;
}

/*
 * A CRC-32 of the kernel's own data and bss (_sdata to _end), as they
 * are (never our breakpoints: tracer_read_mem shows the original
 * bytes): two moments with the same registers and stack in the same
 * event, one loop's turn apart, differ there.  Without the two stacks
 * that live there (init_stack, cpu0_irqstack): what lies below their
 * stack pointers is whatever the deepest call left, which taking a
 * checkpoint may change.
 */
static bool t_state_crc(void *arg, uint32_t *crc)
{
	struct session *s = arg;
	uint64_t lo, hi, st[2], size, base;
	int i;

	if (kmodel_symbol_addr(s->k, "_sdata", &lo) ||
	    kmodel_symbol_addr(s->k, "_end", &hi) || hi <= lo ||
	    kmodel_symbol_addr(s->k, "init_stack", &st[0]) ||
	    kmodel_symbol_addr(s->k, "cpu0_irqstack", &st[1]) ||
	    kmodel_thread_size(s->k, &size))
		return false;
	if (st[0] > st[1]) {	/* the link's order, whichever it is */
		base = st[0];
		st[0] = st[1];
		st[1] = base;
	}
	base = lo;
	*crc = 0;
	for (i = 0; i < 2; i++) {
		if (st[i] < base || st[i] + size > hi)
			return false;
		if (st[i] > lo && !crc_range(s, lo, st[i], crc))
			return false;
		lo = st[i] + size > lo ? st[i] + size : lo;
	}
	return crc_range(s, lo, hi, crc);
}

static int t_bp_addrs(void *arg, uint64_t *addrs, int max)
{
	return tracer_bp_addrs(((struct session *)arg)->t, addrs, max);
}

static bool t_bp_addr(void *arg, int id, uint64_t *addr)
{
	return tracer_bp_addr(((struct session *)arg)->t, id, addr);
}

static int t_bp_insert(void *arg, uint64_t addr)
{
	return tracer_bp_insert_later(((struct session *)arg)->t, addr);
}

static void t_bp_remove(void *arg, int id)
{
	tracer_bp_remove(((struct session *)arg)->t, id);
}

/* tracer_bp_retry's test: a module breakpoint waits for its module. */
static bool code_ready(void *arg, uint64_t addr)
{
	struct session *s = arg;
	char *func = NULL, *mod = NULL;
	uint64_t off;
	bool in_module = kmodel_module_where(s->k, addr, &func, &off,
					     &mod) == 0;

	free(func);
	free(mod);
	/* Host libraries (high addresses) have nothing else mapped there
	 * before them: readable means loaded. */
	return in_module || addr >= 0x7f0000000000ull;
}

static void t_bp_retry(void *arg)
{
	struct session *s = arg;

	if (t_alive(s))
		tracer_bp_retry(s->t, code_ready, s);
}

static int t_watch_count(void *arg)
{
	return tracer_hw_count(((struct session *)arg)->t);
}

static uint64_t t_func_start(void *arg, uint64_t pc)
{
	struct session *s = arg;
	struct kmodel_where *w;
	uint64_t start = 0;
	int n = kmodel_where(s->k, pc, false, &w);

	if (n > 0 && w[n - 1].func)
		start = w[n - 1].pc - w[n - 1].offset;
	kmodel_where_free(w, n);
	if (!start) {
		/* a module's function: from the live module list */
		char *func = NULL, *mod = NULL;
		uint64_t off;

		if (kmodel_module_where(s->k, pc, &func, &off, &mod) == 0)
			start = pc - off;
		free(func);
		free(mod);
	}
	return start;
}

static bool t_replaying(void *arg)
{
	struct session *s = arg;

	return s->rr && rr_is_replay(s->rr);
}

static uint64_t t_event(void *arg)
{
	return rr_event(((struct session *)arg)->rr);
}

static const char *t_why(void *arg)
{
	return rr_why(((struct session *)arg)->rr);
}

static void t_stop_at_event(void *arg, uint64_t event)
{
	struct session *s = arg;

	if (event == UINT64_MAX)
		rr_cancel_stop_event(s->rr);
	else
		rr_stop_at_event(s->rr, event);
}

static bool t_at_event_stop(void *arg)
{
	return rr_at_event_stop(((struct session *)arg)->rr);
}

const struct tl_target session_target = {
	.restart = t_restart, .ckpt_count = t_ckpt_count,
	.ckpt_info = t_ckpt_info, .ckpt_restore = t_ckpt_restore,
	.ckpt_key = t_ckpt_key, .ckpt_now = t_ckpt_now,
	.state_crc = t_state_crc,
	.attach = t_attach, .alive = t_alive,
	.pid = t_pid, .resume = t_resume, .step = t_step, .pump = t_pump,
	.wait = t_wait, .interrupt = t_interrupt, .regs = t_regs,
	.read = t_read, .bp_addrs = t_bp_addrs, .bp_addr = t_bp_addr,
	.bp_insert = t_bp_insert, .bp_remove = t_bp_remove,
	.bp_retry = t_bp_retry, .watch_count = t_watch_count,
	.func_start = t_func_start, .replaying = t_replaying,
	.event = t_event, .why = t_why, .stop_at_event = t_stop_at_event,
	.at_event_stop = t_at_event_stop,
};
