/*
 * lib/rows.h - what commands produce: typed rows, and the renderers that
 * print them.
 *
 * A command fills rows of a kind (a frame, a task, a register...) whose
 * fields are declared once, below, and writes any other words (errors,
 * headers of its own) as free text.  Where the rows go is the sink's
 * business, not the command's: aligned text (the prompt, gdb's
 * `monitor`), a user format (`-F '#{pc} #{func}'`), JSON lines
 * (`--json`), or a list the TUI reads field by field (`row_u(r,
 * FRAME_PC)`), so renaming a field breaks the build, not the TUI.
 * Free text keeps its place among the rows: as it is in text, as a
 * {"kind":"text"} row in JSON and in a list.
 *
 * Owns: each sink's rows and text.  No globals.
 */
#ifndef UMDBG_ROWS_H
#define UMDBG_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum row_type {
	ROW_INT,	/* a signed number */
	ROW_ADDR,	/* an address: 0x%016llx (a string in JSON) */
	ROW_HEX,	/* a small unsigned number, 0x%llx (a string in JSON) */
	ROW_STR,
	ROW_BOOL,
	ROW_BYTES,	/* raw bytes: "48 89 e5" in text and JSON */
};

/*
 * The kinds and their fields: X(KIND, FIELD, "name", type).  An unset
 * field is absent in text, null in JSON and empty in a user format.
 */
#define ROW_FIELDS_FRAME(X)						\
	X(FRAME, NUM, "num", ROW_INT)					\
	X(FRAME, PC, "pc", ROW_ADDR)	/* unset: an inlined frame */	\
	X(FRAME, INLINED, "inlined", ROW_BOOL)				\
	X(FRAME, FUNC, "func", ROW_STR)					\
	X(FRAME, OFFSET, "offset", ROW_HEX)				\
	X(FRAME, FILE, "file", ROW_STR)					\
	X(FRAME, LINE, "line", ROW_INT)					\
	X(FRAME, MODULE, "module", ROW_STR)				\
	X(FRAME, WHERE, "where", ROW_STR) /* func+off at file:line */
#define ROW_FIELDS_TASK(X)						\
	X(TASK, PID, "pid", ROW_INT)					\
	X(TASK, TGID, "tgid", ROW_INT)					\
	X(TASK, STATE, "state", ROW_STR)				\
	X(TASK, COMM, "comm", ROW_STR)					\
	X(TASK, KTHREAD, "kthread", ROW_BOOL)				\
	X(TASK, RUNNING, "running", ROW_BOOL)	/* on the CPU */	\
	X(TASK, MM, "mm", ROW_ADDR)		/* unset: none */	\
	X(TASK, HOST_PID, "host_pid", ROW_INT)
#define ROW_FIELDS_VMA(X)						\
	X(VMA, START, "start", ROW_ADDR)				\
	X(VMA, END, "end", ROW_ADDR)					\
	X(VMA, PERMS, "perms", ROW_STR)					\
	X(VMA, OFFSET, "offset", ROW_HEX)				\
	X(VMA, INO, "ino", ROW_INT)					\
	X(VMA, PATH, "path", ROW_STR)
#define ROW_FIELDS_REG(X)						\
	X(REG, NAME, "name", ROW_STR)					\
	X(REG, VALUE, "value", ROW_ADDR)	/* unset: not saved */
#define ROW_FIELDS_MEM(X)						\
	X(MEM, ADDR, "addr", ROW_ADDR)					\
	X(MEM, BYTES, "bytes", ROW_BYTES)				\
	X(MEM, ASCII, "ascii", ROW_STR)
#define ROW_FIELDS_LOG(X)						\
	X(LOG, TS, "ts_nsec", ROW_INT)					\
	X(LOG, LEVEL, "level", ROW_INT)					\
	X(LOG, LEVEL_NAME, "level_name", ROW_STR) /* dmesg -l */	\
	X(LOG, TEXT, "text", ROW_STR)
#define ROW_FIELDS_INSN(X)						\
	X(INSN, ADDR, "addr", ROW_ADDR)					\
	X(INSN, CURRENT, "current", ROW_BOOL)	/* the pc */		\
	X(INSN, BP, "bp", ROW_BOOL)		/* a breakpoint */	\
	X(INSN, SYM, "sym", ROW_STR)					\
	X(INSN, MNEMONIC, "mnemonic", ROW_STR)				\
	X(INSN, OPERANDS, "operands", ROW_STR)				\
	X(INSN, TARGET, "target", ROW_STR)	/* a call's or jump's */
