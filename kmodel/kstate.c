/*
 * kmodel/kstate.c - kernel-wide state: the interrupts (each irq_desc with
 * its per-CPU counts, its chip and its actions, as /proc/interrupts shows
 * them) and per-CPU variables (a symbol's copy for each possible CPU).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct kstate_layout {
	struct kmodel_member desc_size, d_chip, d_kstat, d_action, chip_name,
		a_name, a_next, a_handler, stat_cnt;
};

#define S(st, path, m) \
	KFIELD(struct kstate_layout, "show_interrupts", st, path, m)
static const struct kmodel_field kstate_fields[] = {
	S("irq_desc", NULL, desc_size),
	S("irq_desc", "irq_data.chip", d_chip),
	S("irq_desc", "kstat_irqs", d_kstat),
	S("irq_desc", "action", d_action),
	S("irq_chip", "name", chip_name),
	S("irqaction", "name", a_name),
	S("irqaction", "next", a_next),
	S("irqaction", "handler", a_handler),
	S("irqstat", "cnt", stat_cnt),
};
#undef S

int kmodel_cpus(struct kmodel *k, uint64_t *offsets, int max)
{
	uint64_t off, n32;
	uint32_t n = 1;
	int i;

	/* UP kernels (UML's): one CPU, per-CPU data where it is linked */
	if (kmodel_symbol_addr(k, "__per_cpu_offset", &off)) {
		offsets[0] = 0;
		return 1;
	}
	if (kmodel_symbol_addr(k, "nr_cpu_ids", &n32) == 0)
		kmodel_read(k, n32, &n, sizeof(n));
	for (i = 0; i < (int)n && i < max; i++)
		if (kmodel_read_u64(k, off + 8 * (uint64_t)i, &offsets[i]))
			break;
	return i ? i : -EIO;	/* not even CPU 0's: the guest's memory */
}

int kmodel_irqs(struct kmodel *k, struct kmodel_irq **out, size_t *n,
		char **cause)
{
	const struct kstate_layout *L;
	uint64_t descs, offs[64], a;
	uint32_t nr = 0;
	int ncpu, c;
	uint32_t i;

	*out = NULL;
	*n = 0;
	L = kmodel_layout(k, KMODEL_CACHE_KSTATE, sizeof(*L), kstate_fields,
			  ARRAY_SIZE(kstate_fields), cause);
	if (!L)
		return -ENOENT;
	if (kmodel_symbol_addr(k, "irq_desc", &descs))
		return set_cause(cause, -ENOENT, "no irq_desc[] in '%s' (a "
				 "CONFIG_SPARSE_IRQ kernel: not read yet)",
				 k->path);
	if (kmodel_symbol_addr(k, "nr_irqs", &a) ||
	    kmodel_read(k, a, &nr, sizeof(nr)) != sizeof(nr) || nr > 65536)
		return set_cause(cause, -EIO, "cannot read nr_irqs");
	if ((ncpu = kmodel_cpus(k, offs, 64)) < 0)
		return set_cause(cause, ncpu, "cannot read __per_cpu_offset");
	for (i = 0; i < nr; i++) {
		uint64_t d = descs + i * L->desc_size.size, act, stat, chip;
		uint64_t count = 0, guard = 0;
		struct kmodel_irq *q;
		bool ok = true;

		act = kmodel_read_member(k, d, &L->d_action, &ok);
		stat = kmodel_read_member(k, d, &L->d_kstat, &ok);
		for (c = 0; stat && c < ncpu; c++)
			count += kmodel_read_member(k, stat + offs[c],
						    &L->stat_cnt, &ok);
		/* as show_interrupts(): irqs with an action or a count */
		if (!ok || (!act && !count))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		q = &(*out)[(*n)++];
		memset(q, 0, sizeof(*q));
		q->irq = (int)i;
		q->count = count;
		chip = kmodel_read_member(k, d, &L->d_chip, &ok);
		if (chip)
			kmodel_read_str(k, kmodel_read_member(k, chip, &L->chip_name,
							&ok),
				  q->chip, sizeof(q->chip));
		while (act && guard++ < 64) {
			char name[64];
			size_t used = strlen(q->actions);

			kmodel_read_str(k, kmodel_read_member(k, act, &L->a_name,
							&ok), name,
				  sizeof(name));
			if (!q->handler)
				q->handler = kmodel_read_member(k, act,
							&L->a_handler, &ok);
			snprintf(q->actions + used, sizeof(q->actions) - used,
				 "%s%s", used ? ", " : "", name);
			act = kmodel_read_member(k, act, &L->a_next, &ok);
		}
	}
	return 0;
}

