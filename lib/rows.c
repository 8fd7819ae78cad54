/*
 * lib/rows.c - typed rows and their renderers: aligned text, a user
 * format, JSON lines, and a list kept for the caller (rows.h).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "rows.h"

struct field_desc {
	const char *name;
	enum row_type type;
};

#define FIELD_DESC(k, f, name, type) { name, type },
#define FIELD_ARRAY(k, name, fields) \
	static const struct field_desc fields_##k[] = { fields(FIELD_DESC) };
ROW_KINDS(FIELD_ARRAY)
#undef FIELD_ARRAY

static const struct {
	const char *name;
	const struct field_desc *f;
	int n;
} kinds[ROW_NKINDS] = {
#define KIND_DESC(k, name, fields) \
	[ROW_##k] = { name, fields_##k, (int)ARRAY_SIZE(fields_##k) },
	ROW_KINDS(KIND_DESC)
#undef KIND_DESC
};

#define FIELD_FITS(k, name, fields) \
	_Static_assert(ARRAY_SIZE(fields_##k) <= ROW_MAX_FIELDS, \
		       "ROW_MAX_FIELDS too small for " name);
ROW_KINDS(FIELD_FITS)
#undef FIELD_FITS

struct out {
	enum out_mode mode;
	FILE *f;
	char *format;
	/* free text, read back in order with the rows */
	FILE *text;
	char *tbuf;
	size_t tlen, tdone;
	/* the row being filled, and the run of rows of one kind (text
	 * renders registers three to a line, a task list's header once) */
	struct row cur;
	bool in_row;
	enum row_kind run_kind;
	int run_n;
	/* OUT_COLLECT */
	struct row *rows;
	size_t nrows, alloc;
};

const char *row_kind_name(enum row_kind kind)
{
	return kind < ROW_NKINDS ? kinds[kind].name : "?";
}

int row_field_index(enum row_kind kind, const char *name)
{
	int i;

	if (kind >= ROW_NKINDS)
		return -1;
	for (i = 0; i < kinds[kind].n; i++)
		if (!strcmp(kinds[kind].f[i].name, name))
			return i;
	return -1;
}

static bool field_ok(const struct row *r, int field)
{
	return r->kind < ROW_NKINDS && field >= 0 &&
	       field < kinds[r->kind].n;
}

bool row_has(const struct row *r, int field)
{
	return field_ok(r, field) && r->v[field].set;
}

int64_t row_i(const struct row *r, int field)
{
	return row_has(r, field) ? r->v[field].i : 0;
}

uint64_t row_u(const struct row *r, int field)
{
	return row_has(r, field) ? r->v[field].u : 0;
}

const char *row_s(const struct row *r, int field)
{
	return row_has(r, field) ? r->v[field].s : NULL;
}

const uint8_t *row_bytes(const struct row *r, int field, size_t *n)
{
	*n = row_has(r, field) ? r->v[field].n : 0;
	return row_has(r, field) ? (const uint8_t *)r->v[field].s : NULL;
}

static void row_release(struct row *r)
{
	int i;

	for (i = 0; i < ROW_MAX_FIELDS; i++)
		free(r->v[i].s);
	memset(r, 0, sizeof(*r));
}

static void row_copy(struct row *to, const struct row *from)
{
	int i;

	*to = *from;
	for (i = 0; i < ROW_MAX_FIELDS; i++)
		if (from->v[i].s) {
			to->v[i].s = xmalloc(from->v[i].n + 1);
			memcpy(to->v[i].s, from->v[i].s, from->v[i].n + 1);
		}
}

/* ---- aligned text ------------------------------------------------------ */

static const char *str_or(const struct row *r, int field, const char *dflt)
{
	const char *s = row_s(r, field);

	return s ? s : dflt;
}

static void text_mem(struct strbuf *sb, const struct row *r)
{
	size_t n, i;
	const uint8_t *b = row_bytes(r, MEM_BYTES, &n);

	strbuf_addf(sb, "%016llx:", (unsigned long long)row_u(r, MEM_ADDR));
	for (i = 0; i < 16; i++)
		if (i < n)
			strbuf_addf(sb, " %02x", b[i]);
		else
			strbuf_addf(sb, "   ");
	strbuf_addf(sb, "  %s", str_or(r, MEM_ASCII, ""));
}

/* "3   watch jiffies   hits 2  at 0x..., 8 bytes"; a breakpoint lists
 * its addresses. */
static void text_breakpoint(struct strbuf *sb, const struct row *r)
{
	const char *type = str_or(r, BREAKPOINT_TYPE, "break");
	char *what = strcmp(type, "break") ?
		xasprintf("%s %s", type, str_or(r, BREAKPOINT_SPEC, "")) :
		xstrdup(str_or(r, BREAKPOINT_SPEC, ""));

	strbuf_addf(sb, "%-3d %-30s hits %llu  at",
		    (int)row_i(r, BREAKPOINT_NUM), what,
		    (unsigned long long)row_i(r, BREAKPOINT_HITS));
	if (row_has(r, BREAKPOINT_LEN))
		strbuf_addf(sb, " %s, %d byte%s",
			    str_or(r, BREAKPOINT_ADDRS, ""),
			    (int)row_i(r, BREAKPOINT_LEN),
			    row_i(r, BREAKPOINT_LEN) == 1 ? "" : "s");
	else if (row_s(r, BREAKPOINT_ADDRS) && *row_s(r, BREAKPOINT_ADDRS))
		strbuf_addf(sb, " %s", row_s(r, BREAKPOINT_ADDRS));
	free(what);
}

