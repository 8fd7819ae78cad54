/*
 * t2002-layouts: the kernel model's pure parts on fixtures - the DWARF
 * struct/member resolver on tests/helpers/victim's struct victim_rec
 * (anonymous union and struct members, bitfields, nested paths, a missing
 * member), and the maple-tree walker on a tree built in a buffer with the
 * kernel's node layout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../kmodel/internal.h"
#include "../kmodel/kconst.h"
#include "tap.h"

#define BASE 0x100000ULL

static uint8_t arena[8192];	/* guest memory at BASE */

static ssize_t arena_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	if (addr < BASE || addr + len > BASE + sizeof(arena))
		return -EFAULT;
	memcpy(buf, arena + (addr - BASE), len);
	return (ssize_t)len;
}

static void put(uint64_t addr, uint64_t v)
{
	memcpy(arena + (addr - BASE), &v, 8);
}

/* The kernel's x86_64 layout: maple_range_64 and maple_arange_64. */
static const struct kmodel_maple L = {
	.node_size = 256,
	.r64_pivot = 8, .r64_npivots = 15, .r64_slot = 128, .r64_nslots = 16,
	.r64_meta_end = 248,
	.a64_pivot = 8, .a64_npivots = 9, .a64_slot = 80, .a64_nslots = 10,
	.a64_meta_end = 240,
};

static uint64_t enode(uint64_t node, unsigned type)
{
	return node | (uint64_t)type << MAPLE_NODE_TYPE_SHIFT | 2;
}

struct seen {
	uint64_t first[16], last[16], entry[16];
	int n;
};

static int visit(void *arg, uint64_t first, uint64_t last, uint64_t entry)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->first[s->n] = first;
		s->last[s->n] = last;
		s->entry[s->n] = entry;
	}
	s->n++;
	return 0;
}

int main(void)
{
	struct kmodel_mem mem = { arena_read, NULL };
	struct kmodel_member m;
	struct kmodel *k;
	char *cause = NULL;
	struct seen s = { 0 };
	Dwarf_Die st;
	uint64_t leaf1 = BASE + 0x100, leaf2 = BASE + 0x200, top = BASE + 0x300;

	plan(20);
	if (kmodel_open("tests/helpers/victim", KMODEL_ANY_ELF, &k, &cause)) {
		diag("%s", cause);
		return 1;
	}
	is_int(kmodel_struct(k, "main", "victim_rec", &st, &cause), 0,
	       "struct found through the CU of a function");
	is_int(kmodel_member(k, &st, "victim_rec", "a", &m, &cause), 0, "a");
	is_int(m.offset, 0, "a at 0");
	kmodel_member(k, &st, "victim_rec", "b", &m, &cause);
	is_int(m.offset, 8, "b, in an anonymous union, at 8");
	kmodel_member(k, &st, "victim_rec", "d", &m, &cause);
	ok(m.offset == 10 && m.size == 1,
	   "d, in an anonymous struct in the union, at 10, 1 byte");
	kmodel_member(k, &st, "victim_rec", "f", &m, &cause);
	ok(m.offset == 16 && m.bit_size == 5 && m.bit_offset == 3,
	   "f: a 5-bit field 3 bits into byte 16 (got %llu/%d/%d)",
	   (unsigned long long)m.offset, m.bit_offset, m.bit_size);
	kmodel_member(k, &st, "victim_rec", "nested.g", &m, &cause);
	ok(m.offset == 20 && m.size == 4, "nested.g: a path through a member");
	is_int(kmodel_member(k, &st, "victim_rec", "nosuch", &m, &cause),
	       -ENOENT, "a missing member is an error");
	is_str(cause, "no member 'nosuch' in 'struct victim_rec'",
	       "with a cause naming the struct");
	is_int(kmodel_struct(k, "main", "no_such_struct", &st, &cause),
	       -ENOENT, "a missing struct is an error");
	kmodel_free(k);

	/* A range_64 root over two leaves:
	 *   leaf1: [0,0x0fff] empty, [0x1000,0x1fff] A, [0x2000,0x2fff] ZERO
	 *   leaf2: [0x3000,0x3fff] B, [0x4000,0x4fff] empty, [0x5000,max] C */
	put(leaf1 + 8, 0x0fff);
	put(leaf1 + 16, 0x1fff);
	put(leaf1 + 24, 0x2fff);
	put(leaf1 + 128 + 8, 0xaaaa0);
	put(leaf1 + 128 + 16, XA_ZERO_ENTRY);
	arena[leaf1 + 248 - BASE] = 2;	/* metadata: slots 0-2 in use */
	put(leaf2 + 8, 0x3fff);
	put(leaf2 + 16, 0x4fff);
	put(leaf2 + 128, 0xbbbb0);
	put(leaf2 + 128 + 16, 0xcccc0);
	arena[leaf2 + 248 - BASE] = 2;
	put(top + 8, 0x2fff);
	put(top + 128, enode(leaf1, MAPLE_LEAF_64));
	put(top + 128 + 8, enode(leaf2, MAPLE_LEAF_64));
	arena[top + 248 - BASE] = 1;

	is_int(kmodel_maple_walk(&mem, &L, enode(top, MAPLE_RANGE_64), visit,
				 &s), 0, "walk a two-level tree");
	is_int(s.n, 3, "three entries (empty slots and XA_ZERO skipped)");
	ok(s.first[0] == 0x1000 && s.last[0] == 0x1fff && s.entry[0] == 0xaaaa0,
	   "A covers [0x1000, 0x1fff]");
	ok(s.first[1] == 0x3000 && s.last[1] == 0x3fff && s.entry[1] == 0xbbbb0,
	   "B covers [0x3000, 0x3fff] in the second leaf");
	ok(s.first[2] == 0x5000 && s.last[2] == UINT64_MAX &&
	   s.entry[2] == 0xcccc0, "C runs to the end of the index space");

	/* An arange_64 root (the kind mm_mt uses) over one leaf. */
	memset(&s, 0, sizeof(s));
	put(top + 8, UINT64_MAX);
	put(top + 80, enode(leaf2, MAPLE_LEAF_64));
	put(top + 88, 0);
	arena[top + 240 - BASE] = 0;
	is_int(kmodel_maple_walk(&mem, &L, enode(top, MAPLE_ARANGE_64), visit,
				 &s), 0, "walk through an arange_64 node");
	ok(s.n == 2 && s.first[0] == 0 && s.last[0] == 0x3fff &&
	   s.first[1] == 0x5000,
	   "its single child spans everything: B from 0, C from 0x5000");

	memset(&s, 0, sizeof(s));
	is_int(kmodel_maple_walk(&mem, &L, 0, visit, &s), 0, "an empty tree");
	is_int(s.n, 0, "has no entries");
	is_int(kmodel_maple_walk(&mem, &L, enode(BASE + 0x10000, MAPLE_LEAF_64),
				 visit, &s), -EIO,
	       "a node outside readable memory is an error, not a crash");
	free(cause);
	return done_testing();
}
