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
	uint64_t a;
	uint32_t n = 1;
	int i;

	/* UP kernels (UML's): one CPU, per-CPU data where it is linked */
	if (kmodel_symbol_addr(k, "__per_cpu_offset", &a)) {
		offsets[0] = 0;
		return 1;
	}
	if (kmodel_symbol_addr(k, "nr_cpu_ids", &a) == 0)
		kmodel_read(k, a, &n, sizeof(n));
	if (kmodel_symbol_addr(k, "__per_cpu_offset", &a))
		return 0;
	for (i = 0; i < (int)n && i < max; i++)
		if (kmodel_read_u64(k, a + 8 * (uint64_t)i, &offsets[i]))
			break;
	return i;
}

static void read_cstr(struct kmodel *k, uint64_t ptr, char *buf, size_t len)
{
	ssize_t n = ptr ? kmodel_read(k, ptr, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	buf[strnlen(buf, len - 1)] = '\0';
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
	ncpu = kmodel_cpus(k, offs, 64);
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
			read_cstr(k, kmodel_read_member(k, chip, &L->chip_name,
							&ok),
				  q->chip, sizeof(q->chip));
		while (act && guard++ < 64) {
			char name[64];
			size_t used = strlen(q->actions);

			read_cstr(k, kmodel_read_member(k, act, &L->a_name,
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
