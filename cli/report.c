/*
 * cli/report.c - the stop report: why the guest stopped, a symbolic
 * backtrace with file:line (inlined frames included), registers and the
 * last kernel log lines.  Also serves the bt/regs/dmesg commands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_FRAMES 64

const char *signal_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev) {
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

void regs_to_dwarf(const struct user_regs_struct *r, uint64_t d[KMODEL_NREGS])
{
	d[0] = r->rax; d[1] = r->rdx; d[2] = r->rcx; d[3] = r->rbx;
	d[4] = r->rsi; d[5] = r->rdi; d[6] = r->rbp; d[7] = r->rsp;
	d[8] = r->r8; d[9] = r->r9; d[10] = r->r10; d[11] = r->r11;
	d[12] = r->r12; d[13] = r->r13; d[14] = r->r14; d[15] = r->r15;
	d[16] = r->rip;
}

char *where_line(struct session *s, uint64_t pc)
{
	struct kmodel_where *w;
	int n = kmodel_where(s->k, pc, false, &w);
	char *str = n > 0 ? kmodel_where_str(&w[0]) : xstrdup("?");

	kmodel_where_free(w, n);
	return str;
}

void print_backtrace(struct session *s, struct out *o, pid_t tid)
{
	struct user_regs_struct r;
	uint64_t d[KMODEL_NREGS];

	if (tracer_get_regs(s->t, tid, &r) < 0) {
		fprintf(out_file(o), "  (no registers: the guest is not "
			"stopped)\n");
		return;
	}
	regs_to_dwarf(&r, d);
	print_backtrace_regs(s, o, d);
}

/*
 * bt's frames of a stack, numbered as bt numbers them (an inlined call
 * gets its own number and shares its frame's registers): fn sees each
 * and returns true to stop.  The walk ends at the thread's start
 * (new_thread_handler, fork_handler: beyond them the stack holds only
 * setup leftovers).  Returns 1 when frames are left unwalked at
 * MAX_FRAMES, 0 otherwise, or -errno with *cause.
 */
typedef bool (*frame_fn)(void *arg, const struct kmodel_frame *f,
			 const struct kmodel_where *w, int num);

static int walk_frames(struct session *s, const uint64_t d[KMODEL_NREGS],
		       frame_fn fn, void *arg, char **cause)
{
	struct kmodel_frame frames[MAX_FRAMES];
	int n = kmodel_backtrace(s->k, d, frames, MAX_FRAMES, cause), i, j;
	int num = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct kmodel_where *w;
		int nw = kmodel_where(s->k, frames[i].pc, frames[i].call_site,
				      &w);
		bool bottom = nw > 0 && w[nw - 1].func &&
			(!strcmp(w[nw - 1].func, "new_thread_handler") ||
			 !strcmp(w[nw - 1].func, "fork_handler"));
		bool stop = false;

		for (j = 0; j < nw && !stop; j++)
			stop = fn(arg, &frames[i], &w[j], num++);
		kmodel_where_free(w, nw);
		if (stop || bottom)
			return 0;
	}
	return n == MAX_FRAMES;
}

struct walk_adapter {
	bool (*fn)(void *arg, uint64_t pc, const struct kmodel_where *w,
		   int num);
	void *arg;
};

static bool walk_adapt(void *arg, const struct kmodel_frame *f,
		       const struct kmodel_where *w, int num)
{
	struct walk_adapter *a = arg;

	return a->fn(a->arg, f->pc, w, num);
}

void session_walk_frames(struct session *s,
			 bool (*fn)(void *arg, uint64_t pc,
				    const struct kmodel_where *w, int num),
			 void *arg)
{
	struct walk_adapter a = { fn, arg };
	struct user_regs_struct r;
	uint64_t d[KMODEL_NREGS];
	char *cause = NULL;

	if (tracer_get_regs(s->t, s->last_stop.tid, &r) < 0)
		return;
	regs_to_dwarf(&r, d);
	if (walk_frames(s, d, walk_adapt, &a, &cause) < 0)
		free(cause);
}

struct bt_print {
	struct session *s;
	struct out *o;
	bool warned;
};

