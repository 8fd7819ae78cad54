/*
 * cli/tviews.c - the prompt's per-task views: files PID, cred PID and
 * stack PID; and views of kernel-wide state: irqs, percpu SYMBOL
 * (docs/forensics.md).  They fill rows (lib/rows.h); the kernel
 * model (kmodel/taskinfo.c) reads the kernel.  Owns nothing across calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The task PID names, or the stopped thread's task without one. */
static int pid_arg(struct cmd_ctx *ctx, const char *cmd, int *pid)
{
	const char *p = cmd_arg(ctx->args, "PID");
	struct kmodel_task t;
	uint64_t cur;
	char *cause = NULL;
	int err;

	if (p)
		return cmd_parse_pid(ctx, p, pid);
	if ((err = kmodel_current_task(ctx->s->k, &cur, &cause)) < 0 ||
	    (err = kmodel_read_task(ctx->s->k, cur, &t)) < 0)
		return cmd_fail(ctx, cmd, cause, err);
	*pid = t.pid;
	return 0;
}

int cmd_files(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_fd *f;
	char *cause = NULL, flags[16];
	size_t n, i;
	int pid, err;

	(void)argc; (void)argv;
	if (pid_arg(ctx, "files", &pid) < 0)
		return -EINVAL;
	err = kmodel_task_files(ctx->s->k, pid, &f, &n, &cause);
	if (err)
		return cmd_fail(ctx, "files", cause, err);
	for (i = 0; i < n; i++) {
		/* fdinfo's flags: f_flags, and O_CLOEXEC from the fd table */
		snprintf(flags, sizeof(flags), "0%o",
			 f[i].flags | (f[i].cloexec ? O_CLOEXEC : 0));
		row_begin(ctx->o, ROW_FD);
		row_int(ctx->o, FD_FD, f[i].fd);
		row_str(ctx->o, FD_PATH, f[i].path);
		row_str(ctx->o, FD_FLAGS, flags);
		row_int(ctx->o, FD_POS, f[i].pos);
		row_int(ctx->o, FD_INO, (int64_t)f[i].ino);
		row_addr(ctx->o, FD_FILE, f[i].file);
		row_end(ctx->o);
	}
	if (!n)
		fprintf(ctx->out, "(task %d has no open files)\n", pid);
	free(f);
	return 0;
}

int cmd_cred(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_cred c;
	char *cause = NULL;
	int pid, err;

	(void)argc; (void)argv;
	if (pid_arg(ctx, "cred", &pid) < 0)
		return -EINVAL;
	err = kmodel_task_cred(ctx->s->k, pid, &c, &cause);
	if (err)
		return cmd_fail(ctx, "cred", cause, err);
	row_begin(ctx->o, ROW_CRED);
	row_int(ctx->o, CRED_PID, pid);
	row_int(ctx->o, CRED_UID, c.uid);
	row_int(ctx->o, CRED_EUID, c.euid);
	row_int(ctx->o, CRED_SUID, c.suid);
	row_int(ctx->o, CRED_FSUID, c.fsuid);
	row_int(ctx->o, CRED_GID, c.gid);
	row_int(ctx->o, CRED_EGID, c.egid);
	row_int(ctx->o, CRED_SGID, c.sgid);
	row_int(ctx->o, CRED_FSGID, c.fsgid);
	row_addr(ctx->o, CRED_CAP_INH, c.cap_inh);
	row_addr(ctx->o, CRED_CAP_PRM, c.cap_prm);
	row_addr(ctx->o, CRED_CAP_EFF, c.cap_eff);
	row_addr(ctx->o, CRED_CAP_BND, c.cap_bnd);
	row_addr(ctx->o, CRED_CAP_AMB, c.cap_amb);
	row_end(ctx->o);
	return 0;
}

