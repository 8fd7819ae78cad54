// SPDX-License-Identifier: GPL-2.0
/*
 * conns: the module of lab 3 (docs/labs/03-use-after-free.md), for the
 * debug guest (KASAN).  It opens three "connections", remembers the
 * latest one in conns_last for a quick report, closes them all... and
 * then reports: a read of freed memory, which KASAN catches.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

struct conn {
	int id;
	int bytes;
	char peer[24];
};

static struct conn *conns[3];
static struct conn *conns_last;	/* the latest opened, for conns_report() */

static noinline struct conn *conn_open(int id, const char *peer)
{
	struct conn *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->id = id;
	strscpy(c->peer, peer, sizeof(c->peer));
	conns_last = c;
	return c;
}

static noinline void conn_close(struct conn *c)
{
	pr_info("conns: closing %d (%s)\n", c->id, c->peer);
	kfree(c);
}

static noinline int conns_report(void)
{
	return conns_last->bytes;
}

static int __init conns_init(void)
{
	static const char *const peers[] = { "alpha", "bravo", "charlie" };
	int i;

	for (i = 0; i < 3; i++) {
		conns[i] = conn_open(i + 1, peers[i]);
		if (!conns[i])
			return -ENOMEM;
		conns[i]->bytes = 100 * (i + 1);
	}
	for (i = 0; i < 3; i++)
		conn_close(conns[i]);
	pr_info("conns: the last one moved %d bytes\n", conns_report());
	return 0;
}

static void __exit conns_exit(void)
{
}

module_init(conns_init);
module_exit(conns_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 3: a use-after-free under KASAN");
