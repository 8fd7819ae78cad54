/*
 * cli/catch.c - catchpoints: stop where the kernel is about to report a
 * WARN, a BUG, an oops, a panic, a KASAN report, a lockdep splat or a
 * hung task, before the report prints, with the culprit's frame selected
 * and a one-line reason (docs/forensics.md).
 *
 * A catchpoint is a breakpoint (struct breakpoint with `catch` set: it is
 * listed, counted, deleted and replayed as one) on the function where the
 * report begins.  Where that function serves other callers too (_printk
 * for BUG and hung tasks, debug_locks_off for lockdep), its judge looks
 * at the arguments or the callers and lets the other hits pass silently.
 * Owns the reason and frame of the last catch (in the session).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "cli.h"

/* ---- reading the stopped call ------------------------------------------ */

/* Argument i (from 0) of the function the thread stopped at the entry of:
 * rdi rsi rdx rcx r8 r9, then the stack above the return address. */
static uint64_t arg_at(struct session *s, const struct user_regs_struct *r,
		       int i)
{
	const uint64_t regs[6] = { r->rdi, r->rsi, r->rdx, r->rcx, r->r8,
				   r->r9 };
	uint64_t v = 0;

	if (i < 6)
		return regs[i];
	tracer_read_mem(s->t, r->rsp + 8 * (uint64_t)(i - 5), &v, sizeof(v));
	return v;
}

/*
 * printf's format at fmt with its arguments from argument `first` on, as
 * the kernel would print it (the common conversions; %p and its kernel
 * extensions as a bare address), without a trailing newline and the
 * printk level marker.
 */
static char *format_call(struct session *s, const struct user_regs_struct *r,
			 uint64_t fmt, int first)
{
	char f[512], tmp[256];
	struct strbuf sb;
	const char *p;
	int arg = first;

	kmodel_read_str(s->k, fmt, f, sizeof(f));
	p = f;
	while (p[0] == '\001' && p[1])	/* KERN_SOH and the level */
		p += 2;
	strbuf_init(&sb);
	for (; *p; p++) {
		char conv, val[300];
		bool left = false, zero = false;
		int width = 0, longs = 0, pad;

		if (*p != '%') {
			if (*p != '\n' || p[1])
				strbuf_addf(&sb, "%c", *p);
			continue;
		}
		if (p[1] == '%') {
			strbuf_addf(&sb, "%%");
			p++;
			continue;
		}
		for (p++; *p == '-' || *p == '0' || *p == '+' || *p == ' ' ||
			  *p == '#'; p++) {
			left |= *p == '-';
			zero |= *p == '0';
		}
		if (*p == '*') {	/* the width is an argument */
			int64_t w = (int32_t)arg_at(s, r, arg++);

			left |= w < 0;
			width = w < 0 ? (w < -1000 ? 1000 : (int)-w) :
					(w > 1000 ? 1000 : (int)w);
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width < 1000 ? width * 10 + (*p - '0') : width;
		for (; *p == '.' || *p == '*' || (*p >= '0' && *p <= '9'); p++)
			if (*p == '*')	/* a precision: not kept, but taken */
				arg++;
		for (; *p == 'l' || *p == 'z' || *p == 'h' || *p == 't'; p++)
			longs += *p != 'h';
		conv = *p;
		if (!conv)
			break;
		val[0] = '\0';
		if (conv == 's') {
			kmodel_read_str(s->k, arg_at(s, r, arg++), tmp, sizeof(tmp));
			snprintf(val, sizeof(val), "%s", tmp);
			zero = false;
		} else if (strchr("diuxXoc", conv)) {
			uint64_t v = arg_at(s, r, arg++);

			if (!longs)	/* an int: its low 32 bits */
				v = conv == 'd' || conv == 'i' ?
				    (uint64_t)(int64_t)(int32_t)v :
				    (uint64_t)(uint32_t)v;
			if (conv == 'd' || conv == 'i')
				snprintf(val, sizeof(val), "%lld", (long long)v);
			else if (conv == 'u')
				snprintf(val, sizeof(val), "%llu",
					 (unsigned long long)v);
			else if (conv == 'x')
				snprintf(val, sizeof(val), "%llx",
					 (unsigned long long)v);
			else if (conv == 'X')
				snprintf(val, sizeof(val), "%llX",
					 (unsigned long long)v);
			else if (conv == 'o')
				snprintf(val, sizeof(val), "%llo",
					 (unsigned long long)v);
			else
				snprintf(val, sizeof(val), "%c", (char)v);
		} else if (conv == 'p') {
			snprintf(val, sizeof(val), "0x%llx",
				 (unsigned long long)arg_at(s, r, arg++));
			while (p[1] && strchr("SsBFfRrhMmIiEUVKNadDgGCxe", p[1]))
				p++;	/* %pS, %pV...: an address all the same */
		} else {
			snprintf(val, sizeof(val), "%%%c", conv);
		}
		pad = width - (int)strlen(val);
		if (left)
			strbuf_addf(&sb, "%s", val);
		for (; pad > 0; pad--)
			strbuf_addf(&sb, "%c", zero && !left ? '0' : ' ');
		if (!left)
			strbuf_addf(&sb, "%s", val);
	}
	return strbuf_detach(&sb);
}

/* ---- frames ------------------------------------------------------------ */

/* The stopped thread's frames, numbered as bt numbers them. */
struct frame_info {
	uint64_t pc;
	char *func, *file;
};
#define CATCH_FRAMES 64

struct frame_list {
	struct frame_info f[CATCH_FRAMES];
	int n;
};

static bool frame_add(void *arg, uint64_t pc, const struct kmodel_where *w,
		      int num)
{
	struct frame_list *l = arg;

	(void)num;
	l->f[l->n].pc = pc;
	l->f[l->n].func = w->func ? xstrdup(w->func) : NULL;
	l->f[l->n].file = w->file ? xstrdup(w->file) : NULL;
	return ++l->n == CATCH_FRAMES;
}

static void frames_get(struct session *s, struct frame_list *l)
{
	l->n = 0;
	session_walk_frames(s, frame_add, l);
}

static void frames_free(struct frame_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->f[i].func);
		free(l->f[i].file);
	}
	l->n = 0;
}

