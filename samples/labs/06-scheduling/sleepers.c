// SPDX-License-Identifier: GPL-2.0
/*
 * sleepers: the module of lab 6 (docs/labs/06-scheduling.md).  Two
 * kernel threads go to sleep in two different ways, and the module's
 * init wakes one of them:
 *
 *   sleepers-wait  waits on a wait queue for a flag (state S)
 *   sleepers-nap   naps with msleep() in a loop (state D)
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(sleepers_wq);
static bool sleepers_ready;
static struct task_struct *sleepers_waiter, *sleepers_napper;

static int sleepers_wait_fn(void *unused)
{
	pr_info("sleepers: waiting for the flag\n");
	wait_event_interruptible(sleepers_wq,
				 READ_ONCE(sleepers_ready) || kthread_should_stop());
	pr_info("sleepers: woken, the flag is %d\n", READ_ONCE(sleepers_ready));
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int sleepers_nap_fn(void *unused)
{
	while (!kthread_should_stop())
		msleep(50);
	return 0;
}

/* Raise the flag and wake whoever waits for it. */
static noinline void sleepers_wake(void)
{
	WRITE_ONCE(sleepers_ready, true);
	wake_up(&sleepers_wq);
}

static int __init sleepers_init(void)
{
	sleepers_waiter = kthread_run(sleepers_wait_fn, NULL, "sleepers-wait");
	if (IS_ERR(sleepers_waiter))
		return PTR_ERR(sleepers_waiter);
	sleepers_napper = kthread_run(sleepers_nap_fn, NULL, "sleepers-nap");
	if (IS_ERR(sleepers_napper)) {
		kthread_stop(sleepers_waiter);
		return PTR_ERR(sleepers_napper);
	}
	msleep(100);		/* both are asleep by now */
	sleepers_wake();
	msleep(100);
	pr_info("sleepers: loaded\n");
	return 0;
}

static void __exit sleepers_exit(void)
{
	kthread_stop(sleepers_napper);
	kthread_stop(sleepers_waiter);
}

module_init(sleepers_init);
module_exit(sleepers_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 6: processes and scheduling");