#define ROW_FIELDS_SRC(X)						\
	X(SRC, FILE, "file", ROW_STR)					\
	X(SRC, LINE, "line", ROW_INT)					\
	X(SRC, CURRENT, "current", ROW_BOOL)				\
	X(SRC, BP, "bp", ROW_BOOL)					\
	X(SRC, TEXT, "text", ROW_STR)
#define ROW_FIELDS_PTLEVEL(X)						\
	X(PTLEVEL, NAME, "level", ROW_STR)	/* pgd, pmd, pte */	\
	X(PTLEVEL, INDEX, "index", ROW_INT)				\
	X(PTLEVEL, ENTRY_ADDR, "entry_addr", ROW_HEX)			\
	X(PTLEVEL, ENTRY, "entry", ROW_ADDR)				\
	X(PTLEVEL, FLAGS, "flags", ROW_STR)	/* PRESENT RW ... */
#define ROW_FIELDS_MODULE(X)						\
	X(MODULE, NAME, "name", ROW_STR)				\
	X(MODULE, STATE, "state", ROW_STR)				\
	X(MODULE, TEXT, "text", ROW_HEX)	/* its code's base */	\
	X(MODULE, SIZE, "size", ROW_INT)
#define ROW_FIELDS_BREAKPOINT(X)					\
	X(BREAKPOINT, NUM, "num", ROW_INT)				\
	X(BREAKPOINT, TYPE, "type", ROW_STR)	/* break, [ra]watch */	\
	X(BREAKPOINT, SPEC, "spec", ROW_STR)	/* as typed */		\
	X(BREAKPOINT, HITS, "hits", ROW_INT)				\
	X(BREAKPOINT, ADDRS, "addrs", ROW_STR)	/* "0x... 0x..." */	\
	X(BREAKPOINT, LEN, "len", ROW_INT)	/* a watchpoint's bytes */
#define ROW_FIELDS_SYM(X)						\
	X(SYM, ADDR, "addr", ROW_HEX)					\
	X(SYM, INLINED, "inlined", ROW_BOOL)				\
	X(SYM, FUNC, "func", ROW_STR)					\
	X(SYM, OFFSET, "offset", ROW_HEX)				\
	X(SYM, FILE, "file", ROW_STR)					\
	X(SYM, LINE, "line", ROW_INT)					\
	X(SYM, MODULE, "module", ROW_STR)				\
	X(SYM, WHERE, "where", ROW_STR)
#define ROW_FIELDS_PAGERUN(X)						\
	X(PAGERUN, START, "start", ROW_HEX)				\
	X(PAGERUN, END, "end", ROW_HEX)					\
	X(PAGERUN, PHYS, "phys", ROW_HEX)				\
	X(PAGERUN, FLAGS, "flags", ROW_STR)				\
	X(PAGERUN, PATH, "path", ROW_STR)	/* its VMA's */
#define ROW_FIELDS_HEADLINE(X)						\
	X(HEADLINE, WHY, "why", ROW_STR)	/* why it stopped */	\
	X(HEADLINE, THREAD, "thread", ROW_INT)				\
	X(HEADLINE, DETAIL, "detail", ROW_STR)	/* a panic's reason... */ \
	X(HEADLINE, PC, "pc", ROW_ADDR)					\
	X(HEADLINE, WHERE, "where", ROW_STR)				\
	X(HEADLINE, FRAME, "frame", ROW_INT) /* the one selected */
#define ROW_FIELDS_CONFIG(X)						\
	X(CONFIG, NAME, "name", ROW_STR)	/* CONFIG_X */		\
	X(CONFIG, VALUE, "value", ROW_STR)	/* unset: is not set */
#define ROW_FIELDS_KMEM(X)						\
	X(KMEM, ADDR, "addr", ROW_ADDR)					\
	X(KMEM, WHAT, "what", ROW_STR)	/* image, module, slab, ... */	\
	X(KMEM, NAME, "name", ROW_STR)	/* section, module, cache, comm */ \
	X(KMEM, START, "start", ROW_ADDR) /* the object, stack, block */ \
	X(KMEM, SIZE, "size", ROW_INT)					\
	X(KMEM, OFFSET, "offset", ROW_HEX) /* addr - start */		\
	X(KMEM, STATE, "state", ROW_STR) /* a slab object's: allocated, free */ \
	X(KMEM, PID, "pid", ROW_INT)	/* a stack's task */		\
	X(KMEM, SYMBOL, "symbol", ROW_STR) /* sym+off at file:line */	\
	X(KMEM, PAGE, "page", ROW_ADDR)	/* its struct page */		\
	X(KMEM, PFN, "pfn", ROW_HEX)					\
	X(KMEM, ORDER, "order", ROW_INT) /* a free block's */
