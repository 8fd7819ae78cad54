/*
 * kmodel/taskinfo.c - one task's resources: its open files (the fd table
 * of its files_struct), its credentials (struct cred), its kernel stack's
 * extent and use, and the locks lockdep says it holds.
 *
 * Every offset from DWARF; an array's length from its type's size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct taskinfo_layout {
	struct kmodel_member t_files, t_cred, ti_size, files_fdt, fdt_max,
		fdt_fd, fdt_cloexec, f_flags, f_pos, f_mode;
	struct kmodel_member c_uid, c_gid, c_suid, c_sgid, c_euid, c_egid,
		c_fsuid, c_fsgid, c_inh, c_prm, c_eff, c_bset, c_amb;
};

#define T(cu, st, path, m) KFIELD(struct taskinfo_layout, cu, st, path, m)
static const struct kmodel_field taskinfo_fields[] = {
	T("copy_thread", "task_struct", "files", t_files),
	T("copy_thread", "task_struct", "cred", t_cred),
	T("copy_thread", "thread_info", NULL, ti_size),
	T("expand_files", "files_struct", "fdt", files_fdt),
	T("expand_files", "fdtable", "max_fds", fdt_max),
	T("expand_files", "fdtable", "fd", fdt_fd),
	T("expand_files", "fdtable", "close_on_exec", fdt_cloexec),
	T("expand_files", "file", "f_flags", f_flags),
	T("expand_files", "file", "f_pos", f_pos),
	T("expand_files", "file", "f_mode", f_mode),
	T("prepare_creds", "cred", "uid.val", c_uid),
	T("prepare_creds", "cred", "gid.val", c_gid),
	T("prepare_creds", "cred", "suid.val", c_suid),
	T("prepare_creds", "cred", "sgid.val", c_sgid),
	T("prepare_creds", "cred", "euid.val", c_euid),
	T("prepare_creds", "cred", "egid.val", c_egid),
	T("prepare_creds", "cred", "fsuid.val", c_fsuid),
	T("prepare_creds", "cred", "fsgid.val", c_fsgid),
	T("prepare_creds", "cred", "cap_inheritable.val", c_inh),
	T("prepare_creds", "cred", "cap_permitted.val", c_prm),
	T("prepare_creds", "cred", "cap_effective.val", c_eff),
	T("prepare_creds", "cred", "cap_bset.val", c_bset),
	T("prepare_creds", "cred", "cap_ambient.val", c_amb),
};
#undef T

static int ti_layout(struct kmodel *k, const struct taskinfo_layout **L,
		     char **cause)
{
	*L = kmodel_layout(k, KMODEL_CACHE_TASKINFO, sizeof(**L),
			   taskinfo_fields, ARRAY_SIZE(taskinfo_fields), cause);
	return *L ? 0 : -ENOENT;
}

static int find(struct kmodel *k, int pid, struct kmodel_task *t,
		char **cause)
{
	return kmodel_find_task(k, pid, t, cause);
}

int kmodel_task_files(struct kmodel *k, int pid, struct kmodel_fd **out,
		      size_t *n, char **cause)
{
	const struct taskinfo_layout *L;
	struct kmodel_task t;
	uint64_t files, fdt, max, fds, cloexec, i;
	bool ok = true;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = ti_layout(k, &L, cause)) || (err = find(k, pid, &t, cause)))
		return err;
	files = kmodel_read_member(k, t.addr, &L->t_files, &ok);
	if (!ok)
		return set_cause(cause, -EIO, "cannot read task %d", pid);
	if (!files)
		return set_cause(cause, -ENOENT, "task %d (%s) has no open "
				 "files (it is exiting)", pid, t.comm);
	fdt = kmodel_read_member(k, files, &L->files_fdt, &ok);
	max = kmodel_read_member(k, fdt, &L->fdt_max, &ok);
	fds = kmodel_read_member(k, fdt, &L->fdt_fd, &ok);
	cloexec = kmodel_read_member(k, fdt, &L->fdt_cloexec, &ok);
	if (!ok || max > (1u << 20))
		return set_cause(cause, -EIO, "cannot read the fd table of "
				 "task %d", pid);
	for (i = 0; i < max; i++) {
		struct kmodel_fd *f;
		uint64_t file;

		if (kmodel_read_u64(k, fds + 8 * i, &file) || !file)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		f = &(*out)[(*n)++];
		memset(f, 0, sizeof(*f));
		f->fd = (int)i;
		f->file = file;
		f->flags = (unsigned)kmodel_read_member(k, file, &L->f_flags,
							&ok);
		f->mode = (unsigned)kmodel_read_member(k, file, &L->f_mode, &ok);
		f->pos = (int64_t)kmodel_read_member(k, file, &L->f_pos, &ok);
		if (cloexec) {
			uint64_t word = 0;

			kmodel_read_u64(k, cloexec + 8 * (i / 64), &word);
			f->cloexec = (word >> (i % 64)) & 1;
		}
		kmodel_file_path(k, file, f->path, sizeof(f->path), &f->ino);
	}
	return 0;
}

int kmodel_task_cred(struct kmodel *k, int pid, struct kmodel_cred *c,
		     char **cause)
{
	const struct taskinfo_layout *L;
	struct kmodel_task t;
	uint64_t cred;
	bool ok = true;
	int err;

	memset(c, 0, sizeof(*c));
	if ((err = ti_layout(k, &L, cause)) || (err = find(k, pid, &t, cause)))
		return err;
	cred = kmodel_read_member(k, t.addr, &L->t_cred, &ok);
	if (!ok || !cred)
		return set_cause(cause, -EIO, "cannot read the cred of task "
				 "%d", pid);
	c->addr = cred;
	c->uid = (uint32_t)kmodel_read_member(k, cred, &L->c_uid, &ok);
	c->euid = (uint32_t)kmodel_read_member(k, cred, &L->c_euid, &ok);
	c->suid = (uint32_t)kmodel_read_member(k, cred, &L->c_suid, &ok);
	c->fsuid = (uint32_t)kmodel_read_member(k, cred, &L->c_fsuid, &ok);
	c->gid = (uint32_t)kmodel_read_member(k, cred, &L->c_gid, &ok);
	c->egid = (uint32_t)kmodel_read_member(k, cred, &L->c_egid, &ok);
	c->sgid = (uint32_t)kmodel_read_member(k, cred, &L->c_sgid, &ok);
	c->fsgid = (uint32_t)kmodel_read_member(k, cred, &L->c_fsgid, &ok);
	c->cap_inh = kmodel_read_member(k, cred, &L->c_inh, &ok);
	c->cap_prm = kmodel_read_member(k, cred, &L->c_prm, &ok);
	c->cap_eff = kmodel_read_member(k, cred, &L->c_eff, &ok);
	c->cap_bnd = kmodel_read_member(k, cred, &L->c_bset, &ok);
	c->cap_amb = kmodel_read_member(k, cred, &L->c_amb, &ok);
	return ok ? 0 : set_cause(cause, -EIO, "cannot read the cred of "
				  "task %d", pid);
}

int kmodel_task_stack_use(struct kmodel *k, int pid, uint64_t sp,
			  struct kmodel_stack_use *u, char **cause)
{
	const struct taskinfo_layout *L;
	struct kmodel_task t;
	uint64_t *words, magic, i, n;
	int err;

	memset(u, 0, sizeof(*u));
	if ((err = ti_layout(k, &L, cause)) || (err = find(k, pid, &t, cause)))
		return err;
	if (kmodel_thread_size(k, &u->size))
		return set_cause(cause, -ENOENT, "no THREAD_SIZE (init_stack) "
				 "in '%s'", k->path);
	if (kmodel_task_stack(k, t.addr, &u->base) || !u->base ||
	    u->size > (1u << 20))
		return set_cause(cause, -EIO, "task %d has no kernel stack",
				 pid);
	if (!sp) {
		uint64_t regs[KMODEL_NREGS];

		/* a sleeping task: the rsp switch_to saved */
		if (kmodel_task_regs(k, t.addr, regs, NULL) == 0)
			sp = regs[7];
	}
	u->sp = sp;
	if (sp > u->base && sp <= u->base + u->size)
		u->used = u->base + u->size - sp;
	/* The deepest use: stacks are allocated zeroed (THREADINFO_GFP).
	 * end_of_stack() holds the end magic: above thread_info where the
	 * stack starts with it (UML), at the bottom where it does not
	 * (THREAD_INFO_IN_TASK).  The first word not zero above the magic
	 * is the deepest any call went; no magic: unknown. */
	n = u->size / 8;
	words = xmalloc(u->size);
	if (kmodel_read(k, u->base, words, u->size) != (ssize_t)u->size) {
		free(words);
		return 0;
	}
	magic = L->ti_size.size / 8;
	if (magic >= n || words[magic] != KSTACK_END_MAGIC)
		magic = 0;
	if (words[magic] == KSTACK_END_MAGIC) {
		for (i = magic + 1; i < n && !words[i]; i++)
			;
		u->deepest = (n - i) * 8;
	}
	free(words);
	return 0;
}

