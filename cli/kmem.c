/*
 * cli/kmem.c - the prompt's memory forensics: kmem (what an address is)
 * and slab (the allocator's caches, and the slabs of one).  They fill
 * rows (lib/rows.h); the kernel model (kmodel/slab.c) reads the kernel.
 * Owns nothing across calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const kmem_what[] = {
	[KMODEL_KMEM_UNKNOWN] = "unknown",
	[KMODEL_KMEM_IMAGE] = "image",
	[KMODEL_KMEM_MODULE] = "module",
	[KMODEL_KMEM_SLAB] = "slab",
	[KMODEL_KMEM_SLAB_PAGE] = "slab-page",
	[KMODEL_KMEM_STACK] = "stack",
	[KMODEL_KMEM_PGTABLE] = "page-table",
	[KMODEL_KMEM_FREE] = "free",
	[KMODEL_KMEM_PAGE] = "page",
	[KMODEL_KMEM_VMALLOC] = "vmalloc",
};

/* "sym+off at file:line" for an address in code or data, or NULL. */
static char *symbol_at(struct session *s, uint64_t addr)
{
	struct kmodel_where *w;
	char *str = NULL;
	int n = kmodel_where(s->k, addr, false, &w);

	if (n > 0 && w[n - 1].func)
		str = kmodel_where_str(&w[n - 1]);
	kmodel_where_free(w, n);
	return str;
}

/* Is addr in a loaded module's memory?  Its name in w. */
static bool in_module(struct session *s, uint64_t addr,
		      struct kmodel_kmem *w)
{
	struct kmodel_module *m;
	size_t n, i;
	int j;
	bool found = false;

	if (kmodel_modules(s->k, &m, &n, NULL))
		return false;
	for (i = 0; i < n && !found; i++)
		for (j = 0; j < m[i].nmem && !found; j++)
			if (addr >= m[i].mem[j].base &&
			    addr < m[i].mem[j].base + m[i].mem[j].size) {
				w->kind = KMODEL_KMEM_MODULE;
				snprintf(w->name, sizeof(w->name), "%s",
					 m[i].name);
				w->start = m[i].mem[j].base;
				w->size = m[i].mem[j].size;
				found = true;
			}
	free(m);
	return found;
}

/* The processes that map a page, each in its VMA. */
static void page_users(struct cmd_ctx *ctx, uint64_t addr)
{
	struct kmodel_page_user *u;
	struct kmodel_vma v;
	size_t n, i;

	if (kmodel_page_users(ctx->s->k, addr, &u, &n, NULL))
		return;
	for (i = 0; i < n; i++) {
		row_begin(ctx->o, ROW_PAGEUSER);
		row_int(ctx->o, PAGEUSER_PID, u[i].pid);
		row_str(ctx->o, PAGEUSER_COMM, u[i].comm);
		row_addr(ctx->o, PAGEUSER_VA, u[i].va);
		if (kmodel_vma_at(ctx->s->k, u[i].vma, &v) == 0) {
			row_addr(ctx->o, PAGEUSER_START, v.start);
			row_addr(ctx->o, PAGEUSER_END, v.end);
			row_str(ctx->o, PAGEUSER_PERMS, v.perms);
			row_str(ctx->o, PAGEUSER_PATH, v.path);
		}
		row_end(ctx->o);
	}
	free(u);
}

static void print_track(struct cmd_ctx *ctx, const char *what,
			const struct kmodel_track *t)
{
	if (!t->valid)
		return;
	row_begin(ctx->o, ROW_TRACK);
	row_str(ctx->o, TRACK_WHAT, what);
	row_int(ctx->o, TRACK_PID, t->pid);
	if (!t->kasan) {	/* KASAN keeps the task and the stack only */
		row_int(ctx->o, TRACK_CPU, t->cpu);
		row_int(ctx->o, TRACK_JIFFIES, (int64_t)t->when);
	}
	row_str(ctx->o, TRACK_BY, t->kasan ? "kasan" : "slub");
	row_end(ctx->o);
	if (t->nstack)
		print_pc_frames(ctx->s, ctx->o, t->stack, t->nstack);
	else
		print_pc_frames(ctx->s, ctx->o, &t->addr, 1);
}

