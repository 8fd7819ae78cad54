/*
 * cli/gdbops.c - the target ops that wire gdbstub/ to the session: the
 * guest's tasks as gdb threads, registers (a sleeping task's from what
 * switch_to saved), memory, breakpoints and watchpoints, resume and
 * interrupt, `monitor`, vFile, and reverse execution in a replay.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "gdbserver.h"

static struct tracer *T(struct gdbserver *g)
{
	return g->s->t;
}

/*
 * gdb's threads are the host threads of the kernel process (their tids)
 * and every guest task, numbered GUEST_TID_BASE + pid: host tids stay
 * below 2^22 (pid_max), so the two never meet.
 */
#define GUEST_TID_BASE 0x10000000L

static bool is_guest_tid(long tid)
{
	return tid >= GUEST_TID_BASE;
}

/* The task list of the current stop, read once. */
static int stop_tasks(struct gdbserver *g)
{
	if (g->tasks_valid)
		return 0;
	free(g->tasks);
	g->tasks = NULL;
	g->ntasks = 0;
	if (tracer_is_running(T(g)) ||
	    kmodel_tasks(g->s->k, &g->tasks, &g->ntasks, NULL) < 0)
		return -EIO;
	g->tasks_valid = true;
	return 0;
}

void gdb_forget_tasks(struct gdbserver *g)
{
	g->tasks_valid = false;
}

/* The guest task behind a gdb thread id. */
static int guest_task(struct gdbserver *g, long tid, struct kmodel_task *t)
{
	size_t i;

	if (stop_tasks(g) < 0)
		return -EIO;
	for (i = 0; i < g->ntasks; i++)
		if (g->tasks[i].pid == tid - GUEST_TID_BASE) {
			*t = g->tasks[i];
			return 0;
		}
	return -ESRCH;
}

static void dwarf_to_regs(const uint64_t d[KMODEL_NREGS], struct rsp_regs *r)
{
	/* DWARF order rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip; gdb's
	 * is rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip. */
	static const int from[RSP_NGPR] = {
		0, 3, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < RSP_NGPR; i++)
		r->gpr[i] = d[from[i]];
	r->mxcsr = 0x1f80;
	r->fctrl = 0x37f;
}

/*
 * The kernel process's thread id as gdb knows it.  A replay that goes
 * backwards relaunches the kernel, whose host tid then changes: gdb keeps
 * seeing the first one.
 */
long gdb_tid_out(struct gdbserver *g, long tid)
{
	if (!g->main_alias)
		g->main_alias = tracer_pid(T(g));
	return tid == tracer_pid(T(g)) ? g->main_alias : tid;
}

static long tid_in(struct gdbserver *g, long tid)
{
	if (!g->main_alias)
		g->main_alias = tracer_pid(T(g));
	return tid == g->main_alias ? tracer_pid(T(g)) : tid;
}

/* ---- target ops ---------------------------------------------------------- */

static int op_get_regs(void *arg, long tid, struct rsp_regs *r, bool fp)
{
	struct gdbserver *g = arg;
	struct user_regs_struct u;
	struct user_fpregs_struct f;
	struct kmodel_task t;
	uint64_t d[KMODEL_NREGS];
	int err, i;

	tid = tid_in(g, tid);
	if (is_guest_tid(tid)) {
		if (guest_task(g, tid, &t) < 0)
			return -ESRCH;
		if (t.running) {
			tid = tracer_pid(T(g));	/* the live registers */
		} else {
			if (kmodel_task_regs(g->s->k, t.addr, d, NULL) < 0)
				return -EIO;
			dwarf_to_regs(d, r);
			return 0;
		}
	}
	err = tracer_get_regs(T(g), (pid_t)tid, &u);
	if (err < 0)
		return err;
	memset(r, 0, sizeof(*r));
	r->gpr[0] = u.rax; r->gpr[1] = u.rbx; r->gpr[2] = u.rcx;
	r->gpr[3] = u.rdx; r->gpr[4] = u.rsi; r->gpr[5] = u.rdi;
	r->gpr[6] = u.rbp; r->gpr[7] = u.rsp; r->gpr[8] = u.r8;
	r->gpr[9] = u.r9; r->gpr[10] = u.r10; r->gpr[11] = u.r11;
	r->gpr[12] = u.r12; r->gpr[13] = u.r13; r->gpr[14] = u.r14;
	r->gpr[15] = u.r15; r->gpr[16] = u.rip;
	r->eflags = (uint32_t)u.eflags;
	r->seg[0] = (uint32_t)u.cs; r->seg[1] = (uint32_t)u.ss;
	r->seg[2] = (uint32_t)u.ds; r->seg[3] = (uint32_t)u.es;
	r->seg[4] = (uint32_t)u.fs; r->seg[5] = (uint32_t)u.gs;
	r->orig_rax = u.orig_rax;
	r->fs_base = u.fs_base;
	r->gs_base = u.gs_base;
	if (fp && tracer_get_fpregs(T(g), (pid_t)tid, &f) == 0) {
		for (i = 0; i < 8; i++)
			memcpy(r->st[i], (uint8_t *)f.st_space + 16 * i, 10);
		for (i = 0; i < 16; i++)
			memcpy(r->xmm[i], (uint8_t *)f.xmm_space + 16 * i, 16);
		r->fctrl = f.cwd;
		r->fstat = f.swd;
		/* FXSAVE keeps an abridged tag (1 bit per register); gdb
		 * wants the full one: 3 = empty, 0 = valid is close enough
		 * for display. */
		r->ftag = 0;
		for (i = 0; i < 8; i++)
			if (!(f.ftw & (1u << i)))
				r->ftag |= 3u << (2 * i);
		r->fioff = (uint32_t)f.rip;
		r->fiseg = (uint32_t)(f.rip >> 32);
		r->fooff = (uint32_t)f.rdp;
		r->foseg = (uint32_t)(f.rdp >> 32);
		r->fop = f.fop;
		r->mxcsr = f.mxcsr;
	}
	return 0;
}