int cmd_stack(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_stack_use u;
	struct kmodel_task t;
	struct user_regs_struct r;
	uint64_t sp = 0, cur = 0;
	char *cause = NULL;
	int pid, err;

	(void)argc; (void)argv;
	if (pid_arg(ctx, "stack", &pid) < 0)
		return -EINVAL;
	/* the task on the CPU: its live rsp */
	if (kmodel_current_task(ctx->s->k, &cur, NULL) == 0 &&
	    kmodel_read_task(ctx->s->k, cur, &t) == 0 && t.pid == pid &&
	    tracer_get_regs(ctx->s->t, ctx->s->last_stop.tid, &r) == 0)
		sp = r.rsp;
	err = kmodel_task_stack_use(ctx->s->k, pid, sp, &u, &cause);
	if (err)
		return cmd_fail(ctx, "stack", cause, err);
	row_begin(ctx->o, ROW_STACK);
	row_int(ctx->o, STACK_PID, pid);
	row_addr(ctx->o, STACK_BASE, u.base);
	row_int(ctx->o, STACK_SIZE, (int64_t)u.size);
	row_addr(ctx->o, STACK_SP, u.sp);
	row_int(ctx->o, STACK_USED, (int64_t)u.used);
	row_int(ctx->o, STACK_DEEPEST, (int64_t)u.deepest);
	row_end(ctx->o);
	return 0;
}

int cmd_irqs(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_irq *q;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_irqs(ctx->s->k, &q, &n, &cause);
	if (err)
		return cmd_fail(ctx, "irqs", cause, err);
	for (i = 0; i < n; i++) {
		struct kmodel_where *w = NULL;
		int nw = q[i].handler ?
			kmodel_where(ctx->s->k, q[i].handler, false, &w) : 0;

		row_begin(ctx->o, ROW_IRQ);
		row_int(ctx->o, IRQ_IRQ, q[i].irq);
		row_int(ctx->o, IRQ_COUNT, (int64_t)q[i].count);
		row_str(ctx->o, IRQ_CHIP, q[i].chip);
		row_str(ctx->o, IRQ_ACTIONS, q[i].actions);
		if (nw > 0 && w[nw - 1].func)
			row_str(ctx->o, IRQ_HANDLER, w[nw - 1].func);
		row_end(ctx->o);
		kmodel_where_free(w, nw);
	}
	free(q);
	return 0;
}

/* percpu SYMBOL: each possible CPU's copy, printed from its DWARF type. */
int cmd_percpu(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *sym = cmd_arg(ctx->args, "SYMBOL");
	struct session *s = ctx->s;
	struct strbuf type, val;
	uint64_t offs[64], addr;
	char *cause = NULL;
	int ncpu, c, err = 0;

	(void)argc; (void)argv;
	if (kmodel_symbol_addr(s->k, sym, &addr)) {
		fprintf(ctx->out, "percpu: no symbol '%s'\n", sym);
		return -ENOENT;
	}
	strbuf_init(&type);
	if (kmodel_eval_type(s->k, sym, session_expr_env(s), &type,
			     &cause) < 0) {
		strbuf_release(&type);
		return cmd_fail(ctx, "percpu", cause, -ENOENT);
	}
	ncpu = kmodel_cpus(s->k, offs, 64);
	if (ncpu < 0) {
		fprintf(ctx->out, "percpu: cannot read __per_cpu_offset\n");
		err = ncpu;
	}
	for (c = 0; c < ncpu && !err; c++) {
		/* its copy: *(TYPE *)(&SYMBOL + __per_cpu_offset[c]) */
		char *expr = xasprintf("*(%s *)0x%llx", type.buf,
				       (unsigned long long)(addr + offs[c]));
		char *name = xasprintf("%s (cpu %d)", sym, c);

		strbuf_init(&val);
		err = kmodel_eval_print(s->k, expr, session_expr_env(s),
					ctx->fmt ? ctx->fmt[0] : 0, 1, &val,
					&cause);
		if (err) {
			fprintf(ctx->out, "percpu: %s\n", cause);
			free(cause);
		} else {
			row_begin(ctx->o, ROW_VALUE);
			row_str(ctx->o, VALUE_EXPR, name);
			row_str(ctx->o, VALUE_TYPE, type.buf);
			row_str(ctx->o, VALUE_VALUE, val.buf);
			row_end(ctx->o);
		}
		strbuf_release(&val);
		free(expr);
		free(name);
	}
	strbuf_release(&type);
	return err;
}

