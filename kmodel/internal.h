/*
 * kmodel/internal.h - private state of the kernel model.
 */
#ifndef UMDBG_KMODEL_INTERNAL_H
#define UMDBG_KMODEL_INTERNAL_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <stddef.h>

#include "kmodel.h"

struct ksym {
	const char *name;	/* points into libdwfl's string table */
	uint64_t addr, size;
	int type;		/* STT_* */
};

/* Per-kernel caches of resolved layouts (owned, freed with the model). */
enum kmodel_cache {
	KMODEL_CACHE_TASKS,
	KMODEL_CACHE_VMA,
	KMODEL_CACHE_PRB,
	KMODEL_CACHE_MODULES,
	KMODEL_CACHE_VARS,
	KMODEL_CACHE_MODDW,	/* moddwarf.c: loaded modules' DWARF */
	KMODEL_CACHE_SLAB,	/* slab.c */
	KMODEL_CACHE_DEPOT,	/* slab.c: the stack depot */
	KMODEL_CACHE_VMALLOC,	/* vmalloc.c */
	KMODEL_CACHE_BUDDY,	/* buddy.c */
	KMODEL_CACHE_RMAP,	/* pgtable.c: the reverse map */
	KMODEL_CACHE_KASAN,	/* slab.c: KASAN's object metadata */
	KMODEL_CACHE_TASKINFO,	/* taskinfo.c */
	KMODEL_CACHE_KSTATE,	/* kstate.c */
	KMODEL_CACHE_LOCKS,	/* taskinfo.c: lockdep's held locks */
	KMODEL_CACHE_TIMERS,	/* kstate.c: hrtimers and the timer wheel */
	KMODEL_CACHE_WQ,	/* kstate.c: workqueues */
	KMODEL_CACHE_MAX,
};

struct kmodel {
	char *path;
	void *cache[KMODEL_CACHE_MAX];
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dwarf;		/* NULL without debug info */
	Dwarf_Addr bias;
	struct ksym *syms;	/* sorted by name */
	size_t nsyms;
	bool stripped;		/* no .symtab: only the dynamic symbols */
	struct kmodel_mem mem;
	/* unwinding */
	bool attached;
	uint64_t unwind_regs[KMODEL_NREGS];
	/* Directory prefix stripped from source paths ("/.../src/"). */
	char *src_root;
	/* unitcheck.c: .debug_info offsets of the units found whole,
	 * sorted */
	uint64_t *units_ok;
	size_t nunits_ok;
	/* slab.c: CONFIG_KASAN_SHADOW_OFFSET (0: none), read once */
	uint64_t kasan_shadow;
	bool kasan_shadow_known;
};

ssize_t kmodel_read(struct kmodel *k, uint64_t addr, void *buf, size_t len);
/* unitcheck.c: is the kernel's unit cu whole (checked once, on first
 * use)?  -EBADMSG with *cause naming the damage. */
int kmodel_unit_ok(struct kmodel *k, Dwarf_Die *cu, char **cause);
int kmodel_read_u64(struct kmodel *k, uint64_t addr, uint64_t *v);

/* DWARF types: a struct named `name` (without "struct "), looked up in the
 * CU that defines function `cu_func` first, then everywhere. */
int kmodel_struct(struct kmodel *k, const char *cu_func, const char *name,
		  Dwarf_Die *out, char **cause);

struct kmodel_member {
	uint64_t offset;	/* bytes from the start of the struct */
	uint64_t size;		/* bytes of the member's type */
	int bit_offset;		/* bitfields: bit offset within `offset` */
	int bit_size;		/* 0: not a bitfield */
};
/* Member `path` ("a.b.c") of struct die `st`, recursing into anonymous
 * members. */
int kmodel_member(struct kmodel *k, Dwarf_Die *st, const char *struct_name,
		  const char *path, struct kmodel_member *m, char **cause);
/* value.c: the index of every CU's top-level variables (defined and
 * declared), named types and enumerators, kept in
 * cache[KMODEL_CACHE_VARS].  kmodel_dwarf_lookup: the first DIE named
 * name with one of tags (a 0-ended list; defined variables first);
 * *defined: a variable with a location. */
