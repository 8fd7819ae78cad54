/*
 * kmodel/moddwarf.c - a loaded module's DWARF at the addresses where its
 * sections were loaded, for file:line, inlined frames, line stepping and
 * FILE:LINE breakpoints in module code.
 *
 * The .ko comes from the module directories (the guest's build of
 * samples/, then the user's --share directories; kmodel_add_module_dir).  It is relocatable: each SHF_ALLOC
 * section went into one of the module's memory regions (mem[MOD_TEXT],
 * mem[MOD_INIT_TEXT]...) at an offset the kernel's loader chose.  We
 * repeat the loader's choice (kernel/module/main.c, __layout_sections:
 * the same flag masks in the same order, init sections apart, each
 * aligned), then check it against the module's own symbols (kallsyms
 * gives their run-time addresses): a section whose symbols disagree
 * takes the address kallsyms implies (a kernel configured otherwise, as
 * without CONFIG_MODULE_UNLOAD, which lays .exit.* out with the init
 * sections).
 *
 * libdwfl relocates the .ko's DWARF through the section_address callback
 * (as for the kernel's own modules under /sys/module/NAME/sections).
 * Each module's Dwfl is kept until the module's memory moves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* include/linux/module.h: enum mod_mem_type */
enum { MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT, MOD_INIT_TEXT,
       MOD_INIT_DATA, MOD_INIT_RODATA, MOD_INVALID = -1 };
/* include/uapi/linux/elf.h: set by the loader, not in the file */
#define SHF_RO_AFTER_INIT 0x00200000

struct moddw {
	char name[64];
	uint64_t base[KMODEL_MOD_MEM_MAX];	/* identity: where it is */
	char *path;
	uint64_t *secaddr;	/* per section index; -1: not loaded */
	bool *alloc;		/* per section: SHF_ALLOC in the file */
	size_t nsec;
	Dwfl *dwfl;
	Dwfl_Module *mod;	/* NULL: no usable DWARF */
};

struct moddw_cache {
	char **dirs;		/* searched in order */
	size_t ndirs;
	struct moddw **m;	/* pointers: libdwfl keeps each one */
	size_t n;
};

static struct moddw_cache *cache_of(struct kmodel *k)
{
	if (!k->cache[KMODEL_CACHE_MODDW])
		k->cache[KMODEL_CACHE_MODDW] =
			xcalloc(1, sizeof(struct moddw_cache));
	return k->cache[KMODEL_CACHE_MODDW];
}

static void moddw_release(struct moddw *m)
{
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m->path);
	free(m->secaddr);
	free(m->alloc);
}

void kmodel_moddw_free(void *p)
{
	struct moddw_cache *c = p;
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		moddw_release(c->m[i]);
		free(c->m[i]);
	}
	free(c->m);
	for (i = 0; i < c->ndirs; i++)
		free(c->dirs[i]);
	free(c->dirs);
	free(c);
}

void kmodel_add_module_dir(struct kmodel *k, const char *dir)
{
	struct moddw_cache *c = cache_of(k);

	c->dirs = xrealloc(c->dirs, (c->ndirs + 1) * sizeof(*c->dirs));
	c->dirs[c->ndirs++] = xstrdup(dir);
}

/* ---- where the loader put each section ---------------------------------- */

