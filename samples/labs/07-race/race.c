// SPDX-License-Identifier: GPL-2.0
/*
 * race: the module of lab 7 (docs/labs/07-race.md).  Two kernel threads
 * each add 1 to a shared counter race_loops times, without a lock.  The
 * guest kernel is not preemptible, so a thread only gives the CPU up
 * where it calls the scheduler; the increment is meant to be safe
 * because each thread calls cond_resched() only between increments...
 * but race_note(), called in the middle of one, calls it too.  Whether
 * a timer tick asks for a reschedule just before that call is up to the
 * host's timer: the count comes out short only sometimes.  Each thread
 * checks the count after its increment, and race_caught() says so the
 * first time it is short.
 */
#include <linux/completion.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

static int race_loops = 100;
module_param(race_loops, int, 0444);
MODULE_PARM_DESC(race_loops, "increments per thread");

static int race_work = 40;
module_param(race_work, int, 0444);
MODULE_PARM_DESC(race_work, "clock reads of busy work after each increment");

static int race_counter;	/* the shared counter */
static int race_done[2];	/* increments each thread made */
static u64 race_stamp[2];	/* when each thread last saw the counter */
/* The two threads (__used: only a debugger reads it, keep it anyway). */
static struct task_struct *race_task[2] __used;
static bool race_noticed;		/* race_caught() was called */
static DECLARE_COMPLETION(race_finished);

/* Note when a thread saw the counter (a harmless-looking helper). */
static noinline void race_note(int id, int seen)
{
	race_stamp[id] = ktime_get_ns();
	cond_resched();		/* be nice to the other thread */
}

static noinline void race_busy(void)
{
	int i;

	for (i = 0; i < race_work; i++)
		ktime_get_ns();
}

/* The first time the count is short, right after the store that made
 * it so: the thread that stored, and the value it had read. */
static noinline void race_caught(int id, int seen)
{
	race_noticed = true;
	pr_warn("race: race-%d stored %d, %d short; it had read the count "
		"%llu us before\n", id, seen + 1,
		race_done[0] + race_done[1] - race_counter,
		(ktime_get_ns() - race_stamp[id]) / 1000);
}

static int race_fn(void *arg)
{
	int id = (long)arg, i, seen;

	for (i = 0; i < race_loops; i++) {
		seen = race_counter;
		race_note(id, seen);
		race_counter = seen + 1;
		race_done[id]++;
		if (race_counter != race_done[0] + race_done[1] &&
		    !race_noticed)
			race_caught(id, seen);
		race_busy();
		cond_resched();
	}
	complete(&race_finished);
	return 0;
}

/* The count is short: say so (a place to break). */
static noinline int race_report(int expected)
{
	pr_err("race: counter %d, expected %d: lost %d\n", race_counter,
	       expected, expected - race_counter);
	return -EIO;
}

static int __init race_init(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		race_task[i] = kthread_run(race_fn, (void *)(long)i, "race-%d",
					   i);
		if (IS_ERR(race_task[i])) {
			int err = PTR_ERR(race_task[i]);

			while (i--)	/* the module must outlive its threads */
				wait_for_completion(&race_finished);
			return err;
		}
	}
	wait_for_completion(&race_finished);
	wait_for_completion(&race_finished);
	if (race_counter != 2 * race_loops)
		return race_report(2 * race_loops);
	pr_info("race: counter %d, as expected\n", race_counter);
	return 0;
}

static void __exit race_exit(void)
{
}

module_init(race_init);
module_exit(race_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umdbg lab 7: a race found by record and replay");
