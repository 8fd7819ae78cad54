/*
 * kmodel/vma.c - the memory maps of a guest task: mm->mm_mt walked with
 * the maple-tree walker, each vm_area_struct's range, flags, offset and
 * file, the file's path rebuilt from dentries and mounts (as d_path
 * does), and [heap]/[stack] named as /proc/PID/maps names them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct vma_layout {
	struct kmodel_member mm_root, start_brk, brk, start_stack, mm_pgd;
	struct kmodel_member vm_start, vm_end, vm_flags, vm_pgoff, vm_file;
	struct kmodel_member vm_ops, vm_private, vma_size, sm_name, vm_mm;
	struct kmodel_member f_dentry, f_mnt, f_inode, i_ino;
	struct kmodel_member d_parent, d_name, mnt_root;
	struct kmodel_member m_parent, m_mountpoint, m_mnt;
	/* maple nodes: arrays (offset, size) and their metadata */
	struct kmodel_member r64_pivot, r64_slot, r64_meta_end;
	struct kmodel_member a64_pivot, a64_slot, a64_meta_end, node_size;
};

#define V(cu, st, path, m) KFIELD(struct vma_layout, cu, st, path, m)
static const struct kmodel_field vma_fields[] = {
	V("show_map_vma", "mm_struct", "mm_mt.ma_root", mm_root),
	V("show_map_vma", "mm_struct", "start_brk", start_brk),
	V("show_map_vma", "mm_struct", "brk", brk),
	V("show_map_vma", "mm_struct", "start_stack", start_stack),
	V("show_map_vma", "mm_struct", "pgd", mm_pgd),
	V("show_map_vma", "vm_area_struct", "vm_start", vm_start),
	V("show_map_vma", "vm_area_struct", "vm_end", vm_end),
	V("show_map_vma", "vm_area_struct", "vm_flags", vm_flags),
	V("show_map_vma", "vm_area_struct", "vm_pgoff", vm_pgoff),
	V("show_map_vma", "vm_area_struct", "vm_file", vm_file),
	V("show_map_vma", "vm_area_struct", "vm_ops", vm_ops),
	V("show_map_vma", "vm_area_struct", "vm_private_data", vm_private),
	V("show_map_vma", "vm_area_struct", NULL, vma_size),
	V("show_map_vma", "vm_area_struct", "vm_mm", vm_mm),
	V("show_map_vma", "file", "f_path.dentry", f_dentry),
	V("show_map_vma", "file", "f_path.mnt", f_mnt),
	V("show_map_vma", "file", "f_inode", f_inode),
	V("show_map_vma", "inode", "i_ino", i_ino),
	V("_install_special_mapping", "vm_special_mapping", "name", sm_name),
	V("d_path", "dentry", "d_parent", d_parent),
	V("d_path", "dentry", "d_name.name", d_name),
	V("d_path", "vfsmount", "mnt_root", mnt_root),
	V("d_path", "mount", "mnt_parent", m_parent),
	V("d_path", "mount", "mnt_mountpoint", m_mountpoint),
	V("d_path", "mount", "mnt", m_mnt),
	V("mtree_load", "maple_range_64", "pivot", r64_pivot),
	V("mtree_load", "maple_range_64", "slot", r64_slot),
	V("mtree_load", "maple_range_64", "meta.end", r64_meta_end),
	V("mtree_load", "maple_arange_64", "pivot", a64_pivot),
	V("mtree_load", "maple_arange_64", "slot", a64_slot),
	V("mtree_load", "maple_arange_64", "meta.end", a64_meta_end),
	V("mtree_load", "maple_node", NULL, node_size),
};
#undef V

static int vma_layout(struct kmodel *k, const struct vma_layout **out,
		      char **cause)
{
	*out = kmodel_layout(k, KMODEL_CACHE_VMA, sizeof(**out), vma_fields,
			     ARRAY_SIZE(vma_fields), cause);
	if (*out && (*out)->vma_size.size > 1024) {
		*out = NULL;
		return set_cause(cause, -EINVAL, "implausible size of 'struct "
				 "vm_area_struct'");
	}
	return *out ? 0 : -ENOENT;
}

/* The walker's view of the node layout (arrays of 8-byte entries). */
static void maple_of(const struct vma_layout *L, struct kmodel_maple *m)
{
	m->node_size = L->node_size.size;
	m->r64_pivot = L->r64_pivot.offset;
	m->r64_npivots = L->r64_pivot.size / 8;
	m->r64_slot = L->r64_slot.offset;
	m->r64_nslots = L->r64_slot.size / 8;
	m->r64_meta_end = L->r64_meta_end.offset;
	m->a64_pivot = L->a64_pivot.offset;
	m->a64_npivots = L->a64_pivot.size / 8;
	m->a64_slot = L->a64_slot.offset;
	m->a64_nslots = L->a64_slot.size / 8;
	m->a64_meta_end = L->a64_meta_end.offset;
}

