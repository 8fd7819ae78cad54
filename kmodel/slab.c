/*
 * kmodel/slab.c - the SLUB allocator and the pages under it: the caches
 * (counted as /proc/slabinfo counts them), the slabs of one cache, and
 * the slab object, if any, an address lies in, with the allocation and
 * free records SLUB keeps for a cache with SLAB_STORE_USER.
 *
 * Pages: UML's memory is FLATMEM, so the struct page of a direct-map
 * address is mem_map[(addr - uml_physmem) >> PAGE_SHIFT].  A slab is a
 * page (the head of a compound page for order > 0) whose page_type says
 * PGTY_slab; struct slab overlays struct page.  Every offset comes from
 * DWARF, every page type and flag from the kernel's own enumerators.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct slab_layout {
	/* struct kmem_cache */
	struct kmodel_member c_cpu_slab, c_flags, c_size, c_object_size,
		c_offset, c_oo, c_inuse, c_red_left_pad, c_name, c_list,
		c_node;
	/* struct kmem_cache_node */
	struct kmodel_member n_nr_partial, n_partial, n_nr_slabs,
		n_total_objects;
	/* struct kmem_cache_cpu */
	struct kmodel_member cpu_freelist, cpu_slab;
	/* struct slab */
	struct kmodel_member s_cache, s_list, s_freelist, s_inuse, s_objects,
		s_frozen;
	/* struct page */
	struct kmodel_member p_size, p_flags, p_compound_head, p_type,
		p_private, p_mapping, p_refcount;
	/* struct track (mm/slub.c) */
	struct kmodel_member t_size, t_addr, t_handle, t_cpu, t_pid, t_when;
};

#define S(st, path, m) KFIELD(struct slab_layout, "kmem_cache_free", st, path, m)
static const struct kmodel_field slab_fields[] = {
	S("kmem_cache", "cpu_slab", c_cpu_slab),
	S("kmem_cache", "flags", c_flags),
	S("kmem_cache", "size", c_size),
	S("kmem_cache", "object_size", c_object_size),
	S("kmem_cache", "offset", c_offset),
	S("kmem_cache", "oo.x", c_oo),
	S("kmem_cache", "inuse", c_inuse),
	S("kmem_cache", "red_left_pad", c_red_left_pad),
	S("kmem_cache", "name", c_name),
	S("kmem_cache", "list", c_list),
	S("kmem_cache", "node", c_node),
	S("kmem_cache_node", "nr_partial", n_nr_partial),
	S("kmem_cache_node", "partial", n_partial),
	S("kmem_cache_node", "nr_slabs", n_nr_slabs),
	S("kmem_cache_node", "total_objects", n_total_objects),
	S("kmem_cache_cpu", "freelist", cpu_freelist),
	S("kmem_cache_cpu", "slab", cpu_slab),
	S("slab", "slab_cache", s_cache),
	S("slab", "slab_list", s_list),
	S("slab", "freelist", s_freelist),
	S("slab", "inuse", s_inuse),
	S("slab", "objects", s_objects),
	S("slab", "frozen", s_frozen),
	S("page", NULL, p_size),
	S("page", "flags", p_flags),
	S("page", "compound_head", p_compound_head),
	S("page", "page_type", p_type),
	S("page", "private", p_private),
	S("page", "mapping", p_mapping),
	S("page", "_refcount", p_refcount),
	S("track", NULL, t_size),
	S("track", "addr", t_addr),
	S("track", "handle", t_handle),
	S("track", "cpu", t_cpu),
	S("track", "pid", t_pid),
	S("track", "when", t_when),
};
#undef S

/* struct pages read at once when scanning mem_map */
#define SLAB_SCAN 1024

/* What the layout cannot say, read once with it. */
struct slab_model {
	const struct slab_layout *L;
	uint64_t physmem, high, mem_map, max_mapnr;
	uint64_t cpu_off[KMODEL_MAX_CPUS];	/* each CPU's __percpu offset */
	int ncpus;
	int pgty_slab, pgty_buddy, pgty_table;
	uint64_t store_user;		/* SLAB_STORE_USER */
	bool hardened;			/* CONFIG_SLAB_FREELIST_HARDENED */
	struct kmodel_member c_random;
	uint64_t nnodes;		/* kmem_cache.node[] entries */
};


