/*
 * cli/checkpoint.c - checkpoints of a replay, so going back restores the
 * nearest one instead of re-running from the start
 * (docs/record-replay.md, "Checkpoints").
 *
 * While a replay runs, one is taken each time the kernel has run for the
 * interval (a tick of the tracer interrupts it wherever it is); where it
 * cannot be (inside a host syscall, a userspace stub running, a signal
 * under way) the next tick comes 2 ms later.  A checkpoint is the frozen
 * fork of the kernel process (tracer/checkpoint.c), a snapshot of guest
 * memory (tracer/pagestore.c), and where the trace was.  They are bounded
 * in number and in bytes: past either bound the one whose loss leaves
 * the smallest gap goes.  The checkpoints of one namespace share its
 * guest memory's page store (a group); a fresh restart of the replay
 * (a new kernel, in a new namespace) starts another and keeps the old.
 *
 * Owns: struct ckpts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define RETRY_NS 2000000ull	/* no checkpoint possible: again in 2 ms */

/* The checkpoints of one namespace share the copies of its guest memory
 * file (a fresh restart of the replay makes another). */
struct ck_group {
	struct tracer_pages *ps;
	int refs;		/* its checkpoints, and the live kernel */
};

struct ck {
	struct ck_group *g;
	uint64_t event;
	uint64_t at_ns;		/* where in the replay: its running time */
	struct tracer_ckpt *c;
	int snap;
	struct rr_mark mark;
	struct ck_count *counts;	/* hits since the start it knows */
	size_t ncounts;
	uint64_t changes;	/* rr_host_changes when it was taken */
};

struct ck_stats {
	uint64_t taken, restored, dropped;
	uint64_t take_ns, restore_ns;	/* in all */
};

struct ckpts {
	struct session *s;
	bool off;		/* cannot, or must not: why_off says */
	char *why_off;
	bool uml_ok;
	struct tracer_uml u;
	struct ck_group *live_g;	/* the live kernel's (NULL: none yet) */
	struct ck_group **groups;
	size_t ngroups;
	struct ck *v;		/* by at_ns: oldest first */
	size_t n;
	uint64_t seen_changes;	/* rr_host_changes at the last look */
	/* the replay's running time: base_ns at run_ns0 of the tracer */
	uint64_t base_ns, run_ns0;
	struct ck_settings set;
	struct ck_stats stats;
};

static void ck_off(struct ckpts *ck, char *why)
{
	LOG("checkpoint", "off: %s", why);
	ck->off = true;
	free(ck->why_off);
	ck->why_off = why;
}

/* What the tracer needs of this kernel, from its symbols and DWARF. */
static int resolve_uml(struct ckpts *ck, char **cause)
{
	struct session *s = ck->s;
	struct tracer_uml *u = &ck->u;
	static const char *const fns[] = { "start_userspace", "map", "unmap",
					   "syscall_stub_flush" };
	uint64_t *fa[] = { &u->start_userspace, &u->map, &u->unmap,
			   &u->flush };
	uint64_t a, size;
	size_t i;

	for (i = 0; i < 4; i++)
		if (kmodel_function(s->k, fns[i], fa[i], &size) < 0)
			return set_cause(cause, -ENOENT, "the kernel has no "
					 "function %s", fns[i]);
	if (kmodel_symbol_object(s->k, "uml_physmem", &a, &size) < 0 ||
	    tracer_read_mem(s->t, a, &u->physmem, 8) != 8 ||
	    kmodel_symbol_object(s->k, "task_size", &a, &size) < 0 ||
	    tracer_read_mem(s->t, a, &u->task_size, 8) != 8 ||
	    kmodel_symbol_object(s->k, "physmem_fd", &u->physmem_fd_addr,
				 &size) < 0)
		return set_cause(cause, -ENOENT, "the kernel's uml_physmem, "
				 "task_size or physmem_fd cannot be read");
	if (!u->physmem || !u->task_size)
		return set_cause(cause, -EAGAIN, "the kernel has not set up "
				 "its memory yet");
	if (kmodel_eval_addr(s->k, "&((struct mm_id *)0)->stack",
			     &s->expr_env, &a, &size, cause) < 0)
		return -ENOENT;
	u->id_stack = (size_t)a;
	if (kmodel_eval_addr(s->k, "&((struct mm_id *)0)->pid",
			     &s->expr_env, &a, &size, cause) < 0)
		return -ENOENT;
	u->id_pid = (size_t)a;
	if (kmodel_eval_addr(s->k, "sizeof(struct mm_id)", &s->expr_env, &a,
			     &size, cause) < 0)
		return -ENOENT;
	u->id_size = (size_t)a;	/* the rest of it zero */
	ck->uml_ok = true;
	return 0;
}

