/*
 * tracer/detour.c - store detours: the hot stores beside a watched
 * variable stop faulting.
 *
 * A page protected for an emulated write point faults at every store
 * into it, the watched bytes' or not.  When the page also holds
 * variables the kernel writes all the time (UML's interrupt flags share
 * a page with total_forks), each of those stores costs a ptrace stop.
 * A store that keeps faulting at one constant address (a global
 * variable) is detoured: the first instruction of at least five bytes
 * at or before it, in straight-line code without memory operands,
 * becomes a jump to a trampoline of ours.  The trampoline runs the
 * instructions up to the store as they were, then computes the store's
 * address: beside every watched byte, in a page we alias, it stores
 * through a second, writable mapping of that page and jumps back after
 * the store; anywhere else it restores everything and runs the store
 * itself, which faults and is judged as before.  So the watched bytes
 * are still seen by every store to them, and the neighbours' stores no
 * longer stop the process.
 *
 * Invisible to the guest: only the five bytes of the entry instruction
 * change, and everything after them stays, so a context interrupted
 * between the entry and the store resumes in the original code; the
 * trampolines are never freed (a signal frame may point into one); the
 * jumps are taken out at every reported stop, so stepping, breakpoints
 * and memory reads see the kernel's own code, and a thread stopped
 * inside a trampoline is moved to the matching place in the original.
 * A private page (the kernel image's .data and .bss) becomes a shared
 * mapping of a memfd of ours, mapped twice; a page that was already
 * shared is mapped a second time with mremap.  docs/watchpoints.md
 * says what it costs; UMDBG_WATCH_DETOURS=off turns it all off.
 *
 * Owns: t->dt (sites, trampoline area, aliases, the kernel's function
 * starts).  Every function wants the process stopped.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define PAGE 4096ULL
#define PAGE_OF(a) ((a) & ~(PAGE - 1))
/* Faults at one store, all at one address, before it is detoured. */
#define DT_HOT 16
#define DT_AREA (256ULL << 10)
#define DT_MAX_SITES 64
/* Instructions replayed before the store, at most. */
#define DT_MAX_BEFORE 6

struct dt_site {
	uint64_t pc;		/* the store */
	uint64_t ea;		/* the address it stored to, every time */
	int len;		/* the store's length */
	int hits;
	bool refused;		/* never detoured (moving address, no entry) */
	bool active;		/* the jump is in */
	uint64_t entry;		/* where the jump goes in */
	uint8_t orig[5];	/* the bytes it replaced */
	uint32_t sig;		/* the points its trampoline was made for */
	/* its trampoline: the replayed instructions end at copies_end,
	 * the store as it was is at slow, the whole ends at end */
	uint64_t tramp, copies_end, slow, end;
};

struct dt_state {
	struct dt_site sites[DT_MAX_SITES];
	int nsites;
	uint64_t area, used;	/* the trampolines' mapping, bytes used */
	bool area_failed;
	struct { uint64_t page, alias; } alias[PW_MAX_PAGES];
	int nalias;
	uint64_t *fn;		/* the kernel's function starts, sorted */
	size_t nfn;
	bool fn_loaded;
};

static bool dt_disabled(void)
{
	const char *e = getenv("UMDBG_WATCH_DETOURS");

	return e && !strcmp(e, "off");
}

static struct dt_state *state(struct tracer *t)
{
	if (!t->dt)
		t->dt = xcalloc(1, sizeof(*t->dt));
	return t->dt;
}

void dt_reset(struct tracer *t)
{
	if (!t->dt)
		return;
	free(t->dt->fn);
	free(t->dt);
	t->dt = NULL;
}

