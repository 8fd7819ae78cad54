/*
 * cli/commands.c - the command table behind the umdbg> prompt.  The same
 * table will serve gdb's `monitor` and the TUI prompt, so commands write
 * to ctx->out and never read the terminal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Say why a command failed ("ps: no symbol ..."), free the cause and
 * pass the error on. */
static int fail(struct cmd_ctx *ctx, const char *cmd, char *cause, int err)
{
	fprintf(ctx->out, "%s: %s\n", cmd, cause ? cause : strerror(-err));
	free(cause);
	return err;
}

static int cmd_continue(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	return session_resume(ctx->s);
}

static int cmd_stepi(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t n = 1, i;

	if (argc > 1 && (parse_u64(argv[1], &n) < 0 || n == 0)) {
		fprintf(ctx->out, "stepi: bad count '%s'\n", argv[1]);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		int err = session_stepi(ctx->s, i + 1 == n ? ctx->out : NULL);

		if (err == 1) {		/* the rest when it returns */
			ctx->s->stepi_left = n - i - 1;
			return 0;
		}
		if (err)
			return err == -EBUSY ? err : -ESRCH;
	}
	return 0;
}

/* ---- replay: when, goto, restart, rc, rs ------------------------------ */

static bool need_replay(struct cmd_ctx *ctx, const char *cmd)
{
	if (ctx->s->rr && rr_is_replay(ctx->s->rr))
		return true;
	fprintf(ctx->out, "%s: only in a replay (umdbg replay TRACE)\n", cmd);
	return false;
}

/* Where the replay now is, one line. */
static void say_where(struct cmd_ctx *ctx, const char *what)
{
	struct user_regs_struct r;
	char *str;

	if (tracer_get_regs(ctx->s->t, 0, &r) < 0)
		return;
	str = where_line(ctx->s, r.rip);
	fprintf(ctx->out, "%s: event %llu, 0x%016llx %s\n", what,
		(unsigned long long)rr_event(ctx->s->rr),
		(unsigned long long)r.rip, str);
	free(str);
}

static int cmd_when(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct rr_pos *p = &ctx->s->pos;

	(void)argc; (void)argv;
	if (!need_replay(ctx, "when"))
		return -EINVAL;
	fprintf(ctx->out, "event %llu", (unsigned long long)
		rr_event(ctx->s->rr));
	if (ctx->s->pos_known && p->kind == RR_POS_BP)
		fprintf(ctx->out, ": run %llu of 0x%llx, then %llu steps",
			(unsigned long long)p->count,
			(unsigned long long)p->addr,
			(unsigned long long)p->steps);
	else if (ctx->s->pos_known && p->kind == RR_POS_START)
		fprintf(ctx->out, ": the start of the recording");
	fputc('\n', ctx->out);
	return 0;
}

/* Run a timeline operation quietly (no console replayed twice). */
static int timeline_op(struct cmd_ctx *ctx, const char *cmd, int op,
		       uint64_t arg)
{
	struct tracer_stop st;
	char *cause = NULL;
	int err;

	ctx->s->quiet = true;
	switch (op) {
	case 'g':
		err = timeline_goto_event(ctx->s, arg, &cause);
		break;
	case 'c':
		err = timeline_reverse_continue(ctx->s, &st, &cause);
		break;
	default:
		err = timeline_reverse_stepi(ctx->s, &st, &cause);
		break;
	}
	ctx->s->quiet = false;
	watch_refresh(ctx->s);
	if (err == -EINTR) {
		fprintf(ctx->out, "%s: %s\n", cmd, cause);
		free(cause);
		say_where(ctx, cmd);
		return err;
	}
	if (err < 0)
		return fail(ctx, cmd, cause, err);
	if (op == 'c' && st.kind == TRACER_STOP_NONE) {
		fprintf(ctx->out, "%s: no earlier breakpoint hit; at the start "
			"of the recording\n", cmd);
		return 0;
	}
	if (op == 'c')
		watch_say(ctx->s, &st, cmd, ctx->out);
	say_where(ctx, cmd);
	return 0;
}