/* What addr is: a kmem row, and what follows it. */
static int kmem_show(struct cmd_ctx *ctx, uint64_t addr)
{
	struct kmodel_kmem w;
	struct session *s = ctx->s;
	char *cause = NULL, *sym = NULL;
	int err;

	memset(&w, 0, sizeof(w));
	w.addr = addr;
	if (in_module(s, addr, &w)) {
		sym = symbol_at(s, addr);
	} else if (kmodel_section_of(s->k, addr, w.name, sizeof(w.name))) {
		/* the image; init_task's stack is the one stack inside it */
		if (!kmodel_kmem_stack(s->k, addr, true, &w)) {
			w.kind = KMODEL_KMEM_IMAGE;
			sym = symbol_at(s, addr);
		}
	} else if ((err = kmodel_kmem_page(s->k, addr, &w, &cause)) < 0 &&
		   err != -ENOENT) {
		return cmd_fail(ctx, "kmem", cause, err);
	} else if (err == -ENOENT) {
		free(cause);
		cause = NULL;
		if (kmodel_kmem_stack(s->k, addr, false, &w)) {
			/* a vmalloc'd stack (CONFIG_VMAP_STACK) */
		} else if (kmodel_kmem_vmalloc(s->k, addr, &w, NULL) == 0) {
			sym = w.caller ? symbol_at(s, w.caller) : NULL;
			snprintf(w.name, sizeof(w.name), "%s", sym ? sym :
				 "(no caller recorded)");
		} else {
			snprintf(w.name, sizeof(w.name), "not in the kernel "
				 "image, a module, the direct map or a "
				 "vmalloc area");
		}
	} else if (w.kind == KMODEL_KMEM_FREE) {
		snprintf(w.name, sizeof(w.name), "%s", w.pcp ? "pcp" : "buddy");
	} else if (w.kind == KMODEL_KMEM_PAGE && !w.mapping &&
		   kmodel_kmem_stack(s->k, addr, false, &w)) {
		/* a task's stack in the direct map: its page stays known */
	} else if (w.kind == KMODEL_KMEM_PAGE) {
		/* page->mapping: bit 0 set for anonymous memory */
		snprintf(w.name, sizeof(w.name), "%s", w.mapping & 1 ?
			 "anonymous memory" : w.mapping ? "the page cache" :
			 "the kernel's: not slab, a stack or page table");
	}
	row_begin(ctx->o, ROW_KMEM);
	row_addr(ctx->o, KMEM_ADDR, addr);
	row_str(ctx->o, KMEM_WHAT, kmem_what[w.kind]);
	row_str(ctx->o, KMEM_NAME, w.name);
	if (w.start) {
		row_addr(ctx->o, KMEM_START, w.start);
		row_addr(ctx->o, KMEM_OFFSET, addr - w.start);
	}
	if (w.size)
		row_int(ctx->o, KMEM_SIZE, (int64_t)w.size);
	if (w.kind == KMODEL_KMEM_SLAB)
		row_str(ctx->o, KMEM_STATE, w.quarantined ? "quarantined" :
			w.free ? "free" : "allocated");
	if (w.kind == KMODEL_KMEM_STACK)
		row_int(ctx->o, KMEM_PID, w.pid);
	row_str(ctx->o, KMEM_SYMBOL, sym);
	if (w.page) {
		row_addr(ctx->o, KMEM_PAGE, w.page);
		row_addr(ctx->o, KMEM_PFN, w.pfn);
	}
	if (w.kind == KMODEL_KMEM_FREE)
		row_int(ctx->o, KMEM_ORDER, w.order);
	row_end(ctx->o);
	free(sym);
	if (w.kind == KMODEL_KMEM_PAGE)
		page_users(ctx, addr);
	if (w.kind == KMODEL_KMEM_SLAB && w.outside)
		fprintf(ctx->out, "  (past the object's %llu bytes: in SLUB's "
			"metadata or padding of its %llu-byte slot)\n",
			(unsigned long long)w.size,
			(unsigned long long)w.stride);
	print_track(ctx, "allocated", &w.alloc);
	print_track(ctx, "freed", &w.freed);
	return 0;
}