#define ROW_FIELDS_SLABCACHE(X)						\
	X(SLABCACHE, NAME, "name", ROW_STR)				\
	X(SLABCACHE, ADDR, "addr", ROW_ADDR)	/* struct kmem_cache */	\
	X(SLABCACHE, ACTIVE, "active", ROW_INT)	/* as /proc/slabinfo */	\
	X(SLABCACHE, OBJECTS, "objects", ROW_INT)			\
	X(SLABCACHE, OBJSIZE, "objsize", ROW_INT)			\
	X(SLABCACHE, SIZE, "size", ROW_INT)	/* with metadata */	\
	X(SLABCACHE, PER_SLAB, "per_slab", ROW_INT)			\
	X(SLABCACHE, PAGES, "pages", ROW_INT)	/* per slab */		\
	X(SLABCACHE, SLABS, "slabs", ROW_INT)				\
	X(SLABCACHE, STORE_USER, "store_user", ROW_BOOL)
#define ROW_FIELDS_SLAB(X)						\
	X(SLAB, SLAB, "slab", ROW_ADDR)		/* struct slab */	\
	X(SLAB, BASE, "base", ROW_ADDR)		/* its objects */	\
	X(SLAB, OBJECTS, "objects", ROW_INT)				\
	X(SLAB, INUSE, "inuse", ROW_INT)				\
	X(SLAB, FREE, "free", ROW_INT)					\
	X(SLAB, CPU, "cpu", ROW_BOOL)		/* the CPU's slab */
#define ROW_FIELDS_ZONE(X)						\
	X(ZONE, NAME, "name", ROW_STR)					\
	X(ZONE, PRESENT, "present", ROW_INT)	/* pages */		\
	X(ZONE, PCP, "pcp", ROW_INT)	/* free pages on per-CPU lists */
#define ROW_FIELDS_BUDDY(X)						\
	X(BUDDY, ZONE, "zone", ROW_STR)					\
	X(BUDDY, ORDER, "order", ROW_INT)				\
	X(BUDDY, FREE, "free", ROW_INT)	/* blocks, as /proc/buddyinfo */ \
	X(BUDDY, PAGES, "pages", ROW_INT) /* free << order */
#define ROW_FIELDS_PAGE(X)						\
	X(PAGE, PFN, "pfn", ROW_HEX)					\
	X(PAGE, PAGE, "page", ROW_ADDR)		/* its struct page */	\
	X(PAGE, ADDR, "addr", ROW_ADDR)		/* its memory */	\
	X(PAGE, FLAGS, "flags", ROW_STR)	/* enum pageflags names */ \
	X(PAGE, REFCOUNT, "refcount", ROW_INT)				\
	X(PAGE, MAPPING, "mapping", ROW_ADDR)
#define ROW_FIELDS_TRACK(X)						\
	X(TRACK, WHAT, "what", ROW_STR)		/* allocated, freed */	\
	X(TRACK, PID, "pid", ROW_INT)					\
	X(TRACK, CPU, "cpu", ROW_INT)					\
	X(TRACK, JIFFIES, "jiffies", ROW_INT)				\
	X(TRACK, BY, "by", ROW_STR)	/* slub, kasan; then its frames */
#define ROW_FIELDS_FD(X)						\
	X(FD, FD, "fd", ROW_INT)					\
	X(FD, PATH, "path", ROW_STR)					\
	X(FD, FLAGS, "flags", ROW_STR)	/* octal, as /proc/PID/fdinfo */ \
	X(FD, POS, "pos", ROW_INT)					\
	X(FD, INO, "ino", ROW_INT)					\
	X(FD, FILE, "file", ROW_ADDR)	/* its struct file */