static int read_sym_u64(struct kmodel *k, const char *name, uint64_t *v,
			char **cause)
{
	uint64_t a;

	if (kmodel_symbol_addr(k, name, &a) || kmodel_read_u64(k, a, v))
		return set_cause(cause, -EIO, "cannot read '%s'", name);
	return 0;
}

static int slab_model(struct kmodel *k, struct slab_model *m, char **cause)
{
	int64_t slab, buddy, table, store_user;
	Dwarf_Die st;
	int err;

	memset(m, 0, sizeof(*m));
	m->L = kmodel_layout(k, KMODEL_CACHE_SLAB, sizeof(*m->L), slab_fields,
			     ARRAY_SIZE(slab_fields), cause);
	if (!m->L)
		return -ENOENT;
	if ((err = read_sym_u64(k, "uml_physmem", &m->physmem, cause)) ||
	    (err = read_sym_u64(k, "high_physmem", &m->high, cause)) ||
	    (err = read_sym_u64(k, "mem_map", &m->mem_map, cause)) ||
	    (err = read_sym_u64(k, "max_mapnr", &m->max_mapnr, cause)))
		return err;
	if (!kmodel_enum_value(k, "PGTY_slab", &slab) ||
	    !kmodel_enum_value(k, "PGTY_buddy", &buddy) ||
	    !kmodel_enum_value(k, "PGTY_table", &table) ||
	    !kmodel_enum_value(k, "_SLAB_STORE_USER", &store_user))
		return set_cause(cause, -ENOENT, "no PGTY_slab, PGTY_buddy, "
				 "PGTY_table or _SLAB_STORE_USER in the debug "
				 "info of '%s'", k->path);
	m->pgty_slab = (int)slab;
	m->pgty_buddy = (int)buddy;
	m->pgty_table = (int)table;
	m->store_user = 1ULL << store_user;
	if ((m->ncpus = kmodel_cpus(k, m->cpu_off, KMODEL_MAX_CPUS)) < 0)
		return set_cause(cause, -EIO, "cannot read __per_cpu_offset");
	/* Hardened freelists are stored XORed with kmem_cache.random. */
	m->hardened = kmodel_struct(k, "kmem_cache_free", "kmem_cache", &st,
				    NULL) == 0 &&
		      kmodel_member(k, &st, "kmem_cache", "random",
				    &m->c_random, NULL) == 0;
	m->nnodes = m->L->c_node.size / 8;
	if (!m->nnodes)
		m->nnodes = 1;
	return 0;
}

/* ---- pages ------------------------------------------------------------- */

static bool in_direct_map(const struct slab_model *m, uint64_t addr)
{
	return addr >= m->physmem && addr < m->high;
}

static uint64_t page_of_pfn(const struct slab_model *m, uint64_t pfn)
{
	return m->mem_map + pfn * m->L->p_size.size;
}

static uint64_t pfn_addr(const struct slab_model *m, uint64_t pfn)
{
	return m->physmem + (pfn << KPAGE_SHIFT);
}

/* The page type byte (page_type >> 24), or -1 for none. */
static int page_type(const struct slab_model *m, const uint8_t *page)
{
	uint32_t t = (uint32_t)kmodel_member_value(page, &m->L->p_type);

	return t >> 24 >= 0xf0 && t >> 24 < 0xff ? (int)(t >> 24) : -1;
}

static int read_page(struct kmodel *k, const struct slab_model *m,
		     uint64_t pfn, uint8_t *buf)
{
	size_t sz = m->L->p_size.size;

	if (pfn >= m->max_mapnr || sz > KMODEL_PAGE_STRUCT_MAX)
		return -ERANGE;
	return kmodel_read(k, page_of_pfn(m, pfn), buf, sz) == (ssize_t)sz ?
	       0 : -EIO;
}

/* The head pfn of the compound page holding pfn (pfn itself if none). */
static uint64_t head_pfn(struct kmodel *k, const struct slab_model *m,
			 uint64_t pfn, uint8_t *page)
{
	uint64_t ch = kmodel_member_value(page, &m->L->p_compound_head);

	if (!(ch & 1))
		return pfn;
	ch = (ch - 1 - m->mem_map) / m->L->p_size.size;
	if (ch >= m->max_mapnr || read_page(k, m, ch, page))
		return pfn;
	return ch;
}

/* ---- caches ------------------------------------------------------------ */

