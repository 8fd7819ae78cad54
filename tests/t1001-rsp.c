/*
 * t1001-rsp: the RSP stub fed canned packets, with a fixture target (a
 * byte array for memory, a register set, a thread list).  Checks framing,
 * acks and no-ack mode, '-' resends, escapes, the packet table's answers,
 * interrupts while running, and that garbage never stops the stub.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../gdbstub/rsp.h"
#include "tap.h"

struct fixture {
	uint8_t mem[256];	/* at address 0x1000 */
	struct rsp_regs regs;
	int interrupts, resumes, detaches;
	struct rsp_resume last[4];
	int nlast;
	struct strbuf out;	/* everything the stub wrote */
	enum rsp_point last_point;
	uint64_t last_point_addr;
};

static int f_get_regs(void *arg, long tid, struct rsp_regs *r, bool fp)
{
	struct fixture *f = arg;

	(void)tid;
	(void)fp;
	*r = f->regs;
	return 0;
}

static int f_set_regs(void *arg, long tid, const struct rsp_regs *r)
{
	struct fixture *f = arg;

	(void)tid;
	f->regs = *r;
	return 0;
}

static ssize_t f_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct fixture *f = arg;

	if (addr < 0x1000 || addr >= 0x1100)
		return -EFAULT;
	if (addr + len > 0x1100)
		len = 0x1100 - addr;
	memcpy(buf, f->mem + (addr - 0x1000), len);
	return (ssize_t)len;
}

static ssize_t f_write(void *arg, uint64_t addr, const void *buf, size_t len)
{
	struct fixture *f = arg;

	if (addr < 0x1000 || addr + len > 0x1100)
		return -EFAULT;
	memcpy(f->mem + (addr - 0x1000), buf, len);
	return (ssize_t)len;
}

static int f_insert(void *arg, enum rsp_point type, uint64_t addr, int kind)
{
	struct fixture *f = arg;

	(void)kind;
	f->last_point = type;
	f->last_point_addr = addr;
	return type == RSP_READ_WATCH ? -EOPNOTSUPP : 0;
}

static int f_resume(void *arg, const struct rsp_resume *a, int n)
{
	struct fixture *f = arg;

	f->resumes++;
	f->nlast = n > 4 ? 4 : n;
	memcpy(f->last, a, f->nlast * sizeof(*a));
	return 0;
}

static void f_interrupt(void *arg)
{
	((struct fixture *)arg)->interrupts++;
}

static int f_threads(void *arg, long *tids, int max)
{
	(void)arg;
	if (tids && max >= 1)
		tids[0] = 0x100;
	if (tids && max >= 2)
		tids[1] = 0x101;
	return 2;
}

static const char *f_exec(void *arg)
{
	(void)arg;
	return "/boot/linux";
}

static int f_monitor(void *arg, const char *cmd, struct strbuf *out)
{
	(void)arg;
	strbuf_addf(out, "you said: %s\n", cmd);
	return 0;
}

static void f_kill(void *arg)
{
	(void)arg;
}

static void f_detach(void *arg)
{
	((struct fixture *)arg)->detaches++;
}

static const struct rsp_target_ops ops = {
	.get_regs = f_get_regs, .set_regs = f_set_regs,
	.read_mem = f_read, .write_mem = f_write,
	.insert_point = f_insert, .remove_point = f_insert,
	.resume = f_resume, .interrupt = f_interrupt,
	.threads = f_threads, .exec_file = f_exec, .monitor = f_monitor,
	.kill = f_kill, .detach = f_detach,
};

static void out_write(void *arg, const void *buf, size_t len)
{
	strbuf_add(&((struct fixture *)arg)->out, buf, len);
}

/* Send a framed packet; return what the stub wrote in answer. */
static const char *xchg(struct rsp *r, struct fixture *f, const char *payload)
{
	char tail[4];
	uint8_t sum = 0;
	size_t i;

	for (i = 0; payload[i]; i++)
		sum += (uint8_t)payload[i];
	strbuf_reset(&f->out);
	rsp_feed(r, "$", 1);
	rsp_feed(r, payload, strlen(payload));
	snprintf(tail, sizeof(tail), "#%02x", sum);
	rsp_feed(r, tail, 3);
	return f->out.buf ? f->out.buf : "";
}