/* ---- timers ------------------------------------------------------------ */

struct timers_layout {
	struct kmodel_member cb_clock_base, clk_size,
		clk_active, hr_expires, hr_soft, hr_function, rb_left, rb_right,
		tb_size, tb_vectors, tl_expires, tl_function, tl_entry;
};

#define T(cu, st, path, m) KFIELD(struct timers_layout, cu, st, path, m)
static const struct kmodel_field timers_fields[] = {
	T("hrtimer_start_range_ns", "hrtimer_cpu_base", "clock_base",
	  cb_clock_base),
	T("hrtimer_start_range_ns", "hrtimer_clock_base", NULL, clk_size),
	T("hrtimer_start_range_ns", "hrtimer_clock_base",
	  "active.rb_root.rb_root.rb_node", clk_active),
	T("hrtimer_start_range_ns", "hrtimer", "node.expires", hr_expires),
	T("hrtimer_start_range_ns", "hrtimer", "_softexpires", hr_soft),
	T("hrtimer_start_range_ns", "hrtimer", "function", hr_function),
	T("hrtimer_start_range_ns", "rb_node", "rb_left", rb_left),
	T("hrtimer_start_range_ns", "rb_node", "rb_right", rb_right),
	T("add_timer", "timer_base", NULL, tb_size),
	T("add_timer", "timer_base", "vectors", tb_vectors),
	T("add_timer", "timer_list", "expires", tl_expires),
	T("add_timer", "timer_list", "function", tl_function),
	T("add_timer", "timer_list", "entry", tl_entry),
};
#undef T

static void add_timer_row(struct kmodel_timer **out, size_t *n,
			  const struct kmodel_timer *t)
{
	*out = xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = *t;
}

/* The hrtimers of one clock base, in expiry order (an in-order walk of
 * its rb tree, as /proc/timer_list lists them). */
static void hrtimers_of(struct kmodel *k, const struct timers_layout *L,
			int cpu, int clock, uint64_t node,
			struct kmodel_timer **out, size_t *n)
{
	uint64_t stack[96];
	int depth = 0, guard = 0;
	bool ok = true;

	while ((node || depth) && guard++ < 100000 && ok) {
		if (node) {
			if (depth == (int)ARRAY_SIZE(stack))
				return;
			stack[depth++] = node;
			node = kmodel_read_member(k, node, &L->rb_left, &ok);
			continue;
		}
		node = stack[--depth];
		{
			/* struct hrtimer begins with its timerqueue_node,
			 * which begins with the rb_node */
			struct kmodel_timer t = { .hr = true, .cpu = cpu,
						  .base = clock, .timer = node };

			t.expires = kmodel_read_member(k, node, &L->hr_expires,
						       &ok);
			t.soft = kmodel_read_member(k, node, &L->hr_soft, &ok);
			t.function = kmodel_read_member(k, node,
							&L->hr_function, &ok);
			add_timer_row(out, n, &t);
		}
		node = kmodel_read_member(k, node, &L->rb_right, &ok);
	}
}

int kmodel_timers(struct kmodel *k, struct kmodel_timer **out, size_t *n,
		  char **cause)
{
	const struct timers_layout *L;
	uint64_t offs[64], hb, tb;
	int ncpu, c;
	uint64_t b, v, nbases, nclocks, nvec;

	*out = NULL;
	*n = 0;
	L = kmodel_layout(k, KMODEL_CACHE_TIMERS, sizeof(*L), timers_fields,
			  ARRAY_SIZE(timers_fields), cause);
	if (!L)
		return -ENOENT;
	if (kmodel_symbol_addr(k, "hrtimer_bases", &hb) ||
	    kmodel_symbol_addr(k, "timer_bases", &tb))
		return set_cause(cause, -ENOENT, "no hrtimer_bases or "
				 "timer_bases in '%s'", k->path);
	if ((ncpu = kmodel_cpus(k, offs, 64)) < 0)
		return set_cause(cause, ncpu, "cannot read __per_cpu_offset");
	nclocks = L->cb_clock_base.size / L->clk_size.size;
	nvec = L->tb_vectors.size / 8;
	for (c = 0; c < ncpu; c++) {
		uint64_t cpu_base = hb + offs[c];

		for (b = 0; b < nclocks; b++) {
			uint64_t clk = cpu_base + L->cb_clock_base.offset +
				       b * L->clk_size.size;
			bool ok = true;
			uint64_t root = kmodel_read_member(k, clk,
							   &L->clk_active, &ok);

			if (ok && root)
				hrtimers_of(k, L, c, (int)b, root, out, n);
		}
		/* the timer wheel: timer_bases[NR_BASES], each with its
		 * vectors of hlists */
		nbases = 1;
		{
			uint64_t sz = 0;

			if (kmodel_symbol_object(k, "timer_bases", &b, &sz) == 0
			    && sz >= L->tb_size.size)
				nbases = sz / L->tb_size.size;
		}
		for (b = 0; b < nbases; b++) {
			uint64_t base = tb + offs[c] + b * L->tb_size.size;

			for (v = 0; v < nvec; v++) {
				uint64_t pos = 0;
				int guard = 0;

				if (kmodel_read_u64(k, base + L->tb_vectors.offset
						    + 8 * v, &pos))
					continue;
				while (pos && guard++ < 10000) {
					uint64_t tl = pos - L->tl_entry.offset;
					struct kmodel_timer t = {
						.hr = false, .cpu = c,
						.base = (int)b, .timer = tl };
					bool ok = true;

					t.expires = kmodel_read_member(k, tl,
							&L->tl_expires, &ok);
					t.function = kmodel_read_member(k, tl,
							&L->tl_function, &ok);
					if (!ok)
						break;
					add_timer_row(out, n, &t);
					/* hlist_node: next first */
					if (kmodel_read_u64(k, pos, &pos))
						break;
				}
			}
		}
	}
	return 0;
}