static bool file_is(const struct frame_info *f, const char *prefix)
{
	return f->file && !strncmp(f->file, prefix, strlen(prefix));
}

static const char *func_or(const struct frame_info *f)
{
	return f->func ? f->func : "??";
}

/* ---- the kinds --------------------------------------------------------- */

/* Kernel formats the catchpoints recognize, with their source. */
/* include/asm-generic/bug.h: BUG() where the arch has no BUG of its own
 * (UML): printk this, then panic("BUG!") */
#define KBUG_FORMAT "BUG: failure at "
/* mm/kasan/report.c: the bits of kasan_flags */
#define KASAN_BIT_REPORTED 0
#define KASAN_BIT_MULTI_SHOT 1
/* kernel/hung_task.c: check_hung_task() */
#define KHUNG_FORMAT "INFO: task %s:%d blocked for more than "

/* The judge of a catchpoint's stop: true to stop, with *reason (malloc'd)
 * and *frame (the culprit's, in bt's numbering; -1: none).  fl: the
 * stopped thread's frames. */
typedef bool (*catch_judge)(struct session *s,
			    const struct user_regs_struct *r,
			    const struct frame_list *fl, char **reason,
			    int *frame);

struct catch_kind {
	const char *name;
	const char *what;	/* for help and errors */
	const char *requires;	/* a symbol only a kernel that can report
				 * this has (NULL: any kernel) */
	const char *const *funcs;	/* break at every one that exists */
	/* or: find the addresses otherwise (oops) */
	int (*resolve)(struct session *s, uint64_t **addrs, size_t *n,
		       char **cause);
	catch_judge judge;
};

static bool judge_panic(struct session *s, const struct user_regs_struct *r,
			const struct frame_list *fl, char **reason, int *frame)
{
	char *msg = format_call(s, r, r->rdi, 1);

	*reason = xasprintf("panic: %s", msg);
	free(msg);
	*frame = fl->n > 1 ? 1 : -1;
	return true;
}

