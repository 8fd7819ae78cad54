/*
 * cli/kviews.c - the prompt's commands that show the kernel: bt, ps, vma,
 * vtop, pt, x, p, lsmod, sym, regs, dmesg.  Each fills rows (lib/rows.h)
 * where its output has a kind, and free text otherwise.
 * Owns nothing across calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../tui/tui.h"

/* A PID: a number, or an expression ($current->pid, init_task.pid). */
int cmd_parse_pid(struct cmd_ctx *ctx, const char *s, int *pid)
{
	char *cause = NULL;
	uint64_t v, size;

	if (parse_u64(s, &v) < 0 &&
	    kmodel_eval_addr(ctx->s->k, s, session_expr_env(ctx->s), &v,
			     &size, &cause) < 0) {
		fprintf(ctx->out, "bad pid '%s': %s\n", s, cause);
		free(cause);
		return -EINVAL;
	}
	if (v > INT32_MAX) {
		fprintf(ctx->out, "bad pid '%s'\n", s);
		return -EINVAL;
	}
	*pid = (int)v;
	return 0;
}

int cmd_bt(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_task t;
	uint64_t regs[KMODEL_NREGS];
	char *cause = NULL;
	int pid, err;

	(void)argc; (void)argv;
	if (!cmd_arg(ctx->args, "PID")) {
		print_backtrace(ctx->s, ctx->o, ctx->s->last_stop.tid);
		return 0;
	}
	if (cmd_parse_pid(ctx, cmd_arg(ctx->args, "PID"), &pid) < 0)
		return -EINVAL;
	err = kmodel_find_task(ctx->s->k, pid, &t, &cause);
	if (err)
		return cmd_fail(ctx, "bt", cause, err);
	fprintf(ctx->out, "task %d (%s) %c%s\n", t.pid, t.comm, t.state,
		t.running ? ", on the CPU" : "");
	if (t.running) {
		/* Its registers are the live ones. */
		print_backtrace(ctx->s, ctx->o, ctx->s->last_stop.tid);
		return 0;
	}
	err = kmodel_task_regs(ctx->s->k, t.addr, regs, &cause);
	if (err)
		return cmd_fail(ctx, "bt", cause, err);
	print_backtrace_regs(ctx->s, ctx->o, regs);
	return 0;
}

int cmd_ps(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_task *t;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_tasks(ctx->s->k, &t, &n, &cause);
	if (err)
		return cmd_fail(ctx, "ps", cause, err);
	for (i = 0; i < n; i++) {
		char state[2] = { t[i].state, '\0' };

		row_begin(ctx->o, ROW_TASK);
		row_int(ctx->o, TASK_PID, t[i].pid);
		row_int(ctx->o, TASK_TGID, t[i].tgid);
		row_str(ctx->o, TASK_STATE, state);
		row_str(ctx->o, TASK_COMM, t[i].comm);
		row_bool(ctx->o, TASK_KTHREAD, t[i].kthread);
		row_bool(ctx->o, TASK_RUNNING, t[i].running);
		if (t[i].mm && !t[i].kthread) {
			row_addr(ctx->o, TASK_MM, t[i].mm);
			row_int(ctx->o, TASK_HOST_PID, t[i].host_pid);
		}
		row_end(ctx->o);
	}
	free(t);
	return 0;
}

int cmd_vma(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_vma *v;
	char *cause = NULL;
	size_t n, i;
	int pid, err;

	(void)argc; (void)argv;
	if (cmd_parse_pid(ctx, cmd_arg(ctx->args, "PID"), &pid) < 0)
		return -EINVAL;
	err = kmodel_vmas(ctx->s->k, pid, &v, &n, &cause);
	if (err)
		return cmd_fail(ctx, "vma", cause, err);
	for (i = 0; i < n; i++) {
		row_begin(ctx->o, ROW_VMA);
		row_addr(ctx->o, VMA_START, v[i].start);
		row_addr(ctx->o, VMA_END, v[i].end);
		row_str(ctx->o, VMA_PERMS, v[i].perms);
		row_addr(ctx->o, VMA_OFFSET, v[i].offset);
		row_int(ctx->o, VMA_INO, (int64_t)v[i].ino);
		row_str(ctx->o, VMA_PATH, v[i].path);
		row_end(ctx->o);
	}
	free(v);
	return 0;
}