/* How far the replay has run, in the kernel's running time. */
static uint64_t replay_ns(const struct ckpts *ck)
{
	return ck->base_ns + tracer_run_ns(ck->s->t) - ck->run_ns0;
}

static void group_put(struct ckpts *ck, struct ck_group *g)
{
	size_t i;

	if (!g || --g->refs > 0)
		return;
	tracer_pages_free(g->ps);
	for (i = 0; i < ck->ngroups; i++)
		if (ck->groups[i] == g) {
			ck->groups[i] = ck->groups[--ck->ngroups];
			break;
		}
	free(g);
}

static void drop(struct ckpts *ck, size_t i)
{
	tracer_ckpt_free(ck->v[i].c);
	tracer_pages_drop(ck->v[i].g->ps, ck->v[i].snap);
	group_put(ck, ck->v[i].g);
	free(ck->v[i].counts);
	memmove(&ck->v[i], &ck->v[i + 1], (ck->n - i - 1) * sizeof(*ck->v));
	ck->n--;
	ck->stats.dropped++;
}

static uint64_t ck_bytes(const struct ckpts *ck)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < ck->ngroups; i++)
		n += tracer_pages_bytes(ck->groups[i]->ps);
	return n;
}

/*
 * Host state that checkpoints share changed (a file, an epoll set): those
 * of the live kernel's namespace taken before cannot be restored.
 */
static void sync_changes(struct ckpts *ck)
{
	uint64_t c = ck->s->rr ? rr_host_changes(ck->s->rr) : 0;
	size_t i;

	if (c == ck->seen_changes)
		return;
	ck->seen_changes = c;
	for (i = ck->n; i-- > 0;)
		if (ck->v[i].g == ck->live_g && ck->v[i].changes < c) {
			LOG("checkpoint", "the one at event %llu is out of date "
			    "(host files changed)",
			    (unsigned long long)ck->v[i].event);
			drop(ck, i);
		}
}

/* Past a bound: drop the checkpoint whose loss leaves the smallest gap
 * (never the first nor the newest, nor the one the current moment is
 * named from). */
static void keep_bounds(struct ckpts *ck)
{
	while (ck->n > 2 && (ck->n > ck->set.max_count ||
			     ck_bytes(ck) > ck->set.max_bytes)) {
		size_t i, best = 0;
		uint64_t gap, best_gap = UINT64_MAX;

		for (i = 1; i + 1 < ck->n; i++) {
			gap = ck->v[i + 1].at_ns - ck->v[i - 1].at_ns;
			if (gap < best_gap &&
			    !timeline_pins(ck->s, ck->v[i].at_ns)) {
				best_gap = gap;
				best = i;
			}
		}
		if (!best)
			break;
		drop(ck, best);
	}
}

uint64_t ck_now(const struct ckpts *ck)
{
	return ck ? replay_ns(ck) : 0;
}

uint64_t ck_key(const struct ckpts *ck, size_t i)
{
	return ck->v[i].at_ns;
}

/*
 * Take one here.  hit_pc: the stop is the hit of the breakpoint there
 * (counted already), else 0.  A tick that finds no clean point tries
 * again 2 ms of running later (retry); a stop the user sees does not.
 */
