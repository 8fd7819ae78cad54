// SPDX-License-Identifier: GPL-2.0
/*
 * inventory: the module of lab 1 (docs/labs/01-init-oops.md).  Its init
 * builds a small list of items and looks one up; the lookup can fail,
 * and the init does not check.  Loading it oopses.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>

struct item {
	struct item *next;
	const char *name;
	int count;
};

static struct item items[] = {
	{ .name = "apples", .count = 3 },
	{ .name = "pears", .count = 0 },
	{ .name = "plums", .count = 7 },
};

static struct item *inventory;

static noinline struct item *inventory_find(const char *name)
{
	struct item *it;

	for (it = inventory; it; it = it->next)
		if (!strcmp(it->name, name))
			return it;
	return NULL;
}

static int __init inventory_init(void)
{
	struct item *it;
	int i;

	for (i = ARRAY_SIZE(items) - 1; i >= 0; i--) {
		items[i].next = inventory;
		inventory = &items[i];
	}
	it = inventory_find("cherries");
	pr_info("inventory: %d cherries\n", it->count);
	return 0;
}

static void __exit inventory_exit(void)
{
}

module_init(inventory_init);
module_exit(inventory_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 1: an oops in a module's init");
