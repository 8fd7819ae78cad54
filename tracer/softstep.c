/*
 * tracer/softstep.c - where one instruction can go next, so that a
 * single-step can be a run to an int3.
 *
 * A single-step by the trap flag ends in a debug exception, and the
 * hypervisors of our VMs intercept every one (KVM has done so since
 * 2015, against a guest looping in it).  On the Intel VM a
 * PTRACE_SINGLESTEP with its stop costs about 18 µs; a run to an int3
 * with its stop, planting and taking out the int3 included, about 5.
 * So step_over (tracer.c) steps an ordinary instruction by putting an
 * int3 on every place it can go next, letting the thread run, and
 * taking them out again at the stop.  This file decodes the
 * instruction (capstone) and says where those places are: the next
 * instruction; a conditional branch's target as well; a direct jump's
 * or call's target; an indirect one's from its register or from memory;
 * a return's address on the stack.
 *
 * Left to the trap flag, because a run to the next instruction would
 * not do what a single-step does, or because the next place is not
 * known here: string instructions with a rep prefix (a step ends after
 * each iteration), syscalls, interrupts and their returns, far
 * transfers, 16-bit branches, undefined and privileged instructions,
 * transactions, 32-bit addresses, instructions that reach memory no
 * operand shows (xlat, maskmov), code outside 64-bit mode, and any
 * instruction whose memory operand reaches a place an int3 would go (it
 * would read or write the int3; the FPU and XSAVE areas are taken as
 * their largest).  tracer.c also keeps to the trap flag while
 * watchpoints are set (their traps and faults come from the step's
 * instruction) and when a signal is to be delivered.
 *
 * Decoding costs a few microseconds, so the answer for an address is
 * kept, keyed by the instruction's bytes (code that changes is decoded
 * again).  Owns: t->ss.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SS_SLOTS 1024
#define SS_MAX_MEM 2
/* A memory operand's size when capstone gives none (xsave and the
 * like): the most it could reach. */
#define SS_WIDE 16384

enum ss_kind {
	SS_TRAP,	/* to the trap flag */
	SS_NEXT,	/* only to the next instruction */
	SS_BRANCH,	/* the next instruction, or imm */
	SS_DIRECT,	/* to imm */
	SS_REG,		/* to the value of reg */
	SS_MEM,		/* to the 8 bytes at mem[0] */
	SS_RET,		/* to the 8 bytes at rsp */
};

struct ss_mem {
	x86_reg seg, base, index;
	int scale;
	int64_t disp;
	uint64_t size;
};

struct ss_entry {
	uint64_t addr;		/* 0: empty */
	uint8_t bytes[16];	/* the instruction's, len of them */
	uint8_t len;
	uint8_t kind;
	uint8_t nmem;
	x86_reg reg;
	uint64_t imm;
	struct ss_mem mem[SS_MAX_MEM];	/* operands that reach memory */
};

struct ss_state {
	csh cs;
	bool cs_open;
	struct ss_entry slot[SS_SLOTS];
};

/* A string instruction (ins, outs, movs, cmps, stos, lods, scas) with
 * a rep prefix: each iteration is a step of its own. */
static bool rep_string(const cs_x86 *x)
{
	uint8_t op = x->opcode[0];

	return (x->prefix[0] == X86_PREFIX_REP ||
		x->prefix[0] == X86_PREFIX_REPNE) &&
	       ((op >= 0x6c && op <= 0x6f) || (op >= 0xa4 && op <= 0xa7) ||
		(op >= 0xaa && op <= 0xaf));
}

static bool trap_only(csh cs, const cs_insn *in)
{
	switch (in->id) {
	case X86_INS_SYSCALL: case X86_INS_SYSENTER: case X86_INS_SYSEXIT:
	case X86_INS_SYSRET: case X86_INS_UD0: case X86_INS_UD2:
	case X86_INS_UD2B: case X86_INS_HLT: case X86_INS_INT:
	case X86_INS_INT1: case X86_INS_INT3: case X86_INS_INTO:
	case X86_INS_IRET: case X86_INS_IRETD: case X86_INS_IRETQ:
	case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RETF:
	case X86_INS_RETFQ: case X86_INS_XBEGIN: case X86_INS_XABORT:
	case X86_INS_VMCALL: case X86_INS_VMMCALL: case X86_INS_ENCLS:
	case X86_INS_ENCLU:
	/* memory they reach that no operand shows */
	case X86_INS_XLATB: case X86_INS_MASKMOVQ: case X86_INS_MASKMOVDQU:
	case X86_INS_VMASKMOVDQU:
		return true;
	default:
		return cs_insn_group(cs, in, CS_GRP_INT) ||
		       cs_insn_group(cs, in, CS_GRP_IRET) ||
		       cs_insn_group(cs, in, CS_GRP_PRIVILEGE);
	}
}

