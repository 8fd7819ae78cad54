/*
 * cli/history.c - time-travel forensics in a replay (docs/forensics.md):
 *
 *   history ADDR [LEN]   every write to those bytes over the whole
 *                        recording: the replay is run again from its
 *                        start with write watchpoints on them;
 *   history -a ADDR      every allocation and free of the slab object
 *                        holding EXPR: breakpoints at the allocators'
 *                        entries (their return checked for the object)
 *                        and at kfree/kmem_cache_free (their argument);
 *   goto hN              back to entry N of the last history.
 *
 * The session comes back to where it was.  Owns the last history's
 * entries (s->hist).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "cli.h"
#include "timeline.h"

/* The allocators whose return value is an object (include/linux/slab.h;
 * those a kernel lacks are skipped), and the frees. */
static const char *const allocators[] = {
	"kmem_cache_alloc_noprof", "kmem_cache_alloc_lru_noprof",
	"kmem_cache_alloc_node_noprof", "__kmalloc_noprof",
	"__kmalloc_node_noprof", "__kmalloc_node_track_caller_noprof",
	"__kmalloc_cache_noprof", "__kmalloc_cache_node_noprof",
	"krealloc_noprof",
};
static const char *const frees[] = { "kfree", "kmem_cache_free" };

void history_free(struct session *s)
{
	free(s->hist);
	s->hist = NULL;
	s->nhist = 0;
}

static struct hist_entry *hist_add(struct session *s, enum hist_what what)
{
	struct hist_entry *e;

	s->hist = xrealloc(s->hist, (s->nhist + 1) * sizeof(*s->hist));
	e = &s->hist[s->nhist++];
	memset(e, 0, sizeof(*e));
	e->what = what;
	e->event = TGT(s, event);
	return e;
}

/* Who runs now (the task on the CPU). */
static void who(struct session *s, struct hist_entry *e)
{
	struct kmodel_task t;
	uint64_t cur;

	e->pid = -1;
	if (kmodel_current_task(s->k, &cur, NULL) == 0 &&
	    kmodel_read_task(s->k, cur, &t) == 0) {
		e->pid = t.pid;
		memcpy(e->comm, t.comm, sizeof(e->comm));
	}
}

/* The instruction before pc (a watchpoint stops just after the store):
 * its function disassembled from the start up to pc; pc if unknown. */
static uint64_t insn_before(struct session *s, uint64_t pc)
{
	uint64_t start = TGT(s, func_start, pc), found = pc;
	uint8_t *code;
	size_t len, count, i;
	cs_insn *insn;
	csh cs;

	if (!start || start >= pc || pc - start > 65536)
		return pc;
	len = (size_t)(pc - start);
	code = xmalloc(len);
	if (TGT(s, read, start, code, len) != (ssize_t)len ||
	    cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		free(code);
		return pc;
	}
	count = cs_disasm(cs, code, len, start, 0, &insn);
	for (i = 0; i < count; i++)
		if (insn[i].address + insn[i].size == pc)
			found = insn[i].address;
	if (count)
		cs_free(insn, count);
	cs_close(&cs);
	free(code);
	return found;
}

/* Split [addr, addr+len) into aligned pieces a debug register takes. */
static int chunks(uint64_t addr, uint64_t len, uint64_t a[4], int l[4])
{
	int n = 0;

	while (len > 0) {
		int sz = 8;

		while (sz > 1 && ((addr & (uint64_t)(sz - 1)) || (uint64_t)sz > len))
			sz /= 2;
		if (n == 4)
			return -ENOSPC;
		a[n] = addr;
		l[n++] = sz;
		addr += (uint64_t)sz;
		len -= (uint64_t)sz;
	}
	return n;
}

static bool at_end(struct session *s, const struct tracer_stop *st)
{
	return tl_ended(st) ||
	       (st->kind == TRACER_STOP_HOOK && s->rr && rr_at_end(s->rr));
}

/* The next stop of a scan: 0, 1 at the recording's end, or -errno (a
 * divergence, Ctrl-C: -EINTR). */
static int scan_next(struct session *s, struct tracer_stop *st, char **cause)
{
	int err = tl_run(s, st, cause);

	if (err < 0)
		return err;
	if (at_end(s, st))
		return 1;
	if (st->kind == TRACER_STOP_HOOK)
		return set_cause(cause, -ESRCH, "%s", TGT(s, why));
	return 0;
}

/* Write watchpoints on the last history's chunks, inserted now so the
 * replay launched next carries them from its first instruction (as the
 * user's own: an emulated one waits for its page).  0 or -errno. */