static void print_walk(struct out *o, const struct kmodel_ptwalk *w)
{
	FILE *out = out_file(o);
	char flags[96];
	int i;

	if (w->direct_map) {
		fprintf(out, "0x%llx is in the kernel's direct map: no tables\n"
			"  phys 0x%llx  host 0x%llx\n",
			(unsigned long long)w->va, (unsigned long long)w->phys,
			(unsigned long long)w->host);
		return;
	}
	for (i = 0; i < w->nlevels; i++) {
		kmodel_pte_flags(w->level[i].entry, flags, sizeof(flags));
		row_begin(o, ROW_PTLEVEL);
		row_str(o, PTLEVEL_NAME, w->level[i].name);
		row_int(o, PTLEVEL_INDEX, w->level[i].index);
		row_addr(o, PTLEVEL_ENTRY_ADDR, w->level[i].entry_addr);
		row_addr(o, PTLEVEL_ENTRY, w->level[i].entry);
		row_str(o, PTLEVEL_FLAGS, flags);
		row_end(o);
	}
	if (w->mapped)
		fprintf(out, "  phys 0x%llx  host 0x%llx\n",
			(unsigned long long)w->phys,
			(unsigned long long)w->host);
	else
		fprintf(out, "  not mapped: %s\n", w->why);
}

int cmd_vtop(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_ptwalk w;
	char *cause = NULL;
	uint64_t va;
	int pid = -1, err;

	(void)argc; (void)argv;
	if (cmd_arg(ctx->args, "PID") &&
	    cmd_parse_pid(ctx, cmd_arg(ctx->args, "PID"), &pid) < 0)
		return -EINVAL;
	if (cmd_eval_addr(ctx, "vtop", cmd_arg(ctx->args, "ADDR"), &va) < 0)
		return -EINVAL;
	err = kmodel_vtop(ctx->s->k, pid, va, &w, &cause);
	if (err)
		return cmd_fail(ctx, "vtop", cause, err);
	if (pid >= 0)
		fprintf(ctx->out, "0x%llx in task %d:\n", (unsigned long long)va,
			pid);
	else if (!w.direct_map)
		fprintf(ctx->out, "0x%llx in the kernel (swapper_pg_dir):\n",
			(unsigned long long)va);
	print_walk(ctx->o, &w);
	return 0;
}

/* x/s: the string at addr. */
static int print_string_at(struct cmd_ctx *ctx, uint64_t addr)
{
	uint8_t buf[257] = { 0 };
	struct strbuf where, val;
	ssize_t n = tracer_read_mem(ctx->s->t, addr, buf, 256);

	if (n <= 0) {
		fprintf(ctx->out, "x: cannot read 0x%llx\n",
			(unsigned long long)addr);
		return -EIO;
	}
	strbuf_init(&where);
	strbuf_init(&val);
	strbuf_addf(&where, "0x%llx", (unsigned long long)addr);
	kmodel_print_sym(ctx->s->k, addr, &where);
	kmodel_print_cstring(&val, buf, (size_t)n);
	row_begin(ctx->o, ROW_VALUE);
	row_str(ctx->o, VALUE_EXPR, where.buf);
	row_str(ctx->o, VALUE_TYPE, "char []");
	row_str(ctx->o, VALUE_VALUE, val.buf);
	row_end(ctx->o);
	strbuf_release(&where);
	strbuf_release(&val);
	return 0;
}