/* The row as the prompt prints it, alone (no header, one register). */
/* "ADDR is WHAT...", then its page */
static void text_kmem(struct strbuf *sb, const struct row *r)
{
	const char *what = str_or(r, KMEM_WHAT, "unknown");
	const char *name = str_or(r, KMEM_NAME, "?");

	strbuf_addf(sb, "0x%016llx: ", (unsigned long long)row_u(r, KMEM_ADDR));
	if (!strcmp(what, "slab"))
		strbuf_addf(sb, "%s slab object 0x%llx of %s (%lld bytes)",
			    !strcmp(str_or(r, KMEM_STATE, ""), "quarantined") ?
			    "freed (in KASAN's quarantine)" :
			    str_or(r, KMEM_STATE, "?"),
			    (unsigned long long)row_u(r, KMEM_START), name,
			    (long long)row_i(r, KMEM_SIZE));
	else if (!strcmp(what, "stack"))
		strbuf_addf(sb, "the kernel stack of task %lld (%s), 0x%llx, "
			    "%lld bytes", (long long)row_i(r, KMEM_PID), name,
			    (unsigned long long)row_u(r, KMEM_START),
			    (long long)row_i(r, KMEM_SIZE));
	else if (!strcmp(what, "free"))
		strbuf_addf(sb, "free memory: a free block of order %lld%s, "
			    "0x%llx, %lld bytes", (long long)row_i(r, KMEM_ORDER),
			    !strcmp(name, "pcp") ? " on a per-CPU list" : "",
			    (unsigned long long)row_u(r, KMEM_START),
			    (long long)row_i(r, KMEM_SIZE));
	else if (!strcmp(what, "image") || !strcmp(what, "module"))
		strbuf_addf(sb, "%s %s%s%s", !strcmp(what, "image") ?
			    "the kernel image, section" : "module", name,
			    row_has(r, KMEM_SYMBOL) ? ": " : "",
			    str_or(r, KMEM_SYMBOL, ""));
	else if (!strcmp(what, "vmalloc"))
		strbuf_addf(sb, "a vmalloc area, 0x%llx, %lld bytes, from %s",
			    (unsigned long long)row_u(r, KMEM_START),
			    (long long)row_i(r, KMEM_SIZE), name);
	else if (!strcmp(what, "page-table"))
		strbuf_addf(sb, "a page-table page, 0x%llx",
			    (unsigned long long)row_u(r, KMEM_START));
	else if (!strcmp(what, "slab-page"))
		strbuf_addf(sb, "a slab page of %s, past its last object",
			    name);
	else if (!strcmp(what, "page"))
		strbuf_addf(sb, "a page in use (%s), 0x%llx", name,
			    (unsigned long long)row_u(r, KMEM_START));
	else
		strbuf_addf(sb, "%s", name);
	if (row_has(r, KMEM_OFFSET) && strcmp(what, "image") &&
	    strcmp(what, "module"))
		strbuf_addf(sb, " +0x%llx",
			    (unsigned long long)row_u(r, KMEM_OFFSET));
	if (row_has(r, KMEM_PAGE))
		strbuf_addf(sb, "\n  page 0x%016llx  pfn 0x%llx",
			    (unsigned long long)row_u(r, KMEM_PAGE),
			    (unsigned long long)row_u(r, KMEM_PFN));
}

