/*
 * gdbstub/rsp.c - RSP framing and the packet table.
 *
 * Owns one connection's protocol state: the frame parser (fed a byte at
 * a time), ack/no-ack mode, the last packet sent (for '-' resends), the
 * selected threads and whether the target runs on our behalf.
 * Invariants: exactly one stop reply follows each resume; unknown packets
 * get the empty reply; a malformed packet gets an error reply (E22) and
 * the connection keeps serving.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum parse_state { P_IDLE, P_DATA, P_CSUM1, P_CSUM2 };

struct rsp {
	const struct rsp_target_ops *ops;
	void *arg;
	rsp_write_fn write;
	void *wr_arg;

	enum parse_state state;
	char *buf;		/* payload being received (raw, escaped) */
	size_t len;
	bool overflow;
	uint8_t csum, got_csum;
	bool csum_bad;		/* a checksum digit was not hex */

	bool noack;
	struct strbuf last;	/* last framed packet, for '-' */
	bool running;
	bool done;
	long g_tid;		/* Hg: thread for registers and memory */
	struct rsp_stop stop;	/* the last stop, for '?' */
	bool have_stop;
	bool reverse;		/* bc/bs allowed (a replay) */
	bool error_text;	/* gdb takes "E.reason" (error-message+) */
	bool x_bare;		/* x replies without the 'b' (old lldb) */
	long *tids;		/* thread list snapshot for qf/qsThreadInfo */
	int ntids, tid_pos;
};

struct rsp *rsp_new(const struct rsp_target_ops *ops, void *arg,
		    rsp_write_fn write, void *wr_arg)
{
	struct rsp *r = xcalloc(1, sizeof(*r));

	r->ops = ops;
	r->arg = arg;
	r->write = write;
	r->wr_arg = wr_arg;
	r->buf = xmalloc(RSP_MAX_PACKET + 1);
	strbuf_init(&r->last);
	return r;
}

void rsp_free(struct rsp *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->tids);
	strbuf_release(&r->last);
	free(r);
}

bool rsp_is_running(const struct rsp *r)
{
	return r->running;
}

bool rsp_is_done(const struct rsp *r)
{
	return r->done;
}

/* ---- output ------------------------------------------------------------ */

static const char hexdig[] = "0123456789abcdef";

/* Frame and send a payload; `binary` escapes '#', '$', '}' and '*'. */
static void send_packet(struct rsp *r, const char *data, size_t len,
			bool binary)
{
	uint8_t sum = 0;
	size_t i, o;
	char *out;

	/* Worst case every byte escaped, plus "$#xx". */
	strbuf_reset(&r->last);
	strbuf_add(&r->last, "$", 1);
	strbuf_grow_to(&r->last, 2 * len + 4);
	out = r->last.buf;
	o = 1;
	for (i = 0; i < len; i++) {
		char c = data[i];

		if (binary && (c == '#' || c == '$' || c == '}' || c == '*')) {
			out[o++] = '}';
			c ^= 0x20;
			sum += (uint8_t)'}';
		}
		out[o++] = c;
		sum += (uint8_t)c;
	}
	out[o++] = '#';
	out[o++] = hexdig[sum >> 4];
	out[o++] = hexdig[sum & 15];
	out[o] = '\0';
	r->last.len = o;
	LOG("rsp", "<- %.*s", (int)(o > 200 ? 200 : o), out);
	r->write(r->wr_arg, out, o);
}

static void reply(struct rsp *r, const char *s)
{
	send_packet(r, s, strlen(s), false);
}

static void reply_sb(struct rsp *r, struct strbuf *sb)
{
	send_packet(r, sb->buf ? sb->buf : "", sb->len, false);
}

/* An error: "E.reason" where gdb said it takes one (qSupported's
 * error-message+), else "Enn" (errno, as gdbserver). */
static void reply_err(struct rsp *r, int err)
{
	char buf[160];

	err = err < 0 ? -err : err;
	if (r->error_text && err == EROFS)
		snprintf(buf, sizeof(buf), "E.a replay is read-only: its "
			 "memory and registers are the recording's");
	else if (r->error_text)
		snprintf(buf, sizeof(buf), "E.%s", errstr(err));
	else
		snprintf(buf, sizeof(buf), "E%02x", err & 0xff);
	reply(r, buf);
}

static void add_hex(struct strbuf *sb, const void *data, size_t len)
{
	const uint8_t *p = data;
	char *o;
	size_t i;

	strbuf_grow_to(sb, sb->len + 2 * len);
	o = sb->buf + sb->len;
	for (i = 0; i < len; i++) {
		*o++ = hexdig[p[i] >> 4];
		*o++ = hexdig[p[i] & 15];
	}
	*o = '\0';
	sb->len += 2 * len;
}

/* ---- input helpers ------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex digits up to a delimiter; *end past them.  -1 on no digits. */
static int parse_hex(const char *s, const char **end, uint64_t *v)
{
	int n = 0, d;

	*v = 0;
	while ((d = hexval(s[n])) >= 0) {
		if (n == 16)
			return -1;
		*v = (*v << 4) | (uint64_t)d;
		n++;
	}
	*end = s + n;
	return n ? 0 : -1;
}

