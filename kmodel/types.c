/*
 * kmodel/types.c - struct layouts from DWARF (STYLE.md §5: never from
 * numbers).
 *
 * Types are looked up in the compilation unit of a function that uses
 * them first (cheap and unambiguous: some names, like struct sigaction,
 * exist twice, once kernel-side and once host-side), then in every CU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool find_in_cu(Dwarf_Die *cudie, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;
	Dwarf_Attribute attr;

	if (dwarf_child(cudie, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_structure_type &&
		    dwarf_tag(&child) != DW_TAG_union_type)
			continue;
		n = dwarf_diename(&child);
		if (!n || strcmp(n, name))
			continue;
		if (dwarf_attr(&child, DW_AT_declaration, &attr))
			continue;
		*out = child;
		return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int kmodel_struct(struct kmodel *k, const char *cu_func, const char *name,
		  Dwarf_Die *out, char **cause)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	uint64_t addr;
	Dwarf_Addr bias;
	Dwarf_Die *cudie, die;

	if (!k->dwarf)
		return set_cause(cause, -ENOENT,
				 "'%s' has no debug info (need struct %s)",
				 k->path, name);
	if (cu_func && kmodel_symbol_addr(k, cu_func, &addr) == 0 &&
	    (cudie = dwfl_module_addrdie(k->mod, addr, &bias)) &&
	    find_in_cu(cudie, name, out))
		return 0;
	while (dwarf_nextcu(k->dwarf, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		if (dwarf_offdie(k->dwarf, off + hsize, &die) &&
		    find_in_cu(&die, name, out))
			return 0;
		off = next;
	}
	return set_cause(cause, -ENOENT, "no 'struct %s' in the debug info "
			 "of '%s'", name, k->path);
}

/* Strip typedefs and qualifiers. */
static bool peel(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Die t = *die;

	for (;;) {
		int tag = dwarf_tag(&t);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_member &&
		    tag != DW_TAG_atomic_type)
			break;
		if (!dwarf_formref_die(dwarf_attr_integrate(&t, DW_AT_type,
							    &attr), &t))
			return false;
	}
	*out = t;
	return true;
}

int kmodel_struct_size(Dwarf_Die *st, uint64_t *size)
{
	Dwarf_Word sz;

	if (dwarf_aggregate_size(st, &sz) != 0)
		return -EINVAL;
	*size = sz;
	return 0;
}

/* Find member `name` in st (or in its anonymous members). */
bool kmodel_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *mem,
			uint64_t *offset)
{
	Dwarf_Die child, inner;
	Dwarf_Attribute attr;
	Dwarf_Word loc;

	if (dwarf_child(st, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		loc = 0;
		if (dwarf_attr(&child, DW_AT_data_member_location, &attr))
			dwarf_formudata(&attr, &loc);
		n = dwarf_diename(&child);
		if (n && !strcmp(n, name)) {
			*mem = child;
			*offset = loc;
			return true;
		}
		if (!n && peel(&child, &inner) &&
		    kmodel_find_member(&inner, name, mem, offset)) {
			*offset += loc;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int kmodel_member(struct kmodel *k, Dwarf_Die *st, const char *struct_name,
		  const char *path, struct kmodel_member *m, char **cause)
{
	char *copy = xstrdup(path), *save = NULL, *part;
	Dwarf_Die cur = *st, mem, type;
	Dwarf_Attribute attr;
	Dwarf_Word w;
	uint64_t off;
	int err = 0;

	(void)k;
	memset(m, 0, sizeof(*m));
	for (part = strtok_r(copy, ".", &save); part;
	     part = strtok_r(NULL, ".", &save)) {
		if (!kmodel_find_member(&cur, part, &mem, &off)) {
			err = set_cause(cause, -ENOENT,
					"no member '%s' in 'struct %s'", path,
					struct_name);
			goto out;
		}
		m->offset += off;
		m->bit_offset = m->bit_size = 0;
		if (dwarf_attr(&mem, DW_AT_bit_size, &attr) &&
		    dwarf_formudata(&attr, &w) == 0) {
			m->bit_size = (int)w;
			if (dwarf_attr(&mem, DW_AT_data_bit_offset, &attr) &&
			    dwarf_formudata(&attr, &w) == 0) {
				m->offset += w / 8;
				m->bit_offset = (int)(w % 8);
			}
		}
		if (!peel(&mem, &type)) {
			err = set_cause(cause, -EINVAL, "member '%s' of "
					"'struct %s' has no type", part,
					struct_name);
			goto out;
		}
		if (dwarf_aggregate_size(&type, &w) == 0)
			m->size = w;
		cur = type;
	}
out:
	free(copy);
	return err;
}

uint64_t kmodel_member_value(const uint8_t *base,
			     const struct kmodel_member *m)
{
	uint64_t v = 0;

	memcpy(&v, base + m->offset, m->size > 8 ? 8 : m->size);
	if (m->bit_size)
		v = (v >> m->bit_offset) & ((1ULL << m->bit_size) - 1);
	return v;
}

uint64_t kmodel_read_member(struct kmodel *k, uint64_t base,
			    const struct kmodel_member *m, bool *ok)
{
	struct kmodel_member at0 = *m;
	uint8_t buf[8] = { 0 };
	size_t size = m->size > 8 ? 8 : m->size;

	if (kmodel_read(k, base + m->offset, buf, size) != (ssize_t)size)
		*ok = false;
	at0.offset = 0;
	return kmodel_member_value(buf, &at0);
}

const void *kmodel_layout(struct kmodel *k, enum kmodel_cache slot,
			  size_t size, const struct kmodel_field *f, size_t n,
			  char **cause)
{
	const char *st_name = NULL;
	uint8_t *L;
	Dwarf_Die st;
	size_t i;

	if (k->cache[slot])
		return k->cache[slot];
	L = xcalloc(1, size);
	for (i = 0; i < n; i++) {
		struct kmodel_member *m = (void *)(L + f[i].dst);

		/* Tables list a struct's members together: look it up once. */
		if (!st_name || strcmp(st_name, f[i].strct)) {
			if (kmodel_struct(k, f[i].cu_func, f[i].strct, &st,
					  cause))
				goto fail;
			st_name = f[i].strct;
		}
		if (!f[i].path) {
			memset(m, 0, sizeof(*m));
			if (kmodel_struct_size(&st, &m->size) || !m->size) {
				set_cause(cause, -EINVAL, "no size for 'struct "
					  "%s' in the debug info of '%s'",
					  f[i].strct, k->path);
				goto fail;
			}
		} else if (kmodel_member(k, &st, f[i].strct, f[i].path, m,
					 cause)) {
			goto fail;
		}
	}
	k->cache[slot] = L;
	return L;
fail:
	free(L);
	return NULL;
}

bool kmodel_enum_value(struct kmodel *k, const char *name, int64_t *v)
{
	static const int tags[] = { DW_TAG_enumerator, 0 };
	Dwarf_Attribute attr;
	Dwarf_Word uv;
	Dwarf_Die die;

	if (!kmodel_dwarf_lookup(k, name, tags, &die, NULL) ||
	    dwarf_formudata(dwarf_attr(&die, DW_AT_const_value, &attr),
			    &uv) != 0)
		return false;
	*v = (int64_t)uv;
	return true;
}
