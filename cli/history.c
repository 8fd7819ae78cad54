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

/* Run the replay from its start to its end, watching writes to the
 * chunks: one entry per trigger. */
static int scan_writes(struct session *s, const uint64_t a[4], const int l[4],
		       int n, char **cause)
{
	struct tracer_stop st;
	struct user_regs_struct r;
	uint64_t nth[4] = { 0 };
	int slot[4], i, err;

	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	for (i = 0; i < n; i++) {
		slot[i] = tracer_hw_insert(s->t, TRACER_HW_WRITE, a[i], l[i]);
		if (slot[i] < 0) {
			int bad = i;

			while (i-- > 0)
				tracer_hw_remove_slot(s->t, slot[i]);
			return set_cause(cause, -ENOSPC, "no free watchpoint "
					 "slot for 0x%llx (%d bytes): delete "
					 "a watchpoint",
					 (unsigned long long)a[bad], l[bad]);
		}
	}
	for (;;) {
		err = tl_run(s, &st, cause);
		if (err < 0 || at_end(s, &st) || st.kind == TRACER_STOP_HOOK)
			break;
		if (st.kind != TRACER_STOP_WATCH)
			continue;	/* the user's breakpoints: on */
		for (i = 0; i < n && slot[i] != st.bp; i++)
			;
		if (i == n)
			continue;
		{
			struct hist_entry *e = hist_add(s, HIST_WRITE);
			uint64_t v = 0;

			nth[i]++;
			e->addr = a[i];
			e->len = l[i];
			e->nth = nth[i];
			if (tracer_hw_before(s->t, slot[i], &v) == 0)
				e->old = v;
			v = 0;
			TGT(s, read, a[i], &v, (size_t)l[i]);
			e->new = v;
			if (TGT(s, regs, &r) == 0)
				e->pc = insn_before(s, r.rip);
			who(s, e);
		}
	}
	for (i = 0; i < n; i++)
		tracer_hw_remove_slot(s->t, slot[i]);
	return err < 0 ? err : 0;
}

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
	struct counters hits = { NULL, 0 };
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
	for (;;) {
		err = tl_run(s, &st, cause);
		if (err < 0 || at_end(s, &st) || st.kind == TRACER_STOP_HOOK)
			break;
		if (st.kind != TRACER_STOP_BREAKPOINT ||
		    TGT(s, regs, &r) < 0)
			continue;
		a = tl_bp_addr_of(s, &st);
		for (i = 0; i < np && p[i].ret != a; i++)
			;
		if (i < np && r.rsp == p[i].sp) {
			/* an allocator returns: is it our object?  Only the
			 * outermost of nested ones (krealloc's kmalloc)
			 * counts: none still pending above it. */
			struct pending done = p[i];

			TGT(s, bp_remove, done.id);
			p[i] = p[--np];
			if (r.rax < start || r.rax >= start + size)
				continue;
			for (j = 0; j < np && p[j].sp <= done.sp; j++)
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
	history_free(s);
	s->quiet = true;
	err = allocs ? scan_allocs(s, addr, len, &cause) :
		       scan_writes(s, ca, cl, n, &cause);
	/* back where we were, whatever happened */
	if (timeline_goto(s, &here, &ignored) < 0) {
		fprintf(ctx->out, "history: could not go back: %s\n", ignored);
		free(ignored);
	}
	s->quiet = false;
	watch_refresh(s);
	if (err < 0)
		return cmd_fail(ctx, "history", cause, err);
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
int history_goto(struct session *s, size_t n, struct tracer_stop *out,
		 char **cause)
{
	const struct hist_entry *e;
	struct tracer_stop st;
	uint64_t count = 0;
	int slot = -1, err;

	if (n == 0 || n > s->nhist)
		return set_cause(cause, -ENOENT, "no history entry h%zu (the "
				 "last history has %zu)", n, s->nhist);
	e = &s->hist[n - 1];
	if (e->what != HIST_WRITE) {
		/* an allocation's or free's call: the nth hit of its entry */
		struct rr_pos pos = { .kind = RR_POS_BP, .addr = e->entry,
				      .count = e->nth };

		err = timeline_goto(s, &pos, cause);
		if (err == 0)
			*out = s->last_stop;
		return err;
	}
	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	slot = tracer_hw_insert(s->t, TRACER_HW_WRITE, e->addr, e->len);
	if (slot < 0)
		return set_cause(cause, slot, "no free watchpoint slot");
	while (count < e->nth) {
		err = tl_run(s, &st, cause);
		if (err < 0)
			break;
		if (at_end(s, &st) || st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "the replay ended before "
					"write h%zu", n);
			break;
		}
		if (st.kind == TRACER_STOP_WATCH && st.bp == slot)
			count++;
	}
	tracer_hw_remove_slot(s->t, slot);
	/* a plain moment now: named by a breakpoint at its pc if needed */
	st.kind = TRACER_STOP_STEP;
	s->last_stop = st;
	s->tl.pos_known = false;
	*out = st;
	return err;
}