static bool bt_line(void *arg, const struct kmodel_frame *f,
		    const struct kmodel_where *w, int num)
{
	struct bt_print *p = arg;
	char *str = kmodel_where_str(w);

	row_begin(p->o, ROW_FRAME);
	row_int(p->o, FRAME_NUM, num);
	if (!w->inlined)
		row_addr(p->o, FRAME_PC, f->pc);
	row_bool(p->o, FRAME_INLINED, w->inlined);
	row_str(p->o, FRAME_FUNC, w->func);
	if (w->func && !w->inlined)
		row_addr(p->o, FRAME_OFFSET, w->offset);
	row_str(p->o, FRAME_FILE, w->file);
	if (w->line)
		row_int(p->o, FRAME_LINE, w->line);
	row_str(p->o, FRAME_MODULE, w->module);
	row_str(p->o, FRAME_WHERE, str);
	row_end(p->o);
	if (!w->line && !p->warned && !kmodel_has_dwarf(p->s->k)) {
		fprintf(out_file(p->o), "      (file:line unavailable: '%s' "
			"has no debug info)\n", kmodel_path(p->s->k));
		p->warned = true;
	}
	free(str);
	return false;
}

void print_backtrace_regs(struct session *s, struct out *o,
			  const uint64_t d[KMODEL_NREGS])
{
	struct bt_print p = { s, o, false };
	char *cause = NULL;
	int more = walk_frames(s, d, bt_line, &p, &cause);

	if (more < 0) {
		fprintf(out_file(o), "  (cannot unwind: %s)\n", cause);
		free(cause);
	} else if (more) {
		fprintf(out_file(o), "  (more frames not shown)\n");
	}
}

void print_pc_frames(struct session *s, struct out *o, const uint64_t *pcs,
		     int n)
{
	struct bt_print p = { s, o, true };
	int i, j, nw, num = 0;

	for (i = 0; i < n; i++) {
		struct kmodel_frame f = { .pc = pcs[i], .call_site = true };
		struct kmodel_where *w;

		nw = kmodel_where(s->k, f.pc, f.call_site, &w);
		for (j = 0; j < nw; j++)
			bt_line(&p, &f, &w[j], num++);
		kmodel_where_free(w, nw);
	}
}

static void reg_row(struct out *o, const char *name, bool known,
		    uint64_t value)
{
	row_begin(o, ROW_REG);
	row_str(o, REG_NAME, name);
	if (known)
		row_addr(o, REG_VALUE, value);
	row_end(o);
}

void print_kept_regs(struct out *o, const uint64_t d[KMODEL_NREGS],
		     uint32_t known)
{
	/* DWARF numbers of the registers a call keeps (SysV ABI
	 * callee-saved, the stack and the return address): all that
	 * switch_to saves, and all an outer frame can have. */
	static const struct { const char *name; int dw; } kept[] = {
		{ "rbx", 3 }, { "rbp", 6 }, { "rsp", 7 }, { "r12", 12 },
		{ "r13", 13 }, { "r14", 14 }, { "r15", 15 }, { "rip", 16 },
	};
	size_t r;

	for (r = 0; r < ARRAY_SIZE(kept); r++)
		reg_row(o, kept[r].name, known & (1u << kept[r].dw),
			d[kept[r].dw]);
}

struct frame_pick {
	struct session *s;
	struct out *o;
	int want;
	bool found;
	uint64_t *d;
	uint32_t *known;
};

static bool frame_pick_line(void *arg, const struct kmodel_frame *f,
			    const struct kmodel_where *w, int num)
{
	struct frame_pick *p = arg;

	if (num != p->want)
		return false;
	memcpy(p->d, f->regs, sizeof(f->regs));
	*p->known = f->known;
	if (p->o) {
		struct bt_print b = { p->s, p->o, true };

		bt_line(&b, f, w, num);
	}
	p->found = true;
	return true;
}

int session_frame_regs(struct session *s, int want, uint64_t d[KMODEL_NREGS],
		       uint32_t *known, struct out *o, char **cause)
{
	struct frame_pick p = { s, o, want, false, d, known };
	struct user_regs_struct r;
	uint64_t live[KMODEL_NREGS];

	if (tracer_get_regs(s->t, s->last_stop.tid, &r) < 0) {
		*cause = xstrdup("the guest is not stopped");
		return -ESRCH;
	}
	regs_to_dwarf(&r, live);
	if (walk_frames(s, live, frame_pick_line, &p, cause) < 0)
		return -EIO;
	if (!p.found) {
		*cause = xasprintf("no frame #%d", want);
		return -ENOENT;
	}
	return 0;
}