/* ---- where a detour can go in ----------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The function starts of the process's executable (UML is static). */
static void load_functions(struct tracer *t, struct dt_state *d)
{
	char path[64];
	Elf_Scn *scn = NULL;
	Elf *e;
	int fd;
	size_t cap = 0;

	d->fn_loaded = true;
	snprintf(path, sizeof(path), "/proc/%d/exe", t->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym s;

			if (!gelf_getsym(data, (int)i, &s) ||
			    GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_value)
				continue;
			if (d->nfn == cap) {
				cap = cap ? 2 * cap : 4096;
				d->fn = xrealloc(d->fn, cap * sizeof(*d->fn));
			}
			d->fn[d->nfn++] = s.st_value;
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	qsort(d->fn, d->nfn, sizeof(*d->fn), cmp_u64);
}

/* The start of the function holding pc, or 0. */
static uint64_t function_of(const struct dt_state *d, uint64_t pc)
{
	size_t lo = 0, hi = d->nfn;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->fn[mid] <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? d->fn[lo - 1] : 0;
}

/* Can insn run anywhere else, as it is, before the store? */
static bool relocatable(csh cs, const cs_insn *insn)
{
	const cs_x86 *x = &insn->detail->x86;
	cs_regs rd, wr;
	uint8_t nrd, nwr, i;

	if (insn->id == X86_INS_NOP || cs_insn_group(cs, insn, CS_GRP_JUMP) ||
	    cs_insn_group(cs, insn, CS_GRP_CALL) ||
	    cs_insn_group(cs, insn, CS_GRP_RET) ||
	    cs_insn_group(cs, insn, CS_GRP_INT) ||
	    cs_insn_group(cs, insn, CS_GRP_IRET) ||
	    cs_insn_group(cs, insn, CS_GRP_PRIVILEGE))
		return false;
	for (i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM)
			return false;
	if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return false;
	for (i = 0; i < nrd; i++)
		if (rd[i] == X86_REG_RSP || rd[i] == X86_REG_RIP)
			return false;
	for (i = 0; i < nwr; i++)
		if (wr[i] == X86_REG_RSP || wr[i] == X86_REG_RIP)
			return false;
	return true;
}

/*
 * Where the detour of the store at pc (len bytes) goes in: pc itself
 * when it is five bytes or more, else the nearest such instruction
 * before it in its function, with only relocatable ones between.
 */
static int find_entry(struct tracer *t, struct dt_state *d, uint64_t pc,
		      int len, uint64_t *entry)
{
	uint64_t fn;
	uint8_t code[1024];
	cs_insn *insn = NULL;
	size_t n, i, k = 0;
	ssize_t got;
	csh cs;
	int found = -1;

	if (len >= 5) {
		*entry = pc;
		return 0;
	}
	if (!d->fn_loaded)
		load_functions(t, d);
	fn = function_of(d, pc);
	if (!fn || pc - fn >= sizeof(code) - 16)
		return -1;
	got = tracer_read_mem(t, fn, code, (size_t)(pc - fn));
	if (got != (ssize_t)(pc - fn))
		return -1;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -1;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(cs, code, (size_t)got, fn, 0, &insn);
	/* pc must be where the decoding from the function's start lands */
	if (n && insn[n - 1].address + insn[n - 1].size == pc) {
		for (i = n; i-- > 0 && k < DT_MAX_BEFORE; k++) {
			if (!relocatable(cs, &insn[i]))
				break;
			if (insn[i].size >= 5) {
				*entry = insn[i].address;
				found = 0;
				break;
			}
		}
	}
	if (n)
		cs_free(insn, n);
	cs_close(&cs);
	return found;
}

/* ---- the store, taken apart -------------------------------------------- */

struct dt_store {
	bool p66;
	int rex, op;
	int modrm;		/* offset of the ModRM byte */
	int mem_end;		/* end of ModRM, SIB and displacement */
	int len;
	int reg, base, idx;	/* -1: none */
	int size;
};

/* A MOV to memory we can redo through another register, or false. */
static bool parse_store(const uint8_t *p, struct dt_store *s)
{
	int i = 0, mod, rm;

	memset(s, 0, sizeof(*s));
	s->base = s->idx = -1;
	if (p[i] == 0x66) {
		s->p66 = true;
		i++;
	}
	if ((p[i] & 0xf0) == 0x40)
		s->rex = p[i++];
	s->op = p[i++];
	if (s->op != 0x88 && s->op != 0x89 && s->op != 0xc6 && s->op != 0xc7)
		return false;
	s->modrm = i;
	mod = p[i] >> 6;
	rm = p[i] & 7;
	s->reg = (p[i] >> 3 & 7) | (s->rex & 4 ? 8 : 0);
	i++;
	if (mod == 3)
		return false;
	if ((s->op == 0xc6 || s->op == 0xc7) && (s->reg & 7))
		return false;
	if (rm == 4) {
		int sib = p[i++];

		if ((sib >> 3 & 7) != 4 || (s->rex & 2))
			s->idx = (sib >> 3 & 7) | (s->rex & 2 ? 8 : 0);
		if ((sib & 7) != 5 || mod != 0)
			s->base = (sib & 7) | (s->rex & 1 ? 8 : 0);
		else
			i += 4;
	} else if (rm == 5 && mod == 0) {
		return false;	/* RIP-relative: not here */
	} else {
		s->base = rm | (s->rex & 1 ? 8 : 0);
	}
	i += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	s->mem_end = i;
	s->size = s->op == 0x88 || s->op == 0xc6 ? 1 :
		  s->rex & 8 ? 8 : s->p66 ? 2 : 4;
	if (s->op == 0xc6 || s->op == 0xc7)
		i += s->size == 1 ? 1 : s->size == 2 ? 2 : 4;
	else if (s->size == 1 && !s->rex && s->reg >= 4)
		s->reg -= 4;	/* ah, ch, dh, bh: the register under it */
	s->len = i;
	if (s->op == 0xc6 || s->op == 0xc7)
		s->reg = -1;
	/* The stack pointer moves in the trampoline. */
	return s->base != 4 && s->reg != 4;
}

/* ---- code ----------------------------------------------------------------- */

struct code {
	uint8_t b[1024];
	int n;
};

static void emit(struct code *c, const void *p, int n)
{
	BUG_ON(c->n + n > (int)sizeof(c->b));
	memcpy(c->b + c->n, p, (size_t)n);
	c->n += n;
}

static void emit1(struct code *c, int v)
{
	uint8_t b = (uint8_t)v;

	emit(c, &b, 1);
}

static void push_pop(struct code *c, int r, bool push)
{
	if (r >= 8)
		emit1(c, 0x41);
	emit1(c, (push ? 0x50 : 0x58) + (r & 7));
}

/* op %a, %b for the 64-bit register forms (89 mov, 39 cmp, 01 add). */
static void reg_reg(struct code *c, int op, int a, int b)
{
	emit1(c, 0x48 | (a >= 8 ? 4 : 0) | (b >= 8 ? 1 : 0));
	emit1(c, op);
	emit1(c, 0xc0 | (a & 7) << 3 | (b & 7));
}

static void movabs(struct code *c, uint64_t v, int r)
{
	emit1(c, 0x48 | (r >= 8 ? 1 : 0));
	emit1(c, 0xb8 + (r & 7));
	emit(c, &v, 8);
}

/* jcc rel32 (cc: 2 jb, 5 jne, 7 ja; -1 jmp) to be fixed; its offset. */
static int jump(struct code *c, int cc)
{
	uint32_t zero = 0;

	if (cc < 0) {
		emit1(c, 0xe9);
	} else {
		emit1(c, 0x0f);
		emit1(c, 0x80 + cc);
	}
	emit(c, &zero, 4);
	return c->n - 4;
}

static void fix(struct code *c, int at, int target)
{
	int32_t rel = target - (at + 4);

	memcpy(c->b + at, &rel, 4);
}

/* A jmp rel32 from code at base to an absolute address. */
static bool jump_abs(struct code *c, uint64_t base, uint64_t to)
{
	int at = jump(c, -1);
	int64_t rel = (int64_t)(to - (base + (uint64_t)c->n));

	if (rel != (int32_t)rel)
		return false;
	memcpy(c->b + at, &(int32_t){ (int32_t)rel }, 4);
	return true;
}

static const uint8_t lea_down[] = { 0x48, 0x8d, 0x64, 0x24, 0x80 };
static const uint8_t lea_up[] = { 0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0 };

/* The data points' bytes, as [lo, hi). */
static int points(const struct tracer *t, uint64_t r[4][2])
{
	int i, n = 0;

	for (i = 0; i < 4; i++)
		if (t->hw[i].used && t->hw[i].kind != TRACER_HW_EXEC) {
			r[n][0] = t->hw[i].addr;
			r[n][1] = t->hw[i].addr + (uint64_t)t->hw[i].len;
			n++;
		}
	return n;
}

static uint32_t signature(const struct tracer *t, const struct dt_state *d)
{
	uint64_t r[4][2];
	uint32_t h = 2166136261u;
	int i, n = points(t, r);
	const uint8_t *p;
	size_t k;

	for (i = 0; i < n; i++)
		for (p = (const uint8_t *)r[i], k = 0; k < 16; k++)
			h = (h ^ p[k]) * 16777619u;
	for (i = 0; i < d->nalias; i++)
		for (p = (const uint8_t *)&d->alias[i], k = 0; k < 16; k++)
			h = (h ^ p[k]) * 16777619u;
	return h;
}

/*
 * The trampoline of site s at address at: the instructions from the
 * entry up to the store, then the store redone (beside the watched
 * bytes, in an aliased page: through the alias), else the store as it
 * was; both jump back after the store.
 */
static bool build(struct tracer *t, struct dt_state *d, struct dt_site *s,
		  const struct dt_store *st, const uint8_t *insn,
		  uint64_t at, struct code *c)
{
	static const int pick[] = { 6, 7, 1, 2, 3, 0, 8, 9, 10, 11 };
	uint64_t r[4][2];
	int sc[3], i, k, nsc = 0, slow_jumps[64], nslow = 0, np;
	uint8_t m;

	for (i = 0; i < 10 && nsc < 3; i++)
		if (pick[i] != st->reg && pick[i] != st->base &&
		    pick[i] != st->idx)
			sc[nsc++] = pick[i];
	if (s->pc > s->entry) {
		uint8_t before[64];

		if (s->pc - s->entry > sizeof(before) ||
		    tracer_read_mem(t, s->entry, before, s->pc - s->entry) !=
		    (ssize_t)(s->pc - s->entry))
			return false;
		emit(c, before, (int)(s->pc - s->entry));
	}
	s->copies_end = at + (uint64_t)c->n;
	emit(c, lea_down, sizeof(lea_down));
	for (i = 0; i < 3; i++)
		push_pop(c, sc[i], true);
	emit1(c, 0x9c);				/* pushfq */
	/* lea M, %sc0: the store's own address bytes */
	emit1(c, 0x48 | (st->rex & 3) | (sc[0] >= 8 ? 4 : 0));
	emit1(c, 0x8d);
	emit1(c, (insn[st->modrm] & 0xc7) | (sc[0] & 7) << 3);
	emit(c, insn + st->modrm + 1, st->mem_end - st->modrm - 1);
	np = points(t, r);
	for (k = 0; k < d->nalias; k++) {
		uint64_t page = d->alias[k].page;
		int next;

		reg_reg(c, 0x89, sc[0], sc[1]);
		emit1(c, 0x48 | (sc[1] >= 8 ? 1 : 0));	/* and $-4096 */
		emit1(c, 0x81);
		emit1(c, 0xe0 | (sc[1] & 7));
		emit(c, &(uint32_t){ 0xfffff000u }, 4);
		movabs(c, page, sc[2]);
		reg_reg(c, 0x39, sc[2], sc[1]);
		next = jump(c, 5);			/* jne */
		movabs(c, page + PAGE - (uint64_t)st->size, sc[2]);
		reg_reg(c, 0x39, sc[2], sc[0]);
		slow_jumps[nslow++] = jump(c, 7);	/* ja: crosses */
		for (i = 0; i < np; i++) {
			int past;

			movabs(c, r[i][0] - (uint64_t)st->size + 1, sc[2]);
			reg_reg(c, 0x39, sc[2], sc[0]);
			past = jump(c, 2);		/* jb: ends before */
			movabs(c, r[i][1], sc[2]);
			reg_reg(c, 0x39, sc[2], sc[0]);
			slow_jumps[nslow++] = jump(c, 2);	/* jb: touches */
			fix(c, past, c->n);
		}
		movabs(c, d->alias[k].alias - page, sc[2]);
		reg_reg(c, 0x01, sc[2], sc[0]);
		emit1(c, 0x9d);				/* popfq */
		/* the store, through %sc0 (no REX.X/B: sc0 < 8) */
		if (st->p66)
			emit1(c, 0x66);
		if (st->rex)
			emit1(c, 0x40 | (st->rex & 0xc));
		emit1(c, st->op);
		m = (uint8_t)((st->reg >= 0 ? (st->reg & 7) << 3 : 0) |
			      (sc[0] & 7));
		emit1(c, m);
		emit(c, insn + st->mem_end, st->len - st->mem_end);
		for (i = 2; i >= 0; i--)
			push_pop(c, sc[i], false);
		emit(c, lea_up, sizeof(lea_up));
		if (!jump_abs(c, at, s->pc + (uint64_t)s->len))
			return false;
		fix(c, next, c->n);
	}
	for (i = 0; i < nslow; i++)
		fix(c, slow_jumps[i], c->n);
	emit1(c, 0x9d);
	for (i = 2; i >= 0; i--)
		push_pop(c, sc[i], false);
	emit(c, lea_up, sizeof(lea_up));
	s->slow = at + (uint64_t)c->n;
	emit(c, insn, s->len);
	if (!jump_abs(c, at, s->pc + (uint64_t)s->len))
		return false;
	s->end = at + (uint64_t)c->n;
	return true;
}

/* ---- the process's side: the area and the aliases -------------------------- */

static int ensure_area(struct tracer *t, struct dt_state *d, pid_t tid,
		       uint64_t near, sigset_t *later)
{
	/* Below the code first (UML maps nothing there), then well
	 * above it; always within a rel32 jump. */
	static const int64_t away[] = { -(256LL << 20), -(512LL << 20),
					-(128LL << 20), 1LL << 30,
					1536LL << 20 };
	size_t i;

	if (d->area)
		return 0;
	if (d->area_failed)
		return -1;
	for (i = 0; i < sizeof(away) / sizeof(away[0]); i++) {
		uint64_t hint = (PAGE_OF(near) + (uint64_t)away[i]) &
				~0xffffULL;
		uint64_t a[6] = { hint, DT_AREA, PROT_READ | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS |
				  MAP_FIXED_NOREPLACE, (uint64_t)-1, 0 };
		long r;

		if (away[i] < 0 && near < (uint64_t)-away[i] + DT_AREA)
			continue;
		r = tracer_inject6(t, tid, SYS_mmap, a, later);
		if (r == -ESRCH)
			return -1;
		if (r == (long)hint) {
			d->area = hint;
			LOG("tracer", "store detours at 0x%llx",
			    (unsigned long long)hint);
			return 0;
		}
		if (r > 0 && r != (long)hint) {
			uint64_t u[6] = { (uint64_t)r, DT_AREA };

			tracer_inject6(t, tid, SYS_munmap, u, later);
		}
	}
	d->area_failed = true;
	return -1;
}

static uint64_t alias_of(const struct dt_state *d, uint64_t page)
{
	int i;

	for (i = 0; i < d->nalias; i++)
		if (d->alias[i].page == page)
			return d->alias[i].alias;
	return 0;
}

uint64_t dt_alias_addr(const struct tracer *t, uint64_t addr)
{
	uint64_t a = t->dt ? alias_of(t->dt, PAGE_OF(addr)) : 0;

	return a ? a + (addr - PAGE_OF(addr)) : addr;
}

/* Is the mapping holding addr shared (its fourth perms letter)? */
static int maps_shared(pid_t pid, uint64_t addr)
{
	char path[64], line[512], perms[8];
	unsigned long long lo, hi;
	FILE *f;
	int shared = -1;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) == 3 &&
		    addr >= lo && addr < hi) {
			shared = perms[3] == 's';
			break;
		}
	fclose(f);
	return shared;
}

