/*
 * kmodel/symbols.c - load the kernel ELF with libdwfl; symbols by name,
 * locations (SYMBOL, *ADDR, FILE:LINE) and source descriptions of pcs,
 * inlined frames included.
 *
 * Owns the Dwfl session and a name-sorted copy of the symbol table.  UML
 * hides almost every symbol as STB_LOCAL (its linker script), so lookups
 * never filter on binding.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int find_debuginfo_none(Dwfl_Module *mod, void **userdata,
				 const char *modname, Dwarf_Addr base,
				 const char *file_name,
				 const char *debuglink_file,
				 GElf_Word debuglink_crc,
				 char **debuginfo_file_name)
{
	(void)mod; (void)userdata; (void)modname; (void)base;
	(void)file_name; (void)debuglink_file; (void)debuglink_crc;
	(void)debuginfo_file_name;
	/* The kernel carries its DWARF; never search the host for more.
	 * (This returns a file descriptor: -1 is "none".) */
	return -1;
}

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = find_debuginfo_none,
	.section_address = dwfl_offline_section_address,
};


static int cmp_sym_name(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_symbols(struct kmodel *k)
{
	int n = dwfl_module_getsymtab(k->mod), i;
	size_t used = 0;

	if (n <= 0)
		return;
	k->syms = xcalloc(n, sizeof(*k->syms));
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(k->mod, i, &sym,
							    &addr, NULL, NULL,
							    NULL);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !*name || sym.st_shndx == SHN_UNDEF ||
		    type == STT_SECTION || type == STT_FILE)
			continue;
		k->syms[used].name = name;
		k->syms[used].addr = addr;
		k->syms[used].size = sym.st_size;
		k->syms[used].type = type;
		used++;
	}
	k->nsyms = used;
	qsort(k->syms, used, sizeof(*k->syms), cmp_sym_name);
}

/* Has the file a section named name (NULL: any) of type type (0: any)? */
static bool has_section(Elf *elf, const char *name, Elf64_Word type)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) < 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *s;

		if (!gelf_getshdr(scn, &sh) || (type && sh.sh_type != type))
			continue;
		s = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || (s && !strcmp(s, name)))
			return true;
	}
	return false;
}

/* Does every header and section the ELF header promises fit in the
 * file?  The largest end offset found, or 0 when all fit. */
static uint64_t elf_needs(Elf *elf, const GElf_Ehdr *eh, uint64_t size)
{
	uint64_t need = 0, end;
	size_t i, n;
	Elf_Scn *scn = NULL;

	end = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	if (end > need)
		need = end;
	end = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (end > need)
		need = end;
	if (need > size)
		return need;
	if (elf_getphdrnum(elf, &n) == 0)
		for (i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) &&
			    ph.p_offset + ph.p_filesz > need)
				need = ph.p_offset + ph.p_filesz;
		}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    sh.sh_offset + sh.sh_size > need)
			need = sh.sh_offset + sh.sh_size;
	}
	return need > size ? need : 0;
}

