/*
 * kmodel/tasks.c - guest tasks: the task list, each task's state, comm,
 * mm and host stub pid, which one is on the CPU, and the registers a
 * sleeping task saved when it was switched out.
 *
 * Walks init_task.tasks (thread-group leaders), then each group's
 * signal->thread_head via thread_node.  Layouts come from DWARF and are
 * resolved once per kernel (cached in struct kmodel).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct task_layout {
	struct kmodel_member tasks, thread_node, signal, pid, tgid, state,
		exit_state, comm, mm, flags, switch_buf, stack;
	struct kmodel_member thread_head, mm_host_pid;
	struct kmodel_member jb[8];	/* rbx rsp rbp r12 r13 r14 r15 rip */
};

#define T(st, path, m) \
	KFIELD(struct task_layout, "copy_thread", st, path, m)
static const struct kmodel_field task_fields[] = {
	T("task_struct", "tasks", tasks),
	T("task_struct", "thread_node", thread_node),
	T("task_struct", "signal", signal),
	T("task_struct", "pid", pid),
	T("task_struct", "tgid", tgid),
	T("task_struct", "__state", state),
	T("task_struct", "exit_state", exit_state),
	T("task_struct", "comm", comm),
	T("task_struct", "mm", mm),
	T("task_struct", "flags", flags),
	T("task_struct", "thread.switch_buf", switch_buf),
	T("task_struct", "stack", stack),
	T("signal_struct", "thread_head", thread_head),
	T("mm_struct", "context.id.pid", mm_host_pid),
	/* UML's own jmp_buf (arch/x86/um/shared/sysdep/archsetjmp.h) */
	T("__jmp_buf", "__rbx", jb[0]),
	T("__jmp_buf", "__rsp", jb[1]),
	T("__jmp_buf", "__rbp", jb[2]),
	T("__jmp_buf", "__r12", jb[3]),
	T("__jmp_buf", "__r13", jb[4]),
	T("__jmp_buf", "__r14", jb[5]),
	T("__jmp_buf", "__r15", jb[6]),
	T("__jmp_buf", "__rip", jb[7]),
};
#undef T

static int task_layout(struct kmodel *k, const struct task_layout **out,
		       char **cause)
{
	*out = kmodel_layout(k, KMODEL_CACHE_TASKS, sizeof(**out),
			     task_fields, ARRAY_SIZE(task_fields), cause);
	return *out ? 0 : -ENOENT;
}

/* The state letter, as the kernel's task_state_to_char() gives it. */
static char state_char(uint64_t state, uint64_t exit_state)
{
	static const char letters[] = TASK_STATE_LETTERS;
	uint64_t s = (state | exit_state) & TASK_REPORT;
	int bit = 0;

	if (state == TASK_IDLE)
		s = TASK_REPORT_IDLE;
	while (s) {
		bit++;
		s >>= 1;
	}
	return bit < (int)sizeof(letters) - 1 ? letters[bit] : '?';
}

static int read_task(struct kmodel *k, const struct task_layout *L,
		     uint64_t addr, uint64_t current, struct kmodel_task *t)
{
	bool ok = true;
	uint64_t mm;

	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->pid = (int)kmodel_read_member(k, addr, &L->pid, &ok);
	t->tgid = (int)kmodel_read_member(k, addr, &L->tgid, &ok);
	t->state = state_char(kmodel_read_member(k, addr, &L->state, &ok),
			      kmodel_read_member(k, addr, &L->exit_state, &ok));
	if (kmodel_read(k, addr + L->comm.offset, t->comm,
			sizeof(t->comm) - 1) <= 0)
		ok = false;
	mm = kmodel_read_member(k, addr, &L->mm, &ok);
	t->mm = mm;
	t->kthread = (kmodel_read_member(k, addr, &L->flags, &ok) & PF_KTHREAD) != 0;
	if (mm)
		t->host_pid = (int)kmodel_read_member(k, mm, &L->mm_host_pid, &ok);
	t->running = addr == current;
	return ok ? 0 : -EIO;
}

int kmodel_current_task(struct kmodel *k, uint64_t *task, char **cause)
{
	uint64_t cpu_tasks;

	if (kmodel_symbol_addr(k, "cpu_tasks", &cpu_tasks))
		return set_cause(cause, -ENOENT, "no symbol 'cpu_tasks' in "
				 "'%s'", k->path);
	/* struct cpu_task { void *task; } cpu_tasks[NR_CPUS]: CPU 0. */
	if (kmodel_read_u64(k, cpu_tasks, task))
		return set_cause(cause, -EIO, "cannot read cpu_tasks");
	return 0;
}