/* A second, writable mapping of page (protected now with prot). */
static int make_alias(struct tracer *t, struct dt_state *d, pid_t tid,
		      uint64_t page, int prot, sigset_t *later)
{
	struct user_regs_struct regs;
	uint8_t buf[PAGE];
	uint64_t a[6], name;
	long fd, alias, r;
	int shared = maps_shared(t->pid, page);

	if (shared < 0 || d->nalias == PW_MAX_PAGES)
		return -1;
	if (shared) {
		/* Old size 0: the same pages, mapped once more. */
		uint64_t m[6] = { page, 0, PAGE, MREMAP_MAYMOVE };

		uint64_t p[6] = { 0, PAGE, PROT_READ | PROT_WRITE };

		alias = tracer_inject6(t, tid, SYS_mremap, m, later);
		if (alias < 0)
			return -1;
		/* It comes with the page's protection: ours. */
		p[0] = (uint64_t)alias;
		if (tracer_inject6(t, tid, SYS_mprotect, p, later) < 0)
			return -1;
		goto done;
	}
	/* Private: the page becomes a memfd's, mapped twice. */
	if (tracer_gpr_get(t, tid, &regs) < 0 ||
	    tracer_raw_read(t, page, buf, PAGE) != (ssize_t)PAGE)
		return -1;
	name = (regs.rsp - 256) & ~15ULL;
	if (tracer_raw_write(t, name, "umdbg-watch", 12) != 12)
		return -1;
	a[0] = name;
	a[1] = MFD_CLOEXEC;
	fd = tracer_inject6(t, tid, SYS_memfd_create, a, later);
	if (fd < 0)
		return -1;
	a[0] = (uint64_t)fd;
	a[1] = PAGE;
	r = tracer_inject6(t, tid, SYS_ftruncate, a, later);
	alias = -1;
	if (r == 0) {
		uint64_t m[6] = { 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
				  (uint64_t)fd, 0 };

		alias = tracer_inject6(t, tid, SYS_mmap, m, later);
	}
	if (alias > 0 &&
	    tracer_raw_write(t, (uint64_t)alias, buf, PAGE) == (ssize_t)PAGE) {
		uint64_t m[6] = { page, PAGE, (uint64_t)prot,
				  MAP_SHARED | MAP_FIXED, (uint64_t)fd, 0 };

		r = tracer_inject6(t, tid, SYS_mmap, m, later);
		if (r != (long)page) {
			LOG("tracer", "remapping 0x%llx: %ld",
			    (unsigned long long)page, r);
			alias = -1;	/* the old page is there still */
		}
	}
	a[0] = (uint64_t)fd;
	tracer_inject6(t, tid, SYS_close, a, later);
	if (alias <= 0)
		return -1;
done:
	d->alias[d->nalias].page = page;
	d->alias[d->nalias].alias = (uint64_t)alias;
	d->nalias++;
	LOG("tracer", "page 0x%llx aliased at 0x%llx",
	    (unsigned long long)page, (unsigned long long)alias);
	return 0;
}