static int check_elf(const char *path, unsigned flags, char **cause)
{
	int fd, err = 0;
	Elf *elf;
	GElf_Ehdr eh;
	uint64_t need;
	struct stat st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_cause(cause, -errno, "cannot open '%s': %s", path,
				 errstr(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return set_cause(cause, -EISDIR, "'%s' is a directory, not a "
				 "kernel", path);
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err = set_cause(cause, -ENOEXEC, "'%s' is not an ELF file",
				path);
		goto out;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		err = set_cause(cause, -ENOEXEC,
				"'%s' is not an x86_64 ELF executable", path);
		goto out;
	}
	need = elf_needs(elf, &eh, (uint64_t)st.st_size);
	if (need) {
		err = set_cause(cause, -ENOEXEC, "'%s' is truncated: %llu "
				"bytes, and its ELF headers describe %llu",
				path, (unsigned long long)st.st_size,
				(unsigned long long)need);
		goto out;
	}
	if (!(flags & KMODEL_ANY_ELF) &&
	    (eh.e_type != ET_EXEC ||
	     /* UML's linker script adds a section no other program has */
	     !has_section(elf, ".uml.setup.init", 0))) {
		err = set_cause(cause, -ENOEXEC,
				"'%s' is not a UML kernel (no .uml.setup.init "
				"section; build one with 'make guest')", path);
		goto out;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/*
 * Is the debug info whole?  Every unit header must chain to the exact end
 * of .debug_info, and every unit's first DIE must read as a compilation
 * unit: random bytes over a unit or its abbreviations break one or the
 * other.  (A damaged DIE deeper inside a unit is not found here.)
 */
static int check_dwarf(struct kmodel *k, char **cause)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int r, n = 0;

	while ((r = dwarf_next_unit(k->dwarf, off, &next, &hsize, NULL, NULL,
				    NULL, NULL, NULL, NULL)) == 0) {
		Dwarf_Die die;
		int tag;

		if (!dwarf_offdie(k->dwarf, off + hsize, &die) ||
		    ((tag = dwarf_tag(&die)) != DW_TAG_compile_unit &&
		     tag != DW_TAG_partial_unit && tag != DW_TAG_type_unit))
			return set_cause(cause, -EBADMSG, "'%s' has corrupt "
					 "debug info: the unit at .debug_info "
					 "offset 0x%llx does not start with a "
					 "compilation unit", k->path,
					 (unsigned long long)off);
		off = next;
		n++;
	}
	if (r < 0)
		return set_cause(cause, -EBADMSG, "'%s' has corrupt debug "
				 "info: the unit headers break off at "
				 ".debug_info offset 0x%llx (after %d units)",
				 k->path, (unsigned long long)off, n);
	return 0;
}

/* A symbol's name as a compiler writes it: printable, without spaces. */
static bool name_printable(const char *name)
{
	for (; *name; name++)
		if (*name <= ' ' || *name > '~')
			return false;
	return true;
}

/* Is the symbol table whole?  Every symbol's name must be readable and
 * printable and its section one of the file's: random bytes over .symtab
 * or .strtab break that. */
static int check_symtab(struct kmodel *k, char **cause)
{
	int n = dwfl_module_getsymtab(k->mod), i, bad = 0;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(k->mod, &bias);
	size_t nsec = 0;

	if (n <= 0 || !elf || elf_getshdrnum(elf, &nsec) < 0)
		return 0;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym(k->mod, i, &sym, &shndx);

		if (!name || !name_printable(name) ||
		    (shndx != SHN_UNDEF && shndx < SHN_LORESERVE &&
		     shndx >= nsec))
			bad++;
	}
	if (bad)
		return set_cause(cause, -EBADMSG, "'%s' has a corrupt symbol "
				 "table: %d of its %d symbols have no readable "
				 "name, or a section it does not have", k->path,
				 bad, n - 1);
	return 0;
}

int kmodel_open(const char *path, unsigned flags, struct kmodel **out,
		char **cause)
{
	GElf_Addr ebias;
	struct kmodel *k;
	int err;

	err = check_elf(path, flags, cause);
	if (err)
		return err;
	k = xcalloc(1, sizeof(*k));
	k->path = xstrdup(path);
	k->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!k->dwfl) {
		err = set_cause(cause, -ENOMEM, "dwfl_begin: %s",
				dwfl_errmsg(-1));
		goto out_free;
	}
	k->mod = dwfl_report_elf(k->dwfl, "kernel", path, -1, 0, false);
	if (!k->mod || dwfl_report_end(k->dwfl, NULL, NULL) != 0) {
		err = set_cause(cause, -ENOEXEC, "dwfl_report_elf: '%s': %s",
				path, dwfl_errmsg(-1));
		goto out_free;
	}
	k->dwarf = dwfl_module_getdwarf(k->mod, &k->bias);
	k->stripped = !has_section(dwfl_module_getelf(k->mod, &ebias), NULL,
				   SHT_SYMTAB);
	if (!(flags & KMODEL_ANY_ELF) &&
	    ((k->dwarf && (err = check_dwarf(k, cause)) < 0) ||
	     (err = check_symtab(k, cause)) < 0))
		goto out_free;
	load_symbols(k);
	if (!k->nsyms) {
		err = set_cause(cause, -ENOEXEC, "'%s' has no symbol table",
				path);
		goto out_free;
	}
	*out = k;
	return 0;

out_free:
	kmodel_free(k);
	return err;
}