#define ROW_FIELDS_CRED(X)						\
	X(CRED, PID, "pid", ROW_INT)					\
	X(CRED, UID, "uid", ROW_INT)					\
	X(CRED, EUID, "euid", ROW_INT)					\
	X(CRED, SUID, "suid", ROW_INT)					\
	X(CRED, FSUID, "fsuid", ROW_INT)				\
	X(CRED, GID, "gid", ROW_INT)					\
	X(CRED, EGID, "egid", ROW_INT)					\
	X(CRED, SGID, "sgid", ROW_INT)					\
	X(CRED, FSGID, "fsgid", ROW_INT)				\
	X(CRED, CAP_INH, "cap_inh", ROW_HEX)				\
	X(CRED, CAP_PRM, "cap_prm", ROW_HEX)				\
	X(CRED, CAP_EFF, "cap_eff", ROW_HEX)				\
	X(CRED, CAP_BND, "cap_bnd", ROW_HEX)				\
	X(CRED, CAP_AMB, "cap_amb", ROW_HEX)
#define ROW_FIELDS_STACK(X)						\
	X(STACK, PID, "pid", ROW_INT)					\
	X(STACK, BASE, "base", ROW_ADDR)				\
	X(STACK, SIZE, "size", ROW_INT)					\
	X(STACK, SP, "sp", ROW_ADDR)					\
	X(STACK, USED, "used", ROW_INT)		/* bytes, at sp */	\
	X(STACK, DEEPEST, "deepest", ROW_INT)	/* bytes, ever */
#define ROW_FIELDS_HISTORY(X)						\
	X(HISTORY, ID, "id", ROW_STR)		/* h1, h2...: goto hN */ \
	X(HISTORY, WHAT, "what", ROW_STR)	/* write, alloc, free */ \
	X(HISTORY, EVENT, "event", ROW_INT)				\
	X(HISTORY, PID, "pid", ROW_INT)					\
	X(HISTORY, COMM, "comm", ROW_STR)				\
	X(HISTORY, PC, "pc", ROW_ADDR)					\
	X(HISTORY, WHERE, "where", ROW_STR)				\
	X(HISTORY, ADDR, "addr", ROW_ADDR)				\
	X(HISTORY, LEN, "len", ROW_INT)					\
	X(HISTORY, OLD, "old", ROW_HEX)					\
	X(HISTORY, NEW, "new", ROW_HEX)
#define ROW_FIELDS_LOCK(X)						\
	X(LOCK, PID, "pid", ROW_INT)					\
	X(LOCK, NUM, "num", ROW_INT)		/* lockdep's #N */	\
	X(LOCK, NAME, "name", ROW_STR)					\
	X(LOCK, MAP, "map", ROW_ADDR)		/* its lockdep_map */	\
	X(LOCK, IP, "ip", ROW_ADDR)		/* where taken */	\
	X(LOCK, WHERE, "where", ROW_STR)
#define ROW_FIELDS_TIMER(X)						\
	X(TIMER, KIND, "kind", ROW_STR)		/* hrtimer, timer */	\
	X(TIMER, CPU, "cpu", ROW_INT)					\
	X(TIMER, BASE, "base", ROW_INT)		/* clock, wheel base */	\
	X(TIMER, TIMER, "timer", ROW_ADDR)				\
	X(TIMER, EXPIRES, "expires", ROW_INT)	/* ns, jiffies */	\
	X(TIMER, SOFT, "soft", ROW_INT)		/* an hrtimer's, ns */	\
	X(TIMER, FUNCTION, "function", ROW_STR)
#define ROW_FIELDS_WORKER(X)						\
	X(WORKER, POOL, "pool", ROW_INT)	/* -1: a rescuer */	\
	X(WORKER, CPU, "cpu", ROW_INT)		/* -1: unbound */	\
	X(WORKER, PID, "pid", ROW_INT)					\
	X(WORKER, COMM, "comm", ROW_STR)				\
	X(WORKER, CURRENT, "current", ROW_STR)	/* the work it runs */	\
	X(WORKER, RESCUES, "rescues", ROW_STR)	/* a rescuer's wq */
#define ROW_FIELDS_WORK(X)						\
	X(WORK, POOL, "pool", ROW_INT)					\
	X(WORK, WORK, "work", ROW_ADDR)					\
	X(WORK, FUNC, "func", ROW_STR)
#define ROW_FIELDS_IRQ(X)						\
	X(IRQ, IRQ, "irq", ROW_INT)					\
	X(IRQ, COUNT, "count", ROW_INT)		/* all CPUs */		\
	X(IRQ, CHIP, "chip", ROW_STR)					\
	X(IRQ, ACTIONS, "actions", ROW_STR)	/* names, ", " */	\
	X(IRQ, HANDLER, "handler", ROW_STR)	/* the first's */