static void read_name(struct kmodel *k, uint64_t ptr, char *buf, size_t len)
{
	if (!kmodel_read_str(k, ptr, buf, len))
		snprintf(buf, len, "?");
}

/* Free objects on the partial list of one node: objects - inuse each. */
static uint64_t partial_free(struct kmodel *k, const struct slab_model *m,
			     uint64_t node, uint64_t limit)
{
	const struct slab_layout *L = m->L;
	uint64_t head = node + L->n_partial.offset, pos, free = 0, i = 0;
	bool ok = true;

	if (kmodel_read_u64(k, head, &pos))
		return 0;
	while (pos != head && pos && i++ < limit && ok) {
		uint64_t slab = pos - L->s_list.offset;

		free += kmodel_read_member(k, slab, &L->s_objects, &ok) -
			kmodel_read_member(k, slab, &L->s_inuse, &ok);
		if (kmodel_read_u64(k, pos, &pos))
			break;
	}
	return free;
}

static int read_cache(struct kmodel *k, const struct slab_model *m,
		      uint64_t addr, struct kmodel_slabcache *c)
{
	const struct slab_layout *L = m->L;
	uint64_t oo, free = 0, i;
	bool ok = true;

	memset(c, 0, sizeof(*c));
	c->addr = addr;
	read_name(k, kmodel_read_member(k, addr, &L->c_name, &ok), c->name,
		  sizeof(c->name));
	c->object_size = kmodel_read_member(k, addr, &L->c_object_size, &ok);
	c->size = kmodel_read_member(k, addr, &L->c_size, &ok);
	c->flags = kmodel_read_member(k, addr, &L->c_flags, &ok);
	oo = kmodel_read_member(k, addr, &L->c_oo, &ok);
	c->order = (unsigned)(oo >> KOO_SHIFT);
	if (c->order > KMAX_PAGE_ORDER)
		ok = false;	/* not a cache: damaged or not one */
	c->per_slab = (unsigned)(oo & KOO_MASK);
	for (i = 0; i < m->nnodes; i++) {
		uint64_t node;

		if (kmodel_read_u64(k, addr + L->c_node.offset + 8 * i, &node)
		    || !node)
			continue;
		c->slabs += kmodel_read_member(k, node, &L->n_nr_slabs, &ok);
		c->objects += kmodel_read_member(k, node, &L->n_total_objects,
						 &ok);
		/* as count_partial_free_approx() does for short lists */
		free += partial_free(k, m, node,
				     kmodel_read_member(k, node,
							&L->n_nr_partial, &ok));
	}
	c->active = c->objects >= free ? c->objects - free : 0;
	c->store_user = (c->flags & m->store_user) != 0;
	return ok ? 0 : -EIO;
}

int kmodel_slab_caches(struct kmodel *k, struct kmodel_slabcache **out,
		       size_t *n, char **cause)
{
	struct slab_model m;
	uint64_t head, pos;
	size_t limit = 100000;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = slab_model(k, &m, cause)))
		return err;
	if (kmodel_symbol_addr(k, "slab_caches", &head) ||
	    kmodel_read_u64(k, head, &pos))
		return set_cause(cause, -EIO, "cannot read slab_caches");
	while (pos != head && limit--) {
		struct kmodel_slabcache c;

		if (!pos || read_cache(k, &m, pos - m.L->c_list.offset, &c)) {
			kmodel_slab_caches_free(*out);
			*out = NULL;
			*n = 0;
			return set_cause(cause, -EIO, "the slab_caches list "
					 "breaks at 0x%llx",
					 (unsigned long long)pos);
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = c;
		if (kmodel_read_u64(k, pos, &pos))
			break;
	}
	return 0;
}

void kmodel_slab_caches_free(struct kmodel_slabcache *c)
{
	free(c);
}

/* ---- one slab ---------------------------------------------------------- */

static uint64_t swab64(uint64_t v)
{
	return __builtin_bswap64(v);
}

/* The next free object after obj (its free pointer). */
static bool next_free(struct kmodel *k, const struct slab_model *m,
		      uint64_t cache, uint64_t offset, uint64_t obj,
		      uint64_t *next)
{
	uint64_t at = obj + offset, v, random;
	bool ok = true;

	if (kmodel_read_u64(k, at, &v))
		return false;
	if (m->hardened) {
		random = kmodel_read_member(k, cache, &m->c_random, &ok);
		v ^= random ^ swab64(at);
	}
	*next = v;
	return ok;
}