static void text_row(struct strbuf *sb, const struct row *r)
{
	switch (r->kind) {
	case ROW_FRAME:
		if (row_i(r, FRAME_INLINED))
			strbuf_addf(sb, "  #%-2d %-18s %s",
				    (int)row_i(r, FRAME_NUM), "(inlined)",
				    str_or(r, FRAME_WHERE, "??"));
		else
			strbuf_addf(sb, "  #%-2d 0x%016llx %s",
				    (int)row_i(r, FRAME_NUM),
				    (unsigned long long)row_u(r, FRAME_PC),
				    str_or(r, FRAME_WHERE, "??"));
		break;
	case ROW_TASK: {
		char mm[24] = "-", host[16] = "-", comm[24];

		if (row_has(r, TASK_MM))
			snprintf(mm, sizeof(mm), "0x%llx",
				 (unsigned long long)row_u(r, TASK_MM));
		if (row_has(r, TASK_HOST_PID))
			snprintf(host, sizeof(host), "%d",
				 (int)row_i(r, TASK_HOST_PID));
		/* kernel threads in brackets, as ps shows them */
		snprintf(comm, sizeof(comm), row_i(r, TASK_KTHREAD) ? "[%s]" :
			 "%s", str_or(r, TASK_COMM, ""));
		strbuf_addf(sb, "%c %5d %5d %s %-18s %-18s %s",
			    row_i(r, TASK_RUNNING) ? '>' : ' ',
			    (int)row_i(r, TASK_PID), (int)row_i(r, TASK_TGID),
			    str_or(r, TASK_STATE, "?"), comm, mm, host);
		break;
	}
	case ROW_VMA:
		/* The layout of /proc/PID/maps, without the device column. */
		strbuf_addf(sb, "%08llx-%08llx %s %08llx %-8llu %s",
			    (unsigned long long)row_u(r, VMA_START),
			    (unsigned long long)row_u(r, VMA_END),
			    str_or(r, VMA_PERMS, "----"),
			    (unsigned long long)row_u(r, VMA_OFFSET),
			    (unsigned long long)row_i(r, VMA_INO),
			    str_or(r, VMA_PATH, ""));
		break;
	case ROW_REG:
		if (row_has(r, REG_VALUE))
			strbuf_addf(sb, "  %-7s 0x%016llx",
				    str_or(r, REG_NAME, "?"),
				    (unsigned long long)row_u(r, REG_VALUE));
		else
			strbuf_addf(sb, "  %-7s %-18s",
				    str_or(r, REG_NAME, "?"), "<not saved>");
		break;
	case ROW_MEM:
		text_mem(sb, r);
		break;
	case ROW_LOG: {
		uint64_t ts = (uint64_t)row_i(r, LOG_TS);

		strbuf_addf(sb, "  [%5llu.%06llu] ",
			    (unsigned long long)(ts / 1000000000ULL),
			    (unsigned long long)(ts % 1000000000ULL / 1000));
		if (row_has(r, LOG_LEVEL_NAME))
			strbuf_addf(sb, "%-7s", row_s(r, LOG_LEVEL_NAME));
		strbuf_addf(sb, "%s", str_or(r, LOG_TEXT, ""));
		break;
	}
	case ROW_INSN:
		strbuf_addf(sb, "%s%c0x%016llx <%s>  %s %s",
			    row_i(r, INSN_CURRENT) ? "=>" : "  ",
			    row_i(r, INSN_BP) ? '*' : ' ',
			    (unsigned long long)row_u(r, INSN_ADDR),
			    str_or(r, INSN_SYM, "?"),
			    str_or(r, INSN_MNEMONIC, ""),
			    str_or(r, INSN_OPERANDS, ""));
		if (row_has(r, INSN_TARGET))
			strbuf_addf(sb, " <%s>", row_s(r, INSN_TARGET));
		break;
	case ROW_SRC:
		strbuf_addf(sb, "%s%c%4d  %s",
			    row_i(r, SRC_CURRENT) ? "=>" : "  ",
			    row_i(r, SRC_BP) ? '*' : ' ',
			    (int)row_i(r, SRC_LINE), str_or(r, SRC_TEXT, ""));
		break;
	case ROW_PTLEVEL:
		strbuf_addf(sb, "  %s[%3d] @0x%llx = 0x%016llx  %s",
			    str_or(r, PTLEVEL_NAME, "?"),
			    (int)row_i(r, PTLEVEL_INDEX),
			    (unsigned long long)row_u(r, PTLEVEL_ENTRY_ADDR),
			    (unsigned long long)row_u(r, PTLEVEL_ENTRY),
			    str_or(r, PTLEVEL_FLAGS, ""));
		break;
	case ROW_MODULE:
		strbuf_addf(sb, "%-20s %-9s 0x%-16llx %llu",
			    str_or(r, MODULE_NAME, "?"),
			    str_or(r, MODULE_STATE, "?"),
			    (unsigned long long)row_u(r, MODULE_TEXT),
			    (unsigned long long)row_i(r, MODULE_SIZE));
		break;
	case ROW_BREAKPOINT:
		text_breakpoint(sb, r);
		break;
	case ROW_SYM:
		strbuf_addf(sb, "0x%llx %s%s",
			    (unsigned long long)row_u(r, SYM_ADDR),
			    row_i(r, SYM_INLINED) ? "(inlined) " : "",
			    str_or(r, SYM_WHERE, "??"));
		break;
	case ROW_HEADLINE:
		/* "umdbg: why", then its detail and where, a line each */
		strbuf_addf(sb, "umdbg: %s", str_or(r, HEADLINE_WHY, "stopped"));
		if (row_has(r, HEADLINE_DETAIL))
			strbuf_addf(sb, "\n  %s", row_s(r, HEADLINE_DETAIL));
		if (row_has(r, HEADLINE_WHERE))
			strbuf_addf(sb, "\n  at 0x%016llx %s",
				    (unsigned long long)row_u(r, HEADLINE_PC),
				    row_s(r, HEADLINE_WHERE));
		if (row_has(r, HEADLINE_FRAME))
			strbuf_addf(sb, "\n  frame #%lld selected (the "
				    "culprit's; bt shows them all)",
				    (long long)row_i(r, HEADLINE_FRAME));
		break;
	case ROW_VALUE:
		strbuf_addf(sb, "%s = %s", str_or(r, VALUE_EXPR, "?"),
			    str_or(r, VALUE_VALUE, "?"));
		break;
	case ROW_VERSION:
		strbuf_addf(sb, "umdbg %s", str_or(r, VERSION_VERSION, "?"));
		if (r->v[VERSION_COMMIT].set)
			strbuf_addf(sb, " (commit %s)",
				    str_or(r, VERSION_COMMIT, "?"));
		strbuf_addf(sb, ", kernel '%s'\n",
			    str_or(r, VERSION_KERNEL, "?"));
		if (r->v[VERSION_RECIPE].set)
			strbuf_addf(sb, "guest recipe: %s\n",
				    str_or(r, VERSION_RECIPE, "?"));
		if (r->v[VERSION_XSTATE].set)
			strbuf_addf(sb, "host XSAVE area: %lld bytes\n",
				    (long long)r->v[VERSION_XSTATE].i);
		strbuf_addf(sb, "watchpoints: ");
		if (!strcmp(str_or(r, VERSION_WATCH, ""), "debug-registers"))
			strbuf_addf(sb, "the debug registers (they trap on "
				    "this host)");
		else
			strbuf_addf(sb, "emulated by page protection (%s)",
				    str_or(r, VERSION_WATCH_WHY, "?"));
		break;
	case ROW_COMMAND:
		strbuf_addf(sb, "  %-32s %s", str_or(r, COMMAND_USAGE, "?"),
			    str_or(r, COMMAND_SUMMARY, ""));
		break;
	case ROW_PAGERUN:
		strbuf_addf(sb, "%012llx-%012llx -> phys %09llx  %s  %s",
			    (unsigned long long)row_u(r, PAGERUN_START),
			    (unsigned long long)row_u(r, PAGERUN_END),
			    (unsigned long long)row_u(r, PAGERUN_PHYS),
			    str_or(r, PAGERUN_FLAGS, ""),
			    str_or(r, PAGERUN_PATH, ""));
		break;
	case ROW_KMEM:
		text_kmem(sb, r);
		break;
	case ROW_SLABCACHE:
		strbuf_addf(sb, "%-24s %8lld %8lld %7lld %7lld %8lld %5lld "
			    "%6lld%s", str_or(r, SLABCACHE_NAME, "?"),
			    (long long)row_i(r, SLABCACHE_ACTIVE),
			    (long long)row_i(r, SLABCACHE_OBJECTS),
			    (long long)row_i(r, SLABCACHE_OBJSIZE),
			    (long long)row_i(r, SLABCACHE_SIZE),
			    (long long)row_i(r, SLABCACHE_PER_SLAB),
			    (long long)row_i(r, SLABCACHE_PAGES),
			    (long long)row_i(r, SLABCACHE_SLABS),
			    row_i(r, SLABCACHE_STORE_USER) ? "  U" : "");
		break;
	case ROW_SLAB:
		strbuf_addf(sb, "  slab 0x%016llx  objects at 0x%016llx  "
			    "%3lld in use, %3lld free of %3lld%s",
			    (unsigned long long)row_u(r, SLAB_SLAB),
			    (unsigned long long)row_u(r, SLAB_BASE),
			    (long long)row_i(r, SLAB_INUSE),
			    (long long)row_i(r, SLAB_FREE),
			    (long long)row_i(r, SLAB_OBJECTS),
			    row_i(r, SLAB_CPU) ? "  (the CPU's)" : "");
		break;
	case ROW_PAGE:
		strbuf_addf(sb, "pfn 0x%llx  page 0x%016llx  memory 0x%llx\n"
			    "  flags %s  refcount %lld  mapping 0x%llx",
			    (unsigned long long)row_u(r, PAGE_PFN),
			    (unsigned long long)row_u(r, PAGE_PAGE),
			    (unsigned long long)row_u(r, PAGE_ADDR),
			    row_has(r, PAGE_FLAGS) && *row_s(r, PAGE_FLAGS) ?
			    row_s(r, PAGE_FLAGS) : "-",
			    (long long)row_i(r, PAGE_REFCOUNT),
			    (unsigned long long)row_u(r, PAGE_MAPPING));
		break;
	case ROW_FD:
		strbuf_addf(sb, "%4lld  %-40s flags %s  pos %lld",
			    (long long)row_i(r, FD_FD), str_or(r, FD_PATH, "?"),
			    str_or(r, FD_FLAGS, "?"),
			    (long long)row_i(r, FD_POS));
		break;
	case ROW_CRED:
		/* as /proc/PID/status has them */
		strbuf_addf(sb, "Uid:\t%lld\t%lld\t%lld\t%lld\n"
			    "Gid:\t%lld\t%lld\t%lld\t%lld\n"
			    "CapInh:\t%016llx\nCapPrm:\t%016llx\n"
			    "CapEff:\t%016llx\nCapBnd:\t%016llx\n"
			    "CapAmb:\t%016llx",
			    (long long)row_i(r, CRED_UID),
			    (long long)row_i(r, CRED_EUID),
			    (long long)row_i(r, CRED_SUID),
			    (long long)row_i(r, CRED_FSUID),
			    (long long)row_i(r, CRED_GID),
			    (long long)row_i(r, CRED_EGID),
			    (long long)row_i(r, CRED_SGID),
			    (long long)row_i(r, CRED_FSGID),
			    (unsigned long long)row_u(r, CRED_CAP_INH),
			    (unsigned long long)row_u(r, CRED_CAP_PRM),
			    (unsigned long long)row_u(r, CRED_CAP_EFF),
			    (unsigned long long)row_u(r, CRED_CAP_BND),
			    (unsigned long long)row_u(r, CRED_CAP_AMB));
		break;
	case ROW_STACK:
		strbuf_addf(sb, "task %lld's kernel stack 0x%llx-0x%llx (%lld "
			    "bytes): %lld in use at sp 0x%llx, %lld at the "
			    "deepest so far", (long long)row_i(r, STACK_PID),
			    (unsigned long long)row_u(r, STACK_BASE),
			    (unsigned long long)(row_u(r, STACK_BASE) +
						 (uint64_t)row_i(r, STACK_SIZE)),
			    (long long)row_i(r, STACK_SIZE),
			    (long long)row_i(r, STACK_USED),
			    (unsigned long long)row_u(r, STACK_SP),
			    (long long)row_i(r, STACK_DEEPEST));
		break;
	case ROW_WORKER:
		strbuf_addf(sb, "worker pool %3lld cpu %2lld  %5lld %-16s %s",
			    (long long)row_i(r, WORKER_POOL),
			    (long long)row_i(r, WORKER_CPU),
			    (long long)row_i(r, WORKER_PID),
			    str_or(r, WORKER_COMM, "?"),
			    row_has(r, WORKER_RESCUES) ? "rescuer of " :
			    row_has(r, WORKER_CURRENT) ? "running " : "idle");
		if (row_has(r, WORKER_RESCUES))
			strbuf_addf(sb, "%s", row_s(r, WORKER_RESCUES));
		else if (row_has(r, WORKER_CURRENT))
			strbuf_addf(sb, "%s", row_s(r, WORKER_CURRENT));
		break;
	case ROW_WORK:
		strbuf_addf(sb, "work   pool %3lld  0x%llx %s",
			    (long long)row_i(r, WORK_POOL),
			    (unsigned long long)row_u(r, WORK_WORK),
			    str_or(r, WORK_FUNC, "?"));
		break;
	case ROW_TIMER:
		if (!strcmp(str_or(r, TIMER_KIND, ""), "hrtimer"))
			strbuf_addf(sb, "hrtimer cpu %lld clock %lld: %s, "
				    "expires at %lld-%lld nsecs",
				    (long long)row_i(r, TIMER_CPU),
				    (long long)row_i(r, TIMER_BASE),
				    str_or(r, TIMER_FUNCTION, "?"),
				    (long long)row_i(r, TIMER_SOFT),
				    (long long)row_i(r, TIMER_EXPIRES));
		else
			strbuf_addf(sb, "timer   cpu %lld base %lld: %s, "
				    "expires at jiffies %lld",
				    (long long)row_i(r, TIMER_CPU),
				    (long long)row_i(r, TIMER_BASE),
				    str_or(r, TIMER_FUNCTION, "?"),
				    (long long)row_i(r, TIMER_EXPIRES));
		break;
	case ROW_LOCK:
		/* as lockdep prints a held lock */
		strbuf_addf(sb, " #%lld: %016llx (%s), at: %s",
			    (long long)row_i(r, LOCK_NUM),
			    (unsigned long long)row_u(r, LOCK_MAP),
			    str_or(r, LOCK_NAME, "?"),
			    str_or(r, LOCK_WHERE, "??"));
		break;
	case ROW_IRQ:
		/* as /proc/interrupts, one CPU column for them all */
		strbuf_addf(sb, "%3lld: %10lld %9s      %s",
			    (long long)row_i(r, IRQ_IRQ),
			    (long long)row_i(r, IRQ_COUNT),
			    str_or(r, IRQ_CHIP, ""), str_or(r, IRQ_ACTIONS, ""));
		if (row_has(r, IRQ_HANDLER))
			strbuf_addf(sb, "  (%s)", row_s(r, IRQ_HANDLER));
		break;
	case ROW_HISTORY:
		strbuf_addf(sb, "%-4s event %-7lld %-5s task %lld (%s) at %s",
			    str_or(r, HISTORY_ID, "?"),
			    (long long)row_i(r, HISTORY_EVENT),
			    str_or(r, HISTORY_WHAT, "?"),
			    (long long)row_i(r, HISTORY_PID),
			    str_or(r, HISTORY_COMM, "?"),
			    str_or(r, HISTORY_WHERE, "??"));
		if (row_has(r, HISTORY_OLD))
			strbuf_addf(sb, ": 0x%llx -> 0x%llx",
				    (unsigned long long)row_u(r, HISTORY_OLD),
				    (unsigned long long)row_u(r, HISTORY_NEW));
		else
			strbuf_addf(sb, ": 0x%llx",
				    (unsigned long long)row_u(r, HISTORY_ADDR));
		break;
	case ROW_TRACK:
		strbuf_addf(sb, "  last %s by task %lld", str_or(r, TRACK_WHAT,
			    "?"), (long long)row_i(r, TRACK_PID));
		if (row_has(r, TRACK_CPU))
			strbuf_addf(sb, " on CPU %lld at jiffies %lld",
				    (long long)row_i(r, TRACK_CPU),
				    (long long)row_i(r, TRACK_JIFFIES));
		strbuf_addf(sb, " (%s's record):", str_or(r, TRACK_BY, "?"));
		break;
	case ROW_ZONE:
		strbuf_addf(sb, "zone %s: %lld pages, %lld free on the per-CPU "
			    "lists", str_or(r, ZONE_NAME, "?"),
			    (long long)row_i(r, ZONE_PRESENT),
			    (long long)row_i(r, ZONE_PCP));
		break;
	case ROW_BUDDY:
		strbuf_addf(sb, "%-8s order %2lld: %6lld free blocks, %7lld "
			    "pages", str_or(r, BUDDY_ZONE, "?"),
			    (long long)row_i(r, BUDDY_ORDER),
			    (long long)row_i(r, BUDDY_FREE),
			    (long long)row_i(r, BUDDY_PAGES));
		break;
	case ROW_PAGEUSER:
		strbuf_addf(sb, "  mapped by task %lld (%s) at 0x%llx",
			    (long long)row_i(r, PAGEUSER_PID),
			    str_or(r, PAGEUSER_COMM, "?"),
			    (unsigned long long)row_u(r, PAGEUSER_VA));
		if (row_has(r, PAGEUSER_START))
			strbuf_addf(sb, " in %08llx-%08llx %s %s",
				    (unsigned long long)row_u(r, PAGEUSER_START),
				    (unsigned long long)row_u(r, PAGEUSER_END),
				    str_or(r, PAGEUSER_PERMS, "----"),
				    str_or(r, PAGEUSER_PATH, ""));
		break;
	case ROW_OBJECT:
		strbuf_addf(sb, "    0x%016llx  %s",
			    (unsigned long long)row_u(r, OBJECT_ADDR),
			    str_or(r, OBJECT_STATE, "?"));
		break;
	case ROW_CONFIG:
		/* as the .config has it */
		if (row_has(r, CONFIG_VALUE))
			strbuf_addf(sb, "%s=%s", str_or(r, CONFIG_NAME, "?"),
				    row_s(r, CONFIG_VALUE));
		else
			strbuf_addf(sb, "# %s is not set",
				    str_or(r, CONFIG_NAME, "?"));
		break;
	case ROW_CATCHKIND:
		strbuf_addf(sb, "  %-8s %s%s", str_or(r, CATCHKIND_NAME, "?"),
			    str_or(r, CATCHKIND_WHAT, ""),
			    row_i(r, CATCHKIND_MISSING) ?
			    " - not in this kernel" : "");
		break;
	case ROW_CATCHPOINT:
		strbuf_addf(sb, "catchpoint %lld: %s, %lld hit%s",
			    (long long)row_i(r, CATCHPOINT_NUM),
			    str_or(r, CATCHPOINT_SPEC, "?"),
			    (long long)row_i(r, CATCHPOINT_HITS),
			    row_i(r, CATCHPOINT_HITS) == 1 ? "" : "s");
		break;
	case ROW_CATCHSTOP:
		strbuf_addf(sb, "stopped at catchpoint %lld: %s%s",
			    (long long)row_i(r, CATCHSTOP_NUM),
			    str_or(r, CATCHSTOP_REASON, "?"),
			    row_i(r, CATCHSTOP_CULPRIT) ?
			    " (the culprit's frame is selected)" : "");
		break;
	case ROW_CKPT:
		strbuf_addf(sb, "checkpoint at event %lld (process %lld)",
			    (long long)row_i(r, CKPT_EVENT),
			    (long long)row_i(r, CKPT_PID));
		break;
	case ROW_CKSTAT:
		if (row_has(r, CKSTAT_OFF)) {
			strbuf_addf(sb, "checkpoints: none (%s)",
				    row_s(r, CKSTAT_OFF));
			break;
		}
		strbuf_addf(sb, "%lld checkpoints, %.1f MB of guest memory "
			    "copies and %.1f MB in their processes (the guest "
			    "has %.1f MB; at most %lld and %.1f MB of copies, "
			    "one per %lld ms of running); %lld taken (%lld ms), "
			    "%lld restored (%lld ms), %lld dropped",
			    (long long)row_i(r, CKSTAT_COUNT),
			    (double)row_i(r, CKSTAT_BYTES) / 1048576,
			    (double)row_i(r, CKSTAT_PROC_BYTES) / 1048576,
			    (double)row_i(r, CKSTAT_GUEST_BYTES) / 1048576,
			    (long long)row_i(r, CKSTAT_MAX_COUNT),
			    (double)row_i(r, CKSTAT_MAX_BYTES) / 1048576,
			    (long long)row_i(r, CKSTAT_EVERY_MS),
			    (long long)row_i(r, CKSTAT_TAKEN),
			    (long long)row_i(r, CKSTAT_TAKE_MS),
			    (long long)row_i(r, CKSTAT_RESTORED),
			    (long long)row_i(r, CKSTAT_RESTORE_MS),
			    (long long)row_i(r, CKSTAT_DROPPED));
		if (row_has(r, CKSTAT_PAUSED))
			strbuf_addf(sb, "; none taken now (%s)",
				    row_s(r, CKSTAT_PAUSED));
		break;
	case ROW_MEMCRC:
		strbuf_addf(sb, "crc32 0x%08llx of %lld bytes at 0x%016llx",
			    (unsigned long long)row_u(r, MEMCRC_CRC),
			    (long long)row_i(r, MEMCRC_LEN),
			    (unsigned long long)row_u(r, MEMCRC_START));
		break;
	case ROW_TEXT:
	case ROW_NKINDS:
		strbuf_addf(sb, "%s", str_or(r, TEXT_TEXT, ""));
		break;
	}
}

