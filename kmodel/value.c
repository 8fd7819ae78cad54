/*
 * kmodel/value.c - print a kernel global variable from its DWARF type:
 * integers, enums (by name), pointers (with the symbol they point to),
 * char arrays as strings, arrays, and structs/unions member by member,
 * down to a depth limit.
 *
 * Variables are found by name in an index of every CU's top-level
 * variable DIEs, built on first use and kept in the model; the address
 * comes from the ELF symbol.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct var_entry {
	const char *name;	/* libdw's string */
	Dwarf_Off die;
	int tag;		/* DW_TAG_variable, a type's, enumerator */
	bool defined;		/* a variable with a location */
};

struct var_index {
	struct var_entry *v;
	size_t n, alloc;
};

void kmodel_var_index_free(void *index)
{
	struct var_index *ix = index;

	if (ix)
		free(ix->v);
	free(ix);
}

/* By name; for one name, defined variables first. */
static int cmp_var(const void *a, const void *b)
{
	const struct var_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)y->defined - (int)x->defined;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct var_entry *)a)->name,
		      ((const struct var_entry *)b)->name);
}

static void index_add(struct var_index *ix, const char *name, Dwarf_Die *die,
		      int tag, bool defined)
{
	if (ix->n == ix->alloc) {
		ix->alloc = ix->alloc ? 2 * ix->alloc : 4096;
		ix->v = xrealloc(ix->v, ix->alloc * sizeof(*ix->v));
	}
	ix->v[ix->n++] = (struct var_entry){ name, dwarf_dieoffset(die), tag,
					     defined };
}

/* One top-level DIE of a CU: a variable (defined or declared), a named
 * type, or an enum's constants. */
static void index_die(struct var_index *ix, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die e;
	const char *name;
	int tag = dwarf_tag(die);

	switch (tag) {
	case DW_TAG_variable:
		name = dwarf_diename(die);
		if (!name)	/* a definition of a declared one */
			name = dwarf_formstring(dwarf_attr_integrate(
				die, DW_AT_name, &attr));
		if (name)
			index_add(ix, name, die, tag,
				  dwarf_attr(die, DW_AT_location, &attr));
		return;
	case DW_TAG_enumeration_type:
		if (dwarf_child(die, &e) == 0)
			do {
				if ((name = dwarf_diename(&e)))
					index_add(ix, name, &e,
						  DW_TAG_enumerator, false);
			} while (dwarf_siblingof(&e, &e) == 0);
		/* fall through */
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		if ((name = dwarf_diename(die)) &&
		    !dwarf_attr(die, DW_AT_declaration, &attr))
			index_add(ix, name, die, tag, false);
		return;
	default:
		return;
	}
}

static struct var_index *var_index(struct kmodel *k)
{
	struct var_index *ix = k->cache[KMODEL_CACHE_VARS];
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (ix)
		return ix;
	ix = xcalloc(1, sizeof(*ix));
	while (dwarf_nextcu(k->dwarf, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(k->dwarf, off + hsize, &cu) &&
		    dwarf_child(&cu, &child) == 0)
			do
				index_die(ix, &child);
			while (dwarf_siblingof(&child, &child) == 0);
		off = next;
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_var);
	k->cache[KMODEL_CACHE_VARS] = ix;
	return ix;
}

/* The first entry named name whose tag is one of tags (0-ended). */
static const struct var_entry *index_find(struct kmodel *k, const char *name,
					  const int *tags)
{
	struct var_index *ix = var_index(k);
	struct var_entry key = { name, 0, 0, false };
	const struct var_entry *e;
	size_t i;

	e = bsearch(&key, ix->v, ix->n, sizeof(*e), cmp_name);
	if (!e)
		return NULL;
	while (e > ix->v && !strcmp(e[-1].name, name))
		e--;
	for (; e < ix->v + ix->n && !strcmp(e->name, name); e++)
		for (i = 0; tags[i]; i++)
			if (e->tag == tags[i])
				return e;
	return NULL;
}