int cmd_kmem(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *p = cmd_arg(ctx->args, "PID");
	char *expr, *cause = NULL;
	uint64_t addr;
	int err, pid = -1;

	(void)argc; (void)argv;
	if (p && cmd_parse_pid(ctx, p, &pid) < 0)
		return -EINVAL;
	expr = cmd_rest(ctx->args);
	err = cmd_eval_addr(ctx, "kmem", expr, &addr);
	free(expr);
	if (err < 0)
		return err;
	if (pid >= 0) {
		/* a user address: the page behind it, in the direct map */
		struct kmodel_ptwalk pw;

		if ((err = kmodel_vtop(ctx->s->k, pid, addr, &pw, &cause)) < 0)
			return cmd_fail(ctx, "kmem", cause, err);
		if (!pw.mapped) {
			fprintf(ctx->out, "kmem: task %d's 0x%llx: %s\n", pid,
				(unsigned long long)addr, pw.why);
			return -ENOENT;
		}
		fprintf(ctx->out, "task %d's 0x%llx is 0x%llx in the kernel's "
			"direct map\n", pid, (unsigned long long)addr,
			(unsigned long long)pw.host);
		addr = pw.host;
	}
	return kmem_show(ctx, addr);
}

/* page EXPR: a value below the number of page frames is a PFN, any
 * other an address. */
int cmd_page(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_kmem w;
	char *expr, *cause = NULL, flags[512];
	uint64_t v, addr;
	int err;

	(void)argc; (void)argv;
	expr = cmd_rest(ctx->args);
	err = cmd_eval_addr(ctx, "page", expr, &v);
	free(expr);
	if (err < 0)
		return err;
	if (kmodel_pfn_addr(ctx->s->k, v, &addr) < 0)
		addr = v;
	memset(&w, 0, sizeof(w));
	err = kmodel_kmem_page(ctx->s->k, addr, &w, &cause);
	if (err == -ENOENT) {
		fprintf(ctx->out, "page: 0x%llx is neither a page frame number "
			"nor in the kernel's direct map\n",
			(unsigned long long)v);
		free(cause);
		return err;
	}
	if (err < 0)
		return cmd_fail(ctx, "page", cause, err);
	kmodel_page_flag_names(ctx->s->k, w.page_flags, flags, sizeof(flags));
	row_begin(ctx->o, ROW_PAGE);
	row_addr(ctx->o, PAGE_PFN, w.pfn);
	row_addr(ctx->o, PAGE_PAGE, w.page);
	row_addr(ctx->o, PAGE_ADDR, addr & ~0xfffULL);
	row_str(ctx->o, PAGE_FLAGS, flags);
	row_int(ctx->o, PAGE_REFCOUNT, w.refcount);
	row_addr(ctx->o, PAGE_MAPPING, w.mapping);
	row_end(ctx->o);
	return kmem_show(ctx, addr);
}