/* A replay must stay what was recorded: gdb may not write. */
static bool replay_refuses(struct gdbserver *g)
{
	if (!g->s->rr || !rr_is_replay(g->s->rr))
		return false;
	fprintf(stderr, "umdbg: refused: a replay is read-only (memory and "
		"registers cannot be written)\n");
	return true;
}

static int op_set_regs(void *arg, long tid, const struct rsp_regs *r)
{
	struct gdbserver *g = arg;
	struct user_regs_struct u;
	struct user_fpregs_struct f;
	struct kmodel_task t;
	int err, i;

	if (replay_refuses(g))
		return -EROFS;
	tid = tid_in(g, tid);
	if (is_guest_tid(tid)) {
		/* A sleeping task's registers are a saved jmp_buf: read-only.
		 * The running task's are the kernel process's. */
		if (guest_task(g, tid, &t) < 0 || !t.running)
			return -EPERM;
		tid = tracer_pid(T(g));
	}
	err = tracer_get_regs(T(g), (pid_t)tid, &u);
	if (err < 0)
		return err;
	u.rax = r->gpr[0]; u.rbx = r->gpr[1]; u.rcx = r->gpr[2];
	u.rdx = r->gpr[3]; u.rsi = r->gpr[4]; u.rdi = r->gpr[5];
	u.rbp = r->gpr[6]; u.rsp = r->gpr[7]; u.r8 = r->gpr[8];
	u.r9 = r->gpr[9]; u.r10 = r->gpr[10]; u.r11 = r->gpr[11];
	u.r12 = r->gpr[12]; u.r13 = r->gpr[13]; u.r14 = r->gpr[14];
	u.r15 = r->gpr[15]; u.rip = r->gpr[16];
	u.eflags = r->eflags;
	u.orig_rax = r->orig_rax;
	err = tracer_set_regs(T(g), (pid_t)tid, &u);
	if (err < 0)
		return err;
	if (tracer_get_fpregs(T(g), (pid_t)tid, &f) == 0) {
		for (i = 0; i < 8; i++)
			memcpy((uint8_t *)f.st_space + 16 * i, r->st[i], 10);
		for (i = 0; i < 16; i++)
			memcpy((uint8_t *)f.xmm_space + 16 * i, r->xmm[i], 16);
		f.cwd = (uint16_t)r->fctrl;
		f.swd = (uint16_t)r->fstat;
		f.mxcsr = r->mxcsr;
		tracer_set_fpregs(T(g), (pid_t)tid, &f);
	}
	return 0;
}

static ssize_t op_read_mem(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct gdbserver *g = arg;

	return tracer_read_mem(T(g), addr, buf, len);
}

static ssize_t op_write_mem(void *arg, uint64_t addr, const void *buf,
			    size_t len)
{
	struct gdbserver *g = arg;

	if (replay_refuses(g))
		return -EROFS;
	return tracer_write_mem(T(g), addr, buf, len);
}

static enum tracer_hw_kind hw_kind(enum rsp_point type)
{
	switch (type) {
	case RSP_HW_BREAK:
		return TRACER_HW_EXEC;
	case RSP_WRITE_WATCH:
		return TRACER_HW_WRITE;
	default:	/* x86 has no read-only watch: read/write it is */
		return TRACER_HW_ACCESS;
	}
}