/* The path of (dentry, vfsmount), as d_path() builds it. */
static void file_path(struct kmodel *k, const struct vma_layout *L,
		      uint64_t dentry, uint64_t vfsmnt, char *out, size_t len)
{
	char parts[32][128];
	uint64_t mnt = vfsmnt - L->m_mnt.offset;
	int n = 0, i, guard;
	size_t pos = 0;
	bool ok = true;

	for (guard = 0; guard < 256 && n < 32 && ok; guard++) {
		uint64_t root = kmodel_read_member(k, mnt + L->m_mnt.offset, &L->mnt_root, &ok);
		uint64_t parent, name;
		ssize_t r;

		if (dentry == root) {
			uint64_t pm = kmodel_read_member(k, mnt, &L->m_parent, &ok);

			if (pm == mnt || !pm)
				break;	/* the root of everything */
			dentry = kmodel_read_member(k, mnt, &L->m_mountpoint, &ok);
			mnt = pm;
			continue;
		}
		parent = kmodel_read_member(k, dentry, &L->d_parent, &ok);
		if (parent == dentry)
			break;
		name = kmodel_read_member(k, dentry, &L->d_name, &ok);
		r = kmodel_read(k, name, parts[n], sizeof(parts[n]) - 1);
		if (r <= 0)
			break;
		parts[n][r] = '\0';
		parts[n][strnlen(parts[n], r)] = '\0';
		n++;
		dentry = parent;
	}
	out[0] = '\0';
	for (i = n - 1; i >= 0 && pos + 1 < len; i--)
		pos += snprintf(out + pos, len - pos, "/%s", parts[i]);
	if (!n)
		snprintf(out, len, "/");
}

struct collect {
	struct kmodel *k;
	const struct vma_layout *L;
	uint64_t special_ops;	/* &special_mapping_vmops */
	struct kmodel_vma *v;
	size_t n, alloc;
};

/* A member of a struct already read into buf. */
static int add_vma(void *arg, uint64_t first, uint64_t last, uint64_t vma)
{
	struct collect *c = arg;
	const struct vma_layout *L = c->L;
	struct kmodel_vma *v;
	uint8_t buf[1024];
	uint64_t file;
	bool ok = true;

	(void)first; (void)last;
	/* One read per VMA: 10,000 of them must take milliseconds. */
	if (kmodel_read(c->k, vma, buf, L->vma_size.size) != (ssize_t)L->vma_size.size)
		return -EIO;
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 64;
		c->v = xrealloc(c->v, c->alloc * sizeof(*c->v));
	}
	v = &c->v[c->n];
	memset(v, 0, sizeof(*v));
	v->start = kmodel_member_value(buf, &L->vm_start);
	v->end = kmodel_member_value(buf, &L->vm_end);
	v->flags = kmodel_member_value(buf, &L->vm_flags);
	file = kmodel_member_value(buf, &L->vm_file);
	snprintf(v->perms, sizeof(v->perms), "%c%c%c%c",
		 v->flags & VM_READ ? 'r' : '-',
		 v->flags & VM_WRITE ? 'w' : '-',
		 v->flags & VM_EXEC ? 'x' : '-',
		 v->flags & VM_SHARED ? 's' : 'p');
	if (file) {
		uint64_t inode = kmodel_read_member(c->k, file, &L->f_inode, &ok);

		v->offset = kmodel_member_value(buf, &L->vm_pgoff) << KPAGE_SHIFT;
		v->ino = inode ? kmodel_read_member(c->k, inode, &L->i_ino, &ok) : 0;
		file_path(c->k, L, kmodel_read_member(c->k, file, &L->f_dentry, &ok),
			  kmodel_read_member(c->k, file, &L->f_mnt, &ok), v->path,
			  sizeof(v->path));
	} else if (c->special_ops && kmodel_member_value(buf, &L->vm_ops) == c->special_ops) {
		/* A special mapping ([vdso]: UML's stub pages) is named by
		 * its struct vm_special_mapping (mm/mmap.c). */
		uint64_t sm = kmodel_member_value(buf, &L->vm_private);
		uint64_t name = sm ? kmodel_read_member(c->k, sm, &L->sm_name, &ok) : 0;
		ssize_t r = name ? kmodel_read(c->k, name, v->path,
					       sizeof(v->path) - 1) : 0;

		v->path[r > 0 ? r : 0] = '\0';
		v->path[strnlen(v->path, sizeof(v->path) - 1)] = '\0';
	}
	c->n++;
	return 0;
}

