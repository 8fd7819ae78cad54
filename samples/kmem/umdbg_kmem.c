// SPDX-License-Identifier: GPL-2.0
/*
 * umdbg_kmem: a module that allocates, frees and reuses slab objects, so
 * the memory forensics (kmem, slab, docs/forensics.md) have a known story
 * to tell.  Its own cache, "umdbg_kmem", keeps SLUB's allocation and free
 * records (SLAB_STORE_USER).  Loading it:
 *
 *   record 0..3 are allocated by record_new();
 *   record 1 is freed by record_drop(), and its memory taken again by
 *   record 4 (SLUB hands out the object freed last first);
 *   record_touch() writes record 4's value;
 *   record 2 is freed and stays free;
 *   a three-page buffer is vmalloc'd (umdbg_kmem_big);
 *   a 16-page block and a single page are allocated and given back: the
 *   block to the buddy allocator (umdbg_kmem_block), the page to the
 *   CPU's list of free pages (umdbg_kmem_page).
 *
 * It prints the addresses, then calls umdbg_kmem_done(): a place to stop.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

struct record {
	int id;
	long value;
	char tag[180];
};

static struct kmem_cache *records;
static struct record *kept[5];
/* For the debugger: the object that lived, was freed and came back,
 * and the one still free. */
struct record *umdbg_kmem_reused, *umdbg_kmem_freed, *umdbg_kmem_live;
char *umdbg_kmem_big;
unsigned long umdbg_kmem_block, umdbg_kmem_page;

static noinline struct record *record_new(int id)
{
	struct record *r = kmem_cache_alloc(records, GFP_KERNEL);

	if (r) {
		r->id = id;
		snprintf(r->tag, sizeof(r->tag), "record %d", id);
	}
	return r;
}

static noinline void record_drop(struct record *r)
{
	kmem_cache_free(records, r);	/* UMDBG-KMEM free */
}

static noinline void record_touch(struct record *r, long value)
{
	WRITE_ONCE(r->value, value);	/* UMDBG-KMEM write */
}

/* Not static: the debugger stops here, everything done. */
noinline void umdbg_kmem_done(void)
{
	pr_info("umdbg_kmem: done\n");
}

static int __init umdbg_kmem_init(void)
{
	int i;

	records = kmem_cache_create("umdbg_kmem", sizeof(struct record), 0,
				    SLAB_STORE_USER, NULL);
	if (!records)
		return -ENOMEM;
	for (i = 0; i < 4; i++) {
		kept[i] = record_new(i);
		if (!kept[i])
			return -ENOMEM;
	}
	record_drop(kept[1]);
	kept[4] = record_new(4);	/* takes record 1's memory back */
	record_touch(kept[4], 42);
	record_drop(kept[2]);
	umdbg_kmem_big = vmalloc(3 * PAGE_SIZE);	/* UMDBG-KMEM vmalloc */
	if (!umdbg_kmem_big)
		return -ENOMEM;
	/* Orders above 3 go back to the buddy lists; a single page to the
	 * per-CPU list first. */
	umdbg_kmem_block = __get_free_pages(GFP_KERNEL, 4);
	umdbg_kmem_page = __get_free_page(GFP_KERNEL);
	if (!umdbg_kmem_block || !umdbg_kmem_page)
		return -ENOMEM;
	free_pages(umdbg_kmem_block, 4);
	free_page(umdbg_kmem_page);
	umdbg_kmem_live = kept[0];
	umdbg_kmem_reused = kept[4];
	umdbg_kmem_freed = kept[2];
	pr_info("umdbg_kmem: live %px reused %px (record 1 was %px) freed %px\n",
		kept[0], kept[4], kept[1], kept[2]);
	umdbg_kmem_done();
	return 0;
}

static void __exit umdbg_kmem_exit(void)
{
	record_drop(kept[0]);
	record_drop(kept[3]);
	record_drop(kept[4]);
	kmem_cache_destroy(records);
	vfree(umdbg_kmem_big);
}

module_init(umdbg_kmem_init);
module_exit(umdbg_kmem_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg sample: slab objects allocated, freed and reused");
