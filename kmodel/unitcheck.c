/*
 * kmodel/unitcheck.c - is one compilation unit's debug info whole?
 *
 * kmodel_open checks only that the units chain and each starts with a
 * unit DIE; reading every unit of a kernel up front would cost about 0.7 s
 * on every start.  Instead a unit is checked the first time umdbg uses it
 * (a breakpoint on one of its functions, a pc described with its
 * file:line, an expression in its scope): every DIE must decode, every
 * attribute must read in its form, every reference must land on a DIE,
 * and its line table must read (check_lines says what else it must be).
 * Random bytes over a DIE, its abbreviations or a line program break one
 * of those.  A unit that passes is remembered.
 */
#include <errno.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>

#include "internal.h"

/* Line numbers beyond this are damage, not source (the kernel's largest
 * file has some 20 000 lines). */
#define MAX_LINE (1 << 22)

struct attr_walk {
	const char *why;	/* set when an attribute does not read */
	unsigned name, form;
};

static int check_attr(Dwarf_Attribute *a, void *arg)
{
	struct attr_walk *w = arg;
	unsigned form = dwarf_whatform(a);
	Dwarf_Word u;
	Dwarf_Addr addr;
	Dwarf_Block blk;
	Dwarf_Die die;
	bool flag;
	bool ok;

	switch (form) {
	case DW_FORM_addr: case DW_FORM_addrx: case DW_FORM_addrx1:
	case DW_FORM_addrx2: case DW_FORM_addrx3: case DW_FORM_addrx4:
	case DW_FORM_GNU_addr_index:
		ok = dwarf_formaddr(a, &addr) == 0;
		break;
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4:
	case DW_FORM_data8: case DW_FORM_sdata: case DW_FORM_udata:
	case DW_FORM_implicit_const: case DW_FORM_sec_offset:
	case DW_FORM_loclistx: case DW_FORM_rnglistx:
		/* for a section offset, libdw also checks it is inside
		 * the section */
		ok = dwarf_formudata(a, &u) == 0;
		break;
	case DW_FORM_data16:	/* 16 bytes, nothing inside to decode */
		ok = true;
		break;
	case DW_FORM_string: case DW_FORM_strp: case DW_FORM_line_strp:
	case DW_FORM_strx: case DW_FORM_strx1: case DW_FORM_strx2:
	case DW_FORM_strx3: case DW_FORM_strx4: case DW_FORM_GNU_strp_alt:
	case DW_FORM_GNU_str_index:
		ok = dwarf_formstring(a) != NULL;
		break;
	case DW_FORM_ref1: case DW_FORM_ref2: case DW_FORM_ref4:
	case DW_FORM_ref8: case DW_FORM_ref_udata: case DW_FORM_ref_addr:
	case DW_FORM_ref_sig8: case DW_FORM_GNU_ref_alt:
		ok = dwarf_formref_die(a, &die) != NULL &&
		     dwarf_tag(&die) != DW_TAG_invalid;
		break;
	case DW_FORM_flag: case DW_FORM_flag_present:
		ok = dwarf_formflag(a, &flag) == 0;
		break;
	case DW_FORM_block: case DW_FORM_block1: case DW_FORM_block2:
	case DW_FORM_block4: case DW_FORM_exprloc:
		ok = dwarf_formblock(a, &blk) == 0;
		break;
	default:
		ok = false;
		break;
	}
	if (ok)
		return DWARF_CB_OK;
	w->why = "an attribute does not read in its form";
	w->name = dwarf_whatattr(a);
	w->form = form;
	return DWARF_CB_ABORT;
}

/* Every DIE of the unit, depth first, without recursion. */
static int check_dies(Dwarf_Die *cu, struct attr_walk *w, Dwarf_Off *where)
{
	Dwarf_Die stack[64];
	int depth = 0, r;

	stack[0] = *cu;
	for (;;) {
		Dwarf_Die *d = &stack[depth];

		*where = dwarf_dieoffset(d);
		if (dwarf_tag(d) == DW_TAG_invalid) {
			w->why = "a DIE's abbreviation is unknown";
			return -1;
		}
		if (dwarf_getattrs(d, check_attr, w, 0) != 1) {
			if (!w->why)
				w->why = "a DIE's attributes do not read";
			return -1;
		}
		if (dwarf_haschildren(d)) {
			if (depth + 1 >= (int)ARRAY_SIZE(stack)) {
				w->why = "DIEs nest deeper than any source does";
				return -1;
			}
			r = dwarf_child(d, &stack[depth + 1]);
			if (r < 0) {
				w->why = "a DIE's children do not read";
				return -1;
			}
			if (r == 0) {
				depth++;
				continue;
			}
		}
		/* no children: on to the next sibling, or up */
		for (;;) {
			if (depth == 0)
				return 0;
			r = dwarf_siblingof(&stack[depth], &stack[depth]);
			if (r < 0) {
				*where = dwarf_dieoffset(&stack[depth]);
				w->why = "a DIE's sibling does not read";
				return -1;
			}
			if (r == 0)
				break;
			depth--;
		}
	}
}

struct range {
	Dwarf_Addr lo, hi;
};

/* The kernel's code: its executable sections.  (Not the unit's own
 * ranges: a compiler may add code with rows and no DIE, as KASAN's
 * constructors.) */