/* /proc/PID/maps names two anonymous areas (fs/proc/task_mmu.c). */
static void name_anon(struct kmodel_vma *v, uint64_t start_brk, uint64_t brk,
		      uint64_t stack)
{
	if (v->path[0])
		return;
	if (v->start < brk && v->end > start_brk)
		snprintf(v->path, sizeof(v->path), "[heap]");
	else if (v->start <= stack && v->end >= stack)
		snprintf(v->path, sizeof(v->path), "[stack]");
}

int kmodel_vmas(struct kmodel *k, int pid, struct kmodel_vma **vmas,
		size_t *n, char **cause)
{
	const struct vma_layout *L = NULL;
	struct kmodel_maple maple;
	struct collect c = { .k = k };
	struct kmodel_task t;
	uint64_t root, start_brk, brk, stack;
	bool ok = true;
	size_t i;
	int err;

	*vmas = NULL;
	*n = 0;
	if ((err = vma_layout(k, &L, cause)) ||
	    (err = kmodel_find_task(k, pid, &t, cause)))
		return err;
	if (!t.mm || t.kthread)
		return set_cause(cause, -EINVAL, "task %d (%s) is a kernel "
				 "thread: it has no memory map", pid, t.comm);
	c.L = L;
	kmodel_symbol_addr(k, "special_mapping_vmops", &c.special_ops);
	root = kmodel_read_member(k, t.mm, &L->mm_root, &ok);
	start_brk = kmodel_read_member(k, t.mm, &L->start_brk, &ok);
	brk = kmodel_read_member(k, t.mm, &L->brk, &ok);
	stack = kmodel_read_member(k, t.mm, &L->start_stack, &ok);
	if (!ok)
		return set_cause(cause, -EIO, "cannot read mm 0x%llx",
				 (unsigned long long)t.mm);
	maple_of(L, &maple);
	err = kmodel_maple_walk(&k->mem, &maple, root, add_vma, &c);
	if (err) {
		free(c.v);
		return set_cause(cause, err, "cannot walk the VMA tree of "
				 "task %d", pid);
	}
	for (i = 0; i < c.n; i++)
		name_anon(&c.v[i], start_brk, brk, stack);
	*vmas = c.v;
	*n = c.n;
	return 0;
}

int kmodel_vma_at(struct kmodel *k, uint64_t vma, struct kmodel_vma *out)
{
	const struct vma_layout *L = NULL;
	struct collect c = { .k = k };
	uint64_t mm;
	bool ok = true;
	int err;

	if ((err = vma_layout(k, &L, NULL)))
		return err;
	c.L = L;
	kmodel_symbol_addr(k, "special_mapping_vmops", &c.special_ops);
	if ((err = add_vma(&c, 0, 0, vma)) < 0)
		return err;
	*out = c.v[0];
	free(c.v);
	mm = kmodel_read_member(k, vma, &L->vm_mm, &ok);
	if (ok && mm)
		name_anon(out, kmodel_read_member(k, mm, &L->start_brk, &ok),
			  kmodel_read_member(k, mm, &L->brk, &ok),
			  kmodel_read_member(k, mm, &L->start_stack, &ok));
	return 0;
}

int kmodel_mm_pgd(struct kmodel *k, uint64_t mm, uint64_t *pgd, char **cause)
{
	const struct vma_layout *L = NULL;
	bool ok = true;
	int err;

	if ((err = vma_layout(k, &L, cause)))
		return err;
	*pgd = kmodel_read_member(k, mm, &L->mm_pgd, &ok);
	if (!ok || !*pgd)
		return set_cause(cause, -EIO, "cannot read the pgd of mm "
				 "0x%llx", (unsigned long long)mm);
	return 0;
}

int kmodel_file_path(struct kmodel *k, uint64_t file, char *out, size_t len,
		     uint64_t *ino)
{
	const struct vma_layout *L = NULL;
	uint64_t inode;
	bool ok = true;
	int err;

	if ((err = vma_layout(k, &L, NULL)))
		return err;
	file_path(k, L, kmodel_read_member(k, file, &L->f_dentry, &ok),
		  kmodel_read_member(k, file, &L->f_mnt, &ok), out, len);
	inode = kmodel_read_member(k, file, &L->f_inode, &ok);
	*ino = inode ? kmodel_read_member(k, inode, &L->i_ino, &ok) : 0;
	return ok ? 0 : -EIO;
}
