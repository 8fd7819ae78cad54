/*
 * kmodel/unwind.c - kernel stack unwinding with libdwfl.
 *
 * Implements Dwfl_Thread_Callbacks over one synthetic thread whose
 * initial registers are whatever the caller passes to kmodel_backtrace()
 * (the live registers of the kernel process, or later a sleeping task's
 * switch_buf).  Memory comes through struct kmodel_mem.  libdwfl uses CFI
 * where the kernel has it and falls back to frame pointers
 * (CONFIG_FRAME_POINTER) elsewhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define UNWIND_TID 1

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	if (*thread_argp)
		return 0;
	*thread_argp = arg;
	return UNWIND_TID;
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg,
			  void **thread_argp)
{
	(void)dwfl;
	if (tid != UNWIND_TID)
		return false;
	*thread_argp = arg;
	return true;
}

static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			   void *arg)
{
	struct kmodel *k = arg;
	uint64_t v;

	(void)dwfl;
	if (kmodel_read_u64(k, addr, &v) < 0)
		return false;
	*result = v;
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct kmodel *k = thread_arg;

	return dwfl_thread_state_registers(thread, 0, KMODEL_NREGS,
					   k->unwind_regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

struct collect {
	struct kmodel_frame *frames;
	int max, n;
};

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct collect *c = arg;
	struct kmodel_frame *f;
	Dwarf_Addr pc;
	bool activation;
	unsigned i;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	if (c->n && pc == 0)
		return DWARF_CB_ABORT;
	f = &c->frames[c->n];
	f->pc = pc;
	f->call_site = !activation;
	f->known = 0;
	for (i = 0; i < KMODEL_NREGS - 1; i++) {
		Dwarf_Word v;

		if (dwfl_frame_reg(state, i, &v) == 0) {
			f->regs[i] = v;
			f->known |= 1u << i;
		}
	}
	f->regs[KMODEL_NREGS - 1] = pc;		/* rip */
	f->known |= 1u << (KMODEL_NREGS - 1);
	c->n++;
	return c->n < c->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/*
 * Module code has no CFI we know of, and at a function's first
 * instruction the frame-pointer fallback would skip the caller (rbp is
 * not pushed yet).  There the return address is at [rsp]: emit the frame
 * and continue from the caller.
 */
static bool module_entry(struct kmodel *k, uint64_t regs[KMODEL_NREGS],
			 struct kmodel_frame *frame)
{
	uint64_t ret, off = 1;
	char *func = NULL, *mod = NULL;

	if (dwfl_addrmodule(k->dwfl, regs[16]) ||
	    kmodel_module_where(k, regs[16], &func, &off, &mod) < 0)
		return false;
	free(func);
	free(mod);
	if (off != 0 || kmodel_read_u64(k, regs[7], &ret) < 0)
		return false;
	frame->pc = regs[16];
	frame->call_site = false;
	memcpy(frame->regs, regs, sizeof(frame->regs));
	frame->known = (1u << KMODEL_NREGS) - 1;
	regs[16] = ret;
	regs[7] += 8;
	return true;
}

int kmodel_backtrace(struct kmodel *k, const uint64_t regs_in[KMODEL_NREGS],
		     struct kmodel_frame *frames, int max, char **cause)
{
	struct collect c = { frames, max, 0 };
	uint64_t regs[KMODEL_NREGS];
	bool entry;
	Elf *elf;
	GElf_Addr bias;

	if (max <= 0)
		return 0;
	memcpy(regs, regs_in, sizeof(regs));
	entry = max > 1 && module_entry(k, regs, &frames[0]);
	if (entry) {
		c.frames++;
		c.max--;
	}
	if (!k->attached) {
		elf = dwfl_module_getelf(k->mod, &bias);
		if (!elf || !dwfl_attach_state(k->dwfl, elf, UNWIND_TID,
					       &thread_callbacks, k))
			return set_cause(cause, -EIO, "dwfl_attach_state: %s",
					 dwfl_errmsg(-1));
		k->attached = true;
	}
	memcpy(k->unwind_regs, regs, sizeof(k->unwind_regs));
	/* Ends with an error at the outermost frame: that is normal. */
	dwfl_getthread_frames(k->dwfl, UNWIND_TID, frame_cb, &c);
	if (c.n == 0) {
		c.frames[0].pc = regs[16];
		c.frames[0].call_site = false;
		memcpy(c.frames[0].regs, regs, sizeof(c.frames[0].regs));
		c.frames[0].known = (1u << KMODEL_NREGS) - 1;
		c.n = 1;
	}
	if (entry)
		c.frames[0].call_site = true;	/* a return address */
	return c.n + entry;
}