/* x[/s] [-p PID] ADDR [LEN]: hex and ASCII, or a string. */
int cmd_x(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t addr, len = 64, off;
	struct kmodel_ptwalk w;
	uint8_t buf[4096];
	const char *p = cmd_arg(ctx->args, "PID");
	const char *l = cmd_arg(ctx->args, "LEN");
	char *cause = NULL;
	int pid = -1;

	(void)argc; (void)argv;
	if (p && cmd_parse_pid(ctx, p, &pid) < 0)
		return -EINVAL;
	if (l && (parse_u64(l, &len) < 0 || len > sizeof(buf))) {
		fprintf(ctx->out, "x: LEN is up to 4096, not '%s'\n", l);
		return -EINVAL;
	}
	if (ctx->fmt && strcmp(ctx->fmt, "s")) {
		fprintf(ctx->out, "x: the format is /s (a string), not '/%s'\n",
			ctx->fmt);
		return -EINVAL;
	}
	if (cmd_eval_addr(ctx, "x", cmd_arg(ctx->args, "ADDR"), &addr) < 0)
		return -EINVAL;
	if (ctx->fmt && pid >= 0) {
		fprintf(ctx->out, "x: /s reads the kernel's memory; for task "
			"%d's, drop /s (hex and ASCII)\n", pid);
		return -EINVAL;
	}
	if (ctx->fmt)
		return print_string_at(ctx, addr);
	for (off = 0; off < len;) {
		uint64_t va = addr + off, src = va;
		size_t chunk = len - off;
		ssize_t n;

		if (pid >= 0) {
			/* user memory: through the task's page tables */
			if (kmodel_vtop(ctx->s->k, pid, va, &w, &cause) < 0)
				return cmd_fail(ctx, "x", cause, -EIO);
			if (!w.mapped) {
				fprintf(ctx->out, "x: 0x%llx: %s\n",
					(unsigned long long)va, w.why);
				break;
			}
			src = w.host;
			if (chunk > 4096 - (va & 0xfff))
				chunk = 4096 - (va & 0xfff);
		}
		n = tracer_read_mem(ctx->s->t, src, buf + off, chunk);
		if (n <= 0) {
			fprintf(ctx->out, "x: cannot read 0x%llx\n",
				(unsigned long long)va);
			break;
		}
		off += (uint64_t)n;
	}
	len = off;
	for (off = 0; off < len; off += 16) {
		size_t i, n = len - off < 16 ? (size_t)(len - off) : 16;
		char ascii[17];

		for (i = 0; i < n; i++)
			ascii[i] = buf[off + i] >= 32 && buf[off + i] < 127 ?
				   (char)buf[off + i] : '.';
		ascii[n] = '\0';
		row_begin(ctx->o, ROW_MEM);
		row_addr(ctx->o, MEM_ADDR, addr + off);
		row_set_bytes(ctx->o, MEM_BYTES, buf + off, n);
		row_str(ctx->o, MEM_ASCII, ascii);
		row_end(ctx->o);
	}
	return 0;
}

static void print_run(struct out *o, uint64_t va, uint64_t npages,
		      uint64_t phys, uint64_t entry, const char *path)
{
	char flags[96];

	kmodel_pte_flags(entry, flags, sizeof(flags));
	row_begin(o, ROW_PAGERUN);
	row_addr(o, PAGERUN_START, va);
	row_addr(o, PAGERUN_END, va + npages * 4096);
	row_addr(o, PAGERUN_PHYS, phys);
	row_str(o, PAGERUN_FLAGS, flags);
	row_str(o, PAGERUN_PATH, path);
	row_end(o);
}

