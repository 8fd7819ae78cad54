/*
 * kmodel/pgtable.c - walk UML's software page tables (pgd -> pmd -> pte,
 * 512 entries each) the way virt_to_pte() in arch/um/kernel/skas/uaccess.c
 * does, for a task's mm->pgd or for the kernel's swapper_pg_dir.  A table
 * entry holds a "physical" address; physical memory is mapped in the
 * kernel process at uml_physmem, so physical p is host address
 * uml_physmem + p.  The kernel's direct map needs no tables at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

void kmodel_pte_flags(uint64_t e, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } f[] = {
		{ UM_PAGE_PRESENT, "PRESENT" }, { UM_PAGE_NEWPAGE, "NEWPAGE" },
		{ UM_PAGE_NEWPROT, "NEWPROT" }, { UM_PAGE_PROTNONE, "PROTNONE" },
		{ UM_PAGE_RW, "RW" }, { UM_PAGE_USER, "USER" },
		{ UM_PAGE_ACCESSED, "ACCESSED" }, { UM_PAGE_DIRTY, "DIRTY" },
	};
	size_t pos = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(f) && pos < len; i++)
		if (e & f[i].bit)
			pos += snprintf(buf + pos, len - pos, "%s%s",
					pos ? " " : "", f[i].name);
	if (!pos)
		snprintf(buf, len, "-");
}

static int physmem_range(struct kmodel *k, uint64_t *physmem, uint64_t *high,
			 char **cause)
{
	uint64_t sym;

	if (kmodel_symbol_addr(k, "uml_physmem", &sym) ||
	    kmodel_read_u64(k, sym, physmem) ||
	    kmodel_symbol_addr(k, "high_physmem", &sym) ||
	    kmodel_read_u64(k, sym, high))
		return set_cause(cause, -EIO, "cannot read uml_physmem and "
				 "high_physmem");
	return 0;
}

static int walk_tables(struct kmodel *k, uint64_t physmem, uint64_t table,
		       uint64_t va, struct kmodel_ptwalk *w, char **cause);

int kmodel_vtop_pgd(struct kmodel *k, uint64_t pgd, uint64_t va,
		    struct kmodel_ptwalk *w, char **cause)
{
	uint64_t physmem, high;
	int err;

	memset(w, 0, sizeof(*w));
	w->va = va;
	if ((err = physmem_range(k, &physmem, &high, cause)))
		return err;
	return walk_tables(k, physmem, pgd, va, w, cause);
}

int kmodel_vtop(struct kmodel *k, int pid, uint64_t va,
		struct kmodel_ptwalk *w, char **cause)
{
	uint64_t physmem, high, table;
	int err;

	memset(w, 0, sizeof(*w));
	w->va = va;
	w->pid = pid;
	if ((err = physmem_range(k, &physmem, &high, cause)))
		return err;
	if (pid < 0) {
		if (va >= physmem && va < high) {
			w->direct_map = true;
			w->mapped = true;
			w->phys = va - physmem;
			w->host = va;
			return 0;
		}
		if (kmodel_symbol_addr(k, "swapper_pg_dir", &table))
			return set_cause(cause, -ENOENT,
					 "no symbol 'swapper_pg_dir'");
	} else {
		struct kmodel_task t;
		uint64_t pgd;

		if ((err = kmodel_find_task(k, pid, &t, cause)))
			return err;
		if (!t.mm || t.kthread)
			return set_cause(cause, -EINVAL, "task %d (%s) is a "
					 "kernel thread: it has no user "
					 "address space", pid, t.comm);
		/* mm->pgd is the first table's kernel address. */
		if ((err = kmodel_mm_pgd(k, t.mm, &pgd, cause)))
			return err;
		table = pgd;
	}
	return walk_tables(k, physmem, table, va, w, cause);
}

static int walk_tables(struct kmodel *k, uint64_t physmem, uint64_t table,
		       uint64_t va, struct kmodel_ptwalk *w, char **cause)
{
	static const char *const names[3] = { "pgd", "pmd", "pte" };
	static const int shifts[3] = { UM_PGDIR_SHIFT, UM_PMD_SHIFT, 12 };
	int i;

	for (i = 0; i < 3; i++) {
		int idx = (int)((va >> shifts[i]) & (UM_PTRS_PER_TABLE - 1));
		uint64_t ea = table + 8 * (uint64_t)idx, e;

		if (kmodel_read_u64(k, ea, &e))
			return set_cause(cause, -EIO, "cannot read the %s "
					 "entry at 0x%llx", names[i],
					 (unsigned long long)ea);
		w->level[i].name = names[i];
		w->level[i].index = idx;
		w->level[i].entry_addr = ea;
		w->level[i].entry = e;
		w->nlevels = i + 1;
		if (i < 2 && !(e & UM_PAGE_PRESENT)) {
			snprintf(w->why, sizeof(w->why), "%s[%d] is not "
				 "present: nothing is mapped in this %s MiB",
				 names[i], idx, i == 0 ? "1024" : "2");
			return 0;
		}
		if (i == 2 && !(e & (UM_PAGE_PRESENT | UM_PAGE_PROTNONE))) {
			snprintf(w->why, sizeof(w->why), e ? "pte[%d] is not "
				 "present (swapped out, or never touched)" :
				 "pte[%d] is empty: the page is not mapped",
				 idx);
			return 0;
		}
		table = physmem + (e & UM_PAGE_MASK);
	}
	w->mapped = true;
	w->phys = (w->level[2].entry & UM_PAGE_MASK) | (va & 0xfff);
	w->host = physmem + w->phys;
	return 0;
}