static bool starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/* The loader's layout: secaddr[i] for every section it keeps. */
static void layout(Elf *elf, const struct kmodel_module *km,
		   uint64_t *secaddr, size_t nsec)
{
	static const uint64_t masks[][2] = {
		{ SHF_EXECINSTR | SHF_ALLOC, 0 },
		{ SHF_ALLOC, SHF_WRITE },
		{ SHF_RO_AFTER_INIT | SHF_ALLOC, 0 },
		{ SHF_WRITE | SHF_ALLOC, 0 },
		{ SHF_ALLOC, 0 },
	};
	static const int core_type[] = { MOD_TEXT, MOD_RODATA,
		MOD_RO_AFTER_INIT, MOD_DATA, MOD_DATA };
	static const int init_type[] = { MOD_INIT_TEXT, MOD_INIT_RODATA,
		MOD_INVALID, MOD_INIT_DATA, MOD_INIT_DATA };
	uint64_t size[KMODEL_MOD_MEM_MAX] = { 0 };
	bool *placed = xcalloc(nsec, sizeof(*placed));
	size_t shstrndx, i;
	int init, m;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		shstrndx = 0;
	for (init = 0; init < 2; init++)
		for (m = 0; m < (int)ARRAY_SIZE(masks); m++) {
			int type = init ? init_type[m] : core_type[m];

			for (i = 1; i < nsec; i++) {
				Elf_Scn *scn = elf_getscn(elf, i);
				GElf_Shdr sh;
				const char *name;
				uint64_t flags, align, off;

				if (!scn || !gelf_getshdr(scn, &sh))
					continue;
				name = elf_strptr(elf, shstrndx, sh.sh_name);
				flags = sh.sh_flags;
				/* what the loader changes before laying out */
				if (!strcmp(name ? name : "", ".modinfo") ||
				    !strcmp(name ? name : "", "__versions") ||
				    starts(name, ".data..percpu"))
					flags &= ~(uint64_t)SHF_ALLOC;
				if (!strcmp(name ? name : "",
					    ".data..ro_after_init") ||
				    !strcmp(name ? name : "", "__jump_table"))
					flags |= SHF_RO_AFTER_INIT;
				if ((flags & masks[m][0]) != masks[m][0] ||
				    (flags & masks[m][1]) || placed[i] ||
				    init != starts(name, ".init"))
					continue;
				placed[i] = true;
				if (type == MOD_INVALID || type >= km->nmem)
					continue;
				align = sh.sh_addralign ? sh.sh_addralign : 1;
				off = (size[type] + align - 1) / align * align;
				size[type] = off + sh.sh_size;
				secaddr[i] = km->mem[type].base + off;
			}
		}
	free(placed);
}

/* Check the layout against kallsyms: every symbol of the .ko that the
 * module's kallsyms also has must be where the layout says.  A section
 * that disagrees takes the address its symbols imply. */
struct ks_check {
	Elf *elf;
	uint64_t *secaddr;
	size_t nsec;
	Elf_Data *symdata;
	size_t nsyms, strndx;
};

static bool check_symbol(void *arg, const char *name, const Elf64_Sym *ks)
{
	struct ks_check *c = arg;
	size_t i;

	for (i = 1; i < c->nsyms; i++) {
		GElf_Sym s;
		const char *n;

		if (!gelf_getsym(c->symdata, (int)i, &s) ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= c->nsec ||
		    GELF_ST_TYPE(s.st_info) == STT_SECTION)
			continue;
		n = elf_strptr(c->elf, c->strndx, s.st_name);
		if (!n || strcmp(n, name))
			continue;
		if (c->secaddr[s.st_shndx] + s.st_value != ks->st_value)
			c->secaddr[s.st_shndx] = ks->st_value - s.st_value;
		break;
	}
	return false;
}

static void check_layout(struct kmodel *k, const struct kmodel_module *km,
			 Elf *elf, uint64_t *secaddr, size_t nsec)
{
	struct ks_check c = { .elf = elf, .secaddr = secaddr, .nsec = nsec };
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			c.symdata = elf_getdata(scn, NULL);
			c.nsyms = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			c.strndx = sh.sh_link;
			break;
		}
	if (!c.symdata)
		return;
	kmodel_module_each_symbol(k, km->addr, check_symbol, &c, NULL);
}

/* ---- the Dwfl ------------------------------------------------------------ */

static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	struct moddw *m = *userdata;
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);

	(void)mod; (void)modname; (void)base;
	if (fd < 0)
		return -1;
	*file_name = xstrdup(m->path);
	*elfp = NULL;
	return fd;
}

static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod; (void)userdata; (void)modname; (void)base;
	(void)file_name; (void)debuglink_file; (void)debuglink_crc;
	(void)debuginfo_file_name;
	return -1;	/* the .ko carries its DWARF */
}