/* pt PID [START-END]: the mapped pages of a task, runs merged. */
int cmd_pt(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_vma *v;
	struct kmodel_task t;
	struct kmodel_ptwalk w;
	uint64_t lo = 0, hi = UINT64_MAX, pgd, va;
	const char *range = cmd_arg(ctx->args, "START-END");
	char *cause = NULL, *dash;
	size_t n, i;
	int pid, err;

	(void)argc; (void)argv;
	if (cmd_parse_pid(ctx, cmd_arg(ctx->args, "PID"), &pid) < 0)
		return -EINVAL;
	if (range) {
		char lo_s[32];

		dash = strchr(range, '-');
		if (!dash || (size_t)(dash - range) >= sizeof(lo_s))
			return fprintf(ctx->out, "pt: bad range '%s'\n",
				       range), -EINVAL;
		snprintf(lo_s, sizeof(lo_s), "%.*s", (int)(dash - range),
			 range);
		if (parse_u64(lo_s, &lo) < 0 || parse_u64(dash + 1, &hi) < 0)
			return fprintf(ctx->out, "pt: bad range\n"), -EINVAL;
	}
	v = NULL;
	if ((err = kmodel_find_task(ctx->s->k, pid, &t, &cause)) ||
	    (err = kmodel_vmas(ctx->s->k, pid, &v, &n, &cause)) ||
	    (err = kmodel_mm_pgd(ctx->s->k, t.mm, &pgd, &cause))) {
		free(v);
		return cmd_fail(ctx, "pt", cause, err);
	}
	for (i = 0; i < n; i++) {
		uint64_t run_va = 0, run_phys = 0, run_entry = 0, run_n = 0;

		for (va = v[i].start; va < v[i].end; va += 4096) {
			bool more;

			if (va + 4096 <= lo || va >= hi)
				continue;
			kmodel_vtop_pgd(ctx->s->k, pgd, va, &w, NULL);
			more = w.mapped && run_n &&
				w.phys == run_phys + run_n * 4096 &&
				(w.level[2].entry & 0xfff) == (run_entry & 0xfff);
			if (more) {
				run_n++;
				continue;
			}
			if (run_n)
				print_run(ctx->o, run_va, run_n, run_phys,
					  run_entry, v[i].path);
			run_n = 0;
			if (w.mapped) {
				run_va = va;
				run_phys = w.phys;
				run_entry = w.level[2].entry;
				run_n = 1;
			}
		}
		if (run_n)
			print_run(ctx->o, run_va, run_n, run_phys, run_entry,
				  v[i].path);
	}
	free(v);
	return 0;
}

/* Registers for expressions: the stopped thread's (gdb's frame 0). */
static int expr_reg(void *arg, const char *name, uint64_t *value)
{
	/* where each is in user_regs_struct, and its DWARF number (the
	 * unwinder's, for a selected outer frame; -1: frame 0 only) */
	static const struct { const char *name; size_t off; int dw; } regs[] = {
#define R(n, f, dw) { n, offsetof(struct user_regs_struct, f), dw }
		R("rip", rip, 16), R("pc", rip, 16), R("rsp", rsp, 7),
		R("sp", rsp, 7), R("rbp", rbp, 6), R("fp", rbp, 6),
		R("rax", rax, 0), R("rbx", rbx, 3), R("rcx", rcx, 2),
		R("rdx", rdx, 1), R("rsi", rsi, 4), R("rdi", rdi, 5),
		R("r8", r8, 8), R("r9", r9, 9), R("r10", r10, 10),
		R("r11", r11, 11), R("r12", r12, 12), R("r13", r13, 13),
		R("r14", r14, 14), R("r15", r15, 15),
		R("eflags", eflags, -1), R("fs_base", fs_base, -1),
		R("gs_base", gs_base, -1), R("orig_rax", orig_rax, -1),
#undef R
	};
	struct session *s = arg;
	struct user_regs_struct r;
	uint64_t d[KMODEL_NREGS];
	uint32_t known;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (!strcmp(name, regs[i].name))
			break;
	if (i == ARRAY_SIZE(regs))
		return -ENOENT;
	if (s->frame > 0) {
		if (session_frame_regs(s, s->frame, d, &known, NULL,
				       &cause) < 0) {
			free(cause);
			return -ESRCH;
		}
		if (regs[i].dw < 0 || !(known & (1u << regs[i].dw)))
			return -ENODATA;
		*value = d[regs[i].dw];
		return 0;
	}
	if (tracer_get_regs(s->t, s->last_stop.tid, &r) < 0)
		return -ESRCH;
	memcpy(value, (char *)&r + regs[i].off, 8);
	return 0;
}