bool kmodel_dwarf_lookup(struct kmodel *k, const char *name, const int *tags,
			 Dwarf_Die *die, bool *defined)
{
	const struct var_entry *e;

	if (!k->dwarf || !(e = index_find(k, name, tags)) ||
	    !dwarf_offdie(k->dwarf, e->die, die))
		return false;
	if (defined)
		*defined = e->defined;
	return true;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &attr),
				 out) != NULL;
}

/* Strip typedefs and qualifiers. */
static bool strip(Dwarf_Die *t)
{
	for (;;) {
		int tag = dwarf_tag(t);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_atomic_type)
			return true;
		if (!type_of(t, t))
			return false;	/* void */
	}
}

static uint64_t get_uint(const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

static int64_t sign_extend(uint64_t v, size_t size)
{
	if (size >= 8)
		return (int64_t)v;
	if (v & (1ULL << (8 * size - 1)))
		v |= ~0ULL << (8 * size);
	return (int64_t)v;
}

static void indent(struct strbuf *sb, int n)
{
	while (n-- > 0)
		strbuf_add(sb, "  ", 2);
}

/* One byte of a C string or character literal, escaped as gdb does. */
static void add_escaped(struct strbuf *sb, uint8_t c, char quote)
{
	static const char esc[] = "\aa\bb\ff\nn\rr\tt\vv";
	const char *e;

	if (c == quote || c == '\\') {
		strbuf_addf(sb, "\\%c", c);
		return;
	}
	if (isprint(c)) {
		strbuf_add(sb, &c, 1);
		return;
	}
	for (e = esc; *e; e += 2)
		if ((uint8_t)e[0] == c) {
			strbuf_addf(sb, "\\%c", e[1]);
			return;
		}
	strbuf_addf(sb, "\\%03o", c);
}

void kmodel_print_cstring(struct strbuf *sb, const uint8_t *p, size_t max)
{
	size_t i;

	strbuf_add(sb, "\"", 1);
	for (i = 0; i < max && p[i]; i++)
		add_escaped(sb, p[i], '"');
	strbuf_add(sb, "\"", 1);
}

static void print_value(struct kmodel *k, Dwarf_Die *type, const uint8_t *p,
			size_t avail, int depth, int ind, char fmt,
			struct strbuf *sb);

void kmodel_print_int(struct strbuf *sb, uint64_t v, bool is_signed,
		      size_t size, char fmt)
{
	uint64_t mask = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	int i;

	v &= mask;
	switch (fmt) {
	case 'x':
		strbuf_addf(sb, "0x%llx", (unsigned long long)v);
		return;
	case 'o':
		strbuf_addf(sb, v ? "0%llo" : "0", (unsigned long long)v);
		return;
	case 't':
		for (i = 63; i > 0 && !(v >> i); i--)
			;
		for (; i >= 0; i--)
			strbuf_addf(sb, "%d", (int)(v >> i) & 1);
		return;
	case 'u':
		strbuf_addf(sb, "%llu", (unsigned long long)v);
		return;
	case 'd':
		is_signed = true;
		break;
	case 'c': {
		int8_t c = (int8_t)v;
		unsigned char u = (unsigned char)v;

		strbuf_addf(sb, "%d '", is_signed ? c : u);
		add_escaped(sb, u, '\'');
		strbuf_addf(sb, "'");
		return;
	}
	default:
		break;
	}
	if (is_signed)
		strbuf_addf(sb, "%lld", (long long)sign_extend(v, size));
	else
		strbuf_addf(sb, "%llu", (unsigned long long)v);
}

static void print_pointer(struct kmodel *k, Dwarf_Die *type, uint64_t v,
			  char fmt, struct strbuf *sb)
{
	Dwarf_Die target;

	if (fmt && fmt != 'a') {
		kmodel_print_int(sb, v, false, 8, fmt);
		return;
	}
	strbuf_addf(sb, "0x%llx", (unsigned long long)v);
	if (!v)
		return;
	if (type_of(type, &target) && strip(&target) &&
	    dwarf_tag(&target) == DW_TAG_base_type) {
		Dwarf_Word enc = 0;
		Dwarf_Attribute attr;

		dwarf_formudata(dwarf_attr(&target, DW_AT_encoding, &attr),
				&enc);
		if (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char) {
			uint8_t s[65] = { 0 };

			if (kmodel_read(k, v, s, 64) > 0) {
				kmodel_print_sym(k, v, sb);
				strbuf_add(sb, " ", 1);
				kmodel_print_cstring(sb, s, 64);
			}
			return;
		}
	}
	kmodel_print_sym(k, v, sb);
}

void kmodel_print_sym(struct kmodel *k, uint64_t v, struct strbuf *sb)
{
	struct kmodel_where *w;
	int n = kmodel_where(k, v, false, &w);

	if (n > 0 && w[n - 1].func) {
		if (w[n - 1].offset)
			strbuf_addf(sb, " <%s+%llu>", w[n - 1].func,
				    (unsigned long long)w[n - 1].offset);
		else
			strbuf_addf(sb, " <%s>", w[n - 1].func);
	}
	kmodel_where_free(w, n);
}

void kmodel_print_typed(struct kmodel *k, Dwarf_Die *type, const uint8_t *p,
			size_t avail, int depth, char fmt, struct strbuf *sb)
{
	print_value(k, type, p, avail, depth, 0, fmt, sb);
}

static void print_members(struct kmodel *k, Dwarf_Die *type,
			  const uint8_t *p, size_t avail, int depth, int ind,
			  char fmt, struct strbuf *sb)
{
	Dwarf_Die m, mt;
	Dwarf_Attribute attr;
	Dwarf_Word off, bits, bitoff;
	bool first = true;

	if (dwarf_child(type, &m) != 0) {
		strbuf_addf(sb, "{<No data fields>}");	/* gdb's words */
		return;
	}
	strbuf_addf(sb, "{\n");
	do {
		const char *name;
		Dwarf_Word size = 0;

		if (dwarf_tag(&m) != DW_TAG_member || !type_of(&m, &mt))
			continue;
		off = 0;
		if (dwarf_attr(&m, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &off);
		name = dwarf_diename(&m);
		strbuf_addf(sb, "%s", first ? "" : ",\n");
		first = false;
		indent(sb, ind + 1);
		if (name)	/* an anonymous struct or union: just its braces */
			strbuf_addf(sb, "%s = ", name);
		if (dwarf_attr(&m, DW_AT_bit_size, &attr) &&
		    dwarf_formudata(&attr, &bits) == 0) {
			uint64_t v;

			bitoff = 0;
			if (dwarf_attr(&m, DW_AT_data_bit_offset, &attr))
				dwarf_formudata(&attr, &bitoff);
			size_t at = off + bitoff / 8;

			v = at < avail ? get_uint(p + at, avail - at < 8 ?
						  avail - at : 8) : 0;
			v = (v >> (bitoff % 8)) & ((1ULL << bits) - 1);
			kmodel_print_int(sb, v, false, 8, fmt);
		} else {
			Dwarf_Die st = mt;

			if (strip(&st))
				dwarf_aggregate_size(&st, &size);
			if (off + size <= avail)
				print_value(k, &mt, p + off, avail - off,
					    depth - 1, ind + 1, fmt, sb);
			else
				strbuf_addf(sb, "<out of range>");
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	strbuf_addf(sb, "\n");
	indent(sb, ind);
	strbuf_addf(sb, "}");
}

/* An array's elements as gdb prints them: {1, 2, 0 <repeats 14 times>},
 * runs of 10 or more equal elements folded, KMODEL_PRINT_ELEMS at most;
 * struct elements one level in. */
static void print_elems(struct kmodel *k, Dwarf_Die *elem, const uint8_t *p,
			size_t avail, uint64_t esize, uint64_t count, int depth,
			int ind, char fmt, struct strbuf *sb)
{
	Dwarf_Die et = *elem;
	uint64_t i = 0, run, shown = 0;
	int sub;

	strip(&et);
	sub = dwarf_tag(&et) == DW_TAG_structure_type ||
	      dwarf_tag(&et) == DW_TAG_union_type ? ind + 1 : ind;
	strbuf_addf(sb, "{");
	while (i < count && (i + 1) * esize <= avail &&
	       shown < KMODEL_PRINT_ELEMS) {
		for (run = 1; i + run < count &&
		     (i + run + 1) * esize <= avail &&
		     !memcmp(p + i * esize, p + (i + run) * esize, esize);
		     run++)
			;
		if (i)
			strbuf_addf(sb, ", ");
		print_value(k, elem, p + i * esize, avail - i * esize,
			    depth - 1, sub, fmt, sb);
		if (run >= 10) {
			strbuf_addf(sb, " <repeats %llu times>",
				    (unsigned long long)run);
			i += run;
			shown += 10;
		} else {
			i++;
			shown++;
		}
	}
	if (i < count)
		strbuf_addf(sb, "...");
	strbuf_addf(sb, "}");
}

static void print_value(struct kmodel *k, Dwarf_Die *type_in,
			const uint8_t *p, size_t avail, int depth, int ind,
			char fmt, struct strbuf *sb)
{
	Dwarf_Die type = *type_in, elem, sub;
	Dwarf_Attribute attr;
	Dwarf_Word size = 0, enc = 0, count;
	int tag;

	if (!strip(&type)) {
		strbuf_addf(sb, "<void>");
		return;
	}
	tag = dwarf_tag(&type);
	dwarf_aggregate_size(&type, &size);
	switch (tag) {
	case DW_TAG_base_type:
		dwarf_formudata(dwarf_attr(&type, DW_AT_encoding, &attr), &enc);
		if (size > avail || size > 8) {
			strbuf_addf(sb, "<%llu bytes>",
				    (unsigned long long)size);
		} else if (fmt && enc != DW_ATE_float) {
			kmodel_print_int(sb, get_uint(p, size),
					 enc == DW_ATE_signed ||
					 enc == DW_ATE_signed_char, size, fmt);
		} else if (enc == DW_ATE_boolean) {
			strbuf_addf(sb, "%s", get_uint(p, size) ? "true" :
				    "false");
		} else if (enc == DW_ATE_signed_char ||
			   enc == DW_ATE_unsigned_char) {
			kmodel_print_int(sb, get_uint(p, size),
					 enc == DW_ATE_signed_char, size, 'c');
		} else if (enc == DW_ATE_signed) {
			strbuf_addf(sb, "%lld",
				    (long long)sign_extend(get_uint(p, size),
							   size));
		} else if (enc == DW_ATE_float && size == 8) {
			double d;

			memcpy(&d, p, 8);
			strbuf_addf(sb, "%g", d);
		} else {
			strbuf_addf(sb, "%llu",
				    (unsigned long long)get_uint(p, size));
		}
		return;
	case DW_TAG_pointer_type:
		print_pointer(k, &type, avail >= 8 ? get_uint(p, 8) : 0, fmt, sb);
		return;
	case DW_TAG_enumeration_type: {
		Dwarf_Die e;
		int64_t v = sign_extend(get_uint(p, size), size);

		if (fmt) {
			kmodel_print_int(sb, (uint64_t)v, true, size, fmt);
			return;
		}
		if (dwarf_child(&type, &e) == 0)
			do {
				Dwarf_Sword ev;

				if (dwarf_formsdata(dwarf_attr(&e,
						DW_AT_const_value, &attr),
						&ev) == 0 && ev == v) {
					strbuf_addf(sb, "%s",
						    dwarf_diename(&e));
					return;
				}
			} while (dwarf_siblingof(&e, &e) == 0);
		strbuf_addf(sb, "%lld", (long long)v);
		return;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		if (depth <= 0) {
			strbuf_addf(sb, "{...}");
			return;
		}
		print_members(k, &type, p, avail, depth, ind, fmt, sb);
		return;
	case DW_TAG_array_type:
		if (!type_of(&type, &elem) || dwarf_child(&type, &sub) != 0)
			break;
		count = 0;
		if (dwarf_formudata(dwarf_attr(&sub, DW_AT_count, &attr),
				    &count) != 0 &&
		    dwarf_formudata(dwarf_attr(&sub, DW_AT_upper_bound, &attr),
				    &count) == 0)
			count++;
		{
			Dwarf_Die et = elem;
			Dwarf_Word esize = 0;

			strip(&et);
			dwarf_aggregate_size(&et, &esize);
			if (dwarf_tag(&et) == DW_TAG_base_type && esize == 1 &&
			    (!fmt || fmt == 's')) {
				dwarf_formudata(dwarf_attr(&et, DW_AT_encoding,
							   &attr), &enc);
				if (enc == DW_ATE_signed_char ||
				    enc == DW_ATE_unsigned_char) {
					kmodel_print_cstring(sb, p, count < avail ?
						     count : avail);
					return;
				}
			}
			if (!esize)
				break;
			print_elems(k, &elem, p, avail, esize, count, depth,
				    ind, fmt, sb);
			return;
		}
	default:
		break;
	}
	strbuf_addf(sb, "<%llu bytes of an unprinted type>",
		    (unsigned long long)size);
}

/* A global variable's address, DWARF type and size. */
static int var_lookup(struct kmodel *k, const char *name, uint64_t *addr,
		      Dwarf_Die *type, Dwarf_Word *size, char **cause)
{
	static const int var_tags[] = { DW_TAG_variable, 0 };
	Dwarf_Die die;

	*size = 0;
	if (!k->dwarf)
		return set_cause(cause, -ENOENT, "'%s' has no debug info: "
				 "variables cannot be printed", k->path);
	if (kmodel_symbol_addr(k, name, addr))
		return set_cause(cause, -ENOENT, "no symbol '%s' in '%s'",
				 name, k->path);
	if (!kmodel_dwarf_lookup(k, name, var_tags, &die, NULL) ||
	    !type_of(&die, type))
		return set_cause(cause, -ENOENT, "no debug info for variable "
				 "'%s'", name);
	{
		Dwarf_Die t = *type;

		if (strip(&t))
			dwarf_aggregate_size(&t, size);
	}
	return 0;
}

int kmodel_var_size(struct kmodel *k, const char *name, uint64_t *size)
{
	Dwarf_Die type;
	Dwarf_Word sz;
	uint64_t addr;

	if (var_lookup(k, name, &addr, &type, &sz, NULL) < 0 || !sz)
		return -ENOENT;
	*size = sz;
	return 0;
}

int kmodel_print_var(struct kmodel *k, const char *name, int depth,
		     struct strbuf *out, char **cause)
{
	Dwarf_Die type;
	Dwarf_Word size;
	uint64_t addr;
	uint8_t *buf;
	ssize_t n;
	int err = var_lookup(k, name, &addr, &type, &size, cause);

	if (err < 0)
		return err;
	if (!size || size > (1 << 20))
		return set_cause(cause, -EINVAL, "'%s' has a size umdbg "
				 "cannot print (%llu)", name,
				 (unsigned long long)size);
	buf = xmalloc(size);
	n = kmodel_read(k, addr, buf, size);
	if (n != (ssize_t)size) {
		free(buf);
		return set_cause(cause, -EIO, "cannot read '%s' at 0x%llx",
				 name, (unsigned long long)addr);
	}
	strbuf_addf(out, "%s = ", name);
	print_value(k, &type, buf, size, depth, 0, 0, out);
	strbuf_addf(out, "\n");
	free(buf);
	return 0;
}