void kmodel_var_index_free(void *index);
void kmodel_moddw_free(void *cache);
/* moddwarf.c: the DWARF of the loaded module holding pc (its libdwfl
 * module, placed where the loader put each section), NULL without;
 * *name: the module's.  kmodel_each_module_dwarf: every loaded one. */
Dwfl_Module *kmodel_module_dwarf(struct kmodel *k, uint64_t pc,
				 const char **name);
void kmodel_each_module_dwarf(struct kmodel *k,
			      bool (*fn)(void *arg, Dwfl_Module *mod,
					 const char *name),
			      void *arg);
bool kmodel_module_die(struct kmodel *k, uint64_t addr, const char *name,
		       int tag, Dwarf_Die *out);
bool kmodel_module_type(struct kmodel *k, const char *name, const int *tags,
			Dwarf_Die *out);
/* modules.c: every kallsyms symbol of the module at mod_addr (relocated),
 * until fn returns true. */
int kmodel_module_each_symbol(struct kmodel *k, uint64_t mod_addr,
			      bool (*fn)(void *arg, const char *name,
					 const Elf64_Sym *sym),
			      void *arg, char **cause);
bool kmodel_dwarf_lookup(struct kmodel *k, const char *name, const int *tags,
			 Dwarf_Die *die, bool *defined);
/* Printing values (value.c): an integer in a gdb output format (0, x, d,
 * u, o, t, c); " <sym+off>" for an address in a function; a value of
 * DWARF type `type` read into p (structs `depth` levels deep). */
#define KMODEL_PRINT_ELEMS 200
void kmodel_print_int(struct strbuf *sb, uint64_t v, bool is_signed,
		      size_t size, char fmt);
void kmodel_print_typed(struct kmodel *k, Dwarf_Die *type, const uint8_t *p,
			size_t avail, int depth, char fmt, struct strbuf *sb);
/*
 * Layouts: a table of (struct, member path) resolved once per kernel into
 * a struct of struct kmodel_member (at byte offset dst), kept in
 * k->cache[slot].  A NULL path stores sizeof(struct) in that member's
 * size.  Returns the layout, or NULL with *cause naming what is missing.
 */
struct kmodel_field {
	const char *cu_func;	/* a function whose CU defines the struct */
	const char *strct;	/* without "struct " */
	const char *path;	/* "a.b.c", or NULL for the struct's size */
	size_t dst;		/* offsetof() the kmodel_member in the layout */
};
#define KFIELD(layout, cu, st, path, member) \
	{ cu, st, path, offsetof(layout, member) }
const void *kmodel_layout(struct kmodel *k, enum kmodel_cache slot,
			  size_t size, const struct kmodel_field *f, size_t n,
			  char **cause);

/* A non-negative enumerator's value (read unsigned: GCC gives PGTY_slab,
 * 0xf5, as one byte a signed reading would make -11). */
bool kmodel_enum_value(struct kmodel *k, const char *name, int64_t *v);
/* CPUs whose per-CPU data the allocator views read */
#define KMODEL_MAX_CPUS 64

/* struct page is 64 bytes on x86_64; room for debug options. */
#define KMODEL_PAGE_STRUCT_MAX 256

/* An integer or pointer member (bitfields too) of a struct already read
 * into memory at base. */
uint64_t kmodel_member_value(const uint8_t *base,
			     const struct kmodel_member *m);
/* An integer or pointer member of the struct at base; *ok = false when
 * it cannot be read. */
uint64_t kmodel_read_member(struct kmodel *k, uint64_t base,
			    const struct kmodel_member *m, bool *ok);
/* Member `name` of struct or union st (anonymous members searched):
 * its DIE and byte offset. */
bool kmodel_find_member(Dwarf_Die *st, const char *name, Dwarf_Die *mem,
			uint64_t *offset);
/* A symbol's address, and whether it is a function. */
int kmodel_symbol_info(struct kmodel *k, const char *name, uint64_t *addr,
		       bool *func);
/* sizeof the struct */
int kmodel_struct_size(Dwarf_Die *st, uint64_t *size);

#endif
