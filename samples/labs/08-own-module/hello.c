// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the module of lab 8 (docs/labs/08-own-module.md), built with
 * 'umdbg module' from a directory of your own and loaded with --run.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int greetings = 3;
module_param(greetings, int, 0444);
MODULE_PARM_DESC(greetings, "how many times to greet");

static noinline int hello_greet(int n)
{
	pr_info("hello: greeting %d\n", n);
	return n * n;
}

static int __init hello_init(void)
{
	int i, sum = 0;

	for (i = 1; i <= greetings; i++)
		sum += hello_greet(i);
	pr_info("hello: %d greetings, sum of squares %d\n", greetings, sum);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("hello: goodbye\n");
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 8: your own module");