/* Instructions whose memory operand reaches further than its size
 * says (capstone gives 8 or 4): the FPU and XSAVE areas. */
static bool wide(unsigned int id)
{
	switch (id) {
	case X86_INS_FXSAVE: case X86_INS_FXSAVE64: case X86_INS_FXRSTOR:
	case X86_INS_FXRSTOR64: case X86_INS_XSAVE: case X86_INS_XSAVE64:
	case X86_INS_XSAVEC: case X86_INS_XSAVEC64: case X86_INS_XSAVEOPT:
	case X86_INS_XSAVEOPT64: case X86_INS_XSAVES: case X86_INS_XSAVES64:
	case X86_INS_XRSTOR: case X86_INS_XRSTOR64: case X86_INS_XRSTORS:
	case X86_INS_XRSTORS64: case X86_INS_FNSAVE: case X86_INS_FRSTOR:
	case X86_INS_FNSTENV: case X86_INS_FLDENV:
		return true;
	default:
		return false;
	}
}

/* The branches that go to their target or on: jcc, jrcxz, loop. */
static bool conditional(unsigned int id)
{
	switch (id) {
	case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB:
	case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
	case X86_INS_JE: case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE:
	case X86_INS_JL: case X86_INS_JNE: case X86_INS_JNO: case X86_INS_JNP:
	case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP: case X86_INS_JS:
	case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
		return true;
	default:
		return false;
	}
}

/* Decode the instruction at addr (code: n bytes of it) into e. */
static void decode(struct ss_state *s, uint64_t addr, const uint8_t *code,
		   size_t n, struct ss_entry *e)
{
	cs_insn *in = NULL;
	const cs_x86 *x;
	int i;

	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->kind = SS_TRAP;
	if (cs_disasm(s->cs, code, n, addr, 1, &in) != 1)
		return;
	e->len = (uint8_t)in->size;
	memcpy(e->bytes, code, in->size);
	x = &in->detail->x86;
	/* 32-bit addresses: capstone and the CPU extend them differently */
	if (trap_only(s->cs, in) || rep_string(x) ||
	    x->addr_size != 8)
		goto out;
	for (i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];

		if (op->type != X86_OP_MEM || in->id == X86_INS_LEA ||
		    in->id == X86_INS_NOP)
			continue;
		if (e->nmem == SS_MAX_MEM)
			goto out;
		e->mem[e->nmem++] = (struct ss_mem){
			.seg = op->mem.segment, .base = op->mem.base,
			.index = op->mem.index, .scale = op->mem.scale,
			.disp = op->mem.disp,
			.size = !op->size || wide(in->id) ? SS_WIDE : op->size,
		};
	}
	if (!cs_insn_group(s->cs, in, CS_GRP_JUMP) &&
	    !cs_insn_group(s->cs, in, CS_GRP_CALL) &&
	    !cs_insn_group(s->cs, in, CS_GRP_RET) &&
	    !cs_insn_group(s->cs, in, CS_GRP_BRANCH_RELATIVE)) {
		e->kind = SS_NEXT;
	} else if (x->prefix[2] == 0x66) {
		/* a 16-bit branch: Intel ignores the prefix, capstone
		 * decodes it (AMD's way), and their lengths differ */
	} else if (in->id == X86_INS_RET) {
		e->kind = SS_RET;
	} else if (x->op_count == 1 &&
		   (in->id == X86_INS_JMP || in->id == X86_INS_CALL)) {
		const cs_x86_op *op = &x->operands[0];

		if (op->type == X86_OP_IMM) {
			e->imm = (uint64_t)op->imm;
			e->kind = SS_DIRECT;
		} else if (op->type == X86_OP_REG) {
			e->reg = op->reg;
			e->kind = SS_REG;
		} else if (op->type == X86_OP_MEM && e->nmem == 1) {
			e->kind = SS_MEM;
		}
	} else if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
		   conditional(in->id)) {
		e->imm = (uint64_t)x->operands[0].imm;
		e->kind = SS_BRANCH;
	}
	/* any other transfer (far ones, and what capstone may add): the
	 * trap flag */
out:
	cs_free(in, 1);
}