/* lockdep's record of the locks a task holds (CONFIG_LOCKDEP). */
struct locks_layout {
	struct kmodel_member t_held, t_depth, hl_size, hl_ip, hl_instance,
		map_name;
};

#define H(st, path, m) \
	KFIELD(struct locks_layout, "lockdep_print_held_locks", st, path, m)
static const struct kmodel_field locks_fields[] = {
	H("task_struct", "held_locks", t_held),
	H("task_struct", "lockdep_depth", t_depth),
	H("held_lock", NULL, hl_size),
	H("held_lock", "acquire_ip", hl_ip),
	H("held_lock", "instance", hl_instance),
	H("lockdep_map", "name", map_name),
};
#undef H

int kmodel_task_locks(struct kmodel *k, int pid, struct kmodel_lock **out,
		      size_t *n, char **cause)
{
	const struct locks_layout *L;
	struct kmodel_task t;
	uint64_t depth, i, a;
	bool ok = true;
	int err;

	*out = NULL;
	*n = 0;
	if (kmodel_symbol_addr(k, "lockdep_print_held_locks", &a))
		return set_cause(cause, -ENOENT, "the kernel keeps no record "
				 "of held locks (no CONFIG_LOCKDEP: the debug "
				 "guest has it)");
	L = kmodel_layout(k, KMODEL_CACHE_LOCKS, sizeof(*L), locks_fields,
			  ARRAY_SIZE(locks_fields), cause);
	if (!L)
		return -ENOENT;
	if ((err = find(k, pid, &t, cause)))
		return err;
	depth = kmodel_read_member(k, t.addr, &L->t_depth, &ok);
	if (!ok || depth > L->t_held.size / L->hl_size.size)
		return set_cause(cause, -EIO, "cannot read the held locks of "
				 "task %d", pid);
	for (i = 0; i < depth; i++) {
		uint64_t hl = t.addr + L->t_held.offset + i * L->hl_size.size;
		uint64_t map = kmodel_read_member(k, hl, &L->hl_instance, &ok);
		uint64_t name = map ? kmodel_read_member(k, map, &L->map_name,
							 &ok) : 0;
		struct kmodel_lock *l;

		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		l = &(*out)[(*n)++];
		memset(l, 0, sizeof(*l));
		l->map = map;
		l->ip = kmodel_read_member(k, hl, &L->hl_ip, &ok);
		kmodel_read_str(k, name, l->name, sizeof(l->name));
	}
	return 0;
}