/* ---- sites ------------------------------------------------------------------ */

static bool breakpoint_in(struct tracer *t, uint64_t lo, uint64_t hi)
{
	uint64_t a;

	for (a = lo; a < hi; a++) {
		struct tracer_bp *b = tracer_bp_at(t, a);

		if (b && b->inserted)
			return true;
	}
	return false;
}

static int install(struct tracer *t, struct dt_state *d, struct dt_site *s,
		   pid_t tid, sigset_t *later)
{
	struct code c = { .n = 0 };
	struct dt_store st;
	uint8_t insn[16], jmp[5];
	uint64_t page = PAGE_OF(s->ea);
	const struct pw_page *pp = NULL;
	int i;
	int32_t rel;

	for (i = 0; i < t->pw_npages; i++)
		if (t->pw_pages[i].addr == page)
			pp = &t->pw_pages[i];
	/* Only pages that are still readable: reads do not fault there.
	 * (An access point may go, so this is no reason to give up.) */
	if (!pp || !(pp->prot & PROT_READ))
		return -EAGAIN;
	if (tracer_read_mem(t, s->pc, insn, sizeof(insn)) < s->len ||
	    !parse_store(insn, &st) || st.len != s->len)
		return -1;
	if (!s->entry && find_entry(t, d, s->pc, s->len, &s->entry) < 0)
		return -1;
	if (breakpoint_in(t, s->entry, s->pc + (uint64_t)s->len))
		return -1;
	if (ensure_area(t, d, tid, s->pc, later) < 0)
		return -1;
	if (!alias_of(d, page) &&
	    make_alias(t, d, tid, page, pp->prot, later) < 0)
		return -1;
	if (!s->tramp || s->sig != signature(t, d)) {
		uint64_t at = d->area + d->used;

		if (!build(t, d, s, &st, insn, at, &c) ||
		    d->used + (uint64_t)c.n > DT_AREA ||
		    tracer_raw_write(t, at, c.b, (size_t)c.n) != c.n)
			return -1;
		d->used += ((uint64_t)c.n + 15) & ~15ULL;
		s->tramp = at;
		s->sig = signature(t, d);
	}
	rel = (int32_t)(s->tramp - (s->entry + 5));
	if ((int64_t)(s->tramp - (s->entry + 5)) != rel ||
	    tracer_read_mem(t, s->entry, s->orig, 5) != 5)
		return -1;
	jmp[0] = 0xe9;
	memcpy(jmp + 1, &rel, 4);
	if (tracer_raw_write(t, s->entry, jmp, 5) != 5)
		return -1;
	s->active = true;
	t->pw_stats.detours++;
	LOG("tracer", "store at 0x%llx detoured (entry 0x%llx, trampoline "
	    "0x%llx)", (unsigned long long)s->pc,
	    (unsigned long long)s->entry, (unsigned long long)s->tramp);
	return 0;
}