struct slab_info {
	uint64_t page, cache, base;	/* struct slab, its cache, object 0 */
	unsigned objects, inuse;
	bool frozen, is_cpu;
	uint64_t size, offset, red_left;
	uint64_t *free;			/* its free objects */
	size_t nfree;
};

/* The cache's slab and freelist on CPU cpu. */
static void cpu_slab(struct kmodel *k, const struct slab_model *m,
		     uint64_t cache, int cpu, uint64_t *slab,
		     uint64_t *freelist)
{
	bool ok = true;
	uint64_t c = kmodel_read_member(k, cache, &m->L->c_cpu_slab, &ok);

	*slab = *freelist = 0;
	if (!ok || !c)
		return;
	c += m->cpu_off[cpu];
	*slab = kmodel_read_member(k, c, &m->L->cpu_slab, &ok);
	*freelist = kmodel_read_member(k, c, &m->L->cpu_freelist, &ok);
}

static void add_free_chain(struct kmodel *k, const struct slab_model *m,
			   struct slab_info *s, uint64_t obj)
{
	uint64_t end = s->base + (uint64_t)s->objects * s->size;

	while (obj && s->nfree < s->objects) {
		if (obj < s->base || obj >= end)
			break;		/* not this slab's: stop trusting it */
		s->free = xrealloc(s->free, (s->nfree + 1) * sizeof(*s->free));
		s->free[s->nfree++] = obj;
		if (!next_free(k, m, s->cache, s->offset, obj, &obj))
			break;
	}
}

static int read_slab(struct kmodel *k, const struct slab_model *m,
		     uint64_t pfn, const uint8_t *page, struct slab_info *s)
{
	const struct slab_layout *L = m->L;
	uint64_t cpu, cpu_free;
	bool ok = true;
	int c;

	memset(s, 0, sizeof(*s));
	s->page = page_of_pfn(m, pfn);
	s->cache = kmodel_member_value(page, &L->s_cache);
	s->objects = (unsigned)kmodel_member_value(page, &L->s_objects);
	s->inuse = (unsigned)kmodel_member_value(page, &L->s_inuse);
	s->frozen = kmodel_member_value(page, &L->s_frozen) != 0;
	s->size = kmodel_read_member(k, s->cache, &L->c_size, &ok);
	s->offset = kmodel_read_member(k, s->cache, &L->c_offset, &ok);
	s->red_left = kmodel_read_member(k, s->cache, &L->c_red_left_pad, &ok);
	if (!ok || !s->size)
		return -EIO;
	s->base = pfn_addr(m, pfn);
	add_free_chain(k, m, s, kmodel_member_value(page, &L->s_freelist));
	for (c = 0; c < m->ncpus && !s->is_cpu; c++) {
		cpu_slab(k, m, s->cache, c, &cpu, &cpu_free);
		if (cpu == s->page) {
			/* a CPU's own freelist holds this slab's other free
			 * objects */
			s->is_cpu = true;
			add_free_chain(k, m, s, cpu_free);
		}
	}
	return 0;
}

/* ---- every slab of a cache --------------------------------------------- */

int kmodel_cache_slabs(struct kmodel *k, const char *name,
		       struct kmodel_slabcache *cache,
		       struct kmodel_slab **out, size_t *n, char **cause)
{
	struct kmodel_slabcache *caches;
	struct slab_model m;
	uint8_t *chunk;
	size_t nc, i, psz;
	uint64_t pfn, first = 0, have = 0;
	int err;