static int cmd_goto(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t ev;

	if (!need_replay(ctx, "goto"))
		return -EINVAL;
	if (argc != 2 || parse_u64(argv[1], &ev) < 0) {
		fprintf(ctx->out, "goto: usage: goto EVENT\n");
		return -EINVAL;
	}
	return timeline_op(ctx, "goto", 'g', ev);
}

static int cmd_restart(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "restart"))
		return -EINVAL;
	return timeline_op(ctx, "restart", 'g', 0);
}

static int cmd_rc(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "rc"))
		return -EINVAL;
	return timeline_op(ctx, "rc", 'c', 0);
}

static int cmd_rs(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	if (!need_replay(ctx, "rs"))
		return -EINVAL;
	return timeline_op(ctx, "rs", 's', 0);
}

static int parse_pid(struct cmd_ctx *ctx, const char *s, int *pid)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v > INT32_MAX) {
		fprintf(ctx->out, "bad pid '%s'\n", s);
		return -EINVAL;
	}
	*pid = (int)v;
	return 0;
}

static int cmd_bt(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_task t;
	uint64_t regs[KMODEL_NREGS];
	char *cause = NULL;
	int pid, err;

	if (argc == 1) {
		print_backtrace(ctx->s, ctx->o, ctx->s->last_stop.tid);
		return 0;
	}
	if (argc != 2 || parse_pid(ctx, argv[1], &pid) < 0) {
		fprintf(ctx->out, "usage: bt [PID]\n");
		return -EINVAL;
	}
	err = kmodel_find_task(ctx->s->k, pid, &t, &cause);
	if (err)
		return fail(ctx, "bt", cause, err);
	fprintf(ctx->out, "task %d (%s) %c%s\n", t.pid, t.comm, t.state,
		t.running ? ", on the CPU" : "");
	if (t.running) {
		/* Its registers are the live ones. */
		print_backtrace(ctx->s, ctx->o, ctx->s->last_stop.tid);
		return 0;
	}
	err = kmodel_task_regs(ctx->s->k, t.addr, regs, &cause);
	if (err)
		return fail(ctx, "bt", cause, err);
	print_backtrace_regs(ctx->s, ctx->o, regs);
	return 0;
}