char *row_text(const struct row *r)
{
	struct strbuf sb;

	strbuf_init(&sb);
	text_row(&sb, r);
	return strbuf_detach(&sb);
}

const char *row_text_header(enum row_kind kind)
{
	switch (kind) {
	case ROW_TASK:
		return "    PID  TGID S COMM               MM        "
		       "         HOST";
	case ROW_MODULE:
		return "MODULE               STATE     TEXT               SIZE";
	case ROW_SLABCACHE:
		return "CACHE                      ACTIVE  OBJECTS OBJSIZE    "
		       "SIZE PER-SLAB PAGES  SLABS";
	default:
		return NULL;
	}
}

/* A run of rows of one kind ends (text came, or another kind). */
static void end_run(struct out *o)
{
	if (o->mode == OUT_TEXT && o->run_kind == ROW_REG && o->run_n % 3)
		fputc('\n', o->f);
	o->run_kind = ROW_NKINDS;
	o->run_n = 0;
}

static void render_text(struct out *o, const struct row *r)
{
	char *s;

	if (r->kind != o->run_kind)
		end_run(o);
	if (o->run_n == 0 && row_text_header(r->kind))
		fprintf(o->f, "%s\n", row_text_header(r->kind));
	s = row_text(r);
	fputs(s, o->f);
	free(s);
	if (r->kind != ROW_REG || o->run_n % 3 == 2)
		fputc('\n', o->f);
	o->run_kind = r->kind;
	o->run_n++;
}