	*out = NULL;
	*n = 0;
	if ((err = kmodel_slab_caches(k, &caches, &nc, cause)))
		return err;
	for (i = 0; i < nc; i++)
		if (!strcmp(caches[i].name, name))
			break;
	if (i == nc) {
		kmodel_slab_caches_free(caches);
		return set_cause(cause, -ENOENT, "no slab cache '%s' (slab "
				 "lists them)", name);
	}
	*cache = caches[i];
	kmodel_slab_caches_free(caches);
	if ((err = slab_model(k, &m, cause)))
		return err;
	/* mem_map read SLAB_SCAN pages at a time */
	psz = m.L->p_size.size;
	chunk = xmalloc(SLAB_SCAN * psz);
	for (pfn = 0; pfn < m.max_mapnr; pfn++) {
		struct slab_info s;
		struct kmodel_slab *o;
		const uint8_t *page;

		if (pfn >= first + have) {
			uint64_t want = m.max_mapnr - pfn < SLAB_SCAN ?
					m.max_mapnr - pfn : SLAB_SCAN;
			ssize_t got = kmodel_read(k, page_of_pfn(&m, pfn), chunk,
						  want * psz);

			first = pfn;
			have = got > 0 ? (uint64_t)got / psz : 0;
			if (!have)
				continue;
		}
		page = chunk + (pfn - first) * psz;
		if (page_type(&m, page) != m.pgty_slab ||
		    kmodel_member_value(page, &m.L->s_cache) != cache->addr ||
		    read_slab(k, &m, pfn, page, &s))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		o = &(*out)[(*n)++];
		memset(o, 0, sizeof(*o));
		o->slab = s.page;
		o->base = s.base;
		o->objects = s.objects;
		o->inuse = s.is_cpu ? s.objects - (unsigned)s.nfree : s.inuse;
		o->nfree = (unsigned)s.nfree;
		o->cpu = s.is_cpu;
		o->frozen = s.frozen;
		o->first = s.base + s.red_left;
		o->stride = s.size;
		o->free = s.free;	/* theirs now */
	}
	free(chunk);
	return 0;
}

/* ---- KASAN's view of an object ------------------------------------------- */

/*
 * With generic KASAN a freed object waits in KASAN's quarantine: SLUB
 * still counts it allocated, its shadow says KASAN_SLAB_FREE, and KASAN
 * keeps who allocated and who freed it (its alloc and free meta).
 */
struct kasan_layout {
	struct kmodel_member c_alloc_off, c_free_off, t_pid, t_stack,
		fm_track;
};

#define K(st, path, m) KFIELD(struct kasan_layout, \
			      "kasan_complete_mode_report_info", st, path, m)
static const struct kmodel_field kasan_fields[] = {
	K("kmem_cache", "kasan_info.alloc_meta_offset", c_alloc_off),
	K("kmem_cache", "kasan_info.free_meta_offset", c_free_off),
	K("kasan_track", "pid", t_pid),
	K("kasan_track", "stack", t_stack),
	K("kasan_free_meta", "free_track", fm_track),
};
#undef K

/* mm/kasan/kasan.h: shadow values of freed slab objects, and the free
 * meta offset of a cache that has none */
#define KASAN_SLAB_FREE 0xfb
#define KASAN_SLAB_FREE_META 0xfa
#define KASAN_NO_FREE_META 0x7fffffff

/* CONFIG_KASAN_SHADOW_OFFSET, from the kernel's own config, read once;
 * 0: none */
static uint64_t kasan_shadow_offset(struct kmodel *k)
{
	struct kmodel_config *c;
	char *from = NULL;
	size_t n, i;
	uint64_t off = 0, a;

	if (k->kasan_shadow_known)
		return k->kasan_shadow;
	k->kasan_shadow_known = true;
	if (kmodel_symbol_addr(k, "kasan_flags", &a) ||
	    kmodel_config(k, &c, &n, &from, NULL))
		return 0;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].name, "CONFIG_KASAN_SHADOW_OFFSET") &&
		    c[i].value)
			off = strtoull(c[i].value, NULL, 0);
	free(from);
	kmodel_config_free(c, n);
	k->kasan_shadow = off;
	return off;
}

/* A saved stack starts in the code that saved it (UML's stack_trace_save
 * skips nothing): start at the first frame outside the allocators, KASAN
 * and the stack depot. */
static void trim_internals(struct kmodel *k, struct kmodel_track *t)
{
	static const char *const inside[] = {
		"mm/kasan/", "mm/slub.c", "mm/slab_common.c",
		"kernel/stacktrace.c", "arch/um/kernel/stacktrace.c",
		"lib/stackdepot.c", "mm/kasan", "include/linux/kasan.h",
		"include/linux/slab.h",
	};
	int i, n;
	size_t j;

	for (i = 0; i < t->nstack; i++) {
		struct kmodel_where *w;
		bool in = false;

		n = kmodel_where(k, t->stack[i], true, &w);
		for (j = 0; n > 0 && w[n - 1].file && j < ARRAY_SIZE(inside);
		     j++)
			in |= !strncmp(w[n - 1].file, inside[j],
				       strlen(inside[j]));
		kmodel_where_free(w, n);
		if (!in)
			break;
	}
	if (i > 0 && i < t->nstack) {
		memmove(t->stack, t->stack + i,
			(size_t)(t->nstack - i) * sizeof(t->stack[0]));
		t->nstack -= i;
	}
}

