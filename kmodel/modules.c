/*
 * kmodel/modules.c - loaded kernel modules and their symbols, read from
 * guest memory: the `modules` list, each struct module's name, memory
 * regions (mem[]) and kallsyms (an Elf64_Sym array plus string table,
 * already relocated to run-time addresses).
 *
 * Layouts come from DWARF (struct module is complete in the CU of
 * do_init_module).  Nothing is cached: modules come and go while the guest
 * runs, and a handful of reads per stop is cheap.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct mod_layout {
	struct kmodel_member list, name, mem, kallsyms, state;
	struct kmodel_member mm_base, mm_size, mm_struct_size;
	struct kmodel_member ks_symtab, ks_num, ks_strtab;
};

#define F(st, path, m) \
	KFIELD(struct mod_layout, "do_init_module", st, path, m)
static const struct kmodel_field mod_fields[] = {
	F("module", "list", list),
	F("module", "name", name),
	F("module", "state", state),
	F("module", "mem", mem),
	F("module", "kallsyms", kallsyms),
	F("module_memory", "base", mm_base),
	F("module_memory", "size", mm_size),
	F("module_memory", NULL, mm_struct_size),
	F("mod_kallsyms", "symtab", ks_symtab),
	F("mod_kallsyms", "num_symtab", ks_num),
	F("mod_kallsyms", "strtab", ks_strtab),
};
#undef F

static const struct mod_layout *mod_layout(struct kmodel *k, char **cause)
{
	return kmodel_layout(k, KMODEL_CACHE_MODULES,
			     sizeof(struct mod_layout), mod_fields,
			     ARRAY_SIZE(mod_fields), cause);
}

static int read_module(struct kmodel *k, const struct mod_layout *L,
		       uint64_t addr, struct kmodel_module *out)
{
	size_t i, nmem = L->mem.size / L->mm_struct_size.size;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	out->addr = addr;
	if (kmodel_read(k, addr + L->name.offset, out->name,
			sizeof(out->name) - 1) <= 0)
		return -EIO;
	out->name[sizeof(out->name) - 1] = '\0';
	out->state = (int)kmodel_read_member(k, addr, &L->state, &ok);
	if (nmem > KMODEL_MOD_MEM_MAX)
		nmem = KMODEL_MOD_MEM_MAX;
	for (i = 0; i < nmem; i++) {
		uint64_t mm = addr + L->mem.offset + i * L->mm_struct_size.size;

		out->mem[i].base = kmodel_read_member(k, mm, &L->mm_base, &ok);
		out->mem[i].size = kmodel_read_member(k, mm, &L->mm_size, &ok);
	}
	out->nmem = (int)nmem;
	return ok ? 0 : -EIO;
}

int kmodel_modules(struct kmodel *k, struct kmodel_module **mods, size_t *n,
		   char **cause)
{
	struct kmodel_module *out = NULL;
	const struct mod_layout *L;
	uint64_t head, next;
	size_t count = 0;
	int err;

	*mods = NULL;
	*n = 0;
	if (!(L = mod_layout(k, cause)))
		return -ENOENT;
	if (kmodel_symbol_addr(k, "modules", &head))
		return set_cause(cause, -ENOENT, "no symbol 'modules' in '%s'",
				 k->path);
	if ((err = kmodel_read_u64(k, head, &next)))
		return set_cause(cause, err, "cannot read the module list");
	while (next != head && count < 4096) {
		out = xrealloc(out, (count + 1) * sizeof(*out));
		if (read_module(k, L, next - L->list.offset, &out[count]) < 0)
			break;
		count++;
		if (kmodel_read_u64(k, next, &next))
			break;
	}
	*mods = out;
	*n = count;
	return 0;
}

/* Call fn for every symbol of module at mod_addr until it returns true. */
int kmodel_module_each_symbol(struct kmodel *k, uint64_t mod_addr,
			      bool (*fn)(void *arg, const char *name,
					 const Elf64_Sym *sym),
			      void *arg, char **cause)
{
	uint64_t ks, symtab, num, strtab, i;
	const struct mod_layout *L;
	Elf64_Sym *syms;
	bool ok = true;
	int err;

	if (!(L = mod_layout(k, cause)))
		return -ENOENT;
	if ((err = kmodel_read_u64(k, mod_addr + L->kallsyms.offset, &ks)) ||
	    !ks)
		return set_cause(cause, err ? err : -ENOENT,
				 "module at 0x%llx has no kallsyms",
				 (unsigned long long)mod_addr);
	symtab = kmodel_read_member(k, ks, &L->ks_symtab, &ok);
	num = kmodel_read_member(k, ks, &L->ks_num, &ok);
	strtab = kmodel_read_member(k, ks, &L->ks_strtab, &ok);
	if (!ok || num > 1000000)
		return set_cause(cause, -EIO, "cannot read module kallsyms");
	syms = xcalloc(num, sizeof(*syms));
	if (kmodel_read(k, symtab, syms, num * sizeof(*syms)) !=
	    (ssize_t)(num * sizeof(*syms))) {
		free(syms);
		return set_cause(cause, -EIO, "cannot read module symtab");
	}
	for (i = 0; i < num; i++) {
		char name[128];
		ssize_t r;

		if (!syms[i].st_name || !syms[i].st_value)
			continue;
		r = kmodel_read(k, strtab + syms[i].st_name, name,
				sizeof(name) - 1);
		if (r <= 0)
			continue;
		name[r] = '\0';
		if (fn(arg, name, &syms[i]))
			break;
	}
	free(syms);
	return 0;
}