#define ROW_FIELDS_OBJECT(X)						\
	X(OBJECT, ADDR, "addr", ROW_ADDR)				\
	X(OBJECT, STATE, "state", ROW_STR)	/* allocated, free */
#define ROW_FIELDS_PAGEUSER(X)						\
	X(PAGEUSER, PID, "pid", ROW_INT)				\
	X(PAGEUSER, COMM, "comm", ROW_STR)				\
	X(PAGEUSER, VA, "va", ROW_ADDR)	/* where it maps the page */	\
	X(PAGEUSER, START, "start", ROW_ADDR)	/* its VMA */		\
	X(PAGEUSER, END, "end", ROW_ADDR)				\
	X(PAGEUSER, PERMS, "perms", ROW_STR)				\
	X(PAGEUSER, PATH, "path", ROW_STR)
#define ROW_FIELDS_CATCHKIND(X)						\
	X(CATCHKIND, NAME, "name", ROW_STR)				\
	X(CATCHKIND, WHAT, "what", ROW_STR)				\
	X(CATCHKIND, MISSING, "missing", ROW_BOOL) /* not in this kernel */
#define ROW_FIELDS_CATCHPOINT(X)					\
	X(CATCHPOINT, NUM, "num", ROW_INT)				\
	X(CATCHPOINT, SPEC, "spec", ROW_STR)				\
	X(CATCHPOINT, HITS, "hits", ROW_INT)
#define ROW_FIELDS_CATCHSTOP(X)						\
	X(CATCHSTOP, NUM, "num", ROW_INT)				\
	X(CATCHSTOP, REASON, "reason", ROW_STR)				\
	X(CATCHSTOP, CULPRIT, "culprit", ROW_BOOL) /* its frame selected */
#define ROW_FIELDS_TEXT(X)						\
	X(TEXT, TEXT, "text", ROW_STR)
#define ROW_FIELDS_VERSION(X)						\
	X(VERSION, VERSION, "version", ROW_STR)				\
	X(VERSION, KERNEL, "kernel", ROW_STR)				\
	X(VERSION, WATCH, "watchpoints", ROW_STR) /* debug-registers, */ \
	X(VERSION, WATCH_WHY, "watch_why", ROW_STR) /* page-protection */ \
	X(VERSION, COMMIT, "commit", ROW_STR)				\
	X(VERSION, RECIPE, "recipe", ROW_STR)	/* the guest recipe's */ \
	X(VERSION, XSTATE, "xstate", ROW_INT)	/* host XSAVE bytes */
#define ROW_FIELDS_CKPT(X)						\
	X(CKPT, EVENT, "event", ROW_INT)	/* the replay's events then */ \
	X(CKPT, PID, "pid", ROW_INT)		/* its frozen process */
#define ROW_FIELDS_CKSTAT(X)						\
	X(CKSTAT, COUNT, "count", ROW_INT)				\
	X(CKSTAT, BYTES, "bytes", ROW_INT)	/* guest memory copies */ \
	X(CKSTAT, PROC_BYTES, "process_bytes", ROW_INT) /* their own */ \
	X(CKSTAT, GUEST_BYTES, "guest_bytes", ROW_INT)	/* its memory */ \
	X(CKSTAT, MAX_COUNT, "max_count", ROW_INT)			\
	X(CKSTAT, MAX_BYTES, "max_bytes", ROW_INT)			\
	X(CKSTAT, EVERY_MS, "every_ms", ROW_INT)			\
	X(CKSTAT, TAKEN, "taken", ROW_INT)				\
	X(CKSTAT, RESTORED, "restored", ROW_INT)			\
	X(CKSTAT, DROPPED, "dropped", ROW_INT)				\
	X(CKSTAT, TAKE_MS, "take_ms", ROW_INT)	/* in all */		\
	X(CKSTAT, RESTORE_MS, "restore_ms", ROW_INT)			\
	X(CKSTAT, OFF, "off", ROW_STR)		/* why none are taken */ \
	X(CKSTAT, PAUSED, "paused", ROW_STR)	/* why none are taken now */