static int watch_chunks(struct session *s, int slot[4], char **cause)
{
	int i;

	for (i = 0; i < s->hist_nc; i++) {
		slot[i] = tracer_hw_insert(s->t, TRACER_HW_WRITE,
					   s->hist_ca[i], s->hist_cl[i]);
		if (slot[i] < 0) {
			int err = slot[i], bad = i;

			while (i-- > 0)
				tracer_hw_remove_slot(s->t, slot[i]);
			return set_cause(cause, err, "cannot watch 0x%llx (%d "
					 "bytes): %s", (unsigned long long)
					 s->hist_ca[bad], s->hist_cl[bad],
					 err == -ENOSPC ? "all four watchpoints "
					 "are in use (delete one)" :
					 errstr(-err));
		}
	}
	return 0;
}

static void unwatch_chunks(struct session *s, const int slot[4])
{
	int i;

	for (i = 0; i < s->hist_nc; i++)
		tracer_hw_remove_slot(s->t, slot[i]);
}

/* Run the replay from its start to its end, watching writes to the
 * chunks: one entry per trigger. */
static int scan_writes(struct session *s, char **cause)
{
	struct tracer_stop st;
	struct user_regs_struct r;
	uint64_t nth[4] = { 0 };
	int slot[4], i, err;

	if ((err = watch_chunks(s, slot, cause)) < 0)
		return err;
	err = timeline_restart(s, cause);
	while (err == 0 && (err = scan_next(s, &st, cause)) == 0) {
		struct hist_entry *e;
		uint64_t v = 0;

		if (st.kind != TRACER_STOP_WATCH)
			continue;	/* the user's breakpoints: on */
		for (i = 0; i < s->hist_nc && slot[i] != st.bp; i++)
			;
		if (i == s->hist_nc)
			continue;
		e = hist_add(s, HIST_WRITE);
		nth[i]++;
		e->addr = s->hist_ca[i];
		e->len = s->hist_cl[i];
		e->chunk = i;
		e->nth = nth[i];
		if (tracer_hw_before(s->t, slot[i], &v) == 0)
			e->old = v;
		v = 0;
		TGT(s, read, e->addr, &v, (size_t)e->len);
		e->new = v;
		if (TGT(s, regs, &r) == 0)
			e->pc = insn_before(s, r.rip);
		who(s, e);
	}
	unwatch_chunks(s, slot);
	return err < 0 ? err : 0;
}

/* Two stack pointers this far apart are on different tasks' stacks
 * (kernel stacks are 16 KB or 32 KB). */
#define THREAD_MAX (64 << 10)

/* A pending allocator return: where and with which stack pointer. */
struct pending {
	int id;			/* the return breakpoint */
	uint64_t ret, sp;	/* return address, rsp after the return */
	uint64_t entry;		/* the allocator's entry */
	uint64_t nth;		/* its hit, to go back to */
};

static bool in_list(struct session *s, uint64_t pc,
		    const char *const *names, size_t n, int *which)
{
	uint64_t a;
	size_t i;

	for (i = 0; i < n; i++)
		if (kmodel_symbol_addr(s->k, names[i], &a) == 0 && a == pc) {
			*which = (int)i;
			return true;
		}
	return false;
}

/* Run the replay start to end with the allocators' and frees' entry
 * breakpoints: every allocation returning the object and every free of
 * it.  Hits are counted per entry address (an entry's name to go to). */