/* The framed form of a payload ("+" first when acked). */
static const char *pk(const char *payload, bool ack)
{
	static char buf[4][512];
	static int slot;
	uint8_t sum = 0;
	size_t i;
	char *b = buf[slot++ % 4];

	for (i = 0; payload[i]; i++)
		sum += (uint8_t)payload[i];
	snprintf(b, 512, "%s$%s#%02x", ack ? "+" : "", payload, sum);
	return b;
}

int main(void)
{
	struct fixture f = { 0 };
	struct rsp *r;
	const char *o;
	int i;

	plan(35);
	for (i = 0; i < 256; i++)
		f.mem[i] = (uint8_t)i;
	f.regs.gpr[16] = 0x60001234;
	strbuf_init(&f.out);
	r = rsp_new(&ops, &f, out_write, &f);

	o = xchg(r, &f, "qSupported:swbreak+");
	ok(!strncmp(o, "+$PacketSize=40000;", 19), "qSupported acked, large PacketSize (%s)", o);
	o = xchg(r, &f, "?");
	ok(!strncmp(o, "+$T05thread:100;", 16) &&
	   strstr(o, ";10:3412006000000000;11:00000000;#"),
	   "? answers a stop with the first thread, rip and eflags expedited");
	o = xchg(r, &f, "m1000,4");
	is_str(o, pk("00010203", true), "m reads memory as hex");
	o = xchg(r, &f, "m0,4");
	is_str(o, pk("E0e", true), "m of an unmapped address: E + errno");
	o = xchg(r, &f, "m1000,0");
	is_str(o, pk("", true), "m of no bytes: an empty reply (the fuzzer's "
	       "crash, tests/fuzz/regress/rsp/read-zero-bytes)");
	o = xchg(r, &f, "mZZ,4");
	is_str(o, pk("E16", true), "bad hex in m: E22 (EINVAL)");
	o = xchg(r, &f, "M1004,2:abcd");
	ok(!strcmp(o, pk("OK", true)) && f.mem[4] == 0xab && f.mem[5] == 0xcd,
	   "M writes memory");
	/* X with escapes: 0x7d 0x5d -> '}', 0x7d 0x03 -> '#' */
	{
		const char pkt[] = "X1008,3:a}]}\x03";
		uint8_t sum = 0;
		char tail[4];

		for (i = 0; pkt[i]; i++)
			sum += (uint8_t)pkt[i];
		strbuf_reset(&f.out);
		rsp_feed(r, "$", 1);
		rsp_feed(r, pkt, strlen(pkt));
		snprintf(tail, sizeof(tail), "#%02x", sum);
		rsp_feed(r, tail, 3);
		ok(!strcmp(f.out.buf, pk("OK", true)) && f.mem[8] == 'a' &&
		   f.mem[9] == '}' && f.mem[10] == '#',
		   "X unescapes binary data");
	}
	o = xchg(r, &f, "g");
	is_int(strlen(o), 2 + 560 * 2 + 3, "g sends all 560 bytes of the amd64 tdesc layout");
	ok(strstr(o, "3412006000000000") != NULL, "rip is register 16, little-endian");
	o = xchg(r, &f, "p10");
	is_str(o, pk("3412006000000000", true), "p reads one register");
	o = xchg(r, &f, "p99");
	is_str(o, pk("", true), "p of a register we lack: empty (unsupported)");
	o = xchg(r, &f, "P0=efbeadde00000000");
	ok(!strcmp(o, pk("OK", true)) && f.regs.gpr[0] == 0xdeadbeef, "P writes rax");
	o = xchg(r, &f, "qXfer:features:read:target.xml:0,40");
	ok(!strncmp(o, "+$m<?xml", 8), "qXfer features: first chunk with 'm'");
	o = xchg(r, &f, "qXfer:features:read:target.xml:0,100000");
	ok(strstr(o, "org.gnu.gdb.i386.linux") && strstr(o, "+$l<?xml"),
	   "qXfer features: whole document with 'l'");
	o = xchg(r, &f, "qXfer:features:read:other.xml:0,10");
	ok(o[2] == 'E', "qXfer of an unknown annex: error");
	o = xchg(r, &f, "qXfer:exec-file:read::0,100");
	is_str(o, pk("l/boot/linux", true), "qXfer exec-file names the kernel");
	o = xchg(r, &f, "qfThreadInfo");
	is_str(o, pk("m100,101", true), "qfThreadInfo lists threads");
	o = xchg(r, &f, "qsThreadInfo");
	is_str(o, pk("l", true), "qsThreadInfo ends the list");
	o = xchg(r, &f, "qXfer:threads:read::0,1000");
	ok(strstr(o, "<thread id=\"101\"") != NULL, "qXfer threads");
	o = xchg(r, &f, "qRcmd,6869");	/* "hi" */
	ok(strstr(o, "$O796f7520736169643a2068690a#") && strstr(o, pk("OK", false)),
	   "qRcmd: output as O packets, then OK");
	o = xchg(r, &f, "Z2,1010,8");
	ok(!strcmp(o, pk("OK", true)) && f.last_point == RSP_WRITE_WATCH &&
	   f.last_point_addr == 0x1010, "Z2 sets a write watchpoint");
	o = xchg(r, &f, "Z3,1010,8");
	is_str(o, pk("", true), "an unsupported point type: empty reply");
	o = xchg(r, &f, "vCont?");
	is_str(o, pk("vCont;c;C;s;S;t", true), "vCont? lists actions");
	o = xchg(r, &f, "qNoSuchThing");
	is_str(o, pk("", true), "unknown packets: empty reply");

	/* Bad checksum: '-' and no action; then a resend request. */
	strbuf_reset(&f.out);
	rsp_feed(r, "$g#00", 5);	/* the right sum is 67 */
	is_str(f.out.buf, "-", "bad checksum: -");
	o = xchg(r, &f, "m1000,1");
	strbuf_reset(&f.out);
	rsp_feed(r, "-", 1);
	is_str(f.out.buf, pk("00", false), "- resends the last packet");
	strbuf_reset(&f.out);
	rsp_feed(r, "$g#zz", 5);
	is_str(f.out.buf, "-", "non-hex checksum: -");

	/* Resume, interrupt while running, stop reply. */
	o = xchg(r, &f, "vCont;s:101;c");
	ok(f.resumes == 1 && f.nlast == 2 && f.last[0].kind == RSP_STEP &&
	   f.last[0].tid == 0x101 && f.last[1].kind == RSP_CONTINUE &&
	   f.last[1].tid == -1, "vCont parses per-thread actions");
	ok(rsp_is_running(r), "the stub knows the target runs");
	rsp_feed(r, "\x03", 1);
	is_int(f.interrupts, 1, "0x03 while running interrupts");
	strbuf_reset(&f.out);
	rsp_notify_stop(r, &(struct rsp_stop){ .kind = RSP_STOP_SIGNAL,
		.signo = SIGTRAP, .tid = 0x101,
		.reason = RSP_REASON_WATCH, .addr = 0x1010 });
	ok(!strncmp(f.out.buf, "$T05thread:101;00:efbeadde00000000;", 35) &&
	   strstr(f.out.buf, ";watch:1010;#"),
	   "a watchpoint stop names its address (%.40s)", f.out.buf);

	/* No-ack mode, then an overlong packet does not kill the stub. */
	o = xchg(r, &f, "QStartNoAckMode");
	is_str(o, pk("OK", true), "QStartNoAckMode acked in ack mode");
	{
		char *big = xmalloc(RSP_MAX_PACKET + 10);

		memset(big, 'x', RSP_MAX_PACKET + 9);
		big[RSP_MAX_PACKET + 9] = '\0';
		o = xchg(r, &f, big);
		ok(o[0] == '$' && o[1] == 'E', "overlong packet: an error reply, no ack (%.8s)", o);
		free(big);
	}
	o = xchg(r, &f, "m1000,2");
	is_str(o, pk("0001", false), "still serving, without acks");
	rsp_free(r);
	strbuf_release(&f.out);
	return done_testing();
}