void kmodel_free(struct kmodel *k)
{
	int i;

	if (!k)
		return;
	kmodel_var_index_free(k->cache[KMODEL_CACHE_VARS]);
	k->cache[KMODEL_CACHE_VARS] = NULL;
	kmodel_moddw_free(k->cache[KMODEL_CACHE_MODDW]);
	k->cache[KMODEL_CACHE_MODDW] = NULL;
	for (i = 0; i < KMODEL_CACHE_MAX; i++)
		free(k->cache[i]);
	if (k->dwfl)
		dwfl_end(k->dwfl);
	free(k->syms);
	free(k->path);
	free(k->src_root);
	free(k->units_ok);
	free(k);
}

const char *kmodel_path(const struct kmodel *k)
{
	return k->path;
}

size_t kmodel_build_id(const struct kmodel *k, uint8_t *buf, size_t max)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(k->mod, &bits, &vaddr);

	if (n <= 0)
		return 0;
	if ((size_t)n > max)
		n = (int)max;
	memcpy(buf, bits, (size_t)n);
	return (size_t)n;
}

bool kmodel_has_dwarf(const struct kmodel *k)
{
	return k->dwarf != NULL;
}

void kmodel_set_mem(struct kmodel *k, const struct kmodel_mem *mem)
{
	k->mem = *mem;
}

ssize_t kmodel_read(struct kmodel *k, uint64_t addr, void *buf, size_t len)
{
	if (!k->mem.read)
		return -ENXIO;
	return k->mem.read(k->mem.arg, addr, buf, len);
}

bool kmodel_read_str(struct kmodel *k, uint64_t ptr, char *buf, size_t len)
{
	ssize_t n = ptr ? kmodel_read(k, ptr, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	buf[strnlen(buf, len - 1)] = '\0';
	return n > 0;
}

int kmodel_read_u64(struct kmodel *k, uint64_t addr, uint64_t *v)
{
	ssize_t n = kmodel_read(k, addr, v, sizeof(*v));

	if (n == (ssize_t)sizeof(*v))
		return 0;
	return n < 0 ? (int)n : -EIO;
}

/* First symbol named `name` (in name order), or NULL. */
static const struct ksym *sym_first(struct kmodel *k, const char *name,
				    size_t *count)
{
	size_t lo = 0, hi = k->nsyms, i;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(k->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == k->nsyms || strcmp(k->syms[lo].name, name))
		return NULL;
	for (i = lo; i < k->nsyms && !strcmp(k->syms[i].name, name); i++)
		;
	*count = i - lo;
	return &k->syms[lo];
}

int kmodel_symbol_info(struct kmodel *k, const char *name, uint64_t *addr,
		       bool *func)
{
	size_t n, i;
	const struct ksym *s = sym_first(k, name, &n);

	if (!s)
		return -ENOENT;
	/* Prefer a data or function symbol over a label. */
	for (i = 0; i < n; i++)
		if (s[i].type == STT_OBJECT || s[i].type == STT_FUNC) {
			*addr = s[i].addr;
			*func = s[i].type == STT_FUNC;
			return 0;
		}
	*addr = s[0].addr;
	*func = s[0].type == STT_FUNC;
	return 0;
}

int kmodel_symbol_addr(struct kmodel *k, const char *name, uint64_t *addr)
{
	bool func;

	return kmodel_symbol_info(k, name, addr, &func);
}

/* The first symbol named `name` of ELF type `type`: 0 or -ENOENT. */
static int sym_typed(struct kmodel *k, const char *name, int type,
		     uint64_t *addr, uint64_t *size)
{
	size_t n, i;
	const struct ksym *s = sym_first(k, name, &n);

	for (i = 0; s && i < n; i++)
		if (s[i].type == type) {
			*addr = s[i].addr;
			*size = s[i].size;
			return 0;
		}
	return -ENOENT;
}

int kmodel_symbol_object(struct kmodel *k, const char *name, uint64_t *addr,
			 uint64_t *size)
{
	int err = sym_typed(k, name, STT_OBJECT, addr, size);

	if (!err && !*size)
		kmodel_var_size(k, name, size);
	return err;
}

static void push_addr(uint64_t **v, size_t *n, uint64_t a)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i] == a)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = a;
}

