/*
 * kmodel/kmodel.h - the guest kernel seen through its ELF symbols and DWARF.
 *
 * Layering: kmodel depends on lib and libdw/libdwfl only.  It never
 * includes tracer: guest memory is read through struct kmodel_mem, which
 * the front end wires to a live tracer, a replay or a test fixture.
 * Functions return 0 or -errno and fill *cause; they never print.
 */
#ifndef UMDBG_KMODEL_H
#define UMDBG_KMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/lib.h"

struct kmodel;

/* How kmodel reads guest (kernel) memory. */
struct kmodel_mem {
	/* Bytes read (may be short), or -errno. */
	ssize_t (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	void *arg;
};

enum kmodel_open_flags {
	/* Accept any ELF with symbols, not only UML kernels (tests run the
	 * symbol code on tiny host programs). */
	KMODEL_ANY_ELF = 1 << 0,
};

/*
 * Load the kernel binary: symbols, and DWARF when present.  Errors (one
 * line each): no such file, not an ELF, not x86_64, not a UML kernel.
 * A binary without debug info loads; kmodel_has_dwarf() says so.
 */
int kmodel_open(const char *path, unsigned flags, struct kmodel **out,
		char **cause);
void kmodel_free(struct kmodel *k);

const char *kmodel_path(const struct kmodel *k);
bool kmodel_has_dwarf(const struct kmodel *k);
/* The kernel's GNU build-id: its length (0: none), up to max bytes. */
size_t kmodel_build_id(const struct kmodel *k, uint8_t *buf, size_t max);
void kmodel_set_mem(struct kmodel *k, const struct kmodel_mem *mem);
/* The NUL-ended string at ptr, cut to len - 1 bytes; false (and "") if
 * it cannot be read. */
bool kmodel_read_str(struct kmodel *k, uint64_t ptr, char *buf, size_t len);

/* Address of a symbol (locals included); 0 or -ENOENT. */
int kmodel_symbol_addr(struct kmodel *k, const char *name, uint64_t *addr);
/* Address and size of a data symbol (a variable): the symbol table's
 * size, or its DWARF type's where the symbol has none (0 when neither
 * says, as for the linker's alias jiffies); 0 or -ENOENT. */
int kmodel_symbol_object(struct kmodel *k, const char *name, uint64_t *addr,
			 uint64_t *size);

/*
 * Resolve a location: SYMBOL, *ADDRESS or FILE:LINE.  Fills a malloc'd
 * array of addresses (a static function name or an inlined line may have
 * several).  Errors name the spec: "no symbol 'foo' in 'linux'".
 */
int kmodel_resolve(struct kmodel *k, const char *spec, uint64_t **addrs,
		   size_t *naddrs, char **cause);

/* One source-level frame at a pc; inlined calls give several. */
struct kmodel_where {
	uint64_t pc;
	bool inlined;		/* a frame the compiler inlined into the next */
	char *func;		/* NULL when unknown */
	uint64_t offset;	/* pc - function start (non-inlined frames) */
	char *file;		/* relative to the source tree when possible */
	int line;		/* 0 when unknown */
	char *module;		/* kernel module or host library; NULL: kernel */
};

/*
 * Describe pc.  `call_site`: pc is a return address (look up pc - 1).
 * Returns how many entries it put in *out (innermost first, malloc'd);
 * free with kmodel_where_free.
 */
int kmodel_where(struct kmodel *k, uint64_t pc, bool call_site,
		 struct kmodel_where **out);
void kmodel_where_free(struct kmodel_where *w, int n);
/*
 * Does a line-table row start exactly at pc?  *is_stmt: whether it
 * begins a statement.  Source stepping stops at such rows (the compiler's
 * interleaved is_stmt 0 rows, which step back and forth between lines,
 * only when they move forward).
 */
bool kmodel_row_at(struct kmodel *k, uint64_t pc, bool *is_stmt);
/* "func+0x12 at file:line" (or as much as is known), malloc'd. */
char *kmodel_where_str(const struct kmodel_where *w);

/*
 * Registers for unwinding, in DWARF x86_64 order: rax rdx rcx rbx rsi rdi
 * rbp rsp r8-r15, then rip.
 */
#define KMODEL_NREGS 17
struct kmodel_frame {
	uint64_t pc;
	bool call_site;		/* pc is a return address */
	/* The registers in this frame, DWARF order, as the unwinder
	 * recovered them: bit i of `known` says regs[i] is valid. */
	uint64_t regs[KMODEL_NREGS];
	uint32_t known;
};

/* Unwind the stack from regs through guest memory; up to max frames. */
int kmodel_backtrace(struct kmodel *k, const uint64_t regs[KMODEL_NREGS],
		     struct kmodel_frame *frames, int max, char **cause);

/*
 * Host libraries mapped into the kernel process (libc: abort, the signal
 * trampoline whose CFI lets unwinding cross UML's signal frames).  Reads a
 * /proc/PID/maps-format file; reports each file-backed ELF once.
 */
int kmodel_report_maps(struct kmodel *k, const char *maps_path,
		       char **cause);

/* Loaded kernel modules. */
#define KMODEL_MOD_MEM_MAX 8
struct kmodel_module {
	uint64_t addr;		/* struct module */
	char name[64];
	int state;		/* enum module_state */
	struct { uint64_t base, size; } mem[KMODEL_MOD_MEM_MAX];
	int nmem;		/* mem[0] is the core text */
};
int kmodel_modules(struct kmodel *k, struct kmodel_module **mods, size_t *n,
		   char **cause);
/* Where the loaded modules' .ko files are (with their DWARF): module
 * frames then get file:line, and modules' FILE:LINE resolve.  Each call
 * adds a directory; the first one holding NAME.ko wins. */
void kmodel_add_module_dir(struct kmodel *k, const char *dir);
/* The loaded modules whose .ko is there: the file, and where the loader
 * put each of its sections (secaddr[section index]; -1: not loaded, as
 * .modinfo). */
struct kmodel_modfile {
	char name[64];
	char *path;
	uint64_t *secaddr;
	bool *alloc;		/* SHF_ALLOC in the file */
	size_t nsec;
};
int kmodel_module_files(struct kmodel *k, struct kmodel_modfile **out,
			size_t *n);
void kmodel_module_files_free(struct kmodel_modfile *f, size_t n);
/* Bytes of the module's core memory, as /proc/modules counts them. */
uint64_t kmodel_module_size(const struct kmodel_module *m);
/* "live", "coming", "going", "unformed" */
const char *kmodel_module_state_name(int state);
/* Address of symbol `name` in the module whose struct module is at
 * mod_addr. */
int kmodel_module_symbol(struct kmodel *k, uint64_t mod_addr,
			 const char *name, uint64_t *addr, char **cause);
/* Which module symbol holds pc; -ENOENT when no module does. */
int kmodel_module_where(struct kmodel *k, uint64_t pc, char **func,
			uint64_t *offset, char **module);

/* Guest tasks. */
#define KMODEL_MAX_TASKS 100000
struct kmodel_task {
	uint64_t addr;		/* struct task_struct */
	int pid, tgid;
	char state;		/* R S D T t X Z P I, as in ps */
	char comm[16];
	uint64_t mm;		/* 0: a kernel thread's borrowed nothing */
	int host_pid;		/* the host process of its mm (UML's stub) */
	bool kthread;
	bool running;		/* on the CPU now (cpu_tasks[0]) */
};
int kmodel_tasks(struct kmodel *k, struct kmodel_task **tasks, size_t *n,
		 char **cause);
int kmodel_find_task(struct kmodel *k, int pid, struct kmodel_task *task,
		     char **cause);
int kmodel_current_task(struct kmodel *k, uint64_t *task, char **cause);
/* The task_struct at addr. */
int kmodel_read_task(struct kmodel *k, uint64_t addr, struct kmodel_task *t);
/* Registers a sleeping task saved in thread.switch_buf (DWARF order;
 * only rbx rsp rbp r12-r15 rip are meaningful). */
int kmodel_task_regs(struct kmodel *k, uint64_t task,
		     uint64_t regs[KMODEL_NREGS], char **cause);

/* Maple trees: the node layout (byte offsets and counts, from DWARF). */
struct kmodel_maple {
	uint64_t node_size;
	uint64_t r64_pivot, r64_npivots, r64_slot, r64_nslots, r64_meta_end;
	uint64_t a64_pivot, a64_npivots, a64_slot, a64_nslots, a64_meta_end;
};
/* Called for each entry in index order; non-zero stops the walk. */
typedef int (*kmodel_maple_fn)(void *arg, uint64_t first, uint64_t last,
			       uint64_t entry);
int kmodel_maple_walk(const struct kmodel_mem *mem,
		      const struct kmodel_maple *layout, uint64_t root,
		      kmodel_maple_fn fn, void *arg);

/* Memory maps of a task, as /proc/PID/maps shows them. */
struct kmodel_vma {
	uint64_t start, end;
	uint64_t flags;		/* vm_flags */
	uint64_t offset;	/* bytes into the file (0: anonymous) */
	uint64_t ino;
	char perms[5];		/* "r-xp" */
	char path[256];		/* file path, [heap], [stack] or "" */
};
int kmodel_vmas(struct kmodel *k, int pid, struct kmodel_vma **vmas,
		size_t *n, char **cause);
/* The path of struct file `file`, as d_path() builds it, and its inode's
 * number. */
int kmodel_file_path(struct kmodel *k, uint64_t file, char *out, size_t len,
		     uint64_t *ino);
/* The one VMA at struct vm_area_struct address vma. */
int kmodel_vma_at(struct kmodel *k, uint64_t vma, struct kmodel_vma *out);

/* A page-table walk (UML's software page tables, 3 levels). */
struct kmodel_ptwalk {
	uint64_t va;
	int pid;		/* -1: a kernel address */
	int nlevels;		/* levels read */
	struct {
		const char *name;	/* "pgd", "pmd", "pte" */
		int index;
		uint64_t entry_addr;	/* where the entry lives */
		uint64_t entry;
	} level[3];
	bool mapped;
	bool direct_map;	/* kernel direct map: no tables, arithmetic */
	uint64_t phys;		/* "physical" address (offset into physmem) */
	uint64_t host;		/* the same byte in the kernel process */
	char why[128];		/* what stopped the walk, when not mapped */
};
/* Walk va in task pid's page tables (pid < 0: the kernel's).  An
 * unmapped address is not an error: w->mapped is false, w->why says. */
int kmodel_vtop(struct kmodel *k, int pid, uint64_t va,
		struct kmodel_ptwalk *w, char **cause);
/* The same from a known first table (a task's mm->pgd, kmodel_mm_pgd). */
int kmodel_vtop_pgd(struct kmodel *k, uint64_t pgd, uint64_t va,
		    struct kmodel_ptwalk *w, char **cause);
int kmodel_mm_pgd(struct kmodel *k, uint64_t mm, uint64_t *pgd, char **cause);
/* Which user processes map the page of direct-map address addr, and
 * where: the kernel's reverse map (page->mapping's anon_vma or
 * address_space, and their VMAs). */
struct kmodel_page_user {
	int pid;		/* the process (its first task found); -1 */
	char comm[16];
	uint64_t mm;
	uint64_t va;
	uint64_t vma;		/* its vm_area_struct */
};
int kmodel_page_users(struct kmodel *k, uint64_t addr,
		      struct kmodel_page_user **out, size_t *n, char **cause);
/* "PRESENT RW USER ACCESSED DIRTY" for an entry's UML flag bits. */
void kmodel_pte_flags(uint64_t entry, char *buf, size_t len);

/* The size of a global variable's DWARF type; 0 or -ENOENT. */
int kmodel_var_size(struct kmodel *k, const char *name, uint64_t *size);
/* "name = value" of a global variable, printed from its DWARF type,
 * structs expanded `depth` levels deep. */
int kmodel_print_var(struct kmodel *k, const char *name, int depth,
		     struct strbuf *out, char **cause);

/*
 * C expressions (expr.c): gdb's `print` subset over the DWARF.  Registers
 * ($rip, $rsp, $rax, ...; $pc, $sp and $fp as gdb names them) come from
 * env (NULL: none); $current is the task on the CPU.  Errors name the
 * part of the expression that failed.
 */
struct kmodel_expr_env {
	/* name without the '$'; 0, -ENOENT (no such register), -ENODATA
	 * (not known in the selected frame) or -EAGAIN (not known now) */
	int (*reg)(void *arg, const char *name, uint64_t *value);
	void *arg;
};
/* The value, printed (fmt: 0 or one of gdb's x d u o t c a s). */
int kmodel_eval_print(struct kmodel *k, const char *expr,
		      const struct kmodel_expr_env *env, char fmt, int depth,
		      struct strbuf *out, char **cause);
/* Its type's name ("struct task_struct *"). */
int kmodel_eval_type(struct kmodel *k, const char *expr,
		     const struct kmodel_expr_env *env, struct strbuf *out,
		     char **cause);
/* As an address (x, disas, list, sym, break *): a pointer's or a
 * number's value, where a struct, array or function is; *size: the bytes
 * of what is there when known (0: not). */
int kmodel_eval_addr(struct kmodel *k, const char *expr,
		     const struct kmodel_expr_env *env, uint64_t *addr,
		     uint64_t *size, char **cause);
/* As an object in memory (watch): its address and size. */
int kmodel_eval_lvalue(struct kmodel *k, const char *expr,
		       const struct kmodel_expr_env *env, uint64_t *addr,
		       uint64_t *size, char **cause);

/* " <func+0x12>" when addr is in a known function or object. */
void kmodel_print_sym(struct kmodel *k, uint64_t addr, struct strbuf *sb);
/* "..." with C's escapes, as gdb prints a string: up to max bytes or a
 * NUL. */
void kmodel_print_cstring(struct strbuf *sb, const uint8_t *p, size_t max);

/*
 * The slab allocator (slab.c).  A cache as /proc/slabinfo counts it:
 * objects in all its slabs, active = those not free on a node's partial
 * list.
 */
struct kmodel_slabcache {
	uint64_t addr;		/* struct kmem_cache */
	char name[64];
	uint64_t object_size;	/* what kmalloc's caller asked for */
	uint64_t size;		/* with SLUB's metadata: the stride */
	uint64_t active, objects, slabs, flags;
	unsigned per_slab, order;
	bool store_user;	/* keeps allocation and free records */
};
int kmodel_slab_caches(struct kmodel *k, struct kmodel_slabcache **out,
		       size_t *n, char **cause);
void kmodel_slab_caches_free(struct kmodel_slabcache *c);
/* Every slab of cache `name` (found in mem_map). */
struct kmodel_slab {
	uint64_t slab;		/* struct slab (its struct page) */
	uint64_t base;		/* its first object's memory */
	unsigned objects, inuse, nfree;
	bool cpu;		/* the CPU's current slab */
	bool frozen;
	/* object i is at first + i * stride; free: the free ones */
	uint64_t first, stride;
	uint64_t *free;
};
int kmodel_cache_slabs(struct kmodel *k, const char *name,
		       struct kmodel_slabcache *cache,
		       struct kmodel_slab **out, size_t *n, char **cause);
void kmodel_slabs_free(struct kmodel_slab *s, size_t n);

/* What an address is (kmem). */
enum kmodel_kmem_kind {
	KMODEL_KMEM_UNKNOWN,
	KMODEL_KMEM_IMAGE,		/* the kernel image: name = its section */
	KMODEL_KMEM_MODULE,		/* a module's memory: name = the module */
	KMODEL_KMEM_SLAB,		/* a slab object: name = its cache */
	KMODEL_KMEM_SLAB_PAGE,		/* a slab page, past its last object */
	KMODEL_KMEM_STACK,		/* a task's kernel stack: pid, name = comm */
	KMODEL_KMEM_PGTABLE,		/* a page-table page */
	KMODEL_KMEM_FREE,		/* free memory: a buddy block of `order` */
	KMODEL_KMEM_PAGE,		/* a page in use, none of the above */
	KMODEL_KMEM_VMALLOC,		/* the vmalloc area */
};
#define KMODEL_TRACK_FRAMES 64
struct kmodel_track {		/* SLUB's record of an allocation or free */
	bool valid;
	bool kasan;		/* KASAN's record: pid and stack only */
	uint64_t addr;		/* the caller */
	int pid, cpu;
	uint64_t when;		/* jiffies */
	uint32_t handle;	/* its stack in the stack depot */
	uint64_t stack[KMODEL_TRACK_FRAMES];	/* return addresses, */
	int nstack;		/* from the caller (addr) out */
};
struct kmodel_kmem {
	uint64_t addr;
	enum kmodel_kmem_kind kind;
	char name[128];
	uint64_t start, size;	/* the object, stack, block or area */
	/* slab objects */
	uint64_t cache, slab, stride;
	bool free;
	bool quarantined;	/* freed, held in KASAN's quarantine */
	bool outside;		/* in the slot, outside the object's bytes */
	struct kmodel_track alloc, freed;
	/* stacks */
	int pid;
	/* vmalloc areas: who called vmalloc */
	uint64_t caller;
	/* direct-map memory: its page */
	uint64_t page, pfn, page_flags, mapping;
	int refcount, order;
	bool pcp;		/* free, on a per-CPU list */
};
/* Only for direct-map addresses (-ENOENT otherwise): fills the page part
 * and what the page is (a stack page reads as a page in use: ask
 * kmodel_kmem_stack first). */
int kmodel_kmem_page(struct kmodel *k, uint64_t addr, struct kmodel_kmem *w,
		     char **cause);
/* A function symbol's address and size. */
int kmodel_function(struct kmodel *k, const char *name, uint64_t *addr,
		    uint64_t *size);
/* Bytes of the kernel image as the file has them (code before the
 * kernel runs, or under breakpoints): how many, or -errno. */
ssize_t kmodel_image_read(struct kmodel *k, uint64_t addr, void *buf,
			  size_t len);
/* The kernel image's allocated section holding addr. */
bool kmodel_section_of(struct kmodel *k, uint64_t addr, char *name,
		       size_t len);
/* The kernel stack of a task holding addr (vmalloc'd or not); with
 * init_only, only init_task's (the one in the kernel image). */
bool kmodel_kmem_stack(struct kmodel *k, uint64_t addr, bool init_only,
		       struct kmodel_kmem *w);
/* The page allocator (buddy.c): each populated zone's free blocks per
 * order, as /proc/buddyinfo, and its free pages on every CPU's per-CPU
 * lists. */
#define KMODEL_MAX_ORDERS 16
struct kmodel_zone {
	uint64_t addr;		/* struct zone */
	char name[16];
	uint64_t present;	/* pages */
	uint64_t nr_free[KMODEL_MAX_ORDERS];
	int norders;
	int pcp_pages;
};
int kmodel_zones(struct kmodel *k, struct kmodel_zone **out, size_t *n,
		 char **cause);
/* Is pfn in a block on a per-CPU free list?  0 with its order. */
int kmodel_pcp_free(struct kmodel *k, uint64_t pfn, int *order);
/* A busy vmalloc area holding addr (-ENOENT: none). */
int kmodel_kmem_vmalloc(struct kmodel *k, uint64_t addr,
			struct kmodel_kmem *w, char **cause);
/* "referenced uptodate lru" for a struct page's flags (the names of
 * enum pageflags, without PG_). */
void kmodel_page_flag_names(struct kmodel *k, uint64_t flags, char *buf,
			    size_t len);
/* The direct-map address of page frame pfn (-ERANGE past the last). */
int kmodel_pfn_addr(struct kmodel *k, uint64_t pfn, uint64_t *addr);
/* A stack-depot handle's frames (up to max): how many. */
int kmodel_stack_depot(struct kmodel *k, uint32_t handle, uint64_t *pcs,
		       int max);
/* THREAD_SIZE, and a task's kernel stack (task_struct.stack). */
int kmodel_thread_size(struct kmodel *k, uint64_t *size);
int kmodel_task_stack(struct kmodel *k, uint64_t task, uint64_t *stack);

/* One task's resources (taskinfo.c). */
struct kmodel_fd {
	int fd;
	uint64_t file;		/* struct file */
	unsigned flags;		/* f_flags: O_* */
	unsigned mode;		/* f_mode: FMODE_* */
	int64_t pos;
	uint64_t ino;
	bool cloexec;		/* close_on_exec: fdinfo adds O_CLOEXEC */
	char path[256];
};
int kmodel_task_files(struct kmodel *k, int pid, struct kmodel_fd **out,
		      size_t *n, char **cause);
struct kmodel_cred {
	uint64_t addr;		/* struct cred */
	uint32_t uid, euid, suid, fsuid, gid, egid, sgid, fsgid;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
};
int kmodel_task_cred(struct kmodel *k, int pid, struct kmodel_cred *c,
		     char **cause);
/* The kernel stack: its extent, the bytes in use at sp (0: the saved
 * one of a sleeping task), and the deepest use its zeroed bottom shows
 * (0: unknown, no end magic found). */
struct kmodel_stack_use {
	uint64_t base, size, sp, used, deepest;
};
int kmodel_task_stack_use(struct kmodel *k, int pid, uint64_t sp,
			  struct kmodel_stack_use *u, char **cause);

/* Kernel-wide state (kstate.c).  The possible CPUs' per-CPU offsets
 * (__per_cpu_offset; 0 for the one CPU of a UP kernel): how many, or
 * -EIO. */
int kmodel_cpus(struct kmodel *k, uint64_t *offsets, int max);
/* The interrupts /proc/interrupts lists: those with an action or a
 * count. */
struct kmodel_irq {
	int irq;
	uint64_t count;		/* all CPUs */
	char chip[32];
	char actions[192];	/* their names, ", " between */
	uint64_t handler;	/* the first action's */
};
int kmodel_irqs(struct kmodel *k, struct kmodel_irq **out, size_t *n,
		char **cause);

/* Pending timers: each CPU's hrtimers per clock base, in expiry order (as
 * /proc/timer_list lists them), then its timer wheel's timers. */
struct kmodel_timer {
	bool hr;		/* an hrtimer; else a timer_list */
	int cpu, base;		/* the clock base, or the wheel's base */
	uint64_t timer;		/* struct hrtimer or timer_list */
	uint64_t expires;	/* ns (hrtimer), jiffies (wheel) */
	uint64_t soft;		/* an hrtimer's soft expiry, ns */
	uint64_t function;
};
int kmodel_timers(struct kmodel *k, struct kmodel_timer **out, size_t *n,
		  char **cause);

/* The workqueues: their worker pools' workers (and each workqueue's
 * rescuer), and the work pending in the pools and inactive in the
 * workqueues. */
struct kmodel_wq {
	uint64_t wq;
	char name[32];
};
struct kmodel_worker {
	int pool, cpu;		/* pool id and CPU (-1: unbound / rescuer) */
	uint64_t task;
	int pid;
	char comm[16];
	uint64_t current;	/* the work function it runs, or 0 */
	char rescues[32];	/* a rescuer: its workqueue */
};
struct kmodel_work {
	int pool;
	uint64_t work, func;
};
struct kmodel_workqueues {
	struct kmodel_wq *wqs;
	size_t nwqs;
	struct kmodel_worker *workers;
	size_t nworkers;
	struct kmodel_work *works;
	size_t nworks;
};
int kmodel_workqueues(struct kmodel *k, struct kmodel_workqueues *o,
		      char **cause);
void kmodel_workqueues_free(struct kmodel_workqueues *o);

/* The locks lockdep says a task holds, innermost last. */
struct kmodel_lock {
	uint64_t map;		/* its struct lockdep_map */
	char name[96];		/* the lock's name ("&a->lock") */
	uint64_t ip;		/* where it was taken */
};
int kmodel_task_locks(struct kmodel *k, int pid, struct kmodel_lock **out,
		      size_t *n, char **cause);

/* The kernel's configuration: its CONFIG_IKCONFIG copy, or else the
 * .config beside the kernel file (*from: that path, else NULL). */
struct kmodel_config {
	char *name;		/* CONFIG_X */
	char *value;		/* y, m, "string", 42; NULL: is not set */
};
int kmodel_config(struct kmodel *k, struct kmodel_config **out, size_t *n,
		  char **from, char **cause);
void kmodel_config_free(struct kmodel_config *c, size_t n);

/* The printk ring buffer. */
struct kmodel_logrec {
	uint64_t seq;
	uint64_t ts_nsec;
	int level;		/* 0-7 */
	char *text;
};
int kmodel_dmesg(struct kmodel *k, struct kmodel_logrec **recs, size_t *n,
		 char **cause);
void kmodel_logrecs_free(struct kmodel_logrec *recs, size_t n);

#endif