static bool judge_warn(struct session *s, const struct user_regs_struct *r,
		       const struct frame_list *fl, char **reason, int *frame)
{
	char file[256], *msg = NULL;

	/* warn_slowpath_fmt(file, line, taint, fmt, ...) */
	kmodel_read_str(s->k, r->rdi, file, sizeof(file));
	if (r->rcx)
		msg = format_call(s, r, r->rcx, 4);
	*reason = xasprintf("WARNING at %s:%d%s%s%s%s", file, (int)r->rsi,
			    fl->n > 1 ? " in " : "",
			    fl->n > 1 ? func_or(&fl->f[1]) : "",
			    msg && *msg ? ": " : "", msg ? msg : "");
	free(msg);
	*frame = fl->n > 1 ? 1 : -1;
	return true;
}

/* Does the printk at this stop print format `prefix...` (after its level)? */
static bool printk_of(struct session *s, const struct user_regs_struct *r,
		      const char *prefix)
{
	char f[128];
	const char *p = f;

	kmodel_read_str(s->k, r->rdi, f, sizeof(f));
	while (p[0] == '\001' && p[1])
		p += 2;
	return !strncmp(p, prefix, strlen(prefix));
}

static bool judge_bug(struct session *s, const struct user_regs_struct *r,
		      const struct frame_list *fl, char **reason, int *frame)
{
	if (!printk_of(s, r, KBUG_FORMAT))
		return false;
	*reason = format_call(s, r, r->rdi, 1);
	*frame = fl->n > 1 ? 1 : -1;
	return true;
}

static bool judge_hung(struct session *s, const struct user_regs_struct *r,
		       const struct frame_list *fl, char **reason, int *frame)
{
	(void)fl;
	if (!printk_of(s, r, KHUNG_FORMAT))
		return false;
	*reason = format_call(s, r, r->rdi, 1);
	*frame = -1;		/* the culprit is the hung task: bt PID */
	return true;
}

/* ", in the free slab object 0x... of kmalloc-32 (+0x4)", or "". */
static const char *what_is(struct session *s, uint64_t addr, char *buf,
			   size_t len)
{
	struct kmodel_kmem w;

	memset(&w, 0, sizeof(w));
	buf[0] = '\0';
	if (kmodel_kmem_page(s->k, addr, &w, NULL) == 0 &&
	    w.kind == KMODEL_KMEM_SLAB)
		snprintf(buf, len, ", in the %s slab object 0x%llx of %s "
			 "(+0x%llx)", w.quarantined ? "freed (quarantined)" :
			 w.free ? "free" : "allocated",
			 (unsigned long long)w.start, w.name,
			 (unsigned long long)(addr - w.start));
	return buf;
}

static bool judge_kasan(struct session *s, const struct user_regs_struct *r,
			const struct frame_list *fl, char **reason, int *frame)
{
	/* kasan_report(addr, size, is_write, ip) or
	 * kasan_report_invalid_free(ptr, ip, type) */
	bool is_free = fl->n > 0 && fl->f[0].func &&
		       strstr(fl->f[0].func, "invalid_free");
	uint64_t ip = is_free ? r->rsi : r->rcx, depth = 1, size, flags = 0;
	uint64_t fa;
	char *fn = NULL, *why = NULL, obj[320];
	int i;

	/* as kasan_report() decides (mm/kasan/report.c): not while the task
	 * suppresses reports (kasan_depth, early boot), and only the first
	 * report unless kasan_multi_shot */
	if (kmodel_eval_addr(s->k, "$current->kasan_depth", session_expr_env(s),
			     &depth, &size, &why) < 0) {
		free(why);
		depth = 0;
	}
	if (kmodel_symbol_addr(s->k, "kasan_flags", &fa) == 0)
		tracer_read_mem(s->t, fa, &flags, sizeof(flags));
	if ((uint32_t)depth ||
	    (!(flags & (1UL << KASAN_BIT_MULTI_SHOT)) &&
	     (flags & (1UL << KASAN_BIT_REPORTED))))
		return false;
	/* the frame that made the access: its return address is ip */
	*frame = fl->n > 1 ? 1 : -1;
	for (i = 1; i < fl->n; i++)
		if (fl->f[i].pc == ip) {
			*frame = i;
			break;
		}
	if (*frame >= 0)
		fn = fl->f[*frame].func;
	if (is_free)
		*reason = xasprintf("KASAN: invalid free of 0x%llx in %s",
				    (unsigned long long)r->rdi,
				    fn ? fn : "??");
	else
		*reason = xasprintf("KASAN: %s of size %llu at 0x%llx in %s%s",
				    r->rdx & 1 ? "write" : "read",
				    (unsigned long long)r->rsi,
				    (unsigned long long)r->rdi,
				    fn ? fn : "??", what_is(s, r->rdi, obj,
							    sizeof(obj)));
	return true;
}