/* Every address of the first line with code at or after lineno in file,
 * in mod's DWARF (a line may be inlined in several places). */
static void lines_in(Dwfl_Module *mod, const char *file, int lineno,
		     uint64_t **addrs, size_t *naddrs)
{
	Dwfl_Line **lines = NULL;
	size_t nlines = 0, i;
	int best = -1;

	if (dwfl_module_getsrc_file(mod, file, lineno, 0, &lines,
				    &nlines) != 0)
		return;
	for (i = 0; i < nlines; i++) {
		int l;

		if (!dwfl_lineinfo(lines[i], NULL, &l, NULL, NULL, NULL))
			continue;
		if (l >= lineno && (best < 0 || l < best))
			best = l;
	}
	for (i = 0; i < nlines; i++) {
		Dwarf_Addr a;
		int l;

		if (!dwfl_lineinfo(lines[i], &a, &l, NULL, NULL, NULL))
			continue;
		if (l == best)
			push_addr(addrs, naddrs, a);
	}
	free(lines);
}

struct module_lines {
	const char *file;
	int lineno;
	uint64_t **addrs;
	size_t *naddrs;
};

static bool module_lines(void *arg, Dwfl_Module *mod, const char *name)
{
	struct module_lines *ml = arg;

	(void)name;
	lines_in(mod, ml->file, ml->lineno, ml->addrs, ml->naddrs);
	return *ml->naddrs > 0;
}

/* FILE:LINE in the kernel, or else in a loaded module's source. */
static int resolve_line(struct kmodel *k, const char *spec, const char *colon,
			uint64_t **addrs, size_t *naddrs, char **cause)
{
	char *file = xstrndup(spec, colon - spec);
	uint64_t lineno;
	int err = 0;

	if (parse_u64(colon + 1, &lineno) < 0 || lineno == 0 ||
	    lineno > INT32_MAX || !*file) {
		err = set_cause(cause, -EINVAL,
				"bad location '%s': expected FILE:LINE", spec);
		goto out;
	}
	if (k->dwarf)
		lines_in(k->mod, file, (int)lineno, addrs, naddrs);
	if (!*naddrs) {
		struct module_lines ml = { file, (int)lineno, addrs, naddrs };

		kmodel_each_module_dwarf(k, module_lines, &ml);
	}
	if (!*naddrs && !k->dwarf)
		err = set_cause(cause, -ENOENT,
				"cannot resolve '%s': '%s' has no debug info",
				spec, k->path);
	else if (!*naddrs)
		err = set_cause(cause, -ENOENT,
				"no code at '%s' in '%s' or its loaded modules "
				"(no such file, or no line with code at or "
				"after %llu)", spec, k->path,
				(unsigned long long)lineno);
out:
	free(file);
	return err;
}

/* The units holding the code at addrs are whole (kmodel_unit_ok). */
static int units_ok(struct kmodel *k, const uint64_t *addrs, size_t n,
		    char **cause)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	size_t i;
	int err;

	for (i = 0; k->dwarf && i < n; i++)
		if (dwfl_addrmodule(k->dwfl, addrs[i]) == k->mod &&
		    (cu = dwfl_module_addrdie(k->mod, addrs[i], &bias)) &&
		    (err = kmodel_unit_ok(k, cu, cause)) < 0)
			return err;
	return 0;
}

