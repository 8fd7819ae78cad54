// SPDX-License-Identifier: GPL-2.0
/*
 * umdbg_oops: a module whose init dereferences NULL in a named function,
 * umdbg_oops_deref(), so a debugger has something to catch.  Used by the
 * `oops` guest scenario (guest/init) and the tests.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/init.h>
#include <linux/printk.h>

/* crash=0 loads quietly: the `inspect` scenario wants it in lsmod. */
static bool crash = true;
module_param(crash, bool, 0444);
MODULE_PARM_DESC(crash, "dereference NULL while loading (default: yes)");

struct umdbg_oops_victim {
	int magic;
	const char *name;
};

/* Not static inline: the debugger must find it as a function. */
noinline int umdbg_oops_deref(struct umdbg_oops_victim *v)
{
	pr_info("umdbg_oops: about to read victim->magic at %px\n", v);
	return v->magic;
}

static int __init umdbg_oops_init(void)
{
	struct umdbg_oops_victim *v = NULL;

	pr_info("umdbg_oops: loaded\n");
	if (!crash)
		return 0;
	return umdbg_oops_deref(v) ? 0 : -EINVAL;
}

static void __exit umdbg_oops_exit(void)
{
}

module_init(umdbg_oops_init);
module_exit(umdbg_oops_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg sample: NULL dereference in a named function");
