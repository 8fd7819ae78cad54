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

/* Every pte of the table tree at pgd that maps physical page `phys`. */
static void find_in_tables(struct kmodel *k, uint64_t physmem, uint64_t pgd,
			   uint64_t phys, const struct kmodel_task *t,
			   struct kmodel_page_user **out, size_t *n)
{
	uint64_t l1[UM_PTRS_PER_TABLE], l2[UM_PTRS_PER_TABLE],
		l3[UM_PTRS_PER_TABLE];
	int i, j, e;

	if (kmodel_read(k, pgd, l1, sizeof(l1)) != (ssize_t)sizeof(l1))
		return;
	for (i = 0; i < UM_PTRS_PER_TABLE; i++) {
		if (!(l1[i] & UM_PAGE_PRESENT) ||
		    kmodel_read(k, physmem + (l1[i] & UM_PAGE_MASK), l2,
				sizeof(l2)) != (ssize_t)sizeof(l2))
			continue;
		for (j = 0; j < UM_PTRS_PER_TABLE; j++) {
			if (!(l2[j] & UM_PAGE_PRESENT) ||
			    kmodel_read(k, physmem + (l2[j] & UM_PAGE_MASK),
					l3, sizeof(l3)) != (ssize_t)sizeof(l3))
				continue;
			for (e = 0; e < UM_PTRS_PER_TABLE; e++) {
				struct kmodel_page_user *u;

				if (!(l3[e] & (UM_PAGE_PRESENT |
					       UM_PAGE_PROTNONE)) ||
				    (l3[e] & UM_PAGE_MASK) != phys)
					continue;
				*out = xrealloc(*out, (*n + 1) * sizeof(**out));
				u = &(*out)[(*n)++];
				u->pid = t->pid;
				memcpy(u->comm, t->comm, sizeof(u->comm));
				u->va = ((uint64_t)i << UM_PGDIR_SHIFT) |
					((uint64_t)j << UM_PMD_SHIFT) |
					((uint64_t)e << 12);
			}
		}
	}
}

int kmodel_page_users(struct kmodel *k, uint64_t addr,
		      struct kmodel_page_user **out, size_t *n, char **cause)
{
	struct kmodel_task *t;
	uint64_t physmem, high, pgd, *seen = NULL;
	size_t nt, i, j, nseen = 0;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = physmem_range(k, &physmem, &high, cause)))
		return err;
	if (addr < physmem || addr >= high)
		return 0;
	if ((err = kmodel_tasks(k, &t, &nt, cause)))
		return err;
	for (i = 0; i < nt; i++) {
		if (!t[i].mm || t[i].kthread)
			continue;
		for (j = 0; j < nseen && seen[j] != t[i].mm; j++)
			;
		if (j < nseen)	/* a thread of a process already walked */
			continue;
		seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
		seen[nseen++] = t[i].mm;
		if (kmodel_mm_pgd(k, t[i].mm, &pgd, NULL) == 0)
			find_in_tables(k, physmem, pgd,
				       (addr - physmem) & UM_PAGE_MASK, &t[i],
				       out, n);
	}
	free(seen);
	free(t);
	return 0;
}