static void take(struct ckpts *ck, uint64_t hit_pc, bool retry)
{
	struct session *s = ck->s;
	uint64_t event = rr_event(s->rr);
	const char *why;
	struct tracer_ckpt *c;
	char *cause = NULL;
	uint64_t t0 = now_ns(), at = replay_ns(ck);
	size_t i;
	int err, snap;

	sync_changes(ck);
	/* not in this process (emulated watchpoints changed it): the next
	 * kernel may do */
	if (!tracer_ckpt_possible(s->t, &why)) {
		LOG("checkpoint", "none in this kernel: %s", why);
		return;
	}
	/* one near here already (a run again after a restore) */
	for (i = 0; i < ck->n; i++)
		if (ck->v[i].at_ns + ck->set.interval_ns / 2 > at &&
		    at + ck->set.interval_ns / 2 > ck->v[i].at_ns)
			return;

	err = ck->uml_ok ? 0 : resolve_uml(ck, &cause);
	if (!err && !ck->live_g) {
		struct tracer_pages *ps;

		err = tracer_pages_open(s->t, ck->u.physmem_fd_addr, &ps,
					&cause);
		if (!err) {
			if (!ck->set.max_bytes)
				ck->set.max_bytes = tracer_pages_size(ps);
			ck->live_g = xcalloc(1, sizeof(*ck->live_g));
			ck->live_g->ps = ps;
			ck->live_g->refs = 1;
			ck->groups = xrealloc(ck->groups, (ck->ngroups + 1) *
					      sizeof(*ck->groups));
			ck->groups[ck->ngroups++] = ck->live_g;
		}
	}
	if (err == -EAGAIN) {
		/* early in the boot: at the next tick */
		LOG("checkpoint", "not yet: %s", cause);
		free(cause);
		return;
	}
	if (err < 0) {
		ck_off(ck, cause);
		return;
	}
	tracer_points_lift(s->t, true);
	err = tracer_ckpt_take(s->t, &ck->u, hit_pc, &c, &cause);
	snap = err < 0 ? -1 : tracer_pages_snap(ck->live_g->ps);
	tracer_points_lift(s->t, false);
	if (err == -EAGAIN) {
		/* a moment later, in other code */
		LOG("checkpoint", "not now: %s", cause);
		free(cause);
		if (retry)
			tracer_tick_in(s->t, RETRY_NS);
		return;
	}
	if (err < 0) {
		ck_off(ck, cause);
		return;
	}
	for (i = 0; i < ck->n && ck->v[i].at_ns < at; i++)
		;
	ck->v = xrealloc(ck->v, (ck->n + 1) * sizeof(*ck->v));
	memmove(&ck->v[i + 1], &ck->v[i], (ck->n - i) * sizeof(*ck->v));
	ck->v[i] = (struct ck){ ck->live_g, event, at, c, snap,
				rr_mark(s->rr), NULL, 0, ck->seen_changes };
	ck->live_g->refs++;
	ck->v[i].ncounts = timeline_known_counts(s, &ck->v[i].counts);
	ck->n++;
	ck->stats.taken++;
	ck->stats.take_ns += now_ns() - t0;
	keep_bounds(ck);
	LOG("checkpoint", "at event %llu (pid %d): %zu held, %llu bytes",
	    (unsigned long long)event, (int)tracer_ckpt_pid(c), ck->n,
	    (unsigned long long)ck_bytes(ck));
}

static void on_tick(void *arg, pid_t tid)
{
	struct ckpts *ck = arg;
	struct session *s = ck->s;

	(void)tid;
	if (ck->off || !ck->set.max_count)
		return;
	if (!rr_checkpointable(s->rr)) {
		LOG("checkpoint", "not now: the replay is in an event");
		tracer_tick_in(s->t, RETRY_NS);
		return;
	}
	take(ck, 0, true);
}

void ck_visit(struct ckpts *ck)
{
	struct session *s = ck ? ck->s : NULL;

	if (!s || ck->off || !ck->set.max_count || !s->rr ||
	    !rr_is_replay(s->rr) || !tracer_is_alive(s->t) ||
	    tracer_emulating(s->t) || !rr_checkpointable(s->rr))
		return;
	take(ck, s->last_stop.kind == TRACER_STOP_BREAKPOINT ?
	     s->last_stop.addr : 0, false);
}

/* The live kernel is t now, at replay time base_ns: its ticks. */
static void attach_at(struct ckpts *ck, struct tracer *t, uint64_t base_ns)
{
	ck->base_ns = base_ns;
	ck->run_ns0 = tracer_run_ns(t);
	if (ck->off || !ck->set.max_count || !ck->s->rr ||
	    !rr_is_replay(ck->s->rr))
		return;
	if (tracer_set_tick(t, ck->set.interval_ns, on_tick, ck) < 0)
		ck_off(ck, xstrdup("no timer for checkpoints"));
}

/* A kernel at the start of the replay, in a namespace of its own. */
void ck_attach(struct ckpts *ck, struct tracer *t)
{
	if (!ck)
		return;
	sync_changes(ck);
	group_put(ck, ck->live_g);
	ck->live_g = NULL;
	attach_at(ck, t, 0);
}