/* ---- JSON and user formats ----------------------------------------------- */

/* A JSON string.  Bytes outside ASCII are escaped one by one, so the
 * line is valid JSON whatever the kernel wrote. */
static void json_str(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	strbuf_add(sb, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_addf(sb, "\\n");
		else if (c == '\t')
			strbuf_addf(sb, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			strbuf_addf(sb, "\\u%04x", c);
		else
			strbuf_add(sb, &s[i], 1);
	}
	strbuf_add(sb, "\"", 1);
}

static void bytes_hex(struct strbuf *sb, const struct row_val *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		strbuf_addf(sb, "%s%02x", i ? " " : "",
			    (unsigned char)v->s[i]);
}

/* A field's value as a user format shows it ("" when unset). */
static void format_value(struct strbuf *sb, const struct row *r, int i)
{
	const struct row_val *v = &r->v[i];

	if (!v->set)
		return;
	switch (kinds[r->kind].f[i].type) {
	case ROW_INT:
		strbuf_addf(sb, "%" PRId64, v->i);
		break;
	case ROW_ADDR:
		strbuf_addf(sb, "0x%016" PRIx64, v->u);
		break;
	case ROW_HEX:
		strbuf_addf(sb, "0x%" PRIx64, v->u);
		break;
	case ROW_STR:
		strbuf_addf(sb, "%s", v->s ? v->s : "");
		break;
	case ROW_BOOL:
		strbuf_addf(sb, "%d", v->i ? 1 : 0);
		break;
	case ROW_BYTES:
		bytes_hex(sb, v);
		break;
	}
}

static void render_json(struct out *o, const struct row *r)
{
	struct strbuf sb;
	int i;

	strbuf_init(&sb);
	strbuf_addf(&sb, "{\"kind\":\"%s\"", kinds[r->kind].name);
	for (i = 0; i < kinds[r->kind].n; i++) {
		const struct row_val *v = &r->v[i];
		enum row_type type = kinds[r->kind].f[i].type;

		strbuf_addf(&sb, ",\"%s\":", kinds[r->kind].f[i].name);
		if (!v->set) {
			strbuf_addf(&sb, "null");
		} else if (type == ROW_INT) {
			strbuf_addf(&sb, "%" PRId64, v->i);
		} else if (type == ROW_BOOL) {
			strbuf_addf(&sb, v->i ? "true" : "false");
		} else if (type == ROW_STR) {
			json_str(&sb, v->s ? v->s : "",
				 v->s ? strlen(v->s) : 0);
		} else {
			struct strbuf val;

			strbuf_init(&val);
			format_value(&val, r, i);
			json_str(&sb, val.buf ? val.buf : "", val.len);
			strbuf_release(&val);
		}
	}
	strbuf_addf(&sb, "}\n");
	fwrite(sb.buf, 1, sb.len, o->f);
	strbuf_release(&sb);
}

bool out_format_ok(const char *format, const char **why)
{
	const char *p;

	for (p = format; (p = strstr(p, "#{")); p += 2)
		if (!strchr(p, '}')) {
			*why = "a '#{' is not closed";
			return false;
		}
	return true;
}

static void render_format(struct out *o, const struct row *r)
{
	struct strbuf sb;
	const char *p = o->format;

	strbuf_init(&sb);
	while (*p) {
		const char *end;

		if (p[0] == '#' && p[1] == '{' && (end = strchr(p, '}'))) {
			char name[64];
			int i;

			snprintf(name, sizeof(name), "%.*s",
				 (int)(end - p - 2), p + 2);
			if (!strcmp(name, "kind"))
				strbuf_addf(&sb, "%s", kinds[r->kind].name);
			else if ((i = row_field_index(r->kind, name)) >= 0)
				format_value(&sb, r, i);
			p = end + 1;
		} else {
			strbuf_add(&sb, p++, 1);
		}
	}
	strbuf_add(&sb, "\n", 1);
	fwrite(sb.buf, 1, sb.len, o->f);
	strbuf_release(&sb);
}

/* ---- the sink ------------------------------------------------------------ */

static void emit(struct out *o, const struct row *r)
{
	switch (o->mode) {
	case OUT_TEXT:
		render_text(o, r);
		break;
	case OUT_FORMAT:
		if (r->kind == ROW_TEXT)
			fprintf(o->f, "%s\n", str_or(r, TEXT_TEXT, ""));
		else
			render_format(o, r);
		break;
	case OUT_JSON:
		render_json(o, r);
		break;
	case OUT_COLLECT:
		if (o->nrows == o->alloc) {
			o->alloc = o->alloc ? 2 * o->alloc : 64;
			o->rows = xrealloc(o->rows,
					   o->alloc * sizeof(*o->rows));
		}
		row_copy(&o->rows[o->nrows++], r);
		break;
	}
}

static void text_line(struct out *o, const char *s, size_t n)
{
	struct row r = { .kind = ROW_TEXT };

	r.v[TEXT_TEXT].set = true;
	r.v[TEXT_TEXT].s = xstrndup(s, n);
	r.v[TEXT_TEXT].n = n;
	emit(o, &r);
	row_release(&r);
}

/* The free text written since the last call, in its place: as it is
 * (text, formats), or a ROW_TEXT row a line (an unended last line too:
 * a row comes after it). */
static void take_text(struct out *o)
{
	size_t start, i;

	fflush(o->text);
	if (o->tlen == o->tdone)
		return;
	if (o->mode == OUT_TEXT) {
		end_run(o);
		fwrite(o->tbuf + o->tdone, 1, o->tlen - o->tdone, o->f);
		o->tdone = o->tlen;
		return;
	}
	for (start = i = o->tdone; i < o->tlen; i++)
		if (o->tbuf[i] == '\n') {
			text_line(o, o->tbuf + start, i - start);
			start = i + 1;
		}
	if (start < o->tlen) {
		text_line(o, o->tbuf + start, o->tlen - start);
		start = o->tlen;
	}
	o->tdone = start;
}

struct out *out_new(enum out_mode mode, FILE *f, const char *format)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->mode = mode;
	o->f = f;
	o->format = format ? xstrdup(format) : NULL;
	o->run_kind = ROW_NKINDS;
	o->text = open_memstream(&o->tbuf, &o->tlen);
	if (!o->text)
		BUG();
	return o;
}