void dt_note_store(struct tracer *t, pid_t tid, uint64_t pc, uint64_t ea,
		   int len, sigset_t *later)
{
	struct dt_state *d;
	struct dt_site *s = NULL;
	int i;

	if (dt_disabled())
		return;
	d = state(t);
	for (i = 0; i < d->nsites; i++)
		if (d->sites[i].pc == pc)
			s = &d->sites[i];
	if (!s) {
		/* Full: the coldest site without a trampoline makes room. */
		if (d->nsites < DT_MAX_SITES)
			s = &d->sites[d->nsites++];
		else
			for (i = 0; i < d->nsites; i++)
				if (!d->sites[i].tramp &&
				    (!s || d->sites[i].hits < s->hits))
					s = &d->sites[i];
		if (!s)
			return;
		memset(s, 0, sizeof(*s));
		s->pc = pc;
		s->ea = ea;
		s->len = len;
	}
	if (s->refused || s->active)
		return;
	if (s->ea != ea || s->len != len) {
		s->refused = true;
		return;
	}
	if (++s->hits < DT_HOT)
		return;
	i = install(t, d, s, tid, later);
	if (i == -EAGAIN) {
		s->hits = 0;
	} else if (i < 0) {
		LOG("tracer", "store at 0x%llx: no detour",
		    (unsigned long long)pc);
		s->refused = true;
	}
}