static void kasan_track(struct kmodel *k, const struct kasan_layout *L,
			uint64_t at, struct kmodel_track *t)
{
	bool ok = true;

	memset(t, 0, sizeof(*t));
	t->pid = (int)kmodel_read_member(k, at, &L->t_pid, &ok);
	t->handle = (uint32_t)kmodel_read_member(k, at, &L->t_stack, &ok);
	t->valid = ok && t->handle;
	t->kasan = true;
	t->cpu = -1;
	if (t->valid)
		t->nstack = kmodel_stack_depot(k, t->handle, t->stack,
					       KMODEL_TRACK_FRAMES);
	trim_internals(k, t);
}

/* KASAN's state and records of the object at obj (cache at cache). */
static void kasan_object(struct kmodel *k, uint64_t cache, uint64_t obj,
			 struct kmodel_kmem *w)
{
	const struct kasan_layout *L;
	uint64_t off = kasan_shadow_offset(k), aoff, foff;
	uint8_t shadow = 0;
	bool ok = true;

	if (!off)
		return;
	L = kmodel_layout(k, KMODEL_CACHE_KASAN, sizeof(*L), kasan_fields,
			  ARRAY_SIZE(kasan_fields), NULL);
	if (!L || kmodel_read(k, (obj >> 3) + off, &shadow, 1) != 1)
		return;
	if (shadow == KASAN_SLAB_FREE || shadow == KASAN_SLAB_FREE_META) {
		w->free = true;
		w->quarantined = true;
	}
	aoff = kmodel_read_member(k, cache, &L->c_alloc_off, &ok);
	foff = kmodel_read_member(k, cache, &L->c_free_off, &ok);
	if (!ok)
		return;
	if (aoff && !w->alloc.valid)
		kasan_track(k, L, obj + aoff + 0, &w->alloc);
	if (shadow == KASAN_SLAB_FREE_META && foff != KASAN_NO_FREE_META &&
	    !w->freed.valid)
		kasan_track(k, L, obj + foff + L->fm_track.offset, &w->freed);
}

/* ---- what an address is ------------------------------------------------ */

static void read_track(struct kmodel *k, const struct slab_model *m,
		       uint64_t at, struct kmodel_track *t)
{
	const struct slab_layout *L = m->L;
	bool ok = true;
	int i;

	memset(t, 0, sizeof(*t));
	t->addr = kmodel_read_member(k, at, &L->t_addr, &ok);
	t->pid = (int)kmodel_read_member(k, at, &L->t_pid, &ok);
	t->cpu = (int)kmodel_read_member(k, at, &L->t_cpu, &ok);
	t->when = kmodel_read_member(k, at, &L->t_when, &ok);
	t->handle = (uint32_t)kmodel_read_member(k, at, &L->t_handle, &ok);
	t->valid = ok && t->addr;
	if (!t->valid)
		return;
	t->nstack = kmodel_stack_depot(k, t->handle, t->stack,
				       KMODEL_TRACK_FRAMES);
	/* UML's stack_trace_save() keeps the allocator's own frames that
	 * other arches skip: start at the caller SLUB recorded. */
	for (i = 0; i < t->nstack && t->stack[i] != t->addr; i++)
		;
	if (i < t->nstack) {
		memmove(t->stack, t->stack + i,
			(size_t)(t->nstack - i) * sizeof(t->stack[0]));
		t->nstack -= i;
	}
}

static void slab_object(struct kmodel *k, const struct slab_model *m,
			uint64_t addr, const struct slab_info *s,
			struct kmodel_kmem *w)
{
	struct kmodel_slabcache c;
	uint64_t idx = (addr - s->base) / s->size, info_end, inuse;
	bool ok = true;
	size_t i;

