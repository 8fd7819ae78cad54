// SPDX-License-Identifier: GPL-2.0
/*
 * umdbg_catch: a module that makes the kernel report what `what=` names,
 * for umdbg's catchpoints (catch warn|bug|oops|panic, docs/forensics.md):
 *
 *   insmod umdbg_catch.ko what=warn    WARN_ON() in catch_check_level()
 *   insmod umdbg_catch.ko what=bug     BUG_ON() in catch_check_level()
 *   insmod umdbg_catch.ko what=oops    a write through a wild pointer in
 *                                      catch_poke() (UML panics)
 *   insmod umdbg_catch.ko what=panic   panic() from catch_give_up()
 *   insmod umdbg_catch.ko what=hang    insmod sleeps uninterruptibly for
 *                                      an hour in catch_wait(): the
 *                                      hung-task detector's case (with
 *                                      CONFIG_DETECT_HUNG_TASK)
 *
 * A WARN lets the module load; the others do not come back.
 */
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/pgtable.h>

static char *what = "warn";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "warn, bug, oops, panic or hang");

static int level = 7;

noinline void catch_check_level(bool fatal)
{
	if (fatal)
		BUG_ON(level > 5);		/* UMDBG-CATCH bug */
	else
		WARN_ON(level > 5);		/* UMDBG-CATCH warn */
}

noinline void catch_poke(unsigned long *where)
{
	WRITE_ONCE(*where, 42);			/* UMDBG-CATCH oops */
}

noinline void catch_give_up(int code)
{
	panic("umdbg_catch gives up with code %d", code); /* UMDBG-CATCH panic */
}

noinline void catch_wait(unsigned int secs)
{
	msleep(secs * 1000);			/* UMDBG-CATCH hang */
}

static int __init umdbg_catch_init(void)
{
	if (!strcmp(what, "warn"))
		catch_check_level(false);
	else if (!strcmp(what, "bug"))
		catch_check_level(true);
	else if (!strcmp(what, "oops"))
		/* inside UML's own range, past its physical memory, where
		 * nothing is mapped: UML's segv() cannot fix it up */
		catch_poke((unsigned long *)(end_iomem + PAGE_SIZE));
	else if (!strcmp(what, "panic"))
		catch_give_up(3);
	else if (!strcmp(what, "hang"))
		catch_wait(3600);
	pr_info("umdbg_catch: %s done\n", what);
	return 0;
}

static void __exit umdbg_catch_exit(void)
{
}

module_init(umdbg_catch_init);
module_exit(umdbg_catch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg sample: a WARN, a BUG, an oops or a panic on demand");