/* lockdep's reports and the headline each prints
 * (kernel/locking/lockdep.c) */
static const struct {
	const char *func, *says;
} lockdep_reports[] = {
	{ "print_circular_bug", "possible circular locking dependency" },
	{ "print_deadlock_bug", "possible recursive locking" },
	{ "print_usage_bug", "inconsistent lock state" },
	{ "print_bad_irq_dependency", "irq lock inversion dependency" },
	{ "print_irq_inversion_bug", "possible irq lock inversion" },
	{ "print_unlock_imbalance_bug", "bad unlock balance" },
	{ "print_held_locks_bug", "held lock freed" },
	{ "print_freed_lock_bug", "held lock freed" },
	{ "print_lock_nested_lock_not_held", "nested lock not held" },
	{ "print_lock_invalid_wait_context", "invalid wait context" },
};

static bool judge_lockdep(struct session *s, const struct user_regs_struct *r,
			  const struct frame_list *fl, char **reason,
			  int *frame)
{
	const char *says = NULL, *report = NULL;
	uint64_t on_addr;
	int on = 0, i;
	size_t j;

	(void)r;
	/* debug_locks_off(): lockdep's reports call it first; only the
	 * first report after boot counts (debug_locks is still 1), and
	 * only a call from lockdep (panic() calls it too). */
	if (kmodel_symbol_addr(s->k, "debug_locks", &on_addr) ||
	    tracer_read_mem(s->t, on_addr, &on, sizeof(on)) != sizeof(on) ||
	    !on || fl->n < 2 || !file_is(&fl->f[1], "kernel/locking/"))
		return false;
	*frame = -1;
	for (i = 1; i < fl->n; i++) {
		for (j = 0; !says && j < ARRAY_SIZE(lockdep_reports); j++)
			if (fl->f[i].func &&
			    !strcmp(fl->f[i].func, lockdep_reports[j].func)) {
				says = lockdep_reports[j].says;
				report = lockdep_reports[j].func;
			}
		if (!file_is(&fl->f[i], "kernel/locking/")) {
			*frame = i;
			break;
		}
	}
	*reason = xasprintf("lockdep: %s (%s)%s%s", says ? says : "a report",
			    report ? report : func_or(&fl->f[1]),
			    *frame >= 0 ? " in " : "",
			    *frame >= 0 ? func_or(&fl->f[*frame]) : "");
	return true;
}

/*
 * UML's kernel-mode fault (arch/um/kernel/trap.c, segv()): the report
 * begins at show_regs(), called by segv() only to then panic.  Break at
 * those calls.  The faulting code's registers are in
 * current->thread.segv_regs; its frame is the one at their ip.
 */