static int scan_allocs(struct session *s, uint64_t start, uint64_t size,
		       char **cause)
{
	struct counters hits = { 0 };
	struct pending *p = NULL;
	struct tracer_stop st;
	struct user_regs_struct r;
	uint64_t a, ret;
	size_t np = 0, i, j;
	int *ids = NULL, nids = 0, err, which;

	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	for (i = 0; i < ARRAY_SIZE(allocators) + ARRAY_SIZE(frees); i++) {
		const char *name = i < ARRAY_SIZE(allocators) ? allocators[i] :
				   frees[i - ARRAY_SIZE(allocators)];
		int id;

		if (kmodel_symbol_addr(s->k, name, &a) || (id = TGT(s,
		    bp_insert, a)) <= 0)
			continue;
		ids = xrealloc(ids, (size_t)(nids + 1) * sizeof(*ids));
		ids[nids++] = id;
	}
	while ((err = scan_next(s, &st, cause)) == 0) {
		if (st.kind != TRACER_STOP_BREAKPOINT ||
		    TGT(s, regs, &r) < 0)
			continue;
		a = tl_bp_addr_of(s, &st);
		/* the return of a pending call: the same address and stack
		 * (two tasks may sleep in the same allocator) */
		for (i = 0; i < np && (p[i].ret != a || p[i].sp != r.rsp); i++)
			;
		if (i < np) {
			/* an allocator returns: is it our object?  Only the
			 * outermost of nested ones (krealloc's kmalloc)
			 * counts: none still pending above it. */
			struct pending done = p[i];

			TGT(s, bp_remove, done.id);
			p[i] = p[--np];
			if (r.rax < start || r.rax >= start + size)
				continue;
			/* an outer call pending on the same stack: its
			 * return is the one to list */
			for (j = 0; j < np && (p[j].sp <= done.sp ||
					       p[j].sp - done.sp > THREAD_MAX);
			     j++)
				;
			if (j < np)
				continue;
			{
				struct hist_entry *e = hist_add(s, HIST_ALLOC);

				e->pc = done.ret;
				e->addr = r.rax;
				e->entry = done.entry;
				e->nth = done.nth;
				who(s, e);
			}
			continue;
		}
		if (!a)
			continue;
		(*tl_count_of(&hits, a))++;
		if (in_list(s, a, allocators, ARRAY_SIZE(allocators), &which)) {
			int id;

			if (TGT(s, read, r.rsp, &ret, 8) != 8 ||
			    (id = TGT(s, bp_insert, ret)) <= 0)
				continue;
			p = xrealloc(p, (np + 1) * sizeof(*p));
			p[np++] = (struct pending){ id, ret, r.rsp + 8, a,
						    *tl_count_of(&hits, a) };
		} else if (in_list(s, a, frees, ARRAY_SIZE(frees), &which)) {
			/* kfree(obj), kmem_cache_free(cache, obj) */
			uint64_t obj = which == 0 ? r.rdi : r.rsi;
			struct hist_entry *e;

			if (obj < start || obj >= start + size)
				continue;
			e = hist_add(s, HIST_FREE);
			TGT(s, read, r.rsp, &e->pc, 8);
			e->addr = obj;
			e->entry = a;
			e->nth = *tl_count_of(&hits, a);
			who(s, e);
		}
	}
	for (i = 0; i < np; i++)
		TGT(s, bp_remove, p[i].id);
	for (i = 0; i < (size_t)nids; i++)
		TGT(s, bp_remove, ids[i]);
	free(p);
	free(ids);
	free(hits.c);
	return err < 0 ? err : 0;
}

static void hist_rows(struct cmd_ctx *ctx)
{
	struct session *s = ctx->s;
	size_t i;

	for (i = 0; i < s->nhist; i++) {
		const struct hist_entry *e = &s->hist[i];
		struct kmodel_where *w;
		char *where, id[24];
		int n;

		/* a write's pc is the store; an allocation's and a free's
		 * is the return address of their call */
		n = kmodel_where(s->k, e->pc, e->what != HIST_WRITE, &w);
		where = n > 0 ? kmodel_where_str(&w[n - 1]) : xstrdup("??");
		kmodel_where_free(w, n);
		snprintf(id, sizeof(id), "h%zu", i + 1);
		row_begin(ctx->o, ROW_HISTORY);
		row_str(ctx->o, HISTORY_ID, id);
		row_str(ctx->o, HISTORY_WHAT, e->what == HIST_WRITE ? "write" :
			e->what == HIST_ALLOC ? "alloc" : "free");
		row_int(ctx->o, HISTORY_EVENT, (int64_t)e->event);
		row_int(ctx->o, HISTORY_PID, e->pid);
		row_str(ctx->o, HISTORY_COMM, e->comm);
		row_addr(ctx->o, HISTORY_PC, e->pc);
		row_str(ctx->o, HISTORY_WHERE, where);
		row_addr(ctx->o, HISTORY_ADDR, e->addr);
		if (e->what == HIST_WRITE) {
			row_int(ctx->o, HISTORY_LEN, e->len);
			row_addr(ctx->o, HISTORY_OLD, e->old);
			row_addr(ctx->o, HISTORY_NEW, e->new);
		}
		row_end(ctx->o);
		free(where);
	}
}