static int op_insert_point(void *arg, enum rsp_point type, uint64_t addr,
			   int kind)
{
	struct gdbserver *g = arg;
	int id;

	if (type == RSP_SW_BREAK) {
		size_t i;

		for (i = 0; i < g->nbps; i++)
			if (g->bps[i].addr == addr)
				return 0;
		id = tracer_bp_insert(T(g), addr, NULL);
		if (id < 0)
			return id;
		g->bps = xrealloc(g->bps, (g->nbps + 1) * sizeof(*g->bps));
		g->bps[g->nbps++] = (struct gdb_bp){ addr, id };
		return 0;
	}
	id = tracer_hw_insert(T(g), hw_kind(type), addr,
			      type == RSP_HW_BREAK ? 1 : kind);
	if (id < 0)
		return id;
	g->slot_type[id] = type;
	g->slot_used[id] = true;
	return 0;
}

static int op_remove_point(void *arg, enum rsp_point type, uint64_t addr,
			   int kind)
{
	struct gdbserver *g = arg;
	int i, err;

	if (type == RSP_SW_BREAK) {
		size_t j;

		for (j = 0; j < g->nbps; j++) {
			if (g->bps[j].addr != addr)
				continue;
			/* The tracer counts references: the user's own
			 * breakpoint at the same address stays. */
			err = tracer_bp_remove(T(g), g->bps[j].id);
			g->bps[j] = g->bps[--g->nbps];
			return err;
		}
		return 0;
	}
	i = tracer_hw_remove(T(g), hw_kind(type), addr,
			     type == RSP_HW_BREAK ? 1 : kind);
	if (i < 0)
		return i;
	g->slot_used[i] = false;
	return 0;
}

static int op_resume(void *arg, const struct rsp_resume *acts, int n)
{
	struct gdbserver *g = arg;
	struct session *s = g->s;
	long cur = s->last_stop.tid;
	int i;

	gdb_forget_tasks(g);

	/* A signal the recording does not have would make the replay
	 * something else: refused, as writes are. */
	for (i = 0; i < n; i++)
		if (acts[i].signo && acts[i].signo != s->last_stop.signo &&
		    replay_refuses(g))
			return -EROFS;
	for (i = 0; i < n; i++) {
		const struct rsp_resume *a = &acts[i];
		long tid = a->tid > 0 ? tid_in(g, a->tid) : cur;

		if (a->kind == RSP_STEP && is_guest_tid(tid)) {
			struct kmodel_task t;

			/* Only the task on the CPU can execute. */
			if (guest_task(g, tid, &t) < 0 || !t.running)
				return -EPERM;
			tid = tracer_pid(T(g));
		}
		if (a->kind == RSP_STEP) {
			struct tracer_stop st;
			char *cause = NULL;

			tracer_set_resume_signal(T(g), (pid_t)tid, a->signo);
			session_note_step(s);
			switch (tracer_step(T(g), (pid_t)tid, &st, &cause)) {
			case 1:
				gdbserver_on_stop(g, &st);
				return 0;
			case 0:
				/* Into a host syscall: the step ends in the
				 * event loop (on_stop), which also serves
				 * 0x03, a disconnect and SIGTERM meanwhile. */
				session_leave_prompt(s);
				return 0;
			default:
				free(cause);
				return -ESRCH;
			}
		}
	}
	/* Continue: the stopped thread gets the signal of the first action
	 * that applies to it (vCont actions apply leftmost first); none
	 * drops the signal it stopped with. */
	tracer_set_resume_signal(T(g), (pid_t)cur, 0);
	for (i = 0; i < n; i++)
		if (acts[i].kind == RSP_CONTINUE &&
		    (tid_in(g, acts[i].tid) == cur || acts[i].tid <= 0)) {
			tracer_set_resume_signal(T(g), (pid_t)cur,
						 acts[i].signo);
			break;
		}
	return session_resume(s);
}

static void op_interrupt(void *arg)
{
	struct gdbserver *g = arg;

	tracer_interrupt(T(g));
}

static int op_threads(void *arg, long *tids, int max)
{
	struct gdbserver *g = arg;
	pid_t buf[256];
	size_t i;
	int n = tracer_threads(T(g), buf, ARRAY_SIZE(buf)), j;

	if (n > (int)ARRAY_SIZE(buf))
		n = ARRAY_SIZE(buf);	/* UML starts a handful at most */
	for (j = 0; tids && j < n && j < max; j++)
		tids[j] = gdb_tid_out(g, buf[j]);
	if (stop_tasks(g) == 0)
		for (i = 0; i < g->ntasks; i++, n++)
			if (tids && n < max)
				tids[n] = GUEST_TID_BASE + g->tasks[i].pid;
	return n;
}

