/*
 * kmodel/buddy.c - the page allocator's free memory: each populated
 * zone's free blocks per order (what /proc/buddyinfo prints), and the
 * pages waiting on the per-CPU lists (pcp), which are free but carry no
 * page type.
 *
 * UML has one node, contig_page_data; its zones are node_zones[].  Array
 * lengths (zones, orders, pcp lists) come from the DWARF types' sizes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct buddy_layout {
	struct kmodel_member node_zones, z_size, z_name, z_present,
		z_free_area, z_pcp, fa_size, fa_nr_free, pcp_count, pcp_lists,
		p_pcp_list, p_size, lh_size;
};

#define B(st, path, m) \
	KFIELD(struct buddy_layout, "__free_pages", st, path, m)
static const struct kmodel_field buddy_fields[] = {
	B("pglist_data", "node_zones", node_zones),
	B("zone", NULL, z_size),
	B("zone", "name", z_name),
	B("zone", "present_pages", z_present),
	B("zone", "free_area", z_free_area),
	B("zone", "per_cpu_pageset", z_pcp),
	B("free_area", NULL, fa_size),
	B("free_area", "nr_free", fa_nr_free),
	B("per_cpu_pages", "count", pcp_count),
	B("per_cpu_pages", "lists", pcp_lists),
	B("page", "pcp_list", p_pcp_list),
	B("page", NULL, p_size),
	B("list_head", NULL, lh_size),
};
#undef B

static int buddy_layout(struct kmodel *k, const struct buddy_layout **L,
			uint64_t *pgdat, char **cause)
{
	*L = kmodel_layout(k, KMODEL_CACHE_BUDDY, sizeof(**L), buddy_fields,
			   ARRAY_SIZE(buddy_fields), cause);
	if (!*L)
		return -ENOENT;
	if (kmodel_symbol_addr(k, "contig_page_data", pgdat))
		return set_cause(cause, -ENOENT, "no contig_page_data in '%s' "
				 "(a NUMA kernel: not supported)", k->path);
	return 0;
}


int kmodel_zones(struct kmodel *k, struct kmodel_zone **out, size_t *n,
		 char **cause)
{
	const struct buddy_layout *L;
	uint64_t pgdat, nz, z, offs[KMODEL_MAX_CPUS];
	int err, ncpus, c;

	*out = NULL;
	*n = 0;
	if ((err = buddy_layout(k, &L, &pgdat, cause)))
		return err;
	if ((ncpus = kmodel_cpus(k, offs, KMODEL_MAX_CPUS)) < 0)
		return set_cause(cause, ncpus, "cannot read __per_cpu_offset");
	nz = L->node_zones.size / L->z_size.size;
	for (z = 0; z < nz; z++) {
		uint64_t zone = pgdat + L->node_zones.offset + z * L->z_size.size;
		uint64_t norders = L->z_free_area.size / L->fa_size.size, o;
		struct kmodel_zone *r;
		bool ok = true;
		uint64_t present = kmodel_read_member(k, zone, &L->z_present,
						      &ok), pcp;

		if (!ok) {
			free(*out);
			*out = NULL;
			*n = 0;
			return set_cause(cause, -EIO, "cannot read zone %llu",
					 (unsigned long long)z);
		}
		if (!present)	/* as /proc/buddyinfo: populated zones */
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->addr = zone;
		r->present = present;
		if (!kmodel_read_str(k, kmodel_read_member(k, zone, &L->z_name,
							   &ok),
				     r->name, sizeof(r->name)))
			snprintf(r->name, sizeof(r->name), "?");
		if (norders > KMODEL_MAX_ORDERS)
			norders = KMODEL_MAX_ORDERS;
		r->norders = (int)norders;
		for (o = 0; o < norders; o++)
			r->nr_free[o] = kmodel_read_member(k,
				zone + L->z_free_area.offset +
				o * L->fa_size.size, &L->fa_nr_free, &ok);
		/* the per-CPU lists' pages, all CPUs */
		pcp = kmodel_read_member(k, zone, &L->z_pcp, &ok);
		for (c = 0; pcp && c < ncpus; c++)
			r->pcp_pages += (int)kmodel_read_member(k, pcp + offs[c],
								&L->pcp_count,
								&ok);
	}
	return 0;
}

int kmodel_pcp_free(struct kmodel *k, uint64_t pfn, int *order)
{
	const struct buddy_layout *L;
	uint64_t pgdat, nz, z, mem_map, a, offs[KMODEL_MAX_CPUS];
	int64_t pcptypes = 0;
	int ncpus;

	if (buddy_layout(k, &L, &pgdat, NULL) ||
	    kmodel_symbol_addr(k, "mem_map", &a) ||
	    kmodel_read_u64(k, a, &mem_map) ||
	    !kmodel_enum_value(k, "MIGRATE_PCPTYPES", &pcptypes) ||
	    pcptypes <= 0 ||
	    (ncpus = kmodel_cpus(k, offs, KMODEL_MAX_CPUS)) < 0)
		return -ENOENT;
	nz = L->node_zones.size / L->z_size.size;
	for (z = 0; z < nz * (uint64_t)ncpus; z++) {
		uint64_t zone = pgdat + L->node_zones.offset +
				(z / (uint64_t)ncpus) * L->z_size.size;
		uint64_t nlists = L->pcp_lists.size / L->lh_size.size, l, pcp;
		bool ok = true;

		/* each zone's lists on each CPU */
		pcp = kmodel_read_member(k, zone, &L->z_pcp, &ok);
		if (!ok || !pcp)
			continue;
		pcp += offs[z % (uint64_t)ncpus];
		for (l = 0; l < nlists; l++) {
			uint64_t head = pcp + L->pcp_lists.offset +
					l * L->lh_size.size, pos;
			/* order_to_pindex(): MIGRATE_PCPTYPES lists an order
			 * up to PAGE_ALLOC_COSTLY_ORDER, then THP ones */
			int o = l < (uint64_t)pcptypes * (KPAGE_ALLOC_COSTLY_ORDER
							 + 1) ?
				(int)(l / (uint64_t)pcptypes) : KPMD_ORDER;
			size_t limit = 100000;

			if (kmodel_read_u64(k, head, &pos))
				continue;
			while (pos && pos != head && limit--) {
				uint64_t page = pos - L->p_pcp_list.offset;
				uint64_t p = (page - mem_map) / L->p_size.size;

				if (pfn >= p && pfn < p + (1ULL << o)) {
					*order = o;
					return 0;
				}
				if (kmodel_read_u64(k, pos, &pos))
					break;
			}
		}
	}
	return -ENOENT;
}
