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