/* A 64-bit register's value (rip: the next instruction's address). */
static bool reg64(const struct user_regs_struct *r, x86_reg reg,
		  uint64_t next, uint64_t *v)
{
	switch (reg) {
	case X86_REG_INVALID: *v = 0; return true;
	case X86_REG_RIP: *v = next; return true;
	case X86_REG_RAX: *v = r->rax; return true;
	case X86_REG_RBX: *v = r->rbx; return true;
	case X86_REG_RCX: *v = r->rcx; return true;
	case X86_REG_RDX: *v = r->rdx; return true;
	case X86_REG_RSI: *v = r->rsi; return true;
	case X86_REG_RDI: *v = r->rdi; return true;
	case X86_REG_RBP: *v = r->rbp; return true;
	case X86_REG_RSP: *v = r->rsp; return true;
	case X86_REG_R8: *v = r->r8; return true;
	case X86_REG_R9: *v = r->r9; return true;
	case X86_REG_R10: *v = r->r10; return true;
	case X86_REG_R11: *v = r->r11; return true;
	case X86_REG_R12: *v = r->r12; return true;
	case X86_REG_R13: *v = r->r13; return true;
	case X86_REG_R14: *v = r->r14; return true;
	case X86_REG_R15: *v = r->r15; return true;
	default: return false;
	}
}

/* The address a memory operand reaches. */
static bool mem_addr(const struct user_regs_struct *r, const struct ss_mem *m,
		     uint64_t next, uint64_t *ea)
{
	uint64_t base, index;

	if (!reg64(r, m->base, next, &base) || !reg64(r, m->index, next, &index))
		return false;
	*ea = base + index * (uint64_t)m->scale + (uint64_t)m->disp;
	if (m->seg == X86_REG_FS)
		*ea += r->fs_base;
	else if (m->seg == X86_REG_GS)
		*ea += r->gs_base;
	else if (m->seg != X86_REG_INVALID && m->seg != X86_REG_CS &&
		 m->seg != X86_REG_DS && m->seg != X86_REG_ES &&
		 m->seg != X86_REG_SS)
		return false;
	return true;
}

static struct ss_state *ss_get(struct tracer *t)
{
	if (!t->ss) {
		t->ss = xcalloc(1, sizeof(*t->ss));
		if (cs_open(CS_ARCH_X86, CS_MODE_64, &t->ss->cs) == CS_ERR_OK) {
			cs_option(t->ss->cs, CS_OPT_DETAIL, CS_OPT_ON);
			t->ss->cs_open = true;
		}
	}
	return t->ss->cs_open ? t->ss : NULL;
}

int ss_next(struct tracer *t, const struct user_regs_struct *r,
	    const uint8_t *code, size_t n, uint64_t to[2])
{
	struct ss_state *s = ss_get(t);
	struct ss_entry *e;
	uint64_t next, v;
	int nto = 0, i, j;

	/* 64-bit code only (a compatibility-mode segment decodes
	 * otherwise) */
	if (!s || !n || r->cs != 0x33)
		return 0;
	e = &s->slot[(r->rip ^ r->rip >> 10) % SS_SLOTS];
	if (e->addr != r->rip || !e->len || e->len > n ||
	    memcmp(e->bytes, code, e->len))
		decode(s, r->rip, code, n, e);
	next = r->rip + e->len;
	switch (e->kind) {
	case SS_NEXT:
		to[nto++] = next;
		break;
	case SS_BRANCH:
		to[nto++] = next;
		to[nto++] = e->imm;
		break;
	case SS_DIRECT:
		to[nto++] = e->imm;
		break;
	case SS_REG:
		if (!reg64(r, e->reg, next, &to[nto++]))
			return 0;
		break;
	case SS_MEM:
		if (!mem_addr(r, &e->mem[0], next, &v) ||
		    tracer_raw_read(t, v, &to[nto++], 8) != 8)
			return 0;
		break;
	case SS_RET:
		if (tracer_raw_read(t, r->rsp, &to[nto++], 8) != 8)
			return 0;
		break;
	default:
		return 0;
	}
	if (nto == 2 && to[0] == to[1])
		nto = 1;
	for (i = 0; i < nto; i++) {
		/* an int3 inside the instruction itself would change it */
		if (to[i] >= r->rip && to[i] < next)
			return 0;
		for (j = 0; j < e->nmem; j++) {
			if (!mem_addr(r, &e->mem[j], next, &v))
				return 0;
			if (to[i] >= v && to[i] - v < e->mem[j].size)
				return 0;
		}
	}
	return nto;
}

void ss_free(struct tracer *t)
{
	if (!t->ss)
		return;
	if (t->ss->cs_open)
		cs_close(&t->ss->cs);
	free(t->ss);
	t->ss = NULL;
}