static int section_address(Dwfl_Module *mod, void **userdata,
			   const char *modname, Dwarf_Addr base,
			   const char *secname, GElf_Word shndx,
			   const GElf_Shdr *shdr, Dwarf_Addr *addr)
{
	struct moddw *m = *userdata;

	(void)mod; (void)modname; (void)base; (void)secname; (void)shdr;
	*addr = shndx < m->nsec ? m->secaddr[shndx] : (Dwarf_Addr)-1;
	return 0;
}

static const Dwfl_Callbacks mod_callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = section_address,
};

/* The .ko of module `name` (a module name spells '-' as '_') in the
 * first directory that has it. */
static char *ko_path(const struct moddw_cache *c, const char *name)
{
	char *path, *p;
	size_t i;

	for (i = 0; i < c->ndirs; i++) {
		path = xasprintf("%s/%s.ko", c->dirs[i], name);
		if (access(path, R_OK) == 0)
			return path;
		for (p = strrchr(path, '/'); p && *p; p++)
			if (*p == '_')
				*p = '-';
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return NULL;
}

static void moddw_build(struct kmodel *k, const struct kmodel_module *km,
			struct moddw *m)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	Elf *elf = NULL;
	size_t i;
	int fd = -1, j;
	void **slot;

	m->path = ko_path(cache_of(k), km->name);
	if (!m->path || (fd = open(m->path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(fd, ELF_C_READ_MMAP, NULL)) ||
	    elf_getshdrnum(elf, &m->nsec) < 0)
		goto out;
	m->secaddr = xcalloc(m->nsec, sizeof(*m->secaddr));
	m->alloc = xcalloc(m->nsec, sizeof(*m->alloc));
	for (i = 0; i < m->nsec; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;

		m->secaddr[i] = (uint64_t)-1;
		m->alloc[i] = i && scn && gelf_getshdr(scn, &sh) &&
			      (sh.sh_flags & SHF_ALLOC);
	}
	layout(elf, km, m->secaddr, m->nsec);
	check_layout(k, km, elf, m->secaddr, m->nsec);
	for (j = 0; j < km->nmem; j++)
		if (km->mem[j].base && km->mem[j].size) {
			if (km->mem[j].base < lo)
				lo = km->mem[j].base;
			if (km->mem[j].base + km->mem[j].size > hi)
				hi = km->mem[j].base + km->mem[j].size;
		}
	if (lo >= hi || !(m->dwfl = dwfl_begin(&mod_callbacks)))
		goto out;
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_module(m->dwfl, km->name, lo, hi);
	if (m->mod && dwfl_module_info(m->mod, &slot, NULL, NULL, NULL, NULL,
				       NULL, NULL))
		*slot = m;
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (m->mod) {
		Dwarf_Addr bias;

		if (!dwfl_module_getdwarf(m->mod, &bias))
			m->mod = NULL;
	}
out:
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

/* The DWARF of the loaded module whose memory holds pc (NULL: none). */
Dwfl_Module *kmodel_module_dwarf(struct kmodel *k, uint64_t pc,
				 const char **name)
{
	struct moddw_cache *c = cache_of(k);
	struct kmodel_module *mods, *km = NULL;
	struct moddw *m = NULL;
	size_t n, i, j;
	int r, b;

	if (!c->ndirs || kmodel_modules(k, &mods, &n, NULL) < 0)
		return NULL;
	for (i = 0; i < n && !km; i++)
		for (r = 0; r < mods[i].nmem && !km; r++)
			if (pc >= mods[i].mem[r].base &&
			    pc < mods[i].mem[r].base + mods[i].mem[r].size)
				km = &mods[i];
	for (j = 0; km && j < c->n && !m; j++) {
		bool same = !strcmp(c->m[j]->name, km->name);

		for (b = 0; same && b < km->nmem; b++)
			same = c->m[j]->base[b] == km->mem[b].base;
		if (same)
			m = c->m[j];
	}
	if (km && !m) {
		m = xcalloc(1, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", km->name);
		for (b = 0; b < km->nmem; b++)
			m->base[b] = km->mem[b].base;
		moddw_build(k, km, m);
		c->m = xrealloc(c->m, (c->n + 1) * sizeof(*c->m));
		c->m[c->n++] = m;
	}
	free(mods);
	if (m && name)
		*name = m->name;
	return m ? m->mod : NULL;
}

/* Every loaded module's DWARF, for FILE:LINE: fn returns true to stop. */
void kmodel_each_module_dwarf(struct kmodel *k,
			      bool (*fn)(void *arg, Dwfl_Module *mod,
					 const char *name),
			      void *arg)
{
	struct kmodel_module *mods;
	size_t n, i;
	const char *name;
	Dwfl_Module *mod;

	if (!cache_of(k)->ndirs || kmodel_modules(k, &mods, &n, NULL) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (!mods[i].nmem || !mods[i].mem[0].base)
			continue;
		mod = kmodel_module_dwarf(k, mods[i].mem[0].base, &name);
		if (mod && fn(arg, mod, name))
			break;
	}
	free(mods);
}

/* Loaded modules with a .ko: where each of its sections is. */
struct files_arg {
	struct kmodel *k;
	struct kmodel_modfile **out;
	size_t *n;
};

static bool add_file(void *arg, Dwfl_Module *mod, const char *name)
{
	struct files_arg *a = arg;
	struct moddw_cache *c = cache_of(a->k);
	struct kmodel_modfile *f;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->m[i]->mod == mod)
			break;
	if (i == c->n || !c->m[i]->path)
		return false;
	*a->out = xrealloc(*a->out, (*a->n + 1) * sizeof(**a->out));
	f = &(*a->out)[(*a->n)++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->path = xstrdup(c->m[i]->path);
	f->nsec = c->m[i]->nsec;
	f->secaddr = xcalloc(f->nsec ? f->nsec : 1, sizeof(*f->secaddr));
	memcpy(f->secaddr, c->m[i]->secaddr, f->nsec * sizeof(*f->secaddr));
	f->alloc = xcalloc(f->nsec ? f->nsec : 1, sizeof(*f->alloc));
	memcpy(f->alloc, c->m[i]->alloc, f->nsec * sizeof(*f->alloc));
	return false;
}

int kmodel_module_files(struct kmodel *k, struct kmodel_modfile **out,
			size_t *n)
{
	struct files_arg a = { k, out, n };

	*out = NULL;
	*n = 0;
	kmodel_each_module_dwarf(k, add_file, &a);
	return 0;
}

void kmodel_module_files_free(struct kmodel_modfile *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].secaddr);
		free(f[i].alloc);
	}
	free(f);
}

