/*
 * kmodel/vmalloc.c - the vmalloc area: which busy vmap_area holds an
 * address, and the vm_struct's caller (who called vmalloc).
 *
 * The busy areas of each vmap_node are kept on an address-sorted list,
 * node.busy.head.  A UML kernel has one node, `single` (vmap_nodes, which
 * points at it, is folded away by the compiler); where vmap_nodes and
 * nr_vmap_nodes exist, every node is searched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "internal.h"

struct vmalloc_layout {
	struct kmodel_member n_size, n_busy_head, va_start, va_end, va_list,
		va_vm, vm_caller;
};

#define V(st, path, m) \
	KFIELD(struct vmalloc_layout, "vmalloc_dump_obj", st, path, m)
static const struct kmodel_field vmalloc_fields[] = {
	V("vmap_node", NULL, n_size),
	V("vmap_node", "busy.head", n_busy_head),
	V("vmap_area", "va_start", va_start),
	V("vmap_area", "va_end", va_end),
	V("vmap_area", "list", va_list),
	V("vmap_area", "vm", va_vm),
	V("vm_struct", "caller", vm_caller),
};
#undef V

/* Search one node's busy list. */
static bool in_node(struct kmodel *k, const struct vmalloc_layout *L,
		    uint64_t node, uint64_t addr, struct kmodel_kmem *w)
{
	uint64_t head = node + L->n_busy_head.offset, pos;
	size_t limit = 1000000;
	bool ok = true;

	if (kmodel_read_u64(k, head, &pos))
		return false;
	while (pos && pos != head && limit-- && ok) {
		uint64_t va = pos - L->va_list.offset;
		uint64_t start = kmodel_read_member(k, va, &L->va_start, &ok);
		uint64_t end = kmodel_read_member(k, va, &L->va_end, &ok);

		if (start > addr)	/* sorted by address */
			return false;
		if (ok && addr < end) {
			uint64_t vm = kmodel_read_member(k, va, &L->va_vm, &ok);

			w->kind = KMODEL_KMEM_VMALLOC;
			w->start = start;
			w->size = end - start;
			if (vm)
				w->caller = kmodel_read_member(k, vm,
							       &L->vm_caller,
							       &ok);
			return true;
		}
		if (kmodel_read_u64(k, pos, &pos))
			break;
	}
	return false;
}

int kmodel_kmem_vmalloc(struct kmodel *k, uint64_t addr,
			struct kmodel_kmem *w, char **cause)
{
	const struct vmalloc_layout *L;
	uint64_t nodes, nr = 1, i, a;
	uint32_t nr32;

	L = kmodel_layout(k, KMODEL_CACHE_VMALLOC, sizeof(*L), vmalloc_fields,
			  ARRAY_SIZE(vmalloc_fields), cause);
	if (!L)
		return -ENOENT;
	if (kmodel_symbol_addr(k, "vmap_nodes", &a) == 0) {
		if (kmodel_read_u64(k, a, &nodes) ||
		    kmodel_symbol_addr(k, "nr_vmap_nodes", &a) ||
		    kmodel_read(k, a, &nr32, sizeof(nr32)) != sizeof(nr32))
			return set_cause(cause, -EIO, "cannot read vmap_nodes");
		nr = nr32;
	} else if (kmodel_symbol_addr(k, "single", &nodes)) {
		return set_cause(cause, -ENOENT, "no vmap_nodes or single "
				 "(mm/vmalloc.c) in '%s'", k->path);
	}
	for (i = 0; i < nr && i < 4096; i++)
		if (in_node(k, L, nodes + i * L->n_size.size, addr, w))
			return 0;
	return -ENOENT;
}