static int resolve(struct kmodel *k, const char *spec, uint64_t **addrs,
		   size_t *naddrs, char **cause)
{
	const struct ksym *s;
	const char *colon;
	uint64_t a;
	size_t n, i;

	*addrs = NULL;
	*naddrs = 0;
	if (!spec || !*spec)
		return set_cause(cause, -EINVAL, "empty location");
	if (spec[0] == '*') {
		uint64_t size;
		int err;

		/* *EXPR: the address an expression gives (*0x603d2b28,
		 * *ksys_write+0x60) */
		if (parse_u64(spec + 1, &a) < 0) {
			char *why = NULL;

			err = kmodel_eval_addr(k, spec + 1, NULL, &a, &size,
					       &why);
			if (err < 0) {
				err = set_cause(cause, err, "bad address '%s': "
						"%s", spec, why);
				free(why);
				return err;
			}
		}
		push_addr(addrs, naddrs, a);
		return 0;
	}
	colon = strrchr(spec, ':');
	if (colon)
		return resolve_line(k, spec, colon, addrs, naddrs, cause);
	s = sym_first(k, spec, &n);
	if (!s)
		return set_cause(cause, -ENOENT, "no symbol '%s' in '%s'%s",
				 spec, k->path, k->stripped ? ", which is "
				 "stripped: only its dynamic symbols are left"
				 : "");
	for (i = 0; i < n; i++)
		if (s[i].type == STT_FUNC)
			push_addr(addrs, naddrs, s[i].addr);
	if (!*naddrs)
		push_addr(addrs, naddrs, s[0].addr);
	return 0;
}

int kmodel_resolve(struct kmodel *k, const char *spec, uint64_t **addrs,
		   size_t *naddrs, char **cause)
{
	int err = resolve(k, spec, addrs, naddrs, cause);

	if (err == 0 && (err = units_ok(k, *addrs, *naddrs, cause)) < 0) {
		free(*addrs);
		*addrs = NULL;
		*naddrs = 0;
	}
	return err;
}

/* ---- describing pcs ---------------------------------------------------- */

/* Offsets are shown from the pc itself, also for return addresses. */
static uint64_t call_site_adjust(uint64_t off, uint64_t pc, uint64_t look)
{
	return off + (pc - look);
}

static const char *strip_root(struct kmodel *k, const char *file)
{
	size_t n;

	if (!file)
		return NULL;
	if (k->src_root) {
		n = strlen(k->src_root);
		if (!strncmp(file, k->src_root, n))
			return file + n;
	}
	return file;
}

/* The kernel's CUs share one comp_dir: the source tree. */
static void learn_src_root(struct kmodel *k, Dwarf_Die *cudie)
{
	Dwarf_Attribute attr;
	const char *dir;

	if (k->src_root)
		return;
	dir = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &attr));
	if (dir && *dir)
		k->src_root = xasprintf("%s/", dir);
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name;

	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name,
						     &attr));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name,
							     &attr));
	return name;
}

/* pc outside the kernel image: a host library or a kernel module. */
static int where_elsewhere(struct kmodel *k, uint64_t pc, uint64_t look,
			   Dwfl_Module *m, struct kmodel_where **out)
{
	struct kmodel_where *w = xcalloc(1, sizeof(*w));
	const char *name, *modname;
	GElf_Off off = 0;
	GElf_Sym sym;

	w->pc = pc;
	if (m) {
		Dwarf_Addr start = 0;

		name = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL,
					    NULL);
		modname = dwfl_module_info(m, NULL, &start, NULL, NULL, NULL,
					   NULL, NULL);
		/* A stripped library: at least say where in it. */
		w->func = name ? xstrdup(name) :
			xasprintf("%s+0x%llx", modname ? modname : "??",
				  (unsigned long long)(pc - start));
		w->offset = name ? call_site_adjust(off, pc, look) : 0;
		w->module = modname ? xstrdup(modname) : NULL;
	} else if (kmodel_module_where(k, look, &w->func, &w->offset,
				       &w->module) == 0) {
		w->offset = call_site_adjust(w->offset, pc, look);
	}
	*out = w;
	return 1;
}

bool kmodel_row_at(struct kmodel *k, uint64_t pc, bool *is_stmt)
{
	Dwfl_Module *m = dwfl_addrmodule(k->dwfl, pc);
	Dwfl_Line *dl;
	Dwarf_Addr bias, addr;
	Dwarf_Line *line;

	*is_stmt = false;
	if (!m)		/* a loaded module's code */
		m = kmodel_module_dwarf(k, pc, NULL);
	dl = m ? dwfl_module_getsrc(m, pc) : NULL;
	if (!dl || !(line = dwfl_dwarf_line(dl, &bias)))
		return false;
	if (dwarf_lineaddr(line, &addr) < 0 || addr + bias != pc)
		return false;
	return dwarf_linebeginstatement(line, is_stmt) == 0;
}