static void cache_row(struct out *o, const struct kmodel_slabcache *c)
{
	row_begin(o, ROW_SLABCACHE);
	row_str(o, SLABCACHE_NAME, c->name);
	row_addr(o, SLABCACHE_ADDR, c->addr);
	row_int(o, SLABCACHE_ACTIVE, (int64_t)c->active);
	row_int(o, SLABCACHE_OBJECTS, (int64_t)c->objects);
	row_int(o, SLABCACHE_OBJSIZE, (int64_t)c->object_size);
	row_int(o, SLABCACHE_SIZE, (int64_t)c->size);
	row_int(o, SLABCACHE_PER_SLAB, c->per_slab);
	row_int(o, SLABCACHE_PAGES, 1LL << c->order);
	row_int(o, SLABCACHE_SLABS, (int64_t)c->slabs);
	row_bool(o, SLABCACHE_STORE_USER, c->store_user);
	row_end(o);
}

int cmd_slab(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *name = cmd_arg(ctx->args, "CACHE");
	bool objects = cmd_arg(ctx->args, "-o") != NULL;
	struct kmodel_slabcache *c, one;
	struct kmodel_slab *sl;
	char *cause = NULL;
	size_t n, i;
	int err;

	(void)argc; (void)argv;
	if (!name) {
		err = kmodel_slab_caches(ctx->s->k, &c, &n, &cause);
		if (err)
			return cmd_fail(ctx, "slab", cause, err);
		for (i = 0; i < n; i++)
			cache_row(ctx->o, &c[i]);
		kmodel_slab_caches_free(c);
		return 0;
	}
	err = kmodel_cache_slabs(ctx->s->k, name, &one, &sl, &n, &cause);
	if (err)
		return cmd_fail(ctx, "slab", cause, err);
	cache_row(ctx->o, &one);
	for (i = 0; i < n; i++) {
		unsigned o, f;

		row_begin(ctx->o, ROW_SLAB);
		row_addr(ctx->o, SLAB_SLAB, sl[i].slab);
		row_addr(ctx->o, SLAB_BASE, sl[i].base);
		row_int(ctx->o, SLAB_OBJECTS, sl[i].objects);
		row_int(ctx->o, SLAB_INUSE, sl[i].inuse);
		row_int(ctx->o, SLAB_FREE, sl[i].nfree);
		row_bool(ctx->o, SLAB_CPU, sl[i].cpu);
		row_end(ctx->o);
		for (o = 0; objects && o < sl[i].objects; o++) {
			uint64_t a = sl[i].first + o * sl[i].stride;
			bool is_free = false;

			for (f = 0; f < sl[i].nfree && !is_free; f++)
				is_free = sl[i].free[f] == a;
			row_begin(ctx->o, ROW_OBJECT);
			row_addr(ctx->o, OBJECT_ADDR, a);
			row_str(ctx->o, OBJECT_STATE, is_free ? "free" :
				"allocated");
			row_end(ctx->o);
		}
	}
	kmodel_slabs_free(sl, n);
	return 0;
}

int cmd_buddy(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct kmodel_zone *z;
	char *cause = NULL;
	size_t n, i;
	int err, o;

	(void)argc; (void)argv;
	err = kmodel_zones(ctx->s->k, &z, &n, &cause);
	if (err)
		return cmd_fail(ctx, "buddy", cause, err);
	for (i = 0; i < n; i++) {
		row_begin(ctx->o, ROW_ZONE);
		row_str(ctx->o, ZONE_NAME, z[i].name);
		row_int(ctx->o, ZONE_PRESENT, (int64_t)z[i].present);
		row_int(ctx->o, ZONE_PCP, z[i].pcp_pages);
		row_end(ctx->o);
		for (o = 0; o < z[i].norders; o++) {
			row_begin(ctx->o, ROW_BUDDY);
			row_str(ctx->o, BUDDY_ZONE, z[i].name);
			row_int(ctx->o, BUDDY_ORDER, o);
			row_int(ctx->o, BUDDY_FREE, (int64_t)z[i].nr_free[o]);
			row_int(ctx->o, BUDDY_PAGES,
				(int64_t)(z[i].nr_free[o] << o));
			row_end(ctx->o);
		}
	}
	free(z);
	return 0;
}