/* A top-level DIE of mod's DWARF named name, with one of tags (0-ended),
 * not a declaration. */
static bool find_top_die(Dwfl_Module *mod, const char *name, const int *tags,
			 Dwarf_Die *out)
{
	Dwarf_Addr bias;
	Dwarf *dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu, die;
	int i;

	while (dw && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL,
				  NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &die) == 0)
			do {
				const char *n = dwarf_diename(&die);

				for (i = 0; tags[i]; i++)
					if (dwarf_tag(&die) == tags[i])
						break;
				if (tags[i] && n && !strcmp(n, name) &&
				    !dwarf_hasattr(&die, DW_AT_declaration)) {
					*out = die;
					return true;
				}
			} while (dwarf_siblingof(&die, &die) == 0);
		off = next;
	}
	return false;
}

/* The DIE of variable or function `name` (tag) in the DWARF of the loaded
 * module holding addr: the module's own types for its symbols. */
bool kmodel_module_die(struct kmodel *k, uint64_t addr, const char *name,
		       int tag, Dwarf_Die *out)
{
	int tags[] = { tag, 0 };

	return find_top_die(kmodel_module_dwarf(k, addr, NULL), name, tags,
			    out);
}

struct type_arg {
	const char *name;
	const int *tags;
	Dwarf_Die *out;
	bool found;
};

static bool type_in(void *arg, Dwfl_Module *mod, const char *name)
{
	struct type_arg *a = arg;

	(void)name;
	a->found = find_top_die(mod, a->name, a->tags, a->out);
	return a->found;
}

/* A type only a loaded module defines (struct umdbg_oops_victim). */
bool kmodel_module_type(struct kmodel *k, const char *name, const int *tags,
			Dwarf_Die *out)
{
	struct type_arg a = { name, tags, out, false };

	kmodel_each_module_dwarf(k, type_in, &a);
	return a.found;
}