struct frame_regs {
	struct out *o;
	int want;
	bool found;
};

static bool frame_regs_line(void *arg, const struct kmodel_frame *f,
			    const struct kmodel_where *w, int num)
{
	struct frame_regs *p = arg;
	char *str;

	if (num != p->want)
		return false;
	str = kmodel_where_str(w);
	fprintf(out_file(p->o), "frame #%d: %s\n", num, str);
	free(str);
	print_kept_regs(p->o, f->regs, f->known);
	p->found = true;
	return true;
}

int print_frame_regs(struct session *s, struct out *o,
		     const uint64_t d[KMODEL_NREGS], int want)
{
	struct frame_regs p = { o, want, false };
	FILE *out = out_file(o);
	char *cause = NULL;

	if (walk_frames(s, d, frame_regs_line, &p, &cause) < 0) {
		fprintf(out, "regs: cannot unwind: %s\n", cause);
		free(cause);
		return -EIO;
	}
	if (p.found)
		return 0;
	fprintf(out, "regs: no frame #%d\n", want);
	return -ENOENT;
}

void print_regs(struct session *s, struct out *o, pid_t tid)
{
	static const char *const names[] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"rip", "eflags", "fs_base", "gs_base",
	};
	struct user_regs_struct r;
	size_t i;

	if (tracer_get_regs(s->t, tid, &r) < 0) {
		fprintf(out_file(o), "  (no registers: the guest is not "
			"stopped)\n");
		return;
	}
	{
		const unsigned long long vals[] = {
			r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp,
			r.rsp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13,
			r.r14, r.r15, r.rip, r.eflags, r.fs_base, r.gs_base,
		};

		for (i = 0; i < ARRAY_SIZE(names); i++)
			reg_row(o, names[i], true, vals[i]);
	}
}

int print_dmesg(struct session *s, struct out *o, int last, bool levels)
{
	/* include/linux/kern_levels.h: KERN_EMERG (0) .. KERN_DEBUG (7) */
	static const char *const lvl[8] = {
		"emerg", "alert", "crit", "err", "warn", "notice", "info",
		"debug",
	};
	struct kmodel_logrec *recs;
	char *cause = NULL;
	size_t n, i, first;
	int err;

	err = kmodel_dmesg(s->k, &recs, &n, &cause);
	if (err) {
		fprintf(out_file(o), "  (kernel log unavailable: %s)\n", cause);
		free(cause);
		return err;
	}
	first = last > 0 && n > (size_t)last ? n - last : 0;
	for (i = first; i < n; i++) {
		const char *line = recs[i].text, *nl;

		/* Records may hold several lines: indent each. */
		do {
			char *text;

			nl = strchr(line, '\n');
			text = xstrndup(line, nl ? (size_t)(nl - line) :
					strlen(line));
			row_begin(o, ROW_LOG);
			row_int(o, LOG_TS, (int64_t)recs[i].ts_nsec);
			row_int(o, LOG_LEVEL, recs[i].level);
			if (levels)
				row_str(o, LOG_LEVEL_NAME,
					lvl[recs[i].level & 7]);
			row_str(o, LOG_TEXT, text);
			row_end(o);
			free(text);
			line = nl ? nl + 1 : NULL;
		} while (line && *line);
	}
	kmodel_logrecs_free(recs, n);
	return 0;
}

static struct breakpoint *bp_by_id(struct session *s, int id)
{
	size_t i, j;

	for (i = 0; i < s->nbps; i++)
		for (j = 0; j < s->bps[i].naddrs; j++)
			if (s->bps[i].ids[j] == id)
				return &s->bps[i];
	return NULL;
}

/* The spec of the catchpoint the last stop was judged for. */
static const char *catch_spec(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nbps; i++)
		if (s->bps[i].num == s->catch_num)
			return s->bps[i].spec;
	return "catch ?";
}