static int op_thread_info(void *arg, long tid, char *buf, size_t len)
{
	struct gdbserver *g = arg;
	struct kmodel_task t;

	tid = tid_in(g, tid);
	if (!is_guest_tid(tid)) {
		snprintf(buf, len, "%s", tid == tracer_pid(T(g)) ?
			 "UML kernel process" : "UML helper thread");
		return 0;
	}
	if (guest_task(g, tid, &t) < 0)
		return -ESRCH;
	snprintf(buf, len, t.kthread ? "pid %d [%s] %c%s" : "pid %d %s %c%s",
		 t.pid, t.comm, t.state, t.running ? ", on the CPU" : "");
	return 0;
}

static const char *op_exec_file(void *arg)
{
	struct gdbserver *g = arg;

	return g->s->kernel_abs;
}

/* The loaded modules as gdb's library list: per library (a .ko), one
 * section address for each SHF_ALLOC section of the file, in the file's
 * order (0: a section the loader drops, as .modinfo).  gdb itself reads
 * this list only where it has no solib handler of its own (not for a
 * GNU/Linux program); scripts/gdb/umdbg.py reads it and places each
 * module's sections with add-symbol-file. */
static char *op_libraries(void *arg)
{
	struct gdbserver *g = arg;
	struct kmodel_modfile *f;
	struct strbuf sb;
	size_t n, i, j;

	kmodel_module_files(g->s->k, &f, &n);
	strbuf_init(&sb);
	strbuf_addf(&sb, "<library-list>\n");
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "  <library name=\"");
		for (j = 0; f[i].path[j]; j++) {
			char c = f[i].path[j];

			strbuf_addf(&sb, c == '&' ? "&amp;" : c == '<' ? "&lt;" :
				    c == '"' ? "&quot;" : "%c", c);
		}
		strbuf_addf(&sb, "\">\n");
		for (j = 0; j < f[i].nsec; j++) {
			uint64_t a = f[i].secaddr[j];

			if (f[i].alloc[j])
				strbuf_addf(&sb, "    <section address="
					    "\"0x%llx\"/>\n", a == (uint64_t)-1 ?
					    0ULL : (unsigned long long)a);
		}
		strbuf_addf(&sb, "  </library>\n");
	}
	strbuf_addf(&sb, "</library-list>\n");
	kmodel_module_files_free(f, n);
	return strbuf_detach(&sb);
}

/* The kernel process's auxv, as the host has it (lldb finds the program
 * and the dynamic linker's list through it). */
static char *op_auxv(void *arg, size_t *len)
{
	struct gdbserver *g = arg;
	char *path = xasprintf("/proc/%d/auxv", (int)tracer_pid(T(g)));
	char *buf = xmalloc(4096);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, 4096) : -1;

	if (fd >= 0)
		close(fd);
	free(path);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static int op_monitor(void *arg, const char *cmd, struct strbuf *out)
{
	struct gdbserver *g = arg;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -ENOMEM;
	{
		/* gdb shows text: the prompt's, whatever --json says */
		struct out *o = out_new(OUT_TEXT, f, NULL);

		err = cmd_execute_from(g->s, cmd, o, CMD_FROM_MONITOR);
		out_free(o);
	}
	fclose(f);
	strbuf_add(out, text, len);
	free(text);
	return err;
}

static void op_kill(void *arg)
{
	struct gdbserver *g = arg;

	fprintf(stderr, "umdbg: gdb killed the guest\n");
	g->s->killed_by_gdb = true;
	tracer_kill(T(g));
}

void gdb_remove_points(struct gdbserver *g)
{
	size_t j;
	int i;

	for (j = 0; j < g->nbps; j++)
		tracer_bp_remove(T(g), g->bps[j].id);
	g->nbps = 0;
	for (i = 0; i < 4; i++)
		g->slot_used[i] = false;
	tracer_hw_clear(T(g));
}

static void op_detach(void *arg)
{
	struct gdbserver *g = arg;

	gdb_remove_points(g);
	tracer_set_resume_signal(T(g), 0, 0);
	fprintf(stderr, "umdbg: gdb detached; the guest runs on\n");
	session_resume(g->s);
}