const struct kmodel_expr_env *session_expr_env(struct session *s)
{
	s->expr_env = (struct kmodel_expr_env){ expr_reg, s };
	return &s->expr_env;
}

int cmd_eval_addr(struct cmd_ctx *ctx, const char *cmd, const char *text,
		  uint64_t *addr)
{
	char *cause = NULL;
	uint64_t size;
	int err;

	/* a plain number needs no DWARF (whose index takes a while to
	 * build the first time) */
	if (parse_u64(text, addr) == 0)
		return 0;
	err = kmodel_eval_addr(ctx->s->k, text, session_expr_env(ctx->s),
			       addr, &size, &cause);
	if (err < 0)
		fprintf(ctx->out, "%s: %s\n", cmd, cause);
	free(cause);
	return err;
}

/* The words of a rest-of-line argument, joined again (malloc'd). */
char *cmd_rest(const struct cmd_args *a)
{
	struct strbuf sb;
	int i;

	strbuf_init(&sb);
	for (i = 0; i < a->rest_argc; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", a->rest_argv[i]);
	return strbuf_detach(&sb);
}

/* frame [N]: select frame N of the stopped thread (numbered as bt numbers
 * them): expressions' registers are that frame's; without N, the
 * selected one.  The TUI's panes follow. */
int cmd_frame(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *a = cmd_arg(ctx->args, "N");
	uint64_t n = (uint64_t)ctx->s->frame, d[KMODEL_NREGS];
	uint32_t known;
	char *cause = NULL;
	int err;

	(void)argc; (void)argv;
	if (a && (parse_u64(a, &n) < 0 || n >= 1000)) {
		fprintf(ctx->out, "frame: bad frame number '%s'\n", a);
		return -EINVAL;
	}
	err = session_frame_regs(ctx->s, (int)n, d, &known, ctx->o, &cause);
	if (err < 0) {
		fprintf(ctx->out, "frame: %s\n", cause);
		free(cause);
		return err;
	}
	ctx->s->frame = (int)n;
	if (ctx->s->tui)
		tui_show_frame(ctx->s->tui, (int)n);
	return 0;
}

/* p[/FMT] [-d DEPTH] EXPR... */
int cmd_print(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct strbuf sb, type;
	char *cause = NULL, *expr;
	const char *d = cmd_arg(ctx->args, "DEPTH");
	uint64_t depth = 2;
	int err;

	(void)argc; (void)argv;
	if (d && (parse_u64(d, &depth) < 0 || depth >= 16)) {
		fprintf(ctx->out, "p: bad depth '%s' (0-15)\n", d);
		return -EINVAL;
	}
	if (ctx->fmt && (strlen(ctx->fmt) != 1 ||
			 !strchr("xduotcas", ctx->fmt[0]))) {
		fprintf(ctx->out, "p: bad format '/%s' (one of x d u o t c a "
			"s)\n", ctx->fmt);
		return -EINVAL;
	}
	strbuf_init(&sb);
	strbuf_init(&type);
	expr = cmd_rest(ctx->args);
	err = kmodel_eval_print(ctx->s->k, expr,
				session_expr_env(ctx->s),
				ctx->fmt ? ctx->fmt[0] : 0, (int)depth, &sb,
				&cause);
	if (err) {
		fprintf(ctx->out, "p: %s\n", cause);
	} else {
		kmodel_eval_type(ctx->s->k, expr, session_expr_env(ctx->s),
				 &type, NULL);
		row_begin(ctx->o, ROW_VALUE);
		row_str(ctx->o, VALUE_EXPR, expr);
		row_str(ctx->o, VALUE_TYPE, type.buf);
		row_str(ctx->o, VALUE_VALUE, sb.buf);
		row_end(ctx->o);
	}
	free(cause);
	strbuf_release(&sb);
	strbuf_release(&type);
	free(expr);
	return err;
}

int cmd_lsmod(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_module *m;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_modules(ctx->s->k, &m, &n, &cause);
	if (err)
		return cmd_fail(ctx, "lsmod", cause, err);
	for (i = 0; i < n; i++) {
		row_begin(ctx->o, ROW_MODULE);
		row_str(ctx->o, MODULE_NAME, m[i].name);
		row_str(ctx->o, MODULE_STATE,
			kmodel_module_state_name(m[i].state));
		row_addr(ctx->o, MODULE_TEXT, m[i].mem[0].base);
		row_int(ctx->o, MODULE_SIZE,
			(int64_t)kmodel_module_size(&m[i]));
		row_end(ctx->o);
	}
	if (!n)
		fprintf(ctx->out, "(no modules loaded)\n");
	free(m);
	return 0;
}

/* Does CONFIG_NAME match the user's pattern?  A glob (with * ? [) is
 * matched against the whole name, with or without its CONFIG_; anything
 * else is a part of the name, in any case. */
static bool config_matches(const char *name, const char *pat)
{
	if (!pat)
		return true;
	if (strpbrk(pat, "*?["))
		return fnmatch(pat, name, 0) == 0 ||
		       fnmatch(pat, name + strlen("CONFIG_"), 0) == 0;
	return strcasestr(name, pat) != NULL;
}

int cmd_kconfig(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *pat = cmd_arg(ctx->args, "PATTERN");
	struct kmodel_config *c;
	char *cause = NULL, *from;
	size_t n, i, shown = 0;
	int err;

	(void)argc; (void)argv;
	err = kmodel_config(ctx->s->k, &c, &n, &from, &cause);
	if (err)
		return cmd_fail(ctx, "kconfig", cause, err);
	if (from)
		fprintf(ctx->out, "(the kernel has no CONFIG_IKCONFIG: from "
			"%s)\n", from);
	for (i = 0; i < n; i++) {
		if (!config_matches(c[i].name, pat))
			continue;
		row_begin(ctx->o, ROW_CONFIG);
		row_str(ctx->o, CONFIG_NAME, c[i].name);
		if (c[i].value)
			row_str(ctx->o, CONFIG_VALUE, c[i].value);
		row_end(ctx->o);
		shown++;
	}
	if (!shown)
		fprintf(ctx->out, "kconfig: no option matches '%s'\n", pat);
	free(from);
	kmodel_config_free(c, n);
	return shown ? 0 : -ENOENT;
}

/* The first byte of a function can also be a return address: a call that
 * ends the function before it (to a function that does not return, as
 * panic).  A backtrace names such a frame by address-1, as gdb does; say
 * so, or `sym` of an address from `bt` seems to contradict it. */
static void say_return_site(struct cmd_ctx *ctx, uint64_t addr,
			    const char *func)
{
	struct kmodel_where *w;
	uint8_t b[5];
	bool call;
	int n;

	/* a call ends right before addr: e8 rel32, or call *%reg */
	if (tracer_read_mem(ctx->s->t, addr - 5, b, 5) != 5)
		return;
	call = b[0] == 0xe8 || (b[3] == 0xff && (b[4] & 0xf8) == 0xd0);
	if (!call)
		return;
	n = kmodel_where(ctx->s->k, addr, true, &w);
	if (n > 0 && w[n - 1].func && strcmp(w[n - 1].func, func))
		fprintf(ctx->out, "  (as a return address: the call at the end "
			"of %s, which a backtrace shows as %s+0x%llx)\n",
			w[n - 1].func, w[n - 1].func,
			(unsigned long long)w[n - 1].offset);
	kmodel_where_free(w, n);
}

int cmd_sym(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_where *w;
	uint64_t addr;
	char *expr;
	int n, i, err;

	(void)argc; (void)argv;
	expr = cmd_rest(ctx->args);
	err = cmd_eval_addr(ctx, "sym", expr, &addr);
	free(expr);
	if (err < 0)
		return err;
	n = kmodel_where(ctx->s->k, addr, false, &w);
	for (i = 0; i < n; i++) {
		char *str = kmodel_where_str(&w[i]);

		row_begin(ctx->o, ROW_SYM);
		row_addr(ctx->o, SYM_ADDR, addr);
		row_bool(ctx->o, SYM_INLINED, w[i].inlined);
		row_str(ctx->o, SYM_FUNC, w[i].func);
		if (w[i].func && !w[i].inlined)
			row_addr(ctx->o, SYM_OFFSET, w[i].offset);
		row_str(ctx->o, SYM_FILE, w[i].file);
		if (w[i].line)
			row_int(ctx->o, SYM_LINE, w[i].line);
		row_str(ctx->o, SYM_MODULE, w[i].module);
		row_str(ctx->o, SYM_WHERE, str);
		row_end(ctx->o);
		free(str);
	}
	if (n > 0 && w[n - 1].func && !w[n - 1].offset)
		say_return_site(ctx, addr, w[n - 1].func);
	kmodel_where_free(w, n);
	return 0;
}

/*
 * regs [PID] [-f FRAME]: a sleeping task has only what switch_to saved;
 * an outer frame, what the unwinder recovered of the registers a call
 * keeps.
 */
int cmd_regs(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t regs[KMODEL_NREGS], frame = 0;
	struct user_regs_struct r;
	struct kmodel_task t = { 0 };
	const char *p = cmd_arg(ctx->args, "PID");
	const char *f = cmd_arg(ctx->args, "FRAME");
	bool have_frame = f != NULL;
	char *cause = NULL;
	int pid = -1, err;

	(void)argc; (void)argv;
	if (f && (parse_u64(f, &frame) < 0 || frame >= 1000)) {
		fprintf(ctx->out, "regs: bad frame '%s'\n", f);
		return -EINVAL;
	}
	if (p && cmd_parse_pid(ctx, p, &pid) < 0)
		return -EINVAL;
	if (pid >= 0) {
		err = kmodel_find_task(ctx->s->k, pid, &t, &cause);
		if (err)
			return cmd_fail(ctx, "regs", cause, err);
	}
	if (pid < 0 || t.running) {
		if (!have_frame) {
			print_regs(ctx->s, ctx->o, ctx->s->last_stop.tid);
			return 0;
		}
		if (tracer_get_regs(ctx->s->t, ctx->s->last_stop.tid, &r) < 0) {
			fprintf(ctx->out, "regs: the guest is not stopped\n");
			return -ESRCH;
		}
		regs_to_dwarf(&r, regs);
		return print_frame_regs(ctx->s, ctx->o, regs, (int)frame);
	}
	err = kmodel_task_regs(ctx->s->k, t.addr, regs, &cause);
	if (err)
		return cmd_fail(ctx, "regs", cause, err);
	if (have_frame)
		return print_frame_regs(ctx->s, ctx->o, regs, (int)frame);
	fprintf(ctx->out, "task %d (%s) sleeps; switch_to saved:\n", t.pid,
		t.comm);
	print_kept_regs(ctx->o, regs, ~0u);
	return 0;
}

int cmd_dmesg(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *nv = cmd_arg(ctx->args, "N");
	uint64_t n = 0;

	(void)argc; (void)argv;
	if (nv && (parse_u64(nv, &n) < 0 || n > INT32_MAX)) {
		fprintf(ctx->out, "dmesg: bad line count '%s'\n", nv);
		return -EINVAL;
	}
	return print_dmesg(ctx->s, ctx->o, (int)n,
			   cmd_arg(ctx->args, "-l") != NULL);
}