/* ---- workqueues -------------------------------------------------------- */

struct wq_layout {
	struct kmodel_member pool_size, pool_id, pool_cpu, pool_worklist,
		pool_workers, pool_hash, w_node, w_task, w_func, work_entry,
		work_func, wq_list, wq_name, wq_rescuer, wq_pwqs, pwq_node,
		pwq_pool, pwq_inactive;
};

#define W(st, path, m) KFIELD(struct wq_layout, "create_worker", st, path, m)
static const struct kmodel_field wq_fields[] = {
	W("worker_pool", NULL, pool_size),
	W("worker_pool", "id", pool_id),
	W("worker_pool", "cpu", pool_cpu),
	W("worker_pool", "worklist", pool_worklist),
	W("worker_pool", "workers", pool_workers),
	W("worker_pool", "hash_node", pool_hash),
	W("worker", "node", w_node),
	W("worker", "task", w_task),
	W("worker", "current_func", w_func),
	W("work_struct", "entry", work_entry),
	W("work_struct", "func", work_func),
	W("workqueue_struct", "list", wq_list),
	W("workqueue_struct", "name", wq_name),
	W("workqueue_struct", "rescuer", wq_rescuer),
	W("workqueue_struct", "pwqs", wq_pwqs),
	W("pool_workqueue", "pwqs_node", pwq_node),
	W("pool_workqueue", "pool", pwq_pool),
	W("pool_workqueue", "inactive_works", pwq_inactive),
};
#undef W

/* Each entry of the list at head: the struct holding it (off before). */
static size_t list_items(struct kmodel *k, uint64_t head, uint64_t off,
			 uint64_t *items, size_t max)
{
	uint64_t pos = 0;
	size_t n = 0;

	if (kmodel_read_u64(k, head, &pos))
		return 0;
	while (pos && pos != head && n < max) {
		items[n++] = pos - off;
		if (kmodel_read_u64(k, pos, &pos))
			break;
	}
	return n;
}

static void add_work(struct kmodel_workqueues *o, const struct wq_layout *L,
		     struct kmodel *k, int pool, uint64_t work)
{
	bool ok = true;
	struct kmodel_work *w;

	o->works = xrealloc(o->works, (o->nworks + 1) * sizeof(*o->works));
	w = &o->works[o->nworks++];
	w->pool = pool;
	w->work = work;
	w->func = kmodel_read_member(k, work, &L->work_func, &ok);
}

static void add_worker(struct kmodel_workqueues *o, const struct wq_layout *L,
		       struct kmodel *k, int pool, int cpu, uint64_t worker,
		       const char *wq)
{
	struct kmodel_worker *w;
	struct kmodel_task t;
	bool ok = true;
	uint64_t task = kmodel_read_member(k, worker, &L->w_task, &ok);

	if (!ok || !task)
		return;
	o->workers = xrealloc(o->workers,
			      (o->nworkers + 1) * sizeof(*o->workers));
	w = &o->workers[o->nworkers++];
	memset(w, 0, sizeof(*w));
	w->pool = pool;
	w->cpu = cpu;
	w->task = task;
	w->current = kmodel_read_member(k, worker, &L->w_func, &ok);
	if (kmodel_read_task(k, task, &t) == 0) {
		w->pid = t.pid;
		memcpy(w->comm, t.comm, sizeof(w->comm));
	}
	if (wq)
		snprintf(w->rescues, sizeof(w->rescues), "%s", wq);
}