/* Where a thread at pc inside a trampoline is in the original code; 0
 * when it is in the middle of the redone store. */
static uint64_t original_pc(const struct dt_site *s, uint64_t pc)
{
	if (pc < s->copies_end)
		return s->entry + (pc - s->tramp);
	if (pc < s->slow)
		return 0;
	if (pc == s->slow)
		return s->pc;
	return s->pc + (uint64_t)s->len;	/* the jump back */
}

uint64_t dt_resume_pc(struct tracer *t, uint64_t pc)
{
	int i;

	if (!t->dt)
		return pc;
	for (i = 0; i < t->dt->nsites; i++) {
		const struct dt_site *s = &t->dt->sites[i];

		if (s->tramp && pc == s->slow + (uint64_t)s->len)
			return s->pc + (uint64_t)s->len;
	}
	return pc;
}

/* A stopped thread inside a trampoline: to the same state in the
 * original code (stepping through the redone store when it is there). */
static void leave(struct tracer *t, pid_t tid)
{
	struct dt_state *d = t->dt;
	struct user_regs_struct r;
	int steps, i, status;

	for (steps = 0; steps < 64; steps++) {
		const struct dt_site *s = NULL;
		uint64_t to;

		tracer_gpr_drop(t, tid);
		if (tracer_gpr_get(t, tid, &r) < 0)
			return;
		if (r.rip < d->area || r.rip >= d->area + d->used) {
			to = r.rip;
		} else {
			for (i = 0; i < d->nsites; i++)
				if (d->sites[i].tramp &&
				    r.rip >= d->sites[i].tramp &&
				    r.rip < d->sites[i].end)
					s = &d->sites[i];
			if (!s)
				return;
			to = original_pc(s, r.rip);
		}
		if (to) {
			if (to == r.rip && !steps)
				return;
			/* A step over pushfq leaves the trap flag in the
			 * flags popfq restores: the kernel's code never
			 * sets it. */
			r.rip = to;
			r.eflags &= ~0x100ULL;
			tracer_gpr_set(t, tid, &r);
			return;
		}
		/* In the redone store: registers only, nothing faults. */
		if (ptrace(PTRACE_SINGLESTEP, tid, 0, 0) < 0 ||
		    tracer_waitpid(tid, &status) < 0 || !WIFSTOPPED(status))
			return;
		if (WSTOPSIG(status) != SIGTRAP) {
			struct tracer_thread *th = tracer_thread_find(t, tid);

			if (th && !th->pending_sig)
				th->pending_sig = WSTOPSIG(status);
		}
	}
}