static int cmd_ps(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_task *t;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_tasks(ctx->s->k, &t, &n, &cause);
	if (err)
		return fail(ctx, "ps", cause, err);
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

static int cmd_vma(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_vma *v;
	char *cause = NULL;
	size_t n, i;
	int pid, err;

	if (argc != 2 || parse_pid(ctx, argv[1], &pid) < 0) {
		fprintf(ctx->out, "usage: vma PID\n");
		return -EINVAL;
	}
	err = kmodel_vmas(ctx->s->k, pid, &v, &n, &cause);
	if (err)
		return fail(ctx, "vma", cause, err);
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

static void print_walk(FILE *out, const struct kmodel_ptwalk *w)
{
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
		fprintf(out, "  %s[%3d] @0x%llx = 0x%016llx  %s\n",
			w->level[i].name, w->level[i].index,
			(unsigned long long)w->level[i].entry_addr,
			(unsigned long long)w->level[i].entry, flags);
	}
	if (w->mapped)
		fprintf(out, "  phys 0x%llx  host 0x%llx\n",
			(unsigned long long)w->phys,
			(unsigned long long)w->host);
	else
		fprintf(out, "  not mapped: %s\n", w->why);
}

static int cmd_vtop(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_ptwalk w;
	char *cause = NULL;
	uint64_t va;
	int pid = -1, err;

	if ((argc != 2 && argc != 3) ||
	    (argc == 3 && parse_pid(ctx, argv[1], &pid) < 0) ||
	    parse_u64(argv[argc - 1], &va) < 0) {
		fprintf(ctx->out, "usage: vtop [PID] ADDR\n");
		return -EINVAL;
	}
	err = kmodel_vtop(ctx->s->k, pid, va, &w, &cause);
	if (err)
		return fail(ctx, "vtop", cause, err);
	if (pid >= 0)
		fprintf(ctx->out, "0x%llx in task %d:\n", (unsigned long long)va,
			pid);
	else if (!w.direct_map)
		fprintf(ctx->out, "0x%llx in the kernel (swapper_pg_dir):\n",
			(unsigned long long)va);
	print_walk(ctx->out, &w);
	return 0;
}

/* x [-p PID] ADDR [LEN]: hex and ASCII. */
static int cmd_x(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t addr, len = 64, off;
	struct kmodel_ptwalk w;
	uint8_t buf[4096];
	char *cause = NULL;
	int pid = -1, a = 1;

	if (argc > 2 && !strcmp(argv[1], "-p")) {
		if (parse_pid(ctx, argv[2], &pid) < 0)
			return -EINVAL;
		a = 3;
	}
	if (argc - a < 1 || argc - a > 2 || parse_u64(argv[a], &addr) < 0 ||
	    (argc - a == 2 && (parse_u64(argv[a + 1], &len) < 0 ||
			       len > sizeof(buf)))) {
		fprintf(ctx->out, "usage: x [-p PID] ADDR [LEN<=4096]\n");
		return -EINVAL;
	}
	for (off = 0; off < len;) {
		uint64_t va = addr + off, src = va;
		size_t chunk = len - off;
		ssize_t n;

		if (pid >= 0) {
			/* user memory: through the task's page tables */
			if (kmodel_vtop(ctx->s->k, pid, va, &w, &cause) < 0)
				return fail(ctx, "x", cause, -EIO);
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

static void print_run(FILE *out, uint64_t va, uint64_t npages, uint64_t phys,
		      uint64_t entry, const char *path)
{
	char flags[96];

	kmodel_pte_flags(entry, flags, sizeof(flags));
	fprintf(out, "%012llx-%012llx -> phys %09llx  %s  %s\n",
		(unsigned long long)va,
		(unsigned long long)(va + npages * 4096),
		(unsigned long long)phys, flags, path);
}

/* pt PID [START-END]: the mapped pages of a task, runs merged. */
static int cmd_pt(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_vma *v;
	struct kmodel_task t;
	struct kmodel_ptwalk w;
	uint64_t lo = 0, hi = UINT64_MAX, pgd, va;
	char *cause = NULL, *dash;
	size_t n, i;
	int pid, err;

	if (argc < 2 || argc > 3 || parse_pid(ctx, argv[1], &pid) < 0) {
		fprintf(ctx->out, "usage: pt PID [START-END]\n");
		return -EINVAL;
	}
	if (argc == 3) {
		dash = strchr(argv[2], '-');
		if (!dash)
			return fprintf(ctx->out, "pt: bad range '%s'\n",
				       argv[2]), -EINVAL;
		*dash = '\0';
		if (parse_u64(argv[2], &lo) < 0 || parse_u64(dash + 1, &hi) < 0)
			return fprintf(ctx->out, "pt: bad range\n"), -EINVAL;
	}
	v = NULL;
	if ((err = kmodel_find_task(ctx->s->k, pid, &t, &cause)) ||
	    (err = kmodel_vmas(ctx->s->k, pid, &v, &n, &cause)) ||
	    (err = kmodel_mm_pgd(ctx->s->k, t.mm, &pgd, &cause))) {
		free(v);
		return fail(ctx, "pt", cause, err);
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
				print_run(ctx->out, run_va, run_n, run_phys,
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
			print_run(ctx->out, run_va, run_n, run_phys, run_entry,
				  v[i].path);
	}
	free(v);
	return 0;
}

static int cmd_print(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct strbuf sb;
	char *cause = NULL;
	uint64_t depth = 2;
	int err;

	if (argc == 4 && !strcmp(argv[1], "-d") &&
	    parse_u64(argv[2], &depth) == 0 && depth < 16) {
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(ctx->out, "usage: p [-d DEPTH] SYMBOL\n");
		return -EINVAL;
	}
	strbuf_init(&sb);
	err = kmodel_print_var(ctx->s->k, argv[1], (int)depth, &sb, &cause);
	if (err)
		fprintf(ctx->out, "p: %s\n", cause);
	else
		fputs(sb.buf, ctx->out);
	free(cause);
	strbuf_release(&sb);
	return err;
}

static int cmd_lsmod(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_module *m;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_modules(ctx->s->k, &m, &n, &cause);
	if (err)
		return fail(ctx, "lsmod", cause, err);
	fprintf(ctx->out, "%-20s %-9s %-18s %s\n", "MODULE", "STATE", "TEXT",
		"SIZE");
	for (i = 0; i < n; i++)
		fprintf(ctx->out, "%-20s %-9s 0x%-16llx %llu\n", m[i].name,
			kmodel_module_state_name(m[i].state),
			(unsigned long long)m[i].mem[0].base,
			(unsigned long long)kmodel_module_size(&m[i]));
	if (!n)
		fprintf(ctx->out, "(no modules loaded)\n");
	free(m);
	return 0;
}

static int cmd_sym(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_where *w;
	uint64_t addr;
	int n, i;

	if (argc != 2 || parse_u64(argv[1], &addr) < 0) {
		fprintf(ctx->out, "usage: sym ADDR\n");
		return -EINVAL;
	}
	n = kmodel_where(ctx->s->k, addr, false, &w);
	for (i = 0; i < n; i++) {
		char *str = kmodel_where_str(&w[i]);

		fprintf(ctx->out, "0x%llx %s%s\n", (unsigned long long)addr,
			w[i].inlined ? "(inlined) " : "", str);
		free(str);
	}
	kmodel_where_free(w, n);
	return 0;
}

/*
 * regs [PID] [-f FRAME]: a sleeping task has only what switch_to saved;
 * an outer frame, what the unwinder recovered of the registers a call
 * keeps.
 */
static int cmd_regs(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t regs[KMODEL_NREGS], frame = 0;
	struct user_regs_struct r;
	struct kmodel_task t = { 0 };
	bool have_frame = false;
	char *cause = NULL;
	int pid = -1, err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") && i + 1 < argc &&
		    parse_u64(argv[i + 1], &frame) == 0 && frame < 1000) {
			have_frame = true;
			i++;
		} else if (pid < 0 && parse_pid(ctx, argv[i], &pid) == 0) {
			continue;
		} else {
			fprintf(ctx->out, "usage: regs [PID] [-f FRAME]\n");
			return -EINVAL;
		}
	}
	if (pid >= 0) {
		err = kmodel_find_task(ctx->s->k, pid, &t, &cause);
		if (err)
			return fail(ctx, "regs", cause, err);
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
		return fail(ctx, "regs", cause, err);
	if (have_frame)
		return print_frame_regs(ctx->s, ctx->o, regs, (int)frame);
	fprintf(ctx->out, "task %d (%s) sleeps; switch_to saved:\n", t.pid,
		t.comm);
	print_kept_regs(ctx->o, regs, ~0u);
	return 0;
}

static int cmd_dmesg(struct cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t n = 0;
	bool levels = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			levels = true;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc &&
			   parse_u64(argv[i + 1], &n) == 0 && n <= INT32_MAX) {
			i++;
		} else {
			fprintf(ctx->out, "usage: dmesg [-l] [-n N]\n");
			return -EINVAL;
		}
	}
	return print_dmesg(ctx->s, ctx->o, (int)n, levels);
}

static int cmd_break(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t i, j;

	if (argc == 1) {
		if (!ctx->s->nbps && !ctx->s->nwps)
			fprintf(ctx->out, "no breakpoints\n");
		for (i = 0; i < ctx->s->nbps; i++) {
			struct breakpoint *bp = &ctx->s->bps[i];

			fprintf(ctx->out, "%-3d %-30s hits %lu  at", bp->num,
				bp->spec, bp->hits);
			for (j = 0; j < bp->naddrs; j++)
				fprintf(ctx->out, " 0x%llx",
					(unsigned long long)bp->addrs[j]);
			fputc('\n', ctx->out);
		}
		watch_list(ctx->s, ctx->out);
		return 0;
	}
	if (argc != 2) {
		fprintf(ctx->out, "usage: break [SYMBOL|*ADDR|FILE:LINE]\n");
		return -EINVAL;
	}
	return session_add_breakpoint(ctx->s, argv[1], ctx->out);
}

static int cmd_delete(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	uint64_t num;
	size_t i, j;

	if (argc != 2 || parse_u64(argv[1], &num) < 0) {
		fprintf(ctx->out, "usage: delete N\n");
		return -EINVAL;
	}
	if (num <= INT32_MAX && watch_delete(s, (int)num))
		return 0;
	for (i = 0; i < s->nbps; i++) {
		if ((uint64_t)s->bps[i].num != num)
			continue;
		for (j = 0; j < s->bps[i].naddrs; j++)
			tracer_bp_remove(s->t, s->bps[i].ids[j]);
		free(s->bps[i].spec);
		free(s->bps[i].addrs);
		free(s->bps[i].ids);
		free(s->bps[i].module);
		free(s->bps[i].symbol);
		s->bps[i] = s->bps[--s->nbps];
		return 0;
	}
	fprintf(ctx->out, "delete: no breakpoint or watchpoint %llu\n",
		(unsigned long long)num);
	return -ENOENT;
}

static int cmd_handle(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name;
	int sig;

	if (argc != 3 || (strcmp(argv[2], "stop") && strcmp(argv[2], "pass"))) {
		fprintf(ctx->out, "usage: handle SIGNAL stop|pass\n");
		return -EINVAL;
	}
	name = argv[1];
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && !strcmp(sigabbrev_np(sig), name))
			break;
	if (!strcmp(name, "IO"))	/* glibc calls it POLL */
		sig = SIGIO;
	if (sig == NSIG) {
		fprintf(ctx->out, "handle: unknown signal '%s'\n", argv[1]);
		return -EINVAL;
	}
	tracer_set_stop_signal(ctx->s->t, sig, !strcmp(argv[2], "stop"));
	fprintf(ctx->out, "%s: %s\n", signal_name(sig),
		strcmp(argv[2], "stop") ? "passed to the guest silently" :
		"stops the guest (then delivered on continue)");
	return 0;
}

static int cmd_quit(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	ctx->s->quit = true;
	ctx->s->user_quit = true;
	ctx->s->exit_code = EXIT_GUEST_HALTED;
	return 0;
}

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv);

