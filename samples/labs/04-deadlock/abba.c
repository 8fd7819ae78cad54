// SPDX-License-Identifier: GPL-2.0
/*
 * abba: the module of lab 4 (docs/labs/04-deadlock.md), for the debug
 * guest (lockdep).  Two kernel threads move "money" between two
 * accounts, each account with its own mutex.  abba-pay locks the
 * accounts in the order (from, to), abba-refund in the order (to, from):
 * each takes its first lock, waits a little, and wants the other's.
 * Lockdep sees the two orders and reports a possible deadlock; then the
 * threads deadlock for real.  The module's init gives up waiting after
 * 5 seconds and says so in abba_stuck().
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>

struct account {
	struct mutex lock;
	long balance;
};

static struct account abba_from = { .balance = 100 };
static struct account abba_to = { .balance = 0 };
/* The two threads (__used: only a debugger reads it, keep it anyway). */
static struct task_struct *abba_task[2] __used;
static DECLARE_COMPLETION(abba_done);

static void move(struct account *a, struct account *b, long amount)
{
	mutex_lock(&a->lock);
	msleep(10);			/* long enough for the other to start */
	mutex_lock(&b->lock);
	a->balance -= amount;
	b->balance += amount;
	mutex_unlock(&b->lock);
	mutex_unlock(&a->lock);
}

static int abba_pay(void *unused)
{
	move(&abba_from, &abba_to, 30);
	complete(&abba_done);
	return 0;
}

static int abba_refund(void *unused)
{
	move(&abba_to, &abba_from, 10);
	complete(&abba_done);
	return 0;
}

/* Nothing finished in time: a place to break. */
static noinline int abba_stuck(void)
{
	pr_err("abba: the transfers did not finish in 5 s\n");
	return -ETIMEDOUT;
}

static int __init abba_init(void)
{
	int i;

	mutex_init(&abba_from.lock);
	mutex_init(&abba_to.lock);
	abba_task[0] = kthread_run(abba_pay, NULL, "abba-pay");
	abba_task[1] = kthread_run(abba_refund, NULL, "abba-refund");
	for (i = 0; i < 2; i++)
		if (!wait_for_completion_timeout(&abba_done, 5 * HZ))
			return abba_stuck();
	pr_info("abba: balances %ld and %ld\n", abba_from.balance,
		abba_to.balance);
	return 0;
}

module_init(abba_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 4: an ABBA deadlock under lockdep");