int kmodel_tasks(struct kmodel *k, struct kmodel_task **tasks, size_t *n,
		 char **cause)
{
	const struct task_layout *L;
	struct kmodel_task *out = NULL;
	uint64_t init, g, current = 0, alloc = 0, count = 0;
	int err;

	*tasks = NULL;
	*n = 0;
	if ((err = task_layout(k, &L, cause)))
		return err;
	if (kmodel_symbol_addr(k, "init_task", &init))
		return set_cause(cause, -ENOENT, "no symbol 'init_task' in '%s'",
				 k->path);
	kmodel_current_task(k, &current, NULL);
	g = init;
	do {
		uint64_t sig, head, node, next;
		bool ok = true;

		sig = kmodel_read_member(k, g, &L->signal, &ok);
		head = sig + L->thread_head.offset;
		if (!ok || kmodel_read_u64(k, head, &node))
			break;
		/* Every thread of the group; init_task's list holds it. */
		while (node != head && count < KMODEL_MAX_TASKS) {
			uint64_t t = node - L->thread_node.offset;

			if (count == alloc) {
				alloc = alloc ? 2 * alloc : 64;
				out = xrealloc(out, alloc * sizeof(*out));
			}
			if (read_task(k, L, t, current, &out[count]) == 0)
				count++;
			if (kmodel_read_u64(k, node, &node))
				break;
		}
		if (kmodel_read_u64(k, g + L->tasks.offset, &next))
			break;
		g = next - L->tasks.offset;
	} while (g != init && count < KMODEL_MAX_TASKS);
	if (!count) {
		free(out);
		return set_cause(cause, -EIO, "cannot read the task list at "
				 "0x%llx", (unsigned long long)init);
	}
	*tasks = out;
	*n = count;
	return 0;
}

int kmodel_find_task(struct kmodel *k, int pid, struct kmodel_task *task,
		     char **cause)
{
	struct kmodel_task *all;
	size_t n, i;
	int err = kmodel_tasks(k, &all, &n, cause);

	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (all[i].pid == pid) {
			*task = all[i];
			free(all);
			return 0;
		}
	free(all);
	return set_cause(cause, -ESRCH, "no task with pid %d", pid);
}

int kmodel_task_regs(struct kmodel *k, uint64_t task,
		     uint64_t regs[KMODEL_NREGS], char **cause)
{
	/* DWARF order slots of rbx rsp rbp r12 r13 r14 r15 rip */
	static const int slot[8] = { 3, 7, 6, 12, 13, 14, 15, 16 };
	const struct task_layout *L;
	uint64_t base;
	bool ok = true;
	int err, i;

	if ((err = task_layout(k, &L, cause)))
		return err;
	memset(regs, 0, KMODEL_NREGS * sizeof(*regs));
	base = task + L->switch_buf.offset;
	for (i = 0; i < 8; i++)
		regs[slot[i]] = kmodel_read_member(k, base, &L->jb[i], &ok);
	if (!ok)
		return set_cause(cause, -EIO, "cannot read the switch_buf of "
				 "task 0x%llx", (unsigned long long)task);
	return 0;
}

int kmodel_thread_size(struct kmodel *k, uint64_t *size)
{
	uint64_t start, end;

	/* the linker script puts THREAD_SIZE bytes of init_stack between */
	if (kmodel_symbol_addr(k, "__start_init_stack", &start) ||
	    kmodel_symbol_addr(k, "__end_init_stack", &end) || end <= start)
		return -ENOENT;
	*size = end - start;
	return 0;
}

int kmodel_task_stack(struct kmodel *k, uint64_t task, uint64_t *stack)
{
	const struct task_layout *L;
	bool ok = true;

	if (task_layout(k, &L, NULL))
		return -ENOENT;
	*stack = kmodel_read_member(k, task, &L->stack, &ok);
	return ok ? 0 : -EIO;
}

int kmodel_read_task(struct kmodel *k, uint64_t addr, struct kmodel_task *t)
{
	const struct task_layout *L;
	uint64_t current = 0;

	if (task_layout(k, &L, NULL))
		return -ENOENT;
	kmodel_current_task(k, &current, NULL);
	return read_task(k, L, addr, current, t);
}