struct find_name {
	const char *name;
	uint64_t addr;
};

static bool match_name(void *arg, const char *name, const Elf64_Sym *sym)
{
	struct find_name *f = arg;

	if (strcmp(name, f->name))
		return false;
	f->addr = sym->st_value;
	return true;
}

int kmodel_module_symbol(struct kmodel *k, uint64_t mod_addr,
			 const char *name, uint64_t *addr, char **cause)
{
	struct find_name f = { name, 0 };
	int err = kmodel_module_each_symbol(k, mod_addr, match_name, &f, cause);

	if (err)
		return err;
	if (!f.addr)
		return set_cause(cause, -ENOENT, "no symbol '%s' in the module",
				 name);
	*addr = f.addr;
	return 0;
}

struct find_addr {
	uint64_t pc, lo, hi;	/* [lo, hi): the region holding pc */
	uint64_t best;
	char name[128];
};

static bool match_addr(void *arg, const char *name, const Elf64_Sym *sym)
{
	struct find_addr *f = arg;

	if (sym->st_value > f->pc || sym->st_value < f->lo ||
	    sym->st_value < f->best)
		return false;
	/* init_module/cleanup_module alias the functions the module's
	 * author named: keep the author's name. */
	if (sym->st_value == f->best && strcmp(f->name, "init_module") &&
	    strcmp(f->name, "cleanup_module"))
		return false;
	f->best = sym->st_value;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return false;
}

int kmodel_module_where(struct kmodel *k, uint64_t pc, char **func,
			uint64_t *offset, char **module)
{
	struct kmodel_module *mods;
	size_t n, i;
	int j, found = -ENOENT;

	if (kmodel_modules(k, &mods, &n, NULL) < 0)
		return -ENOENT;
	for (i = 0; i < n && found; i++)
		for (j = 0; j < mods[i].nmem && found; j++) {
			struct find_addr f = { .pc = pc };

			if (pc < mods[i].mem[j].base ||
			    pc >= mods[i].mem[j].base + mods[i].mem[j].size)
				continue;
			f.lo = mods[i].mem[j].base;
			f.hi = f.lo + mods[i].mem[j].size;
			*module = xstrdup(mods[i].name);
			*func = NULL;
			*offset = 0;
			if (kmodel_module_each_symbol(k, mods[i].addr,
						      match_addr, &f,
						      NULL) == 0 && f.best) {
				*func = xstrdup(f.name);
				*offset = pc - f.best;
			}
			found = 0;
		}
	free(mods);
	return found;
}

const char *kmodel_module_state_name(int state)
{
	/* include/linux/module.h: enum module_state */
	static const char *const names[] = {
		"live", "coming", "going", "unformed",
	};

	return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] :
		"?";
}

uint64_t kmodel_module_size(const struct kmodel_module *m)
{
	/* include/linux/module.h: enum mod_mem_type; /proc/modules sums
	 * the core ones (TEXT, DATA, RODATA, RO_AFTER_INIT). */
	uint64_t size = 0;
	int i;

	for (i = 0; i < m->nmem && i < 4; i++)
		size += m->mem[i].size;
	return size;
}