#define ROW_FIELDS_MEMCRC(X)						\
	X(MEMCRC, START, "start", ROW_ADDR)				\
	X(MEMCRC, LEN, "len", ROW_INT)					\
	X(MEMCRC, CRC, "crc", ROW_HEX)	/* CRC-32 (IEEE), as zlib's */
#define ROW_FIELDS_VALUE(X)						\
	X(VALUE, EXPR, "expr", ROW_STR)					\
	X(VALUE, TYPE, "type", ROW_STR)					\
	X(VALUE, VALUE, "value", ROW_STR)	/* as gdb prints it */
#define ROW_FIELDS_COMMAND(X)						\
	X(COMMAND, NAME, "name", ROW_STR)				\
	X(COMMAND, ALIAS, "alias", ROW_STR)				\
	X(COMMAND, USAGE, "usage", ROW_STR)				\
	X(COMMAND, SUMMARY, "summary", ROW_STR)				\
	X(COMMAND, TUI_ONLY, "tui_only", ROW_BOOL)

/* K(KIND, "name", FIELDS) */
#define ROW_KINDS(K)							\
	K(FRAME, "frame", ROW_FIELDS_FRAME)				\
	K(TASK, "task", ROW_FIELDS_TASK)				\
	K(VMA, "vma", ROW_FIELDS_VMA)					\
	K(REG, "reg", ROW_FIELDS_REG)					\
	K(MEM, "mem", ROW_FIELDS_MEM)					\
	K(LOG, "log", ROW_FIELDS_LOG)					\
	K(INSN, "insn", ROW_FIELDS_INSN)				\
	K(SRC, "src", ROW_FIELDS_SRC)					\
	K(PTLEVEL, "ptlevel", ROW_FIELDS_PTLEVEL)			\
	K(MODULE, "module", ROW_FIELDS_MODULE)				\
	K(BREAKPOINT, "breakpoint", ROW_FIELDS_BREAKPOINT)		\
	K(SYM, "sym", ROW_FIELDS_SYM)					\
	K(PAGERUN, "pagerun", ROW_FIELDS_PAGERUN)			\
	K(HEADLINE, "headline", ROW_FIELDS_HEADLINE)			\
	K(VALUE, "value", ROW_FIELDS_VALUE)				\
	K(VERSION, "version", ROW_FIELDS_VERSION)			\
	K(COMMAND, "command", ROW_FIELDS_COMMAND)			\
	K(CONFIG, "config", ROW_FIELDS_CONFIG)				\
	K(KMEM, "kmem", ROW_FIELDS_KMEM)				\
	K(SLABCACHE, "slabcache", ROW_FIELDS_SLABCACHE)			\
	K(SLAB, "slab", ROW_FIELDS_SLAB)				\
	K(OBJECT, "object", ROW_FIELDS_OBJECT)				\
	K(PAGEUSER, "pageuser", ROW_FIELDS_PAGEUSER)			\
	K(ZONE, "zone", ROW_FIELDS_ZONE)				\
	K(BUDDY, "buddy", ROW_FIELDS_BUDDY)				\
	K(PAGE, "page", ROW_FIELDS_PAGE)				\
	K(TRACK, "track", ROW_FIELDS_TRACK)				\
	K(FD, "fd", ROW_FIELDS_FD)					\
	K(CRED, "cred", ROW_FIELDS_CRED)				\
	K(STACK, "stack", ROW_FIELDS_STACK)				\
	K(HISTORY, "history", ROW_FIELDS_HISTORY)			\
	K(IRQ, "irq", ROW_FIELDS_IRQ)					\
	K(LOCK, "lock", ROW_FIELDS_LOCK)				\
	K(TIMER, "timer", ROW_FIELDS_TIMER)				\
	K(WORKER, "worker", ROW_FIELDS_WORKER)				\
	K(WORK, "work", ROW_FIELDS_WORK)				\
	K(CATCHKIND, "catchkind", ROW_FIELDS_CATCHKIND)			\
	K(CATCHPOINT, "catchpoint", ROW_FIELDS_CATCHPOINT)		\
	K(CATCHSTOP, "catchstop", ROW_FIELDS_CATCHSTOP)			\
	K(CKPT, "checkpoint", ROW_FIELDS_CKPT)				\
	K(CKSTAT, "checkpoints", ROW_FIELDS_CKSTAT)			\
	K(MEMCRC, "memcrc", ROW_FIELDS_MEMCRC)				\
	K(TEXT, "text", ROW_FIELDS_TEXT)

