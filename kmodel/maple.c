/*
 * kmodel/maple.c - walk a maple tree (lib/maple_tree.c) in guest memory:
 * every non-empty leaf entry with the range [first, last] it covers, in
 * order.  Used for mm->mm_mt (the VMAs).
 *
 * An encoded node pointer carries its type in bits 3-6 and the node
 * address in the bits above 8 (see kconst.h).  In a range or leaf node,
 * slot i covers [pivot[i-1] + 1, pivot[i]]; the last slot in use (from
 * the node's metadata unless the node is full) ends at the node's own
 * maximum, which its parent's pivot gives.  The walker reads
 * memory only through struct kmodel_mem, so tests run it on fixtures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

#define MAPLE_MAX_DEPTH 16

/* The last slot in use, as lib/maple_tree.c's ma_data_end() finds it. */
static uint64_t data_end(const uint8_t *node, unsigned type,
			 const struct kmodel_maple *L, uint64_t max)
{
	uint64_t last;

	if (type == MAPLE_ARANGE_64)
		return node[L->a64_meta_end];
	memcpy(&last, node + L->r64_pivot + 8 * (L->r64_npivots - 1), 8);
	if (!last)
		return node[L->r64_meta_end];	/* not full: metadata */
	if (last == max)
		return L->r64_npivots - 1;
	return L->r64_npivots;			/* full: the last slot too */
}

static int walk(const struct kmodel_mem *mem, const struct kmodel_maple *L,
		uint64_t enode, uint64_t min, uint64_t max, int depth,
		kmodel_maple_fn fn, void *arg)
{
	uint8_t node[512];
	uint64_t addr = enode & ~MAPLE_NODE_MASK;
	unsigned type = (enode >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
	uint64_t pivot_off, slot_off, npivots, nslots, lo = min, i, end;
	bool leaf;
	int err;

	if (depth > MAPLE_MAX_DEPTH || L->node_size > sizeof(node))
		return -ELOOP;
	switch (type) {
	case MAPLE_LEAF_64:
	case MAPLE_RANGE_64:
		pivot_off = L->r64_pivot;
		npivots = L->r64_npivots;
		slot_off = L->r64_slot;
		nslots = L->r64_nslots;
		break;
	case MAPLE_ARANGE_64:
		pivot_off = L->a64_pivot;
		npivots = L->a64_npivots;
		slot_off = L->a64_slot;
		nslots = L->a64_nslots;
		break;
	default:
		return -EINVAL;	/* dense nodes are not used for ranges */
	}
	leaf = type == MAPLE_LEAF_64;
	if (mem->read(mem->arg, addr, node, L->node_size) !=
	    (ssize_t)L->node_size)
		return -EIO;
	end = data_end(node, type, L, max);
	if (end >= nslots)
		end = nslots - 1;
	for (i = 0; i <= end && lo <= max; i++) {
		uint64_t hi = max, entry;

		if (i < end && i < npivots)
			memcpy(&hi, node + pivot_off + 8 * i, 8);
		if (hi > max || hi < lo)
			hi = max;	/* a damaged node: stay in range */
		memcpy(&entry, node + slot_off + 8 * i, 8);
		if (entry && entry != XA_ZERO_ENTRY) {
			err = leaf ? fn(arg, lo, hi, entry) :
				walk(mem, L, entry, lo, hi, depth + 1, fn, arg);
			if (err)
				return err;
		}
		if (hi == max)
			break;
		lo = hi + 1;
	}
	return 0;
}

int kmodel_maple_walk(const struct kmodel_mem *mem,
		      const struct kmodel_maple *L, uint64_t root,
		      kmodel_maple_fn fn, void *arg)
{
	if (!root)
		return 0;
	/* A tree of one entry keeps it in the root itself, for index 0. */
	if ((root & 3) != 2 || root <= 4096)
		return fn(arg, 0, 0, root);
	return walk(mem, L, root, 0, UINT64_MAX, 0, fn, arg);
}