int cmd_history(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	const char *l = cmd_arg(ctx->args, "LEN");
	bool allocs = cmd_arg(ctx->args, "-a") != NULL;
	uint64_t addr, len = 8, ca[4];
	struct rr_pos here;
	char *cause = NULL, *ignored = NULL;
	int cl[4], n = 0, err;

	(void)argc; (void)argv;
	if (!s->rr || !rr_is_replay(s->rr)) {
		fprintf(ctx->out, "history: only in a replay (umdbg replay "
			"TRACE)\n");
		return -EINVAL;
	}
	err = cmd_eval_addr(ctx, "history", cmd_arg(ctx->args, "ADDR"), &addr);
	if (err < 0)
		return err;
	if (allocs) {
		struct kmodel_kmem w;

		memset(&w, 0, sizeof(w));
		if (kmodel_kmem_page(s->k, addr, &w, NULL) < 0 ||
		    w.kind != KMODEL_KMEM_SLAB) {
			fprintf(ctx->out, "history -a: 0x%llx is not in a slab "
				"object (kmem says what it is)\n",
				(unsigned long long)addr);
			return -EINVAL;
		}
		addr = w.start;
		len = w.size;
		fprintf(ctx->out, "allocations and frees of the %s object "
			"0x%llx (%llu bytes), over the whole recording:\n",
			w.name, (unsigned long long)addr,
			(unsigned long long)len);
	} else {
		if (l && (parse_u64(l, &len) < 0 || len == 0 || len > 32)) {
			fprintf(ctx->out, "history: LEN is 1 to 32 bytes, not "
				"'%s'\n", l);
			return -EINVAL;
		}
		n = chunks(addr, len, ca, cl);
		if (n < 0) {
			fprintf(ctx->out, "history: 0x%llx, %llu bytes, takes "
				"more than the 4 debug registers (align it, "
				"or ask for less)\n", (unsigned long long)addr,
				(unsigned long long)len);
			return -EINVAL;
		}
	}
	err = tl_name_now(s, &cause);
	if (err < 0)
		return cmd_fail(ctx, "history", cause, err);
	here = s->tl.pos;
	s->tl.held[0] = here;	/* its checkpoint kept while we scan */
	history_free(s);
	memcpy(s->hist_ca, ca, sizeof(ca));
	memcpy(s->hist_cl, cl, sizeof(cl));
	s->hist_nc = n;
	s->quiet = true;
	err = allocs ? scan_allocs(s, addr, len, &cause) :
		       scan_writes(s, &cause);
	/* Back where we were: not after Ctrl-C (the user asked to stop:
	 * the replay stays where the scan got to). */
	if (err != -EINTR && timeline_goto(s, &here, &ignored) < 0) {
		fprintf(ctx->out, "history: could not go back: %s\n", ignored);
		free(ignored);
	}
	if (err == -EINTR)
		s->tl.pos_known = false;
	memset(s->tl.held, 0, sizeof(s->tl.held));
	s->quiet = false;
	watch_refresh(s);
	if (err < 0) {
		history_free(s);	/* half a history: no goto into it */
		return cmd_fail(ctx, "history", cause, err);
	}
	if (!allocs)
		fprintf(ctx->out, "writes to 0x%llx (%llu bytes), over the "
			"whole recording:\n", (unsigned long long)addr,
			(unsigned long long)len);
	hist_rows(ctx);
	if (!s->nhist)
		fprintf(ctx->out, "(none)\n");
	else
		fprintf(ctx->out, "(goto hN goes to entry N)\n");
	return 0;
}

/* goto hN: run the replay again to entry N of the last history. */
int history_goto(struct session *s, size_t n, char **cause)
{
	const struct hist_entry *e;
	struct tracer_stop st;
	uint64_t count = 0;
	int slot[4], err;

	if (n == 0 || n > s->nhist)
		return set_cause(cause, -ENOENT, "no history entry h%zu (the "
				 "last history has %zu)", n, s->nhist);
	e = &s->hist[n - 1];
	if (e->what != HIST_WRITE) {
		/* an allocation's or free's call: the nth hit of its entry */
		struct rr_pos pos = { .kind = RR_POS_BP, .addr = e->entry,
				      .count = e->nth };

		return timeline_goto(s, &pos, cause);
	}
	/* the same watchpoints as the scan: the same triggers to count */
	if ((err = watch_chunks(s, slot, cause)) < 0)
		return err;
	err = timeline_restart(s, cause);
	while (err == 0 && count < e->nth) {
		err = scan_next(s, &st, cause);
		if (err == 1)
			err = set_cause(cause, -ESRCH, "the replay ended before "
					"write h%zu", n);
		else if (err == 0 && st.kind == TRACER_STOP_WATCH &&
			 st.bp == slot[e->chunk])
			count++;
	}
	unwatch_chunks(s, slot);
	s->tl.pos_known = false;
	if (err == 0) {
		/* a plain moment now: named by a breakpoint at its pc if
		 * needed (the watchpoint that found it is gone) */
		st.kind = TRACER_STOP_STEP;
		s->last_stop = st;
	}
	return err;
}