	w->kind = KMODEL_KMEM_SLAB;
	w->cache = s->cache;
	if (read_cache(k, m, s->cache, &c) == 0) {
		snprintf(w->name, sizeof(w->name), "%s", c.name);
		w->size = c.object_size;
	}
	w->start = s->base + idx * s->size + s->red_left;
	w->stride = s->size;
	w->slab = s->page;
	w->free = false;
	for (i = 0; i < s->nfree; i++)
		if (s->free[i] == w->start)
			w->free = true;
	w->outside = addr < w->start || addr >= w->start + w->size;
	if (!c.store_user) {
		kasan_object(k, s->cache, w->start, w);
		return;
	}
	/* struct track[2] after the object's metadata, as get_track() */
	inuse = kmodel_read_member(k, s->cache, &m->L->c_inuse, &ok);
	info_end = s->offset >= inuse ? inuse + 8 : inuse;
	if (!ok)
		return;
	read_track(k, m, w->start + info_end, &w->alloc);
	read_track(k, m, w->start + info_end + m->L->t_size.size, &w->freed);
	kasan_object(k, s->cache, w->start, w);
}

bool kmodel_kmem_stack(struct kmodel *k, uint64_t addr, bool init_only,
		       struct kmodel_kmem *w)
{
	struct kmodel_task *t, it;
	uint64_t size, stack, init;
	size_t n, i;
	bool found = false;

	if (kmodel_thread_size(k, &size))
		return false;
	if (init_only) {
		/* the one stack in the kernel image: init_task's */
		if (kmodel_symbol_addr(k, "init_task", &init) ||
		    kmodel_task_stack(k, init, &stack) || addr < stack ||
		    addr >= stack + size)
			return false;
		w->kind = KMODEL_KMEM_STACK;
		w->start = stack;
		w->size = size;
		w->pid = 0;
		if (kmodel_read_task(k, init, &it) == 0)
			snprintf(w->name, sizeof(w->name), "%s", it.comm);
		return true;
	}
	if (kmodel_tasks(k, &t, &n, NULL))
		return false;
	for (i = 0; i < n && !found; i++) {
		if (kmodel_task_stack(k, t[i].addr, &stack) || !stack ||
		    addr < stack || addr >= stack + size)
			continue;
		w->kind = KMODEL_KMEM_STACK;
		w->start = stack;
		w->size = size;
		w->pid = t[i].pid;
		snprintf(w->name, sizeof(w->name), "%s", t[i].comm);
		found = true;
	}
	free(t);
	return found;
}

int kmodel_kmem_page(struct kmodel *k, uint64_t addr, struct kmodel_kmem *w,
		     char **cause)
{
	uint8_t page[KMODEL_PAGE_STRUCT_MAX];
	struct slab_model m;
	uint64_t pfn, head;
	int err, type, o;

	if ((err = slab_model(k, &m, cause)))
		return err;
	if (!in_direct_map(&m, addr))
		return -ENOENT;
	pfn = (addr - m.physmem) >> KPAGE_SHIFT;
	if ((err = read_page(k, &m, pfn, page)))
		return set_cause(cause, err, "cannot read the struct page of "
				 "pfn 0x%llx", (unsigned long long)pfn);
	w->pfn = pfn;
	w->page = page_of_pfn(&m, pfn);
	w->page_flags = kmodel_member_value(page, &m.L->p_flags);
	w->refcount = (int)kmodel_member_value(page, &m.L->p_refcount);
	w->mapping = kmodel_member_value(page, &m.L->p_mapping);
	head = head_pfn(k, &m, pfn, page);
	type = page_type(&m, page);
	if (type == m.pgty_slab) {
		struct slab_info s;

		if (read_slab(k, &m, head, page, &s) == 0 &&
		    addr < s.base + (uint64_t)s.objects * s.size) {
			slab_object(k, &m, addr, &s, w);
			free(s.free);
			return 0;
		}
		free(s.free);
		w->kind = KMODEL_KMEM_SLAB_PAGE;
		return 0;
	}
	if (type == m.pgty_table) {
		w->kind = KMODEL_KMEM_PGTABLE;
		w->start = pfn_addr(&m, pfn);
		w->size = 1ULL << KPAGE_SHIFT;
		return 0;
	}
	/* Free memory: a buddy block's first page has the type and its
	 * order in private; look for the block pfn would be in. */
	for (o = 0; o <= KMAX_PAGE_ORDER; o++) {
		uint64_t b = pfn & ~((1ULL << o) - 1);
		uint64_t order;

		if (read_page(k, &m, b, page) ||
		    page_type(&m, page) != m.pgty_buddy)
			continue;
		order = kmodel_member_value(page, &m.L->p_private);
		if (order >= (uint64_t)o && order <= KMAX_PAGE_ORDER &&
		    pfn < b + (1ULL << order)) {
			w->kind = KMODEL_KMEM_FREE;
			w->order = (int)order;
			w->start = pfn_addr(&m, b);
			w->size = 1ULL << (KPAGE_SHIFT + order);
			return 0;
		}
	}
	if (kmodel_pcp_free(k, pfn, &o) == 0) {
		uint64_t b = pfn & ~((1ULL << o) - 1);

		w->kind = KMODEL_KMEM_FREE;
		w->pcp = true;
		w->order = o;
		w->start = pfn_addr(&m, b);
		w->size = 1ULL << (KPAGE_SHIFT + o);
		return 0;
	}
	w->kind = KMODEL_KMEM_PAGE;
	w->start = pfn_addr(&m, head);
	return 0;
}