static void op_pass_signals(void *arg, const bool *pass, int nsig)
{
	struct gdbserver *g = arg;

	/* UML's own signals always pass; gdb may also let through the
	 * ones umdbg would stop for. */
	if (SIGABRT < nsig)
		tracer_set_stop_signal(T(g), SIGABRT, !pass[SIGABRT]);
}

/* Is the file fd refers to one the kernel process maps (its binary, its
 * libraries)?  By device and inode, as its maps list them: the process
 * may see the file under another path (its confined root). */
static bool mapped_by_guest(struct gdbserver *g, int fd)
{
	char path[64], line[512];
	unsigned maj, min;
	unsigned long long ino;
	struct stat st;
	bool found = false;
	FILE *f;

	if (fstat(fd, &st) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tracer_pid(T(g)));
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min,
			       &ino) == 3 && ino && ino == st.st_ino &&
			makedev(maj, min) == st.st_dev;
	fclose(f);
	return found;
}

/* vFile: gdb reads the kernel binary (and its libraries) over the
 * connection.  Read-only, and only files the kernel process maps:
 * whoever reaches the gdb port gets no other host file (umdbg runs as
 * root; docs/security.md). */
static int op_file_open(void *arg, const char *path)
{
	struct gdbserver *g = arg;
	struct stat st;
	int fd, i;

	for (i = 0; i < (int)ARRAY_SIZE(g->files); i++)
		if (g->files[i] < 0)
			break;
	if (i == (int)ARRAY_SIZE(g->files))
		return -EMFILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !mapped_by_guest(g, fd)) {
		close(fd);
		return -EACCES;
	}
	g->files[i] = fd;
	return i;
}

static int file_fd(struct gdbserver *g, int h)
{
	return h >= 0 && h < (int)ARRAY_SIZE(g->files) ? g->files[h] : -1;
}

static ssize_t op_file_pread(void *arg, int h, void *buf, size_t len,
			     uint64_t offset)
{
	int fd = file_fd(arg, h);
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	n = pread(fd, buf, len, (off_t)offset);
	return n < 0 ? -errno : n;
}

static int op_file_close(void *arg, int h)
{
	struct gdbserver *g = arg;
	int fd = file_fd(g, h);

	if (fd < 0)
		return -EBADF;
	close(fd);
	g->files[h] = -1;
	return 0;
}

static int op_file_stat(void *arg, int h, uint64_t *size, uint32_t *mode,
			uint32_t *mtime)
{
	int fd = file_fd(arg, h);
	struct stat st;

	if (fd < 0)
		return -EBADF;
	if (fstat(fd, &st) < 0)
		return -errno;
	*size = (uint64_t)st.st_size;
	*mode = (uint32_t)st.st_mode;
	*mtime = (uint32_t)st.st_mtime;
	return 0;
}

void gdb_close_files(struct gdbserver *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(g->files); i++)
		if (g->files[i] >= 0) {
			close(g->files[i]);
			g->files[i] = -1;
		}
}

/* bc / bs */
static int op_reverse(void *arg, bool stepping)
{
	struct gdbserver *g = arg;
	struct session *s = g->s;
	struct tracer_stop st;
	char *cause = NULL;
	int err;

	gdb_forget_tasks(g);
	s->quiet = true;
	err = stepping ? timeline_reverse_stepi(s, &st, &cause) :
			 timeline_reverse_continue(s, &st, &cause);
	s->quiet = false;
	if (err == -EINTR) {
		/* 0x03 (or Ctrl-C) during the re-run: stopped there. */
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		st = s->last_stop;
		st.kind = TRACER_STOP_INTERRUPT;
		if (gdbserver_connected(g))
			gdbserver_on_stop(g, &st);
		return 0;
	}
	if (err < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		free(cause);
		return err;
	}
	gdbserver_on_stop(g, &st);
	return 0;
}

const struct rsp_target_ops gdb_target_ops = {
	.reverse = op_reverse,
	.get_regs = op_get_regs,
	.set_regs = op_set_regs,
	.read_mem = op_read_mem,
	.write_mem = op_write_mem,
	.insert_point = op_insert_point,
	.remove_point = op_remove_point,
	.resume = op_resume,
	.interrupt = op_interrupt,
	.threads = op_threads,
	.thread_info = op_thread_info,
	.exec_file = op_exec_file,
	.libraries = op_libraries,
	.auxv = op_auxv,
	.monitor = op_monitor,
	.kill = op_kill,
	.detach = op_detach,
	.pass_signals = op_pass_signals,
	.file_open = op_file_open,
	.file_pread = op_file_pread,
	.file_close = op_file_close,
	.file_stat = op_file_stat,
};