void out_flush(struct out *o)
{
	take_text(o);
	end_run(o);
	if (o->f)
		fflush(o->f);
}

void out_free(struct out *o)
{
	size_t i;

	if (!o)
		return;
	out_flush(o);
	fclose(o->text);
	free(o->tbuf);
	for (i = 0; i < o->nrows; i++)
		row_release(&o->rows[i]);
	free(o->rows);
	free(o->format);
	row_release(&o->cur);
	free(o);
}

enum out_mode out_mode(const struct out *o)
{
	return o->mode;
}

FILE *out_file(struct out *o)
{
	return o->text;
}

void row_begin(struct out *o, enum row_kind kind)
{
	take_text(o);
	row_release(&o->cur);
	o->cur.kind = kind;
	o->in_row = true;
}

/* The field, if it is one of the row's and of that type; else NULL (a
 * programming error, said once in the log). */
static struct row_val *slot(struct out *o, int field, enum row_type a,
			    enum row_type b)
{
	enum row_type type;

	if (!o->in_row || !field_ok(&o->cur, field)) {
		LOG("rows", "field %d is not one of a %s row's", field,
		    row_kind_name(o->cur.kind));
		return NULL;
	}
	type = kinds[o->cur.kind].f[field].type;
	if (type != a && type != b) {
		LOG("rows", "%s.%s set with the wrong type",
		    row_kind_name(o->cur.kind),
		    kinds[o->cur.kind].f[field].name);
		return NULL;
	}
	free(o->cur.v[field].s);
	memset(&o->cur.v[field], 0, sizeof(o->cur.v[field]));
	o->cur.v[field].set = true;
	return &o->cur.v[field];
}