/* time [-q] COMMAND...: run it and say how long it took (-q: discard its
 * output, so the figure is umdbg's own work, not the terminal's). */
static int cmd_time(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct timespec t0, t1;
	struct strbuf line;
	struct out *out = ctx->o;
	bool quiet = argc > 1 && !strcmp(argv[1], "-q");
	int i, ret;

	if (argc < 2 + quiet) {
		fprintf(ctx->out, "usage: time [-q] COMMAND...\n");
		return -EINVAL;
	}
	strbuf_init(&line);
	for (i = 1 + quiet; i < argc; i++)
		strbuf_addf(&line, "%s%s", i > 1 + quiet ? " " : "", argv[i]);
	if (quiet)
		out = out_new(OUT_COLLECT, NULL, NULL);
	else
		out_flush(ctx->o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = cmd_execute_from(ctx->s, line.buf, out, CMD_FROM_MONITOR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (quiet)
		out_free(out);
	fprintf(ctx->out, "time: '%s' took %.3f ms\n", line.buf,
		(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	strbuf_release(&line);
	return ret;
}

static int cmd_version(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(ctx->out, "umdbg %s, kernel '%s'\n", UMDBG_VERSION,
		kmodel_path(ctx->s->k));
	session_say_watch_mode(ctx->s, ctx->out);
	return 0;
}

static const struct umdbg_cmd commands[] = {
	{ "continue", "c", "continue", "resume the guest",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_continue },
	{ "stepi", "si", "stepi [N]", "execute N machine instructions",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_stepi },
	{ "next", "n", "next", "the next source line, over calls",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_next },
	{ "step", "s", "step", "the next source line, into calls",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_next },
	{ "finish", "fin", "finish", "run until the function returns",
	  CMD_NEEDS_STOPPED | CMD_RESUMES, cmd_finish },
	{ "rc", "reverse-continue", "rc",
	  "replay: back to the previous breakpoint hit",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_rc },
	{ "rs", "reverse-stepi", "rs", "replay: back one instruction",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_rs },
	{ "when", NULL, "when", "replay: the current event", 0, cmd_when },
	{ "goto", NULL, "goto EVENT",
	  "replay: go to event EVENT (before its syscall)",
	  CMD_NEEDS_STOPPED | CMD_MOVES_TIME, cmd_goto },
	{ "restart", NULL, "restart", "replay: back to the start",
	  CMD_NEEDS_STOPPED | CMD_MOVES_TIME, cmd_restart },
	{ "bt", "backtrace", "bt [PID]",
	  "backtrace of the stopped thread, or of guest task PID",
	  CMD_NEEDS_STOPPED, cmd_bt },
	{ "ps", NULL, "ps", "guest tasks (> marks the one on the CPU)",
	  CMD_NEEDS_STOPPED, cmd_ps },
	{ "vma", NULL, "vma PID", "memory maps of guest task PID",
	  CMD_NEEDS_STOPPED, cmd_vma },
	{ "vtop", NULL, "vtop [PID] ADDR",
	  "walk the page tables for ADDR (a task's, or the kernel's)",
	  CMD_NEEDS_STOPPED, cmd_vtop },
	{ "pt", NULL, "pt PID [START-END]", "mapped pages of task PID",
	  CMD_NEEDS_STOPPED, cmd_pt },
	{ "x", NULL, "x [-p PID] ADDR [LEN]",
	  "memory: the kernel's, or task PID's user memory",
	  CMD_NEEDS_STOPPED, cmd_x },
	{ "lsmod", NULL, "lsmod", "loaded kernel modules",
	  CMD_NEEDS_STOPPED, cmd_lsmod },
	{ "print", "p", "p [-d DEPTH] SYMBOL",
	  "a global variable, printed from its DWARF type",
	  CMD_NEEDS_STOPPED, cmd_print },
	{ "sym", NULL, "sym ADDR", "the symbol and source line at ADDR",
	  CMD_NEEDS_STOPPED, cmd_sym },
	{ "disas", NULL, "disas [ADDR|SYMBOL] [N]",
	  "disassemble (around the pc: => marks it, * a breakpoint)",
	  CMD_NEEDS_STOPPED, cmd_disas },
	{ "list", "l", "list [ADDR|SYMBOL|FILE:LINE] [N]",
	  "source lines (N around the pc's line)", CMD_NEEDS_STOPPED, cmd_list },
	{ "regs", "registers", "regs [PID] [-f FRAME]",
	  "registers of the stopped thread (or task PID, or frame)",
	  CMD_NEEDS_STOPPED, cmd_regs },
	{ "dmesg", NULL, "dmesg [-l] [-n N]",
	  "the kernel log (last N lines; -l: with levels)",
	  CMD_NEEDS_STOPPED, cmd_dmesg },
	{ "break", "b", "break [SYMBOL|*ADDR|FILE:LINE]",
	  "set a breakpoint, or list them", CMD_NEEDS_STOPPED, cmd_break },
	{ "delete", "d", "delete N", "delete breakpoint or watchpoint N",
	  CMD_NEEDS_STOPPED, cmd_delete },
	{ "watch", NULL, "watch SYMBOL|*ADDR [LEN]",
	  "stop when the value there changes",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_watch },
	{ "rwatch", NULL, "rwatch SYMBOL|*ADDR [LEN]",
	  "stop when it is read", CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB,
	  cmd_watch },
	{ "awatch", NULL, "awatch SYMBOL|*ADDR [LEN]",
	  "stop when it is read or written",
	  CMD_NEEDS_STOPPED | CMD_NOT_FROM_GDB, cmd_watch },
	{ "handle", NULL, "handle SIGNAL stop|pass",
	  "stop at one of UML's own signals (SIGSEGV...), or not",
	  CMD_NEEDS_STOPPED, cmd_handle },
	{ "quit", "q", "quit", "end the guest and leave umdbg",
	  CMD_NOT_FROM_GDB, cmd_quit },
	{ "time", NULL, "time [-q] COMMAND...",
	  "run a command and say how long it took (-q: no output)",
	  0, cmd_time },
	{ "version", NULL, "version", "umdbg's version and the kernel",
	  0, cmd_version },
	{ "help", "?", "help", "this list", 0, cmd_help },
};

static int cmd_help(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t i;

	(void)argc; (void)argv;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(ctx->out, "  %-32s %s\n", commands[i].usage,
			commands[i].help);
	return 0;
}

#define MAX_ARGS 16

const char *const *cmd_names(void)
{
	static const char *names[2 * ARRAY_SIZE(commands) + 1];
	size_t i, n = 0;

	if (!names[0])
		for (i = 0; i < ARRAY_SIZE(commands); i++) {
			names[n++] = commands[i].name;
			if (commands[i].alias && strlen(commands[i].alias) > 2)
				names[n++] = commands[i].alias;
		}
	return names;
}

int cmd_execute(struct session *s, const char *line, FILE *out)
{
	struct out *o = session_out(s, out);
	int ret = cmd_execute_from(s, line, o, CMD_FROM_PROMPT);

	out_free(o);
	return ret;
}

struct out *session_out(struct session *s, FILE *out)
{
	return out_new(s->out_mode, out, s->out_format);
}

int cmd_execute_from(struct session *s, const char *line, struct out *o,
		     enum cmd_from from)
{
	char *copy = xstrdup(line), *argv[MAX_ARGS], *save = NULL, *tok;
	FILE *out = out_file(o);
	struct cmd_ctx ctx = { s, o, out };
	int argc = 0, ret = 0;
	size_t i;

	for (tok = strtok_r(copy, " \t", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (!argc)
		goto out;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name) ||
		    (commands[i].alias && !strcmp(argv[0], commands[i].alias)))
			break;
	if (i == ARRAY_SIZE(commands)) {
		fprintf(out, "unknown command '%s' (try 'help')\n", argv[0]);
		ret = -ENOENT;
		goto out;
	}
	if (from == CMD_FROM_MONITOR &&
	    (commands[i].flags & (CMD_RESUMES | CMD_NOT_FROM_GDB))) {
		fprintf(out, "%s: use gdb's own command for that\n", argv[0]);
		ret = -EPERM;
		goto out;
	}
	if ((commands[i].flags & CMD_NEEDS_STOPPED) &&
	    !tracer_is_alive(s->t)) {
		fprintf(out, "%s: the guest is not running\n", argv[0]);
		ret = -ESRCH;
		goto out;
	}
	ret = commands[i].run(&ctx, argc, argv);
	if (from == CMD_FROM_MONITOR && ret == 0 &&
	    (commands[i].flags & CMD_MOVES_TIME))
		fprintf(out, "(gdb still shows the old moment: run 'maint "
			"flush register-cache' or 'flushregs')\n");
out:
	free(copy);
	out_flush(o);
	return ret;
}