static void read_pool(struct kmodel *k, const struct wq_layout *L,
		      uint64_t pool, struct kmodel_workqueues *o)
{
	uint64_t items[1024];
	size_t n, i;
	bool ok = true;
	int id = (int)kmodel_read_member(k, pool, &L->pool_id, &ok);
	int cpu = (int)kmodel_read_member(k, pool, &L->pool_cpu, &ok);

	if (!ok)
		return;
	n = list_items(k, pool + L->pool_workers.offset, L->w_node.offset,
		       items, ARRAY_SIZE(items));
	for (i = 0; i < n; i++)
		add_worker(o, L, k, id, cpu, items[i], NULL);
	n = list_items(k, pool + L->pool_worklist.offset, L->work_entry.offset,
		       items, ARRAY_SIZE(items));
	for (i = 0; i < n; i++)
		add_work(o, L, k, id, items[i]);
}

int kmodel_workqueues(struct kmodel *k, struct kmodel_workqueues *o,
		      char **cause)
{
	const struct wq_layout *L;
	uint64_t offs[64], pools, hash, hsize = 0, a, wqs[4096], pwqs[256];
	size_t nwq, npwq, i, j, b;
	int ncpu, c;

	memset(o, 0, sizeof(*o));
	L = kmodel_layout(k, KMODEL_CACHE_WQ, sizeof(*L), wq_fields,
			  ARRAY_SIZE(wq_fields), cause);
	if (!L)
		return -ENOENT;
	if (kmodel_symbol_object(k, "cpu_worker_pools", &pools, &a) ||
	    kmodel_symbol_object(k, "unbound_pool_hash", &hash, &hsize) ||
	    kmodel_symbol_addr(k, "workqueues", &a))
		return set_cause(cause, -ENOENT, "no cpu_worker_pools, "
				 "unbound_pool_hash or workqueues in '%s'",
				 k->path);
	/* the per-CPU pools, then the unbound ones */
	if ((ncpu = kmodel_cpus(k, offs, 64)) < 0)
		return set_cause(cause, ncpu, "cannot read __per_cpu_offset");
	for (c = 0; c < ncpu; c++) {
		uint64_t sz = 0, n;

		kmodel_symbol_object(k, "cpu_worker_pools", &pools, &sz);
		for (n = 0; n < sz / L->pool_size.size; n++)
			read_pool(k, L, pools + offs[c] + n * L->pool_size.size,
				  o);
	}
	for (b = 0; b < hsize / 8; b++) {
		uint64_t pos = 0;
		int guard = 0;

		kmodel_read_u64(k, hash + 8 * b, &pos);
		while (pos && guard++ < 1024) {
			read_pool(k, L, pos - L->pool_hash.offset, o);
			if (kmodel_read_u64(k, pos, &pos))
				break;
		}
	}
	/* the workqueues: their names, rescuers and inactive works */
	nwq = list_items(k, a, L->wq_list.offset, wqs, ARRAY_SIZE(wqs));
	for (i = 0; i < nwq; i++) {
		struct kmodel_wq *q;
		bool ok = true;
		uint64_t resc = kmodel_read_member(k, wqs[i], &L->wq_rescuer,
						   &ok);

		o->wqs = xrealloc(o->wqs, (o->nwqs + 1) * sizeof(*o->wqs));
		q = &o->wqs[o->nwqs++];
		memset(q, 0, sizeof(*q));
		q->wq = wqs[i];
		kmodel_read_str(k, wqs[i] + L->wq_name.offset, q->name,
				sizeof(q->name));
		if (resc)
			add_worker(o, L, k, -1, -1, resc, q->name);
		npwq = list_items(k, wqs[i] + L->wq_pwqs.offset,
				  L->pwq_node.offset, pwqs, ARRAY_SIZE(pwqs));
		for (j = 0; j < npwq; j++) {
			uint64_t items[256], pool;
			size_t ni, m;

			pool = kmodel_read_member(k, pwqs[j], &L->pwq_pool, &ok);
			ni = list_items(k, pwqs[j] + L->pwq_inactive.offset,
					L->work_entry.offset, items,
					ARRAY_SIZE(items));
			for (m = 0; m < ni; m++)
				add_work(o, L, k, pool ? (int)
					 kmodel_read_member(k, pool,
							    &L->pool_id, &ok) :
					 -1, items[m]);
		}
	}
	return 0;
}

void kmodel_workqueues_free(struct kmodel_workqueues *o)
{
	free(o->wqs);
	free(o->workers);
	free(o->works);
	memset(o, 0, sizeof(*o));
}