/* Decode exactly len bytes of hex; -1 on bad hex. */
static int unhex(const char *s, size_t slen, void *out, size_t len)
{
	uint8_t *p = out;
	size_t i;

	if (slen < 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Thread id: hex, "-1" (all) or "0" (any). */
static int parse_tid(const char *s, const char **end, long *tid)
{
	uint64_t v;

	if (s[0] == '-' && s[1] == '1') {
		*tid = -1;
		*end = s + 2;
		return 0;
	}
	if (parse_hex(s, end, &v) < 0)
		return -1;
	*tid = (long)v;
	return 0;
}

static long cur_tid(struct rsp *r)
{
	return r->g_tid > 0 ? r->g_tid : (r->have_stop ? r->stop.tid : 0);
}

/* ---- stop replies ------------------------------------------------------- */

static void send_stop(struct rsp *r, const struct rsp_stop *s)
{
	static const char *const reasons[] = {
		[RSP_REASON_SWBREAK] = "swbreak:;",
		[RSP_REASON_HWBREAK] = "hwbreak:;",
		[RSP_REASON_WATCH] = "watch",
		[RSP_REASON_RWATCH] = "rwatch",
		[RSP_REASON_AWATCH] = "awatch",
		[RSP_REASON_REPLAY_BEGIN] = "replaylog:begin;",
	};
	struct rsp_regs regs;
	struct strbuf sb;

	strbuf_init(&sb);
	switch (s->kind) {
	case RSP_STOP_EXITED:
		strbuf_addf(&sb, "W%02x", s->status & 0xff);
		break;
	case RSP_STOP_KILLED:
		strbuf_addf(&sb, "X%02x", rsp_signal_to_gdb(s->signo) & 0xff);
		break;
	case RSP_STOP_SIGNAL:
		strbuf_addf(&sb, "T%02xthread:%lx;",
			    rsp_signal_to_gdb(s->signo) & 0xff, s->tid);
		/* Expedite the general registers and eflags: gdb then needs
		 * no `g` round trip after most stops (stepi). */
		if (r->ops->get_regs(r->arg, s->tid, &regs, false) == 0) {
			int i;

			for (i = 0; i <= RSP_NGPR; i++) {
				void *slot;
				int size = rsp_reg_slot(&regs, i, &slot);

				strbuf_addf(&sb, "%02x:", i);
				add_hex(&sb, slot, size);
				strbuf_add(&sb, ";", 1);
			}
		}
		if (s->reason == RSP_REASON_SWBREAK ||
		    s->reason == RSP_REASON_HWBREAK ||
		    s->reason == RSP_REASON_REPLAY_BEGIN)
			strbuf_addf(&sb, "%s", reasons[s->reason]);
		else if (s->reason != RSP_REASON_NONE)
			strbuf_addf(&sb, "%s:%llx;", reasons[s->reason],
				    (unsigned long long)s->addr);
		break;
	}
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

void rsp_set_stopped(struct rsp *r, const struct rsp_stop *s)
{
	r->stop = *s;
	r->have_stop = true;
	r->running = false;
}

void rsp_notify_stop(struct rsp *r, const struct rsp_stop *s)
{
	rsp_set_stopped(r, s);
	r->g_tid = 0;
	send_stop(r, s);
}

/* ---- packet handlers ---------------------------------------------------- */

static void h_supported(struct rsp *r, const char *p, size_t n)
{
	char buf[256];

	(void)n;
	r->error_text = strstr(p, "error-message+") != NULL;
	snprintf(buf, sizeof(buf),
		 "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;"
		 "qXfer:threads:read+;qXfer:exec-file:read+;swbreak+;"
		 "hwbreak+;vContSupported+;QPassSignals+;binary-upload+"
		 "%s%s%s",
		 RSP_MAX_PACKET,
		 r->reverse ? ";ReverseStep+;ReverseContinue+" : "",
		 r->ops->libraries ? ";qXfer:libraries:read+" : "",
		 r->ops->auxv ? ";qXfer:auxv:read+" : "");
	reply(r, buf);
}

static void h_noack(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "OK");		/* acknowledged while still in ack mode */
	r->noack = true;
}

static void h_status(struct rsp *r, const char *p, size_t n)
{
	struct rsp_stop s = { .kind = RSP_STOP_SIGNAL, .signo = SIGTRAP };

	(void)p; (void)n;
	if (!r->have_stop) {
		long tid = 0;

		r->ops->threads(r->arg, &tid, 1);
		s.tid = tid;
		rsp_set_stopped(r, &s);
	}
	send_stop(r, &r->stop);
}

static void h_read_regs(struct rsp *r, const char *p, size_t n)
{
	struct rsp_regs regs;
	struct strbuf sb;
	int i, err;

	(void)p; (void)n;
	err = r->ops->get_regs(r->arg, cur_tid(r), &regs, true);
	if (err < 0) {
		reply_err(r, err);
		return;
	}
	strbuf_init(&sb);
	for (i = 0; i < RSP_NREGS; i++) {
		void *slot;
		int size = rsp_reg_slot(&regs, i, &slot);

		add_hex(&sb, slot, size);
	}
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

static void h_write_regs(struct rsp *r, const char *p, size_t n)
{
	struct rsp_regs regs;
	size_t off = 1;
	int i, err;

	err = r->ops->get_regs(r->arg, cur_tid(r), &regs, true);
	if (err < 0) {
		reply_err(r, err);
		return;
	}
	for (i = 0; i < RSP_NREGS && off < n; i++) {
		void *slot;
		int size = rsp_reg_slot(&regs, i, &slot);

		if (unhex(p + off, n - off, slot, size) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		off += 2 * size;
	}
	err = r->ops->set_regs(r->arg, cur_tid(r), &regs);
	if (err < 0)
		reply_err(r, err);
	else
		reply(r, "OK");
}

static void h_read_reg(struct rsp *r, const char *p, size_t n)
{
	struct rsp_regs regs;
	struct strbuf sb;
	const char *end;
	uint64_t regno;
	void *slot;
	int size, err;

	(void)n;
	if (parse_hex(p + 1, &end, &regno) < 0 || *end) {
		reply_err(r, EINVAL);
		return;
	}
	if (regno >= RSP_NREGS) {
		reply(r, "");	/* no such register: unsupported */
		return;
	}
	err = r->ops->get_regs(r->arg, cur_tid(r), &regs, true);
	if (err < 0) {
		reply_err(r, err);
		return;
	}
	size = rsp_reg_slot(&regs, (int)regno, &slot);
	strbuf_init(&sb);
	add_hex(&sb, slot, size);
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

static void h_write_reg(struct rsp *r, const char *p, size_t n)
{
	struct rsp_regs regs;
	const char *end;
	uint64_t regno;
	void *slot;
	int size, err;

	if (parse_hex(p + 1, &end, &regno) < 0 || *end != '=' ||
	    regno >= RSP_NREGS) {
		reply_err(r, EINVAL);
		return;
	}
	err = r->ops->get_regs(r->arg, cur_tid(r), &regs, true);
	if (err < 0) {
		reply_err(r, err);
		return;
	}
	size = rsp_reg_slot(&regs, (int)regno, &slot);
	if (unhex(end + 1, n - (end + 1 - p), slot, size) < 0) {
		reply_err(r, EINVAL);
		return;
	}
	err = r->ops->set_regs(r->arg, cur_tid(r), &regs);
	if (err < 0)
		reply_err(r, err);
	else
		reply(r, "OK");
}

/* "ADDR,LEN" then the delimiter at *end. */
static int parse_addr_len(const char *s, const char **end, uint64_t *addr,
			  uint64_t *len)
{
	if (parse_hex(s, end, addr) < 0 || **end != ',')
		return -1;
	return parse_hex(*end + 1, end, len);
}

/* m's and x's "ADDR,LEN" after the packet's letter, LEN bounded; false
 * when an error was replied. */
static bool parse_read(struct rsp *r, const char *p, uint64_t *addr,
		       uint64_t *len)
{
	const char *end;

	if (parse_addr_len(p + 1, &end, addr, len) < 0 || *end) {
		reply_err(r, EINVAL);
		return false;
	}
	if (*len > RSP_MAX_PACKET / 2)
		*len = RSP_MAX_PACKET / 2;
	return true;
}

/* The memory, into a buffer with `lead` bytes free before it (*got
 * bytes read); NULL when an error was replied. */
static uint8_t *read_block(struct rsp *r, uint64_t addr, uint64_t len,
			   size_t lead, ssize_t *got)
{
	uint8_t *buf = xmalloc(lead + len + 1);

	*got = len ? r->ops->read_mem(r->arg, addr, buf + lead, len) : 0;
	if (*got < 0 || (*got == 0 && len)) {
		free(buf);
		reply_err(r, *got < 0 ? (int)*got : EIO);
		return NULL;
	}
	return buf;
}

static void h_read_mem(struct rsp *r, const char *p, size_t n)
{
	uint64_t addr, len;
	struct strbuf sb;
	uint8_t *buf;
	ssize_t got;

	(void)n;
	if (!parse_read(r, p, &addr, &len) ||
	    !(buf = read_block(r, addr, len, 0, &got)))
		return;
	strbuf_init(&sb);
	add_hex(&sb, buf, got);
	reply_sb(r, &sb);
	strbuf_release(&sb);
	free(buf);
}

/*
 * x ADDR,LEN: the memory as binary data, escaped: about half the bytes
 * of m's hex.  Two dialects.  GDB 16 and newer lldb, told by qSupported's
 * binary-upload+, take it after a 'b'.  lldb before that probes with
 * x0,0, wants "OK" for it, and takes the data bare: a client that
 * probes so gets bare data from then on.
 */
static void h_read_bin(struct rsp *r, const char *p, size_t n)
{
	uint64_t addr, len;
	uint8_t *buf;
	ssize_t got;

	(void)n;
	if (!parse_read(r, p, &addr, &len))
		return;
	if (!addr && !len) {
		r->x_bare = true;
		reply(r, "OK");
		return;
	}
	if (!(buf = read_block(r, addr, len, 1, &got)))
		return;
	buf[0] = 'b';
	if (r->x_bare)
		send_packet(r, (const char *)buf + 1, (size_t)got, true);
	else
		send_packet(r, (const char *)buf, (size_t)got + 1, true);
	free(buf);
}

static void write_mem_reply(struct rsp *r, uint64_t addr, const void *data,
			    uint64_t len)
{
	ssize_t done = len ? r->ops->write_mem(r->arg, addr, data, len) : 0;

	if (done < 0 || (uint64_t)done != len)
		reply_err(r, done < 0 ? (int)done : EIO);
	else
		reply(r, "OK");
}

static void h_write_mem(struct rsp *r, const char *p, size_t n)
{
	uint64_t addr, len;
	const char *end;
	uint8_t *buf;

	if (parse_addr_len(p + 1, &end, &addr, &len) < 0 || *end != ':' ||
	    len > RSP_MAX_PACKET) {
		reply_err(r, EINVAL);
		return;
	}
	buf = xmalloc(len ? len : 1);
	if (unhex(end + 1, n - (end + 1 - p), buf, len) < 0)
		reply_err(r, EINVAL);
	else
		write_mem_reply(r, addr, buf, len);
	free(buf);
}

static void h_write_bin(struct rsp *r, const char *p, size_t n)
{
	uint64_t addr, len, out = 0;
	const char *end, *q;
	uint8_t *buf;

	if (parse_addr_len(p + 1, &end, &addr, &len) < 0 || *end != ':' ||
	    len > RSP_MAX_PACKET) {
		reply_err(r, EINVAL);
		return;
	}
	buf = xmalloc(len ? len : 1);
	for (q = end + 1; q < p + n && out < len; q++) {
		if (*q == '}') {
			if (++q == p + n)
				break;
			buf[out++] = (uint8_t)(*q ^ 0x20);
		} else {
			buf[out++] = (uint8_t)*q;
		}
	}
	if (out != len)
		reply_err(r, EINVAL);
	else
		write_mem_reply(r, addr, buf, len);
	free(buf);
}

static void h_point(struct rsp *r, const char *p, size_t n)
{
	uint64_t type, addr, kind;
	const char *end;
	int err;

	(void)n;
	if (parse_hex(p + 1, &end, &type) < 0 || *end != ',' ||
	    parse_addr_len(end + 1, &end, &addr, &kind) < 0 ||
	    (*end && *end != ';')) {
		reply_err(r, EINVAL);
		return;
	}
	if (type > RSP_ACCESS_WATCH) {
		reply(r, "");
		return;
	}
	if (p[0] == 'Z')
		err = r->ops->insert_point(r->arg, (enum rsp_point)type, addr,
					   (int)kind);
	else
		err = r->ops->remove_point(r->arg, (enum rsp_point)type, addr,
					   (int)kind);
	if (err == -EOPNOTSUPP)
		reply(r, "");
	else if (err < 0)
		reply_err(r, err);
	else
		reply(r, "OK");
}

static void do_resume(struct rsp *r, struct rsp_resume *acts, int n)
{
	int err;

	r->running = true;
	r->have_stop = false;
	err = r->ops->resume(r->arg, acts, n);
	if (err < 0) {
		r->running = false;
		reply_err(r, err);
	}
}

/* c [addr] / s [addr] / C sig [;addr] / S sig [;addr] */
static void h_legacy_resume(struct rsp *r, const char *p, size_t n)
{
	struct rsp_resume a = { p[0] == 'c' || p[0] == 'C' ?
				RSP_CONTINUE : RSP_STEP, -1, 0 };
	const char *end;
	uint64_t sig;

	(void)n;
	if (p[0] == 'C' || p[0] == 'S') {
		if (parse_hex(p + 1, &end, &sig) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		a.signo = rsp_signal_from_gdb((int)sig);
	}
	if (a.kind == RSP_STEP)
		a.tid = cur_tid(r);
	do_resume(r, &a, 1);
}

/* bc / bs: backwards, in a replay (ops->reverse). */
static void h_reverse(struct rsp *r, const char *p, size_t n)
{
	int err;

	(void)n;
	if (!r->reverse || !r->ops->reverse) {
		reply(r, "");
		return;
	}
	r->running = true;
	r->have_stop = false;
	err = r->ops->reverse(r->arg, p[1] == 's');
	if (err < 0) {
		r->running = false;
		reply_err(r, err);
	}
}

void rsp_enable_reverse(struct rsp *r, bool on)
{
	r->reverse = on;
}

static void h_vcont_query(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "vCont;c;C;s;S;t");
}

static void h_vcont(struct rsp *r, const char *p, size_t n)
{
	struct rsp_resume acts[32];
	const char *q = p + 5;	/* after "vCont" */
	int na = 0;
	uint64_t sig;

	(void)n;
	while (*q == ';' && na < (int)ARRAY_SIZE(acts)) {
		struct rsp_resume *a = &acts[na];
		const char *end;

		q++;
		a->signo = 0;
		a->tid = -1;
		switch (*q) {
		case 'c': a->kind = RSP_CONTINUE; q++; break;
		case 's': a->kind = RSP_STEP; q++; break;
		case 't': a->kind = RSP_STOP; q++; break;
		case 'C':
		case 'S':
			a->kind = *q == 'C' ? RSP_CONTINUE : RSP_STEP;
			if (parse_hex(q + 1, &end, &sig) < 0) {
				reply_err(r, EINVAL);
				return;
			}
			a->signo = rsp_signal_from_gdb((int)sig);
			q = end;
			break;
		default:
			reply_err(r, EINVAL);
			return;
		}
		if (*q == ':') {
			if (parse_tid(q + 1, &end, &a->tid) < 0) {
				reply_err(r, EINVAL);
				return;
			}
			q = end;
		}
		na++;
	}
	if (*q || na == 0) {
		reply_err(r, EINVAL);
		return;
	}
	/* vCont;t alone (stop threads) in all-stop: the target is stopped. */
	if (na == 1 && acts[0].kind == RSP_STOP) {
		reply(r, "OK");
		return;
	}
	do_resume(r, acts, na);
}

static void h_set_thread(struct rsp *r, const char *p, size_t n)
{
	const char *end;
	long tid;

	(void)n;
	if (parse_tid(p + 2, &end, &tid) < 0 || *end) {
		reply_err(r, EINVAL);
		return;
	}
	if (p[1] == 'g')
		r->g_tid = tid > 0 ? tid : 0;
	reply(r, "OK");
}

static bool thread_exists(struct rsp *r, long tid)
{
	int n = r->ops->threads(r->arg, NULL, 0), i;
	bool found = false;
	long *tids;

	if (n <= 0)
		return false;
	tids = xcalloc(n, sizeof(*tids));
	i = r->ops->threads(r->arg, tids, n);
	if (i < n)
		n = i;		/* some went away meanwhile */
	for (i = 0; i < n && !found; i++)
		found = tids[i] == tid;
	free(tids);
	return found;
}

static void h_thread_alive(struct rsp *r, const char *p, size_t n)
{
	const char *end;
	long tid;

	(void)n;
	if (parse_tid(p + 1, &end, &tid) < 0 || *end)
		reply_err(r, EINVAL);
	else if (thread_exists(r, tid))
		reply(r, "OK");
	else
		reply_err(r, ESRCH);
}

static void snapshot_threads(struct rsp *r)
{
	int n = r->ops->threads(r->arg, NULL, 0);

	free(r->tids);
	r->tids = xcalloc(n > 0 ? n : 1, sizeof(long));
	r->ntids = n > 0 ? r->ops->threads(r->arg, r->tids, n) : 0;
	if (r->ntids > n)
		r->ntids = n;
	r->tid_pos = 0;
}

static void h_thread_info(struct rsp *r, const char *p, size_t n)
{
	struct strbuf sb;
	int i;

	(void)n;
	if (p[1] == 'f')
		snapshot_threads(r);
	if (r->tid_pos >= r->ntids) {
		reply(r, "l");
		return;
	}
	strbuf_init(&sb);
	strbuf_add(&sb, "m", 1);
	for (i = 0; r->tid_pos < r->ntids && i < 64; i++, r->tid_pos++)
		strbuf_addf(&sb, "%s%lx", i ? "," : "", r->tids[r->tid_pos]);
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

static void h_current_thread(struct rsp *r, const char *p, size_t n)
{
	char buf[32];

	(void)p; (void)n;
	snprintf(buf, sizeof(buf), "QC%lx", cur_tid(r));
	reply(r, buf);
}

static void h_attached(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "1");	/* detaching leaves the kernel running */
}

static void h_extra_info(struct rsp *r, const char *p, size_t n)
{
	char info[256];
	const char *end;
	struct strbuf sb;
	long tid;

	(void)n;
	if (parse_tid(p + strlen("qThreadExtraInfo,"), &end, &tid) < 0) {
		reply_err(r, EINVAL);
		return;
	}
	if (!r->ops->thread_info ||
	    r->ops->thread_info(r->arg, tid, info, sizeof(info)) < 0)
		snprintf(info, sizeof(info), "thread %ld", tid);
	strbuf_init(&sb);
	add_hex(&sb, info, strlen(info));
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

/* Reply to a qXfer read of `data` at "OFF,LEN". */
static void xfer_reply(struct rsp *r, const char *annex_args,
		       const char *data, size_t dlen)
{
	uint64_t off, len;
	const char *end;
	struct strbuf sb;

	if (parse_addr_len(annex_args, &end, &off, &len) < 0 || *end) {
		reply_err(r, EINVAL);
		return;
	}
	if (len > RSP_MAX_PACKET / 2)
		len = RSP_MAX_PACKET / 2;
	strbuf_init(&sb);
	if (off >= dlen) {
		strbuf_add(&sb, "l", 1);
	} else {
		size_t take = dlen - off < len ? dlen - off : len;

		strbuf_add(&sb, off + take >= dlen ? "l" : "m", 1);
		strbuf_add(&sb, data + off, take);
	}
	send_packet(r, sb.buf, sb.len, true);
	strbuf_release(&sb);
}

static void h_xfer_features(struct rsp *r, const char *p, size_t n)
{
	const char *annex = p + strlen("qXfer:features:read:");
	size_t xlen;
	const char *xml = rsp_target_xml(&xlen);

	(void)n;
	if (strncmp(annex, "target.xml:", 11)) {
		reply_err(r, ENOENT);
		return;
	}
	xfer_reply(r, annex + 11, xml, xlen);
}

static void h_xfer_threads(struct rsp *r, const char *p, size_t n)
{
	const char *args = p + strlen("qXfer:threads:read::");
	struct strbuf sb;
	char info[256];
	long *tids;
	int nt, i, j;

	(void)n;
	if (p[strlen("qXfer:threads:read:")] != ':') {
		reply_err(r, ENOENT);
		return;
	}
	nt = r->ops->threads(r->arg, NULL, 0);
	tids = xcalloc(nt > 0 ? nt : 1, sizeof(*tids));
	nt = nt > 0 ? r->ops->threads(r->arg, tids, nt) : 0;
	strbuf_init(&sb);
	strbuf_addf(&sb, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (i = 0; i < nt; i++) {
		strbuf_addf(&sb, "<thread id=\"%lx\"", tids[i]);
		if (r->ops->thread_info &&
		    r->ops->thread_info(r->arg, tids[i], info,
					sizeof(info)) >= 0) {
			/* XML-escape the few characters that need it. */
			strbuf_addf(&sb, ">");
			for (j = 0; info[j]; j++) {
				unsigned char c = (unsigned char)info[j];

				if (c == '<')
					strbuf_addf(&sb, "&lt;");
				else if (c == '&')
					strbuf_addf(&sb, "&amp;");
				else if (c == '>')
					strbuf_addf(&sb, "&gt;");
				else if (c < 0x20 || c >= 0x7f)
					/* a task may name itself anything:
					 * keep the XML valid ASCII */
					strbuf_add(&sb, "?", 1);
				else
					strbuf_add(&sb, &info[j], 1);
			}
			strbuf_addf(&sb, "</thread>\n");
		} else {
			strbuf_addf(&sb, "/>\n");
		}
	}
	strbuf_addf(&sb, "</threads>\n");
	xfer_reply(r, args, sb.buf, sb.len);
	strbuf_release(&sb);
	free(tids);
}

/* lldb's qHostInfo and qProcessInfo: the host and the kernel process are
 * x86_64 GNU/Linux (lldb then picks its Linux x86_64 ABI: names and
 * unwinding from the first instruction of a function). */
static void h_host_info(struct rsp *r, const char *p, size_t n)
{
	static const char triple[] = "x86_64-pc-linux-gnu";
	struct strbuf sb;

	(void)p; (void)n;
	strbuf_init(&sb);
	strbuf_addf(&sb, "triple:");
	add_hex(&sb, triple, strlen(triple));
	strbuf_addf(&sb, ";ptrsize:8;endian:little;ostype:linux;vendor:pc;");
	reply_sb(r, &sb);
	strbuf_release(&sb);
}

static void h_xfer_auxv(struct rsp *r, const char *p, size_t n)
{
	const char *annex = p + strlen("qXfer:auxv:read:");
	size_t len = 0;
	char *data;

	(void)n;
	if (*annex != ':' || !r->ops->auxv ||
	    !(data = r->ops->auxv(r->arg, &len))) {
		reply_err(r, ENOENT);
		return;
	}
	xfer_reply(r, annex + 1, data, len);
	free(data);
}

static void h_xfer_libraries(struct rsp *r, const char *p, size_t n)
{
	const char *annex = p + strlen("qXfer:libraries:read:");
	char *xml;

	(void)n;
	if (*annex != ':' || !r->ops->libraries ||
	    !(xml = r->ops->libraries(r->arg))) {
		reply_err(r, ENOENT);
		return;
	}
	xfer_reply(r, annex + 1, xml, strlen(xml));
	free(xml);
}

static void h_xfer_exec(struct rsp *r, const char *p, size_t n)
{
	const char *annex = p + strlen("qXfer:exec-file:read:");
	const char *colon = strchr(annex, ':');
	const char *path = r->ops->exec_file ? r->ops->exec_file(r->arg) :
		NULL;

	(void)n;
	if (!colon || !path) {
		reply_err(r, ENOENT);
		return;
	}
	xfer_reply(r, colon + 1, path, strlen(path));
}

static void h_monitor(struct rsp *r, const char *p, size_t n)
{
	const char *hex = p + strlen("qRcmd,");
	size_t hlen = n - strlen("qRcmd,");
	char *cmd = xmalloc(hlen / 2 + 1);
	struct strbuf out, pkt;
	size_t pos;

	if (hlen % 2 || unhex(hex, hlen, cmd, hlen / 2) < 0) {
		free(cmd);
		reply_err(r, EINVAL);
		return;
	}
	cmd[hlen / 2] = '\0';
	if (!r->ops->monitor) {
		free(cmd);
		reply(r, "");
		return;
	}
	strbuf_init(&out);
	r->ops->monitor(r->arg, cmd, &out);
	/* Output as O packets (hex), then OK. */
	strbuf_init(&pkt);
	for (pos = 0; pos < out.len; pos += 4096) {
		size_t take = out.len - pos < 4096 ? out.len - pos : 4096;

		strbuf_reset(&pkt);
		strbuf_add(&pkt, "O", 1);
		add_hex(&pkt, out.buf + pos, take);
		reply_sb(r, &pkt);
	}
	reply(r, "OK");
	strbuf_release(&pkt);
	strbuf_release(&out);
	free(cmd);
}

static void h_pass_signals(struct rsp *r, const char *p, size_t n)
{
	bool pass[65] = { false };
	const char *q = p + strlen("QPassSignals:");
	uint64_t sig;

	(void)n;
	while (*q) {
		const char *end;
		int host;

		if (parse_hex(q, &end, &sig) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		host = rsp_signal_from_gdb((int)sig);
		if (host > 0 && host < (int)ARRAY_SIZE(pass))
			pass[host] = true;
		q = *end == ';' ? end + 1 : end;
		if (*end && *end != ';') {
			reply_err(r, EINVAL);
			return;
		}
	}
	if (r->ops->pass_signals)
		r->ops->pass_signals(r->arg, pass, ARRAY_SIZE(pass));
	reply(r, "OK");
}

static void h_detach(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "OK");
	r->ops->detach(r->arg);
	r->running = false;
	r->done = true;
}

static void h_kill(struct rsp *r, const char *p, size_t n)
{
	/* vKill wants OK; for k, gdb expects nothing but lldb waits for
	 * the exit: killed by SIGKILL. */
	reply(r, p[0] == 'v' ? "OK" : "X09");
	(void)n;
	r->done = true;
	r->ops->kill(r->arg);
}

/* vFile replies: "Fresult" or "F-1,errno" (File-I/O errno values are
 * Linux's for the ones we can return). */
static void file_reply(struct rsp *r, long long result)
{
	char buf[40];

	if (result < 0)
		snprintf(buf, sizeof(buf), "F-1,%llx", -result);
	else
		snprintf(buf, sizeof(buf), "F%llx", result);
	reply(r, buf);
}

/* "Flen;data", the data binary (escaped). */
static void file_data_reply(struct rsp *r, const void *data, size_t len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "F%zx;", len);
	strbuf_add(&sb, data, len);
	send_packet(r, sb.buf, sb.len, true);
	strbuf_release(&sb);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void h_vfile(struct rsp *r, const char *p, size_t n)
{
	const char *args = strchr(p + 6, ':'), *end;
	uint64_t a, b, c;

	if (!r->ops->file_open || !args) {
		reply(r, "");
		return;
	}
	args++;
	if (!strncmp(p, "vFile:setfs:", 12)) {
		file_reply(r, 0);	/* one filesystem: the host's */
	} else if (!strncmp(p, "vFile:open:", 11)) {
		/* filename (hex), flags, mode: read-only opens only */
		const char *comma = strchr(args, ',');
		size_t hl = comma ? (size_t)(comma - args) : 0;
		char *path;

		if (!comma || hl % 2 || hl == 0 ||
		    parse_hex(comma + 1, &end, &a) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		if (a != 0) {		/* O_RDONLY in File-I/O terms */
			file_reply(r, -EACCES);
			return;
		}
		path = xmalloc(hl / 2 + 1);
		if (unhex(args, hl, path, hl / 2) < 0) {
			free(path);
			reply_err(r, EINVAL);
			return;
		}
		path[hl / 2] = '\0';
		file_reply(r, r->ops->file_open(r->arg, path));
		free(path);
	} else if (!strncmp(p, "vFile:pread:", 12)) {
		uint8_t *buf;
		ssize_t got;

		if (parse_hex(args, &end, &a) < 0 || *end != ',' ||
		    parse_hex(end + 1, &end, &b) < 0 || *end != ',' ||
		    parse_hex(end + 1, &end, &c) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		if (b > RSP_MAX_PACKET / 2)
			b = RSP_MAX_PACKET / 2;
		buf = xmalloc(b ? b : 1);
		got = r->ops->file_pread(r->arg, (int)a, buf, b, c);
		if (got < 0)
			file_reply(r, got);
		else
			file_data_reply(r, buf, (size_t)got);
		free(buf);
	} else if (!strncmp(p, "vFile:close:", 12)) {
		if (parse_hex(args, &end, &a) < 0)
			reply_err(r, EINVAL);
		else
			file_reply(r, r->ops->file_close(r->arg, (int)a));
	} else if (!strncmp(p, "vFile:fstat:", 12)) {
		/* struct fio_stat: big-endian, 64 bytes (gdb's File-I/O) */
		uint8_t st[64] = { 0 };
		uint64_t size;
		uint32_t mode, mtime;
		int err, i;

		if (parse_hex(args, &end, &a) < 0) {
			reply_err(r, EINVAL);
			return;
		}
		err = r->ops->file_stat(r->arg, (int)a, &size, &mode, &mtime);
		if (err < 0) {
			file_reply(r, err);
			return;
		}
		put_be32(st + 8, mode);
		put_be32(st + 12, 1);		/* nlink */
		for (i = 0; i < 8; i++)		/* st_size, u64 at 28 */
			st[28 + i] = (uint8_t)(size >> (56 - 8 * i));
		st[42] = 0x10;			/* blksize 4096, u64 at 36 */
		put_be32(st + 52, mtime);	/* atime, mtime, ctime */
		put_be32(st + 56, mtime);
		put_be32(st + 60, mtime);
		file_data_reply(r, st, sizeof(st));
	} else {
		reply(r, "");	/* unlink, readlink, pwrite: unsupported */
	}
	(void)n;
}

static void h_ok(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "OK");
}

static void h_empty(struct rsp *r, const char *p, size_t n)
{
	(void)p; (void)n;
	reply(r, "");
}

enum { EXACT = 1 << 0, RUNNING_OK = 1 << 1 };

static const struct packet_handler {
	const char *prefix;
	unsigned flags;
	void (*fn)(struct rsp *r, const char *p, size_t n);
} handlers[] = {
	{ "qSupported", 0, h_supported },
	{ "QStartNoAckMode", EXACT, h_noack },
	{ "?", EXACT, h_status },
	{ "g", EXACT, h_read_regs },
	{ "G", 0, h_write_regs },
	{ "p", 0, h_read_reg },
	{ "P", 0, h_write_reg },
	{ "m", 0, h_read_mem },
	{ "x", 0, h_read_bin },
	{ "M", 0, h_write_mem },
	{ "X", 0, h_write_bin },
	{ "Z", 0, h_point },
	{ "z", 0, h_point },
	{ "vCont?", EXACT, h_vcont_query },
	{ "vCont;", 0, h_vcont },
	{ "c", 0, h_legacy_resume },
	{ "C", 0, h_legacy_resume },
	{ "s", 0, h_legacy_resume },
	{ "bc", EXACT, h_reverse },
	{ "bs", EXACT, h_reverse },
	{ "S", 0, h_legacy_resume },
	{ "Hg", 0, h_set_thread },
	{ "Hc", 0, h_set_thread },
	{ "T", 0, h_thread_alive },
	{ "qfThreadInfo", EXACT, h_thread_info },
	{ "qsThreadInfo", EXACT, h_thread_info },
	{ "qC", EXACT, h_current_thread },
	{ "qAttached", 0, h_attached },
	{ "qThreadExtraInfo,", 0, h_extra_info },
	{ "qXfer:features:read:", 0, h_xfer_features },
	{ "qXfer:threads:read:", 0, h_xfer_threads },
	{ "qXfer:exec-file:read:", 0, h_xfer_exec },
	{ "qXfer:libraries:read:", 0, h_xfer_libraries },
	{ "qXfer:auxv:read:", 0, h_xfer_auxv },
	{ "qHostInfo", EXACT, h_host_info },
	{ "qProcessInfo", EXACT, h_host_info },
	{ "qRcmd,", 0, h_monitor },
	{ "QPassSignals:", 0, h_pass_signals },
	{ "qSymbol", 0, h_ok },
	{ "D", 0, h_detach },
	{ "k", EXACT, h_kill },
	{ "vKill", 0, h_kill },
	{ "vMustReplyEmpty", EXACT, h_empty },
	{ "vFile:", 0, h_vfile },
};

static void dispatch(struct rsp *r, const char *p, size_t n)
{
	size_t i;

	LOG("rsp", "-> %.*s", (int)(n > 200 ? 200 : n), p);
	if (r->running) {
		/* Only an interrupt (0x03, handled in rsp_feed) makes sense
		 * while running; anything else waits for the stop. */
		reply_err(r, EBUSY);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		const struct packet_handler *h = &handlers[i];
		size_t plen = strlen(h->prefix);

		if (n < plen || memcmp(p, h->prefix, plen))
			continue;
		if ((h->flags & EXACT) && n != plen)
			continue;
		h->fn(r, p, n);
		return;
	}
	reply(r, "");	/* unknown: unsupported, never an error */
}

/* ---- the frame parser ---------------------------------------------------- */

static void packet_done(struct rsp *r)
{
	bool good = !r->csum_bad && r->csum == r->got_csum && !r->overflow;

	if (!r->noack)
		r->write(r->wr_arg, good ? "+" : "-", 1);
	if (r->overflow) {
		LOG("rsp", "dropped an overlong packet");
		if (r->noack)
			reply_err(r, E2BIG);
		return;
	}
	if (!good) {
		LOG("rsp", "bad checksum");
		return;
	}
	r->buf[r->len] = '\0';
	dispatch(r, r->buf, r->len);
}

void rsp_feed(struct rsp *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;
	int d;

	for (i = 0; i < len && !r->done; i++) {
		uint8_t c = p[i];

		switch (r->state) {
		case P_IDLE:
			if (c == '$') {
				r->state = P_DATA;
				r->len = 0;
				r->csum = 0;
				r->overflow = false;
			} else if (c == 0x03) {
				if (r->running)
					r->ops->interrupt(r->arg);
			} else if (c == '-' && !r->noack && r->last.len) {
				r->write(r->wr_arg, r->last.buf, r->last.len);
			}
			/* '+' and noise between packets are ignored. */
			break;
		case P_DATA:
			if (c == '#') {
				r->state = P_CSUM1;
				break;
			}
			r->csum += c;
			if (r->len < RSP_MAX_PACKET)
				r->buf[r->len++] = (char)c;
			else
				r->overflow = true;
			break;
		case P_CSUM1:
			d = hexval((char)c);
			r->csum_bad = d < 0;
			r->got_csum = (uint8_t)((d < 0 ? 0 : d) << 4);
			r->state = P_CSUM2;
			break;
		case P_CSUM2:
			d = hexval((char)c);
			r->csum_bad |= d < 0;
			r->got_csum |= (uint8_t)(d < 0 ? 0 : d);
			r->state = P_IDLE;
			packet_done(r);
			break;
		}
	}
}