int cmd_locks(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_lock *l;
	char *cause = NULL;
	size_t n, i;
	int pid, err;

	(void)argc; (void)argv;
	if (pid_arg(ctx, "locks", &pid) < 0)
		return -EINVAL;
	err = kmodel_task_locks(ctx->s->k, pid, &l, &n, &cause);
	if (err)
		return cmd_fail(ctx, "locks", cause, err);
	for (i = 0; i < n; i++) {
		struct kmodel_where *w;
		int nw = kmodel_where(ctx->s->k, l[i].ip, true, &w);
		char *where = nw > 0 ? kmodel_where_str(&w[nw - 1]) : NULL;

		row_begin(ctx->o, ROW_LOCK);
		row_int(ctx->o, LOCK_PID, pid);
		row_int(ctx->o, LOCK_NUM, (int64_t)i);
		row_str(ctx->o, LOCK_NAME, l[i].name);
		row_addr(ctx->o, LOCK_MAP, l[i].map);
		row_addr(ctx->o, LOCK_IP, l[i].ip);
		row_str(ctx->o, LOCK_WHERE, where);
		row_end(ctx->o);
		free(where);
		kmodel_where_free(w, nw);
	}
	if (!n)
		fprintf(ctx->out, "(task %d holds no locks lockdep knows of)\n",
			pid);
	free(l);
	return 0;
}

int cmd_timers(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_timer *t;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_timers(ctx->s->k, &t, &n, &cause);
	if (err)
		return cmd_fail(ctx, "timers", cause, err);
	for (i = 0; i < n; i++) {
		struct kmodel_where *w = NULL;
		int nw = t[i].function ?
			kmodel_where(ctx->s->k, t[i].function, false, &w) : 0;

		row_begin(ctx->o, ROW_TIMER);
		row_str(ctx->o, TIMER_KIND, t[i].hr ? "hrtimer" : "timer");
		row_int(ctx->o, TIMER_CPU, t[i].cpu);
		row_int(ctx->o, TIMER_BASE, t[i].base);
		row_addr(ctx->o, TIMER_TIMER, t[i].timer);
		row_int(ctx->o, TIMER_EXPIRES, (int64_t)t[i].expires);
		if (t[i].hr)
			row_int(ctx->o, TIMER_SOFT, (int64_t)t[i].soft);
		row_str(ctx->o, TIMER_FUNCTION, nw > 0 && w[nw - 1].func ?
			w[nw - 1].func : "?");
		row_end(ctx->o);
		kmodel_where_free(w, nw);
	}
	if (!n)
		fprintf(ctx->out, "(no timers pending)\n");
	free(t);
	return 0;
}

static char *func_name(struct session *s, uint64_t pc)
{
	struct kmodel_where *w = NULL;
	int n = pc ? kmodel_where(s->k, pc, false, &w) : 0;
	char *name = n > 0 && w[n - 1].func ? xstrdup(w[n - 1].func) : NULL;

	kmodel_where_free(w, n);
	return name;
}

int cmd_workqueues(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_workqueues q;
	char *cause = NULL, *f;
	size_t i;
	int err;

	(void)argc; (void)argv;
	err = kmodel_workqueues(ctx->s->k, &q, &cause);
	if (err)
		return cmd_fail(ctx, "workqueues", cause, err);
	fprintf(ctx->out, "%zu workqueues; %zu workers (rescuers are pool "
		"-1); %zu work items pending\n", q.nwqs, q.nworkers,
		q.nworks);
	for (i = 0; i < q.nworkers; i++) {
		f = func_name(ctx->s, q.workers[i].current);
		row_begin(ctx->o, ROW_WORKER);
		row_int(ctx->o, WORKER_POOL, q.workers[i].pool);
		row_int(ctx->o, WORKER_CPU, q.workers[i].cpu);
		row_int(ctx->o, WORKER_PID, q.workers[i].pid);
		row_str(ctx->o, WORKER_COMM, q.workers[i].comm);
		row_str(ctx->o, WORKER_CURRENT, f);
		if (q.workers[i].rescues[0])
			row_str(ctx->o, WORKER_RESCUES, q.workers[i].rescues);
		row_end(ctx->o);
		free(f);
	}
	for (i = 0; i < q.nworks; i++) {
		f = func_name(ctx->s, q.works[i].func);
		row_begin(ctx->o, ROW_WORK);
		row_int(ctx->o, WORK_POOL, q.works[i].pool);
		row_addr(ctx->o, WORK_WORK, q.works[i].work);
		row_str(ctx->o, WORK_FUNC, f ? f : "?");
		row_end(ctx->o);
		free(f);
	}
	kmodel_workqueues_free(&q);
	return 0;
}
