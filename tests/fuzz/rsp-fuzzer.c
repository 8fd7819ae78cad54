/*
 * tests/fuzz/rsp-fuzzer.c - libFuzzer target for the RSP packet layer:
 * arbitrary bytes from a "debugger" into rsp_feed(), against a small
 * fixture target.  Build and run: make fuzz (clang, libFuzzer).
 */
#include <errno.h>
#include <string.h>

#include "../../gdbstub/rsp.h"

static uint8_t mem[4096];
static struct rsp_regs regs;

static int get_regs(void *a, long t, struct rsp_regs *r, bool fp)
{ (void)a; (void)t; (void)fp; *r = regs; return 0; }
static int set_regs(void *a, long t, const struct rsp_regs *r)
{ (void)a; (void)t; regs = *r; return 0; }
static ssize_t rd(void *a, uint64_t addr, void *b, size_t n)
{
	(void)a;
	if (addr >= sizeof(mem))
		return -EFAULT;
	if (n > sizeof(mem) - addr)
		n = sizeof(mem) - addr;
	memcpy(b, mem + addr, n);
	return (ssize_t)n;
}
static ssize_t wr(void *a, uint64_t addr, const void *b, size_t n)
{
	(void)a;
	if (addr >= sizeof(mem) || n > sizeof(mem) - addr)
		return -EFAULT;
	memcpy(mem + addr, b, n);
	return (ssize_t)n;
}
static int point(void *a, enum rsp_point t, uint64_t addr, int k)
{ (void)a; (void)t; (void)addr; (void)k; return 0; }
static int resume(void *a, const struct rsp_resume *r, int n)
{ (void)a; (void)r; (void)n; return 0; }
static void intr(void *a) { (void)a; }
static int threads(void *a, long *t, int max)
{ (void)a; if (t && max > 0) t[0] = 1; return 1; }
static const char *exe(void *a) { (void)a; return "/linux"; }
static int mon(void *a, const char *c, struct strbuf *o)
{ (void)a; strbuf_addf(o, "%s\n", c); return 0; }
static void nop(void *a) { (void)a; }

/* By name: the table grew, and positional entries had drifted onto
 * the wrong members (a NULL kill, the monitor as libraries). */
static const struct rsp_target_ops ops = {
	.get_regs = get_regs, .set_regs = set_regs, .read_mem = rd,
	.write_mem = wr, .insert_point = point, .remove_point = point,
	.resume = resume, .interrupt = intr, .threads = threads,
	.exec_file = exe, .monitor = mon, .kill = nop, .detach = nop,
};

static void sink(void *a, const void *b, size_t n) { (void)a; (void)b; (void)n; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rsp *r = rsp_new(&ops, NULL, sink, NULL);
	struct rsp_stop st = { .kind = RSP_STOP_SIGNAL, .signo = 5, .tid = 1 };
	size_t half = size / 2;

	/* Feed in two pieces, with a stop in between, to cross states. */
	rsp_feed(r, data, half);
	if (rsp_is_running(r))
		rsp_notify_stop(r, &st);
	rsp_feed(r, data + half, size - half);
	rsp_free(r);
	return 0;
}
