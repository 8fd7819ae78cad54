/*
 * tests/helpers/unit-where.c - where, in a kernel file, the debug info of
 * one function's compilation unit lies, so t5002 can damage the inside of
 * a unit (its DIEs, its line program) rather than a section's start.
 *
 *   unit-where KERNEL FUNCTION
 *
 * prints three lines:
 *   name UNIT-NAME
 *   info FILE-OFFSET LENGTH	(the unit in .debug_info, header included)
 *   line FILE-OFFSET LENGTH	(its line program in .debug_line)
 */
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static int fail(const char *what)
{
	fprintf(stderr, "unit-where: %s\n", what);
	return 1;
}

/* The file offset of section name, uncompressed. */
static long section_at(Elf *elf, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) < 0)
		return -1;
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    !strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name))
			return sh.sh_flags & SHF_COMPRESSED ? -1 :
			       (long)sh.sh_offset;
	return -1;
}

int main(int argc, char **argv)
{
	Dwfl *dwfl = dwfl_begin(&callbacks);
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	Dwarf_Off off = 0, next, dieoff;
	Dwarf_Attribute attr;
	Dwarf_Word stmt;
	GElf_Sym sym;
	Elf *elf;
	size_t hsize;
	uint32_t len;
	long info, line;
	int i, n, fd;

	if (argc != 3)
		return fail("usage: unit-where KERNEL FUNCTION");
	mod = dwfl_report_offline(dwfl, "kernel", argv[1], -1);
	if (!mod || dwfl_report_end(dwfl, NULL, NULL) != 0 ||
	    !(dw = dwfl_module_getdwarf(mod, &bias)) ||
	    !(elf = dwfl_module_getelf(mod, &bias)))
		return fail("no debug info");
	n = dwfl_module_getsymtab(mod);
	for (i = 1; i < n; i++) {
		const char *name = dwfl_module_getsym(mod, i, &sym, NULL);

		if (name && !strcmp(name, argv[2]) &&
		    GELF_ST_TYPE(sym.st_info) == STT_FUNC)
			break;
	}
	if (i >= n || !(cu = dwfl_module_addrdie(mod, sym.st_value, &bias)))
		return fail("no such function, or no unit for it");
	dieoff = dwarf_dieoffset(cu);
	while (dwarf_next_unit(dw, off, &next, &hsize, NULL, NULL, NULL, NULL,
			       NULL, NULL) == 0 && next <= dieoff)
		off = next;
	if (dwarf_formudata(dwarf_attr(cu, DW_AT_stmt_list, &attr),
			    &stmt) != 0)
		return fail("the unit has no line program");
	info = section_at(elf, ".debug_info");
	line = section_at(elf, ".debug_line");
	if (info < 0 || line < 0)
		return fail("no uncompressed .debug_info or .debug_line");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || pread(fd, &len, 4, line + (long)stmt) != 4)
		return fail("cannot read the line program's length");
	close(fd);
	printf("name %s\n", dwarf_diename(cu));
	printf("info %ld %llu\n", info + (long)off,
	       (unsigned long long)(next - off));
	printf("line %ld %lu\n", line + (long)stmt, 4 + (unsigned long)len);
	dwfl_end(dwfl);
	return 0;
}