void row_int(struct out *o, int field, int64_t v)
{
	struct row_val *s = slot(o, field, ROW_INT, ROW_INT);

	if (s)
		s->i = v;
}

void row_addr(struct out *o, int field, uint64_t v)
{
	struct row_val *s = slot(o, field, ROW_ADDR, ROW_HEX);

	if (s)
		s->u = v;
}

void row_str(struct out *o, int field, const char *str)
{
	struct row_val *s;

	if (!str)
		return;
	s = slot(o, field, ROW_STR, ROW_STR);
	if (s) {
		s->s = xstrdup(str);
		s->n = strlen(str);
	}
}

void row_bool(struct out *o, int field, bool v)
{
	struct row_val *s = slot(o, field, ROW_BOOL, ROW_BOOL);

	if (s)
		s->i = v;
}

void row_set_bytes(struct out *o, int field, const void *b, size_t n)
{
	struct row_val *s = slot(o, field, ROW_BYTES, ROW_BYTES);

	if (s) {
		s->s = xmalloc(n + 1);
		memcpy(s->s, b, n);
		s->s[n] = '\0';
		s->n = n;
	}
}

void row_end(struct out *o)
{
	if (!o->in_row)
		return;
	emit(o, &o->cur);
	row_release(&o->cur);
	o->in_row = false;
}

size_t out_nrows(struct out *o)
{
	take_text(o);
	return o->nrows;
}

const struct row *out_row(struct out *o, size_t i)
{
	return i < o->nrows ? &o->rows[i] : NULL;
}