#define ROW_KIND_ENUM(k, name, fields) ROW_##k,
enum row_kind { ROW_KINDS(ROW_KIND_ENUM) ROW_NKINDS };
#undef ROW_KIND_ENUM

/* enum frame_field { FRAME_NUM, FRAME_PC, ..., FRAME_NFIELDS } etc. */
#define ROW_FIELD_ENUM(k, f, name, type) k##_##f,
enum frame_field { ROW_FIELDS_FRAME(ROW_FIELD_ENUM) FRAME_NFIELDS };
enum task_field { ROW_FIELDS_TASK(ROW_FIELD_ENUM) TASK_NFIELDS };
enum vma_field { ROW_FIELDS_VMA(ROW_FIELD_ENUM) VMA_NFIELDS };
enum reg_field { ROW_FIELDS_REG(ROW_FIELD_ENUM) REG_NFIELDS };
enum mem_field { ROW_FIELDS_MEM(ROW_FIELD_ENUM) MEM_NFIELDS };
enum log_field { ROW_FIELDS_LOG(ROW_FIELD_ENUM) LOG_NFIELDS };
enum insn_field { ROW_FIELDS_INSN(ROW_FIELD_ENUM) INSN_NFIELDS };
enum src_field { ROW_FIELDS_SRC(ROW_FIELD_ENUM) SRC_NFIELDS };
enum ptlevel_field { ROW_FIELDS_PTLEVEL(ROW_FIELD_ENUM) PTLEVEL_NFIELDS };
enum module_field { ROW_FIELDS_MODULE(ROW_FIELD_ENUM) MODULE_NFIELDS };
enum breakpoint_field {
	ROW_FIELDS_BREAKPOINT(ROW_FIELD_ENUM) BREAKPOINT_NFIELDS
};
enum sym_field { ROW_FIELDS_SYM(ROW_FIELD_ENUM) SYM_NFIELDS };
enum pagerun_field { ROW_FIELDS_PAGERUN(ROW_FIELD_ENUM) PAGERUN_NFIELDS };
enum headline_field {
	ROW_FIELDS_HEADLINE(ROW_FIELD_ENUM) HEADLINE_NFIELDS
};
enum value_field { ROW_FIELDS_VALUE(ROW_FIELD_ENUM) VALUE_NFIELDS };
enum ckpt_field { ROW_FIELDS_CKPT(ROW_FIELD_ENUM) CKPT_NFIELDS };
enum ckstat_field { ROW_FIELDS_CKSTAT(ROW_FIELD_ENUM) CKSTAT_NFIELDS };
enum memcrc_field { ROW_FIELDS_MEMCRC(ROW_FIELD_ENUM) MEMCRC_NFIELDS };
enum version_field { ROW_FIELDS_VERSION(ROW_FIELD_ENUM) VERSION_NFIELDS };
enum command_field { ROW_FIELDS_COMMAND(ROW_FIELD_ENUM) COMMAND_NFIELDS };
enum config_field { ROW_FIELDS_CONFIG(ROW_FIELD_ENUM) CONFIG_NFIELDS };
enum kmem_field { ROW_FIELDS_KMEM(ROW_FIELD_ENUM) KMEM_NFIELDS };
enum slabcache_field {
	ROW_FIELDS_SLABCACHE(ROW_FIELD_ENUM) SLABCACHE_NFIELDS
};
enum slab_field { ROW_FIELDS_SLAB(ROW_FIELD_ENUM) SLAB_NFIELDS };
enum object_field { ROW_FIELDS_OBJECT(ROW_FIELD_ENUM) OBJECT_NFIELDS };
enum pageuser_field { ROW_FIELDS_PAGEUSER(ROW_FIELD_ENUM) PAGEUSER_NFIELDS };
enum catchkind_field {
	ROW_FIELDS_CATCHKIND(ROW_FIELD_ENUM) CATCHKIND_NFIELDS
};
enum catchpoint_field {
	ROW_FIELDS_CATCHPOINT(ROW_FIELD_ENUM) CATCHPOINT_NFIELDS
};
enum catchstop_field {
	ROW_FIELDS_CATCHSTOP(ROW_FIELD_ENUM) CATCHSTOP_NFIELDS
};
enum zone_field { ROW_FIELDS_ZONE(ROW_FIELD_ENUM) ZONE_NFIELDS };
enum buddy_field { ROW_FIELDS_BUDDY(ROW_FIELD_ENUM) BUDDY_NFIELDS };
enum page_field { ROW_FIELDS_PAGE(ROW_FIELD_ENUM) PAGE_NFIELDS };
enum track_field { ROW_FIELDS_TRACK(ROW_FIELD_ENUM) TRACK_NFIELDS };
enum fd_field { ROW_FIELDS_FD(ROW_FIELD_ENUM) FD_NFIELDS };
enum cred_field { ROW_FIELDS_CRED(ROW_FIELD_ENUM) CRED_NFIELDS };
enum stack_field { ROW_FIELDS_STACK(ROW_FIELD_ENUM) STACK_NFIELDS };
enum history_field { ROW_FIELDS_HISTORY(ROW_FIELD_ENUM) HISTORY_NFIELDS };
enum irq_field { ROW_FIELDS_IRQ(ROW_FIELD_ENUM) IRQ_NFIELDS };
enum lock_field { ROW_FIELDS_LOCK(ROW_FIELD_ENUM) LOCK_NFIELDS };
enum timer_field { ROW_FIELDS_TIMER(ROW_FIELD_ENUM) TIMER_NFIELDS };
enum worker_field { ROW_FIELDS_WORKER(ROW_FIELD_ENUM) WORKER_NFIELDS };
enum work_field { ROW_FIELDS_WORK(ROW_FIELD_ENUM) WORK_NFIELDS };
enum text_field { ROW_FIELDS_TEXT(ROW_FIELD_ENUM) TEXT_NFIELDS };
#undef ROW_FIELD_ENUM

