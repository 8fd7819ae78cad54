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
	struct kmodel_maple maple;
	struct kmodel_member mm_root, start_brk, brk, start_stack, mm_pgd;
	struct kmodel_member vm_start, vm_end, vm_flags, vm_pgoff, vm_file;
	struct kmodel_member vm_ops, vm_private, sm_name;
	uint64_t vma_size;	/* sizeof(struct vm_area_struct) */
	struct kmodel_member f_dentry, f_mnt, f_inode, i_ino;
	struct kmodel_member d_parent, d_name, mnt_root;
	struct kmodel_member m_parent, m_mountpoint, m_mnt;
};

static int vma_layout(struct kmodel *k, const struct vma_layout **out,
		      char **cause)
{
	struct vma_layout *L = k->cache[KMODEL_CACHE_VMA];
	struct kmodel_member m;
	Dwarf_Die mm, vma, file, inode, dentry, vfsmnt, mnt, r64, a64, node, sm;
	uint64_t size;
	int err;

	if (L) {
		*out = L;
		return 0;
	}
	L = xcalloc(1, sizeof(*L));
	if ((err = kmodel_struct(k, "show_map_vma", "mm_struct", &mm, cause)) ||
	    (err = kmodel_struct(k, "show_map_vma", "vm_area_struct", &vma,
				 cause)) ||
	    (err = kmodel_struct(k, "show_map_vma", "file", &file, cause)) ||
	    (err = kmodel_struct(k, "show_map_vma", "inode", &inode, cause)) ||
	    (err = kmodel_struct(k, "d_path", "dentry", &dentry, cause)) ||
	    (err = kmodel_struct(k, "d_path", "vfsmount", &vfsmnt, cause)) ||
	    (err = kmodel_struct(k, "d_path", "mount", &mnt, cause)) ||
	    (err = kmodel_struct(k, "mtree_load", "maple_range_64", &r64,
				 cause)) ||
	    (err = kmodel_struct(k, "mtree_load", "maple_arange_64", &a64,
				 cause)) ||
	    (err = kmodel_struct(k, "mtree_load", "maple_node", &node, cause)) ||
	    (err = kmodel_struct(k, "_install_special_mapping",
				 "vm_special_mapping", &sm, cause)))
		goto fail;
#define M(st, sname, path, dst) \
	if ((err = kmodel_member(k, &st, sname, path, dst, cause))) \
		goto fail
	M(mm, "mm_struct", "mm_mt.ma_root", &L->mm_root);
	M(mm, "mm_struct", "start_brk", &L->start_brk);
	M(mm, "mm_struct", "brk", &L->brk);
	M(mm, "mm_struct", "start_stack", &L->start_stack);
	M(mm, "mm_struct", "pgd", &L->mm_pgd);
	M(vma, "vm_area_struct", "vm_start", &L->vm_start);
	M(vma, "vm_area_struct", "vm_end", &L->vm_end);
	M(vma, "vm_area_struct", "vm_flags", &L->vm_flags);
	M(vma, "vm_area_struct", "vm_pgoff", &L->vm_pgoff);
	M(vma, "vm_area_struct", "vm_file", &L->vm_file);
	M(vma, "vm_area_struct", "vm_ops", &L->vm_ops);
	M(vma, "vm_area_struct", "vm_private_data", &L->vm_private);
	M(sm, "vm_special_mapping", "name", &L->sm_name);
	M(file, "file", "f_path.dentry", &L->f_dentry);
	M(file, "file", "f_path.mnt", &L->f_mnt);
	M(file, "file", "f_inode", &L->f_inode);
	M(inode, "inode", "i_ino", &L->i_ino);
	M(dentry, "dentry", "d_parent", &L->d_parent);
	M(dentry, "dentry", "d_name.name", &L->d_name);
	M(vfsmnt, "vfsmount", "mnt_root", &L->mnt_root);
	M(mnt, "mount", "mnt_parent", &L->m_parent);
	M(mnt, "mount", "mnt_mountpoint", &L->m_mountpoint);
	M(mnt, "mount", "mnt", &L->m_mnt);
	M(r64, "maple_range_64", "pivot", &m);
	L->maple.r64_pivot = m.offset;
	L->maple.r64_npivots = m.size / 8;
	M(r64, "maple_range_64", "slot", &m);
	L->maple.r64_slot = m.offset;
	L->maple.r64_nslots = m.size / 8;
	M(r64, "maple_range_64", "meta.end", &m);
	L->maple.r64_meta_end = m.offset;
	M(a64, "maple_arange_64", "meta.end", &m);
	L->maple.a64_meta_end = m.offset;
	M(a64, "maple_arange_64", "pivot", &m);
	L->maple.a64_pivot = m.offset;
	L->maple.a64_npivots = m.size / 8;
	M(a64, "maple_arange_64", "slot", &m);
	L->maple.a64_slot = m.offset;
	L->maple.a64_nslots = m.size / 8;
#undef M
	if (kmodel_struct_size(&node, &size) || !size) {
		err = set_cause(cause, -EINVAL, "no size for 'struct "
				"maple_node'");
		goto fail;
	}
	L->maple.node_size = size;
	if (kmodel_struct_size(&vma, &L->vma_size) || !L->vma_size ||
	    L->vma_size > 1024) {
		err = set_cause(cause, -EINVAL, "no size for 'struct "
				"vm_area_struct'");
		goto fail;
	}
	k->cache[KMODEL_CACHE_VMA] = L;
	*out = L;
	return 0;
fail:
	free(L);
	return err;
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
static uint64_t get(const uint8_t *buf, const struct kmodel_member *m)
{
	uint64_t v = 0;

	memcpy(&v, buf + m->offset, m->size > 8 ? 8 : m->size);
	return v;
}

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
	if (kmodel_read(c->k, vma, buf, L->vma_size) != (ssize_t)L->vma_size)
		return -EIO;
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 64;
		c->v = xrealloc(c->v, c->alloc * sizeof(*c->v));
	}
	v = &c->v[c->n];
	memset(v, 0, sizeof(*v));
	v->start = get(buf, &L->vm_start);
	v->end = get(buf, &L->vm_end);
	v->flags = get(buf, &L->vm_flags);
	file = get(buf, &L->vm_file);
	snprintf(v->perms, sizeof(v->perms), "%c%c%c%c",
		 v->flags & VM_READ ? 'r' : '-',
		 v->flags & VM_WRITE ? 'w' : '-',
		 v->flags & VM_EXEC ? 'x' : '-',
		 v->flags & VM_SHARED ? 's' : 'p');
	if (file) {
		uint64_t inode = kmodel_read_member(c->k, file, &L->f_inode, &ok);

		v->offset = get(buf, &L->vm_pgoff) << KPAGE_SHIFT;
		v->ino = inode ? kmodel_read_member(c->k, inode, &L->i_ino, &ok) : 0;
		file_path(c->k, L, kmodel_read_member(c->k, file, &L->f_dentry, &ok),
			  kmodel_read_member(c->k, file, &L->f_mnt, &ok), v->path,
			  sizeof(v->path));
	} else if (c->special_ops && get(buf, &L->vm_ops) == c->special_ops) {
		/* A special mapping ([vdso]: UML's stub pages) is named by
		 * its struct vm_special_mapping (mm/mmap.c). */
		uint64_t sm = get(buf, &L->vm_private);
		uint64_t name = sm ? kmodel_read_member(c->k, sm, &L->sm_name, &ok) : 0;
		ssize_t r = name ? kmodel_read(c->k, name, v->path,
					       sizeof(v->path) - 1) : 0;

		v->path[r > 0 ? r : 0] = '\0';
		v->path[strnlen(v->path, sizeof(v->path) - 1)] = '\0';
	}
	c->n++;
	return 0;
}

int kmodel_vmas(struct kmodel *k, int pid, struct kmodel_vma **vmas,
		size_t *n, char **cause)
{
	const struct vma_layout *L = NULL;
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
	err = kmodel_maple_walk(&k->mem, &L->maple, root, add_vma, &c);
	if (err) {
		free(c.v);
		return set_cause(cause, err, "cannot walk the VMA tree of "
				 "task %d", pid);
	}
	/* /proc/PID/maps names two anonymous areas (fs/proc/task_mmu.c). */
	for (i = 0; i < c.n; i++) {
		struct kmodel_vma *v = &c.v[i];

		if (v->path[0])
			continue;
		if (v->start < brk && v->end > start_brk)
			snprintf(v->path, sizeof(v->path), "[heap]");
		else if (v->start <= stack && v->end >= stack)
			snprintf(v->path, sizeof(v->path), "[stack]");
	}
	*vmas = c.v;
	*n = c.n;
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