/* The kernel's own words: its last "Kernel panic - not syncing" line. */
static char *panic_reason(struct session *s)
{
	struct kmodel_logrec *recs;
	char *why = NULL;
	size_t n, i;

	if (kmodel_dmesg(s->k, &recs, &n, NULL) < 0)
		return NULL;
	for (i = n; i-- > 0;)
		if (strstr(recs[i].text, "Kernel panic - not syncing")) {
			why = xstrdup(recs[i].text);
			break;
		}
	kmodel_logrecs_free(recs, n);
	return why;
}

/* Why the guest stopped, in one line (malloc'd); *detail: a second line
 * (a panic's reason), or NULL. */
static char *stop_why(struct session *s, char **detail)
{
	const struct tracer_stop *st = &s->last_stop;
	int tid = session_tid(s, st->tid);
	struct breakpoint *bp;
	char *why;

	*detail = NULL;
	switch (st->kind) {
	case TRACER_STOP_BREAKPOINT:
		if (s->catch_reason) {
			*detail = xstrdup(s->catch_reason);
			return xasprintf("catchpoint %d (%s) hit in thread %d",
					 s->catch_num, catch_spec(s), tid);
		}
		bp = bp_by_id(s, st->bp);
		return xasprintf("breakpoint %d (%s) hit in thread %d",
				 bp ? bp->num : 0, bp ? bp->spec : "?", tid);
	case TRACER_STOP_INTERRUPT:
		return xasprintf("guest interrupted (Ctrl-C) in thread %d",
				 tid);
	case TRACER_STOP_HOOK:
		return xasprintf("replay stopped in thread %d: %s", tid,
				 s->rr ? rr_why(s->rr) : "?");
	case TRACER_STOP_SIGNAL:
		if (st->signo == SIGABRT) {
			*detail = panic_reason(s);
			return xasprintf("guest kernel panicked (UML aborts "
					 "with SIGABRT) in thread %d", tid);
		}
		if (st->signo == SIGSEGV || st->signo == SIGBUS)
			return xasprintf("guest kernel fault: %s at address "
					 "0x%llx in thread %d (UML would "
					 "panic)", signal_name(st->signo),
					 (unsigned long long)st->addr, tid);
		return xasprintf("guest got %s in thread %d",
				 signal_name(st->signo), tid);
	case TRACER_STOP_STEP:
		return xasprintf("stepped in thread %d", tid);
	case TRACER_STOP_WATCH:
		if (watch_why(s, st, &why, detail))
			return why;
		return xasprintf("hardware point in debug register %d "
				 "(address 0x%llx) hit in thread %d", st->bp,
				 (unsigned long long)st->addr, tid);
	default:
		return NULL;
	}
}

void report_headline(struct session *s, struct out *o)
{
	const struct tracer_stop *st = &s->last_stop;
	struct user_regs_struct r;
	char *detail, *why = stop_why(s, &detail), *where = NULL;

	if (tracer_get_regs(s->t, st->tid, &r) == 0)
		where = where_line(s, r.rip);
	if (why) {
		row_begin(o, ROW_HEADLINE);
		row_str(o, HEADLINE_WHY, why);
		row_int(o, HEADLINE_THREAD, session_tid(s, st->tid));
		row_str(o, HEADLINE_DETAIL, detail);
		if (where) {
			row_addr(o, HEADLINE_PC, r.rip);
			row_str(o, HEADLINE_WHERE, where);
		}
		if (s->catch_reason && s->catch_frame >= 0)
			row_int(o, HEADLINE_FRAME, s->catch_frame);
		row_end(o);
	} else if (where) {
		fprintf(out_file(o), "  at 0x%016llx %s\n",
			(unsigned long long)r.rip, where);
	}
	free(why);
	free(detail);
	free(where);
}

void report_stop(struct session *s, struct out *o)
{
	const struct tracer_stop *st = &s->last_stop;
	FILE *out = out_file(o);

	fputc('\n', out);
	report_headline(s, o);
	fprintf(out, "\nBacktrace:\n");
	print_backtrace(s, o, st->tid);
	fprintf(out, "\nRegisters:\n");
	print_regs(s, o, st->tid);
	fprintf(out, "\nKernel log (last %d lines):\n", s->log_lines);
	print_dmesg(s, o, s->log_lines, false);
	fputc('\n', out);
	out_flush(o);
}