static int resolve_oops(struct session *s, uint64_t **addrs, size_t *n,
			char **cause)
{
	uint64_t segv, size, show, loaded = 0;
	uint8_t code[8192];
	char reg[16] = "";
	ssize_t got;
	csh cs;
	cs_insn *insn;
	size_t count, i;

	*addrs = NULL;
	*n = 0;
	if (kmodel_function(s->k, "show_regs", &show, &size) ||
	    kmodel_function(s->k, "segv", &segv, &size))
		return set_cause(cause, -ENOENT, "no segv() and show_regs() "
				 "in '%s' (not a UML kernel?)",
				 kmodel_path(s->k));
	if (size > sizeof(code))
		size = sizeof(code);
	got = kmodel_image_read(s->k, segv, code, size);
	if (got <= 0 || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return set_cause(cause, -EIO, "cannot read segv()'s code");
	count = cs_disasm(cs, code, (size_t)got, segv, 0, &insn);
	for (i = 0; i < count; i++) {
		/* UML calls far: "movabs rax, show_regs; call rax" */
		char *comma = strchr(insn[i].op_str, ',');

		if (!strncmp(insn[i].mnemonic, "mov", 3) && comma &&
		    !strncmp(comma, ", 0x", 4)) {
			size_t l = (size_t)(comma - insn[i].op_str);

			if (l < sizeof(reg)) {
				memcpy(reg, insn[i].op_str, l);
				reg[l] = '\0';
				loaded = strtoull(comma + 2, NULL, 0);
			}
			continue;
		}
		if (insn[i].id != X86_INS_CALL)
			continue;
		if (!strcmp(insn[i].op_str, reg) ? loaded == show :
		    strtoull(insn[i].op_str, NULL, 0) == show) {
			*addrs = xrealloc(*addrs, (*n + 1) * sizeof(**addrs));
			(*addrs)[(*n)++] = insn[i].address;
		}
	}
	if (count)
		cs_free(insn, count);
	cs_close(&cs);
	if (!*n)
		return set_cause(cause, -ENOENT, "segv() never calls "
				 "show_regs() in '%s'", kmodel_path(s->k));
	return 0;
}

static bool judge_oops(struct session *s, const struct user_regs_struct *r,
		       const struct frame_list *fl, char **reason, int *frame)
{
	char *expr = NULL;
	uint64_t ip = 0, size;
	char *why = NULL;
	int i;

	(void)r;
	/* the faulting ip, from the registers segv() keeps */
	if (kmodel_eval_addr(s->k, "$current->thread.segv_regs->regs.gp[16]",
			     session_expr_env(s), &ip, &size, &why) < 0) {
		free(why);
		ip = 0;
	}
	*frame = -1;
	for (i = 1; ip && i < fl->n; i++)
		if (fl->f[i].pc == ip || fl->f[i].pc == ip + 1) {
			*frame = i;
			break;
		}
	expr = ip ? where_line(s, ip) : NULL;
	*reason = xasprintf("kernel mode fault at ip 0x%llx%s%s",
			    (unsigned long long)ip, expr ? ", " : "",
			    expr ? expr : "");
	free(expr);
	return true;
}

static const char *const panic_funcs[] = { "panic", NULL };
static const char *const warn_funcs[] = { "warn_slowpath_fmt", NULL };
static const char *const printk_funcs[] = { "_printk", NULL };
static const char *const kasan_funcs[] = { "kasan_report",
					   "kasan_report_invalid_free", NULL };
static const char *const lockdep_funcs[] = { "debug_locks_off", NULL };

static const struct catch_kind kinds[] = {
	{ "warn", "WARN() and WARN_ON()", NULL, warn_funcs, NULL,
	  judge_warn },
	{ "bug", "BUG() and BUG_ON()", NULL, printk_funcs, NULL, judge_bug },
	{ "oops", "a kernel-mode fault UML turns into a panic", NULL, NULL,
	  resolve_oops, judge_oops },
	{ "panic", "panic()", NULL, panic_funcs, NULL, judge_panic },
	{ "kasan", "a KASAN report (CONFIG_KASAN)", "kasan_report",
	  kasan_funcs, NULL, judge_kasan },
	{ "lockdep", "lockdep's first report (CONFIG_PROVE_LOCKING)",
	  "lock_acquire", lockdep_funcs, NULL, judge_lockdep },
	{ "hung", "the hung-task detector's report (CONFIG_DETECT_HUNG_TASK)",
	  "sysctl_hung_task_timeout_secs", printk_funcs, NULL, judge_hung },
};

static const struct catch_kind *kind_named(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

static void kind_names(struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", kinds[i].name);
}

/* ---- catchpoints as breakpoints ---------------------------------------- */

int session_add_catch(struct session *s, const char *name, FILE *err)
{
	const struct catch_kind *c = kind_named(name);
	struct breakpoint bp = { 0 };
	char *cause = NULL;
	uint64_t a;
	size_t i;

	if (!c) {
		struct strbuf sb;

		strbuf_init(&sb);
		kind_names(&sb);
		fprintf(err, "umdbg: no catchpoint '%s' (%s)\n", name, sb.buf);
		strbuf_release(&sb);
		return -EINVAL;
	}
	if (c->requires && kmodel_symbol_addr(s->k, c->requires, &a)) {
		fprintf(err, "umdbg: catch %s: the kernel cannot report %s: "
			"it has no '%s'\n", c->name, c->what, c->requires);
		return -ENOENT;
	}
	if (c->resolve) {
		if (c->resolve(s, &bp.addrs, &bp.naddrs, &cause) < 0) {
			fprintf(err, "umdbg: catch %s: %s\n", c->name, cause);
			free(cause);
			return -ENOENT;
		}
	} else {
		for (i = 0; c->funcs[i]; i++)
			if (kmodel_symbol_addr(s->k, c->funcs[i], &a) == 0) {
				bp.addrs = xrealloc(bp.addrs, (bp.naddrs + 1) *
						    sizeof(*bp.addrs));
				bp.addrs[bp.naddrs++] = a;
			}
		if (!bp.naddrs) {
			fprintf(err, "umdbg: catch %s: no '%s' in '%s'\n",
				c->name, c->funcs[0], kmodel_path(s->k));
			return -ENOENT;
		}
	}
	bp.catch = c;
	bp.spec = xasprintf("catch %s", c->name);
	return session_add_bp(s, &bp, err);
}

/*
 * A stop at a catchpoint's breakpoint: judge it.  True when it is to be
 * reported (s->catch_reason and s->catch_frame set); false when it was
 * another caller's (resume it, unless a breakpoint of the user's is
 * there too).
 */
bool catch_judge_stop(struct session *s, const struct breakpoint *bp,
		      const struct tracer_stop *st)
{
	struct user_regs_struct r;
	struct frame_list *fl;
	char *reason = NULL;
	int frame = -1;
	bool stop;

	free(s->catch_reason);
	s->catch_reason = NULL;
	s->catch_frame = -1;
	if (tracer_get_regs(s->t, st->tid, &r) < 0)
		return true;
	session_report_maps(s);
	fl = xcalloc(1, sizeof(*fl));
	frames_get(s, fl);
	stop = bp->catch->judge(s, &r, fl, &reason, &frame);
	frames_free(fl);
	free(fl);
	s->catch_reason = stop ? reason : NULL;
	s->catch_frame = stop ? frame : -1;
	if (!stop)
		free(reason);
	return stop;
}

/* catch [KIND]: add one, or list the kinds and the catchpoints set. */
int cmd_catch(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *kind = cmd_arg(ctx->args, "KIND");
	size_t i;
	uint64_t a;

	(void)argc; (void)argv;
	if (kind)
		return session_add_catch(ctx->s, kind, ctx->out) < 0 ?
		       -EINVAL : 0;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		row_begin(ctx->o, ROW_CATCHKIND);
		row_str(ctx->o, CATCHKIND_NAME, kinds[i].name);
		row_str(ctx->o, CATCHKIND_WHAT, kinds[i].what);
		row_bool(ctx->o, CATCHKIND_MISSING, kinds[i].requires &&
			 kmodel_symbol_addr(ctx->s->k, kinds[i].requires,
					    &a));
		row_end(ctx->o);
	}
	for (i = 0; i < ctx->s->nbps; i++) {
		const struct breakpoint *bp = &ctx->s->bps[i];

		if (!bp->catch)
			continue;
		row_begin(ctx->o, ROW_CATCHPOINT);
		row_int(ctx->o, CATCHPOINT_NUM, bp->num);
		row_str(ctx->o, CATCHPOINT_SPEC, bp->spec);
		row_int(ctx->o, CATCHPOINT_HITS, (int64_t)bp->hits);
		row_end(ctx->o);
	}
	/* gdb's user sees no report: the stop's reason is here */
	if (ctx->s->catch_reason) {
		row_begin(ctx->o, ROW_CATCHSTOP);
		row_int(ctx->o, CATCHSTOP_NUM, ctx->s->catch_num);
		row_str(ctx->o, CATCHSTOP_REASON, ctx->s->catch_reason);
		row_bool(ctx->o, CATCHSTOP_CULPRIT, ctx->s->catch_frame > 0);
		row_end(ctx->o);
	}
	return 0;
}
