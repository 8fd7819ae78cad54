// SPDX-License-Identifier: GPL-2.0
/*
 * todo: the module of lab 2 (docs/labs/02-list-corruption.md), for the
 * debug guest (DEBUG_LIST).  A to-do list of four items on a linked
 * list.  Renaming an item copies up to TODO_NAME_LEN bytes into a name
 * field that has since been made smaller: a long name runs over into the
 * item's list pointers.  Nothing notices until an item next to it is
 * taken off the list, where DEBUG_LIST checks the neighbours' pointers.
 */
#include <linux/init.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>

#define TODO_NAME_LEN 16	/* the size of todo.name, once */

struct todo {
	char name[8];
	struct list_head node;
	int prio;
};

static struct todo todos[4];
static LIST_HEAD(todo_list);

static noinline void todo_rename(struct todo *t, const char *name)
{
	strscpy(t->name, name, TODO_NAME_LEN);
}

static noinline void todo_done(struct todo *t)
{
	pr_info("todo: done: %.8s\n", t->name);
	list_del(&t->node);
}

static int __init todo_init(void)
{
	static const char *const names[] = { "shop", "cook", "wash", "iron" };
	int i;

	for (i = 0; i < 4; i++) {
		strscpy(todos[i].name, names[i], sizeof(todos[i].name));
		todos[i].prio = i;
		list_add_tail(&todos[i].node, &todo_list);
	}
	todo_rename(&todos[1], "cook-dinner");
	pr_info("todo: renamed: %.8s\n", todos[1].name);
	todo_done(&todos[0]);
	todo_done(&todos[2]);
	return 0;
}

static void __exit todo_exit(void)
{
}

module_init(todo_init);
module_exit(todo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 2: a corrupted list under DEBUG_LIST");