/* ---- the stack depot --------------------------------------------------- */

struct depot_layout {
	struct kmodel_member h_pool, h_offset, r_size, r_entries;
};

#define D(st, path, m) \
	KFIELD(struct depot_layout, "stack_depot_fetch", st, path, m)
static const struct kmodel_field depot_fields[] = {
	D("handle_parts", "pool_index_plus_1", h_pool),
	D("handle_parts", "offset", h_offset),
	D("stack_record", "size", r_size),
	D("stack_record", "entries", r_entries),
};
#undef D

int kmodel_stack_depot(struct kmodel *k, uint32_t handle, uint64_t *pcs,
		       int max)
{
	const struct depot_layout *L;
	uint64_t pools, pool, rec, size;
	uint8_t h[8] = { 0 };
	bool ok = true;
	int i;

	L = kmodel_layout(k, KMODEL_CACHE_DEPOT, sizeof(*L), depot_fields,
			  ARRAY_SIZE(depot_fields), NULL);
	if (!L || !handle || kmodel_symbol_addr(k, "stack_pools", &pools))
		return 0;
	memcpy(h, &handle, sizeof(handle));
	pool = kmodel_member_value(h, &L->h_pool);
	if (!pool || kmodel_read_u64(k, pools + 8 * (pool - 1), &pool) ||
	    !pool)
		return 0;
	rec = pool + (kmodel_member_value(h, &L->h_offset) <<
		      KDEPOT_STACK_ALIGN);
	size = kmodel_read_member(k, rec, &L->r_size, &ok);
	if (!ok)
		return 0;
	for (i = 0; i < max && (uint64_t)i < size; i++)
		if (kmodel_read_u64(k, rec + L->r_entries.offset + 8 * i,
				    &pcs[i]))
			break;
	return i;
}

/* ---- page flags -------------------------------------------------------- */

void kmodel_page_flag_names(struct kmodel *k, uint64_t flags, char *buf,
			    size_t len)
{
	static const int tags[] = { DW_TAG_enumeration_type, 0 };
	const char *names[64] = { NULL };
	int64_t nr = 0;
	size_t pos = 0;
	Dwarf_Die e, c;
	int b;

	buf[0] = '\0';
	/* enum pageflags: the first name of each bit below __NR_PAGEFLAGS
	 * (later ones are aliases, as PG_swapcache for PG_owner_priv_1) */
	if (!kmodel_dwarf_lookup(k, "pageflags", tags, &e, NULL) ||
	    !kmodel_enum_value(k, "__NR_PAGEFLAGS", &nr) || dwarf_child(&e, &c) != 0)
		return;
	do {
		Dwarf_Attribute attr;
		Dwarf_Word v;
		const char *n = dwarf_diename(&c);

		if (n && dwarf_formudata(dwarf_attr(&c, DW_AT_const_value,
						    &attr), &v) == 0 &&
		    v < 64 && (int64_t)v < nr && !names[v])
			names[v] = n;
	} while (dwarf_siblingof(&c, &c) == 0);
	for (b = 0; b < nr && b < 64; b++)
		if ((flags & (1ULL << b)) && pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
						pos ? " " : "",
						names[b] ? names[b] + 3 : "?");
}

int kmodel_pfn_addr(struct kmodel *k, uint64_t pfn, uint64_t *addr)
{
	struct slab_model m;

	if (slab_model(k, &m, NULL) || pfn >= m.max_mapnr)
		return -ERANGE;
	*addr = pfn_addr(&m, pfn);
	return 0;
}

void kmodel_slabs_free(struct kmodel_slab *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		free(s[i].free);
	free(s);
}