/*
 * Who maps a page: the reverse map, as the kernel's rmap_walk() finds
 * it.  page->mapping is an anon_vma (bit 0 set) whose interval tree links
 * anon_vma_chains to VMAs, or an address_space whose i_mmap tree links
 * VMAs by vma->shared.rb.  Each VMA maps the page at
 * vm_start + ((page->index - vm_pgoff) << PAGE_SHIFT), if inside it.
 */
struct rmap_layout {
	struct kmodel_member p_mapping, p_index, av_root, avc_rb, avc_vma,
		as_i_mmap, vma_shared_rb, vma_start, vma_end, vma_pgoff,
		vma_mm, rb_left, rb_right;
};

#define R(st, path, m) KFIELD(struct rmap_layout, "rmap_walk", st, path, m)
static const struct kmodel_field rmap_fields[] = {
	R("page", "mapping", p_mapping),
	R("page", "index", p_index),
	R("anon_vma", "rb_root.rb_root.rb_node", av_root),
	R("anon_vma_chain", "rb", avc_rb),
	R("anon_vma_chain", "vma", avc_vma),
	R("address_space", "i_mmap.rb_root.rb_node", as_i_mmap),
	R("vm_area_struct", "shared.rb", vma_shared_rb),
	R("vm_area_struct", "vm_start", vma_start),
	R("vm_area_struct", "vm_end", vma_end),
	R("vm_area_struct", "vm_pgoff", vma_pgoff),
	R("vm_area_struct", "vm_mm", vma_mm),
	R("rb_node", "rb_left", rb_left),
	R("rb_node", "rb_right", rb_right),
};
#undef R

struct mapper {
	uint64_t mm, va, vma;
};

/* Every node of the rb tree at root: the struct holding it (node - off)
 * is a VMA (anon: an anon_vma_chain, whose vma is read). */
static void rmap_tree(struct kmodel *k, const struct rmap_layout *L,
		      uint64_t root, bool anon, uint64_t index,
		      struct mapper **out, size_t *n)
{
	uint64_t stack[128];
	int depth = 0, visited = 0;
	bool ok = true;

	if (root)
		stack[depth++] = root;
	while (depth > 0 && visited++ < 100000 && ok) {
		uint64_t node = stack[--depth], vma, start, end, pgoff, va;
		uint64_t l = kmodel_read_member(k, node, &L->rb_left, &ok);
		uint64_t r = kmodel_read_member(k, node, &L->rb_right, &ok);

		if (l && depth < (int)ARRAY_SIZE(stack))
			stack[depth++] = l;
		if (r && depth < (int)ARRAY_SIZE(stack))
			stack[depth++] = r;
		vma = anon ? kmodel_read_member(k, node - L->avc_rb.offset,
						&L->avc_vma, &ok) :
			     node - L->vma_shared_rb.offset;
		start = kmodel_read_member(k, vma, &L->vma_start, &ok);
		end = kmodel_read_member(k, vma, &L->vma_end, &ok);
		pgoff = kmodel_read_member(k, vma, &L->vma_pgoff, &ok);
		va = start + ((index - pgoff) << 12);
		if (!ok || index < pgoff || va < start || va >= end)
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].mm = kmodel_read_member(k, vma, &L->vma_mm, &ok);
		(*out)[*n].vma = vma;
		(*out)[(*n)++].va = va;
	}
}

int kmodel_page_users(struct kmodel *k, uint64_t addr,
		      struct kmodel_page_user **out, size_t *n, char **cause)
{
	const struct rmap_layout *L;
	struct kmodel_kmem w;
	struct kmodel_task *t = NULL;
	struct mapper *m = NULL;
	uint64_t mapping, index, root;
	size_t nm = 0, nt = 0, i, j;
	bool ok = true, anon;
	int err;

	*out = NULL;
	*n = 0;
	memset(&w, 0, sizeof(w));
	if ((err = kmodel_kmem_page(k, addr, &w, cause)) < 0)
		return err == -ENOENT ? 0 : err;
	L = kmodel_layout(k, KMODEL_CACHE_RMAP, sizeof(*L), rmap_fields,
			  ARRAY_SIZE(rmap_fields), cause);
	if (!L)
		return -ENOENT;
	mapping = kmodel_read_member(k, w.page, &L->p_mapping, &ok);
	index = kmodel_read_member(k, w.page, &L->p_index, &ok);
	if (!ok || !mapping || (mapping & 2))	/* none, or KSM/movable */
		return 0;
	anon = mapping & 1;
	mapping &= ~3ULL;
	root = kmodel_read_member(k, mapping, anon ? &L->av_root :
				  &L->as_i_mmap, &ok);
	if (!ok)
		return 0;
	rmap_tree(k, L, root & ~1ULL, anon, index, &m, &nm);
	if (nm && (err = kmodel_tasks(k, &t, &nt, cause)) < 0) {
		free(m);
		return err;
	}
	for (i = 0; i < nm; i++) {
		struct kmodel_page_user *u;

		for (j = 0; j < nt && t[j].mm != m[i].mm; j++)
			;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		u = &(*out)[(*n)++];
		memset(u, 0, sizeof(*u));
		u->pid = j < nt ? t[j].pid : -1;
		u->mm = m[i].mm;
		if (j < nt)
			memcpy(u->comm, t[j].comm, sizeof(u->comm));
		u->va = m[i].va;
		u->vma = m[i].vma;
	}
	free(m);
	free(t);
	return 0;
}