#define ROW_MAX_FIELDS 14

struct row_val {
	bool set;
	int64_t i;		/* ROW_INT, ROW_BOOL */
	uint64_t u;		/* ROW_ADDR, ROW_HEX */
	char *s;		/* ROW_STR; ROW_BYTES's bytes (n of them) */
	size_t n;
};

struct row {
	enum row_kind kind;
	struct row_val v[ROW_MAX_FIELDS];
};

const char *row_kind_name(enum row_kind kind);
/* A field by name ("pc"): its index, or -1. */
int row_field_index(enum row_kind kind, const char *name);

/* Reading a row (the TUI, tests).  Unset fields read as 0 / NULL. */
bool row_has(const struct row *r, int field);
int64_t row_i(const struct row *r, int field);
uint64_t row_u(const struct row *r, int field);
const char *row_s(const struct row *r, int field);
const uint8_t *row_bytes(const struct row *r, int field, size_t *n);
/* One row as the prompt prints it, without its newline (malloc'd). */
char *row_text(const struct row *r);
/* The line the prompt prints above a list of rows of kind (NULL: none). */
const char *row_text_header(enum row_kind kind);

/* ---- sinks --------------------------------------------------------------- */

enum out_mode {
	OUT_TEXT,	/* aligned text, as the prompt prints */
	OUT_FORMAT,	/* each row through a user format; text as it is */
	OUT_JSON,	/* one JSON object a line */
	OUT_COLLECT,	/* kept for the caller (out_row) */
};

struct out;

/* A sink writing to f (not for OUT_COLLECT: f NULL); format for
 * OUT_FORMAT ("#{pc} #{func}"; "#{kind}" is the row's kind). */
struct out *out_new(enum out_mode mode, FILE *f, const char *format);
/* Flush and free (the collected rows too). */
void out_free(struct out *o);
enum out_mode out_mode(const struct out *o);
/* Where free text goes: written in order with the rows. */
FILE *out_file(struct out *o);
/* Put the free text written so far in its place (before a long wait). */
void out_flush(struct out *o);

/* Fill a row: begin, set fields, end (which renders or keeps it). */
void row_begin(struct out *o, enum row_kind kind);
void row_int(struct out *o, int field, int64_t v);
void row_addr(struct out *o, int field, uint64_t v);	/* ROW_ADDR, ROW_HEX */
void row_str(struct out *o, int field, const char *s);	/* NULL: unset */
void row_bool(struct out *o, int field, bool v);
void row_set_bytes(struct out *o, int field, const void *b, size_t n);
void row_end(struct out *o);

/* OUT_COLLECT: the rows so far (text lines are ROW_TEXT rows). */
size_t out_nrows(struct out *o);
const struct row *out_row(struct out *o, size_t i);

/* Is a user format well formed (every #{name} closed)?  Else *why. */
bool out_format_ok(const char *format, const char **why);

#endif