void ck_init(struct session *s, const struct ck_settings *set)
{
	struct ckpts *ck = xcalloc(1, sizeof(*ck));

	ck->s = s;
	ck->set = *set;
	s->ck = ck;
	/* Nobody to go back for (no prompt, gdb, TUI or --batch): the
	 * replay runs to its end as fast as it can. */
	if (!s->interactive && !s->gdb && !s->tui && !s->batch)
		ck_off(ck, xstrdup("nobody can go back in this replay"));
	ck_attach(ck, s->t);
}

/* Drop them all (a restore failed, or the session ends). */
static void ck_forget(struct ckpts *ck)
{
	if (!ck)
		return;
	while (ck->n)
		drop(ck, ck->n - 1);
	group_put(ck, ck->live_g);
	ck->live_g = NULL;
}

void ck_free(struct ckpts *ck)
{
	if (!ck)
		return;
	ck_forget(ck);
	free(ck->why_off);
	free(ck->v);
	free(ck->groups);
	free(ck);
}

size_t ck_count(struct ckpts *ck)
{
	/* Emulated watchpoints too: those held were taken before any
	 * changed the kernel process, and the restored kernel gets them
	 * set up (tracer_copy_points) as a fresh start does.  None are
	 * taken while they are set (tick_arm, ck_visit). */
	if (!ck || ck->off)
		return 0;
	sync_changes(ck);
	return ck->n;
}

void ck_info(const struct ckpts *ck, size_t i, uint64_t *event,
	     const struct ck_count **counts, size_t *n)
{
	*event = ck->v[i].event;
	*counts = ck->v[i].counts;
	*n = ck->v[i].ncounts;
}

/*
 * Make the live kernel the one of checkpoint i (oldest first): 0, or
 * -errno with a cause when the restore failed (the old kernel is gone
 * then, and every checkpoint: the caller restarts the replay).
 */
int ck_restore(struct ckpts *ck, size_t i, char **cause)
{
	struct session *s = ck->s;
	struct tracer *old = s->t, *t;
	uint64_t t0 = now_ns();
	int err;

	tracer_kill(old);
	err = tracer_ckpt_restore(ck->v[i].c, &ck->u, &t, cause);
	if (err < 0) {
		ck_forget(ck);
		return err;
	}
	tracer_pages_load(ck->v[i].g->ps, ck->v[i].snap);
	err = tracer_copy_points(old, t);
	if (err < 0) {
		tracer_free(t);
		ck_forget(ck);
		return set_cause(cause, err, "cannot carry the breakpoints "
				 "over to the restored kernel");
	}
	rr_seek(s->rr, &ck->v[i].mark);
	rr_adopt(s->rr, t);
	session_set_kernel(s, t);
	attach_at(ck, t, ck->v[i].at_ns);
	ck->v[i].g->refs++;
	group_put(ck, ck->live_g);
	ck->live_g = ck->v[i].g;
	ck->stats.restored++;
	ck->stats.restore_ns += now_ns() - t0;
	LOG("checkpoint", "restored the one at event %llu (%.3f s in)",
	    (unsigned long long)ck->v[i].event, ck->v[i].at_ns / 1e9);
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

/* The memory the checkpoints' frozen processes hold of their own: the
 * pages they no longer share with the kernel (Private_Dirty). */
static uint64_t proc_bytes(const struct ckpts *ck)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < ck->n; i++) {
		char path[64], line[128];
		unsigned long long kb;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup",
			 (int)tracer_ckpt_pid(ck->v[i].c));
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Private_Dirty: %llu kB", &kb) == 1)
				sum += kb * 1024;
		fclose(f);
	}
	return sum;
}