void dt_off(struct tracer *t)
{
	struct dt_state *d = t->dt;
	int i;

	if (!d)
		return;
	for (i = 0; i < d->nsites; i++) {
		struct dt_site *s = &d->sites[i];

		if (!s->active)
			continue;
		tracer_raw_write(t, s->entry, s->orig, 5);
		s->active = false;
		/* Its next fault puts it back in. */
		s->hits = DT_HOT - 1;
	}
	if (d->used && t->alive)
		for (i = 0; i < t->nthreads; i++)
			if (t->threads[i].stopped)
				leave(t, t->threads[i].tid);
}

void dt_mask(const struct tracer *t, uint64_t addr, void *buf, size_t n)
{
	int i, k;

	if (!t->dt)
		return;
	for (i = 0; i < t->dt->nsites; i++) {
		const struct dt_site *s = &t->dt->sites[i];

		if (!s->active)
			continue;
		for (k = 0; k < 5; k++)
			if (s->entry + (uint64_t)k >= addr &&
			    s->entry + (uint64_t)k < addr + n)
				((uint8_t *)buf)[s->entry + (uint64_t)k -
						 addr] = s->orig[k];
	}
}

bool dt_overlaps(const struct tracer *t, uint64_t addr, size_t n)
{
	int i;

	if (!t->dt)
		return false;
	for (i = 0; i < t->dt->nsites; i++) {
		const struct dt_site *s = &t->dt->sites[i];

		if (s->active && s->entry < addr + n && addr < s->entry + 5)
			return true;
	}
	return false;
}