static size_t code_ranges(struct kmodel *k, struct range **out)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(k->mod, &bias);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t n = 0;

	*out = NULL;
	while (elf && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR) &&
		    sh.sh_size) {
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n].lo = sh.sh_addr;
			(*out)[n++].hi = sh.sh_addr + sh.sh_size;
		}
	return n;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The unit's own code ranges, sorted, touching ones merged; -1 if they do
 * not read. */
static ssize_t unit_ranges(Dwarf_Die *cu, struct range **out)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	size_t n = 0, i, m;

	*out = NULL;
	while ((off = dwarf_ranges(cu, off, &base, &lo, &hi)) > 0) {
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n].lo = lo;
		(*out)[n++].hi = hi;
	}
	if (off < 0)
		return -1;
	if (!n)
		return 0;
	qsort(*out, n, sizeof(**out), cmp_range);
	for (i = 1, m = 0; i < n; i++)
		if ((*out)[i].lo <= (*out)[m].hi) {
			if ((*out)[i].hi > (*out)[m].hi)
				(*out)[m].hi = (*out)[i].hi;
		} else {
			(*out)[++m] = (*out)[i];
		}
	return (ssize_t)m + 1;
}

static const struct range *in_ranges(const struct range *rs, size_t n,
				     Dwarf_Addr addr, bool end)
{
	size_t i;

	/* a sequence's end row is one past its last byte */
	for (i = 0; i < n; i++)
		if (addr >= rs[i].lo &&
		    (addr < rs[i].hi || (end && addr == rs[i].hi)))
			return &rs[i];
	return NULL;
}

/*
 * The unit's line table: readable, with line numbers a source file can
 * have, every row in the kernel's code, and a sequence that starts in one
 * of the unit's ranges ends in the same one.  (A sequence outside them
 * all is code a compiler added with rows and no DIE, as KASAN's
 * constructors.)  Random bytes over a line program shift the rows after
 * them past their function's end.
 */
static const char *check_lines(struct kmodel *k, Dwarf_Die *cu,
			       size_t *bad_row)
{
	struct range *code, *unit;
	const struct range *seq = NULL;
	size_t ncode, nlines, i;
	ssize_t nunit;
	Dwarf_Lines *lines;
	Dwarf_Attribute attr;
	const char *why = NULL;
	bool start = true;

	if (!dwarf_attr(cu, DW_AT_stmt_list, &attr))
		return NULL;
	if (dwarf_getsrclines(cu, &lines, &nlines) != 0)
		return "its line table does not read";
	nunit = unit_ranges(cu, &unit);
	if (nunit < 0) {
		free(unit);
		return "its address ranges do not read";
	}
	ncode = code_ranges(k, &code);
	for (i = 0; i < nlines && !why; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		int lineno;
		bool end = false;

		*bad_row = i;
		if (!l || dwarf_lineaddr(l, &addr) != 0 ||
		    dwarf_lineno(l, &lineno) != 0 ||
		    dwarf_lineendsequence(l, &end) != 0) {
			why = "a row of its line table does not read";
			break;
		}
		if (lineno < 0 || lineno > MAX_LINE)
			why = "its line table has a line no source has";
		else if (ncode && !in_ranges(code, ncode, addr, end))
			why = "its line table has code outside the kernel's";
		else if (start)
			seq = in_ranges(unit, (size_t)nunit, addr, false);
		else if (seq && (addr < seq->lo || addr > seq->hi ||
				 (addr == seq->hi && !end)))
			why = "its line table runs past the unit's code";
		start = end;
	}
	free(code);
	free(unit);
	return why;
}

static bool unit_known(const struct kmodel *k, Dwarf_Off off, size_t *at)
{
	size_t lo = 0, hi = k->nunits_ok;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->units_ok[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < k->nunits_ok && k->units_ok[lo] == off;
}

int kmodel_unit_ok(struct kmodel *k, Dwarf_Die *cu, char **cause)
{
	Dwarf_Off off = dwarf_dieoffset(cu), where = off;
	struct attr_walk w = { NULL, 0, 0 };
	const char *name = dwarf_diename(cu), *why;
	size_t at, row = 0;

	if (unit_known(k, off, &at))
		return 0;
	if (check_dies(cu, &w, &where) < 0) {
		if (w.name)
			return set_cause(cause, -EBADMSG, "'%s' has corrupt "
					 "debug info: in the unit of %s, the "
					 "DIE at .debug_info offset 0x%llx: "
					 "attribute 0x%x (form 0x%x) does not "
					 "read", k->path, name ? name : "?",
					 (unsigned long long)where, w.name,
					 w.form);
		return set_cause(cause, -EBADMSG, "'%s' has corrupt debug "
				 "info: in the unit of %s, %s (.debug_info "
				 "offset 0x%llx)", k->path, name ? name : "?",
				 w.why, (unsigned long long)where);
	}
	why = check_lines(k, cu, &row);
	if (why)
		return set_cause(cause, -EBADMSG, "'%s' has corrupt debug "
				 "info: in the unit of %s, %s (row %zu)",
				 k->path, name ? name : "?", why, row);
	k->units_ok = xrealloc(k->units_ok,
			       (k->nunits_ok + 1) * sizeof(*k->units_ok));
	memmove(k->units_ok + at + 1, k->units_ok + at,
		(k->nunits_ok - at) * sizeof(*k->units_ok));
	k->units_ok[at] = off;
	k->nunits_ok++;
	return 0;
}