/* checkpoints: those held, and how many were taken, restored, dropped. */
int cmd_checkpoints(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ckpts *ck = ctx->s->ck;
	const char *why;
	size_t i;

	(void)argc; (void)argv;
	if (!ck || !ctx->s->rr || !rr_is_replay(ctx->s->rr)) {
		fprintf(ctx->out, "checkpoints: only in a replay (umdbg replay "
			"TRACE)\n");
		return -EINVAL;
	}
	for (i = 0; i < ck->n; i++) {
		row_begin(ctx->o, ROW_CKPT);
		row_int(ctx->o, CKPT_EVENT, (int64_t)ck->v[i].event);
		row_int(ctx->o, CKPT_PID, tracer_ckpt_pid(ck->v[i].c));
		row_end(ctx->o);
	}
	row_begin(ctx->o, ROW_CKSTAT);
	row_int(ctx->o, CKSTAT_COUNT, (int64_t)ck->n);
	row_int(ctx->o, CKSTAT_BYTES, (int64_t)ck_bytes(ck));
	row_int(ctx->o, CKSTAT_PROC_BYTES, (int64_t)proc_bytes(ck));
	/* the guest's size, from any snapshot group (no live one after a
	 * restart, until the next checkpoint) */
	if (ck->live_g || ck->n)
		row_int(ctx->o, CKSTAT_GUEST_BYTES, (int64_t)tracer_pages_size(
			(ck->live_g ? ck->live_g : ck->v[ck->n - 1].g)->ps));
	row_int(ctx->o, CKSTAT_MAX_COUNT, (int64_t)ck->set.max_count);
	row_int(ctx->o, CKSTAT_MAX_BYTES, (int64_t)ck->set.max_bytes);
	row_int(ctx->o, CKSTAT_EVERY_MS,
		(int64_t)(ck->set.interval_ns / 1000000));
	row_int(ctx->o, CKSTAT_TAKEN, (int64_t)ck->stats.taken);
	row_int(ctx->o, CKSTAT_RESTORED, (int64_t)ck->stats.restored);
	row_int(ctx->o, CKSTAT_DROPPED, (int64_t)ck->stats.dropped);
	row_int(ctx->o, CKSTAT_TAKE_MS, (int64_t)(ck->stats.take_ns / 1000000));
	row_int(ctx->o, CKSTAT_RESTORE_MS,
		(int64_t)(ck->stats.restore_ns / 1000000));
	if (ck->off)
		row_str(ctx->o, CKSTAT_OFF, ck->why_off);
	else if (!ck->set.max_count)
		row_str(ctx->o, CKSTAT_OFF, "--checkpoints 0");
	else if (tracer_emulating(ctx->s->t))
		row_str(ctx->o, CKSTAT_PAUSED, "emulated watchpoints are set");
	else if (!tracer_ckpt_possible(ctx->s->t, &why))
		/* those held still serve */
		row_str(ctx->o, ck->n ? CKSTAT_PAUSED : CKSTAT_OFF, why);
	row_end(ctx->o);
	return 0;
}

/* memcrc [ADDR LEN]: CRC-32 of kernel memory; all of the guest's
 * physical memory (the direct map, the image's data too) without. */
int cmd_memcrc(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	uint64_t start, end, a, size, len;
	uint8_t *buf;
	uint32_t crc = 0;
	int err;

	if (argc == 3) {
		err = cmd_eval_addr(ctx, "memcrc", argv[1], &start);
		if (err < 0)
			return err;
		if (parse_u64(argv[2], &len) < 0 || !len) {
			fprintf(ctx->out, "memcrc: bad length '%s'\n", argv[2]);
			return -EINVAL;
		}
		end = start + len;
	} else if (argc == 1) {
		if (kmodel_symbol_object(s->k, "uml_physmem", &a, &size) < 0 ||
		    tracer_read_mem(s->t, a, &start, 8) != 8 ||
		    kmodel_symbol_object(s->k, "high_physmem", &a, &size) < 0 ||
		    tracer_read_mem(s->t, a, &end, 8) != 8 || end <= start) {
			fprintf(ctx->out, "memcrc: the kernel's uml_physmem "
				"and high_physmem cannot be read\n");
			return -EIO;
		}
	} else {
		fprintf(ctx->out, "usage: memcrc [ADDR LEN]\n");
		return -EINVAL;
	}
	buf = xmalloc(1 << 20);
	for (a = start; a < end; a += 1 << 20) {
		size_t n = end - a < (1 << 20) ? end - a : 1 << 20;

		if (tracer_read_mem(s->t, a, buf, n) != (ssize_t)n) {
			fprintf(ctx->out, "memcrc: cannot read 0x%llx\n",
				(unsigned long long)a);
			free(buf);
			return -EIO;
		}
		crc = trace_crc32(crc, buf, n);
	}
	free(buf);
	row_begin(ctx->o, ROW_MEMCRC);
	row_addr(ctx->o, MEMCRC_START, start);
	row_int(ctx->o, MEMCRC_LEN, (int64_t)(end - start));
	row_addr(ctx->o, MEMCRC_CRC, crc);
	row_end(ctx->o);
	return 0;
}