/* pc in code with DWARF (the kernel's, or a loaded module's: mod). */
static int where_dwarf(struct kmodel *k, Dwfl_Module *mod, uint64_t pc,
		       uint64_t look, struct kmodel_where **out)
{
	struct kmodel_where *w = NULL;
	Dwarf_Die *scopes = NULL;
	Dwarf_Die cudie_mem, *cudie;
	Dwarf_Addr bias;
	GElf_Sym sym;
	GElf_Off off = 0;
	const char *symname, *file = NULL;
	int n = 0, nscopes = 0, line = 0, i;
	Dwfl_Line *dl;

	symname = dwfl_module_addrinfo(mod, look, &off, &sym, NULL, NULL,
				       NULL);
	off = call_site_adjust(off, pc, look);
	cudie = mod != k->mod || k->dwarf ?
		dwfl_module_addrdie(mod, look, &bias) : NULL;
	/* A damaged unit says nothing: the symbol table still names the
	 * function (a breakpoint in it says what the damage is). */
	if (cudie && mod == k->mod && kmodel_unit_ok(k, cudie, NULL) < 0)
		cudie = NULL;
	dl = cudie ? dwfl_module_getsrc(mod, look) : NULL;
	if (dl)
		file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);

	if (cudie) {
		cudie_mem = *cudie;
		if (mod == k->mod)
			learn_src_root(k, &cudie_mem);
		nscopes = dwarf_getscopes(&cudie_mem, look - bias, &scopes);
		/* dwarf_getscopes follows an inline into its abstract
		 * definition; the concrete chain of callers comes from
		 * dwarf_getscopes_die on the innermost function scope. */
		for (i = 0; i < nscopes; i++) {
			int tag = dwarf_tag(&scopes[i]);

			if (tag == DW_TAG_inlined_subroutine ||
			    tag == DW_TAG_subprogram)
				break;
		}
		if (i < nscopes) {
			Dwarf_Die inner = scopes[i];

			free(scopes);
			scopes = NULL;
			nscopes = dwarf_getscopes_die(&inner, &scopes);
		}
	}

	/* Walk scopes innermost-out: every inlined_subroutine is a frame
	 * whose caller's line is its DW_AT_call_line. */
	w = xcalloc(nscopes + 1, sizeof(*w));
	for (i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Attribute attr;
		Dwarf_Word cl = 0, cf = 0;
		Dwarf_Files *files;
		size_t nfiles;

		if (tag != DW_TAG_inlined_subroutine &&
		    tag != DW_TAG_subprogram)
			continue;
		w[n].pc = pc;
		w[n].func = die_name(&scopes[i]) ?
			xstrdup(die_name(&scopes[i])) : NULL;
		w[n].file = file ? xstrdup(strip_root(k, file)) : NULL;
		w[n].line = line;
		if (tag == DW_TAG_subprogram) {
			Dwarf_Addr lo;

			if (symname && w[n].func &&
			    !strcmp(symname, w[n].func))
				w[n].offset = off;
			else if (dwarf_lowpc(&scopes[i], &lo) == 0 &&
				 lo + bias <= look)
				/* the ELF symbol is an alias (a module's
				 * init_module): from the function's start */
				w[n].offset = pc - (lo + bias);
			else
				w[n].offset = 0;
			n++;
			break;
		}
		w[n].inlined = true;
		n++;
		/* The caller's position is this inline's call site. */
		file = NULL;
		line = 0;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line,
					       &attr), &cl) == 0)
			line = (int)cl;
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file,
					       &attr), &cf) == 0 &&
		    dwarf_getsrcfiles(&cudie_mem, &files, &nfiles) == 0 &&
		    cf < nfiles)
			file = dwarf_filesrc(files, cf, NULL, NULL);
	}
	free(scopes);
	if (n == 0) {
		/* No DWARF for this pc: the ELF symbol is all we have. */
		w[0].pc = pc;
		w[0].func = symname ? xstrdup(symname) : NULL;
		w[0].offset = off;
		w[0].file = file ? xstrdup(strip_root(k, file)) : NULL;
		w[0].line = line;
		n = 1;
	} else if (!w[n - 1].func && symname) {
		w[n - 1].func = xstrdup(symname);
		w[n - 1].offset = off;
	}
	*out = w;
	return n;
}

int kmodel_where(struct kmodel *k, uint64_t pc, bool call_site,
		 struct kmodel_where **out)
{
	uint64_t look = call_site ? pc - 1 : pc;
	Dwfl_Module *m = dwfl_addrmodule(k->dwfl, look);
	const char *modname = NULL;
	int n, i;

	if (m == k->mod)
		return where_dwarf(k, k->mod, pc, look, out);
	if (m || !(m = kmodel_module_dwarf(k, look, &modname)))
		return where_elsewhere(k, pc, look, m, out);
	n = where_dwarf(k, m, pc, look, out);
	for (i = 0; i < n; i++)
		(*out)[i].module = xstrdup(modname);
	return n;
}

void kmodel_where_free(struct kmodel_where *w, int n)
{
	int i;

	for (i = 0; w && i < n; i++) {
		free(w[i].func);
		free(w[i].file);
		free(w[i].module);
	}
	free(w);
}

char *kmodel_where_str(const struct kmodel_where *w)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%s", w->func ? w->func : "??");
	if (w->func && !w->inlined && w->offset)
		strbuf_addf(&sb, "+0x%llx", (unsigned long long)w->offset);
	if (w->file && w->line)
		strbuf_addf(&sb, " at %s:%d", w->file, w->line);
	else if (w->file)
		strbuf_addf(&sb, " at %s", w->file);
	if (w->module)
		strbuf_addf(&sb, " [%s]", w->module);
	return strbuf_detach(&sb);
}

int kmodel_report_maps(struct kmodel *k, const char *maps_path, char **cause)
{
	char line[4096], kreal[PATH_MAX], *real;
	FILE *f = fopen(maps_path, "re");
	int added = 0;

	if (!f)
		return set_cause(cause, -errno, "cannot open '%s': %s",
				 maps_path, errstr(errno));
	if (!realpath(k->path, kreal))
		snprintf(kreal, sizeof(kreal), "%s", k->path);
	dwfl_report_begin_add(k->dwfl);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		char perms[8], path[PATH_MAX];
		const char *base;

		path[0] = '\0';
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]",
			   &start, &end, perms, &offset, path) < 4 ||
		    offset != 0 || path[0] != '/')
			continue;
		real = realpath(path, NULL);
		if (!real)
			continue;
		if (strcmp(real, kreal) && !dwfl_addrmodule(k->dwfl, start)) {
			base = strrchr(real, '/') + 1;
			if (dwfl_report_elf(k->dwfl, base, real, -1, start,
					    false))
				added++;
		}
		free(real);
	}
	fclose(f);
	dwfl_report_end(k->dwfl, NULL, NULL);
	return added;
}

bool kmodel_section_of(struct kmodel *k, uint64_t addr, char *name,
		       size_t len)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(k->mod, &bias);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) < 0)
		return false;
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_ALLOC) &&
		    addr >= sh.sh_addr + bias &&
		    addr < sh.sh_addr + bias + sh.sh_size) {
			const char *n = elf_strptr(elf, shstrndx, sh.sh_name);

			snprintf(name, len, "%s", n ? n : "?");
			return true;
		}
	return false;
}

int kmodel_function(struct kmodel *k, const char *name, uint64_t *addr,
		    uint64_t *size)
{
	return sym_typed(k, name, STT_FUNC, addr, size);
}

ssize_t kmodel_image_read(struct kmodel *k, uint64_t addr, void *buf,
			  size_t len)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(k->mod, &bias);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;
		uint64_t off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr + bias ||
		    addr >= sh.sh_addr + bias + sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		off = addr - (sh.sh_addr + bias);
		if (!d || off >= d->d_size)
			return -EIO;
		if (len > d->d_size - off)
			len = d->d_size - off;
		memcpy(buf, (const uint8_t *)d->d_buf + off, len);
		return (ssize_t)len;
	}
	return -ENOENT;
}
